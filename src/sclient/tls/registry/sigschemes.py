"""TLS SignatureScheme registry with OpenSSL's names.

``sig`` and ``hash`` give OpenSSL's ``<sig>+<hash>`` form used by ``-sigalgs``
and by the ``Requested Signature Algorithms`` lines; ``listed`` is how
OpenSSL 3.0.19 prints the scheme in those lists; ``peer_type`` is the
``Peer signature type:`` word and ``peer_digest`` the ``Peer signing digest:``
word (``None`` for EdDSA, which has no separate digest).
"""

from __future__ import annotations

from sclient.base.structs import Struct


class SignatureScheme(Struct, frozen=True, slots=True):
    code: int
    iana: str
    sig: str  # "RSA", "RSA-PSS", "ECDSA", "DSA", "ed25519", "ed448"
    hash: str | None  # "SHA256" ... or None for EdDSA
    key: str  # key type: "rsa", "rsa-pss", "ec", "ed25519", "ed448", "dsa"
    listed: str
    peer_type: str
    tls13: bool  # allowed in TLS 1.3 CertificateVerify
    curve: str | None = None  # TLS 1.3 binds ECDSA schemes to one curve

    @property
    def peer_digest(self) -> str | None:
        return self.hash

    @property
    def hash_name(self) -> str | None:
        """Lower-case hash name as ``tls.crypto.hashes`` spells it."""
        return self.hash.lower() if self.hash else None


def _pk(code: int, iana: str, h: str) -> SignatureScheme:
    return SignatureScheme(code, iana, "RSA", h, "rsa", f"RSA+{h}", "RSA", False)


def _ec(code: int, iana: str, h: str, curve: str | None) -> SignatureScheme:
    return SignatureScheme(
        code, iana, "ECDSA", h, "ec", f"ECDSA+{h}", "ECDSA", curve is not None, curve
    )


def _dsa(code: int, iana: str, h: str) -> SignatureScheme:
    return SignatureScheme(code, iana, "DSA", h, "dsa", f"DSA+{h}", "DSA", False)


SCHEMES: tuple[SignatureScheme, ...] = (
    _ec(0x0403, "ecdsa_secp256r1_sha256", "SHA256", "secp256r1"),
    _ec(0x0503, "ecdsa_secp384r1_sha384", "SHA384", "secp384r1"),
    _ec(0x0603, "ecdsa_secp521r1_sha512", "SHA512", "secp521r1"),
    SignatureScheme(0x0807, "ed25519", "ed25519", None, "ed25519", "ed25519", "ed25519", True),
    SignatureScheme(0x0808, "ed448", "ed448", None, "ed448", "ed448", "ed448", True),
    SignatureScheme(
        0x0809,
        "rsa_pss_pss_sha256",
        "RSA-PSS",
        "SHA256",
        "rsa-pss",
        "rsa_pss_pss_sha256",
        "RSA-PSS",
        True,
    ),
    SignatureScheme(
        0x080A,
        "rsa_pss_pss_sha384",
        "RSA-PSS",
        "SHA384",
        "rsa-pss",
        "rsa_pss_pss_sha384",
        "RSA-PSS",
        True,
    ),
    SignatureScheme(
        0x080B,
        "rsa_pss_pss_sha512",
        "RSA-PSS",
        "SHA512",
        "rsa-pss",
        "rsa_pss_pss_sha512",
        "RSA-PSS",
        True,
    ),
    SignatureScheme(
        0x0804, "rsa_pss_rsae_sha256", "RSA-PSS", "SHA256", "rsa", "RSA-PSS+SHA256", "RSA-PSS", True
    ),
    SignatureScheme(
        0x0805, "rsa_pss_rsae_sha384", "RSA-PSS", "SHA384", "rsa", "RSA-PSS+SHA384", "RSA-PSS", True
    ),
    SignatureScheme(
        0x0806, "rsa_pss_rsae_sha512", "RSA-PSS", "SHA512", "rsa", "RSA-PSS+SHA512", "RSA-PSS", True
    ),
    _pk(0x0401, "rsa_pkcs1_sha256", "SHA256"),
    _pk(0x0501, "rsa_pkcs1_sha384", "SHA384"),
    _pk(0x0601, "rsa_pkcs1_sha512", "SHA512"),
    _ec(0x0303, "ecdsa_sha224", "SHA224", None),
    _pk(0x0301, "rsa_pkcs1_sha224", "SHA224"),
    _dsa(0x0302, "dsa_sha224", "SHA224"),
    _dsa(0x0402, "dsa_sha256", "SHA256"),
    _dsa(0x0502, "dsa_sha384", "SHA384"),
    _dsa(0x0602, "dsa_sha512", "SHA512"),
    _ec(0x0203, "ecdsa_sha1", "SHA1", None),
    _pk(0x0201, "rsa_pkcs1_sha1", "SHA1"),
    _dsa(0x0202, "dsa_sha1", "SHA1"),
)

#: TLS 1.0 and 1.1 have no SignatureScheme: an RSA key signs the MD5 and SHA-1
#: digests side by side (RFC 4346 section 7.4.3), which OpenSSL reports as
#: ``Peer signing digest: MD5-SHA1``. Its code is outside the 16-bit space so
#: that no wire value can name it; it is never offered or parsed.
RSA_PKCS1_MD5_SHA1 = 0x10000
LEGACY_RSA = SignatureScheme(
    RSA_PKCS1_MD5_SHA1, "rsa_pkcs1_md5_sha1", "RSA", "MD5-SHA1", "rsa", "RSA+MD5-SHA1", "RSA", False
)
#: The scheme TLS 1.0/1.1 (and SSL 3.0) fix by the key type (OpenSSL's
#: ``tls_default_sigalg`` and ``legacy_rsa_sigalg``).
LEGACY_BY_KEY: dict[str, int] = {
    "rsa": RSA_PKCS1_MD5_SHA1,
    "ec": 0x0203,
    "dsa": 0x0202,
    "ed25519": 0x0807,
    "ed448": 0x0808,
}

BY_CODE: dict[int, SignatureScheme] = {s.code: s for s in SCHEMES}
BY_CODE[RSA_PKCS1_MD5_SHA1] = LEGACY_RSA
BY_IANA: dict[str, SignatureScheme] = {s.iana: s for s in SCHEMES}

#: What ``openssl s_client`` 3.0 (security level 2) offers, in its order.
DEFAULT_SCHEMES: tuple[int, ...] = (
    0x0403,
    0x0503,
    0x0603,
    0x0807,
    0x0808,
    0x0809,
    0x080A,
    0x080B,
    0x0804,
    0x0805,
    0x0806,
    0x0401,
    0x0501,
    0x0601,
    0x0303,
    0x0301,
    0x0302,
    0x0402,
    0x0502,
    0x0602,
)


#: GOST schemes OpenSSL 3.0 does not offer that its ``-trace`` still names
#: (``ssl_sigalg_tbl``): code -> the name it prints.
TRACE_ONLY_NAMES: dict[int, str] = {
    0x0840: "gost2012_256",
    0x0841: "gost2012_512",
    0xEEEE: "gost2012_256",
    0xEFEF: "gost2012_512",
    0xEDED: "gost2001_gost94",
}


def listed_name(code: int) -> str:
    """OpenSSL 3.0.19's rendering in signature-algorithm lists (unknown: ``0x%02X+0x%02X``)."""
    s = BY_CODE.get(code)
    return s.listed if s else f"0x{code & 0xFF:02X}+0x{code >> 8:02X}"
