"""Running a Pulumi program without the CLI: the SDK's mock runtime with a resource monitor that
hands every registration to the engine model (:mod:`pulumi_compshare.testing.registration`)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, Protocol

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import Settings, get_project, get_root_resource, get_stack
from pulumi.runtime.stack import massage, run_pulumi_func

from .wire import (
    Props,
    config_strings,
    from_struct,
    holds_secret,
    one_program_process,
    to_struct,
)

__all__ = ["STACK_TYPE", "Program", "Registrar", "play_program"]

Program = Callable[[], Any]
"""A Pulumi program: creates resources and calls ``pulumi.export``. It may return an awaitable, or a
mapping whose entries are exported (like ``pulumi.run``)."""

STACK_TYPE: Final[str] = "pulumi:pulumi:Stack"
_PROGRAM_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


class Registrar(Protocol):
    """What the monitor needs from an operation: where registrations go."""

    stack_urn: str

    def adopt_loop(self) -> None: ...

    def register(self, urn: str, request: Any, raw_inputs: Props) -> tuple[str, Props]: ...

    def read(self, urn: str, request: Any, raw_props: Props) -> tuple[str, Props]: ...


class _NoInvokes(Mocks):
    """Registrations go to the monitor; invokes are not supported."""

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        raise NotImplementedError(f"invoke {args.token} is not supported by the engine test kit")

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        raise AssertionError("unreachable: the player's monitor registers resources itself")


class _Monitor(MockMonitor):
    """A mock resource monitor that sends every registration to the current operation."""

    def __init__(self, run: Registrar) -> None:
        super().__init__(_NoInvokes())
        self._run = run

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """``deployment.go: generateURN``: the parent's whole qualified type prefixes the type,
        except for the root stack (the SDK's mock monitor keeps the stack and only the last
        parent type)."""
        qualified = parent.split("::")[2] if parent.count("::") >= 3 else ""
        if qualified and qualified != STACK_TYPE:
            type_ = f"{qualified}${type_}"
        return f"urn:pulumi:{get_stack()}::{get_project()}::{type_}::{name}"

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self._run.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._run.adopt_loop()
        inputs = rpc.deserialize_properties(request.object)
        id_, outs = self._run.register(urn, request, inputs)
        obj = to_struct(outs, strip_secrets=False)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, outs)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj)

    def ReadResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        self._run.adopt_loop()
        props = rpc.deserialize_properties(request.properties)
        id_, outs = self._run.read(urn, request, props)
        obj = to_struct(outs, strip_secrets=False)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, outs)
        return resource_pb2.ReadResourceResponse(urn=urn, id=id_, properties=obj)


def _quiet_loop_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Exception handler of a program's event loop.

    After a failed step the SDK leaves futures whose exception nobody retrieves (the error is
    reported as a :class:`StepError`). asyncio's default handler logs them with a formatted
    traceback whenever the garbage collector finds them, which can be in the middle of an
    unrelated ``ast.parse`` (pytest's assertion rewriting, say): CPython 3.11 then fails that parse
    with "SystemError: AST constructor recursion depth mismatch"."""
    _log.debug("program event loop: %s", context.get("message"))


def play_program(
    program: Program,
    run: Registrar,
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    preview: bool,
    on_loop: Callable[[asyncio.AbstractEventLoop], None],
    parallel: int,
    secret_exports: set[str] | None = None,
) -> tuple[Props | None, BaseException | None]:
    """Run ``program`` on a fresh thread and event loop under mocks whose monitor is ``run``.

    The loop's default executor, which runs the SDK's RegisterResource calls, has ``4 x
    parallel`` threads, as the language host sets it (``pulumi-language-python-exec:
    _set_default_executor``). Returns the stack exports (None if the program did not finish;
    secrets unwrapped, their keys added to ``secret_exports``) and the program's exception.
    Programs run one at a time per process: the SDK's runtime settings are global."""
    failure: list[BaseException] = []
    exports: list[Props] = []

    def body() -> None:
        loop = asyncio.new_event_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=4 * max(1, parallel)))
        loop.set_exception_handler(_quiet_loop_errors)
        asyncio.set_event_loop(loop)
        on_loop(loop)
        try:
            # Fresh per-context runtime settings (the SDK keeps them in context variables).
            Settings(project=project, stack=stack, dry_run=preview)
            set_all_config(config_strings(config))
            set_mocks(
                _NoInvokes(),
                project=project,
                stack=stack,
                preview=preview,
                logger=logging.getLogger(f"{__name__}.program"),
                monitor=_Monitor(run),
            )

            def main() -> Any:
                returned = program()
                if isinstance(returned, Mapping):
                    for key, value in returned.items():
                        pulumi.export(str(key), value)
                    return None
                return returned

            async def play() -> None:
                await run_pulumi_func(main)
                root = get_root_resource()
                values = getattr(root, "outputs", {})
                struct = await rpc.serialize_properties(massage(values, []), {})
                exports.append(from_struct(struct))
                if secret_exports is not None:
                    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
                    secret_exports.update(k for k, v in raw.items() if holds_secret(v))

            loop.run_until_complete(play())
        except BaseException as exc:  # reported to the caller
            failure.append(exc)
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    with _PROGRAM_LOCK, one_program_process():  # a language host process per program run
        thread = threading.Thread(target=body, name="pulumi-program", daemon=True)
        thread.start()
        thread.join()
    return (exports[0] if exports else None), (failure[0] if failure else None)
