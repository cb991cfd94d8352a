"""Provider processes forked from a warm parent, for test suites that start hundreds of them.

The engine starts a fresh ``python -u -m pulumi.dynamic`` for every command, and so does the
offline engine (:class:`~pulumi_compshare.testing.server.ProviderServer`). Most of such a
process's CPU is importing pulumi, grpc, dill, httpx and pydantic (about 0.3 s of 0.45 s on the
project's 2-core machine). With ``COMPSHARE_TESTING_FORK=1`` in the environment (the project's
test suite sets it), each provider process is instead forked from a parent that imported those
modules once (:data:`PRELOAD`) and did nothing else, then runs ``pulumi.dynamic`` as
``__main__`` exactly as ``python -u -m pulumi.dynamic`` does: with the environment, working
directory, ``PYTHONPATH``, standard streams and arguments the fresh process would have had. Of
this package only the stateless API models and client are imported before the fork, so every
provider process loads the provider, its configuration and its read cache afresh, as under the
CLI.

What differs from a fresh process, and why it does not matter to what the tests check: the
preloaded modules were imported under the parent's environment (this package's read none then,
which a test checks; grpc and httpx read theirs when a server or a client is made, after the
fork), and every forked process shares the parent's hash seed (no behaviour of the providers
depends on the order of strings in sets across processes). A provider plugin run as
``python -u <folder>`` is forked the same way (:func:`spawn`).

Linux only (``os.fork``, ``socket.send_fds``, ``os.pidfd_open``); elsewhere, and without the
variable, processes start fresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Final

__all__ = ["ENV_VAR", "PRELOAD", "ForkedProcess", "enabled", "spawn"]

ENV_VAR: Final[str] = "COMPSHARE_TESTING_FORK"

PRELOAD: Final[tuple[str, ...]] = (
    "dill",
    "grpc",
    "google.protobuf.empty_pb2",
    "pulumi.metadata",
    "pulumi.runtime",
    "pulumi.runtime.proto",
    "pulumi.runtime._serialization",
    "pulumi.runtime._grpc_settings",
    "pulumi.dynamic",
    "httpx",
    "httpcore",
    "pydantic",
    "pulumi_compshare.api.models",
    "pulumi_compshare.client.client",
)
"""Modules the provider process imports anyway (``pulumi/dynamic/__main__.py``, then the client
with the first API call): third-party ones, and of this package only the API models and the
client, which keep no state between calls of a process and read no environment when imported
(tests/testing/test_forkserver.py checks it). Never the providers, their read cache or the
configuration."""

_PARENT: Final[str] = r"""
import io, json, os, runpy, signal, socket, sys
for name in json.loads(sys.argv[2]):
    __import__(name)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
sock = socket.socket(fileno=int(sys.argv[1]))
base_path = list(sys.path[1:])
while True:
    try:
        message, fds, _, _ = socket.recv_fds(sock, 1 << 20, 3)
    except OSError:
        break
    if not message:
        break
    request = json.loads(message)
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        sock.send(str(pid).encode())
        continue
    # the child: become `python -u -m pulumi.dynamic <args>` started with this request
    sock.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as a fresh `python` starts
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    extra = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [os.getcwd(), *extra, *base_path]
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), write_through=True, errors="backslashreplace"
    )
    code = 0
    try:
        if request.get("path"):  # python -u <path> <args>: its folder first on the path
            sys.path[0] = os.path.dirname(os.path.abspath(request["path"]))
            if os.path.isdir(request["path"]):
                sys.path[0] = os.path.abspath(request["path"])
            sys.argv = [request["path"], *request["args"]]
            runpy.run_path(request["path"], run_name="__main__")
        else:  # python -u -m <module> <args>
            sys.argv = ["-m", *request["args"]]
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)
"""


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether provider processes are forked (``COMPSHARE_TESTING_FORK=1``, on Linux)."""
    env = os.environ if environ is None else environ
    return (
        env.get(ENV_VAR) == "1"
        and hasattr(os, "fork")
        and hasattr(os, "pidfd_open")
        and hasattr(socket, "send_fds")
    )


class ForkedProcess:
    """A provider process forked by the warm parent: the part of ``subprocess.Popen`` the
    provider-server client uses (``pid``, ``stdout``, ``stderr``, ``poll``, ``wait``,
    ``terminate``, ``kill``). It is the parent's child, not ours, so it is watched through a
    pidfd (which also never mistakes a reused pid for it)."""

    def __init__(self, pid: int, stdout: IO[bytes], stderr: IO[bytes]) -> None:
        self.pid = pid
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # it has already ended (and been reaped)
            self._pidfd = None
            self.returncode = -1

    def poll(self) -> int | None:
        if self.returncode is None and self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], 0)
            if ready:
                self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(["pulumi.dynamic"], timeout or 0.0)
            self._ended()
        assert self.returncode is not None
        return self.returncode

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def send_signal(self, sig: int) -> None:
        self._signal(sig)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        if self.returncode is None and self._pidfd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._pidfd, sig)

    def _ended(self) -> None:
        # the parent reaps it (SIGCHLD ignored), so its exit status is not ours to read
        self.returncode = -1
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


class _Parent:
    """The warm parent process, started on first use and kept for the life of this process."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # each child sets its own
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _PARENT, str(theirs.fileno()), json.dumps(PRELOAD)],
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        theirs.close()
        self._sock = mine
        self._lock = threading.Lock()

    def spawn(
        self, run: Mapping[str, str], args: Sequence[str], cwd: str, env: Mapping[str, str]
    ) -> ForkedProcess:
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        stdin = os.open(os.devnull, os.O_RDONLY)
        request = json.dumps({**run, "args": list(args), "cwd": cwd, "env": dict(env)}).encode()
        try:
            with self._lock:
                socket.send_fds(self._sock, [request], [stdin, out_write, err_write])
                pid = int(self._sock.recv(64))
        finally:
            for fd in (stdin, out_write, err_write):
                os.close(fd)
        return ForkedProcess(pid, os.fdopen(out_read, "rb"), os.fdopen(err_read, "rb"))

    def alive(self) -> bool:
        return self._proc.poll() is None


_parent: _Parent | None = None
_parent_lock = threading.Lock()


def spawn(argv: Sequence[str], cwd: str | None, env: Mapping[str, str]) -> ForkedProcess | None:
    """``argv`` forked from the warm parent, if it is a Python process this module can fork:
    ``[python, "-u", "-m", module, *args]`` or ``[python, "-u", path, *args]`` (a provider
    plugin's folder or script) run with this interpreter; else ``None`` (start it fresh)."""
    if len(argv) < 3 or argv[0] != sys.executable or argv[1] != "-u":
        return None
    if argv[2] == "-m" and len(argv) >= 4:
        run, args = {"module": argv[3]}, argv[4:]
    elif not argv[2].startswith("-"):
        run, args = {"path": argv[2]}, argv[3:]
    else:
        return None
    global _parent
    with _parent_lock:
        if _parent is None or not _parent.alive():
            _parent = _Parent()
        parent = _parent
    return parent.spawn(run, args, cwd or os.getcwd(), env)
