"""pulumi-compshare: CompShare (UCloud GPU cloud) teams, memberships and image sharing as Pulumi
dynamic resources.

>>> import pulumi_compshare as compshare
>>> team = compshare.Team("ml", name="ml-research")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names as _lazy_names
from ._version import __version__
from .errors import (
    AlreadyMemberError,
    APIError,
    AuthenticationError,
    CompShareAPIError,
    CompShareError,
    ConfigurationError,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ResourceError,
    ThrottledError,
    UnavailableError,
)
from .resources._registry import RESOURCES as _RESOURCES

if TYPE_CHECKING:
    from .client import CompShareClient, Credentials, RetryPolicy
    from .lookups import (
        get_image_share_accounts,
        get_image_share_accounts_output,
        get_joined_teams,
        get_joined_teams_output,
        get_shared_images,
        get_shared_images_output,
        get_team,
        get_team_invites,
        get_team_invites_output,
        get_team_member_orders,
        get_team_member_orders_output,
        get_team_operate_logs,
        get_team_operate_logs_output,
        get_team_output,
        get_team_spend,
        get_team_spend_output,
        get_teams,
        get_teams_output,
    )
    from .resources import ImageShare as ImageShare
    from .resources import Team as Team
    from .resources import TeamInviteAccepter as TeamInviteAccepter
    from .resources import TeamMembers as TeamMembers
    from .resources import TeamMembership as TeamMembership

__all__ = [
    "APIError",
    "AlreadyMemberError",
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareClient",
    "CompShareError",
    "ConfigurationError",
    "Credentials",
    "InvalidParameterError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "ResourceError",
    "RetryPolicy",
    "ThrottledError",
    "UnavailableError",
    "__version__",
    "get_image_share_accounts",
    "get_image_share_accounts_output",
    "get_joined_teams",
    "get_joined_teams_output",
    "get_shared_images",
    "get_shared_images_output",
    "get_team",
    "get_team_invites",
    "get_team_invites_output",
    "get_team_member_orders",
    "get_team_member_orders_output",
    "get_team_operate_logs",
    "get_team_operate_logs_output",
    "get_team_output",
    "get_team_spend",
    "get_team_spend_output",
    "get_teams",
    "get_teams_output",
    *(name for name, _ in _RESOURCES),
]

_LAZY = {
    "CompShareClient": "client",
    "Credentials": "client",
    "RetryPolicy": "client",
    **{name: "resources" for name, _ in _RESOURCES},
    **{name: "lookups" for name in __all__ if name.startswith("get_")},
}
"""Names loaded on first use (PEP 562): a provider process that unpickles one resource's
provider imports neither the HTTP client, the API models nor the other resources."""


__getattr__, __dir__ = _lazy_names(__name__, _LAZY, __all__)
