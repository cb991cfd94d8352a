"""What the Pulumi CLI reads before it runs the engine: the defaults of ``--parallel`` and of
parallel diffs, from the environment as the CLI reads them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Final

__all__ = ["default_parallel", "parallel_diff"]

_MAX_INT32: Final[int] = 2**31 - 1
_INT: Final[re.Pattern[str]] = re.compile(r"[+-]?[0-9]+")


def _env_int(environ: Mapping[str, str], name: str) -> int:
    """``sdk/go/common/util/env: IntValue.Value``: ``strconv.ParseInt(v, 10, 64)``, 0 when unset
    or not a base-10 integer (no spaces, no underscores) or out of int64's range."""
    value = environ.get(name)
    if value is None or not _INT.fullmatch(value):
        return 0
    parsed = int(value)
    return parsed if -(2**63) <= parsed < 2**63 else 0


def _cpus() -> int:
    """Go's ``runtime.GOMAXPROCS(0)``: by default the CPUs the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_parallel(environ: Mapping[str, str] | None = None) -> int:
    """The CLI's default ``--parallel``: ``PULUMI_PARALLEL`` when it is a positive integer (at
    most 2^31 - 1), else 4 per CPU (``pkg/cmd/pulumi/operations/up.go: defaultParallel``:
    ``env.Parallel.Value()``, else ``runtime.GOMAXPROCS(0) * 4``; the default of every command's
    ``--parallel`` flag)."""
    value = _env_int(os.environ if environ is None else environ, "PULUMI_PARALLEL")
    if value > 0:
        return min(value, _MAX_INT32)
    return 4 * _cpus()


def parallel_diff(environ: Mapping[str, str] | None = None) -> bool:
    """``PULUMI_PARALLEL_DIFF``: Diffs run as steps of their own, concurrently
    (``sdk/go/common/env/env.go: ParallelDiff``, passed as ``ParallelDiff`` by ``up.go``,
    ``preview.go``...; ``BoolValue.Value``: ``1`` or ``true`` in any case)."""
    value = (os.environ if environ is None else environ).get("PULUMI_PARALLEL_DIFF", "")
    return value == "1" or value.lower() == "true"
