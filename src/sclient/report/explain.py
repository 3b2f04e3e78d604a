"""``-explain`` (sclient's addition): what went wrong, in plain words, with the
facts that prove it and the fix.

The diagnosis reads only what the run collected (:class:`RunReport`: the
engine's events as folded, the verifier's verdict, the error queue, the
driver's stderr lines) and the options the run was given (``runsetup.Setup``);
it connects nowhere and fetches nothing. Each :class:`Explanation` has a
stable ``code`` (docs/json.md lists them), a one-line ``finding``, the
``evidence`` lines and the ``fix``. The text block goes to stderr after the
usual output; ``-json`` lists the same entries in ``explanations``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from typing import Any

from sclient.base.structs import Struct
from sclient.report.collector import ConnectionReport, RunReport
from sclient.report.present import View, verify_text
from sclient.report.runsetup import Setup


class Explanation(Struct, frozen=True, slots=True):
    """One diagnosis."""

    code: str
    finding: str
    evidence: tuple[str, ...] = ()
    fix: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "finding": self.finding,
            "evidence": list(self.evidence),
            "fix": self.fix,
        }


class ProbeResult(Struct, frozen=True, slots=True):
    """One ``-explain_probe`` connection offering ``offered`` alone: the
    version and suite the server chose, or its refusal."""

    offered: int
    chosen: int | None = None
    suite: int | None = None
    alert: int | None = None
    error: str | None = None

    def text(self) -> str:
        name = _version_names([self.offered])
        if self.chosen is not None:
            suite = _suite_names([self.suite]) if self.suite is not None else "?"
            return f"probe {name} alone: accepted, the server chose {suite}"
        if self.alert is not None:
            return f"probe {name} alone: refused ({_alert_name(self.alert)})"
        return f"probe {name} alone: failed ({self.error or 'no answer'})"


# --------------------------------------------------------------- certificates


def _load(der: bytes) -> Any:
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        return None


def _names(cert: Any) -> tuple[list[str], list[str]]:
    """The certificate's DNS and IP subject alternative names."""
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return [], []
    dns = [str(n) for n in san.get_values_for_type(x509.DNSName)]
    ips = [str(n) for n in san.get_values_for_type(x509.IPAddress)]
    return dns, ips


