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

from sclient.base import der, pem
from sclient.tls.registry import protocol as P
from sclient.tls.session import Session

__all__ = ["PEM_LABEL", "SessionFileError", "decode", "encode", "from_pem", "to_pem"]

PEM_LABEL = "SSL SESSION PARAMETERS"
_ASN1_VERSION = 1
_FLAG_EXTMS = 1
_MAX_SESSION_ID = 32
_MAX_MASTER_KEY = 64  # TLS13_MAX_RESUMPTION_PSK_LENGTH


class SessionFileError(ValueError):
    """Not a session OpenSSL would read."""


# --- DER (sclient.base.der) ----------------------------------------------------------


def _octets(b: bytes) -> bytes:
    return der.encode(der.OCTET_STRING, b)


def _explicit(n: int, inner: bytes) -> bytes:
    return der.encode(0xA0 | n, inner)


# --- encode ------------------------------------------------------------------------------


def encode(session: Session) -> bytes:
    """i2d_SSL_SESSION."""
    suite = session.cipher_suite or 0
    parts = [
        der.encode_int(_ASN1_VERSION),
        der.encode_int(session.version),
        _octets((suite & 0xFFFF).to_bytes(2, "big")),
        _octets(session.session_id),
        _octets(session.master_key),
    ]
    if session.start_time:
        parts.append(_explicit(1, der.encode_int(session.start_time)))
    if session.timeout:
        parts.append(_explicit(2, der.encode_int(session.timeout)))
    if session.peer_certificate:
        parts.append(_explicit(3, session.peer_certificate))
    parts.append(_explicit(4, _octets(session.session_id_context)))
    if session.verify_result:
        parts.append(_explicit(5, der.encode_int(session.verify_result)))
    if session.server_name is not None:
        parts.append(_explicit(6, _octets(session.server_name.encode("utf-8", "surrogateescape"))))
    if session.psk_identity_hint is not None:
        parts.append(_explicit(7, _octets(session.psk_identity_hint)))
    if session.psk_identity is not None:
        parts.append(_explicit(8, _octets(session.psk_identity)))
    if session.ticket_lifetime_hint:
        parts.append(_explicit(9, der.encode_int(session.ticket_lifetime_hint)))
    if session.ticket:
        parts.append(_explicit(10, _octets(session.ticket)))
    if session.compression:
        parts.append(_explicit(11, _octets(bytes((session.compression & 0xFF,)))))
    if session.srp_username is not None:
        parts.append(_explicit(12, _octets(session.srp_username)))
    if session.extended_master_secret:
        parts.append(_explicit(13, der.encode_int(_FLAG_EXTMS)))
    if session.ticket_age_add:
        parts.append(_explicit(14, der.encode_int(session.ticket_age_add)))
    if session.max_early_data:
        parts.append(_explicit(15, der.encode_int(session.max_early_data)))
    if session.alpn is not None:
        parts.append(_explicit(16, _octets(session.alpn)))
    parts.append(_explicit(19, der.encode_int(session.group or 0)))
    if session.peer_rpk is not None:  # OpenSSL 3.2+: [20] the i2d_PUBKEY of peer_rpk
        parts.append(_explicit(20, _octets(session.peer_rpk)))
    return der.encode(der.SEQUENCE, b"".join(parts))


def to_pem(session: Session) -> bytes:
    """PEM_write_bio_SSL_SESSION: base64 in lines of 64."""
    return pem.encode(PEM_LABEL, encode(session)).encode("ascii")


# --- decode ------------------------------------------------------------------------------


def decode(data: bytes, now: int) -> Session:
    """d2i_SSL_SESSION. ``now`` replaces an absent or zero time."""
    try:
        return _decode(data, now)
    except der.DERError as e:
        raise SessionFileError(str(e)) from None


def _decode(data: bytes, now: int) -> Session:
    # OpenSSL ignores what follows the SEQUENCE
    top = der.parse(data, allow_trailing=True)
    if top.tag != der.SEQUENCE:
        raise SessionFileError("not a SEQUENCE")
    fields = [(t.tag, t.content) for t in top.children()]
    if len(fields) < 5 or [t for t, _ in fields[:2]] != [der.INTEGER, der.INTEGER]:
        raise SessionFileError("missing fields")
    if any(t != der.OCTET_STRING for t, _ in fields[2:5]):
        raise SessionFileError("missing fields")
    if der.decode_int(fields[0][1]) != _ASN1_VERSION:
        raise SessionFileError("unknown version")
    version = der.decode_int(fields[1][1])
    if version >> 8 not in (3, 0xFE) and version != P.DTLS1_BAD:
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
        inner = der.parse(content)  # DERError("trailing data") past the one element
        tagged[n] = content if n == 3 else inner.content

    def integer(n: int) -> int:
        return der.decode_int(tagged[n]) if n in tagged else 0

    def string(n: int) -> bytes | None:
        return tagged.get(n)

    host = string(6)
    comp_id = string(11)
    if comp_id is not None and len(comp_id) != 1:
        raise SessionFileError("bad length")
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
        peer_rpk=string(20),
        group=integer(19) or None,
        psk_identity=string(8),
        psk_identity_hint=string(7),
        compression=comp_id[0] if comp_id else 0,
        srp_username=string(12),
    )
    return session


def from_pem(data: bytes, now: int) -> Session:
    """PEM_read_bio_SSL_SESSION: the first ``SSL SESSION PARAMETERS`` block."""
    try:
        blocks = [b.data for b in pem.read_blocks(data) if b.name == PEM_LABEL]
    except pem.PemError as e:
        raise SessionFileError(e.reason) from None
    if not blocks:
        raise SessionFileError("no start line")
    return decode(blocks[0], now)
