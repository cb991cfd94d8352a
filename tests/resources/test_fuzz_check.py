"""Property-based fuzzing of every resource's ``check()``.

For arbitrary input dicts (every input of the resource, drawn from valid, nearly valid and
outright wrong values, plus unknowns and stray keys), ``check()``:

- never raises,
- makes no API call (an emulator is the configured endpoint and must see no request),
- reports each failure on one of the resource's inputs, with a one-line reason that starts with
  the input's name,
- and, without failures, returns normalised inputs: ids are ints, ``account_ids`` sorted and
  unique, defaults filled in, unknowns passed through untouched; such inputs are a fixpoint of
  ``check``, are accepted by ``parse`` (what create/update use) and make well-formed API requests.

Real provider objects, configured exactly as the engine configures them; no mocks.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import BaseModel

from pulumi_compshare.api import limits, models
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.resources._budget import declarations
from pulumi_compshare.resources._claims import managers
from pulumi_compshare.resources._provider import CompShareProvider

from .. import registry
from ..registry import NAMES
from ..strategies import (
    IMAGE_CHARS,
    around,
    bounded_text,
    example_counts,
    near_ids,
    scalars,
    shows,
    suffixed,
    unknowns,
    valid_ids,
    valid_image_ids,
    values,
)

PROFILES = '{"alice": {"publicKey": "a", "privateKey": "b"}}'
KNOWN_PROFILES = ("alice",)
MAX_ID = limits.MAX_ID

FUZZ = settings(  # examples per resource: 2000 in the slow run, 60 by default (example_counts)
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
        assert emulator.stats()["requests"] == {}, "check() called the API"


@pytest.fixture(autouse=True)
def one_program() -> Iterator[None]:
    """Each test checks its own program: budget declarations (``_budget.declarations``) of
    another test's examples are forgotten, and so are the teams whose members they manage
    (``_claims.managers``)."""
    declarations.clear()
    managers.clear()
    yield
    declarations.clear()
    managers.clear()


@pytest.fixture(scope="module")
def providers(em: Emulator) -> dict[str, CompShareProvider]:
    """The four providers, configured as the engine configures them (stack config)."""
    config = Config(
        {
            "compshare:publicKey": "pk",
            "compshare:privateKey": "sk",
            "compshare:baseUrl": em.url,
            "compshare:profiles": PROFILES,
        },
        "p",
    )
    built: dict[str, CompShareProvider] = {}
    for provider in registry.providers().values():
        provider.configure(ConfigureRequest(config))
        built[provider.kind] = provider
    return built


# ------------------------------------------------------------------------------ values
# Strategies are kept cheap to draw: 2000 examples per resource must run in a few seconds.

valid_account_ids = st.lists(valid_ids, max_size=12)
valid_profiles = st.one_of(st.none(), st.sampled_from(KNOWN_PROFILES))


VALID_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "name": bounded_text(limits.TEAM_NAME_MAX, non_blank=True),
    "description": st.one_of(st.none(), bounded_text(limits.TEAM_DESCRIPTION_MAX)),
    "profile": valid_profiles,
    "team_id": valid_ids,
    "user_company_id": valid_ids,
    "remark_name": st.one_of(st.none(), bounded_text(limits.REMARK_NAME_MAX)),
    "reinvite_on_reject": st.one_of(st.none(), st.booleans()),
    "exclusive": st.one_of(st.none(), st.booleans()),
    "image_id": valid_image_ids,
    "account_ids": valid_account_ids,
    "user_company_ids": valid_account_ids,
    # remark names of accounts not listed are a (correct) check failure
    "remark_names": st.one_of(st.none(), st.just({})),
    "adopt_team_id": st.one_of(st.none(), valid_ids),
    "allocated_amount": st.one_of(
        st.none(),
        st.integers(0, 2**53),
        st.integers(0, 2**40).map(float),
        st.integers(0, 2**53).map(str),  # a budget read from a CSV, taken like an id is
        st.sampled_from(["0", "20000", " 20000 ", "20000.0"]),
    ),
    "__creation_marker": st.one_of(
        st.none(), st.text("0123456789abcdef", min_size=24, max_size=24)
    ),
    # one name: two names of one member's budget are a (correct) check failure
    "__resource_name": st.one_of(st.none(), st.just("m")),
}
"""Values every input accepts (``None`` only for optional inputs)."""

NEAR_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "name": st.one_of(
        around(limits.TEAM_NAME_MAX),
        suffixed(bounded_text(limits.TEAM_NAME_MAX, non_blank=True)),
    ),
    "description": around(limits.TEAM_DESCRIPTION_MAX),
    "profile": st.one_of(suffixed(st.sampled_from(KNOWN_PROFILES)), st.text(max_size=8)),
    "team_id": near_ids,
    "user_company_id": near_ids,
    "remark_name": around(limits.REMARK_NAME_MAX),
    "adopt_team_id": near_ids,
    "allocated_amount": st.one_of(
        st.sampled_from(
            [
                -1,
                2**53 + 1,
                0.5,
                "100",
                "-1",
                "1e4",
                "20_000",
                "２０",
                True,
                float("inf"),
                float("nan"),
            ]
        ),
        st.integers(-(2**60), 2**60),
    ),
    "__creation_marker": st.text("0123456789abcdefABCDEF", min_size=22, max_size=26),
    "__resource_name": st.sampled_from(["", "n", 0, 1.5, True]),
    "reinvite_on_reject": st.sampled_from([0, 1, "true", "false", 1.0]),
    "exclusive": st.sampled_from([0, 1, "true", "false", 1.0]),
    "image_id": st.one_of(
        suffixed(valid_image_ids),
        st.sampled_from(
            [
                "compshareImage-" + "a" * 64,
                "compshareImage--a",
                "compshareImage-_",
                "compshareImage-a.b",
            ]
        ),
        st.text(alphabet=IMAGE_CHARS + "./ é", max_size=8).map(lambda s: "compshareImage-" + s),
    ),
    "account_ids": st.lists(st.one_of(near_ids, unknowns), max_size=12),
    "user_company_ids": st.lists(st.one_of(near_ids, unknowns), max_size=12),
    "remark_names": st.dictionaries(
        st.one_of(near_ids, near_ids.map(str), st.text(max_size=3)),
        st.one_of(around(limits.REMARK_NAME_MAX), values),
        max_size=3,
    ),
}
"""Values at and just beyond the edges of what each input accepts."""


def _input_strategy(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the inputs, each valid, nearly valid or arbitrary, plus stray keys."""
    known = st.fixed_dictionaries(
        {},
        optional={name: st.one_of(VALID_VALUES[name], NEAR_VALUES[name], values) for name in names},
    )
    stray = st.dictionaries(
        st.one_of(st.text(max_size=6), st.sampled_from(["__provider", "id", "urn", "status"])),
        values,
        max_size=2,
    )
    return st.tuples(stray, known).map(lambda pair: {**pair[0], **pair[1]})


