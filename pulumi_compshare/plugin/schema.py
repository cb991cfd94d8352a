"""The ``compshare`` package schema, generated from the declarations: what the plugin answers to
GetSchema, and what SDK generators and Registry-style docs read.

Every registered resource (``resources/_registry.RESOURCES``) becomes ``compshare:index:<Name>``:
its description is the class docstring, each declared property (``cls._declared``) a property
typed from the state class's annotation and documented by its declaration, ``replaceOnChanges``
where a change replaces the resource (``replaces=True``: a membership's ``teamId``), defaults
where declared. Every input is also an output of the same name. Internal properties (keys
``__...``) are the plugin's business and never appear. Property names are camelCase
(:func:`wire_name`), as the Pulumi schema and the SDKs generated from it name them.

Each lookup of :mod:`pulumi_compshare.lookups` becomes the function ``compshare:index:getX``
(its arguments from the signature, its result from the result dataclass). The provider's
configuration is :data:`pulumi_compshare.config.CONFIG_KEYS`, documented by
:data:`~pulumi_compshare.config.CONFIG_DOCS`; ``privateKey`` and ``profiles`` are secrets.

:func:`schema` returns the schema as a dict, :func:`schema_json` as the text GetSchema sends.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._version import __version__
from ..config import CONFIG_DOCS, CONFIG_KEYS
from ..resources._declare import CompShareResource
from ..resources._fields import Prop
from ..resources._registry import resource_classes

__all__ = [
    "PACKAGE",
    "PLUGIN_DOWNLOAD_URL",
    "function_token",
    "lookup_functions",
    "python_name",
    "resource_token",
    "schema",
    "schema_json",
    "wire_name",
]

PACKAGE = "compshare"
"""The package name: resource types ``compshare:index:<Name>``, the provider type
``pulumi:providers:compshare``, the plugin binary ``pulumi-resource-compshare``."""

PLUGIN_DOWNLOAD_URL = "github://api.github.com/pulumi-compshare"
"""Where ``pulumi plugin install`` fetches release builds of the plugin (the schema's
``pluginDownloadURL`` and ``pulumi-plugin.json``'s ``server``)."""

SECRET_CONFIG = frozenset({"compshare:privateKey", "compshare:profiles"})
"""Config keys that hold credentials: secret in the schema."""

_CONFIG_TYPES = {"compshare:maxRetries": "integer", "compshare:timeoutSeconds": "number"}


def wire_name(name: str) -> str:
    """A property's name on the wire and in the schema: camelCase (``team_id`` -> ``teamId``);
    an internal key (``__holder``) is kept as it is."""
    if name.startswith("__"):
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def python_name(wire: str) -> str:
    """The inverse of :func:`wire_name` (``teamId`` -> ``team_id``)."""
    if wire.startswith("__"):
        return wire
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), wire)


def resource_token(cls: type[CompShareResource]) -> str:
    """``compshare:index:<ClassName>``."""
    return f"{PACKAGE}:index:{cls.__name__}"


def function_token(function: Callable[..., Any]) -> str:
    """``get_teams`` -> ``compshare:index:getTeams``."""
    return f"{PACKAGE}:index:{wire_name(function.__name__)}"


def lookup_functions() -> tuple[Callable[..., Any], ...]:
    """The lookups served as invokes: every ``get_*`` of :mod:`pulumi_compshare.lookups` but the
    ``_output`` forms (the engine's invokes take plain values)."""
    from .. import lookups

    return tuple(
        getattr(lookups, name)
        for name in lookups.__all__
        if name.startswith("get_") and not name.endswith("_output")
    )


def schema() -> dict[str, Any]:
    """The package schema (a dict of the Pulumi schema's shape), generated from the
    declarations each time it is called."""
    object_types: dict[str, Any] = {}
    resources = {resource_token(cls): _resource(cls) for cls in resource_classes()}
    functions = {function_token(f): _function(f, object_types) for f in lookup_functions()}
    config = {_config_name(key): _config_property(key) for key in CONFIG_KEYS}
    return {
        "name": PACKAGE,
        "displayName": "CompShare",
        "version": __version__,
        "description": "Manage CompShare (UCloud GPU cloud) teams, memberships and image sharing.",
        "keywords": ["pulumi", "compshare", "ucloud", "category/cloud", "kind/native"],
        "homepage": "https://github.com/pulumi-compshare/pulumi-compshare",
        "repository": "https://github.com/pulumi-compshare/pulumi-compshare",
        "license": "Apache-2.0",
        "publisher": "pulumi-compshare developers",
        "pluginDownloadURL": PLUGIN_DOWNLOAD_URL,
        "meta": {"moduleFormat": "(.*)"},
        "config": {"variables": config},
        "provider": {
            "description": "The CompShare provider: an explicit instance has its own "
            "configuration (keys as the stack config's compshare:* keys).",
            "inputProperties": config,
            "properties": config,
        },
        "resources": resources,
        "functions": functions,
        "types": object_types,
        "language": {"python": {"packageName": "pulumi_compshare"}},
    }


def schema_json() -> str:
    """The schema as GetSchema sends it (JSON text, keys in declaration order)."""
    return json.dumps(schema(), indent=2, ensure_ascii=False)


# ------------------------------------------------------------------------------ resources


