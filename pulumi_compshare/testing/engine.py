"""Offline engine-protocol test kit for Pulumi *dynamic* resources.

The Pulumi CLI runs a dynamic resource by starting ``python -u -m pulumi.dynamic`` and talking to it
over gRPC. This module does the same without the CLI, so a provider can be tested exactly as the
engine will see it: properties cross a real protobuf boundary (every number becomes a float,
unknowns arrive as :data:`UNKNOWN`), the provider is unpickled from the ``__provider`` property in
a separate process, and errors come back as a traceback whose last line is all a user reads.

Two layers:

* :class:`ProviderServer` starts the provider server process and exposes one method per engine call
  (``configure``, ``check``, ``diff``, ``create``, ``read``, ``update``, ``delete``), taking and
  returning plain Python values::

      with ProviderServer(cwd=program_dir) as server:
          server.configure({"compshare:publicKey": "pk"})
          props = {"name": "ml", "__provider": serialize_provider(TeamProvider())}
          urn = make_urn("pulumi-python:dynamic/compshare:Team", "ml")
          inputs, failures = server.check(urn, {}, props)
          id_, outs = server.create(urn, inputs)

* :class:`Player` plays a whole Pulumi program (a function that creates ``pulumi.dynamic.Resource``
  instances and calls ``pulumi.export``) through a real provider server the way ``pulumi preview``,
  ``up``, ``refresh`` and ``destroy`` would, keeping the stack state in memory::

      with Player(config={"compshare:publicKey": "pk"}, cwd=program_dir) as player:
          player.up(program)                  # Check + Create
          player.up(changed_program)          # Check + Diff + Update / replace, deletes
          player.refresh()                    # Read every resource, record drift
          player.destroy()                    # Delete in reverse dependency order

Only this module, the pulumi SDK and the standard library are needed. Provider classes must be
importable by the server process: it runs with ``cwd`` as its working directory (which ``python -m``
puts on ``sys.path``, as the CLI does with the program directory) plus any ``pythonpath`` entries.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, Final, TypeVar

import grpc
import pulumi
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic import dynamic as _dynamic
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc, resource_pb2
from pulumi.runtime.settings import Settings, get_root_resource
from pulumi.runtime.stack import massage, run_pulumi_func

__all__ = [
    "PROVIDER_KEY",
    "UNKNOWN",
    "Plan",
    "Player",
    "ProviderCallError",
    "ProviderDiff",
    "ProviderServer",
    "ProviderServerError",
    "ResourceState",
    "Result",
    "Step",
    "StepError",
    "make_urn",
    "resource_type",
    "serialize_provider",
]

UNKNOWN: Final[str] = rpc.UNKNOWN
"""The engine's "unknown value" sentinel (a preview value not known until ``up``).

Pass it anywhere in ``news`` to send an unknown; unknowns in responses come back as this string."""

PROVIDER_KEY: Final[str] = "__provider"
"""The property that carries the pickled provider in every dynamic resource's inputs and outputs."""

Props = dict[str, Any]
Program = Callable[[], Any]
"""A Pulumi program: creates resources and calls ``pulumi.export``. It may return an awaitable, or a
mapping whose entries are exported (like ``pulumi.run``)."""

_T = TypeVar("_T")
_STACK_TYPE: Final[str] = "pulumi:pulumi:Stack"
_GRPC_OPTIONS: Final[list[tuple[str, int]]] = [("grpc.max_receive_message_length", 400 << 20)]
_PROGRAM_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------
# helpers


def make_urn(type_token: str, name: str, stack: str = "dev", project: str = "test") -> str:
    """The URN the engine gives a top-level resource ``name`` of type ``type_token``."""
    return f"urn:pulumi:{stack}::{project}::{type_token}::{name}"


def resource_type(resource_class: type[pulumi.dynamic.Resource]) -> str:
    """The type token of a dynamic resource class, e.g. ``pulumi-python:dynamic/compshare:Team``."""
    return f"pulumi-python:{resource_class._resource_type_name}"


def serialize_provider(provider: ResourceProvider) -> str:
    """The ``__provider`` value ``pulumi.dynamic.Resource`` stores: base64 of a dill pickle."""
    value: str = _dynamic.serialize_provider(provider)
    return value


