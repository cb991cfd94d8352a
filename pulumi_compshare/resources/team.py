"""``Team``: a CompShare team owned by the configured account."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pulumi
import pulumi.dynamic

from ..api import limits
from ..api.models import Team as ApiTeam
from ..client import CompShareClient, NotFoundError
from ._base import CompShareProvider, reads, write_and_confirm
from ._fields import Prop, profile_name, text

__all__ = ["Team", "TeamProvider"]

_create_lock = threading.Lock()


class TeamProvider(CompShareProvider):
    """CRUD of a team. The Pulumi id is the team id."""

    kind = "Team"
    props = (
        Prop("name", text(limits.TEAM_NAME_MAX, allow_empty=False), required=True),
        Prop("description", text(limits.TEAM_DESCRIPTION_MAX)),
        Prop("profile", profile_name, replaces=True),
    )

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        args = self.parse(props)
        with self.failing_as(repr(args["name"])):
            client = self.client(args["profile"])
            team = self._create(client, args["name"], args["description"])
            return pulumi.dynamic.CreateResult(str(team.id), self._outputs(args, team))

    def _create(self, client: CompShareClient, name: str, description: str | None) -> ApiTeam:
        """CreateCompShareTeam returns no id: the new team is the one that appears in the list.

        Creation is serialized within the process so that the before/after listing is unambiguous;
        a lost answer is resolved by listing, and the create is re-sent only if no team appeared.
        """
        with _create_lock:
            before = {team.id for team in client.list_teams()}

            def confirm(answered: bool, _answer: None) -> ApiTeam | None:
                new = [t for t in client.list_teams() if t.id not in before]
                reads.wrote_team(client)
                named = [t for t in new if t.name.strip() == name.strip()]
                if named or len(new) == 1:
                    return max(named or new, key=lambda t: t.id)
                if answered:
                    raise NotFoundError(
                        "CreateCompShareTeam",
                        f"the call succeeded but no new team named {name!r} appeared in "
                        "ListCompShareTeam",
                    )
                return None

            return write_and_confirm(lambda: client.create_team(name, description), confirm)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        """Refresh (props: old outputs) or get (props: the program's inputs, id given)."""
        with self.failing_as(id_):
            profile = self.profile_of(props)
            info = reads.team_info(self.client(profile), int(id_))
            if info is None:
                return pulumi.dynamic.ReadResult(None, {})
            team = info.team
            description: str | None = team.description
            if not description and props.get("description") is None:
                description = None  # unset stays unset rather than drifting to ""
            live = {"name": team.name, "description": description, "profile": profile}
            return pulumi.dynamic.ReadResult(id_, self._outputs(live, team))

    def update(
        self, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        args = self.parse(news)
        with self.failing_as(id_):
            client = self.client(args["profile"])
            client.update_team(id_, name=args["name"], description=args["description"] or "")
            reads.wrote_team(client, int(id_))
            info = reads.team_info(client, int(id_))
            company_id = info.team.company_id if info else olds.get("company_id")
            return pulumi.dynamic.UpdateResult(
                {**args, "team_id": int(id_), "company_id": company_id}
            )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.failing_as(id_):
            client = self.client(self.profile_of(props))
            with contextlib.suppress(NotFoundError):
                client.delete_team(id_)
            reads.wrote_team(client, int(id_))

    @staticmethod
    def _outputs(args: dict[str, Any], team: Any) -> dict[str, Any]:
        return {**args, "team_id": team.id, "company_id": team.company_id}


class Team(pulumi.dynamic.Resource, module="compshare", name="Team"):
    """A CompShare team owned by the account whose credentials the provider uses.

    Create calls CreateCompShareTeam and finds the new team by listing; ``name`` and
    ``description`` change in place (UpdateCompShareTeam); delete calls DeleteCompShareTeam, which
    the API refuses while the team has members (delete their ``TeamMembership`` first — Pulumi does
    this for you when memberships take ``team_id`` from this resource).

    The Pulumi id is the team id.
    """

    name: pulumi.Output[str]
    """The team's name."""
    description: pulumi.Output[str | None]
    """The team's description."""
    profile: pulumi.Output[str | None]
    """The named credential set used (``compshare:profiles``); ``None``: the default one."""
    team_id: pulumi.Output[int]
    """The team id (also the Pulumi id)."""
    company_id: pulumi.Output[int]
    """The company (account) id of the team's owner."""

    def __init__(
        self,
        resource_name: str,
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param resource_name: the Pulumi resource name.
        :param name: the team's name (1 to 64 characters).
        :param description: the team's description (at most 256 characters).
        :param profile: a named credential set from ``compshare:profiles``; default: the
            provider's default credentials.
        :param opts: Pulumi resource options.
        """
        super().__init__(
            TeamProvider(),
            resource_name,
            {
                "name": name,
                "description": description,
                "profile": profile,
                "team_id": None,
                "company_id": None,
            },
            opts,
        )
