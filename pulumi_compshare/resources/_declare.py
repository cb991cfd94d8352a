"""The program side of a resource: the class a Pulumi program instantiates.

A resource's properties are declared once, in its provider's typed state class (``_values``: in
the spirit of pulumi-go-provider's ``infer``, a resource is typed args and state, plus the
provider's methods)::

    class TeamArgs(Args):
        name: str = prop("The team's name.", text(64), required=True)

    class TeamState(TeamArgs, State):
        team_id: int = output("The team id.", from_id=-1)

    class Team(CompShareResource, module="compshare", name="Team", provider=TeamProvider):
        name: pulumi.Output[str]
        team_id: pulumi.Output[int]

        def __init__(self, resource_name, name, opts=None):
            self._register(resource_name, opts, locals())

The resource class annotates each public property for type checkers (checked against the
declarations when the class is made) and gets: the provider's ``kind`` and input ``props``, the
props dict Pulumi registers (every declared key, outputs as ``None``, internal inputs derived),
the output attributes with their docs in ``help()``, the ``:param`` docs of ``__init__`` and
``get``, and the id-derived outputs.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pulumi
import pulumi.dynamic

from ._fields import Prop
from ._provider import CompShareProvider

__all__ = ["CompShareResource", "id_output"]

_R = TypeVar("_R", bound="CompShareResource")

_COMMON_PARAMS = {
    "resource_name": "the Pulumi resource name.",
    "id": "the id of the existing object.",
    "opts": "Pulumi resource options.",
}


class CompShareResource(pulumi.dynamic.Resource):
    """Base of the resources: registers the declared properties with the declared provider.

    The properties are declared once, in the provider's typed state class
    (``provider.state_type``); the resource class annotates each non-internal one as a
    ``pulumi.Output`` for type checkers, and gets it as an attribute with its documentation."""

    _provider_class: ClassVar[type[CompShareProvider[Any, Any]]]
    _declared: ClassVar[tuple[Prop, ...]] = ()

    def __init_subclass__(
        cls, provider: type[CompShareProvider[Any, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if provider is None:
            return
        declared = provider.state_type.props
        cls._declared = declared
        cls._provider_class = provider
        provider.kind = kwargs.get("name") or cls.__name__
        provider.props = tuple(p for p in declared if p.is_input)
        shown = [p for p in declared if not p.internal]
        annotated = set(vars(cls).get("__annotations__", {}))
        if annotated != {p.name for p in shown}:
            raise TypeError(
                f"{cls.__name__} must annotate exactly the properties of "
                f"{provider.state_type.__name__}: missing "
                f"{sorted({p.name for p in shown} - annotated)}, extra "
                f"{sorted(annotated - {p.name for p in shown})}"
            )
        for declared_prop in shown:  # the output attribute, with its doc in help()
            setattr(cls, declared_prop.name, declared_prop)
        docs = {p.name: p.doc for p in declared if p.is_input}
        for method in (cls.__init__, vars(cls).get("get")):  # an inherited get() keeps its doc
            function = getattr(method, "__func__", method)
            if function is not None and ":param" not in (function.__doc__ or ""):
                head = inspect.cleandoc(function.__doc__ or "")
                function.__doc__ = "\n\n".join(filter(None, (head, _param_docs(function, docs))))

    def _register(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None,
        inputs: Mapping[str, Any],
    ) -> None:
        """Register with the declared inputs, taken by name from ``inputs`` (the arguments of
        ``__init__``: ``locals()``); every other declared key is an output. An internal input
        is computed by its declaration (``Prop.derive``) from the resource name and options."""
        props: dict[str, Any] = {}
        for declared in self._declared:
            if not declared.is_input:
                if not declared.internal:
                    props[declared.key] = None
            elif declared.derive is not None:
                props[declared.key] = declared.derive(resource_name, opts)
            else:
                props[declared.key] = inputs.get(declared.name)
        pulumi.dynamic.Resource.__init__(self, self._provider_class(), resource_name, props, opts)
        for declared in self._declared:
            if declared.from_id is not None:
                self.__dict__[declared.name] = id_output(self.id, declared.from_id)

    @classmethod
    def get(
        cls: type[_R],
        resource_name: str,
        id: pulumi.Input[str],
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> _R:
        """Reference an existing object read-only by its Pulumi id (the class docstring says
        its form), read with ``profile``'s credentials; fails if it does not exist."""
        return cls._lookup(resource_name, id, opts, profile=profile)

    @classmethod
    def _lookup(
        cls: type[_R],
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None,
        **inputs: Any,
    ) -> _R:
        """An existing object, read by id (``ResourceOptions(id=...)``); read-only."""
        resource = cls.__new__(cls)
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        resource._register(resource_name, merged, inputs)
        return resource


def _param_docs(function: Any, docs: dict[str, str]) -> str:
    lines = []
    for name in inspect.signature(function).parameters:
        doc = docs.get(name) or _COMMON_PARAMS.get(name)
        if doc:
            lines.append(f":param {name}: {doc}")
    return "\n".join(lines)


def id_output(resource_id: pulumi.Output[str], part: int = -1) -> pulumi.Output[int]:
    """An identity output derived from the resource id (``part``: the index in a
    ``"<a>:<b>"`` id; ``-1``: the whole id).

    In a preview of an update the engine answers with the new inputs as the outputs (the dynamic
    provider server does not support preview), so an output-only id would be unknown and every
    dependent that takes it as an identity input would preview a replace. The resource id is
    kept in that preview, so a value derived from it stays known."""

    def parse(value: str) -> int | None:
        parts = str(value).split(":")
        text = parts[part] if part >= 0 and len(parts) == 2 else str(value)
        return int(text) if text.isascii() and text.isdigit() else None

    return resource_id.apply(parse)  # type: ignore[arg-type]
