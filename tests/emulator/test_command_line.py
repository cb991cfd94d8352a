"""``python -m pulumi_compshare.emulator``: serving, exiting cleanly, and its errors."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from pulumi_compshare.emulator import generate_seed

from .raw import signed, spoil


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pulumi_compshare.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_cli_serves_and_exits_cleanly(tmp_path: Path) -> None:
    seed = generate_seed(accounts=2)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
    process = _cli("--port", "0", "--seed", str(path), "--random-seed", "5", "--latency-ms", "1")
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        match = re.fullmatch(r"CompShare emulator listening on (http://127\.0\.0\.1:(\d+))", first)
        assert match, first
        assert int(match.group(2)) > 0
        lines = [process.stdout.readline() for _ in seed.accounts]
        assert seed.accounts[0].private_key in lines[0]
        assert str(seed.accounts[1].company_id) in lines[1]
        url = match.group(1)
        fields = signed(seed.accounts[0], {"Action": "ListCompShareTeam"})
        body = httpx.post(url, data=fields, timeout=10).json()
        assert body["RetCode"] == 0
        assert body["Teams"][0]["Name"] == "team-1"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


def test_cli_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(spoil("teams.0.owner", 9)), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_compshare.emulator", "--seed", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "teams[0].owner 9 is not an account" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_compshare.emulator", "--fault-rate", "1.5"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--fault-rate" in result.stderr
