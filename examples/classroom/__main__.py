"""Classroom: a lab's courses on CompShare, kept in stack config.

One team per course, named "<code> <title>"; every student of a course invited to its team with
their remark name (a student in two courses is in both teams); the course image shared with
everyone enrolled in any course. Add a student to a course in config and `pulumi up` invites them
and shares the image; take them out and it cancels the membership, and unshares the image once
they are in no course at all. `pulumi refresh` then `pulumi up` puts back what someone changed in
the console.

The courses are the `courses` config value (see Pulumi.yaml for its shape and the defaults, whose
company ids are the emulator's generated accounts 50002-50007).
"""

from __future__ import annotations

from typing import Any

import pulumi

import pulumi_compshare as compshare

TEAM_NAME_MAX = 64


def load_courses(raw: Any) -> list[dict[str, Any]]:
    """The courses from config, checked: a clear message beats a half-applied classroom."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("config courses: expected a non-empty list of courses")
    courses: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, course in enumerate(raw):
        where = f"config courses[{index}]"
        if not isinstance(course, dict):
            raise ValueError(f"{where}: expected an object with code, title and students")
        code, title = str(course.get("code", "")).strip(), str(course.get("title", "")).strip()
        if not code or not title:
            raise ValueError(f"{where}: code and title are required")
        if code in codes:
            raise ValueError(f"{where}: course code {code!r} appears twice")
        codes.add(code)
        students: dict[int, str] = {}
        for number, student in enumerate(course.get("students") or []):
            try:
                company_id = int(student["companyId"])
            except (TypeError, KeyError, ValueError):
                raise ValueError(f"{where}.students[{number}]: companyId is required") from None
            if company_id in students:
                raise ValueError(f"{where}.students[{number}]: {company_id} is listed twice")
            students[company_id] = str(student.get("remarkName") or f"student {company_id}")
        name = f"{code} {title}"[:TEAM_NAME_MAX]
        courses.append({"code": code, "name": name, "students": students})
    return courses


config = pulumi.Config()
courses = load_courses(config.require_object("courses"))
course_image = config.require("courseImage")

teams: dict[str, compshare.Team] = {}
members: dict[str, dict[int, compshare.TeamMembership]] = {}
enrolled: set[int] = set()
for course in courses:
    code = course["code"]
    team = compshare.Team(
        f"course-{code}",
        name=course["name"],
        description=f"Course {code}: {len(course['students'])} students",
    )
    teams[code] = team
    members[code] = {}
    for company_id, remark_name in course["students"].items():
        members[code][company_id] = compshare.TeamMembership(
            f"{code}-{company_id}",
            team_id=team.team_id,
            user_company_id=company_id,
            remark_name=remark_name,
        )
        enrolled.add(company_id)

        # --- Per-student budgets ---------------------------------------------------------------
        # Not yet: a later version allocates each student's GPU budget in their course team here
        # (from an optional `budget` of the student in the courses config), next to the
        # membership it belongs to. Nothing is allocated by this version.

# Everyone enrolled in any course gets the course image; nobody else is touched (additive).
course_image_share = compshare.ImageShare(
    "course-image", image_id=course_image, account_ids=sorted(enrolled)
)

pulumi.export("teams", {code: team.team_id for code, team in teams.items()})
pulumi.export(
    "members",
    {
        code: {str(cid): m.status for cid, m in by_student.items()}
        for code, by_student in members.items()
    },
)
pulumi.export("enrolled", sorted(enrolled))
pulumi.export("image_shared_with", course_image_share.account_ids)
