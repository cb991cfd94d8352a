"""Plans tell the truth: a converged stack previews no change, a plan line says why, a rename
keeps what the program still declares, and nothing internal shows. Played through the real
provider server by the offline engine, against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pulumi
import pytest

import pulumi_compshare as compshare
from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.testing import Player, StepError

from ..kit import client_of, stack_config

OWNER = 50001
STUDENTS = list(range(50002, 50032))  # 30 students
BUDGET = 20000
INFO, AMOUNT = "GetCompShareTeamInfo", "SetCompShareTeamAmount"


@pytest.fixture
def em(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    # One operation's reads are what is counted here, not how long a read is kept: keep reads
    # for the whole operation however slowly a loaded machine plays it.
    monkeypatch.setenv("COMPSHARE_READ_CACHE_SECONDS", "600")
    with Emulator(generate_seed(accounts=32, images=1)) as emulator:
        yield emulator


@pytest.fixture
def player(em: Emulator) -> Iterator[Player]:
    with Player(config=stack_config(em), restart_per_operation=True) as player:
        yield player


def classroom(students: list[int] = STUDENTS) -> Callable[[], None]:
    def program() -> None:
        team = compshare.Team("cv-101", name="cv-101 Computer Vision")
        for cid in students:
            compshare.TeamMembership(
                f"s{cid}", team_id=team.team_id, user_company_id=cid, allocated_amount=BUDGET
            )

    return program


def requests(em: Emulator) -> dict[str, int]:
    return dict(em.stats()["requests"])


def writes(em: Emulator) -> dict[str, int]:
    """The write actions the emulator served (anything not a read)."""
    reads = ("Get", "List", "Describe")
    return {a: n for a, n in requests(em).items() if not a.startswith(reads)}


def relation(em: Emulator, team_id: int, cid: int) -> dict[str, object]:
    (row,) = [
        r for r in em.state()["relations"] if (r["team_id"], r["user_company_id"]) == (team_id, cid)
    ]
    return dict(row)


# ------------------------------------------------------------------------------ budgets


def test_a_converged_classroom_previews_nothing_until_a_member_joins(
    em: Emulator, player: Player
) -> None:
    assert player.up(classroom()).counts() == {"create": 31}
    team_id = int(player.resource("cv-101").outputs["team_id"])

    em.reset_stats()
    plan = player.preview(classroom())
    assert plan.counts() == {"same": 31}
    assert requests(em).get(INFO) == 1  # one read of the team, not one per member
    assert writes(em) == {}

    result = player.up(classroom(), skip_preview=True)  # just previewed: pulumi up --skip-preview
    assert result.counts() == {"same": 31}
    assert writes(em) == {}

    em.accept_invite(team_id, 50010)
    em.reset_stats()
    plan = player.preview(classroom())
    assert plan.counts() == {"same": 30, "update": 1}
    assert plan.ops()["s50010"] == "update"
    why = f"allocated_amount: grant {BUDGET} fen (account 50010 has joined team {team_id}"
    assert any(why in line for line in plan.messages), plan.messages
    assert requests(em).get(INFO) == 1 and writes(em) == {}

    result = player.up(classroom(), skip_preview=True)
    assert result.counts() == {"same": 30, "update": 1}
    assert relation(em, team_id, 50010)["allocate_amount"] == BUDGET
    assert writes(em) == {AMOUNT: 1}
    state = player.resource("s50010").outputs
    assert (state["granted_amount"], state["budget_pending"]) == (BUDGET, False)

    em.reset_stats()
    assert player.preview(classroom()).counts() == {"same": 31}
    assert player.up(classroom(), skip_preview=True).counts() == {"same": 31}
    assert writes(em) == {}


def test_a_budget_given_as_text_is_taken_like_an_id(em: Emulator, player: Player) -> None:
    def program() -> None:
        team = compshare.Team("t", name="t")
        compshare.TeamMembership(
            "m",
            team_id=team.team_id,
            user_company_id="50002",  # type: ignore[arg-type]  # e.g. from a CSV
            allocated_amount="20000",  # type: ignore[arg-type]
        )

    player.up(program)
    outputs = player.resource("m").outputs
    assert (outputs["user_company_id"], outputs["allocated_amount"]) == (50002, BUDGET)
    assert player.preview(program).counts() == {"same": 2}


def test_an_amount_that_is_not_whole_fen_fails_in_preview(em: Emulator, player: Player) -> None:
    def program() -> None:
        compshare.TeamMembership("m", team_id=1001, user_company_id=50002, allocated_amount="20.5")  # type: ignore[arg-type]

    em.reset_stats()
    with pytest.raises(StepError, match=r"allocated_amount must be a whole number of fen"):
        player.preview(program)
    assert requests(em) == {}


# ------------------------------------------------------------------------------ renames


def membership(name: str, aliases: list[pulumi.Alias] | None = None) -> Callable[[], None]:
    def program() -> None:
        team = compshare.Team("team", name="ml")
        compshare.TeamMembership(
            name,
            team_id=team.team_id,
            user_company_id=50002,
            allocated_amount=BUDGET,
            opts=pulumi.ResourceOptions(aliases=aliases),
        )

    return program


def test_a_membership_renamed_without_an_alias_stays_in_the_team(
    em: Emulator, player: Player
) -> None:
    player.up(membership("alice"))
    team_id = int(player.resource("team").outputs["team_id"])
    em.accept_invite(team_id, 50002)
    player.up(membership("alice"))  # grants the budget once she has joined
    assert relation(em, team_id, 50002)["allocate_amount"] == BUDGET

    em.reset_stats()
    result = player.up(membership("alice-chen"))
    assert result.ops() == {"team": "same", "alice-chen": "create", "alice": "delete"}
    row = relation(em, team_id, 50002)
    assert (row["status"], row["allocate_amount"], row["available_amount"]) == (
        "Joined",
        BUDGET,
        BUDGET,
    )  # not removed, nothing withdrawn
    assert AMOUNT not in writes(em) and "SetCompShareTeamRelation" not in writes(em)
    assert any("left account 50002 in team" in line for line in result.messages)
    assert player.resource("alice-chen").outputs["status"] == "Joined"
    assert player.preview(membership("alice-chen")).counts() == {"same": 2}


def test_a_membership_renamed_with_an_alias_is_no_change(em: Emulator, player: Player) -> None:
    player.up(membership("alice"))
    em.reset_stats()
    renamed = membership("alice-chen", aliases=[pulumi.Alias(name="alice")])
    assert player.preview(renamed).ops() == {"team": "same", "alice-chen": "same"}
    assert player.up(renamed, skip_preview=True).ops() == {"team": "same", "alice-chen": "same"}
    assert writes(em) == {}
    assert player.resource("alice-chen").outputs["status"] == "Pending"
    with pytest.raises(KeyError):
        player.resource("alice")


def share(name: str, aliases: list[pulumi.Alias] | None = None) -> Callable[[], None]:
    def program() -> None:
        compshare.ImageShare(
            name,
            image_id=IMAGE,
            account_ids=[50003, 50004],
            opts=pulumi.ResourceOptions(aliases=aliases),
        )

    return program


IMAGE = generate_seed(accounts=32, images=1).images[0].id


def shared_with(em: Emulator) -> list[int]:
    (row,) = [i for i in em.state()["images"] if i["id"] == IMAGE]
    return sorted(row["shared_with"])


def test_an_image_share_renamed_without_an_alias_stays_shared(em: Emulator, player: Player) -> None:
    player.up(share("course-image"))
    assert shared_with(em) == [50003, 50004]
    result = player.up(share("lab-image"))
    assert result.ops() == {"lab-image": "create", "course-image": "delete"}
    assert shared_with(em) == [50003, 50004]
    assert any("left 50003, 50004 shared" in line for line in result.messages)
    assert player.preview(share("lab-image")).counts() == {"same": 1}
    player.destroy()  # the next deployment's delete removes them as usual
    assert shared_with(em) == []


def test_an_image_share_renamed_with_an_alias_is_no_change(em: Emulator, player: Player) -> None:
    player.up(share("course-image"))
    em.reset_stats()
    result = player.up(share("lab-image", aliases=[pulumi.Alias(name="course-image")]))
    assert result.ops() == {"lab-image": "same"}
    assert writes(em) == {} and shared_with(em) == [50003, 50004]


# ------------------------------------------------------------------------------ internal fields


def test_a_console_rename_shows_as_a_name_change_and_the_marker_nowhere(
    em: Emulator,
) -> None:
    lines: list[str] = []
    with Player(config=stack_config(em), printer=lines.append) as player:

        def program() -> dict[str, object]:
            team = compshare.Team("team", name="ml", description="GPU lab")
            return {"team_id": team.team_id}

        player.up(program)
        team_id = int(player.resource("team").outputs["team_id"])
        em.rename_team(team_id, "ml-renamed", "GPU lab")
        refreshed = player.refresh()
        assert refreshed.step("team").line == '  ~ Team team refresh [name: "ml" => "ml-renamed"]'
        assert player.preview(program).step("team").op == "update"
        player.up(program, skip_preview=True)
        assert em.state()["teams"][-1]["name"] == "ml"
        player.refresh()
        state = player.resource("team")
        assert not any("marker" in key for key in state.outputs)
    printed = "\n".join(lines)
    assert "marker" not in printed and "pulumi-compshare creating" not in printed


# ------------------------------------------------------------------------------ error lines


def test_destroying_a_team_with_members_says_how_pulumi_orders_the_deletes(
    em: Emulator, player: Player
) -> None:
    def program() -> None:
        compshare.Team("team", name="ml")

    player.up(program)
    team_id = int(player.resource("team").outputs["team_id"])
    owner = client_of(em, OWNER)
    owner.create_team_relations(team_id, [{"user_company_id": 50002}])
    em.accept_invite(team_id, 50002)
    with pytest.raises(StepError) as caught:
        player.destroy()
    message = str(caught.value)
    assert "\n" not in message
    assert f"Team {team_id}: DeleteCompShareTeam refused: the team still has 1 joined " in message
    assert "(50002)" in message and "team_id=team.team_id" in message
