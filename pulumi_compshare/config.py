"""Configuration: stack config (``compshare:*``), named profiles, the environment, and the
pooled clients, for the resources' providers and the lookup functions alike.

Credentials are read in ``ResourceProvider.configure()`` inside the provider process (or, for
lookups, from the program's stack config) and kept in memory only; the serialized provider never
holds them. Clients are pooled per credential set for the life of the process.

>>> from pulumi_compshare.config import settings_from
>>> settings = settings_from({"compshare:publicKey": "pk", "compshare:privateKey": "sk"}, {})
>>> settings.profile(None).region
'cn-wlcb'
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .api import limits, wire
from .errors import ConfigurationError

if TYPE_CHECKING:  # the client (httpx, the API models) loads with the first client_for()
    from .client import CompShareClient

__all__ = [
    "CONFIG_DOCS",
    "CONFIG_KEYS",
    "ConfigurationError",
    "Profile",
    "Settings",
    "client_for",
    "settings_from",
]

CONFIG_KEYS: tuple[str, ...] = (
    "compshare:publicKey",
    "compshare:privateKey",
    "compshare:region",
    "compshare:projectId",
    "compshare:baseUrl",
    "compshare:profiles",
    "compshare:maxRetries",
    "compshare:timeoutSeconds",
)

CONFIG_DOCS: dict[str, str] = {
    "compshare:publicKey": "The CompShare (UCloud) API public key. Without it and the private key, "
    "the environment's COMPSHARE_PUBLIC_KEY / COMPSHARE_PRIVATE_KEY, then UCLOUD_PUBLIC_KEY / "
    "UCLOUD_PRIVATE_KEY are used.",
    "compshare:privateKey": "The CompShare (UCloud) API private key (a secret: `pulumi config "
    "set --secret`). It never enters the state, an output, a diff or an error message.",
    "compshare:region": "The region sent with every call (else UCLOUD_REGION; default cn-wlcb).",
    "compshare:projectId": "The project id sent with every call (else UCLOUD_PROJECT_ID; "
    "default none).",
    "compshare:baseUrl": "The API endpoint, e.g. an emulator's http://127.0.0.1:<port> to work "
    "offline (else COMPSHARE_BASE_URL; default https://api.compshare.cn).",
    "compshare:profiles": "Named credential sets, as a JSON object: "
    '{"<name>": {"publicKey": "...", "privateKey": "...", "region": "...", "projectId": "...", '
    '"baseUrl": "..."}}; a resource or lookup picks one with profile="<name>". region, '
    "projectId and baseUrl default to the top-level settings.",
    "compshare:maxRetries": "Retries of a transient failure of a safe call, 0 to 20 (default 5).",
    "compshare:timeoutSeconds": "Seconds one API call may take, retries included, 1 to 3600 "
    "(else COMPSHARE_TIMEOUT_SECONDS; default 60).",
}
"""What each key of :data:`CONFIG_KEYS` means (the provider plugin's schema documents its
configuration with these)."""

MAX_RETRIES_DEFAULT = 5
TIMEOUT_DEFAULT = 60.0
"""Seconds one API call may take, retries included (``compshare:timeoutSeconds``); the client's
``DEFAULT_TIMEOUT`` (kept here so configuration does not import the client; a test compares)."""
TIMEOUT_MIN = 1.0
TIMEOUT_MAX = 3600.0
"""The client's ``MAX_TIMEOUT``."""
PROFILES_MAX_BYTES = 1024 * 1024

_HOW_TO_SET = (
    "set compshare:publicKey and compshare:privateKey "
    "(`pulumi config set compshare:publicKey ...` and "
    "`pulumi config set --secret compshare:privateKey ...`), "
    "or the environment variables COMPSHARE_PUBLIC_KEY and COMPSHARE_PRIVATE_KEY "
    "(or UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY)"
)


@dataclass(frozen=True)
class Profile:
    """One credential set and where to send its requests. ``repr`` hides the private key."""

    public_key: str
    private_key: str = field(repr=False)
    region: str = limits.REGION_DEFAULT
    project_id: str | None = None
    base_url: str = limits.BASE_URL_DEFAULT
    max_retries: int = MAX_RETRIES_DEFAULT
    timeout: float = TIMEOUT_DEFAULT

    def __repr__(self) -> str:
        return (
            f"Profile(public_key={self.public_key!r}, private_key='***', region={self.region!r}, "
            f"project_id={self.project_id!r}, base_url={self.base_url!r}, "
            f"max_retries={self.max_retries}, timeout={self.timeout:g})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Profile holds credentials and must never be pickled into state")


