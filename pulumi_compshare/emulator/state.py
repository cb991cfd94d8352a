"""The emulator's state machine: accounts, teams, relations, images and the action handlers.

Nothing here knows about HTTP. :meth:`EmulatorState.process` takes the flattened request
parameters (``dict[str, str]``, exactly what was signed) and returns the response envelope
``{"Action": "<Action>Response", "RetCode": ..., "Message": ..., ...}``. It checks, in order:
missing ``Action`` (160), missing ``Signature`` (170), unknown ``PublicKey`` (172), signature
mismatch (171), unknown ``Action`` (161), ``Region``, then runs the action.

The caller (the HTTP server) holds one lock around every call; this class is not thread-safe.

Codes chosen by the emulator (the vendor does not document them): not found 8404, permission
denied 8403, conflict 8409; invalid parameters are 230 with a message naming the parameter.

The action tables (:data:`ACTIONS`, :data:`WRITE_ACTIONS`, :data:`NON_IDEMPOTENT_ACTIONS`) are
derived from the request models of :mod:`pulumi_compshare.api.models` (each names its ``action``
and whether it is ``idempotent`` and ``writes``), so the client and the emulator cannot disagree.

Member budgets (``SetCompShareTeamAmount``, see :meth:`EmulatorState.set_team_amount` and
``docs/budgets.md``): every account has a balance in fen (the seed's ``balance``, default
:data:`~pulumi_compshare.emulator.seed.DEFAULT_BALANCE`); allocating moves fen from the team
owner's balance to a member, withdrawing moves a member's unspent fen back, and
:meth:`EmulatorState.spend` stands in for a member spending.

Where the vendor's sources leave a question open, :data:`DIALECTS` name the other readings; an
``EmulatorState`` answers in the combination it is given (none: the default reading above).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_compshare.api import codes, limits, wire
from pulumi_compshare.api.models import REQUESTS, ApiRequest
from pulumi_compshare.emulator.seed import Account, Seed

__all__ = [
    "ACTIONS",
    "AMOUNT_CODES",
    "DIALECTS",
    "NON_IDEMPOTENT_ACTIONS",
    "OPERATE_TYPES",
    "STRICT",
    "WRITE_ACTIONS",
    "ZH_CODES",
    "ApiError",
    "Dialect",
    "EmulatorState",
    "is_non_idempotent_write",
    "one_line",
    "parse_dialects",
]

REGION = limits.REGION_DEFAULT
FIRST_TEAM_ID = 1001
FIRST_VIRTUAL_COMPANY_ID = 60001
MAX_INVITES_PER_CALL = 50
MAX_INVITES_PER_CALL_VENDOR = 100
DEFAULT_OPERATE_LOG_LIMIT = 25
DEFAULT_CUSTOM_IMAGES_LIMIT = 20
DEFAULT_SHARING_IMAGES_LIMIT = 20
IMAGE_SIZE_MB = 20480

_REQUEST_OF: dict[str, type[ApiRequest]] = {model.action: model for model in REQUESTS}

ACTIONS = tuple(_REQUEST_OF)
"""Every action the emulator implements: one per request model of the ``api`` layer."""

WRITE_ACTIONS = frozenset(model.action for model in REQUESTS if model.writes)
"""Actions that change state (the ones an ``applied_response_lost`` fault can hit)."""

NON_IDEMPOTENT_ACTIONS = frozenset(
    model.action for model in REQUESTS if model.writes and not model.idempotent
)
"""Writes that must never be retried blindly (CreateCompShareTeam, CreateCompShareTeamRelation,
SetCompShareTeamAmount; plus SetCompShareTeamRelation with Status Send, see
:func:`is_non_idempotent_write`)."""

OPERATE_TYPES = (
    "CreateTeam",
    "UpdateTeam",
    "DeleteTeam",
    "Invite",
    "Agree",
    "Reject",
    "Cancel",
    "UpdateRemarkName",
    "AllocateAmount",
    "WithdrawAmount",
)
LOG_STATUSES = ("Success",)
SET_RELATION_OPERATIONS = ("Send", "Agree", "Reject", "Cancel", "UpdateRemarkName")
AMOUNT_OPERATIONS = ("AllocateAmount", "WithdrawAmount")

PENDING, JOINED, REJECTED, CANCELED = wire.RELATION_STATUSES


def is_non_idempotent_write(params: Mapping[str, str]) -> bool:
    """Whether a request is a write that does something new each time it is applied (creates,
    invites, moves money): the request model of its action says so from the wire parameters."""
    model = _REQUEST_OF.get(params.get("Action", ""))
    return model is not None and model.writes and not model.idempotent_fields(params)


class ApiError(Exception):
    """A failed action: a RetCode and a one-line message.

    ``zh`` / ``zh_code`` are what the ``chinese-errors`` dialect answers instead (the emulator's
    CompShare-style codes; see :data:`ZH_CODES`)."""

    def __init__(
        self, code: int, message: str, *, zh: str | None = None, zh_code: int | None = None
    ) -> None:
        message = one_line(message)
        super().__init__(message)
        self.code = code
        self.message = message
        self.zh = one_line(zh) if zh is not None else None
        self.zh_code = zh_code


def one_line(text: str) -> str:
    """Messages echo request values: escape line breaks so a message stays one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _invalid(name: str, reason: str, zh: str = "取值不合法") -> ApiError:
    if reason == "required":
        zh = "缺少必填参数"
    return ApiError(
        codes.PARAM_ERROR, f"Params [{name}] not available: {reason}", zh=f"参数 [{name}] {zh}"
    )


def _not_found(message: str, zh: str, zh_code: int) -> ApiError:
    return ApiError(codes.EMULATOR_NOT_FOUND, message, zh=zh, zh_code=zh_code)


def _denied(message: str, zh: str, zh_code: int) -> ApiError:
    return ApiError(codes.EMULATOR_PERMISSION_DENIED, message, zh=zh, zh_code=zh_code)


def _conflict(message: str, zh: str, zh_code: int) -> ApiError:
    return ApiError(codes.EMULATOR_CONFLICT, message, zh=zh, zh_code=zh_code)


# --------------------------------------------------------------------------------------------
# Dialects


