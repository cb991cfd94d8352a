"""The one rule of each quantity, wherever it is read (the request and response models, the
client, the resources, the emulator): an id is :func:`to_id`, an amount of money is
:func:`to_fen`, and a bad value is described by :func:`kind_of`. A caller that must answer a
failure differently (the emulator answers RetCode 230, a resource a check failure) calls the rule
and maps its ``ValueError``.

Plain Python, no pydantic: the providers' check (``pulumi preview``) reads ids and amounts with
these rules without loading the API models (:mod:`.fields` builds the models' field types on
them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from . import limits, wire

__all__ = ["fen_to_yuan", "kind_of", "to_fen", "to_id", "yuan_to_fen"]


def to_id(value: Any) -> int:
    """The one rule of an id (team, company, virtual company), wherever one is read: a positive
    integer up to :data:`limits.MAX_ID` (Uint32 in the vendor's docs), as an int, a whole float
    (Pulumi sends every number as one) or text of ASCII digits (:func:`wire.to_int`: no signs,
    exponents, underscores or digits of other scripts). The request models, the response models,
    the resources and the emulator all read ids with it.

    Raises ``ValueError`` with words that read after the parameter's name: ``must be a positive
    integer id up to 4294967295 (digits 0-9), got text ('5e4')``.
    """
    # Fast paths (response rows carry ids by the hundred): an exact int, or plain ASCII digits;
    # each gives what the general path gives for it.
    if type(value) is int:
        if 0 < value <= limits.MAX_ID:
            return value
    elif type(value) is str and len(value) <= 10 and value.isdigit() and value.isascii():
        number = int(value)
        if 0 < number <= limits.MAX_ID:
            return number
    try:
        number = wire.to_int(value)
    except ValueError:
        pass
    else:
        if 0 < number <= limits.MAX_ID:
            return number
    raise ValueError(
        f"must be a positive integer id up to {limits.MAX_ID} (digits 0-9), got {kind_of(value)}"
    )


def to_fen(value: Any) -> int:
    """The one rule of an amount of money, wherever one is read: a whole number of fen (1/100
    yuan) from :data:`limits.AMOUNT_MIN` (0) to :data:`limits.AMOUNT_MAX`, as an int, a whole
    float or text of ASCII digits (:func:`wire.to_int`), never a boolean. 0 is accepted: the
    vendor's ``Amount`` is a ``Uint`` and its admin guide takes "≥ 0" (the sources are quoted at
    :data:`limits.AMOUNT_MAX`). SetCompShareTeamAmount's request model, the emulator and the
    resources' budgets all read amounts with it.

    Raises ``ValueError`` with words that read after the parameter's name.
    """
    if type(value) is int and limits.AMOUNT_MIN <= value <= limits.AMOUNT_MAX:  # the usual case
        return value
    number: int | None = None
    if not isinstance(value, bool):
        try:
            number = wire.to_int(value)
        except ValueError:
            number = None
    if number is None or not limits.AMOUNT_MIN <= number <= limits.AMOUNT_MAX:
        raise ValueError(
            f"must be a whole number of fen (1/100 yuan) from {limits.AMOUNT_MIN} to "
            f"{limits.AMOUNT_MAX} (digits 0-9), got {kind_of(value)}"
        )
    return number


_YUAN_TEXT = re.compile(r"(-?)([0-9]{1,18})(?:\.([0-9]{0,2})0*)?")


def yuan_to_fen(value: Any) -> int:
    """The one rule of an amount the API *answers* in yuan, read into fen: the billing actions'
    order amounts (DescribeTeamMemberOrder ``Amount`` / ``AmountReal`` / ``AmountFree`` /
    ``AmountCoupon``, DescribeTeamMemberOrderCount's totals) are text in yuan (the vendor's
    pages: 订单金额（元）, ``"10.00"``; both SDKs type them ``string``), and the rest of this
    API counts money in whole fen (AllocateAmount, AvailableAmount, SetCompShareTeamAmount's
    Amount), so the client holds every amount in fen.

    Accepts decimal text (``"10.00"``, ``"8.5"``, ``"12"``, an optional leading ``-`` for a
    refund) or a JSON number (an int or a float, as UCloud's generated page's example shows), with
    at most two decimal places that are not zero (fen are the smallest unit); ``null`` and ``""``
    read as 0 (the SDKs' response fields are all optional). Never a boolean. Raises
    ``ValueError`` with words that read after the field's name.
    """
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError(f"must be an amount in yuan, got {kind_of(value)}")
    if type(value) is int:
        if abs(value) > limits.AMOUNT_MAX // 100:
            raise ValueError(f"must be an amount in yuan, got {kind_of(value)}")
        return value * 100
    if isinstance(value, float):
        text = repr(value) if math.isfinite(value) else ""
        text = f"{value:.6f}" if "e" in text else text
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValueError(f"must be an amount in yuan, got {kind_of(value)}")
    match = _YUAN_TEXT.fullmatch(text)
    if match is None:
        raise ValueError(
            "must be an amount in yuan with at most two decimal places (digits 0-9), "
            f"got {kind_of(value)}"
        )
    sign, whole_part, cents = match.groups()
    fen = int(whole_part) * 100 + int((cents or "").ljust(2, "0"))
    return -fen if sign else fen


def fen_to_yuan(fen: int) -> str:
    """An amount in fen as the API's yuan text: ``1234`` -> ``"12.34"`` (the inverse of
    :func:`yuan_to_fen`)."""
    sign = "-" if fen < 0 else ""
    whole_part, cents = divmod(abs(fen), 100)
    return f"{sign}{whole_part}.{cents:02d}"


def kind_of(value: Any) -> str:
    """What a value is, for messages (a short prefix only): ``null``, ``a boolean (True)``,
    ``a number (1.5)``, ``a string ('abc')``, ``a list``, ``an object``. The one describer of a
    bad value: the request and response models, the client and the resources word it the same."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({wire.short(value)})"
    if isinstance(value, str):
        return f"a string ({wire.short(value)})"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
