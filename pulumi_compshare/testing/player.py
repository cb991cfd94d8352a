"""The program player: ``pulumi preview`` / ``up`` / ``refresh`` / ``destroy`` of a whole program
through a real dynamic-provider server, keeping the stack state in memory."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import cli, executor
from .cli import default_parallel
from .deployment import Deployment
from .plugins import PluginContext
from .program import Program, play_program
from .project import Project, ProjectError
from .providers import ProviderRegistry, find_plugin
from .registration import Run
from .results import Plan, ResourceState, Result
from .server import ProviderServer, ProviderServerError
from .wire import Props, make_urn

__all__ = ["Player", "ProgramOrProject", "default_parallel"]

ProgramOrProject = Program | str | os.PathLike[str]
"""What the player plays: a program function, or a Pulumi project folder (``Pulumi.yaml``)."""


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

    ``up`` previews first, in a provider process of its own, as ``pulumi up`` does unless
    ``--skip-preview`` (``up(skip_preview=True)``). What the provider processes write to stdout
    and stderr is each result's :attr:`~Result.messages` (printed under ``Diagnostics:``).

    Not modelled: invokes, explicit providers, non-dynamic resources, targets, plans, resource
    hooks, ``replace_with``/replacement triggers, array paths in ``ignore_changes``.

    :param project: project name (``pulumi.get_project()`` and the URNs); by default the played
        project folder's name, else ``"test"``.
    :param stack: stack name.
    :param config: the stack config, ``{"ns:key": value}``: sent to Configure and visible to the
        program through ``pulumi.Config`` (a bare ``key`` is the played project's own).
    :param server: a started :class:`ProviderServer` to use (not stopped by the player); by default
        the player starts its own with ``cwd``, ``env`` and ``pythonpath``.
    :param parallel: the engine's ``--parallel``: at most this many steps (create, update,
        delete, read, refresh) applied at a time (``step_executor.go: newStepExecutor`` starts
        that many workers); by default ``PULUMI_PARALLEL``, else ``4 x CPUs``, the CLI's
        (``up.go: defaultParallel``). Step generation (Check, Diff) runs one registration at a
        time, as the engine's main loop handles one event at a time (``deployment_executor.go:
        Execute``). Nothing else limits the calls: the provider server runs 4 at a time in its
        own thread pool and queues the rest, as ``python -m pulumi.dynamic`` does.
    :param parallel_diff: run each Diff as a step of its own, so Diffs of several registrations
        overlap (``PULUMI_PARALLEL_DIFF``, read by default: ``step_generator.go: diff``).
    :param printer: called with each printed line (never two at once).
    :param print_plan: print lines to stdout (when no ``printer`` is given).
    :param restart_per_operation: start a fresh provider process for each operation, as the CLI
        does (only for a player-owned server): no provider-side cache outlives a command, and an
        ``up``'s preview has its own. Without it one process serves every operation.
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
        parallel_diff: bool | None = None,
        printer: Callable[[str], None] | None = None,
        print_plan: bool = False,
        restart_per_operation: bool = True,
        plugins: Mapping[str, str | os.PathLike[str]] | None = None,
    ) -> None:
        self.project = project or "test"
        self.plugins: dict[str, str | os.PathLike[str]] = dict(plugins or {})
        """Package -> its plugin (a folder with ``PulumiPlugin.yaml`` or an executable), as
        ``Pulumi.yaml``'s ``plugins: providers:`` names them; other packages are looked up as
        ``pulumi-resource-<package>`` on ``PATH`` (:func:`~.providers.find_plugin`)."""
        self.stack = stack
        self.config: dict[str, Any] = dict(config or {})
        """The stack config (a played project's ``Pulumi.yaml`` config goes under it)."""
        self.project_folder: Project | None = None
        """The project folder last played (``Player.from_project`` or ``up(path)``)."""
        self._project_named = project is not None
        self._cwd_given = cwd is not None
        self.restart_per_operation = restart_per_operation
        self.last_result: Result | None = None
        self.deployment = Deployment(
            parallel=parallel if parallel is not None else default_parallel(),
            parallel_diff=cli.parallel_diff() if parallel_diff is None else parallel_diff,
            printer=printer if printer is not None else (_stdout_line if print_plan else None),
            server=self._server_for_call,
            prepare_server=self._prepare_server,
        )
        """The stack state, the calls made and the engine's limits, which the steps of each
        command work on (:class:`~pulumi_compshare.testing.deployment.Deployment`)."""
        self._own_server = server is None
        self._server = server
        self._server_args: dict[str, Any] = {
            "cwd": cwd,
            "env": env,
            "project": self.project,
            "pythonpath": pythonpath,
        }
        self._configured = False
        self._op_lock = threading.Lock()
        self.deployment.package_config = self._package_config

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
        with self.deployment.lock:
            taken = bool(self._project_named or self.deployment.resources or self.project_folder)
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
    def parallel(self) -> int:
        """The engine's ``--parallel``: at most this many steps applied at a time."""
        return self.deployment.parallel

    @property
    def parallel_diff(self) -> bool:
        """Diffs run as steps of their own (``PULUMI_PARALLEL_DIFF``)."""
        return self.deployment.parallel_diff

    @property
    def calls(self) -> list[tuple[str, str]]:
        """Every engine call made, as ``(method, resource name)``; Configure has name ``""``.
        An ``up``'s preview's calls are here too (each result has its own: ``result.calls``,
        ``result.preview.calls``)."""
        return self.deployment.calls

    @property
    def outputs(self) -> Props:
        """The stack outputs (``pulumi.export``) after the last ``up``."""
        with self.deployment.lock:
            return dict(self.deployment.outputs)

    @property
    def resources(self) -> dict[str, ResourceState]:
        """The stack state: URN -> :class:`ResourceState` (a copy, in state order)."""
        with self.deployment.lock:
            return dict(self.deployment.resources)

    @property
    def pending_deletes(self) -> list[ResourceState]:
        """Old copies of replaced resources still to delete (left by a failed operation)."""
        with self.deployment.lock:
            return list(self.deployment.pending_deletes)

    def resource(self, name: str) -> ResourceState:
        """The state of the resource called ``name``."""
        with self.deployment.lock:
            for state in self.deployment.resources.values():
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
        deployment = self.deployment
        with deployment.lock:
            data = {
                "version": 1,
                "project": self.project,
                "stack": self.stack,
                "resources": [s.to_json() for s in deployment.resources.values()],
                "pending_deletes": [s.to_json() for s in deployment.pending_deletes],
                "outputs": deployment.outputs,
            }
        Path(path).write_text(json.dumps(data, indent=2, sort_keys=True))

    def load(self, path: str | os.PathLike[str]) -> None:
        """Replace the state with one written by :meth:`save`."""
        data = json.loads(Path(path).read_text())
        deployment = self.deployment
        with deployment.lock:
            deployment.resources = {
                s["urn"]: ResourceState.from_json(s) for s in data.get("resources", [])
            }
            deployment.pending_deletes = [
                ResourceState.from_json(s) for s in data.get("pending_deletes", [])
            ]
            deployment.outputs = dict(data.get("outputs", {}))

    # -- server ------------------------------------------------------------------------------------

    def _server_for_call(self) -> ProviderServer:
        server = self._server
        if server is None:
            raise ProviderServerError("no provider server")
        return server

    def _begin_operation(self, result: Result) -> None:
        """A command begins (``plugin/context.go``: a plugin context per command): like the CLI,
        a fresh provider process if asked to (the last one stops now, not at the end of its
        command, so that it can still be inspected); ``result`` gets the command's calls and
        what its provider processes write."""
        if self._own_server and self.restart_per_operation and self._server is not None:
            self._server.stop()
            self._server = None
        result.stack = f"{self.project}-{self.stack}"
        self.deployment.context = PluginContext(result)
        if self._server is not None:
            self.deployment.context.watch(self._server)
        if self.deployment.registry is not None:
            self.deployment.registry.close()
        # a provider registry per command, its plugins stopped at the end (registry.go)
        self.deployment.registry = ProviderRegistry(
            locate=lambda package: find_plugin(package, project_plugins=self.plugins),
            start=self._start_plugin,
        )

    def _start_plugin(self, command: Sequence[str]) -> ProviderServer:
        """A plugin process of this command, in the program's folder (``plugin.go: ExecPlugin``:
        ``cmd.Dir = pwd``), its output watched as the provider server's."""
        args = {k: v for k, v in self._server_args.items() if k != "pythonpath"}
        server = ProviderServer(command=command, engine_address="127.0.0.1:0", **args).start()
        self.deployment.context.watch(server, from_start=True)
        return server

    def _package_config(self, package: str) -> Props:
        """``GetPackageConfig``: the stack config of ``package``, keys without the namespace."""
        prefix = f"{package}:"
        return {k[len(prefix) :]: v for k, v in self.stack_config().items() if k.startswith(prefix)}

    def _prepare_server(self) -> ProviderServer:
        if self._server is None or (self._own_server and not self._server.running):
            self._server = ProviderServer(**self._server_args).start()
            self._configured = False
            self.deployment.context.watch(self._server, from_start=True)
        if not self._configured:
            self._server.configure(self.stack_config())
            self.deployment.record_call("Configure", "")
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

    # -- printing ----------------------------------------------------------------------------------

    def _finish(self, result: Result) -> Result:
        """The end of a command: collect what its provider processes wrote (the CLI waits for
        their output at the end: ``plugin.go: Plugin.Close``); print it under ``Diagnostics:``,
        then the outputs (after an up), the summary and every failure, in the CLI's order
        (``progress.go: ProgressDisplay.processEndSteps``); raise the first error (carrying the
        result, so ``err.errors`` lists them all) if any."""
        deployment = self.deployment
        if deployment.registry is not None:
            deployment.registry.close()
            deployment.registry = None
        deployment.context.close()
        self.last_result = result
        if deployment.printer is not None:
            lines = result.diagnostic_lines()
            if result.operation == "up":
                lines += result.output_lines(deployment.secret_outputs)
            lines += [result.summary(), *result.error_lines()]
            for line in lines:
                deployment.say(line)
        if result.errors:
            err = result.errors[0]
            err.result = result
            raise err
        return result

    # -- operations --------------------------------------------------------------------------------

    def preview(
        self,
        program: ProgramOrProject | None = None,
        *,
        refresh: bool = False,
        continue_on_error: bool = False,
    ) -> Plan:
        """Plan the program without changing anything: Check and Diff for every resource (reads,
        imports and the Diffs of delete-before-replace dependents call the provider too, as in
        the engine). New, updated and replaced resources give unknown outputs to their
        dependents; resources no longer in the program are planned as deletes. ``program`` is a
        function or a project folder (by default the one this player plays).

        :param refresh: read every resource first (``pulumi preview --refresh``): the plan is
            made against what the Reads returned, and nothing is kept."""
        with self._op_lock:
            return self._preview(self._program(program), refresh, continue_on_error)

    def _preview(self, program: Program, refresh: bool, continue_on_error: bool) -> Plan:
        """A preview, in a provider process of its own (with ``restart_per_operation``); the
        state as it was before, whatever a refresh read."""
        plan = Plan("preview")
        self._begin_operation(plan)
        saved = self.deployment.snapshot()
        try:
            if refresh:
                executor.refresh_all(self.deployment, plan)
            if not plan.errors:
                run = Run(
                    self.deployment,
                    "preview",
                    plan,
                    project=self.project,
                    stack=self.stack,
                    continue_on_error=continue_on_error,
                )
                self._play(program, run)
                if not run.halted:
                    executor.post_deletes(self.deployment, run)
        finally:
            self.deployment.restore(saved)
        self._finish(plan)
        return plan

    def up(
        self,
        program: ProgramOrProject | None = None,
        *,
        refresh: bool = False,
        continue_on_error: bool = False,
        skip_preview: bool = False,
    ) -> Result:
        """``pulumi up``: first a preview (unless ``skip_preview``), then create, update and
        replace the program's resources, then delete the ones it no longer declares (and
        replaced ones) in reverse dependency order. ``program`` is a function or a project
        folder (by default the one this player plays).

        :param refresh: refresh every resource first, in the same command (``pulumi up
            --refresh``); a failed refresh stops the update. The preview refreshes too.
        :param continue_on_error: ``pulumi up --continue-on-error``: after a failed step, keep
            running the steps that do not depend on it. Without it, as in the engine, no new step
            starts after a failure (the ones under way finish).
        :param skip_preview: ``pulumi up --skip-preview``. Without it, as the CLI does
            (``pkg/backend/apply.go: PreviewThenPromptThenExecute``), a preview runs first in a
            plugin context of its own (a provider process of its own with
            ``restart_per_operation``), so every Check, Diff and get-Read is made twice; its plan
            is ``result.preview`` (printed before the update), its calls are in
            :attr:`calls` and ``result.preview.calls``. A failed preview raises its error and
            nothing is updated.

        Raises :class:`StepError` (the first failure; ``err.errors`` has them all, and all are
        printed). The state keeps everything that succeeded."""
        with self._op_lock:
            program = self._program(program)
            plan = None
            if not skip_preview:
                plan = self._preview(program, refresh, continue_on_error)
            result = Result("up", preview=plan)
            self._begin_operation(result)
            if refresh:
                # deployment_executor.go: Execute: refresh before the program, stop on failure
                executor.refresh_all(self.deployment, result)
                if result.errors:
                    return self._finish(result)
            run = Run(
                self.deployment,
                "up",
                result,
                project=self.project,
                stack=self.stack,
                continue_on_error=continue_on_error,
            )
            try:
                self._play(program, run)
                if not run.halted:
                    executor.post_deletes(self.deployment, run)
            finally:
                executor.normalize_urn_references(self.deployment, run.aliased)
            return self._finish(result)

    def refresh(self) -> Result:
        """Read every resource (``pulumi refresh``): drop the gone ones, record the rest (new
        outputs, and new inputs when the provider returns some), and report each ``update`` or
        ``same`` from the provider's Diff, as the engine does. Every refresh runs even if some
        fail."""
        with self._op_lock:
            result = Result("refresh")
            self._begin_operation(result)
            executor.refresh_all(self.deployment, result)
            with self.deployment.lock:
                result.outputs = dict(self.deployment.outputs)
            return self._finish(result)

    def destroy(self, *, continue_on_error: bool = False) -> Result:
        """Delete every resource in reverse dependency order (read resources are only dropped).
        Protected resources fail and keep what they depend on, without stopping the rest."""
        with self._op_lock:
            result = Result("destroy")
            self._begin_operation(result)
            deployment = self.deployment
            with deployment.lock:
                targets = list(deployment.resources.values()) + list(deployment.pending_deletes)
            executor.delete_all(
                deployment,
                result,
                targets,
                deleting={s.urn for s in targets},
                preview=False,
                continue_on_error=continue_on_error,
            )
            if not result.errors:
                with deployment.lock:
                    deployment.outputs = {}
            return self._finish(result)

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
            with self.deployment.lock:
                self.deployment.outputs = exports
                self.deployment.secret_outputs = secret_exports
            run.result.outputs = exports
        else:
            run.result.outputs = self.outputs
        if failure is not None and not run.result.errors:
            raise failure

    def __repr__(self) -> str:
        count = len(self.resources)
        return f"Player(project={self.project!r}, stack={self.stack!r}, resources={count})"
