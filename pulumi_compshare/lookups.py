"""Lookup functions: read CompShare objects from a Pulumi program.

Like generated Pulumi SDKs, each lookup has a plain form (``get_team(...)`` returns a typed result
now) and an ``_output`` form (``get_team_output(...)`` takes Inputs and returns an Output).
Credentials come from stack config (``pulumi.Config("compshare")``) or the same environment
variables as the resources; ``profile`` names a set in ``compshare:profiles``. Bad arguments raise
:class:`~pulumi_compshare.client.InvalidParameterError` before any credential lookup or API call:
each lookup's arguments are checked by the request model they become (with the rules of
:mod:`pulumi_compshare.api.fields`), and the message names the lookup and the argument.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import pulumi
from pydantic import Field, model_validator

from .api import limits
from .api.fields import KnownStatus, Phrase, PositiveId, Switch, one_of, whole
from .api.models import (
    ApiRequest,
    DescribeImageShareAccountsRequest,
    DescribeSharingImagesRequest,
    DescribeTeamMemberOrderRequest,
    GetTeamInfoRequest,
    ListJoinedTeamsRequest,
    ListMemberProductTypeRequest,
    ListTeamInvitesRequest,
    ListTeamOperateLogRequest,
    TeamInfo,
)
from .client import CompShareClient, InvalidParameterError
from .client.client import build_request
from .config import client_for, settings_from

__all__ = [
    "GetImageShareAccountsResult",
    "GetJoinedTeamsResult",
    "GetSharedImagesResult",
    "GetTeamInvitesResult",
    "GetTeamMemberOrdersResult",
    "GetTeamOperateLogsResult",
    "GetTeamResult",
    "GetTeamSpendResult",
    "GetTeamsResult",
    "ImageShareAccount",
    "MemberOrder",
    "MemberSpend",
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
    "get_team_member_orders",
    "get_team_member_orders_output",
    "get_team_operate_logs",
    "get_team_operate_logs_output",
    "get_team_output",
    "get_team_spend",
    "get_team_spend_output",
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
    granted_amount: int
    """The budget granted to the member (``AllocateAmount``), in fen."""
    available_amount: int
    """The part of it not spent yet (``AvailableAmount``), in fen."""
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


@dataclass(frozen=True)
class MemberOrder:
    """One order of a team member (a row of DescribeTeamMemberOrder). Amounts are in fen (1/100
    yuan), as a member's budget is, whatever the API answered (it sends yuan text)."""

    order_no: str
    state: str
    """The API's word for it, as sent: ``Paid`` / ``Unpaid`` (the vendor's CompShare page) or
    UCloud's ``OS_FINISHED``."""
    order_type: str
    """``Buy`` and the like (OrderType)."""
    charge_type: str
    """How it is billed: ``Dynamic`` (by use), ``Month``... (ChargeType)."""
    amount: int
    """What the order costs, in fen (Amount)."""
    paid_amount: int
    """What was actually paid, in fen (AmountReal): 0 for an unpaid order."""
    product_type: str
    """The product it bills (ResourceType), e.g. ``GPU算力``."""
    resource_id: str
    """The resource it bills (ResourceId)."""
    create_time: int
    """When it was placed, unix seconds."""


@dataclass(frozen=True)
class GetTeamMemberOrdersResult:
    """One page of a team member's orders in a time window (DescribeTeamMemberOrder), newest
    first unless asked otherwise."""

    team_id: int
    user_company_id: int
    """The member's own account."""
    virtual_company_id: int
    """The member's account in the team (their VirtualCompanyId)."""
    begin_time: int
    end_time: int
    orders: list[MemberOrder]
    total: int
    """How many orders in the window match, over every page."""
    offset: int
    """How many matching orders this page skips (from 0)."""
    limit: int
    product_types: list[str] = field(default_factory=list)
    """Every product type the member ordered in the window (ListMemberProductType)."""


@dataclass(frozen=True)
class MemberSpend:
    """What one member of a team was given and spent. Amounts in fen (1/100 yuan)."""

    user_company_id: int
    virtual_company_id: int
    remark_name: str
    status: str
    """Joined, or Canceled for a member who left (their orders stay theirs)."""
    granted_amount: int
    """The budget granted to the member (AllocateAmount), now."""
    available_amount: int
    """The part of it not spent (AvailableAmount), now."""
    spent_amount: int
    """What the member's orders in the window cost (DescribeTeamMemberOrderCount's Amount),
    unpaid ones included."""
    paid_amount: int
    """What of it was paid (its AmountReal): over a window that holds every order, the
    budget the member used, ``granted_amount - available_amount`` (while no budget was taken
    back under the ``allocate-cumulative`` reading)."""
    unpaid_amount: int
    """What of it the member still owes (DescribeTeamMemberUnpaidOrderCount's Amount)."""
    order_count: int
    """How many orders the member placed in the window."""


