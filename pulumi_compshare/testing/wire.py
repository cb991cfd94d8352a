"""Wire marshalling: properties to and from the protobuf ``Struct`` the engine and a provider
exchange, with the engine's treatment of unknowns, secrets and numbers.

- Every number crosses as a float (``google.protobuf.Value`` has only ``number_value``).
- Unknowns are the engine's sentinel string :data:`UNKNOWN` (``plugin.UnknownStringValue``); the
  Python dynamic server turns it into ``pulumi.output.Unknown``.
- The dynamic server answers Configure with ``acceptSecrets=False``, so the engine strips secrets
  before each call (``provider_plugin.go: MarshalProperties(KeepSecrets: protocol.acceptSecrets)``)
  and re-marks outputs whose key matches a secret input (``provider_plugin.go: annotateSecrets``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import pickle
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, TypeVar

import pulumi
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic import dynamic as _dynamic
from pulumi.output import Unknown
from pulumi.runtime import rpc

__all__ = [
    "PROVIDER_KEY",
    "UNKNOWN",
    "Props",
    "config_strings",
    "diff_keys",
    "from_struct",
    "holds_secret",
    "is_internal_key",
    "make_urn",
    "mark_secret",
    "name_of",
    "one_program_process",
    "resource_type",
    "run_coro",
    "secret_keys",
    "serialize_provider",
    "to_struct",
    "to_wire_value",
    "type_of",
]

UNKNOWN: Final[str] = rpc.UNKNOWN
"""The engine's "unknown value" sentinel (a preview value not known until ``up``).

Pass it anywhere in ``news`` to send an unknown; unknowns in responses come back as this string."""

PROVIDER_KEY: Final[str] = "__provider"
"""The property that carries the pickled provider in every dynamic resource's inputs and outputs."""

Props = dict[str, Any]
_T = TypeVar("_T")


def make_urn(type_token: str, name: str, stack: str = "dev", project: str = "test") -> str:
    """The URN the engine gives a top-level resource ``name`` of type ``type_token``."""
    return f"urn:pulumi:{stack}::{project}::{type_token}::{name}"


def resource_type(resource_class: type[pulumi.dynamic.Resource]) -> str:
    """The type token of a dynamic resource class, e.g. ``pulumi-python:dynamic/compshare:Team``."""
    return f"pulumi-python:{resource_class._resource_type_name}"


@contextlib.contextmanager
def one_program_process() -> Iterator[None]:
    """Undo, on leaving, what the SDK's ``serialize_provider`` leaves on the ``pickle`` module.

    Each call wraps ``pickle._Pickler._batch_setitems`` once more and never unwraps it (pulumi
    3.272, ``pulumi/dynamic/dynamic.py``), so a process that serializes ~1000 providers with
    attributes hits ``RecursionError``. Under the CLI every command runs the program in a
    language host process of its own, so this never outlives a program run (a preview and its
    update are two); the player runs programs in the test process, one after another, and
    restores the module after each, as a fresh process would start."""
    pickler = pickle._Pickler
    saved = {name: pickler.__dict__[name] for name in ("_batch_setitems", "save_dict")}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(pickler, name, value)


def serialize_provider(provider: ResourceProvider) -> str:
    """The ``__provider`` value ``pulumi.dynamic.Resource`` stores: base64 of a dill pickle
    (without leaving the SDK's wrapper on the ``pickle`` module: :func:`one_program_process`)."""
    with one_program_process():
        value: str = _dynamic.serialize_provider(provider)
    return value


def name_of(urn: str) -> str:
    """The resource name: the last part of a URN."""
    return urn.rsplit("::", 1)[-1]


def type_of(urn: str) -> str:
    """The type token of a URN (the last type of a parent chain)."""
    if urn.count("::") < 3:
        return ""
    return urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1]


def run_coro(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to completion from synchronous code, on any thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(coro)
        finally:
            loop.close()
    with ThreadPoolExecutor(1) as pool:  # a loop is running here: use a thread of our own
        return pool.submit(lambda: run_coro(coro)).result()


def to_wire_value(value: Any) -> Any:
    """Plain values as the engine sends them: secrets unwrapped, unknowns as the sentinel."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if rpc.is_rpc_secret(value):
        return to_wire_value(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {str(k): to_wire_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire_value(v) for v in value]
    return value


def _without_loop(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run the coroutine ``make()`` returns; one that finishes without waiting (the SDK's
    serializer on plain values) needs no event loop, which saves making one per call. One that
    waits, or needs a running loop, runs afresh on a loop (:func:`run_coro`)."""
    coro = make()
    try:
        coro.send(None)
    except StopIteration as finished:
        result: _T = finished.value
        return result
    except RuntimeError:  # it asked for the running loop
        pass
    coro.close()
    return run_coro(make())


def to_struct(props: Mapping[str, Any], *, strip_secrets: bool = True) -> struct_pb2.Struct:
    """Serialize plain properties with the SDK serializer, exactly as they cross the wire."""
    values = to_wire_value(props) if strip_secrets else dict(props)
    return _without_loop(lambda: rpc.serialize_properties(values, {}))


def from_struct(struct: struct_pb2.Struct) -> Props:
    """Deserialize a response with the SDK deserializer; unknowns become :data:`UNKNOWN`."""
    value = to_wire_value(rpc.deserialize_properties(struct, keep_unknowns=True))
    return value if isinstance(value, dict) else {}


def secret_keys(props: Mapping[str, Any]) -> set[str]:
    """Top-level keys whose value is a secret."""
    return {k for k, v in props.items() if rpc.is_rpc_secret(v)}


def holds_secret(value: Any) -> bool:
    """Whether ``value`` is a secret or holds one at any depth (never to be printed)."""
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(holds_secret(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(holds_secret(v) for v in value)
    return False


def mark_secret(props: Mapping[str, Any], keys: Iterable[str]) -> Props:
    """Re-mark the values of ``keys`` secret (``provider_plugin.go: annotateSecrets``)."""
    wanted = set(keys)
    return {k: rpc.wrap_rpc_secret(v) if k in wanted else v for k, v in props.items()}


def is_internal_key(key: str) -> bool:
    """``resource.IsInternalPropertyKey``: a key starting with ``__`` (``__provider``, a
    provider's own bookkeeping), which the CLI never displays."""
    return key.startswith("__")


def diff_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """``+key`` / ``-key`` / ``~key`` for the properties that differ, for display: internal keys
    (:func:`is_internal_key`) left out."""
    out: list[str] = []
    for key in sorted(set(olds) | set(news)):
        if is_internal_key(key):
            continue
        if key not in olds:
            out.append(f"+{key}")
        elif key not in news:
            out.append(f"-{key}")
        elif olds[key] != news[key]:
            out.append(f"~{key}")
    return out


def config_strings(config: Mapping[str, Any]) -> dict[str, str]:
    """Stack config as the engine sends it to Configure: values as strings, objects as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
