"""OpenSSL 3.0's security checks as a client makes them (``ssl_security``
and the default security callback), for ``-security_debug``: each check the
library makes, in its order, with what it checks, the security bits and the
callback's verdict, as :class:`~sclient.tls.events_rare.SecurityCheck` events.

The engine does not decide anything from these: its offers are filtered by
the security level elsewhere (``tls.conf``); this module only retraces the
calls OpenSSL makes on the way, so that the ``Security callback:`` lines come
out where and as s_client prints them:

* the state machine's start: the SSL's version (TLS 1.3);
* ``tls_setup_handshake`` and ``ssl_set_client_hello_version``: the version
  range (``ssl_get_min_max_version``: every version from TLS 1.3 down to the
  configured minimum, whether above the maximum or not);
* the session's version, when one is to be resumed;
* ``ssl_set_client_disabled`` (the signature algorithm mask, the version range)
  and each cipher suite of the ClientHello's list;
* the extensions: the version range, ``ec_point_formats`` and
  ``supported_groups`` (each ``use_ecc``: the cipher suites again and the first
  usable curve; then every group), the session ticket, every signature
  algorithm, ``supported_versions`` (the range) and the key share's group;
* with ``-comp``, ``ssl_allow_compression``: at the start, for the read and
  the write buffer, and after the cipher suites, for the compression methods;
  a ServerHello that names a method asks again;
* the ServerHello (the range, the suite), a HelloRetryRequest (the suite, its
  group), the ServerKeyExchange (curve or DH size, signature algorithm), the
  CertificateVerify, a CertificateRequest (the shared signature algorithms)
  and each TLS 1.3 NewSessionTicket.
"""

from __future__ import annotations

from collections.abc import Sequence

from sclient.base.structs import Struct
from sclient.tls import conf, policy
from sclient.tls import conf_ciph as ciph
from sclient.tls import events as ev
from sclient.tls import events_rare as evr
from sclient.tls.registry import protocol as P

VERSION = "Version"
TICKET = ""
#: SSL_SECOP_COMPRESSION: s_client has no name for it either.
COMPRESSION = ""
SUPPORTED_CIPHER = "Supported Ciphersuite"
CHECK_CIPHER = "Check Ciphersuite"
TMP_DH = "Temp DH key bits"
SUPPORTED_CURVE = "Supported Curve"
CHECK_CURVE = "Check Curve"
SUPPORTED_SIGALG = "Supported Signature Algorithm"
SHARED_SIGALG = "Shared Signature Algorithm"
CHECK_SIGALG = "Check Signature Algorithm"
MASK_SIGALG = "Signature Algorithm mask"
EE_KEY = "Certificate chain EE key"
CA_MD = "Certificate chain CA digest"

#: The kinds whose subject follows the name after a space (the others after ``=``).
SIGALG_KINDS = frozenset({SUPPORTED_SIGALG, SHARED_SIGALG, CHECK_SIGALG, MASK_SIGALG})

_VERSION_NAMES = {
    P.TLS1_3: "TLS 1.3",
    P.TLS1_2: "TLS 1.2",
    P.TLS1_1: "TLS 1.1",
    P.TLS1_0: "TLS 1.0",
    P.SSL3: "SSL 3.0",  # s_cb.c's ssl_versions, as for the other versions
}
#: ``ssl_get_min_max_version`` walks these, highest first (SSLv3 is not built).
_VERSIONS = (P.TLS1_3, P.TLS1_2, P.TLS1_1, P.TLS1_0)

#: s_client's ``signature_tls13_scheme_list``; other schemes print as
#: ``digest=<hash>, algorithm=<sig>`` from their two bytes.
_SCHEME_NAMES = {
    0x0201: "rsa_pkcs1_sha1",
    0x0203: "ecdsa_sha1",
    0x0401: "rsa_pkcs1_sha256",
    0x0403: "ecdsa_secp256r1_sha256",
    0x0501: "rsa_pkcs1_sha384",
    0x0503: "ecdsa_secp384r1_sha384",
    0x0601: "rsa_pkcs1_sha512",
    0x0603: "ecdsa_secp521r1_sha512",
    0x0804: "rsa_pss_rsae_sha256",
    0x0805: "rsa_pss_rsae_sha384",
    0x0806: "rsa_pss_rsae_sha512",
    0x0807: "ed25519",
    0x0808: "ed448",
    0x0809: "rsa_pss_pss_sha256",
    0x080A: "rsa_pss_pss_sha384",
    0x080B: "rsa_pss_pss_sha512",
}
_HASH_BYTE = {0: "none", 1: "MD5", 2: "SHA1", 3: "SHA224", 4: "SHA256", 5: "SHA384", 6: "SHA512"}
_SIG_BYTE = {0: "anonymous", 1: "RSA", 2: "DSA", 3: "ECDSA"}
#: ``sigalg_security_bits`` of the schemes TLS 1.0/1.1 fix by the key type.
_LEGACY_BITS = {"MD5-SHA1": 67, "SHA1": 64}


