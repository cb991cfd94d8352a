"""Property-based fuzzing of every lookup function's arguments against a real emulator.

Each call, whatever its arguments:

- returns a result of the documented type, or
- raises :class:`InvalidParameterError` (one line, naming the lookup) before any API call, or
- raises another :class:`CompShareError` (one line) after the API answered (an unknown team,
  an image of another account, ...), or
- for a ``profile`` name that is not defined, raises ``ConfigurationError`` (one line) before any
  API call.

Anything else (a ``TypeError``, a ``ValueError``, an ``InvalidParameterError`` after a request
was sent, a request sent for arguments it then rejected) fails the test.

Credentials come from the environment (``COMPSHARE_*``) and the profile ``alice`` from
``PULUMI_CONFIG_COMPSHARE_PROFILES``, set by a module fixture that restores the environment.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import pulumi_compshare.lookups as lookups
from pulumi_compshare.api import limits
from pulumi_compshare.client import CompShareError, InvalidParameterError
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.errors import ConfigurationError

from ..kit import client_of
from ..strategies import values

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004
TEAM = 1001
PROFILE_ENV = "PULUMI_CONFIG_COMPSHARE_PROFILES"
ENV_KEYS = ("COMPSHARE_PUBLIC_KEY", "COMPSHARE_PRIVATE_KEY", "COMPSHARE_BASE_URL", PROFILE_ENV)
MAX_ID = limits.MAX_ID

FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def em() -> Iterator[Emulator]:
    """The demo emulator with a few relations; the owner's keys in the environment."""
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    with Emulator() as emulator:
        owner, alice = emulator.account(OWNER), emulator.account(ALICE)
        os.environ["COMPSHARE_PUBLIC_KEY"] = owner.public_key
        os.environ["COMPSHARE_PRIVATE_KEY"] = owner.private_key
        os.environ["COMPSHARE_BASE_URL"] = emulator.url
        os.environ[PROFILE_ENV] = json.dumps(
            {"alice": {"publicKey": alice.public_key, "privateKey": alice.private_key}}
        )
        try:
            owner_client = client_of(emulator, OWNER)
            owner_client.create_team_relations(
                TEAM,
                [
                    {"user_company_id": ALICE, "remark_name": "Alice"},
                    {"user_company_id": BOB, "remark_name": "Bob"},
                    {"user_company_id": CAROL},
                ],
            )
            client_of(emulator, ALICE).set_team_relation(TEAM, "Agree")
            owner_client.modify_image_share_accounts("compshareImage-abc", add=[ALICE, BOB])
            yield emulator
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    assert emulator.stats()["internal_errors"] == 0


# ------------------------------------------------------------------------------ values

ids = st.one_of(
    st.sampled_from([TEAM, float(TEAM), str(TEAM), " 1001 ", 1002, 60001, 60002, 60003, 1, MAX_ID]),
    st.integers(min_value=1, max_value=MAX_ID),
)
bad_ids = st.sampled_from([0, -1, MAX_ID + 1, 1001.5, True, "", "abc", "1e400", math.nan])
statuses = st.sampled_from(["Pending", "Joined", "Rejected", "Canceled", "cancelled", " JOINED "])
profiles = st.sampled_from([None, "alice"])
wrong_profiles = st.sampled_from(["alice ", "bob", "", "\n"])
image_ids = st.sampled_from(
    ["compshareImage-abc", "compshareImage-def", "compshareImage-zzz", "compshareImage-a_b-c"]
)
times = st.one_of(
    st.integers(min_value=0, max_value=4_102_444_800),
    st.sampled_from([0, 1, 10**12, 10**30, 1.0, 2.5]),
)
pages = st.integers(min_value=1, max_value=100)
bad_pages = st.one_of(
    st.sampled_from([0, -1, 101, 1.5, 2.0, True, "3", math.nan, math.inf]), st.integers(max_value=0)
)
bad_times = st.sampled_from([-1, 1.5, math.nan, math.inf, "100", True, 10**40])
flags = st.booleans()
type_lists = st.one_of(
    st.lists(st.sampled_from(["Invite", "Agree", "CreateTeam", "x", "", "é"]), max_size=4),
    st.lists(st.text(max_size=5), max_size=3),
)