@dataclass(frozen=True)
class GetTeamSpendResult:
    """A team's spend per member in a time window, as the team's owner sees it: every member
    Joined now, and every Canceled one with orders in the window (who left after spending)."""

    team_id: int
    begin_time: int
    end_time: int
    members: list[MemberSpend]
    spent_amount: int
    """The team's total, in fen: the sum of the members' ``spent_amount``."""
    spent_by_member: dict[str, int]
    """Each member's ``spent_amount`` by their company id as text (``{"50002": 12000}``), ready
    for a stack output."""


# ------------------------------------------------------------------------------ helpers


def _client(function: str, profile: Any) -> CompShareClient:
    name = _profile(function, profile)
    config = pulumi.Config("compshare")
    settings = settings_from(lambda key: config.get(key.split(":", 1)[1]))
    return client_for(settings.profile(name))


def _bad(function: str, message: str) -> InvalidParameterError:
    return InvalidParameterError(function, message)


_R = TypeVar("_R", bound=ApiRequest)


def _arguments(
    function: str, model: type[_R], names: dict[str, str] | None = None, **values: Any
) -> _R:
    """The arguments of ``function`` checked by the request model they become (``names``: the
    model's field -> the argument's name, where they differ): bad ones raise
    :class:`InvalidParameterError` naming ``function`` and the argument, before any credential
    lookup or API call."""
    words = {field: field for field in model.model_fields}
    words.update(names or {})
    return build_request(model, values, caller=function, names=words)


class _TeamInvitesQuery(ListTeamInvitesRequest):
    """get_team_invites' arguments: ListCompShareTeamInvite's, and the page cut from its answer
    (``offset`` is the page number from 1)."""

    status: KnownStatus | None = None
    search: Phrase | None = None
    order_by: Annotated[str, one_of(*INVITE_ORDER_FIELDS)] = "create_time"
    descending: Switch = True
    offset: Annotated[int, whole(1)] = 1
    limit: Annotated[int, whole(1, INVITE_LIMIT_MAX)] = 10


class _SharedImagesQuery(DescribeSharingImagesRequest):
    """get_shared_images' arguments: a page is always asked for."""

    offset: Annotated[int, whole(0)] = 0
    limit: Annotated[int, whole(1, limits.SHARING_IMAGES_LIMIT_MAX)] = 20


class _OperateLogsQuery(ListTeamOperateLogRequest):
    """get_team_operate_logs' arguments: a time window and an order are always given."""

    begin_time: Annotated[int, whole(0)]
    end_time: Annotated[int, whole(0)]
    order_by_asc: Switch = Field(default=False, alias="OrderByASC")


class _MemberOrdersQuery(DescribeTeamMemberOrderRequest):
    """get_team_member_orders' arguments: the member by exactly one of their own account and
    their account in the team; a page is always asked for."""

    user_company_id: PositiveId | None = None
    virtual_company_id: PositiveId | None = None  # type: ignore[assignment]
    limit: Annotated[int, whole(1, limits.ORDER_LIMIT_MAX)] = limits.ORDER_LIMIT_DEFAULT
    offset: Annotated[int, whole(0)] = 0
    ascending: Switch = False

    @model_validator(mode="after")
    def _one_member(self) -> _MemberOrdersQuery:
        if (self.user_company_id is None) == (self.virtual_company_id is None):
            raise ValueError("give exactly one of UserCompanyId and VirtualCompanyId")
        return self


class _TeamSpendQuery(ListMemberProductTypeRequest):
    """get_team_spend's arguments: a team and a window."""


def _member_of(
    function: str, info: TeamInfo, user_company_id: int | None, virtual_company_id: int | None
) -> Any:
    """The relation of ``info``'s team that the lookup named, or a one-line error saying that
    the member is not in the team (as GetCompShareTeamInfo lists it)."""
    for row in info.relations:
        if (user_company_id is not None and row.user_company_id == user_company_id) or (
            virtual_company_id is not None and row.virtual_company_id == virtual_company_id
        ):
            return row
    which = (
        f"user_company_id {user_company_id}"
        if user_company_id is not None
        else f"virtual_company_id {virtual_company_id}"
    )
    raise _bad(
        function,
        f"{which} is not a member of team {info.team.id} (GetCompShareTeamInfo lists no such "
        "relation); pass a member of that team (get_team lists them)",
    )


