"""Certificate Transparency (``-ct``): the log store (``CTLOG_STORE``), the
SCTs of a connection (RFC 6962 SignedCertificateTimestampList from the TLS
extension, a stapled OCSP response and the leaf's embedded list, in the
order ``SSL_get0_peer_scts`` collects them) and their validation as
``SCT_LIST_validate`` does it.

Imported only under ``-ct``; the signature checks use ``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import errno as _errno
import hashlib
import os
from collections.abc import Sequence

from sclient.base import der
from sclient.base.errorqueue import ErrorEntry
from sclient.base.spki import spki_of
from sclient.base.structs import Struct, field

#: ``X509_get_default_cert_area()/ct_log_list.cnf`` (OPENSSLDIR of the system's
#: OpenSSL 3.0); the ``CTLOG_FILE`` environment variable overrides it.
DEFAULT_LOG_FILE = "/usr/lib/ssl/ct_log_list.cnf"

#: embedded SCT list (precertificate SCTs), in the certificate
OID_PRECERT_SCTS = "1.3.6.1.4.1.11129.2.4.2"
OID_POISON = "1.3.6.1.4.1.11129.2.4.3"
#: SCT list in an OCSP single response
OID_OCSP_SCTS = "1.3.6.1.4.1.11129.2.4.5"

# sct_source_t
SOURCE_TLS_EXTENSION = "tls_extension"
SOURCE_OCSP = "ocsp_stapled_response"
SOURCE_X509V3 = "x509v3_extension"

# sct_validation_status_t, as SCT_validation_status_string names them
NOT_SET = "not set"
UNKNOWN_LOG = "unknown log"
UNKNOWN_VERSION = "unknown version"
UNVERIFIED = "unverified"
INVALID = "invalid"
VALID = "valid"

_CT_LIB = "CT routines"
_CT_VFY = "../crypto/ct/ct_vfy.c"


class CtLog(Struct, frozen=True, slots=True):
    name: str  # the description
    spki: bytes  # DER SubjectPublicKeyInfo
    log_id: bytes  # SHA-256 of the SPKI


class LogStore(Struct, frozen=True, slots=True):
    logs: tuple[CtLog, ...] = ()

    def by_id(self, log_id: bytes) -> CtLog | None:
        return next((lg for lg in self.logs if lg.log_id == log_id), None)


class LogStoreError(Exception):
    """``CTLOG_STORE_load_file`` failed; ``errors`` is the error queue."""

    def __init__(self, errors: Sequence[ErrorEntry]) -> None:
        self.errors = tuple(errors)
        super().__init__("log conf invalid")


def _conf_invalid(line: int = 239) -> ErrorEntry:
    return ErrorEntry(
        0x1900006D,
        _CT_LIB,
        "CTLOG_STORE_load_file",
        "log conf invalid",
        "../crypto/ct/ct_log.c",
        line,
    )


def _no_value(group: str, name: str) -> ErrorEntry:
    return ErrorEntry(
        0x0700006C,
        "configuration file routines",
        "NCONF_get_string",
        "no value",
        "../crypto/conf/conf_lib.c",
        315,
        f"group={group} name={name}",
    )


def _ct_log_error(reason_code: int, what: str, line: int) -> ErrorEntry:
    return ErrorEntry(
        0x19000000 | reason_code,
        _CT_LIB,
        "ctlog_new_from_conf",
        f"log conf missing {what}",
        "../crypto/ct/ct_log.c",
        line,
    )


def _spki_from_base64(text: str) -> tuple[bytes | None, list[ErrorEntry]]:
    """CTLOG_new_from_base64_ex: the key's DER, or the errors queued when it
    is not base64 (ct_base64_decode's) or not a public key (d2i_PUBKEY's
    own entries are not reproduced)."""
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    def invalid(line: int) -> ErrorEntry:
        return ErrorEntry(
            0x1900006E,
            _CT_LIB,
            "CTLOG_new_from_base64_ex",
            "log conf invalid key",
            "../crypto/ct/ct_b64.c",
            line,
        )

    try:
        spki = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decode = ErrorEntry(
            0x190C0100, _CT_LIB, "ct_base64_decode", "malloc failure", "../crypto/ct/ct_b64.c", 38
        )
        return None, [decode, invalid(151)]
    try:
        load_der_public_key(spki)
    except (ValueError, TypeError):
        return None, [invalid(159)]
    return spki, []


def default_log_file() -> str:
    return os.environ.get("CTLOG_FILE") or DEFAULT_LOG_FILE


def load_log_store(path: str) -> LogStore:
    """The logs ``enabled_logs`` names, each a section with ``key`` (base64
    SPKI) and ``description``; failures raise :class:`LogStoreError`."""
    from sclient.x509.store import bio_fopen_errors

    try:
        with open(path, "rb") as f:
            text = f.read().decode("latin-1")
    except OSError as e:
        en = e.errno or 0
        errs = [
            ErrorEntry(
                x.code,
                x.library,
                x.func,
                x.reason,
                x.file,
                x.line,
                x.data.replace(", r)", ", rb)"),
            )
            for x in bio_fopen_errors(path, en)
        ]
        if en in (_errno.ENOENT, _errno.ENXIO):
            errs.append(
                ErrorEntry(
                    0x07000072,
                    "configuration file routines",
                    "def_load",
                    "no such file",
                    "../crypto/conf/conf_def.c",
                    179,
                )
            )
        raise LogStoreError([*errs, _conf_invalid()]) from None
    from sclient.base.conf import ConfSyntaxError, parse_conf

    try:
        conf = parse_conf(text)
    except ConfSyntaxError:
        raise LogStoreError([_conf_invalid()]) from None
    enabled = conf.get(None, "enabled_logs")
    if enabled is None:
        raise LogStoreError([_no_value("<NULL>", "enabled_logs"), _conf_invalid(245)])
    logs = []
    errors: list[ErrorEntry] = []
    for name in (n.strip() for n in enabled.split(",")):
        if not name:
            continue
        # ctlog_new_from_conf: the description, then the key
        description = conf.get(name, "description")
        if description is None:
            errors += [_no_value(name, "description"), _ct_log_error(0x6F, "description", 154)]
            continue
        key = conf.get(name, "key")
        if key is None:
            errors += [_no_value(name, "key"), _ct_log_error(0x70, "key", 160)]
            continue
        spki, key_errors = _spki_from_base64(key)
        if spki is None:
            errors += key_errors
            continue
        logs.append(CtLog(description, spki, hashlib.sha256(spki).digest()))
    if errors:
        raise LogStoreError([*errors, _conf_invalid(250)])
    return LogStore(tuple(logs))


# --------------------------------------------------------------------- SCTs


class Sct(Struct, frozen=True, slots=True):
    raw: bytes
    version: int
    source: str
    log_id: bytes = b""
    timestamp: int = 0
    extensions: bytes = b""
    hash_alg: int = 0
    sig_alg: int = 0
    signature: bytes = b""
    status: str = NOT_SET
    #: the error ``SCT_CTX_verify`` left on the queue (invalid ones)
    errors: tuple[ErrorEntry, ...] = field(default=())

    @property
    def precert(self) -> bool:
        return self.source == SOURCE_X509V3


def _u(b: bytes, pos: int, n: int) -> tuple[int, int]:
    if pos + n > len(b):
        raise ValueError("short")
    return int.from_bytes(b[pos : pos + n], "big"), pos + n


def parse_sct(raw: bytes, source: str) -> Sct:
    """``o2i_SCT``: a v1 SCT's fields; other versions keep only the blob."""
    if not raw:
        raise ValueError("empty")
    if raw[0] != 0:
        return Sct(raw, raw[0], source)
    pos = 1
    if len(raw) < 1 + 32 + 8 + 2:
        raise ValueError("short")
    log_id = raw[1:33]
    ts, pos = _u(raw, 33, 8)
    n, pos = _u(raw, pos, 2)
    ext = raw[pos : pos + n]
    if len(ext) != n:
        raise ValueError("short")
    pos += n
    h, pos = _u(raw, pos, 1)
    s, pos = _u(raw, pos, 1)
    n, pos = _u(raw, pos, 2)
    sig = raw[pos : pos + n]
    if len(sig) != n or pos + n != len(raw):
        raise ValueError("length")
    return Sct(raw, 0, source, log_id, ts, ext, h, s, sig)


