"""The api layer: wire protocol and models."""
