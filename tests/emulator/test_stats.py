"""The emulator's stats: requests, faults, repeated non-idempotent writes, connections."""

from __future__ import annotations

import httpx

from pulumi_compshare.emulator import Emulator

from .raw import ALICE, BOB, OWNER, TEAM, post, signed


def test_stats_and_repeated_writes(em: Emulator) -> None:
    owner = em.account(OWNER)
    create = signed(owner, {"Action": "CreateCompShareTeam", "Name": "same"})
    post(em, create)
    post(em, create)  # a blind retry: exactly the same parameters
    post(em, signed(owner, {"Action": "CreateCompShareTeam", "Name": "other"}))
    invite_fields = signed(
        owner,
        {
            "Action": "CreateCompShareTeamRelation",
            "TeamId": TEAM,
            "UserInfo": [{"UserCompanyId": ALICE}],
        },
    )
    post(em, invite_fields)
    post(em, invite_fields)
    send = signed(
        owner,
        {
            "Action": "SetCompShareTeamRelation",
            "TeamId": TEAM,
            "Status": "Send",
            "UserCompanyId": BOB,
        },
    )
    post(em, send)
    post(em, send)
    agree = signed(
        em.account(ALICE), {"Action": "SetCompShareTeamRelation", "TeamId": TEAM, "Status": "Agree"}
    )
    post(em, agree)
    post(em, agree)  # not counted: not a non-idempotent write
    post(em, {"Signature": "x"})
    stats = httpx.get(f"{em.url}/_emulator/stats", timeout=10).json()
    assert stats == em.stats()
    assert stats["requests"] == {
        "CreateCompShareTeam": 3,
        "CreateCompShareTeamRelation": 2,
        "SetCompShareTeamRelation": 4,
        "<none>": 1,
    }
    assert stats["repeated_writes"] == {
        "CreateCompShareTeam": 1,
        "CreateCompShareTeamRelation": 1,
        "SetCompShareTeamRelation": 1,
    }
    assert stats["faults"] == {}
    assert stats["internal_errors"] == 0

    assert httpx.post(f"{em.url}/_emulator/reset-stats", timeout=10).status_code == 200
    assert em.stats() == {
        "requests": {},
        "faults": {},
        "repeated_writes": {},
        "internal_errors": 0,
        "connections": 0,
    }
    post(em, create)  # the memory of parameters was reset too
    assert em.stats()["repeated_writes"] == {}
    em.reset_stats()
    assert em.stats()["requests"] == {}
