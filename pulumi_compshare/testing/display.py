"""What the player prints: values as a reviewer reads them, and the change of each property.

Numbers cross the engine as floats (``google.protobuf.Value`` has only doubles), so a team id
``1002`` comes back as ``1002.0``; everything printed here shows whole floats as ints, as ``pulumi``
does. A change is one short phrase per property:

- a list of scalars (``account_ids``) as the elements added and removed: ``account_ids: +50004
  -50003`` (set semantics: order and duplicates are not a change);
- anything else as ``old => new``: ``remark_name: "A" => "B"``, ``(none)`` for an absent value,
  ``(unknown)`` for a value known only after ``up``;
- ``[secret]`` instead of either value when the program marked it secret.

Keys starting with ``__`` (``__provider``, a provider's own bookkeeping) are never shown, as the
CLI never shows them (``resource.IsInternalPropertyKey``, ignored by every diff and object the
display prints: ``pkg/backend/display/object_diff.go``, ``rows.go: getDiffInfo``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .wire import UNKNOWN, is_internal_key

__all__ = ["describe_changes", "describe_update", "is_internal_key", "plain", "render_value"]

_MAX_TEXT: Final[int] = 60
"""Longer renderings are cut (with ``…``) so that a step stays one readable line."""
_MAX_ELEMENTS: Final[int] = 12
"""At most this many ``+x`` / ``-x`` per list; the rest is counted (``(+N more)``)."""
_ABSENT: Final[object] = object()


def plain(value: Any) -> Any:
    """``value`` with every whole float made an int, recursively (``1002.0`` -> ``1002``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _public(value: Any) -> Any:
    """``value`` without the internal keys of the objects in it, at any depth (the CLI's
    ``printObject`` leaves them out of nested objects too)."""
    if isinstance(value, Mapping):
        return {k: _public(v) for k, v in value.items() if not is_internal_key(str(k))}
    if isinstance(value, (list, tuple)):
        return [_public(v) for v in value]
    return value


def render_value(value: Any, *, limit: int = _MAX_TEXT) -> str:
    """One value as printed: JSON with ints for whole floats, ``(unknown)`` for an unknown,
    keys starting with ``__`` left out, cut at ``limit`` characters."""
    if value is _ABSENT or value is None:
        return "(none)"
    if isinstance(value, str) and value == UNKNOWN:
        return "(unknown)"
    try:
        text = json.dumps(_public(plain(value)), ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):  # a value no program can export; show it anyway
        text = repr(value)
    text = text.replace(json.dumps(UNKNOWN), "(unknown)")  # unknowns inside a list or object
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalars(value: Any) -> list[Any] | None:
    """The elements of a list of scalars (whole floats as ints), else None."""
    if not isinstance(value, (list, tuple)):
        return None
    out = []
    for item in value:
        if isinstance(item, (dict, list, tuple)) or (isinstance(item, str) and item == UNKNOWN):
            return None
        out.append(plain(item))
    return out


def _sort_key(value: Any) -> tuple[int, float, str]:
    """Numbers in numeric order, then everything else by its text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _element_change(old: Any, new: Any) -> str | None:
    """``+a +b -c`` for two lists of scalars; ``""`` if they hold the same elements; None if they
    are not both lists of scalars."""
    olds, news = _scalars(old), _scalars(new)
    if olds is None or news is None:
        return None
    added = sorted({v for v in news if v not in olds}, key=_sort_key)
    removed = sorted({v for v in olds if v not in news}, key=_sort_key)
    parts = [f"+{render_value(v, limit=30)}" for v in added]
    parts += [f"-{render_value(v, limit=30)}" for v in removed]
    if len(parts) > _MAX_ELEMENTS:
        more = len(parts) - _MAX_ELEMENTS
        parts = [*parts[:_MAX_ELEMENTS], f"(+{more} more)"]
    return " ".join(parts)


def _phrase(key: str, old: Any, new: Any, secrets: set[str]) -> str | None:
    """How ``key`` changes from ``old`` to ``new`` (:data:`_ABSENT` for no value); None if the
    two are the same (as sets, for two lists of scalars: order and duplicates are no change)."""
    old = _ABSENT if old is None else old  # a null is no value (PropertyValue.HasValue)
    new = _ABSENT if new is None else new
    elements = None
    if old is not _ABSENT and new is not _ABSENT:
        elements = _element_change(old, new)
        if elements == "":
            return None
    if elements is None and old == new:
        return None
    if key in secrets:
        return f"{key}: [secret]"
    if elements:
        return f"{key}: {elements}"
    return f"{key}: {render_value(old)} => {render_value(new)}"


def _forced(key: str, old: Any, new: Any, secrets: set[str]) -> str:
    """A property named as changed although its values look the same."""
    if key in secrets:
        return f"{key}: [secret]"
    return f"{key}: {render_value(old)} => {render_value(new)}"


def describe_changes(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    keys: Iterable[str] | None = None,
    secrets: Iterable[str] = (),
) -> tuple[str, ...]:
    """One phrase per property that differs between ``olds`` and ``news`` (keys starting with
    ``__`` left out), in key order. ``keys`` (``~key`` / ``+key`` / ``-key`` or bare names) limits
    it to those properties; a listed property whose values are equal is still shown, as ``old =>
    new``."""
    secret = set(secrets)
    if keys is None:
        names = sorted(set(olds) | set(news))
        forced: set[str] = set()
    else:
        names = sorted({k.lstrip("~+-") for k in keys})
        forced = set(names)
    out: list[str] = []
    for name in names:
        if is_internal_key(name):
            continue
        old, new = olds.get(name, _ABSENT), news.get(name, _ABSENT)
        phrase = _phrase(name, old, new, secret)
        if phrase is None and name in forced:
            phrase = _forced(name, old, new, secret)
        if phrase is not None:
            out.append(phrase)
    return tuple(out)


def describe_update(
    old_inputs: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    changed_keys: Sequence[str] = (),
    secrets: Iterable[str] = (),
) -> tuple[str, ...]:
    """What the CLI shows for an update or replace: the old *inputs* against the new inputs,
    keys starting with ``__`` left out (``pkg/backend/display/rows.go: getDiffInfo``, without a
    detailed diff: ``step.Old.Inputs.DiffWithOptions(step.New.Inputs,
    IgnoreKeyFunc(IsInternalPropertyKey))``; ``preview --diff`` prints the same,
    ``object_diff.go: getResourcePropertiesDetails``), limited to ``changed_keys`` when the
    provider named some (``writeShortDiff``'s ``include``: ``step.Diffs``).

    The Python dynamic server never sends a detailed diff or changed keys, so a change the
    provider finds only in the live values (old outputs), e.g. an account removed in the
    console, shows nothing: the step is an update with no property listed, as in the CLI."""
    include = {k.lstrip("~+-") for k in changed_keys}
    secret = set(secrets)
    out: list[str] = []
    for name in sorted(set(old_inputs) | set(news)):
        if is_internal_key(name) or (include and name not in include):
            continue
        phrase = _phrase(name, old_inputs.get(name, _ABSENT), news.get(name, _ABSENT), secret)
        if phrase is not None:
            out.append(phrase)
    return tuple(out)
