"""Property-based fuzzing of the emulator with malformed requests over real HTTP.

Hypothesis builds requests: known, unknown, blank or missing Actions; parameter sets with
required fields missing, wrong types, huge and negative numbers, fractions, unicode, empty and
very long strings, too many list items and nested keys; form, JSON and query-string encodings;
correct, wrong, tampered and missing signatures; random paths and content types; garbage bodies
(invalid JSON, binary, deep nesting, chunked, oversized) and bad ``Content-Length`` headers.

Every answer must be HTTP 200 with a JSON object holding an int ``RetCode`` and a one-line str
``Message``, no traceback anywhere, no internal error counted by the emulator, and RetCode 0 only
for a correctly signed request. Fault injection is off.
Requests go over one keep-alive client, some with ``Connection: close``, so a connection that
outlives a bad request is exercised too.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pulumi_compshare.api import wire
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.emulator.server import MAX_BODY_BYTES
from pulumi_compshare.emulator.state import ACTIONS

from ..strategies import example_counts, json_scalars, json_values, short_texts, wire_texts

OWNER, ALICE, CAROL = 50001, 50002, 50004
TIMEOUT = 10.0

FUZZ = settings(  # examples (example_counts): 1600 well-framed API requests, 300 garbage bodies
    # and 300 framing errors in the slow run; 200, 100 and 100 by default
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
        stats = emulator.stats()
        assert stats["internal_errors"] == 0
        assert stats["faults"] == {}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=TIMEOUT) as client:
        yield client


# ------------------------------------------------------------------------------ requests


@dataclass
class Request:
    """One HTTP request to the API, and whether it is correctly signed by a known account."""

    method: str
    path: str
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    signed: bool = False
    raw: bool = False
    """Send over a plain socket (headers exactly as given, e.g. a bad Content-Length)."""


PARAMS = (
    "TeamId",
    "VirtualCompanyId",
    "Name",
    "Description",
    "Status",
    "UserCompanyId",
    "RemarkName",
    "BeginTime",
    "EndTime",
    "Limit",
    "Offset",
    "OrderByASC",
    "CompShareImageId",
    "Zone",
    "ProjectId",
)
LISTS = ("AddAccounts", "RemoveAccounts", "OperateType", "Status")
PLAUSIBLE: dict[str, tuple[str, ...]] = {
    "TeamId": ("1001", "1002", "1003"),
    "VirtualCompanyId": ("60001", "60002"),
    "Name": ("team", "t2", " "),
    "Description": ("", "d"),
    "Status": ("Send", "Agree", "Reject", "Cancel", "UpdateRemarkName", "Joined", "pending"),
    "UserCompanyId": ("50002", "50003", "50004", "50001", "99999"),
    "RemarkName": ("", "r"),
    "BeginTime": ("0",),
    "EndTime": ("9999999999", "1"),
    "Limit": ("1", "10", "100"),
    "Offset": ("0", "1"),
    "OrderByASC": ("true", "false"),
    "CompShareImageId": ("compshareImage-abc", "compshareImage-def"),
    "Zone": ("cn-wlcb-01",),
}
"""Values that pass validation, so that requests also reach the actions' state logic."""


@st.composite
def param_sets(draw: st.DrawFn, scalar: st.SearchStrategy[Any]) -> dict[str, Any]:
    """An action's parameters: known names (any subset), long lists, records and stray keys.

    List items and records take short values (51 items of 100k characters would be 30 MB)."""
    item_values = st.one_of(short_texts, json_scalars) if scalar is json_values else short_texts
    params: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(PARAMS), max_size=len(PARAMS), unique=True)):
        plausible = PLAUSIBLE.get(name)
        if plausible is not None and draw(st.integers(0, 2)) > 0:
            params[name] = draw(st.sampled_from(plausible))
        else:
            params[name] = draw(scalar)
    for prefix in draw(st.lists(st.sampled_from(LISTS), max_size=2, unique=True)):
        count = draw(st.sampled_from([0, 1, 2, 10, 11, 50, 51]))
        items = [draw(item_values)] * count
        if count:  # one item that differs, anywhere in the list
            items[draw(st.integers(min_value=0, max_value=count - 1))] = draw(item_values)
        params.update({f"{prefix}.{index}": item for index, item in enumerate(items)})
        if draw(st.booleans()):
            params[prefix] = draw(scalar)  # a bare key next to (or instead of) the list
    records = draw(st.sampled_from([0, 0, 1, 3, 51]))
    if records:
        user, remark = draw(item_values), draw(st.one_of(st.none(), item_values))
        for index in range(records):
            params[f"UserInfo.{index}.UserCompanyId"] = user
            if remark is not None:
                params[f"UserInfo.{index}.RemarkName"] = remark
        params[f"UserInfo.{draw(st.integers(0, records - 1))}.UserCompanyId"] = draw(item_values)
    stray = st.one_of(
        st.text(max_size=10),
        st.sampled_from(["A.B.C", "UserInfo.x.y", "AddAccounts.-1", "AddAccounts.0.x", ".", ""]),
    )
    params.update(draw(st.dictionaries(stray, scalar, max_size=3)))
    return params


