"""The one exception hierarchy of the CompShare client, and the one mapping onto it.

Every error carries the ``action``, the ``ret_code`` (``None`` for transport failures), the API's
``message`` and the ``request_id``. ``str(error)`` is a single line that names the action, says
what went wrong and what to do. Messages never contain a private key: the client redacts any
occurrence before an error is built.
"""

from __future__ import annotations

import re

from ..api import codes

__all__ = [
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


class CompShareError(Exception):
    """Base of every error raised by the CompShare client."""

    hint = "see the README's troubleshooting section"

    def __init__(
        self,
        action: str,
        message: str,
        *,
        ret_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.action = action
        self.message = _one_line(message)
        self.ret_code = ret_code
        self.request_id = request_id
        super().__init__(str(self))

    def __str__(self) -> str:
        detail = []
        if self.ret_code is not None:
            detail.append(f"RetCode {self.ret_code}")
        if self.request_id:
            detail.append(f"request {self.request_id}")
        suffix = f" ({', '.join(detail)})" if detail else ""
        return f"{self.action} failed: {self.message}{suffix}; {self.hint}"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (type(self), self.action, self.message, self.ret_code, self.request_id),
        )


def _rebuild(
    cls: type[CompShareError],
    action: str,
    message: str,
    ret_code: int | None,
    request_id: str | None,
) -> CompShareError:
    return cls(action, message, ret_code=ret_code, request_id=request_id)


class AuthenticationError(CompShareError):
    """The key pair was rejected: unknown public key (172) or wrong private key (171)."""

    hint = (
        "check the key pair: compshare:publicKey / compshare:privateKey in stack config, "
        "or COMPSHARE_PUBLIC_KEY / COMPSHARE_PRIVATE_KEY"
    )


class PermissionDeniedError(CompShareError):
    """The caller is not allowed to do this (e.g. not the team or image owner)."""

    hint = "use the credentials of the account that owns the object (see `profile`)"


class NotFoundError(CompShareError):
    """The team, relation, image or account does not exist."""

    hint = "check the id, or run `pulumi refresh` if it was deleted outside Pulumi"


class InvalidParameterError(CompShareError):
    """The API rejected a parameter (230) or the action (160/161)."""

    hint = "fix the named parameter"


class ThrottledError(CompShareError):
    """The API throttled the request (153 or HTTP 429); retried automatically when safe."""

    hint = "too many requests: wait a moment and run the command again"


class UnavailableError(CompShareError):
    """A transient failure: 110/130/150, HTTP 5xx, network error or timeout."""

    hint = "the API is unavailable or unreachable: check compshare:baseUrl and retry"


class OutcomeUnknownError(CompShareError):
    """A non-idempotent write was sent but its result was lost (timeout, dropped connection, 5xx).

    The request may or may not have been applied. Callers resolve it by reading; a user sees it
    only when that was impossible.
    """

    hint = "it may or may not have been applied: run `pulumi refresh`, then `pulumi up`"


class CompShareAPIError(CompShareError):
    """Any other failure the API reported (e.g. a conflict such as deleting a team with members)."""

    hint = "see the message; the README lists the codes"


class AlreadyMemberError(CompShareAPIError):
    """The account is already invited to or a member of the team (CompShare code 16001,
    ``用户已在团队中``, or a message saying so in English)."""

    hint = "the account is already invited or a member: adopt it instead of inviting again"


class MalformedResponseError(CompShareAPIError):
    """The answer is not what the API documents: not JSON, too large, nested too deeply, or a
    field of the wrong type. The message names the field."""

    hint = (
        "the answer did not look like the CompShare API's: check compshare:baseUrl, "
        "or report the field named to the provider's maintainers"
    )


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

MESSAGE_MAX = 500
"""An API message longer than this is cut (a failure message stays short)."""


def error_for_retcode(
    action: str, ret_code: int, message: str, request_id: str | None = None
) -> CompShareError:
    """Map an API failure to its class: by RetCode where the code is known, then (for codes the
    vendor does not document, and 230, which some products use for not-found) by the words of
    the message, in Chinese or English."""
    cls: type[CompShareError]
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


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    if len(line) > MESSAGE_MAX:
        line = f"{line[:MESSAGE_MAX]}… ({len(line)} characters)"
    return line
