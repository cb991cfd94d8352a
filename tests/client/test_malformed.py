"""The client against answers no CompShare server should give: each becomes a ``CompShareError``
subclass naming the action and the field, never a raw TypeError, RecursionError, ValueError or
a pydantic message; slow and huge answers are cut off by the deadline and the size cap.

A tiny local HTTP server plays the API (``tests/client/local_api.py``): each test sets what it
answers."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from pulumi_compshare.client import (
    AlreadyMemberError,
    CompShareAPIError,
    CompShareClient,
    CompShareError,
    Credentials,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RetryPolicy,
    ServiceError,
    UnavailableError,
    WrongEndpointError,
)
from pulumi_compshare.client.retcodes import error_for_retcode

from .local_api import FAST, Answer, LocalAPI, client_for, envelope, json_answer, raw_answer


def failure(srv: LocalAPI, call: Callable[[CompShareClient], Any], **kwargs: Any) -> CompShareError:
    """Run ``call`` on a client of ``srv``; return the CompShareError it raised."""
    with client_for(srv, **kwargs) as client, pytest.raises(CompShareError) as caught:
        call(client)
    error = caught.value
    text = str(error)
    assert "\n" not in text and len(text) < 1200, text
    for leak in ("validation error", "pydantic", "Input should", "Traceback", "secret-private"):
        assert leak not in text, text
    return error


DEEP = b"[" * 100_000 + b"]" * 100_000
TEAMS: Callable[[CompShareClient], Any] = lambda c: c.list_teams()  # noqa: E731

MALFORMED: list[tuple[str, Answer, Callable[[CompShareClient], Any], str]] = [
    ("non-JSON", raw_answer(b"hello"), TEAMS, "not JSON"),
    (
        "HTML",
        raw_answer(b"<!DOCTYPE html><html><body>Gateway</body></html>", 200, "text/html"),
        TEAMS,
        "an HTML page",
    ),
    ("empty body", raw_answer(b""), TEAMS, "empty"),
    ("nested 100,000 deep", raw_answer(DEEP, 200, "application/json"), TEAMS, "nested too deeply"),
    ("a JSON list", json_answer([1, 2]), TEAMS, "a list, not a JSON object"),
    ("no RetCode", json_answer({"Teams": []}), TEAMS, "no RetCode"),
    ("RetCode text", json_answer({"RetCode": "zero"}), TEAMS, "RetCode is a string ('zero')"),
    ("RetCode object", json_answer({"RetCode": {"a": 1}}), TEAMS, "RetCode is an object"),
    ("number where a list goes", envelope(Teams=5), TEAMS, "Teams: expected a list, got a number"),
    ("object where a list goes", envelope(Teams={"Id": 1}), TEAMS, "Teams: expected a list"),
    ("text row", envelope(Teams=["x"]), TEAMS, "Teams.0: expected an object"),
    (
        "bad id",
        envelope(Teams=[{"Id": "abc", "CompanyId": 1}]),
        TEAMS,
        "Teams.0.Id: must be a positive integer id up to 4294967295 (digits 0-9), got a string "
        "('abc')",
    ),
    (
        "exponent id",
        envelope(Teams=[{"Id": "5e4", "CompanyId": 1}]),
        TEAMS,
        "Teams.0.Id",
    ),
    (
        "number as a name",
        envelope(Teams=[{"Id": 1, "CompanyId": 1, "Name": 7}]),
        TEAMS,
        "Teams.0.Name: expected text, got a number (7)",
    ),
    (
        "huge id",
        envelope(Teams=[{"Id": 10**400, "CompanyId": 1}]),
        TEAMS,
        "Teams.0.Id",
    ),
    (
        "list as a status",
        envelope(Invites=[{"TeamId": 1, "UserCompanyId": 2, "Status": ["Pending"]}]),
        lambda c: c.list_team_invites(),
        "Invites.0.Status: expected a status word, got a list",
    ),
    (
        "missing UserCompanyId",
        envelope(JoinedTeams=[{"TeamId": 1, "Status": "Joined"}]),
        lambda c: c.list_joined_teams(),
        "JoinedTeams.0.UserCompanyId: is missing",
    ),
    (
        "Team is a list",
        envelope(Team=[1]),
        lambda c: c.get_team_info(team_id=1),
        "Team: expected an object",
    ),
    (
        "TeamRelation is a number",
        envelope(Team={"Id": 1, "CompanyId": 2}, TeamRelation=3),
        lambda c: c.get_team_info(team_id=1),
        "TeamRelation: expected a list",
    ),
    (
        "ErrorMap a number",
        envelope(ErrorMap=5),
        lambda c: c.create_team_relations(1, [{"user_company_id": 2}]),
        "ErrorMap must be an object keyed by UserCompanyId, got a number",
    ),
    (
        "ErrorMap text that is not JSON",
        envelope(ErrorMap="oops{"),
        lambda c: c.create_team_relations(1, [{"user_company_id": 2}]),
        "ErrorMap is text that is not a JSON object",
    ),
    (
        "ErrorMap keyed by a name",
        envelope(ErrorMap={"alice": {"Code": 1}}),
        lambda c: c.create_team_relations(1, [{"user_company_id": 2}]),
        "ErrorMap key 'alice'",
    ),
    (
        "ErrorMap entry a list",
        envelope(ErrorMap={"2": [1]}),
        lambda c: c.create_team_relations(1, [{"user_company_id": 2}]),
        "ErrorMap.2 must be an object",
    ),
    (
        "ErrorMap nested 100,000 deep in a string",
        envelope(ErrorMap=DEEP.decode()),
        lambda c: c.create_team_relations(1, [{"user_company_id": 2}]),
        "ErrorMap is text that is not a JSON object",
    ),
    (
        "OperateTypeList a number",
        envelope(Logs=[], Total=0, OperateTypeList=3),
        lambda c: c.list_team_operate_logs(1, 0, 10),
        "OperateTypeList must be a list or a map of words, got a number",
    ),
    (
        "Logs an object",
        envelope(Logs={"a": 1}, Total=0),
        lambda c: c.list_team_operate_logs(1, 0, 10),
        "Logs: expected a list",
    ),
    (
        "InvalidAccounts text",
        envelope(InvalidAccounts="50002"),
        lambda c: c.modify_image_share_accounts("compshareImage-abc", add=[2]),
        "InvalidAccounts: expected a list",
    ),
    (
        "InvalidAccounts full-width digits",
        envelope(InvalidAccounts=["５"]),
        lambda c: c.modify_image_share_accounts("compshareImage-abc", add=[2]),
        "InvalidAccounts.0: must be a positive integer id up to 4294967295 (digits 0-9)",
    ),
    (
        "AccountSet of numbers",
        envelope(AccountSet=[1, 2]),
        lambda c: c.describe_image_share_accounts("compshareImage-abc"),
        "AccountSet.0: expected an object",
    ),
    (
        "ImageSet a number",
        envelope(ImageSet=9),
        lambda c: c.describe_custom_images(),
        "ImageSet: expected a list",
    ),
]


@pytest.mark.parametrize(
    ("answer", "call", "needle"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_answers_name_the_action_and_the_field(
    server: LocalAPI, answer: Answer, call: Callable[[CompShareClient], Any], needle: str
) -> None:
    server.answer = answer
    error = failure(server, call)
    assert isinstance(error, (MalformedResponseError, OutcomeUnknownError)), repr(error)
    assert needle in str(error)
    assert str(error).startswith(error.action + " failed: ")


def test_a_malformed_answer_to_a_write_is_an_unknown_outcome(server: LocalAPI) -> None:
    server.answer = raw_answer(b"<html>proxy</html>", 200, "text/html")
    error = failure(server, lambda c: c.create_team("t"))
    assert isinstance(error, OutcomeUnknownError)
    assert "an HTML page" in str(error) and server.hits == 1  # never re-sent


@pytest.mark.parametrize(
    ("status", "body", "cls", "needles"),
    [
        (
            400,
            {"RetCode": 230, "Message": "Params [TeamId] not available"},
            InvalidParameterError,
            ["Params [TeamId] not available (HTTP 400)", "RetCode 230"],
        ),
        (400, {"RetCode": 230, "Message": "团队不存在"}, NotFoundError, ["团队不存在"]),
        (403, {"RetCode": 299, "Message": "无权限"}, PermissionDeniedError, ["无权限 (HTTP 403)"]),
        (404, {"RetCode": "8404", "Message": "record x not exists"}, NotFoundError, ["record x"]),
        (500, {"RetCode": 8433, "Message": "服务异常"}, ServiceError, ["服务异常 (HTTP 500)"]),
        (500, {"RetCode": 8404, "Message": "x"}, UnavailableError, ["x (HTTP 500)", "8404"]),
        (502, {"RetCode": 150, "Message": "busy"}, UnavailableError, ["busy"]),
    ],
)
def test_http_errors_with_a_retcode_body_report_the_apis_message(
    server: LocalAPI,
    status: int,
    body: dict[str, Any],
    cls: type[CompShareError],
    needles: list[str],
) -> None:
    server.answer = json_answer(body, status)
    error = failure(server, TEAMS)
    assert type(error) is cls, repr(error)
    for needle in needles:
        assert needle in str(error)


@pytest.mark.parametrize(
    ("status", "data", "cls", "needle"),
    [
        (404, b"<html>Not Found</html>", WrongEndpointError, "unexpected HTTP 404: an HTML page"),
        (405, b"Method Not Allowed", WrongEndpointError, "unexpected HTTP 405: not JSON"),
        (403, b"<!DOCTYPE html><p>blocked", WrongEndpointError, "unexpected HTTP 403: an HTML"),
        (400, b"bad", MalformedResponseError, "unexpected HTTP 400: not JSON"),
        (503, b"down", UnavailableError, "HTTP 503"),
    ],
)
def test_http_errors_without_a_retcode_body(
    server: LocalAPI, status: int, data: bytes, cls: type[CompShareError], needle: str
) -> None:
    server.answer = raw_answer(data, status)
    error = failure(server, TEAMS)
    assert type(error) is cls and needle in str(error)


def test_retcode_as_text_is_read(server: LocalAPI) -> None:
    server.answer = json_answer({"RetCode": "0", "Teams": [{"Id": "1001", "CompanyId": "50001"}]})
    with client_for(server) as client:
        assert [t.id for t in client.list_teams()] == [1001]
    server.answer = json_answer({"RetCode": "8404", "Message": "team 1 does not exist"})
    assert isinstance(failure(server, TEAMS), NotFoundError)


def test_a_huge_message_is_cut(server: LocalAPI) -> None:
    server.answer = json_answer({"RetCode": 8500, "Message": "x" * 1_000_000})
    error = failure(server, TEAMS)
    assert "characters)" in str(error) and len(str(error)) < 1200


def test_empty_team_is_not_found(server: LocalAPI) -> None:
    for team in ({}, None, ""):
        server.answer = envelope(Team=team, TeamRelation=[])
        error = failure(server, lambda c: c.get_team_info(team_id=4242))
        assert isinstance(error, NotFoundError) and "team 4242 does not exist" in str(error)


# ------------------------------------------------------------------ size and time


def test_a_declared_2_gib_answer_is_refused_without_reading_it(server: LocalAPI) -> None:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(2 * 1024**3))
        handler.end_headers()
        handler.wfile.write(b'{"RetCode": 0, "Teams": [' + b" " * 65536)

    server.answer = answer
    # The server keeps the connection open after 64 KiB: a client that read the body would wait
    # until its deadline and fail with UnavailableError (no answer within the deadline) instead.
    error = failure(server, TEAMS, timeout=5)
    assert isinstance(error, MalformedResponseError)
    assert "2147483648 bytes, more than the 16 MiB allowed" in str(error)


def test_an_endless_chunked_answer_is_cut_at_the_cap(server: LocalAPI) -> None:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b" " * 65536
        for _ in range(200):  # 12.5 MiB, more than the 1 MiB cap of this client
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    server.answer = answer
    error = failure(server, TEAMS, max_response_bytes=1024 * 1024)
    assert isinstance(error, MalformedResponseError)
    assert "more than the 1 MiB allowed" in str(error)


TRICKLED: list[int] = []
"""How many bytes the trickling answers below have sent (one byte every 0.25 s, 1000 bytes)."""


def _trickle_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    for _ in range(1000):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        TRICKLED.append(1)
        time.sleep(0.25)


def _trickle_headers(handler: BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"s" * 1000:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        TRICKLED.append(1)
        time.sleep(0.25)


@pytest.mark.parametrize("answer", [_trickle_body, _trickle_headers], ids=["body", "headers"])
def test_a_trickling_server_cannot_hold_a_call_past_its_deadline(
    server: LocalAPI, answer: Answer
) -> None:
    """Each byte comes before any per-read timeout, so only the call's deadline can end it: the
    call fails saying so while the server is still trickling (it would need 250 s for its 1000
    bytes). Progress, not elapsed time, is asserted: a bound on the time would flake under load."""
    server.answer = answer
    TRICKLED.clear()
    error = failure(server, TEAMS, timeout=1.5, retry=RetryPolicy(max_attempts=5, base_delay=0.01))
    sent = len(TRICKLED)
    assert isinstance(error, UnavailableError)
    assert "deadline of 1.5 s" in str(error) and "compshare:timeoutSeconds" in str(error)
    assert 0 < sent < 1000, sent
    assert server.hits == 1  # the deadline, spent on the first attempt, left no time for a retry


def test_the_deadline_covers_retries(server: LocalAPI) -> None:
    server.answer = raw_answer(b"down", 503)
    """The pauses before retries 1, 2, 3... are at least 0.1, 0.2, 0.2... s (half of each
    ceiling), so a 1 s deadline leaves room for at most 6 attempts of the 50 allowed: the client
    gives up at the deadline, says so and how many attempts it made (counted, not timed)."""
    patient = RetryPolicy(max_attempts=50, base_delay=0.2, max_delay=0.4)
    error = failure(server, TEAMS, timeout=1.0, retry=patient)
    assert isinstance(error, UnavailableError)
    assert "deadline of 1 s (compshare:timeoutSeconds) passed" in str(error)
    assert f"gave up after {server.hits} attempts" in str(error)
    assert 1 <= server.hits <= 6


@pytest.mark.parametrize(
    "url", ["api.compshare.cn", "file:///etc/passwd", "ftp://api.compshare.cn", "https://", ""]
)
def test_a_base_url_that_can_never_work_is_refused_at_once(url: str) -> None:
    with pytest.raises(ValueError, match=r"http:// or https://|no host"):
        CompShareClient(Credentials("pk", "sk"), base_url=url)


def test_closed_port_is_a_network_failure_not_a_configuration_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = CompShareClient(
        Credentials("pk", "sk"), base_url=f"http://127.0.0.1:{port}", retry=FAST
    )
    with pytest.raises(UnavailableError, match="cannot connect"):
        client.list_teams()


# ------------------------------------------------------------------ recognised by code and words


@pytest.mark.parametrize(
    ("code", "message", "cls"),
    [
        (16001, "用户已在团队中", AlreadyMemberError),
        (8409, "account 50002 is already pending in team 1001", AlreadyMemberError),
        (230, "用户已在团队中", AlreadyMemberError),
        (230, "团队不存在", NotFoundError),
        (16002, "团队不存在", NotFoundError),
        (230, "record team not exists", NotFoundError),
        (8404, "team 1234 does not exist", NotFoundError),
        # The emulator's own codes (8403, 8404, 8409) mean nothing to production: words decide.
        (8404, "anything", CompShareAPIError),
        (8403, "anything", CompShareAPIError),
        (16003, "无权限操作该团队", PermissionDeniedError),
        (16003, "没有权限", PermissionDeniedError),
        (400, "No permission to perform action", PermissionDeniedError),
        (161, "Action [X] does not exist", InvalidParameterError),
        (172, "公钥对应的用户不存在", CompShareError),
        (230, "参数 [TeamId] 取值不合法", InvalidParameterError),
        (16005, "团队中还有成员,请先移除所有成员", CompShareAPIError),
    ],
)
def test_errors_are_recognised_by_code_and_by_words(
    code: int, message: str, cls: type[CompShareError]
) -> None:
    error = error_for_retcode("A", code, message)
    assert isinstance(error, cls), repr(error)
    if cls is CompShareAPIError:
        assert type(error) is CompShareAPIError
    if code == 172:
        assert not isinstance(error, NotFoundError)
