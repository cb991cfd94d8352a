"""The Pulumi dynamic resources: one module per resource (args, provider, resource class)."""

from ._base import CompShareResourceError
from ._config import ConfigurationError
from .image_share import ImageShare, ImageShareProvider
from .team import Team, TeamProvider
from .team_invite_accepter import TeamInviteAccepter, TeamInviteAccepterProvider
from .team_membership import TeamMembership, TeamMembershipProvider

__all__ = [
    "CompShareResourceError",
    "ConfigurationError",
    "ImageShare",
    "ImageShareProvider",
    "Team",
    "TeamInviteAccepter",
    "TeamInviteAccepterProvider",
    "TeamMembership",
    "TeamMembershipProvider",
    "TeamProvider",
]
