"""Section 6, client overhead per call on the emulator without latency: our pooled
``CompShareClient`` against the official ``ucloud-sdk-python3`` client (a new ``requests``
session per call)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from benchmarks.harness import requests_of
from benchmarks.rows import Row

__all__ = ["bench_client_overhead"]


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
                sent = requests_of(em).get(action, 0)
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
