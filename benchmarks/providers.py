"""The dynamic providers the benchmarks compare ours with: :class:`TrivialProvider` (cold start),
:class:`IdealProvider` and :class:`ReadAfterWriteProvider` (wall time).

Only the standard library and pulumi at import time: the provider server imports this module to
unpickle them (by reference: ``benchmarks.providers.TrivialProvider``), and the cold-start
baseline must not pay for pulumi_compshare, httpx or the engine kit.

Neither keeps anything on its instances, as the package's own providers do not: the pickle is a
class reference whatever the run, and pulumi 3.272's ``serialize_provider``, which wraps
``pickle._Pickler._batch_setitems`` once more on every call and never unwraps it
(``pulumi/dynamic/dynamic.py``), pickles no instance dictionary through the wrappers, so a
program process can serialize any number of them (an instance with attributes hits
``RecursionError`` at about the 980th). The ideal provider's latency is stack config, which the
provider server hands to :meth:`IdealProvider.configure` after unpickling it.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import pulumi.dynamic

__all__ = [
    "LATENCY_KEY",
    "IdealProvider",
    "IdealResource",
    "ReadAfterWriteProvider",
    "ReadAfterWriteResource",
    "TrivialProvider",
]

LATENCY_KEY = "bench:latencyMs"
"""The stack config of the ideal provider's plays: the milliseconds of one round trip."""


class TrivialProvider(pulumi.dynamic.ResourceProvider):
    """The least a dynamic provider can be: check returns the inputs, create echoes them."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult("trivial", props)


class IdealProvider(pulumi.dynamic.ResourceProvider):
    """A provider as fast as any can be against an API ``bench:latencyMs`` away (stack config):
    create and delete each take exactly one round trip (a sleep: no CPU, no HTTP), check returns
    the inputs, read returns the state without a call. Played like the memberships, it measures
    what the engine stand-in and the provider process cost by themselves (``Wall time`` rows,
    ideal provider).

    Stateless until configured, as the package's providers are: :meth:`configure` (in the
    provider server, after unpickling) reads the latency; without it, a create or delete
    fails rather than measure no latency."""

    seconds: float | None = None
    """One round trip, in seconds: a class default; :meth:`configure` sets it on the instance."""

    round_trips_per_create: ClassVar[int] = 1
    """Round trips one after another in each create."""

    def configure(self, req: pulumi.dynamic.ConfigureRequest) -> None:
        """Read ``bench:latencyMs`` from the stack config."""
        self.seconds = float(req.config.require(LATENCY_KEY)) / 1000

    def _round_trip(self) -> None:
        if self.seconds is None:
            raise RuntimeError(f"IdealProvider: stack config {LATENCY_KEY} was not configured")
        time.sleep(self.seconds)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        for _ in range(self.round_trips_per_create):
            self._round_trip()
        return pulumi.dynamic.CreateResult(f"{props['team_id']}:{props['user_company_id']}", props)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        return pulumi.dynamic.ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        self._round_trip()


class IdealResource(pulumi.dynamic.Resource, module="bench", name="Ideal"):
    """A resource of :class:`IdealProvider` (``pulumi-python:dynamic/bench:Ideal``)."""


class ReadAfterWriteProvider(IdealProvider):
    """The ideal provider that reads back what it wrote, as ``TeamMembership`` does (and the
    anchors do: terraform-provider-github's membership create returns its read): each create
    takes exactly two round trips, the write and then a read that starts after it completed;
    nothing else costs anything. The per-member up is reported against it (``Wall time``)."""

    round_trips_per_create = 2


class ReadAfterWriteResource(pulumi.dynamic.Resource, module="bench", name="ReadAfterWrite"):
    """A resource of :class:`ReadAfterWriteProvider`
    (``pulumi-python:dynamic/bench:ReadAfterWrite``)."""
