"""A full life cycle with recognizable private keys: the keys appear in no serialized provider,
output, diff, error message or line the provider process printed."""

from __future__ import annotations

import base64
import json

import pytest

from pulumi_compshare.emulator import Account, Emulator, Seed, SeedImage, SeedTeam
from pulumi_compshare.resources import (
    ImageShareProvider,
    TeamInviteAccepterProvider,
    TeamMembershipProvider,
    TeamProvider,
)

from ..kit import Engine, ProviderCallError

OWNER_KEY = "RECOGNIZABLE-OWNER-PRIVATE-KEY-4d9e"
MEMBER_KEY = "RECOGNIZABLE-MEMBER-PRIVATE-KEY-8b1c"


def test_private_keys_never_leak() -> None:
    seed = Seed(
        accounts=(
            Account(60001, "owner", "owner-public", OWNER_KEY),
            Account(60002, "member", "member-public", MEMBER_KEY),
        ),
        teams=(SeedTeam(1001, 60001, "team", ""),),
        images=(SeedImage("compshareImage-leak", 60001, "img"),),
    )
    seen: list[str] = []
    with Emulator(seed=seed) as em:
        config = {
            "compshare:publicKey": "owner-public",
            "compshare:privateKey": OWNER_KEY,
            "compshare:baseUrl": em.url,
            "compshare:profiles": json.dumps(
                {"member": {"publicKey": "member-public", "privateKey": MEMBER_KEY}}
            ),
        }
        engine = Engine(config)
        try:
            team = engine.create(engine.new("Team", "t", TeamProvider()), {"name": "leaky"})
            member = engine.create(
                engine.new("TeamMembership", "m", TeamMembershipProvider()),
                {"team_id": team.outputs["team_id"], "user_company_id": 60002},
            )
            accept = engine.create(
                engine.new("TeamInviteAccepter", "a", TeamInviteAccepterProvider()),
                {"team_id": team.outputs["team_id"], "profile": "member"},
            )
            share = engine.create(
                engine.new("ImageShare", "s", ImageShareProvider()),
                {"image_id": "compshareImage-leak", "account_ids": [60002]},
            )
            for res, inputs in [
                (team, {"name": "renamed"}),
                (member, {**member.inputs, "remark_name": "M"}),
                (
                    share,
                    {"image_id": "compshareImage-leak", "account_ids": [60002], "exclusive": True},
                ),
            ]:
                checked, diff = engine.plan(res, inputs)
                seen += [repr(checked), repr(diff)]
                engine.up(res, inputs)
            engine.next_command()
            for res in (team, member, accept, share):
                engine.refresh(res)
                seen += [res.provider, base64.b64decode(res.provider).decode("latin-1")]
                seen += [repr(res.inputs), repr(res.outputs)]
            failing = [
                (
                    "TeamMembership",
                    TeamMembershipProvider(),
                    {"team_id": 999, "user_company_id": 60002},
                ),
                (
                    "ImageShare",
                    ImageShareProvider(),
                    {"image_id": "compshareImage-leak", "account_ids": [77]},
                ),
                ("Team", TeamProvider(), {"name": "x", "profile": "member"}),
            ]
            for type_name, provider, inputs in failing:
                res = engine.new(type_name, "fail", provider)
                try:
                    engine.create(res, inputs)
                except ProviderCallError as exc:
                    seen += [str(exc), exc.details]
            for res in (share, accept, member, team):
                engine.delete(res)
        finally:
            seen.append(engine.stderr_text())
            seen.append(engine.server.stdout_text())
            engine.close()
    assert len(seen) > 20
    for text in seen:
        assert OWNER_KEY not in text
        assert MEMBER_KEY not in text


@pytest.mark.parametrize("wrong", ["WRONG-PRIVATE-KEY-THAT-MUST-NOT-SHOW"])
def test_authentication_errors_do_not_show_the_key(wrong: str) -> None:
    with Emulator() as em:
        engine = Engine(
            {
                "compshare:publicKey": em.account(50001).public_key,
                "compshare:privateKey": wrong,
                "compshare:baseUrl": em.url,
            }
        )
        try:
            with pytest.raises(ProviderCallError) as caught:
                engine.create(engine.new("Team", "t", TeamProvider()), {"name": "t"})
        finally:
            stderr = engine.stderr_text()
            engine.close()
    assert "RetCode 171" in str(caught.value) and "compshare:privateKey" in str(caught.value)
    assert wrong not in caught.value.details and wrong not in stderr
