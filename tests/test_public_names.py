"""``__all__`` lists exactly the public names of each public module, and they import."""

from __future__ import annotations

import ast
import importlib
import inspect
import pydoc
import types

import pytest

from .registry import NAMES

PUBLIC_MODULES = [
    "pulumi_compshare",
    "pulumi_compshare.config",
    "pulumi_compshare.errors",
    "pulumi_compshare.client",
    "pulumi_compshare.resources",
    "pulumi_compshare.emulator",
    "pulumi_compshare.testing",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    """Every public class and function a module defines (a package: exposes) is in
    ``__all__``, and everything in ``__all__`` exists."""
    module = importlib.import_module(name)
    is_package = hasattr(module, "__path__")
    exported = set(module.__all__) - {"__version__"}
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and isinstance(value, (type, types.FunctionType))
        and (value.__module__.startswith(f"{name}.") if is_package else value.__module__ == name)
    }
    assert public <= exported, sorted(public - exported)
    for attr in module.__all__:
        assert hasattr(module, attr), attr


def test_every_error_has_one_root() -> None:
    errors = importlib.import_module("pulumi_compshare.errors")
    for attr in errors.__all__:
        cls = getattr(errors, attr)
        if isinstance(cls, type):
            assert issubclass(cls, errors.CompShareError), attr


@pytest.mark.parametrize("kind", NAMES)
def test_help_shows_every_property_with_its_doc_and_an_example(kind: str) -> None:
    """Each property is declared once: its annotation, its doc in ``help()``, the provider's
    inputs, and the ``:param`` docs of ``__init__`` all come from that declaration."""
    compshare = importlib.import_module("pulumi_compshare")
    cls = getattr(compshare, kind)
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    assert "Example Usage" in (cls.__doc__ or "")
    declared = cls._declared
    assert {p.name for p in declared if not p.internal} == set(cls.__annotations__)
    for prop in declared:
        if prop.internal:  # set by the resource itself: not part of what help() shows
            assert prop.name.startswith("_") and prop.doc not in text, prop.name
            continue
        assert prop.doc and prop.doc.split()[0] in text, prop.name
    provider = cls._provider_class
    assert provider.kind == kind
    assert [p.name for p in provider.props] == [p.name for p in declared if p.is_input]
    init_doc = cls.__init__.__doc__ or ""
    for name in inspect.signature(cls.__init__).parameters:
        if name != "self":
            assert f":param {name}:" in init_doc, name


@pytest.mark.parametrize(
    ("package", "names"),
    [
        ("pulumi_compshare", set(NAMES)),
        ("pulumi_compshare.resources", {n for name in NAMES for n in (name, f"{name}Provider")}),
    ],
)
def test_what_type_checkers_see_is_the_registry(package: str, names: set[str]) -> None:
    """A package's resource names come from the registry at run time; type checkers read the
    ``if TYPE_CHECKING:`` imports instead, which must name exactly the same resources."""
    module = importlib.import_module(package)
    tree = ast.parse(inspect.getsource(module))
    guarded = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    imported = {
        alias.asname or alias.name
        for block in guarded
        for node in ast.walk(block)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").lstrip(".") != "client"
        and "lookups" not in (node.module or "")
        for alias in node.names
    }
    assert imported == names
    assert names <= set(module.__all__)
