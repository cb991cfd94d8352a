"""A member's budget (fen, 1/100 yuan), converged with SetCompShareTeamAmount.

The API moves amounts (allocate adds to a member's budget from the owner's balance, withdraw takes
back at most the member's unspent part: ``docs/budgets.md``), so a declared budget is reached by
sending the difference. Money must never move twice: a grant or a withdrawal is a non-idempotent
write, resolved by reading the member's row back.

**Which number is "the budget".** Every source agrees that an allocation raises ``AllocateAmount``
and ``AvailableAmount`` and that a withdrawal lowers ``AvailableAmount`` (by at most what is
left). No source says whether a withdrawal also lowers ``AllocateAmount`` (it may be the total
ever allocated), so the budget this resource declares is *what the owner gave and did not take
back*: ``AllocateAmount`` less what this resource withdrew that ``AllocateAmount`` still counts.
That remainder is recorded in the resource's state (``__withdrawn``, internal); it stays 0
where a withdrawal lowers ``AllocateAmount``. Each write is confirmed from what both readings make
observable: a grant from ``AllocateAmount``; a withdrawal from ``AvailableAmount`` (down by the
amount) together with ``AllocateAmount`` (down by the amount, or unchanged), which also tells the
reading. What this cannot see (a withdrawal made outside this resource under the cumulative
reading, spending during a withdrawal) is in ``docs/budgets.md``.

**One budget, one declaration.** Two resources of one program declaring the same member's budget
would move it back and forth on every ``pulumi up``; :data:`declarations` records, for this
provider process (one deployment), which resources declared each member's budget, so the second
fails in Check (preview) and neither moves money.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi.dynamic import CheckFailure, CheckResult

from ..errors import APIError, ResourceError, accounts
from ._cache import reads
from ._fields import fen, is_unknown, positive_id
from ._writes import write_and_confirm

if TYPE_CHECKING:
    from ..api.models import AmountFailure, AmountOperation, Relation
    from ..client import CompShareClient

__all__ = [
    "WITHDRAWN_DOC",
    "Declarations",
    "budget_outputs",
    "converge_budget",
    "converge_budgets",
    "declaration_name",
    "declarations",
    "declare_budget",
    "declared_once",
    "grant",
    "live_budget",
    "withdraw",
    "withdraw_all_unspent",
    "withdraw_unspent",
]

ACTION = "SetCompShareTeamAmount"

R = TypeVar("R")

WITHDRAWN_DOC = (
    "Set by TeamMembership itself: the fen it withdrew that ``AllocateAmount`` still counts "
    "(the cumulative reading); absent when 0. Kept as ``__withdrawn``, an internal key."
)
"""The doc of TeamMembership's ``_withdrawn`` (an internal output: ``__withdrawn`` in state)."""


def counted(relation: Relation, withdrawn: int) -> int:
    """``withdrawn`` bounded by ``AllocateAmount - AvailableAmount``, which holds it in every
    reading (spent + withdrawn, or only spent where withdrawals lower AllocateAmount)."""
    return max(0, min(withdrawn, relation.allocate_amount - relation.available_amount))


def live_budget(relation: Relation, withdrawn: int) -> int:
    """The member's budget as this resource reckons it: what the owner gave and did not take
    back (``AllocateAmount`` less what this resource withdrew that it still counts)."""
    return relation.allocate_amount - counted(relation, withdrawn)


def budget_outputs(desired: int | None, relation: Relation, withdrawn: int) -> dict[str, Any]:
    """The budget's state by attribute name. ``allocated_amount``: the live budget once the
    member has joined; before that, the declared one (nothing can be granted yet, so no diff).
    ``budget_pending``: a declared budget waits for the member to join. ``_withdrawn``: what
    this resource withdrew that ``AllocateAmount`` still counts (``None`` for 0)."""
    kept = {"_withdrawn": counted(relation, withdrawn) or None}
    live = live_budget(relation, withdrawn)
    if desired is None:
        return {"allocated_amount": None, "budget_pending": False, **kept}
    if relation.status == "Joined":
        return {"allocated_amount": live, "budget_pending": False, **kept}
    pending = relation.status == "Pending" and desired != live
    return {"allocated_amount": desired, "budget_pending": pending, **kept}


