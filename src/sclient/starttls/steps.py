"""The vocabulary of a STARTTLS dialogue (starttls.md §1).

A dialogue is a generator: it yields :data:`Step` records and gets back what
each step produced; it returns an :class:`Outcome`. It never touches a socket,
so the same dialogue runs under the program's driver (``app/starttls.py``) and
under unit tests that feed it scripted bytes.

The two read primitives are OpenSSL's:

* :class:`ReadLine` is ``BIO_gets`` on a temporary buffering layer: one line
  including its ``\\n`` (at most 8191 bytes); ``b""`` at EOF or on an error
  (OpenSSL's length 0 or -1, which every caller treats alike). The layer may
  read ahead; :class:`DropBuffer` removes it and the read-ahead is lost.
* :class:`ReadChunk` is ``BIO_read`` on the socket: one ``recv`` of up to
  8192 bytes; ``b""`` at EOF, ``None`` on a read error.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Literal

from sclient.base.structs import Struct

#: ``BUFSIZZ`` of apps/s_client.c: the size of its scratch buffers.
BUFSIZZ = 8192


class Send(Struct, frozen=True, slots=True):
    """Write ``data`` to the server (through the buffering layer if present)."""

    data: bytes


class ReadLine(Struct, frozen=True, slots=True):
    """``BIO_gets(fbio, mbuf, BUFSIZZ)``; the reply is the line (bytes)."""


class ReadChunk(Struct, frozen=True, slots=True):
    """``BIO_read(sbio, buf, BUFSIZZ)``; the reply is bytes, or None on error."""


class DropBuffer(Struct, frozen=True, slots=True):
    """``BIO_pop`` + ``BIO_free`` of the buffering layer: read-ahead is discarded."""


class WaitReadable(Struct, frozen=True, slots=True):
    """True at once if the buffering layer holds bytes, else wait up to
    ``timeout`` seconds for the socket to become readable; the reply is a bool."""

    timeout: float


class Message(Struct, frozen=True, slots=True):
    """Bytes for stderr (OpenSSL's diagnostics quote server bytes verbatim)."""

    data: bytes


Step = Send | ReadLine | ReadChunk | DropBuffer | WaitReadable | Message
Reply = bytes | bool | None

Status = Literal["ok", "shut", "end"]
OK: Status = "ok"
#: stop through s_client's ``shut:`` label: the summary block, exit 1
SHUT: Status = "shut"
#: stop through ``end:``: no summary, exit 1
END: Status = "end"


class Outcome(Struct, frozen=True, slots=True):
    """How a dialogue ended.

    ``residue`` is what s_client writes to stderr after the handshake (the first
    ``mbuf_len`` bytes of its scratch buffer, output.md §3); ``offered`` says
    whether the server announced or accepted STARTTLS (None: not checked)."""

    status: Status
    residue: bytes = b""
    offered: bool | None = None


Dialogue = Generator[Step, Reply, Outcome]


class Context(Struct, frozen=True, slots=True):
    """What a dialogue needs from the command line: ``-name``/``-xmpphost``
    (None if not given) and the host part of the target."""

    protohost: str | None
    host: str


# --- helpers for dialogues: ``x = yield from read_line()`` -----------------------


def send(data: bytes) -> Generator[Step, Reply, None]:
    yield Send(data)


def message(text: bytes | str) -> Generator[Step, Reply, None]:
    yield Message(text.encode("latin-1") if isinstance(text, str) else text)


def read_line() -> Generator[Step, Reply, bytes]:
    r = yield ReadLine()
    return r if isinstance(r, bytes) else b""


def read_chunk() -> Generator[Step, Reply, bytes | None]:
    r = yield ReadChunk()
    return r if isinstance(r, bytes) else None


def drop_buffer() -> Generator[Step, Reply, None]:
    yield DropBuffer()


def wait_readable(timeout: float) -> Generator[Step, Reply, bool]:
    r = yield WaitReadable(timeout)
    return bool(r)


# --- C string semantics ----------------------------------------------------------


def cstr(data: bytes) -> bytes:
    """``data`` as C's string functions see it: up to the first NUL."""
    nul = data.find(b"\0")
    return data if nul < 0 else data[:nul]


def upper(data: bytes) -> bytes:
    """``toupper`` on each byte in the C locale (``bytes.upper`` changes ASCII only)."""
    return data.upper()
