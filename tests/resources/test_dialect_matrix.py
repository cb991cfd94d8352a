"""Every resource's life cycle against every emulator dialect (and ``strict``, and the default
reading as the control), through the real provider server.

A cell is one step of one resource in one dialect: create, adopt (take over an object made out of
band), update, refresh with drift (a change made out of band), delete, delete twice, get. Every
cell sets up its own starting point with a second client, so a failing cell does not hide the
others. One emulator and one provider server serve all cells of a dialect (the read cache is off,
so out-of-band changes are seen without restarting the provider).

Where a dialect makes an operation impossible (under ``cancel-pending-only`` a joined member
cannot be removed through the API), the cell expects one clear line naming the member and saying
what to do: remove them in the console, or ``retain_on_delete=True``.

Every column plays both servings (``tests/servings.py``): the dynamic resources, and the same
resources served by the provider plugin (as for a program of ``pulumi_compshare.native``
classes). The ``default``, ``strict`` and ``outside-strict`` (every dialect strict leaves out)
columns run by default for the dynamic serving, the ``default`` column for the plugin; the rest
is marked ``slow``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from pulumi_compshare.client import CompShareAPIError, CompShareClient
from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.resources import (
    ImageShareProvider,
    TeamInviteAccepterProvider,
    TeamMembershipProvider,
    TeamProvider,
)

from ..kit import Engine, ProviderCallError, Res, client_of, dialect_params, stack_config
from ..servings import DYNAMIC, SERVINGS, plugins_of

OWNER, TEAM = 50001, 1001
ACCOUNTS, IMAGES = 24, 10
DIALECT_PARAMS = dialect_params(default="default")
"""The default run plays every cell in the default reading, under ``strict`` and under every
dialect strict leaves out; the one-dialect columns are marked ``slow`` (README's second test
command)."""
WORLD_PARAMS = [
    pytest.param(
        (column.values[0], serving),
        id=f"{column.id}-{serving}",
        marks=column.marks if serving == DYNAMIC or column.id == "default" else [pytest.mark.slow],
    )
    for serving in SERVINGS
    for column in DIALECT_PARAMS
]
"""Each column in each serving: the plugin's only in the ``default`` column by default."""


@dataclass
class World:
    """One dialect's emulator, provider server and a supply of fresh accounts and images."""

    dialect: str
    em: Emulator
    engine: Engine
    users: Iterator[int]
    images: Iterator[str]
    names: Iterator[int] = field(default_factory=itertools.count)
    clients: dict[int, CompShareClient] = field(default_factory=dict)

    def user(self) -> tuple[int, str]:
        """An account no other cell uses, and its profile name."""
        company_id = next(self.users)
        return company_id, f"u{company_id}"

    def image(self) -> str:
        return next(self.images)

    def name(self, prefix: str) -> str:
        return f"{prefix}-{next(self.names)}"

    def client(self, company_id: int) -> CompShareClient:
        if company_id not in self.clients:
            self.clients[company_id] = client_of(self.em, company_id)
        return self.clients[company_id]

    @property
    def owner(self) -> CompShareClient:
        return self.client(OWNER)

    def relation(self, user: int) -> dict[str, Any] | None:
        for row in self.em.state()["relations"]:
            if row["team_id"] == TEAM and row["user_company_id"] == user:
                return dict(row)
        return None

    def team(self, team_id: int | str) -> dict[str, Any]:
        (found,) = [t for t in self.em.state()["teams"] if str(t["id"]) == str(team_id)]
        return dict(found)

    def shared(self, image: str) -> list[int]:
        (found,) = [i for i in self.em.state()["images"] if i["id"] == image]
        return sorted(found["shared_with"])

    def requests(self) -> dict[str, int]:
        return dict(self.em.stats()["requests"])


@pytest.fixture(scope="module", params=WORLD_PARAMS)
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    dialect, serving = request.param
    seed = generate_seed(accounts=ACCOUNTS, teams=1, images=IMAGES)
    with Emulator(seed, dialects=None if dialect == "default" else dialect) as em:
        profiles = {f"u{a.company_id}": a.company_id for a in seed.accounts[1:]}
        engine = Engine(
            stack_config(em, owner=OWNER, **profiles),
            env={"COMPSHARE_READ_CACHE_SECONDS": "0"},
            plugins=plugins_of(serving),
        )
        world = World(
            dialect,
            em,
            engine,
            iter([a.company_id for a in seed.accounts[1:]]),
            iter([i.id for i in seed.images]),
        )
        try:
            yield world
        finally:
            for client in world.clients.values():
                client.close()
            engine.close()


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text.strip(), text
    return text


