"""What every class of :mod:`pulumi_compshare.native` shares: the plugin's type tokens, property
names on the wire (camelCase, as a Pulumi schema names them) and the package version the engine
picks the plugin by.

The generated classes (``_generated.py``) hold no logic but their signatures: each registers its
type token with its declared inputs and ``None`` for its outputs, as a Pulumi-generated SDK does.
The generated lookups (``get_teams``...) invoke the plugin's functions
(``compshare:index:getTeams``: the engine sends the invoke to the package's default provider, or
to ``opts.provider``) and give the same result classes as :mod:`pulumi_compshare.lookups`
(:func:`from_result`).
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pulumi

from .._version import __version__

__all__ = [
    "PACKAGE",
    "NativeResource",
    "from_result",
    "invoke",
    "invoke_output",
    "resource_options",
    "wire_name",
]

PACKAGE = "compshare"
"""The plugin's package name: types ``compshare:index:<Name>``, provider type
``pulumi:providers:compshare``, binary ``pulumi-resource-compshare``."""

_R = TypeVar("_R", bound="NativeResource")


def wire_name(python_name: str) -> str:
    """A property's name on the wire and in the schema: camelCase (``team_id`` -> ``teamId``)."""
    head, *rest = python_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def python_name(wire: str) -> str:
    """The inverse of :func:`wire_name` (``teamId`` -> ``team_id``)."""
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), wire)


def resource_options(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` with the package version, as a generated SDK sets it
    (``_utilities.get_resource_opts_defaults``): the engine's default provider for the package is
    then ``default_<major>_<minor>_<patch>`` and runs the plugin of that version."""
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError("Expected resource options to be a ResourceOptions instance")
    defaults = pulumi.ResourceOptions(version=__version__)
    return pulumi.ResourceOptions.merge(defaults, opts)


class NativeResource(pulumi.CustomResource):
    """A resource served by the ``compshare`` plugin: the engine calls the plugin's Check, Diff,
    Create, Read, Update and Delete for it (no pickled provider in the state)."""

    _token: ClassVar[str] = ""
    """The type token, ``compshare:index:<Name>``."""
    _inputs: ClassVar[tuple[str, ...]] = ()
    """The input properties (Python names), in declaration order."""
    _outputs: ClassVar[tuple[str, ...]] = ()
    """The output-only properties (Python names)."""

    def _register(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None,
        inputs: Mapping[str, Any],
    ) -> None:
        """Register with every declared input taken by name from ``inputs`` (``locals()`` of
        ``__init__``) and every output as ``None`` (so that the SDK makes it an attribute)."""
        props: dict[str, Any] = {name: inputs.get(name) for name in self._inputs}
        props.update(dict.fromkeys(self._outputs))
        super().__init__(self._token, resource_name, props, resource_options(opts))

    @classmethod
    def _get(
        cls: type[_R],
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None,
        inputs: Mapping[str, Any],
    ) -> _R:
        """An existing object, read by id (``ResourceOptions(id=...)``): the engine's Read with
        ``inputs`` (the rest ``None``); read-only."""
        resource = cls.__new__(cls)
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        resource._register(resource_name, merged, inputs)
        return resource

    def translate_input_property(self, prop: str) -> str:
        return wire_name(prop)

    def translate_output_property(self, prop: str) -> str:
        return python_name(prop)


# ------------------------------------------------------------------------------ lookups


def _result_type(lookup: str) -> Any:
    """The result class of ``pulumi_compshare.lookups.<lookup>`` (imported when first used:
    the lookups module is not needed to declare resources)."""
    module = importlib.import_module("pulumi_compshare.lookups")
    return typing.get_type_hints(getattr(module, lookup))["return"]


def _wire_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """A lookup's arguments as the invoke sends them: camelCase, unset ones left out."""
    return {wire_name(k): v for k, v in args.items() if k != "opts" and v is not None}


def from_result(type_: Any, value: Any) -> Any:
    """An invoke's answer (the schema's object: camelCase, numbers as floats) as ``type_`` (a
    result dataclass of :mod:`pulumi_compshare.lookups`, its lists and mappings; a mapping's keys
    are data and stay as they are)."""
    if value is None:
        return None
    if dataclasses.is_dataclass(type_) and isinstance(type_, type):
        hints = typing.get_type_hints(type_)
        return type_(
            **{
                f.name: from_result(hints[f.name], value.get(wire_name(f.name)))
                for f in dataclasses.fields(type_)
            }
        )
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is typing.Union or origin is types.UnionType:
        (inner,) = [a for a in args if a is not type(None)]
        return from_result(inner, value)
    if origin in (list, tuple) or (origin is not None and origin.__name__ == "Sequence"):
        return [from_result(args[0] if args else Any, v) for v in value]
    if origin in (dict, Mapping) or (origin is not None and origin.__name__ == "Mapping"):
        return {k: from_result(args[1] if args else Any, v) for k, v in value.items()}
    if type_ is int and isinstance(value, float):
        return int(value)
    return value


def invoke(
    token: str, lookup: str, args: Mapping[str, Any], opts: pulumi.InvokeOptions | None
) -> Any:
    """Invoke the plugin's function ``token`` with ``args`` (the generated function's
    ``locals()``) as the package version's default provider serves it; the answer as the
    result class of :mod:`pulumi_compshare.lookups`' ``lookup``."""
    options = pulumi.InvokeOptions.merge(pulumi.InvokeOptions(version=__version__), opts)
    answer = pulumi.runtime.invoke(token, _wire_args(args), options)
    return from_result(_result_type(lookup), answer.value)


def invoke_output(
    token: str,
    lookup: str,
    args: Mapping[str, Any],
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None,
) -> pulumi.Output[Any]:
    """:func:`invoke` taking Inputs; the result is an Output."""
    options = pulumi.InvokeOutputOptions.merge(
        pulumi.InvokeOutputOptions(version=__version__), opts
    )
    answer = pulumi.runtime.invoke_output(token, _wire_args(args), options)
    result = _result_type(lookup)
    return answer.apply(lambda value: from_result(result, value))
