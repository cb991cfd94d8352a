"""The API's documented limits and codes, through our client to the emulator over real HTTP: the
invite limit of 100 per call, 226606 (not real-name verified), 8433 (service error) and an
account without the team feature (issue 17, item 4)."""

from __future__ import annotations

import pytest

from pulumi_compshare.api import limits
from pulumi_compshare.client import (
    AccountNotVerifiedError,
    APIError,
    CompShareClient,
    Credentials,
    FeatureNotEnabledError,
    InvalidParameterError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RetryPolicy,
    ServiceError,
)
from pulumi_compshare.emulator import Emulator, generate_seed

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)
OWNER, TEAM = 50001, 1001


def line(error: APIError) -> str:
    """The error's line, its request id (a fresh UUID per answer) as ``<id>``."""
    assert error.request_id
    return str(error).replace(error.request_id, "<id>")


def client_of(em: Emulator, company_id: int) -> CompShareClient:
    account = em.account(company_id)
    return CompShareClient(
        Credentials(account.public_key, account.private_key), base_url=em.url, retry=FAST
    )


@pytest.fixture
def crowd() -> Emulator:
    """An owner (50001, team 1001) and 250 other accounts."""
    return Emulator(generate_seed(accounts=251, teams=1, images=0))


def test_invites_go_in_batches_of_the_vendors_100(crowd: Emulator) -> None:
    assert limits.INVITE_BATCH_MAX == 100
    with crowd as em, client_of(em, 50001) as owner:
        users = [{"user_company_id": a.company_id} for a in em.accounts[1:]]
        assert owner.create_team_relations(TEAM, users[:100]) == {}
        assert em.stats()["requests"]["CreateCompShareTeamRelation"] == 1  # 100: one call
        em.reset_stats()
        failures = owner.create_team_relations(TEAM, [*users[100:], {"user_company_id": 59999}])
        assert list(failures) == [59999]  # ErrorMaps of every batch, merged
        assert em.stats()["requests"]["CreateCompShareTeamRelation"] == 2  # 151: 100 + 51
        statuses = {r["user_company_id"]: r["status"] for r in em.state()["relations"]}
        assert statuses == {a.company_id: "Pending" for a in em.accounts[1:]}


def test_every_user_is_checked_before_the_first_batch(crowd: Emulator) -> None:
    with crowd as em, client_of(em, 50001) as owner:
        users: list[dict[str, object]] = [
            {"user_company_id": a.company_id} for a in em.accounts[1:]
        ]
        users[120] = {"user_company_id": "x"}
        with pytest.raises(InvalidParameterError) as caught:
            owner.create_team_relations(TEAM, users)
        assert str(caught.value) == (
            "CreateCompShareTeamRelation failed: UserInfo.120.UserCompanyId: must be a positive "
            "integer id up to 4294967295 (digits 0-9), got a string ('x'); fix the named parameter"
        )
        assert em.stats()["requests"] == {}


def test_a_later_batch_that_fails_says_what_was_sent(crowd: Emulator) -> None:
    with crowd as em, client_of(em, 50001) as owner:
        users = [{"user_company_id": a.company_id} for a in em.accounts[1:]]
        em.fail("CreateCompShareTeamRelation", "applied_response_lost", nth=2)
        with pytest.raises(OutcomeUnknownError) as caught:
            owner.create_team_relations(TEAM, users)
        message = str(caught.value)
        assert "(the 100 users of the batches before this one were sent)" in message
        assert em.stats()["requests"]["CreateCompShareTeamRelation"] == 2  # never re-sent


# ------------------------------------------------------------------ 226606: not real-name verified

VERIFY = (
    "verify the account's real name (实名认证) in the CompShare console "
    "(https://console.compshare.cn/uaccount/authentication), then run the command again"
)


@pytest.mark.parametrize(
    ("dialects", "message"),
    [
        ("", "the account is not real-name verified: The account has not been verified."),
        ("chinese-errors", "the account is not real-name verified: 账号未实名认证，请先实名认证"),
    ],
)
def test_226606_says_in_english_what_is_wrong_and_what_to_do(dialects: str, message: str) -> None:
    with Emulator(dialects=dialects) as em, client_of(em, OWNER) as owner:
        em.set_account_flags(OWNER, real_name_verified=False)
        with pytest.raises(AccountNotVerifiedError) as caught:
            owner.create_team("ml")
        assert isinstance(caught.value, PermissionDeniedError)
        assert line(caught.value) == (
            f"CreateCompShareTeam failed: {message} (RetCode 226606, request <id>); {VERIFY}"
        )
        assert em.stats()["requests"]["CreateCompShareTeam"] == 1  # refused: not retried
        with pytest.raises(AccountNotVerifiedError):
            owner.list_team_operate_logs(TEAM, 0, 2**40)
        owner.list_teams()  # its page does not ask for verification


# ------------------------------------------------------------------ 8433: service error


