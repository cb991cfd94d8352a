"""Pydantic models of every CompShare request and response this project uses.

Field names are snake_case; the wire names are their PascalCase aliases (``team_id`` <->
``TeamId``). Identifiers accept ints, numeric strings and whole floats (:func:`wire.to_int`);
relation statuses are normalised case-insensitively (:func:`wire.normalize_status`).

Each request model names its ``action``, whether it is ``idempotent`` (the client retries
transient failures of idempotent requests only) and whether it ``writes`` (changes state).
:data:`REQUESTS` lists them all: the emulator derives its action tables from it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_pascal

from . import limits, wire

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
    "UpdateTeamRequest",
    "describe_validation",
    "error_map",
    "failed_members",
]


def _id(value: Any) -> int:
    number = wire.to_int(value)
    if not 0 < number <= limits.MAX_ID:
        raise ValueError(f"expected a positive id up to {limits.MAX_ID}, got {wire.short(number)}")
    return number


_SIGNED_INTEGER_TEXT = re.compile(r"-?[0-9]+(?:\.0*)?")


def _int_or_zero(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 32 and _SIGNED_INTEGER_TEXT.fullmatch(text):
            return int(text.split(".", 1)[0])
        raise ValueError(f"expected a whole number, got {wire.short(value)}")
    number = wire.to_int(value)
    if abs(number) >= 2**63:
        raise ValueError(f"expected a 64-bit whole number, got {wire.short(number)}")
    return number


def _text(value: Any) -> str:
    """Text fields may arrive null or be absent: both read as ``""``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {_kind(value)}")
    return value


def _status(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a status word, got {_kind(value)}")
    return wire.normalize_status(value)


def _log_status(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected a status word, got {_kind(value)}")
    return wire.normalize_log_status(value)


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, str)):
        return str(value).strip().lower() in ("1", "true", "1.0")
    raise ValueError(f"expected a flag (0/1, true/false), got {_kind(value)}")


def _kind(value: Any) -> str:
    """What a value is, for messages (a short prefix only)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({wire.short(value)})"
    if isinstance(value, str):
        return f"text ({wire.short(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


Id = Annotated[int, BeforeValidator(_id)]
"""A team, company or virtual company id: a positive int from an int, digit text or whole float."""
Count = Annotated[int, BeforeValidator(_int_or_zero)]
"""A non-id integer (amounts in fen, times, counts) that may arrive as text or float."""
Status = Annotated[str, BeforeValidator(_status)]
"""A relation status in its canonical spelling: Pending, Joined, Rejected or Canceled (any case
on the wire)."""
LogStatus = Annotated[str, BeforeValidator(_log_status)]
"""An operation-log status in its canonical spelling (Success, Failed; any case on the wire)."""
Flag = Annotated[bool, BeforeValidator(_flag)]
Text = Annotated[str, BeforeValidator(_text)]
"""A text field: null or absent reads as ``""``."""


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )


# --------------------------------------------------------------------------- responses


class Team(_Model):
    """A team the caller owns (ListCompShareTeam)."""

    id: Id
    company_id: Id
    member_count: Count = 0
    name: Text = ""
    description: Text = ""


class TeamDetail(_Model):
    """A team as GetCompShareTeamInfo shows it."""

    id: Id
    company_id: Id
    deleted: Flag = False
    name: Text = ""
    description: Text = ""


class Relation(_Model):
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


class TeamInfo(_Model):
    """GetCompShareTeamInfo: the team and every relation of it."""

    team: TeamDetail
    relations: list[Relation] = Field(default_factory=list, alias="TeamRelation")

    @field_validator("relations", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class InviteFailure(_Model):
    """A per-user failure in CreateCompShareTeamRelation's ErrorMap."""

    code: Count = 0
    message: Text = ""


class AmountFailure(_Model):
    """A per-member failure in SetCompShareTeamAmount's FailedMembers (the vendor's example:
    Code 17001, Message 额度不足, insufficient balance)."""

    code: Count = 0
    message: Text = ""


class ShareAccount(_Model):
    """An account a custom image is shared with (AccountId is an int in the docs, a str in SDKs)."""

    account_id: Id
    account_name: Text = ""


