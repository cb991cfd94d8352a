"""The relation actions over real HTTP: invites and their ErrorMap, the life of a relation, and
the operation log."""

from __future__ import annotations

import time
from typing import Any

from pulumi_compshare.api import limits
from pulumi_compshare.emulator import Emulator, generate_seed

from .raw import ALICE, BOB, CAROL, OWNER, TEAM, call, fails, invite, ok, relation


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
    long_remark = [{"UserCompanyId": CAROL, "RemarkName": "r" * (limits.REMARK_NAME_MAX + 1)}]
    message = fails(
        em, OWNER, "CreateCompShareTeamRelation", 230, TeamId=TEAM, UserInfo=long_remark
    )
    assert "RemarkName" in message


def test_invite_limit_is_the_vendors_100_per_call() -> None:
    # the vendor's page: 单次请求最多邀请 100 名成员 (compshare-cli and the admin guide agree)
    seed = generate_seed(accounts=1 + 101, teams=1, images=0)
    owner, users = seed.accounts[0], seed.accounts[1:]
    with Emulator(seed) as em:
        every = [{"UserCompanyId": a.company_id} for a in users]
        refused = call(
            em, owner.company_id, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=every
        )
        assert (refused["RetCode"], refused["Message"]) == (
            230,
            "Params [UserInfo] not available: at most 100 entries",
        )
        assert em.state()["relations"] == []  # refused whole: nobody was invited
        body = call(
            em, owner.company_id, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=every[:100]
        )
        assert (body["RetCode"], body["ErrorMap"]) == (0, {})
        statuses = [r["status"] for r in em.state()["relations"]]
        assert statuses == ["Pending"] * 100
    with Emulator(seed, dialects="chinese-errors") as em:
        refused = call(
            em, owner.company_id, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=every
        )
        assert (refused["RetCode"], refused["Message"]) == (
            230,
            "参数 [UserInfo] 单次请求最多邀请 100 名成员",
        )


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
    assert message == f"no pending invite to team {TEAM} for account {ALICE} (not found)"
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
    assert message == f"team {TEAM} still has 1 member; cancel them first"
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
