"""The emulator's dialects: other readings of the API where the vendor's sources leave a question
open, and how an answer is reshaped for them.

An ``EmulatorState`` answers in the combination of dialects it is given (none: the default
reading); :func:`reshape` and :func:`error_text` turn a default answer into that combination.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pulumi_compshare.api import codes
from pulumi_compshare.emulator.api_errors import ApiError

__all__ = [
    "DIALECTS",
    "EXCLUSIVE_DIALECTS",
    "IMAGE_ACTIONS",
    "LOG_STATUS_LABELS",
    "OPERATE_TYPE_LABELS",
    "RETIRED_DIALECTS",
    "STRICT",
    "VENDOR_OPERATE_TYPES",
    "ZH_CODES",
    "Dialect",
    "error_text",
    "parse_dialects",
    "reshape",
]


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
            "feature-off-8433",
            "An account without the team feature (seed flag team_feature: false) is refused its "
            "actions as a team's admin with RetCode 8433 and the vendor's service-error text "
            "(service error， please contact technical support; 服务异常，请联系技术支持 with "
            "chinese-errors) instead of a permission refusal that names the feature.",
            "compshare-cli's one hint for 8433 (api.py error_hint, AttachUS3 8433): 'Confirm "
            "that US3 is enabled for the selected region and account': CompShare answers a "
            "feature the account lacks with 8433. The texts are the vendor's error-code page's.",
        ),
        Dialect(
            "feature-off-denied",
            "An account without the team feature is refused its actions as a team's admin with "
            "a bare permission refusal naming no feature: RetCode 8403 'permission denied' "
            "(没有权限 with chinese-errors).",
            "the vendor's admin guide: the feature is a permission bit (联系客户经理申请该功能的"
            "权限位), so its refusal is plausibly a permission check; no source gives its words "
            "(api-notes: permission refusals are known by 无权限 / 没有权限 / permission).",
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
            "allocate-cumulative",
            "SetCompShareTeamAmount WithdrawAmount lowers only AvailableAmount: AllocateAmount "
            "is the total ever allocated to the member and never goes down (by default a "
            "withdrawal lowers both).",
            "no source says a withdrawal lowers AllocateAmount: seed 001 (GetCompShareTeamInfo) "
            "describes it as 已分配额度(单位分) (allocated) beside AvailableAmount 可用额度; the "
            "SetCompShareTeamAmount page is titled 设置成员额度; the admin guide says withdrawing "
            "(余额回收) takes back the member's remaining (unspent) balance, which is "
            "AvailableAmount (api-notes: AllocateAmount may be the total ever granted).",
        ),
        Dialect(
            "withdraw-clamped",
            "SetCompShareTeamAmount WithdrawAmount of more than the member's AvailableAmount "
            "withdraws all of it instead of failing the member (by default 8409 / 17002); with "
            "nothing available it changes nothing.",
            "the admin guide: withdrawing takes back a member's remaining balance, 全部提取 or "
            "部分提取 (all or part); no source says an over-withdrawal is refused, and the "
            "vendor's only FailedMembers example is 17001 额度不足 (api-notes: an "
            "over-withdrawal may fail or be clamped).",
        ),
        Dialect(
            "region-required",
            "DescribeCompShareImageShareAccounts, ModifyCompShareImageShareAccount, "
            "DescribeCompShareCustomImages and DescribeCompShareSharingImages refuse a request "
            "without Region (RetCode 230).",
            "ucloud-sdk-python3 request schemas of these actions: Region = "
            "fields.Str(required=True).",
        ),
        Dialect(
            "billing-times-optional",
            "The billing actions (DescribeTeamMemberOrder, DescribeTeamMemberOrderCount, the "
            "unpaid variants, ListMemberProductType) take BeginTime and EndTime as optional "
            "(default: all time) instead of refusing a request without them (RetCode 230).",
            "the vendor's CompShare pages of these actions (BeginTime / EndTime 必填: 否; the "
            "unpaid-count page has no times at all); compshare-cli 'team billing' sends the "
            "times only when given. Both SDKs and UCloud's generated pages mark them required.",
        ),
        Dialect(
            "unpaid-amount-text",
            'DescribeTeamMemberUnpaidOrder rows carry Amount as yuan text ("50.00") instead '
            "of an integer number of fen. (ucloud-sdk-python3 cannot load it: its Int field "
            "refuses the text.)",
            "the vendor's CompShare DescribeTeamMemberUnpaidOrder page: Amount String 订单金额"
            '（元）, example "50.00"; both SDKs and UCloud\'s generated page type it int '
            "(UnpaidOrderInfo Amount = fields.Int(); Go Amount int).",
        ),
        Dialect(
            "order-states-os",
            "Order states are UCloud's OS_ words: OS_FINISHED for a paid order, OS_UNPAID for "
            "an unpaid one (by default Paid / Unpaid). Filters take either vocabulary.",
            "UCloud's generated DescribeTeamMemberOrder and DescribeTeamMemberUnpaidOrder pages: "
            'OrderStates.n=OS_FINISHED, OrderState "OS_FINISHED" (the vendor\'s CompShare '
            "page: Paid / Unpaid). No source spells the unpaid state in the OS_ vocabulary: "
            "OS_UNPAID is the emulator's.",
        ),
        Dialect(
            "billing-amount-numbers",
            "DescribeTeamMemberOrderCount and DescribeTeamMemberUnpaidOrderCount answer their "
            "totals (Amount, AmountReal, AmountFree, AmountCoupon) as JSON numbers of yuan "
            '(120.5) instead of text ("120.50").',
            "UCloud's generated DescribeTeamMemberOrderCount page's example (\"Amount\": 2, "
            '"AmountCoupon": 7); both SDKs and the vendor\'s CompShare page type them string.',
        ),
    )
}
"""Every dialect by name. ``strict`` (see :data:`STRICT`) names a combination."""

EXCLUSIVE_DIALECTS = (
    ("lower-status", "upper-status"),
    ("null-text", "absent-text"),
    ("feature-off-8433", "feature-off-denied"),
)
"""Pairs that cannot hold together (one field cannot be null and absent, or two cases, and one
refusal has one shape)."""

RETIRED_DIALECTS = {
    "invite-limit-100": "100 invites per CreateCompShareTeamRelation, the vendor's limit, is the "
    "default reading now",
}
"""Names that once were dialects and now change nothing: still accepted (seed files and command
lines that name them keep working), and left out of the state's dialects."""

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
    "feature-off-8433",
    "operate-log-maps",
    "region-required",
    "unpaid-amount-text",
    "order-states-os",
    "billing-amount-numbers",
)
"""``strict``: the most hostile combination that holds together. Left out: ``lower-status``
and ``absent-text`` (they exclude ``upper-status`` / ``null-text``: upper case matches no
example, and null breaks more parsers than absence), ``feature-off-denied`` (it excludes
``feature-off-8433``, whose refusal looks transient and names nothing) and
``billing-times-optional`` (it accepts more, refuses nothing)."""


