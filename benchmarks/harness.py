"""What every play and section shares: the constants of the engine stand-in, request counting,
the processes' CPU and memory from ``/proc``, the floors, and one operation after another played
through the :class:`~pulumi_compshare.testing.engine.Player`, each measured (:class:`Played`).

Only the standard library at import time; the package is imported inside the functions that use
it. Nothing here imports another module of ``benchmarks`` (it is the bottom layer).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pulumi_compshare.testing.engine import Player, Result

__all__ = [
    "BENCH_TYPE",
    "OPERATIONS",
    "PROVIDER_KEY",
    "ROOT",
    "SERVER_ENV",
    "SERVER_PARALLEL",
    "TYPE_PREFIX",
    "Api",
    "Played",
    "breakdown",
    "confirmation_bound",
    "counting",
    "cpu_seconds",
    "expect_no_failures",
    "floor_seconds",
    "minimum_calls",
    "new_player",
    "peak_rss_kb",
    "play_operations",
    "requests_of",
    "timed",
    "total",
]

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: on the provider server's ``sys.path`` so ``benchmarks`` imports."""

PROVIDER_KEY = "__provider"
"""The property that carries the pickled provider (``pulumi_compshare.testing.engine``)."""
TYPE_PREFIX = "pulumi-python:dynamic/compshare:"
BENCH_TYPE = "pulumi-python:dynamic/bench:Trivial"
SERVER_PARALLEL = 4
"""Calls the dynamic provider server (and the engine) run at a time."""

OPERATIONS = ("up", "refresh", "destroy")

SERVER_ENV = {"PYTHONDONTWRITEBYTECODE": "", "COMPSHARE_TESTING_FORK": "0"}
"""Provider servers may cache bytecode, as an installed package has it (the first start writes
it): start-up is then measured as users meet it, whatever the environment says. And each is a
fresh ``python -m pulumi.dynamic``, as the CLI starts it, also when the test suite (which forks
its provider processes warm: ``pulumi_compshare.testing.forkserver``) runs the benchmarks."""


# --------------------------------------------------------------------------------------------------
# request counting


class Api(Protocol):
    """What the benchmarks read of an emulator: :class:`~pulumi_compshare.emulator.Emulator` in
    this process, or :class:`benchmarks.emulators.EmulatorProcess` over its HTTP inspection
    endpoints."""

    @property
    def url(self) -> str: ...

    def stats(self) -> dict[str, Any]: ...

    def reset_stats(self) -> None: ...

    def state(self) -> dict[str, Any]: ...


def requests_of(em: Api) -> dict[str, int]:
    requests: dict[str, int] = em.stats()["requests"]
    return dict(requests)


def total(requests: Mapping[str, int]) -> int:
    return sum(requests.values())


def breakdown(requests: Mapping[str, int]) -> str:
    """``GetCompShareTeamInfo 2, ModifyCompShareImageShareAccount 20`` (action names shortened)."""
    parts = []
    for action, count in sorted(requests.items()):
        short = action.replace("CompShare", "")
        parts.append(f"{short} {count}")
    return ", ".join(parts) or "none"


@contextmanager
def counting(em: Api, into: dict[str, dict[str, int]], key: str) -> Iterator[None]:
    """Count the emulator requests made inside the block into ``into[key]``."""
    em.reset_stats()
    try:
        yield
    finally:
        into[key] = requests_of(em)


def expect_no_failures(failures: Sequence[tuple[str, str]]) -> None:
    if failures:
        raise RuntimeError(f"check failed: {failures}")


# --------------------------------------------------------------------------------------------------
# baselines


def minimum_calls(op: str, n: int, teams: int) -> tuple[int, str]:
    """The fewest API calls an operation on ``n`` memberships over ``teams`` teams can make, and
    how: one read per team serves every membership's refresh; up and destroy write once per
    membership (a per-resource provider cannot do less) and read each team once."""
    if op == "refresh":
        return teams, f"{teams} team reads"
    verb = "invites" if op == "up" else "cancels"
    return n + teams, f"{n} {verb} + {teams} team reads"


def floor_seconds(op: str, n: int, teams: int, latency_ms: float) -> tuple[float, int]:
    """Seconds no operation can beat, ``minimum calls x latency / 4`` (the provider server
    makes four calls at a time), and that minimum."""
    low, _ = minimum_calls(op, n, teams)
    return low * latency_ms / 1000 / SERVER_PARALLEL, low


def confirmation_bound(n: int, latency_ms: float) -> float:
    """Seconds an up of ``n`` memberships cannot beat: each create invites, then confirms with a
    read that starts after its invite completed, two round trips on one of the provider
    server's four threads."""
    return n * 2 * latency_ms / 1000 / SERVER_PARALLEL


