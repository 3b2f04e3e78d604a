"""The verifier's per-process caches: decoded certificates, parsed times,
printed names. Bounded, and a cached answer is the answer decoding anew gives."""

from __future__ import annotations

import pytest
import scenarios
from scenarios import NOW, SCENARIOS, Scenario
from test_x509_verify import run, store_from_pems

from sclient.base import der
from sclient.x509 import asn1time, names
from sclient.x509 import cert as C
from sclient.x509.callback import render
from sclient.x509.verify import verify_chain


def _leaf_der() -> bytes:
    p, _, _ = scenarios._REGISTRY["trusted"].build()
    return bytes(p.leaf.der)


def _with_serial(cert_der: bytes, serial: int) -> bytes:
    """The certificate with another serial number (its signature no longer
    fits, which decoding does not look at)."""
    top = der.parse(cert_der)
    tbs, alg, sig = top.children()
    fields = tbs.children()
    i = 1 if fields[0].tag == 0xA0 else 0
    fields[i] = der.TLV(der.INTEGER, b"", der.encode_int(serial))
    new_tbs = der.encode(der.SEQUENCE, b"".join(f.raw for f in fields))
    return der.encode(der.SEQUENCE, new_tbs + alg.raw + sig.raw)


def test_decoded_certificate_is_kept_and_the_cache_is_bounded() -> None:
    leaf = _leaf_der()
    C._decoded.cache_clear()
    first = C.decoded(leaf)
    assert C.decoded(bytes(leaf)) is first  # equal bytes, not the same object
    assert C.decoded(bytearray(leaf)) is not first  # not hashable: decoded anew
    assert first.der == C.Certificate(leaf).der and first.serial == C.Certificate(leaf).serial
    for serial in range(1, C.DECODED_CACHE_SIZE + 20):
        assert C.decoded(_with_serial(leaf, serial)).serial == serial
    info = C._decoded.cache_info()
    assert info.maxsize == C.DECODED_CACHE_SIZE == 64
    assert info.currsize == C.DECODED_CACHE_SIZE
    assert C.decoded(leaf) is not first  # pushed out, decoded again


def test_undecodable_certificate_fails_every_time() -> None:
    for _ in range(2):
        with pytest.raises(C.CertificateError):
            C.decoded(b"\x30\x03\x02\x01\x01")


def test_a_certificate_sent_twice_is_two_objects() -> None:
    p, sent, _ = scenarios._REGISTRY["trusted"].build()
    leaf = bytes(p.leaf.der)
    inter = bytes(sent[0].der)
    res = verify_chain([leaf, inter, inter], None, now=NOW)
    untrusted = [c for c in res.chain[: res.num_untrusted]]
    assert len({id(c) for c in untrusted}) == len(untrusted)
    from sclient.x509.verify import _as_certs

    a, b, c = _as_certs([leaf, inter, inter])
    assert b is not c and b == c and a is C.decoded(leaf)


