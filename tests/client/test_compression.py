"""Compressed answers: gzip and deflate (and gzip of gzip) are read, and the size cap holds for
the bytes as they are decoded, so a compression bomb fails fast without the process ever holding
much more than the cap (issue 18, item 8).

httpx decodes a network chunk whole and stacked codings whole again: 2.5 KB of ``gzip, gzip``
became 1 GiB in memory (the process peaked at 2 GiB) before the cap on the decoded body could
fire. The client now reads the raw bytes and decodes them a piece at a time
(``pulumi_compshare/client/_answers.py``: ``decoded``). The bombs are served by the local API
(``tests/client/local_api.py``); the peak memory of a call is read in a fresh Python process
(``VmHWM``, no clock involved), through the client, a lookup and a provider's read: all three
share the one send path."""

from __future__ import annotations

import functools
import gzip
import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from pulumi_compshare.client import CompShareClient, MalformedResponseError, NotFoundError

from .local_api import Answer, LocalAPI, client_for, raw_answer

MIB = 1 << 20
ZEROS = bytes(MIB)
TEAMS: Callable[[CompShareClient], Any] = lambda c: c.list_teams()  # noqa: E731
ANSWER = json.dumps(
    {"Action": "ListCompShareTeamResponse", "RetCode": 0, "Teams": [{"Id": 7, "CompanyId": 9}]}
).encode()


