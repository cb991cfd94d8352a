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

from .player import Player
from .program import Program
from .results import (
    Plan,
    ProviderCallError,
    ProviderDiff,
    ProviderRead,
    ProviderServerError,
    ResourceState,
    Result,
    Step,
    StepError,
)
from .server import ProviderServer
from .wire import PROVIDER_KEY, UNKNOWN, Props, make_urn, resource_type, serialize_provider

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

# Also importable from here, as before: the type aliases and the Read answer.
_ALSO = (Program, Props, ProviderRead)
