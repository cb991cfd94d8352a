"""The four resources driven the way the Pulumi engine drives them: a real ``python -m
pulumi.dynamic`` server over gRPC, against the emulator over HTTP, with out-of-band changes made
by a second client."""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from typing import Any

import dill
import pytest

from pulumi_compshare.emulator import Emulator
from pulumi_compshare.resources import (
    ImageShareProvider,
    TeamInviteAccepterProvider,
    TeamMembershipProvider,
    TeamProvider,
)
from pulumi_compshare.testing import LifeCycleTest, Operation
from pulumi_compshare.testing.engine import UNKNOWN, ProviderCallError

from ..kit import Engine, client_of, stack_config
from ..registry import NAMES, providers
from ..servings import PLUGIN, plugins_of, serving_params

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004
TEAM, IMAGE, IMAGE2 = 1001, "compshareImage-abc", "compshareImage-def"


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(params=serving_params())
def serving(request: pytest.FixtureRequest) -> str:
    """Each test plays both servings (``tests/servings.py``): the plugin's is ``slow`` but in
    ``test_team_lifecycle``."""
    value: str = request.param
    return value


@pytest.fixture
def engine(em: Emulator, serving: str) -> Iterator[Engine]:
    engine = Engine(stack_config(em, alice=ALICE, bob=BOB), plugins=plugins_of(serving))
    yield engine
    engine.close()


def relation(em: Emulator, team: int, user: int) -> dict[str, Any] | None:
    for row in em.state()["relations"]:
        if row["team_id"] == team and row["user_company_id"] == user:
            return dict(row)
    return None


def shared(em: Emulator, image: str) -> list[int]:
    (found,) = [i for i in em.state()["images"] if i["id"] == image]
    return list(found["shared_with"])


@pytest.mark.parametrize("serving", serving_params(plugin_by_default=True))
def test_team_lifecycle(em: Emulator, engine: Engine) -> None:
    team = engine.new("Team", "ml", TeamProvider())
    em.reset_stats()
    inputs, failures = engine.preview(team, {"name": "ml-research"})
    assert failures == [] and inputs["name"] == "ml-research"
    assert em.stats()["requests"] == {}  # preview calls no API

    engine.create(team, {"name": "ml-research", "description": "GPU budget"})
    assert team.id == str(int(team.outputs["team_id"]))
    assert team.outputs["company_id"] == OWNER
    assert {t["name"] for t in em.state()["teams"]} >= {"ml-research"}

    op, team = engine.up(team, {"name": "ml", "description": "GPU budget"})
    assert op == "update"
    assert [t["name"] for t in em.state()["teams"] if str(t["id"]) == team.id] == ["ml"]
    assert engine.up(team, {"name": "ml", "description": "GPU budget"})[0] == "same"

    # renamed in the console: refresh shows it, the next up puts it back
    client_of(em, OWNER).update_team(team.id, name="renamed", description="GPU budget")
    engine.next_command()
    refreshed = engine.refresh(team)
    assert refreshed is not None and refreshed.outputs["name"] == "renamed"
    assert engine.up(team, {"name": "ml", "description": "GPU budget"})[0] == "update"

    _, diff = engine.plan(team, {"name": "ml", "description": "GPU budget", "profile": "alice"})
    assert diff.replaces == ["profile"]

    # import by id alone: only the plugin serves it (the dynamic server needs the pickled
    # provider, pulumi#16175); the adopted team's next up is "same"
    adopted = engine.new("Team", "adopted", TeamProvider())
    if engine.serving == PLUGIN:
        engine.import_(adopted, team.id)
        assert adopted.inputs == {"name": "ml", "description": "GPU budget"}
        assert engine.up(adopted, {"name": "ml", "description": "GPU budget"})[0] == "same"
        # the plugin's preview: Create(preview=true), no API call; a plan names each property
        em.reset_stats()
        fresh = engine.new("Team", "fresh", TeamProvider())
        engine.preview(fresh, {"name": "fresh"})
        assert ("Create", fresh.urn) in engine.server.calls and em.stats()["requests"] == {}
        assert set(diff.detailed) == {"profile"}
    else:
        with pytest.raises(ProviderCallError, match="__provider"):
            engine.import_(adopted, team.id)

    engine.delete(team)
    engine.delete(team)  # twice: already gone is success
    assert engine.refresh(team) is None


