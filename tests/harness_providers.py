"""A tiny dynamic provider used only to test the engine-protocol harness.

``Echo`` objects live in a JSON file, ``$HARNESS_STORE/store.json``, so the provider server process
and the test process both see them (the test edits it to make out-of-band changes or to inject
failures). The module must be importable by the server process: run it in the repository root
(``tests.harness_providers``).

Store layout::

    {"next": 1, "objects": {id: {...}}, "config": {...}, "fail": {"create": ["boom"]},
     "unknowns": [...], "checks": [[name, has olds], ...], "reads": [[id, sorted prop keys], ...],
     "deleted": [id, ...]}

``fail`` injects failures per action (``diff``, ``create``, ``read``, ``update``,
``delete``) and resource ``name`` (``*`` for every one).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

_LOCK = threading.Lock()
_FIELDS = ("name", "size", "label", "ref")


def _store_path() -> Path:
    return Path(os.environ["HARNESS_STORE"]) / "store.json"


@contextlib.contextmanager
def store() -> Iterator[dict[str, Any]]:
    """Lock the store file (across threads and processes) and yield it; written back on exit."""
    path = _store_path()
    with _LOCK, open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(path.read_text()) if path.exists() else {}
            data.setdefault("next", 1)
            data.setdefault("objects", {})
            yield data
            path.write_text(json.dumps(data, indent=1, sort_keys=True))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _maybe_fail(action: str, name: str) -> None:
    with store() as data:
        failing = data.get("fail", {}).get(action, [])
        if name in failing or "*" in failing:
            raise RuntimeError(f"{action} echo '{name}': the backend refused (injected)")


def _outs(id_: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: obj[k] for k in _FIELDS if k in obj},
        "echo_id": id_,
        "size_type": type(obj.get("size")).__name__,
    }


class EchoProvider(ResourceProvider):
    """An object with an identity (``name``: replace), mutable ``size``/``label``/``ref``."""

    def configure(self, req: ConfigureRequest) -> None:
        with store() as data:
            data["config"] = {
                "harness:token": req.config.get("harness:token"),
                "plain": req.config.get("plain"),
            }

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        unknown = sorted(k for k, v in news.items() if isinstance(v, Unknown))
        with store() as data:
            if unknown:
                data.setdefault("unknowns", []).append(unknown)
            data.setdefault("checks", []).append([str(news.get("name")), bool(olds)])
        name = news.get("name")
        if not isinstance(name, Unknown) and (not isinstance(name, str) or not name):
            failures.append(CheckFailure("name", "name must be a non-empty string"))
        size = news.get("size")
        if size is not None and not isinstance(size, (Unknown, int, float)):
            failures.append(CheckFailure("size", "size must be a number"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        _maybe_fail("diff", str(olds.get("name")))
        changed = [k for k in _FIELDS if olds.get(k) != news.get(k)]
        replaces = ["name"] if "name" in changed else []
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(news.get("dbr")),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        _maybe_fail("create", props["name"])
        with store() as data:
            id_ = f"e-{data['next']}"
            data["next"] += 1
            obj = {k: props[k] for k in _FIELDS if k in props}
            obj["size_type"] = type(props.get("size")).__name__
            data["objects"][id_] = obj
        return CreateResult(id_, _outs(id_, obj))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        _maybe_fail("read", str(props.get("name")))
        with store() as data:
            data.setdefault("reads", []).append([id_, sorted(props)])
            obj = data["objects"].get(id_)
        if obj is None:
            return ReadResult(None, {})
        return ReadResult(id_, _outs(id_, obj))

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _maybe_fail("update", news["name"])
        with store() as data:
            obj = data["objects"][id_]
            for key in _FIELDS:
                if key in news:
                    obj[key] = news[key]
                else:
                    obj.pop(key, None)
        return UpdateResult(_outs(id_, obj))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        _maybe_fail("delete", props.get("name", ""))
        with store() as data:
            data["objects"].pop(id_, None)
            data.setdefault("deleted", []).append(id_)


class AdoptingEchoProvider(EchoProvider):
    """Like :class:`EchoProvider`, but Read also returns inputs (refresh adopts drift)."""

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        result = super().read(id_, props)
        if result.id is None or result.outs is None:
            return result
        inputs = {k: result.outs[k] for k in _FIELDS if k in result.outs}
        return ReadResult(result.id, result.outs, inputs)


class UndecidedEchoProvider(EchoProvider):
    """Like :class:`EchoProvider`, but its diff answers "unknown" (``DiffResult()``, the
    ``ResourceProvider`` default): the engine then compares old and new inputs itself."""

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult()


class Echo(Resource, module="harness", name="Echo"):
    """The dynamic resource for :class:`EchoProvider`."""

    name: pulumi.Output[str]
    size: pulumi.Output[float]
    label: pulumi.Output[str]
    ref: pulumi.Output[str]
    echo_id: pulumi.Output[str]
    size_type: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
        provider: ResourceProvider | None = None,
    ) -> None:
        full = {"label": None, "ref": None, "size": None, **props}
        full.update({"echo_id": None, "size_type": None})
        super().__init__(provider or EchoProvider(), resource_name, full, opts)
