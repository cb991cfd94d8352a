"""The offline engine's command line: ``python -m pulumi_compshare.testing <command>...``.

Plays a Pulumi project folder (``Pulumi.yaml``) as ``pulumi preview`` / ``up`` / ``refresh`` /
``destroy`` would, without the Pulumi CLI: the :class:`~pulumi_compshare.testing.Player` runs
the program and drives the real provider server (``python -m pulumi.dynamic``) over gRPC, and
prints each command's plan or result in the CLI's shape. The stack state is kept in a JSON file
(``--state``) between invocations; several commands in one invocation play one after another
(``preview up refresh destroy``), which is how a fresh ``--emulator`` can see them all.

Exit status: 0 when every command succeeded; 1 when one failed (the commands after it are not
played); 2 for a usage error (bad option, no project, unreadable state file). Every error is one
line on stderr saying what went wrong and what to do.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

from .player import Player
from .project import Project, ProjectError
from .results import Plan, Step, StepError
from .server import ProviderServerError

__all__ = ["COMMANDS", "CommandError", "build_parser", "main"]

PROG = "python -m pulumi_compshare.testing"
COMMANDS = ("preview", "up", "refresh", "destroy")
"""The commands, each as the Pulumi CLI's command of the same name."""
CHANGING = ("up", "refresh", "destroy")
SECRET_KEYS = ("compshare:privateKey", "compshare:profiles")
"""Config that holds private keys: never written anywhere by this command."""
_EMULATOR_ACCOUNT = 50001
_HEADERS = {
    "preview": "Previewing update",
    "up": "Updating",
    "refresh": "Refreshing",
    "destroy": "Destroying",
}
_QUESTIONS = {
    "up": "Do you want to perform this update?",
    "refresh": "Do you want to perform this refresh?",
    "destroy": "Do you want to perform this destroy?",
}


class CommandError(Exception):
    """A usage error: one line, printed as ``error: <message>``; exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (what is wrong, and where to look)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}; see `{PROG} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``--help`` documents every option)."""
    parser = _Parser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Play a Pulumi program (a project folder with Pulumi.yaml) offline, as the Pulumi CLI\n"
            "would: the real provider server (python -m pulumi.dynamic) driven over gRPC, no\n"
            "Pulumi CLI and, with --emulator, no CompShare account. Commands play in order in one\n"
            "stack: `preview up refresh destroy` runs all four against the same emulator."
        ),
        epilog=(
            "commands:\n"
            "  preview   show what up would do (pulumi preview)\n"
            "  up        preview, then create, update and delete resources (pulumi up)\n"
            "  refresh   read every resource and record what changed outside (pulumi refresh)\n"
            "  destroy   delete every resource of the stack (pulumi destroy)\n"
            "\n"
            "examples:\n"
            f"  {PROG} --emulator -C examples/quickstart preview up refresh destroy\n"
            f"  {PROG} up --yes -C myproject --state dev.json \\\n"
            "      --config compshare:baseUrl=http://127.0.0.1:8080 \\\n"
            "      --config compshare:publicKey=... --config compshare:privateKey=...\n"
            f"  {PROG} destroy --yes -C myproject --state dev.json --config ...\n"
            "\n"
            "Config given with --config is used for this invocation only (pulumi keeps it in\n"
            "Pulumi.<stack>.yaml; here give it again each time, or set COMPSHARE_PUBLIC_KEY,\n"
            "COMPSHARE_PRIVATE_KEY and COMPSHARE_BASE_URL). The state file holds the stack's\n"
            "resources and outputs, never config: no key is ever written to it.\n"
            "\n"
            "exit status: 0 all commands succeeded, 1 a command failed (the rest are not\n"
            "played), 2 usage error."
        ),
    )
    parser.add_argument(
        "commands",
        nargs="+",
        choices=COMMANDS,
        metavar="COMMAND",
        help="preview, up, refresh or destroy; several play one after another",
    )
    parser.add_argument(
        "-C",
        "--cwd",
        default=".",
        metavar="DIR",
        help="the project folder, holding Pulumi.yaml (default: the current directory)",
    )
    parser.add_argument(
        "-s",
        "--stack",
        metavar="NAME",
        help="the stack name (default: the state file's stack, else dev)",
    )
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="JSON file keeping the stack state between invocations (created if missing; "
        "written after each up, refresh and destroy). Required for up, refresh and destroy "
        "unless --emulator (then the state lives as long as the invocation)",
    )
    parser.add_argument(
        "-c",
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="stack config, repeatable: compshare:* keys (compshare:baseUrl=URL, "
        "compshare:publicKey=..., compshare:privateKey=...) and the project's own keys (a bare "
        "key, or <project>:key), as `pulumi config set` gives them; structured values as JSON",
    )
    parser.add_argument(
        "--emulator",
        action="store_true",
        help="start a fresh CompShare emulator for this invocation (the demo's accounts "
        "50001-50004 and images compshareImage-abc and -def), act as its account 50001 and "
        "point compshare:baseUrl at it; no confirmation is asked",
    )
    parser.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="up, refresh, destroy: proceed without asking; when not interactive, this or "
        "--skip-preview is required, as in the CLI",
    )
    parser.add_argument(
        "-f",
        "--skip-preview",
        action="store_true",
        help="up: do not preview first; up, refresh, destroy: do not ask",
    )
    parser.add_argument(
        "-r",
        "--refresh",
        action="store_true",
        help="preview, up: refresh every resource first (pulumi up --refresh)",
    )
    parser.add_argument(
        "-p",
        "--parallel",
        type=int,
        metavar="N",
        help="at most N resource operations at a time (default: PULUMI_PARALLEL, else 4 per CPU)",
    )
    return parser


