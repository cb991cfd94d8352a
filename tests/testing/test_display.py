"""What the player prints: step lines that say what changes (account ids added and removed,
old => new values), ints for the engine's whole floats, one whole line per printer call even when
steps finish together, and every failure of an operation at its end."""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Callable

import pulumi
import pytest

import pulumi_compshare as compshare
from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.testing import UNKNOWN, Player, Result, Step, StepError
from pulumi_compshare.testing.display import (
    describe_changes,
    describe_update,
    plain,
    render_value,
)

from ..kit import stack_config

IMAGE = "compshareImage-abc"
SHARE = "pulumi-python:dynamic/compshare:ImageShare"


# --------------------------------------------------------------------------------------------------
# values and phrases


def test_whole_floats_print_as_ints_at_any_depth() -> None:
    assert plain({"ids": [50002.0, 1.5], "team": {"id": 1002.0}, "ok": True}) == {
        "ids": [50002, 1.5],
        "team": {"id": 1002},
        "ok": True,
    }
    assert render_value(1002.0) == "1002"
    assert render_value({"50002": "Joined", "n": 3.0}) == '{"50002": "Joined", "n": 3}'
    assert render_value("Ünïcode") == '"Ünïcode"'
    assert render_value(UNKNOWN) == "(unknown)"
    assert render_value([1.0, UNKNOWN]) == "[1, (unknown)]"
    assert render_value(None) == "(none)"
    assert render_value("x" * 100) == '"' + "x" * 58 + "…"


def test_lists_of_scalars_change_by_elements_added_and_removed() -> None:
    olds = {"account_ids": [50002.0, 50003.0], "image_id": IMAGE}
    news = {"account_ids": [50004.0, 50002.0], "image_id": IMAGE}
    assert describe_changes(olds, news) == ("account_ids: +50004 -50003",)
    # order and duplicates are no change
    assert describe_changes(olds, {"account_ids": [50003, 50002, 50002], "image_id": IMAGE}) == ()
    many = {"account_ids": list(range(1, 21))}
    (phrase,) = describe_changes({"account_ids": []}, many)
    assert phrase == "account_ids: " + " ".join(f"+{i}" for i in range(1, 13)) + " (+8 more)"


def test_other_values_change_as_old_to_new_and_secrets_stay_hidden() -> None:
    olds = {"remark_name": "A", "description": "d", "__provider": "p1"}
    news = {"remark_name": "B", "name": "n", "__provider": "p2"}
    assert describe_changes(olds, news) == (
        'description: "d" => (none)',
        'name: (none) => "n"',
        'remark_name: "A" => "B"',
    )
    assert describe_changes(olds, news, secrets={"remark_name"})[-1] == "remark_name: [secret]"
    # an unchanged secret is not a change
    assert describe_changes({"k": "s"}, {"k": "s"}, secrets={"k"}) == ()
    # a key the engine says changed is shown even if the values look alike
    assert describe_changes({"k": 1}, {"k": 1.0}, keys=["~k"]) == ("k: 1 => 1",)


def test_an_update_shows_old_inputs_against_new_inputs_as_the_cli_does() -> None:
    """``rows.go: getDiffInfo`` without a detailed diff (the Python dynamic server never sends
    one): old *inputs* against new inputs, internal keys left out. A change only in the live
    values (an account removed in the console) shows no property, as in the CLI."""
    inputs = {"image_id": IMAGE, "account_ids": [50002.0, 50003.0], "__provider": "p1"}
    assert describe_update(inputs, inputs) == ()
    news = {**inputs, "profile": "bob", "__provider": "p2", "__holder": "h"}
    assert describe_update(inputs, news) == ('profile: (none) => "bob"',)
    # a null is no value (PropertyValue.HasValue)
    assert describe_update({**inputs, "remark": None}, inputs) == ()
    # keys the provider named as changed limit what is shown (writeShortDiff's include)
    both = {**news, "account_ids": [50002.0]}
    assert describe_update(inputs, both) == ("account_ids: -50003", 'profile: (none) => "bob"')
    assert describe_update(inputs, both, changed_keys=["profile"]) == ('profile: (none) => "bob"',)


