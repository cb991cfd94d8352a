"""The emulator's own RetCodes (8403, 8404, 8409: CompShare documents none for these cases) are
not known to production code: the client reads the emulator's refusals by their words, as it reads
the real API's, in English and (``chinese-errors``) Chinese, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from pulumi_compshare.api import codes
from pulumi_compshare.client import CompShareClient, NotFoundError, PermissionDeniedError
from pulumi_compshare.emulator import Emulator
from pulumi_compshare.emulator.api_errors import CONFLICT, NOT_FOUND, PERMISSION_DENIED

from ..kit import client_of

OWNER, ALICE, BOB = 50001, 50002, 50003
TEAM = 1001
IMAGE = "compshareImage-abc"


def test_production_knows_no_emulator_code() -> None:
    known = {value for name, value in vars(codes).items() if name.isupper()}
    known |= {
        code for value in vars(codes).values() if isinstance(value, frozenset) for code in value
    }
    assert not {PERMISSION_DENIED, NOT_FOUND, CONFLICT} & known


@pytest.fixture(params=["", "chinese-errors"])
def em(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    with Emulator(dialects=request.param) as emulator:
        yield emulator
        assert emulator.stats()["internal_errors"] == 0


Call = Callable[[dict[int, CompShareClient]], object]

REFUSALS: list[tuple[str, Call, type[Exception]]] = [
    ("team missing", lambda c: c[OWNER].update_team(4242, name="x"), NotFoundError),
    ("account missing", lambda c: c[OWNER].set_team_relation(TEAM, "Send", 99999), NotFoundError),
    ("no invite", lambda c: c[ALICE].set_team_relation(TEAM, "Agree"), NotFoundError),
    ("no relation", lambda c: c[OWNER].set_team_relation(TEAM, "Cancel", BOB), NotFoundError),
    (
        "image missing",
        lambda c: c[OWNER].describe_image_share_accounts("compshareImage-zz"),
        NotFoundError,
    ),
    ("not the team owner", lambda c: c[ALICE].update_team(TEAM, name="x"), PermissionDeniedError),
    ("not related", lambda c: c[ALICE].get_team_info(TEAM), PermissionDeniedError),
    (
        "not the image owner",
        lambda c: c[ALICE].modify_image_share_accounts(IMAGE, add=[BOB]),
        PermissionDeniedError,
    ),
]


@pytest.mark.parametrize(("case", "call", "cls"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_the_emulator_s_refusals_are_read_by_their_words(
    em: Emulator, case: str, call: Call, cls: type[Exception]
) -> None:
    clients = {company: client_of(em, company) for company in (OWNER, ALICE)}
    with pytest.raises(cls) as caught:
        call(clients)
    assert "\n" not in str(caught.value)
