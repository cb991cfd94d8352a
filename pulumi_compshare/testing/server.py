"""The provider-server client: a running ``python -u -m pulumi.dynamic`` process and one method per
engine call, as the engine's gRPC client (``sdk/go/common/resource/plugin/provider_plugin.go``)
makes them."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Final

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from . import forkserver
from .wire import Props, config_strings, from_struct, name_of, to_struct

__all__ = [
    "ProviderCallError",
    "ProviderDiff",
    "ProviderRead",
    "ProviderServer",
    "ProviderServerError",
]

_GRPC_OPTIONS: Final[list[tuple[str, int]]] = [("grpc.max_receive_message_length", 400 << 20)]

_DIFF_CHANGES: Final[dict[int, bool]] = {
    provider_pb2.DiffResponse.DIFF_SOME: True,
    provider_pb2.DiffResponse.DIFF_NONE: False,
}
"""A DiffResponse's ``changes``: some or none; DIFF_UNKNOWN (absent here) leaves it undecided."""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text.strip()


def _kill(proc: subprocess.Popen[bytes] | forkserver.ForkedProcess) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


class _PipeReader:
    """One output pipe of the provider process, read line by line by a thread of its own, as the
    engine reads a plugin's stdout and stderr (``plugin.go: newPlugin``, ``runtrace``).

    :meth:`drain` reads, under the lock the thread reads under, whatever the pipe holds now: a
    line the provider wrote before answering a call is in the pipe once the answer has arrived,
    so after ``drain()`` it has been handed to ``on_line``, whichever thread read it."""

    def __init__(
        self,
        stream: IO[bytes],
        on_line: Callable[[str], None],
        on_eof: Callable[[], None] = lambda: None,
    ) -> None:
        self._stream = stream
        self._fd = stream.fileno()
        os.set_blocking(self._fd, False)
        self._on_line = on_line
        self._on_eof = on_eof
        self._lock = threading.Lock()
        self._partial = b""
        self._eof = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="provider-output", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._closed:
            try:
                ready, _, _ = select.select([self._fd], [], [], 0.5)
            except (OSError, ValueError):  # closed under us
                return
            if ready:
                with self._lock:
                    if not self._read():
                        return

    def _read(self) -> bool:
        """Hand every whole line the pipe holds to ``on_line`` (the last, unterminated, one at
        EOF, as ``runtrace`` does); False at EOF."""
        if self._eof or self._closed:
            return False
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except BlockingIOError:
                return True
            except OSError:
                chunk = b""
            if not chunk:
                self._eof = True
                if self._partial:
                    self._on_line(self._partial.decode("utf-8", "replace"))
                    self._partial = b""
                self._on_eof()
                return False
            *lines, self._partial = (self._partial + chunk).split(b"\n")
            for raw in lines:
                self._on_line(raw.decode("utf-8", "replace") + "\n")

    def drain(self) -> None:
        """Read what the pipe holds now (see the class docstring)."""
        with self._lock:
            self._read()

    def close(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for EOF (the process has exited), then stop reading."""
        self._thread.join(timeout=timeout)
        with self._lock:
            self._closed = True
            self._stream.close()


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


@dataclass(frozen=True)
class ProviderDiff:
    """The answer to a Diff call, or the engine's view of it (see ``rules.diff_resource``)."""

    changes: bool | None
    """True (DIFF_SOME), False (DIFF_NONE) or None (DIFF_UNKNOWN: the engine then compares the
    old and new inputs itself)."""
    replaces: list[str] = field(default_factory=list)
    """Properties whose change requires a replacement."""
    delete_before_replace: bool = False
    stables: list[str] = field(default_factory=list)
    changed_keys: list[str] = field(default_factory=list)
    """``DiffResponse.diffs``: the keys the provider reports as changed. The Python dynamic server
    never sends any; the engine fills them in itself for a DIFF_UNKNOWN answer."""
    detailed: dict[str, int] = field(default_factory=dict)
    """``DiffResponse.detailedDiff`` (with ``hasDetailedDiff``): property path -> the
    ``PropertyDiff.Kind``; a plugin sends it, the dynamic server never does."""

    @property
    def replace(self) -> bool:
        """Whether the engine will replace the resource."""
        return bool(self.replaces)


@dataclass(frozen=True)
class ProviderRead:
    """The answer to a Read call, as the engine sees it (``provider_plugin.go: Read``)."""

    id: str
    """``""`` when the provider says the object is gone."""
    outputs: Props | None
    """None only if the response had no ``properties`` (the Python server always sends some)."""
    inputs: Props | None
    """None unless the provider returned inputs."""


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
        record_requests: bool = False,
        command: Sequence[str] | None = None,
        engine_address: str = "",
    ) -> None:
        """
        :param cwd: working directory of the server (the program directory for the CLI); ``python
            -m`` puts it first on ``sys.path``.
        :param env: extra environment variables (added to ``os.environ``).
        :param project: the ``PULUMI_PROJECT`` the server sees (``Config.get`` namespaces by it).
        :param pythonpath: extra ``sys.path`` entries for the server (prepended to ``PYTHONPATH``).
        :param timeout: deadline in seconds for each gRPC call.
        :param startup_timeout: how long to wait for the server to print its port.
        :param record_requests: keep every request sent, in :attr:`requests`.
        :param command: the process to run instead of ``python -u -m pulumi.dynamic``: a provider
            plugin (:mod:`.plugins`), given ``engine_address`` as its first argument as the engine
            gives its own (``provider_plugin.go: NewProvider``).
        """
        self.command = list(command) if command is not None else None
        self.engine_address = engine_address
        self.supports_preview = False
        """Configure's answer ``supportsPreview``: Create and Update are then called in previews
        (``provider_plugin.go: Create``); the dynamic server answers False."""
        self.accept_secrets = False
        """Configure's answer ``acceptSecrets`` (the dynamic server's: False)."""
        self.cwd = os.fspath(cwd) if cwd is not None else None
        self.env = dict(env or {})
        self.project = project
        self.pythonpath = [os.fspath(p) for p in pythonpath]
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.calls: list[tuple[str, str]] = []
        """Every call made: ``(method, urn)`` (``("Configure", "")`` for Configure)."""
        self.record_requests = record_requests
        self.requests: list[tuple[str, Any]] = []
        """With ``record_requests``: every request as sent, ``(method, protobuf message)``."""
        self.port: int | None = None
        self._proc: subprocess.Popen[bytes] | forkserver.ForkedProcess | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._lock = threading.Lock()
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self.output: list[tuple[str, str]] = []
        """Every line the provider processes started by this object wrote after the port, in the
        order read, as ``(stream, line)`` with ``stream`` ``"stdout"`` or ``"stderr"`` (kept
        across restarts; call :meth:`drain` first to have everything written so far)."""
        self.exit_status: int | None = None
        """The exit status of the last process :meth:`stop` stopped (0: it exited on SIGINT as
        the dynamic server does; negative: killed by that signal; -1 for a forked process,
        whose status its parent reaps)."""
        self._port_queue: queue.Queue[str] | None = None
        self._readers: list[_PipeReader] = []
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
        argv = [sys.executable, "-u", "-m", "pulumi.dynamic"]
        if self.command is not None:
            argv = [*self.command, *([self.engine_address] if self.engine_address else [])]
        proc: subprocess.Popen[bytes] | forkserver.ForkedProcess | None = None
        if forkserver.enabled(env):  # a test suite's shortcut: the same process, forked warm
            proc = forkserver.spawn(argv, self.cwd, env)
        if proc is None:
            proc = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        self._proc = proc
        port_queue: queue.Queue[str] = queue.Queue()
        self._port_queue = port_queue
        assert proc.stdout is not None and proc.stderr is not None
        self._readers = [
            _PipeReader(proc.stdout, self._on_stdout, self._no_port),
            _PipeReader(proc.stderr, self._on_stderr),
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
        failure = self._dial(provider_pb2_grpc.ResourceProviderStub(self._channel))
        if failure is not None:
            self.stop()
            raise ProviderServerError(
                f"could not connect to the provider server ({failure}): "
                f"{self.stderr_text().strip()}"
            )
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        # never leak the process, even if stop() is not called
        self._finalizer = weakref.finalize(self, _kill, proc)
        return self

    def _dial(self, stub: Any) -> str | None:
        """Wait until the server answers, as the engine does (``plugin.go: dialPlugin``): a dummy
        call, the Handshake, until it is answered; UNIMPLEMENTED is an answer (neither the
        dynamic server nor ours implements it), UNAVAILABLE is retried (and a call unanswered
        for a second, while the process lives). Returns what failed, or ``None``.
        (``grpc.channel_ready_future`` would leave a thread watching the channel for 0.2 s more,
        and a close in that time waits for it.)"""
        deadline = time.monotonic() + self.startup_timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "no answer in time"
            if self._proc is not None and self._proc.poll() is not None:
                return "the process exited"
            try:
                stub.Handshake(
                    provider_pb2.ProviderHandshakeRequest(),
                    wait_for_ready=True,
                    timeout=min(left, 1.0),
                )
                return None
            except grpc.RpcError as exc:
                code = exc.code()
                if code == grpc.StatusCode.UNIMPLEMENTED:
                    return None
                if code not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                    return code.name if code is not None else str(exc)
            time.sleep(0.01)

    def _on_stdout(self, line: str) -> None:
        """The first line is the port (``plugin.go: newPlugin`` reads it first); the rest is the
        provider's own output."""
        port_queue, self._port_queue = self._port_queue, None
        if port_queue is not None:
            port_queue.put(line)
            return
        self._stdout.append(line)
        self.output.append(("stdout", line))

    def _no_port(self) -> None:
        """stdout ended before the port: wake the waiter."""
        port_queue, self._port_queue = self._port_queue, None
        if port_queue is not None:
            port_queue.put("")

    def _on_stderr(self, line: str) -> None:
        self._stderr.append(line)
        self.output.append(("stderr", line))

    def drain(self) -> None:
        """Read everything the provider process has written so far: after a call's answer, every
        line it printed before answering is in :attr:`output` (and :meth:`stderr_text`,
        :meth:`stdout_text`). Its stdout and stderr are read by threads of their own, as the
        engine reads a plugin's, so without this a line may arrive a moment after the answer."""
        for reader in list(self._readers):
            reader.drain()

    def stop(self) -> None:
        """Stop the process as the engine stops a plugin (idempotent; ``Plugin.Close`` in
        ``plugin.go``): close the connection, then ``newPlugin``'s kill: SIGINT
        (``cmdutil.InterruptChildren``; the dynamic server and ours stop their gRPC server on
        it), up to 5 seconds to exit, then SIGKILL. Its output stays available."""
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
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            self.exit_status = proc.returncode
            for reader in self._readers:
                reader.close(timeout=5)
            self._no_port()

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

    def wait_for_stderr(self, text: str, timeout: float = 5.0) -> str:
        """:meth:`stderr_text` once it holds ``text`` (or after ``timeout`` seconds): stderr is
        read by a thread of its own, as the engine reads a plugin's, so a line the provider
        printed before answering a call may arrive a moment after the answer."""
        self.drain()
        deadline = time.monotonic() + timeout
        while text not in (seen := self.stderr_text()) and time.monotonic() < deadline:
            time.sleep(0.01)
        return seen

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
            if self.record_requests:
                self.requests.append((method, request))
        try:
            return getattr(stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as exc:
            details = exc.details() or str(exc.code())
            message = _last_line(details)
            proc = self._proc
            if exc.code() == grpc.StatusCode.UNAVAILABLE and proc is not None:
                # the connection broke: if the process is dying, let it finish dying, so that
                # `running` says so (the socket closes before the process can be waited for)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=1)
            if exc.code() != grpc.StatusCode.UNKNOWN:
                message = f"{exc.code().name}: {message}"
                self.drain()
                stderr = self.stderr_text().strip()
                if stderr:
                    details = f"{details}\n--- provider server stderr ---\n{stderr}"
            raise ProviderCallError(method, resource, message, details) from None

    def configure(self, config: Mapping[str, Any]) -> None:
        """Send the whole stack config, like the engine: keys ``ns:key``, values as strings
        (non-strings as JSON), secrets already unwrapped."""
        values = config_strings(config)
        args = struct_pb2.Struct()
        args.update(values)
        request = provider_pb2.ConfigureRequest(args=args, variables=values, acceptSecrets=True)
        self._configured(self._call("Configure", "", request))

    def _configured(self, resp: Any) -> None:
        """Keep the protocol Configure's answer negotiates (``provider_plugin.go: Configure``)."""
        self.supports_preview = bool(resp.supportsPreview)
        self.accept_secrets = bool(resp.acceptSecrets)

    def check(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[Props, list[tuple[str, str]]]:
        """Check: returns the checked inputs and the failures as ``(property, reason)``."""
        request = provider_pb2.CheckRequest(
            urn=urn,
            name=name_of(urn),
            olds=to_struct(olds),
            news=to_struct(news),
        )
        resp = self._call("Check", urn, request)
        failures = [(f.property, f.reason) for f in resp.failures]
        return from_struct(resp.inputs), failures

    def diff(
        self,
        id: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        ignore_changes: Sequence[str] = (),
    ) -> ProviderDiff:
        """Diff old *outputs* against new checked inputs; ``ignore_changes`` is sent as the
        engine sends it (``provider_plugin.go: Diff``: ``IgnoreChanges``)."""
        request = provider_pb2.DiffRequest(
            id=id,
            urn=urn,
            name=name_of(urn),
            olds=to_struct(olds),
            news=to_struct(news),
            old_inputs=to_struct(old_inputs or {}),
            ignoreChanges=list(ignore_changes),
        )
        resp = self._call("Diff", urn, request)
        changes = _DIFF_CHANGES.get(resp.changes)
        return ProviderDiff(
            changes=changes,
            replaces=list(resp.replaces),
            delete_before_replace=bool(resp.deleteBeforeReplace),
            stables=list(resp.stables),
            changed_keys=list(resp.diffs),
            detailed={k: v.kind for k, v in resp.detailedDiff.items()}
            if resp.hasDetailedDiff
            else {},
        )

    def create(
        self, urn: str, props: Mapping[str, Any], *, preview: bool = False
    ) -> tuple[str, Props]:
        """Create: returns ``(id, outputs)``. An answer without an id fails, as the engine's
        client fails it (``provider_plugin.go: Create``: "plugin returned empty resource.ID from
        create"; the engine never sends Create in a preview, so it always checks)."""
        request = provider_pb2.CreateRequest(
            urn=urn, name=name_of(urn), properties=to_struct(props), preview=preview
        )
        resp = self._call("Create", urn, request)
        if not resp.id and not preview:
            message = f"plugin returned empty resource.ID from create '{urn}'"
            raise ProviderCallError("Create", urn, message, message)
        return str(resp.id), from_struct(resp.properties)

    def read(
        self,
        id: str,
        urn: str,
        properties: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | None = None,
    ) -> tuple[str, Props, Props | None]:
        """Read: returns ``(id, outputs, inputs)``; id is ``""`` when the resource is gone, inputs
        is None unless the provider returned some (they then replace the stored inputs)."""
        answer = self.read_full(id, urn, properties or {}, inputs)
        return answer.id, answer.outputs or {}, answer.inputs

    def read_full(
        self,
        id: str,
        urn: str,
        properties: Mapping[str, Any] | None,
        inputs: Mapping[str, Any] | None,
    ) -> ProviderRead:
        """Read as the engine sees the answer: ``outputs`` is None if the response carried no
        properties. ``inputs=None`` leaves the request's ``inputs`` unset, as the engine does when
        it has none (``provider_plugin.go: Read``: ``if req.Inputs != nil``); ``properties=None``
        sends an empty struct (the engine marshals a nil state to an empty one)."""
        request = provider_pb2.ReadRequest(
            id=id,
            urn=urn,
            name=name_of(urn),
            properties=to_struct(properties or {}),
        )
        if inputs is not None:
            request.inputs.CopyFrom(to_struct(inputs))
        resp = self._call("Read", urn, request)
        return ProviderRead(
            id=str(resp.id),
            outputs=from_struct(resp.properties) if resp.HasField("properties") else None,
            inputs=from_struct(resp.inputs) if resp.HasField("inputs") else None,
        )

    def update(
        self,
        id: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        ignore_changes: Sequence[str] = (),
        preview: bool = False,
    ) -> Props:
        """Update old *outputs* to new checked inputs: returns the new outputs (``preview``:
        the provider's preview of them, ``provider_plugin.go: Update``)."""
        request = provider_pb2.UpdateRequest(
            id=id,
            urn=urn,
            name=name_of(urn),
            olds=to_struct(olds),
            news=to_struct(news),
            old_inputs=to_struct(old_inputs or {}),
            ignoreChanges=list(ignore_changes),
            preview=preview,
        )
        resp = self._call("Update", urn, request)
        return from_struct(resp.properties)

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
            name=name_of(urn),
            properties=to_struct(props),
            old_inputs=to_struct(old_inputs or {}),
        )
        self._call("Delete", urn, request)

    # -- provider resources (a plugin's config) ---------------------------------------------------

    def check_config(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[Props, list[tuple[str, str]]]:
        """CheckConfig of a provider resource's inputs (``registry.go: Check``)."""
        request = provider_pb2.CheckRequest(
            urn=urn, name=name_of(urn), olds=to_struct(olds), news=to_struct(news)
        )
        resp = self._call("CheckConfig", urn, request)
        return from_struct(resp.inputs), [(f.property, f.reason) for f in resp.failures]

    def diff_config(
        self,
        urn: str,
        old_inputs: Mapping[str, Any],
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> ProviderDiff:
        """DiffConfig (``registry.go: Diff``): a DIFF_UNKNOWN answer is decided by comparing the
        old outputs with the new inputs, as the registry does."""
        request = provider_pb2.DiffRequest(
            urn=urn,
            name=name_of(urn),
            olds=to_struct(olds),
            news=to_struct(news),
            old_inputs=to_struct(old_inputs),
        )
        resp = self._call("DiffConfig", urn, request)
        changes = _DIFF_CHANGES.get(resp.changes)
        if changes is None:
            changes = dict(olds) != dict(news)
        return ProviderDiff(changes=changes, replaces=list(resp.replaces))

    def configure_provider(
        self, urn: str, id: str, inputs: Mapping[str, Any], secrets: Sequence[str] = ()
    ) -> None:
        """Configure a plugin with a provider resource's inputs (``registry.go: Create``,
        ``Update``, ``Same`` -> ``provider_plugin.go: Configure``): ``args`` the inputs (the
        keys in ``secrets`` sent as secrets), ``variables`` each as ``<pkg>:config:<key>`` text,
        and the provider's URN, name, type and id."""
        type_ = urn.rsplit("::", 2)[-2]
        package = type_.rsplit(":", 1)[-1]
        values = {k: v for k, v in inputs.items() if k != "version" and v is not None}
        variables = {f"{package}:config:{k}": v for k, v in config_strings(values).items()}
        wrapped = {k: rpc.wrap_rpc_secret(v) if k in set(secrets) else v for k, v in inputs.items()}
        request = provider_pb2.ConfigureRequest(
            urn=urn,
            name=name_of(urn),
            type=type_,
            id=id,
            args=to_struct(wrapped, strip_secrets=False),
            variables=variables,
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        self._configured(self._call("Configure", urn, request))

    def get_schema(self, version: int = 0) -> dict[str, Any]:
        """GetSchema: the package schema, parsed (``pulumi package get-schema``: the engine asks
        for it only to generate code, ``packages.go``; never during a deployment)."""
        resp = self._call("GetSchema", "", provider_pb2.GetSchemaRequest(version=version))
        schema: dict[str, Any] = json.loads(resp.schema) if resp.schema else {}
        return schema
