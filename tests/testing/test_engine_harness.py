"""Tests of the engine-protocol test kit against a real ``python -m pulumi.dynamic`` server.

The provider under test is ``harness_providers.EchoProvider``: its objects live in a JSON file in a
temporary directory (``$HARNESS_STORE``) shared by this process and the provider server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_compshare.testing.engine import (
    PROVIDER_KEY,
    UNKNOWN,
    Player,
    ProviderCallError,
    ProviderServer,
    StepError,
    make_urn,
    resource_type,
    serialize_provider,
)

from ..harness_providers import AdoptingEchoProvider, Echo, EchoProvider, store

# The provider pickles by reference as ``tests.harness_providers.EchoProvider``: the server runs in
# the repository root, which ``python -m`` puts on its sys.path (as the CLI does for a program).
ROOT = Path(__file__).resolve().parents[2]
ECHO = resource_type(Echo)
PROVIDER = serialize_provider(EchoProvider())


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_STORE", str(tmp_path))
    return tmp_path


def read_store(store_dir: Path) -> dict[str, Any]:
    path = store_dir / "store.json"
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.fixture
def server(store_dir: Path) -> Iterator[ProviderServer]:
    with ProviderServer(cwd=ROOT, env={"HARNESS_STORE": str(store_dir)}) as srv:
        srv.configure({"harness:token": "tok", "test:plain": "p"})
        yield srv


@pytest.fixture
def player(store_dir: Path) -> Iterator[Player]:
    """One provider process per test (``restart_per_operation=False``): the Echo provider keeps
    its objects in the store file, never in the process, so a fresh process per command (the
    player's default, as the CLI: ``test_player_lifecycle``,
    ``test_components_and_restart_per_operation``) would change nothing here but the time."""
    with Player(cwd=ROOT, config={"harness:token": "tok"}, restart_per_operation=False) as p:
        yield p


def echo(name: str, **props: Any) -> dict[str, Any]:
    return {"name": name, **props, PROVIDER_KEY: PROVIDER}


def urn(name: str) -> str:
    return make_urn(ECHO, name)


def calls(p: Player, start: int = 0) -> list[tuple[str, str]]:
    """The player's provider calls from ``start``, Configure left out (a fresh provider process
    is configured at the start of each operation)."""
    return [c for c in p.calls[start:] if c[0] != "Configure"]


def ops(p: Player, start: int = 0) -> list[tuple[str, str]]:
    """The player's calls from ``start``, sorted (concurrent steps finish in any order)."""
    return sorted(calls(p, start))


# --------------------------------------------------------------------------------------------------
# ProviderServer


def test_type_token_and_urn() -> None:
    assert ECHO == "pulumi-python:dynamic/harness:Echo"
    assert urn("a") == "urn:pulumi:dev::test::pulumi-python:dynamic/harness:Echo::a"


def test_configure_reaches_provider_configure(server: ProviderServer, store_dir: Path) -> None:
    server.check(urn("a"), {}, echo("a"))  # the provider is configured lazily, on first use
    assert read_store(store_dir)["config"] == {"harness:token": "tok", "plain": "p"}
    assert server.calls == [("Configure", ""), ("Check", urn("a"))]


def test_check_failures_come_back(server: ProviderServer) -> None:
    inputs, failures = server.check(urn("a"), {}, echo("", size="big"))
    assert failures == [
        ("name", "name must be a non-empty string"),
        ("size", "size must be a number"),
    ]
    assert inputs["size"] == "big"


def test_create_read_update_delete_round_trip(server: ProviderServer, store_dir: Path) -> None:
    inputs, failures = server.check(urn("a"), {}, echo("a", size=3))
    assert failures == []
    assert inputs[PROVIDER_KEY] == PROVIDER
    id_, outs = server.create(urn("a"), inputs)
    assert id_ == "e-1"
    # numbers cross the engine as floats
    assert outs["size"] == 3.0 and isinstance(outs["size"], float)
    assert outs["size_type"] == "float"
    assert outs[PROVIDER_KEY] == PROVIDER  # the server adds __provider to every output

    assert server.read(id_, urn("a"), outs, inputs) == (id_, outs, None)

    news, _ = server.check(urn("a"), inputs, echo("a", size=5, label="x"))
    diff = server.diff(id_, urn("a"), outs, news)
    assert (diff.changes, diff.replaces, diff.replace) == (True, [], False)
    outs2 = server.update(id_, urn("a"), outs, news)
    assert (outs2["size"], outs2["label"]) == (5.0, "x")
    assert read_store(store_dir)["objects"][id_]["label"] == "x"

    server.delete(id_, urn("a"), outs2)
    assert server.read(id_, urn("a"), outs2, news) == ("", {PROVIDER_KEY: PROVIDER}, None)
    server.delete(id_, urn("a"), outs2)  # idempotent
    methods = [m for m, _ in server.calls]
    assert methods == [
        *("Configure", "Check", "Create", "Read"),
        *("Check", "Diff", "Update", "Delete", "Read", "Delete"),
    ]


