"""The main job: run the quickstart against the built-in emulator and show the provider work.

``python -m pulumi_compshare.demo``

It starts the emulator, then plays the quickstart project — a team, two memberships and an image
share — through preview, up, an out-of-band change (the invitee accepts; someone removes an
account from the image share in the console), refresh, up again (which repairs the drift) and
destroy, and ends with a summary. The project ships inside the package
(:mod:`pulumi_compshare.examples`, the same files as the repository's ``examples/quickstart``), so
this works from an installed wheel in any directory. With the Pulumi CLI on PATH it does this
through the Automation API on a local file backend in a temporary directory; without it, it says
so (with how to install the CLI) and plays the same project with the same providers through the
engine protocol (``python -m pulumi.dynamic`` over gRPC, :class:`~pulumi_compshare.testing.Player`).
Exit status 0 means every step did what it should.
"""

from __future__ import annotations

import argparse
import os
import runpy
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .emulator import Emulator
from .examples import project_folder
from .testing import Player
from .testing.display import render_value

__all__ = ["main", "quickstart_program", "quickstart_project"]

PROJECT = "compshare-quickstart"
STACK = "dev"
OWNER, ALICE, BOB = 50001, 50002, 50003
IMAGE = "compshareImage-abc"
INSTALL_HINT = "install it with `curl -fsSL https://get.pulumi.com | sh` (https://www.pulumi.com/docs/install/)"


def quickstart_project() -> Path:
    """The quickstart project folder shipped in the package (``Pulumi.yaml``, ``__main__.py``)."""
    return project_folder("quickstart")


def quickstart_program() -> Path:
    """The quickstart program file shipped in the package."""
    return quickstart_project() / "__main__.py"


def _quickstart() -> Callable[[], None]:
    """The quickstart as a Pulumi program function (what ``pulumi up`` would run)."""
    path = str(quickstart_program())

    def program() -> None:
        runpy.run_path(path, run_name="__main__")

    return program


def _stack_config(em: Emulator) -> dict[str, str]:
    owner = em.account(OWNER)
    return {
        "compshare:publicKey": owner.public_key,
        "compshare:privateKey": owner.private_key,
        "compshare:baseUrl": em.url,
    }


def _out_of_band(em: Emulator, say: Callable[[str], None]) -> None:
    """What happens outside Pulumi between two runs, through the API with each person's keys."""
    teams, _, _ = _state_summary(em)
    team_id = int(teams[0]["id"])
    em.accept_invite(team_id, ALICE)
    say(f"  alice (50002) accepted the invite to team {team_id}")
    em.unshare_image(IMAGE, BOB)
    say(f"  someone removed bob (50003) from the share list of {IMAGE} in the console")


