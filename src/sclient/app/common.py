"""What the driver's modules share, so that none imports another to get it:
the ``Exit`` that ends the program with a status, the exceptions that leave
a connection (``Shut``, ``Reconnect``, ``DoneWaiting``), and ``opt`` to read an option."""

from __future__ import annotations

from typing import Any

__all__ = ["DoneWaiting", "Exit", "Reconnect", "Shut", "opt"]


class Exit(Exception):
    """Stop the program with ``status``; everything to print was printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def opt(options: Any, name: str, default: Any = None) -> Any:
    """An option's value, tolerant of parsers that leave unset options out."""
    value = getattr(options, name, default)
    return default if value is None else value


class Shut(Exception):
    """Leave the connection through s_client's ``shut:`` path with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class DoneWaiting(Exception):
    """-reconnect: the server ended the connection while its tickets were awaited."""


class Reconnect(Exception):
    """-reconnect: drop this connection and make the next one."""
