"""The request models: one per action, each naming its ``action``, whether it is ``idempotent``
(the client retries transient failures of idempotent requests only) and whether it ``writes``
(changes state). :data:`REQUESTS` lists them all: the emulator derives its action tables from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic.alias_generators import to_pascal

from . import limits
from .fields import (
    Fen,
    ImageId,
    KnownStatus,
    Phrase,
    PositiveId,
    Switch,
    TextList,
    WireModel,
    whole,
)

__all__ = [
    "REQUESTS",
    "AmountOperation",
    "ApiRequest",
    "CreateTeamRelationRequest",
    "CreateTeamRequest",
    "DeleteTeamRequest",
    "DescribeCustomImagesRequest",
    "DescribeImageShareAccountsRequest",
    "DescribeSharingImagesRequest",
    "DescribeTeamMemberOrderCountRequest",
    "DescribeTeamMemberOrderRequest",
    "DescribeTeamMemberUnpaidOrderCountRequest",
    "DescribeTeamMemberUnpaidOrderRequest",
    "GetTeamInfoRequest",
    "InviteUser",
    "ListJoinedTeamsRequest",
    "ListMemberProductTypeRequest",
    "ListTeamInvitesRequest",
    "ListTeamOperateLogRequest",
    "ListTeamsRequest",
    "ModifyImageShareAccountRequest",
    "RelationAction",
    "SetTeamAmountRequest",
    "SetTeamRelationRequest",
    "Touch",
    "UpdateTeamRequest",
    "request_problem",
]


Touch = tuple[Literal["teams", "team", "member", "virtual-member", "image"], int | str, int | None]
"""What a write changes: ``("teams", 0, None)`` the list of teams; ``("team", team_id, None)`` a
team and all its relations; ``("member", team_id, user_company_id)`` one member's relation;
``("virtual-member", team_id, virtual_company_id)`` the same, named by the member's virtual
company id; ``("image", image_id, None)`` an image's share list."""


class ApiRequest(WireModel):
    """Base of every request: the action it calls, whether a blind retry is safe
    (``idempotent``) and whether it changes state (``writes``)."""

    action: ClassVar[str]
    idempotent: ClassVar[bool] = True
    writes: ClassVar[bool] = False

    def is_idempotent(self) -> bool:
        """Whether sending this request twice has the same effect as sending it once."""
        return self.idempotent

    @classmethod
    def idempotent_fields(cls, fields: Mapping[str, str]) -> bool:
        """:meth:`is_idempotent` of a request given as its flattened wire parameters (what the
        emulator sees); the same answer, without building the model."""
        return cls.idempotent

    def params(self) -> dict[str, Any]:
        """The action's own parameters by wire name, ``None`` values dropped."""
        return self.model_dump(by_alias=True, exclude_none=True)

    def touched(self) -> tuple[Touch, ...]:
        """What this request changes, for a cache of reads to know which reads it outdates:
        nothing for a read; else from its ``image_id`` (that image's share list) or ``team_id``
        (that team and every relation in it), or the list of teams. Requests that change only
        some members' relations say which (:data:`Touch`)."""
        if not self.writes:
            return ()
        image_id = getattr(self, "image_id", None)
        if image_id is not None:
            return (("image", image_id, None),)
        team_id = getattr(self, "team_id", None)
        if team_id is not None:
            return (("team", team_id, None),)
        return (("teams", 0, None),)


class CreateTeamRequest(ApiRequest):
    action: ClassVar[str] = "CreateCompShareTeam"
    writes: ClassVar[bool] = True
    idempotent: ClassVar[bool] = False

    name: str = Field(min_length=1, max_length=limits.TEAM_NAME_MAX)
    description: str | None = Field(default=None, max_length=limits.TEAM_DESCRIPTION_MAX)


class UpdateTeamRequest(ApiRequest):
    action: ClassVar[str] = "UpdateCompShareTeam"
    writes: ClassVar[bool] = True

    team_id: PositiveId
    name: str | None = Field(default=None, min_length=1, max_length=limits.TEAM_NAME_MAX)
    description: str | None = Field(default=None, max_length=limits.TEAM_DESCRIPTION_MAX)


class DeleteTeamRequest(ApiRequest):
    action: ClassVar[str] = "DeleteCompShareTeam"
    writes: ClassVar[bool] = True

    team_id: PositiveId


class ListTeamsRequest(ApiRequest):
    action: ClassVar[str] = "ListCompShareTeam"


class GetTeamInfoRequest(ApiRequest):
    action: ClassVar[str] = "GetCompShareTeamInfo"

    team_id: PositiveId | None = None
    virtual_company_id: PositiveId | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> GetTeamInfoRequest:
        if (self.team_id is None) == (self.virtual_company_id is None):
            raise ValueError("give exactly one of TeamId and VirtualCompanyId")
        return self


