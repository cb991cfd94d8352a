"""Lookup functions: read CompShare objects from a Pulumi program.

Like generated Pulumi SDKs, each lookup has a plain form (``get_team(...)`` returns a typed result
now) and an ``_output`` form (``get_team_output(...)`` takes Inputs and returns an Output).
Credentials come from stack config (``pulumi.Config("compshare")``) or the same environment
variables as the resources; ``profile`` names a set in ``compshare:profiles``. Bad arguments raise
:class:`~pulumi_compshare.client.InvalidParameterError` before any API call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from .api import limits, wire
from .client import CompShareClient, InvalidParameterError
from .config import client_for, settings_from

__all__ = [
    "GetImageShareAccountsResult",
    "GetJoinedTeamsResult",
    "GetSharedImagesResult",
    "GetTeamInvitesResult",
    "GetTeamOperateLogsResult",
    "GetTeamResult",
    "GetTeamsResult",
    "ImageShareAccount",
    "OperateLogEntry",
    "SharedImage",
    "TeamInvite",
    "TeamMember",
    "TeamSummary",
    "get_image_share_accounts",
    "get_image_share_accounts_output",
    "get_joined_teams",
    "get_joined_teams_output",
    "get_shared_images",
    "get_shared_images_output",
    "get_team",
    "get_team_invites",
    "get_team_invites_output",
    "get_team_operate_logs",
    "get_team_operate_logs_output",
    "get_team_output",
    "get_teams",
    "get_teams_output",
]

INVITE_ORDER_FIELDS = ("create_time",)
INVITE_LIMIT_MAX = 100


# ------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class TeamMember:
    """One relation of a team: an invite or a membership."""

    user_company_id: int
    virtual_company_id: int
    status: str
    """Pending, Joined, Rejected or Canceled."""
    remark_name: str
    allocate_amount: int
    """Credit allocated to the member, in fen."""
    available_amount: int
    """Credit still available, in fen."""
    create_time: int


@dataclass(frozen=True)
class GetTeamResult:
    """A team and its members (GetCompShareTeamInfo)."""

    team_id: int
    company_id: int
    name: str
    description: str
    deleted: bool
    members: list[TeamMember]


@dataclass(frozen=True)
class TeamSummary:
    team_id: int
    company_id: int
    name: str
    description: str
    member_count: int


@dataclass(frozen=True)
class GetTeamsResult:
    """The teams the caller owns (ListCompShareTeam)."""

    teams: list[TeamSummary]


@dataclass(frozen=True)
class TeamInvite:
    """An invitation: sent by a team (with ``team_id``) or received by the caller."""

    team_id: int
    team_name: str
    owner_company_id: int
    user_company_id: int
    virtual_company_id: int
    status: str
    remark_name: str
    create_time: int


@dataclass(frozen=True)
class GetJoinedTeamsResult:
    """The caller's relations as an invitee (ListCompShareTeamJoined)."""

    teams: list[TeamInvite]


@dataclass(frozen=True)
class GetTeamInvitesResult:
    """One page of invitations, with the total matching count."""

    invites: list[TeamInvite]
    total: int
    offset: int
    """The page number, from 1."""
    limit: int


@dataclass(frozen=True)
class ImageShareAccount:
    account_id: int
    account_name: str


@dataclass(frozen=True)
class GetImageShareAccountsResult:
    """The accounts a custom image is shared with (DescribeCompShareImageShareAccounts)."""

    image_id: str
    accounts: list[ImageShareAccount]
    account_ids: list[int]


@dataclass(frozen=True)
class SharedImage:
    """A custom image another account shared with the caller."""

    image_id: str
    name: str
    status: str
    owner_account_id: int | None
    """The sharing account (``None`` when the API leaves it out)."""
    owner_account_name: str
    create_time: int


@dataclass(frozen=True)
class GetSharedImagesResult:
    """One page of the images others shared with the caller (DescribeCompShareSharingImages)."""

    images: list[SharedImage]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class OperateLogEntry:
    content: str
    operate_type: str
    status: str
    create_time: int