def parse_sct_list(data: bytes, source: str) -> list[Sct]:
    """``o2i_SCT_LIST``; a list that does not decode gives none."""
    try:
        total, pos = _u(data, 0, 2)
        if total != len(data) - 2 or total == 0:
            return []
        out = []
        while pos < len(data):
            n, pos = _u(data, pos, 2)
            if n == 0 or pos + n > len(data):
                return []
            out.append(parse_sct(data[pos : pos + n], source))
            pos += n
        return out
    except ValueError:
        return []


def _ext_octets(value: bytes) -> bytes | None:
    """The TLS list inside an extension's OCTET STRING."""
    try:
        t = der.parse(value)
    except der.DERError:
        return None
    return t.content if t.tag == 0x04 else None


def _cert_extensions(cert_der: bytes) -> tuple[der.TLV, list[der.TLV]]:
    """The TBSCertificate and its fields."""
    tbs = der.parse(cert_der).children()[0]
    return tbs, tbs.children()


def _ext_list(fields: list[der.TLV]) -> tuple[int, list[der.TLV]]:
    for i, f in enumerate(fields):
        if f.tag == 0xA3:
            return i, f.children()[0].children()
    return -1, []


def _ext_oid(e: der.TLV) -> str:
    return der.decode_oid(e.children()[0].content)


