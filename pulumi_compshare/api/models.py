"""Pydantic models of every CompShare request and response this project uses.

Field names are snake_case; the wire names are their PascalCase aliases (``team_id`` <->
``TeamId``). Identifiers accept ints, numeric strings and whole floats (:func:`wire.to_int`);
relation statuses are normalised case-insensitively (:func:`wire.normalize_status`).

Each request model names its ``action`` and whether it is ``idempotent``: the client retries
transient failures of idempotent requests only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_pascal

from . import limits, wire

__all__ = [
    "ApiRequest",
    "CreateTeamRelationRequest",
    "CreateTeamRequest",
    "CustomImage",
    "CustomImagePage",
    "DeleteTeamRequest",
    "DescribeCustomImagesRequest",
    "DescribeImageShareAccountsRequest",
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
    "SetTeamRelationRequest",
    "ShareAccount",
    "Team",
    "TeamDetail",
    "TeamInfo",
    "UpdateTeamRequest",
]


def _id(value: Any) -> int:
    number = wire.to_int(value)
    if not 0 < number <= limits.MAX_ID:
        raise ValueError(f"must be a positive integer up to {limits.MAX_ID}, got {number}")
    return number


def _int_or_zero(value: Any) -> int:
    return 0 if value is None or value == "" else wire.to_int(value)


Id = Annotated[int, BeforeValidator(_id)]
"""A team, company or virtual company id: a positive int from an int, numeric string or float."""
Count = Annotated[int, BeforeValidator(_int_or_zero)]
"""A non-id integer (amounts in fen, times, counts) that may arrive as text or float."""
Status = Annotated[str, BeforeValidator(wire.normalize_status)]
"""A relation status in its canonical spelling: Pending, Joined, Rejected or Canceled."""
Flag = Annotated[bool, BeforeValidator(lambda v: str(v).strip().lower() in ("1", "true"))]


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
    name: str = ""
    description: str = ""


class TeamDetail(_Model):
    """A team as GetCompShareTeamInfo shows it."""

    id: Id
    company_id: Id
    deleted: Flag = False
    name: str = ""
    description: str = ""


class Relation(_Model):
    """One team relation: a row of TeamRelation, Invites or JoinedTeams."""

    team_id: Id
    team_name: str = ""
    user_company_id: Id
    virtual_company_id: Count = 0
    status: Status
    remark_name: str = ""
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
        return [] if value is None else value


class InviteFailure(_Model):
    """A per-user failure in CreateCompShareTeamRelation's ErrorMap."""

    code: Count = 0
    message: str = ""


class ShareAccount(_Model):
    """An account a custom image is shared with (AccountId is an int in the docs, a str in SDKs)."""

    account_id: Id
    account_name: str = ""


class CustomImage(_Model):
    """A custom image of the caller (DescribeCompShareCustomImages ImageSet row)."""

    image_id: str = Field(alias="CompShareImageId")
    name: str = ""
    status: str = ""
    image_type: str = ""
    create_time: Count = 0
    size: Count = 0


class CustomImagePage(_Model):
    images: list[CustomImage] = Field(default_factory=list, alias="ImageSet")
    total_count: Count = 0


class OperateLog(_Model):
    content: str = ""
    operate_type: str = ""
    status: str = ""
    create_time: Count = 0


class OperateLogPage(_Model):
    logs: list[OperateLog] = Field(default_factory=list)
    total: Count = 0
    operate_type_list: list[str] = Field(default_factory=list)
    status_list: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- requests


class ApiRequest(_Model):
    """Base of every request: the action it calls and whether a blind retry is safe."""

    action: ClassVar[str]
    idempotent: ClassVar[bool] = True

    def is_idempotent(self) -> bool:
        """Whether sending this request twice has the same effect as sending it once."""
        return self.idempotent

    def params(self) -> dict[str, Any]:
        """The action's own parameters by wire name, ``None`` values dropped."""
        return self.model_dump(by_alias=True, exclude_none=True)


class CreateTeamRequest(ApiRequest):
    action: ClassVar[str] = "CreateCompShareTeam"
    idempotent: ClassVar[bool] = False

    name: str = Field(min_length=1, max_length=limits.TEAM_NAME_MAX)
    description: str | None = Field(default=None, max_length=limits.TEAM_DESCRIPTION_MAX)


class UpdateTeamRequest(ApiRequest):
    action: ClassVar[str] = "UpdateCompShareTeam"

    team_id: Id
    name: str | None = Field(default=None, min_length=1, max_length=limits.TEAM_NAME_MAX)
    description: str | None = Field(default=None, max_length=limits.TEAM_DESCRIPTION_MAX)


class DeleteTeamRequest(ApiRequest):
    action: ClassVar[str] = "DeleteCompShareTeam"

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
    idempotent: ClassVar[bool] = False

    team_id: Id
    user_info: list[InviteUser] = Field(min_length=1)


RelationAction = Literal["Send", "Agree", "Reject", "Cancel", "UpdateRemarkName"]


class SetTeamRelationRequest(ApiRequest):
    action: ClassVar[str] = "SetCompShareTeamRelation"

    team_id: Id
    status: RelationAction
    user_company_id: Id | None = None
    remark_name: str | None = Field(default=None, max_length=limits.REMARK_NAME_MAX)

    def is_idempotent(self) -> bool:
        # Send is an invite: never retried blindly. The other operations are state changes.
        return self.status != "Send"

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
    begin_time: int = Field(ge=0)
    end_time: int = Field(ge=0)
    limit: int | None = Field(default=None, ge=1, le=limits.OPERATE_LOG_LIMIT_MAX)
    offset: int | None = Field(default=None, ge=0)
    operate_type: list[str] | None = None
    status: list[str] | None = None
    order_by_asc: bool | None = Field(default=None, alias="OrderByASC")

    @model_validator(mode="after")
    def _ordered_times(self) -> ListTeamOperateLogRequest:
        if self.end_time <= self.begin_time:
            raise ValueError("EndTime must be later than BeginTime")
        return self


class DescribeImageShareAccountsRequest(ApiRequest):
    action: ClassVar[str] = "DescribeCompShareImageShareAccounts"

    image_id: str = Field(alias="CompShareImageId", pattern=limits.IMAGE_ID_PATTERN.pattern)


class ModifyImageShareAccountRequest(ApiRequest):
    action: ClassVar[str] = "ModifyCompShareImageShareAccount"

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


def error_map(data: Mapping[str, Any]) -> dict[int, InviteFailure]:
    """CreateCompShareTeamRelation's ErrorMap as ``{company id: failure}`` (absent: none)."""
    raw = data.get("ErrorMap") or {}
    if not isinstance(raw, Mapping):
        return {}
    return {wire.to_int(key): InviteFailure.model_validate(value) for key, value in raw.items()}