class _Checks:
    """What the summary reports; every failed expectation makes the exit status 1."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.failed: list[str] = []

    def expect(self, ok: bool, what: str) -> None:
        self.say(f"  [{'ok' if ok else 'FAILED'}] {what}")
        if not ok:
            self.failed.append(what)


def _state_summary(em: Emulator) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
    state = em.state()
    teams = [t for t in state["teams"] if t["name"] == "ml-research" and not t["deleted"]]
    ids = {t["id"] for t in teams}
    relations = [r for r in state["relations"] if r["team_id"] in ids]
    (image,) = [i for i in state["images"] if i["id"] == IMAGE]
    return teams, relations, list(image["shared_with"])


def _verify_up(em: Emulator, checks: _Checks, after_drift: bool) -> None:
    teams, relations, shared = _state_summary(em)
    checks.expect(len(teams) == 1, "exactly one team ml-research exists")
    statuses = {r["user_company_id"]: r["status"] for r in relations}
    want = {ALICE: "Joined" if after_drift else "Pending", BOB: "Pending"}
    checks.expect(statuses == want, f"memberships are {want} (found {statuses})")
    checks.expect(sorted(shared) == [ALICE, BOB], f"{IMAGE} is shared with 50002 and 50003")


def _verify_destroyed(em: Emulator, checks: _Checks) -> None:
    teams, relations, shared = _state_summary(em)
    checks.expect(not teams, "the team is deleted")
    checks.expect(
        all(r["status"] == "Canceled" for r in relations), "every invite and membership canceled"
    )
    checks.expect(shared == [], f"{IMAGE} is shared with nobody")


def run_with_engine_protocol(em: Emulator, say: Callable[[str], None]) -> list[str]:
    """Play the quickstart project through ``python -m pulumi.dynamic`` with the test kit's
    Player (which prints each step, the outputs and the summary)."""
    checks = _Checks(say)
    with Player.from_project(
        quickstart_project(),
        stack=STACK,
        config=_stack_config(em),
        printer=say,
        restart_per_operation=True,
    ) as player:
        say(f"\nPreviewing update ({STACK}):")
        plan = player.preview()
        checks.expect(plan.counts().get("create") == 4, "preview plans 4 creates")
        checks.expect(
            not em.stats()["requests"].get("CreateCompShareTeam"), "preview changed nothing"
        )

        say(f"\nUpdating ({STACK}):")
        player.up(skip_preview=True)  # `pulumi up --skip-preview`: the plan was just shown
        _verify_up(em, checks, after_drift=False)

        say("\nOut-of-band changes:")
        _out_of_band(em, say)

        say(f"\nRefreshing ({STACK}):")
        player.refresh()
        alice = player.resource(f"member-{ALICE}").outputs
        share = player.resource("cuda-base").outputs
        checks.expect(alice.get("status") == "Joined", "refresh found alice Joined")
        checks.expect(
            [int(a) for a in share.get("account_ids", [])] == [ALICE],
            "refresh found bob missing from the share list",
        )

        say(f"\nUpdating ({STACK}):")
        result = player.up()
        checks.expect(result.ops().get("cuda-base") == "update", "up restores the share list")
        _verify_up(em, checks, after_drift=True)

        say(f"\nDestroying ({STACK}):")
        player.destroy()
        _verify_destroyed(em, checks)
        checks.expect(not player.resources, "the stack is empty")
    return checks.failed


def run_with_cli(em: Emulator, say: Callable[[str], None]) -> list[str]:
    """The same, through the Pulumi CLI and the Automation API on a local file backend."""
    from pulumi import automation as auto

    program = _quickstart()
    checks = _Checks(say)
    with tempfile.TemporaryDirectory(prefix="compshare-demo-") as tmp:
        backend = Path(tmp, "state")
        backend.mkdir()
        python_dir = str(Path(sys.executable).parent)
        env = {
            "PULUMI_CONFIG_PASSPHRASE": "compshare-demo",
            "PULUMI_BACKEND_URL": backend.as_uri(),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PATH": python_dir + os.pathsep + os.environ.get("PATH", ""),
        }
        workspace = auto.LocalWorkspaceOptions(
            work_dir=tmp,
            env_vars=env,
            secrets_provider="passphrase",
            project_settings=auto.ProjectSettings(
                name=PROJECT, runtime="python", backend=auto.ProjectBackend(url=backend.as_uri())
            ),
        )
        stack = auto.create_or_select_stack(
            stack_name=STACK,
            project_name=PROJECT,
            program=program,
            opts=workspace,
        )
        config = _stack_config(em)
        stack.set_all_config(
            {
                key: auto.ConfigValue(value, secret=key == "compshare:privateKey")
                for key, value in config.items()
            }
        )
        say(f"\nPreviewing update ({STACK}):")
        preview = stack.preview(on_output=say)
        checks.expect(
            preview.change_summary.get(auto.OpType.CREATE, 0) >= 4, "preview plans creates"
        )
        say(f"\nUpdating ({STACK}):")
        up = stack.up(on_output=say)
        _print_outputs(say, {k: v.value for k, v in up.outputs.items()})
        _verify_up(em, checks, after_drift=False)
        say("\nOut-of-band changes:")
        _out_of_band(em, say)
        say(f"\nRefreshing ({STACK}):")
        stack.refresh(on_output=say)
        say(f"\nUpdating ({STACK}):")
        stack.up(on_output=say)
        _verify_up(em, checks, after_drift=True)
        say(f"\nDestroying ({STACK}):")
        stack.destroy(on_output=say)
        _verify_destroyed(em, checks)
        stack.workspace.remove_stack(STACK)
    return checks.failed


def _print_outputs(say: Callable[[str], None], outputs: Mapping[str, Any]) -> None:
    """Stack outputs, whole numbers as ints (engine numbers are floats), as `pulumi` prints them."""
    if outputs:
        say("Outputs:")
        for key in sorted(outputs):
            say(f"    {key}: {render_value(outputs[key], limit=1000)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_compshare.demo",
        description="Run the quickstart against the built-in CompShare emulator.",
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "cli", "protocol"),
        default="auto",
        help="auto: the Pulumi CLI if installed, else the engine protocol (default)",
    )
    args = parser.parse_args(argv)

    lock = threading.Lock()

    def say(line: str) -> None:  # steps run concurrently: one whole line at a time
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    cli = shutil.which("pulumi")
    use_cli = args.engine == "cli" or (args.engine == "auto" and cli is not None)
    if args.engine == "cli" and cli is None:
        say(f"error: the Pulumi CLI was not found on PATH; {INSTALL_HINT}")
        return 2
    with Emulator() as em:
        say(f"CompShare emulator listening on {em.url} (demo accounts 50001-50004)")
        if use_cli:
            say(f"Using the Pulumi CLI at {cli} (Automation API, local file backend).")
            failed = run_with_cli(em, say)
        else:
            if cli is None:
                say(f"The Pulumi CLI was not found on PATH; {INSTALL_HINT}.")
            say(
                "Playing the program through the engine protocol instead: the same providers "
                "in `python -m pulumi.dynamic`, driven over gRPC as `pulumi` drives them."
            )
            failed = run_with_engine_protocol(em, say)
        stats = em.stats()["requests"]
    say("\nSummary:")
    say("  created a team, 2 memberships and an image share; found alice's acceptance and the")
    say("  removed share on refresh; restored the share; destroyed everything")
    by_action = ", ".join(f"{action} {count}" for action, count in sorted(stats.items()))
    say(f"  API calls made: {sum(stats.values())} ({by_action})")
    if failed:
        say(f"  {len(failed)} check(s) FAILED: {'; '.join(failed)}")
        return 1
    say("  every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
