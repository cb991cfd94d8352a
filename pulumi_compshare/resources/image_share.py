"""``ImageShare``: which accounts a custom image is shared with (additive or exclusive)."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi.dynamic

from ..api import limits
from ..errors import (
    APIError,
    InvalidParameterError,
    NotFoundError,
    OutcomeUnknownError,
    UnavailableError,
)
from ._cache import reads
from ._claims import HOLDER_DOC, claims, holder_of
from ._declare import CompShareResource
from ._fields import boolean, diff_props, id_set, image_id, output, profile_name, prop
from ._journal import Intent, intent, traces
from ._provider import CompShareProvider, Gone, say
from ._values import Args, State

if TYPE_CHECKING:  # the client loads with the first API call
    from ..client import CompShareClient

__all__ = ["ImageShare", "ImageShareProvider"]

ACTION = "ModifyCompShareImageShareAccount"


def _batches(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), limits.SHARE_BATCH_MAX):
        yield list(ids[start : start + limits.SHARE_BATCH_MAX])


class ShareArgs(Args):
    """The inputs of an ImageShare."""

    image_id: str = prop(
        'The custom image, e.g. ``"compshareImage-abc"``.', image_id, required=True, replaces=True
    )
    account_ids: list[int] = prop(
        "The company ids of the accounts to share with; as an output, the managed accounts that "
        "really have access (sorted).",
        id_set,
        required=True,
    )
    exclusive: bool = prop("Also remove every account not listed.", boolean, default=False)
    profile: str | None = prop(
        "The image owner's named credential set from ``compshare:profiles``; ``None``: the "
        "default one.",
        profile_name,
        replaces=True,
    )


class ShareState(ShareArgs, State):
    """The state of an ImageShare."""

    unmanaged_account_ids: list[int] | None = output(
        "Accounts the image is shared with that this resource does not manage (sorted)."
    )
    _holder: str | None = output(HOLDER_DOC, internal=True)


class ImageShareProvider(CompShareProvider[ShareArgs, ShareState]):
    """Shares a custom image with a set of accounts. Every write is computed against the live
    share list, so an interrupted or retried operation converges."""

    args_type = ShareArgs
    state_type = ShareState
    state_key = "unmanaged_account_ids"

    def name_of(self, args: ShareArgs) -> str:
        return args.image_id

    def on_diff(
        self, id_: str, olds: ShareState, news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        # exclusive=True owns the whole list: accounts shared elsewhere are drift to remove.
        strangers = news.get("exclusive") is True and bool(olds.unmanaged_account_ids)
        # Same image under another profile: remove before re-adding, or the new share would
        # adopt accounts the old one then removes.
        same_image = olds.image_id == news.get("image_id")
        result = diff_props(
            self.props,
            olds.to_dict(),
            news,
            also_changed=strangers,
            delete_before_replace=same_image,
        )
        if not result.changes and not result.replaces:
            args = self.known(news)
            if args is not None:
                result.changes = self._left_behind(id_, olds, args)
        return result

    def _left_behind(self, id_: str, olds: ShareState, args: ShareArgs) -> bool:
        """Whether a killed or timed-out run of a share of this image left accounts it added but
        never recorded (its trace on this machine) that the program does not declare: the update
        removes them. Says which on stderr. Reads only this machine's journal, not the API."""
        with self.failing_as(id_):
            client = self.client(args.profile)
        recorded = set(olds.account_ids or []) | set(args.account_ids)
        stray = _traced_accounts(client, args.image_id) - recorded
        if stray:  # rare: only then is the live list read, so the plan names what is there
            with self.failing_as(id_):
                share = reads.share_list(client, args.image_id)
            stray &= {a.account_id for a in share or ()}
        if stray:
            say(
                f"ImageShare {id_}: account_ids: removes {_ids(stray)}, added by an earlier run "
                "that was interrupted before the stack recorded them"
            )
        return bool(stray)

    def on_create(self, client: CompShareClient, args: ShareArgs) -> tuple[str, ShareState]:
        leftovers = _traces(client, args.image_id)
        live = self._converge(client, args, stop_managing=_accounts(leftovers))
        _used(leftovers)
        holder = holder_of(None)
        claims.hold(_claims(client, args.image_id, args.account_ids), holder)
        return args.image_id, _state(ShareState(**vars(args)), live, holder)

    def on_update(
        self, client: CompShareClient, id_: str, olds: ShareState, args: ShareArgs
    ) -> ShareState:
        managed_before = set(olds.account_ids or [])
        holder = holder_of(olds._holder)
        dropped = managed_before - set(args.account_ids)
        leftovers = _traces(client, id_)
        stop = _unclaimed(client, id_, dropped | _accounts(leftovers), holder)
        live = self._converge(client, args, stop_managing=stop)
        _used(leftovers)
        claims.hold(_claims(client, id_, args.account_ids), holder)
        return _state(olds.replace(**vars(args)), live, holder)

    def on_read(self, client: CompShareClient, id_: str, state: ShareState) -> ShareState | Gone:
        """Refresh: accounts removed elsewhere disappear from ``account_ids`` (drift the next up
        restores); an image that no longer exists leaves the state."""
        share = reads.share_list(client, id_)
        if share is None:
            return Gone("DescribeCompShareImageShareAccounts", f"image {id_}")
        live = {a.account_id for a in share}
        # an import by the id alone (no inputs, no state: the plugin form) takes the live list;
        # a get names what it manages (``account_ids``, none by default), a refresh its state
        listed = sorted(live) if state.account_ids is None else state.account_ids
        state = state.replace(image_id=id_, account_ids=listed)
        return _state(state, live, state._holder)

    def on_delete(self, client: CompShareClient, id_: str, state: ShareState) -> None:
        """Remove the accounts this resource manages (not those another resource of this stack
        took over in this deployment); a missing image counts as deleted."""
        leftovers = _traces(client, id_)
        managed = set(state.account_ids or []) | _accounts(leftovers)
        managed = _unclaimed(client, id_, managed, state._holder)
        live = self._live(client, id_, missing_ok=True)
        if live is not None:
            self._remove(client, id_, sorted(managed & live))
        _used(leftovers)

    # ------------------------------------------------------------------ convergence

    def _converge(
        self, client: CompShareClient, args: ShareArgs, stop_managing: set[int]
    ) -> set[int]:
        """Add what is missing, then remove what must go (accounts no longer listed; with
        ``exclusive``, every account not listed). Returns the share list afterwards.

        If anything fails after the first add was sent (an add batch, InvalidAccounts, a remove
        batch), the accounts this operation tried to add are removed again before the error is
        raised, so no account keeps access that the stack's state does not show.
        """
        image = args.image_id
        desired = set(args.account_ids)
        live = self._live(client, image)
        assert live is not None
        unwanted = (live - desired) if args.exclusive else (stop_managing & live) - desired
        sent: list[int] = []
        invalid: set[int] = set()
        adding = sorted(desired - live)
        with contextlib.ExitStack() as journal:
            # until the stack records them, this machine remembers what it is adding
            added = journal.enter_context(_adding(client, image, adding)) if adding else None
            try:
                for batch in _batches(adding):
                    sent.extend(batch)
                    invalid |= set(client.modify_image_share_accounts(image, add=batch))
                if invalid:
                    raise InvalidParameterError(
                        ACTION,
                        f"AddAccounts {_ids(invalid)} are not valid accounts (InvalidAccounts)",
                    )
                for batch in _batches(sorted(unwanted)):
                    client.modify_image_share_accounts(image, remove=batch)
            except APIError as exc:
                error, stay = _taken_back(client, image, [a for a in sent if a not in invalid], exc)
                if added is not None and (stay or _maybe_later(exc)):
                    # taken back, but an add may still land (held by the network) or the
                    # take-back failed: the next run of a share of this image looks again
                    added.kept = True
                raise error from None
        return (live | (set(sent) - invalid)) - unwanted

    @staticmethod
    def _live(client: CompShareClient, image: str, missing_ok: bool = False) -> set[int] | None:
        share = reads.share_list(client, image, fresh_after=reads.now())  # writes need it
        if share is None:
            if missing_ok:
                return None
            raise NotFoundError(
                "DescribeCompShareImageShareAccounts",
                f"image {image} does not exist or is not a custom image of this account",
            )
        return {account.account_id for account in share}

    @staticmethod
    def _remove(client: CompShareClient, image: str, remove: Sequence[int]) -> None:
        """Remove accounts, at most 10 per call."""
        for batch in _batches(remove):
            client.modify_image_share_accounts(image, remove=batch)


