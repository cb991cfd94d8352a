"""Member budgets as code: ``TeamMembership(allocated_amount=...)`` through the real provider
server against the emulator. The emulator reads allocate / withdraw as deltas (docs/budgets.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_compshare.emulator import Emulator, demo_seed
from pulumi_compshare.resources import TeamMembershipProvider

from ..kit import Engine, ProviderCallError, Res, stack_config

OWNER, ALICE = 50001, 50002
TEAM = 1001
AMOUNT = "SetCompShareTeamAmount"


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def engine(em: Emulator) -> Iterator[Engine]:
    engine = Engine({**stack_config(em), "compshare:maxRetries": "0"})
    yield engine
    engine.close()


def inputs(budget: Any) -> dict[str, Any]:
    return {"team_id": TEAM, "user_company_id": ALICE, "allocated_amount": budget}


def row(em: Emulator) -> dict[str, Any]:
    (found,) = [
        r for r in em.state()["relations"] if (r["team_id"], r["user_company_id"]) == (TEAM, ALICE)
    ]
    return dict(found)


def balance(em: Emulator, company_id: int = OWNER) -> int:
    (account,) = [a for a in em.state()["accounts"] if a["company_id"] == company_id]
    return int(account["balance"])


def joined_with(em: Emulator, engine: Engine, budget: int) -> Res:
    m = engine.create(
        engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(budget)
    )
    em.accept_invite(TEAM, ALICE)
    engine.next_command()  # the CLI starts a fresh provider process per command
    kind, m = engine.up(m, inputs(budget))
    assert kind == "update"
    return m


def test_pending_then_joined_then_granted(em: Emulator, engine: Engine) -> None:
    start = balance(em)
    m = engine.create(engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000))
    assert m.outputs["status"] == "Pending" and m.outputs["budget_pending"] is True
    assert m.outputs["granted_amount"] == 0 and m.outputs["allocated_amount"] == 5000
    assert AMOUNT not in em.stats()["requests"]  # nothing can be granted yet
    # still pending: nothing is due, so no change (the diff looks, and grants nothing)
    assert engine.up(m, inputs(5000))[0] == "same"
    assert AMOUNT not in em.stats()["requests"]

    em.accept_invite(TEAM, ALICE)
    engine.next_command()
    kind, m = engine.up(m, inputs(5000))  # the first up after they join grants it
    assert kind == "update"
    assert (m.outputs["granted_amount"], m.outputs["budget_pending"]) == (5000, False)
    assert (row(em)["allocate_amount"], balance(em)) == (5000, start - 5000)
    assert engine.up(m, inputs(5000))[0] == "same"


def test_refresh_shows_the_grant_a_joined_member_still_needs(em: Emulator, engine: Engine) -> None:
    m = engine.create(engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000))
    em.accept_invite(TEAM, ALICE)
    engine.next_command()
    refreshed = engine.refresh(m)
    assert refreshed is not None and refreshed.outputs["allocated_amount"] == 0
    _, diff = engine.plan(refreshed, inputs(5000))
    assert diff.changes and not diff.replaces  # an in-place update


def test_raised_then_lowered(em: Emulator, engine: Engine) -> None:
    m = joined_with(em, engine, 5000)
    _, m = engine.up(m, inputs(8000))
    assert row(em)["allocate_amount"] == 8000 and m.outputs["available_amount"] == 8000
    _, m = engine.up(m, inputs(6000))
    assert (row(em)["allocate_amount"], row(em)["available_amount"]) == (6000, 6000)
    assert em.stats()["requests"][AMOUNT] == 3


def test_lowering_below_what_is_unspent_fails_clearly_and_changes_nothing(
    em: Emulator, engine: Engine
) -> None:
    m = joined_with(em, engine, 6000)
    em.spend(TEAM, ALICE, 5000)  # 1000 fen left unspent
    engine.next_command()
    calls = em.stats()["requests"][AMOUNT]
    with pytest.raises(ProviderCallError) as caught:
        engine.up(m, inputs(2000))
    message = str(caught.value)
    assert f"account {ALICE}" in message and "from 6000 to 2000" in message
    assert "only 1000 fen is unspent" in message and "at least 5000" in message
    assert "\n" not in message
    assert em.stats()["requests"][AMOUNT] == calls
    assert (row(em)["allocate_amount"], row(em)["available_amount"]) == (6000, 1000)


def test_delete_withdraws_the_unspent_part_then_removes_the_member(
    em: Emulator, engine: Engine
) -> None:
    start = balance(em)
    m = joined_with(em, engine, 6000)
    em.spend(TEAM, ALICE, 2500)
    engine.next_command()
    engine.delete(m)
    assert row(em)["status"] == "Canceled" and row(em)["available_amount"] == 0
    assert balance(em) == start - 2500  # the 3500 unspent came back
    assert "withdrew 3500 fen" in engine.wait_for_stderr("withdrew 3500 fen")


def test_insufficient_owner_balance_names_the_member_and_the_reason(engine: Engine) -> None:
    seed = demo_seed().to_dict()
    for account in seed["accounts"]:
        if account["company_id"] == OWNER:
            account["balance"] = 1000
    with Emulator(seed) as em:
        engine = Engine({**stack_config(em), "compshare:maxRetries": "0"})
        try:
            m = engine.create(
                engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000)
            )
            em.accept_invite(TEAM, ALICE)
            engine.next_command()
            with pytest.raises(ProviderCallError) as caught:
                engine.up(m, inputs(5000))
        finally:
            engine.close()
        message = str(caught.value)
        assert f"could not grant 5000 fen for account {ALICE}" in message
        assert "balance" in message and AMOUNT in message
        assert row(em)["allocate_amount"] == 0 and balance(em) == 1000


def test_a_grant_whose_answer_was_lost_is_not_granted_twice(em: Emulator, engine: Engine) -> None:
    start = balance(em)
    m = engine.create(engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000))
    em.accept_invite(TEAM, ALICE)
    engine.next_command()
    em.fail(AMOUNT, "applied_response_lost")
    _, m = engine.up(m, inputs(5000))
    assert m.outputs["granted_amount"] == 5000
    assert em.stats()["requests"][AMOUNT] == 1
    assert (row(em)["allocate_amount"], balance(em)) == (5000, start - 5000)


def test_a_grant_that_surely_did_not_land_is_sent_again_once(em: Emulator, engine: Engine) -> None:
    start = balance(em)
    m = engine.create(engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000))
    em.accept_invite(TEAM, ALICE)
    engine.next_command()
    em.fail(AMOUNT, "drop_connection")
    _, m = engine.up(m, inputs(5000))
    assert em.stats()["requests"][AMOUNT] == 2
    assert (row(em)["allocate_amount"], balance(em)) == (5000, start - 5000)


@pytest.mark.parametrize("bad", [-1, 1.5, "1e4", "20.5", True, 2**60, float("nan")])
def test_budgets_are_validated_in_preview(em: Emulator, engine: Engine, bad: Any) -> None:
    em.reset_stats()
    m = engine.new("TeamMembership", "alice", TeamMembershipProvider())
    _, failures = engine.preview(m, inputs(bad))
    assert [f[0] for f in failures] == ["allocated_amount"]
    assert em.stats()["requests"] == {}


def test_unset_budget_is_left_alone(em: Emulator, engine: Engine) -> None:
    m = joined_with(em, engine, 4000)
    em.reset_stats()
    kind, m = engine.up(m, inputs(None))  # the state records that budgets are unmanaged now
    assert kind == "update" and m.outputs.get("allocated_amount") is None
    assert engine.up(m, inputs(None))[0] == "same"
    engine.delete(m)
    assert AMOUNT not in em.stats()["requests"]
    assert row(em)["allocate_amount"] == 4000  # left as it was


def test_budgets_under_the_strict_dialect() -> None:
    """Chinese errors, string ids, FailedMembers as a string, Cancel of joined members refused:
    the grant works, and a refused removal says the unspent budget was withdrawn first."""
    with Emulator(dialects="strict") as em:
        engine = Engine({**stack_config(em), "compshare:maxRetries": "0"})
        try:
            m = joined_with(em, engine, 3000)
            assert row(em)["allocate_amount"] == 3000
            em.spend(TEAM, ALICE, 1000)
            engine.next_command()
            with pytest.raises(ProviderCallError) as caught:
                engine.delete(m)
        finally:
            engine.close()
        message = str(caught.value)
        assert "refused to remove them" in message
        assert "their unspent 2000 fen was withdrawn first" in message
        assert (row(em)["status"], row(em)["available_amount"]) == ("Joined", 0)
