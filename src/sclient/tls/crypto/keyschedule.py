"""The TLS 1.3 key schedule (RFC 8446 section 7), built on HMAC from
``cryptography`` (HKDF, RFC 5869, is HMAC-Extract plus HMAC-Expand).

Labels are given *without* the ``"tls13 "`` prefix, exactly as RFC 8446 writes
them: ``b"c hs traffic"``, ``b"key"``, ``b"finished"``.
"""

from __future__ import annotations

from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import CryptoError

__all__ = [
    "KeySchedule13",
    "derive_secret",
    "export_keying_material13",
    "finished_key",
    "finished_verify_data",
    "hkdf_expand",
    "hkdf_expand_label",
    "hkdf_extract",
    "next_application_traffic_secret",
    "resumption_psk",
    "traffic_key_iv",
]

_PREFIX = b"tls13 "
_EMPTY_HASH: dict[str, bytes] = {}


def _empty_hash(hash_name: str) -> bytes:
    h = _EMPTY_HASH.get(hash_name)
    if h is None:
        h = _EMPTY_HASH[hash_name] = hashes.digest(hash_name, b"")
    return h


#: hash -> (the Early Secret without a PSK, its Derive-Secret(., "derived", "")):
#: constants of the hash, the same for every full handshake.
_NO_PSK: dict[str, tuple[bytes, bytes]] = {}


def _no_psk(hash_name: str) -> tuple[bytes, bytes]:
    found = _NO_PSK.get(hash_name)
    if found is None:
        early = hkdf_extract(hash_name, None, None)
        derived = derive_secret(hash_name, early, b"derived", _empty_hash(hash_name))
        found = _NO_PSK[hash_name] = (early, derived)
    return found


def hkdf_extract(hash_name: str, salt: bytes | None, ikm: bytes | None) -> bytes:
    """HKDF-Extract(salt, IKM) = HMAC(salt, IKM). An empty or ``None`` salt or
    IKM stands for a string of ``Hash.length`` zero bytes (RFC 8446 section 7.1)."""
    n = hashes.hash_len(hash_name)
    return hashes.hmac(hash_name, salt or bytes(n), ikm or bytes(n))


