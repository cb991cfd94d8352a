"""Our client against the emulator over real HTTP: every action, success and error paths,
retries and the never-retry-blindly rule for non-idempotent writes."""

from __future__ import annotations

import concurrent.futures
import socket
import time
from collections.abc import Iterator

import pytest

from pulumi_compshare.client import (
    AuthenticationError,
    CompShareAPIError,
    CompShareClient,
    CompShareError,
    Credentials,
    InvalidParameterError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RetryPolicy,
    UnavailableError,
)
from pulumi_compshare.emulator import Emulator, generate_seed

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05)
OWNER, ALICE, BOB = 50001, 50002, 50003
TEAM, IMAGE = 1001, "compshareImage-abc"


def client_of(em: Emulator, company_id: int, **kwargs: object) -> CompShareClient:
    account = em.account(company_id)
    options: dict[str, object] = {"base_url": em.url, "retry": FAST, **kwargs}
    return CompShareClient(Credentials(account.public_key, account.private_key), **options)  # type: ignore[arg-type]


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def owner(em: Emulator) -> Iterator[CompShareClient]:
    with client_of(em, OWNER) as client:
        yield client


@pytest.fixture
def alice(em: Emulator) -> Iterator[CompShareClient]:
    with client_of(em, ALICE) as client:
        yield client


def test_team_create_list_update_info_delete(owner: CompShareClient) -> None:
    owner.create_team("ml-research", "GPU budget for ML")
    teams = {team.name: team for team in owner.list_teams()}
    new = teams["ml-research"]
    assert new.description == "GPU budget for ML"
    assert new.company_id == OWNER

    owner.update_team(float(new.id), name="ml", description="renamed")  # floats as Pulumi sends
    info = owner.get_team_info(team_id=str(new.id))
    assert (info.team.name, info.team.description, info.team.deleted) == ("ml", "renamed", False)

    owner.delete_team(new.id)
    assert new.id not in {team.id for team in owner.list_teams()}
    assert owner.get_team_info(team_id=new.id).team.deleted is True


def test_invite_accept_lifecycle_and_listings(
    em: Emulator, owner: CompShareClient, alice: CompShareClient
) -> None:
    failures = owner.create_team_relations(
        TEAM, [{"user_company_id": ALICE, "remark_name": "Alice"}, {"user_company_id": 99999}]
    )
    assert list(failures) == [99999]
    assert failures[99999].code != 0 and failures[99999].message

    (invite,) = alice.list_team_invites()
    assert (invite.team_id, invite.status, invite.team_use_company_id) == (TEAM, "Pending", OWNER)
    assert [r.user_company_id for r in owner.list_team_invites(TEAM)] == [ALICE]

    alice.set_team_relation(TEAM, "Agree")
    info = owner.get_team_info(team_id=TEAM)
    (relation,) = info.relations
    # the emulator spells statuses in lower case here, as seed 001 does
    assert (relation.status, relation.remark_name) == ("Joined", "Alice")
    by_virtual = alice.get_team_info(virtual_company_id=relation.virtual_company_id)
    assert by_virtual.team.id == TEAM
    assert [t.team_id for t in alice.list_joined_teams(status="joined")] == [TEAM]
    assert alice.list_joined_teams(status="Pending") == []

    owner.set_team_relation(TEAM, "UpdateRemarkName", ALICE, "Alice L.")
    assert owner.get_team_info(team_id=TEAM).relations[0].remark_name == "Alice L."

    owner.set_team_relation(TEAM, "Cancel", ALICE)
    assert owner.get_team_info(team_id=TEAM).relations[0].status == "Canceled"

    # Send is the seed's invite path; Reject is the invitee's answer
    owner.set_team_relation(TEAM, "Send", ALICE, "again")
    alice.set_team_relation(TEAM, "Reject")
    assert owner.get_team_info(team_id=TEAM).relations[0].status == "Rejected"

    now = int(time.time())
    page = owner.list_team_operate_logs(TEAM, now - 3600, now + 3600, limit=2, order_by_asc=True)
    assert page.total >= 5 and len(page.logs) == 2


def test_image_share_describe_modify(owner: CompShareClient) -> None:
    assert owner.describe_image_share_accounts(IMAGE) == []
    invalid = owner.modify_image_share_accounts(IMAGE, add=[ALICE, "50003", 77777.0])
    assert invalid == [77777]
    shared = owner.describe_image_share_accounts(IMAGE)
    assert [a.account_id for a in shared] == [ALICE, BOB]
    assert shared[0].account_name == "alice"
    owner.modify_image_share_accounts(IMAGE, remove=[ALICE])
    assert [a.account_id for a in owner.describe_image_share_accounts(IMAGE)] == [BOB]

    page = owner.describe_custom_images()
    assert {image.image_id for image in page.images} == {IMAGE, "compshareImage-def"}
    assert page.total_count == 2


def test_error_classes(em: Emulator, owner: CompShareClient, alice: CompShareClient) -> None:
    with pytest.raises(NotFoundError, match=r"^GetCompShareTeamInfo failed: .*RetCode 8404"):
        owner.get_team_info(team_id=424242)
    with pytest.raises(PermissionDeniedError, match="DescribeCompShareImageShareAccounts"):
        alice.describe_image_share_accounts(IMAGE)
    with pytest.raises(PermissionDeniedError):
        alice.update_team(TEAM, name="mine now")
    owner.create_team_relations(TEAM, [{"user_company_id": ALICE}])
    alice.set_team_relation(TEAM, "Agree")
    with pytest.raises(CompShareAPIError, match=r"DeleteCompShareTeam failed: .*member"):
        owner.delete_team(TEAM)
    with (
        client_of(em, OWNER, region="cn-nowhere") as wrong_region,
        pytest.raises(InvalidParameterError, match="Region"),
    ):
        wrong_region.list_teams()


