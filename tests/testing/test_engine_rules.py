"""The offline engine follows the Pulumi engine source: one test per behaviour of the conformance
table in ``docs/testing.md``, each through a real ``python -m pulumi.dynamic`` server and the
JSON-file-backed harness provider (``tests/harness_providers.py``)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_compshare.testing import (
    Player,
    ProviderServer,
    ProviderServerError,
    StepError,
    forkserver,
    resource_type,
    serialize_provider,
)
from pulumi_compshare.testing.player import default_parallel
from pulumi_compshare.testing.registration import Run
from pulumi_compshare.testing.rules import delete_protected_message, replace_protected_message
from pulumi_compshare.testing.wire import PROVIDER_KEY, UNKNOWN, from_struct, make_urn

from ..harness_providers import Echo, EchoProvider, UndecidedEchoProvider, store

ROOT = Path(__file__).resolve().parents[2]
ECHO = resource_type(Echo)
Opts = pulumi.ResourceOptions


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_STORE", str(tmp_path))
    return tmp_path


@pytest.fixture
def player(store_dir: Path) -> Iterator[Player]:
    """One provider process per test (``restart_per_operation=False``, here and in the players
    the tests make): the rules here are the engine's steps, and the Echo provider keeps its objects
    in the store file, never in the process, so a fresh process per command (the player's default,
    as the CLI: ``cli_player``, section 9 and ``test_engine_cli.py``) would change nothing but the
    time."""
    with Player(cwd=ROOT, config={"harness:token": "tok"}, restart_per_operation=False) as p:
        yield p


@pytest.fixture
def cli_player(store_dir: Path) -> Iterator[Player]:
    """A player with the defaults: a fresh provider process per command, as the CLI."""
    with Player(cwd=ROOT, config={"harness:token": "tok"}) as p:
        yield p


def data(store_dir: Path) -> dict[str, Any]:
    path = store_dir / "store.json"
    return json.loads(path.read_text()) if path.exists() else {}


def calls(p: Player, start: int = 0) -> list[tuple[str, str]]:
    """Provider calls since ``start``, without the Configure of each fresh provider process."""
    return [c for c in p.calls[start:] if c[0] != "Configure"]


def srv_provider() -> str:
    """The ``__provider`` of an :class:`EchoProvider`."""
    return serialize_provider(EchoProvider())


def urn(name: str, type_: str = ECHO) -> str:
    return make_urn(type_, name)


def fail(action: str, *names: str) -> None:
    with store() as d:
        d.setdefault("fail", {})[action] = list(names)


def oob(id_: str, **changes: Any) -> None:
    """An out-of-band change of an object."""
    with store() as d:
        d["objects"][id_].update(changes)


# --------------------------------------------------------------------------------------------------
# 1. import_=


def test_import_fails_with_keyerror_provider_like_the_engine(
    player: Player, store_dir: Path
) -> None:
    with ProviderServer(cwd=ROOT) as srv:
        srv.configure({})
        id_, _ = srv.create(urn("x"), {"name": "x", PROVIDER_KEY: srv_provider()})

    def program() -> None:
        Echo("x", {"name": "x"}, opts=Opts(import_=id_))

    for operation in (player.preview, player.up):  # ImportStep.Apply reads in a preview too
        n = len(player.calls)
        with pytest.raises(StepError) as info:
            operation(program)
        err = info.value
        assert (err.op, err.method, err.name) == ("import", "Read", "x")
        assert str(err) == "x: KeyError: '__provider'"
        assert err.details.startswith("Traceback") and "get_provider" in err.details
        assert calls(player, n) == [("Read", "x")]  # no Check, no Create: nothing "silently" made
    assert player.resources == {}
    assert list(data(store_dir)["objects"]) == [id_]


# --------------------------------------------------------------------------------------------------
# 2. get (ResourceOptions(id=...))


def test_get_sends_the_inputs_as_both_inputs_and_properties(store_dir: Path) -> None:
    with ProviderServer(cwd=ROOT, record_requests=True) as srv, Player(server=srv) as p:
        id_ = srv.create(urn("e"), {"name": "e", "size": 4, PROVIDER_KEY: srv_provider()})[0]
        result = p.up(lambda: {"size": Echo("e", {"name": "e"}, opts=Opts(id=id_)).size})
        assert result.ops() == {"e": "read"} and p.outputs == {"size": 4.0}
        # the get-Read of the up's preview, then the update's: the same request twice
        previewed, read = [r for m, r in srv.requests if m == "Read"]
        assert previewed == read
        assert read.id == id_ and read.HasField("inputs")
        assert from_struct(read.inputs) == from_struct(read.properties)
        assert from_struct(read.inputs)["name"] == "e"
        assert "echo_id" not in from_struct(read.inputs)  # no output-only keys
        state = p.resource("e")
        assert state.external and state.inputs == from_struct(read.inputs)


def test_get_of_an_object_the_provider_says_is_gone_succeeds(player: Player) -> None:
    """ReadStep.Apply fails only when the outputs are nil; the Python server always returns
    ``{__provider}``, so the read is recorded with the requested id and nothing else."""
    result = player.up(lambda: {"ref": Echo("m", {"name": "m"}, opts=Opts(id="e-404")).echo_id})
    assert result.ops() == {"m": "read"}
    state = player.resource("m")
    assert state.id == "e-404" and state.outputs == {PROVIDER_KEY: srv_provider()}
    assert "ref" not in player.outputs or player.outputs["ref"] is None


# --------------------------------------------------------------------------------------------------
# 3. refresh: Diff after Read; up(refresh=True)


def test_refresh_reports_update_or_same_from_the_providers_diff(
    player: Player, store_dir: Path
) -> None:
    def program() -> None:
        Echo("decided", {"name": "decided", "size": 1})
        Echo("undecided", {"name": "undecided", "size": 1}, provider=UndecidedEchoProvider())

    player.up(program)
    for name in ("decided", "undecided"):
        oob(player.resource(name).id, size=5)
    n = len(player.calls)
    result = player.refresh()
    assert sorted(calls(player, n)) == [
        ("Diff", "decided"),
        ("Diff", "undecided"),
        ("Read", "decided"),
        ("Read", "undecided"),
    ]
    # Diff(olds = refreshed outputs, news = old inputs): Echo's diff sees size 5 vs 1. The
    # undecided one answers DIFF_UNKNOWN: the engine compares refreshed and old *inputs*, equal
    # (Read returned none), so "same" although its outputs drifted.
    assert result.ops() == {"decided": "update", "undecided": "same"}
    assert "~size" in result.step("decided").diff
    assert player.resource("undecided").outputs["size"] == 5.0  # the drift is recorded anyway


def test_refresh_of_a_read_resource_compares_outputs_without_diff(
    player: Player, store_dir: Path
) -> None:
    player.up(lambda: Echo("mine", {"name": "mine"}))
    id_ = player.resource("mine").id
    player.up(lambda: [Echo("mine", {"name": "mine"}), Echo("ext", {"name": "mine"}, Opts(id=id_))])
    oob(id_, size=3)
    n = len(player.calls)
    assert player.refresh().ops() == {"mine": "update", "ext": "update"}
    assert sorted(calls(player, n)) == [("Diff", "mine"), ("Read", "ext"), ("Read", "mine")]


def test_up_with_refresh_refreshes_then_updates_in_one_command(
    cli_player: Player, store_dir: Path
) -> None:
    player = cli_player

    def program() -> None:
        Echo("a", {"name": "a", "size": 1})

    player.up(program)
    id_ = player.resource("a").id
    oob(id_, size=7)
    n = len(player.calls)
    result = player.up(program, refresh=True)
    assert player.calls[n:] == [
        # the preview refreshes too, in a provider process of its own (nothing kept) ...
        *[("Configure", ""), ("Read", "a"), ("Diff", "a"), ("Check", "a"), ("Diff", "a")],
        # ... then the update: one provider process for the whole command
        ("Configure", ""),
        *[("Read", "a"), ("Diff", "a")],
        *[("Check", "a"), ("Diff", "a"), ("Update", "a")],
    ]
    assert result.preview is not None and result.preview.ops() == {"a": "update"}
    assert [(s.op, s.refresh) for s in result.refresh_steps] == [("update", True)]
    assert result.ops() == {"a": "update"} and result.summary() == "Resources: 1 updated"
    assert data(store_dir)["objects"][id_]["size"] == 1

    fail("read", "a")  # a failed refresh stops the update (here, already its preview)
    n = len(player.calls)
    with pytest.raises(StepError) as info:
        player.up(program, refresh=True)
    assert (info.value.op, info.value.method) == ("refresh", "Read")
    assert info.value.result is not None and info.value.result.operation == "preview"
    assert calls(player, n) == [("Read", "a")]
    n = len(player.calls)
    with pytest.raises(StepError) as info:
        player.up(program, refresh=True, skip_preview=True)
    assert (info.value.op, info.value.method) == ("refresh", "Read")
    assert calls(player, n) == [("Read", "a")]


# --------------------------------------------------------------------------------------------------
# 4. replace: the extra Check, delete_before_replace precedence, dependents


def test_replace_reruns_check_with_no_old_inputs(player: Player, store_dir: Path) -> None:
    player.up(lambda: Echo("a", {"name": "one"}))
    player.up(lambda: Echo("a", {"name": "two"}))
    assert data(store_dir)["checks"][-2:] == [["two", True], ["two", False]]


@pytest.mark.parametrize(
    ("provider_dbr", "option", "order"),
    [
        (False, None, ["Create", "Delete"]),
        (True, None, ["Delete", "Create"]),
        (False, True, ["Delete", "Create"]),
        (True, False, ["Create", "Delete"]),  # the user's option wins, even when false
    ],
)
def test_delete_before_replace_option_wins_over_the_provider(
    player: Player, provider_dbr: bool, option: bool | None, order: list[str]
) -> None:
    def program(name: str) -> Callable[[], Echo]:
        return lambda: Echo(
            "a", {"name": name, "dbr": provider_dbr}, Opts(delete_before_replace=option)
        )

    player.up(program("x"))
    n = len(player.calls)
    player.up(program("y"))
    assert [m for m, _ in calls(player, n) if m in ("Create", "Delete")] == order


def test_dependents_of_a_delete_before_replace_are_replaced_first(
    player: Player, store_dir: Path
) -> None:
    def program(name: str) -> Callable[[], None]:
        def run() -> None:
            a = Echo("a", {"name": name}, Opts(delete_before_replace=True))
            Echo("b", {"name": a.echo_id})  # its identity comes from a: replaced with it
            Echo("c", {"name": "c", "ref": a.echo_id})  # only an update

        return run

    player.up(program("x"))
    ids = {n: player.resource(n).id for n in "abc"}
    plan = player.preview(program("y"))
    assert plan.ops() == {"a": "replace", "b": "replace", "c": "update"}
    n = len(player.calls)
    result = player.up(program("y"), skip_preview=True)  # the update's calls alone
    assert result.ops() == {"a": "replace", "b": "replace", "c": "update"}
    made = calls(player, n)
    assert made[:3] == [("Check", "a"), ("Diff", "a"), ("Check", "a")]
    # calculateDependentReplacements: the refs to a become unknown, the provider's Diff decides
    assert sorted(made[3:5]) == [("Diff", "b"), ("Diff", "c")]
    assert made[5:8] == [("Delete", "b"), ("Delete", "a"), ("Create", "a")]
    # then b, re-created (Check with no olds, no Diff), and c, updated, run concurrently
    assert sorted(made[8:]) == sorted(
        [("Check", "b"), ("Create", "b"), ("Check", "c"), ("Diff", "c"), ("Update", "c")]
    )
    assert data(store_dir)["deleted"] == [ids["b"], ids["a"]]
    assert [s.name for s in result.steps if s.op == "delete-replaced"] == ["b", "a"]
    assert player.resource("b").inputs["name"] == player.resource("a").id


# --------------------------------------------------------------------------------------------------
# 5. protect, retain_on_delete, deleted_with


def test_protect_fails_destroy_naming_the_resource_and_keeps_its_dependencies(
    player: Player, store_dir: Path
) -> None:
    def program() -> None:
        base = Echo("base", {"name": "base"})
        Echo("p", {"name": "p", "ref": base.echo_id}, Opts(protect=True))
        Echo("other", {"name": "other"})

    player.up(program)
    n = len(player.calls)
    with pytest.raises(StepError) as info:
        player.destroy()
    err = info.value
    assert err.name == "p" and err.op == "delete" and err.method == ""
    assert err.details == delete_protected_message(urn("p"))
    assert err.details.startswith(
        f'resource "{urn("p")}" cannot be deleted\nbecause it is protected'
    )
    assert "\n" not in str(err)
    assert calls(player, n) == [("Delete", "other")]  # independent ones still go
    assert sorted(s.name for s in player.resources.values()) == ["base", "p"]


def test_protect_fails_a_replace_before_any_change(player: Player, store_dir: Path) -> None:
    def program(name: str) -> Callable[[], Echo]:
        return lambda: Echo("p", {"name": name}, Opts(protect=True))

    player.up(program("one"))
    with pytest.raises(StepError) as info:  # a preview shows the plan, then fails
        player.preview(program("two"))
    assert info.value.result is not None and info.value.result.ops() == {"p": "replace"}
    assert info.value.details == replace_protected_message(urn("p"))
    n = len(player.calls)
    with pytest.raises(StepError, match="as it is currently marked for protection") as info:
        player.up(program("two"))  # its preview fails: nothing is updated
    assert info.value.result is not None and info.value.result.operation == "preview"
    assert calls(player, n) == [("Check", "p"), ("Diff", "p"), ("Check", "p")]
    n = len(player.calls)
    with pytest.raises(StepError, match="as it is currently marked for protection"):
        player.up(program("two"), skip_preview=True)  # the update bails before any change
    assert calls(player, n) == [("Check", "p"), ("Diff", "p")]  # no Create, no Delete
    assert player.resource("p").inputs["name"] == "one"


def test_retain_on_delete_leaves_the_object_live(player: Player, store_dir: Path) -> None:
    player.up(
        lambda: [Echo("r", {"name": "r"}, Opts(retain_on_delete=True)), Echo("d", {"name": "d"})]
    )
    ids = {s.name: s.id for s in player.resources.values()}
    n = len(player.calls)
    assert player.destroy().ops() == {"r": "delete", "d": "delete"}
    assert calls(player, n) == [("Delete", "d")]
    assert list(data(store_dir)["objects"]) == [ids["r"]] and player.resources == {}


def test_deleted_with_skips_delete_only_when_its_resource_goes_too(
    player: Player, store_dir: Path
) -> None:
    def program(with_child: bool) -> Callable[[], None]:
        def run() -> None:
            parent = Echo("parent", {"name": "parent"})
            if with_child:
                Echo("child", {"name": "child"}, Opts(deleted_with=parent))

        return run

    player.up(program(True))
    n = len(player.calls)
    player.up(program(False))  # its deleted_with resource stays: Delete is called
    assert calls(player, n)[-1] == ("Delete", "child")
    player.up(program(True))
    n = len(player.calls)
    assert player.destroy().ops() == {"child": "delete", "parent": "delete"}
    assert calls(player, n) == [("Delete", "parent")]


# --------------------------------------------------------------------------------------------------
# 6. ignore_changes, replace_on_changes


def test_ignore_changes_applies_before_check_but_drift_still_diffs(
    player: Player, store_dir: Path
) -> None:
    def program(label: str) -> Callable[[], Echo]:
        return lambda: Echo("a", {"name": "a", "label": label}, Opts(ignore_changes=["label"]))

    player.up(program("one"))
    id_ = player.resource("a").id
    assert player.up(program("two")).ops() == {"a": "same"}  # Check got label "one"
    assert player.resource("a").inputs["label"] == "one"
    oob(id_, label="drifted")
    assert player.refresh().ops() == {"a": "update"}
    # the dynamic provider diffs the old *outputs* (label "drifted") against the inputs: update
    assert player.up(program("two")).ops() == {"a": "update"}
    assert data(store_dir)["objects"][id_]["label"] == "one"


@pytest.mark.parametrize(
    ("provider", "op"), [(EchoProvider(), "update"), (UndecidedEchoProvider(), "replace")]
)
def test_replace_on_changes_needs_changed_keys_the_python_server_never_sends(
    player: Player, provider: EchoProvider, op: str
) -> None:
    def program(size: int) -> Callable[[], Echo]:
        opts = Opts(replace_on_changes=["size"])
        return lambda: Echo("a", {"name": "a", "size": size}, opts, provider=provider)

    player.up(program(1))
    assert player.up(program(2)).ops() == {"a": op}


# --------------------------------------------------------------------------------------------------
# 7. preview of an update


def test_preview_of_an_update_returns_the_new_inputs_as_outputs(player: Player) -> None:
    def program(size: int) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            a = Echo("a", {"name": "a", "size": size})
            return {"id": a.id, "size": a.size, "echo_id": a.echo_id, "type": a.size_type}

        return run

    player.up(program(1))
    plan = player.preview(program(2))
    assert plan.ops() == {"a": "update"}
    assert plan.outputs == {"id": "e-1", "size": 2.0, "echo_id": UNKNOWN, "type": UNKNOWN}


# --------------------------------------------------------------------------------------------------
# 8. failures


def test_a_failed_update_keeps_the_old_state(player: Player, store_dir: Path) -> None:
    player.up(lambda: Echo("a", {"name": "a", "size": 1}))
    before = player.resource("a")
    fail("update", "a")
    with pytest.raises(StepError, match="update echo 'a': the backend refused"):
        player.up(lambda: Echo("a", {"name": "a", "size": 2}))
    assert player.resource("a") == before
    fail("update")
    assert player.up(lambda: Echo("a", {"name": "a", "size": 2})).ops() == {"a": "update"}


def test_a_failed_create_records_nothing(player: Player, store_dir: Path) -> None:
    fail("create", "boom")
    with pytest.raises(StepError):
        player.up(lambda: Echo("boom", {"name": "boom"}))
    assert player.resources == {} and player.pending_deletes == []


def test_after_a_failure_no_new_step_starts_unless_continue_on_error(
    player: Player, store_dir: Path
) -> None:
    player.up(lambda: [Echo("old", {"name": "old"}), Echo("keep", {"name": "keep"})])
    fail("create", "boom1", "boom2")

    def program() -> None:
        Echo("keep", {"name": "keep"})
        Echo("boom1", {"name": "boom1"})
        Echo("boom2", {"name": "boom2"})

    with pytest.raises(StepError):
        player.up(program)
    assert "old" in {s.name for s in player.resources.values()}  # no deletes after a failure

    with pytest.raises(StepError) as info:
        player.up(program, continue_on_error=True)
    err = info.value
    assert sorted(e.name for e in err.errors) == ["boom1", "boom2"]  # every failure reported
    assert err.result is not None and err.result.errors == err.errors
    assert str(err).endswith(f"(2 steps failed: {err.errors[0].name}, {err.errors[1].name})")
    assert {s.name for s in player.resources.values()} == {"keep"}  # the delete went on


def test_failed_delete_stops_other_deletes_unless_continue_on_error(store_dir: Path) -> None:
    # one call at a time: a deterministic order
    with Player(cwd=ROOT, parallel=1, restart_per_operation=False) as player:
        program = lambda: [Echo("x", {"name": "x"}), Echo("y", {"name": "y"})]  # noqa: E731
        player.up(program)
        fail("delete", "x")
        with pytest.raises(StepError, match="delete echo 'x'"):
            player.destroy()
        assert len(player.resources) == 2  # y's delete never started
        with pytest.raises(StepError) as info:
            player.destroy(continue_on_error=True)
        assert [e.name for e in info.value.errors] == ["x"]
        assert [s.name for s in player.resources.values()] == ["x"]


# --------------------------------------------------------------------------------------------------
# 9. a fresh provider process per command


def test_a_fresh_provider_process_per_command_by_default(cli_player: Player) -> None:
    player = cli_player
    assert player.restart_per_operation
    pids = []
    for _ in range(3):
        player.up(lambda: Echo("a", {"name": "a"}), skip_preview=True)
        assert player.server is not None
        pids.append(player.server.pid)
    assert len(set(pids)) == 3
    assert [c for c in player.calls if c[0] == "Configure"] == [("Configure", "")] * 3


def test_a_process_that_exits_after_its_port_fails_to_start_at_once() -> None:
    """The engine dials a plugin and retries its dummy call while the server is unavailable
    (``plugin.go: dialPlugin``); a process that has exited will never answer, so the start
    fails then, naming it, rather than after the whole start-up timeout."""
    command = [sys.executable, "-c", "print(1, flush=True); import time; time.sleep(0.3)"]
    server = ProviderServer(command=command, startup_timeout=30)
    with pytest.raises(ProviderServerError, match="the process exited"):
        server.start()


def test_a_provider_process_is_stopped_as_the_engine_stops_a_plugin() -> None:
    """SIGINT first (the dynamic server then stops its gRPC server and exits 0), SIGKILL only
    after 5 s (``plugin.go: newPlugin``'s kill). A fresh process: a forked one's status is its
    parent's to read."""
    server = ProviderServer(env={forkserver.ENV_VAR: "0"}).start()
    server.configure({})
    server.stop()
    assert server.exit_status == 0  # SIGTERM would leave -15, SIGKILL -9


# --------------------------------------------------------------------------------------------------
# secrets


def test_secrets_are_stripped_on_the_wire_and_marked_again_on_outputs(
    player: Player, store_dir: Path
) -> None:
    def program() -> dict[str, Any]:
        a = Echo("a", {"name": "a", "label": pulumi.Output.secret("s3cret")})
        return {"secret": pulumi.Output.from_input(a.label.is_secret()), "label": a.label}

    assert player.up(program).outputs == {"secret": True, "label": "s3cret"}
    assert data(store_dir)["objects"][player.resource("a").id]["label"] == "s3cret"


# --------------------------------------------------------------------------------------------------
# deletes: antichains, in parallel; step-generation errors


def test_deletes_run_in_antichains_dependents_first(store_dir: Path) -> None:
    """ScheduleDeletes: the engine deletes in waves; ``free`` (independent) waits for the wave of
    ``a``, after ``b``, which depends on ``a``."""
    with Player(cwd=ROOT, parallel=1, restart_per_operation=False) as player:

        def program() -> None:
            a = Echo("a", {"name": "a"})
            Echo("b", {"name": "b", "ref": a.echo_id})
            Echo("free", {"name": "free"})

        player.up(program)
        result = player.destroy()
        assert result.steps[0].name == "b"
        assert sorted(s.name for s in result.steps[1:]) == ["a", "free"]


def test_independent_deletes_run_in_parallel(player: Player, store_dir: Path) -> None:
    player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}"}) for i in range(8)])
    peaks = _peaks(player)
    assert player.destroy().summary() == "Resources: 8 deleted"
    assert 1 < peaks["Delete"] <= player.parallel


