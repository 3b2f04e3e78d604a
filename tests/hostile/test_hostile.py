"""Hostile peers: scripted servers that send malformed, truncated, oversized,
downgraded, mis-signed or out-of-order messages.

Each scenario runs against sclient and against ``openssl s_client`` (the
reference, to keep the expectations honest), and asserts for both:

- the alert the client put on the wire (read by the server; exact record
  bytes, e.g. ``15 03 01 00 02 02 32``), or that it sent none;
- one OpenSSL-style error line on stderr with the reason (and 3.0 error code)
  that OpenSSL 3.0 reports;
- exit status 1, no Python traceback, and an exit well within the timeout.

Expectations were taken from OpenSSL 3.0.19.
"""

from __future__ import annotations

import re
import shutil
import signal
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hostile_servers as h
import pytest

from support import tlsforge as t
from support.peers import PyTLSServer, Relay
from support.pki import PKI
from support.procs import Proc, Result, _env, assert_clean_stderr, run, sclient_cmd

pytestmark = pytest.mark.hostile

CLIENT_TIMEOUT = 15.0
CLIENTS = ("sclient", "openssl")


def client_prefix(which: str) -> list[str]:
    if which == "openssl":
        if shutil.which("openssl") is None:
            pytest.skip("openssl not installed: the reference check needs it")
        return ["openssl", "s_client"]
    return sclient_cmd()


@dataclass(frozen=True)
class Scenario:
    id: str
    script: h.Script | None  # a scripted server, or
    relay: Callable[[], Callable[[int, int, bytes], list[bytes]]] | None = (
        None  # a relay hook on a real server
    )
    args: tuple[str, ...] = ()
    alert: tuple[int, int] | None = (
        None  # (record version, description) of a plaintext alert, None: no alert
    )
    encrypted_alert: int | None = None  # description of an alert sent under encryption
    code: str | None = None  # OpenSSL 3.0 error code of the SSL routines line
    reason: str = ""
    extra: str | None = None  # further text the error line must carry
    kind: str = "rsa"  # certificate of the relayed real server
    #: The relayed real server also speaks TLS 1.0/1.1 (at security level 0).
    legacy: bool = False
    note: str = ""
    #: What ``openssl s_client`` does where sclient deliberately does otherwise
    #: (a deviation documented in docs/compatibility.md); None: the same.
    openssl: Scenario | None = None
    #: Seconds the client may take (resource-bound scenarios ask for less).
    limit: float = CLIENT_TIMEOUT


def _deviation(script: h.Script | None = None, **expect: Any) -> Scenario:
    """openssl's expectations for a scenario where sclient stays stricter."""
    return Scenario("openssl", script, **expect)


#: A scripted server that goes on past the point under test and then sends a
#: message nobody expects: the client accepted what came before.
_GOES_ON: dict[str, Any] = {
    "alert": (0x0303, 10),
    "code": "0A0000F4",
    "reason": "unexpected message",
}
_RSA_KX = ("-cipher", "AES128-GCM-SHA256")
_STATUS_TYPE: dict[str, Any] = {
    "alert": (0x0303, 50),
    "code": "0A000149",
    "reason": "unsupported status type",
}
_STATUS_LENGTH: dict[str, Any] = {
    "alert": (0x0303, 50),
    "code": "0A00009F",
    "reason": "length mismatch",
}
_STATUS_EMPTY: dict[str, Any] = {
    "alert": (0x0303, 80),
    "code": "0A0C0100",
    "reason": "malloc failure",
}


