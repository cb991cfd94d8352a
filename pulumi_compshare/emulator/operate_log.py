"""The operation log: ListCompShareTeamOperateLog (every change to a team is logged by
:meth:`~.model.StateCore._log`)."""

from __future__ import annotations

from typing import Any

from pulumi_compshare.api import limits
from pulumi_compshare.emulator.api_errors import invalid
from pulumi_compshare.emulator.dialects import (
    LOG_STATUS_LABELS,
    OPERATE_TYPE_LABELS,
    VENDOR_OPERATE_TYPES,
)
from pulumi_compshare.emulator.model import StateCore
from pulumi_compshare.emulator.params import Params
from pulumi_compshare.emulator.seed import Account

__all__ = ["DEFAULT_OPERATE_LOG_LIMIT", "LOG_STATUSES", "OPERATE_TYPES", "OperateLogActions"]

DEFAULT_OPERATE_LOG_LIMIT = 25
OPERATE_TYPES = (
    "CreateTeam",
    "UpdateTeam",
    "DeleteTeam",
    "Invite",
    "Agree",
    "Reject",
    "Cancel",
    "UpdateRemarkName",
    "AllocateAmount",
    "WithdrawAmount",
)
LOG_STATUSES = ("Success",)


class OperateLogActions(StateCore):
    """A team's operation log, filtered and paged."""

    def list_operate_log(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamOperateLog: the team's log, filtered and paged (owner only)."""
        team_id = params.required_ident("TeamId")
        vendor = "operate-log-maps" in self.dialects
        begin = params.integer("BeginTime", low=0, default=0 if vendor else None)
        end = params.integer("EndTime", low=0, default=2**62 if vendor else None)
        if end <= begin:
            raise invalid("EndTime", "must be greater than BeginTime", "必须大于 BeginTime")
        limit = params.integer(
            "Limit", default=DEFAULT_OPERATE_LOG_LIMIT, low=1, high=limits.OPERATE_LOG_LIMIT_MAX
        )
        offset = params.integer("Offset", default=0, low=0)
        types = {v.strip().lower() for _, v in params.items("OperateType") if v.strip()}
        statuses = {v.strip().lower() for _, v in params.items("Status") if v.strip()}
        ascending = params.boolean("OrderByASC", default=False)
        team = self._owned_team(caller, team_id, allow_deleted=True)
        names = VENDOR_OPERATE_TYPES if vendor else {}
        logs = [
            {**entry, "OperateType": names.get(entry["OperateType"], entry["OperateType"])}
            for entry in team.logs
        ]
        logs = [
            entry
            for entry in logs
            if begin <= entry["CreateTime"] <= end
            and (not types or entry["OperateType"].lower() in types)
            and (not statuses or entry["Status"].lower() in statuses)
        ]
        logs.sort(key=lambda e: (e["CreateTime"], e["_seq"]), reverse=not ascending)
        page = [
            {k: v for k, v in entry.items() if not k.startswith("_")}
            for entry in logs[offset : offset + limit]
        ]
        operate_types = [names.get(t, t) for t in OPERATE_TYPES]
        if vendor:
            return {
                "Logs": page,
                "Total": len(logs),
                "OperateTypeList": {t: OPERATE_TYPE_LABELS.get(t, t) for t in operate_types},
                "StatusList": dict(LOG_STATUS_LABELS),
            }
        return {
            "Logs": page,
            "Total": len(logs),
            "OperateTypeList": operate_types,
            "StatusList": list(LOG_STATUSES),
        }
