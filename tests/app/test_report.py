"""Renderers from hand-made facts: exact text as openssl s_client 3.0.19 prints it."""

from __future__ import annotations

from sclient.report.errors import ErrorEntry, tls_error_entry
from sclient.report.hexdump import bio_dump
from sclient.report.model import CertInfo, SummaryData
from sclient.report.session import render_session, render_ticket_block
from sclient.report.summary import render_brief, render_summary
from sclient.tls.errors import PeerAlert, UnexpectedEOF
from sclient.tls.events import Negotiated
from sclient.tls.session import Session

TICKET = bytes.fromhex("0c4b19f4cd5c932c2e7a9c8b190d12887d71f30473dd425079fee933b24a1537")


def vt(code: int) -> str:
    return {0: "ok", 20: "unable to get local issuer certificate"}.get(code, "?")


def test_bio_dump_rows_and_partial_row() -> None:
    assert bio_dump(TICKET, 4) == (
        "    0000 - 0c 4b 19 f4 cd 5c 93 2c-2e 7a 9c 8b 19 0d 12 88   .K...\\.,.z......\n"
        "    0010 - 7d 71 f3 04 73 dd 42 50-79 fe e9 33 b2 4a 15 37   }q..s.BPy..3.J.7\n"
    )
    assert bio_dump(b"abc", 4) == "    0000 - 61 62 63" + " " * 42 + "abc\n"
    assert bio_dump(b"", 4) == ""


def test_tls13_ticket_block_line_mechanics() -> None:
    s = Session(
        version=0x0304,
        cipher_suite=0x1302,
        session_id=bytes.fromhex("a0e6"),
        master_key=bytes.fromhex("2a59"),
        ticket=TICKET,
        ticket_lifetime_hint=7200,
        start_time=1795522297,
        timeout=7200,
    )
    assert render_ticket_block(s, vt) == (
        "---\n"
        "Post-Handshake New Session Ticket arrived:\n"
        "SSL-Session:\n"
        "    Protocol  : TLSv1.3\n"
        "    Cipher    : TLS_AES_256_GCM_SHA384\n"
        "    Session-ID: A0E6\n"
        "    Session-ID-ctx: \n"
        "    Resumption PSK: 2A59\n"
        "    PSK identity: None\n"
        "    PSK identity hint: None\n"
        "    SRP username: None\n"
        "    TLS session ticket lifetime hint: 7200 (seconds)\n"
        "    TLS session ticket:\n" + bio_dump(TICKET, 4) + "\n"
        "    Start Time: 1795522297\n"
        "    Timeout   : 7200 (sec)\n"
        "    Verify return code: 0 (ok)\n"
        "    Extended master secret: no\n"
        "    Max Early Data: 0\n"
        "---\n"
    )


def test_failed_tls12_session_block() -> None:
    s = Session(version=0x0303, cipher_suite=None, start_time=1795522448, timeout=7200)
    assert render_session(s, vt) == (
        "SSL-Session:\n"
        "    Protocol  : TLSv1.2\n"
        "    Cipher    : 0000\n"
        "    Session-ID: \n"
        "    Session-ID-ctx: \n"
        "    Master-Key: \n"
        "    PSK identity: None\n"
        "    PSK identity hint: None\n"
        "    SRP username: None\n"
        "    Start Time: 1795522448\n"
        "    Timeout   : 7200 (sec)\n"
        "    Verify return code: 0 (ok)\n"
        "    Extended master secret: no\n"
    )


LEAF = CertInfo(
    subject="CN = localhost",
    issuer="C = US, O = Test Org, CN = Test Intermediate CA",
    key_type="rsaEncryption",
    key_bits=2048,
    sigalg="RSA-SHA256",
    not_before="Nov 24 12:11:32 2026 GMT",
    not_after="Nov 21 12:11:32 2036 GMT",
    pem="-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n",
)
INT = CertInfo(
    subject="C = US, O = Test Org, CN = Test Intermediate CA",
    issuer="C = US, O = Test Org, CN = Test Root CA",
    key_type="rsaEncryption",
    key_bits=2048,
    sigalg="RSA-SHA256",
    not_before="Nov 24 12:11:32 2026 GMT",
    not_after="Nov 21 12:11:32 2036 GMT",
    pem="-----BEGIN CERTIFICATE-----\nINT\n-----END CERTIFICATE-----\n",
)