def _arg(
    valid: st.SearchStrategy[Any], near: st.SearchStrategy[Any] | None = None
) -> st.SearchStrategy[Any]:
    """Mostly a plausible value (so that some calls reach the API), sometimes anything."""
    choices = [values, values if near is None else near] + [valid] * 8
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: choices[n])


# Per lookup: (required arguments, optional arguments, result type).
LOOKUPS: dict[str, tuple[dict[str, Any], dict[str, Any], type]] = {
    "get_team": (
        {},
        {
            "team_id": _arg(ids, bad_ids),
            "virtual_company_id": _arg(ids, bad_ids),
            "profile": _arg(profiles, wrong_profiles),
        },
        lookups.GetTeamResult,
    ),
    "get_teams": ({}, {"profile": _arg(profiles, wrong_profiles)}, lookups.GetTeamsResult),
    "get_joined_teams": (
        {},
        {"status": _arg(statuses, st.text(max_size=8)), "profile": _arg(profiles, wrong_profiles)},
        lookups.GetJoinedTeamsResult,
    ),
    "get_team_invites": (
        {},
        {
            "team_id": _arg(ids, bad_ids),
            "status": _arg(statuses, st.text(max_size=8)),
            "search": _arg(st.sampled_from(["ali", "5000", "", " ", "B"])),
            "order_by": _arg(st.just("create_time"), st.sampled_from(["CreateTime", "name", ""])),
            "descending": _arg(flags, st.sampled_from([0, 1, "true", None])),
            "offset": _arg(pages, bad_pages),
            "limit": _arg(pages, bad_pages),
            "profile": _arg(profiles, wrong_profiles),
        },
        lookups.GetTeamInvitesResult,
    ),
    "get_image_share_accounts": (
        {"image_id": _arg(image_ids, st.text(max_size=20).map(lambda s: "compshareImage-" + s))},
        {"profile": _arg(profiles, wrong_profiles)},
        lookups.GetImageShareAccountsResult,
    ),
    "get_team_operate_logs": (
        {
            "team_id": _arg(ids, bad_ids),
            "begin_time": _arg(times, bad_times),
            "end_time": _arg(times, bad_times),
        },
        {
            "operate_types": _arg(
                type_lists, st.sampled_from(["Invite", 5, [1], [None], ("Agree",)])
            ),
            "statuses": _arg(
                type_lists, st.sampled_from(["Success", 5, [1], [None], ("Success",)])
            ),
            "limit": _arg(pages, bad_pages),
            "offset": _arg(pages, bad_pages),
            "ascending": _arg(flags),
            "profile": _arg(profiles, wrong_profiles),
        },
        lookups.GetTeamOperateLogsResult,
    ),
}
EXAMPLES = {
    "get_team": 800,
    "get_teams": 30,
    "get_joined_teams": 300,
    "get_team_invites": 1000,
    "get_image_share_accounts": 500,
    "get_team_operate_logs": 1000,
}
"""Examples per lookup, by the size of its argument space (get_teams takes only ``profile``): the
run of the ``slow`` marker. The default run makes a tenth of them, at least 30."""


