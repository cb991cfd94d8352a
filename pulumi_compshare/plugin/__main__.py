"""``python -m pulumi_compshare.plugin <engine address>``: the provider plugin."""

from __future__ import annotations

import sys

from .server import main

if __name__ == "__main__":
    sys.exit(main())