@dataclass(frozen=True)
class Settings:
    """What ``configure()`` found: the default credentials (if any) and the named profiles."""

    default: Profile | None
    profiles: Mapping[str, Profile]
    source: str
    """Where the default credentials came from (for messages): stack config or an env var."""

    def profile(self, name: str | None) -> Profile:
        """The credentials for ``profile=name`` (``None``: the default ones)."""
        if name is None:
            if self.default is None:
                raise ConfigurationError(f"CompShare credentials are missing: {_HOW_TO_SET}")
            return self.default
        found = self.profiles.get(name)
        if found is None:
            known = ", ".join(repr(p) for p in sorted(self.profiles)) or "none"
            path = f"compshare:profiles.{json.dumps(name)[1:-1]}"
            raise ConfigurationError(
                f"profile {name!r} is not defined in compshare:profiles (defined: {known}); "
                f"add it with `pulumi config set --path '{path}.publicKey' <public key>` and "
                f"`pulumi config set --secret --path '{path}.privateKey' <private key>`"
            )
        return found

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Settings hold credentials and must never be pickled into state")


def settings_from(
    config: Callable[[str], Any] | Mapping[str, Any] | None,
    environ: Mapping[str, str] | None = None,
    *,
    keys: Iterable[str] | None = None,
) -> Settings:
    """Build settings from stack config (a ``compshare:*`` mapping or a getter) and the environment.

    Stack config keys win; when stack config holds no key pair, ``COMPSHARE_PUBLIC_KEY`` /
    ``COMPSHARE_PRIVATE_KEY`` are used, then ``UCLOUD_PUBLIC_KEY`` / ``UCLOUD_PRIVATE_KEY``.
    Region, project and base URL come from config, then ``UCLOUD_REGION`` / ``UCLOUD_PROJECT_ID``
    / ``COMPSHARE_BASE_URL``, then the defaults; the call deadline from
    ``compshare:timeoutSeconds``, then ``COMPSHARE_TIMEOUT_SECONDS``, then 60 s. A base URL that
    can never work (no scheme, ``file://``, ``ftp://``) is a :class:`ConfigurationError`, and so
    is a ``compshare:*`` key this package does not know (``keys``: every key of the stack config;
    by default those of a mapping ``config``), naming the close one.
    """
    env = os.environ if environ is None else environ
    if keys is None and isinstance(config, Mapping):
        keys = config.keys()
    _check_keys(keys or ())
    if config is None:
        get: Callable[[str], Any] = lambda _key: None  # noqa: E731
    elif isinstance(config, Mapping):
        get = config.get
    else:
        get = config

    def text(key: str) -> str | None:
        value = get(key)
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    region = text("compshare:region") or env.get("UCLOUD_REGION") or limits.REGION_DEFAULT
    project_id = text("compshare:projectId") or env.get("UCLOUD_PROJECT_ID") or None
    base_url = text("compshare:baseUrl") or env.get("COMPSHARE_BASE_URL") or limits.BASE_URL_DEFAULT
    _check_base_url("compshare:baseUrl", base_url)
    max_retries = _max_retries(text("compshare:maxRetries"))
    timeout = _timeout(
        text("compshare:timeoutSeconds"),
        (env.get("COMPSHARE_TIMEOUT_SECONDS") or "").strip() or None,
    )

    default: Profile | None = None
    source = "none"
    for public_name, private_name, origin in (
        ("compshare:publicKey", "compshare:privateKey", "stack config"),
        ("COMPSHARE_PUBLIC_KEY", "COMPSHARE_PRIVATE_KEY", "environment"),
        ("UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY", "environment"),
    ):
        if origin == "stack config":
            public, private = text(public_name), text(private_name)
        else:
            public = (env.get(public_name) or "").strip() or None
            private = (env.get(private_name) or "").strip() or None
        if public and private:
            default = Profile(public, private, region, project_id, base_url, max_retries, timeout)
            source = f"{public_name}/{private_name}"
            break
        if public or private:
            missing = private_name if public else public_name
            raise ConfigurationError(
                f"{public_name if public else private_name} is set but {missing} is not: "
                "set both halves of the key pair"
            )

    profiles = _profiles(
        text("compshare:profiles"), region, project_id, base_url, max_retries, timeout
    )
    return Settings(default=default, profiles=profiles, source=source)


def _check_keys(keys: Iterable[str]) -> None:
    for key in keys:
        if isinstance(key, str) and key.startswith("compshare:") and key not in CONFIG_KEYS:
            close = difflib.get_close_matches(key, CONFIG_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(CONFIG_KEYS)}"
            raise ConfigurationError(
                f"{wire.short(key)} is not a pulumi-compshare setting: {hint} "
                f"(`pulumi config rm {wire.short(key)}`)"
            )


