"""Typed values of a resource: its inputs (:class:`Args`) and its state (:class:`State`), each
a class whose annotated attributes are the resource's property declarations.

A resource module declares each property once, with its Python type::

    class TeamArgs(Args):
        name: str = prop("The team's name.", text(64), required=True)

    class TeamState(TeamArgs):
        team_id: int = output("The team id.", from_id=-1)

From these come the provider's check, diff and parsing (``_fields``), the resource class's output
attributes and their docs (``_declare``), the reference docs, and the typed values the provider
operations work on (``args.name`` is a ``str``): the base provider turns the engine's property
maps into these (engine floats become ints, stored state is read leniently) and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from ._fields import Prop, parse_props, stored

__all__ = ["Args", "State", "Values"]

_V = TypeVar("_V", bound="Values")


class Values:
    """Values of declared properties, one attribute each (a :class:`Prop` reads it from the
    instance). Every declared property has a value; an absent one is its default."""

    props: ClassVar[tuple[Prop, ...]] = ()
    """The declared properties of this class and its bases, in declaration order."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Prop] = {}
        for klass in reversed(cls.__mro__):  # a base's declarations first; a subclass overrides
            declared.update((v.name, v) for v in vars(klass).values() if isinstance(v, Prop))
        cls.props = tuple(declared.values())

    def __init__(self, **values: Any) -> None:
        names = {p.name for p in self.props}
        unknown = sorted(set(values) - names)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no properties {unknown}")
        for prop in self.props:
            self.__dict__[prop.name] = values.get(prop.name, prop.default)

    @classmethod
    def parse(cls: type[_V], kind: str, values: Mapping[str, Any]) -> _V:
        """Checked inputs (by key) as typed values; raises ``ValueError`` naming the property
        for anything check would have refused. Outputs are read as :meth:`stored` reads them."""
        inputs = tuple(p for p in cls.props if p.is_input)
        parsed = parse_props(kind, inputs, values)
        outputs = {p.name: _stored(p, values.get(p.key)) for p in cls.props if not p.is_input}
        return cls(**{p.name: parsed[p.key] for p in inputs}, **outputs)

    @classmethod
    def stored(cls: type[_V], values: Mapping[str, Any]) -> _V:
        """Values kept in state (or sent by the engine) read leniently: a value this version
        cannot read (state written by another version) is the property's default."""
        return cls(**{p.name: _stored(p, values.get(p.key)) for p in cls.props})

    def replace(self: _V, **changes: Any) -> _V:
        """A copy with ``changes`` (by attribute name)."""
        values = {p.name: self.__dict__[p.name] for p in self.props}
        values.update(changes)
        return type(self)(**values)

    def to_dict(self) -> dict[str, Any]:
        """Every property by key (``None`` included)."""
        return {p.key: self.__dict__[p.name] for p in self.props}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None  # type: ignore[assignment]  # compared by value, so not hashable

    def __repr__(self) -> str:
        shown = ", ".join(f"{p.name}={self.__dict__[p.name]!r}" for p in self.props)
        return f"{type(self).__name__}({shown})"


class Args(Values):
    """A resource's inputs (``prop()`` declarations), typed."""


class State(Args):
    """A resource's state: its inputs and its outputs (``output()`` declarations), typed.
    :meth:`outputs` is what the provider returns to the engine."""

    def outputs(self) -> dict[str, Any]:
        """The outputs kept in state, by key: every property but the internal inputs; an
        internal output (``__name``) only when set."""
        return {
            p.key: self.__dict__[p.name]
            for p in self.props
            if p.is_output and not (p.internal and self.__dict__[p.name] is None)
        }


def _stored(prop: Prop, value: Any) -> Any:
    """One stored value: an input as its parser reads it, an output with the engine's whole
    floats made ints again (numbers cross the engine as floats)."""
    if value is None:
        return prop.default
    if prop.parse is not None:
        read = stored(prop.parse, value)
        return prop.default if read is None else read
    return _ints(value)


def _ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return value
