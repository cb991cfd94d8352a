"""The properties of the resources: one declaration per property (:class:`Prop`), from which
the output attribute, its documentation, check, diff and every provider method's parsing come.

This is the single place where engine values become Python values: numbers arrive from the engine
as floats (``50002.0``) and leave here as ints; id sets are de-duplicated and sorted; text is
length-checked. ``check()`` collects :class:`CheckFailure` per property and never raises; the
provider methods parse the same way and fail loudly on anything check would have rejected.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, DiffResult
from pulumi.output import Unknown
from pulumi.runtime import rpc

from ..api import limits, wire
from ..api.rules import kind_of as _kind
from ..api.rules import to_fen, to_id

__all__ = [
    "UNKNOWN",
    "Prop",
    "PropsDiff",
    "boolean",
    "check_props",
    "diff_props",
    "fen",
    "id_set",
    "image_id",
    "is_unknown",
    "output",
    "parse_props",
    "positive_id",
    "profile_name",
    "prop",
    "stored",
    "text",
]

UNKNOWN = rpc.UNKNOWN
"""The wire sentinel of a value not known yet (preview); providers receive it deserialized as
``pulumi.output.Unknown`` (Check and Diff keep unknowns)."""


def is_unknown(value: Any) -> bool:
    """True for a value not known yet (``Unknown``, the wire sentinel, or a list or map holding
    one)."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, (list, tuple)):
        return any(is_unknown(v) for v in value)
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    return False


Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Prop:
    """One property of a resource, declared once as an attribute of the resource class::

        name: pulumi.Output[str] = prop("The team's name.", text(64), required=True)
        team_id: pulumi.Output[int] = output("The team id.", from_id=0)

    The declaration is the property's documentation (``help()`` shows it), its output
    attribute (a descriptor over the value Pulumi sets), and, for inputs, how check, diff and
    every provider method parse it. ``name`` is the attribute's name (set by ``__set_name__``).
    """

    name: str
    parse: Parser | None
    """How an input is parsed (``None``: an output only)."""
    doc: str = ""
    required: bool = False
    default: Any = None
    replaces: bool = False
    """A change replaces the resource (identity properties)."""
    unmanaged_when_none: bool = False
    """``None`` means "leave as it is": no diff when the new value is ``None``."""
    create_only: bool = False
    """Read only when the resource is created: never diffed."""
    from_id: int | None = None
    """An output derived from the resource id (``n``: the n-th ``:``-separated part; ``-1``:
    the whole id), so it stays known in previews of updates."""
    internal: bool = False
    """Set by the resource itself, never by the user: kept under :attr:`key` (``__name``), which
    the engine never displays (``resource.IsInternalPropertyKey`` in the engine's display), and
    never an output."""
    derive: Callable[[str, Any], Any] | None = None
    """An internal input's value, computed when the resource is declared from its name and
    options (``derive(resource_name, opts)``)."""
    from_urn: Callable[[str], Any] | None = None
    """An internal input's value computed from the resource's URN, where no program computes it
    (the provider plugin, which sees the URN); without it the plugin calls :attr:`derive` with
    the URN's name and no options."""

    @property
    def is_input(self) -> bool:
        return self.parse is not None

    @property
    def is_output(self) -> bool:
        """Kept in the outputs (state): every property but an internal input (a hint the
        resource passes its provider, such as the creation marker, kept only in the inputs)."""
        return not (self.internal and self.is_input)

    @property
    def key(self) -> str:
        """The property's key in inputs and state: its name, or ``__name`` if internal (the
        attribute of an internal property is ``_name``, private to the resource class)."""
        return f"__{self.name.lstrip('_')}" if self.internal else self.name

    def __set_name__(self, owner: type, name: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "__doc__", self.doc)

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        try:
            return instance.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, instance: object, value: Any) -> None:
        instance.__dict__[self.name] = value