def test_unknowns_in_preview_check(server: ProviderServer, store_dir: Path) -> None:
    inputs, failures = server.check(urn("a"), {}, echo(UNKNOWN, size=UNKNOWN, label="l"))
    assert failures == []
    assert inputs["name"] == UNKNOWN and inputs["size"] == UNKNOWN and inputs["label"] == "l"
    assert read_store(store_dir)["unknowns"] == [["name", "size"]]  # Unknown objects on the server


def test_diff_same_replace_and_delete_before_replace(server: ProviderServer) -> None:
    inputs, _ = server.check(urn("a"), {}, echo("a", size=1))
    id_, outs = server.create(urn("a"), inputs)
    same = server.diff(id_, urn("a"), outs, inputs)
    assert (same.changes, same.replaces) == (False, [])
    renamed = server.diff(id_, urn("a"), outs, echo("b", size=1))
    assert (renamed.changes, renamed.replaces, renamed.delete_before_replace) == (
        True,
        ["name"],
        False,
    )
    dbr = server.diff(id_, urn("a"), outs, echo("b", size=1, dbr=True))
    assert dbr.replace and dbr.delete_before_replace


def test_read_gone_and_read_with_inputs(store_dir: Path) -> None:
    adopting = serialize_provider(AdoptingEchoProvider())
    with ProviderServer(cwd=ROOT) as srv:
        srv.configure({})
        props = {"name": "a", "size": 2, PROVIDER_KEY: adopting}
        id_, outs = srv.create(urn("a"), props)
        with store() as data:  # out-of-band change
            data["objects"][id_]["size"] = 7
        got_id, got_outs, got_inputs = srv.read(id_, urn("a"), outs, props)
        assert got_id == id_ and got_outs["size"] == 7.0
        assert got_inputs == {"name": "a", "size": 7.0, PROVIDER_KEY: adopting}
        # a get: ResourceOptions(id=...) reads with the program's props as inputs only
        assert srv.read(id_, urn("a"), None, props)[0] == id_
        with store() as data:
            del data["objects"][id_]
        assert srv.read(id_, urn("a"), outs, props)[0] == ""


def test_provider_exception_is_one_line(server: ProviderServer, store_dir: Path) -> None:
    with store() as data:
        data["fail"] = {"create": ["boom"]}
    with pytest.raises(ProviderCallError) as info:
        server.create(urn("boom"), echo("boom"))
    err = info.value
    assert str(err) == "RuntimeError: create echo 'boom': the backend refused (injected)"
    assert err.method == "Create" and err.resource == urn("boom")
    assert err.details.startswith("Traceback") and str(err) in err.details
    with pytest.raises(ProviderCallError, match=r"^KeyError: 'name'$"):
        server.create(urn("x"), {PROVIDER_KEY: PROVIDER})


def test_server_calls_are_thread_safe(server: ProviderServer, store_dir: Path) -> None:
    def create(i: int) -> str:
        return server.create(urn(f"r{i}"), echo(f"r{i}", size=i))[0]

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(20)))
    assert len(set(ids)) == 20
    assert len(read_store(store_dir)["objects"]) == 20


def test_server_start_failure_reports_stderr(tmp_path: Path) -> None:
    # a fresh process (a forked one has imported the SDK before it sees the PYTHONPATH)
    srv = ProviderServer(
        cwd=tmp_path, env={"PYTHONPATH": str(tmp_path), "COMPSHARE_TESTING_FORK": "0"}
    )
    (tmp_path / "pulumi").mkdir()  # shadows the SDK: the server cannot start
    (tmp_path / "pulumi" / "__init__.py").write_text("raise ImportError('shadowed sdk')\n")
    with pytest.raises(Exception, match="shadowed sdk"):
        srv.start()
    assert not srv.running
    assert "shadowed sdk" in srv.stderr_text()


# --------------------------------------------------------------------------------------------------
# Player


