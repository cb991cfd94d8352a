"""Emulator dialects over real HTTP: each one observably changes the raw answer (compared with the
default reading in the same scenario), they combine, ``strict`` expands, and the CLI flag and the
seed file select them."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_compshare.emulator import (
    DIALECTS,
    STRICT,
    Account,
    Emulator,
    Seed,
    SeedError,
    demo_seed,
    load_seed,
    parse_dialects,
)

from .raw import ALICE, BOB, HTTP, IMAGE, OWNER, TEAM, signed
from .test_budgets import withdraw_reading

CJK = re.compile(r"[\u4e00-\u9fff]")

FEATURE_OFF = (
    8403,
    "the team feature is not enabled for this account",
    0,
)


def raw(url: str, account: Account, action: str, region: bool = True, **params: Any) -> Any:
    """The raw JSON answer of one signed request (no client in between)."""
    base = {"Action": action, **({"Region": "cn-wlcb"} if region else {})}
    response = HTTP.post(url, data=signed(account, {**base, **params}))
    assert response.status_code == 200
    return response.json()


def call(em: Emulator, who: int, action: str, **params: Any) -> Any:
    return raw(em.url, em.account(who), action, **params)


def ok(body: Any) -> Any:
    assert body["RetCode"] == 0, body
    return body


def invite(em: Emulator, *users: int, **extra: Any) -> Any:
    info = [{"UserCompanyId": user, **extra} for user in users]
    return ok(call(em, OWNER, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=info))


def joined_alice(em: Emulator) -> None:
    invite(em, ALICE)
    ok(call(em, ALICE, "SetCompShareTeamRelation", TeamId=TEAM, Status="Agree"))


def relation_row(em: Emulator) -> dict[str, Any]:
    invite(em, BOB)
    body = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))
    row: dict[str, Any] = body["TeamRelation"][0]
    return row


def billing_answers(em: Emulator) -> Any:
    """Alice spends (one paid order, one unpaid); the billing answers' shapes: the count's
    total, the unpaid row's amount, the order state, and whether a request without times is
    answered."""
    joined_alice(em)
    virtual = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))["TeamRelation"][0]
    member = {"TeamId": TEAM, "VirtualCompanyId": virtual["VirtualCompanyId"]}
    ok(
        call(
            em,
            OWNER,
            "SetCompShareTeamAmount",
            TeamId=TEAM,
            VirtualCompanyId=[member["VirtualCompanyId"]],
            Amount=1000,
            OperateType="AllocateAmount",
        )
    )
    em.spend(TEAM, ALICE, 250, at=100)
    em.spend(TEAM, ALICE, 70, at=200, unpaid=True)
    window = {**member, "BeginTime": 0, "EndTime": 1000}
    count = ok(call(em, OWNER, "DescribeTeamMemberOrderCount", **window))
    unpaid = ok(call(em, OWNER, "DescribeTeamMemberUnpaidOrder", **window))["OrderInfos"][0]
    order = ok(call(em, OWNER, "DescribeTeamMemberOrder", **window))["OrderInfos"][0]
    no_times = call(em, OWNER, "DescribeTeamMemberOrderCount", **member)["RetCode"]
    return (count["Amount"], unpaid["Amount"], order["OrderState"], no_times)


BILLING_DEFAULT = ("3.20", 70, "Unpaid", 230)


# ------------------------------------------------------------------ one scenario per dialect
# Each returns what it observes; the test runs it against the default reading and the dialect.


def cancel_joined(em: Emulator) -> Any:
    joined_alice(em)
    body = call(
        em, OWNER, "SetCompShareTeamRelation", TeamId=TEAM, Status="Cancel", UserCompanyId=ALICE
    )
    return body["RetCode"], "pending invite" in body["Message"]


def received_after_agree(em: Emulator) -> Any:
    joined_alice(em)
    return [row["Status"] for row in ok(call(em, ALICE, "ListCompShareTeamInvite"))["Invites"]]


def error_map_of_second_invite(em: Emulator) -> Any:
    first = invite(em, ALICE)["ErrorMap"]
    second = invite(em, ALICE)["ErrorMap"]
    if isinstance(second, str):
        return first, json.loads(second)["50002"]["Code"]
    return first, second["50002"]["Code"]


def text_fields(em: Emulator) -> Any:
    ok(call(em, OWNER, "CreateCompShareTeam", Name="plain"))
    ok(
        call(
            em, OWNER, "ModifyCompShareImageShareAccount", CompShareImageId=IMAGE, AddAccounts=[BOB]
        )
    )
    row = relation_row(em)
    teams = ok(call(em, OWNER, "ListCompShareTeam"))["Teams"]
    plain = next(t for t in teams if t["Name"] == "plain")
    account = ok(call(em, OWNER, "DescribeCompShareImageShareAccounts", CompShareImageId=IMAGE))[
        "AccountSet"
    ][0]
    missing = "<absent>"
    return (
        row.get("RemarkName", missing),
        row.get("TeamName", missing),
        plain.get("Description", missing),
        account.get("AccountName", missing),
    )


def statuses(em: Emulator) -> Any:
    joined_alice(em)
    invite(em, BOB)
    info = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))["TeamRelation"]
    received = ok(call(em, BOB, "ListCompShareTeamInvite"))["Invites"]
    joined = ok(call(em, ALICE, "ListCompShareTeamJoined"))["JoinedTeams"]
    logs = ok(
        call(em, OWNER, "ListCompShareTeamOperateLog", TeamId=TEAM, BeginTime=0, EndTime=2**40)
    )
    return (
        sorted(r["Status"] for r in info),
        [r["Status"] for r in received],
        [r["Status"] for r in joined],
        {entry["Status"] for entry in logs["Logs"]},
    )


def id_types(em: Emulator) -> Any:
    invite(em, BOB)
    ok(
        call(
            em,
            OWNER,
            "ModifyCompShareImageShareAccount",
            CompShareImageId=IMAGE,
            AddAccounts=[ALICE],
        )
    )
    team = ok(call(em, OWNER, "ListCompShareTeam"))["Teams"][0]
    info = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))
    received = ok(call(em, BOB, "ListCompShareTeamInvite"))["Invites"][0]
    account = ok(call(em, OWNER, "DescribeCompShareImageShareAccounts", CompShareImageId=IMAGE))[
        "AccountSet"
    ][0]
    invalid = ok(
        call(
            em,
            OWNER,
            "ModifyCompShareImageShareAccount",
            CompShareImageId=IMAGE,
            AddAccounts=[99999],
        )
    )["InvalidAccounts"]
    values = [
        team["Id"],
        team["CompanyId"],
        info["Team"]["Id"],
        info["TeamRelation"][0]["UserCompanyId"],
        info["TeamRelation"][0]["VirtualCompanyId"],
        received["TeamUseCompanyId"],
        account["AccountId"],
        invalid[0],
    ]
    return {type(v).__name__ for v in values}


def gone_team(em: Emulator) -> Any:
    ok(call(em, OWNER, "CreateCompShareTeam", Name="doomed"))
    doomed = next(
        t for t in ok(call(em, OWNER, "ListCompShareTeam"))["Teams"] if t["Name"] == "doomed"
    )
    ok(call(em, OWNER, "DeleteCompShareTeam", TeamId=doomed["Id"]))
    answers = []
    for team_id in (4242, doomed["Id"]):
        body = call(em, OWNER, "GetCompShareTeamInfo", TeamId=team_id)
        answers.append((body["RetCode"], body["Message"], body.get("Team", {}).get("Deleted")))
    return answers


def gone_team_empty(em: Emulator) -> Any:
    body = call(em, OWNER, "GetCompShareTeamInfo", TeamId=4242)
    return body["RetCode"], body.get("Team"), body.get("TeamRelation")


def error_messages(em: Emulator) -> Any:
    invite(em, ALICE)
    again = invite(em, ALICE)["ErrorMap"]["50002"]
    answers = [
        call(em, OWNER, "GetCompShareTeamInfo", TeamId=4242),
        call(em, BOB, "UpdateCompShareTeam", TeamId=TEAM, Name="x"),
        call(em, BOB, "SetCompShareTeamRelation", TeamId=TEAM, Status="Agree"),
        call(
            em, OWNER, "DescribeCompShareImageShareAccounts", CompShareImageId="compshareImage-no"
        ),
        call(em, OWNER, "CreateCompShareTeam"),
        call(em, OWNER, "NoSuchAction"),
        raw(
            em.url, Account(OWNER, "x", em.account(OWNER).public_key, "wrong"), "ListCompShareTeam"
        ),
    ]
    return (
        (again["Code"], again["Message"]),
        all(body["RetCode"] != 0 and CJK.search(body["Message"]) for body in answers),
    )


def team_feature_off(em: Emulator) -> Any:
    em.set_account_flags(OWNER, team_feature=False)
    refused = call(em, OWNER, "CreateCompShareTeam", Name="t")
    alice_agrees = invite_as_alice_owner(em)
    return refused["RetCode"], refused["Message"], alice_agrees


def invite_as_alice_owner(em: Emulator) -> Any:
    # the invitee side is not gated: OWNER (no team feature) still answers invites it received
    ok(call(em, ALICE, "CreateCompShareTeam", Name="alice's"))
    team = ok(call(em, ALICE, "ListCompShareTeam"))["Teams"][0]["Id"]
    info = [{"UserCompanyId": OWNER}]
    ok(call(em, ALICE, "CreateCompShareTeamRelation", TeamId=team, UserInfo=info))
    return call(em, OWNER, "SetCompShareTeamRelation", TeamId=team, Status="Agree")["RetCode"]


def operate_log_shape(em: Emulator) -> Any:
    invite(em, ALICE)
    body = call(em, OWNER, "ListCompShareTeamOperateLog", TeamId=TEAM)
    if body["RetCode"] != 0:
        return body["RetCode"]
    return (
        type(body["OperateTypeList"]).__name__,
        body["OperateTypeList"].get("InviteMember"),
        body["StatusList"],
        [entry["OperateType"] for entry in body["Logs"]],
    )


def image_call_without_region(em: Emulator) -> Any:
    body = raw(
        em.url,
        em.account(OWNER),
        "DescribeCompShareImageShareAccounts",
        region=False,
        CompShareImageId=IMAGE,
    )
    return body["RetCode"], "Region" in body["Message"]


CASES: list[tuple[str, Callable[[Emulator], Any], Any, Any]] = [
    ("cancel-pending-only", cancel_joined, (0, False), (8409, True)),
    ("invites-pending-only", received_after_agree, ["Joined"], []),
    ("error-map-string", error_map_of_second_invite, ({}, 8409), ("", 8409)),
    ("null-text", text_fields, ("", "demo-team", "", "bob"), (None, None, None, None)),
    (
        "absent-text",
        text_fields,
        ("", "demo-team", "", "bob"),
        ("<absent>", "<absent>", "<absent>", "<absent>"),
    ),
    (
        "lower-status",
        statuses,
        (["joined", "pending"], ["Pending"], ["Joined"], {"Success"}),
        (["joined", "pending"], ["pending"], ["joined"], {"success"}),
    ),
    (
        "upper-status",
        statuses,
        (["joined", "pending"], ["Pending"], ["Joined"], {"Success"}),
        (["JOINED", "PENDING"], ["PENDING"], ["JOINED"], {"SUCCESS"}),
    ),
    ("string-ids", id_types, {"int"}, {"str"}),
    (
        "team-gone-error",
        gone_team,
        [(8404, "team 4242 does not exist", None), (0, "", 1)],
        [(230, "团队不存在", None), (230, "团队不存在", None)],
    ),
    ("team-gone-empty", gone_team_empty, (8404, None, None), (0, {}, [])),
    (
        "chinese-errors",
        error_messages,
        ((8409, "account 50002 is already pending in team 1001"), False),
        ((16001, "用户已在团队中"), True),
    ),
    (
        "feature-off-8433",
        team_feature_off,
        FEATURE_OFF,
        (8433, "service error， please contact technical support", 0),
    ),
    ("feature-off-denied", team_feature_off, FEATURE_OFF, (8403, "permission denied", 0)),
    (
        "operate-log-maps",
        operate_log_shape,
        230,
        ("dict", "邀请成员", {"Success": "成功", "Failed": "失败"}, ["InviteMember"]),
    ),
    ("region-required", image_call_without_region, (0, False), (230, True)),
    # team billing (tests/emulator/test_billing.py)
    ("billing-times-optional", billing_answers, BILLING_DEFAULT, ("3.20", 70, "Unpaid", 0)),
    ("unpaid-amount-text", billing_answers, BILLING_DEFAULT, ("3.20", "0.70", "Unpaid", 230)),
    ("order-states-os", billing_answers, BILLING_DEFAULT, ("3.20", 70, "OS_UNPAID", 230)),
    ("billing-amount-numbers", billing_answers, BILLING_DEFAULT, (3.2, 70, "Unpaid", 230)),
    # the budget readings (tests/emulator/test_budgets.py: test_withdrawal_readings)
    (
        "allocate-cumulative",
        withdraw_reading,
        ((800, 500), [8409], (800, 500), [], (799, 499), 999_201),
        ((1000, 500), [8409], (1000, 500), [], (1000, 499), 999_201),
    ),
    (
        "withdraw-clamped",
        withdraw_reading,
        ((800, 500), [8409], (800, 500), [], (799, 499), 999_201),
        ((800, 500), [], (300, 0), [], (300, 0), 999_700),
    ),
]


def test_every_dialect_has_a_case() -> None:
    assert {name for name, *_ in CASES} == set(DIALECTS)


@pytest.mark.parametrize(
    ("dialect", "scenario", "default", "expected"), CASES, ids=[case[0] for case in CASES]
)
def test_each_dialect_changes_the_answer(
    dialect: str, scenario: Callable[[Emulator], Any], default: Any, expected: Any
) -> None:
    with Emulator() as plain:
        assert scenario(plain) == default
    with Emulator(dialects=[dialect]) as em:
        assert em.dialects == {dialect}
        assert scenario(em) == expected
    assert default != expected


def test_dialects_combine() -> None:
    with Emulator(dialects="string-ids,upper-status,null-text,chinese-errors") as em:
        invite(em, BOB)
        row = ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=TEAM))["TeamRelation"][0]
        assert (row["UserCompanyId"], row["Status"], row["RemarkName"]) == (
            "50003",
            "PENDING",
            None,
        )
        failure = json.dumps(invite(em, BOB)["ErrorMap"], ensure_ascii=False)
        assert "16001" in failure and "用户已在团队中" in failure


def test_strict_is_the_documented_combination() -> None:
    assert parse_dialects("strict") == set(STRICT)
    assert parse_dialects(["strict", "string-ids"]) == set(STRICT)
    with Emulator(dialects="strict") as em:
        joined_alice(em)
        refused = call(
            em, OWNER, "SetCompShareTeamRelation", TeamId=TEAM, Status="Cancel", UserCompanyId=ALICE
        )
        assert refused["RetCode"] == 16007 and CJK.search(refused["Message"])
        assert ok(call(em, ALICE, "ListCompShareTeamInvite"))["Invites"] == []
        row = ok(call(em, ALICE, "ListCompShareTeamJoined"))["JoinedTeams"][0]
        assert (row["TeamId"], row["Status"], row["TeamName"]) == ("1001", "JOINED", None)
        assert ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=4242))["Team"] == {}
        assert (
            call(em, OWNER, "UpdateCompShareTeam", TeamId=4242, Name="x")["Message"] == "团队不存在"
        )
        assert invite(em, BOB)["ErrorMap"] == ""


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ("lower-status,upper-status", "cannot be combined"),
        (["null-text", "absent-text"], "cannot be combined"),
        ("strict,lower-status", "cannot be combined"),
        ("chinese", "unknown dialect 'chinese'"),
    ],
)
def test_bad_dialects_are_refused(names: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Emulator(dialects=names)


def test_a_retired_dialect_is_accepted_and_changes_nothing() -> None:
    # invite-limit-100 named the vendor's limit when the default was 50; 100 is the default now
    assert parse_dialects("invite-limit-100,string-ids") == {"string-ids"}
    seed = Seed.from_dict({**demo_seed().to_dict(), "dialects": ["invite-limit-100"]})
    with Emulator(seed, dialects="invite-limit-100") as em:
        assert em.dialects == frozenset()


def test_default_has_no_dialect() -> None:
    with Emulator() as em:
        assert em.dialects == frozenset()
    assert parse_dialects(None) == parse_dialects("") == frozenset()


def test_seed_file_selects_dialects(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps({**demo_seed().to_dict(), "dialects": ["team-gone-empty", "string-ids"]}),
        encoding="utf-8",
    )
    seed = load_seed(path)
    assert seed.dialects == ("team-gone-empty", "string-ids")
    assert load_seed(path).to_dict()["dialects"] == ["team-gone-empty", "string-ids"]
    with Emulator(seed, dialects="upper-status") as em:  # the seed's and the argument's
        assert em.dialects == {"team-gone-empty", "string-ids", "upper-status"}
        assert ok(call(em, OWNER, "GetCompShareTeamInfo", TeamId=4242))["Team"] == {}
        assert ok(call(em, OWNER, "ListCompShareTeam"))["Teams"][0]["Id"] == "1001"
    path.write_text(
        json.dumps({**demo_seed().to_dict(), "dialects": ["shouting"]}), encoding="utf-8"
    )
    with pytest.raises(SeedError, match=r"dialects: unknown dialect 'shouting'"):
        load_seed(path)
    path.write_text(json.dumps({**demo_seed().to_dict(), "dialects": "strict"}), encoding="utf-8")
    with pytest.raises(SeedError, match="dialects must be a list"):
        load_seed(path)


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pulumi_compshare.emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_flag_and_seed_file_select_dialects(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps({**demo_seed().to_dict(), "dialects": ["error-map-string"]}), encoding="utf-8"
    )
    process = _serve(
        "--seed", str(path), "--dialect", "upper-status,string-ids", "--dialect", "chinese-errors"
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        match = re.fullmatch(r"CompShare emulator listening on (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        lines = [process.stdout.readline().strip() for _ in demo_seed().accounts]
        assert all(line.startswith("account ") for line in lines)
        assert process.stdout.readline().strip() == (
            "dialects: chinese-errors, error-map-string, string-ids, upper-status"
        )
        url, owner, bob = match.group(1), demo_seed().accounts[0], demo_seed().accounts[2]
        info = [{"UserCompanyId": BOB}]
        raw(url, owner, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=info)
        again = raw(url, owner, "CreateCompShareTeamRelation", TeamId=TEAM, UserInfo=info)
        assert json.loads(again["ErrorMap"])["50003"]["Code"] == 16001
        row = raw(url, bob, "ListCompShareTeamInvite")["Invites"][0]
        assert (row["TeamId"], row["Status"]) == ("1001", "PENDING")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()


def test_cli_refuses_unknown_dialect() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_compshare.emulator", "--dialect", "upper-status,shouting"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "--dialect: unknown dialect 'shouting'" in result.stderr
