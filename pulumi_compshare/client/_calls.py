"""The one send path of the client: sign, send, retry, map errors, and read answers into models.

:class:`ClientBase` owns one pooled ``httpx.Client`` (keep-alive connections shared by all
threads) and sends every request through :meth:`ClientBase.call`;
:class:`~pulumi_compshare.client.CompShareClient` adds one typed method per action on top.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from http.cookiejar import CookieJar
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from .._version import __version__
from ..api import limits, wire
from ..api.models import ApiRequest, describe_validation, request_problem
from ._answers import (
    DECODED_CODINGS,
    MAX_CODINGS,
    AnswerTooLarge,
    CorruptEncoding,
    codings_of,
    decoded,
    describe_body,
    is_html,
    json_value,
    kind_of,
    ret_code_of,
    retry_after,
    size_text,
)
from ._deadline import DeadlineTransport, deadline_of_this_thread
from .credentials import Credentials
from .retcodes import (
    APIError,
    InvalidParameterError,
    MalformedResponseError,
    OutcomeUnknownError,
    ServiceError,
    ThrottledError,
    UnavailableError,
    WrongEndpointError,
    error_for_retcode,
)
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "MAX_TIMEOUT",
    "REQUEST_ID_HEADER",
    "ClientBase",
    "WriteObserver",
    "base_url_problem",
    "build_request",
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


_C = TypeVar("_C", bound="ClientBase")

WriteObserver = Callable[[Any, ApiRequest], AbstractContextManager[object]]
"""``observer(client, request)``: a context manager around one write of ``client`` (see
:attr:`ClientBase.write_observer`)."""
_R = TypeVar("_R", bound=ApiRequest)


class ClientBase:
    """The send path every typed method of the client goes through (the constructor's
    parameters are documented on :class:`~pulumi_compshare.client.CompShareClient`)."""

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
            transport = DeadlineTransport(pool)
        self._http = _HttpClient(
            timeout=httpx.Timeout(self.timeout),
            limits=pool,
            transport=transport,
            headers={
                "User-Agent": f"pulumi-compshare/{__version__} httpx/{httpx.__version__}",
                # Only what _read_capped decodes (httpx would add br and zstd when installed).
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self._url = (base_url, httpx.URL(base_url))
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

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the one send path

    write_observer: WriteObserver | None = None
    """Called around every write this client sends (``request.writes``), whatever its outcome:
    a read cache learns from the request itself what the write touched
    (``ApiRequest.touched()``), so no caller marks a write by hand."""

    def call(self, request: ApiRequest) -> dict[str, Any]:
        """Sign and send ``request``; return the response body of a RetCode 0 answer.
        A write goes through :attr:`write_observer` when one is set."""
        observer = self.write_observer
        if observer is not None and request.writes:
            with observer(self, request):
                return self._call(request)
        return self._call(request)

    def _call(self, request: ApiRequest) -> dict[str, Any]:
        """:meth:`call` without the observer.

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
                    cause = failure.error
                    also = ""
                    if isinstance(cause, ServiceError):
                        also = f"if the service error persists, {cause.if_it_persists()}"
                    raise OutcomeUnknownError(
                        action,
                        cause.message,  # the hint says it may or may not have been applied
                        ret_code=cause.ret_code,
                        request_id=cause.request_id,
                        also=also,
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
                    self._target(),
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
        except httpx.TransportError as exc:
            raise _Failure(
                UnavailableError(
                    action, f"connection to {self.base_url} broke: {self._redact(exc) or 'dropped'}"
                ),
                applied_maybe=True,
            ) from None
        request_id = response.headers.get(REQUEST_ID_HEADER)
        status = response.status_code
        data = json_value(body)
        if status == 429:
            raise _Failure(
                ThrottledError(action, "HTTP 429 Too Many Requests", request_id=request_id),
                applied_maybe=False,
                retry_after=retry_after(response),
            )
        if status != 200:
            self._http_failure(action, response, body, data, request_id)
        if not isinstance(data, dict):
            kind = WrongEndpointError if is_html(body) else MalformedResponseError
            what = f"the answer is {describe_body(body, response)}"
            raise _Failure(kind(action, what, request_id=request_id), applied_maybe=True)
        if "RetCode" not in data:
            raise MalformedResponseError(
                action, "the answer has no RetCode (not a CompShare answer)", request_id=request_id
            )
        ret_code = ret_code_of(data["RetCode"])
        if ret_code is None:
            raise MalformedResponseError(
                action,
                f"RetCode is {kind_of(data['RetCode'])}, not a number",
                request_id=request_id,
            )
        if ret_code == 0:
            return data
        error = error_for_retcode(action, ret_code, self._message(data), request_id)
        if isinstance(error, ThrottledError):
            raise _Failure(error, applied_maybe=False, retry_after=retry_after(response))
        if isinstance(error, UnavailableError):
            raise _Failure(error, applied_maybe=True)
        raise error

    def _target(self) -> httpx.URL:
        """:attr:`base_url` parsed (once, not on every call)."""
        text, url = self._url
        if text is not self.base_url:
            self._url = (self.base_url, httpx.URL(self.base_url))
            url = self._url[1]
        return url

    def _late(self, action: str) -> UnavailableError:
        return UnavailableError(
            action,
            f"no answer from {self.base_url} within the call's deadline of {self.timeout:g} s "
            "(compshare:timeoutSeconds)",
        )

    def _read_capped(self, action: str, response: httpx.Response, deadline: float) -> bytes:
        """The whole body, decoded, by the deadline; no more than :attr:`max_response_bytes`
        on the wire nor in any layer of its decoding.

        httpx would decode a network chunk whole (64 KiB of gzip is 64 MiB of zeros) and stacked
        codings whole again (``gzip, gzip``: a kilobyte to a gigabyte), all before a cap on the
        decoded bytes could fire, so the raw bytes are read and decoded here, a piece at a time
        (:func:`~._answers.decoded`). A coding the client does not decode (it asks for gzip and
        deflate only) leaves the body as sent: not JSON, it is described so.
        """
        cap = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise MalformedResponseError(
                action,
                f"the answer is {int(declared)} bytes, more than the {size_text(cap)} allowed",
            )
        codings = codings_of(response.headers)
        if any(coding not in DECODED_CODINGS for coding in codings):
            codings = []
        elif len(codings) > MAX_CODINGS:
            listed = ", ".join(codings[: MAX_CODINGS + 1])
            raise _Failure(
                MalformedResponseError(
                    action,
                    f"the answer is encoded {len(codings)} times (Content-Encoding: {listed}, "
                    "...); a CompShare answer is plain or gzip",
                ),
                applied_maybe=True,
            )
        body = bytearray()
        try:
            for piece in decoded(response.iter_raw(), codings, cap):
                body += piece
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the call's deadline passed")
        except AnswerTooLarge:
            what = f" (Content-Encoding: {', '.join(codings)})" if codings else ""
            raise MalformedResponseError(
                action, f"the answer is more than the {size_text(cap)} allowed{what}"
            ) from None
        except CorruptEncoding as exc:
            raise _Failure(
                MalformedResponseError(action, f"the answer cannot be decoded: {exc}"),
                applied_maybe=True,
            ) from None
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
        ret_code = ret_code_of(data.get("RetCode")) if isinstance(data, dict) else None
        if isinstance(data, dict) and ret_code:
            message = f"{self._message(data)} (HTTP {status})"
            error = error_for_retcode(action, ret_code, message, request_id)
            if isinstance(error, ThrottledError):
                raise _Failure(error, applied_maybe=False, retry_after=retry_after(response))
            if isinstance(error, UnavailableError):
                raise _Failure(error, applied_maybe=True)
            if status >= 500:
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
        # Not a CompShare answer at all: a 404 / 405 or a web page means the base URL points
        # somewhere else; anything else is still no answer the API documents.
        wrong = status in (404, 405) or is_html(body)
        raise (WrongEndpointError if wrong else MalformedResponseError)(
            action,
            f"unexpected HTTP {status}: {describe_body(body, response)}",
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
                action, f"unexpected answer: {key}: expected a list, got {kind_of(raw)}"
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
        return build_request(model, values)


def build_request(
    model: type[_R],
    values: Mapping[str, Any],
    *,
    caller: str | None = None,
    names: Mapping[str, str] | None = None,
) -> _R:
    """``model`` built from ``values``, or :class:`InvalidParameterError` naming the first bad
    parameter (:func:`~pulumi_compshare.api.requests.request_problem`): by its wire name, or by
    ``names`` (field name -> the caller's word) for a ``caller`` such as a lookup function, whose
    name then stands for the action."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        message = request_problem(model, exc, names)
        raise InvalidParameterError(caller or model.action, message) from None


def base_url_problem(base_url: object) -> str | None:
    """Why ``base_url`` can never work (``None`` if it may): it must be an ``http://`` or
    ``https://`` URL with a host."""
    if not isinstance(base_url, str) or not base_url.strip():
        return "the base URL is empty: give an http:// or https:// URL"
    shown = wire.short(base_url)
    try:
        url = httpx.URL(base_url)
        scheme, host = url.scheme, url.host  # the host decodes lazily: it may fail too
    except (httpx.InvalidURL, ValueError, TypeError):  # IDNAError is a ValueError
        return f"the base URL {shown} is not a valid URL"
    if scheme not in ("http", "https"):
        named = f"{scheme}://" if scheme else "no scheme"
        return f"the base URL {shown} has {named}: give an http:// or https:// URL"
    if not host:
        return f"the base URL {shown} has no host"
    return None


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, which reads an answer only when it sets a cookie: the jar takes
    cookies from ``Set-Cookie`` and ``Set-Cookie2`` alone, and an answer with neither leaves it
    as it was (httpx would turn every answer into urllib's request and message objects to find
    none)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


_CookieSource = httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]] | None


class _HttpClient(httpx.Client):
    """httpx's client whose jar (its public :attr:`cookies` property, through which httpx reads
    and fills it) is a :class:`_Cookies`: cookies are kept and sent back as by any httpx client.
    Setting ``cookies`` wraps the value in a :class:`_Cookies` as httpx wraps it in a plain
    ``Cookies`` (tests/client/test_cookies.py checks that httpx goes through the property)."""

    _jar: _Cookies

    @property
    def cookies(self) -> httpx.Cookies:
        try:
            return self._jar
        except AttributeError:  # made on first use (httpx keeps an unused jar of its own)
            self._jar = _Cookies()
            return self._jar

    @cookies.setter
    def cookies(self, cookies: _CookieSource) -> None:
        self._jar = _Cookies(cookies)
