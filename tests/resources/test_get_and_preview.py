"""``.get()`` of each resource, a get of a missing object, and previews that keep identities known.
Played through the real provider server the way the engine plays them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

import pulumi_compshare as compshare
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.testing import Player, StepError

from ..kit import client_of, stack_config

OWNER, ALICE, CAROL = 50001, 50002, 50004
TEAM, IMAGE = 1001, "compshareImage-abc"


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def player(em: Emulator) -> Iterator[Player]:
    with Player(config=stack_config(em, alice=ALICE), restart_per_operation=True) as player:
        yield player


def test_get_references_each_kind_of_existing_object(em: Emulator, player: Player) -> None:
    owner = client_of(em, OWNER)
    owner.create_team_relations(TEAM, [{"user_company_id": ALICE, "remark_name": "A"}])
    client_of(em, ALICE).set_team_relation(TEAM, "Agree")
    owner.modify_image_share_accounts(IMAGE, add=[CAROL])

    def program() -> dict[str, Any]:
        team = compshare.Team.get("team", str(TEAM))
        member = compshare.TeamMembership.get("member", f"{TEAM}:{ALICE}")
        joined = compshare.TeamInviteAccepter.get("joined", f"{TEAM}:{ALICE}", profile="alice")
        share = compshare.ImageShare.get("share", IMAGE)
        return {
            "team": pulumi.Output.all(team.team_id, team.name, team.company_id),
            "member": pulumi.Output.all(member.status, member.remark_name),
            "joined": pulumi.Output.all(joined.user_company_id, joined.status),
            "share": share.unmanaged_account_ids,
        }

    outputs = player.up(program).outputs
    assert outputs["team"] == [TEAM, "demo-team", OWNER]
    assert outputs["member"] == ["Joined", "A"]
    assert outputs["joined"] == [ALICE, "Joined"]
    assert outputs["share"] == [CAROL]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: compshare.Team.get("x", "999999"), r"Team get: team 999999 does not exist"),
        (
            lambda: compshare.TeamMembership.get("x", f"{TEAM}:{CAROL}"),
            rf"TeamMembership get: a membership of account {CAROL} in team {TEAM} does not exist",
        ),
        (
            lambda: compshare.TeamInviteAccepter.get("x", f"{TEAM}:{ALICE}", profile="alice"),
            rf"TeamInviteAccepter get: an accepted invite of account {ALICE} to team {TEAM} "
            "does not exist",
        ),
        (
            lambda: compshare.ImageShare.get("x", "compshareImage-nope"),
            r"ImageShare get: image compshareImage-nope does not exist",
        ),
        (
            lambda: compshare.Team("x", name="n", opts=pulumi.ResourceOptions(id="999999")),
            r"Team get: team 999999 does not exist",
        ),
    ],
)
def test_get_of_a_missing_object_fails_naming_it(player: Player, make: Any, message: str) -> None:
    with pytest.raises(StepError, match=message) as caught:
        player.up(make)
    assert "\n" not in str(caught.value)
    assert player.resources == {}


def test_refresh_still_drops_objects_that_vanished(em: Emulator, player: Player) -> None:
    def program() -> None:
        team = compshare.Team("team", name="t")
        member = compshare.TeamMembership("member", team_id=team.team_id, user_company_id=ALICE)
        compshare.TeamInviteAccepter("joined", team_id=member.team_id, profile="alice")

    player.up(program)
    team_id = player.resource("team").outputs["team_id"]
    owner = client_of(em, OWNER)
    owner.set_team_relation(team_id, "Cancel", ALICE)
    owner.delete_team(team_id)
    player.refresh()
    assert player.resources == {}


def team_and_members(description: str) -> Any:
    def program() -> None:
        team = compshare.Team("team", name="ml", description=description)
        member = compshare.TeamMembership("member", team_id=team.team_id, user_company_id=ALICE)
        compshare.TeamInviteAccepter("joined", team_id=member.team_id, profile="alice")

    return program


def test_preview_of_a_team_change_shows_no_replace_of_its_members(player: Player) -> None:
    player.up(team_and_members("v1"))
    plan = player.preview(team_and_members("v2"))
    assert plan.ops() == {"team": "update", "member": "same", "joined": "same"}
    assert player.up(team_and_members("v2"), skip_preview=True).ops() == plan.ops()


def test_preview_keeps_id_derived_outputs_known(player: Player) -> None:
    def program(description: str) -> Any:
        def run() -> dict[str, Any]:
            team = compshare.Team("team", name="ml", description=description)
            member = compshare.TeamMembership("member", team_id=team.team_id, user_company_id=ALICE)
            joined = compshare.TeamInviteAccepter("joined", team_id=member.team_id, profile="alice")
            return {"team_id": team.team_id, "user": joined.user_company_id}

        return run

    outputs = player.up(program("v1")).outputs
    assert player.preview(program("v2")).outputs == outputs
