"""The provider plugin: the package's resources and lookups served to the Pulumi engine as the
resource plugin ``pulumi-resource-compshare`` (package ``compshare``: types
``compshare:index:Team``..., invokes ``compshare:index:getTeams``...), over the same resource core
as the dynamic form.

- :func:`~.server.main`: the entry point (the console script ``pulumi-resource-compshare``,
  ``python -m pulumi_compshare.plugin``, and the folder form :data:`FOLDER`); the engine passes
  its address and reads the port from stdout.
- :func:`~.server.serve`: the gRPC server in this process (returns the server and its port),
  for an engine that runs the plugin in-process.
- :func:`~.schema.schema`: the package schema GetSchema answers, generated from the
  declarations (:func:`~.schema.schema_json` as text).

Nothing else in the package imports this package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FOLDER"]

FOLDER = Path(__file__).resolve().parent / "folder"
"""The plugin in folder form: ``PulumiPlugin.yaml`` (``runtime: python``) and a ``__main__.py``
that runs :func:`~.server.main`. A project names it in ``Pulumi.yaml``'s ``plugins.providers``
(``path:``); the Python language host then runs ``python <folder> <engine address>``."""