def test_membership_lifecycle_and_out_of_band_changes(em: Emulator, engine: Engine) -> None:
    alice = client_of(em, ALICE)
    owner = client_of(em, OWNER)
    m = engine.new("TeamMembership", "alice", TeamMembershipProvider())
    engine.create(m, {"team_id": TEAM, "user_company_id": float(ALICE), "remark_name": "Alice"})
    assert m.id == f"{TEAM}:{ALICE}"
    assert m.outputs["status"] == "Pending" and m.outputs["virtual_company_id"] > 0
    assert m.outputs["team_name"] == "demo-team"

    alice.set_team_relation(TEAM, "Agree")
    engine.next_command()
    assert (refreshed := engine.refresh(m)) is not None
    assert refreshed.outputs["status"] == "Joined"

    op, m = engine.up(m, {"team_id": TEAM, "user_company_id": ALICE, "remark_name": "Alice L."})
    assert op == "update"
    assert relation(em, TEAM, ALICE) == {**relation(em, TEAM, ALICE), "remark_name": "Alice L."}  # type: ignore[dict-item]

    # the owner removes her in the console: refresh drops the resource, up invites again
    owner.set_team_relation(TEAM, "Cancel", ALICE)
    engine.next_command()
    assert engine.refresh(m) is None
    m = engine.create(
        engine.new("TeamMembership", "alice", TeamMembershipProvider()),
        {"team_id": TEAM, "user_company_id": ALICE, "remark_name": "Alice L."},
    )
    assert m.outputs["status"] == "Pending"

    # she rejects: the resource stays, Rejected; no re-invite unless asked
    alice.set_team_relation(TEAM, "Reject")
    engine.next_command()
    assert (refreshed := engine.refresh(m)) is not None
    assert refreshed.outputs["status"] == "Rejected"
    inputs = {"team_id": TEAM, "user_company_id": ALICE, "remark_name": "Alice L."}
    assert engine.up(m, inputs)[0] == "same"
    assert relation(em, TEAM, ALICE)["status"] == "Rejected"  # type: ignore[index]
    op, m = engine.up(m, {**inputs, "reinvite_on_reject": True})
    assert op == "update" and m.outputs["status"] == "Pending"

    _, diff = engine.plan(m, {**inputs, "user_company_id": BOB})
    assert diff.replaces == ["user_company_id"] and not diff.delete_before_replace
    _, diff = engine.plan(m, {**inputs, "profile": "alice"})
    assert diff.replaces == ["profile"] and diff.delete_before_replace

    em.reset_stats()
    engine.delete(m)
    assert relation(em, TEAM, ALICE)["status"] == "Canceled"  # type: ignore[index]
    engine.delete(m)  # twice: nothing left to cancel, no write
    assert em.stats()["requests"].get("SetCompShareTeamRelation") == 1


def test_membership_create_adopts_existing_invite(em: Emulator, engine: Engine) -> None:
    client_of(em, OWNER).create_team_relations(TEAM, [{"user_company_id": BOB}])
    em.reset_stats()
    m = engine.create(
        engine.new("TeamMembership", "bob", TeamMembershipProvider()),
        {"team_id": TEAM, "user_company_id": BOB},
    )
    assert m.outputs["status"] == "Pending"
    requests = em.stats()["requests"]
    assert "CreateCompShareTeamRelation" not in requests
    assert "SetCompShareTeamRelation" not in requests


def test_membership_does_not_reinvite_an_account_that_rejected(
    em: Emulator, engine: Engine
) -> None:
    client_of(em, OWNER).create_team_relations(TEAM, [{"user_company_id": BOB}])
    client_of(em, BOB).set_team_relation(TEAM, "Reject")
    m = engine.create(
        engine.new("TeamMembership", "bob", TeamMembershipProvider()),
        {"team_id": TEAM, "user_company_id": BOB},
    )
    assert m.outputs["status"] == "Rejected"
    assert relation(em, TEAM, BOB)["status"] == "Rejected"  # type: ignore[index]
    assert "reinvite_on_reject" in engine.wait_for_stderr("reinvite_on_reject")


def test_membership_of_missing_team_fails_in_one_line(engine: Engine) -> None:
    m = engine.new("TeamMembership", "x", TeamMembershipProvider())
    with pytest.raises(ProviderCallError) as caught:
        engine.create(m, {"team_id": 4242, "user_company_id": ALICE})
    message = str(caught.value)
    assert "\n" not in message
    assert "TeamMembership 4242:50002" in message and "team 4242 does not exist" in message


