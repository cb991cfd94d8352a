"""The relation actions: invites and memberships (ListCompShareTeamInvite,
ListCompShareTeamJoined, CreateCompShareTeamRelation, SetCompShareTeamRelation)."""

from __future__ import annotations

from typing import Any

from pulumi_compshare.api import limits, wire
from pulumi_compshare.emulator.api_errors import ApiError, conflict, invalid, not_found
from pulumi_compshare.emulator.model import (
    CANCELED,
    JOINED,
    PENDING,
    REJECTED,
    Relation,
    StateCore,
    Team,
)
from pulumi_compshare.emulator.params import Params, parse_id
from pulumi_compshare.emulator.seed import Account

__all__ = [
    "MAX_INVITES_PER_CALL",
    "SET_RELATION_OPERATIONS",
    "RelationActions",
]

MAX_INVITES_PER_CALL = limits.INVITE_BATCH_MAX
"""UserInfo entries per CreateCompShareTeamRelation: 100, the vendor's limit (单次请求最多邀请 100
名成员); a call with more is refused with RetCode 230 and nothing is invited."""
SET_RELATION_OPERATIONS = ("Send", "Agree", "Reject", "Cancel", "UpdateRemarkName")


class RelationActions(StateCore):
    """Invite, answer, cancel and rename; list invites and joined teams."""

    def _invite(self, team: Team, company_id: int, remark_name: str | None) -> None:
        """Invite one account (Pending); raise ApiError 8404 / 230 / 8409 for this account."""
        if company_id not in self.accounts:
            raise not_found(f"account {company_id} does not exist", "用户不存在", 16006)
        if company_id == team.owner:
            error = invalid("UserCompanyId", f"account {company_id} owns team {team.id}")
            error.zh, error.zh_code = "不能邀请团队创建者", 16008
            raise error
        relation = team.relations.get(company_id)
        if relation is not None and relation.status in (PENDING, JOINED):
            raise conflict(
                f"account {company_id} is already {relation.status.lower()} in team {team.id}",
                "用户已在团队中",
                16001,
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

    def _invite_row(self, team: Team, relation: Relation) -> dict[str, Any]:
        row = self._relation_row(team, relation)
        row["TeamUseCompanyId"] = team.owner
        return row

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
        if "invites-pending-only" in self.dialects:
            rows = [row for row in rows if row["Status"] == PENDING]
        return {"Invites": rows}

    def list_joined(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamJoined: the caller's relations as invitee, optionally by Status."""
        wanted: str | None = None
        status = params.text("Status")
        if status is not None and status.strip():
            wanted = wire.normalize_status(status)
            if wanted not in wire.RELATION_STATUSES:
                raise invalid("Status", f"must be one of {', '.join(wire.RELATION_STATUSES)}")
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
            raise invalid("UserInfo.0.UserCompanyId", "required")
        most = MAX_INVITES_PER_CALL
        if len(records) > most:
            raise invalid("UserInfo", f"at most {most} entries", f"单次请求最多邀请 {most} 名成员")
        invites: list[tuple[int, str | None]] = []
        for key, record in records:
            if "UserCompanyId" not in record:
                raise invalid(f"{key}.UserCompanyId", "required")
            company_id = parse_id(f"{key}.UserCompanyId", record["UserCompanyId"])
            remark = record.get("RemarkName")
            if remark is not None and len(remark) > limits.REMARK_NAME_MAX:
                raise invalid(
                    f"{key}.RemarkName", f"must be at most {limits.REMARK_NAME_MAX} characters"
                )
            invites.append((company_id, remark))
        team = self._owned_team(caller, team_id)
        errors: dict[str, dict[str, Any]] = {}
        for company_id, remark in invites:
            try:
                self._invite(team, company_id, remark)
            except ApiError as e:
                errors[str(company_id)] = self._failure(e)
        return self._failures("ErrorMap", errors)

    def set_relation(self, caller: Account, params: Params) -> dict[str, Any]:
        """SetCompShareTeamRelation: Send / Agree / Reject / Cancel / UpdateRemarkName."""
        team_id = params.required_ident("TeamId")
        raw = params.required_text("Status")
        operation = next(
            (op for op in SET_RELATION_OPERATIONS if op.lower() == raw.strip().lower()), None
        )
        if operation is None:
            raise invalid("Status", f"must be one of {', '.join(SET_RELATION_OPERATIONS)}")
        remark = self._remark(params)
        if operation in ("Agree", "Reject"):
            return self._answer_invite(caller, team_id, operation)
        user_id = params.required_ident("UserCompanyId")
        if operation == "UpdateRemarkName" and remark is None:
            raise invalid("RemarkName", "required for UpdateRemarkName")
        team = self._owned_team(caller, team_id)
        if operation == "Send":
            self._invite(team, user_id, remark)
            return {}
        relation = team.relations.get(user_id)
        if relation is None or relation.status not in (PENDING, JOINED):
            raise not_found(
                f"account {user_id}: no pending invite or membership in team {team_id} (not found)",
                "邀请不存在",
                16004,
            )
        if (
            operation == "Cancel"
            and relation.status == JOINED
            and "cancel-pending-only" in self.dialects
        ):
            raise conflict(
                "Cancel only cancels a pending invite, not a joined member",
                "只能取消待处理的邀请,该用户是团队成员",
                16007,
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
            raise not_found(
                f"no pending invite to team {team_id} for account {caller.company_id} (not found)",
                "邀请不存在",
                16004,
            )
        relation.status = JOINED if operation == "Agree" else REJECTED
        verb = "joined" if operation == "Agree" else "rejected"
        self._log(team, operation, f"account {caller.company_id} {verb} team {team_id}")
        return {}
