"""A typed, thread-safe client for the CompShare API.

``CompShareClient`` owns one pooled ``httpx.Client`` (keep-alive connections shared by all
threads) and sends every request through :meth:`CompShareClient.call`, the single place that
signs, sends, retries and maps errors (:mod:`._calls`; reading the raw answer: :mod:`._answers`).
Typed methods, one per action, build the request model and parse the response model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import Field

from ..api import limits
from ..api.models import (
    AmountFailure,
    AmountOperation,
    CreateTeamRelationRequest,
    CreateTeamRequest,
    CustomImagePage,
    DeleteTeamRequest,
    DescribeCustomImagesRequest,
    DescribeImageShareAccountsRequest,
    DescribeSharingImagesRequest,
    DescribeTeamMemberOrderCountRequest,
    DescribeTeamMemberOrderRequest,
    DescribeTeamMemberUnpaidOrderCountRequest,
    DescribeTeamMemberUnpaidOrderRequest,
    GetTeamInfoRequest,
    InviteFailure,
    InviteUser,
    ListJoinedTeamsRequest,
    ListMemberProductTypeRequest,
    ListTeamInvitesRequest,
    ListTeamOperateLogRequest,
    ListTeamsRequest,
    MemberOrderCount,
    MemberOrderPage,
    ModifyImageShareAccountRequest,
    OperateLogPage,
    Relation,
    RelationAction,
    SetTeamAmountRequest,
    SetTeamRelationRequest,
    ShareAccount,
    SharedImagePage,
    Team,
    TeamInfo,
    UnpaidOrderCount,
    UnpaidOrderPage,
    UpdateTeamRequest,
    error_map,
    failed_members,
)
from ..api.rules import kind_of, to_id
from ._calls import (
    DEFAULT_TIMEOUT,
    MAX_RESPONSE_BYTES,
    MAX_TIMEOUT,
    ClientBase,
    base_url_problem,
    build_request,
)
from .retcodes import APIError, MalformedResponseError, NotFoundError

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "MAX_TIMEOUT",
    "CompShareClient",
    "base_url_problem",
    "build_request",
]


class CompShareClient(ClientBase):
    """The CompShare API, one typed method per action.

    :param credentials: the key pair used to sign requests.
    :param region: sent as ``Region`` with every request (default ``cn-wlcb``).
    :param project_id: sent as ``ProjectId`` when given.
    :param base_url: the API endpoint (default ``https://api.compshare.cn``; the emulator's URL in
        tests): an ``http://`` or ``https://`` URL, else ``ValueError``.
    :param timeout: the overall deadline of one call in seconds, retries and every socket
        operation included (a server trickling one byte at a time cannot hold a call longer).
    :param retry: the retry policy for transient failures of idempotent requests.
    :param transport: an ``httpx.BaseTransport`` to send through (default: a pooled one whose
        socket operations honour the deadline).
    :param max_response_bytes: a larger answer fails with :class:`MalformedResponseError`
        without being held in memory.
    """

    # ------------------------------------------------------------------ teams

    def create_team(self, name: str, description: str | None = None) -> None:
        """CreateCompShareTeam. The API returns no id: list teams to find the new one."""
        self.call(self._request(CreateTeamRequest, name=name, description=description))

    def update_team(
        self, team_id: int | float | str, name: str | None = None, description: str | None = None
    ) -> None:
        """UpdateCompShareTeam: change a team's name and/or description."""
        self.call(
            self._request(UpdateTeamRequest, team_id=team_id, name=name, description=description)
        )

    def delete_team(self, team_id: int | float | str) -> None:
        """DeleteCompShareTeam. The team must have no members."""
        self.call(self._request(DeleteTeamRequest, team_id=team_id))

    def list_teams(self) -> list[Team]:
        """ListCompShareTeam: the teams the caller owns."""
        return self._rows("ListCompShareTeam", self.call(ListTeamsRequest()), "Teams", Team)

    def get_team_info(
        self,
        team_id: int | float | str | None = None,
        virtual_company_id: int | float | str | None = None,
    ) -> TeamInfo:
        """GetCompShareTeamInfo by exactly one of ``team_id`` and ``virtual_company_id``.

        A team that does not exist raises :class:`NotFoundError`, whether the API says so with an
        error or answers RetCode 0 with an empty ``"Team": {}``."""
        request = self._request(
            GetTeamInfoRequest, team_id=team_id, virtual_company_id=virtual_company_id
        )
        data = self.call(request)
        team = data.get("Team")
        if team is None or team == {} or team == "":
            which = (
                f"team {request.team_id}"
                if request.team_id is not None
                else f"virtual company {request.virtual_company_id}"
            )
            raise NotFoundError(request.action, f"{which} does not exist (the answer has no Team)")
        info: TeamInfo = self._parse(request.action, TeamInfo, data)
        return info

    def list_team_invites(self, team_id: int | float | str | None = None) -> list[Relation]:
        """ListCompShareTeamInvite: a team's invites (owner, with ``team_id``) or, without it, the
        invites the caller received."""
        request = self._request(ListTeamInvitesRequest, team_id=team_id)
        return self._rows(request.action, self.call(request), "Invites", Relation)

    def list_joined_teams(self, status: str | None = None) -> list[Relation]:
        """ListCompShareTeamJoined: the caller's relations as an invitee, optionally by status."""
        request = self._request(ListJoinedTeamsRequest, status=status)
        return self._rows(request.action, self.call(request), "JoinedTeams", Relation)

    def create_team_relations(
        self,
        team_id: int | float | str,
        users: Iterable[InviteUser | Mapping[str, Any]],
    ) -> dict[int, InviteFailure]:
        """CreateCompShareTeamRelation: invite users; returns the per-user failures (ErrorMap).

        The API takes at most 100 users per call (the vendor's limit,
        :data:`~pulumi_compshare.api.limits.INVITE_BATCH_MAX`): more are sent in batches of 100,
        in order, after every user was checked. Not idempotent: on a lost answer raises
        :class:`OutcomeUnknownError`. If a later batch fails, the batches before it stay sent,
        and the error's message says how many users they held.
        """
        every = self._request(_AllInvites, team_id=team_id, user_info=list(users))
        size = limits.INVITE_BATCH_MAX
        failures: dict[int, InviteFailure] = {}
        for start in range(0, len(every.user_info), size):
            request = CreateTeamRelationRequest(
                team_id=every.team_id, user_info=every.user_info[start : start + size]
            )
            try:
                data = self.call(request)
            except APIError as exc:
                if not start:
                    raise
                raise type(exc)(
                    exc.action,
                    f"{exc.message} (the {start} users of the batches before this one were sent)",
                    ret_code=exc.ret_code,
                    request_id=exc.request_id,
                ) from None
            try:
                failures.update(error_map(data))
            except (ValueError, RecursionError) as exc:
                raise MalformedResponseError(request.action, f"unexpected answer: {exc}") from None
        return failures

    def set_team_relation(
        self,
        team_id: int | float | str,
        status: RelationAction,
        user_company_id: int | float | str | None = None,
        remark_name: str | None = None,
    ) -> None:
        """SetCompShareTeamRelation: Send (invite), Agree / Reject (as the invitee), Cancel (a
        pending invite or a member), UpdateRemarkName."""
        self.call(
            self._request(
                SetTeamRelationRequest,
                team_id=team_id,
                status=status,
                user_company_id=user_company_id,
                remark_name=remark_name,
            )
        )

    def list_team_operate_logs(
        self,
        team_id: int | float | str,
        begin_time: int | None = None,
        end_time: int | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
        operate_types: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        order_by_asc: bool | None = None,
    ) -> OperateLogPage:
        """ListCompShareTeamOperateLog: one page of a team's operation log (both times or
        neither: the vendor's page makes them optional, the SDKs send both)."""
        request = self._request(
            ListTeamOperateLogRequest,
            team_id=team_id,
            begin_time=begin_time,
            end_time=end_time,
            limit=limit,
            offset=offset,
            operate_type=list(operate_types) if operate_types else None,
            status=list(statuses) if statuses else None,
            order_by_asc=order_by_asc,
        )
        page: OperateLogPage = self._parse(request.action, OperateLogPage, self.call(request))
        return page

    # ------------------------------------------------------------------ budgets

    def set_team_amount(
        self,
        team_id: int | float | str,
        operate_type: AmountOperation,
        virtual_company_ids: Iterable[int | float | str],
        amount: int,
    ) -> dict[int, AmountFailure]:
        """SetCompShareTeamAmount: allocate (``"AllocateAmount"``) or withdraw
        (``"WithdrawAmount"``) ``amount`` fen (1/100 yuan, at least 1) for each member of a team,
        named by VirtualCompanyId. One amount applies to every member listed, as on the wire.
        Owner only.

        Returns the per-member failures (FailedMembers) as ``{virtual company id: failure}``,
        empty when every member succeeded; the API answers them with RetCode 0, from an object, a
        JSON string holding one, or nothing. It moves money, so it is never retried blindly: a
        lost answer raises :class:`OutcomeUnknownError` (read GetCompShareTeamInfo's
        AllocateAmount / AvailableAmount to learn whether it was applied).
        """
        request = self._request(
            SetTeamAmountRequest,
            team_id=team_id,
            operate_type=operate_type,
            virtual_company_id=list(virtual_company_ids),
            amount=amount,
        )
        data = self.call(request)
        try:
            return failed_members(data)
        except (ValueError, RecursionError) as exc:
            raise MalformedResponseError(request.action, f"unexpected answer: {exc}") from None

    # ------------------------------------------------------------------ team billing
    # A member's orders (docs/billing.md). Owner only; amounts come back in fen, whether the API
    # answered yuan text or integer fen. Every time window is BeginTime..EndTime in unix
    # seconds, both required (as both SDKs send them), the end after the begin.

    def describe_team_member_orders(
        self,
        team_id: int | float | str,
        virtual_company_id: int | float | str,
        begin_time: int,
        end_time: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        charge_types: Sequence[str] | None = None,
        order_states: Sequence[str] | None = None,
        order_types: Sequence[str] | None = None,
        order_nos: Sequence[str] | None = None,
        resource_ids: Sequence[str] | None = None,
        order_by: str | None = None,
        order_dir: str | None = None,
    ) -> MemberOrderPage:
        """DescribeTeamMemberOrder: one page of a member's orders in a window (``limit`` 1 to
        100, the API's default 25; ``offset`` from 0); ``total`` counts every match."""
        request = self._request(
            DescribeTeamMemberOrderRequest,
            team_id=team_id,
            virtual_company_id=virtual_company_id,
            begin_time=begin_time,
            end_time=end_time,
            limit=limit,
            offset=offset,
            charge_types=_listed(charge_types),
            order_states=_listed(order_states),
            order_types=_listed(order_types),
            order_nos=_listed(order_nos),
            resource_ids=_listed(resource_ids),
            order_by=order_by,
            order_dir=order_dir,
        )
        page: MemberOrderPage = self._parse(request.action, MemberOrderPage, self.call(request))
        return page

    def describe_team_member_order_count(
        self,
        team_id: int | float | str,
        virtual_company_id: int | float | str,
        begin_time: int,
        end_time: int,
        *,
        charge_type: str | None = None,
        order_state: str | None = None,
        order_type: str | None = None,
    ) -> MemberOrderCount:
        """DescribeTeamMemberOrderCount: how many orders a member has in a window and their
        totals in fen (``amount``, ``amount_real``, ``amount_free``, ``amount_coupon``). Its
        filters take one value each (both SDKs type them as one string)."""
        request = self._request(
            DescribeTeamMemberOrderCountRequest,
            team_id=team_id,
            virtual_company_id=virtual_company_id,
            begin_time=begin_time,
            end_time=end_time,
            charge_types=charge_type,
            order_states=order_state,
            order_types=order_type,
        )
        count: MemberOrderCount = self._parse(request.action, MemberOrderCount, self.call(request))
        return count

    def describe_team_member_unpaid_orders(
        self,
        team_id: int | float | str,
        virtual_company_id: int | float | str,
        begin_time: int,
        end_time: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        charge_types: Sequence[str] | None = None,
        order_types: Sequence[str] | None = None,
        order_nos: Sequence[str] | None = None,
        resource_ids: Sequence[str] | None = None,
        order_by: str | None = None,
        order_dir: str | None = None,
    ) -> UnpaidOrderPage:
        """DescribeTeamMemberUnpaidOrder: one page of a member's unpaid orders in a window."""
        request = self._request(
            DescribeTeamMemberUnpaidOrderRequest,
            team_id=team_id,
            virtual_company_id=virtual_company_id,
            begin_time=begin_time,
            end_time=end_time,
            limit=limit,
            offset=offset,
            charge_types=_listed(charge_types),
            order_types=_listed(order_types),
            order_nos=_listed(order_nos),
            resource_ids=_listed(resource_ids),
            order_by=order_by,
            order_dir=order_dir,
        )
        page: UnpaidOrderPage = self._parse(request.action, UnpaidOrderPage, self.call(request))
        return page

    def describe_team_member_unpaid_order_count(
        self,
        team_id: int | float | str,
        virtual_company_id: int | float | str,
        begin_time: int,
        end_time: int,
        *,
        charge_types: Sequence[str] | None = None,
        order_types: Sequence[str] | None = None,
    ) -> UnpaidOrderCount:
        """DescribeTeamMemberUnpaidOrderCount: how many unpaid orders a member has in a window
        and their total in fen."""
        request = self._request(
            DescribeTeamMemberUnpaidOrderCountRequest,
            team_id=team_id,
            virtual_company_id=virtual_company_id,
            begin_time=begin_time,
            end_time=end_time,
            charge_types=_listed(charge_types),
            order_types=_listed(order_types),
        )
        count: UnpaidOrderCount = self._parse(request.action, UnpaidOrderCount, self.call(request))
        return count

    def list_member_product_types(
        self,
        team_id: int | float | str,
        begin_time: int,
        end_time: int,
        virtual_company_id: int | float | str | None = None,
        *,
        order_states: Sequence[str] | None = None,
    ) -> list[str]:
        """ListMemberProductType: the product types of a member's orders in a window (of every
        member's without ``virtual_company_id``)."""
        request = self._request(
            ListMemberProductTypeRequest,
            team_id=team_id,
            begin_time=begin_time,
            end_time=end_time,
            virtual_company_id=virtual_company_id,
            order_states=_listed(order_states),
        )
        data = self.call(request)
        raw = data.get("ProductTypeList")
        if raw is None or raw == "":
            return []
        if not isinstance(raw, list) or not all(isinstance(word, str) for word in raw):
            raise MalformedResponseError(
                request.action,
                f"unexpected answer: ProductTypeList: expected a list of text, got {kind_of(raw)}",
            )
        return list(raw)

    # ------------------------------------------------------------------ images

    def describe_image_share_accounts(self, image_id: str) -> list[ShareAccount]:
        """DescribeCompShareImageShareAccounts: the accounts a custom image is shared with."""
        request = self._request(DescribeImageShareAccountsRequest, image_id=image_id)
        return self._rows(request.action, self.call(request), "AccountSet", ShareAccount)

    def modify_image_share_accounts(
        self,
        image_id: str,
        add: Iterable[int | float | str] = (),
        remove: Iterable[int | float | str] = (),
    ) -> list[int]:
        """ModifyCompShareImageShareAccount: at most 10 adds and 10 removes; returns the
        InvalidAccounts (ids the API did not add)."""
        request = self._request(
            ModifyImageShareAccountRequest,
            image_id=image_id,
            add_accounts=list(add),
            remove_accounts=list(remove),
        )
        data = self.call(request)
        raw = data.get("InvalidAccounts")
        if raw is None or raw == "":
            return []
        if not isinstance(raw, list):
            raise MalformedResponseError(
                request.action,
                f"unexpected answer: InvalidAccounts: expected a list, got {kind_of(raw)}",
            )
        invalid: list[int] = []
        for index, value in enumerate(raw):
            try:
                invalid.append(to_id(value))
            except ValueError as exc:
                raise MalformedResponseError(
                    request.action, f"unexpected answer: InvalidAccounts.{index}: {exc}"
                ) from None
        return invalid

    def describe_custom_images(
        self,
        zone: str = limits.ZONE_DEFAULT,
        image_id: str | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> CustomImagePage:
        """DescribeCompShareCustomImages: one page of the caller's custom images."""
        request = self._request(
            DescribeCustomImagesRequest, zone=zone, image_id=image_id, limit=limit, offset=offset
        )
        page: CustomImagePage = self._parse(request.action, CustomImagePage, self.call(request))
        return page

    def describe_sharing_images(
        self,
        offset: int | None = None,
        limit: int | None = None,
        *,
        image_id: str | None = None,
    ) -> SharedImagePage:
        """DescribeCompShareSharingImages: one page of the images other accounts shared with the
        caller (``limit`` at most 100; the API's defaults: offset 0, limit 20), each with its
        ``owner``; ``total_count`` counts them all."""
        request = self._request(
            DescribeSharingImagesRequest, offset=offset, limit=limit, image_id=image_id
        )
        page: SharedImagePage = self._parse(request.action, SharedImagePage, self.call(request))
        return page


def _listed(values: Sequence[str] | None) -> list[str] | None:
    """A filter list as the request model takes it: ``None`` (and an empty list, which sends no
    key on the wire) is no filter; a lone string is refused by the model, not split."""
    if values is None or isinstance(values, str):
        return values  # type: ignore[return-value]
    return list(values) or None


class _AllInvites(CreateTeamRelationRequest):
    """Every user of one :meth:`CompShareClient.create_team_relations`, checked before the first
    batch is sent (a bad entry is named by its place in the whole list)."""

    user_info: list[InviteUser] = Field(min_length=1)