def converge_budget(
    client: CompShareClient, ident: str, relation: Relation, desired: int, withdrawn: int
) -> tuple[Relation, int]:
    """Bring a Joined member's budget (:func:`live_budget`) to ``desired``; return the relation
    after and the withdrawn fen to keep in state.

    Lowering never withdraws more than the member has not spent: that fails before any call,
    naming the member and the amounts."""
    withdrawn = counted(relation, withdrawn)
    live = relation.allocate_amount - withdrawn
    if desired == live:
        return relation, withdrawn
    who = f"TeamMembership {ident}"
    if desired > live:
        return grant(client, who, [relation], desired - live)[relation.user_company_id], withdrawn
    lower = live - desired
    if lower > relation.available_amount:
        raise ResourceError(
            f"{who}: cannot lower the budget of account "
            f"{relation.user_company_id} from {live} to {desired} fen: that withdraws {lower} fen "
            f"but only {relation.available_amount} fen is unspent ({ACTION} withdraws at most "
            f"that); set allocated_amount to at least {live - relation.available_amount}"
        )
    after, still_counted = withdraw(client, who, [relation], lower, lowering=True)[
        relation.user_company_id
    ]
    return after, withdrawn + still_counted


def converge_budgets(
    client: CompShareClient,
    who: str,
    relations: Sequence[Relation],
    desired: int,
    withdrawn: Mapping[int, int],
) -> tuple[dict[int, Relation], dict[int, int]]:
    """:func:`converge_budget` for many Joined members of one team and one declared budget:
    one SetCompShareTeamAmount per distinct amount to move (the action takes many members for
    one amount), so members who joined with nothing granted share one grant. Returns the
    relations after (by company id) and the withdrawn fen to keep (by company id, 0 left out).

    Lowerings that would withdraw more than a member has not spent fail before any call,
    naming the members and the lowest possible budget."""
    after: dict[int, Relation] = {}
    kept: dict[int, int] = {}
    grants: dict[int, list[Relation]] = {}
    withdrawals: dict[int, list[Relation]] = {}
    short: list[str] = []
    lowest = 0
    for relation in relations:
        user = relation.user_company_id
        kept[user] = counted(relation, withdrawn.get(user, 0))
        after[user] = relation
        live = relation.allocate_amount - kept[user]
        if desired > live:
            grants.setdefault(desired - live, []).append(relation)
        elif desired < live:
            lower = live - desired
            withdrawals.setdefault(lower, []).append(relation)
            if lower > relation.available_amount:
                short.append(f"{user} ({live} fen, {relation.available_amount} unspent)")
                lowest = max(lowest, live - relation.available_amount)
    if short:
        raise ResourceError(
            f"{who}: cannot lower the budget of {accounts(short, 5)} to {desired} fen: "
            f"{ACTION} withdraws at most what a member has not spent; set allocated_amount to "
            f"at least {lowest}"
        )
    for amount, group in sorted(grants.items()):
        after.update(grant(client, who, group, amount))
    for amount, group in sorted(withdrawals.items()):
        for user, (relation, still_counted) in withdraw(
            client, who, group, amount, lowering=True
        ).items():
            after[user] = relation
            kept[user] += still_counted
    return after, {user: fen for user, fen in kept.items() if fen}


def withdraw_unspent(client: CompShareClient, ident: str, relation: Relation) -> int:
    """Withdraw everything the member has not spent; returns the fen withdrawn."""
    return withdraw_all_unspent(client, f"TeamMembership {ident}", [relation])


def withdraw_all_unspent(client: CompShareClient, who: str, relations: Sequence[Relation]) -> int:
    """Withdraw everything the Joined members among ``relations`` have not spent, one
    SetCompShareTeamAmount per distinct unspent amount; returns the fen withdrawn."""
    groups: dict[int, list[Relation]] = {}
    for relation in relations:
        if relation.status == "Joined" and relation.available_amount > 0:
            groups.setdefault(relation.available_amount, []).append(relation)
    for amount, group in sorted(groups.items()):
        withdraw(client, who, group, amount, lowering=False)
    return sum(amount * len(group) for amount, group in groups.items())


