"""The provider plugin, started as the engine starts it (a process given the engine's address,
its port read from stdout) and driven over gRPC against the emulator, call by call as the engine
makes them: GetSchema, CheckConfig and Configure, Check, Create with and without preview, Read by
id alone (an import), Diff with ignoreChanges, Update with and without preview, Delete, Invoke.

One plugin process per module (per xdist worker that runs tests of it); each test works on its
own objects."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

import pulumi_compshare.native as native
from pulumi_compshare import lookups
from pulumi_compshare.api.models import InviteUser
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.plugin import _wire
from pulumi_compshare.resources.team import marker_of
from tests.kit import client_of, stack_config
from tests.plugin.plugin_process import PLUGIN_MODULE, PluginProcess, plain, secret_keys, struct

TEAM = "compshare:index:Team"
MEMBERSHIP = "compshare:index:TeamMembership"
UNKNOWN = _wire.UNKNOWN
Diff = provider_pb2.DiffResponse
Kind = provider_pb2.PropertyDiff


def urn(token: str, name: str) -> str:
    return f"urn:pulumi:dev::plugin-test::{token}::{name}"


def provider_config(em: Emulator, **extra: Any) -> Any:
    """The default provider's inputs as the engine sends them: the stack's compshare:* config
    without the prefix, strings, the private key a secret (``GetPackageConfig``)."""
    owner = em.account(50001)
    values = {
        "publicKey": owner.public_key,
        "privateKey": owner.private_key,
        "baseUrl": em.url,
        "maxRetries": "2",
        "version": "0.1.0",
        **extra,
    }
    return struct(values, secret=["privateKey"])


@pytest.fixture(scope="module")
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def plugin(em: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PluginProcess]:
    env = {
        **os.environ,
        "COMPSHARE_JOURNAL_DIR": str(tmp_path_factory.mktemp("plugin-journal")),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    for key in ("COMPSHARE_PUBLIC_KEY", "COMPSHARE_PRIVATE_KEY", "UCLOUD_PUBLIC_KEY"):
        env.pop(key, None)
    process = PluginProcess(PLUGIN_MODULE, env)
    try:
        process.stub.Configure(
            provider_pb2.ConfigureRequest(args=provider_config(em), acceptSecrets=True)
        )
        yield process
    finally:
        stderr = process.close()
        assert "Traceback" not in stderr, stderr


def check(plugin: PluginProcess, token: str, name: str, news: dict[str, Any], **kw: Any) -> Any:
    olds = kw.pop("olds", {})
    return plugin.stub.Check(
        provider_pb2.CheckRequest(
            urn=urn(token, name),
            type=token,
            name=name,
            olds=struct(olds),
            news=struct(news, kw.pop("secret", ())),
        )
    )


def create(plugin: PluginProcess, token: str, name: str, inputs: Any, preview: bool) -> Any:
    return plugin.stub.Create(
        provider_pb2.CreateRequest(
            urn=urn(token, name), type=token, name=name, properties=inputs, preview=preview
        )
    )


def test_schema_and_configuration(plugin: PluginProcess, em: Emulator) -> None:
    document = json.loads(plugin.stub.GetSchema(provider_pb2.GetSchemaRequest()).schema)
    assert document["name"] == "compshare"
    assert document["config"]["variables"]["privateKey"]["secret"] is True
    assert set(document["config"]["variables"]) == {
        "publicKey",
        "privateKey",
        "region",
        "projectId",
        "baseUrl",
        "profiles",
        "maxRetries",
        "timeoutSeconds",
    }
    membership = document["resources"][MEMBERSHIP]
    assert membership["inputProperties"]["teamId"]["replaceOnChanges"] is True
    assert "replaceOnChanges" not in membership["inputProperties"]["remarkName"]
    for token, resource in document["resources"].items():
        for section in ("inputProperties", "properties"):
            for name, spec in resource[section].items():
                assert spec.get("description"), f"{token}.{name} has no description"
                assert "type" in spec or "$ref" in spec, f"{token}.{name} has no type"
                assert not name.startswith("__"), f"{token}.{name} is internal"
    assert "compshare:index:getTeams" in document["functions"]

    # The answers the engine keeps as the protocol (Configure in provider_plugin.go).
    answer = plugin.stub.Configure(
        provider_pb2.ConfigureRequest(args=provider_config(em), acceptSecrets=True)
    )
    assert answer.acceptSecrets and answer.supportsPreview and not answer.acceptResources
    handshake = plugin.stub.Handshake(provider_pb2.ProviderHandshakeRequest())
    assert handshake.accept_secrets

    # A misspelt key fails CheckConfig (then Configure) with its suggestion, as config.py says.
    bad = provider_config(em, privatekey="x")
    checked = plugin.stub.CheckConfig(
        provider_pb2.CheckRequest(
            urn="urn:pulumi:dev::p::pulumi:providers:compshare::default", news=bad
        )
    )
    assert [f.property for f in checked.failures] == ["privatekey"]
    assert "did you mean compshare:privateKey?" in checked.failures[0].reason
    with pytest.raises(grpc.RpcError) as refused:
        plugin.stub.Configure(provider_pb2.ConfigureRequest(args=bad, acceptSecrets=True))
    assert "did you mean compshare:privateKey?" in refused.value.details()
    assert "\n" not in refused.value.details()


def test_team_lifecycle(plugin: PluginProcess, em: Emulator) -> None:
    name = "ml"
    # Check: failures named in the schema's words; the creation marker from the URN.
    failed = check(plugin, TEAM, name, {"name": "", "teamid": 3})
    reasons = {f.property: f.reason for f in failed.failures}
    assert set(reasons) == {"name", "teamid"}
    assert reasons["name"].startswith("name must not be empty")
    checked = check(plugin, TEAM, name, {"name": "ml-research", "description": "GPU"})
    assert not checked.failures
    inputs = plain(checked.inputs)
    assert inputs["__creation_marker"] == marker_of(urn(TEAM, name))

    # A call that names its resource by URN only (an older engine) is served the same.
    by_urn = plugin.stub.Check(
        provider_pb2.CheckRequest(urn=urn(TEAM, name), news=struct({"name": "ml-research"}))
    )
    assert not by_urn.failures

    # Create with preview: no API call; outputs not known yet are unknown.
    em.reset_stats()
    preview = create(plugin, TEAM, name, checked.inputs, preview=True)
    assert em.stats()["requests"] == {}
    outputs = plain(preview.properties)
    assert outputs["name"] == "ml-research"
    assert outputs["teamId"] == UNKNOWN and outputs["companyId"] == UNKNOWN
    assert "__creation_marker" not in outputs

    created = create(plugin, TEAM, name, checked.inputs, preview=False)
    team_id = int(created.id)
    outputs = plain(created.properties)
    assert outputs["teamId"] == team_id and outputs["companyId"] == 50001
    assert any(t.id == team_id for t in client_of(em, 50001).list_teams())

    # Read by id alone, as an import does (ImportStep.Apply): outputs and the inputs to keep.
    read = plugin.stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn(TEAM, "imported"), type=TEAM)
    )
    assert read.id == created.id
    assert plain(read.properties)["name"] == "ml-research"
    assert plain(read.inputs) == {"name": "ml-research", "description": "GPU"}

    # Diff: a detailed diff naming the changed property; ignoreChanges keeps description out.
    news = plain(
        check(plugin, TEAM, name, {"name": "ml-2", "description": "else"}, olds=inputs).inputs
    )
    diff = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id=created.id,
            urn=urn(TEAM, name),
            type=TEAM,
            olds=created.properties,
            old_inputs=checked.inputs,
            news=struct(news),
            ignoreChanges=["description"],
        )
    )
    assert diff.changes == Diff.DIFF_SOME and list(diff.diffs) == ["name"]
    assert diff.hasDetailedDiff and dict(diff.detailedDiff)["name"].kind == Kind.UPDATE
    assert not diff.replaces
    unchanged = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id=created.id,
            urn=urn(TEAM, name),
            type=TEAM,
            olds=created.properties,
            news=struct({**news, "name": "ml-research"}),
            ignoreChanges=["description"],
        )
    )
    assert unchanged.changes == Diff.DIFF_NONE

    # Update with preview: no API call; the id-derived team id stays known.
    update = provider_pb2.UpdateRequest(
        id=created.id,
        urn=urn(TEAM, name),
        type=TEAM,
        olds=created.properties,
        news=struct(news),
        ignoreChanges=["description"],
        preview=True,
    )
    em.reset_stats()
    previewed = plain(plugin.stub.Update(update).properties)
    assert em.stats()["requests"] == {}
    assert previewed["teamId"] == team_id and previewed["companyId"] == UNKNOWN
    assert previewed["name"] == "ml-2" and previewed["description"] == "GPU"

    update.preview = False
    updated = plain(plugin.stub.Update(update).properties)
    assert updated["name"] == "ml-2" and updated["description"] == "GPU"
    live = {t.id: t for t in client_of(em, 50001).list_teams()}[team_id]
    assert (live.name, live.description) == ("ml-2", "GPU")

    plugin.stub.Delete(
        provider_pb2.DeleteRequest(
            id=created.id, urn=urn(TEAM, name), type=TEAM, properties=struct(updated)
        )
    )
    assert team_id not in {t.id for t in client_of(em, 50001).list_teams()}


def test_membership_import_replace_secrets_and_lookups(plugin: PluginProcess, em: Emulator) -> None:
    # A secret input stays secret through Check and in the outputs.
    team = check(
        plugin, TEAM, "secret-team", {"name": "s", "description": "hush"}, secret=["description"]
    )
    assert secret_keys(team.inputs) == {"description"}
    made = create(plugin, TEAM, "secret-team", team.inputs, preview=False)
    assert secret_keys(made.properties) == {"description"}
    team_id = int(made.id)

    checked = check(plugin, MEMBERSHIP, "alice", {"teamId": team_id, "userCompanyId": 50002})
    assert not checked.failures
    assert plain(checked.inputs)["__resource_name"] == "alice"
    missing = check(plugin, MEMBERSHIP, "nobody", {"userCompanyId": 50002})
    assert [(f.property, f.reason) for f in missing.failures] == [("teamId", "teamId is required")]
    created = create(plugin, MEMBERSHIP, "alice", checked.inputs, preview=False)
    assert created.id == f"{team_id}:50002"
    assert plain(created.properties)["status"] == "Pending"

    # Import: Read with the id alone, then Check of the inputs it gave back (step.go).
    read = plugin.stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn(MEMBERSHIP, "bob"), type=MEMBERSHIP)
    )
    assert plain(read.inputs) == {
        "teamId": team_id,
        "userCompanyId": 50002,
        "reinviteOnReject": False,
    }
    again = check(plugin, MEMBERSHIP, "bob", plain(read.inputs))
    assert not again.failures
    with pytest.raises(grpc.RpcError) as absent:
        plugin.stub.Read(
            provider_pb2.ReadRequest(
                id=f"{team_id}:50004", urn=urn(MEMBERSHIP, "x"), type=MEMBERSHIP
            )
        )
    assert "does not exist" in absent.value.details() and "\n" not in absent.value.details()

    # What a resource tells the user reaches the engine's Log, naming the resource's URN (a
    # resource plugin's stderr is shown only at debug level: newPlugin in plugin.go).
    owner = client_of(em, 50001)
    owner.create_team_relations(1001, [InviteUser(user_company_id=50003)])
    em.reject_invite(1001, 50003)
    rejected = check(plugin, MEMBERSHIP, "carol", {"teamId": 1001, "userCompanyId": 50003})
    carol = create(plugin, MEMBERSHIP, "carol", rejected.inputs, preview=False)
    assert plain(carol.properties)["status"] == "Rejected"
    said = [(u, m) for _, u, m in plugin.engine.logs if "rejected an invite" in m]
    assert said and said[0][0] == urn(MEMBERSHIP, "carol")

    # Another team replaces (the schema's replaceOnChanges, the provider's replaces).
    moved = check(plugin, MEMBERSHIP, "alice", {"teamId": 1001, "userCompanyId": 50002})
    diff = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id=created.id,
            urn=urn(MEMBERSHIP, "alice"),
            type=MEMBERSHIP,
            olds=created.properties,
            news=moved.inputs,
        )
    )
    assert diff.changes == Diff.DIFF_SOME and list(diff.replaces) == ["teamId"]
    assert dict(diff.detailedDiff)["teamId"].kind == Kind.UPDATE_REPLACE

    # A lookup as an invoke, with the plugin's configuration.
    answer = plugin.stub.Invoke(provider_pb2.InvokeRequest(tok="compshare:index:getTeams"))
    teams = {t["teamId"]: t for t in plain(getattr(answer, "return"))["teams"]}
    assert teams[team_id]["companyId"] == 50001 and teams[1001]["name"] == "demo-team"

    for token, res in ((MEMBERSHIP, created), (TEAM, made)):
        plugin.stub.Delete(
            provider_pb2.DeleteRequest(
                id=res.id, urn=urn(token, "x"), type=token, properties=res.properties
            )
        )
    assert team_id not in {t.id for t in client_of(em, 50001).list_teams()}


def test_the_package_declares_the_plugin_it_needs() -> None:
    """pulumi-plugin.json, as the Python language host reads it for an installed distribution
    named pulumi-* (listPulumiPackageInfos and packageDependencyFromPluginJSON in
    sdk/python/cmd/pulumi-language-python/main.go): the resource plugin compshare, at the
    package's version, from the schema's download server."""
    import pulumi_compshare
    from pulumi_compshare import _version
    from pulumi_compshare.plugin.schema import PLUGIN_DOWNLOAD_URL

    declared = json.loads(
        (Path(pulumi_compshare.__file__).parent / "pulumi-plugin.json").read_text()
    )
    assert declared == {
        "resource": True,
        "name": "compshare",
        "version": _version.__version__,
        "server": PLUGIN_DOWNLOAD_URL,
    }


def test_the_folder_form_starts_as_the_language_host_runs_it(tmp_path: Path) -> None:
    """PulumiPlugin.yaml (runtime: python) and __main__.py: the host runs `python <folder>
    <engine address>` (RunPlugin in pulumi-language-python/main.go)."""
    from pulumi_compshare.plugin import FOLDER

    assert "runtime: python" in (FOLDER / "PulumiPlugin.yaml").read_text()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = PluginProcess([sys.executable, str(FOLDER)], env, cwd=tmp_path)
    try:
        info = process.stub.GetPluginInfo(empty_pb2.Empty())
        from pulumi_compshare import _version

        assert info.version == _version.__version__
    finally:
        process.close()


class _PluginInvokes(pulumi.runtime.Mocks):
    """A program's invokes sent to the plugin process as the engine sends them to the default
    provider (``InvokeRequest``: token and arguments, ``provider_plugin.go: Invoke``)."""

    def __init__(self, plugin: PluginProcess) -> None:
        self.plugin = plugin
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        sent = dict(args.args)
        self.calls.append((args.token, sent))
        request = provider_pb2.InvokeRequest(tok=args.token, args=struct(sent))
        return plain(getattr(self.plugin.stub.Invoke(request), "return"))

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        raise AssertionError("this program declares no resources")


def test_the_sdk_lookups_invoke_the_plugin_and_give_the_lookups_results(
    plugin: PluginProcess, em: Emulator
) -> None:
    """``pulumi_compshare.native.get_x`` invokes ``compshare:index:getX`` (camelCase arguments,
    unset ones left out) and gives what ``pulumi_compshare.lookups.get_x`` gives, the same result
    class, from the plugin's answer."""
    config = stack_config(em)
    mocks = _PluginInvokes(plugin)
    results: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> Any:
        results["teams"] = native.get_teams()
        results["team"] = native.get_team(team_id=1001)
        results["invites"] = native.get_team_invites(team_id=1001, status="Pending")
        return native.get_team_output(team_id=pulumi.Output.from_input(1001)).apply(
            lambda team: results.setdefault("team_output", team)
        )

    pulumi.runtime.set_mocks(mocks, project="plugin-test", stack="dev", preview=False)
    pulumi.runtime.set_all_config(config)
    try:
        program()
        expected = {
            "teams": lookups.get_teams(),
            "team": lookups.get_team(team_id=1001),
            "invites": lookups.get_team_invites(team_id=1001, status="Pending"),
        }
    finally:
        pulumi.runtime.set_all_config({})
    assert {k: results[k] for k in expected} == expected
    assert results["team_output"] == expected["team"]
    assert isinstance(results["team"], lookups.GetTeamResult)
    assert results["team"].name == "demo-team" and results["teams"].teams
    # camelCase arguments, unset ones left out, defaults sent as a generated SDK sends them
    assert mocks.calls[:2] == [
        ("compshare:index:getTeams", {}),
        ("compshare:index:getTeam", {"teamId": 1001}),
    ]
    assert mocks.calls[2][1] == {
        "teamId": 1001,
        "status": "Pending",
        "orderBy": "create_time",
        "descending": True,
        "offset": 1,
        "limit": 10,
    }


def test_an_image_share_imported_by_id_takes_the_live_list(
    plugin: PluginProcess, em: Emulator
) -> None:
    """Import (Read with the id alone, then Check: step.go ImportStep) manages the accounts the
    image is shared with, so a program declaring that list imports with no difference."""
    share = "compshare:index:ImageShare"
    client_of(em, 50001).modify_image_share_accounts("compshareImage-def", add=[50003, 50002])
    read = plugin.stub.Read(
        provider_pb2.ReadRequest(id="compshareImage-def", urn=urn(share, "imported"), type=share)
    )
    assert plain(read.inputs)["accountIds"] == [50002, 50003]
    assert plain(read.properties)["unmanagedAccountIds"] == []
    checked = check(plugin, share, "imported", plain(read.inputs))
    assert not checked.failures
    diff = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id="compshareImage-def",
            urn=urn(share, "imported"),
            type=share,
            olds=read.properties,
            news=checked.inputs,
        )
    )
    assert diff.changes != Diff.DIFF_SOME
