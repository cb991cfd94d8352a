"""What the player prints: values as a reviewer reads them, and the change of each property.

Numbers cross the engine as floats (``google.protobuf.Value`` has only doubles), so a team id
``1002`` comes back as ``1002.0``; everything printed here shows whole floats as ints, as ``pulumi``
does. A change is one short phrase per property:

- a list of scalars (``account_ids``) as the elements added and removed: ``account_ids: +50004
  -50003`` (set semantics: order and duplicates are not a change);
- anything else as ``old => new``: ``remark_name: "A" => "B"``, ``(none)`` for an absent value,
  ``(unknown)`` for a value known only after ``up``;
- ``[secret]`` instead of either value when the program marked it secret.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .wire import PROVIDER_KEY, UNKNOWN

__all__ = ["describe_changes", "describe_update", "plain", "render_value"]

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


def render_value(value: Any, *, limit: int = _MAX_TEXT) -> str:
    """One value as printed: JSON with ints for whole floats, ``(unknown)`` for an unknown,
    cut at ``limit`` characters."""
    if value is _ABSENT or value is None:
        return "(none)"
    if isinstance(value, str) and value == UNKNOWN:
        return "(unknown)"
    try:
        text = json.dumps(plain(value), ensure_ascii=False, sort_keys=True, default=str)
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
    """A property the engine reports as changed although its values look the same."""
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
    """One phrase per property that differs between ``olds`` and ``news`` (``__provider`` left
    out), in key order. ``keys`` (``~key`` / ``+key`` / ``-key`` or bare names) limits it to those
    properties; a listed property whose values are equal is still shown, as ``old => new``."""
    secret = set(secrets)
    if keys is None:
        names = sorted((set(olds) | set(news)) - {PROVIDER_KEY})
        forced: set[str] = set()
    else:
        names = sorted({k.lstrip("~+-") for k in keys} - {PROVIDER_KEY})
        forced = set(names)
    out: list[str] = []
    for name in names:
        old, new = olds.get(name, _ABSENT), news.get(name, _ABSENT)
        phrase = _phrase(name, old, new, secret)
        if phrase is None and name in forced:
            phrase = _forced(name, old, new, secret)
        if phrase is not None:
            out.append(phrase)
    return tuple(out)


def describe_update(
    keys: Sequence[str],
    old_inputs: Mapping[str, Any],
    old_outputs: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    secrets: Iterable[str] = (),
) -> tuple[str, ...]:
    """What an update or replace will change, as a reviewer needs it.

    The provider's Diff compares the new inputs with the old *outputs* (the live values, as the
    last refresh saw them), so that is what is shown for every input the outputs also hold: after
    someone removed account 50003 from a share in the console, ``account_ids: +50003`` even though
    the program did not change. Inputs the outputs do not hold are compared with the old inputs.
    ``keys`` (the engine's changed keys) are always shown."""
    secret = set(secrets)
    out: dict[str, str] = {}
    names = {k.lstrip("~+-") for k in keys} | set(news) | set(old_inputs)
    for name in sorted(names - {PROVIDER_KEY}):
        new = news.get(name, _ABSENT)
        if name in old_outputs and new is not _ABSENT:
            phrase = _phrase(name, old_outputs[name], new, secret)
        else:
            phrase = _phrase(name, old_inputs.get(name, _ABSENT), new, secret)
        if phrase is not None:
            out[name] = phrase
    for key in keys:  # a changed key whose values look the same still says it changes
        name = key.lstrip("~+-")
        if name != PROVIDER_KEY and name not in out:
            old = old_inputs.get(name, _ABSENT)
            out[name] = _forced(name, old, news.get(name, _ABSENT), secret)
    return tuple(out[name] for name in sorted(out))
