"""Encrypted Client Hello (RFC 9849), client side.

The seam with the rest of the engine is small: the ClientHello that
:func:`sclient.tls.hello.build_client_hello` makes for the configuration is
the *inner* one (the real server name, everything the user asked for);
:func:`wrap` turns it into the ClientHelloOuter that goes on the wire, and
keeps what the handshake needs later in an :class:`EchState` (``hs.ech``):

* the HelloRetryRequest: :func:`second_client_hello` checks the HRR's
  confirmation and seals ClientHelloInner2 with the same HPKE context;
* the ServerHello: :func:`server_hello` checks the acceptance confirmation
  and, when ECH was accepted, makes the inner ClientHello(s) the transcript,
  the offer and the client random of the connection;
* EncryptedExtensions: :func:`encrypted_extensions` keeps the server's
  ``retry_configs``;
* the server's Finished: :func:`server_finished` aborts a rejected ECH with
  ``ech_required`` once the server has been authenticated (RFC 9849 §6.1.6).

Only TLS 1.3 is offered with ECH (both ClientHellos), and the outer
ClientHello carries the inner one's extensions (so the inner compresses them
with ``ech_outer_extensions``), except the server name (the public name),
ALPN when ``-ech_outer_alpn`` is given, and the PSK, which stays inside.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from sclient.base import structs
from sclient.base.structs import Struct
from sclient.tls import events_rare as evr
from sclient.tls.crypto import hashes, hpke
from sclient.tls.crypto.errors import CryptoError
from sclient.tls.crypto.keyschedule import hkdf_expand_label, hkdf_extract
from sclient.tls.crypto.transcript import Transcript
from sclient.tls.errors import DecodeError, LocalError
from sclient.tls.registry import alerts
from sclient.tls.registry import extensions as ext
from sclient.tls.wire import extensions as X
from sclient.tls.wire.buffer import Reader, vec
from sclient.tls.wire.handshake import ClientHello, ServerHello

if TYPE_CHECKING:
    from collections.abc import Callable

    from sclient.tls.config import ClientConfig
    from sclient.tls.crypto.kex import KeyShare
    from sclient.tls.registry.suites import CipherSuite
    from sclient.tls.states import Handshake

__all__ = [
    "ECH",
    "ECH_OUTER_EXTENSIONS",
    "ECH_VERSION",
    "EchConfig",
    "EchSettings",
    "EchState",
    "choose_config",
    "decode_config_list",
    "parse_config_list_b64",
    "wrap",
]

#: The extension type (and ECHConfig version) of RFC 9849.
ECH = 0xFE0D
ECH_VERSION = 0xFE0D
ECH_OUTER_EXTENSIONS = 0xFD00
_OUTER = 0
_INNER = 1
_CONFIRM = 8


class EchSettings(Struct, frozen=True, slots=True):
    """What the user asked for (``-ech_config_list`` and friends)."""

    #: The ECHConfigList (binary); None with GREASE only.
    config_list: bytes | None = None
    #: ``-ech_outer_sni``: the outer server name instead of the public name.
    outer_sni: str | None = None
    #: ``-ech_outer_alpn``: the outer ALPN list (None: the inner one's).
    outer_alpn: tuple[bytes, ...] | None = None
    #: ``-ech_grease``: a random-looking ECH extension when no config is given.
    grease: bool = False


class EchConfig(Struct, frozen=True, slots=True):
    """One ECHConfig of version 0xfe0d, and its bytes (the HPKE info uses them)."""

    raw: bytes
    config_id: int
    kem_id: int
    public_key: bytes
    suites: tuple[tuple[int, int], ...]
    max_name_length: int
    public_name: str
    extensions: tuple[tuple[int, bytes], ...]


def decode_config_list(data: bytes) -> tuple[tuple[EchConfig, ...], int]:
    """The ECHConfigs of version 0xfe0d in an ECHConfigList, and how many
    configs of other versions were skipped. Raises DecodeError."""
    r = Reader(data)
    body = r.block(2)
    r.done()
    if not body.remaining:
        raise DecodeError("empty ECHConfigList")
    out: list[EchConfig] = []
    skipped = 0
    while body.remaining:
        version = body.u16()
        contents = body.vec(2)
        raw = version.to_bytes(2, "big") + vec(2, contents)
        if version != ECH_VERSION:
            skipped += 1
            continue
        c = Reader(contents)
        config_id = c.u8()
        kem_id = c.u16()
        public_key = c.vec(2)
        if not public_key:
            raise DecodeError("empty HPKE public key")
        sb = c.block(2)
        suites: list[tuple[int, int]] = []
        while sb.remaining:
            suites.append((sb.u16(), sb.u16()))
        if not suites:
            raise DecodeError("no HPKE cipher suite")
        max_name_length = c.u8()
        name = c.vec(1)
        if not name:
            raise DecodeError("empty public_name")
        eb = c.block(2)
        exts: list[tuple[int, bytes]] = []
        while eb.remaining:
            exts.append((eb.u16(), eb.vec(2)))
        c.done()
        try:
            public_name = name.decode("ascii")
        except UnicodeDecodeError:
            raise DecodeError("public_name is not ASCII") from None
        out.append(
            EchConfig(
                raw,
                config_id,
                kem_id,
                public_key,
                tuple(suites),
                max_name_length,
                public_name,
                tuple(exts),
            )
        )
    return tuple(out), skipped


def parse_config_list_b64(text: str) -> bytes:
    """The binary ECHConfigList of ``-ech_config_list`` (base64). Raises
    ValueError with the reason."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not valid base64") from None
    try:
        decode_config_list(raw)
    except DecodeError as e:
        raise ValueError(f"not a valid ECHConfigList ({e.detail})") from None
    return raw


