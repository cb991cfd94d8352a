"""The offline engine shows what the CLI shows: ``pulumi up`` previews first in a provider
process of its own, aliases take over old state, a Create without an id fails, what a provider
process writes is shown under the stack, ``PULUMI_PARALLEL`` and ``PULUMI_PARALLEL_DIFF`` are
read, and an update's line shows old against new inputs. One test per row of the conformance
table in ``docs/testing.md``, through a real ``python -m pulumi.dynamic`` server."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_compshare.testing import Player, ProviderServer, StepError, serialize_provider
from pulumi_compshare.testing.cli import default_parallel, parallel_diff
from pulumi_compshare.testing.results import STDERR, STDOUT
from pulumi_compshare.testing.wire import PROVIDER_KEY, make_urn, resource_type

from ..harness_providers import Echo, store
from .talking_providers import EmptyIdEchoProvider, TalkingEchoProvider
from .test_engine_rules import _peaks

ROOT = Path(__file__).resolve().parents[2]
ECHO = resource_type(Echo)
Opts = pulumi.ResourceOptions


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_STORE", str(tmp_path))
    return tmp_path


@pytest.fixture
def player(store_dir: Path) -> Iterator[Player]:
    with Player(cwd=ROOT) as p:
        yield p


def stored(store_dir: Path) -> dict[str, Any]:
    path = store_dir / "store.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def without_configure(calls: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [c for c in calls if c[0] != "Configure"]


def talking(name: str, **props: Any) -> Echo:
    return Echo(name, {"name": name, **props}, provider=TalkingEchoProvider())


# --------------------------------------------------------------------------------------------------
# aliases


@pytest.mark.parametrize(
    "alias",
    [pulumi.Alias(name="old"), make_urn(ECHO, "old")],
    ids=["Alias(name=...)", "a URN"],
)
def test_an_alias_takes_over_the_old_state(
    player: Player, store_dir: Path, alias: pulumi.Alias | str
) -> None:
    """step_generator.go: getOldResource finds the old state by the alias: the renamed resource
    is checked and diffed against it, ``same`` when nothing changed, and the old URN is not
    deleted (GenerateDeletes: isOperatedOn)."""
    player.up(lambda: Echo("old", {"name": "x", "size": 1}))
    (id_,) = stored(store_dir)["objects"]

    def renamed(size: int) -> Callable[[], None]:
        return lambda: Echo("new", {"name": "x", "size": size}, Opts(aliases=[alias]))

    result = player.up(renamed(1))
    assert result.ops() == {"new": "same"}  # no create, no delete
    assert result.preview is not None and result.preview.ops() == {"new": "same"}
    assert without_configure(result.calls) == [("Check", "new"), ("Diff", "new")]
    assert without_configure(result.preview.calls) == [("Check", "new"), ("Diff", "new")]
    assert [s.urn for s in player.resources.values()] == [make_urn(ECHO, "new")]
    assert player.resource("new").id == id_
    assert list(stored(store_dir)["objects"]) == [id_] and "deleted" not in stored(store_dir)

    # the alias is harmless once the state has the new URN; a change is an update in place
    result = player.up(renamed(2))
    assert result.ops() == {"new": "update"}
    assert without_configure(result.calls) == [("Check", "new"), ("Diff", "new"), ("Update", "new")]
    assert stored(store_dir)["objects"][id_]["size"] == 2


def test_a_rename_without_an_alias_creates_first_then_deletes(
    player: Player, store_dir: Path
) -> None:
    """Without an alias the new URN has no old state: a create, and the old URN is deleted
    after the program (step_generator.go: GenerateDeletes), in the same provider process."""
    player.up(lambda: Echo("old", {"name": "x"}))
    (old_id,) = stored(store_dir)["objects"]
    result = player.up(lambda: Echo("new", {"name": "x"}))
    assert result.ops() == {"new": "create", "old": "delete"}
    assert result.preview is not None and result.preview.ops() == result.ops()
    # one Configure: one provider process for the whole update, creates before deletes
    assert result.calls == [
        ("Configure", ""),
        ("Check", "new"),
        ("Create", "new"),
        ("Delete", "old"),
    ]
    assert stored(store_dir)["deleted"] == [old_id]


def test_a_component_renamed_with_an_alias_brings_its_children(player: Player) -> None:
    """step_generator.go: generateAliases multiplies out the parent's alias
    (inheritedChildAlias): a child named after its parent follows the parent's new name."""

    class Group(pulumi.ComponentResource):
        def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
            super().__init__("harness:index:Group", name, None, opts)
            Echo(f"{name}-m", {"name": "m"}, Opts(parent=self))
            self.register_outputs({})

    player.up(lambda: Group("g"))
    member_id = player.resource("g-m").id
    result = player.up(lambda: Group("h", Opts(aliases=[pulumi.Alias(name="g")])))
    assert result.ops() == {"h": "same", "h-m": "same"}
    assert sorted(s.name for s in player.resources.values()) == ["h", "h-m"]
    assert player.resource("h-m").id == member_id
    assert player.resource("h-m").dependencies == [player.resource("h").urn]


