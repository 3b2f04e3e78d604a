"""CRLs for the revocation tests, made with ``cryptography`` (and re-signed raw DER
for what it refuses to make, such as malformed times)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pki
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ObjectIdentifier
from pki import Cert

from sclient.base import der

DAY = 86400.0


def _ts(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(t), dt.UTC)


def make_crl(
    issuer: Cert,
    revoked: Sequence[int | tuple[int, x509.ReasonFlags | None]] = (),
    *,
    now: float,
    last: float | None = None,
    next_: float | None = None,
    number: int | None = 1,
    delta_of: int | None = None,
    idp: x509.IssuingDistributionPoint | None = None,
    freshest: str | None = None,
    extra: Sequence[tuple[x509.ExtensionType, bool]] = (),
    entry_extra: Sequence[tuple[x509.ExtensionType, bool]] = (),
    sign_with: Any = None,
    akid: bool = True,
) -> bytes:
    """A DER CRL issued by ``issuer`` revoking ``revoked`` serials."""
    b = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(_ts(now - DAY if last is None else last))
        .next_update(_ts(now + 30 * DAY if next_ is None else next_))
    )
    for r in revoked:
        serial, reason = (r, None) if isinstance(r, int) else r
        rb = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(_ts(now - DAY))
        if reason is not None:
            rb = rb.add_extension(x509.CRLReason(reason), critical=False)
        for ext, crit in entry_extra:
            rb = rb.add_extension(ext, critical=crit)
        b = b.add_revoked_certificate(rb.build())
    if number is not None:
        b = b.add_extension(x509.CRLNumber(number), critical=False)
    if delta_of is not None:
        b = b.add_extension(x509.DeltaCRLIndicator(delta_of), critical=True)
    if akid:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if idp is not None:
        b = b.add_extension(idp, critical=True)
    if freshest is not None:
        b = b.add_extension(
            x509.FreshestCRL(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(freshest)], None, None, None
                    )
                ]
            ),
            critical=False,
        )
    for ext, crit in extra:
        b = b.add_extension(ext, critical=crit)
    signer = issuer.key if sign_with is None else sign_with
    crl = b.sign(signer, pki._digest(signer, "sha256"))
    return crl.public_bytes(serialization.Encoding.DER)


def unknown_ext(oid: str = "1.3.6.1.4.1.55555.1") -> x509.UnrecognizedExtension:
    return x509.UnrecognizedExtension(ObjectIdentifier(oid), b"\x05\x00")


def only_ca_idp() -> x509.IssuingDistributionPoint:
    return x509.IssuingDistributionPoint(
        full_name=None,
        relative_name=None,
        only_contains_user_certs=False,
        only_contains_ca_certs=True,
        only_some_reasons=None,
        indirect_crl=False,
        only_contains_attribute_certs=False,
    )


def pem(der_crl: bytes) -> bytes:
    return x509.load_der_x509_crl(der_crl).public_bytes(serialization.Encoding.PEM)


def with_times(crl_der: bytes, issuer: Cert, this: bytes | None, nxt: bytes | None) -> bytes:
    """Re-sign ``crl_der`` with thisUpdate/nextUpdate replaced by raw TLVs."""
    top = der.parse(crl_der)
    tbs, alg, _sig = top.children()
    fields = [t.raw for t in tbs.children()]
    i = 1 if tbs.children()[0].tag == der.INTEGER else 0
    if this is not None:
        fields[i + 2] = this
    if nxt is not None:
        fields[i + 3] = nxt
    new_tbs = der.encode(der.SEQUENCE, b"".join(fields))
    sig = pki.sign_raw(issuer.key, new_tbs, "sha256")
    return der.encode(der.SEQUENCE, new_tbs + alg.raw + der.encode(der.BIT_STRING, b"\x00" + sig))


def crldp_ext(url: str) -> tuple[x509.ExtensionType, bool]:
    return (
        x509.CRLDistributionPoints(
            [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
        ),
        False,
    )
