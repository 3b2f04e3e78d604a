"""The ClientHello: built from the configuration the way ``openssl s_client``
3.0.19 builds it, the :class:`Offer` the rest of the handshake checks the
server's answers against, and the extension checks every version shares. The
version modules build on it; the ServerHello that chooses between them is
:mod:`sclient.tls.serverhello`.

Observed with ``openssl s_client -trace`` 3.0.19 (see tests/tls/test_hello.py):

* cipher suites: the TLS 1.3 suites, then the TLS <= 1.2 list, then
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV (always, even with ``-tls1_3``), then
  TLS_FALLBACK_SCSV with ``-fallback_scsv``;
* extensions in ``ext_defs[]`` order (the table :data:`CLIENT_HELLO_EXTENSIONS`,
  one small builder per extension): server_name, max_fragment_length,
  ec_point_formats (00 01 02), supported_groups, session_ticket, [status_request],
  [ALPN], encrypt_then_mac, extended_master_secret, signature_algorithms,
  supported_versions, psk_key_exchange_modes (psk_dhe_ke; psk_ke too with
  ``-allow_no_dhe_kex``), key_share;
* supported_groups without the FFDHE groups when TLS 1.3 is not offered;
* signature_algorithms without SHA-1/SHA-224/DSA schemes when TLS 1.2 and
  below are not offered;
* a 32-byte random legacy_session_id when TLS 1.3 is offered (middlebox
  compatibility), empty otherwise; legacy_version 0x0303; record version
  0x0301 for the first ClientHello;
* one key share, for the first group of the list, unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sclient.base import structs
from sclient.base.structs import Struct
from sclient.tls.config import ClientConfig, ExternalPsk
from sclient.tls.crypto.hashes import digest, hash_len
from sclient.tls.crypto.kex import KeyShare, generate_key_share
from sclient.tls.errors import LocalError
from sclient.tls.grease import apply as apply_grease
from sclient.tls.grease import (
    check_server_extension,
    fields_of,
    is_grease,
    is_grease_alpn,
    strip_values,
)
from sclient.tls.policy import group_valid
from sclient.tls.registry import alerts, sigschemes, suites
from sclient.tls.registry import extensions as ext
from sclient.tls.registry import groups as G
from sclient.tls.registry import protocol as P
from sclient.tls.session import Session
from sclient.tls.states import Handshake
from sclient.tls.wire import extensions as X

if TYPE_CHECKING:
    from sclient.tls.crypto.transcript import Transcript
from sclient.tls.wire.handshake import ClientHello

__all__ = [
    "CLIENT_HELLO_EXTENSIONS",
    "HelloPlan",
    "Offer",
    "build_client_hello",
    "make_key_share",
    "offered_versions",
]

_KNOWN_VERSIONS = (P.TLS1_3, P.TLS1_2, P.TLS1_1, P.TLS1_0, P.SSL3)
_EC_POINT_FORMATS = (0, 1, 2)
_PSK_DHE_KE = 1
_PSK_KE = 0


def offered_versions(config: ClientConfig) -> tuple[int, ...]:
    """The versions in [min_version, max_version] sclient speaks, highest first."""
    lo, hi = config.min_version, config.max_version
    return tuple(v for v in _KNOWN_VERSIONS if lo <= v <= hi)


def make_key_share(config: ClientConfig, group: int) -> KeyShare:
    if config.key_share_factory is not None:
        share = config.key_share_factory(group)
        return share  # type: ignore[return-value]
    return generate_key_share(group)


class Offer(Struct, frozen=True, slots=True):
    """What our ClientHello offered, read back from the message itself (so a
    replayed ClientHello is checked exactly like a built one)."""

    versions: tuple[int, ...]
    suites: tuple[int, ...]
    groups: tuple[int, ...]
    schemes: tuple[int, ...]
    alpn: tuple[bytes, ...]
    ext_types: frozenset[int]
    session_id: bytes
    max_fragment_length: int | None
    server_name: str | None
    psk_offered: bool = False
    #: The pre_shared_key identities in their order (resumption first).
    psks: tuple[OfferedPsk, ...] = ()
    #: The session whose id or ticket the ClientHello offers.
    resume: Session | None = None
    #: DTLS: the DTLS-only extensions (use_srtp) may come back.
    dtls: bool = False
    #: The ClientHello carries GREASE (RFC 8701): the values above leave it
    #: out, and a GREASE extension in a ServerHello, HelloRetryRequest,
    #: EncryptedExtensions or Certificate is refused.
    grease: bool = False

    @classmethod
    def of(
        cls, ch: ClientHello, psks: tuple[OfferedPsk, ...] = (), resume: Session | None = None
    ) -> Offer:
        sv = ch.ext(X.SupportedVersions)
        sg = ch.ext(X.SupportedGroups)
        sa = ch.ext(X.SignatureAlgorithms)
        al = ch.ext(X.Alpn)
        mf = ch.ext(X.MaxFragmentLength)
        sn = ch.ext(X.ServerName)
        host = sn.host_name if sn else None
        grease = bool(fields_of(ch))
        return cls(
            versions=strip_values(sv.versions) if sv else (ch.legacy_version,),
            suites=strip_values(ch.cipher_suites),
            groups=strip_values(sg.groups) if sg else (),
            schemes=strip_values(sa.schemes) if sa else (),
            alpn=tuple(p for p in al.protocols if not is_grease_alpn(p)) if al else (),
            ext_types=frozenset(
                e.ext_type
                for e in ch.extensions
                if not (isinstance(e, X.Unknown) and is_grease(e.ext_type))
            ),
            session_id=ch.session_id,
            max_fragment_length=mf.code if mf else None,
            server_name=host.decode("ascii", "replace") if host is not None else None,
            psk_offered=ch.ext(X.PreSharedKeyClient) is not None,
            psks=psks,
            resume=resume,
            grease=grease,
        )

    @property
    def max_version(self) -> int:
        return max(self.versions)

    @property
    def min_version(self) -> int:
        return min(self.versions)


class OfferedPsk(Struct, frozen=True, slots=True):
    """One identity of our pre_shared_key extension and the key behind it:
    a resumption ticket (``session`` set) or the external PSK."""

    identity: bytes
    obfuscated_age: int
    key: bytes
    hash: str
    session: Session | None = None

    @property
    def external(self) -> bool:
        return self.session is None


def resumable(config: ClientConfig) -> Session | None:
    """The session to offer: OpenSSL's SSL_SESSION_is_resumable and
    ssl_version_supported (a session of a version we do not offer is not used)."""
    s = config.resume
    if s is None or s.cipher_suite is None:
        return None
    if not (s.session_id or s.ticket):
        return None
    if s.version not in offered_versions(config):
        return None
    return s


class EarlyPlan(Struct, frozen=True, slots=True):
    """The PSK early data is sent under (the first identity offered) and its
    limit."""

    suite: int
    hash: str
    key: bytes
    max_early_data: int


def early_plan(config: ClientConfig) -> EarlyPlan | None:
    """tls_construct_ctos_early_data's choice: the resumed TLS 1.3 session if
    its ticket allows early data, else the ``-psk_session`` if it does; None
    when neither does (no early_data extension, nothing sent)."""
    if config.max_version < P.TLS1_3:
        return None
    s = resumable(config)
    if s is not None and s.version == P.TLS1_3 and s.ticket and s.max_early_data:
        row = suites.BY_CODE.get(s.cipher_suite or 0)
        if row is not None and row.tls13:
            return EarlyPlan(row.code, row.prf_hash, s.master_key, s.max_early_data)
    psk = config.psk
    if psk is not None and psk.max_early_data and psk.suite is not None and not psk.unusable:
        row = suites.BY_CODE.get(psk.suite)
        if row is not None and row.tls13:
            return EarlyPlan(row.code, psk.hash, psk.key, psk.max_early_data)
    return None


def offered_psks(config: ClientConfig, session: Session | None) -> tuple[OfferedPsk, ...]:
    """tls_construct_ctos_psk: the TLS 1.3 ticket of ``session`` (unless its
    lifetime has run out or its suite is unknown), then the external PSK."""
    out: list[OfferedPsk] = []
    if session is not None and session.version == P.TLS1_3 and session.ticket:
        row = suites.BY_CODE.get(session.cipher_suite or 0)
        agesec = max(0, int(config.now()) - session.start_time) & 0xFFFFFFFF
        if agesec > 0:
            agesec -= 1  # better to underestimate the age (OpenSSL)
        if row is not None and row.tls13 and session.ticket_lifetime_hint >= agesec:
            age = (agesec * 1000 + session.ticket_age_add) & 0xFFFFFFFF
            out.append(OfferedPsk(session.ticket, age, session.master_key, row.prf_hash, session))
    if config.psk is not None:
        psk = config.psk
        out.append(OfferedPsk(psk.identity, 0, psk.key, psk.hash))
    return tuple(out)


def _tls12_scheme_ok(code: int) -> bool:
    s = sigschemes.BY_CODE.get(code)
    return s is None or (s.sig != "DSA" and s.hash not in ("SHA1", "SHA224"))


def tls13_group_ok(code: int) -> bool:
    """A group sclient can compute with that OpenSSL allows in TLS 1.3."""
    return code in G.BY_CODE and group_valid(code, P.TLS1_3, P.TLS1_3)[0]


def _supported_groups(
    config: ClientConfig, versions: tuple[int, ...], cipher_suites: list[int]
) -> tuple[tuple[int, ...], bool]:
    """(the supported_groups list, whether ec_point_formats goes out), as
    OpenSSL's ``use_ecc`` and ``tls_construct_ctos_supported_groups`` decide.

    Both extensions need an ECDHE or ECDSA suite (or a TLS 1.3 one) and an
    elliptic-curve group usable with the offered versions; supported_groups is
    also sent whenever TLS 1.3 is offered.  The groups are those usable with
    some offered version.  Raises ``no suitable groups`` (internal_error,
    before anything is sent) when the extension is due but no group is left,
    or when TLS 1.3 is the highest version and no group can serve it."""
    lo, hi = versions[-1], versions[0]
    groups: list[int] = []
    ec_group = tls13_group = False
    for code in config.groups:
        valid, ok13, is_ec = group_valid(code, lo, hi)
        if not valid or code not in G.BY_CODE:
            continue
        groups.append(code)
        ec_group = ec_group or is_ec
        tls13_group = tls13_group or ok13
    ecc = ec_group and any(
        (row := suites.BY_CODE.get(code)) is not None
        and (row.ecdhe or row.au == "ECDSA" or row.tls13)
        for code in cipher_suites
    )
    if not ecc and hi < P.TLS1_3:
        return (), False
    if not groups:
        raise LocalError(alerts.INTERNAL_ERROR, "NO_SUITABLE_GROUPS")
    if hi == P.TLS1_3 and not tls13_group:
        raise LocalError(alerts.INTERNAL_ERROR, "NO_SUITABLE_GROUPS_TLS13")
    return tuple(groups), ecc


class HelloPlan:
    """What the extension builders of the first ClientHello read: the
    configuration and what was decided from it before the extensions (the
    offered versions, groups and schemes, the session to resume). The key
    share builder fills ``shares``; the pre_shared_key builder ``psks``."""

    __slots__ = (
        "config",
        "ecc",
        "groups",
        "psks",
        "resume",
        "schemes",
        "share_groups",
        "shares",
        "tls13",
        "versions",
    )

    def __init__(
        self,
        config: ClientConfig,
        versions: tuple[int, ...],
        groups: tuple[int, ...],
        ecc: bool,
        schemes: tuple[int, ...],
        resume: Session | None,
        shares: dict[int, KeyShare],
    ) -> None:
        self.config = config
        self.versions = versions
        self.tls13 = versions[0] == P.TLS1_3
        self.groups = groups
        self.ecc = ecc
        self.schemes = schemes
        self.resume = resume
        self.shares = shares
        self.psks: tuple[OfferedPsk, ...] = ()
        #: The groups to send key shares for (None: decided by :func:`_key_share`).
        self.share_groups: tuple[int, ...] | None = None


#: One extension of the first ClientHello: the extension, or None when it is not sent.
ExtensionBuilder = Callable[[HelloPlan], X.Extension | None]


def _custom_extensions(p: HelloPlan) -> X.Extension | None:
    types = p.config.serverinfo_types
    return X.CustomExtensions(types) if types else None


def _server_name(p: HelloPlan) -> X.Extension | None:
    name = p.config.server_name
    return X.ServerName.host(name) if name is not None else None


def _max_fragment_length(p: HelloPlan) -> X.Extension | None:
    code = p.config.max_fragment_length
    return X.MaxFragmentLength(code) if code is not None else None


def _srp(p: HelloPlan) -> X.Extension | None:
    srp = p.config.srp
    return X.Srp(srp.user) if srp is not None and srp.user is not None else None


def _ec_point_formats(p: HelloPlan) -> X.Extension | None:
    return X.EcPointFormats(_EC_POINT_FORMATS) if p.ecc else None


def _supported_groups_ext(p: HelloPlan) -> X.Extension | None:
    return X.SupportedGroups(p.groups) if p.groups else None


def _session_ticket(p: HelloPlan) -> X.Extension | None:
    if not p.config.session_ticket:
        return None
    resume = p.resume
    old = resume is not None and resume.version != P.TLS1_3
    return X.SessionTicket(resume.ticket if old and resume is not None else b"")


def _status_request(p: HelloPlan) -> X.Extension | None:
    # OCSP, no responder ids, no request extensions (s_client -status).
    return X.StatusRequest() if p.config.status_request or p.config.sct_request else None


def _sct(p: HelloPlan) -> X.Extension | None:
    # tls_construct_ctos_sct: empty, when CT validation is enabled (-ct).
    return X.SignedCertificateTimestamps() if p.config.sct_request else None


def _next_proto_neg(p: HelloPlan) -> X.Extension | None:
    return X.NextProtocolNegotiation() if p.config.next_protocols is not None else None


def _alpn(p: HelloPlan) -> X.Extension | None:
    return X.Alpn(tuple(p.config.alpn)) if p.config.alpn else None


def _use_srtp(p: HelloPlan) -> X.Extension | None:
    return X.UseSrtp(p.config.srtp_profiles) if p.config.srtp_profiles else None


def _heartbeat(p: HelloPlan) -> X.Extension | None:
    return X.Heartbeat(1) if p.config.heartbeat else None  # peer_allowed_to_send


def _encrypt_then_mac(p: HelloPlan) -> X.Extension | None:
    return X.EncryptThenMac() if p.config.encrypt_then_mac else None


def _extended_master_secret(p: HelloPlan) -> X.Extension | None:
    return X.ExtendedMasterSecret() if p.config.extended_master_secret else None


def _post_handshake_auth(p: HelloPlan) -> X.Extension | None:
    return X.PostHandshakeAuth() if p.tls13 and p.config.post_handshake_auth else None


def _client_cert_type(p: HelloPlan) -> X.Extension | None:
    types = p.config.client_cert_types
    return X.CertificateTypes(ext.CLIENT_CERT_TYPE, types) if types else None


def _server_cert_type(p: HelloPlan) -> X.Extension | None:
    types = p.config.server_cert_types
    return X.CertificateTypes(ext.SERVER_CERT_TYPE, types) if types else None


def _signature_algorithms(p: HelloPlan) -> X.Extension | None:
    # Only a client that may speak TLS 1.2 sends it (SSL_CLIENT_USE_SIGALGS).
    if p.versions[0] < P.TLS1_2:
        return None
    return X.SignatureAlgorithms(p.schemes) if p.schemes else None


def _supported_versions(p: HelloPlan) -> X.Extension | None:
    return X.SupportedVersions(p.versions) if p.tls13 else None


def _psk_key_exchange_modes(p: HelloPlan) -> X.Extension | None:
    if not p.tls13:
        return None
    # SSL_OP_ALLOW_NO_DHE_KEX adds psk_ke after psk_dhe_ke
    modes = (_PSK_DHE_KE, _PSK_KE) if p.config.allow_no_dhe_kex else (_PSK_DHE_KE,)
    return X.PskKeyExchangeModes(modes)


def _key_share(p: HelloPlan) -> X.Extension | None:
    if not p.tls13:
        return None
    share_groups = p.share_groups
    if share_groups is None:
        share_groups = _share_groups(p.config, p.groups)
    entries = []
    for g in share_groups:
        share = make_key_share(p.config, g)
        p.shares[g] = share
        entries.append(X.KeyShareEntry(g, share.public_bytes()))
    return X.KeyShareClient(tuple(entries))


def _share_groups(config: ClientConfig, groups: tuple[int, ...]) -> tuple[int, ...]:
    if config.key_share_groups is not None:
        return config.key_share_groups
    return tuple(g for g in groups if tls13_group_ok(g))[:1]


def _certificate_authorities(p: HelloPlan) -> X.Extension | None:
    names = p.config.certificate_authorities
    return X.CertificateAuthorities(names) if p.tls13 and names else None


def _compress_certificate(p: HelloPlan) -> X.Extension | None:
    algorithms = p.config.cert_comp_rx
    return X.CompressCertificate(algorithms) if p.tls13 and algorithms else None


def _early_data(p: HelloPlan) -> X.Extension | None:
    if not p.tls13 or p.config.early_data is None:
        return None
    return X.EarlyData() if early_plan(p.config) is not None else None


def _pre_shared_key(p: HelloPlan) -> X.Extension | None:
    """Placeholder binders: :func:`with_psk_binders` fills them in once the
    rest of the ClientHello is known (this extension must be the last)."""
    if not p.tls13:
        return None
    p.psks = offered_psks(p.config, p.resume)
    if not p.psks:
        return None
    identities = tuple(X.PskIdentity(k.identity, k.obfuscated_age) for k in p.psks)
    binders = tuple(bytes(hash_len(k.hash)) for k in p.psks)
    return X.PreSharedKeyClient(identities, binders)


#: The extensions of the first ClientHello in the order OpenSSL 3.0 sends
#: them (``ext_defs[]``); each builder decides whether its extension goes out.
CLIENT_HELLO_EXTENSIONS: tuple[tuple[int, ExtensionBuilder], ...] = (
    (-1, _custom_extensions),  # the application's, first (custom_ext_add)
    (ext.SERVER_NAME, _server_name),
    (ext.MAX_FRAGMENT_LENGTH, _max_fragment_length),
    (12, _srp),
    (ext.EC_POINT_FORMATS, _ec_point_formats),
    (ext.SUPPORTED_GROUPS, _supported_groups_ext),
    (ext.SESSION_TICKET, _session_ticket),
    (ext.STATUS_REQUEST, _status_request),
    (ext.HEARTBEAT, _heartbeat),  # where 1.1.x put it (3.0 has none)
    (ext.NEXT_PROTO_NEG, _next_proto_neg),
    (ext.ALPN, _alpn),
    (ext.USE_SRTP, _use_srtp),
    (ext.ENCRYPT_THEN_MAC, _encrypt_then_mac),
    (ext.SCT, _sct),
    (ext.EXTENDED_MASTER_SECRET, _extended_master_secret),
    (ext.POST_HANDSHAKE_AUTH, _post_handshake_auth),
    (ext.CLIENT_CERT_TYPE, _client_cert_type),  # OpenSSL 3.2's place for them
    (ext.SERVER_CERT_TYPE, _server_cert_type),
    (ext.SIGNATURE_ALGORITHMS, _signature_algorithms),
    (ext.SUPPORTED_VERSIONS, _supported_versions),
    (ext.PSK_KEY_EXCHANGE_MODES, _psk_key_exchange_modes),
    (ext.KEY_SHARE, _key_share),
    (ext.COMPRESS_CERTIFICATE, _compress_certificate),  # OpenSSL 3.2+'s place
    (ext.EARLY_DATA, _early_data),
    (ext.CERTIFICATE_AUTHORITIES, _certificate_authorities),
    (ext.PRE_SHARED_KEY, _pre_shared_key),
)


#: The builders whose extension changes from one connection to the next with
#: the same configuration: fresh key shares, the session offered (its ticket,
#: its PSK and the PSK's age). The others' extensions are made once per
#: configuration (:func:`_static_hello`).
PER_CONNECTION_BUILDERS: frozenset[ExtensionBuilder] = frozenset(
    (_session_ticket, _key_share, _early_data, _pre_shared_key)
)

#: The configuration fields the rest of the first ClientHello is made from:
#: the key of :func:`_static_hello`'s cache. Every other field of
#: ``ClientConfig`` is in :data:`PER_CONNECTION_FIELDS` or not read here (a
#: test holds the three lists to the class).
HELLO_FIELDS = (
    "min_version",
    "max_version",
    "tls13_suites",
    "tls12_suites",
    "fallback_scsv",
    "groups",
    "key_share_groups",
    "signature_schemes",
    "server_name",
    "max_fragment_length",
    "srp",
    "alpn",
    "session_ticket",
    "encrypt_then_mac",
    "extended_master_secret",
    "post_handshake_auth",
    "client_cert_types",
    "server_cert_types",
    "certificate_authorities",
    "allow_no_dhe_kex",
    "next_protocols",
    "sct_request",
    "serverinfo_types",
    "srtp_profiles",
    "heartbeat",
    "status_request",
    "compression",
    "cert_comp_rx",
)
#: Read for each ClientHello: the entropy, the clock (a ticket's age), the
#: session to resume, the external PSK, the key share maker, the early data
#: (offered only if the session or PSK allows it), the padding (it counts the
#: session's pre_shared_key).
PER_CONNECTION_FIELDS = (
    "random",
    "now",
    "resume",
    "psk",
    "key_share_factory",
    "middlebox_compat",
    "early_data",
    "tls_padding",
    "grease",
)


class _StaticHello:
    """What the first ClientHello holds for a configuration whatever the
    connection: versions, suites, groups, schemes, and the extensions of
    every builder not in :data:`PER_CONNECTION_BUILDERS` (None: not sent)."""

    __slots__ = ("ecc", "exts", "groups", "schemes", "share_groups", "suites", "versions")

    def __init__(self, config: ClientConfig) -> None:
        versions = offered_versions(config)
        if not versions:
            raise LocalError(None, "NO_PROTOCOLS_AVAILABLE")
        tls13 = versions[0] == P.TLS1_3
        below13 = versions[-1] < P.TLS1_3
        cipher_suites: list[int] = []
        if tls13:
            cipher_suites += [s for s in config.tls13_suites if _suite_ok(s, True)]
        if below13:
            cipher_suites += [s for s in config.tls12_suites if _suite_ok(s, False, versions[0])]
        if not cipher_suites:
            raise LocalError(alerts.INTERNAL_ERROR, "NO_CIPHERS_AVAILABLE")
        cipher_suites.append(suites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
        if config.fallback_scsv:
            cipher_suites.append(suites.TLS_FALLBACK_SCSV)
        self.versions = versions
        self.suites = tuple(cipher_suites)
        self.groups, self.ecc = _supported_groups(config, versions, cipher_suites)
        self.schemes = tuple(s for s in config.signature_schemes if below13 or _tls12_scheme_ok(s))
        self.share_groups = _share_groups(config, self.groups) if tls13 else ()
        plan = HelloPlan(config, versions, self.groups, self.ecc, self.schemes, None, {})
        self.exts = tuple(
            None if build in PER_CONNECTION_BUILDERS else build(plan)
            for _, build in CLIENT_HELLO_EXTENSIONS
        )


#: How many configurations' static ClientHello parts are kept.
STATIC_HELLO_CACHE_SIZE = 8
_STATIC_HELLOS: dict[tuple[object, ...], _StaticHello] = {}


def _static_hello(config: ClientConfig) -> _StaticHello:
    """The :class:`_StaticHello` of ``config``, made once for the same values
    of :data:`HELLO_FIELDS` (``-reconnect`` and the benchmarks connect many
    times with one configuration; each connection has a config object of its
    own). A configuration that cannot make a ClientHello raises every time."""
    try:
        key: tuple[object, ...] | None = tuple(getattr(config, f) for f in HELLO_FIELDS)
        hash(key)
    except TypeError:  # a caller's unhashable field value: nothing kept
        key = None
    found = _STATIC_HELLOS.get(key) if key is not None else None
    if found is None:
        found = _StaticHello(config)
        if key is not None:
            if len(_STATIC_HELLOS) >= STATIC_HELLO_CACHE_SIZE:
                del _STATIC_HELLOS[next(iter(_STATIC_HELLOS))]
            _STATIC_HELLOS[key] = found
    return found


def build_client_hello(
    config: ClientConfig,
    random: Callable[[int], bytes],
    shares: dict[int, KeyShare],
) -> ClientHello:
    """The first ClientHello for ``config``; fills ``shares`` with the key
    shares it offers. Raises TLSError when nothing can be offered.

    The cipher suites, the random and the session id come first; then each
    row of :data:`CLIENT_HELLO_EXTENSIONS` in turn; the PSK binders last.
    What does not change between connections comes from :func:`_static_hello`;
    the random, the session id, the key shares and the session's extensions
    are made anew for each ClientHello."""
    static = _static_hello(config)
    versions = static.versions
    tls13 = versions[0] == P.TLS1_3

    client_random = random(32)
    resume = resumable(config)
    if resume is not None and resume.version != P.TLS1_3:
        session_id = resume.session_id
    else:
        session_id = random(32) if tls13 and config.middlebox_compat else b""

    plan = HelloPlan(config, versions, static.groups, static.ecc, static.schemes, resume, shares)
    plan.share_groups = static.share_groups
    exts: list[X.Extension] = []
    for (_, build), e in zip(CLIENT_HELLO_EXTENSIONS, static.exts, strict=True):
        if build in PER_CONNECTION_BUILDERS:
            e = build(plan)
        if e is not None:
            exts.append(e)
    if versions[0] == P.SSL3:
        # OpenSSL 1.1.1 with SSL 3.0 as its highest version (s->version is
        # SSL3_VERSION, extension_is_relevant): only SSL_EXT_SSL3_ALLOWED
        # extensions, i.e. renegotiation_info, which a first ClientHello
        # replaces with the SCSV: no extensions at all.
        exts = [e for e in exts if e.ext_type == ext.RENEGOTIATION_INFO]

    ch = ClientHello(
        legacy_version=min(versions[0], P.TLS1_2),
        random=client_random,
        session_id=session_id,
        cipher_suites=static.suites,
        compression_methods=compression_methods(config, versions[0]),
        extensions=tuple(exts),
    )
    if config.grease:
        ch = apply_grease(ch, config.grease, random)
    if config.tls_padding:
        ch = with_padding(ch, config)
    if plan.psks:
        ch = with_psk_binders(ch, plan.psks, None)
    return ch


def compression_methods(config: ClientConfig, max_version: int) -> bytes:
    """The ClientHello's compression_methods: DEFLATE (1) before null (0), as
    OpenSSL lists its methods before the null one, when compression is allowed
    and TLS 1.3 (which has none) is not offered; null alone otherwise."""
    if config.compression and max_version < P.TLS1_3:
        return bytes((P.COMPRESSION_DEFLATE, 0))
    return b"\x00"


def with_padding(ch: ClientHello, config: ClientConfig) -> ClientHello:
    """SSL_OP_TLSEXT_PADDING (``-bugs``): RFC 7685 padding, second to last,
    bringing a handshake message of 256 to 511 bytes to 512 (OpenSSL's
    tls_construct_ctos_padding). The length counted is the message so far
    (handshake header included) plus, for a TLS 1.3 session to resume, its
    whole pre_shared_key extension; an external PSK is not counted."""
    exts = [e for e in ch.extensions if not isinstance(e, X.Padding)]
    psk = [e for e in exts if isinstance(e, X.PreSharedKeyClient)]
    before = [e for e in exts if not isinstance(e, X.PreSharedKeyClient)]
    hlen = len(structs.replace(ch, extensions=tuple(before)).encode())
    session = config.resume
    if (
        session is not None
        and session.version == P.TLS1_3
        and session.ticket
        and session.cipher_suite is not None
    ):
        suite = suites.BY_CODE.get(session.cipher_suite)
        if suite is not None:
            # PSK_PRE_BINDER_OVERHEAD, the identity and the binder
            hlen += 15 + len(session.ticket) + hash_len(suite.prf_hash)
    if 0xFF < hlen < 0x200:
        pad = 0x200 - hlen
        before.append(X.Padding(pad - 4 if pad >= 4 else 0))
    return structs.replace(ch, extensions=tuple(before + psk))


def with_psk_binder(ch: ClientHello, psk: ExternalPsk, prefix: Transcript | None) -> ClientHello:
    """:func:`with_psk_binders` for one external PSK."""
    return with_psk_binders(ch, (OfferedPsk(psk.identity, 0, psk.key, psk.hash),), prefix)


def with_psk_binders(
    ch: ClientHello, psks: tuple[OfferedPsk, ...], prefix: Transcript | None
) -> ClientHello:
    """Fill in the binders of the pre_shared_key extension (RFC 8446 §4.2.11.2),
    one per identity: HMAC over the transcript (``prefix``: the messages
    before this ClientHello, after a HelloRetryRequest) and the ClientHello
    up to the binders, keyed from each PSK (resumption or external binder key)."""
    from sclient.tls.crypto.keyschedule import KeySchedule13, finished_verify_data

    ext = ch.ext(X.PreSharedKeyClient)
    assert ext is not None
    identities = tuple(X.PskIdentity(p.identity, p.obfuscated_age) for p in psks)
    placeholder = X.PreSharedKeyClient(identities, tuple(bytes(hash_len(p.hash)) for p in psks))
    exts = tuple(placeholder if e is ext else e for e in ch.extensions)
    ch = structs.replace(ch, extensions=exts)
    raw = ch.encode()
    truncated = raw[: len(raw) - len(placeholder.encode_binders())]
    binders: list[bytes] = []
    for p in psks:
        th = digest(p.hash, truncated) if prefix is None else prefix.digest_with(p.hash, truncated)
        ks = KeySchedule13(p.hash)
        ks.early(p.key)
        binders.append(finished_verify_data(p.hash, ks.binder_key(external=p.external), th))
    final = X.PreSharedKeyClient(identities, tuple(binders))
    return structs.replace(ch, extensions=tuple(final if e is placeholder else e for e in exts))


def _suite_ok(code: int, tls13: bool, max_version: int = P.TLS1_2) -> bool:
    s = suites.BY_CODE.get(code)
    if s is None:
        return True  # an unknown code point the user asked for: send it
    if s.tls13 != tls13:
        return False
    if s.version == "TLSv1.0" and max_version < P.TLS1_0:
        return False  # an SSL 3.0 ClientHello offers no suite SSL 3.0 lacks (ECDHE, PSK ...)
    return not (s.version == "TLSv1.2" and max_version < P.TLS1_2)


def second_client_hello(
    ch1: ClientHello,
    shares: dict[int, KeyShare],
    new_share: KeyShare | None,
    cookie: bytes | None,
) -> ClientHello:
    """RFC 8446 §4.1.2: ClientHello1 with the key shares replaced by the one
    the HelloRetryRequest asked for (if it asked), a cookie added (if one
    came), and early_data removed."""
    exts: list[X.Extension] = []
    for e in ch1.extensions:
        if isinstance(e, X.KeyShareClient):
            if new_share is not None:
                shares.clear()
                shares[new_share.group] = new_share
                e = X.KeyShareClient((X.KeyShareEntry(new_share.group, new_share.public_bytes()),))
            exts.append(e)
            if cookie is not None:
                exts.append(X.Cookie(cookie))
            continue
        if isinstance(e, X.EarlyData | X.Cookie):
            continue
        exts.append(e)
    return ClientHello(
        ch1.legacy_version,
        ch1.random,
        ch1.session_id,
        ch1.cipher_suites,
        ch1.compression_methods,
        tuple(exts),
    )


def collect_extensions(exts: tuple[X.Extension, ...], context: int, offer: Offer) -> None:
    """OpenSSL's tls_collect_extensions for a server message: a recognised
    extension twice or outside ``context`` is illegal_parameter ("bad
    extension"); one we did not send is unsupported_extension ("unsolicited
    extension"); types OpenSSL does not know pass unchecked."""
    seen: set[int] = set()
    ctx = int(context)
    dtls_only = X.Context.DTLS_ONLY
    for e in exts:
        t = e.ext_type
        allowed = X.OPENSSL_CONTEXTS.get(t)
        if allowed is None or (t == ext.COMPRESS_CERTIFICATE and t not in offer.ext_types):
            # compress_certificate: unknown to OpenSSL 3.0, which never sends it
            if allowed is None and offer.grease and ctx & _GREASE_REFUSED:
                check_server_extension(t)
            continue
        if t in seen or not allowed & ctx or (allowed & dtls_only and not offer.dtls):
            raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_EXTENSION", f"extension {t}")
        seen.add(t)
        if (
            ctx & _REQUESTS == 0
            and t not in offer.ext_types
            and t not in (ext.COOKIE, ext.RENEGOTIATION_INFO, ext.SCT)
        ):
            raise LocalError(
                alerts.UNSUPPORTED_EXTENSION, "UNSOLICITED_EXTENSION", f"extension {t}"
            )


_REQUESTS = X.Context.CR | X.Context.NST
#: RFC 8701 §3.1: where a GREASE extension fails the connection.
_GREASE_REFUSED = X.Context.SH | X.Context.HRR | X.Context.EE | X.Context.CT


def validate_contexts(exts: tuple[X.Extension, ...], context: int) -> None:
    """OpenSSL's tls_validate_all_contexts: once the version is known, every
    recognised extension must be allowed in that version's message."""
    ctx = int(context)
    for e in exts:
        allowed = X.OPENSSL_CONTEXTS.get(e.ext_type)
        if allowed is not None and not allowed & ctx:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_EXTENSION", f"extension {e.ext_type}")


def parse_common_extension(hs: Handshake, e: X.Extension) -> None:
    """The server extensions TLS 1.3 EncryptedExtensions and the TLS 1.2
    ServerHello share (tls_parse_stoc_server_name / _maxfragmentlen / _alpn)."""
    if isinstance(e, X.ServerNameAck):
        hs.facts.sni_acked = True
    elif isinstance(e, X.MaxFragmentLength):
        if not 1 <= e.code <= 4 or e.code != hs.offer.max_fragment_length:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH")
        hs.facts.max_fragment_length = e.code
        limit = 1 << (8 + e.code)
        hs.rl.limit_plaintext(limit)
    elif isinstance(e, X.Alpn):
        if len(e.protocols) != 1:
            raise LocalError(alerts.DECODE_ERROR, "BAD_EXTENSION", "ALPN: one name expected")
        if e.protocols[0] not in hs.offer.alpn:
            # OpenSSL 3.0.19 answers decode_error here (observed), not illegal_parameter.
            raise LocalError(alerts.DECODE_ERROR, "BAD_EXTENSION", "ALPN: not offered")
        hs.facts.alpn = e.protocols[0]
    elif isinstance(e, X.EarlyData):
        raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_EXTENSION", "early_data: not sent")
    elif isinstance(e, X.Heartbeat):
        # RFC 6520 §2: an unknown mode is answered with illegal_parameter.
        if e.mode not in (1, 2):
            raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_EXTENSION", "heartbeat: unknown mode")
        hs.facts.heartbeat = e.mode
    elif e.ext_type == ext.USE_SRTP and hs.offer.dtls:
        from sclient.tls.dtls.handshake import use_srtp

        use_srtp(hs, e)
