"""Name rendering vs ``openssl x509 -noout -subject -nameopt …`` (OpenSSL 3.0)."""

from __future__ import annotations

import functools

import pki
import pytest
import x509_oracle as oracle

from sclient.base import der
from sclient.x509 import names
from sclient.x509.cert import Certificate, CertificateError
from sclient.x509.names import Name

needs_openssl = pytest.mark.skipif(
    not oracle.available(), reason="openssl 3.0 binary not available"
)

UTF8, PRINTABLE, T61, IA5, BMP, UNIVERSAL, NUMERIC, VISIBLE, GENERAL = (
    12,
    19,
    20,
    22,
    30,
    28,
    18,
    26,
    27,
)

CN, ORG, OU, C, L, ST = "2.5.4.3", "2.5.4.10", "2.5.4.11", "2.5.4.6", "2.5.4.7", "2.5.4.8"
EMAIL, SERIAL, DC, UID = (
    "1.2.840.113549.1.9.1",
    "2.5.4.5",
    "0.9.2342.19200300.100.1.25",
    "0.9.2342.19200300.100.1.1",
)


def _oid(oid: str) -> bytes:
    return names._oid_der(oid)


def ava(oid: str, tag: int, value: bytes | str) -> bytes:
    if isinstance(value, str):
        value = value.encode("utf-8")
    return der.encode(der.SEQUENCE, _oid(oid) + der.encode(tag, value))


def ava_raw(oid: str, value_tlv: bytes) -> bytes:
    return der.encode(der.SEQUENCE, _oid(oid) + value_tlv)


def name_der(*rdns: bytes | list[bytes]) -> bytes:
    """Each argument is one AVA or a list of AVAs (a multi-valued RDN, kept in the
    given order: SET OF sorting is the encoder's job, so sort to stay DER)."""
    body = b""
    for r in rdns:
        avas = r if isinstance(r, list) else [r]
        body += der.encode(der.SET, b"".join(sorted(avas)))
    return der.encode(der.SEQUENCE, body)


NAMES: dict[str, bytes] = {
    "plain": name_der(
        ava(C, PRINTABLE, "US"), ava(ORG, UTF8, "Test Org"), ava(CN, UTF8, "Test Root CA")
    ),
    "comma": name_der(ava(ORG, UTF8, "Example, Inc."), ava(CN, UTF8, "x")),
    "plus": name_der(ava(CN, UTF8, "a+b")),
    "quotes": name_der(ava(CN, UTF8, 'He said "hi"')),
    "backslash": name_der(ava(CN, UTF8, "back\\slash")),
    "spaces": name_der(ava(CN, UTF8, " lead"), ava(ORG, UTF8, "trail "), ava(OU, UTF8, "in  side")),
    "hash": name_der(
        ava(CN, UTF8, "#hash"), ava(ORG, UTF8, "#"), ava(OU, UTF8, " "), ava(L, UTF8, "a#")
    ),
    "specials": name_der(
        ava(L, UTF8, "x=y;z<>"), ava(ST, UTF8, "semi;colon"), ava(CN, UTF8, "a,b+c")
    ),
    "utf8": name_der(ava(ORG, UTF8, "Müller & Söhne"), ava(CN, UTF8, "日本"), ava(OU, UTF8, "😀x")),
    "bmp": name_der(
        ava(CN, BMP, "Zoë 日".encode("utf-16-be")), ava(ORG, UNIVERSAL, "Zoë😀".encode("utf-32-be"))
    ),
    "t61": name_der(ava(CN, T61, b"caf\xe9"), ava(ORG, PRINTABLE, "Printable")),
    "control": name_der(ava(CN, UTF8, "a\x01b\tc\nd\x7fe"), ava(ORG, IA5, b"\x00nul")),
    "empty": name_der(ava(CN, UTF8, ""), ava(ORG, PRINTABLE, "x")),
    "multivalued": name_der(
        ava(C, PRINTABLE, "DE"), [ava(OU, UTF8, "b"), ava(OU, UTF8, "a")], ava(CN, UTF8, "x")
    ),
    "mv-mixed": name_der(
        [ava(CN, UTF8, "host"), ava(UID, UTF8, "jdoe")],
        ava(DC, IA5, "example"),
        ava(DC, IA5, "com"),
    ),
    "unknown-oid": name_der(ava("1.2.3.4", UTF8, "unk"), ava(CN, UTF8, "x")),
    "unknown-nonstring": name_der(
        ava_raw("1.2.3.4.5", der.encode(der.BIT_STRING, b"\x04\xf0")),
        ava_raw(CN, der.encode(der.SEQUENCE, der.encode(der.INTEGER, b"\x05"))),
        ava_raw(ORG, der.encode(0x07, b"od")),
    ),
    "email-serial": name_der(
        ava(EMAIL, IA5, "admin@example.com"), ava(SERIAL, PRINTABLE, "12345"), ava(CN, UTF8, "e")
    ),
    "numeric": name_der(
        ava(CN, NUMERIC, "0123 45"), ava(ORG, UNIVERSAL, b"\x00\x00\x00A\x00\x00\x00\xe9")
    ),
    "latin1-t61-msb": name_der(ava(CN, T61, b"\xff\x80 \xa0")),
    "known-long": name_der(
        ava("2.5.4.97", UTF8, "VATDE-123"), ava("1.3.6.1.4.1.311.60.2.1.3", PRINTABLE, "DE")
    ),
    "slash": name_der(ava(CN, UTF8, "a/b"), ava(ORG, UTF8, "c/O=d")),
    "dn-single-space-and-hash": name_der(ava(CN, UTF8, "# "), ava(ORG, UTF8, "  ")),
    "quote-only": name_der(ava(CN, UTF8, '"'), ava(ORG, UTF8, "\\")),
    "mv-specials": name_der(
        [ava(CN, UTF8, " a,b "), ava(ORG, UTF8, "+#"), ava(OU, UTF8, "")], ava(L, UTF8, "ok")
    ),
    "ia5-msb-ctrl": name_der(ava(CN, IA5, b"\x1b[0m\xc3\xa9"), ava(ORG, UTF8, "tab\there")),
    "bmp-specials": name_der(ava(CN, BMP, ' "q", +p '.encode("utf-16-be"))),
}

