"""The user surface: every example and README snippet registers what it should under
``pulumi.runtime.set_mocks``; the Pulumi.yaml files are valid project files; the classroom example
plays through the offline engine against the emulator; the quickstart shipped in the package is
the repository's; the main job runs; the docs list every config key."""

from __future__ import annotations

import json
import re
import runpy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from pulumi_compshare import demo, lookups
from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.examples import project_folder
from pulumi_compshare.plugin import FOLDER
from pulumi_compshare.testing import Player
from pulumi_compshare.testing.project import Project

from . import registry
from .kit import Recorder, stack_config

try:  # the public home of the key list; older trees kept it with the resources
    from pulumi_compshare.config import CONFIG_KEYS
except ImportError:  # pragma: no cover
    from pulumi_compshare.resources._config import (  # type: ignore[import-not-found,no-redef]
        CONFIG_KEYS,
    )

ROOT = Path(__file__).resolve().parent.parent


def run_program(
    source: Path | str, project: str = "examples", config: Mapping[str, Any] | None = None
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Run a program file (or source text) under mocks, with ``config`` as the stack config, and
    return what it registered."""
    recorder = Recorder()
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
    )
    pulumi.runtime.set_mocks(recorder, project=project, stack="test", preview=False)

    @pulumi.runtime.test
    def play() -> Any:
        if isinstance(source, Path):
            runpy.run_path(str(source), run_name="__main__")
        else:
            exec(compile(source, "README.md", "exec"), {"__name__": "__main__"})
        return pulumi.Output.from_input(None)

    try:
        play()
    finally:
        pulumi.runtime.set_all_config({})
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
        assert typ in set(registry.NAMES)
        assert "__provider" in inputs
    if "compshare.Team(" in source and "compshare.TeamMembers(" not in source:
        assert {typ for typ, _ in reg.values()} == {"Team", "TeamMembership", "ImageShare"}


def test_classroom_registers_a_team_per_course_and_one_image_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = ROOT / "examples" / "classroom"
    project = Project.load(folder)  # Pulumi.yaml's defaults, as the CLI applies them
    asked: list[int] = []  # the spend lookup, mocked as Mocks.call mocks an invoke

    def spend(team_id: int, *_: Any) -> Any:
        asked.append(team_id)
        return lookups.GetTeamSpendResult(team_id, 0, 1, [], 0, {})

    monkeypatch.setattr(lookups, "get_team_spend", spend)
    reg = run_program(folder / "__main__.py", project.name, project.stack_config({}))
    assert len(asked) == 3  # each course's spend, read once its team exists
    kinds = {name: typ for name, (typ, _) in reg.items()}
    assert sorted(n for n, k in kinds.items() if k == "Team") == [
        "course-cv-101",
        "course-nlp-201",
        "course-rl-301",
    ]
    assert reg["course-cv-101"][1]["name"] == "cv-101 Computer Vision"
    members = {n: inputs for n, (k, inputs) in reg.items() if k == "TeamMembership"}
    assert len(members) == 8  # 3 + 3 + 2, Bo Li and Alice Chen in two courses each
    assert members["nlp-201-50003"]["remark_name"] == "Bo Li"
    assert members["nlp-201-50003"]["team_id"] == 1002
    assert members["cv-101-50002"]["allocated_amount"] == 20000  # the course's budget
    assert members["cv-101-50003"]["allocated_amount"] == 50000  # the student's own
    assert "allocated_amount" not in members["nlp-201-50003"]  # no budget: unmanaged
    assert [n for n, k in kinds.items() if k == "ImageShare"] == ["course-image"]
    share = reg["course-image"][1]
    assert share["image_id"] == "compshareImage-abc"
    assert share["account_ids"] == [50002, 50003, 50004, 50005, 50006, 50007]


def test_classroom_rejects_a_bad_course_list_before_creating_anything() -> None:
    folder = ROOT / "examples" / "classroom"
    project = Project.load(folder)
    twice = [{"code": "a", "title": "A", "students": []}] * 2
    config = project.stack_config({"courses": json.dumps(twice)})
    with pytest.raises(Exception, match="course code 'a' appears twice"):
        run_program(folder / "__main__.py", project.name, config)
    # a misspelt key would leave that budget unmanaged without a word
    misspelt = [{"code": "a", "title": "A", "students": [{"companyId": 50002, "budgetFen": 5}]}]
    config = project.stack_config({"courses": json.dumps(misspelt)})
    with pytest.raises(Exception, match=r"students\[0\]: unknown key 'budgetFen'"):
        run_program(folder / "__main__.py", project.name, config)


def test_classroom_plays_against_the_emulator() -> None:
    """The classroom through the offline engine: up, students accept, someone unshares the
    image in the console, refresh, up repairs it, a student leaves a course, destroy."""
    seed = generate_seed(accounts=9, images=1)
    image = seed.images[0].id
    folder = ROOT / "examples" / "classroom"
    lines: list[str] = []
    with Emulator(seed) as em:
        config = {**stack_config(em), "courseImage": image}
        with Player.from_project(folder, config=config, printer=lines.append) as player:
            result = player.up()
            assert result.counts() == {"create": 12}  # 3 teams, 8 memberships, 1 share
            names = {
                "cv-101 Computer Vision",
                "nlp-201 Natural Language Processing",
                "rl-301 Reinforcement Learning",
            }
            teams = {t["name"]: t["id"] for t in em.state()["teams"] if t["name"] in names}
            assert set(teams) == names
            nlp = teams["nlp-201 Natural Language Processing"]
            invited = {
                r["user_company_id"]: r["remark_name"]
                for r in em.state()["relations"]
                if r["team_id"] == nlp
            }
            assert invited == {50003: "Bo Li", 50005: "Dan Zhao", 50006: "Eva Sun"}
            (row,) = em.state()["images"]
            assert sorted(row["shared_with"]) == list(range(50002, 50008))
            outputs = player.outputs
            assert outputs["teams"]["nlp-201"] == nlp
            assert outputs["members"]["cv-101"] == {
                "50002": "Pending",
                "50003": "Pending",
                "50004": "Pending",
            }
            assert f"    image_shared_with: {list(range(50002, 50008))}" in lines

            cv = teams["cv-101 Computer Vision"]
            assert outputs["budgets"]["cv-101"]["50003"] == [0, 0, True]  # waits for Bo Li
            assert balance(em) == 1_000_000

            # students accept; someone removes one from the image in the console
            em.accept_invite(nlp, 50005)
            em.accept_invite(cv, 50003)
            em.unshare_image(image, 50006)
            refreshed = player.refresh()
            assert refreshed.step("course-image").line == (
                "  ~ ImageShare course-image refresh [account_ids: -50006]"
            )
            result = player.up()
            # the CLI shows old against new *inputs* (rows.go: getDiffInfo): the program did
            # not change, so no property, though the update shares the image with 50006 again
            assert result.step("course-image").line == "  ~ ImageShare course-image update"
            (row,) = em.state()["images"]
            assert 50006 in row["shared_with"]
            assert player.outputs["members"]["nlp-201"]["50005"] == "Joined"
            budgets = player.outputs["budgets"]["cv-101"]
            assert budgets["50003"] == [50000, 50000, False]  # granted once Bo Li joined
            assert budgets["50002"] == [0, 0, True]  # Alice has not accepted yet
            assert balance(em) == 1_000_000 - 50000

            # Eva leaves nlp-201, her only course; Frank (50008) joins it
            courses = Project.load(folder).stack_config({})["compshare-classroom:courses"]
            students = courses[1]["students"]
            students[:] = [s for s in students if s["companyId"] != 50006]
            students.append({"companyId": 50008, "remarkName": "Frank Zhou"})
            player.config["courses"] = json.dumps(courses)
            plan = player.preview()
            assert plan.step("course-image").line == (
                "  ~ ImageShare course-image update [account_ids: +50008 -50006]"
            )
            assert plan.ops()["nlp-201-50006"] == "delete"
            assert plan.ops()["nlp-201-50008"] == "create"
            player.up()
            (row,) = em.state()["images"]
            assert sorted(row["shared_with"]) == [*range(50002, 50006), 50007, 50008]

            em.spend(cv, 50003, 12000)
            player.up()  # nothing to change; the outputs read each student's spend
            assert player.outputs["spend"]["cv-101"] == {"50003": 12000}
            assert player.outputs["spend"]["nlp-201"] == {"50005": 0}
            player.destroy()
            assert player.resources == {}
            assert balance(em) == 1_000_000 - 12000  # Bo Li's unspent budget came back
        course_teams = [t for t in em.state()["teams"] if t["id"] in teams.values()]
        assert len(course_teams) == 3 and all(t["deleted"] for t in course_teams)


def test_the_plugin_quickstart_is_the_quickstart_in_the_plugin_form() -> None:
    """The same program but for its import (and its docstring), and the same config."""
    ours, theirs = (ROOT / "examples" / n for n in ("quickstart-plugin", "quickstart"))
    body = (ours / "__main__.py").read_text().split('"""', 2)[2]
    assert body == (theirs / "__main__.py").read_text().split('"""', 2)[2].replace(
        "import pulumi_compshare as compshare", "import pulumi_compshare.native as compshare"
    )
    config = yaml.safe_load((ours / "Pulumi.yaml").read_text())["config"]
    assert config == yaml.safe_load((theirs / "Pulumi.yaml").read_text())["config"]
    assert (ours / "requirements.txt").read_text() == (theirs / "requirements.txt").read_text()


def test_the_plugin_quickstart_plays_against_the_emulator() -> None:
    """examples/quickstart-plugin through the offline engine and the provider plugin (its folder
    form, as Pulumi.yaml's plugins would name it): a preview without API calls, up, the image
    unshared in the console, refresh, up repairs it, destroy."""
    folder = ROOT / "examples" / "quickstart-plugin"
    with Emulator() as em:
        options = {"config": stack_config(em), "plugins": {"compshare": FOLDER}}
        with Player.from_project(folder, **options) as player:
            em.reset_stats()
            plan = player.preview()
            assert plan.counts() == {"create": 5}  # the default provider and 4 resources
            assert em.stats()["requests"] == {}  # the plugin's previews call no API
            result = player.up(skip_preview=True)  # just previewed: pulumi up --skip-preview
            assert result.counts() == {"create": 5}
            team = player.resource("ml")
            assert team.type == "compshare:index:Team" and "__provider" not in team.inputs
            assert player.outputs["team_id"] == int(team.id)
            assert player.outputs["member_status"] == {"50002": "Pending", "50003": "Pending"}
            assert sorted(player.outputs["shared_with"]) == [50002, 50003]

            em.unshare_image("compshareImage-abc", 50003)
            refreshed = player.refresh()
            assert refreshed.ops()["cuda-base"] == "update"
            player.up(skip_preview=True)
            (row,) = [i for i in em.state()["images"] if i["id"] == "compshareImage-abc"]
            assert sorted(row["shared_with"]) == [50002, 50003]

            player.destroy()
            assert player.resources == {}
        (made,) = [t for t in em.state()["teams"] if t["name"] == "ml-research"]
        assert made["deleted"]


def balance(em: Emulator, company_id: int = 50001) -> int:
    (account,) = [a for a in em.state()["accounts"] if a["company_id"] == company_id]
    return int(account["balance"])


def test_the_registry_overview_example_runs() -> None:
    (source,) = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "_index.md").read_text(), re.S)
    reg = run_program(source)
    assert {typ for typ, _ in reg.values()} == {"Team", "TeamMembership", "ImageShare"}
    assert reg["course-image"][1]["account_ids"] == [50002, 50003]


