"""The benchmarks of pulumi-compshare, measured in one run and printed as one table.

``python -m benchmarks.run [--quick] [--n 200] [--teams 2] [--latency-ms 20,100]
[--scale 50,200,1000] [--markdown] [--json FILE]``

Seven sections (see ``benchmarks/README.md`` for how to read each row):

1. **API calls** per operation, counted by the emulator (``Emulator.stats()["requests"]``), against
   the minimum possible: refresh / up / destroy of N memberships over T teams, played through the
   engine-protocol :class:`~pulumi_compshare.testing.engine.Player` with the emulator at the first
   latency (how many confirmations share a read depends on timing), and create / update / delete
   of an ``ImageShare`` of N accounts, driven call by call through a provider server.
2. **Wall time** of up / refresh / destroy of N memberships through the ``Player`` (a fresh
   provider process per operation, as the CLI does) at each latency, against the floor
   ``minimum calls x latency / 4`` (the provider server runs four calls at a time).
3. **Scale**: milliseconds per membership of the same operations at several sizes (linear growth
   keeps them level), against the floor per membership.
4. **Memory**: the provider server's peak RSS (``/proc``) at each size, against the smallest.
5. **Provider cold start**: launching ``python -m pulumi.dynamic`` up to the first answered Check,
   ``TeamProvider`` against a trivial dynamic provider (median of a few runs).
6. **Client overhead** per call on the emulator without latency: our pooled ``CompShareClient``
   against the official ``ucloud-sdk-python3`` client (a new ``requests`` session per call).
7. **Serialized provider size**: the ``__provider`` property every resource stores in state.

Every ``bench_*`` function returns a list of :class:`Row`, so ``tests/test_benchmarks.py`` runs the
same code with tiny sizes; the membership plays are shared through :class:`Plays`.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import itertools
import json
import logging
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic

# Only the standard library and pulumi at import time: the provider server imports this module to
# unpickle TrivialProvider, and the cold-start baseline must not pay for pulumi_compshare, httpx or
# the engine kit. The package is imported inside the functions that use it.
if TYPE_CHECKING:
    from pulumi_compshare.emulator import Emulator, Seed

__all__ = [
    "Row",
    "TrivialProvider",
    "bench_call_counts",
    "bench_client_overhead",
    "bench_cold_start",
    "bench_provider_sizes",
    "bench_wall_time",
    "main",
    "render_markdown",
    "render_text",
    "run_all",
]

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: on the provider server's ``sys.path`` so ``benchmarks.run`` imports."""

PROVIDER_KEY = "__provider"
"""The property that carries the pickled provider (``pulumi_compshare.testing.engine``)."""
TYPE_PREFIX = "pulumi-python:dynamic/compshare:"
BENCH_TYPE = "pulumi-python:dynamic/bench:Trivial"
SERVER_PARALLEL = 4
"""Calls the dynamic provider server (and the engine) run at a time."""

ACTIVE = ("Pending", "Joined")
"""Relation statuses that a destroy must have cancelled."""

SECTIONS = (
    "API calls",
    "Wall time",
    "Scale",
    "Memory",
    "Cold start",
    "Client overhead",
    "Provider size",
)


# --------------------------------------------------------------------------------------------------
# rows and rendering


@dataclass(frozen=True)
class Row:
    """One line of the table: a measurement, what it is compared with, and their ratio."""

    section: str
    """One of :data:`SECTIONS`."""
    name: str
    """What was measured, e.g. ``refresh of 200 memberships over 2 teams``."""
    value: float
    """The measurement, in :attr:`unit`."""
    unit: str
    """``calls``, ``s``, ``ms``, ``ms/call``, ``MB`` or ``bytes``."""
    baseline: float | None = None
    """What the measurement is compared with (same unit), or None."""
    baseline_label: str = ""
    """What the baseline is: ``minimum``, ``floor``, ``trivial provider``, ``ucloud SDK``..."""
    note: str = ""
    """How the numbers were obtained (call breakdown, formula)."""

    @property
    def ratio(self) -> float | None:
        """``value / baseline`` (None without a positive baseline)."""
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


def _number(value: float, unit: str) -> str:
    if unit in ("calls", "bytes"):
        return f"{value:,.0f} {unit}"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms/call":
        return f"{value:.3f} ms/call"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g} {unit}"


