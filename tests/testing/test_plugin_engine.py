"""The offline engine driving a provider *plugin* as the engine does (``testing/providers.py``):
a program of :mod:`pulumi_compshare.native` classes played through the :class:`Player` against the
emulator, its resources served by the real plugin's process over gRPC (its folder form,
``pulumi_compshare.plugin.FOLDER`` with ``PulumiPlugin.yaml``, found as ``Pulumi.yaml``'s
``plugins`` would name it): the default provider resource, Configure from the package config,
provider previews, import by id, ``ignore_changes`` sent to Diff, a detailed diff, explicit
provider instances. No stand-in plugin: the engine's plugin machinery is tested against the
plugin users run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

import pulumi_compshare.native as compshare
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.native import _generate
from pulumi_compshare.plugin import FOLDER
from pulumi_compshare.testing import Player
from pulumi_compshare.testing.providers import (
    PluginNotFound,
    default_provider_name,
    find_plugin,
)

from ..kit import stack_config

DEFAULT = "urn:pulumi:dev::test::pulumi:providers:compshare::default_0_1_0"


def player_for(em: Emulator, **kwargs: Any) -> Player:
    kwargs.setdefault("config", stack_config(em))
    return Player(plugins={"compshare": FOLDER}, **kwargs)


def test_the_sdk_module_is_what_the_declarations_give() -> None:
    assert _generate.main(["--check"]) == 0, "run python -m pulumi_compshare.native._generate"


def test_default_provider_names_follow_the_engine() -> None:
    assert default_provider_name("") == "default"
    assert default_provider_name("0.1.0") == "default_0_1_0"
    assert default_provider_name("1.2.3-alpha.1+b5") == "default_1_2_3_alpha_1_b5"


def test_a_plugin_is_found_as_a_folder_or_on_path(tmp_path: Path) -> None:
    assert find_plugin("compshare", project_plugins={"compshare": FOLDER})[-1] == str(FOLDER)
    binary = tmp_path / "pulumi-resource-other"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    assert find_plugin("other", path=str(tmp_path)) == [str(binary)]
    with pytest.raises(PluginNotFound):
        find_plugin("nothing", path=str(tmp_path))


def test_preview_up_change_refresh_import_destroy_through_the_plugin() -> None:
    remark = {"value": "Alice"}

    def program() -> None:
        team = compshare.Team("ml", name="ml-research")
        compshare.TeamMembership(
            "alice",
            team_id=team.team_id,
            user_company_id=50002,
            remark_name=remark["value"],
        )
        pulumi.export("team_id", team.team_id)

    lines: list[str] = []
    with Emulator() as em, player_for(em, printer=lines.append) as player:
        plan = player.preview(program)
        assert [(s.op, s.name) for s in plan.steps] == [
            ("create", "default_0_1_0"),
            ("create", "ml"),
            ("create", "alice"),
        ]
        # provider preview: Create(preview=true) was called, nothing was created
        assert ("Create", "ml") in plan.calls
        assert not player.resources

        result = player.up(program)
        assert {s.name for s in result.steps if s.op == "create"} == {
            "default_0_1_0",
            "ml",
            "alice",
        }
        default = player.resources[DEFAULT]
        assert default.type == "pulumi:providers:compshare"
        assert default.inputs["version"] == "0.1.0"
        assert default.inputs["baseUrl"] == em.url
        team = player.resource("ml")
        assert team.type == "compshare:index:Team"
        assert team.provider == f"{DEFAULT}::{default.id}"
        assert isinstance(team.outputs["teamId"], (int, float))

        remark["value"] = "Alice B."
        lines.clear()
        result = player.up(program)
        [update] = [s for s in result.steps if s.op == "update"]
        assert update.name == "alice"
        assert any("remarkName" in line and "alice" in line for line in lines), lines

        refreshed = player.refresh()
        assert {s.name for s in refreshed.steps} >= {"ml", "alice"}
        # the provider both share is ensured once, before the refresh steps run in parallel
        # (deployment_executor.go: refresh, EnsureProvider)
        assert [c for c in refreshed.calls if c[0] == "Configure"] == [
            ("Configure", "default_0_1_0")
        ]

        player.destroy()
        assert not player.resources


def test_import_by_id_then_ignore_changes_reaches_the_plugin() -> None:
    with Emulator() as em:
        with player_for(em) as first:
            first.up(lambda: compshare.Team("ml", name="ml-research", description="one"))
            team_id = first.resource("ml").id

        def adopt() -> None:
            compshare.Team(
                "adopted",
                name="ml-research",
                description="one",
                opts=pulumi.ResourceOptions(import_=team_id),
            )

        with player_for(em) as second:
            result = second.up(adopt)
            assert [(s.op, s.name) for s in result.steps if s.name == "adopted"] == [
                ("import", "adopted")
            ]
            assert second.resource("adopted").id == team_id

            def ignored() -> None:
                compshare.Team(
                    "adopted",
                    name="ml-research",
                    description="two",
                    opts=pulumi.ResourceOptions(ignore_changes=["description"]),
                )

            result = second.up(ignored)
            assert [s.op for s in result.steps if s.name == "adopted"] == ["same"]
            second.destroy()


def test_an_explicit_provider_instance_serves_its_resources() -> None:
    with Emulator() as em, player_for(em, config={}) as player:
        keys = stack_config(em)

        def program() -> None:
            provider = compshare.Provider(
                "owner",
                public_key=keys["compshare:publicKey"],
                private_key=keys["compshare:privateKey"],
                base_url=keys["compshare:baseUrl"],
            )
            compshare.Team("ml", name="ml-research", opts=pulumi.ResourceOptions(provider=provider))

        player.up(program)
        owner = player.resource("owner")
        assert owner.type == "pulumi:providers:compshare"
        assert "privateKey" in owner.secrets
        assert player.resource("ml").provider.startswith(owner.urn)
        assert not any(s.name.startswith("default") for s in player.resources.values())
        player.destroy()
        assert not player.resources
