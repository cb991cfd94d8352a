"""``pulumi-resource-compshare``: the package's resources served as a Pulumi resource provider
plugin, over the same resource core as the dynamic form (each resource's provider class does the
work: this module only translates the engine's calls).

**Why a servicer over ``pulumi.runtime.proto``** (as ``pulumi/dynamic/__main__.py`` is) rather
than ``pulumi.provider.experimental``: in pulumi 3.272 that server (``provider/experimental/
server.py``) drops Diff's old inputs (its ``DiffRequest`` is built without ``request.oldInputs``),
sends ``DiffConfig``'s ``changes`` boolean as the enum (``True`` is 1, ``DIFF_NONE``), cannot send
back ``PropertyValue.computed()``, rejects ints (``PropertyValue`` takes floats only), and runs on
``grpc.aio``, where the core's blocking HTTP calls would serialize every request. The core is
synchronous; a thread pool over the generated servicer serves it as the dynamic server does.

**How the engine runs it** (``NewProvider`` in ``sdk/go/common/resource/plugin/
provider_plugin.go``; ``newPlugin`` in ``plugin.go``): the binary gets the engine's address as
its only argument, must write its port and a newline to stdout before anything else, and is then
dialled; the engine calls Handshake (or, if unimplemented, reads the protocol from Configure's
answer), GetSchema, CheckConfig and Configure with the provider's inputs (``config`` keys
without the ``compshare:`` prefix; ``GetPackageConfig`` in ``pkg/resource/deploy/target.go``),
then Check, Diff, Create, Read, Update, Delete per resource. A resource plugin's stderr is shown
only at debug level (``newPlugin`` hides all but the dynamic providers'), so what a resource tells
the user (``_provider.say``) goes to the engine's ``Log``.

**Protocol.** Secrets are accepted (``acceptSecrets``): inputs arrive wrapped, are unwrapped for
the core, and every output or checked input whose key held a secret goes back secret (the engine
re-marks nothing for a provider that accepts secrets: ``annotateSecrets`` runs only when it does
not, in ``provider_plugin.go``). Previews are supported (``supportsPreview``): Create and Update
with ``preview`` make no API call and answer the checked inputs with every output not known yet
as unknown. Resource references are not accepted (the engine sends their ids). Property names
on the wire are the schema's camelCase (:mod:`.schema`); internal keys (``__...``) pass as they
are.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent import futures
from contextvars import copy_context
from dataclasses import fields, is_dataclass
from typing import Any, NoReturn

import grpc
from google.protobuf import empty_pb2
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    plugin_pb2,
    provider_pb2,
    provider_pb2_grpc,
)

from .._version import __version__
from ..config import settings_from
from ..errors import CompShareError, ConfigurationError
from ..resources._declare import CompShareResource
from ..resources._fields import Prop
from ..resources._provider import CompShareProvider, saying_to
from ..resources._registry import resource_classes
from . import _wire
from .schema import function_token, lookup_functions, python_name, resource_token, schema_json
from .schema import wire_name as _wire_name

__all__ = ["CompShareServicer", "main", "serve"]

WORKERS = 8
"""Concurrent calls served (the engine runs up to ``--parallel`` steps at once)."""

_ENGINE_KEYS = frozenset({"version", "pluginDownloadURL"})
"""Keys the engine itself puts in a provider's inputs (``SetProviderVersion``,
``SetProviderURL`` in ``pkg/resource/deploy/providers/registry.go``): not config."""


class _Served:
    """One registered resource as the plugin serves it: its token, its provider (the core's
    class, configured once per plugin process) and its property names on the wire."""

    def __init__(self, cls: type[CompShareResource]) -> None:
        self.cls = cls
        self.token = resource_token(cls)
        self.provider: CompShareProvider[Any, Any] = cls._provider_class()
        self.declared: tuple[Prop, ...] = cls._declared
        self.inputs = tuple(p for p in self.declared if p.is_input)
        self.wire = {p.key: _wire_name(p.key) for p in self.declared}
        self.keys = {w: k for k, w in self.wire.items()}

    def to_core(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Wire names -> the core's keys (undeclared keys as they are)."""
        return {self.keys.get(k, k): v for k, v in values.items()}

    def to_wire(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {self.wire.get(k, k): v for k, v in values.items()}

    def undeclared(self, values: Mapping[str, Any]) -> list[str]:
        """Keys of the program's inputs that are not inputs of this resource."""
        known = {p.key for p in self.inputs}
        return sorted(k for k in values if k not in known)

    def derive_internal(self, urn: str, values: dict[str, Any]) -> None:
        """Fill the internal inputs a program would compute (``Prop.from_urn``, else
        ``Prop.derive`` from the URN's name): the Team's creation marker from its URN."""
        for prop in self.inputs:
            if not prop.internal or values.get(prop.key) is not None:
                continue
            if prop.from_urn is not None:
                values[prop.key] = prop.from_urn(urn)
            elif prop.derive is not None:
                values[prop.key] = prop.derive(urn.rsplit("::", 1)[-1], None)

    def preview_outputs(
        self, inputs: Mapping[str, Any], olds: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """What a preview of a create (``olds`` None) or update answers: the checked inputs,
        every output not known yet as unknown (in an update, those derived from the id, which
        does not change, and the internal ones keep their old values)."""
        outputs = {k: v for k, v in (olds or {}).items()}
        for prop in self.declared:
            if prop.is_input:
                if prop.is_output and prop.key in inputs:
                    outputs[prop.key] = inputs[prop.key]
            elif olds is None:
                if not prop.internal:
                    outputs[prop.key] = _wire.UNKNOWN
            elif prop.from_id is None and not prop.internal:
                outputs[prop.key] = _wire.UNKNOWN
        return outputs

    def read_inputs(
        self, outputs: Mapping[str, Any], old_inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The inputs a Read gives the engine (an import's inputs; a refresh's new inputs): the
        declared inputs as read, internal ones kept from the old inputs."""
        inputs: dict[str, Any] = {}
        for prop in self.inputs:
            value = old_inputs.get(prop.key) if prop.internal else outputs.get(prop.key)
            if value is not None:
                inputs[prop.key] = value
        return inputs


def _config_text(value: Any) -> str | None:
    """A provider input as the stack config's text (``config.settings_from`` reads text):
    an object as JSON, a whole number without its ``.0``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


def _stack_config(values: Mapping[str, Any]) -> dict[str, str]:
    """The provider's inputs (``publicKey``...) as the ``compshare:*`` config the core reads;
    unknown values are left out."""
    config: dict[str, str] = {}
    for key, value in values.items():
        if key in _ENGINE_KEYS or key.startswith("__") or value == _wire.UNKNOWN:
            continue
        text = _config_text(value)
        if text is not None:
            config[f"compshare:{key}"] = text
    return config


def _top_key(path: str) -> str:
    """The property an ``ignoreChanges`` path starts with (``remarkName``, ``accountIds[0]``,
    ``a.b``, ``["a.b"]``)."""
    if path.startswith('["'):
        return path[2:].split('"]', 1)[0]
    for stop in ".[":
        path = path.split(stop, 1)[0]
    return path


class CompShareServicer(provider_pb2_grpc.ResourceProviderServicer):
    """The ResourceProvider service over the resource core, for every registered resource and
    lookup. ``engine_address``: where to send the user's messages (``Log``); ``None`` (tests
    without an engine): to stderr."""

    def __init__(self, engine_address: str | None) -> None:
        self._served = {s.token: s for s in map(_Served, resource_classes())}
        self._functions = {function_token(f): f for f in lookup_functions()}
        self._config: dict[str, str] = {}
        self._engine_address = engine_address
        self._engine: Any = None
        self._engine_lock = threading.Lock()

    # ---------------------------------------------------------------- plumbing

    def _resource(self, request: Any, context: grpc.ServicerContext) -> _Served:
        """The resource a call is about: its ``type``, else the type in its URN (the engine
        sends both, ``Type: req.URN.Type().String()`` in ``provider_plugin.go``; an older engine
        or another client may send only the URN)."""
        token = request.type or _type_of(request.urn)
        served = self._served.get(token)
        if served is None:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"unknown resource type {token!r}")
        return served

    def _log(self, urn: str) -> Callable[[str], None]:
        """The sink of :func:`~pulumi_compshare.resources._provider.say` for a call about
        ``urn``: the engine's Log (``pulumirpc.Engine``), else stderr."""

        def log(line: str) -> None:
            engine = self._engine_stub()
            if engine is not None:
                try:
                    request = engine_pb2.LogRequest(
                        severity=engine_pb2.INFO, message=line, urn=urn, ephemeral=False
                    )
                    engine.Log(request, timeout=10)
                    return
                except grpc.RpcError:
                    pass
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

        return log

    def _engine_stub(self) -> Any:
        if self._engine_address is None:
            return None
        with self._engine_lock:
            if self._engine is None:
                channel = grpc.insecure_channel(self._engine_address)
                self._engine = engine_pb2_grpc.EngineStub(channel)
            return self._engine

    @contextlib.contextmanager
    def _call(self, urn: str, context: grpc.ServicerContext) -> Iterator[None]:
        """Run one engine call: the user's messages to the engine's Log, and any failure as one
        line (the core's errors already name the resource and the action)."""
        try:
            with saying_to(self._log(urn)):
                yield
        except grpc.RpcError:
            raise
        except (CompShareError, ValueError) as exc:
            _abort(context, grpc.StatusCode.UNKNOWN, str(exc))
        except Exception as exc:  # a bug: the line, and the traceback for `pulumi -v`
            traceback.print_exc(file=sys.stderr)
            _abort(context, grpc.StatusCode.UNKNOWN, f"{type(exc).__name__}: {exc}")

    # ---------------------------------------------------------------- plugin and schema

    def Handshake(self, request: Any, context: grpc.ServicerContext) -> Any:
        """The protocol (``handshake`` in ``provider_plugin.go``; with it the engine assumes
        ``supportsPreview``)."""
        if request.engine_address and self._engine_address is None:
            self._engine_address = request.engine_address
        return provider_pb2.ProviderHandshakeResponse(
            accept_secrets=True, accept_resources=False, accept_outputs=False
        )

    def GetPluginInfo(self, request: Any, context: grpc.ServicerContext) -> Any:
        return plugin_pb2.PluginInfo(version=__version__)

    def GetSchema(self, request: Any, context: grpc.ServicerContext) -> Any:
        if request.subpackage_name:
            _abort(context, grpc.StatusCode.NOT_FOUND, "compshare has no subpackages")
        return provider_pb2.GetSchemaResponse(schema=schema_json())

    def Attach(self, request: Any, context: grpc.ServicerContext) -> Any:
        """``PULUMI_DEBUG_PROVIDERS=compshare:<port>``: the engine attaches to a running plugin
        and tells it its address (``Attach`` in ``provider_plugin.go``)."""
        self._engine_address = request.address
        with self._engine_lock:
            self._engine = None
        return empty_pb2.Empty()

    def Cancel(self, request: Any, context: grpc.ServicerContext) -> Any:
        return empty_pb2.Empty()

    # ---------------------------------------------------------------- configuration

    def CheckConfig(self, request: Any, context: grpc.ServicerContext) -> Any:
        """The provider's inputs checked as ``configure`` reads them: a misspelt key, half a key
        pair, a bad number fail here, naming the key (``Registry.Check`` in
        ``pkg/resource/deploy/providers/registry.go`` calls this before Configure)."""
        news = _wire.from_struct(request.news)
        failures = []
        plain, _ = _wire.unwrap(news)
        config = _stack_config(plain)
        try:
            settings_from(config, keys=[f"compshare:{k}" for k in plain if k not in _ENGINE_KEYS])
        except ConfigurationError as exc:
            message = str(exc)
            named = message.split(" ", 1)[0].rstrip(":").strip("'\"")
            key = named.split(":", 1)[1] if named.startswith("compshare:") else ""
            failures.append(provider_pb2.CheckFailure(property=key.split(".")[0], reason=message))
        return provider_pb2.CheckResponse(inputs=request.news, failures=failures)

    def DiffConfig(self, request: Any, context: grpc.ServicerContext) -> Any:
        """A change of configuration never replaces the provider (nor its resources): the
        engine then re-configures it."""
        olds, _ = _wire.unwrap(_wire.from_struct(request.olds))
        news, _ = _wire.unwrap(_wire.from_struct(request.news))
        changed = sorted(
            k
            for k in set(olds) | set(news)
            if k not in _ENGINE_KEYS and not k.startswith("__") and olds.get(k) != news.get(k)
        )
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME
            if changed
            else provider_pb2.DiffResponse.DIFF_NONE,
            diffs=changed,
        )

    def Configure(self, request: Any, context: grpc.ServicerContext) -> Any:
        """Configure every resource's provider from the provider's inputs, as the dynamic form's
        ``configure`` reads the stack config (the same ``config.settings_from``)."""
        plain, _ = _wire.unwrap(_wire.from_struct(request.args))
        if not plain and request.variables:  # an engine that sends only the old variables
            prefix = "compshare:config:"
            plain = {
                k[len(prefix) :]: v for k, v in request.variables.items() if k.startswith(prefix)
            }
        config = _stack_config(plain)
        try:
            settings_from(config, keys=[f"compshare:{k}" for k in plain if k not in _ENGINE_KEYS])
        except ConfigurationError as exc:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        self._config = config
        for served in self._served.values():
            served.provider.configure(ConfigureRequest(Config(dict(config), PACKAGE_PROJECT)))
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=False, acceptOutputs=False
        )

    # ---------------------------------------------------------------- resources

    def Check(self, request: Any, context: grpc.ServicerContext) -> Any:
        served = self._resource(request, context)
        olds, _ = _wire.unwrap(served.to_core(_wire.from_struct(request.olds)))
        news, secret = _wire.unwrap(served.to_core(_wire.from_struct(request.news)))
        served.derive_internal(request.urn, news)
        with self._call(request.urn, context):
            result = served.provider.check(olds, news)
        failures = [
            provider_pb2.CheckFailure(
                property=served.wire.get(f.property, f.property),
                reason=_worded(f.reason, f.property, served.wire.get(f.property, f.property)),
            )
            for f in result.failures
        ]
        for key in served.undeclared(news):
            failures.append(
                provider_pb2.CheckFailure(
                    property=served.wire.get(key, key),
                    reason=f"{served.wire.get(key, key)} is not an input of {served.cls.__name__}",
                )
            )
        inputs = served.to_wire(result.inputs)
        return provider_pb2.CheckResponse(
            inputs=_wire.to_struct(inputs, {served.wire.get(k, k) for k in secret}),
            failures=failures,
        )

    def Diff(self, request: Any, context: grpc.ServicerContext) -> Any:
        """The core's diff of the old outputs and the new checked inputs, with each property
        that differs named (a detailed diff: ``decodeDetailedDiff`` in ``provider_plugin.go``).
        ``ignoreChanges`` (top-level properties): the old value counts as the new one, so that
        neither a program change nor drift read by a refresh shows (the engine has already put
        the old *inputs* in their place, ``processIgnoreChanges`` in ``step_generator.go``)."""
        served = self._resource(request, context)
        olds, _ = _wire.unwrap(served.to_core(_wire.from_struct(request.olds)))
        news, _ = _wire.unwrap(served.to_core(_wire.from_struct(request.news)))
        _ignore(served, olds, news, request.ignoreChanges)
        with self._call(request.urn, context):
            result = served.provider.diff(request.id, olds, news)
        replaces = [served.wire.get(k, k) for k in result.replaces or ()]
        named = list(getattr(result, "diffs", None) or ())
        detailed = {}
        for key in named:
            kind = _kind(olds.get(key), news.get(key), served.wire[key] in replaces)
            detailed[served.wire[key]] = provider_pb2.PropertyDiff(kind=kind, inputDiff=False)
        if result.changes is None:
            changes = provider_pb2.DiffResponse.DIFF_UNKNOWN
        else:
            changes = (
                provider_pb2.DiffResponse.DIFF_SOME
                if result.changes
                else provider_pb2.DiffResponse.DIFF_NONE
            )
        return provider_pb2.DiffResponse(
            changes=changes,
            replaces=replaces,
            stables=[served.wire.get(k, k) for k in result.stables or ()],
            deleteBeforeReplace=bool(result.delete_before_replace),
            diffs=list(detailed),
            detailedDiff=detailed,
            # changes no property names (drift the provider repairs) leave the engine's own diff
            hasDetailedDiff=bool(detailed) or not result.changes,
        )

    def Create(self, request: Any, context: grpc.ServicerContext) -> Any:
        served = self._resource(request, context)
        props, secret = _wire.unwrap(served.to_core(_wire.from_struct(request.properties)))
        served.derive_internal(request.urn, props)
        if request.preview:  # no API call: the engine shows these as the planned outputs
            outputs = served.preview_outputs(props, None)
            return provider_pb2.CreateResponse(
                id="", properties=_secret_struct(served, outputs, secret)
            )
        with self._call(request.urn, context):
            result = served.provider.create(props)
        return provider_pb2.CreateResponse(
            id=str(result.id), properties=_secret_struct(served, dict(result.outs or {}), secret)
        )

    def Read(self, request: Any, context: grpc.ServicerContext) -> Any:
        """A refresh (``properties``: the stored outputs), a get (``inputs``: the program's), or
        an import: only the id (``ImportStep.Apply`` in ``pkg/resource/deploy/step.go``, which
        then needs the inputs back and fails on none)."""
        served = self._resource(request, context)
        state, state_secret = _wire.unwrap(served.to_core(_wire.from_struct(request.properties)))
        inputs, input_secret = _wire.unwrap(served.to_core(_wire.from_struct(request.inputs)))
        secret = state_secret | input_secret
        with self._call(request.urn, context):
            result = served.provider.read(request.id, state or inputs)
        if result.id is None:  # gone: the engine removes it from the state
            return provider_pb2.ReadResponse(id="")
        outputs = dict(result.outs or {})
        return provider_pb2.ReadResponse(
            id=str(result.id),
            properties=_secret_struct(served, outputs, secret),
            inputs=_secret_struct(served, served.read_inputs(outputs, inputs), secret),
        )

    def Update(self, request: Any, context: grpc.ServicerContext) -> Any:
        served = self._resource(request, context)
        olds, old_secret = _wire.unwrap(served.to_core(_wire.from_struct(request.olds)))
        news, secret = _wire.unwrap(served.to_core(_wire.from_struct(request.news)))
        _ignore(served, olds, news, request.ignoreChanges)
        secret |= old_secret & {k for k in olds if k not in news}
        if request.preview:
            outputs = served.preview_outputs(news, olds)
            return provider_pb2.UpdateResponse(properties=_secret_struct(served, outputs, secret))
        with self._call(request.urn, context):
            result = served.provider.update(request.id, olds, news)
        return provider_pb2.UpdateResponse(
            properties=_secret_struct(served, dict(result.outs or {}), secret)
        )

    def Delete(self, request: Any, context: grpc.ServicerContext) -> Any:
        served = self._resource(request, context)
        props, _ = _wire.unwrap(served.to_core(_wire.from_struct(request.properties)))
        with self._call(request.urn, context):
            served.provider.delete(request.id, props)
        return empty_pb2.Empty()

    # ---------------------------------------------------------------- lookups

    def Invoke(self, request: Any, context: grpc.ServicerContext) -> Any:
        """A lookup (``compshare:index:getTeams``...) with the plugin's configuration: the
        lookups read ``pulumi.Config("compshare")``, set here for this call only."""
        function = self._functions.get(request.tok)
        if function is None:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"unknown function {request.tok!r}")
        args, _ = _wire.unwrap(_wire.from_struct(request.args))
        kwargs = {python_name(k): v for k, v in args.items()}
        kwargs = {
            k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in kwargs.items()
        }
        with self._call("", context):
            result = copy_context().run(self._lookup, function, kwargs)
        return provider_pb2.InvokeResponse(**{"return": _wire.to_struct(_result(result))})

    def _lookup(self, function: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        from pulumi.runtime.config import set_all_config

        set_all_config(dict(self._config))
        try:
            return function(**kwargs)
        except TypeError as exc:  # an argument the lookup does not take
            raise ValueError(f"{function_token(function)}: {exc}") from None


PACKAGE_PROJECT = "compshare"
"""The project name the dynamic ``Config`` needs (keys are always namespaced here)."""


def _type_of(urn: str) -> str:
    """The type of a URN (``urn:pulumi:<stack>::<project>::<parent$type>::<name>``)."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def _abort(context: grpc.ServicerContext, code: grpc.StatusCode, message: str) -> NoReturn:
    context.abort(code, message)
    raise AssertionError("unreachable")  # context.abort raises


def _worded(reason: str, key: str, wire: str) -> str:
    """A check failure in the wire's words (``team_id is required`` -> ``teamId is required``)."""
    return wire + reason[len(key) :] if key and reason.startswith(key) else reason


def _ignore(
    served: _Served, olds: Mapping[str, Any], news: dict[str, Any], paths: Sequence[str]
) -> None:
    for path in paths:
        key = served.keys.get(_top_key(path), _top_key(path))
        if key in olds:
            news[key] = olds[key]
        else:
            news.pop(key, None)


def _kind(old: Any, new: Any, replaces: bool) -> Any:
    kinds = provider_pb2.PropertyDiff
    if old is None:
        return kinds.ADD_REPLACE if replaces else kinds.ADD
    if new is None:
        return kinds.DELETE_REPLACE if replaces else kinds.DELETE
    return kinds.UPDATE_REPLACE if replaces else kinds.UPDATE


def _secret_struct(served: _Served, values: Mapping[str, Any], secret: set[str]) -> Any:
    return _wire.to_struct(served.to_wire(values), {served.wire.get(k, k) for k in secret})


def _result(value: Any) -> Any:
    """A lookup's result dataclass as the schema's object (field names camelCase; the keys of
    a mapping field are data, kept as they are)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {_wire_name(f.name): _result(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_result(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _result(v) for k, v in value.items()}
    return value


def serve(engine_address: str | None, port: int = 0) -> tuple[grpc.Server, int]:
    """Start the plugin's gRPC server on 127.0.0.1 (``port`` 0: any free one) in this process;
    returns the server (stop it with ``server.stop(None)``) and its port. The offline engine can
    serve the plugin in-process with this; ``engine_address`` is where the user's messages go
    (``None``: stderr)."""
    from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="compshare-plugin"),
        options=_GRPC_CHANNEL_OPTIONS,
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(
        CompShareServicer(engine_address), server
    )
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server, bound


USAGE = "usage: pulumi-resource-compshare <engine address>  (the Pulumi engine starts it)"


def main(argv: Sequence[str] | None = None) -> int:
    """The plugin's entry point (``pulumi-resource-compshare``, ``python -m
    pulumi_compshare.plugin``, the folder form's ``__main__.py``): serve, print the port and a
    newline on stdout as the engine reads it (``newPlugin`` in ``plugin.go`` reads one line and
    parses it with ``parsePort``), then serve until killed."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if args and args[0] == "--version":
        print(__version__)
        return 0
    if len(args) > 1 and not args[0].startswith("-"):
        args = args[:1]  # the engine passes only its address; anything after it is ignored
    engine = args[0] if args else None
    server, port = serve(engine)
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)
    return 0
