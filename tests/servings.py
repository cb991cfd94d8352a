"""The two servings of the same resources, for suites parametrized over them: a program of
dynamic resources (``pulumi_compshare.Team``..., ``python -m pulumi.dynamic``), and the same
program of :mod:`pulumi_compshare.native` classes served by the provider plugin
(``pulumi-resource-compshare``, here its folder form). A :class:`ResourceDriver` of either makes
the same engine steps (``ResourceDriver(..., plugins=plugins_of(serving))``); a
:class:`~pulumi_compshare.testing.Player` plays either program (``module_of``,
``player_kwargs``).

The default run plays the plugin serving for one representative life cycle and the default
dialect column (``serving_params(plugin_by_default=True)``); elsewhere the plugin serving is
marked ``slow`` (README's second test command)."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

import pulumi_compshare
import pulumi_compshare.native
from pulumi_compshare.plugin import FOLDER
from pulumi_compshare.testing.lifecycle import DYNAMIC, PLUGIN, SERVINGS

__all__ = ["DYNAMIC", "PLUGIN", "SERVINGS", "module_of", "player_kwargs", "plugins_of"]


def plugins_of(serving: str) -> dict[str, Path] | None:
    """``plugins=`` of a :class:`ResourceDriver` or a :class:`Player` for ``serving``."""
    return {"compshare": FOLDER} if serving == PLUGIN else None


def module_of(serving: str) -> types.ModuleType:
    """The module a program of ``serving`` imports as ``compshare``."""
    return pulumi_compshare.native if serving == PLUGIN else pulumi_compshare


def player_kwargs(serving: str) -> dict[str, Any]:
    """What a :class:`Player` needs to play a program of ``serving``."""
    plugins = plugins_of(serving)
    return {"plugins": plugins} if plugins else {}


def serving_params(*, plugin_by_default: bool = False) -> list[Any]:
    """``parametrize`` values over the servings: the plugin's marked ``slow`` unless
    ``plugin_by_default``."""
    return [
        pytest.param(DYNAMIC, id=DYNAMIC),
        pytest.param(PLUGIN, id=PLUGIN, marks=() if plugin_by_default else pytest.mark.slow),
    ]
