"""PEM as OpenSSL reads and writes it.

``read_blocks`` follows ``PEM_read_bio_ex``: a block starts at a line
``-----BEGIN <name>-----``, may carry RFC 1421 headers (a first line with a
colon, up to a blank line), and ends at ``-----END <name>-----``; the body is
base64 (whitespace ignored). Failures are :class:`PemError` with OpenSSL's
reason (``bad end line``, ``bad base64 decode``).

``armoured`` finds whole blocks (BEGIN line to matching END line, headers
and all) for the loaders that hand the armour to ``cryptography`` (private
keys, whose legacy encryption lives in the headers; certificates of
``-cert``/``-CAfile`` lists); text that is not a complete block is skipped.

``encode`` is ``PEM_write_bio``: 64-character lines.
"""

from __future__ import annotations

import binascii
import functools
import re

from sclient.base.structs import Struct

_BEGIN = b"-----BEGIN "
_DASHES = b"-----"


def _begin_name(line: bytes) -> bytes | None:
    """The label of a ``-----BEGIN <label>-----`` line (a line holds no newline)."""
    if len(line) >= 16 and line.startswith(_BEGIN) and line.endswith(_DASHES):
        return line[11:-5]
    return None


@functools.cache
def _armoured() -> re.Pattern[bytes]:
    # compiled when first needed: a connection reads its PEM files line by line
    return re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)


class PemError(ValueError):
    def __init__(self, reason: str, func: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.func = func
        self.line = line


class PemBlock(Struct, frozen=True, slots=True):
    name: str
    data: bytes


def _lines(data: bytes) -> list[bytes]:
    out = []
    for raw in data.split(b"\n"):
        out.append(raw.rstrip(b"\r\t \x0b\x0c"))
    return out


def read_blocks(data: bytes) -> list[PemBlock]:
    """All PEM blocks in ``data`` (text outside blocks is skipped)."""
    lines = _lines(data)
    blocks = []
    i = 0
    n = len(lines)
    while i < n:
        name = _begin_name(lines[i])
        i += 1
        if name is None:
            continue
        end_line = b"-----END " + name + b"-----"
        body: list[bytes] = []
        # headers: only if the first line has a colon
        if i < n and b":" in lines[i] and lines[i] != end_line:
            while i < n and lines[i] != b"":
                if lines[i].startswith(b"-----END "):
                    raise PemError("bad end line", "get_header_and_data", 828)
                i += 1
            i += 1
        while True:
            if i >= n:
                raise PemError("bad end line", "get_header_and_data", 828)
            line = lines[i]
            i += 1
            if line.startswith(b"-----"):
                if line != end_line:
                    raise PemError("bad end line", "get_header_and_data", 828)
                break
            body.append(line)
        b64 = b"".join(body).translate(None, b" \t\r\n\x0b\x0c")
        try:
            decoded = binascii.a2b_base64(b64, strict_mode=True) if b64 else b""
        except (binascii.Error, ValueError):
            raise PemError("bad base64 decode", "PEM_read_bio_ex", 966) from None
        blocks.append(PemBlock(name.decode("latin-1"), decoded))
    return blocks


def armoured(data: bytes) -> list[tuple[bytes, bytes]]:
    """(label, the block's text from ``-----BEGIN`` to the end of ``-----END <label>-----``)
    for each complete block in ``data``."""
    return [(m.group(1), m.group(0)) for m in _armoured().finditer(data)]


def encode(name: str, data: bytes) -> str:
    """``PEM_write_bio``: BEGIN line, base64 in 64-character lines, END line."""
    b64 = binascii.b2a_base64(data, newline=False).decode("ascii")
    body = "".join(b64[i : i + 64] + "\n" for i in range(0, len(b64), 64))
    return f"-----BEGIN {name}-----\n{body}-----END {name}-----\n"


def certificate_pem(der_bytes: bytes) -> str:
    """``PEM_write_bio_X509``: what ``-showcerts`` and ``Server certificate`` print."""
    return encode("CERTIFICATE", der_bytes)
