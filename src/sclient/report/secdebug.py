"""``-security_debug`` / ``-security_debug_verbose``: s_client's
``security_callback_debug`` (output.md §22), on stderr: a ``Security
callback:`` line for each check OpenSSL's security callback is asked for
(the engine's :class:`SecurityCheck` events), only the refused ones unless
verbose; and the certificate checks of our own chain (when it is installed,
when it is sent)."""

from __future__ import annotations

from collections.abc import Sequence

from sclient.report.stream import Handler, Sink
from sclient.tls import events as ev
from sclient.tls import events_rare as evr
from sclient.tls import secdebug as sd


class SecurityDebug:
    """The ``Security callback:`` lines."""

    def __init__(self, sink: Sink, verbose: bool, level: int) -> None:
        self.sink = sink
        self.verbose = verbose
        self.level = level

    def table(self) -> dict[type, Handler]:
        return {evr.SecurityCheck: self.check, ev.ClientCertificateSent: self.sent}

    def check(self, e: evr.SecurityCheck) -> None:
        if e.ok and not self.verbose:
            return
        if e.kind == sd.VERSION:
            text = f"Version={e.subject}"
        elif e.kind in sd.SIGALG_KINDS:
            text = f"{e.kind} {e.subject}"
        elif e.kind:
            text = f"{e.kind}={e.subject}"
        else:
            text = ""
        if e.bits is not None:
            text += f", security bits={e.bits}"
        self.sink.err(f"Security callback: {text}: {'yes' if e.ok else 'no'}\n")

    def chain(self, chain: Sequence[bytes]) -> None:
        """``ssl_security_cert`` for each certificate of our chain."""
        for i, der in enumerate(chain):
            for e in cert_checks(der, i == 0, self.level):
                self.check(e)

    def sent(self, e: ev.ClientCertificateSent) -> None:
        if e.chain:
            self.chain(e.chain[:1])


def cert_checks(der: bytes, is_ee: bool, level: int) -> list[evr.SecurityCheck]:
    """The key's strength and (unless self-signed) the signature's digest."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    from sclient.tls.policy import security_level_bits

    minbits = security_level_bits(level) if level > 0 else 0
    try:
        cert = x509.load_der_x509_certificate(der)
        key = cert.public_key()
    except Exception:
        return []
    if isinstance(key, rsa.RSAPublicKey):
        bits = key.key_size
        secbits = _ff_security_bits(bits)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        bits = key.curve.key_size
        secbits = bits // 2
    elif isinstance(key, ed25519.Ed25519PublicKey):
        bits, secbits = 253, 128
    elif isinstance(key, ed448.Ed448PublicKey):
        bits, secbits = 456, 224
    else:
        return []
    kind = sd.EE_KEY if is_ee else "Certificate chain CA key"
    out = [evr.SecurityCheck(kind, f", bits={bits}", secbits, secbits >= minbits)]
    if cert.issuer != cert.subject:
        name, md_bits = _signature(cert)
        out.append(evr.SecurityCheck(sd.CA_MD, name, md_bits, md_bits >= minbits))
    return out


def _signature(cert: object) -> tuple[str, int]:
    """OpenSSL's short name of the signature algorithm and its security bits."""
    oid = getattr(getattr(cert, "signature_algorithm_oid", None), "dotted_string", "")
    names = {
        "1.2.840.113549.1.1.11": ("RSA-SHA256", 128),
        "1.2.840.113549.1.1.12": ("RSA-SHA384", 192),
        "1.2.840.113549.1.1.13": ("RSA-SHA512", 256),
        "1.2.840.113549.1.1.14": ("RSA-SHA224", 112),
        "1.2.840.113549.1.1.5": ("RSA-SHA1", 64),
        "1.2.840.10045.4.3.2": ("ecdsa-with-SHA256", 128),
        "1.2.840.10045.4.3.3": ("ecdsa-with-SHA384", 192),
        "1.2.840.10045.4.3.4": ("ecdsa-with-SHA512", 256),
        "1.2.840.10045.4.1": ("ecdsa-with-SHA1", 64),
        "1.3.101.112": ("ED25519", 128),
        "1.3.101.113": ("ED448", 224),
    }
    return names.get(oid, ("UNDEF", 0))


def _ff_security_bits(bits: int) -> int:
    for limit, secbits in ((15360, 256), (7680, 192), (3072, 128), (2048, 112), (1024, 80)):
        if bits >= limit:
            return secbits
    return 0
