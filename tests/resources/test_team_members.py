"""``TeamMembers``, the authoritative set of members of one team, through the real provider
server (``kit.Engine``) and the offline engine (``Player``) against the emulator over HTTP.
Every claim is counted in API calls from the emulator's stats; faults are injected at the exact
call; the dialect matrix covers the readings the sources leave open."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.resources import TeamMembershipProvider, TeamMembersProvider
from pulumi_compshare.resources._claims import managers

from ..kit import Engine, ProviderCallError, Res, client_of, dialect_params, stack_config

OWNER, TEAM, OTHER_TEAM = 50001, 1001, 1002
INVITE, READ, RELATION, AMOUNT = (
    "CreateCompShareTeamRelation",
    "GetCompShareTeamInfo",
    "SetCompShareTeamRelation",
    "SetCompShareTeamAmount",
)
SEED = generate_seed(accounts=130, teams=2, images=1)
USERS = [a.company_id for a in SEED.accounts[1:]]
"""129 accounts besides the owner: 50002..."""


@pytest.fixture(scope="module")
def em() -> Iterator[Emulator]:
    with Emulator(SEED) as emulator:
        yield emulator


@pytest.fixture
def engine(em: Emulator) -> Iterator[Engine]:
    """A provider server per test (the CLI starts one per command); the read cache off, so an
    out-of-band change is seen without a restart. Retries off: a failure shows at once."""
    config = {**stack_config(em), "compshare:maxRetries": "0"}
    engine = Engine(config, env={"COMPSHARE_READ_CACHE_SECONDS": "0"})
    yield engine
    engine.close()


@pytest.fixture(autouse=True)
def clean_team(em: Emulator) -> Iterator[None]:
    """Each test starts with teams whose every member is canceled, and fresh stats."""
    em.reset_stats()
    yield
    owner = client_of(em, OWNER)
    with owner:
        for row in em.state()["relations"]:
            if row["status"] in ("Pending", "Joined"):
                owner.set_team_relation(row["team_id"], "Cancel", row["user_company_id"])
    em.clear_faults()
    managers.clear()


def calls(em: Emulator) -> dict[str, int]:
    return dict(em.stats()["requests"])


def total(em: Emulator) -> int:
    return sum(calls(em).values())


def statuses(em: Emulator, team: int = TEAM) -> dict[int, str]:
    """Account -> status of every Pending or Joined relation of ``team``."""
    return {
        r["user_company_id"]: r["status"]
        for r in em.state()["relations"]
        if r["team_id"] == team and r["status"] in ("Pending", "Joined")
    }


def members(users: list[int], **extra: Any) -> dict[str, Any]:
    return {"team_id": TEAM, "user_company_ids": users, "__resource_name": "cv-101", **extra}


def create(em: Emulator, engine: Engine, inputs: dict[str, Any], name: str = "cv-101") -> Res:
    res = engine.new("TeamMembers", name, TeamMembersProvider())
    em.reset_stats()
    return engine.create(res, inputs)


def one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()[-1]
    return text


# ------------------------------------------------------------------ the counts


def test_120_members_up_refresh_change_and_delete_in_the_fewest_calls(
    em: Emulator, engine: Engine
) -> None:
    users = USERS[:120]
    names = {str(users[0]): "Alice Chen", str(users[119]): "Last One"}
    res = create(em, engine, members(users, remark_names=names))
    # one read, two invite batches (100 + 20) sent at the same time, and at most one confirming
    # read per batch: a confirmation waits for the other batch in flight and shares its read
    # when it can (``_cache``: gather), which depends on how the two batches overlap
    assert calls(em)[INVITE] == 2 and calls(em)[READ] in (2, 3) and total(em) <= 5
    assert sorted(statuses(em)) == users
    assert res.id == str(TEAM) and res.outputs["user_company_ids"] == users
    first = res.outputs["members"][0]
    assert (first["user_company_id"], first["status"], first["remark_name"]) == (
        users[0],
        "Pending",
        "Alice Chen",
    )
    assert first["virtual_company_id"] > 0 and res.outputs["team_name"] == "team-1"

    em.reset_stats()
    op, res = engine.refresh_step(res)
    assert (op, calls(em)) == ("same", {READ: 1})

    changed = [users[0], *users[3:], *USERS[120:123]]  # removes 2, adds 3
    em.reset_stats()
    op, res = engine.up(res, members(changed, remark_names=names))
    assert op == "update" and total(em) <= 7
    assert calls(em) == {READ: 2, INVITE: 1, RELATION: 2}
    assert sorted(statuses(em)) == sorted(changed)

    em.reset_stats()
    assert engine.up(res, members(changed, remark_names=names))[0] == "same"
    assert calls(em) == {}  # nothing due: the plan reads nothing

    engine.delete(res)
    assert statuses(em) == {}


def test_console_drift_shows_at_refresh_and_the_next_up_cancels_it(
    em: Emulator, engine: Engine
) -> None:
    users = USERS[:3]
    res = create(em, engine, members(users, remark_names={str(users[0]): "A"}))
    stranger, renamed = USERS[50], users[0]
    with client_of(em, OWNER) as console:
        console.create_team_relations(TEAM, [{"user_company_id": stranger}])
        console.set_team_relation(TEAM, "UpdateRemarkName", renamed, "someone else")
        console.set_team_relation(TEAM, "Cancel", users[2])
    em.reset_stats()
    op, res = engine.refresh_step(res)
    assert (op, calls(em)) == ("update", {READ: 1})
    assert res.outputs["user_company_ids"] == sorted([*users[:2], stranger])
    assert res.outputs["remark_names"] == {str(renamed): "someone else"}

    em.reset_stats()
    op, res = engine.up(res, members(users, remark_names={str(users[0]): "A"}))
    assert op == "update"
    assert sorted(statuses(em)) == users  # the stranger canceled, the canceled one invited
    assert calls(em) == {READ: 2, INVITE: 1, RELATION: 2}  # a Cancel and a rename
    assert res.outputs["remark_names"] == {str(renamed): "A"}
    assert engine.refresh_step(res)[0] == "same"


def test_invites_cancels_and_renames_of_one_up_are_in_flight_together(
    em: Emulator, engine: Engine
) -> None:
    """They concern disjoint members, so an up waits for about three round trips (read, invite,
    confirm), not one per call in turn: each of the three calls is held at the emulator until
    the other two have arrived; sent one after another, they would never meet."""
    users = USERS[:3]
    res = create(em, engine, members(users, remark_names={str(users[1]): "A"}))
    meeting = threading.Barrier(3, timeout=10)
    met: list[bool] = []

    def wait_for_the_others() -> None:
        try:
            meeting.wait()
            met.append(True)
        except threading.BrokenBarrierError:
            met.append(False)

    em.on_call(INVITE, wait_for_the_others)
    em.on_call(RELATION, wait_for_the_others)  # the cancel or the rename, whichever is first
    em.on_call(RELATION, wait_for_the_others, nth=2)
    changed = members([*users[1:], USERS[60]], remark_names={str(users[1]): "B"})
    em.reset_stats()
    op, res = engine.up(res, changed)
    assert op == "update" and met == [True, True, True]
    assert calls(em) == {READ: 2, INVITE: 1, RELATION: 2}
    assert sorted(statuses(em)) == sorted([*users[1:], USERS[60]])
    assert res.outputs["remark_names"] == {str(users[1]): "B"}


def test_ten_joined_members_are_granted_in_one_call(em: Emulator, engine: Engine) -> None:
    users = USERS[:12]
    inputs = members(users, allocated_amount=20000)
    res = create(em, engine, inputs)
    assert res.outputs["budget_pending"] is True and AMOUNT not in calls(em)
    em.reset_stats()
    assert engine.up(res, inputs)[0] == "same"  # nobody has joined: nothing due, no diff
    assert calls(em) == {READ: 1}

    for user in users[:10]:
        em.accept_invite(TEAM, user)
    em.reset_stats()
    op, res = engine.up(res, inputs)  # a plain up, no refresh: the plan says why
    assert op == "update"
    assert calls(em)[AMOUNT] == 1  # ten members, one amount: one call
    assert "allocated_amount: grant 20000 fen to accounts" in engine.stderr_text()
    budgets = {m["user_company_id"]: m["granted_amount"] for m in res.outputs["members"]}
    assert [budgets[u] for u in users] == [20000] * 10 + [0, 0]
    assert res.outputs["budget_pending"] is True  # two still pending
    rows = {r["user_company_id"]: r for r in em.state()["relations"] if r["team_id"] == TEAM}
    assert all(rows[u]["allocate_amount"] == 20000 for u in users[:10])

    em.reset_stats()
    assert engine.up(res, inputs)[0] == "same"
    em.spend(TEAM, users[0], 5000)
    op, res = engine.up(res, members(users, allocated_amount=10000))  # lowering: one withdrawal
    assert op == "update" and calls(em)[AMOUNT] == 1
    engine.delete(res)  # withdraws the unspent budgets first, then removes everyone
    assert statuses(em) == {}
    assert "withdrew" in engine.stderr_text()


# ------------------------------------------------------------------ faults at the exact call


def test_a_lost_invite_answer_is_resolved_by_the_read_not_sent_again(
    em: Emulator, engine: Engine
) -> None:
    users = USERS[:5]
    em.fail(INVITE, "applied_response_lost")
    res = create(em, engine, members(users))
    assert calls(em) == {READ: 2, INVITE: 1}
    assert em.stats()["repeated_writes"] == {}
    assert sorted(statuses(em)) == users and res.outputs["user_company_ids"] == users


def test_a_lost_answer_of_one_of_two_batches_sent_together_is_resolved_by_a_read(
    em: Emulator, engine: Engine
) -> None:
    """The two batches go out at the same time; the second's answer is lost after it was
    applied: a read shows it, nothing is sent twice, and both batches are in the state."""
    users = USERS[:120]
    em.fail(INVITE, "applied_response_lost", nth=2)
    res = create(em, engine, members(users))
    assert calls(em)[INVITE] == 2 and em.stats()["repeated_writes"] == {}
    assert sorted(statuses(em)) == users and res.outputs["user_company_ids"] == users


def test_a_refused_account_in_one_batch_leaves_the_other_batch_invited(
    em: Emulator, engine: Engine
) -> None:
    users = USERS[:120]
    with pytest.raises(ProviderCallError) as caught:
        create(em, engine, members([*users, 99999]))
    line = one_line(caught.value)
    assert f"TeamMembers {TEAM}: could not invite account 99999 ({INVITE})" in line, line
    assert "20 other accounts of the batch were invited" in line
    assert sorted(statuses(em)) == users  # the first batch and the rest of the second
    res = create(em, engine, members(users))  # nothing recorded: the next up adopts them all
    assert calls(em) == {READ: 1} and res.outputs["user_company_ids"] == users


def test_a_failed_cancel_fails_in_one_line_and_the_next_up_finishes(
    em: Emulator, engine: Engine
) -> None:
    users = USERS[:4]
    res = create(em, engine, members(users))
    em.fail(RELATION, "retcode", nth=2, retcode=8403, message="permission denied")
    with pytest.raises(ProviderCallError) as caught:
        engine.up(res, members(users[:1]))
    line = one_line(caught.value)
    found = re.search(rf"TeamMembers {TEAM}: could not remove account (\d+) from team", line)
    assert found is not None and RELATION in line and "8403" in line, line
    failed = int(found.group(1))  # the cancels run concurrently: the second to arrive failed
    assert sorted(statuses(em)) == [users[0], failed]  # the other cancels went through
    op, res = engine.up(res, members(users[:1]))  # the engine kept the old state
    assert op == "update" and sorted(statuses(em)) == users[:1]


def test_a_failed_invite_names_the_account(em: Emulator, engine: Engine) -> None:
    with pytest.raises(ProviderCallError) as caught:
        create(em, engine, members([USERS[0], 99999]))
    line = one_line(caught.value)
    assert f"TeamMembers {TEAM}: could not invite account 99999 ({INVITE})" in line, line
    assert "1 other account of the batch was invited" in line


# ------------------------------------------------------------------ checks, before any call


def test_remark_names_of_unlisted_accounts_fail_in_preview(em: Emulator, engine: Engine) -> None:
    res = engine.new("TeamMembers", "cv", TeamMembersProvider())
    _, failures = engine.preview(res, members([50002], remark_names={"50003": "x"}))
    assert [f[0] for f in failures] == ["remark_names"]
    assert "account 50003" in failures[0][1]
    assert calls(em) == {}


@pytest.mark.parametrize("first", ["TeamMembers", "TeamMembership"])
def test_a_membership_of_a_team_a_team_members_manages_fails_in_preview(
    em: Emulator, engine: Engine, first: str
) -> None:
    """Whichever comes first, the second fails its Check naming both; another team is fine."""
    em.reset_stats()
    set_form = engine.new("TeamMembers", "cv", TeamMembersProvider())
    single = engine.new("TeamMembership", "alice", TeamMembershipProvider())
    checks = {
        "TeamMembers": lambda team: engine.preview(set_form, members([50002], team_id=team)),
        "TeamMembership": lambda team: engine.preview(
            single, {"team_id": team, "user_company_id": 50009, "__resource_name": "alice"}
        ),
    }
    second = "TeamMembership" if first == "TeamMembers" else "TeamMembers"
    assert checks[first](TEAM)[1] == []
    ((prop, reason),) = checks[second](TEAM)[1]
    assert prop == "team_id"
    assert 'TeamMembers "cv-101"' in reason and 'TeamMembership "alice"' in reason
    assert "account 50009" in reason and "\n" not in reason
    assert checks[second](OTHER_TEAM)[1] == []
    assert calls(em) == {}


# ------------------------------------------------------------------ the dialect matrix


@pytest.mark.parametrize("dialect", dialect_params())
def test_life_cycle_under_each_reading(dialect: str) -> None:
    """Create with remark names and a budget, join, grant, lower, drift, refresh, delete, in
    one reading of the API (``strict`` holds ``cancel-pending-only``; ``outside-strict`` the
    budget readings ``allocate-cumulative`` and ``withdraw-clamped``). Under
    ``cancel-pending-only`` a joined member cannot be removed: the up and the delete fail in one
    line naming the members and what to do."""
    seed = generate_seed(accounts=8, teams=1, images=1)
    users = [a.company_id for a in seed.accounts[1:6]]
    with Emulator(seed, dialects=dialect or None) as em:
        config = {**stack_config(em), "compshare:maxRetries": "0"}
        with Engine(config, env={"COMPSHARE_READ_CACHE_SECONDS": "0"}) as engine:
            inputs = members(users, remark_names={str(users[1]): "张三"}, allocated_amount=3000)
            res = create(em, engine, inputs)
            assert calls(em) == {READ: 2, INVITE: 1}
            assert res.outputs["remark_names"] == {str(users[1]): "张三"}
            for user in users[:3]:
                em.accept_invite(TEAM, user)
            op, res = engine.up(res, inputs)
            assert op == "update"
            rows = {r["user_company_id"]: r for r in em.state()["relations"]}
            assert [rows[u]["allocate_amount"] for u in users[:3]] == [3000] * 3
            lowered = {**inputs, "allocated_amount": 1000}
            op, res = engine.up(res, lowered)  # one withdrawal of 2000 from three members
            assert op == "update" and res.outputs["allocated_amount"] == 1000
            assert engine.up(res, lowered)[0] == "same"  # converged, in every reading
            assert engine.refresh_step(res)[0] == "same"

            em.remove_member(TEAM, users[4])  # canceled in the console: invited again
            assert engine.refresh_step(res)[0] == "update"
            op, res = engine.up(res, lowered)
            assert op == "update" and sorted(statuses(em)) == users

            without_joined = {**lowered, "user_company_ids": users[1:]}
            if "cancel-pending-only" in em.dialects:
                with pytest.raises(ProviderCallError) as caught:
                    engine.up(res, without_joined)
                line = one_line(caught.value)
                assert re.search(
                    rf"TeamMembers {TEAM}: account {users[0]} joined team {TEAM} and the API "
                    r"refused to remove them .*remove them in the CompShare console",
                    line,
                ), line
                with pytest.raises(ProviderCallError) as caught:
                    engine.delete(res)
                line = one_line(caught.value)
                assert "retain_on_delete=True" in line and str(users[1]) in line, line
                assert sorted(statuses(em)) == users[:3]  # the pending ones are gone
                return
            op, res = engine.up(res, without_joined)
            assert op == "update" and sorted(statuses(em)) == users[1:]
            engine.delete(res)
            assert statuses(em) == {}


def test_the_classroom_offers_the_set_form() -> None:
    """examples/classroom with a course of ``"members": "set"``: one TeamMembers for the class
    list, played through the offline engine (``Player``) against the emulator."""
    import json
    from pathlib import Path

    from pulumi_compshare.testing import Player

    folder = Path(__file__).resolve().parents[2] / "examples" / "classroom"
    course = {
        "code": "cv-101",
        "title": "CV",
        "members": "set",
        "budget": 2000,
        "students": [{"companyId": u, "remarkName": f"s{u}"} for u in USERS[:12]],
    }
    with Emulator(SEED) as em:
        image = SEED.images[0].id
        config = {**stack_config(em), "courses": json.dumps([course]), "courseImage": image}
        with Player(config=config) as player:
            player.up(str(folder))
            requests = calls(em)
            assert requests[INVITE] == 1 and RELATION not in requests
            kinds = sorted(r.type.rsplit(":", 1)[-1] for r in player.resources.values())
            assert kinds.count("TeamMembers") == 1 and "TeamMembership" not in kinds
            (team,) = [t["id"] for t in em.state()["teams"] if t["name"] == "cv-101 CV"]
            assert sorted(statuses(em, team)) == USERS[:12]
            player.destroy()
            assert statuses(em, team) == {}
