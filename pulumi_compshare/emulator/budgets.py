"""Member budgets: SetCompShareTeamAmount, and :meth:`BudgetActions.spend` standing in for a member
spending (``docs/budgets.md``).

Every account has a balance in fen (the seed's ``balance``, default
:data:`~pulumi_compshare.emulator.seed.DEFAULT_BALANCE`); allocating moves fen from the team
owner's balance to a member, withdrawing moves a member's unspent fen back."""

from __future__ import annotations

from typing import Any

from pulumi_compshare.emulator.api_errors import CONFLICT, NOT_FOUND, ApiError, invalid
from pulumi_compshare.emulator.model import JOINED, Order, Relation, StateCore, Team
from pulumi_compshare.emulator.params import Params, parse_id
from pulumi_compshare.emulator.seed import Account

__all__ = ["AMOUNT_CODES", "AMOUNT_OPERATIONS", "DEFAULT_PRODUCT", "BudgetActions"]

AMOUNT_OPERATIONS = ("AllocateAmount", "WithdrawAmount")

DEFAULT_PRODUCT = "GPU算力"
"""The product type of a spend's order unless told otherwise: the first of the vendor's
ListMemberProductType example (``["GPU算力", "云硬盘", "弹性IP"]``)."""

AMOUNT_CODES = {
    "insufficient_balance": (CONFLICT, 17001),
    "insufficient_available": (CONFLICT, 17002),
    "no_such_member": (NOT_FOUND, 17003),
    "not_joined": (CONFLICT, 17004),
}
"""SetCompShareTeamAmount's per-member failures: (default code, ``chinese-errors`` code)."""


class BudgetActions(StateCore):
    """Allocate and withdraw members' budgets; members spend them."""

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
          with 17002 (8409). No source says a withdrawal lowers AllocateAmount, nor that an
          over-withdrawal is refused: under ``allocate-cumulative`` AllocateAmount is the total
          ever allocated (a withdrawal lowers only AvailableAmount); under ``withdraw-clamped``
          more than AvailableAmount withdraws all of it (nothing, if nothing is left).
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
            raise invalid("VirtualCompanyId.0", "required")
        amount = params.fen("Amount")
        raw = params.required_text("OperateType")
        operation = next(
            (op for op in AMOUNT_OPERATIONS if op.lower() == raw.strip().lower()), None
        )
        if operation is None:
            raise invalid("OperateType", f"must be one of {', '.join(AMOUNT_OPERATIONS)}")
        team = self._owned_team(caller, team_id)
        by_virtual = {r.virtual_company_id: r for r in team.relations.values()}
        failed: dict[str, dict[str, Any]] = {}
        for virtual_id in dict.fromkeys(members):
            try:
                self._move_amount(team, by_virtual.get(virtual_id), virtual_id, operation, amount)
            except ApiError as e:
                failed[str(virtual_id)] = self._failure(e)
        return self._failures("FailedMembers", failed)

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
                f"virtual company {virtual_id} is {relation.status.lower()} in team {team.id}, "
                "not a joined member",
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
                if "withdraw-clamped" not in self.dialects:
                    code, zh_code = AMOUNT_CODES["insufficient_available"]
                    raise ApiError(
                        code,
                        f"virtual company {virtual_id} has {relation.available_amount} fen "
                        f"available, less than the {amount} fen to withdraw",
                        zh="成员可用额度不足",
                        zh_code=zh_code,
                    )
                amount = relation.available_amount  # withdraw-clamped: all that is left
                if amount == 0:
                    return
            self.balances[team.owner] += amount
            if "allocate-cumulative" not in self.dialects:
                relation.allocate_amount -= amount
            relation.available_amount -= amount
            content = f"withdraw {amount} fen from virtual company {virtual_id} in team {team.id}"
        self._log(team, operation, content)

    def spend(
        self,
        team_id: int,
        user_company_id: int,
        fen: int,
        *,
        at: int | None = None,
        product: str = DEFAULT_PRODUCT,
        resource_id: str | None = None,
        unpaid: bool = False,
    ) -> int:
        """A member spends ``fen`` of their budget in a team: an order, as the console would bill
        it. A paid order (the default) lowers AvailableAmount (AllocateAmount stays), so the
        billing actions' paid amounts add up to AllocateAmount - AvailableAmount; ``unpaid=True``
        places an order the member owes instead (DescribeTeamMemberUnpaidOrder), which leaves
        the budget alone. Returns the fen left.

        ``at`` is the order's time (unix seconds; default now), ``product`` its product type
        (ResourceType, ListMemberProductType), ``resource_id`` the instance it bills (default
        ``uhost-<n>``).

        Not an API action (spending is ordering instances); tests use it through
        :meth:`pulumi_compshare.emulator.Emulator.spend`. ``ValueError`` if the account is not a
        joined member of the team, ``fen`` is not positive, or (paid) more than is available.
        """
        if isinstance(fen, bool) or not isinstance(fen, int) or fen <= 0:
            raise ValueError(f"spend a positive whole number of fen, got {fen!r}")
        if at is not None and (isinstance(at, bool) or not isinstance(at, int) or at < 0):
            raise ValueError(f"an order's time is unix seconds, got {at!r}")
        if not isinstance(product, str) or not product.strip():
            raise ValueError(f"an order's product is a non-empty text, got {product!r}")
        team = self.teams.get(team_id)
        relation = None if team is None else team.relations.get(user_company_id)
        if team is None or relation is None or relation.status != JOINED:
            raise ValueError(f"account {user_company_id} is not a joined member of team {team_id}")
        if not unpaid and relation.available_amount < fen:
            raise ValueError(
                f"account {user_company_id} has {relation.available_amount} fen available in "
                f"team {team_id}, less than {fen}"
            )
        if not unpaid:
            relation.available_amount -= fen
        self.order_sequence += 1
        number = self.order_sequence
        team.orders.append(
            Order(
                order_no=f"order-{number:08d}",
                virtual_company_id=relation.virtual_company_id,
                amount=fen,
                paid=not unpaid,
                create_time=self.now() if at is None else at,
                product=product,
                resource_id=resource_id if resource_id is not None else f"uhost-{number:06d}",
                sequence=number,
            )
        )
        return relation.available_amount
