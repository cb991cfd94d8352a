"""The field types shared by the request and response models, and their failures in plain words.

Field names are snake_case; the wire names are their PascalCase aliases (``team_id`` <->
``TeamId``, :class:`WireModel`). Relation statuses are normalised case-insensitively
(:func:`wire.normalize_status`).

One rule per quantity (:mod:`.rules`, re-exported here): an id is :func:`to_id`, an amount of
money is :func:`to_fen`, and a bad value is described by :func:`kind_of`.

Responses are read leniently (:data:`Text`, :data:`Count`, :data:`Status`...); what a request
accepts is checked strictly (:data:`PositiveId`, :data:`Fen`, :func:`whole`, :data:`KnownStatus`,
:data:`Switch`...), each rule failing with words that read after the parameter's name, whatever
the caller calls it (the client: its wire name; a lookup: its argument).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic.alias_generators import to_pascal

from . import limits, wire
from .rules import kind_of, to_fen, to_id, yuan_to_fen

__all__ = [
    "Count",
    "Fen",
    "Flag",
    "Id",
    "ImageId",
    "KnownStatus",
    "LogStatus",
    "Phrase",
    "PositiveId",
    "Status",
    "Switch",
    "Text",
    "TextList",
    "UnpaidAmount",
    "WireModel",
    "Yuan",
    "describe_validation",
    "kind_of",
    "one_of",
    "to_fen",
    "to_id",
    "whole",
]


_SIGNED_INTEGER_TEXT = re.compile(r"-?[0-9]+(?:\.0*)?")


_INT64_BOUND = 2**63


def _int_or_zero(value: Any) -> int:
    if type(value) is int and -_INT64_BOUND < value < _INT64_BOUND:  # the usual case, fast
        return value
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 32 and _SIGNED_INTEGER_TEXT.fullmatch(text):
            return int(text.split(".", 1)[0])
        raise ValueError(f"expected a whole number, got {wire.short(value)}")
    number = wire.to_int(value)
    if abs(number) >= _INT64_BOUND:
        raise ValueError(f"expected a 64-bit whole number, got {wire.short(number)}")
    return number


def _text(value: Any) -> str:
    """Text fields may arrive null or be absent: both read as ``""``."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {kind_of(value)}")
    return value


_STATUS_SPELLINGS = {
    spelling: wire.normalize_status(spelling)
    for word in (*wire.RELATION_STATUSES, "Cancelled")
    for spelling in (word, word.lower(), word.upper())
}
"""The usual spellings of each status and their canonical word (a fast path of
:func:`wire.normalize_status`)."""


def _status(value: Any) -> str:
    if type(value) is str:
        canonical = _STATUS_SPELLINGS.get(value)
        if canonical is not None:
            return canonical
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
    if value is True or value is False:
        return value
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, str)):
        return str(value).strip().lower() in ("1", "true", "1.0")
    raise ValueError(f"expected a flag (0/1, true/false), got {kind_of(value)}")


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
Yuan = Annotated[int, BeforeValidator(yuan_to_fen)]
"""An amount the API answers in yuan (``"10.00"``), held in fen (:func:`yuan_to_fen`)."""


def _unpaid_amount(value: Any) -> int:
    """An unpaid order's ``Amount``: both SDKs (and UCloud's generated page) type it an integer,
    the vendor's CompShare page text in yuan (``"50.00"``). This API's integer amounts are fen
    (AllocateAmount, AvailableAmount, SetCompShareTeamAmount), so an integer is fen; text (or a
    fractional number) is yuan."""
    if type(value) is int or (isinstance(value, float) and value.is_integer()):
        return _int_or_zero(value)
    return yuan_to_fen(value)


UnpaidAmount = Annotated[int, BeforeValidator(_unpaid_amount)]
"""An unpaid order's amount, held in fen: an integer is fen, text is yuan
(:func:`_unpaid_amount`)."""
Text = Annotated[str, BeforeValidator(_text)]
"""A text field: null or absent reads as ``""``."""


# What a request accepts. Each rule fails with a message that reads after the parameter's name,
# whatever the caller calls it: ``limit must be from 1 to 100, got 0``.


def whole(low: int, high: int | None = None) -> BeforeValidator:
    """A whole number from ``low`` (to ``high``): an int or a whole float (as Pulumi sends every
    number), never a boolean, text, NaN or an infinity."""

    def check(value: Any) -> int:
        finite = isinstance(value, float) and math.isfinite(value) and value.is_integer()
        if isinstance(value, bool) or not (isinstance(value, int) or finite):
            raise ValueError(f"must be an integer, got {wire.short(value)}")
        number = int(value)
        if number < low or (high is not None and number > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"must be {span}, got {wire.short(number)}")
        return number

    return BeforeValidator(check)


def one_of(*words: str, spelling: Callable[[str], str] | None = None) -> BeforeValidator:
    """One of ``words``, after ``spelling`` (e.g. :func:`wire.normalize_status`) when given."""

    def check(value: Any) -> str:
        word = spelling(value) if spelling is not None and isinstance(value, str) else value
        if not isinstance(word, str) or word not in words:
            raise ValueError(f"must be one of {', '.join(words)}, got {wire.short(value)}")
        return word

    return BeforeValidator(check)


def _switch(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {wire.short(value)}")
    return value


def _phrase(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {wire.short(value)}")
    return value


def _text_list(value: Any) -> list[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValueError(f"must be a list of strings, got {wire.short(value)}")
    if not all(isinstance(item, str) for item in value):
        raise ValueError(f"must be a list of strings, got {wire.short(list(value))}")
    return list(value)


def _image_id(value: Any) -> str:
    if not limits.is_image_id(value):
        raise ValueError(f"{wire.short(value)} is not a custom image id")
    return str(value)


PositiveId = Id
"""A team, company or virtual company id sent to the API: the same rule as :data:`Id` reads
(:func:`to_id`)."""
Fen = Annotated[int, BeforeValidator(to_fen)]
"""An amount of money in fen sent to the API (:func:`to_fen`: 0 to :data:`limits.AMOUNT_MAX`)."""
KnownStatus = Annotated[str, one_of(*wire.RELATION_STATUSES, spelling=wire.normalize_status)]
"""A relation status to filter by: Pending, Joined, Rejected or Canceled, in any case."""
Switch = Annotated[bool, BeforeValidator(_switch)]
"""True or false, and nothing that merely looks like it (``1``, ``"true"``)."""
Phrase = Annotated[str, BeforeValidator(_phrase)]
"""A string."""
TextList = Annotated[list[str], BeforeValidator(_text_list)]
"""A list (or tuple) of strings."""
ImageId = Annotated[str, BeforeValidator(_image_id)]
"""A custom image id: ``compshareImage-`` and letters, digits, ``-`` or ``_``
(:func:`limits.is_image_id`)."""


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