def parse_dialects(value: str | Iterable[str] | None) -> frozenset[str]:
    """Dialect names from ``"a,b"`` or a list; ``strict`` expands to :data:`STRICT` and the
    :data:`RETIRED_DIALECTS` are dropped. Raises ``ValueError`` naming an unknown dialect or a pair
    that cannot hold together."""
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
        elif name in RETIRED_DIALECTS:
            continue
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
    16009: "未开通团队功能，请联系客户经理申请该功能的权限位 (the account lacks the team feature)",
    17001: "额度不足 (allocate: the owner's balance is short; the vendor's code)",
    17002: "成员可用额度不足 (withdraw: more than the member's unspent amount)",
    17003: "成员不存在 (no member with this VirtualCompanyId in the team)",
    17004: "成员未加入团队 (the member is pending, rejected or canceled, not joined)",
    18001: "镜像不存在 (no such image)",
    18002: "没有权限操作该镜像 (not the image's owner)",
}
"""The ``chinese-errors`` codes. Only 16001 and 17001 are the vendor's; the others are the
emulator's."""

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
VENDOR_OPERATE_TYPES = {"Invite": "InviteMember", "Cancel": "RemoveMember"}
OPERATE_TYPE_LABELS = {
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
LOG_STATUS_LABELS = {"Success": "成功", "Failed": "失败"}
IMAGE_ACTIONS = frozenset(
    {
        "DescribeCompShareImageShareAccounts",
        "ModifyCompShareImageShareAccount",
        "DescribeCompShareCustomImages",
        "DescribeCompShareSharingImages",
    }
)
"""The actions the ``region-required`` dialect refuses without ``Region``."""


def error_text(error: ApiError, dialects: frozenset[str]) -> tuple[int, str]:
    """The RetCode and message of an error in the combination ``dialects``."""
    if "chinese-errors" not in dialects:
        return error.code, error.message
    zh = error.zh or _ZH_COMMON.get(error.code)
    if zh is None:
        zh = "参数错误" if error.code == codes.PARAM_ERROR else "操作失败"
    return (error.zh_code or error.code), zh


def reshape(body: dict[str, Any], dialects: frozenset[str]) -> dict[str, Any]:
    """Apply the dialects that change the shape of a successful answer."""
    if not dialects:
        return body
    out: dict[str, Any] = _reshape_value(body, None, dialects)
    return out


def _reshape_value(value: Any, key: str | None, dialects: frozenset[str]) -> Any:
    if isinstance(value, list):
        if key == "InvalidAccounts" and "string-ids" in dialects:
            return [str(v) for v in value]
        if key == "StatusList":
            return [_case(v, dialects) for v in value]
        return [_reshape_value(v, key, dialects) for v in value]
    if not isinstance(value, dict):
        return value
    relation_row = "UserCompanyId" in value and "Status" in value
    out: dict[str, Any] = {}
    for k, v in value.items():
        if k == "Status" and isinstance(v, str):
            v = _case(v, dialects)
        elif k == "StatusList" and isinstance(v, dict):
            v = {_case(word, dialects): label for word, label in v.items()}
        elif k in _ID_KEYS and isinstance(v, int) and "string-ids" in dialects:
            v = str(v)
        elif isinstance(v, (dict, list)):
            v = _reshape_value(v, k, dialects)
        always = k == "AccountName" or (k == "TeamName" and relation_row)
        if always or (k in _TEXT_WHEN_EMPTY and v == ""):
            if "absent-text" in dialects:
                continue
            if "null-text" in dialects:
                v = None
        out[k] = v
    return out


def _case(word: str, dialects: frozenset[str]) -> str:
    if "lower-status" in dialects:
        return word.lower()
    if "upper-status" in dialects:
        return word.upper()
    return word
