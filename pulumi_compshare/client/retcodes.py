"""The one mapping of API failures (RetCodes) onto the error tree of :mod:`pulumi_compshare.errors`:
by RetCode where the vendor documents the code (:mod:`pulumi_compshare.api.codes`), then by the
words of the message, in Chinese or English (CompShare documents no not-found or permission
code); a class of known meaning says it in English when the API's words do not
(:meth:`APIError.explain`)."""

from __future__ import annotations

import re

from ..api import codes
from ..errors import (
    AccountNotVerifiedError,
    AlreadyMemberError,
    APIError,
    AuthenticationError,
    CompShareAPIError,
    CompShareError,
    FeatureNotEnabledError,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ServiceError,
    ThrottledError,
    UnavailableError,
    WrongEndpointError,
)

__all__ = [
    "APIError",
    "AccountNotVerifiedError",
    "AlreadyMemberError",
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareError",
    "FeatureNotEnabledError",
    "InvalidParameterError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "ServiceError",
    "ThrottledError",
    "UnavailableError",
    "WrongEndpointError",
    "error_for_retcode",
]

_NOT_FOUND_WORDS = re.compile(
    r"not exist|does not exist|not found|no such|不存在|找不到|未找到", re.IGNORECASE
)
_PERMISSION_WORDS = re.compile(
    r"permission|not allowed|forbidden|not the owner|unauthori[sz]ed|无权限|没有权限|无权|权限不足",
    re.IGNORECASE,
)
_FEATURE_WORDS = re.compile(
    r"客户经理|权限位|未开通|feature|not (?:been )?enabled|not activated", re.IGNORECASE
)
"""A refusal because the account lacks a feature the vendor enables (the admin guide: 联系客户经理
申请该功能的权限位, ask your account manager for the feature's permission bit)."""
_ALREADY_WORDS = re.compile(
    r"already|已在团队|已经在团队|已加入|已是团队成员|已邀请", re.IGNORECASE
)

ALREADY_MEMBER_CODES = frozenset({16001})
"""CompShare's documented code for "user already in the team" (用户已在团队中)."""


def error_for_retcode(
    action: str, ret_code: int, message: str, request_id: str | None = None
) -> APIError:
    """Map an API failure to its class: by RetCode where the code is known, then (for codes the
    vendor does not document, and 230, which some products use for not-found) by the words of
    the message, in Chinese or English. A permission refusal of a team action that names no team
    means the account may not use the team feature (:data:`codes.ACCOUNT_TEAM_ACTIONS`)."""
    cls: type[APIError]
    if ret_code in codes.AUTHENTICATION_CODES:
        cls = AuthenticationError
    elif ret_code == codes.NOT_REAL_NAME_VERIFIED:
        cls = AccountNotVerifiedError
    elif ret_code == codes.SERVICE_ERROR:
        cls = ServiceError
    elif ret_code in codes.UCLOUD_PERMISSION_CODES:
        cls = PermissionDeniedError
    elif (
        codes.is_team_action(action)
        and ret_code not in _TRANSIENT_CODES
        and _FEATURE_WORDS.search(message)
    ):
        cls = FeatureNotEnabledError
    elif ret_code in codes.THROTTLED_CODES:
        cls = ThrottledError
    elif ret_code in codes.UNAVAILABLE_CODES:
        cls = UnavailableError
    elif ret_code in ALREADY_MEMBER_CODES:
        cls = AlreadyMemberError
    elif ret_code in (codes.MISSING_ACTION, codes.NO_SUCH_ACTION):
        cls = InvalidParameterError
    elif _NOT_FOUND_WORDS.search(message):
        cls = NotFoundError
    elif _PERMISSION_WORDS.search(message):
        cls = PermissionDeniedError
    elif _ALREADY_WORDS.search(message):
        cls = AlreadyMemberError
    elif ret_code in codes.INVALID_PARAMETER_CODES:
        cls = InvalidParameterError
    else:
        cls = CompShareAPIError
    if (
        cls is PermissionDeniedError
        and action in codes.ACCOUNT_TEAM_ACTIONS
        and ret_code not in codes.UCLOUD_PERMISSION_CODES
    ):
        cls = FeatureNotEnabledError
    text = cls.explain(message) or f"RetCode {ret_code}"
    return cls(action, text, ret_code=ret_code, request_id=request_id)


_TRANSIENT_CODES = codes.UNAVAILABLE_CODES | codes.THROTTLED_CODES
