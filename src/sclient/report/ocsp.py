"""``-status``: what s_client's OCSP status callback (``ocsp_resp_cb``) prints
on stdout (output.md §16): ``OCSP response: no response sent``, ``response
parse error`` and a ``BIO_dump_indent`` of the bytes, or the response as
``OCSP_RESPONSE_print`` prints it between two ``=`` rules. Also the JSON
form of a response (``-json``)."""

from __future__ import annotations

import base64
from typing import Any

from sclient.report.hexdump import bio_dump
from sclient.x509 import names, oids
from sclient.x509.ocsp import (
    CERT_STATUS,
    CRL_REASONS,
    NONCE,
    RESPONSE_STATUS,
    CertId,
    OcspExtension,
    OcspResponse,
)

__all__ = ["response_json", "status_text"]

RULE = "======================================\n"


def _ln(oid: str) -> str:
    return oids.ln(oid) if oids.known(oid) else oid


def _hex(data: bytes) -> str:
    """``i2a_ASN1_STRING``: upper-case hex, a backslash-newline every 35 bytes."""
    if not data:
        return "0"
    return "\\\n".join(data[i : i + 35].hex().upper() for i in range(0, len(data), 35))


def _integer(content: bytes) -> str:
    """``i2a_ASN1_INTEGER`` of an INTEGER's content octets."""
    value = int.from_bytes(content, "big", signed=True) if content else 0
    mag = abs(value).to_bytes(max(1, (abs(value).bit_length() + 7) // 8), "big")
    return ("-" if value < 0 else "") + _hex(mag)


def _cert_id(c: CertId) -> str:
    return (
        "    Certificate ID:\n"
        f"      Hash Algorithm: {_ln(c.hash_oid)}\n"
        f"      Issuer Name Hash: {_hex(c.name_hash)}\n"
        f"      Issuer Key Hash: {_hex(c.key_hash)}\n"
        f"      Serial Number: {_integer(c.serial)}\n"
    )


#: CT Certificate SCTs (an SCT list in a single response)
_SCTS = "1.3.6.1.4.1.11129.2.4.5"


def _extensions(title: str, exts: tuple[OcspExtension, ...], indent: int) -> str:
    """``X509V3_extensions_print``: the nonce decoded, others as their octets."""
    if not exts:
        return ""
    out = [f"{' ' * indent}{title}:\n"]
    pad = " " * (indent + 4)
    for e in exts:
        out.append(f"{pad}{_ln(e.oid)}: {'critical' if e.critical else ''}\n")
        if e.oid == _SCTS:  # i2r_SCT_LIST
            from sclient.x509.ct import sct_list_text

            scts = sct_list_text(e.value, indent + 8)
            if scts is not None:
                out.append(scts)
                continue
        if e.oid == NONCE:
            body = _hex(e.value)
        else:
            body = "".join(chr(b) if 0x20 <= b <= 0x7E or b in (10, 13) else "." for b in e.value)
        out.append(f"{pad}    {body}\n")
    return "".join(out)


def response_text(r: OcspResponse) -> str:
    """``OCSP_RESPONSE_print(bio, r, 0)``."""
    from sclient.x509.text import certificate_text, signature_text

    st = RESPONSE_STATUS.get(r.status, "(UNKNOWN)")
    out = ["OCSP Response Data:\n", f"    OCSP Response Status: {st} (0x{r.status:x})\n"]
    if r.response_type is None:
        return "".join(out)
    out.append(f"    Response Type: {_ln(r.response_type)}")
    if r.response_type != "1.3.6.1.5.5.7.48.1.1":
        out.append(" (unknown response type)\n")
        return "".join(out)
    b = r.basic
    if b is None:  # OCSP_response_get1_basic failed: printing stops here
        return "".join(out)
    out.append(f"\n    Version: {b.version + 1} (0x{b.version:x})\n")
    if b.responder_name is not None:
        rid = names.print_ex(names.Name.from_der(b.responder_name), names.XN_FLAG_ONELINE)
    else:
        rid = _hex(b.responder_key_hash or b"")
    out.append(f"    Responder Id: {rid}\n")
    out.append(f"    Produced At: {b.produced_at.print()}\n    Responses:\n")
    for s in b.responses:
        out.append(_cert_id(s.cert_id))
        out.append(f"    Cert Status: {CERT_STATUS.get(s.status, '(UNKNOWN)')}")
        if s.revocation_time is not None:
            out.append(f"\n    Revocation Time: {s.revocation_time.print()}")
            if s.revocation_reason is not None:
                reason = CRL_REASONS.get(s.revocation_reason, "(UNKNOWN)")
                out.append(f"\n    Revocation Reason: {reason} (0x{s.revocation_reason:x})")
        out.append(f"\n    This Update: {s.this_update.print()}")
        if s.next_update is not None:
            out.append(f"\n    Next Update: {s.next_update.print()}")
        out.append("\n")
        out.append(_extensions("Response Single Extensions", s.extensions, 8))
        out.append("\n")
    out.append(_extensions("Response Extensions", b.extensions, 4))
    out.append(signature_text(b.sig_alg_oid, b.sig_alg_raw, b.signature))
    from sclient.x509.describe import pem

    for c in b.certs:
        text = certificate_text(c, compat=True)
        if text is not None:
            out.append(text)
            out.append(pem(c))
    return "".join(out)


def status_text(response: bytes | None, parsed: OcspResponse | None) -> str:
    """The status callback's output for ``response`` (None: none was sent)."""
    if response is None:
        return "OCSP response: no response sent\n"
    if parsed is None:
        return "OCSP response: response parse error\n" + bio_dump(response, 4)
    return "OCSP response: \n" + RULE + response_text(parsed) + RULE


def _time(t: Any) -> str | None:
    return t.print() if t is not None else None


def response_json(response: bytes, parsed: OcspResponse | None) -> dict[str, Any]:
    """The stapled response for ``-json``: its DER (base64) and its fields."""
    out: dict[str, Any] = {"der_base64": base64.b64encode(response).decode("ascii")}
    if parsed is None:
        out["decoded"] = None
        return out
    d: dict[str, Any] = {
        "response_status": RESPONSE_STATUS.get(parsed.status, "(UNKNOWN)"),
        "response_status_code": parsed.status,
        "response_type": parsed.response_type,
    }
    b = parsed.basic
    if b is not None:
        d["version"] = b.version + 1
        d["responder_id"] = (
            {
                "by_name": names.print_ex(
                    names.Name.from_der(b.responder_name), names.XN_FLAG_ONELINE
                )
            }
            if b.responder_name is not None
            else {"by_key_hash": (b.responder_key_hash or b"").hex().upper()}
        )
        d["produced_at"] = b.produced_at.print()
        d["responses"] = [
            {
                "hash_algorithm": _ln(s.cert_id.hash_oid),
                "issuer_name_hash": s.cert_id.name_hash.hex().upper(),
                "issuer_key_hash": s.cert_id.key_hash.hex().upper(),
                "serial_number": _integer(s.cert_id.serial).replace("\\\n", ""),
                "cert_status": CERT_STATUS.get(s.status, "(UNKNOWN)"),
                "revocation_time": _time(s.revocation_time),
                "revocation_reason": (
                    CRL_REASONS.get(s.revocation_reason, "(UNKNOWN)")
                    if s.revocation_reason is not None
                    else None
                ),
                "this_update": s.this_update.print(),
                "next_update": _time(s.next_update),
                "extensions": [_ext_json(e) for e in s.extensions],
            }
            for s in b.responses
        ]
        d["extensions"] = [_ext_json(e) for e in b.extensions]
        d["signature_algorithm"] = _ln(b.sig_alg_oid)
        d["certificates"] = len(b.certs)
    out["decoded"] = d
    return out


def _ext_json(e: OcspExtension) -> dict[str, Any]:
    return {
        "oid": e.oid,
        "name": _ln(e.oid),
        "critical": e.critical,
        "value": e.value.hex().upper(),
    }