def _config_pairs(items: Sequence[str]) -> dict[str, str]:
    """``--config KEY=VALUE`` pairs as stack config; compshare keys are checked by name."""
    from pulumi_compshare.config import CONFIG_KEYS

    config: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(
                f"--config takes KEY=VALUE, got {item!r} (e.g. --config compshare:region=cn-wlcb)"
            )
        if key.startswith("compshare:") and key not in CONFIG_KEYS:
            close = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
            hint = f"did you mean {close[0]}?" if close else f"one of {', '.join(CONFIG_KEYS)}"
            raise CommandError(f"--config {key} is not a pulumi-compshare setting: {hint}")
        config[key] = value
    return config


def _read_state(path: Path | None) -> dict[str, Any] | None:
    """The state file's content, None if there is none yet."""
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = " ".join(str(exc).split())
        raise CommandError(
            f"--state {path}: cannot read it ({reason}); give another file, or remove it to "
            "start an empty stack"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise CommandError(
            f"--state {path}: not a state file of this command; give another file, or remove it "
            "to start an empty stack"
        )
    return data


def _save_state(player: Player, path: Path) -> None:
    """Write the state (through a temporary file: an interrupted write leaves the old one)."""
    partial = path.with_name(path.name + ".partial")
    player.save(partial)
    os.replace(partial, path)


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _confirm(question: str) -> bool:
    """Ask on the terminal, as the CLI does before it changes anything."""
    _stdout("")
    try:
        answer = input(f"{question} [yes/no]: ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _destroy_plan(player: Player) -> Plan:
    """What a destroy will delete (the CLI previews a destroy before it asks)."""
    plan = Plan("preview")
    for state in reversed(list(player.resources.values())):
        op = "discard" if state.external else "delete"
        plan.steps.append(Step(op, state.urn, state.type, state.name))
    return plan


def _play(
    player: Player,
    command: str,
    *,
    ask: bool,
    refresh: bool,
    skip_preview: bool,
    say: Callable[[str], None],
) -> bool:
    """One command; False if the user declined it."""
    stack = player.stack
    if command == "preview":
        say(f"{_HEADERS['preview']} ({stack}):")
        player.preview(refresh=refresh)
        return True
    if command == "up" and not skip_preview:
        say(f"{_HEADERS['preview']} ({stack}):")
        player.preview(refresh=refresh)
    elif command == "destroy" and ask:
        say(f"Previewing destroy ({stack}):")
        for line in _destroy_plan(player).lines():
            say(line)
    previewed = (command == "up" and not skip_preview) or ask
    if ask and not _confirm(_QUESTIONS[command]):
        say(f"confirmation declined, not proceeding with the {command}")
        return False
    if previewed:
        say("")
    say(f"{_HEADERS[command]} ({stack}):")
    if command == "up":
        player.up(refresh=refresh, skip_preview=True)
    elif command == "refresh":
        player.refresh()
    else:
        player.destroy()
    return True


def _error(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_intermixed_args(argv)
    try:
        return _main(args)
    except CommandError as exc:
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        _error("interrupted; the state file keeps what was done (run refresh to check it)")
        return 130


def _main(args: argparse.Namespace) -> int:
    if args.parallel is not None and args.parallel < 1:
        raise CommandError(f"--parallel must be at least 1, got {args.parallel}")
    try:
        project = Project.load(args.cwd)
    except ProjectError as exc:
        raise CommandError(f"{exc}; give the project folder with -C/--cwd DIR") from None
    config = _config_pairs(args.config)
    state_path = Path(args.state).resolve() if args.state else None
    changing = [c for c in args.commands if c in CHANGING]
    if changing and state_path is None and not args.emulator:
        raise CommandError(
            f"{changing[0]} needs --state FILE to keep the stack's state between invocations "
            "(or --emulator, to play against a fresh emulator in this invocation only)"
        )
    if state_path is not None and not state_path.parent.is_dir():
        raise CommandError(f"--state {state_path}: the folder {state_path.parent} does not exist")
    if args.emulator and "compshare:baseUrl" in config:
        raise CommandError(
            "--emulator points compshare:baseUrl at the emulator it starts: leave out "
            "--config compshare:baseUrl (or --emulator, to use the endpoint given)"
        )
    state = _read_state(state_path)
    if state is not None and state.get("project") not in (None, project.name):
        raise CommandError(
            f"--state {state_path} holds a stack of project {state.get('project')!r}, and "
            f"{project.path} is project {project.name!r}: give this project's state file"
        )
    stack = args.stack or (state or {}).get("stack") or "dev"
    if state is not None and args.stack and state.get("stack") not in (None, args.stack):
        raise CommandError(
            f"--state {state_path} holds stack {state.get('stack')!r}, not {args.stack!r}: give "
            f"--stack {state.get('stack')} or another state file"
        )
    ask = bool(changing) and not (args.yes or args.skip_preview or args.emulator)
    if ask and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CommandError(
            f"{changing[0]}: --yes or --skip-preview must be passed in to proceed when running "
            "in non-interactive mode (as in the Pulumi CLI)"
        )

    with ExitStack() as stack_:
        if args.emulator:
            from pulumi_compshare.emulator import Emulator

            em = stack_.enter_context(Emulator())
            owner = em.account(_EMULATOR_ACCOUNT)
            config = {
                "compshare:publicKey": owner.public_key,
                "compshare:privateKey": owner.private_key,
                **config,
                "compshare:baseUrl": em.url,
            }
            first, last = em.accounts[0].company_id, em.accounts[-1].company_id
            _stdout(
                f"CompShare emulator listening on {em.url} (demo accounts {first}-{last}; "
                f"the stack acts as {_EMULATOR_ACCOUNT})"
            )
        player = stack_.enter_context(
            Player.from_project(
                project.path,
                stack=stack,
                config=config,
                printer=_stdout,
                parallel=args.parallel,
            )
        )
        if state is not None and state_path is not None:
            player.load(state_path)
        for index, command in enumerate(args.commands):
            if index:
                _stdout("")
            try:
                done = _play(
                    player,
                    command,
                    ask=ask and command in CHANGING,
                    refresh=args.refresh,
                    skip_preview=args.skip_preview,
                    say=_stdout,
                )
            except StepError as exc:
                _error(f"{command} failed: {exc}; {_after_failure(command, state_path)}")
                return 1
            except ProjectError as exc:
                _error(f"{command}: {exc}; {_config_hint(exc)}")
                return 1
            except ProviderServerError as exc:
                _error(f"{command}: the provider server failed: {_one_line(exc)}")
                return 1
            except Exception as exc:  # the program raised: what it said, on one line
                _error(
                    f"{command}: the program failed: {type(exc).__name__}: {_one_line(exc)}; "
                    "fix the program or its config and run the command again"
                )
                return 1
            finally:
                if command in CHANGING and state_path is not None:
                    _save_state(player, state_path)
            if not done:
                return 1
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _after_failure(command: str, state_path: Path | None) -> str:
    if command == "preview":
        return "nothing was changed: fix the cause and preview again"
    kept = f"the state in {state_path} keeps" if state_path is not None else "the stack kept"
    return f"{kept} what succeeded: fix the cause and run {command} again"


def _config_hint(exc: ProjectError) -> str:
    message = str(exc)
    if "missing configuration value" in message:
        key = message.rsplit("'", 2)[-2]
        return f"give it with --config {key}=VALUE"
    return "fix the config or Pulumi.yaml and run the command again"


if __name__ == "__main__":
    sys.exit(main())
