"""The single-flight read cache through which every provider reads teams, invites and share
lists, safe across the provider server's threads."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

from ..api.models import Relation, ShareAccount, TeamInfo
from ..client import CompShareClient, NotFoundError

__all__ = ["ReadCache", "reads"]

T = TypeVar("T")


class ReadCache:
    """Single-flight, short-lived cache of API reads, safe across the provider server's threads.

    Concurrent reads of one key share one API call; a finished read is reused for ``ttl`` seconds
    unless a write invalidates it first. A read that was in flight when its key was invalidated is
    not stored (it may predate the write), and later callers start a fresh read.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._inflight: dict[Hashable, Future[Any]] = {}
        self._generation: dict[Hashable, int] = {}

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > time.monotonic():
                value: T = entry[1]
                return value
            future = self._inflight.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._inflight[key] = future
            generation = self._generation.get(key, 0)
        if not owner:
            result: T = future.result()
            return result
        try:
            loaded = load()
        except BaseException as exc:
            with self._lock:
                if self._inflight.get(key) is future:
                    del self._inflight[key]
            future.set_exception(exc)
            raise
        with self._lock:
            if self._inflight.get(key) is future:
                del self._inflight[key]
            if self.ttl > 0 and self._generation.get(key, 0) == generation:
                self._entries[key] = (time.monotonic() + self.ttl, loaded)
        future.set_result(loaded)
        return loaded

    def patch(self, match: Callable[[Hashable], bool], change: Callable[[Any], Any]) -> None:
        """Apply what a write of this process did to the cached entries ``match`` accepts
        (write-through), so the next reader needs no API call. A read in flight may predate the
        write: it is not stored, and later callers start a fresh one."""
        with self._lock:
            for key in [k for k in self._entries if match(k)]:
                expires, value = self._entries[key]
                self._entries[key] = (expires, change(value))
            for key in [k for k in self._inflight if match(k)]:
                del self._inflight[key]
                self._generation[key] = self._generation.get(key, 0) + 1

    def invalidate(self, match: Callable[[Hashable], bool]) -> None:
        """Forget every entry (and in-flight read) whose key ``match`` accepts."""
        with self._lock:
            known = (*self._entries, *self._inflight, *self._generation)
            for key in {k for k in known if match(k)}:
                self._entries.pop(key, None)
                self._inflight.pop(key, None)
                self._generation[key] = self._generation.get(key, 0) + 1


def _cache_ttl() -> float:
    try:
        return max(0.0, float(os.environ.get("COMPSHARE_READ_CACHE_SECONDS", "5")))
    except ValueError:
        return 5.0


class _Reads:
    """Reads of teams, invites and share lists, shared through one :class:`ReadCache`.

    Keys name the object and the credentials that read it; a write to an object invalidates the
    object for every credential set (an invitee's Agree changes what the owner reads).
    """

    def __init__(self) -> None:
        self.cache = ReadCache(_cache_ttl())

    def team_info(self, client: CompShareClient, team_id: int) -> TeamInfo | None:
        """The team and its relations, or ``None`` if it does not exist or was deleted."""

        def load() -> TeamInfo | None:
            try:
                info = client.get_team_info(team_id=team_id)
            except NotFoundError:
                return None
            return None if info.team.deleted else info

        return self.cache.get(("team", client.base_url, team_id, _who(client)), load)

    def relation(self, client: CompShareClient, team_id: int, user: int) -> Relation | None:
        """The relation of ``user`` in team ``team_id`` as the team's owner sees it."""
        info = self.team_info(client, team_id)
        if info is None:
            return None
        for relation in info.relations:
            if relation.user_company_id == user:
                if not relation.team_name:  # the row's TeamName may be null or absent
                    return relation.model_copy(update={"team_name": info.team.name})
                return relation
        return None

    def received_invites(self, client: CompShareClient) -> tuple[Relation, ...]:
        """The invites the caller received (the vendor's example shows only Pending ones;
        whether answered invites stay listed is not stated)."""
        return self.cache.get(
            ("invites", client.base_url, _who(client)),
            lambda: tuple(client.list_team_invites()),
        )

    def joined_teams(self, client: CompShareClient) -> tuple[Relation, ...]:
        """The caller's relations as a member (ListCompShareTeamJoined): every reading of the
        API lists a team the caller has joined here."""
        return self.cache.get(
            ("joined", client.base_url, _who(client)),
            lambda: tuple(client.list_joined_teams()),
        )

    def share_list(self, client: CompShareClient, image_id: str) -> tuple[ShareAccount, ...] | None:
        """The accounts an image is shared with, or ``None`` if the image does not exist."""

        def load() -> tuple[ShareAccount, ...] | None:
            try:
                return tuple(client.describe_image_share_accounts(image_id))
            except NotFoundError:
                return None

        return self.cache.get(("image", client.base_url, image_id, _who(client)), load)

    def wrote_team(self, client: CompShareClient, team_id: int | None = None) -> None:
        """Forget reads of ``team_id`` (every team if ``None``) and every invitee's view."""
        base = client.base_url

        def match(key: Hashable) -> bool:
            if not isinstance(key, tuple) or key[1] != base:
                return False
            if key[0] in _INVITEE_VIEWS:
                return True
            return key[0] == "team" and (team_id is None or key[2] == team_id)

        self.cache.invalidate(match)

    def wrote_relation(
        self, client: CompShareClient, team_id: int, user: int, **changes: Any
    ) -> None:
        """This process changed one relation (e.g. ``status="Canceled"``): patch the cached team
        reads instead of dropping them, and drop every invitee's view."""
        base = client.base_url

        def change(info: TeamInfo | None) -> TeamInfo | None:
            if info is None:
                return None
            relations = [
                r.model_copy(update=changes) if r.user_company_id == user else r
                for r in info.relations
            ]
            return info.model_copy(update={"relations": relations})

        self.cache.patch(
            lambda key: isinstance(key, tuple) and key[:3] == ("team", base, team_id), change
        )
        self.cache.invalidate(
            lambda key: isinstance(key, tuple) and key[0] in _INVITEE_VIEWS and key[1] == base
        )

    def wrote_image(self, client: CompShareClient, image_id: str) -> None:
        base = client.base_url
        self.cache.invalidate(
            lambda key: isinstance(key, tuple) and key[:3] == ("image", base, image_id)
        )


_INVITEE_VIEWS = ("invites", "joined")
"""Cache keys of what an invitee reads; any write to a team may change them."""


def _who(client: CompShareClient) -> str:
    return client.credentials.public_key


reads = _Reads()
"""The process-wide read cache of all providers."""
