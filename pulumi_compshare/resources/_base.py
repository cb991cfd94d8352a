"""What every CompShare dynamic provider shares: configuration, clients, one-line errors, and
the single-flight read cache through which all reads of a team or an image go.

Providers are stateless classes at stable import paths: the pickle Pulumi stores in each
resource's state is a reference to the class and an empty instance dict (no keys, no clients).
``configure()`` runs in the provider process and keeps settings in memory only.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from typing import Any, ClassVar, TypeVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ReadResult,
    ResourceProvider,
)

from ..api.models import Relation, ShareAccount, TeamInfo
from ..client import (
    CompShareClient,
    CompShareError,
    NotFoundError,
    OutcomeUnknownError,
    RetryPolicy,
    ThrottledError,
)
from ._config import ConfigurationError, Profile, Settings, client_for, settings_from
from ._fields import (
    Prop,
    check_props,
    diff_props,
    is_unknown,
    parse_props,
    positive_id,
    profile_name,
)

__all__ = [
    "CompShareProvider",
    "CompShareResourceError",
    "ReadCache",
    "id_output",
    "reads",
    "relation_id",
    "write_and_confirm",
]

T = TypeVar("T")
R = TypeVar("R")

NON_IDEMPOTENT_ATTEMPTS = 3
_backoff = RetryPolicy()


def write_and_confirm(
    send: Callable[[], T],
    confirm: Callable[[bool, T | None], R | None],
    attempts: int = NON_IDEMPOTENT_ATTEMPTS,
) -> R:
    """Send a non-idempotent write (team creation, an invite) without ever re-sending it blindly.

    After each send, ``confirm(answered, answer)`` reads the live state and returns the result if
    the write landed, else ``None``. ``answered`` is False when the answer was lost or the call
    was throttled; ``confirm`` must raise when an answered write did not land. Only a write that
    surely did not land is sent again, at most ``attempts`` times.
    """
    failure: CompShareError | None = None
    for attempt in range(1, attempts + 1):
        answer: T | None = None
        try:
            answer = send()
            failure = None
        except (OutcomeUnknownError, ThrottledError) as exc:
            failure = exc
        result = confirm(failure is None, answer)
        if result is not None:
            return result
        if failure is None:
            raise RuntimeError("confirm() must raise when an answered write did not land")
        if attempt < attempts:
            time.sleep(_backoff.delay(attempt))
    assert failure is not None
    raise failure


class CompShareResourceError(Exception):
    """A resource operation failed. The message is one line naming the resource and the action."""


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


class CompShareProvider(ResourceProvider):
    """Base of the CompShare dynamic providers.

    Subclasses declare ``kind`` (the resource class name) and ``props`` (their inputs) and
    implement the operations; this class supplies ``configure``, ``check`` and the helpers.
    """

    kind: ClassVar[str] = ""
    props: ClassVar[tuple[Prop, ...]] = ()
    state_key: ClassVar[str] = ""
    """An output-only property that every stored state holds. A Read whose properties lack it
    is a get (``ResourceOptions(id=...)``: the engine sends the program's inputs), not a
    refresh (the engine sends the old outputs)."""
    serialize_as_secret_always = False
    """The pickle holds no secret (a class reference), so it need not be encrypted in state."""

    _settings: Settings | None
    _settings_error: ConfigurationError | None

    def configure(self, req: ConfigureRequest) -> None:
        """Read stack config (``compshare:*``) and the environment. Errors surface on first use."""
        try:
            self._settings = settings_from(req.config.get)
            self._settings_error = None
        except ConfigurationError as exc:
            self._settings = None
            self._settings_error = exc

    def settings(self) -> Settings:
        settings = self.__dict__.get("_settings")
        error = self.__dict__.get("_settings_error")
        if error is not None:
            raise error
        if settings is None:  # never configured (e.g. called outside the engine): environment
            settings = settings_from(None)
            self._settings = settings
        return settings

    def profile(self, name: str | None) -> Profile:
        return self.settings().profile(name)

    def client(self, profile: str | None) -> CompShareClient:
        """The pooled client for ``profile`` (``None``: the default credentials)."""
        return client_for(self.profile(profile))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input without calling the API; failures name the property."""
        try:
            result = check_props(self.props, news)
            profile = result.inputs.get("profile")
            if not result.failures and isinstance(profile, str) and not is_unknown(profile):
                try:
                    self.profile(profile)
                except ConfigurationError as exc:
                    result.failures.append(CheckFailure("profile", str(exc)))
            return result
        except Exception as exc:  # check must never raise
            return CheckResult(dict(news), [CheckFailure("", f"{self.kind}: {exc}")])

    def profile_of(self, values: dict[str, Any]) -> str | None:
        """The ``profile`` input of stored state or inputs (``None``: default credentials)."""
        value = values.get("profile")
        return None if value is None else profile_name(value)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Old outputs against new checked inputs: identity properties replace, others update."""
        return diff_props(self.props, olds, news)

    def parse(self, values: dict[str, Any]) -> dict[str, Any]:
        """Inputs (or stored outputs) as Python values; the one place engine floats become ints."""
        return parse_props(self.kind, self.props, values)

    def is_get(self, props: dict[str, Any]) -> bool:
        """Whether a Read is a get of an existing object rather than a refresh of state."""
        return props.get(self.state_key) is None

    def gone(self, props: dict[str, Any], action: str, what: str) -> ReadResult:
        """A Read found nothing. Refresh: the object leaves the state. A get must fail: the
        engine accepts any answer to a get's Read and would record a resource with no values
        (``ReadStep.Apply`` in ``pkg/resource/deploy/step.go`` fails only on nil outputs, and the
        dynamic provider server always returns ``__provider``)."""
        if self.is_get(props):
            raise CompShareResourceError(
                f"{self.kind} get: {what} does not exist ({action}); check the id passed to "
                f"{self.kind}.get() or ResourceOptions(id=...)"
            )
        return ReadResult(None, {})

    @contextlib.contextmanager
    def failing_as(self, what: object) -> Iterator[None]:
        """Re-raise API, configuration and input errors as one line naming this resource."""
        try:
            yield
        except (CompShareError, ConfigurationError, ValueError) as exc:
            raise CompShareResourceError(f"{self.kind} {what}: {exc}") from None


def id_output(resource_id: pulumi.Output[str], part: int | None = None) -> pulumi.Output[int]:
    """An identity output derived from the resource id (``part``: the index in a
    ``"<a>:<b>"`` id), for the program's resource class.

    In a preview of an update the engine answers with the new inputs as the outputs (the dynamic
    provider server does not support preview), so an output-only id would be unknown and every
    dependent that takes it as an identity input would preview a replace. The resource id is
    kept in that preview, so a value derived from it stays known."""

    def parse(value: str) -> int | None:
        parts = str(value).split(":")
        text = parts[part] if part is not None and len(parts) == 2 else str(value)
        return int(text) if text.isascii() and text.isdigit() else None

    return resource_id.apply(parse)  # type: ignore[arg-type]


def relation_id(kind: str, value: str) -> tuple[int, int]:
    """``"<team_id>:<user_company_id>"`` (the id of a TeamMembership or a TeamInviteAccepter)
    -> ``(team_id, user_company_id)``."""
    parts = str(value).split(":")
    if len(parts) != 2:
        raise ValueError(f"a {kind} id is '<team_id>:<user_company_id>', got {str(value)[:80]!r}")
    return positive_id(parts[0]), positive_id(parts[1])
