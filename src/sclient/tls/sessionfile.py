"""Sessions in OpenSSL's own form: the ``SSL SESSION PARAMETERS`` PEM block
around the DER of ``SSL_SESSION_ASN1`` (ssl/ssl_asn1.c, OpenSSL 3.0), so
``-sess_out`` files are read by ``openssl sess_id``/``s_client -sess_in``
and theirs by sclient.

``encode`` writes the fields OpenSSL 3.0 writes, in its order and with its
omissions (zero integers of the ``Z`` types, absent strings); ``decode``
applies d2i_SSL_SESSION's checks and defaults and raises
:class:`SessionFileError` for anything else.
"""

from __future__ import annotations

import base64
import binascii

from sclient.tls.session import Session

__all__ = ["PEM_LABEL", "SessionFileError", "decode", "encode", "from_pem", "to_pem"]

PEM_LABEL = "SSL SESSION PARAMETERS"
_ASN1_VERSION = 1
_FLAG_EXTMS = 1
_MAX_SESSION_ID = 32
_MAX_MASTER_KEY = 64  # TLS13_MAX_RESUMPTION_PSK_LENGTH


class SessionFileError(ValueError):
    """Not a session OpenSSL would read."""


# --- DER ------------------------------------------------------------------------------


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _len(len(content)) + content


def _int(v: int) -> bytes:
    raw = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True)
    return _tlv(0x02, raw)


def _octets(b: bytes) -> bytes:
    return _tlv(0x04, b)


def _explicit(n: int, inner: bytes) -> bytes:
    return _tlv(0xA0 | n, inner)