def _name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _run_coro(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to completion from synchronous code, on any thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(coro)
        finally:
            loop.close()
    with ThreadPoolExecutor(1) as pool:  # a loop is running here: use a thread of our own
        return pool.submit(lambda: _run_coro(coro)).result()


def _to_wire_value(value: Any) -> Any:
    """Plain values as the engine sends them: secrets unwrapped, unknowns as the sentinel."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if rpc.is_rpc_secret(value):
        return _to_wire_value(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {str(k): _to_wire_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_wire_value(v) for v in value]
    return value


def _to_struct(props: Mapping[str, Any], *, strip_secrets: bool = True) -> struct_pb2.Struct:
    """Serialize plain properties with the SDK serializer, exactly as they cross the wire."""
    values = _to_wire_value(props) if strip_secrets else dict(props)
    return _run_coro(rpc.serialize_properties(values, {}))


def _from_struct(struct: struct_pb2.Struct) -> Props:
    """Deserialize a response with the SDK deserializer; unknowns become :data:`UNKNOWN`."""
    value = _to_wire_value(rpc.deserialize_properties(struct, keep_unknowns=True))
    return value if isinstance(value, dict) else {}


def _secret_keys(props: Mapping[str, Any]) -> set[str]:
    return {k for k, v in props.items() if rpc.is_rpc_secret(v)}


def _mark_secret(props: Mapping[str, Any], keys: Iterable[str]) -> Props:
    wanted = set(keys)
    return {k: rpc.wrap_rpc_secret(v) if k in wanted else v for k, v in props.items()}


def _diff_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """``+key`` / ``-key`` / ``~key`` for the properties that differ (``__provider`` excluded)."""
    out: list[str] = []
    for key in sorted(set(olds) | set(news)):
        if key == PROVIDER_KEY:
            continue
        if key not in olds:
            out.append(f"+{key}")
        elif key not in news:
            out.append(f"-{key}")
        elif olds[key] != news[key]:
            out.append(f"~{key}")
    return out


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text.strip()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _quiet_loop_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Exception handler of a program's event loop.

    After a failed step the SDK leaves futures whose exception nobody retrieves (the error is
    reported as a :class:`StepError`). asyncio's default handler logs them with a formatted
    traceback whenever the garbage collector finds them, which can be in the middle of an
    unrelated ``ast.parse`` (pytest's assertion rewriting, say): CPython 3.11 then fails that parse
    with "SystemError: AST constructor recursion depth mismatch"."""
    _log.debug("program event loop: %s", context.get("message"))


def _config_strings(config: Mapping[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}


# --------------------------------------------------------------------------------------------------
# errors and results


class ProviderServerError(RuntimeError):
    """The provider server process could not be started or is not running."""


class ProviderCallError(Exception):
    """An engine call failed. ``str()`` is the last line of the provider's traceback: what a user
    of ``pulumi up`` reads. The whole traceback is in :attr:`details`."""

    def __init__(self, method: str, resource: str, message: str, details: str) -> None:
        super().__init__(message)
        self.method = method
        """The engine call: ``Check``, ``Diff``, ``Create``, ``Read``, ``Update``, ``Delete``."""
        self.resource = resource
        """The URN (or id) the call was about."""
        self.message = message
        """The last non-empty line of :attr:`details`."""
        self.details = details
        """The full error text, normally a Python traceback from the provider process."""

    def __str__(self) -> str:
        return self.message


class StepError(Exception):
    """A resource step of a :class:`Player` operation failed (Check failures included).

    ``str()`` is ``"<name>: <one-line message>"``. The player state keeps every step that succeeded
    before the failure, as Pulumi does; :attr:`result` holds the partial :class:`Result`."""

    def __init__(
        self, op: str, urn: str, message: str, details: str = "", method: str = ""
    ) -> None:
        super().__init__(message)
        self.op = op
        """The step that failed: ``create``, ``update``, ``replace``, ``delete``, ``read``..."""
        self.urn = urn
        self.name = _name_of(urn)
        self.type = urn.rsplit("::", 2)[-2] if urn.count("::") >= 3 else ""
        self.message = message
        """What a user reads (the last line of the provider traceback, or the check failures)."""
        self.details = details or message
        self.method = method
        """The engine call that failed (``Check``, ``Create``...), empty for harness errors."""
        self.result: Result | None = None

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


class _Halted(Exception):
    """Raised for registrations after a step failed: the engine starts no new steps."""


@dataclass(frozen=True)
class ProviderDiff:
    """The answer to a Diff call."""

    changes: bool | None
    """True (DIFF_SOME), False (DIFF_NONE) or None (DIFF_UNKNOWN: the engine then guesses)."""
    replaces: list[str] = field(default_factory=list)
    """Properties whose change requires a replacement."""
    delete_before_replace: bool = False
    stables: list[str] = field(default_factory=list)

    @property
    def replace(self) -> bool:
        """Whether the engine will replace the resource."""
        return bool(self.replaces)


@dataclass
class ResourceState:
    """One resource in a :class:`Player`'s stack state (JSON-serialisable)."""

    urn: str
    type: str
    name: str
    id: str = ""
    inputs: Props = field(default_factory=dict)
    outputs: Props = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    """URNs this resource depends on (explicit, property and parent dependencies)."""
    custom: bool = True
    """False for component resources (no provider calls)."""
    external: bool = False
    """True for resources read with ``ResourceOptions(id=...)``: never deleted, only dropped."""
    parent: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResourceState:
        return cls(**dict(data))


_SYMBOLS: Final[dict[str, str]] = {
    "create": "+",
    "update": "~",
    "replace": "+-",
    "delete": "-",
    "read": ">",
    "discard": "-",
    "delete-replaced": "--",
    "same": " ",
}
_PAST: Final[dict[str, str]] = {
    "create": "created",
    "update": "updated",
    "replace": "replaced",
    "delete": "deleted",
    "read": "read",
    "discard": "discarded",
}
_FUTURE: Final[dict[str, str]] = {
    "create": "to create",
    "update": "to update",
    "replace": "to replace",
    "delete": "to delete",
    "read": "to read",
    "discard": "to discard",
}


@dataclass(frozen=True)
class Step:
    """One resource step of an operation."""

    op: str
    """``create``, ``update``, ``replace``, ``delete``, ``same``, ``read``, ``discard`` (a read
    resource dropped) or ``delete-replaced`` (the old copy of a replaced resource, deleted at the
    end; not counted in the summary). In a refresh: ``update`` (drift), ``delete`` (gone) or
    ``same``."""
    urn: str
    type: str
    name: str
    diff: tuple[str, ...] = ()
    """Changed properties as ``~key``, ``+key``, ``-key`` (drifted ones for a refresh)."""
    refresh: bool = False

    @property
    def line(self) -> str:
        """The line pulumi would print for this step."""
        head = f"  {_SYMBOLS[self.op]} {self.type} {self.name}"
        if self.refresh:
            if self.op == "delete":
                return f"{head} refresh (gone)"
            return f"{head} refresh (drift: {', '.join(self.diff)})"
        tail = f" [diff: {', '.join(self.diff)}]" if self.diff else ""
        return f"{head} {self.op}{tail}"


@dataclass
class Result:
    """What an operation did (or, for a :class:`Plan`, would do)."""

    operation: str
    """``preview``, ``up``, ``refresh`` or ``destroy``."""
    steps: list[Step] = field(default_factory=list)
    outputs: Props = field(default_factory=dict)
    """Stack outputs after the operation (``UNKNOWN`` values in a preview)."""
    errors: list[StepError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Number of steps per op."""
        out: dict[str, int] = {}
        for step in self.steps:
            out[step.op] = out.get(step.op, 0) + 1
        return out

    def ops(self) -> dict[str, str]:
        """Resource name -> op (names are assumed unique; use :attr:`steps` otherwise).
        ``delete-replaced`` steps are left out: the resource's op is ``replace``."""
        return {s.name: s.op for s in self.steps if s.op != "delete-replaced"}

    def step(self, name: str) -> Step:
        """The step of the resource called ``name``."""
        for step in self.steps:
            if step.name == name and step.op != "delete-replaced":
                return step
        raise KeyError(name)

    def summary(self) -> str:
        """``Resources: 2 created, 1 updated, 1 deleted, 3 unchanged``."""
        counts = self.counts()
        words = _FUTURE if self.operation == "preview" else _PAST
        parts = [f"{counts[op]} {words[op]}" for op in words if counts.get(op)]
        if counts.get("same") or not parts:
            parts.append(f"{counts.get('same', 0)} unchanged")
        return "Resources: " + ", ".join(parts)

    def lines(self) -> list[str]:
        """Printed lines: one per changing step, then the summary."""
        return [s.line for s in self.steps if s.op != "same"] + [self.summary()]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Plan(Result):
    """The result of :meth:`Player.preview`: nothing was created, updated or deleted."""


# --------------------------------------------------------------------------------------------------
# layer 1: the provider server


class ProviderServer:
    """A running ``python -u -m pulumi.dynamic`` process and a gRPC client for it.

    Property values are plain Python (dicts, lists, str, float, bool, None); they are serialised
    with the SDK's ``serialize_properties`` exactly as the engine sends them, so ints arrive as
    floats and ``None`` values vanish. Secrets are unwrapped (the server does not accept secrets).
    Unknowns are :data:`UNKNOWN` both ways. Every failed call raises :class:`ProviderCallError`.
    All methods are thread-safe; the server runs 4 calls at a time, like the real one.
    """

    def __init__(
        self,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        project: str = "test",
        *,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        timeout: float = 60.0,
        startup_timeout: float = 30.0,
    ) -> None:
        """
        :param cwd: working directory of the server (the program directory for the CLI); ``python
            -m`` puts it first on ``sys.path``.
        :param env: extra environment variables (added to ``os.environ``).
        :param project: the ``PULUMI_PROJECT`` the server sees (``Config.get`` namespaces by it).
        :param pythonpath: extra ``sys.path`` entries for the server (prepended to ``PYTHONPATH``).
        :param timeout: deadline in seconds for each gRPC call.
        :param startup_timeout: how long to wait for the server to print its port.
        """
        self.cwd = os.fspath(cwd) if cwd is not None else None
        self.env = dict(env or {})
        self.project = project
        self.pythonpath = [os.fspath(p) for p in pythonpath]
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.calls: list[tuple[str, str]] = []
        """Every call made: ``(method, urn)`` (``("Configure", "")`` for Configure)."""
        self.port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._lock = threading.Lock()
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self._readers: list[threading.Thread] = []
        self._finalizer: weakref.finalize[Any, Any] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> ProviderServer:
        """Start the server process and connect to it. Returns ``self``."""
        if self.running:
            return self
        env = dict(os.environ)
        env.update(self.env)
        env.setdefault("PULUMI_PROJECT", self.project)
        if self.pythonpath:
            old = env.get("PYTHONPATH")
            env["PYTHONPATH"] = os.pathsep.join(self.pythonpath + ([old] if old else []))
        self._stdout, self._stderr = [], []
        proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            cwd=self.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._proc = proc
        port_queue: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None and proc.stderr is not None
        self._readers = [
            threading.Thread(
                target=self._drain, args=(proc.stdout, self._stdout, port_queue), daemon=True
            ),
            threading.Thread(
                target=self._drain, args=(proc.stderr, self._stderr, None), daemon=True
            ),
        ]
        for reader in self._readers:
            reader.start()
        try:
            first = port_queue.get(timeout=self.startup_timeout)
            self.port = int(first.strip())
        except (queue.Empty, ValueError) as exc:
            self.stop()
            raise ProviderServerError(
                f"provider server did not report its port: {self.stderr_text().strip()}"
            ) from exc
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_GRPC_OPTIONS)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        except grpc.FutureTimeoutError as exc:
            self.stop()
            raise ProviderServerError(
                f"could not connect to the provider server: {self.stderr_text().strip()}"
            ) from exc
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        # never leak the process, even if stop() is not called
        self._finalizer = weakref.finalize(self, _kill, proc)
        return self

    @staticmethod
    def _drain(stream: IO[bytes], sink: list[str], port_queue: queue.Queue[str] | None) -> None:
        first = port_queue is not None
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            if first and port_queue is not None:
                port_queue.put(line)
                first = False
            else:
                sink.append(line)
        if first and port_queue is not None:
            port_queue.put("")  # EOF before the port: wake the waiter

    def stop(self) -> None:
        """Terminate the process (idempotent). Its output stays available."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        proc, self._proc = self._proc, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for reader in self._readers:
                reader.join(timeout=5)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()

    @property
    def running(self) -> bool:
        """Whether the process is alive and connected."""
        return self._proc is not None and self._proc.poll() is None and self._stub is not None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def stderr_text(self) -> str:
        """Everything the server wrote to stderr so far (kept after :meth:`stop`)."""
        return "".join(self._stderr)

    def stdout_text(self) -> str:
        """Everything the server wrote to stdout after its port (provider ``print``s)."""
        return "".join(self._stdout)

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- calls -------------------------------------------------------------------------------------

    def _call(self, method: str, resource: str, request: Any) -> Any:
        stub = self._stub
        if stub is None:
            raise ProviderServerError("provider server is not running: call start() first")
        with self._lock:
            self.calls.append((method, resource))
        try:
            return getattr(stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as exc:
            details = exc.details() or str(exc.code())
            message = _last_line(details)
            if exc.code() != grpc.StatusCode.UNKNOWN:
                message = f"{exc.code().name}: {message}"
                stderr = self.stderr_text().strip()
                if stderr:
                    details = f"{details}\n--- provider server stderr ---\n{stderr}"
            raise ProviderCallError(method, resource, message, details) from None

    def configure(self, config: Mapping[str, Any]) -> None:
        """Send the whole stack config, like the engine: keys ``ns:key``, values as strings
        (non-strings as JSON), secrets already unwrapped."""
        values = _config_strings(config)
        args = struct_pb2.Struct()
        args.update(values)
        request = provider_pb2.ConfigureRequest(args=args, variables=values, acceptSecrets=True)
        self._call("Configure", "", request)

    def check(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[Props, list[tuple[str, str]]]:
        """Check: returns the checked inputs and the failures as ``(property, reason)``."""
        request = provider_pb2.CheckRequest(
            urn=urn,
            name=_name_of(urn),
            olds=_to_struct(olds),
            news=_to_struct(news),
        )
        resp = self._call("Check", urn, request)
        failures = [(f.property, f.reason) for f in resp.failures]
        return _from_struct(resp.inputs), failures

    def diff(
        self,
        id: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> ProviderDiff:
        """Diff old *outputs* against new checked inputs."""
        request = provider_pb2.DiffRequest(
            id=id,
            urn=urn,
            name=_name_of(urn),
            olds=_to_struct(olds),
            news=_to_struct(news),
            old_inputs=_to_struct(old_inputs or {}),
        )
        resp = self._call("Diff", urn, request)
        changes = {
            provider_pb2.DiffResponse.DIFF_SOME: True,
            provider_pb2.DiffResponse.DIFF_NONE: False,
        }.get(resp.changes)
        return ProviderDiff(
            changes=changes,
            replaces=list(resp.replaces),
            delete_before_replace=bool(resp.deleteBeforeReplace),
            stables=list(resp.stables),
        )

    def create(self, urn: str, props: Mapping[str, Any]) -> tuple[str, Props]:
        """Create: returns ``(id, outputs)``."""
        request = provider_pb2.CreateRequest(
            urn=urn, name=_name_of(urn), properties=_to_struct(props)
        )
        resp = self._call("Create", urn, request)
        return str(resp.id), _from_struct(resp.properties)

    def read(
        self,
        id: str,
        urn: str,
        properties: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | None = None,
    ) -> tuple[str, Props, Props | None]:
        """Read: returns ``(id, outputs, inputs)``; id is ``""`` when the resource is gone, inputs
        is None unless the provider returned some (they then replace the stored inputs)."""
        request = provider_pb2.ReadRequest(
            id=id,
            urn=urn,
            name=_name_of(urn),
            properties=_to_struct(properties or {}),
            inputs=_to_struct(inputs or {}),
        )
        resp = self._call("Read", urn, request)
        new_inputs = _from_struct(resp.inputs) if resp.HasField("inputs") else None
        return str(resp.id), _from_struct(resp.properties), new_inputs

    def update(
        self,
        id: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> Props:
        """Update old *outputs* to new checked inputs: returns the new outputs."""
        request = provider_pb2.UpdateRequest(
            id=id,
            urn=urn,
            name=_name_of(urn),
            olds=_to_struct(olds),
            news=_to_struct(news),
            old_inputs=_to_struct(old_inputs or {}),
        )
        resp = self._call("Update", urn, request)
        return _from_struct(resp.properties)

    def delete(
        self,
        id: str,
        urn: str,
        props: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete the resource whose current *outputs* are ``props``."""
        request = provider_pb2.DeleteRequest(
            id=id,
            urn=urn,
            name=_name_of(urn),
            properties=_to_struct(props),
            old_inputs=_to_struct(old_inputs or {}),
        )
        self._call("Delete", urn, request)


# --------------------------------------------------------------------------------------------------
# layer 2: the program player


class _NoInvokes(Mocks):
    """The player handles registrations in its monitor; invokes are not supported."""

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        raise NotImplementedError(f"invoke {args.token} is not supported by the engine test kit")

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        raise AssertionError("unreachable: the player's monitor registers resources itself")


class _Monitor(MockMonitor):
    """A mock resource monitor that sends every registration to the player's current run."""

    def __init__(self, run: _Run) -> None:
        super().__init__(_NoInvokes())
        self._run = run

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == _STACK_TYPE:
            self._run.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._run.adopt_loop()
        inputs = rpc.deserialize_properties(request.object)
        id_, outs = self._run.register(urn, request, inputs)
        obj = _to_struct(outs, strip_secrets=False)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, outs)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj)

    def ReadResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        self._run.adopt_loop()
        props = rpc.deserialize_properties(request.properties)
        id_, outs = self._run.read(urn, request, props)
        obj = _to_struct(outs, strip_secrets=False)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, outs)
        return resource_pb2.ReadResourceResponse(urn=urn, id=id_, properties=obj)


