"""Section 7, serialized provider size: the ``__provider`` property every resource stores in
state."""

from __future__ import annotations

import base64

import pulumi.dynamic

from benchmarks.rows import Row

__all__ = ["bench_provider_sizes"]


def bench_provider_sizes() -> list[Row]:
    """Bytes of each resource's ``__provider`` property: the pickle and its base64 text."""
    from pulumi_compshare.resources._registry import resource_classes
    from pulumi_compshare.testing.engine import serialize_provider

    providers: list[tuple[str, pulumi.dynamic.ResourceProvider]] = [
        (cls.__name__, cls._provider_class()) for cls in resource_classes()
    ]
    rows = []
    for name, provider in providers:
        text = serialize_provider(provider)
        raw = base64.b64decode(text)
        rows.append(
            Row(
                "Provider size",
                f"{name} __provider in state",
                len(text),
                "bytes",
                note=f"base64 text; the dill pickle itself is {len(raw)} bytes",
            )
        )
    return rows
