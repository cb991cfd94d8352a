"""Fault soak: up, refresh and destroy of a stack of mixed resources through the engine-protocol
player, against the emulator failing 30% of requests (503, RetCode 150/153, dropped connections,
and writes applied with their answer lost). Failed steps are retried the way a user re-runs
``pulumi up``. Nothing may be lost or duplicated.

Size: ``COMPSHARE_SOAK_N`` resources (default 200; CI runs a smaller N, see ``.ci/run``).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

import pulumi_compshare as compshare
from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.emulator.state import ACTIONS
from pulumi_compshare.resources import ImageShareProvider, TeamMembershipProvider
from pulumi_compshare.testing.engine import Player, StepError

from ..kit import Engine, stack_config

SOAK_N = int(os.environ.get("COMPSHARE_SOAK_N", "200"))
MAX_RERUNS = 25


@dataclass
class Plan:
    """The desired stack: teams, memberships (some accepted by the invitee), image shares."""

    owner: int
    teams: list[str]
    members: dict[int, int]  # user -> index of its team
    accepters: list[int]
    shares: dict[str, list[int]]
    profiles: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.teams) + len(self.members) + len(self.accepters) + len(self.shares)


def make_plan(n: int, seed: Any) -> Plan:
    accounts = [a.company_id for a in seed.accounts]
    owner, users = accounts[0], accounts[1:]
    teams = max(2, n // 40)
    accepters = max(1, n // 40)
    shares = max(2, n // 5)
    memberships = n - teams - accepters - shares
    members = {users[i]: i % teams for i in range(memberships)}
    images = [image.id for image in seed.images][:shares]
    return Plan(
        owner=owner,
        teams=[f"soak-team-{i}" for i in range(teams)],
        members=members,
        accepters=users[:accepters],
        shares={
            img: users[(5 * i) % memberships : (5 * i) % memberships + 5]
            for i, img in enumerate(images)
        },
        profiles={f"user{u}": u for u in users[:accepters]},
    )


def program_of(plan: Plan) -> Any:
    def program() -> None:
        teams = [compshare.Team(name, name=name) for name in plan.teams]
        memberships = {
            user: compshare.TeamMembership(
                f"m{user}", team_id=teams[index].team_id, user_company_id=user
            )
            for user, index in plan.members.items()
        }
        for user in plan.accepters:
            compshare.TeamInviteAccepter(
                f"a{user}", team_id=memberships[user].team_id, profile=f"user{user}"
            )
        for image, accounts in plan.shares.items():
            compshare.ImageShare(image, image_id=image, account_ids=accounts)

    return program


@dataclass
class Tally:
    reruns: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def until_done(what: str, op: Any, tally: Tally, reruns: int = MAX_RERUNS) -> Any:
    """Run an operation again after each failed step, as a user re-runs the command."""
    for _ in range(reruns):
        try:
            return op()
        except StepError as exc:
            tally.reruns[what] += 1
            tally.failures.append(str(exc))
    raise AssertionError(f"{what} did not converge in {reruns} runs: {tally.failures[-3:]}")


def live(em: Emulator, plan: Plan) -> dict[str, Any]:
    state = em.state()
    teams = [t for t in state["teams"] if t["name"] in plan.teams and not t["deleted"]]
    ids = {t["id"]: t["name"] for t in teams}
    relations = {
        (ids[r["team_id"]], r["user_company_id"]): r["status"]
        for r in state["relations"]
        if r["team_id"] in ids
    }
    shares = {i["id"]: sorted(i["shared_with"]) for i in state["images"] if i["id"] in plan.shares}
    return {"teams": sorted(t["name"] for t in teams), "relations": relations, "shares": shares}


@pytest.mark.soak
def test_fault_soak(capsys: pytest.CaptureFixture[str]) -> None:
    n = SOAK_N
    seed = generate_seed(accounts=n + 1, teams=0, images=max(2, n // 5))
    plan = make_plan(n, seed)
    assert plan.size == n
    program = program_of(plan)
    tally = Tally()
    started = time.monotonic()
    with Emulator(seed=seed, fault_rate=0.3, random_seed=20261122) as em:
        # Two retries per call: enough faults get through for steps to fail and be re-run.
        config = {
            **stack_config(em, owner=plan.owner, **plan.profiles),
            "compshare:maxRetries": "2",
        }
        with Player(project="soak", config=config, restart_per_operation=True) as player:
            until_done("up", lambda: player.up(program), tally)
            want = {
                "teams": sorted(plan.teams),
                "relations": {
                    (plan.teams[index], user): "Joined" if user in plan.accepters else "Pending"
                    for user, index in plan.members.items()
                },
                "shares": {image: sorted(accounts) for image, accounts in plan.shares.items()},
            }
            assert live(em, plan) == want  # nothing missing, duplicated or orphaned
            assert len(player.resources) == n

            # a second up is a no-op, and refresh finds no drift
            until_done("refresh", player.refresh, tally)
            result = until_done("up", lambda: player.up(program), tally)
            assert set(result.ops().values()) == {"same"}
            assert live(em, plan) == want

            until_done("destroy", player.destroy, tally)
            assert not player.resources
            gone = live(em, plan)
            assert gone["teams"] == [] and all(not accounts for accounts in gone["shares"].values())
        stats = em.stats()
    elapsed = time.monotonic() - started
    for message in tally.failures:  # every failure a user saw: one line, action and resource
        assert "\n" not in message
        assert any(action in message for action in ACTIONS), message
        assert any(kind in message for kind in ("Team", "ImageShare")), message
    with capsys.disabled():
        print(
            f"\nsoak N={n}: {elapsed:.1f}s, {sum(stats['requests'].values())} requests, "
            f"faults {json.dumps(stats['faults'], sort_keys=True)}, "
            f"re-runs {dict(tally.reruns)}, failures shown {len(tally.failures)}"
        )


TEAM_SOAK_N = int(os.environ.get("COMPSHARE_TEAM_SOAK_N", "30"))


def team_soak(n: int) -> None:
    """``n`` teams against an emulator failing 70% of requests (lost answers of applied writes
    among them): up until it succeeds, then destroy until it succeeds. Every team exists exactly
    once after the up, and none is left after the destroy."""
    names = [f"soak-team-{i}" for i in range(n)]

    def program() -> None:
        for name in names:
            compshare.Team(name, name=name, description=f"{name} description")

    def mine(em: Emulator) -> list[dict[str, Any]]:
        return [
            t
            for t in em.state()["teams"]
            if not t["deleted"] and (t["name"] in names or "pulumi-compshare" in t["description"])
        ]

    tally = Tally()
    with Emulator(fault_rate=0.7, random_seed=20261206) as em:
        config = {**stack_config(em), "compshare:maxRetries": "2"}
        with Player(project="team-soak", config=config, restart_per_operation=True) as player:
            until_done("up", lambda: player.up(program), tally, reruns=200)
            teams = mine(em)
            assert sorted(t["name"] for t in teams) == sorted(names)  # none twice, none missing
            em.set_faults(0.0)
            player.up(program)  # sets what a create found but could not restore (drift it said)
            assert set(player.preview(program).ops().values()) == {"same"}
            em.set_faults(0.7)
            until_done("destroy", player.destroy, tally, reruns=200)
            assert mine(em) == []  # nothing left behind
        assert sum(em.stats()["faults"].values()) > 0


def test_team_soak_at_70_percent_faults_small() -> None:
    team_soak(3)


@pytest.mark.soak
def test_team_soak_at_70_percent_faults() -> None:
    team_soak(TEAM_SOAK_N)


def test_concurrent_memberships_and_shares_do_not_lose_updates() -> None:
    """50 memberships of one team and 50 accounts added to one image at once, through the
    provider server's four threads: all land, and racing share updates do not undo each other."""
    seed = generate_seed(accounts=51, teams=1, images=1)
    owner = seed.accounts[0].company_id
    users = [a.company_id for a in seed.accounts[1:]]
    team, image = seed.teams[0].id, seed.images[0].id
    with Emulator(seed=seed, latency_ms=5) as em:
        engine = Engine(stack_config(em, owner=owner))
        try:

            def member(user: int) -> Any:
                res = engine.new("TeamMembership", f"m{user}", TeamMembershipProvider())
                return engine.create(res, {"team_id": team, "user_company_id": user})

            def share(user: int) -> Any:
                res = engine.new("ImageShare", f"s{user}", ImageShareProvider())
                return engine.create(res, {"image_id": image, "account_ids": [user]})

            with ThreadPoolExecutor(8) as pool:
                members = list(pool.map(member, users))
                shares = list(pool.map(share, users))
            assert all(m.outputs["status"] == "Pending" for m in members)
            assert all(s.outputs["account_ids"] == [u] for s, u in zip(shares, users, strict=True))
            state = em.state()
            assert sorted(state["images"][0]["shared_with"]) == users
            pending = [r for r in state["relations"] if r["team_id"] == team]
            assert sorted(r["user_company_id"] for r in pending) == users

            # racing updates of the same image: each moves its own account; none is undone
            def move(pair: tuple[Any, int]) -> None:
                res, user = pair
                engine.up(res, {"image_id": image, "account_ids": [user, users[0]]})

            with ThreadPoolExecutor(8) as pool:
                list(pool.map(move, zip(shares[1:], users[1:], strict=True)))
            assert sorted(em.state()["images"][0]["shared_with"]) == users

            with ThreadPoolExecutor(8) as pool:
                list(pool.map(engine.delete, shares[1:]))
            # users[0] was managed by every moved share too, so deleting them removed it as well
            assert em.state()["images"][0]["shared_with"] == []
        finally:
            engine.close()