@functools.cache
def gzip_of_zeros(mib: int) -> bytes:
    """gzip of ``mib`` MiB of zero bytes (1 GiB: about 1 MB), built without compressing them
    all: after a full flush the compressor starts afresh, so every further MiB compresses to the
    bytes of the second one. The trailer (CRC and length) is that of the whole."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = packer.compress(ZEROS) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(ZEROS) + packer.flush(zlib.Z_FULL_FLUSH)
    last_block = packer.flush()[:-8]  # the trailer it writes is for two MiB
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(ZEROS, crc)
    trailer = struct.pack("<II", crc, (mib * MIB) & 0xFFFFFFFF)
    return first + again * (mib - 1) + last_block + trailer


def bomb(kind: str) -> tuple[bytes, str]:
    """(the body, its Content-Encoding): 1 GiB of zeros as one gzip (about 1 MB) or as gzip of
    that gzip (a few KB)."""
    single = gzip_of_zeros(1024)
    if kind == "gzip":
        return single, "gzip"
    return gzip.compress(single, 9), "gzip, gzip"


def encoded(data: bytes, encoding: str, *, chunk: int = 0) -> Answer:
    """``data`` sent with ``Content-Encoding: encoding`` (``chunk``: in chunks of this many
    bytes, chunked transfer encoding, else in one piece with a Content-Length)."""
    if not chunk:
        return raw_answer(data, 200, "application/json", [("Content-Encoding", encoding)])

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", encoding)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for start in range(0, len(data), chunk):
            piece = data[start : start + chunk]
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            handler.wfile.flush()
        handler.wfile.write(b"0\r\n\r\n")

    return answer


def deflate(data: bytes, *, bare: bool = False) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS if bare else zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def read_teams(server: LocalAPI, **kwargs: Any) -> list[tuple[int, int]]:
    with client_for(server, **kwargs) as client:
        return [(t.id, t.company_id) for t in client.list_teams()]


def failure(server: LocalAPI, **kwargs: Any) -> MalformedResponseError:
    with client_for(server, **kwargs) as client, pytest.raises(MalformedResponseError) as caught:
        client.list_teams()
    text = str(caught.value)
    assert "\n" not in text and len(text) < 600 and "ListCompShareTeam" in text, text
    return caught.value


def test_the_bomb_is_what_it_says() -> None:
    assert gzip.decompress(gzip_of_zeros(3)) == bytes(3 * MIB)
    single, _ = bomb("gzip")
    stacked, _ = bomb("gzip, gzip")
    assert len(single) < 1_100_000 and len(stacked) < 4_000
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert len(inflater.decompress(single[:65536])) > 60 * MIB  # what httpx did with a chunk


# ------------------------------------------------------------------ what a server may send


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip", gzip.compress(ANSWER)),
        ("GZip", gzip.compress(ANSWER)),
        ("x-gzip", gzip.compress(ANSWER)),
        ("deflate", deflate(ANSWER)),
        ("deflate", deflate(ANSWER, bare=True)),
        ("identity", ANSWER),
        ("identity, gzip", gzip.compress(ANSWER)),
        ("gzip, gzip", gzip.compress(gzip.compress(ANSWER))),
        ("gzip, deflate", deflate(gzip.compress(ANSWER))),
        ("gzip", gzip.compress(ANSWER[:20]) + gzip.compress(ANSWER[20:])),  # two members
        ("gzip", gzip.compress(ANSWER) + b"\r\n"),  # bytes after the data are ignored
        ("utf-8", ANSWER),  # a coding the client does not know leaves the body as sent
    ],
    ids=[
        "gzip",
        "case",
        "x-gzip",
        "deflate",
        "bare-deflate",
        "identity",
        "identity-gzip",
        "gzip-gzip",
        "gzip-deflate",
        "members",
        "trailing",
        "unknown",
    ],
)
@pytest.mark.parametrize("chunk", [0, 1, 7], ids=["whole", "bytewise", "chunks-of-7"])
def test_encoded_answers_are_read(server: LocalAPI, encoding: str, data: bytes, chunk: int) -> None:
    server.answer = encoded(data, encoding, chunk=chunk)
    assert read_teams(server) == [(7, 9)]
    assert server.hits == 1


def test_the_client_asks_for_what_it_decodes(server: LocalAPI) -> None:
    assert read_teams(server) == []
    assert server.request_headers["Accept-Encoding"] == "gzip, deflate"


def test_a_large_answer_inflates_piece_by_piece(server: LocalAPI) -> None:
    padding = "x" * (5 * MIB)  # one network chunk of gzip holds far more than a piece
    body = json.dumps({"RetCode": 8404, "Message": "team 1 does not exist", "Pad": padding})
    server.answer = encoded(gzip.compress(body.encode()), "gzip")
    with client_for(server) as client, pytest.raises(NotFoundError):
        client.list_teams()


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip", "deflate"])
def test_the_cap_is_exact_for_the_decoded_answer(server: LocalAPI, encoding: str) -> None:
    cap = 100_000
    fill = cap - len(ANSWER)
    exact = ANSWER[:-1] + b', "Pad": "' + b"x" * (fill - 11) + b'"}'
    assert len(exact) == cap
    compress = deflate if encoding == "deflate" else gzip.compress
    for _ in encoding.split(","):
        exact = compress(exact)
    server.answer = encoded(exact, encoding)
    assert read_teams(server, max_response_bytes=cap) == [(7, 9)]
    error = failure(server, max_response_bytes=cap - 1)
    assert f"the answer is more than the {cap - 1} bytes allowed" in str(error)
    assert f"(Content-Encoding: {encoding})" in str(error)


@pytest.mark.parametrize(
    ("encoding", "data", "said"),
    [
        ("gzip", b"not gzip at all", "its gzip data is corrupt"),
        ("gzip", gzip.compress(ANSWER)[:-5], "its gzip data ends early"),
        ("gzip", gzip.compress(ANSWER)[:1], "its gzip data ends early"),
        ("deflate", b"\xff\xff\xff\xff", "its deflate data is corrupt"),
        ("deflate", deflate(ANSWER)[:10], "its deflate data ends early"),
        ("gzip, gzip", gzip.compress(b"\x1f\x8bnot gzip"), "its gzip data is corrupt"),
    ],
    ids=["garbage", "cut", "one-byte", "deflate-garbage", "deflate-cut", "inner-garbage"],
)
def test_corrupt_compressed_answers_are_malformed(
    server: LocalAPI, encoding: str, data: bytes, said: str
) -> None:
    server.answer = encoded(data, encoding)
    error = failure(server)
    assert f"the answer cannot be decoded: {said}" in str(error)
    assert server.hits == 2  # a read is retried, as any answer that is not one


def test_a_coding_the_client_does_not_decode_is_named(server: LocalAPI) -> None:
    server.answer = encoded(b"\x8b\x02\x80{}\x03", "br")
    error = failure(server)
    assert "not JSON (application/json, 6 bytes, with Content-Encoding 'br'" in str(error)
    assert "which the client does not decode" in str(error)


def test_an_answer_encoded_over_and_over_is_refused(server: LocalAPI) -> None:
    data = ANSWER
    for _ in range(5):
        data = gzip.compress(data)
    server.answer = encoded(data, ", ".join(["gzip"] * 5))
    error = failure(server)
    assert "the answer is encoded 5 times" in str(error)
    assert "a CompShare answer is plain or gzip" in str(error)


# ------------------------------------------------------------------ bombs


@pytest.mark.parametrize("kind", ["gzip", "gzip, gzip"])
def test_a_bomb_fails_at_the_cap(server: LocalAPI, kind: str) -> None:
    data, encoding = bomb(kind)
    server.answer = encoded(data, encoding)
    error = failure(server)
    assert str(error).startswith(
        "ListCompShareTeam failed: the answer is more than the 16 MiB allowed "
        f"(Content-Encoding: {encoding});"
    )
    assert server.hits == 1  # not retried


_CHILD = """
import json, os, sys

