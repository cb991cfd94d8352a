"""What every class of :mod:`pulumi_compshare.native` shares: the plugin's type tokens, property
names on the wire (camelCase, as a Pulumi schema names them) and the package version the engine
picks the plugin by.

The generated classes (``_generated.py``) hold no logic but their signatures: each registers its
type token with its declared inputs and ``None`` for its outputs, as a Pulumi-generated SDK does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pulumi

from .._version import __version__

__all__ = ["PACKAGE", "NativeResource", "resource_options", "wire_name"]

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
