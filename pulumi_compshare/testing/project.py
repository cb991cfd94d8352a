"""Pulumi project folders: ``Pulumi.yaml`` read as the CLI reads it, for the :class:`Player`.

What is used (the Pulumi project file reference, and ``sdk/go/common/workspace/project.go`` of
pulumi/pulumi for the config rules):

- ``name``: the project name, so ``pulumi.Config()`` keys resolve (``<name>:<key>``) and URNs are
  the CLI's.
- ``runtime``: must be ``python`` (a name or ``{name: python, options: ...}``; options ignored).
- ``main``: the program, relative to the folder: a directory holding ``__main__.py`` or a ``.py``
  file; by default the folder's own ``__main__.py``.
- ``config``: for this project's own keys (``members`` or ``<name>:members``) the ``default``
  (checked against ``type``: ``string``, ``integer``, ``boolean``, ``array`` with ``items``,
  ``object``); for any key, a ``value`` (as the CLI applies project-level values to every stack).
  A declared key with neither, that the stack does not set, is an error, as in ``pulumi up``.

Not read: ``Pulumi.<stack>.yaml`` (its secure values need the stack's secrets provider: pass the
stack config to the player instead), ``stackConfigDir``, ``backend``, ``options``, ``plugins``.
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Project", "ProjectError"]

_TYPES = ("string", "integer", "boolean", "array", "object")


class ProjectError(ValueError):
    """A project folder cannot be played: no ``Pulumi.yaml``, a bad one, or config it needs.
    The message is one line naming the file and the key."""


@dataclass(frozen=True)
class Project:
    """A Pulumi project folder (see the module docstring for what is read)."""

    path: Path
    """The folder holding ``Pulumi.yaml``."""
    name: str
    main: Path
    """The program file to run (``__main__.py`` of ``main`` when it is a directory)."""
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)
    """Config from ``Pulumi.yaml``: ``"<project>:<key>"`` -> default, ``"<ns>:<key>"`` -> value."""
    required: tuple[str, ...] = ()
    """Full keys declared with a type but no default or value: the stack must set them."""
    types: dict[str, tuple[str, Any]] = field(default_factory=dict)
    """Full key -> (``type``, ``items``) of this project's typed keys."""

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Project:
        """Read the project in folder ``path`` (or the folder of a ``Pulumi.yaml`` given as
        ``path``); raise :class:`ProjectError` if it cannot be played."""
        folder = Path(path).resolve()
        if folder.is_file() and folder.name in ("Pulumi.yaml", "Pulumi.yml"):
            folder = folder.parent
        if not folder.is_dir():
            raise ProjectError(f"{folder}: no such project folder")
        names = ("Pulumi.yaml", "Pulumi.yml")
        file = next((folder / n for n in names if (folder / n).is_file()), None)
        if file is None:
            raise ProjectError(f"{folder}: no Pulumi.yaml (a Pulumi project folder has one)")
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ProjectError(f"{file}: cannot read: {' '.join(str(exc).split())}") from None
        if not isinstance(data, Mapping):
            raise ProjectError(f"{file}: not a project file (expected a mapping)")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ProjectError(f"{file}: project is missing a 'name' attribute")
        runtime = data.get("runtime")
        runtime_name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
        if runtime_name != "python":
            raise ProjectError(f"{file}: runtime is {runtime_name!r}; only python programs play")
        main = _main(folder, file, data.get("main"))
        defaults, required, types = _config(file, name, data.get("config"))
        description = data.get("description")
        return cls(
            path=folder,
            name=name,
            main=main,
            description=description if isinstance(description, str) else "",
            defaults=defaults,
            required=tuple(required),
            types=types,
        )

    def stack_config(self, config: Mapping[str, Any], stack: str = "dev") -> dict[str, Any]:
        """The config the program sees: ``Pulumi.yaml``'s defaults and values under ``config``
        (the stack's, which wins); bare keys of ``config`` are taken as this project's.
        Raises :class:`ProjectError` for a required key left unset or a value of the wrong type
        (``Stack 'dev' is missing configuration value 'courses'``, as ``pulumi up`` says)."""
        merged = dict(self.defaults)
        for key, value in config.items():
            merged[key if ":" in key else f"{self.name}:{key}"] = value
        for key in self.required:
            if key not in merged:
                short = key.split(":", 1)[1]
                raise ProjectError(f"Stack '{stack}' is missing configuration value '{short}'")
        for key, (type_, items) in self.types.items():
            if key in merged and not _valid(type_, items, _parsed(merged[key])):
                short = key.split(":", 1)[1]
                raise ProjectError(
                    f"Stack '{stack}' with configuration key '{short}' must be of type "
                    f"'{_type_name(type_, items)}'"
                )
        return merged

    def program(self) -> Callable[[], None]:
        """The program as a callable for the player: runs :attr:`main` as ``__main__`` with the
        project folder (and the program's own folder) first on ``sys.path`` while it runs. The
        process's working directory is not changed (the player runs programs on a thread)."""
        main = str(self.main)
        folders = list(dict.fromkeys([str(self.path), str(self.main.parent)]))

        def run() -> None:
            added = [f for f in folders if f not in sys.path]
            sys.path[:0] = added
            try:
                runpy.run_path(main, run_name="__main__")
            finally:
                for folder in added:
                    if folder in sys.path:
                        sys.path.remove(folder)

        run.__qualname__ = run.__name__ = f"project {self.name}"
        return run