def test_8433_is_retried_for_a_safe_call(crowd: Emulator) -> None:
    with crowd as em, client_of(em, OWNER) as owner:
        em.fail("GetCompShareTeamInfo", "retcode", retcode=8433, message="服务异常，请联系技术支持")
        assert owner.get_team_info(team_id=TEAM).team.id == TEAM
        assert (
            owner.calls["GetCompShareTeamInfo"] == 2 and owner.retries["GetCompShareTeamInfo"] == 1
        )


def test_8433_that_persists_is_one_line_after_bounded_retries(crowd: Emulator) -> None:
    with crowd as em, client_of(em, OWNER) as owner:
        em.fail(
            "DescribeCompShareCustomImages",
            "retcode",
            retcode=8433,
            times=10,
            message="服务异常，请联系技术支持",
        )
        with pytest.raises(ServiceError) as caught:
            owner.describe_custom_images()
        assert line(caught.value) == (
            "DescribeCompShareCustomImages failed: CompShare had a service error: 服务异常，请联系"
            "技术支持 (RetCode 8433, request <id>); a failure on CompShare's side: run the command "
            "again later; if it persists, contact CompShare technical support"
        )
        assert owner.calls["DescribeCompShareCustomImages"] == FAST.max_attempts


def test_8433_answering_a_write_is_never_resent_blindly(crowd: Emulator) -> None:
    with crowd as em, client_of(em, OWNER) as owner:
        em.fail("CreateCompShareTeam", "retcode", retcode=8433, message="service error")
        with pytest.raises(OutcomeUnknownError) as caught:
            owner.create_team("ml")
        assert line(caught.value) == (
            "CreateCompShareTeam failed: service error (RetCode 8433, request <id>); it may or "
            "may not have been applied: run `pulumi refresh`, then `pulumi up`; if the service "
            "error persists, the team feature may not be enabled for this account: ask CompShare "
            "(your account manager, 客户经理) to enable it"
        )
        assert owner.calls["CreateCompShareTeam"] == 1
        em.fail("CreateCompShareTeamRelation", "retcode", retcode=8433, message="service error")
        with pytest.raises(OutcomeUnknownError):
            owner.create_team_relations(TEAM, [{"user_company_id": 50002}])
        assert owner.calls["CreateCompShareTeamRelation"] == 1


# ------------------------------------------------------------------ the team feature

ENABLE = (
    "ask CompShare (your account manager, 客户经理) to enable the team feature for this account, "
    "then run the command again"
)


@pytest.mark.parametrize(
    ("dialects", "create", "update"),
    [
        (
            "",
            "the team feature is not enabled for this account (RetCode 8403, request <id>); "
            + ENABLE,
            "the team feature is not enabled for this account (RetCode 8403, request <id>); "
            + ENABLE,
        ),
        (
            "chinese-errors",
            "this account may not use the team feature: 未开通团队功能，请联系客户经理申请该功能的"
            "权限位 (RetCode 16009, request <id>); " + ENABLE,
            "this account may not use the team feature: 未开通团队功能，请联系客户经理申请该功能的"
            "权限位 (RetCode 16009, request <id>); " + ENABLE,
        ),
        (
            "feature-off-denied",
            "this account may not use the team feature: permission denied (RetCode 8403, request "
            "<id>); " + ENABLE,
            # a refusal naming nothing, of an action on a team: not the owner, or no feature
            "permission denied (RetCode 8403, request <id>); use the credentials of the account "
            "that owns the team (see `profile`); if they are, the team feature may not be enabled "
            "for this account: ask CompShare (your account manager, 客户经理) to enable it",
        ),
    ],
)
def test_without_the_team_feature_the_line_says_to_ask_for_it(
    dialects: str, create: str, update: str
) -> None:
    with Emulator(dialects=dialects) as em, client_of(em, OWNER) as owner:
        em.set_account_flags(OWNER, team_feature=False)
        with pytest.raises(FeatureNotEnabledError) as caught:
            owner.list_teams()
        assert line(caught.value) == f"ListCompShareTeam failed: {create}"
        with pytest.raises(PermissionDeniedError) as denied:
            owner.update_team(TEAM, name="x")
        assert line(denied.value) == f"UpdateCompShareTeam failed: {update}"
        assert owner.retries == {}  # refusals are not retried


def test_without_the_team_feature_as_8433_the_line_says_what_to_ask_if_it_persists() -> None:
    with Emulator(dialects="feature-off-8433") as em, client_of(em, OWNER) as owner:
        em.set_account_flags(OWNER, team_feature=False)
        with pytest.raises(ServiceError) as caught:
            owner.list_teams()
        assert line(caught.value) == (
            "ListCompShareTeam failed: service error， please contact technical support (RetCode "
            "8433, request <id>); run the command again later; if it persists, the team feature "
            "may not be enabled for this account: ask CompShare (your account manager, 客户经理) "
            "to enable it"
        )
        assert owner.calls["ListCompShareTeam"] == FAST.max_attempts
