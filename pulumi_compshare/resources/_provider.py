"""The base of the CompShare dynamic providers: configuration, clients, check, diff, parsing,
one-line errors, and the id of a relation.

Providers are stateless classes at stable import paths: the pickle Pulumi stores in each
resource's state is a reference to the class and an empty instance dict (no keys, no clients).
``configure()`` runs in the provider process and keeps settings in memory only.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..config import Profile, Settings, client_for, settings_from
from ..errors import APIError, CompShareError, ConfigurationError, ResourceError
from ._cache import reads
from ._fields import (
    Prop,
    check_props,
    diff_props,
    is_unknown,
    positive_id,
)
from ._values import Args, State

if TYPE_CHECKING:  # the client loads with the first API call
    from ..client import CompShareClient

__all__ = [
    "CompShareProvider",
    "Gone",
    "relation_id",
    "relation_id_of",
    "say",
    "saying_to",
]

A = TypeVar("A", bound=Args)
S = TypeVar("S", bound=State)


_said_to: ContextVar[Callable[[str], None] | None] = ContextVar("said_to", default=None)

_frozen: set[str] = set()


def freeze_loaded(stage: str) -> None:
    """Once per ``stage`` of a provider process, move every object loaded so far out of the
    garbage collector's sight (``gc.freeze``): the modules (pulumi and grpc by ``configure``,
    then httpx, pydantic and the API models with the first API call) live as long as the
    process, and the interpreter's collections walked them all again at exit, 40-100 ms of
    every command's end that the engine waits for (``plugin.go: Plugin.Close`` waits for the
    process to exit); frozen, the exit takes 10-30 ms (``benchmarks``: each ``pulumi up``
    ends two provider processes). Called only where a provider process runs (``configure``
    and the first client), never in the program's process. Frozen objects are never
    collected, so it runs once per stage: what an operation under way holds at that moment is
    kept for the life of the process (a few objects, once)."""
    if stage not in _frozen:
        _frozen.add(stage)
        gc.freeze()


def say(line: str) -> None:
    """Tell the user ``line`` (it names the resource): one write to the provider's stderr, which
    the engine shows as a diagnostic (``plugin.go``: each line of a plugin's stderr). One write
    per line, so that lines of concurrent calls never interleave within a line. Inside
    :func:`saying_to` (the provider plugin, whose stderr the engine hides), to its sink."""
    sink = _said_to.get()
    if sink is not None:
        sink(line)
        return
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@contextlib.contextmanager
def saying_to(sink: Callable[[str], None]) -> Iterator[None]:
    """Send what :func:`say` tells the user to ``sink`` within this block (this thread's
    context). The provider plugin's sink is the engine's Log call: the engine shows a real
    plugin's stderr only at debug level (``newPlugin`` in ``sdk/go/common/resource/plugin/
    plugin.go`` hides the output of every resource plugin but the dynamic ones)."""
    token = _said_to.set(sink)
    try:
        yield
    finally:
        _said_to.reset(token)


class Gone:
    """What a Read found when the object no longer exists: the action that said so and the
    object in the user's words (``"team 1001"``)."""

    __slots__ = ("action", "what")

    def __init__(self, action: str, what: str) -> None:
        self.action = action
        self.what = what


