"""The default summary block (``print_stuff``, output.md §5) and the ``-brief``
block (``print_ssl_summary``, output.md §7)."""

from __future__ import annotations

from sclient.report.model import SummaryData
from sclient.report.session import protocol_name, render_session
from sclient.tls.registry.protocol import ANY_VERSION, TLS1_3

#: ``ssl_print_client_cert_types`` names (apps/lib/s_cb.c).
CERT_TYPE_NAMES: dict[int, str] = {
    1: "RSA sign",
    2: "DSA sign",
    3: "RSA fixed DH",
    4: "DSS fixed DH",
    64: "ECDSA sign",
    65: "RSA fixed ECDH",
    66: "ECDSA fixed ECDH",
    67: "GOST01 Sign",
    68: "GOST12 Sign",
}

POINT_FORMAT_NAMES: dict[int, str] = {
    0: "uncompressed",
    1: "ansiX962_compressed_prime",
    2: "ansiX962_compressed_char2",
}


def _cert_types_line(types: tuple[int, ...]) -> str:
    parts = []
    for i, t in enumerate(types):
        if i:
            parts.append(", ")
        name = CERT_TYPE_NAMES.get(t)
        parts.append(name if name is not None else f"UNKNOWN ({t}),")
    return "Client Certificate Types: " + "".join(parts) + "\n"


def _verify_detail(d: SummaryData) -> str:
    if d.verify_code == 0:
        text = "Verification: OK\n"
        if d.verified_peername is not None:
            text += f"Verified peername: {d.verified_peername}\n"
        if d.dane_line is not None:
            text += d.dane_line + "\n"
        return text
    return f"Verification error: {d.verify_text(d.verify_code)}\n"


def _sigalgs_lines(d: SummaryData) -> str:
    out = []
    if d.cert_types:
        out.append(_cert_types_line(d.cert_types))
    if d.requested_sigalgs:
        out.append("Requested Signature Algorithms: " + ":".join(d.requested_sigalgs) + "\n")
    if d.shared_sigalgs:
        out.append("Shared Requested Signature Algorithms: " + ":".join(d.shared_sigalgs) + "\n")
    if d.peer_digest is not None:
        out.append(f"Peer signing digest: {d.peer_digest}\n")
    if d.peer_sigtype is not None:
        out.append(f"Peer signature type: {d.peer_sigtype}\n")
    return "".join(out)


def _keying_material(label: str, length: int, material: bytes | None) -> str:
    out = f"Keying material exporter:\n    Label: '{label}'\n    Length: {length} bytes\n"
    if material is None:
        return out + "    Error\n"
    return out + f"    Keying material: {material.hex().upper()}\n"