SCENARIOS = [
    Scenario(
        "truncated-record-then-close",
        h.truncated_record,
        alert=(0x0301, 50),
        code="0A000126",
        reason="unexpected eof while reading",
    ),
    Scenario(
        "oversized-record-length",
        h.oversized_record,
        alert=(0x0301, 22),
        code="0A0000C6",
        reason="packet length too long",
    ),
    Scenario(
        "close-after-client-hello",
        h.close_after_client_hello,
        alert=(0x0301, 50),
        code="0A000126",
        reason="unexpected eof while reading",
    ),
    Scenario(
        "close-mid-handshake",
        h.close_mid_handshake,
        alert=(0x0303, 50),
        code="0A000126",
        reason="unexpected eof while reading",
    ),
    Scenario(
        "http-response-instead-of-tls",
        h.http_response,
        alert=None,
        code="0A00010B",
        reason="wrong version number",
    ),
    Scenario(
        "fatal-alert-from-server",
        h.fatal_alert,
        alert=None,
        code="0A000410",
        reason="sslv3 alert handshake failure",
        extra="SSL alert number 40",
    ),
    Scenario(
        "server-hello-done-first",
        h.server_hello_done_first,
        alert=(0x0301, 10),
        code="0A0000F4",
        reason="unexpected message",
    ),
    Scenario(
        "server-hello-version-ssl3",
        h.server_hello_ssl3,
        alert=(0x0303, 70),
        code="0A000102",
        reason="unsupported protocol",
    ),
    Scenario(
        "supported-versions-0x0305",
        h.supported_versions_0305,
        alert=(0x0303, 47),
        code="0A000074",
        reason="bad protocol version number",
    ),
    Scenario(
        "downgrade-sentinel-tls12",
        h.downgrade_sentinel,
        alert=(0x0303, 47),
        code="0A000175",
        reason="inappropriate fallback",
    ),
    Scenario(
        "unsolicited-alpn-extension",
        h.unsolicited_extension,
        alert=(0x0303, 110),
        code="0A0000D9",
        reason="unsolicited extension",
    ),
    Scenario(
        "cipher-not-offered",
        h.wrong_cipher,
        alert=(0x0303, 47),
        code="0A0000F8",
        reason="unknown cipher returned",
    ),
    Scenario(
        "compression-method-1",
        h.bad_compression,
        alert=(0x0303, 47),
        code="0A000157",
        reason="compression disabled",
    ),
    Scenario(
        "hello-retry-request-twice",
        h.hrr_twice,
        alert=(0x0303, 10),
        code="0A0000F4",
        reason="unexpected message",
    ),
    Scenario(
        "hello-retry-request-for-offered-share",
        h.hrr_for_offered_share,
        alert=(0x0303, 47),
        code="0A00006C",
        reason="bad key share",
    ),
    Scenario(
        "handshake-length-1MiB",
        h.excessive_message_length,
        alert=(0x0303, 47),
        code="0A000098",
        reason="excessive message size",
        note="OpenSSL accepts and waits for a ServerHello header claiming up to about 64 KiB",
    ),
    Scenario(
        "empty-record-flood",
        h.empty_record_flood,
        alert=(0x0301, 10),
        code="0A00012A",
        reason="record too small",
    ),
    Scenario(
        "bad-finished-tls12",
        h.bad_finished_tls12,
        args=("-tls1_2", "-cipher", "AES128-GCM-SHA256"),
        encrypted_alert=51,
        code="0A000095",
        reason="digest check failed",
    ),
    Scenario(
        "bad-ske-signature-rsa",
        None,
        relay=h.corrupt_ske_signature,
        args=("-tls1_2",),
        alert=(0x0303, 51),
        code="0A00007B",
        reason="bad signature",
        note="TLS 1.2: the ServerKeyExchange signature is in the clear; a TLS 1.3 "
        "CertificateVerify is encrypted, so corrupting it gives bad_record_mac",
    ),
    Scenario(
        "bad-ske-signature-tls1-rsa",
        None,
        relay=h.corrupt_ske_signature,
        args=("-tls1", "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0"),
        alert=(0x0301, 51),
        code="0A00007B",
        reason="bad signature",
        legacy=True,
        note="TLS 1.0: the MD5+SHA-1 signature the RSA key fixes",
    ),
    Scenario(
        "bad-ske-signature-tls1_1-ecdsa",
        None,
        relay=h.corrupt_ske_signature,
        args=("-tls1_1", "-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0"),
        alert=(0x0302, 51),
        code="0A00007B",
        reason="bad signature",
        kind="ecdsa",
        legacy=True,
    ),
    Scenario(
        "bad-ske-signature-ecdsa",
        None,
        relay=h.corrupt_ske_signature,
        args=("-tls1_2",),
        alert=(0x0303, 51),
        code="0A00007B",
        reason="bad signature",
        kind="ecdsa",
    ),
    Scenario(
        "corrupt-tls12-finished-record",
        None,
        relay=lambda: h.corrupt_first_encrypted(True),
        args=("-tls1_2",),
        encrypted_alert=20,
        code="0A000119",
        reason="decryption failed or bad record mac",
    ),
    Scenario(
        "corrupt-tls13-encrypted-record",
        None,
        relay=lambda: h.corrupt_first_encrypted(False),
        args=("-tls1_3",),
        alert=(0x0303, 20),
        code="0A000119",
        reason="decryption failed or bad record mac",
    ),
]

