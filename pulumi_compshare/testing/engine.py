"""Offline engine-protocol test kit for Pulumi *dynamic* resources (compatibility module).

The kit now lives in focused modules; this module re-exports their public names so existing
imports (``from pulumi_compshare.testing.engine import Player``) keep working:

- :mod:`~pulumi_compshare.testing.wire`: properties to and from the wire (unknowns, secrets, URNs).
- :mod:`~pulumi_compshare.testing.results`: errors, stack state and operation results.
- :mod:`~pulumi_compshare.testing.server`: :class:`ProviderServer`, one engine call at a time.
- :mod:`~pulumi_compshare.testing.rules`: the engine's rules for one resource.
- :mod:`~pulumi_compshare.testing.player`: :class:`Player`, whole programs.
- :mod:`~pulumi_compshare.testing.lifecycle`: :class:`ResourceDriver` and :class:`LifeCycleTest`.

See ``docs/testing.md`` for usage and the engine source each behaviour follows.
"""

from __future__ import annotations

from .lifecycle import LifeCycleTest as LifeCycleTest
from .lifecycle import Operation as Operation
from .lifecycle import ResourceDriver as ResourceDriver
from .lifecycle import TrackedResource as TrackedResource
from .player import Player
from .program import Program as Program
from .results import Plan, ResourceState, Result, Step, StepError
from .server import (
    ProviderCallError,
    ProviderDiff,
    ProviderServer,
    ProviderServerError,
)
from .server import ProviderRead as ProviderRead
from .wire import PROVIDER_KEY, UNKNOWN, make_urn, resource_type, serialize_provider
from .wire import Props as Props

__all__ = [
    "PROVIDER_KEY",
    "UNKNOWN",
    "Plan",
    "Player",
    "ProviderCallError",
    "ProviderDiff",
    "ProviderServer",
    "ProviderServerError",
    "ResourceState",
    "Result",
    "Step",
    "StepError",
    "make_urn",
    "resource_type",
    "serialize_provider",
]