def _send(
    client: CompShareClient,
    relations: Sequence[Relation],
    operation: AmountOperation,
    amount: int,
) -> dict[int, AmountFailure]:
    virtual = [relation.virtual_company_id for relation in relations]
    return client.set_team_amount(relations[0].team_id, operation, virtual, amount)


def _read_back(client: CompShareClient, relations: Sequence[Relation]) -> dict[int, Relation]:
    """The members after a write, from a read that started after it completed (any such read
    will do): by company id, those still in the team."""
    team_id, fresh = relations[0].team_id, reads.last_write()
    if len(relations) == 1:
        user = relations[0].user_company_id
        one = reads.relation(client, team_id, user, fresh_after=fresh)
        return {} if one is None else {user: one}
    info = reads.team_info(client, team_id, fresh_after=fresh)
    users = {r.user_company_id for r in relations}
    rows = info.relations if info is not None else []
    return {r.user_company_id: r for r in rows if r.user_company_id in users}


def _failed(
    who: str,
    failed: Sequence[tuple[int, str]],
    verb: str,
    amount: int,
    operation: str,
    also: str,
) -> ResourceError:
    """One line: which members a write could not serve, and why."""
    if len(failed) == 1:
        ((user, reason),) = failed
        return ResourceError(
            f"{who}: could not {verb} {amount} fen for account {user} ({ACTION} {operation}): "
            f"{reason}; {also}"
        )
    reasons = "; ".join(f"{user}: {reason}" for user, reason in failed[:5])
    return ResourceError(
        f"{who}: could not {verb} {amount} fen for {accounts([u for u, _ in failed], 5)} "
        f"({ACTION} {operation}): {reasons}; {also}"
    )


def _also(failed: int, total: int, done: str) -> str:
    if failed == total:
        return "nothing else was changed"
    return f"the other {total - failed} member{'s' if total - failed > 1 else ''} {done}"


def _reason(failure: AmountFailure | None, otherwise: str) -> str:
    return f"{failure.message} (code {failure.code})" if failure is not None else otherwise


def grant(
    client: CompShareClient, who: str, relations: Sequence[Relation], amount: int
) -> dict[int, Relation]:
    """Send one allocation of ``amount`` to every member of ``relations`` (one team) and
    confirm it from ``AllocateAmount``, which counts every allocation in every reading.
    Returns the members after, by company id."""
    before = {r.user_company_id: r.allocate_amount for r in relations}

    def confirm(
        answered: bool, failures: dict[int, AmountFailure] | None
    ) -> dict[int, Relation] | None:
        now = _read_back(client, relations)
        missed = [
            r
            for r in relations
            if (seen := now.get(r.user_company_id)) is None
            or seen.allocate_amount != before[r.user_company_id] + amount
        ]
        if not missed:
            return now
        if not answered and all(
            (seen := now.get(user)) is None or seen.allocate_amount == was
            for user, was in before.items()
        ):
            return None  # not seen: sent again only if it surely did not land (throttled)
        failed = []
        for r in missed:
            seen = now.get(r.user_company_id)
            shown = seen.allocate_amount if seen is not None else "gone"
            expected = before[r.user_company_id] + amount
            otherwise = f"AllocateAmount is {shown}, expected {expected}"
            failure = (failures or {}).get(r.virtual_company_id)
            failed.append((r.user_company_id, _reason(failure, otherwise)))
        also = _also(len(failed), len(relations), "were granted it")
        raise _failed(who, failed, "grant", amount, "AllocateAmount", also)

    return _resolve(
        who,
        relations,
        "grant",
        amount,
        lambda: _send(client, relations, "AllocateAmount", amount),
        confirm,
    )