def test_invite_accepter(em: Emulator, engine: Engine) -> None:
    accepter = engine.new("TeamInviteAccepter", "join", TeamInviteAccepterProvider())
    with pytest.raises(ProviderCallError, match=r"no pending invite to team 1001"):
        engine.create(accepter, {"team_id": TEAM, "profile": "alice"})

    engine.create(
        engine.new("TeamMembership", "alice", TeamMembershipProvider()),
        {"team_id": TEAM, "user_company_id": ALICE},
    )
    engine.create(accepter, {"team_id": TEAM, "profile": "alice"})
    assert accepter.id == f"{TEAM}:{ALICE}"
    assert accepter.outputs["status"] == "Joined"
    assert accepter.outputs["owner_company_id"] == OWNER
    assert relation(em, TEAM, ALICE)["status"] == "Joined"  # type: ignore[index]

    again = engine.create(
        engine.new("TeamInviteAccepter", "again", TeamInviteAccepterProvider()),
        {"team_id": TEAM, "profile": "alice"},
    )
    assert again.outputs["status"] == "Joined"  # already joined: success

    em.reset_stats()
    engine.delete(accepter)  # does nothing
    engine.delete(accepter)
    assert em.stats()["requests"] == {}
    assert relation(em, TEAM, ALICE)["status"] == "Joined"  # type: ignore[index]

    client_of(em, OWNER).set_team_relation(TEAM, "Cancel", ALICE)
    engine.next_command()
    assert engine.refresh(accepter) is None


def test_image_share_additive_drift_and_exclusive(em: Emulator, engine: Engine) -> None:
    share = engine.new("ImageShare", "cuda", ImageShareProvider())
    engine.create(share, {"image_id": IMAGE, "account_ids": [BOB, ALICE, ALICE]})
    assert share.id == IMAGE
    assert share.outputs["account_ids"] == [ALICE, BOB]
    assert shared(em, IMAGE) == [ALICE, BOB]

    # order and duplicates never cause a diff
    assert engine.up(share, {"image_id": IMAGE, "account_ids": [BOB, ALICE, BOB]})[0] == "same"

    # someone removes bob and adds carol in the console
    owner = client_of(em, OWNER)
    owner.modify_image_share_accounts(IMAGE, add=[CAROL], remove=[BOB])
    engine.next_command()
    assert (refreshed := engine.refresh(share)) is not None
    assert refreshed.outputs["account_ids"] == [ALICE]
    assert refreshed.outputs["unmanaged_account_ids"] == [CAROL]

    op, share = engine.up(share, {"image_id": IMAGE, "account_ids": [ALICE, BOB]})
    assert op == "update"
    assert sorted(shared(em, IMAGE)) == [ALICE, BOB, CAROL]  # additive: carol stays
    assert share.outputs["unmanaged_account_ids"] == [CAROL]

    op, share = engine.up(
        share, {"image_id": IMAGE, "account_ids": [ALICE, BOB], "exclusive": True}
    )
    assert op == "update" and sorted(shared(em, IMAGE)) == [ALICE, BOB]

    op, share = engine.up(share, {"image_id": IMAGE, "account_ids": [ALICE]})
    assert shared(em, IMAGE) == [ALICE]

    engine.delete(share)
    assert shared(em, IMAGE) == []
    engine.delete(share)


def test_image_share_invalid_accounts_are_undone(em: Emulator, engine: Engine) -> None:
    share = engine.new("ImageShare", "bad", ImageShareProvider())
    with pytest.raises(ProviderCallError) as caught:
        engine.create(share, {"image_id": IMAGE2, "account_ids": [ALICE, 99999]})
    assert "99999" in str(caught.value) and "InvalidAccounts" in str(caught.value)
    assert shared(em, IMAGE2) == []


def test_image_share_of_missing_image(engine: Engine) -> None:
    share = engine.new("ImageShare", "gone", ImageShareProvider())
    with pytest.raises(ProviderCallError, match="compshareImage-nope does not exist"):
        engine.create(share, {"image_id": "compshareImage-nope", "account_ids": [ALICE]})
    share.id = "compshareImage-nope"
    share.outputs = {
        "image_id": "compshareImage-nope",
        "account_ids": [ALICE],
        "unmanaged_account_ids": [],
        "__provider": share.provider,
    }
    assert engine.refresh(share) is None
    engine.delete(share)  # a missing image counts as deleted