class _Peaks(dict[str, int]):
    """The most calls of each kind seen under way at once (filled in as the calls run)."""

    def __init__(self) -> None:
        super().__init__()
        self._active: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def running(self, kind: str) -> Iterator[None]:
        with self._lock:
            self._active[kind] = self._active.get(kind, 0) + 1
            self[kind] = max(self.get(kind, 0), self._active[kind])
        try:
            yield
        finally:
            with self._lock:
                self._active[kind] -= 1


def _peaks(player: Player) -> _Peaks:
    """Wrap the player's provider calls: a Check or Diff waits 20 ms first, any other call
    100 ms; returns the most calls of each method seen under way at once."""
    peaks = _Peaks()
    call = player.deployment.provider_call

    def counting(method: str, name: str, fn: Callable[[], Any]) -> Any:
        with peaks.running(method):
            time.sleep(0.02 if method in ("Check", "Diff") else 0.1)
            return call(method, name, fn)

    player.deployment.provider_call = counting  # type: ignore[method-assign]
    return peaks


def test_steps_are_generated_one_registration_at_a_time(store_dir: Path) -> None:
    """deployment_executor.go: Execute handles one event at a time and step_generator.go calls
    Check (and Diff) before it returns: Checks never overlap, while Creates do."""
    with Player(cwd=ROOT, parallel=4, restart_per_operation=False) as player:
        peaks = _peaks(player)
        player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}"}) for i in range(6)])
        assert peaks["Check"] == 1
        assert peaks["Create"] > 1
        peaks.clear()
        player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}", "label": "x"}) for i in range(6)])
        assert peaks["Check"] == 1 and peaks["Diff"] == 1
        assert peaks["Update"] > 1