def test_internal_keys_are_never_printed() -> None:
    """Keys starting with ``__`` are hidden wherever the CLI prints properties
    (``resource.IsInternalPropertyKey``): changes, changed keys and outputs."""
    olds = {"name": "a", "__holder": "h1", "__creation_marker": "m"}
    news = {"name": "b", "__holder": "h2"}
    assert describe_changes(olds, news) == ('name: "a" => "b"',)
    assert describe_changes(olds, news, keys=["~__holder", "~name"]) == ('name: "a" => "b"',)
    urn = f"urn:pulumi:dev::p::{SHARE}::s"
    assert Step("update", urn, SHARE, "s", ("~__holder",)).line == "  ~ ImageShare s update"
    result = Result("up", outputs={"__secret_marker": "m", "team_id": 1002.0})
    assert result.output_lines() == ["Outputs:", "    team_id: 1002"]
    assert Result("up", outputs={"__only": 1}).output_lines() == []
    assert render_value({"id": 1.0, "__holder": "h", "nested": [{"__x": 1, "y": 2}]}) == (
        '{"id": 1, "nested": [{"y": 2}]}'
    )


def test_step_lines() -> None:
    urn = f"urn:pulumi:dev::p::{SHARE}::s"
    step = Step(
        "update", urn, SHARE, "s", ("~account_ids",), changes=("account_ids: +50004 -50003",)
    )
    assert step.line == "  ~ ImageShare s update [account_ids: +50004 -50003]"
    assert Step("create", urn, SHARE, "s").line == "  + ImageShare s create"
    two = ('name: "a" => "b"', 'description: (none) => "d"')
    assert Step("update", urn, SHARE, "s", changes=two).line == (
        '  ~ ImageShare s update [name: "a" => "b"; description: (none) => "d"]'
    )
    assert Step("update", urn, SHARE, "s", ("~x",)).line == "  ~ ImageShare s update [diff: ~x]"
    assert Step("delete", urn, SHARE, "s", refresh=True).line == "  - ImageShare s refresh (gone)"


# --------------------------------------------------------------------------------------------------
# through the player, the provider server and the emulator


def test_plan_and_update_lines_say_which_accounts_and_names_change() -> None:
    def program(accounts: list[int], remark: str) -> Callable[[], None]:
        def run() -> None:
            team = compshare.Team("t", name="course")
            compshare.TeamMembership(
                "m", team_id=team.team_id, user_company_id=50002, remark_name=remark
            )
            share = compshare.ImageShare("s", image_id=IMAGE, account_ids=accounts)
            pulumi.export("team_id", team.team_id)
            pulumi.export("shared", share.account_ids)

        return run

    lines: list[str] = []
    with Emulator() as em, Player(config=stack_config(em), printer=lines.append) as player:
        player.up(program([50002, 50003], "A"))
        assert "  + Team t create" in lines and "  + ImageShare s create" in lines
        team_id = player.resource("t").outputs["team_id"]
        assert isinstance(team_id, float)  # numbers cross the engine as floats ...
        assert f"    team_id: {int(team_id)}" in lines  # ... and print as ints
        assert "    shared: [50002, 50003]" in lines

        lines.clear()
        plan = player.preview(program([50002, 50004], "B"))
        assert plan.step("s").line == "  ~ ImageShare s update [account_ids: +50004 -50003]"
        assert plan.step("m").line == '  ~ TeamMembership m update [remark_name: "A" => "B"]'
        assert set(lines[:-1]) == {plan.step("s").line, plan.step("m").line}
        assert lines[-1] == "Resources: 2 to update, 1 unchanged"

        result = player.up(program([50002, 50004], "B"))
        assert result.step("s").line == "  ~ ImageShare s update [account_ids: +50004 -50003]"

        em.unshare_image(IMAGE, 50004)  # someone in the console
        refreshed = player.refresh()  # the refresh shows old outputs against the read ones
        assert refreshed.step("s").line == "  ~ ImageShare s refresh [account_ids: -50004]"
        repaired = player.up(program([50002, 50004], "B"))
        # the provider's Diff sees the drift, but the CLI shows old against new *inputs*
        # (rows.go: getDiffInfo), and the program did not change: no property on the line
        assert repaired.step("s").line == "  ~ ImageShare s update"
        assert repaired.preview is not None
        assert repaired.preview.step("s").line == "  ~ ImageShare s update"
        (image,) = [i for i in em.state()["images"] if i["id"] == IMAGE]
        assert sorted(image["shared_with"]) == [50002, 50004]  # the update put it back
        player.destroy()