class CustomImage(_Model):
    """A custom image of the caller (DescribeCompShareCustomImages ImageSet row)."""

    image_id: str = Field(alias="CompShareImageId")
    name: Text = ""
    status: Text = ""
    image_type: Text = ""
    create_time: Count = 0
    size: Count = 0


class CustomImagePage(_Model):
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


class SharedImagePage(_Model):
    """One page of DescribeCompShareSharingImages: the images others shared with the caller."""

    images: list[SharedImage] = Field(default_factory=list, alias="ImageSet")
    total_count: Count = 0

    @field_validator("images", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return _none_is_empty(value)


class OperateLog(_Model):
    content: Text = ""
    operate_type: Text = ""
    status: LogStatus = ""
    create_time: Count = 0


class OperateLogPage(_Model):
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


# --------------------------------------------------------------------------- requests


class ApiRequest(_Model):
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


class CreateTeamRequest(ApiRequest):
    action: ClassVar[str] = "CreateCompShareTeam"
    writes: ClassVar[bool] = True
    idempotent: ClassVar[bool] = False

    name: str = Field(min_length=1, max_length=limits.TEAM_NAME_MAX)
    description: str | None = Field(default=None, max_length=limits.TEAM_DESCRIPTION_MAX)


class UpdateTeamRequest(ApiRequest):
    action: ClassVar[str] = "UpdateCompShareTeam"
    writes: ClassVar[bool] = True

    team_id: Id
    name: str | None = Field(default=None, min_length=1, max_length=limits.TEAM_NAME_MAX)
    description: str | None = Field(default=None, max_length=limits.TEAM_DESCRIPTION_MAX)


class DeleteTeamRequest(ApiRequest):
    action: ClassVar[str] = "DeleteCompShareTeam"
    writes: ClassVar[bool] = True

    team_id: Id


class ListTeamsRequest(ApiRequest):
    action: ClassVar[str] = "ListCompShareTeam"


class GetTeamInfoRequest(ApiRequest):
    action: ClassVar[str] = "GetCompShareTeamInfo"

    team_id: Id | None = None
    virtual_company_id: Id | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> GetTeamInfoRequest:
        if (self.team_id is None) == (self.virtual_company_id is None):
            raise ValueError("give exactly one of TeamId and VirtualCompanyId")
        return self


class ListTeamInvitesRequest(ApiRequest):
    action: ClassVar[str] = "ListCompShareTeamInvite"

    team_id: Id | None = None


class ListJoinedTeamsRequest(ApiRequest):
    action: ClassVar[str] = "ListCompShareTeamJoined"

    status: Status | None = None

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        if value is not None and value not in wire.RELATION_STATUSES:
            raise ValueError(f"must be one of {', '.join(wire.RELATION_STATUSES)}")
        return value


class InviteUser(_Model):
    user_company_id: Id
    remark_name: str | None = Field(default=None, max_length=limits.REMARK_NAME_MAX)


class CreateTeamRelationRequest(ApiRequest):
    action: ClassVar[str] = "CreateCompShareTeamRelation"
    writes: ClassVar[bool] = True
    idempotent: ClassVar[bool] = False

    team_id: Id
    user_info: list[InviteUser] = Field(min_length=1)


RelationAction = Literal["Send", "Agree", "Reject", "Cancel", "UpdateRemarkName"]


class SetTeamRelationRequest(ApiRequest):
    action: ClassVar[str] = "SetCompShareTeamRelation"
    writes: ClassVar[bool] = True

    team_id: Id
    status: RelationAction
    user_company_id: Id | None = None
    remark_name: str | None = Field(default=None, max_length=limits.REMARK_NAME_MAX)

    def is_idempotent(self) -> bool:
        # Send is an invite: never retried blindly. The other operations are state changes.
        return self.status != "Send"

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

    team_id: Id
    begin_time: int | None = Field(default=None, ge=0)
    end_time: int | None = Field(default=None, ge=0)
    limit: int | None = Field(default=None, ge=1, le=limits.OPERATE_LOG_LIMIT_MAX)
    offset: int | None = Field(default=None, ge=0)
    operate_type: list[str] | None = None
    status: list[str] | None = None
    order_by_asc: bool | None = Field(default=None, alias="OrderByASC")

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

    image_id: str = Field(alias="CompShareImageId", pattern=limits.IMAGE_ID_PATTERN.pattern)


class ModifyImageShareAccountRequest(ApiRequest):
    action: ClassVar[str] = "ModifyCompShareImageShareAccount"
    writes: ClassVar[bool] = True

    image_id: str = Field(alias="CompShareImageId", pattern=limits.IMAGE_ID_PATTERN.pattern)
    add_accounts: list[Id] = Field(default_factory=list, max_length=limits.SHARE_BATCH_MAX)
    remove_accounts: list[Id] = Field(default_factory=list, max_length=limits.SHARE_BATCH_MAX)

    @model_validator(mode="after")
    def _not_both_empty(self) -> ModifyImageShareAccountRequest:
        if not self.add_accounts and not self.remove_accounts:
            raise ValueError("AddAccounts and RemoveAccounts cannot both be empty")
        return self


class DescribeCustomImagesRequest(ApiRequest):
    action: ClassVar[str] = "DescribeCompShareCustomImages"

    zone: str = Field(default=limits.ZONE_DEFAULT, min_length=1)
    image_id: str | None = Field(default=None, alias="CompShareImageId")
    limit: int | None = Field(default=None, ge=1, le=limits.CUSTOM_IMAGES_LIMIT_MAX)
    offset: int | None = Field(default=None, ge=0)


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

    team_id: Id
    virtual_company_id: list[Id] = Field(min_length=1)
    amount: int = Field(ge=1, le=limits.AMOUNT_MAX)
    operate_type: AmountOperation

    @field_validator("amount", mode="before")
    @classmethod
    def _fen(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a whole number of fen, got a boolean")
        return value


class DescribeSharingImagesRequest(ApiRequest):
    """DescribeCompShareSharingImages: the images other accounts shared with the caller, paged."""

    action: ClassVar[str] = "DescribeCompShareSharingImages"

    image_id: str | None = Field(default=None, alias="CompShareImageId")
    limit: int | None = Field(default=None, ge=1, le=limits.SHARING_IMAGES_LIMIT_MAX)
    offset: int | None = Field(default=None, ge=0)
    zone: str | None = None


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
)
"""Every request model, one per action: the emulator's action tables (``ACTIONS``,
``WRITE_ACTIONS``, the non-idempotent writes) are derived from these."""


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
    raise ValueError(f"{name} must be a list or a map of words, got {_kind(value)}")


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
        raise ValueError(f"{name} must be an object keyed by {keyed_by}, got {_kind(raw)}")
    failures: dict[int, _F] = {}
    for key, value in raw.items():
        try:
            ident = _id(key)
        except ValueError as exc:
            raise ValueError(f"{name} key {wire.short(key)}: {exc}") from None
        if isinstance(value, str):
            value = {"Code": 0, "Message": value}
        if not isinstance(value, Mapping):
            raise ValueError(f"{name}.{ident} must be an object, got {_kind(value)}")
        try:
            failures[ident] = model.model_validate(value)
        except ValidationError as exc:
            raise ValueError(describe_validation(exc, f"{name}.{ident}")) from None
    return failures


_PLAIN = {
    "missing": "is missing",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "too_long": "is too long",
    "too_short": "is too short",
    "string_too_long": "is too long",
    "string_too_short": "must not be empty",
    "literal_error": "is not one of the allowed values",
    "string_pattern_mismatch": "does not have the expected form",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
    "recursion_loop": "is nested too deeply",
}


def describe_validation(exc: ValidationError, prefix: str = "") -> str:
    """The first problem of a validation error in plain words: ``Teams.0.Id: expected a
    positive id up to 4294967295, got 'abc'`` (wire names under ``prefix``, a short prefix of
    the value)."""
    first = exc.errors(include_url=False)[0]
    parts = [prefix] if prefix else []
    where = ".".join([*parts, *(str(part) for part in first["loc"])]) or "the answer"
    kind = str(first.get("type", ""))
    if kind == "value_error":
        context = first.get("ctx") or {}
        error = context.get("error")
        what = str(error) if error is not None else "has an unexpected value"
    else:
        what = _PLAIN.get(kind, "has an unexpected value")
        if kind != "missing":
            what = f"{what}, got {_kind(first.get('input'))}"
    return f"{where}: {what}"
