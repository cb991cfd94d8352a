"""The benchmarks (``python -m benchmarks.run``) at tiny sizes, so their code cannot rot.

No timing is asserted: only that every section produces its rows and that the numbers are sane
(calls at least the minimum, floors from the minimum calls, positive times and ratios, memory
read from /proc)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import benchmarks.run as run_module
from benchmarks.run import (
    SECTIONS,
    Plays,
    Row,
    bench_call_counts,
    bench_client_overhead,
    bench_cold_start,
    bench_provider_sizes,
    bench_scale,
    bench_wall_time,
    main,
    render_markdown,
    render_text,
)

N, TEAMS, LATENCY = 6, 2, 2.0


@pytest.fixture(scope="module")
def plays() -> Plays:
    """One play per size for the whole module, as in a full run."""
    return Plays()


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


def test_wall_time_rows_use_the_minimum_calls_for_the_floor(plays: Plays) -> None:
    rows = bench_wall_time(N, TEAMS, LATENCY, plays)
    assert [r.name.split(" ")[0] for r in rows] == ["up", "refresh", "destroy"]
    floors = [(N + TEAMS) * LATENCY / 1000 / 4, TEAMS * LATENCY / 1000 / 4]
    assert [r.baseline for r in rows] == pytest.approx([floors[0], floors[1], floors[0]])
    for row in rows:
        assert row.section == "Wall time" and row.unit == "s"
        assert row.value > 0 and row.ratio is not None and row.ratio > 0
        assert "calls (minimum" in row.note


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


def test_cold_start_and_sizes() -> None:
    (cold,) = bench_cold_start(runs=1)
    assert cold.value > 0 and cold.baseline is not None and cold.baseline > 0
    assert "peak RSS" in cold.note
    sizes = bench_provider_sizes()
    assert [r.name.split(" ")[0] for r in sizes] == [
        "Team",
        "TeamMembership",
        "TeamInviteAccepter",
        "ImageShare",
    ]
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

    def fake_run_all(*args: object, **_kwargs: object) -> list[Row]:
        seen.append(args[:3])
        return [Row("API calls", "refresh", 2, "calls", 2, "minimum")]

    monkeypatch.setattr(run_module, "run_all", fake_run_all)
    out = tmp_path / "bench.json"
    assert main(["--quick", "--markdown", "--json", str(out)]) == 0
    assert seen == [(20, 2, [2.0])]
    assert capsys.readouterr().out.startswith("| Section |")
    data = json.loads(out.read_text())
    assert data["n"] == 20 and data["rows"][0]["ratio"] == 1.0
    assert data["scale"] == [10, 20, 40]
    assert main(["--n", "7", "--latency-ms", "5,50", "--scale", "7"]) == 0
    assert seen[-1] == (7, 2, [5.0, 50.0])
    assert capsys.readouterr().out.startswith("Section")
    with pytest.raises(SystemExit):
        main(["--scale", "a,b"])
