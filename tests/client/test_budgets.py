"""The typed client's budget and shared-image methods over real HTTP: against the emulator in every
dialect (one vocabulary out), never retrying SetCompShareTeamAmount blindly, and reading every
shape of FailedMembers from a tiny canned server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_compshare.api.models import AmountFailure
from pulumi_compshare.client import (
    CompShareClient,
    InvalidParameterError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ThrottledError,
)
from pulumi_compshare.emulator import Emulator

from ..kit import client_of, dialect_params
from .local_api import LocalAPI, client_for, json_answer

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004
TEAM = 1001

ALL = dialect_params("lower-status,absent-text,team-gone-error")
"""Each dialect alone (marked slow), and by default the default reading, strict and combinations
that together hold every dialect."""


@pytest.fixture(params=ALL)
def any_em(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    with Emulator(dialects=request.param) as emulator:
        yield emulator
        assert emulator.stats()["internal_errors"] == 0


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def joined(em: Emulator, *users: int) -> dict[int, int]:
    """Invite and accept ``users`` with the client; ``{company id: virtual company id}``."""
    owner = client_of(em, OWNER)
    assert owner.create_team_relations(TEAM, [{"user_company_id": u} for u in users]) == {}
    for user in users:
        client_of(em, user).set_team_relation(TEAM, "Agree")
    return {r.user_company_id: r.virtual_company_id for r in owner.get_team_info(TEAM).relations}


def budget(em: Emulator, company_id: int) -> tuple[int, int]:
    rows = client_of(em, OWNER).get_team_info(TEAM).relations
    row = next(r for r in rows if r.user_company_id == company_id)
    return row.allocate_amount, row.available_amount


def owner_balance(em: Emulator) -> int:
    found: int = next(a["balance"] for a in em.state()["accounts"] if a["company_id"] == OWNER)
    return found


# ------------------------------------------------------------------ every dialect, one vocabulary


def test_the_client_reads_budgets_in_every_dialect(any_em: Emulator) -> None:
    em = any_em
    joined(em, ALICE)
    owner = client_of(em, OWNER)
    owner.create_team_relations(TEAM, [{"user_company_id": BOB}])
    ids = {r.user_company_id: r.virtual_company_id for r in owner.get_team_info(TEAM).relations}

    assert owner.set_team_amount(TEAM, "AllocateAmount", [ids[ALICE]], 50_000) == {}
    em.spend(TEAM, ALICE, 10_000)
    assert budget(em, ALICE) == (50_000, 40_000)

    failures = owner.set_team_amount(TEAM, "AllocateAmount", [ids[ALICE], ids[BOB], 69999], 1)
    assert sorted(failures) == sorted([ids[BOB], 69999])
    assert all(type(key) is int for key in failures)
    assert all(isinstance(f, AmountFailure) and f.code and f.message for f in failures.values())
    assert budget(em, ALICE) == (50_001, 40_001)

    over = owner.set_team_amount(TEAM, "WithdrawAmount", [ids[ALICE]], 40_002)
    if "withdraw-clamped" in em.dialects:  # takes all that is left instead of failing
        assert over == {}
    else:
        assert list(over) == [ids[ALICE]]
        expected = 17002 if "chinese-errors" in em.dialects else 8409
        assert over[ids[ALICE]].code == expected
        assert owner.set_team_amount(TEAM, "WithdrawAmount", [ids[ALICE]], 40_001) == {}
    # AllocateAmount: what is left of the budget, or (cumulative) all that was ever allocated
    allocated = 50_001 if "allocate-cumulative" in em.dialects else 10_000
    assert budget(em, ALICE) == (allocated, 0)
    assert owner_balance(em) == 1_000_000 - 10_000

    # Not the owner; a team that is gone.
    with pytest.raises(PermissionDeniedError):
        client_of(em, ALICE).set_team_amount(TEAM, "AllocateAmount", [ids[ALICE]], 1)
    with pytest.raises(NotFoundError):
        owner.set_team_amount(4242, "AllocateAmount", [ids[ALICE]], 1)


def test_the_client_reads_shared_images_in_every_dialect(any_em: Emulator) -> None:
    em = any_em
    owner, alice = client_of(em, OWNER), client_of(em, ALICE)
    owner.modify_image_share_accounts("compshareImage-abc", add=[ALICE])
    owner.modify_image_share_accounts("compshareImage-def", add=[ALICE, BOB])
    page = alice.describe_sharing_images()
    assert page.total_count == 2
    assert [(i.image_id, i.name) for i in page.images] == [
        ("compshareImage-abc", "cuda-12-base"),
        ("compshareImage-def", "pytorch-2-base"),
    ]
    first = page.images[0]
    assert first.owner is not None and first.owner.account_id == OWNER
    assert type(first.owner.account_id) is int
    named = not ({"null-text", "absent-text"} & em.dialects)
    assert first.owner.account_name == ("demo-owner" if named else "")
    assert first.status.lower() == "available" and first.size > 0

    second = alice.describe_sharing_images(1, 1)
    assert second.total_count == 2
    assert [i.image_id for i in second.images] == ["compshareImage-def"]
    only = alice.describe_sharing_images(image_id="compshareImage-def")
    assert [i.image_id for i in only.images] == ["compshareImage-def"]
    assert client_of(em, CAROL).describe_sharing_images().images == []
    assert owner.describe_sharing_images().total_count == 0


# ------------------------------------------------------------------ never retried blindly


def test_a_lost_answer_is_outcome_unknown_and_not_retried(em: Emulator) -> None:
    ids = joined(em, ALICE)
    owner = client_of(em, OWNER)
    fault = em.fail("SetCompShareTeamAmount", "applied_response_lost")
    with pytest.raises(OutcomeUnknownError) as caught:
        owner.set_team_amount(TEAM, "AllocateAmount", [ids[ALICE]], 700)
    assert caught.value.action == "SetCompShareTeamAmount"
    assert "may or may not have been applied" in str(caught.value)
    assert fault.hits == 1
    assert owner.calls["SetCompShareTeamAmount"] == 1
    assert owner.retries["SetCompShareTeamAmount"] == 0
    assert em.stats()["requests"]["SetCompShareTeamAmount"] == 1
    # It was applied once, and only once: reading the team tells.
    assert budget(em, ALICE) == (700, 700)
    assert owner_balance(em) == 1_000_000 - 700


@pytest.mark.parametrize("kind", ["http_503", "drop_connection"])
def test_other_failures_after_sending_are_outcome_unknown_too(em: Emulator, kind: str) -> None:
    ids = joined(em, ALICE)
    owner = client_of(em, OWNER)
    em.fail("SetCompShareTeamAmount", kind)
    with pytest.raises(OutcomeUnknownError):
        owner.set_team_amount(TEAM, "WithdrawAmount", [ids[ALICE]], 1)
    assert owner.calls["SetCompShareTeamAmount"] == 1
    assert em.stats()["requests"]["SetCompShareTeamAmount"] == 1
    assert em.stats()["repeated_writes"] == {}


def test_throttling_is_raised_not_retried(em: Emulator) -> None:
    ids = joined(em, ALICE)
    owner = client_of(em, OWNER)
    em.fail("SetCompShareTeamAmount", "retcode", retcode=153, message="throttled")
    with pytest.raises(ThrottledError):
        owner.set_team_amount(TEAM, "AllocateAmount", [ids[ALICE]], 5)
    assert owner.calls["SetCompShareTeamAmount"] == 1
    assert budget(em, ALICE) == (0, 0)


def test_the_sharing_images_read_is_retried(em: Emulator) -> None:
    alice = client_of(em, ALICE)
    em.fail("DescribeCompShareSharingImages", "http_503")
    assert alice.describe_sharing_images().total_count == 0
    assert alice.calls["DescribeCompShareSharingImages"] == 2
    assert alice.retries["DescribeCompShareSharingImages"] == 1


def test_bad_arguments_fail_before_any_call(em: Emulator) -> None:
    owner = client_of(em, OWNER)
    bad: list[tuple[Callable[[], object], str]] = [
        (lambda: owner.set_team_amount(TEAM, "AllocateAmount", [], 1), "VirtualCompanyId"),
        (lambda: owner.set_team_amount(TEAM, "AllocateAmount", [60001], -1), "Amount"),
        (lambda: owner.set_team_amount(TEAM, "AllocateAmount", [60001], "1e3"), "Amount"),  # type: ignore[arg-type]
        (lambda: owner.set_team_amount(TEAM, "AllocateAmount", [60001], 1.5), "Amount"),  # type: ignore[arg-type]
        (lambda: owner.set_team_amount(TEAM, "AllocateAmount", [60001], True), "Amount"),
        (lambda: owner.set_team_amount(TEAM, "Give", [60001], 1), "OperateType"),  # type: ignore[arg-type]
        (lambda: owner.set_team_amount(TEAM, "AllocateAmount", ["x"], 1), "VirtualCompanyId.0"),
        (lambda: owner.set_team_amount(0, "AllocateAmount", [60001], 1), "TeamId"),
        (lambda: owner.describe_sharing_images(limit=101), "Limit"),
        (lambda: owner.describe_sharing_images(offset=-1), "Offset"),
    ]
    for run, name in bad:
        with pytest.raises(InvalidParameterError) as caught:
            run()
        assert name in str(caught.value), str(caught.value)
    assert owner.calls == {}
    # Whole floats and digit text (what Pulumi and config hand over) are accepted.
    failures = owner.set_team_amount("1001", "AllocateAmount", [69999.0], 2.0)  # type: ignore[arg-type]
    assert list(failures) == [69999] and failures[69999].code == 8404


def test_zero_fen_is_sent_and_moves_nothing(em: Emulator) -> None:
    """0 is an amount the API takes (its ``Amount`` is a Uint; the admin guide: "≥ 0"): the
    client sends it as any other, and the emulator moves nothing."""
    joined(em, ALICE)
    owner = client_of(em, OWNER)
    virtual = next(
        r.virtual_company_id
        for r in owner.get_team_info(TEAM).relations
        if r.user_company_id == ALICE
    )
    for operation in ("AllocateAmount", "WithdrawAmount"):
        assert owner.set_team_amount(TEAM, operation, [virtual], 0) == {}  # type: ignore[arg-type]
    assert owner.calls["SetCompShareTeamAmount"] == 2
    assert budget(em, ALICE) == (0, 0) and owner_balance(em) == 1_000_000


# ------------------------------------------------------------------ FailedMembers shapes


Body = dict[str, Any]


@pytest.fixture
def canned(server: LocalAPI) -> Iterator[tuple[LocalAPI, CompShareClient]]:
    """The local API (``tests/client/local_api.py``) and a client of it."""
    with client_for(server) as client:
        yield server, client


def answer(**fields: Any) -> Body:
    return {"Action": "SetCompShareTeamAmountResponse", "RetCode": 0, "Message": "", **fields}


FAILURE = {"60002": {"Code": 17001, "Message": "额度不足"}}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (answer(FailedMembers=FAILURE), {60002: (17001, "额度不足")}),
        (answer(FailedMembers=json.dumps(FAILURE)), {60002: (17001, "额度不足")}),
        (answer(FailedMembers={"60002": {"Code": "17001", "Message": None}}), {60002: (17001, "")}),
        (answer(FailedMembers={"60002": "额度不足"}), {60002: (0, "额度不足")}),
        (answer(FailedMembers={}), {}),
        (answer(FailedMembers=""), {}),
        (answer(FailedMembers="{}"), {}),
        (answer(FailedMembers=None), {}),
        (answer(), {}),
    ],
    ids=["object", "string", "loose", "bare-text", "{}", "''", "'{}'", "null", "absent"],
)
def test_failed_members_shapes(
    canned: tuple[LocalAPI, CompShareClient], body: Body, expected: dict[int, Any]
) -> None:
    server, client = canned
    server.answer = json_answer(body)
    failures = client.set_team_amount(TEAM, "AllocateAmount", [60002], 100)
    assert {k: (f.code, f.message) for k, f in failures.items()} == expected


@pytest.mark.parametrize(
    ("failed", "message"),
    [
        (5, "FailedMembers must be an object keyed by VirtualCompanyId, got a number"),
        ("oops{", "FailedMembers is text that is not a JSON object"),
        ({"alice": {"Code": 1}}, "FailedMembers key 'alice'"),
        ({"60002": [1]}, "FailedMembers.60002 must be an object, got a list"),
        ({"60002": {"Code": "x"}}, "FailedMembers.60002.Code"),
        ([], "FailedMembers must be an object keyed by VirtualCompanyId, got a list"),
    ],
)
def test_malformed_failed_members(
    canned: tuple[LocalAPI, CompShareClient], failed: Any, message: str
) -> None:
    server, client = canned
    server.answer = json_answer(answer(FailedMembers=failed))
    with pytest.raises(MalformedResponseError) as caught:
        client.set_team_amount(TEAM, "AllocateAmount", [60002], 100)
    assert caught.value.action == "SetCompShareTeamAmount"
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_malformed_shared_images(canned: tuple[LocalAPI, CompShareClient]) -> None:
    server, client = canned
    server.answer = json_answer(
        answer(ImageSet=[{"CompShareImageId": "compshareImage-a", "Owner": "x"}])
    )
    with pytest.raises(MalformedResponseError, match=r"ImageSet\.0\.Owner"):
        client.describe_sharing_images()
    server.answer = json_answer(answer(ImageSet=None, TotalCount="3"))
    assert client.describe_sharing_images().total_count == 3
    server.answer = json_answer(
        answer(ImageSet=[{"CompShareImageId": "compshareImage-a", "Owner": {}}], TotalCount=1)
    )
    assert client.describe_sharing_images().images[0].owner is None
