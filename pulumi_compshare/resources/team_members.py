"""``TeamMembers``: the authoritative set of members of one team — invite, keep, remove, in
batches.

Beside the per-member ``TeamMembership`` as terraform-provider-github's ``github_team_members``
is beside ``github_team_membership`` (or a Google IAM binding beside its member resource): one
resource lists every member of a team, with one remark name each and one budget for all.
Create and update read the team once, then at the same time (``_batches``) invite what is
missing in batches of the API's limit (``limits.INVITE_BATCH_MAX`` users per
CreateCompShareTeamRelation, each confirmed by a read that started after it; two batches may
share one), cancel every member not listed (one
SetCompShareTeamRelation each: the API has no batch cancel) and rename by UpdateRemarkName, at
most 8 calls in flight; then grant the budget with one SetCompShareTeamAmount per amount (the
action takes many members for one amount).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure

from ..api import limits
from ..api.rules import kind_of
from ..errors import NotFoundError, ResourceError
from ._batches import (
    ACTIVE,
    Cancel,
    Invite,
    Rename,
    concurrently,
    ids,
    removal_problems,
    rename_problems,
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

if TYPE_CHECKING:  # the client and the API models load with the first API call
    from ..api.models import Relation, TeamInfo
    from ..client import CompShareClient

__all__ = ["TeamMembers", "TeamMembersProvider"]

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
                        f"remark_names names {ids(stray)}, which user_company_ids does not "
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
            f"{'grant' if delta > 0 else 'withdraw'} {abs(delta)} fen to {ids(users)}"
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
                f"TeamMembers {id_}: left {ids(taken)} in team {team_id}: another resource of "
                "this stack took them over in this update (a rename; give the resource "
                "`aliases` to make a rename no change at all)"
            )
        rows = {r.user_company_id: r for r in info.relations}
        remove = [rows[u] for u in sorted(users - set(taken)) if u in rows]
        remove = [r for r in remove if r.status in ACTIVE]
        problems = self._withdraw(client, id_, remove) if state.allocated_amount is not None else []
        if not problems:
            cancels = [Cancel(client, row) for row in remove]
            concurrently(cancels)
            problems = removal_problems(team_id, cancels)
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
        """Bring the team's members to ``args``: one read; then, all at once (they concern
        disjoint members; ``_batches``): the invites in batches, each confirmed by one read, a
        cancel of every unlisted member (what they have not spent withdrawn first when budgets
        are managed), the renames; then one SetCompShareTeamAmount per budget amount to move.
        Everything that can be done is done; what failed is raised at the end in one line
        naming the members."""
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
                f"TeamMembers {ident}: {ids(rejected)} rejected an invite to team {team_id} "
                "before; not inviting again (set reinvite_on_reject=True to invite again)"
            )
        unlisted = set(listed)
        remove = [r for u, r in sorted(rows.items()) if u not in unlisted and r.status in ACTIVE]
        problems: list[str] = []
        if remove and args.allocated_amount is not None:
            problems = self._withdraw(client, ident, remove)
        cancels = [] if problems else [Cancel(client, row) for row in remove]
        invites = [
            Invite(client, team_id, invite[start : start + limits.INVITE_BATCH_MAX], remarks)
            for start in range(0, len(invite), limits.INVITE_BATCH_MAX)
        ]
        renames = [
            Rename(client, team_id, u, remarks[str(u)])
            for u in listed
            if str(u) in remarks
            and u not in invite
            and rows[u].status in ACTIVE
            and rows[u].remark_name != remarks[str(u)]
        ]
        concurrently([*invites, *cancels, *renames])  # disjoint members: all at once
        for job in invites:
            rows.update(job.made)
            problems += job.problems
        problems += removal_problems(team_id, cancels)
        for cancel in cancels:
            if cancel.error is None:
                user = cancel.row.user_company_id
                rows[user] = rows[user].model_copy(update={"status": "Canceled"})
        problems += rename_problems(team_id, renames)
        for rename in renames:
            if rename.error is None:
                rows[rename.user] = rows[rename.user].model_copy(
                    update={"remark_name": rename.name}
                )
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

    def _withdraw(
        self, client: CompShareClient, ident: str, remove: Sequence[Relation]
    ) -> list[str]:
        """Before members with managed budgets are removed: withdraw what they have not spent
        (one SetCompShareTeamAmount per amount). Returns what failed (then none is removed)."""
        try:
            fen_back = withdraw_all_unspent(client, f"TeamMembers {ident}", remove)
        except ResourceError as exc:
            return [str(exc).removeprefix(f"TeamMembers {ident}: ")]
        if fen_back:
            say(
                f"TeamMembers {ident}: withdrew {fen_back} fen (what the members removed "
                "had not spent) before removing them from the team"
            )
        return []


def _claim(client: CompShareClient, team_id: int, user: int) -> tuple[str, str, int, int]:
    """A member's relation as :data:`claims` knows it (as TeamMembership's)."""
    return ("relation", client.base_url, team_id, user)


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
