"""The official ucloud-sdk-python3 against the emulator: signatures, envelopes, schemas."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pulumi_compshare.emulator import Account, Emulator

ucloud_client = pytest.importorskip("ucloud.client")
ucloud_exc = pytest.importorskip("ucloud.core.exc")

OWNER, ALICE = 50001, 50002
IMAGE = "compshareImage-abc"


def sdk(em: Emulator, account: Account, private_key: str | None = None) -> Any:
    """The SDK's CompShare client for an account of the emulator."""
    client = ucloud_client.Client(
        {
            "region": "cn-wlcb",
            "public_key": account.public_key,
            "private_key": private_key or account.private_key,
            "base_url": em.url,
            "max_retries": 0,
        },
        logger=logging.getLogger("ucloud-sdk-test"),
    )
    return client.ucompshare()


def test_official_sdk_round_trip(compshare_emulator: Emulator) -> None:
    em = compshare_emulator
    owner = sdk(em, em.account(OWNER))
    alice = sdk(em, em.account(ALICE))

    owner.create_comp_share_team({"Name": "sdk-team", "Description": "made by the SDK"})
    teams = owner.list_comp_share_team({})["Teams"]
    team = next(t for t in teams if t["Name"] == "sdk-team")
    assert team["CompanyId"] == OWNER
    assert team["MemberCount"] == 0
    team_id = team["Id"]

    info = owner.get_comp_share_team_info({"TeamId": team_id})
    assert info["Message"] == ""
    assert info["Team"] == {
        "Id": team_id,
        "CompanyId": OWNER,
        "Deleted": 0,
        "Name": "sdk-team",
        "Description": "made by the SDK",
    }
    assert info["TeamRelation"] == []

    resp = owner.create_comp_share_team_relation(
        {"TeamId": team_id, "UserInfo": [{"UserCompanyId": ALICE, "RemarkName": "张三"}]}
    )
    assert resp["ErrorMap"] == "{}"  # the SDK schema declares ErrorMap a string

    invites = owner.list_comp_share_team_invite({"TeamId": team_id})["Invites"]
    assert [(i["UserCompanyId"], i["Status"], i["RemarkName"]) for i in invites] == [
        (ALICE, "Pending", "张三")
    ]
    received = alice.list_comp_share_team_invite({})["Invites"]
    assert [i["TeamId"] for i in received] == [team_id]

    alice.set_comp_share_team_relation({"TeamId": team_id, "Status": "Agree"})
    relations = owner.get_comp_share_team_info({"TeamId": team_id})["TeamRelation"]
    assert [(r["UserCompanyId"], r["Status"].lower()) for r in relations] == [(ALICE, "joined")]
    joined = alice.list_comp_share_team_joined({"Status": "Joined"})["JoinedTeams"]
    assert [j["TeamId"] for j in joined] == [team_id]

    modify = owner.modify_comp_share_image_share_account(
        {"CompShareImageId": IMAGE, "AddAccounts": [ALICE, 99999]}
    )
    assert modify["InvalidAccounts"] == [99999]
    accounts = owner.describe_comp_share_image_share_accounts({"CompShareImageId": IMAGE})
    assert [(int(a["AccountId"]), a["AccountName"]) for a in accounts["AccountSet"]] == [
        (ALICE, "alice")
    ]
    owner.modify_comp_share_image_share_account(
        {"CompShareImageId": IMAGE, "RemoveAccounts": [ALICE]}
    )
    accounts = owner.describe_comp_share_image_share_accounts({"CompShareImageId": IMAGE})
    assert accounts["AccountSet"] == []

    images = owner.describe_comp_share_custom_images({"Zone": "cn-wlcb-01"})
    assert images["TotalCount"] == 2
    assert em.stats()["internal_errors"] == 0


def test_official_sdk_wrong_private_key(compshare_emulator: Emulator) -> None:
    em = compshare_emulator
    client = sdk(em, em.account(OWNER), private_key="not-the-private-key")
    with pytest.raises(ucloud_exc.RetCodeException) as info:
        client.list_comp_share_team({})
    assert info.value.code == 171


