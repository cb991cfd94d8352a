"""One rule per quantity: an id and an amount of fen are each read by one function of
``api.fields``, and every layer that reads one (the request and response models, the resources,
the emulator) accepts and refuses exactly what it does, words included."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from pulumi_compshare.api import fields, limits
from pulumi_compshare.api.models import SetTeamAmountRequest, Team
from pulumi_compshare.api.rules import fen_to_yuan, yuan_to_fen
from pulumi_compshare.emulator.api_errors import ApiError
from pulumi_compshare.emulator.params import parse_fen, parse_id
from pulumi_compshare.resources._fields import FEN_MAX, fen, positive_id

VALUES: list[Any] = [
    0,
    1,
    50002,
    50002.0,
    "50002",
    " 50002 ",
    "1001.0",
    limits.MAX_ID,
    limits.MAX_ID + 1,
    2**53,
    limits.AMOUNT_MAX,
    limits.AMOUNT_MAX + 1,
    -1,
    -1.0,
    1.5,
    math.nan,
    math.inf,
    True,
    False,
    None,
    "",
    "abc",
    "5e4",
    "50_002",
    "+5",
    "５",
    "٣",
    [1],
    {"a": 1},
]


def outcome(read: Any, value: Any) -> int | str:
    """What ``read`` makes of ``value``: the number, or the words of its failure."""
    try:
        number: int = read(value)
    except (ValueError, ApiError) as exc:
        return str(exc)
    return number


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_layer_reads_an_id_by_the_one_rule(value: Any) -> None:
    rule = outcome(fields.to_id, value)
    assert outcome(positive_id, value) == rule
    emulator = outcome(lambda v: parse_id("TeamId", v), value)
    answer = outcome(lambda v: Team.model_validate({"Id": v, "CompanyId": 1}).id, value)
    if isinstance(rule, int):
        assert 0 < rule <= limits.MAX_ID
        assert emulator == answer == rule
    else:
        assert rule.startswith("must be a positive integer id up to 4294967295")
        assert emulator == f"Params [TeamId] not available: {rule}"
        assert isinstance(answer, str) and rule in answer


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_layer_reads_an_amount_by_the_one_rule(value: Any) -> None:
    rule = outcome(fields.to_fen, value)
    request = outcome(
        lambda v: (
            SetTeamAmountRequest(
                team_id=1, virtual_company_id=[2], amount=v, operate_type="AllocateAmount"
            ).amount
        ),
        value,
    )
    emulator = outcome(lambda v: parse_fen("Amount", v), value)
    resource = outcome(fen, value)
    if isinstance(rule, int):
        assert limits.AMOUNT_MIN <= rule <= limits.AMOUNT_MAX
        assert request == emulator == rule
        # The resources add the engine's bound: numbers cross it as floats.
        assert resource == rule if rule <= FEN_MAX else "at most" in str(resource)
    else:
        assert rule.startswith("must be a whole number of fen (1/100 yuan) from 0 to ")
        assert emulator == f"Params [Amount] not available: {rule}"
        assert resource == rule
        assert isinstance(request, str) and rule in request


def test_zero_fen_is_an_amount_and_a_declared_budget() -> None:
    """0 is a value the API takes (its ``Amount`` is a Uint; the admin guide: "≥ 0")."""
    assert fields.to_fen(0) == fen(0) == parse_fen("Amount", "0") == 0
    request = SetTeamAmountRequest(
        team_id=1, virtual_company_id=[2], amount=0, operate_type="WithdrawAmount"
    )
    assert request.params()["Amount"] == 0


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "null"),
        (True, "a boolean (True)"),
        (1.5, "a number (1.5)"),
        ("x", "a string ('x')"),
        ("x" * 100, "a string ('" + "x" * 40 + "'… (100 characters))"),
        ([1], "a list"),
        ((1,), "a list"),
        ({"a": 1}, "an object"),
    ],
)
def test_one_describer_words_a_bad_value(value: Any, words: str) -> None:
    assert fields.kind_of(value) == words


def test_a_request_model_refuses_with_the_rule_s_words() -> None:
    with pytest.raises(ValidationError) as caught:
        SetTeamAmountRequest(
            team_id=1, virtual_company_id=[2], amount=-5, operate_type="AllocateAmount"
        )
    assert "got a number (-5)" in fields.describe_validation(caught.value)


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("10.00", 1000),
        ("8.5", 850),
        ("12", 1200),
        (" 0.01 ", 1),
        ("-3.20", -320),
        ("1.230", 123),
        (10, 1000),
        (10.5, 1050),
        (None, 0),
        ("", 0),
    ],
)
def test_yuan_reads_into_fen(value: object, fen: int) -> None:
    assert yuan_to_fen(value) == fen
    if isinstance(value, str) and value.strip():
        assert yuan_to_fen(fen_to_yuan(fen)) == fen


@pytest.mark.parametrize("value", ["1.234", "abc", "1e5", True, "1,00", [], "１２"])
def test_yuan_refuses_what_is_not_an_amount(value: object) -> None:
    with pytest.raises(ValueError, match="amount in yuan"):
        yuan_to_fen(value)
