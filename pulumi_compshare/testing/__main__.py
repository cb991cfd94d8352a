"""``python -m pulumi_compshare.testing <command>...``: see :mod:`.command`."""

import sys

from .command import main

sys.exit(main())
