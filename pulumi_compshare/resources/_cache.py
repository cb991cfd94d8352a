"""The single-flight read cache through which every provider reads teams, invites and share
lists, safe across the provider server's threads.

**Freshness.** The cache keeps a logical clock. A write of this process *marks* the topics it
changed (a team, one member's relation, an image) with the moment it completed: every client a
provider uses is watched (:meth:`_Reads.watch`), and the request itself says what it changed
(``ApiRequest.touched()``), so no resource marks a write by hand and none is forgotten; every read
records the moment it *started* (before its request is sent). A reader names what it needs:

- by default, every write of this process to what it reads: a read that started after each of
  them (or a cached read a write-through :meth:`ReadCache.patch` brought up to date);
- with ``fresh_after=t`` (a moment a write completed: :meth:`_Reads.last_write`), also a
  read that started after ``t``: a write's confirming read.

A read that may predate a write is therefore never served to someone who needs that write, yet a
confirming read may be *any* read of the object that started after its own write completed: the
members invited at once by four threads share one ``GetCompShareTeamInfo``. A confirming read
that must start a new read first waits (briefly) for the writes to the same object already in
flight (:meth:`ReadCache.writing`), so that their confirmations can share it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import NotFoundError

if TYPE_CHECKING:  # the client and the API models load with the first API call
    from ..api.models import ApiRequest, Relation, ShareAccount, TeamInfo, Touch
    from ..client import CompShareClient

__all__ = ["ReadCache", "Write", "reads"]

T = TypeVar("T")

GATHER_SECONDS = 1.0
"""How long a confirming read waits at most for other writes to the same object in flight."""


class _Read:
    """One read of a key: when it started, its answer, and what writes were patched into it.
    (Plain classes rather than dataclasses: each dataclass costs a millisecond at import.)"""

    __slots__ = ("expires", "future", "patched", "started")

    def __init__(self, started: int, patched: dict[Hashable, int] | None = None) -> None:
        self.started = started
        self.future: Future[Any] = Future()
        self.expires = 0.0
        self.patched: dict[Hashable, int] = patched or {}
        """topic -> the moment of the last write to it that :meth:`ReadCache.patch` applied."""


class Write:
    """A write in flight (:meth:`ReadCache.writing`); ``done`` is the moment it completed.

    Set ``change`` (and ``match``) inside the block once the write is known to have succeeded:
    the cached reads ``match`` accepts are then patched (write-through, :meth:`ReadCache.patch`)
    instead of being outdated."""

    __slots__ = ("change", "done", "match")

    def __init__(self) -> None:
        self.done = 0
        self.match: Callable[[Hashable], bool] | None = None
        self.change: Callable[[Any], Any] | None = None


class ReadCache:
    """Single-flight, short-lived cache of API reads, safe across the provider server's threads.

    Concurrent reads of one key share one API call; a finished read is reused for ``ttl`` seconds
    by readers it is fresh enough for (see the module docstring). :meth:`mark` records a write,
    :meth:`patch` applies one to the cached reads (write-through), :meth:`invalidate` forgets
    keys, :meth:`writing` announces a write in flight.
    """

    def __init__(self, ttl: float, gather_seconds: float = GATHER_SECONDS) -> None:
        self.ttl = ttl
        self.gather_seconds = gather_seconds
        self._cond = threading.Condition(threading.Lock())
        self._clock = 0
        self._entries: dict[Hashable, _Read] = {}
        """key -> the newest finished read kept (within ``ttl``)."""
        self._inflight: dict[Hashable, list[_Read]] = {}
        """key -> the reads of it started and not finished, oldest first."""
        self._marks: dict[Hashable, int] = {}
        """topic -> the moment the last write to it completed."""
        self._floors: dict[Hashable, int] = {}
        """key -> reads that started before this moment are never served (invalidated)."""
        self._writes = 0
        self._writing: dict[Hashable, set[int]] = {}
        """topic -> the writes to it in flight (numbered in the order they started)."""

    # ------------------------------------------------------------------ the clock

    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def mark(self, topics: Iterable[Hashable]) -> int:
        """Record that a write to ``topics`` completed; returns its moment. Readers that need
        a topic are served only reads that started later (or patched ones)."""
        with self._cond:
            moment = self._tick()
            for topic in topics:
                self._marks[topic] = moment
            return moment

    @contextlib.contextmanager
    def writing(self, topics: Iterable[Hashable]) -> Iterator[Write]:
        """Announce a write to ``topics`` for the block; it is marked when the block ends (also
        on an error: its effect is unknown). Confirming reads of those topics that need a new
        read wait for it first, so one read confirms both."""
        topics = tuple(topics)
        write = Write()
        with self._cond:
            self._writes += 1
            number = self._writes
            for topic in topics:
                self._writing.setdefault(topic, set()).add(number)
        succeeded = False
        try:
            yield write
            succeeded = True
        finally:
            with self._cond:
                if succeeded and write.match is not None and write.change is not None:
                    write.done = self._patch(write.match, write.change, topics)
                else:
                    write.done = self._tick()
                    for topic in topics:
                        self._marks[topic] = write.done
                for topic in topics:
                    numbers = self._writing.get(topic)
                    if numbers is not None:
                        numbers.discard(number)
                        if not numbers:
                            del self._writing[topic]
                self._cond.notify_all()

    # ------------------------------------------------------------------ reads

    def _serves(self, key: Hashable, read: _Read, need: tuple[Hashable, ...], after: int) -> bool:
        if read.started <= after or read.started <= self._floors.get(key, 0):
            return False
        for topic in need:
            written = self._marks.get(topic, 0)
            if read.started <= written and read.patched.get(topic, 0) < written:
                return False
        return True

    def get(
        self,
        key: Hashable,
        load: Callable[[], T],
        *,
        need: Iterable[Hashable] = (),
        fresh_after: int = 0,
        gather: Hashable | None = None,
    ) -> T:
        """The value of ``key`` from a read that reflects every write marked on ``need`` and
        started after ``fresh_after``: a cached one, one in flight (joined), or a new one
        (``load()``). ``gather``: before starting a new read, wait (at most ``gather_seconds``)
        for the writes to this topic that are in flight, so that their confirmations share it."""
        need = tuple(need)
        with self._cond:
            deadline: float | None = None
            started_before = self._writes
            while True:
                entry = self._entries.get(key)
                if (
                    entry is not None
                    and entry.expires > time.monotonic()
                    and self._serves(key, entry, need, fresh_after)
                ):
                    value: T = entry.future.result()
                    return value
                joined = next(
                    (
                        r
                        for r in reversed(self._inflight.get(key, ()))
                        if self._serves(key, r, need, fresh_after)
                    ),
                    None,
                )
                if joined is not None:
                    break
                if gather is not None and any(
                    n <= started_before for n in self._writing.get(gather, ())
                ):
                    if deadline is None:
                        deadline = time.monotonic() + self.gather_seconds
                    left = deadline - time.monotonic()
                    if left > 0:
                        self._cond.wait(left)
                        continue
                read = _Read(self._tick())
                self._inflight.setdefault(key, []).append(read)
                self._cond.notify_all()  # gathering readers may join it
                break
        if joined is not None:
            result: T = joined.future.result()
            return result
        try:
            loaded = load()
        except BaseException as exc:
            with self._cond:
                self._finish(key, read)
            read.future.set_exception(exc)
            raise
        read.future.set_result(loaded)
        with self._cond:
            self._finish(key, read)
            kept = self._entries.get(key)
            if (
                self.ttl > 0
                and (kept is None or kept.started < read.started)
                and read.started > self._floors.get(key, 0)
            ):
                read.expires = time.monotonic() + self.ttl
                self._entries[key] = read
        return loaded

    def _finish(self, key: Hashable, read: _Read) -> None:
        running = self._inflight.get(key, [])
        if read in running:
            running.remove(read)
        if not running:
            self._inflight.pop(key, None)

    # ------------------------------------------------------------------ writes

    def patch(
        self,
        match: Callable[[Hashable], bool],
        change: Callable[[Any], Any],
        topics: Iterable[Hashable] = (),
    ) -> int:
        """Record a write of this process to ``topics`` (as :meth:`mark`) and apply it to the
        cached reads ``match`` accepts (write-through), so the next reader needs no API call.

        A cached read already reflecting every earlier write to a topic reflects this one too
        once patched; one that missed an earlier write still does not. Reads in flight may
        predate the write: they are not patched, and serve only readers that do not need it.
        Returns the write's moment."""
        with self._cond:
            return self._patch(match, change, tuple(topics))

    def _patch(
        self,
        match: Callable[[Hashable], bool],
        change: Callable[[Any], Any],
        topics: tuple[Hashable, ...],
    ) -> int:
        """:meth:`patch`, with the lock held."""
        before = {topic: self._marks.get(topic, 0) for topic in topics}
        moment = self._tick()
        for key, read in list(self._entries.items()):
            if not match(key):
                continue
            fresh = [
                topic
                for topic in topics
                if read.started > before[topic] or read.patched.get(topic, 0) >= before[topic]
            ]
            updated = _Read(read.started, dict(read.patched))
            updated.expires = read.expires
            updated.future.set_result(change(read.future.result()))
            for topic in fresh:
                updated.patched[topic] = moment
            self._entries[key] = updated
        for topic in topics:
            self._marks[topic] = moment
        return moment

    def cached(self, match: Callable[[Hashable], bool]) -> list[Any]:
        """The values of the finished reads kept for the keys ``match`` accepts."""
        with self._cond:
            reads = [r for key, r in self._entries.items() if match(key)]
        return [r.future.result() for r in reads]

    def invalidate(self, match: Callable[[Hashable], bool]) -> int:
        """Forget every cached read of the keys ``match`` accepts; reads of them in flight are
        neither joined nor kept. Returns the moment."""
        with self._cond:
            moment = self._tick()
            for key in [k for k in (*self._entries, *self._inflight) if match(k)]:
                self._entries.pop(key, None)
                self._floors[key] = moment
            return moment