def _now() -> int:
    return int(time.time())


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
    request = _arguments(
        fn, GetTeamInfoRequest, team_id=team_id, virtual_company_id=virtual_company_id
    )
    info = _client(fn, profile).get_team_info(request.team_id, request.virtual_company_id)
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
                granted_amount=r.allocate_amount,
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
    fn = "get_joined_teams"
    request = _arguments(fn, ListJoinedTeamsRequest, status=status)
    rows = _client(fn, profile).list_joined_teams(status=request.status)
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
    query = _arguments(
        fn,
        _TeamInvitesQuery,
        team_id=team_id,
        status=status,
        search=search,
        order_by=order_by,
        descending=descending,
        offset=offset,
        limit=limit,
    )
    rows = [_invite(r) for r in _client(fn, profile).list_team_invites(team_id=query.team_id)]
    if query.status is not None:
        rows = [r for r in rows if r.status == query.status]
    if query.search:
        needle = query.search.strip().lower()
        rows = [
            r for r in rows if needle in r.remark_name.lower() or needle in str(r.user_company_id)
        ]
    rows.sort(key=lambda r: (r.create_time, r.user_company_id), reverse=query.descending)
    start = (query.offset - 1) * query.limit
    return GetTeamInvitesResult(
        invites=rows[start : start + query.limit],
        total=len(rows),
        offset=query.offset,
        limit=query.limit,
    )


def get_image_share_accounts(
    image_id: str, profile: str | None = None
) -> GetImageShareAccountsResult:
    """The accounts a custom image is shared with."""
    fn = "get_image_share_accounts"
    request = _arguments(fn, DescribeImageShareAccountsRequest, image_id=image_id)
    accounts = [
        ImageShareAccount(a.account_id, a.account_name)
        for a in _client(fn, profile).describe_image_share_accounts(request.image_id)
    ]
    return GetImageShareAccountsResult(
        image_id=request.image_id,
        accounts=accounts,
        account_ids=sorted(a.account_id for a in accounts),
    )


