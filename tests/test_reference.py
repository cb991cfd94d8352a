"""The reference pages (``docs/reference/``) are what ``python -m pulumi_compshare._reference``
makes of the code: a page per resource of the registry and one of the lookups, with every public
property and no internal one, linked from README and ``docs/_index.md``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_compshare import _reference
from pulumi_compshare.resources._fields import (
    Prop,
    boolean,
    id_set,
    output,
    positive_id,
    prop,
    text,
)
from pulumi_compshare.resources._registry import resource_classes

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "reference"
RERUN = "run `python -m pulumi_compshare._reference` to write them again"


def test_the_pages_are_what_the_code_gives() -> None:
    drifted = _reference.check(PAGES)
    assert not drifted, f"docs/reference/ differs from the code: {drifted}; {RERUN}"


def test_check_lists_a_drifted_page_and_exits_1_until_the_pages_are_written(
    tmp_path: Path,
) -> None:
    assert _reference.main(["--dir", str(tmp_path)]) == 0
    assert {p.name for p in tmp_path.iterdir()} == set(_reference.pages())
    page = tmp_path / "team-membership.md"
    page.write_text(page.read_text().replace("replaces", "in place"))
    (tmp_path / "gone.md").write_text(_reference.GENERATED + "\n# a resource no longer there\n")
    (tmp_path / "notes.md").write_text("# someone's own notes: not generated, kept\n")
    command = [sys.executable, "-m", "pulumi_compshare._reference", "--dir", str(tmp_path)]
    checked = subprocess.run([*command, "--check"], capture_output=True, text=True)
    assert checked.returncode == 1
    assert "team-membership.md: differs from the code" in checked.stderr
    assert "gone.md: differs from the code" in checked.stderr
    assert "notes.md" not in checked.stderr
    assert "run: python -m pulumi_compshare._reference" in checked.stderr
    assert _reference.main(["--dir", str(tmp_path)]) == 0
    assert not (tmp_path / "gone.md").exists() and (tmp_path / "notes.md").exists()
    assert _reference.main(["--check", "--dir", str(tmp_path)]) == 0


def test_a_page_per_registered_resource_with_every_public_property() -> None:
    pages = _reference.pages()
    classes = resource_classes()
    assert set(pages) == {
        *(_reference.page_name(c.__name__) for c in classes),
        _reference.LOOKUPS_PAGE,
        "_index.md",
    }
    for cls in classes:
        page = pages[_reference.page_name(cls.__name__)]
        inputs = _section(page, "Inputs")
        outputs = _section(page, "Outputs")
        for declared in cls._declared:
            row = f"| `{declared.name}` |"
            if declared.internal:
                assert declared.key not in page and declared.name not in page, declared.name
            elif declared.is_input:
                assert row in inputs and row not in outputs, declared.name
            else:
                assert row in outputs and row not in inputs, declared.name
        assert f"{cls.__name__}.get(" in _section(page, "Look up an existing resource")
        assert "pulumi import` cannot work" in _section(page, "Import")
        assert _section(page, "Pulumi id").startswith("The Pulumi id is ")
        assert "```python\nimport pulumi_compshare as compshare\n" in page


def _section(page: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n\n(.*?)(?=^## |\Z)", page, re.S | re.M)
    assert match, f"no section {title!r}"
    return match.group(1)


class Gadget:
    """A made-up resource.

    The Pulumi id is ``"<owner>:<serial>"``.

    Example Usage::

        gadget = Gadget("g", owner=1)
    """

    owner: pulumi.Output[int] = prop("The owner.", positive_id, required=True, replaces=True)
    label: pulumi.Output[str | None] = prop("A ``label``; a|b.", text(8))
    members: pulumi.Output[list[int]] = prop("Members.", id_set, create_only=True)
    loud: pulumi.Output[bool] = prop("Loud.", boolean, default=True)
    _secret_marker: str = prop("Kept internal.", text(8), internal=True)
    serial: pulumi.Output[int] = output("The serial.", from_id=1)
    seen: pulumi.Output[list[int] | None] = output("Seen.")

    def __init__(
        self, resource_name: str, owner: pulumi.Input[int], opts: Any = None, **more: Any
    ) -> None:
        pass

    @classmethod
    def get(cls, resource_name: str, id: pulumi.Input[str], opts: Any = None) -> Gadget:
        return cls(resource_name, 1, opts)


# The page reads a class only through its declarations (``_declared``, as
# ``CompShareResource`` sets it), annotations, docstring, ``__init__`` and ``get``.
Gadget._declared = tuple(v for v in vars(Gadget).values() if isinstance(v, Prop))  # type: ignore[attr-defined]


def test_a_declaration_becomes_rows_of_the_page() -> None:
    page = _reference.resource_page(Gadget)
    assert page.startswith(_reference.GENERATED + "\n\n# Gadget\n\nA made-up resource.")
    assert '```python\ngadget = Gadget("g", owner=1)\n```' in page
    inputs = _section(page, "Inputs")
    assert "| `owner` | `int` | required | — | replaces | The owner. |" in inputs
    assert "| `label` | `str` | optional | — | in place | A `label`; a\\|b. |" in inputs
    assert "| `members` | `list[int]` | optional | — | read on create only | Members. |" in inputs
    assert "| `loud` | `bool` | optional | `True` | in place | Loud. |" in inputs
    outputs = _section(page, "Outputs")
    assert '| `id` | `str` | The Pulumi id is `"<owner>:<serial>"`. |' in outputs
    assert "| `serial` | `int` | The serial. |" in outputs
    assert "| `seen` | `list[int] \\| None` | Seen. |" in outputs
    assert "secret_marker" not in page
    assert "Derived from it: `serial`" in _section(page, "Pulumi id")


def test_the_lookups_page_shows_every_lookup_and_its_result_fields() -> None:
    from pulumi_compshare import lookups

    page = _reference.pages()[_reference.LOOKUPS_PAGE]
    for name in lookups.__all__:
        if name.startswith("get_") and not name.endswith("_output"):
            assert f"## `{name}`\n" in page, name
        elif name.startswith("get_"):
            assert f"```{_reference.SIGNATURE}\n{name}(" in page, name
        else:
            assert f"### {name}\n" in page, name
    team = page.split("### GetTeamResult\n", 1)[1].split("###", 1)[0]
    assert "| `members` | `list[TeamMember]` |" in team
    member = page.split("### TeamMember\n", 1)[1].split("###", 1)[0]
    assert "| `status` | `str` | Pending, Joined, Rejected or Canceled. |" in member
    invites = page.split("## `get_team_invites`\n", 1)[1].split("\n## ", 1)[0]
    assert (
        "| `limit` | `int` | `10` |" in invites and "| `team_id` | `int \\| None` | — |" in invites
    )


@pytest.mark.parametrize("doc", ["README.md", "docs/_index.md"])
def test_the_docs_link_every_page(doc: str) -> None:
    text = (ROOT / doc).read_text()
    prefix = "docs/reference/" if doc == "README.md" else "reference/"
    for name in _reference.pages():
        if name != "_index.md":
            assert f"]({prefix}{name})" in text, f"{doc} does not link {prefix}{name}"


def test_the_package_never_imports_the_generator() -> None:
    code = (
        "import sys, pulumi_compshare as c\n"
        "for name in c.__all__: getattr(c, name)\n"
        "assert 'pulumi_compshare._reference' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
