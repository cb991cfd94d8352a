"""The base of the CompShare dynamic providers: configuration, clients, check, diff, parsing,
one-line errors, and the id of a relation.

Providers are stateless classes at stable import paths: the pickle Pulumi stores in each
resource's state is a reference to the class and an empty instance dict (no keys, no clients).
``configure()`` runs in the provider process and keeps settings in memory only.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ReadResult,
    ResourceProvider,
)

from ..config import Profile, Settings, client_for, settings_from
from ..errors import APIError, CompShareError, ConfigurationError, ResourceError
from ._cache import reads
from ._fields import (
    Prop,
    check_props,
    diff_props,
    is_unknown,
    parse_props,
    positive_id,
    profile_name,
)

if TYPE_CHECKING:  # the client loads with the first API call
    from ..client import CompShareClient

__all__ = ["CompShareProvider", "relation_id", "relation_id_of", "say"]


def say(line: str) -> None:
    """Tell the user ``line`` (it names the resource): one write to the provider's stderr, which
    the engine shows as a diagnostic (``plugin.go``: each line of a plugin's stderr). One write
    per line, so that lines of concurrent calls never interleave within a line."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class CompShareProvider(ResourceProvider):
    """Base of the CompShare dynamic providers.

    A resource class declares its properties (``_fields.prop`` / ``output``) and names its
    provider; that sets ``kind`` (the resource class name) and ``props`` (the inputs) here.
    Subclasses implement the operations; this class supplies ``configure``, ``check``, ``diff``,
    parsing and the one-line errors.
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
        """Read stack config (``compshare:*``) and the environment. A mistake fails every
        check (so ``pulumi preview``) and every operation, naming what to set."""
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
        return reads.watch(client_for(self.profile(profile)))

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
