"""The client keeps the cookies an answer sets and sends them back, like any httpx client: the
jar reads only answers that carry ``Set-Cookie`` (or ``Set-Cookie2``), in any case."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pulumi_compshare.client import CompShareClient, Credentials

BODY = json.dumps({"Action": "ListCompShareTeamResponse", "RetCode": 0, "Teams": []}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(self.headers.get("Cookie"))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        for name, value in self.server.set_cookies.pop(0) if self.server.set_cookies else []:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(BODY)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[str | None]
    set_cookies: list[list[tuple[str, str]]]


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.seen = []
    srv.set_cookies = []
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _client(srv: _Server) -> CompShareClient:
    host, port = srv.server_address[:2]
    return CompShareClient(Credentials("pk", "sk"), base_url=f"http://{host!s}:{port}")


def test_a_cookie_set_by_an_answer_is_sent_with_the_next_requests(server: _Server) -> None:
    server.set_cookies = [[], [("SET-COOKIE", "lb=a1; Path=/")], [], [("Set-Cookie", "lb=b2")]]
    with _client(server) as client:
        for _ in range(5):
            client.list_teams()
    assert server.seen == [None, None, "lb=a1", "lb=a1", "lb=b2"]


def test_no_cookie_is_sent_when_no_answer_sets_one(server: _Server) -> None:
    with _client(server) as client:
        for _ in range(3):
            client.list_teams()
        assert not client._http.cookies
    assert server.seen == [None, None, None]
