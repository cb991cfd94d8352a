"""``TeamMembership``: the team owner's side of a member — invite, keep, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic

from ..api import limits, wire
from ..client.retcodes import error_for_retcode
from ..errors import (
    CompShareAPIError,
    MalformedResponseError,
    NotFoundError,
    ResourceError,
    about,
)
from ._budget import (
    WITHDRAWN_DOC,
    budget_outputs,
    converge_budget,
    declaration_name,
    declare_budget,
    declared_once,
    live_budget,
    withdraw_unspent,
)
from ._cache import reads
from ._claims import HOLDER_DOC, claims, declare_manager, holder_of, managed_once
from ._declare import CompShareResource
from ._fields import (
    boolean,
    diff_props,
    fen,
    output,
    positive_id,
    profile_name,
    prop,
    text,
)
from ._provider import CompShareProvider, Gone, relation_id, relation_id_of, say
from ._values import Args, State
from ._writes import write_and_confirm

if TYPE_CHECKING:  # the client and the API models load with the first API call
    from ..api.models import InviteFailure, Relation
    from ..client import CompShareClient

__all__ = ["TeamMembership", "TeamMembershipProvider"]

ACTIVE = wire.ACTIVE_STATUSES


class MembershipArgs(Args):
    """The inputs of a TeamMembership."""

    team_id: int = prop(
        "The team to invite to (e.g. ``team.team_id``).", positive_id, required=True, replaces=True
    )
    user_company_id: int = prop(
        "The company id of the account to invite.", positive_id, required=True, replaces=True
    )
    remark_name: str | None = prop(
        "The member's remark name in the team (at most 64 characters); unset: left as it is.",
        text(limits.REMARK_NAME_MAX),
        unmanaged_when_none=True,
    )
    reinvite_on_reject: bool = prop(
        "Whether ``pulumi up`` invites again after the account rejected the invite.",
        boolean,
        default=False,
    )
    profile: str | None = prop(
        "The team owner's named credential set from ``compshare:profiles``; ``None``: the "
        "default one.",
        profile_name,
        replaces=True,
    )
    allocated_amount: int | None = prop(
        "The budget granted to the member, in fen (1/100 yuan); ``None``: budgets are not "
        "managed. Once the member has joined, ``pulumi up`` allocates or withdraws the "
        "difference to the live amount (never more than the member has not spent); until then "
        "nothing is granted and ``budget_pending`` is true. Deleting the membership first "
        "withdraws what the member has not spent.",
        fen,
        unmanaged_when_none=True,
    )
    _resource_name: str | None = prop(
        "Set by TeamMembership itself: the resource's name in the program, to name both "
        "resources when one member's budget is declared twice. Kept as ``__resource_name``, an "
        "internal key: never shown in a plan or an output.",
        declaration_name,
        create_only=True,
        internal=True,
        derive=lambda resource_name, _opts: resource_name,
    )


class MembershipState(MembershipArgs, State):
    """The state of a TeamMembership."""

    status: str | None = output("Pending, Joined, Rejected or Canceled.")
    budget_pending: bool | None = output(
        "Whether ``allocated_amount`` waits for the member to join (every ``pulumi up`` looks "
        "again, and grants it once they have)."
    )
    virtual_company_id: int | None = output("The member's virtual company id in the team.")
    team_name: str | None = output("The team's name.")
    granted_amount: int | None = output(
        "The budget granted to the member as the API reports it (``AllocateAmount``), in fen "
        "(1/100 yuan); 0 until a budget is granted."
    )
    available_amount: int | None = output(
        "The part of ``granted_amount`` the member has not spent yet (``AvailableAmount``), in fen."
    )
    create_time: int | None = output("When the invite was sent (unix seconds).")
    _holder: str | None = output(HOLDER_DOC, internal=True)
    _withdrawn: int | None = output(WITHDRAWN_DOC, internal=True)


class TeamMembershipProvider(CompShareProvider[MembershipArgs, MembershipState]):
    """Invites an account to a team, or adopts its pending invite or membership."""

    args_type = MembershipArgs
    state_type = MembershipState
    state_key = "status"

    def name_of(self, args: MembershipArgs) -> str:
        return relation_id_of(args.team_id, args.user_company_id)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        """As every provider's, and: a member's budget declared by two resources of this program
        fails here (in preview), before either moves money (``_budget.declarations``), and so
        does a membership of a team whose members a TeamMembers of this program manages
        (``_claims.managers``)."""
        result = declare_budget(super().check(olds, news), self._base_url)
        return declare_manager(result, self.kind, self._base_url, owns=False)

    def _base_url(self, profile: str | None) -> str:
        return self.profile(profile).base_url

    def on_diff(
        self, id_: str, olds: MembershipState, news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        reinvite = olds.status == "Rejected" and news.get("reinvite_on_reject") is True
        # No longer managing a budget: the state must say so (delete then withdraws nothing).
        released = olds.allocated_amount is not None and news.get("allocated_amount") is None
        same_member = (olds.team_id, olds.user_company_id) == (
            news.get("team_id"),
            news.get("user_company_id"),
        )
        # Replacing with the same team and account (another profile) must cancel before it
        # invites again, or the new resource would adopt the membership the old one then cancels.
        result = diff_props(
            self.props,
            olds.to_dict(),
            news,
            also_changed=reinvite or released,
            delete_before_replace=same_member,
        )
        if not result.changes and olds.budget_pending is True:
            args = self.known(news)
            result.changes = args is not None and self._budget_due(id_, args, olds)
        return result

    def _budget_due(self, id_: str, args: MembershipArgs, olds: MembershipState) -> bool:
        """Whether a budget that waited for the member to join can now be granted: they have
        joined and their live budget differs from the declared one. Says why on the provider's
        stderr (the CLI shows it as a diagnostic; the dynamic Diff has no detailed diff to carry
        it). Reads through the read cache: one read per team per operation, whatever the number
        of members; while nobody has joined, nothing is due and the plan shows no change."""
        desired = args.allocated_amount
        if desired is None:
            return False
        team_id, user = args.team_id, args.user_company_id
        with self.failing_as(id_):
            relation = reads.relation(self.client(args.profile), team_id, user)
        if relation is None or relation.status != "Joined":
            return False
        live = live_budget(relation, olds._withdrawn or 0)
        if desired == live:
            return False
        move = f"grant {desired - live}" if desired > live else f"withdraw {live - desired}"
        say(
            f"TeamMembership {id_}: allocated_amount: {move} fen (account {user} has joined "
            f"team {team_id}; `pulumi up` applies it)"
        )
        return True

    def on_create(
        self, client: CompShareClient, args: MembershipArgs
    ) -> tuple[str, MembershipState]:
        ident = relation_id_of(args.team_id, args.user_company_id)
        declared_once(ident, args.to_dict(), self._base_url)  # before anything is sent
        self._managed_once(ident, args)
        relation, withdrawn = self._converge(client, args, 0)
        holder = holder_of(None)
        claims.hold([_claim(client, args.team_id, args.user_company_id)], holder)
        if relation.status == "Rejected":
            say(
                f"TeamMembership {ident}: account {args.user_company_id} rejected an "
                "invite to this team before; not inviting again "
                "(set reinvite_on_reject=True to invite again)"
            )
        return ident, _state(MembershipState(**vars(args)), relation, holder, withdrawn)

    def _managed_once(self, ident: str, args: MembershipArgs) -> None:
        base_url = self._base_url(args.profile)
        managed_once(ident, self.kind, args._resource_name, base_url, args.team_id)

    def on_read(
        self, client: CompShareClient, id_: str, state: MembershipState
    ) -> MembershipState | Gone:
        """Refresh: Canceled or gone leaves the state; Rejected stays, with status Rejected."""
        team_id, user = relation_id(self.kind, id_)
        relation = reads.relation(client, team_id, user)
        if relation is None or relation.status == "Canceled":
            what = f"a membership of account {user} in team {team_id}"
            return Gone("GetCompShareTeamInfo", what)
        state = state.replace(team_id=team_id, user_company_id=user)
        return _state(state, relation, state._holder, state._withdrawn or 0)

    def on_update(
        self, client: CompShareClient, id_: str, olds: MembershipState, args: MembershipArgs
    ) -> MembershipState:
        declared_once(id_, args.to_dict(), self._base_url)  # before anything is sent
        self._managed_once(id_, args)
        relation, withdrawn = self._converge(client, args, olds._withdrawn or 0)
        holder = holder_of(olds._holder)
        claims.hold([_claim(client, args.team_id, args.user_company_id)], holder)
        return _state(olds.replace(**vars(args)), relation, holder, withdrawn)

    def on_delete(self, client: CompShareClient, id_: str, state: MembershipState) -> None:
        """Pending or Joined -> Cancel (removes a member); Rejected, Canceled or gone -> nothing.
        With a managed budget, what the member has not spent is withdrawn first. A membership
        another resource of this stack took over in this deployment (a rename without an alias)
        is left alone."""
        team_id, user = relation_id(self.kind, id_)
        if claims.taken_over([_claim(client, team_id, user)], state._holder):
            say(
                f"TeamMembership {id_}: left account {user} in team {team_id}: another "
                "TeamMembership of this stack took the membership over in this update (a "
                "rename; give the resource `aliases` to make a rename no change at all)"
            )
            return
        relation = reads.relation(client, team_id, user)
        if relation is None or relation.status not in ACTIVE:
            return
        withdrawn = 0
        if state.allocated_amount is not None:
            withdrawn = withdraw_unspent(client, id_, relation)
            if withdrawn:
                say(
                    f"TeamMembership {id_}: withdrew {withdrawn} fen (what account {user} "
                    "had not spent) before removing them from the team"
                )
        try:
            client.set_team_relation(team_id, "Cancel", user)
        except NotFoundError:
            pass  # canceled meanwhile (or by our own retried request)
        except CompShareAPIError as exc:
            if relation.status != "Joined" or isinstance(exc, MalformedResponseError):
                raise
            # The vendor defines Cancel only for pending invites: the API may refuse to
            # remove a joined member, and no other action is documented for it.
            done = f" (their unspent {withdrawn} fen was withdrawn first)" if withdrawn else ""
            raise ResourceError(
                f"TeamMembership {id_}: account {user} has joined team {team_id} and the "
                f"API refused to remove them ({exc.action} Cancel: {exc.message}){done}; "
                "remove them in the CompShare console and run the command again, or set "
                "retain_on_delete=True to leave them in the team"
            ) from None

    # ------------------------------------------------------------------ convergence

    def _converge(
        self, client: CompShareClient, args: MembershipArgs, withdrawn: int
    ) -> tuple[Relation, int]:
        """Bring the live relation to what ``args`` declare; return it and the withdrawn fen
        to keep in state (``_withdrawn``).

        No relation, or a Canceled one -> invite; Rejected -> invite again only with
        ``reinvite_on_reject``; Pending or Joined -> adopt, renaming if ``remark_name`` differs.
        """
        team_id, user = args.team_id, args.user_company_id
        remark = args.remark_name
        if reads.team_info(client, team_id, member=user) is None:
            raise NotFoundError("GetCompShareTeamInfo", f"team {team_id} does not exist")
        relation = reads.relation(client, team_id, user)
        if (
            relation is None
            or relation.status == "Canceled"
            or (relation.status == "Rejected" and args.reinvite_on_reject)
        ):
            return self._invite(client, team_id, user, remark), withdrawn
        if remark is not None and relation.status in ACTIVE and relation.remark_name != remark:
            client.set_team_relation(team_id, "UpdateRemarkName", user, remark)
            relation = relation.model_copy(update={"remark_name": remark})
        budget = args.allocated_amount
        if budget is not None and relation.status == "Joined":
            ident = relation_id_of(team_id, user)
            return converge_budget(client, ident, relation, budget, withdrawn)
        return relation, withdrawn

    def _invite(
        self, client: CompShareClient, team_id: int, user: int, remark: str | None
    ) -> Relation:
        """CreateCompShareTeamRelation, read back. A lost answer is resolved by reading; an
        invite the read does not show is sent again, which is safe: the API refuses an invite of
        an account already invited (16001), and the read after it finds the relation."""

        from ..api.models import InviteUser

        def send() -> dict[int, InviteFailure]:
            invitee = InviteUser(user_company_id=user, remark_name=remark)
            return client.create_team_relations(team_id, [invitee])

        def confirm(answered: bool, failures: dict[int, InviteFailure] | None) -> Relation | None:
            # any read of the team that started after this invite completed will do
            relation = reads.relation(client, team_id, user, fresh_after=reads.last_write())
            if relation is not None and relation.status in ACTIVE:
                return relation
            if not answered:
                return None  # not seen: sent again (a repeated invite is refused, not doubled)
            failure = (failures or {}).get(user)
            if failure is not None:
                raise error_for_retcode(
                    "CreateCompShareTeamRelation",
                    failure.code,
                    about(f"account {user}", failure.message),
                )
            status = relation.status if relation else "absent"
            raise CompShareAPIError(
                "CreateCompShareTeamRelation",
                f"the invite of account {user} succeeded but its relation is {status}",
            )

        # a second invite of an account already invited is refused (16001), never a duplicate
        return write_and_confirm(send, confirm, refused_when_repeated=True)


def _claim(client: CompShareClient, team_id: int, user: int) -> tuple[str, str, int, int]:
    """A member's relation as :data:`claims` knows it."""
    return ("relation", client.base_url, team_id, user)


