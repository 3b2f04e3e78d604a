"""Sockets, the HTTP CONNECT proxy, stdin and the clock: the only I/O of sclient."""
