"""Raw signed requests to the emulator, as the official SDKs send them (no client in between),
the accounts, team and image of the demo seed, and seed data to spoil."""

from __future__ import annotations

from typing import Any

import httpx

from pulumi_compshare.api import wire
from pulumi_compshare.emulator import Account, Emulator, demo_seed

OWNER, ALICE, BOB, CAROL = 50001, 50002, 50003, 50004
TEAM = 1001
IMAGE = "compshareImage-abc"

HTTP = httpx.Client(timeout=10, limits=httpx.Limits(max_keepalive_connections=0))
"""The client of every raw request: like ``httpx.post``, a new connection per request, closed
after the answer; unlike it, without building a client (and loading the CA bundle, some 20 ms of
CPU) per request."""


def signed(account: Account, params: dict[str, Any]) -> dict[str, str]:
    """Flatten and sign request parameters the way the official SDKs do."""
    fields = wire.flatten({"PublicKey": account.public_key, **params})
    fields["Signature"] = wire.sign(fields, account.private_key)
    return fields


def post(em: Emulator, fields: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    """POST form fields; check the HTTP envelope and return the JSON body."""
    response = HTTP.post(em.url, data=fields, **kwargs)
    assert response.status_code == 200
    assert response.headers["X-UCLOUD-REQUEST-UUID"]
    body: dict[str, Any] = response.json()
    assert isinstance(body["RetCode"], int)
    assert isinstance(body["Message"], str)
    assert "\n" not in body["Message"]
    return body


def call(em: Emulator, who: int, action: str, **params: Any) -> dict[str, Any]:
    """Call an action as account ``who`` (Region cn-wlcb)."""
    fields = signed(em.account(who), {"Action": action, "Region": "cn-wlcb", **params})
    body = post(em, fields)
    assert body["Action"] == f"{action}Response"
    return body


def ok(em: Emulator, who: int, action: str, **params: Any) -> dict[str, Any]:
    """Call an action and require RetCode 0."""
    body = call(em, who, action, **params)
    assert body["RetCode"] == 0, body
    assert body["Message"] == ""
    return body


def fails(em: Emulator, who: int, action: str, code: int, **params: Any) -> str:
    """Call an action, require RetCode ``code`` and return the message."""
    body = call(em, who, action, **params)
    assert body["RetCode"] == code, body
    assert body["Message"]
    return str(body["Message"])


def relation(em: Emulator, team_id: int, company_id: int) -> dict[str, Any]:
    """A relation row of the state endpoint."""
    rows: list[dict[str, Any]] = [
        r
        for r in em.state()["relations"]
        if r["team_id"] == team_id and r["user_company_id"] == company_id
    ]
    assert len(rows) == 1
    return rows[0]


def invite(em: Emulator, *company_ids: int, team_id: int = TEAM) -> dict[str, Any]:
    """Invite accounts with CreateCompShareTeamRelation as the team owner; return the ErrorMap."""
    body = ok(
        em,
        OWNER,
        "CreateCompShareTeamRelation",
        TeamId=team_id,
        UserInfo=[{"UserCompanyId": c, "RemarkName": f"user {c}"} for c in company_ids],
    )
    error_map: dict[str, Any] = body["ErrorMap"]
    return error_map


def spoil(path: str, value: Any) -> dict[str, Any]:
    """The demo seed's data with the field at ``path`` (``"teams.0.owner"``) set to ``value``."""
    data = demo_seed().to_dict()
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    node[parts[-1]] = value
    return data
