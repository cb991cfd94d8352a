"""A Team never yields two teams, never takes a team it did not create, and finds the leftover of
its own earlier failed create. Each fault is injected at the exact API call."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pulumi
import pytest

import pulumi_compshare as compshare
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.resources import TeamProvider
from pulumi_compshare.resources.team import creation_marker
from pulumi_compshare.testing import Player, StepError

from ..kit import Engine, Recorder, client_of, kill_provider_at, stack_config

OWNER = 50001
# The provider's calls in a Team create: ListCompShareTeam (leftovers), CreateCompShareTeam,
# ListCompShareTeam (confirm), UpdateCompShareTeam (restore the declared description).
CONFIRMING_LIST = 2


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def player_for(em: Emulator, stack: str = "dev") -> Player:
    config = {**stack_config(em), "compshare:maxRetries": "0"}
    return Player(config=config, stack=stack, restart_per_operation=True)


def ml_team() -> dict[str, Any]:
    team = compshare.Team("ml", name="ml-research", description="GPU budget")
    return {"team_id": team.team_id}


def teams(em: Emulator, name: str = "ml-research") -> list[dict[str, Any]]:
    return [t for t in em.state()["teams"] if t["name"] == name and not t.get("deleted")]


def test_create_finds_the_team_by_its_marker_and_restores_the_description(em: Emulator) -> None:
    with player_for(em) as player:
        result = player.up(ml_team)
    (team,) = teams(em)
    assert result.outputs["team_id"] == team["id"]
    assert team["description"] == "GPU budget"  # the creation marker is gone


def test_a_lost_confirming_listing_does_not_make_a_second_team(em: Emulator) -> None:
    em.fail("ListCompShareTeam", "http_503", nth=CONFIRMING_LIST)
    with player_for(em) as player:
        with pytest.raises(StepError, match="ListCompShareTeam"):
            player.up(ml_team)
        assert player.resources == {}  # a failed Create records nothing
        assert len(teams(em)) == 1  # ... but the team was made
        result = player.up(ml_team)  # the next up finds its own leftover
    (team,) = teams(em)
    assert result.outputs["team_id"] == team["id"]
    assert team["description"] == "GPU budget"


def test_a_failed_restore_is_drift_the_next_up_repairs(em: Emulator) -> None:
    """The team exists and was found: Create does not fail for want of the restore."""
    fault = em.fail("UpdateCompShareTeam", "http_503", times=5)
    with player_for(em) as player:
        result = player.up(ml_team)
        assert fault.hits == 1  # the restore, and nothing else, failed (no retries: maxRetries 0)
        (team,) = teams(em)
        assert result.outputs["team_id"] == team["id"]
        assert "[pulumi-compshare creating" in team["description"]  # not restored yet
        assert any("setting its name and description failed" in m for m in result.messages)
        em.clear_faults()
        plan = player.preview(ml_team)
        assert plan.ops() == {"ml": "update"}
        assert any("set the declared ones" in m for m in plan.messages)
        player.up(ml_team, skip_preview=True)  # just previewed: pulumi up --skip-preview
        assert player.preview(ml_team).ops() == {"ml": "same"}
    (team,) = teams(em)
    assert team["description"] == "GPU budget"


def test_a_restore_that_landed_but_whose_answer_was_lost_makes_no_second_team(
    em: Emulator,
) -> None:
    fault = em.fail("UpdateCompShareTeam", "applied_response_lost")
    with player_for(em) as player:
        player.up(ml_team)
        assert fault.hits == 1
        player.up(ml_team)  # repairs what the state recorded, if anything
        assert player.preview(ml_team).ops() == {"ml": "same"}
        player.destroy()
    assert teams(em) == []


@pytest.mark.parametrize(
    ("action", "nth"),
    [
        ("ListCompShareTeam", CONFIRMING_LIST),  # after the create, before the team is found
        ("UpdateCompShareTeam", 1),  # the restore lands, the marker goes, the process dies
    ],
)
def test_a_provider_process_killed_mid_create_leaves_no_second_team(
    em: Emulator, action: str, nth: int
) -> None:
    engine = Engine(stack_config(em))
    try:
        team = engine.new("Team", "ml", TeamProvider())
        inputs = {"name": "ml-research", "description": "GPU budget"}
        inputs["__creation_marker"] = "ab" * 12
        killed = kill_provider_at(em, engine, action, nth)
        with pytest.raises(Exception, match="UNAVAILABLE"):  # the engine sees the plugin die
            engine.create(team, inputs)
        assert killed and not engine.server.running
        assert len(teams(em)) == 1
        engine.next_command()
        engine.create(team, inputs)  # the next up finds it: by its marker, or by its trace
        (made,) = teams(em)
        assert int(team.id) == made["id"] and made["description"] == "GPU budget"
        engine.delete(team)
    finally:
        engine.close()
    assert teams(em) == []


def test_a_create_held_past_the_deadline_leaves_no_second_team(em: Emulator) -> None:
    """The create is held by the network past compshare:timeoutSeconds and lands later."""
    fault = em.fail("CreateCompShareTeam", "delay", delay_ms=2500)
    config = {**stack_config(em), "compshare:timeoutSeconds": "1", "compshare:maxRetries": "0"}
    with Player(config=config, restart_per_operation=True) as player:
        with pytest.raises(StepError, match="may or may not have been applied"):
            player.up(ml_team)
        assert fault.hits == 1 and em.stats()["requests"]["CreateCompShareTeam"] == 1
        for _ in range(100):  # until the held create has landed
            if teams(em):
                break
            time.sleep(0.1)
        result = player.up(ml_team)  # found by its marker, not made again
        (team,) = teams(em)
        assert result.outputs["team_id"] == team["id"]
        assert em.stats()["requests"]["CreateCompShareTeam"] == 1
        player.destroy()
    assert teams(em) == []


def test_a_same_named_team_made_in_the_console_is_not_taken(em: Emulator) -> None:
    console = client_of(em, OWNER)
    console.create_team("ml-research", "made by hand")
    (theirs,) = teams(em)
    with player_for(em) as player:
        result = player.up(ml_team)
        assert result.outputs["team_id"] != theirs["id"]
        player.destroy()
    assert [t["id"] for t in teams(em)] == [theirs["id"]]  # theirs survives destroy


def test_a_colleague_creating_a_team_while_ours_is_in_flight_is_not_taken(em: Emulator) -> None:
    """Their same-named team appears after ours, before our confirming listing."""
    colleague = client_of(em, OWNER)
    em.on_call(
        "ListCompShareTeam",
        lambda: colleague.create_team("ml-research", "theirs"),
        nth=CONFIRMING_LIST,
    )
    with player_for(em) as player:
        result = player.up(ml_team)
        ours = result.outputs["team_id"]
        player.destroy()
    (left,) = teams(em)
    assert left["id"] != ours and left["description"] == "theirs"


def test_a_colleagues_team_appearing_while_our_create_is_lost_is_not_taken(
    em: Emulator,
) -> None:
    """Our create's connection drops (nothing applied) while a colleague's same-named team
    appears: the one new team in the listing is theirs, and must not be taken."""
    colleague = client_of(em, OWNER)
    em.on_call("CreateCompShareTeam", lambda: colleague.create_team("ml-research", "theirs"))
    em.fail("CreateCompShareTeam", "drop_connection", nth=1)
    with player_for(em) as player:
        # the lost create is not sent again in this up (it may land later); the next up makes it
        with pytest.raises(StepError, match="may or may not have been applied"):
            player.up(ml_team)
        assert [t["description"] for t in teams(em)] == ["theirs"]
        result = player.up(ml_team)
        ours = result.outputs["team_id"]
        assert {t["description"] for t in teams(em)} == {"theirs", "GPU budget"}
        player.destroy()
    (left,) = teams(em)
    assert left["id"] != ours and left["description"] == "theirs"


def test_a_create_whose_answer_was_lost_is_found_not_resent(em: Emulator) -> None:
    em.fail("CreateCompShareTeam", "applied_response_lost")
    with player_for(em) as player:
        result = player.up(ml_team)
    (team,) = teams(em)
    assert result.outputs["team_id"] == team["id"]
    assert em.stats()["requests"]["CreateCompShareTeam"] == 1


def test_stacks_creating_same_named_teams_at_once_each_get_their_own(em: Emulator) -> None:
    """Eight stacks (eight provider processes) create a same-named team at the same moment."""
    engines = [Engine(stack_config(em)) for _ in range(8)]
    # Every create is held, so all land together between the stacks' listings.
    em.fail("CreateCompShareTeam", "delay", delay_ms=300, times=len(engines))

    def up(index: int) -> int:
        team = engines[index].new("Team", "ml", TeamProvider())
        marker = f"{index:024x}"  # what each stack's program computes from its URN
        engines[index].create(team, {"name": "ml-research", "__creation_marker": marker})
        return int(team.id)

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            ids = list(pool.map(up, range(len(engines))))
    finally:
        for engine in engines:
            engine.close()
    assert len(set(ids)) == len(engines)
    assert sorted(t["id"] for t in teams(em)) == sorted(ids)


def test_adopt_team_id_takes_over_an_existing_team_explicitly(em: Emulator) -> None:
    client_of(em, OWNER).create_team("legacy", "made by hand")
    (legacy,) = teams(em, "legacy")

    def program() -> dict[str, Any]:
        team = compshare.Team("ml", name="ml-research", adopt_team_id=legacy["id"])
        return {"team_id": team.team_id}

    with player_for(em) as player:
        assert player.up(program).outputs["team_id"] == legacy["id"]
        assert [t["id"] for t in teams(em)] == [legacy["id"]]
        assert player.up(program).ops() == {"ml": "same"}


def test_adopt_team_id_of_a_team_not_ours_fails_naming_it(em: Emulator) -> None:
    def program() -> None:
        compshare.Team("ml", name="ml-research", adopt_team_id=999999)

    with player_for(em) as player, pytest.raises(StepError, match="adopt_team_id 999999"):
        player.up(program)
    assert teams(em) == []


def test_the_marker_differs_per_stack_and_per_resource_and_is_stable() -> None:
    markers = []
    for stack in ("dev", "prod", "dev"):
        pulumi.runtime.set_mocks(Recorder(), project="p", stack=stack)
        markers += [creation_marker("a", None), creation_marker("b", None)]
    assert markers[:2] == markers[4:]  # the same resource of the same stack: the same marker
    assert len(set(markers)) == 4
    assert all(isinstance(m, str) and len(m) == 24 for m in markers)


def test_the_marker_differs_per_organisation() -> None:
    """Two people's personal organisations, each with a ``dev`` stack of one project: the same
    URNs (URNs hold no organisation), different markers."""
    markers = []
    for organization in ("alice", "bob", "alice"):
        pulumi.runtime.set_mocks(Recorder(), project="p", stack="dev", organization=organization)
        markers.append(creation_marker("ml", None))
    assert markers[0] == markers[2] != markers[1]


def test_two_organisations_same_named_stacks_creating_at_once_get_two_teams(em: Emulator) -> None:
    markers = []
    for organization in ("alice", "bob"):
        pulumi.runtime.set_mocks(Recorder(), project="p", stack="dev", organization=organization)
        markers.append(creation_marker("ml", None))
    engines = [Engine(stack_config(em)) for _ in markers]
    em.fail("CreateCompShareTeam", "delay", delay_ms=300, times=len(engines))  # land together
    resources = [engine.new("Team", "ml", TeamProvider()) for engine in engines]

    def up(index: int) -> int:
        inputs = {"name": "ml-research", "__creation_marker": markers[index]}
        engines[index].create(resources[index], inputs)
        return int(resources[index].id)

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            alice, bob = pool.map(up, range(len(engines)))
        assert alice != bob and sorted(t["id"] for t in teams(em)) == sorted([alice, bob])
        engines[0].delete(resources[0])  # alice destroys her stack
    finally:
        for engine in engines:
            engine.close()
    assert [t["id"] for t in teams(em)] == [bob]
