"""Every ```python block of README.md, docs/*.md and docs/reference/*.md runs, each in the way
that shows it is right:

- **a program** (it imports ``pulumi_compshare as compshare`` and starts no emulator of its own):
  played through the offline engine (``pulumi_compshare.testing.Player``, the real provider
  server) against the module's emulator, ``up`` then ``destroy``: every resource it declares is
  created (or read, for a ``.get``), its lookups answer, its exports are set;
- **a script** (plain Python, or one that starts its own ``Emulator`` / ``Player``): executed,
  the blocks of one file in order in one namespace, as a reader runs them one after another,
  from the repository root;
- ``<!-- run with a, b and c: why -->`` before the block: executed with those names given (the
  test makes them, against an emulator);
- ``<!-- mocked: why -->``: run as a program under ``pulumi.runtime.set_mocks``, each
  registration's inputs parsed by its resource's declarations (``cls._declared``);
- ``<!-- not run: why -->``: not run. :data:`NOT_RUN` counts them, so none is left out silently.

Blocks with another info string (``python signature`` in the reference pages) are signatures,
checked to parse as one.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_compshare.api.models import InviteUser
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.resources._registry import resource_classes
from pulumi_compshare.testing import Player, ProviderServer

from .kit import client_of, stack_config

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("docs/**/*.md"))]

NOT_RUN: dict[str, int] = {}
"""Blocks marked ``<!-- not run: ... -->``, per file: a new one must be counted here."""

FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.S | re.M)
MARKER = re.compile(r"<!--\s*(not run|mocked|run with)\s*(.*?)\s*-->\s*\Z", re.S)


@dataclass(frozen=True)
class Block:
    path: str
    line: int
    info: str
    source: str
    marker: str
    """``""``, ``"not run"``, ``"mocked"`` or ``"run with"``."""
    note: str
    """The marker's text after its keyword (``": needs the Pulumi CLI"``)."""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def kind(self) -> str:
        if self.marker:
            return self.marker
        if "import pulumi_compshare as compshare" in self.source and (
            "Emulator(" not in self.source
        ):
            return "program"
        return "script"


def blocks(path: str) -> list[Block]:
    text = (ROOT / path).read_text(encoding="utf-8")
    found = []
    for fence in FENCE.finditer(text):
        info = fence["info"].strip()
        if not info.startswith("python"):
            continue
        before = text[: fence.start()].rstrip("\n")
        last = before.rsplit("\n", 1)[-1]
        marker = MARKER.search(last)
        found.append(
            Block(
                path,
                text.count("\n", 0, fence.start()) + 1,
                info,
                fence["body"],
                marker[1] if marker else "",
                marker[2] if marker else "",
            )
        )
    return found


def all_blocks() -> list[Block]:
    return [b for path in DOCS for b in blocks(path)]


# ------------------------------------------------------------------------------ the count


def test_every_python_block_is_run_or_marked_not_run_with_a_reason() -> None:
    examples = [b for b in all_blocks() if b.info == "python"]
    assert len(examples) >= 15, [b.where for b in examples]
    not_run: dict[str, int] = {}
    for block in examples:
        if block.marker:
            assert block.note.lstrip(":").strip(), f"{block.where}: the marker gives no reason"
        if block.kind == "not run":
            not_run[block.path] = not_run.get(block.path, 0) + 1
    assert not_run == NOT_RUN, (
        f"blocks marked not run: {not_run}; expected {NOT_RUN} (count a new one in NOT_RUN)"
    )
    files = {b.path for b in examples}
    assert {"README.md", "docs/testing.md", "docs/_index.md"} <= files


def test_signature_blocks_parse_as_signatures() -> None:
    signatures = [b for b in all_blocks() if b.info != "python"]
    assert signatures
    for block in signatures:
        assert block.info == "python signature", f"{block.where}: unknown info {block.info!r}"
        source = block.source.strip()
        ast.parse(f"def f{source[source.index('(') :]}: ...")  # X.get(...) as f(...)


# ------------------------------------------------------------------------------ running them


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as em:
        yield em


@pytest.fixture(scope="module")
def provider() -> Iterator[ProviderServer]:
    """One provider process for the module's programs (each Player configures it)."""
    with ProviderServer() as server:
        yield server


def documents_with_examples() -> list[str]:
    return [path for path in DOCS if any(b.info == "python" for b in blocks(path))]


