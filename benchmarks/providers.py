"""The dynamic providers the benchmarks compare ours with: :class:`TrivialProvider` (cold start)
and :class:`IdealProvider` (wall time).

Only the standard library and pulumi at import time: the provider server imports this module to
unpickle them (by reference: ``benchmarks.providers.TrivialProvider``), and the cold-start
baseline must not pay for pulumi_compshare, httpx or the engine kit.
"""

from __future__ import annotations

import time
from typing import Any

import pulumi.dynamic

__all__ = ["IdealProvider", "IdealResource", "TrivialProvider"]


class TrivialProvider(pulumi.dynamic.ResourceProvider):
    """The least a dynamic provider can be: check returns the inputs, create echoes them."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult("trivial", props)


class IdealProvider(pulumi.dynamic.ResourceProvider):
    """A provider as fast as any can be against an API ``latency_ms`` away: create and delete
    each take exactly one round trip (a sleep: no CPU, no HTTP), check returns the inputs, read
    returns the state without a call. Played like the memberships, it measures what the engine
    stand-in and the provider process cost by themselves (``Wall time`` rows, ideal provider)."""

    def __init__(self, latency_ms: float) -> None:
        self.seconds = latency_ms / 1000

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        time.sleep(self.seconds)
        return pulumi.dynamic.CreateResult(f"{props['team_id']}:{props['user_company_id']}", props)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        return pulumi.dynamic.ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        time.sleep(self.seconds)


class IdealResource(pulumi.dynamic.Resource, module="bench", name="Ideal"):
    """A resource of :class:`IdealProvider` (``pulumi-python:dynamic/bench:Ideal``)."""
