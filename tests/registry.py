"""The resources as the tests see them: every test about "all resources" iterates these, made
from the package's one registry (``pulumi_compshare.resources._registry.RESOURCES``), so a new
resource is covered by them as soon as its registry line exists."""

from __future__ import annotations

from typing import Any

from pulumi_compshare.resources._declare import CompShareResource
from pulumi_compshare.resources._provider import CompShareProvider
from pulumi_compshare.resources._registry import RESOURCES, resource_classes

NAMES: tuple[str, ...] = tuple(name for name, _ in RESOURCES)
"""The resource class names, in the registry's order."""

MODULES: dict[str, str] = {
    name: f"pulumi_compshare.resources.{module}" for name, module in RESOURCES
}
"""Resource class name -> the module that declares it."""

SAMPLE: dict[str, Any] = {
    "name": "ml",
    "team_id": 1001.0,
    "user_company_id": 50002.0,
    "image_id": "compshareImage-abc",
    "account_ids": [50003.0, 50002.0],
    "user_company_ids": [50003.0, 50002.0],
}
"""A valid value of each required input, by property name, as the engine sends it (numbers as
floats)."""


def classes() -> dict[str, type[CompShareResource]]:
    return {cls.__name__: cls for cls in resource_classes()}


def providers() -> dict[str, CompShareProvider]:
    """A fresh (unconfigured) provider of each resource, by resource class name."""
    return {name: cls._provider_class() for name, cls in classes().items()}


def sample_inputs(name: str) -> dict[str, Any]:
    """Valid inputs of resource ``name``: its required inputs, from :data:`SAMPLE`."""
    props = classes()[name]._provider_class.props
    missing = [p.key for p in props if p.required and p.key not in SAMPLE]
    assert not missing, f"add a sample value of {missing} to tests/registry.py SAMPLE"
    return {p.key: SAMPLE[p.key] for p in props if p.required}
