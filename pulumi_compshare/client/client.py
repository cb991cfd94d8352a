"""A typed, thread-safe client for the CompShare API.

``CompShareClient`` owns one pooled ``httpx.Client`` (keep-alive connections shared by all
threads) and sends every request through :meth:`CompShareClient.call`, the single place that
signs, sends, retries and maps errors. Typed methods, one per action, build the request model and
parse the response model.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx
from pydantic import ValidationError
from pydantic.alias_generators import to_pascal

from .._version import __version__
from ..api import limits, wire
from ..api.models import (
    ApiRequest,
    CreateTeamRelationRequest,
    CreateTeamRequest,
    CustomImagePage,
    DeleteTeamRequest,
    DescribeCustomImagesRequest,
    DescribeImageShareAccountsRequest,
    GetTeamInfoRequest,
    InviteFailure,
    InviteUser,
    ListJoinedTeamsRequest,
    ListTeamInvitesRequest,
    ListTeamOperateLogRequest,
    ListTeamsRequest,
    ModifyImageShareAccountRequest,
    OperateLogPage,
    Relation,
    RelationAction,
    SetTeamRelationRequest,
    ShareAccount,
    Team,
    TeamInfo,
    UpdateTeamRequest,
    error_map,
)
from .credentials import Credentials
from .errors import (
    CompShareAPIError,
    CompShareError,
    InvalidParameterError,
    OutcomeUnknownError,
    ThrottledError,
    UnavailableError,
    error_for_retcode,
)
from .retry import RetryPolicy

__all__ = ["CompShareClient"]

log = logging.getLogger("pulumi_compshare.client")

REQUEST_ID_HEADER = "X-UCLOUD-REQUEST-UUID"


class _Failure(Exception):
    """A transient failure of one attempt.

    ``applied_maybe``: the API may have acted on the request. ``reached``: the request reached the
    server at all (a non-idempotent request is re-sent only when it did not).
    """

    def __init__(
        self,
        error: CompShareError,
        applied_maybe: bool,
        retry_after: float = 0.0,
        reached: bool = True,
    ):
        super().__init__(str(error))
        self.error = error
        self.applied_maybe = applied_maybe
        self.retry_after = retry_after
        self.reached = reached


class CompShareClient:
    """The CompShare API, one typed method per action.

    :param credentials: the key pair used to sign requests.
    :param region: sent as ``Region`` with every request (default ``cn-wlcb``).
    :param project_id: sent as ``ProjectId`` when given.
    :param base_url: the API endpoint (default ``https://api.compshare.cn``; the emulator's URL in
        tests).
    :param timeout: seconds for each HTTP attempt (connect, read and write).
    :param retry: the retry policy for transient failures of idempotent requests.
    :param transport: an ``httpx.BaseTransport`` to send through (default: httpx's pooled one).
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        region: str = limits.REGION_DEFAULT,
        project_id: str | None = None,
        base_url: str = limits.BASE_URL_DEFAULT,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = 16,
    ) -> None:
        self.credentials = credentials
        self.region = region
        self.project_id = project_id or None
        self.base_url = base_url
        self.retry = retry or RetryPolicy()
        self._rng = random.Random()
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            headers={"User-Agent": f"pulumi-compshare/{__version__} httpx/{httpx.__version__}"},
        )
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        """Requests sent, by action, retries included (thread-safe counts)."""
        self.retries: Counter[str] = Counter()
        """Retries sent, by action."""

    def __repr__(self) -> str:
        return f"CompShareClient(base_url={self.base_url!r}, credentials={self.credentials!r})"

    def close(self) -> None:
        """Close the pooled connections."""
        self._http.close()

    def __enter__(self) -> CompShareClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the one send path

    def call(self, request: ApiRequest) -> dict[str, Any]:
        """Sign and send ``request``; return the response body of a RetCode 0 answer.

        Transient failures (throttling, 110/130/150, HTTP 429/5xx, network errors, timeouts) of an
        idempotent request are retried under :attr:`retry`. A non-idempotent request is re-sent
        only when it never reached the server (connection refused): throttling is raised as
        :class:`ThrottledError`, and a lost answer as :class:`OutcomeUnknownError`, for the caller
        to resolve by reading.
        """
        action = request.action
        fields = self._signed_fields(action, request.params())
        idempotent = request.is_idempotent()
        attempt = 0
        while True:
            attempt += 1
            with self._lock:
                self.calls[action] += 1
                if attempt > 1:
                    self.retries[action] += 1
            try:
                return self._send_once(action, fields)
            except _Failure as failure:
                if not idempotent and failure.reached and not failure.applied_maybe:
                    raise failure.error from None
                if not idempotent and failure.applied_maybe:
                    raise OutcomeUnknownError(
                        action,
                        f"{failure.error.message}; the request may or may not have been applied",
                        ret_code=failure.error.ret_code,
                        request_id=failure.error.request_id,
                    ) from None
                if attempt >= self.retry.max_attempts:
                    raise failure.error from None
                pause = max(self.retry.delay(attempt, self._rng), failure.retry_after)
                log.debug(
                    "%s: %s; retry %d in %.2fs", action, failure.error.message, attempt, pause
                )
                time.sleep(pause)

    def _signed_fields(self, action: str, params: Mapping[str, Any]) -> dict[str, str]:
        fields = wire.flatten(
            {
                "Action": action,
                "PublicKey": self.credentials.public_key,
                "Region": self.region,
                "ProjectId": self.project_id,
                **params,
            }
        )
        fields["Signature"] = wire.sign(fields, self.credentials.private_key)
        return fields

    def _send_once(self, action: str, fields: Mapping[str, str]) -> dict[str, Any]:
        headers = {"U-Timestamp-Ms": str(int(time.time() * 1000))}
        try:
            response = self._http.post(self.base_url, data=dict(fields), headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise _Failure(
                UnavailableError(action, f"cannot connect to {self.base_url}: {self._redact(exc)}"),
                applied_maybe=False,
                reached=False,
            ) from None
        except httpx.TimeoutException:
            raise _Failure(
                UnavailableError(action, f"no answer from {self.base_url} in time"),
                applied_maybe=True,
            ) from None
        except httpx.TransportError as exc:
            raise _Failure(
                UnavailableError(
                    action, f"connection to {self.base_url} broke: {self._redact(exc) or 'dropped'}"
                ),
                applied_maybe=True,
            ) from None
        request_id = response.headers.get(REQUEST_ID_HEADER)
        status = response.status_code
        if status == 429:
            raise _Failure(
                ThrottledError(action, "HTTP 429 Too Many Requests", request_id=request_id),
                applied_maybe=False,
                retry_after=_retry_after(response),
            )
        if status >= 500:
            raise _Failure(
                UnavailableError(action, f"HTTP {status}", request_id=request_id),
                applied_maybe=True,
            )
        if status != 200:
            raise CompShareAPIError(action, f"unexpected HTTP {status}", request_id=request_id)
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise _Failure(
                UnavailableError(action, "the answer was not a JSON object", request_id=request_id),
                applied_maybe=True,
            )
        try:
            ret_code = wire.to_int(data.get("RetCode", -1))
        except ValueError:
            ret_code = -1
        if ret_code == 0:
            return data
        error = error_for_retcode(
            action, ret_code, self._redact(data.get("Message", "")), request_id
        )
        if isinstance(error, ThrottledError):
            raise _Failure(error, applied_maybe=False, retry_after=_retry_after(response))
        if isinstance(error, UnavailableError):
            raise _Failure(error, applied_maybe=True)
        raise error

    def _redact(self, text: object) -> str:
        return str(text).replace(self.credentials.private_key, "***")

    def _parse(self, action: str, model: Any, data: Any) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CompShareAPIError(
                action, f"unexpected response: {where}: {first['msg']}"
            ) from None

    @staticmethod
    def _request(model: type[ApiRequest], **values: Any) -> Any:
        """Build a request model, turning validation errors into one-line InvalidParameterError."""
        try:
            return model.model_validate(values)
        except ValidationError as exc:
            first = exc.errors()[0]
            names = [_wire_name(model, str(p)) for p in first["loc"]]
            where = ".".join(names) or "request"
            raise InvalidParameterError(model.action, f"{where}: {first['msg']}") from None

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
        data = self.call(ListTeamsRequest())
        return [self._parse("ListCompShareTeam", Team, row) for row in data.get("Teams") or []]

    def get_team_info(
        self,
        team_id: int | float | str | None = None,
        virtual_company_id: int | float | str | None = None,
    ) -> TeamInfo:
        """GetCompShareTeamInfo by exactly one of ``team_id`` and ``virtual_company_id``."""
        request = self._request(
            GetTeamInfoRequest, team_id=team_id, virtual_company_id=virtual_company_id
        )
        info: TeamInfo = self._parse(request.action, TeamInfo, self.call(request))
        return info

    def list_team_invites(self, team_id: int | float | str | None = None) -> list[Relation]:
        """ListCompShareTeamInvite: a team's invites (owner, with ``team_id``) or, without it, the
        invites the caller received."""
        request = self._request(ListTeamInvitesRequest, team_id=team_id)
        data = self.call(request)
        return [self._parse(request.action, Relation, row) for row in data.get("Invites") or []]

    def list_joined_teams(self, status: str | None = None) -> list[Relation]:
        """ListCompShareTeamJoined: the caller's relations as an invitee, optionally by status."""
        request = self._request(ListJoinedTeamsRequest, status=status)
        data = self.call(request)
        return [self._parse(request.action, Relation, row) for row in data.get("JoinedTeams") or []]

    def create_team_relations(
        self,
        team_id: int | float | str,
        users: Iterable[InviteUser | Mapping[str, Any]],
    ) -> dict[int, InviteFailure]:
        """CreateCompShareTeamRelation: invite users; returns the per-user failures (ErrorMap).

        Not idempotent: on a lost answer raises :class:`OutcomeUnknownError`.
        """
        request = self._request(CreateTeamRelationRequest, team_id=team_id, user_info=list(users))
        return error_map(self.call(request))

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
        begin_time: int,
        end_time: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        operate_types: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        order_by_asc: bool | None = None,
    ) -> OperateLogPage:
        """ListCompShareTeamOperateLog: one page of a team's operation log."""
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

    # ------------------------------------------------------------------ images

    def describe_image_share_accounts(self, image_id: str) -> list[ShareAccount]:
        """DescribeCompShareImageShareAccounts: the accounts a custom image is shared with."""
        request = self._request(DescribeImageShareAccountsRequest, image_id=image_id)
        data = self.call(request)
        return [
            self._parse(request.action, ShareAccount, row) for row in data.get("AccountSet") or []
        ]

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
        return [wire.to_int(v) for v in data.get("InvalidAccounts") or []]

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


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, min(60.0, float(response.headers.get("Retry-After", 0))))
    except ValueError:
        return 0.0


def _wire_name(model: type[ApiRequest], name: str) -> str:
    field = model.model_fields.get(name)
    if field is not None and field.alias:
        return field.alias
    return name if name.isdigit() else to_pascal(name)
