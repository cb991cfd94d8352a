"""Seeds: the seed file, generated seeds, and one-line errors for every bad field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_compshare.emulator import Emulator, Seed, SeedError, demo_seed, generate_seed, load_seed

from .raw import ok, spoil


def test_seed_file_and_generated_seed(tmp_path: Path) -> None:
    seed = generate_seed(accounts=3, teams=2, images=1, first_company_id=70001)
    assert [a.company_id for a in seed.accounts] == [70001, 70002, 70003]
    assert len({a.private_key for a in seed.accounts}) == 3
    assert [t.owner for t in seed.teams] == [70001, 70001]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
    loaded = load_seed(path)
    assert loaded == seed
    assert generate_seed().accounts[0].private_key != generate_seed().accounts[0].private_key
    with Emulator(seed=seed.to_dict()) as em:
        assert [t["id"] for t in em.state()["teams"]] == [1001, 1002]
        assert ok(em, 70001, "ListCompShareTeam")["Teams"][1]["Name"] == "team-2"
        assert em.accounts == list(seed.accounts)
    assert Seed.from_dict(demo_seed().to_dict()) == demo_seed()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (spoil("teams.0.owner", 9), "teams[0].owner 9 is not an account"),
        (
            spoil("accounts.1.company_id", 50001),
            "accounts[1].company_id 50001 is a duplicate",
        ),
        (
            spoil("accounts.1.public_key", "emu-demo-owner-public"),
            "accounts[1].public_key",
        ),
        (
            spoil("accounts.0.company_id", "x"),
            "accounts[0].company_id 'x' is not an integer",
        ),
        (spoil("accounts.0.private_key", ""), "accounts[0].private_key must not be empty"),
        (
            spoil("images.1.id", "img-1"),
            "images[1].id 'img-1' is not like compshareImage-xxxx",
        ),
        (spoil("images.0.owner", 1), "images[0].owner 1 is not an account"),
        (spoil("teams.0.name", "n" * 65), "teams[0].name is longer than 64 characters"),
        (spoil("accounts", []), "accounts must not be empty"),
        (spoil("extra", 1), "unknown key 'extra'"),
        ([1], "the seed must be a JSON object"),
    ],
)
def test_seed_validation_errors(tmp_path: Path, data: Any, expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    message = str(info.value)
    assert message.startswith(f"seed file {path}: ")
    assert expected in message
    assert "\n" not in message


def test_seed_file_unreadable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(SeedError, match="invalid JSON"):
        load_seed(bad)
    with pytest.raises(SeedError, match="cannot read"):
        load_seed(tmp_path / "missing.json")
    with pytest.raises(SeedError, match=r"^seed: teams\[0\]\.owner"):
        Emulator(seed=spoil("teams.0.owner", 9))