SCENARIOS += [
    # -- the ServerHello's versions ------------------------------------------------------
    Scenario(
        "tls13-server-hello-legacy-version-ssl3",
        h.tls13_legacy_0300,
        alert=(0x0303, 70),
        code="0A000102",
        reason="unsupported protocol",
        note="any other legacy_version is left to supported_versions (0x0200, 0x0301, 0x0400 go on)",
    ),
    Scenario("tls13-server-hello-legacy-version-0x0400", h.tls13_legacy_0400, **_GOES_ON),
    Scenario(
        "downgrade-sentinel-tls11-in-tls12",
        h.downgrade_tls11_sentinel_in_tls12,
        alert=(0x0303, 47),
        code="0A000175",
        reason="inappropriate fallback",
    ),
    Scenario(
        "downgrade-sentinel-tls12-in-tls11",
        h.downgrade_tls12_sentinel_in_tls11,
        alert=(0x0303, 47),
        code="0A000175",
        reason="inappropriate fallback",
    ),
    Scenario(
        "downgrade-sentinel-tls11-in-tls11",
        h.downgrade_tls11_sentinel_in_tls11,
        alert=(0x0303, 47),
        code="0A000175",
        reason="inappropriate fallback",
    ),
    Scenario(
        "downgrade-sentinel-tls12-client-max-tls12",
        h.downgrade_tls12_sentinel_max12,
        args=("-tls1_2",),
        note="a client whose maximum is TLS 1.2 takes DOWNGRD\\x01 in a TLS 1.2 ServerHello",
        **_GOES_ON,
    ),
    Scenario(
        "downgrade-sentinel-tls11-client-max-tls12",
        h.downgrade_tls11_sentinel_in_tls12,
        args=("-tls1_2",),
        **_GOES_ON,
    ),
    Scenario(
        "tls13-server-hello-random-ends-in-sentinel",
        h.tls13_server_hello_with_tls12_sentinel,
        alert=(0x0303, 20),
        code="0A000119",
        reason="decryption failed or bad record mac",
        note="the sentinels only matter below TLS 1.3: the ServerHello is taken, and the "
        "record protected with keys from the unpatched ServerHello fails",
    ),
    # -- HelloRetryRequest ---------------------------------------------------------------
    Scenario(
        "hello-retry-request-empty-cookie",
        h.hrr_empty_cookie,
        alert=(0x0303, 47),
        code="0A0000D6",
        reason="no change following hrr",
    ),
    Scenario(
        "hello-retry-request-cookie-without-body",
        h.hrr_cookie_no_body,
        alert=(0x0303, 50),
        code="0A00009F",
        reason="length mismatch",
    ),
]

_ASN1: dict[str, Any] = {"alert": (0x0303, 42), "code": "0A08000D", "reason": "ASN1 lib"}
_CERT_LEN: dict[str, Any] = {
    "alert": (0x0303, 50),
    "code": "0A000087",
    "reason": "cert length mismatch",
}
SCENARIOS += [
    Scenario(f"certificate{v}-{name}", getattr(h, f"cert{v}_{fn}"), **exp)
    for v in ("12", "13")
    for name, fn, exp in (
        ("empty-entry", "empty_entry", _ASN1),
        ("empty-entry-after-leaf", "empty_entry_after_leaf", _ASN1),
        ("leaf-with-trailing-bytes", "trailing_bytes", _CERT_LEN),
        ("intermediate-with-trailing-bytes", "trailing_bytes_intermediate", _CERT_LEN),
    )
]

