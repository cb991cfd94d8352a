"""Command line: ``python -m pulumi_compshare.emulator`` (console script ``compshare-emulator``).

Prints ``CompShare emulator listening on http://HOST:PORT`` as its first line, then one line per
account with its key pair, then ``dialects: a, b`` when it answers in any, and serves until SIGINT
or SIGTERM (exit status 0). A bad seed file or an unknown ``--dialect`` is a one-line error on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from pulumi_compshare.emulator.seed import SeedError, demo_seed, load_seed
from pulumi_compshare.emulator.server import Emulator
from pulumi_compshare.emulator.state import DIALECTS, parse_dialects


def _fault_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be in 0..65535, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the CLI."""
    parser = argparse.ArgumentParser(
        prog="compshare-emulator",
        description="Run a local emulator of the CompShare (UCloud GPU cloud) API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=_port, default=0, help="port to bind (0 = a free port)")
    parser.add_argument("--seed", metavar="FILE", help="seed JSON file (default: the demo seed)")
    parser.add_argument(
        "--latency-ms", type=_non_negative, default=0.0, help="delay before every API answer"
    )
    parser.add_argument(
        "--fault-rate",
        type=_fault_rate,
        default=0.0,
        help="probability (0..1) that an API request fails with an injected fault",
    )
    parser.add_argument("--random-seed", type=int, default=None, help="seed of the fault generator")
    parser.add_argument(
        "--dialect",
        action="append",
        default=[],
        metavar="A,B",
        help="answer in these readings of the API (comma-separated, repeatable; added to the "
        f"seed file's): {', '.join(DIALECTS)}, or strict (docs/dialects.md)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until SIGINT/SIGTERM; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        seed = load_seed(args.seed) if args.seed else demo_seed()
    except SeedError as e:
        print(f"compshare-emulator: {e}", file=sys.stderr)
        return 2
    dialects = [name for value in args.dialect for name in value.split(",")]
    try:
        parse_dialects([*seed.dialects, *dialects])
    except ValueError as e:
        print(f"compshare-emulator: --dialect: {e}", file=sys.stderr)
        return 2
    emulator = Emulator(
        seed,
        host=args.host,
        port=args.port,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        random_seed=args.random_seed,
        dialects=dialects,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator.start()
    except OSError as e:
        print(f"compshare-emulator: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    try:
        print(f"CompShare emulator listening on {emulator.url}", flush=True)
        for account in emulator.accounts:
            print(
                f"account {account.company_id} {account.name} "
                f"public_key={account.public_key} private_key={account.private_key}",
                flush=True,
            )
        if emulator.dialects:
            print(f"dialects: {', '.join(sorted(emulator.dialects))}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
