"""The emulator's state machine: accounts, teams, relations, images and the action handlers.

Nothing here knows about HTTP. :meth:`EmulatorState.process` takes the flattened request
parameters (``dict[str, str]``, exactly what was signed) and returns the response envelope
``{"Action": "<Action>Response", "RetCode": ..., "Message": ..., ...}``. It checks, in order:
missing ``Action`` (160), missing ``Signature`` (170), unknown ``PublicKey`` (172), signature
mismatch (171), unknown ``Action`` (161), ``Region``, then runs the action.

The caller (the HTTP server) holds one lock around every call; this class is not thread-safe.

Codes chosen by the emulator (the vendor does not document them): not found 8404, permission
denied 8403, conflict 8409; invalid parameters are 230 with a message naming the parameter.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_compshare.api import codes, limits, wire
from pulumi_compshare.emulator.seed import Account, Seed

__all__ = [
    "ACTIONS",
    "NON_IDEMPOTENT_ACTIONS",
    "OPERATE_TYPES",
    "WRITE_ACTIONS",
    "ApiError",
    "EmulatorState",
    "is_non_idempotent_write",
    "one_line",
]

REGION = limits.REGION_DEFAULT
FIRST_TEAM_ID = 1001
FIRST_VIRTUAL_COMPANY_ID = 60001
MAX_INVITES_PER_CALL = 50
DEFAULT_OPERATE_LOG_LIMIT = 25
DEFAULT_CUSTOM_IMAGES_LIMIT = 20
IMAGE_SIZE_MB = 20480

ACTIONS = (
    "CreateCompShareTeam",
    "UpdateCompShareTeam",
    "DeleteCompShareTeam",
    "ListCompShareTeam",
    "GetCompShareTeamInfo",
    "ListCompShareTeamInvite",
    "ListCompShareTeamJoined",
    "CreateCompShareTeamRelation",
    "SetCompShareTeamRelation",
    "ListCompShareTeamOperateLog",
    "DescribeCompShareImageShareAccounts",
    "ModifyCompShareImageShareAccount",
    "DescribeCompShareCustomImages",
)
"""Every action the emulator implements."""

WRITE_ACTIONS = frozenset(
    {
        "CreateCompShareTeam",
        "UpdateCompShareTeam",
        "DeleteCompShareTeam",
        "CreateCompShareTeamRelation",
        "SetCompShareTeamRelation",
        "ModifyCompShareImageShareAccount",
    }
)
"""Actions that change state (the ones an ``applied_response_lost`` fault can hit)."""

NON_IDEMPOTENT_ACTIONS = frozenset({"CreateCompShareTeam", "CreateCompShareTeamRelation"})
"""Writes that must never be retried blindly (plus SetCompShareTeamRelation with Status Send)."""

OPERATE_TYPES = (
    "CreateTeam",
    "UpdateTeam",
    "DeleteTeam",
    "Invite",
    "Agree",
    "Reject",
    "Cancel",
    "UpdateRemarkName",
)
LOG_STATUSES = ("Success",)
SET_RELATION_OPERATIONS = ("Send", "Agree", "Reject", "Cancel", "UpdateRemarkName")

PENDING, JOINED, REJECTED, CANCELED = wire.RELATION_STATUSES


def is_non_idempotent_write(params: Mapping[str, str]) -> bool:
    """Whether a request is a write that creates something new each time it is applied."""
    action = params.get("Action", "")
    if action in NON_IDEMPOTENT_ACTIONS:
        return True
    return (
        action == "SetCompShareTeamRelation" and params.get("Status", "").strip().lower() == "send"
    )


class ApiError(Exception):
    """A failed action: a RetCode and a one-line message."""

    def __init__(self, code: int, message: str) -> None:
        message = one_line(message)
        super().__init__(message)
        self.code = code
        self.message = message


def one_line(text: str) -> str:
    """Messages echo request values: escape line breaks so a message stays one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _invalid(name: str, reason: str) -> ApiError:
    return ApiError(codes.PARAM_ERROR, f"Params [{name}] not available: {reason}")