class ListTeamInvitesRequest(ApiRequest):
    action: ClassVar[str] = "ListCompShareTeamInvite"

    team_id: PositiveId | None = None


class ListJoinedTeamsRequest(ApiRequest):
    action: ClassVar[str] = "ListCompShareTeamJoined"

    status: KnownStatus | None = None


class InviteUser(WireModel):
    user_company_id: PositiveId
    remark_name: str | None = Field(default=None, max_length=limits.REMARK_NAME_MAX)


class CreateTeamRelationRequest(ApiRequest):
    action: ClassVar[str] = "CreateCompShareTeamRelation"
    writes: ClassVar[bool] = True
    idempotent: ClassVar[bool] = False

    team_id: PositiveId
    user_info: list[InviteUser] = Field(min_length=1, max_length=limits.INVITE_BATCH_MAX)

    def touched(self) -> tuple[Touch, ...]:
        return tuple(("member", self.team_id, user.user_company_id) for user in self.user_info)


RelationAction = Literal["Send", "Agree", "Reject", "Cancel", "UpdateRemarkName"]


class SetTeamRelationRequest(ApiRequest):
    action: ClassVar[str] = "SetCompShareTeamRelation"
    writes: ClassVar[bool] = True

    team_id: PositiveId
    status: RelationAction
    user_company_id: PositiveId | None = None
    remark_name: str | None = Field(default=None, max_length=limits.REMARK_NAME_MAX)

    def is_idempotent(self) -> bool:
        # Send is an invite: never retried blindly. The other operations are state changes.
        return self.status != "Send"

    def touched(self) -> tuple[Touch, ...]:
        if self.user_company_id is None:  # the invitee's Agree or Reject: the caller's relation
            return (("team", self.team_id, None),)
        return (("member", self.team_id, self.user_company_id),)

    @classmethod
    def idempotent_fields(cls, fields: Mapping[str, str]) -> bool:
        return fields.get("Status", "").strip().lower() != "send"

    @model_validator(mode="after")
    def _user_when_needed(self) -> SetTeamRelationRequest:
        if self.status in ("Send", "Cancel", "UpdateRemarkName") and self.user_company_id is None:
            raise ValueError(f"UserCompanyId is required for Status={self.status}")
        if self.status == "UpdateRemarkName" and self.remark_name is None:
            raise ValueError("RemarkName is required for Status=UpdateRemarkName")
        return self


class ListTeamOperateLogRequest(ApiRequest):
    action: ClassVar[str] = "ListCompShareTeamOperateLog"

    team_id: PositiveId
    begin_time: Annotated[int, whole(0)] | None = None
    end_time: Annotated[int, whole(0)] | None = None
    limit: Annotated[int, whole(1, limits.OPERATE_LOG_LIMIT_MAX)] | None = None
    offset: Annotated[int, whole(0)] | None = None
    operate_type: TextList | None = None
    status: TextList | None = None
    order_by_asc: Switch | None = Field(default=None, alias="OrderByASC")

    @model_validator(mode="after")
    def _ordered_times(self) -> ListTeamOperateLogRequest:
        # The vendor's page makes both times optional; the SDKs require both: both or neither.
        if (self.begin_time is None) != (self.end_time is None):
            raise ValueError("give both BeginTime and EndTime, or neither")
        if (
            self.begin_time is not None
            and self.end_time is not None
            and self.end_time <= self.begin_time
        ):
            raise ValueError("EndTime must be later than BeginTime")
        return self


class DescribeImageShareAccountsRequest(ApiRequest):
    action: ClassVar[str] = "DescribeCompShareImageShareAccounts"

    image_id: ImageId = Field(alias="CompShareImageId")


class ModifyImageShareAccountRequest(ApiRequest):
    action: ClassVar[str] = "ModifyCompShareImageShareAccount"
    writes: ClassVar[bool] = True

    image_id: ImageId = Field(alias="CompShareImageId")
    add_accounts: list[PositiveId] = Field(default_factory=list, max_length=limits.SHARE_BATCH_MAX)
    remove_accounts: list[PositiveId] = Field(
        default_factory=list, max_length=limits.SHARE_BATCH_MAX
    )

    @model_validator(mode="after")
    def _not_both_empty(self) -> ModifyImageShareAccountRequest:
        if not self.add_accounts and not self.remove_accounts:
            raise ValueError("AddAccounts and RemoveAccounts cannot both be empty")
        return self