def embedded_scts(cert_der: bytes) -> list[Sct]:
    try:
        _, fields = _cert_extensions(cert_der)
        for e in _ext_list(fields)[1]:
            if _ext_oid(e) == OID_PRECERT_SCTS:
                inner = _ext_octets(e.children()[-1].content)
                return parse_sct_list(inner, SOURCE_X509V3) if inner is not None else []
    except (der.DERError, IndexError, ValueError):
        return []
    return []


def ocsp_scts(response: bytes) -> list[Sct]:
    """The SCT lists of every single response of a stapled OCSP response
    (each list last to first)."""
    from sclient.x509.ocsp import parse_response

    parsed = parse_response(response)
    basic = getattr(parsed, "basic", None) if parsed is not None else None
    if basic is None:
        return []
    out: list[Sct] = []
    for single in basic.responses:
        for e in single.extensions:
            if e.oid == OID_OCSP_SCTS:
                inner = _ext_octets(e.value)
                if inner is not None:  # popped, as ct_move_scts does
                    out.extend(parse_sct_list(inner, SOURCE_OCSP)[::-1])
    return out


def peer_scts(tls_ext: bytes | None, ocsp: bytes | None, leaf: bytes | None) -> list[Sct]:
    """``SSL_get0_peer_scts``: the extension's, the OCSP response's, the
    certificate's, in that order; ct_move_scts pops each source's list, so
    the SCTs of one source come last to first."""
    out = parse_sct_list(tls_ext, SOURCE_TLS_EXTENSION)[::-1] if tls_ext else []
    if ocsp:
        out.extend(ocsp_scts(ocsp))
    if leaf:
        out.extend(embedded_scts(leaf)[::-1])
    return out


def _precert_tbs(cert_der: bytes) -> bytes:
    """The TBSCertificate without the SCT list and poison extensions, as
    ``SCT_CTX_set1_cert`` re-encodes it."""
    _, fields = _cert_extensions(cert_der)
    i, exts = _ext_list(fields)
    kept = [e.raw for e in exts if _ext_oid(e) not in (OID_PRECERT_SCTS, OID_POISON)]
    body = [f.raw for f in fields]
    if i >= 0:
        if kept:
            body[i] = der.encode(0xA3, der.encode(0x30, b"".join(kept)))
        else:
            del body[i]
    return der.encode(0x30, b"".join(body))


def signed_data(sct: Sct, leaf: bytes, issuer: bytes | None) -> bytes:
    """The digitally-signed struct (RFC 6962 §3.2) over the entry."""
    if sct.precert:
        if issuer is None:
            raise ValueError("no issuer")
        tbs = _precert_tbs(leaf)
        issuer_key = spki_of(issuer)
        if issuer_key is None:
            raise ValueError("issuer is not a certificate")
        entry = b"\x00\x01" + hashlib.sha256(issuer_key).digest()
        entry += len(tbs).to_bytes(3, "big") + tbs
    else:
        entry = b"\x00\x00" + len(leaf).to_bytes(3, "big") + leaf
    return (
        b"\x00\x00"
        + sct.timestamp.to_bytes(8, "big")
        + entry
        + len(sct.extensions).to_bytes(2, "big")
        + sct.extensions
    )


def _vfy_error(reason: str, code: int, line: int) -> ErrorEntry:
    return ErrorEntry(code, _CT_LIB, "SCT_CTX_verify", reason, _CT_VFY, line)