def _state(
    state: MembershipState, relation: Relation, holder: str | None, withdrawn: int
) -> MembershipState:
    remark: str | None = relation.remark_name
    if not remark and state.remark_name is None:
        remark = None
    return state.replace(
        remark_name=remark,
        status=relation.status,
        virtual_company_id=relation.virtual_company_id or None,
        team_name=relation.team_name,
        granted_amount=relation.allocate_amount,
        available_amount=relation.available_amount,
        create_time=relation.create_time,
        _holder=holder,
        **budget_outputs(state.allocated_amount, relation, withdrawn),
    )


class TeamMembership(
    CompShareResource,
    module="compshare",
    name="TeamMembership",
    provider=TeamMembershipProvider,
):
    """An account's membership of a team, managed from the team owner's side.

    Create invites the account (CreateCompShareTeamRelation). If the account already has a
    Pending or Joined relation with the team, create *adopts* it instead of inviting again: dynamic
    resources cannot be imported with ``pulumi import``, and adoption is how existing members come
    under management. The invitee accepts with their own credentials (see ``TeamInviteAccepter``).

    Refresh reports the live relation: Canceled or gone removes the resource from the state (the
    next ``pulumi up`` invites again); Rejected keeps it with ``status == "Rejected"``, and the next
    up invites again only when ``reinvite_on_reject=True``. ``remark_name`` changes in place;
    changing ``team_id``, ``user_company_id`` or ``profile`` replaces the membership. Delete cancels
    a pending invite or removes a joined member.

    The Pulumi id is ``"<team_id>:<user_company_id>"``.

    Example Usage::

        import pulumi_compshare as compshare

        team = compshare.Team("ml", name="ml-research")
        alice = compshare.TeamMembership(
            "alice", team_id=team.team_id, user_company_id=50002, remark_name="Alice"
        )
        existing = compshare.TeamMembership.get("bob", id="1001:50003")
    """

    team_id: pulumi.Output[int]
    user_company_id: pulumi.Output[int]
    remark_name: pulumi.Output[str | None]
    reinvite_on_reject: pulumi.Output[bool]
    profile: pulumi.Output[str | None]
    allocated_amount: pulumi.Output[int | None]
    status: pulumi.Output[str]
    budget_pending: pulumi.Output[bool]
    virtual_company_id: pulumi.Output[int]
    team_name: pulumi.Output[str]
    granted_amount: pulumi.Output[int]
    available_amount: pulumi.Output[int]
    create_time: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        team_id: pulumi.Input[int],
        user_company_id: pulumi.Input[int],
        remark_name: pulumi.Input[str] | None = None,
        reinvite_on_reject: pulumi.Input[bool] = False,
        profile: pulumi.Input[str] | None = None,
        allocated_amount: pulumi.Input[int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, opts, locals())
