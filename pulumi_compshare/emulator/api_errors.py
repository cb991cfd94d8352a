"""The error answers of the emulated API: a failed action's RetCode and one-line message (and the
``chinese-errors`` dialect's Chinese text and code).

Invalid parameters are UCloud's documented 230 with a message naming the parameter. CompShare
documents no not-found, permission or conflict code, so the emulator chose its own below; they
live here, not in :mod:`pulumi_compshare.api.codes`: the client knows none of them and reads these
failures, as the real API's, by their words, so every message here says what went wrong in words
it recognises (``does not exist``, ``permission denied`` / ``not the owner``, ...).
"""

from __future__ import annotations

from pulumi_compshare.api import codes

__all__ = [
    "CONFLICT",
    "NOT_FOUND",
    "PERMISSION_DENIED",
    "ApiError",
    "conflict",
    "denied",
    "feature_refused",
    "invalid",
    "not_found",
    "not_verified",
    "one_line",
]


PERMISSION_DENIED = 8403
"""The emulator's code for a refusal (not the owner, not related); the real API's is unknown."""
NOT_FOUND = 8404
"""The emulator's code for a team, account, invite or image that does not exist."""
CONFLICT = 8409
"""The emulator's code for a state that forbids the call (already invited, members left...)."""


class ApiError(Exception):
    """A failed action: a RetCode and a one-line message.

    ``zh`` / ``zh_code`` are what the ``chinese-errors`` dialect answers instead (the emulator's
    CompShare-style codes; see :data:`ZH_CODES`)."""

    def __init__(
        self, code: int, message: str, *, zh: str | None = None, zh_code: int | None = None
    ) -> None:
        message = one_line(message)
        super().__init__(message)
        self.code = code
        self.message = message
        self.zh = one_line(zh) if zh is not None else None
        self.zh_code = zh_code


def one_line(text: str) -> str:
    """Messages echo request values: escape line breaks so a message stays one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def invalid(name: str, reason: str, zh: str = "取值不合法") -> ApiError:
    if reason == "required":
        zh = "缺少必填参数"
    return ApiError(
        codes.PARAM_ERROR, f"Params [{name}] not available: {reason}", zh=f"参数 [{name}] {zh}"
    )


def not_found(message: str, zh: str, zh_code: int) -> ApiError:
    return ApiError(NOT_FOUND, message, zh=zh, zh_code=zh_code)


def denied(message: str, zh: str, zh_code: int) -> ApiError:
    return ApiError(PERMISSION_DENIED, message, zh=zh, zh_code=zh_code)


def conflict(message: str, zh: str, zh_code: int) -> ApiError:
    return ApiError(CONFLICT, message, zh=zh, zh_code=zh_code)


def not_verified() -> ApiError:
    """226606 in the vendor's words (its error-code page gives both languages)."""
    return ApiError(
        codes.NOT_REAL_NAME_VERIFIED,
        "The account has not been verified.",
        zh="账号未实名认证，请先实名认证",
        zh_code=codes.NOT_REAL_NAME_VERIFIED,
    )


def feature_refused(dialects: frozenset[str]) -> ApiError:
    """The refusal of a team admin's action to an account without the team feature, in the shape
    the dialects choose (no source gives it; docs/dialects.md)."""
    if "feature-off-8433" in dialects:  # the vendor's texts of 8433 (its error-code page)
        return ApiError(
            codes.SERVICE_ERROR,
            "service error， please contact technical support",
            zh="服务异常，请联系技术支持",
        )
    if "feature-off-denied" in dialects:
        return ApiError(PERMISSION_DENIED, "permission denied", zh="没有权限")
    return ApiError(
        PERMISSION_DENIED,
        "the team feature is not enabled for this account",
        zh="未开通团队功能，请联系客户经理申请该功能的权限位",
        zh_code=16009,
    )
