"""Provider processes forked from a warm parent (``COMPSHARE_TESTING_FORK=1``, the suite's
default) are the process a fresh ``python -u -m pulumi.dynamic`` would be: same working
directory, environment, import path and streams, this package loaded afresh in each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_compshare.testing import forkserver
from pulumi_compshare.testing.engine import ProviderServer, make_urn, resource_type

from ..harness_providers import Echo, EchoProvider
from .test_engine_harness import PROVIDER_KEY, ROOT, serialize_provider

ECHO = resource_type(Echo)


def _echo(name: str) -> dict[str, object]:
    return {"name": name, PROVIDER_KEY: serialize_provider(EchoProvider())}


def _play(tmp_path: Path) -> tuple[ProviderServer, dict[str, object]]:
    server = ProviderServer(cwd=ROOT, env={"HARNESS_STORE": str(tmp_path)})
    server.start()
    server.configure({"harness:token": "tok"})
    urn = make_urn(ECHO, "a")
    inputs, failures = server.check(urn, {}, _echo("a"))
    assert failures == []
    _id, outputs = server.create(urn, inputs)
    return server, outputs


@pytest.mark.parametrize("fork", ["1", "0"], ids=["forked", "fresh"])
def test_a_provider_process_serves_the_same_either_way(
    fork: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(forkserver.ENV_VAR, fork)
    server, outputs = _play(tmp_path)
    try:
        assert server.pid is not None
        parent = int(Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        forked = parent != os.getpid()  # a fresh process is ours; a forked one the parent's
        assert forked == (fork == "1" and forkserver.enabled())
        # the environment reached it (the Echo provider keeps its store where it says) ...
        store = json.loads((tmp_path / "store.json").read_text())
        assert store["config"]["harness:token"] == "tok"
        assert outputs["name"] == "a"
        assert server.running and server.pid is not None
    finally:
        server.stop()
    assert not server.running


@pytest.mark.skipif(not forkserver.enabled({forkserver.ENV_VAR: "1"}), reason="Linux only")
def test_a_forked_process_has_its_own_streams_path_and_end(tmp_path: Path) -> None:
    """Its stdout and stderr are pipes of its own (the port first, as the engine reads it), its
    import path starts with its working directory and its PYTHONPATH, and it can be ended and
    waited for like a child."""
    (tmp_path / "extra").mkdir()
    env = {"PYTHONPATH": str(tmp_path / "extra"), "PATH": "/usr/bin:/bin"}
    proc = forkserver.spawn([sys.executable, "-u", "-m", "pulumi.dynamic"], str(tmp_path), env)
    assert proc is not None
    try:
        port = proc.stdout.readline().decode().strip()
        assert port.isdigit()
        assert proc.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=0.05)
        assert Path(f"/proc/{proc.pid}/cwd").resolve() == tmp_path.resolve()
    finally:
        proc.terminate()
    proc.wait(timeout=10)
    assert proc.poll() is not None
    proc.kill()  # ending an ended process is no error
    assert proc.stderr.read() == b""  # terminated quietly: nothing was written to stderr


def test_what_the_parent_preloads_of_this_package_reads_no_environment() -> None:
    """The warm parent imports the API models and the client before any fork, under its own
    environment: nothing they import of this package may read the environment when imported
    (the providers, their configuration and read cache, which do, are imported after the
    fork)."""
    import pulumi_compshare

    root = Path(pulumi_compshare.__file__).parent
    preloaded = [m for m in forkserver.PRELOAD if m.startswith("pulumi_compshare.")]
    assert preloaded
    for folder in {m.split(".")[1] for m in preloaded}:
        for source in (root / folder).glob("*.py"):
            text = source.read_text(encoding="utf-8")
            assert "environ" not in text and "getenv" not in text, source
