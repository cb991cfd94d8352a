"""The CompShare emulator over real HTTP: protocol, every action, faults, stats, seeds, CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_compshare.api import codes, limits, wire
from pulumi_compshare.emulator import (
    Account,
    Emulator,
    Seed,
    SeedError,
    demo_seed,
    generate_seed,
    load_seed,
)

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004
TEAM = 1001
IMAGE = "compshareImage-abc"


# ------------------------------------------------------------------------------------ helpers


def signed(account: Account, params: dict[str, Any]) -> dict[str, str]:
    """Flatten and sign request parameters the way the official SDKs do."""
    fields = wire.flatten({"PublicKey": account.public_key, **params})
    fields["Signature"] = wire.sign(fields, account.private_key)
    return fields


def post(em: Emulator, fields: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    """POST form fields; check the HTTP envelope and return the JSON body."""
    response = httpx.post(em.url, data=fields, timeout=10, **kwargs)
    assert response.status_code == 200
    assert response.headers["X-UCLOUD-REQUEST-UUID"]
    body: dict[str, Any] = response.json()
    assert isinstance(body["RetCode"], int)
    assert isinstance(body["Message"], str)
    assert "\n" not in body["Message"]
    return body


def call(em: Emulator, who: int, action: str, **params: Any) -> dict[str, Any]:
    """Call an action as account ``who`` (Region cn-wlcb)."""
    fields = signed(em.account(who), {"Action": action, "Region": "cn-wlcb", **params})
    body = post(em, fields)
    assert body["Action"] == f"{action}Response"
    return body


def ok(em: Emulator, who: int, action: str, **params: Any) -> dict[str, Any]:
    """Call an action and require RetCode 0."""
    body = call(em, who, action, **params)
    assert body["RetCode"] == 0, body
    assert body["Message"] == ""
    return body


def fails(em: Emulator, who: int, action: str, code: int, **params: Any) -> str:
    """Call an action, require RetCode ``code`` and return the message."""
    body = call(em, who, action, **params)
    assert body["RetCode"] == code, body
    assert body["Message"]
    return str(body["Message"])


def relation(em: Emulator, team_id: int, company_id: int) -> dict[str, Any]:
    """A relation row of the state endpoint."""
    rows: list[dict[str, Any]] = [
        r
        for r in em.state()["relations"]
        if r["team_id"] == team_id and r["user_company_id"] == company_id
    ]
    assert len(rows) == 1
    return rows[0]


def invite(em: Emulator, *company_ids: int, team_id: int = TEAM) -> dict[str, Any]:
    """Invite accounts with CreateCompShareTeamRelation as the team owner; return the ErrorMap."""
    body = ok(
        em,
        OWNER,
        "CreateCompShareTeamRelation",
        TeamId=team_id,
        UserInfo=[{"UserCompanyId": c, "RemarkName": f"user {c}"} for c in company_ids],
    )
    error_map: dict[str, Any] = body["ErrorMap"]
    return error_map


@pytest.fixture
def em(compshare_emulator: Emulator) -> Iterator[Emulator]:
    """The demo emulator; every test also checks that no internal error happened."""
    yield compshare_emulator
    assert compshare_emulator.stats()["internal_errors"] == 0


# ------------------------------------------------------------------------------------ protocol


def test_state_endpoint_and_demo_seed(em: Emulator) -> None:
    state = httpx.get(f"{em.url}/_emulator/state", timeout=10).json()
    assert state == em.state()
    assert state["accounts"][0] == {
        "company_id": OWNER,
        "name": "demo-owner",
        "public_key": "emu-demo-owner-public",
        "balance": 1_000_000,
    }
    assert [a["name"] for a in state["accounts"]] == ["demo-owner", "alice", "bob", "carol"]
    assert "private" not in json.dumps(state)
    assert state["teams"] == [
        {
            "id": TEAM,
            "owner": OWNER,
            "name": "demo-team",
            "description": "Demo team of the CompShare emulator",
            "deleted": False,
        }
    ]
    assert state["relations"] == []
    assert state["images"] == [
        {"id": "compshareImage-abc", "owner": OWNER, "name": "cuda-12-base", "shared_with": []},
        {"id": "compshareImage-def", "owner": OWNER, "name": "pytorch-2-base", "shared_with": []},
    ]
    assert em.account(ALICE).private_key == "emu-alice-private-not-a-secret"
    assert "not-a-secret" not in repr(em.account(ALICE))
    assert httpx.get(f"{em.url}/_emulator/nope", timeout=10).status_code == 404


def test_authentication_errors_in_order(em: Emulator) -> None:
    alice = em.account(ALICE)
    base = {"Region": "cn-wlcb"}
    assert post(em, signed(alice, base))["RetCode"] == codes.MISSING_ACTION
    assert post(em, {"Action": "ListCompShareTeam"})["RetCode"] == codes.MISSING_SIGNATURE
    unknown = Account(1, "x", "no-such-key", "x")
    body = post(em, signed(unknown, {"Action": "ListCompShareTeam"}))
    assert body["RetCode"] == codes.NO_SUCH_USER
    assert body["Action"] == "ListCompShareTeamResponse"
    no_key = {"Action": "ListCompShareTeam", "Signature": "abc"}
    assert post(em, no_key)["RetCode"] == codes.NO_SUCH_USER
    wrong = Account(ALICE, "alice", alice.public_key, "wrong-private-key")
    assert post(em, signed(wrong, {"Action": "ListCompShareTeam"}))["RetCode"] == 171
    tampered = signed(alice, {"Action": "ListCompShareTeam"})
    tampered["Region"] = "cn-wlcb"
    assert post(em, tampered)["RetCode"] == codes.SIGNATURE_ERROR
    # Unknown action only after the signature check.
    assert post(em, signed(wrong, {"Action": "Nope"}))["RetCode"] == codes.SIGNATURE_ERROR
    assert post(em, signed(alice, {"Action": "Nope"}))["RetCode"] == codes.NO_SUCH_ACTION
    # Region is optional but must be cn-wlcb when present.
    body = post(em, signed(alice, {"Action": "ListCompShareTeam"}))
    assert body["RetCode"] == 0
    message = fails(em, ALICE, "ListCompShareTeam", 230, Region="cn-bj2")
    assert "Region" in message
    assert ok(em, ALICE, "ListCompShareTeam", ProjectId="org-x", Zone="cn-wlcb-01")["Teams"] == []


def test_json_body_query_action_and_get(em: Emulator) -> None:
    owner = em.account(OWNER)
    fields = signed(
        owner,
        {
            "Action": "CreateCompShareTeamRelation",
            "TeamId": TEAM,
            "UserInfo": [{"UserCompanyId": ALICE, "RemarkName": "张三"}],
        },
    )
    # A JSON object is flattened with the same rule, so the same signature applies.
    nested = {
        "Action": "CreateCompShareTeamRelation",
        "PublicKey": owner.public_key,
        "Signature": fields["Signature"],
        "TeamId": TEAM,
        "UserInfo": [{"UserCompanyId": ALICE, "RemarkName": "张三"}],
    }
    body = httpx.post(em.url, json=nested, timeout=10).json()
    assert body["RetCode"] == 0, body
    assert body["ErrorMap"] == {}
    assert relation(em, TEAM, ALICE)["remark_name"] == "张三"
    # Action in the query string (as the Go SDK sends it), the rest in the body.
    fields = signed(owner, {"Action": "ListCompShareTeam"})
    action = fields.pop("Action")
    body = httpx.post(em.url, params={"Action": action}, data=fields, timeout=10).json()
    assert body["RetCode"] == 0
    assert body["Teams"][0]["Id"] == TEAM
    # GET with query parameters, any path.
    response = httpx.get(
        f"{em.url}/some/path", params=signed(owner, {"Action": "ListCompShareTeam"})
    )
    assert response.json()["Teams"][0]["Name"] == "demo-team"
    # A JSON body that is not an object, and a body over 1 MiB.
    assert httpx.post(em.url, json=[1, 2], timeout=10).json()["RetCode"] == 230
    big = {**signed(owner, {"Action": "ListCompShareTeam"}), "Pad": "x" * (1024 * 1024 + 10)}
    body = httpx.post(em.url, data=big, timeout=10).json()
    assert body["RetCode"] == 230
    assert "larger" in body["Message"]


# ------------------------------------------------------------------------------------ teams


def test_team_create_update_delete(em: Emulator) -> None:
    assert ok(em, ALICE, "CreateCompShareTeam", Name="alpha", Description="d") == {
        "Action": "CreateCompShareTeamResponse",
        "RetCode": 0,
        "Message": "",
    }
    ok(em, ALICE, "CreateCompShareTeam", Name="alpha")  # duplicate names are allowed
    teams = ok(em, ALICE, "ListCompShareTeam")["Teams"]
    assert teams == [
        {"Id": 1002, "CompanyId": ALICE, "MemberCount": 0, "Name": "alpha", "Description": "d"},
        {"Id": 1003, "CompanyId": ALICE, "MemberCount": 0, "Name": "alpha", "Description": ""},
    ]
    assert [t["Id"] for t in ok(em, OWNER, "ListCompShareTeam")["Teams"]] == [TEAM]

    assert "Name" in fails(em, ALICE, "CreateCompShareTeam", 230)
    assert "Name" in fails(em, ALICE, "CreateCompShareTeam", 230, Name="   ")
    too_long = "n" * (limits.TEAM_NAME_MAX + 1)
    assert "Name" in fails(em, ALICE, "CreateCompShareTeam", 230, Name=too_long)
    long_description = "d" * (limits.TEAM_DESCRIPTION_MAX + 1)
    message = fails(em, ALICE, "CreateCompShareTeam", 230, Name="x", Description=long_description)
    assert "Description" in message

    ok(em, ALICE, "UpdateCompShareTeam", TeamId="1002.0", Name="beta")
    ok(em, ALICE, "UpdateCompShareTeam", TeamId=1002, Description="new")
    info = ok(em, ALICE, "GetCompShareTeamInfo", TeamId=1002)["Team"]
    assert info == {
        "Id": 1002,
        "CompanyId": ALICE,
        "Deleted": 0,
        "Name": "beta",
        "Description": "new",
    }
    message = fails(em, BOB, "UpdateCompShareTeam", 8403, TeamId=1002, Name="x")
    assert message == "account 50003 is not the owner of team 1002"
    assert fails(em, ALICE, "UpdateCompShareTeam", 8404, TeamId=1234) == "team 1234 does not exist"
    message = fails(em, ALICE, "UpdateCompShareTeam", 230, TeamId="abc")
    assert message == "Params [TeamId] not available: must be a positive integer"
    assert "TeamId" in fails(em, ALICE, "UpdateCompShareTeam", 230, TeamId=0)
    assert "TeamId" in fails(em, ALICE, "UpdateCompShareTeam", 230, TeamId=limits.MAX_ID + 1)
    assert "TeamId" in fails(em, ALICE, "UpdateCompShareTeam", 230, TeamId="1002.5")
    assert "TeamId" in fails(em, ALICE, "DeleteCompShareTeam", 230)

    assert fails(em, BOB, "DeleteCompShareTeam", 8403, TeamId=1002)
    ok(em, ALICE, "DeleteCompShareTeam", TeamId=1002)
    assert [t["Id"] for t in ok(em, ALICE, "ListCompShareTeam")["Teams"]] == [1003]
    assert fails(em, ALICE, "DeleteCompShareTeam", 8404, TeamId=1002)
    assert fails(em, ALICE, "UpdateCompShareTeam", 8404, TeamId=1002, Name="x")
    deleted = ok(em, ALICE, "GetCompShareTeamInfo", TeamId=1002)
    assert deleted["Team"]["Deleted"] == 1
    assert deleted["TeamRelation"] == []
    # Ids keep growing past deleted teams.
    ok(em, ALICE, "CreateCompShareTeam", Name="gamma")
    assert max(t["id"] for t in em.state()["teams"]) == 1004


def test_get_team_info_rules(em: Emulator) -> None:
    assert "TeamId" in fails(em, OWNER, "GetCompShareTeamInfo", 230)
    both = fails(em, OWNER, "GetCompShareTeamInfo", 230, TeamId=TEAM, VirtualCompanyId=60001)
    assert "TeamId" in both
    assert "VirtualCompanyId" in both
    assert fails(em, OWNER, "GetCompShareTeamInfo", 8404, TeamId=4321)
    assert fails(em, OWNER, "GetCompShareTeamInfo", 8404, VirtualCompanyId=60001)
    assert fails(em, ALICE, "GetCompShareTeamInfo", 8403, TeamId=TEAM)
    invite(em, ALICE)
    info = ok(em, ALICE, "GetCompShareTeamInfo", TeamId=TEAM)  # invitees may look
    assert info["TeamRelation"] == [
        {
            "TeamId": TEAM,
            "TeamName": "demo-team",
            "UserCompanyId": ALICE,
            "VirtualCompanyId": 60001,
            "Status": "pending",
            "RemarkName": f"user {ALICE}",
            "CreateTime": info["TeamRelation"][0]["CreateTime"],
            "AllocateAmount": 0,
            "AvailableAmount": 0,
        }
    ]
    assert abs(info["TeamRelation"][0]["CreateTime"] - time.time()) < 60
    by_virtual = ok(em, OWNER, "GetCompShareTeamInfo", VirtualCompanyId="60001.0")
    assert by_virtual["Team"]["Id"] == TEAM
    assert fails(em, BOB, "GetCompShareTeamInfo", 8403, VirtualCompanyId=60001)


# ------------------------------------------------------------------------------------ relations


def test_invite_error_map(em: Emulator) -> None:
    errors = invite(em, ALICE, 99999, OWNER)
    assert set(errors) == {"99999", str(OWNER)}
    assert errors["99999"]["Code"] == 8404
    assert errors[str(OWNER)]["Code"] == 230
    assert errors["99999"]["Message"] == "account 99999 does not exist"
    errors = invite(em, ALICE, BOB)
    assert list(errors) == [str(ALICE)]
    assert errors[str(ALICE)]["Code"] == 8409
    assert relation(em, TEAM, ALICE)["status"] == "Pending"
    assert relation(em, TEAM, ALICE)["virtual_company_id"] == 60001
    assert relation(em, TEAM, BOB)["virtual_company_id"] == 60002

    users = [{"UserCompanyId": ALICE}]
    fails(em, ALICE, "CreateCompShareTeamRelation", 8403, TeamId=TEAM, UserInfo=users)
    fails(em, OWNER, "CreateCompShareTeamRelation", 8404, TeamId=7777, UserInfo=users)
    assert "UserInfo" in fails(em, OWNER, "CreateCompShareTeamRelation", 230, TeamId=TEAM)
    bad = [{"UserCompanyId": "x"}]
    message = fails(em, OWNER, "CreateCompShareTeamRelation", 230, TeamId=TEAM, UserInfo=bad)
    assert "UserInfo.0.UserCompanyId" in message
    many = [{"UserCompanyId": 70000 + i} for i in range(51)]
    fails(em, OWNER, "CreateCompShareTeamRelation", 230, TeamId=TEAM, UserInfo=many)
    long_remark = [{"UserCompanyId": CAROL, "RemarkName": "r" * (limits.REMARK_NAME_MAX + 1)}]
    message = fails(
        em, OWNER, "CreateCompShareTeamRelation", 230, TeamId=TEAM, UserInfo=long_remark
    )
    assert "RemarkName" in message


def test_relation_lifecycle(em: Emulator) -> None:
    assert invite(em, ALICE, BOB) == {}
    invites = ok(em, OWNER, "ListCompShareTeamInvite", TeamId=TEAM)["Invites"]
    assert [(i["UserCompanyId"], i["Status"]) for i in invites] == [
        (ALICE, "Pending"),
        (BOB, "Pending"),
    ]
    fails(em, ALICE, "ListCompShareTeamInvite", 8403, TeamId=TEAM)
    received = ok(em, ALICE, "ListCompShareTeamInvite")["Invites"]
    assert received == [
        {
            "TeamId": TEAM,
            "TeamName": "demo-team",
            "TeamUseCompanyId": OWNER,
            "UserCompanyId": ALICE,
            "VirtualCompanyId": 60001,
            "Status": "Pending",
            "RemarkName": f"user {ALICE}",
            "CreateTime": received[0]["CreateTime"],
        }
    ]

    # The invitee answers; status is case-insensitive.
    ok(em, ALICE, "SetCompShareTeamRelation", TeamId=str(TEAM), Status="agree")
    ok(em, BOB, "SetCompShareTeamRelation", TeamId=TEAM, Status="REJECT")
    message = fails(em, ALICE, "SetCompShareTeamRelation", 8404, TeamId=TEAM, Status="Agree")
    assert message == f"no pending invite to team {TEAM} for account {ALICE}"
    fails(em, CAROL, "SetCompShareTeamRelation", 8404, TeamId=TEAM, Status="Reject")
    fails(em, ALICE, "SetCompShareTeamRelation", 8404, TeamId=5555, Status="Agree")
    assert relation(em, TEAM, ALICE)["status"] == "Joined"
    assert relation(em, TEAM, BOB)["status"] == "Rejected"
    assert ok(em, OWNER, "ListCompShareTeam")["Teams"][0]["MemberCount"] == 1
    statuses = [
        r["Status"] for r in ok(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM)["TeamRelation"]
    ]
    assert statuses == ["joined", "rejected"]

    joined = ok(em, ALICE, "ListCompShareTeamJoined", Status="JOINED")["JoinedTeams"]
    assert [(j["TeamId"], j["Status"], j["IsPersonalAccount"]) for j in joined] == [
        (TEAM, "Joined", True)
    ]
    assert ok(em, ALICE, "ListCompShareTeamJoined", Status="pending")["JoinedTeams"] == []
    assert len(ok(em, BOB, "ListCompShareTeamJoined")["JoinedTeams"]) == 1
    assert "Status" in fails(em, ALICE, "ListCompShareTeamJoined", 230, Status="Member")

    # Re-invite of a rejected account with Send: Pending again, same virtual company id.
    before = relation(em, TEAM, BOB)
    ok(em, OWNER, "SetCompShareTeamRelation", TeamId=TEAM, Status="send", UserCompanyId=BOB)
    after = relation(em, TEAM, BOB)
    assert after["status"] == "Pending"
    assert after["virtual_company_id"] == before["virtual_company_id"] == 60002
    assert after["remark_name"] == ""
    send: dict[str, Any] = {"TeamId": TEAM, "Status": "Send"}
    fails(em, OWNER, "SetCompShareTeamRelation", 8409, UserCompanyId=BOB, **send)
    fails(em, OWNER, "SetCompShareTeamRelation", 8409, UserCompanyId=ALICE, **send)
    fails(em, OWNER, "SetCompShareTeamRelation", 8404, UserCompanyId=99999, **send)
    fails(em, OWNER, "SetCompShareTeamRelation", 230, UserCompanyId=OWNER, **send)
    fails(em, ALICE, "SetCompShareTeamRelation", 8403, UserCompanyId=CAROL, **send)
    assert "UserCompanyId" in fails(em, OWNER, "SetCompShareTeamRelation", 230, **send)
    assert "Status" in fails(em, OWNER, "SetCompShareTeamRelation", 230, TeamId=TEAM)
    message = fails(em, OWNER, "SetCompShareTeamRelation", 230, TeamId=TEAM, Status="Kick")
    assert "Status" in message

    # Remark names (owner only, Pending or Joined).
    rename: dict[str, Any] = {"TeamId": TEAM, "Status": "UpdateRemarkName"}
    ok(em, OWNER, "SetCompShareTeamRelation", UserCompanyId=ALICE, RemarkName="Alice W.", **rename)
    assert relation(em, TEAM, ALICE)["remark_name"] == "Alice W."
    ok(em, OWNER, "SetCompShareTeamRelation", UserCompanyId=ALICE, RemarkName="", **rename)
    assert relation(em, TEAM, ALICE)["remark_name"] == ""
    message = fails(em, OWNER, "SetCompShareTeamRelation", 230, UserCompanyId=ALICE, **rename)
    assert "RemarkName" in message
    fails(
        em, OWNER, "SetCompShareTeamRelation", 8404, UserCompanyId=CAROL, RemarkName="c", **rename
    )
    fails(
        em, ALICE, "SetCompShareTeamRelation", 8403, UserCompanyId=ALICE, RemarkName="c", **rename
    )

    # Owner cancels a joined member and a pending invite.
    cancel: dict[str, Any] = {"TeamId": TEAM, "Status": "Cancel"}
    fails(em, ALICE, "SetCompShareTeamRelation", 8403, UserCompanyId=BOB, **cancel)
    message = fails(em, OWNER, "DeleteCompShareTeam", 8409, TeamId=TEAM)
    assert message == f"team {TEAM} still has 1 members; cancel them first"
    ok(em, OWNER, "SetCompShareTeamRelation", UserCompanyId=ALICE, **cancel)
    ok(em, OWNER, "SetCompShareTeamRelation", UserCompanyId=BOB, **cancel)
    assert relation(em, TEAM, ALICE)["status"] == "Canceled"
    assert relation(em, TEAM, BOB)["status"] == "Canceled"
    fails(em, OWNER, "SetCompShareTeamRelation", 8404, UserCompanyId=ALICE, **cancel)
    fails(em, OWNER, "SetCompShareTeamRelation", 8404, UserCompanyId=CAROL, **cancel)
    assert ok(em, OWNER, "ListCompShareTeam")["Teams"][0]["MemberCount"] == 0

    # Re-invite of a canceled member; then deleting the team cancels the pending invite.
    assert invite(em, ALICE) == {}
    assert relation(em, TEAM, ALICE)["status"] == "Pending"
    assert relation(em, TEAM, ALICE)["virtual_company_id"] == 60001
    ok(em, OWNER, "DeleteCompShareTeam", TeamId=TEAM)
    assert relation(em, TEAM, ALICE)["status"] == "Canceled"
    assert em.state()["teams"][0]["deleted"] is True
    info = ok(em, ALICE, "GetCompShareTeamInfo", TeamId=TEAM)
    assert info["Team"]["Deleted"] == 1
    assert info["TeamRelation"] == []
    fails(em, ALICE, "SetCompShareTeamRelation", 8404, TeamId=TEAM, Status="Agree")
    fails(em, OWNER, "ListCompShareTeamInvite", 8404, TeamId=TEAM)


def test_operate_log(em: Emulator) -> None:
    invite(em, ALICE, BOB, CAROL)
    ok(em, ALICE, "SetCompShareTeamRelation", TeamId=TEAM, Status="Agree")
    ok(em, OWNER, "UpdateCompShareTeam", TeamId=TEAM, Name="renamed")
    now = int(time.time())
    window = {"TeamId": TEAM, "BeginTime": now - 3600, "EndTime": now + 3600}
    body = ok(em, OWNER, "ListCompShareTeamOperateLog", **window)
    assert body["Total"] == 5
    assert [log["OperateType"] for log in body["Logs"]] == [
        "UpdateTeam",
        "Agree",
        "Invite",
        "Invite",
        "Invite",
    ]
    assert all(log["Status"] == "Success" for log in body["Logs"])
    assert set(body["Logs"][0]) == {"Content", "OperateType", "Status", "CreateTime"}
    assert "Invite" in body["OperateTypeList"]
    assert body["StatusList"] == ["Success"]

    ascending = ok(em, OWNER, "ListCompShareTeamOperateLog", OrderByASC="true", Limit=2, **window)
    assert ascending["Total"] == 5
    assert [log["OperateType"] for log in ascending["Logs"]] == ["Invite", "Invite"]
    page = ok(em, OWNER, "ListCompShareTeamOperateLog", Limit=2, Offset=4, **window)
    assert [log["OperateType"] for log in page["Logs"]] == ["Invite"]
    filtered = ok(
        em,
        OWNER,
        "ListCompShareTeamOperateLog",
        OperateType=["Agree", "UpdateTeam"],
        Status=["Success"],
        **window,
    )
    assert filtered["Total"] == 2
    past = {"TeamId": TEAM, "BeginTime": 1, "EndTime": 1000}
    assert ok(em, OWNER, "ListCompShareTeamOperateLog", **past)["Total"] == 0

    log = "ListCompShareTeamOperateLog"
    assert "EndTime" in fails(em, OWNER, log, 230, TeamId=TEAM, BeginTime=10, EndTime=10)
    assert "BeginTime" in fails(em, OWNER, log, 230, TeamId=TEAM, EndTime=10)
    assert "Limit" in fails(em, OWNER, log, 230, Limit=101, **window)
    assert "Limit" in fails(em, OWNER, log, 230, Limit=0, **window)
    assert "Offset" in fails(em, OWNER, log, 230, Offset=-1, **window)
    assert "OrderByASC" in fails(em, OWNER, log, 230, OrderByASC="maybe", **window)
    fails(em, ALICE, log, 8403, **window)
    fails(em, OWNER, log, 8404, TeamId=4444, BeginTime=1, EndTime=2)


# ------------------------------------------------------------------------------------ images


def test_image_share_accounts(em: Emulator) -> None:
    describe = "DescribeCompShareImageShareAccounts"
    modify = "ModifyCompShareImageShareAccount"
    assert ok(em, OWNER, describe, CompShareImageId=IMAGE)["AccountSet"] == []
    body = ok(em, OWNER, modify, CompShareImageId=IMAGE, AddAccounts=[BOB, ALICE, 99999, OWNER])
    assert body["InvalidAccounts"] == [99999, OWNER]
    assert ok(em, OWNER, describe, CompShareImageId=IMAGE)["AccountSet"] == [
        {"AccountId": BOB, "AccountName": "bob"},
        {"AccountId": ALICE, "AccountName": "alice"},
    ]
    # Adding one already there and removing one not there are no-ops; adds go before removes.
    body = ok(
        em,
        OWNER,
        modify,
        CompShareImageId=IMAGE,
        AddAccounts=[ALICE, CAROL],
        RemoveAccounts=[BOB, 12345, CAROL],
    )
    assert body["InvalidAccounts"] == []
    assert em.state()["images"][0]["shared_with"] == [ALICE]
    ok(em, OWNER, modify, CompShareImageId=IMAGE, AddAccounts=["50004.0"])
    assert em.state()["images"][0]["shared_with"] == [ALICE, CAROL]

    ten = list(range(70001, 70011))
    ok(em, OWNER, modify, CompShareImageId=IMAGE, AddAccounts=ten, RemoveAccounts=ten)
    eleven = list(range(70001, 70012))
    assert "AddAccounts" in fails(
        em, OWNER, modify, 230, CompShareImageId=IMAGE, AddAccounts=eleven
    )
    message = fails(em, OWNER, modify, 230, CompShareImageId=IMAGE, RemoveAccounts=eleven)
    assert "RemoveAccounts" in message
    message = fails(em, OWNER, modify, 230, CompShareImageId=IMAGE)
    assert "AddAccounts" in message
    assert "RemoveAccounts" in message
    message = fails(em, OWNER, modify, 230, CompShareImageId=IMAGE, AddAccounts=[1, 2, 3, "bob"])
    assert "AddAccounts.3" in message
    assert "CompShareImageId" in fails(em, OWNER, modify, 230, AddAccounts=[ALICE])
    message = fails(em, OWNER, modify, 230, CompShareImageId="img-1", AddAccounts=[ALICE])
    assert "CompShareImageId" in message
    fails(em, ALICE, modify, 8403, CompShareImageId=IMAGE, AddAccounts=[BOB])
    fails(em, OWNER, modify, 8404, CompShareImageId="compshareImage-zzz", AddAccounts=[BOB])
    fails(em, ALICE, describe, 8403, CompShareImageId=IMAGE)
    fails(em, OWNER, describe, 8404, CompShareImageId="compshareImage-zzz")
    assert em.state()["images"][0]["shared_with"] == [ALICE, CAROL]


def test_custom_images(em: Emulator) -> None:
    action = "DescribeCompShareCustomImages"
    assert "Zone" in fails(em, OWNER, action, 230)
    body = ok(em, OWNER, action, Zone="cn-wlcb-01")
    assert body["TotalCount"] == 2
    first = body["ImageSet"][0]
    assert first["CompShareImageId"] == IMAGE
    assert first["Name"] == "cuda-12-base"
    assert (first["ImageType"], first["Status"], first["Size"], first["Visibility"]) == (
        "Custom",
        "Available",
        20480,
        0,
    )
    page = ok(em, OWNER, action, Zone="cn-wlcb-01", Limit=1, Offset=1)
    assert [i["CompShareImageId"] for i in page["ImageSet"]] == ["compshareImage-def"]
    assert page["TotalCount"] == 2
    one = ok(em, OWNER, action, Zone="cn-wlcb-01", CompShareImageId="compshareImage-def")
    assert one["TotalCount"] == 1
    assert ok(em, ALICE, action, Zone="cn-wlcb-01") == {
        "Action": f"{action}Response",
        "RetCode": 0,
        "Message": "",
        "ImageSet": [],
        "TotalCount": 0,
    }
    assert "Limit" in fails(em, OWNER, action, 230, Zone="cn-wlcb-01", Limit=101)


# ------------------------------------------------------------------------------------ faults


def outcome(em: Emulator, fields: dict[str, str]) -> str:
    """What a client sees for one request: ok, http_503, retcode_N or dropped."""
    try:
        response = httpx.post(em.url, data=fields, timeout=10)
    except httpx.TransportError:
        return "dropped"
    if response.status_code == 503:
        assert response.text == "Service Unavailable"
        return "http_503"
    code = response.json()["RetCode"]
    return "ok" if code == 0 else f"retcode_{code}"


def test_fault_injection_is_reproducible(
    compshare_emulator_factory: Callable[..., Emulator],
) -> None:
    runs = []
    for _ in range(2):
        em = compshare_emulator_factory(fault_rate=0.6, random_seed=42)
        fields = signed(em.account(OWNER), {"Action": "ListCompShareTeam"})
        runs.append([outcome(em, fields) for _ in range(40)])
        stats = em.stats()
        assert stats["requests"] == {"ListCompShareTeam": 40}
        assert "applied_response_lost" not in stats["faults"]  # reads only
        assert sum(stats["faults"].values()) == sum(1 for o in runs[-1] if o != "ok")
        assert stats["internal_errors"] == 0
    assert runs[0] == runs[1]
    assert {"ok", "http_503", "retcode_150", "retcode_153", "dropped"} == set(runs[0])

    # Faults can be switched off and on at runtime.
    em = compshare_emulator_factory(fault_rate=1.0, random_seed=1)
    fields = signed(em.account(OWNER), {"Action": "ListCompShareTeam"})
    assert outcome(em, fields) != "ok"
    em.set_faults(0.0)
    assert all(outcome(em, fields) == "ok" for _ in range(5))
    em.set_faults(1.0)
    assert outcome(em, fields) != "ok"
    with pytest.raises(ValueError):
        em.set_faults(1.5)


def test_applied_response_lost_applies_the_write(
    compshare_emulator_factory: Callable[..., Emulator],
) -> None:
    em = compshare_emulator_factory(fault_rate=1.0, random_seed=3)
    owner = em.account(OWNER)
    seen = []
    for index in range(30):
        fields = signed(owner, {"Action": "CreateCompShareTeam", "Name": f"t{index}"})
        seen.append(outcome(em, fields))
    faults = em.stats()["faults"]
    assert faults.get("applied_response_lost", 0) > 0
    assert faults.get("drop_connection", 0) > 0
    assert seen.count("dropped") == faults["applied_response_lost"] + faults["drop_connection"]
    created = [t for t in em.state()["teams"] if t["id"] != TEAM]
    assert len(created) == faults["applied_response_lost"]


def test_latency(compshare_emulator_factory: Callable[..., Emulator]) -> None:
    em = compshare_emulator_factory(latency_ms=150)
    started = time.monotonic()
    ok(em, OWNER, "ListCompShareTeam")
    assert time.monotonic() - started >= 0.15
    em.set_faults(0.0, latency_ms=0)
    started = time.monotonic()
    ok(em, OWNER, "ListCompShareTeam")
    assert time.monotonic() - started < 0.15


# ------------------------------------------------------------------------------------ stats


def test_stats_and_repeated_writes(em: Emulator) -> None:
    owner = em.account(OWNER)
    create = signed(owner, {"Action": "CreateCompShareTeam", "Name": "same"})
    post(em, create)
    post(em, create)  # a blind retry: exactly the same parameters
    post(em, signed(owner, {"Action": "CreateCompShareTeam", "Name": "other"}))
    invite_fields = signed(
        owner,
        {
            "Action": "CreateCompShareTeamRelation",
            "TeamId": TEAM,
            "UserInfo": [{"UserCompanyId": ALICE}],
        },
    )
    post(em, invite_fields)
    post(em, invite_fields)
    send = signed(
        owner,
        {
            "Action": "SetCompShareTeamRelation",
            "TeamId": TEAM,
            "Status": "Send",
            "UserCompanyId": BOB,
        },
    )
    post(em, send)
    post(em, send)
    agree = signed(
        em.account(ALICE), {"Action": "SetCompShareTeamRelation", "TeamId": TEAM, "Status": "Agree"}
    )
    post(em, agree)
    post(em, agree)  # not counted: not a non-idempotent write
    post(em, {"Signature": "x"})
    stats = httpx.get(f"{em.url}/_emulator/stats", timeout=10).json()
    assert stats == em.stats()
    assert stats["requests"] == {
        "CreateCompShareTeam": 3,
        "CreateCompShareTeamRelation": 2,
        "SetCompShareTeamRelation": 4,
        "<none>": 1,
    }
    assert stats["repeated_writes"] == {
        "CreateCompShareTeam": 1,
        "CreateCompShareTeamRelation": 1,
        "SetCompShareTeamRelation": 1,
    }
    assert stats["faults"] == {}
    assert stats["internal_errors"] == 0

    assert httpx.post(f"{em.url}/_emulator/reset-stats", timeout=10).status_code == 200
    assert em.stats() == {
        "requests": {},
        "faults": {},
        "repeated_writes": {},
        "internal_errors": 0,
        "connections": 0,
    }
    post(em, create)  # the memory of parameters was reset too
    assert em.stats()["repeated_writes"] == {}
    em.reset_stats()
    assert em.stats()["requests"] == {}


# ------------------------------------------------------------------------------------ seeds


def test_seed_file_and_generated_seed(tmp_path: Path) -> None:
    seed = generate_seed(accounts=3, teams=2, images=1, first_company_id=70001)
    assert [a.company_id for a in seed.accounts] == [70001, 70002, 70003]
    assert len({a.private_key for a in seed.accounts}) == 3
    assert [t.owner for t in seed.teams] == [70001, 70001]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
    loaded = load_seed(path)
    assert loaded == seed
    assert generate_seed().accounts[0].private_key != generate_seed().accounts[0].private_key
    with Emulator(seed=seed.to_dict()) as em:
        assert [t["id"] for t in em.state()["teams"]] == [1001, 1002]
        assert ok(em, 70001, "ListCompShareTeam")["Teams"][1]["Name"] == "team-2"
        assert em.accounts == list(seed.accounts)
    assert Seed.from_dict(demo_seed().to_dict()) == demo_seed()


def _demo_data() -> dict[str, Any]:
    return demo_seed().to_dict()


def _set(path: str, value: Any) -> dict[str, Any]:
    data = _demo_data()
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    node[parts[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_set("teams.0.owner", 9), "teams[0].owner 9 is not an account"),
        (_set("accounts.1.company_id", 50001), "accounts[1].company_id 50001 is a duplicate"),
        (_set("accounts.1.public_key", "emu-demo-owner-public"), "accounts[1].public_key"),
        (_set("accounts.0.company_id", "x"), "accounts[0].company_id 'x' is not an integer"),
        (_set("accounts.0.private_key", ""), "accounts[0].private_key must not be empty"),
        (_set("images.1.id", "img-1"), "images[1].id 'img-1' is not like compshareImage-xxxx"),
        (_set("images.0.owner", 1), "images[0].owner 1 is not an account"),
        (_set("teams.0.name", "n" * 65), "teams[0].name is longer than 64 characters"),
        (_set("accounts", []), "accounts must not be empty"),
        (_set("extra", 1), "unknown key 'extra'"),
        ([1], "the seed must be a JSON object"),
    ],
)
def test_seed_validation_errors(tmp_path: Path, data: Any, expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    message = str(info.value)
    assert message.startswith(f"seed file {path}: ")
    assert expected in message
    assert "\n" not in message


def test_seed_file_unreadable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(SeedError, match="invalid JSON"):
        load_seed(bad)
    with pytest.raises(SeedError, match="cannot read"):
        load_seed(tmp_path / "missing.json")
    with pytest.raises(SeedError, match=r"^seed: teams\[0\]\.owner"):
        Emulator(seed=_set("teams.0.owner", 9))


# ------------------------------------------------------------------------------------ CLI


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pulumi_compshare.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_cli_serves_and_exits_cleanly(tmp_path: Path) -> None:
    seed = generate_seed(accounts=2)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
    process = _cli("--port", "0", "--seed", str(path), "--random-seed", "5", "--latency-ms", "1")
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        match = re.fullmatch(r"CompShare emulator listening on (http://127\.0\.0\.1:(\d+))", first)
        assert match, first
        assert int(match.group(2)) > 0
        lines = [process.stdout.readline() for _ in seed.accounts]
        assert seed.accounts[0].private_key in lines[0]
        assert str(seed.accounts[1].company_id) in lines[1]
        url = match.group(1)
        fields = signed(seed.accounts[0], {"Action": "ListCompShareTeam"})
        body = httpx.post(url, data=fields, timeout=10).json()
        assert body["RetCode"] == 0
        assert body["Teams"][0]["Name"] == "team-1"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


def test_cli_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(_set("teams.0.owner", 9)), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_compshare.emulator", "--seed", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "teams[0].owner 9 is not an account" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_compshare.emulator", "--fault-rate", "1.5"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--fault-rate" in result.stderr


# ------------------------------------------------------------------------------------ server


def test_concurrent_writes_and_stop_closes_connections() -> None:
    em = Emulator().start()
    try:
        owner = em.account(OWNER)

        def create(index: int) -> int:
            fields = signed(owner, {"Action": "CreateCompShareTeam", "Name": f"c{index}"})
            return int(post(em, fields)["RetCode"])

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(create, range(40))) == {0}
        ids = [t["id"] for t in em.state()["teams"]]
        assert ids == list(range(TEAM, TEAM + 41))
        with httpx.Client(base_url=em.url, timeout=10) as client:
            fields = signed(owner, {"Action": "ListCompShareTeam"})
            assert client.post("/", data=fields).json()["RetCode"] == 0
            em.stop()
            with pytest.raises(httpx.TransportError):
                client.post("/", data=fields)
        assert em.stats()["internal_errors"] == 0
    finally:
        em.stop()
    with pytest.raises(RuntimeError):
        _ = em.url
