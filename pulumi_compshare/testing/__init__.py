"""Test kit for CompShare Pulumi programs, usable offline (no Pulumi CLI, no CompShare account).

- :class:`Player` plays a whole Pulumi program — ``preview``, ``up``, ``refresh``, ``destroy`` —
  through the real dynamic-provider server (``python -m pulumi.dynamic`` over gRPC), the way the
  Pulumi engine drives it.
- :class:`ProviderServer` makes single engine calls (Configure, Check, Diff, Create, Read,
  Update, Delete) for finer tests.
- :mod:`pulumi_compshare.testing.fixtures`: pytest fixtures that run the CompShare emulator
  (``pytest_plugins = ["pulumi_compshare.testing.fixtures"]`` in your ``conftest.py``).

>>> from pulumi_compshare.emulator import Emulator
>>> from pulumi_compshare.testing import Player
>>> with Emulator() as em, Player(config={...}) as player:  # doctest: +SKIP
...     player.up(my_program)
"""

from .engine import (
    UNKNOWN,
    Plan,
    Player,
    ProviderCallError,
    ProviderDiff,
    ProviderServer,
    ProviderServerError,
    ResourceState,
    Result,
    Step,
    StepError,
    make_urn,
    resource_type,
    serialize_provider,
)

__all__ = [
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
