"""Member budgets in the emulator, over real HTTP: owner balances, SetCompShareTeamAmount
(allocate and withdraw as deltas, per-member FailedMembers), the spend helper, the operation log,
DescribeCompShareSharingImages, the dialects, and the official SDK's requests."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_compshare.emulator import DEFAULT_BALANCE, Emulator, SeedError, demo_seed
from pulumi_compshare.emulator.state import (
    ACTIONS,
    NON_IDEMPOTENT_ACTIONS,
    WRITE_ACTIONS,
    is_non_idempotent_write,
)

from .raw import ALICE, BOB, CAROL, HTTP, OWNER, TEAM, signed

CJK = re.compile(r"[\u4e00-\u9fff]")


def call(em: Emulator, who: int, action: str, **params: Any) -> Any:
    """The raw JSON answer of one signed request (no client in between)."""
    body = {"Action": action, "Region": "cn-wlcb", **params}
    response = HTTP.post(em.url, data=signed(em.account(who), body))
    assert response.status_code == 200
    return response.json()


def ok(body: Any) -> Any:
    assert body["RetCode"] == 0, body
    return body


def amount(em: Emulator, operation: str, members: list[int], fen: int, who: int = OWNER) -> Any:
    """SetCompShareTeamAmount as compshare-cli sends it; returns FailedMembers read as a map."""
    body = ok(
        call(
            em,
            who,
            "SetCompShareTeamAmount",
            TeamId=TEAM,
            VirtualCompanyId=members,
            Amount=fen,
            OperateType=operation,
        )
    )
    failed = body["FailedMembers"]
    return json.loads(failed) if isinstance(failed, str) and failed else (failed or {})


def join(em: Emulator, *users: int) -> dict[int, int]:
    """Invite and accept ``users``; returns ``{company id: VirtualCompanyId}``."""
    info = [{"UserCompanyId": user} for user in users]
    ok(call(em, OWNER, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=info))
    for user in users:
        ok(call(em, user, "SetCompShareTeamRelation", TeamId=TEAM, Status="Agree"))
    return virtual_ids(em)


def virtual_ids(em: Emulator) -> dict[int, int]:
    rows = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))["TeamRelation"]
    return {int(r["UserCompanyId"]): int(r["VirtualCompanyId"]) for r in rows}


def amounts(em: Emulator) -> dict[int, tuple[int, int]]:
    """``{company id: (AllocateAmount, AvailableAmount)}`` as GetCompShareTeamInfo shows them."""
    rows = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))["TeamRelation"]
    return {
        int(r["UserCompanyId"]): (int(r["AllocateAmount"]), int(r["AvailableAmount"])) for r in rows
    }


def balance(em: Emulator, company_id: int = OWNER) -> int:
    state = HTTP.get(f"{em.url}/_emulator/state").json()
    found: int = next(a["balance"] for a in state["accounts"] if a["company_id"] == company_id)
    return found


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
        assert emulator.stats()["internal_errors"] == 0


# ------------------------------------------------------------------ allocate and withdraw


def test_allocate_moves_fen_from_the_owner_to_each_member(em: Emulator) -> None:
    assert balance(em) == DEFAULT_BALANCE == 1_000_000
    ids = join(em, ALICE, BOB)
    assert amounts(em) == {ALICE: (0, 0), BOB: (0, 0)}
    assert amount(em, "AllocateAmount", [ids[ALICE], ids[BOB]], 30_000) == {}
    assert amounts(em) == {ALICE: (30_000, 30_000), BOB: (30_000, 30_000)}
    assert balance(em) == 1_000_000 - 60_000
    # The amount is a delta: a second allocation adds to the first.
    assert amount(em, "AllocateAmount", [ids[ALICE]], 5_000) == {}
    assert amounts(em)[ALICE] == (35_000, 35_000)
    assert balance(em) == 1_000_000 - 65_000
    # The member sees the same budget in the team's info by VirtualCompanyId.
    mine = ok(call(em, ALICE, "GetCompShareTeamInfo", VirtualCompanyId=ids[ALICE]))
    row = next(r for r in mine["TeamRelation"] if r["UserCompanyId"] == ALICE)
    assert (row["AllocateAmount"], row["AvailableAmount"]) == (35_000, 35_000)


def test_withdraw_takes_back_unspent_fen_and_keeps_what_was_spent(em: Emulator) -> None:
    ids = join(em, ALICE)
    amount(em, "AllocateAmount", [ids[ALICE]], 10_000)
    assert em.spend(TEAM, ALICE, 2_500) == 7_500
    assert amounts(em)[ALICE] == (10_000, 7_500)
    assert amount(em, "WithdrawAmount", [ids[ALICE]], 5_000) == {}
    assert amounts(em)[ALICE] == (5_000, 2_500)
    assert balance(em) == 1_000_000 - 10_000 + 5_000
    assert amount(em, "WithdrawAmount", [ids[ALICE]], 2_500) == {}
    # Everything unspent came back; AllocateAmount - AvailableAmount is what was spent.
    assert amounts(em)[ALICE] == (2_500, 0)
    assert balance(em) == 1_000_000 - 2_500


def test_withdraw_more_than_available_fails_that_member_only(em: Emulator) -> None:
    ids = join(em, ALICE, BOB)
    amount(em, "AllocateAmount", [ids[ALICE], ids[BOB]], 1_000)
    em.spend(TEAM, ALICE, 600)
    failed = amount(em, "WithdrawAmount", [ids[ALICE], ids[BOB]], 500)
    assert list(failed) == [str(ids[ALICE])]
    assert failed[str(ids[ALICE])]["Code"] == 8409
    assert "400 fen available" in failed[str(ids[ALICE])]["Message"]
    assert amounts(em) == {ALICE: (1_000, 400), BOB: (500, 500)}
    assert balance(em) == 1_000_000 - 2_000 + 500


# ------------------------------------------------------------------ readings of a withdrawal


def withdraw_reading(em: Emulator) -> tuple[Any, ...]:
    """Allocate 1000, spend 300, withdraw 200 then 600 (more than the 500 left) then 1: the
    amounts after each withdrawal, the over-withdrawal's failure codes, the owner's balance."""
    ids = join(em, ALICE)
    amount(em, "AllocateAmount", [ids[ALICE]], 1_000)
    em.spend(TEAM, ALICE, 300)
    assert amount(em, "WithdrawAmount", [ids[ALICE]], 200) == {}
    after_one = amounts(em)[ALICE]
    over = sorted(f["Code"] for f in amount(em, "WithdrawAmount", [ids[ALICE]], 600).values())
    after_over = amounts(em)[ALICE]
    empty = sorted(f["Code"] for f in amount(em, "WithdrawAmount", [ids[ALICE]], 1).values())
    return after_one, over, after_over, empty, amounts(em)[ALICE], balance(em)


def test_withdrawal_readings() -> None:
    """A withdrawal lowers AllocateAmount (the default) or not (allocate-cumulative); an
    over-withdrawal fails (the default) or takes everything left (withdraw-clamped), and with
    nothing left changes nothing."""
    spent = 1_000_000 - 1_000
    readings = {
        "": ((800, 500), [8409], (800, 500), [], (799, 499), spent + 201),
        "allocate-cumulative": ((1000, 500), [8409], (1000, 500), [], (1000, 499), spent + 201),
        "withdraw-clamped": ((800, 500), [], (300, 0), [], (300, 0), spent + 700),
        "allocate-cumulative,withdraw-clamped": (
            (1000, 500),
            [],
            (1000, 0),
            [],
            (1000, 0),
            spent + 700,
        ),
        "withdraw-clamped,chinese-errors": ((800, 500), [], (300, 0), [], (300, 0), spent + 700),
        "allocate-cumulative,chinese-errors": (
            (1000, 500),
            [17002],
            (1000, 500),
            [],
            (1000, 499),
            spent + 201,
        ),
    }
    for dialects, expected in readings.items():
        with Emulator(dialects=dialects) as em:
            assert withdraw_reading(em) == expected, dialects
            assert em.stats()["internal_errors"] == 0


def test_a_clamped_withdrawal_logs_what_it_took() -> None:
    with Emulator(dialects="withdraw-clamped") as em:
        ids = join(em, ALICE)
        amount(em, "AllocateAmount", [ids[ALICE]], 1_000)
        em.spend(TEAM, ALICE, 400)
        assert amount(em, "WithdrawAmount", [ids[ALICE]], 5_000) == {}
        assert amount(em, "WithdrawAmount", [ids[ALICE]], 5_000) == {}  # nothing left
        logs = ok(
            call(
                em,
                OWNER,
                "ListCompShareTeamOperateLog",
                TeamId=TEAM,
                BeginTime=0,
                EndTime=2**40,
                OperateType=["WithdrawAmount"],
            )
        )
        assert [e["Content"] for e in logs["Logs"]] == [
            f"withdraw 600 fen from virtual company {ids[ALICE]} in team 1001"
        ]


def test_insufficient_balance_fails_the_members_it_cannot_cover() -> None:
    seed = demo_seed().to_dict()
    seed["accounts"][0]["balance"] = 1_000
    with Emulator(seed) as em:
        assert balance(em) == 1_000 and balance(em, ALICE) == DEFAULT_BALANCE
        ids = join(em, ALICE, BOB)
        failed = amount(em, "AllocateAmount", [ids[ALICE], ids[BOB]], 600)
        assert list(failed) == [str(ids[BOB])]
        assert failed[str(ids[BOB])]["Code"] == 8409
        assert "insufficient balance" in failed[str(ids[BOB])]["Message"]
        assert amounts(em) == {ALICE: (600, 600), BOB: (0, 0)}
        assert balance(em) == 400


def test_members_who_are_not_joined_fail_and_nothing_moves(em: Emulator) -> None:
    join(em, ALICE)
    ok(
        call(
            em, OWNER, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=[{"UserCompanyId": BOB}]
        )
    )
    ok(
        call(
            em,
            OWNER,
            "CreateCompShareTeamRelation",
            TeamId=TEAM,
            UserInfo=[{"UserCompanyId": CAROL}],
        )
    )
    ok(call(em, CAROL, "SetCompShareTeamRelation", TeamId=TEAM, Status="Reject"))
    ids = virtual_ids(em)
    amount(em, "AllocateAmount", [ids[ALICE]], 100)
    ok(
        call(
            em, OWNER, "SetCompShareTeamRelation", TeamId=TEAM, Status="Cancel", UserCompanyId=ALICE
        )
    )
    failed = amount(em, "AllocateAmount", [ids[ALICE], ids[BOB], ids[CAROL], 69999], 100)
    assert {key: value["Code"] for key, value in failed.items()} == {
        str(ids[ALICE]): 8409,
        str(ids[BOB]): 8409,
        str(ids[CAROL]): 8409,
        "69999": 8404,
    }
    assert "canceled in team 1001, not a joined member" in failed[str(ids[ALICE])]["Message"]
    assert "pending" in failed[str(ids[BOB])]["Message"]
    assert "rejected" in failed[str(ids[CAROL])]["Message"]
    assert "virtual company 69999 is not a member" in failed["69999"]["Message"]
    # A member who left keeps what was left of their budget; it cannot be withdrawn any more.
    assert str(ids[ALICE]) in amount(em, "WithdrawAmount", [ids[ALICE]], 100)
    assert amounts(em)[ALICE] == (100, 100)
    assert balance(em) == 1_000_000 - 100


def test_a_member_of_another_team_is_not_a_member_here(em: Emulator) -> None:
    ok(call(em, OWNER, "CreateCompShareTeam", Name="other"))
    ok(
        call(
            em, OWNER, "CreateCompShareTeamRelation", TeamId=1002, UserInfo=[{"UserCompanyId": BOB}]
        )
    )
    ok(call(em, BOB, "SetCompShareTeamRelation", TeamId=1002, Status="Agree"))
    other = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=1002))["TeamRelation"][0]
    failed = amount(em, "AllocateAmount", [other["VirtualCompanyId"]], 100)
    assert failed[str(other["VirtualCompanyId"])]["Code"] == 8404


def test_a_repeated_member_counts_once_and_zero_moves_nothing(em: Emulator) -> None:
    ids = join(em, ALICE)
    assert amount(em, "AllocateAmount", [ids[ALICE], ids[ALICE]], 700) == {}
    assert amounts(em)[ALICE] == (700, 700)
    assert amount(em, "AllocateAmount", [ids[ALICE]], 0) == {}
    assert amounts(em)[ALICE] == (700, 700)
    # A bare VirtualCompanyId (no .N index) is a one-element list; OperateType is any case.
    body = call(
        em,
        OWNER,
        "SetCompShareTeamAmount",
        TeamId=TEAM,
        VirtualCompanyId=ids[ALICE],
        Amount=300,
        OperateType="withdrawamount",
    )
    assert ok(body)["FailedMembers"] == {}
    assert amounts(em)[ALICE] == (400, 400)


def test_only_the_owner_sets_amounts_and_parameters_are_checked(em: Emulator) -> None:
    ids = join(em, ALICE)
    base = {"TeamId": TEAM, "VirtualCompanyId": [ids[ALICE]], "Amount": 100}
    refused = call(em, ALICE, "SetCompShareTeamAmount", **base, OperateType="AllocateAmount")
    assert refused["RetCode"] == 8403 and "not the owner of team 1001" in refused["Message"]
    gone = call(
        em,
        OWNER,
        "SetCompShareTeamAmount",
        **{**base, "TeamId": 4242},
        OperateType="WithdrawAmount",
    )
    assert gone["RetCode"] == 8404
    bad = [
        ({**base, "OperateType": "Give"}, "OperateType"),
        ({**base, "OperateType": "AllocateAmount", "Amount": -1}, "Amount"),
        ({**base, "OperateType": "AllocateAmount", "Amount": "1.5"}, "Amount"),
        ({"TeamId": TEAM, "Amount": 1, "OperateType": "AllocateAmount"}, "VirtualCompanyId"),
        ({**base, "VirtualCompanyId": ["x"], "OperateType": "AllocateAmount"}, "VirtualCompanyId"),
        ({**base}, "OperateType"),
        (
            {"TeamId": TEAM, "VirtualCompanyId": [ids[ALICE]], "OperateType": "AllocateAmount"},
            "Amount",
        ),
    ]
    for params, name in bad:
        body = call(em, OWNER, "SetCompShareTeamAmount", **params)
        assert body["RetCode"] == 230 and name in body["Message"], (params, body)
    assert amounts(em)[ALICE] == (0, 0) and balance(em) == DEFAULT_BALANCE


def test_every_success_is_logged(em: Emulator) -> None:
    ids = join(em, ALICE, BOB)
    amount(em, "AllocateAmount", [ids[ALICE], ids[BOB]], 1_000)
    amount(em, "WithdrawAmount", [ids[ALICE]], 400)
    amount(em, "WithdrawAmount", [ids[BOB]], 5_000)  # fails: not logged
    logs = ok(
        call(
            em,
            OWNER,
            "ListCompShareTeamOperateLog",
            TeamId=TEAM,
            BeginTime=0,
            EndTime=2**40,
            OperateType=["AllocateAmount", "WithdrawAmount"],
            OrderByASC=True,
        )
    )
    assert [(e["OperateType"], e["Content"]) for e in logs["Logs"]] == [
        ("AllocateAmount", f"allocate 1000 fen to virtual company {ids[ALICE]} in team 1001"),
        ("AllocateAmount", f"allocate 1000 fen to virtual company {ids[BOB]} in team 1001"),
        ("WithdrawAmount", f"withdraw 400 fen from virtual company {ids[ALICE]} in team 1001"),
    ]
    assert {"AllocateAmount", "WithdrawAmount"} <= set(logs["OperateTypeList"])


def test_spend_helper(em: Emulator) -> None:
    ids = join(em, ALICE)
    amount(em, "AllocateAmount", [ids[ALICE]], 1_000)
    assert em.spend(TEAM, ALICE, 999) == 1
    assert amounts(em)[ALICE] == (1_000, 1)
    for team, user, fen, message in [
        (TEAM, ALICE, 2, "has 1 fen available"),
        (TEAM, ALICE, 0, "positive"),
        (TEAM, BOB, 1, "not a joined member"),
        (4242, ALICE, 1, "not a joined member"),
    ]:
        with pytest.raises(ValueError, match=message):
            em.spend(team, user, fen)
    assert amounts(em)[ALICE] == (1_000, 1)
    assert balance(em) == 1_000_000 - 1_000


# ------------------------------------------------------------------ seeds and action tables


def test_seed_balance_round_trips_and_is_validated() -> None:
    data = demo_seed().to_dict()
    assert [a["balance"] for a in data["accounts"]] == [DEFAULT_BALANCE] * 4
    data["accounts"][1]["balance"] = 0
    with Emulator(data) as em:
        assert balance(em, ALICE) == 0
        assert em.account(ALICE).balance == 0
    del data["accounts"][1]["balance"]
    with Emulator(data) as em:
        assert balance(em, ALICE) == DEFAULT_BALANCE
    for value, message in [
        (-1, r"accounts\[1\]\.balance -1 is out of range"),
        ("10", r"accounts\[1\]\.balance '10' is not an integer"),
        (True, r"accounts\[1\]\.balance True is not an integer"),
    ]:
        data["accounts"][1]["balance"] = value
        with pytest.raises(SeedError, match=message):
            Emulator(data)


def test_action_tables_come_from_the_request_models() -> None:
    assert {"SetCompShareTeamAmount", "DescribeCompShareSharingImages"} <= set(ACTIONS)
    assert len(ACTIONS) == len(set(ACTIONS)) == 20  # 15 and the 5 billing actions
    assert "SetCompShareTeamAmount" in WRITE_ACTIONS
    assert "DescribeCompShareSharingImages" not in WRITE_ACTIONS
    assert {
        "CreateCompShareTeam",
        "CreateCompShareTeamRelation",
        "SetCompShareTeamAmount",
    } == NON_IDEMPOTENT_ACTIONS
    assert is_non_idempotent_write({"Action": "SetCompShareTeamAmount"})
    assert is_non_idempotent_write({"Action": "SetCompShareTeamRelation", "Status": " SEND"})
    assert not is_non_idempotent_write({"Action": "SetCompShareTeamRelation", "Status": "Agree"})
    assert not is_non_idempotent_write({"Action": "ListCompShareTeam"})


def test_a_repeated_allocation_is_counted_as_a_repeated_write(em: Emulator) -> None:
    ids = join(em, ALICE)
    amount(em, "AllocateAmount", [ids[ALICE]], 10)
    amount(em, "AllocateAmount", [ids[ALICE]], 10)
    assert em.stats()["repeated_writes"] == {"SetCompShareTeamAmount": 1}
    assert amounts(em)[ALICE] == (20, 20)


# ------------------------------------------------------------------ images shared with me


def share(em: Emulator, image: str, *accounts: int) -> None:
    ok(
        call(
            em,
            OWNER,
            "ModifyCompShareImageShareAccount",
            CompShareImageId=image,
            AddAccounts=list(accounts),
        )
    )


def test_sharing_images_lists_what_others_shared_with_the_caller_paged(em: Emulator) -> None:
    share(em, "compshareImage-abc", ALICE, BOB)
    share(em, "compshareImage-def", ALICE)
    page = ok(call(em, ALICE, "DescribeCompShareSharingImages"))
    assert page["TotalCount"] == 2
    assert [(i["CompShareImageId"], i["Name"]) for i in page["ImageSet"]] == [
        ("compshareImage-abc", "cuda-12-base"),
        ("compshareImage-def", "pytorch-2-base"),
    ]
    assert page["ImageSet"][0]["Owner"] == {"AccountId": OWNER, "AccountName": "demo-owner"}
    second = ok(call(em, ALICE, "DescribeCompShareSharingImages", Offset=1, Limit=1))
    assert second["TotalCount"] == 2
    assert [i["CompShareImageId"] for i in second["ImageSet"]] == ["compshareImage-def"]
    one = ok(
        call(em, ALICE, "DescribeCompShareSharingImages", CompShareImageId="compshareImage-def")
    )
    assert (one["TotalCount"], one["ImageSet"][0]["CompShareImageId"]) == (1, "compshareImage-def")
    bob = ok(call(em, BOB, "DescribeCompShareSharingImages"))
    assert [i["CompShareImageId"] for i in bob["ImageSet"]] == ["compshareImage-abc"]
    # The owner's own images are not shared *with* the owner; an unshared account sees none.
    assert ok(call(em, OWNER, "DescribeCompShareSharingImages"))["ImageSet"] == []
    assert ok(call(em, CAROL, "DescribeCompShareSharingImages"))["TotalCount"] == 0
    ok(
        call(
            em,
            OWNER,
            "ModifyCompShareImageShareAccount",
            CompShareImageId="compshareImage-abc",
            RemoveAccounts=[ALICE],
        )
    )
    assert ok(call(em, ALICE, "DescribeCompShareSharingImages"))["TotalCount"] == 1
    for params in ({"Limit": 0}, {"Limit": 101}, {"Offset": -1}):
        body = call(em, ALICE, "DescribeCompShareSharingImages", **params)
        assert body["RetCode"] == 230, body


# ------------------------------------------------------------------ dialects


def scenario(em: Emulator) -> dict[str, Any]:
    """Allocate to a joined and a pending member, then withdraw too much: the raw answers."""
    join(em, ALICE)
    ok(
        call(
            em, OWNER, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=[{"UserCompanyId": BOB}]
        )
    )
    ids = virtual_ids(em)
    members = [ids[ALICE], ids[BOB], 69999]
    base = {"TeamId": TEAM, "Amount": 100}
    first = call(
        em,
        OWNER,
        "SetCompShareTeamAmount",
        **base,
        VirtualCompanyId=members,
        OperateType="AllocateAmount",
    )
    clean = call(
        em,
        OWNER,
        "SetCompShareTeamAmount",
        **base,
        VirtualCompanyId=[ids[ALICE]],
        OperateType="AllocateAmount",
    )
    too_much = call(
        em,
        OWNER,
        "SetCompShareTeamAmount",
        TeamId=TEAM,
        Amount=10**7,
        VirtualCompanyId=[ids[ALICE]],
        OperateType="AllocateAmount",
    )
    over = call(
        em,
        OWNER,
        "SetCompShareTeamAmount",
        TeamId=TEAM,
        Amount=201,
        VirtualCompanyId=[ids[ALICE]],
        OperateType="WithdrawAmount",
    )
    row = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))["TeamRelation"][0]
    logs = call(em, OWNER, "ListCompShareTeamOperateLog", TeamId=TEAM)
    return {
        "first": first,
        "clean": clean,
        "too_much": too_much,
        "over": over,
        "row": row,
        "logs": logs,
        "ids": ids,
    }


def failed_of(body: Any) -> dict[str, Any]:
    ok(body)
    failed = body["FailedMembers"]
    return json.loads(failed) if isinstance(failed, str) and failed else (failed or {})


def test_default_dialect_answers() -> None:
    with Emulator() as em:
        seen = scenario(em)
    ids = seen["ids"]
    assert seen["first"]["FailedMembers"] == {
        str(ids[BOB]): {
            "Code": 8409,
            "Message": f"virtual company {ids[BOB]} is pending in team 1001, not a joined member",
        },
        "69999": {"Code": 8404, "Message": "virtual company 69999 is not a member of team 1001"},
    }
    assert seen["clean"]["FailedMembers"] == {}
    assert failed_of(seen["too_much"])[str(ids[ALICE])]["Code"] == 8409
    assert failed_of(seen["over"])[str(ids[ALICE])]["Code"] == 8409
    assert (seen["row"]["AllocateAmount"], seen["row"]["AvailableAmount"]) == (200, 200)
    assert seen["row"]["VirtualCompanyId"] == ids[ALICE]
    assert seen["logs"]["RetCode"] == 230  # BeginTime / EndTime are required by default


@pytest.mark.parametrize(
    "dialect",
    [
        "chinese-errors",
        "error-map-string",
        "string-ids",
        "upper-status",
        "lower-status",
        "operate-log-maps",
        "null-text",
        "strict",
    ],
)
def test_budget_answers_in_each_dialect(dialect: str) -> None:
    with Emulator(dialects=dialect) as em:
        seen = scenario(em)
        dialects = em.dialects
    ids = seen["ids"]
    first = failed_of(seen["first"])
    assert set(first) == {str(ids[BOB]), "69999"}
    if "error-map-string" in dialects:
        assert isinstance(seen["first"]["FailedMembers"], str)
        assert seen["clean"]["FailedMembers"] == ""
    else:
        assert isinstance(seen["first"]["FailedMembers"], dict)
        assert seen["clean"]["FailedMembers"] == {}
    codes = (
        first[str(ids[BOB])]["Code"],
        first["69999"]["Code"],
        failed_of(seen["too_much"])[str(ids[ALICE])]["Code"],
        failed_of(seen["over"])[str(ids[ALICE])]["Code"],
    )
    messages = [
        first[str(ids[BOB])]["Message"],
        first["69999"]["Message"],
        failed_of(seen["too_much"])[str(ids[ALICE])]["Message"],
        failed_of(seen["over"])[str(ids[ALICE])]["Message"],
    ]
    if "chinese-errors" in dialects:
        assert codes == (17004, 17003, 17001, 17002)
        assert messages == ["成员未加入团队", "成员不存在", "额度不足", "成员可用额度不足"]
    else:
        assert codes == (8409, 8404, 8409, 8409)
        assert not any(CJK.search(m) for m in messages)
    row = seen["row"]
    id_type = str if "string-ids" in dialects else int
    assert type(row["VirtualCompanyId"]) is id_type and type(row["UserCompanyId"]) is id_type
    assert (row["AllocateAmount"], row["AvailableAmount"]) == (200, 200)  # amounts stay numbers
    if "operate-log-maps" in dialects:
        logs = ok(seen["logs"])
        assert logs["OperateTypeList"]["AllocateAmount"] == "分配额度"
        assert logs["OperateTypeList"]["WithdrawAmount"] == "回收额度"
        assert [e["OperateType"] for e in logs["Logs"][:2]] == ["AllocateAmount"] * 2


def test_region_required_covers_sharing_images() -> None:
    with Emulator(dialects="region-required") as em:
        body = {"Action": "DescribeCompShareSharingImages"}
        answer = HTTP.post(em.url, data=signed(em.account(ALICE), body)).json()
        assert answer["RetCode"] == 230 and "Region" in answer["Message"]
    with Emulator() as em:
        answer = HTTP.post(em.url, data=signed(em.account(ALICE), body)).json()
        assert answer["RetCode"] == 0 and answer["TotalCount"] == 0


# ------------------------------------------------------------------ the official SDK


ucloud_client = pytest.importorskip("ucloud.client")


def sdk(em: Emulator, company_id: int) -> Any:
    account = em.account(company_id)
    client = ucloud_client.Client(
        {
            "region": "cn-wlcb",
            "public_key": account.public_key,
            "private_key": account.private_key,
            "base_url": em.url,
            "max_retries": 0,
        },
        logger=logging.getLogger("ucloud-sdk-test"),
    )
    return client.ucompshare()


@pytest.mark.parametrize("dialect", ["", "strict"])
def test_the_official_sdk_requests_are_accepted(dialect: str) -> None:
    with Emulator(dialects=dialect) as em:
        ids = join(em, ALICE)
        owner, alice = sdk(em, OWNER), sdk(em, ALICE)
        # ucloud-sdk-python3 0.11.150 has no set_comp_share_team_amount: the SDK's generic
        # invoke, exactly as compshare-cli `team quota grant` / `reclaim` and the vendor's page
        # send it (VirtualCompanyId as a list, Amount in fen).
        params = {"TeamId": TEAM, "VirtualCompanyId": [ids[ALICE]], "Amount": 12345}
        granted = owner.invoke(
            "SetCompShareTeamAmount", {**params, "OperateType": "AllocateAmount"}
        )
        assert granted["RetCode"] == 0 and not granted["FailedMembers"]
        em.spend(TEAM, ALICE, 45)
        params["Amount"] = 12300
        back = owner.invoke("SetCompShareTeamAmount", {**params, "OperateType": "WithdrawAmount"})
        assert back["RetCode"] == 0 and not back["FailedMembers"]
        assert amounts(em)[ALICE] == (45, 0)
        too_much = owner.invoke(
            "SetCompShareTeamAmount", {**params, "OperateType": "WithdrawAmount"}
        )
        assert str(ids[ALICE]) in failed_of(too_much)

        share(em, "compshareImage-def", ALICE)
        page = alice.describe_comp_share_sharing_images({"Limit": 20, "Offset": 0})
        assert page["TotalCount"] == 1
        assert page["ImageSet"][0]["CompShareImageId"] == "compshareImage-def"
        assert int(page["ImageSet"][0]["Owner"]["AccountId"]) == OWNER
        assert em.stats()["internal_errors"] == 0
