"""The emulator's server: :class:`Emulator` runs the HTTP side (:mod:`.http_server`) in a
background thread, counts requests, injects latency and faults (:mod:`.injected_faults`) and keeps
the stats. The HTTP side reaches it only through :class:`_Backend` (its :class:`Backend`).

The state machine in :mod:`pulumi_compshare.emulator.state` does the rest under one lock; the
console helpers (:mod:`.console`) act as people do outside Pulumi.

Inspection endpoints: ``GET /_emulator/state``, ``GET /_emulator/stats``,
``POST /_emulator/reset-stats``.
"""

from __future__ import annotations

import random
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi_compshare.emulator.budgets import DEFAULT_PRODUCT
from pulumi_compshare.emulator.console import Console
from pulumi_compshare.emulator.http_server import (
    MAX_BODY_BYTES,
    Backend,
    HttpServer,
    RequestHandler,
)
from pulumi_compshare.emulator.injected_faults import (
    FAULT_KINDS,
    READ_FAULT_KINDS,
    TARGETED_FAULT_KINDS,
    Fault,
)
from pulumi_compshare.emulator.seed import Account, Seed, demo_seed
from pulumi_compshare.emulator.state import WRITE_ACTIONS, EmulatorState, is_non_idempotent_write

__all__ = ["FAULT_KINDS", "MAX_BODY_BYTES", "TARGETED_FAULT_KINDS", "Emulator", "Fault"]


class Emulator(Console):
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
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> Emulator:
        """Bind the port and serve in a daemon thread; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("the emulator is already started")
        server = HttpServer((self.host, self.port), RequestHandler, _Backend(self))
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

    def spend(
        self,
        team_id: int,
        user_company_id: int,
        fen: int,
        *,
        at: int | None = None,
        product: str = DEFAULT_PRODUCT,
        resource_id: str | None = None,
        unpaid: bool = False,
    ) -> int:
        """A member of a team spends ``fen`` of their budget there: an order, which the billing
        actions (DescribeTeamMemberOrder and the rest) then list. A paid order lowers their
        AvailableAmount, AllocateAmount stays; ``unpaid=True`` places an order they owe and
        leaves the budget alone. ``at`` is the order's time (unix seconds, default now),
        ``product`` its product type, ``resource_id`` the instance it bills. Returns the fen
        left. ``ValueError`` if the account is not a joined member, ``fen`` is not positive, or
        (paid) more than is available. (Not an API action; see ``docs/budgets.md`` and
        ``docs/billing.md``.)"""
        with self._lock:
            return self._state.spend(
                team_id,
                user_company_id,
                fen,
                at=at,
                product=product,
                resource_id=resource_id,
                unpaid=unpaid,
            )

    def set_account_flags(
        self,
        company_id: int,
        *,
        real_name_verified: bool | None = None,
        team_feature: bool | None = None,
    ) -> Account:
        """Turn an account's flags on or off from now on, as the vendor would: whether it is
        real-name verified (without it, the actions whose pages require it answer 226606) and
        whether it has the team feature (without it, its actions as a team's admin are refused:
        the ``feature-off-*`` dialects say how). ``None`` leaves a flag as it is; the seed sets
        where they start. Returns the account; ``ValueError`` for an unknown one."""
        with self._lock:
            return self._state.set_account_flags(
                company_id, real_name_verified=real_name_verified, team_feature=team_feature
            )

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
                kinds = FAULT_KINDS if action in WRITE_ACTIONS else READ_FAULT_KINDS
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


class _Backend(Backend):
    """The emulator as the HTTP side sees it (:class:`Backend`): its request bookkeeping, the
    state machine's answers and the inspection endpoints, nothing else."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator

    def record(
        self, fields: Mapping[str, str]
    ) -> tuple[str | Fault | None, float, list[Callable[[], object]]]:
        return self._emulator._record(fields)

    def process(self, fields: Mapping[str, str]) -> dict[str, Any]:
        return self._emulator._process(fields)

    def error_envelope(self, action: str, code: int, message: str) -> dict[str, Any]:
        return self._emulator._state.error_envelope(action, code, message)

    def connected(self) -> None:
        self._emulator._connected()

    def internal_error(self) -> None:
        self._emulator._internal_error()

    def state(self) -> dict[str, Any]:
        return self._emulator.state()

    def stats(self) -> dict[str, Any]:
        return self._emulator.stats()

    def reset_stats(self) -> None:
        self._emulator.reset_stats()
