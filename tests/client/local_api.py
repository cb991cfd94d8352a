"""A tiny local HTTP server that plays the API in client tests: each test sets what it answers
(``server.answer``), and the server counts the requests (``server.hits``) and keeps the headers
of the last one (``server.request_headers``)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pulumi_compshare.client import CompShareClient, Credentials, RetryPolicy

FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)

Answer = Callable[[BaseHTTPRequestHandler], None]


def json_answer(body: Any, status: int = 200) -> Answer:
    return raw_answer(json.dumps(body).encode(), status, "application/json")


def raw_answer(
    data: bytes,
    status: int = 200,
    content_type: str = "text/plain",
    headers: Iterable[tuple[str, str]] = (),
) -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def envelope(**fields: Any) -> Answer:
    return json_answer({"Action": "XResponse", "RetCode": 0, "Message": "", **fields})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalAPI

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.hits += 1
        self.server.request_headers = dict(self.headers.items())
        try:
            self.server.answer(self)
        except OSError:  # the client hung up (deadline, size cap): expected
            self.close_connection = True


class LocalAPI(ThreadingHTTPServer):
    daemon_threads = True
    answer: Answer
    hits = 0
    request_headers: dict[str, str] = {}  # noqa: RUF012 (replaced, never changed in place)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # else the client hung up: expected
            super().handle_error(request, client_address)


@contextmanager
def serving() -> Iterator[LocalAPI]:
    """A local API answering an empty success envelope until told otherwise."""
    srv = LocalAPI(("127.0.0.1", 0), _Handler)
    srv.answer = envelope()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def client_for(srv: LocalAPI, **kwargs: Any) -> CompShareClient:
    host, port = srv.server_address[:2]
    return CompShareClient(
        Credentials("pk", "secret-private-key"),
        base_url=f"http://{host!s}:{port}",
        retry=kwargs.pop("retry", FAST),
        **kwargs,
    )
