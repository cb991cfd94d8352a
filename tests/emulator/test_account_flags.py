"""Accounts the vendor has not cleared yet, over real HTTP: not real-name verified (226606 on the
actions whose pages require it) and without the team feature (a team admin's actions refused, in
the shape the dialect chooses)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_compshare.api import codes
from pulumi_compshare.emulator import Emulator, Seed, SeedError, demo_seed

from .raw import ALICE, OWNER, TEAM, call, invite, ok, spoil

UNVERIFIED = ("The account has not been verified.", "账号未实名认证，请先实名认证")
"""226606's texts on the vendor's error-code page (英文提示, 中文提示)."""


def flagged(**flags: bool) -> dict[str, Any]:
    """The demo seed with the owner's flags set."""
    data = demo_seed().to_dict()
    data["accounts"][0].update(flags)
    return data


@pytest.mark.parametrize(
    ("dialects", "text"), [("", UNVERIFIED[0]), ("chinese-errors", UNVERIFIED[1])]
)
def test_an_unverified_account_gets_226606_where_the_vendor_requires_verification(
    dialects: str, text: str
) -> None:
    with Emulator(flagged(real_name_verified=False), dialects=dialects) as em:
        # the vendor's pages of these three say 账户需完成实名认证
        for action, params in [
            ("CreateCompShareTeam", {"Name": "t"}),
            ("ListCompShareTeamInvite", {}),
            ("ListCompShareTeamOperateLog", {"TeamId": TEAM, "BeginTime": 0, "EndTime": 2**40}),
        ]:
            body = call(em, OWNER, action, **params)
            assert (body["RetCode"], body["Message"]) == (codes.NOT_REAL_NAME_VERIFIED, text)
        assert {t["name"] for t in em.state()["teams"]} == {"demo-team"}  # nothing created
        # the others do not say so, and answer as usual
        ok(em, OWNER, "ListCompShareTeam")
        assert invite(em, ALICE) == {}
        em.set_account_flags(OWNER, real_name_verified=True)  # verified in the console
        ok(em, OWNER, "CreateCompShareTeam", Name="t")


ADMIN_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("CreateCompShareTeam", {"Name": "t"}),
    ("ListCompShareTeam", {}),
    ("UpdateCompShareTeam", {"TeamId": TEAM, "Name": "x"}),
    ("DeleteCompShareTeam", {"TeamId": TEAM}),
    ("CreateCompShareTeamRelation", {"TeamId": TEAM, "UserInfo": [{"UserCompanyId": ALICE}]}),
    ("SetCompShareTeamRelation", {"TeamId": TEAM, "Status": "Cancel", "UserCompanyId": ALICE}),
    ("ListCompShareTeamInvite", {"TeamId": TEAM}),
    ("ListCompShareTeamOperateLog", {"TeamId": TEAM, "BeginTime": 0, "EndTime": 2**40}),
    (
        "SetCompShareTeamAmount",
        {"TeamId": TEAM, "OperateType": "AllocateAmount", "VirtualCompanyId": [60001], "Amount": 1},
    ),
]


@pytest.mark.parametrize(
    ("dialects", "code", "text"),
    [
        (
            "",
            8403,
            "the team feature is not enabled for this account",
        ),
        ("chinese-errors", 16009, "未开通团队功能，请联系客户经理申请该功能的权限位"),
        ("feature-off-8433", 8433, "service error， please contact technical support"),
        ("feature-off-8433,chinese-errors", 8433, "服务异常，请联系技术支持"),
        ("feature-off-denied", 8403, "permission denied"),
        ("feature-off-denied,chinese-errors", 8403, "没有权限"),
    ],
)
def test_without_the_team_feature_a_team_admins_actions_are_refused(
    dialects: str, code: int, text: str
) -> None:
    with Emulator(flagged(team_feature=False), dialects=dialects) as em:
        before = em.state()
        for action, params in ADMIN_CALLS:
            body = call(em, OWNER, action, **params)
            assert (body["RetCode"], body["Message"]) == (code, text), action
        assert em.state() == before  # nothing was applied
        # an invitee's calls are not the admin's: the same account answers an invite it received
        ok(em, ALICE, "CreateCompShareTeam", Name="alice's")
        team = ok(em, ALICE, "ListCompShareTeam")["Teams"][0]["Id"]
        info = [{"UserCompanyId": OWNER}]
        ok(em, ALICE, "CreateCompShareTeamRelation", TeamId=team, UserInfo=info)
        assert [i["TeamId"] for i in ok(em, OWNER, "ListCompShareTeamInvite")["Invites"]] == [team]
        ok(em, OWNER, "SetCompShareTeamRelation", TeamId=team, Status="Agree")
        ok(em, OWNER, "ListCompShareTeamJoined")
        ok(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM)
        ok(em, OWNER, "DescribeCompShareImageShareAccounts", CompShareImageId="compshareImage-abc")
        em.set_account_flags(OWNER, team_feature=True)  # the vendor enabled it
        ok(em, OWNER, "CreateCompShareTeam", Name="t")


def test_the_feature_is_checked_before_verification() -> None:
    with Emulator(flagged(team_feature=False, real_name_verified=False)) as em:
        assert call(em, OWNER, "CreateCompShareTeam", Name="t")["RetCode"] == 8403
        em.set_account_flags(OWNER, team_feature=True)
        assert call(em, OWNER, "CreateCompShareTeam", Name="t")["RetCode"] == 226606


def test_seed_flags_are_checked_and_round_trip() -> None:
    seed = Seed.from_dict(flagged(team_feature=False, real_name_verified=False))
    owner = seed.accounts[0]
    assert (owner.team_feature, owner.real_name_verified) == (False, False)
    assert seed.to_dict()["accounts"][0]["team_feature"] is False
    assert "team_feature" not in seed.to_dict()["accounts"][1]  # on: left out, as before
    assert Seed.from_dict(seed.to_dict()) == seed
    with pytest.raises(
        SeedError, match=r"^seed: accounts\[0\]\.team_feature must be true or false, got 'no'$"
    ):
        Seed.from_dict(spoil("accounts.0.team_feature", "no"))
    with Emulator() as em, pytest.raises(ValueError, match="no account 4242"):
        em.set_account_flags(4242, team_feature=False)