class SecurityInputs(Struct, frozen=True, slots=True):
    """What the checks are made on: the configuration before the security
    level filtered it."""

    level: int
    #: The configured minimum version (``SSL_set_min_proto_version``; 0: none).
    proto_min: int
    #: The enabled range (``ssl_get_min_max_version``'s result).
    min_version: int
    max_version: int
    tls13_suites: tuple[int, ...]
    #: The TLS <= 1.2 suites of the cipher string, before ``ssl_cipher_disabled``.
    tls12_suites: tuple[int, ...]
    groups: tuple[int, ...]
    sigalgs: tuple[int, ...]
    psk: bool = False
    #: ``-srpuser``: the SRP suites are not disabled.
    srp: bool = False
    tickets: bool = True
    #: ``-comp``: SSL_OP_NO_COMPRESSION cleared, so ``ssl_allow_compression``
    #: asks the callback (SSL_SECOP_COMPRESSION).
    compression: bool = False
    #: The SSL's read buffer is set up already (``-reconnect`` reuses the SSL):
    #: a handshake's start then checks for the write buffer only.
    read_buffer: bool = False


def scheme_text(code: int) -> str:
    """How s_client names a signature scheme."""
    name = _SCHEME_NAMES.get(code)
    if name is not None:
        return f"scheme={name}"
    digest, sig = _HASH_BYTE.get(code >> 8), _SIG_BYTE.get(code & 0xFF)
    if digest is not None and sig is not None:
        return f"digest={digest}, algorithm={sig}"
    return f"scheme=unknown(0x{code:04x})"


def group_text(code: int) -> str:
    """``EC_curve_nid2nist`` or else the short name.

    The ML-KEM groups have no entry in OpenSSL 3.5's NID table
    (``tls1_group_id2nid`` gives ``NID_undef``), so its callback names them
    ``OBJ_nid2sn(NID_undef)``: ``UNDEF``."""
    if code in policy.PQ_GROUPS:
        return "UNDEF"
    info = policy.GROUPS.get(code)
    if info is None:
        return f"0x{code:04x}"
    names = info[0]
    for n in names:
        if len(n) > 2 and n[0] in "PKB" and n[1] == "-":
            return n
    for n in names:
        if n in ("X25519", "X448"):
            return n
    return names[0]


