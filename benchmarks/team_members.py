"""The set form: up, a change of 5, refresh and destroy of one ``TeamMembers`` of N members,
against a plain script making the same batched calls with the project's client.

The script is what a user without Pulumi would run: ``python -c`` (its own process, so its
interpreter start and imports count, as the provider's do) reads the team, invites the members
in batches of the API's limit and reads the team after each batch, with ``CompShareClient``.
The resource is played through the Player as ``pulumi up`` (a preview in a provider process of
its own, then the update), against the same emulator process, each on a team of its own. Both
are timed :data:`REPEAT` times, alternating, on fresh teams; the rows give the medians."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from benchmarks.emulators import emulator, stack_config
from benchmarks.harness import (
    ROOT,
    Played,
    breakdown,
    new_player,
    requests_of,
    timed,
    total,
)
from benchmarks.rows import Row

__all__ = ["SCRIPT", "bench_team_members", "members_program"]

SECTION = "TeamMembers"

T = TypeVar("T")

SCRIPT = r"""
import json, sys, time
started = time.perf_counter()
from pulumi_compshare.api import limits
from pulumi_compshare.client import CompShareClient, Credentials
url, public, private, team, users = json.loads(sys.argv[1])
with CompShareClient(Credentials(public, private), base_url=url) as client:
    client.get_team_info(team_id=team)
    for start in range(0, len(users), limits.INVITE_BATCH_MAX):
        batch = users[start : start + limits.INVITE_BATCH_MAX]
        client.create_team_relations(team, [{"user_company_id": u} for u in batch])
        client.get_team_info(team_id=team)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""
"""The plain script: one read, one invite per batch of the API's limit, one read per batch."""


def members_program(team_id: int, users: Sequence[int]) -> Callable[[], None]:
    """The program: one ``TeamMembers`` of ``users`` in team ``team_id``."""

    def program() -> None:
        import pulumi_compshare

        pulumi_compshare.TeamMembers("class", team_id=team_id, user_company_ids=list(users))

    return program


def _script(
    api: Any, seed: Any, team_id: int, users: Sequence[int]
) -> tuple[float, float, dict[str, int]]:
    """The plain script's wall seconds (its process start included), its seconds from its first
    import to its last answer, and the requests the emulator counted."""
    owner = seed.accounts[0]
    arg = json.dumps([api.url, owner.public_key, owner.private_key, team_id, list(users)])
    api.reset_stats()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, arg], capture_output=True, text=True, cwd=ROOT, check=True
    )
    wall = time.perf_counter() - started
    inner = float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])
    return wall, inner, requests_of(api)


REPEAT = 3
"""The up and the script are each timed this many times, alternating, on fresh teams: a
sub-second measurement varies by a tenth of a second between runs on this machine, so the rows
give the median."""