def test_player_lifecycle(store_dir: Path) -> None:
    lines: list[str] = []
    with Player(cwd=ROOT, printer=lines.append) as player:
        _lifecycle(player, lines, store_dir)


def _lifecycle(player: Player, lines: list[str], store_dir: Path) -> None:
    def program(size: int, name: str = "ml") -> Callable[[], None]:
        def run() -> None:
            team = Echo("team", {"name": name, "size": size})
            pulumi.export("team_id", team.echo_id)
            pulumi.export("size", team.size)

        return run

    # up: a preview (Check) in a provider process of its own, then the update: Check + Create
    result = player.up(program(1))
    assert result.ops() == {"team": "create"}
    assert result.preview is not None and result.preview.ops() == {"team": "create"}
    assert result.preview.calls == [("Configure", ""), ("Check", "team")]
    assert result.calls == [("Configure", ""), ("Check", "team"), ("Create", "team")]
    assert player.calls == result.preview.calls + result.calls
    team = player.resource("team")
    assert (team.id, team.type, team.inputs["size"], team.outputs["size_type"]) == (
        "e-1",
        ECHO,
        1.0,
        "float",
    )
    assert player.outputs == {"team_id": "e-1", "size": 1.0}
    # one line per step (the class name, not the whole type token), the outputs with whole
    # numbers as ints (they cross the engine as floats), then the summary
    assert lines == [
        "  + Echo team create",  # the preview
        "Resources: 1 to create",
        "  + Echo team create",  # the update
        "Outputs:",
        "    size: 1",
        '    team_id: "e-1"',
        "Resources: 1 created",
    ]

    # up again, nothing changed: Check + Diff only, in the preview and in the update
    n = len(player.calls)
    assert player.up(program(1)).summary() == "Resources: 1 unchanged"
    # a fresh provider process per command (the preview's and the update's), configured first
    assert player.calls[n:] == [("Configure", ""), ("Check", "team"), ("Diff", "team")] * 2

    # change an input: Update (the update's own calls: the preview makes Check and Diff)
    result = player.up(program(2))
    assert result.ops() == {"team": "update"}
    assert result.step("team").line == "  ~ Echo team update [size: 1 => 2]"
    assert result.step("team").diff == ("~size",)
    assert result.calls[1:] == [("Check", "team"), ("Diff", "team"), ("Update", "team")]
    assert player.resource("team").outputs["size"] == 2.0 and player.outputs["size"] == 2.0

    # change the identity: replace = Create new, then Delete old (the update alone)
    n = len(player.calls)
    result = player.up(program(2, name="ml2"), skip_preview=True)
    assert result.step("team").line == '  +- Echo team replace [name: "ml" => "ml2"]'
    assert result.summary() == "Resources: 1 replaced"
    # a replacement re-runs Check with no old inputs before creating
    assert calls(player, n) == [
        ("Check", "team"),
        ("Diff", "team"),
        ("Check", "team"),
        ("Create", "team"),
        ("Delete", "team"),
    ]
    assert player.resource("team").id == "e-2" and player.outputs["team_id"] == "e-2"
    assert set(read_store(store_dir)["objects"]) == {"e-2"}

    # out-of-band change, then refresh: drift recorded
    with store() as data:
        data["objects"]["e-2"]["size"] = 9.5
    n = len(player.calls)
    result = player.refresh()
    assert calls(player, n) == [("Read", "team"), ("Diff", "team")]  # Diff after Read
    assert result.step("team").line == "  ~ Echo team refresh [size: 2 => 9.5]"
    assert result.summary() == "Resources: 1 updated"
    assert player.resource("team").outputs["size"] == 9.5
    assert player.resource("team").inputs["size"] == 2.0  # Echo's read returns no inputs

    # the next up puts it back
    assert player.up(program(2, name="ml2")).ops() == {"team": "update"}
    assert read_store(store_dir)["objects"]["e-2"]["size"] == 2.0

    # destroy
    n = len(player.calls)
    result = player.destroy()
    assert result.ops() == {"team": "delete"}
    assert calls(player, n) == [("Delete", "team")]
    assert player.resources == {} and player.outputs == {}
    assert read_store(store_dir)["objects"] == {}