class Checks:
    """The checks of one connection, in order; ``out`` collects the events."""

    def __init__(self, inp: SecurityInputs) -> None:
        self.inp = inp
        self.minbits = policy.security_level_bits(inp.level) if inp.level > 0 else 0
        #: ``s->s3.tmp.min_ver``: 0 until ``ssl_set_client_disabled`` first runs.
        self.state_min = 0
        self.out: list[ev.Event] = []
        #: The server's certificate (TLS 1.2: its EC curve is checked with its signature).
        self.peer_leaf: bytes | None = None

    def _add(self, kind: str, subject: str, bits: int | None, ok: bool) -> None:
        self.out.append(evr.SecurityCheck(kind, subject, bits, ok))

    def take(self) -> list[ev.Event]:
        out, self.out = self.out, []
        return out

    # --- the default callback ---------------------------------------------------------

    def _bits_ok(self, bits: int) -> bool:
        return self.inp.level <= 0 or bits >= self.minbits

    def version(self, version: int) -> None:
        level = self.inp.level
        # SSL 3.0 goes at level 2, TLS 1.0 at level 3, TLS 1.1 at level 4.
        ok = not (
            (version <= P.SSL3 and level >= 2)
            or (version <= P.TLS1_0 and level >= 3)
            or (version <= P.TLS1_1 and level >= 4)
        )
        self._add(VERSION, _VERSION_NAMES.get(version, "???"), None, ok)

    def version_range(self) -> None:
        """``ssl_get_min_max_version``. SSL 3.0 is walked only when it is
        enabled (``-ssl3``): OpenSSL 3.0 has no SSL 3.0 method to walk, 1.1.1
        built with it asked its security callback about it too."""
        inp = self.inp
        ssl3 = (P.SSL3,) if P.SSL3 in (inp.proto_min, inp.min_version) else ()
        for v in (*_VERSIONS, *ssl3):
            if self.inp.proto_min and v < self.inp.proto_min:
                continue
            self.version(v)

    def ticket(self) -> None:
        self._add(TICKET, "", None, self.inp.level < 3)

    def compression(self) -> None:
        """``ssl_allow_compression`` with ``-comp``: refused from level 2 on."""
        if self.inp.compression:
            self._add(COMPRESSION, "", None, self.inp.level < 2)

    # --- signature algorithms -----------------------------------------------------

    def _sigalg_candidate(self, code: int, tls13_now: bool) -> tuple[str, int] | None:
        """``tls12_sigalg_allowed`` before the callback: None if it stops there."""
        entry = conf._SIGALG_BY_CODE.get(code)
        if entry is None:
            return None
        _, _, sig, digest = entry
        if tls13_now and (sig == conf._DSA or digest in ("sha1", "sha224", "md5")):
            return None
        if self.state_min >= P.TLS1_3 and (sig == conf._DSA or digest in ("sha1", "sha224")):
            return None
        return sig, conf._sigalg_secbits(digest, code)

    def sigalg(self, kind: str, code: int, tls13_now: bool = False) -> bool:
        cand = self._sigalg_candidate(code, tls13_now)
        if cand is None:
            return False
        ok = self._bits_ok(cand[1])
        self._add(kind, scheme_text(code), cand[1], ok)
        return ok

    def sig_mask(self) -> int:
        """``ssl_set_sig_mask``: the authentications no algorithm serves."""
        disabled = ciph.A_RSA | ciph.A_DSS | ciph.A_ECDSA
        for code in self.inp.sigalgs:
            entry = conf._SIGALG_BY_CODE.get(code)
            if entry is None:
                continue
            amask = conf._AUTH_OF_SIG[entry[2]]
            if disabled & amask and self.sigalg(MASK_SIGALG, code):
                disabled &= ~amask
        return disabled

    # --- cipher suites ------------------------------------------------------------

    def client_disabled(self) -> int:
        """``ssl_set_client_disabled``: the mask, then the range."""
        disabled = self.sig_mask()
        self.version_range()
        self.state_min = self.inp.min_version
        return disabled

    def ciphers(self, auth_disabled: int) -> list[int]:
        """``ssl_cipher_disabled`` for each suite of the list; the usable ones."""
        inp = self.inp
        usable: list[int] = []
        from sclient.tls.registry import suites as registry

        if inp.max_version >= P.TLS1_3:
            for code in inp.tls13_suites:
                s = registry.BY_CODE.get(code)
                if s is None:
                    continue
                ok = self._bits_ok(s.bits)
                self._add(SUPPORTED_CIPHER, s.openssl, s.bits, ok)
                if ok:
                    usable.append(code)
        mask_k = 0 if inp.psk else ciph.K_ANY_PSK
        mask_a = auth_disabled | (0 if inp.psk else ciph.A_PSK)
        if not inp.srp:
            mask_k |= ciph.K_SRP
            mask_a |= ciph.A_SRP
        table = ciph._by_code()
        for code in inp.tls12_suites:
            c = table.get(code)
            if c is None or c.mkey & mask_k or c.auth & mask_a:
                continue
            if c.min_tls > inp.max_version or inp.min_version > P.TLS1_2:
                continue
            ok = ciph._secure(c, inp.level)
            self._add(SUPPORTED_CIPHER, c.name, c.bits, ok)
            if ok:
                usable.append(code)
        return usable

    def supported_ciphers(self) -> list[int]:
        """``SSL_get1_supported_ciphers``."""
        return self.ciphers(self.client_disabled())

    # --- groups -------------------------------------------------------------------

    def group(self, kind: str, code: int) -> bool:
        info = policy.GROUPS.get(code)
        if info is None:
            return False
        ok = self._bits_ok(info[1])
        self._add(kind, group_text(code), info[1], ok)
        return ok

    def use_ecc(self) -> bool:
        from sclient.tls.registry import suites as registry

        usable = self.supported_ciphers()
        if not any(_ecc_suite(registry.BY_CODE.get(c)) for c in usable):
            return False
        lo, hi = self.inp.min_version, self.inp.max_version
        for code in self.inp.groups:
            valid, _, is_ec = policy.group_valid(code, lo, hi)
            if valid and is_ec and self.group(SUPPORTED_CURVE, code):
                return True
        return False

    # --- the ClientHello ----------------------------------------------------------

    def no_protocols(self) -> None:
        """No version is left to speak: the state machine's start, then
        ``tls_setup_handshake``'s walk, whose refusals say why."""
        self.version(P.TLS1_3)
        if not self.inp.read_buffer:
            self.compression()
        self.compression()
        self.version_range()

    def client_hello(
        self, *, start: bool, session_version: int | None, hrr_group: int | None
    ) -> None:
        inp = self.inp
        if start:
            self.version(P.TLS1_3)  # the state machine's start: the SSL's version
            if not inp.read_buffer:
                self.compression()  # ssl3_setup_read_buffer
            self.compression()  # ssl3_setup_write_buffer
            self.version_range()  # tls_setup_handshake
            self.state_min = 0
        self.version_range()  # ssl_set_client_hello_version
        if session_version is not None and not (inp.proto_min and session_version < inp.proto_min):
            self.version(session_version)  # ssl_version_supported
        self.supported_ciphers()  # the cipher suite list
        self.compression()  # the compression methods
        self.version_range()  # tls_construct_extensions
        if inp.max_version == P.SSL3:
            return  # 1.1.1 built no extension for SSL 3.0: none of their checks ran
        self.version_range()  # ec_point_formats
        self.use_ecc()
        self.version_range()  # supported_groups
        if self.use_ecc() or inp.max_version >= P.TLS1_3:
            lo, hi = inp.min_version, inp.max_version
            for code in inp.groups:
                if policy.group_valid(code, lo, hi)[0]:
                    self.group(SUPPORTED_CURVE, code)
        if inp.tickets:
            self.ticket()
        if inp.max_version >= P.TLS1_2:
            for code in inp.sigalgs:
                self.sigalg(SUPPORTED_SIGALG, code)
        self.version_range()  # supported_versions
        if inp.max_version >= P.TLS1_3 and hrr_group is None:
            for code in inp.groups:
                if not self.group(SUPPORTED_CURVE, code):
                    continue
                if policy.group_valid(code, P.TLS1_3, P.TLS1_3)[0]:
                    break

    # --- the server's messages ----------------------------------------------------

    def check_cipher(self, code: int) -> None:
        from sclient.tls.registry import suites as registry

        s = registry.BY_CODE.get(code)
        if s is None:
            return
        if s.tls13:
            self._add(CHECK_CIPHER, s.openssl, s.bits, self._bits_ok(s.bits))
            return
        c = ciph._by_code().get(code)
        if c is not None:
            self._add(CHECK_CIPHER, c.name, c.bits, ciph._secure(c, self.inp.level))

    def temp_dh(self, prime_bits: int) -> None:
        bits = _dh_security_bits(prime_bits)
        level = self.inp.level
        ok = bits >= 80 if level <= 0 else bits >= self.minbits
        self._add(TMP_DH, "", bits, ok)

    def legacy_signature(self, kind: str) -> None:
        """``tls1_get_legacy_sigalg``'s check of the scheme the key type fixes
        in TLS 1.0/1.1 (OpenSSL names MD5+SHA-1 by its internal code 0)."""
        from sclient.tls.registry import sigschemes

        code = sigschemes.LEGACY_BY_KEY.get(kind)
        lu = sigschemes.BY_CODE.get(code) if code is not None else None
        if code is None or lu is None:
            return
        bits = _LEGACY_BITS.get(lu.hash or "", 224 if lu.sig == "ed448" else 128)
        wire = 0 if code == sigschemes.RSA_PKCS1_MD5_SHA1 else code
        self._add(SUPPORTED_SIGALG, scheme_text(wire), bits, self._bits_ok(bits))

    def peer_signature(self, code: int) -> None:
        """``tls12_check_peer_sigalg``: an EC key's curve, then the algorithm."""
        curve = _ec_curve(self.peer_leaf) if self.peer_leaf is not None else None
        if curve is not None:
            self.group(CHECK_CURVE, curve)
        self.sigalg(CHECK_SIGALG, code)

    def shared_sigalgs(self, peer: Sequence[int], tls13_now: bool) -> None:
        """``tls1_set_shared_sigalgs``: the peer's list is the preference."""
        for code in peer:
            self.sigalg(SHARED_SIGALG, code, tls13_now)


def _ec_curve(der: bytes) -> int | None:
    """The TLS group of a certificate's EC key (None: not an EC key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key = x509.load_der_x509_certificate(der).public_key()
    except Exception:
        return None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return None
    return {"secp256r1": 0x0017, "secp384r1": 0x0018, "secp521r1": 0x0019}.get(key.curve.name)


def _ecc_suite(s: object) -> bool:
    if s is None:
        return False
    if getattr(s, "tls13", False):
        return True
    return getattr(s, "kx", "") in ("ECDH", "ECDHEPSK") or getattr(s, "au", "") == "ECDSA"


def _dh_security_bits(bits: int) -> int:
    """``BN_security_bits`` for a finite-field group without a known subgroup size."""
    for limit, secbits in ((15360, 256), (7680, 192), (3072, 128), (2048, 112), (1024, 80)):
        if bits >= limit:
            return secbits
    return 0
