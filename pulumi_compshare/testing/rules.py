"""The engine's rules for one resource, shared by :class:`~pulumi_compshare.testing.Player` and
:class:`~pulumi_compshare.testing.ResourceDriver`.

Each function follows one function of the Pulumi engine source (``pkg/resource/deploy``), named in
its docstring; provider calls go through a :data:`Caller` so the player can count and throttle
them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

from .results import ResourceState
from .server import ProviderDiff, ProviderRead, ProviderServer
from .wire import UNKNOWN, Props, diff_keys, name_of

__all__ = [
    "Caller",
    "CheckFailed",
    "Decision",
    "EngineError",
    "Refreshed",
    "apply_replace_on_changes",
    "check_failure_messages",
    "check_new",
    "decide",
    "delete_protected_message",
    "delete_resource",
    "depending_on",
    "diff_resource",
    "direct_call",
    "import_resource",
    "process_ignore_changes",
    "read_resource",
    "refresh_resource",
    "replace_dependent_protected_message",
    "replace_protected_message",
    "schedule_deletes",
]

_T = TypeVar("_T")


class Caller(Protocol):
    """Makes one provider call: ``call(method, urn, fn)`` returns ``fn()``."""

    def __call__(self, method: str, urn: str, fn: Callable[[], _T], /) -> _T: ...


def direct_call(method: str, urn: str, fn: Callable[[], _T], /) -> _T:
    """A :data:`Caller` that just makes the call."""
    return fn()


class EngineError(Exception):
    """An error the engine itself raises (not the provider): a check failure, a protected
    resource, a read of a resource that does not exist..."""

    def __init__(self, message: str, method: str = "", details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.details = details or message


class CheckFailed(EngineError):
    """Check returned failures (``step_generator.go: issueCheckFailures``)."""

    def __init__(self, messages: list[str], failures: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(messages), "Check", "\n".join(messages))
        self.failures = failures


# --------------------------------------------------------------------------------------------------
# messages


def _quote(urn: str) -> str:
    """Go's ``%q`` of a URN."""
    return json.dumps(urn, ensure_ascii=False)


def delete_protected_message(urn: str) -> str:
    """``step.go: deleteProtectedError.Error``."""
    return (
        f"resource {_quote(urn)} cannot be deleted\n"
        "because it is protected. To unprotect the resource, either remove the `protect` flag "
        "from the resource in your Pulumi program and run `pulumi up`, or use the command:\n"
        f"`pulumi state unprotect '{urn}'`"
    )


def replace_protected_message(urn: str) -> str:
    """``step_generator.go: continueStepsFromDiff`` (a protected resource must be replaced)."""
    return (
        f"unable to replace resource {_quote(urn)}\n"
        "as it is currently marked for protection. To unprotect the resource, remove the "
        "`protect` flag from the resource in your Pulumi program and run `pulumi up`"
    )


def replace_dependent_protected_message(dependent: str, urn: str) -> str:
    """``step_generator.go: continueStepsFromDiff`` (a protected dependent of a
    delete-before-replace)."""
    return (
        f"unable to replace resource {_quote(dependent)} as part of replacing {_quote(urn)} "
        "as it is currently marked for protection. To unprotect the resource, remove the "
        "`protect` flag from the resource in your Pulumi program and run `pulumi up`, "
        f"or use the command:\n`pulumi state unprotect '{dependent}'`"
    )


def check_failure_messages(
    type_: str, urn: str, news: Mapping[str, Any], failures: Sequence[tuple[str, str]]
) -> list[str]:
    """``step_generator.go: issueCheckFailures`` (``diag.GetResourcePropertyInvalidValueError``,
    ``diag.GetResourceInvalidError``)."""
    name = name_of(urn)
    return [
        f"{type_} resource '{name}': property {prop} value {news.get(prop)!r} has a problem: "
        f"{reason}"
        if prop
        else f"{type_} resource '{name}' has a problem: {reason}"
        for prop, reason in failures
    ]


# --------------------------------------------------------------------------------------------------
# property rules


def _path(path: str) -> list[str]:
    return [p for p in path.replace("[", ".").replace("]", "").replace('"', "").split(".") if p]


