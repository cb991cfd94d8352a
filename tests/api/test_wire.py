"""The wire protocol: our signature against ucloud-sdk-python3's, flattening, id coercion."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from ucloud.core.auth import Credential
from ucloud.core.typesystem import encoder

from pulumi_compshare.api import wire
from pulumi_compshare.resources._fields import positive_id, text

from ..strategies import example_counts, flat_params, key_texts

PUB = "ucloudsomeone@example.com1296235120854146120"
PRIV = "46f09bb9fab4f12dfc160dae12273d5332b5debe"


def our_signature(params: dict[str, Any], public: str, private: str) -> str:
    fields = wire.flatten({**params, "PublicKey": public})
    return wire.sign(fields, private)


def sdk_signature(params: dict[str, Any], public: str, private: str) -> str:
    return str(Credential(public, private).verify_ac(encoder.encode(params)))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"Action": "DescribeUHostInstance", "Region": "cn-bj2", "Limit": 10},
            "cba5cf5ec4d4233d206b1b54951e3787350a642f",
        ),
        (
            {
                "Action": "CreateCompShareTeamRelation",
                "Region": "cn-wlcb",
                "TeamId": 1001,
                "UserInfo": [
                    {"UserCompanyId": 50002, "RemarkName": "张三"},
                    {"UserCompanyId": 50003},
                ],
            },
            "8d4952b93033ad7068a669800c53d4250f1b7de0",
        ),
    ],
)
def test_signature_vectors_from_api_notes(params: dict[str, Any], expected: str) -> None:
    assert our_signature(params, PUB, PRIV) == expected
    assert sdk_signature(params, PUB, PRIV) == expected


@example_counts(full=1200, default=60)
def test_signature_equals_sdk_verify_ac(examples: int) -> None:
    @settings(max_examples=examples, deadline=None)
    @given(params=flat_params, public=key_texts, private=key_texts)
    def run(params: dict[str, Any], public: str, private: str) -> None:
        params.pop("PublicKey", None)
        assert our_signature(params, public, private) == sdk_signature(params, public, private)

    run()


@example_counts(full=300, default=60)
def test_flatten_matches_sdk_encoder(examples: int) -> None:
    @settings(max_examples=examples, deadline=None)
    @given(params=flat_params)
    def run(params: dict[str, Any]) -> None:
        assert wire.flatten(params) == encoder.encode(params)

    run()


def test_flatten_rules() -> None:
    assert wire.flatten(
        {"A": [1, 2], "B": [{"X": 1.0, "Y": None}], "C": {"D": True}, "E": None, "F": []}
    ) == {"A.0": "1", "A.1": "2", "B.0.X": "1", "C.D": "true"}


def test_unflatten_inverts_flatten() -> None:
    params = {"TeamId": "1001", "UserInfo": [{"UserCompanyId": "50002"}, {"UserCompanyId": "7"}]}
    assert wire.unflatten(wire.flatten(params)) == params
    assert wire.unflatten({"AddAccounts.1": "b", "AddAccounts.0": "a"}) == {
        "AddAccounts": ["a", "b"]
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(50002, 50002), (50002.0, 50002), ("50002", 50002), (" 50002 ", 50002), ("1001.0", 1001)],
)
def test_to_int_accepts_ints_whole_floats_and_numeric_text(value: Any, expected: int) -> None:
    assert wire.to_int(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        True,
        1.5,
        math.nan,
        math.inf,
        "abc",
        "1.5",
        None,
        [1],
        "5e4",
        "50_002",
        "５０００２",  # full-width digits
        "٥٠٠٠٢",  # Arabic-Indic digits
        "+50002",
        "0x10",
        "1e400",
        "1001.00000000000001",
        "9" * 5000,
    ],
)
def test_to_int_rejects_the_rest(value: Any) -> None:
    with pytest.raises(ValueError):
        wire.to_int(value)


def test_id_messages_quote_a_short_prefix() -> None:
    with pytest.raises(ValueError) as caught:
        wire.to_int("7" * 4999 + "x")
    assert len(str(caught.value)) < 200 and "(5000 characters)" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        positive_id("8" * 100_000)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    "value", ["5e4", "50_002", "５０００２", "٣", 0, -1, 2**32, "", " ", "9" * 100, 10**100]
)
def test_positive_id_is_strict(value: Any) -> None:
    with pytest.raises(ValueError, match="positive integer id"):
        positive_id(value)


@pytest.mark.parametrize("value", [50002, 50002.0, "50002", "50002.0"])
def test_positive_id_accepts_ascii_digits_and_whole_numbers(value: Any) -> None:
    assert positive_id(value) == 50002


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("a\x00b", "control characters (found U+0000)"),
        ("line\nbreak", "control characters"),
        ("tab\there", "control characters"),
        ("\x7f", "control characters"),
        ("\u200b\u200b", "only blank or invisible"),
        ("\ufeff", "only blank or invisible"),
        ("\u3000 ", "only blank or invisible"),
        ("x" * 100_000, "at most 64 characters"),
    ],
)
def test_text_rejects_controls_and_invisible_text(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)) as caught:
        text(64)(value)
    assert len(str(caught.value)) < 200


def test_text_keeps_visible_text_and_empty_when_allowed() -> None:
    assert text(64)("") == ""
    assert text(64)("张三 \u200bZ") == "张三 \u200bZ"
    with pytest.raises(ValueError, match="must not be empty"):
        text(64, allow_empty=False)("")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("joined", "Joined"), ("PENDING", "Pending"), ("Cancelled", "Canceled"), ("New", "New")],
)
def test_status_normalised_case_insensitively(value: str, expected: str) -> None:
    assert wire.normalize_status(value) == expected