def _lookup_runs() -> list[Any]:
    """``(name, examples)`` of each lookup: a tenth (at least 30) by default, all of them slow."""
    runs = []
    for name in sorted(LOOKUPS):
        full = EXAMPLES[name]
        small = max(30, full // 10)
        runs.append(pytest.param(name, small, id=f"{name}-{small}-examples"))
        if full > small:
            runs.append(
                pytest.param(name, full, id=f"{name}-{full}-examples", marks=pytest.mark.slow)
            )
    return runs


STRATEGIES = {
    name: st.fixed_dictionaries(required, optional=optional)
    for name, (required, optional, _) in LOOKUPS.items()
}


# ------------------------------------------------------------------------------ oracle


def _requests(em: Emulator) -> int:
    return sum(em.stats()["requests"].values())


def _one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "\r" not in message


def _check_result(name: str, kwargs: dict[str, Any], result: Any) -> None:
    """Shape checks a wrong page or a leaked raw value would break."""
    assert isinstance(result, LOOKUPS[name][2]), type(result)
    if isinstance(result, lookups.GetTeamInvitesResult):
        assert 1 <= result.limit <= lookups.INVITE_LIMIT_MAX
        assert len(result.invites) <= result.limit
        assert result.total >= len(result.invites)
        assert all(isinstance(i, lookups.TeamInvite) for i in result.invites)
    elif isinstance(result, lookups.GetImageShareAccountsResult):
        assert result.image_id == kwargs["image_id"]
        assert result.account_ids == sorted(a.account_id for a in result.accounts)
    elif isinstance(result, lookups.GetTeamOperateLogsResult):
        assert result.total >= len(result.logs)
    elif isinstance(result, lookups.GetTeamResult):
        assert all(isinstance(m.user_company_id, int) for m in result.members)


def _call(em: Emulator, name: str, kwargs: dict[str, Any]) -> None:
    function: Callable[..., Any] = getattr(lookups, name)
    before = _requests(em)
    try:
        result = function(**kwargs)
    except InvalidParameterError as exc:
        event("InvalidParameterError")
        message = str(exc)
        assert _one_line(message), repr(message)
        assert message.startswith(f"{name} failed: "), f"does not name {name}: {message!r}"
        assert _requests(em) == before, f"{name} sent a request, then said: {message}"
        return
    except ConfigurationError as exc:
        event("ConfigurationError")
        profile = kwargs.get("profile")
        assert isinstance(profile, str) and profile != "alice", f"{type(exc).__name__}: {exc}"
        assert _one_line(str(exc)), repr(str(exc))
        assert _requests(em) == before
        return
    except CompShareError as exc:
        event(f"API error {type(exc).__name__}")
        assert _requests(em) > before, f"{type(exc).__name__} without a request: {exc}"
        assert _one_line(str(exc)), repr(str(exc))
        return
    event("result")
    assert _requests(em) > before, "a result without asking the API"
    _check_result(name, kwargs, result)


# ------------------------------------------------------------------------------ properties


@pytest.mark.parametrize(("name", "examples"), _lookup_runs())
def test_lookup_arguments(em: Emulator, name: str, examples: int) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(kwargs=STRATEGIES[name])
    def run(kwargs: dict[str, Any]) -> None:
        _call(em, name, kwargs)

    run()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("get_team", {"team_id": TEAM}),
        ("get_team", {"team_id": float(TEAM), "profile": "alice"}),
        ("get_teams", {}),
        ("get_joined_teams", {"status": "joined", "profile": "alice"}),
        ("get_team_invites", {"team_id": TEAM, "search": "ali", "limit": 1}),
        ("get_image_share_accounts", {"image_id": "compshareImage-abc"}),
        ("get_team_operate_logs", {"team_id": TEAM, "begin_time": 0, "end_time": 2**40}),
    ],
)
def test_plain_calls_succeed(em: Emulator, name: str, kwargs: dict[str, Any]) -> None:
    """The oracle's success branch is reachable (the fuzz test cannot pass by always raising)."""
    result = getattr(lookups, name)(**kwargs)
    _check_result(name, kwargs, result)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("get_team_invites", {"offset": math.nan}),
        ("get_team_invites", {"limit": math.inf}),
        ("get_team_operate_logs", {"team_id": TEAM, "begin_time": math.nan, "end_time": 1}),
        (
            "get_team_operate_logs",
            {"team_id": TEAM, "begin_time": 0, "end_time": 10, "limit": math.inf},
        ),
        (
            "get_team_operate_logs",
            {"team_id": TEAM, "begin_time": 0, "end_time": 10, "operate_types": 5},
        ),
        (
            "get_team_operate_logs",
            {"team_id": TEAM, "begin_time": 0, "end_time": 10, "statuses": [1]},
        ),
        ("get_image_share_accounts", {"image_id": "compshareImage-abc\n"}),
        ("get_teams", {"profile": 123}),
        ("get_teams", {"profile": ["alice"]}),
    ],
)
def test_bad_arguments_raise_invalid_parameter(
    em: Emulator, name: str, kwargs: dict[str, Any]
) -> None:
    """Inputs the fuzzer found: each must be an InvalidParameterError naming the lookup."""
    before = _requests(em)
    with pytest.raises(InvalidParameterError, match=f"^{name} failed: "):
        getattr(lookups, name)(**kwargs)
    assert _requests(em) == before
