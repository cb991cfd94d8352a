"""The CompShare API client: credentials, the retry policy, errors and the typed client.

``CompShareClient`` (with httpx and the pydantic models behind it) loads on first use, so code
that only needs the errors, credentials or retry policy stays cheap to import (PEP 562)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names as _lazy_names
from .credentials import Credentials
from .retcodes import (
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
from .retry import RetryPolicy

if TYPE_CHECKING:
    from .client import CompShareClient

__all__ = [
    "APIError",
    "AccountNotVerifiedError",
    "AlreadyMemberError",
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareClient",
    "CompShareError",
    "Credentials",
    "FeatureNotEnabledError",
    "InvalidParameterError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RetryPolicy",
    "ServiceError",
    "ThrottledError",
    "UnavailableError",
    "WrongEndpointError",
]


__getattr__, __dir__ = _lazy_names(__name__, {"CompShareClient": "client"}, __all__)
