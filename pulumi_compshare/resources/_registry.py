"""The resources of the package, one line each: the registry that drives the package's exports,
its lazy imports, the reference docs and every test about "all resources".

Adding a resource is its module (the declaration, the provider and the class, as
``team_membership.py``) plus one line here. Each entry names the class and its module; the
provider class is ``<name>Provider`` in the same module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ._declare import CompShareResource

__all__ = ["RESOURCES", "module_of", "resource_classes"]

RESOURCES: Final[tuple[tuple[str, str], ...]] = (
    ("Team", "team"),
    ("TeamMembership", "team_membership"),
    ("TeamMembers", "team_members"),
    ("TeamInviteAccepter", "team_invite_accepter"),
    ("ImageShare", "image_share"),
)
"""(class name, module in ``pulumi_compshare.resources``), in the order the docs list them."""


def module_of(name: str) -> str | None:
    """The module of a resource class or its provider class (``"TeamProvider"`` -> ``"team"``)."""
    for resource, module in RESOURCES:
        if name in (resource, f"{resource}Provider"):
            return module
    return None


def resource_classes() -> tuple[type[CompShareResource], ...]:
    """Every resource class, imported (docs and tests; the package itself imports lazily)."""
    return tuple(
        getattr(importlib.import_module(f"{__package__}.{module}"), name)
        for name, module in RESOURCES
    )