TLS13_SUMMARY = """\
---
Certificate chain
 0 s:CN = localhost
   i:C = US, O = Test Org, CN = Test Intermediate CA
   a:PKEY: rsaEncryption, 2048 (bit); sigalg: RSA-SHA256
   v:NotBefore: Nov 24 12:11:32 2026 GMT; NotAfter: Nov 21 12:11:32 2036 GMT
 1 s:C = US, O = Test Org, CN = Test Intermediate CA
   i:C = US, O = Test Org, CN = Test Root CA
   a:PKEY: rsaEncryption, 2048 (bit); sigalg: RSA-SHA256
   v:NotBefore: Nov 24 12:11:32 2026 GMT; NotAfter: Nov 21 12:11:32 2036 GMT
---
Server certificate
-----BEGIN CERTIFICATE-----
LEAF
-----END CERTIFICATE-----
subject=CN = localhost
issuer=C = US, O = Test Org, CN = Test Intermediate CA
---
No client certificate CA names sent
Peer signing digest: SHA256
Peer signature type: RSA-PSS
Server Temp Key: X25519, 253 bits
---
SSL handshake has read 2345 bytes and written 377 bytes
Verification: OK
---
New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384
Server public key is 2048 bit
Secure Renegotiation IS NOT supported
Compression: NONE
Expansion: NONE
No ALPN negotiated
Early data was not sent
Verify return code: 0 (ok)
---
"""


def _tls13_data(**kw: object) -> SummaryData:
    from sclient.report.facts import summary_data

    n = Negotiated(
        version=0x0304,
        cipher_suite=0x1302,
        client_random=b"",
        server_random=b"",
        session_id=b"",
        group=0x001D,
        peer_signature_scheme=0x0804,
    )
    d = summary_data(
        version=0x0304,
        negotiated=n,
        session=None,
        chain=[LEAF, INT],
        peer=LEAF,
        cert_request=None,
        ca_names=[],
        our_sigalgs=(),
        bytes_read=2345,
        bytes_written=377,
        verify_code=0,
        verify_text=vt,
    )
    for k, v in kw.items():
        setattr(d, k, v)
    return d


def test_tls13_summary_exact() -> None:
    assert render_summary(_tls13_data()) == TLS13_SUMMARY


def test_showcerts_puts_pems_in_chain_and_drops_server_pem() -> None:
    text = render_summary(_tls13_data(showcerts=True))
    assert "GMT\n-----BEGIN CERTIFICATE-----\nLEAF\n" in text
    assert "GMT\n-----BEGIN CERTIFICATE-----\nINT\n" in text
    assert "Server certificate\nsubject=CN = localhost\n" in text


def test_verification_error_lines() -> None:
    text = render_summary(_tls13_data(verify_code=20))
    assert "Verification error: unable to get local issuer certificate\n" in text
    assert text.endswith("Verify return code: 20 (unable to get local issuer certificate)\n---\n")


def test_short_form_after_reconnect_has_no_full_parts() -> None:
    text = render_summary(_tls13_data(full=False))
    assert text.startswith(
        "Verification: OK\n---\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\n"
    )
    assert "Server public key" not in text


FAILED = """\
---
no peer certificate available
---
No client certificate CA names sent
---
SSL handshake has read 7 bytes and written 225 bytes
Verification: OK
---
New, (NONE), Cipher is (NONE)
Secure Renegotiation IS NOT supported
Compression: NONE
Expansion: NONE
No ALPN negotiated
Early data was not sent
Verify return code: 0 (ok)
---
"""


def test_failure_before_server_hello_default_client() -> None:
    d = SummaryData(version=0x0304, bytes_read=7, bytes_written=225, verify_text=vt)
    assert render_summary(d) == FAILED


def test_connect_failure_prints_tls13_lines() -> None:
    d = SummaryData(version=0x10000, verify_text=vt)
    assert render_summary(d) == FAILED.replace(
        "read 7 bytes and written 225", "read 0 bytes and written 0"
    )


def test_failure_tls12_client_prints_session_block() -> None:
    s = Session(version=0x0303, cipher_suite=None, start_time=5, timeout=7200)
    d = SummaryData(version=0x0303, bytes_read=7, bytes_written=188, session=s, verify_text=vt)
    text = render_summary(d)
    assert (
        "No ALPN negotiated\nSSL-Session:\n    Protocol  : TLSv1.2\n    Cipher    : 0000\n" in text
    )
    assert "Early data" not in text
    assert text.endswith("    Extended master secret: no\n---\n")


