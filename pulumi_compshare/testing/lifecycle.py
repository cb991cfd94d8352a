"""One resource at a time: :class:`ResourceDriver` makes the engine's steps for a single resource
over a real provider server, and :class:`LifeCycleTest` declares a resource's life cycle (create,
updates, delete) and checks each step, in the spirit of pulumi-go-provider's
``integration.LifeCycleTest``.

>>> driver = ResourceDriver(config)  # doctest: +SKIP
>>> LifeCycleTest(  # doctest: +SKIP
...     "Team",
...     TeamProvider(),
...     create=Operation({"name": "ml"}, expected_outputs={"name": "ml", ...}),
...     updates=[Operation({"name": "ml2"}, expected_op="update")],
... ).run(driver)

The driver follows the same engine rules as :class:`~pulumi_compshare.testing.Player` (they share
:mod:`pulumi_compshare.testing.rules`): ``up`` re-runs Check with no old inputs before a
replacement, ``refresh`` calls Diff after Read, ``get`` sends the inputs as both ``inputs`` and
``properties``.

**Two servings.** By default the resources are dynamic ones, served by ``python -m
pulumi.dynamic`` with the pickled provider in ``__provider``. With ``plugins={"compshare":
folder}`` (as :class:`~pulumi_compshare.testing.Player` takes them) the same steps go to the
provider *plugin*, as the engine drives a plugin for a program of
:mod:`pulumi_compshare.native` classes: the plugin is configured as the package's default
provider (the stack's ``compshare:*`` config as its inputs), a bare class name is the type
``compshare:index:<Name>``, no ``__provider`` is sent, a preview also calls Create with
``preview=true`` when the plugin supports previews, and property names go on the wire in
camelCase, translated at the driver's edge as the native classes' ``translate_input_property``
/ ``translate_output_property`` do: a test reads and writes ``team_id`` either way.
"""

from __future__ import annotations

import dataclasses
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi.dynamic import ResourceProvider

from . import rules
from .providers import default_provider_name, find_plugin
from .rules import CheckFailed
from .server import ProviderDiff, ProviderRead, ProviderServer
from .wire import PROVIDER_KEY, Props, make_urn, serialize_provider

__all__ = [
    "DYNAMIC",
    "PLUGIN",
    "SERVINGS",
    "LifeCycleTest",
    "Operation",
    "Res",
    "ResourceDriver",
    "StepRecord",
    "TrackedResource",
]

DYNAMIC: Final[str] = "dynamic"
"""The dynamic serving: ``pulumi_compshare.Team``..., ``python -m pulumi.dynamic``."""
PLUGIN: Final[str] = "plugin"
"""The plugin serving: ``pulumi_compshare.native.Team``..., ``pulumi-resource-compshare``."""
SERVINGS: Final[tuple[str, str]] = (DYNAMIC, PLUGIN)


@dataclass
class TrackedResource:
    """One resource as the engine keeps it: URN, id, inputs and outputs (``Res`` in older code)."""

    urn: str
    provider: str
    id: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)


Res = TrackedResource
"""The old name of :class:`TrackedResource`."""


