"""The Pulumi dynamic resources: one module per resource (its declaration, provider and class),
listed once in ``_registry.RESOURCES``, which makes the names below.

Each name loads its own module on first use (PEP 562): the provider process of one resource
imports only that resource's module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names as _lazy_names
from ._registry import RESOURCES as _RESOURCES
from ._registry import module_of as _module_of

if TYPE_CHECKING:  # for type checkers; tests/test_public_names.py checks these against the registry
    from .image_share import ImageShare as ImageShare
    from .image_share import ImageShareProvider as ImageShareProvider
    from .team import Team as Team
    from .team import TeamProvider as TeamProvider
    from .team_invite_accepter import TeamInviteAccepter as TeamInviteAccepter
    from .team_invite_accepter import TeamInviteAccepterProvider as TeamInviteAccepterProvider
    from .team_members import TeamMembers as TeamMembers
    from .team_members import TeamMembersProvider as TeamMembersProvider
    from .team_membership import TeamMembership as TeamMembership
    from .team_membership import TeamMembershipProvider as TeamMembershipProvider

__all__ = sorted(name for resource, _ in _RESOURCES for name in (resource, f"{resource}Provider"))

_MODULES = {name: module for name in __all__ if (module := _module_of(name)) is not None}

__getattr__, __dir__ = _lazy_names(__name__, _MODULES, __all__)
