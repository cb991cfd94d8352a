"""The compshare provider plugin in folder form (``PulumiPlugin.yaml``, ``runtime: python``):
the Python language host runs ``python <this folder> <engine address>``."""

import sys

from pulumi_compshare.plugin.server import main

sys.exit(main())