def test_official_sdk_errors_carry_emulator_codes(compshare_emulator: Emulator) -> None:
    em = compshare_emulator
    alice = sdk(em, em.account(ALICE))
    with pytest.raises(ucloud_exc.RetCodeException) as info:
        alice.describe_comp_share_image_share_accounts({"CompShareImageId": IMAGE})
    assert info.value.code == 8403
    with pytest.raises(ucloud_exc.RetCodeException) as info:
        alice.set_comp_share_team_relation({"TeamId": "1001", "Status": "Agree"})
    assert info.value.code == 8404
    assert "no pending invite" in info.value.message


def test_official_sdk_reads_team_member_orders(compshare_emulator: Emulator) -> None:
    """Issue 22: DescribeTeamMemberOrder and DescribeTeamMemberOrderCount (and the unpaid
    variants, ListMemberProductType) answered to the SDK's own methods after a member spends."""
    em = compshare_emulator
    owner = sdk(em, em.account(OWNER))
    alice = sdk(em, em.account(ALICE))
    owner.create_comp_share_team_relation({"TeamId": 1001, "UserInfo": [{"UserCompanyId": ALICE}]})
    alice.set_comp_share_team_relation({"TeamId": 1001, "Status": "Agree"})
    (row,) = owner.get_comp_share_team_info({"TeamId": 1001})["TeamRelation"]
    virtual = row["VirtualCompanyId"]
    owner.invoke(  # no SDK release carries SetCompShareTeamAmount (api-notes)
        "SetCompShareTeamAmount",
        {
            "TeamId": 1001,
            "VirtualCompanyId.0": virtual,
            "Amount": 20000,
            "OperateType": "AllocateAmount",
        },
    )
    t0 = 1_700_000_000
    for minute, fen in enumerate((1000, 2050, 300)):
        em.spend(1001, ALICE, fen, at=t0 + 60 * minute)
    em.spend(1001, ALICE, 999, at=t0 + 9999)  # after the window
    em.spend(1001, ALICE, 400, at=t0 + 200, unpaid=True)
    window = {"TeamId": 1001, "VirtualCompanyId": virtual, "BeginTime": t0, "EndTime": t0 + 3600}

    page = owner.describe_team_member_order({**window, "Limit": 2, "Offset": 0})
    assert (page["Total"], page["Limit"], page["Offset"]) == (4, 2, 0)
    assert [o["Amount"] for o in page["OrderInfos"]] == ["4.00", "3.00"]  # newest first
    rest = owner.describe_team_member_order({**window, "Limit": 2, "Offset": 2})
    assert [o["Amount"] for o in rest["OrderInfos"]] == ["20.50", "10.00"]
    assert rest["OrderInfos"][0]["OrderDetail"] == [
        {"ProductName": "GPU算力", "Value": rest["OrderInfos"][0]["ResourceId"]}
    ]
    count = owner.describe_team_member_order_count(window)
    assert count == {
        "TotalCount": 4,
        "Amount": "37.50",
        "AmountReal": "33.50",
        "AmountFree": "0.00",
        "AmountCoupon": "0.00",
    }
    (relation,) = owner.get_comp_share_team_info({"TeamId": 1001})["TeamRelation"]
    spent_in_all = relation["AllocateAmount"] - relation["AvailableAmount"]
    assert spent_in_all == 3350 + 999  # fen: the paid orders, in and after the window
    unpaid = owner.describe_team_member_unpaid_order(window)
    assert [(o["Amount"], o["OrderState"]) for o in unpaid["OrderInfos"]] == [(400, "Unpaid")]
    assert owner.describe_team_member_unpaid_order_count(window) == {
        "Amount": "4.00",
        "TotalCount": 1,
    }
    products = owner.list_member_product_type({k: window[k] for k in window if k != "Limit"})
    assert products["ProductTypeList"] == ["GPU算力"]
    with pytest.raises(ucloud_exc.RetCodeException) as info:
        owner.describe_team_member_order_count({**window, "EndTime": t0})
    assert info.value.code == 230
    assert em.stats()["internal_errors"] == 0