_BAD_ECPOINT: dict[str, Any] = {"alert": (0x0303, 47), "code": "0A000132", "reason": "bad ecpoint"}
_BAD_DH: dict[str, Any] = {"alert": (0x0303, 47), "code": "0A000066", "reason": "bad dh value"}
SCENARIOS += [
    # -- ServerKeyExchange ---------------------------------------------------------------
    Scenario("ske-ecdh-empty-point", h.ske_ecdh_empty_point, **_BAD_ECPOINT),
    Scenario(
        "ske-ecdh-point-length-overflow",
        h.ske_ecdh_point_overflow,
        alert=(0x0303, 50),
        code="0A00009F",
        reason="length mismatch",
    ),
    Scenario(
        "ske-ecdh-compressed-p256-point",
        h.ske_ecdh_compressed_point,
        note="the ClientHello offers ansiX962_compressed_prime, as OpenSSL's does",
        **_GOES_ON,
    ),
    # SHA-1 not offered (-sigalgs without it), security level 0: taken
    # unless -strict.
    Scenario(
        "ske-sha1-not-offered",
        h.ske_sha1_unoffered,
        args=("-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=0", "-sigalgs", "RSA+SHA256"),
        **_GOES_ON,
    ),
    Scenario(
        "ske-sha1-not-offered-strict",
        h.ske_sha1_unoffered,
        args=("-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=0", "-sigalgs", "RSA+SHA256", "-strict"),
        alert=(0x0303, 40),
        code="0A000172",
        reason="wrong signature type",
    ),
    Scenario(
        "ske-sha384-not-offered",
        h.ske_sha384_unoffered,
        args=("-tls1_2", "-sigalgs", "RSA+SHA256"),
        alert=(0x0303, 40),
        code="0A000172",
        reason="wrong signature type",
    ),
    Scenario(
        "ske-ecdh-point-at-infinity",
        h.ske_ecdh_infinity,
        openssl=_deviation(**_GOES_ON),
        note="deviation: RFC 8422 5.11 (public key validation); OpenSSL takes the 00 point",
        **_BAD_ECPOINT,
    ),
    Scenario("ske-x25519-empty-key", h.ske_x25519_empty, **_BAD_ECPOINT),
    Scenario("ske-x25519-31-byte-key", h.ske_x25519_short, **_BAD_ECPOINT),
    Scenario("ske-dhe-prime-1-bit", h.ske_dhe_prime_1bit, **_BAD_DH),
    Scenario("ske-dhe-prime-64-bits", h.ske_dhe_prime_64bit, **_BAD_DH),
    Scenario("ske-dhe-prime-empty", h.ske_dhe_prime_empty, **_BAD_DH),
    Scenario("ske-dhe-generator-empty", h.ske_dhe_generator_empty, **_BAD_DH),
    Scenario("ske-dhe-public-empty", h.ske_dhe_ys_empty, **_BAD_DH),
]

SCENARIOS += [
    # -- CertificateRequest (TLS 1.2) -----------------------------------------------------
    Scenario("certificate-request-empty-types", h.cr12_empty_types, **_GOES_ON),
    Scenario(
        "certificate-request-empty-sigalgs",
        h.cr12_empty_sigalgs,
        alert=(0x0303, 80),
        code="0A000168",
        reason="signature algorithms error",
        note="OpenSSL 3.0 sends internal_error here, not decode_error",
    ),
    Scenario(
        "certificate-request-odd-sigalgs",
        h.cr12_odd_sigalgs,
        alert=(0x0303, 80),
        code="0A000168",
        reason="signature algorithms error",
    ),
    Scenario(
        "certificate-request-garbage-ca-name",
        h.cr12_garbage_ca,
        alert=(0x0303, 50),
        code="0A08000D",
        reason="ASN1 lib",
    ),
    Scenario(
        "certificate-request-empty-ca-name",
        h.cr12_empty_ca,
        alert=(0x0303, 50),
        code="0A08000D",
        reason="ASN1 lib",
    ),
    Scenario(
        "certificate-request-ca-name-trailing-bytes",
        h.cr12_ca_trailing,
        alert=(0x0303, 50),
        code="0A000083",
        reason="ca dn length mismatch",
    ),
    Scenario("certificate-request-good", h.cr12_good, **_GOES_ON),
]

SCENARIOS += [
    # -- ChangeCipherSpec and Finished (TLS 1.2) -------------------------------------------
    Scenario(
        "ccs-twice-second-protected",
        h.ccs_twice_protected,
        args=_RSA_KX,
        encrypted_alert=10,
        code="0A000091",
        reason="data between ccs and finished",
    ),
    Scenario(
        "ccs-twice-second-in-plaintext",
        h.ccs_twice_plain,
        args=_RSA_KX,
        encrypted_alert=20,
        code="0A000119",
        reason="decryption failed or bad record mac",
        openssl=_deviation(encrypted_alert=80, code="0A0C0103", reason="internal error"),
        note="deviation: RFC 5246 6.2.3.3 asks for bad_record_mac when a record does not "
        "decrypt; OpenSSL 3.0 answers a 1-byte AES-GCM record with internal_error",
    ),
    Scenario(
        "finished-before-ccs",
        h.finished_before_ccs,
        args=_RSA_KX,
        encrypted_alert=10,
        code="0A0000F4",
        reason="unexpected message",
    ),
]