def choose_config(data: bytes) -> tuple[EchConfig, int, int] | None:
    """The first config sclient can use (a known KEM, a known cipher suite,
    no mandatory extension), with the chosen KDF and AEAD."""
    try:
        configs, _ = decode_config_list(data)
    except DecodeError:
        return None
    for cfg in configs:
        if any(t & 0x8000 for t, _ in cfg.extensions):
            continue  # a mandatory extension sclient does not know
        for kdf, aead in cfg.suites:
            if hpke.suite_supported(cfg.kem_id, kdf, aead):
                return cfg, kdf, aead
    return None


class EchState:
    """What the handshake keeps of ECH (``hs.ech``)."""

    __slots__ = (
        "accepted",
        "aead",
        "config",
        "context",
        "grease",
        "hrr_rejected",
        "inner",
        "inner1",
        "inner_psks",
        "inner_transcript",
        "kdf",
        "outer_alpn",
        "outer_sni",
        "retry_configs",
        "settings",
    )

    def __init__(self, settings: EchSettings) -> None:
        self.settings = settings
        self.config: EchConfig | None = None
        self.kdf = 0
        self.aead = 0
        self.context: hpke.SenderContext | None = None
        self.inner: ClientHello | None = None
        self.inner1: ClientHello | None = None
        self.inner_psks: tuple[object, ...] = ()
        self.inner_transcript: Transcript | None = None
        self.outer_sni: str | None = None
        self.outer_alpn: tuple[bytes, ...] | None = None
        self.grease = False
        #: None until the ServerHello tells; then accepted or not.
        self.accepted: bool | None = None
        self.hrr_rejected = False
        self.retry_configs: bytes | None = None

    @property
    def inner_sni(self) -> str | None:
        if self.inner is None:
            return None
        sn = self.inner.ext(X.ServerName)
        name = sn.host_name if sn is not None else None
        return name.decode("ascii", "replace") if name is not None else None


def _outer_body(cfg: EchConfig, kdf: int, aead: int, enc: bytes, payload: bytes) -> bytes:
    return (
        bytes((_OUTER,))
        + kdf.to_bytes(2, "big")
        + aead.to_bytes(2, "big")
        + bytes((cfg.config_id,))
        + vec(2, enc)
        + vec(2, payload)
    )


def _with_inner_marker(ch: ClientHello) -> ClientHello:
    """ClientHelloInner: the ECH extension of type inner before pre_shared_key
    (which must stay last)."""
    exts = [e for e in ch.extensions if e.ext_type != ECH]
    marker = X.Unknown(ECH, bytes((_INNER,)))
    at = len(exts)
    if exts and isinstance(exts[-1], X.PreSharedKeyClient):
        at -= 1
    exts.insert(at, marker)
    return structs.replace(ch, extensions=tuple(exts))