def _resource(cls: type[CompShareResource]) -> dict[str, Any]:
    state_type = cls._provider_class.state_type
    hints = typing.get_type_hints(state_type)
    shown = [p for p in cls._declared if not p.internal]
    inputs = [p for p in shown if p.is_input]
    properties = {wire_name(p.key): _property(p, hints[p.name], cls) for p in shown}
    input_properties = {wire_name(p.key): _property(p, hints[p.name], cls) for p in inputs}
    always = [
        wire_name(p.key)
        for p in shown
        if p.required or p.from_id is not None or (p.is_input and p.default is not None)
    ]
    return {
        "description": inspect.cleandoc(cls.__doc__ or cls.__name__),
        "properties": properties,
        "required": always,
        "inputProperties": input_properties,
        "requiredInputs": [wire_name(p.key) for p in inputs if p.required],
    }


def _property(prop: Prop, hint: Any, cls: type[CompShareResource]) -> dict[str, Any]:
    spec, _optional = _type(hint, {})
    spec = dict(spec)
    spec["description"] = prop.doc or f"The {prop.name} of the {cls.__name__}."
    if prop.is_input and prop.default is not None and isinstance(prop.default, (bool, int, str)):
        spec["default"] = prop.default
    if prop.replaces:
        spec["replaceOnChanges"] = True
    return spec


# ------------------------------------------------------------------------------ functions

_ARG_DOCS = {
    "profile": "A named credential set from compshare:profiles; unset: the default one.",
    "team_id": "The team id.",
    "virtual_company_id": "A member's virtual company id in the team.",
    "status": "Only relations with this status (Pending, Joined, Rejected or Canceled).",
    "search": "A case-insensitive match on the remark name or the account id.",
    "order_by": "The field to order by (create_time).",
    "descending": "Newest first (default true).",
    "offset": "The page: for get_team_invites the page number from 1, otherwise the number of "
    "rows to skip.",
    "limit": "The page size.",
    "image_id": 'The custom image, e.g. "compshareImage-abc".',
    "begin_time": "The start of the time window (unix seconds).",
    "end_time": "The end of the time window (unix seconds).",
    "operate_types": "Only these operation types.",
    "statuses": "Only these statuses.",
    "ascending": "Oldest first.",
}


def _function(function: Callable[..., Any], object_types: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(function)
    signature = inspect.signature(function)
    inputs: dict[str, Any] = {}
    required: list[str] = []
    for name, parameter in signature.parameters.items():
        spec, optional = _type(hints[name], object_types)
        spec = dict(spec)
        spec["description"] = _ARG_DOCS.get(name, f"The {name.replace('_', ' ')}.")
        if parameter.default is inspect.Parameter.empty and not optional:
            required.append(wire_name(name))
        elif isinstance(parameter.default, (bool, int, str)):
            spec["default"] = parameter.default
        inputs[wire_name(name)] = spec
    result = hints["return"]
    outputs, output_required = _object(result, object_types)
    return {
        "description": inspect.cleandoc(function.__doc__ or function.__name__),
        "inputs": {"properties": inputs, "required": required},
        "outputs": {
            "description": inspect.cleandoc(result.__doc__ or result.__name__),
            "properties": outputs,
            "required": output_required,
        },
    }


def _object(cls: type, object_types: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The properties of a result dataclass and those always present."""
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in dataclasses.fields(cls):
        spec, optional = _type(hints[field.name], object_types)
        spec = dict(spec)
        spec["description"] = f"The {field.name.replace('_', ' ')}."
        properties[wire_name(field.name)] = spec
        if not optional:
            required.append(wire_name(field.name))
    return properties, required


# ------------------------------------------------------------------------------ types


def _type(hint: Any, object_types: dict[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """A Python annotation as a schema type spec, and whether it admits ``None``."""
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        spec, _ = _type(kept[0], object_types) if len(kept) == 1 else ({"$ref": _ANY}, True)
        return spec, len(kept) < len(args)
    if hint is Any:
        return {"$ref": _ANY}, True
    if hint in _PRIMITIVES:
        return {"type": _PRIMITIVES[hint]}, False
    if origin in (list, tuple, Sequence) or hint in (list, tuple):
        item = args[0] if args else Any
        return {"type": "array", "items": dict(_type(item, object_types)[0])}, False
    if origin in (dict, Mapping) or hint is dict:
        value = args[1] if len(args) == 2 else Any
        return {
            "type": "object",
            "additionalProperties": dict(_type(value, object_types)[0]),
        }, False
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        token = f"{PACKAGE}:index:{hint.__name__}"
        if token not in object_types:
            object_types[token] = {}  # a placeholder while its own fields are typed
            properties, required = _object(hint, object_types)
            object_types[token] = {
                "type": "object",
                "description": inspect.cleandoc(hint.__doc__ or hint.__name__),
                "properties": properties,
                "required": required,
            }
        return {"$ref": f"#/types/{token}"}, False
    raise TypeError(f"no schema type for the annotation {hint!r}")


_ANY = "pulumi.json#/Any"
_PRIMITIVES: dict[Any, str] = {str: "string", int: "integer", bool: "boolean", float: "number"}


# ------------------------------------------------------------------------------ config


def _config_name(key: str) -> str:
    return key.split(":", 1)[1]


def _config_property(key: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "type": _CONFIG_TYPES.get(key, "string"),
        "description": CONFIG_DOCS[key],
    }
    if key in SECRET_CONFIG:
        spec["secret"] = True
    return spec