SCENARIOS += [
    # -- TLS 1.3 record sizes ------------------------------------------------------------
    Scenario("tls13-inner-plaintext-2^14+1", h.tls13_inner_2p14_plus_1, **_GOES_ON),
    Scenario(
        "tls13-inner-plaintext-2^14+2-padding",
        h.tls13_inner_2p14_plus_2,
        note="RFC 8446 5.4's 2^14 + 1 binds the sender; a receiver checks 5.2 and 6.2",
        **_GOES_ON,
    ),
    Scenario("tls13-ciphertext-16640", h.tls13_ciphertext_16640, **_GOES_ON),
    Scenario(
        "tls13-ciphertext-16641",
        h.tls13_ciphertext_16641,
        alert=(0x0303, 22),
        code="0A000096",
        reason="encrypted length too long",
    ),
    Scenario(
        "tls13-content-2^14+1",
        h.tls13_content_2p14_plus_1,
        alert=(0x0303, 22),
        code="0A000092",
        reason="data length too long",
    ),
]

SCENARIOS += [
    # -- resources -----------------------------------------------------------------------
    Scenario("chain-of-100-certificates", h.chain_100_certificates, limit=8, **_GOES_ON),
    Scenario(
        "certificate-message-over-100KiB",
        h.chain_over_100k,
        alert=(0x0303, 47),
        code="0A000098",
        reason="excessive message size",
        limit=5,
    ),
    Scenario(
        "certificate-message-16MiB",
        h.certificate_16mb,
        alert=(0x0303, 47),
        code="0A000098",
        reason="excessive message size",
        limit=5,
    ),
    Scenario(
        "certificate-trickling-then-close",
        h.trickling_certificate,
        alert=(0x0303, 50),
        code="0A000126",
        reason="unexpected eof while reading",
        limit=8,
    ),
    Scenario(
        "certificate-in-102404-one-byte-records",
        h.one_byte_records,
        limit=8,
        **_ASN1,
    ),
    Scenario(
        "empty-records-between-fragments",
        h.empty_records_between_fragments,
        limit=8,
        **_GOES_ON,
    ),
    Scenario(
        "empty-application-data-records-first",
        h.empty_appdata_records,
        alert=(0x0301, 10),
        code="0A0000F4",
        reason="unexpected message",
        limit=5,
    ),
    # -status: CertificateStatus (TLS 1.2) and the leaf entry's status_request (TLS 1.3)
    *(
        Scenario(f"status{v}-{name}", getattr(h, f"status{v}_{attr}"), args=("-status",), **exp)
        for v in ("12", "13")
        for name, attr, exp in (
            ("bad-type", "bad_type", _STATUS_TYPE),
            ("overlong", "overlong", _STATUS_LENGTH),
            ("empty-response", "empty_response", _STATUS_EMPTY),
        )
    ),
    Scenario("status12-no-body", h.status12_empty, args=("-status",), **_STATUS_TYPE),
    Scenario(
        "status12-not-ocsp",
        h.status12_not_ocsp,
        args=("-status",),
        alert=(0x0303, 113),
        code="0A000148",
        reason="invalid status response",
    ),
    Scenario(
        "status12-not-acknowledged",
        h.status12_unsolicited,
        args=("-status",),
        alert=(0x0303, 10),
        code="0A0000F4",
        reason="unexpected message",
    ),
    # OpenSSL reads only the leaf's response: a bad one in the intermediate's entry is ignored
    Scenario(
        "status13-intermediate-bad", h.status13_intermediate_bad, args=("-status",), **_GOES_ON
    ),
]

#: DEFLATE (``-comp``): offered at security level 1 with TLS 1.2 as the highest version.
_COMP = ("-comp", "-tls1_2", "-cipher", "AES128-GCM-SHA256:@SECLEVEL=1")
#: OpenSSL 3.0.19 here has no zlib: it offers no compression, and a server
#: choosing DEFLATE gets "unsupported compression algorithm" (a documented deviation).
_NO_ZLIB = _deviation(
    alert=(0x0303, 47), code="0A000101", reason="unsupported compression algorithm"
)

