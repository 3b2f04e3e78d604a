"""DANE TLSA: s_client's rrdata parser, the library's record checks and order, and
``dane_verify`` in the verifier for every usage/selector/matching combination."""

from __future__ import annotations

import functools
import hashlib

import pki
import pytest
from cryptography.hazmat.primitives import serialization
from scenarios import NOW
from test_x509_verify import store_from_pems

from sclient.x509 import dane, errors
from sclient.x509.callback import render
from sclient.x509.verify import VerifyParams, verify_chain

# --- parse_rrdata (apps/s_client.c tlsa_import_rr) -------------------------------------------


def test_parse_rrdata_ok() -> None:
    assert dane.parse_rrdata("3 1 1 00ff") == (3, 1, 1, b"\x00\xff")
    # whitespace inside the data is ignored; strtol accepts a sign and leading blanks
    assert dane.parse_rrdata(" +3\t1  2 0a 0B\n") == (3, 1, 2, b"\x0a\x0b")
    assert dane.parse_rrdata("-0 0 0 00") == (0, 0, 0, b"\x00")


@pytest.mark.parametrize(
    ("rr", "field"),
    [
        ("x 1 1 00", "usage"),
        ("256 1 1 00", "usage"),
        ("-1 1 1 00", "usage"),
        ("3,1 1 00", "usage"),
        ("3 x 1 00", "selector"),
        ("3 1 1", "mtype"),  # no whitespace after the number
        ("3 1 1 zz", "data"),
        ("3 1 1 00 x", "data"),
        ("3 1 1 000", "data"),  # odd number of digits
    ],
)
def test_parse_rrdata_bad_field(rr: str, field: str) -> None:
    with pytest.raises(dane.RRDataFieldError) as e:
        dane.parse_rrdata(rr)
    assert e.value.field == field


@pytest.mark.parametrize("rr", ["3 1 1 ", "3 1 1 0", "3 1 1 \t"])
def test_parse_rrdata_short_data_is_fatal(rr: str) -> None:
    # hexdecode's app_malloc(strlen(rest) / 2 == 0) fails: "Could not allocate 0 bytes"
    with pytest.raises(dane.RRDataAllocError):
        dane.parse_rrdata(rr)


# --- make_record (dane_tlsa_add) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("u", "s", "m", "data", "reason"),
    [
        (4, 0, 0, b"\x00", "dane tlsa bad certificate usage"),
        (3, 2, 0, b"\x00", "dane tlsa bad selector"),
        (3, 0, 3, b"\x00", "dane tlsa bad matching type"),
        (3, 1, 1, b"\x00\x11", "dane tlsa bad digest length"),
        (3, 1, 2, b"\x00" * 32, "dane tlsa bad digest length"),
        (3, 1, 0, b"\x00\x11", "dane tlsa bad public key"),
        (3, 0, 0, b"\x00\x11", "dane tlsa bad certificate"),
        (3, 0, 0, b"\x30\x03\x02\x01\x01", "dane tlsa bad certificate"),
    ],
)
def test_make_record_rejects(u: int, s: int, m: int, data: bytes, reason: str) -> None:
    with pytest.raises(dane.TlsaAddError) as e:
        dane.make_record(u, s, m, data)
    assert e.value.errors[-1].reason == reason
    assert e.value.errors[-1].func == "dane_tlsa_add"


def test_asn1_error_stack_for_a_short_encoding() -> None:
    with pytest.raises(dane.TlsaAddError) as e:
        dane.make_record(3, 1, 0, b"\x00\x11")
    assert [x.reason for x in e.value.errors] == [
        "wrong tag",
        "nested asn1 error",
        "dane tlsa bad public key",
    ]
    with pytest.raises(dane.TlsaAddError) as e:
        dane.make_record(3, 0, 0, b"\x30\x11")
    assert [x.reason for x in e.value.errors] == [
        "too long",
        "bad object header",
        "nested asn1 error",
        "dane tlsa bad certificate",
    ]
    assert e.value.errors[2].data == "Type=X509"


