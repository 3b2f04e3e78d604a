"""X509_V_ERR_* codes, their OpenSSL 3.0.19 strings, and the TLS alert each causes.

``error_string(n)`` is ``X509_verify_cert_error_string`` (checked against the
3.0.19 libcrypto); ``alert_for(n)`` is ``ssl_x509err2alert`` (the alert s_client
sends when verification fails the handshake, ``ssl/statem/statem_lib.c``).
"""

from __future__ import annotations

#: code -> (macro suffix after ``X509_V_``, 3.0.19 string)
TABLE: dict[int, tuple[str, str]] = {
    0: ("OK", "ok"),
    1: ("ERR_UNSPECIFIED", "unspecified certificate verification error"),
    2: ("ERR_UNABLE_TO_GET_ISSUER_CERT", "unable to get issuer certificate"),
    3: ("ERR_UNABLE_TO_GET_CRL", "unable to get certificate CRL"),
    4: ("ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE", "unable to decrypt certificate's signature"),
    5: ("ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE", "unable to decrypt CRL's signature"),
    6: ("ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY", "unable to decode issuer public key"),
    7: ("ERR_CERT_SIGNATURE_FAILURE", "certificate signature failure"),
    8: ("ERR_CRL_SIGNATURE_FAILURE", "CRL signature failure"),
    9: ("ERR_CERT_NOT_YET_VALID", "certificate is not yet valid"),
    10: ("ERR_CERT_HAS_EXPIRED", "certificate has expired"),
    11: ("ERR_CRL_NOT_YET_VALID", "CRL is not yet valid"),
    12: ("ERR_CRL_HAS_EXPIRED", "CRL has expired"),
    13: ("ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD", "format error in certificate's notBefore field"),
    14: ("ERR_ERROR_IN_CERT_NOT_AFTER_FIELD", "format error in certificate's notAfter field"),
    15: ("ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD", "format error in CRL's lastUpdate field"),
    16: ("ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD", "format error in CRL's nextUpdate field"),
    17: ("ERR_OUT_OF_MEM", "out of memory"),
    18: ("ERR_DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
    19: ("ERR_SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
    20: ("ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate"),
    21: ("ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"),
    22: ("ERR_CERT_CHAIN_TOO_LONG", "certificate chain too long"),
    23: ("ERR_CERT_REVOKED", "certificate revoked"),
    24: ("ERR_NO_ISSUER_PUBLIC_KEY", "issuer certificate doesn't have a public key"),
    25: ("ERR_PATH_LENGTH_EXCEEDED", "path length constraint exceeded"),
    26: ("ERR_INVALID_PURPOSE", "unsuitable certificate purpose"),
    27: ("ERR_CERT_UNTRUSTED", "certificate not trusted"),
    28: ("ERR_CERT_REJECTED", "certificate rejected"),
    29: ("ERR_SUBJECT_ISSUER_MISMATCH", "subject issuer mismatch"),
    30: ("ERR_AKID_SKID_MISMATCH", "authority and subject key identifier mismatch"),
    31: ("ERR_AKID_ISSUER_SERIAL_MISMATCH", "authority and issuer serial number mismatch"),
    32: ("ERR_KEYUSAGE_NO_CERTSIGN", "key usage does not include certificate signing"),
    33: ("ERR_UNABLE_TO_GET_CRL_ISSUER", "unable to get CRL issuer certificate"),
    34: ("ERR_UNHANDLED_CRITICAL_EXTENSION", "unhandled critical extension"),
    35: ("ERR_KEYUSAGE_NO_CRL_SIGN", "key usage does not include CRL signing"),
    36: ("ERR_UNHANDLED_CRITICAL_CRL_EXTENSION", "unhandled critical CRL extension"),
    37: ("ERR_INVALID_NON_CA", "invalid non-CA certificate (has CA markings)"),
    38: ("ERR_PROXY_PATH_LENGTH_EXCEEDED", "proxy path length constraint exceeded"),
    39: ("ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE", "key usage does not include digital signature"),
    40: (
        "ERR_PROXY_CERTIFICATES_NOT_ALLOWED",
        "proxy certificates not allowed, please set the appropriate flag",
    ),
    41: ("ERR_INVALID_EXTENSION", "invalid or inconsistent certificate extension"),
    42: ("ERR_INVALID_POLICY_EXTENSION", "invalid or inconsistent certificate policy extension"),
    43: ("ERR_NO_EXPLICIT_POLICY", "no explicit policy"),
    44: ("ERR_DIFFERENT_CRL_SCOPE", "different CRL scope"),
    45: ("ERR_UNSUPPORTED_EXTENSION_FEATURE", "unsupported extension feature"),
    46: ("ERR_UNNESTED_RESOURCE", "RFC 3779 resource not subset of parent's resources"),
    47: ("ERR_PERMITTED_VIOLATION", "permitted subtree violation"),
    48: ("ERR_EXCLUDED_VIOLATION", "excluded subtree violation"),
    49: ("ERR_SUBTREE_MINMAX", "name constraints minimum and maximum not supported"),
    50: ("ERR_APPLICATION_VERIFICATION", "application verification failure"),
    51: ("ERR_UNSUPPORTED_CONSTRAINT_TYPE", "unsupported name constraint type"),
    52: ("ERR_UNSUPPORTED_CONSTRAINT_SYNTAX", "unsupported or invalid name constraint syntax"),
    53: ("ERR_UNSUPPORTED_NAME_SYNTAX", "unsupported or invalid name syntax"),
    54: ("ERR_CRL_PATH_VALIDATION_ERROR", "CRL path validation error"),
    55: ("ERR_PATH_LOOP", "path loop"),
    56: ("ERR_SUITE_B_INVALID_VERSION", "Suite B: certificate version invalid"),
    57: ("ERR_SUITE_B_INVALID_ALGORITHM", "Suite B: invalid public key algorithm"),
    58: ("ERR_SUITE_B_INVALID_CURVE", "Suite B: invalid ECC curve"),
    59: ("ERR_SUITE_B_INVALID_SIGNATURE_ALGORITHM", "Suite B: invalid signature algorithm"),
    60: ("ERR_SUITE_B_LOS_NOT_ALLOWED", "Suite B: curve not allowed for this LOS"),
    61: ("ERR_SUITE_B_CANNOT_SIGN_P_384_WITH_P_256", "Suite B: cannot sign P-384 with P-256"),
    62: ("ERR_HOSTNAME_MISMATCH", "hostname mismatch"),
    63: ("ERR_EMAIL_MISMATCH", "email address mismatch"),
    64: ("ERR_IP_ADDRESS_MISMATCH", "IP address mismatch"),
    65: ("ERR_DANE_NO_MATCH", "no matching DANE TLSA records"),
    66: ("ERR_EE_KEY_TOO_SMALL", "EE certificate key too weak"),
    67: ("ERR_CA_KEY_TOO_SMALL", "CA certificate key too weak"),
    68: ("ERR_CA_MD_TOO_WEAK", "CA signature digest algorithm too weak"),
    69: ("ERR_INVALID_CALL", "invalid certificate verification context"),
    70: ("ERR_STORE_LOOKUP", "issuer certificate lookup error"),
    71: ("ERR_NO_VALID_SCTS", "Certificate Transparency required, but no valid SCTs found"),
    72: ("ERR_PROXY_SUBJECT_NAME_VIOLATION", "proxy subject name violation"),
    73: ("ERR_OCSP_VERIFY_NEEDED", "OCSP verification needed"),
    74: ("ERR_OCSP_VERIFY_FAILED", "OCSP verification failed"),
    75: ("ERR_OCSP_CERT_UNKNOWN", "OCSP unknown cert"),
    76: ("ERR_UNSUPPORTED_SIGNATURE_ALGORITHM", "Cannot find certificate signature algorithm"),
    77: (
        "ERR_SIGNATURE_ALGORITHM_MISMATCH",
        "subject signature algorithm and issuer public key algorithm mismatch",
    ),
    78: (
        "ERR_SIGNATURE_ALGORITHM_INCONSISTENCY",
        "cert info signature and signature algorithm mismatch",
    ),
    79: ("ERR_INVALID_CA", "invalid CA certificate"),
    80: ("ERR_PATHLEN_INVALID_FOR_NON_CA", "Path length invalid for non-CA cert"),
    81: ("ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN", "Path length given without key usage keyCertSign"),
    82: (
        "ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA",
        "Key usage keyCertSign invalid for non-CA cert",
    ),
    83: ("ERR_ISSUER_NAME_EMPTY", "Issuer name empty"),
    84: ("ERR_SUBJECT_NAME_EMPTY", "Subject name empty"),
    85: ("ERR_MISSING_AUTHORITY_KEY_IDENTIFIER", "Missing Authority Key Identifier"),
    86: ("ERR_MISSING_SUBJECT_KEY_IDENTIFIER", "Missing Subject Key Identifier"),
    87: ("ERR_EMPTY_SUBJECT_ALT_NAME", "Empty Subject Alternative Name extension"),
    88: (
        "ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL",
        "Subject empty and Subject Alt Name extension not critical",
    ),
    89: ("ERR_CA_BCONS_NOT_CRITICAL", "Basic Constraints of CA cert not marked critical"),
    90: ("ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL", "Authority Key Identifier marked critical"),
    91: ("ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL", "Subject Key Identifier marked critical"),
    92: ("ERR_CA_CERT_MISSING_KEY_USAGE", "CA cert does not include key usage extension"),
    93: ("ERR_EXTENSIONS_REQUIRE_VERSION_3", "Using cert extension requires at least X509v3"),
    94: ("ERR_EC_KEY_EXPLICIT_PARAMS", "Certificate public key has explicit ECC parameters"),
    # OpenSSL 3.2+: a raw public key (RFC 7250) that no expected key or DANE record vouches for
    95: ("ERR_RPK_UNTRUSTED", "Raw public key untrusted, no trusted keys configured"),
}

UNKNOWN = "unknown certificate verification error"

# Frequently used codes, by their OpenSSL names.
OK = 0
UNSPECIFIED = 1
UNABLE_TO_GET_ISSUER_CERT = 2
UNABLE_TO_GET_CRL = 3
UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY = 6
CERT_SIGNATURE_FAILURE = 7
CERT_NOT_YET_VALID = 9
CERT_HAS_EXPIRED = 10
ERROR_IN_CERT_NOT_BEFORE_FIELD = 13
ERROR_IN_CERT_NOT_AFTER_FIELD = 14
OUT_OF_MEM = 17
DEPTH_ZERO_SELF_SIGNED_CERT = 18
SELF_SIGNED_CERT_IN_CHAIN = 19
UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20
UNABLE_TO_VERIFY_LEAF_SIGNATURE = 21
CERT_CHAIN_TOO_LONG = 22
CERT_REVOKED = 23
NO_ISSUER_PUBLIC_KEY = 24
PATH_LENGTH_EXCEEDED = 25
INVALID_PURPOSE = 26
CERT_UNTRUSTED = 27
CERT_REJECTED = 28
SUBJECT_ISSUER_MISMATCH = 29
AKID_SKID_MISMATCH = 30
AKID_ISSUER_SERIAL_MISMATCH = 31
KEYUSAGE_NO_CERTSIGN = 32
UNHANDLED_CRITICAL_EXTENSION = 34
INVALID_NON_CA = 37
PROXY_PATH_LENGTH_EXCEEDED = 38
KEYUSAGE_NO_DIGITAL_SIGNATURE = 39
PROXY_CERTIFICATES_NOT_ALLOWED = 40
INVALID_EXTENSION = 41
NO_EXPLICIT_POLICY = 43
SUITE_B_INVALID_VERSION = 56
SUITE_B_INVALID_ALGORITHM = 57
SUITE_B_INVALID_CURVE = 58
SUITE_B_INVALID_SIGNATURE_ALGORITHM = 59
SUITE_B_LOS_NOT_ALLOWED = 60
SUITE_B_CANNOT_SIGN_P_384_WITH_P_256 = 61
HOSTNAME_MISMATCH = 62
EMAIL_MISMATCH = 63
IP_ADDRESS_MISMATCH = 64
DANE_NO_MATCH = 65
EE_KEY_TOO_SMALL = 66
CA_KEY_TOO_SMALL = 67
CA_MD_TOO_WEAK = 68
INVALID_CALL = 69
STORE_LOOKUP = 70
UNSUPPORTED_SIGNATURE_ALGORITHM = 76
SIGNATURE_ALGORITHM_MISMATCH = 77
INVALID_CA = 79
EC_KEY_EXPLICIT_PARAMS = 94


def error_string(code: int) -> str:
    """``X509_verify_cert_error_string``."""
    row = TABLE.get(code)
    return row[1] if row else UNKNOWN


def macro(code: int) -> str | None:
    """``X509_V_ERR_…`` name (``X509_V_OK`` for 0), or None."""
    row = TABLE.get(code)
    return None if row is None else "X509_V_" + row[0]


# TLS alert descriptions (RFC 8446 §6.2)
ALERT_HANDSHAKE_FAILURE = 40
ALERT_BAD_CERTIFICATE = 42
ALERT_UNSUPPORTED_CERTIFICATE = 43
ALERT_CERTIFICATE_REVOKED = 44
ALERT_CERTIFICATE_EXPIRED = 45
ALERT_CERTIFICATE_UNKNOWN = 46
ALERT_UNKNOWN_CA = 48
ALERT_DECRYPT_ERROR = 51
ALERT_INTERNAL_ERROR = 80

#: ssl/statem/statem_lib.c x509table (3.0)
_X509_TO_ALERT: dict[int, int] = {
    50: ALERT_HANDSHAKE_FAILURE,  # APPLICATION_VERIFICATION
    67: ALERT_BAD_CERTIFICATE,  # CA_KEY_TOO_SMALL
    94: ALERT_BAD_CERTIFICATE,  # EC_KEY_EXPLICIT_PARAMS
    68: ALERT_BAD_CERTIFICATE,  # CA_MD_TOO_WEAK
    22: ALERT_UNKNOWN_CA,  # CERT_CHAIN_TOO_LONG
    10: ALERT_CERTIFICATE_EXPIRED,  # CERT_HAS_EXPIRED
    9: ALERT_BAD_CERTIFICATE,  # CERT_NOT_YET_VALID
    28: ALERT_BAD_CERTIFICATE,  # CERT_REJECTED
    23: ALERT_CERTIFICATE_REVOKED,  # CERT_REVOKED
    7: ALERT_DECRYPT_ERROR,  # CERT_SIGNATURE_FAILURE
    27: ALERT_BAD_CERTIFICATE,  # CERT_UNTRUSTED
    12: ALERT_CERTIFICATE_EXPIRED,  # CRL_HAS_EXPIRED
    11: ALERT_BAD_CERTIFICATE,  # CRL_NOT_YET_VALID
    8: ALERT_DECRYPT_ERROR,  # CRL_SIGNATURE_FAILURE
    65: ALERT_BAD_CERTIFICATE,  # DANE_NO_MATCH
    18: ALERT_UNKNOWN_CA,  # DEPTH_ZERO_SELF_SIGNED_CERT
    66: ALERT_BAD_CERTIFICATE,  # EE_KEY_TOO_SMALL
    63: ALERT_BAD_CERTIFICATE,  # EMAIL_MISMATCH
    14: ALERT_BAD_CERTIFICATE,  # ERROR_IN_CERT_NOT_AFTER_FIELD
    13: ALERT_BAD_CERTIFICATE,  # ERROR_IN_CERT_NOT_BEFORE_FIELD
    15: ALERT_BAD_CERTIFICATE,  # ERROR_IN_CRL_LAST_UPDATE_FIELD
    16: ALERT_BAD_CERTIFICATE,  # ERROR_IN_CRL_NEXT_UPDATE_FIELD
    62: ALERT_BAD_CERTIFICATE,  # HOSTNAME_MISMATCH
    79: ALERT_UNKNOWN_CA,  # INVALID_CA
    69: ALERT_INTERNAL_ERROR,  # INVALID_CALL
    26: ALERT_UNSUPPORTED_CERTIFICATE,  # INVALID_PURPOSE
    64: ALERT_BAD_CERTIFICATE,  # IP_ADDRESS_MISMATCH
    17: ALERT_INTERNAL_ERROR,  # OUT_OF_MEM
    25: ALERT_UNKNOWN_CA,  # PATH_LENGTH_EXCEEDED
    19: ALERT_UNKNOWN_CA,  # SELF_SIGNED_CERT_IN_CHAIN
    70: ALERT_INTERNAL_ERROR,  # STORE_LOOKUP
    6: ALERT_BAD_CERTIFICATE,  # UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY
    4: ALERT_BAD_CERTIFICATE,  # UNABLE_TO_DECRYPT_CERT_SIGNATURE
    5: ALERT_BAD_CERTIFICATE,  # UNABLE_TO_DECRYPT_CRL_SIGNATURE
    3: ALERT_UNKNOWN_CA,  # UNABLE_TO_GET_CRL
    33: ALERT_UNKNOWN_CA,  # UNABLE_TO_GET_CRL_ISSUER
    2: ALERT_UNKNOWN_CA,  # UNABLE_TO_GET_ISSUER_CERT
    20: ALERT_UNKNOWN_CA,  # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    21: ALERT_UNKNOWN_CA,  # UNABLE_TO_VERIFY_LEAF_SIGNATURE
    1: ALERT_INTERNAL_ERROR,  # UNSPECIFIED
}


def alert_for(code: int) -> int:
    """``ssl_x509err2alert``: the alert for a failed verification (default
    ``certificate_unknown``)."""
    return _X509_TO_ALERT.get(code, ALERT_CERTIFICATE_UNKNOWN)
