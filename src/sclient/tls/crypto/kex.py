"""Key exchange: TLS 1.3 key shares and TLS 1.2 (EC)DHE / RSA key transport.

Every group works for both versions: a TLS 1.2 ECDHE exchange uses the same
:class:`KeyShare` as a TLS 1.3 key share (the premaster secret is the
X25519/X448 output or the ECDH x-coordinate, RFC 8422 section 5.10). Finite
fields differ: in TLS 1.3 the shared secret is left-padded to the prime length
(RFC 8446 section 7.4.1); in TLS 1.2 leading zero bytes are stripped (RFC 5246
section 8.1.2): pass ``strip_leading_zeros=True``, which only finite-field
shares honour (EC output has a fixed length in both versions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519

from sclient.base.pyca import allow, x25519_generate, x25519_public_key
from sclient.tls.crypto.errors import (
    CryptoError,
    IllegalKeyShare,
    UnsupportedAlgorithm,
    WeakDhParameters,
)
from sclient.tls.crypto.ffdhe import FFDHE_G, FFDHE_GROUPS
from sclient.tls.registry.protocol import TLS1_2

if TYPE_CHECKING:
    # RSA key transport imports its modules when it runs.
    # cryptography 50 deprecates finite-field Diffie-Hellman, and warns when
    # its names are touched. TLS servers still pick ffdhe groups and DHE
    # suites, and openssl s_client offers them by default, so sclient keeps
    # them: the module is reached only inside allow("ffdh") below.
    from cryptography.hazmat.primitives.asymmetric import dh, rsa

__all__ = [
    "DEFAULT_MIN_DH_BITS",
    "GROUP_NAMES",
    "KEM_GROUPS",
    "MAX_DH_BITS",
    "SUPPORTED_GROUPS",
    "DheKeyShare",
    "EcKeyShare",
    "FfdheKeyShare",
    "HybridKeyShare",
    "KeyShare",
    "MlKemKeyShare",
    "X448KeyShare",
    "X25519KeyShare",
    "dhe_client_share",
    "generate_key_share",
    "make_rsa_premaster",
    "rsa_encrypt_premaster",
]

X25519 = 0x001D
X448 = 0x001E
SECP192R1 = 0x0013
SECP224R1 = 0x0015
SECP256K1 = 0x0016
SECP256R1 = 0x0017
SECP384R1 = 0x0018
SECP521R1 = 0x0019
BRAINPOOLP256R1 = 0x001A
BRAINPOOLP384R1 = 0x001B
BRAINPOOLP512R1 = 0x001C
MLKEM512 = 0x0200
MLKEM768 = 0x0201
MLKEM1024 = 0x0202
SECP256R1MLKEM768 = 0x11EB
X25519MLKEM768 = 0x11EC
SECP384R1MLKEM1024 = 0x11ED

GROUP_NAMES: dict[int, str] = {
    X25519: "x25519",
    X448: "x448",
    SECP192R1: "secp192r1",
    SECP224R1: "secp224r1",
    SECP256K1: "secp256k1",
    SECP256R1: "secp256r1",
    SECP384R1: "secp384r1",
    SECP521R1: "secp521r1",
    BRAINPOOLP256R1: "brainpoolP256r1",
    BRAINPOOLP384R1: "brainpoolP384r1",
    BRAINPOOLP512R1: "brainpoolP512r1",
    0x0100: "ffdhe2048",
    0x0101: "ffdhe3072",
    0x0102: "ffdhe4096",
    0x0103: "ffdhe6144",
    0x0104: "ffdhe8192",
    MLKEM768: "MLKEM768",
    MLKEM1024: "MLKEM1024",
    SECP256R1MLKEM768: "SecP256r1MLKEM768",
    X25519MLKEM768: "X25519MLKEM768",
    SECP384R1MLKEM1024: "SecP384r1MLKEM1024",
}
#: Every NamedGroup :func:`generate_key_share` accepts. MLKEM512 (0x0200) is
#: not among them: ``cryptography`` offers ML-KEM-768 and ML-KEM-1024 only.
SUPPORTED_GROUPS: tuple[int, ...] = tuple(GROUP_NAMES)

_EC_CURVES: dict[int, tuple[type[ec.EllipticCurve], int]] = {
    SECP192R1: (ec.SECP192R1, 24),
    SECP224R1: (ec.SECP224R1, 28),
    SECP256K1: (ec.SECP256K1, 32),
    SECP256R1: (ec.SECP256R1, 32),
    SECP384R1: (ec.SECP384R1, 48),
    SECP521R1: (ec.SECP521R1, 66),
    BRAINPOOLP256R1: (ec.BrainpoolP256R1, 32),
    BRAINPOOLP384R1: (ec.BrainpoolP384R1, 48),
    BRAINPOOLP512R1: (ec.BrainpoolP512R1, 64),
}

#: OpenSSL's default security level 2 wants a >= 2048-bit DH prime.
DEFAULT_MIN_DH_BITS = 2048
#: OpenSSL's OPENSSL_DH_MAX_MODULUS_BITS: a larger server prime is refused
#: (``bad dh value``) before any arithmetic. cryptography checks the primality
#: of every prime it is given, which takes minutes at these sizes: the bound
#: also bounds the work a server can ask of us.
MAX_DH_BITS = 10000


class KeyShare(Protocol):
    """One ephemeral key pair of a named group."""

    group: int

    def public_bytes(self) -> bytes:
        """The wire form (TLS 1.3 ``key_exchange``, TLS 1.2 ECPoint / dh_Yc)."""
        ...

    def exchange(self, peer: bytes, strip_leading_zeros: bool = False) -> bytes:
        """The shared secret with the peer's wire-form public value; raises
        :class:`IllegalKeyShare` if that value is invalid."""
        ...


class X25519KeyShare:
    """X25519 (RFC 7748): 32-byte public values."""

    __slots__ = ("_priv", "_pub", "group")

    def __init__(self, private_key: x25519.X25519PrivateKey | None = None) -> None:
        self.group = X25519
        self._priv = private_key or x25519_generate()
        self._pub = self._priv.public_key().public_bytes_raw()

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> X25519KeyShare:
        """A share with a given private key (test vectors)."""
        return cls(x25519.X25519PrivateKey.from_private_bytes(raw))

    def public_bytes(self) -> bytes:
        return self._pub

    def exchange(self, peer: bytes, strip_leading_zeros: bool = False) -> bytes:
        if len(peer) != 32:
            raise IllegalKeyShare(f"x25519 key share of {len(peer)} bytes, expected 32")
        try:
            z = self._priv.exchange(x25519_public_key(peer))
        except ValueError:
            raise IllegalKeyShare("x25519 exchange failed (low-order point)") from None
        if z == bytes(32):
            raise IllegalKeyShare("x25519 shared secret is all zeros")
        return z


class X448KeyShare:
    """X448 (RFC 7748): 56-byte public values."""

    __slots__ = ("_priv", "_pub", "group")

    def __init__(self, private_key: x448.X448PrivateKey | None = None) -> None:
        self.group = X448
        self._priv = private_key or x448.X448PrivateKey.generate()
        self._pub = self._priv.public_key().public_bytes_raw()

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> X448KeyShare:
        """A share with a given private key (test vectors)."""
        return cls(x448.X448PrivateKey.from_private_bytes(raw))

    def public_bytes(self) -> bytes:
        return self._pub

    def exchange(self, peer: bytes, strip_leading_zeros: bool = False) -> bytes:
        if len(peer) != 56:
            raise IllegalKeyShare(f"x448 key share of {len(peer)} bytes, expected 56")
        try:
            z = self._priv.exchange(x448.X448PublicKey.from_public_bytes(peer))
        except ValueError:
            raise IllegalKeyShare("x448 exchange failed (low-order point)") from None
        if z == bytes(56):
            raise IllegalKeyShare("x448 shared secret is all zeros")
        return z


class EcKeyShare:
    """ECDHE on the prime curves (secp256r1/384r1/521r1, secp192r1/224r1/256k1, brainpool r1): uncompressed points ``04 || X || Y``;
    the shared secret is the x-coordinate (RFC 8446 section 7.4.2)."""

    __slots__ = ("_coord_len", "_curve", "_priv", "_pub", "group")

    def __init__(self, group: int, private_key: ec.EllipticCurvePrivateKey | None = None) -> None:
        try:
            curve_cls, coord_len = _EC_CURVES[group]
        except KeyError:
            raise UnsupportedAlgorithm(f"not an EC group: 0x{group:04x}") from None
        self.group = group
        self._curve = curve_cls()
        self._coord_len = coord_len
        if private_key is None:
            private_key = ec.generate_private_key(self._curve)
        elif not isinstance(private_key.curve, curve_cls):
            raise CryptoError("private key is on another curve")
        self._priv = private_key
        # The uncompressed point (X9.62), built from the coordinates: the
        # serialization module costs milliseconds of start-up to import.
        numbers = private_key.public_key().public_numbers()
        self._pub = (
            b"\x04" + numbers.x.to_bytes(coord_len, "big") + numbers.y.to_bytes(coord_len, "big")
        )

    @classmethod
    def from_private_value(cls, group: int, d: int) -> EcKeyShare:
        """A share with a given private scalar (test vectors)."""
        try:
            curve_cls, _ = _EC_CURVES[group]
        except KeyError:
            raise UnsupportedAlgorithm(f"not an EC group: 0x{group:04x}") from None
        return cls(group, ec.derive_private_key(d, curve_cls()))

    def public_bytes(self) -> bytes:
        return self._pub

    def exchange(
        self, peer: bytes, strip_leading_zeros: bool = False, compressed_ok: bool = False
    ) -> bytes:
        """``compressed_ok``: also take a compressed point ``02|03 || X`` (TLS
        1.2, where the client offered ansiX962_compressed_prime); TLS 1.3 key
        shares are uncompressed only (RFC 8446 section 4.2.8.2)."""
        compressed = (
            compressed_ok and len(peer) == 1 + self._coord_len and peer[:1] in (b"\x02", b"\x03")
        )
        if not compressed and (len(peer) != 1 + 2 * self._coord_len or peer[:1] != b"\x04"):
            raise IllegalKeyShare(
                f"{GROUP_NAMES[self.group]} key share is not an uncompressed point"
            )
        try:
            pub = ec.EllipticCurvePublicKey.from_encoded_point(self._curve, peer)
            return self._priv.exchange(ec.ECDH(), pub)
        except ValueError:
            raise IllegalKeyShare(f"{GROUP_NAMES[self.group]} point is not on the curve") from None


_DH_PARAMS: dict[tuple[int, int], dh.DHParameters] = {}
_DH_PARAMS_MAX = 32


def _dh_parameters(p: int, g: int) -> dh.DHParameters:
    key = (p, g)
    params = _DH_PARAMS.get(key)
    if params is None:
        from cryptography.hazmat.primitives.asymmetric import dh

        with allow("ffdh"):
            params = dh.DHParameterNumbers(p, g).parameters()
        if len(_DH_PARAMS) >= _DH_PARAMS_MAX:  # keep the named groups, drop servers' groups
            for k in [k for k in _DH_PARAMS if k[0] not in _FFDHE_PRIMES]:
                del _DH_PARAMS[k]
        _DH_PARAMS[key] = params
    return params


_FFDHE_PRIMES = frozenset(FFDHE_GROUPS.values())


class _FiniteFieldShare:
    __slots__ = ("_g", "_p", "_plen", "_pn", "_priv", "_pub", "group")

    group: int

    def _setup(self, p: int, g: int, private_key: dh.DHPrivateKey | None) -> None:
        self._p = p
        self._g = g
        self._plen = (p.bit_length() + 7) // 8
        try:
            params = _dh_parameters(p, g)
        except ValueError as e:  # not a prime, or an unsuitable generator
            raise IllegalKeyShare(f"unusable DH parameters: {e}") from None
        with allow("ffdh"):
            self._pn = params.parameter_numbers()
            try:
                self._priv = private_key or params.generate_private_key()
            except ValueError as e:
                raise WeakDhParameters(f"unusable DH parameters: {e}") from None
            y = self._priv.public_key().public_numbers().y
        self._pub = y.to_bytes(self._plen, "big")

    @property
    def prime(self) -> int:
        return self._p

    @property
    def prime_len(self) -> int:
        """Bytes in the prime (the padded length of public values and of the
        TLS 1.3 shared secret)."""
        return self._plen

    def public_bytes(self) -> bytes:
        """The public value left-padded to the prime length (RFC 8446 section
        4.2.8.1; OpenSSL pads the TLS 1.2 dh_Yc the same way)."""
        return self._pub

    def _exchange(self, peer: bytes, exact_len: bool, strip: bool) -> bytes:
        if (exact_len and len(peer) != self._plen) or not 0 < len(peer) <= self._plen:
            raise IllegalKeyShare(
                f"DH public value of {len(peer)} bytes for a {self._plen}-byte prime"
            )
        y = int.from_bytes(peer, "big")
        if not 1 < y < self._p - 1:
            raise IllegalKeyShare("DH public value not in [2, p-2]")
        from cryptography.hazmat.primitives.asymmetric import dh

        try:
            with allow("ffdh"):
                z = self._priv.exchange(dh.DHPublicNumbers(y, self._pn).public_key())
        except ValueError:
            raise IllegalKeyShare("DH public value rejected") from None
        if strip:
            z = z.lstrip(b"\x00")
        elif len(z) < self._plen:
            z = z.rjust(self._plen, b"\x00")
        return z


class FfdheKeyShare(_FiniteFieldShare):
    """An RFC 7919 group (ffdhe2048..8192, NamedGroup 0x0100..0x0104)."""

    __slots__ = ()

    def __init__(self, group: int, private_key: dh.DHPrivateKey | None = None) -> None:
        try:
            p = FFDHE_GROUPS[group]
        except KeyError:
            raise UnsupportedAlgorithm(f"not an FFDHE group: 0x{group:04x}") from None
        self.group = group
        self._setup(p, FFDHE_G, private_key)

    def exchange(self, peer: bytes, strip_leading_zeros: bool = False) -> bytes:
        """TLS 1.3: ``peer`` must be exactly the prime length, and the secret is
        padded to it. ``strip_leading_zeros=True`` (TLS 1.2 with a negotiated
        FFDHE group) strips the secret and accepts unpadded peer values."""
        return self._exchange(peer, not strip_leading_zeros, strip_leading_zeros)


class DheKeyShare(_FiniteFieldShare):
    """TLS 1.2 DHE with the server's own (p, g) from its ServerKeyExchange.

    Raises :class:`WeakDhParameters` if p has fewer than ``min_bits`` bits
    (OpenSSL's default security level 2 needs 2048), :class:`IllegalKeyShare`
    if p or g is malformed, p has more than :data:`MAX_DH_BITS` bits, or
    cryptography refuses the parameters (a composite p). ``group`` is the RFC 7919 code point when p is one
    of those primes with g = 2, else 0.
    """

    __slots__ = ()

    def __init__(
        self,
        p: int,
        g: int,
        min_bits: int = DEFAULT_MIN_DH_BITS,
        private_key: dh.DHPrivateKey | None = None,
    ) -> None:
        bits = p.bit_length()
        if bits > MAX_DH_BITS:
            raise IllegalKeyShare(f"DH modulus too large: {bits} bits, maximum {MAX_DH_BITS}")
        if bits < min_bits:
            raise WeakDhParameters(f"dh key too small: {bits}-bit prime, minimum {min_bits}")
        if p < 7 or p % 2 == 0 or not 1 < g < p - 1:
            raise IllegalKeyShare("malformed DH parameters")
        self.group = 0
        if g == FFDHE_G:
            for code, prime in FFDHE_GROUPS.items():
                if prime == p:
                    self.group = code
                    break
        self._setup(p, g, private_key)

    def exchange(self, peer: bytes, strip_leading_zeros: bool = True) -> bytes:
        """The premaster secret with the server's dh_Ys (any length up to the
        prime's). Leading zeros are stripped by default (RFC 5246 section
        8.1.2): this class is for TLS 1.2."""
        return self._exchange(peer, False, strip_leading_zeros)


def dhe_client_share(
    p: int, g: int, min_bits: int = DEFAULT_MIN_DH_BITS
) -> tuple[bytes, Callable[[bytes], bytes]]:
    """``(dh_Yc, premaster_fn)`` for TLS 1.2 DHE: ``premaster_fn(dh_Ys)``
    returns the premaster secret (leading zeros stripped)."""
    share = DheKeyShare(p, g, min_bits)
    return share.public_bytes(), share.exchange


# --- ML-KEM (FIPS 203) and the hybrids -------------------------------------------
#
# draft-ietf-tls-mlkem: a pure ML-KEM group's client share is the encapsulation
# key, the server's the ciphertext, the shared secret ML-KEM's 32 bytes.
# draft-ietf-tls-ecdhe-mlkem: a hybrid share concatenates the two halves in a
# per-group order, and the secret in the same order -- ML-KEM first for
# X25519MLKEM768, the ECDH half first for the two NIST-curve groups.

#: ML-KEM parameter set -> (encapsulation-key bytes, ciphertext bytes).
_MLKEM_SIZES: dict[int, tuple[int, int]] = {768: (1184, 1088), 1024: (1568, 1568)}

#: Pure ML-KEM groups -> parameter set.
_PURE_KEM: dict[int, int] = {MLKEM768: 768, MLKEM1024: 1024}
#: Hybrid groups -> (classical group, ML-KEM parameter set, ML-KEM half first).
_HYBRID: dict[int, tuple[int, int, bool]] = {
    X25519MLKEM768: (X25519, 768, True),
    SECP256R1MLKEM768: (SECP256R1, 768, False),
    SECP384R1MLKEM1024: (SECP384R1, 1024, False),
}
#: Every key-encapsulation group sclient computes with (TLS 1.3 only).
KEM_GROUPS: frozenset[int] = frozenset(_PURE_KEM) | frozenset(_HYBRID)


class MlKemKeyShare:
    """A pure ML-KEM share: ``public_bytes`` is the encapsulation key;
    ``exchange`` decapsulates the server's ciphertext (which must have
    exactly the parameter set's length)."""

    __slots__ = ("_ct_len", "_params", "_priv", "_pub", "group")

    def __init__(self, group: int, params: int | None = None) -> None:
        if params is None:
            try:
                params = _PURE_KEM[group]
            except KeyError:
                raise UnsupportedAlgorithm(f"not an ML-KEM group: 0x{group:04x}") from None
        # Imported here: only a connection that offers such a group pays for it.
        from cryptography.hazmat.primitives.asymmetric import mlkem

        self.group = group
        self._params = params
        self._ct_len = _MLKEM_SIZES[params][1]
        try:
            if params == 768:
                self._priv: mlkem.MLKEM768PrivateKey | mlkem.MLKEM1024PrivateKey = (
                    mlkem.MLKEM768PrivateKey.generate()
                )
            else:
                self._priv = mlkem.MLKEM1024PrivateKey.generate()
        except Exception as e:  # cryptography built without ML-KEM
            raise UnsupportedAlgorithm(f"ML-KEM-{params} is not available: {e}") from None
        self._pub = self._priv.public_key().public_bytes_raw()

    @property
    def ciphertext_len(self) -> int:
        return self._ct_len

    def public_bytes(self) -> bytes:
        return self._pub

    def exchange(self, peer: bytes, strip_leading_zeros: bool = False) -> bytes:
        if len(peer) != self._ct_len:
            raise IllegalKeyShare(
                f"ML-KEM-{self._params} ciphertext of {len(peer)} bytes, expected {self._ct_len}"
            )
        try:
            return self._priv.decapsulate(peer)
        except ValueError:
            raise IllegalKeyShare(f"ML-KEM-{self._params} decapsulation failed") from None