class _Run:
    """One operation of a :class:`Player` (preview or up) driving registrations."""

    def __init__(self, player: Player, operation: str) -> None:
        self.player = player
        self.preview = operation == "preview"
        self.result: Result = Plan(operation) if self.preview else Result(operation)
        self.registered: set[str] = set()
        self.stack_urn = ""
        self.halted = False
        self.loop: asyncio.AbstractEventLoop | None = None

    def adopt_loop(self) -> None:
        """Make the program's loop current in a worker thread (deserialising resource references
        needs one); creating a loop per worker, as the SDK's mock monitor does, leaks them."""
        if self.loop is not None:
            asyncio.set_event_loop(self.loop)

    # -- bookkeeping -------------------------------------------------------------------------------

    def _fail(self, err: StepError) -> StepError:
        with self.player._lock:
            self.halted = True
            self.result.errors.append(err)
        return err

    def _step(self, op: str, urn: str, type_: str, diff: Iterable[str] = ()) -> None:
        step = Step(op, urn, type_, _name_of(urn), tuple(diff))
        self.player._emit(self.result, step)

    def _provider(self, op: str, method: str, urn: str, fn: Callable[[], _T]) -> _T:
        try:
            return self.player._provider_call(method, _name_of(urn), fn)
        except ProviderCallError as exc:
            raise self._fail(StepError(op, urn, exc.message, exc.details, exc.method)) from None

    def _dependencies(self, request: Any) -> list[str]:
        deps = set(request.dependencies)
        if "propertyDependencies" in request.DESCRIPTOR.fields_by_name:  # not in ReadResource
            for prop_deps in request.propertyDependencies.values():
                deps.update(prop_deps.urns)
        if request.parent and request.parent != self.stack_urn:
            deps.add(request.parent)
        return sorted(d for d in deps if d and d != self.stack_urn)

    # -- registrations -----------------------------------------------------------------------------

    def register(self, urn: str, request: Any, raw_inputs: Props) -> tuple[str, Props]:
        player = self.player
        with player._lock:
            if self.halted:
                raise _Halted(f"{_name_of(urn)}: skipped after an earlier error")
            if urn in self.registered:
                raise self._fail(StepError("create", urn, f"Duplicate resource URN '{urn}'"))
            self.registered.add(urn)
            old = player._state.get(urn)
        type_ = str(request.type)
        deps = self._dependencies(request)
        parent = request.parent if request.parent != self.stack_urn else ""
        if not request.custom:
            return self._component(urn, type_, old, deps, parent)
        if not type_.startswith("pulumi-python:dynamic"):
            raise self._fail(
                StepError(
                    "create", urn, f"{type_}: only pulumi.dynamic resources are supported here"
                )
            )
        secret = _secret_keys(raw_inputs) | set(request.additionalSecretOutputs)
        news: Props = _to_wire_value(raw_inputs)
        if old is not None and old.external:
            old = None
        if old is not None:
            for key in request.ignoreChanges:  # top-level ignore_changes only
                if key in old.inputs:
                    news[key] = old.inputs[key]
                else:
                    news.pop(key, None)

        server = player._server_for_call()
        olds_in = old.inputs if old is not None else {}
        inputs, failures = self._provider(
            "create" if old is None else "update",
            "Check",
            urn,
            lambda: server.check(urn, olds_in, news),
        )
        if failures:
            problems = [
                f"{type_} resource '{_name_of(urn)}': property {prop} value "
                f"{news.get(prop)!r} has a problem: {reason}"
                if prop
                else f"{type_} resource '{_name_of(urn)}' has a problem: {reason}"
                for prop, reason in failures
            ]
            raise self._fail(
                StepError(
                    "create" if old is None else "update",
                    urn,
                    "; ".join(problems),
                    "\n".join(problems),
                    "Check",
                )
            )

        def new_state(id_: str, outs: Props) -> ResourceState:
            return ResourceState(urn, type_, _name_of(urn), id_, inputs, outs, deps, parent=parent)

        if old is None:
            if self.preview:
                self._step("create", urn, type_)
                self._record(new_state("", inputs))
                return "", _mark_secret(inputs, secret)
            id_, outs = self._provider("create", "Create", urn, lambda: server.create(urn, inputs))
            self._record(new_state(id_, outs))
            self._step("create", urn, type_)
            return id_, _mark_secret(outs, secret)

        diff = self._provider(
            "update",
            "Diff",
            urn,
            lambda: server.diff(old.id, urn, old.outputs, inputs, old_inputs=old.inputs),
        )
        keys = _diff_keys(old.inputs, inputs)
        changes = diff.changes
        if changes is None:  # DIFF_UNKNOWN: the engine compares old and new inputs itself
            changes = old.inputs != inputs
        replaces = list(diff.replaces)
        replaces += [k for k in request.replaceOnChanges if changes and f"~{k}" in keys]
        for key in replaces:
            if not any(k[1:] == key for k in keys):
                keys.append(f"~{key}")

        if not changes and not replaces:
            state = new_state(old.id, old.outputs)
            self._record(state)
            self._step("same", urn, type_)
            return old.id, _mark_secret(old.outputs, secret)

        if not replaces:
            if self.preview:
                self._step("update", urn, type_, keys)
                self._record(new_state(old.id, inputs))
                return old.id, _mark_secret(inputs, secret)
            outs = self._provider(
                "update",
                "Update",
                urn,
                lambda: server.update(old.id, urn, old.outputs, inputs, old_inputs=old.inputs),
            )
            self._record(new_state(old.id, outs))
            self._step("update", urn, type_, keys)
            return old.id, _mark_secret(outs, secret)

        if self.preview:
            self._step("replace", urn, type_, keys)
            self._record(new_state("", inputs))
            return "", _mark_secret(inputs, secret)
        if diff.delete_before_replace or request.deleteBeforeReplace:
            self._provider(
                "replace",
                "Delete",
                urn,
                lambda: server.delete(old.id, urn, old.outputs, old_inputs=old.inputs),
            )
            with player._lock:
                player._state.pop(urn, None)
        id_, outs = self._provider("replace", "Create", urn, lambda: server.create(urn, inputs))
        if not (diff.delete_before_replace or request.deleteBeforeReplace):
            with player._lock:
                player._pending_deletes.append(old)
        self._record(new_state(id_, outs))
        self._step("replace", urn, type_, keys)
        return id_, _mark_secret(outs, secret)

    def _component(
        self, urn: str, type_: str, old: ResourceState | None, deps: list[str], parent: str
    ) -> tuple[str, Props]:
        self._record(
            ResourceState(urn, type_, _name_of(urn), "", {}, {}, deps, False, False, parent)
        )
        self._step("create" if old is None else "same", urn, type_)
        return "", {}

    def read(self, urn: str, request: Any, raw_props: Props) -> tuple[str, Props]:
        """``ResourceOptions(id=...)``: Read(id, inputs=program props, properties={})."""
        with self.player._lock:
            if self.halted:
                raise _Halted(f"{_name_of(urn)}: skipped after an earlier error")
            self.registered.add(urn)
        type_ = str(request.type)
        secret = _secret_keys(raw_props) | set(request.additionalSecretOutputs)
        props: Props = _to_wire_value(raw_props)
        server = self.player._server_for_call()
        id_, outs, inputs = self._provider(
            "read", "Read", urn, lambda: server.read(str(request.id), urn, {}, props)
        )
        if not id_:
            raise self._fail(
                StepError("read", urn, f"resource '{request.id}' does not exist", method="Read")
            )
        deps = self._dependencies(request)
        parent = request.parent if request.parent != self.stack_urn else ""
        state = ResourceState(
            urn, type_, _name_of(urn), id_, inputs if inputs is not None else props, outs, deps
        )
        state.external, state.parent = True, parent
        self._record(state)
        self._step("read", urn, type_)
        return id_, _mark_secret(outs, secret)

    def _record(self, state: ResourceState) -> None:
        """Commit a step's new state (a preview changes nothing)."""
        if not self.preview:
            with self.player._lock:
                self.player._state[state.urn] = state


