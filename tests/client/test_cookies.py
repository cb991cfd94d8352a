"""The client keeps the cookies an answer sets and sends them back, like any httpx client: the
jar reads only answers that carry ``Set-Cookie`` (or ``Set-Cookie2``), in any case."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from .local_api import LocalAPI, client_for, raw_answer

BODY = json.dumps({"Action": "ListCompShareTeamResponse", "RetCode": 0, "Teams": []}).encode()


def _cookies_seen(server: LocalAPI, set_cookies: list[list[tuple[str, str]]]) -> list[str | None]:
    """Answer each request with the next headers of ``set_cookies`` (none once they run out);
    returns the ``Cookie`` header of each request, filled in as they arrive."""
    seen: list[str | None] = []

    def answer(handler: BaseHTTPRequestHandler) -> None:
        seen.append(handler.headers.get("Cookie"))
        headers = set_cookies.pop(0) if set_cookies else []
        raw_answer(BODY, 200, "application/json", headers)(handler)

    server.answer = answer
    return seen


def test_a_cookie_set_by_an_answer_is_sent_with_the_next_requests(server: LocalAPI) -> None:
    seen = _cookies_seen(
        server, [[], [("SET-COOKIE", "lb=a1; Path=/")], [], [("Set-Cookie", "lb=b2")]]
    )
    with client_for(server) as client:
        for _ in range(5):
            client.list_teams()
    assert seen == [None, None, "lb=a1", "lb=a1", "lb=b2"]


def test_no_cookie_is_sent_when_no_answer_sets_one(server: LocalAPI) -> None:
    seen = _cookies_seen(server, [])
    with client_for(server) as client:
        for _ in range(3):
            client.list_teams()
        assert not client._http.cookies
    assert seen == [None, None, None]


def test_httpx_reads_and_fills_the_jar_through_its_public_cookies_property(
    server: LocalAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client's jar is the one httpx's public ``cookies`` property returns: httpx fills it
    from answers and reads it for requests, and reads an answer into it (the urllib work) only
    when the answer sets a cookie. An httpx that bypassed the property would fail here."""
    read: list[int] = []
    extract = httpx.Cookies.extract_cookies

    def counting(self: httpx.Cookies, response: httpx.Response) -> None:
        read.append(response.status_code)
        extract(self, response)

    monkeypatch.setattr(httpx.Cookies, "extract_cookies", counting)
    seen = _cookies_seen(server, [[], [("Set-Cookie", "lb=a1")], []])
    with client_for(server) as client:
        for _ in range(3):
            client.list_teams()
        assert dict(client._http.cookies) == {"lb": "a1"}
    assert seen == [None, None, "lb=a1"]
    assert read == [200]  # only the answer that set a cookie was read into the jar
