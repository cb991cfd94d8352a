"""Two accounts in one program: the owner invites, the invitee accepts.

The default credentials are the team owner's; the profile "invitee" in compshare:profiles holds
the invitee's keys. The accepter takes team_id from the membership, so it runs after the invite.
"""

import pulumi

import pulumi_compshare as compshare

config = pulumi.Config()
invitee_id = config.get_int("inviteeCompanyId") or 50002

team = compshare.Team("research", name="research", description="Owner and invitee in one program")
membership = compshare.TeamMembership(
    "invitee", team_id=team.team_id, user_company_id=invitee_id, remark_name="Invitee"
)
accepted = compshare.TeamInviteAccepter("accept", team_id=membership.team_id, profile="invitee")

pulumi.export("team_id", team.team_id)
pulumi.export("membership_status", membership.status)
pulumi.export("accepted_status", accepted.status)