class HybridKeyShare:
    """An ECDHE-MLKEM hybrid (X25519MLKEM768, SecP256r1MLKEM768,
    SecP384r1MLKEM1024): both halves concatenated in the group's order, in the
    shares and in the shared secret."""

    __slots__ = ("_classic", "_kem", "_kem_first", "_pub", "group")

    def __init__(self, group: int) -> None:
        try:
            classic_group, params, kem_first = _HYBRID[group]
        except KeyError:
            raise UnsupportedAlgorithm(f"not a hybrid group: 0x{group:04x}") from None
        self.group = group
        self._kem = MlKemKeyShare(group, params)
        self._classic: X25519KeyShare | EcKeyShare = (
            X25519KeyShare() if classic_group == X25519 else EcKeyShare(classic_group)
        )
        self._kem_first = kem_first
        k, c = self._kem.public_bytes(), self._classic.public_bytes()
        self._pub = k + c if kem_first else c + k

    def public_bytes(self) -> bytes:
        return self._pub

    def exchange(self, peer: bytes, strip_leading_zeros: bool = False) -> bytes:
        ct_len = self._kem.ciphertext_len
        classic_len = len(self._classic.public_bytes())
        if len(peer) != ct_len + classic_len:
            raise IllegalKeyShare(
                f"{GROUP_NAMES[self.group]} key share of {len(peer)} bytes,"
                f" expected {ct_len + classic_len}"
            )
        if self._kem_first:
            ct, classic = peer[:ct_len], peer[ct_len:]
        else:
            classic, ct = peer[:classic_len], peer[classic_len:]
        kem_secret = self._kem.exchange(ct)
        classic_secret = self._classic.exchange(classic)
        return kem_secret + classic_secret if self._kem_first else classic_secret + kem_secret


