"""Section 5, provider cold start: launching ``python -m pulumi.dynamic`` up to the first answered
Check, ``TeamProvider`` against :class:`~benchmarks.providers.TrivialProvider` (pickled by
reference from ``benchmarks.providers``, as ours are from the package)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping
from typing import Any

from benchmarks.harness import (
    BENCH_TYPE,
    PROVIDER_KEY,
    ROOT,
    SERVER_ENV,
    TYPE_PREFIX,
    expect_no_failures,
    peak_rss_kb,
)
from benchmarks.providers import TrivialProvider
from benchmarks.rows import Row

__all__ = ["bench_cold_start", "first_check_seconds"]


def first_check_seconds(
    type_token: str, props: Mapping[str, Any], config: Mapping[str, str]
) -> tuple[float, int]:
    """Seconds from launching the provider server to the answer of its first Check (after the
    Configure the engine always sends first), and the server's peak RSS then (KiB)."""
    from pulumi_compshare.testing.engine import ProviderServer, make_urn

    urn = make_urn(type_token, "cold", project="bench")
    started = time.perf_counter()
    server = ProviderServer(project="bench", pythonpath=[ROOT], env=SERVER_ENV)
    try:
        server.start()
        server.configure(config)
        _, failures = server.check(urn, {}, props)
        seconds = time.perf_counter() - started
        rss = peak_rss_kb(server.pid)
    finally:
        server.stop()
    expect_no_failures(failures)
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
    trivial = {"name": "cold", PROVIDER_KEY: serialize_provider(TrivialProvider())}
    ours: list[tuple[float, int]] = []
    base: list[tuple[float, int]] = []
    first_check_seconds(BENCH_TYPE, trivial, {})  # warm-up: bytecode written, files cached
    first_check_seconds(f"{TYPE_PREFIX}Team", team, config)
    for _ in range(max(1, runs)):  # interleaved, so drift in machine load hits both alike
        base.append(first_check_seconds(BENCH_TYPE, trivial, {}))
        ours.append(first_check_seconds(f"{TYPE_PREFIX}Team", team, config))
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