@pytest.mark.parametrize("path", documents_with_examples())
def test_python_examples_run(
    path: str, emulator: Emulator, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # relative paths in the docs are the repository's
    namespace: dict[str, Any] = {"__name__": "__main__"}
    ran = 0
    for block in blocks(path):
        if block.info != "python" or block.kind == "not run":
            continue
        try:
            if block.kind == "program":
                play(block, emulator, request.getfixturevalue("provider"))
            elif block.kind == "mocked":
                run_mocked(block)
            elif block.kind == "run with":
                run_with(block)
            else:
                execute(block, namespace)
        except Exception as exc:
            raise AssertionError(f"{block.where}: the example fails: {exc!r}") from exc
        ran += 1
    assert ran


def execute(block: Block, namespace: dict[str, Any]) -> None:
    exec(compile(block.source, block.where, "exec"), namespace)


def play(block: Block, em: Emulator, server: ProviderServer) -> None:
    """The program through the offline engine against ``em``: up, then destroy."""

    def program() -> None:
        execute(block, {"__name__": "__main__"})

    with Player(config=stack_config(em), server=server) as player:
        result = player.up(program)
        ops = result.ops()
        declared = len(re.findall(r"\bcompshare\.[A-Z]\w*(?:\.get)?\(", block.source))
        assert len(ops) >= declared, (ops, declared)
        assert set(ops.values()) <= {"create", "read"}, ops
        exports = re.findall(r"pulumi\.export\(\"(\w+)\"", block.source)
        assert sorted(player.outputs) == sorted(exports)
        assert ops or exports, "the program did nothing"
        player.destroy()
        assert player.resources == {}


class Checked(pulumi.runtime.Mocks):
    """Mocks that parse each registration's inputs as its resource declares them."""

    def __init__(self) -> None:
        self.classes = {
            f"pulumi-python:dynamic/compshare:{c.__name__}": c for c in resource_classes()
        }
        self.registered: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        cls = self.classes[args.typ]
        self.registered.append(cls.__name__)
        if not args.resource_id:  # a .get() sends only what it was given
            for declared in cls._declared:
                if declared.is_input and not declared.internal:
                    value = args.inputs.get(declared.key)
                    if value is None:
                        assert not declared.required, f"{args.name}: {declared.name} is required"
                    else:
                        assert declared.parse is not None
                        declared.parse(value)
        outputs = dict(args.inputs)
        if cls.__name__ == "Team":
            outputs.update(team_id=1002, company_id=50001)
            return "1002", outputs
        return args.resource_id or f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def run_mocked(block: Block) -> None:
    mocks = Checked()
    pulumi.runtime.set_mocks(mocks, project="docs", stack="test", preview=False)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> Any:
        execute(block, {"__name__": "__main__"})
        return pulumi.Output.from_input(None)

    program()
    assert mocks.registered, "the example registers nothing"
    page_class = Path(block.path).stem.replace("-", "")
    if block.path.startswith("docs/reference/"):
        assert page_class in {name.lower() for name in mocks.registered}


def run_with(block: Block) -> None:
    """A block that uses names the text before it introduces: the test makes them."""
    names = set(re.findall(r"\w+", block.note.split(":", 1)[0])) - {"and"}
    makers = {"client", "team_id", "virtual_company_id"}
    assert names <= makers, f"{block.where}: no maker for {names - makers}"
    with Emulator() as em:
        client = client_of(em, 50001)
        client.create_team_relations(1001, [InviteUser(user_company_id=50002, remark_name="A")])
        em.accept_invite(1001, 50002)
        (member,) = client.get_team_info(1001).relations
        namespace = {
            "__name__": "__main__",
            "client": client,
            "team_id": 1001,
            "virtual_company_id": member.virtual_company_id,
        }
        execute(block, namespace)


def test_a_marker_applies_to_the_block_right_after_it(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "<!-- not run: needs the Pulumi CLI -->\n```python\nraise SystemExit\n```\n\n"
        "```python\nx = 1\n```\n<!-- mocked: names a real account's objects -->\n"
        "```python signature\nf(a: int)\n```\n"
    )
    found = blocks(str(doc))
    assert [(b.line, b.kind, b.note) for b in found] == [
        (2, "not run", ": needs the Pulumi CLI"),
        (6, "script", ""),
        (10, "mocked", ": names a real account's objects"),
    ]
    assert json.dumps([b.info for b in found]) == '["python", "python", "python signature"]'