# --------------------------------------------------------------------------------------------------
# processes: CPU and memory from /proc


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a live process from ``/proc/<pid>/stat``; 0 if unknown."""
    if pid is None:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kb(pid: int | None) -> int:
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


# --------------------------------------------------------------------------------------------------
# playing operations


@dataclass(frozen=True)
class Played:
    """Requests, seconds, CPU and provider memory of one operation played by the Player."""

    op: str
    requests: dict[str, int]
    """API requests the emulator counted (empty for the ideal provider, which makes none)."""
    seconds: float
    steps: dict[str, int]
    peak_rss_kb: int
    """Peak resident memory of the provider server process (``VmHWM``), 0 if unknown."""
    provider_cpu: float
    """CPU seconds of the provider server process (its start included), from ``/proc``: the
    provider and the API client, which runs in it."""
    local_cpu: float
    """CPU seconds of this process meanwhile: the engine stand-in (and the emulator when it runs
    in this process)."""
    emulator_cpu: float = 0.0
    """CPU seconds of the emulator's own process meanwhile, from ``/proc`` (0 without one)."""
    preview: Played | None = None
    """For an ``up``: its preview, included in every figure above (requests, seconds, CPU; peak
    memory is the higher of the two provider processes), as ``pulumi up`` previews first."""

    @property
    def calls(self) -> int:
        return total(self.requests)

    def plus(self, preview: Played) -> Played:
        """This update with its ``preview`` counted in: what ``pulumi up`` costs."""
        requests = dict(preview.requests)
        for action, count in self.requests.items():
            requests[action] = requests.get(action, 0) + count
        return Played(
            self.op,
            requests,
            preview.seconds + self.seconds,
            self.steps,
            max(preview.peak_rss_kb, self.peak_rss_kb),
            preview.provider_cpu + self.provider_cpu,
            preview.local_cpu + self.local_cpu,
            preview.emulator_cpu + self.emulator_cpu,
            preview,
        )

    def preview_note(self) -> str:
        """``"; its preview: N calls, X s"`` for an up, else nothing."""
        if self.preview is None:
            return ""
        return f"; its preview: {self.preview.calls} calls, {self.preview.seconds:.2f} s"


def new_player(config: Mapping[str, str]) -> Player:
    """The Player of every play: a fresh provider process per operation, as with the Pulumi CLI."""
    from pulumi_compshare.testing.engine import Player

    return Player(
        project="bench",
        config=config,
        pythonpath=[ROOT],
        env=SERVER_ENV,
        restart_per_operation=True,
    )


def timed(
    player: Player,
    op: str,
    run: Callable[[], Result],
    api: Api | None = None,
    api_pid: int | None = None,
) -> Played:
    """One operation ``run`` of ``player``, timed, with the CPU of this process, of the
    provider server (and its peak memory) and of the emulator's process (``api_pid``), and the
    requests ``api`` counted."""
    if api is not None:
        api.reset_stats()
    api_cpu = cpu_seconds(api_pid)
    cpu = time.process_time()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    local = time.process_time() - cpu
    api_cpu = cpu_seconds(api_pid) - api_cpu
    server = player.server
    pid = server.pid if server is not None and server.running else None
    return Played(
        op,
        requests_of(api) if api is not None else {},
        seconds,
        result.counts(),
        peak_rss_kb(pid),
        cpu_seconds(pid),
        local,
        api_cpu,
    )


def play_operations(
    player: Player,
    program: Callable[[], None],
    api: Api | None = None,
    api_pid: int | None = None,
    *,
    only_up: bool = False,
) -> list[Played]:
    """up, refresh and destroy of ``program``, each timed, with the CPU of this process, of the
    provider server and of the emulator's process (``api_pid``), and the requests ``api``
    counted. The up is what ``Player.up`` does, a preview (a provider process of its own) then
    the update, played as ``preview()`` then ``up(skip_preview=True)`` so that each part is
    measured: its figures count both (:meth:`Played.plus`), as ``pulumi up`` makes both.
    ``only_up``: the up alone."""
    operations: list[tuple[str, Callable[[], Result]]] = [
        ("preview", lambda: player.preview(program)),
        ("up", lambda: player.up(program, skip_preview=True)),
    ]
    if not only_up:
        operations += [("refresh", player.refresh), ("destroy", player.destroy)]
    played = [timed(player, op, run, api, api_pid) for op, run in operations]
    preview, up, *rest = played
    return [up.plus(preview), *rest]
