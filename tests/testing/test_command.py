"""The offline command line (``python -m pulumi_compshare.testing``), run as a real process
against a real emulator: its own (``--emulator``) or a long-running one in another process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "examples" / "classroom"
COURSES = json.dumps(
    [
        {
            "code": "cv-101",
            "title": "Computer Vision",
            "budget": 20000,
            "students": [
                {"companyId": 50002, "remarkName": "Alice"},
                {"companyId": 50003, "remarkName": "Bo"},
            ],
        },
        {"code": "nlp-201", "title": "NLP", "students": [{"companyId": 50004}]},
    ]
)
"""The classroom's courses with the emulator's demo accounts (50002-50004) as students."""
ONE_COURSE = json.dumps([{"code": "cv-101", "title": "CV", "students": [{"companyId": 50002}]}])


def _env() -> dict[str, str]:
    """The test's environment without CompShare settings: only the command line configures."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COMPSHARE_", "UCLOUD_"))}


def command(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m pulumi_compshare.testing ARGS`` in a process of its own, stdin not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_compshare.testing", *args],
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _state(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def test_classroom_preview_up_refresh_destroy_against_its_own_emulator(tmp_path: Path) -> None:
    state = tmp_path / "classroom.json"
    done = command(
        "--emulator",
        "-C",
        str(CLASSROOM),
        "--state",
        str(state),
        "--config",
        f"courses={COURSES}",
        "preview",
        "up",
        "refresh",
        "destroy",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert out.startswith("CompShare emulator listening on http://127.0.0.1:")
    headers = [line for line in out.splitlines() if line.endswith("(dev):")]
    assert headers == [
        "Previewing update (dev):",  # preview
        "Previewing update (dev):",  # up's own preview
        "Updating (dev):",
        "Refreshing (dev):",
        "Destroying (dev):",
    ]
    assert "  + Team course-cv-101 create" in out
    assert "  + TeamMembership cv-101-50002 create" in out
    assert "  + ImageShare course-image create" in out
    assert out.count("Resources: 6 to create") == 2
    assert "Resources: 6 created" in out
    assert "    enrolled: [50002, 50003, 50004]" in out
    assert "Resources: 6 unchanged" in out
    assert "  - Team course-cv-101 delete" in out
    assert out.rstrip().endswith("Resources: 6 deleted")
    assert _state(state)["resources"] == []
    assert _state(state)["project"] == "compshare-classroom"


@pytest.fixture
def emulator() -> Iterator[tuple[str, str, str]]:
    """A long-running emulator in its own process: its URL and account 50001's key pair."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_compshare.emulator"],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        keys = process.stdout.readline()
        found = re.search(r"^account 50001 \S+ public_key=(\S+) private_key=(\S+)$", keys)
        assert url.startswith("http://") and found, keys
        yield url, found[1], found[2]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_separate_invocations_share_a_state_file(
    tmp_path: Path, emulator: tuple[str, str, str]
) -> None:
    url, public_key, private_key = emulator
    state = tmp_path / "state" / "dev.json"
    state.parent.mkdir()
    stack = [
        *("-C", str(CLASSROOM), "--state", str(state), "--config", f"compshare:baseUrl={url}"),
        *("--config", f"compshare:publicKey={public_key}"),
        *("--config", f"compshare:privateKey={private_key}"),
    ]
    up = command("up", "--yes", *stack, "--config", f"courses={ONE_COURSE}")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "Resources: 3 created" in up.stdout
    saved = state.read_text()
    names = sorted(r["name"] for r in json.loads(saved)["resources"])
    assert names == ["course-cv-101", "course-image", "cv-101-50002"]
    assert private_key not in saved  # nor any config: the state has resources and outputs
    assert "privateKey" not in saved
    assert private_key not in up.stdout + up.stderr

    # A later process finds the stack where the first left it, in the emulator it changed.
    gone = command("refresh", "destroy", "--yes", *stack)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert "Resources: 3 unchanged" in gone.stdout
    assert "Resources: 3 deleted" in gone.stdout
    assert json.loads(state.read_text())["resources"] == []
    assert private_key not in state.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["preview", "--config", "courses"], "error: --config takes KEY=VALUE, got 'courses'"),
        (
            ["preview", "--config", "compshare:privatekey=x"],
            "error: --config compshare:privatekey is not a pulumi-compshare setting: "
            "did you mean compshare:privateKey?",
        ),
        (["up", "--yes"], "error: up needs --state FILE"),
        (["destroy", "--state", "s.json"], "error: destroy: --yes or --skip-preview must be"),
        (["launch"], "error: argument COMMAND: invalid choice: 'launch'"),
    ],
)
def test_a_usage_error_is_one_line(args: list[str], message: str) -> None:
    done = command(*args, "-C", str(CLASSROOM))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(message), done.stderr


def test_a_folder_without_a_project_is_one_line(tmp_path: Path) -> None:
    done = command("preview", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {tmp_path}: no Pulumi.yaml (a Pulumi project folder has one); give the project "
        "folder with -C/--cwd DIR\n"
    )


def test_a_failing_program_is_one_line_and_status_1(tmp_path: Path) -> None:
    done = command("--emulator", "-C", str(CLASSROOM), "--config", "courses=[]", "preview", "up")
    assert done.returncode == 1
    assert done.stderr == (
        "error: preview: the program failed: ValueError: config courses: expected a non-empty "
        "list of courses; fix the program or its config and run the command again\n"
    )
    assert "Updating" not in done.stdout  # the commands after a failure are not played


def test_help_documents_the_commands() -> None:
    done = command("--help")
    assert done.returncode == 0
    for text in ("preview", "refresh", "--state FILE", "--emulator", "KEY=VALUE", "--yes"):
        assert text in done.stdout