def test_secret_inputs_and_outputs_print_as_secret() -> None:
    def program(remark: str) -> Callable[[], None]:
        def run() -> None:
            team = compshare.Team("t", name="course")
            m = compshare.TeamMembership(
                "m",
                team_id=team.team_id,
                user_company_id=50002,
                remark_name=pulumi.Output.secret(remark),
            )
            pulumi.export("remark", m.remark_name)

        return run

    lines: list[str] = []
    with Emulator() as em, Player(config=stack_config(em), printer=lines.append) as player:
        player.up(program("Alice Secret"))
        assert "    remark: [secret]" in lines
        result = player.up(program("Alice Hidden"))
        assert result.step("m").line == "  ~ TeamMembership m update [remark_name: [secret]]"
        assert not any("Alice" in line for line in lines)
        player.destroy()


def test_concurrent_steps_print_whole_lines_one_call_each() -> None:
    """A printer that writes a line one character at a time, slowly: only a player that makes
    one call per line, under a lock, keeps concurrent steps' lines apart."""
    out = io.StringIO()
    calls: list[str] = []
    active = 0
    overlap = 0
    guard = threading.Lock()

    def slow_printer(line: str) -> None:
        nonlocal active, overlap
        with guard:
            active += 1
            overlap = max(overlap, active)
            calls.append(line)
        for char in line + "\n":
            out.write(char)
            time.sleep(0.0002)
        with guard:
            active -= 1

    seed = generate_seed(accounts=13)
    ids = [a.company_id for a in seed.accounts[1:]]

    def program() -> None:
        team = compshare.Team("t", name="big course")
        for cid in ids:
            compshare.TeamMembership(f"m{cid}", team_id=team.team_id, user_company_id=cid)

    with Emulator(seed) as em, Player(config=stack_config(em)) as player:
        player.deployment.printer = slow_printer  # the same path a printer= argument takes
        player.up(program)
        player.destroy()
    assert overlap == 1  # never two printer calls at once
    assert all("\n" not in c for c in calls)
    text = out.getvalue().splitlines()
    step = re.compile(r"^  [+-] (Team|TeamMembership) (t|m\d+) (create|delete)$")
    steps = [line for line in text if line.startswith("  ")]
    assert len(steps) == 3 * (len(ids) + 1)  # the up's preview, the up, the destroy
    assert all(step.match(line) for line in steps), steps


def test_the_default_printer_writes_each_line_in_one_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writes: list[str] = []

    class Recorder(io.StringIO):
        def write(self, s: str) -> int:
            writes.append(s)
            return len(s)

    monkeypatch.setattr("sys.stdout", Recorder())
    with Emulator() as em, Player(config=stack_config(em), print_plan=True) as player:
        player.up(lambda: compshare.ImageShare("s", image_id=IMAGE, account_ids=[50002]))
        player.destroy()
    assert writes == [
        "  + ImageShare s create\n",  # the up's preview
        "Resources: 1 to create\n",
        "  + ImageShare s create\n",  # the update
        "Resources: 1 created\n",
        "  - ImageShare s delete\n",
        "Resources: 1 deleted\n",
    ]


def test_a_failed_up_reports_every_failure_at_the_end() -> None:
    def program() -> None:
        team = compshare.Team("t", name="course")
        for cid in (50002, 99991, 99992):  # two accounts that do not exist
            compshare.TeamMembership(f"m{cid}", team_id=team.team_id, user_company_id=cid)

    lines: list[str] = []
    with Emulator() as em, Player(config=stack_config(em), printer=lines.append) as player:
        with pytest.raises(StepError) as info:
            player.up(program, continue_on_error=True)
        err = info.value
        assert sorted(e.name for e in err.errors) == ["m99991", "m99992"]
        assert "(2 steps failed: m9999" in str(err)
        at = lines.index("Errors (2):")
        assert lines[at - 1] == "Resources: 2 created"
        failures = lines[at + 1 :]
        assert sorted(line.split(":")[0] for line in failures) == [
            "  TeamMembership m99991 create",
            "  TeamMembership m99992 create",
        ]
        for line, cid in zip(sorted(failures), (99991, 99992), strict=True):
            assert str(cid) in line.split(":", 1)[1]  # the provider's message names the account
        assert str(err.result).splitlines()[-4:] == lines[at - 1 :]
        player.destroy()
