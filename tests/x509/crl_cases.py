"""Revocation scenarios shared by the unit tests and the differential tests.

Each case is the standard root -> intermediate -> leaf chain (the server sends
leaf + intermediate, the client trusts the root) plus CRLs, the s_client
options, and the CRL errors expected as ``(depth, error)`` in callback order.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import crls
import pki
from cryptography import x509
from pki import Pki, Role, key_usage

from sclient.base import der
from sclient.x509.asn1time import Asn1Time

NOW = float(int(time.time()))
DAY = 86400.0


@dataclass
class Built:
    p: Pki
    cafile_crls: list[bytes] = field(default_factory=list)  # DER CRLs put in the CAfile
    crl_file: bytes | None = None  # -CRL content (PEM unless der)
    der: bool = False
    capath_crls: list[bytes] = field(default_factory=list)  # DER CRLs as <hash>.r<n>
    http: dict[str, bytes] = field(default_factory=dict)  # path -> body for -crl_download


@dataclass
class Case:
    name: str
    make: Callable[[], Built]
    args: tuple[str, ...]
    expect: list[tuple[int, int]]  # CRL-related and other errors, (depth, error)
    final: int

    def build(self) -> Built:
        return _built(self.name)


CASES: dict[str, Case] = {}


@functools.cache
def _built(name: str) -> Built:
    return CASES[name].make()


@functools.cache
def std() -> Pki:
    return pki.build(now=NOW)


def _case(name: str, args: tuple[str, ...], expect: list[tuple[int, int]], final: int) -> Callable:
    def deco(fn: Callable[[], Built]) -> Callable[[], Built]:
        CASES[name] = Case(name, fn, args, expect, final)
        return fn

    return deco


def inter_crl(p: Pki, revoke_leaf: bool = True, **kw: object) -> bytes:
    return crls.make_crl(p.inter, [p.leaf.cert.serial_number] if revoke_leaf else [], now=NOW, **kw)  # type: ignore[arg-type]


@_case("leaf-revoked", ("-crl_check",), [(0, 23)], 23)
def _leaf_revoked() -> Built:
    return Built(std(), crl_file=crls.pem(inter_crl(std())))


@_case("leaf-good", ("-crl_check",), [], 0)
def _leaf_good() -> Built:
    return Built(std(), crl_file=crls.pem(inter_crl(std(), revoke_leaf=False)))


@_case("no-crl", ("-crl_check",), [(0, 3)], 3)
def _no_crl() -> Built:
    return Built(std())


@_case("crl-ignored-without-check", (), [], 0)
def _ignored() -> Built:
    return Built(std(), crl_file=crls.pem(inter_crl(std())))


@_case("inter-revoked-all", ("-crl_check_all",), [(1, 23)], 23)
def _inter_revoked() -> Built:
    p = std()
    root_crl = crls.make_crl(p.root, [p.inter.cert.serial_number], now=NOW)
    return Built(p, cafile_crls=[inter_crl(p, revoke_leaf=False), root_crl])


@_case("leaf-revoked-all-one-crl", ("-crl_check_all",), [(0, 23), (1, 3), (2, 3)], 3)
def _leaf_all() -> Built:
    return Built(std(), crl_file=crls.pem(inter_crl(std())))


@_case("crl-expired", ("-crl_check",), [(0, 12)], 12)
def _expired() -> Built:
    p = std()
    return Built(
        p, crl_file=crls.pem(inter_crl(p, False, last=NOW - 40 * DAY, next_=NOW - 10 * DAY))
    )


@_case("crl-not-yet-valid", ("-crl_check",), [(0, 11)], 11)
def _not_yet() -> Built:
    p = std()
    return Built(
        p, crl_file=crls.pem(inter_crl(p, False, last=NOW + 10 * DAY, next_=NOW + 40 * DAY))
    )


def _raw_time(tag: int, text: bytes) -> bytes:
    return der.encode(tag, text)


def _tv(t: float) -> bytes:
    a = Asn1Time.from_posix(int(t))
    return der.encode(a.type, a.text)


@_case("crl-bad-last-update", ("-crl_check",), [(0, 15)], 15)
def _bad_last() -> Built:
    p = std()
    bad = crls.with_times(
        inter_crl(p, False), p.inter, _raw_time(der.UTCTIME, b"2401010000Z"), None
    )
    return Built(p, crl_file=bad, der=True)


@_case("crl-bad-next-update", ("-crl_check",), [(0, 16)], 16)
def _bad_next() -> Built:
    p = std()
    bad = crls.with_times(
        inter_crl(p, False), p.inter, None, _raw_time(der.GENERALIZEDTIME, b"20991231000000")
    )
    return Built(p, crl_file=bad, der=True)


@_case("crl-bad-signature", ("-crl_check",), [(0, 8), (0, 23)], 23)
def _bad_sig() -> Built:
    p = std()
    return Built(p, crl_file=crls.pem(inter_crl(p, sign_with=pki.key("rsa", "wrong"))))


@functools.cache
def no_crlsign() -> Pki:
    return pki.build(now=NOW, inter=Role(ku=key_usage("key_cert_sign")))


@_case("issuer-without-crlsign", ("-crl_check",), [(0, 35)], 35)
def _no_crlsign() -> Built:
    p = no_crlsign()
    return Built(p, crl_file=crls.pem(inter_crl(p, False)))


@_case("critical-crl-extension", ("-crl_check",), [(0, 36)], 36)
def _critical() -> Built:
    p = std()
    return Built(p, crl_file=crls.pem(inter_crl(p, False, extra=[(crls.unknown_ext(), True)])))


@_case("critical-entry-extension", ("-crl_check",), [(0, 36), (0, 23)], 23)
def _critical_entry() -> Built:
    p = std()
    return Built(p, crl_file=crls.pem(inter_crl(p, entry_extra=[(crls.unknown_ext(), True)])))


@_case("different-scope", ("-crl_check",), [(0, 44), (0, 23), (0, 3)], 3)
def _scope() -> Built:
    p = std()
    return Built(p, crl_file=crls.pem(inter_crl(p, idp=crls.only_ca_idp())))


@_case("remove-from-crl", ("-crl_check",), [], 0)
def _remove() -> Built:
    p = std()
    crl = crls.make_crl(
        p.inter, [(p.leaf.cert.serial_number, x509.ReasonFlags.remove_from_crl)], now=NOW
    )
    return Built(p, crl_file=crls.pem(crl))


def _delta_pair(p: Pki) -> list[bytes]:
    base = crls.make_crl(p.inter, [], now=NOW, number=1, freshest="http://127.0.0.1:9/d.crl")
    delta = crls.make_crl(p.inter, [p.leaf.cert.serial_number], now=NOW, number=2, delta_of=1)
    return [base, delta]


@_case("delta-revokes", ("-crl_check", "-use_deltas"), [(0, 23)], 23)
def _delta() -> Built:
    return Built(std(), cafile_crls=_delta_pair(std()))


@_case("delta-ignored-without-use-deltas", ("-crl_check",), [], 0)
def _delta_off() -> Built:
    return Built(std(), cafile_crls=_delta_pair(std()))


@_case("capath-r0", ("-crl_check",), [(0, 23)], 23)
def _capath() -> Built:
    return Built(std(), capath_crls=[inter_crl(std())])


@_case("crlform-der", ("-crl_check", "-CRLform", "DER"), [(0, 23)], 23)
def _der() -> Built:
    return Built(std(), crl_file=inter_crl(std()), der=True)


def write(b: Built, d: Path, *, http_base: str | None = None) -> list[str]:
    """Files for s_server and s_client; returns the client's trust/CRL arguments."""
    from sclient.x509.cert import Certificate
    from sclient.x509.crl import Crl

    d.mkdir(parents=True, exist_ok=True)
    b.p.write(d)
    args: list[str] = []
    if b.capath_crls:
        cap = d / "capath"
        cap.mkdir(exist_ok=True)
        h = Certificate(b.p.root.der).subject.hash()
        (cap / f"{h:08x}.0").write_bytes(b.p.root.pem)
        for k, c in enumerate(b.capath_crls):
            ih = Crl(c).issuer.hash()
            (cap / f"{ih:08x}.r{k}").write_bytes(crls.pem(c))
        args += ["-CApath", str(cap)]
    else:
        (d / "ca.pem").write_bytes(b.p.root.pem + b"".join(crls.pem(c) for c in b.cafile_crls))
        args += ["-CAfile", str(d / "ca.pem")]
    if b.crl_file is not None:
        (d / "crl").write_bytes(b.crl_file)
        args += ["-CRL", str(d / "crl")]
    return args