NAMEOPTS = [
    "oneline",
    "RFC2253",
    "compat",
    "multiline",
    "utf8",
    "oneline,-esc_msb",
    "esc_2253,esc_msb",
    "oneline,lname",
    "oneline,oid",
    "oneline,align",
    "oneline,dn_rev",
    "oneline,show_type",
    "oneline,dump_all",
    "oneline,dump_all,dump_der",
    "oneline,-space_eq",
    "oneline,nofname",
    "oneline,-use_quote",
    "oneline,-esc_2253",
    "sep_comma_plus",
    "sep_semi_plus_space,esc_ctrl",
    "RFC2253,-esc_msb",
    "oneline,esc_2254",
    "oneline,ignore_type",
    "oneline,dump_unknown",
    "multiline,utf8,-esc_msb",
    "RFC2253,show_type",
    # every flag word on its own, and the remaining presets
    "esc_ctrl",
    "esc_msb",
    "use_quote",
    "esc_2253,use_quote",
    "dump_nostr",
    "dump_der,dump_all",
    "sep_multiline",
    "space_eq,sname",
    "ca_default",
    "dump_unknown,oid",
    "sep_comma_plus_space,ignore_type,show_type",
    "multiline,dn_rev,oid,-align",
    "oneline,-sname,nofname,sep_multiline",
    "RFC2253,-dump_der,dump_all",
    "compat,utf8",
    "oneline:value, +lname",
]


@functools.cache
def _cert(key: str) -> Certificate:
    return Certificate(_cert_der(key))


@functools.cache
def _cert_der(key: str) -> bytes:
    """A certificate (signature irrelevant) whose subject is NAMES[key]."""
    base = pki.make(
        "/CN=base", not_before=0, not_after=2**31 - 1, ca=False, key_kind="ec", slot="names"
    )
    fields = pki.tbs_fields(base.der)
    fields[5] = NAMES[key]
    return pki.assemble(
        fields,
        base.key,
        sig_alg=pki.alg_id(pki.SIG_ALGS[("ec", "sha256")], False),
        hash_name="sha256",
    )


def _pem(key: str) -> bytes:
    from sclient.base.pem import certificate_pem

    return certificate_pem(_cert_der(key)).encode()


def _flags(opt: str) -> int:
    return names.set_name_ex(0, opt)


@needs_openssl
@pytest.mark.parametrize("nameopt", NAMEOPTS)
@pytest.mark.parametrize("key", sorted(NAMES))
def test_print_name_matches_openssl(key: str, nameopt: str) -> None:
    expected = oracle.x509_subject(_pem(key), nameopt)
    got = names.print_name(_cert(key).subject, _flags(nameopt)).encode("utf-8", "surrogateescape")
    assert got == expected


def test_oneline_examples_from_spec() -> None:
    n = _cert("plain").subject
    assert names.print_ex(n) == "C = US, O = Test Org, CN = Test Root CA"
    assert names.print_ex(_cert("comma").subject) == 'O = "Example, Inc.", CN = x'
    assert names.print_ex(_cert("multivalued").subject) == "C = DE, OU = a + OU = b, CN = x"
    assert names.print_ex(_cert("utf8").subject).startswith("O = M\\C3\\BCller & S\\C3\\B6hne")
    assert names.print_ex(_cert("spaces").subject) == 'CN = " lead", O = "trail ", OU = in  side'


