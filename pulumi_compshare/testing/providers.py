"""Provider plugins: finding one as the engine does, and the provider resources of a command with
their plugin processes, as the engine's provider registry keeps them
(``pkg/resource/deploy/providers/registry.go``).

A resource whose type is not a dynamic one (``compshare:index:Team``) is served by a provider
resource: the one the program names (``ResourceOptions(provider=...)``, type
``pulumi:providers:compshare``), else the package's *default provider*, which the engine registers
itself the first time the package is used (``default_providers.go:
newRegisterDefaultProviderEvent``: named ``default_<major>_<minor>_<patch>`` after the requested
version, ``providers/provider.go: DefaultName``, with the stack's ``<package>:*`` config as its
inputs, ``GetPackageConfig``). Each provider resource is a plugin process configured with its
inputs; a provider reference is ``<urn>::<id>``.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .server import ProviderServer
from .wire import UNKNOWN, Props

__all__ = [
    "PROVIDER_TYPE_PREFIX",
    "UNCONFIGURED_ID",
    "UNKNOWN_ID",
    "PluginNotFound",
    "ProviderRegistry",
    "default_provider_name",
    "find_plugin",
    "is_provider_type",
    "package_of",
    "parse_reference",
]

PROVIDER_TYPE_PREFIX: Final[str] = "pulumi:providers:"
UNKNOWN_ID: Final[str] = UNKNOWN
"""``providers.UnknownID``: a provider's id in a preview (``registry.go: Create``)."""
UNCONFIGURED_ID: Final[str] = "unconfigured"
"""``providers.UnconfiguredID``: a provider loaded by Check, not configured yet."""


class PluginNotFound(RuntimeError):
    """No plugin for a package (``workspace.MissingError``)."""


def is_provider_type(type_: str) -> bool:
    """``providers.IsProviderType``."""
    return type_.startswith(PROVIDER_TYPE_PREFIX)


def package_of(type_: str) -> str:
    """The package of a type token (``compshare:index:Team`` -> ``compshare``;
    ``pulumi:providers:compshare`` -> ``compshare``)."""
    if is_provider_type(type_):
        return type_[len(PROVIDER_TYPE_PREFIX) :]
    return type_.split(":", 1)[0]


def default_provider_name(version: str) -> str:
    """``ProviderRequest.DefaultName``: ``default``, or ``default_1_2_3`` for version 1.2.3."""
    if not version:
        return "default"
    core, _, build = version.partition("+")
    core, _, pre = core.partition("-")
    parts = ["default", *core.split(".")[:3]]
    parts += [p for p in pre.split(".") if p] + [b for b in build.split(".") if b]
    return "_".join(parts)


def parse_reference(ref: str) -> tuple[str, str]:
    """``providers.ParseReference``: ``<urn>::<id>`` -> ``(urn, id)``."""
    urn, sep, id_ = ref.rpartition("::")
    if not sep:
        raise ValueError(f"malformed provider reference {ref!r}")
    return urn, id_


def find_plugin(
    package: str,
    *,
    project_plugins: Mapping[str, str | os.PathLike[str]] | None = None,
    path: str | None = None,
) -> list[str]:
    """The command that runs the ``package`` plugin, found as the engine finds it
    (``sdk/go/common/workspace/plugins.go: getPluginInfoAndPath``): first the project's own
    (``Pulumi.yaml`` ``plugins: providers: [{name, path}]``, here ``project_plugins``), then
    ``pulumi-resource-<package>`` on ``PATH`` unless ``PULUMI_IGNORE_AMBIENT_PLUGINS`` is set.
    (The plugin cache, ``~/.pulumi/plugins``, is not searched.)

    A path that is a folder with ``PulumiPlugin.yaml`` (``runtime: python``) runs as the Python
    language host runs it (``plugin.go: ExecPlugin`` -> ``pulumi-language-python: RunPlugin``:
    ``python <folder> <args>`` when it has ``__main__.py``); an executable runs itself."""
    candidates: list[str | os.PathLike[str]] = []
    if project_plugins and package in project_plugins:
        candidates.append(project_plugins[package])
    if not os.environ.get("PULUMI_IGNORE_AMBIENT_PLUGINS"):
        found = shutil.which(f"pulumi-resource-{package}", path=path)
        if found:
            candidates.append(found)
    for candidate in candidates:
        where = Path(candidate)
        if where.is_dir():
            if not (where / "PulumiPlugin.yaml").is_file():
                raise PluginNotFound(f"{where}: no PulumiPlugin.yaml")
            runtime = _runtime(where / "PulumiPlugin.yaml")
            if runtime != "python":
                raise PluginNotFound(f"{where}: runtime {runtime!r} (only python is run here)")
            if not (where / "__main__.py").is_file():
                raise PluginNotFound(f"{where}: no __main__.py")
            return [sys.executable, "-u", str(where.resolve())]
        if where.is_file() and os.access(where, os.X_OK):
            return [str(where)]
    raise PluginNotFound(
        f"no resource plugin {package!r} found: put pulumi-resource-{package} on PATH, or name "
        f"its folder (with PulumiPlugin.yaml) in Pulumi.yaml's plugins.providers"
    )


def _runtime(yaml_path: Path) -> str:
    import yaml

    data = yaml.safe_load(yaml_path.read_text()) or {}
    runtime = data.get("runtime")
    if isinstance(runtime, Mapping):
        runtime = runtime.get("name")
    return str(runtime or "")