def _verify_signature(spki: bytes, sct: Sct, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    if sct.hash_alg != 4:
        return False
    try:
        key = serialization.load_der_public_key(spki)
        if isinstance(key, ec.EllipticCurvePublicKey) and sct.sig_alg == 3:
            key.verify(sct.signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey) and sct.sig_alg == 1:
            key.verify(sct.signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def validate(
    sct: Sct, store: LogStore, leaf: bytes | None, issuer: bytes | None, now_ms: int
) -> Sct:
    """``SCT_validate``: the status, and the error a failed check leaves."""
    from sclient.base import structs

    if sct.version != 0:
        return structs.replace(sct, status=UNKNOWN_VERSION)
    log = store.by_id(sct.log_id)
    if log is None:
        return structs.replace(sct, status=UNKNOWN_LOG)
    if leaf is None or (sct.precert and issuer is None):
        return structs.replace(sct, status=UNVERIFIED)
    if sct.timestamp > now_ms:
        err = _vfy_error("sct future timestamp", 0x19000074, 121)
        return structs.replace(sct, status=INVALID, errors=(err,))
    try:
        data = signed_data(sct, leaf, issuer)
    except (ValueError, IndexError, der.DERError):
        return structs.replace(sct, status=UNVERIFIED)
    if _verify_signature(log.spki, sct, data):
        return structs.replace(sct, status=VALID)
    err = _vfy_error("sct invalid signature", 0x1900006B, 133)
    return structs.replace(sct, status=INVALID, errors=(err,))


# ------------------------------------------------------------------ printing

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SIG_NAMES = {(4, 3): "ecdsa-with-SHA256", (4, 1): "sha256WithRSAEncryption"}


def hex_string(indent: int, width: int, data: bytes) -> str:
    """``BIO_hex_string``."""
    if not data:
        return ""
    out = []
    j = 0
    for i, b in enumerate(data[:-1]):
        if i and not j:
            out.append(" " * indent)
        out.append(f"{b:02X}:")
        j = (j + 1) % width
        if not j:
            out.append("\n")
    if len(data) > 1 and not j:
        out.append(" " * indent)
    out.append(f"{data[-1]:02X}")
    return "".join(out)


def timestamp_text(ms: int) -> str:
    """``timestamp_print``: a GeneralizedTime with milliseconds."""
    import datetime as _dt

    t = _dt.datetime(1970, 1, 1) + _dt.timedelta(
        days=ms // 86400000, seconds=(ms % 86400000) // 1000
    )
    frac = f".{ms % 1000:03d}"
    return f"{_MONTHS[t.month - 1]} {t.day:2d} {t:%H:%M:%S}{frac} {t.year} GMT"


def sct_text(sct: Sct, store: LogStore | None, indent: int = 0) -> str:
    """``SCT_print(sct, out, indent, store)`` (no final newline)."""
    pad, pad4, cont = " " * indent, " " * (indent + 4), indent + 16
    out = [f"{pad}Signed Certificate Timestamp:", f"\n{pad4}Version   : "]
    if sct.version != 0:
        out.append("unknown\n" + " " * cont + hex_string(cont, 16, sct.raw))
        return "".join(out)
    out.append("v1 (0x0)")
    log = store.by_id(sct.log_id) if store is not None else None
    if log is not None:
        out.append(f"\n{pad4}Log       : {log.name}")
    out.append(f"\n{pad4}Log ID    : " + hex_string(cont, 16, sct.log_id))
    out.append(f"\n{pad4}Timestamp : " + timestamp_text(sct.timestamp))
    out.append(f"\n{pad4}Extensions: ")
    out.append(hex_string(cont, 16, sct.extensions) if sct.extensions else "none")
    name = _SIG_NAMES.get((sct.hash_alg, sct.sig_alg))
    out.append(f"\n{pad4}Signature : ")
    out.append(name if name is not None else f"{sct.hash_alg:02X}{sct.sig_alg:02X}")
    out.append("\n" + " " * cont + hex_string(cont, 16, sct.signature))
    return "".join(out)


def sct_list_text(ext_value: bytes, indent: int) -> str | None:
    """``i2r_SCT_LIST`` (the certificate's and OCSP's SCT list extension
    printed by X509V3_EXT_print); None when the list does not decode."""
    inner = _ext_octets(ext_value)
    scts = parse_sct_list(inner, SOURCE_X509V3) if inner is not None else []
    if not scts:
        return None
    return "\n".join(sct_text(s, None, indent) for s in scts) + "\n"


def scts_block(scts: Sequence[Sct], store: LogStore | None) -> str:
    """s_client's print_stuff: ``SCTs present (N)`` and each SCT."""
    out = [f"---\nSCTs present ({len(scts)})\n"]
    if scts:
        out.append("---\n")
        for i, sct in enumerate(scts):
            out.append(f"SCT validation status: {sct.status}\n")
            out.append(sct_text(sct, store))
            if i < len(scts) - 1:
                out.append("\n---\n")
        out.append("\n")
    return "".join(out)