import pulumi_compshare as compshare
from pulumi_compshare.client import CompShareClient, Credentials
from pulumi_compshare.resources.team import TeamProvider


def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field))


url = os.environ["COMPSHARE_BASE_URL"]
calls = {
    "client": lambda: CompShareClient(Credentials("pk", "sk"), base_url=url).list_teams(),
    "lookup": lambda: compshare.get_teams(),
    "provider": lambda: TeamProvider().read("1001", {"name": "t"}),
}
before = status("VmRSS:")  # now; the imports may have peaked higher
try:
    calls[sys.argv[1]]()
    error = None
except Exception as exc:
    error = f"{type(exc).__name__}: {exc}"
# This process's own high-water mark: not ru_maxrss, which a process started by fork and exec
# inherits from its parent (the test worker holds the bombs and more).
print(json.dumps({"before": before, "peak": status("VmHWM:"), "error": error}))
"""

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["client", "lookup", "provider"])
@pytest.mark.parametrize("kind", ["gzip", "gzip, gzip"])
def test_a_bomb_leaves_the_peak_memory_near_normal(server: LocalAPI, kind: str, path: str) -> None:
    """Each bomb would inflate to 1 GiB (before the fix, a process reading them as httpx decodes
    them peaked at 155 MiB for gzip, 2 GiB for gzip of gzip); the call's process peaks well
    under 200 MiB, and the call adds about the cap (16 MiB of body) at most."""
    data, encoding = bomb(kind)
    server.answer = encoded(data, encoding)
    host, port = server.server_address[:2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "COMPSHARE_BASE_URL": f"http://{host!s}:{port}",
        "COMPSHARE_PUBLIC_KEY": "pk",
        "COMPSHARE_PRIVATE_KEY": "sk",
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, path],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    action = "GetCompShareTeamInfo" if path == "provider" else "ListCompShareTeam"
    error = measured["error"]
    assert error is not None and action in error, error
    assert "the answer is more than the 16 MiB allowed" in error, error
    # the process's peak, the imports' included, less what it held before the call: at least what
    # the call added
    peak = measured["peak"]
    added = peak - measured["before"]
    print(f"{kind} via {path}: peak {peak / MIB:.0f} MiB, the call added {added / MIB:.0f} MiB")
    assert peak < 200 * MIB, measured
    assert added < 64 * MIB, measured
