"""Intents written to this machine's disk before a write whose result the stack may never record.

The engine records nothing for a Create that fails or whose provider process dies, and keeps
the old state for an Update that does. Whatever such a run did in the cloud is unknown to the
next run: a team whose creation marker was already removed, accounts added to an image's share
list. So before such a write the provider writes an *intent* here, and removes it once the
operation has returned its result to the engine; an intent still present when a later run looks
is the trace of a run that was killed (or timed out) after its write, and that run reconciles it.

An intent is a small JSON file, written atomically (a temporary file, then ``os.replace``), in
``$COMPSHARE_JOURNAL_DIR`` or ``~/.pulumi-compshare/journal``. Its name starts with a hash of the
API endpoint, the credentials' public key and the object, so only the same account on the same
endpoint reads it. It records the process that wrote it: an intent of a process still running
is a write in flight, not a trace.

**Limits.** The journal is this machine's: a run killed on one machine (a CI runner) and resumed
on another does not see it; removing the folder forgets the traces.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["Intent", "intent", "journal_dir", "traces"]


def journal_dir() -> Path:
    """Where intents are kept (``$COMPSHARE_JOURNAL_DIR``, else ``~/.pulumi-compshare/journal``)."""
    configured = os.environ.get("COMPSHARE_JOURNAL_DIR")
    return Path(configured) if configured else Path.home() / ".pulumi-compshare" / "journal"


class Intent:
    """One intent on disk: :attr:`data` and the file that holds it."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.kept = False
        """Set by the writer to leave the intent for the next run (e.g. a take-back failed)."""

    @property
    def in_flight(self) -> bool:
        """Whether the process that wrote it still runs (then it is no trace of a killed run)."""
        pid = self.data.get("pid")
        if not isinstance(pid, int) or pid <= 0:
            return False
        if pid == os.getpid():
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process: alive
            return True
        return True

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _prefix(base_url: str, public_key: str, subject: str) -> str:
    digest = hashlib.sha256(f"{base_url}\n{public_key}\n{subject}".encode()).hexdigest()
    return digest[:32]


@contextlib.contextmanager
def intent(base_url: str, public_key: str, subject: str, data: dict[str, Any]) -> Iterator[Intent]:
    """Write an intent about ``subject`` for the block; it is removed when the block ends, with
    or without an error (the error is then reported to the engine, and the operation has taken
    back or reported what it did), unless the writer sets :attr:`Intent.kept`. Only a killed
    process, or a writer that keeps it, leaves it behind."""
    folder = journal_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_prefix(base_url, public_key, subject)}-{uuid.uuid4().hex}.json"
    written = Intent(path, {**data, "pid": os.getpid()})
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(written.data), encoding="utf-8")
    os.replace(temporary, path)
    try:
        yield written
    finally:
        if not written.kept:
            written.remove()


def traces(base_url: str, public_key: str, subject: str) -> list[Intent]:
    """The intents about ``subject`` left by runs that are no longer running."""
    folder = journal_dir()
    found: list[Intent] = []
    for path in sorted(folder.glob(f"{_prefix(base_url, public_key, subject)}-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # gone meanwhile, or not ours to read
        if isinstance(data, dict):
            trace = Intent(path, data)
            if not trace.in_flight:
                found.append(trace)
    return found
