"""Provider configuration: stack config first, then the environment; profiles; one-line errors
that say what to set and never show a key."""

from __future__ import annotations

import json

import pytest

from pulumi_compshare.config import ConfigurationError, client_for, settings_from

BASE = {"compshare:publicKey": "pk", "compshare:privateKey": "sk-secret"}


def test_stack_config_wins_over_environment() -> None:
    env = {"COMPSHARE_PUBLIC_KEY": "env-pk", "COMPSHARE_PRIVATE_KEY": "env-sk"}
    settings = settings_from(BASE, env)
    assert settings.default is not None and settings.default.public_key == "pk"
    assert settings.source == "compshare:publicKey/compshare:privateKey"


@pytest.mark.parametrize(
    ("env", "public"),
    [
        (
            {
                "COMPSHARE_PUBLIC_KEY": "c",
                "COMPSHARE_PRIVATE_KEY": "cs",
                "UCLOUD_PUBLIC_KEY": "u",
                "UCLOUD_PRIVATE_KEY": "us",
            },
            "c",
        ),
        ({"UCLOUD_PUBLIC_KEY": "u", "UCLOUD_PRIVATE_KEY": "us"}, "u"),
    ],
)
def test_environment_order(env: dict[str, str], public: str) -> None:
    settings = settings_from({}, env)
    assert settings.default is not None and settings.default.public_key == public


def test_region_project_base_url_and_retries() -> None:
    env = {
        "UCLOUD_REGION": "cn-env",
        "UCLOUD_PROJECT_ID": "org-env",
        "COMPSHARE_BASE_URL": "http://env",
    }
    from_env = settings_from(BASE, env).profile(None)
    assert (from_env.region, from_env.project_id, from_env.base_url) == (
        "cn-env",
        "org-env",
        "http://env",
    )
    config = {
        **BASE,
        "compshare:region": "cn-cfg",
        "compshare:baseUrl": "http://cfg",
        "compshare:maxRetries": "2",
    }
    from_config = settings_from(config, env).profile(None)
    assert (from_config.region, from_config.base_url, from_config.max_retries) == (
        "cn-cfg",
        "http://cfg",
        2,
    )
    defaults = settings_from(BASE, {}).profile(None)
    assert (defaults.region, defaults.base_url, defaults.max_retries) == (
        "cn-wlcb",
        "https://api.compshare.cn",
        5,
    )


def test_empty_values_count_as_unset() -> None:
    config = {"compshare:publicKey": "", "compshare:privateKey": " ", "compshare:region": ""}
    settings = settings_from(config, {"COMPSHARE_PUBLIC_KEY": "e", "COMPSHARE_PRIVATE_KEY": "es"})
    assert settings.profile(None).public_key == "e" and settings.profile(None).region == "cn-wlcb"


def test_profiles_inherit_top_level_settings() -> None:
    config = {
        **BASE,
        "compshare:region": "cn-x",
        "compshare:profiles": json.dumps(
            {
                "bob": {"publicKey": "b", "privateKey": "bs"},
                "eve": {"publicKey": "e", "privateKey": "es", "region": "cn-y", "projectId": "p"},
            }
        ),
    }
    settings = settings_from(config, {})
    assert settings.profile("bob").region == "cn-x"
    assert (settings.profile("eve").region, settings.profile("eve").project_id) == ("cn-y", "p")