def _main(folder: Path, file: Path, main: Any) -> Path:
    if main is None:
        target = folder
    elif isinstance(main, str) and main.strip():
        target = (folder / main).resolve()
    else:
        raise ProjectError(f"{file}: main must be a path relative to the project folder")
    if target.is_dir():
        target = target / "__main__.py"
    if not target.is_file():
        raise ProjectError(f"{file}: the program {target} does not exist")
    return target


def _config(
    file: Path, project: str, config: Any
) -> tuple[dict[str, Any], list[str], dict[str, tuple[str, Any]]]:
    defaults: dict[str, Any] = {}
    required: list[str] = []
    types: dict[str, tuple[str, Any]] = {}
    if config is None:
        return defaults, required, types
    if not isinstance(config, Mapping):
        raise ProjectError(f"{file}: config must be a mapping of keys")
    for key, spec in config.items():
        key = str(key)
        own = ":" not in key or key.startswith(f"{project}:")
        full = key if ":" in key else f"{project}:{key}"
        where = f"{file}: config {key}"
        if not isinstance(spec, Mapping):  # the short form: `key: value`
            defaults[full] = spec
            continue
        if "value" in spec:
            defaults[full] = spec["value"]
        type_ = spec.get("type")
        if not own:
            if type_ is not None or "default" in spec:
                raise ProjectError(
                    f"{where}: a key of another namespace takes a value, not a type or default"
                )
            continue
        if type_ is None:
            if "default" in spec and "value" not in spec:
                defaults[full] = spec["default"]
            continue
        if type_ not in _TYPES:
            raise ProjectError(f"{where}: type must be one of {', '.join(_TYPES)}")
        items = spec.get("items")
        if type_ == "array" and not isinstance(items, Mapping):
            raise ProjectError(f"{where}: an array needs items with a type")
        types[full] = (type_, items)
        if "default" in spec:
            if not _valid(type_, items, spec["default"]):
                raise ProjectError(
                    f"{where}: the default is not of type '{_type_name(type_, items)}'"
                )
            defaults[full] = spec["default"]
        elif "value" not in spec:
            required.append(full)
    return defaults, required, types


def _parsed(value: Any) -> Any:
    """Stack config given as text (``"[1, 2]"``, ``"5"``, ``"true"``) as the value it stands for."""
    if not isinstance(value, str):
        return value
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        return value


def _valid(type_: str, items: Any, value: Any) -> bool:
    """``workspace.ValidateConfigValue``: whole floats and integer text are integers; "true" /
    "false" are booleans; arrays check each item."""
    if type_ == "string":
        return isinstance(value, (str, int, float)) and not isinstance(value, bool)
    if type_ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and value.strip().lstrip("+-").isdigit()
    if type_ == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_ == "object":
        return isinstance(value, Mapping)
    if type_ == "array":
        if not isinstance(value, list) or not isinstance(items, Mapping):
            return False
        return all(_valid(str(items.get("type")), items.get("items"), v) for v in value)
    return False


def _type_name(type_: str, items: Any) -> str:
    """``workspace.InferFullTypeName``: ``array<array<integer>>``."""
    if type_ == "array" and isinstance(items, Mapping):
        return f"array<{_type_name(str(items.get('type')), items.get('items'))}>"
    return type_
