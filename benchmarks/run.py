"""The benchmarks of pulumi-compshare, measured in one run and printed as one table.

``python -m benchmarks.run [--quick] [--n 200] [--teams 2] [--latency-ms 20,100]
[--scale 50,200,1000] [--emulator-in-process] [--markdown] [--json FILE]``

Seven sections (see ``benchmarks/README.md`` for how to read each row):

1. **API calls** per operation, counted by the emulator (``GET /_emulator/stats``), against
   the minimum possible: refresh / up / destroy of N memberships over T teams, played through the
   engine-protocol :class:`~pulumi_compshare.testing.engine.Player` with the emulator at the first
   latency (how many confirmations share a read depends on timing), and create / update / delete
   of an ``ImageShare`` of N accounts, driven call by call through a provider server. An up is
   ``pulumi up``: its preview (in a provider process of its own) is counted in, in every
   figure, and each note gives the preview's share.
2. **Wall time** of up / refresh / destroy of N memberships through the ``Player`` (a fresh
   provider process per operation, as the CLI does) at each latency, against the floor
   ``minimum calls x latency / 4`` (the provider server runs four calls at a time); the up also
   against the confirmation bound ``N x 2 x latency / 4`` (each create invites, then reads back
   after its invite completed). Then the same operations on N resources of
   :class:`IdealProvider` (create and delete each one round trip, a sleep; no CPU, no HTTP)
   against ``N x latency / 4``: what the engine stand-in and the provider process start cost by
   themselves, for any provider. The rest of a membership operation's time is the provider's,
   the client's and the emulator's; each note gives the CPU of the provider process (provider
   and client), of this process (the engine stand-in) and of the emulator's process.
3. **Scale**: milliseconds per membership of the same operations at several sizes (linear growth
   keeps them level), against the floor per membership.
4. **Memory**: the provider server's peak RSS (``/proc``) at each size, against the smallest.
5. **Provider cold start**: launching ``python -m pulumi.dynamic`` up to the first answered Check,
   ``TeamProvider`` against a trivial dynamic provider (median of a few runs).
6. **Client overhead** per call on the emulator without latency: our pooled ``CompShareClient``
   against the official ``ucloud-sdk-python3`` client (a new ``requests`` session per call).
7. **Serialized provider size**: the ``__provider`` property every resource stores in state.

The emulator of the membership plays runs in a process of its own (``python -m
pulumi_compshare.emulator --seed FILE --latency-ms X``), as a remote API would: in this process
it would compete for the GIL with the engine stand-in. ``--emulator-in-process`` runs it here
instead, as a thread (to measure that difference). The ImageShare call counts and the client
overhead use an emulator thread in this process.

Every ``bench_*`` function returns a list of :class:`Row`, so ``tests/test_benchmarks.py`` runs the
same code with tiny sizes; the plays are shared through :class:`Plays`.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import itertools
import json
import logging
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pulumi
import pulumi.dynamic

# Only the standard library and pulumi at import time (pulumi imports every standard module used
# here anyway): the provider server imports this module to unpickle TrivialProvider and
# IdealProvider, and the cold-start baseline must not pay for pulumi_compshare, httpx or
# the engine kit. The package is imported inside the functions that use it.
if TYPE_CHECKING:
    from pulumi_compshare.emulator import Seed
    from pulumi_compshare.testing.engine import Player, Result

__all__ = [
    "IdealProvider",
    "IdealResource",
    "Plays",
    "Row",
    "TrivialProvider",
    "bench_call_counts",
    "bench_client_overhead",
    "bench_cold_start",
    "bench_provider_sizes",
    "bench_wall_time",
    "main",
    "render_markdown",
    "render_text",
    "run_all",
]

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: on the provider server's ``sys.path`` so ``benchmarks.run`` imports."""

PROVIDER_KEY = "__provider"
"""The property that carries the pickled provider (``pulumi_compshare.testing.engine``)."""
TYPE_PREFIX = "pulumi-python:dynamic/compshare:"
BENCH_TYPE = "pulumi-python:dynamic/bench:Trivial"
SERVER_PARALLEL = 4
"""Calls the dynamic provider server (and the engine) run at a time."""

ACTIVE = ("Pending", "Joined")
"""Relation statuses that a destroy must have cancelled."""

SECTIONS = (
    "API calls",
    "Wall time",
    "Scale",
    "Memory",
    "Cold start",
    "Client overhead",
    "Provider size",
)


# --------------------------------------------------------------------------------------------------
# rows and rendering


@dataclass(frozen=True)
class Row:
    """One line of the table: a measurement, what it is compared with, and their ratio."""

    section: str
    """One of :data:`SECTIONS`."""
    name: str
    """What was measured, e.g. ``refresh of 200 memberships over 2 teams``."""
    value: float
    """The measurement, in :attr:`unit`."""
    unit: str
    """``calls``, ``s``, ``ms``, ``ms/call``, ``MB`` or ``bytes``."""
    baseline: float | None = None
    """What the measurement is compared with (same unit), or None."""
    baseline_label: str = ""
    """What the baseline is: ``minimum``, ``floor``, ``trivial provider``, ``ucloud SDK``..."""
    note: str = ""
    """How the numbers were obtained (call breakdown, formula)."""

    @property
    def ratio(self) -> float | None:
        """``value / baseline`` (None without a positive baseline)."""
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


