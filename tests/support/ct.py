"""Certificate Transparency test material made with ``cryptography``: a test
log (its key, the ``-ctlogfile`` CONF file naming it), SCTs it signs as RFC
6962 says (over the X.509 entry for the TLS extension and OCSP, over the
precertificate entry for an embedded list), the ``SERVERINFO FOR EXTENSION
18`` PEM file ``openssl s_server -serverinfo`` sends them from, and a leaf
certificate that carries an embedded SCT list."""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import struct
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

SCT_LIST_OID = x509.ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")


class Log:
    """One test log: an ECDSA P-256 key and its description."""

    def __init__(self, description: str = "Test CT log") -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.description = description
        self.spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.log_id = hashlib.sha256(self.spki).digest()

    def conf(self, name: str = "testlog") -> str:
        """This log's section of a CTLOG_STORE file."""
        key = base64.b64encode(self.spki).decode()
        return f"[{name}]\ndescription = {self.description}\nkey = {key}\n"

    def sct(
        self, entry: bytes, timestamp_ms: int, precert: bool = False, ext: bytes = b""
    ) -> bytes:
        """A v1 SCT over ``entry``: the DER certificate, or (precert) the
        32-byte issuer key hash followed by the TBSCertificate."""
        if precert:
            signed_entry = struct.pack(">H", 1) + entry[:32] + _u24(entry[32:])
        else:
            signed_entry = struct.pack(">H", 0) + _u24(entry)
        tbs = bytes([0, 0]) + struct.pack(">Q", timestamp_ms) + signed_entry
        tbs += struct.pack(">H", len(ext)) + ext
        sig = self.key.sign(tbs, ec.ECDSA(hashes.SHA256()))
        return (
            bytes([0])
            + self.log_id
            + struct.pack(">Q", timestamp_ms)
            + struct.pack(">H", len(ext))
            + ext
            + bytes([4, 3])
            + struct.pack(">H", len(sig))
            + sig
        )


def _u24(b: bytes) -> bytes:
    return len(b).to_bytes(3, "big") + b


def sct_list(*scts: bytes) -> bytes:
    """The SignedCertificateTimestampList (u16 total, u16 per SCT)."""
    body = b"".join(struct.pack(">H", len(s)) + s for s in scts)
    return struct.pack(">H", len(body)) + body


def log_file(path: Path, *logs: Log) -> Path:
    names = [f"log{i}" for i in range(len(logs))]
    text = "enabled_logs = " + ",".join(names) + "\n\n"
    text += "\n".join(log.conf(n) for log, n in zip(logs, names, strict=True))
    path.write_text(text)
    return path


def serverinfo_file(path: Path, scts: bytes) -> Path:
    """``-serverinfo`` PEM: extension 18 carrying the SCT list."""
    data = struct.pack(">HH", 18, len(scts)) + scts
    b64 = base64.encodebytes(data).decode().replace("\n", "")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    pem = "-----BEGIN SERVERINFO FOR EXTENSION 18-----\n" + "\n".join(lines)
    path.write_text(pem + "\n-----END SERVERINFO FOR EXTENSION 18-----\n")
    return path


def now_ms(delta_s: int = -3600) -> int:
    return int((_dt.datetime.now(_dt.UTC).timestamp() + delta_s) * 1000)


def embed(
    leaf: x509.Certificate,
    issuer: x509.Certificate,
    issuer_key,
    logs: list[Log],  # type: ignore[no-untyped-def]
) -> x509.Certificate:
    """``leaf`` reissued by ``issuer_key`` with an SCT list extension (last)
    whose SCTs each log signed over the precertificate entry."""

    def builder() -> x509.CertificateBuilder:
        b = (
            x509.CertificateBuilder()
            .subject_name(leaf.subject)
            .issuer_name(leaf.issuer)
            .public_key(leaf.public_key())  # type: ignore[arg-type]
            .serial_number(leaf.serial_number)
            .not_valid_before(leaf.not_valid_before_utc)
            .not_valid_after(leaf.not_valid_after_utc)
        )
        for e in leaf.extensions:
            if e.oid != SCT_LIST_OID:
                b = b.add_extension(e.value, e.critical)
        return b

    pre = builder().sign(issuer_key, hashes.SHA256())
    ikh = hashlib.sha256(
        issuer.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).digest()
    scts = [log.sct(ikh + pre.tbs_certificate_bytes, now_ms(), precert=True) for log in logs]
    ext = x509.UnrecognizedExtension(SCT_LIST_OID, _octet(sct_list(*scts)))
    return builder().add_extension(ext, False).sign(issuer_key, hashes.SHA256())


def _octet(b: bytes) -> bytes:
    # the extension's value is an OCTET STRING holding the TLS-encoded list
    n = len(b)
    if n < 128:
        return bytes([4, n]) + b
    ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([4, 0x80 | len(ln)]) + ln + b


