"""Team billing: a member's orders, as DescribeTeamMemberOrder, DescribeTeamMemberOrderCount,
DescribeTeamMemberUnpaidOrder, DescribeTeamMemberUnpaidOrderCount and ListMemberProductType
answer them (``docs/billing.md``).

Orders arise when a member spends (:meth:`~.budgets.BudgetActions.spend`): a paid order took its
amount from the member's AvailableAmount, so a member's paid orders add up to AllocateAmount -
AvailableAmount (in the default reading, where a withdrawal lowers both). Amounts are kept in fen
and answered as the sources show them: order amounts as yuan text (``"120.00"``; the vendor's
page: 订单金额（元）), an unpaid order's ``Amount`` as an integer (both SDKs type it Int; this
API's integer amounts are fen). The dialects ``billing-times-optional``, ``unpaid-amount-text``,
``order-states-os`` and ``billing-amount-numbers`` give the other readings.

Only the team's owner may ask (the vendor's pages: 需要团队管理员权限); a ``VirtualCompanyId``
with no relation in the team is refused (8404, 17003 成员不存在 with ``chinese-errors``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulumi_compshare.api import limits
from pulumi_compshare.api.rules import fen_to_yuan
from pulumi_compshare.emulator.api_errors import NOT_FOUND, ApiError, invalid
from pulumi_compshare.emulator.model import Order, StateCore, Team
from pulumi_compshare.emulator.params import Params
from pulumi_compshare.emulator.seed import Account

__all__ = ["BILLING_ACTIONS", "ORDER_STATES", "BillingActions"]

BILLING_ACTIONS = (
    "DescribeTeamMemberOrder",
    "DescribeTeamMemberOrderCount",
    "DescribeTeamMemberUnpaidOrder",
    "DescribeTeamMemberUnpaidOrderCount",
    "ListMemberProductType",
)

ORDER_STATES = {True: ("Paid", "OS_FINISHED"), False: ("Unpaid", "OS_UNPAID")}
"""An order's state word, paid or not: by default the vendor's CompShare page's (``Paid`` /
``Unpaid``), under ``order-states-os`` UCloud's generated page's (``OS_FINISHED``; ``OS_UNPAID``
is the emulator's spelling of the unpaid state in that vocabulary, which no source shows). A
filter (``OrderStates``) matches either vocabulary, in any case."""

_ORDER_FIELDS = {
    "createtime": "create_time",
    "orderstarttime": "create_time",
    "starttime": "create_time",
    "orderendtime": "create_time",
    "endtime": "create_time",
    "updatetime": "create_time",
}
"""OrderBy words (case, ``_`` and ``-`` ignored): compshare-cli's ``create_time``,
``order_start_time``, ``order_end_time`` and the vendor's page's ``CreateTime``. An emulated
order starts, ends and is updated when it is placed, so every one sorts by that time."""

_NO_END = 2**62


class BillingActions(StateCore):
    """A team member's orders, listed, counted and summed."""

    # ---------------------------------------------------------------- actions

    def describe_member_orders(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeTeamMemberOrder: one page of a member's orders in the window."""
        orders, limit, offset = self._member_page(caller, params)
        return {
            "OrderInfos": [self._order_row(o) for o in orders[offset : offset + limit]],
            "Total": len(orders),
            "Limit": limit,
            "Offset": offset,
        }

    def describe_member_unpaid_orders(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeTeamMemberUnpaidOrder: one page of a member's unpaid orders in the window."""
        orders, limit, offset = self._member_page(caller, params, unpaid_only=True)
        return {
            "OrderInfos": [self._unpaid_row(o) for o in orders[offset : offset + limit]],
            "Total": len(orders),
            "Limit": limit,
            "Offset": offset,
        }

    def describe_member_order_count(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeTeamMemberOrderCount: the count and totals of a member's orders."""
        team, begin, end = self._window(caller, params)
        orders = self._filtered(params, self._orders(team, params, begin, end, required=True))
        paid = sum(o.amount for o in orders if o.paid)
        return {
            "TotalCount": len(orders),
            "Amount": self._total(sum(o.amount for o in orders)),
            "AmountReal": self._total(paid),
            "AmountFree": self._total(0),
            "AmountCoupon": self._total(0),
        }

    def describe_member_unpaid_order_count(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeTeamMemberUnpaidOrderCount: the count and total of a member's unpaid orders."""
        team, begin, end = self._window(caller, params)
        orders = self._orders(team, params, begin, end, required=True)
        orders = [o for o in self._filtered(params, orders) if not o.paid]
        return {
            "TotalCount": len(orders),
            "Amount": self._total(sum(o.amount for o in orders)),
        }

    def list_member_product_types(self, caller: Account, params: Params) -> dict[str, Any]:
        """ListMemberProductType: the product types of a member's orders in the window (every
        member's without VirtualCompanyId), each once, in the order first ordered."""
        team, begin, end = self._window(caller, params)
        orders = self._orders(team, params, begin, end, required=False)
        states = _words(params, "OrderStates")
        products = [o.product for o in orders if not states or _state_matches(o, states)]
        return {"ProductTypeList": list(dict.fromkeys(products))}

    # ---------------------------------------------------------------- reading the request

    def _window(self, caller: Account, params: Params) -> tuple[Team, int, int]:
        """The team (owner only) and the BeginTime..EndTime window: both required by default,
        both optional under ``billing-times-optional`` (then: all time)."""
        team_id = params.required_ident("TeamId")
        optional = "billing-times-optional" in self.dialects
        begin = params.integer("BeginTime", low=0, default=0 if optional else None)
        end = params.integer("EndTime", low=0, default=_NO_END if optional else None)
        if end <= begin:
            raise invalid("EndTime", "must be greater than BeginTime", "必须大于 BeginTime")
        return self._owned_team(caller, team_id, allow_deleted=True), begin, end

    def _orders(
        self, team: Team, params: Params, begin: int, end: int, *, required: bool
    ) -> list[Order]:
        """The orders of the member named by VirtualCompanyId (of every member when it is
        optional and absent) placed in the window, oldest first."""
        virtual_id = params.ident("VirtualCompanyId", required=required)
        if virtual_id is not None and not any(
            r.virtual_company_id == virtual_id for r in team.relations.values()
        ):
            raise ApiError(
                NOT_FOUND,
                f"virtual company {virtual_id} is not a member of team {team.id}",
                zh="成员不存在",
                zh_code=17003,
            )
        return [
            o
            for o in team.orders
            if (virtual_id is None or o.virtual_company_id == virtual_id)
            and begin <= o.create_time <= end
        ]

    def _filtered(self, params: Params, orders: Iterable[Order]) -> list[Order]:
        """The orders that pass the listing's filters: ChargeTypes, OrderStates, OrderTypes,
        OrderNos, ResourceIds and ResourceTypes (matched against the product type's text), each
        ``Key.N`` or, as DescribeTeamMemberOrderCount's SDK sends them, one bare ``Key``."""
        charge = _words(params, "ChargeTypes")
        states = _words(params, "OrderStates")
        kinds = _words(params, "OrderTypes")
        numbers = _words(params, "OrderNos")
        resources = _words(params, "ResourceIds")
        products = _words(params, "ResourceTypes")
        return [
            o
            for o in orders
            if (not charge or o.charge_type.lower() in charge)
            and (not states or _state_matches(o, states))
            and (not kinds or o.order_type.lower() in kinds)
            and (not numbers or o.order_no.lower() in numbers)
            and (not resources or o.resource_id.lower() in resources)
            and (not products or o.product.lower() in products)
        ]

    def _member_page(
        self, caller: Account, params: Params, *, unpaid_only: bool = False
    ) -> tuple[list[Order], int, int]:
        """The filtered, sorted orders of a listing, and its Limit and Offset."""
        limit = params.integer(
            "Limit", default=limits.ORDER_LIMIT_DEFAULT, low=1, high=limits.ORDER_LIMIT_MAX
        )
        offset = params.integer("Offset", default=0, low=0)
        raw_by = (params.text("OrderBy") or "create_time").strip()
        if _ORDER_FIELDS.get(raw_by.lower().replace("_", "").replace("-", "")) is None:
            raise invalid("OrderBy", "must be create_time, order_start_time or order_end_time")
        direction = (params.text("OrderDir") or "desc").strip().lower()
        if direction not in ("asc", "desc"):
            raise invalid("OrderDir", "must be ASC or DESC")
        team, begin, end = self._window(caller, params)
        orders = self._filtered(params, self._orders(team, params, begin, end, required=True))
        if unpaid_only:
            orders = [o for o in orders if not o.paid]
        orders.sort(key=lambda o: (o.create_time, o.sequence), reverse=direction == "desc")
        return orders, limit, offset

    # ---------------------------------------------------------------- writing the answer

    def _state(self, order: Order) -> str:
        paid_word, os_word = ORDER_STATES[order.paid]
        return os_word if "order-states-os" in self.dialects else paid_word

    def _yuan(self, fen: int) -> str:
        return fen_to_yuan(fen)

    def _total(self, fen: int) -> str | float:
        """A count's total in yuan: text (``"120.00"``), or a JSON number under
        ``billing-amount-numbers`` (UCloud's generated page's example: ``"Amount": 2``)."""
        if "billing-amount-numbers" in self.dialects:
            return fen / 100
        return fen_to_yuan(fen)

    def _order_row(self, order: Order) -> dict[str, Any]:
        """An OrderInfo row (the SDKs' OrderInfo; the vendor's page's example fields first)."""
        amount = self._yuan(order.amount)
        return {
            "OrderNo": order.order_no,
            "OrderType": order.order_type,
            "OrderState": self._state(order),
            "ChargeType": order.charge_type,
            "Amount": amount,
            "AmountReal": amount if order.paid else self._yuan(0),
            "AmountFree": self._yuan(0),
            "AmountCoupon": self._yuan(0),
            "ResourceId": order.resource_id,
            "ResourceType": order.product,
            "RegionId": limits.REGION_DEFAULT,
            "Count": 1,
            "Quantity": "1",
            "TradeNo": f"trade-{order.sequence:08d}",
            "CreateTime": order.create_time,
            "UpdateTime": order.create_time,
            "StartTime": order.create_time,
            "EndTime": order.create_time,
            "OrderDetail": [{"ProductName": order.product, "Value": order.resource_id}],
        }

    def _unpaid_row(self, order: Order) -> dict[str, Any]:
        """An UnpaidOrderInfo row: ``Amount`` an integer of fen (both SDKs: Int), or yuan text
        under ``unpaid-amount-text`` (the vendor's CompShare page: ``"50.00"``)."""
        amount: int | str = order.amount
        if "unpaid-amount-text" in self.dialects:
            amount = self._yuan(order.amount)
        return {
            "OrderNo": order.order_no,
            "OrderType": order.order_type,
            "OrderState": self._state(order),
            "ChargeType": order.charge_type,
            "Amount": amount,
            "ResourceId": order.resource_id,
            "ResourceType": order.product,
            "RegionId": limits.REGION_DEFAULT,
            "Quantity": "1",
            "TradeNo": f"trade-{order.sequence:08d}",
            "CreateTime": order.create_time,
            "UpdateTime": order.create_time,
            "StartTime": order.create_time,
            "EndTime": order.create_time,
            "OrderDetail": [],
        }


def _words(params: Params, name: str) -> set[str]:
    """A filter's values, lower case (``Key.N`` or one bare ``Key``); empty: no filter."""
    return {value.strip().lower() for _, value in params.items(name) if value.strip()}


def _state_matches(order: Order, states: set[str]) -> bool:
    return any(word.lower() in states for word in ORDER_STATES[order.paid])
