import os
import sys
from collections.abc import Iterator

import pytest
from hypothesis import settings

pytest_plugins = ["pulumi_compshare.testing.fixtures"]

# pytest caches each test module's assertion-rewritten bytecode in __pycache__, unless Python is
# told not to write bytecode (PYTHONDONTWRITEBYTECODE, set on some machines, this one included):
# then every worker rewrites every test module on every run, about 5 s of CPU each. The tests'
# own bytecode is worth keeping; this changes nothing else.
sys.dont_write_bytecode = False

LONG_FIRST = (
    "tests/resources/test_soak.py",
    "tests/test_docs_examples.py",
    "tests/resources/test_plans.py",
    "tests/test_examples.py",
    "tests/testing/test_plugin_engine.py",
    "tests/testing/test_command.py",
    "tests/testing/test_engine_harness.py",
    "tests/testing/test_display.py",
    "tests/resources/test_team.py",
    "tests/resources/test_team_membership.py",
    "tests/testing/test_engine_cli.py",
    "tests/testing/test_engine_rules.py",
    "tests/resources/test_error_lines.py",
    "tests/resources/test_protocol.py",
    "tests/resources/test_get_and_preview.py",
    "tests/resources/test_image_share.py",
)
"""The modules of the longest end-to-end tests (many provider processes, held deadlines, the
small team soak), run first: xdist hands the first tests out round robin, so these start on
every worker at once and the run ends on short tests, instead of one long test starting last
and running alone. The order of the rest, and within each module, is the collection order."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: index for index, path in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


# Provider processes are forked from a warm parent that imported pulumi, grpc, httpx and
# pydantic once (pulumi_compshare/testing/forkserver.py): the same process as a fresh
# `python -u -m pulumi.dynamic`, each loading the providers afresh, for most of its CPU.
# A suite starts hundreds of them; tests/testing/test_forkserver.py plays the same program both
# ways. COMPSHARE_TESTING_FORK=0 runs every provider process fresh, as the CLI does.
os.environ.setdefault("COMPSHARE_TESTING_FORK", "1")

# CI explores the same examples on every run, so a landing never depends on luck; local runs
# explore new ones (and hypothesis prints a reproducer for anything they find).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def no_ca_bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test makes a TLS connection (every API call goes to a local emulator over plain HTTP),
    yet each httpx client loads the CA bundle when it is made: some 20 ms of CPU per TLS context,
    two per CompShareClient, in this process and in every provider process, well over a thousand
    times a run. httpx takes its CA certificates from ``SSL_CERT_FILE``, else ``SSL_CERT_DIR``
    (read lazily): an empty directory, for the whole session and the processes it starts, makes
    that free. Python's own ``ssl.create_default_context()`` (pip, urllib) still finds the system
    bundle at its default path, and HTTPS to a real host would fail verification, loudly."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SSL_CERT_FILE", raising=False)
        patch.setenv("SSL_CERT_DIR", str(tmp_path_factory.mktemp("no-ca-certificates")))
        yield


@pytest.fixture(autouse=True)
def own_journal(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test keeps the providers' intents (``resources/_journal.py``) in a folder of its own,
    inherited by the provider processes it starts, never in the user's home."""
    monkeypatch.setenv("COMPSHARE_JOURNAL_DIR", str(tmp_path_factory.mktemp("journal")))