def test_two_resources_claiming_one_old_state_fail(player: Player, store_dir: Path) -> None:
    """step_generator.go: getOldResource: an alias of a URN registered in the deployment (or a
    URN another resource took as its alias) is an error (diag 2008 / 2016)."""
    player.up(lambda: Echo("old", {"name": "x"}))

    def both() -> None:
        Echo("old", {"name": "x"})
        Echo("new", {"name": "y"}, Opts(aliases=[pulumi.Alias(name="old")]))

    with pytest.raises(StepError, match=r"Duplicate resource (alias|URN) '") as info:
        player.up(both, skip_preview=True)
    assert "conflicting with" in str(info.value)
    assert [s.name for s in player.resources.values()] == ["old"]
    assert "deleted" not in stored(store_dir)


# --------------------------------------------------------------------------------------------------
# pulumi up previews first


def test_up_previews_first_in_a_provider_process_of_its_own(
    player: Player, store_dir: Path
) -> None:
    """pkg/backend/apply.go: PreviewThenPromptThenExecute runs the preview (its own plugin
    context: a provider process of its own), then the update: every Check and Diff twice."""
    player.up(lambda: talking("a"))
    n = len(player.calls)
    result = player.up(lambda: talking("a", label="new"))
    plan = result.preview
    assert plan is not None and plan.ops() == {"a": "update"} and result.ops() == {"a": "update"}
    assert plan.calls == [("Configure", ""), ("Check", "a"), ("Diff", "a")]
    assert result.calls == [("Configure", ""), ("Check", "a"), ("Diff", "a"), ("Update", "a")]
    assert player.calls[n:] == plan.calls + result.calls
    # the Checks ran in two processes: the preview's and the update's
    (previewed,) = [m for m in plan.messages if m.startswith("check ")]
    (updated,) = [m for m in result.messages if m.startswith("check ")]
    assert previewed.split(" in ")[0] == updated.split(" in ")[0] == "check a"
    assert previewed.split(" in ")[1] != updated.split(" in ")[1]

    # --skip-preview: the update alone
    result = player.up(lambda: talking("a", label="newer"), skip_preview=True)
    assert result.preview is None
    assert result.calls == [("Configure", ""), ("Check", "a"), ("Diff", "a"), ("Update", "a")]

    # a failed preview: nothing is updated
    n = len(player.calls)
    with pytest.raises(StepError) as info:
        player.up(lambda: [talking("a"), talking("b", size="big")])
    assert info.value.result is not None and info.value.result.operation == "preview"
    assert not any(method in ("Create", "Update") for method, _ in player.calls[n:])
    assert [s.name for s in player.resources.values()] == ["a"]


def test_without_restart_per_operation_the_preview_shares_the_process(store_dir: Path) -> None:
    with Player(cwd=ROOT, restart_per_operation=False) as player:
        player.up(lambda: talking("a"))
        result = player.up(lambda: talking("a", label="x"))
        assert result.preview is not None
        assert [c for c in player.calls if c[0] == "Configure"] == [("Configure", "")]


# --------------------------------------------------------------------------------------------------
# Create without an id


