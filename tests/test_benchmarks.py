"""The benchmarks (``python -m benchmarks.run``) at tiny sizes, so their code cannot rot.

No timing is asserted: only that every section produces its rows and that the numbers are sane
(calls at least the minimum, floors from the minimum calls, positive times and ratios, memory
and CPU read from /proc), that the emulator of the membership plays runs in its own process, and
that the ideal provider's plays make the steps they should.

The sections that play through provider processes (call counts, wall time, scale and memory, cold
start) are marked ``slow``: README's second test command runs them; the rest runs by default."""

from __future__ import annotations

import base64
import json
import sys
import time
import urllib.request
from pathlib import Path

import dill
import pulumi.dynamic
import pytest
from pulumi.dynamic.dynamic import serialize_provider as sdk_serialize_provider

import benchmarks.run as run_module
from benchmarks.calls import bench_call_counts
from benchmarks.client_overhead import bench_client_overhead
from benchmarks.cold_start import bench_cold_start
from benchmarks.emulators import EmulatorProcess, emulator
from benchmarks.harness import cpu_seconds
from benchmarks.plays import Plays
from benchmarks.provider_size import bench_provider_sizes
from benchmarks.providers import (
    LATENCY_KEY,
    IdealProvider,
    ReadAfterWriteProvider,
    TrivialProvider,
)
from benchmarks.rows import SECTIONS, Row, render_markdown, render_text
from benchmarks.run import main
from benchmarks.scale import bench_scale
from benchmarks.team_members import bench_team_members
from benchmarks.wall_time import bench_wall_time

from .registry import NAMES

N, TEAMS, LATENCY = 6, 2, 2.0


@pytest.fixture(scope="module")
def plays() -> Plays:
    """One play per size for the whole module, as in a full run."""
    return Plays()


@pytest.mark.slow
def test_call_counts_are_at_least_the_minimum(plays: Plays) -> None:
    rows = bench_call_counts(N, TEAMS, LATENCY, plays)
    assert [r.name.split(" of ")[0] for r in rows] == [
        "up",
        "refresh",
        "destroy",
        "create",
        "update",
        "delete",
    ]
    by_op = {r.name.split(" ")[0]: r for r in rows}
    assert by_op["refresh"].baseline == TEAMS
    assert by_op["create"].baseline == 1 + 1  # 1 describe + ceil(6/10) modify
    for row in rows:
        assert row.section == "API calls" and row.unit == "calls"
        assert row.baseline is not None and row.value >= row.baseline > 0, row
        assert row.ratio is not None and row.ratio >= 1
    assert by_op["up"].value >= N  # one invite per membership at least
    assert by_op["up"].baseline == by_op["destroy"].baseline == N + TEAMS


