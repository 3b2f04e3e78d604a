"""RFC 8879 pieces of the engine: the compress_certificate extension codec,
the checks of ``certcomp.expand`` in OpenSSL 3.2+'s order, and the trace of
a CompressedCertificate where OpenSSL's trace gives up."""

from __future__ import annotations

import zlib

import pytest

from sclient.report.trace import render
from sclient.tls import certcomp
from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts
from sclient.tls.wire import extensions as X
from sclient.tls.wire.describe import Context, describe_handshake
from sclient.tls.wire.handshake import CompressedCertificate

CERT_BODY = b"\x00" + (5 + 3 + 2).to_bytes(3, "big") + b"\x00\x00\x05hello\x00\x00"


def test_extension_round_trip_and_malformed_lists() -> None:
    e = X.CompressCertificate((2, 1, 3))
    assert e.encode() == bytes.fromhex("001b000706000200010003")
    assert X.decode_extension(27, e.encode()[4:], X.Context.CR) == e
    for body in (b"\x00", b"\x03\x00\x01\x02", b"\x02\x00\x01\x00", b""):
        bad = X.decode_extension(27, body, X.Context.CR)
        assert isinstance(bad, X.Malformed) and bad.reason == "BAD_EXTENSION", body.hex()


@pytest.mark.parametrize(
    ("body", "prefs", "alert", "reason"),
    [
        (b"\x00", (1,), alerts.BAD_CERTIFICATE, "CERT_COMPRESSION_INTERNAL_ERROR"),
        (b"\x00\x02" + bytes(6), (1,), alerts.ILLEGAL_PARAMETER, "BAD_COMPRESSION_ALGORITHM"),
        (b"\x00\x07" + bytes(6), (), alerts.BAD_CERTIFICATE, "BAD_COMPRESSION_ALGORITHM"),
        (b"\x00\x01\x00\x00", (1,), alerts.BAD_CERTIFICATE, "BAD_CERT_DECOMPRESSION"),
        (b"\x00\x01" + bytes(6), (1,), alerts.DECODE_ERROR, "BAD_CERT_DECOMPRESSION"),
        (
            b"\x00\x01\x00\x00\x10\x00\x00\x02ab",
            (1,),
            alerts.BAD_CERTIFICATE,
            "BAD_CERT_DECOMPRESSION",
        ),
    ],
    ids=["no-algorithm", "not-offered", "unknown", "short-lengths", "empty-data", "corrupt"],
)
def test_expand_checks_in_openssl_order(
    body: bytes, prefs: tuple[int, ...], alert: int, reason: str
) -> None:
    with pytest.raises(LocalError) as e:
        certcomp.expand(prefs, CompressedCertificate(body))
    assert (e.value.alert, e.value.reason) == (alert, reason)


def test_expand_gives_the_exact_body() -> None:
    msg = CompressedCertificate.build(1, len(CERT_BODY), zlib.compress(CERT_BODY))
    assert certcomp.expand((2, 1, 3), msg) == CERT_BODY
    longer = CompressedCertificate.build(1, len(CERT_BODY) - 1, zlib.compress(CERT_BODY))
    with pytest.raises(LocalError):
        certcomp.expand((1,), longer)


def _trace(body: bytes) -> str:
    raw = bytes((25,)) + len(body).to_bytes(3, "big") + body
    return render(describe_handshake(raw, Context(from_server=True, tls13=True)))


def test_trace_of_an_unknown_algorithm_stops_with_the_parse_error() -> None:
    # ssl_print_compressed_certificates: ossl_comp_has_alg fails after the dump
    text = _trace(b"\x00\x09\x00\x00\x20\x00\x00\x03abc")
    assert text == (
        "    CompressedCertificate, Length=11\n"
        "      Compression type=UNKNOWN (0x0009)\n"
        "      Uncompressed length=32\n"
        "      Compressed length=3, Ratio=10.666667:1\n"
        "      0000 - 61 62 63                                          abc\n"
        "Message length parse error!\n"
    )


def test_trace_of_a_stream_that_does_not_expand_ends_quietly() -> None:
    # COMP_expand_block fails: OpenSSL goes to err with ret still 1
    text = _trace(b"\x00\x01\x00\x00\x05\x00\x00\x00")
    assert text.endswith("      Compressed length=0, Ratio=unknown\n")
    good = zlib.compress(CERT_BODY)
    ok = _trace(
        b"\x00\x01" + len(CERT_BODY).to_bytes(3, "big") + len(good).to_bytes(3, "big") + good
    )
    assert "      certificate_list, length=10\n" in ok
    assert "        ASN.1Cert, length=5<UNPARSEABLE CERTIFICATE>\n" in ok
