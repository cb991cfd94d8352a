"""An ImageShare never leaves access the stack's state does not know: when anything fails after
an add was sent, what that operation added is removed again before the error is raised. Each
fault is injected at the exact ModifyCompShareImageShareAccount call."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from pulumi_compshare.emulator import Emulator, generate_seed
from pulumi_compshare.resources import ImageShareProvider

from ..kit import Engine, ProviderCallError, kill_provider_at, stack_config

MODIFY = "ModifyCompShareImageShareAccount"
OWNER = 50001
USERS = list(range(50002, 50016))  # 14 accounts besides the owner
IMAGE = "compshareImage-gen0001"


@pytest.fixture
def em() -> Iterator[Emulator]:
    with Emulator(generate_seed(accounts=15, images=1)) as emulator:
        yield emulator


@pytest.fixture
def engine(em: Emulator) -> Iterator[Engine]:
    engine = Engine({**stack_config(em), "compshare:maxRetries": "0"})
    yield engine
    engine.close()


def shared(em: Emulator) -> list[int]:
    (image,) = [i for i in em.state()["images"] if i["id"] == IMAGE]
    return sorted(image["shared_with"])


def test_an_update_whose_remove_fails_takes_back_what_it_added(
    em: Emulator, engine: Engine
) -> None:
    share = engine.create(
        engine.new("ImageShare", "s", ImageShareProvider()),
        {"image_id": IMAGE, "account_ids": USERS[:2]},
    )
    em.fail(MODIFY, "http_503", nth=2)  # the add of USERS[2] lands; the remove of USERS[1] fails
    with pytest.raises(ProviderCallError) as caught:
        engine.up(share, {"image_id": IMAGE, "account_ids": [USERS[0], USERS[2]]})
    message = str(caught.value)
    assert MODIFY in message and "HTTP 503" in message
    assert f"the accounts this operation added ({USERS[2]}) were removed" in message
    assert shared(em) == USERS[:2]  # exactly what the state still says
    engine.delete(share)  # so destroy leaves nothing behind
    assert shared(em) == []


def test_a_failed_take_back_says_which_accounts_stay_shared(em: Emulator, engine: Engine) -> None:
    share = engine.create(
        engine.new("ImageShare", "s", ImageShareProvider()),
        {"image_id": IMAGE, "account_ids": USERS[:2]},
    )
    em.fail(MODIFY, "http_503", nth=2, times=2)  # the remove fails, and so does the take-back
    with pytest.raises(ProviderCallError) as caught:
        engine.up(share, {"image_id": IMAGE, "account_ids": [USERS[0], USERS[2]]})
    message = str(caught.value)
    assert "removing the accounts this operation added failed too" in message
    assert f"so {USERS[2]} stay shared" in message and "\n" not in message


def test_a_create_whose_second_add_batch_fails_takes_back_the_first(
    em: Emulator, engine: Engine
) -> None:
    share = engine.new("ImageShare", "s", ImageShareProvider())
    em.fail(MODIFY, "http_503", nth=2)  # 10 accounts land, the next batch of 2 fails
    with pytest.raises(ProviderCallError, match="were removed"):
        engine.create(share, {"image_id": IMAGE, "account_ids": USERS[:12]})
    assert shared(em) == []  # a failed Create records nothing, so nothing may stay shared


def test_invalid_accounts_take_back_the_valid_ones(em: Emulator, engine: Engine) -> None:
    share = engine.new("ImageShare", "s", ImageShareProvider())
    with pytest.raises(ProviderCallError) as caught:
        engine.create(share, {"image_id": IMAGE, "account_ids": [USERS[0], 99999]})
    assert "AddAccounts 99999 are not valid accounts (InvalidAccounts)" in str(caught.value)
    assert f"({USERS[0]}) were removed" in str(caught.value)
    assert shared(em) == []


def test_a_lost_add_answer_is_taken_back_too(em: Emulator, engine: Engine) -> None:
    """The add was applied but its answer lost: it counts as added, and is removed again."""
    share = engine.create(
        engine.new("ImageShare", "s", ImageShareProvider()),
        {"image_id": IMAGE, "account_ids": USERS[:1]},
    )
    em.fail(MODIFY, "applied_response_lost", nth=1)
    with pytest.raises(ProviderCallError, match="were removed"):
        engine.up(share, {"image_id": IMAGE, "account_ids": USERS[:2]})
    assert shared(em) == USERS[:1]


# ------------------------------------------------------------------------------ killed or held runs


def until_shared(em: Emulator, accounts: list[int]) -> None:
    """Wait (bounded) until the emulator has processed the call the killed process sent."""
    for _ in range(200):
        if set(accounts) <= set(shared(em)):
            return
        time.sleep(0.05)
    raise AssertionError(f"{accounts} never became shared: {shared(em)}")


def test_a_run_killed_after_its_add_landed_is_cleaned_up_after_a_revert(
    em: Emulator, engine: Engine
) -> None:
    share = engine.create(
        engine.new("ImageShare", "s", ImageShareProvider()),
        {"image_id": IMAGE, "account_ids": [USERS[0]]},
    )
    engine.next_command()
    killed = kill_provider_at(em, engine, MODIFY)
    with pytest.raises(ProviderCallError, match="UNAVAILABLE"):
        engine.up(share, {"image_id": IMAGE, "account_ids": USERS[:3]})
    assert killed and not engine.server.running
    until_shared(em, USERS[:3])  # 50003 and 50004 have access the state does not record
    engine.next_command()
    # the program is reverted: the plan still shows the removal, and says why
    kind, share = engine.up(share, {"image_id": IMAGE, "account_ids": [USERS[0]]})
    assert kind == "update" and shared(em) == [USERS[0]]
    assert f"removes {USERS[1]}, {USERS[2]}, added by an earlier run" in engine.stderr_text()
    engine.next_command()
    assert engine.up(share, {"image_id": IMAGE, "account_ids": [USERS[0]]})[0] == "same"
    engine.delete(share)
    assert shared(em) == []


def test_a_create_killed_after_its_add_landed_is_cleaned_up_by_the_next_create(
    em: Emulator, engine: Engine
) -> None:
    res = engine.new("ImageShare", "s", ImageShareProvider())
    killed = kill_provider_at(em, engine, MODIFY)
    with pytest.raises(ProviderCallError, match="UNAVAILABLE"):
        engine.create(res, {"image_id": IMAGE, "account_ids": USERS[:3]})
    assert killed
    until_shared(em, USERS[:3])
    engine.next_command()
    engine.create(res, {"image_id": IMAGE, "account_ids": [USERS[0]]})  # reverted program
    assert shared(em) == [USERS[0]]
    engine.delete(res)
    assert shared(em) == []


def test_an_add_held_past_the_deadline_that_lands_after_the_take_back_is_removed_next_time(
    em: Emulator,
) -> None:
    config = {**stack_config(em), "compshare:maxRetries": "0", "compshare:timeoutSeconds": "1"}
    engine = Engine(config)
    try:
        share = engine.create(
            engine.new("ImageShare", "s", ImageShareProvider()),
            {"image_id": IMAGE, "account_ids": [USERS[0]]},
        )
        fault = em.fail(MODIFY, "delay", delay_ms=2500)  # the add, held by the network
        with pytest.raises(ProviderCallError):
            engine.up(share, {"image_id": IMAGE, "account_ids": USERS[:2]})
        assert fault.hits == 1
        until_shared(em, USERS[:2])  # the held add landed after the take-back
        engine.next_command()
        kind, share = engine.up(share, {"image_id": IMAGE, "account_ids": [USERS[0]]})
        assert kind == "update" and shared(em) == [USERS[0]]
        engine.delete(share)
        assert shared(em) == []
    finally:
        engine.close()
