"""The emulator: protocol, actions, dialects, faults, stats, seeds and command line."""
