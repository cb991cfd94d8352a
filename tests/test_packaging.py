"""Ship it: the wheel and the sdist as a new user gets them.

The repository is copied (without caches and build output) and built with ``python -m build``
(the sdist, then the wheel from the sdist, as PyPI users get them). The wheel is installed into a
fresh virtual environment, its dependencies from the package index through pip (and pip's cache),
and the main job runs there from another directory. The sdist's own test suite runs from the
unpacked sdist. About a minute in all, most of it pip.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = "https://github.com/pulumi-compshare/pulumi-compshare"
_SKIP = shutil.ignore_patterns(
    ".git",
    ".hypothesis",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".venv",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
)


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 240) -> str:
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(args)} failed ({proc.returncode}):\n{output[-4000:]}"
    return output


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without what would leak this checkout into another Python."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    pytest.importorskip("build", reason="`build` is in the test extra: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("dist")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=_SKIP)
    out = work / "out"
    run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], work, clean_env())
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    yield wheel, sdist


def test_the_wheel_carries_the_license_the_metadata_and_the_quickstart(
    dists: tuple[Path, Path],
) -> None:
    wheel, _ = dists
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (info,) = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
        license_text = zf.read(f"{info}/licenses/LICENSE").decode()
        meta = email.message_from_bytes(zf.read(f"{info}/METADATA"))
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert license_text == (ROOT / "LICENSE").read_text()
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["Author"] == "pulumi-compshare developers"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert urls["Repository"] == REPOSITORY and {"Homepage", "Issues", "Changelog"} <= set(urls)
    classifiers = set(meta.get_all("Classifier") or [])
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert any(c.startswith("Intended Audience ::") for c in classifiers)
    assert any(c.startswith("Topic ::") for c in classifiers)
    for shipped in (
        "pulumi_compshare/py.typed",
        "pulumi_compshare/examples/quickstart/Pulumi.yaml",
        "pulumi_compshare/examples/quickstart/__main__.py",
    ):
        assert shipped in names
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def test_the_sdist_holds_the_whole_test_suite_docs_and_examples(dists: tuple[Path, Path]) -> None:
    _, sdist = dists
    with tarfile.open(sdist) as tf:
        root = tf.getnames()[0].split("/")[0]
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    tracked = {
        "LICENSE",
        "CHANGELOG.md",
        "README.md",
        "Pulumi.yaml",
        "tests/conftest.py",
        "tests/kit.py",
        "tests/harness_providers.py",
        "docs/_index.md",
        "docs/installation-configuration.md",
        "docs/testing.md",
        "examples/quickstart/__main__.py",
        "examples/classroom/Pulumi.yaml",
        "benchmarks/run.py",
    }
    assert tracked <= names, tracked - names
    test_files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").glob("*.py")}
    assert test_files <= names, test_files - names
    assert root == "pulumi_compshare-" + _version()
    assert not [n for n in names if "__pycache__" in n or ".hypothesis" in n]


def test_the_sdist_tests_collect_and_run(dists: tuple[Path, Path], tmp_path: Path) -> None:
    _, sdist = dists
    with tarfile.open(sdist) as tf:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            tf.extractall(tmp_path, filter="data")
        else:  # pragma: no cover
            tf.extractall(tmp_path)  # our own sdist
    (unpacked,) = tmp_path.iterdir()
    env = clean_env()
    where = run(
        [sys.executable, "-c", "import pulumi_compshare; print(pulumi_compshare.__file__)"],
        unpacked,
        env,
    )
    assert str(unpacked) in where  # the sdist's own package, not this checkout's
    collected = run(
        # -m "": every test, the ones the default run leaves out (soak, packaging, slow) too
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "",
        ],
        unpacked,
        env,
    )
    summary = collected.strip().splitlines()[-1]  # "1141 tests collected in 1.92s"
    assert re.fullmatch(r"\d+ tests collected in [\d.]+s", summary), collected[-3000:]
    count = int(summary.split()[0])
    assert count > 300
    ran = run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/emulator/test_console.py",
            "tests/test_examples.py::test_the_packaged_quickstart_is_the_repository_example",
            "tests/test_examples.py::test_installation_doc_lists_exactly_the_config_keys",
        ],
        unpacked,
        env,
    )
    assert " passed" in ran and "failed" not in ran


def test_the_installed_wheel_runs_the_main_job_from_anywhere(
    dists: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, _ = dists
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = str(bindir / "python")
    run([python, "-m", "pip", "install", "-q", "--no-compile", str(wheel)], tmp_path, clean_env())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # no Pulumi CLI on this PATH: the demo says so and plays the project through the engine
    env = clean_env(PATH=str(bindir))
    out = run([python, "-m", "pulumi_compshare.demo"], elsewhere, env)
    assert "The Pulumi CLI was not found on PATH" in out
    assert "https://www.pulumi.com/docs/install/" in out
    assert "  ~ ImageShare cuda-base update\n" in out  # the drift repaired, as the CLI shows it
    assert "every check passed" in out and "FAILED" not in out
    where = run(
        [python, "-c", "import pulumi_compshare; print(pulumi_compshare.__file__)"], elsewhere, env
    )
    assert str(venv) in where
    assert "usage" in run([str(bindir / "compshare-emulator"), "--help"], elsewhere, env)


def _version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "pulumi_compshare" / "_version.py").read_text(), namespace)
    return namespace["__version__"]


def test_the_installed_wheel_serves_the_plugin(dists: tuple[Path, Path], tmp_path: Path) -> None:
    """The console script pulumi-resource-compshare from the installed wheel, started as the
    engine starts a plugin found on PATH (its address as the argument, the port on stdout), and
    driven over gRPC against an emulator; pulumi-plugin.json and the folder form are shipped."""
    from pulumi.runtime.proto import provider_pb2

    from pulumi_compshare.emulator import Emulator
    from tests.plugin.plugin_process import PluginProcess, plain, struct

    wheel, _ = dists
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for shipped in (
        "pulumi_compshare/pulumi-plugin.json",
        "pulumi_compshare/plugin/folder/PulumiPlugin.yaml",
        "pulumi_compshare/plugin/folder/__main__.py",
    ):
        assert shipped in names
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp_path, clean_env())
    plugin = shutil.which("pulumi-resource-compshare", path=str(bindir))
    assert plugin is not None
    env = clean_env(PATH=str(bindir), COMPSHARE_JOURNAL_DIR=str(tmp_path / "journal"))
    with Emulator() as em:
        owner = em.account(50001)
        process = PluginProcess([plugin], env, cwd=tmp_path)
        try:
            stub = process.stub
            assert "compshare:index:Team" in stub.GetSchema(provider_pb2.GetSchemaRequest()).schema
            config = {"publicKey": owner.public_key, "privateKey": owner.private_key}
            config["baseUrl"] = em.url
            answer = stub.Configure(
                provider_pb2.ConfigureRequest(args=struct(config, ["privateKey"]))
            )
            assert answer.supportsPreview and answer.acceptSecrets
            urn = "urn:pulumi:dev::wheel::compshare:index:Team::t"
            token = "compshare:index:Team"
            checked = stub.Check(
                provider_pb2.CheckRequest(urn=urn, type=token, news=struct({"name": "wheel"}))
            )
            assert not checked.failures
            created = stub.Create(
                provider_pb2.CreateRequest(urn=urn, type=token, properties=checked.inputs)
            )
            assert plain(created.properties)["teamId"] == int(created.id)
            stub.Delete(
                provider_pb2.DeleteRequest(
                    id=created.id, urn=urn, type=token, properties=created.properties
                )
            )
        finally:
            stderr = process.close()
        assert "Traceback" not in stderr, stderr