def _not_found(message: str) -> ApiError:
    return ApiError(codes.EMULATOR_NOT_FOUND, message)


def _denied(message: str) -> ApiError:
    return ApiError(codes.EMULATOR_PERMISSION_DENIED, message)


def _conflict(message: str) -> ApiError:
    return ApiError(codes.EMULATOR_CONFLICT, message)


# --------------------------------------------------------------------------------------------
# Parameter parsing


class Params:
    """Typed access to flattened request parameters; every problem is an :class:`ApiError` 230."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields

    def has(self, name: str) -> bool:
        """Whether the parameter was sent."""
        return name in self.fields

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_len: int | None = None,
        non_blank: bool = False,
    ) -> str | None:
        """A string parameter (``None`` if absent and optional)."""
        value = self.fields.get(name)
        if value is None:
            if required:
                raise _invalid(name, "required")
            return None
        if non_blank and not value.strip():
            raise _invalid(name, "must not be empty")
        if max_len is not None and len(value) > max_len:
            raise _invalid(name, f"must be at most {max_len} characters")
        return value

    def required_text(self, name: str, *, max_len: int | None = None) -> str:
        """A required, non-blank string parameter."""
        value = self.text(name, required=True, max_len=max_len, non_blank=True)
        assert value is not None
        return value

    def ident(self, name: str, *, required: bool = False) -> int | None:
        """An id (team, company, virtual company): an integer in ``1..MAX_ID``."""
        value = self.fields.get(name)
        if value is None:
            if required:
                raise _invalid(name, "required")
            return None
        return parse_id(name, value)

    def required_ident(self, name: str) -> int:
        """A required id."""
        value = self.ident(name, required=True)
        assert value is not None
        return value

    def integer(
        self, name: str, *, default: int | None = None, low: int = 0, high: int | None = None
    ) -> int:
        """An integer in ``low..high``; required when ``default`` is ``None``."""
        value = self.fields.get(name)
        if value is None:
            if default is None:
                raise _invalid(name, "required")
            return default
        try:
            number = wire.to_int(value)
        except ValueError:
            raise _invalid(name, "must be an integer") from None
        if number < low or (high is not None and number > high):
            bound = f"{low}..{high}" if high is not None else f">= {low}"
            raise _invalid(name, f"must be in {bound}")
        return number

    def boolean(self, name: str, default: bool) -> bool:
        """``true`` / ``false`` (case-insensitive)."""
        value = self.fields.get(name)
        if value is None:
            return default
        text = value.strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise _invalid(name, "must be true or false")

    def items(self, prefix: str) -> list[tuple[str, str]]:
        """The list parameter ``prefix.0``, ``prefix.1``, ... as ``(key, value)`` in index order.

        A bare ``prefix`` (no index) counts as a one-element list.
        """
        pattern = re.compile(re.escape(prefix) + r"\.(\d+)\Z")
        found: list[tuple[int, str, str]] = []
        for key, value in self.fields.items():
            match = pattern.match(key)
            if match:
                found.append((int(match.group(1)), key, value))
            elif key == prefix:
                found.append((-1, key, value))
        found.sort()
        return [(key, value) for _, key, value in found]

    def records(self, prefix: str) -> list[tuple[str, dict[str, str]]]:
        """The list-of-objects parameter ``prefix.N.Field`` as ``(prefix.N, {Field: value})``."""
        pattern = re.compile(re.escape(prefix) + r"\.(\d+)\.([^.]+)$")
        grouped: dict[int, dict[str, str]] = {}
        for key, value in self.fields.items():
            match = pattern.match(key)
            if match:
                grouped.setdefault(int(match.group(1)), {})[match.group(2)] = value
        return [(f"{prefix}.{index}", grouped[index]) for index in sorted(grouped)]


def parse_id(name: str, value: Any) -> int:
    """Parse an id with :func:`wire.to_int`; it must be in ``1..MAX_ID``."""
    try:
        number = wire.to_int(value)
    except ValueError:
        raise _invalid(name, "must be a positive integer") from None
    if not 1 <= number <= limits.MAX_ID:
        raise _invalid(name, f"must be a positive integer at most {limits.MAX_ID}")
    return number


# --------------------------------------------------------------------------------------------
# State


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
class Team:
    """A team; deleted teams are kept (``deleted=True``) so GetCompShareTeamInfo can show them."""

    id: int
    owner: int
    name: str
    description: str
    deleted: bool = False
    relations: dict[int, Relation] = field(default_factory=dict)
    logs: list[dict[str, Any]] = field(default_factory=list)

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


Handler = Callable[[Account, Params], dict[str, Any]]


class EmulatorState:
    """The whole emulated account world and the action handlers."""

    def __init__(self, seed: Seed, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.accounts: dict[int, Account] = {a.company_id: a for a in seed.accounts}
        self.by_public_key: dict[str, Account] = {a.public_key: a for a in seed.accounts}
        now = self.now()
        self.teams: dict[int, Team] = {
            t.id: Team(t.id, t.owner, t.name, t.description) for t in seed.teams
        }
        self.images: dict[str, Image] = {
            i.id: Image(i.id, i.owner, i.name, now) for i in seed.images
        }
        self.next_virtual_company_id = FIRST_VIRTUAL_COMPANY_ID
        self.log_sequence = 0
        self.handlers: dict[str, Handler] = {
            "CreateCompShareTeam": self.create_team,
            "UpdateCompShareTeam": self.update_team,
            "DeleteCompShareTeam": self.delete_team,
            "ListCompShareTeam": self.list_teams,
            "GetCompShareTeamInfo": self.get_team_info,
            "ListCompShareTeamInvite": self.list_invites,
            "ListCompShareTeamJoined": self.list_joined,
            "CreateCompShareTeamRelation": self.create_relations,
            "SetCompShareTeamRelation": self.set_relation,
            "ListCompShareTeamOperateLog": self.list_operate_log,
            "DescribeCompShareImageShareAccounts": self.describe_share_accounts,
            "ModifyCompShareImageShareAccount": self.modify_share_accounts,
            "DescribeCompShareCustomImages": self.describe_custom_images,
        }

    def now(self) -> int:
        """The current time in unix seconds."""
        return int(self.clock())

    # ---------------------------------------------------------------- request processing

    def process(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """Authenticate and run one request; return the response envelope (errors included)."""
        action = fields.get("Action", "")
        try:
            body = self._authenticated_call(action, fields)
        except ApiError as e:
            return {"Action": f"{action}Response", "RetCode": e.code, "Message": e.message}
        return {"Action": f"{action}Response", "RetCode": codes.OK, "Message": "", **body}

    def _authenticated_call(self, action: str, fields: Mapping[str, str]) -> dict[str, Any]:
        if not action:
            raise ApiError(codes.MISSING_ACTION, "Missing Action")
        signature = fields.get("Signature")
        if not signature:
            raise ApiError(codes.MISSING_SIGNATURE, "Missing Signature")
        public_key = fields.get("PublicKey", "")
        account = self.by_public_key.get(public_key)
        if account is None:
            if not public_key:
                raise ApiError(codes.NO_SUCH_USER, "Missing PublicKey")
            raise ApiError(codes.NO_SUCH_USER, "PublicKey does not belong to any account")
        signed = {k: v for k, v in fields.items() if k != "Signature"}
        if wire.sign(signed, account.private_key) != signature.strip().lower():
            raise ApiError(codes.SIGNATURE_ERROR, "Signature VerifyAC Error")
        handler = self.handlers.get(action)
        if handler is None:
            raise ApiError(codes.NO_SUCH_ACTION, f"Action [{action}] does not exist")
        params = Params(signed)
        region = params.text("Region")
        if region is not None and region != REGION:
            raise _invalid("Region", f"must be {REGION}")
        return handler(account, params)

    # ---------------------------------------------------------------- helpers

    def _team(self, team_id: int, *, allow_deleted: bool = False) -> Team:
        team = self.teams.get(team_id)
        if team is None or (team.deleted and not allow_deleted):
            raise _not_found(f"team {team_id} does not exist")
        return team

    def _owned_team(self, caller: Account, team_id: int, *, allow_deleted: bool = False) -> Team:
        team = self._team(team_id, allow_deleted=allow_deleted)
        if team.owner != caller.company_id:
            raise _denied(f"account {caller.company_id} is not the owner of team {team_id}")
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

    def _invite(self, team: Team, company_id: int, remark_name: str | None) -> None:
        """Invite one account (Pending); raise ApiError 8404 / 230 / 8409 for this account."""
        if company_id not in self.accounts:
            raise _not_found(f"account {company_id} does not exist")
        if company_id == team.owner:
            raise _invalid("UserCompanyId", f"account {company_id} owns team {team.id}")
        relation = team.relations.get(company_id)
        if relation is not None and relation.status in (PENDING, JOINED):
            raise _conflict(
                f"account {company_id} is already {relation.status.lower()} in team {team.id}"
            )
        if relation is None:
            relation = Relation(
                team_id=team.id,
                user_company_id=company_id,
                virtual_company_id=self.next_virtual_company_id,
                status=PENDING,
                remark_name=remark_name or "",
                create_time=self.now(),
            )
            self.next_virtual_company_id += 1
            team.relations[company_id] = relation
        else:
            relation.status = PENDING
            relation.remark_name = remark_name or ""
            relation.create_time = self.now()
        self._log(team, "Invite", f"invite account {company_id} to team {team.id}")

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

    def _invite_row(self, team: Team, relation: Relation) -> dict[str, Any]:
        row = self._relation_row(team, relation)
        row["TeamUseCompanyId"] = team.owner
        return row

    def _team_text(self, params: Params, *, required_name: bool) -> tuple[str | None, str | None]:
        name = params.text(
            "Name", required=required_name, max_len=limits.TEAM_NAME_MAX, non_blank=True
        )
        description = params.text("Description", max_len=limits.TEAM_DESCRIPTION_MAX)
        return name, description

    # ---------------------------------------------------------------- teams

    def create_team(self, caller: Account, params: Params) -> dict[str, Any]:
        """CreateCompShareTeam: a new team owned by the caller; the response has no id."""
        name, description = self._team_text(params, required_name=True)
        assert name is not None
        team_id = max(self.teams, default=FIRST_TEAM_ID - 1) + 1
        team = Team(team_id, caller.company_id, name, description or "")
        self.teams[team_id] = team
        self._log(team, "CreateTeam", f"create team {team_id} ({name})")
        return {}

    def update_team(self, caller: Account, params: Params) -> dict[str, Any]:
        """UpdateCompShareTeam: change Name and/or Description (owner only)."""
        team_id = params.required_ident("TeamId")
        name, description = self._team_text(params, required_name=False)
        team = self._owned_team(caller, team_id)
        if name is not None:
            team.name = name
        if description is not None:
            team.description = description
        self._log(team, "UpdateTeam", f"update team {team_id}")
        return {}

    def delete_team(self, caller: Account, params: Params) -> dict[str, Any]:
        """DeleteCompShareTeam: owner only, no Joined members; pending invites are canceled."""
        team_id = params.required_ident("TeamId")
        team = self._owned_team(caller, team_id)
        members = team.joined_count()
        if members:
            raise _conflict(f"team {team_id} still has {members} members; cancel them first")
        for relation in team.relations.values():
            if relation.status == PENDING:
                relation.status = CANCELED
        team.deleted = True
        self._log(team, "DeleteTeam", f"delete team {team_id}")
        return {}

    def list_teams(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeam: the caller's teams that are not deleted."""
        teams = [
            {
                "Id": t.id,
                "CompanyId": t.owner,
                "MemberCount": t.joined_count(),
                "Name": t.name,
                "Description": t.description,
            }
            for t in sorted(self.teams.values(), key=lambda t: t.id)
            if t.owner == caller.company_id and not t.deleted
        ]
        return {"Teams": teams}

    def get_team_info(self, caller: Account, params: Params) -> dict[str, Any]:
        """GetCompShareTeamInfo: by exactly one of TeamId / VirtualCompanyId.

        Relation statuses are spelled in lower case here, as the vendor's page shows.
        """
        team_id = params.ident("TeamId")
        virtual_id = params.ident("VirtualCompanyId")
        if (team_id is None) == (virtual_id is None):
            raise _invalid("TeamId/VirtualCompanyId", "exactly one of TeamId and VirtualCompanyId")
        if team_id is not None:
            team = self._team(team_id, allow_deleted=True)
        else:
            found = next(
                (
                    t
                    for t in self.teams.values()
                    for r in t.relations.values()
                    if r.virtual_company_id == virtual_id
                ),
                None,
            )
            if found is None:
                raise _not_found(f"virtual company {virtual_id} does not exist")
            team = found
        if team.owner != caller.company_id and caller.company_id not in team.relations:
            raise _denied(f"account {caller.company_id} is not related to team {team.id}")
        relations: list[dict[str, Any]] = []
        if not team.deleted:
            for relation in team.relations.values():
                row = self._relation_row(team, relation)
                row["Status"] = relation.status.lower()
                row["AllocateAmount"] = relation.allocate_amount
                row["AvailableAmount"] = relation.available_amount
                relations.append(row)
        return {
            "Team": {
                "Id": team.id,
                "CompanyId": team.owner,
                "Deleted": 1 if team.deleted else 0,
                "Name": team.name,
                "Description": team.description,
            },
            "TeamRelation": relations,
        }

    # ---------------------------------------------------------------- relations

    def list_invites(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamInvite: a team's invites (owner) or the invites the caller received."""
        team_id = params.ident("TeamId")
        if team_id is not None:
            team = self._owned_team(caller, team_id)
            rows = [self._invite_row(team, r) for r in team.relations.values()]
        else:
            rows = [
                self._invite_row(t, r)
                for t in sorted(self.teams.values(), key=lambda t: t.id)
                for r in t.relations.values()
                if r.user_company_id == caller.company_id
            ]
        return {"Invites": rows}

    def list_joined(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamJoined: the caller's relations as invitee, optionally by Status."""
        wanted: str | None = None
        status = params.text("Status")
        if status is not None and status.strip():
            wanted = wire.normalize_status(status)
            if wanted not in wire.RELATION_STATUSES:
                raise _invalid("Status", f"must be one of {', '.join(wire.RELATION_STATUSES)}")
        rows = []
        for team in sorted(self.teams.values(), key=lambda t: t.id):
            relation = team.relations.get(caller.company_id)
            if relation is None or (wanted is not None and relation.status != wanted):
                continue
            row = self._relation_row(team, relation)
            row["IsPersonalAccount"] = True
            rows.append(row)
        return {"JoinedTeams": rows}

    def create_relations(self, caller: Account, params: Params) -> dict[str, Any]:
        """CreateCompShareTeamRelation: invite accounts; per-user failures go to ErrorMap."""
        team_id = params.required_ident("TeamId")
        records = params.records("UserInfo")
        if not records:
            raise _invalid("UserInfo.0.UserCompanyId", "required")
        if len(records) > MAX_INVITES_PER_CALL:
            raise _invalid("UserInfo", f"at most {MAX_INVITES_PER_CALL} entries")
        invites: list[tuple[int, str | None]] = []
        for key, record in records:
            if "UserCompanyId" not in record:
                raise _invalid(f"{key}.UserCompanyId", "required")
            company_id = parse_id(f"{key}.UserCompanyId", record["UserCompanyId"])
            remark = record.get("RemarkName")
            if remark is not None and len(remark) > limits.REMARK_NAME_MAX:
                raise _invalid(
                    f"{key}.RemarkName", f"must be at most {limits.REMARK_NAME_MAX} characters"
                )
            invites.append((company_id, remark))
        team = self._owned_team(caller, team_id)
        errors: dict[str, dict[str, Any]] = {}
        for company_id, remark in invites:
            try:
                self._invite(team, company_id, remark)
            except ApiError as e:
                errors[str(company_id)] = {"Code": e.code, "Message": e.message}
        return {"ErrorMap": errors}

    def set_relation(self, caller: Account, params: Params) -> dict[str, Any]:
        """SetCompShareTeamRelation: Send / Agree / Reject / Cancel / UpdateRemarkName."""
        team_id = params.required_ident("TeamId")
        raw = params.required_text("Status")
        operation = next(
            (op for op in SET_RELATION_OPERATIONS if op.lower() == raw.strip().lower()), None
        )
        if operation is None:
            raise _invalid("Status", f"must be one of {', '.join(SET_RELATION_OPERATIONS)}")
        remark = self._remark(params)
        if operation in ("Agree", "Reject"):
            return self._answer_invite(caller, team_id, operation)
        user_id = params.required_ident("UserCompanyId")
        if operation == "UpdateRemarkName" and remark is None:
            raise _invalid("RemarkName", "required for UpdateRemarkName")
        team = self._owned_team(caller, team_id)
        if operation == "Send":
            self._invite(team, user_id, remark)
            return {}
        relation = team.relations.get(user_id)
        if relation is None or relation.status not in (PENDING, JOINED):
            raise _not_found(
                f"account {user_id} has no pending invite or membership in team {team_id}"
            )
        if operation == "Cancel":
            relation.status = CANCELED
            self._log(team, "Cancel", f"cancel account {user_id} in team {team_id}")
        else:
            assert remark is not None
            relation.remark_name = remark
            self._log(team, "UpdateRemarkName", f"rename account {user_id} in team {team_id}")
        return {}

    def _answer_invite(self, caller: Account, team_id: int, operation: str) -> dict[str, Any]:
        team = self._team(team_id)
        relation = team.relations.get(caller.company_id)
        if relation is None or relation.status != PENDING:
            raise _not_found(f"no pending invite to team {team_id} for account {caller.company_id}")
        relation.status = JOINED if operation == "Agree" else REJECTED
        verb = "joined" if operation == "Agree" else "rejected"
        self._log(team, operation, f"account {caller.company_id} {verb} team {team_id}")
        return {}

    def list_operate_log(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamOperateLog: the team's log, filtered and paged (owner only)."""
        team_id = params.required_ident("TeamId")
        begin = params.integer("BeginTime", low=0)
        end = params.integer("EndTime", low=0)
        if end <= begin:
            raise _invalid("EndTime", "must be greater than BeginTime")
        limit = params.integer(
            "Limit", default=DEFAULT_OPERATE_LOG_LIMIT, low=1, high=limits.OPERATE_LOG_LIMIT_MAX
        )
        offset = params.integer("Offset", default=0, low=0)
        types = {v.strip().lower() for _, v in params.items("OperateType") if v.strip()}
        statuses = {v.strip().lower() for _, v in params.items("Status") if v.strip()}
        ascending = params.boolean("OrderByASC", default=False)
        team = self._owned_team(caller, team_id, allow_deleted=True)
        logs = [
            entry
            for entry in team.logs
            if begin <= entry["CreateTime"] <= end
            and (not types or entry["OperateType"].lower() in types)
            and (not statuses or entry["Status"].lower() in statuses)
        ]
        logs.sort(key=lambda e: (e["CreateTime"], e["_seq"]), reverse=not ascending)
        page = [
            {k: v for k, v in entry.items() if not k.startswith("_")}
            for entry in logs[offset : offset + limit]
        ]
        return {
            "Logs": page,
            "Total": len(logs),
            "OperateTypeList": list(OPERATE_TYPES),
            "StatusList": list(LOG_STATUSES),
        }

    # ---------------------------------------------------------------- images

    def _image_id(self, params: Params) -> str:
        image_id = params.required_text("CompShareImageId")
        if not limits.is_image_id(image_id):
            raise _invalid("CompShareImageId", "must look like compshareImage-xxxx")
        return image_id

    def _owned_image(self, caller: Account, image_id: str) -> Image:
        image = self.images.get(image_id)
        if image is None:
            raise _not_found(f"image {image_id} does not exist")
        if image.owner != caller.company_id:
            raise _denied(f"account {caller.company_id} is not the owner of image {image_id}")
        return image

    def describe_share_accounts(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareImageShareAccounts: who an image is shared with (owner only)."""
        image = self._owned_image(caller, self._image_id(params))
        return {
            "AccountSet": [
                {"AccountId": company_id, "AccountName": self.accounts[company_id].name}
                for company_id in image.shared_with
            ]
        }

    def _account_list(self, params: Params, prefix: str) -> list[int]:
        items = params.items(prefix)
        if len(items) > limits.SHARE_BATCH_MAX:
            raise _invalid(prefix, f"at most {limits.SHARE_BATCH_MAX} accounts per call")
        return [parse_id(key, value) for key, value in items]

    def modify_share_accounts(self, caller: Account, params: Params) -> dict[str, Any]:
        """ModifyCompShareImageShareAccount: add then remove accounts (owner only)."""
        image_id = self._image_id(params)
        add = self._account_list(params, "AddAccounts")
        remove = self._account_list(params, "RemoveAccounts")
        if not add and not remove:
            raise _invalid("AddAccounts/RemoveAccounts", "at least one of them must be non-empty")
        image = self._owned_image(caller, image_id)
        invalid: list[int] = []
        for company_id in add:
            if company_id not in self.accounts or company_id == image.owner:
                if company_id not in invalid:
                    invalid.append(company_id)
            elif company_id not in image.shared_with:
                image.shared_with.append(company_id)
        for company_id in remove:
            if company_id in image.shared_with:
                image.shared_with.remove(company_id)
        return {"InvalidAccounts": invalid}

    def describe_custom_images(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareCustomImages: the caller's own images, paged."""
        params.required_text("Zone")
        wanted = params.text("CompShareImageId")
        limit = params.integer(
            "Limit", default=DEFAULT_CUSTOM_IMAGES_LIMIT, low=1, high=limits.CUSTOM_IMAGES_LIMIT_MAX
        )
        offset = params.integer("Offset", default=0, low=0)
        images = [
            i
            for i in self.images.values()
            if i.owner == caller.company_id and (not wanted or i.id == wanted)
        ]
        return {
            "ImageSet": [
                {
                    "CompShareImageId": i.id,
                    "Name": i.name,
                    "ImageType": "Custom",
                    "Status": "Available",
                    "CreateTime": i.create_time,
                    "Size": IMAGE_SIZE_MB,
                    "Visibility": 0,
                }
                for i in images[offset : offset + limit]
            ],
            "TotalCount": len(images),
        }

    # ---------------------------------------------------------------- inspection

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-compatible data (no private keys): ``GET /_emulator/state``."""
        teams = sorted(self.teams.values(), key=lambda t: t.id)
        return {
            "accounts": [
                {"company_id": a.company_id, "name": a.name, "public_key": a.public_key}
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