def _taken_back(
    client: CompShareClient, image: str, added: list[int], error: APIError
) -> tuple[APIError, bool]:
    """``error``, after removing the accounts this operation added, and whether some of them
    stay shared; the message says what was taken back, or which accounts stay shared if taking
    them back failed too (the next run of a share of this image then removes them)."""
    if not added:
        return error, False
    try:
        ImageShareProvider._remove(client, image, added)
    except APIError as again:
        note = (
            f"{error.message}; removing the accounts this operation added failed too "
            f"({again.action}: {again.message}), so {_ids(added)} stay shared: run `pulumi up` "
            "again, which removes them, or remove them in the console"
        )
        stay = True
    else:
        note = f"{error.message}; the accounts this operation added ({_ids(added)}) were removed"
        stay = False
    rebuilt = type(error)(error.action, note, ret_code=error.ret_code, request_id=error.request_id)
    return rebuilt, stay


def _maybe_later(error: APIError) -> bool:
    """Whether a failed call may still take effect later: its answer was lost or it timed out
    (a request held by the network), rather than a clear refusal by the API."""
    if isinstance(error, InvalidParameterError):  # answered: InvalidAccounts
        return False
    return error.ret_code is None or isinstance(error, (OutcomeUnknownError, UnavailableError))


def _subject(image: str) -> str:
    return f"image {image}"


