"""The program player: ``pulumi preview`` / ``up`` / ``refresh`` / ``destroy`` of a whole program
through a real dynamic-provider server, keeping the stack state in memory."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from . import rules
from .display import describe_changes
from .program import Program, play_program
from .project import Project, ProjectError
from .registration import Run
from .results import Plan, ResourceState, Result, Step, StepError
from .rules import EngineError
from .server import ProviderCallError, ProviderServer, ProviderServerError
from .wire import Props, make_urn, name_of

__all__ = ["Player", "ProgramOrProject", "default_parallel"]

_T = TypeVar("_T")

ProgramOrProject = Program | str | os.PathLike[str]
"""What the player plays: a program function, or a Pulumi project folder (``Pulumi.yaml``)."""


def default_parallel() -> int:
    """The CLI's default ``--parallel``: 4 per CPU (``up.go: defaultParallel``:
    ``runtime.GOMAXPROCS(0) * 4``; Go's GOMAXPROCS defaults to the CPUs the process may use)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    return 4 * max(1, cpus)


def _stdout_line(line: str) -> None:
    """The default printer: the whole line in one write, so concurrent lines never mix."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Player:
    """Plays Pulumi programs through a real dynamic-provider server, without the Pulumi CLI.

    The program runs under ``pulumi.runtime.set_mocks`` with a resource monitor that performs the
    engine's steps for each registration (see ``docs/testing.md`` for every rule and the engine
    function it follows). Outputs flow to dependent resources as with the real engine (unknown in
    a preview for resources that would be created, updated or replaced). The stack state (URN ->
    :class:`ResourceState`) lives in memory between operations and can be saved to / loaded from a
    JSON file.

    Programs run one at a time per process (the SDK's runtime settings are global), each on a
    fresh thread and event loop; registrations run concurrently, their steps generated one at a
    time and applied at most :attr:`parallel` at a time, as the engine does.

    A program is a function, or a **Pulumi project folder**: ``player.up("examples/quickstart")``
    or ``Player.from_project("examples/quickstart")`` then ``player.up()``. The folder's
    ``Pulumi.yaml`` gives the project name (so ``pulumi.Config()`` keys resolve), its ``config:``
    defaults and values (under the stack ``config``, which wins) and ``main:``; the program file
    runs as ``__main__`` with the folder first on ``sys.path``, and the folder is the provider
    server's working directory (unless ``cwd`` is given). See
    :class:`~pulumi_compshare.testing.project.Project`.

    Printing (``printer`` or ``print_plan``): one line per step as it completes (``+ Team t
    create``, ``~ ImageShare s update [account_ids: +50004 -50003]``), each line in one call under
    a lock so concurrent steps never mix; after an ``up`` the stack outputs (whole numbers as ints,
    secrets as ``[secret]``); the ``Resources:`` summary; then every failed step, one line each.

    Not modelled: invokes, explicit providers, non-dynamic resources, aliases, targets, plans,
    resource hooks, ``replace_with``/replacement triggers, array paths in ``ignore_changes``.

    :param project: project name (``pulumi.get_project()`` and the URNs); by default the played
        project folder's name, else ``"test"``.
    :param stack: stack name.
    :param config: the stack config, ``{"ns:key": value}``: sent to Configure and visible to the
        program through ``pulumi.Config`` (a bare ``key`` is the played project's own).
    :param server: a started :class:`ProviderServer` to use (not stopped by the player); by default
        the player starts its own with ``cwd``, ``env`` and ``pythonpath``.
    :param parallel: the engine's ``--parallel``: at most this many steps (create, update,
        delete, read, refresh) applied at a time (``step_executor.go: newStepExecutor`` starts
        that many workers); by default ``4 x CPUs``, the CLI's (``up.go: defaultParallel``). Step
        generation (Check, Diff) runs one registration at a time, as the engine's main loop
        handles one event at a time (``deployment_executor.go: Execute``). Nothing else limits
        the calls: the provider server runs 4 at a time in its own thread pool and queues the
        rest, as ``python -m pulumi.dynamic`` does.
    :param printer: called with each printed line (never two at once).
    :param print_plan: print lines to stdout (when no ``printer`` is given).
    :param restart_per_operation: start a fresh provider process for each operation, as the CLI
        does (only for a player-owned server): no provider-side cache outlives a command.
    """

    def __init__(
        self,
        *,
        project: str | None = None,
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        server: ProviderServer | None = None,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        parallel: int | None = None,
        printer: Callable[[str], None] | None = None,
        print_plan: bool = False,
        restart_per_operation: bool = True,
    ) -> None:
        self.project = project or "test"
        self.stack = stack
        self.config: dict[str, Any] = dict(config or {})
        """The stack config (a played project's ``Pulumi.yaml`` config goes under it)."""
        self.project_folder: Project | None = None
        """The project folder last played (``Player.from_project`` or ``up(path)``)."""
        self._project_named = project is not None
        self._cwd_given = cwd is not None
        self.parallel = max(1, parallel) if parallel is not None else default_parallel()
        self.restart_per_operation = restart_per_operation
        self.calls: list[tuple[str, str]] = []
        """Every engine call made, as ``(method, resource name)``; Configure has name ``""``."""
        self.last_result: Result | None = None
        self._printer = printer if printer is not None else (_stdout_line if print_plan else None)
        self._print_lock = threading.Lock()
        self._secret_outputs: set[str] = set()
        self._own_server = server is None
        self._server = server
        self._server_args: dict[str, Any] = {
            "cwd": cwd,
            "env": env,
            "project": self.project,
            "pythonpath": pythonpath,
        }
        self._configured = False
        self._state: dict[str, ResourceState] = {}
        self._pending_deletes: list[ResourceState] = []
        self._outputs: Props = {}
        self._lock = threading.RLock()
        self._op_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.parallel)
        """The step executor's workers: one per step being applied."""
        self._generating = threading.Lock()
        """The engine's main loop: one registration's steps generated at a time."""

    @classmethod
    def from_project(
        cls,
        path: str | os.PathLike[str],
        *,
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> Player:
        """A player for the Pulumi project in folder ``path``: ``preview()``, ``up()`` and the
        rest play it without a program argument. ``options`` are the constructor's. Raises
        :class:`~pulumi_compshare.testing.project.ProjectError` for a folder without a usable
        ``Pulumi.yaml``."""
        project = Project.load(path)
        player = cls(project=project.name, stack=stack, config=config, **options)
        player._use_project(project)
        return player

    def _use_project(self, project: Project) -> None:
        """Play ``project`` from now on: its name, config and folder."""
        with self._lock:
            taken = self._project_named or self._state or self.project_folder is not None
            if project.name != self.project and taken:
                raise ProjectError(
                    f"{project.path}: project {project.name!r} cannot play in this player's "
                    f"stack of project {self.project!r} (one stack, one project)"
                )
            self.project = project.name
            self.project_folder = project
        self._server_args["project"] = project.name
        if not self._cwd_given and self._server_args.get("cwd") != project.path:
            self._server_args["cwd"] = project.path
            if self._own_server and self._server is not None:  # restart it in the folder
                self._server.stop()
                self._server = None

    def _program(self, program: ProgramOrProject | None) -> Program:
        """A program function for ``program`` (a project folder is loaded and remembered)."""
        if program is None:
            if self.project_folder is None:
                raise TypeError(
                    "no program: pass a program function or a project folder, or make the "
                    "player with Player.from_project(folder)"
                )
            project = Project.load(self.project_folder.path)  # re-read: it may have changed
        elif isinstance(program, (str, os.PathLike)):
            project = Project.load(program)
        else:
            return program
        self._use_project(project)
        return project.program()

    def stack_config(self) -> dict[str, Any]:
        """The config sent to Configure and seen by the program: the played project's
        ``Pulumi.yaml`` config under :attr:`config`."""
        if self.project_folder is None:
            return dict(self.config)
        return self.project_folder.stack_config(self.config, self.stack)

    # -- public state ------------------------------------------------------------------------------

    @property
    def outputs(self) -> Props:
        """The stack outputs (``pulumi.export``) after the last ``up``."""
        with self._lock:
            return dict(self._outputs)

    @property
    def resources(self) -> dict[str, ResourceState]:
        """The stack state: URN -> :class:`ResourceState` (a copy, in state order)."""
        with self._lock:
            return dict(self._state)

    @property
    def pending_deletes(self) -> list[ResourceState]:
        """Old copies of replaced resources still to delete (left by a failed operation)."""
        with self._lock:
            return list(self._pending_deletes)

    def resource(self, name: str) -> ResourceState:
        """The state of the resource called ``name``."""
        with self._lock:
            for state in self._state.values():
                if state.name == name:
                    return state
        raise KeyError(name)

    @property
    def server(self) -> ProviderServer | None:
        """The provider server in use (None before the first operation)."""
        return self._server

    def urn(self, type_token: str, name: str) -> str:
        """The URN of a top-level resource of this stack."""
        return make_urn(type_token, name, self.stack, self.project)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state (resources, pending deletes, outputs) to a JSON file."""
        with self._lock:
            data = {
                "version": 1,
                "project": self.project,
                "stack": self.stack,
                "resources": [s.to_json() for s in self._state.values()],
                "pending_deletes": [s.to_json() for s in self._pending_deletes],
                "outputs": self._outputs,
            }
        Path(path).write_text(json.dumps(data, indent=2, sort_keys=True))

    def load(self, path: str | os.PathLike[str]) -> None:
        """Replace the state with one written by :meth:`save`."""
        data = json.loads(Path(path).read_text())
        with self._lock:
            self._state = {s["urn"]: ResourceState.from_json(s) for s in data.get("resources", [])}
            self._pending_deletes = [
                ResourceState.from_json(s) for s in data.get("pending_deletes", [])
            ]
            self._outputs = dict(data.get("outputs", {}))

    # -- server ------------------------------------------------------------------------------------

    def _server_for_call(self) -> ProviderServer:
        server = self._server
        if server is None:
            raise ProviderServerError("no provider server")
        return server

    def _begin_operation(self) -> None:
        """Like the CLI, start a fresh provider process per operation if asked to."""
        if self._own_server and self.restart_per_operation and self._server is not None:
            self._server.stop()
            self._server = None

    def _prepare_server(self) -> ProviderServer:
        if self._server is None or (self._own_server and not self._server.running):
            self._server = ProviderServer(**self._server_args).start()
            self._configured = False
        if not self._configured:
            self._server.configure(self.stack_config())
            with self._lock:
                self.calls.append(("Configure", ""))
            self._configured = True
        return self._server

    def close(self) -> None:
        """Stop the provider server if the player started it."""
        if self._own_server and self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _provider_call(self, method: str, name: str, fn: Callable[[], _T]) -> _T:
        with self._lock:
            self.calls.append((method, name))
        return fn()

    def _call(self, method: str, urn: str, fn: Callable[[], _T], /) -> _T:
        return self._provider_call(method, name_of(urn), fn)

    # -- printing ----------------------------------------------------------------------------------

    def _say(self, line: str) -> None:
        """Print one line (one printer call under a lock: lines never interleave)."""
        if self._printer is not None:
            with self._print_lock:
                self._printer(line)

    def _emit(self, result: Result, step: Step) -> None:
        with self._lock:
            result.steps.append(step)
        if step.op != "same":
            self._say(step.line)

    def _finish(self, result: Result) -> Result:
        """Print the outputs (after an up), the summary and every failure; raise the first error
        (carrying the result, so ``err.errors`` lists them all) if any."""
        self.last_result = result
        if self._printer is not None:
            lines = []
            if result.operation == "up":
                lines += result.output_lines(self._secret_outputs)
            lines += [result.summary(), *result.error_lines()]
            for line in lines:
                self._say(line)
        if result.errors:
            err = result.errors[0]
            err.result = result
            raise err
        return result

    # -- operations --------------------------------------------------------------------------------

    def preview(
        self, program: ProgramOrProject | None = None, *, continue_on_error: bool = False
    ) -> Plan:
        """Plan the program without changing anything: Check and Diff for every resource (reads,
        imports and the Diffs of delete-before-replace dependents call the provider too, as in
        the engine). New, updated and replaced resources give unknown outputs to their
        dependents; resources no longer in the program are planned as deletes. ``program`` is a
        function or a project folder (by default the one this player plays)."""
        with self._op_lock:
            program = self._program(program)
            self._begin_operation()
            run = Run(self, "preview", continue_on_error=continue_on_error)
            self._play(program, run)
            if not run.halted:
                self._post_deletes(run)
            plan = run.result
            assert isinstance(plan, Plan)
            self._finish(plan)
            return plan

    def up(
        self,
        program: ProgramOrProject | None = None,
        *,
        refresh: bool = False,
        continue_on_error: bool = False,
    ) -> Result:
        """Create, update and replace the program's resources, then delete the ones it no longer
        declares (and replaced ones) in reverse dependency order. ``program`` is a function or a
        project folder (by default the one this player plays).

        :param refresh: refresh every resource first, in the same command (``pulumi up
            --refresh``); a failed refresh stops the update.
        :param continue_on_error: ``pulumi up --continue-on-error``: after a failed step, keep
            running the steps that do not depend on it. Without it, as in the engine, no new step
            starts after a failure (the ones under way finish).

        Raises :class:`StepError` (the first failure; ``err.errors`` has them all, and all are
        printed). The state keeps everything that succeeded."""
        with self._op_lock:
            program = self._program(program)
            self._begin_operation()
            result = Result("up")
            if refresh:
                # deployment_executor.go: Execute: refresh before the program, stop on failure
                self._refresh_all(result)
                if result.errors:
                    return self._finish(result)
            run = Run(self, "up", result, continue_on_error=continue_on_error)
            self._play(program, run)
            if not run.halted:
                self._post_deletes(run)
            return self._finish(result)

    def refresh(self) -> Result:
        """Read every resource (``pulumi refresh``): drop the gone ones, record the rest (new
        outputs, and new inputs when the provider returns some), and report each ``update`` or
        ``same`` from the provider's Diff, as the engine does. Every refresh runs even if some
        fail."""
        with self._op_lock:
            self._begin_operation()
            result = Result("refresh")
            self._refresh_all(result)
            with self._lock:
                result.outputs = dict(self._outputs)
            return self._finish(result)

    def destroy(self, *, continue_on_error: bool = False) -> Result:
        """Delete every resource in reverse dependency order (read resources are only dropped).
        Protected resources fail and keep what they depend on, without stopping the rest."""
        with self._op_lock:
            self._begin_operation()
            result = Result("destroy")
            with self._lock:
                targets = list(self._state.values()) + list(self._pending_deletes)
            self._delete_all(
                result,
                targets,
                deleting={s.urn for s in targets},
                preview=False,
                continue_on_error=continue_on_error,
            )
            if not result.errors:
                with self._lock:
                    self._outputs = {}
            return self._finish(result)

    # -- refresh -----------------------------------------------------------------------------------

    def _refresh_all(self, result: Result) -> None:
        """``deployment_executor.go: refresh``: a refresh step per resource, all in parallel,
        errors collected without stopping the others (``newStepExecutor(..., ignoreErrors=true)``);
        the successful ones are applied (``rebuildBaseState``)."""
        server = self._prepare_server()
        with self._lock:
            states = list(self._state.values()) + list(self._pending_deletes)

        def refresh_one(state: ResourceState) -> rules.Refreshed | None:
            # step.go: RefreshStep.Apply: components and pending replacements are not read
            if not state.custom or state.pending_replacement:
                return None
            return rules.refresh_resource(
                server,
                self._call,
                urn=state.urn,
                id_=state.id,
                inputs=state.inputs,
                outputs=state.outputs,
                external=state.external,
                ignore_changes=state.ignore_changes,
            )

        with ThreadPoolExecutor(self.parallel) as pool:
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
                self._emit(result, Step("same", state.urn, state.type, state.name, (), True))
                continue
            with self._lock:
                if outcome.op == "delete":
                    self._replace_state(state, None)
                else:
                    new = dataclasses.replace(
                        state, id=outcome.id, inputs=outcome.inputs, outputs=outcome.outputs
                    )
                    self._replace_state(state, new)
            changes = describe_changes(
                state.outputs, outcome.outputs, keys=outcome.drift, secrets=state.secrets
            )
            step = Step(
                outcome.op, state.urn, state.type, state.name, tuple(outcome.drift), True, changes
            )
            self._emit(result, step)

    def _replace_state(self, old: ResourceState, new: ResourceState | None) -> None:
        """Swap ``old`` (in the state or the pending deletes) for ``new`` (None drops it)."""
        with self._lock:
            if any(p is old for p in self._pending_deletes):
                pending = [p for p in self._pending_deletes if p is not old]
                self._pending_deletes = pending if new is None else [*pending, new]
            elif self._state.get(old.urn) is old:
                if new is None:
                    del self._state[old.urn]
                else:
                    self._state[old.urn] = new

    # -- deletes -----------------------------------------------------------------------------------

    def _post_deletes(self, run: Run) -> None:
        """``step_generator.go: GenerateDeletes``: after the program, delete the old copies of
        replaced resources and every resource the program no longer declares; a resource left
        pending replacement (deleted by a delete-before-replace, not declared again) just leaves
        the state (``RemovePendingReplaceStep``)."""
        with self._lock:
            pending = list(self._pending_deletes)
            gone = [s for u, s in self._state.items() if u not in run.registered]
        targets: list[ResourceState] = []
        for state in pending + gone:
            dropped = state.pending_replacement or state.urn in run.deleting
            if dropped and any(s is state for s in gone):
                if not run.preview:
                    self._replace_state(state, None)
            else:
                targets.append(state)
        deleting = run.deleting | {s.urn for s in targets}
        self._delete_all(
            run.result,
            targets,
            deleting=deleting,
            preview=run.preview,
            continue_on_error=run.continue_on_error,
            errored=run.errored,
        )

    def _delete_step(self, state: ResourceState) -> Step:
        with self._lock:
            replaced = any(p is state for p in self._pending_deletes)
        if replaced:  # step.go: DeleteStep.Op
            op = "discard-replaced" if state.external else "delete-replaced"
        else:
            op = "discard" if state.external else "delete"
        return Step(op, state.urn, state.type, state.name)

    def _delete_all(
        self,
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
        server = self._prepare_server()
        with self._lock:
            graph = {s.urn: s for s in list(self._state.values()) + list(self._pending_deletes)}
        errored_urns = set(errored or ())
        stop = threading.Event()

        def delete_one(state: ResourceState) -> StepError | None:
            if stop.is_set():
                return None
            replacing = any(p is state for p in self._pending_deletes)
            try:
                rules.delete_resource(
                    server,
                    self._call,
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
            step = self._delete_step(state)  # before it leaves the pending deletes
            if not preview:
                self._replace_state(state, None)
            self._emit(result, step)
            return None

        for chain in rules.schedule_deletes(targets):
            if stop.is_set():
                break
            kept = _dependencies_of(errored_urns, graph)
            chain = [s for s in chain if s.urn not in kept]
            with ThreadPoolExecutor(self.parallel) as pool:
                failures = list(pool.map(delete_one, chain))
            for err in failures:
                if err is not None:
                    result.errors.append(err)
                    errored_urns.add(err.urn)

    # -- the program -------------------------------------------------------------------------------

    def _play(self, program: Program, run: Run) -> None:
        """Run ``program`` with ``run`` as its monitor; fills ``run.result``."""
        self._prepare_server()

        def on_loop(loop: Any) -> None:
            run.loop = loop

        secret_exports: set[str] = set()
        exports, failure = play_program(
            program,
            run,
            parallel=self.parallel,
            project=self.project,
            stack=self.stack,
            config=self.stack_config(),
            preview=run.preview,
            on_loop=on_loop,
            secret_exports=secret_exports,
        )
        if run.preview:
            run.result.outputs = exports or {}
        elif exports is not None and not run.result.errors:
            with self._lock:
                self._outputs = exports
                self._secret_outputs = secret_exports
            run.result.outputs = exports
        else:
            run.result.outputs = self.outputs
        if failure is not None and not run.result.errors:
            raise failure

    def __repr__(self) -> str:
        return (
            f"Player(project={self.project!r}, stack={self.stack!r}, resources={len(self._state)})"
        )


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
