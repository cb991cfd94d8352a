"""The client layer: the typed client, its send path and its reading of answers."""
