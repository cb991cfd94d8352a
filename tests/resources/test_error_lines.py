"""Whole error lines as `pulumi up` prints them, through the real provider server against the
emulator (issue 17, items 4 and 5): the account not real-name verified (226606), a service error
(8433), an account without the team feature, a base URL that is not the API's, and an account
named once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pulumi_compshare.emulator import Emulator
from pulumi_compshare.resources import TeamMembershipProvider, TeamProvider
from pulumi_compshare.testing.engine import ProviderCallError

from ..client.local_api import raw_answer, serving
from ..kit import Engine, stack_config

OWNER, ALICE, TEAM = 50001, 50002, 1001
PREFIX = "pulumi_compshare.errors.ResourceError: "


def line_of(error: ProviderCallError) -> str:
    """The line a user reads, request ids (fresh UUIDs) as ``<id>``."""
    text = str(error)
    assert text.startswith(PREFIX) and "\n" not in text, text
    return re.sub(r"request [0-9a-f-]{36}", "request <id>", text[len(PREFIX) :])


@pytest.fixture
def run() -> Iterator[list[Engine]]:
    """Engines to close after the test."""
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.close()


def engine_for(run: list[Engine], config: dict[str, str]) -> Engine:
    engine = Engine(config)
    run.append(engine)
    return engine


def create_team(engine: Engine) -> str:
    team = engine.new("Team", "ml", TeamProvider())
    with pytest.raises(ProviderCallError) as caught:
        engine.create(team, {"name": "ml-research"})
    return line_of(caught.value)


# ------------------------------------------------------------------ 4b: 226606


@pytest.mark.parametrize(
    ("dialects", "said"),
    [
        ("", "The account has not been verified."),
        ("chinese-errors", "账号未实名认证，请先实名认证"),
    ],
)
def test_an_unverified_account_cannot_create_a_team(
    run: list[Engine], dialects: str, said: str
) -> None:
    with Emulator(dialects=dialects) as em:
        em.set_account_flags(OWNER, real_name_verified=False)
        assert create_team(engine_for(run, stack_config(em))) == (
            "Team 'ml-research': CreateCompShareTeam failed: the account is not real-name "
            f"verified: {said} (RetCode 226606, request <id>); verify the account's real name "
            "(实名认证) in the CompShare console "
            "(https://console.compshare.cn/uaccount/authentication), then run the command again"
        )


# ------------------------------------------------------------------ 4c: 8433


def test_a_service_error_answering_team_creation_is_never_sent_twice(run: list[Engine]) -> None:
    """8433 on a write leaves its outcome unknown: the read does not show the team, yet the
    create is not sent again in this run (it may still land); the next run makes it once."""
    with Emulator() as em:
        engine = engine_for(run, stack_config(em))
        fault = em.fail(
            "CreateCompShareTeam", "retcode", retcode=8433, message="服务异常，请联系技术支持"
        )
        res = engine.new("Team", "ml", TeamProvider())
        with pytest.raises(ProviderCallError, match="may or may not have been applied"):
            engine.create(res, {"name": "ml-research"})
        assert fault.hits == 1 and em.stats()["requests"]["CreateCompShareTeam"] == 1
        engine.next_command()
        team = engine.create(res, {"name": "ml-research"})
        created = [t for t in em.state()["teams"] if t["name"] == "ml-research"]
        assert [str(t["id"]) for t in created] == [team.id]


def test_a_service_error_that_persists_is_one_line(run: list[Engine]) -> None:
    with Emulator() as em:
        engine = engine_for(run, stack_config(em))
        em.fail("ListCompShareTeam", "retcode", retcode=8433, times=1000, message="服务异常")
        assert create_team(engine) == (
            "Team 'ml-research': ListCompShareTeam failed: CompShare had a service error: 服务异常 "
            "(RetCode 8433, request <id>); run the command again later; if it persists, the team "
            "feature may not be enabled for this account: ask CompShare (your account manager, "
            "客户经理) to enable it"
        )


# ------------------------------------------------------------------ 4d: the team feature

ENABLE = (
    "ask CompShare (your account manager, 客户经理) to enable the team feature for this account, "
    "then run the command again"
)


@pytest.mark.parametrize(
    ("dialects", "said"),
    [
        (
            "",
            "the team feature is not enabled for this account (RetCode 8403, request <id>); "
            + ENABLE,
        ),
        (
            "chinese-errors",
            "this account may not use the team feature: 未开通团队功能，请联系客户经理申请该功能的"
            f"权限位 (RetCode 16009, request <id>); {ENABLE}",
        ),
        (
            "feature-off-denied",
            "this account may not use the team feature: permission denied (RetCode 8403, request "
            f"<id>); {ENABLE}",
        ),
        (
            "feature-off-8433",
            "service error， please contact technical support (RetCode 8433, request <id>); run "
            "the command again later; if it persists, the team feature may not be enabled for "
            "this account: ask CompShare (your account manager, 客户经理) to enable it",
        ),
    ],
)
def test_without_the_team_feature_the_line_says_to_ask_for_it(
    run: list[Engine], dialects: str, said: str
) -> None:
    with Emulator(dialects=dialects) as em:
        em.set_account_flags(OWNER, team_feature=False)
        engine = engine_for(run, stack_config(em))
        assert create_team(engine) == f"Team 'ml-research': ListCompShareTeam failed: {said}"
        assert [t["name"] for t in em.state()["teams"]] == ["demo-team"]


# ------------------------------------------------------------------ 5b: a wrong base URL


def test_a_base_url_that_serves_a_web_page_says_to_check_compshare_base_url(
    run: list[Engine],
) -> None:
    with Emulator() as em, serving() as site:
        site.answer = raw_answer(b"<!DOCTYPE html><html>404 Not Found</html>", 404, "text/html")
        host, port = site.server_address[:2]
        config = {**stack_config(em), "compshare:baseUrl": f"http://{host!s}:{port}/v1"}
        assert create_team(engine_for(run, config)) == (
            "Team 'ml-research': ListCompShareTeam failed: unexpected HTTP 404: an HTML page, not "
            "JSON (text/html); the base URL does not serve the CompShare API: check "
            "compshare:baseUrl (the API is https://api.compshare.cn)"
        )
        assert site.hits == 1


# ------------------------------------------------------------------ 5c: an account named once


@pytest.mark.parametrize(
    ("dialects", "said"),
    [
        ("", "account 59001 does not exist (RetCode 8404)"),
        ("chinese-errors", "account 59001: 用户不存在 (RetCode 16006)"),
        ("error-map-string,chinese-errors", "account 59001: 用户不存在 (RetCode 16006)"),
    ],
)
def test_a_failed_invite_names_the_account_once(
    run: list[Engine], dialects: str, said: str
) -> None:
    with Emulator(dialects=dialects) as em:
        engine = engine_for(run, stack_config(em))
        member = engine.new("TeamMembership", "ghost", TeamMembershipProvider())
        with pytest.raises(ProviderCallError) as caught:
            engine.create(member, {"team_id": TEAM, "user_company_id": 59001})
        line = line_of(caught.value)
        assert line == (
            f"TeamMembership 1001:59001: CreateCompShareTeamRelation failed: {said}; check the id"
        )
        assert line.count("account 59001") == 1


def test_removing_a_joined_member_the_api_refuses_names_the_account_once(
    run: list[Engine],
) -> None:
    with Emulator(dialects="cancel-pending-only") as em:
        engine = engine_for(run, stack_config(em))
        member = engine.create(
            engine.new("TeamMembership", "alice", TeamMembershipProvider()),
            {"team_id": TEAM, "user_company_id": ALICE},
        )
        em.accept_invite(TEAM, ALICE)
        engine.next_command()
        with pytest.raises(ProviderCallError) as caught:
            engine.delete(member)
        line = line_of(caught.value)
        assert line.startswith(
            "TeamMembership 1001:50002: account 50002 has joined team 1001 and the API refused "
            "to remove them (SetCompShareTeamRelation Cancel: Cancel only cancels a pending "
            "invite, not a joined member); "
        )
        assert line.count("50002") == 2  # the resource's id and the sentence, not the API's words
