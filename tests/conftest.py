import os

import pytest
from hypothesis import settings

pytest_plugins = ["pulumi_compshare.testing.fixtures"]

# CI explores the same examples on every run, so a landing never depends on luck; local runs
# explore new ones (and hypothesis prints a reproducer for anything they find).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def own_journal(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test keeps the providers' intents (``resources/_journal.py``) in a folder of its own,
    inherited by the provider processes it starts, never in the user's home."""
    monkeypatch.setenv("COMPSHARE_JOURNAL_DIR", str(tmp_path_factory.mktemp("journal")))
