"""Pulumi projects shipped inside the package, so the main job runs from an installed wheel.

``quickstart/`` is the repository's ``examples/quickstart/`` project (``Pulumi.yaml`` and
``__main__.py``, kept identical by ``tests/test_examples.py``): a team, two memberships and an image
share. ``python -m pulumi_compshare.demo`` plays it against the emulator; so can you:

>>> from pulumi_compshare.examples import project_folder
>>> from pulumi_compshare.testing import Player
>>> folder = project_folder("quickstart")
>>> with Player.from_project(folder, config={...}) as player:  # doctest: +SKIP
...     player.up()
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECTS", "project_folder"]

PROJECTS = ("quickstart",)
"""The projects shipped."""


def project_folder(name: str = "quickstart") -> Path:
    """The folder of a shipped project (``Pulumi.yaml`` and ``__main__.py``)."""
    if name not in PROJECTS:
        raise KeyError(f"no shipped project {name!r}; there are: {', '.join(PROJECTS)}")
    folder = Path(__file__).resolve().parent / name
    if not (folder / "Pulumi.yaml").is_file():
        raise FileNotFoundError(f"{folder}: the shipped project is missing from this install")
    return folder
