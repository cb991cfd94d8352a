"""Test kit for CompShare Pulumi programs, usable offline.

- :mod:`pulumi_compshare.testing.engine`: drive dynamic providers through ``python -m
  pulumi.dynamic`` over gRPC the way the Pulumi engine does, and play whole programs
  (preview, up, refresh, destroy) without the Pulumi CLI.
- :mod:`pulumi_compshare.testing.fixtures`: pytest fixtures that run the CompShare emulator
  (``pytest_plugins = ["pulumi_compshare.testing.fixtures"]``).
"""
