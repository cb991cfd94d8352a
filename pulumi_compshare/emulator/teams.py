"""The team actions: CreateCompShareTeam, UpdateCompShareTeam, DeleteCompShareTeam,
ListCompShareTeam, GetCompShareTeamInfo."""

from __future__ import annotations

from typing import Any

from pulumi_compshare.api import codes, limits
from pulumi_compshare.emulator.api_errors import ApiError, conflict, denied, invalid, not_found
from pulumi_compshare.emulator.model import CANCELED, PENDING, StateCore, Team
from pulumi_compshare.emulator.params import Params
from pulumi_compshare.emulator.seed import Account

__all__ = ["FIRST_TEAM_ID", "TeamActions"]

FIRST_TEAM_ID = 1001


class TeamActions(StateCore):
    """Create, change, delete, list and show teams."""

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
            raise conflict(
                f"team {team_id} still has {members} member{'s' if members > 1 else ''}; "
                "cancel them first",
                "团队中还有成员,请先移除所有成员",
                16005,
            )
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
            raise invalid("TeamId/VirtualCompanyId", "exactly one of TeamId and VirtualCompanyId")
        if team_id is not None:
            existing = self.teams.get(team_id)
            if "team-gone-empty" in self.dialects and (existing is None or existing.deleted):
                return {"Team": {}, "TeamRelation": []}
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
                if "team-gone-empty" in self.dialects:
                    return {"Team": {}, "TeamRelation": []}
                if "team-gone-error" in self.dialects:
                    raise ApiError(codes.PARAM_ERROR, "团队不存在", zh="团队不存在")
                raise not_found(f"virtual company {virtual_id} does not exist", "团队不存在", 16002)
            team = found
        if team.owner != caller.company_id and caller.company_id not in team.relations:
            raise denied(
                f"permission denied: account {caller.company_id} is not related to team {team.id}",
                "无权限查看该团队",
                16003,
            )
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