@pytest.mark.parametrize(
    "path",
    [
        "Pulumi.yaml",
        "examples/quickstart/Pulumi.yaml",
        "examples/quickstart-plugin/Pulumi.yaml",
        "examples/two-accounts/Pulumi.yaml",
        "examples/classroom/Pulumi.yaml",
        "pulumi_compshare/examples/quickstart/Pulumi.yaml",
    ],
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


def test_main_job_runs_the_quickstart_offline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # as a user runs it: every provider process started fresh, as the CLI starts them (the rest
    # of the suite forks them warm: tests/conftest.py)
    monkeypatch.setenv("COMPSHARE_TESTING_FORK", "0")
    assert demo.main(["--engine", "protocol"]) == 0
    out = capsys.readouterr().out
    assert "CompShare emulator listening on http://127.0.0.1:" in out
    for header in ("Previewing update", "Updating", "Refreshing", "Destroying", "Summary:"):
        assert header in out
    assert "  ~ ImageShare cuda-base refresh [account_ids: -50003]" in out
    # old against new inputs, as the CLI shows an update: the program did not change
    assert "  ~ ImageShare cuda-base update\n" in out
    assert "    team_id: 1002" in out  # an int, though numbers cross the engine as floats
    assert "FAILED" not in out and "every check passed" in out


def test_the_packaged_quickstart_is_the_repository_example() -> None:
    """The main job plays the copy shipped in the package; users read examples/quickstart."""
    shipped = project_folder("quickstart")
    assert shipped == demo.quickstart_project()
    for name in ("Pulumi.yaml", "__main__.py"):
        assert (shipped / name).read_bytes() == (
            ROOT / "examples" / "quickstart" / name
        ).read_bytes()
    assert sorted(p.name for p in shipped.iterdir() if p.name != "__pycache__") == [
        "Pulumi.yaml",
        "__main__.py",
    ]


def test_installation_doc_lists_exactly_the_config_keys() -> None:
    text = (ROOT / "docs" / "installation-configuration.md").read_text()
    listed = set(re.findall(r"^\| `(compshare:\w+)` \|", text, flags=re.MULTILINE))
    assert listed == set(CONFIG_KEYS)
    mentioned = set(re.findall(r"compshare:\w+", text))
    assert mentioned <= set(CONFIG_KEYS), mentioned - set(CONFIG_KEYS)
