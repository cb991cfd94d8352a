"""Every provider class of the package pickles as a bare class reference: no instance attributes.

The ``__provider`` property each resource stores is the SDK's ``serialize_provider`` of a new
provider instance. pulumi 3.272's ``serialize_provider`` (``pulumi/dynamic/dynamic.py``) wraps
``pickle._Pickler._batch_setitems`` once more on every call and never unwraps it, so in one
program process the N-th provider whose pickle holds a dictionary (an instance with attributes)
goes through N wrappers: ``RecursionError`` at about the 980th. A provider without instance
attributes pickles no dictionary, so a program may declare any number of resources; and its
pickle stays a small reference that does not change between runs."""

from __future__ import annotations

import base64
import sys

import dill
import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider as sdk_serialize_provider

from pulumi_compshare.resources._registry import resource_classes
from pulumi_compshare.testing.engine import serialize_provider
from pulumi_compshare.testing.wire import one_program_process

PROVIDERS = [cls._provider_class for cls in resource_classes()]


def test_every_resource_has_a_provider_class() -> None:
    assert len(PROVIDERS) == len(resource_classes()) >= 4
    assert all(issubclass(p, ResourceProvider) for p in PROVIDERS)


@pytest.mark.parametrize("provider_class", PROVIDERS, ids=lambda p: p.__name__)
def test_a_new_provider_has_no_instance_attributes_and_pickles_by_reference(
    provider_class: type[ResourceProvider],
) -> None:
    provider = provider_class()
    assert vars(provider) == {}
    raw = base64.b64decode(serialize_provider(provider))
    assert provider_class.__module__.encode() in raw and provider_class.__name__.encode() in raw
    assert len(raw) <= 200  # a class reference, not the class
    loaded = dill.loads(raw)
    assert type(loaded) is provider_class and vars(loaded) == {}


def test_more_providers_than_the_recursion_limit_serialize_in_one_process() -> None:
    """The SDK's own serialize_provider, as ``pulumi.dynamic.Resource`` calls it, more times in
    one process than the recursion limit (the wrappers it leaves on ``pickle`` are removed
    afterwards, as the end of a program process would)."""
    times = sys.getrecursionlimit() + 100
    with one_program_process():
        for _ in range(times):
            texts = {p: sdk_serialize_provider(p()) for p in PROVIDERS}
    assert all(dill.loads(base64.b64decode(t)).__class__ is p for p, t in texts.items())
