"""The emulator's state machine: accounts, teams, relations, images and the action handlers.

Nothing here knows about HTTP. :meth:`EmulatorState.process` takes the flattened request
parameters (``dict[str, str]``, exactly what was signed) and returns the response envelope
``{"Action": "<Action>Response", "RetCode": ..., "Message": ..., ...}``. It checks, in order:
missing ``Action`` (160), missing ``Signature`` (170), unknown ``PublicKey`` (172), signature
mismatch (171), unknown ``Action`` (161), ``Region``, then runs the action.

The caller (the HTTP server) holds one lock around every call; this class is not thread-safe.

Codes chosen by the emulator (the vendor does not document them): not found 8404, permission
denied 8403, conflict 8409; invalid parameters are 230 with a message naming the parameter
(:mod:`.failures`).

The action tables (:data:`ACTIONS`, :data:`WRITE_ACTIONS`, :data:`NON_IDEMPOTENT_ACTIONS`) are
derived from the request models of :mod:`pulumi_compshare.api.models` (each names its ``action``
and whether it is ``idempotent`` and ``writes``), so the client and the emulator cannot disagree.

The actions live by what they act on: :mod:`.teams`, :mod:`.relations`, :mod:`.operate_log`,
:mod:`.budgets` (member budgets, ``SetCompShareTeamAmount``: see
:meth:`EmulatorState.set_team_amount` and ``docs/budgets.md``) and :mod:`.images`, over the data
model of :mod:`.model`; parameters are read by :mod:`.params`.

Where the vendor's sources leave a question open, :data:`DIALECTS` (:mod:`.dialects`) name the
other readings; an ``EmulatorState`` answers in the combination it is given (none: the default
reading above).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_compshare.api import codes, limits, wire
from pulumi_compshare.api.models import REQUESTS, ApiRequest
from pulumi_compshare.emulator.api_errors import (
    ApiError,
    feature_refused,
    invalid,
    not_verified,
    one_line,
)
from pulumi_compshare.emulator.billing import BILLING_ACTIONS, BillingActions
from pulumi_compshare.emulator.budgets import AMOUNT_CODES, BudgetActions
from pulumi_compshare.emulator.dialects import (
    DIALECTS,
    IMAGE_ACTIONS,
    STRICT,
    ZH_CODES,
    Dialect,
    parse_dialects,
    reshape,
)
from pulumi_compshare.emulator.images import ImageActions
from pulumi_compshare.emulator.model import ActionHandler
from pulumi_compshare.emulator.operate_log import OPERATE_TYPES, OperateLogActions
from pulumi_compshare.emulator.params import Params
from pulumi_compshare.emulator.relations import RelationActions
from pulumi_compshare.emulator.seed import Account
from pulumi_compshare.emulator.teams import TeamActions

__all__ = [
    "ACTIONS",
    "AMOUNT_CODES",
    "DIALECTS",
    "NON_IDEMPOTENT_ACTIONS",
    "OPERATE_TYPES",
    "STRICT",
    "TEAM_ADMIN_ACTIONS",
    "WRITE_ACTIONS",
    "ZH_CODES",
    "ApiError",
    "Dialect",
    "EmulatorState",
    "is_non_idempotent_write",
    "is_team_admin_call",
    "one_line",
    "parse_dialects",
]

REGION = limits.REGION_DEFAULT

_REQUEST_OF: dict[str, type[ApiRequest]] = {model.action: model for model in REQUESTS}

ACTIONS = tuple(_REQUEST_OF)
"""Every action the emulator implements: one per request model of the ``api`` layer."""

WRITE_ACTIONS = frozenset(model.action for model in REQUESTS if model.writes)
"""Actions that change state (the ones an ``applied_response_lost`` fault can hit)."""

NON_IDEMPOTENT_ACTIONS = frozenset(
    model.action for model in REQUESTS if model.writes and not model.idempotent
)
"""Writes that must never be retried blindly (CreateCompShareTeam, CreateCompShareTeamRelation,
SetCompShareTeamAmount; plus SetCompShareTeamRelation with Status Send, see
:func:`is_non_idempotent_write`)."""


TEAM_ADMIN_ACTIONS = frozenset(
    {
        "CreateCompShareTeam",
        "UpdateCompShareTeam",
        "DeleteCompShareTeam",
        "ListCompShareTeam",
        "CreateCompShareTeamRelation",
        "SetCompShareTeamRelation",
        "ListCompShareTeamInvite",
        "ListCompShareTeamOperateLog",
        "SetCompShareTeamAmount",
        *BILLING_ACTIONS,
    }
)
"""The actions of a team's admin (主账号), which the team feature gates: the admin guide asks the
admin to have the vendor enable it first. An invitee's calls (Agree / Reject, the invites they
received, the teams they joined, GetCompShareTeamInfo) are not gated."""


def is_team_admin_call(action: str, params: Params) -> bool:
    """Whether a request is a team admin's (:data:`TEAM_ADMIN_ACTIONS`, less an invitee's Agree
    or Reject and a listing of the invites the caller received)."""
    if action not in TEAM_ADMIN_ACTIONS:
        return False
    if action == "SetCompShareTeamRelation":
        status = (params.text("Status") or "").strip().lower()
        return status not in ("agree", "reject")
    if action == "ListCompShareTeamInvite":
        return params.text("TeamId") is not None
    return True


def is_non_idempotent_write(params: Mapping[str, str]) -> bool:
    """Whether a request is a write that does something new each time it is applied (creates,
    invites, moves money): the request model of its action says so from the wire parameters."""
    model = _REQUEST_OF.get(params.get("Action", ""))
    return model is not None and model.writes and not model.idempotent_fields(params)


class EmulatorState(
    TeamActions, RelationActions, OperateLogActions, BudgetActions, BillingActions, ImageActions
):
    """The whole emulated account world and the action handlers."""

    def _handlers(self) -> dict[str, ActionHandler]:
        handlers: dict[str, ActionHandler] = {
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
            "SetCompShareTeamAmount": self.set_team_amount,
            "DescribeCompShareImageShareAccounts": self.describe_share_accounts,
            "ModifyCompShareImageShareAccount": self.modify_share_accounts,
            "DescribeCompShareCustomImages": self.describe_custom_images,
            "DescribeCompShareSharingImages": self.describe_sharing_images,
            "DescribeTeamMemberOrder": self.describe_member_orders,
            "DescribeTeamMemberOrderCount": self.describe_member_order_count,
            "DescribeTeamMemberUnpaidOrder": self.describe_member_unpaid_orders,
            "DescribeTeamMemberUnpaidOrderCount": self.describe_member_unpaid_order_count,
            "ListMemberProductType": self.list_member_product_types,
        }
        missing = set(ACTIONS) ^ set(handlers)
        assert not missing, f"actions without a handler, or handlers without a model: {missing}"
        return handlers

    # ---------------------------------------------------------------- request processing

    def process(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """Authenticate and run one request; return the response envelope (errors included)."""
        action = fields.get("Action", "")
        try:
            body = self._authenticated_call(action, fields)
        except ApiError as e:
            code, message = self._error_text(e)
            return {"Action": f"{action}Response", "RetCode": code, "Message": message}
        return reshape(
            {"Action": f"{action}Response", "RetCode": codes.OK, "Message": "", **body},
            self.dialects,
        )

    def error_envelope(self, action: str, code: int, message: str) -> dict[str, Any]:
        """An error answer in this state's dialect (for failures found outside the actions)."""
        code, text = self._error_text(ApiError(code, message))
        return {"Action": f"{one_line(action)}Response", "RetCode": code, "Message": text}

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
        if action in IMAGE_ACTIONS and "region-required" in self.dialects:
            params.required_text("Region")
        region = params.text("Region")
        if region is not None and region != REGION:
            raise invalid("Region", f"must be {REGION}")
        self._gate(account, action, params)
        return handler(account, params)

    def _gate(self, caller: Account, action: str, params: Params) -> None:
        """Refuse what the caller's account may not do yet: a team admin's action without the
        team feature (the vendor enables it per account), then an action whose vendor page
        requires real-name verification without it (226606)."""
        if not caller.team_feature and is_team_admin_call(action, params):
            raise feature_refused(self.dialects)
        if not caller.real_name_verified and action in codes.REAL_NAME_ACTIONS:
            raise not_verified()
