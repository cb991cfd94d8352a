"""The API's documented limits and codes, through our client to the emulator over real HTTP: the
invite limit of 100 per call (issue 17, item 4a)."""

from __future__ import annotations

import pytest

from pulumi_compshare.api import limits
from pulumi_compshare.client import (
    CompShareClient,
    Credentials,
    InvalidParameterError,
    OutcomeUnknownError,
    RetryPolicy,
)
from pulumi_compshare.emulator import Emulator, generate_seed

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)
TEAM = 1001


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
            "integer up to 4294967295, got 'x'; fix the named parameter"
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
