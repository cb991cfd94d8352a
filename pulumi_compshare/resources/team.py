"""``Team``: a CompShare team owned by the configured account.

**Identity.** CreateCompShareTeam returns no id, team names are not unique, and a Create that
failed records nothing in the stack (the engine keeps no partial state), so a team cannot be
found by name or by "the one new team between two listings" without sometimes taking someone
else's or leaving a second one behind. Instead each ``Team`` carries a *creation marker*: a hash
of its URN (project, stack, parent types and name), computed by the program. Create puts the
marker in the new team's description, finds the team by it, then restores the declared name and
description. A team that still carries the marker is a leftover of an earlier Create of this
very resource that failed after the team was made: the next Create takes it instead of making
another. A team without the marker is never taken, unless the program names it in
``adopt_team_id``.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic

from ..api import limits
from ..errors import APIError, NotFoundError, ResourceError
from ._cache import reads
from ._declare import CompShareResource
from ._fields import output, positive_id, profile_name, prop, text
from ._journal import intent, traces
from ._provider import CompShareProvider, Gone, say
from ._values import Args, State
from ._writes import write_and_confirm

if TYPE_CHECKING:  # the client and the API models load with the first API call
    from ..api.models import Team as ApiTeam
    from ..client import CompShareClient

__all__ = ["Team", "TeamProvider", "creation_marker", "marker_of"]

TYPE_TOKEN = "pulumi-python:dynamic/compshare:Team"
_STACK_TYPE = "pulumi:pulumi:Stack"
_MARKER = re.compile(r"[0-9a-f]{24}")
_TAG = "[pulumi-compshare creating {}]"
_TAG_START = _TAG.split("{", 1)[0]


def creation_marker(resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.Input[str]:
    """The marker of the Team called ``resource_name``: 24 hex digits of the SHA-256 of its
    Pulumi organisation and URN, the same in every run of this stack and different for every other
    resource and stack, including the same-named stack of another organisation (URNs do not hold
    the organisation: two people's ``dev`` stacks of one project have the same URNs)."""
    parent = opts.parent if opts is not None else None

    def of(parent_urn: str | None) -> str:
        chain = TYPE_TOKEN
        parent_type = parent_urn.split("::")[2] if parent_urn else _STACK_TYPE
        if parent_type != _STACK_TYPE:
            chain = f"{parent_type}${TYPE_TOKEN}"
        urn = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{chain}::{resource_name}"
        return marker_of(urn, pulumi.get_organization())

    return of(None) if parent is None else parent.urn.apply(of)


def marker_of(urn: str, organization: str = "") -> str:
    """The creation marker of the Team with this URN in this organisation: 24 hex digits of the
    SHA-256 of ``"<organization>\\n<urn>"``. The program computes it (:func:`creation_marker`);
    the provider plugin, which sees the URN, computes it from the URN alone (a resource plugin is
    told no organisation: ``CheckRequest`` and ``CreateRequest`` in ``proto/pulumi/provider.proto``
    have none), so stacks are told apart there by project and stack name."""
    return hashlib.sha256(f"{organization}\n{urn}".encode()).hexdigest()[:24]


def _marker(value: Any) -> str:
    if not (isinstance(value, str) and _MARKER.fullmatch(value)):
        raise ValueError("is set by Team itself (24 hex digits)")
    return value


class TeamArgs(Args):
    """The inputs of a Team."""

    name: str = prop(
        "The team's name (1 to 64 characters).",
        text(limits.TEAM_NAME_MAX, allow_empty=False),
        required=True,
    )
    description: str | None = prop(
        "The team's description (at most 256 characters; may span lines).",
        text(limits.TEAM_DESCRIPTION_MAX, multiline=True),
    )
    profile: str | None = prop(
        "A named credential set from ``compshare:profiles``; ``None``: the default one.",
        profile_name,
        replaces=True,
    )
    adopt_team_id: int | None = prop(
        "Take over this existing team of the account on create instead of making a new one "
        "(its name and description become the declared ones; destroy deletes it unless "
        "``retain_on_delete``). Read only when the resource is created.",
        positive_id,
        create_only=True,
    )
    _creation_marker: str | None = prop(
        "Set by Team itself: a hash of the resource's URN that identifies the team it creates. "
        "Kept as ``__creation_marker``, an internal key: never shown in a plan or an output.",
        _marker,
        create_only=True,
        internal=True,
        derive=creation_marker,
        from_urn=marker_of,
    )


class TeamState(TeamArgs, State):
    """The state of a Team."""

    team_id: int = output(
        "The team id (the Pulumi id as a number; known in previews of updates).", from_id=-1
    )
    company_id: int | None = output("The company (account) id of the team's owner.")


class TeamProvider(CompShareProvider[TeamArgs, TeamState]):
    """CRUD of a team. The Pulumi id is the team id."""

    args_type = TeamArgs
    state_type = TeamState
    state_key = "team_id"

    def name_of(self, args: TeamArgs) -> str:
        return repr(args.name)

    def on_diff(self, id_: str, olds: TeamState, news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        result = super().on_diff(id_, olds, news)
        if result.changes and _TAG_START in (olds.description or ""):
            say(
                f"Team {id_}: name, description: set the declared ones (the create that made "
                "the team could not)"
            )
        return result

    def on_create(self, client: CompShareClient, args: TeamArgs) -> tuple[str, TeamState]:
        if args.adopt_team_id is not None:
            team = self._adopt(client, args.adopt_team_id)
            live = self._restore(client, team, args)
        else:
            # No URN-based marker (the resource was not declared by Team): no leftover to find.
            marker = args._creation_marker or uuid.uuid4().hex[:24]
            team = self._create(client, args.name, marker)
            # Until the engine has the id, this machine remembers which team is this
            # resource's: a restore that lands removes the marker, and a process killed
            # right after it would otherwise leave the next up nothing to find the team by.
            with _made(client, marker, team.id):
                live = self._restore(client, team, args)
        state = TeamState(**vars(live), team_id=team.id, company_id=team.company_id)
        return str(team.id), state

    @staticmethod
    def _restore(client: CompShareClient, team: ApiTeam, args: TeamArgs) -> TeamArgs:
        """Give the team found its declared name and description; returns the values to record.

        Once the team exists and is found, Create must not fail for want of this write: a failed
        Create records nothing, and a restore that landed but whose answer was lost has removed
        the creation marker, so the next up would make a second team. So a failed restore is
        reported as drift (the name and description the team had when found are recorded) and
        the next ``pulumi up`` sets them, its Diff saying why."""
        try:
            client.update_team(team.id, name=args.name, description=args.description or "")
        except APIError as exc:
            say(
                f"Team {team.id}: created, but setting its name and description failed "
                f"({exc.action}: {exc.message}); the next `pulumi up` sets them"
            )
            return args.replace(name=team.name, description=team.description)
        return args

    @staticmethod
    def _create(client: CompShareClient, name: str, marker: str) -> ApiTeam:
        """Find this resource's leftover team by its creation tag (or, once the tag is gone, by
        the trace a killed create left on this machine), or create one carrying the tag.

        The create is sent again only when it surely did not land, so a flaky network never
        makes two teams; the caller then restores the description."""
        tag = _TAG.format(marker)

        def tagged() -> list[ApiTeam]:
            return sorted(
                (t for t in client.list_teams() if tag in (t.description or "")),
                key=lambda t: t.id,
            )

        listed = client.list_teams()
        found = sorted((t for t in listed if tag in (t.description or "")), key=lambda t: t.id)
        if not found:
            found = _traced(client, marker, listed)
        before = {t.id for t in found}
        sent = 0
        if not found:

            def confirm(answered: bool, _answer: None) -> list[ApiTeam] | None:
                teams = tagged()
                if teams:
                    return teams
                if answered:
                    raise NotFoundError(
                        "CreateCompShareTeam",
                        f"the call succeeded but no team described {tag!r} appeared in "
                        "ListCompShareTeam",
                    )
                return None

            def send() -> None:
                nonlocal sent
                sent += 1
                client.create_team(name, tag)

            found = write_and_confirm(send, confirm)
        if sent > 1:  # a listing lagged behind a create this call sent: the extras are its own
            for extra in [t for t in found[1:] if t.id not in before][: sent - 1]:
                with contextlib.suppress(NotFoundError):
                    client.delete_team(extra.id)
        return found[0]

    @staticmethod
    def _adopt(client: CompShareClient, team_id: int) -> ApiTeam:
        """The existing team the program names in ``adopt_team_id`` (it must be the caller's)."""
        for team in client.list_teams():
            if team.id == team_id:
                return team
        raise NotFoundError(
            "ListCompShareTeam",
            f"adopt_team_id {team_id} is not a team of this account: check the id "
            "(compshare.get_teams() lists them) and the profile",
        )

    def on_read(self, client: CompShareClient, id_: str, state: TeamState) -> TeamState | Gone:
        """Refresh (the stored state) or get (the program's inputs, id given)."""
        team_id = positive_id(id_)
        info = reads.team_info(client, team_id)
        if info is None:
            return Gone("GetCompShareTeamInfo", f"team {team_id}")
        team = info.team
        description: str | None = team.description
        if not description and state.description is None:
            description = None  # unset stays unset rather than drifting to ""
        return state.replace(
            name=team.name, description=description, team_id=team.id, company_id=team.company_id
        )

    def on_update(
        self, client: CompShareClient, id_: str, olds: TeamState, args: TeamArgs
    ) -> TeamState:
        client.update_team(id_, name=args.name, description=args.description or "")
        info = reads.team_info(client, int(id_))
        company_id = info.team.company_id if info else olds.company_id
        return TeamState(**vars(args), team_id=int(id_), company_id=company_id)

    def on_delete(self, client: CompShareClient, id_: str, state: TeamState) -> None:
        try:
            client.delete_team(id_)
        except NotFoundError:
            pass
        except APIError as exc:
            _refused_for_members(client, int(id_), exc)
            raise


def _refused_for_members(client: CompShareClient, team_id: int, refusal: APIError) -> None:
    """If the team still has members (the API deletes only empty teams), fail saying so and how
    Pulumi orders the deletes; otherwise return (the caller re-raises ``refusal``)."""
    info = reads.team_info(client, team_id)
    members = sorted(
        r.user_company_id for r in (info.relations if info else ()) if r.status == "Joined"
    )
    if not members:
        return
    listed = ", ".join(map(str, members[:5])) + (", ..." if len(members) > 5 else "")
    raise ResourceError(
        f"Team {team_id}: {refusal.action} refused: the team still has {len(members)} joined "
        f"member(s) ({listed}); delete their TeamMembership resources first: give each "
        "membership team_id=team.team_id (this Team's output, not the number) and Pulumi deletes "
        "them before the team; or remove them in the CompShare console, then run the command again"
    ) from None


def _subject(marker: str) -> str:
    return f"team {marker}"


def _made(client: CompShareClient, marker: str, team_id: int) -> Any:
    return intent(
        client.base_url, client.credentials.public_key, _subject(marker), {"team_id": team_id}
    )


def _traced(client: CompShareClient, marker: str, listed: list[ApiTeam]) -> list[ApiTeam]:
    """The team a killed create of this resource made on this machine (its trace names it), if
    the account still has it; traces are used once."""
    teams = {t.id: t for t in listed}
    found = []
    for trace in traces(client.base_url, client.credentials.public_key, _subject(marker)):
        team_id = trace.data.get("team_id")
        if isinstance(team_id, int) and team_id in teams:
            found.append(teams[team_id])
        trace.remove()
    return sorted(found, key=lambda t: t.id)[:1]


class Team(CompShareResource, module="compshare", name="Team", provider=TeamProvider):
    """A CompShare team owned by the account whose credentials the provider uses.

    Create calls CreateCompShareTeam and finds the new team by a creation marker unique to this
    resource (never by name: a same-named team made elsewhere is not taken). A team left behind
    by an earlier failed create of this resource is found and used. ``adopt_team_id`` takes over
    an existing team instead. ``name`` and ``description`` change in place
    (UpdateCompShareTeam); delete calls DeleteCompShareTeam, which the API refuses while the team
    has members (delete their ``TeamMembership`` first — Pulumi does this for you when
    memberships take ``team_id`` from this resource).

    The Pulumi id is the team id.

    Example Usage::

        import pulumi_compshare as compshare

        team = compshare.Team("ml", name="ml-research", description="GPU budget for ML")
        legacy = compshare.Team("legacy", name="legacy", adopt_team_id=1001)
        existing = compshare.Team.get("existing", id="1002")
    """

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]
    adopt_team_id: pulumi.Output[int | None]
    team_id: pulumi.Output[int]
    company_id: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        adopt_team_id: pulumi.Input[int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, opts, locals())
