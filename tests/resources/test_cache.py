"""Unit specifications of the two mechanisms every provider relies on: the single-flight read
cache (and its freshness rule: a read that may predate a write is never served to someone who
needs that write, while a write's confirmation may share any read that started after the write
completed), and the write-and-confirm loop of non-idempotent writes (never re-sent blindly)."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from pulumi_compshare.client import RetryPolicy
from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.errors import (
    CompShareError,
    NotFoundError,
    OutcomeUnknownError,
    ThrottledError,
)
from pulumi_compshare.resources import TeamMembershipProvider, _writes
from pulumi_compshare.resources._cache import ReadCache, _Reads
from pulumi_compshare.resources._writes import write_and_confirm

from ..kit import Engine, client_of, stack_config


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


def test_patch_updates_finished_reads() -> None:
    cache = ReadCache(ttl=5)
    cache.get("k", lambda: {"status": "Pending"})
    cache.patch(lambda key: key == "k", lambda value: {**value, "status": "Canceled"}, ["x"])
    assert cache.get("k", lambda: pytest.fail("patched reads need no call"), need=["x"]) == {
        "status": "Canceled"
    }


def test_a_read_in_flight_during_a_patch_serves_only_readers_that_do_not_need_the_write() -> None:
    """Changed with the freshness rule: a read in flight when a write is patched in used to be
    dropped for everyone; now it still serves readers that do not need that write (the other
    members' confirmations), and never one that does."""
    cache = ReadCache(ttl=5)
    started, release = threading.Event(), threading.Event()

    def in_flight() -> str:
        started.set()
        release.wait(5)
        return "before the cancel"

    reader = threading.Thread(target=lambda: cache.get("k", in_flight))
    reader.start()
    started.wait(5)
    cache.patch(lambda key: key == "k", lambda value: value, ["x"])
    joined: list[str] = []
    other = threading.Thread(target=lambda: joined.append(cache.get("k", _fail, need=["y"])))
    other.start()
    release.set()
    reader.join()
    other.join()
    assert joined == ["before the cancel"]
    assert cache.get("k", lambda: "after the cancel", need=["x"]) == "after the cancel"


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


def _fail() -> Any:
    pytest.fail("this reader must have been served without a call")


def _blocked_load(value: str) -> tuple[Any, threading.Event, threading.Event]:
    started, release = threading.Event(), threading.Event()

    def load() -> str:
        started.set()
        release.wait(5)
        return value

    return load, started, release


def test_a_read_started_before_a_write_is_never_returned_to_its_confirmation() -> None:
    cache = ReadCache(ttl=5)
    stale, started, release = _blocked_load("before the write")
    results: dict[str, str] = {}
    early = threading.Thread(target=lambda: results.update(early=cache.get("k", stale)))
    early.start()
    started.wait(5)
    done = cache.mark(["member 7"])  # the write completes while that read is in flight
    confirm = threading.Thread(
        target=lambda: results.update(
            confirm=cache.get("k", lambda: "after the write", fresh_after=done)
        )
    )
    confirm.start()
    confirm.join(5)
    release.set()
    early.join(5)
    assert results == {"early": "before the write", "confirm": "after the write"}
    # The early read finished last, yet it is not kept over the newer one...
    assert cache.get("k", _fail, need=["member 7"]) == "after the write"
    # ...and a plain reader that needs the write never gets it either.
    fresh = ReadCache(ttl=5)
    stale, started, release = _blocked_load("before the write")
    early = threading.Thread(target=lambda: fresh.get("k", stale))
    early.start()
    started.wait(5)
    fresh.mark(["member 7"])
    release.set()
    early.join(5)
    assert fresh.get("k", lambda: "after the write", need=["member 7"]) == "after the write"


def test_confirmations_share_any_read_that_started_after_their_writes() -> None:
    cache = ReadCache(ttl=5)
    first = cache.mark(["member 1"])
    second = cache.mark(["member 2"])
    load, started, release = _blocked_load("both invites")
    loads: list[int] = []

    def counted() -> str:
        loads.append(1)
        return load()

    results: list[str] = []
    one = threading.Thread(
        target=lambda: results.append(cache.get("k", counted, need=["member 1"], fresh_after=first))
    )
    one.start()
    started.wait(5)
    two = threading.Thread(
        target=lambda: results.append(
            cache.get("k", counted, need=["member 2"], fresh_after=second)
        )
    )
    two.start()
    later = cache.mark(["member 3"])  # completes after the shared read started: not served
    three = threading.Thread(
        target=lambda: results.append(
            cache.get("k", lambda: "third invite", need=["member 3"], fresh_after=later)
        )
    )
    three.start()
    three.join(5)
    release.set()
    one.join(5)
    two.join(5)
    assert sorted(results) == ["both invites", "both invites", "third invite"]
    assert len(loads) == 1


def test_a_write_to_one_member_does_not_force_a_read_for_another() -> None:
    cache = ReadCache(ttl=5)
    cache.get("k", lambda: "team")
    cache.mark(["member 1", "members"])
    assert cache.get("k", _fail, need=["member 2"]) == "team"
    assert cache.get("k", lambda: "re-read", need=["member 1"]) == "re-read"
    cache.mark(["member 2", "members"])
    assert cache.get("k", lambda: "read again", need=["members"]) == "read again"


def test_a_patch_does_not_make_fresh_a_read_that_missed_an_earlier_write() -> None:
    cache = ReadCache(ttl=5)
    cache.get("k", lambda: "before the invite")
    cache.mark(["member 1"])  # an invite, not patched in: its confirmation reads it back
    cache.patch(lambda key: key == "k", lambda value: value, ["member 1"])
    assert cache.get("k", lambda: "read back", need=["member 1"]) == "read back"


def test_a_confirmation_waits_for_writes_in_flight_and_shares_their_read() -> None:
    cache = ReadCache(ttl=5)
    in_flight, finish = threading.Event(), threading.Event()
    loads: list[str] = []
    results: list[str] = []

    def load(who: str) -> str:
        loads.append(who)
        return "after both"

    def other_writer() -> None:
        with cache.writing(["team"]) as write:
            in_flight.set()
            finish.wait(5)
        results.append(cache.get("k", lambda: load("b"), fresh_after=write.done, gather="team"))

    writer = threading.Thread(target=other_writer)
    writer.start()
    in_flight.wait(5)
    with cache.writing(["team"]) as mine:
        pass
    waiting = threading.Thread(
        target=lambda: results.append(
            cache.get("k", lambda: load("a"), fresh_after=mine.done, gather="team")
        )
    )
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive() and not loads  # waits for the other write rather than reading
    finish.set()
    writer.join(5)
    waiting.join(5)
    assert results == ["after both", "after both"] and len(loads) == 1


def test_gathering_is_bounded() -> None:
    cache = ReadCache(ttl=5, gather_seconds=0.05)
    hold = threading.Event()

    def stuck_writer() -> None:
        with cache.writing(["team"]):
            hold.wait(5)

    writer = threading.Thread(target=stuck_writer)
    writer.start()
    try:
        done = cache.mark(["team"])
        assert cache.get("k", lambda: "alone", fresh_after=done, gather="team") == "alone"
    finally:
        hold.set()
        writer.join(5)


def test_concurrent_writes_and_confirmations_always_see_their_own_write() -> None:
    """Eight threads write to one object (each write a new version, applied by a stand-in
    server) and confirm it; plain readers that follow read too. Every confirmation and every
    later read returns at least its own version, and confirmations share reads."""
    cache = ReadCache(ttl=5)
    server = {"version": 0}
    lock = threading.Lock()
    loads: list[int] = []
    rng = random.Random(7)
    failures: list[str] = []

    def pause() -> None:
        time.sleep(rng.random() * 0.002)

    def write() -> int:
        pause()
        with lock:
            server["version"] += 1
            version = server["version"]
        pause()  # the answer travels back
        return version

    def load() -> int:
        loads.append(1)
        pause()  # the request travels
        with lock:
            version = server["version"]
        pause()
        return version

    def worker(index: int) -> None:
        for _ in range(25):
            with cache.writing(["object"]) as w:
                mine = write()
            seen = cache.get("k", load, fresh_after=w.done, gather="object")
            after = cache.get("k", load, need=["object"])
            if seen < mine or after < mine:
                failures.append(f"thread {index}: wrote {mine}, confirmed {seen}, read {after}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures
    assert len(loads) < 2 * 8 * 25  # confirmations and reads were shared


def test_invites_are_confirmed_by_one_team_read_through_the_api() -> None:
    """A watched client records every write from the request itself: nothing is marked by hand."""
    seed = generate_seed(accounts=4, teams=1, images=0)
    owner, a, b, c = (account.company_id for account in seed.accounts)
    team = seed.teams[0].id
    reads = _Reads()
    with Emulator(seed=seed) as em:
        client = reads.watch(client_of(em, owner))
        assert reads.relation(client, team, c) is None
        em.reset_stats()
        client.create_team_relations(team, [{"user_company_id": a}])
        invite_a = reads.last_write()
        client.create_team_relations(team, [{"user_company_id": b}])
        invite_b = reads.last_write()
        assert 0 < invite_a < invite_b
        confirmed = [
            reads.relation(client, team, a, fresh_after=invite_a),
            reads.relation(client, team, b, fresh_after=invite_b),
        ]
        assert [r.status if r else None for r in confirmed] == ["Pending", "Pending"]
        assert reads.relation(client, team, c) is None  # not written: any read of the team
        info = reads.team_info(client, team)  # every member's writes: that read started after
        assert info is not None and {r.user_company_id for r in info.relations} >= {a, b}
        assert em.stats()["requests"] == {
            "CreateCompShareTeamRelation": 2,
            "GetCompShareTeamInfo": 1,
        }

        client.set_team_relation(team, "Cancel", a)  # known once it succeeds: written through
        canceled = reads.relation(client, team, a)
        assert canceled is not None and canceled.status == "Canceled"
        assert em.stats()["requests"]["GetCompShareTeamInfo"] == 1
        client.set_team_relation(team, "UpdateRemarkName", b, "Bee")
        renamed = reads.relation(client, team, b)
        assert renamed is not None and renamed.remark_name == "Bee"
        assert em.stats()["requests"]["GetCompShareTeamInfo"] == 1
        client.update_team(team, name="renamed")  # the whole team: every reader reads afresh
        assert reads.relation(client, team, b) is not None
        assert em.stats()["requests"]["GetCompShareTeamInfo"] == 2


def test_a_write_that_fails_outdates_what_it_touched() -> None:
    """Its effect is unknown: the next read of what it touched is a new one."""
    seed = generate_seed(accounts=3, teams=1, images=0)
    owner, a, _ = (account.company_id for account in seed.accounts)
    team = seed.teams[0].id
    reads = _Reads()
    with Emulator(seed=seed) as em:
        client = reads.watch(client_of(em, owner))
        client.create_team_relations(team, [{"user_company_id": a}])
        assert reads.relation(client, team, a) is not None
        em.reset_stats()
        em.fail("SetCompShareTeamRelation", "retcode", retcode=230)
        with pytest.raises(CompShareError):
            client.set_team_relation(team, "Cancel", a)
        assert reads.last_write() > 0
        relation = reads.relation(client, team, a)
        assert relation is not None and relation.status == "Pending"  # not patched: read back
        assert em.stats()["requests"].get("GetCompShareTeamInfo") == 1


def test_a_budget_write_names_its_member_by_virtual_id() -> None:
    """SetCompShareTeamAmount names members by virtual company id: a cached read of the team maps
    it to the member, so another member's view is still served from the cache."""
    seed = generate_seed(accounts=3, teams=1, images=0)
    owner, a, b = (account.company_id for account in seed.accounts)
    team = seed.teams[0].id
    reads = _Reads()
    with Emulator(seed=seed) as em:
        client = reads.watch(client_of(em, owner))
        client.create_team_relations(team, [{"user_company_id": a}, {"user_company_id": b}])
        for user in (a, b):
            em.accept_invite(team, user)
        joined = reads.relation(client, team, a, fresh_after=reads.last_write())
        assert joined is not None and joined.status == "Joined"
        em.reset_stats()
        client.set_team_amount(team, "AllocateAmount", [joined.virtual_company_id], 500)
        assert reads.relation(client, team, b) is not None  # b was not written: cached
        assert em.stats()["requests"] == {"SetCompShareTeamAmount": 1}
        granted = reads.relation(client, team, a)
        assert granted is not None and granted.allocate_amount == 500
        assert em.stats()["requests"]["GetCompShareTeamInfo"] == 1


def test_an_up_of_200_memberships_confirms_invites_with_shared_team_reads() -> None:
    """Through the provider server, four calls at a time as it runs them: one invite
    per member, far fewer team reads than members, and every member's own invite in its
    outputs."""
    seed = generate_seed(accounts=201, teams=2, images=0)
    owner = seed.accounts[0].company_id
    users = [account.company_id for account in seed.accounts[1:]]
    teams = [t.id for t in seed.teams]
    with Emulator(seed=seed, latency_ms=5) as em:
        engine = Engine(stack_config(em, owner=owner))
        try:
            resources = [
                (engine.new("TeamMembership", f"m{user}", TeamMembershipProvider()), user)
                for user in users
            ]
            em.reset_stats()
            with ThreadPoolExecutor(4) as pool:
                created = list(
                    pool.map(
                        lambda pair: engine.create(
                            pair[0], {"team_id": teams[pair[1] % 2], "user_company_id": pair[1]}
                        ),
                        resources,
                    )
                )
            assert all(r.outputs["status"] == "Pending" for r in created)
            assert all(r.outputs["virtual_company_id"] for r in created)
            requests = em.stats()["requests"]
            assert requests["CreateCompShareTeamRelation"] == len(users)
            assert requests["GetCompShareTeamInfo"] <= 0.75 * len(users), requests
        finally:
            engine.close()


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


def test_a_lost_answer_is_never_sent_again_even_if_the_read_does_not_show_it() -> None:
    """A held request may land after the confirming read: not seeing it proves nothing."""
    sent: list[int] = []

    def send() -> None:
        sent.append(1)
        raise OutcomeUnknownError("SetCompShareTeamAmount", "the call's deadline passed")

    with pytest.raises(OutcomeUnknownError):
        write_and_confirm(send, lambda answered, _: None, attempts=3)
    assert sent == [1]


def test_a_lost_answer_is_sent_again_when_the_api_refuses_a_repeat() -> None:
    """An invite: a second one of an account already invited is refused, never doubled."""
    sent: list[int] = []

    def send() -> None:
        sent.append(1)
        if len(sent) == 1:
            raise OutcomeUnknownError("CreateCompShareTeamRelation", "answer lost")

    def confirm(answered: bool, _: Any) -> str | None:
        return "invited" if answered else None

    assert write_and_confirm(send, confirm, refused_when_repeated=True) == "invited"
    assert sent == [1, 1]


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
