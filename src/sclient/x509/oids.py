"""OpenSSL object names and the signature-algorithm cross reference.

``sn``/``ln``/``known`` look OIDs up in OpenSSL 3.0's object table
(``_objects.py``, generated), and ``from_name`` looks a short or long name up
in the same table: every OID name sclient prints or reads comes from here. ``SIGID`` is ``obj_xref.txt``: signature
algorithm OID -> (digest name or ``None``, public-key family), which is what
``OBJ_find_sigid_algs`` answers.
"""

from __future__ import annotations

import functools

# Public-key families (EVP_PKEY_is_a against the sigid pkey short name).
RSA = "rsa"
RSA_PSS = "rsa-pss"
DSA = "dsa"
EC = "ec"
ED25519 = "ed25519"
ED448 = "ed448"
SM2 = "sm2"

OID_RSA = "1.2.840.113549.1.1.1"
OID_RSA_PSS = "1.2.840.113549.1.1.10"
OID_DSA = "1.2.840.10040.4.1"
OID_EC = "1.2.840.10045.2.1"
OID_ED25519 = "1.3.101.112"
OID_ED448 = "1.3.101.113"
OID_X25519 = "1.3.101.110"
OID_X448 = "1.3.101.111"
OID_MGF1 = "1.2.840.113549.1.1.8"
OID_COMMON_NAME = "2.5.4.3"
OID_EMAIL_ADDRESS = "1.2.840.113549.1.9.1"

#: signature algorithm OID -> (digest, key family the signature needs)
SIGID: dict[str, tuple[str | None, str]] = {
    "1.2.840.113549.1.1.2": ("md2", RSA),
    "1.2.840.113549.1.1.3": ("md4", RSA),
    "1.2.840.113549.1.1.4": ("md5", RSA),
    "1.2.840.113549.1.1.5": ("sha1", RSA),
    "1.2.840.113549.1.1.11": ("sha256", RSA),
    "1.2.840.113549.1.1.12": ("sha384", RSA),
    "1.2.840.113549.1.1.13": ("sha512", RSA),
    "1.2.840.113549.1.1.14": ("sha224", RSA),
    "1.2.840.113549.1.1.15": ("sha512-224", RSA),
    "1.2.840.113549.1.1.16": ("sha512-256", RSA),
    "2.16.840.1.101.3.4.3.13": ("sha3-224", RSA),
    "2.16.840.1.101.3.4.3.14": ("sha3-256", RSA),
    "2.16.840.1.101.3.4.3.15": ("sha3-384", RSA),
    "2.16.840.1.101.3.4.3.16": ("sha3-512", RSA),
    "1.3.14.3.2.15": ("sha", RSA),
    "1.3.14.3.2.3": ("md5", RSA),
    "1.3.14.3.2.29": ("sha1", RSA),
    "2.5.8.3.100": ("mdc2", RSA),
    "1.3.36.3.3.1.2": ("ripemd160", RSA),
    OID_RSA_PSS: (None, RSA_PSS),
    "1.2.840.10040.4.3": ("sha1", DSA),
    "1.3.14.3.2.13": ("sha", DSA),
    "1.3.14.3.2.27": ("sha1", DSA),
    "2.16.840.1.101.3.4.3.1": ("sha224", DSA),
    "2.16.840.1.101.3.4.3.2": ("sha256", DSA),
    "2.16.840.1.101.3.4.3.3": ("sha384", DSA),
    "2.16.840.1.101.3.4.3.4": ("sha512", DSA),
    "2.16.840.1.101.3.4.3.5": ("sha3-224", DSA),
    "2.16.840.1.101.3.4.3.6": ("sha3-256", DSA),
    "2.16.840.1.101.3.4.3.7": ("sha3-384", DSA),
    "2.16.840.1.101.3.4.3.8": ("sha3-512", DSA),
    "1.2.840.10045.4.1": ("sha1", EC),
    "1.2.840.10045.4.3.1": ("sha224", EC),
    "1.2.840.10045.4.3.2": ("sha256", EC),
    "1.2.840.10045.4.3.3": ("sha384", EC),
    "1.2.840.10045.4.3.4": ("sha512", EC),
    "2.16.840.1.101.3.4.3.9": ("sha3-224", EC),
    "2.16.840.1.101.3.4.3.10": ("sha3-256", EC),
    "2.16.840.1.101.3.4.3.11": ("sha3-384", EC),
    "2.16.840.1.101.3.4.3.12": ("sha3-512", EC),
    "1.2.840.10045.4.2": (None, EC),
    "1.2.840.10045.4.3": (None, EC),
    OID_ED25519: (None, ED25519),
    OID_ED448: (None, ED448),
    "1.2.156.10197.1.501": ("sm3", SM2),
}

#: digest OID -> name (for RSASSA-PSS parameters)
DIGESTS: dict[str, str] = {
    "1.2.840.113549.2.5": "md5",
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "2.16.840.1.101.3.4.2.5": "sha512-224",
    "2.16.840.1.101.3.4.2.6": "sha512-256",
    "2.16.840.1.101.3.4.2.7": "sha3-224",
    "2.16.840.1.101.3.4.2.8": "sha3-256",
    "2.16.840.1.101.3.4.2.9": "sha3-384",
    "2.16.840.1.101.3.4.2.10": "sha3-512",
}