def _number(value: float, unit: str) -> str:
    if unit in ("calls", "bytes"):
        return f"{value:,.0f} {unit}"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms/call":
        return f"{value:.3f} ms/call"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g} {unit}"


def _cells(row: Row) -> list[str]:
    baseline = ""
    if row.baseline is not None:
        baseline = _number(row.baseline, row.unit)
        if row.baseline_label:
            baseline += f" ({row.baseline_label})"
    ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
    return [row.section, row.name, _number(row.value, row.unit), baseline, ratio, row.note]


HEADER = ["Section", "Measurement", "Measured", "Baseline", "Ratio", "Notes"]


def render_text(rows: Sequence[Row]) -> str:
    """An aligned plain-text table (numbers right-aligned)."""
    table = [HEADER, *[_cells(r) for r in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    right = {2, 3, 4}

    def fmt(line: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(HEADER), rule, *[fmt(c) for c in table[1:]]])


def render_markdown(rows: Sequence[Row]) -> str:
    """A Markdown table (pipes in cells escaped), ready to paste into README.md."""

    def fmt(line: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in line) + " |"

    align = "| " + " | ".join(["---", "---", "---:", "---:", "---:", "---"]) + " |"
    return "\n".join([fmt(HEADER), align, *[fmt(_cells(r)) for r in rows]])


# --------------------------------------------------------------------------------------------------
# shared helpers


class _Api(Protocol):
    """What the benchmarks read of an emulator: :class:`~pulumi_compshare.emulator.Emulator` in
    this process, or :class:`_EmulatorProcess` over its HTTP inspection endpoints."""

    @property
    def url(self) -> str: ...

    def stats(self) -> dict[str, Any]: ...

    def reset_stats(self) -> None: ...

    def state(self) -> dict[str, Any]: ...


def _config(url: str, seed: Seed) -> dict[str, str]:
    """Stack config of account 0 (the owner of every generated team and image)."""
    owner = seed.accounts[0]
    return {
        "compshare:publicKey": owner.public_key,
        "compshare:privateKey": owner.private_key,
        "compshare:baseUrl": url,
    }


def _requests(em: _Api) -> dict[str, int]:
    requests: dict[str, int] = em.stats()["requests"]
    return dict(requests)


def _total(requests: Mapping[str, int]) -> int:
    return sum(requests.values())


def _breakdown(requests: Mapping[str, int]) -> str:
    """``GetCompShareTeamInfo 2, ModifyCompShareImageShareAccount 20`` (action names shortened)."""
    parts = []
    for action, count in sorted(requests.items()):
        short = action.replace("CompShare", "")
        parts.append(f"{short} {count}")
    return ", ".join(parts) or "none"


@contextmanager
def _counting(em: _Api, into: dict[str, dict[str, int]], key: str) -> Iterator[None]:
    """Count the emulator requests made inside the block into ``into[key]``."""
    em.reset_stats()
    try:
        yield
    finally:
        into[key] = _requests(em)


LISTENING = "CompShare emulator listening on "
"""The first line ``python -m pulumi_compshare.emulator`` prints, followed by its URL."""


class _EmulatorProcess:
    """The emulator in a process of its own, ``python -m pulumi_compshare.emulator --seed FILE
    --latency-ms X``, as a remote API is: its request handling does not compete for this
    process's GIL with the engine stand-in. Requests are counted through its inspection endpoints
    (``GET /_emulator/stats``, ``POST /_emulator/reset-stats``, ``GET /_emulator/state``); its
    CPU is read from ``/proc``. Stopped with SIGTERM (exit status 0)."""

    def __init__(self, seed: Seed, latency_ms: float) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="bench-emulator-")
        folder = Path(self._dir.name)
        seed_file = folder / "seed.json"
        seed_file.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
        self._stderr = (folder / "stderr.txt").open("w+b")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pulumi_compshare.emulator",
                "--seed",
                str(seed_file),
                "--latency-ms",
                str(float(latency_ms)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
            text=True,
        )
        self._drain: threading.Thread | None = None
        assert self._process.stdout is not None
        first = self._process.stdout.readline()
        if not first.startswith(LISTENING):
            status, problem = self._stop()
            raise RuntimeError(f"the emulator did not start (status {status}): {problem}")
        self._url = first[len(LISTENING) :].strip()
        # The account lines that follow (one per account) must not fill the pipe and block it.
        self._drain = threading.Thread(target=self._process.stdout.read, daemon=True)
        self._drain.start()

    @property
    def url(self) -> str:
        return self._url

    @property
    def pid(self) -> int:
        return self._process.pid

    def _call(self, method: str, path: str) -> dict[str, Any]:
        body = b"" if method == "POST" else None
        request = urllib.request.Request(self._url + path, data=body, method=method)
        with urllib.request.urlopen(request, timeout=60) as answer:
            data: dict[str, Any] = json.load(answer)
        return data

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/_emulator/stats")

    def reset_stats(self) -> None:
        self._call("POST", "/_emulator/reset-stats")

    def state(self) -> dict[str, Any]:
        return self._call("GET", "/_emulator/state")

    def _stop(self) -> tuple[int | None, str]:
        """SIGTERM, then wait (kill after 10 s); the exit status and what it wrote to stderr."""
        process = self._process
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._drain is not None:
            self._drain.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        problem = ""
        if not self._stderr.closed:
            self._stderr.seek(0)
            problem = self._stderr.read().decode(errors="replace").strip()
            self._stderr.close()
        self._dir.cleanup()
        return process.returncode, problem

    def close(self) -> None:
        """Stop the emulator; an exit status other than 0 (its answer to SIGTERM) is an error."""
        status, problem = self._stop()
        if status != 0:
            raise RuntimeError(f"the emulator exited with status {status}: {problem}")

    def __enter__(self) -> _EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def _emulator(seed: Seed, latency_ms: float, in_process: bool) -> Iterator[tuple[_Api, int | None]]:
    """An emulator answering after ``latency_ms`` and the pid of its own process (None when it
    runs in this one, as a background thread)."""
    if in_process:
        from pulumi_compshare.emulator import Emulator

        with Emulator(seed=seed, latency_ms=latency_ms) as em:
            yield em, None
    else:
        with _EmulatorProcess(seed, latency_ms) as remote:
            yield remote, remote.pid