def test_bad_input_fails_before_any_request(em: Emulator, owner: CompShareClient) -> None:
    em.reset_stats()
    cases = [
        lambda: owner.modify_image_share_accounts(IMAGE, add=range(50010, 50021)),
        lambda: owner.modify_image_share_accounts(IMAGE),
        lambda: owner.get_team_info(),
        lambda: owner.get_team_info(team_id=1, virtual_company_id=2),
        lambda: owner.create_team(""),
        lambda: owner.set_team_relation(TEAM, "Cancel"),
        lambda: owner.describe_image_share_accounts("not-an-image"),
        lambda: owner.update_team(1.5),
        lambda: owner.list_team_operate_logs(TEAM, 10, 5),
    ]
    for case in cases:
        with pytest.raises(InvalidParameterError) as caught:
            case()
        assert "\n" not in str(caught.value)
    assert sum(em.stats()["requests"].values()) == 0
    with pytest.raises(InvalidParameterError, match=r"AddAccounts: .*at most 10"):
        cases[0]()


def test_wrong_keys_are_authentication_errors_without_the_key(em: Emulator) -> None:
    secret = "wrong-private-key-that-must-not-leak"
    bad = CompShareClient(
        Credentials(em.account(OWNER).public_key, secret), base_url=em.url, retry=FAST
    )
    with pytest.raises(AuthenticationError, match="RetCode 171") as caught:
        bad.list_teams()
    assert secret not in str(caught.value) and secret not in repr(caught.value)
    unknown = CompShareClient(Credentials("nobody", secret), base_url=em.url, retry=FAST)
    with pytest.raises(AuthenticationError, match="RetCode 172"):
        unknown.list_teams()
    assert secret not in repr(unknown) and secret not in str(unknown.credentials)


def test_unreachable_endpoint_is_unavailable_after_bounded_retries() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = CompShareClient(
        Credentials("pk", "sk"), base_url=f"http://127.0.0.1:{port}", retry=FAST
    )
    with pytest.raises(UnavailableError, match="ListCompShareTeam failed: cannot connect"):
        client.list_teams()
    assert client.calls["ListCompShareTeam"] == FAST.max_attempts
    # a refused connection surely did not apply a write: even an invite may be retried
    with pytest.raises(UnavailableError):
        client.create_team("t")
    assert client.calls["CreateCompShareTeam"] == FAST.max_attempts


def test_timeouts_make_writes_outcome_unknown(em: Emulator, owner: CompShareClient) -> None:
    em.set_faults(0.0, latency_ms=400)
    slow = client_of(em, OWNER, timeout=0.1)
    with pytest.raises(UnavailableError, match="no answer"):
        slow.list_teams()
    with pytest.raises(OutcomeUnknownError, match="may or may not have been applied"):
        slow.create_team("maybe")
    assert slow.calls["CreateCompShareTeam"] == 1  # never re-sent
    em.set_faults(0.0, latency_ms=0)
    # the create the client gave up on is still held by the emulator: it lands once the latency
    # has passed (waited for, not slept for a fixed time)
    deadline = time.monotonic() + 30
    while "maybe" not in {team.name for team in owner.list_teams()}:
        assert time.monotonic() < deadline, "the held create never landed"
        time.sleep(0.02)


def test_reads_survive_faults_and_writes_are_never_resent_blindly() -> None:
    seed = generate_seed(accounts=3, teams=1, images=1)
    with Emulator(seed=seed, fault_rate=0.3, random_seed=7) as em:
        patient = RetryPolicy(max_attempts=12, base_delay=0.001, max_delay=0.01)
        client = client_of(em, seed.accounts[0].company_id, retry=patient)
        team_id = seed.teams[0].id
        for i in range(200):
            if i % 2:
                client.get_team_info(team_id=team_id)
            else:
                client.list_teams()
        outcomes: dict[str, int] = {"ok": 0, "unknown": 0, "other": 0}
        for i in range(40):
            try:
                client.create_team(f"soak-{i}")
                outcomes["ok"] += 1
            except OutcomeUnknownError:
                outcomes["unknown"] += 1
            except CompShareError:
                outcomes["other"] += 1
        stats = em.stats()
        assert sum(stats["faults"].values()) > 30
        assert stats["repeated_writes"] == {}
        assert outcomes["ok"] + outcomes["unknown"] + outcomes["other"] == 40
        assert outcomes["unknown"] > 0 and outcomes["ok"] > 0
        assert client.retries["ListCompShareTeam"] + client.retries["GetCompShareTeamInfo"] > 0


def test_connections_are_pooled_and_reused(em: Emulator, owner: CompShareClient) -> None:
    em.reset_stats()
    for _ in range(50):
        owner.list_teams()
    assert em.stats()["connections"] == 1
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _i: owner.list_teams(), range(100)))
    assert em.stats()["connections"] <= 5  # one per concurrent caller, kept alive


def test_client_is_thread_safe(em: Emulator, owner: CompShareClient) -> None:
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _i: owner.get_team_info(team_id=TEAM), range(64)))
    assert all(info.team.id == TEAM for info in results)
    assert owner.calls["GetCompShareTeamInfo"] == 64