@pytest.mark.parametrize("s", SCENARIOS[:40], ids=lambda s: s.name)
def test_verifying_from_the_caches_gives_the_same_answer(s: Scenario) -> None:
    """Each scenario verified with every cache empty, then from the caches."""
    if s.name.startswith(("root-reject", "root-trust", "inter-trust")):
        pytest.skip("needs openssl to make TRUSTED CERTIFICATE files")
    C._decoded.cache_clear()
    asn1time._parsed.cache_clear()
    asn1time._posix_strict.cache_clear()
    p, sent, ca = s.build()
    chain = [p.leaf.der] + [c.der for c in sent]
    cold = verify_chain(chain, store_from_pems(ca), now=NOW, params=s.params)
    warm = verify_chain(chain, store_from_pems(ca), now=NOW, params=s.params)
    assert (warm.ok, warm.error, warm.error_depth) == (cold.ok, cold.error, cold.error_depth)
    assert render(warm, s.opts).lines == render(cold, s.opts).lines
    assert render(run(s), s.opts).lines == render(cold, s.opts).lines


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (asn1time.UTCTIME, b"250101000000Z"),
        (asn1time.UTCTIME, b"491231235959Z"),
        (asn1time.UTCTIME, b"5001010000Z"),
        (asn1time.GENERALIZEDTIME, b"20250101000000Z"),
        (asn1time.GENERALIZEDTIME, b"20250101000000.5Z"),
        (asn1time.GENERALIZEDTIME, b"20250101000000+0130"),
        (asn1time.GENERALIZEDTIME, b"2025013100000Z"),
        (asn1time.UTCTIME, b"991302000000Z"),
        (-1, b"250101000000Z"),
    ],
)
def test_parsed_times_are_those_parsing_anew_gives(kind: int, text: bytes) -> None:
    t = asn1time.Asn1Time(kind, text)
    for _ in range(2):
        assert t.posix_strict() == t._posix_strict_uncached()
        assert t._parse(strict=False) == t._parse_uncached(strict=False)
        assert t._parse(strict=True) == t._parse_uncached(strict=True)
    assert asn1time.Asn1Time(kind, bytearray(text)).print() == t.print()


def test_time_caches_are_bounded() -> None:
    asn1time._posix_strict.cache_clear()
    for day in range(1, 29):
        for hour in range(24):
            asn1time.Asn1Time(asn1time.UTCTIME, b"2501%02d%02d0000Z" % (day, hour)).posix_strict()
    assert asn1time._posix_strict.cache_info().currsize == asn1time.PARSED_CACHE_SIZE
    assert asn1time._parsed.cache_info().maxsize == asn1time.PARSED_CACHE_SIZE


def test_printed_name_is_kept_per_name_and_options() -> None:
    name = C.decoded(_leaf_der()).subject
    flags = (names.XN_FLAG_ONELINE, names.XN_FLAG_RFC2253, names.XN_FLAG_MULTILINE)
    for f in flags:
        for indent in (0, 4):
            want = names.print_ex_bytes(name, f, indent).decode("utf-8", "surrogateescape")
            assert names.print_ex(name, f, indent) == want
            assert names.print_ex(name, f, indent) == want
    assert len({names.print_ex(name, f) for f in flags}) == len(flags)
    assert len(name._printed) == 2 * len(flags)


def test_key_security_bits_are_kept_per_certificate_and_bounded() -> None:
    from sclient.x509 import verify as V

    leaf = _leaf_der()
    cert = C.decoded(leaf)
    assert V._cert_key_bits(cert) == V.key_security_bits(cert.public_key) > 0
    assert V._cert_key_bits(C.Certificate(leaf)) == V._cert_key_bits(cert)  # by DER
    assert V._cert_key_bits.cache_info().maxsize == C.DECODED_CACHE_SIZE


def test_common_objects_are_openssls_rows() -> None:
    """The short table looked up before OpenSSL's whole object table holds
    exactly that table's rows: a name, NID or long name copied wrong there
    would print differently from openssl."""
    from sclient.x509 import oids
    from sclient.x509._objects import OBJECTS

    assert oids._COMMON, "no common rows"
    wrong = {oid: row for oid, row in oids._COMMON.items() if OBJECTS.get(oid) != row}
    assert not wrong, wrong
    for oid in ("2.5.4.3", "1.2.840.10045.4.3.2", "1.2.840.113549.1.1.11"):
        assert oids.sn(oid) == OBJECTS[oid][1] and oids.ln(oid) == OBJECTS[oid][2]
    # an object outside the short table still comes from the whole one
    assert oids.sn("1.3.6.1.5.5.7.1.1") == OBJECTS["1.3.6.1.5.5.7.1.1"][1] == "authorityInfoAccess"
    assert (
        not oids.known("1.2.3.4.5.6.7.8.9") and oids.sn("1.2.3.4.5.6.7.8.9") == "1.2.3.4.5.6.7.8.9"
    )
