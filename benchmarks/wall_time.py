"""Section 2, wall time: up / refresh / destroy of N memberships against the floor (and the up
against the ideal read-after-write provider's, played the same way), then the same operations on
N resources of the ideal provider: what the engine stand-in and the provider process cost by
themselves."""

from __future__ import annotations

from collections.abc import Mapping

from benchmarks.harness import (
    OPERATIONS,
    SERVER_PARALLEL,
    Played,
    confirmation_bound,
    floor_seconds,
)
from benchmarks.plays import Plays
from benchmarks.rows import Row

__all__ = ["bench_wall_time"]


def _cpu_note(p: Played, emulator_in_process: bool) -> str:
    if emulator_in_process:
        return (
            f"CPU: provider {p.provider_cpu:.2f} s, engine stand-in + emulator {p.local_cpu:.2f} s"
        )
    return (
        f"CPU: provider {p.provider_cpu:.2f} s, engine stand-in {p.local_cpu:.2f} s, "
        f"emulator process {p.emulator_cpu:.2f} s"
    )


def bench_wall_time(
    n: int = 200, teams: int = 2, latency_ms: float = 20, plays: Plays | None = None
) -> list[Row]:
    """Seconds of up / refresh / destroy of N memberships through the Player with the emulator at
    ``latency_ms``, against the floor ``minimum calls x latency / 4``; the up also against the
    ideal read-after-write provider's up (two round trips per create, played the same way; above
    the confirmation bound ``N x 2 x latency / 4``); then the same operations on N resources of
    :class:`~benchmarks.providers.IdealProvider` against ``N x latency / 4``: the part of the
    time that is the engine stand-in's and the provider process's whatever the provider."""
    plays = plays or Plays()
    in_process = plays.emulator_in_process
    played = plays.get(n, teams, latency_ms)
    ideal = plays.ideal(n, teams, latency_ms)
    where = "in this process" if in_process else "in its own process"
    rows = []
    for op in OPERATIONS:
        p = played[op]
        floor, low = floor_seconds(op, n, teams, latency_ms)
        note = (
            f"{p.calls} calls (minimum {low}); floor = minimum x {latency_ms:g} ms / "
            f"{SERVER_PARALLEL}; includes the provider process start{p.preview_note()}; "
            f"{_cpu_note(p, in_process)}; emulator {where}; ideal provider "
            f"{ideal[op].seconds:.2f} s"
        )
        name = f"{op} of {n} memberships over {teams} teams, {latency_ms:g} ms"
        rows.append(Row("Wall time", name, p.seconds, "s", floor, "floor", note))
        if op == "up":
            bound = confirmation_bound(n, latency_ms)
            raw = plays.read_after_write(n, teams, latency_ms)["up"]
            rows.append(
                Row(
                    "Wall time",
                    f"{name}, against an ideal read-after-write provider",
                    p.seconds,
                    "s",
                    raw.seconds,
                    "ideal read-after-write",
                    f"the ideal read-after-write provider (benchmarks.providers."
                    f"ReadAfterWriteProvider: each create one perfect round trip to write, then "
                    f"one to read it back, no CPU) played the same way, its up {raw.seconds:.2f} "
                    f"s{raw.preview_note()}; CPU: its provider {raw.provider_cpu:.2f} s, engine "
                    f"stand-in {raw.local_cpu:.2f} s; both above the bound {n} x 2 x "
                    f"{latency_ms:g} ms / {SERVER_PARALLEL} = {bound:.2f} s; guard: within 1.25x",
                )
            )
    what = f"{n} resources, ideal provider"
    for op in OPERATIONS:
        p = ideal[op]
        trips = 0 if op == "refresh" else n
        kind = {"up": "create", "destroy": "delete"}.get(op, "")
        label = (
            f"{what} (one round trip per {kind}, no CPU)" if trips else f"{what} (no round trip)"
        )
        floor = trips * latency_ms / 1000 / SERVER_PARALLEL
        rows.append(
            Row(
                "Wall time",
                f"{op} of {label}, {latency_ms:g} ms",
                p.seconds,
                "s",
                floor if trips else None,
                "floor" if trips else "",
                (
                    f"floor = {n} x {latency_ms:g} ms / {SERVER_PARALLEL}; "
                    if trips
                    else "read answers from the state: no floor; "
                )
                + f"steps {_steps(p.steps)}; includes the provider process start"
                f"{p.preview_note()}; CPU: "
                f"provider {p.provider_cpu:.2f} s, engine stand-in {p.local_cpu:.2f} s",
            )
        )
    return rows


def _steps(steps: Mapping[str, int]) -> str:
    return ", ".join(f"{op} {count}" for op, count in sorted(steps.items())) or "none"
