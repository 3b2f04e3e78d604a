"""OpenSSL's pass-phrase source syntax (``app_passwd`` in ``apps/lib/apps.c``, 3.0.19).

Sources: ``pass:TEXT``, ``env:VAR``, ``file:PATH`` (first line), ``fd:N`` (first line),
``stdin`` (first line).  Errors are reported with OpenSSL's exact messages.
"""

from __future__ import annotations

import os

from sclient.cli.numbers import atoi

#: OpenSSL's ``APP_PASS_LEN``: at most this many bytes minus one are read from a file/fd.
APP_PASS_LEN = 1024
#: ``PASS_SOURCE_SIZE_MAX``: the ':' must be within the first PASS_SOURCE_SIZE_MAX + 1 chars.
PASS_SOURCE_SIZE_MAX = 4


class PasswordSourceError(Exception):
    """A password source could not be read; ``text`` is what OpenSSL prints (newline-terminated)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _read_line(fd: int) -> str:
    """Read one line (BIO_gets semantics: at most APP_PASS_LEN - 1 bytes) from ``fd``."""
    data = bytearray()
    try:
        while len(data) < APP_PASS_LEN - 1:
            b = os.read(fd, 1)
            if not b:
                break
            data += b
            if b == b"\n":
                break
    except OSError:
        data = bytearray()
    if not data:
        raise PasswordSourceError("Error reading password from BIO\n")
    line = bytes(data)
    nl = line.find(b"\n")
    if nl >= 0:
        line = line[:nl]
    return os.fsdecode(line)


def read_password_source(arg: str) -> str:
    """Return the password described by ``arg`` or raise :class:`PasswordSourceError`."""
    if arg.startswith("pass:"):
        return arg[5:]
    if arg.startswith("env:"):
        name = arg[4:]
        value = os.environ.get(name)
        if value is None:
            raise PasswordSourceError(f"No environment variable {name}\n")
        return value
    if arg.startswith("file:"):
        path = arg[5:]
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            raise PasswordSourceError(f"Can't open file {path}\n") from None
        try:
            return _read_line(fd)
        finally:
            os.close(fd)
    if arg.startswith("fd:"):
        n = atoi(arg[3:])
        if n < 0:
            raise PasswordSourceError(f"Can't access file descriptor {arg[3:]}\n")
        return _read_line(n)
    if arg == "stdin":
        return _read_line(0)
    colon = arg.find(":")
    if colon < 0 or colon > PASS_SOURCE_SIZE_MAX:
        raise PasswordSourceError(
            "Invalid password argument, missing ':' within the first "
            f"{PASS_SOURCE_SIZE_MAX + 1} chars\n"
        )
    raise PasswordSourceError(f'Invalid password argument, starting with "{arg[: colon + 1]}"\n')
