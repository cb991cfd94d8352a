"""Seed data of the emulator: accounts with their API keys, teams and custom images.

A seed is what the emulator starts from. It comes from one of three places:

- :func:`demo_seed`: a fixed, deterministic dataset with obviously fake keys (listed in the README),
- :func:`generate_seed`: made-up accounts with random keys, for tests that need many accounts,
- :func:`load_seed`: a JSON file of the shape
  ``{"accounts": [{"company_id", "name", "public_key", "private_key", "balance",
  "real_name_verified", "team_feature"}],
  "teams": [{"id", "owner", "name", "description"}], "images": [{"id", "owner", "name"}],
  "dialects": ["<name>", ...]}`` (``dialects`` optional: the readings of the API to answer in,
  see :data:`pulumi_compshare.emulator.dialects.DIALECTS`; ``balance`` optional: the account's
  balance in fen, 1/100 yuan, default :data:`DEFAULT_BALANCE`, which a team owner allocates to
  members with SetCompShareTeamAmount; ``real_name_verified`` and ``team_feature`` optional,
  true unless false: see :class:`Account`).

Every seed is validated; a problem is reported as a one-line :class:`SeedError` that names the
offending field, e.g. ``seed file x.json: teams[0].owner 9 is not an account``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_compshare.api import limits
from pulumi_compshare.emulator.dialects import parse_dialects

__all__ = [
    "ACCOUNT_FLAGS",
    "DEFAULT_BALANCE",
    "Account",
    "Seed",
    "SeedError",
    "SeedImage",
    "SeedTeam",
    "demo_seed",
    "generate_seed",
    "load_seed",
]


DEFAULT_BALANCE = 1_000_000
"""Every account's balance in fen unless its seed entry says otherwise: 10,000 yuan."""


class SeedError(ValueError):
    """A seed is malformed; the message is one line naming the source and the bad field."""


@dataclass(frozen=True)
class Account:
    """An account of the emulator, its API key pair and its starting balance in fen."""

    company_id: int
    name: str
    public_key: str
    private_key: str = field(repr=False)
    balance: int = DEFAULT_BALANCE
    """Fen (1/100 yuan) the account can allocate to members of the teams it owns."""
    real_name_verified: bool = True
    """False: the actions whose vendor pages require real-name verification (CreateCompShareTeam,
    ListCompShareTeamInvite, ListCompShareTeamOperateLog) answer RetCode 226606."""
    team_feature: bool = True
    """False: the vendor has not enabled the team feature for the account, and its actions as a
    team's admin are refused (how: the ``feature-off-*`` dialects; docs/dialects.md)."""

    def to_dict(self) -> dict[str, Any]:
        """The account as seed JSON (including the private key and the balance; the flags only
        when they are off)."""
        data: dict[str, Any] = {
            "company_id": self.company_id,
            "name": self.name,
            "public_key": self.public_key,
            "private_key": self.private_key,
            "balance": self.balance,
        }
        for flag in ACCOUNT_FLAGS:
            if not getattr(self, flag):
                data[flag] = False
        return data


ACCOUNT_FLAGS = ("real_name_verified", "team_feature")
"""An account's optional flags in a seed: booleans, true unless the seed says false."""


