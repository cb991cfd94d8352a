"""What the engine keeps for one stack while it plays commands: the state, the provider calls
made, what is printed, and the step executor's limits. A :class:`~pulumi_compshare.testing.Player`
owns one (``player.deployment``); the code that makes the steps of a command (the registrations
of a program, :class:`~pulumi_compshare.testing.registration.Run`, and the refreshes and deletes
of :mod:`~pulumi_compshare.testing.executor`) works on it, and on nothing private of the player."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from .plugins import PluginContext
from .providers import ProviderRegistry
from .results import ResourceState, Result, Step
from .server import ProviderServer
from .wire import Props, name_of

__all__ = ["Deployment"]

_T = TypeVar("_T")


class Deployment:
    """One stack's engine-side state, shared by the player and the steps of its commands.

    The stack state is :attr:`resources`, :attr:`pending_deletes`, :attr:`outputs` and
    :attr:`secret_outputs`; read or change them only while holding :attr:`lock` (re-entrant).
    Every provider call a step makes goes through :meth:`provider_call` (which records it in
    :attr:`calls` and in the current command's result): wrap that method on an instance to
    watch or slow the calls in a test. :attr:`generating` and :attr:`slots` are the engine's main
    loop (one registration's steps generated at a time) and its step executor's workers
    (:attr:`parallel` steps applied at a time).

    :param parallel: the engine's ``--parallel``.
    :param parallel_diff: Diffs run as steps of their own (``PULUMI_PARALLEL_DIFF``).
    :param printer: called with each printed line, one call at a time (None: print nothing).
    :param server: the provider server of the command under way (raises if there is none).
    :param prepare_server: the same, started and configured first if needed.
    """

    def __init__(
        self,
        *,
        parallel: int,
        parallel_diff: bool,
        printer: Callable[[str], None] | None,
        server: Callable[[], ProviderServer],
        prepare_server: Callable[[], ProviderServer],
    ) -> None:
        self.parallel = max(1, parallel)
        self.parallel_diff = parallel_diff
        self.printer = printer
        self.server = server
        """The provider server of the command under way."""
        self.prepare_server = prepare_server
        """The provider server, started and configured if it is not yet."""
        self.lock = threading.RLock()
        """Guards the state and :attr:`calls`."""
        self.resources: dict[str, ResourceState] = {}
        """The stack state: URN -> :class:`ResourceState`, in state order."""
        self.pending_deletes: list[ResourceState] = []
        """Old copies of replaced resources still to delete."""
        self.outputs: Props = {}
        """The stack outputs after the last ``up``."""
        self.secret_outputs: set[str] = set()
        """Which of :attr:`outputs` are secret."""
        self.calls: list[tuple[str, str]] = []
        """Every engine call made, as ``(method, resource name)``; Configure has name ``""``."""
        self.context = PluginContext(Result(""))
        """The current command's provider processes and result."""
        self.slots = threading.BoundedSemaphore(self.parallel)
        """The step executor's workers: one per step being applied."""
        self.generating = threading.Lock()
        """The engine's main loop: one registration's steps generated at a time."""
        self._print_lock = threading.Lock()
        self.registry: ProviderRegistry | None = None
        """The current command's provider resources and their plugin processes."""
        self.package_config: Callable[[str], Props] = lambda _package: {}
        """A package's stack config, its namespace stripped (``config.GetPackageConfig``): the
        inputs of its default provider."""

    def plugin(self, ref: str) -> ProviderServer | None:
        """The configured plugin of a provider reference (``registry.go: GetProvider``); one
        not loaded yet in this command is loaded from its state and configured
        (``EnsureProvider`` -> ``Same(fromCheck=false)``), as for a refresh or a delete."""
        registry = self.registry
        if registry is None or not ref:
            return None
        server = registry.get(ref)
        if server is not None:
            return server
        urn, _, id_ = ref.rpartition("::")
        with self.lock:
            state = self.resources.get(urn)
        if state is None or state.id != id_:
            return None
        registry.same(urn, id_, state.inputs, from_check=False, secrets=state.secrets)
        self.record_call("Configure", state.name)
        return registry.get(ref)

    def server_for(self, state: ResourceState) -> ProviderServer:
        """The provider server of a resource in the state: its plugin, else the dynamic one."""
        if state.provider:
            server = self.plugin(state.provider)
            if server is None:
                raise RuntimeError(f"unknown provider '{state.provider}' for '{state.urn}'")
            return server
        return self.prepare_server()

    # -- provider calls ----------------------------------------------------------------------------

    def record_call(self, method: str, name: str) -> None:
        """Count an engine call (in :attr:`calls` and the current command's result)."""
        with self.lock:
            self.calls.append((method, name))
            self.context.result.calls.append((method, name))

    def provider_call(self, method: str, name: str, fn: Callable[[], _T]) -> _T:
        """Make a provider call ``fn`` (``method`` on resource ``name``), recorded first."""
        self.record_call(method, name)
        return fn()

    def call(self, method: str, urn: str, fn: Callable[[], _T], /) -> _T:
        """:meth:`provider_call` for the resource ``urn`` (a :data:`rules.Caller`)."""
        return self.provider_call(method, name_of(urn), fn)

    # -- printing ----------------------------------------------------------------------------------

    def say(self, line: str) -> None:
        """Print one line (one printer call under a lock: lines never interleave)."""
        if self.printer is not None:
            with self._print_lock:
                self.printer(line)

    def emit(self, result: Result, step: Step) -> None:
        """A step is done: add it to ``result`` and print its line unless it changed nothing."""
        with self.lock:
            result.steps.append(step)
        if step.op != "same":
            self.say(step.line)

    # -- state -------------------------------------------------------------------------------------

    def is_pending_delete(self, state: ResourceState) -> bool:
        """``state`` is an old copy waiting in :attr:`pending_deletes` (this very object)."""
        with self.lock:
            return any(p is state for p in self.pending_deletes)

    def replace_state(self, old: ResourceState, new: ResourceState | None) -> None:
        """Swap ``old`` (in the state or the pending deletes) for ``new`` (None drops it)."""
        with self.lock:
            if self.is_pending_delete(old):
                pending = [p for p in self.pending_deletes if p is not old]
                self.pending_deletes = pending if new is None else [*pending, new]
            elif self.resources.get(old.urn) is old:
                if new is None:
                    del self.resources[old.urn]
                else:
                    self.resources[old.urn] = new

    def snapshot(self) -> tuple[dict[str, ResourceState], list[ResourceState], Props]:
        """A copy of the state (resources, pending deletes, outputs), for :meth:`restore`."""
        with self.lock:
            return dict(self.resources), list(self.pending_deletes), dict(self.outputs)

    def restore(self, saved: tuple[dict[str, ResourceState], list[ResourceState], Props]) -> None:
        """Put back a :meth:`snapshot` (which becomes the live state)."""
        with self.lock:
            self.resources, self.pending_deletes, self.outputs = saved
