"""A typed, thread-safe client for the CompShare API.

``CompShareClient`` owns one pooled ``httpx.Client`` (keep-alive connections shared by all
threads) and sends every request through :meth:`CompShareClient.call`, the single place that
signs, sends, retries and maps errors. Typed methods, one per action, build the request model and
parse the response model.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpcore
import httpx
from pydantic import ValidationError
from pydantic.alias_generators import to_pascal

from .._version import __version__
from ..api import limits, wire
from ..api.models import (
    AmountFailure,
    AmountOperation,
    ApiRequest,
    CreateTeamRelationRequest,
    CreateTeamRequest,
    CustomImagePage,
    DeleteTeamRequest,
    DescribeCustomImagesRequest,
    DescribeImageShareAccountsRequest,
    DescribeSharingImagesRequest,
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
    SetTeamAmountRequest,
    SetTeamRelationRequest,
    ShareAccount,
    SharedImagePage,
    Team,
    TeamInfo,
    UpdateTeamRequest,
    describe_validation,
    error_map,
    failed_members,
)
from ._deadline import DeadlineBackend, deadline_of_this_thread
from .credentials import Credentials
from .errors import (
    APIError,
    CompShareAPIError,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    ThrottledError,
    UnavailableError,
    error_for_retcode,
)
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "MAX_TIMEOUT",
    "CompShareClient",
    "base_url_problem",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds one call may take, retries included (``compshare:timeoutSeconds``)."""
