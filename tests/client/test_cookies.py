"""The client keeps the cookies an answer sets and sends them back, like any httpx client: the
jar reads only answers that carry ``Set-Cookie`` (or ``Set-Cookie2``), in any case."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

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