# ------------------------------------------------------------------------------------ Team


def team_create(w: World) -> None:
    name = w.name("team")
    team = w.engine.create(w.engine.new("Team", name, TeamProvider()), {"name": name})
    assert team.id == str(int(team.outputs["team_id"])) and team.outputs["company_id"] == OWNER
    assert w.team(team.id)["name"] == name and not w.team(team.id)["deleted"]


def team_adopt(w: World) -> None:
    existing = w.name("made-elsewhere")
    w.owner.create_team(existing, "old")
    (team_id,) = [t.id for t in w.owner.list_teams() if t.name == existing]
    name = w.name("adopted")
    team = w.engine.create(
        w.engine.new("Team", name, TeamProvider()),
        {"name": name, "description": "ours", "adopt_team_id": team_id},
    )
    assert team.id == str(team_id)
    assert (w.team(team_id)["name"], w.team(team_id)["description"]) == (name, "ours")


def _team(w: World, description: str = "GPU budget") -> tuple[Res, dict[str, Any]]:
    name = w.name("team")
    inputs = {"name": name, "description": description}
    return w.engine.create(w.engine.new("Team", name, TeamProvider()), inputs), inputs


def team_update(w: World) -> None:
    team, inputs = _team(w)
    op, team = w.engine.up(team, {**inputs, "description": ""})
    assert op == "update" and w.team(team.id)["description"] == ""
    assert w.engine.up(team, {**inputs, "description": ""})[0] == "same"
    op, team = w.engine.up(team, {**inputs, "name": inputs["name"] + "-x"})
    assert op == "update" and w.team(team.id)["name"] == inputs["name"] + "-x"


def team_refresh_drift(w: World) -> None:
    team, inputs = _team(w)
    w.owner.update_team(team.id, name="renamed", description="")
    refreshed = w.engine.refresh(team)
    assert refreshed is not None
    assert refreshed.outputs["name"] == "renamed"
    assert refreshed.outputs.get("description") in ("", None)
    op, team = w.engine.up(refreshed, inputs)
    assert op == "update"
    assert (w.team(team.id)["name"], w.team(team.id)["description"]) == (
        inputs["name"],
        inputs["description"],
    )


def team_delete(w: World) -> None:
    team, _ = _team(w)
    w.engine.delete(team)
    assert w.team(team.id)["deleted"]
    assert w.engine.refresh(team) is None


def team_delete_twice(w: World) -> None:
    team, _ = _team(w)
    w.engine.delete(team)
    w.engine.delete(team)
    assert w.team(team.id)["deleted"]


def team_get(w: World) -> None:
    found, outputs = w.engine.get(w.engine.new("Team", w.name("get"), TeamProvider()), "1001", {})
    assert found == "1001"
    assert (outputs["name"], outputs["company_id"], outputs["team_id"]) == ("team-1", OWNER, TEAM)


# ------------------------------------------------------------------------------ TeamMembership


def _membership(w: World, user: int, remark: str = "R") -> tuple[Res, dict[str, Any]]:
    inputs = {"team_id": TEAM, "user_company_id": user, "remark_name": remark}
    res = w.engine.new("TeamMembership", w.name("m"), TeamMembershipProvider())
    return w.engine.create(res, inputs), inputs


def membership_create(w: World) -> None:
    user, _ = w.user()
    m, _ = _membership(w, user)
    assert m.id == f"{TEAM}:{user}"
    assert (m.outputs["status"], m.outputs["remark_name"]) == ("Pending", "R")
    assert m.outputs["virtual_company_id"] > 0 and m.outputs["team_name"] == "team-1"
    assert w.relation(user)["status"] == "Pending"  # type: ignore[index]


def membership_adopt(w: World) -> None:
    user, _ = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user, "remark_name": "R0"}])
    w.em.reset_stats()
    m, _ = _membership(w, user, "R1")
    assert "CreateCompShareTeamRelation" not in w.requests()
    assert m.outputs["status"] == "Pending"
    assert w.relation(user)["remark_name"] == "R1"  # type: ignore[index]


def membership_update(w: World) -> None:
    user, _ = w.user()
    m, inputs = _membership(w, user)
    op, m = w.engine.up(m, {**inputs, "remark_name": "Renamed"})
    assert op == "update" and m.outputs["remark_name"] == "Renamed"
    assert w.relation(user)["remark_name"] == "Renamed"  # type: ignore[index]


