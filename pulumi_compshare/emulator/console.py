"""What people do outside Pulumi, between two runs: the emulator's console helpers.

Each goes through the API over HTTP with the keys of the account that would do it (the invitee
for an answer to an invite, the owner for the rest), exactly as that person's console would: it
counts in ``stats()``, meets the latency, faults and dialects set, and fails with the client's
one-line errors (:mod:`pulumi_compshare.client`: ``NotFoundError``, ``CompShareAPIError``...) when
the API refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_compshare.emulator.seed import Account

__all__ = ["Console"]


class Console:
    """The console helpers of :class:`~.server.Emulator` (which provides ``url``, ``account``
    and ``state``)."""

    if TYPE_CHECKING:

        @property
        def url(self) -> str: ...

        def account(self, company_id: int) -> Account: ...

        def state(self) -> dict[str, Any]: ...

    def _console(self, company_id: int) -> Any:
        """A client with the keys of seeded account ``company_id`` (``KeyError`` if none)."""
        from pulumi_compshare.client import CompShareClient, Credentials, RetryPolicy

        account = self.account(company_id)
        return CompShareClient(
            Credentials(account.public_key, account.private_key),
            base_url=self.url,
            retry=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.1),
        )

    def _owner_of(self, kind: str, key: int | str) -> int:
        """The company id owning team ``key`` (``kind="teams"``) or image ``key``."""
        for item in self.state()[kind]:
            if item["id"] == key:
                return int(item["owner"])
        raise KeyError(f"no {kind[:-1]} {key!r} in the emulator")

    def accept_invite(self, team_id: int, company_id: int) -> None:
        """Account ``company_id`` accepts its pending invite to ``team_id``
        (SetCompShareTeamRelation ``Agree`` with the invitee's keys)."""
        with self._console(company_id) as client:
            client.set_team_relation(team_id, "Agree")

    def reject_invite(self, team_id: int, company_id: int) -> None:
        """Account ``company_id`` rejects its pending invite to ``team_id`` (``Reject``, with the
        invitee's keys)."""
        with self._console(company_id) as client:
            client.set_team_relation(team_id, "Reject")

    def remove_member(self, team_id: int, company_id: int) -> None:
        """The team's owner cancels ``company_id``'s invite, or removes the member if joined
        (``Cancel`` with the owner's keys; refused for a joined member under the
        ``cancel-pending-only`` dialect)."""
        with self._console(self._owner_of("teams", team_id)) as client:
            client.set_team_relation(team_id, "Cancel", user_company_id=company_id)

    def rename_team(self, team_id: int, name: str, description: str | None = None) -> None:
        """The team's owner renames it, and changes its description if one is given
        (UpdateCompShareTeam)."""
        with self._console(self._owner_of("teams", team_id)) as client:
            client.update_team(team_id, name=name, description=description)

    def delete_team(self, team_id: int) -> None:
        """The team's owner deletes it (DeleteCompShareTeam: refused while it has joined
        members)."""
        with self._console(self._owner_of("teams", team_id)) as client:
            client.delete_team(team_id)

    def share_image(self, image_id: str, *company_ids: int) -> list[int]:
        """The image's owner shares it with ``company_ids`` (ModifyCompShareImageShareAccount,
        10 accounts a call). Returns the accounts the API did not add (InvalidAccounts)."""
        invalid: list[int] = []
        with self._console(self._owner_of("images", image_id)) as client:
            for start in range(0, len(company_ids), 10):
                batch = company_ids[start : start + 10]
                invalid += client.modify_image_share_accounts(image_id, add=batch)
        return invalid

    def unshare_image(self, image_id: str, *company_ids: int) -> None:
        """The image's owner stops sharing it with ``company_ids`` (10 accounts a call)."""
        with self._console(self._owner_of("images", image_id)) as client:
            for start in range(0, len(company_ids), 10):
                batch = company_ids[start : start + 10]
                client.modify_image_share_accounts(image_id, remove=batch)
