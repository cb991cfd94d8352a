"""One preview or up of a :class:`~pulumi_compshare.testing.Player`: the engine's steps for each
registration the program makes (``step_generator.go`` decides, ``step.go`` applies)."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi.runtime.proto import resource_pb2

from . import rules
from .aliases import (
    AliasError,
    alias_urns,
    duplicate_alias_message,
    duplicate_aliased_message,
    requested_aliases,
)
from .display import describe_update
from .providers import (
    PluginNotFound,
    default_provider_name,
    is_provider_type,
    package_of,
)
from .results import Plan, ResourceState, Result, Step, StepError
from .rules import EngineError
from .server import ProviderCallError, ProviderServer
from .wire import (
    UNKNOWN,
    Props,
    diff_keys,
    holds_secret,
    mark_secret,
    name_of,
    secret_keys,
    to_wire_value,
)

if TYPE_CHECKING:
    from .deployment import Deployment

__all__ = ["Halted", "Run"]

_T = TypeVar("_T")


class Halted(Exception):
    """Raised for registrations after a failure stopped the operation: the engine's step executor
    starts no new steps once its context is cancelled (``step_executor.go: cancelDueToError``)."""


@dataclass(frozen=True)
class _Goal:
    """The options a child inherits (``source_eval.go: inheritFromParent``)."""

    protect: bool = False
    retain_on_delete: bool = False
    deleted_with: str = ""


class Run:
    """One operation (preview or up) driving registrations."""

    def __init__(
        self,
        deployment: Deployment,
        operation: str,
        result: Result | None = None,
        *,
        project: str,
        stack: str,
        continue_on_error: bool = False,
    ) -> None:
        self.deployment = deployment
        """The stack state and the engine's limits this operation works on."""
        self.project = project
        self.stack = stack
        self.preview = operation == "preview"
        self.result: Result = result or (Plan(operation) if self.preview else Result(operation))
        self.continue_on_error = continue_on_error
        self.registered: set[str] = set()
        self.stack_urn = ""
        self.halted = False
        """No new step starts (a failure without ``continue_on_error``, or a step-generation
        error: those always stop the deployment, ``deployment_executor.go: Execute``)."""
        self.errored: set[str] = set()
        self.replaced: set[str] = set()
        """``stepGenerator.replaces``."""
        self.deleting: set[str] = set()
        """``stepGenerator.deletes``: URNs deleted (or to be) in this operation."""
        self.goals: dict[str, _Goal] = {}
        self.aliases: dict[str, str] = {}
        """``stepGenerator.aliases``: new URN -> the old URN whose state it took."""
        self.aliased: dict[str, str] = {}
        """``stepGenerator.aliased``: old URN taken by an alias -> the new URN (never deleted)."""
        self.loop: asyncio.AbstractEventLoop | None = None
        self._defaults: dict[str, str] = {}
        """Default provider URN -> its reference (``defaultProviders.providers``)."""
        self._defaults_lock = threading.Lock()

    def adopt_loop(self) -> None:
        """Make the program's loop current in a worker thread (deserialising resource references
        needs one); creating a loop per worker, as the SDK's mock monitor does, leaks them."""
        if self.loop is not None:
            asyncio.set_event_loop(self.loop)

    # -- bookkeeping -------------------------------------------------------------------------------

    def fail(self, err: StepError, *, halt: bool = True) -> StepError:
        """Record a failure; ``halt`` stops new steps."""
        with self.deployment.lock:
            self.result.errors.append(err)
            self.errored.add(err.urn)
            if halt:
                self.halted = True
        return err

    def call(self, method: str, urn: str, fn: Callable[[], _T], /) -> _T:
        """The :data:`rules.Caller` of this operation (counted by the player)."""
        return self.deployment.provider_call(method, name_of(urn), fn)

    def _diff_call(self, method: str, urn: str, fn: Callable[[], _T], /) -> _T:
        """The Diff of a registration with ``PULUMI_PARALLEL_DIFF``: a step of its own on the
        step executor (``step_generator.go: diff``: ``ParallelDiff`` -> ``NewDiffStep``), so the
        main loop generates other steps meanwhile and takes the answer back
        (``ContinueStepsFromDiff``)."""
        self.deployment.generating.release()
        try:
            with self.deployment.slots:
                return self.call(method, urn, fn)
        finally:
            self.deployment.generating.acquire()

    def _generate(self, op: str, urn: str, fn: Callable[[], _T]) -> _T:
        """Step generation (Check, Diff, planning): its errors always stop the deployment
        (``deployment_executor.go: Execute``: ``handleSingleEvent`` error -> cancel). One
        registration at a time: the engine's main loop handles one event at a time, and
        ``step_generator.go: generateSteps`` calls Check (and Diff) before it returns."""
        try:
            with self.deployment.generating:
                return fn()
        except ProviderCallError as exc:
            err = StepError(op, urn, exc.message, exc.details, exc.method)
        except EngineError as exc:
            err = StepError(op, urn, exc.message, exc.details, exc.method)
        raise self.fail(err) from None

    def _apply(self, op: str, urn: str, fn: Callable[[], _T]) -> _T:
        """Step application (Create, Update, Delete, Read, Import): a failure cancels the step
        executor unless ``continue_on_error`` (``step_executor.go: cancelDueToError``). At most
        ``parallel`` at a time: the step executor's workers (``step_executor.go:
        newStepExecutor``)."""
        try:
            with self.deployment.slots:
                return fn()
        except ProviderCallError as exc:
            err = StepError(op, urn, exc.message, exc.details, exc.method)
        except EngineError as exc:
            err = StepError(op, urn, exc.message, exc.details, exc.method)
        raise self.fail(err, halt=not self.continue_on_error) from None

    def _step(
        self, op: str, urn: str, type_: str, diff: Iterable[str] = (), changes: Iterable[str] = ()
    ) -> None:
        step = Step(op, urn, type_, name_of(urn), tuple(diff), changes=tuple(changes))
        self.deployment.emit(self.result, step)

    def _record(self, state: ResourceState) -> None:
        """Commit a step's new state (a preview changes nothing); a state taken by an alias
        leaves its old URN (``snapshot.go``: the new state replaces the old one)."""
        if not self.preview:
            with self.deployment.lock:
                alias = self.aliases.get(state.urn)
                if alias is not None:
                    self.deployment.resources.pop(alias, None)
                self.deployment.resources[state.urn] = state

    def _pend_delete(self, old: ResourceState) -> None:
        """``old.Delete = true``: deleted at the end of the operation."""
        if not self.preview:
            with self.deployment.lock:
                self.deployment.pending_deletes.append(old)

    def _dependencies(self, request: Any) -> tuple[list[str], dict[str, list[str]]]:
        deps = set(request.dependencies)
        prop_deps: dict[str, list[str]] = {}
        if "propertyDependencies" in request.DESCRIPTOR.fields_by_name:  # not in ReadResource
            for key, urns in request.propertyDependencies.items():
                prop_deps[key] = sorted(u for u in urns.urns if u)
                deps.update(urns.urns)
        if request.parent and request.parent != self.stack_urn:
            deps.add(request.parent)
        return sorted(d for d in deps if d and d != self.stack_urn), prop_deps

    def _goal(self, urn: str, request: Any) -> _Goal:
        """Protect, retain-on-delete and deleted-with, inherited from the parent when unset
        (``source_eval.go: inheritFromParent``)."""
        parent = self.goals.get(request.parent, _Goal())
        goal = _Goal(
            request.protect if request.HasField("protect") else parent.protect,
            request.retainOnDelete
            if request.HasField("retainOnDelete")
            else parent.retain_on_delete,
            str(request.deletedWith) or parent.deleted_with,
        )
        self.goals[urn] = goal
        return goal

    def _begin(self, urn: str, request: Any) -> tuple[ResourceState | None, str]:
        """``step_generator.go: generateURN`` and ``getOldResource``: the old state of ``urn``,
        else of the first of its aliases (:mod:`.aliases`) in the state, whose URN is then taken
        (never deleted: ``isOperatedOn``). Returns the old state and the engine's error for a
        conflicting alias (empty if none), which fails the step after its Check."""
        try:
            aliases = requested_aliases(request)
        except AliasError as exc:
            raise self.fail(StepError("create", urn, str(exc))) from None
        parent = str(request.parent)
        with self.deployment.lock:
            if self.halted:
                raise Halted(f"{name_of(urn)}: skipped after an earlier error")
            if urn in self.registered:
                # step_generator.go: generateURN
                raise self.fail(StepError("create", urn, f"Duplicate resource URN '{urn}'"))
            self.registered.add(urn)
            candidates = alias_urns(
                aliases,
                name=str(request.name),
                type_=str(request.type),
                parent=parent,
                project=self.project,
                stack=self.stack,
                parent_aliases=self.aliases,
            )
            invalid = ""
            if urn in self.aliased:
                invalid = duplicate_aliased_message(urn, self.aliased[urn])
            state = self.deployment.resources
            for candidate in [urn, *candidates]:
                old = state.get(candidate)
                if old is None:
                    continue
                if candidate != urn:
                    if candidate in self.registered:
                        invalid = duplicate_alias_message(candidate, urn, urn)
                    if candidate in self.aliased:
                        invalid = duplicate_alias_message(candidate, urn, self.aliased[candidate])
                    self.aliased[candidate] = urn
                    self.aliases[urn] = candidate
                return old, invalid
            return None, invalid

    # -- registrations -----------------------------------------------------------------------------

    def register(self, urn: str, request: Any, raw_inputs: Props) -> tuple[str, Props]:
        old, invalid = self._begin(urn, request)
        type_ = str(request.type)
        deps, prop_deps = self._dependencies(request)
        parent = request.parent if request.parent != self.stack_urn else ""
        goal = self._goal(urn, request)
        if not request.custom:
            if invalid:  # continueStepsFromImport: a component has no Check, and bails too
                raise self.fail(StepError("create" if old is None else "update", urn, invalid))
            return self._component(urn, type_, old, deps, parent, goal)
        provider_ref = ""
        if is_provider_type(type_):
            return self._provider_resource(urn, type_, old, raw_inputs, deps, parent, goal)
        if type_.startswith("pulumi-python:dynamic"):
            server = self.deployment.server()
        else:  # a plugin's resource: its provider resource's plugin (registry.go: GetProvider)
            provider_ref = str(request.provider) or self._default_provider(
                type_, str(request.version)
            )
            server = self._plugin(urn, provider_ref)
        secret = secret_keys(raw_inputs) | set(request.additionalSecretOutputs)
        hidden = sorted(secret | {k for k, v in raw_inputs.items() if holds_secret(v)})
        news: Props = to_wire_value(raw_inputs)
        dbr_option = (
            bool(request.deleteBeforeReplace)
            if request.deleteBeforeReplaceDefined or request.deleteBeforeReplace
            else None
        )  # source_eval.go: RegisterResource (DeleteBeforeReplaceDefined)
        template = ResourceState(
            urn,
            type_,
            name_of(urn),
            dependencies=deps,
            parent=parent,
            property_dependencies=prop_deps,
            protect=goal.protect,
            retain_on_delete=goal.retain_on_delete,
            deleted_with=goal.deleted_with,
            ignore_changes=list(request.ignoreChanges),
            replace_on_changes=list(request.replaceOnChanges),
            secrets=hidden,
            provider=provider_ref,
        )

        def changes(
            old: ResourceState, inputs: Props, changed: Iterable[str] = ()
        ) -> tuple[str, ...]:
            """What the step's line shows: old against new inputs (``display.describe_update``,
            as the CLI's ``rows.go: getDiffInfo``)."""
            shown = set(hidden) | set(old.secrets)
            return describe_update(old.inputs, inputs, changed_keys=list(changed), secrets=shown)

        def new_state(id_: str, inputs: Props, outs: Props, **extra: Any) -> ResourceState:
            return dataclasses.replace(template, id=id_, inputs=inputs, outputs=outs, **extra)

        imported = False
        import_id = str(request.importId)
        if import_id and (old is None or old.external or (old.import_id or old.id) != import_id):
            # step_generator.go: continueStepsFromRefresh (isImport) -> step.go: ImportStep.Apply
            id_, ins, outs = self._apply(
                "import", urn, lambda: rules.import_resource(server, self.call, urn, import_id)
            )
            if old is not None and not old.external:
                self._pend_delete(old)  # NewImportReplacementStep + NewReplaceStep(pendingDelete)
            old, imported = new_state(id_, ins, outs, import_id=import_id), True

        with self.deployment.lock:  # deleted earlier in this operation by a delete-before-replace
            recreating = urn in self.deleting
        if old is None or old.external or recreating:
            # step_generator.go: continueStepsFromImport: Check with no old inputs for a new,
            # re-created or formerly external resource (cases 1, 2 and 4)
            op = "replace" if old is not None else "create"
            inputs = self._generate(
                op, urn, lambda: rules.check_new(server, self.call, urn, type_, news)
            )
            if invalid:  # step_generator.go: continueStepsFromImport: bails after Check
                raise self.fail(StepError(op, urn, invalid))
            if recreating:
                with self.deployment.lock:
                    self.deleting.discard(urn)
                    self.replaced.add(urn)
            keys = diff_keys(old.inputs, inputs) if old is not None else []
            shown = changes(old, inputs) if old is not None else ()
            if self.preview and not server.supports_preview:
                # provider_plugin.go: Create (no provider preview: outputs = inputs)
                self._step(op, urn, type_, keys, shown)
                return "", mark_secret(inputs, secret)
            if self.preview:  # step.go: CreateStep.Apply: Create(preview=true), nothing kept
                _, outs = self._apply(
                    op,
                    urn,
                    lambda: self.call(
                        "Create", urn, lambda: server.create(urn, inputs, preview=True)
                    ),
                )
                self._step(op, urn, type_, keys, shown)
                return "", mark_secret(outs, secret)
            # step.go: CreateStep.Apply: a failed Create records nothing
            id_, outs = self._apply(
                op, urn, lambda: self.call("Create", urn, lambda: server.create(urn, inputs))
            )
            if old is not None and old.external:
                self._pend_delete(old)  # its DeleteStep is a no-op: "discard-replaced"
            self._record(new_state(id_, inputs, outs))
            self._step(op, urn, type_, keys, shown)
            return id_, mark_secret(outs, secret)

        # step_generator.go: diff: its DeletedWith resource is being replaced
        forced = ["deletedWith"] if goal.deleted_with and goal.deleted_with in self.replaced else []
        current = old
        decision = self._generate(
            "update",
            urn,
            lambda: rules.decide(
                server,
                self.call,
                urn=urn,
                type_=type_,
                news=news,
                old_id=current.id,
                old_inputs=current.inputs,
                old_outputs=current.outputs,
                ignore_changes=template.ignore_changes,
                replace_on_changes=template.replace_on_changes,
                delete_before_replace=dbr_option,
                protect=goal.protect,
                old_protect=current.protect,
                pending_replacement=current.pending_replacement,
                forced_replace=forced,
                preview=self.preview,
                invalid=invalid,
                diff_call=self._diff_call if self.deployment.parallel_diff else None,
            ),
        )
        if decision.error:  # a preview goes on after the protect error; it fails at the end
            self.fail(StepError("replace", urn, decision.error), halt=False)
        if imported:
            self._record(old)
            self._step("import", urn, type_)
            if decision.op == "same":
                return old.id, mark_secret(old.outputs, secret)

        if decision.op == "same":  # step.go: SameStep.Apply (new inputs, old outputs)
            self._record(new_state(old.id, decision.inputs, old.outputs, import_id=old.import_id))
            if not imported:
                self._step("same", urn, type_)
            return old.id, mark_secret(old.outputs, secret)

        shown = changes(current, decision.inputs, decision.diff.changed_keys)
        if decision.op == "update":
            if self.preview and not server.supports_preview:
                # provider_plugin.go: Update (no provider preview: outputs = inputs)
                self._step("update", urn, type_, decision.keys, shown)
                return old.id, mark_secret(decision.inputs, secret)
            # step.go: UpdateStep.Apply: a failed Update leaves the old state as it was
            outs = self._apply(
                "update",
                urn,
                lambda: self.call(
                    "Update",
                    urn,
                    lambda: server.update(
                        current.id,
                        urn,
                        current.outputs,
                        decision.inputs,
                        old_inputs=current.inputs,
                        ignore_changes=template.ignore_changes,
                        preview=self.preview,
                    ),
                ),
            )
            if self.preview:  # step.go: UpdateStep.Apply: Update(preview=true), nothing kept
                self._step("update", urn, type_, decision.keys, shown)
                return old.id, mark_secret(outs, secret)
            self._record(new_state(old.id, decision.inputs, outs, import_id=old.import_id))
            self._step("update", urn, type_, decision.keys, shown)
            return old.id, mark_secret(outs, secret)

        with self.deployment.lock:
            self.replaced.add(urn)
        # step_generator.go: continueStepsFromDiff: create-before-delete by default (the old copy
        # is deleted after the program, GenerateDeletes), or delete-before-replace
        if decision.delete_before_replace:
            self._delete_before_replace(old)
        if self.preview:  # a replacement's Create(preview=true) adds nothing the plan shows
            self._step("replace", urn, type_, decision.keys, shown)
            return "", mark_secret(decision.inputs, secret)
        id_, outs = self._apply(
            "replace",
            urn,
            lambda: self.call("Create", urn, lambda: server.create(urn, decision.inputs)),
        )
        if not decision.delete_before_replace and not old.pending_replacement:
            self._pend_delete(old)  # step.go: CreateStep.Apply (replacing && pendingDelete)
        self._record(new_state(id_, decision.inputs, outs))
        self._step("replace", urn, type_, decision.keys, shown)
        return id_, mark_secret(outs, secret)

    def _component(
        self,
        urn: str,
        type_: str,
        old: ResourceState | None,
        deps: list[str],
        parent: str,
        goal: _Goal,
    ) -> tuple[str, Props]:
        state = ResourceState(urn, type_, name_of(urn), "", {}, {}, deps, False, False, parent)
        state.protect, state.retain_on_delete = goal.protect, goal.retain_on_delete
        self._record(state)
        self._step("create" if old is None else "same", urn, type_)
        return "", {}

    # -- provider resources ------------------------------------------------------------------------

    def _plugin(self, urn: str, ref: str) -> ProviderServer:
        """The configured plugin of provider reference ``ref`` (``step.go: getProvider``)."""
        server = self.deployment.plugin(ref)
        if server is None:
            message = f"unknown provider '{ref}' for resource '{urn}'"
            raise self.fail(StepError("create", urn, message))
        return server

    def _default_provider(self, type_: str, version: str) -> str:
        """``default_providers.go: getDefaultProviderRef``: the reference of the package's
        default provider of ``version``, registered the first time (one at a time: the
        engine's default-provider loop serves one request at a time, ``serve``)."""
        package = package_of(type_)
        name = default_provider_name(version)
        urn = f"urn:pulumi:{self.stack}::{self.project}::pulumi:providers:{package}::{name}"
        with self._defaults_lock:
            ref = self._defaults.get(urn)
            if ref is None:
                inputs: Props = dict(self.deployment.package_config(package))
                if version:
                    inputs["version"] = version  # providers.SetProviderVersion
                request = resource_pb2.RegisterResourceRequest(
                    type=f"pulumi:providers:{package}", name=name, custom=True
                )
                old, _ = self._begin(urn, request)
                ref = f"{urn}::{self._provider_step(urn, old, inputs, [], '', _Goal(), ())[0]}"
                self._defaults[urn] = ref
        return ref

    def _provider_resource(
        self,
        urn: str,
        type_: str,
        old: ResourceState | None,
        raw_inputs: Props,
        deps: list[str],
        parent: str,
        goal: _Goal,
    ) -> tuple[str, Props]:
        """An explicit provider resource (``pulumi:providers:<package>``)."""
        secret = secret_keys(raw_inputs)
        id_, outs = self._provider_step(
            urn, old, to_wire_value(raw_inputs), deps, parent, goal, sorted(secret)
        )
        return id_, mark_secret(outs, secret)

    def _provider_step(
        self,
        urn: str,
        old: ResourceState | None,
        news: Props,
        deps: list[str],
        parent: str,
        goal: _Goal,
        secrets: Iterable[str],
    ) -> tuple[str, Props]:
        """The steps of a provider resource, on the registry (``registry.go``): Check (the
        plugin loaded, CheckConfig), then for a new one Create (Configure, a new UUID; in a
        preview the unknown id), for an old one DiffConfig and ``same`` (Configure with the
        old id, ``Same``) or ``update`` (Configure with the new inputs, ``Update``). A
        replacement (DiffConfig naming replaces) is applied as an update here."""
        registry = self.deployment.registry
        type_ = urn.rsplit("::", 2)[-2]
        hidden = sorted(secrets)
        if registry is None:
            raise self.fail(StepError("create", urn, "no provider registry"))

        def check() -> Props:
            try:
                inputs, failures = self.call(
                    "CheckConfig", urn, lambda: registry.check(urn, old.inputs if old else {}, news)
                )
            except PluginNotFound as exc:
                raise EngineError(str(exc)) from None
            if failures:
                raise rules.CheckFailed(
                    rules.check_failure_messages(type_, urn, news, failures), failures
                )
            return inputs

        op = "create" if old is None else "update"
        inputs = self._generate(op, urn, check)
        state = ResourceState(
            urn,
            type_,
            name_of(urn),
            dependencies=deps,
            parent=parent,
            protect=goal.protect,
            retain_on_delete=goal.retain_on_delete,
            secrets=hidden,
        )
        if old is None:
            id_, outs = self._apply(
                "create",
                urn,
                lambda: registry.create(urn, inputs, preview=self.preview, secrets=hidden),
            )
            self._record(dataclasses.replace(state, id=id_, inputs=inputs, outputs=outs))
            self._step("create", urn, type_)
            return id_, outs
        current = old
        diff = self._generate(
            "update",
            urn,
            lambda: self.call(
                "DiffConfig",
                urn,
                lambda: registry.diff(urn, current.id, current.inputs, current.outputs, inputs),
            ),
        )
        if not diff.changes:
            self._apply(
                "same",
                urn,
                lambda: registry.same(urn, current.id, inputs, from_check=True, secrets=hidden),
            )
            self._record(dataclasses.replace(state, id=old.id, inputs=inputs, outputs=old.outputs))
            self._step("same", urn, type_)
            return old.id, old.outputs
        outs = self._apply(
            "update", urn, lambda: registry.update(urn, current.id, inputs, secrets=hidden)
        )
        self._record(dataclasses.replace(state, id=old.id, inputs=inputs, outputs=outs))
        keys = diff_keys(old.inputs, inputs)
        self._step("update", urn, type_, keys, describe_update(old.inputs, inputs, secrets=hidden))
        return old.id, outs

    # -- delete-before-replace ---------------------------------------------------------------------

    def _delete_before_replace(self, old: ResourceState) -> None:
        """``step_generator.go: continueStepsFromDiff`` (deleteBeforeReplace): first delete the
        dependents a change of ``old`` would replace (:meth:`_dependent_replacements`), in reverse
        dependency order, then ``old`` itself, marking each pending replacement; each comes back
        when the program registers it again (Check with no olds, Create), or leaves the state at
        the end. A protected dependent stops the operation."""
        urn = old.urn
        dependents = self._generate("replace", urn, lambda: self._dependent_replacements(old))
        chain: list[ResourceState] = []
        for dep in reversed(dependents):
            if dep.urn in self.deleting:
                continue  # already deleted by another delete-before-replace
            if dep.protect:
                message = rules.replace_dependent_protected_message(dep.urn, urn)
                raise self.fail(StepError("replace", urn, message))
            chain.append(dep)
        if not old.pending_replacement:  # already deleted by an earlier, failed, operation
            chain.append(old)
        with self.deployment.lock:
            self.deleting.update(s.urn for s in chain)
        for state in chain:
            delete = partial(
                rules.delete_resource,
                self.deployment.server_for(state),
                self.call,
                state,
                replacing=True,
                preview=self.preview,
                deleting=set(self.deleting),
            )
            self._apply("delete", state.urn, delete)
            if not self.preview:
                with self.deployment.lock:
                    if self.deployment.resources.get(state.urn) is state:
                        self.deployment.resources[state.urn] = dataclasses.replace(
                            state, pending_replacement=True
                        )
            self._step("delete-replaced", state.urn, state.type)

    def _dependent_replacements(self, root: ResourceState) -> list[ResourceState]:
        """``step_generator.go: calculateDependentReplacements`` and
        ``findDependentCascadeReplacements``: of the resources that depend on ``root`` (and were
        not registered yet in this operation), those that a replacement of ``root`` would replace
        too. Inputs whose property dependencies are being replaced become unknown and the
        provider's Diff decides; a resource ``deleted_with`` one being replaced is replaced."""
        with self.deployment.lock:
            states = list(self.deployment.resources.values())
            ignore = self.registered | self.deleting | self.replaced | set(self.aliased)
        replace_set = {root.urn}
        found: list[ResourceState] = []
        for dep in rules.depending_on(root, states, ignore - {root.urn}):
            if not dep.custom or dep.external:
                continue
            if dep.deleted_with and dep.deleted_with in replace_set:
                found.append(dep)
                replace_set.add(dep.urn)
                continue
            inputs: Props = {}
            touched = False
            for key, value in dep.inputs.items():
                if any(u in replace_set for u in dep.property_dependencies.get(key, ())):
                    value, touched = UNKNOWN, True
                inputs[key] = value
            if not touched:
                continue
            diff = rules.diff_resource(
                self.deployment.server_for(dep),
                self.call,
                dep.urn,
                dep.id,
                dep.inputs,
                dep.outputs,
                inputs,
                dep.ignore_changes,
            )
            if rules.apply_replace_on_changes(diff, dep.replace_on_changes).replace:
                found.append(dep)
                replace_set.add(dep.urn)
        for state in states:
            if state.deleted_with == root.urn and all(f.urn != state.urn for f in found):
                found.append(state)
        return found

    # -- reads -------------------------------------------------------------------------------------

    def read(self, urn: str, request: Any, raw_props: Props) -> tuple[str, Props]:
        """``ResourceOptions(id=...)``: ``step_generator.go: GenerateReadSteps`` and ``step.go:
        ReadStep.Apply`` (see :func:`rules.read_resource`)."""
        old, _ = self._begin(urn, request)  # GenerateReadSteps: no aliases of its own
        type_ = str(request.type)
        secret = secret_keys(raw_props) | set(request.additionalSecretOutputs)
        props: Props = to_wire_value(raw_props)
        provider_ref = ""
        if type_.startswith("pulumi-python:dynamic"):
            server = self.deployment.server()
        else:
            provider_ref = str(request.provider) or self._default_provider(
                type_, str(request.version)
            )
            server = self._plugin(urn, provider_ref)
        requested = str(request.id)
        id_, outs = self._apply(
            "read", urn, lambda: rules.read_resource(server, self.call, urn, requested, props)
        )
        deps, _ = self._dependencies(request)
        parent = request.parent if request.parent != self.stack_urn else ""
        state = ResourceState(urn, type_, name_of(urn), id_, props, outs, deps, parent=parent)
        state.external = True
        state.provider = provider_ref
        state.secrets = sorted(secret | {k for k, v in raw_props.items() if holds_secret(v)})
        if old is not None and not old.external and old.id != requested:
            # NewReadReplacementStep: the managed resource it replaces is deleted at the end
            with self.deployment.lock:
                self.replaced.add(urn)
            self._pend_delete(old)
        self._record(state)
        self._step("read", urn, type_)
        return id_, mark_secret(outs, secret)
