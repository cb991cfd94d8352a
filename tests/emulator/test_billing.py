"""The team billing actions over real HTTP, as the official SDKs send them: orders arise when a
member spends, amounts agree with the budget, the window, paging, filters and order honoured,
bad requests refused (docs/billing.md)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_compshare.emulator import Emulator

from .raw import ALICE, BOB, OWNER, TEAM, call, ok

T0 = 1_700_000_000
WINDOW = {"BeginTime": T0, "EndTime": T0 + 1000}


def joined(em: Emulator, *users: int, budget: int = 50_000) -> dict[int, int]:
    """``users`` joined the demo team with ``budget`` fen each; their virtual company ids."""
    info = [{"UserCompanyId": user} for user in users]
    ok(em, OWNER, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=info)
    for user in users:
        ok(em, user, "SetCompShareTeamRelation", TeamId=TEAM, Status="Agree")
    rows = ok(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM)["TeamRelation"]
    virtual = {row["UserCompanyId"]: row["VirtualCompanyId"] for row in rows}
    ok(
        em,
        OWNER,
        "SetCompShareTeamAmount",
        TeamId=TEAM,
        VirtualCompanyId=[virtual[u] for u in users],
        Amount=budget,
        OperateType="AllocateAmount",
    )
    return virtual


@pytest.fixture
def em() -> Any:
    with Emulator() as emulator:
        yield emulator


def test_orders_of_a_member_who_spends_agree_with_the_budget(em: Emulator) -> None:
    virtual = joined(em, ALICE, BOB)
    em.spend(TEAM, ALICE, 12_000, at=T0 + 100)
    em.spend(TEAM, ALICE, 345, at=T0 + 200, product="云硬盘")
    em.spend(TEAM, BOB, 999, at=T0 + 300)
    alice = {"TeamId": TEAM, "VirtualCompanyId": virtual[ALICE], **WINDOW}
    page = ok(em, OWNER, "DescribeTeamMemberOrder", **alice)
    assert (page["Total"], page["Limit"], page["Offset"]) == (2, 25, 0)
    rows = page["OrderInfos"]
    assert [(r["Amount"], r["AmountReal"], r["OrderState"]) for r in rows] == [
        ("3.45", "3.45", "Paid"),  # newest first
        ("120.00", "120.00", "Paid"),
    ]
    assert rows[0]["ResourceType"] == "云硬盘" and rows[1]["ChargeType"] == "Dynamic"
    count = ok(em, OWNER, "DescribeTeamMemberOrderCount", **alice)
    assert (count["TotalCount"], count["Amount"], count["AmountReal"]) == (2, "123.45", "123.45")
    (relation,) = [
        r
        for r in ok(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM)["TeamRelation"]
        if r["UserCompanyId"] == ALICE
    ]
    spent = relation["AllocateAmount"] - relation["AvailableAmount"]
    assert spent == 12_345  # fen: what the orders add up to
    products = ok(em, OWNER, "ListMemberProductType", TeamId=TEAM, **WINDOW)
    assert products["ProductTypeList"] == ["GPU算力", "云硬盘"]


def test_window_paging_order_and_filters(em: Emulator) -> None:
    virtual = joined(em, ALICE)
    for minute in range(5):
        em.spend(TEAM, ALICE, 100 + minute, at=T0 + 60 * minute)
    em.spend(TEAM, ALICE, 700, at=T0 + 5000)  # outside the window
    em.spend(TEAM, ALICE, 5_000, at=T0 + 400, unpaid=True)
    base = {"TeamId": TEAM, "VirtualCompanyId": virtual[ALICE], **WINDOW}
    page = ok(em, OWNER, "DescribeTeamMemberOrder", Limit=2, Offset=1, OrderDir="ASC", **base)
    assert page["Total"] == 6
    assert [r["Amount"] for r in page["OrderInfos"]] == ["1.01", "1.02"]
    edge = {**base, "BeginTime": T0 + 60, "EndTime": T0 + 120}
    assert ok(em, OWNER, "DescribeTeamMemberOrderCount", **edge)["TotalCount"] == 2
    paid = ok(em, OWNER, "DescribeTeamMemberOrder", OrderStates=["paid"], **base)
    assert paid["Total"] == 5
    count = ok(em, OWNER, "DescribeTeamMemberOrderCount", OrderStates="Unpaid", **base)
    assert (count["TotalCount"], count["Amount"], count["AmountReal"]) == (1, "50.00", "0.00")
    unpaid = ok(em, OWNER, "DescribeTeamMemberUnpaidOrder", **base)
    assert [(r["Amount"], r["OrderState"]) for r in unpaid["OrderInfos"]] == [(5000, "Unpaid")]
    unpaid_count = ok(em, OWNER, "DescribeTeamMemberUnpaidOrderCount", **base)
    assert (unpaid_count["TotalCount"], unpaid_count["Amount"]) == (1, "50.00")
    by_number = ok(
        em, OWNER, "DescribeTeamMemberOrder", OrderNos=[paid["OrderInfos"][0]["OrderNo"]], **base
    )
    assert by_number["Total"] == 1


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"BeginTime": T0}, "EndTime"),
        ({"BeginTime": T0, "EndTime": T0}, "greater than BeginTime"),
        ({**WINDOW, "Limit": 101}, "Limit"),
        ({**WINDOW, "OrderDir": "sideways"}, "OrderDir"),
        ({**WINDOW, "OrderBy": "amount"}, "OrderBy"),
    ],
)
def test_bad_requests_are_refused(em: Emulator, params: dict[str, Any], words: str) -> None:
    virtual = joined(em, ALICE)
    body = call(
        em, OWNER, "DescribeTeamMemberOrder", TeamId=TEAM, VirtualCompanyId=virtual[ALICE], **params
    )
    assert body["RetCode"] == 230 and words in body["Message"]


def test_only_the_owner_and_only_members(em: Emulator) -> None:
    virtual = joined(em, ALICE)
    mine = {"TeamId": TEAM, "VirtualCompanyId": virtual[ALICE], **WINDOW}
    assert call(em, ALICE, "DescribeTeamMemberOrderCount", **mine)["RetCode"] == 8403
    stranger = call(em, OWNER, "DescribeTeamMemberOrder", **{**mine, "VirtualCompanyId": 99})
    assert stranger["RetCode"] == 8404
    assert "virtual company 99 is not a member of team 1001" in stranger["Message"]


def test_spend_refuses_what_is_not_an_order(em: Emulator) -> None:
    joined(em, ALICE, budget=100)
    with pytest.raises(ValueError, match="less than 101"):
        em.spend(TEAM, ALICE, 101)
    with pytest.raises(ValueError, match="unix seconds"):
        em.spend(TEAM, ALICE, 1, at=-1)
    with pytest.raises(ValueError, match="not a joined member"):
        em.spend(TEAM, BOB, 1)
    assert em.spend(TEAM, ALICE, 101, unpaid=True) == 100  # owed: the budget stays