def get_shared_images(
    offset: int = 0, limit: int = 20, profile: str | None = None
) -> GetSharedImagesResult:
    """One page of the custom images other accounts shared with the caller (the invitee's view;
    ``offset`` from 0, ``limit`` 1 to 100); ``total`` counts them all."""
    fn = "get_shared_images"
    query = _arguments(fn, _SharedImagesQuery, offset=offset, limit=limit)
    page = _client(fn, profile).describe_sharing_images(query.offset, query.limit)
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
        offset=query.offset,
        limit=query.limit,
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
    query = _arguments(
        fn,
        _OperateLogsQuery,
        {"operate_type": "operate_types", "status": "statuses", "order_by_asc": "ascending"},
        team_id=team_id,
        begin_time=begin_time,
        end_time=end_time,
        operate_type=operate_types,
        status=statuses,
        limit=limit,
        offset=offset,
        order_by_asc=ascending,
    )
    page = _client(fn, profile).list_team_operate_logs(
        query.team_id,
        query.begin_time,
        query.end_time,
        limit=query.limit,
        offset=query.offset,
        operate_types=query.operate_type,
        statuses=query.status,
        order_by_asc=query.order_by_asc,
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


def get_team_member_orders(
    team_id: int,
    begin_time: int,
    end_time: int,
    user_company_id: int | None = None,
    virtual_company_id: int | None = None,
    order_states: Sequence[str] | None = None,
    charge_types: Sequence[str] | None = None,
    limit: int = 25,
    offset: int = 0,
    ascending: bool = False,
    profile: str | None = None,
) -> GetTeamMemberOrdersResult:
    """One page of a team member's orders placed between two unix times (``begin_time`` before
    ``end_time``), as the team's owner sees them; amounts in fen.

    The member is named by exactly one of ``user_company_id`` (their own account) and
    ``virtual_company_id`` (their account in the team). ``order_states`` and ``charge_types``
    filter (the API's words, e.g. ``Paid``, ``Dynamic``); ``limit`` is 1 to 100 (default 25),
    ``offset`` counts orders to skip; newest first unless ``ascending``. A window that ends
    before it begins fails before any call; a member who is not in the team fails after reading
    the team (GetCompShareTeamInfo), before any billing call. No source bounds the window's
    length, so neither does this lookup.
    """
    fn = "get_team_member_orders"
    query = _arguments(
        fn,
        _MemberOrdersQuery,
        team_id=team_id,
        begin_time=begin_time,
        end_time=end_time,
        user_company_id=user_company_id,
        virtual_company_id=virtual_company_id,
        order_states=order_states,
        charge_types=charge_types,
        limit=limit,
        offset=offset,
        ascending=ascending,
    )
    client = _client(fn, profile)
    member = _member_of(
        fn,
        client.get_team_info(query.team_id),
        query.user_company_id,
        query.virtual_company_id,
    )
    page = client.describe_team_member_orders(
        query.team_id,
        member.virtual_company_id,
        query.begin_time,
        query.end_time,
        limit=query.limit,
        offset=query.offset,
        order_states=query.order_states,
        charge_types=query.charge_types,
        order_by="create_time",
        order_dir="ASC" if query.ascending else "DESC",
    )
    products = client.list_member_product_types(
        query.team_id, query.begin_time, query.end_time, member.virtual_company_id
    )
    return GetTeamMemberOrdersResult(
        team_id=query.team_id,
        user_company_id=member.user_company_id,
        virtual_company_id=member.virtual_company_id,
        begin_time=query.begin_time,
        end_time=query.end_time,
        orders=[
            MemberOrder(
                order_no=o.order_no,
                state=o.order_state,
                order_type=o.order_type,
                charge_type=o.charge_type,
                amount=o.amount,
                paid_amount=o.amount_real,
                product_type=o.resource_type,
                resource_id=o.resource_id,
                create_time=o.create_time,
            )
            for o in page.orders
        ],
        total=page.total,
        offset=query.offset,
        limit=query.limit,
        product_types=products,
    )


_SPENDING_STATUSES = ("Joined", "Canceled")


def get_team_spend(
    team_id: int,
    begin_time: int = 0,
    end_time: int | None = None,
    profile: str | None = None,
) -> GetTeamSpendResult:
    """A team's spend per member between two unix times (default: from 0 until now), with each
    member's budget beside it; amounts in fen. Owner only.

    It reads the team (GetCompShareTeamInfo), then for every Joined or Canceled member the
    order totals (DescribeTeamMemberOrderCount; a Canceled one without orders in the window, an
    invite withdrawn or a member who left without spending, is left out) and, for those kept,
    what they owe (DescribeTeamMemberUnpaidOrderCount). A window that ends before it begins
    fails before any call.
    """
    fn = "get_team_spend"
    query = _arguments(
        fn,
        _TeamSpendQuery,
        team_id=team_id,
        begin_time=begin_time,
        end_time=_now() if end_time is None else end_time,
    )
    client = _client(fn, profile)
    info = client.get_team_info(query.team_id)
    members: list[MemberSpend] = []
    for row in info.relations:
        if row.status not in _SPENDING_STATUSES or not row.virtual_company_id:
            continue
        window = (query.team_id, row.virtual_company_id, query.begin_time, query.end_time)
        count = client.describe_team_member_order_count(*window)
        if row.status != "Joined" and not count.total_count:
            continue  # a canceled invite, or a member who left without an order in the window
        unpaid = client.describe_team_member_unpaid_order_count(*window)
        members.append(
            MemberSpend(
                user_company_id=row.user_company_id,
                virtual_company_id=row.virtual_company_id,
                remark_name=row.remark_name,
                status=row.status,
                granted_amount=row.allocate_amount,
                available_amount=row.available_amount,
                spent_amount=count.amount,
                paid_amount=count.amount_real,
                unpaid_amount=unpaid.amount,
                order_count=count.total_count,
            )
        )
    return GetTeamSpendResult(
        team_id=query.team_id,
        begin_time=query.begin_time,
        end_time=query.end_time,
        members=members,
        spent_amount=sum(m.spent_amount for m in members),
        spent_by_member={str(m.user_company_id): m.spent_amount for m in members},
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


def get_team_member_orders_output(
    team_id: pulumi.Input[int],
    begin_time: pulumi.Input[int],
    end_time: pulumi.Input[int],
    user_company_id: pulumi.Input[int | None] = None,
    virtual_company_id: pulumi.Input[int | None] = None,
    order_states: pulumi.Input[Sequence[str] | None] = None,
    charge_types: pulumi.Input[Sequence[str] | None] = None,
    limit: pulumi.Input[int] = 25,
    offset: pulumi.Input[int] = 0,
    ascending: pulumi.Input[bool] = False,
    profile: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetTeamMemberOrdersResult]:
    """:func:`get_team_member_orders` taking Inputs; the result is an Output."""
    return pulumi.Output.all(
        team_id,
        begin_time,
        end_time,
        user_company_id,
        virtual_company_id,
        order_states,
        charge_types,
        limit,
        offset,
        ascending,
        profile,
    ).apply(lambda a: get_team_member_orders(*a))


def get_team_spend_output(
    team_id: pulumi.Input[int],
    begin_time: pulumi.Input[int] = 0,
    end_time: pulumi.Input[int | None] = None,
    profile: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetTeamSpendResult]:
    """:func:`get_team_spend` taking Inputs; the result is an Output."""
    return pulumi.Output.all(team_id, begin_time, end_time, profile).apply(
        lambda a: get_team_spend(*a)
    )