def prop(
    doc: str,
    parse: Parser,
    *,
    required: bool = False,
    default: Any = None,
    replaces: bool = False,
    unmanaged_when_none: bool = False,
    create_only: bool = False,
    internal: bool = False,
    derive: Callable[[str, Any], Any] | None = None,
    from_urn: Callable[[str], Any] | None = None,
) -> Any:
    """Declare an input property (also an output of the same name, unless ``internal``;
    ``derive``: an internal input computed from the resource's name and options; ``from_urn``:
    the same computed from the URN, by the provider plugin)."""
    return Prop(
        "",
        parse,
        doc,
        required,
        default,
        replaces,
        unmanaged_when_none,
        create_only,
        internal=internal,
        derive=derive,
        from_urn=from_urn,
    )


def output(doc: str, *, from_id: int | None = None, internal: bool = False) -> Any:
    """Declare an output-only property (``internal``: kept in state under ``__name``, never
    shown, never an attribute of the resource)."""
    return Prop("", None, doc, from_id=from_id, internal=internal)


def _parser(prop: Prop) -> Parser:
    assert prop.parse is not None, f"{prop.name} is an output, not an input"
    return prop.parse


def positive_id(value: Any) -> int:
    """An id (team, account): the API's one rule of an id (:func:`api.fields.to_id`), a positive
    integer up to 4294967295, as int, whole float or text of ASCII digits."""
    return to_id(value)


def text(max_length: int, *, allow_empty: bool = True, multiline: bool = False) -> Parser:
    """A string of at most ``max_length`` characters (optionally non-blank).

    Control characters (NUL, line breaks, tabs, ...) are refused, except line breaks and tabs
    in ``multiline`` text (a description), and so is non-empty text made only of invisible
    characters (spaces, zero-width and other format characters): the console could not show it
    and the API may strip it."""
    allowed = "\n\r\t" if multiline else ""

    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, got {_kind(value)}")
        _valid_unicode(value)
        if len(value) > max_length:
            raise ValueError(
                f"must be at most {max_length} characters, got {len(value)}: {wire.short(value)}"
            )
        control = next(
            (c for c in value if unicodedata.category(c) == "Cc" and c not in allowed), None
        )
        if control is not None:
            raise ValueError(
                f"must not contain control characters (found U+{ord(control):04X}): "
                f"{wire.short(value)}"
            )
        if not value:
            if allow_empty:
                return value
            raise ValueError("must not be empty")
        if all(_invisible(c) for c in value):
            raise ValueError(
                "must not be only blank or invisible characters "
                f"(got {len(value)} of them: {wire.short(value)})"
            )
        return value

    return parse


def _invisible(char: str) -> bool:
    """Whitespace, format characters (zero-width space, BOM, direction marks) and the like."""
    return char.isspace() or unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Mn", "Me")


def _valid_unicode(value: str) -> None:
    """The API speaks UTF-8: a lone surrogate cannot be sent."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it holds a lone surrogate)") from None


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {_kind(value)}")
    return value


def image_id(value: Any) -> str:
    """A custom image id such as ``compshareImage-abc``."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {_kind(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    if not limits.is_image_id(value):
        raise ValueError(
            f"{value!r} is not a custom image id: expected 'compshareImage-' followed by letters "
            "and digits, as DescribeCompShareCustomImages lists them"
        )
    return value