@dataclass(frozen=True)
class Dialect:
    """A reading of the API where the vendor's sources leave a question open."""

    name: str
    changes: str
    """What the emulator answers differently."""
    source: str
    """The vendor source that allows this reading."""


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect(
            "cancel-pending-only",
            "SetCompShareTeamRelation Cancel on a Joined member is refused (RetCode 8409, or "
            "16007 with chinese-errors); only Pending invites can be canceled, so a joined "
            "member cannot be removed through the API.",
            "seed 002 (SetCompShareTeamRelation): Cancel is defined as 取消待处理的邀请 "
            "(cancel a pending invite); no source names a way to remove a Joined member and "
            "compshare-cli has no member-remove command.",
        ),
        Dialect(
            "invites-pending-only",
            "ListCompShareTeamInvite lists Pending invites only (accepted, rejected and "
            "canceled ones drop out of the list).",
            "seed 000 (ListCompShareTeamInvite): 查询团队邀请记录, its example shows only "
            "Pending; the vendor's page does not say whether answered invites stay.",
        ),
        Dialect(
            "error-map-string",
            'CreateCompShareTeamRelation sends ErrorMap as a string holding the JSON map ("" '
            "when no invite failed); SetCompShareTeamAmount sends FailedMembers the same way.",
            "ucloud-sdk-python3 CreateCompShareTeamRelationResponseSchema ErrorMap = "
            "fields.Str(); ucloud-sdk-go types it as string too. FailedMembers is the same kind "
            "of field (a per-member map of {Code, Message} in the vendor's page) from the same "
            "code generator; no SDK release carries SetCompShareTeamAmount yet.",
        ),
        Dialect(
            "null-text",
            "Text fields are null: RemarkName and Description whenever empty; TeamName of "
            "relation rows (TeamRelation, Invites, JoinedTeams) and AccountName always.",
            "both SDKs declare every response field required=False; api-notes 'The vendor's "
            "fuller API pages': text fields may plausibly arrive as null or be absent.",
        ),
        Dialect(
            "absent-text",
            "The same text fields as null-text are left out of the answer instead of null.",
            "as null-text (required=False in both SDKs' response schemas).",
        ),
        Dialect(
            "lower-status",
            "Every status is lower case: relation statuses (pending, joined, rejected, "
            "canceled) in every listing, operation-log statuses (success) and StatusList.",
            "seed 001 (GetCompShareTeamInfo) example Status 'joined'; the vendor's "
            "ListCompShareTeamJoined example filters by 'joined'.",
        ),
        Dialect(
            "upper-status",
            "Every status is upper case (PENDING, JOINED, ..., SUCCESS), everywhere.",
            "api-notes Disagreements: the seeds and the SDK docs spell statuses in different "
            "cases (joined / Joined); the docs fix no case, so compare case-insensitively.",
        ),
        Dialect(
            "string-ids",
            "Every id is a JSON string: Id, TeamId, CompanyId, UserCompanyId, "
            "VirtualCompanyId, TeamUseCompanyId, AccountId and InvalidAccounts entries.",
            "ucloud-sdk-python3 ProjectsSchema AccountId = fields.Str(); both SDKs type "
            "SetCompShareTeamRelation TeamId / UserCompanyId as strings (api-notes "
            "Disagreements).",
        ),
        Dialect(
            "team-gone-error",
            "A team that does not exist or was deleted is answered, by every action that names "
            "it (GetCompShareTeamInfo included), with RetCode 230 and the message 团队不存在.",
            "api-notes RetCodes: 230 is used by some products for not-found; CompShare "
            "messages come in Chinese (vendor error-code page).",
        ),
        Dialect(
            "team-gone-empty",
            "GetCompShareTeamInfo of a team that does not exist or was deleted answers RetCode "
            '0 with "Team": {} and no TeamRelation.',
            "ucloud-sdk-python3 GetCompShareTeamInfoResponseSchema: Team and TeamRelation are "
            "not required; the seed 001 page documents no not-found error.",
        ),
        Dialect(
            "chinese-errors",
            "Every error message of an action is Chinese, with CompShare-style codes: 16001 "
            "用户已在团队中 (already invited or joined), 17001 额度不足 (insufficient balance, "
            "in FailedMembers) and the emulator's 16xxx / 17xxx / 18xxx codes (ZH_CODES); "
            "parameter errors stay 230 with a Chinese message.",
            "vendor's CreateCompShareTeamRelation page: ErrorMap example Code 16001 "
            "用户已在团队中; vendor's SetCompShareTeamAmount page: FailedMembers example Code "
            "17001 额度不足; the CompShare error-code page: messages come in Chinese.",
        ),
        Dialect(
            "invite-limit-100",
            "CreateCompShareTeamRelation takes up to 100 UserInfo entries per call (default 50).",
            "vendor's CreateCompShareTeamRelation page (at most 100 users); compshare-cli "
            "'team invite send': At most 100 users can be invited at once.",
        ),
        Dialect(
            "operate-log-maps",
            "ListCompShareTeamOperateLog: BeginTime and EndTime are optional; OperateTypeList "
            'and StatusList are maps of word to Chinese label ({"InviteMember": "邀请成员"}); '
            "invites are logged as InviteMember and cancels as RemoveMember.",
            "vendor's ListCompShareTeamOperateLog page (times optional, maps, InviteMember / "
            "RemoveMember / Success / Failed); compshare-cli 'team audit' sends times only "
            "when given.",
        ),
        Dialect(
            "region-required",
            "DescribeCompShareImageShareAccounts, ModifyCompShareImageShareAccount, "
            "DescribeCompShareCustomImages and DescribeCompShareSharingImages refuse a request "
            "without Region (RetCode 230).",
            "ucloud-sdk-python3 request schemas of these actions: Region = "
            "fields.Str(required=True).",
        ),
    )
}
"""Every dialect by name. ``strict`` (see :data:`STRICT`) names a combination."""

EXCLUSIVE_DIALECTS = (("lower-status", "upper-status"), ("null-text", "absent-text"))
"""Pairs that cannot hold together (one field cannot be null and absent, or two cases)."""

STRICT = (
    "cancel-pending-only",
    "invites-pending-only",
    "error-map-string",
    "null-text",
    "upper-status",
    "string-ids",
    "team-gone-error",
    "team-gone-empty",
    "chinese-errors",
    "operate-log-maps",
    "region-required",
)
"""``strict``: the most hostile combination that holds together. Left out: ``lower-status``
and ``absent-text`` (they exclude ``upper-status`` / ``null-text``: upper case matches no
example, and null breaks more parsers than absence), and ``invite-limit-100`` (the default
limit of 50 is the stricter one)."""


def parse_dialects(value: str | Iterable[str] | None) -> frozenset[str]:
    """Dialect names from ``"a,b"`` or a list; ``strict`` expands to :data:`STRICT`. Raises
    ``ValueError`` naming an unknown dialect or a pair that cannot hold together."""
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else list(value)
    names: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"a dialect is a name, got {type(item).__name__}")
        name = item.strip()
        if not name:
            continue
        if name == "strict":
            names.update(STRICT)
        elif name in DIALECTS:
            names.add(name)
        else:
            known = ", ".join([*DIALECTS, "strict"])
            raise ValueError(f"unknown dialect {name[:40]!r}; known: {known}")
    for first, second in EXCLUSIVE_DIALECTS:
        if first in names and second in names:
            raise ValueError(f"dialects {first} and {second} cannot be combined")
    return frozenset(names)