def process_ignore_changes(
    inputs: Mapping[str, Any], old_inputs: Mapping[str, Any], ignore_changes: Iterable[str]
) -> Props:
    """``step_generator.go: processIgnoreChanges``: each ignored path takes its old value (and is
    removed if the old inputs lack it: ``PropertyPath.Reset``). Dotted paths into objects are
    supported; array elements are not."""
    out: Props = {k: v for k, v in inputs.items()}
    for raw in ignore_changes:
        parts = _path(raw)
        if not parts:
            continue
        src: Any = old_inputs
        dst: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if not isinstance(dst, dict):
                break
            has_old = isinstance(src, Mapping) and part in src
            if last:
                if has_old:
                    dst[part] = src[part]
                else:
                    dst.pop(part, None)
                break
            if not has_old or part not in dst or not isinstance(dst[part], dict):
                break  # the engine reports "cannot ignore changes in added or removed elements"
            dst[part] = dict(dst[part])
            src, dst = src[part], dst[part]
    return out


def _object_diff_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """``resource.PropertyMap.Diff(...).ChangedKeys()`` (adds, deletes and updates; null values
    count as absent)."""
    keys = set(olds) | set(news)
    return sorted(k for k in keys if olds.get(k) != news.get(k))


def apply_replace_on_changes(diff: ProviderDiff, replace_on_changes: Sequence[str]) -> ProviderDiff:
    """``step_generator.go: applyReplaceOnChanges``: a ``replace_on_changes`` path turns a change
    into a replacement only for keys in the diff's ``ChangedKeys``. The Python dynamic server
    never reports any (``__main__.py: Diff`` sets no ``diffs``), so the option acts only when the
    provider's diff answers DIFF_UNKNOWN (``changes=None``) and the engine computes the changed keys
    itself (:func:`diff_resource`)."""
    if not diff.changes or not replace_on_changes:
        return diff
    paths = [_path(p) for p in replace_on_changes]
    replaces = list(diff.replaces)
    for key in diff.changed_keys:
        if key not in replaces and any(p == [key] or p == ["*"] for p in paths):
            replaces.append(key)
    return replace(diff, replaces=replaces)


def diff_resource(
    server: ProviderServer,
    call: Caller,
    urn: str,
    id_: str,
    old_inputs: Mapping[str, Any],
    old_outputs: Mapping[str, Any],
    new_inputs: Mapping[str, Any],
    ignore_changes: Sequence[str] = (),
) -> ProviderDiff:
    """``step_generator.go: diffResource``: Diff(olds = old *outputs*, news = new inputs). A
    DIFF_UNKNOWN answer (``changes=None``) makes the engine compare the old inputs with the new
    ones (``ignore_changes`` applied) and fill in the changed keys. ``ignore_changes`` itself is
    sent in the request (``provider_plugin.go: Diff``): a plugin honours it, the Python dynamic
    server ignores it."""
    raw = call(
        "Diff",
        urn,
        lambda: server.diff(
            id_, urn, old_outputs, new_inputs, old_inputs=old_inputs, ignore_changes=ignore_changes
        ),
    )
    if raw.changes is not None:
        return raw
    news = process_ignore_changes(new_inputs, old_inputs, ignore_changes)
    changed = _object_diff_keys(old_inputs, news)
    return replace(raw, changes=bool(changed), changed_keys=changed)


# --------------------------------------------------------------------------------------------------
# registrations


def check_new(
    server: ProviderServer, call: Caller, urn: str, type_: str, news: Mapping[str, Any]
) -> Props:
    """Check with no old inputs (``step_generator.go: continueStepsFromImport``, for a new,
    re-created or formerly external resource; ``continueStepsFromDiff`` for a replacement)."""
    inputs, failures = call("Check", urn, lambda: server.check(urn, {}, news))
    if failures:
        raise CheckFailed(check_failure_messages(type_, urn, news, failures), failures)
    return inputs


@dataclass
class Decision:
    """What the engine decided for a resource already in the state."""

    op: str
    """``same``, ``update`` or ``replace``."""
    inputs: Props
    """The checked inputs to create or update with (from the extra Check for a replace)."""
    diff: ProviderDiff
    """The engine's view of the diff (DIFF_UNKNOWN resolved, ``replace_on_changes`` applied)."""
    delete_before_replace: bool = False
    keys: list[str] = field(default_factory=list)
    """Changed properties for display (``~key``...): the old inputs against the new ones, as
    the CLI shows a step without a detailed diff (``rows.go: getDiffInfo``); the keys that force
    a replacement are in ``diff.replaces``."""
    error: str = ""
    """An error the engine reports but, in a preview, does not stop at (protect)."""