#: digest output sizes in bytes (security bits = size * 4, SHA-1/MD5 special-cased)
DIGEST_SIZE: dict[str, int] = {
    "md2": 16,
    "md4": 16,
    "md5": 16,
    "sha": 20,
    "sha1": 20,
    "mdc2": 16,
    "ripemd160": 20,
    "sha224": 28,
    "sha256": 32,
    "sha384": 48,
    "sha512": 64,
    "sha512-224": 28,
    "sha512-256": 32,
    "sha3-224": 28,
    "sha3-256": 32,
    "sha3-384": 48,
    "sha3-512": 64,
    "sm3": 32,
}


#: The rows of OpenSSL's object table (``sclient.x509._objects``, the same
#: values: ``tests/x509`` compares them) that ordinary certificates name: the
#: name attributes, key and signature algorithms.  Looked up first, so that a
#: connection printing and checking such certificates never loads the table
#: of some 1,100 objects.
_COMMON: dict[str, tuple[int, str, str]] = {
    "2.5.4.3": (13, "CN", "commonName"),
    "2.5.4.6": (14, "C", "countryName"),
    "2.5.4.7": (15, "L", "localityName"),
    "2.5.4.8": (16, "ST", "stateOrProvinceName"),
    "2.5.4.10": (17, "O", "organizationName"),
    "2.5.4.11": (18, "OU", "organizationalUnitName"),
    "2.5.4.5": (105, "serialNumber", "serialNumber"),
    "2.5.4.9": (660, "street", "streetAddress"),
    "2.5.4.12": (106, "title", "title"),
    "2.5.4.42": (99, "GN", "givenName"),
    "2.5.4.4": (100, "SN", "surname"),
    "2.5.4.43": (101, "initials", "initials"),
    "0.9.2342.19200300.100.1.25": (391, "DC", "domainComponent"),
    "1.2.840.113549.1.9.1": (48, "emailAddress", "emailAddress"),
    "0.9.2342.19200300.100.1.1": (458, "UID", "userId"),
    "2.5.4.15": (860, "businessCategory", "businessCategory"),
    "1.3.6.1.4.1.311.60.2.1.3": (957, "jurisdictionC", "jurisdictionCountryName"),
    "1.3.6.1.4.1.311.60.2.1.2": (956, "jurisdictionST", "jurisdictionStateOrProvinceName"),
    "2.5.4.17": (661, "postalCode", "postalCode"),
    "2.5.4.97": (1089, "organizationIdentifier", "organizationIdentifier"),
    "1.2.840.113549.1.1.1": (6, "rsaEncryption", "rsaEncryption"),
    "1.2.840.10045.2.1": (408, "id-ecPublicKey", "id-ecPublicKey"),
    "1.3.101.112": (1087, "ED25519", "ED25519"),
    "1.3.101.113": (1088, "ED448", "ED448"),
    "1.2.840.113549.1.1.10": (912, "RSASSA-PSS", "rsassaPss"),
    "1.2.840.10045.4.3.2": (794, "ecdsa-with-SHA256", "ecdsa-with-SHA256"),
    "1.2.840.10045.4.3.3": (795, "ecdsa-with-SHA384", "ecdsa-with-SHA384"),
    "1.2.840.10045.4.3.4": (796, "ecdsa-with-SHA512", "ecdsa-with-SHA512"),
    "1.2.840.10045.4.1": (416, "ecdsa-with-SHA1", "ecdsa-with-SHA1"),
    "1.2.840.113549.1.1.11": (668, "RSA-SHA256", "sha256WithRSAEncryption"),
    "1.2.840.113549.1.1.12": (669, "RSA-SHA384", "sha384WithRSAEncryption"),
    "1.2.840.113549.1.1.13": (670, "RSA-SHA512", "sha512WithRSAEncryption"),
    "1.2.840.113549.1.1.5": (65, "RSA-SHA1", "sha1WithRSAEncryption"),
    "1.2.840.113549.1.1.14": (671, "RSA-SHA224", "sha224WithRSAEncryption"),
    "1.2.840.10045.4.3.1": (793, "ecdsa-with-SHA224", "ecdsa-with-SHA224"),
}


@functools.cache
def _table() -> dict[str, tuple[int, str, str]]:
    from sclient.x509._objects import OBJECTS

    return OBJECTS


def _row(oid: str) -> tuple[int, str, str] | None:
    row = _COMMON.get(oid)
    return row if row is not None else _table().get(oid)


def known(oid: str) -> bool:
    """True when OpenSSL has a NID for ``oid`` (``OBJ_obj2nid != NID_undef``)."""
    return _row(oid) is not None


def nid(oid: str) -> int:
    row = _row(oid)
    return row[0] if row else 0


def sn(oid: str) -> str:
    """``OBJ_nid2sn`` (the dotted OID when unknown, like ``i2t_ASN1_OBJECT``)."""
    row = _row(oid)
    return row[1] if row else oid


def ln(oid: str) -> str:
    row = _row(oid)
    return row[2] if row else oid


@functools.cache
def _by_name() -> tuple[dict[str, str], dict[str, str]]:
    by_sn: dict[str, str] = {}
    by_ln: dict[str, str] = {}
    for oid, (_nid, s, lname) in _table().items():
        by_sn.setdefault(s, oid)
        by_ln.setdefault(lname, oid)
    return by_sn, by_ln


def from_name(name: str) -> str | None:
    """The OID of an OpenSSL short name, else of a long name (``OBJ_sn2nid``,
    then ``OBJ_ln2nid``); None for a name OpenSSL does not know."""
    by_sn, by_ln = _by_name()
    return by_sn.get(name) or by_ln.get(name)
