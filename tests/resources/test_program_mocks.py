"""A program registers each resource with the right type token and inputs
(``pulumi.runtime.set_mocks``, no engine, no API)."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

import pulumi_compshare as compshare

from ..kit import Recorder


@pytest.fixture
def recorder() -> Recorder:
    mocks = Recorder(team_id=1234)
    pulumi.runtime.set_mocks(mocks, project="p", stack="s", preview=False)
    return mocks


@pulumi.runtime.test
def test_program_registers_resources(recorder: Recorder) -> Any:
    team = compshare.Team("ml", name="ml-research", description="GPU budget for ML")
    alice = compshare.TeamMembership(
        "alice", team_id=team.team_id, user_company_id=50002, remark_name="Alice"
    )
    joined = compshare.TeamInviteAccepter("join", team_id=alice.team_id, profile="alice")
    share = compshare.ImageShare(
        "cuda-base", image_id="compshareImage-abc", account_ids=[50003, 50002], exclusive=True
    )

    def check(_: Any) -> None:
        reg = recorder.registered
        assert reg["ml"][0] == "pulumi-python:dynamic/compshare:Team"
        assert reg["alice"][0] == "pulumi-python:dynamic/compshare:TeamMembership"
        assert reg["join"][0] == "pulumi-python:dynamic/compshare:TeamInviteAccepter"
        assert reg["cuda-base"][0] == "pulumi-python:dynamic/compshare:ImageShare"
        assert reg["ml"][1]["name"] == "ml-research"
        assert reg["alice"][1]["team_id"] == 1234  # the team's output flows in
        assert reg["alice"][1]["user_company_id"] == 50002
        assert reg["alice"][1]["reinvite_on_reject"] is False
        assert reg["join"][1]["profile"] == "alice"
        assert reg["cuda-base"][1]["account_ids"] == [50003, 50002]
        assert reg["cuda-base"][1]["exclusive"] is True
        for _typ, inputs in reg.values():
            assert "__provider" in inputs

    return pulumi.Output.all(team.urn, alice.urn, joined.urn, share.urn, alice.team_id).apply(check)


def test_outputs_are_declared() -> None:
    for cls, names in [
        (compshare.Team, {"team_id", "company_id", "name", "description", "profile"}),
        (
            compshare.TeamMembership,
            {
                "status",
                "virtual_company_id",
                "team_name",
                "granted_amount",
                "available_amount",
                "create_time",
                "remark_name",
                "reinvite_on_reject",
            },
        ),
        (compshare.TeamInviteAccepter, {"team_id", "status", "user_company_id", "profile"}),
        (compshare.ImageShare, {"image_id", "account_ids", "unmanaged_account_ids", "exclusive"}),
    ]:
        assert names <= set(cls.__annotations__), cls
