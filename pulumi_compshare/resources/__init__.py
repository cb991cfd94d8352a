"""The Pulumi dynamic resources: one module per resource (its declaration, provider and class)."""

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