MAX_TIMEOUT = 3600.0
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""An answer larger than 16 MiB is refused (no CompShare answer comes near it)."""

log = logging.getLogger("pulumi_compshare.client")

REQUEST_ID_HEADER = "X-UCLOUD-REQUEST-UUID"


class _Failure(Exception):
    """A transient failure of one attempt.

    ``applied_maybe``: the API may have acted on the request. ``reached``: the request reached the
    server at all (a non-idempotent request is re-sent only when it did not).
    """

    def __init__(
        self,
        error: APIError,
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
        tests): an ``http://`` or ``https://`` URL, else ``ValueError``.
    :param timeout: the overall deadline of one call in seconds, retries and every socket
        operation included (a server trickling one byte at a time cannot hold a call longer).
    :param retry: the retry policy for transient failures of idempotent requests.
    :param transport: an ``httpx.BaseTransport`` to send through (default: a pooled one whose
        socket operations honour the deadline).
    :param max_response_bytes: a larger answer fails with :class:`MalformedResponseError`
        without being held in memory.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        region: str = limits.REGION_DEFAULT,
        project_id: str | None = None,
        base_url: str = limits.BASE_URL_DEFAULT,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = 16,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        problem = base_url_problem(base_url)
        if problem is not None:
            raise ValueError(problem)
        if not (isinstance(timeout, (int, float)) and 0 < timeout <= MAX_TIMEOUT):
            raise ValueError(f"timeout must be a number of seconds in (0, {MAX_TIMEOUT}]")
        self.credentials = credentials
        self.region = region
        self.project_id = project_id or None
        self.base_url = base_url
        self.timeout = float(timeout)
        self.max_response_bytes = max_response_bytes
        self.retry = retry or RetryPolicy()
        self._rng = random.Random()
        pool = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        if transport is None:
            transport = _deadline_transport(pool)
        self._http = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            limits=pool,
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
        idempotent request are retried under :attr:`retry`, all within :attr:`timeout` seconds.
        A non-idempotent request is re-sent only when it never reached the server (connection
        refused): throttling is raised as :class:`ThrottledError`, and a lost answer as
        :class:`OutcomeUnknownError`, for the caller to resolve by reading.
        """
        action = request.action
        fields = self._signed_fields(action, request.params())
        idempotent = request.is_idempotent()
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            attempt += 1
            with self._lock:
                self.calls[action] += 1
                if attempt > 1:
                    self.retries[action] += 1
            try:
                return self._send_once(action, fields, deadline)
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
                pause = max(self.retry.delay(attempt, self._rng), failure.retry_after)
                if attempt >= self.retry.max_attempts:
                    raise failure.error from None
                if time.monotonic() + pause >= deadline:
                    raise type(failure.error)(
                        action,
                        f"{failure.error.message}; gave up after {attempt} attempts: the call's "
                        f"deadline of {self.timeout:g} s (compshare:timeoutSeconds) passed",
                        ret_code=failure.error.ret_code,
                        request_id=failure.error.request_id,
                    ) from None
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

    def _send_once(self, action: str, fields: Mapping[str, str], deadline: float) -> dict[str, Any]:
        headers = {"U-Timestamp-Ms": str(int(time.time() * 1000))}
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Failure(self._late(action), applied_maybe=False, reached=False)
        try:
            with (
                deadline_of_this_thread(deadline),
                self._http.stream(
                    "POST",
                    self.base_url,
                    data=dict(fields),
                    headers=headers,
                    timeout=httpx.Timeout(remaining),
                ) as response,
            ):
                body = self._read_capped(action, response, deadline)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise _Failure(
                UnavailableError(action, f"cannot connect to {self.base_url}: {self._redact(exc)}"),
                applied_maybe=False,
                reached=False,
            ) from None
        except httpx.TimeoutException:
            raise _Failure(self._late(action), applied_maybe=True) from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise _Failure(
                UnavailableError(
                    action, f"connection to {self.base_url} broke: {self._redact(exc) or 'dropped'}"
                ),
                applied_maybe=True,
            ) from None
        request_id = response.headers.get(REQUEST_ID_HEADER)
        status = response.status_code
        data = _json_object(body)
        if status == 429:
            raise _Failure(
                ThrottledError(action, "HTTP 429 Too Many Requests", request_id=request_id),
                applied_maybe=False,
                retry_after=_retry_after(response),
            )
        if status != 200:
            self._http_failure(action, response, body, data, request_id)
        if not isinstance(data, dict):
            raise _Failure(
                MalformedResponseError(
                    action, f"the answer is {_what(body, response)}", request_id=request_id
                ),
                applied_maybe=True,
            )
        if "RetCode" not in data:
            raise MalformedResponseError(
                action, "the answer has no RetCode (not a CompShare answer)", request_id=request_id
            )
        ret_code = _ret_code(data["RetCode"])
        if ret_code is None:
            raise MalformedResponseError(
                action,
                f"RetCode is {_short_kind(data['RetCode'])}, not a number",
                request_id=request_id,
            )
        if ret_code == 0:
            return data
        error = error_for_retcode(action, ret_code, self._message(data), request_id)
        if isinstance(error, ThrottledError):
            raise _Failure(error, applied_maybe=False, retry_after=_retry_after(response))
        if isinstance(error, UnavailableError):
            raise _Failure(error, applied_maybe=True)
        raise error

    def _late(self, action: str) -> UnavailableError:
        return UnavailableError(
            action,
            f"no answer from {self.base_url} within the call's deadline of {self.timeout:g} s "
            "(compshare:timeoutSeconds)",
        )

    def _read_capped(self, action: str, response: httpx.Response, deadline: float) -> bytes:
        """The whole body, at most :attr:`max_response_bytes` (decoded), by the deadline."""
        cap = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise MalformedResponseError(
                action, f"the answer is {int(declared)} bytes, more than the {_size(cap)} allowed"
            )
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > cap:
                raise MalformedResponseError(
                    action, f"the answer is more than the {_size(cap)} allowed"
                )
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the call's deadline passed")
        return bytes(body)

    def _http_failure(
        self,
        action: str,
        response: httpx.Response,
        body: bytes,
        data: Any,
        request_id: str | None,
    ) -> None:
        """An HTTP status other than 200 and 429: the API's own RetCode and message when the body
        carries them, else the status."""
        status = response.status_code
        ret_code = _ret_code(data.get("RetCode")) if isinstance(data, dict) else None
        if isinstance(data, dict) and ret_code:
            message = f"{self._message(data)} (HTTP {status})"
            error = error_for_retcode(action, ret_code, message, request_id)
            if isinstance(error, ThrottledError):
                raise _Failure(error, applied_maybe=False, retry_after=_retry_after(response))
            if isinstance(error, UnavailableError) or status >= 500:
                transient = UnavailableError(
                    action, error.message, ret_code=ret_code, request_id=request_id
                )
                raise _Failure(transient, applied_maybe=True)
            raise error
        if status >= 500:
            raise _Failure(
                UnavailableError(action, f"HTTP {status}", request_id=request_id),
                applied_maybe=True,
            )
        raise CompShareAPIError(
            action,
            f"unexpected HTTP {status}: {_what(body, response)}",
            request_id=request_id,
        )

    def _message(self, data: Mapping[str, Any]) -> str:
        message = data.get("Message")
        if message is None:
            return ""
        return self._redact(message if isinstance(message, str) else wire.short(message))

    def _redact(self, text: object) -> str:
        return str(text).replace(self.credentials.private_key, "***")

    def _parse(self, action: str, model: Any, data: Any) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise MalformedResponseError(
                action, f"unexpected answer: {describe_validation(exc)}"
            ) from None
        except (ValueError, RecursionError) as exc:
            raise MalformedResponseError(action, f"unexpected answer: {exc}") from None

    def _rows(self, action: str, data: Mapping[str, Any], key: str, model: Any) -> list[Any]:
        """The list ``data[key]`` parsed row by row (absent or null: no rows)."""
        raw = data.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise MalformedResponseError(
                action, f"unexpected answer: {key}: expected a list, got {_short_kind(raw)}"
            )
        rows = []
        for index, row in enumerate(raw):
            try:
                rows.append(model.model_validate(row))
            except ValidationError as exc:
                raise MalformedResponseError(
                    action, f"unexpected answer: {describe_validation(exc, f'{key}.{index}')}"
                ) from None
        return rows

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

        Not idempotent: on a lost answer raises :class:`OutcomeUnknownError`.
        """
        request = self._request(CreateTeamRelationRequest, team_id=team_id, user_info=list(users))
        data = self.call(request)
        try:
            return error_map(data)
        except (ValueError, RecursionError) as exc:
            raise MalformedResponseError(request.action, f"unexpected answer: {exc}") from None

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
                f"unexpected answer: InvalidAccounts: expected a list, got {_short_kind(raw)}",
            )
        invalid: list[int] = []
        for index, value in enumerate(raw):
            try:
                invalid.append(wire.to_int(value))
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


def base_url_problem(base_url: object) -> str | None:
    """Why ``base_url`` can never work (``None`` if it may): it must be an ``http://`` or
    ``https://`` URL with a host."""
    if not isinstance(base_url, str) or not base_url.strip():
        return "the base URL is empty: give an http:// or https:// URL"
    shown = wire.short(base_url)
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return f"the base URL {shown} is not a valid URL"
    if url.scheme not in ("http", "https"):
        scheme = f"{url.scheme}://" if url.scheme else "no scheme"
        return f"the base URL {shown} has {scheme}: give an http:// or https:// URL"
    if not url.host:
        return f"the base URL {shown} has no host"
    return None


