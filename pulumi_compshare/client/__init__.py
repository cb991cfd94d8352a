"""The CompShare API client: credentials, the retry policy, errors and the typed client."""

from .client import CompShareClient
from .credentials import Credentials
from .errors import (
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
from .retry import RetryPolicy

__all__ = [
    "APIError",
    "AlreadyMemberError",
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareClient",
    "CompShareError",
    "Credentials",
    "InvalidParameterError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RetryPolicy",
    "ThrottledError",
    "UnavailableError",
]