@dataclass
class _Loaded:
    server: ProviderServer
    configured: bool = False


@dataclass
class ProviderRegistry:
    """The provider resources of one command and their plugin processes (``registry.go:
    Registry``); the processes stop with the command (:meth:`close`: a plugin context per
    command, ``plugin/context.go``).

    :param locate: the command that runs a package's plugin (:func:`find_plugin`).
    :param start: makes a started :class:`ProviderServer` of a command (the player's, which
        watches its output).
    """

    locate: Callable[[str], list[str]]
    start: Callable[[Sequence[str]], ProviderServer]
    _loaded: dict[str, _Loaded] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def _load(self, package: str) -> ProviderServer:
        """``registry.go: loadProvider``: start the package's plugin."""
        return self.start(self.locate(package))

    def check(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[Props, list[tuple[str, str]]]:
        """``registry.go: Check``: load the plugin, CheckConfig; kept under the unconfigured id
        for the Diff and the Create or Update that follow. The version stays as it was."""
        server = self._load(package_of(urn.rsplit("::", 2)[-2]))
        inputs, failures = server.check_config(urn, olds, news)
        if failures:
            server.stop()
            return inputs, failures
        if "version" in news:
            inputs["version"] = news["version"]
        with self._lock:
            self._replace(f"{urn}::{UNCONFIGURED_ID}", _Loaded(server))
        return inputs, []

    def diff(self, urn: str, id_: str, old_inputs: Props, old_outputs: Props, news: Props) -> Any:
        """``registry.go: Diff``: DiffConfig on the plugin Check loaded."""
        loaded = self._loaded.get(f"{urn}::{UNCONFIGURED_ID}") or self._loaded[f"{urn}::{id_}"]
        strip = _without_internal
        return loaded.server.diff_config(urn, strip(old_inputs), strip(old_outputs), strip(news))

    def create(
        self, urn: str, inputs: Props, *, preview: bool, secrets: Sequence[str] = ()
    ) -> tuple[str, Props]:
        """``registry.go: Create``: a new id (a UUID; :data:`UNKNOWN_ID` in a preview), then
        Configure with the inputs; the outputs are the inputs."""
        id_ = UNKNOWN_ID if preview else str(uuid.uuid4())
        with self._lock:
            loaded = self._loaded.pop(f"{urn}::{UNCONFIGURED_ID}", None)
        if loaded is None:
            loaded = _Loaded(self._load(package_of(urn.rsplit("::", 2)[-2])))
        self._configure(loaded, urn, id_, inputs, secrets)
        with self._lock:
            self._replace(f"{urn}::{id_}", loaded)
        return id_, _without_internal(inputs)

    def update(self, urn: str, id_: str, inputs: Props, secrets: Sequence[str] = ()) -> Props:
        """``registry.go: Update``: Configure the plugin Check loaded with the new inputs."""
        with self._lock:
            loaded = self._loaded.pop(f"{urn}::{UNCONFIGURED_ID}")
        self._configure(loaded, urn, id_, inputs, secrets)
        with self._lock:
            self._replace(f"{urn}::{id_}", loaded)
        return _without_internal(inputs)

    def same(
        self,
        urn: str,
        id_: str,
        inputs: Props,
        *,
        from_check: bool,
        secrets: Sequence[str] = (),
    ) -> None:
        """``registry.go: Same``: configure the provider of an unchanged provider resource (the
        one Check loaded, ``from_check``, else a fresh one), unless it is already."""
        ref = f"{urn}::{id_}"
        with self._lock:
            if ref in self._loaded:
                return
            loaded = self._loaded.pop(f"{urn}::{UNCONFIGURED_ID}", None) if from_check else None
        if loaded is None:
            loaded = _Loaded(self._load(package_of(urn.rsplit("::", 2)[-2])))
        self._configure(loaded, urn, id_, inputs, secrets)
        with self._lock:
            if ref in self._loaded:
                loaded.server.stop()
            else:
                self._loaded[ref] = loaded

    def delete(self, urn: str, id_: str) -> None:
        """``registry.go: Delete``: unload the plugin; no plugin call."""
        with self._lock:
            loaded = self._loaded.pop(f"{urn}::{id_}", None)
        if loaded is not None:
            loaded.server.stop()

    def get(self, ref: str) -> ProviderServer | None:
        """``registry.go: GetProvider``: the configured plugin of a provider reference."""
        with self._lock:
            loaded = self._loaded.get(ref)
        return loaded.server if loaded is not None else None

    def _configure(
        self, loaded: _Loaded, urn: str, id_: str, inputs: Props, secrets: Sequence[str]
    ) -> None:
        loaded.server.configure_provider(urn, id_, _without_internal(inputs), secrets=secrets)
        loaded.configured = True

    def _replace(self, ref: str, loaded: _Loaded) -> None:
        old = self._loaded.get(ref)
        self._loaded[ref] = loaded
        if old is not None and old.server is not loaded.server:
            old.server.stop()

    def close(self) -> None:
        """The end of the command: every plugin process stops."""
        with self._lock:
            loaded, self._loaded = list(self._loaded.values()), {}
        for entry in loaded:
            entry.server.stop()


def _without_internal(inputs: Mapping[str, Any]) -> Props:
    """``registry.go: FilterProviderConfig``: without the engine's ``__internal`` key."""
    return {k: v for k, v in inputs.items() if k != "__internal"}
