"""Call economy, counted by the emulator: reads of one team or image are shared across a
refresh, and share lists are written in batches of ten."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.resources import ImageShareProvider, TeamMembershipProvider

from ..kit import Engine, client_of, stack_config

TEAM_READS = ("GetCompShareTeamInfo", "ListCompShareTeamInvite", "ListCompShareTeam")


def test_200_memberships_over_2_teams_share_their_team_reads() -> None:
    """Refresh, update and delete of 200 memberships: at most 4 team-reading calls each."""
    seed = generate_seed(accounts=201, teams=2, images=0)
    owner = seed.accounts[0].company_id
    users = [a.company_id for a in seed.accounts[1:]]
    teams = [t.id for t in seed.teams]
    with Emulator(seed=seed, latency_ms=5) as em:
        client = client_of(em, owner)
        for index, team in enumerate(teams):
            mine = users[index::2]
            for start in range(0, len(mine), 50):
                batch = [{"user_company_id": u} for u in mine[start : start + 50]]
                assert client.create_team_relations(team, batch) == {}
        engine = Engine(stack_config(em, owner=owner))
        try:
            resources = []
            for index, user in enumerate(users):
                res = engine.new("TeamMembership", f"m{user}", TeamMembershipProvider())
                res.id = f"{teams[index % 2]}:{user}"
                res.outputs = {"profile": None, "__provider": res.provider}
                resources.append(res)
            em.reset_stats()
            with ThreadPoolExecutor(4) as pool:  # the engine runs 4 calls at a time
                refreshed = list(pool.map(engine.refresh, resources))
            assert all(r is not None and r.outputs["status"] == "Pending" for r in refreshed)
            requests = em.stats()["requests"]
            assert requests.get("GetCompShareTeamInfo", 0) >= 2  # each team really read
            assert sum(requests.get(action, 0) for action in TEAM_READS) <= 4, requests

            # an update of every remark name (a new command): one write each, reads shared
            engine.next_command()
            for res in resources:
                res.inputs = {
                    "team_id": res.id.split(":")[0],
                    "user_company_id": res.id.split(":")[1],
                }
                res.outputs = {**res.outputs, **res.inputs}
            em.reset_stats()
            with ThreadPoolExecutor(4) as pool:
                updated = list(
                    pool.map(
                        lambda r: engine.up(r, {**r.inputs, "remark_name": "renamed"}), resources
                    )
                )
            assert {op for op, _ in updated} == {"update"}
            assert all(r.outputs["remark_name"] == "renamed" for _, r in updated)
            requests = em.stats()["requests"]
            assert requests["SetCompShareTeamRelation"] == len(users)
            assert sum(requests.get(action, 0) for action in TEAM_READS) <= 4, requests

            # destroy: one Cancel each, reads shared
            engine.next_command()
            em.reset_stats()
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(engine.delete, [r for _, r in updated]))
            requests = em.stats()["requests"]
            assert requests["SetCompShareTeamRelation"] == len(users)
            assert sum(requests.get(action, 0) for action in TEAM_READS) <= 4, requests
            assert {r["status"] for r in em.state()["relations"]} == {"Canceled"}
        finally:
            engine.close()


def test_sharing_an_image_with_95_accounts_takes_10_modify_calls() -> None:
    seed = generate_seed(accounts=96, teams=0, images=1)
    owner = seed.accounts[0].company_id
    accounts = [a.company_id for a in seed.accounts[1:]]
    image = seed.images[0].id
    with Emulator(seed=seed) as em:
        engine = Engine(stack_config(em, owner=owner))
        try:
            share = engine.new("ImageShare", "big", ImageShareProvider())
            em.reset_stats()
            engine.create(share, {"image_id": image, "account_ids": accounts})
            assert em.stats()["requests"]["ModifyCompShareImageShareAccount"] == 10
            assert sorted(share.outputs["account_ids"]) == accounts

            em.reset_stats()
            engine.up(share, {"image_id": image, "account_ids": accounts[:50]})
            assert em.stats()["requests"]["ModifyCompShareImageShareAccount"] == 5  # 45 removed
            em.reset_stats()
            engine.delete(share)
            assert em.stats()["requests"]["ModifyCompShareImageShareAccount"] == 5
        finally:
            engine.close()
        (state,) = em.state()["images"]
        assert state["shared_with"] == []
