"""API credentials whose text form never shows the private key."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Credentials"]


@dataclass(frozen=True)
class Credentials:
    """A CompShare key pair. ``repr`` and ``str`` show the public key only."""

    public_key: str
    private_key: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.public_key or not self.private_key:
            raise ValueError("Credentials need both a public key and a private key")

    def __repr__(self) -> str:
        return f"Credentials(public_key={self.public_key!r}, private_key='***')"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Credentials are not picklable: they must never be stored in state")
