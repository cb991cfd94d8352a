"""The one mapping of API failures onto the error tree of :mod:`pulumi_compshare.errors`: by
RetCode where the code is known, then by the words of the message, in Chinese or English."""

from __future__ import annotations

import re

from ..api import codes
from ..errors import (
    AlreadyMemberError,
    APIError,
    AuthenticationError,
    CompShareAPIError,
    CompShareError,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ThrottledError,
    UnavailableError,
)

__all__ = [
    "APIError",
    "AlreadyMemberError",
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareError",
    "InvalidParameterError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "ThrottledError",
    "UnavailableError",
    "error_for_retcode",
]

_NOT_FOUND_WORDS = re.compile(
    r"not exist|does not exist|not found|no such|不存在|找不到|未找到", re.IGNORECASE
)
_PERMISSION_WORDS = re.compile(
    r"permission|not allowed|forbidden|not the owner|unauthori[sz]ed|无权限|没有权限|无权|权限不足",
    re.IGNORECASE,
)
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
    the message, in Chinese or English."""
    cls: type[APIError]
    if ret_code in codes.AUTHENTICATION_CODES:
        cls = AuthenticationError
    elif ret_code in codes.PERMISSION_CODES:
        cls = PermissionDeniedError
    elif ret_code in codes.NOT_FOUND_CODES:
        cls = NotFoundError
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
    return cls(action, message or f"RetCode {ret_code}", ret_code=ret_code, request_id=request_id)
