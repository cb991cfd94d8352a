"""The CompShare wire protocol: parameter flattening, signing, and value coercion.

This module is the single place that
- flattens nested request parameters into the form fields the API expects (``Key.0.Field``),
- computes the SHA1 request signature (identical to ucloud-sdk-python3's ``verify_ac``),
- turns whole numbers that arrive as ints, numeric strings or whole floats (Pulumi sends every
  number as a float) into ints (the rules of ids and amounts built on it are in :mod:`.fields`),
- normalises relation status values, which the API spells in more than one case.

Both the client and the emulator use it; it depends on nothing but the standard library.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

__all__ = [
    "ACTIVE_STATUSES",
    "LOG_STATUSES",
    "RELATION_STATUSES",
    "RelationStatus",
    "encode_value",
    "flatten",
    "normalize_log_status",
    "normalize_status",
    "short",
    "sign",
    "to_int",
    "unflatten",
]


def encode_value(value: Any) -> str:
    """Encode one scalar the way the official SDKs do.

    Booleans become ``true``/``false``; a float with no fraction becomes its integer text
    (``42.0`` -> ``42``); everything else is ``str(value)``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def flatten(params: Mapping[str, Any]) -> dict[str, str]:
    """Flatten nested parameters into form fields.

    ``list`` -> ``Key.0``, ``Key.1``; list of objects -> ``Key.0.Field``; nested object ->
    ``Key.Field``. ``None`` values are dropped and an empty list sends no key.
    """
    out: dict[str, str] = {}
    _flatten_into(out, "", params)
    return out


def _flatten_into(out: dict[str, str], prefix: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten_into(out, f"{prefix}.{key}" if prefix else str(key), item)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _flatten_into(out, f"{prefix}.{index}", item)
    else:
        out[prefix] = encode_value(value)


def unflatten(fields: Mapping[str, str]) -> dict[str, Any]:
    """Rebuild nested parameters from flattened form fields (the inverse of :func:`flatten`).

    Numeric path segments become list positions (sorted by index, gaps closed), other segments
    object keys. A key used both as a scalar and as a container keeps the container.
    """
    tree: dict[str, Any] = {}
    for key, value in fields.items():
        parts = key.split(".")
        node = tree
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        last = parts[-1]
        if not isinstance(node.get(last), dict):
            node[last] = value
    result: dict[str, Any] = _lists_from_digit_keys(tree)
    return result


def _lists_from_digit_keys(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _lists_from_digit_keys(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def sign(fields: Mapping[str, str], private_key: str) -> str:
    """The request signature: SHA1 over sorted ``key + value`` pairs followed by the private key.

    ``fields`` are the flattened parameters including ``PublicKey`` and excluding ``Signature``.
    Keys sort in byte order, values are not escaped, the result is lowercase hex.
    """
    parts = [key + encode_value(fields[key]) for key in sorted(fields)]
    parts.append(private_key)
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


_INTEGER_TEXT = re.compile(r"[0-9]+(?:\.0*)?")
"""An id as text: ASCII digits, optionally a whole-number fraction (``"1001.0"``)."""

_SHORT = 40
_MAX_DIGITS = 4300
"""Python's own limit for turning text into an int (``sys.get_int_max_str_digits``)."""


def short(value: Any, limit: int = _SHORT) -> str:
    """``repr`` of at most a short prefix of ``value`` (a failure message never quotes a huge
    value whole): ``'xxxx…' (5000 characters)``."""
    if isinstance(value, (str, bytes)) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a {len(str(value)) if value.bit_length() < 10_000 else 'huge'}-digit number"
    text = repr(value)
    return text if len(text) <= limit * 2 else f"{text[: limit * 2]}…"


def to_int(value: Any) -> int:
    """Turn a whole number from the wire into an int, strictly: the digits rule every integer
    reader shares. It is not itself a rule of any quantity: an id is read by
    :func:`pulumi_compshare.api.fields.to_id`, an amount of fen by
    :func:`~pulumi_compshare.api.fields.to_fen`.

    Accepts ints, whole floats (``50002.0``, as Pulumi sends every number) and text of ASCII
    digits (``"50002"``, ``" 50002 "``, ``"50002.0"``). Raises ``ValueError`` for anything else:
    booleans, fractions, NaN and infinities, exponents (``"5e4"``), underscores (``"50_002"``),
    signs, and digits of other scripts (full-width ``"５"``, Arabic-Indic ``"٣"``), which Python's
    ``int()`` would otherwise accept.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got a boolean ({value!r})")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ValueError(f"expected an integer, got {short(value)}")
    if isinstance(value, str):
        text = value.strip(" \t\r\n")
        if len(text) <= _MAX_DIGITS and _INTEGER_TEXT.fullmatch(text):
            return int(text.split(".", 1)[0], 10)
        raise ValueError(f"expected an integer of ASCII digits, got {short(value)}")
    raise ValueError(f"expected an integer, got {type(value).__name__}")


RelationStatus = Literal["Pending", "Joined", "Rejected", "Canceled"]
"""The status vocabulary of a relation (an invite or a membership), whatever case the API uses."""
RELATION_STATUSES: tuple[RelationStatus, ...] = ("Pending", "Joined", "Rejected", "Canceled")
ACTIVE_STATUSES: frozenset[str] = frozenset({"Pending", "Joined"})
"""Statuses of a relation that holds the account in the team: an open invite or a membership."""
_STATUS_BY_LOWER = {s.lower(): s for s in RELATION_STATUSES}
_STATUS_BY_LOWER["cancelled"] = "Canceled"


def normalize_status(value: str) -> str:
    """The canonical spelling of a relation status, compared case-insensitively.

    ``"joined"`` / ``"JOINED"`` -> ``"Joined"``; ``"Cancelled"`` -> ``"Canceled"``. An unknown
    status is returned unchanged (stripped) so that a new API value is shown rather than lost.
    """
    text = str(value).strip()
    return _STATUS_BY_LOWER.get(text.lower(), text)


LOG_STATUSES = ("Success", "Failed")
_LOG_STATUS_BY_LOWER = {s.lower(): s for s in LOG_STATUSES}


def normalize_log_status(value: str) -> str:
    """The canonical spelling of an operation-log status (``"SUCCESS"`` -> ``"Success"``);
    unknown values are returned unchanged (stripped)."""
    text = str(value).strip()
    return _LOG_STATUS_BY_LOWER.get(text.lower(), text)