actions = st.integers(min_value=0, max_value=9).flatmap(
    lambda n: (
        st.sampled_from(ACTIONS)
        if n < 7
        else st.one_of(
            st.none(),
            st.sampled_from(
                ["", " ", "listcompshareteam", "ListCompShareTeam ", "Foo", "ListCompShareTeam\n"]
            ),
            st.text(max_size=20),
            st.tuples(st.sampled_from(ACTIONS), st.sampled_from(["\n", " ", "\x00", "é"])).map(
                "".join
            ),
        )
    )
)
SIGNATURES = (
    "valid",
    "valid",
    "valid",
    "upper",
    "missing",
    "empty",
    "garbage",
    "wrong-key",
    "tampered",
    "unknown-public-key",
    "no-public-key",
)
CONTENT_TYPES = (
    None,
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/json",
    "application/json; charset=utf-8",
    "application/vnd.api+json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "",
    "garbage/;;;",
)
paths = st.one_of(
    st.just("/"),
    st.just("/"),
    st.sampled_from(["", "//", "/api", "/?", "/index.html", "/_emulatorx", "/..", "/%00"]),
    st.lists(st.text(max_size=6), max_size=3).map(
        lambda parts: "/" + "/".join(quote(p, safe="") for p in parts)
    ),
)


def _sign(em: Emulator, who: int, fields: dict[str, str], mode: str) -> tuple[dict[str, str], bool]:
    """Add PublicKey and Signature per ``mode``; return the fields and whether they are valid."""
    account = em.account(who)
    fields = dict(fields)
    if mode == "no-public-key":
        fields.pop("PublicKey", None)
    elif mode == "unknown-public-key":
        fields["PublicKey"] = "no-such-public-key"
    else:
        fields["PublicKey"] = account.public_key
    try:
        signature = wire.sign(fields, account.private_key)
    except UnicodeEncodeError:  # a lone surrogate cannot be signed: send it unsigned
        return fields, False
    if mode == "missing":
        return fields, False
    fields["Signature"] = {
        "valid": signature,
        "upper": f"  {signature.upper()} ",
        "empty": "",
        "garbage": "0" * 40,
        "wrong-key": wire.sign(fields, "not-the-private-key"),
        "tampered": signature,
        "unknown-public-key": signature,
        "no-public-key": signature,
    }[mode]
    if mode == "tampered":
        fields["Tampered"] = "1"
    valid = mode in ("valid", "upper")
    return fields, valid


def _form(fields: dict[str, str]) -> bytes:
    return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")


