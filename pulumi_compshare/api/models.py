"""Pydantic models of every CompShare request and response this project uses.

Field names are snake_case; the wire names are their PascalCase aliases (``team_id`` <->
``TeamId``). Identifiers accept ints, numeric strings and whole floats (:func:`wire.to_int`);
relation statuses are normalised case-insensitively (:func:`wire.normalize_status`).

Each request model names its ``action``, whether it is ``idempotent`` (the client retries
transient failures of idempotent requests only) and whether it ``writes`` (changes state).
:data:`REQUESTS` lists them all: the emulator derives its action tables from it.

The models live by kind: :mod:`.requests`, :mod:`.responses` and the field types both share,
:mod:`.fields`; every name is importable from here.
"""

from __future__ import annotations

from .fields import describe_validation
from .requests import (
    REQUESTS,
    AmountOperation,
    ApiRequest,
    CreateTeamRelationRequest,
    CreateTeamRequest,
    DeleteTeamRequest,
    DescribeCustomImagesRequest,
    DescribeImageShareAccountsRequest,
    DescribeSharingImagesRequest,
    GetTeamInfoRequest,
    InviteUser,
    ListJoinedTeamsRequest,
    ListTeamInvitesRequest,
    ListTeamOperateLogRequest,
    ListTeamsRequest,
    ModifyImageShareAccountRequest,
    RelationAction,
    SetTeamAmountRequest,
    SetTeamRelationRequest,
    Touch,
    UpdateTeamRequest,
    request_problem,
)
from .responses import (
    AmountFailure,
    CustomImage,
    CustomImagePage,
    InviteFailure,
    OperateLog,
    OperateLogPage,
    Relation,
    ShareAccount,
    SharedImage,
    SharedImagePage,
    Team,
    TeamDetail,
    TeamInfo,
    error_map,
    failed_members,
)

__all__ = [
    "REQUESTS",
    "AmountFailure",
    "AmountOperation",
    "ApiRequest",
    "CreateTeamRelationRequest",
    "CreateTeamRequest",
    "CustomImage",
    "CustomImagePage",
    "DeleteTeamRequest",
    "DescribeCustomImagesRequest",
    "DescribeImageShareAccountsRequest",
    "DescribeSharingImagesRequest",
    "GetTeamInfoRequest",
    "InviteFailure",
    "InviteUser",
    "ListJoinedTeamsRequest",
    "ListTeamInvitesRequest",
    "ListTeamOperateLogRequest",
    "ListTeamsRequest",
    "ModifyImageShareAccountRequest",
    "OperateLog",
    "OperateLogPage",
    "Relation",
    "RelationAction",
    "SetTeamAmountRequest",
    "SetTeamRelationRequest",
    "ShareAccount",
    "SharedImage",
    "SharedImagePage",
    "Team",
    "TeamDetail",
    "TeamInfo",
    "Touch",
    "UpdateTeamRequest",
    "describe_validation",
    "error_map",
    "failed_members",
    "request_problem",
]