def withdraw(
    client: CompShareClient,
    who: str,
    relations: Sequence[Relation],
    amount: int,
    *,
    lowering: bool,
) -> dict[int, tuple[Relation, int]]:
    """Send one withdrawal of ``amount`` from every member of ``relations`` (one team) and
    confirm it; returns, by company id, the member after and how much of it ``AllocateAmount``
    still counts (``amount`` under the cumulative reading, else 0).

    Landed: ``AvailableAmount`` fell by at least ``amount`` (spending may lower it more) and
    ``AllocateAmount`` fell by exactly ``amount`` (it counts what is left) or not at all (it
    counts what was ever allocated). Where an over-withdrawal is clamped, a member who spent
    meanwhile leaves less to take back: AvailableAmount is 0 and AllocateAmount fell by less; a
    withdrawal of everything unspent (``lowering=False``) then did its job, a lowering did not."""
    before = {r.user_company_id: (r.allocate_amount, r.available_amount) for r in relations}

    def judge(
        relation: Relation, now: Relation | None, failure: AmountFailure | None, answered: bool
    ) -> tuple[Relation, int] | str | None:
        """The member after and what AllocateAmount still counts; ``None``: not seen; else
        why it failed."""
        before_allocate, before_available = before[relation.user_company_id]
        if failure is not None:
            return _reason(failure, "")
        if now is not None:
            taken = before_allocate - now.allocate_amount
            if now.available_amount <= before_available - amount and taken in (amount, 0):
                return now, (amount if taken == 0 else 0)
            if answered and now.available_amount == 0 and 0 < taken < amount:
                if not lowering:
                    return now, 0  # clamped to what was left: everything unspent came back
                return (
                    f"only {taken} fen was left to take back (the member spent the rest meanwhile)"
                )
        if not answered:
            return None  # not seen: sent again only if it surely did not land (throttled)
        seen = (
            f"AllocateAmount {now.allocate_amount}, AvailableAmount {now.available_amount}"
            if now is not None
            else "the member is gone"
        )
        return f"the team shows {seen}, from {before_allocate} and {before_available} before"

    def confirm(
        answered: bool, failures: dict[int, AmountFailure] | None
    ) -> dict[int, tuple[Relation, int]] | None:
        now = _read_back(client, relations)
        done: dict[int, tuple[Relation, int]] = {}
        unseen = 0
        failed: list[tuple[int, str]] = []
        for r in relations:
            user = r.user_company_id
            verdict = judge(r, now.get(user), (failures or {}).get(r.virtual_company_id), answered)
            if verdict is None:
                unseen += 1
            elif isinstance(verdict, str):
                failed.append((user, verdict))
            else:
                done[user] = verdict
        if not failed and not unseen:
            return done
        if not failed and unseen == len(relations):
            return None
        failed += [
            (r.user_company_id, "not seen")
            for r in relations
            if r.user_company_id not in done and r.user_company_id not in dict(failed)
        ]
        also = _also(len(failed), len(relations), "had it withdrawn")
        if len(relations) == 1 and "only " in failed[0][1]:
            relation = relations[0]
            seen = now[relation.user_company_id]
            taken = before[relation.user_company_id][0] - seen.allocate_amount
            also = (
                f"{taken} fen was withdrawn; the budget is now {seen.allocate_amount} fen, "
                "all of it spent: set allocated_amount to at least that"
            )
        raise _failed(who, failed, "withdraw", amount, "WithdrawAmount", also)

    return _resolve(
        who,
        relations,
        "withdraw",
        amount,
        lambda: _send(client, relations, "WithdrawAmount", amount),
        confirm,
    )


def _resolve(
    who: str,
    relations: Sequence[Relation],
    verb: str,
    amount: int,
    send: Callable[[], dict[int, AmountFailure]],
    confirm: Callable[[bool, dict[int, AmountFailure] | None], R | None],
) -> R:
    """:func:`write_and_confirm`, its API errors as one line naming the members."""
    try:
        return write_and_confirm(send, confirm)
    except APIError as exc:
        users = accounts([r.user_company_id for r in relations], 5)
        raise ResourceError(
            f"{who}: could not {verb} {amount} fen for {users}: {exc.describe(exc.hint_for(True))}"
        ) from None


# ------------------------------------------------------------------ one declaration per member


