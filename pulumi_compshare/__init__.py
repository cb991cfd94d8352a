"""pulumi-compshare: CompShare (UCloud GPU cloud) teams, memberships and image sharing as Pulumi
dynamic resources."""

from ._version import __version__

__all__ = ["__version__"]
