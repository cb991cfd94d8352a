"""The team actions over real HTTP: create, update, delete, and GetCompShareTeamInfo's rules."""

from __future__ import annotations

import time

from pulumi_compshare.api import limits
from pulumi_compshare.emulator import Emulator

from .raw import ALICE, BOB, OWNER, TEAM, fails, invite, ok


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
    assert message == (
        "Params [TeamId] not available: must be a positive integer id up to 4294967295 "
        "(digits 0-9), got a string ('abc')"
    )
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