ZH_CODES = {
    16001: "用户已在团队中 (already invited or joined; the vendor's code)",
    16002: "团队不存在 (no such team)",
    16003: "无权限操作该团队 (not the team's owner)",
    16004: "邀请不存在 (no such invite or relation)",
    16005: "团队中还有成员 (delete: the team has members)",
    16006: "用户不存在 (no such account)",
    16007: "只能取消待处理的邀请 (cancel-pending-only: a joined member)",
    16008: "不能邀请团队创建者 (inviting the team's owner)",
    17001: "额度不足 (allocate: the owner's balance is short; the vendor's code)",
    17002: "成员可用额度不足 (withdraw: more than the member's unspent amount)",
    17003: "成员不存在 (no member with this VirtualCompanyId in the team)",
    17004: "成员未加入团队 (the member is pending, rejected or canceled, not joined)",
    18001: "镜像不存在 (no such image)",
    18002: "没有权限操作该镜像 (not the image's owner)",
}
"""The ``chinese-errors`` codes. Only 16001 and 17001 are the vendor's; the others are the
emulator's."""

AMOUNT_CODES = {
    "insufficient_balance": (codes.EMULATOR_CONFLICT, 17001),
    "insufficient_available": (codes.EMULATOR_CONFLICT, 17002),
    "no_such_member": (codes.EMULATOR_NOT_FOUND, 17003),
    "not_joined": (codes.EMULATOR_CONFLICT, 17004),
}
"""SetCompShareTeamAmount's per-member failures: (default code, ``chinese-errors`` code)."""

_ZH_COMMON = {
    codes.MISSING_ACTION: "缺少 Action 参数",
    codes.NO_SUCH_ACTION: "接口名称错误",
    codes.MISSING_SIGNATURE: "缺少签名参数 Signature",
    codes.SIGNATURE_ERROR: "签名验证失败",
    codes.NO_SUCH_USER: "公钥对应的用户不存在",
}

_ID_KEYS = frozenset(
    {
        "Id",
        "TeamId",
        "CompanyId",
        "UserCompanyId",
        "VirtualCompanyId",
        "TeamUseCompanyId",
        "AccountId",
    }
)
_TEXT_WHEN_EMPTY = ("RemarkName", "Description")
_VENDOR_OPERATE_TYPES = {"Invite": "InviteMember", "Cancel": "RemoveMember"}
_OPERATE_TYPE_LABELS = {
    "CreateTeam": "创建团队",
    "UpdateTeam": "更新团队",
    "DeleteTeam": "删除团队",
    "InviteMember": "邀请成员",
    "Agree": "接受邀请",
    "Reject": "拒绝邀请",
    "RemoveMember": "移除成员",
    "UpdateRemarkName": "更新备注名",
    "AllocateAmount": "分配额度",
    "WithdrawAmount": "回收额度",
}
_LOG_STATUS_LABELS = {"Success": "成功", "Failed": "失败"}
IMAGE_ACTIONS = frozenset(
    {
        "DescribeCompShareImageShareAccounts",
        "ModifyCompShareImageShareAccount",
        "DescribeCompShareCustomImages",
        "DescribeCompShareSharingImages",
    }
)


# --------------------------------------------------------------------------------------------
# Parameter parsing


class Params:
    """Typed access to flattened request parameters; every problem is an :class:`ApiError` 230."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields

    def has(self, name: str) -> bool:
        """Whether the parameter was sent."""
        return name in self.fields

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_len: int | None = None,
        non_blank: bool = False,
    ) -> str | None:
        """A string parameter (``None`` if absent and optional)."""
        value = self.fields.get(name)
        if value is None:
            if required:
                raise _invalid(name, "required")
            return None
        if non_blank and not value.strip():
            raise _invalid(name, "must not be empty", "不能为空")
        if max_len is not None and len(value) > max_len:
            raise _invalid(name, f"must be at most {max_len} characters", f"最多 {max_len} 个字符")
        return value

    def required_text(self, name: str, *, max_len: int | None = None) -> str:
        """A required, non-blank string parameter."""
        value = self.text(name, required=True, max_len=max_len, non_blank=True)
        assert value is not None
        return value

    def ident(self, name: str, *, required: bool = False) -> int | None:
        """An id (team, company, virtual company): an integer in ``1..MAX_ID``."""
        value = self.fields.get(name)
        if value is None:
            if required:
                raise _invalid(name, "required")
            return None
        return parse_id(name, value)

    def required_ident(self, name: str) -> int:
        """A required id."""
        value = self.ident(name, required=True)
        assert value is not None
        return value

    def integer(
        self, name: str, *, default: int | None = None, low: int = 0, high: int | None = None
    ) -> int:
        """An integer in ``low..high``; required when ``default`` is ``None``."""
        value = self.fields.get(name)
        if value is None:
            if default is None:
                raise _invalid(name, "required")
            return default
        try:
            number = wire.to_int(value)
        except ValueError:
            raise _invalid(name, "must be an integer") from None
        if number < low or (high is not None and number > high):
            bound = f"{low}..{high}" if high is not None else f">= {low}"
            raise _invalid(name, f"must be in {bound}")
        return number

    def boolean(self, name: str, default: bool) -> bool:
        """``true`` / ``false`` (case-insensitive)."""
        value = self.fields.get(name)
        if value is None:
            return default
        text = value.strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise _invalid(name, "must be true or false")

    def items(self, prefix: str) -> list[tuple[str, str]]:
        """The list parameter ``prefix.0``, ``prefix.1``, ... as ``(key, value)`` in index order.

        A bare ``prefix`` (no index) counts as a one-element list.
        """
        pattern = re.compile(re.escape(prefix) + r"\.(\d+)\Z")
        found: list[tuple[int, str, str]] = []
        for key, value in self.fields.items():
            match = pattern.match(key)
            if match:
                found.append((int(match.group(1)), key, value))
            elif key == prefix:
                found.append((-1, key, value))
        found.sort()
        return [(key, value) for _, key, value in found]

    def records(self, prefix: str) -> list[tuple[str, dict[str, str]]]:
        """The list-of-objects parameter ``prefix.N.Field`` as ``(prefix.N, {Field: value})``."""
        pattern = re.compile(re.escape(prefix) + r"\.(\d+)\.([^.]+)$")
        grouped: dict[int, dict[str, str]] = {}
        for key, value in self.fields.items():
            match = pattern.match(key)
            if match:
                grouped.setdefault(int(match.group(1)), {})[match.group(2)] = value
        return [(f"{prefix}.{index}", grouped[index]) for index in sorted(grouped)]


def parse_id(name: str, value: Any) -> int:
    """Parse an id with :func:`wire.to_int`; it must be in ``1..MAX_ID``."""
    try:
        number = wire.to_int(value)
    except ValueError:
        raise _invalid(name, "must be a positive integer") from None
    if not 1 <= number <= limits.MAX_ID:
        raise _invalid(name, f"must be a positive integer at most {limits.MAX_ID}")
    return number


# --------------------------------------------------------------------------------------------
# State


@dataclass
class Relation:
    """An account's relation to a team (an invite, a membership, or what is left of one)."""

    team_id: int
    user_company_id: int
    virtual_company_id: int
    status: str
    remark_name: str
    create_time: int
    allocate_amount: int = 0
    available_amount: int = 0