@dataclass(frozen=True)
class GetTeamOperateLogsResult:
    """One page of a team's operation log (ListCompShareTeamOperateLog)."""

    logs: list[OperateLogEntry]
    total: int
    operate_types: list[str] = field(default_factory=list)
    """The operation types the API knows (OperateTypeList; a list or a map on the wire)."""
    operate_type_names: dict[str, str] = field(default_factory=dict)
    """Each operation type's label (``{"InviteMember": "邀请成员"}``; the word itself when the
    API sent a plain list)."""
    statuses: list[str] = field(default_factory=list)
    """The statuses the API knows (StatusList)."""
    status_names: dict[str, str] = field(default_factory=dict)
    """Each status's label."""


# ------------------------------------------------------------------------------ helpers


def _client(function: str, profile: Any) -> CompShareClient:
    name = _profile(function, profile)
    config = pulumi.Config("compshare")
    settings = settings_from(lambda key: config.get(key.split(":", 1)[1]))
    return client_for(settings.profile(name))


def _bad(function: str, message: str) -> InvalidParameterError:
    return InvalidParameterError(function, message)


def _id(function: str, name: str, value: Any, *, optional: bool = False) -> int | None:
    if value is None:
        if optional:
            return None
        raise _bad(function, f"{name} is required")
    try:
        number = wire.to_int(value)
    except ValueError:
        raise _bad(function, f"{name} must be a positive integer, got {value!r}") from None
    if isinstance(value, bool) or not 0 < number <= limits.MAX_ID:
        raise _bad(function, f"{name} must be a positive integer, got {value!r}")
    return number


def _status(function: str, value: str | None) -> str | None:
    if value is None:
        return None
    status = wire.normalize_status(value) if isinstance(value, str) else value
    if status not in wire.RELATION_STATUSES:
        raise _bad(
            function, f"status must be one of {', '.join(wire.RELATION_STATUSES)}, got {value!r}"
        )
    return str(status)


def _count(function: str, name: str, value: Any, low: int, high: int | None = None) -> int:
    whole = isinstance(value, int) or (
        isinstance(value, float) and math.isfinite(value) and value.is_integer()
    )
    if isinstance(value, bool) or not whole:
        raise _bad(function, f"{name} must be an integer, got {value!r}")
    number = int(value)
    if number < low or (high is not None and number > high):
        span = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise _bad(function, f"{name} must be {span}, got {number}")
    return number


