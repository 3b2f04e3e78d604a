"""Reading negotiated values out of s_client output (text summary, ``-brief``, ``-json``).

The text summary is specified line by line (spec/output.md §5-§7); ``-json``
is sclient's own addition (docs/json.md). Both are reduced to one
``Negotiated`` record so a test can compare them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

#: ``Server Temp Key:`` text -> group name as given to ``-groups``.
TEMP_KEY_GROUPS = {
    "X25519, 253 bits": "x25519",
    "X448, 448 bits": "x448",
    "ECDH, prime256v1, 256 bits": "secp256r1",
    "ECDH, P-256, 256 bits": "secp256r1",
    "ECDH, secp384r1, 384 bits": "secp384r1",
    "ECDH, P-384, 384 bits": "secp384r1",
    "ECDH, secp521r1, 521 bits": "secp521r1",
    "ECDH, P-521, 521 bits": "secp521r1",
    "DH, 2048 bits": "ffdhe2048",
    "DH, 3072 bits": "ffdhe3072",
    "DH, 4096 bits": "ffdhe4096",
}

#: Group names as ``-groups`` takes them -> canonical names above.
GROUP_ALIASES = {
    "x25519": "x25519",
    "X25519": "x25519",
    "x448": "x448",
    "X448": "x448",
    "secp256r1": "secp256r1",
    "P-256": "secp256r1",
    "prime256v1": "secp256r1",
    "secp384r1": "secp384r1",
    "P-384": "secp384r1",
    "secp521r1": "secp521r1",
    "P-521": "secp521r1",
    "ffdhe2048": "ffdhe2048",
    "ffdhe3072": "ffdhe3072",
    "ffdhe4096": "ffdhe4096",
}


@dataclass
class Negotiated:
    version: str | None = None  # "TLSv1.3"
    cipher: str | None = (
        None  # OpenSSL name, "TLS_AES_128_GCM_SHA256" / "ECDHE-RSA-AES128-GCM-SHA256"
    )
    group: str | None = None  # canonical, see GROUP_ALIASES
    temp_key: str | None = None  # raw "Server Temp Key:" text
    sig_type: str | None = None  # "RSA-PSS", "ECDSA", "ed25519"
    sig_digest: str | None = None  # "SHA256"
    alpn: str | None = None
    verify_code: int | None = None
    verification: str | None = None  # "OK" or the error text

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _first(pattern: str, text: str) -> str | None:
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else None


def parse_text(stdout: str, stderr: str = "") -> Negotiated:
    """Negotiated values from the default summary (stdout) or ``-brief`` (stderr)."""
    n = Negotiated()
    both = stdout + "\n" + stderr
    n.version = _first(r"^    Protocol  : (\S+)$", stdout) or _first(
        r"^Protocol version: (\S+)$", stderr
    )
    n.cipher = _first(r"^(?:New|Reused), [^,]+, Cipher is (\S+)$", stdout) or _first(
        r"^Ciphersuite: (\S+)$", stderr
    )
    if (
        n.version is None
        and n.cipher
        and n.cipher.startswith("TLS_")
        and "Verify return code" in stdout
    ):
        n.version = "TLSv1.3"  # TLS 1.3 suites exist only in 1.3; the summary has no Protocol line
    n.temp_key = _first(r"^Server Temp Key: (.+)$", both)
    if n.temp_key is not None:
        n.group = TEMP_KEY_GROUPS.get(n.temp_key, n.temp_key)
    n.sig_type = _first(r"^Peer signature type: (\S+)$", stdout) or _first(
        r"^Signature type: (\S+)$", stderr
    )
    n.sig_digest = _first(r"^Peer signing digest: (\S+)$", stdout) or _first(
        r"^Hash used: (\S+)$", stderr
    )
    n.alpn = _first(r"^ALPN protocol: (\S+)$", stdout)
    code = _first(r"^Verify return code: (\d+) ", stdout) or _first(
        r"^    Verify return code: (\d+) ", stdout
    )
    n.verify_code = int(code) if code is not None else None
    if re.search(r"^Verification: OK$", both, re.M):
        n.verification = "OK"
    else:
        n.verification = _first(r"^Verification error: (.+)$", both)
    return n


# --- -json (docs/json.md, docs/sclient-report.schema.json) -----------------------------


def parse_json(stdout: str) -> tuple[dict[str, Any], Negotiated]:
    """The JSON document on stdout (validated, support.jsondoc) and the
    negotiated values in it."""
    from support.jsondoc import sclient_json

    doc = sclient_json(stdout)
    n = Negotiated()
    n.version = doc.get("protocol")
    cipher = doc.get("cipher")
    n.cipher = cipher.get("openssl") if isinstance(cipher, dict) else None
    n.temp_key = doc.get("server_temp_key")
    group = doc.get("group")
    if isinstance(group, str):
        n.group = GROUP_ALIASES.get(group, GROUP_ALIASES.get(group.lower(), group))
    elif n.temp_key:
        n.group = TEMP_KEY_GROUPS.get(n.temp_key, n.temp_key)  # TLS 1.2 DHE: no named group
    sig = doc.get("peer_signature")
    if isinstance(sig, dict):
        n.sig_type = sig.get("type")
        n.sig_digest = sig.get("digest")
    n.alpn = doc.get("alpn")
    ver = doc.get("verification")
    if isinstance(ver, dict):
        n.verify_code = ver.get("code")
        n.verification = "OK" if n.verify_code == 0 else ver.get("text")
    return doc, n


_json_support: bool | None = None


def client_supports_json() -> bool:
    """Whether the client under test knows ``-json`` (listed in its ``-help``)."""
    global _json_support
    if _json_support is None:
        from support.procs import run_sclient

        res = run_sclient(["-help"], stdin=None, timeout=30)
        _json_support = bool(re.search(r"^\s*-json\b", res.stderr + res.stdout, re.M))
    return _json_support
