"""Quickstart in the plugin form: the same program as examples/quickstart but for its import.
The resources are served by the provider plugin ``pulumi-resource-compshare`` (types
``compshare:index:Team``...): ``import_``, ``ignore_changes`` and ``replace_on_changes`` act on
the provider's own diff, and previews make no API call.

A team, two memberships and an image share.

Against the built-in emulator (`compshare-emulator`) it works as is: the demo data has the
accounts 50002 and 50003 and the custom image compshareImage-abc. Against the real API, set your
own account ids and image id in stack config (see README.md beside this file).
"""

import pulumi

import pulumi_compshare.native as compshare

config = pulumi.Config()
members = [int(m) for m in config.get_object("members") or [50002, 50003]]
image_id = config.get("imageId") or "compshareImage-abc"

team = compshare.Team("ml", name="ml-research", description="GPU budget for ML")

memberships = {
    company_id: compshare.TeamMembership(
        f"member-{company_id}",
        team_id=team.team_id,
        user_company_id=company_id,
        remark_name=f"member {company_id}",
    )
    for company_id in members
}

share = compshare.ImageShare("cuda-base", image_id=image_id, account_ids=members)

pulumi.export("team_id", team.team_id)
pulumi.export("member_status", {str(cid): m.status for cid, m in memberships.items()})
pulumi.export("shared_with", share.account_ids)
