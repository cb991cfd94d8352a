"""The CompShare API client: credentials, the retry policy, errors and the typed client."""

from .client import CompShareClient
from .credentials import Credentials
from .errors import (
    AuthenticationError,
    CompShareAPIError,
    CompShareError,
    InvalidParameterError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ThrottledError,
    UnavailableError,
)
from .retry import RetryPolicy

__all__ = [
    "AuthenticationError",
    "CompShareAPIError",
    "CompShareClient",
    "CompShareError",
    "Credentials",
    "InvalidParameterError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RetryPolicy",
    "ThrottledError",
    "UnavailableError",
]