def id_set(value: Any) -> list[int]:
    """A set of account ids: order and duplicates do not matter; returned sorted and unique."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValueError(f"must be a list of account ids, got {_kind(value)}")
    ids: set[int] = set()
    for index, item in enumerate(value):
        try:
            ids.add(positive_id(item))
        except ValueError as exc:
            raise ValueError(f"item {index}: {exc}") from None
    return sorted(ids)


FEN_MAX = min(limits.AMOUNT_MAX, 2**53)
"""The largest budget in fen: numbers cross the engine as floats, exact up to 2**53."""


def fen(value: Any) -> int:
    """An amount of money in fen (1/100 yuan): the API's one rule of an amount
    (:func:`api.fields.to_fen`: a whole number from 0, as int, whole float or text of ASCII
    digits), and at most :data:`FEN_MAX`, as numbers cross the engine as floats."""
    number = to_fen(value)
    if number > FEN_MAX:
        raise ValueError(
            f"must be at most {FEN_MAX} fen (numbers cross the Pulumi engine as floats, exact up "
            f"to 2**53), got {number}"
        )
    return number


def stored(parse: Parser, value: Any) -> Any:
    """A value kept in state (numbers are floats after the engine) as ``parse`` reads it, or
    ``None`` when it is absent or unreadable (state written by another version)."""
    try:
        return None if value is None else parse(value)
    except ValueError:
        return None


def profile_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be the name of a profile in compshare:profiles, got {_kind(value)}")
    _valid_unicode(value)
    if not value.strip():
        raise ValueError("must not be empty (leave it unset to use the default credentials)")
    return value


def check_props(props: Sequence[Prop], news: Mapping[str, Any]) -> CheckResult:
    """Validate and normalise inputs. Unknown values pass untouched; never raises."""
    inputs: dict[str, Any] = {}
    failures: list[CheckFailure] = []
    for prop in props:
        key = prop.key
        value = news.get(key)
        if is_unknown(value):
            inputs[key] = value
            continue
        if value is None:
            if prop.required:
                failures.append(CheckFailure(key, f"{key} is required"))
            inputs[key] = prop.default
            continue
        try:
            inputs[key] = _parser(prop)(value)
        except Exception as exc:  # a parser's message, whatever it raised
            failures.append(CheckFailure(key, f"{key} {exc}"))
            inputs[key] = value
    return CheckResult(inputs, failures)


def parse_props(kind: str, props: Sequence[Prop], values: Mapping[str, Any]) -> dict[str, Any]:
    """Parse inputs (or stored outputs) for a provider method; raises ``ValueError`` naming the
    property for anything ``check`` would have rejected."""
    parsed: dict[str, Any] = {}
    for prop in props:
        key = prop.key
        value = values.get(key)
        if value is None:
            if prop.required:
                raise ValueError(f"{kind}: {key} is required")
            parsed[key] = prop.default
            continue
        try:
            parsed[key] = _parser(prop)(value)
        except ValueError as exc:
            raise ValueError(f"{kind}: {key} {exc}") from None
    return parsed


class PropsDiff(DiffResult):
    """A :class:`DiffResult` that also names the properties that differ (``diffs``, by key): the
    provider plugin's detailed diff. The dynamic provider server reads only the base fields."""

    def __init__(
        self,
        changes: bool,
        replaces: list[str],
        diffs: list[str],
        delete_before_replace: bool | None = None,
    ) -> None:
        super().__init__(changes, replaces, [], delete_before_replace)
        self.diffs = diffs


def diff_props(
    props: Sequence[Prop],
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    also_changed: bool = False,
    delete_before_replace: bool = False,
) -> PropsDiff:
    """Compare old outputs with new checked inputs (``__provider`` ignored).

    Unknown new values count as changes; changed ``replaces`` properties are listed as
    replacements. ``also_changed`` forces an update (e.g. drift the provider must repair).
    ``delete_before_replace`` is for resources whose replacement would otherwise adopt the very
    object the old one then deletes (a membership or share moved to another profile).
    """
    changed: list[str] = []
    replaces: list[str] = []
    keys: list[str] = []
    for prop in props:
        if prop.create_only:
            continue
        new = news.get(prop.key)
        if is_unknown(new):
            differs = True
        elif new is None and prop.unmanaged_when_none:
            differs = False
        else:
            differs = _normal(prop, olds.get(prop.key)) != _normal(prop, new)
        if differs:
            changed.append(prop.name)
            keys.append(prop.key)
            if prop.replaces:
                replaces.append(prop.name)
    return PropsDiff(
        changes=bool(changed) or also_changed,
        replaces=replaces,
        diffs=keys,
        delete_before_replace=delete_before_replace if replaces else None,
    )


def _normal(prop: Prop, value: Any) -> Any:
    if value is None:
        return prop.default
    try:
        return _parser(prop)(value)
    except ValueError:
        return value