def test_refresh_drops_resources_gone_out_of_band(player: Player, store_dir: Path) -> None:
    def program() -> None:
        Echo("a", {"name": "a"})
        Echo("b", {"name": "b"})

    player.up(program)
    with store() as data:
        del data["objects"][player.resource("a").id]
    result = player.refresh()
    assert result.ops() == {"a": "delete", "b": "same"}
    assert result.step("a").line == "  - Echo a refresh (gone)"
    assert [s.name for s in player.resources.values()] == ["b"]
    n = len(player.calls)
    assert player.up(program, skip_preview=True).ops() == {"a": "create", "b": "same"}
    assert ops(player, n) == [("Check", "a"), ("Check", "b"), ("Create", "a"), ("Diff", "b")]


def test_refresh_adopts_inputs_returned_by_read(player: Player, store_dir: Path) -> None:
    def program() -> None:
        Echo("a", {"name": "a", "size": 1}, provider=AdoptingEchoProvider())

    player.up(program)
    with store() as data:
        data["objects"][player.resource("a").id]["size"] = 5
    player.refresh()
    assert player.resource("a").inputs["size"] == 5.0


def test_outputs_flow_into_dependent_inputs(player: Player, store_dir: Path) -> None:
    def program() -> None:
        a = Echo("a", {"name": "a"})
        b = Echo("b", {"name": "b", "ref": a.echo_id})
        pulumi.export("b_ref", b.ref)
        pulumi.export("nested", {"ids": [a.id, b.id]})
        pulumi.export("where", f"{pulumi.get_project()}/{pulumi.get_stack()}")
        pulumi.export("token", pulumi.Config("harness").get("token"))

    player.up(program)
    a, b = player.resource("a"), player.resource("b")
    assert b.inputs["ref"] == a.id == "e-1"
    assert b.dependencies == [a.urn]
    assert player.outputs == {
        "b_ref": "e-1",
        "nested": {"ids": ["e-1", "e-2"]},
        "where": "test/dev",
        "token": "tok",  # the stack config is visible to the program
    }

    # removing both: deletes run in reverse dependency order
    n = len(player.calls)
    result = player.up(lambda: None)
    assert [s.name for s in result.steps] == ["b", "a"]
    assert calls(player, n) == [("Delete", "b"), ("Delete", "a")]


def test_preview_changes_nothing_and_gives_unknowns(player: Player, store_dir: Path) -> None:
    def program(size: int) -> Callable[[], None]:
        def run() -> None:
            a = Echo("a", {"name": "a", "size": size})
            b = Echo("b", {"name": "b", "ref": a.echo_id})
            pulumi.export("a_id", a.id)
            pulumi.export("b_ref", b.ref)
            pulumi.export("a_size", a.size)

        return run

    plan = player.preview(program(1))
    assert plan.ops() == {"a": "create", "b": "create"}
    assert str(plan).splitlines()[-1] == "Resources: 2 to create"
    assert plan.outputs == {"a_id": UNKNOWN, "b_ref": UNKNOWN, "a_size": 1.0}
    assert sorted(player.calls) == [("Check", "a"), ("Check", "b"), ("Configure", "")]
    assert player.resources == {} and read_store(store_dir).get("objects", {}) == {}
    assert read_store(store_dir)["unknowns"] == [["ref"]]

    player.up(program(1))
    n = len(player.calls)
    plan = player.preview(program(2))
    # an update's output-only properties are unknown in a preview, so b sees an unknown ref
    assert plan.ops() == {"a": "update", "b": "update"}
    assert plan.step("b").diff == ("~ref",)
    assert plan.outputs["a_id"] == "e-1" and plan.outputs["a_size"] == 2.0
    assert ops(player, n) == [("Check", "a"), ("Check", "b"), ("Diff", "a"), ("Diff", "b")]
    assert player.resource("a").inputs["size"] == 1.0  # state untouched

    plan = player.preview(lambda: None)
    assert plan.ops() == {"b": "delete", "a": "delete"}
    assert plan.summary() == "Resources: 2 to delete"
    assert len(player.resources) == 2


def test_failed_step_raises_and_keeps_what_succeeded(player: Player, store_dir: Path) -> None:
    with store() as data:
        data["fail"] = {"create": ["boom"]}

    def program() -> None:
        a = Echo("a", {"name": "a"})
        Echo("boom", {"name": "boom", "ref": a.echo_id})
        Echo("after", {"name": "after"}, opts=pulumi.ResourceOptions(depends_on=[a]))

    with pytest.raises(StepError) as info:
        player.up(program)
    err = info.value
    assert str(err) == "boom: RuntimeError: create echo 'boom': the backend refused (injected)"
    assert (err.op, err.method, err.name) == ("create", "Create", "boom")
    assert "Traceback" in err.details
    assert err.result is not None and err.result.ops()["a"] == "create"
    assert "a" in {s.name for s in player.resources.values()}
    assert "boom" not in {s.name for s in player.resources.values()}


