"""The player runs Pulumi project folders as the CLI does: ``Pulumi.yaml``'s name (so
``pulumi.Config()`` keys resolve and URNs are the CLI's), its config defaults and values under the
stack's config, ``main:``, the folder on ``sys.path`` for the program and as the provider server's
working directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pulumi_compshare.emulator import Emulator
from pulumi_compshare.testing import Player
from pulumi_compshare.testing.project import Project, ProjectError

from ..kit import stack_config

ROOT = Path(__file__).resolve().parents[2]

# A dynamic provider defined in the project folder: the state records it by reference as
# ``thing.Provider``, so the provider server can only load it if it runs in the folder.
THING = """
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class Provider(ResourceProvider):
    def create(self, props):
        return CreateResult(id_=f"thing-{props['label']}", outs=dict(props))


class Thing(Resource):
    def __init__(self, name, label):
        super().__init__(Provider(), name, {"label": label})
"""

PROGRAM = """
import pulumi

from thing import Thing  # a module of the project folder

config = pulumi.Config()
labels = config.require_object("labels")
for label in labels:
    Thing(f"thing-{label}", label=label)
pulumi.export("project", pulumi.get_project())
pulumi.export("labels", labels)
pulumi.export("greeting", config.get("greeting"))
pulumi.export("count", config.get_int("count"))
pulumi.export("region", pulumi.Config("compshare").get("region"))
"""

PULUMI_YAML = """
name: things
runtime:
  name: python
  options:
    toolchain: pip
config:
  compshare:region:
    value: cn-test
  labels:
    type: array
    items:
      type: string
    description: what to make
    default: [a, b]
  greeting: hello
  count:
    type: integer
"""


def make_project(folder: Path, pulumi_yaml: str = PULUMI_YAML, main: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text(
        textwrap.dedent(pulumi_yaml) + (f"main: {main}\n" * bool(main))
    )
    program_dir = folder / main if main else folder
    program_dir.mkdir(parents=True, exist_ok=True)
    (folder / "thing.py").write_text(THING)
    (program_dir / "__main__.py").write_text(PROGRAM)
    return folder


def test_a_project_folder_plays_with_its_name_config_and_folder(tmp_path: Path) -> None:
    folder = make_project(tmp_path / "things")
    with Player.from_project(folder, config={"count": "3"}) as player:
        assert player.project == "things"
        result = player.up()
        assert result.ops() == {"thing-a": "create", "thing-b": "create"}
        assert player.outputs == {
            "project": "things",
            "labels": ["a", "b"],  # the Pulumi.yaml default
            "greeting": "hello",  # the short form `key: value`
            "count": 3,  # the stack's config, a bare key taken as the project's own
            "region": "cn-test",  # a value for another namespace's key
        }
        urn = player.resource("thing-a").urn
        assert urn == "urn:pulumi:dev::things::pulumi-python:dynamic:Resource::thing-a"
        server = player.server
        assert server is not None and server.cwd == str(folder.resolve())
        # the stack's config wins over Pulumi.yaml's default
        player.config["things:labels"] = '["b", "c"]'
        assert player.up().ops() == {"thing-b": "same", "thing-c": "create", "thing-a": "delete"}
        player.destroy()
        assert player.resources == {}


def test_up_takes_a_folder_and_main_is_honoured(tmp_path: Path) -> None:
    folder = make_project(tmp_path / "nested", main="src/app")
    with Player(config={"things:count": 1}) as player:
        player.up(str(folder))
        assert player.project == "things"
        assert player.outputs["count"] == 1
        assert player.resource("thing-b").id == "thing-b"
        # one stack belongs to one project
        other = make_project(tmp_path / "other", PULUMI_YAML.replace("name: things", "name: x"))
        with pytest.raises(ProjectError, match="one stack, one project"):
            player.up(other)
        player.destroy()


def test_a_required_key_left_unset_or_of_the_wrong_type_fails_as_pulumi_up_does(
    tmp_path: Path,
) -> None:
    folder = make_project(tmp_path / "things")
    with Player.from_project(folder) as player:
        with pytest.raises(
            ProjectError, match="Stack 'dev' is missing configuration value 'count'"
        ):
            player.up()
        player.config["count"] = "many"
        with pytest.raises(
            ProjectError,
            match="Stack 'dev' with configuration key 'count' must be of type 'integer'",
        ):
            player.preview()
        assert player.calls == []  # nothing was played


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("runtime: python\n", "missing a 'name'"),
        ("name: x\nruntime: nodejs\n", "only python programs play"),
        ("name: x\nruntime: python\nmain: nowhere/\n", "does not exist"),
        (
            "name: x\nruntime: python\nconfig:\n  n:\n    type: integer\n    default: two\n",
            "the default is not of type 'integer'",
        ),
        (
            "name: x\nruntime: python\nconfig:\n  l:\n    type: array\n    items:\n"
            "      type: integer\n    default: [1, x]\n",
            "not of type 'array<integer>'",
        ),
        (
            "name: x\nruntime: python\nconfig:\n  compshare:region:\n    type: string\n",
            "another namespace takes a value",
        ),
        (": : :\n", "cannot read"),
    ],
)
def test_bad_project_files_fail_in_one_line_naming_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "Pulumi.yaml").write_text(text)
    (tmp_path / "__main__.py").write_text("")
    with pytest.raises(ProjectError, match=message) as info:
        Project.load(tmp_path)
    assert "\n" not in str(info.value)


def test_a_folder_without_a_project_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"no Pulumi\.yaml"):
        Player.from_project(tmp_path)
    with pytest.raises(TypeError, match="no program"), Player() as player:
        player.up()


def test_object_config_types_as_newer_pulumi_accepts_them(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: c\nruntime: python\nconfig:\n  courses:\n    type: array\n    items:\n"
        "      type: object\n    default:\n      - {code: a, students: [1, 2]}\n"
    )
    (tmp_path / "__main__.py").write_text("")
    project = Project.load(tmp_path)
    assert project.types["c:courses"] == ("array", {"type": "object"})
    assert project.stack_config({}) == {"c:courses": [{"code": "a", "students": [1, 2]}]}
    assert project.stack_config({"courses": '[{"code": "b"}]'})["c:courses"] == '[{"code": "b"}]'
    with pytest.raises(ProjectError, match=r"must be of type 'array<object>'"):
        project.stack_config({"courses": '["not an object"]'})


def test_the_repository_quickstart_plays_as_a_folder(tmp_path: Path) -> None:
    """The README's offline example: ``player.up("examples/quickstart")``."""
    with Emulator() as em, Player(config=stack_config(em)) as player:
        result = player.up(ROOT / "examples" / "quickstart")
        assert player.project == "compshare-quickstart"
        assert result.counts() == {"create": 4}
        # the program read its members from Pulumi.yaml's default through pulumi.Config()
        assert player.outputs["shared_with"] == [50002, 50003]
        player.destroy()
