"""Every error pulumi-compshare raises, under one root (drawn as httpx draws its tree)::

    CompShareError                  catch this for anything from pulumi-compshare
    ├── ConfigurationError          stack config or environment unusable (fails in preview)
    ├── ResourceError               a resource operation failed: the one line `pulumi up` prints
    └── APIError                    a call to the CompShare API failed (action, RetCode, request)
        ├── AuthenticationError     wrong private key or unknown public key (171 / 172)
        ├── PermissionDeniedError   not the owner of the team or image
        │   ├── AccountNotVerifiedError  the account is not real-name verified (226606)
        │   └── FeatureNotEnabledError   the account may not use the team feature (the vendor
        │                                enables it: 联系客户经理申请该功能的权限位)
        ├── NotFoundError           team, relation, image or account does not exist
        ├── InvalidParameterError   a parameter was rejected, or bad input caught before any call
        ├── ThrottledError          RetCode 153 / HTTP 429
        ├── UnavailableError        110 / 130 / 150, HTTP 5xx, network error, deadline
        │   └── ServiceError        8433 服务异常 (a service error of CompShare's)
        ├── OutcomeUnknownError     a non-idempotent write whose answer was lost
        └── CompShareAPIError       any other failure the API reported
            ├── AlreadyMemberError      already invited or joined (16001 用户已在团队中)
            └── MalformedResponseError  an answer that is not what the API documents
                └── WrongEndpointError  not the CompShare API at all (HTTP 404/405, an HTML page)

Every message is one line and holds no secret: the client redacts keys before an error is built.
It says what went wrong and, unless the API's own words already do, what to do (:attr:`APIError.
hint`). A class of known meaning (:attr:`APIError.summary`) says that meaning in English when the
API's words do not (the API may answer in Chinese). The mapping of RetCodes and messages onto
these classes is :func:`pulumi_compshare.client.retcodes.error_for_retcode`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from .api.codes import is_team_action

__all__ = [
    "APIError",
    "AccountNotVerifiedError",
    "AlreadyMemberError",
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareError",
    "ConfigurationError",
    "FeatureNotEnabledError",
    "InvalidParameterError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "ResourceError",
    "ServiceError",
    "ThrottledError",
    "UnavailableError",
    "WrongEndpointError",
    "about",
    "accounts",
]

MESSAGE_MAX = 500
"""An API message longer than this is cut (a failure message stays short)."""


class CompShareError(Exception):
    """The root of every error pulumi-compshare raises."""


class ConfigurationError(CompShareError):
    """The provider's configuration is missing or malformed (one line, says what to set)."""


class ResourceError(CompShareError):
    """A resource operation failed. The message is the one line a user reads: it names the
    resource, the API action, what went wrong and what to do."""


class APIError(CompShareError):
    """A call to the CompShare API failed.

    Carries the ``action``, the ``ret_code`` (``None`` for transport failures), the API's
    ``message`` and the ``request_id``. ``str(error)`` is a single line that names the action,
    says what went wrong and what to do (:attr:`hint`).
    """

    hint = ""
    """What to do, said once at the end of the line; empty where the API's words say it."""
    summary: ClassVar[str] = ""
    """What a failure of this class means, in English (empty: the API's words say it)."""
    summary_words: ClassVar[re.Pattern[str] | None] = None
    """An English message that already says :attr:`summary` (then it is not said twice)."""
    team_hint: ClassVar[str] = ""
    """:attr:`hint` for a team action (:func:`~pulumi_compshare.api.codes.is_team_action`), where
    the cause may also be the team feature, which the vendor enables per account."""

    def __init__(
        self,
        action: str,
        message: str,
        *,
        ret_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        if self.team_hint and is_team_action(action):
            self.hint = self.team_hint
        self.action = action
        self.message = _one_line(message)
        self.ret_code = ret_code
        self.request_id = request_id
        super().__init__(str(self))

    @classmethod
    def explain(cls, message: str) -> str:
        """The API's ``message`` with :attr:`summary` in front when it does not say it in English
        itself (a Chinese message, an English one without :attr:`summary_words`, or none)."""
        if not cls.summary:
            return message
        if not message.strip():
            return cls.summary
        english = _CJK.search(message) is None
        if english and cls.summary_words is not None and cls.summary_words.search(message):
            return message
        return f"{cls.summary}: {message}"

    def hint_for(self, existed: bool) -> str:
        """What to do, for an operation on an object that existed before (update, delete,
        refresh) or not (create, or a lookup)."""
        return self.hint

    def describe(self, hint: str | None = None) -> str:
        """``<action> failed: <message> (RetCode, request); <hint>`` (no ``; <hint>`` when there
        is nothing to add to the message)."""
        detail = []
        if self.ret_code is not None:
            detail.append(f"RetCode {self.ret_code}")
        if self.request_id:
            detail.append(f"request {self.request_id}")
        suffix = f" ({', '.join(detail)})" if detail else ""
        advice = hint or self.hint
        return f"{self.action} failed: {self.message}{suffix}" + (f"; {advice}" if advice else "")

    def __str__(self) -> str:
        return self.describe()

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (type(self), self.action, self.message, self.ret_code, self.request_id),
        )


