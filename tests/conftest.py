import os

from hypothesis import settings

pytest_plugins = ["pulumi_compshare.testing.fixtures"]

# CI explores the same examples on every run, so a landing never depends on luck; local runs
# explore new ones (and hypothesis prints a reproducer for anything they find).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
