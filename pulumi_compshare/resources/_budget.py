"""A member's budget (fen, 1/100 yuan), converged with SetCompShareTeamAmount.

The API moves amounts (allocate adds to a member's budget from the owner's balance, withdraw takes
back at most the member's unspent part: ``docs/budgets.md``), so a declared budget is reached by
sending the difference to the live ``AllocateAmount``. Money must never move twice: a grant or a
withdrawal is a non-idempotent write, resolved by reading ``AllocateAmount`` back (spending changes
only ``AvailableAmount``, so ``AllocateAmount`` tells whether the write landed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import APIError, ResourceError
from ._cache import reads
from ._writes import write_and_confirm

if TYPE_CHECKING:
    from ..api.models import AmountFailure, AmountOperation, Relation
    from ..client import CompShareClient

__all__ = ["converge_budget", "withdraw_unspent"]

ACTION = "SetCompShareTeamAmount"


def converge_budget(
    client: CompShareClient, ident: str, relation: Relation, desired: int
) -> Relation:
    """Bring a Joined member's ``AllocateAmount`` to ``desired`` and return the relation after.

    Lowering never withdraws more than the member has not spent: that fails before any call,
    naming the member and the amounts."""
    live = relation.allocate_amount
    if desired == live:
        return relation
    if desired > live:
        return _move(client, ident, relation, "AllocateAmount", desired - live)
    lower = live - desired
    if lower > relation.available_amount:
        raise ResourceError(
            f"TeamMembership {ident}: cannot lower the budget of account "
            f"{relation.user_company_id} from {live} to {desired} fen: that withdraws {lower} fen "
            f"but only {relation.available_amount} fen is unspent ({ACTION} withdraws at most "
            f"that); set allocated_amount to at least {live - relation.available_amount}"
        )
    return _move(client, ident, relation, "WithdrawAmount", lower)


def withdraw_unspent(client: CompShareClient, ident: str, relation: Relation) -> int:
    """Withdraw everything the member has not spent; returns the fen withdrawn."""
    unspent = relation.available_amount
    if relation.status != "Joined" or unspent <= 0:
        return 0
    _move(client, ident, relation, "WithdrawAmount", unspent)
    return unspent


def _move(
    client: CompShareClient,
    ident: str,
    relation: Relation,
    operation: AmountOperation,
    amount: int,
) -> Relation:
    """Send one allocation or withdrawal and confirm it from ``AllocateAmount``."""
    team_id, user, member = relation.team_id, relation.user_company_id, relation.virtual_company_id
    before = relation.allocate_amount
    expected = before + amount if operation == "AllocateAmount" else before - amount
    verb = "grant" if operation == "AllocateAmount" else "withdraw"

    def send() -> dict[int, AmountFailure]:
        with reads.writing_team(client, team_id, member=user):  # confirmations gather
            return client.set_team_amount(team_id, operation, [member], amount)

    def confirm(answered: bool, failures: dict[int, AmountFailure] | None) -> Relation | None:
        # any read of the team that started after this write completed will do
        done = reads.wrote_team(client, team_id, member=user)
        now = reads.relation(client, team_id, user, fresh_after=done)
        if now is not None and now.allocate_amount == expected:
            return now
        if not answered and (now is None or now.allocate_amount == before):
            return None  # not seen: sent again only if it surely did not land (throttled)
        failure = (failures or {}).get(member)
        reason = (
            f"{failure.message} (code {failure.code})"
            if failure is not None
            else f"AllocateAmount is {now.allocate_amount if now else 'gone'}, expected {expected}"
        )
        raise ResourceError(
            f"TeamMembership {ident}: could not {verb} {amount} fen for account {user} "
            f"({ACTION} {operation}): {reason}; nothing else was changed"
        )

    try:
        return write_and_confirm(send, confirm)
    except APIError as exc:
        raise ResourceError(
            f"TeamMembership {ident}: could not {verb} {amount} fen for account {user}: "
            f"{exc.describe(exc.hint_for(True))}"
        ) from None
