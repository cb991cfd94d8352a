"""Every error pulumi-compshare raises, under one root (drawn as httpx draws its tree)::

    CompShareError                  catch this for anything from pulumi-compshare
    ├── ConfigurationError          stack config or environment unusable (fails in preview)
    ├── ResourceError               a resource operation failed: the one line `pulumi up` prints
    └── APIError                    a call to the CompShare API failed (action, RetCode, request)
        ├── AuthenticationError     wrong private key or unknown public key (171 / 172)
        ├── PermissionDeniedError   not the owner of the team or image
        ├── NotFoundError           team, relation, image or account does not exist
        ├── InvalidParameterError   a parameter was rejected, or bad input caught before any call
        ├── ThrottledError          RetCode 153 / HTTP 429
        ├── UnavailableError        110 / 130 / 150, HTTP 5xx, network error, deadline
        ├── OutcomeUnknownError     a non-idempotent write whose answer was lost
        └── CompShareAPIError       any other failure the API reported
            ├── AlreadyMemberError      already invited or joined (16001 用户已在团队中)
            └── MalformedResponseError  an answer that is not what the API documents

Every message is one line and holds no secret: the client redacts keys before an error is built.
The mapping of RetCodes and messages onto these classes is :func:`pulumi_compshare.client.errors.
error_for_retcode`.
"""

from __future__ import annotations

__all__ = [
    "APIError",
    "AlreadyMemberError",
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareError",
    "ConfigurationError",
    "InvalidParameterError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "ResourceError",
    "ThrottledError",
    "UnavailableError",
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

    def hint_for(self, existed: bool) -> str:
        """What to do, for an operation on an object that existed before (update, delete,
        refresh) or not (create, or a lookup)."""
        return self.hint

    def describe(self, hint: str | None = None) -> str:
        """``<action> failed: <message> (RetCode, request); <hint>``."""
        detail = []
        if self.ret_code is not None:
            detail.append(f"RetCode {self.ret_code}")
        if self.request_id:
            detail.append(f"request {self.request_id}")
        suffix = f" ({', '.join(detail)})" if detail else ""
        return f"{self.action} failed: {self.message}{suffix}; {hint or self.hint}"

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


class OutcomeUnknownError(APIError):
    """A non-idempotent write was sent but its result was lost (timeout, dropped connection, 5xx).

    The request may or may not have been applied. Callers resolve it by reading; a user sees it
    only when that was impossible.
    """

    hint = "it may or may not have been applied: run `pulumi refresh`, then `pulumi up`"

    def hint_for(self, existed: bool) -> str:
        if existed:
            return self.hint
        return "it may or may not have been applied: run `pulumi up` again, which finds it"


class CompShareAPIError(APIError):
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


def _one_line(text: str) -> str:
    """``text`` on one line, cut to :data:`MESSAGE_MAX` characters."""
    line = " ".join(str(text).split())
    if len(line) > MESSAGE_MAX:
        line = f"{line[:MESSAGE_MAX]}… ({len(line)} characters)"
    return line