def test_a_create_without_an_id_fails_and_records_nothing(player: Player, store_dir: Path) -> None:
    """provider_plugin.go: Create: "plugin returned empty resource.ID from create"; the step
    fails (step.go: CreateStep.Apply) and nothing is recorded, though the object was made."""

    def program() -> None:
        Echo("a", {"name": "a"}, provider=EmptyIdEchoProvider())

    assert player.preview(program).ops() == {"a": "create"}  # no Create in a preview
    with pytest.raises(StepError) as info:
        player.up(program)
    err = info.value
    assert (err.op, err.method, err.name) == ("create", "Create", "a")
    assert str(err) == f"a: plugin returned empty resource.ID from create '{make_urn(ECHO, 'a')}'"
    assert player.resources == {}
    assert len(stored(store_dir)["objects"]) == 1  # made, and unknown to the engine


# --------------------------------------------------------------------------------------------------
# what a provider process writes


def test_what_a_provider_process_writes_is_shown_under_the_stack(store_dir: Path) -> None:
    """plugin.go: newPlugin (runtrace) makes each line a provider process writes a diagnostic
    with no URN (stdout: info, stderr: info#err); the CLI shows them under the stack in its
    Diagnostics section (progress.go: processNormalEvent, printDiagnostics)."""
    names = [f"t{i:02}" for i in range(12)]
    lines: list[str] = []
    with Player(cwd=ROOT, printer=lines.append) as player:
        result = player.up(lambda: [talking(n) for n in names])
        plan = result.preview
        assert plan is not None
        # the preview's process only checked; the update's checked and created
        assert sorted(m.split(" in ")[0] for m in plan.messages) == [f"check {n}" for n in names]
        created = sorted(m for m in result.messages if m.startswith("created "))
        assert [m.split(" as ")[0] for m in created] == [f"created {n}" for n in names]
        said = {d.message: d for d in result.diagnostics}
        assert {said[f"stdout: {n}"].severity for n in names} == {STDOUT}
        assert {said[m].severity for m in created} == {STDERR}
        assert all(d.urn == "" for d in result.diagnostics)
        # printed as the CLI does: after the steps, before the summary, under the stack
        at = lines.index("Resources: 12 created")
        head = lines.index("Diagnostics:", lines.index("Resources: 12 to create"))
        assert lines[head + 1] == "  pulumi:pulumi:Stack (test-dev):"
        assert sorted(lines[head + 2 : at]) == sorted(f"    {m}" for m in result.messages)

        # a Diff's message in the preview is the preview's
        result = player.up(lambda: [talking(n, label="x") for n in names])
        assert result.preview is not None
        diffs = [m for m in result.preview.messages if m.startswith("diff ")]
        assert sorted(diffs) == [f"diff {n}: changes=True" for n in names]


def test_a_line_written_before_an_answer_is_read_with_it(store_dir: Path) -> None:
    """The provider's stderr is read by a thread of its own; ProviderServer.drain reads what the
    pipe holds, so every line written before an answer is there once the answer is (no sleep)."""
    provider = serialize_provider(TalkingEchoProvider())
    with ProviderServer(cwd=ROOT) as server:
        server.configure({})
        for i in range(30):
            urn = make_urn(ECHO, f"r{i}")
            id_, _ = server.create(urn, {"name": f"r{i}", PROVIDER_KEY: provider})
            server.drain()
            assert server.output[-2:] == [
                ("stderr", f"created r{i} as {id_}\n"),
                ("stdout", f"stdout: r{i}\n"),
            ] or server.output[-2:] == [
                ("stdout", f"stdout: r{i}\n"),
                ("stderr", f"created r{i} as {id_}\n"),
            ]
    assert f"created r29 as {id_}" in server.stderr_text()  # kept after the process stops


# --------------------------------------------------------------------------------------------------
# PULUMI_PARALLEL, PULUMI_PARALLEL_DIFF