def _max_retries(raw: str | None) -> int:
    if raw is None:
        return MAX_RETRIES_DEFAULT
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 20:
        raise ConfigurationError(
            f"compshare:maxRetries must be a whole number from 0 to 20, got {raw!r}"
        )
    return value


def _timeout(config: str | None, env: str | None) -> float:
    raw, where = (
        (config, "compshare:timeoutSeconds")
        if config is not None
        else (
            env,
            "COMPSHARE_TIMEOUT_SECONDS",
        )
    )
    if raw is None:
        return TIMEOUT_DEFAULT
    try:
        value = float(raw) if len(raw) <= 32 else math.nan
    except ValueError:
        value = math.nan
    if not TIMEOUT_MIN <= value <= TIMEOUT_MAX:  # NaN fails too
        raise ConfigurationError(
            f"{where} must be a number of seconds from {TIMEOUT_MIN:g} to {TIMEOUT_MAX:g}, "
            f"got {wire.short(raw)}"
        )
    return value


_PLAIN_URL = re.compile(
    r"https?://(?:(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
    r"|(?:(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*(?!xn--)[a-z][a-z0-9-]{0,61}[a-z0-9]?)"
    r"(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/-]*)?"
)
"""An http(s) URL of a plain host name or IPv4 address, a port and a plain path: it needs no
closer look (``tests/test_cold_start.py`` checks that the client accepts every such URL)."""


def _check_base_url(where: str, base_url: str) -> None:
    if _PLAIN_URL.fullmatch(base_url):
        return  # the common case, without importing httpx at Configure
    from .client.client import base_url_problem

    problem = base_url_problem(base_url)
    if problem is not None:
        raise ConfigurationError(
            f"{where}: {problem} (e.g. https://api.compshare.cn, or an emulator's http://...)"
        )


_PROFILE_TEXT_KEYS = ("publicKey", "privateKey", "region", "projectId", "baseUrl")


def _profiles(
    raw: str | None,
    region: str,
    project_id: str | None,
    base_url: str,
    max_retries: int,
    timeout: float,
) -> dict[str, Profile]:
    if not raw:
        return {}
    if len(raw) > PROFILES_MAX_BYTES:
        raise ConfigurationError(
            f"compshare:profiles is larger than {PROFILES_MAX_BYTES // 1024} KiB"
        )
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ConfigurationError(
            "compshare:profiles is nested too deeply: expected "
            '{"<name>": {"publicKey": "...", "privateKey": "..."}}'
        ) from None
    except ValueError:
        raise ConfigurationError(
            "compshare:profiles is not valid JSON: expected "
            '{"<name>": {"publicKey": "...", "privateKey": "..."}}'
        ) from None
    if not isinstance(data, dict):
        raise ConfigurationError("compshare:profiles must be a JSON object of named profiles")
    profiles: dict[str, Profile] = {}
    for name, entry in data.items():
        where = f"compshare:profiles.{_escaped(name)}"
        if not isinstance(entry, dict):
            raise ConfigurationError(f"{where} must be a JSON object")
        for key in _PROFILE_TEXT_KEYS:
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                raise ConfigurationError(f"{where}.{key} must be a string")
        public = str(entry.get("publicKey") or "").strip()
        private = str(entry.get("privateKey") or "").strip()
        if not public or not private:
            raise ConfigurationError(f"{where} needs both publicKey and privateKey")
        profile_url = str(entry.get("baseUrl") or base_url)
        _check_base_url(f"{where}.baseUrl", profile_url)
        profiles[name] = Profile(
            public,
            private,
            str(entry.get("region") or region),
            str(entry.get("projectId") or project_id or "") or None,
            profile_url,
            max_retries,
            timeout,
        )
    return profiles


def _escaped(name: str) -> str:
    text = json.dumps(name)[1:-1]
    return text if len(text) <= 40 else f"{text[:40]}…"


_clients: dict[Profile, CompShareClient] = {}
_clients_lock = threading.Lock()


def client_for(profile: Profile) -> CompShareClient:
    """The process-wide pooled client of a credential set (created on first use)."""
    from .client import CompShareClient, Credentials, RetryPolicy

    with _clients_lock:
        client = _clients.get(profile)
        if client is None:
            client = CompShareClient(
                Credentials(profile.public_key, profile.private_key),
                region=profile.region,
                project_id=profile.project_id,
                base_url=profile.base_url,
                timeout=profile.timeout,
                retry=RetryPolicy(max_attempts=profile.max_retries + 1),
            )
            _clients[profile] = client
        return client
