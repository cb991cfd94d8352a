"""End to end with the real Pulumi CLI through the Automation API: preview, up, refresh and
destroy of the quickstart against the emulator on a local file backend.

Skips when the `pulumi` CLI is not on PATH (it cannot be installed on our CI machines); run it
on a machine with the CLI: ``python -m pytest tests/test_cli.py``."""

from __future__ import annotations

import os
import runpy
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from pulumi_compshare.emulator import Emulator

from .kit import client_of

pytestmark = [
    pytest.mark.cli,
    pytest.mark.skipif(
        shutil.which("pulumi") is None,
        reason="the Pulumi CLI is not on PATH (install: curl -fsSL https://get.pulumi.com | sh)",
    ),
]

QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart" / "__main__.py"


def shared_with(em: Emulator, image: str) -> list[int]:
    (found,) = [i for i in em.state()["images"] if i["id"] == image]
    return sorted(found["shared_with"])


def live_team(em: Emulator) -> list[dict[str, Any]]:
    return [t for t in em.state()["teams"] if t["name"] == "ml-research" and not t["deleted"]]


def test_quickstart_with_the_pulumi_cli(tmp_path: Path) -> None:
    from pulumi import automation as auto

    backend = tmp_path / "state"
    backend.mkdir()
    env = {
        "PULUMI_CONFIG_PASSPHRASE": "test",
        "PULUMI_BACKEND_URL": backend.as_uri(),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    }
    with Emulator() as em:
        stack = auto.create_or_select_stack(
            stack_name="dev",
            project_name="compshare-quickstart",
            program=lambda: runpy.run_path(str(QUICKSTART), run_name="__main__"),
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(tmp_path),
                env_vars=env,
                secrets_provider="passphrase",
                project_settings=auto.ProjectSettings(
                    name="compshare-quickstart",
                    runtime="python",
                    backend=auto.ProjectBackend(url=backend.as_uri()),
                ),
            ),
        )
        owner = em.account(50001)
        stack.set_all_config(
            {
                "compshare:publicKey": auto.ConfigValue(owner.public_key),
                "compshare:privateKey": auto.ConfigValue(owner.private_key, secret=True),
                "compshare:baseUrl": auto.ConfigValue(em.url),
            }
        )

        preview = stack.preview()
        assert preview.change_summary.get(auto.OpType.CREATE) == 5  # stack + 4 resources
        assert live_team(em) == []

        up = stack.up()
        assert up.outputs["shared_with"].value == [50002, 50003]
        assert up.outputs["member_status"].value == {"50002": "Pending", "50003": "Pending"}
        (team,) = live_team(em)
        assert up.outputs["team_id"].value == team["id"]
        assert shared_with(em, "compshareImage-abc") == [50002, 50003]

        client_of(em, 50002).set_team_relation(team["id"], "Agree")
        client_of(em, 50001).modify_image_share_accounts("compshareImage-abc", remove=[50003])
        stack.refresh()
        state = stack.export_stack().deployment["resources"]
        by_name = {r["urn"].rsplit("::", 1)[-1]: r for r in state}
        assert by_name["member-50002"]["outputs"]["status"] == "Joined"
        assert by_name["cuda-base"]["outputs"]["account_ids"] == [50002]
        for resource in state:  # the serialized provider is a small reference, never a key
            provider = resource.get("outputs", {}).get("__provider")
            if provider is not None:
                assert owner.private_key not in str(provider)

        stack.up()
        assert shared_with(em, "compshareImage-abc") == [50002, 50003]

        stack.destroy()
        assert live_team(em) == []
        assert shared_with(em, "compshareImage-abc") == []
        stack.workspace.remove_stack("dev")