def _valid_strategy(provider: CompShareProvider) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs the resource must accept: required ones always set, optional ones maybe."""
    required = {p.key: VALID_VALUES[p.key] for p in provider.props if p.required}
    optional = {p.key: VALID_VALUES[p.key] for p in provider.props if not p.required}
    return st.fixed_dictionaries(required, optional=optional)


# ------------------------------------------------------------------------------ oracle


def _is_unknown(value: Any) -> bool:
    """Unknown: the Unknown object, the wire sentinel, or a list/tuple/dict holding one (any
    depth)."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, str):
        return value == rpc.UNKNOWN
    if isinstance(value, (list, tuple)):
        return any(_is_unknown(item) for item in value)
    if isinstance(value, dict):
        return any(_is_unknown(item) for item in value.values())
    return False


def _number(value: Any) -> int | None:
    """The integer a number or numeric string denotes, or None if it denotes no integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    try:
        exact = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return None
    if not exact.is_finite() or exact != exact.to_integral_value():
        return None
    return int(exact)


def _expect_id(value: Any, out: Any) -> None:
    assert type(out) is int, f"id not normalised to int: {out!r}"
    assert 0 < out <= MAX_ID
    denoted = _number(value)
    if denoted is not None:
        assert out == denoted, f"{value!r} became {out}"


def _expect_id_set(value: Any, out: Any) -> None:
    assert isinstance(out, list)
    assert all(type(item) is int and 0 < item <= MAX_ID for item in out), out
    assert out == sorted(set(out)), f"account_ids not sorted and unique: {out}"
    denoted = [_number(item) for item in value]
    if all(number is not None for number in denoted):
        assert out == sorted({number for number in denoted if number is not None})


def _expect_text(
    limit: int, *, non_blank: bool = False, multiline: bool = False
) -> Callable[[Any, Any], None]:
    allowed = "\n\r\t" if multiline else ""

    def expect(value: Any, out: Any) -> None:
        assert out == value and type(out) is str
        assert len(out) <= limit
        controls = [c for c in out if unicodedata.category(c) == "Cc" and c not in allowed]
        assert not controls, f"control char in {out!r}"
        assert out == "" or shows(out), f"invisible text accepted: {out!r}"
        if non_blank:
            assert out.strip()

    return expect


def _expect_bool(value: Any, out: Any) -> None:
    assert out is value and type(out) is bool


def _expect_image_id(value: Any, out: Any) -> None:
    assert out == value and type(out) is str
    # The documented form (``compshareImage-`` then letters and digits, also ``-``/``_``),
    # matched against the whole value.
    assert limits.IMAGE_ID_PATTERN.fullmatch(out), f"{out!r} is not a custom image id"


def _expect_fen(value: Any, out: Any) -> None:
    """Amounts are read like ids (:func:`_expect_id`): numbers and ASCII decimal text."""
    assert type(out) is int and 0 <= out <= 2**53, f"{value!r} -> {out!r}"
    assert out == _number(value), f"{value!r} became {out}"


def _expect_marker(value: Any, out: Any) -> None:
    assert out == value and re.fullmatch("[0-9a-f]{24}", out), f"{out!r} is not a marker"


def _expect_same(value: Any, out: Any) -> None:
    assert out == value and isinstance(out, str) and out, f"{out!r} is not a resource name"


def _expect_remark_names(value: Any, out: Any) -> None:
    """Keys as decimal text of ids (sorted), each name a remark name."""
    assert isinstance(out, dict), f"{value!r} -> {out!r}"
    assert list(out) == [str(k) for k in sorted(int(k) for k in out)], out
    for key, name in out.items():
        _expect_id(key, int(key))
        _expect_text(limits.REMARK_NAME_MAX)(name, name)


def _expect_profile(value: Any, out: Any) -> None:
    assert out == value and out in KNOWN_PROFILES


EXPECT: dict[str, Callable[[Any, Any], None]] = {
    "name": _expect_text(limits.TEAM_NAME_MAX, non_blank=True),
    "description": _expect_text(limits.TEAM_DESCRIPTION_MAX, multiline=True),
    "profile": _expect_profile,
    "team_id": _expect_id,
    "user_company_id": _expect_id,
    "remark_name": _expect_text(limits.REMARK_NAME_MAX),
    "reinvite_on_reject": _expect_bool,
    "exclusive": _expect_bool,
    "image_id": _expect_image_id,
    "account_ids": _expect_id_set,
    "user_company_ids": _expect_id_set,
    "remark_names": _expect_remark_names,
    "adopt_team_id": _expect_id,
    "allocated_amount": _expect_fen,
    "__creation_marker": _expect_marker,
    "__resource_name": _expect_same,
}
DEFAULTS: dict[str, Any] = {"reinvite_on_reject": False, "exclusive": False}
INPUTS: dict[str, set[str]] = {
    name: {p.key for p in provider.props} for name, provider in registry.providers().items()
}
"""Each resource's inputs, from its declarations (the registry's resources)."""
REQUIRED: dict[str, set[str]] = {
    name: {p.key for p in provider.props if p.required}
    for name, provider in registry.providers().items()
}


def _requests_of(
    kind: str, args: Mapping[str, Any]
) -> list[tuple[type[BaseModel], dict[str, Any]]]:
    """The API requests create/update build from parsed inputs (request model, values)."""
    if kind == "Team":
        text = {"name": args["name"], "description": args["description"]}
        return [
            (models.CreateTeamRequest, text),
            (
                models.UpdateTeamRequest,
                {**text, "team_id": 1, "description": text["description"] or ""},
            ),
        ]
    if kind == "TeamMembership":
        user = {"user_company_id": args["user_company_id"], "remark_name": args["remark_name"]}
        built: list[tuple[type[BaseModel], dict[str, Any]]] = [
            (models.GetTeamInfoRequest, {"team_id": args["team_id"]}),
            (models.CreateTeamRelationRequest, {"team_id": args["team_id"], "user_info": [user]}),
        ]
        if args["remark_name"] is not None:
            built.append(
                (
                    models.SetTeamRelationRequest,
                    {"team_id": args["team_id"], "status": "UpdateRemarkName", **user},
                )
            )
        return built
    if kind == "TeamMembers":
        names = args["remark_names"] or {}
        users = [
            {"user_company_id": u, "remark_name": names.get(str(u))}
            for u in args["user_company_ids"]
        ]
        team = {"team_id": args["team_id"]}
        built = [(models.GetTeamInfoRequest, team)]
        for start in range(0, len(users), limits.INVITE_BATCH_MAX):
            batch = users[start : start + limits.INVITE_BATCH_MAX]
            built.append((models.CreateTeamRelationRequest, {**team, "user_info": batch}))
        for user in users:
            status = "UpdateRemarkName" if user["remark_name"] is not None else "Cancel"
            built.append((models.SetTeamRelationRequest, {**team, "status": status, **user}))
        return built
    if kind == "TeamInviteAccepter":
        return [(models.SetTeamRelationRequest, {"team_id": args["team_id"], "status": "Agree"})]
    image = args["image_id"]
    ids = args["account_ids"]
    built = [(models.DescribeImageShareAccountsRequest, {"image_id": image})]
    for start in range(0, len(ids), limits.SHARE_BATCH_MAX):
        batch = ids[start : start + limits.SHARE_BATCH_MAX]
        built.append(
            (models.ModifyImageShareAccountRequest, {"image_id": image, "add_accounts": batch})
        )
        built.append(
            (models.ModifyImageShareAccountRequest, {"image_id": image, "remove_accounts": batch})
        )
    return built


def _assert_contract(
    em: Emulator, provider: CompShareProvider, news: dict[str, Any], result: CheckResult
) -> None:
    kind = provider.kind
    inputs = INPUTS[kind]
    assert em.stats()["requests"] == {}, "check() made an API call"
    assert isinstance(result, CheckResult)
    assert isinstance(result.failures, list)
    for failure in result.failures:
        assert isinstance(failure, CheckFailure)
        assert failure.property in inputs, f"failure on no input: {failure!r}"
        reason = failure.reason
        assert isinstance(reason, str)
        assert reason.startswith(f"{failure.property} "), reason
        assert "\n" not in reason and "\r" not in reason, f"multi-line reason: {reason!r}"
    failed = {f.property for f in result.failures}
    for name in REQUIRED[kind]:
        if news.get(name) is None:
            assert name in failed, f"missing required {name} not reported"
    if result.failures:
        return

    checked = result.inputs
    assert set(checked) == inputs, f"checked inputs {sorted(checked)} != {sorted(inputs)}"
    known = True
    for name in inputs:
        value, out = news.get(name), checked[name]
        if _is_unknown(value):
            assert out is value, f"unknown {name} not passed through: {out!r}"
            known = False
        elif value is None:
            assert out == DEFAULTS.get(name)
        else:
            EXPECT[name](value, out)
    if not known:
        return

    # Known inputs: a fixpoint of check, accepted by parse, and they make well-formed requests.
    again = provider.check({}, dict(checked))
    assert again.failures == [] and again.inputs == checked
    assert provider.parse(dict(checked)).to_dict() == checked  # the typed inputs, by key
    for model, request in _requests_of(kind, checked):
        model.model_validate(request)  # raises on a request the client would refuse to send


KINDS = NAMES
OLDS = st.one_of(st.just({}), st.dictionaries(st.sampled_from(sorted(EXPECT)), scalars, max_size=2))
"""check() ignores the old inputs; vary them anyway."""
STRATEGIES = {kind: _input_strategy(tuple(sorted(INPUTS[kind]))) for kind in KINDS}


# ------------------------------------------------------------------------------ properties


@example_counts(full=2000, default=60)
@pytest.mark.parametrize("kind", KINDS)
def test_check_never_raises_and_names_the_property(
    em: Emulator, providers: dict[str, CompShareProvider], kind: str, examples: int
) -> None:
    provider = providers[kind]

    @settings(FUZZ, max_examples=examples)
    @given(news=STRATEGIES[kind], olds=OLDS)
    def run(news: dict[str, Any], olds: dict[str, Any]) -> None:
        snapshot = dict(news)
        result = provider.check(olds, news)
        assert news == snapshot, "check() changed its argument"
        _assert_contract(em, provider, news, result)

    run()


@example_counts(full=250, default=60)
@pytest.mark.parametrize("kind", KINDS)
def test_valid_inputs_pass_check(
    em: Emulator, providers: dict[str, CompShareProvider], kind: str, examples: int
) -> None:
    provider = providers[kind]

    @settings(max_examples=examples, deadline=None, database=None)
    @given(news=_valid_strategy(provider))
    def run(news: dict[str, Any]) -> None:
        result = provider.check({}, news)
        assert result.failures == [], [(f.property, f.reason) for f in result.failures]
        _assert_contract(em, provider, news, result)

    run()


def test_profile_failure_reason_is_one_line(providers: dict[str, CompShareProvider]) -> None:
    """An unknown profile whose name holds a newline is reported on one line."""
    result = providers["Team"].check({}, {"name": "t", "profile": "a\nb"})
    assert [f.property for f in result.failures] == ["profile"]
    assert "\n" not in result.failures[0].reason, repr(result.failures[0].reason)


def test_image_id_with_trailing_newline_fails_check(
    providers: dict[str, CompShareProvider],
) -> None:
    """check() must reject an image id the API request (and the emulator's id rule) refuses."""
    result = providers["ImageShare"].check(
        {}, {"image_id": "compshareImage-abc\n", "account_ids": [50002]}
    )
    assert [f.property for f in result.failures] == ["image_id"]


@pytest.mark.parametrize(
    ("kind", "news", "prop"),
    [
        ("Team", {"name": "\ud800"}, "name"),
        ("Team", {"name": "t", "description": "x\udfff"}, "description"),
        (
            "TeamMembership",
            {"team_id": 1, "user_company_id": 2, "remark_name": "\ud800"},
            "remark_name",
        ),
        ("TeamInviteAccepter", {"team_id": 1, "profile": "\ud800"}, "profile"),
    ],
)
def test_lone_surrogates_fail_check(
    providers: dict[str, CompShareProvider], kind: str, news: dict[str, Any], prop: str
) -> None:
    """Found on a clean CI run: text the API request models (UTF-8) refuse must fail in check."""
    result = providers[kind].check({}, news)
    assert [f.property for f in result.failures] == [prop]
    assert "Unicode" in result.failures[0].reason