def decide(
    server: ProviderServer,
    call: Caller,
    *,
    urn: str,
    type_: str,
    news: Mapping[str, Any],
    old_id: str,
    old_inputs: Mapping[str, Any],
    old_outputs: Mapping[str, Any],
    ignore_changes: Sequence[str] = (),
    replace_on_changes: Sequence[str] = (),
    delete_before_replace: bool | None = None,
    protect: bool = False,
    old_protect: bool = False,
    pending_replacement: bool = False,
    forced_replace: Sequence[str] = (),
    preview: bool = False,
    invalid: str = "",
    diff_call: Caller | None = None,
) -> Decision:
    """Check, Diff and the decision for a resource with old state:

    - ``step_generator.go: continueStepsFromImport``: ``ignore_changes`` applied to the inputs
      (``processIgnoreChanges``), then Check(olds = old inputs, news).
    - ``generateStepsFromDiff`` / ``diff``: Diff (:func:`diff_resource`), unless ``forced_replace``
      (its ``DeletedWith`` resource is being replaced: replace keys ``["deletedWith"]``, no Diff).
    - ``continueStepsFromDiff``: ``applyReplaceOnChanges``; DIFF_NONE is ``same`` (unless pending
      replacement); a replace of a protected resource fails (in a preview the error is reported
      and planning goes on); a replace re-runs Check with no old inputs on the program's inputs;
      the user's ``delete_before_replace``, when set (true *or false*), wins over the provider's.

    ``invalid`` (a conflicting alias, reported by ``getOldResource``) fails the step after its
    Check (``continueStepsFromImport``: "resource is invalid"). ``diff_call`` makes the Diff
    instead of ``call`` (``PULUMI_PARALLEL_DIFF``: a step of its own).

    Raises :class:`CheckFailed`, :class:`EngineError` or :class:`ProviderCallError`."""
    inputs = process_ignore_changes(news, old_inputs, ignore_changes)
    checked, failures = call("Check", urn, lambda: server.check(urn, old_inputs, inputs))
    if failures:
        raise CheckFailed(check_failure_messages(type_, urn, news, failures), failures)
    if invalid:
        raise EngineError(invalid)
    if forced_replace:
        diff = ProviderDiff(changes=True, replaces=list(forced_replace))
    else:
        diff = diff_resource(
            server,
            diff_call or call,
            urn,
            old_id,
            old_inputs,
            old_outputs,
            checked,
            ignore_changes,
        )
    diff = apply_replace_on_changes(diff, replace_on_changes)
    keys = diff_keys(old_inputs, checked)  # what the CLI shows: old against new inputs
    if not diff.changes and not pending_replacement:
        return Decision("same", checked, diff)
    if not (diff.replace or pending_replacement):
        return Decision("update", checked, diff, keys=keys)
    error = ""
    if protect and old_protect:
        error = replace_protected_message(urn)
        if not preview:
            raise EngineError(error)
    replacement = check_new(server, call, urn, type_, news)
    dbr = diff.delete_before_replace if delete_before_replace is None else delete_before_replace
    return Decision("replace", replacement, diff, dbr, keys, error)


def read_resource(
    server: ProviderServer, call: Caller, urn: str, id_: str, props: Mapping[str, Any]
) -> tuple[str, Props]:
    """``step.go: ReadStep.Apply`` (``ResourceOptions(id=...)``): Read with the program's inputs
    sent as both ``inputs`` and ``properties``. Only a response with no outputs at all fails
    ("resource '<id>' does not exist"); the Python server always returns ``{__provider}``, so a
    provider that answers "gone" (empty id) *succeeds*: the state keeps the requested id and
    outputs with nothing but ``__provider``. An unknown id (preview) reads nothing."""
    if id_ == UNKNOWN:
        return id_, {}
    answer: ProviderRead = call(
        "Read", urn, lambda: server.read_full(id_, urn, properties=props, inputs=props)
    )
    if answer.outputs is None:
        raise EngineError(f"resource '{id_}' does not exist", "Read")
    return answer.id or id_, answer.outputs


def import_resource(
    server: ProviderServer, call: Caller, urn: str, import_id: str
) -> tuple[str, Props, Props]:
    """``step.go: ImportStep.Apply`` (``import_=``): Read with only the URN and the import id (no
    inputs, an empty state). The Python dynamic server then cannot find ``__provider`` and fails
    with ``KeyError: '__provider'`` (pulumi/pulumi#16175). Returns ``(id, inputs, outputs)``."""
    answer: ProviderRead = call(
        "Read", urn, lambda: server.read_full(import_id, urn, properties=None, inputs=None)
    )
    if answer.outputs is None:
        raise EngineError(f"resource '{import_id}' does not exist", "Read")
    if answer.inputs is None:
        package = urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1].split(":", 1)[0]
        raise EngineError(
            "provider does not support importing resources; please try updating the "
            f"'{package}' plugin",
            "Read",
        )
    return answer.id or import_id, answer.inputs, answer.outputs