def hkdf_expand(hash_name: str, prk: bytes, info: bytes, length: int) -> bytes:
    """HKDF-Expand(PRK, info, L) (RFC 5869 section 2.3)."""
    n = hashes.hash_len(hash_name)
    if length <= n:  # the common case: one block
        return hashes.hmac(hash_name, prk, info + b"\x01")[:length]
    if length > 255 * n:
        raise CryptoError("HKDF-Expand output too long")
    base = hashes.hmac_context(hash_name, prk)
    out: list[bytes] = []
    t = b""
    for i in range(1, -(-length // n) + 1):
        h = base.copy()
        h.update(t + info + bytes((i,)))
        t = h.finalize()
        out.append(t)
    return b"".join(out)[:length]


#: (label, length) -> the HkdfLabel up to its context: uint16 length,
#: opaque label<7..255> ("tls13 " + label). A handshake expands ~18 labels,
#: all from a few constants.
_LABEL_HEADS: dict[tuple[bytes, int], bytes] = {}


def _label_head(label: bytes, length: int) -> bytes:
    head = _LABEL_HEADS.get((label, length))
    if head is None:
        full = _PREFIX + label
        if len(full) > 255 or not 0 <= length <= 0xFFFF:
            raise CryptoError("HKDF-Expand-Label argument out of range")
        head = length.to_bytes(2, "big") + bytes((len(full),)) + full
        if len(_LABEL_HEADS) < 256:  # the protocol's labels; an exporter's are the caller's
            _LABEL_HEADS[label, length] = head
    return head


def hkdf_expand_label(
    hash_name: str, secret: bytes, label: bytes, context: bytes, length: int
) -> bytes:
    """HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 section 7.1)."""
    if len(context) > 255:
        raise CryptoError("HKDF-Expand-Label argument out of range")
    head = _LABEL_HEADS.get((label, length))
    if head is None:
        head = _label_head(label, length)
    info = head + bytes((len(context),)) + context
    if length <= hashes.hash_len(hash_name):  # one block: T(1) = HMAC(PRK, info | 0x01)
        return hashes.hmac(hash_name, secret, info + b"\x01")[:length]
    return hkdf_expand(hash_name, secret, info, length)


def derive_secret(hash_name: str, secret: bytes, label: bytes, transcript_hash: bytes) -> bytes:
    """Derive-Secret(Secret, Label, Messages), given ``Transcript-Hash(Messages)``."""
    return hkdf_expand_label(hash_name, secret, label, transcript_hash, hashes.hash_len(hash_name))


def traffic_key_iv(hash_name: str, secret: bytes, key_len: int, iv_len: int) -> tuple[bytes, bytes]:
    """``(key, iv)`` of a traffic secret (RFC 8446 section 7.3)."""
    return (
        hkdf_expand_label(hash_name, secret, b"key", b"", key_len),
        hkdf_expand_label(hash_name, secret, b"iv", b"", iv_len),
    )


def finished_key(hash_name: str, base_key: bytes) -> bytes:
    """finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)."""
    return hkdf_expand_label(hash_name, base_key, b"finished", b"", hashes.hash_len(hash_name))


def finished_verify_data(hash_name: str, base_key: bytes, transcript_hash: bytes) -> bytes:
    """Finished.verify_data = HMAC(finished_key, transcript_hash) (section 4.4.4).

    Also computes a PSK binder: pass the binder key as ``base_key`` and the hash
    of the truncated ClientHello (section 4.2.11.2)."""
    return hashes.hmac(hash_name, finished_key(hash_name, base_key), transcript_hash)


def next_application_traffic_secret(hash_name: str, secret: bytes) -> bytes:
    """application_traffic_secret_N+1 (section 7.2, KeyUpdate)."""
    return hkdf_expand_label(hash_name, secret, b"traffic upd", b"", hashes.hash_len(hash_name))


def resumption_psk(hash_name: str, resumption_master_secret: bytes, ticket_nonce: bytes) -> bytes:
    """The PSK of a NewSessionTicket (section 4.6.1)."""
    return hkdf_expand_label(
        hash_name, resumption_master_secret, b"resumption", ticket_nonce, hashes.hash_len(hash_name)
    )


def export_keying_material13(
    hash_name: str,
    exporter_master_secret: bytes,
    label: bytes,
    context: bytes | None,
    length: int,
) -> bytes:
    """TLS-Exporter(label, context_value, key_length) (RFC 8446 section 7.5).

    In TLS 1.3 an absent context is the same as an empty one. ``label`` is used
    as given (no ``"tls13 "`` is prepended to the caller's label, but
    HKDF-Expand-Label adds it, as the RFC specifies)."""
    secret = derive_secret(hash_name, exporter_master_secret, label, _empty_hash(hash_name))
    ctx_hash = hashes.digest(hash_name, context or b"")
    return hkdf_expand_label(hash_name, secret, b"exporter", ctx_hash, length)


class KeySchedule13:
    """The secrets of one TLS 1.3 connection, derived in order.

    ``th`` arguments are transcript hashes (``Transcript.digest()``) at the
    points RFC 8446 section 7.1 names: ClientHello for the early secrets,
    ClientHello..ServerHello for the handshake traffic secrets,
    ClientHello..server Finished for the application traffic and exporter
    secrets, ClientHello..client Finished for the resumption master secret.
    """

    __slots__ = (
        "early_secret",
        "handshake_secret",
        "hash_len",
        "hash_name",
        "master_secret",
    )

    def __init__(self, hash_name: str) -> None:
        self.hash_name = hash_name
        self.hash_len = hashes.hash_len(hash_name)
        self.early_secret: bytes | None = None
        self.handshake_secret: bytes | None = None
        self.master_secret: bytes | None = None

    # -- early secret -------------------------------------------------------
    def early(self, psk: bytes | None = None) -> bytes:
        """Early Secret = HKDF-Extract(0, PSK or 0)."""
        if psk:
            self.early_secret = hkdf_extract(self.hash_name, None, psk)
        else:
            self.early_secret = _no_psk(self.hash_name)[0]
        return self.early_secret

    def _early(self) -> bytes:
        if self.early_secret is None:
            return self.early()
        return self.early_secret

    def binder_key(self, external: bool) -> bytes:
        """``ext binder`` (external PSK) or ``res binder`` (resumption)."""
        label = b"ext binder" if external else b"res binder"
        return derive_secret(self.hash_name, self._early(), label, _empty_hash(self.hash_name))

    def client_early_traffic_secret(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._early(), b"c e traffic", th)

    def early_exporter_master_secret(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._early(), b"e exp master", th)

    # -- handshake secret ---------------------------------------------------
    def handshake(self, shared_secret: bytes) -> bytes:
        """Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""),
        (EC)DHE). Calls :meth:`early` (no PSK) first if it was not called."""
        early = self._early()
        constants = _no_psk(self.hash_name)
        if early == constants[0]:
            derived = constants[1]
        else:
            derived = derive_secret(self.hash_name, early, b"derived", _empty_hash(self.hash_name))
        self.handshake_secret = hkdf_extract(self.hash_name, derived, shared_secret)
        return self.handshake_secret

    def _hs(self) -> bytes:
        if self.handshake_secret is None:
            raise CryptoError("handshake secret not derived yet")
        return self.handshake_secret

    def client_handshake_traffic_secret(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._hs(), b"c hs traffic", th)

    def server_handshake_traffic_secret(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._hs(), b"s hs traffic", th)

    # -- master secret ------------------------------------------------------
    def master(self) -> bytes:
        """Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0)."""
        derived = derive_secret(self.hash_name, self._hs(), b"derived", _empty_hash(self.hash_name))
        self.master_secret = hkdf_extract(self.hash_name, derived, None)
        return self.master_secret

    def _ms(self) -> bytes:
        if self.master_secret is None:
            raise CryptoError("master secret not derived yet")
        return self.master_secret

    def client_application_traffic_secret_0(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._ms(), b"c ap traffic", th)

    def server_application_traffic_secret_0(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._ms(), b"s ap traffic", th)

    def exporter_master_secret(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._ms(), b"exp master", th)

    def resumption_master_secret(self, th: bytes) -> bytes:
        return derive_secret(self.hash_name, self._ms(), b"res master", th)