def _cache_ttl() -> float:
    try:
        return max(0.0, float(os.environ.get("COMPSHARE_READ_CACHE_SECONDS", "5")))
    except ValueError:
        return 5.0


class _Reads:
    """Reads of teams, invites and share lists, shared through one :class:`ReadCache`.

    Keys name the object and the credentials that read it; topics name what a write changed,
    whoever's credentials read it: a team itself (name, description, existence), one member's
    relation in it, any member's relation in it, an image's share list. Any write to a team also
    drops every invitee's view (an invitee's Agree changes what the owner reads, and the reverse).
    """

    def __init__(self) -> None:
        self.cache = ReadCache(_cache_ttl())
        self._thread = threading.local()

    def team_info(
        self,
        client: CompShareClient,
        team_id: int,
        *,
        member: int | None = None,
        fresh_after: int = 0,
    ) -> TeamInfo | None:
        """The team and its relations, or ``None`` if it does not exist or was deleted.

        It reflects every write of this process to the team and its relations (``member``:
        the team and that member's relation only, so other members' writes do not force a
        read); ``fresh_after``: it comes from a read that started after that moment (a
        confirmation, which may share a read with other confirmations)."""
        base = client.base_url
        need: list[Hashable] = [("team", base, team_id)]
        need.append(
            ("member", base, team_id, member) if member is not None else ("members", base, team_id)
        )

        def load() -> TeamInfo | None:
            try:
                info = client.get_team_info(team_id=team_id)
            except NotFoundError:
                return None
            return None if info.team.deleted else info

        return self.cache.get(
            ("team", base, team_id, _who(client)),
            load,
            need=need,
            fresh_after=fresh_after,
            gather=("members", base, team_id) if fresh_after else None,
        )

    def relation(
        self, client: CompShareClient, team_id: int, user: int, *, fresh_after: int = 0
    ) -> Relation | None:
        """The relation of ``user`` in team ``team_id`` as the team's owner sees it, reflecting
        this process's writes to the team and to that relation (and, with ``fresh_after``, from
        a read that started after that moment)."""
        info = self.team_info(client, team_id, member=user, fresh_after=fresh_after)
        if info is None:
            return None
        for relation in info.relations:
            if relation.user_company_id == user:
                if not relation.team_name:  # the row's TeamName may be null or absent
                    return relation.model_copy(update={"team_name": info.team.name})
                return relation
        return None

    def received_invites(
        self, client: CompShareClient, *, fresh_after: int = 0
    ) -> tuple[Relation, ...]:
        """The invites the caller received (the vendor's example shows only Pending ones;
        whether answered invites stay listed is not stated)."""
        return self.cache.get(
            ("invites", client.base_url, _who(client)),
            lambda: tuple(client.list_team_invites()),
            fresh_after=fresh_after,
        )

    def joined_teams(
        self, client: CompShareClient, *, fresh_after: int = 0
    ) -> tuple[Relation, ...]:
        """The caller's relations as a member (ListCompShareTeamJoined): every reading of the
        API lists a team the caller has joined here."""
        return self.cache.get(
            ("joined", client.base_url, _who(client)),
            lambda: tuple(client.list_joined_teams()),
            fresh_after=fresh_after,
        )

    def share_list(
        self, client: CompShareClient, image_id: str, *, fresh_after: int = 0
    ) -> tuple[ShareAccount, ...] | None:
        """The accounts an image is shared with, or ``None`` if the image does not exist."""

        def load() -> tuple[ShareAccount, ...] | None:
            try:
                return tuple(client.describe_image_share_accounts(image_id))
            except NotFoundError:
                return None

        base = client.base_url
        return self.cache.get(
            ("image", base, image_id, _who(client)),
            load,
            need=[("image", base, image_id)],
            fresh_after=fresh_after,
        )

    # ------------------------------------------------------------------ writes

    def watch(self, client: CompShareClient) -> CompShareClient:
        """Have ``client`` report its writes to this cache (:meth:`_around_write`); returns it.
        Every client a provider uses is watched, so no write can go unrecorded."""
        if client.write_observer is None:
            client.write_observer = self._around_write
        return client

    def now(self) -> int:
        """The present moment: ``fresh_after=reads.now()`` asks for a read that starts now."""
        return self.cache.mark(())

    def last_write(self) -> int:
        """The moment the last write this thread sent completed (whatever its outcome): pass it
        as ``fresh_after`` to read that write back."""
        moment: int = getattr(self._thread, "moment", 0)
        return moment

    @contextlib.contextmanager
    def _around_write(self, client: CompShareClient, request: ApiRequest) -> Iterator[None]:
        """Record one write of ``client`` from the request itself (``request.touched()``): what
        it changed is outdated for every reader that needs it; confirming reads of a team wait
        for the writes to it in flight, so that one read confirms several. A member's removal or
        new remark name that succeeded is written through to the cached team reads instead.
        Any write to a team also drops every invitee's view (an invitee's Agree changes what
        the owner reads, and the reverse)."""
        base = client.base_url
        touched = request.touched()
        try:
            if any(kind == "teams" for kind, _, _ in touched):  # a new team: every team read
                try:
                    yield
                finally:
                    self._thread.moment = self.cache.invalidate(
                        lambda key: isinstance(key, tuple) and key[:2] == ("team", base)
                    )
                return
            topics = tuple(t for touch in touched for t in self._topics(base, touch))
            write = Write()
            try:
                with self.cache.writing(topics) as write:
                    yield
                    written = _written_through(request)
                    if written is not None:  # it succeeded: what it changed is known
                        team_id, user, changes = written
                        write.match = lambda key: (
                            isinstance(key, tuple)
                            and key[:3]
                            == (
                                "team",
                                base,
                                team_id,
                            )
                        )
                        write.change = _relation_changed(user, changes)
            finally:
                self._thread.moment = write.done
        finally:
            if any(kind != "image" for kind, _, _ in touched):
                self._drop_invitee_views(base)

    def _topics(self, base: str, touch: Touch) -> tuple[Hashable, ...]:
        kind, ident, member = touch
        if kind == "image":
            return (("image", base, ident),)
        if kind == "virtual-member":  # named by its virtual company id: find the member
            member = self._member_of(base, ident, member)
            if member is None:
                return (("team", base, ident),)
        return _team_topics(base, ident, member if kind != "team" else None)

    def _member_of(self, base: str, team_id: Hashable, virtual: int | None) -> int | None:
        """The user company id of the member ``virtual`` names, from any cached read of the
        team (``None``: not known, so the write outdates the whole team)."""
        for info in self.cache.cached(
            lambda key: isinstance(key, tuple) and key[:3] == ("team", base, team_id)
        ):
            for relation in getattr(info, "relations", ()):
                if relation.virtual_company_id == virtual:
                    user: int = relation.user_company_id
                    return user
        return None

    def _drop_invitee_views(self, base: str) -> None:
        self.cache.invalidate(
            lambda key: isinstance(key, tuple) and key[0] in _INVITEE_VIEWS and key[1] == base
        )