class DescribeCustomImagesRequest(ApiRequest):
    action: ClassVar[str] = "DescribeCompShareCustomImages"

    zone: str = Field(default=limits.ZONE_DEFAULT, min_length=1)
    image_id: str | None = Field(default=None, alias="CompShareImageId")
    limit: Annotated[int, whole(1, limits.CUSTOM_IMAGES_LIMIT_MAX)] | None = None
    offset: Annotated[int, whole(0)] | None = None


AmountOperation = Literal["AllocateAmount", "WithdrawAmount"]
"""SetCompShareTeamAmount's OperateType: give budget to members, or take unspent budget back."""


class SetTeamAmountRequest(ApiRequest):
    """SetCompShareTeamAmount: allocate or withdraw ``amount`` fen for each listed member.

    One ``Amount`` applies to every member in ``VirtualCompanyId.N`` (the vendor's page:
    ``VirtualCompanyId`` Array<Uint32>, ``Amount`` Uint; compshare-cli ``team quota grant`` /
    ``reclaim`` send exactly these). It moves money, so it is never retried blindly.
    """

    action: ClassVar[str] = "SetCompShareTeamAmount"
    idempotent: ClassVar[bool] = False
    writes: ClassVar[bool] = True

    team_id: PositiveId
    virtual_company_id: list[PositiveId] = Field(min_length=1)
    amount: Fen
    """0 to :data:`limits.AMOUNT_MAX` fen (:func:`fields.to_fen`: the vendor's ``Uint``)."""
    operate_type: AmountOperation

    def touched(self) -> tuple[Touch, ...]:
        return tuple(("virtual-member", self.team_id, v) for v in self.virtual_company_id)


class DescribeSharingImagesRequest(ApiRequest):
    """DescribeCompShareSharingImages: the images other accounts shared with the caller, paged."""

    action: ClassVar[str] = "DescribeCompShareSharingImages"

    image_id: str | None = Field(default=None, alias="CompShareImageId")
    limit: Annotated[int, whole(1, limits.SHARING_IMAGES_LIMIT_MAX)] | None = None
    offset: Annotated[int, whole(0)] | None = None
    zone: str | None = None


# ------------------------------------------------------------------ team billing
# The billing actions of a team's members (docs/billing.md has every source and where they
# disagree). Field types are ucloud-sdk-python3's and ucloud-sdk-go's request schemas; what the
# vendor's pages add or say otherwise is noted at each field.

Seconds = Annotated[int, whole(0)]
"""A unix time in seconds (the SDKs: ``int``; the vendor's pages: Int64 / Uint64)."""


class _BillingWindow(ApiRequest):
    """TeamId and a BeginTime..EndTime window, both required: both SDKs' schemas and UCloud's
    generated pages mark them ``required`` (the vendor's CompShare pages make the times optional;
    this project always sends them). "结束时间需大于起始时间": the end must be after the begin. No
    source bounds the window's length (:data:`limits.BILLING_WINDOW_MAX`)."""

    team_id: PositiveId
    begin_time: Seconds
    end_time: Seconds

    @model_validator(mode="after")
    def _end_after_begin(self) -> _BillingWindow:
        if self.end_time <= self.begin_time:
            raise ValueError(
                f"EndTime ({self.end_time}) must be later than BeginTime ({self.begin_time})"
            )
        span = limits.BILLING_WINDOW_MAX
        if span is not None and self.end_time - self.begin_time > span:
            raise ValueError(f"BeginTime to EndTime must be at most {span} seconds")
        return self


class _MemberOrderPage(_BillingWindow):
    """The listing parameters DescribeTeamMemberOrder and DescribeTeamMemberUnpaidOrder share
    (their SDK schemas are the same): a member, a page (Limit default 25, at most 100; Offset
    from 0) and list filters (``Key.N`` on the wire). ``Regions.N`` and ``ResourceTypes.N``
    (integer codes in the SDKs, for which no source gives the values) are not modelled."""

    virtual_company_id: PositiveId
    limit: Annotated[int, whole(1, limits.ORDER_LIMIT_MAX)] | None = None
    offset: Annotated[int, whole(0)] | None = None
    charge_types: TextList | None = None
    """付费方式, e.g. ``Dynamic``, ``Month`` (the vendor's page's example)."""
    order_states: TextList | None = None
    """订单状态: ``Paid`` / ``Unpaid`` in the vendor's CompShare page, ``OS_FINISHED`` in
    UCloud's generated page (docs/billing.md)."""
    order_types: TextList | None = None
    order_nos: TextList | None = None
    resource_ids: TextList | None = None
    order_by: Annotated[str, Field(min_length=1)] | None = None
    """排序参数: ``create_time`` (compshare-cli; also ``order_start_time``, ``order_end_time``) or
    ``CreateTime`` (the vendor's page)."""
    order_dir: Annotated[str, Field(min_length=1)] | None = None
    """排序方式: ``ASC`` / ``DESC`` (compshare-cli) or ``Desc`` (the vendor's page)."""


