"""Typed access to an action's flattened request parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_compshare.api import fields, wire
from pulumi_compshare.emulator.api_errors import invalid

__all__ = ["Params", "parse_fen", "parse_id"]


class Params:
    """Typed access to flattened request parameters; every problem is an :class:`ApiError` 230."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields

    def has(self, name: str) -> bool:
        """Whether the parameter was sent."""
        return name in self.fields

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_len: int | None = None,
        non_blank: bool = False,
    ) -> str | None:
        """A string parameter (``None`` if absent and optional)."""
        value = self.fields.get(name)
        if value is None:
            if required:
                raise invalid(name, "required")
            return None
        if non_blank and not value.strip():
            raise invalid(name, "must not be empty", "不能为空")
        if max_len is not None and len(value) > max_len:
            raise invalid(name, f"must be at most {max_len} characters", f"最多 {max_len} 个字符")
        return value

    def required_text(self, name: str, *, max_len: int | None = None) -> str:
        """A required, non-blank string parameter."""
        value = self.text(name, required=True, max_len=max_len, non_blank=True)
        assert value is not None
        return value

    def ident(self, name: str, *, required: bool = False) -> int | None:
        """An id (team, company, virtual company): :func:`parse_id`."""
        value = self.fields.get(name)
        if value is None:
            if required:
                raise invalid(name, "required")
            return None
        return parse_id(name, value)

    def required_ident(self, name: str) -> int:
        """A required id."""
        value = self.ident(name, required=True)
        assert value is not None
        return value

    def fen(self, name: str) -> int:
        """A required amount of money in fen (:func:`parse_fen`)."""
        value = self.fields.get(name)
        if value is None:
            raise invalid(name, "required")
        return parse_fen(name, value)

    def integer(
        self, name: str, *, default: int | None = None, low: int = 0, high: int | None = None
    ) -> int:
        """An integer in ``low..high``; required when ``default`` is ``None``."""
        value = self.fields.get(name)
        if value is None:
            if default is None:
                raise invalid(name, "required")
            return default
        try:
            number = wire.to_int(value)
        except ValueError:
            raise invalid(name, "must be an integer") from None
        if number < low or (high is not None and number > high):
            bound = f"{low}..{high}" if high is not None else f">= {low}"
            raise invalid(name, f"must be in {bound}")
        return number

    def boolean(self, name: str, default: bool) -> bool:
        """``true`` / ``false`` (case-insensitive)."""
        value = self.fields.get(name)
        if value is None:
            return default
        text = value.strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise invalid(name, "must be true or false")

    def items(self, prefix: str) -> list[tuple[str, str]]:
        """The list parameter ``prefix.0``, ``prefix.1``, ... as ``(key, value)`` in index order.

        A bare ``prefix`` (no index) counts as a one-element list.
        """
        pattern = re.compile(re.escape(prefix) + r"\.(\d+)\Z")
        found: list[tuple[int, str, str]] = []
        for key, value in self.fields.items():
            match = pattern.match(key)
            if match:
                found.append((int(match.group(1)), key, value))
            elif key == prefix:
                found.append((-1, key, value))
        found.sort()
        return [(key, value) for _, key, value in found]

    def records(self, prefix: str) -> list[tuple[str, dict[str, str]]]:
        """The list-of-objects parameter ``prefix.N.Field`` as ``(prefix.N, {Field: value})``."""
        pattern = re.compile(re.escape(prefix) + r"\.(\d+)\.([^.]+)$")
        grouped: dict[int, dict[str, str]] = {}
        for key, value in self.fields.items():
            match = pattern.match(key)
            if match:
                grouped.setdefault(int(match.group(1)), {})[match.group(2)] = value
        return [(f"{prefix}.{index}", grouped[index]) for index in sorted(grouped)]


def parse_id(name: str, value: Any) -> int:
    """An id by the API's one rule (:func:`fields.to_id`); a bad one is the API's RetCode 230
    naming the parameter."""
    try:
        return fields.to_id(value)
    except ValueError as exc:
        raise invalid(name, str(exc)) from None


def parse_fen(name: str, value: Any) -> int:
    """An amount of money by the API's one rule (:func:`fields.to_fen`); a bad one is the API's
    RetCode 230 naming the parameter."""
    try:
        return fields.to_fen(value)
    except ValueError as exc:
        raise invalid(name, str(exc)) from None
