"""Aliases: the old URNs a registration may take the state of, as the engine computes them
(``pkg/resource/deploy/step_generator.go: generateAliases``, ``collapseAliasToUrn``,
``inheritedChildAlias``) from what the program sends (``source_eval.go: RegisterResource``:
``aliasURNs`` and ``aliases``, each a URN or a spec)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "Alias",
    "AliasError",
    "alias_urns",
    "duplicate_alias_message",
    "duplicate_aliased_message",
    "requested_aliases",
]

ROOT_STACK_TYPE: Final[str] = "pulumi:pulumi:Stack"


class AliasError(ValueError):
    """An alias the engine refuses (``source_eval.go: RegisterResource``: "invalid alias URN")."""


@dataclass(frozen=True)
class Alias:
    """``resource.Alias``: a whole URN, or the parts that differ from the resource's own."""

    urn: str = ""
    name: str = ""
    type: str = ""
    project: str = ""
    stack: str = ""
    parent: str = ""
    no_parent: bool = False


def _valid_urn(urn: str) -> bool:
    """``resource.ParseURN``: ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    return urn.startswith("urn:pulumi:") and urn.count("::") >= 3


def _name(urn: str) -> str:
    return urn.split("::", 3)[3]


def _qualified_type(urn: str) -> str:
    return urn.split("::", 3)[2]


def requested_aliases(request: Any) -> list[Alias]:
    """The aliases of a RegisterResourceRequest: ``aliasURNs`` (older SDKs), then ``aliases``
    (``source_eval.go: RegisterResource``); a spec's parent set to an empty URN is the default
    parent, as the Python SDK sends it for ``pulumi.Alias(name=...)``. Raises
    :class:`AliasError` for a URN that does not parse."""
    out: list[Alias] = []
    fields = request.DESCRIPTOR.fields_by_name
    for urn in request.aliasURNs if "aliasURNs" in fields else ():
        out.append(_urn_alias(str(urn)))
    for alias in request.aliases if "aliases" in fields else ():
        if alias.WhichOneof("alias") == "spec":
            spec = alias.spec
            which = spec.WhichOneof("parent")
            parent = str(spec.parentUrn) if which == "parentUrn" else ""
            if parent and not _valid_urn(parent):
                raise AliasError(f"invalid parent alias URN: {parent!r}")
            out.append(
                Alias(
                    name=str(spec.name),
                    type=str(spec.type),
                    project=str(spec.project),
                    stack=str(spec.stack),
                    parent=parent,
                    no_parent=which == "noParent" and bool(spec.noParent),
                )
            )
        else:
            out.append(_urn_alias(str(alias.urn)))
    return out


def _urn_alias(urn: str) -> Alias:
    if not _valid_urn(urn):
        raise AliasError(f"invalid alias URN: {urn!r}")
    return Alias(urn=urn)


def _create_urn(name: str, type_: str, parent: str, project: str, stack: str) -> str:
    """``resource.CreateURN``: under a parent, its URN without the name, ``$`` and the type."""
    if not parent:
        return f"urn:pulumi:{stack}::{project}::{type_}::{name}"
    return f"{parent[: parent.rindex('::')]}${type_}::{name}"


def _new_urn(stack: str, project: str, parent_type: str, type_: str, name: str) -> str:
    """``urn.New``: the parent's qualified type prefixes the type, except the root stack's."""
    if parent_type and parent_type != ROOT_STACK_TYPE:
        type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def alias_urns(
    aliases: list[Alias],
    *,
    name: str,
    type_: str,
    parent: str,
    project: str,
    stack: str,
    parent_aliases: Mapping[str, str],
) -> list[str]:
    """``step_generator.go: generateAliases``: each alias as a URN (``collapseAliasToUrn``),
    then, when the parent took an old URN by an alias (``parent_aliases``: new URN -> old URN,
    ``stepGenerator.aliases``), the child's own URN and each alias moved under that old parent
    (``inheritedChildAlias``); each URN once, in that order."""
    out: list[str] = []

    def add(urn: str) -> None:
        if urn not in out:
            out.append(urn)

    def collapse(alias: Alias) -> str:
        if alias.urn:
            return alias.urn
        owner = alias.parent or parent
        if alias.parent and alias.parent in parent_aliases:
            owner = parent_aliases[alias.parent]
        if alias.no_parent or (owner and _qualified_type(owner) == ROOT_STACK_TYPE):
            owner = ""
        return _create_urn(
            alias.name or name,
            alias.type or type_,
            owner,
            alias.project or project,
            alias.stack or stack,
        )

    def inherited(child_type: str, child_name: str, parent_alias: str) -> str:
        parent_name = _name(parent)
        alias_name = child_name
        if child_name.startswith(parent_name):
            alias_name = _name(parent_alias) + child_name[len(parent_name) :]
        return _new_urn(stack, project, _qualified_type(parent_alias), child_type, alias_name)

    for alias in aliases:
        add(collapse(alias))
    if parent and parent in parent_aliases:
        parent_alias = parent_aliases[parent]
        add(inherited(type_, name, parent_alias))
        for alias in aliases:
            child = collapse(alias)
            child_type = _qualified_type(child).rsplit("$", 1)[-1]
            add(inherited(child_type, _name(child), parent_alias))
    return out


def duplicate_alias_message(alias: str, urn: str, other: str) -> str:
    """``diag.GetDuplicateResourceAliasError``."""
    return (
        f"Duplicate resource alias '{alias}' applied to resource with URN '{urn}' conflicting "
        f"with resource with URN '{other}'"
    )


def duplicate_aliased_message(urn: str, other: str) -> str:
    """``diag.GetDuplicateResourceAliasedError``."""
    return f"Duplicate resource URN '{urn}' conflicting with alias on resource with URN '{other}'"