def generate_key_share(group_id: int) -> KeyShare:
    """A fresh key pair for a NamedGroup (see :data:`SUPPORTED_GROUPS`)."""
    if group_id == X25519:
        return X25519KeyShare()
    if group_id == X448:
        return X448KeyShare()
    if group_id in _EC_CURVES:
        return EcKeyShare(group_id)
    if group_id in FFDHE_GROUPS:
        return FfdheKeyShare(group_id)
    if group_id in _PURE_KEM:
        return MlKemKeyShare(group_id)
    if group_id in _HYBRID:
        return HybridKeyShare(group_id)
    raise UnsupportedAlgorithm(f"unsupported group 0x{group_id:04x}")


def make_rsa_premaster(rng: Callable[[int], bytes], client_version: int = TLS1_2) -> bytes:
    """The 48-byte RSA premaster secret: ClientHello.client_version(2) +
    46 random bytes (RFC 5246 section 7.4.7.1)."""
    rand = rng(46)
    if len(rand) != 46:
        raise CryptoError("rng did not return 46 bytes")
    return client_version.to_bytes(2, "big") + bytes(rand)


def rsa_encrypt_premaster(public_key: rsa.RSAPublicKey, premaster: bytes) -> bytes:
    """RSAES-PKCS1-v1_5 encryption of the premaster secret (the body of the
    EncryptedPreMasterSecret, without the TLS 1.0+ 2-byte length prefix)."""
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CryptoError("RSA key exchange needs an RSA public key")
    return public_key.encrypt(premaster, padding.PKCS1v15())
