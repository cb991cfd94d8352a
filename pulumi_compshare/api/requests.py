"""The request models: one per action, each naming its ``action``, whether it is ``idempotent``
(the client retries transient failures of idempotent requests only) and whether it ``writes``
(changes state). :data:`REQUESTS` lists them all: the emulator derives its action tables from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from . import limits, wire
from .fields import Id, Status, WireModel

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
    "GetTeamInfoRequest",
    "InviteUser",
    "ListJoinedTeamsRequest",
    "ListTeamInvitesRequest",
    "ListTeamOperateLogRequest",
    "ListTeamsRequest",
    "ModifyImageShareAccountRequest",
    "RelationAction",
    "SetTeamAmountRequest",
    "SetTeamRelationRequest",
    "UpdateTeamRequest",
]


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


class InviteUser(WireModel):
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
