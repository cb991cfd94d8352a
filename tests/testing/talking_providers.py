"""Echo providers for the engine tests of what the CLI shows (``test_engine_cli.py``): one that
writes to stdout and stderr as it works, one whose Create answers without an id. Importable by
the provider server process, which runs in the repository root."""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from pulumi.dynamic import CheckResult, CreateResult, DiffResult

from ..harness_providers import EchoProvider


def _say(stream: TextIO, line: str) -> None:
    """One line in one write: ``print`` writes the text and the line break separately, so lines
    printed by the server's threads at once can interleave (in the CLI as well)."""
    stream.write(line + "\n")


class TalkingEchoProvider(EchoProvider):
    """An :class:`EchoProvider` that says what it does, with its process id: on stderr in Check
    and Diff, and on stderr then stdout in Create, each line just before it answers."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        _say(sys.stderr, f"check {news.get('name')} in {os.getpid()}")
        return super().check(olds, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(_id, olds, news)
        _say(sys.stderr, f"diff {news.get('name')}: changes={result.changes}")
        return result

    def create(self, props: dict[str, Any]) -> CreateResult:
        result = super().create(props)
        _say(sys.stderr, f"created {props['name']} as {result.id}")
        _say(sys.stdout, f"stdout: {props['name']}")
        return result


class EmptyIdEchoProvider(EchoProvider):
    """An :class:`EchoProvider` whose Create makes the object and answers with an empty id."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("", super().create(props).outs)
