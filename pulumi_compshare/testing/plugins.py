"""The provider processes of one command and what they write, as the engine's plugin context
keeps them (``sdk/go/common/resource/plugin/context.go``: the plugins live for one command)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .results import STDERR, STDOUT, Diagnostic, Result
from .server import ProviderServer

__all__ = ["PluginContext"]


@dataclass
class PluginContext:
    """One command's provider processes (a server object each, with where its output started)
    and the result the command fills in."""

    result: Result
    servers: list[tuple[ProviderServer, int]] = field(default_factory=list)

    def watch(self, server: ProviderServer, *, from_start: bool = False) -> None:
        """Take ``server``'s output from now on (``from_start``: all of it, a process started
        for this command)."""
        if all(s is not server for s, _ in self.servers):
            self.servers.append((server, 0 if from_start else len(server.output)))

    def close(self) -> None:
        """The end of the command: everything its provider processes wrote becomes the result's
        diagnostics, a line each with no URN (``plugin.go: newPlugin``, ``runtrace``: stdout as
        ``Infof``, stderr as ``Infoerrf``). Each answer arrived after what the provider printed
        before answering, so :meth:`ProviderServer.drain` reads it all (the CLI waits for the
        plugin's pipes to close: ``plugin.go: Plugin.Close``)."""
        for server, start in self.servers:
            server.drain()
            self.result.diagnostics += [
                Diagnostic(line.rstrip("\r\n"), STDOUT if stream == "stdout" else STDERR)
                for stream, line in server.output[start:]
                if line.strip()  # runtrace: blank lines are no message
            ]
        self.servers = []
