"""The typed client reads every dialect of the emulator into one vocabulary: int ids, canonical
statuses, ``""`` for null or absent text, ErrorMap from an object or a string, word lists from
lists or maps, and a gone team as NotFoundError however the API says it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from pulumi_compshare.client import (
    AlreadyMemberError,
    CompShareAPIError,
    NotFoundError,
    PermissionDeniedError,
)
from pulumi_compshare.client.retcodes import error_for_retcode
from pulumi_compshare.emulator import Emulator

from ..kit import client_of, dialect_params

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004
TEAM, IMAGE = 1001, "compshareImage-abc"

ALL = dialect_params("lower-status,absent-text,team-gone-error")
"""Each dialect alone (marked slow), and by default the default reading, strict and combinations
that together hold every dialect."""


@pytest.fixture(params=ALL)
def em(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    with Emulator(dialects=request.param) as emulator:
        yield emulator


def test_the_client_reads_every_dialect_the_same(em: Emulator) -> None:
    owner, alice, bob = client_of(em, OWNER), client_of(em, ALICE), client_of(em, BOB)
    assert owner.create_team_relations(TEAM, [{"user_company_id": ALICE}]) == {}
    failures = owner.create_team_relations(
        TEAM, [{"user_company_id": ALICE}, {"user_company_id": BOB, "remark_name": "B"}]
    )
    assert list(failures) == [ALICE] and failures[ALICE].message
    alice.set_team_relation(TEAM, "Agree")

    info = owner.get_team_info(team_id=TEAM)
    assert (info.team.id, info.team.company_id, info.team.name) == (TEAM, OWNER, "demo-team")
    rows = {r.user_company_id: r for r in info.relations}
    assert (rows[ALICE].status, rows[ALICE].remark_name) == ("Joined", "")
    assert (rows[BOB].status, rows[BOB].remark_name) == ("Pending", "B")
    assert rows[ALICE].virtual_company_id > 0 and type(rows[ALICE].virtual_company_id) is int

    (mine,) = bob.list_team_invites()
    assert (mine.team_id, mine.status, mine.team_use_company_id) == (TEAM, "Pending", OWNER)
    (joined,) = alice.list_joined_teams()
    assert (joined.team_id, joined.status) == (TEAM, "Joined")
    assert [t.id for t in owner.list_teams()] == [TEAM]

    assert owner.modify_image_share_accounts(IMAGE, add=[CAROL, 99999]) == [99999]
    (share,) = owner.describe_image_share_accounts(IMAGE)
    assert share.account_id == CAROL and type(share.account_id) is int

    now = int(time.time())
    page = owner.list_team_operate_logs(TEAM, now - 60, now + 60, limit=100)
    assert page.total >= 3 and {log.status for log in page.logs} == {"Success"}
    assert page.operate_type_list and set(page.operate_type_names) == set(page.operate_type_list)
    assert {s.lower() for s in page.status_list} >= {"success"}


def test_gone_teams_and_refusals_map_to_one_hierarchy(em: Emulator) -> None:
    owner, bob = client_of(em, OWNER), client_of(em, BOB)
    with pytest.raises(NotFoundError):
        owner.get_team_info(team_id=4242)
    with pytest.raises(NotFoundError):
        owner.update_team(4242, name="x")
    with pytest.raises(PermissionDeniedError):
        bob.update_team(TEAM, name="x")
    owner.create_team_relations(TEAM, [{"user_company_id": ALICE}])
    failure = owner.create_team_relations(TEAM, [{"user_company_id": ALICE}])[ALICE]
    assert isinstance(error_for_retcode("X", failure.code, failure.message), AlreadyMemberError)
    with pytest.raises(NotFoundError):
        bob.set_team_relation(TEAM, "Agree")


def test_cancel_of_a_joined_member(em: Emulator) -> None:
    owner = client_of(em, OWNER)
    owner.create_team_relations(TEAM, [{"user_company_id": ALICE}])
    client_of(em, ALICE).set_team_relation(TEAM, "Agree")
    if "cancel-pending-only" in em.dialects:
        with pytest.raises(CompShareAPIError) as caught:
            owner.set_team_relation(TEAM, "Cancel", ALICE)
        assert not isinstance(caught.value, (AlreadyMemberError, NotFoundError))
    else:
        owner.set_team_relation(TEAM, "Cancel", ALICE)
        statuses = {
            r.user_company_id: r.status for r in owner.get_team_info(team_id=TEAM).relations
        }
        assert statuses[ALICE] == "Canceled"
