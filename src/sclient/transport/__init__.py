"""Sockets, the HTTP CONNECT proxy, stdin and the clock: the only I/O of sclient (level 4).

:mod:`.tcp` (``-connect``/``-4``/``-6``/``-bind``, unix sockets), :mod:`.proxy`
(``-proxy`` HTTP CONNECT), :mod:`.clock`. May import ``base``, the rooms of
level 3 and ``report.errors`` (the error-queue lines a failed connect
prints); never ``app`` or ``cli``. A UDP socket for DTLS, or SOCKS5, goes
here; the protocol on top of it does not.
"""
