"""The emulator over real HTTP: the state endpoint and demo seed, authentication errors in
order, JSON bodies and query actions, and concurrent writes."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pulumi_compshare.api import codes
from pulumi_compshare.emulator import Account, Emulator

from .raw import ALICE, OWNER, TEAM, fails, ok, post, relation, signed


def test_state_endpoint_and_demo_seed(em: Emulator) -> None:
    state = httpx.get(f"{em.url}/_emulator/state", timeout=10).json()
    assert state == em.state()
    assert state["accounts"][0] == {
        "company_id": OWNER,
        "name": "demo-owner",
        "public_key": "emu-demo-owner-public",
        "balance": 1_000_000,
    }
    assert [a["name"] for a in state["accounts"]] == ["demo-owner", "alice", "bob", "carol"]
    assert "private" not in json.dumps(state)
    assert state["teams"] == [
        {
            "id": TEAM,
            "owner": OWNER,
            "name": "demo-team",
            "description": "Demo team of the CompShare emulator",
            "deleted": False,
        }
    ]
    assert state["relations"] == []
    assert state["images"] == [
        {"id": "compshareImage-abc", "owner": OWNER, "name": "cuda-12-base", "shared_with": []},
        {"id": "compshareImage-def", "owner": OWNER, "name": "pytorch-2-base", "shared_with": []},
    ]
    assert em.account(ALICE).private_key == "emu-alice-private-not-a-secret"
    assert "not-a-secret" not in repr(em.account(ALICE))
    assert httpx.get(f"{em.url}/_emulator/nope", timeout=10).status_code == 404


def test_authentication_errors_in_order(em: Emulator) -> None:
    alice = em.account(ALICE)
    base = {"Region": "cn-wlcb"}
    assert post(em, signed(alice, base))["RetCode"] == codes.MISSING_ACTION
    assert post(em, {"Action": "ListCompShareTeam"})["RetCode"] == codes.MISSING_SIGNATURE
    unknown = Account(1, "x", "no-such-key", "x")
    body = post(em, signed(unknown, {"Action": "ListCompShareTeam"}))
    assert body["RetCode"] == codes.NO_SUCH_USER
    assert body["Action"] == "ListCompShareTeamResponse"
    no_key = {"Action": "ListCompShareTeam", "Signature": "abc"}
    assert post(em, no_key)["RetCode"] == codes.NO_SUCH_USER
    wrong = Account(ALICE, "alice", alice.public_key, "wrong-private-key")
    assert post(em, signed(wrong, {"Action": "ListCompShareTeam"}))["RetCode"] == 171
    tampered = signed(alice, {"Action": "ListCompShareTeam"})
    tampered["Region"] = "cn-wlcb"
    assert post(em, tampered)["RetCode"] == codes.SIGNATURE_ERROR
    # Unknown action only after the signature check.
    assert post(em, signed(wrong, {"Action": "Nope"}))["RetCode"] == codes.SIGNATURE_ERROR
    assert post(em, signed(alice, {"Action": "Nope"}))["RetCode"] == codes.NO_SUCH_ACTION
    # Region is optional but must be cn-wlcb when present.
    body = post(em, signed(alice, {"Action": "ListCompShareTeam"}))
    assert body["RetCode"] == 0
    message = fails(em, ALICE, "ListCompShareTeam", 230, Region="cn-bj2")
    assert "Region" in message
    assert ok(em, ALICE, "ListCompShareTeam", ProjectId="org-x", Zone="cn-wlcb-01")["Teams"] == []


def test_json_body_query_action_and_get(em: Emulator) -> None:
    owner = em.account(OWNER)
    fields = signed(
        owner,
        {
            "Action": "CreateCompShareTeamRelation",
            "TeamId": TEAM,
            "UserInfo": [{"UserCompanyId": ALICE, "RemarkName": "张三"}],
        },
    )
    # A JSON object is flattened with the same rule, so the same signature applies.
    nested = {
        "Action": "CreateCompShareTeamRelation",
        "PublicKey": owner.public_key,
        "Signature": fields["Signature"],
        "TeamId": TEAM,
        "UserInfo": [{"UserCompanyId": ALICE, "RemarkName": "张三"}],
    }
    body = httpx.post(em.url, json=nested, timeout=10).json()
    assert body["RetCode"] == 0, body
    assert body["ErrorMap"] == {}
    assert relation(em, TEAM, ALICE)["remark_name"] == "张三"
    # Action in the query string (as the Go SDK sends it), the rest in the body.
    fields = signed(owner, {"Action": "ListCompShareTeam"})
    action = fields.pop("Action")
    body = httpx.post(em.url, params={"Action": action}, data=fields, timeout=10).json()
    assert body["RetCode"] == 0
    assert body["Teams"][0]["Id"] == TEAM
    # GET with query parameters, any path.
    response = httpx.get(
        f"{em.url}/some/path", params=signed(owner, {"Action": "ListCompShareTeam"})
    )
    assert response.json()["Teams"][0]["Name"] == "demo-team"
    # A JSON body that is not an object, and a body over 1 MiB.
    assert httpx.post(em.url, json=[1, 2], timeout=10).json()["RetCode"] == 230
    big = {**signed(owner, {"Action": "ListCompShareTeam"}), "Pad": "x" * (1024 * 1024 + 10)}
    body = httpx.post(em.url, data=big, timeout=10).json()
    assert body["RetCode"] == 230
    assert "larger" in body["Message"]


def test_concurrent_writes_and_stop_closes_connections() -> None:
    em = Emulator().start()
    try:
        owner = em.account(OWNER)

        def create(index: int) -> int:
            fields = signed(owner, {"Action": "CreateCompShareTeam", "Name": f"c{index}"})
            return int(post(em, fields)["RetCode"])

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(create, range(40))) == {0}
        ids = [t["id"] for t in em.state()["teams"]]
        assert ids == list(range(TEAM, TEAM + 41))
        with httpx.Client(base_url=em.url, timeout=10) as client:
            fields = signed(owner, {"Action": "ListCompShareTeam"})
            assert client.post("/", data=fields).json()["RetCode"] == 0
            em.stop()
            with pytest.raises(httpx.TransportError):
                client.post("/", data=fields)
        assert em.stats()["internal_errors"] == 0
    finally:
        em.stop()
    with pytest.raises(RuntimeError):
        _ = em.url
