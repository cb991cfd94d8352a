"""The billing lookups against the emulator: a member's orders and a team's spend per member are
what the emulator holds after members spend, in every reading of the billing answers; bad input
fails in one line before any billing call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

import pulumi_compshare as compshare
from pulumi_compshare.client import InvalidParameterError
from pulumi_compshare.emulator import Emulator

from ..kit import client_of

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004
T0 = 1_700_000_000
BILLING = "billing-times-optional,unpaid-amount-text,order-states-os,billing-amount-numbers"


def team_that_spent(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Alice and Bob joined team 1001 with 500 yuan each and spent; Carol is only invited."""
    monkeypatch.setenv("COMPSHARE_PUBLIC_KEY", emulator.account(OWNER).public_key)
    monkeypatch.setenv("COMPSHARE_PRIVATE_KEY", emulator.account(OWNER).private_key)
    monkeypatch.setenv("COMPSHARE_BASE_URL", emulator.url)
    owner = client_of(emulator, OWNER)
    owner.create_team_relations(
        1001, [{"user_company_id": u, "remark_name": f"s{u}"} for u in (ALICE, BOB, CAROL)]
    )
    for user in (ALICE, BOB):
        client_of(emulator, user).set_team_relation(1001, "Agree")
    members = owner.get_team_info(1001).relations
    joined = [r.virtual_company_id for r in members if r.user_company_id in (ALICE, BOB)]
    owner.set_team_amount(1001, "AllocateAmount", joined, 50_000)
    emulator.spend(1001, ALICE, 12_000, at=T0 + 10)
    emulator.spend(1001, ALICE, 345, at=T0 + 20, product="云硬盘")
    emulator.spend(1001, ALICE, 500, at=T0 + 30, unpaid=True)
    emulator.spend(1001, BOB, 99, at=T0 + 40)
    return emulator


@pytest.fixture(params=["", BILLING], ids=["default", "billing-dialects"])
def em(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator(dialects=request.param) as emulator:
        yield team_that_spent(emulator, monkeypatch)


def test_a_members_orders_in_a_window(em: Emulator) -> None:
    result = compshare.get_team_member_orders(1001, T0, T0 + 3600, user_company_id=ALICE)
    assert (result.user_company_id, result.total, result.limit) == (ALICE, 3, 25)
    assert [(o.amount, o.paid_amount) for o in result.orders] == [
        (500, 0),  # newest first; unpaid
        (345, 345),
        (12_000, 12_000),
    ]
    assert result.orders[1].product_type == "云硬盘"
    assert result.product_types == ["GPU算力", "云硬盘"]
    by_virtual = compshare.get_team_member_orders(
        1001, T0 + 15, T0 + 25, virtual_company_id=result.virtual_company_id, ascending=True
    )
    assert [o.amount for o in by_virtual.orders] == [345]
    page = compshare.get_team_member_orders(1001, T0, T0 + 60, ALICE, limit=1, offset=2)
    assert [o.amount for o in page.orders] == [12_000] and page.total == 3


def test_a_teams_spend_per_member_agrees_with_the_budgets(em: Emulator) -> None:
    spend = compshare.get_team_spend(1001)
    by_member = {m.user_company_id: m for m in spend.members}
    assert set(by_member) == {ALICE, BOB}  # Carol has not joined
    alice = by_member[ALICE]
    assert (alice.spent_amount, alice.paid_amount, alice.unpaid_amount) == (12_845, 12_345, 500)
    assert alice.granted_amount - alice.available_amount == alice.paid_amount
    assert (alice.order_count, alice.remark_name) == (3, f"s{ALICE}")
    assert spend.spent_by_member == {str(ALICE): 12_845, str(BOB): 99}
    assert spend.spent_amount == 12_944
    early = compshare.get_team_spend(1001, begin_time=T0, end_time=T0 + 15)
    assert early.spent_by_member == {str(ALICE): 12_000, str(BOB): 0}


def test_bad_input_fails_in_one_line_before_any_billing_call(em: Emulator) -> None:
    em.reset_stats()
    with pytest.raises(InvalidParameterError) as info:
        compshare.get_team_member_orders(1001, T0 + 10, T0, user_company_id=ALICE)
    assert str(info.value) == (
        "get_team_member_orders failed: end_time (1700000000) must be later than begin_time "
        "(1700000010); fix the named parameter"
    )
    with pytest.raises(InvalidParameterError, match="give exactly one of user_company_id and"):
        compshare.get_team_member_orders(1001, T0, T0 + 1)
    with pytest.raises(InvalidParameterError, match="get_team_spend failed: end_time"):
        compshare.get_team_spend(1001, begin_time=T0, end_time=T0)
    with pytest.raises(InvalidParameterError, match="limit must be from 1 to 100"):
        compshare.get_team_member_orders(1001, T0, T0 + 1, ALICE, limit=101)
    assert em.stats()["requests"] == {}
    with pytest.raises(InvalidParameterError) as info:
        compshare.get_team_member_orders(1001, T0, T0 + 1, user_company_id=99_999)
    message = str(info.value)
    assert "\n" not in message
    assert "user_company_id 99999 is not a member of team 1001 (GetCompShareTeamInfo" in message
    assert em.stats()["requests"] == {"GetCompShareTeamInfo": 1}


class _NoResources(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return args.name, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def mocks() -> None:
    pulumi.runtime.set_mocks(_NoResources(), preview=False)


@pulumi.runtime.test
def test_output_forms_take_inputs(em: Emulator, mocks: None) -> Any:
    team_id = pulumi.Output.from_input(1001)
    spend = compshare.get_team_spend_output(team_id, end_time=T0 + 3600)
    orders = compshare.get_team_member_orders_output(team_id, T0, T0 + 3600, BOB)

    def check(values: list[Any]) -> None:
        by_member, amounts = values
        assert by_member == {str(ALICE): 12_845, str(BOB): 99}
        assert amounts == [99]

    return pulumi.Output.all(
        spend.apply(lambda s: s.spent_by_member),
        orders.apply(lambda r: [o.amount for o in r.orders]),
    ).apply(check)