def _outer_extensions(
    inner: ClientHello, settings: EchSettings, outer_sni: str | None
) -> list[X.Extension]:
    """The outer ClientHello's extensions: the inner's, with the public name,
    the outer ALPN, no PSK and no early data; the ECH extension is a
    placeholder (type kept) until the payload is known."""
    out: list[X.Extension] = []
    for e in inner.extensions:
        t = e.ext_type
        if t in (ext.PRE_SHARED_KEY, ext.EARLY_DATA, ext.PADDING):
            continue
        if t == ext.SERVER_NAME:
            if outer_sni:
                out.append(X.ServerName.host(outer_sni))
            continue
        if t == ext.ALPN and settings.outer_alpn is not None:
            if settings.outer_alpn:
                out.append(X.Alpn(settings.outer_alpn))
            continue
        out.append(e)
    if settings.outer_alpn and not any(e.ext_type == ext.ALPN for e in out):
        at = next((i for i, e in enumerate(out) if e.ext_type == ECH), len(out))
        out.insert(at, X.Alpn(settings.outer_alpn))
    if outer_sni and not any(e.ext_type == ext.SERVER_NAME for e in out):
        out.insert(0, X.ServerName.host(outer_sni))
    return out


def encode_inner(inner: ClientHello, outer_exts: list[X.Extension], max_name_length: int) -> bytes:
    """EncodedClientHelloInner (RFC 9849 §5.1): the inner ClientHello without
    its legacy_session_id, the longest run of extensions the outer one
    carries byte for byte replaced by ``ech_outer_extensions``, then the
    padding of §6.1.3."""
    outer_bytes = {e.ext_type: e.encode() for e in outer_exts}
    same = [
        e.ext_type != ECH and outer_bytes.get(e.ext_type) == e.encode() for e in inner.extensions
    ]
    # The first run of extensions the outer ClientHello has unchanged.
    start = next((i for i, s in enumerate(same) if s), None)
    exts: list[X.Extension] = list(inner.extensions)
    if start is not None:
        end = start
        while end < len(same) and same[end]:
            end += 1
        if end - start >= 1:
            types = [e.ext_type for e in exts[start:end]]
            body = vec(1, b"".join(t.to_bytes(2, "big") for t in types))
            exts[start:end] = [X.Unknown(ECH_OUTER_EXTENSIONS, body)]
    encoded = structs.replace(inner, session_id=b"", extensions=tuple(exts)).encode()[4:]
    sn = inner.ext(X.ServerName)
    name = sn.host_name if sn is not None else None
    if name is not None:
        pad = max(0, max_name_length - len(name))
    else:
        pad = max_name_length + 9
    total = len(encoded) + pad
    pad += 31 - ((total - 1) % 32)
    return encoded + bytes(pad)


def _seal_into_outer(
    state: EchState, inner: ClientHello, outer: ClientHello, enc: bytes
) -> ClientHello:
    """Encrypt ``inner`` into ``outer``'s ECH extension (ClientHelloOuterAAD:
    the outer ClientHello with a zero payload of the final length)."""
    cfg, ctx = state.config, state.context
    assert cfg is not None and ctx is not None
    plain = encode_inner(inner, list(outer.extensions), cfg.max_name_length)
    length = len(plain) + 16
    placeholder = X.Unknown(ECH, _outer_body(cfg, state.kdf, state.aead, enc, bytes(length)))
    exts = tuple(placeholder if e.ext_type == ECH else e for e in outer.extensions)
    aad_hello = structs.replace(outer, extensions=exts)
    aad = aad_hello.encode()[4:]
    payload = ctx.seal(aad, plain)
    final = X.Unknown(ECH, _outer_body(cfg, state.kdf, state.aead, enc, payload))
    return structs.replace(
        aad_hello, extensions=tuple(final if e is placeholder else e for e in exts)
    )


def _grease_outer(ch: ClientHello, random: Callable[[int], bytes]) -> ClientHello:
    """ECH GREASE (RFC 9849 §6.2): an outer ECH extension with a random
    config id, a random X25519 enc and a random payload of a plausible length,
    for HKDF-SHA256 and AES-128-GCM."""
    config_id = random(1)[0]
    enc = random(32)
    # The length a padded ClientHelloInner of this size would give.
    size = len(ch.encode())
    payload_len = (size + 31) // 32 * 32 + 16
    body = (
        bytes((_OUTER,))
        + (1).to_bytes(2, "big")
        + (1).to_bytes(2, "big")
        + bytes((config_id,))
        + vec(2, enc)
        + vec(2, random(payload_len))
    )
    exts = list(ch.extensions)
    at = len(exts)
    if exts and isinstance(exts[-1], X.PreSharedKeyClient):
        at -= 1
    exts.insert(at, X.Unknown(ECH, body))
    return structs.replace(ch, extensions=tuple(exts))


