"""Results of the offline engine: step errors, the stack state, steps and operation results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from .display import is_internal_key, render_value
from .wire import Props, name_of

__all__ = [
    "Diagnostic",
    "Plan",
    "ResourceState",
    "Result",
    "Step",
    "StepError",
]


class StepError(Exception):
    """A resource step of a :class:`~pulumi_compshare.testing.Player` operation failed (Check
    failures and the engine's own errors, such as a protected resource, included).

    ``str()`` is one line: ``"<name>: <message>"``, followed by ``(N steps failed: a, b)`` when the
    operation had more than one failure. An operation raises its first error; :attr:`result` holds
    the partial :class:`Result`, whose ``errors`` list every failure (:attr:`errors`). The player
    state keeps every step that succeeded, as Pulumi does."""

    def __init__(
        self, op: str, urn: str, message: str, details: str = "", method: str = ""
    ) -> None:
        super().__init__(message)
        self.op = op
        """The step that failed: ``create``, ``update``, ``replace``, ``delete``, ``read``,
        ``import``, ``refresh``..."""
        self.urn = urn
        self.name = name_of(urn)
        self.type = urn.rsplit("::", 2)[-2] if urn.count("::") >= 3 else ""
        self.short_type = self.type.rsplit("$", 1)[-1].rsplit(":", 1)[-1]
        """The resource class's name (``TeamMembership``); empty if the URN has no type."""
        self.message = " ".join(message.split("\n"))
        """What a user reads, on one line (the last line of the provider traceback, the check
        failures, or the engine's message)."""
        self.details = details or message
        """The full text: the provider traceback, or the engine's message as it prints it."""
        self.method = method
        """The engine call that failed (``Check``, ``Create``...); empty for the engine's own
        errors (``protect``) and harness errors."""
        self.result: Result | None = None

    @property
    def errors(self) -> list[StepError]:
        """Every failure of the operation (this one first)."""
        if self.result is not None and self.result.errors:
            return list(self.result.errors)
        return [self]

    def __str__(self) -> str:
        errors = self.errors
        if len(errors) > 1:
            names = ", ".join(e.name for e in errors)
            return f"{self.name}: {self.message} ({len(errors)} steps failed: {names})"
        return f"{self.name}: {self.message}"


@dataclass
class ResourceState:
    """One resource in a :class:`~pulumi_compshare.testing.Player`'s stack state
    (JSON-serialisable; older state files without the newer fields still load)."""

    urn: str
    type: str
    name: str
    id: str = ""
    inputs: Props = field(default_factory=dict)
    outputs: Props = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    """URNs this resource depends on (explicit, property and parent dependencies)."""
    custom: bool = True
    """False for component resources (no provider calls)."""
    external: bool = False
    """True for resources read with ``ResourceOptions(id=...)``: never deleted, only dropped."""
    parent: str = ""
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Input property -> the URNs its value came from."""
    protect: bool = False
    retain_on_delete: bool = False
    deleted_with: str = ""
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    import_id: str = ""
    pending_replacement: bool = False
    """Deleted by a delete-before-replace whose create has not happened yet."""
    secrets: list[str] = field(default_factory=list)
    """Properties the program marked secret (at any depth): printed as ``[secret]``."""
    provider: str = ""
    """The provider reference (``<urn>::<id>``) of a plugin's resource; empty for dynamic
    resources, components and provider resources."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResourceState:
        return cls(**dict(data))

    def all_dependencies(self) -> set[str]:
        """``resource.State.GetAllDependencies``: parent, dependencies, property dependencies and
        deleted-with."""
        deps = set(self.dependencies)
        for urns in self.property_dependencies.values():
            deps.update(urns)
        deps.update(u for u in (self.parent, self.deleted_with) if u)
        if self.provider:  # GetAllDependencies: the provider too
            deps.add(self.provider.rpartition("::")[0])
        return deps


_SYMBOLS: Final[dict[str, str]] = {
    "create": "+",
    "update": "~",
    "replace": "+-",
    "delete": "-",
    "read": ">",
    "import": "=",
    "discard": "-",
    "delete-replaced": "--",
    "discard-replaced": "-",
    "same": " ",
}
_PAST: Final[dict[str, str]] = {
    "create": "created",
    "update": "updated",
    "replace": "replaced",
    "delete": "deleted",
    "read": "read",
    "import": "imported",
    "discard": "discarded",
}
_FUTURE: Final[dict[str, str]] = {
    "create": "to create",
    "update": "to update",
    "replace": "to replace",
    "delete": "to delete",
    "read": "to read",
    "import": "to import",
    "discard": "to discard",
}
_REPLACED: Final[frozenset[str]] = frozenset({"delete-replaced", "discard-replaced"})


@dataclass(frozen=True)
class Step:
    """One resource step of an operation."""

    op: str
    """``create``, ``update``, ``replace``, ``delete``, ``same``, ``read``, ``import``,
    ``discard`` (a read resource dropped) or ``delete-replaced`` / ``discard-replaced`` (the old
    copy of a replaced resource; not counted in the summary). In a refresh: ``update`` (the
    provider's Diff found changes), ``delete`` (gone) or ``same``."""
    urn: str
    type: str
    name: str
    diff: tuple[str, ...] = ()
    """Changed properties as ``~key``, ``+key``, ``-key`` (drifted outputs for a refresh): the
    engine's changed keys, old inputs against new ones."""
    refresh: bool = False
    changes: tuple[str, ...] = ()
    """What changes, one phrase per property (:mod:`~pulumi_compshare.testing.display`):
    ``account_ids: +50004 -50003``, ``remark_name: "A" => "B"``. For an update or replace the
    old inputs against the new ones, as the CLI shows them (``rows.go: getDiffInfo``: a change
    only in the live values shows no property); for a refresh the old outputs against the
    refreshed ones (``object_diff.go: getResourcePropertiesDetails``). Keys starting with
    ``__`` never appear."""

    @property
    def short_type(self) -> str:
        """The resource class's name: the last part of the type token (``ImageShare`` for
        ``pulumi-python:dynamic/compshare:ImageShare``)."""
        return self.type.rsplit("$", 1)[-1].rsplit(":", 1)[-1] or self.type

    @property
    def line(self) -> str:
        """The line printed for this step, e.g. ``~ ImageShare s update [account_ids: +50004
        -50003]`` or ``+ Team t create``. Changes are joined with ``; ``; without them the
        changed keys are shown as ``[diff: ~key]``."""
        head = f"  {_SYMBOLS[self.op]} {self.short_type} {self.name}"
        if self.changes:
            detail = f" [{'; '.join(self.changes)}]"
        elif shown := [k for k in self.diff if not is_internal_key(k.lstrip("~+-"))]:
            detail = f" [diff: {', '.join(shown)}]"
        else:
            detail = ""
        if self.refresh:
            if self.op == "delete":
                return f"{head} refresh (gone)"
            return f"{head} refresh{detail}"
        return f"{head} {self.op}{detail}"


STDOUT: Final[str] = "info"
"""The severity of a line a provider process wrote to stdout (``diag.Info``)."""
STDERR: Final[str] = "info#err"
"""The severity of a line a provider process wrote to stderr (``diag.Infoerr``)."""


@dataclass(frozen=True)
class Diagnostic:
    """A message of an operation, as the engine reports it: each line a provider process writes
    to stdout or stderr becomes one, with no URN (``sdk/go/common/resource/plugin/plugin.go:
    newPlugin``, ``runtrace``: ``Infof`` / ``Infoerrf(diag.StreamMessage("", msg, streamID))``),
    which the CLI shows under the stack in its ``Diagnostics:`` section
    (``pkg/backend/display/progress.go: processNormalEvent`` gives a message with no URN to the
    stack's row, ``printDiagnostics`` prints it)."""

    message: str
    """The line, without its line break."""
    severity: str = STDERR
    """:data:`STDERR` (``info#err``) or :data:`STDOUT` (``info``)."""
    urn: str = ""
    """Empty: provider output belongs to no resource."""


@dataclass
class Result:
    """What an operation did (or, for a :class:`Plan`, would do).

    For ``up(refresh=True)`` the refresh steps come first in :attr:`steps` (``refresh=True``); the
    counts, :meth:`ops` and :meth:`step` leave them out (see :attr:`refresh_steps`)."""

    operation: str
    """``preview``, ``up``, ``refresh`` or ``destroy``."""
    steps: list[Step] = field(default_factory=list)
    outputs: Props = field(default_factory=dict)
    """Stack outputs after the operation (``UNKNOWN`` values in a preview)."""
    errors: list[StepError] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """What the provider processes of the operation wrote, a line each, in the order read
    (:attr:`messages` has the text alone)."""
    calls: list[tuple[str, str]] = field(default_factory=list)
    """The engine calls this operation made, ``(method, resource name)`` (Configure with name
    ``""``); for an ``up``, without those of its preview (in ``preview.calls``)."""
    preview: Plan | None = None
    """For an ``up`` that previewed first (``pulumi up`` without ``--skip-preview``): the plan of
    that preview, which ran in a provider process of its own."""
    stack: str = ""
    """The root stack resource's name (``<project>-<stack>``), under which :meth:`lines` prints
    the :attr:`diagnostics`, as the CLI does."""

    @property
    def messages(self) -> list[str]:
        """What the provider processes wrote during the operation (stdout and stderr), one line
        each, in the order read; in an ``up``, those of the update (its preview's are in
        ``preview.messages``)."""
        return [d.message for d in self.diagnostics]

    def _counted(self) -> list[Step]:
        if self.operation == "refresh":
            return list(self.steps)
        return [s for s in self.steps if not s.refresh]

    @property
    def refresh_steps(self) -> list[Step]:
        """The refresh steps of ``up(refresh=True)`` / ``preview(refresh=True)``."""
        if self.operation == "refresh":
            return list(self.steps)
        return [s for s in self.steps if s.refresh]

    def counts(self) -> dict[str, int]:
        """Number of steps per op."""
        out: dict[str, int] = {}
        for step in self._counted():
            out[step.op] = out.get(step.op, 0) + 1
        return out

    def ops(self) -> dict[str, str]:
        """Resource name -> op (names are assumed unique; use :attr:`steps` otherwise).
        ``delete-replaced`` steps are left out: the resource's op is ``replace``."""
        return {s.name: s.op for s in self._counted() if s.op not in _REPLACED}

    def step(self, name: str) -> Step:
        """The step of the resource called ``name``."""
        for step in self._counted():
            if step.name == name and step.op not in _REPLACED:
                return step
        raise KeyError(name)

    def summary(self) -> str:
        """``Resources: 2 created, 1 updated, 1 deleted, 3 unchanged``."""
        counts = self.counts()
        words = _FUTURE if self.operation == "preview" else _PAST
        parts = [f"{counts[op]} {words[op]}" for op in words if counts.get(op)]
        if counts.get("same") or not parts:
            parts.append(f"{counts.get('same', 0)} unchanged")
        return "Resources: " + ", ".join(parts)

    def output_lines(self, secrets: Iterable[str] = ()) -> list[str]:
        """``Outputs:`` and one line per stack output (whole floats as ints; ``[secret]`` for
        the ``secrets``; keys starting with ``__`` left out, as the CLI's ``printObject`` leaves
        out every ``resource.IsInternalPropertyKey``), as ``pulumi up`` prints them; nothing if
        there are none."""
        shown = {k: v for k, v in self.outputs.items() if not is_internal_key(k)}
        if not shown:
            return []
        hidden = set(secrets)
        return ["Outputs:"] + [
            f"    {key}: {'[secret]' if key in hidden else render_value(value, limit=1000)}"
            for key, value in sorted(shown.items())
        ]

    def diagnostic_lines(self) -> list[str]:
        """``Diagnostics:``, the stack's header and each stream's lines (stderr's and stdout's
        each together, in the order they were first read), as the CLI prints messages with no
        URN (``pkg/backend/display/progress.go: printDiagnostics``: a stream's messages merged
        by ``mergeStreamPayloadsToSinglePayload``, under ``resourceHeader`` of the stack row);
        nothing if there are none."""
        lines = [d for d in self.diagnostics if d.message.strip()]
        if not lines:
            return []
        streams: dict[str, list[str]] = {}
        for diagnostic in lines:
            streams.setdefault(diagnostic.severity, []).append(diagnostic.message.rstrip())
        header = (
            f"  pulumi:pulumi:Stack ({self.stack}):" if self.stack else "  pulumi:pulumi:Stack:"
        )
        out = ["Diagnostics:", header]
        for stream in streams.values():
            out += [f"    {line}" for line in stream]
        return out

    def error_lines(self) -> list[str]:
        """Every failure of the operation, one line each, after a header: ``Errors (2):`` then
        ``  TeamMembership member-50002 create: <message>``; nothing if all went well."""
        if not self.errors:
            return []
        return [f"Errors ({len(self.errors)}):"] + [
            f"  {e.short_type + ' ' if e.short_type else ''}{e.name} {e.op}: {e.message}"
            for e in self.errors
        ]

    def lines(self) -> list[str]:
        """Printed lines: one per changing step, the provider's messages
        (:meth:`diagnostic_lines`), the summary, then every failure."""
        changed = [s.line for s in self.steps if s.op != "same"]
        return [*changed, *self.diagnostic_lines(), self.summary(), *self.error_lines()]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Plan(Result):
    """The result of :meth:`Player.preview`: nothing was created, updated or deleted."""
