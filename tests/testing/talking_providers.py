"""Echo providers for the engine tests of what the CLI shows (``test_engine_cli.py``): one that
writes to stdout and stderr as it works, one whose Create answers without an id. Importable by
the provider server process, which runs in the repository root."""

from __future__ import annotations

import os
import sys
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult

from ..harness_providers import EchoProvider


class TalkingEchoProvider(EchoProvider):
    """An :class:`EchoProvider` that says what it does, with its process id: on stderr in Check
    and Diff, and on stderr then stdout in Create, each line just before it answers."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        print(f"check {news.get('name')} in {os.getpid()}", file=sys.stderr)
        return super().check(olds, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(_id, olds, news)
        print(f"diff {news.get('name')}: changes={result.changes}", file=sys.stderr)
        return result

    def create(self, props: dict[str, Any]) -> CreateResult:
        result = super().create(props)
        print(f"created {props['name']} as {result.id}", file=sys.stderr)
        print(f"stdout: {props['name']}")
        return result


class EmptyIdEchoProvider(EchoProvider):
    """An :class:`EchoProvider` whose Create makes the object and answers with an empty id."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("", super().create(props).outs)