def wrap(
    config: ClientConfig,
    ch: ClientHello,
    psks: tuple[object, ...],
    with_binders: Callable[[ClientHello], ClientHello] | None = None,
) -> tuple[ClientHello, EchState]:
    """The ClientHello to send for ``ch`` (the inner one) and the ECH state.

    ``with_binders`` recomputes the PSK binders of the inner ClientHello
    (the inner marker changes the bytes they cover)."""
    settings = config.ech
    assert isinstance(settings, EchSettings)
    state = EchState(settings)
    chosen = choose_config(settings.config_list) if settings.config_list is not None else None
    if chosen is None:
        # GREASE, or no usable config (then OpenSSL sends no real ECH either).
        state.grease = True
        state.accepted = False
        return _grease_outer(ch, config.random), state
    cfg, kdf, aead = chosen
    state.config, state.kdf, state.aead = cfg, kdf, aead
    info = b"tls ech\x00" + cfg.raw
    try:
        ctx = hpke.setup_base_sender(cfg.kem_id, kdf, aead, cfg.public_key, info)
    except CryptoError as e:  # a public key that is no point on the curve
        raise LocalError(alerts.INTERNAL_ERROR, "ECH_REQUIRED", f"ECHConfig: {e}") from None
    state.context = ctx
    inner = _with_inner_marker(ch)
    if with_binders is not None and inner.ext(X.PreSharedKeyClient) is not None:
        inner = with_binders(inner)
    state.inner = state.inner1 = inner
    state.inner_psks = psks
    outer_sni = settings.outer_sni if settings.outer_sni is not None else cfg.public_name
    state.outer_sni = outer_sni or None
    state.outer_alpn = settings.outer_alpn
    outer_exts = _outer_extensions(inner, settings, state.outer_sni)
    outer = structs.replace(inner, random=config.random(32), extensions=tuple(outer_exts))
    outer = _seal_into_outer(state, inner, outer, ctx.enc)
    return outer, state


# --- the server's answers -------------------------------------------------------------


def _confirmation(
    hash_name: str, inner_random: bytes, label: bytes, transcript_hash: bytes
) -> bytes:
    prk = hkdf_extract(hash_name, None, inner_random)
    return hkdf_expand_label(hash_name, prk, label, transcript_hash, _CONFIRM)


def second_client_hello(
    hs: Handshake,
    hrr: ServerHello,
    suite: CipherSuite,
    new_share: KeyShare | None,
    cookie: bytes | None,
    make_second: Callable[
        [ClientHello, dict[int, KeyShare], KeyShare | None, bytes | None], ClientHello
    ],
) -> ClientHello:
    """ClientHelloOuter2 after a HelloRetryRequest (RFC 9849 §6.1.5): the HRR's
    ECH confirmation is checked; ClientHelloInner2 is sealed with the same
    HPKE context (an empty enc)."""
    state: EchState = hs.ech  # type: ignore[assignment]
    if state.grease or state.inner is None:
        return make_second(hs.ch, hs.shares, new_share, cookie)
    h = suite.prf_hash
    inner1 = state.inner
    t = Transcript()
    t.update(inner1.encode())
    t.rewrite_for_hrr(h)
    conf = next((e for e in hrr.extensions if e.ext_type == ECH), None)
    raw = bytes(hrr.raw)
    if isinstance(conf, X.Unknown) and len(conf.data) == _CONFIRM:
        marker = ECH.to_bytes(2, "big") + (_CONFIRM).to_bytes(2, "big") + conf.data
        at = raw.rfind(marker)
        zeroed = raw[: at + 4] + bytes(_CONFIRM) + raw[at + 4 + _CONFIRM :]
        expected = _confirmation(
            h, inner1.random, b"hrr ech accept confirmation", t.digest_with(h, zeroed)
        )
        state.hrr_rejected = not hashes.equal(expected, conf.data)
    else:
        state.hrr_rejected = True
    t.update(raw)
    inner2 = make_second(inner1, hs.shares, new_share, cookie)
    if inner2.ext(X.PreSharedKeyClient) is not None:
        from sclient.tls.hello import with_psk_binders

        psks = tuple(p for p in state.inner_psks if getattr(p, "hash", None) == h)
        state.inner_psks = psks
        if psks:
            inner2 = with_psk_binders(inner2, psks, t)  # type: ignore[arg-type]
        else:
            exts = tuple(e for e in inner2.extensions if not isinstance(e, X.PreSharedKeyClient))
            inner2 = structs.replace(inner2, extensions=exts)
    outer2 = make_second(hs.ch, {}, new_share, cookie)
    state.inner = inner2
    t.update(inner2.encode())
    state.inner_transcript = t
    return _seal_into_outer(state, inner2, outer2, b"")