def _median(values: Sequence[T], key: Callable[[T], float]) -> T:
    return sorted(values, key=key)[len(values) // 2]


def _play(
    n: int, latency_ms: float, emulator_in_process: bool, repeat: int = REPEAT
) -> tuple[dict[str, Played], tuple[float, float, dict[str, int]]]:
    """The plays of one latency: ``repeat`` times the script and the up (preview, then update),
    each on teams of its own, in one emulator; the first time also the change, the refresh and
    the destroy. The up, the update and the script are the medians by seconds."""
    from pulumi_compshare.emulator import generate_seed

    seed = generate_seed(accounts=n + 4, teams=2 * repeat, images=1)
    users = [a.company_id for a in seed.accounts[1:]]
    played: dict[str, Played] = {}
    ups: list[tuple[Played, Played]] = []
    scripts: list[tuple[float, float, dict[str, int]]] = []
    with emulator(seed, latency_ms, emulator_in_process) as (em, em_pid):
        for rep in range(repeat):
            ours, theirs = seed.teams[2 * rep].id, seed.teams[2 * rep + 1].id
            first = members_program(ours, users[:n])
            with new_player(stack_config(em.url, seed)) as player:
                scripts.append(_script(em, seed, theirs, users[:n]))
                preview = timed(player, "preview", partial(player.preview, first), em, em_pid)
                up = timed(player, "up", partial(player.up, first, skip_preview=True), em, em_pid)
                ups.append((up.plus(preview), up))
                if rep == 0:
                    _play_changes(em, em_pid, player, ours, users, n, played)
    played["up"] = _median([u for u, _ in ups], key=lambda p: p.seconds)
    played["update"] = _median([u for _, u in ups], key=lambda p: p.seconds)
    return played, _median(scripts, key=lambda s: s[0])


def _play_changes(
    em: Any,
    em_pid: int | None,
    player: Any,
    ours: int,
    users: list[int],
    n: int,
    played: dict[str, Played],
) -> None:
    """After the up: a change of 5 (2 out, 3 in), a refresh and a destroy, each timed."""
    changed = members_program(ours, [*users[2:n], *users[n : n + 3]])
    preview = timed(player, "preview", lambda: player.preview(changed), em, em_pid)
    change = timed(player, "change", lambda: player.up(changed, skip_preview=True), em, em_pid)
    played["change"] = change.plus(preview)
    played["refresh"] = timed(player, "refresh", player.refresh, em, em_pid)
    played["destroy"] = timed(player, "destroy", player.destroy, em, em_pid)
    left = [
        r
        for r in em.state().get("relations", [])
        if r.get("team_id") == ours and r.get("status") in ("Pending", "Joined")
    ]
    if left:
        raise RuntimeError(f"destroy left {len(left)} active relations")


def bench_team_members(
    n: int, latencies: Sequence[float], emulator_in_process: bool = False
) -> list[Row]:
    """Calls and wall time of one ``TeamMembers`` of ``n`` members at each latency (up against
    the plain script; a change of 5: 2 out and 3 in; refresh; destroy)."""
    batches = -(-n // 100)
    rows: list[Row] = []
    for index, latency in enumerate(latencies):
        played, (wall, inner, script_requests) = _play(n, latency, emulator_in_process)
        up, change = played["up"], played["change"]
        at = f"{latency:g} ms"
        script_calls = total(script_requests)
        if index == 0:
            rows.append(
                Row(
                    SECTION,
                    f"up of a TeamMembers of {n} members, {at}: API calls",
                    up.calls,
                    "calls",
                    script_calls,
                    "plain script",
                    f"{breakdown(up.requests)}; the script: {breakdown(script_requests)}"
                    f"{up.preview_note()}",
                )
            )
            rows.append(
                Row(
                    SECTION,
                    f"change of 5 of {n} members (2 out, 3 in), {at}: API calls",
                    change.calls,
                    "calls",
                    5,
                    "minimum",
                    f"{breakdown(change.requests)}; minimum = 1 read + 1 invite + 1 confirming "
                    f"read + 2 cancels; {change.seconds:.2f} s{change.preview_note()}",
                )
            )
            refresh, destroy = played["refresh"], played["destroy"]
            rows.append(
                Row(
                    SECTION,
                    f"refresh of a TeamMembers of {n} members, {at}: API calls",
                    refresh.calls,
                    "calls",
                    1,
                    "minimum",
                    f"{breakdown(refresh.requests)}; {refresh.seconds:.2f} s",
                )
            )
            rows.append(
                Row(
                    SECTION,
                    f"destroy of a TeamMembers of {n + 1} members, {at}: API calls",
                    destroy.calls,
                    "calls",
                    n + 2,
                    "minimum",
                    f"{breakdown(destroy.requests)}; minimum = 1 read + {n + 1} cancels (no batch "
                    f"cancel; 8 at a time); {destroy.seconds:.2f} s",
                )
            )
        rows.append(
            Row(
                SECTION,
                f"up of a TeamMembers of {n} members, {at}",
                up.seconds,
                "s",
                wall,
                "plain script",
                f"{up.calls} calls, the script {script_calls} (1 read + {batches} invites + "
                f"{batches} reads); the script's process {wall:.2f} s of which {inner:.2f} s from "
                f"its first import to its last answer; medians of {REPEAT} runs each; CPU: "
                f"provider {up.provider_cpu:.2f} s, engine stand-in {up.local_cpu:.2f} s"
                f"{up.preview_note()}",
            )
        )
        update = played["update"]
        rows.append(
            Row(
                SECTION,
                f"up --skip-preview of a TeamMembers of {n} members, {at}",
                update.seconds,
                "s",
                wall,
                "plain script",
                f"the same up without its preview (`pulumi up --skip-preview`): one provider "
                f"process, as the script is one process; {update.calls} calls; medians of "
                f"{REPEAT} runs each; CPU: provider {update.provider_cpu:.2f} s, engine stand-in "
                f"{update.local_cpu:.2f} s",
            )
        )
        for op, label in (
            ("change", f"change of 5 of {n} members"),
            ("refresh", f"refresh of a TeamMembers of {n} members"),
            ("destroy", f"destroy of a TeamMembers of {n + 1} members"),
        ):
            one = played[op]
            rows.append(
                Row(
                    SECTION,
                    f"{label}, {at}",
                    one.seconds,
                    "s",
                    None,
                    "",
                    f"{one.calls} calls ({breakdown(one.requests)}); includes the provider "
                    f"process start{one.preview_note()}",
                )
            )
    return rows
