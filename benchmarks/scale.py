"""Sections 3 and 4, scale and memory: what each further membership costs as N grows, and the
provider server's peak memory at each size (read from the shared plays)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from benchmarks.harness import OPERATIONS, floor_seconds
from benchmarks.plays import Plays
from benchmarks.rows import Row

__all__ = ["bench_scale"]


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
            floor_a, low_a = floor_seconds(op, small, teams, latency_ms)
            floor_b, low_b = floor_seconds(op, large, teams, latency_ms)
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
