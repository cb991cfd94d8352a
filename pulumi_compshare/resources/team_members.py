"""``TeamMembers``: the authoritative set of members of one team — invite, keep, remove, in
batches.

Beside the per-member ``TeamMembership`` as terraform-provider-github's ``github_team_members``
is beside ``github_team_membership`` (or a Google IAM binding beside its member resource): one
resource lists every member of a team, with one remark name each and one budget for all.
Create and update read the team once, invite what is missing in batches of the API's limit
(``limits.INVITE_BATCH_MAX`` users per CreateCompShareTeamRelation, one confirming read per
batch), cancel every member not listed (one SetCompShareTeamRelation each: the API has no batch
cancel; a few at a time), rename by UpdateRemarkName, and grant the budget with one
SetCompShareTeamAmount per amount (the action takes many members for one amount).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure

from ..api import limits, wire
from ..api.rules import kind_of
from ..client.retcodes import error_for_retcode
from ..errors import (
    APIError,
    CompShareAPIError,
    MalformedResponseError,
    NotFoundError,
    ResourceError,
    about,
)
from ._budget import converge_budgets, counted, declaration_name, withdraw_all_unspent
from ._cache import reads
from ._claims import HOLDER_DOC, claims, declare_manager, holder_of, managed_once
from ._declare import CompShareResource
from ._fields import (
    boolean,
    diff_props,
    fen,
    id_set,
    is_unknown,
    output,
    positive_id,
    profile_name,
    prop,
    text,
)
from ._provider import CompShareProvider, Gone, say
from ._values import Args, State
from ._writes import write_and_confirm

if TYPE_CHECKING:  # the client and the API models load with the first API call
    from ..api.models import InviteFailure, Relation, TeamInfo
    from ..client import CompShareClient

__all__ = ["TeamMembers", "TeamMembersProvider"]

ACTIVE = wire.ACTIVE_STATUSES
INVITE = "CreateCompShareTeamRelation"
RELATION = "SetCompShareTeamRelation"

CANCEL_CONCURRENCY = 8
"""At most this many Cancel (and UpdateRemarkName) calls in flight at once: the API has no batch
cancel, and a class list changing by dozens should not wait for each in turn."""

_remark = text(limits.REMARK_NAME_MAX)


def remark_map(value: Any) -> dict[str, str]:
    """Remark names by account: a mapping of company id (a number or its digits; the engine sends
    object keys as text) to a remark name of at most 64 characters. Kept with the ids as
    decimal text, in order."""
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a map of company id to remark name, got {kind_of(value)}")
    names: dict[int, str] = {}
    for key, name in value.items():
        try:
            user = positive_id(key)
        except ValueError as exc:
            raise ValueError(f"key {str(key)[:40]!r}: {exc}") from None
        try:
            names[user] = _remark(name)
        except ValueError as exc:
            raise ValueError(f"[{user}] {exc}") from None
    return {str(user): names[user] for user in sorted(names)}


class TeamMembersArgs(Args):
    """The inputs of a TeamMembers."""

    team_id: int = prop(
        "The team whose members this resource lists (e.g. ``team.team_id``).",
        positive_id,
        required=True,
        replaces=True,
    )
    user_company_ids: list[int] = prop(
        "The company ids of every member of the team: each is invited, and every other member "
        "(an invite or a joined member) is removed. Order and duplicates do not matter. As an "
        "output, the members the team has (a member added elsewhere shows here after a refresh, "
        "as drift the next ``pulumi up`` removes).",
        id_set,
        required=True,
    )
    remark_names: dict[str, str] | None = prop(
        "Remark names by company id (``{50002: 'Alice Chen'}``, at most 64 characters each), "
        "for listed accounts only; a member not in the map keeps the name it has. ``None``: "
        "remark names are not managed.",
        remark_map,
        unmanaged_when_none=True,
    )
    allocated_amount: int | None = prop(
        "The budget of every member, in fen (1/100 yuan); ``None``: budgets are not managed. "
        "Once members have joined, ``pulumi up`` allocates or withdraws the difference to each "
        "one's live budget (one SetCompShareTeamAmount per amount, never withdrawing more than "
        "a member has not spent); until they join nothing is granted and ``budget_pending`` is "
        "true. Removing a member, or deleting the resource, first withdraws what they have not "
        "spent. Members with a budget of their own belong in a ``TeamMembership``.",
        fen,
        unmanaged_when_none=True,
    )
    reinvite_on_reject: bool = prop(
        "Whether ``pulumi up`` invites again the listed accounts that rejected an invite.",
        boolean,
        default=False,
    )
    profile: str | None = prop(
        "The team owner's named credential set from ``compshare:profiles``; ``None``: the "
        "default one.",
        profile_name,
        replaces=True,
    )
    _resource_name: str | None = prop(
        "Set by TeamMembers itself: the resource's name in the program, to name both resources "
        "when another resource of the program manages members of the same team. Kept as "
        "``__resource_name``, an internal key: never shown in a plan or an output.",
        declaration_name,
        create_only=True,
        internal=True,
        derive=lambda resource_name, _opts: resource_name,
    )


class TeamMembersState(TeamMembersArgs, State):
    """The state of a TeamMembers."""

    members: list[dict[str, Any]] | None = output(
        "Each member, by company id: ``user_company_id``, ``status`` (Pending, Joined or "
        "Rejected), ``virtual_company_id``, ``remark_name``, ``allocated_amount`` (the budget as "
        "this resource reckons it: what the owner gave and did not take back), "
        "``granted_amount`` (``AllocateAmount`` as the API reports it) and "
        "``available_amount`` (``AvailableAmount``, the part not spent), in fen."
    )
    budget_pending: bool | None = output(
        "Whether ``allocated_amount`` waits for some listed members to join (every ``pulumi up`` "
        "looks again, with one read of the team, and grants it once they have)."
    )
    team_name: str | None = output("The team's name.")
    _holder: str | None = output(HOLDER_DOC, internal=True)
    _withdrawn: dict[str, int] | None = output(
        "Set by TeamMembers itself: by company id, the fen it withdrew that ``AllocateAmount`` "
        "still counts (the cumulative reading); absent when none. Kept as ``__withdrawn``, an "
        "internal key.",
        internal=True,
    )


class TeamMembersProvider(CompShareProvider[TeamMembersArgs, TeamMembersState]):
    """Keeps a team's members exactly the listed accounts, in batches."""

    args_type = TeamMembersArgs
    state_type = TeamMembersState
    state_key = "members"

    def name_of(self, args: TeamMembersArgs) -> str:
        return str(args.team_id)

    def _base_url(self, profile: str | None) -> str:
        return self.profile(profile).base_url

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        """As every provider's, and: remark names only for listed accounts; another resource of
        this program managing members of the same team (a TeamMembership, a second
        TeamMembers) fails here, in preview (``_claims.managers``)."""
        result = super().check(olds, news)
        names, users = result.inputs.get("remark_names"), result.inputs.get("user_company_ids")
        if (
            not result.failures
            and isinstance(names, dict)
            and isinstance(users, list)
            and not is_unknown(users)
            and not is_unknown(names)
        ):
            stray = sorted(int(k) for k in names if int(k) not in set(users))
            if stray:
                result.failures.append(
                    CheckFailure(
                        "remark_names",
                        f"remark_names names {_ids(stray)}, which user_company_ids does not "
                        "list: add them to user_company_ids or drop their remark names",
                    )
                )
        return declare_manager(result, self.kind, self._base_url, owns=True)

    def on_diff(
        self, id_: str, olds: TeamMembersState, news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        rejected = [m for m in _members(olds) if m.get("status") == "Rejected"]
        reinvite = bool(rejected) and news.get("reinvite_on_reject") is True
        # No longer managing budgets: the state must say so (delete then withdraws nothing).
        released = olds.allocated_amount is not None and news.get("allocated_amount") is None
        # Same team under another profile: cancel before inviting again, or the new resource
        # would keep members the old one then removes.
        same_team = olds.team_id == news.get("team_id")
        result = diff_props(
            self.props,
            olds.to_dict(),
            news,
            also_changed=reinvite or released,
            delete_before_replace=same_team,
        )
        if not result.changes and olds.budget_pending is True:
            args = self.known(news)
            result.changes = args is not None and self._budget_due(id_, args, olds)
        return result

    def _budget_due(self, id_: str, args: TeamMembersArgs, olds: TeamMembersState) -> bool:
        """Whether budgets that waited for members to join can now be granted: some listed
        members have joined with a live budget other than the declared one. Says why on the
        provider's stderr (the CLI shows it as a diagnostic). One read of the team, through the
        read cache; while nobody has joined, nothing is due and the plan shows no change."""
        desired = args.allocated_amount
        if desired is None:
            return False
        with self.failing_as(id_):
            info = reads.team_info(self.client(args.profile), args.team_id)
        if info is None:
            return False
        withdrawn = _withdrawn(olds)
        rows = {r.user_company_id: r for r in info.relations}
        moves: dict[int, list[int]] = {}
        for user in args.user_company_ids:
            row = rows.get(user)
            if row is not None and row.status == "Joined":
                live = row.allocate_amount - counted(row, withdrawn.get(user, 0))
                if live != desired:
                    moves.setdefault(desired - live, []).append(user)
        if not moves:
            return False
        parts = [
            f"{'grant' if delta > 0 else 'withdraw'} {abs(delta)} fen to {_ids(users)}"
            for delta, users in sorted(moves.items(), reverse=True)
        ]
        say(
            f"TeamMembers {id_}: allocated_amount: {'; '.join(parts)} (they have joined team "
            f"{args.team_id}; `pulumi up` applies it)"
        )
        return True

    # ------------------------------------------------------------------ operations

    def on_create(
        self, client: CompShareClient, args: TeamMembersArgs
    ) -> tuple[str, TeamMembersState]:
        ident = str(args.team_id)
        self._managed_once(ident, args)  # before anything is sent
        holder = holder_of(None)
        state = self._converge(client, ident, TeamMembersState(**vars(args)), args, {}, holder)
        return ident, state

    def on_update(
        self, client: CompShareClient, id_: str, olds: TeamMembersState, args: TeamMembersArgs
    ) -> TeamMembersState:
        self._managed_once(id_, args)
        holder = holder_of(olds._holder)
        return self._converge(client, id_, olds, args, _withdrawn(olds), holder)

    def _managed_once(self, ident: str, args: TeamMembersArgs) -> None:
        base_url = self._base_url(args.profile)
        managed_once(ident, self.kind, args._resource_name, base_url, args.team_id)

    def on_read(
        self, client: CompShareClient, id_: str, state: TeamMembersState
    ) -> TeamMembersState | Gone:
        """Refresh: one read of the team. The listed members it still has (Pending, Joined or
        Rejected) and every other member it has (drift, removed by the next up); a member
        canceled elsewhere drops out (the next up invites again). A get (no state): every
        member of the team. A team that no longer exists leaves the state."""
        team_id = positive_id(id_)
        info = reads.team_info(client, team_id)
        if info is None:
            return Gone("GetCompShareTeamInfo", f"team {team_id}")
        rows = {r.user_company_id: r for r in info.relations}
        listed = state.user_company_ids or []
        kept = {u for u in listed if u in rows and rows[u].status != "Canceled"}
        users = sorted(kept | {u for u, r in rows.items() if r.status in ACTIVE})
        state = state.replace(team_id=team_id, user_company_ids=users)
        return _state(state, info, rows, _withdrawn(state), state._holder)

    def on_delete(self, client: CompShareClient, id_: str, state: TeamMembersState) -> None:
        """Remove every member the state lists (what they have not spent withdrawn first when
        budgets are managed), except those another resource of this stack took over in this
        deployment (a rename); a team that no longer exists counts as done."""
        team_id = positive_id(id_)
        info = reads.team_info(client, team_id)
        if info is None:
            return
        users = set(state.user_company_ids or [])
        mine: dict[Hashable, int] = {_claim(client, team_id, u): u for u in users}
        taken = sorted(mine[o] for o in claims.taken_over(mine, state._holder))
        if taken:
            say(
                f"TeamMembers {id_}: left {_ids(taken)} in team {team_id}: another resource of "
                "this stack took them over in this update (a rename; give the resource "
                "`aliases` to make a rename no change at all)"
            )
        rows = {r.user_company_id: r for r in info.relations}
        remove = [rows[u] for u in sorted(users - set(taken)) if u in rows]
        remove = [r for r in remove if r.status in ACTIVE]
        problems = self._remove(client, id_, remove, state.allocated_amount is not None)
        if problems:
            raise ResourceError(f"TeamMembers {id_}: {'; '.join(problems)}")

    # ------------------------------------------------------------------ convergence

    def _converge(
        self,
        client: CompShareClient,
        ident: str,
        base: TeamMembersState,
        args: TeamMembersArgs,
        withdrawn: dict[int, int],
        holder: str,
    ) -> TeamMembersState:
        """Bring the team's members to ``args``: one read; invites in batches, each confirmed
        by one read; every unlisted member canceled and renames sent, a few at a time; then one
        SetCompShareTeamAmount per budget amount to move. Everything that can be done is done;
        what failed is raised at the end in one line naming the members."""
        team_id = args.team_id
        info = reads.team_info(client, team_id)
        if info is None:
            raise NotFoundError("GetCompShareTeamInfo", f"team {team_id} does not exist")
        rows = {r.user_company_id: r for r in info.relations}
        listed = args.user_company_ids
        remarks = args.remark_names or {}
        invite = [
            u
            for u in listed
            if (row := rows.get(u)) is None
            or row.status == "Canceled"
            or (row.status == "Rejected" and args.reinvite_on_reject)
        ]
        rejected = [u for u in listed if u not in invite and rows[u].status == "Rejected"]
        if rejected:
            say(
                f"TeamMembers {ident}: {_ids(rejected)} rejected an invite to team {team_id} "
                "before; not inviting again (set reinvite_on_reject=True to invite again)"
            )
        problems: list[str] = []
        for start in range(0, len(invite), limits.INVITE_BATCH_MAX):
            batch = invite[start : start + limits.INVITE_BATCH_MAX]
            try:
                rows.update(self._invite(client, team_id, batch, remarks))
            except ResourceError as exc:
                problems.append(str(exc))
            except APIError as exc:
                problems.append(f"could not invite {_ids(batch)}: {exc.describe()}")
        unlisted = set(listed)
        remove = [r for u, r in sorted(rows.items()) if u not in unlisted and r.status in ACTIVE]
        problems += self._remove(client, ident, remove, args.allocated_amount is not None)
        for row in remove:
            if rows[row.user_company_id].status in ACTIVE and not any(
                str(row.user_company_id) in p for p in problems
            ):
                rows[row.user_company_id] = row.model_copy(update={"status": "Canceled"})
        renames = [
            (u, remarks[str(u)])
            for u in listed
            if str(u) in remarks
            and u not in invite
            and rows[u].status in ACTIVE
            and rows[u].remark_name != remarks[str(u)]
        ]
        problems += self._rename(client, team_id, renames, rows)
        desired = args.allocated_amount
        if desired is not None:
            joined = [rows[u] for u in listed if u in rows and rows[u].status == "Joined"]
            try:
                after, withdrawn = converge_budgets(
                    client, f"TeamMembers {ident}", joined, desired, withdrawn
                )
                rows.update(after)
            except ResourceError as exc:
                problems.append(str(exc).removeprefix(f"TeamMembers {ident}: "))
        if problems:
            raise ResourceError(f"TeamMembers {ident}: {'; '.join(problems)}")
        claims.hold([_claim(client, team_id, u) for u in listed], holder)
        state = base.replace(**vars(args))
        return _state(state, info, rows, withdrawn, holder)

    def _invite(
        self, client: CompShareClient, team_id: int, batch: list[int], remarks: dict[str, str]
    ) -> dict[int, Relation]:
        """One CreateCompShareTeamRelation of ``batch`` (at most the API's limit), confirmed by
        one read of the team that started after it. A lost answer is resolved by that read; the
        invites it does not show are sent again, which is safe: the API refuses an invite of an
        account already invited (16001), and the read after it finds the relation."""
        from ..api.models import InviteUser

        pending = list(batch)
        seen: dict[int, Relation] = {}

        def send() -> dict[int, InviteFailure]:
            users = [
                InviteUser(user_company_id=u, remark_name=remarks.get(str(u))) for u in pending
            ]
            return client.create_team_relations(team_id, users)

        def confirm(
            answered: bool, failures: dict[int, InviteFailure] | None
        ) -> dict[int, Relation] | None:
            info = reads.team_info(client, team_id, fresh_after=reads.last_write())
            rows = {r.user_company_id: r for r in (info.relations if info is not None else [])}
            for user in list(pending):
                row = rows.get(user)
                if row is not None and row.status in ACTIVE:
                    seen[user] = row
                    pending.remove(user)
            if not pending:
                return seen
            if not answered:
                return None  # not seen: sent again (a repeated invite is refused, not doubled)
            reasons = []
            for user in pending:
                failure = (failures or {}).get(user)
                if failure is not None:
                    error = error_for_retcode(
                        INVITE, failure.code, about(f"account {user}", failure.message)
                    )
                    reasons.append(f"{user}: {error.message} (code {failure.code})")
                else:
                    status = rows[user].status if user in rows else "absent"
                    reasons.append(f"{user}: the invite succeeded but its relation is {status}")
            done = len(batch) - len(pending)
            raise ResourceError(
                f"could not invite {_ids(pending)} ({INVITE}): {'; '.join(reasons[:5])}; "
                f"{done} other account{'s' if done != 1 else ''} of the batch "
                f"{'were' if done != 1 else 'was'} invited; fix or drop the accounts named and "
                "run the command again"
            )

        return write_and_confirm(send, confirm, refused_when_repeated=True)

    def _remove(
        self, client: CompShareClient, ident: str, remove: Sequence[Relation], budgets: bool
    ) -> list[str]:
        """Cancel each member of ``remove`` (a few at a time: the API has no batch cancel),
        with managed budgets withdrawing what they have not spent first. Returns what failed,
        one clause each."""
        if not remove:
            return []
        problems: list[str] = []
        if budgets:
            try:
                fen_back = withdraw_all_unspent(client, f"TeamMembers {ident}", remove)
            except ResourceError as exc:
                return [str(exc).removeprefix(f"TeamMembers {ident}: ")]
            if fen_back:
                say(
                    f"TeamMembers {ident}: withdrew {fen_back} fen (what the members removed "
                    "had not spent) before removing them from the team"
                )
        team_id = remove[0].team_id

        def cancel(row: Relation) -> APIError | None:
            try:
                client.set_team_relation(team_id, "Cancel", row.user_company_id)
            except NotFoundError:
                return None  # canceled meanwhile (or by our own retried request)
            except APIError as exc:
                return exc
            return None

        outcomes = _concurrently(cancel, remove)
        refused = [
            (row, exc)
            for row, exc in outcomes
            if isinstance(exc, CompShareAPIError)
            and not isinstance(exc, MalformedResponseError)
            and row.status == "Joined"
        ]
        failed = [
            (row, exc) for row, exc in outcomes if exc is not None and (row, exc) not in refused
        ]
        if refused:
            problems.append(
                f"{_ids([r.user_company_id for r, _ in refused])} joined team {team_id} and the "
                f"API refused to remove them ({RELATION} Cancel: {refused[0][1].message}); "
                "remove them "
                "in the CompShare console and run the command again, or list them in "
                "user_company_ids (for a delete: retain_on_delete=True leaves the members)"
            )
        if failed:
            first = failed[0][1]
            problems.append(
                f"could not remove {_ids([r.user_company_id for r, _ in failed])} from team "
                f"{team_id}: {first.describe(first.hint_for(True))}"
            )
        return problems

    def _rename(
        self,
        client: CompShareClient,
        team_id: int,
        renames: list[tuple[int, str]],
        rows: dict[int, Relation],
    ) -> list[str]:
        """UpdateRemarkName for each ``(member, name)``, a few at a time; ``rows`` updated."""

        def rename(item: tuple[int, str]) -> APIError | None:
            try:
                client.set_team_relation(team_id, "UpdateRemarkName", item[0], item[1])
            except APIError as exc:
                return exc
            return None

        failed = []
        for (user, name), exc in _concurrently(rename, renames):
            if exc is None:
                rows[user] = rows[user].model_copy(update={"remark_name": name})
            else:
                failed.append((user, exc))
        if not failed:
            return []
        first = failed[0][1]
        return [
            f"could not rename {_ids([u for u, _ in failed])} in team {team_id}: "
            f"{first.describe(first.hint_for(True))}"
        ]


def _concurrently(
    work: Callable[[Any], APIError | None], items: Sequence[Any]
) -> list[tuple[Any, APIError | None]]:
    """``work`` on each item, at most :data:`CANCEL_CONCURRENCY` at once; in order."""
    if len(items) <= 1:
        return [(item, work(item)) for item in items]
    workers = min(CANCEL_CONCURRENCY, len(items))
    with ThreadPoolExecutor(workers, thread_name_prefix="compshare-members") as pool:
        return list(zip(items, pool.map(work, items), strict=True))


def _claim(client: CompShareClient, team_id: int, user: int) -> tuple[str, str, int, int]:
    """A member's relation as :data:`claims` knows it (as TeamMembership's)."""
    return ("relation", client.base_url, team_id, user)


def _ids(users: Iterable[int], most: int = 10) -> str:
    """``account 50002`` or ``accounts 50002, 50003 and 4 more``."""
    shown = list(users)
    text_ = ", ".join(str(u) for u in shown[:most])
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return f"account{'s' if len(shown) != 1 else ''} {text_}{more}"


def _members(state: TeamMembersState) -> list[dict[str, Any]]:
    return [m for m in state.members or [] if isinstance(m, dict)]


def _withdrawn(state: TeamMembersState) -> dict[int, int]:
    """The stored ``__withdrawn`` map (numbers cross the engine as floats; keys are text)."""
    kept: dict[int, int] = {}
    for key, value in (state._withdrawn or {}).items():
        try:
            kept[positive_id(key)] = int(value)
        except (TypeError, ValueError):
            continue
    return kept


def _state(
    state: TeamMembersState,
    info: TeamInfo,
    rows: Mapping[int, Relation],
    withdrawn: Mapping[int, int],
    holder: str | None,
) -> TeamMembersState:
    """The state of the members ``state.user_company_ids`` lists, from ``rows``."""
    desired = state.allocated_amount
    members: list[dict[str, Any]] = []
    kept: dict[str, int] = {}
    drifted: int | None = None
    pending = False
    remarks: dict[str, str] = {}
    for user in state.user_company_ids or []:
        row = rows.get(user)
        if row is None:
            continue
        still = counted(row, withdrawn.get(user, 0))
        if still:
            kept[str(user)] = still
        live = row.allocate_amount - still
        members.append(
            {
                "user_company_id": user,
                "status": row.status,
                "virtual_company_id": row.virtual_company_id or None,
                "remark_name": row.remark_name,
                "allocated_amount": live,
                "granted_amount": row.allocate_amount,
                "available_amount": row.available_amount,
            }
        )
        if desired is not None and live != desired:
            if row.status == "Joined" and drifted is None:
                drifted = live
            pending = pending or row.status == "Pending"
        if state.remark_names is not None and str(user) in state.remark_names:
            remarks[str(user)] = row.remark_name
    return state.replace(
        remark_names=remarks if state.remark_names is not None else None,
        allocated_amount=drifted if drifted is not None else desired,
        members=members,
        budget_pending=pending,
        team_name=info.team.name,
        _holder=holder,
        _withdrawn=kept or None,
    )


class TeamMembers(
    CompShareResource,
    module="compshare",
    name="TeamMembers",
    provider=TeamMembersProvider,
):
    """The authoritative set of members of one team, managed from the team owner's side.

    Every listed account is invited (in batches of up to 100 per CreateCompShareTeamRelation)
    or, if it already has a Pending or Joined relation, adopted; every other member of the team
    is removed (Cancel), so a member added in the console shows as drift at refresh and is
    removed by the next ``pulumi up``. ``remark_names`` sets the listed members' remark names;
    ``allocated_amount`` gives every member one budget once they have joined. Per-member budgets
    or remark names managed apart belong in ``TeamMembership``; the two must not manage the
    same team (the second fails in preview).

    The Pulumi id is the team id. Delete removes every member the state lists.

    Example Usage::

        import pulumi_compshare as compshare

        team = compshare.Team("cv-101", name="cv-101 Computer Vision")
        students = compshare.TeamMembers(
            "cv-101-students",
            team_id=team.team_id,
            user_company_ids=[50002, 50003, 50004],
            remark_names={50002: "Alice Chen"},
            allocated_amount=20000,
        )
    """

    team_id: pulumi.Output[int]
    user_company_ids: pulumi.Output[list[int]]
    remark_names: pulumi.Output[dict[str, str] | None]
    allocated_amount: pulumi.Output[int | None]
    reinvite_on_reject: pulumi.Output[bool]
    profile: pulumi.Output[str | None]
    members: pulumi.Output[list[dict[str, Any]]]
    budget_pending: pulumi.Output[bool]
    team_name: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        team_id: pulumi.Input[int],
        user_company_ids: pulumi.Input[Sequence[pulumi.Input[int]]],
        remark_names: pulumi.Input[Mapping[int | str, pulumi.Input[str]]] | None = None,
        allocated_amount: pulumi.Input[int] | None = None,
        reinvite_on_reject: pulumi.Input[bool] = False,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        remark_names = _text_keys(remark_names)  # object keys cross the engine as text
        self._register(resource_name, opts, locals())


def _text_keys(value: Any) -> Any:
    """A map with its keys as text (``{50002: "Alice"}`` -> ``{"50002": "Alice"}``)."""

    def keyed(names: Any) -> Any:
        return {str(k): v for k, v in names.items()} if isinstance(names, Mapping) else names

    if value is None or isinstance(value, Mapping):
        return keyed(value)
    return pulumi.Output.from_input(value).apply(keyed)
