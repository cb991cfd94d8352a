"""A local emulator of the CompShare API, for tests and offline development.

>>> from pulumi_compshare.emulator import Emulator
>>> with Emulator() as em:  # the demo seed: accounts 50001..50004, team 1001, two images
...     em.url  # doctest: +SKIP
'http://127.0.0.1:54321'

It speaks the real wire protocol (form or JSON body, SHA1 signature), answers with the real
envelope, and can inject latency and faults. ``Emulator(dialects=...)`` answers in other
readings of the API where the vendor's sources leave a question open (``docs/dialects.md``).
Every account has a balance in fen that a team owner allocates to members
(``SetCompShareTeamAmount``); :meth:`Emulator.spend` lets a member spend (``docs/budgets.md``).
What people do outside Pulumi (accept an invite, remove a member, rename a team, unshare an
image...) are :class:`Emulator` methods that call the API with that person's keys
(``docs/testing.md``). ``Emulator(seed={...})`` takes seed data of the seed file's shape (see
the :class:`Emulator` docstring); :func:`generate_seed` makes many accounts.
See :mod:`.state` for the behaviour of each action (one module per family: :mod:`.teams`,
:mod:`.relations`, :mod:`.operate_log`, :mod:`.budgets`, :mod:`.images`; the readings in
:mod:`.dialects`; the error answers and the emulator's own RetCodes in :mod:`.api_errors`),
:mod:`.server` for the emulator itself (HTTP in :mod:`.http_server`, fault injection in
:mod:`.injected_faults`, the console helpers in :mod:`.console`);
``python -m pulumi_compshare.emulator`` runs it from the command line.
"""

from __future__ import annotations

from pulumi_compshare.emulator.seed import (
    DEFAULT_BALANCE,
    Account,
    Seed,
    SeedError,
    SeedImage,
    SeedTeam,
    demo_seed,
    generate_seed,
    load_seed,
)
from pulumi_compshare.emulator.server import FAULT_KINDS, TARGETED_FAULT_KINDS, Emulator, Fault
from pulumi_compshare.emulator.state import DIALECTS, STRICT, Dialect, parse_dialects

__all__ = [
    "DEFAULT_BALANCE",
    "DIALECTS",
    "FAULT_KINDS",
    "STRICT",
    "TARGETED_FAULT_KINDS",
    "Account",
    "Dialect",
    "Emulator",
    "Fault",
    "Seed",
    "SeedError",
    "SeedImage",
    "SeedTeam",
    "demo_seed",
    "generate_seed",
    "load_seed",
    "parse_dialects",
]
