"""Classroom: a lab's courses on CompShare, kept in stack config.

One team per course, named "<code> <title>"; every student of a course invited to its team with
their remark name (a student in two courses is in both teams); the course image shared with
everyone enrolled in any course. Add a student to a course in config and `pulumi up` invites them
and shares the image; take them out and it cancels the membership, and unshares the image once
they are in no course at all. `pulumi refresh` then `pulumi up` puts back what someone changed in
the console.

The courses are the `courses` config value (see Pulumi.yaml for its shape and the defaults, whose
company ids are the emulator's generated accounts 50002-50007). A course with `"members": "set"`
keeps its class list as one `TeamMembers` (every student invited in batches, anyone else removed,
one budget for all) instead of a `TeamMembership` per student.
"""

from __future__ import annotations

from typing import Any

import pulumi

import pulumi_compshare as compshare

TEAM_NAME_MAX = 64
COURSE_KEYS = ("code", "title", "budget", "members", "students")
STUDENT_KEYS = ("companyId", "remarkName", "budget")


def no_unknown_keys(value: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    """A misspelt key (``budgetFen``) would be ignored, and its budget silently not managed."""
    unknown = sorted(str(key) for key in value if key not in known)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} (expected {', '.join(known)})")


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
        no_unknown_keys(course, COURSE_KEYS, where)
        code, title = str(course.get("code", "")).strip(), str(course.get("title", "")).strip()
        if not code or not title:
            raise ValueError(f"{where}: code and title are required")
        if code in codes:
            raise ValueError(f"{where}: course code {code!r} appears twice")
        codes.add(code)
        budget = load_budget(course.get("budget"), f"{where}.budget")
        form = course.get("members", "each")
        if form not in ("each", "set"):
            raise ValueError(f"{where}.members: expected 'each' or 'set', got {form!r}")
        students: dict[int, tuple[str, int | None]] = {}
        for number, student in enumerate(course.get("students") or []):
            at = f"{where}.students[{number}]"
            if isinstance(student, dict):
                no_unknown_keys(student, STUDENT_KEYS, at)
            try:
                company_id = int(student["companyId"])
            except (TypeError, KeyError, ValueError):
                raise ValueError(f"{at}: companyId is required") from None
            if company_id in students:
                raise ValueError(f"{at}: {company_id} is listed twice")
            remark = str(student.get("remarkName") or f"student {company_id}")
            own = load_budget(student.get("budget"), f"{at}.budget")
            if own is not None and form == "set":
                raise ValueError(
                    f"{at}.budget: a course with members 'set' gives every student the course "
                    "budget; drop the student's budget or use members 'each'"
                )
            students[company_id] = (remark, own if own is not None else budget)
        name = f"{code} {title}"[:TEAM_NAME_MAX]
        courses.append(
            {
                "code": code,
                "name": name,
                "students": students,
                "set": form == "set",
                "budget": budget,
            }
        )
    return courses


def load_budget(raw: Any, where: str) -> int | None:
    """A budget in fen (1/100 yuan), or ``None`` (not managed)."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ValueError(
            f"config {where}: expected a whole number of fen (1/100 yuan), got {raw!r}"
        )
    return raw


config = pulumi.Config()
courses = load_courses(config.require_object("courses"))
course_image = config.require("courseImage")

teams: dict[str, compshare.Team] = {}
members: dict[str, dict[int, compshare.TeamMembership]] = {}
class_lists: dict[str, compshare.TeamMembers] = {}
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
    if course["set"]:
        # The class list as one resource: the students invited in batches, anyone else the
        # team has removed, one budget for every student once they have joined.
        class_lists[code] = compshare.TeamMembers(
            f"{code}-students",
            team_id=team.team_id,
            user_company_ids=sorted(course["students"]),
            remark_names={cid: remark for cid, (remark, _) in course["students"].items()},
            allocated_amount=course["budget"],
        )
        enrolled.update(course["students"])
        continue
    for company_id, (remark_name, budget) in course["students"].items():
        # Each student's GPU budget in this course's team: granted once they accept the invite
        # (until then `budget_pending`), raised or lowered with the config, and what they have
        # not spent is withdrawn when they leave the course.
        members[code][company_id] = compshare.TeamMembership(
            f"{code}-{company_id}",
            team_id=team.team_id,
            user_company_id=company_id,
            remark_name=remark_name,
            allocated_amount=budget,
        )
        enrolled.add(company_id)

# Everyone enrolled in any course gets the course image; nobody else is touched (additive).
course_image_share = compshare.ImageShare(
    "course-image", image_id=course_image, account_ids=sorted(enrolled)
)

pulumi.export("teams", {code: team.team_id for code, team in teams.items()})
pulumi.export(
    "members",
    {
        **{
            code: {str(cid): m.status for cid, m in by_student.items()}
            for code, by_student in members.items()
            if code not in class_lists
        },
        **{
            code: listed.members.apply(
                lambda rows: {str(int(r["user_company_id"])): r["status"] for r in rows}
            )
            for code, listed in class_lists.items()
        },
    },
)
pulumi.export(
    "budgets",
    {
        **{
            code: {
                str(cid): pulumi.Output.all(m.granted_amount, m.available_amount, m.budget_pending)
                for cid, m in by_student.items()
            }
            for code, by_student in members.items()
            if code not in class_lists
        },
        **{
            code: pulumi.Output.all(listed.members, listed.budget_pending).apply(
                lambda both: {
                    str(int(r["user_company_id"])): [
                        r["granted_amount"],
                        r["available_amount"],
                        both[1] and r["status"] == "Pending",
                    ]
                    for r in both[0]
                }
            )
            for code, listed in class_lists.items()
        },
    },
)
# What each student has spent in each course's team, in fen (orders since the team began, unpaid
# ones included), next to their budget above: read once the course's memberships exist.
pulumi.export(
    "spend",
    {
        code: compshare.get_team_spend_output(
            pulumi.Output.all(teams[code].team_id, *(m.id for m in by_student.values())).apply(
                lambda ids: ids[0]
            )
        ).apply(lambda spend: spend.spent_by_member)
        for code, by_student in members.items()
    },
)
pulumi.export("enrolled", sorted(enrolled))
pulumi.export("image_shared_with", course_image_share.account_ids)