SCENARIOS += [
    Scenario(
        "compression-refused-at-seclevel-2",
        h.bad_compression,
        args=("-comp", "-tls1_2"),
        alert=(0x0303, 47),
        code="0A000157",
        reason="compression disabled",
        note="-comp at the default security level 2: SSL_SECOP_COMPRESSION is refused",
    ),
    Scenario(
        "compression-method-not-offered",
        h.unknown_compression,
        args=_COMP,
        alert=(0x0303, 47),
        code="0A000101",
        reason="unsupported compression algorithm",
    ),
    Scenario(
        "deflate-bomb",
        h.deflate_bomb,
        args=_COMP,
        encrypted_alert=30,
        code="0A00006B",
        reason="bad decompression",
        note="a record inflating to 1 MiB: refused past 2^14 bytes, without inflating it all",
        openssl=_NO_ZLIB,
    ),
    Scenario(
        "deflate-garbage",
        h.deflate_garbage,
        args=_COMP,
        encrypted_alert=30,
        code="0A00006B",
        reason="bad decompression",
        openssl=_NO_ZLIB,
    ),
    Scenario(
        "deflate-stream-end",
        h.deflate_stream_end,
        args=_COMP,
        encrypted_alert=30,
        code="0A00006B",
        reason="bad decompression",
        openssl=_NO_ZLIB,
    ),
    Scenario(
        "deflate-compressed-length-too-long",
        h.deflate_too_long,
        args=_COMP,
        encrypted_alert=22,
        code="0A00008C",
        reason="compressed length too long",
        openssl=_NO_ZLIB,
    ),
]


_ALERT_NAMES = {10: "UNEXPECTED_MESSAGE", 20: "BAD_RECORD_MAC", 51: "DECRYPT_ERROR"}


def _run_client(prefix: list[str], port: int, args: tuple[str, ...]) -> tuple[Result, float]:
    t0 = time.monotonic()
    res = run([*prefix, "-connect", f"127.0.0.1:{port}", *args], stdin=b"", timeout=CLIENT_TIMEOUT)
    return res, time.monotonic() - t0


def _check_stderr(res: Result, sc: Scenario) -> None:
    assert_clean_stderr(res.stderr)
    errors = [line for line in res.stderr.splitlines() if re.match(r"^[0-9A-Fa-f]+:error:", line)]
    assert errors, f"no OpenSSL-style error line on stderr:\n{res.stderr}"
    pat = re.compile(
        r"^[0-9A-Fa-f]+:error:(?P<code>[0-9A-F]{8}):SSL routines:[^:]*:"
        + re.escape(sc.reason)
        + r":"
    )
    ssl_lines = [line for line in errors if pat.match(line)]
    assert ssl_lines, f"no error line with reason {sc.reason!r}:\n{res.stderr}"
    m = pat.match(ssl_lines[-1])
    assert m is not None
    if sc.code:
        assert m.group("code") == sc.code, (
            f"error code {m.group('code')}, OpenSSL 3.0 says {sc.code}"
        )
    if sc.extra:
        assert sc.extra in ssl_lines[-1]


def _check_alert(sent: bytes, sc: Scenario, decrypt: object | None = None) -> None:
    recs = t.records_of(sent)
    alerts = [(v, p) for ctype, v, p in recs if ctype == t.ALERT]
    if sc.alert is None and sc.encrypted_alert is None:
        assert not alerts, (
            f"client sent alert(s) {[(hex(v), p.hex()) for v, p in alerts]}, expected none"
        )
        return
    assert alerts, (
        f"client sent no alert; its records after the trigger: {[(c, hex(v), p.hex()) for c, v, p in recs]}"
    )
    version, payload = alerts[-1]
    if sc.alert is not None:
        want = (
            bytes([t.ALERT])
            + sc.alert[0].to_bytes(2, "big")
            + b"\x00\x02\x02"
            + bytes([sc.alert[1]])
        )
        got = (
            bytes([t.ALERT])
            + version.to_bytes(2, "big")
            + len(payload).to_bytes(2, "big")
            + payload
        )
        assert got.hex(" ") == want.hex(" "), "alert record on the wire"
    else:
        assert len(payload) > 2, f"expected an encrypted alert, got plaintext {payload.hex()}"
        if decrypt is not None:
            plain = decrypt.open(t.ALERT, payload)  # type: ignore[attr-defined]
            assert plain == bytes([2, sc.encrypted_alert]), f"decrypted alert {plain.hex()}"


