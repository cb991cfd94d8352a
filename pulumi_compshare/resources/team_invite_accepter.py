"""``TeamInviteAccepter``: the invitee's side — accept a pending invite to a team."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi.dynamic

from ..errors import APIError, NotFoundError
from ._cache import reads
from ._declare import CompShareResource
from ._fields import output, positive_id, profile_name, prop
from ._provider import CompShareProvider, Gone, relation_id, relation_id_of
from ._values import Args, State

if TYPE_CHECKING:  # the client and the API models load with the first API call
    from ..api.models import Relation
    from ..client import CompShareClient

__all__ = ["TeamInviteAccepter", "TeamInviteAccepterProvider"]


class AccepterArgs(Args):
    """The inputs of a TeamInviteAccepter."""

    team_id: int = prop(
        "The team whose invite to accept (e.g. ``membership.team_id``, which also orders this "
        "after the invite).",
        positive_id,
        required=True,
        replaces=True,
    )
    profile: str | None = prop(
        "The invitee's named credential set from ``compshare:profiles``; ``None``: the default "
        "one.",
        profile_name,
        replaces=True,
    )


class AccepterState(AccepterArgs, State):
    """The state of a TeamInviteAccepter."""

    user_company_id: int = output(
        "The invitee's company id (from the Pulumi id; known in previews of updates).", from_id=1
    )
    virtual_company_id: int | None = output("The invitee's virtual company id in the team.")
    team_name: str | None = output("The team's name.")
    owner_company_id: int | None = output("The company id of the team's owner.")
    status: str | None = output("Joined once accepted.")


class TeamInviteAccepterProvider(CompShareProvider[AccepterArgs, AccepterState]):
    """Agrees to the caller's pending invite to a team (SetCompShareTeamRelation Agree)."""

    args_type = AccepterArgs
    state_type = AccepterState
    state_key = "status"

    def name_of(self, args: AccepterArgs) -> str:
        return f"team {args.team_id}"

    def on_create(self, client: CompShareClient, args: AccepterArgs) -> tuple[str, AccepterState]:
        team_id = args.team_id
        joined = self._joined(client, team_id)
        if joined is None:
            invite = self._invite(client, team_id)
            if invite is None or invite.status != "Pending":
                state = f"the last invite is {invite.status}" if invite else "there is none"
                raise NotFoundError(
                    "ListCompShareTeamInvite",
                    f"no pending invite to team {team_id} for this account ({state}): the "
                    "team owner must invite it first (TeamMembership), and this resource "
                    "must depend on that membership, e.g. team_id=membership.team_id",
                )
            joined = self._agree(client, team_id)
            owner = invite.team_use_company_id
        else:
            invite = self._invite(client, team_id)
            owner = invite.team_use_company_id if invite else 0
        ident = relation_id_of(team_id, joined.user_company_id)
        return ident, _state(AccepterState(**vars(args)), joined, owner)

    def _agree(self, client: CompShareClient, team_id: int) -> Relation:
        """Agree, then confirm from ListCompShareTeamJoined (received invites may list Pending
        invites only). An Agree whose answer was lost and that was retried fails the second
        time although the account has joined: the listing decides."""
        try:
            client.set_team_relation(team_id, "Agree")
        except APIError:
            joined = self._joined(client, team_id, fresh_after=reads.last_write())
            if joined is not None:
                return joined
            raise
        # any listing started after the Agree will do
        joined = self._joined(client, team_id, fresh_after=reads.last_write())
        if joined is None:
            raise NotFoundError(
                "ListCompShareTeamJoined",
                f"Agree succeeded but team {team_id} is not among the teams this account joined",
            )
        return joined

    @staticmethod
    def _invite(client: CompShareClient, team_id: int) -> Relation | None:
        """The caller's most recent invite to ``team_id`` (any status listed)."""
        mine = [r for r in reads.received_invites(client) if r.team_id == team_id]
        return max(mine, key=lambda r: r.create_time) if mine else None

    @staticmethod
    def _joined(client: CompShareClient, team_id: int, fresh_after: int = 0) -> Relation | None:
        """The caller's Joined relation with ``team_id``, if any (``fresh_after``: from a
        listing that started after that moment)."""
        for relation in reads.joined_teams(client, fresh_after=fresh_after):
            if relation.team_id == team_id and relation.status == "Joined":
                return relation
        return None

    def on_read(
        self, client: CompShareClient, id_: str, state: AccepterState
    ) -> AccepterState | Gone:
        """Refresh: once the account is no longer Joined, the resource leaves the state."""
        team_id, user = relation_id(self.kind, id_)
        joined = self._joined(client, team_id)
        if joined is None or joined.user_company_id != user:
            what = f"an accepted invite of account {user} to team {team_id}"
            return Gone("ListCompShareTeamJoined", what)
        return _state(state.replace(team_id=team_id), joined, state.owner_company_id)

    def on_update(
        self, client: CompShareClient, id_: str, olds: AccepterState, args: AccepterArgs
    ) -> AccepterState:
        # Every input replaces; nothing changes in place.
        return olds.replace(**vars(args))

    def on_delete(self, client: CompShareClient, id_: str, state: AccepterState) -> None:
        """Nothing to do: leaving a team is the owner's TeamMembership delete."""


def _state(state: AccepterState, joined: Relation, owner: int | None) -> AccepterState:
    return state.replace(
        user_company_id=joined.user_company_id,
        virtual_company_id=joined.virtual_company_id or None,
        team_name=joined.team_name,
        owner_company_id=joined.team_use_company_id or owner or None,
        status=joined.status,
    )


class TeamInviteAccepter(
    CompShareResource,
    module="compshare",
    name="TeamInviteAccepter",
    provider=TeamInviteAccepterProvider,
):
    """Accepts the caller's pending invite to a team — the invitee's side of a membership.

    Usually used with ``profile`` naming the invitee's credentials, so one program can act as
    the team owner (``TeamMembership``) and as the invitee. Create finds the caller's pending
    invite to ``team_id`` and agrees, then confirms from the teams the account joined; an account
    that already joined is success; no invite is an error. Refresh removes the resource from the
    state once the account is no longer Joined. Delete does nothing: removing a member is the
    owner's ``TeamMembership`` delete.

    The Pulumi id is ``"<team_id>:<user_company_id>"``.

    Example Usage::

        import pulumi_compshare as compshare

        member = compshare.TeamMembership("bob", team_id=1001, user_company_id=50003)
        joined = compshare.TeamInviteAccepter("bob-joins", team_id=member.team_id, profile="bob")
    """

    team_id: pulumi.Output[int]
    profile: pulumi.Output[str | None]
    user_company_id: pulumi.Output[int]
    virtual_company_id: pulumi.Output[int]
    team_name: pulumi.Output[str]
    owner_company_id: pulumi.Output[int]
    status: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        team_id: pulumi.Input[int],
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, opts, locals())