class DescribeTeamMemberOrderRequest(_MemberOrderPage):
    """DescribeTeamMemberOrder (获取团队订单): one page of a member's orders in a window."""

    action: ClassVar[str] = "DescribeTeamMemberOrder"


class DescribeTeamMemberUnpaidOrderRequest(_MemberOrderPage):
    """DescribeTeamMemberUnpaidOrder (获取团队队员未支付订单): one page of a member's unpaid
    orders in a window."""

    action: ClassVar[str] = "DescribeTeamMemberUnpaidOrder"


class DescribeTeamMemberOrderCountRequest(_BillingWindow):
    """DescribeTeamMemberOrderCount (获取团队成员订单总览): a member's order count and totals in a
    window. Its filters are single strings in both SDKs (``ChargeTypes: fields.Str()``, Go
    ``*string``), where the listing's are lists: sent as one value each."""

    action: ClassVar[str] = "DescribeTeamMemberOrderCount"

    virtual_company_id: PositiveId
    charge_types: Phrase | None = None
    order_states: Phrase | None = None
    order_types: Phrase | None = None


class DescribeTeamMemberUnpaidOrderCountRequest(_BillingWindow):
    """DescribeTeamMemberUnpaidOrderCount (获取团队成员未支付订单总览): a member's unpaid order
    count and total in a window (list filters, as both SDKs type them here)."""

    action: ClassVar[str] = "DescribeTeamMemberUnpaidOrderCount"

    virtual_company_id: PositiveId
    charge_types: TextList | None = None
    order_states: TextList | None = None
    order_types: TextList | None = None


class ListMemberProductTypeRequest(_BillingWindow):
    """ListMemberProductType (获取成员订单产品类型): the product types of a member's orders in a
    window, or of every member's without ``VirtualCompanyId`` (optional in both SDKs; the
    vendor's CompShare page marks it required)."""

    action: ClassVar[str] = "ListMemberProductType"

    virtual_company_id: PositiveId | None = None
    order_states: TextList | None = None


REQUESTS: tuple[type[ApiRequest], ...] = (
    CreateTeamRequest,
    UpdateTeamRequest,
    DeleteTeamRequest,
    ListTeamsRequest,
    GetTeamInfoRequest,
    ListTeamInvitesRequest,
    ListJoinedTeamsRequest,
    CreateTeamRelationRequest,
    SetTeamRelationRequest,
    ListTeamOperateLogRequest,
    SetTeamAmountRequest,
    DescribeImageShareAccountsRequest,
    ModifyImageShareAccountRequest,
    DescribeCustomImagesRequest,
    DescribeSharingImagesRequest,
    DescribeTeamMemberOrderRequest,
    DescribeTeamMemberOrderCountRequest,
    DescribeTeamMemberUnpaidOrderRequest,
    DescribeTeamMemberUnpaidOrderCountRequest,
    ListMemberProductTypeRequest,
)
"""Every request model, one per action: the emulator's action tables (``ACTIONS``,
``WRITE_ACTIONS``, the non-idempotent writes) are derived from these."""


def request_problem(
    model: type[ApiRequest], exc: ValidationError, names: Mapping[str, str] | None = None
) -> str:
    """The first problem of a request to ``model`` in one line of plain words.

    Without ``names``, parameters go by their wire names (``Limit: must be from 1 to 100, got
    0``); with them (field name -> the caller's word for it), by the caller's words, also inside
    a message that names several (``limit must be from 1 to 100, got 0``; ``give exactly one of
    team_id and virtual_company_id``).
    """
    first = exc.errors(include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    value_error = first.get("type") == "value_error"
    what = str((first.get("ctx") or {}).get("error", "")) if value_error else ""
    what = what or first["msg"]
    if names is None:
        where = ".".join(_wire_name(model, part) for part in loc) or "request"
        return f"{where}: {what}"
    words = {_wire_name(model, field): word for field, word in names.items()}
    if not loc:
        pattern = r"\b(" + "|".join(map(re.escape, words)) + r")\b"
        return re.sub(pattern, lambda match: words[match.group(1)], what) if words else what
    where = ".".join([names.get(loc[0], loc[0]), *loc[1:]])
    return f"{where} {what}" if value_error else f"{where}: {what}"


def _wire_name(model: type[ApiRequest], name: str) -> str:
    field = model.model_fields.get(name)
    if field is not None and field.alias:
        return field.alias
    return name if name.isdigit() else to_pascal(name)
