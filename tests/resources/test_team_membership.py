"""Member budgets as code: ``TeamMembership(allocated_amount=...)`` through the real provider
server against the emulator. The emulator reads allocate / withdraw as deltas (docs/budgets.md)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import pulumi_compshare as compshare
from pulumi_compshare.emulator import Emulator, demo_seed
from pulumi_compshare.resources import TeamMembershipProvider
from pulumi_compshare.testing import Player, StepError

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


# Slow: the default run raises and lowers a joined member's budget, request counts and amounts
# asserted, in test_lowering_and_raising_converge_under_every_reading[default].
@pytest.mark.slow
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


# Slow: the default run deletes a joined member who spent part of the budget, with the same
# assertions, in test_delete_withdraws_the_unspent_part_under_every_reading[default].
@pytest.mark.slow
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


def test_insufficient_owner_balance_names_the_member_and_the_reason() -> None:
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


def test_a_grant_whose_answer_was_lost_unseen_is_left_to_the_next_up(
    em: Emulator, engine: Engine
) -> None:
    """A dropped connection: the grant may or may not have landed, so it is never sent again in
    this up, even though the read shows nothing; the next up grants it, exactly once."""
    start = balance(em)
    m = engine.create(engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000))
    em.accept_invite(TEAM, ALICE)
    engine.next_command()
    dropped = em.fail(AMOUNT, "drop_connection")
    with pytest.raises(ProviderCallError) as caught:
        engine.up(m, inputs(5000))
    message = str(caught.value)
    assert f"could not grant 5000 fen for account {ALICE}" in message
    assert "may or may not have been applied" in message and AMOUNT in message
    assert "\n" not in message
    assert dropped.hits == 1 and em.stats()["requests"][AMOUNT] == 1
    assert row(em)["allocate_amount"] == 0  # the dropped call was not applied

    engine.next_command()
    kind, m = engine.up(m, inputs(5000))
    assert kind == "update" and m.outputs["granted_amount"] == 5000
    assert em.stats()["requests"][AMOUNT] == 2
    assert (row(em)["allocate_amount"], balance(em)) == (5000, start - 5000)
    assert engine.up(m, inputs(5000))[0] == "same"


def test_a_throttled_grant_is_sent_again_once(em: Emulator, engine: Engine) -> None:
    """RetCode 153: the API refused the call, so it surely did not land: sent again at once."""
    start = balance(em)
    m = engine.create(engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000))
    em.accept_invite(TEAM, ALICE)
    engine.next_command()
    throttled = em.fail(AMOUNT, "retcode", retcode=153, message="Request throttled")
    kind, m = engine.up(m, inputs(5000))
    assert kind == "update" and m.outputs["granted_amount"] == 5000
    assert throttled.hits == 1 and em.stats()["requests"][AMOUNT] == 2
    assert (row(em)["allocate_amount"], balance(em)) == (5000, start - 5000)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll the emulator until ``condition()`` holds (bounded; the time is no assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.02)


@pytest.mark.parametrize("lowering", [False, True], ids=["grant", "withdraw"])
def test_a_write_held_past_the_deadline_moves_money_once(em: Emulator, lowering: bool) -> None:
    """The network holds SetCompShareTeamAmount until after the provider's deadline and its
    confirming read, then it lands. The up fails saying the outcome is unknown; once the write
    has landed, the next up sends nothing (and the one after is "same"): the money moved once.

    The hold is an ``on_call`` hook that blocks the request before the emulator processes it,
    released by the test after the up has failed (the ``delay`` fault holds before processing
    too, but for a fixed time: the order would depend on the machine's speed)."""
    engine = Engine(
        {**stack_config(em), "compshare:maxRetries": "0", "compshare:timeoutSeconds": "2"}
    )
    release = threading.Event()
    try:
        start = balance(em)
        m = joined_with(em, engine, 3000) if lowering else None
        if m is None:
            m = engine.create(
                engine.new("TeamMembership", "alice", TeamMembershipProvider()), inputs(5000)
            )
            em.accept_invite(TEAM, ALICE)
        engine.next_command()
        calls = em.stats()["requests"].get(AMOUNT, 0)
        held = em.on_call(AMOUNT, lambda: release.wait(60))
        want, verb = (1000, "withdraw 2000") if lowering else (5000, "grant 5000")
        with pytest.raises(ProviderCallError) as caught:
            engine.up(m, inputs(want))
        message = str(caught.value)
        assert f"could not {verb} fen for account {ALICE}" in message
        assert "may or may not have been applied" in message and AMOUNT in message
        assert held.hits == 1
        assert row(em)["allocate_amount"] == (3000 if lowering else 0)  # still held

        release.set()
        wait_for(lambda: row(em)["allocate_amount"] == want, "the held write landing")
        engine.next_command()
        kind, m = engine.up(m, inputs(want))
        # A grant waited for the member (budget_pending): the plan reads the team and sees it
        # done. A lowering's state still says 3000: the update records 1000 and sends nothing.
        assert kind == ("update" if lowering else "same")
        assert em.stats()["requests"][AMOUNT] == calls + 1
        if lowering:
            assert m.outputs["allocated_amount"] == 1000 and m.outputs["granted_amount"] == 1000
        assert engine.up(m, inputs(want))[0] == "same"
        assert (row(em)["allocate_amount"], row(em)["available_amount"]) == (want, want)
        assert balance(em) == start - want
    finally:
        release.set()
        engine.close()


@pytest.fixture(scope="module")
def previews() -> Iterator[tuple[Emulator, Engine]]:
    """One emulator and provider process for every preview of a bad budget: a Check that fails
    keeps nothing."""
    with Emulator() as emulator:
        engine = Engine({**stack_config(emulator), "compshare:maxRetries": "0"})
        yield emulator, engine
        engine.close()


@pytest.mark.parametrize("bad", [-1, 1.5, "1e4", "20.5", True, 2**60, float("nan")])
def test_budgets_are_validated_in_preview(previews: tuple[Emulator, Engine], bad: Any) -> None:
    em, engine = previews
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


# ------------------------------------------------------------------ every reading of a withdrawal

READINGS = ["", "allocate-cumulative", "withdraw-clamped", "allocate-cumulative,withdraw-clamped"]
"""The readings the sources allow (docs/budgets.md): a withdrawal lowers AllocateAmount (the
default) or only AvailableAmount (allocate-cumulative); an over-withdrawal is refused (the
default) or clamped to what is left (withdraw-clamped)."""


BOTH = "allocate-cumulative,withdraw-clamped"


def _played_in(dialects: str) -> Iterator[tuple[Emulator, Engine]]:
    with Emulator(dialects=dialects) as emulator:
        engine = Engine({**stack_config(emulator), "compshare:maxRetries": "0"})
        try:
            yield emulator, engine
        finally:
            engine.close()


@pytest.fixture(
    params=[
        pytest.param(r, id=r or "default", marks=() if r in ("", BOTH) else pytest.mark.slow)
        for r in READINGS
    ]
)
def reading(request: pytest.FixtureRequest) -> Iterator[tuple[Emulator, Engine]]:
    """Each reading, for tests whose expectations follow from the two questions separately: the
    default and both-at-once readings run by default, each one alone is marked ``slow``."""
    yield from _played_in(request.param)


@pytest.fixture(params=READINGS, ids=[r or "default" for r in READINGS])
def every_reading(request: pytest.FixtureRequest) -> Iterator[tuple[Emulator, Engine]]:
    """Each reading, every one by default: for a test that takes a different path in each."""
    yield from _played_in(request.param)


def test_lowering_and_raising_converge_under_every_reading(
    reading: tuple[Emulator, Engine],
) -> None:
    em, engine = reading
    cumulative = "allocate-cumulative" in em.dialects
    start = balance(em)
    m = joined_with(em, engine, 3000)  # a grant after join
    assert em.stats()["requests"][AMOUNT] == 1

    kind, m = engine.up(m, inputs(1000))
    assert kind == "update"
    assert em.stats()["requests"][AMOUNT] == 2  # 2000 withdrawn, once
    assert balance(em) == start - 1000
    granted = 3000 if cumulative else 1000  # AllocateAmount as the API reports it
    assert (row(em)["allocate_amount"], row(em)["available_amount"]) == (granted, 1000)
    outputs = m.outputs
    assert (outputs["allocated_amount"], outputs["granted_amount"]) == (1000, granted)
    assert (outputs["available_amount"], outputs["budget_pending"]) == (1000, False)

    # Converged: no change in this process, in the next one, and after a refresh.
    assert engine.up(m, inputs(1000))[0] == "same"
    engine.next_command()
    assert engine.up(m, inputs(1000))[0] == "same"
    refreshed = engine.refresh(m)
    assert refreshed is not None and refreshed.outputs["allocated_amount"] == 1000
    assert engine.up(refreshed, inputs(1000))[0] == "same"
    assert em.stats()["requests"][AMOUNT] == 2

    kind, m = engine.up(refreshed, inputs(2500))  # raising grants the difference
    assert kind == "update" and em.stats()["requests"][AMOUNT] == 3
    assert row(em)["allocate_amount"] == (4500 if cumulative else 2500)
    assert (m.outputs["allocated_amount"], m.outputs["available_amount"]) == (2500, 2500)
    assert balance(em) == start - 2500
    engine.next_command()
    assert engine.up(m, inputs(2500))[0] == "same"

    # Spent part of it, lowered to what was spent: everything unspent comes back.
    em.spend(TEAM, ALICE, 500)
    engine.next_command()
    kind, m = engine.up(m, inputs(500))
    assert kind == "update" and em.stats()["requests"][AMOUNT] == 4
    assert (m.outputs["allocated_amount"], m.outputs["available_amount"]) == (500, 0)
    assert balance(em) == start - 500
    assert engine.up(m, inputs(500))[0] == "same"
    with pytest.raises(ProviderCallError) as caught:
        engine.up(m, inputs(400))  # below what was spent: nothing is sent
    assert "from 500 to 400" in str(caught.value) and "at least 500" in str(caught.value)
    assert em.stats()["requests"][AMOUNT] == 4


def test_delete_withdraws_the_unspent_part_under_every_reading(
    reading: tuple[Emulator, Engine],
) -> None:
    em, engine = reading
    start = balance(em)
    m = joined_with(em, engine, 6000)
    _, m = engine.up(m, inputs(4000))
    em.spend(TEAM, ALICE, 1500)
    engine.next_command()
    engine.delete(m)
    assert row(em)["status"] == "Canceled" and row(em)["available_amount"] == 0
    assert balance(em) == start - 1500  # the 2500 unspent came back
    assert em.stats()["requests"][AMOUNT] == 3
    assert "withdrew 2500 fen" in engine.wait_for_stderr("withdrew 2500 fen")


def test_a_lost_withdrawal_answer_is_resolved_by_reading_under_every_reading(
    reading: tuple[Emulator, Engine],
) -> None:
    """Applied, answer lost: the read shows it in every reading (AvailableAmount fell by the
    amount; AllocateAmount with it or not at all), so it is not sent again."""
    em, engine = reading
    m = joined_with(em, engine, 3000)
    lost = em.fail(AMOUNT, "applied_response_lost")
    kind, m = engine.up(m, inputs(1000))
    assert kind == "update" and lost.hits == 1
    assert em.stats()["requests"][AMOUNT] == 2
    assert (m.outputs["allocated_amount"], m.outputs["available_amount"]) == (1000, 1000)
    engine.next_command()
    assert engine.up(m, inputs(1000))[0] == "same"


def test_a_member_spending_during_a_lowering(every_reading: tuple[Emulator, Engine]) -> None:
    """The member spends between the provider's read and its withdrawal, leaving less than it
    withdraws. Refused (the default) or clamped, the up fails in one line saying what to set;
    nothing is sent again, and the next up names what was spent as the lowest budget."""
    em, engine = every_reading
    m = joined_with(em, engine, 3000)
    spent = em.on_call(AMOUNT, lambda: em.spend(TEAM, ALICE, 2500))
    clamped = "withdraw-clamped" in em.dialects
    if clamped and "allocate-cumulative" in em.dialects:
        # The documented limit (docs/budgets.md): AllocateAmount stays and AvailableAmount fell
        # by more than the amount, exactly as if all of it had been withdrawn; the provider
        # counts 2000 withdrawn where 500 was. No money moves twice.
        kind, m = engine.up(m, inputs(1000))
        assert kind == "update" and spent.hits == 1
        assert (m.outputs["allocated_amount"], m.outputs["available_amount"]) == (1000, 0)
        assert em.stats()["requests"][AMOUNT] == 2
        assert engine.up(m, inputs(1000))[0] == "same"
        return
    with pytest.raises(ProviderCallError) as caught:
        engine.up(m, inputs(1000))
    message = str(caught.value)
    assert spent.hits == 1 and em.stats()["requests"][AMOUNT] == 2
    assert f"could not withdraw 2000 fen for account {ALICE}" in message
    assert AMOUNT in message and "\n" not in message
    if clamped:
        assert "only 500 fen was left to take back" in message
        assert "set allocated_amount to at least that" in message
        assert row(em)["available_amount"] == 0
    else:
        assert "8409" in message and "less than the 2000 fen to withdraw" in message
        assert row(em)["available_amount"] == 500
    engine.next_command()
    refreshed = engine.refresh(m)
    assert refreshed is not None
    with pytest.raises(ProviderCallError) as caught:
        engine.up(refreshed, inputs(1000))
    assert "at least 2500" in str(caught.value)  # what was spent
    assert em.stats()["requests"][AMOUNT] == 2


# ------------------------------------------------------------------ one budget, two declarations


def named(budget: int, name: str) -> dict[str, Any]:
    """Inputs as the TeamMembership class sends them: with its name (an internal input)."""
    return {**inputs(budget), "__resource_name": name}


def test_a_budget_declared_twice_fails_in_check_naming_both(em: Emulator, engine: Engine) -> None:
    first = engine.create(
        engine.new("TeamMembership", "alice", TeamMembershipProvider()), named(3000, "alice")
    )
    em.accept_invite(TEAM, ALICE)
    engine.next_command()
    kind, first = engine.up(first, named(3000, "alice"))
    assert kind == "update" and row(em)["allocate_amount"] == 3000
    calls = em.stats()["requests"][AMOUNT]

    # The engine checks every resource in the order the program registers them; then their
    # steps run (in parallel). Here the first one's Check passes, the second's fails...
    engine.next_command()
    checked, diff = engine.plan(first, named(4000, "alice"))
    assert diff.changes
    second = engine.new("TeamMembership", "alice-again", TeamMembershipProvider())
    _, failures = engine.preview(second, named(5000, "alice-again"))
    ((prop, line),) = failures
    assert prop == "allocated_amount" and "\n" not in line
    assert line.startswith(
        f"allocated_amount of account {ALICE} in team {TEAM} is declared twice, by "
        'TeamMembership "alice-again" (5000 fen) and TeamMembership "alice" (4000 fen): '
    )
    assert AMOUNT in line and "set the other's to None" in line
    # ...and the first one's update, under way after it (pulumi up --skip-preview), stops before
    # anything is sent.
    with pytest.raises(ProviderCallError) as caught:
        engine.server.update(first.id, first.urn, first.outputs, checked, old_inputs=first.inputs)
    assert (
        f"TeamMembership {TEAM}:{ALICE}: the budget of account {ALICE} in team {TEAM} is "
        'declared twice, by TeamMembership "alice" (4000 fen) and TeamMembership "alice-again" '
        "(5000 fen)"
    ) in str(caught.value)
    assert em.stats()["requests"][AMOUNT] == calls
    assert row(em)["allocate_amount"] == 3000

    # The same resource checked again (preview, then up) is one declaration, not two; so is a
    # member declared without a budget.
    engine.next_command()
    assert engine.preview(first, named(3000, "alice"))[1] == []
    assert engine.up(first, named(3000, "alice"))[0] == "same"
    unmanaged = {**named(5000, "alice-again"), "allocated_amount": None}
    assert engine.preview(second, unmanaged)[1] == []


def two_of_one_member(em: Emulator) -> Callable[[], None]:
    def program() -> None:
        compshare.TeamMembership(
            "alice", team_id=TEAM, user_company_id=ALICE, allocated_amount=3000
        )
        compshare.TeamMembership(
            "alice-too", team_id=TEAM, user_company_id=ALICE, allocated_amount=5000
        )

    return program


def test_a_program_declaring_one_budget_twice_moves_no_money(em: Emulator) -> None:
    """Through the offline engine: the resource class sends its name, so the preview of
    ``pulumi up`` fails naming both, and nothing is invited or granted."""
    with (
        Player(config=stack_config(em), restart_per_operation=True) as player,
        pytest.raises(StepError) as caught,
    ):
        player.up(two_of_one_member(em))
    error = caught.value
    assert error.name == "alice-too" and "\n" not in error.message
    assert (
        f"has a problem: allocated_amount of account {ALICE} in team {TEAM} is declared twice, "
        'by TeamMembership "alice-too" (5000 fen) and TeamMembership "alice" (3000 fen): every '
        "pulumi up would move it back and forth with SetCompShareTeamAmount; keep "
        "allocated_amount on one of them and set the other's to None"
    ) in error.message
    assert em.stats()["requests"] == {}  # nothing read, invited or granted
