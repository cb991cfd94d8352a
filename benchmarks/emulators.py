"""The emulator the plays talk to: in a process of its own (:class:`EmulatorProcess`, as a remote
API is) or in this one (a thread, ``--emulator-in-process``), and the stack config that points
a program at it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.harness import ROOT, Api

if TYPE_CHECKING:
    from pulumi_compshare.emulator import Seed

__all__ = ["LISTENING", "EmulatorProcess", "emulator", "stack_config"]


def stack_config(url: str, seed: Seed) -> dict[str, str]:
    """Stack config of account 0 (the owner of every generated team and image)."""
    owner = seed.accounts[0]
    return {
        "compshare:publicKey": owner.public_key,
        "compshare:privateKey": owner.private_key,
        "compshare:baseUrl": url,
    }


LISTENING = "CompShare emulator listening on "
"""The first line ``python -m pulumi_compshare.emulator`` prints, followed by its URL."""


class EmulatorProcess:
    """The emulator in a process of its own, ``python -m pulumi_compshare.emulator --seed FILE
    --latency-ms X``, as a remote API is: its request handling does not compete for this
    process's GIL with the engine stand-in. Requests are counted through its inspection endpoints
    (``GET /_emulator/stats``, ``POST /_emulator/reset-stats``, ``GET /_emulator/state``); its
    CPU is read from ``/proc``. Stopped with SIGTERM (exit status 0)."""

    def __init__(self, seed: Seed, latency_ms: float) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="bench-emulator-")
        folder = Path(self._dir.name)
        seed_file = folder / "seed.json"
        seed_file.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
        self._stderr = (folder / "stderr.txt").open("w+b")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pulumi_compshare.emulator",
                "--seed",
                str(seed_file),
                "--latency-ms",
                str(float(latency_ms)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
            text=True,
        )
        self._drain: threading.Thread | None = None
        assert self._process.stdout is not None
        first = self._process.stdout.readline()
        if not first.startswith(LISTENING):
            status, problem = self._stop()
            raise RuntimeError(f"the emulator did not start (status {status}): {problem}")
        self._url = first[len(LISTENING) :].strip()
        # The account lines that follow (one per account) must not fill the pipe and block it.
        self._drain = threading.Thread(target=self._process.stdout.read, daemon=True)
        self._drain.start()

    @property
    def url(self) -> str:
        return self._url

    @property
    def pid(self) -> int:
        return self._process.pid

    def _call(self, method: str, path: str) -> dict[str, Any]:
        body = b"" if method == "POST" else None
        request = urllib.request.Request(self._url + path, data=body, method=method)
        with urllib.request.urlopen(request, timeout=60) as answer:
            data: dict[str, Any] = json.load(answer)
        return data

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/_emulator/stats")

    def reset_stats(self) -> None:
        self._call("POST", "/_emulator/reset-stats")

    def state(self) -> dict[str, Any]:
        return self._call("GET", "/_emulator/state")

    def _stop(self) -> tuple[int | None, str]:
        """SIGTERM, then wait (kill after 10 s); the exit status and what it wrote to stderr."""
        process = self._process
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._drain is not None:
            self._drain.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        problem = ""
        if not self._stderr.closed:
            self._stderr.seek(0)
            problem = self._stderr.read().decode(errors="replace").strip()
            self._stderr.close()
        self._dir.cleanup()
        return process.returncode, problem

    def close(self) -> None:
        """Stop the emulator; an exit status other than 0 (its answer to SIGTERM) is an error."""
        status, problem = self._stop()
        if status != 0:
            raise RuntimeError(f"the emulator exited with status {status}: {problem}")

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def emulator(seed: Seed, latency_ms: float, in_process: bool) -> Iterator[tuple[Api, int | None]]:
    """An emulator answering after ``latency_ms`` and the pid of its own process (None when it
    runs in this one, as a background thread)."""
    if in_process:
        from pulumi_compshare.emulator import Emulator

        with Emulator(seed=seed, latency_ms=latency_ms) as em:
            yield em, None
    else:
        with EmulatorProcess(seed, latency_ms) as remote:
            yield remote, remote.pid
