"""Section 1, API calls per operation: membership up / refresh / destroy (read from the shared
plays) and ImageShare create / update / delete (driven call by call through a provider
server), against the minimum possible."""

from __future__ import annotations

import math

from benchmarks.emulators import stack_config
from benchmarks.harness import (
    OPERATIONS,
    PROVIDER_KEY,
    ROOT,
    TYPE_PREFIX,
    breakdown,
    counting,
    expect_no_failures,
    minimum_calls,
    total,
)
from benchmarks.plays import Plays
from benchmarks.rows import Row

__all__ = ["bench_call_counts", "image_share_call_counts"]


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
        low, how = minimum_calls(op, n, teams)
        rows.append(
            Row(
                "API calls",
                f"{op} of {what}, {latency_ms:g} ms",
                p.calls,
                "calls",
                low,
                "minimum",
                f"{breakdown(p.requests)}{p.preview_note()}; minimum = {how}",
            )
        )
    rows += image_share_call_counts(n)
    return rows


def image_share_call_counts(n: int) -> list[Row]:
    """API calls of create / update (removing half) / delete of an ImageShare of ``n`` accounts:
    the engine's calls made one by one on a provider server, the emulator in this process."""
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
            server.configure(stack_config(em.url, seed))
            news = {"image_id": image, "account_ids": accounts, PROVIDER_KEY: provider}
            with counting(em, counted, "create"):  # engine: Check, Create
                inputs, failures = server.check(urn, {}, news)
                expect_no_failures(failures)
                id_, outputs = server.create(urn, inputs)
            fewer = {**news, "account_ids": keep}
            with counting(em, counted, "update"):  # engine: Check, Diff, Update
                new_inputs, failures = server.check(urn, inputs, fewer)
                expect_no_failures(failures)
                diff = server.diff(id_, urn, outputs, new_inputs, old_inputs=inputs)
                if not diff.changes or diff.replace:
                    raise RuntimeError(f"unexpected ImageShare diff: {diff}")
                outputs = server.update(id_, urn, outputs, new_inputs, old_inputs=inputs)
            with counting(em, counted, "delete"):  # engine: Delete
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
                total(counted[key]),
                "calls",
                low,
                "minimum",
                f"{breakdown(counted[key])}; minimum = 1 describe + ceil({changed}/10) modifies",
            )
        )
    return rows
