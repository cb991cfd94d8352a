"""Cold start: a provider process that only configures and checks (every ``pulumi preview`` and
the first calls of every command) imports neither the HTTP client (httpx) nor the API models
(pydantic); they load with the first API call. Checked in a fresh interpreter by looking at
``sys.modules``, not by timing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_compshare import config
from pulumi_compshare.client import client as client_module

from .registry import MODULES, NAMES, sample_inputs

HEAVY = ("httpx", "httpcore", "pydantic", "pydantic_core", "pulumi_compshare.api.models")

PROVIDERS = {
    MODULES[name]: (f"{name}Provider", {**sample_inputs(name), "profile": "bob"}) for name in NAMES
}
"""Each resource's provider module -> (provider class, valid inputs), from the registry."""

CONFIG = {
    "compshare:publicKey": "pk",
    "compshare:privateKey": "sk",
    "compshare:baseUrl": "http://127.0.0.1:8080",
    "compshare:profiles": json.dumps({"bob": {"publicKey": "bob-pk", "privateKey": "bob-sk"}}),
}


def _loaded_after(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it sets ``result``. Returns ``result`` and which of
    the heavy modules were imported."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        heavy = [m for m in {HEAVY!r} if m in sys.modules]
        print(json.dumps({{"result": result, "heavy": heavy}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("module", sorted(PROVIDERS))
def test_configure_and_check_import_neither_httpx_nor_pydantic(module: str) -> None:
    provider, inputs = PROVIDERS[module]
    loaded = _loaded_after(
        f"""
        import importlib, pickle
        from types import SimpleNamespace

        # what the provider server does: unpickle the provider (a reference to its class)
        cls = getattr(importlib.import_module({module!r}), {provider!r})
        provider = pickle.loads(pickle.dumps(cls()))
        config = {CONFIG!r}
        provider.configure(SimpleNamespace(config=SimpleNamespace(get=config.get, _props=config)))
        checked = provider.check({{}}, {inputs!r})
        result = [[f.property, f.reason] for f in checked.failures]
        """
    )
    assert loaded == {"result": [], "heavy": []}


def test_a_provider_process_freezes_what_it_loaded_and_a_program_does_not() -> None:
    """What a provider process has loaded lives as long as the process; frozen
    (``gc.freeze``, ``_provider.freeze_loaded``), the interpreter's collections at exit skip it,
    and the engine waits for that exit at the end of every command. Configure freezes what the
    server and the provider loaded, the first client what the client loaded; a program only
    declaring resources freezes nothing."""
    loaded = _loaded_after(
        f"""
        import gc, pickle
        from types import SimpleNamespace
        import pulumi_compshare as compshare
        from pulumi_compshare.resources.team import TeamProvider

        declared = gc.get_freeze_count()  # the program's view: classes and a provider object
        compshare.Team, TeamProvider().check({{}}, {{"name": "cv-101"}})
        program = gc.get_freeze_count()
        provider = pickle.loads(pickle.dumps(TeamProvider()))
        config = {CONFIG!r}
        provider.configure(SimpleNamespace(config=SimpleNamespace(get=config.get, _props=config)))
        configured = gc.get_freeze_count()
        provider.client(None)
        result = [declared, program, configured > 0, gc.get_freeze_count() > configured]
        """
    )
    assert loaded["result"] == [0, 0, True, True]


def test_the_package_and_its_resources_import_lazily() -> None:
    loaded = _loaded_after(
        """
        import pulumi_compshare as compshare
        from pulumi_compshare import errors
        from pulumi_compshare.client import NotFoundError, RetryPolicy, Credentials
        assert NotFoundError is errors.NotFoundError and compshare.NotFoundError is NotFoundError
        import pulumi_compshare.config, pulumi_compshare.api.wire, pulumi_compshare.api.limits
        team = compshare.Team  # the program's view: the resource classes
        result = [team.__module__, sorted(set(compshare.__all__) - set(dir(compshare)))]
        """
    )
    assert loaded == {"result": ["pulumi_compshare.resources.team", []], "heavy": []}


def test_the_lazy_names_are_the_real_ones() -> None:
    loaded = _loaded_after(
        """
        import pulumi_compshare as compshare
        import pulumi_compshare.resources as resources
        from pulumi_compshare.client.client import CompShareClient
        from pulumi_compshare.lookups import get_teams
        from pulumi_compshare.resources.image_share import ImageShareProvider
        assert compshare.CompShareClient is CompShareClient
        assert compshare.get_teams is get_teams
        assert resources.ImageShareProvider is ImageShareProvider
        names = {name: getattr(compshare, name) for name in compshare.__all__}
        result = sorted(names) == sorted(compshare.__all__)
        try:
            compshare.NoSuchThing
        except AttributeError as exc:
            result = result and "NoSuchThing" in str(exc)
        """
    )
    assert loaded["result"] is True
    assert "httpx" in loaded["heavy"]  # the client really loaded on first use


def test_the_configuration_limits_are_the_clients() -> None:
    assert config.TIMEOUT_DEFAULT == client_module.DEFAULT_TIMEOUT
    assert config.TIMEOUT_MAX == client_module.MAX_TIMEOUT


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_URLS = st.builds(
    lambda scheme, labels, last, port, path: f"{scheme}://{'.'.join([*labels, last])}{port}{path}",
    st.sampled_from(["http", "https"]),
    st.lists(_LABEL, max_size=3),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]?", fullmatch=True),
    st.one_of(st.just(""), st.integers(0, 99999).map(lambda p: f":{p}")),
    st.one_of(st.just(""), st.from_regex(r"/[A-Za-z0-9._~/-]{0,20}", fullmatch=True)),
)


@given(st.one_of(_URLS, st.text(max_size=40), st.from_regex(r"https?://[\x21-\x7e]{0,30}")))
def test_base_urls_the_configuration_accepts_without_the_client_are_ones_it_accepts(
    url: str,
) -> None:
    """Configuration accepts plain http(s) URLs without importing httpx; each of them is one
    the client accepts too (anything else is left to the client's own check)."""
    if config._PLAIN_URL.fullmatch(url):
        assert client_module.base_url_problem(url) is None
