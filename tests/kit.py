"""Shared helpers of the resource tests: stack config for an emulator, and engine-style steps
(check then create, check + diff then update, read, delete) over a real provider server: ``Engine``
and ``Res`` are :class:`~pulumi_compshare.testing.ResourceDriver` and its
:class:`~pulumi_compshare.testing.TrackedResource`, under their old names."""

from __future__ import annotations

import json
import os
import signal
import threading
from typing import Any

import pulumi
import pytest

from pulumi_compshare.client import CompShareClient, Credentials, RetryPolicy
from pulumi_compshare.emulator import DIALECTS, STRICT, Emulator
from pulumi_compshare.testing.engine import ProviderCallError, ProviderServer
from pulumi_compshare.testing.lifecycle import ResourceDriver as Engine
from pulumi_compshare.testing.lifecycle import TrackedResource as Res

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05)


def stack_config(em: Emulator, owner: int = 50001, **profiles: int) -> dict[str, str]:
    """Stack config as the engine sends it: the owner's keys, the emulator URL, and one named
    profile per keyword (``alice=50002``)."""
    account = em.account(owner)
    config = {
        "compshare:publicKey": account.public_key,
        "compshare:privateKey": account.private_key,
        "compshare:baseUrl": em.url,
    }
    if profiles:
        config["compshare:profiles"] = json.dumps(
            {
                name: {
                    "publicKey": em.account(cid).public_key,
                    "privateKey": em.account(cid).private_key,
                }
                for name, cid in profiles.items()
            }
        )
    return config


def client_of(em: Emulator, company_id: int) -> CompShareClient:
    """A second client, acting out of band (another person, the console)."""
    account = em.account(company_id)
    return CompShareClient(
        Credentials(account.public_key, account.private_key), base_url=em.url, retry=FAST
    )


OUTSIDE_STRICT = ",".join(d for d in DIALECTS if d not in STRICT)
"""Every dialect ``strict`` leaves out, together (none of them excludes another)."""


def dialect_params(*combinations: str, default: str = "") -> list[Any]:
    """The columns of a matrix over the emulator's dialects, for ``parametrize``: the default
    reading (``default`` is its value), ``strict``, :data:`OUTSIDE_STRICT` and ``combinations``
    run by default, so every dialect plays in the default run; each dialect alone is marked
    ``slow`` (README's second test command)."""
    return [
        pytest.param(default, id="default"),
        *(pytest.param(d, id=d, marks=pytest.mark.slow) for d in DIALECTS),
        pytest.param("strict", id="strict"),
        *(pytest.param(c, id=c) for c in combinations),
        pytest.param(OUTSIDE_STRICT, id="outside-strict"),
    ]


class Recorder(pulumi.runtime.Mocks):
    """Mocks that record each registration as ``name -> (type token, inputs)``; a Team gets
    the id and ``team_id`` given as ``team_id`` so dependents see a real value."""

    def __init__(self, team_id: int = 1002) -> None:
        self.team_id = team_id
        self.registered: dict[str, tuple[str, dict[str, Any]]] = {}
        self.lock = threading.Lock()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        with self.lock:
            self.registered[args.name] = (args.typ, dict(args.inputs))
        outputs = dict(args.inputs)
        if args.typ.endswith(":Team"):  # a Team's id is its team id
            outputs.update(team_id=self.team_id, company_id=50001)
            return str(self.team_id), outputs
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None

    def kinds(self) -> dict[str, str]:
        """``name -> class name`` (the last part of the type token)."""
        return {name: typ.rsplit(":", 1)[-1] for name, (typ, _) in self.registered.items()}


__all__ = [
    "FAST",
    "OUTSIDE_STRICT",
    "Engine",
    "ProviderCallError",
    "ProviderServer",
    "Recorder",
    "Res",
    "client_of",
    "dialect_params",
    "stack_config",
]


def kill_provider_at(em: Emulator, engine: Engine, action: str, nth: int = 1) -> list[int]:
    """SIGKILL ``engine``'s provider process when the ``nth`` call of ``action`` from now on
    arrives at the emulator (the call itself is then processed: a request already sent lands).
    Returns the list the hook fills with the pid once the kill happened: a test asserts it to
    prove the kill, at that call (``os.kill`` raises if the process is already gone)."""
    pid = engine.server.pid
    assert pid is not None and engine.server.running, "no running provider process to kill"
    killed: list[int] = []

    def kill() -> None:
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    em.on_call(action, kill, nth=nth)
    return killed
