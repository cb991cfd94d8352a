"""Lookup functions against the emulator: plain and _output forms, paging and search, and bad
arguments rejected before any API call."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

import pulumi_compshare as compshare
from pulumi_compshare.client import InvalidParameterError
from pulumi_compshare.emulator import Emulator

from ..kit import client_of

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004


@pytest.fixture
def em(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator() as emulator:
        monkeypatch.setenv("COMPSHARE_PUBLIC_KEY", emulator.account(OWNER).public_key)
        monkeypatch.setenv("COMPSHARE_PRIVATE_KEY", emulator.account(OWNER).private_key)
        monkeypatch.setenv("COMPSHARE_BASE_URL", emulator.url)
        owner = client_of(emulator, OWNER)
        owner.create_team_relations(
            1001,
            [
                {"user_company_id": ALICE, "remark_name": "Alice Liddell"},
                {"user_company_id": BOB, "remark_name": "Bob"},
                {"user_company_id": CAROL, "remark_name": "Carol"},
            ],
        )
        client_of(emulator, ALICE).set_team_relation(1001, "Agree")
        yield emulator


def test_get_team_and_teams(em: Emulator) -> None:
    team = compshare.get_team(team_id=1001.0)
    assert (team.name, team.company_id, team.deleted) == ("demo-team", OWNER, False)
    members = {m.user_company_id: m for m in team.members}
    assert members[ALICE].status == "Joined" and members[BOB].status == "Pending"
    by_virtual = compshare.get_team(virtual_company_id=members[ALICE].virtual_company_id)
    assert by_virtual.team_id == 1001
    assert [t.team_id for t in compshare.get_teams().teams] == [1001]
    assert compshare.get_teams().teams[0].member_count == 1


def test_joined_teams_with_a_profile(em: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPSHARE_PUBLIC_KEY", em.account(BOB).public_key)
    monkeypatch.setenv("COMPSHARE_PRIVATE_KEY", em.account(BOB).private_key)
    assert [t.status for t in compshare.get_joined_teams().teams] == ["Pending"]
    assert compshare.get_joined_teams(status="joined").teams == []


def test_team_invites_paging_search_and_order(em: Emulator) -> None:
    page = compshare.get_team_invites(team_id=1001, limit=2)
    assert page.total == 3 and len(page.invites) == 2 and page.offset == 1
    second = compshare.get_team_invites(team_id=1001, limit=2, offset=2)
    assert len(second.invites) == 1
    seen = {i.user_company_id for i in page.invites + second.invites}
    assert seen == {ALICE, BOB, CAROL}
    assert [
        i.user_company_id for i in compshare.get_team_invites(1001, search="liddell").invites
    ] == [ALICE]
    assert [
        i.user_company_id for i in compshare.get_team_invites(1001, search="50003").invites
    ] == [BOB]
    assert [i.status for i in compshare.get_team_invites(1001, status="Joined").invites] == [
        "Joined"
    ]
    ascending = compshare.get_team_invites(1001, descending=False, limit=100).invites
    assert ascending == sorted(ascending, key=lambda i: (i.create_time, i.user_company_id))


def test_received_invites_without_team_id(em: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPSHARE_PUBLIC_KEY", em.account(CAROL).public_key)
    monkeypatch.setenv("COMPSHARE_PRIVATE_KEY", em.account(CAROL).private_key)
    (invite,) = compshare.get_team_invites().invites
    assert (invite.team_id, invite.owner_company_id, invite.status) == (1001, OWNER, "Pending")


def test_image_share_accounts_and_operate_logs(em: Emulator) -> None:
    client_of(em, OWNER).modify_image_share_accounts("compshareImage-abc", add=[BOB, ALICE])
    result = compshare.get_image_share_accounts("compshareImage-abc")
    assert result.account_ids == [ALICE, BOB]
    assert {a.account_name for a in result.accounts} == {"alice", "bob"}
    now = int(time.time())
    logs = compshare.get_team_operate_logs(1001, now - 3600, now + 3600, limit=2)
    assert logs.total >= 4 and len(logs.logs) == 2


BAD_CALLS: list[tuple[Any, dict[str, Any], str]] = [
    (compshare.get_team, {}, "exactly one of team_id and virtual_company_id"),
    (compshare.get_team, {"team_id": 1, "virtual_company_id": 2}, "exactly one"),
    (compshare.get_team, {"team_id": -5}, "team_id must be a positive integer"),
    (compshare.get_team_invites, {"limit": 0}, "limit must be from 1 to 100"),
    (compshare.get_team_invites, {"limit": 101}, "limit must be from 1 to 100"),
    (compshare.get_team_invites, {"offset": 0}, "offset must be at least 1"),
    (compshare.get_team_invites, {"order_by": "name"}, "order_by must be one of create_time"),
    (compshare.get_team_invites, {"status": "gone"}, "status must be one of"),
    (compshare.get_joined_teams, {"status": "maybe"}, "status must be one of"),
    (compshare.get_image_share_accounts, {"image_id": "ubuntu"}, "not a custom image id"),
    (compshare.get_team_operate_logs, {"team_id": 1001, "begin_time": 5, "end_time": 5}, "later"),
    (
        compshare.get_team_operate_logs,
        {"team_id": 1001, "begin_time": 1, "end_time": 5, "limit": 500},
        "limit must be from 1 to 100",
    ),
]


@pytest.mark.parametrize(("function", "kwargs", "message"), BAD_CALLS)
def test_bad_arguments_fail_before_any_call(
    em: Emulator, function: Any, kwargs: dict[str, Any], message: str
) -> None:
    em.reset_stats()
    with pytest.raises(InvalidParameterError, match=message) as caught:
        function(**kwargs)
    assert function.__name__ in str(caught.value) and "\n" not in str(caught.value)
    assert em.stats()["requests"] == {}


class _NoResources(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return args.name, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def mocks() -> None:
    pulumi.runtime.set_mocks(_NoResources(), preview=False)


@pulumi.runtime.test
def test_output_forms_take_inputs(em: Emulator, mocks: None) -> Any:
    team = compshare.get_team_output(team_id=pulumi.Output.from_input(1001))
    invites = compshare.get_team_invites_output(team_id=1001, limit=pulumi.Output.from_input(1))
    shares = compshare.get_image_share_accounts_output(image_id="compshareImage-def")
    shared = compshare.get_shared_images_output(limit=pulumi.Output.from_input(1))

    def check(values: list[Any]) -> None:
        team_result, invite_page, share_result, shared_page = values
        assert team_result.name == "demo-team"
        assert invite_page.total == 3 and len(invite_page.invites) == 1
        assert share_result.account_ids == []
        assert (shared_page.total, shared_page.limit) == (0, 1)  # the owner's own are not listed

    return pulumi.Output.all(team, invites, shares, shared).apply(check)


@pytest.mark.parametrize("dialects", ["strict", "operate-log-maps,lower-status,absent-text"])
def test_lookups_read_every_dialect(monkeypatch: pytest.MonkeyPatch, dialects: str) -> None:
    with Emulator(dialects=dialects) as em:
        monkeypatch.setenv("COMPSHARE_PUBLIC_KEY", em.account(OWNER).public_key)
        monkeypatch.setenv("COMPSHARE_PRIVATE_KEY", em.account(OWNER).private_key)
        monkeypatch.setenv("COMPSHARE_BASE_URL", em.url)
        client_of(em, OWNER).create_team_relations(1001, [{"user_company_id": ALICE}])
        client_of(em, ALICE).set_team_relation(1001, "Agree")
        client_of(em, OWNER).modify_image_share_accounts("compshareImage-abc", add=[BOB])

        team = compshare.get_team(team_id=1001)
        assert [(m.user_company_id, m.status, m.remark_name) for m in team.members] == [
            (ALICE, "Joined", "")
        ]
        assert compshare.get_teams().teams[0].team_id == 1001
        shares = compshare.get_image_share_accounts("compshareImage-abc")
        assert shares.account_ids == [BOB] and shares.accounts[0].account_name == ""
        now = int(time.time())
        logs = compshare.get_team_operate_logs(1001, now - 3600, now + 3600)
        assert "InviteMember" in [entry.operate_type for entry in logs.logs]
        assert logs.operate_type_names["InviteMember"] == "邀请成员"
        assert "InviteMember" in logs.operate_types
        assert {s.lower() for s in logs.statuses} == {"success", "failed"}
        assert logs.status_names[logs.statuses[0]] == "成功"


def test_shared_images_are_the_invitees_view_paged(
    em: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    em.share_image("compshareImage-abc", ALICE)
    em.share_image("compshareImage-def", ALICE)
    monkeypatch.setenv("COMPSHARE_PUBLIC_KEY", em.account(ALICE).public_key)
    monkeypatch.setenv("COMPSHARE_PRIVATE_KEY", em.account(ALICE).private_key)
    everything = compshare.get_shared_images()
    assert everything.total == 2
    assert {i.image_id for i in everything.images} == {"compshareImage-abc", "compshareImage-def"}
    assert {i.owner_account_id for i in everything.images} == {OWNER}
    first, second = compshare.get_shared_images(limit=1), compshare.get_shared_images(offset=1)
    assert first.total == 2 and len(first.images) == len(second.images) == 1
    assert first.images[0].image_id != second.images[0].image_id


@pytest.mark.parametrize("args", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "5"}])
def test_shared_images_arguments_fail_before_any_call(em: Emulator, args: dict[str, Any]) -> None:
    em.reset_stats()
    with pytest.raises(InvalidParameterError, match="get_shared_images"):
        compshare.get_shared_images(**args)
    assert em.stats()["requests"] == {}