def test_preview_with_unknown_inputs(em: Emulator, engine: Engine) -> None:
    em.reset_stats()
    m = engine.new("TeamMembership", "later", TeamMembershipProvider())
    inputs, failures = engine.preview(m, {"team_id": UNKNOWN, "user_company_id": ALICE})
    assert failures == [] and inputs["team_id"] == UNKNOWN
    share = engine.new("ImageShare", "later", ImageShareProvider())
    _, failures = engine.preview(share, {"image_id": IMAGE, "account_ids": [ALICE, UNKNOWN]})
    assert failures == []
    _, failures = engine.preview(share, {"image_id": UNKNOWN, "account_ids": UNKNOWN})
    assert failures == []
    team = engine.new("Team", "later", TeamProvider())
    inputs, failures = engine.preview(team, {"name": UNKNOWN, "description": "d"})
    assert failures == [] and inputs["name"] == UNKNOWN
    accepter = engine.new("TeamInviteAccepter", "later", TeamInviteAccepterProvider())
    _, failures = engine.preview(accepter, {"team_id": UNKNOWN, "profile": "alice"})
    assert failures == []
    assert em.stats()["requests"] == {}

    engine.create(m, {"team_id": TEAM, "user_company_id": ALICE})
    _, diff = engine.plan(m, {"team_id": UNKNOWN, "user_company_id": ALICE})
    assert diff.changes is True and diff.replaces == ["team_id"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


BAD_INPUTS: list[tuple[str, Any, dict[str, Any], set[str]]] = [
    (
        "Team",
        TeamProvider(),
        {"name": "  ", "description": "x" * 300, "profile": 3},
        {"name", "description", "profile"},
    ),
    ("Team", TeamProvider(), {}, {"name"}),
    (
        "TeamMembership",
        TeamMembershipProvider(),
        {"team_id": -1, "user_company_id": 1.5, "remark_name": 7, "reinvite_on_reject": "yes"},
        {"team_id", "user_company_id", "remark_name", "reinvite_on_reject"},
    ),
    ("TeamInviteAccepter", TeamInviteAccepterProvider(), {"team_id": "abc"}, {"team_id"}),
    (
        "ImageShare",
        ImageShareProvider(),
        {"image_id": "ubuntu", "account_ids": "50002", "exclusive": 1},
        {"image_id", "account_ids", "exclusive"},
    ),
    (
        "ImageShare",
        ImageShareProvider(),
        {"image_id": "", "account_ids": [0]},
        {"image_id", "account_ids"},
    ),
    (
        "TeamMembership",
        TeamMembershipProvider(),
        {"team_id": 1, "user_company_id": 2, "profile": "nobody"},
        {"profile"},
    ),
]


@pytest.fixture(scope="module")
def unreachable() -> Iterator[Engine]:
    """One provider process for every bad-input preview: Check keeps nothing between calls."""
    engine = Engine(
        {
            "compshare:publicKey": "pk",
            "compshare:privateKey": "sk",
            "compshare:baseUrl": f"http://127.0.0.1:{_closed_port()}",
        }
    )
    yield engine
    engine.close()


@pytest.mark.parametrize(("type_name", "provider", "inputs", "expected"), BAD_INPUTS)
def test_check_names_bad_properties_while_api_is_unreachable(
    unreachable: Engine, type_name: str, provider: Any, inputs: dict[str, Any], expected: set[str]
) -> None:
    _, failures = unreachable.preview(unreachable.new(type_name, "bad", provider), inputs)
    assert {prop for prop, _ in failures} == expected
    for prop, reason in failures:
        assert reason.startswith(prop) and "\n" not in reason


def test_get_reads_existing_objects(em: Emulator, engine: Engine) -> None:
    client_of(em, OWNER).create_team_relations(
        TEAM, [{"user_company_id": CAROL, "remark_name": "C"}]
    )
    m = engine.new("TeamMembership", "existing", TeamMembershipProvider())
    found, outputs = engine.get(m, f"{TEAM}:{CAROL}", {"profile": None})
    assert found == f"{TEAM}:{CAROL}"
    assert outputs["status"] == "Pending" and outputs["remark_name"] == "C"
    assert outputs["team_id"] == TEAM and outputs["user_company_id"] == CAROL

    client_of(em, OWNER).modify_image_share_accounts(IMAGE, add=[BOB, CAROL])
    share = engine.new("ImageShare", "existing", ImageShareProvider())
    found, outputs = engine.get(share, IMAGE, {"account_ids": [BOB]})
    assert found == IMAGE
    assert outputs["account_ids"] == [BOB] and outputs["unmanaged_account_ids"] == [CAROL]

    team = engine.new("Team", "existing", TeamProvider())
    found, outputs = engine.get(team, str(TEAM), {})
    assert outputs["name"] == "demo-team" and outputs["company_id"] == OWNER
    with pytest.raises(ProviderCallError, match=r"Team get: team 999999 does not exist"):
        engine.get(team, "999999", {})


def test_missing_credentials_say_what_to_set(em: Emulator) -> None:
    """No key pair fails in preview (check), before any API call."""
    engine = Engine(
        {"compshare:baseUrl": em.url}, env={"COMPSHARE_PUBLIC_KEY": "", "UCLOUD_PUBLIC_KEY": ""}
    )
    em.reset_stats()
    try:
        team = engine.new("Team", "t", TeamProvider())
        _, failures = engine.preview(team, {"name": "t"})
    finally:
        engine.close()
    assert em.stats()["requests"] == {}
    ((prop, message),) = failures
    assert prop == ""
    for name in (
        "compshare:publicKey",
        "compshare:privateKey",
        "COMPSHARE_PUBLIC_KEY",
        "UCLOUD_PUBLIC_KEY",
    ):
        assert name in message
    assert "\n" not in message


def test_profiles_act_as_other_accounts(em: Emulator, engine: Engine) -> None:
    # bob's profile owns nothing: sharing an image of 50001 as bob is a permission error
    share = engine.new("ImageShare", "as-bob", ImageShareProvider())
    with pytest.raises(ProviderCallError, match=r"not the owner"):
        engine.create(share, {"image_id": IMAGE, "account_ids": [ALICE], "profile": "bob"})
    # bob's own team
    team = engine.create(
        engine.new("Team", "bobs", TeamProvider()), {"name": "bobs", "profile": "bob"}
    )
    assert team.outputs["company_id"] == BOB


@pytest.mark.parametrize("provider", list(providers().values()), ids=list(NAMES))
def test_serialized_provider_is_a_small_reference(provider: Any) -> None:
    from pulumi_compshare.testing.engine import serialize_provider

    raw = base64.b64decode(serialize_provider(provider))
    assert len(raw) <= 200
    assert b"pulumi_compshare.resources" in raw
    loaded = dill.loads(raw)
    assert type(loaded) is type(provider) and vars(loaded) == {}


def test_team_description_may_span_lines_but_names_may_not(em: Emulator, engine: Engine) -> None:
    team = engine.new("Team", "lines", TeamProvider())
    _, failures = engine.preview(team, {"name": "a\nb"})
    assert [f[0] for f in failures] == ["name"]
    _, failures = engine.preview(team, {"name": "t", "description": "a\x00b"})
    assert [f[0] for f in failures] == ["description"]
    engine.create(team, {"name": "t", "description": "line one\n\tline two"})
    (row,) = [t for t in em.state()["teams"] if t["id"] == int(team.id)]
    assert row["description"] == "line one\n\tline two"
    assert engine.up(team, {"name": "t", "description": "line one\n\tline two"})[0] == "same"


@pytest.mark.slow
def test_a_declared_life_cycle_plays_in_either_serving(em: Emulator, engine: Engine) -> None:
    """One LifeCycleTest, the same in both servings. What differs is inherent to the serving and
    said here: a check failure is worded in the serving's property names (the plugin's are the
    schema's camelCase); the property it names is the driver's Python name either way."""
    names = {"team_id": "teamId", "remark_name": "remarkName"} if engine.serving == PLUGIN else {}

    def said(key: str, reason: str) -> tuple[str, str]:
        return key, names.get(key, key) + reason

    def joined(_inputs: dict[str, Any], _outputs: dict[str, Any]) -> None:
        client_of(em, ALICE).set_team_relation(TEAM, "Agree")

    inputs = {"team_id": TEAM, "user_company_id": ALICE, "remark_name": "Alice"}
    records = LifeCycleTest(
        "TeamMembership",
        TeamMembershipProvider(),
        create=Operation(inputs, hook=joined),
        updates=[
            Operation(
                {"user_company_id": ALICE, "remark_name": "x" * 65},
                check_failures=[
                    said("team_id", " is required"),
                    said(
                        "remark_name",
                        " must be at most 64 characters, got 65: "
                        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… (65 characters)",
                    ),
                ],
            ),
            Operation({**inputs, "remark_name": "Alice L."}, expected_op="update", refresh=True),
            Operation(
                {**inputs, "remark_name": "ignored"},
                expected_op="same",
                ignore_changes=["remark_name"],
            ),
            Operation({**inputs, "user_company_id": BOB}, expected_op="replace"),
        ],
        name="alice",
    ).run(engine)
    assert [(r.step, r.op) for r in records] == [
        ("preview", "create"),
        ("create", "create"),
        ("update", "invalid"),
        ("refresh", "same"),  # the status is an output: no diff of the inputs
        ("update", "update"),
        ("update", "same"),
        ("update", "replace"),
        ("delete", "delete"),
    ]
    assert records[1].outputs["status"] == "Pending"
    assert relation(em, TEAM, ALICE)["remark_name"] == "Alice L."  # type: ignore[index]
    assert relation(em, TEAM, BOB)["status"] == "Canceled"  # type: ignore[index]
