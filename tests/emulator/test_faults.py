"""Faults: at random (``fault_rate``, reproducible from ``random_seed``) and latency, and targeted
ones, failing exactly the call a test names as the API would."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from pulumi_compshare.client import CompShareAPIError, OutcomeUnknownError, UnavailableError
from pulumi_compshare.client.retry import NO_RETRY
from pulumi_compshare.emulator import Emulator, http_server

from ..kit import client_of
from .raw import OWNER, TEAM, ok, signed


def _teams(em: Emulator) -> list[str]:
    return [t["name"] for t in em.state()["teams"]]


def test_http_503_strikes_only_the_nth_call() -> None:
    with Emulator() as em:
        client = client_of(em, 50001)
        client.retry = NO_RETRY
        fault = em.fail("ListCompShareTeam", "http_503", nth=2)
        client.list_teams()
        with pytest.raises(UnavailableError):
            client.list_teams()
        client.list_teams()
        assert fault.hits == 1 and fault.seen == 3
        assert em.stats()["faults"] == {"targeted_http_503": 1}


def test_retcode_fault_answers_with_the_chosen_code_and_message() -> None:
    with Emulator() as em:
        client = client_of(em, 50001)
        em.fail("GetCompShareTeamInfo", "retcode", retcode=8409, message="state conflict")
        with pytest.raises(CompShareAPIError, match="state conflict") as info:
            client.get_team_info(team_id=1001)
        assert info.value.ret_code == 8409


def test_applied_response_lost_applies_the_write_and_drops_the_answer() -> None:
    with Emulator() as em:
        client = client_of(em, 50001)
        em.fail("CreateCompShareTeam", "applied_response_lost")
        with pytest.raises(OutcomeUnknownError):
            client.create_team("lost-answer")
        assert "lost-answer" in _teams(em)


def test_drop_connection_applies_nothing() -> None:
    with Emulator() as em:
        client = client_of(em, 50001)
        em.fail("CreateCompShareTeam", "drop_connection", times=10)
        with pytest.raises(OutcomeUnknownError):
            client.create_team("dropped")
        assert "dropped" not in _teams(em)


def test_delay_holds_the_call_then_answers() -> None:
    with Emulator() as em:
        client = client_of(em, 50001)
        em.fail("ListCompShareTeam", "delay", delay_ms=300)
        started = time.monotonic()
        client.list_teams()
        assert time.monotonic() - started >= 0.3


def test_on_call_runs_just_before_the_nth_call_is_processed() -> None:
    with Emulator() as em:
        client, colleague = client_of(em, 50001), client_of(em, 50001)
        em.on_call("CreateCompShareTeam", lambda: colleague.create_team("theirs"), nth=1)
        client.create_team("ours")
        assert _teams(em)[-2:] == ["theirs", "ours"]


def test_clear_faults_and_bad_arguments() -> None:
    with Emulator() as em:
        em.fail("ListCompShareTeam", "http_503", times=5)
        em.clear_faults()
        client_of(em, 50001).list_teams()
        with pytest.raises(ValueError, match="fault kind"):
            em.fail("ListCompShareTeam", "explode")
        with pytest.raises(ValueError, match="at least 1"):
            em.fail("ListCompShareTeam", nth=0)


def test_faults_count_per_action_across_threads() -> None:
    with Emulator() as em:
        fault = em.fail("ListCompShareTeam", "http_503", nth=3, times=2)
        client = client_of(em, 50001)
        client.retry = NO_RETRY
        failures: list[Exception] = []

        def one() -> None:
            try:
                client.list_teams()
            except UnavailableError as exc:
                failures.append(exc)

        threads = [threading.Thread(target=one) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(failures) == 2 and fault.hits == 2


def test_an_on_call_hook_and_a_fault_both_act_on_one_call() -> None:
    with Emulator() as em:
        client, colleague = client_of(em, 50001), client_of(em, 50001)
        em.on_call("CreateCompShareTeam", lambda: colleague.create_team("theirs"))
        em.fail("CreateCompShareTeam", "drop_connection")
        with pytest.raises(OutcomeUnknownError):
            client.create_team("ours")
        assert "theirs" in _teams(em) and "ours" not in _teams(em)


# ------------------------------------------------------------------------------------ at random


def outcome(em: Emulator, fields: dict[str, str]) -> str:
    """What a client sees for one request: ok, http_503, retcode_N or dropped."""
    try:
        response = httpx.post(em.url, data=fields, timeout=10)
    except httpx.TransportError:
        return "dropped"
    if response.status_code == 503:
        assert response.text == "Service Unavailable"
        return "http_503"
    code = response.json()["RetCode"]
    return "ok" if code == 0 else f"retcode_{code}"


def test_fault_injection_is_reproducible(
    compshare_emulator_factory: Callable[..., Emulator],
) -> None:
    runs = []
    for _ in range(2):
        em = compshare_emulator_factory(fault_rate=0.6, random_seed=42)
        fields = signed(em.account(OWNER), {"Action": "ListCompShareTeam"})
        runs.append([outcome(em, fields) for _ in range(40)])
        stats = em.stats()
        assert stats["requests"] == {"ListCompShareTeam": 40}
        assert "applied_response_lost" not in stats["faults"]  # reads only
        assert sum(stats["faults"].values()) == sum(1 for o in runs[-1] if o != "ok")
        assert stats["internal_errors"] == 0
    assert runs[0] == runs[1]
    assert {"ok", "http_503", "retcode_150", "retcode_153", "dropped"} == set(runs[0])

    # Faults can be switched off and on at runtime.
    em = compshare_emulator_factory(fault_rate=1.0, random_seed=1)
    fields = signed(em.account(OWNER), {"Action": "ListCompShareTeam"})
    assert outcome(em, fields) != "ok"
    em.set_faults(0.0)
    assert all(outcome(em, fields) == "ok" for _ in range(5))
    em.set_faults(1.0)
    assert outcome(em, fields) != "ok"
    with pytest.raises(ValueError):
        em.set_faults(1.5)


def test_applied_response_lost_applies_the_write(
    compshare_emulator_factory: Callable[..., Emulator],
) -> None:
    em = compshare_emulator_factory(fault_rate=1.0, random_seed=3)
    owner = em.account(OWNER)
    seen = []
    for index in range(30):
        fields = signed(owner, {"Action": "CreateCompShareTeam", "Name": f"t{index}"})
        seen.append(outcome(em, fields))
    faults = em.stats()["faults"]
    assert faults.get("applied_response_lost", 0) > 0
    assert faults.get("drop_connection", 0) > 0
    assert seen.count("dropped") == faults["applied_response_lost"] + faults["drop_connection"]
    created = [t for t in em.state()["teams"] if t["id"] != TEAM]
    assert len(created) == faults["applied_response_lost"]


def test_latency(
    compshare_emulator_factory: Callable[..., Emulator], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The latency holds every answer that long; set back to 0, none is held. What the handler
    asked to sleep is recorded rather than timed from outside (a bound on the elapsed time would
    fail on a busy machine); the one timing asserted is a lower bound, which no load can break."""
    held: list[float] = []
    sleep = time.sleep

    def recorded_sleep(seconds: float) -> None:
        if sys._getframe(1).f_globals.get("__name__") == http_server.__name__:  # the handler
            held.append(seconds)
        sleep(seconds)

    monkeypatch.setattr(http_server.time, "sleep", recorded_sleep)
    em = compshare_emulator_factory(latency_ms=150)
    started = time.monotonic()
    ok(em, OWNER, "ListCompShareTeam")
    assert time.monotonic() - started >= 0.15
    assert held == [0.15]
    em.set_faults(0.0, latency_ms=0)
    ok(em, OWNER, "ListCompShareTeam")
    assert held == [0.15]  # the second answer was not held