def _adding(client: CompShareClient, image: str, accounts: list[int]) -> Any:
    """The intent of adding ``accounts`` to ``image``'s share list (see ``_journal``)."""
    return intent(
        client.base_url, client.credentials.public_key, _subject(image), {"adding": accounts}
    )


def _traces(client: CompShareClient, image: str) -> list[Intent]:
    """What killed runs on this machine were adding to ``image`` and never recorded."""
    return traces(client.base_url, client.credentials.public_key, _subject(image))


def _accounts(leftovers: Iterable[Intent]) -> set[int]:
    found: set[int] = set()
    for trace in leftovers:
        found |= {a for a in trace.data.get("adding") or () if isinstance(a, int)}
    return found


def _traced_accounts(client: CompShareClient, image: str) -> set[int]:
    return _accounts(_traces(client, image))


def _used(leftovers: Iterable[Intent]) -> None:
    """The traces were reconciled: forget them."""
    for trace in leftovers:
        trace.remove()


def _claims(client: CompShareClient, image: str, accounts: Iterable[int]) -> list[Hashable]:
    """The shares of ``image`` with ``accounts`` as :data:`claims` knows them."""
    return [("share", client.base_url, image, account) for account in accounts]


def _unclaimed(
    client: CompShareClient, image: str, accounts: set[int], holder: str | None
) -> set[int]:
    """``accounts`` less those another resource of this stack took over in this deployment (a
    rename without an alias): removing them would take away what the program still declares."""
    held = claims.taken_over(_claims(client, image, accounts), holder)
    kept = sorted(a for a in accounts if ("share", client.base_url, image, a) in held)
    if kept:
        say(
            f"ImageShare {image}: left {_ids(kept)} shared: another ImageShare of this stack "
            "took them over in this update (a rename; give the resource `aliases` to make a "
            "rename no change at all)"
        )
    return accounts - set(kept)


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(map(str, sorted(ids)))


def _state(state: ShareState, live: set[int], holder: str | None) -> ShareState:
    managed = set(state.account_ids)
    return state.replace(
        account_ids=sorted(managed & live),
        unmanaged_account_ids=sorted(live - managed),
        _holder=holder,
    )


class ImageShare(
    CompShareResource, module="compshare", name="ImageShare", provider=ImageShareProvider
):
    """Shares a custom image with a set of accounts.

    ``account_ids`` is a set: order and duplicates never cause a diff. By default sharing is
    *additive*: the resource manages the accounts it lists and leaves any others alone, so several
    ``ImageShare`` resources (or people) can share one image. With ``exclusive=True`` it owns the
    whole list and also removes every account not listed.

    Writes are computed against the live share list (adds before removes, at most 10 of each per
    API call), so a retried or interrupted update converges; when anything fails after an add,
    what that operation added is removed again. Refresh shows accounts removed elsewhere as
    drift, which the next ``pulumi up`` restores; an image that no longer exists leaves the
    state. Delete removes the accounts the resource manages.

    The Pulumi id is the image id.

    Example Usage::

        import pulumi_compshare as compshare

        share = compshare.ImageShare(
            "cuda-base", image_id="compshareImage-abc", account_ids=[50002, 50003]
        )
        existing = compshare.ImageShare.get("seen", id="compshareImage-def")
    """

    image_id: pulumi.Output[str]
    account_ids: pulumi.Output[list[int]]
    exclusive: pulumi.Output[bool]
    profile: pulumi.Output[str | None]
    unmanaged_account_ids: pulumi.Output[list[int]]

    def __init__(
        self,
        resource_name: str,
        image_id: pulumi.Input[str],
        account_ids: pulumi.Input[Sequence[pulumi.Input[int]]],
        exclusive: pulumi.Input[bool] = False,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, opts, locals())

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        account_ids: pulumi.Input[Sequence[pulumi.Input[int]]] | None = None,
    ) -> ImageShare:
        """Reference an existing image's share list read-only (``id`` is the image id); fails if
        the image does not exist. ``account_ids`` says which accounts count as managed; unset:
        none."""
        share: ImageShare = cls._lookup(
            resource_name, id, opts, image_id=id, account_ids=account_ids or [], profile=profile
        )
        return share
