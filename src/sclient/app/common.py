"""What the driver's modules share, so that none imports another to get it:
the ``Exit`` that ends the program with a status, the exceptions that
leave a connection (``Shut``, ``Reconnect``, ``DoneWaiting``), and
``resume_collection``."""

from __future__ import annotations

import gc

__all__ = ["DoneWaiting", "Exit", "Reconnect", "Shut", "resume_collection"]


def resume_collection() -> None:
    """Connected: if the ``sclient`` command paused the garbage collector for
    start-up, freeze what start-up built (it lives until exit) and collect
    again for the session's own garbage, however long it runs."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class Exit(Exception):
    """Stop the program with ``status``; everything to print was printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Shut(Exception):
    """Leave the connection through s_client's ``shut:`` path with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class DoneWaiting(Exception):
    """-reconnect: the server ended the connection while its tickets were awaited."""


class Reconnect(Exception):
    """-reconnect: drop this connection and make the next one."""