def test_compat_via_print_ex_is_x509_name_print() -> None:
    # X509_NAME_print_ex(flags=0) uses X509_NAME_print: "/" boundaries become ", "
    n = _cert("plain").subject
    assert names.print_ex(n, names.XN_FLAG_COMPAT) == "C=US, O=Test Org, CN=Test Root CA"
    assert names.print_name(n, names.XN_FLAG_COMPAT) == "/C=US/O=Test Org/CN=Test Root CA"
    assert names.print_ex(_cert("multivalued").subject, 0) == "C=DE, OU=a+OU=b, CN=x"


@needs_openssl
@pytest.mark.parametrize("key", sorted(NAMES))
def test_name_hash_matches_openssl(key: str) -> None:
    assert f"{_cert(key).subject.hash():08x}" == oracle.x509_hash(_pem(key))
    assert f"{_cert(key).subject.hash_old():08x}" == oracle.x509_hash(_pem(key), old=True)


def test_canonical_comparison() -> None:
    a = Name.from_der(name_der(ava(CN, UTF8, "  Hello   World ")))
    b = Name.from_der(name_der(ava(CN, PRINTABLE, "hello world")))
    c = Name.from_der(name_der(ava(CN, BMP, "HELLO WORLD".encode("utf-16-be"))))
    d = Name.from_der(name_der(ava(CN, UTF8, "hello  worlds")))
    assert a == b == c
    assert a != d
    assert a.hash() == b.hash() == c.hash()
    # non-ASCII is not case-folded
    assert Name.from_der(name_der(ava(CN, UTF8, "É"))) != Name.from_der(
        name_der(ava(CN, UTF8, "é"))
    )
    # a different RDN structure is a different name
    two = Name.from_der(name_der(ava(OU, UTF8, "a"), ava(OU, UTF8, "b")))
    mv = Name.from_der(name_der([ava(OU, UTF8, "a"), ava(OU, UTF8, "b")]))
    assert two != mv


@pytest.mark.parametrize(
    "bad",
    [
        name_der(ava(CN, UTF8, b"\xc3(")),  # invalid UTF-8 cannot be canonicalised
        name_der(ava(CN, VISIBLE, "v")),  # VisibleString is not an ASN1_PRINTABLE type
        name_der(ava(CN, GENERAL, "g")),
        name_der(ava_raw(CN, der.encode(der.OCTET_STRING, b"o"))),
        name_der(ava_raw(CN, der.encode(der.INTEGER, b"\x01"))),
        name_der(ava_raw(CN, der.encode(0x80, b"ctx"))),
    ],
)
def test_undecodable_names(bad: bytes) -> None:
    with pytest.raises(ValueError):
        Name.from_der(bad)
    base = pki.make(
        "/CN=base", not_before=0, not_after=2**31 - 1, ca=False, key_kind="ec", slot="names"
    )
    fields = pki.tbs_fields(base.der)
    fields[5] = bad
    data = pki.assemble(
        fields,
        base.key,
        sig_alg=pki.alg_id(pki.SIG_ALGS[("ec", "sha256")], False),
        hash_name="sha256",
    )
    with pytest.raises(CertificateError):
        Certificate(data)
    if oracle.available():
        from sclient.base.pem import certificate_pem

        assert oracle.x509_subject_fails(certificate_pem(data).encode())


def test_nameopt_parsing() -> None:
    assert names.set_name_ex(0, "oneline") == names.XN_FLAG_ONELINE
    assert names.set_name_ex(0, "RFC2253") == names.XN_FLAG_RFC2253
    assert names.set_name_ex(0, "compat") == 0
    # no separator given: sep_comma_plus_space is added
    assert (
        names.set_name_ex(0, "utf8")
        == names.ASN1_STRFLGS_UTF8_CONVERT | names.XN_FLAG_SEP_CPLUS_SPC
    )
    # case-insensitive, spaces after commas, +/- prefixes
    f = names.set_name_ex(0, "ONELINE, -esc_msb,+lname")
    assert (
        f
        == (names.XN_FLAG_ONELINE & ~names.ASN1_STRFLGS_ESC_MSB & ~names.XN_FLAG_FN_MASK)
        | names.XN_FLAG_FN_LN
    )
    with pytest.raises(ValueError):
        names.set_name_ex(0, "oneline,bogus")
    # X509V3_parse_list failing (an empty item) leaves nothing to apply: accepted, flags 0
    assert names.set_name_ex(0, ",") == names.XN_FLAG_COMPAT
    assert names.set_name_ex(0, "bogus,,") == names.XN_FLAG_COMPAT
    # "name:value" keeps the name
    assert names.set_name_ex(0, "oneline:x") == names.XN_FLAG_ONELINE
    # accumulate across two -nameopt arguments
    f = names.set_name_ex(names.set_name_ex(0, "RFC2253"), "dn_rev")
    assert f == names.XN_FLAG_RFC2253
    assert names.set_name_ex(f, "-dn_rev") == names.XN_FLAG_RFC2253 & ~names.XN_FLAG_DN_REV