def membership_refresh_drift(w: World) -> None:
    user, _ = w.user()
    m, inputs = _membership(w, user)
    w.client(user).set_team_relation(TEAM, "Agree")
    w.owner.set_team_relation(TEAM, "UpdateRemarkName", user, "drifted")
    refreshed = w.engine.refresh(m)
    assert refreshed is not None
    assert (refreshed.outputs["status"], refreshed.outputs["remark_name"]) == ("Joined", "drifted")
    op, m = w.engine.up(refreshed, inputs)
    assert op == "update" and w.relation(user)["remark_name"] == "R"  # type: ignore[index]


def membership_delete(w: World) -> None:
    user, _ = w.user()
    m, _ = _membership(w, user)
    w.engine.delete(m)
    assert w.relation(user)["status"] == "Canceled"  # type: ignore[index]
    assert w.engine.refresh(m) is None


def membership_delete_joined(w: World) -> None:
    user, _ = w.user()
    m, _ = _membership(w, user)
    w.client(user).set_team_relation(TEAM, "Agree")
    if "cancel-pending-only" not in w.em.dialects:
        w.engine.delete(m)
        assert w.relation(user)["status"] == "Canceled"  # type: ignore[index]
        return
    with pytest.raises(ProviderCallError) as caught:
        w.engine.delete(m)
    assert re.search(
        rf"TeamMembership {TEAM}:{user}\b.*\b{user}\b.*"
        r"remove them in the (CompShare )?console.*retain_on_delete=True",
        one_line(caught.value),
    ), str(caught.value)
    assert w.relation(user)["status"] == "Joined"  # type: ignore[index]


def membership_delete_twice(w: World) -> None:
    user, _ = w.user()
    m, _ = _membership(w, user)
    w.engine.delete(m)
    w.em.reset_stats()
    w.engine.delete(m)
    assert "SetCompShareTeamRelation" not in w.requests()
    assert w.relation(user)["status"] == "Canceled"  # type: ignore[index]


def membership_get(w: World) -> None:
    user, _ = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user, "remark_name": "C"}])
    res = w.engine.new("TeamMembership", w.name("get"), TeamMembershipProvider())
    found, outputs = w.engine.get(res, f"{TEAM}:{user}", {"profile": None})
    assert found == f"{TEAM}:{user}"
    assert (outputs["status"], outputs["remark_name"]) == ("Pending", "C")
    assert (outputs["team_id"], outputs["user_company_id"]) == (TEAM, user)


# -------------------------------------------------------------------------- TeamInviteAccepter


def _accepter(w: World, profile: str) -> Res:
    res = w.engine.new("TeamInviteAccepter", w.name("a"), TeamInviteAccepterProvider())
    return w.engine.create(res, {"team_id": TEAM, "profile": profile})


def accepter_create(w: World) -> None:
    user, profile = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user}])
    a = _accepter(w, profile)
    assert a.id == f"{TEAM}:{user}"
    assert (a.outputs["status"], a.outputs["owner_company_id"]) == ("Joined", OWNER)
    assert w.relation(user)["status"] == "Joined"  # type: ignore[index]


def accepter_adopt(w: World) -> None:
    user, profile = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user}])
    w.client(user).set_team_relation(TEAM, "Agree")
    a = _accepter(w, profile)  # already joined: success
    assert a.outputs["status"] == "Joined" and a.id == f"{TEAM}:{user}"


def accepter_update(w: World) -> None:
    user, profile = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user}])
    a = _accepter(w, profile)
    assert w.engine.up(a, {"team_id": TEAM, "profile": profile})[0] == "same"


def accepter_refresh_drift(w: World) -> None:
    user, profile = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user}])
    a = _accepter(w, profile)
    refreshed = w.engine.refresh(a)
    assert refreshed is not None and refreshed.outputs["status"] == "Joined"
    try:
        w.owner.set_team_relation(TEAM, "Cancel", user)  # the owner removes them
    except CompShareAPIError:
        assert "cancel-pending-only" in w.em.dialects  # not possible in this reading
        return
    assert w.engine.refresh(refreshed) is None


def accepter_delete(w: World) -> None:
    user, profile = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user}])
    a = _accepter(w, profile)
    w.em.reset_stats()
    w.engine.delete(a)
    assert w.requests() == {}
    assert w.relation(user)["status"] == "Joined"  # type: ignore[index]


def accepter_delete_twice(w: World) -> None:
    user, profile = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user}])
    a = _accepter(w, profile)
    w.engine.delete(a)
    w.engine.delete(a)
    assert w.relation(user)["status"] == "Joined"  # type: ignore[index]