@pytest.mark.parametrize(
    ("config", "env", "needles"),
    [
        (
            {},
            {},
            [
                "compshare:publicKey",
                "compshare:privateKey",
                "--secret",
                "COMPSHARE_PUBLIC_KEY",
                "UCLOUD_PUBLIC_KEY",
            ],
        ),
        ({"compshare:publicKey": "pk"}, {}, ["compshare:privateKey", "both halves"]),
        ({}, {"UCLOUD_PRIVATE_KEY": "sk-secret"}, ["UCLOUD_PUBLIC_KEY"]),
        ({**BASE, "compshare:profiles": "{not json"}, {}, ["compshare:profiles", "not valid JSON"]),
        (
            {**BASE, "compshare:profiles": '{"bob": {"publicKey": "b"}}'},
            {},
            ["compshare:profiles.bob", "privateKey"],
        ),
        ({**BASE, "compshare:maxRetries": "lots"}, {}, ["compshare:maxRetries"]),
        ({**BASE, "compshare:baseUrl": "api.compshare.cn"}, {}, ["compshare:baseUrl", "http"]),
        ({**BASE, "compshare:baseUrl": "file:///etc/passwd"}, {}, ["compshare:baseUrl", "file://"]),
        ({**BASE, "compshare:baseUrl": "ftp://api.compshare.cn"}, {}, ["ftp://"]),
        ({**BASE, "compshare:baseUrl": "https://"}, {}, ["no host"]),
        (BASE, {"COMPSHARE_BASE_URL": "localhost:8080"}, ["compshare:baseUrl"]),
        (
            {
                **BASE,
                "compshare:profiles": '{"bob": {"publicKey": "b", "privateKey": "bs", '
                '"baseUrl": "ftp://x"}}',
            },
            {},
            ["compshare:profiles.bob.baseUrl", "ftp://"],
        ),
        (
            {**BASE, "compshare:profiles": "[" * 100_000 + "]" * 100_000},
            {},
            ["compshare:profiles", "nested too deeply"],
        ),
        (
            {
                **BASE,
                "compshare:profiles": '{"bob": {"publicKey": {"deep": [1]}, "privateKey": "s"}}',
            },
            {},
            ["compshare:profiles.bob.publicKey", "must be a string"],
        ),
        ({**BASE, "compshare:timeoutSeconds": "soon"}, {}, ["compshare:timeoutSeconds", "1 to"]),
        ({**BASE, "compshare:timeoutSeconds": "0"}, {}, ["compshare:timeoutSeconds"]),
        ({**BASE, "compshare:timeoutSeconds": "nan"}, {}, ["compshare:timeoutSeconds"]),
        ({**BASE, "compshare:timeoutSeconds": "7200"}, {}, ["3600"]),
        (BASE, {"COMPSHARE_TIMEOUT_SECONDS": "-1"}, ["COMPSHARE_TIMEOUT_SECONDS"]),
        (
            {**BASE, "compshare:timeoutSeconds": "9" * 5000},
            {},
            ["compshare:timeoutSeconds", "(5000 characters)"],
        ),
    ],
)
def test_configuration_errors_say_what_to_set(
    config: dict[str, str], env: dict[str, str], needles: list[str]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        settings_from(config, env).profile(None)
    message = str(caught.value)
    assert "\n" not in message and "sk-secret" not in message
    for needle in needles:
        assert needle in message


def test_unknown_profile_names_the_defined_ones() -> None:
    settings = settings_from(
        {**BASE, "compshare:profiles": '{"bob": {"publicKey": "b", "privateKey": "bs"}}'}, {}
    )
    with pytest.raises(
        ConfigurationError,
        match=r"profile 'alice' is not defined in compshare:profiles \(defined: 'bob'\)",
    ):
        settings.profile("alice")


def test_profiles_never_show_or_pickle_keys() -> None:
    import pickle

    profile = settings_from(BASE, {}).profile(None)
    assert "sk-secret" not in repr(profile) and "sk-secret" not in str(profile)
    with pytest.raises(TypeError):
        pickle.dumps(profile)


def test_timeout_seconds_from_config_then_environment() -> None:
    assert settings_from(BASE, {}).profile(None).timeout == 60
    assert settings_from(BASE, {"COMPSHARE_TIMEOUT_SECONDS": "12.5"}).profile(None).timeout == 12.5
    config = {**BASE, "compshare:timeoutSeconds": "3"}
    settings = settings_from(
        {**config, "compshare:profiles": '{"bob": {"publicKey": "b", "privateKey": "bs"}}'},
        {"COMPSHARE_TIMEOUT_SECONDS": "99"},
    )
    assert settings.profile(None).timeout == 3 and settings.profile("bob").timeout == 3
    assert client_for(settings.profile(None)).timeout == 3


@pytest.mark.parametrize("url", ["http://xn--", "https://xn--zz.example", "http://[::1"])
def test_a_base_url_whose_host_cannot_be_decoded_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="compshare:baseUrl: the base URL"):
        settings_from({"compshare:baseUrl": url, "compshare:publicKey": "p"}, {})