def test_record_order_and_masks() -> None:
    d = dane.Dane("x")
    for u, s, m in [(1, 0, 1), (3, 0, 0), (3, 1, 1), (3, 1, 2), (2, 0, 1), (0, 1, 2)]:
        size = {0: 0, 1: 32, 2: 64}[m]
        data = b"\x01" * size if m else _chain().leaf.der
        d = d.add(dane.make_record(u, s, m, data))
    assert [(r.usage, r.selector, r.mtype) for r in d.records] == [
        (3, 1, 2),
        (3, 1, 1),
        (3, 0, 0),
        (2, 0, 1),
        (1, 0, 1),
        (0, 1, 2),
    ]
    assert d.has_ta and d.has_pkix and d.has_dane and d.has_dane_ta


def test_describe_tail() -> None:
    r = dane.make_record(3, 1, 1, bytes(range(32)))
    assert r.describe() == "3 1 1 ..." + bytes(range(20, 32)).hex()
    short = dane.TlsaRecord(3, 1, 0, b"\x01\x02")
    assert short.describe() == "3 1 0 0102"


# --- dane_verify -----------------------------------------------------------------------------


@functools.cache
def _chain() -> pki.Pki:
    from cryptography import x509

    san = x509.SubjectAlternativeName([x509.DNSName("dane.example")])
    return pki.build(now=NOW, leaf=pki.Role(key_kind="ec", extra=[(san, False)]))