def _read(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """(tag, content, next position)."""
    if pos + 2 > len(data):
        raise SessionFileError("truncated")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise SessionFileError("high tag number")
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise SessionFileError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    end = pos + length
    if end > len(data):
        raise SessionFileError("truncated")
    return tag, data[pos:end], end


def _parse_int(content: bytes) -> int:
    if not content:
        raise SessionFileError("empty INTEGER")
    return int.from_bytes(content, "big", signed=True)


# --- encode ------------------------------------------------------------------------------


def encode(session: Session) -> bytes:
    """i2d_SSL_SESSION."""
    suite = session.cipher_suite or 0
    parts = [
        _int(_ASN1_VERSION),
        _int(session.version),
        _octets((suite & 0xFFFF).to_bytes(2, "big")),
        _octets(session.session_id),
        _octets(session.master_key),
    ]
    if session.start_time:
        parts.append(_explicit(1, _int(session.start_time)))
    if session.timeout:
        parts.append(_explicit(2, _int(session.timeout)))
    if session.peer_certificate:
        parts.append(_explicit(3, session.peer_certificate))
    parts.append(_explicit(4, _octets(session.session_id_context)))
    if session.verify_result:
        parts.append(_explicit(5, _int(session.verify_result)))
    if session.server_name is not None:
        parts.append(_explicit(6, _octets(session.server_name.encode("utf-8", "surrogateescape"))))
    if session.psk_identity_hint is not None:
        parts.append(_explicit(7, _octets(session.psk_identity_hint)))
    if session.psk_identity is not None:
        parts.append(_explicit(8, _octets(session.psk_identity)))
    if session.ticket_lifetime_hint:
        parts.append(_explicit(9, _int(session.ticket_lifetime_hint)))
    if session.ticket:
        parts.append(_explicit(10, _octets(session.ticket)))
    if session.extended_master_secret:
        parts.append(_explicit(13, _int(_FLAG_EXTMS)))
    if session.ticket_age_add:
        parts.append(_explicit(14, _int(session.ticket_age_add)))
    if session.max_early_data:
        parts.append(_explicit(15, _int(session.max_early_data)))
    if session.alpn is not None:
        parts.append(_explicit(16, _octets(session.alpn)))
    parts.append(_explicit(19, _int(session.group or 0)))
    return _tlv(0x30, b"".join(parts))


def to_pem(session: Session) -> bytes:
    """PEM_write_bio_SSL_SESSION: base64 in lines of 64."""
    b64 = base64.b64encode(encode(session)).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    body = "".join(line + "\n" for line in lines)
    return f"-----BEGIN {PEM_LABEL}-----\n{body}-----END {PEM_LABEL}-----\n".encode("ascii")


# --- decode ------------------------------------------------------------------------------


def decode(der: bytes, now: int) -> Session:
    """d2i_SSL_SESSION. ``now`` replaces an absent or zero time."""
    tag, body, end = _read(der, 0)
    if tag != 0x30:
        raise SessionFileError("not a SEQUENCE")
    fields: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(body):
        t, content, pos = _read(body, pos)
        fields.append((t, content))
    if len(fields) < 5 or [t for t, _ in fields[:2]] != [0x02, 0x02]:
        raise SessionFileError("missing fields")
    if any(t != 0x04 for t, _ in fields[2:5]):
        raise SessionFileError("missing fields")
    if _parse_int(fields[0][1]) != _ASN1_VERSION:
        raise SessionFileError("unknown version")
    version = _parse_int(fields[1][1])
    if version >> 8 not in (3, 0xFE) and version != 0x0100:
        raise SessionFileError("unsupported ssl version")
    cipher, session_id, master = fields[2][1], fields[3][1], fields[4][1]
    if len(cipher) != 2:
        raise SessionFileError("cipher code wrong length")
    if len(session_id) > _MAX_SESSION_ID or len(master) > _MAX_MASTER_KEY:
        raise SessionFileError("bad length")
    tagged: dict[int, bytes] = {}
    last = -1
    for t, content in fields[5:]:
        if t == 0x80:  # [0] IMPLICIT keyArg: ignored
            continue
        if t & 0xE0 != 0xA0:
            raise SessionFileError("unexpected field")
        n = t & 0x1F
        if n <= last:
            raise SessionFileError("fields out of order")
        last = n
        _, inner, stop = _read(content, 0)
        if stop != len(content):
            raise SessionFileError("trailing data")
        tagged[n] = content if n == 3 else inner

    def integer(n: int) -> int:
        return _parse_int(tagged[n]) if n in tagged else 0

    def string(n: int) -> bytes | None:
        return tagged.get(n)

    host = string(6)
    session = Session(
        version=version,
        cipher_suite=int.from_bytes(cipher, "big"),
        session_id=session_id,
        master_key=master,
        session_id_context=string(4) or b"",
        ticket=string(10) or b"",
        ticket_lifetime_hint=integer(9),
        ticket_age_add=integer(14) & 0xFFFFFFFF,
        max_early_data=integer(15),
        start_time=integer(1) or now,
        timeout=integer(2) if 2 in tagged else 3,
        verify_result=integer(5),
        extended_master_secret=bool(integer(13) & _FLAG_EXTMS),
        alpn=string(16),
        server_name=host.decode("utf-8", "surrogateescape") if host is not None else None,
        peer_certificate=string(3),
        group=integer(19) or None,
        psk_identity=string(8),
        psk_identity_hint=string(7),
    )
    del end  # OpenSSL ignores what follows the SEQUENCE
    return session


def from_pem(data: bytes, now: int) -> Session:
    """PEM_read_bio_SSL_SESSION: the first ``SSL SESSION PARAMETERS`` block."""
    begin = f"-----BEGIN {PEM_LABEL}-----".encode("ascii")
    endl = f"-----END {PEM_LABEL}-----".encode("ascii")
    start = data.find(begin)
    if start < 0:
        raise SessionFileError("no start line")
    stop = data.find(endl, start)
    if stop < 0:
        raise SessionFileError("bad end line")
    text = b"".join(data[start + len(begin) : stop].split())
    try:
        der = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SessionFileError("bad base64 decode") from None
    return decode(der, now)