@pytest.mark.parametrize("which", CLIENTS)
@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.id)
def test_hostile(sc: Scenario, which: str, pki: PKI) -> None:
    prefix = client_prefix(which)
    if sc.script is not None:
        srv = h.ScriptedServer(sc.script, pki).start()
        try:
            res, took = _run_client(prefix, srv.port, sc.args)
            srv.join(15)
        finally:
            srv.stop()
        assert srv.error is None, (
            f"the scripted server failed: {srv.error!r}\nclient stderr:\n{res.stderr}"
        )
        decrypt = srv.conn.notes.get("client_keys") if srv.conn else None
        sent = srv.response
        server_saw = None
    else:
        assert sc.relay is not None
        extra: dict[str, Any] = {}
        if sc.legacy:
            extra = {"min_version": ssl.TLSVersion.MINIMUM_SUPPORTED, "ciphers": "ALL:@SECLEVEL=0"}
        with (
            PyTLSServer(pki[sc.kind], **extra) as real,
            Relay(real.port, server_hook=sc.relay()) as relay,
        ):
            res, took = _run_client(prefix, relay.port, sc.args)
            deadline = time.monotonic() + 5
            while not real.errors and time.monotonic() < deadline:
                time.sleep(0.02)
            sent = bytes(relay.client_bytes[0]) if relay.client_bytes else b""
            server_saw = list(real.errors)
        decrypt = None
        # drop the ClientHello (and the client's second flight): only alerts matter
    assert res.rc == 1, f"exit status {res.rc}, expected 1\n--- stderr ---\n{res.stderr}"
    assert took < sc.limit, f"the client took {took:.1f}s"
    exp = sc.openssl if which == "openssl" and sc.openssl is not None else sc
    _check_stderr(res, exp)
    _check_alert(sent, exp, decrypt)
    if server_saw is not None and sc.encrypted_alert is not None:
        name = _ALERT_NAMES[sc.encrypted_alert]
        assert any(name in e for e in server_saw), (
            f"the real server saw {server_saw}, expected {name}"
        )


# --- a server that goes silent ---------------------------------------------------------------


@pytest.mark.parametrize("which", CLIENTS)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_silent_server_waits_then_signal_ends_it(sig: signal.Signals, which: str, pki: PKI) -> None:
    """Like openssl, the client waits for a server that never answers; a signal
    ends it promptly, quietly, with no traceback."""
    prefix = client_prefix(which)
    srv = h.ScriptedServer(h.silent, pki).start()
    try:
        with Proc([*prefix, "-connect", f"127.0.0.1:{srv.port}"], env=_env()) as proc:
            assert srv.connected.wait(10), "client never connected"
            time.sleep(1.5)
            assert proc.running(), (
                f"client gave up on a silent server (exit {proc.p.returncode}):\n"
                + (proc.err.data.decode(errors="replace"))
            )
            proc.send_signal(sig)
            rc = proc.wait(3.0)
            assert rc is not None, f"client still running 3s after {sig.name}"
            err = proc.err.data.decode(errors="replace")
    finally:
        srv.stop()
    assert "Traceback" not in err, err
    assert "KeyboardInterrupt" not in err, err
    # openssl dies of the signal (-N); a Python program may instead exit 128+N.
    assert rc in (-sig, 128 + sig), f"exit status {rc} after {sig.name}"


def test_relay_server_is_sane(pki: PKI) -> None:
    """The relay used above passes a clean handshake (so failures are the corruption's)."""
    with (
        PyTLSServer(pki["rsa"]) as real,
        Relay(real.port, server_hook=lambda c, v, p: [t.record(c, p, v)]) as r,
    ):
        res = run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{r.port}", "-tls1_2"],
            stdin=b"",
            timeout=15,
        )
    assert res.rc == 0, res.stderr
    assert real.handshakes and real.handshakes[0].version == "TLSv1.2"
    assert ssl.OPENSSL_VERSION  # the real server is OpenSSL through Python
