"""The user surface: every example and README snippet registers what it should under
``pulumi.runtime.set_mocks``; the Pulumi.yaml files are valid project files; the main job runs."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from pulumi_compshare import demo
from pulumi_compshare.config import CONFIG_KEYS
from pulumi_compshare.emulator import Emulator

from .kit import Recorder

ROOT = Path(__file__).resolve().parent.parent


def run_program(source: Path | str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Run a program file (or source text) under mocks and return what it registered."""
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="examples", stack="test", preview=False)

    @pulumi.runtime.test
    def play() -> Any:
        if isinstance(source, Path):
            runpy.run_path(str(source), run_name="__main__")
        else:
            exec(compile(source, "README.md", "exec"), {"__name__": "__main__"})
        return pulumi.Output.from_input(None)

    play()
    return {
        name: (recorder.kinds()[name], inputs) for name, (_, inputs) in recorder.registered.items()
    }


def test_quickstart_registers_a_team_two_memberships_and_a_share() -> None:
    reg = run_program(ROOT / "examples" / "quickstart" / "__main__.py")
    assert {name: typ for name, (typ, _) in reg.items()} == {
        "ml": "Team",
        "member-50002": "TeamMembership",
        "member-50003": "TeamMembership",
        "cuda-base": "ImageShare",
    }
    assert reg["ml"][1]["name"] == "ml-research"
    assert reg["member-50002"][1]["team_id"] == 1002
    assert reg["member-50003"][1]["user_company_id"] == 50003
    assert reg["cuda-base"][1]["image_id"] == "compshareImage-abc"
    assert reg["cuda-base"][1]["account_ids"] == [50002, 50003]


def test_two_accounts_invites_and_accepts_with_a_profile() -> None:
    reg = run_program(ROOT / "examples" / "two-accounts" / "__main__.py")
    assert reg["research"][0] == "Team"
    assert reg["invitee"][0] == "TeamMembership" and reg["invitee"][1]["user_company_id"] == 50002
    assert reg["invitee"][1].get("profile") is None  # the owner's default credentials
    assert reg["accept"][0] == "TeamInviteAccepter"
    assert reg["accept"][1]["profile"] == "invitee"
    assert reg["accept"][1]["team_id"] == 1002


def readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.parametrize("index", range(len(readme_python_blocks())))
def test_readme_python_examples_run(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Programs run under mocks, with the environment's credentials pointing at an emulator for
    lookups; a block that plays programs itself (the test kit's Player) runs as a script."""
    source = readme_python_blocks()[index]
    if "Player(" in source:
        exec(compile(source, "README.md", "exec"), {"__name__": "__main__"})
        return
    with Emulator() as em:
        monkeypatch.setenv("COMPSHARE_PUBLIC_KEY", em.account(50001).public_key)
        monkeypatch.setenv("COMPSHARE_PRIVATE_KEY", em.account(50001).private_key)
        monkeypatch.setenv("COMPSHARE_BASE_URL", em.url)
        reg = run_program(source)
    for typ, inputs in reg.values():
        assert typ in {"Team", "TeamMembership", "TeamInviteAccepter", "ImageShare"}
        assert "__provider" in inputs
    if "compshare.Team(" in source:
        assert {typ for typ, _ in reg.values()} == {"Team", "TeamMembership", "ImageShare"}


@pytest.mark.parametrize(
    "path",
    ["Pulumi.yaml", "examples/quickstart/Pulumi.yaml", "examples/two-accounts/Pulumi.yaml"],
)
def test_pulumi_yaml_is_a_valid_project(path: str) -> None:
    project = yaml.safe_load((ROOT / path).read_text())
    assert project["runtime"] == "python" and project["name"]
    config = project["config"]
    assert set(config) >= set(CONFIG_KEYS)
    for key, spec in config.items():
        assert spec.get("description"), key
        if ":" in key:  # another namespace: the engine accepts only a value
            assert "value" in spec and "type" not in spec and "default" not in spec, key
        else:  # this project's own keys: typed, with a default so no stack must set them
            assert "type" in spec and "default" in spec, key
    if path == "Pulumi.yaml":
        assert project["main"] == "examples/quickstart/"
        assert (ROOT / project["main"] / "__main__.py").is_file()


def test_main_job_runs_the_quickstart_offline(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(["--engine", "protocol"]) == 0
    out = capsys.readouterr().out
    assert "CompShare emulator listening on http://127.0.0.1:" in out
    for header in ("Previewing update", "Updating", "Refreshing", "Destroying", "Summary:"):
        assert header in out
    assert "refresh (drift: ~account_ids)" in out
    assert "FAILED" not in out and "every check passed" in out