def _texts(function: str, name: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise _bad(function, f"{name} must be a list of strings, got {value!r}")
    if not all(isinstance(item, str) for item in value):
        raise _bad(function, f"{name} must be a list of strings, got {list(value)!r}")
    return list(value)


def _profile(function: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value
    raise _bad(
        function, f"profile must be the name of a profile in compshare:profiles, got {value!r}"
    )


def _invite(row: Any) -> TeamInvite:
    return TeamInvite(
        team_id=row.team_id,
        team_name=row.team_name,
        owner_company_id=row.team_use_company_id,
        user_company_id=row.user_company_id,
        virtual_company_id=row.virtual_company_id,
        status=row.status,
        remark_name=row.remark_name,
        create_time=row.create_time,
    )


# ------------------------------------------------------------------------------ lookups


def get_team(
    team_id: int | None = None,
    virtual_company_id: int | None = None,
    profile: str | None = None,
) -> GetTeamResult:
    """A team and its members, by exactly one of ``team_id`` and ``virtual_company_id``."""
    fn = "get_team"
    if (team_id is None) == (virtual_company_id is None):
        raise _bad(fn, "give exactly one of team_id and virtual_company_id")
    tid = _id(fn, "team_id", team_id, optional=True)
    vid = _id(fn, "virtual_company_id", virtual_company_id, optional=True)
    info = _client(fn, profile).get_team_info(team_id=tid, virtual_company_id=vid)
    return GetTeamResult(
        team_id=info.team.id,
        company_id=info.team.company_id,
        name=info.team.name,
        description=info.team.description,
        deleted=info.team.deleted,
        members=[
            TeamMember(
                user_company_id=r.user_company_id,
                virtual_company_id=r.virtual_company_id,
                status=r.status,
                remark_name=r.remark_name,
                allocate_amount=r.allocate_amount,
                available_amount=r.available_amount,
                create_time=r.create_time,
            )
            for r in info.relations
        ],
    )


def get_teams(profile: str | None = None) -> GetTeamsResult:
    """The teams the caller owns."""
    return GetTeamsResult(
        teams=[
            TeamSummary(t.id, t.company_id, t.name, t.description, t.member_count)
            for t in _client("get_teams", profile).list_teams()
        ]
    )


def get_joined_teams(status: str | None = None, profile: str | None = None) -> GetJoinedTeamsResult:
    """The teams the caller was invited to or joined, optionally only those with ``status``."""
    wanted = _status("get_joined_teams", status)
    rows = _client("get_joined_teams", profile).list_joined_teams(status=wanted)
    return GetJoinedTeamsResult(teams=[_invite(r) for r in rows])


def get_team_invites(
    team_id: int | None = None,
    status: str | None = None,
    search: str | None = None,
    order_by: str = "create_time",
    descending: bool = True,
    offset: int = 1,
    limit: int = 10,
    profile: str | None = None,
) -> GetTeamInvitesResult:
    """A page of invitations: a team's (with ``team_id``, as its owner) or, without it, the ones
    the caller received.

    Paging and search follow the invitation listings users know (Volcengine ListInvitations):
    ``offset`` is the page number from 1, ``limit`` the page size (1 to 100, default 10),
    ``search`` a case-insensitive match on the remark name or the account id, ordered by
    ``order_by`` (``create_time``), newest first unless ``descending=False``.
    """
    fn = "get_team_invites"
    tid = _id(fn, "team_id", team_id, optional=True)
    wanted = _status(fn, status)
    if search is not None and not isinstance(search, str):
        raise _bad(fn, f"search must be a string, got {search!r}")
    if order_by not in INVITE_ORDER_FIELDS:
        raise _bad(
            fn, f"order_by must be one of {', '.join(INVITE_ORDER_FIELDS)}, got {order_by!r}"
        )
    if not isinstance(descending, bool):
        raise _bad(fn, f"descending must be true or false, got {descending!r}")
    page = _count(fn, "offset", offset, 1)
    size = _count(fn, "limit", limit, 1, INVITE_LIMIT_MAX)
    rows = [_invite(r) for r in _client(fn, profile).list_team_invites(team_id=tid)]
    if wanted is not None:
        rows = [r for r in rows if r.status == wanted]
    if search:
        needle = search.strip().lower()
        rows = [
            r for r in rows if needle in r.remark_name.lower() or needle in str(r.user_company_id)
        ]
    rows.sort(key=lambda r: (r.create_time, r.user_company_id), reverse=descending)
    start = (page - 1) * size
    return GetTeamInvitesResult(
        invites=rows[start : start + size], total=len(rows), offset=page, limit=size
    )


def get_image_share_accounts(
    image_id: str, profile: str | None = None
) -> GetImageShareAccountsResult:
    """The accounts a custom image is shared with."""
    if not limits.is_image_id(image_id):
        raise _bad("get_image_share_accounts", f"image_id {image_id!r} is not a custom image id")
    accounts = [
        ImageShareAccount(a.account_id, a.account_name)
        for a in _client("get_image_share_accounts", profile).describe_image_share_accounts(
            image_id
        )
    ]
    return GetImageShareAccountsResult(
        image_id=image_id, accounts=accounts, account_ids=sorted(a.account_id for a in accounts)
    )


def get_shared_images(
    offset: int = 0, limit: int = 20, profile: str | None = None
) -> GetSharedImagesResult:
    """One page of the custom images other accounts shared with the caller (the invitee's view;
    ``offset`` from 0, ``limit`` 1 to 100); ``total`` counts them all."""
    fn = "get_shared_images"
    start = _count(fn, "offset", offset, 0)
    size = _count(fn, "limit", limit, 1, limits.SHARING_IMAGES_LIMIT_MAX)
    page = _client(fn, profile).describe_sharing_images(start, size)
    return GetSharedImagesResult(
        images=[
            SharedImage(
                image_id=i.image_id,
                name=i.name,
                status=i.status,
                owner_account_id=i.owner.account_id if i.owner else None,
                owner_account_name=i.owner.account_name if i.owner else "",
                create_time=i.create_time,
            )
            for i in page.images
        ],
        total=page.total_count,
        offset=start,
        limit=size,
    )


def get_team_operate_logs(
    team_id: int,
    begin_time: int,
    end_time: int,
    operate_types: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    limit: int = 25,
    offset: int = 0,
    ascending: bool = False,
    profile: str | None = None,
) -> GetTeamOperateLogsResult:
    """One page of a team's operation log between two unix times (``limit`` 1 to 100)."""
    fn = "get_team_operate_logs"
    tid = _id(fn, "team_id", team_id)
    begin = _count(fn, "begin_time", begin_time, 0)
    end = _count(fn, "end_time", end_time, 0)
    if end <= begin:
        raise _bad(fn, "end_time must be later than begin_time")
    size = _count(fn, "limit", limit, 1, limits.OPERATE_LOG_LIMIT_MAX)
    skip = _count(fn, "offset", offset, 0)
    types = _texts(fn, "operate_types", operate_types)
    states = _texts(fn, "statuses", statuses)
    if not isinstance(ascending, bool):
        raise _bad(fn, f"ascending must be true or false, got {ascending!r}")
    assert tid is not None
    page = _client(fn, profile).list_team_operate_logs(
        tid,
        begin,
        end,
        limit=size,
        offset=skip,
        operate_types=types,
        statuses=states,
        order_by_asc=ascending,
    )
    return GetTeamOperateLogsResult(
        logs=[
            OperateLogEntry(x.content, x.operate_type, x.status, x.create_time) for x in page.logs
        ],
        total=page.total,
        operate_types=list(page.operate_type_list),
        operate_type_names=dict(page.operate_type_names),
        statuses=list(page.status_list),
        status_names=dict(page.status_names),
    )


# ------------------------------------------------------------------------------ _output forms


def get_team_output(
    team_id: pulumi.Input[int | None] = None,
    virtual_company_id: pulumi.Input[int | None] = None,
    profile: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetTeamResult]:
    """:func:`get_team` taking Inputs; the result is an Output."""
    return pulumi.Output.all(team_id, virtual_company_id, profile).apply(lambda a: get_team(*a))


def get_teams_output(profile: pulumi.Input[str | None] = None) -> pulumi.Output[GetTeamsResult]:
    """:func:`get_teams` taking Inputs; the result is an Output."""
    return pulumi.Output.from_input(profile).apply(get_teams)


def get_joined_teams_output(
    status: pulumi.Input[str | None] = None, profile: pulumi.Input[str | None] = None
) -> pulumi.Output[GetJoinedTeamsResult]:
    """:func:`get_joined_teams` taking Inputs; the result is an Output."""
    return pulumi.Output.all(status, profile).apply(lambda a: get_joined_teams(*a))


def get_team_invites_output(
    team_id: pulumi.Input[int | None] = None,
    status: pulumi.Input[str | None] = None,
    search: pulumi.Input[str | None] = None,
    order_by: pulumi.Input[str] = "create_time",
    descending: pulumi.Input[bool] = True,
    offset: pulumi.Input[int] = 1,
    limit: pulumi.Input[int] = 10,
    profile: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetTeamInvitesResult]:
    """:func:`get_team_invites` taking Inputs; the result is an Output."""
    return pulumi.Output.all(
        team_id, status, search, order_by, descending, offset, limit, profile
    ).apply(lambda a: get_team_invites(*a))


def get_image_share_accounts_output(
    image_id: pulumi.Input[str], profile: pulumi.Input[str | None] = None
) -> pulumi.Output[GetImageShareAccountsResult]:
    """:func:`get_image_share_accounts` taking Inputs; the result is an Output."""
    return pulumi.Output.all(image_id, profile).apply(lambda a: get_image_share_accounts(*a))


def get_shared_images_output(
    offset: pulumi.Input[int] = 0,
    limit: pulumi.Input[int] = 20,
    profile: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetSharedImagesResult]:
    """:func:`get_shared_images` taking Inputs; the result is an Output."""
    return pulumi.Output.all(offset, limit, profile).apply(lambda a: get_shared_images(*a))


def get_team_operate_logs_output(
    team_id: pulumi.Input[int],
    begin_time: pulumi.Input[int],
    end_time: pulumi.Input[int],
    operate_types: pulumi.Input[Sequence[str] | None] = None,
    statuses: pulumi.Input[Sequence[str] | None] = None,
    limit: pulumi.Input[int] = 25,
    offset: pulumi.Input[int] = 0,
    ascending: pulumi.Input[bool] = False,
    profile: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetTeamOperateLogsResult]:
    """:func:`get_team_operate_logs` taking Inputs; the result is an Output."""
    return pulumi.Output.all(
        team_id, begin_time, end_time, operate_types, statuses, limit, offset, ascending, profile
    ).apply(lambda a: get_team_operate_logs(*a))
