"""What the engine does outside the program: refresh steps (``deployment_executor.go:
refresh``), the deletes after the program (``step_generator.go: GenerateDeletes``,
``ScheduleDeletes``; ``deployment_executor.go: performPostSteps``) and a destroy's, and the
snapshot's URN references after aliases (``snapshot.go: NormalizeURNReferences``), on a
stack's :class:`~pulumi_compshare.testing.deployment.Deployment` (a player's)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from . import rules
from .display import describe_changes
from .providers import is_provider_type
from .results import ResourceState, Result, Step, StepError
from .rules import EngineError
from .server import ProviderCallError

if TYPE_CHECKING:
    from .deployment import Deployment
    from .registration import Run

__all__ = ["delete_all", "normalize_urn_references", "post_deletes", "refresh_all"]


def refresh_all(deployment: Deployment, result: Result) -> None:
    """``deployment_executor.go: refresh``: a refresh step per resource, all in parallel,
    errors collected without stopping the others (``newStepExecutor(..., ignoreErrors=true)``);
    the successful ones are applied (``rebuildBaseState``)."""
    with deployment.lock:
        states = list(deployment.resources.values()) + list(deployment.pending_deletes)
    if not states or any(_dynamic(s) for s in states):
        deployment.prepare_server()
    # deployment_executor.go: refresh: each resource's provider is ensured (EnsureProvider:
    # loaded from its state and configured) one resource at a time while the steps are made,
    # before any runs, so a provider many resources share is loaded once
    for state in states:
        if state.custom and state.provider and not is_provider_type(state.type):
            deployment.plugin(state.provider)

    def refresh_one(state: ResourceState) -> rules.Refreshed | None:
        # step.go: RefreshStep.Apply: components, provider resources and pending replacements
        # are not read
        if not state.custom or state.pending_replacement or is_provider_type(state.type):
            return None
        return rules.refresh_resource(
            deployment.server_for(state),
            deployment.call,
            urn=state.urn,
            id_=state.id,
            inputs=state.inputs,
            outputs=state.outputs,
            external=state.external,
            ignore_changes=state.ignore_changes,
        )

    with ThreadPoolExecutor(deployment.parallel) as pool:
        futures = [(s, pool.submit(refresh_one, s)) for s in states]
    for state, future in futures:
        try:
            outcome = future.result()
        except (ProviderCallError, EngineError) as exc:
            result.errors.append(
                StepError("refresh", state.urn, exc.message, exc.details, exc.method)
            )
            continue
        if outcome is None:
            deployment.emit(result, Step("same", state.urn, state.type, state.name, (), True))
            continue
        with deployment.lock:
            if outcome.op == "delete":
                deployment.replace_state(state, None)
            else:
                new = dataclasses.replace(
                    state, id=outcome.id, inputs=outcome.inputs, outputs=outcome.outputs
                )
                deployment.replace_state(state, new)
        changes = describe_changes(
            state.outputs, outcome.outputs, keys=outcome.drift, secrets=state.secrets
        )
        step = Step(
            outcome.op, state.urn, state.type, state.name, tuple(outcome.drift), True, changes
        )
        deployment.emit(result, step)


def normalize_urn_references(deployment: Deployment, aliased: Mapping[str, str]) -> None:
    """``snapshot.go: Snapshot.NormalizeURNReferences``: references to an old URN whose state
    a resource took by an alias (``aliased``: old -> new) name the new URN."""
    with deployment.lock:
        taken = {
            o: n
            for o, n in aliased.items()
            if n in deployment.resources and o not in deployment.resources
        }
        if not taken:
            return

        def fix(urn: str) -> str:
            return taken.get(urn, urn)

        def fixed(state: ResourceState) -> ResourceState:
            return dataclasses.replace(
                state,
                dependencies=[fix(u) for u in state.dependencies],
                parent=fix(state.parent),
                deleted_with=fix(state.deleted_with),
                property_dependencies={
                    k: [fix(u) for u in v] for k, v in state.property_dependencies.items()
                },
            )

        deployment.resources = {u: fixed(s) for u, s in deployment.resources.items()}
        deployment.pending_deletes = [fixed(s) for s in deployment.pending_deletes]


def post_deletes(deployment: Deployment, run: Run) -> None:
    """``step_generator.go: GenerateDeletes``: after the program, delete the old copies of
    replaced resources and every resource the program no longer declares; a resource left
    pending replacement (deleted by a delete-before-replace, not declared again) just leaves
    the state (``RemovePendingReplaceStep``)."""
    with deployment.lock:
        pending = list(deployment.pending_deletes)
        kept = run.registered | set(run.aliased)  # an aliased URN is operated on: isOperatedOn
        gone = [s for u, s in deployment.resources.items() if u not in kept]
    targets: list[ResourceState] = []
    for state in pending + gone:
        dropped = state.pending_replacement or state.urn in run.deleting
        if dropped and any(s is state for s in gone):
            if not run.preview:
                deployment.replace_state(state, None)
        else:
            targets.append(state)
    deleting = run.deleting | {s.urn for s in targets}
    delete_all(
        deployment,
        run.result,
        targets,
        deleting=deleting,
        preview=run.preview,
        continue_on_error=run.continue_on_error,
        errored=run.errored,
    )


def _delete_step(deployment: Deployment, state: ResourceState) -> Step:
    with deployment.lock:
        replaced = deployment.is_pending_delete(state)
    if replaced:  # step.go: DeleteStep.Op
        op = "discard-replaced" if state.external else "delete-replaced"
    else:
        op = "discard" if state.external else "delete"
    return Step(op, state.urn, state.type, state.name)


def delete_all(
    deployment: Deployment,
    result: Result,
    targets: Sequence[ResourceState],
    *,
    deleting: set[str],
    preview: bool,
    continue_on_error: bool,
    errored: set[str] | None = None,
) -> None:
    """``deployment_executor.go: performPostSteps`` with ``step_generator.go:
    ScheduleDeletes``: deletes run in antichains (independent resources in parallel, at most
    :attr:`parallel` at a time; dependents before their dependencies). After a
    failure no new delete starts, unless ``continue_on_error`` or the failure is a protected
    resource (``step_executor.go: cancelDueToError`` always continues past
    ``deleteProtectedError``); what a failed resource depends on is then kept."""
    if not targets or any(_dynamic(s) for s in targets):
        deployment.prepare_server()
    with deployment.lock:
        graph = {
            s.urn: s for s in list(deployment.resources.values()) + list(deployment.pending_deletes)
        }
    errored_urns = set(errored or ())
    stop = threading.Event()

    def delete_one(state: ResourceState) -> StepError | None:
        if stop.is_set():
            return None
        replacing = deployment.is_pending_delete(state)
        try:
            if is_provider_type(state.type):  # registry.go: Delete: the plugin unloads
                if not replacing and state.protect:
                    raise EngineError(rules.delete_protected_message(state.urn))
                if not preview and deployment.registry is not None:
                    deployment.registry.delete(state.urn, state.id)
            else:
                rules.delete_resource(
                    deployment.server_for(state),
                    deployment.call,
                    state,
                    replacing=replacing,
                    preview=preview,
                    deleting=deleting,
                )
        except ProviderCallError as exc:
            if not continue_on_error:
                stop.set()
            return StepError("delete", state.urn, exc.message, exc.details, exc.method)
        except EngineError as exc:  # protect: the engine always continues
            return StepError("delete", state.urn, exc.message, exc.details, exc.method)
        step = _delete_step(deployment, state)  # before it leaves the pending deletes
        if not preview:
            deployment.replace_state(state, None)
        deployment.emit(result, step)
        return None

    for chain in rules.schedule_deletes(targets):
        if stop.is_set():
            break
        kept = _dependencies_of(errored_urns, graph)
        chain = [s for s in chain if s.urn not in kept]
        with ThreadPoolExecutor(deployment.parallel) as pool:
            failures = list(pool.map(delete_one, chain))
        for err in failures:
            if err is not None:
                result.errors.append(err)
                errored_urns.add(err.urn)


def _dynamic(state: ResourceState) -> bool:
    """A resource of the dynamic provider server (not a plugin's, not a provider resource)."""
    return state.custom and not state.provider and not is_provider_type(state.type)


def _dependencies_of(urns: set[str], graph: Mapping[str, ResourceState]) -> set[str]:
    """``graph.DependencyGraph.TransitiveDependenciesOf`` for each of ``urns``."""
    out: set[str] = set()
    todo = [d for u in urns if u in graph for d in graph[u].all_dependencies()]
    while todo:
        urn = todo.pop()
        if urn in out:
            continue
        out.add(urn)
        if urn in graph:
            todo.extend(graph[urn].all_dependencies())
    return out
