"""A stand-in for ``pulumi-resource-compshare`` (tests only): a resource provider plugin serving
``compshare:index:<Name>`` over the dynamic resources' providers, by the provider protocol
(``pulumi.runtime.proto``), so the offline engine's plugin path is tested against a real process
over gRPC before and besides the real plugin. Camel-case keys on the wire; Configure answers
``acceptSecrets`` and ``supportsPreview``; Read by id alone returns inputs (import); Diff honours
``ignoreChanges`` and answers a detailed diff.

Run as the engine runs a plugin folder with ``PulumiPlugin.yaml`` (``python <folder> <engine
address>``): it prints its port on stdout.
"""

from __future__ import annotations

import hashlib
import re
import sys
from concurrent import futures
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.runtime import rpc
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from pulumi_compshare.resources._registry import resource_classes

PACKAGE = "compshare"
CLASSES = {c.__name__: c for c in resource_classes()}


def snake(key: str) -> str:
    if key.startswith("__"):
        return key
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def camel(key: str) -> str:
    if key.startswith("__"):
        return key
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def plain(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def load(struct: struct_pb2.Struct) -> dict[str, Any]:
    values = plain(rpc.deserialize_properties(struct, keep_unknowns=True))
    return {snake(k): v for k, v in values.items()}


def known(value: Any) -> Any:
    if type(value).__name__ == "Unknown":
        return rpc.UNKNOWN
    if isinstance(value, dict):
        return {k: known(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [known(v) for v in value]
    return value


def dump(props: dict[str, Any] | None) -> struct_pb2.Struct:
    wire = {camel(k): known(v) for k, v in (props or {}).items() if v is not None}
    struct = struct_pb2.Struct()
    struct.update(wire)
    return struct


class Stub(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self) -> None:
        self.providers: dict[str, Any] = {}
        self.config = Config({}, PACKAGE)

    def provider(self, urn: str) -> tuple[Any, type]:
        kind = urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1].rsplit(":", 1)[-1]
        cls = CLASSES[kind]
        if kind not in self.providers:
            provider = cls._provider_class()
            provider.configure(ConfigureRequest(self.config))
            self.providers[kind] = provider
        return self.providers[kind], cls

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version="0.1.0")

    def GetSchema(self, request: Any, context: Any) -> Any:
        import json

        resources = {
            f"{PACKAGE}:index:{name}": {
                "inputProperties": {
                    camel(p.name): {"description": p.doc}
                    for p in cls._declared
                    if p.is_input and not p.internal
                },
                "properties": {camel(p.name): {} for p in cls._declared if not p.internal},
            }
            for name, cls in CLASSES.items()
        }
        return provider_pb2.GetSchemaResponse(
            schema=json.dumps({"name": PACKAGE, "resources": resources})
        )

    def CheckConfig(self, request: Any, context: Any) -> Any:
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request: Any, context: Any) -> Any:
        olds = plain(rpc.deserialize_properties(request.olds))
        news = plain(rpc.deserialize_properties(request.news))
        same = {k: v for k, v in olds.items() if k != "version"} == {
            k: v for k, v in news.items() if k != "version"
        }
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_NONE
            if same
            else provider_pb2.DiffResponse.DIFF_SOME
        )

    def Configure(self, request: Any, context: Any) -> Any:
        args = plain(rpc.deserialize_properties(request.args))
        values = {
            f"{PACKAGE}:{k}": v if isinstance(v, str) else __import__("json").dumps(v)
            for k, v in args.items()
            if k != "version" and v is not None
        }
        self.config = Config(values, PACKAGE)
        self.providers = {}
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=True
        )

    def _derived(self, urn: str, cls: type, news: dict[str, Any]) -> None:
        name = urn.rsplit("::", 1)[-1]
        for p in cls._declared:
            if p.is_input and p.derive is not None and p.key not in news:
                if p.key == "__creation_marker":
                    news[p.key] = hashlib.sha256(f"organization\n{urn}".encode()).hexdigest()[:24]
                else:
                    news[p.key] = name

    def Check(self, request: Any, context: Any) -> Any:
        provider, cls = self.provider(request.urn)
        olds, news = load(request.olds), load(request.news)
        self._derived(request.urn, cls, news)
        result = provider.check(olds, news)
        failures = [
            provider_pb2.CheckFailure(property=camel(f.property), reason=f.reason)
            for f in result.failures or []
        ]
        return provider_pb2.CheckResponse(inputs=dump(result.inputs), failures=failures)

    def Diff(self, request: Any, context: Any) -> Any:
        provider, cls = self.provider(request.urn)
        olds, news = load(request.olds), load(request.news)
        old_inputs = load(request.old_inputs)
        for path in request.ignoreChanges:
            key = snake(path)
            if key in old_inputs:
                news[key] = old_inputs[key]
            else:
                news.pop(key, None)
        result = provider.diff(request.id, olds, news)
        replaces = [camel(k) for k in result.replaces or []]
        inputs = [p for p in cls._declared if p.is_input and not p.internal]
        changed = [
            camel(p.key)
            for p in inputs
            if news.get(p.key) != old_inputs.get(p.key, olds.get(p.key))
        ]
        if result.changes and not changed:
            changed = [camel(p.key) for p in inputs if news.get(p.key) != olds.get(p.key)]
        kind = provider_pb2.PropertyDiff
        detailed = {
            k: kind(kind=kind.UPDATE_REPLACE if k in replaces else kind.UPDATE, inputDiff=True)
            for k in changed
        }
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME
            if result.changes
            else provider_pb2.DiffResponse.DIFF_NONE,
            replaces=replaces,
            deleteBeforeReplace=bool(result.delete_before_replace),
            diffs=changed if result.changes else [],
            detailedDiff=detailed if result.changes else {},
            hasDetailedDiff=True,
        )

    def Create(self, request: Any, context: Any) -> Any:
        provider, _ = self.provider(request.urn)
        props = load(request.properties)
        if request.preview:
            return provider_pb2.CreateResponse(id="", properties=dump(props))
        result = provider.create(props)
        return provider_pb2.CreateResponse(id=result.id, properties=dump(result.outs))

    def Read(self, request: Any, context: Any) -> Any:
        provider, cls = self.provider(request.urn)
        props = load(request.properties)
        inputs = load(request.inputs)
        self._derived(request.urn, cls, inputs)
        result = provider.read(request.id, {**inputs, **props})
        if not result.id:
            return provider_pb2.ReadResponse(id="")
        outs = result.outs or {}
        read_inputs = {
            p.key: outs.get(p.key, inputs.get(p.key))
            for p in cls._declared
            if p.is_input and not p.internal and outs.get(p.key, inputs.get(p.key)) is not None
        }
        return provider_pb2.ReadResponse(
            id=result.id, properties=dump(outs), inputs=dump(result.inputs or read_inputs)
        )

    def Update(self, request: Any, context: Any) -> Any:
        provider, _ = self.provider(request.urn)
        olds, news = load(request.olds), load(request.news)
        if request.preview:
            return provider_pb2.UpdateResponse(properties=dump({**olds, **news}))
        result = provider.update(request.id, olds, news)
        return provider_pb2.UpdateResponse(properties=dump(result.outs))

    def Delete(self, request: Any, context: Any) -> Any:
        provider, _ = self.provider(request.urn)
        provider.delete(request.id, load(request.properties))
        return empty_pb2.Empty()


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(Stub(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    sys.argv[1:]  # the engine's address: this stand-in logs nothing through it
    main()
