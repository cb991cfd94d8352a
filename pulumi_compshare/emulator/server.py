"""The emulator's HTTP server: request parsing, fault injection, latency, stats.

Any path that does not start with ``/_emulator/`` is the API: POST with a form or JSON body, or
GET with query parameters (query and body are merged, the body wins). The state machine in
:mod:`pulumi_compshare.emulator.state` does the rest under one lock.

Inspection endpoints: ``GET /_emulator/state``, ``GET /_emulator/stats``,
``POST /_emulator/reset-stats``.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pulumi_compshare.api import codes, wire
from pulumi_compshare.emulator.seed import Account, Seed, demo_seed
from pulumi_compshare.emulator.state import (
    WRITE_ACTIONS,
    EmulatorState,
    is_non_idempotent_write,
    one_line,
)

__all__ = ["FAULT_KINDS", "MAX_BODY_BYTES", "TARGETED_FAULT_KINDS", "Emulator", "Fault"]

MAX_BODY_BYTES = 1024 * 1024
"""A larger request body is refused with RetCode 230."""

FAULT_KINDS = (
    "http_503",
    "retcode_150",
    "retcode_153",
    "drop_connection",
    "applied_response_lost",
)
"""Injected faults; ``applied_response_lost`` is only chosen for write actions."""

_READ_FAULTS = FAULT_KINDS[:4]

TARGETED_FAULT_KINDS = (
    "http_503",
    "retcode",
    "drop_connection",
    "applied_response_lost",
    "delay",
    "call",
)
"""Faults :meth:`Emulator.fail` can aim at the Nth call of one action: an HTTP 503, an error
envelope with a chosen RetCode, a dropped connection (nothing applied), the call applied with its
answer lost, a delay before the call is processed, or (``call``, via :meth:`Emulator.on_call`)
something run just before the call is processed, as another person acting at that moment."""


@dataclass
class Fault:
    """A fault aimed at calls ``nth`` .. ``nth + times - 1`` of ``action`` (counted from when it
    was set). ``hits`` counts the calls it struck."""

    action: str
    kind: str
    nth: int = 1
    times: int = 1
    retcode: int = codes.SERVICE_UNAVAILABLE
    message: str = "Service unavailable (injected)"
    delay_ms: float = 0.0
    run: Callable[[], object] | None = None
    seen: int = 0
    hits: int = 0

    def _strikes(self) -> bool:
        """Count one call of the action; True if this call is one the fault aims at."""
        self.seen += 1
        if self.nth <= self.seen < self.nth + self.times:
            self.hits += 1
            return True
        return False


class _BadRequest(Exception):
    """The request could not be parsed (answered with RetCode 230)."""


class Emulator:
    """A local CompShare API server running in a background thread.

    ``seed`` is a :class:`Seed` (e.g. from :func:`generate_seed`), seed data, or ``None`` for
    :func:`demo_seed`. Seed data is a dict of exactly this shape (the seed file's), validated
    with a one-line :class:`SeedError` naming the bad field::

        {
            "accounts": [  # required, at least one; company ids and public keys unique
                {"company_id": 50001, "name": "owner", "public_key": "pk1", "private_key": "sk1",
                 "balance": 1000000},  # balance optional: fen (1/100 yuan), DEFAULT_BALANCE
            ],
            "teams": [  # optional; owned by an account; no members yet; description optional
                {"id": 1001, "owner": 50001, "name": "t", "description": ""},
            ],
            "images": [  # optional custom images, shared with nobody yet
                {"id": "compshareImage-abc", "owner": 50001, "name": "cuda"},
            ],
            "dialects": ["string-ids"],  # optional
        }

    ``dialects`` (``"a,b"`` or a list) are the readings of the API to answer in, added to the
    seed's own (see :data:`pulumi_compshare.emulator.state.DIALECTS`; ``ValueError`` for an
    unknown name). Use it as a context manager, or call :meth:`start` and :meth:`stop`.

    What people do outside Pulumi (accept or reject an invite, remove a member, rename or delete
    a team, share or unshare an image) are methods that call the API with that person's keys:
    :meth:`accept_invite`, :meth:`reject_invite`, :meth:`remove_member`, :meth:`rename_team`,
    :meth:`delete_team`, :meth:`share_image`, :meth:`unshare_image`.
    """

    def __init__(
        self,
        seed: Seed | Mapping[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0,
        fault_rate: float = 0.0,
        random_seed: int | None = None,
        dialects: str | Iterable[str] | None = None,
    ) -> None:
        if seed is None:
            seed = demo_seed()
        elif not isinstance(seed, Seed):
            seed = Seed.from_dict(seed)
        self.seed = seed
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        extra = dialects.split(",") if isinstance(dialects, str) else list(dialects or ())
        self._state = EmulatorState(seed, dialects=[*seed.dialects, *extra])
        self._rng = random.Random(random_seed)
        self._latency_ms = 0.0
        self._fault_rate = 0.0
        self.set_faults(fault_rate, latency_ms)
        self._requests: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._repeated: Counter[str] = Counter()
        self._seen_writes: set[tuple[tuple[str, str], ...]] = set()
        self._internal_errors = 0
        self._connections = 0
        self._targeted: list[Fault] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> Emulator:
        """Bind the port and serve in a daemon thread; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("the emulator is already started")
        server = _Server((self.host, self.port), _Handler, self)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="compshare-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket (idempotent)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.close_connections()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (only while started)."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    # ---------------------------------------------------------------- inspection

    @property
    def dialects(self) -> frozenset[str]:
        """The dialects this emulator answers in (``strict`` expanded; empty: the default)."""
        return self._state.dialects

    @property
    def accounts(self) -> list[Account]:
        """The seeded accounts (with their key pairs)."""
        return list(self.seed.accounts)

    def account(self, company_id: int) -> Account:
        """The seeded account with this company id (``KeyError`` if none)."""
        for account in self.seed.accounts:
            if account.company_id == company_id:
                return account
        raise KeyError(f"no account {company_id}")

    def state(self) -> dict[str, Any]:
        """The current state, as ``GET /_emulator/state`` returns it."""
        with self._lock:
            return self._state.snapshot()

    def spend(self, team_id: int, user_company_id: int, fen: int) -> int:
        """A member of a team spends ``fen`` of their budget there (as an order would): their
        AvailableAmount goes down, AllocateAmount stays. Returns the fen left. ``ValueError`` if
        the account is not a joined member, ``fen`` is not positive, or more than is available.
        (Not an API action; see ``docs/budgets.md``.)"""
        with self._lock:
            return self._state.spend(team_id, user_company_id, fen)

    def stats(self) -> dict[str, Any]:
        """Request, fault, repeated-write and internal-error counts, and TCP connections accepted
        (``GET /_emulator/stats``)."""
        with self._lock:
            return {
                "requests": dict(self._requests),
                "faults": dict(self._faults),
                "repeated_writes": dict(self._repeated),
                "internal_errors": self._internal_errors,
                "connections": self._connections,
            }

    def reset_stats(self) -> None:
        """Zero every counter and forget the write parameters seen so far."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()
            self._repeated.clear()
            self._seen_writes.clear()
            self._internal_errors = 0
            self._connections = 0

    def set_faults(self, rate: float, latency_ms: float | None = None) -> None:
        """Change the fault rate (0..1) and, if given, the latency in milliseconds."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be in 0..1, got {rate}")
        if latency_ms is not None and latency_ms < 0:
            raise ValueError(f"latency must be >= 0 ms, got {latency_ms}")
        with self._lock:
            self._fault_rate = float(rate)
            if latency_ms is not None:
                self._latency_ms = float(latency_ms)

    def fail(
        self,
        action: str,
        kind: str = "http_503",
        *,
        nth: int = 1,
        times: int = 1,
        retcode: int | None = None,
        message: str | None = None,
        delay_ms: float = 0.0,
    ) -> Fault:
        """Aim a fault at the ``nth`` call of ``action`` from now on (and the ``times - 1`` calls
        after it). ``kind`` is one of :data:`TARGETED_FAULT_KINDS`; ``retcode`` and ``message``
        shape a ``retcode`` fault (default 150, service unavailable); ``delay_ms`` is the pause of
        a ``delay``. Targeted faults win over the random ``fault_rate``; when two strike one
        call, the one set first acts (hooks from :meth:`on_call` always run). Returns the
        :class:`Fault`, whose ``hits`` say how many calls it struck."""
        if kind not in TARGETED_FAULT_KINDS or kind == "call":
            raise ValueError(
                f"fault kind must be one of {', '.join(TARGETED_FAULT_KINDS[:-1])}, got {kind!r}"
            )
        if nth < 1 or times < 1:
            raise ValueError(f"nth and times must be at least 1, got {nth} and {times}")
        fault = Fault(action, kind, nth, times, delay_ms=float(delay_ms))
        if retcode is not None:
            fault.retcode = retcode
        if message is not None:
            fault.message = message
        with self._lock:
            self._targeted.append(fault)
        return fault

    def on_call(self, action: str, run: Callable[[], object], *, nth: int = 1) -> Fault:
        """Run ``run()`` just before the ``nth`` call of ``action`` from now on is processed (in
        the request's thread, before any lock is taken), e.g. another person creating a team
        with their own client while ours is in flight. The call itself then proceeds."""
        if nth < 1:
            raise ValueError(f"nth must be at least 1, got {nth}")
        fault = Fault(action, "call", nth, 1, run=run)
        with self._lock:
            self._targeted.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Forget every targeted fault (the random ``fault_rate`` is left as it is)."""
        with self._lock:
            self._targeted.clear()

    # ---------------------------------------------------------------- the console
    # What people do outside Pulumi, between two runs. Each goes through the API over HTTP with
    # the keys of the account that would do it (the invitee for an answer to an invite, the
    # owner for the rest), exactly as that person's console would: it counts in stats(), meets
    # the latency, faults and dialects set, and fails with the client's one-line errors
    # (pulumi_compshare.client: NotFoundError, CompShareAPIError...) when the API refuses.

    def _console(self, company_id: int) -> Any:
        """A client with the keys of seeded account ``company_id`` (``KeyError`` if none)."""
        from pulumi_compshare.client import CompShareClient, Credentials, RetryPolicy

        account = self.account(company_id)
        return CompShareClient(
            Credentials(account.public_key, account.private_key),
            base_url=self.url,
            retry=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.1),
        )

    def _owner_of(self, kind: str, key: int | str) -> int:
        """The company id owning team ``key`` (``kind="teams"``) or image ``key``."""
        for item in self.state()[kind]:
            if item["id"] == key:
                return int(item["owner"])
        raise KeyError(f"no {kind[:-1]} {key!r} in the emulator")

    def accept_invite(self, team_id: int, company_id: int) -> None:
        """Account ``company_id`` accepts its pending invite to ``team_id``
        (SetCompShareTeamRelation ``Agree`` with the invitee's keys)."""
        with self._console(company_id) as client:
            client.set_team_relation(team_id, "Agree")

    def reject_invite(self, team_id: int, company_id: int) -> None:
        """Account ``company_id`` rejects its pending invite to ``team_id`` (``Reject``, with the
        invitee's keys)."""
        with self._console(company_id) as client:
            client.set_team_relation(team_id, "Reject")

    def remove_member(self, team_id: int, company_id: int) -> None:
        """The team's owner cancels ``company_id``'s invite, or removes the member if joined
        (``Cancel`` with the owner's keys; refused for a joined member under the
        ``cancel-pending-only`` dialect)."""
        with self._console(self._owner_of("teams", team_id)) as client:
            client.set_team_relation(team_id, "Cancel", user_company_id=company_id)

    def rename_team(self, team_id: int, name: str, description: str | None = None) -> None:
        """The team's owner renames it, and changes its description if one is given
        (UpdateCompShareTeam)."""
        with self._console(self._owner_of("teams", team_id)) as client:
            client.update_team(team_id, name=name, description=description)

    def delete_team(self, team_id: int) -> None:
        """The team's owner deletes it (DeleteCompShareTeam: refused while it has joined
        members)."""
        with self._console(self._owner_of("teams", team_id)) as client:
            client.delete_team(team_id)

    def share_image(self, image_id: str, *company_ids: int) -> list[int]:
        """The image's owner shares it with ``company_ids`` (ModifyCompShareImageShareAccount,
        10 accounts a call). Returns the accounts the API did not add (InvalidAccounts)."""
        invalid: list[int] = []
        with self._console(self._owner_of("images", image_id)) as client:
            for start in range(0, len(company_ids), 10):
                batch = company_ids[start : start + 10]
                invalid += client.modify_image_share_accounts(image_id, add=batch)
        return invalid

    def unshare_image(self, image_id: str, *company_ids: int) -> None:
        """The image's owner stops sharing it with ``company_ids`` (10 accounts a call)."""
        with self._console(self._owner_of("images", image_id)) as client:
            for start in range(0, len(company_ids), 10):
                batch = company_ids[start : start + 10]
                client.modify_image_share_accounts(image_id, remove=batch)

    # ---------------------------------------------------------------- request handling

    def _record(
        self, fields: Mapping[str, str]
    ) -> tuple[str | Fault | None, float, list[Callable[[], object]]]:
        """Count a request, remember writes, decide its fault; return (fault, latency_s, the
        :meth:`on_call` hooks to run before the call is processed)."""
        action = fields.get("Action") or "<none>"
        with self._lock:
            self._requests[action] += 1
            if is_non_idempotent_write(fields):
                key = tuple(sorted((k, v) for k, v in fields.items() if k != "Signature"))
                if key in self._seen_writes:
                    self._repeated[action] += 1
                else:
                    self._seen_writes.add(key)
            fault: str | Fault | None = None
            hooks: list[Callable[[], object]] = []
            for targeted in self._targeted:
                if targeted.action != action or not targeted._strikes():
                    continue
                self._faults[f"targeted_{targeted.kind}"] += 1
                if targeted.run is not None:
                    hooks.append(targeted.run)
                elif fault is None:
                    fault = targeted
            if fault is None and self._fault_rate > 0 and self._rng.random() < self._fault_rate:
                kinds = FAULT_KINDS if action in WRITE_ACTIONS else _READ_FAULTS
                fault = self._rng.choice(kinds)
                self._faults[fault] += 1
            return fault, self._latency_ms / 1000.0, hooks

    def _process(self, fields: Mapping[str, str]) -> dict[str, Any]:
        with self._lock:
            return self._state.process(fields)

    def _connected(self) -> None:
        with self._lock:
            self._connections += 1

    def _internal_error(self) -> None:
        with self._lock:
            self._internal_errors += 1
        traceback.print_exc(file=sys.stderr)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        emulator: Emulator,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Track open connections so :meth:`close_connections` can end keep-alive ones."""
        with self._connections_lock:
            self._connections.add(request)
        self.emulator._connected()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def close_connections(self) -> None:
        """Shut down every open client connection (a stopped emulator answers nothing)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def _error(action: str, code: int, message: str) -> dict[str, Any]:
    return {"Action": f"{one_line(action)}Response", "RetCode": code, "Message": one_line(message)}


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # answer in one segment: no 40 ms delayed-ACK stall
    protocol_version = "HTTP/1.1"
    server_version = "CompShareEmulator/0.1"
    timeout = 60
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the emulator runs inside test suites."""

    # ---------------------------------------------------------------- dispatch

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        try:
            path = urlsplit(self.path).path
            if path.startswith("/_emulator/") or path == "/_emulator":
                self._admin(path)
            else:
                self._api()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as e:
            emulator._internal_error()
            self._send_json(_error("", codes.PARAM_ERROR, f"invalid request: {type(e).__name__}"))

    def _admin(self, path: str) -> None:
        emulator = self.server.emulator
        try:
            self._read_body()
        except _BadRequest as e:
            self._send_json({"error": str(e)}, status=400)
            return
        if path == "/_emulator/state" and self.command == "GET":
            self._send_json(emulator.state())
        elif path == "/_emulator/stats" and self.command == "GET":
            self._send_json(emulator.stats())
        elif path == "/_emulator/reset-stats" and self.command == "POST":
            emulator.reset_stats()
            self._send_json({"ok": True})
        else:
            self._send_json({"error": f"no such endpoint: {self.command} {path}"}, status=404)

    def _api(self) -> None:
        emulator = self.server.emulator
        fields: dict[str, str] = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        problem: str | None = None
        try:
            fields.update(self._body_fields())
        except _BadRequest as e:
            problem = str(e)
        action = fields.get("Action", "")
        fault, latency, hooks = emulator._record(fields)
        for hook in hooks:
            hook()
        if isinstance(fault, Fault):
            fault = self._targeted_fault(fault, action)
            if fault == "answered":
                return
        if latency > 0:
            time.sleep(latency)
        if fault == "drop_connection":
            self._drop()
            return
        if fault == "http_503":
            self._send_bytes(b"Service Unavailable", "text/plain", status=503)
            return
        if fault == "retcode_150":
            self._send_json(_error(action, codes.SERVICE_UNAVAILABLE, "Service unavailable"))
            return
        if fault == "retcode_153":
            self._send_json(_error(action, codes.THROTTLED, "Request throttled"))
            return
        if problem is not None:
            body = emulator._state.error_envelope(action, codes.PARAM_ERROR, problem)
        else:
            try:
                body = emulator._process(fields)
            except Exception as e:
                emulator._internal_error()
                body = _error(action, codes.PARAM_ERROR, f"invalid request: {type(e).__name__}")
        if fault == "applied_response_lost":
            self._drop()
            return
        self._send_json(body)

    def _targeted_fault(self, fault: Fault, action: str) -> str | None:
        """Act out a targeted fault (hooks are run before). Returns the random-fault name it
        maps to, ``"answered"`` if the request was answered here, or ``None`` to process the
        call normally."""
        if fault.kind == "delay":
            time.sleep(fault.delay_ms / 1000.0)
            return None
        if fault.kind == "retcode":
            self._send_json(_error(action, fault.retcode, fault.message))
            return "answered"
        return fault.kind

    # ---------------------------------------------------------------- body and responses

    def _read_body(self) -> bytes:
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise _BadRequest("invalid request: chunked bodies are not supported")
        if not length_header:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            self.close_connection = True
            raise _BadRequest("invalid request: bad Content-Length") from None
        if length < 0:
            self.close_connection = True
            raise _BadRequest("invalid request: bad Content-Length")
        if length > MAX_BODY_BYTES:
            self._discard(length)
            raise _BadRequest(f"invalid request: body larger than {MAX_BODY_BYTES} bytes")
        return self.rfile.read(length)

    def _discard(self, length: int) -> None:
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)

    def _body_fields(self) -> dict[str, str]:
        raw = self._read_body()
        if not raw:
            return {}
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest("invalid request: body is not UTF-8") from None
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                raise _BadRequest(f"invalid request: bad JSON body ({e.msg})") from None
            except RecursionError:
                raise _BadRequest("invalid request: JSON body nested too deeply") from None
            if not isinstance(data, dict):
                raise _BadRequest("invalid request: JSON body must be an object")
            try:
                fields = wire.flatten(data)
            except RecursionError:
                raise _BadRequest("invalid request: JSON body nested too deeply") from None
            for key, value in fields.items():
                try:
                    (key + value).encode("utf-8")
                except UnicodeEncodeError:
                    raise _BadRequest(
                        f"invalid request: parameter {key.encode('utf-8', 'backslashreplace')!r} "
                        "is not valid Unicode text"
                    ) from None
            return fields
        return dict(parse_qsl(text, keep_blank_values=True))

    def _send_json(self, body: Any, status: int = 200) -> None:
        try:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate echoed back: escape everything
            data = json.dumps(body).encode("ascii")
        self._send_bytes(data, "application/json; charset=utf-8", status)

    def _send_bytes(self, data: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-UCLOUD-REQUEST-UUID", str(uuid.uuid4()))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        """Close the socket without answering."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
