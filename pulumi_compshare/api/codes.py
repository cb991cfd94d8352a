"""RetCodes of the CompShare API.

The common codes are UCloud's (see the README's error table). CompShare's own not-found,
permission and conflict codes are not documented by the vendor: the emulator answers with the
``EMULATOR_*`` codes below, and the client also recognises not-found and permission failures of
the real API by their message (see :mod:`pulumi_compshare.client.errors`).
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

# Chosen by the emulator (documented in the README); the real API's equivalents are unknown.
EMULATOR_PERMISSION_DENIED = 8403
EMULATOR_NOT_FOUND = 8404
EMULATOR_CONFLICT = 8409

INSUFFICIENT_AMOUNT = 17001
"""SetCompShareTeamAmount FailedMembers: 额度不足 (insufficient balance; the vendor's example)."""

AUTHENTICATION_CODES = frozenset({MISSING_SIGNATURE, SIGNATURE_ERROR, NO_SUCH_USER, NO_SUCH_TOKEN})
PERMISSION_CODES = frozenset(
    {
        PROJECT_MISSING,
        ZONE_PERMISSION,
        IP_DENIED,
        SECURITY_LOCK,
        IAM_PERMISSION_DENIED,
        EMULATOR_PERMISSION_DENIED,
    }
)
NOT_FOUND_CODES = frozenset({EMULATOR_NOT_FOUND})
INVALID_PARAMETER_CODES = frozenset({PARAM_ERROR, MISSING_ACTION, NO_SUCH_ACTION})
UNAVAILABLE_CODES = frozenset({API_TIMEOUT, GATEWAY_ERROR, SERVICE_UNAVAILABLE})
THROTTLED_CODES = frozenset({THROTTLED})