def _rr(cert: pki.Cert, u: int, s: int, m: int) -> dane.TlsaRecord:
    data = (
        cert.der
        if s == 0
        else cert.cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    if m == 1:
        data = hashlib.sha256(data).digest()
    elif m == 2:
        data = hashlib.sha512(data).digest()
    return dane.make_record(u, s, m, data)


def _verify(
    records: list[dane.TlsaRecord],
    *,
    store: bool,
    domain: str = "dane.example",
    send_root: bool = False,
    no_ee_namechecks: bool = False,
):  # type: ignore[no-untyped-def]
    p = _chain()
    d = dane.Dane(domain, no_ee_namechecks=no_ee_namechecks)
    for r in records:
        d = d.add(r)
    sent = [p.leaf.der, p.inter.der] + ([p.root.der] if send_root else [])
    params = VerifyParams(auth_level=2, hosts=(domain,), dane=d)
    return verify_chain(
        sent, store_from_pems([p.root.pem]) if store else None, now=NOW, params=params
    )


def _calls(res) -> list[tuple[int, int, bool]]:  # type: ignore[no-untyped-def]
    return [(c.depth, c.error if not c.ok else 0, c.ok) for c in res.calls]


# (usage, selector, mtype) -> which certificate the record names, whether the trust store
# holds the root, the callback calls and the DANE line's "how" and depth
COMBOS = [(u, s, m) for u in range(4) for s in range(2) for m in range(3)]


@pytest.mark.parametrize(("u", "s", "m"), COMBOS, ids=lambda v: str(v))
def test_every_combination_that_can_pass(u: int, s: int, m: int) -> None:
    p = _chain()
    target = {0: p.inter, 1: p.leaf, 2: p.inter, 3: p.leaf}[u]
    res = _verify([_rr(target, u, s, m)], store=u in (0, 1))
    assert res.error == errors.OK, render(res).text
    assert res.peername == "dane.example"
    line = res.dane.authority_line
    depth = 0 if u in (1, 3) else 1
    how = "matched EE certificate" if depth == 0 else "matched TA certificate"
    assert line is not None and line.endswith(f"{how} at depth {depth}")
    if u == 3:
        assert _calls(res) == [(0, 0, True)]  # no chain building, only the leaf callback
    elif u == 2:
        assert _calls(res) == [(0, 0, True)]  # the matched intermediate is the trust anchor
    else:
        assert _calls(res) == [(2, 0, True), (1, 0, True), (0, 0, True)]


def test_dane_ta_bare_key_not_sent() -> None:
    p = _chain()
    res = _verify([_rr(p.root, 2, 1, 0)], store=False)
    assert res.error == errors.OK
    assert _calls(res) == [(1, 0, True), (0, 0, True)]
    assert res.dane.authority_line.endswith("signed the certificate at depth 1")


def test_dane_ta_full_cert_not_sent() -> None:
    p = _chain()
    res = _verify([_rr(p.root, 2, 0, 0)], store=False)
    assert res.error == errors.OK
    assert _calls(res) == [(2, 0, True), (1, 0, True), (0, 0, True)]
    assert res.dane.authority_line.endswith("matched TA certificate at depth 2")


def test_mismatch_ee_only() -> None:
    p = _chain()
    res = _verify([_rr(p.inter, 3, 1, 1)], store=False)
    assert res.error == errors.DANE_NO_MATCH
    assert _calls(res) == [(0, errors.DANE_NO_MATCH, False)]
    assert res.ok  # the callback continued: X509_verify_cert() returned 1


def test_mismatch_ta_reports_65_then_20() -> None:
    p = _chain()
    res = _verify([_rr(p.leaf, 2, 0, 1)], store=False)
    assert _calls(res) == [
        (1, errors.DANE_NO_MATCH, False),
        (1, errors.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, False),
        (0, 0, True),
    ]
    assert res.error == errors.UNABLE_TO_GET_ISSUER_CERT_LOCALLY


def test_pkix_needs_the_trust_store() -> None:
    p = _chain()
    res = _verify([_rr(p.leaf, 1, 1, 1)], store=False)
    assert res.error == errors.UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    assert res.dane.authority_line is not None  # recorded, but the result is an error


def test_pkix_ta_without_store_self_signed_in_chain() -> None:
    p = _chain()
    res = _verify([_rr(p.root, 0, 0, 0)], store=False)
    assert res.error == errors.SELF_SIGNED_CERT_IN_CHAIN


def test_name_checks() -> None:
    p = _chain()
    res = _verify([_rr(p.leaf, 3, 1, 1)], store=False, domain="other.example")
    assert _calls(res) == [(0, errors.HOSTNAME_MISMATCH, False), (0, 0, True)]
    assert res.error == errors.HOSTNAME_MISMATCH
    res = _verify(
        [_rr(p.leaf, 3, 1, 1)], store=False, domain="other.example", no_ee_namechecks=True
    )
    assert res.error == errors.OK and res.peername is None
    # -dane_ee_no_namechecks does not apply to TA matches
    res = _verify(
        [_rr(p.inter, 2, 0, 1)], store=False, domain="other.example", no_ee_namechecks=True
    )
    assert res.error == errors.HOSTNAME_MISMATCH


def test_digest_agility_ignores_weaker_digests() -> None:
    p = _chain()
    good256 = _rr(p.leaf, 3, 1, 1)
    bad512 = dane.make_record(3, 1, 2, b"\x00" * 64)
    # a SHA-512 record for the same usage/selector makes SHA-256 records irrelevant
    res = _verify([good256, bad512], store=False)
    assert res.error == errors.DANE_NO_MATCH
    # Full(0) is always considered
    res = _verify([bad512, _rr(p.leaf, 3, 1, 0)], store=False)
    assert res.error == errors.OK


def test_check_host() -> None:
    p = _chain()
    from sclient.x509.cert import Certificate

    leaf = Certificate(p.leaf.der)
    assert dane.check_host(leaf, "dane.example") == "dane.example"
    assert dane.check_host(leaf, "DANE.example") == "dane.example"
    # X509_check_host keeps a trailing dot (openssl x509 -checkhost "dane.example." fails)
    assert dane.check_host(leaf, "dane.example.") is None
    assert dane.check_host(leaf, "x.dane.example") is None
