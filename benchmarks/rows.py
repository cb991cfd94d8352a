"""The rows of the benchmark table and their rendering (plain text or Markdown).

Every ``bench_*`` function returns a list of :class:`Row`; ``benchmarks.run`` prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["HEADER", "SECTIONS", "Row", "render_markdown", "render_text"]

SECTIONS = (
    "API calls",
    "Wall time",
    "TeamMembers",
    "Scale",
    "Memory",
    "Cold start",
    "Client overhead",
    "Provider size",
)


@dataclass(frozen=True)
class Row:
    """One line of the table: a measurement, what it is compared with, and their ratio."""

    section: str
    """One of :data:`SECTIONS`."""
    name: str
    """What was measured, e.g. ``refresh of 200 memberships over 2 teams``."""
    value: float
    """The measurement, in :attr:`unit`."""
    unit: str
    """``calls``, ``s``, ``ms``, ``ms/call``, ``MB`` or ``bytes``."""
    baseline: float | None = None
    """What the measurement is compared with (same unit), or None."""
    baseline_label: str = ""
    """What the baseline is: ``minimum``, ``floor``, ``trivial provider``, ``ucloud SDK``..."""
    note: str = ""
    """How the numbers were obtained (call breakdown, formula)."""

    @property
    def ratio(self) -> float | None:
        """``value / baseline`` (None without a positive baseline)."""
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


def _number(value: float, unit: str) -> str:
    if unit in ("calls", "bytes"):
        return f"{value:,.0f} {unit}"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms/call":
        return f"{value:.3f} ms/call"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g} {unit}"


def _cells(row: Row) -> list[str]:
    baseline = ""
    if row.baseline is not None:
        baseline = _number(row.baseline, row.unit)
        if row.baseline_label:
            baseline += f" ({row.baseline_label})"
    ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
    return [row.section, row.name, _number(row.value, row.unit), baseline, ratio, row.note]


HEADER = ["Section", "Measurement", "Measured", "Baseline", "Ratio", "Notes"]


def render_text(rows: Sequence[Row]) -> str:
    """An aligned plain-text table (numbers right-aligned)."""
    table = [HEADER, *[_cells(r) for r in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    right = {2, 3, 4}

    def fmt(line: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(HEADER), rule, *[fmt(c) for c in table[1:]]])


def render_markdown(rows: Sequence[Row]) -> str:
    """A Markdown table (pipes in cells escaped), ready to paste into README.md."""

    def fmt(line: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in line) + " |"

    align = "| " + " | ".join(["---", "---", "---:", "---:", "---:", "---"]) + " |"
    return "\n".join([fmt(HEADER), align, *[fmt(_cells(r)) for r in rows]])