_INVITEE_VIEWS = ("invites", "joined")
"""Cache keys of what an invitee reads; any write to a team may change them."""


def _written_through(request: ApiRequest) -> tuple[int, int, dict[str, Any]] | None:
    """A write whose effect on one relation is known once it succeeds: ``(team, member, the
    changed fields)``; ``None`` for any other write (read back instead)."""
    from ..api.models import SetTeamRelationRequest

    if not isinstance(request, SetTeamRelationRequest) or request.user_company_id is None:
        return None
    if request.status == "Cancel":
        return request.team_id, request.user_company_id, {"status": "Canceled"}
    if request.status == "UpdateRemarkName":
        changes = {"remark_name": request.remark_name}
        return request.team_id, request.user_company_id, changes
    return None


def _relation_changed(user: int, changes: dict[str, Any]) -> Callable[[Any], Any]:
    def change(info: TeamInfo | None) -> TeamInfo | None:
        if info is None:
            return None
        relations = [
            r.model_copy(update=changes) if r.user_company_id == user else r for r in info.relations
        ]
        return info.model_copy(update={"relations": relations})

    return change


def _team_topics(base: str, team_id: Hashable, member: int | None) -> tuple[Hashable, ...]:
    if member is None:
        return (("team", base, team_id),)
    return (("member", base, team_id, member), ("members", base, team_id))


def _who(client: CompShareClient) -> str:
    return client.credentials.public_key


reads = _Reads()
"""The process-wide read cache of all providers."""