def test_at_most_parallel_steps_are_applied_at_a_time(store_dir: Path) -> None:
    """step_executor.go: newStepExecutor starts ``--parallel`` workers."""
    with Player(cwd=ROOT, parallel=2, restart_per_operation=False) as player:
        peaks = _peaks(player)
        player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}"}) for i in range(8)])
        assert peaks["Create"] == 2
        peaks.clear()
        player.refresh()
        assert peaks["Read"] == 2
        peaks.clear()
        player.destroy()
        assert peaks["Delete"] == 2


def test_parallel_defaults_to_four_per_cpu(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """up.go: defaultParallel is runtime.GOMAXPROCS(0) * 4 (without PULUMI_PARALLEL)."""
    monkeypatch.delenv("PULUMI_PARALLEL", raising=False)
    with Player(cwd=ROOT) as player:
        assert player.parallel == default_parallel() == 4 * len(os.sched_getaffinity(0))


def test_the_program_registers_through_four_threads_per_parallel(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pulumi-language-python-exec: _set_default_executor gives the program's event loop
    ``4 x parallel`` threads, and the SDK sends each RegisterResource from one of them."""
    peaks = _Peaks()
    register = Run.register

    def counting(self: Run, *args: Any) -> Any:
        with peaks.running("register"):
            time.sleep(0.05)
            return register(self, *args)

    monkeypatch.setattr(Run, "register", counting)
    with Player(cwd=ROOT, parallel=1, restart_per_operation=False) as player:
        player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}"}) for i in range(10)])
    assert peaks["register"] == 4


def test_check_failures_stop_the_deployment_even_with_continue_on_error(
    player: Player, store_dir: Path
) -> None:
    player.up(lambda: [Echo("old", {"name": "old"})])
    with pytest.raises(StepError) as info:
        player.up(lambda: Echo("bad", {"name": ""}), continue_on_error=True)
    assert info.value.method == "Check"
    assert [s.name for s in player.resources.values()] == ["old"]  # no delete after it


def test_a_failed_create_after_delete_before_replace_is_retried_without_a_delete(
    player: Player, store_dir: Path
) -> None:
    def program(name: str) -> Callable[[], Echo]:
        return lambda: Echo("a", {"name": name}, Opts(delete_before_replace=True))

    player.up(program("x"))
    fail("create", "y")
    with pytest.raises(StepError, match="create echo 'y'"):
        player.up(program("y"))
    assert player.resource("a").pending_replacement  # deleted, its replacement not created
    assert data(store_dir)["objects"] == {}
    fail("create")
    n = len(player.calls)
    assert player.up(program("y"), skip_preview=True).ops() == {"a": "replace"}  # the update
    assert calls(player, n) == [("Check", "a"), ("Diff", "a"), ("Check", "a"), ("Create", "a")]
    assert not player.resource("a").pending_replacement


def test_a_duplicate_urn_stops_the_deployment(player: Player) -> None:
    with pytest.raises(StepError, match="Duplicate resource URN"):
        player.up(lambda: [Echo("a", {"name": "a"}), Echo("a", {"name": "b"})])