def _deadline_transport(pool: httpx.Limits) -> httpx.BaseTransport:
    """httpx's transport, its connections made by a backend that honours each call's deadline."""
    transport = httpx.HTTPTransport(limits=pool)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=pool.max_connections,
        max_keepalive_connections=pool.max_keepalive_connections,
        keepalive_expiry=pool.keepalive_expiry,
        network_backend=DeadlineBackend(),
    )
    return transport


def _json_object(body: bytes) -> Any:
    """The body as JSON (any value); ``None`` if it is empty or not JSON (:func:`_what` says
    why)."""
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _what(body: bytes, response: httpx.Response) -> str:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
    if not body.strip():
        return f"empty ({content_type})"
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return f"an HTML page, not JSON ({content_type})"
    try:
        parsed = json.loads(body)
    except RecursionError:
        return "JSON nested too deeply"
    except (ValueError, UnicodeDecodeError):
        return f"not JSON ({content_type}, {len(body)} bytes)"
    return f"{_short_kind(parsed)}, not a JSON object"


def _short_kind(value: Any) -> str:
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
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_RET_CODE_TEXT = re.compile(r"-?[0-9]{1,12}")


def _ret_code(value: Any) -> int | None:
    """RetCode as an int; it may arrive as text (the Go SDK patches for it). ``None``: not a
    number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, str) and _RET_CODE_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count >= 1024 * 1024 else f"{count} bytes"