@dataclass
class Refreshed:
    """The outcome of a refresh step."""

    op: str
    """``same``, ``update`` (the provider's Diff found changes) or ``delete`` (gone)."""
    id: str = ""
    inputs: Props = field(default_factory=dict)
    outputs: Props = field(default_factory=dict)
    drift: list[str] = field(default_factory=list)
    """Outputs that changed (``~key``...), for display."""


def refresh_resource(
    server: ProviderServer,
    call: Caller,
    *,
    urn: str,
    id_: str,
    inputs: Mapping[str, Any],
    outputs: Mapping[str, Any],
    external: bool = False,
    ignore_changes: Sequence[str] = (),
) -> Refreshed:
    """``step.go: RefreshStep.Apply`` and ``RefreshStep.ResultOp``: Read(id, properties = old
    outputs, inputs = old inputs); an empty id means gone. Inputs returned by the provider replace
    the old ones. Then, for a resource the stack manages, the engine calls **Diff** as if an ``up``
    of an unchanged program followed, with the refreshed inputs/outputs as the olds and the old
    inputs as the news; DIFF_NONE reports ``same``, anything else ``update``. An external
    (read) resource is compared by its outputs only, with no Diff."""
    answer: ProviderRead = call(
        "Read", urn, lambda: server.read_full(id_, urn, properties=outputs, inputs=inputs)
    )
    if not answer.id:
        return Refreshed("delete")
    new_outputs = answer.outputs or {}
    new_inputs = answer.inputs if answer.inputs is not None else dict(inputs)
    drift = diff_keys(outputs, new_outputs)
    if external:
        changed = dict(outputs) != new_outputs
    else:
        diff = diff_resource(
            server, call, urn, answer.id, new_inputs, new_outputs, inputs, ignore_changes
        )
        changed = bool(diff.changes)
    return Refreshed("update" if changed else "same", answer.id, new_inputs, new_outputs, drift)


def delete_resource(
    server: ProviderServer,
    call: Caller,
    state: ResourceState,
    *,
    replacing: bool,
    preview: bool,
    deleting: Iterable[str] = (),
) -> bool:
    """``step.go: DeleteStep.Apply``. A protected resource fails (unless the delete is part of a
    replacement, checked earlier); in a preview nothing is called; an external (read) resource, a
    ``retain_on_delete`` one, a component, and one whose ``deleted_with`` resource is also being
    deleted (``isDeletedWith``) are dropped from the state with no Delete call. Returns whether
    Delete was called."""
    if not replacing and state.protect:
        raise EngineError(delete_protected_message(state.urn))
    if preview or state.external or state.retain_on_delete or not state.custom:
        return False
    if state.deleted_with and state.deleted_with in set(deleting):
        return False
    call(
        "Delete",
        state.urn,
        lambda: server.delete(state.id, state.urn, state.outputs, old_inputs=state.inputs),
    )
    return True


# --------------------------------------------------------------------------------------------------
# the dependency graph


def depending_on(
    root: ResourceState, states: Sequence[ResourceState], ignore: Iterable[str] = ()
) -> list[ResourceState]:
    """``graph.DependencyGraph.DependingOn(root, ignore, includeChildren=false)``: the resources
    after ``root`` in state order that depend on it, directly or not, through dependencies,
    property dependencies or ``deleted_with`` (not through the parent)."""
    ignored = set(ignore)
    found: list[ResourceState] = []
    dependent = {root.urn}
    try:
        start = next(i for i, s in enumerate(states) if s is root) + 1
    except StopIteration:
        start = 0
    for candidate in states[start:]:
        if candidate.urn in ignored:
            continue
        if (candidate.all_dependencies() - {candidate.parent}) & dependent:
            found.append(candidate)
            dependent.add(candidate.urn)
    return found


def schedule_deletes(condemned: Sequence[ResourceState]) -> list[list[ResourceState]]:
    """``step_generator.go: ScheduleDeletes``: antichains of deletions. Each list runs in parallel;
    a list starts once the previous one is done; dependents go before what they depend on."""
    left = list(condemned)
    chains: list[list[ResourceState]] = []
    while left:
        urns = {s.urn for s in left}
        ready = [s for s in left if not ((s.all_dependencies() - {s.urn}) & urns)]
        if not ready:  # a cycle: should not happen; delete the rest together
            ready = list(left)
        chains.append(ready)
        left = [s for s in left if all(s is not r for r in ready)]
    chains.reverse()
    return chains