@pytest.mark.slow
def test_wall_time_rows_against_their_floors_and_the_ideal_provider(plays: Plays) -> None:
    rows = bench_wall_time(N, TEAMS, LATENCY, plays)
    members = [r for r in rows if "memberships" in r.name]
    assert [r.name.split(" ")[0] for r in members] == ["up", "up", "refresh", "destroy"]
    up, bound, refresh, destroy = members
    floors = [(N + TEAMS) * LATENCY / 1000 / 4, TEAMS * LATENCY / 1000 / 4]
    assert [up.baseline, refresh.baseline, destroy.baseline] == pytest.approx(
        [floors[0], floors[1], floors[0]]
    )
    for row in (up, refresh, destroy):
        assert row.section == "Wall time" and row.unit == "s"
        assert row.value > 0 and row.ratio is not None and row.ratio > 0
        assert "calls (minimum" in row.note
        assert "emulator in its own process" in row.note and "emulator process" in row.note
    # the same up against the ideal read-after-write provider, played in the same run
    assert bound.name == f"{up.name}, against an ideal read-after-write provider"
    assert bound.value == up.value and bound.baseline_label == "ideal read-after-write"
    raw = plays.read_after_write(N, TEAMS, LATENCY)
    assert list(raw) == ["up"] and raw["up"].steps == {"create": N}
    assert bound.baseline == raw["up"].seconds >= N * 2 * LATENCY / 1000 / 4
    # the emulator ran in a process of its own (its CPU, from /proc, may be under a clock tick)
    played = plays.get(N, TEAMS, LATENCY)
    assert all(p.emulator_cpu >= 0 and p.local_cpu > 0 for p in played.values())

    # the ideal provider: the same operations with one round trip per create and per delete
    ideal = rows[len(members) :]
    assert [r.name for r in ideal] == [
        f"up of {N} resources, ideal provider (one round trip per create, no CPU), {LATENCY:g} ms",
        f"refresh of {N} resources, ideal provider (no round trip), {LATENCY:g} ms",
        f"destroy of {N} resources, ideal provider (one round trip per delete, no CPU), "
        f"{LATENCY:g} ms",
    ]
    up, refresh, destroy = ideal
    assert up.baseline == destroy.baseline == pytest.approx(N * LATENCY / 1000 / 4)
    assert refresh.baseline is None and refresh.ratio is None
    assert f"create {N}" in up.note and f"delete {N}" in destroy.note
    assert all(r.value > 0 and r.unit == "s" and r.section == "Wall time" for r in ideal)
    ideal_played = plays.ideal(N, TEAMS, LATENCY)
    assert ideal_played["up"].steps == {"create": N}
    assert ideal_played["destroy"].steps == {"delete": N}
    assert all(p.requests == {} and p.provider_cpu > 0 for p in ideal_played.values())


def _configured(provider: IdealProvider, latency_ms: str) -> IdealProvider:
    """What the provider server does after unpickling it: Configure with the stack config."""
    config = pulumi.dynamic.Config({LATENCY_KEY: latency_ms}, project_name="bench")
    provider.configure(pulumi.dynamic.ConfigureRequest(config))
    return provider


def test_ideal_provider_is_one_round_trip() -> None:
    provider = _configured(IdealProvider(), "5.0")
    news = {"team_id": 1001, "user_company_id": 50002}
    assert provider.check({}, news).inputs == news
    started = time.perf_counter()
    created = provider.create(news)
    assert time.perf_counter() - started >= 0.005
    assert created.id == "1001:50002" and created.outs == news
    assert provider.read("1001:50002", news).outs == news
    with pytest.raises(RuntimeError, match=LATENCY_KEY):  # never configured: no silent 0 ms
        IdealProvider().delete("1001:50002", news)


def test_the_read_after_write_provider_is_two_round_trips() -> None:
    provider = _configured(ReadAfterWriteProvider(), "5.0")
    news = {"team_id": 1001, "user_company_id": 50002}
    started = time.perf_counter()
    assert provider.create(news).id == "1001:50002"
    assert time.perf_counter() - started >= 0.010  # two sleeps of 5 ms, one after the other


@pytest.mark.parametrize("provider_class", [IdealProvider, ReadAfterWriteProvider, TrivialProvider])
def test_the_benchmark_providers_pickle_without_instance_attributes(
    provider_class: type[pulumi.dynamic.ResourceProvider],
) -> None:
    """A by-reference pickle of a bare instance, as the package's providers: pulumi 3.272's
    ``serialize_provider`` leaves one more wrapper on ``pickle`` per call, so an instance with
    attributes failed with RecursionError at about the 980th resource of one process (the ideal
    plays of ``--n 500`` at two latencies)."""
    from pulumi_compshare.testing.wire import one_program_process

    assert vars(provider_class()) == {}
    with one_program_process():
        for _ in range(sys.getrecursionlimit() + 100):
            text = sdk_serialize_provider(provider_class())
    loaded = dill.loads(base64.b64decode(text))
    assert type(loaded) is provider_class and vars(loaded) == {}
    assert b"benchmarks.providers" in base64.b64decode(text)