def _cells(row: Row) -> list[str]:
    baseline = ""
    if row.baseline is not None:
        baseline = _number(row.baseline, row.unit)
        if row.baseline_label:
            baseline += f" ({row.baseline_label})"
    ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
    return [row.section, row.name, _number(row.value, row.unit), baseline, ratio, row.note]


HEADER = ["Section", "Measurement", "Measured", "Baseline", "Ratio", "Notes"]


def render_text(rows: Sequence[Row]) -> str:
    """An aligned plain-text table (numbers right-aligned)."""
    table = [HEADER, *[_cells(r) for r in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    right = {2, 3, 4}

    def fmt(line: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(HEADER), rule, *[fmt(c) for c in table[1:]]])


def render_markdown(rows: Sequence[Row]) -> str:
    """A Markdown table (pipes in cells escaped), ready to paste into README.md."""

    def fmt(line: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in line) + " |"

    align = "| " + " | ".join(["---", "---", "---:", "---:", "---:", "---"]) + " |"
    return "\n".join([fmt(HEADER), align, *[fmt(_cells(r)) for r in rows]])


# --------------------------------------------------------------------------------------------------
# shared helpers


def _config(em: Emulator, seed: Seed) -> dict[str, str]:
    """Stack config of account 0 (the owner of every generated team and image)."""
    owner = seed.accounts[0]
    return {
        "compshare:publicKey": owner.public_key,
        "compshare:privateKey": owner.private_key,
        "compshare:baseUrl": em.url,
    }


def _requests(em: Emulator) -> dict[str, int]:
    requests: dict[str, int] = em.stats()["requests"]
    return dict(requests)


def _total(requests: Mapping[str, int]) -> int:
    return sum(requests.values())


def _breakdown(requests: Mapping[str, int]) -> str:
    """``GetCompShareTeamInfo 2, ModifyCompShareImageShareAccount 20`` (action names shortened)."""
    parts = []
    for action, count in sorted(requests.items()):
        short = action.replace("CompShare", "")
        parts.append(f"{short} {count}")
    return ", ".join(parts) or "none"


@contextmanager
def _counting(em: Emulator, into: dict[str, dict[str, int]], key: str) -> Iterator[None]:
    """Count the emulator requests made inside the block into ``into[key]``."""
    em.reset_stats()
    try:
        yield
    finally:
        into[key] = _requests(em)


def _membership_program(users: Sequence[int], teams: Sequence[int]) -> Callable[[], None]:
    """The program: one ``TeamMembership`` per user, users spread round-robin over the teams."""

    import pulumi_compshare

    def program() -> None:
        for index, uid in enumerate(users):
            pulumi_compshare.TeamMembership(
                f"m{uid}", team_id=teams[index % len(teams)], user_company_id=uid
            )

    return program


@dataclass(frozen=True)
class _Played:
    """Requests, seconds and provider memory of one membership operation played by the Player."""

    op: str
    requests: dict[str, int]
    seconds: float
    steps: dict[str, int]
    peak_rss_kb: int
    """Peak resident memory of the provider server process (``VmHWM``), 0 if unknown."""
    provider_cpu: float
    """CPU seconds of the provider server process (its start included), from ``/proc``."""
    local_cpu: float
    """CPU seconds of this process meanwhile: the engine stand-in and the emulator."""

    @property
    def calls(self) -> int:
        return _total(self.requests)


OPERATIONS = ("up", "refresh", "destroy")


def _minimum(op: str, n: int, teams: int) -> tuple[int, str]:
    """The fewest API calls an operation on ``n`` memberships over ``teams`` teams can make, and
    how: one read per team serves every membership's refresh; up and destroy write once per
    membership (a per-resource provider cannot do less) and read each team once."""
    if op == "refresh":
        return teams, f"{teams} team reads"
    verb = "invites" if op == "up" else "cancels"
    return n + teams, f"{n} {verb} + {teams} team reads"


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a live process from ``/proc/<pid>/stat``; 0 if unknown."""
    if pid is None:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_kb(pid: int | None) -> int:
    """``VmHWM`` (peak resident set) of a live process from ``/proc``, in KiB; 0 if unknown."""
    if pid is None:
        return 0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


_SERVER_ENV = {"PYTHONDONTWRITEBYTECODE": ""}
"""Provider servers may cache bytecode, as an installed package has it (the first start writes
it): start-up is then measured as users meet it, whatever the environment says."""


def _play_memberships(n: int, teams: int, latency_ms: float) -> list[_Played]:
    """up, refresh and destroy of ``n`` memberships over ``teams`` teams, each counted and timed;
    a fresh provider process per operation, as with the Pulumi CLI."""
    from pulumi_compshare.emulator import Emulator, generate_seed
    from pulumi_compshare.testing.engine import Player

    seed = generate_seed(accounts=n + 1, teams=teams, images=1)
    users = [a.company_id for a in seed.accounts[1:]]
    team_ids = [t.id for t in seed.teams]
    program = _membership_program(users, team_ids)
    played: list[_Played] = []
    with (
        Emulator(seed=seed, latency_ms=latency_ms) as em,
        Player(
            project="bench",
            config=_config(em, seed),
            pythonpath=[ROOT],
            env=_SERVER_ENV,
            restart_per_operation=True,
        ) as player,
    ):
        operations: list[tuple[str, Callable[[], Any]]] = [
            ("up", lambda: player.up(program)),
            ("refresh", player.refresh),
            ("destroy", player.destroy),
        ]
        for op, run in operations:
            em.reset_stats()
            cpu = time.process_time()
            started = time.perf_counter()
            result = run()
            seconds = time.perf_counter() - started
            local = time.process_time() - cpu
            server = player.server
            pid = server.pid if server is not None and server.running else None
            played.append(
                _Played(
                    op,
                    _requests(em),
                    seconds,
                    result.counts(),
                    _peak_rss_kb(pid),
                    _cpu_seconds(pid),
                    local,
                )
            )
        left = [r for r in em.state().get("relations", []) if r.get("status") in ACTIVE]
        if left:
            raise RuntimeError(f"destroy left {len(left)} active relations")
    return played


class Plays:
    """Membership plays by ``(n, teams, latency_ms)``, each played once per run and shared by
    the sections that read it (call counts, wall time, scale, memory)."""

    def __init__(self, progress: Callable[[str], None] | None = None) -> None:
        self._plays: dict[tuple[int, int, float], dict[str, _Played]] = {}
        self._say = progress or (lambda _msg: None)

    def get(self, n: int, teams: int, latency_ms: float) -> dict[str, _Played]:
        key = (n, teams, float(latency_ms))
        if key not in self._plays:
            started = time.perf_counter()
            self._plays[key] = {p.op: p for p in _play_memberships(n, teams, latency_ms)}
            took = time.perf_counter() - started
            self._say(
                f"  played {n} memberships over {teams} teams at {latency_ms:g} ms: {took:.1f} s"
            )
        return self._plays[key]


# --------------------------------------------------------------------------------------------------
# 1. API calls per operation


def bench_call_counts(
    n: int = 200, teams: int = 2, latency_ms: float = 20, plays: Plays | None = None
) -> list[Row]:
    """API calls of membership up / refresh / destroy (N over T teams, the emulator answering
    after ``latency_ms``: how many confirmations share a read depends on timing) and of
    ImageShare create / update / delete (N accounts, update removing half), against the minimum
    possible."""
    rows: list[Row] = []
    played = (plays or Plays()).get(n, teams, latency_ms)
    what = f"{n} memberships over {teams} teams"
    for op in OPERATIONS:
        p = played[op]
        low, how = _minimum(op, n, teams)
        rows.append(
            Row(
                "API calls",
                f"{op} of {what}, {latency_ms:g} ms",
                p.calls,
                "calls",
                low,
                "minimum",
                f"{_breakdown(p.requests)}; minimum = {how}",
            )
        )
    rows += _image_share_call_counts(n)
    return rows


def _image_share_call_counts(n: int) -> list[Row]:
    from pulumi_compshare.emulator import Emulator, generate_seed
    from pulumi_compshare.resources import ImageShareProvider
    from pulumi_compshare.testing.engine import ProviderServer, make_urn, serialize_provider

    seed = generate_seed(accounts=n + 1, teams=0, images=1)
    accounts = [a.company_id for a in seed.accounts[1:]]
    image = seed.images[0].id
    keep = accounts[: n - n // 2]
    removed = n - len(keep)
    counted: dict[str, dict[str, int]] = {}
    provider = serialize_provider(ImageShareProvider())
    urn = make_urn(f"{TYPE_PREFIX}ImageShare", "share", project="bench")
    with Emulator(seed=seed) as em:
        server = ProviderServer(project="bench", pythonpath=[ROOT]).start()
        try:
            server.configure(_config(em, seed))
            news = {"image_id": image, "account_ids": accounts, PROVIDER_KEY: provider}
            with _counting(em, counted, "create"):  # engine: Check, Create
                inputs, failures = server.check(urn, {}, news)
                _expect_no_failures(failures)
                id_, outputs = server.create(urn, inputs)
            fewer = {**news, "account_ids": keep}
            with _counting(em, counted, "update"):  # engine: Check, Diff, Update
                new_inputs, failures = server.check(urn, inputs, fewer)
                _expect_no_failures(failures)
                diff = server.diff(id_, urn, outputs, new_inputs, old_inputs=inputs)
                if not diff.changes or diff.replace:
                    raise RuntimeError(f"unexpected ImageShare diff: {diff}")
                outputs = server.update(id_, urn, outputs, new_inputs, old_inputs=inputs)
            with _counting(em, counted, "delete"):  # engine: Delete
                server.delete(id_, urn, outputs, old_inputs=new_inputs)
        finally:
            server.stop()
        (image_state,) = [i for i in em.state()["images"] if i["id"] == image]
        if image_state["shared_with"]:
            raise RuntimeError("ImageShare delete left accounts shared")
    cases = [
        ("create", f"create of an ImageShare of {n} accounts", n),
        ("update", f"update of it removing {removed} accounts", removed),
        ("delete", f"delete of the ImageShare of {len(keep)} accounts", len(keep)),
    ]
    rows = []
    for key, name, changed in cases:
        low = 1 + math.ceil(changed / 10)
        rows.append(
            Row(
                "API calls",
                name,
                _total(counted[key]),
                "calls",
                low,
                "minimum",
                f"{_breakdown(counted[key])}; minimum = 1 describe + ceil({changed}/10) modifies",
            )
        )
    return rows


def _expect_no_failures(failures: Sequence[tuple[str, str]]) -> None:
    if failures:
        raise RuntimeError(f"check failed: {failures}")


# --------------------------------------------------------------------------------------------------
# 2. wall time


def _floor(op: str, n: int, teams: int, latency_ms: float) -> tuple[float, int]:
    """Seconds no operation can beat, ``minimum calls x latency / 4`` (the provider server
    makes four calls at a time), and that minimum."""
    low, _ = _minimum(op, n, teams)
    return low * latency_ms / 1000 / SERVER_PARALLEL, low


def bench_wall_time(
    n: int = 200, teams: int = 2, latency_ms: float = 20, plays: Plays | None = None
) -> list[Row]:
    """Seconds of up / refresh / destroy of N memberships through the Player with the emulator at
    ``latency_ms``, against the floor ``minimum calls x latency / 4``."""
    rows = []
    played = (plays or Plays()).get(n, teams, latency_ms)
    for op in OPERATIONS:
        p = played[op]
        floor, low = _floor(op, n, teams, latency_ms)
        note = (
            f"{p.calls} calls (minimum {low}); floor = minimum x {latency_ms:g} ms / "
            f"{SERVER_PARALLEL}; includes the provider process start; CPU: provider "
            f"{p.provider_cpu:.2f} s, engine stand-in + emulator {p.local_cpu:.2f} s"
        )
        if op == "up":
            chain = n * 2 * latency_ms / 1000 / SERVER_PARALLEL
            note += (
                f"; each create invites, then reads back after its invite: at least 2 round "
                f"trips per create, {n} x 2 x {latency_ms:g} ms / {SERVER_PARALLEL} = {chain:.2f} s"
            )
        rows.append(
            Row(
                "Wall time",
                f"{op} of {n} memberships over {teams} teams, {latency_ms:g} ms",
                p.seconds,
                "s",
                floor,
                "floor",
                note,
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------
# 3-4. scale: cost per membership and the provider's memory as N grows


def bench_scale(
    sizes: Sequence[int] = (50, 200, 1000),
    teams: int = 2,
    latency_ms: float = 20,
    plays: Plays | None = None,
) -> list[Row]:
    """What each further membership costs between consecutive sizes (linear growth: the same
    from every size to the next), against the floor per further membership; then the provider
    server's peak memory at each size against the smallest (flat: the same)."""
    plays = plays or Plays()
    sizes = sorted(set(sizes))
    played = {n: plays.get(n, teams, latency_ms) for n in sizes}
    rows: list[Row] = []
    for op in OPERATIONS:
        for small, large in itertools.pairwise(sizes):
            a, b = played[small][op], played[large][op]
            extra = large - small
            floor_a, low_a = _floor(op, small, teams, latency_ms)
            floor_b, low_b = _floor(op, large, teams, latency_ms)
            rows.append(
                Row(
                    "Scale",
                    f"{op}, each membership from {small} to {large}, {latency_ms:g} ms",
                    (b.seconds - a.seconds) * 1000 / extra,
                    "ms",
                    (floor_b - floor_a) * 1000 / extra,
                    "floor",
                    f"{a.seconds:.2f} s at {small}, {b.seconds:.2f} s at {large}; calls "
                    f"{a.calls} -> {b.calls}, {(b.calls - a.calls) / extra:.2f} per membership "
                    f"(minimum {(low_b - low_a) / extra:.2f})",
                )
            )
    smallest = sizes[0]
    base_kb = max(p.peak_rss_kb for p in played[smallest].values())
    for n in sizes:
        peak = max(played[n].values(), key=lambda p: p.peak_rss_kb)
        rows.append(
            Row(
                "Memory",
                f"provider peak RSS, {n} memberships",
                peak.peak_rss_kb / 1024,
                "MB",
                base_kb / 1024 if peak.peak_rss_kb and base_kb else None,
                f"{smallest} memberships",
                f"VmHWM of the provider server process (/proc), highest in the {peak.op}; a "
                "fresh process per operation",
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------
# 5. provider cold start


class TrivialProvider(pulumi.dynamic.ResourceProvider):
    """The least a dynamic provider can be: check returns the inputs, create echoes them."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult("trivial", props)


def _trivial_provider() -> pulumi.dynamic.ResourceProvider:
    """A TrivialProvider from the importable module ``benchmarks.run`` (not ``__main__``), so the
    pickle is a by-reference one like ours."""
    module = importlib.import_module("benchmarks.run")
    provider: pulumi.dynamic.ResourceProvider = module.TrivialProvider()
    return provider


def _first_check_seconds(
    type_token: str, props: Mapping[str, Any], config: Mapping[str, str]
) -> tuple[float, int]:
    """Seconds from launching the provider server to the answer of its first Check (after the
    Configure the engine always sends first), and the server's peak RSS then (KiB)."""
    from pulumi_compshare.testing.engine import ProviderServer, make_urn

    urn = make_urn(type_token, "cold", project="bench")
    started = time.perf_counter()
    server = ProviderServer(project="bench", pythonpath=[ROOT], env=_SERVER_ENV)
    try:
        server.start()
        server.configure(config)
        _, failures = server.check(urn, {}, props)
        seconds = time.perf_counter() - started
        rss = _peak_rss_kb(server.pid)
    finally:
        server.stop()
    _expect_no_failures(failures)
    return seconds, rss


def bench_cold_start(runs: int = 5) -> list[Row]:
    """Median seconds to the first answered Check: TeamProvider against TrivialProvider."""
    from pulumi_compshare.resources import TeamProvider
    from pulumi_compshare.testing.engine import serialize_provider

    config = {
        "compshare:publicKey": "cold-start-public",
        "compshare:privateKey": "cold-start-private",
        "compshare:baseUrl": "http://127.0.0.1:9",
    }
    team = {"name": "cold", PROVIDER_KEY: serialize_provider(TeamProvider())}
    trivial = {"name": "cold", PROVIDER_KEY: serialize_provider(_trivial_provider())}
    ours: list[tuple[float, int]] = []
    base: list[tuple[float, int]] = []
    _first_check_seconds(BENCH_TYPE, trivial, {})  # warm-up: bytecode written, files cached
    _first_check_seconds(f"{TYPE_PREFIX}Team", team, config)
    for _ in range(max(1, runs)):  # interleaved, so drift in machine load hits both alike
        base.append(_first_check_seconds(BENCH_TYPE, trivial, {}))
        ours.append(_first_check_seconds(f"{TYPE_PREFIX}Team", team, config))
    ours_s, base_s = [s for s, _ in ours], [s for s, _ in base]
    ours_mb = statistics.median(kb for _, kb in ours) / 1024
    base_mb = statistics.median(kb for _, kb in base) / 1024
    return [
        Row(
            "Cold start",
            "provider start to first Check, TeamProvider",
            statistics.median(ours_s),
            "s",
            statistics.median(base_s),
            "trivial provider",
            f"median of {len(ours)} runs each after a warm-up (Configure included; bytecode "
            f"cached); min {min(ours_s):.2f} s vs {min(base_s):.2f} s; peak RSS "
            f"{ours_mb:.1f} MB vs {base_mb:.1f} MB",
        )
    ]


# --------------------------------------------------------------------------------------------------
# 6. client overhead


def _mean_ms(calls: int, fn: Callable[[], object], warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) * 1000 / calls


def _client_means(calls: int) -> dict[str, tuple[float, float]]:
    """Action -> (CompShareClient ms/call, ucloud SDK ms/call) on a fresh emulator."""
    from ucloud.client import Client as UCloudClient  # the official SDK (a test extra)

    from pulumi_compshare.client import CompShareClient, Credentials
    from pulumi_compshare.emulator import Emulator, generate_seed

    seed = generate_seed(accounts=3, teams=1, images=1)
    owner = seed.accounts[0]
    team_id = seed.teams[0].id
    image = seed.images[0].id
    means: dict[str, tuple[float, float]] = {}
    quiet = logging.getLogger("benchmarks.ucloud-sdk")
    quiet.setLevel(logging.WARNING)
    quiet.propagate = False
    with Emulator(seed=seed) as em:
        ours = CompShareClient(Credentials(owner.public_key, owner.private_key), base_url=em.url)
        sdk = UCloudClient(
            {
                "region": "cn-wlcb",
                "public_key": owner.public_key,
                "private_key": owner.private_key,
                "base_url": em.url,
                "max_retries": 0,
            },
            logger=quiet,
        ).ucompshare()
        cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
            (
                "GetCompShareTeamInfo",
                lambda: ours.get_team_info(team_id=team_id),
                lambda: sdk.get_comp_share_team_info({"TeamId": team_id}),
            ),
            (
                "DescribeCompShareImageShareAccounts",
                lambda: ours.describe_image_share_accounts(image),
                lambda: sdk.describe_comp_share_image_share_accounts({"CompShareImageId": image}),
            ),
        ]
        try:
            ours.modify_image_share_accounts(image, add=[a.company_id for a in seed.accounts[1:]])
            for action, mine, theirs in cases:
                em.reset_stats()
                means[action] = (_mean_ms(calls, mine), _mean_ms(calls, theirs))
                sent = _requests(em).get(action, 0)
                if sent != 2 * (calls + 3):  # 3 warm-up calls each
                    raise RuntimeError(f"{action}: expected {2 * (calls + 3)} requests, got {sent}")
        finally:
            ours.close()
    return means


def bench_client_overhead(calls: int = 300) -> list[Row]:
    """Mean ms per call on the emulator without latency: CompShareClient (one pooled keep-alive
    httpx client) against ucloud-sdk-python3 (a new requests session per call)."""
    rows = []
    note = f"mean of {calls} calls each, emulator without latency"
    for action, (ours, sdk) in _client_means(calls).items():
        rows.append(
            Row(
                "Client overhead",
                f"{action}, CompShareClient",
                ours,
                "ms/call",
                sdk,
                "ucloud SDK",
                f"{note}; pooled keep-alive vs a new session per call",
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------
# 7. serialized provider size


def bench_provider_sizes() -> list[Row]:
    """Bytes of each resource's ``__provider`` property: the pickle and its base64 text."""
    from pulumi_compshare.resources import (
        ImageShareProvider,
        TeamInviteAccepterProvider,
        TeamMembershipProvider,
        TeamProvider,
    )
    from pulumi_compshare.testing.engine import serialize_provider

    providers: list[tuple[str, pulumi.dynamic.ResourceProvider]] = [
        ("Team", TeamProvider()),
        ("TeamMembership", TeamMembershipProvider()),
        ("TeamInviteAccepter", TeamInviteAccepterProvider()),
        ("ImageShare", ImageShareProvider()),
    ]
    rows = []
    for name, provider in providers:
        text = serialize_provider(provider)
        raw = base64.b64decode(text)
        rows.append(
            Row(
                "Provider size",
                f"{name} __provider in state",
                len(text),
                "bytes",
                note=f"base64 text; the dill pickle itself is {len(raw)} bytes",
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------
# the command


def run_all(
    n: int = 200,
    teams: int = 2,
    latencies: Sequence[float] = (20, 100),
    scale: Sequence[int] = (50, 200, 1000),
    cold_runs: int = 5,
    client_calls: int = 300,
    progress: Callable[[str], None] | None = None,
) -> list[Row]:
    """Every benchmark, in table order: call counts at the first latency, wall time at each
    latency, scale and memory at the first latency (each membership play runs once and is
    shared)."""
    say = progress or (lambda _msg: None)
    plays = Plays(say)
    first = latencies[0]
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("API calls", lambda: bench_call_counts(n, teams, first, plays)),
        *[
            (f"wall time, {latency:g} ms", partial(bench_wall_time, n, teams, latency, plays))
            for latency in latencies
        ],
        ("scale and memory", lambda: bench_scale(scale, teams, first, plays)),
        ("cold start", lambda: bench_cold_start(cold_runs)),
        ("client overhead", lambda: bench_client_overhead(client_calls)),
        ("provider sizes", bench_provider_sizes),
    ]
    for label, step in steps:
        started = time.perf_counter()
        rows += step()
        say(f"{label}: {time.perf_counter() - started:.1f} s")
    return rows


def _numbers(text: str, kind: Callable[[str], Any]) -> list[Any]:
    return [kind(part) for part in text.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="Benchmarks of pulumi-compshare."
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (N=20, 2 ms, scale 10,20,40)"
    )
    parser.add_argument("--n", type=int, default=None, help="memberships / accounts (200)")
    parser.add_argument("--teams", type=int, default=2, help="teams the memberships use (2)")
    parser.add_argument(
        "--latency-ms",
        default=None,
        help="emulator latencies for wall time, comma-separated; the first also for call "
        "counts and scale (20,100)",
    )
    parser.add_argument(
        "--scale", default=None, help="membership counts of the scale rows (50,200,1000)"
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    args = parser.parse_args(argv)

    n = args.n if args.n is not None else (20 if args.quick else 200)
    try:
        latencies = _numbers(args.latency_ms or ("2" if args.quick else "20,100"), float)
        scale = _numbers(args.scale or ("10,20,40" if args.quick else "50,200,1000"), int)
    except ValueError:
        parser.error("--latency-ms and --scale take comma-separated numbers")
    if n < 1 or args.teams < 1 or not latencies or min(latencies) < 0:
        parser.error("--n and --teams must be >= 1, --latency-ms >= 0")
    if not scale or min(scale) < 1:
        parser.error("--scale takes membership counts >= 1")
    cold_runs = 2 if args.quick else 5
    client_calls = 50 if args.quick else 300

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    rows = run_all(n, args.teams, latencies, scale, cold_runs, client_calls, progress)
    total = time.perf_counter() - started
    print(render_markdown(rows) if args.markdown else render_text(rows))
    shown = ", ".join(f"{latency:g}" for latency in latencies)
    print(
        f"\nN={n}, T={args.teams}, latency {shown} ms, scale {','.join(map(str, scale))}; "
        f"whole run {total:.0f} s (Python {sys.version.split()[0]}, pulumi {pulumi_version()})",
        file=sys.stderr,
    )
    if args.json:
        data = {
            "n": n,
            "teams": args.teams,
            "latencies_ms": latencies,
            "scale": scale,
            "seconds": total,
            "rows": [r.to_json() for r in rows],
        }
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
    return 0


def pulumi_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pulumi")
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