def _membership_program(users: Sequence[int], teams: Sequence[int]) -> Callable[[], None]:
    """The program: one ``TeamMembership`` per user, users spread round-robin over the teams."""

    import pulumi_compshare

    def program() -> None:
        for index, uid in enumerate(users):
            pulumi_compshare.TeamMembership(
                f"m{uid}", team_id=teams[index % len(teams)], user_company_id=uid
            )

    return program


@dataclass(frozen=True)
class _Played:
    """Requests, seconds, CPU and provider memory of one operation played by the Player."""

    op: str
    requests: dict[str, int]
    """API requests the emulator counted (empty for the ideal provider, which makes none)."""
    seconds: float
    steps: dict[str, int]
    peak_rss_kb: int
    """Peak resident memory of the provider server process (``VmHWM``), 0 if unknown."""
    provider_cpu: float
    """CPU seconds of the provider server process (its start included), from ``/proc``: the
    provider and the API client, which runs in it."""
    local_cpu: float
    """CPU seconds of this process meanwhile: the engine stand-in (and the emulator when it runs
    in this process)."""
    emulator_cpu: float = 0.0
    """CPU seconds of the emulator's own process meanwhile, from ``/proc`` (0 without one)."""
    preview: _Played | None = None
    """For an ``up``: its preview, included in every figure above (requests, seconds, CPU; peak
    memory is the higher of the two provider processes), as ``pulumi up`` previews first."""

    @property
    def calls(self) -> int:
        return _total(self.requests)

    def plus(self, preview: _Played) -> _Played:
        """This update with its ``preview`` counted in: what ``pulumi up`` costs."""
        requests = dict(preview.requests)
        for action, count in self.requests.items():
            requests[action] = requests.get(action, 0) + count
        return _Played(
            self.op,
            requests,
            preview.seconds + self.seconds,
            self.steps,
            max(preview.peak_rss_kb, self.peak_rss_kb),
            preview.provider_cpu + self.provider_cpu,
            preview.local_cpu + self.local_cpu,
            preview.emulator_cpu + self.emulator_cpu,
            preview,
        )

    def preview_note(self) -> str:
        """``"; its preview: N calls, X s"`` for an up, else nothing."""
        if self.preview is None:
            return ""
        return f"; its preview: {self.preview.calls} calls, {self.preview.seconds:.2f} s"


OPERATIONS = ("up", "refresh", "destroy")


