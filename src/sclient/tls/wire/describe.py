"""Handshake messages, extensions and record headers as trees of named fields.

One place says what every field of a message is called and how its value
reads: ``describe_handshake`` turns a message's bytes (4-byte header
included) into a :class:`Field` tree, ``describe_record`` does the same for
a record header, ``describe_alert`` and ``describe_ccs`` for those records'
contents. ``report.trace`` renders the tree as OpenSSL's ``SSL_trace`` text
(``-trace``, output.md §15) and :func:`fields_json` gives the same tree as
JSON for the ``-json`` document.

The decoding follows what OpenSSL 3.0's trace decodes and how it falls back:
names come from the registries in ``tls.registry`` (``UNKNOWN`` when a value
has no row), extensions it does not decode become a hex dump, and a message
that does not parse ends with a :class:`Field` of kind ``"error"`` after the
fields that did (``Message length parse error!``).

Layout facts live in each field: ``step`` is how far its line is indented
from its parent's, ``kind`` says how the line is drawn (``"line"`` text,
``"dump"`` a ``BIO_dump_indent`` of ``value``, ``"cert"``/``"dn"`` a
certificate's or name's text after the line, ``"abs"`` text at column 0,
``"pad"`` only the indent (what follows goes on that line), ``"alert"`` one
line whose children only name its parts, ``"group"`` no line of its own).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from sclient.base.structs import Struct
from sclient.tls.registry import (
    alerts,
    extensions,
    groups,
    protocol,
    sigschemes,
    suites,
)

__all__ = [
    "Context",
    "Field",
    "Tracker",
    "describe_alert",
    "describe_ccs",
    "describe_handshake",
    "describe_record",
    "fields_json",
    "keyex_name",
]


class Field(Struct, frozen=True, slots=True):
    """One named field: ``name`` is its wire name, ``value`` the decoded value
    (int, str, bytes or None), ``text`` the line shown for it."""

    name: str
    value: Any = None
    text: str | None = None
    children: tuple[Field, ...] = ()
    step: int = 2
    kind: str = "line"


class Context(Struct, slots=True):
    """What the decoding of a message depends on beyond its bytes."""

    #: the message came from the server (OpenSSL's ``server`` argument)
    from_server: bool = False
    #: the connection is TLS 1.3 (``SSL_CONNECTION_IS_TLS13``)
    tls13: bool = False
    #: signature algorithm fields are present (TLS 1.2 and later)
    sigalgs: bool = True
    #: the key exchange of the negotiated suite, OpenSSL's trace word
    keyex: str = "UNKNOWN"
    #: the record version of the connection (``SSL3`` changes the RSA CKE)
    version: int = protocol.TLS1_2
    #: DTLS: 12-byte message headers, the ClientHello's cookie
    dtls: bool = False
    #: RFC 7250: a raw public key was negotiated for the server's / the
    #: client's Certificate (``ext.server_cert_type`` / ``client_cert_type``)
    server_rpk: bool = False
    client_rpk: bool = False


class _Short(Exception):
    """The message is shorter than its fields say (OpenSSL's parse error)."""


class _Cur:
    def __init__(self, data: bytes) -> None:
        self.d = data
        self.p = 0

    @property
    def left(self) -> int:
        return len(self.d) - self.p

    def take(self, n: int) -> bytes:
        if self.left < n:
            raise _Short
        b = self.d[self.p : self.p + n]
        self.p += n
        return b

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")

    def vec(self, n: int) -> bytes:
        return self.take(self.uint(n))

    def rest(self) -> bytes:
        return self.take(self.left)


# ------------------------------------------------------------------ names


def version_name(v: int) -> str:
    if v == protocol.DTLS1_2:  # the trace knows it, s_client's -msg does not
        return "DTLS 1.2"
    return protocol.VERSION_TRACE_NAMES.get(v, "UNKNOWN")


def suite_name(code: int) -> str:
    if code in (suites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV, suites.TLS_FALLBACK_SCSV):
        return suites.iana_name(code)
    s = suites.BY_CODE.get(code)
    return s.iana if s else suites.TRACE_ONLY_NAMES.get(code, "UNKNOWN")


def group_name(code: int) -> str:
    g = groups.BY_CODE.get(code)
    return g.trace if g else groups.TRACE_ONLY_NAMES.get(code, "UNKNOWN")


def sigalg_name(code: int) -> str:
    s = sigschemes.BY_CODE.get(code)
    return s.iana if s else sigschemes.TRACE_ONLY_NAMES.get(code, "UNKNOWN")


def extension_name(code: int) -> str:
    e = extensions.BY_CODE.get(code)
    return e.trace if e else "UNKNOWN"


def content_name(code: int) -> str:
    return protocol.CONTENT_TYPE_NAMES.get(code, "UNKNOWN") if code != 24 else "UNKNOWN"


def message_name(code: int) -> str:
    return protocol.HANDSHAKE_NAMES.get(code, "UNKNOWN")


_COMPRESSION = {0: "No Compression", 1: "Zlib Compression"}
_POINT_FORMATS = {
    0: "uncompressed",
    1: "ansiX962_compressed_prime",
    2: "ansiX962_compressed_char2",
}
_MFL = {
    0: "disabled",
    1: "max_fragment_length := 2^9 (512 bytes)",
    2: "max_fragment_length := 2^10 (1024 bytes)",
    3: "max_fragment_length := 2^11 (2048 bytes)",
    4: "max_fragment_length := 2^12 (4096 bytes)",
}
_CERT_TYPES = {
    1: "rsa_sign",
    2: "dss_sign",
    3: "rsa_fixed_dh",
    4: "dss_fixed_dh",
    5: "rsa_ephemeral_dh",
    6: "dss_ephemeral_dh",
    20: "fortezza_dms",
    64: "ecdsa_sign",
    65: "rsa_fixed_ecdh",
    66: "ecdsa_fixed_ecdh",
    67: "gost_sign256",
    68: "gost_sign512",
}
_PSK_MODES = {0: "psk_ke", 1: "psk_dhe_ke"}
_KEY_UPDATE = {0: "update_not_requested", 1: "update_requested"}

#: suite key-exchange column -> OpenSSL's ``KeyExchangeAlgorithm=`` word
_KEYEX = {
    "RSA": "rsa",
    "DH": "DHE",
    "ECDH": "ECDHE",
    "PSK": "PSK",
    "RSAPSK": "RSAPSK",
    "DHEPSK": "DHEPSK",
    "ECDHEPSK": "ECDHEPSK",
    "SRP": "SRP",
}


def keyex_name(suite: int) -> str:
    """The ``KeyExchangeAlgorithm=`` word of a TLS 1.2 suite."""
    s = suites.BY_CODE.get(suite)
    return _KEYEX.get(s.kx, "UNKNOWN") if s else "UNKNOWN"


# ------------------------------------------------------------------ building blocks


def _line(
    name: str, value: Any, text: str, step: int = 2, children: tuple[Field, ...] = ()
) -> Field:
    return Field(name, value, text, children, step)


def _hex(name: str, data: bytes, step: int = 2, label: str | None = None) -> Field:
    """``ssl_print_hex``: ``name (len=N): HEX``."""
    return Field(
        name,
        bytes(data),
        f"{label or name} (len={len(data)}): {data.hex().upper()}",
        (),
        step,
    )


def _pad(step: int) -> Field:
    """The indent OpenSSL writes before it finds the bytes short: the parse
    error message then follows on that line."""
    return Field("indent", None, "", (), step, "pad")


def _dump(name: str, data: bytes, step: int = 2) -> Field:
    return Field(name, bytes(data), None, (), step, "dump")


def _listed(
    name: str, data: bytes, width: int, table: Callable[[int], str], step: int = 2
) -> list[Field]:
    """``ssl_trace_list``: one ``<name> (<n>)`` line per value."""
    if len(data) % width:
        raise _Short
    out = []
    for i in range(0, len(data), width):
        v = int.from_bytes(data[i : i + width], "big")
        out.append(_line(name, v, f"{table(v)} ({v})", step))
    return out


def _table(t: dict[int, str]) -> Callable[[int], str]:
    return lambda v: t.get(v, "UNKNOWN")


def _random(c: _Cur) -> Field:
    r = c.take(32)
    return _line(
        "random",
        r,
        "Random:",
        children=(
            _line(
                "gmt_unix_time",
                int.from_bytes(r[:4], "big"),
                f"gmt_unix_time=0x{r[:4].hex().upper()}",
            ),
            _hex("random_bytes", r[4:]),
        ),
    )


def _version(c: _Cur, name: str) -> tuple[int, Field]:
    v = c.uint(2)
    return v, _line(name, v, f"{name}=0x{v:x} ({version_name(v)})")


def _sigalg(code: int, step: int = 2) -> Field:
    return _line("signature_scheme", code, f"{sigalg_name(code)} (0x{code:04x})", step)


# ------------------------------------------------------------------ extensions


#: 1.1.1's ssl_hb_tbl.
_HEARTBEAT_MODES = {1: "peer_allowed_to_send", 2: "peer_not_allowed_to_send"}


def _ext_body(code: int, data: bytes, ctx: Context, mt: int) -> list[Field]:
    """The decoded body of one extension; raises _Short where OpenSSL gives up."""
    c = _Cur(data)
    server = ctx.from_server
    n = len(data)
    if code == extensions.MAX_FRAGMENT_LENGTH:
        if n < 1:
            raise _Short
        return _listed("max_fragment_length", data, 1, _table(_MFL))
    if code == extensions.HEARTBEAT:  # 1.1.1's trace (3.0 has no heartbeats)
        if n != 1:
            raise _Short
        mode = _table(_HEARTBEAT_MODES)(data[0])
        return [_line("heartbeat_mode", data[0], f"HeartbeatMode: {mode}")]
    if code == extensions.EC_POINT_FORMATS:
        body = c.vec(1)
        if c.left:
            raise _Short
        return _listed("ec_point_format", body, 1, _table(_POINT_FORMATS))
    if code == extensions.SUPPORTED_GROUPS:
        body = c.vec(2)
        if c.left:
            raise _Short
        return _listed("named_group", body, 2, group_name)
    if code == extensions.ALPN:
        body = c.vec(2)
        if c.left:
            raise _Short
        out, p = [], _Cur(body)
        while p.left:
            # OpenSSL writes the bytes as they are (surrogateescape keeps them so)
            name = p.vec(1).decode("utf-8", "surrogateescape")
            out.append(_line("protocol_name", name, name))
        return out
    if code == extensions.SIGNATURE_ALGORITHMS:
        body = c.vec(2)
        if c.left or len(body) % 2:
            raise _Short
        return [_sigalg(int.from_bytes(body[i : i + 2], "big")) for i in range(0, len(body), 2)]
    if code == extensions.RENEGOTIATION_INFO:
        body = c.vec(1)
        if c.left:
            raise _Short
        if not body:
            return [_line("renegotiated_connection", b"", "<EMPTY>", 4)]
        if server:
            if len(body) % 2:
                raise _Short
            half = len(body) // 2
            return [
                _hex("client_verify_data", body[:half], 4),
                _hex("server_verify_data", body[half:], 4),
            ]
        return [_hex("client_verify_data", body, 4)]
    if code == extensions.SESSION_TICKET:
        return [_hex("ticket", data, 4)] if data else []
    if code == extensions.KEY_SHARE:
        if server and n == 2:
            g = c.uint(2)
            return [_line("selected_group", g, f"NamedGroup: {group_name(g)} ({g})", 4)]
        if n < 2:
            raise _Short
        body = data if server else c.vec(2)
        if not server and c.left:
            raise _Short
        out, p = [], _Cur(body)
        while p.left:
            if p.left < 4:
                raise _Short
            g = p.uint(2)
            share = p.vec(2)
            out.append(
                Field(
                    "key_share_entry",
                    None,
                    None,
                    (
                        _line("group", g, f"NamedGroup: {group_name(g)} ({g})", 0),
                        _hex("key_exchange", share, 0, "key_exchange: "),
                    ),
                    4,
                    "group",
                )
            )
        return out
    if code == extensions.SUPPORTED_VERSIONS:
        if server:
            if n != 2:
                raise _Short
            v = c.uint(2)
            return [_line("selected_version", v, f"{version_name(v)} ({v})", 4)]
        body = c.vec(1)
        if c.left:
            raise _Short
        return _listed("version", body, 2, version_name)
    if code == extensions.PSK_KEY_EXCHANGE_MODES:
        body = c.vec(1)
        if c.left:
            raise _Short
        return _listed("psk_key_exchange_mode", body, 1, _table(_PSK_MODES))
    if code == extensions.COMPRESS_CERTIFICATE:  # OpenSSL 3.2+
        body = c.vec(1)
        if c.left:
            raise _Short
        from sclient.tls.registry import certcomp

        return _listed("certificate_compression_algorithm", body, 2, certcomp.trace_name)
    if code == extensions.EARLY_DATA:
        if mt != protocol.NEW_SESSION_TICKET:
            return []
        if n != 4:
            raise _Short
        v = c.uint(4)
        return [_line("max_early_data", v, f"max_early_data={v}")]
    return [_dump("extension_data", data)]


def _extension(code: int, data: bytes, ctx: Context, mt: int) -> tuple[Field, bool]:
    """One extension; the flag is False when its body did not parse."""
    head = f"extension_type={extension_name(code)}({code}), length={len(data)}"
    try:
        body, ok = _ext_body(code, data, ctx, mt), True
    except _Short:
        body, ok = [], False
    return Field(extension_name(code), bytes(data), head, tuple(body), 2), ok


def _extensions(c: _Cur, ctx: Context, mt: int, out: list[Field], step: int = 0) -> None:
    """``ssl_print_extensions`` at the parent's indent + ``step``; raises on a parse error."""
    if c.left == 0:
        out.append(_line("extensions", None, "No extensions", step))
        return
    if c.left < 2:
        out.append(_pad(step))
        raise _Short
    total = c.uint(2)
    if total == 0:
        out.append(_line("extensions", None, "No extensions", step))
        return
    if total > c.left:
        out.append(_pad(step))
        raise _Short
    block = _Cur(c.take(total))
    items: list[Field] = []
    head = Field("extensions", total, f"extensions, length = {total}", (), step)
    while block.left:
        if block.left < 4:
            out.append(Field(head.name, head.value, head.text, tuple(items), step))
            raise _Short
        code = block.uint(2)
        length = block.uint(2)
        if block.left < length:
            items.append(
                Field(
                    "extension",
                    code,
                    f"extensions, extype = {code}, extlen = {length}",
                    (),
                    0,
                    "abs",
                )
            )
            items.append(_dump("extensions", block.d[block.p - 4 :], 2))
            out.append(Field(head.name, head.value, head.text, tuple(items), step))
            raise _Short
        ext, ok = _extension(code, block.take(length), ctx, mt)
        items.append(ext)
        if not ok:
            out.append(Field(head.name, head.value, head.text, tuple(items), step))
            raise _Short
    out.append(Field(head.name, head.value, head.text, tuple(items), step))


# ------------------------------------------------------------------ messages


def _client_hello(c: _Cur, ctx: Context, out: list[Field]) -> None:
    out.append(_version(c, "client_version")[1])
    out.append(_random(c))
    out.append(_hex("session_id", c.vec(1)))
    if ctx.dtls:
        out.append(_hex("cookie", c.vec(1)))
    n = c.uint(2)
    head = f"cipher_suites (len={n})"
    if c.left < n or n % 2:
        out.append(_line("cipher_suites", n, head))
        raise _Short
    raw = c.take(n)
    out.append(
        _line(
            "cipher_suites",
            n,
            head,
            children=tuple(
                _line(
                    "cipher_suite",
                    int.from_bytes(raw[i : i + 2], "big"),
                    f"{{0x{raw[i]:02X}, 0x{raw[i + 1]:02X}}} "
                    + suite_name(int.from_bytes(raw[i : i + 2], "big")),
                )
                for i in range(0, n, 2)
            ),
        )
    )
    methods = c.vec(1)
    out.append(
        _line(
            "compression_methods",
            len(methods),
            f"compression_methods (len={len(methods)})",
            children=tuple(
                _line(
                    "compression_method",
                    m,
                    f"{_COMPRESSION.get(m, 'UNKNOWN')} (0x{m:02X})",
                )
                for m in methods
            ),
        )
    )
    _extensions(c, ctx, protocol.CLIENT_HELLO, out, 2)


def _server_hello(c: _Cur, ctx: Context, out: list[Field]) -> None:
    v, f = _version(c, "server_version")
    out.append(f)
    out.append(_random(c))
    if v != protocol.TLS1_3:
        out.append(_hex("session_id", c.vec(1)))
    cs = c.take(2)
    code = int.from_bytes(cs, "big")
    out.append(
        _line(
            "cipher_suite",
            code,
            f"cipher_suite {{0x{cs[0]:02X}, 0x{cs[1]:02X}}} {suite_name(code)}",
        )
    )
    if v != protocol.TLS1_3:
        m = c.uint(1)
        out.append(
            _line(
                "compression_method",
                m,
                f"compression_method: {_COMPRESSION.get(m, 'UNKNOWN')} (0x{m:02X})",
            )
        )
    _extensions(c, ctx, protocol.SERVER_HELLO, out, 2)


def _signature(c: _Cur, ctx: Context, out: list[Field]) -> None:
    if ctx.sigalgs:
        code = c.uint(2)
        out.append(
            _line(
                "algorithm",
                code,
                f"Signature Algorithm: {sigalg_name(code)} (0x{code:04x})",
            )
        )
    out.append(_hex("signature", c.vec(2), 2, "Signature"))


def _server_keyex(c: _Cur, ctx: Context, out: list[Field]) -> None:
    kx = ctx.keyex
    out.append(_line("key_exchange_algorithm", kx, f"KeyExchangeAlgorithm={kx}"))
    psk = "PSK" in kx
    if psk:
        out.append(_hex("psk_identity_hint", c.vec(2), 4))
    if kx == "rsa":
        out.append(_hex("rsa_modulus", c.vec(2), 4))
        out.append(_hex("rsa_exponent", c.vec(2), 4))
    elif kx in ("DHE", "DHEPSK"):
        for name in ("dh_p", "dh_g", "dh_Ys"):
            out.append(_hex(name, c.vec(2), 4))
    elif kx in ("ECDHE", "ECDHEPSK"):
        kind = c.uint(1)
        if kind == 1:
            out.append(_line("curve_type", kind, "explicit_prime", 4))
        elif kind == 2:
            out.append(_line("curve_type", kind, "explicit_char2", 4))
        elif kind == 3:
            g = c.uint(2)
            out.append(_line("named_curve", g, f"named_curve: {group_name(g)} ({g})", 4))
            out.append(_hex("point", c.vec(1), 4))
        else:
            out.append(_line("curve_type", kind, f"UNKNOWN CURVE PARAMETER TYPE {kind}", 4))
            raise _Short
    if not psk:
        # OpenSSL ignores a short signature here but then finds bytes left
        with contextlib.suppress(_Short):
            _signature(c, ctx, out)
    if c.left:
        raise _Short


def _client_keyex(c: _Cur, ctx: Context, out: list[Field]) -> None:
    kx = ctx.keyex
    out.append(_line("key_exchange_algorithm", kx, f"KeyExchangeAlgorithm={kx}"))
    if "PSK" in kx:
        out.append(_hex("psk_identity", c.vec(2), 4))
    if kx in ("rsa", "RSAPSK"):
        if ctx.version == protocol.SSL3:
            out.append(_hex("EncryptedPreMasterSecret", c.rest(), 4))
        else:
            out.append(_hex("EncryptedPreMasterSecret", c.vec(2), 4))
    elif kx in ("DHE", "DHEPSK"):
        out.append(_hex("dh_Yc", c.vec(2), 4))
    elif kx in ("ECDHE", "ECDHEPSK"):
        out.append(_hex("ecdh_Yc", c.vec(1), 4))
    if c.left:
        raise _Short


def _certificate(c: _Cur, ctx: Context, out: list[Field]) -> None:
    if ctx.tls13:
        out.append(_hex("context", c.vec(1)))
    total = c.uint(3)
    if c.left != total:
        raise _Short
    if ctx.server_rpk if ctx.from_server else ctx.client_rpk:
        _raw_public_key(c, ctx, out)
        return
    certs: list[Field] = []
    head = f"certificate_list, length={total}"
    try:
        while c.left:
            der = c.vec(3)
            certs.append(Field("cert_data", der, f"ASN.1Cert, length={len(der)}", (), 2, "cert"))
            if ctx.tls13:
                sub: list[Field] = []
                try:
                    _extensions(c, ctx, protocol.CERTIFICATE, sub, 2)
                finally:
                    certs.extend(sub)
    finally:
        out.append(Field("certificate_list", total, head, tuple(certs)))


def _raw_public_key(c: _Cur, ctx: Context, out: list[Field]) -> None:
    """``ssl_print_raw_public_key`` (OpenSSL 3.2+): the key's length and
    ``EVP_PKEY_print_public`` two columns in (the renderer's ``rpk`` kind),
    then, in TLS 1.3, the entry's extensions."""
    spki = c.vec(3) if ctx.tls13 else c.take(c.left)
    sub: list[Field] = []
    try:
        if ctx.tls13:
            _extensions(c, ctx, protocol.CERTIFICATE, sub, 2)
    finally:
        out.append(
            Field(
                "raw_public_key", spki, f"raw_public_key, length={len(spki)}", tuple(sub), 2, "rpk"
            )
        )


def _compressed_certificate(c: _Cur, ctx: Context, out: list[Field]) -> None:
    """OpenSSL 3.2+'s ``ssl_print_compressed_certificates`` in a build with
    zlib, brotli and zstd: the algorithm, both lengths and the ratio (a C
    float quotient), the compressed bytes, then the Certificate they expand
    to, at the same indent; an algorithm that build lacks (or a declared
    length of 0) is a parse error, a stream that does not expand to the
    declared length ends the message quietly."""
    import struct as _struct

    from sclient.tls import certcomp as codec
    from sclient.tls.registry import certcomp

    if c.left < 8:
        raise _Short
    alg = c.uint(2)
    uclen = c.uint(3)
    clen = c.uint(3)
    if c.left != clen:
        raise _Short
    data = c.rest()
    out.append(
        _line("algorithm", alg, f"Compression type={certcomp.trace_name(alg)} (0x{alg:04x})")
    )
    out.append(_line("uncompressed_length", uclen, f"Uncompressed length={uclen}"))
    if clen:
        ratio = _struct.unpack("f", _struct.pack("f", uclen / clen))[0]
        text = f"Compressed length={clen}, Ratio={ratio:f}:1"
    else:
        text = f"Compressed length={clen}, Ratio=unknown"
    out.append(_line("compressed_length", clen, text))
    out.append(_dump("compressed_certificate_message", data))
    if alg not in certcomp.BY_CODE or not codec.available((alg,)) or uclen == 0:
        raise _Short
    body = codec.decompress(alg, data, uclen)
    if body is None or len(body) != uclen:
        return
    _certificate(_Cur(body), ctx, out)


def _cert_request(c: _Cur, ctx: Context, out: list[Field]) -> None:
    if ctx.tls13:
        out.append(_hex("request_context", c.vec(1)))
        _extensions(c, ctx, protocol.CERTIFICATE_REQUEST, out, 2)
        return
    types = c.vec(1)
    out.append(
        _line(
            "certificate_types",
            len(types),
            f"certificate_types (len={len(types)})",
            2,
            tuple(_listed("certificate_type", types, 1, _table(_CERT_TYPES))),
        )
    )
    if ctx.sigalgs:
        algs = c.vec(2)
        if len(algs) % 2:
            raise _Short
        out.append(
            _line(
                "signature_algorithms",
                len(algs),
                f"signature_algorithms (len={len(algs)})",
                2,
                tuple(
                    _sigalg(int.from_bytes(algs[i : i + 2], "big")) for i in range(0, len(algs), 2)
                ),
            )
        )
    if c.left >= 2 and c.left < 2 + int.from_bytes(c.d[c.p : c.p + 2], "big"):
        out.append(_pad(2))  # OpenSSL indents, then finds the list short
    cas = c.vec(2)
    names: list[Field] = []
    p = _Cur(cas)
    try:
        while p.left:
            dn = p.vec(2)
            names.append(
                Field(
                    "distinguished_name",
                    dn,
                    f"DistinguishedName (len={len(dn)}): ",
                    (),
                    2,
                    "dn",
                )
            )
    finally:
        out.append(
            _line(
                "certificate_authorities",
                len(cas),
                f"certificate_authorities (len={len(cas)})",
                2,
                tuple(names),
            )
        )
    if c.left:
        raise _Short


def _ticket(c: _Cur, ctx: Context, out: list[Field]) -> None:
    if c.left == 0:
        out.append(_line("ticket", None, "No Ticket", 4))
        return
    life = c.uint(4)
    out.append(_line("ticket_lifetime_hint", life, f"ticket_lifetime_hint={life}", 4))
    if ctx.tls13:
        add = c.uint(4)
        out.append(_line("ticket_age_add", add, f"ticket_age_add={add}", 4))
        out.append(_hex("ticket_nonce", c.vec(1), 4))
    out.append(_hex("ticket", c.vec(2), 4))
    if ctx.tls13:
        _extensions(c, ctx, protocol.NEW_SESSION_TICKET, out, 4)
    if c.left:
        raise _Short


def _finished(c: _Cur, ctx: Context, out: list[Field]) -> None:
    out.append(_hex("verify_data", c.rest()))


def _empty(c: _Cur, ctx: Context, out: list[Field]) -> None:
    if c.left:
        out.append(_hex("unexpected value", c.rest()))


def _encrypted_extensions(c: _Cur, ctx: Context, out: list[Field]) -> None:
    _extensions(c, ctx, protocol.ENCRYPTED_EXTENSIONS, out, 2)


def _key_update(c: _Cur, ctx: Context, out: list[Field]) -> None:
    if c.left != 1:
        out.append(_hex("unexpected value", c.rest()))
        raise _Short
    out.extend(_listed("request_update", c.rest(), 1, _table(_KEY_UPDATE)))


def _cert_verify(c: _Cur, ctx: Context, out: list[Field]) -> None:
    _signature(c, ctx, out)


def _hello_verify(c: _Cur, ctx: Context, out: list[Field]) -> None:
    out.append(_version(c, "server_version")[1])
    out.append(_hex("cookie", c.vec(1)))


_BODIES: dict[int, Callable[[_Cur, Context, list[Field]], None]] = {
    protocol.CLIENT_HELLO: _client_hello,
    protocol.HELLO_VERIFY_REQUEST: _hello_verify,
    protocol.SERVER_HELLO: _server_hello,
    protocol.SERVER_KEY_EXCHANGE: _server_keyex,
    protocol.CLIENT_KEY_EXCHANGE: _client_keyex,
    protocol.CERTIFICATE: _certificate,
    protocol.COMPRESSED_CERTIFICATE: _compressed_certificate,
    protocol.CERTIFICATE_VERIFY: _cert_verify,
    protocol.CERTIFICATE_REQUEST: _cert_request,
    protocol.FINISHED: _finished,
    protocol.SERVER_HELLO_DONE: _empty,
    protocol.NEW_SESSION_TICKET: _ticket,
    protocol.ENCRYPTED_EXTENSIONS: _encrypted_extensions,
    protocol.KEY_UPDATE: _key_update,
}


def describe_handshake(raw: bytes, ctx: Context) -> Field:
    """One handshake message (4-byte header included, 12 bytes in DTLS) as
    its field tree."""
    hlen = 12 if ctx.dtls else 4
    if len(raw) < hlen:
        return Field("handshake", raw, None, (_error(),), 4, "group")
    mt = raw[0]
    length = int.from_bytes(raw[1:4], "big")
    out: list[Field] = []
    body = raw[hlen:]
    if ctx.dtls:
        seq = int.from_bytes(raw[4:6], "big")
        off = int.from_bytes(raw[6:9], "big")
        flen = int.from_bytes(raw[9:12], "big")
        text = f"message_seq={seq}, fragment_offset={off}, fragment_length={flen}"
        out.append(_line("dtls_header", seq, text, 0))
    ok = len(body) >= length
    if ok:
        fn = _BODIES.get(mt)
        if fn is None:
            out.append(_line("unsupported", None, "Unsupported, hex dump follows:"))
            out.append(_dump("body", body, 4))
        else:
            # OpenSSL parses all of the bytes it was given, with the body's
            # own indent (2 under the message line).
            sub: list[Field] = []
            try:
                fn(_Cur(body), ctx, sub)
            except _Short:
                ok = False
            out.extend(sub)
    if not ok:
        out.append(_error())
    return Field(message_name(mt), mt, f"{message_name(mt)}, Length={length}", tuple(out), 4)


def _error() -> Field:
    return Field("error", None, "Message length parse error!", (), 0, "abs")


def describe_record(raw: bytes, inner_type: int | None) -> Field:
    """A record header (and the TLS 1.3 inner content type)."""
    v = (raw[1] << 8) | raw[2]
    ct = raw[0]
    dtls = v >> 8 == 0xFE and len(raw) >= 13
    length = (raw[11] << 8) | raw[12] if dtls else (raw[3] << 8) | raw[4]
    kids = [_line("version", v, f"Version = {version_name(v)} (0x{v:x})")]
    if dtls:
        epoch = (raw[3] << 8) | raw[4]
        kids.append(_line("epoch", epoch, f"epoch={epoch}, sequence_number={raw[5:11].hex()}"))
    kids += [
        _line("content_type", ct, f"Content Type = {content_name(ct)} ({ct})"),
        _line("length", length, f"Length = {length}"),
    ]
    if inner_type is not None:
        kids.append(
            _line(
                "inner_content_type",
                inner_type,
                f"Inner Content Type = {content_name(inner_type)} ({inner_type})",
            )
        )
    return Field("record", None, "Header:", tuple(kids), 0)


def describe_alert(level: int, description: int) -> Field:
    lv = {1: "warning", 2: "fatal"}.get(level, "unknown")
    d = alerts.describe(description).trace
    return Field(
        "alert",
        None,
        f"Level={lv}({level}), description={d}({description})",
        (_line("level", level, lv, 0), _line("description", description, d, 0)),
        4,
        "alert",
    )


def describe_ccs(payload: bytes) -> Field:
    if payload == b"\x01":
        return _line("change_cipher_spec", 1, "change_cipher_spec (1)", 4)
    return _hex("unknown value", payload, 4)


# ------------------------------------------------------------------ context


class Tracker:
    """The decoding context as a connection's messages go by, read from the
    messages as OpenSSL's trace reads it from the connection: TLS 1.2 until
    the ServerHello settles the version and the key exchange."""

    def __init__(self) -> None:
        self.version = protocol.TLS1_2
        self.tls13 = False
        self.keyex = "UNKNOWN"
        #: DTLS (the trace saw a DTLS record).
        self.dtls = False
        #: RFC 7250: the types the ServerHello / EncryptedExtensions settled.
        self.server_rpk = False
        self.client_rpk = False

    def context(self, from_server: bool) -> Context:
        sigalgs = (
            self.version in (protocol.TLS1_2, protocol.DTLS1_2)
            if self.dtls
            else self.version >= protocol.TLS1_2
        )
        return Context(
            from_server=from_server,
            tls13=self.tls13,
            keyex=self.keyex,
            version=self.version,
            sigalgs=sigalgs,
            dtls=self.dtls,
            server_rpk=self.server_rpk,
            client_rpk=self.client_rpk,
        )

    def describe(self, raw: bytes, from_server: bool) -> Field:
        """One handshake message's tree; a ServerHello then moves the context on."""
        tree = describe_handshake(raw, self.context(from_server))
        if raw and raw[0] == protocol.SERVER_HELLO and from_server:
            self._server_hello(raw)
        if raw and raw[0] == protocol.ENCRYPTED_EXTENSIONS and from_server:
            self._cert_types(raw[12:] if self.dtls else raw[4:])
        return tree

    def _cert_types(self, body: bytes) -> None:
        """The server_certificate_type / client_certificate_type answers of a
        TLS 1.2 ServerHello's or TLS 1.3 EncryptedExtensions' extension block."""
        try:
            exts = _Cur(_Cur(body).vec(2))
            while exts.left >= 4:
                code, data = exts.uint(2), exts.vec(2)
                if code == extensions.SERVER_CERT_TYPE and len(data) == 1:
                    self.server_rpk = data[0] == 2
                elif code == extensions.CLIENT_CERT_TYPE and len(data) == 1:
                    self.client_rpk = data[0] == 2
        except _Short:
            return

    def _server_hello(self, raw: bytes) -> None:
        try:
            c = _Cur(raw[12:] if self.dtls else raw[4:])
            version = c.uint(2)
            c.take(32)
            c.vec(1)  # session id
            suite = c.uint(2)
            c.take(1)  # compression
            if c.left >= 2:
                exts = _Cur(c.vec(2))
                while exts.left >= 4:
                    code, data = exts.uint(2), exts.vec(2)
                    if code == extensions.SUPPORTED_VERSIONS and len(data) == 2:
                        version = int.from_bytes(data, "big")
                    elif code == extensions.SERVER_CERT_TYPE and len(data) == 1:
                        self.server_rpk = data[0] == 2
                    elif code == extensions.CLIENT_CERT_TYPE and len(data) == 1:
                        self.client_rpk = data[0] == 2
        except _Short:
            return
        self.version = version
        self.tls13 = version == protocol.TLS1_3
        self.keyex = keyex_name(suite)


# ------------------------------------------------------------------ JSON


def fields_json(tree: Field) -> dict[str, Any]:
    """The tree as JSON-ready data: ``name``, ``value`` (bytes as upper-case
    hex), ``text`` when the field has a line of its own, ``fields`` for children."""
    out: dict[str, Any] = {"name": tree.name}
    v = tree.value
    if isinstance(v, bytes):
        out["value"] = v.hex().upper()
    elif v is not None:
        out["value"] = v
    if tree.text is not None and tree.kind in ("line", "alert", "abs", "cert", "dn"):
        out["text"] = tree.text
    if tree.children:
        out["fields"] = [fields_json(c) for c in tree.children]
    return out


def extension_fields(data: bytes, ctx: Context, mt: int) -> list[Field]:
    """Decode a complete extensions block (with its 2-byte length)."""
    out: list[Field] = []
    try:
        _extensions(_Cur(data), ctx, mt, out)
    except _Short:
        out.append(_error())
    return out
