"""Identity matching (``sclient.x509.identity``) against OpenSSL 3.0's rules.

Each case is checked twice: against the expectation written here (so the test
stands without the oracle) and against ``openssl x509 -checkhost/-checkemail/
-checkip``, which calls ``X509_check_host``/``_email``/``_ip_asc`` with flags 0,
the flags s_client uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import subprocess
from pathlib import Path

import pytest
import x509_oracle as oracle
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier

from sclient.x509 import identity
from sclient.x509.cert import Certificate

needs_openssl = pytest.mark.skipif(
    not oracle.available(), reason="openssl 3.0 binary not available"
)

_SMTP_UTF8 = ObjectIdentifier("1.3.6.1.5.5.7.8.9")


@functools.cache
def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _utf8_der(s: str) -> bytes:
    b = s.encode()
    return bytes([0x0C, len(b)]) + b


def make_cert(
    *,
    cn: tuple[str, ...] = ("subject",),
    email: tuple[str, ...] = (),
    dns: tuple[str, ...] = (),
    rfc822: tuple[str, ...] = (),
    ips: tuple[str, ...] = (),
    smtp_utf8: tuple[str, ...] = (),
    uri: tuple[str, ...] = (),
) -> bytes:
    """A self-signed certificate with the given subject CNs/emailAddresses and SANs."""
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Identity Tests")]
    attrs += [x509.NameAttribute(NameOID.COMMON_NAME, c) for c in cn]
    attrs += [x509.NameAttribute(NameOID.EMAIL_ADDRESS, e) for e in email]
    name = x509.Name(attrs)
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    b = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(_key().public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
    )
    gens: list[x509.GeneralName] = []
    gens += [x509.DNSName(d) for d in dns]
    gens += [x509.RFC822Name._init_without_validation(r) for r in rfc822]
    gens += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    gens += [x509.OtherName(_SMTP_UTF8, _utf8_der(m)) for m in smtp_utf8]
    gens += [x509.UniformResourceIdentifier(u) for u in uri]
    if gens:
        b = b.add_extension(x509.SubjectAlternativeName(gens), critical=False)
    return b.sign(_key(), hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def openssl_check(der: bytes, what: str, value: str, tmp: Path) -> bool:
    """``openssl x509 -check<what> value``: does it match?"""
    f = tmp / "c.pem"
    f.write_bytes(_pem(der))
    r = subprocess.run(
        [str(oracle.OPENSSL), "x509", "-in", str(f), "-noout", f"-check{what}", value],
        capture_output=True,
        timeout=20,
        check=True,
    )
    out = r.stdout.decode("utf-8", "replace")
    assert "match certificate" in out, out
    return "does NOT match" not in out


# (certificate knobs, reference name, expected match)
HOST_CASES: list[tuple[dict[str, tuple[str, ...]], str, bool]] = [
    # plain names, ASCII case-insensitive
    ({"dns": ("www.example.com",)}, "www.example.com", True),
    ({"dns": ("WWW.Example.COM",)}, "www.example.com", True),
    ({"dns": ("www.example.com",)}, "WWW.EXAMPLE.COM", True),
    ({"dns": ("www.example.com",)}, "example.com", False),
    # trailing dots are compared literally
    ({"dns": ("www.example.com",)}, "www.example.com.", False),
    ({"dns": ("www.example.com.",)}, "www.example.com", False),
    ({"dns": ("www.example.com.",)}, "www.example.com.", True),
    # full-label wildcards
    ({"dns": ("*.example.com",)}, "foo.example.com", True),
    ({"dns": ("*.example.com",)}, "FOO.EXAMPLE.com", True),
    ({"dns": ("*.example.com",)}, "example.com", False),
    ({"dns": ("*.example.com",)}, "a.b.example.com", False),
    ({"dns": ("*.example.com",)}, "xn--bcher-kva.example.com", True),
    ({"dns": ("*.example.com",)}, "-foo.example.com", True),
    ({"dns": ("*.example.com",)}, "foo_bar.example.com", False),
    ({"dns": ("*.example.com",)}, "*.example.com", True),
    ({"dns": ("*.example.com",)}, ".example.com", True),
    ({"dns": ("*.example.com.",)}, "foo.example.com.", False),
    ({"dns": ("*.com",)}, "example.com", False),
    ({"dns": ("*.com",)}, "*.com", True),
    # partial wildcards: allowed at the start or end of the first label, never in IDNA
    ({"dns": ("f*.example.com",)}, "foo.example.com", True),
    ({"dns": ("f*.example.com",)}, "f.example.com", True),
    ({"dns": ("*o.example.com",)}, "foo.example.com", True),
    ({"dns": ("*o.example.com",)}, "xn--o.example.com", False),
    ({"dns": ("fo*o.example.com",)}, "fooo.example.com", False),
    ({"dns": ("*f*.example.com",)}, "faf.example.com", False),
    ({"dns": ("xn--*.example.com",)}, "xn--a.example.com", False),
    ({"dns": ("foo.*.example.com",)}, "foo.bar.example.com", False),
    ({"dns": ("*.xn--kva.example.com",)}, "a.xn--kva.example.com", True),
    # a hyphen before the star leaves the label "ending in a hyphen": no wildcard at all
    ({"dns": ("a-*.example.com",)}, "a-b.example.com", False),
    ({"dns": ("a-*.example.com",)}, "a-*.example.com", True),
    ({"dns": ("*-a.example.com",)}, "b-a.example.com", True),
    ({"dns": ("-*.example.com",)}, "-b.example.com", False),
    # a leading dot in the reference name: any subdomain
    ({"dns": ("www.example.com",)}, ".example.com", True),
    ({"dns": ("a.b.example.com",)}, ".example.com", True),
    ({"dns": ("example.com",)}, ".example.com", False),
    ({"dns": ("wwwexample.com",)}, ".example.com", False),
    # SAN vs CN: the CN counts only without any dNSName SAN
    ({"cn": ("cn.example.com",), "dns": ("www.example.com",)}, "cn.example.com", False),
    ({"cn": ("cn.example.com",), "rfc822": ("a@b.c",)}, "cn.example.com", True),
    ({"cn": ("cn.example.com",), "ips": ("192.0.2.1",)}, "CN.example.com", True),
    ({"cn": ("*.example.com",)}, "a.example.com", True),
    ({"cn": ("first.example.com", "second.example.com")}, "second.example.com", True),
    ({"cn": ("cn.example.com",), "dns": ("",)}, "cn.example.com", False),
    ({"cn": ("cn.example.com",), "uri": ("https://x.example.com/",)}, "cn.example.com", True),
    ({"dns": ("a.example.com", "b.example.com")}, "b.example.com", True),
    ({"dns": ("192.0.2.1",)}, "192.0.2.1", True),
    ({"ips": ("192.0.2.1",)}, "192.0.2.1", False),
    # non-ASCII CN: compared as UTF-8, only ASCII letters fold
    ({"cn": ("bücher.example",)}, "bücher.example", True),
    ({"cn": ("BÜCHER.example",)}, "bücher.example", False),
]

EMAIL_CASES: list[tuple[dict[str, tuple[str, ...]], str, bool]] = [
    ({"rfc822": ("User@Example.COM",)}, "User@example.com", True),
    ({"rfc822": ("User@Example.COM",)}, "User@EXAMPLE.COM", True),
    ({"rfc822": ("User@Example.COM",)}, "user@Example.COM", False),
    ({"rfc822": ("user@example.com",)}, "user@example.co", False),
    ({"email": ("admin@example.com",)}, "admin@example.com", True),
    ({"email": ("admin@example.com",)}, "admin@EXAMPLE.com", True),
    ({"email": ("admin@example.com",)}, "Admin@example.com", False),
    ({"email": ("admin@example.com",), "dns": ("example.com",)}, "admin@example.com", True),
    ({"email": ("admin@example.com",), "rfc822": ("x@example.com",)}, "admin@example.com", False),
    ({"rfc822": ("nodomain",)}, "nodomain", True),
    ({"rfc822": ("nodomain",)}, "NODOMAIN", False),
    ({"rfc822": ("a@b@Example.com",)}, "a@b@example.COM", True),
    ({"rfc822": ("a@B@example.com",)}, "a@b@example.com", False),
    ({"cn": ("admin@example.com",)}, "admin@example.com", False),
    ({"smtp_utf8": ("üser@example.com",)}, "üser@example.com", True),
    ({"smtp_utf8": ("üser@example.com",)}, "üser@EXAMPLE.com", True),
]

IP_CASES: list[tuple[dict[str, tuple[str, ...]], str, bool]] = [
    ({"ips": ("192.0.2.1",)}, "192.0.2.1", True),
    ({"ips": ("192.0.2.1",)}, "192.0.2.01", True),
    ({"ips": ("192.0.2.1",)}, "192.0.2.2", False),
    ({"ips": ("192.0.2.1",)}, "::ffff:192.0.2.1", False),
    ({"ips": ("2001:db8::1",)}, "2001:DB8:0:0:0:0:0:1", True),
    ({"ips": ("2001:db8::1",)}, "2001:db8::0.0.0.1", True),
    ({"ips": ("2001:db8::1",)}, "2001:db8::2", False),
    ({"ips": ("::ffff:192.0.2.1",)}, "::ffff:192.0.2.1", True),
    ({"ips": ("10.0.0.1", "::1")}, "::1", True),
    ({"cn": ("192.0.2.1",)}, "192.0.2.1", False),
    ({"dns": ("192.0.2.1",)}, "192.0.2.1", False),
]


def _id(case: tuple[dict[str, tuple[str, ...]], str, bool]) -> str:
    knobs, name, ok = case
    return f"{knobs}-{name}-{ok}"


@pytest.mark.parametrize("case", HOST_CASES, ids=_id)
def test_check_host(case: tuple[dict[str, tuple[str, ...]], str, bool], tmp_path: Path) -> None:
    knobs, name, expected = case
    der = make_cert(**knobs)
    rv, peer = identity.check_host(Certificate(der), name)
    assert (rv > 0) == expected
    if expected:
        assert peer is not None
    if oracle.available():
        assert openssl_check(der, "host", name, tmp_path) == expected


@pytest.mark.parametrize("case", EMAIL_CASES, ids=_id)
def test_check_email(case: tuple[dict[str, tuple[str, ...]], str, bool], tmp_path: Path) -> None:
    knobs, email, expected = case
    der = make_cert(**knobs)
    assert (identity.check_email(Certificate(der), email) > 0) == expected
    if oracle.available():
        assert openssl_check(der, "email", email, tmp_path) == expected


@pytest.mark.parametrize("case", IP_CASES, ids=_id)
def test_check_ip(case: tuple[dict[str, tuple[str, ...]], str, bool], tmp_path: Path) -> None:
    knobs, text, expected = case
    der = make_cert(**knobs)
    ip = identity.parse_ip(text)
    assert ip is not None
    assert (identity.check_ip(Certificate(der), ip) > 0) == expected
    if oracle.available():
        assert openssl_check(der, "ip", text, tmp_path) == expected


def test_peername_is_the_certificate_name() -> None:
    c = Certificate(make_cert(dns=("other.example.net", "*.Example.com")))
    assert identity.check_host(c, "www.example.COM") == (1, "*.Example.com")
    c = Certificate(make_cert(cn=("Host.Example.com",)))
    assert identity.check_host(c, "host.example.com") == (1, "Host.Example.com")
    assert identity.check_host(c, "nothere.example.com") == (0, None)


# (text, parsed address or None when a2i_ipadd refuses it)
PARSE_CASES: list[tuple[str, bytes | None]] = [
    ("1.2.3.4", bytes([1, 2, 3, 4])),
    ("01.2.3.4", bytes([1, 2, 3, 4])),
    (" 1.2.3.4", bytes([1, 2, 3, 4])),
    ("1.2.3.4 ", bytes([1, 2, 3, 4])),
    ("1. 2.3.4", bytes([1, 2, 3, 4])),
    ("+1.2.3.4", bytes([1, 2, 3, 4])),
    ("-0.2.3.4", bytes([0, 2, 3, 4])),
    ("1 .2.3.4", None),
    ("1.2.3", None),
    ("1.2.3.4x", None),
    ("1.2.3.4.5", None),
    ("256.1.1.1", None),
    ("", None),
    ("localhost", None),
    ("::", bytes(16)),
    ("::1", bytes(15) + b"\x01"),
    ("1::", b"\x00\x01" + bytes(14)),
    (":::", None),
    ("1:2:3:4:5:6:7:8", bytes.fromhex("00010002000300040005000600070008")),
    ("1:2:3:4:5:6:7:8:9", None),
    ("1:2:3:4:5:6:7::", bytes.fromhex("00010002000300040005000600070000")),
    ("::1:2:3:4:5:6:7", bytes.fromhex("00000001000200030004000500060007")),
    ("1:2:3:4:5:6:7:8::", None),
    ("1::2::3", None),
    (":1", None),
    ("1:", None),
    ("::ffff:1.2.3.4", bytes(10) + b"\xff\xff\x01\x02\x03\x04"),
    ("1:2:3:4:5:6:1.2.3.4", bytes.fromhex("000100020003000400050006") + b"\x01\x02\x03\x04"),
    ("1:2:3:4:5:6:7:1.2.3.4", None),
    ("1.2.3.4::", None),
    ("12345::", None),
    ("g::1", None),
    ("ABCD::ef", bytes.fromhex("abcd") + bytes(12) + bytes.fromhex("00ef")),
    ("fe80::1%eth0", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), PARSE_CASES, ids=[c[0] or "empty" for c in PARSE_CASES]
)
def test_parse_ip(text: str, expected: bytes | None, tmp_path: Path) -> None:
    assert identity.parse_ip(text) == expected
    if oracle.available() and text:
        # x509 -checkip reports an unparsable address as a match (X509_check_ip_asc's -2)
        # and a parsable one that the certificate lacks as "does NOT match".
        der = make_cert(ips=("203.0.113.9",))
        assert openssl_check(der, "ip", text, tmp_path) == (expected is None)


def test_malformed_names_do_not_match() -> None:
    # a SAN extension that does not decode: no SAN at all, so the CN is used
    base = make_cert(cn=("cn.example.com",), dns=("www.example.com",))
    c = Certificate(base)
    assert identity.check_host(c, "www.example.com")[0] == 1
    assert identity.check_host(c, "cn.example.com")[0] == 0
    assert identity.parse_ip("1.2.3.4\0junk") == bytes([1, 2, 3, 4])
    assert identity.check_host(c, "www.example.com\0")[0] == 1
    assert identity.check_host(c, "www\0.example.com")[0] == -2


def test_check_id_in_the_verifier() -> None:
    """62, 63, 64 in that order at depth 0, after the extension checks and before the
    signature pass; the matched name is the result's peername."""
    import scenarios
    from test_x509_verify import store_from_pems

    from sclient.x509.verify import VerifyParams, verify_chain

    p = scenarios.P()  # leaf: CN server.example.com, emailAddress admin@example.com, no SAN
    chain = [p.leaf.der, p.inter.der]
    store = store_from_pems([p.root.pem])

    def run(**kw: object) -> tuple[list[tuple[int, int, bool]], int, str | None]:
        res = verify_chain(
            chain,
            store,
            now=scenarios.NOW,
            params=VerifyParams(auth_level=2, **kw),  # type: ignore[arg-type]
        )
        return (
            [(c.depth, c.error if not c.ok else 0, c.ok) for c in res.calls],
            res.error,
            res.peername,
        )

    ok3 = [(2, 0, True), (1, 0, True), (0, 0, True)]
    assert run(hosts=("Server.Example.com",)) == (ok3, 0, "server.example.com")
    assert run(hosts=("nope.example.com", "server.example.com")) == (ok3, 0, "server.example.com")
    assert run(email="admin@example.com") == (ok3, 0, None)
    calls, err, peer = run(hosts=("x.test",), email="x@test", ip=bytes([10, 0, 0, 1]))
    assert calls == [(0, 62, False), (0, 63, False), (0, 64, False), *ok3]
    assert (err, peer) == (64, None)
    calls, err, _ = run(hosts=("x.test",), depth=0)
    assert calls == [(1, 22, False), (1, 20, False), (0, 62, False), (0, 0, True)]
    assert err == 62