def _rebuild(
    cls: type[APIError],
    action: str,
    message: str,
    ret_code: int | None,
    request_id: str | None,
) -> APIError:
    return cls(action, message, ret_code=ret_code, request_id=request_id)


class AuthenticationError(APIError):
    """The key pair was rejected: unknown public key (172) or wrong private key (171)."""

    hint = (
        "check the key pair: compshare:publicKey / compshare:privateKey in stack config, "
        "or COMPSHARE_PUBLIC_KEY / COMPSHARE_PRIVATE_KEY"
    )


class PermissionDeniedError(APIError):
    """The caller is not allowed to do this (e.g. not the team or image owner)."""

    hint = "use the credentials of the account that owns the object (see `profile`)"
    team_hint = (
        "use the credentials of the account that owns the team (see `profile`); if they are, the "
        "team feature may not be enabled for this account: ask CompShare (your account manager, "
        "客户经理) to enable it"
    )


class AccountNotVerifiedError(PermissionDeniedError):
    """RetCode 226606: the account has not completed real-name verification (the vendor's
    error-code page: 账号未实名认证，请先实名认证), which the vendor's pages require for
    CreateCompShareTeam, ListCompShareTeamInvite and ListCompShareTeamOperateLog
    (账户需完成实名认证)."""

    hint = (
        "verify the account's real name (实名认证) in the CompShare console "
        "(https://console.compshare.cn/uaccount/authentication), then run the command again"
    )
    team_hint = ""
    summary = "the account is not real-name verified"
    summary_words = re.compile(r"real.?name", re.IGNORECASE)


class FeatureNotEnabledError(PermissionDeniedError):
    """The account may not use the team feature: the vendor enables it per account (its admin
    guide: 首先，联系客户经理申请该功能的权限位, "first ask your account manager for this feature's
    permission bit"). No source gives the refusal's code: it is recognised by its words (客户经理,
    权限位, 未开通, feature, not enabled), and a permission refusal of an action that names no team
    (CreateCompShareTeam, ListCompShareTeam) means it too."""

    hint = (
        "ask CompShare (your account manager, 客户经理) to enable the team feature for this "
        "account, then run the command again"
    )
    team_hint = ""
    summary = "this account may not use the team feature"
    summary_words = re.compile(r"feature|not (?:been )?enabled|not activated", re.IGNORECASE)


class NotFoundError(APIError):
    """The team, relation, image or account does not exist."""

    hint = "check the id, or run `pulumi refresh` if it was deleted outside Pulumi"

    def hint_for(self, existed: bool) -> str:
        return self.hint if existed else "check the id"


class InvalidParameterError(APIError):
    """The API rejected a parameter (230) or the action (160/161)."""

    hint = "fix the named parameter"


class ThrottledError(APIError):
    """The API throttled the request (153 or HTTP 429); retried automatically when safe."""

    hint = "too many requests: wait a moment and run the command again"


class UnavailableError(APIError):
    """A transient failure: 110/130/150, HTTP 5xx, network error or timeout."""

    hint = "the API is unavailable or unreachable: check compshare:baseUrl and retry"