def test_the_emulator_process() -> None:
    """The emulator of the membership plays: ``python -m pulumi_compshare.emulator``, its
    requests counted over HTTP, stopped with SIGTERM."""
    from pulumi_compshare.emulator import generate_seed

    seed = generate_seed(accounts=3, teams=1, images=0)
    with EmulatorProcess(seed, latency_ms=0) as em:
        assert em.url.startswith("http://127.0.0.1:") and em.pid > 0
        assert cpu_seconds(em.pid) > 0  # its start-up, read from /proc
        assert em.stats()["requests"] == {}
        body = b"Action=GetCompShareTeamInfo&TeamId=1001"
        urllib.request.urlopen(em.url, data=body, timeout=10).read()
        assert sum(em.stats()["requests"].values()) == 1
        em.reset_stats()
        assert em.stats()["requests"] == {}
        assert [t["id"] for t in em.state()["teams"]] == [1001]
        process = em._process
    assert process.returncode == 0  # stopped by SIGTERM, exit status 0


def test_the_emulator_in_this_process() -> None:
    """``--emulator-in-process``: the plays get an :class:`Emulator` thread here, no pid."""
    from pulumi_compshare.emulator import Emulator, generate_seed

    seed = generate_seed(accounts=2, teams=1, images=0)
    with emulator(seed, 0, in_process=True) as (em, pid):
        assert isinstance(em, Emulator) and pid is None
        assert em.stats()["requests"] == {}
    assert Plays(emulator_in_process=True).emulator_in_process


@pytest.mark.slow
def test_scale_and_memory_rows(plays: Plays) -> None:
    rows = bench_scale((3, N), TEAMS, LATENCY, plays)
    scale = [r for r in rows if r.section == "Scale"]
    memory = [r for r in rows if r.section == "Memory"]
    assert [r.name for r in scale] == [
        f"{op}, each membership from 3 to {N}, {LATENCY:g} ms"
        for op in ("up", "refresh", "destroy")
    ]
    assert all(r.unit == "ms" and r.baseline is not None for r in scale)
    up = scale[0]
    assert up.baseline == pytest.approx(LATENCY / 4)  # one more invite per membership
    assert [r.name for r in memory] == [f"provider peak RSS, {n} memberships" for n in (3, N)]
    assert all(r.unit == "MB" and r.value > 10 for r in memory)  # read from /proc
    assert memory[0].ratio == 1.0


@pytest.mark.slow
def test_cold_start_and_sizes() -> None:
    (cold,) = bench_cold_start(runs=1)
    assert cold.value > 0 and cold.baseline is not None and cold.baseline > 0
    assert "peak RSS" in cold.note
    sizes = bench_provider_sizes()
    assert [r.name.split(" ")[0] for r in sizes] == list(NAMES)  # every registered resource
    assert all(0 < r.value < 1000 and r.unit == "bytes" for r in sizes)


def test_client_overhead_against_the_official_sdk() -> None:
    pytest.importorskip("ucloud.client")
    rows = bench_client_overhead(calls=5)
    assert [r.name.split(",")[0] for r in rows] == [
        "GetCompShareTeamInfo",
        "DescribeCompShareImageShareAccounts",
    ]
    assert all(r.value > 0 and r.ratio is not None and r.ratio > 0 for r in rows)


def test_rendering() -> None:
    rows = [
        Row("API calls", "refresh | x", 2, "calls", 2, "minimum", "note"),
        Row("Provider size", "Team", 88, "bytes"),
    ]
    text = render_text(rows).splitlines()
    assert len(text) == 4 and len({len(line) for line in text[:2]}) == 1  # aligned columns
    assert "1.00x" in text[2]
    markdown = render_markdown(rows).splitlines()
    assert markdown[0].startswith("| Section |") and markdown[1].startswith("| --- |")
    assert "refresh \\| x" in markdown[2]  # pipes escaped
    assert all(line.count(" | ") >= 5 for line in markdown)
    assert rows[1].ratio is None and rows[0].to_json()["ratio"] == 1.0
    assert set(SECTIONS) >= {r.section for r in rows}