def render_summary(d: SummaryData) -> str:
    """The whole block, from the first ``---`` to the last."""
    out: list[str] = []
    # Before the ClientHello the connection's version is TLS_ANY_VERSION, which
    # s_client 3.0 reports with the TLS 1.3 lines (observed).
    tls13 = d.version in (TLS1_3, ANY_VERSION)
    if d.full:
        if d.chain is not None:
            out.append("---\nCertificate chain\n")
            for i, c in enumerate(d.chain):
                out.append(f"{i:2d} s:{c.subject}\n")
                out.append(f"   i:{c.issuer}\n")
                if c.key_type is not None:
                    out.append(f"   a:PKEY: {c.key_type}, {c.key_bits} (bit); sigalg: {c.sigalg}\n")
                out.append(f"   v:NotBefore: {c.not_before}; NotAfter: {c.not_after}\n")
                if d.showcerts:
                    out.append(c.pem)
        out.append("---\n")
        if d.peer is not None:
            out.append("Server certificate\n")
            if not (d.showcerts and d.chain is not None):
                out.append(d.peer.pem)
            subject = d.peer.subject_line if d.peer.subject_line is not None else d.peer.subject
            issuer = d.peer.issuer_line if d.peer.issuer_line is not None else d.peer.issuer
            out.append(f"subject={subject}\n")
            out.append(f"issuer={issuer}\n")
        else:
            out.append("no peer certificate available\n")
        if d.client_rpk or d.server_rpk or d.show_server_rpk:
            out.append(_rpk_lines(d))
        if d.ca_names:
            out.append("---\nAcceptable client certificate CA names\n")
            out.extend(name + "\n" for name in d.ca_names)
        else:
            out.append("---\nNo client certificate CA names sent\n")
        out.append(_sigalgs_lines(d))
        out.append(_temp_key_line(d))
        if d.sct_block is not None:
            out.append(d.sct_block)
        out.append(
            f"---\nSSL handshake has read {d.bytes_read} bytes and written {d.bytes_written} bytes\n"
        )
    out.append(_verify_detail(d))
    out.append("---\nReused, " if d.resumed else "---\nNew, ")
    out.append(f"{d.cipher_version or '(NONE)'}, Cipher is {d.cipher_name or '(NONE)'}\n")
    if d.full and d.peer is not None:
        out.append(f"Server public key is {d.peer.key_bits} bit\n")
    out.append(f"Secure Renegotiation IS{'' if d.secure_renegotiation else ' NOT'} supported\n")
    out.append(f"Compression: {d.compression or 'NONE'}\nExpansion: {d.expansion or 'NONE'}\n")
    if d.next_protocol is not None:
        status, proto = d.next_protocol
        out.append(f"Next protocol: ({status}) " + proto.decode("latin-1") + "\n")
    if d.alpn:
        out.append("ALPN protocol: " + d.alpn.decode("latin-1") + "\n")
    else:
        out.append("No ALPN negotiated\n")
    if d.srtp_profile is not None:
        out.append(f"SRTP Extension negotiated, profile={d.srtp_profile}\n")
    if tls13:
        out.append(f"Early data was {d.early_data}\n")
        out.append(f"Verify return code: {d.verify_code} ({d.verify_text(d.verify_code)})\n")
        if d.ech_lines is not None:
            out.append(d.ech_lines)
    elif d.session is not None:
        out.append(render_session(d.session, d.verify_text))
    if d.keying_material is not None:
        out.append(_keying_material(*d.keying_material))
    out.append("---\n")
    return "".join(out)


def render_brief(d: SummaryData) -> str:
    """``CONNECTION ESTABLISHED`` and ``print_ssl_summary`` (stderr)."""
    out = ["CONNECTION ESTABLISHED\n", f"Protocol version: {protocol_name(d.version)}\n"]
    out.append(f"Ciphersuite: {d.cipher_name or '(NONE)'}\n")
    if d.requested_sigalgs:
        out.append("Requested Signature Algorithms: " + ":".join(d.requested_sigalgs) + "\n")
    if d.peer is not None:
        out.append(f"Peer certificate: {d.peer.subject}\n")
        if d.peer_sigtype is not None:
            out.append(f"Hash used: {d.peer_digest or 'UNDEF'}\n")
            out.append(f"Signature type: {d.peer_sigtype}\n")
        out.append(_verify_detail(d))
    else:
        out.append("No peer certificate\n")
    if d.ec_point_formats:
        names = [POINT_FORMAT_NAMES.get(p, f"unknown({p})") for p in d.ec_point_formats]
        out.append("Supported Elliptic Curve Point Formats: " + ":".join(names) + "\n")
    out.append(_temp_key_line(d))
    return "".join(out)


def _temp_key_line(d: SummaryData) -> str:
    """``ssl_print_tmp_key``: the server's ephemeral key, or for a
    key-encapsulation group (OpenSSL 3.5) the group's name."""
    if d.temp_key is not None:
        return f"Server Temp Key: {d.temp_key}\n"
    if d.kem_group is not None:
        return f"Negotiated TLS1.3 group: {d.kem_group}\n"
    return ""


def _rpk_lines(d: SummaryData) -> str:
    """OpenSSL 3.2's print_stuff lines for raw public keys (RFC 7250)."""
    out = []
    if d.client_rpk:
        out.append("Client-to-server raw public key negotiated\n")
    if d.server_rpk:
        out.append("Server-to-client raw public key negotiated\n")
    if d.show_server_rpk:
        if d.server_rpk_text is not None:
            out.append("Server raw public key\n" + d.server_rpk_text)
        else:
            out.append("no peer rpk available\n")
    return "".join(out)