@dataclass
class Team:
    """A team; deleted teams are kept (``deleted=True``) so GetCompShareTeamInfo can show them."""

    id: int
    owner: int
    name: str
    description: str
    deleted: bool = False
    relations: dict[int, Relation] = field(default_factory=dict)
    logs: list[dict[str, Any]] = field(default_factory=list)

    def joined_count(self) -> int:
        """How many accounts are members (status Joined)."""
        return sum(1 for r in self.relations.values() if r.status == JOINED)


@dataclass
class Image:
    """A custom image and the accounts it is shared with (in insertion order)."""

    id: str
    owner: int
    name: str
    create_time: int
    shared_with: list[int] = field(default_factory=list)


Handler = Callable[[Account, Params], dict[str, Any]]


class EmulatorState:
    """The whole emulated account world and the action handlers."""

    def __init__(
        self,
        seed: Seed,
        clock: Callable[[], float] = time.time,
        dialects: str | Iterable[str] | None = None,
    ) -> None:
        self.dialects = parse_dialects(dialects)
        """The readings of the API this state answers in (:data:`DIALECTS`; empty: default)."""
        self.clock = clock
        self.accounts: dict[int, Account] = {a.company_id: a for a in seed.accounts}
        self.by_public_key: dict[str, Account] = {a.public_key: a for a in seed.accounts}
        self.balances: dict[int, int] = {a.company_id: a.balance for a in seed.accounts}
        """Each account's balance in fen: what a team owner can still allocate to members."""
        now = self.now()
        self.teams: dict[int, Team] = {
            t.id: Team(t.id, t.owner, t.name, t.description) for t in seed.teams
        }
        self.images: dict[str, Image] = {
            i.id: Image(i.id, i.owner, i.name, now) for i in seed.images
        }
        self.next_virtual_company_id = FIRST_VIRTUAL_COMPANY_ID
        self.log_sequence = 0
        self.handlers: dict[str, Handler] = {
            "CreateCompShareTeam": self.create_team,
            "UpdateCompShareTeam": self.update_team,
            "DeleteCompShareTeam": self.delete_team,
            "ListCompShareTeam": self.list_teams,
            "GetCompShareTeamInfo": self.get_team_info,
            "ListCompShareTeamInvite": self.list_invites,
            "ListCompShareTeamJoined": self.list_joined,
            "CreateCompShareTeamRelation": self.create_relations,
            "SetCompShareTeamRelation": self.set_relation,
            "ListCompShareTeamOperateLog": self.list_operate_log,
            "SetCompShareTeamAmount": self.set_team_amount,
            "DescribeCompShareImageShareAccounts": self.describe_share_accounts,
            "ModifyCompShareImageShareAccount": self.modify_share_accounts,
            "DescribeCompShareCustomImages": self.describe_custom_images,
            "DescribeCompShareSharingImages": self.describe_sharing_images,
        }
        missing = set(ACTIONS) ^ set(self.handlers)
        assert not missing, f"actions without a handler, or handlers without a model: {missing}"

    def now(self) -> int:
        """The current time in unix seconds."""
        return int(self.clock())

    # ---------------------------------------------------------------- request processing

    def process(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """Authenticate and run one request; return the response envelope (errors included)."""
        action = fields.get("Action", "")
        try:
            body = self._authenticated_call(action, fields)
        except ApiError as e:
            code, message = self._error_text(e)
            return {"Action": f"{action}Response", "RetCode": code, "Message": message}
        return self._reshape(
            {"Action": f"{action}Response", "RetCode": codes.OK, "Message": "", **body}
        )

    def error_envelope(self, action: str, code: int, message: str) -> dict[str, Any]:
        """An error answer in this state's dialect (for failures found outside the actions)."""
        code, text = self._error_text(ApiError(code, message))
        return {"Action": f"{one_line(action)}Response", "RetCode": code, "Message": text}

    def _error_text(self, error: ApiError) -> tuple[int, str]:
        """The RetCode and message of an error in this state's dialect."""
        if "chinese-errors" not in self.dialects:
            return error.code, error.message
        zh = error.zh or _ZH_COMMON.get(error.code)
        if zh is None:
            zh = "参数错误" if error.code == codes.PARAM_ERROR else "操作失败"
        return (error.zh_code or error.code), zh

    # ---------------------------------------------------------------- dialect shapes

    def _reshape(self, body: dict[str, Any]) -> dict[str, Any]:
        """Apply the dialects that change the shape of a successful answer."""
        if not self.dialects:
            return body
        out: dict[str, Any] = self._reshape_value(body, None)
        return out

    def _reshape_value(self, value: Any, key: str | None) -> Any:
        dialects = self.dialects
        if isinstance(value, list):
            if key == "InvalidAccounts" and "string-ids" in dialects:
                return [str(v) for v in value]
            if key == "StatusList":
                return [self._case(v) for v in value]
            return [self._reshape_value(v, key) for v in value]
        if not isinstance(value, dict):
            return value
        relation_row = "UserCompanyId" in value and "Status" in value
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "Status" and isinstance(v, str):
                v = self._case(v)
            elif k == "StatusList" and isinstance(v, dict):
                v = {self._case(word): label for word, label in v.items()}
            elif k in _ID_KEYS and isinstance(v, int) and "string-ids" in dialects:
                v = str(v)
            elif isinstance(v, (dict, list)):
                v = self._reshape_value(v, k)
            always = k == "AccountName" or (k == "TeamName" and relation_row)
            if always or (k in _TEXT_WHEN_EMPTY and v == ""):
                if "absent-text" in dialects:
                    continue
                if "null-text" in dialects:
                    v = None
            out[k] = v
        return out

    def _case(self, word: str) -> str:
        if "lower-status" in self.dialects:
            return word.lower()
        if "upper-status" in self.dialects:
            return word.upper()
        return word

    def _authenticated_call(self, action: str, fields: Mapping[str, str]) -> dict[str, Any]:
        if not action:
            raise ApiError(codes.MISSING_ACTION, "Missing Action")
        signature = fields.get("Signature")
        if not signature:
            raise ApiError(codes.MISSING_SIGNATURE, "Missing Signature")
        public_key = fields.get("PublicKey", "")
        account = self.by_public_key.get(public_key)
        if account is None:
            if not public_key:
                raise ApiError(codes.NO_SUCH_USER, "Missing PublicKey")
            raise ApiError(codes.NO_SUCH_USER, "PublicKey does not belong to any account")
        signed = {k: v for k, v in fields.items() if k != "Signature"}
        if wire.sign(signed, account.private_key) != signature.strip().lower():
            raise ApiError(codes.SIGNATURE_ERROR, "Signature VerifyAC Error")
        handler = self.handlers.get(action)
        if handler is None:
            raise ApiError(codes.NO_SUCH_ACTION, f"Action [{action}] does not exist")
        params = Params(signed)
        if action in IMAGE_ACTIONS and "region-required" in self.dialects:
            params.required_text("Region")
        region = params.text("Region")
        if region is not None and region != REGION:
            raise _invalid("Region", f"must be {REGION}")
        return handler(account, params)

    # ---------------------------------------------------------------- helpers

    def _team(self, team_id: int, *, allow_deleted: bool = False) -> Team:
        team = self.teams.get(team_id)
        gone = team is None or team.deleted
        if gone and "team-gone-error" in self.dialects:
            raise ApiError(codes.PARAM_ERROR, "团队不存在", zh="团队不存在")
        if team is None or (team.deleted and not allow_deleted):
            raise _not_found(f"team {team_id} does not exist", "团队不存在", 16002)
        return team

    def _owned_team(self, caller: Account, team_id: int, *, allow_deleted: bool = False) -> Team:
        team = self._team(team_id, allow_deleted=allow_deleted)
        if team.owner != caller.company_id:
            raise _denied(
                f"account {caller.company_id} is not the owner of team {team_id}",
                "无权限操作该团队",
                16003,
            )
        return team

    def _log(self, team: Team, operate_type: str, content: str) -> None:
        self.log_sequence += 1
        team.logs.append(
            {
                "Content": content,
                "OperateType": operate_type,
                "Status": "Success",
                "CreateTime": self.now(),
                "_seq": self.log_sequence,
            }
        )

    def _remark(self, params: Params, name: str = "RemarkName") -> str | None:
        return params.text(name, max_len=limits.REMARK_NAME_MAX)

    def _invite(self, team: Team, company_id: int, remark_name: str | None) -> None:
        """Invite one account (Pending); raise ApiError 8404 / 230 / 8409 for this account."""
        if company_id not in self.accounts:
            raise _not_found(f"account {company_id} does not exist", "用户不存在", 16006)
        if company_id == team.owner:
            error = _invalid("UserCompanyId", f"account {company_id} owns team {team.id}")
            error.zh, error.zh_code = "不能邀请团队创建者", 16008
            raise error
        relation = team.relations.get(company_id)
        if relation is not None and relation.status in (PENDING, JOINED):
            raise _conflict(
                f"account {company_id} is already {relation.status.lower()} in team {team.id}",
                "用户已在团队中",
                16001,
            )
        if relation is None:
            relation = Relation(
                team_id=team.id,
                user_company_id=company_id,
                virtual_company_id=self.next_virtual_company_id,
                status=PENDING,
                remark_name=remark_name or "",
                create_time=self.now(),
            )
            self.next_virtual_company_id += 1
            team.relations[company_id] = relation
        else:
            relation.status = PENDING
            relation.remark_name = remark_name or ""
            relation.create_time = self.now()
        self._log(team, "Invite", f"invite account {company_id} to team {team.id}")

    def _relation_row(self, team: Team, relation: Relation) -> dict[str, Any]:
        return {
            "TeamId": team.id,
            "TeamName": team.name,
            "UserCompanyId": relation.user_company_id,
            "VirtualCompanyId": relation.virtual_company_id,
            "Status": relation.status,
            "RemarkName": relation.remark_name,
            "CreateTime": relation.create_time,
        }

    def _invite_row(self, team: Team, relation: Relation) -> dict[str, Any]:
        row = self._relation_row(team, relation)
        row["TeamUseCompanyId"] = team.owner
        return row

    def _team_text(self, params: Params, *, required_name: bool) -> tuple[str | None, str | None]:
        name = params.text(
            "Name", required=required_name, max_len=limits.TEAM_NAME_MAX, non_blank=True
        )
        description = params.text("Description", max_len=limits.TEAM_DESCRIPTION_MAX)
        return name, description

    # ---------------------------------------------------------------- teams

    def create_team(self, caller: Account, params: Params) -> dict[str, Any]:
        """CreateCompShareTeam: a new team owned by the caller; the response has no id."""
        name, description = self._team_text(params, required_name=True)
        assert name is not None
        team_id = max(self.teams, default=FIRST_TEAM_ID - 1) + 1
        team = Team(team_id, caller.company_id, name, description or "")
        self.teams[team_id] = team
        self._log(team, "CreateTeam", f"create team {team_id} ({name})")
        return {}

    def update_team(self, caller: Account, params: Params) -> dict[str, Any]:
        """UpdateCompShareTeam: change Name and/or Description (owner only)."""
        team_id = params.required_ident("TeamId")
        name, description = self._team_text(params, required_name=False)
        team = self._owned_team(caller, team_id)
        if name is not None:
            team.name = name
        if description is not None:
            team.description = description
        self._log(team, "UpdateTeam", f"update team {team_id}")
        return {}

    def delete_team(self, caller: Account, params: Params) -> dict[str, Any]:
        """DeleteCompShareTeam: owner only, no Joined members; pending invites are canceled."""
        team_id = params.required_ident("TeamId")
        team = self._owned_team(caller, team_id)
        members = team.joined_count()
        if members:
            raise _conflict(
                f"team {team_id} still has {members} members; cancel them first",
                "团队中还有成员,请先移除所有成员",
                16005,
            )
        for relation in team.relations.values():
            if relation.status == PENDING:
                relation.status = CANCELED
        team.deleted = True
        self._log(team, "DeleteTeam", f"delete team {team_id}")
        return {}

    def list_teams(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeam: the caller's teams that are not deleted."""
        teams = [
            {
                "Id": t.id,
                "CompanyId": t.owner,
                "MemberCount": t.joined_count(),
                "Name": t.name,
                "Description": t.description,
            }
            for t in sorted(self.teams.values(), key=lambda t: t.id)
            if t.owner == caller.company_id and not t.deleted
        ]
        return {"Teams": teams}

    def get_team_info(self, caller: Account, params: Params) -> dict[str, Any]:
        """GetCompShareTeamInfo: by exactly one of TeamId / VirtualCompanyId.

        Relation statuses are spelled in lower case here, as the vendor's page shows.
        """
        team_id = params.ident("TeamId")
        virtual_id = params.ident("VirtualCompanyId")
        if (team_id is None) == (virtual_id is None):
            raise _invalid("TeamId/VirtualCompanyId", "exactly one of TeamId and VirtualCompanyId")
        if team_id is not None:
            existing = self.teams.get(team_id)
            if "team-gone-empty" in self.dialects and (existing is None or existing.deleted):
                return {"Team": {}, "TeamRelation": []}
            team = self._team(team_id, allow_deleted=True)
        else:
            found = next(
                (
                    t
                    for t in self.teams.values()
                    for r in t.relations.values()
                    if r.virtual_company_id == virtual_id
                ),
                None,
            )
            if found is None:
                if "team-gone-empty" in self.dialects:
                    return {"Team": {}, "TeamRelation": []}
                if "team-gone-error" in self.dialects:
                    raise ApiError(codes.PARAM_ERROR, "团队不存在", zh="团队不存在")
                raise _not_found(
                    f"virtual company {virtual_id} does not exist", "团队不存在", 16002
                )
            team = found
        if team.owner != caller.company_id and caller.company_id not in team.relations:
            raise _denied(
                f"account {caller.company_id} is not related to team {team.id}",
                "无权限查看该团队",
                16003,
            )
        relations: list[dict[str, Any]] = []
        if not team.deleted:
            for relation in team.relations.values():
                row = self._relation_row(team, relation)
                row["Status"] = relation.status.lower()
                row["AllocateAmount"] = relation.allocate_amount
                row["AvailableAmount"] = relation.available_amount
                relations.append(row)
        return {
            "Team": {
                "Id": team.id,
                "CompanyId": team.owner,
                "Deleted": 1 if team.deleted else 0,
                "Name": team.name,
                "Description": team.description,
            },
            "TeamRelation": relations,
        }

    # ---------------------------------------------------------------- relations

    def list_invites(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamInvite: a team's invites (owner) or the invites the caller received."""
        team_id = params.ident("TeamId")
        if team_id is not None:
            team = self._owned_team(caller, team_id)
            rows = [self._invite_row(team, r) for r in team.relations.values()]
        else:
            rows = [
                self._invite_row(t, r)
                for t in sorted(self.teams.values(), key=lambda t: t.id)
                for r in t.relations.values()
                if r.user_company_id == caller.company_id
            ]
        if "invites-pending-only" in self.dialects:
            rows = [row for row in rows if row["Status"] == PENDING]
        return {"Invites": rows}

    def list_joined(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamJoined: the caller's relations as invitee, optionally by Status."""
        wanted: str | None = None
        status = params.text("Status")
        if status is not None and status.strip():
            wanted = wire.normalize_status(status)
            if wanted not in wire.RELATION_STATUSES:
                raise _invalid("Status", f"must be one of {', '.join(wire.RELATION_STATUSES)}")
        rows = []
        for team in sorted(self.teams.values(), key=lambda t: t.id):
            relation = team.relations.get(caller.company_id)
            if relation is None or (wanted is not None and relation.status != wanted):
                continue
            row = self._relation_row(team, relation)
            row["IsPersonalAccount"] = True
            rows.append(row)
        return {"JoinedTeams": rows}

    def create_relations(self, caller: Account, params: Params) -> dict[str, Any]:
        """CreateCompShareTeamRelation: invite accounts; per-user failures go to ErrorMap."""
        team_id = params.required_ident("TeamId")
        records = params.records("UserInfo")
        if not records:
            raise _invalid("UserInfo.0.UserCompanyId", "required")
        most = (
            MAX_INVITES_PER_CALL_VENDOR
            if "invite-limit-100" in self.dialects
            else MAX_INVITES_PER_CALL
        )
        if len(records) > most:
            raise _invalid("UserInfo", f"at most {most} entries", f"每次最多邀请 {most} 个用户")
        invites: list[tuple[int, str | None]] = []
        for key, record in records:
            if "UserCompanyId" not in record:
                raise _invalid(f"{key}.UserCompanyId", "required")
            company_id = parse_id(f"{key}.UserCompanyId", record["UserCompanyId"])
            remark = record.get("RemarkName")
            if remark is not None and len(remark) > limits.REMARK_NAME_MAX:
                raise _invalid(
                    f"{key}.RemarkName", f"must be at most {limits.REMARK_NAME_MAX} characters"
                )
            invites.append((company_id, remark))
        team = self._owned_team(caller, team_id)
        errors: dict[str, dict[str, Any]] = {}
        for company_id, remark in invites:
            try:
                self._invite(team, company_id, remark)
            except ApiError as e:
                code, message = self._error_text(e)
                errors[str(company_id)] = {"Code": code, "Message": message}
        if "error-map-string" in self.dialects:
            return {"ErrorMap": json.dumps(errors, ensure_ascii=False) if errors else ""}
        return {"ErrorMap": errors}

    def set_relation(self, caller: Account, params: Params) -> dict[str, Any]:
        """SetCompShareTeamRelation: Send / Agree / Reject / Cancel / UpdateRemarkName."""
        team_id = params.required_ident("TeamId")
        raw = params.required_text("Status")
        operation = next(
            (op for op in SET_RELATION_OPERATIONS if op.lower() == raw.strip().lower()), None
        )
        if operation is None:
            raise _invalid("Status", f"must be one of {', '.join(SET_RELATION_OPERATIONS)}")
        remark = self._remark(params)
        if operation in ("Agree", "Reject"):
            return self._answer_invite(caller, team_id, operation)
        user_id = params.required_ident("UserCompanyId")
        if operation == "UpdateRemarkName" and remark is None:
            raise _invalid("RemarkName", "required for UpdateRemarkName")
        team = self._owned_team(caller, team_id)
        if operation == "Send":
            self._invite(team, user_id, remark)
            return {}
        relation = team.relations.get(user_id)
        if relation is None or relation.status not in (PENDING, JOINED):
            raise _not_found(
                f"account {user_id} has no pending invite or membership in team {team_id}",
                "邀请不存在",
                16004,
            )
        if (
            operation == "Cancel"
            and relation.status == JOINED
            and "cancel-pending-only" in self.dialects
        ):
            raise _conflict(
                f"account {user_id} is a joined member of team {team_id}: Cancel only "
                "cancels a pending invite",
                "只能取消待处理的邀请,该用户是团队成员",
                16007,
            )
        if operation == "Cancel":
            relation.status = CANCELED
            self._log(team, "Cancel", f"cancel account {user_id} in team {team_id}")
        else:
            assert remark is not None
            relation.remark_name = remark
            self._log(team, "UpdateRemarkName", f"rename account {user_id} in team {team_id}")
        return {}

    def _answer_invite(self, caller: Account, team_id: int, operation: str) -> dict[str, Any]:
        team = self._team(team_id)
        relation = team.relations.get(caller.company_id)
        if relation is None or relation.status != PENDING:
            raise _not_found(
                f"no pending invite to team {team_id} for account {caller.company_id}",
                "邀请不存在",
                16004,
            )
        relation.status = JOINED if operation == "Agree" else REJECTED
        verb = "joined" if operation == "Agree" else "rejected"
        self._log(team, operation, f"account {caller.company_id} {verb} team {team_id}")
        return {}

    def list_operate_log(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListCompShareTeamOperateLog: the team's log, filtered and paged (owner only)."""
        team_id = params.required_ident("TeamId")
        vendor = "operate-log-maps" in self.dialects
        begin = params.integer("BeginTime", low=0, default=0 if vendor else None)
        end = params.integer("EndTime", low=0, default=2**62 if vendor else None)
        if end <= begin:
            raise _invalid("EndTime", "must be greater than BeginTime", "必须大于 BeginTime")
        limit = params.integer(
            "Limit", default=DEFAULT_OPERATE_LOG_LIMIT, low=1, high=limits.OPERATE_LOG_LIMIT_MAX
        )
        offset = params.integer("Offset", default=0, low=0)
        types = {v.strip().lower() for _, v in params.items("OperateType") if v.strip()}
        statuses = {v.strip().lower() for _, v in params.items("Status") if v.strip()}
        ascending = params.boolean("OrderByASC", default=False)
        team = self._owned_team(caller, team_id, allow_deleted=True)
        names = _VENDOR_OPERATE_TYPES if vendor else {}
        logs = [
            {**entry, "OperateType": names.get(entry["OperateType"], entry["OperateType"])}
            for entry in team.logs
        ]
        logs = [
            entry
            for entry in logs
            if begin <= entry["CreateTime"] <= end
            and (not types or entry["OperateType"].lower() in types)
            and (not statuses or entry["Status"].lower() in statuses)
        ]
        logs.sort(key=lambda e: (e["CreateTime"], e["_seq"]), reverse=not ascending)
        page = [
            {k: v for k, v in entry.items() if not k.startswith("_")}
            for entry in logs[offset : offset + limit]
        ]
        operate_types = [names.get(t, t) for t in OPERATE_TYPES]
        if vendor:
            return {
                "Logs": page,
                "Total": len(logs),
                "OperateTypeList": {t: _OPERATE_TYPE_LABELS.get(t, t) for t in operate_types},
                "StatusList": dict(_LOG_STATUS_LABELS),
            }
        return {
            "Logs": page,
            "Total": len(logs),
            "OperateTypeList": operate_types,
            "StatusList": list(LOG_STATUSES),
        }

    # ---------------------------------------------------------------- budgets

    def set_team_amount(self, caller: Account, params: Params) -> dict[str, Any]:
        """SetCompShareTeamAmount: allocate or withdraw ``Amount`` fen for each listed member.

        The emulator's reading (``docs/budgets.md``): ``Amount`` is a **delta**, not a target.
        The vendor's page calls the operations 分配额度 / 回收额度 (allocate / take back); the
        admin guide says an allocation must not exceed the owner's balance, that the member's
        balance updates and the owner's balance decreases, and that taking back returns the
        member's *remaining* budget, fully or partly; compshare-cli names them ``quota grant`` /
        ``quota reclaim`` with one ``--amount`` for every member. So:

        - ``AllocateAmount`` moves ``Amount`` from the owner's balance to the member:
          AllocateAmount += Amount, AvailableAmount += Amount. An owner whose balance is short
          fails that member with 17001 额度不足 (8409 by default); members are served in the
          order given, so a balance may run out part-way through the list.
        - ``WithdrawAmount`` moves ``Amount`` of the member's unspent budget back to the owner:
          AllocateAmount -= Amount, AvailableAmount -= Amount (AllocateAmount - AvailableAmount,
          what the member spent, never changes). More than AvailableAmount fails that member
          with 17002 (8409).
        - A VirtualCompanyId that is not in the team fails with 17003 (8404); a member who is
          not Joined (pending, rejected, canceled) with 17004 (8409).

        Only the team's owner may call it (8403 / 16003 otherwise). Failures are per member in
        ``FailedMembers`` (VirtualCompanyId -> {Code, Message}) with RetCode 0; a repeated
        VirtualCompanyId counts once. Each success is logged (OperateType ``AllocateAmount`` /
        ``WithdrawAmount``); an ``Amount`` of 0 changes nothing and logs nothing.
        """
        team_id = params.required_ident("TeamId")
        members = [parse_id(key, value) for key, value in params.items("VirtualCompanyId")]
        if not members:
            raise _invalid("VirtualCompanyId.0", "required")
        amount = params.integer("Amount", low=0, high=limits.AMOUNT_MAX)
        raw = params.required_text("OperateType")
        operation = next(
            (op for op in AMOUNT_OPERATIONS if op.lower() == raw.strip().lower()), None
        )
        if operation is None:
            raise _invalid("OperateType", f"must be one of {', '.join(AMOUNT_OPERATIONS)}")
        team = self._owned_team(caller, team_id)
        by_virtual = {r.virtual_company_id: r for r in team.relations.values()}
        failed: dict[str, dict[str, Any]] = {}
        for virtual_id in dict.fromkeys(members):
            try:
                self._move_amount(team, by_virtual.get(virtual_id), virtual_id, operation, amount)
            except ApiError as e:
                code, message = self._error_text(e)
                failed[str(virtual_id)] = {"Code": code, "Message": message}
        if "error-map-string" in self.dialects:
            return {"FailedMembers": json.dumps(failed, ensure_ascii=False) if failed else ""}
        return {"FailedMembers": failed}

    def _move_amount(
        self,
        team: Team,
        relation: Relation | None,
        virtual_id: int,
        operation: str,
        amount: int,
    ) -> None:
        """Allocate or withdraw for one member; raise the member's ApiError (see AMOUNT_CODES)."""
        if relation is None:
            code, zh_code = AMOUNT_CODES["no_such_member"]
            raise ApiError(
                code,
                f"virtual company {virtual_id} is not a member of team {team.id}",
                zh="成员不存在",
                zh_code=zh_code,
            )
        if relation.status != JOINED:
            code, zh_code = AMOUNT_CODES["not_joined"]
            raise ApiError(
                code,
                f"account {relation.user_company_id} (virtual company {virtual_id}) is "
                f"{relation.status.lower()} in team {team.id}, not a joined member",
                zh="成员未加入团队",
                zh_code=zh_code,
            )
        if amount == 0:
            return
        if operation == "AllocateAmount":
            balance = self.balances[team.owner]
            if balance < amount:
                code, zh_code = AMOUNT_CODES["insufficient_balance"]
                raise ApiError(
                    code,
                    f"insufficient balance: account {team.owner} has {balance} fen, "
                    f"{amount} fen asked for virtual company {virtual_id}",
                    zh="额度不足",
                    zh_code=zh_code,
                )
            self.balances[team.owner] = balance - amount
            relation.allocate_amount += amount
            relation.available_amount += amount
            content = f"allocate {amount} fen to virtual company {virtual_id} in team {team.id}"
        else:
            if relation.available_amount < amount:
                code, zh_code = AMOUNT_CODES["insufficient_available"]
                raise ApiError(
                    code,
                    f"virtual company {virtual_id} has {relation.available_amount} fen "
                    f"available, less than the {amount} fen to withdraw",
                    zh="成员可用额度不足",
                    zh_code=zh_code,
                )
            self.balances[team.owner] += amount
            relation.allocate_amount -= amount
            relation.available_amount -= amount
            content = f"withdraw {amount} fen from virtual company {virtual_id} in team {team.id}"
        self._log(team, operation, content)

    def spend(self, team_id: int, user_company_id: int, fen: int) -> int:
        """A member spends ``fen`` of their budget in a team (an order, as the console would
        bill it): AvailableAmount goes down, AllocateAmount stays. Returns what is left.

        Not an API action (spending is ordering instances); tests use it through
        :meth:`pulumi_compshare.emulator.Emulator.spend`. ``ValueError`` if the account is not a
        joined member of the team, ``fen`` is not positive, or more than is available.
        """
        if isinstance(fen, bool) or not isinstance(fen, int) or fen <= 0:
            raise ValueError(f"spend a positive whole number of fen, got {fen!r}")
        team = self.teams.get(team_id)
        relation = None if team is None else team.relations.get(user_company_id)
        if relation is None or relation.status != JOINED:
            raise ValueError(f"account {user_company_id} is not a joined member of team {team_id}")
        if relation.available_amount < fen:
            raise ValueError(
                f"account {user_company_id} has {relation.available_amount} fen available in "
                f"team {team_id}, less than {fen}"
            )
        relation.available_amount -= fen
        return relation.available_amount

    # ---------------------------------------------------------------- images

    def _image_id(self, params: Params) -> str:
        image_id = params.required_text("CompShareImageId")
        if not limits.is_image_id(image_id):
            raise _invalid(
                "CompShareImageId",
                "must look like compshareImage-xxxx",
                "格式应为 compshareImage-xxxx",
            )
        return image_id

    def _owned_image(self, caller: Account, image_id: str) -> Image:
        image = self.images.get(image_id)
        if image is None:
            raise _not_found(f"image {image_id} does not exist", "镜像不存在", 18001)
        if image.owner != caller.company_id:
            raise _denied(
                f"account {caller.company_id} is not the owner of image {image_id}",
                "没有权限操作该镜像",
                18002,
            )
        return image

    def describe_share_accounts(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareImageShareAccounts: who an image is shared with (owner only)."""
        image = self._owned_image(caller, self._image_id(params))
        return {
            "AccountSet": [
                {"AccountId": company_id, "AccountName": self.accounts[company_id].name}
                for company_id in image.shared_with
            ]
        }

    def _account_list(self, params: Params, prefix: str) -> list[int]:
        items = params.items(prefix)
        if len(items) > limits.SHARE_BATCH_MAX:
            raise _invalid(
                prefix,
                f"at most {limits.SHARE_BATCH_MAX} accounts per call",
                f"每次最多 {limits.SHARE_BATCH_MAX} 个账户",
            )
        return [parse_id(key, value) for key, value in items]

    def modify_share_accounts(self, caller: Account, params: Params) -> dict[str, Any]:
        """ModifyCompShareImageShareAccount: add then remove accounts (owner only)."""
        image_id = self._image_id(params)
        add = self._account_list(params, "AddAccounts")
        remove = self._account_list(params, "RemoveAccounts")
        if not add and not remove:
            raise _invalid(
                "AddAccounts/RemoveAccounts",
                "at least one of them must be non-empty",
                "不能同时为空",
            )
        image = self._owned_image(caller, image_id)
        invalid: list[int] = []
        for company_id in add:
            if company_id not in self.accounts or company_id == image.owner:
                if company_id not in invalid:
                    invalid.append(company_id)
            elif company_id not in image.shared_with:
                image.shared_with.append(company_id)
        for company_id in remove:
            if company_id in image.shared_with:
                image.shared_with.remove(company_id)
        return {"InvalidAccounts": invalid}

    def describe_custom_images(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareCustomImages: the caller's own images, paged."""
        params.required_text("Zone")
        wanted = params.text("CompShareImageId")
        limit = params.integer(
            "Limit", default=DEFAULT_CUSTOM_IMAGES_LIMIT, low=1, high=limits.CUSTOM_IMAGES_LIMIT_MAX
        )
        offset = params.integer("Offset", default=0, low=0)
        images = [
            i
            for i in self.images.values()
            if i.owner == caller.company_id and (not wanted or i.id == wanted)
        ]
        return {
            "ImageSet": [
                {
                    "CompShareImageId": i.id,
                    "Name": i.name,
                    "ImageType": "Custom",
                    "Status": "Available",
                    "CreateTime": i.create_time,
                    "Size": IMAGE_SIZE_MB,
                    "Visibility": 0,
                }
                for i in images[offset : offset + limit]
            ],
            "TotalCount": len(images),
        }

    def describe_sharing_images(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareSharingImages: the images other accounts shared with the caller,
        paged (Offset default 0, Limit default 20, at most 100), optionally one CompShareImageId;
        each row names its owner (``Owner`` {AccountId, AccountName}, the SDK's model)."""
        wanted = params.text("CompShareImageId")
        params.text("Zone")
        limit = params.integer(
            "Limit",
            default=DEFAULT_SHARING_IMAGES_LIMIT,
            low=1,
            high=limits.SHARING_IMAGES_LIMIT_MAX,
        )
        offset = params.integer("Offset", default=0, low=0)
        images = [
            i
            for i in self.images.values()
            if caller.company_id in i.shared_with and (not wanted or i.id == wanted)
        ]
        return {
            "ImageSet": [
                {
                    "CompShareImageId": i.id,
                    "Name": i.name,
                    "ImageType": "Custom",
                    "Status": "Available",
                    "CreateTime": i.create_time,
                    "Size": IMAGE_SIZE_MB,
                    "Visibility": 0,
                    "Owner": {"AccountId": i.owner, "AccountName": self.accounts[i.owner].name},
                }
                for i in images[offset : offset + limit]
            ],
            "TotalCount": len(images),
        }

    # ---------------------------------------------------------------- inspection

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-compatible data (no private keys): ``GET /_emulator/state``."""
        teams = sorted(self.teams.values(), key=lambda t: t.id)
        return {
            "accounts": [
                {
                    "company_id": a.company_id,
                    "name": a.name,
                    "public_key": a.public_key,
                    "balance": self.balances[a.company_id],
                }
                for a in self.accounts.values()
            ],
            "teams": [
                {
                    "id": t.id,
                    "owner": t.owner,
                    "name": t.name,
                    "description": t.description,
                    "deleted": t.deleted,
                }
                for t in teams
            ],
            "relations": [
                {
                    "team_id": r.team_id,
                    "user_company_id": r.user_company_id,
                    "virtual_company_id": r.virtual_company_id,
                    "status": r.status,
                    "remark_name": r.remark_name,
                    "create_time": r.create_time,
                    "allocate_amount": r.allocate_amount,
                    "available_amount": r.available_amount,
                }
                for t in teams
                for r in t.relations.values()
            ],
            "images": [
                {"id": i.id, "owner": i.owner, "name": i.name, "shared_with": list(i.shared_with)}
                for i in self.images.values()
            ],
        }
