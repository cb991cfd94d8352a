"""Reading the raw answer: its body as JSON, what it is when it is not a CompShare answer, its
RetCode, and the Retry-After it asks for."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pydantic_core

from ..api.fields import kind_of

__all__ = [
    "describe_body",
    "is_html",
    "json_value",
    "kind_of",
    "ret_code_of",
    "retry_after",
    "size_text",
]


def retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, min(60.0, float(response.headers.get("Retry-After", 0))))
    except ValueError:
        return 0.0


def json_value(body: bytes) -> Any:
    """The body as JSON (any value); ``None`` if it is empty or not JSON (:func:`describe_body` says
    why)."""
    if not body.strip():
        return None
    try:
        # pydantic-core's parser is about twice as fast. What it accepts, json.loads reads to the
        # same value (tests/client/test_answers.py); the rest (lone surrogates, a BOM, UTF-16,
        # nesting deeper than its limit, malformed text) goes to json.loads as before.
        return pydantic_core.from_json(body)
    except ValueError:
        pass
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def is_html(body: bytes) -> bool:
    """Whether ``body`` is a web page (a site or a proxy answered, not the API)."""
    head = body.lstrip()[:200].lower()
    return head.startswith(b"<!doctype html") or b"<html" in head


def describe_body(body: bytes, response: httpx.Response) -> str:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
    if not body.strip():
        return f"empty ({content_type})"
    if is_html(body):
        return f"an HTML page, not JSON ({content_type})"
    try:
        parsed = json.loads(body)
    except RecursionError:
        return "JSON nested too deeply"
    except (ValueError, UnicodeDecodeError):
        return f"not JSON ({content_type}, {len(body)} bytes)"
    if isinstance(parsed, dict):
        return "a JSON object with no RetCode, not a CompShare answer"
    return f"{kind_of(parsed)}, not a JSON object"


_RET_CODE_TEXT = re.compile(r"-?[0-9]{1,12}")


def ret_code_of(value: Any) -> int | None:
    """RetCode as an int; it may arrive as text (the Go SDK patches for it). ``None``: not a
    number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, str) and _RET_CODE_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def size_text(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count >= 1024 * 1024 else f"{count} bytes"