class ResourceDriver:
    """The engine's call sequences for one resource at a time, over a real provider server.

    Like the Pulumi CLI, which starts a fresh provider process for every command, call
    :meth:`next_command` between commands (e.g. after an out-of-band change, before a refresh).

    :param config: the stack config sent to Configure.
    :param env: extra environment variables of the provider process.
    :param cwd: its working directory (put first on its ``sys.path``).
    :param pythonpath: extra ``sys.path`` entries for it.
    :param project: the project (``PULUMI_PROJECT`` and the URNs).
    :param stack: the stack of the URNs.
    :param plugins: serve the resources by a provider plugin instead (one package: ``{"compshare":
        pulumi_compshare.plugin.FOLDER}``, a folder with ``PulumiPlugin.yaml`` or an executable,
        found as :func:`~.providers.find_plugin` finds it); see the module docstring.
    :param version: the package version the default provider is registered with (its name
        ``default_<major>_<minor>_<patch>`` and its ``version`` input); plugin serving only.
    """

    def __init__(
        self,
        config: dict[str, str],
        env: dict[str, str] | None = None,
        *,
        cwd: str | os.PathLike[str] | None = None,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        project: str = "test",
        stack: str = "dev",
        plugins: Mapping[str, str | os.PathLike[str]] | None = None,
        version: str = "",
    ) -> None:
        self.config = config
        self.env = env
        self.cwd = cwd
        self.pythonpath = pythonpath
        self.project = project
        self.stack = stack
        self.plugins = dict(plugins or {})
        if len(self.plugins) > 1:
            raise ValueError("a ResourceDriver serves one plugin package")
        self.package = next(iter(self.plugins), "")
        """The plugin's package (``compshare``); ``""`` when the resources are dynamic ones."""
        self.version = version
        self.provider_ref = ""
        """The default provider's reference, ``<urn>::<id>`` (plugin serving)."""
        self.server = self._start()
        self.stderr = ""
        """What earlier provider processes of this driver printed on stderr."""

    @property
    def serving(self) -> str:
        """:data:`DYNAMIC` or :data:`PLUGIN`."""
        return PLUGIN if self.package else DYNAMIC

    def _start(self) -> ProviderServer:
        if not self.package:
            server = ProviderServer(
                cwd=self.cwd, env=self.env, project=self.project, pythonpath=self.pythonpath
            ).start()
            server.configure(self.config)
            return server
        # the engine's default provider of the package (default_providers.go:
        # newRegisterDefaultProviderEvent): the stack's <package>:* config, keys without the
        # namespace (target.go: GetPackageConfig), plus the version (registry.go:
        # SetProviderVersion); the registry configures a fresh plugin with them (registry.go:
        # Create -> provider_plugin.go: Configure), a new UUID as the provider's id
        command = find_plugin(self.package, project_plugins=self.plugins)
        plugin = _PluginServer(
            command=command,
            engine_address="127.0.0.1:0",
            cwd=self.cwd,
            env=self.env,
            project=self.project,
        ).start()
        prefix = f"{self.package}:"
        inputs: dict[str, Any] = {
            k[len(prefix) :]: v for k, v in self.config.items() if k.startswith(prefix)
        }
        if self.version:
            inputs["version"] = self.version
        name = default_provider_name(self.version)
        urn = make_urn(f"pulumi:providers:{self.package}", name, self.stack, self.project)
        if not self.provider_ref:
            self.provider_ref = f"{urn}::{uuid.uuid4()}"
        plugin.configure_provider(urn, self.provider_ref.rsplit("::", 1)[1], inputs)
        return plugin

    def next_command(self) -> None:
        """End this command's provider process and start the next one."""
        self.stderr += self.server.stderr_text()
        self.server.stop()
        self.server = self._start()

    def stderr_text(self) -> str:
        return self.stderr + self.server.stderr_text()

    def wait_for_stderr(self, text: str, timeout: float = 5.0) -> str:
        """:meth:`stderr_text` once it holds ``text`` (as ``ProviderServer.wait_for_stderr``)."""
        if text in self.stderr:
            return self.stderr_text()
        return self.stderr + self.server.wait_for_stderr(text, timeout)

    def close(self) -> None:
        self.server.stop()

    def __enter__(self) -> ResourceDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- steps -------------------------------------------------------------------------------------

    def new(self, type_name: str, name: str, provider: ResourceProvider | None = None) -> Res:
        """A resource not created yet. ``type_name`` is a CompShare class name (``Team``) or a
        whole type token (``pulumi-python:dynamic/harness:Echo``). ``provider``: the dynamic
        provider (pickled into ``__provider``); the plugin serving ignores it (the resource's
        provider is the default provider, :attr:`provider_ref`)."""
        if self.package:
            token = type_name if ":" in type_name else f"{self.package}:index:{type_name}"
            return Res(urn=make_urn(token, name, self.stack, self.project), provider="")
        if provider is None:
            raise TypeError("a dynamic resource needs its provider")
        token = type_name if ":" in type_name else f"pulumi-python:dynamic/compshare:{type_name}"
        urn = make_urn(token, name, self.stack, self.project)
        return Res(urn=urn, provider=serialize_provider(provider))

    def _news(self, res: Res, inputs: Mapping[str, Any]) -> Props:
        """The inputs as the program registers them: with ``__provider`` (dynamic serving)."""
        if self.package:
            return dict(inputs)
        return {**inputs, PROVIDER_KEY: res.provider}

    def _type(self, res: Res) -> str:
        return res.urn.rsplit("::", 2)[-2]

    def preview(self, res: Res, inputs: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """Preview of a new resource: Check, then, if the provider supports previews (a plugin;
        never the dynamic server), Create with ``preview=true`` (``step.go: CreateStep.Apply``;
        ``provider_plugin.go: Create``), whose answer is not kept. Returns ``(checked inputs,
        failures)``."""
        checked, failures = self.server.check(res.urn, {}, self._news(res, inputs))
        if not failures and self.server.supports_preview:
            self.server.create(res.urn, checked, preview=True)
        return checked, failures

    def create(self, res: Res, inputs: dict[str, Any]) -> Res:
        """up of a new resource: Check, then Create with the checked inputs."""
        try:
            checked = rules.check_new(
                self.server, rules.direct_call, res.urn, self._type(res), self._news(res, inputs)
            )
        except CheckFailed as exc:
            raise AssertionError(f"check failed: {exc.failures}") from None
        res.id, res.outputs = self.server.create(res.urn, checked)
        res.inputs = checked
        return res

    def plan(
        self,
        res: Res,
        inputs: dict[str, Any],
        *,
        ignore_changes: Sequence[str] = (),
        replace_on_changes: Sequence[str] = (),
    ) -> tuple[dict[str, Any], ProviderDiff]:
        """Check (olds = old inputs) and Diff (olds = old outputs) of changed inputs, as the
        engine sees the answer (``rules.diff_resource``: DIFF_UNKNOWN resolved,
        ``replace_on_changes`` applied). Returns ``(checked inputs, diff)``."""
        news = rules.process_ignore_changes(self._news(res, inputs), res.inputs, ignore_changes)
        checked, failures = self.server.check(res.urn, res.inputs, news)
        if failures:
            raise AssertionError(f"check failed: {failures}")
        diff = rules.diff_resource(
            self.server,
            rules.direct_call,
            res.urn,
            res.id,
            res.inputs,
            res.outputs,
            checked,
            ignore_changes,
        )
        return checked, rules.apply_replace_on_changes(diff, replace_on_changes)

    def up(
        self,
        res: Res,
        inputs: dict[str, Any],
        *,
        ignore_changes: Sequence[str] = (),
        replace_on_changes: Sequence[str] = (),
        delete_before_replace: bool | None = None,
    ) -> tuple[str, Res]:
        """up of an existing resource: ``same`` / ``update`` / ``replace``, as the engine decides
        (``rules.decide``). A replacement re-runs Check with no old inputs, then creates the new
        resource and deletes the old one (the reverse when delete-before-replace: the user's
        ``delete_before_replace``, when given, wins over the provider's)."""
        try:
            decision = rules.decide(
                self.server,
                rules.direct_call,
                urn=res.urn,
                type_=self._type(res),
                news=self._news(res, inputs),
                old_id=res.id,
                old_inputs=res.inputs,
                old_outputs=res.outputs,
                ignore_changes=ignore_changes,
                replace_on_changes=replace_on_changes,
                delete_before_replace=delete_before_replace,
            )
        except CheckFailed as exc:
            raise AssertionError(f"check failed: {exc.failures}") from None
        if decision.op == "same":
            res.inputs = decision.inputs
            return "same", res
        if decision.op == "replace":
            old = Res(res.urn, res.provider, res.id, res.inputs, res.outputs)
            new = Res(res.urn, res.provider)
            if decision.delete_before_replace:
                self.delete(old)
            new.id, new.outputs = self.server.create(res.urn, decision.inputs)
            new.inputs = decision.inputs
            if not decision.delete_before_replace:
                self.delete(old)
            return "replace", new
        # provider_plugin.go: Update sends ignoreChanges too (the dynamic server drops them)
        res.outputs = self.server.update(
            res.id,
            res.urn,
            res.outputs,
            decision.inputs,
            old_inputs=res.inputs,
            ignore_changes=ignore_changes,
        )
        res.inputs = decision.inputs
        return "update", res

    def refresh_step(
        self, res: Res, *, ignore_changes: Sequence[str] = ()
    ) -> tuple[str, Res | None]:
        """refresh: Read with the old outputs and inputs, then Diff (``rules.refresh_resource``).
        Returns ``("update" | "same", res)`` or ``("delete", None)`` when the resource is gone."""
        # The engine's state always holds __provider in the inputs; a hand-made record may not.
        inputs = res.inputs if PROVIDER_KEY in res.inputs else self._news(res, res.inputs)
        outcome = rules.refresh_resource(
            self.server,
            rules.direct_call,
            urn=res.urn,
            id_=res.id,
            inputs=inputs,
            outputs=res.outputs,
            ignore_changes=ignore_changes,
        )
        if outcome.op == "delete":
            return "delete", None
        res.id, res.inputs, res.outputs = outcome.id, outcome.inputs, outcome.outputs
        return outcome.op, res

    def refresh(self, res: Res) -> Res | None:
        """refresh: Read with the old outputs (then Diff, as the engine does); None when the
        resource is gone."""
        return self.refresh_step(res)[1]

    def get(self, res: Res, id_: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """``ResourceOptions(id=...)``: Read with the id and the program's inputs, sent as both
        ``inputs`` and ``properties`` (``step.go: ReadStep.Apply``). Returns the provider's answer,
        ``(id, outputs)``: an empty id when the object does not exist. (The engine itself would
        record such a read with the requested id and the outputs as given: see :meth:`read`.)"""
        props = self._news(res, inputs)
        answer = self.server.read_full(id_, res.urn, properties=props, inputs=props)
        return answer.id, answer.outputs or {}

    def read(self, res: Res, id_: str, inputs: dict[str, Any]) -> Res:
        """``ResourceOptions(id=...)`` as the engine records it (``rules.read_resource``): fails
        only when the answer has no outputs; otherwise the id is the provider's, or the requested
        one if it answered an empty id."""
        props = self._news(res, inputs)
        res.id, res.outputs = rules.read_resource(
            self.server, rules.direct_call, res.urn, id_, props
        )
        res.inputs = props
        return res

    def import_(self, res: Res, import_id: str) -> Res:
        """``ResourceOptions(import_=...)``: Read with only the id (``rules.import_resource``,
        ``step.go: ImportStep.Apply``); the inputs and outputs it answers become the state. An
        :meth:`up` with the program's inputs then makes the Check (old inputs: the read ones) and
        Diff the engine makes next (``step_generator.go: continueStepsFromImport``). Only a
        plugin can serve it: the dynamic server fails without the pickled ``__provider``
        (pulumi/pulumi#16175), raised as the :class:`~.rules.EngineError` or
        :class:`~.server.ProviderCallError` the engine would report."""
        res.id, res.inputs, res.outputs = rules.import_resource(
            self.server, rules.direct_call, res.urn, import_id
        )
        return res

    def delete(self, res: Res) -> None:
        self.server.delete(res.id, res.urn, res.outputs, old_inputs=res.inputs)


# --------------------------------------------------------------------------------------------------
# declarative life cycles


@dataclass
class Operation:
    """One step of a :class:`LifeCycleTest`: the inputs and what to expect."""

    inputs: Mapping[str, Any]
    expected_outputs: Mapping[str, Any] | None = None
    """If given, the outputs (``__provider`` left out) must equal it."""
    expected_op: str | None = None
    """For an update: ``same``, ``update`` or ``replace``."""
    hook: Callable[[Props, Props], None] | None = None
    """Called with ``(inputs, outputs)`` after the step (e.g. to check the backend)."""
    expect_failure: bool = False
    """The step must fail (a provider error); the resource keeps its previous state."""
    check_failures: Sequence[tuple[str, str]] | None = None
    """The Check must fail with exactly these ``(property, reason)`` (any order)."""
    refresh: bool = False
    """Refresh (Read + Diff) before the step (ignored for the create)."""
    expected_refresh_op: str | None = None
    """If given, the refresh must report it (``same``, ``update``, ``delete``)."""
    ignore_changes: Sequence[str] = ()
    replace_on_changes: Sequence[str] = ()
    delete_before_replace: bool | None = None


@dataclass(frozen=True)
class StepRecord:
    """What one step of a life cycle did."""

    step: str
    """``preview``, ``create``, ``refresh``, ``update`` or ``delete``."""
    op: str
    """The engine's op (``create``, ``same``, ``update``, ``replace``, ``delete``), ``failed`` or
    ``invalid`` (check failures)."""
    outputs: Props


@dataclass
class LifeCycleTest:
    """A resource's life cycle: preview and create, then each update (preview, optional refresh,
    up), then delete, each checked against its :class:`Operation` (pulumi-go-provider's
    ``integration.LifeCycleTest``). :meth:`run` raises ``AssertionError`` on the first mismatch."""

    resource: str
    """A CompShare class name (``Team``) or a whole type token."""
    provider: ResourceProvider | None
    """The dynamic provider (``None`` with a driver serving a plugin)."""
    create: Operation
    updates: Sequence[Operation] = ()
    name: str = "test"
    delete: bool = True
    """Delete at the end (and check the resource is gone: a refresh finds nothing)."""

    def run(self, driver: ResourceDriver) -> list[StepRecord]:
        res = driver.new(self.resource, self.name, self.provider)
        records: list[StepRecord] = []
        op = self.create
        checked, failures = driver.preview(res, dict(op.inputs))
        if _expect_check(op, failures, "create"):
            return [StepRecord("preview", "invalid", {})]
        records.append(StepRecord("preview", "create", checked))
        try:
            driver.create(res, dict(op.inputs))
        except Exception as exc:
            if not op.expect_failure:
                raise AssertionError(f"create failed: {exc}") from exc
            return [*records, StepRecord("create", "failed", {})]
        _expect(op, "create", "create", res)
        records.append(StepRecord("create", "create", dict(res.outputs)))
        for i, op in enumerate(self.updates, 1):
            res = self._update(driver, res, op, f"update {i}", records)
        if self.delete:
            driver.delete(res)
            gone = driver.refresh(res)
            if gone is not None:
                raise AssertionError(f"delete: {res.urn} still exists after Delete")
            records.append(StepRecord("delete", "delete", {}))
        return records

    def _update(
        self, driver: ResourceDriver, res: Res, op: Operation, what: str, records: list[StepRecord]
    ) -> Res:
        if op.refresh:
            refresh_op, refreshed = driver.refresh_step(res, ignore_changes=op.ignore_changes)
            if op.expected_refresh_op is not None and refresh_op != op.expected_refresh_op:
                raise AssertionError(
                    f"{what}: refresh reported {refresh_op}, expected {op.expected_refresh_op}"
                )
            records.append(StepRecord("refresh", refresh_op, dict(res.outputs)))
            if refreshed is None:
                raise AssertionError(f"{what}: the resource is gone after refresh")
        news = driver._news(res, op.inputs)
        news = rules.process_ignore_changes(news, res.inputs, op.ignore_changes)
        _, failures = driver.server.check(res.urn, res.inputs, news)
        if _expect_check(op, failures, what):
            records.append(StepRecord("update", "invalid", {}))
            return res
        before = Res(res.urn, res.provider, res.id, dict(res.inputs), dict(res.outputs))
        try:
            kind, res = driver.up(
                res,
                dict(op.inputs),
                ignore_changes=op.ignore_changes,
                replace_on_changes=op.replace_on_changes,
                delete_before_replace=op.delete_before_replace,
            )
        except Exception as exc:
            if not op.expect_failure:
                raise AssertionError(f"{what} failed: {exc}") from exc
            records.append(StepRecord("update", "failed", {}))
            return before
        if op.expected_op is not None and kind != op.expected_op:
            raise AssertionError(f"{what}: the engine would {kind}, expected {op.expected_op}")
        _expect(op, what, kind, res)
        records.append(StepRecord("update", kind, dict(res.outputs)))
        return res


def _expect_check(op: Operation, failures: list[Any], what: str) -> bool:
    """Compare check failures with the expected ones; True if the step stops here."""
    got = sorted((str(p), str(r)) for p, r in failures)
    if op.check_failures is not None:
        want = sorted((str(p), str(r)) for p, r in op.check_failures)
        if got != want:
            raise AssertionError(f"{what}: check failures {got}, expected {want}")
        return True
    if got:
        raise AssertionError(f"{what}: unexpected check failures {got}")
    return False


def _expect(op: Operation, what: str, kind: str, res: Res) -> None:
    if op.expect_failure:
        raise AssertionError(f"{what}: expected a failure, but the engine would {kind}")
    outputs = {k: v for k, v in res.outputs.items() if k != PROVIDER_KEY}
    if op.expected_outputs is not None and outputs != dict(op.expected_outputs):
        raise AssertionError(f"{what}: outputs {outputs}, expected {dict(op.expected_outputs)}")
    if op.hook is not None:
        op.hook(dict(res.inputs), dict(res.outputs))


# --------------------------------------------------------------------------------------------------
# the plugin serving's names on the wire


def _wire_name(name: str) -> str:
    """A property path's name on the wire: camelCase (``team_id`` -> ``teamId``), as the native
    classes' ``translate_input_property`` (the SDK translates ``ignore_changes`` and
    ``replace_on_changes`` the same way: ``_translate_ignore_changes`` in
    ``sdk/python/lib/pulumi/runtime/resource.py``); internal keys (``__...``) as they are."""
    if name.startswith("__"):
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _python_name(wire: str) -> str:
    """The inverse of :func:`_wire_name` (``translate_output_property``)."""
    if wire.startswith("__"):
        return wire
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), wire)


