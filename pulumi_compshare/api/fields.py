"""The field types shared by the request and response models, and their failures in plain words.

Field names are snake_case; the wire names are their PascalCase aliases (``team_id`` <->
``TeamId``, :class:`WireModel`). Identifiers accept ints, numeric strings and whole floats
(:func:`wire.to_int`); relation statuses are normalised case-insensitively
(:func:`wire.normalize_status`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic.alias_generators import to_pascal

from . import limits, wire

__all__ = [
    "Count",
    "Flag",
    "Id",
    "LogStatus",
    "Status",
    "Text",
    "WireModel",
    "describe_validation",
    "kind_of",
    "to_id",
]


def to_id(value: Any) -> int:
    number = wire.to_int(value)
    if not 0 < number <= limits.MAX_ID:
        raise ValueError(f"expected a positive id up to {limits.MAX_ID}, got {wire.short(number)}")
    return number


_SIGNED_INTEGER_TEXT = re.compile(r"-?[0-9]+(?:\.0*)?")


def _int_or_zero(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 32 and _SIGNED_INTEGER_TEXT.fullmatch(text):
            return int(text.split(".", 1)[0])
        raise ValueError(f"expected a whole number, got {wire.short(value)}")
    number = wire.to_int(value)
    if abs(number) >= 2**63:
        raise ValueError(f"expected a 64-bit whole number, got {wire.short(number)}")
    return number


def _text(value: Any) -> str:
    """Text fields may arrive null or be absent: both read as ``""``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {kind_of(value)}")
    return value


def _status(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a status word, got {kind_of(value)}")
    return wire.normalize_status(value)


def _log_status(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected a status word, got {kind_of(value)}")
    return wire.normalize_log_status(value)


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, str)):
        return str(value).strip().lower() in ("1", "true", "1.0")
    raise ValueError(f"expected a flag (0/1, true/false), got {kind_of(value)}")


def kind_of(value: Any) -> str:
    """What a value is, for messages (a short prefix only)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({wire.short(value)})"
    if isinstance(value, str):
        return f"text ({wire.short(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


Id = Annotated[int, BeforeValidator(to_id)]
"""A team, company or virtual company id: a positive int from an int, digit text or whole float."""
Count = Annotated[int, BeforeValidator(_int_or_zero)]
"""A non-id integer (amounts in fen, times, counts) that may arrive as text or float."""
Status = Annotated[str, BeforeValidator(_status)]
"""A relation status in its canonical spelling: Pending, Joined, Rejected or Canceled (any case
on the wire)."""
LogStatus = Annotated[str, BeforeValidator(_log_status)]
"""An operation-log status in its canonical spelling (Success, Failed; any case on the wire)."""
Flag = Annotated[bool, BeforeValidator(_flag)]
Text = Annotated[str, BeforeValidator(_text)]
"""A text field: null or absent reads as ``""``."""


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )


_PLAIN = {
    "missing": "is missing",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "too_long": "is too long",
    "too_short": "is too short",
    "string_too_long": "is too long",
    "string_too_short": "must not be empty",
    "literal_error": "is not one of the allowed values",
    "string_pattern_mismatch": "does not have the expected form",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
    "recursion_loop": "is nested too deeply",
}


def describe_validation(exc: ValidationError, prefix: str = "") -> str:
    """The first problem of a validation error in plain words: ``Teams.0.Id: expected a
    positive id up to 4294967295, got 'abc'`` (wire names under ``prefix``, a short prefix of
    the value)."""
    first = exc.errors(include_url=False)[0]
    parts = [prefix] if prefix else []
    where = ".".join([*parts, *(str(part) for part in first["loc"])]) or "the answer"
    kind = str(first.get("type", ""))
    if kind == "value_error":
        context = first.get("ctx") or {}
        error = context.get("error")
        what = str(error) if error is not None else "has an unexpected value"
    else:
        what = _PLAIN.get(kind, "has an unexpected value")
        if kind != "missing":
            what = f"{what}, got {kind_of(first.get('input'))}"
    return f"{where}: {what}"
