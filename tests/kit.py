"""Shared helpers of the resource tests: stack config for an emulator, and engine-style steps
(check then create, check + diff then update, read, delete) over a real provider server."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import ResourceProvider

from pulumi_compshare.client import CompShareClient, Credentials, RetryPolicy
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.testing.engine import (
    ProviderCallError,
    ProviderServer,
    make_urn,
    serialize_provider,
)

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


class Recorder(pulumi.runtime.Mocks):
    """Mocks that record each registration as ``name -> (type token, inputs)``; a Team gets
    ``team_id`` (``team_id`` argument) so dependents see a real value."""

    def __init__(self, team_id: int = 1002) -> None:
        self.team_id = team_id
        self.registered: dict[str, tuple[str, dict[str, Any]]] = {}
        self.lock = threading.Lock()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        with self.lock:
            self.registered[args.name] = (args.typ, dict(args.inputs))
        outputs = dict(args.inputs)
        if args.typ.endswith(":Team"):
            outputs.update(team_id=self.team_id, company_id=50001)
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None

    def kinds(self) -> dict[str, str]:
        """``name -> class name`` (the last part of the type token)."""
        return {name: typ.rsplit(":", 1)[-1] for name, (typ, _) in self.registered.items()}


@dataclass
class Res:
    """One resource as the engine keeps it: URN, id, inputs and outputs."""

    urn: str
    provider: str
    id: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)


class Engine:
    """The engine's call sequences for one resource at a time, over a real provider server.

    Like the Pulumi CLI, which starts a fresh provider process for every command, tests call
    :meth:`next_command` between commands (e.g. after an out-of-band change, before a refresh).
    """

    def __init__(self, config: dict[str, str], env: dict[str, str] | None = None) -> None:
        self.config = config
        self.env = env
        self.server = self._start()
        self.stderr = ""
        """What earlier provider processes of this engine printed on stderr."""

    def _start(self) -> ProviderServer:
        server = ProviderServer(env=self.env).start()
        server.configure(self.config)
        return server

    def next_command(self) -> None:
        """End this command's provider process and start the next one."""
        self.stderr += self.server.stderr_text()
        self.server.stop()
        self.server = self._start()

    def stderr_text(self) -> str:
        return self.stderr + self.server.stderr_text()

    def close(self) -> None:
        self.server.stop()

    def new(self, type_name: str, name: str, provider: ResourceProvider) -> Res:
        urn = make_urn(f"pulumi-python:dynamic/compshare:{type_name}", name)
        return Res(urn=urn, provider=serialize_provider(provider))

    def preview(self, res: Res, inputs: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """Preview of a new resource: Check only."""
        return self.server.check(res.urn, {}, {**inputs, "__provider": res.provider})

    def create(self, res: Res, inputs: dict[str, Any]) -> Res:
        """up of a new resource: Check, then Create with the checked inputs."""
        checked, failures = self.server.check(res.urn, {}, {**inputs, "__provider": res.provider})
        if failures:
            raise AssertionError(f"check failed: {failures}")
        res.id, res.outputs = self.server.create(res.urn, checked)
        res.inputs = checked
        return res

    def plan(self, res: Res, inputs: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        """Check (olds = old inputs) and Diff (olds = old outputs) of changed inputs."""
        checked, failures = self.server.check(
            res.urn, res.inputs, {**inputs, "__provider": res.provider}
        )
        if failures:
            raise AssertionError(f"check failed: {failures}")
        return checked, self.server.diff(res.id, res.urn, res.outputs, checked)

    def up(self, res: Res, inputs: dict[str, Any]) -> tuple[str, Res]:
        """up of an existing resource: same / update / replace, as the engine decides."""
        checked, diff = self.plan(res, inputs)
        if diff.changes is False:
            return "same", res
        if diff.replaces:
            old = Res(res.urn, res.provider, res.id, res.inputs, res.outputs)
            if diff.delete_before_replace:
                self.delete(old)
                new = self.create(Res(res.urn, res.provider), inputs)
            else:
                new = self.create(Res(res.urn, res.provider), inputs)
                self.delete(old)
            return "replace", new
        res.outputs = self.server.update(res.id, res.urn, res.outputs, checked)
        res.inputs = checked
        return "update", res

    def refresh(self, res: Res) -> Res | None:
        """refresh: Read with the old outputs; an empty id drops the resource."""
        new_id, outputs, inputs = self.server.read(res.id, res.urn, res.outputs, res.inputs)
        if not new_id:
            return None
        res.id, res.outputs = new_id, outputs
        if inputs is not None:
            res.inputs = inputs
        return res

    def get(self, res: Res, id_: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """``ResourceOptions(id=...)``: Read with the id and the program's inputs only."""
        new_id, outputs, _ = self.server.read(
            id_, res.urn, {}, {**inputs, "__provider": res.provider}
        )
        return new_id, outputs

    def delete(self, res: Res) -> None:
        self.server.delete(res.id, res.urn, res.outputs)


__all__ = [
    "FAST",
    "Engine",
    "ProviderCallError",
    "ProviderServer",
    "Recorder",
    "Res",
    "client_of",
    "stack_config",
]