def test_check_failure_is_a_step_error(player: Player) -> None:
    with pytest.raises(StepError) as info:
        player.up(lambda: Echo("bad", {"name": ""}))
    assert str(info.value) == (
        f"bad: {ECHO} resource 'bad': property name value '' has a problem: "
        "name must be a non-empty string"
    )
    assert info.value.method == "Check"
    assert player.resources == {}


def test_program_exception_propagates(player: Player) -> None:
    def program() -> None:
        Echo("a", {"name": "a"})
        raise ValueError("bad program")

    with pytest.raises(ValueError, match="bad program"):
        player.up(program)


def test_delete_before_replace_option(player: Player, store_dir: Path) -> None:
    def program(name: str) -> Callable[[], Echo]:
        opts = pulumi.ResourceOptions(delete_before_replace=True)
        return lambda: Echo("a", {"name": name}, opts=opts)

    player.up(program("x"))
    n = len(player.calls)
    player.up(program("y"), skip_preview=True)  # the update's calls alone
    assert calls(player, n) == [
        *[("Check", "a"), ("Diff", "a"), ("Check", "a")],
        *[("Delete", "a"), ("Create", "a")],
    ]
    assert list(read_store(store_dir)["objects"]) == ["e-2"]


def test_get_with_resource_options_id(player: Player, server: ProviderServer) -> None:
    id_, _ = server.create(urn("existing"), echo("existing", size=4))

    def program() -> None:
        got = Echo("existing", {"name": "existing"}, opts=pulumi.ResourceOptions(id=id_))
        pulumi.export("size", got.size)

    result = player.up(program)
    assert result.ops() == {"existing": "read"}
    assert player.outputs == {"size": 4.0}
    state = player.resource("existing")
    assert state.external and state.id == id_
    n = len(player.calls)
    assert player.destroy().ops() == {"existing": "discard"}
    assert calls(player, n) == []  # read resources are never deleted


def test_many_resources_concurrently(player: Player, store_dir: Path) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    call = player.deployment.provider_call

    def counting(method: str, name: str, fn: Callable[[], Any]) -> Any:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        try:
            return call(method, name, fn)
        finally:
            with lock:
                active -= 1

    player.deployment.provider_call = counting  # type: ignore[method-assign]

    def program() -> None:
        for i in range(20):
            Echo(f"r{i}", {"name": f"r{i}", "size": i})

    result = player.up(program)
    assert result.summary() == "Resources: 20 created"
    assert len(read_store(store_dir)["objects"]) == 20
    assert peak > 1  # steps ran concurrently
    assert player.destroy().summary() == "Resources: 20 deleted"


def test_state_save_and_load(player: Player, store_dir: Path, tmp_path: Path) -> None:
    player.up(lambda: {"id": Echo("a", {"name": "a"}).id})
    assert player.outputs == {"id": "e-1"}
    path = tmp_path / "state.json"
    player.save(path)
    with Player(cwd=ROOT) as other:
        other.load(path)
        assert other.resources == player.resources and other.outputs == {"id": "e-1"}
        assert other.destroy().ops() == {"a": "delete"}
    assert read_store(store_dir)["objects"] == {}


def test_components_and_restart_per_operation(store_dir: Path) -> None:
    class Group(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("harness:index:Group", name)
            self.member = Echo(
                f"{name}-m", {"name": name}, opts=pulumi.ResourceOptions(parent=self)
            )
            self.register_outputs({})

    with Player(cwd=ROOT, restart_per_operation=True) as p:
        result = p.up(lambda: Group("g"))
        assert result.ops() == {"g": "create", "g-m": "create"}
        pid = p.server.pid if p.server else None
        member = p.resource("g-m")
        assert member.urn.endswith("harness:index:Group$pulumi-python:dynamic/harness:Echo::g-m")
        assert member.dependencies == [p.resource("g").urn]  # the parent
        assert p.up(lambda: Group("g")).summary() == "Resources: 2 unchanged"
        assert p.server is not None and p.server.pid != pid  # a fresh process per operation
        # each up's preview and update configure a provider process of their own
        assert [c for c in p.calls if c[0] == "Configure"] == [("Configure", "")] * 4
        result = p.destroy()
        assert [s.name for s in result.steps] == ["g-m", "g"]  # children before parents
        assert [c for c in p.calls if c[0] == "Delete"] == [("Delete", "g-m")]