class Player:
    """Plays Pulumi programs through a real dynamic-provider server, without the Pulumi CLI.

    The program runs under ``pulumi.runtime.set_mocks`` with a resource monitor that performs the
    engine's steps for each registration: Check, then Create (new), or Diff and Update / replace
    (existing); ``ResourceOptions(id=...)`` reads call Read. Outputs flow to dependent resources as
    with the real engine (unknown in a preview for resources that would be created, updated or
    replaced). The stack state (URN -> :class:`ResourceState`) lives in memory between operations
    and can be saved to / loaded from a JSON file.

    Programs run one at a time per process (the SDK's runtime settings are global), each on a
    fresh thread and event loop; registrations, and so provider calls, run concurrently.

    Not modelled: invokes, explicit providers, non-dynamic resources, protect, aliases, nested
    ``ignore_changes`` paths, cascading replacement of dependents on delete-before-replace.

    :param project: project name (``pulumi.get_project()`` and the URNs).
    :param stack: stack name.
    :param config: the stack config, ``{"ns:key": value}``: sent to Configure and visible to the
        program through ``pulumi.Config``.
    :param server: a started :class:`ProviderServer` to use (not stopped by the player); by default
        the player starts its own with ``cwd``, ``env`` and ``pythonpath``.
    :param parallel: at most this many provider calls at a time (the real server serves 4).
    :param printer: called with each printed line (step lines and the summary).
    :param print_plan: print lines to stdout (when no ``printer`` is given).
    :param restart_per_operation: start a fresh provider process for each operation, as the CLI
        does (only for a player-owned server).
    """

    def __init__(
        self,
        *,
        project: str = "test",
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        server: ProviderServer | None = None,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        parallel: int = 4,
        printer: Callable[[str], None] | None = None,
        print_plan: bool = False,
        restart_per_operation: bool = False,
    ) -> None:
        self.project = project
        self.stack = stack
        self.config: dict[str, Any] = dict(config or {})
        self.parallel = max(1, parallel)
        self.restart_per_operation = restart_per_operation
        self.calls: list[tuple[str, str]] = []
        """Every engine call made, as ``(method, resource name)``; Configure has name ``""``."""
        self.last_result: Result | None = None
        self._printer = printer if printer is not None else (print if print_plan else None)
        self._own_server = server is None
        self._server = server
        self._server_args: dict[str, Any] = {
            "cwd": cwd,
            "env": env,
            "project": project,
            "pythonpath": pythonpath,
        }
        self._configured = False
        self._state: dict[str, ResourceState] = {}
        self._pending_deletes: list[ResourceState] = []
        self._outputs: Props = {}
        self._lock = threading.RLock()
        self._op_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.parallel)

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
            self._server.configure(self.config)
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
        with self._slots:
            return fn()

    # -- printing ----------------------------------------------------------------------------------

    def _emit(self, result: Result, step: Step) -> None:
        with self._lock:
            result.steps.append(step)
        if self._printer is not None and step.op != "same":
            self._printer(step.line)

    def _finish(self, result: Result) -> None:
        self.last_result = result
        if self._printer is not None:
            self._printer(result.summary())

    # -- operations --------------------------------------------------------------------------------

    def preview(self, program: Program) -> Plan:
        """Run Check and Diff for every resource, without changing anything.

        New, updated and replaced resources give unknown outputs to their dependents; resources no
        longer in the program are planned as deletes."""
        with self._op_lock:
            self._begin_operation()
            run = _Run(self, "preview")
            self._play(program, run)
            plan = run.result
            assert isinstance(plan, Plan)
            with self._lock:
                current = dict(self._state)
            for state in self._deletion_order(
                [s for u, s in current.items() if u not in run.registered] + self._pending_deletes,
                current,
            ):
                self._emit(plan, self._delete_step(state))
            self._finish(plan)
            if plan.errors:
                err = plan.errors[0]
                err.result = plan
                raise err
            return plan

    def up(self, program: Program) -> Result:
        """Create, update and replace the program's resources, then delete the ones it no longer
        declares (and replaced ones) in reverse dependency order. Raises :class:`StepError` on the
        first failed step; the state keeps everything that succeeded."""
        with self._op_lock:
            self._begin_operation()
            run = _Run(self, "up")
            self._play(program, run)
            result = run.result
            if not result.errors:
                with self._lock:
                    current = dict(self._state)
                    pending = list(self._pending_deletes)
                gone = [s for u, s in current.items() if u not in run.registered]
                self._delete_all(result, self._deletion_order(gone + pending, current))
            self._finish(result)
            if result.errors:
                err = result.errors[0]
                err.result = result
                raise err
            return result

    def refresh(self) -> Result:
        """Read every resource: drop the gone ones, record drift (new outputs, and new inputs when
        the provider returns some)."""
        with self._op_lock:
            self._begin_operation()
            result = Result("refresh")
            server = self._prepare_server()
            with self._lock:
                states = [s for s in self._state.values() if s.custom]

            def read_one(state: ResourceState) -> tuple[str, Props, Props | None]:
                return self._provider_call(
                    "Read",
                    state.name,
                    lambda: server.read(state.id, state.urn, state.outputs, state.inputs),
                )

            with ThreadPoolExecutor(self.parallel) as pool:
                futures = [(s, pool.submit(read_one, s)) for s in states]
            for state, future in futures:
                try:
                    id_, outs, inputs = future.result()
                except ProviderCallError as exc:
                    result.errors.append(
                        StepError("refresh", state.urn, exc.message, exc.details, exc.method)
                    )
                    continue
                if not id_:
                    with self._lock:
                        self._state.pop(state.urn, None)
                    step = Step("delete", state.urn, state.type, state.name, (), True)
                else:
                    drift = _diff_keys(state.outputs, outs)
                    new = ResourceState(
                        state.urn,
                        state.type,
                        state.name,
                        id_,
                        inputs if inputs is not None else state.inputs,
                        outs,
                        state.dependencies,
                        state.custom,
                        state.external,
                        state.parent,
                    )
                    with self._lock:
                        self._state[state.urn] = new
                    op = "update" if drift else "same"
                    step = Step(op, state.urn, state.type, state.name, tuple(drift), True)
                self._emit(result, step)
            with self._lock:
                result.outputs = dict(self._outputs)
            self._finish(result)
            if result.errors:
                err = result.errors[0]
                err.result = result
                raise err
            return result

    def destroy(self) -> Result:
        """Delete every resource in reverse dependency order (read resources are only dropped)."""
        with self._op_lock:
            self._begin_operation()
            result = Result("destroy")
            with self._lock:
                current = dict(self._state)
                pending = list(self._pending_deletes)
            self._delete_all(
                result, self._deletion_order(list(current.values()) + pending, current)
            )
            if not result.errors:
                with self._lock:
                    self._outputs = {}
            self._finish(result)
            if result.errors:
                err = result.errors[0]
                err.result = result
                raise err
            return result

    # -- internals ---------------------------------------------------------------------------------

    def _delete_step(self, state: ResourceState) -> Step:
        with self._lock:
            replaced = any(p is state for p in self._pending_deletes)
        op = "delete-replaced" if replaced else "discard" if state.external else "delete"
        return Step(op, state.urn, state.type, state.name)

    @staticmethod
    def _deletion_order(
        targets: Sequence[ResourceState], state: Mapping[str, ResourceState]
    ) -> list[ResourceState]:
        """``targets`` ordered so that dependents come before their dependencies."""
        nodes: list[ResourceState] = list(state.values())
        nodes += [t for t in targets if all(t is not s for s in nodes)]
        by_urn: dict[str, list[ResourceState]] = {}
        for node in nodes:
            by_urn.setdefault(node.urn, []).append(node)
        order: list[ResourceState] = []
        seen: set[int] = set()

        def visit(node: ResourceState) -> None:
            if id(node) in seen:
                return
            seen.add(id(node))
            for dep in node.dependencies:
                for dep_node in by_urn.get(dep, []):
                    visit(dep_node)
            order.append(node)

        for node in nodes:
            visit(node)
        wanted = {id(t) for t in targets}
        return [n for n in reversed(order) if id(n) in wanted]

    def _delete_all(self, result: Result, states: Sequence[ResourceState]) -> None:
        """Delete ``states`` (given in deletion order) like the engine: a resource goes once every
        resource in the set that depends on it is gone, independent ones in parallel (at most
        :attr:`parallel` provider calls at a time). After a failure no new delete starts."""
        server = self._prepare_server()
        blockers: list[set[int]] = [set() for _ in states]
        for i, state in enumerate(states):
            for j, other in enumerate(states):
                if i != j and (state.urn in other.dependencies or other.parent == state.urn):
                    blockers[i].add(j)

        def delete_one(state: ResourceState) -> None:
            if state.custom and not state.external:
                self._provider_call(
                    "Delete",
                    state.name,
                    partial(
                        server.delete, state.id, state.urn, state.outputs, old_inputs=state.inputs
                    ),
                )

        done: set[int] = set()
        started: set[int] = set()
        failed = False
        with ThreadPoolExecutor(self.parallel) as pool:
            running: dict[Future[None], int] = {}
            while True:
                if not failed:
                    for i in range(len(states)):
                        if i not in started and blockers[i] <= done:
                            started.add(i)
                            running[pool.submit(delete_one, states[i])] = i
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    i = running.pop(future)
                    state = states[i]
                    try:
                        future.result()
                    except ProviderCallError as exc:
                        failed = True
                        result.errors.append(
                            StepError("delete", state.urn, exc.message, exc.details, exc.method)
                        )
                        continue
                    done.add(i)
                    step = self._delete_step(state)  # before it leaves the pending deletes
                    with self._lock:
                        if any(p is state for p in self._pending_deletes):
                            self._pending_deletes = [
                                p for p in self._pending_deletes if p is not state
                            ]
                        elif self._state.get(state.urn) is state:
                            del self._state[state.urn]
                    self._emit(result, step)

    def _play(self, program: Program, run: _Run) -> None:
        """Run ``program`` under mocks on a fresh thread and event loop; fills ``run``."""
        self._prepare_server()
        failure: list[BaseException] = []
        exports: list[Props] = []

        def body() -> None:
            loop = asyncio.new_event_loop()
            loop.set_exception_handler(_quiet_loop_errors)
            asyncio.set_event_loop(loop)
            run.loop = loop
            try:
                # Fresh per-context runtime settings (the SDK keeps them in context variables).
                Settings(project=self.project, stack=self.stack, dry_run=run.preview)
                set_all_config(_config_strings(self.config))
                set_mocks(
                    _NoInvokes(),
                    project=self.project,
                    stack=self.stack,
                    preview=run.preview,
                    logger=logging.getLogger(f"{__name__}.program"),
                    monitor=_Monitor(run),
                )

                def main() -> Any:
                    returned = program()
                    if isinstance(returned, Mapping):
                        for key, value in returned.items():
                            pulumi.export(str(key), value)
                        return None
                    return returned

                async def play() -> None:
                    await run_pulumi_func(main)
                    root = get_root_resource()
                    values = getattr(root, "outputs", {})
                    struct = await rpc.serialize_properties(massage(values, []), {})
                    exports.append(_from_struct(struct))

                loop.run_until_complete(play())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
            finally:
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.close()

        with _PROGRAM_LOCK:
            thread = threading.Thread(target=body, name="pulumi-program", daemon=True)
            thread.start()
            thread.join()

        if run.preview:
            run.result.outputs = exports[0] if exports else {}
        elif exports and not run.result.errors:
            with self._lock:
                self._outputs = exports[0]
            run.result.outputs = exports[0]
        else:
            run.result.outputs = self.outputs
        if failure and not run.result.errors:
            raise failure[0]

    def __repr__(self) -> str:
        return (
            f"Player(project={self.project!r}, stack={self.stack!r}, resources={len(self._state)})"
        )
