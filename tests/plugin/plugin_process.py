"""The plugin started as the Pulumi engine starts it, for the plugin tests: a real process given
the engine's address as its only argument, whose first line on stdout is its port
(``NewProvider`` in ``sdk/go/common/resource/plugin/provider_plugin.go``, ``newPlugin`` in
``plugin.go``), dialled over gRPC. The "engine" is a gRPC Engine service in the test process
that records what the plugin logs (``Log``)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2_grpc

from pulumi_compshare.plugin import _wire

PLUGIN_MODULE = [sys.executable, "-m", "pulumi_compshare.plugin"]


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """The engine's Engine service: what the plugin logs, kept."""

    def __init__(self) -> None:
        self.logs: list[tuple[int, str, str]] = []
        self._lock = threading.Lock()

    def Log(self, request: Any, context: Any) -> Any:
        with self._lock:
            self.logs.append((request.severity, request.urn, request.message))
        return empty_pb2.Empty()


class PluginProcess:
    """``command`` + the engine address, started; :attr:`stub` is its ResourceProvider."""

    def __init__(self, command: Sequence[str], env: dict[str, str], cwd: Path | None = None):
        self.engine = FakeEngine()
        self._engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self.engine, self._engine_server)
        engine_port = self._engine_server.add_insecure_port("127.0.0.1:0")
        self._engine_server.start()
        self.engine_address = f"127.0.0.1:{engine_port}"
        self.process = subprocess.Popen(
            [*command, self.engine_address],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # the engine reads exactly this line
        if not line.strip().isdigit():
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            raise AssertionError(f"the plugin wrote {line!r}, not a port: {err.decode()[-2000:]}")
        self.port = int(line)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def close(self) -> str:
        """Stop the plugin (the engine kills it) and the engine; returns the plugin's stderr."""
        self.channel.close()
        self.process.kill()
        _, err = self.process.communicate(timeout=10)
        self._engine_server.stop(None)
        return err.decode(errors="replace")


def struct(values: dict[str, Any], secret: Sequence[str] = ()) -> Any:
    return _wire.to_struct(values, secret)


def plain(message: Any) -> dict[str, Any]:
    """A Struct as a dict, secrets unwrapped."""
    return _wire.unwrap(_wire.from_struct(message))[0]


def secret_keys(message: Any) -> set[str]:
    return _wire.unwrap(_wire.from_struct(message))[1]
