"""The plays the sections read: up, refresh and destroy of N memberships against the emulator,
and of N resources of the ideal provider, and the up of N resources of the ideal read-after-write
provider, each played once per run (:class:`Plays`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from benchmarks.emulators import emulator, stack_config
from benchmarks.harness import Played, new_player, play_operations
from benchmarks.providers import (
    LATENCY_KEY,
    IdealProvider,
    IdealResource,
    ReadAfterWriteProvider,
    ReadAfterWriteResource,
)

__all__ = ["ACTIVE", "Plays", "membership_program", "play_ideal", "play_memberships"]

ACTIVE = ("Pending", "Joined")
"""Relation statuses that a destroy must have cancelled."""


def membership_program(users: Sequence[int], teams: Sequence[int]) -> Callable[[], None]:
    """The program: one ``TeamMembership`` per user, users spread round-robin over the teams."""

    import pulumi_compshare

    def program() -> None:
        for index, uid in enumerate(users):
            pulumi_compshare.TeamMembership(
                f"m{uid}", team_id=teams[index % len(teams)], user_company_id=uid
            )

    return program


def play_memberships(
    n: int, teams: int, latency_ms: float, emulator_in_process: bool = False
) -> list[Played]:
    """up, refresh and destroy of ``n`` memberships over ``teams`` teams, each counted and timed;
    a fresh provider process per operation, as with the Pulumi CLI. The emulator runs in a
    process of its own (a remote API does not share the engine's interpreter), or in this one
    with ``emulator_in_process``."""
    from pulumi_compshare.emulator import generate_seed

    seed = generate_seed(accounts=n + 1, teams=teams, images=1)
    users = [a.company_id for a in seed.accounts[1:]]
    team_ids = [t.id for t in seed.teams]
    program = membership_program(users, team_ids)
    with (
        emulator(seed, latency_ms, emulator_in_process) as (em, em_pid),
        new_player(stack_config(em.url, seed)) as player,
    ):
        played = play_operations(player, program, em, em_pid)
        left = [r for r in em.state().get("relations", []) if r.get("status") in ACTIVE]
        if left:
            raise RuntimeError(f"destroy left {len(left)} active relations")
    return played


def play_ideal(
    n: int, teams: int, latency_ms: float, read_after_write: bool = False
) -> list[Played]:
    """up, refresh and destroy of ``n`` resources of :class:`IdealProvider` (the same inputs as
    the memberships), no emulator: what the engine stand-in and the provider process cost by
    themselves, for any provider. With ``read_after_write``: the up alone, of
    :class:`ReadAfterWriteProvider` (two round trips per create; its refresh and destroy are
    the ideal provider's). The providers are stateless (a by-reference pickle, as ours): the
    latency reaches them as stack config."""
    provider: IdealProvider = ReadAfterWriteProvider() if read_after_write else IdealProvider()
    resource = ReadAfterWriteResource if read_after_write else IdealResource

    def program() -> None:
        for index in range(n):
            team_id, uid = 1001 + index % teams, 50002 + index
            resource(provider, f"r{uid}", {"team_id": team_id, "user_company_id": uid})

    with new_player({LATENCY_KEY: str(float(latency_ms))}) as player:
        return play_operations(player, program, only_up=read_after_write)


WARM_UP = 4
"""The size of the discarded plays before the first measured one (:meth:`Plays._warm_up`)."""


class Plays:
    """Plays by ``(n, teams, latency_ms)``, each played once per run and shared by the sections
    that read it: memberships against the emulator (call counts, wall time, scale, memory) and
    the ideal provider (wall time)."""

    def __init__(
        self, progress: Callable[[str], None] | None = None, emulator_in_process: bool = False
    ) -> None:
        self._plays: dict[tuple[str, int, int, float], dict[str, Played]] = {}
        self._warm = False
        self._say = progress or (lambda _msg: None)
        self.emulator_in_process = emulator_in_process
        """Run the emulator in this process (a thread) instead of its own process."""

    def _get(
        self, kind: str, n: int, teams: int, latency_ms: float, what: str
    ) -> dict[str, Played]:
        key = (kind, n, teams, float(latency_ms))
        if key not in self._plays:
            self._warm_up(teams)
            started = time.perf_counter()
            if kind in ("ideal", "read-after-write"):
                played = play_ideal(n, teams, latency_ms, kind == "read-after-write")
            else:
                played = play_memberships(n, teams, latency_ms, self.emulator_in_process)
            self._plays[key] = {p.op: p for p in played}
            took = time.perf_counter() - started
            self._say(f"  played {what} at {latency_ms:g} ms: {took:.1f} s")
        return self._plays[key]

    def _warm_up(self, teams: int) -> None:
        """Before the first play of a run, a small one of each kind, discarded: this process's
        first program run imports and compiles what every later play reuses (the Player, the
        resource classes, the SDK's registration path), and would otherwise be charged to
        whichever play comes first."""
        if self._warm:
            return
        self._warm = True
        started = time.perf_counter()
        play_memberships(WARM_UP, teams, 0, self.emulator_in_process)
        play_ideal(WARM_UP, teams, 0)
        self._say(f"  warmed up: {time.perf_counter() - started:.1f} s")

    def get(self, n: int, teams: int, latency_ms: float) -> dict[str, Played]:
        """The membership plays: ``n`` memberships over ``teams`` teams, the emulator at
        ``latency_ms``."""
        return self._get("memberships", n, teams, latency_ms, f"{n} memberships over {teams} teams")

    def ideal(self, n: int, teams: int, latency_ms: float) -> dict[str, Played]:
        """The ideal provider's plays: ``n`` resources, one round trip of ``latency_ms`` per
        create and per delete."""
        return self._get("ideal", n, teams, latency_ms, f"{n} resources of the ideal provider")

    def read_after_write(self, n: int, teams: int, latency_ms: float) -> dict[str, Played]:
        """The up of ``n`` resources of the ideal read-after-write provider: two round trips of
        ``latency_ms`` per create."""
        what = f"{n} resources of the ideal read-after-write provider"
        return self._get("read-after-write", n, teams, latency_ms, what)
