"""The emulator's data model: teams, their relations and images, and :class:`StateCore`, the
world they live in with the helpers every action uses.

The actions themselves are grouped by what they act on (:mod:`.teams`, :mod:`.relations`,
:mod:`.operate_log`, :mod:`.budgets`, :mod:`.images`); :class:`~.state.EmulatorState` joins
them.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pulumi_compshare.api import codes, limits, wire
from pulumi_compshare.emulator.api_errors import ApiError, denied, not_found
from pulumi_compshare.emulator.dialects import error_text, parse_dialects
from pulumi_compshare.emulator.params import Params
from pulumi_compshare.emulator.seed import Account, Seed

__all__ = [
    "CANCELED",
    "JOINED",
    "PENDING",
    "REJECTED",
    "ActionHandler",
    "Image",
    "Order",
    "Relation",
    "StateCore",
    "Team",
]

FIRST_VIRTUAL_COMPANY_ID = 60001

PENDING, JOINED, REJECTED, CANCELED = wire.RELATION_STATUSES

ActionHandler = Callable[[Account, Params], dict[str, Any]]
"""An action's handler: the calling account and its parameters to the answer's body."""


@dataclass
class Relation:
    """An account's relation to a team (an invite, a membership, or what is left of one)."""

    team_id: int
    user_company_id: int
    virtual_company_id: int
    status: str
    remark_name: str
    create_time: int
    allocate_amount: int = 0
    available_amount: int = 0


@dataclass
class Order:
    """A member's order in a team (what spending is, to the billing actions): ``amount`` in fen;
    ``paid`` orders took the amount from the member's AvailableAmount, unpaid ones are owed."""

    order_no: str
    virtual_company_id: int
    amount: int
    paid: bool
    create_time: int
    product: str
    resource_id: str
    charge_type: str = "Dynamic"
    order_type: str = "Buy"
    sequence: int = 0


@dataclass
class Team:
    """A team; deleted teams are kept (``deleted=True``) so GetCompShareTeamInfo can show them."""

    id: int
    owner: int
    name: str
    description: str
    deleted: bool = False
    relations: dict[int, Relation] = field(default_factory=dict)
    logs: list[dict[str, Any]] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    """Every order of its members, in the order they were placed (:mod:`.billing`)."""

    def joined_count(self) -> int:
        """How many accounts are members (status Joined)."""
        return sum(1 for r in self.relations.values() if r.status == JOINED)


@dataclass
class Image:
    """A custom image and the accounts it is shared with (in insertion order)."""

    id: str
    owner: int
    name: str
    create_time: int
    shared_with: list[int] = field(default_factory=list)