@st.composite
def api_requests(draw: st.DrawFn, em: Emulator) -> Request:
    """A well-framed HTTP request: form, JSON or query encoding, any signature."""
    encoding = draw(st.sampled_from(["form", "form", "json", "query", "action-in-query"]))
    # Query strings stay short: http.server refuses request lines over 64 KiB before the API.
    scalar = {"json": json_values, "query": short_texts}.get(encoding, wire_texts)
    params = draw(param_sets(scalar))
    action = draw(actions)
    if action is not None:
        params["Action"] = action
    if draw(st.integers(min_value=0, max_value=4)):
        params["Region"] = "cn-wlcb"
    elif draw(st.booleans()):
        params["Region"] = draw(short_texts)
    mode = draw(st.sampled_from(SIGNATURES))
    who = draw(st.sampled_from([OWNER, OWNER, ALICE, CAROL]))
    try:
        flat = wire.flatten(params)
    except RecursionError:  # pragma: no cover - max_leaves keeps nesting shallow
        flat = {}
    fields, valid = _sign(em, who, flat, mode)
    method = draw(st.sampled_from(["POST", "POST", "GET"]))
    path = draw(paths)
    headers: dict[str, str] = {}
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    body: bytes | None
    if encoding == "json":
        # The JSON body carries the unflattened values; the emulator flattens them the same way.
        document = {
            **params,
            **{k: v for k, v in fields.items() if k in ("PublicKey", "Signature", "Tampered")},
        }
        body = json.dumps(document).encode()
        content_type = draw(st.sampled_from(["application/json", "application/problem+json"]))
    elif encoding == "form":
        body = _form(fields)
    elif encoding == "query":
        path = f"{path.split('?')[0] or '/'}?{_form(fields).decode()}"
        body = None
    else:
        query = {"Action": fields.pop("Action")} if "Action" in fields else {}
        path = f"{path.split('?')[0] or '/'}?{_form(query).decode()}"
        body = _form(fields)
    if content_type is not None:
        headers["Content-Type"] = content_type
        if body and encoding != "json" and "json" in content_type:
            valid = False  # a form body declared as JSON is rejected as bad JSON
    if draw(st.booleans()):
        headers["Connection"] = "close"
    return Request(method, path, body, headers, signed=valid)


garbage_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=100).map(str.encode),
    st.sampled_from(
        [
            b"{",
            b"}",
            b"[]",
            b"null",
            b"1",
            b'"Action"',
            b"{'Action': 'ListCompShareTeam'}",
            b'{"Action": "ListCompShareTeam",}',
            b"NaN",
            b"\xff\xfe\x00",
            b"Action=ListCompShareTeam&&&==&%zz&%",
            b"\x00" * 100,
        ]
    ),
    st.sampled_from([1, 10, 100, 500, 1_000, 2_000, 5_000]).map(lambda n: b"[" * n + b"]" * n),
    st.sampled_from([1, 10, 100, 500, 1_000, 2_000, 5_000]).map(
        lambda n: b'{"a":' * n + b"1" + b"}" * n
    ),
    st.just(b"Action=" + b"x" * (MAX_BODY_BYTES + 1)),
)


@st.composite
def garbage_requests(draw: st.DrawFn) -> Request:
    """A body that is not a form or JSON object, under any content type and path."""
    headers: dict[str, str] = {}
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type is not None:
        headers["Content-Type"] = content_type
    if draw(st.booleans()):
        headers["Connection"] = "close"
    return Request(
        draw(st.sampled_from(["POST", "GET"])), draw(paths), draw(garbage_bodies), headers
    )


@st.composite
def raw_requests(draw: st.DrawFn) -> Request:
    """Framing the HTTP client would not produce: bad Content-Length, chunked, short bodies."""
    body = draw(st.sampled_from([b"", b"Action=ListCompShareTeam", b'{"Action": 1}', b"x" * 64]))
    length = draw(
        st.sampled_from(
            [
                None,
                "",
                "abc",
                "-1",
                " 5 ",
                "1e3",
                "0x10",
                str(10**20),
                str(MAX_BODY_BYTES + 1),
                str(len(body)),
                str(len(body) + 10),
                str(max(len(body) - 3, 0)),
            ]
        )
    )
    headers = {"Host": "emulator", "Connection": "close"}
    if length is not None:
        headers["Content-Length"] = length
    if draw(st.booleans()):
        headers["Transfer-Encoding"] = draw(st.sampled_from(["chunked", "gzip", "identity"]))
    headers["Content-Type"] = draw(st.sampled_from(["application/json", "text/plain", "x/y"]))
    return Request(draw(st.sampled_from(["POST", "GET"])), "/", body, headers, raw=True)


# ------------------------------------------------------------------------------ sending


def _send_raw(em: Emulator, request: Request) -> tuple[int, bytes]:
    """Send exactly these bytes; read until the server closes. Returns (status, body)."""
    address = urlsplit(em.url)
    assert address.hostname is not None and address.port is not None
    head = f"{request.method} {request.path} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in request.headers.items()
    )
    with socket.create_connection((address.hostname, address.port), timeout=TIMEOUT) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + (request.body or b""))
        sock.shutdown(socket.SHUT_WR)
        chunks: list[bytes] = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    header, _, body = response.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1])
    return status, body