def server_hello(hs: Handshake, sh: ServerHello) -> None:
    """Was ECH accepted? Checks the ServerHello's confirmation (the last 8
    bytes of its random, with the hash of the suite it names) and, if so,
    switches the connection to the inner ClientHello: its transcript, offer,
    client random and server name. Runs before the ServerHello's other
    checks, which then apply to the ClientHello the server answered."""
    from sclient.tls.hello import Offer
    from sclient.tls.registry import suites

    state: EchState = hs.ech  # type: ignore[assignment]
    row = suites.BY_CODE.get(sh.cipher_suite)
    if state.grease or state.inner is None or row is None or not row.tls13:
        state.accepted = False
        return
    h = row.prf_hash
    inner = state.inner
    t = state.inner_transcript
    if t is None:
        t = Transcript()
        t.update(inner.encode())
    raw = bytes(sh.raw)
    zeroed = raw[:30] + bytes(_CONFIRM) + raw[38:]
    accepted = False
    if not state.hrr_rejected:
        expected = _confirmation(
            h, (state.inner1 or inner).random, b"ech accept confirmation", t.digest_with(h, zeroed)
        )
        accepted = hashes.equal(expected, sh.random[-_CONFIRM:])
    state.accepted = accepted
    if not accepted:
        # The server answered the outer ClientHello: it is authenticated for
        # the public name (RFC 9849 §6.1.7), when the verifier checks a name.
        cfg = state.config
        rename = getattr(hs.config.verify_certificates, "for_name", None)
        if cfg is not None and callable(rename):
            hs.config = structs.replace(hs.config, verify_certificates=rename(cfg.public_name))
        return
    hs.transcript = t
    hs.ch = inner
    hs.ch1 = state.inner1 or inner
    hs.offer = structs.replace(
        Offer.of(inner, state.inner_psks, hs.offer.resume),  # type: ignore[arg-type]
        dtls=hs.offer.dtls,
    )
    hs.facts.client_random = inner.random
    hs.facts.server_name_sent = hs.offer.server_name


def encrypted_extensions(hs: Handshake, exts: tuple[X.Extension, ...]) -> None:
    """Keep the server's retry_configs (an ECHConfigList); the rejection
    reports them."""
    state: EchState = hs.ech  # type: ignore[assignment]
    for e in exts:
        if e.ext_type == ECH and isinstance(e, X.Unknown):
            if state.accepted:
                continue  # RFC 9849 §6.1.4: ignored when ECH was accepted
            try:
                decode_config_list(e.data)
            except DecodeError:
                raise LocalError(
                    alerts.DECODE_ERROR, "BAD_EXTENSION", "ECH retry_configs"
                ) from None
            state.retry_configs = e.data


def outcome(hs: Handshake) -> evr.EchOutcome:
    state: EchState = hs.ech  # type: ignore[assignment]
    if state.grease:
        status = "grease"
    elif state.accepted:
        status = "success"
    elif state.retry_configs is not None:
        status = "failed_retry_configs"
    else:
        status = "failed"
    cfg = state.config
    return evr.EchOutcome(
        status=status,
        outer_sni=state.outer_sni,
        inner_sni=state.inner_sni,
        config=cfg.raw if cfg is not None else None,
        config_id=cfg.config_id if cfg is not None else None,
        kem_id=cfg.kem_id if cfg is not None else None,
        kdf_id=state.kdf or None,
        aead_id=state.aead or None,
        public_name=cfg.public_name if cfg is not None else None,
        retry_configs=state.retry_configs,
        hrr=state.inner_transcript is not None,
    )


def server_finished(hs: Handshake) -> None:
    """After the server's Finished: report the outcome; a rejected ECH ends
    the handshake with ech_required (the server was authenticated for the
    public name, RFC 9849 §6.1.6)."""
    state: EchState = hs.ech  # type: ignore[assignment]
    hs.events.append(outcome(hs))
    if not state.grease and not state.accepted:
        raise LocalError(alerts.ECH_REQUIRED, "ECH_REQUIRED")