def test_pulumi_parallel_sets_the_default_parallelism(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pkg/cmd/pulumi/operations/up.go: defaultParallel: a positive PULUMI_PARALLEL (capped at
    2^31 - 1), else 4 per CPU; --parallel (``parallel=``) wins."""
    four_per_cpu = 4 * len(os.sched_getaffinity(0))
    assert default_parallel({"PULUMI_PARALLEL": "3"}) == 3
    assert default_parallel({"PULUMI_PARALLEL": "+7"}) == 7
    assert default_parallel({"PULUMI_PARALLEL": str(2**40)}) == 2**31 - 1
    for unusable in ("0", "-2", "x", " 5", "1_0", "2.5", "", str(2**63)):
        assert default_parallel({"PULUMI_PARALLEL": unusable}) == four_per_cpu, unusable
    assert default_parallel({}) == four_per_cpu
    monkeypatch.setenv("PULUMI_PARALLEL", "3")
    with Player(cwd=ROOT) as player, Player(cwd=ROOT, parallel=5) as given:
        assert (player.parallel, given.parallel) == (3, 5)
        peaks = _peaks(player)
        player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}"}) for i in range(8)])
        assert peaks["Create"] == 3


def test_pulumi_parallel_diff_runs_diffs_as_steps_of_their_own(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """step_generator.go: diff: with ParallelDiff (env.go: PULUMI_PARALLEL_DIFF) each Diff is a
    step on the step executor, so Diffs overlap while Checks stay one at a time."""
    assert parallel_diff({"PULUMI_PARALLEL_DIFF": "TRUE"}) and parallel_diff({"X": "1"}) is False
    assert parallel_diff({"PULUMI_PARALLEL_DIFF": "1"})
    assert not parallel_diff({"PULUMI_PARALLEL_DIFF": "yes"})
    monkeypatch.setenv("PULUMI_PARALLEL_DIFF", "true")
    with Player(cwd=ROOT, parallel=4) as player:
        assert player.parallel_diff
        player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}"}) for i in range(6)])
        peaks = _peaks(player)
        player.up(lambda: [Echo(f"r{i}", {"name": f"r{i}", "label": "x"}) for i in range(6)])
        assert peaks["Check"] == 1 and 1 < peaks["Diff"] <= 4
    monkeypatch.delenv("PULUMI_PARALLEL_DIFF")
    with Player(cwd=ROOT) as player:
        assert not player.parallel_diff


# --------------------------------------------------------------------------------------------------
# what an update and a refresh show


def test_an_update_shows_inputs_and_a_refresh_shows_outputs(
    player: Player, store_dir: Path
) -> None:
    """rows.go: getDiffInfo shows an update's old against new *inputs* (no detailed diff from
    the Python server); a refresh that changed something shows old against read *outputs*
    (object_diff.go: getResourcePropertiesDetails); ``__`` keys never."""
    player.up(lambda: Echo("a", {"name": "a", "size": 1}))
    with store() as data:
        (obj,) = data["objects"].values()
        obj["size"] = 5.5
    assert player.refresh().step("a").line == "  ~ Echo a refresh [size: 1 => 5.5]"
    result = player.up(lambda: Echo("a", {"name": "a", "size": 1}))
    assert result.ops() == {"a": "update"}  # Echo's Diff compares the read outputs
    assert result.step("a").line == "  ~ Echo a update"  # the inputs did not change
    result = player.up(lambda: Echo("a", {"name": "a", "size": 2}))
    assert result.step("a").line == "  ~ Echo a update [size: 1 => 2]"
    assert all("__provider" not in line for line in result.lines())


# --------------------------------------------------------------------------------------------------
# a program process per run


def test_each_program_run_leaves_the_python_modules_as_a_fresh_process(
    player: Player, store_dir: Path
) -> None:
    """sdk/python/cmd/pulumi-language-python/main.go: pythonLanguageHost.Run starts the program
    in a Python process of its own for each command (an up's preview and its update: two), so
    what the SDK leaves on Python modules never outlives a run: pulumi 3.272's
    serialize_provider wraps ``pickle._Pickler._batch_setitems`` once more per call, which in
    one long-lived process ends in RecursionError."""
    before = pickle._Pickler.__dict__["_batch_setitems"]
    for size in (1, 2, 3):
        player.up(
            lambda size=size: [Echo(f"r{i}", {"name": f"r{i}", "size": size}) for i in range(5)]
        )
    assert pickle._Pickler.__dict__["_batch_setitems"] is before