class Declarations:
    """Which resources of this program declare a budget for each member, in this process.

    The engine checks every resource the program registers, in one provider process per
    deployment; a refresh and a destroy check none. A resource is known by its name (the
    program's resource name, which the resource sends as an internal input)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: dict[Hashable, dict[str, int]] = {}

    def declare(self, member: Hashable, name: str, amount: int) -> dict[str, int]:
        """Record that the resource ``name`` declares ``amount`` fen for ``member``; returns the
        other resources that declared it (name -> amount)."""
        with self._lock:
            names = self._names.setdefault(member, {})
            names[name] = amount
            return {n: a for n, a in names.items() if n != name}

    def others(self, member: Hashable, name: str) -> dict[str, int]:
        """The resources other than ``name`` that declared a budget for ``member``."""
        with self._lock:
            return {n: a for n, a in self._names.get(member, {}).items() if n != name}

    def clear(self) -> None:
        """Forget every declaration (a test checking many programs in one process)."""
        with self._lock:
            self._names.clear()


declarations = Declarations()
"""The process-wide budget declarations (one provider process per deployment)."""


def declaration_name(value: Any) -> str:
    """A resource's name as it declares a budget (TeamMembership's internal ``__resource_name``)."""
    if not isinstance(value, str) or not value:
        raise ValueError("must be the resource's name")
    return value


def budget_member(base_url: str, team_id: int, user: int) -> tuple[str, str, int, int]:
    """A member's budget as :data:`declarations` knows it."""
    return ("budget", base_url, team_id, user)


def declared_twice(
    name: str, others: Mapping[str, int], amount: int, team_id: int, user: int
) -> str:
    """What is wrong when ``name`` and ``others`` declare one member's budget, to follow
    ``allocated_amount`` (a check failure) or ``the budget`` (an operation's error)."""
    other, other_amount = sorted(others.items())[0]
    more = f" (and {len(others) - 1} more)" if len(others) > 1 else ""
    return (
        f'of account {user} in team {team_id} is declared twice, by TeamMembership "{name}" '
        f'({amount} fen) and TeamMembership "{other}" ({other_amount} fen){more}: every pulumi '
        f"up would move it back and forth with {ACTION}; keep allocated_amount on one of them "
        "and set the other's to None"
    )


def _declared_twice(
    args: Mapping[str, Any], base_url_of: Callable[[str | None], str], *, record: bool
) -> str | None:
    """Record (``record``) the budget ``args`` declare for their member under the resource's
    name; what is wrong if another resource of this program declared it too. Nothing for a
    resource with no name (inputs written without one), no budget, or values not known yet."""
    name, budget = args.get("__resource_name"), args.get("allocated_amount")
    team_id, user, profile = args.get("team_id"), args.get("user_company_id"), args.get("profile")
    if not isinstance(name, str) or budget is None:
        return None
    if any(is_unknown(v) for v in (name, budget, team_id, user, profile)):
        return None
    budget, team_id, user = fen(budget), positive_id(team_id), positive_id(user)
    base_url = base_url_of(profile if isinstance(profile, str) else None)
    member = budget_member(base_url, team_id, user)
    if record:
        others = declarations.declare(member, name, budget)
    else:
        others = declarations.others(member, name)
    return declared_twice(name, others, budget, team_id, user) if others else None


def declare_budget(result: CheckResult, base_url_of: Callable[[str | None], str]) -> CheckResult:
    """TeamMembership's Check: record the budget its checked inputs declare, and fail on
    ``allocated_amount`` if another resource of this program declared it. Inputs that failed
    their check declare nothing. Never raises (the operations parse again)."""
    if result.failures:  # inputs that failed their check declare nothing
        return result
    try:
        twice = _declared_twice(result.inputs, base_url_of, record=True)
    except Exception:  # check must never raise
        twice = None
    if twice is not None:
        result.failures.append(CheckFailure("allocated_amount", f"allocated_amount {twice}"))
    return result


def declared_once(
    ident: str, args: Mapping[str, Any], base_url_of: Callable[[str | None], str]
) -> None:
    """Fail before anything is sent if another resource of this program declared this
    member's budget (its Check may come after this one's, e.g. with ``--skip-preview``)."""
    twice = _declared_twice(args, base_url_of, record=False)
    if twice is not None:
        raise ResourceError(f"TeamMembership {ident}: the budget {twice}")
