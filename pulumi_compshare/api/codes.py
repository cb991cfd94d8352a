"""RetCodes of the CompShare API.

The common codes are UCloud's (see the README's error table). CompShare's error-code page lists
its own 2266xx codes (226606 below) and 8433; its not-found, permission and conflict codes are not
documented by the vendor, so none is listed here: the client recognises those failures by their
message, in Chinese or English (:mod:`pulumi_compshare.client.retcodes`). The codes the emulator
chose for them are the emulator's own (:mod:`pulumi_compshare.emulator.api_errors`): production
code does not know them.
"""

from __future__ import annotations

OK = 0
API_TIMEOUT = 110
GATEWAY_ERROR = 130
SERVICE_UNAVAILABLE = 150
THROTTLED = 153
MISSING_ACTION = 160
NO_SUCH_ACTION = 161
MISSING_SIGNATURE = 170
SIGNATURE_ERROR = 171
NO_SUCH_USER = 172
NO_SUCH_TOKEN = 174
PARAM_ERROR = 230
PROJECT_MISSING = 292
ZONE_PERMISSION = 293
IP_DENIED = 294
SECURITY_LOCK = 295
IAM_PERMISSION_DENIED = 299
PRODUCT_ERROR_MIN = 2000

SERVICE_ERROR = 8433
"""服务异常，请联系技术支持 / "service error， please contact technical support" (the vendor's
error-code page). The official SDKs retry it (every RetCode above 2000); compshare-cli reads it for
AttachUS3 as a feature the account does not have ("Confirm that US3 is enabled ... for the
account")."""

NOT_REAL_NAME_VERIFIED = 226606
"""账号未实名认证，请先实名认证 / "The account has not been verified." (the vendor's error-code
page)."""

REAL_NAME_ACTIONS = frozenset(
    {
        "CreateCompShareTeam",
        "ListCompShareTeamInvite",
        "ListCompShareTeamOperateLog",
        "DescribeTeamMemberOrder",
        "DescribeTeamMemberOrderCount",
        "DescribeTeamMemberUnpaidOrder",
        "DescribeTeamMemberUnpaidOrderCount",
        "ListMemberProductType",
    }
)
"""The actions of this project whose vendor pages say 账户需完成实名认证 (the account must be
real-name verified): the three team actions', and every billing action's (the vendor's CompShare
pages of DescribeTeamMemberOrder, DescribeTeamMemberOrderCount, the unpaid variants and
ListMemberProductType, under 使用限制)."""

ACCOUNT_TEAM_ACTIONS = frozenset({"CreateCompShareTeam", "ListCompShareTeam"})
"""Team actions that name no team: a permission refusal of one cannot mean "not the owner", so it
means the account may not use the team feature (which the vendor enables per account)."""


def is_team_action(action: str) -> bool:
    """Whether ``action`` belongs to the team feature, which the vendor enables per account:
    every one has ``Team`` in its name (CompShareTeam..., DescribeTeamMember...) but
    ListMemberProductType, a team's billing action too."""
    return "Team" in action or action == "ListMemberProductType"


INSUFFICIENT_AMOUNT = 17001
"""SetCompShareTeamAmount FailedMembers: 额度不足 (insufficient balance; the vendor's example)."""

AUTHENTICATION_CODES = frozenset({MISSING_SIGNATURE, SIGNATURE_ERROR, NO_SUCH_USER, NO_SUCH_TOKEN})
UCLOUD_PERMISSION_CODES = frozenset(
    {PROJECT_MISSING, ZONE_PERMISSION, IP_DENIED, SECURITY_LOCK, IAM_PERMISSION_DENIED}
)
"""UCloud's common permission codes: each names its own cause (project, zone, IP, lock, IAM)."""
INVALID_PARAMETER_CODES = frozenset({PARAM_ERROR, MISSING_ACTION, NO_SUCH_ACTION})
UNAVAILABLE_CODES = frozenset({API_TIMEOUT, GATEWAY_ERROR, SERVICE_UNAVAILABLE})
THROTTLED_CODES = frozenset({THROTTLED})
