"""Property maps between the engine's ``google.protobuf.Struct`` and the resource core's dicts.

What the engine sends (``MarshalProperties`` in ``sdk/go/common/resource/plugin/rpc.go``): a
secret, when the provider accepts secrets, is the object ``{SIG: SECRET_SIG, "value": v}``; a
value not known yet (preview) is the string :data:`UNKNOWN`; every number is a double. The core
reads unknowns as that string (``_fields.is_unknown``) and whole floats as ints, so only secrets
need unwrapping here: :func:`unwrap` returns the plain values and the top-level keys that held a
secret, :func:`to_struct` wraps those keys again on the way out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2

__all__ = ["SECRET_SIG", "SIG", "UNKNOWN", "from_struct", "to_struct", "unwrap"]

SIG = "4dabf18193072939515e22adb298388d"
"""The key of a special value's signature (``sdk/go/common/resource/sig/sig.go``)."""
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""``UnknownStringValue`` (``sdk/go/common/resource/plugin/rpc.go``): a value not known yet."""


def from_struct(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """A Struct as a dict (``None`` or empty: ``{}``)."""
    if struct is None:
        return {}
    values = json_format.MessageToDict(struct)
    return values if isinstance(values, dict) else {}


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG) == SECRET_SIG


def _plain(value: Any) -> tuple[Any, bool]:
    if _is_secret(value):
        return _plain(value.get("value"))[0], True
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    if isinstance(value, dict):
        entries = {k: _plain(v) for k, v in value.items()}
        return {k: v for k, (v, _) in entries.items()}, any(s for _, s in entries.values())
    return value, False


def unwrap(values: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Plain values, and the keys whose value was (or held) a secret."""
    plain: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in values.items():
        plain[key], was_secret = _plain(value)
        if was_secret:
            secret.add(key)
    return plain, secret


def _jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def to_struct(values: Mapping[str, Any], secret: Iterable[str] = ()) -> struct_pb2.Struct:
    """A dict as a Struct, the ``secret`` keys wrapped as secrets (ints become doubles)."""
    hidden = set(secret)
    struct = struct_pb2.Struct()
    struct.update(
        {
            key: {SIG: SECRET_SIG, "value": _jsonable(value)} if key in hidden else _jsonable(value)
            for key, value in values.items()
        }
    )
    return struct