class StateCore:
    """The emulated account world: accounts and their balances, teams, images, the clock and
    the dialects; the helpers the actions share."""

    def __init__(
        self,
        seed: Seed,
        clock: Callable[[], float] = time.time,
        dialects: str | Iterable[str] | None = None,
    ) -> None:
        self.dialects = parse_dialects(dialects)
        """The readings of the API this state answers in (:data:`DIALECTS`; empty: default)."""
        self.clock = clock
        self.accounts: dict[int, Account] = {a.company_id: a for a in seed.accounts}
        self.by_public_key: dict[str, Account] = {a.public_key: a for a in seed.accounts}
        self.balances: dict[int, int] = {a.company_id: a.balance for a in seed.accounts}
        """Each account's balance in fen: what a team owner can still allocate to members."""
        now = self.now()
        self.teams: dict[int, Team] = {
            t.id: Team(t.id, t.owner, t.name, t.description) for t in seed.teams
        }
        self.images: dict[str, Image] = {
            i.id: Image(i.id, i.owner, i.name, now) for i in seed.images
        }
        self.next_virtual_company_id = FIRST_VIRTUAL_COMPANY_ID
        self.log_sequence = 0
        self.order_sequence = 0
        self.handlers: dict[str, ActionHandler] = self._handlers()

    def _handlers(self) -> dict[str, ActionHandler]:
        """Each action's handler, by action name (:class:`~.state.EmulatorState` names them)."""
        return {}

    def now(self) -> int:
        """The current time in unix seconds."""
        return int(self.clock())

    def set_account_flags(
        self,
        company_id: int,
        *,
        real_name_verified: bool | None = None,
        team_feature: bool | None = None,
    ) -> Account:
        """Turn an account's flags on or off (``None`` leaves one as it is), as the vendor does
        when the account completes real-name verification or has the team feature enabled.
        Returns the account as it is now; ``ValueError`` for an unknown account."""
        account = self.accounts.get(company_id)
        if account is None:
            raise ValueError(f"no account {company_id}")
        account = dataclasses.replace(
            account,
            real_name_verified=(
                account.real_name_verified if real_name_verified is None else real_name_verified
            ),
            team_feature=account.team_feature if team_feature is None else team_feature,
        )
        self.accounts[company_id] = self.by_public_key[account.public_key] = account
        return account

    def _error_text(self, error: ApiError) -> tuple[int, str]:
        """The RetCode and message of an error in this state's dialect."""
        return error_text(error, self.dialects)

    def _failure(self, error: ApiError) -> dict[str, Any]:
        """One entry of a per-item failure map: ``{Code, Message}`` in this state's dialect."""
        code, message = self._error_text(error)
        return {"Code": code, "Message": message}

    def _failures(self, name: str, failures: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """``{name: failures}`` (ErrorMap, FailedMembers): a map, or under ``error-map-string``
        a string holding its JSON (``""`` when nothing failed)."""
        if "error-map-string" in self.dialects:
            return {name: json.dumps(failures, ensure_ascii=False) if failures else ""}
        return {name: failures}

    def _team(self, team_id: int, *, allow_deleted: bool = False) -> Team:
        team = self.teams.get(team_id)
        gone = team is None or team.deleted
        if gone and "team-gone-error" in self.dialects:
            raise ApiError(codes.PARAM_ERROR, "团队不存在", zh="团队不存在")
        if team is None or (team.deleted and not allow_deleted):
            raise not_found(f"team {team_id} does not exist", "团队不存在", 16002)
        return team

    def _owned_team(self, caller: Account, team_id: int, *, allow_deleted: bool = False) -> Team:
        team = self._team(team_id, allow_deleted=allow_deleted)
        if team.owner != caller.company_id:
            raise denied(
                f"account {caller.company_id} is not the owner of team {team_id}",
                "无权限操作该团队",
                16003,
            )
        return team

    def _log(self, team: Team, operate_type: str, content: str) -> None:
        self.log_sequence += 1
        team.logs.append(
            {
                "Content": content,
                "OperateType": operate_type,
                "Status": "Success",
                "CreateTime": self.now(),
                "_seq": self.log_sequence,
            }
        )

    def _remark(self, params: Params, name: str = "RemarkName") -> str | None:
        return params.text(name, max_len=limits.REMARK_NAME_MAX)

    def _relation_row(self, team: Team, relation: Relation) -> dict[str, Any]:
        return {
            "TeamId": team.id,
            "TeamName": team.name,
            "UserCompanyId": relation.user_company_id,
            "VirtualCompanyId": relation.virtual_company_id,
            "Status": relation.status,
            "RemarkName": relation.remark_name,
            "CreateTime": relation.create_time,
        }

    # ---------------------------------------------------------------- inspection

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-compatible data (no private keys): ``GET /_emulator/state``."""
        teams = sorted(self.teams.values(), key=lambda t: t.id)
        return {
            "accounts": [
                {
                    "company_id": a.company_id,
                    "name": a.name,
                    "public_key": a.public_key,
                    "balance": self.balances[a.company_id],
                }
                for a in self.accounts.values()
            ],
            "teams": [
                {
                    "id": t.id,
                    "owner": t.owner,
                    "name": t.name,
                    "description": t.description,
                    "deleted": t.deleted,
                }
                for t in teams
            ],
            "relations": [
                {
                    "team_id": r.team_id,
                    "user_company_id": r.user_company_id,
                    "virtual_company_id": r.virtual_company_id,
                    "status": r.status,
                    "remark_name": r.remark_name,
                    "create_time": r.create_time,
                    "allocate_amount": r.allocate_amount,
                    "available_amount": r.available_amount,
                }
                for t in teams
                for r in t.relations.values()
            ],
            "images": [
                {"id": i.id, "owner": i.owner, "name": i.name, "shared_with": list(i.shared_with)}
                for i in self.images.values()
            ],
        }