def test_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's plumbing (sizes, table, Markdown, JSON), with canned rows."""
    seen: list[tuple[object, ...]] = []
    in_process: list[object] = []

    def fake_run_all(*args: object, **kwargs: object) -> list[Row]:
        seen.append(args[:3])
        in_process.append(kwargs.get("emulator_in_process"))
        return [Row("API calls", "refresh", 2, "calls", 2, "minimum")]

    monkeypatch.setattr(run_module, "run_all", fake_run_all)
    out = tmp_path / "bench.json"
    assert main(["--quick", "--markdown", "--json", str(out)]) == 0
    assert seen == [(20, 2, [2.0])]
    assert capsys.readouterr().out.startswith("| Section |")
    data = json.loads(out.read_text())
    assert data["n"] == 20 and data["rows"][0]["ratio"] == 1.0
    assert data["scale"] == [10, 20, 40] and data["emulator_in_process"] is False
    assert main(["--n", "7", "--latency-ms", "5,50", "--scale", "7", "--emulator-in-process"]) == 0
    assert seen[-1] == (7, 2, [5.0, 50.0])
    assert in_process == [False, True]
    assert capsys.readouterr().out.startswith("Section")
    with pytest.raises(SystemExit):
        main(["--scale", "a,b"])


LAYERS = {
    "run": 4,
    **dict.fromkeys(
        [
            "calls",
            "wall_time",
            "team_members",
            "scale",
            "cold_start",
            "client_overhead",
            "provider_size",
        ],
        3,
    ),
    "plays": 2,
    "emulators": 1,
    **dict.fromkeys(["harness", "providers", "rows"], 0),
}
"""The modules of ``benchmarks`` by layer: the command, the sections, the plays, the emulators,
and the bottom (harness, providers, rows). A module imports only modules of lower layers."""


@pytest.mark.slow
def test_team_members_rows_count_the_batched_calls() -> None:
    """The set form at a tiny size: the up makes the script's calls, the change of 5 its
    minimum, the refresh one read, the destroy one read and a cancel per member."""
    rows = {r.name: r for r in bench_team_members(N, [LATENCY])}
    calls = {name.split(",")[0]: r for name, r in rows.items() if r.unit == "calls"}
    assert calls[f"up of a TeamMembers of {N} members"].value == 3  # read, invite, read
    assert calls[f"up of a TeamMembers of {N} members"].ratio == 1.0
    update = rows[f"up --skip-preview of a TeamMembers of {N} members, {LATENCY:g} ms"]
    up = rows[f"up of a TeamMembers of {N} members, {LATENCY:g} ms"]
    assert update.baseline == up.baseline and 0 < update.value < up.value  # without its preview
    assert calls[f"change of 5 of {N} members (2 out"].value == 5
    assert calls[f"refresh of a TeamMembers of {N} members"].value == 1
    assert calls[f"destroy of a TeamMembers of {N + 1} members"].value == N + 2
    assert all(r.value > 0 for r in rows.values() if r.unit == "s")


def test_the_package_imports_point_one_way() -> None:
    import ast

    folder = Path(run_module.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__"}
    assert modules == set(LAYERS)
    for name in modules:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            node.module.split(".")[1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("benchmarks.")
        }
        assert all(LAYERS[other] < LAYERS[name] for other in imported), (name, imported)


def test_the_providers_module_imports_only_pulumi() -> None:
    """Provider servers import it to unpickle the trivial provider: the cold-start baseline must
    not pay for pulumi_compshare, httpx or pydantic."""
    import subprocess

    code = "import sys, benchmarks.providers; print(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(run_module.__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    loaded = set(json.loads(out.replace("'", '"')))
    assert "pulumi" in loaded
    assert not loaded & {"pulumi_compshare", "httpx", "pydantic"}, loaded
