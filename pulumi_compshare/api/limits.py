"""Limits of the CompShare API that both the emulator enforces and resource checks validate.

The vendor documents the batch sizes (invites, share-list changes) and the page limits; the text
limits are the emulator's (documented in the README) and are checked before any call so a typo
fails in preview.
"""

from __future__ import annotations

import re

REGION_DEFAULT = "cn-wlcb"
ZONE_DEFAULT = "cn-wlcb-01"
BASE_URL_DEFAULT = "https://api.compshare.cn"

TEAM_NAME_MAX = 64
TEAM_DESCRIPTION_MAX = 256
REMARK_NAME_MAX = 64

INVITE_BATCH_MAX = 100
"""At most this many UserInfo entries per CreateCompShareTeamRelation: the vendor's page (每次最多
100 个用户), its admin guide and compshare-cli ("At most 100 users can be invited at once"). No
source gives another number; the client sends more in batches of this size."""

SHARE_BATCH_MAX = 10
"""At most this many AddAccounts and RemoveAccounts per ModifyCompShareImageShareAccount."""

OPERATE_LOG_LIMIT_MAX = 100
CUSTOM_IMAGES_LIMIT_MAX = 100
SHARING_IMAGES_LIMIT_MAX = 100
"""DescribeCompShareSharingImages Limit: "默认为20，最大100" (ucloud-sdk-python3's docstring)."""

ORDER_LIMIT_MAX = 100
ORDER_LIMIT_DEFAULT = 25
"""DescribeTeamMemberOrder / DescribeTeamMemberUnpaidOrder Limit: "返回数据长度，默认为25，最大100"
(ucloud-sdk-python3 and ucloud-sdk-go; the vendor's CompShare page: 每页数量，范围 1~100)."""

BILLING_WINDOW_MAX: int | None = None
"""The longest BeginTime..EndTime window the billing actions take, in seconds: no source states one
(the SDKs and the vendor's pages say only 结束时间需大于起始时间, the end must be after the
begin), so none is enforced, by the client or the emulator (docs/billing.md)."""

AMOUNT_MIN = 0
AMOUNT_MAX = 2**63 - 1
"""An amount of money is a whole number of fen (1/100 yuan) from ``AMOUNT_MIN`` to ``AMOUNT_MAX``,
the one rule of :func:`pulumi_compshare.api.fields.to_fen`. The sources: SetCompShareTeamAmount's
``Amount`` is a ``Uint`` in fen (the vendor's page: 额度单位为分), and the admin guide's budget
dialog takes an amount "≥ 0" (api-notes, docs/budgets.md), so 0 is a value the API accepts (a
request of 0 moves nothing; a declared budget of 0 means "nothing granted"); AllocateAmount and
AvailableAmount are Int64 (seed 001), hence the upper bound. No source gives a smaller one."""

IMAGE_ID_PATTERN = re.compile(r"^compshareImage-[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
"""A custom image id: ``compshareImage-`` followed by letters, digits, ``-`` or ``_``."""


def is_image_id(value: object) -> bool:
    """Whether ``value`` is a custom image id (the whole string: no trailing newline)."""
    return isinstance(value, str) and IMAGE_ID_PATTERN.fullmatch(value) is not None


MAX_ID = 2**32 - 1
"""Team, company and virtual company ids are Uint32 in the vendor's docs."""
