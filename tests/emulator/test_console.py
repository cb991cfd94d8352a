"""The emulator's console helpers: what people do outside Pulumi, through the API over HTTP with
the keys of the account that would do it."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_compshare.client import CompShareAPIError, CompShareError
from pulumi_compshare.emulator import Emulator, generate_seed

from ..kit import client_of

OWNER, ALICE, BOB = 50001, 50002, 50003
IMAGE = "compshareImage-abc"


def relation(em: Emulator, team_id: int, company_id: int) -> dict[str, Any]:
    (row,) = [
        r
        for r in em.state()["relations"]
        if r["team_id"] == team_id and r["user_company_id"] == company_id
    ]
    return row


def team(em: Emulator, team_id: int) -> dict[str, Any]:
    (row,) = [t for t in em.state()["teams"] if t["id"] == team_id]
    return row


def invite(em: Emulator, team_id: int, *company_ids: int) -> None:
    with client_of(em, OWNER) as owner:
        failures = owner.create_team_relations(
            team_id, [{"UserCompanyId": c, "RemarkName": f"m{c}"} for c in company_ids]
        )
    assert failures == {}


def test_accept_and_reject_invites_as_the_invitee() -> None:
    with Emulator() as em:
        invite(em, 1001, ALICE, BOB)
        em.reset_stats()
        em.accept_invite(1001, ALICE)
        em.reject_invite(1001, BOB)
        assert relation(em, 1001, ALICE)["status"] == "Joined"
        assert relation(em, 1001, BOB)["status"] == "Rejected"
        # through the API: counted like any caller's requests
        assert em.stats()["requests"] == {"SetCompShareTeamRelation": 2}
        # the invitee's view agrees
        with client_of(em, ALICE) as alice:
            joined = alice.list_joined_teams()
        assert [(r.team_id, r.status) for r in joined] == [(1001, "Joined")]


def test_accepting_without_an_invite_fails_as_the_api_says() -> None:
    with Emulator() as em, pytest.raises(CompShareError):
        em.accept_invite(1001, ALICE)


def test_remove_member_cancels_a_pending_invite_and_removes_a_joined_member() -> None:
    with Emulator() as em:
        invite(em, 1001, ALICE, BOB)
        em.accept_invite(1001, ALICE)
        em.remove_member(1001, ALICE)  # joined: removed
        em.remove_member(1001, BOB)  # pending: invite canceled
        assert relation(em, 1001, ALICE)["status"] == "Canceled"
        assert relation(em, 1001, BOB)["status"] == "Canceled"


def test_remove_member_of_a_joined_member_is_refused_under_cancel_pending_only() -> None:
    with Emulator(dialects="cancel-pending-only") as em:
        invite(em, 1001, ALICE)
        em.accept_invite(1001, ALICE)
        with pytest.raises(CompShareError):
            em.remove_member(1001, ALICE)
        assert relation(em, 1001, ALICE)["status"] == "Joined"


def test_rename_and_delete_a_team_as_its_owner() -> None:
    with Emulator() as em:
        em.rename_team(1001, "renamed")
        assert (team(em, 1001)["name"], team(em, 1001)["description"]) == (
            "renamed",
            "Demo team of the CompShare emulator",
        )
        em.rename_team(1001, "again", description="new words")
        assert (team(em, 1001)["name"], team(em, 1001)["description"]) == ("again", "new words")
        # the API refuses to delete a team with a joined member
        invite(em, 1001, ALICE)
        em.accept_invite(1001, ALICE)
        with pytest.raises(CompShareAPIError):
            em.delete_team(1001)
        assert not team(em, 1001)["deleted"]
        em.remove_member(1001, ALICE)
        em.delete_team(1001)
        assert team(em, 1001)["deleted"]


def test_share_and_unshare_an_image_in_batches_of_ten() -> None:
    seed = generate_seed(accounts=25, images=1)
    image = seed.images[0].id
    others = [a.company_id for a in seed.accounts[1:]]
    with Emulator(seed) as em:
        assert em.share_image(image, *others) == []
        (row,) = em.state()["images"]
        assert sorted(row["shared_with"]) == others
        assert em.stats()["requests"]["ModifyCompShareImageShareAccount"] == 3  # 24 = 10+10+4
        em.unshare_image(image, *others[:12])
        (row,) = em.state()["images"]
        assert sorted(row["shared_with"]) == others[12:]


def test_share_image_returns_the_accounts_the_api_did_not_add() -> None:
    with Emulator() as em:
        assert em.share_image(IMAGE, ALICE, 99999) == [99999]
        (row,) = [i for i in em.state()["images"] if i["id"] == IMAGE]
        assert row["shared_with"] == [ALICE]


def test_unknown_teams_images_and_accounts_are_key_errors() -> None:
    with Emulator() as em:
        with pytest.raises(KeyError, match="no team 4242"):
            em.rename_team(4242, "x")
        with pytest.raises(KeyError, match="compshareImage-nope"):
            em.share_image("compshareImage-nope", ALICE)
        with pytest.raises(KeyError, match="no account 12345"):
            em.accept_invite(1001, 12345)


def test_console_actions_meet_the_faults_set_and_are_retried_like_any_call() -> None:
    with Emulator() as em:
        invite(em, 1001, ALICE)
        em.fail("GetCompShareTeamInfo", "http_503")  # not the console's action: no effect
        fault = em.fail("ModifyCompShareImageShareAccount", "http_503")
        em.share_image(IMAGE, ALICE)
        assert fault.hits == 1
        assert em.stats()["requests"]["ModifyCompShareImageShareAccount"] == 2  # retried
        (row,) = [i for i in em.state()["images"] if i["id"] == IMAGE]
        assert row["shared_with"] == [ALICE]
