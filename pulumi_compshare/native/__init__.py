"""The plugin form: the same resources served by the ``pulumi-resource-compshare`` provider
plugin, as a Pulumi-generated SDK would give them.

``import pulumi_compshare.native as compshare`` and the program reads as with the dynamic form
(``compshare.Team("ml", name="ml-research")``), but each resource registers the plugin's type
token (``compshare:index:Team``) and the engine runs the plugin: ``import_`` and ``pulumi
import`` work, ``ignore_changes`` reaches the provider's Diff, plans name each changed property,
previews run the provider's own preview, secrets stay secret, and :class:`Provider` makes
explicit provider instances with their own config. The plugin must be installed (README,
"Dynamic or plugin").

The classes are generated from the dynamic resources' declarations
(``python -m pulumi_compshare.native._generate``); property names on the wire are camelCase.
"""

from __future__ import annotations

from . import _generated
from ._generated import *  # noqa: F403 (the generated classes, whose __all__ is the registry's)

__all__ = list(_generated.__all__)
