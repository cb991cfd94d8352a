"""The whole line of an error, as a user reads it (issue 17, item 5): no filler, a wrong base URL
says to check ``compshare:baseUrl``, an account is named once."""

from __future__ import annotations

import inspect

import pytest

from pulumi_compshare import errors
from pulumi_compshare.client import (
    APIError,
    CompShareAPIError,
    CompShareClient,
    Credentials,
    MalformedResponseError,
    RetryPolicy,
    WrongEndpointError,
)
from pulumi_compshare.emulator import Emulator

from .local_api import LocalAPI, client_for, json_answer, raw_answer

FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)
OWNER, ALICE, TEAM = 50001, 50002, 1001
BASE_URL = (
    "the base URL does not serve the CompShare API: check compshare:baseUrl "
    "(the API is https://api.compshare.cn)"
)


def client_of(em: Emulator, company_id: int) -> CompShareClient:
    account = em.account(company_id)
    return CompShareClient(
        Credentials(account.public_key, account.private_key), base_url=em.url, retry=FAST
    )


def line(error: APIError) -> str:
    """The error's line, its request id (a fresh UUID per answer) as ``<id>``."""
    return str(error).replace(error.request_id, "<id>") if error.request_id else str(error)


def failure(srv: LocalAPI) -> APIError:
    with client_for(srv) as client, pytest.raises(APIError) as caught:
        client.list_teams()
    return caught.value


# ------------------------------------------------------------------ 5a: no filler


def test_no_hint_is_filler() -> None:
    classes = [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.APIError)
    ]
    assert len(classes) >= 15
    for cls in classes:
        for hint in (cls.hint, cls.team_hint):
            assert "README" not in hint and "see the message" not in hint, cls.__name__
    assert CompShareAPIError.hint == "" and APIError.hint == ""


def test_a_failure_of_no_known_class_is_the_apis_words_alone() -> None:
    with Emulator() as em, client_of(em, OWNER) as owner, client_of(em, ALICE) as alice:
        owner.create_team_relations(TEAM, [{"user_company_id": ALICE}])
        alice.set_team_relation(TEAM, "Agree")
        with pytest.raises(CompShareAPIError) as caught:
            owner.delete_team(TEAM)
        assert type(caught.value) is CompShareAPIError
        assert line(caught.value) == (
            "DeleteCompShareTeam failed: team 1001 still has 1 member; cancel them first "
            "(RetCode 8409, request <id>)"
        )


# ------------------------------------------------------------------ 5b: a wrong base URL


@pytest.mark.parametrize(
    ("status", "data", "content_type", "what"),
    [
        (
            404,
            b"<!DOCTYPE html><html>Not Found</html>",
            "text/html",
            "an HTML page, not JSON (text/html)",
        ),
        (405, b"Method Not Allowed", "text/plain", "not JSON (text/plain, 18 bytes)"),
        (
            404,
            b'{"error": "no such page"}',
            "application/json",
            "a JSON object with no RetCode, not a CompShare answer",
        ),
        (
            403,
            b"<html><body>blocked by proxy</body></html>",
            "text/html",
            "an HTML page, not JSON (text/html)",
        ),
    ],
)
def test_an_answer_that_is_not_the_apis_says_to_check_the_base_url(
    server: LocalAPI, status: int, data: bytes, content_type: str, what: str
) -> None:
    server.answer = raw_answer(data, status, content_type)
    error = failure(server)
    assert type(error) is WrongEndpointError
    assert line(error) == f"ListCompShareTeam failed: unexpected HTTP {status}: {what}; {BASE_URL}"
    assert server.hits == 1  # not retried: the URL will not change by itself


def test_a_web_page_answered_with_200_is_retried_then_says_to_check_the_base_url(
    server: LocalAPI,
) -> None:
    server.answer = raw_answer(b"<html>captive portal</html>", 200, "text/html")
    error = failure(server)
    assert type(error) is WrongEndpointError
    assert line(error) == (
        f"ListCompShareTeam failed: the answer is an HTML page, not JSON (text/html); {BASE_URL}"
    )
    assert server.hits == FAST.max_attempts


def test_other_non_api_answers_stay_malformed(server: LocalAPI) -> None:
    server.answer = raw_answer(b"bad", 400)
    error = failure(server)
    assert type(error) is MalformedResponseError
    assert line(error) == (
        "ListCompShareTeam failed: unexpected HTTP 400: not JSON (text/plain, 3 bytes); the answer "
        "did not look like the CompShare API's: check compshare:baseUrl (another service or a "
        "proxy may be answering); if it is right, report this line to the provider's maintainers"
    )
    server.answer = json_answer({"RetCode": 230, "Message": "Params [X] not available"}, 404)
    assert "not available" in str(failure(server))  # a CompShare answer, whatever the status


def test_the_wrong_path_of_a_real_server_says_to_check_the_base_url() -> None:
    with Emulator() as em:
        account = em.account(OWNER)
        client = CompShareClient(
            Credentials(account.public_key, account.private_key),
            base_url=f"{em.url}/_emulator/not-the-api",
            retry=FAST,
        )
        with client, pytest.raises(WrongEndpointError) as caught:
            client.list_teams()
        assert line(caught.value) == (
            "ListCompShareTeam failed: unexpected HTTP 404: a JSON object with no RetCode, not a "
            f"CompShare answer (request <id>); {BASE_URL}"
        )


# ------------------------------------------------------------------ 5c: an account named once


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("account 59001 does not exist", "account 59001 does not exist"),
        ("用户不存在", "account 59001: 用户不存在"),
        ("user 59001 not found", "user 59001 not found"),
        ("account 590011 does not exist", "account 59001: account 590011 does not exist"),
        ("", "account 59001: "),
    ],
)
def test_about_names_the_subject_once(message: str, shown: str) -> None:
    assert errors.about("account 59001", message) == shown