class CompShareProvider(ResourceProvider, Generic[A, S]):
    """Base of the CompShare dynamic providers: the engine's property maps in and out, typed
    values in between.

    A resource module declares its inputs and state as typed classes (``_values.Args`` /
    ``State``, one ``prop()`` / ``output()`` per property) and a provider naming them
    (``args_type``, ``state_type``); the resource class names its provider, which sets
    ``kind`` (the resource class name) and ``props`` (the inputs) here. This class supplies
    ``configure``, ``check``, ``diff``, the one-line errors and the engine's ``create``,
    ``read``, ``update`` and ``delete``, which parse the engine's values (engine floats become
    ints; stored state is read leniently), pick the client of the resource's profile, and call
    the resource's typed operations:

    - :meth:`on_create` ``(client, args) -> (id, state)``
    - :meth:`on_read` ``(client, id, state) -> state | Gone`` (refresh, and a get by id)
    - :meth:`on_update` ``(client, id, olds, args) -> state``
    - :meth:`on_delete` ``(client, id, state)``
    - :meth:`on_diff` ``(id, olds, news) -> DiffResult`` (optional; ``news`` may hold unknowns)

    A failure inside them becomes one line naming the resource (:meth:`failing_as`).
    """

    kind: ClassVar[str] = ""
    props: ClassVar[tuple[Prop, ...]] = ()
    args_type: ClassVar[type[Args]] = Args
    state_type: ClassVar[type[State]] = State
    state_key: ClassVar[str] = ""
    """An output-only property that every stored state holds. A Read whose properties lack it
    is a get (``ResourceOptions(id=...)``: the engine sends the program's inputs), not a
    refresh (the engine sends the old outputs)."""
    serialize_as_secret_always = False
    """The pickle holds no secret (a class reference), so it need not be encrypted in state."""

    _settings: Settings | None
    _settings_error: ConfigurationError | None

    def configure(self, req: ConfigureRequest) -> None:
        """Read stack config (``compshare:*``) and the environment. A mistake fails every
        check (so ``pulumi preview``) and every operation, naming what to set."""
        freeze_loaded("configure")
        keys = getattr(req.config, "_props", None)  # the SDK's Config keeps the whole stack's
        try:
            self._settings = settings_from(req.config.get, keys=keys if keys else None)
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
        client = reads.watch(client_for(self.profile(profile)))
        freeze_loaded("client")
        return client

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input and the configuration without calling the API; failures name
        the property (configuration failures name none)."""
        try:
            result = check_props(self.props, news)
            profile = result.inputs.get("profile")
            if not is_unknown(profile) and not any(
                f.property == "profile" for f in result.failures
            ):
                try:
                    self.profile(profile if isinstance(profile, str) else None)
                except ConfigurationError as exc:
                    result.failures.append(CheckFailure("profile" if profile else "", str(exc)))
            return result
        except Exception as exc:  # check must never raise
            return CheckResult(dict(news), [CheckFailure("", f"{self.kind}: {exc}")])

    # ------------------------------------------------------------------ the engine's calls

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Old outputs against new checked inputs (:meth:`on_diff`)."""
        return self.on_diff(id_, self.stored(olds), news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = self.parse(props)
        with self.failing_as(self.name_of(args), existed=False):
            id_, state = self.on_create(self.client(_profile(args)), args)
            return CreateResult(id_, state.outputs())

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh (``props``: the stored outputs) or a get (the program's inputs, id given)."""
        with self.failing_as(id_):
            state = self.stored(props)
            found = self.on_read(self.client(_profile(state)), id_, state)
            if isinstance(found, Gone):
                return self.gone(props, found.action, found.what)
            declared = {p.key for p in self.state_type.props}
            # kept as they are: outputs another version of the package stored (a refresh after
            # an upgrade changes nothing it does not read)
            kept = {k: v for k, v in props.items() if k not in declared and not k.startswith("__")}
            return ReadResult(id_, {**kept, **found.outputs()})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = self.parse(news)
        with self.failing_as(id_):
            state = self.on_update(self.client(_profile(args)), id_, self.stored(olds), args)
            return UpdateResult(state.outputs())

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.failing_as(id_):
            state = self.stored(props)
            self.on_delete(self.client(_profile(state)), id_, state)

    # ------------------------------------------------------------------ what a resource implements

    def name_of(self, args: A) -> str:
        """The resource in a failure line before it has an id (e.g. the team's name)."""
        return self.kind

    def on_diff(self, id_: str, olds: S, news: dict[str, Any]) -> DiffResult:
        """Identity properties replace, others update. ``news``: the checked inputs, which
        hold unknowns in a preview (:meth:`known` gives them typed once all are known)."""
        return diff_props(self.props, olds.to_dict(), news)

    def on_create(self, client: CompShareClient, args: A) -> tuple[str, S]:
        raise NotImplementedError

    def on_read(self, client: CompShareClient, id_: str, state: S) -> S | Gone:
        raise NotImplementedError

    def on_update(self, client: CompShareClient, id_: str, olds: S, args: A) -> S:
        raise NotImplementedError

    def on_delete(self, client: CompShareClient, id_: str, state: S) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ values

    def parse(self, values: dict[str, Any]) -> A:
        """Checked inputs as typed values; the one place engine floats become ints. Raises
        ``ValueError`` naming the property for anything check would have refused."""
        return cast("A", self.args_type.parse(self.kind, values))

    def stored(self, values: dict[str, Any]) -> S:
        """Stored state (or a get's inputs) as typed values, read leniently."""
        return cast("S", self.state_type.stored(values))

    def known(self, news: dict[str, Any]) -> A | None:
        """The new inputs of a Diff as typed values, or ``None`` while some are unknown."""
        if any(is_unknown(value) for value in news.values()):
            return None
        return self.parse(news)

    def is_get(self, props: dict[str, Any]) -> bool:
        """Whether a Read is a get of an existing object rather than a refresh of state."""
        return props.get(self.state_key) is None

    def gone(self, props: dict[str, Any], action: str, what: str) -> ReadResult:
        """A Read found nothing. Refresh: the object leaves the state. A get must fail: the
        engine accepts any answer to a get's Read and would record a resource with no values
        (``ReadStep.Apply`` in ``pkg/resource/deploy/step.go`` fails only on nil outputs, and the
        dynamic provider server always returns ``__provider``)."""
        if self.is_get(props):
            raise ResourceError(
                f"{self.kind} get: {what} does not exist ({action}); check the id passed to "
                f"{self.kind}.get() or ResourceOptions(id=...)"
            )
        return ReadResult(None, {})

    @contextlib.contextmanager
    def failing_as(self, what: object, *, existed: bool = True) -> Iterator[None]:
        """Re-raise API, configuration and input errors as one :class:`ResourceError` line
        naming this resource, the action once and what to do once. ``existed``: the object
        existed before this operation (update, delete, read), so `pulumi refresh` may help."""
        try:
            yield
        except ResourceError:
            raise
        except APIError as exc:
            line = f"{self.kind} {what}: {exc.describe(exc.hint_for(existed))}"
            raise ResourceError(line) from None
        except (CompShareError, ValueError) as exc:
            raise ResourceError(f"{self.kind} {what}: {exc}") from None


def _profile(values: Args) -> str | None:
    """The ``profile`` a resource's values name (``None``: the default credentials)."""
    profile = getattr(values, "profile", None)
    return profile if isinstance(profile, str) else None


def relation_id(kind: str, value: str) -> tuple[int, int]:
    """``"<team_id>:<user_company_id>"`` (the id of a TeamMembership or a TeamInviteAccepter)
    -> ``(team_id, user_company_id)``."""
    parts = str(value).split(":")
    if len(parts) != 2:
        raise ValueError(f"a {kind} id is '<team_id>:<user_company_id>', got {str(value)[:80]!r}")
    return positive_id(parts[0]), positive_id(parts[1])


def relation_id_of(team_id: int, user_company_id: int) -> str:
    """The id of a relation: ``"<team_id>:<user_company_id>"``."""
    return f"{team_id}:{user_company_id}"
