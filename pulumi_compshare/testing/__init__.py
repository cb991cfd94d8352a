"""Test kit for CompShare Pulumi programs, usable offline (no Pulumi CLI, no CompShare account).

- :class:`Player` plays a whole Pulumi program — ``preview``, ``up``, ``refresh``, ``destroy`` —
  through the real dynamic-provider server (``python -m pulumi.dynamic`` over gRPC), the way the
  Pulumi engine drives it. A program is a function or a Pulumi project folder
  (``Player.from_project("examples/quickstart")``, :class:`Project`).
- :class:`ProviderServer` makes single engine calls (Configure, Check, Diff, Create, Read,
  Update, Delete) for finer tests.
- :class:`ResourceDriver` makes the engine's steps for one resource at a time, and
  :class:`LifeCycleTest` declares a resource's life cycle (create, updates, delete) and checks it.
- :mod:`pulumi_compshare.testing.fixtures`: pytest fixtures that run the CompShare emulator
  (``pytest_plugins = ["pulumi_compshare.testing.fixtures"]`` in your ``conftest.py``).

``docs/testing.md`` lists every engine behaviour modelled, with the engine function it follows.

>>> from pulumi_compshare.emulator import Emulator
>>> from pulumi_compshare.testing import Player
>>> with Emulator() as em, Player(config={...}) as player:  # doctest: +SKIP
...     player.up(my_program)  # or a project folder: player.up("examples/quickstart")
"""

from .lifecycle import LifeCycleTest, Operation, ResourceDriver, StepRecord, TrackedResource
from .player import Player
from .project import Project, ProjectError
from .results import Plan, ResourceState, Result, Step, StepError
from .server import (
    ProviderCallError,
    ProviderDiff,
    ProviderRead,
    ProviderServer,
    ProviderServerError,
)
from .wire import UNKNOWN, make_urn, resource_type, serialize_provider

__all__ = [
    "UNKNOWN",
    "LifeCycleTest",
    "Operation",
    "Plan",
    "Player",
    "Project",
    "ProjectError",
    "ProviderCallError",
    "ProviderDiff",
    "ProviderRead",
    "ProviderServer",
    "ProviderServerError",
    "ResourceDriver",
    "ResourceState",
    "Result",
    "Step",
    "StepError",
    "StepRecord",
    "TrackedResource",
    "make_urn",
    "resource_type",
    "serialize_provider",
]