def _minimum(op: str, n: int, teams: int) -> tuple[int, str]:
    """The fewest API calls an operation on ``n`` memberships over ``teams`` teams can make, and
    how: one read per team serves every membership's refresh; up and destroy write once per
    membership (a per-resource provider cannot do less) and read each team once."""
    if op == "refresh":
        return teams, f"{teams} team reads"
    verb = "invites" if op == "up" else "cancels"
    return n + teams, f"{n} {verb} + {teams} team reads"


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a live process from ``/proc/<pid>/stat``; 0 if unknown."""
    if pid is None:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_kb(pid: int | None) -> int:
    """``VmHWM`` (peak resident set) of a live process from ``/proc``, in KiB; 0 if unknown."""
    if pid is None:
        return 0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


_SERVER_ENV = {"PYTHONDONTWRITEBYTECODE": ""}
"""Provider servers may cache bytecode, as an installed package has it (the first start writes
it): start-up is then measured as users meet it, whatever the environment says."""


def _player(config: Mapping[str, str]) -> Player:
    """The Player of every play: a fresh provider process per operation, as with the Pulumi CLI."""
    from pulumi_compshare.testing.engine import Player

    return Player(
        project="bench",
        config=config,
        pythonpath=[ROOT],
        env=_SERVER_ENV,
        restart_per_operation=True,
    )


def _play_operations(
    player: Player,
    program: Callable[[], None],
    api: _Api | None = None,
    api_pid: int | None = None,
) -> list[_Played]:
    """up, refresh and destroy of ``program``, each timed, with the CPU of this process, of the
    provider server and of the emulator's process (``api_pid``), and the requests ``api``
    counted. The up is what ``Player.up`` does, a preview (a provider process of its own) then
    the update, played as ``preview()`` then ``up(skip_preview=True)`` so that each part is
    measured: its figures count both (:meth:`_Played.plus`), as ``pulumi up`` makes both."""
    operations: list[tuple[str, Callable[[], Result]]] = [
        ("preview", lambda: player.preview(program)),
        ("up", lambda: player.up(program, skip_preview=True)),
        ("refresh", player.refresh),
        ("destroy", player.destroy),
    ]
    played: list[_Played] = []
    for op, run in operations:
        if api is not None:
            api.reset_stats()
        api_cpu = _cpu_seconds(api_pid)
        cpu = time.process_time()
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        local = time.process_time() - cpu
        api_cpu = _cpu_seconds(api_pid) - api_cpu
        server = player.server
        pid = server.pid if server is not None and server.running else None
        played.append(
            _Played(
                op,
                _requests(api) if api is not None else {},
                seconds,
                result.counts(),
                _peak_rss_kb(pid),
                _cpu_seconds(pid),
                local,
                api_cpu,
            )
        )
    preview, up, *rest = played
    return [up.plus(preview), *rest]


def _play_memberships(
    n: int, teams: int, latency_ms: float, emulator_in_process: bool = False
) -> list[_Played]:
    """up, refresh and destroy of ``n`` memberships over ``teams`` teams, each counted and timed;
    a fresh provider process per operation, as with the Pulumi CLI. The emulator runs in a
    process of its own (a remote API does not share the engine's interpreter), or in this one
    with ``emulator_in_process``."""
    from pulumi_compshare.emulator import generate_seed

    seed = generate_seed(accounts=n + 1, teams=teams, images=1)
    users = [a.company_id for a in seed.accounts[1:]]
    team_ids = [t.id for t in seed.teams]
    program = _membership_program(users, team_ids)
    with (
        _emulator(seed, latency_ms, emulator_in_process) as (em, em_pid),
        _player(_config(em.url, seed)) as player,
    ):
        played = _play_operations(player, program, em, em_pid)
        left = [r for r in em.state().get("relations", []) if r.get("status") in ACTIVE]
        if left:
            raise RuntimeError(f"destroy left {len(left)} active relations")
    return played


def _play_ideal(n: int, teams: int, latency_ms: float) -> list[_Played]:
    """up, refresh and destroy of ``n`` resources of :class:`IdealProvider` (the same inputs as
    the memberships), no emulator: what the engine stand-in and the provider process cost by
    themselves, for any provider."""
    module = importlib.import_module("benchmarks.run")  # by-reference pickles, as in cold start
    provider = module.IdealProvider(latency_ms)
    resource: Callable[..., object] = module.IdealResource

    def program() -> None:
        for index in range(n):
            team_id, uid = 1001 + index % teams, 50002 + index
            resource(provider, f"r{uid}", {"team_id": team_id, "user_company_id": uid})

    with _player({}) as player:
        return _play_operations(player, program)


class Plays:
    """Plays by ``(n, teams, latency_ms)``, each played once per run and shared by the sections
    that read it: memberships against the emulator (call counts, wall time, scale, memory) and
    the ideal provider (wall time)."""

    def __init__(
        self, progress: Callable[[str], None] | None = None, emulator_in_process: bool = False
    ) -> None:
        self._plays: dict[tuple[str, int, int, float], dict[str, _Played]] = {}
        self._say = progress or (lambda _msg: None)
        self.emulator_in_process = emulator_in_process
        """Run the emulator in this process (a thread) instead of its own process."""

    def _get(
        self, kind: str, n: int, teams: int, latency_ms: float, what: str
    ) -> dict[str, _Played]:
        key = (kind, n, teams, float(latency_ms))
        if key not in self._plays:
            started = time.perf_counter()
            if kind == "ideal":
                played = _play_ideal(n, teams, latency_ms)
            else:
                played = _play_memberships(n, teams, latency_ms, self.emulator_in_process)
            self._plays[key] = {p.op: p for p in played}
            took = time.perf_counter() - started
            self._say(f"  played {what} at {latency_ms:g} ms: {took:.1f} s")
        return self._plays[key]

    def get(self, n: int, teams: int, latency_ms: float) -> dict[str, _Played]:
        """The membership plays: ``n`` memberships over ``teams`` teams, the emulator at
        ``latency_ms``."""
        return self._get("memberships", n, teams, latency_ms, f"{n} memberships over {teams} teams")

    def ideal(self, n: int, teams: int, latency_ms: float) -> dict[str, _Played]:
        """The ideal provider's plays: ``n`` resources, one round trip of ``latency_ms`` per
        create and per delete."""
        return self._get("ideal", n, teams, latency_ms, f"{n} resources of the ideal provider")


# --------------------------------------------------------------------------------------------------
# 1. API calls per operation


def bench_call_counts(
    n: int = 200, teams: int = 2, latency_ms: float = 20, plays: Plays | None = None
) -> list[Row]:
    """API calls of membership up / refresh / destroy (N over T teams, the emulator answering
    after ``latency_ms``: how many confirmations share a read depends on timing) and of
    ImageShare create / update / delete (N accounts, update removing half), against the minimum
    possible."""
    rows: list[Row] = []
    played = (plays or Plays()).get(n, teams, latency_ms)
    what = f"{n} memberships over {teams} teams"
    for op in OPERATIONS:
        p = played[op]
        low, how = _minimum(op, n, teams)
        rows.append(
            Row(
                "API calls",
                f"{op} of {what}, {latency_ms:g} ms",
                p.calls,
                "calls",
                low,
                "minimum",
                f"{_breakdown(p.requests)}{p.preview_note()}; minimum = {how}",
            )
        )
    rows += _image_share_call_counts(n)
    return rows


def _image_share_call_counts(n: int) -> list[Row]:
    from pulumi_compshare.emulator import Emulator, generate_seed
    from pulumi_compshare.resources import ImageShareProvider
    from pulumi_compshare.testing.engine import ProviderServer, make_urn, serialize_provider

    seed = generate_seed(accounts=n + 1, teams=0, images=1)
    accounts = [a.company_id for a in seed.accounts[1:]]
    image = seed.images[0].id
    keep = accounts[: n - n // 2]
    removed = n - len(keep)
    counted: dict[str, dict[str, int]] = {}
    provider = serialize_provider(ImageShareProvider())
    urn = make_urn(f"{TYPE_PREFIX}ImageShare", "share", project="bench")
    with Emulator(seed=seed) as em:
        server = ProviderServer(project="bench", pythonpath=[ROOT]).start()
        try:
            server.configure(_config(em.url, seed))
            news = {"image_id": image, "account_ids": accounts, PROVIDER_KEY: provider}
            with _counting(em, counted, "create"):  # engine: Check, Create
                inputs, failures = server.check(urn, {}, news)
                _expect_no_failures(failures)
                id_, outputs = server.create(urn, inputs)
            fewer = {**news, "account_ids": keep}
            with _counting(em, counted, "update"):  # engine: Check, Diff, Update
                new_inputs, failures = server.check(urn, inputs, fewer)
                _expect_no_failures(failures)
                diff = server.diff(id_, urn, outputs, new_inputs, old_inputs=inputs)
                if not diff.changes or diff.replace:
                    raise RuntimeError(f"unexpected ImageShare diff: {diff}")
                outputs = server.update(id_, urn, outputs, new_inputs, old_inputs=inputs)
            with _counting(em, counted, "delete"):  # engine: Delete
                server.delete(id_, urn, outputs, old_inputs=new_inputs)
        finally:
            server.stop()
        (image_state,) = [i for i in em.state()["images"] if i["id"] == image]
        if image_state["shared_with"]:
            raise RuntimeError("ImageShare delete left accounts shared")
    cases = [
        ("create", f"create of an ImageShare of {n} accounts", n),
        ("update", f"update of it removing {removed} accounts", removed),
        ("delete", f"delete of the ImageShare of {len(keep)} accounts", len(keep)),
    ]
    rows = []
    for key, name, changed in cases:
        low = 1 + math.ceil(changed / 10)
        rows.append(
            Row(
                "API calls",
                name,
                _total(counted[key]),
                "calls",
                low,
                "minimum",
                f"{_breakdown(counted[key])}; minimum = 1 describe + ceil({changed}/10) modifies",
            )
        )
    return rows


def _expect_no_failures(failures: Sequence[tuple[str, str]]) -> None:
    if failures:
        raise RuntimeError(f"check failed: {failures}")


# --------------------------------------------------------------------------------------------------
# 2. wall time


def _floor(op: str, n: int, teams: int, latency_ms: float) -> tuple[float, int]:
    """Seconds no operation can beat, ``minimum calls x latency / 4`` (the provider server
    makes four calls at a time), and that minimum."""
    low, _ = _minimum(op, n, teams)
    return low * latency_ms / 1000 / SERVER_PARALLEL, low


def _cpu_note(p: _Played, emulator_in_process: bool) -> str:
    if emulator_in_process:
        return (
            f"CPU: provider {p.provider_cpu:.2f} s, engine stand-in + emulator {p.local_cpu:.2f} s"
        )
    return (
        f"CPU: provider {p.provider_cpu:.2f} s, engine stand-in {p.local_cpu:.2f} s, "
        f"emulator process {p.emulator_cpu:.2f} s"
    )


def bench_wall_time(
    n: int = 200, teams: int = 2, latency_ms: float = 20, plays: Plays | None = None
) -> list[Row]:
    """Seconds of up / refresh / destroy of N memberships through the Player with the emulator at
    ``latency_ms``, against the floor ``minimum calls x latency / 4``; the up also against the
    confirmation bound ``N x 2 x latency / 4``; then the same operations on N resources of
    :class:`IdealProvider` against ``N x latency / 4``: the part of the time that is the engine
    stand-in's and the provider process's whatever the provider."""
    plays = plays or Plays()
    in_process = plays.emulator_in_process
    played = plays.get(n, teams, latency_ms)
    ideal = plays.ideal(n, teams, latency_ms)
    where = "in this process" if in_process else "in its own process"
    rows = []
    for op in OPERATIONS:
        p = played[op]
        floor, low = _floor(op, n, teams, latency_ms)
        note = (
            f"{p.calls} calls (minimum {low}); floor = minimum x {latency_ms:g} ms / "
            f"{SERVER_PARALLEL}; includes the provider process start{p.preview_note()}; "
            f"{_cpu_note(p, in_process)}; emulator {where}; ideal provider "
            f"{ideal[op].seconds:.2f} s"
        )
        name = f"{op} of {n} memberships over {teams} teams, {latency_ms:g} ms"
        rows.append(Row("Wall time", name, p.seconds, "s", floor, "floor", note))
        if op == "up":
            bound = _confirmation_bound(n, latency_ms)
            rows.append(
                Row(
                    "Wall time",
                    f"{name}, against 2 round trips per create",
                    p.seconds,
                    "s",
                    bound,
                    "confirmation bound",
                    f"each create invites, then reads back after its invite completed: 2 round "
                    f"trips on a server thread; bound = {n} x 2 x {latency_ms:g} ms / "
                    f"{SERVER_PARALLEL}",
                )
            )
    what = f"{n} resources, ideal provider"
    for op in OPERATIONS:
        p = ideal[op]
        trips = 0 if op == "refresh" else n
        kind = {"up": "create", "destroy": "delete"}.get(op, "")
        label = (
            f"{what} (one round trip per {kind}, no CPU)" if trips else f"{what} (no round trip)"
        )
        floor = trips * latency_ms / 1000 / SERVER_PARALLEL
        rows.append(
            Row(
                "Wall time",
                f"{op} of {label}, {latency_ms:g} ms",
                p.seconds,
                "s",
                floor if trips else None,
                "floor" if trips else "",
                (
                    f"floor = {n} x {latency_ms:g} ms / {SERVER_PARALLEL}; "
                    if trips
                    else "read answers from the state: no floor; "
                )
                + f"steps {_steps(p.steps)}; includes the provider process start"
                f"{p.preview_note()}; CPU: "
                f"provider {p.provider_cpu:.2f} s, engine stand-in {p.local_cpu:.2f} s",
            )
        )
    return rows


def _confirmation_bound(n: int, latency_ms: float) -> float:
    """Seconds an up of ``n`` memberships cannot beat: each create invites, then confirms with a
    read that starts after its invite completed, two round trips on one of the provider
    server's four threads."""
    return n * 2 * latency_ms / 1000 / SERVER_PARALLEL


def _steps(steps: Mapping[str, int]) -> str:
    return ", ".join(f"{op} {count}" for op, count in sorted(steps.items())) or "none"


# --------------------------------------------------------------------------------------------------
# 3-4. scale: cost per membership and the provider's memory as N grows


def bench_scale(
    sizes: Sequence[int] = (50, 200, 1000),
    teams: int = 2,
    latency_ms: float = 20,
    plays: Plays | None = None,
) -> list[Row]:
    """What each further membership costs between consecutive sizes (linear growth: the same
    from every size to the next), against the floor per further membership; then the provider
    server's peak memory at each size against the smallest (flat: the same)."""
    plays = plays or Plays()
    sizes = sorted(set(sizes))
    played = {n: plays.get(n, teams, latency_ms) for n in sizes}
    rows: list[Row] = []
    for op in OPERATIONS:
        for small, large in itertools.pairwise(sizes):
            a, b = played[small][op], played[large][op]
            extra = large - small
            floor_a, low_a = _floor(op, small, teams, latency_ms)
            floor_b, low_b = _floor(op, large, teams, latency_ms)
            rows.append(
                Row(
                    "Scale",
                    f"{op}, each membership from {small} to {large}, {latency_ms:g} ms",
                    (b.seconds - a.seconds) * 1000 / extra,
                    "ms",
                    (floor_b - floor_a) * 1000 / extra,
                    "floor",
                    f"{a.seconds:.2f} s at {small}, {b.seconds:.2f} s at {large}; calls "
                    f"{a.calls} -> {b.calls}, {(b.calls - a.calls) / extra:.2f} per membership "
                    f"(minimum {(low_b - low_a) / extra:.2f})",
                )
            )
    smallest = sizes[0]
    base_kb = max(p.peak_rss_kb for p in played[smallest].values())
    for n in sizes:
        peak = max(played[n].values(), key=lambda p: p.peak_rss_kb)
        rows.append(
            Row(
                "Memory",
                f"provider peak RSS, {n} memberships",
                peak.peak_rss_kb / 1024,
                "MB",
                base_kb / 1024 if peak.peak_rss_kb and base_kb else None,
                f"{smallest} memberships",
                f"VmHWM of the provider server process (/proc), highest in the {peak.op}; a "
                "fresh process per operation",
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------
# 5. provider cold start


class TrivialProvider(pulumi.dynamic.ResourceProvider):
    """The least a dynamic provider can be: check returns the inputs, create echoes them."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult("trivial", props)


class IdealProvider(pulumi.dynamic.ResourceProvider):
    """A provider as fast as any can be against an API ``latency_ms`` away: create and delete
    each take exactly one round trip (a sleep: no CPU, no HTTP), check returns the inputs, read
    returns the state without a call. Played like the memberships, it measures what the engine
    stand-in and the provider process cost by themselves (``Wall time`` rows, ideal provider)."""

    def __init__(self, latency_ms: float) -> None:
        self.seconds = latency_ms / 1000

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        time.sleep(self.seconds)
        return pulumi.dynamic.CreateResult(f"{props['team_id']}:{props['user_company_id']}", props)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        return pulumi.dynamic.ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        time.sleep(self.seconds)


class IdealResource(pulumi.dynamic.Resource, module="bench", name="Ideal"):
    """A resource of :class:`IdealProvider` (``pulumi-python:dynamic/bench:Ideal``)."""


def _trivial_provider() -> pulumi.dynamic.ResourceProvider:
    """A TrivialProvider from the importable module ``benchmarks.run`` (not ``__main__``), so the
    pickle is a by-reference one like ours."""
    module = importlib.import_module("benchmarks.run")
    provider: pulumi.dynamic.ResourceProvider = module.TrivialProvider()
    return provider


def _first_check_seconds(
    type_token: str, props: Mapping[str, Any], config: Mapping[str, str]
) -> tuple[float, int]:
    """Seconds from launching the provider server to the answer of its first Check (after the
    Configure the engine always sends first), and the server's peak RSS then (KiB)."""
    from pulumi_compshare.testing.engine import ProviderServer, make_urn

    urn = make_urn(type_token, "cold", project="bench")
    started = time.perf_counter()
    server = ProviderServer(project="bench", pythonpath=[ROOT], env=_SERVER_ENV)
    try:
        server.start()
        server.configure(config)
        _, failures = server.check(urn, {}, props)
        seconds = time.perf_counter() - started
        rss = _peak_rss_kb(server.pid)
    finally:
        server.stop()
    _expect_no_failures(failures)
    return seconds, rss


def bench_cold_start(runs: int = 5) -> list[Row]:
    """Median seconds to the first answered Check: TeamProvider against TrivialProvider."""
    from pulumi_compshare.resources import TeamProvider
    from pulumi_compshare.testing.engine import serialize_provider

    config = {
        "compshare:publicKey": "cold-start-public",
        "compshare:privateKey": "cold-start-private",
        "compshare:baseUrl": "http://127.0.0.1:9",
    }
    team = {"name": "cold", PROVIDER_KEY: serialize_provider(TeamProvider())}
    trivial = {"name": "cold", PROVIDER_KEY: serialize_provider(_trivial_provider())}
    ours: list[tuple[float, int]] = []
    base: list[tuple[float, int]] = []
    _first_check_seconds(BENCH_TYPE, trivial, {})  # warm-up: bytecode written, files cached
    _first_check_seconds(f"{TYPE_PREFIX}Team", team, config)
    for _ in range(max(1, runs)):  # interleaved, so drift in machine load hits both alike
        base.append(_first_check_seconds(BENCH_TYPE, trivial, {}))
        ours.append(_first_check_seconds(f"{TYPE_PREFIX}Team", team, config))
    ours_s, base_s = [s for s, _ in ours], [s for s, _ in base]
    ours_mb = statistics.median(kb for _, kb in ours) / 1024
    base_mb = statistics.median(kb for _, kb in base) / 1024
    return [
        Row(
            "Cold start",
            "provider start to first Check, TeamProvider",
            statistics.median(ours_s),
            "s",
            statistics.median(base_s),
            "trivial provider",
            f"median of {len(ours)} runs each after a warm-up (Configure included; bytecode "
            f"cached); min {min(ours_s):.2f} s vs {min(base_s):.2f} s; peak RSS "
            f"{ours_mb:.1f} MB vs {base_mb:.1f} MB",
        )
    ]


# --------------------------------------------------------------------------------------------------
# 6. client overhead


def _mean_ms(calls: int, fn: Callable[[], object], warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) * 1000 / calls


def _client_means(calls: int) -> dict[str, tuple[float, float]]:
    """Action -> (CompShareClient ms/call, ucloud SDK ms/call) on a fresh emulator."""
    from ucloud.client import Client as UCloudClient  # the official SDK (a test extra)

    from pulumi_compshare.client import CompShareClient, Credentials
    from pulumi_compshare.emulator import Emulator, generate_seed

    seed = generate_seed(accounts=3, teams=1, images=1)
    owner = seed.accounts[0]
    team_id = seed.teams[0].id
    image = seed.images[0].id
    means: dict[str, tuple[float, float]] = {}
    quiet = logging.getLogger("benchmarks.ucloud-sdk")
    quiet.setLevel(logging.WARNING)
    quiet.propagate = False
    with Emulator(seed=seed) as em:
        ours = CompShareClient(Credentials(owner.public_key, owner.private_key), base_url=em.url)
        sdk = UCloudClient(
            {
                "region": "cn-wlcb",
                "public_key": owner.public_key,
                "private_key": owner.private_key,
                "base_url": em.url,
                "max_retries": 0,
            },
            logger=quiet,
        ).ucompshare()
        cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
            (
                "GetCompShareTeamInfo",
                lambda: ours.get_team_info(team_id=team_id),
                lambda: sdk.get_comp_share_team_info({"TeamId": team_id}),
            ),
            (
                "DescribeCompShareImageShareAccounts",
                lambda: ours.describe_image_share_accounts(image),
                lambda: sdk.describe_comp_share_image_share_accounts({"CompShareImageId": image}),
            ),
        ]
        try:
            ours.modify_image_share_accounts(image, add=[a.company_id for a in seed.accounts[1:]])
            for action, mine, theirs in cases:
                em.reset_stats()
                means[action] = (_mean_ms(calls, mine), _mean_ms(calls, theirs))
                sent = _requests(em).get(action, 0)
                if sent != 2 * (calls + 3):  # 3 warm-up calls each
                    raise RuntimeError(f"{action}: expected {2 * (calls + 3)} requests, got {sent}")
        finally:
            ours.close()
    return means


def bench_client_overhead(calls: int = 300) -> list[Row]:
    """Mean ms per call on the emulator without latency: CompShareClient (one pooled keep-alive
    httpx client) against ucloud-sdk-python3 (a new requests session per call)."""
    rows = []
    note = f"mean of {calls} calls each, emulator without latency"
    for action, (ours, sdk) in _client_means(calls).items():
        rows.append(
            Row(
                "Client overhead",
                f"{action}, CompShareClient",
                ours,
                "ms/call",
                sdk,
                "ucloud SDK",
                f"{note}; pooled keep-alive vs a new session per call",
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------
# 7. serialized provider size


def bench_provider_sizes() -> list[Row]:
    """Bytes of each resource's ``__provider`` property: the pickle and its base64 text."""
    from pulumi_compshare.resources import (
        ImageShareProvider,
        TeamInviteAccepterProvider,
        TeamMembershipProvider,
        TeamProvider,
    )
    from pulumi_compshare.testing.engine import serialize_provider

    providers: list[tuple[str, pulumi.dynamic.ResourceProvider]] = [
        ("Team", TeamProvider()),
        ("TeamMembership", TeamMembershipProvider()),
        ("TeamInviteAccepter", TeamInviteAccepterProvider()),
        ("ImageShare", ImageShareProvider()),
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


# --------------------------------------------------------------------------------------------------
# the command


def run_all(
    n: int = 200,
    teams: int = 2,
    latencies: Sequence[float] = (20, 100),
    scale: Sequence[int] = (50, 200, 1000),
    cold_runs: int = 5,
    client_calls: int = 300,
    progress: Callable[[str], None] | None = None,
    emulator_in_process: bool = False,
) -> list[Row]:
    """Every benchmark, in table order: call counts at the first latency, wall time at each
    latency, scale and memory at the first latency (each play runs once and is shared). The
    membership plays run the emulator in its own process, or in this one with
    ``emulator_in_process``."""
    say = progress or (lambda _msg: None)
    plays = Plays(say, emulator_in_process)
    first = latencies[0]
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("API calls", lambda: bench_call_counts(n, teams, first, plays)),
        *[
            (f"wall time, {latency:g} ms", partial(bench_wall_time, n, teams, latency, plays))
            for latency in latencies
        ],
        ("scale and memory", lambda: bench_scale(scale, teams, first, plays)),
        ("cold start", lambda: bench_cold_start(cold_runs)),
        ("client overhead", lambda: bench_client_overhead(client_calls)),
        ("provider sizes", bench_provider_sizes),
    ]
    for label, step in steps:
        started = time.perf_counter()
        rows += step()
        say(f"{label}: {time.perf_counter() - started:.1f} s")
    return rows


def _numbers(text: str, kind: Callable[[str], Any]) -> list[Any]:
    return [kind(part) for part in text.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="Benchmarks of pulumi-compshare."
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (N=20, 2 ms, scale 10,20,40)"
    )
    parser.add_argument("--n", type=int, default=None, help="memberships / accounts (200)")
    parser.add_argument("--teams", type=int, default=2, help="teams the memberships use (2)")
    parser.add_argument(
        "--latency-ms",
        default=None,
        help="emulator latencies for wall time, comma-separated; the first also for call "
        "counts and scale (20,100)",
    )
    parser.add_argument(
        "--scale", default=None, help="membership counts of the scale rows (50,200,1000)"
    )
    parser.add_argument(
        "--emulator-in-process",
        action="store_true",
        help="run the emulator of the membership plays in this process (a thread, sharing the "
        "GIL with the engine stand-in) instead of its own process",
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    args = parser.parse_args(argv)

    n = args.n if args.n is not None else (20 if args.quick else 200)
    try:
        latencies = _numbers(args.latency_ms or ("2" if args.quick else "20,100"), float)
        scale = _numbers(args.scale or ("10,20,40" if args.quick else "50,200,1000"), int)
    except ValueError:
        parser.error("--latency-ms and --scale take comma-separated numbers")
    if n < 1 or args.teams < 1 or not latencies or min(latencies) < 0:
        parser.error("--n and --teams must be >= 1, --latency-ms >= 0")
    if not scale or min(scale) < 1:
        parser.error("--scale takes membership counts >= 1")
    cold_runs = 2 if args.quick else 5
    client_calls = 50 if args.quick else 300

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    rows = run_all(
        n,
        args.teams,
        latencies,
        scale,
        cold_runs,
        client_calls,
        progress,
        emulator_in_process=args.emulator_in_process,
    )
    total = time.perf_counter() - started
    print(render_markdown(rows) if args.markdown else render_text(rows))
    shown = ", ".join(f"{latency:g}" for latency in latencies)
    where = "in this process" if args.emulator_in_process else "in its own process"
    print(
        f"\nN={n}, T={args.teams}, latency {shown} ms, scale {','.join(map(str, scale))}, "
        f"emulator {where}; whole run {total:.0f} s (Python {sys.version.split()[0]}, "
        f"pulumi {pulumi_version()})",
        file=sys.stderr,
    )
    if args.json:
        data = {
            "n": n,
            "teams": args.teams,
            "latencies_ms": latencies,
            "scale": scale,
            "emulator_in_process": args.emulator_in_process,
            "seconds": total,
            "rows": [r.to_json() for r in rows],
        }
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
    return 0


def pulumi_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pulumi")
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
