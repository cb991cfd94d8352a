"""The Pulumi dynamic resources: one module per resource (its declaration, provider and class).

Each name loads its own module on first use (PEP 562): the provider process of one resource
imports only that resource's module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names as _lazy_names

if TYPE_CHECKING:
    from .image_share import ImageShare, ImageShareProvider
    from .team import Team, TeamProvider
    from .team_invite_accepter import TeamInviteAccepter, TeamInviteAccepterProvider
    from .team_membership import TeamMembership, TeamMembershipProvider

__all__ = [
    "ImageShare",
    "ImageShareProvider",
    "Team",
    "TeamInviteAccepter",
    "TeamInviteAccepterProvider",
    "TeamMembership",
    "TeamMembershipProvider",
    "TeamProvider",
]

_MODULES = {
    "ImageShare": "image_share",
    "ImageShareProvider": "image_share",
    "Team": "team",
    "TeamProvider": "team",
    "TeamInviteAccepter": "team_invite_accepter",
    "TeamInviteAccepterProvider": "team_invite_accepter",
    "TeamMembership": "team_membership",
    "TeamMembershipProvider": "team_membership",
}


__getattr__, __dir__ = _lazy_names(__name__, _MODULES, __all__)
