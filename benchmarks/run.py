"""The benchmarks of pulumi-compshare, measured in one run and printed as one table.

``python -m benchmarks.run [--quick] [--n 200] [--teams 2] [--latency-ms 20,100]
[--scale 50,200,1000] [--emulator-in-process] [--markdown] [--json FILE]``

Eight sections (see ``benchmarks/README.md`` for how to read each row):

1. **API calls** per operation, counted by the emulator (``GET /_emulator/stats``), against
   the minimum possible: refresh / up / destroy of N memberships over T teams, played through the
   engine-protocol :class:`~pulumi_compshare.testing.engine.Player` with the emulator at the first
   latency (how many confirmations share a read depends on timing), and create / update / delete
   of an ``ImageShare`` of N accounts, driven call by call through a provider server. An up is
   ``pulumi up``: its preview (in a provider process of its own) is counted in, in every
   figure, and each note gives the preview's share.
2. **Wall time** of up / refresh / destroy of N memberships through the ``Player`` (a fresh
   provider process per operation, as the CLI does) at each latency, against the floor
   ``minimum calls x latency / 4`` (the provider server runs four calls at a time); the up also
   against the up of N resources of :class:`~benchmarks.providers.ReadAfterWriteProvider`
   played the same way (each create two perfect round trips, the write and the read back: the
   ideal read-after-write provider; guard: within 1.25x). Then the same operations on N
   resources of :class:`~benchmarks.providers.IdealProvider` (create and delete each one round
   trip, a sleep; no CPU, no HTTP) against ``N x latency / 4``: what the engine stand-in and the
   provider process start cost by themselves, for any provider. The rest of a membership
   operation's time is the provider's, the client's and the emulator's; each note gives the CPU
   of the provider process (provider and client), of this process (the engine stand-in) and of
   the emulator's process.
3. **TeamMembers**: one ``TeamMembers`` of N members: its up (calls, and wall time at each
   latency, with and without its preview) against a plain script making the same batched calls
   with the project's client in a process of its own; a change of 5 (2 out, 3 in), refresh and
   destroy against their minimum calls.
4. **Scale**: milliseconds per membership of the same operations at several sizes (linear growth
   keeps them level), against the floor per membership.
5. **Memory**: the provider server's peak RSS (``/proc``) at each size, against the smallest.
6. **Provider cold start**: launching ``python -m pulumi.dynamic`` up to the first answered Check,
   ``TeamProvider`` against a trivial dynamic provider (median of a few runs).
7. **Client overhead** per call on the emulator without latency: our pooled ``CompShareClient``
   against the official ``ucloud-sdk-python3`` client (a new ``requests`` session per call).
8. **Serialized provider size**: the ``__provider`` property every resource stores in state.

The emulator of the membership plays runs in a process of its own (``python -m
pulumi_compshare.emulator --seed FILE --latency-ms X``), as a remote API would: in this process
it would compete for the GIL with the engine stand-in. ``--emulator-in-process`` runs it here
instead, as a thread (to measure that difference). The ImageShare call counts and the client
overhead use an emulator thread in this process.

Every ``bench_*`` function returns a list of :class:`~benchmarks.rows.Row`, so
``tests/test_benchmarks.py`` runs the same code with tiny sizes; the plays are shared through
:class:`~benchmarks.plays.Plays`.

This module is the command; the rest of the package, imports pointing down only:

- sections (one module each, in table order): ``calls``, ``wall_time``, ``team_members`` (the
  set form against a plain script), ``scale`` (scale and memory), ``cold_start``,
  ``client_overhead``, ``provider_size``;
- ``plays``: the membership and ideal-provider plays, each played once per run;
- ``emulators``: the emulator in its own process or in this one; ``providers``: the trivial,
  ideal and ideal read-after-write dynamic providers (standard library and pulumi only:
  provider servers import it);
- ``harness``: constants, request counting, baselines, ``/proc`` readings, one operation after
  another through the Player; ``rows``: the table's rows and their rendering.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.calls import bench_call_counts
from benchmarks.client_overhead import bench_client_overhead
from benchmarks.cold_start import bench_cold_start
from benchmarks.plays import Plays
from benchmarks.provider_size import bench_provider_sizes
from benchmarks.rows import Row, render_markdown, render_text
from benchmarks.scale import bench_scale
from benchmarks.team_members import bench_team_members
from benchmarks.wall_time import bench_wall_time

__all__ = ["main", "pulumi_version", "run_all"]


def run_all(
    n: int = 200,
    teams: int = 2,
    latencies: Sequence[float] = (20, 100),
    scale: Sequence[int] = (50, 200, 1000),
    cold_runs: int = 5,
    client_calls: int = 300,
    progress: Callable[[str], None] | None = None,
    emulator_in_process: bool = False,
) -> list[Row]:
    """Every benchmark, in table order: call counts at the first latency, wall time at each
    latency, scale and memory at the first latency (each play runs once and is shared). The
    membership plays run the emulator in its own process, or in this one with
    ``emulator_in_process``."""
    say = progress or (lambda _msg: None)
    plays = Plays(say, emulator_in_process)
    first = latencies[0]
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("API calls", lambda: bench_call_counts(n, teams, first, plays)),
        *[
            (f"wall time, {latency:g} ms", partial(bench_wall_time, n, teams, latency, plays))
            for latency in latencies
        ],
        (
            "TeamMembers",
            lambda: bench_team_members(n, latencies, emulator_in_process),
        ),
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
    parser.add_argument(
        "--emulator-in-process",
        action="store_true",
        help="run the emulator of the membership plays in this process (a thread, sharing the "
        "GIL with the engine stand-in) instead of its own process",
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
    rows = run_all(
        n,
        args.teams,
        latencies,
        scale,
        cold_runs,
        client_calls,
        progress,
        emulator_in_process=args.emulator_in_process,
    )
    total = time.perf_counter() - started
    print(render_markdown(rows) if args.markdown else render_text(rows))
    shown = ", ".join(f"{latency:g}" for latency in latencies)
    where = "in this process" if args.emulator_in_process else "in its own process"
    print(
        f"\nN={n}, T={args.teams}, latency {shown} ms, scale {','.join(map(str, scale))}, "
        f"emulator {where}; whole run {total:.0f} s (Python {sys.version.split()[0]}, "
        f"pulumi {pulumi_version()})",
        file=sys.stderr,
    )
    if args.json:
        data = {
            "n": n,
            "teams": args.teams,
            "latencies_ms": latencies,
            "scale": scale,
            "emulator_in_process": args.emulator_in_process,
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