def _common_names(cert: Any) -> list[str]:
    from cryptography.x509.oid import NameOID

    try:
        return [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    except ValueError:
        return []


def _ca_issuers(cert: Any) -> list[str]:
    """The AIA caIssuers URIs (where the issuer's certificate can be fetched)."""
    from cryptography import x509
    from cryptography.x509.oid import AuthorityInformationAccessOID

    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    return [
        str(d.access_location.value)
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    ]


def _host_matches(leaf_der: bytes, host: str) -> bool:
    """Whether the certificate covers ``host`` as the verifier checks it with
    ``-verify_hostname`` / ``-verify_ip`` (X509_check_host / X509_check_ip)."""
    import ipaddress

    from sclient.x509 import identity
    from sclient.x509.cert import CertificateError, decoded

    try:
        cert = decoded(leaf_der)
    except CertificateError:
        return False
    name = host.strip("[]")
    if _is_ip(name):
        return identity.check_ip(cert, ipaddress.ip_address(name).packed) == 1
    return identity.check_host(cert, name)[0] == 1


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _span(delta: _dt.timedelta) -> str:
    """A duration in words: ``3 days``, ``5 hours``, ``2 minutes``."""
    s = abs(int(delta.total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if s >= size:
            n = s // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{s} second{'s' if s != 1 else ''}"


def _when(t: _dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def _chain_cert(c: ConnectionReport, depth: int) -> bytes | None:
    v = c.verdict
    chain = v.chain if v is not None and v.chain else (c.peer_chain or ())
    return chain[depth] if 0 <= depth < len(chain) else None


def _first_errors(c: ConnectionReport) -> dict[int, int]:
    """Each verification error the callback saw, with its first depth."""
    found: dict[int, int] = {}
    v = c.verdict
    if v is None:
        return found
    for d in v.depths:
        if d.error and d.error not in found:
            found[d.error] = d.depth
    if v.code and v.code not in found:
        found[v.code] = 0
    return found


def _target_host(setup: Setup) -> str | None:
    if setup.host_check and setup.host_check.get("hostname"):
        return setup.host_check["hostname"]
    if setup.host_check and setup.host_check.get("ip"):
        return setup.host_check["ip"]
    return setup.sni or setup.host


def _verification(c: ConnectionReport, view: View, setup: Setup, now: float) -> list[Explanation]:
    from sclient.x509 import errors as E

    out: list[Explanation] = []
    errs = _first_errors(c)
    for code, depth in errs.items():
        der = _chain_cert(c, depth)
        cert = _load(der) if der is not None else None
        info = view.cert(der) if der is not None else None
        said = f"verify error {code} at depth {depth}: {verify_text(code)}"
        if code in (E.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, E.UNABLE_TO_GET_ISSUER_CERT) and info:
            sent = len(c.peer_chain or ())
            aia = _ca_issuers(cert) if cert is not None else []
            where = (
                f"its AIA caIssuers offers the issuer at {', '.join(aia)} (not fetched)"
                if aia
                else "it has no AIA caIssuers URI: it does not say where its issuer is"
            )
            if depth == 0 and sent <= 1:
                out.append(
                    Explanation(
                        "missing_intermediate",
                        f"The server sent only its own certificate, not the intermediate "
                        f"CA certificate that issued it ({info.issuer}).",
                        (
                            said,
                            f"certificate sent: {info.subject}",
                            f"issued by: {info.issuer}",
                            f"certificates sent: {sent}",
                            where,
                        ),
                        "Configure the server to send its full chain (leaf, then the "
                        "intermediates), or give the intermediate to -CAfile / -untrusted.",
                    )
                )
            else:
                out.append(
                    Explanation(
                        "untrusted_root",
                        f"The chain leads to {info.issuer}, which is not in the trusted "
                        "certificates.",
                        (
                            said,
                            f"topmost certificate: {info.subject}",
                            f"issued by: {info.issuer}",
                            f"certificates sent: {sent}",
                            where,
                        ),
                        "Trust that CA (-CAfile FILE or -CApath DIR), or get the server "
                        "a certificate from a CA your trust store holds.",
                    )
                )
        elif code in (E.DEPTH_ZERO_SELF_SIGNED_CERT, E.SELF_SIGNED_CERT_IN_CHAIN) and info:
            leaf = code == E.DEPTH_ZERO_SELF_SIGNED_CERT
            out.append(
                Explanation(
                    "self_signed" if leaf else "untrusted_root",
                    (
                        f"The server's certificate is self-signed ({info.subject}): nothing "
                        "vouches for it."
                        if leaf
                        else f"The chain ends in a root CA that is not trusted: {info.subject}."
                    ),
                    (said, f"subject and issuer: {info.subject}"),
                    "Trust it explicitly with -CAfile (after checking its fingerprint out of band), "
                    "or give the server a certificate from a trusted CA.",
                )
            )
        elif code in (E.CERT_HAS_EXPIRED, E.CERT_NOT_YET_VALID) and cert is not None and info:
            start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
            moment = _dt.datetime.fromtimestamp(now, _dt.UTC)
            if code == E.CERT_HAS_EXPIRED:
                finding = (
                    f"The certificate {info.subject} expired on {_when(end)}, "
                    f"{_span(moment - end)} ago."
                )
                fix = "Renew the certificate and install it on the server."
            else:
                finding = (
                    f"The certificate {info.subject} is not valid until {_when(start)}, "
                    f"in {_span(start - moment)}."
                )
                fix = "Check the clocks (this machine's and the CA's), or wait until it is valid."
            out.append(
                Explanation(
                    "expired" if code == E.CERT_HAS_EXPIRED else "not_yet_valid",
                    finding,
                    (
                        said,
                        f"notBefore: {_when(start)}",
                        f"notAfter: {_when(end)}",
                        f"now: {_when(moment)}",
                    ),
                    fix,
                )
            )
        elif code in (E.HOSTNAME_MISMATCH, E.IP_ADDRESS_MISMATCH) and cert is not None:
            dns, ips = _names(_load(c.peer_chain[0]) if c.peer_chain else cert)
            host = _target_host(setup) or ""
            out.append(
                _mismatch(host, dns, ips, checked=True, setup=setup, said=said, sni_acked=_acked(c))
            )
        elif code == E.CERT_REVOKED and cert is not None and info:
            out.append(
                Explanation(
                    "revoked",
                    f"The certificate {info.subject} (serial {cert.serial_number:X}) has been "
                    "revoked by its CA.",
                    (
                        said,
                        f"issuer: {info.issuer}",
                        "source: the CRL given to -CRL / -crl_download",
                    ),
                    "The server must get a new certificate; a revoked one must not be trusted.",
                )
            )
        elif code in (E.EE_KEY_TOO_SMALL, E.CA_KEY_TOO_SMALL, E.CA_MD_TOO_WEAK) and cert and info:
            out.append(_weak(code, cert, info, said))
    out += _ocsp_revoked(c, view)
    if (
        c.verdict is not None
        and not any(e in errs for e in (E.HOSTNAME_MISMATCH, E.IP_ADDRESS_MISMATCH))
        and c.peer_chain
    ):
        leaf = _load(c.peer_chain[0])
        if leaf is not None:
            out += _host_unchecked(leaf, c.peer_chain[0], setup, _acked(c))
    if c.peer_chain and not any(
        e in errs for e in (E.EE_KEY_TOO_SMALL, E.CA_KEY_TOO_SMALL, E.CA_MD_TOO_WEAK)
    ):
        out += _weak_accepted(c, view)
    return out


def _ocsp_revoked(c: ConnectionReport, view: View) -> list[Explanation]:
    """``-status``: a stapled OCSP response that says the leaf is revoked."""
    e = c.status
    if e is None or e.response is None or not c.peer_chain:
        return []
    from sclient.report.ocsp import response_json

    detail = e.verdict.detail
    validation = getattr(detail, "validation", None) or {}
    if validation.get("cert_status") != "revoked":
        return []
    doc = response_json(e.response, getattr(detail, "parsed", None))
    singles = ((doc.get("decoded") or {}).get("responses")) or []
    single: dict[str, Any] = next((r for r in singles if r.get("cert_status") == "revoked"), {})
    info = view.cert(c.peer_chain[0])
    evidence = ["source: the OCSP response the server stapled (-status)"]
    if single.get("revocation_time"):
        evidence.append(f"revoked at: {single['revocation_time']}")
    if single.get("revocation_reason"):
        evidence.append(f"reason: {single['revocation_reason']}")
    evidence.append(f"responder signature: {validation.get('signer') or 'not verified'}")
    evidence += [f"response problem: {p}" for p in validation.get("problems") or ()]
    return [
        Explanation(
            "revoked",
            f"The certificate {info.subject} has been revoked, says the OCSP response the "
            "server stapled (s_client prints it and goes on).",
            tuple(evidence),
            "The server must get a new certificate; a revoked one must not be trusted.",
        )
    ]


def _mismatch(
    host: str,
    dns: Sequence[str],
    ips: Sequence[str],
    *,
    checked: bool,
    setup: Setup,
    said: str,
    sni_acked: bool | None = None,
) -> Explanation:
    names = ", ".join([*dns, *ips]) or "none"
    evidence = [said] if said else []
    evidence += [
        f"host: {host}",
        f"DNS names: {', '.join(dns) or 'none'}",
        f"IP addresses: {', '.join(ips) or 'none'}",
    ]
    if not checked:
        evidence.append("the host was not checked: no -verify_hostname or -verify_ip was given")
    if setup.sni is not None and sni_acked is False:
        evidence.append(
            f"the server did not acknowledge the server name {setup.sni}: it may not know it "
            "and have served its default certificate"
        )
    if setup.sni is None and not _is_ip(host):
        evidence.append("no server name (SNI) was sent")
        return Explanation(
            "sni_default_certificate",
            f"No server name was sent, and the certificate the server chose ({names}) "
            f"does not cover {host}.",
            tuple(evidence),
            f"Send the name with -servername {host} (a server with several sites "
            "picks the certificate by it).",
        )
    return Explanation(
        "hostname_mismatch",
        f"The certificate is for {names}, not for {host}"
        + ("." if checked else " (not checked: s_client did not fail for it)."),
        tuple(evidence),
        f"Connect with the name the certificate holds, or fix the server's certificate; "
        f"check with {_check_option(host)}.",
    )


def _check_option(host: str) -> str:
    return f"-verify_ip {host}" if _is_ip(host) else f"-verify_hostname {host}"


def _acked(c: ConnectionReport) -> bool | None:
    """Whether the server acknowledged our server_name (None: not known)."""
    n = c.negotiated or c.settled
    return None if n is None else bool(n.server_name_acked)


def _host_unchecked(
    leaf: Any, leaf_der: bytes, setup: Setup, sni_acked: bool | None = None
) -> list[Explanation]:
    if setup.host_check is not None:
        return []
    host = setup.sni or setup.host
    if not host:
        return []
    dns, ips = _names(leaf)
    if _host_matches(leaf_der, host):
        return [
            Explanation(
                "hostname_not_checked",
                f"The certificate's names were not checked against the host ({host}); "
                "they do cover it.",
                (
                    f"host: {host}",
                    f"DNS names: {', '.join(dns) or 'none'}",
                    f"IP addresses: {', '.join(ips) or 'none'}",
                    "s_client checks the chain only, unless told which name to expect",
                ),
                f"Add {_check_option(host)} so that a wrong certificate fails.",
            )
        ]
    return [_mismatch(host, dns, ips, checked=False, setup=setup, said="", sni_acked=sni_acked)]


def _key_text(cert: Any) -> tuple[str, int | None]:
    # By the key's kind: touching cryptography's DSA class itself warns.
    from sclient.base.pyca import key_kind

    key = cert.public_key()
    kind = key_kind(key)
    if kind in ("rsa", "dsa"):
        return kind.upper(), int(key.key_size)
    return type(key).__name__.replace("PublicKey", "").lstrip("_"), None


def _sig_hash(cert: Any) -> str | None:
    try:
        h = cert.signature_hash_algorithm
    except Exception:
        return None
    return None if h is None else str(h.name).upper()


def _weak(code: int, cert: Any, info: Any, said: str) -> Explanation:
    from sclient.x509 import errors as E

    kind, bits = _key_text(cert)
    if code == E.CA_MD_TOO_WEAK:
        what = f"is signed with {info.sigalg} ({_sig_hash(cert) or 'a weak digest'})"
    else:
        what = f"has a {bits}-bit {kind} key"
    return Explanation(
        "weak_signature" if code == E.CA_MD_TOO_WEAK else "weak_key",
        f"The certificate {info.subject} {what}, too weak for the security level.",
        (
            said,
            f"key: {kind} {bits or ''}".rstrip(),
            f"signature: {info.sigalg}",
            "security level 1 refuses SHA-1 and MD5 signatures and RSA/DSA keys under 1024 "
            "bits; level 2 (the default) keys under 2048 bits",
        ),
        "Reissue the certificate with an RSA key of 2048 bits or more (or ECDSA) signed with "
        "SHA-256; only to look at it, lower the level (-cipher DEFAULT@SECLEVEL=0).",
    )


def _weak_accepted(c: ConnectionReport, view: View) -> list[Explanation]:
    """A weak key or signature that passed because the level was lowered."""
    out: list[Explanation] = []
    for depth, der in enumerate(c.peer_chain or ()):
        cert = _load(der)
        if cert is None:
            continue
        info = view.cert(der)
        kind, bits = _key_text(cert)
        weak_key = kind in ("RSA", "DSA") and bits is not None and bits < 2048
        digest = _sig_hash(cert)
        self_signed = cert.issuer == cert.subject
        weak_sig = digest in ("SHA1", "MD5") and not self_signed
        if weak_key or weak_sig:
            facts = [f"{bits}-bit {kind} key"] if weak_key else []
            facts += [f"{digest} signature ({info.sigalg})"] if weak_sig else []
            out.append(
                Explanation(
                    "weak_key" if weak_key else "weak_signature",
                    f"The certificate at depth {depth} ({info.subject}) has a "
                    f"{' and a '.join(facts)}: the default security level (2) refuses it.",
                    (f"subject: {info.subject}", *facts),
                    "Reissue it with an RSA key of 2048 bits or more (or ECDSA) signed with SHA-256.",
                )
            )
    return out


# ------------------------------------------------------------ non-TLS replies

#: Well-known plaintext ports, for a server that says nothing and closes.
_PORTS = {
    "21": "ftp",
    "25": "smtp",
    "110": "pop3",
    "143": "imap",
    "389": "ldap",
    "587": "smtp",
    "3306": "mysql",
    "5222": "xmpp",
    "5269": "xmpp-server",
    "5432": "postgres",
}

_PROTOCOL_NAMES = {
    "smtp": "SMTP",
    "ftp": "FTP",
    "imap": "IMAP",
    "pop3": "POP3",
    "xmpp": "XMPP",
    "xmpp-server": "XMPP",
    "ldap": "LDAP",
    "postgres": "PostgreSQL",
    "mysql": "MySQL",
    "nntp": "NNTP",
    "sieve": "ManageSieve",
}


def recognize(data: bytes) -> tuple[str, str | None] | None:
    """The plaintext protocol ``data`` (a server's first bytes) belongs to:
    (name, the ``-starttls`` value or None), or None."""
    head = data[:512]
    text = head.decode("latin-1")
    upper = text.upper()
    if text.startswith("HTTP/"):
        return "HTTP", None
    if text.startswith("SSH-"):
        return "SSH", None
    if text.startswith("220"):
        if "FTP" in upper and "SMTP" not in upper:
            return "FTP", "ftp"
        return "SMTP", "smtp"
    if text.startswith(("* OK", "* PREAUTH", "* BYE")):
        return "IMAP", "imap"
    if text.startswith(("+OK", "-ERR")):
        return "POP3", "pop3"
    if text.startswith(("200 ", "201 ")):
        return "NNTP", "nntp"
    if text.startswith('"IMPLEMENTATION"'):
        return "ManageSieve", "sieve"
    if text.lstrip().startswith(("<?xml", "<stream:")) or "jabber" in text:
        return "XMPP", "xmpp"
    if len(head) >= 5 and head[3] == 0 and head[4] in (0x0A, 0xFF):
        length = int.from_bytes(head[:3], "little")
        if 0 < length <= 0xFFFF:
            return "MySQL", "mysql"
    if (
        head[:1] in (b"E", b"N", b"R")
        and len(head) >= 5
        and (b"SFATAL" in head or b"SERROR" in head)
    ):
        return "PostgreSQL", "postgres"
    if head[:1] == b"0" and b"1.3.6.1.4.1.1466.20036" in head:
        return "LDAP", "ldap"
    if head[:1] == b"\x30" and len(head) > 2 and b"\x02\x01" in head[2:8]:
        return "LDAP", "ldap"
    return None


def _printable(data: bytes, limit: int = 60) -> str:
    """The first line of ``data`` shown safely (non-printable bytes as \\xNN)."""
    line = data.split(b"\n", 1)[0].rstrip(b"\r")[:limit]
    out = "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in line)
    return out + ("…" if len(data.rstrip(b"\r\n")) > len(line) else "")


def _plaintext(c: ConnectionReport, setup: Setup) -> list[Explanation]:
    data = c.foreign
    if data is None:
        return []
    found = recognize(data)
    evidence = [
        f"first bytes received: {_printable(data)}",
        f"({len(data)} bytes shown to sclient)",
    ]
    if found is None:
        return [
            Explanation(
                "not_tls",
                "The server answered with something that is not TLS.",
                tuple(evidence),
                "Check the port: it is not a TLS port, or a firewall or proxy answers on it.",
            )
        ]
    name, starttls = found
    if name == "MySQL" and len(data) > 5 and data[4] == 0x0A:
        version = data[5:].split(b"\0", 1)[0].decode("latin-1")
        evidence.append(f"MySQL protocol 10 greeting, server version {version}")
    if name == "HTTP":
        fix = "This port serves plain HTTP: use the HTTPS port (usually 443)."
    elif starttls is None:
        fix = f"This port speaks {name}, not TLS: connect to the port of the TLS service."
    else:
        fix = (
            f"Add -starttls {starttls} to upgrade the {name} connection to TLS, "
            "or use the protocol's TLS port."
        )
    return [
        Explanation(
            "plaintext_protocol",
            f"The server speaks {name} in plaintext on this port, not TLS.",
            tuple(evidence),
            fix,
        )
    ]


# ------------------------------------------------------------ the handshake


def _client_hello(c: ConnectionReport) -> dict[str, Any]:
    """What our (first) ClientHello offered: versions, suites, ALPN, SNI."""
    from sclient.tls.registry import protocol as P

    for m in c.messages:
        if m.sent and m.content_type == P.HANDSHAKE and m.type == P.CLIENT_HELLO:
            return _parse_hello(m.raw)
    return {}


def _parse_hello(raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        p = 4 + 2
        out["legacy_version"] = int.from_bytes(raw[4:6], "big")
        p += 32
        p += 1 + raw[p]
        n = int.from_bytes(raw[p : p + 2], "big")
        out["suites"] = [int.from_bytes(raw[i : i + 2], "big") for i in range(p + 2, p + 2 + n, 2)]
        p += 2 + n
        p += 1 + raw[p]
        end = p + 2 + int.from_bytes(raw[p : p + 2], "big") if p + 2 <= len(raw) else p
        p += 2
        while p + 4 <= end:
            t = int.from_bytes(raw[p : p + 2], "big")
            n = int.from_bytes(raw[p + 2 : p + 4], "big")
            body = raw[p + 4 : p + 4 + n]
            p += 4 + n
            if t == 43 and body:
                out["versions"] = [
                    int.from_bytes(body[i : i + 2], "big") for i in range(1, 1 + body[0], 2)
                ]
            elif t == 16 and len(body) > 2:
                names, i = [], 2
                while i < len(body):
                    k = body[i]
                    names.append(body[i + 1 : i + 1 + k].decode("latin-1"))
                    i += 1 + k
                out["alpn"] = names
    except IndexError:
        pass
    return out


def _version_names(versions: Sequence[int]) -> str:
    from sclient.tls.registry.protocol import VERSION_NAMES

    return ", ".join(VERSION_NAMES.get(v, f"0x{v:04X}") for v in versions)


#: Signalling values among the suites (RFC 5746, RFC 7507): no cipher.
_SIGNALLING = (0x00FF, 0x5600)


def _suite_names(codes: Sequence[int], limit: int = 8) -> str:
    from sclient.tls.registry import suites

    names = [s.openssl if (s := suites.BY_CODE.get(x)) else f"0x{x:04X}" for x in codes]
    names = [n for x, n in zip(codes, names, strict=True) if x not in _SIGNALLING]
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def _alerts_received(c: ConnectionReport) -> list[int]:
    from sclient.tls.registry import protocol as P

    return [m.type for m in c.messages if not m.sent and m.content_type == P.ALERT]


def _alert_name(code: int) -> str:
    from sclient.tls.registry import alerts

    return str(alerts.describe(code).msg)


#: Alerts the engine's table has no constant for (RFC 5246 §7.2, RFC 8446 §6).
_ACCESS_DENIED = 49
_CERTIFICATE_REQUIRED = 116


def _probe_fix(probes: Sequence[ProbeResult]) -> str | None:
    """The options that reach what the probes found the server speaks."""
    from sclient.tls.registry import suites
    from sclient.tls.registry.protocol import TLS1_3

    switch = {0x0304: "-tls1_3", 0x0303: "-tls1_2", 0x0302: "-tls1_1", 0x0301: "-tls1"}
    for p in probes:
        if p.chosen is None or p.suite is None:
            continue
        suite = suites.BY_CODE.get(p.suite)
        name = suite.openssl if suite else f"0x{p.suite:04X}"
        what = "-ciphersuites" if p.chosen == TLS1_3 else "-cipher"
        level = "" if p.chosen == TLS1_3 else "@SECLEVEL=0"
        return (
            f"The server speaks {_version_names([p.chosen])} with {name}: "
            f"{switch.get(p.chosen, '')} {what} {name}{level} reaches it "
            "(if that is weak, better upgrade the server)."
        )
    return None


_RESET = re.compile(r"^(?:read|write):errno=(\d+)$", re.M)


def _reset(c: ConnectionReport, err_log: Sequence[str]) -> str | None:
    """The socket error that ended the handshake (``write:errno=104``), if it
    was the peer's reset or a broken pipe."""
    import errno as E

    for text in err_log[c.first_err_line :]:
        for m in _RESET.finditer(text):
            code = int(m.group(1))
            if code in (E.ECONNRESET, E.EPIPE):
                return f"{m.group(0)}, {E.errorcode[code]}"
    return None


def _handshake(
    c: ConnectionReport,
    setup: Setup,
    view: View,
    probes: Sequence[ProbeResult] = (),
    err_log: Sequence[str] = (),
) -> list[Explanation]:
    from sclient.tls.registry import alerts as A

    err = c.error
    received = _alerts_received(c)
    alert = received[-1] if received else None
    hello = _client_hello(c)
    offered_versions = hello.get("versions") or (
        [hello["legacy_version"]] if "legacy_version" in hello else []
    )
    said = f"the server sent the alert {_alert_name(alert)} ({alert})" if alert is not None else ""
    out: list[Explanation] = []
    reason = getattr(err, "reason", None)
    if alert == A.UNRECOGNIZED_NAME:
        sni = setup.sni
        out.append(
            Explanation(
                "sni_required",
                f"The server does not know the name {sni}."
                if sni
                else "The server needs a server name (SNI) and none was sent.",
                (said, f"server name sent: {sni or 'none'}"),
                "Send the name the server serves with -servername NAME "
                + ("(check its spelling)." if sni else "(not -noservername)."),
            )
        )
    elif alert == A.NO_APPLICATION_PROTOCOL:
        offered = hello.get("alpn") or []
        out.append(
            Explanation(
                "alpn_mismatch",
                f"The server speaks none of the application protocols offered "
                f"({', '.join(offered) or 'none'}).",
                (said, f"ALPN offered: {', '.join(offered) or 'none'}"),
                "Offer a protocol the server supports with -alpn (e.g. h2,http/1.1), "
                "or leave -alpn out.",
            )
        )
    elif c.cert_request is not None and (
        alert
        in (
            _CERTIFICATE_REQUIRED,
            A.HANDSHAKE_FAILURE,
            A.BAD_CERTIFICATE,
            A.UNKNOWN_CA,
            _ACCESS_DENIED,
            A.CERTIFICATE_UNKNOWN,
            A.DECRYPT_ERROR,
        )
    ):
        cas = [view.name(n) for n in c.cert_request.authorities]
        sent = [s for s in c.client_certs_sent if s.chain]
        ev_lines = [said, "the server asked for a client certificate (CertificateRequest)"]
        ev_lines += [f"acceptable CA: {n}" for n in cas] or [
            "acceptable CAs: not named by the server"
        ]
        if sent:
            subj = view.cert(sent[-1].chain[0]).subject
            ev_lines.append(f"certificate sent: {subj}")
            out.append(
                Explanation(
                    "client_cert_refused",
                    f"The server refused the client certificate {subj}.",
                    tuple(ev_lines),
                    "Use a certificate issued by one of the CAs the server accepts "
                    "(-cert FILE -key FILE).",
                )
            )
        else:
            out.append(
                Explanation(
                    "client_cert_required",
                    "The server requires a client certificate, and none was sent.",
                    tuple(ev_lines),
                    "Give one with -cert FILE -key FILE"
                    + (f", issued by {cas[0]}." if len(cas) == 1 else "."),
                )
            )
    elif c.in_init and (
        alert in (A.HANDSHAKE_FAILURE, A.PROTOCOL_VERSION, A.INSUFFICIENT_SECURITY)
        # An OpenSSL server with no version of the offer enabled ("no protocols
        # available") answers the ClientHello with internal_error.
        or (alert == A.INTERNAL_ERROR and c.version is None)
    ):
        ev_lines = [said]
        if offered_versions:
            ev_lines.append(f"versions offered: {_version_names(offered_versions)}")
        if hello.get("suites"):
            ev_lines.append(f"cipher suites offered: {_suite_names(hello['suites'])}")
        if alert == A.PROTOCOL_VERSION:
            finding = "The server speaks none of the TLS versions offered."
        elif alert == A.INTERNAL_ERROR:
            finding = (
                "The server gave up on the ClientHello with internal_error, before choosing "
                "a version: OpenSSL servers do so when none of the versions offered is "
                "enabled on their side."
            )
        elif c.version is not None:
            finding = (
                f"The server chose {_version_names([c.version])} but refused the rest of the "
                "handshake (no common cipher suite, group or signature algorithm)."
            )
        else:
            finding = (
                "The server found nothing in common with the offer: no shared cipher "
                "suite, version, group or signature algorithm."
            )
        fix = (
            "Try other versions (-tls1_2, -tls1_3, -no_tls1_3) and suites (-cipher, "
            "-ciphersuites); older servers may need -cipher DEFAULT@SECLEVEL=1; "
            "-explain_probe asks the server which it speaks."
        )
        if probes:
            ev_lines += [p.text() for p in probes]
            fix = _probe_fix(probes) or fix
        out.append(Explanation("version_or_cipher_mismatch", finding, tuple(ev_lines), fix))
    elif (
        reason
        in (
            "UNSUPPORTED_PROTOCOL",
            "TLSV1_ALERT_PROTOCOL_VERSION",
            "WRONG_SSL_VERSION",
            "NO_SHARED_CIPHER",
            "WRONG_CIPHER_RETURNED",
            "UNSUPPORTED_SSL_VERSION",
        )
        and c.in_init
    ):
        out.append(
            Explanation(
                "version_or_cipher_mismatch",
                "The server chose a version or cipher suite this client does not accept.",
                (f"error: {reason}", f"versions offered: {_version_names(offered_versions)}"),
                "Allow what the server chose (-tls1, -tls1_1, -cipher …@SECLEVEL=0) only if you "
                "must talk to it; better, upgrade the server.",
            )
        )
    elif alert == A.NO_RENEGOTIATION or (c.renegotiations and c.renegotiations[-1].t_end is None):
        out.append(
            Explanation(
                "renegotiation_refused",
                "The server refused to renegotiate.",
                tuple(x for x in (said, "renegotiation asked by this client (R)") if x),
                "Nothing to fix on the client: this server does not renegotiate (TLS 1.3 never "
                "does; use -tls1_2 and a server that allows it to test renegotiation).",
            )
        )
    reset = _reset(c, err_log)
    eof = reason == "UNEXPECTED_EOF_WHILE_READING"
    if (eof or reset) and c.in_init and c.foreign is None and not out:
        read = c.tls_read or 0
        port_proto = _PORTS.get(setup.port or "")
        ev_lines = [
            f"the server reset the connection during the handshake ({reset})"
            if reset
            else "the connection was closed by the server during the handshake, with no alert",
            f"bytes read from the server: {read}",
        ]
        fix = "Look at the server's log: it may not speak TLS on this port, or it dropped the ClientHello."
        if read == 0 and port_proto is not None:
            name = _PROTOCOL_NAMES[port_proto]
            ev_lines.append(f"port {setup.port} is {name}'s, whose clients speak first")
            fix = f"Add -starttls {port_proto}: a {name} server waits for its client, and closes on a ClientHello."
        elif read == 0:
            ev_lines.append(
                "a server that waits for its client to speak first (PostgreSQL, LDAP, "
                "XMPP) closes like this on a ClientHello"
            )
        out.append(
            Explanation(
                "closed_without_alert",
                "The server closed the connection in the middle of the handshake without "
                "saying why.",
                tuple(ev_lines),
                fix,
            )
        )
    return out


# ------------------------------------------------------------ connecting

_ERRNO = re.compile(r"connect:errno=(\d+)")


def _connect(
    c: ConnectionReport, run: RunReport, setup: Setup, err_log: Sequence[str]
) -> list[Explanation]:
    import errno as E

    if c.t_connected is not None:
        return []
    said = [ln for t in err_log[c.first_err_line :] for ln in t.splitlines() if ln.strip()]
    where = f"{setup.host or ''}:{setup.port or ''}" if setup.unix is None else setup.unix
    if setup.proxied:
        where = f"the proxy {setup.proxy_host}:{setup.proxy_port}"
    end = len(run.errors)
    entries = run.errors[c.first_error : end]
    lookup = [e for e in entries if e.func == "BIO_lookup_ex"]
    if lookup:
        return [
            Explanation(
                "dns_failure",
                f"The name {setup.proxy_host if setup.proxied else setup.host} could not be "
                "resolved to an address.",
                (f"resolver said: {lookup[-1].data}",),
                "Check the spelling and your DNS (try: getent hosts NAME), or connect to an address.",
            )
        ]
    codes = [int(m.group(1)) for ln in said if (m := _ERRNO.search(ln))]
    code = codes[-1] if codes else 0
    if code == E.ECONNREFUSED:
        return [
            Explanation(
                "tcp_refused",
                f"Nothing listens on {where}: the connection was refused.",
                (f"connect:errno={code} ({E.errorcode[code]})",),
                "Check the port number and that the server runs (and listens on this address).",
            )
        ]
    if code == E.ETIMEDOUT:
        return [
            Explanation(
                "tcp_timeout",
                f"{where} did not answer: the connection timed out.",
                (f"connect:errno={code} ({E.errorcode[code]})",),
                "A firewall may drop the packets, or the host is down; check the address and port.",
            )
        ]
    if code in (E.EHOSTUNREACH, E.ENETUNREACH, E.EADDRNOTAVAIL):
        return [
            Explanation(
                "tcp_unreachable",
                f"There is no route to {where}.",
                (f"connect:errno={code} ({E.errorcode[code]})",),
                "Check the address, the network and (for IPv6) whether this host has a route; "
                "-4 or -6 picks the family.",
            )
        ]
    return []


# ------------------------------------------------------------ the whole run


def explain(run: RunReport, view: View, setup: Setup, err_log: Sequence[str]) -> list[Explanation]:
    """The diagnoses of the run's last connection (the one that decided the
    exit status), most telling first."""
    from sclient.transport import clock

    c = run.current
    out = _safely(_connect, c, run, setup, err_log)
    if out:
        return out
    out = _safely(_plaintext, c, setup)
    out += _safely(_handshake, c, setup, view, run.probes, err_log)
    out += _safely(_verification, c, view, setup, clock.wall())
    return out


def _safely(part: Any, *args: Any) -> list[Explanation]:
    """One part of the diagnosis; a part that fails says nothing rather than
    change the run's output or exit status (``SCLIENT_DEBUG=1`` shows it)."""
    import os

    try:
        found: list[Explanation] = part(*args)
    except Exception:
        if os.environ.get("SCLIENT_DEBUG"):
            raise
        return []
    return found


def render_text(explanations: Sequence[Explanation]) -> str:
    """The stderr block."""
    lines = ["---", "Explanation (sclient -explain):"]
    if not explanations:
        lines.append("  Nothing went wrong that sclient can name.")
    for e in explanations:
        lines.append(f"  [{e.code}] {e.finding}")
        lines += [f"      - {x}" for x in e.evidence]
        if e.fix:
            lines.append(f"      fix: {e.fix}")
    return "\n".join(lines) + "\n"