def test_certificate_request_lines() -> None:
    from sclient.report.facts import summary_data
    from sclient.tls.events import CertificateRequested

    d = summary_data(
        version=0x0303,
        negotiated=None,
        session=None,
        chain=None,
        peer=None,
        cert_request=CertificateRequested((1, 64, 99), (0x0403, 0x0804, 0x0807)),
        ca_names=["CN = CA"],
        our_sigalgs=(0x0807, 0x0403),
        bytes_read=0,
        bytes_written=0,
        verify_code=0,
        verify_text=vt,
    )
    text = render_summary(d)
    assert "---\nAcceptable client certificate CA names\nCN = CA\n" in text
    assert "Client Certificate Types: RSA sign, ECDSA sign, UNKNOWN (99),\n" in text
    assert "Requested Signature Algorithms: ECDSA+SHA256:RSA-PSS+SHA256:ed25519\n" in text
    assert "Shared Requested Signature Algorithms: ECDSA+SHA256:ed25519\n" in text


def test_brief_block() -> None:
    assert render_brief(_tls13_data()) == (
        "CONNECTION ESTABLISHED\n"
        "Protocol version: TLSv1.3\n"
        "Ciphersuite: TLS_AES_256_GCM_SHA384\n"
        "Peer certificate: CN = localhost\n"
        "Hash used: SHA256\n"
        "Signature type: RSA-PSS\n"
        "Verification: OK\n"
        "Server Temp Key: X25519, 253 bits\n"
    )


def test_brief_ed25519_hash_undef() -> None:
    d = _tls13_data(peer_digest=None, peer_sigtype="ed25519")
    assert "Hash used: UNDEF\nSignature type: ed25519\n" in render_brief(d)


def test_temp_key_texts() -> None:
    from sclient.report.facts import temp_key_text

    def n(**kw: object) -> Negotiated:
        return Negotiated(0x0303, 0xC030, b"", b"", b"", **kw)  # type: ignore[arg-type]

    assert temp_key_text(n(group=0x0017)) == "ECDH, prime256v1, 256 bits"
    assert temp_key_text(n(group=0x001E)) == "X448, 448 bits"
    assert temp_key_text(n(group=0x0100)) == "DH, 2048 bits"
    assert temp_key_text(n(dh_bits=3072)) == "DH, 3072 bits"
    assert temp_key_text(n()) is None


def test_kem_group_replaces_temp_key() -> None:
    from sclient.report.facts import kem_group_name, temp_key_text

    def n(**kw: object) -> Negotiated:
        return Negotiated(0x0304, 0x1302, b"", b"", b"", **kw)  # type: ignore[arg-type]

    for code, name in (
        (0x11EC, "X25519MLKEM768"),
        (0x11ED, "SecP384r1MLKEM1024"),
        (0x0202, "MLKEM1024"),
    ):
        assert temp_key_text(n(group=code)) is None
        assert kem_group_name(n(group=code)) == name
    assert kem_group_name(n(group=0x001D)) is None
    d = _tls13_data(temp_key=None, kem_group="X25519MLKEM768")
    assert "Negotiated TLS1.3 group: X25519MLKEM768\n" in render_brief(d)
    assert "Server Temp Key" not in render_brief(d)


def test_error_lines() -> None:
    e = tls_error_entry(PeerAlert(70))
    assert e.line_text("80BBFC364B7F0000") == (
        "80BBFC364B7F0000:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:"
        "../ssl/record/rec_layer_s3.c:1601:SSL alert number 70"
    )
    assert tls_error_entry(UnexpectedEOF()).line_text("X") == (
        "X:error:0A000126:SSL routines:ssl3_read_n:unexpected eof while reading:"
        "../ssl/record/rec_layer_s3.c:318:"
    )
    assert (
        ErrorEntry(1, "L", "f", "r", "x.c", 2, "d").line_text("T")
        == "T:error:00000001:L:f:r:x.c:2:d"
    )


def test_thread_id_shape() -> None:
    from sclient.report.errors import thread_id

    tid = thread_id()
    assert len(tid) == 16 and tid == tid.upper() and int(tid, 16) >= 0