def serverinfo_v2_file(path: Path, scts: bytes) -> Path:
    """``-serverinfo`` PEM, version 2: the SCT list in the TLS 1.2 ServerHello
    and the TLS 1.3 leaf CertificateEntry (context ClientHello | TLS 1.2
    ServerHello | TLS 1.3 Certificate)."""
    data = struct.pack(">IHH", 0x1180, 18, len(scts)) + scts
    b64 = base64.encodebytes(data).decode().replace("\n", "")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    pem = "-----BEGIN SERVERINFOV2 FOR EXTENSION 18-----\n" + "\n".join(lines)
    path.write_text(pem + "\n-----END SERVERINFOV2 FOR EXTENSION 18-----\n")
    return path


class Material:
    """The files of the CT golden cases for one PKI chain: ``logs`` (the
    -ctlogfile naming the test log), SERVERINFO files with a valid SCT, one
    from a log the file does not list, one with a broken signature and two
    SCTs, ``embedded``: the leaf reissued with an embedded SCT list, and
    ``ocsp``: a stapled response carrying SCTs."""

    def __init__(self, chain, base: Path) -> None:  # type: ignore[no-untyped-def]
        base.mkdir(parents=True, exist_ok=True)
        self.log, self.other = Log("Test CT log"), Log("Unlisted CT log")
        self.logs = log_file(base / "ct_logs.cnf", self.log)
        leaf = x509.load_pem_x509_certificate(chain.leaf.read_bytes())
        der = leaf.public_bytes(serialization.Encoding.DER)
        good = self.log.sct(der, now_ms())
        bad = bytearray(good)
        bad[-3] ^= 1
        lists = {
            "valid": sct_list(good),
            "unknown": sct_list(self.other.sct(der, now_ms())),
            "invalid": sct_list(bytes(bad)),
            "two": sct_list(good, self.other.sct(der, now_ms(-60))),
        }
        self.serverinfo = {
            name: serverinfo_v2_file(base / f"si_{name}.pem", data) for name, data in lists.items()
        }
        issuer = x509.load_pem_x509_certificate(chain.chain.read_bytes())
        issuer_key = serialization.load_pem_private_key(chain.int_key.read_bytes(), None)
        emb = embed(leaf, issuer, issuer_key, [self.log])
        self.embedded = base / "embedded.pem"
        self.embedded.write_bytes(emb.public_bytes(serialization.Encoding.PEM))
        #: a stapled OCSP response with two SCTs (the test log's, the unlisted one's)
        self.ocsp = ocsp_response(
            chain, sct_list(good, self.other.sct(der, now_ms(-60))), base / "ocsp_scts.der"
        )


def ocsp_response(chain, scts: bytes, out: Path) -> Path:  # type: ignore[no-untyped-def]
    """A good OCSP response for ``chain``'s leaf, signed by its issuer, whose
    single response carries the SCT list extension (1.3.6.1.4.1.11129.2.4.5):
    cryptography's builder makes the response, the extension is spliced into
    the SingleResponse and the ResponseData signed again."""
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.x509 import ocsp

    from sclient.base import der

    leaf = x509.load_pem_x509_certificate(chain.leaf.read_bytes())
    issuer = x509.load_pem_x509_certificate(chain.chain.read_bytes())
    key = serialization.load_pem_private_key(chain.int_key.read_bytes(), None)
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    resp = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=leaf,
            issuer=issuer,
            algorithm=hashes.SHA1(),
            cert_status=ocsp.OCSPCertStatus.GOOD,
            this_update=now - _dt.timedelta(hours=1),
            next_update=now + _dt.timedelta(days=3),
            revocation_time=None,
            revocation_reason=None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.NAME, issuer)
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )
    top = der.parse(resp.public_bytes(serialization.Encoding.DER)).children()
    rbytes = top[1].children()[0].children()
    basic = der.parse(rbytes[1].content).children()
    tbs = basic[0].children()
    i = next(k for k, t in enumerate(tbs) if t.tag == 0x30 and t.children()[0].tag == 0x30)
    single = tbs[i].children()[0].children()
    ext = der.encode(
        0x30,
        der.encode(0x06, bytes.fromhex("2b06010401d679020405")) + der.encode(0x04, _octet(scts)),
    )
    single.append(der.parse(der.encode(0xA1, der.encode(0x30, ext))))
    new_single = der.encode(0x30, b"".join(t.raw for t in single))
    tbs[i] = der.parse(der.encode(0x30, new_single))
    tbs_der = der.encode(0x30, b"".join(t.raw for t in tbs))
    sig = key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr, call-arg]
    new_basic = der.encode(
        0x30,
        tbs_der
        + basic[1].raw
        + der.encode(0x03, b"\x00" + sig)
        + b"".join(t.raw for t in basic[3:]),
    )
    new_rbytes = der.encode(0x30, rbytes[0].raw + der.encode(0x04, new_basic))
    out.write_bytes(der.encode(0x30, top[0].raw + der.encode(0xA0, new_rbytes)))
    return out
