"""The response models: what the API answers, read leniently (null or absent text is ``""``,
numbers may arrive as text, statuses in any case) and failing in plain words."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator

from . import wire
from .fields import (
    Count,
    Flag,
    Id,
    LogStatus,
    Status,
    Text,
    UnpaidAmount,
    WireModel,
    Yuan,
    describe_validation,
    kind_of,
    to_id,
)

__all__ = [
    "AmountFailure",
    "CustomImage",
    "CustomImagePage",
    "InviteFailure",
    "MemberOrder",
    "MemberOrderCount",
    "MemberOrderPage",
    "OperateLog",
    "OperateLogPage",
    "OrderDetailItem",
    "Relation",
    "ShareAccount",
    "SharedImage",
    "SharedImagePage",
    "Team",
    "TeamDetail",
    "TeamInfo",
    "UnpaidOrder",
    "UnpaidOrderCount",
    "UnpaidOrderPage",
    "error_map",
    "failed_members",
]


class Team(WireModel):
    """A team the caller owns (ListCompShareTeam)."""

    id: Id
    company_id: Id
    member_count: Count = 0
    name: Text = ""
    description: Text = ""


class TeamDetail(WireModel):
    """A team as GetCompShareTeamInfo shows it."""

    id: Id
    company_id: Id
    deleted: Flag = False
    name: Text = ""
    description: Text = ""


class Relation(WireModel):
    """One team relation: a row of TeamRelation, Invites or JoinedTeams."""

    team_id: Id
    team_name: Text = ""
    user_company_id: Id
    virtual_company_id: Count = 0
    status: Status
    remark_name: Text = ""
    create_time: Count = 0
    allocate_amount: Count = 0
    available_amount: Count = 0
    team_use_company_id: Count = 0
    is_personal_account: Flag = False


class TeamInfo(WireModel):
    """GetCompShareTeamInfo: the team and every relation of it."""

    team: TeamDetail
    relations: list[Relation] = Field(default_factory=list, alias="TeamRelation")

    @field_validator("relations", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class InviteFailure(WireModel):
    """A per-user failure in CreateCompShareTeamRelation's ErrorMap."""

    code: Count = 0
    message: Text = ""


class AmountFailure(WireModel):
    """A per-member failure in SetCompShareTeamAmount's FailedMembers (the vendor's example:
    Code 17001, Message 额度不足, insufficient balance)."""

    code: Count = 0
    message: Text = ""


class ShareAccount(WireModel):
    """An account a custom image is shared with (AccountId is an int in the docs, a str in SDKs)."""

    account_id: Id
    account_name: Text = ""


class CustomImage(WireModel):
    """A custom image of the caller (DescribeCompShareCustomImages ImageSet row)."""

    image_id: str = Field(alias="CompShareImageId")
    name: Text = ""
    status: Text = ""
    image_type: Text = ""
    create_time: Count = 0
    size: Count = 0