def accepter_get(w: World) -> None:
    user, profile = w.user()
    w.owner.create_team_relations(TEAM, [{"user_company_id": user}])
    w.client(user).set_team_relation(TEAM, "Agree")
    res = w.engine.new("TeamInviteAccepter", w.name("get"), TeamInviteAccepterProvider())
    found, outputs = w.engine.get(res, f"{TEAM}:{user}", {"team_id": TEAM, "profile": profile})
    assert found == f"{TEAM}:{user}"
    assert (outputs["status"], outputs["user_company_id"]) == ("Joined", user)


# --------------------------------------------------------------------------------- ImageShare


def _share(w: World, image: str, accounts: list[int]) -> tuple[Res, dict[str, Any]]:
    inputs = {"image_id": image, "account_ids": accounts}
    res = w.engine.new("ImageShare", w.name("s"), ImageShareProvider())
    return w.engine.create(res, inputs), inputs


A, B, C = 50002, 50003, 50004  # sharing does not use up an account: every cell may share with them


def share_create(w: World) -> None:
    image = w.image()
    s, _ = _share(w, image, [B, A, A])
    assert s.id == image and s.outputs["account_ids"] == [A, B]
    assert w.shared(image) == [A, B]


def share_create_invalid(w: World) -> None:
    image = w.image()
    with pytest.raises(ProviderCallError) as caught:
        _share(w, image, [A, 99999])
    assert "99999" in one_line(caught.value) and "InvalidAccounts" in str(caught.value)
    assert w.shared(image) == []


def share_adopt(w: World) -> None:
    image = w.image()
    w.owner.modify_image_share_accounts(image, add=[A])
    s, _ = _share(w, image, [A, B])
    assert s.outputs["account_ids"] == [A, B] and w.shared(image) == [A, B]


def share_update(w: World) -> None:
    image = w.image()
    s, inputs = _share(w, image, [A])
    op, s = w.engine.up(s, {**inputs, "account_ids": [A, B]})
    assert op == "update" and w.shared(image) == [A, B]
    op, s = w.engine.up(s, {**inputs, "account_ids": [B]})
    assert op == "update" and w.shared(image) == [B]


def share_refresh_drift(w: World) -> None:
    image = w.image()
    s, inputs = _share(w, image, [A, B])
    w.owner.modify_image_share_accounts(image, add=[C], remove=[B])
    refreshed = w.engine.refresh(s)
    assert refreshed is not None
    assert refreshed.outputs["account_ids"] == [A]
    assert refreshed.outputs["unmanaged_account_ids"] == [C]
    op, s = w.engine.up(refreshed, inputs)
    assert op == "update" and w.shared(image) == [A, B, C]


def share_delete(w: World) -> None:
    image = w.image()
    s, _ = _share(w, image, [A, B])
    w.engine.delete(s)
    assert w.shared(image) == []


def share_delete_twice(w: World) -> None:
    image = w.image()
    s, _ = _share(w, image, [A])
    w.engine.delete(s)
    w.engine.delete(s)
    assert w.shared(image) == []


def share_get(w: World) -> None:
    image = w.image()
    w.owner.modify_image_share_accounts(image, add=[A, C])
    res = w.engine.new("ImageShare", w.name("get"), ImageShareProvider())
    found, outputs = w.engine.get(res, image, {"account_ids": [A]})
    assert found == image
    assert (outputs["account_ids"], outputs["unmanaged_account_ids"]) == ([A], [C])


# ------------------------------------------------------------------------------------ cells

Step = Callable[[World], None]


def _steps(*steps: Step) -> Any:
    return pytest.mark.parametrize(
        "step", steps, ids=[s.__name__.split("_", 1)[1].replace("_", "-") for s in steps]
    )


@_steps(
    team_create,
    team_adopt,
    team_update,
    team_refresh_drift,
    team_delete,
    team_delete_twice,
    team_get,
)
def test_team(world: World, step: Step) -> None:
    step(world)


@_steps(
    membership_create,
    membership_adopt,
    membership_update,
    membership_refresh_drift,
    membership_delete,
    membership_delete_joined,
    membership_delete_twice,
    membership_get,
)
def test_team_membership(world: World, step: Step) -> None:
    step(world)


@_steps(
    accepter_create,
    accepter_adopt,
    accepter_update,
    accepter_refresh_drift,
    accepter_delete,
    accepter_delete_twice,
    accepter_get,
)
def test_team_invite_accepter(world: World, step: Step) -> None:
    step(world)


@_steps(
    share_create,
    share_create_invalid,
    share_adopt,
    share_update,
    share_refresh_drift,
    share_delete,
    share_delete_twice,
    share_get,
)
def test_image_share(world: World, step: Step) -> None:
    step(world)