class ServiceError(UnavailableError):
    """RetCode 8433, a service error (服务异常，请联系技术支持 / service error, please contact
    technical support; the vendor's error-code page). Transient as far as the official SDKs go
    (they retry every RetCode above 2000): retried like the other transient failures, and a
    non-idempotent write it answers is resolved by reading. compshare-cli reads it also as a
    feature the account does not have (its hint for AttachUS3 8433), so a team action's line says
    what to ask for if it persists."""

    hint = (
        "a failure on CompShare's side: run the command again later; if it persists, contact "
        "CompShare technical support"
    )

    def if_it_persists(self) -> str:
        """What to do if the service error persists (the end of :attr:`hint`)."""
        return self.team_persists if is_team_action(self.action) else self.persists

    persists: ClassVar[str] = "contact CompShare technical support"
    """What to do if it persists."""
    team_persists: ClassVar[str] = (
        "the team feature may not be enabled for this account: ask CompShare (your account "
        "manager, 客户经理) to enable it"
    )
    """What to do if it persists, for a team action."""
    team_hint = f"run the command again later; if it persists, {team_persists}"
    summary = "CompShare had a service error"
    summary_words = re.compile(r"service error", re.IGNORECASE)


class OutcomeUnknownError(APIError):
    """A non-idempotent write was sent but its result was lost (timeout, dropped connection, 5xx).

    The request may or may not have been applied. Callers resolve it by reading; a user sees it
    only when that was impossible.
    """

    hint = "it may or may not have been applied: run `pulumi refresh`, then `pulumi up`"
    also = ""
    """What else to do, from the failure that left the outcome unknown (e.g. a service error
    that persists)."""

    def __init__(
        self,
        action: str,
        message: str,
        *,
        ret_code: int | None = None,
        request_id: str | None = None,
        also: str = "",
    ) -> None:
        self.also = also
        if also:
            self.hint = f"{self.hint}; {also}"
        super().__init__(action, message, ret_code=ret_code, request_id=request_id)

    def hint_for(self, existed: bool) -> str:
        if existed:
            return self.hint
        hint = "it may or may not have been applied: run `pulumi up` again, which finds it"
        return f"{hint}; {self.also}" if self.also else hint


class CompShareAPIError(APIError):
    """Any other failure the API reported (e.g. a conflict such as deleting a team with members):
    its message is the API's, which says what is wrong; no hint is added."""


class AlreadyMemberError(CompShareAPIError):
    """The account is already invited to or a member of the team (CompShare code 16001,
    ``用户已在团队中``, or a message saying so in English)."""

    hint = "the account is already invited or a member: adopt it instead of inviting again"


class MalformedResponseError(CompShareAPIError):
    """The answer is not what the API documents: not JSON, too large, nested too deeply, or a
    field of the wrong type. The message names the field."""

    hint = (
        "the answer did not look like the CompShare API's: check compshare:baseUrl (another "
        "service or a proxy may be answering); if it is right, report this line to the "
        "provider's maintainers"
    )


class WrongEndpointError(MalformedResponseError):
    """The base URL answered, but not as the CompShare API does: HTTP 404 or 405 without a
    CompShare answer, or an HTML page (a web site, a proxy's page). The URL is wrong far more often
    than the API is."""

    hint = (
        "the base URL does not serve the CompShare API: check compshare:baseUrl "
        "(the API is https://api.compshare.cn)"
    )


def about(subject: str, message: str) -> str:
    """``message`` (the API's words) about ``subject`` (``"account 50002"``): ``"<subject>:
    <message>"``, or the message alone when it names the subject's id already, so that a line
    names it once (``account 59001 does not exist``, ``account 59001: 用户不存在``)."""
    ident = subject.rsplit(" ", 1)[-1]
    if re.search(rf"(?<![0-9A-Za-z]){re.escape(ident)}(?![0-9A-Za-z])", message):
        return message
    return f"{subject}: {message}"


def accounts(ids: Iterable[object], most: int) -> str:
    """``account 50002`` or ``accounts 50002, 50003 and 4 more``: at most ``most`` ids, the
    rest counted."""
    shown = list(ids)
    text = ", ".join(str(i) for i in shown[:most])
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return f"account{'s' if len(shown) > 1 else ''} {text}{more}"


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
"""Chinese characters: a message with any is not English."""


def _one_line(text: str) -> str:
    """``text`` on one line, cut to :data:`MESSAGE_MAX` characters."""
    line = " ".join(str(text).split())
    if len(line) > MESSAGE_MAX:
        line = f"{line[:MESSAGE_MAX]}… ({len(line)} characters)"
    return line