@dataclass(frozen=True)
class SeedTeam:
    """A team that exists when the emulator starts (it has no relations yet)."""

    id: int
    owner: int
    name: str
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The team as seed JSON."""
        return {
            "id": self.id,
            "owner": self.owner,
            "name": self.name,
            "description": self.description,
        }


@dataclass(frozen=True)
class SeedImage:
    """A custom image that exists when the emulator starts (shared with nobody)."""

    id: str
    owner: int
    name: str

    def to_dict(self) -> dict[str, Any]:
        """The image as seed JSON."""
        return {"id": self.id, "owner": self.owner, "name": self.name}


@dataclass(frozen=True)
class Seed:
    """A validated seed: accounts, teams and images."""

    accounts: tuple[Account, ...]
    teams: tuple[SeedTeam, ...] = ()
    images: tuple[SeedImage, ...] = ()
    dialects: tuple[str, ...] = ()
    """Dialect names (validated; ``strict`` kept as given)."""

    def to_dict(self) -> dict[str, Any]:
        """The seed as JSON-compatible data (the shape :func:`load_seed` reads)."""
        data: dict[str, Any] = {
            "accounts": [a.to_dict() for a in self.accounts],
            "teams": [t.to_dict() for t in self.teams],
            "images": [i.to_dict() for i in self.images],
        }
        if self.dialects:
            data["dialects"] = list(self.dialects)
        return data

    @classmethod
    def from_dict(cls, data: Any, source: str = "seed") -> Seed:
        """Validate seed JSON data; raise :class:`SeedError` naming ``source`` and the bad field."""
        return _SeedParser(source).parse(data)


class _SeedParser:
    """Validates seed data and builds a :class:`Seed`, failing on the first problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str) -> SeedError:
        return SeedError(f"{self.source}: {message}")

    def parse(self, data: Any) -> Seed:
        if not isinstance(data, Mapping):
            raise self.fail("the seed must be a JSON object")
        unknown = sorted(set(data) - {"accounts", "teams", "images", "dialects"})
        if unknown:
            raise self.fail(f"unknown key {unknown[0]!r}")
        accounts = self.parse_accounts(data.get("accounts"))
        company_ids = {a.company_id for a in accounts}
        teams = self.parse_teams(data.get("teams", []), company_ids)
        images = self.parse_images(data.get("images", []), company_ids)
        dialects = self.parse_dialects(data.get("dialects", []))
        return Seed(accounts=accounts, teams=teams, images=images, dialects=dialects)

    def parse_dialects(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("dialects must be a list of dialect names")
        try:
            parse_dialects(value)
        except ValueError as e:
            raise self.fail(f"dialects: {e}") from None
        return tuple(v.strip() for v in value if v.strip())

    def entries(self, value: Any, key: str) -> list[Mapping[str, Any]]:
        if not isinstance(value, list):
            raise self.fail(f"{key} must be a list")
        for index, entry in enumerate(value):
            if not isinstance(entry, Mapping):
                raise self.fail(f"{key}[{index}] must be an object")
        return value

    def check_keys(self, entry: Mapping[str, Any], where: str, required: set[str]) -> None:
        for key in sorted(required):
            if key not in entry:
                raise self.fail(f"{where}.{key} is missing")

    def check_unknown(self, entry: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise self.fail(f"{where} has unknown key {unknown[0]!r}")

    def id_value(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where} {value!r} is not an integer")
        if not 1 <= value <= limits.MAX_ID:
            raise self.fail(f"{where} {value} is out of range 1..{limits.MAX_ID}")
        return value

    def amount(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where} {value!r} is not an integer (fen)")
        if not 0 <= value <= limits.AMOUNT_MAX:
            raise self.fail(f"{where} {value} is out of range 0..{limits.AMOUNT_MAX}")
        return value

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(f"{where} must be true or false, got {value!r}")
        return value

    def text(self, value: Any, where: str, *, max_len: int | None, non_empty: bool) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{where} must be a string")
        if non_empty and not value.strip():
            raise self.fail(f"{where} must not be empty")
        if max_len is not None and len(value) > max_len:
            raise self.fail(f"{where} is longer than {max_len} characters")
        return value

    def parse_accounts(self, value: Any) -> tuple[Account, ...]:
        if value is None:
            raise self.fail("accounts is missing")
        entries = self.entries(value, "accounts")
        if not entries:
            raise self.fail("accounts must not be empty")
        fields = {"company_id", "name", "public_key", "private_key"}
        accounts: list[Account] = []
        seen_ids: set[int] = set()
        seen_keys: set[str] = set()
        for index, entry in enumerate(entries):
            where = f"accounts[{index}]"
            self.check_keys(entry, where, fields)
            self.check_unknown(entry, where, fields | {"balance", *ACCOUNT_FLAGS})
            company_id = self.id_value(entry["company_id"], f"{where}.company_id")
            if company_id in seen_ids:
                raise self.fail(f"{where}.company_id {company_id} is a duplicate")
            name = self.text(entry["name"], f"{where}.name", max_len=None, non_empty=True)
            public_key = self.text(
                entry["public_key"], f"{where}.public_key", max_len=None, non_empty=True
            )
            if public_key in seen_keys:
                raise self.fail(f"{where}.public_key {public_key!r} is a duplicate")
            private_key = self.text(
                entry["private_key"], f"{where}.private_key", max_len=None, non_empty=True
            )
            balance = self.amount(entry.get("balance", DEFAULT_BALANCE), f"{where}.balance")
            flags = {f: self.flag(entry.get(f, True), f"{where}.{f}") for f in ACCOUNT_FLAGS}
            seen_ids.add(company_id)
            seen_keys.add(public_key)
            accounts.append(Account(company_id, name, public_key, private_key, balance, **flags))
        return tuple(accounts)

    def owner(self, value: Any, where: str, company_ids: set[int]) -> int:
        owner = self.id_value(value, where)
        if owner not in company_ids:
            raise self.fail(f"{where} {owner} is not an account")
        return owner

    def parse_teams(self, value: Any, company_ids: set[int]) -> tuple[SeedTeam, ...]:
        entries = self.entries(value, "teams")
        teams: list[SeedTeam] = []
        seen: set[int] = set()
        for index, entry in enumerate(entries):
            where = f"teams[{index}]"
            self.check_keys(entry, where, {"id", "owner", "name"})
            self.check_unknown(entry, where, {"id", "owner", "name", "description"})
            team_id = self.id_value(entry["id"], f"{where}.id")
            if team_id in seen:
                raise self.fail(f"{where}.id {team_id} is a duplicate")
            owner = self.owner(entry["owner"], f"{where}.owner", company_ids)
            name = self.text(
                entry["name"], f"{where}.name", max_len=limits.TEAM_NAME_MAX, non_empty=True
            )
            description = self.text(
                entry.get("description", ""),
                f"{where}.description",
                max_len=limits.TEAM_DESCRIPTION_MAX,
                non_empty=False,
            )
            seen.add(team_id)
            teams.append(SeedTeam(team_id, owner, name, description))
        return tuple(teams)

    def parse_images(self, value: Any, company_ids: set[int]) -> tuple[SeedImage, ...]:
        entries = self.entries(value, "images")
        images: list[SeedImage] = []
        seen: set[str] = set()
        fields = {"id", "owner", "name"}
        for index, entry in enumerate(entries):
            where = f"images[{index}]"
            self.check_keys(entry, where, fields)
            self.check_unknown(entry, where, fields)
            image_id = entry["id"]
            if not limits.is_image_id(image_id):
                raise self.fail(f"{where}.id {image_id!r} is not like compshareImage-xxxx")
            if image_id in seen:
                raise self.fail(f"{where}.id {image_id!r} is a duplicate")
            owner = self.owner(entry["owner"], f"{where}.owner", company_ids)
            name = self.text(entry["name"], f"{where}.name", max_len=None, non_empty=True)
            seen.add(image_id)
            images.append(SeedImage(image_id, owner, name))
        return tuple(images)


def load_seed(path: str | Path) -> Seed:
    """Read and validate a seed JSON file; raise :class:`SeedError` (one line) if it is bad."""
    source = f"seed file {path}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise SeedError(f"{source}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise SeedError(f"{source}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SeedError(f"{source}: invalid JSON: {e.msg} at line {e.lineno}") from None
    return Seed.from_dict(data, source)


_DEMO_NAMES = ("demo-owner", "alice", "bob", "carol")


def demo_seed() -> Seed:
    """The fixed demo dataset (obviously fake keys, listed in the README).

    Accounts 50001 ``demo-owner``, 50002 ``alice``, 50003 ``bob``, 50004 ``carol`` with keys
    ``emu-<name>-public`` / ``emu-<name>-private-not-a-secret`` and a balance of
    :data:`DEFAULT_BALANCE` fen each; team 1001 ``demo-team`` and images ``compshareImage-abc`` /
    ``compshareImage-def``, all owned by 50001.
    """
    accounts = tuple(
        Account(
            company_id=50001 + index,
            name=name,
            public_key=f"emu-{name}-public",
            private_key=f"emu-{name}-private-not-a-secret",
        )
        for index, name in enumerate(_DEMO_NAMES)
    )
    return Seed(
        accounts=accounts,
        teams=(SeedTeam(1001, 50001, "demo-team", "Demo team of the CompShare emulator"),),
        images=(
            SeedImage("compshareImage-abc", 50001, "cuda-12-base"),
            SeedImage("compshareImage-def", 50001, "pytorch-2-base"),
        ),
    )


def generate_seed(
    accounts: int = 4, teams: int = 1, images: int = 2, first_company_id: int = 50001
) -> Seed:
    """A seed of made-up accounts with random keys (``secrets.token_hex``).

    Account 0 (``owner``) owns all ``teams`` (ids from 1001) and ``images``
    (``compshareImage-gen0001``, ...); the others are named ``user-1``, ``user-2``, ...
    Every account has :data:`DEFAULT_BALANCE` fen.
    """
    if accounts < 1:
        raise ValueError("generate_seed needs at least one account")
    if teams < 0 or images < 0:
        raise ValueError("generate_seed needs non-negative teams and images")
    if first_company_id < 1 or first_company_id + accounts - 1 > limits.MAX_ID:
        raise ValueError("generate_seed: company ids out of range")
    made = tuple(
        Account(
            company_id=first_company_id + index,
            name="owner" if index == 0 else f"user-{index}",
            public_key=f"emu-gen-{secrets.token_hex(12)}",
            private_key=secrets.token_hex(20),
        )
        for index in range(accounts)
    )
    owner = made[0].company_id
    return Seed(
        accounts=made,
        teams=tuple(
            SeedTeam(1001 + index, owner, f"team-{index + 1}", f"Generated team {index + 1}")
            for index in range(teams)
        ),
        images=tuple(
            SeedImage(f"compshareImage-gen{index + 1:04d}", owner, f"image-{index + 1}")
            for index in range(images)
        ),
    )
