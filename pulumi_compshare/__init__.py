"""pulumi-compshare: CompShare (UCloud GPU cloud) teams, memberships and image sharing as Pulumi
dynamic resources.

>>> import pulumi_compshare as compshare
>>> team = compshare.Team("ml", name="ml-research")  # doctest: +SKIP
"""

from ._version import __version__
from .client import (
    AuthenticationError,
    CompShareAPIError,
    CompShareClient,
    CompShareError,
    Credentials,
    InvalidParameterError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RetryPolicy,
    ThrottledError,
    UnavailableError,
)
from .resources import (
    CompShareResourceError,
    ConfigurationError,
    ImageShare,
    Team,
    TeamInviteAccepter,
    TeamMembership,
)

__all__ = [
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareClient",
    "CompShareError",
    "CompShareResourceError",
    "ConfigurationError",
    "Credentials",
    "ImageShare",
    "InvalidParameterError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RetryPolicy",
    "Team",
    "TeamInviteAccepter",
    "TeamMembership",
    "ThrottledError",
    "UnavailableError",
    "__version__",
]
