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
