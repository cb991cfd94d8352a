"""The CompShare API as data: wire protocol (flattening, signing), RetCodes and models.

Everything else in the package (client, emulator, resources) builds on this layer; it imports
nothing from them.
"""