def _to_wire(values: Mapping[str, Any] | None) -> Props:
    return {_wire_name(k): v for k, v in (values or {}).items()}


def _from_wire(values: Mapping[str, Any] | None) -> Props:
    return {_python_name(k): v for k, v in (values or {}).items()}


class _PluginServer(ProviderServer):
    """A plugin process whose property names are camelCase on the wire, spoken to in the
    driver's Python names (top-level keys only: a plugin's nested objects are data)."""

    def check(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[Props, list[tuple[str, str]]]:
        inputs, failures = super().check(urn, _to_wire(olds), _to_wire(news))
        return _from_wire(inputs), [(_python_name(p), r) for p, r in failures]

    def diff(
        self,
        id: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        ignore_changes: Sequence[str] = (),
    ) -> ProviderDiff:
        diff = super().diff(
            id,
            urn,
            _to_wire(olds),
            _to_wire(news),
            old_inputs=_to_wire(old_inputs),
            ignore_changes=[_wire_name(p) for p in ignore_changes],
        )
        return dataclasses.replace(
            diff,
            replaces=[_python_name(k) for k in diff.replaces],
            stables=[_python_name(k) for k in diff.stables],
            changed_keys=[_python_name(k) for k in diff.changed_keys],
            detailed={_python_name(k): v for k, v in diff.detailed.items()},
        )

    def create(
        self, urn: str, props: Mapping[str, Any], *, preview: bool = False
    ) -> tuple[str, Props]:
        id_, outputs = super().create(urn, _to_wire(props), preview=preview)
        return id_, _from_wire(outputs)

    def read_full(
        self,
        id: str,
        urn: str,
        properties: Mapping[str, Any] | None,
        inputs: Mapping[str, Any] | None,
    ) -> ProviderRead:
        answer = super().read_full(
            id, urn, _to_wire(properties), None if inputs is None else _to_wire(inputs)
        )
        return ProviderRead(
            id=answer.id,
            outputs=None if answer.outputs is None else _from_wire(answer.outputs),
            inputs=None if answer.inputs is None else _from_wire(answer.inputs),
        )

    def update(
        self,
        id: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        ignore_changes: Sequence[str] = (),
        preview: bool = False,
    ) -> Props:
        outputs = super().update(
            id,
            urn,
            _to_wire(olds),
            _to_wire(news),
            old_inputs=_to_wire(old_inputs),
            ignore_changes=[_wire_name(p) for p in ignore_changes],
            preview=preview,
        )
        return _from_wire(outputs)

    def delete(
        self,
        id: str,
        urn: str,
        props: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> None:
        super().delete(id, urn, _to_wire(props), old_inputs=_to_wire(old_inputs))
