"""Reading an answer's body as JSON: :func:`json_value` parses with pydantic-core first (fast) and
falls back to ``json.loads``; whatever it reads must be exactly what ``json.loads`` reads, and a
body ``json.loads`` refuses must still read as ``None``."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_compshare.client._answers import json_value

from ..strategies import json_values


def _loads(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1`` is not ``1.0``, ``-0.0`` is not
    ``0.0``, NaN is NaN), with the same key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    return bool(a == b)


EDGE_BODIES = [
    b'{"a": 1, "a": 2}',
    b'{"a": 1, "b": 2, "a": 3}',
    b"1e400",
    b"[-1e400, 1e-400, 4.9e-324, 1.7976931348623159e308]",
    b"[NaN, Infinity, -Infinity]",
    b"nan",
    b"123456789012345678901234567890",
    b"9007199254740993",
    b"-0",
    b"-0.0",
    b"[1.0, 1e2, 1E2, 0.1]",
    b"01",
    b"1.",
    b".5",
    b"+1",
    b'"\\ud800"',
    b'"\\udc00\\ud800"',
    b'"\\ud83d\\ude00"',
    b'"a\x01b"',
    b'"\\u0000"',
    b"[1,]",
    b'{"a": 1,}',
    b"[1] x",
    b" \t[1]\r\n ",
    b"\x0c[1]",
    b'\xef\xbb\xbf{"a": 1}',
    b'"\xed\xa0\x80"',
    b'"\xff"',
    '{"RetCode": 0, "Message": "用户已在团队中"}'.encode(),
    '{"RetCode": 0}'.encode("utf-16"),
    '{"RetCode": 0}'.encode("utf-16-le"),
    b"1" * 5000,
    b"[" * 300 + b"]" * 300,
    b'{"a":' * 250 + b"1" + b"}" * 250,
    b"[" * 100_000 + b"]" * 100_000,
    b"",
    b"  ",
]


@pytest.mark.parametrize("body", EDGE_BODIES, ids=range(len(EDGE_BODIES)))
def test_json_value_reads_what_json_loads_reads(body: bytes) -> None:
    expected = _loads(body) if body.strip() else None
    assert _same(json_value(body), expected)


@given(json_values, st.booleans())
def test_json_value_matches_json_loads_on_json(value: Any, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert _same(json_value(body), _loads(body))


@given(
    json_values,
    st.lists(
        st.tuples(st.integers(min_value=0), st.binary(max_size=2)),
        min_size=1,
        max_size=4,
    ),
)
def test_json_value_matches_json_loads_on_damaged_json(
    value: Any, edits: list[tuple[int, bytes]]
) -> None:
    body = bytearray(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    for position, replacement in edits:
        at = position % (len(body) + 1)
        body[at : at + 1] = replacement
    data = bytes(body)
    expected = _loads(data) if data.strip() else None
    assert _same(json_value(data), expected)
