"""ResourceDriver (one resource's engine steps) and LifeCycleTest (a declared life cycle), through a
real provider server and the harness Echo provider."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_compshare.testing import (
    LifeCycleTest,
    Operation,
    ResourceDriver,
    StepRecord,
    resource_type,
)
from pulumi_compshare.testing.wire import PROVIDER_KEY, from_struct

from .. import kit
from ..harness_providers import Echo, EchoProvider, UndecidedEchoProvider, store

ROOT = Path(__file__).resolve().parents[2]
ECHO = resource_type(Echo)


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_STORE", str(tmp_path))
    return tmp_path


@pytest.fixture
def driver(store_dir: Path) -> Iterator[ResourceDriver]:
    with ResourceDriver({"harness:token": "tok"}, cwd=ROOT) as d:
        yield d


def data(store_dir: Path) -> dict[str, Any]:
    path = store_dir / "store.json"
    return json.loads(path.read_text()) if path.exists() else {}


def outputs(id_: str, name: str, size: float | None = None, **extra: Any) -> dict[str, Any]:
    """Echo's outputs (``__provider`` left out)."""
    out: dict[str, Any] = {"name": name, "echo_id": id_, **extra}
    if size is not None:
        out["size"] = size
    out["size_type"] = "float" if size is not None else "NoneType"
    return out


def test_kit_engine_is_the_public_driver() -> None:
    assert kit.Engine is ResourceDriver
    assert kit.Res.__name__ == "TrackedResource"


def test_driver_up_reruns_check_on_replace_and_honours_delete_before_replace(
    driver: ResourceDriver, store_dir: Path
) -> None:
    res = driver.create(driver.new(ECHO, "a", EchoProvider()), {"name": "one", "dbr": True})
    old = res.id
    op, res = driver.up(res, {"name": "two", "dbr": True}, delete_before_replace=False)
    assert op == "replace" and res.id != old
    assert data(store_dir)["checks"][-2:] == [["two", True], ["two", False]]
    methods = [m for m, _ in driver.server.calls]
    assert methods[-2:] == ["Create", "Delete"]  # the user's option beat the provider's
    op, res = driver.up(res, {"name": "three", "dbr": True})
    assert op == "replace" and [m for m, _ in driver.server.calls][-2:] == ["Delete", "Create"]


def test_driver_refresh_diffs_after_read(driver: ResourceDriver, store_dir: Path) -> None:
    res = driver.create(driver.new(ECHO, "a", EchoProvider()), {"name": "a", "size": 1})
    driver.next_command()
    assert driver.refresh_step(res)[0] == "same"
    with store() as d:
        d["objects"][res.id]["size"] = 9
    op, refreshed = driver.refresh_step(res)
    assert op == "update" and refreshed is not None and refreshed.outputs["size"] == 9.0
    assert [m for m, _ in driver.server.calls][-2:] == ["Read", "Diff"]
    with store() as d:
        del d["objects"][res.id]
    assert driver.refresh_step(res) == ("delete", None)
    assert driver.refresh(res) is None


def test_driver_get_sends_inputs_as_both_and_read_keeps_the_requested_id(
    driver: ResourceDriver,
) -> None:
    res = driver.create(driver.new(ECHO, "a", EchoProvider()), {"name": "a"})
    driver.server.record_requests = True
    found, outs = driver.get(driver.new(ECHO, "got", EchoProvider()), res.id, {"name": "a"})
    assert found == res.id and outs["echo_id"] == res.id
    (read,) = [r for m, r in driver.server.requests if m == "Read"]
    assert from_struct(read.inputs) == from_struct(read.properties)
    assert driver.get(res, "e-404", {"name": "a"}) == ("", {PROVIDER_KEY: res.provider})
    gone = driver.read(driver.new(ECHO, "gone", EchoProvider()), "e-404", {"name": "a"})
    assert gone.id == "e-404" and gone.outputs == {PROVIDER_KEY: gone.provider}


def test_driver_replace_on_changes_only_with_an_undecided_diff(driver: ResourceDriver) -> None:
    for provider, want in ((EchoProvider(), "update"), (UndecidedEchoProvider(), "replace")):
        res = driver.create(driver.new(ECHO, "a", provider), {"name": "a", "size": 1})
        _, diff = driver.plan(res, {"name": "a", "size": 2}, replace_on_changes=["size"])
        assert diff.replace == (want == "replace")
        assert driver.up(res, {"name": "a", "size": 2}, replace_on_changes=["size"])[0] == want


def test_life_cycle_of_an_echo(driver: ResourceDriver, store_dir: Path) -> None:
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def drift(*_: Any) -> None:
        with store() as d:
            d["objects"]["e-1"]["label"] = "drifted"

    records = LifeCycleTest(
        ECHO,
        EchoProvider(),
        create=Operation({"name": "a", "size": 1}, expected_outputs=outputs("e-1", "a", 1.0)),
        updates=[
            Operation({"name": "a", "size": 1}, expected_op="same", hook=drift),
            Operation(
                {"name": "a", "size": 1},
                refresh=True,
                expected_refresh_op="update",
                expected_op="update",
                expected_outputs=outputs("e-1", "a", 1.0),
            ),
            Operation(
                {"name": "", "size": 1},
                check_failures=[("name", "name must be a non-empty string")],
            ),
            Operation(
                {"name": "b", "size": 2},
                expected_op="replace",
                expected_outputs=outputs("e-2", "b", 2.0),
                hook=lambda i, o: seen.append((i, o)),
            ),
        ],
    ).run(driver)
    assert [(r.step, r.op) for r in records] == [
        ("preview", "create"),
        ("create", "create"),
        ("update", "same"),
        ("refresh", "update"),
        ("update", "update"),
        ("update", "invalid"),
        ("update", "replace"),
        ("delete", "delete"),
    ]
    assert seen and seen[0][1]["echo_id"] == "e-2"
    assert data(store_dir)["objects"] == {}


def test_life_cycle_expects_failures_and_keeps_the_old_state(
    driver: ResourceDriver, store_dir: Path
) -> None:
    with store() as d:
        d["fail"] = {"update": ["a"]}
    records = LifeCycleTest(
        ECHO,
        EchoProvider(),
        create=Operation({"name": "a", "size": 1}),
        updates=[
            Operation({"name": "a", "size": 2}, expect_failure=True),
            Operation({"name": "a", "size": 1}, expected_op="same"),
        ],
    ).run(driver)
    assert [r.op for r in records] == ["create", "create", "failed", "same", "delete"]
    assert records[-2] == StepRecord("update", "same", records[1].outputs)


@pytest.mark.parametrize(
    ("update", "message"),
    [
        (Operation({"name": "a", "size": 2}, expected_op="replace"), "would update, expected"),
        (Operation({"name": "a"}, expected_outputs={"name": "x"}), "outputs"),
        (Operation({"name": "a", "size": 2}, expect_failure=True), "expected a failure"),
        (Operation({"name": ""}), "unexpected check failures"),
    ],
)
def test_life_cycle_mismatches_fail(
    driver: ResourceDriver, store_dir: Path, update: Operation, message: str
) -> None:
    test = LifeCycleTest(ECHO, EchoProvider(), create=Operation({"name": "a"}), updates=[update])
    with pytest.raises(AssertionError, match=message):
        test.run(driver)
