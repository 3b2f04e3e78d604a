"""Name constraints and certificate policies: the verifier against spelled-out lines,
and (marked interop) against ``openssl s_server`` + ``openssl s_client`` with the same
options.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

import pki
import pytest
import x509_oracle as oracle
from cryptography import x509
from cryptography.x509.oid import ObjectIdentifier
from pki import Pki, Role, build
from scenarios import NOW
from test_x509_verify import INTER, LEAF, ROOT, store_from_pems

from sclient.base import der
from sclient.cli.parse import UsageError, parse_args
from sclient.x509 import errors
from sclient.x509 import nameconstraints as nc
from sclient.x509 import policy as pcy
from sclient.x509.callback import CallbackOptions, render
from sclient.x509.names import Name
from sclient.x509.verify import VerifyParams, verify_chain

ANY = "2.5.29.32.0"
OK3 = [(2, 0, 1), (1, 0, 1), (0, 0, 1)]


def _oid(s: str) -> bytes:
    from sclient.x509.names import _oid_der

    return _oid_der(s)


def pols(*oids: str, cps: str | None = None) -> tuple[x509.ExtensionType, bool]:
    return (
        x509.CertificatePolicies(
            [x509.PolicyInformation(ObjectIdentifier(o), [cps] if cps else None) for o in oids]
        ),
        False,
    )


def raw_ext(oid: str, value: bytes, critical: bool = False) -> tuple[x509.ExtensionType, bool]:
    return x509.UnrecognizedExtension(ObjectIdentifier(oid), value), critical


def mappings(*pairs: tuple[str, str]) -> tuple[x509.ExtensionType, bool]:
    body = b"".join(der.encode(der.SEQUENCE, _oid(a) + _oid(b)) for a, b in pairs)
    return raw_ext(pcy.OID_POLICY_MAPPINGS, der.encode(der.SEQUENCE, body))


def ncons(
    permitted: list[x509.GeneralName] | None = None, excluded: list[x509.GeneralName] | None = None
) -> tuple[x509.ExtensionType, bool]:
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=excluded), True


def san(*names: x509.GeneralName) -> tuple[x509.ExtensionType, bool]:
    return x509.SubjectAlternativeName(list(names)), False


DNS = x509.DNSName
IP = x509.IPAddress


def net(s: str) -> x509.IPAddress:
    return x509.IPAddress(ipaddress.ip_network(s))


def addr(s: str) -> x509.IPAddress:
    return x509.IPAddress(ipaddress.ip_address(s))


@dataclass
class Case:
    name: str
    make: Callable[[], Pki]
    expect: list[tuple[int, int, int]]  # (depth, reported error, ok) per callback call
    final: int
    args: tuple[str, ...] = ()
    params: VerifyParams = field(default_factory=lambda: VerifyParams(auth_level=2))

    @functools.cached_property
    def pki(self) -> Pki:
        return self.make()


def _b(
    root: list[tuple[x509.ExtensionType, bool]] | None = None,
    inter: list[tuple[x509.ExtensionType, bool]] | None = None,
    leaf: list[tuple[x509.ExtensionType, bool]] | None = None,
    leaf_subject: str | None = None,
) -> Callable[[], Pki]:
    return lambda: build(
        now=NOW,
        root=Role(extra=root or []),
        inter=Role(extra=inter or []),
        leaf=Role(extra=leaf or [], subject=leaf_subject),
    )


def _p(**kw: object) -> VerifyParams:
    return VerifyParams(auth_level=2, **kw)  # type: ignore[arg-type]


# minimum present (non-zero) in a permitted DNS subtree: error 49
_NC_MINMAX = raw_ext(
    "2.5.29.30",
    der.encode(
        der.SEQUENCE,
        der.encode(
            0xA0,
            der.encode(der.SEQUENCE, der.encode(0x82, b"example.com") + der.encode(0x80, b"\x01")),
        ),
    ),
    True,
)
# certificatePolicies naming 1.2.3.4 twice: an invalid policy extension (42)
_DUP_POLICIES = raw_ext(
    pcy.OID_CERT_POLICIES,
    der.encode(
        der.SEQUENCE,
        der.encode(der.SEQUENCE, _oid("1.2.3.4")) + der.encode(der.SEQUENCE, _oid("1.2.3.4")),
    ),
)

NC_LEAF_SAN = san(DNS("server.example.com"), addr("10.1.2.3"))
NO_CN_LEAF = "/C=US/O=Example/CN=server.example.com"

CASES = [
    # --- name constraints on the intermediate ---
    Case(
        "nc-dns-permitted-ok", _b(inter=[ncons([DNS("example.com")])], leaf=[NC_LEAF_SAN]), OK3, 0
    ),
    Case(
        "nc-dns-permitted-47",
        _b(inter=[ncons([DNS("other.org")])], leaf=[NC_LEAF_SAN]),
        [*OK3, (0, 47, 0)],
        47,
    ),
    Case(
        "nc-dns-excluded-48",
        _b(inter=[ncons(None, [DNS(".example.com")])], leaf=[NC_LEAF_SAN]),
        [*OK3, (0, 48, 0)],
        48,
    ),
    Case("nc-ip-permitted-ok", _b(inter=[ncons([net("10.0.0.0/8")])], leaf=[NC_LEAF_SAN]), OK3, 0),
    Case(
        "nc-ip-permitted-47",
        _b(inter=[ncons([net("192.168.0.0/16")])], leaf=[NC_LEAF_SAN]),
        [*OK3, (0, 47, 0)],
        47,
    ),
    Case(
        "nc-ip-excluded-48",
        _b(inter=[ncons(None, [net("10.1.0.0/16")])], leaf=[NC_LEAF_SAN]),
        [*OK3, (0, 48, 0)],
        48,
    ),
    Case(
        "nc-email-excluded-48",  # the subject's emailAddress admin@example.com
        _b(inter=[ncons(None, [x509.RFC822Name("example.com")])], leaf=[NC_LEAF_SAN]),
        [*OK3, (0, 48, 0)],
        48,
    ),
    Case(
        "nc-email-permitted-ok",
        _b(inter=[ncons([x509.RFC822Name("admin@example.com")])], leaf=[NC_LEAF_SAN]),
        OK3,
        0,
    ),
    Case(
        "nc-dn-permitted-ok",
        _b(inter=[ncons([x509.DirectoryName(pki.name("/C=US"))])], leaf=[NC_LEAF_SAN]),
        OK3,
        0,
    ),
    Case(
        "nc-dn-permitted-47",
        _b(inter=[ncons([x509.DirectoryName(pki.name("/C=US/O=Other"))])], leaf=[NC_LEAF_SAN]),
        [*OK3, (0, 47, 0)],
        47,
    ),
    Case(
        "nc-dn-excluded-48",
        _b(inter=[ncons(None, [x509.DirectoryName(pki.name("/C=US/ST=California"))])]),
        [*OK3, (0, 48, 0)],
        48,
    ),
    Case(
        "nc-cn-hostname-47",  # no DNS SAN: the CN is checked as a host name
        _b(inter=[ncons([DNS("other.org")])], leaf_subject=NO_CN_LEAF),
        [*OK3, (0, 47, 0)],
        47,
    ),
    Case(
        "nc-cn-ignored-with-dns-san",
        _b(
            inter=[ncons([DNS("example.com")])],
            leaf=[san(DNS("www.example.com"))],
            leaf_subject="/C=US/O=Example/CN=host.other.org",
        ),
        OK3,
        0,
    ),
    Case(
        "nc-root-constrains-inter-and-leaf",
        _b(root=[ncons([x509.DirectoryName(pki.name("/C=DE"))])]),
        [*OK3, (1, 47, 0), (0, 47, 0)],
        47,
    ),
    Case("nc-minmax-49", _b(inter=[_NC_MINMAX], leaf=[NC_LEAF_SAN]), [*OK3, (0, 49, 0)], 49),
    Case(
        "nc-unsupported-type-51",
        _b(
            inter=[ncons([x509.RegisteredID(ObjectIdentifier("1.2.3.4"))])],
            leaf=[san(DNS("server.example.com"), x509.RegisteredID(ObjectIdentifier("1.2.3.5")))],
        ),
        [*OK3, (0, 51, 0)],
        51,
    ),
    Case(
        "nc-bad-name-syntax-53",  # an rfc822Name without '@'
        _b(inter=[ncons([x509.RFC822Name("example.com")])], leaf=[san(x509.RFC822Name("bogus"))]),
        [*OK3, (0, 53, 0)],
        53,
    ),
    # --- policies ---
    Case(
        "pcy-explicit-none-43",
        _b(),
        [*OK3, (0, 43, 0)],
        43,
        ("-explicit_policy",),
        _p(policy_check=True, explicit_policy=True),
    ),
    Case(
        "pcy-require-explicit-in-cert-43",
        _b(
            inter=[
                (
                    x509.PolicyConstraints(require_explicit_policy=0, inhibit_policy_mapping=None),
                    True,
                )
            ]
        ),
        [*OK3, (0, 43, 0)],
        43,
        ("-policy_check",),
        _p(policy_check=True),
    ),
    Case(
        "pcy-print-ok",
        _b(
            root=[pols(ANY)],
            inter=[pols("1.2.3.4", "1.2.3.5", cps="http://x/cps")],
            leaf=[pols("1.2.3.4")],
        ),
        [*OK3, (0, 0, 1)],
        0,
        ("-policy_check", "-policy_print"),
        _p(policy_check=True, notify_policy=True),
    ),
    Case(
        "pcy-user-match",
        _b(inter=[pols("1.2.3.4", "1.2.3.5")], leaf=[pols("1.2.3.4")]),
        [*OK3, (0, 0, 1)],
        0,
        ("-policy", "1.2.3.4", "-explicit_policy", "-policy_print"),
        _p(policy_check=True, explicit_policy=True, notify_policy=True, policies=("1.2.3.4",)),
    ),
    Case(
        "pcy-user-nomatch-43",
        _b(inter=[pols("1.2.3.4", "1.2.3.5")], leaf=[pols("1.2.3.4")]),
        [*OK3, (0, 43, 0)],
        43,
        ("-policy", "1.2.3.5", "-explicit_policy", "-policy_print"),
        _p(policy_check=True, explicit_policy=True, notify_policy=True, policies=("1.2.3.5",)),
    ),
    Case(
        "pcy-any-user-any",
        _b(inter=[pols(ANY)], leaf=[pols("1.2.3.4", "1.2.3.7")]),
        [*OK3, (0, 0, 1)],
        0,
        ("-policy", "anyPolicy", "-explicit_policy", "-policy_print"),
        _p(policy_check=True, explicit_policy=True, notify_policy=True, policies=(ANY,)),
    ),
    Case(
        "pcy-mapping",
        _b(inter=[pols("1.2.3.1"), mappings(("1.2.3.1", "1.2.3.9"))], leaf=[pols("1.2.3.9")]),
        [*OK3, (0, 0, 1)],
        0,
        ("-policy", "1.2.3.1", "-explicit_policy", "-policy_print"),
        _p(policy_check=True, explicit_policy=True, notify_policy=True, policies=("1.2.3.1",)),
    ),
    Case(
        "pcy-mapping-from-any",
        _b(
            inter=[pols(ANY, "1.2.3.2"), mappings(("1.2.3.1", "1.2.3.9"))],
            leaf=[pols("1.2.3.9", "1.2.3.2")],
        ),
        [*OK3, (0, 0, 1)],
        0,
        ("-policy", "1.2.3.1", "-policy", "1.2.3.2", "-explicit_policy", "-policy_print"),
        _p(
            policy_check=True,
            explicit_policy=True,
            notify_policy=True,
            policies=("1.2.3.1", "1.2.3.2"),
        ),
    ),
    Case(
        "pcy-inhibit-map-43",
        _b(inter=[pols("1.2.3.1"), mappings(("1.2.3.1", "1.2.3.9"))], leaf=[pols("1.2.3.9")]),
        [*OK3, (0, 43, 0)],
        43,
        ("-policy", "1.2.3.1", "-inhibit_map", "-explicit_policy", "-policy_print"),
        _p(
            policy_check=True,
            explicit_policy=True,
            inhibit_map=True,
            notify_policy=True,
            policies=("1.2.3.1",),
        ),
    ),
    Case(
        "pcy-any-ok",
        _b(inter=[pols(ANY)], leaf=[pols("1.2.3.4")]),
        [*OK3, (0, 0, 1)],
        0,
        ("-policy", "1.2.3.4", "-explicit_policy", "-policy_print"),
        _p(policy_check=True, explicit_policy=True, notify_policy=True, policies=("1.2.3.4",)),
    ),
    Case(
        "pcy-inhibit-any-43",
        _b(inter=[pols(ANY)], leaf=[pols("1.2.3.4")]),
        [*OK3, (0, 43, 0)],
        43,
        ("-policy", "1.2.3.4", "-inhibit_any", "-explicit_policy", "-policy_print"),
        _p(
            policy_check=True,
            explicit_policy=True,
            inhibit_any=True,
            notify_policy=True,
            policies=("1.2.3.4",),
        ),
    ),
    Case(
        "pcy-inhibit-any-in-cert-43",
        _b(inter=[pols(ANY), (x509.InhibitAnyPolicy(0), True)], leaf=[pols(ANY)]),
        [*OK3, (0, 43, 0)],
        43,
        ("-policy", "1.2.3.4", "-explicit_policy"),
        _p(policy_check=True, explicit_policy=True, policies=("1.2.3.4",)),
    ),
    Case(
        "pcy-invalid-42",
        _b(inter=[_DUP_POLICIES], leaf=[pols("1.2.3.4")]),
        [*OK3, (1, 42, 0)],
        42,
        ("-policy_check",),
        _p(policy_check=True),
    ),
    Case(
        "pcy-print-without-check",  # -policy_print alone does not turn checking on
        _b(inter=[pols("1.2.3.4")], leaf=[pols("1.2.3.4")]),
        OK3,
        0,
        ("-policy_print",),
        _p(notify_policy=True),
    ),
]


def _run(
    c: Case, opts: CallbackOptions | None = None
) -> tuple[list[tuple[int, int, int]], str, int]:
    p = c.pki
    res = verify_chain(
        [p.leaf.der, p.inter.der], store_from_pems([p.root.pem]), now=NOW, params=c.params
    )
    out = render(res, opts)
    sig = [(k.depth, 0 if k.ok else k.error, int(k.ok)) for k in res.calls]
    return sig, out.text, out.verify_result


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_case_calls(c: Case) -> None:
    sig, _, final = _run(c)
    assert sig == c.expect
    assert final == c.final


# --- exact lines --------------------------------------------------------------------------


def _case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def test_lines_47_permitted() -> None:
    _, text, _ = _run(_case("nc-dns-permitted-47"))
    assert text.splitlines()[-3:] == [
        f"depth=0 {LEAF}",
        "verify error:num=47:permitted subtree violation",
        "verify return:1",
    ]


def test_lines_48_excluded() -> None:
    _, text, _ = _run(_case("nc-dns-excluded-48"))
    assert text.splitlines()[-2:] == [
        "verify error:num=48:excluded subtree violation",
        "verify return:1",
    ]


def test_lines_49_51_53() -> None:
    for name, line in [
        ("nc-minmax-49", "verify error:num=49:name constraints minimum and maximum not supported"),
        ("nc-unsupported-type-51", "verify error:num=51:unsupported name constraint type"),
        ("nc-bad-name-syntax-53", "verify error:num=53:unsupported or invalid name syntax"),
    ]:
        _, text, _ = _run(_case(name))
        assert text.splitlines()[-2:] == [line, "verify return:1"], name


def test_lines_47_twice_root_constraints() -> None:
    _, text, final = _run(_case("nc-root-constrains-inter-and-leaf"))
    assert text.splitlines()[6:] == [
        f"depth=1 {INTER}",
        "verify error:num=47:permitted subtree violation",
        "verify return:1",
        f"depth=0 {LEAF}",
        "verify error:num=47:permitted subtree violation",
        "verify return:1",
    ]
    assert final == 47


def test_lines_42_invalid_policy() -> None:
    _, text, _ = _run(_case("pcy-invalid-42"))
    assert text.splitlines()[-3:] == [
        f"depth=1 {INTER}",
        "verify error:num=42:invalid or inconsistent certificate policy extension",
        "verify return:1",
    ]


def test_lines_43_with_tree() -> None:
    _, text, final = _run(_case("pcy-user-nomatch-43"))
    assert text.splitlines()[6:] == [
        "depth=0 <no cert>",
        "verify error:num=43:no explicit policy",
        "Require explicit Policy: True",
        "Authority Policies:",
        "  Policy: 1.2.3.4",
        "    Non Critical",
        "    No Qualifiers",
        "User Policies: <empty>",
        "verify return:1",
    ]
    assert final == 43


def test_lines_43_without_tree() -> None:
    _, text, _ = _run(_case("pcy-explicit-none-43"))
    assert text.splitlines()[6:] == [
        "depth=0 <no cert>",
        "verify error:num=43:no explicit policy",
        "Require explicit Policy: True",
        "Authority Policies: <empty>",
        "User Policies: <empty>",
        "verify return:1",
    ]


def test_lines_policy_print_ok_returns_2() -> None:
    _, text, _ = _run(_case("pcy-print-ok"))
    assert text.splitlines()[6:] == [
        "depth=0 <no cert>",
        "Require explicit Policy: False",
        "Authority Policies:",
        "  Policy: 1.2.3.4",
        "    Non Critical",
        "    CPS: http://x/cps",
        "User Policies: <empty>",
        "verify return:2",
    ]
    assert text.splitlines()[:2] == [f"depth=2 {ROOT}", "verify return:1"]


def test_policy_print_quiet_prints_nothing() -> None:
    _, text, _ = _run(_case("pcy-print-ok"), CallbackOptions(quiet=True))
    assert text == ""


def test_return_error_stops_at_43() -> None:
    _, text, final = _run(_case("pcy-explicit-none-43"), CallbackOptions(return_error=True))
    assert text.splitlines()[-1] == "User Policies: <empty>"
    assert final == 43


# --- pure functions ---------------------------------------------------------------------------


def test_txt2oid() -> None:
    assert pcy.txt2oid("anyPolicy") == ANY
    assert pcy.txt2oid("X509v3 Any Policy") == ANY
    assert pcy.txt2oid("1.2.3") == "1.2.3"
    assert pcy.txt2oid("2.999.1") == "2.999.1"
    for bad in ("foo", "", "3.1", "1", "1.", "1.40", "1.2x", "12.3", "-1.2"):
        assert pcy.txt2oid(bad) is None, bad


def test_invalid_policy_option() -> None:
    with pytest.raises(UsageError) as e:
        parse_args(["-policy", "foo"])
    assert e.value.text == "s_client: Invalid Policy foo\n"
    assert e.value.status == 1
    o = parse_args(
        ["-policy", "1.2.3", "-policy", "anyPolicy", "-policy_print", "-explicit_policy"]
    )
    from sclient.app.verifysettings import verify_params

    p = verify_params(o)
    assert p.policies == ("1.2.3", ANY) and p.policy_check and p.explicit_policy and p.notify_policy
    assert not verify_params(parse_args(["-policy_print"])).policy_check


def test_nc_matchers() -> None:
    g = nc.GeneralName
    cons = nc.NameConstraints((nc.Subtree(g(nc.GEN_DNS, b"Example.COM"), None, None),), ())
    assert nc.nc_match(g(nc.GEN_DNS, b"a.example.com"), cons) == 0
    assert nc.nc_match(g(nc.GEN_DNS, b"aexample.com"), cons) == 47
    uri = nc.NameConstraints((nc.Subtree(g(nc.GEN_URI, b".example.com"), None, None),), ())
    assert nc.nc_match(g(nc.GEN_URI, b"https://www.example.com:443/x"), uri) == 0
    assert nc.nc_match(g(nc.GEN_URI, b"https://example.com/"), uri) == 47
    assert nc.nc_match(g(nc.GEN_URI, b"mailto:x@example.com"), uri) == 53
    ip6 = nc.NameConstraints(
        (nc.Subtree(g(nc.GEN_IPADD, bytes(16) + b"\xff" * 2 + bytes(14)), None, None),), ()
    )
    assert nc.nc_match(g(nc.GEN_IPADD, bytes(16)), ip6) == 0
    assert nc.nc_match(g(nc.GEN_IPADD, b"\x00\x01" + bytes(14)), ip6) == 47
    assert nc.nc_match(g(nc.GEN_IPADD, bytes(4)), ip6) == 47
    eai = nc.NameConstraints(
        (nc.Subtree(g(nc.GEN_EMAIL, b"xn--bcher-kva.example"), None, None),), ()
    )
    other = g(
        nc.GEN_OTHERNAME,
        "u@bücher.example".encode(),
        other_type=nc.OID_SMTP_UTF8_MAILBOX,
        other_tag=12,
    )
    assert nc.nc_match(other, eai) == 0


def test_nc_size_limit_is_error_1() -> None:
    subject = Name.from_der(pki.name("/CN=x").public_bytes())
    names = tuple(nc.GeneralName(nc.GEN_DNS, b"a.example") for _ in range(1023))
    subs = tuple(
        nc.Subtree(nc.GeneralName(nc.GEN_DNS, b"example"), None, None) for _ in range(1025)
    )
    assert nc.check(subject, names, nc.NameConstraints(subs, ())) == errors.UNSPECIFIED
    assert nc.check(subject, names[:10], nc.NameConstraints(subs[:10], ())) == 0


def test_policy_tree_is_bounded() -> None:
    """Many policies mapped to many: OpenSSL stops at 1000 nodes (error 17, no callback)."""
    many = [f"1.2.3.{i}" for i in range(40)]
    maps = [(a, b) for a in many[:20] for b in many[20:]]
    p = build(
        now=NOW,
        inter=Role(extra=[pols(*many[:20]), mappings(*maps)]),
        leaf=Role(extra=[pols(*many[20:])]),
    )
    res = verify_chain(
        [p.leaf.der, p.inter.der],
        store_from_pems([p.root.pem]),
        now=NOW,
        params=_p(policy_check=True),
    )
    assert res.ok  # 1 + 20 + 400 nodes: fine
    big = [f"1.2.4.{i}" for i in range(80)]
    maps = [(a, b) for a in big[:40] for b in big[40:]]
    p2 = build(
        now=NOW,
        inter=Role(extra=[pols(*big[:40]), mappings(*maps)]),
        leaf=Role(extra=[pols(*big[40:])]),
    )
    res = verify_chain(
        [p2.leaf.der, p2.inter.der],
        store_from_pems([p2.root.pem]),
        now=NOW,
        params=_p(policy_check=True),
    )
    assert not res.ok and res.error == errors.OUT_OF_MEM and res.internal_error


# --- against openssl ---------------------------------------------------------------------------


@pytest.mark.interop
@pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available")
@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_differential(c: Case) -> None:
    p = c.pki
    r = oracle.s_client_against(
        p.leaf.pem,
        p.leaf.key_pem,
        p.inter.pem,
        cafile_pem=p.root.pem,
        client_args=["-attime", str(int(NOW)), *c.args],
    )
    _, text, final = _run(c)
    assert text in r.stderr, f"openssl stderr:\n{r.stderr}\nours:\n{text}"
    assert r.verify_code == (final, errors.error_string(final))
