"""Reading the raw answer: its body decoded within the size cap, as JSON, what it is when it is
not a CompShare answer, its RetCode, and the Retry-After it asks for."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpx
import pydantic_core

from ..api.rules import kind_of

__all__ = [
    "DECODED_CODINGS",
    "MAX_CODINGS",
    "AnswerTooLarge",
    "CorruptEncoding",
    "codings_of",
    "decoded",
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
        unread = [c for c in codings_of(response.headers) if c not in DECODED_CODINGS]
        if unread:
            named = ", ".join(repr(c[:40]) for c in unread[:3])
            return (
                f"not JSON ({content_type}, {len(body)} bytes, with Content-Encoding {named}, "
                "which the client does not decode: it asks for gzip or deflate)"
            )
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


# ------------------------------------------------------------ the body, decoded within the cap

DECODED_CODINGS = frozenset({"gzip", "deflate"})
"""The content codings the client undoes (``x-gzip`` reads as ``gzip``)."""
MAX_CODINGS = 4
"""An answer encoded more times than this is refused (each layer holds a zlib state)."""
PIECE = 64 * 1024
"""The most bytes one step of decoding produces: the cap is checked between steps."""

_GZIP_MAGIC = b"\x1f\x8b"


class AnswerTooLarge(Exception):
    """The answer, or one of its layers of content coding, is larger than the cap."""


class CorruptEncoding(Exception):
    """The answer's compressed data cannot be decoded (the text says why)."""


def codings_of(headers: httpx.Headers) -> list[str]:
    """The answer's content codings in the order the server applied them (``Content-Encoding``
    read as a list, lower case, ``identity`` and empty entries left out, ``x-gzip`` as ``gzip``)."""
    codings = []
    for value in headers.get_list("content-encoding", split_commas=True):
        coding = value.strip().lower()
        if coding and coding != "identity":
            codings.append("gzip" if coding == "x-gzip" else coding)
    return codings


def decoded(raw: Iterable[bytes], codings: Sequence[str], cap: int) -> Iterator[bytes]:
    """The body, from ``raw`` (its bytes as they arrive), with ``codings`` (of
    :data:`DECODED_CODINGS`, as the server applied them) undone piece by piece.

    No layer, the bytes on the wire included, may exceed ``cap`` bytes, and every layer is
    decoded at most :data:`PIECE` bytes at a time, so a compression bomb (a megabyte that
    inflates to a gigabyte, or gzip of gzip: a kilobyte to a gigabyte) raises
    :class:`AnswerTooLarge` after at most ``cap`` bytes of any layer were produced, whatever one
    network chunk holds; corrupt or cut compressed data raises :class:`CorruptEncoding`.
    """
    stream = _capped(raw, cap)
    for coding in reversed(codings):
        stream = _capped(_inflate(stream, coding), cap)
    return stream


def _capped(stream: Iterable[bytes], cap: int) -> Iterator[bytes]:
    total = 0
    for piece in stream:
        total += len(piece)
        if total > cap:
            raise AnswerTooLarge
        yield piece


def _inflate(stream: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """``stream`` with one layer of ``gzip`` or ``deflate`` undone. gzip may hold several
    members (RFC 1952: they decode to their concatenation); bytes after the end of the data that
    start no member are ignored, as httpx does."""
    gzip = coding == "gzip"
    inflater: zlib._Decompress | None = None  # the decompressor of the member being read
    head = b""  # the first bytes of a member, until there are enough to tell what it is
    members = 0
    for chunk in stream:
        data = chunk
        while data:
            if inflater is None:
                head += data
                if len(head) < 2:
                    break
                if members and not (gzip and head.startswith(_GZIP_MAGIC)):
                    return  # trailing bytes: the data has ended
                inflater = zlib.decompressobj(_wbits(gzip, head))
                data, head = head, b""
                members += 1
            try:
                yield from _drain(inflater, data)
            except zlib.error as exc:
                raise CorruptEncoding(f"its {coding} data is corrupt ({exc})") from None
            data = b""
            if inflater.eof:
                data, inflater = inflater.unused_data, None
    if (inflater is not None and not inflater.eof) or (head and not members):
        raise CorruptEncoding(f"its {coding} data ends early")


def _drain(inflater: zlib._Decompress, data: bytes) -> Iterator[bytes]:
    """Feed ``data`` to ``inflater``; its output, at most :data:`PIECE` bytes at a time, until
    it holds no more (or its data ends)."""
    while True:
        out = inflater.decompress(data, PIECE)
        data = inflater.unconsumed_tail
        if out:
            yield out
        if inflater.eof or (not data and len(out) < PIECE):
            return


def _wbits(gzip: bool, head: bytes) -> int:
    """zlib's window bits for data starting with ``head``: gzip; deflate in its zlib wrapper as
    RFC 9110 says, or bare, as some servers send it (httpx reads both)."""
    if gzip:
        return 16 + zlib.MAX_WBITS
    cmf, flg = head[0], head[1]
    wrapped = cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