class CustomImagePage(WireModel):
    images: list[CustomImage] = Field(default_factory=list, alias="ImageSet")
    total_count: Count = 0

    @field_validator("images", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class SharedImage(CustomImage):
    """An image another account shared with the caller (DescribeCompShareSharingImages ImageSet
    row; the SDK's CompShareImage model). ``owner`` is the sharing account (the SDK's ``Owner``
    {AccountId, AccountName}), ``None`` when the answer leaves it out."""

    owner: ShareAccount | None = None

    @field_validator("owner", mode="before")
    @classmethod
    def _empty_owner(cls, value: Any) -> Any:
        return None if value == {} or value == "" else value


class SharedImagePage(WireModel):
    """One page of DescribeCompShareSharingImages: the images others shared with the caller."""

    images: list[SharedImage] = Field(default_factory=list, alias="ImageSet")
    total_count: Count = 0

    @field_validator("images", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class OperateLog(WireModel):
    content: Text = ""
    operate_type: Text = ""
    status: LogStatus = ""
    create_time: Count = 0


class OperateLogPage(WireModel):
    """One page of ListCompShareTeamOperateLog.

    ``OperateTypeList`` / ``StatusList`` arrive as lists of words (the SDKs) or as maps of word to
    label (``{"InviteMember": "邀请成员"}``, the vendor's page): ``operate_type_list`` and
    ``status_list`` hold the words either way, ``operate_type_names`` / ``status_names`` the labels
    (a word is its own label when the API sent a list).
    """

    logs: list[OperateLog] = Field(default_factory=list)
    total: Count = 0
    operate_type_list: list[str] = Field(default_factory=list)
    status_list: list[str] = Field(default_factory=list)
    operate_type_names: dict[str, str] = Field(default_factory=dict)
    status_names: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _word_lists(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        out["Logs"] = _none_is_empty(out.get("Logs"))
        for wire_name, names in (
            ("OperateTypeList", "OperateTypeNames"),
            ("StatusList", "StatusNames"),
        ):
            words, labels = _words(wire_name, data.get(wire_name))
            out[wire_name] = words
            out[names] = labels
        return out


# ------------------------------------------------------------------ team billing
# Every amount is held in fen: the API answers order amounts in yuan text ("10.00"; Yuan), an
# unpaid order's Amount as an integer (fen) or yuan text (UnpaidAmount). docs/billing.md.


class OrderDetailItem(WireModel):
    """One line of an order's configuration (OrderDetail: ``{"ProductName": "GPU算力",
    "Value": "NVIDIA A100"}`` in the vendor's page)."""

    product_name: Text = ""
    value: Text = ""


class MemberOrder(WireModel):
    """A row of DescribeTeamMemberOrder's OrderInfos (the SDKs' OrderInfo). Amounts in fen."""

    order_no: Text = ""
    order_type: Text = ""
    order_state: Text = ""
    charge_type: Text = ""
    amount: Yuan = 0
    amount_real: Yuan = 0
    amount_free: Yuan = 0
    amount_coupon: Yuan = 0
    count: Count = 0
    quantity: Text = ""
    resource_id: Text = ""
    resource_type: Text = ""
    region_id: Text = ""
    project_name: Text = ""
    trade_no: Text = ""
    create_time: Count = 0
    update_time: Count = 0
    start_time: Count = 0
    end_time: Count = 0
    order_detail: list[OrderDetailItem] = Field(default_factory=list)

    @field_validator("order_detail", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class MemberOrderPage(WireModel):
    """One page of DescribeTeamMemberOrder: the orders, the count of all that match, and the page
    the API says it answered."""

    orders: list[MemberOrder] = Field(default_factory=list, alias="OrderInfos")
    total: Count = 0
    limit: Count = 0
    offset: Count = 0

    @field_validator("orders", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class MemberOrderCount(WireModel):
    """DescribeTeamMemberOrderCount: how many orders match and their totals, in fen."""

    total_count: Count = 0
    amount: Yuan = 0
    amount_real: Yuan = 0
    amount_free: Yuan = 0
    amount_coupon: Yuan = 0


class UnpaidOrder(WireModel):
    """A row of DescribeTeamMemberUnpaidOrder's OrderInfos (the SDKs' UnpaidOrderInfo)."""

    order_no: Text = ""
    order_type: Text = ""
    order_state: Text = ""
    charge_type: Text = ""
    amount: UnpaidAmount = 0
    quantity: Text = ""
    resource_id: Text = ""
    resource_type: Text = ""
    region_id: Text = ""
    trade_no: Text = ""
    create_time: Count = 0
    update_time: Count = 0
    start_time: Count = 0
    end_time: Count = 0


class UnpaidOrderPage(WireModel):
    """One page of DescribeTeamMemberUnpaidOrder (the vendor's CompShare page shows only
    OrderInfos; the SDKs add Total, Limit and Offset: absent reads as 0)."""

    orders: list[UnpaidOrder] = Field(default_factory=list, alias="OrderInfos")
    total: Count = 0
    limit: Count = 0
    offset: Count = 0

    @field_validator("orders", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class UnpaidOrderCount(WireModel):
    """DescribeTeamMemberUnpaidOrderCount: how many unpaid orders and their total, in fen."""

    total_count: Count = 0
    amount: Yuan = 0


def _none_is_empty(value: Any) -> Any:
    return [] if value is None else value


def _words(name: str, value: Any) -> tuple[list[str], dict[str, str]]:
    """A word list that is a JSON list of words or a map of word -> label."""
    if value is None or value == "":
        return [], {}
    if isinstance(value, Mapping):
        words = [str(key) for key in value]
        labels = {str(key): ("" if label is None else str(label)) for key, label in value.items()}
        if not all(isinstance(label, (str, type(None))) for label in value.values()):
            raise ValueError(f"{name} must map words to labels (text)")
        return words, labels
    if isinstance(value, list):
        if not all(isinstance(word, str) for word in value):
            raise ValueError(f"{name} must be a list of words (text)")
        return list(value), {word: word for word in value}
    raise ValueError(f"{name} must be a list or a map of words, got {kind_of(value)}")


def error_map(data: Mapping[str, Any]) -> dict[int, InviteFailure]:
    """CreateCompShareTeamRelation's ErrorMap as ``{company id: failure}``.

    The vendor's page documents a JSON object keyed by UserCompanyId -> ``{Code, Message}``; both
    generated SDKs type it as a string, so it may also arrive as a JSON string holding that
    object. Absent, null, ``""``, ``"{}"`` and ``{}`` all mean no failure. A failure given as bare
    text reads as ``{Code: 0, Message: text}``. Anything else raises ``ValueError`` naming the
    ErrorMap entry.
    """
    return _failure_map(data, "ErrorMap", "UserCompanyId", InviteFailure)


def failed_members(data: Mapping[str, Any]) -> dict[int, AmountFailure]:
    """SetCompShareTeamAmount's FailedMembers as ``{virtual company id: failure}``.

    Read exactly as :func:`error_map`: the vendor's page documents a map keyed by
    VirtualCompanyId -> ``{Code, Message}``; it may also arrive as a JSON string holding that map
    (the way both SDKs type ErrorMap), and absent, null, ``""``, ``"{}"`` and ``{}`` all mean that
    every member succeeded.
    """
    return _failure_map(data, "FailedMembers", "VirtualCompanyId", AmountFailure)


_F = TypeVar("_F", InviteFailure, AmountFailure)


def _failure_map(
    data: Mapping[str, Any], name: str, keyed_by: str, model: type[_F]
) -> dict[int, _F]:
    raw = data.get(name)
    if raw is None or raw == "" or raw == {}:
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            raise ValueError(
                f"{name} is text that is not a JSON object: {wire.short(raw)}"
            ) from None
        if raw is None or raw == "":
            return {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"{name} must be an object keyed by {keyed_by}, got {kind_of(raw)}")
    failures: dict[int, _F] = {}
    for key, value in raw.items():
        try:
            ident = to_id(key)
        except ValueError as exc:
            raise ValueError(f"{name} key {wire.short(key)}: {exc}") from None
        if isinstance(value, str):
            value = {"Code": 0, "Message": value}
        if not isinstance(value, Mapping):
            raise ValueError(f"{name}.{ident} must be an object, got {kind_of(value)}")
        try:
            failures[ident] = model.model_validate(value)
        except ValidationError as exc:
            raise ValueError(describe_validation(exc, f"{name}.{ident}")) from None
    return failures
