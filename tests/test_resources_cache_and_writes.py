"""Unit specifications of the two mechanisms every provider relies on: the single-flight read
cache (and its generation rule: a read that may predate a write is never stored), and the
write-and-confirm loop of non-idempotent writes (never re-sent blindly)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pulumi_compshare.client import RetryPolicy
from pulumi_compshare.errors import NotFoundError, OutcomeUnknownError, ThrottledError
from pulumi_compshare.resources import _writes
from pulumi_compshare.resources._cache import ReadCache
from pulumi_compshare.resources._writes import write_and_confirm


def test_concurrent_reads_of_one_key_share_one_load() -> None:
    cache = ReadCache(ttl=5)
    started, release = threading.Event(), threading.Event()
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        started.set()
        release.wait(5)
        return 42

    results: list[int] = []
    first = threading.Thread(target=lambda: results.append(cache.get("k", load)))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: results.append(cache.get("k", load)))
    second.start()
    release.set()
    first.join()
    second.join()
    assert results == [42, 42] and len(loads) == 1


def test_a_finished_read_is_reused_until_invalidated() -> None:
    cache = ReadCache(ttl=5)
    values = iter([1, 2])
    assert cache.get("k", lambda: next(values)) == 1
    assert cache.get("k", lambda: next(values)) == 1
    cache.invalidate(lambda key: key == "k")
    assert cache.get("k", lambda: next(values)) == 2


def test_a_read_in_flight_when_its_key_is_invalidated_is_not_stored() -> None:
    """It may have started before the write: later callers must read afresh."""
    cache = ReadCache(ttl=5)
    started, release = threading.Event(), threading.Event()

    def stale() -> str:
        started.set()
        release.wait(5)
        return "before the write"

    reader = threading.Thread(target=lambda: cache.get("k", stale))
    reader.start()
    started.wait(5)
    cache.invalidate(lambda key: key == "k")  # a write lands while the read is in flight
    release.set()
    reader.join()
    assert cache.get("k", lambda: "after the write") == "after the write"


def test_patch_updates_finished_reads_and_drops_reads_in_flight() -> None:
    cache = ReadCache(ttl=5)
    cache.get("k", lambda: {"status": "Pending"})
    cache.patch(lambda key: key == "k", lambda value: {**value, "status": "Canceled"})
    assert cache.get("k", lambda: pytest.fail("patched reads need no call")) == {
        "status": "Canceled"
    }


def test_a_failed_load_is_not_stored_and_reaches_every_waiter() -> None:
    cache = ReadCache(ttl=5)
    with pytest.raises(RuntimeError):
        cache.get("k", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    assert cache.get("k", lambda: "ok") == "ok"


def test_ttl_zero_never_stores() -> None:
    cache = ReadCache(ttl=0)
    values = iter([1, 2])
    assert cache.get("k", lambda: next(values)) == 1
    assert cache.get("k", lambda: next(values)) == 2


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_writes, "_backoff", RetryPolicy(base_delay=0, max_delay=0))


def test_an_answered_write_is_confirmed_once() -> None:
    sent: list[int] = []
    result = write_and_confirm(lambda: sent.append(1), lambda answered, _: "done")
    assert result == "done" and sent == [1]


def test_a_lost_answer_that_landed_is_not_sent_again() -> None:
    sent: list[int] = []

    def send() -> None:
        sent.append(1)
        raise OutcomeUnknownError("CreateCompShareTeam", "answer lost")

    assert write_and_confirm(send, lambda answered, _: None if answered else "found") == "found"
    assert sent == [1]


def test_a_write_that_surely_did_not_land_is_sent_again_up_to_the_limit() -> None:
    sent: list[int] = []

    def send() -> None:
        sent.append(1)
        raise ThrottledError("CreateCompShareTeam", "throttled")

    with pytest.raises(ThrottledError):
        write_and_confirm(send, lambda answered, _: None, attempts=3)
    assert len(sent) == 3


def test_confirm_decides_an_answered_write_that_did_not_land() -> None:
    def confirm(answered: bool, answer: Any) -> None:
        raise NotFoundError("CreateCompShareTeam", "the call succeeded but nothing appeared")

    with pytest.raises(NotFoundError, match="nothing appeared"):
        write_and_confirm(lambda: None, confirm)


def test_confirm_must_raise_for_an_answered_write_it_cannot_find() -> None:
    with pytest.raises(RuntimeError, match="confirm"):
        write_and_confirm(lambda: None, lambda answered, _: None)


def test_other_errors_are_not_retried() -> None:
    sent: list[int] = []

    def send() -> None:
        sent.append(1)
        raise NotFoundError("CreateCompShareTeamRelation", "no such team")

    with pytest.raises(NotFoundError):
        write_and_confirm(send, lambda answered, _: None)
    assert sent == [1]