def _send(em: Emulator, http: httpx.Client, request: Request) -> tuple[int, bytes]:
    if request.raw:
        return _send_raw(em, request)
    response = http.request(
        request.method, em.url + request.path, content=request.body, headers=request.headers
    )
    return response.status_code, response.content


def _assert_answer(em: Emulator, http: httpx.Client, request: Request) -> int:
    """Send ``request`` and check the answer's envelope; return its RetCode."""
    before = em.stats()["internal_errors"]
    status, raw = _send(em, http, request)
    assert b"Traceback" not in raw
    assert status == 200, (status, raw[:300])
    body = json.loads(raw)
    assert isinstance(body, dict), body
    code, message = body.get("RetCode"), body.get("Message")
    assert type(code) is int, body
    assert isinstance(message, str), body
    assert "\n" not in message and "\r" not in message, f"multi-line Message: {message!r}"
    if code == 0:
        assert request.signed, f"RetCode 0 for a request that is not correctly signed: {body}"
        assert message == ""
    else:
        assert message, f"RetCode {code} without a message"
    assert em.stats()["internal_errors"] == before, f"internal error: {body}"
    return code


# ------------------------------------------------------------------------------ properties


@example_counts(full=1600, default=60)
def test_every_api_request_gets_a_retcode_and_a_message(
    em: Emulator, http: httpx.Client, examples: int
) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        request = data.draw(api_requests(em), label="request")
        event(f"RetCode {_assert_answer(em, http, request)}")

    run()


@example_counts(full=300, default=40)
def test_garbage_bodies_get_a_retcode_and_a_message(
    em: Emulator, http: httpx.Client, examples: int
) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(request=garbage_requests())
    def run(request: Request) -> None:
        event(f"RetCode {_assert_answer(em, http, request)}")

    run()


@example_counts(full=300, default=40)
def test_bad_framing_gets_a_retcode_and_a_message(
    em: Emulator, http: httpx.Client, examples: int
) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(request=raw_requests())
    def run(request: Request) -> None:
        event(f"RetCode {_assert_answer(em, http, request)}")

    run()


def test_correctly_signed_calls_succeed(em: Emulator, http: httpx.Client) -> None:
    """The fuzz test's RetCode 0 branch is reachable with this request builder."""
    fields, valid = _sign(em, OWNER, {"Action": "ListCompShareTeam", "Region": "cn-wlcb"}, "valid")
    assert valid
    response = http.post(em.url, content=_form(fields), headers={"Content-Type": ""})
    assert response.json()["RetCode"] == 0


# ------------------------------------------------------------------------------ reproducers


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def _signed_form(em: Emulator, params: dict[str, str]) -> bytes:
    fields, _ = _sign(em, OWNER, {"Region": "cn-wlcb", **params}, "valid")
    return _form(fields)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 5000 + b"]" * 5000, id="deep-json-array"),
        pytest.param(json.dumps({"Action": "\ud800"}).encode(), id="json-lone-surrogate"),
    ],
)
def test_json_bodies_found_by_the_fuzzer(fresh: Emulator, http: httpx.Client, body: bytes) -> None:
    request = Request("POST", "/", body, {"Content-Type": "application/json"})
    _assert_answer(fresh, http, request)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"Action": "Foo\nBar"}, id="unknown-action-with-newline"),
        pytest.param(
            {
                "Action": "DescribeCompShareImageShareAccounts",
                "CompShareImageId": "compshareImage-abc\n",
            },
            id="image-id-with-trailing-newline",
        ),
        pytest.param(
            {
                "Action": "ModifyCompShareImageShareAccount",
                "CompShareImageId": "compshareImage-abc",
                "AddAccounts.0\n": "x",
            },
            id="list-key-with-trailing-newline",
        ),
    ],
)
def test_signed_requests_found_by_the_fuzzer(
    fresh: Emulator, http: httpx.Client, params: dict[str, str]
) -> None:
    request = Request("POST", "/", _signed_form(fresh, params), signed=True)
    _assert_answer(fresh, http, request)
