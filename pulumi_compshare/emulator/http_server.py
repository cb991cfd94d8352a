"""The emulator's HTTP side: the threaded server (:class:`HttpServer`) and the request handler
(:class:`RequestHandler`).

Any path that does not start with ``/_emulator/`` is the API: POST with a form or JSON body, or
GET with query parameters (query and body are merged, the body wins); the handler acts out the
fault its :class:`Backend` chose for the call, then asks it to process the request. The backend
is what :class:`~.server.Emulator` hands the server: this module knows nothing else of it.
Inspection endpoints: ``GET /_emulator/state``, ``GET /_emulator/stats``,
``POST /_emulator/reset-stats``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from pulumi_compshare.api import codes, wire
from pulumi_compshare.emulator.api_errors import one_line
from pulumi_compshare.emulator.injected_faults import Fault

__all__ = ["MAX_BODY_BYTES", "Backend", "HttpServer", "RequestHandler"]

MAX_BODY_BYTES = 1024 * 1024
"""A larger request body is refused with RetCode 230."""


class _BadRequest(Exception):
    """The request could not be parsed (answered with RetCode 230)."""


class Backend(Protocol):
    """What the HTTP side asks of the emulator behind it (:class:`~.server.Emulator` hands the
    server one)."""

    def record(
        self, fields: Mapping[str, str]
    ) -> tuple[str | Fault | None, float, list[Callable[[], object]]]:
        """Count a request and choose its fault: (fault, latency in seconds, hooks to run first)."""
        ...

    def process(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """Act out the call; its answer (an error envelope for a refused one)."""
        ...

    def error_envelope(self, action: str, code: int, message: str) -> dict[str, Any]:
        """A failure's answer, in the emulator's dialects."""
        ...

    def connected(self) -> None:
        """A TCP connection was accepted."""
        ...

    def internal_error(self) -> None:
        """The handler failed unexpectedly (the traceback is the current exception)."""
        ...

    def state(self) -> dict[str, Any]: ...

    def stats(self) -> dict[str, Any]: ...

    def reset_stats(self) -> None: ...


class HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        backend: Backend,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self.backend = backend
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Track open connections so :meth:`close_connections` can end keep-alive ones."""
        with self._connections_lock:
            self._connections.add(request)
        self.backend.connected()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def close_connections(self) -> None:
        """Shut down every open client connection (a stopped emulator answers nothing)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def _error(action: str, code: int, message: str) -> dict[str, Any]:
    return {"Action": f"{one_line(action)}Response", "RetCode": code, "Message": one_line(message)}


class RequestHandler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # answer in one segment: no 40 ms delayed-ACK stall
    protocol_version = "HTTP/1.1"
    server_version = "CompShareEmulator/0.1"
    timeout = 60
    server: HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the emulator runs inside test suites."""

    # ---------------------------------------------------------------- dispatch

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        backend = self.server.backend
        try:
            path = urlsplit(self.path).path
            if path.startswith("/_emulator/") or path == "/_emulator":
                self._admin(path)
            else:
                self._api()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as e:
            backend.internal_error()
            self._send_json(_error("", codes.PARAM_ERROR, f"invalid request: {type(e).__name__}"))

    def _admin(self, path: str) -> None:
        backend = self.server.backend
        try:
            self._read_body()
        except _BadRequest as e:
            self._send_json({"error": str(e)}, status=400)
            return
        if path == "/_emulator/state" and self.command == "GET":
            self._send_json(backend.state())
        elif path == "/_emulator/stats" and self.command == "GET":
            self._send_json(backend.stats())
        elif path == "/_emulator/reset-stats" and self.command == "POST":
            backend.reset_stats()
            self._send_json({"ok": True})
        else:
            self._send_json({"error": f"no such endpoint: {self.command} {path}"}, status=404)

    def _api(self) -> None:
        backend = self.server.backend
        fields: dict[str, str] = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        problem: str | None = None
        try:
            fields.update(self._body_fields())
        except _BadRequest as e:
            problem = str(e)
        action = fields.get("Action", "")
        fault, latency, hooks = backend.record(fields)
        for hook in hooks:
            hook()
        if isinstance(fault, Fault):
            fault = self._targeted_fault(fault, action)
            if fault == "answered":
                return
        if latency > 0:
            time.sleep(latency)
        if fault == "drop_connection":
            self._drop()
            return
        if fault == "http_503":
            self._send_bytes(b"Service Unavailable", "text/plain", status=503)
            return
        if fault == "retcode_150":
            self._send_json(_error(action, codes.SERVICE_UNAVAILABLE, "Service unavailable"))
            return
        if fault == "retcode_153":
            self._send_json(_error(action, codes.THROTTLED, "Request throttled"))
            return
        if problem is not None:
            body = backend.error_envelope(action, codes.PARAM_ERROR, problem)
        else:
            try:
                body = backend.process(fields)
            except Exception as e:
                backend.internal_error()
                body = _error(action, codes.PARAM_ERROR, f"invalid request: {type(e).__name__}")
        if fault == "applied_response_lost":
            self._drop()
            return
        self._send_json(body)

    def _targeted_fault(self, fault: Fault, action: str) -> str | None:
        """Act out a targeted fault (hooks are run before). Returns the random-fault name it
        maps to, ``"answered"`` if the request was answered here, or ``None`` to process the
        call normally."""
        if fault.kind == "delay":
            time.sleep(fault.delay_ms / 1000.0)
            return None
        if fault.kind == "retcode":
            self._send_json(_error(action, fault.retcode, fault.message))
            return "answered"
        return fault.kind

    # ---------------------------------------------------------------- body and responses

    def _read_body(self) -> bytes:
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise _BadRequest("invalid request: chunked bodies are not supported")
        if not length_header:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            self.close_connection = True
            raise _BadRequest("invalid request: bad Content-Length") from None
        if length < 0:
            self.close_connection = True
            raise _BadRequest("invalid request: bad Content-Length")
        if length > MAX_BODY_BYTES:
            self._discard(length)
            raise _BadRequest(f"invalid request: body larger than {MAX_BODY_BYTES} bytes")
        return self.rfile.read(length)

    def _discard(self, length: int) -> None:
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)

    def _body_fields(self) -> dict[str, str]:
        raw = self._read_body()
        if not raw:
            return {}
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest("invalid request: body is not UTF-8") from None
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                raise _BadRequest(f"invalid request: bad JSON body ({e.msg})") from None
            except RecursionError:
                raise _BadRequest("invalid request: JSON body nested too deeply") from None
            if not isinstance(data, dict):
                raise _BadRequest("invalid request: JSON body must be an object")
            try:
                fields = wire.flatten(data)
            except RecursionError:
                raise _BadRequest("invalid request: JSON body nested too deeply") from None
            for key, value in fields.items():
                try:
                    (key + value).encode("utf-8")
                except UnicodeEncodeError:
                    raise _BadRequest(
                        f"invalid request: parameter {key.encode('utf-8', 'backslashreplace')!r} "
                        "is not valid Unicode text"
                    ) from None
            return fields
        return dict(parse_qsl(text, keep_blank_values=True))

    def _send_json(self, body: Any, status: int = 200) -> None:
        try:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate echoed back: escape everything
            data = json.dumps(body).encode("ascii")
        self._send_bytes(data, "application/json; charset=utf-8", status)

    def _send_bytes(self, data: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-UCLOUD-REQUEST-UUID", str(uuid.uuid4()))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        """Close the socket without answering."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
