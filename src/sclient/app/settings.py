"""From :class:`Options` to the engine's :class:`ClientConfig` and the program's
own settings: target and SNI (options.md §2), protocol versions, ALPN, the
SSL_CONF lists, the key-log file.

Errors a user can cause end in :class:`Exit` after their stderr lines were
written, with the status OpenSSL gives.
"""

from __future__ import annotations

import os
import socket
from typing import IO, TYPE_CHECKING, Any

from sclient.app.common import Exit, valid_server_name
from sclient.app.console import Console
from sclient.app.secretfile import open_secret_file
from sclient.app.verifysettings import DEFAULT_AUTH_LEVEL, VerifySettings, verify_settings
from sclient.base.structs import field, struct
from sclient.tls.registry.protocol import SSL3, TLS1_0, TLS1_1, TLS1_2, TLS1_3

if TYPE_CHECKING:
    from sclient.app.credentials import CredentialError, Loaded
    from sclient.app.sslconfig import Section
    from sclient.cli.optionsclass import Options
    from sclient.report.errors import ErrorEntry
    from sclient.tls.conf import CipherSelection
    from sclient.tls.config import ClientConfig, ClientCredential, ExtendedCredential, ExternalPsk
    from sclient.tls.session import Session
    from sclient.x509.dane import Dane
    from sclient.x509.store import TrustStore

DEFAULT_PORT = "4433"


# --------------------------------------------------------------------- target


def is_dns_name(host: str) -> bool:
    """``is_dNS_name`` of apps/s_client.c: at least two labels, not all numeric."""
    max_label = 63
    isdns = False
    label = 0
    all_numeric = True
    n = len(host)
    i = 0
    while i < n and label < max_label:
        c = host[i]
        if ("a" <= c <= "z") or ("A" <= c <= "Z") or c == "_":
            label += 1
            all_numeric = False
            i += 1
            continue
        if "0" <= c <= "9":
            label += 1
            i += 1
            continue
        if 0 < i < n - 1:
            if c == "-":
                label += 1
                i += 1
                continue
            if c == "." and host[i + 1] != "." and host[i - 1] != "-" and host[i + 1] != "-":
                label = 0
                isdns = True
                i += 1
                continue
        isdns = False
        break
    return isdns and not all_numeric and label != max_label


@struct
class Target:
    host: str | None  # None = loopback; the socket path with -unix
    port: str | None
    unix: str | None = None
    proxy_host: str | None = None
    proxy_port: str | None = None
    bind_host: str | None = None
    bind_port: str | None = None
    family: int = socket.AF_UNSPEC

    @property
    def proxied(self) -> bool:
        return self.proxy_host is not None or self.proxy_port is not None


def resolve_target(o: Options) -> Target:
    """Where to connect (options.md §2), from the parser's resolved fields."""
    family = socket.AF_UNSPEC
    if o.ipv4:
        family = socket.AF_INET
    elif o.ipv6:
        family = socket.AF_INET6
    unix = o.unix
    t = Target(
        host=None if unix is not None else o.host,
        port=o.port,
        unix=unix,
        family=family,
    )
    if o.proxy is not None:
        t.proxy_host, t.proxy_port = o.proxy_host, o.proxy_port
    if o.bind is not None:
        t.bind_host, t.bind_port = o.bind_host, o.bind_port
    return t


def server_name(o: Options, t: Target) -> str | None:
    """The SNI to send (options.md §2)."""
    if o.noservername:
        return None
    if o.servername is not None:
        return o.servername
    if o.dane_tlsa_domain is not None:
        return o.dane_tlsa_domain
    if t.proxied:
        return t.host
    if t.unix is not None:
        return None  # s_client has no host name to send over a UNIX socket
    if t.host is None:
        return "localhost"
    return t.host if is_dns_name(t.host) else None


# ------------------------------------------------------------------- versions

_ORDER = (TLS1_3, TLS1_2, TLS1_1, TLS1_0, SSL3)
_DTLS_RANGES = {"-dtls": (TLS1_1, TLS1_2), "-dtls1": (TLS1_1, TLS1_1), "-dtls1_2": (TLS1_2, TLS1_2)}


def _dtls_wire(version: int) -> int:
    """The DTLS version built on a TLS version (what the report names)."""
    from sclient.tls.dtls.records import wire_version

    return wire_version(version)


def _protocol_value(option: str, value: str) -> int | None:
    from sclient.tls import conf

    return conf.protocol_version(option, value)


#: The TLS version each DTLS version is built on (how the range is kept).
_DTLS_BASE = {"DTLSv1": TLS1_1, "DTLSv1.2": TLS1_2}


def _bound_of_kind(o: Options, option: str, dtls: bool) -> str | None:
    """The last ``option`` value of the command line's SSL_CONF options that a
    method of that kind takes (``ssl_set_version_bound``: "None", or a
    version of its own kind; another kind's version leaves the bound as it
    was); None when there is none."""
    found = None
    for name, value in o.ssl_conf:
        if (
            name == option
            and value is not None
            and (value == "None" or value.startswith("DTLS") == dtls)
        ):
            found = value
    return found


def version_range(o: Options) -> tuple[int, int] | None:
    """(min, max) the ClientHello offers, by ``ssl_get_min_max_version``'s
    hole rule; None when nothing is left ("no protocols available"). DTLS:
    the TLS versions DTLS 1.0 and 1.2 are built on."""
    if o.protocol_flag in _DTLS_RANGES:
        lo, hi = _DTLS_RANGES[o.protocol_flag]
        if o.protocol_flag != "-dtls":
            # -dtls1 and -dtls1_2 set both bounds after SSL_CONF's: theirs stand
            return lo, hi
        # -dtls: SSL_CONF's bounds; "None" lifts one; a TLS name is no bound
        # of a DTLS method.
        mn, mx = _bound_of_kind(o, "-min_protocol", True), _bound_of_kind(o, "-max_protocol", True)
        if mn is not None:
            lo = _DTLS_BASE.get(mn, TLS1_1)
        if mx is not None:
            hi = _DTLS_BASE.get(mx, TLS1_2)
        return (lo, hi) if lo <= hi else None
    lo = hi = 0
    mn, mx = o.min_protocol, o.max_protocol
    if mn is not None and mn.startswith("DTLS"):  # no bound of a TLS method
        mn = _bound_of_kind(o, "-min_protocol", False)
    if mx is not None and mx.startswith("DTLS"):
        mx = _bound_of_kind(o, "-max_protocol", False)
    if mn is not None:
        lo = _protocol_value("min_protocol", mn) or 0
    if mx is not None:
        hi = _protocol_value("max_protocol", mx) or 0
    # -ssl3, -tls1 ... -tls1_3
    only = {TLS1_3: o.tls1_3, TLS1_2: o.tls1_2, TLS1_1: o.tls1_1, TLS1_0: o.tls1, SSL3: o.ssl3}
    for v in _ORDER:
        if only[v]:
            lo = hi = v
    no = {
        TLS1_3: o.no_tls1_3,
        TLS1_2: o.no_tls1_2,
        TLS1_1: o.no_tls1_1,
        TLS1_0: o.no_tls1,
        SSL3: o.no_ssl3,
    }
    disabled = {v for v in _ORDER if no[v]}
    if not o.ssl3:
        # OpenSSL 3.0.19 is built without SSL 3.0: sclient speaks it only when
        # -ssl3 asks for it (as a 1.1.1 build with SSL 3.0 did).
        disabled.add(SSL3)
    version = 0
    low = 0
    hole = True
    for v in _ORDER:
        enabled = v not in disabled and (lo == 0 or v >= lo) and (hi == 0 or v <= hi)
        if not enabled:
            hole = True
        elif not hole:
            low = v
        else:
            version = low = v
            hole = False
    if version == 0:
        return None
    return low, version


# ------------------------------------------------------------------- settings


@struct
class Settings:
    """What the program decided before connecting."""

    target: Target
    sni: str | None
    min_version: int
    max_version: int
    #: The engine's configuration, complete but for ``verify_certificates`` (the
    #: driver's verifier) and, on a -reconnect, ``resume``: the driver sets them
    #: with ``structs.replace`` for each connection.
    config: ClientConfig
    #: How the server's chain is verified.
    verify: VerifySettings
    no_protocols: bool = False
    keylog: IO[bytes] | None = None
    #: ``-msgfile``, opened for writing: where ``-msg`` (and ``-trace``) print
    #: instead of stdout.
    msgfile: IO[str] | None = None
    proxy_password: str | None = None
    #: The store the server's chain is verified with (and the -CRL).
    trust_store: TrustStore | None = None
    dane: Dane | None = None  # with -dane_tlsa_domain
    #: ``-xcert`` set number -> the error entries printed when installing it fails.
    install_errors: dict[int, list[ErrorEntry]] = field(default_factory=dict)
    #: ``-ct``: the CT log store (``sclient.x509.ct.LogStore``); None without -ct.
    ct_logs: Any = None
    #: What a ``-propquery`` that does not parse leaves queued by the handshake.
    query_errors: list[ErrorEntry] = field(default_factory=list)

    def our_sigalgs(self) -> tuple[int, ...]:
        """The signature schemes we accept from the server's CertificateRequest."""
        cfg = self.config
        if cfg.client_signature_schemes is not None:
            return cfg.client_signature_schemes
        return cfg.signature_schemes


def _conf_error(console: Console, exc: Exception) -> Exit:
    from sclient.report.errors import thread_id

    lines = getattr(exc, "lines", None) or [str(exc)]
    tid = thread_id()
    console.err("".join(line.replace("{tid}", tid) + "\n" for line in lines))
    return Exit(1)


def _credential_error(console: Console, exc: CredentialError) -> Exit:
    """A file the credentials come from failed: its text, exit 1."""
    console.err(exc.render())
    return Exit(1)


# --------------------------------------------------------- SSL_CONF lists


def _send_fragment(o: Options) -> int:
    """The plaintext size OpenSSL writes records of: the split send fragment,
    which -max_send_frag lowers to itself and -split_send_frag sets (at most the
    max send fragment): ssl3_write_bytes fills each record up to it, pipelining
    or not."""
    if o.split_send_frag is not None:
        return o.split_send_frag
    return o.max_send_frag if o.max_send_frag is not None else _MAX_PLAIN_LENGTH


def cleared(config: ClientConfig) -> ClientConfig:
    """-reconnect: s_client goes on with the same SSL (``SSL_clear``), whose
    read buffer stays: the next handshake sets up only its write buffer (one
    compression check fewer for ``-security_debug``)."""
    from sclient.base import structs
    from sclient.tls.secdebug import SecurityInputs

    sec = config.security_checks
    if not isinstance(sec, SecurityInputs) or sec.read_buffer:
        return config
    return structs.replace(config, security_checks=structs.replace(sec, read_buffer=True))


def _compression_on(o: Options) -> bool:
    """SSL_OP_NO_COMPRESSION, set by default: ``-comp`` clears it and
    ``-no_comp`` sets it again, the last one given deciding."""
    on = False
    for k, _ in o.ssl_conf:
        name = k.lstrip("-")
        if name in ("comp", "no_comp"):
            on = name == "comp"
    return on


def _ssl_conf(o: Options) -> list[tuple[str, str]]:
    """SSL_CONF list options in command-line order (as the parser recorded them)."""
    return [(k.lstrip("-"), str(v)) for k, v in o.ssl_conf]


@struct
class ListOptions:
    """The SSL_CONF list options as given (the last of each kind)."""

    #: ``-cipher``: the string and what it selects.
    cipher: tuple[str, CipherSelection] | None = None
    ciphersuites: tuple[int, ...] | None = None
    #: ``-groups`` / ``-curves``.
    groups: tuple[int, ...] | None = None
    #: The ``*``-marked groups of an OpenSSL 3.5 group list (key shares).
    key_shares: tuple[int, ...] | None = None
    sigalgs: tuple[int, ...] | None = None
    client_sigalgs: tuple[int, ...] | None = None
    #: ``-record_padding``: the block size (0: none).
    record_padding: int = 0


def _parse_lists(lists: list[tuple[str, str]]) -> ListOptions:
    """Evaluate the SSL_CONF list options in command-line order (the first bad
    one fails, as ``SSL_CONF_cmd`` does); later ones of a kind replace earlier."""
    given = ListOptions()
    if not lists:
        return given
    from sclient.tls import conf

    for name, value in lists:
        if name == "cipher":
            given.cipher = (value, conf.cipher_selection(value))
        elif name == "ciphersuites":
            given.ciphersuites = conf.ciphersuites(value)
        elif name in ("curves", "groups"):
            selection = conf.group_selection(value, option="-" + name)
            given.groups, given.key_shares = selection.groups, selection.key_shares
        elif name == "sigalgs":
            given.sigalgs = conf.sigalg_list(value)
        elif name == "client_sigalgs":
            given.client_sigalgs = conf.sigalg_list(value, option="-client_sigalgs")
        elif name == "record_padding":
            given.record_padding = conf.record_padding(value)
        elif name in ("min_protocol", "max_protocol"):
            conf.protocol_version("-" + name, value)  # checked in turn (version_range)
        elif name == "debug_broken_protocol" or name in _SERVER_COMMANDS:
            # s_client 3.0 passes them on, but SSL_CONF has no such command any
            # more, or has it for a server only
            from sclient.tls.conf_error import ConfError

            raise ConfError("-" + name, value if name == "named_curve" else "<NULL>")
    return given


#: SSL_CONF's server-only commands that s_client's table still offers.
_SERVER_COMMANDS = frozenset(
    ("serverpref", "prioritize_chacha", "no_resumption_on_reneg", "client_renegotiation",
     "named_curve")
)  # fmt: skip


#: Smallest DHE prime accepted per security level (``ssl_security_default_callback``).
_DH_BITS = {0: 512, 1: 1024, 2: 2048, 3: 3072, 4: 7680, 5: 15360}


#: The lowest protocol version the security level leaves (``SSL_SECOP_VERSION``).
_SECLEVEL_MIN_VERSION = {2: TLS1_0, 3: TLS1_1, 4: TLS1_2, 5: TLS1_2}


@struct
class Offered:
    """What the ClientHello offers from the list options."""

    tls13_suites: tuple[int, ...]
    tls12_suites: tuple[int, ...]
    groups: tuple[int, ...]
    signature_schemes: tuple[int, ...]
    #: The security level (``@SECLEVEL=n``, else the build's default).
    security_level: int
    min_dh_bits: int
    #: The groups the first ClientHello sends key shares for (None: the first).
    key_shares: tuple[int, ...] | None = None


def _offered_lists(
    given: ListOptions, lo: int, hi: int, psk: bool = False, srp: bool = False
) -> Offered:
    """What the ClientHello carries from the list options, filtered as OpenSSL
    filters them (security level from ``@SECLEVEL=n``, protocol range, the
    authentications the signature algorithms can serve); OpenSSL's defaults
    for those not given."""
    from sclient.tls.config import DEFAULT_TLS12_SUITES, DEFAULT_TLS13_SUITES
    from sclient.tls.registry.groups import DEFAULT_GROUPS
    from sclient.tls.registry.sigschemes import DEFAULT_SCHEMES

    seclevel = DEFAULT_AUTH_LEVEL
    out = Offered(
        tls13_suites=DEFAULT_TLS13_SUITES,
        tls12_suites=DEFAULT_TLS12_SUITES,
        groups=DEFAULT_GROUPS,
        signature_schemes=DEFAULT_SCHEMES,
        security_level=seclevel,
        min_dh_bits=_DH_BITS[seclevel],
    )
    cipher = given.cipher
    sigalgs = given.sigalgs
    lists = (cipher, sigalgs, given.ciphersuites, given.groups)
    if not psk and not srp and all(x is None for x in lists):
        return out  # nothing to evaluate: OpenSSL's defaults
    from sclient.tls import conf

    if cipher is not None:
        seclevel = cipher[1].seclevel
        out.min_dh_bits = _DH_BITS.get(seclevel, 2048)
        out.security_level = seclevel
    if cipher is not None or sigalgs is not None or psk or srp:
        spec = cipher[0] if cipher is not None else "DEFAULT"
        out.tls12_suites = conf.cipher_list(
            spec,
            seclevel=seclevel,
            psk=psk,
            srp=srp,
            min_version=lo,
            max_version=hi,
            sigalgs=sigalgs,
        )
    # The security level filters OpenSSL's default lists as well as given ones
    # (``@SECLEVEL=5`` leaves only SHA-512 schemes and P-521).
    if sigalgs is not None or cipher is not None:
        out.signature_schemes = conf.offered_sigalgs(sigalgs, seclevel=seclevel, min_version=lo)
    if given.ciphersuites is not None or cipher is not None:
        out.tls13_suites = conf.offered_ciphersuites(
            given.ciphersuites if given.ciphersuites is not None else DEFAULT_TLS13_SUITES,
            seclevel=seclevel,
            min_version=lo,
            max_version=hi,
        )
    if given.groups is not None or cipher is not None:
        out.groups = conf.offered_groups(
            given.groups if given.groups is not None else DEFAULT_GROUPS,
            seclevel=seclevel,
            min_version=lo,
            max_version=hi,
        )
    if given.key_shares is not None:
        from sclient.tls.policy import group_ok_for_tls13

        # Those that survive the filters and can serve TLS 1.3 (else the first group's).
        usable = tuple(g for g in given.key_shares if g in out.groups and group_ok_for_tls13(g))
        out.key_shares = usable or None
    return out


def _security_inputs(o: Options, given: ListOptions, offered: Offered, lo: int, hi: int) -> object:
    """-security_debug: the lists OpenSSL's security checks are made on, as
    configured (before the security level filters them)."""
    from sclient.tls import conf
    from sclient.tls import conf_ciph as ciph
    from sclient.tls.config import DEFAULT_TLS13_SUITES
    from sclient.tls.registry.groups import DEFAULT_GROUPS
    from sclient.tls.secdebug import SecurityInputs

    spec = given.cipher[0] if given.cipher is not None else "DEFAULT"
    proto_min = 0
    if o.min_protocol is not None:
        proto_min = _protocol_value("min_protocol", o.min_protocol) or 0
    only = {TLS1_3: o.tls1_3, TLS1_2: o.tls1_2, TLS1_1: o.tls1_1, TLS1_0: o.tls1, SSL3: o.ssl3}
    for v in _ORDER:
        if only.get(v):
            proto_min = v
    return SecurityInputs(
        level=offered.security_level,
        proto_min=proto_min,
        min_version=lo,
        max_version=hi,
        tls13_suites=given.ciphersuites if given.ciphersuites is not None else DEFAULT_TLS13_SUITES,
        tls12_suites=ciph.select(spec, seclevel=offered.security_level).suites,
        groups=given.groups if given.groups is not None else DEFAULT_GROUPS,
        sigalgs=given.sigalgs if given.sigalgs is not None else conf.DEFAULT_SIGALGS,
        psk=o.psk is not None,
        srp=o.srpuser is not None,
        tickets=not o.no_ticket,
        compression=_compression_on(o),
    )


# ------------------------------------------------------------ versions


def _versions(rng: tuple[int, int] | None, given: ListOptions) -> tuple[int, int, bool]:
    """(min, max, no protocols at all): the range left by the version options,
    raised to what ``@SECLEVEL=n`` allows; a range the security level leaves
    empty has no protocols either (tls_setup_handshake: "no protocols
    available")."""
    no_protocols = rng is None
    lo, hi = rng if rng is not None else (TLS1_3, TLS1_3)
    if not no_protocols:
        # The security callback refuses SSL 3.0 from level 2, TLS 1.0 from
        # level 3, TLS 1.1 from level 4.
        level = given.cipher[1].seclevel if given.cipher is not None else DEFAULT_AUTH_LEVEL
        lo = max(lo, _SECLEVEL_MIN_VERSION.get(level, lo))
        no_protocols = lo > hi
    if no_protocols:
        lo, hi = TLS1_3, TLS1_3
    return lo, hi, no_protocols


# ------------------------------------------------------------ PSK, session


def _psks(o: Options, console: Console) -> tuple[ExternalPsk | None, ExternalPsk | None]:
    """(the TLS 1.3 external PSK, the TLS <= 1.2 PSK): ``-psk``/``-psk_identity``,
    and ``-psk_session``, whose key, suite and hash replace ``-psk``'s for TLS 1.3."""
    from sclient.tls.config import ExternalPsk

    psk: ExternalPsk | None = None
    psk_tls12: ExternalPsk | None = None
    identity = os.fsencode(o.psk_identity if o.psk_identity is not None else "Client_identity")
    psk_hex = o.psk
    if psk_hex is not None:
        # OPENSSL_hexstr2buf fails on an odd or empty string; the callbacks take
        # at most 512 bytes (PSK_MAX_PSK_LEN, and an SSL_SESSION's master key).
        usable = 0 < len(psk_hex) <= 1024 and len(psk_hex) % 2 == 0
        key = bytes.fromhex(psk_hex) if usable else b""
        psk = psk_tls12 = ExternalPsk(identity, key, unusable=not usable)
    if o.psk_session is not None:
        from sclient.app import credentials as cred

        try:
            ps = cred.load_psk_session(o.psk_session)
        except cred.CredentialError as exc:
            raise _credential_error(console, exc) from None
        from sclient.tls.registry import suites as suite_table

        row = suite_table.BY_CODE.get(ps.cipher_suite)
        psk = ExternalPsk(
            identity,
            ps.master_key,
            row.prf_hash if row is not None else "sha256",
            ps.cipher_suite,
            ps.max_early_data,
        )
    return psk, psk_tls12


def _resume_session(o: Options, console: Console) -> Session | None:
    """The ``-sess_in`` session the first ClientHello offers."""
    if o.sess_in is None:
        return None
    from sclient.app.credentials import CredentialError
    from sclient.app.sessions import load_session
    from sclient.transport import clock

    try:
        return load_session(o.sess_in, int(clock.wall()))
    except CredentialError as exc:
        raise _credential_error(console, exc) from None


# ------------------------------------------------------- ALPN, CA names


def _alpn(o: Options, console: Console) -> tuple[bytes, ...]:
    if o.alpn is None:
        return ()
    from sclient.tls.conf import parse_protocol_list

    protos = parse_protocol_list(o.alpn)
    if protos is None:
        console.err("Error parsing -alpn argument\n")
        raise Exit(1)
    return tuple(protos)


def _grease(o: Options, console: Console) -> frozenset[str]:
    """``-grease`` (every field) and ``-grease_fields`` (the fields listed)."""
    from sclient.tls import grease

    if o.grease_fields is not None:
        fields = grease.parse_fields(o.grease_fields)
        if fields is None:
            console.err("Error parsing -grease_fields argument\n")
            raise Exit(1)
        return fields
    return grease.ALL_FIELDS if o.grease else frozenset()


def _next_protocols(o: Options) -> tuple[bytes, ...] | None:
    """``-nextprotoneg`` (checked by the parser): our protocols, in order."""
    if o.nextprotoneg is None:
        return None
    from sclient.tls.conf import parse_protocol_list

    return tuple(parse_protocol_list(o.nextprotoneg) or ())


#: ``SSL_extension_supported``'s types (3.0): OpenSSL refuses a custom extension
#: of these, except signed_certificate_timestamp (18).
_BUILT_IN_EXTENSIONS = frozenset(
    (0, 1, 5, 10, 11, 12, 13, 14, 16, 21, 22, 23, 35, 41, 42, 43, 44, 45, 47, 49, 51, 13172, 65281)
)
#: s_client's MAX_SI_TYPES.
_MAX_SERVERINFO_TYPES = 100


def _c_atoi(text: str) -> int:
    """``atoi``: leading blanks, a sign, digits; 0 when none; as a C int."""
    import re

    m = re.match(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", text)
    if m is None:
        return 0
    value = max(min(int(m.group(1)), 2**63 - 1), -(2**63))  # strtol's clamp
    return (value & 0xFFFFFFFF) - ((value & 0x80000000) << 1)


def _serverinfo_types(o: Options, console: Console) -> tuple[int, ...]:
    """``-serverinfo``: comma-separated numbers (``atoi``, no errors) kept as
    unsigned shorts, at most 100; ``SSL_CTX_add_client_custom_ext`` refuses
    built-in types and repeats with a warning."""
    types: list[int] = []
    count = 0
    for value in o.serverinfo:
        for item in value.split(","):
            if count == _MAX_SERVERINFO_TYPES:
                break
            count += 1
            t = _c_atoi(item) & 0xFFFF
            if t in _BUILT_IN_EXTENSIONS or t in types:
                console.err(f"Warning: Unable to add custom extension {t}, skipping\n")
                continue
            types.append(t)
    return tuple(types)


def _srtp_profiles(o: Options, console: Console) -> tuple[int, ...]:
    """``-use_srtp``: ``SSL_CTX_set_tlsext_use_srtp``'s profile list."""
    from sclient.report.errors import ErrorEntry, thread_id
    from sclient.tls.registry.srtp import UNKNOWN_PROFILE, SrtpListError, parse_profiles

    assert o.use_srtp is not None
    try:
        return parse_profiles(o.use_srtp)
    except SrtpListError as exc:
        unknown = exc.reason == UNKNOWN_PROFILE
        entry = ErrorEntry(
            0x0A00016C if unknown else 0x0A000161,
            "SSL routines",
            "ssl_ctx_make_profiles",
            exc.reason,
            "../ssl/d1_srtp.c",
            89 if unknown else 80,
        )
        console.err("Error setting SRTP profile\n" + entry.line_text(thread_id()) + "\n")
        raise Exit(1) from None


def _request_ca_names(o: Options, console: Console) -> tuple[bytes, ...]:
    """``-requestCAfile``: the names the certificate_authorities extension carries."""
    if o.requestCAfile is None:
        return ()
    from sclient.app import credentials as cred

    try:
        return cred.load_ca_names(o.requestCAfile)
    except cred.CredentialError as exc:
        raise _credential_error(console, exc) from None


# ---------------------------------------------------------- trust stores


def _ct_enabled(o: Options) -> bool:
    """s_client's ct_validation: the last of -ct / -noct."""
    return next((n == "-ct" for n in reversed(o.given) if n in ("-ct", "-noct")), False)


def _ct_log_store(o: Options, serverinfo_types: tuple[int, ...], console: Console) -> Any:
    """``-ct``: ``SSL_CTX_enable_ct`` (refused when ``-serverinfo`` already
    registered a handler for type 18), then ``ctx_set_ctlog_list_file`` (the
    ``-ctlogfile``, else the default file); a store that does not load
    prints the error queue, exit 1."""
    from sclient.report.errors import ErrorEntry, thread_id
    from sclient.x509.ct import LogStoreError, default_log_file, load_log_store

    if 18 in serverinfo_types:
        entry = ErrorEntry(
            0x0A0000CE,
            "SSL routines",
            "SSL_CTX_set_ct_validation_callback",
            "custom ext handler already installed",
            "../ssl/ssl_lib.c",
            5171,
        )
        console.err(entry.line_text(thread_id()) + "\n")
        raise Exit(1)
    try:
        return load_log_store(o.ctlogfile if o.ctlogfile is not None else default_log_file())
    except LogStoreError as exc:
        tid = thread_id()
        console.err("".join(e.line_text(tid) + "\n" for e in exc.errors))
        raise Exit(1) from None


#: ``-targets``: the stores already loaded in this process, by the options that
#: name them (:func:`shared_trust_stores`); None: each run loads its own.
_STORES: dict[tuple[object, ...], tuple[TrustStore, TrustStore | None, TrustStore]] | None = None


def shared_trust_stores() -> None:
    """From now on, runs whose options name the same stores share them (loaded
    once): the fleet of ``-targets`` verifies every target with one store."""
    global _STORES
    if _STORES is None:
        _STORES = {}


def load_trust_stores(
    o: Options, console: Console, section: Section | None = None
) -> tuple[TrustStore, TrustStore | None, TrustStore]:
    """:func:`_load_trust_stores`, or the stores loaded for the same options
    (:func:`shared_trust_stores`)."""
    own = section is not None and (section.verify_store or section.chain_store) is not None
    if _STORES is None or own or o.CRL is not None:  # -CRL is added to the store
        return _load_trust_stores(o, console, section)
    key = (
        o.verifyCAfile, o.verifyCApath, o.verifyCAstore, o.chainCAfile, o.chainCApath,
        o.chainCAstore, o.CAfile, o.CApath, o.no_CAfile, o.no_CApath, o.CAstore, o.no_CAstore,
    )  # fmt: skip
    stores = _STORES.get(key)
    if stores is None:
        stores = _STORES[key] = _load_trust_stores(o, console, section)
    return stores


def _load_trust_stores(
    o: Options, console: Console, section: Section | None = None
) -> tuple[TrustStore, TrustStore | None, TrustStore]:
    """(the store the server chain is verified with, the chain store, the CA store).

    The first is ``-verifyCAfile``/``-verifyCApath``/``-verifyCAstore`` when any is
    given, else ``-CAfile``/``-CApath``/``-CAstore``/defaults (``-no-CAfile``,
    ``-no-CApath``, ``-no-CAstore``). The chain store (``-chainCAfile``,
    ``-chainCApath``, ``-chainCAstore``; ``None`` without them) is what the client
    certificate's chain is built from (``-build_chain``, or automatically when
    no ``-cert_chain`` is given), else the CA store (``SSL_CTX``'s own store:
    ``-CAfile`` and the defaults, never the ``-verifyCA*`` one). As s_client, the
    verify and chain stores (``ssl_load_stores``) are loaded first, then the main
    one; a load error prints OpenSSL's error queue (after ``Error loading store
    locations`` for the verify/chain stores) and exits 1."""
    from sclient.report.errors import thread_id
    from sclient.x509.store import StoreLoadError, TrustStore

    def fail(exc: StoreLoadError, header: str = "") -> Exit:
        tid = thread_id()
        console.err(header + "".join(e.line_text(tid) + "\n" for e in exc.errors))
        return Exit(1)

    verify_store: TrustStore | None = None
    chain_store: TrustStore | None = None
    try:
        for f, p, s, prefix in (
            (o.verifyCAfile, o.verifyCApath, o.verifyCAstore, "verify"),
            (o.chainCAfile, o.chainCApath, o.chainCAstore, "chain"),
        ):
            if f is None and p is None and s is None:
                continue
            store = TrustStore()
            if f is not None:
                store.add_file(f)
            if p is not None:
                store.add_dir(p)
            if s is not None:
                store.add_store(s)
            if prefix == "verify":
                verify_store = store
            else:
                chain_store = store
    except StoreLoadError as exc:
        raise fail(exc, "Error loading store locations\n") from None
    if section is not None:  # -ssl_config's stores, unless the command line replaced them
        if verify_store is None:
            verify_store = section.verify_store
        if chain_store is None:
            chain_store = section.chain_store
    try:
        main = TrustStore.load(
            cafile=o.CAfile,
            capath=o.CApath,
            no_cafile=o.no_CAfile,
            no_capath=o.no_CApath,
            castore=o.CAstore,
            no_castore=o.no_CAstore,
        )
    except StoreLoadError as exc:
        raise fail(exc) from None
    return (verify_store if verify_store is not None else main), chain_store, main


# ----------------------------------------------------------- credentials


def _credentials(
    o: Options,
    loaded: Loaded | None,
    build_store: TrustStore,
    console: Console,
    section: Section | None = None,
) -> tuple[ClientCredential, ...]:
    """``-cert``/``-key`` with its chain: ``-cert_chain``, or built from the
    chain store (``-build_chain``, or automatically without ``-cert_chain``).
    Without ``-cert``, the ``-ssl_config`` section's certificate, whose file's
    other certificates are its chain."""
    has_chain = o.cert_chain is not None
    if (loaded is None or loaded.cert_der is None) and section is not None and section.credential:
        from sclient.app.credentials import Loaded

        key, cert_der, chain = section.credential
        loaded = Loaded(key, cert_der, chain or ())
        has_chain = chain is not None
    if loaded is None or loaded.cert_der is None:
        return ()
    from sclient.app import credentials as cred
    from sclient.base import structs

    try:
        credential = cred.make_credential(loaded)
        chain_file = loaded.chain if has_chain else None
        if o.build_chain:
            chain = cred.build_chain(loaded.cert_der, build_store, chain_file)
            facts = cred.chain_facts(chain[0], chain[1:])
            credential = structs.replace(credential, chain=chain, facts=facts)
        elif chain_file is None:
            chain = cred.auto_chain(loaded.cert_der, build_store)
            facts = cred.chain_facts(chain[0], ())
            credential = structs.replace(credential, chain=chain, facts=facts)
    except cred.CredentialError as exc:
        raise _credential_error(console, exc) from None
    return (credential,)


def _extended_credentials(
    o: Options, extended: list[Loaded], build_store: TrustStore
) -> tuple[tuple[ExtendedCredential, ...], dict[int, list[ErrorEntry]]]:
    """The ``-xcert`` sets in command-line order, and per set number the error
    entries printed when installing it fails."""
    if not extended:
        return (), {}
    from sclient.app import credentials as cred

    sets = []
    install_errors: dict[int, list[ErrorEntry]] = {}
    in_order = list(reversed(o.excerts))  # the parser keeps them newest first
    for index, (loaded_x, exc_x) in enumerate(zip(extended, in_order, strict=True), 1):
        xc, failure = cred.extended_credential(loaded_x, exc_x.build_chain, build_store)
        sets.append(xc)
        install_errors[index] = failure
    return tuple(sets), install_errors


# ---------------------------------------------------------------- keylog


def _open_keylog(o: Options, console: Console) -> IO[bytes] | None:
    """``-keylogfile``, opened for appending (owner-only when created), with
    OpenSSL's header line when it is empty."""
    path = o.keylogfile
    if path is None:
        return None
    try:
        keylog = open_secret_file(path, append=True)
        if keylog.seekable() and keylog.tell() == 0:
            keylog.write(b"# SSL/TLS secrets log file, generated by OpenSSL\n")
            keylog.flush()
    except OSError:
        console.err(f"Error writing keylog file {path}\n")
        raise Exit(1) from None
    return keylog


# ---------------------------------------------------------------- msgfile


def _open_msgfile(o: Options, console: Console) -> IO[str] | None:
    """``-msgfile``: created or truncated at once, as s_client opens it
    while it reads its options."""
    path = o.msgfile
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8", errors="surrogateescape")
    except OSError:
        console.err(f"Error writing file {path}\n")
        raise Exit(1) from None


# ------------------------------------------------------------- the whole


#: ``-maxfraglen`` -> the max_fragment_length code.
_MFL_CODES = {512: 1, 1024: 2, 2048: 3, 4096: 4}

#: The largest record plaintext (``SSL3_RT_MAX_PLAIN_LENGTH``): the send
#: fragment size without ``-max_send_frag``.
_MAX_PLAIN_LENGTH = 16384


def build_settings(o: Options, console: Console) -> Settings:
    """Everything up to (not including) the connect, in OpenSSL's order."""
    from sclient.app.sslconfig import load_config

    # OPENSSL_init_ssl's configuration, with its system_default section
    ssl_config = load_config(o, console)
    msgfile = _open_msgfile(o, console)
    target = resolve_target(o)
    library = o.provider or o.propquery is not None or o.engine or o.ssl_client_engine
    if library:
        from sclient.app import providers

        providers.check_engine_key(o, console)
        providers.check_store_loaders(o, console)
    crl = None
    if o.CRL is not None:  # -CRL: loaded before the SSL_CTX is made
        from sclient.app.crl import load_crl_option

        crl = load_crl_option(o, console)

    loaded = None
    extended: list[Loaded] = []
    if o.cert is not None or o.key is not None or o.excerts:
        from sclient.app import credentials as cred

        try:
            loaded = cred.load_files(o.cert, o.key, o.key_password, o.cert_chain)
            extended = cred.load_extended(list(o.excerts))
        except cred.CredentialError as exc:
            raise _credential_error(console, exc) from None
    if library:
        providers.check_ctx(o, console)  # SSL_CTX_new_ex

    srp_password = None
    if o.srppass is not None or o.srpuser is not None:
        from sclient.app.srp import srp_password_source

        srp_password = srp_password_source(o, console)

    from sclient.tls.conf_error import ConfError

    try:
        given = _parse_lists(_ssl_conf(o))
        rng = version_range(o)
    except ConfError as exc:
        raise _conf_error(console, exc) from None
    from sclient.app.sslconfig import Section

    section = Section(extended_master_secret=ssl_config.extended_master_secret)
    if o.ssl_config is not None:  # SSL_CTX_config, after the command line's SSL_CONF
        from sclient.app.sslconfig import apply_ssl_config

        section = apply_ssl_config(o, ssl_config, console)
        given = _parse_lists(_ssl_conf(o))
        rng = version_range(o)
    if library:
        providers.client_engine_error(o, console)
    lo, hi, no_protocols = _versions(rng, given)
    offered = _offered_lists(given, lo, hi, o.psk is not None, o.srpuser is not None)
    psk, psk_tls12 = _psks(o, console)
    srtp_profiles = _srtp_profiles(o, console) if o.use_srtp is not None else ()
    alpn = _alpn(o, console)
    serverinfo_types = _serverinfo_types(o, console) if o.serverinfo else ()
    ca_names = _request_ca_names(o, console)
    if o.requestCAfile is None and section.ca_names is not None:
        ca_names = section.ca_names  # -requestCAfile would replace the section's list
    ct_logs = _ct_log_store(o, serverinfo_types, console) if _ct_enabled(o) else None

    store, chain_store, ca_store = load_trust_stores(o, console, section)
    build_store = chain_store if chain_store is not None else ca_store
    if crl is not None:
        store.add_crl(crl)
    credentials = _credentials(o, loaded, build_store, console, section)
    extended_credentials, install_errors = _extended_credentials(o, extended, build_store)

    srp = None
    if o.srpuser is not None:  # after the SNI callback, before DANE (s_client's order)
        from sclient.app.srp import srp_login

        srp = srp_login(o, console, srp_password)

    keylog = _open_keylog(o, console)
    resume = _resume_session(o, console)
    sni = server_name(o, target)
    # s_client sets the name itself unless DANE's set-up does it (load_dane)
    own_sni = o.servername is not None or o.dane_tlsa_domain is None
    if sni is not None and own_sni and not valid_server_name(sni):
        from sclient.app.dane import refuse_server_name

        raise refuse_server_name(console)
    dane = None
    if o.dane_tlsa_domain is not None or o.dane_tlsa_rrdata:
        from sclient.app.dane import load_dane

        dane = load_dane(o, console)
    if o.expected_rpk:
        from sclient.app.rpk import add_expected_rpks

        dane = add_expected_rpks(o, console, dane)

    from sclient.tls.config import ClientConfig
    from sclient.transport import clock

    ech = None
    if not no_protocols and (
        o.ech_config_list is not None
        or o.ech_grease
        or o.ech_outer_sni is not None
        or o.ech_no_outer_sni
        or o.ech_outer_alpn is not None
        or o.ech_retry
    ):
        from sclient.app.ech import ech_settings

        ech = ech_settings(o, hi, console)
        if ech is not None and ech.config_list is not None:
            lo = max(lo, TLS1_3)  # both ClientHellos offer TLS 1.3 only
    cert_comp = _cert_compression(o)
    config = ClientConfig(
        random=clock.random_bytes,
        now=clock.wall,
        # An empty range: the engine reports "no protocols available" itself.
        min_version=TLS1_3 if no_protocols else lo,
        max_version=TLS1_2 if no_protocols else hi,
        tls13_suites=offered.tls13_suites,
        tls12_suites=offered.tls12_suites,
        groups=offered.groups,
        key_share_groups=offered.key_shares,
        signature_schemes=offered.signature_schemes,
        client_signature_schemes=given.client_sigalgs,
        security_level=offered.security_level,
        min_dh_bits=offered.min_dh_bits,
        server_name=sni,
        alpn=alpn,
        srtp_profiles=srtp_profiles,
        heartbeat=o.heartbeat,
        next_protocols=_next_protocols(o),
        serverinfo_types=serverinfo_types,
        # SSL_SECOP_TICKET: no tickets from security level 3
        session_ticket=not o.no_ticket and offered.security_level < 3,
        middlebox_compat=not o.no_middlebox,
        encrypt_then_mac=not o.no_etm,
        extended_master_secret=section.extended_master_secret,
        # final_renegotiate: either option lets a server without renegotiation_info in.
        legacy_server_connect=(o.legacy_server_connect and not o.no_legacy_server_connect)
        or o.legacy_renegotiation,
        no_renegotiation=o.no_renegotiation,
        # ssl_allow_compression: SSL_SECOP_COMPRESSION is refused from level 2.
        compression=_compression_on(o) and offered.security_level < 2,
        strict=o.strict,
        tls_padding=o.bugs,
        dont_insert_empty_fragments=o.bugs,
        fallback_scsv=o.fallback_scsv,
        allow_no_dhe_kex=o.allow_no_dhe_kex,
        max_fragment_length=_MFL_CODES.get(o.maxfraglen) if o.maxfraglen is not None else None,
        max_send_fragment=_send_fragment(o),
        record_padding=given.record_padding,
        certificate_authorities=ca_names,
        post_handshake_auth=o.enable_pha,
        server_cert_types=(2, 0) if o.enable_server_rpk else (),
        client_cert_types=(2, 0) if o.enable_client_rpk else (),
        cert_comp_rx=cert_comp[0],
        cert_comp_tx=cert_comp[1],
        extension_events=o.tlsextdebug,
        status_request=o.status,
        sct_request=ct_logs is not None,
        security_checks=_security_inputs(o, given, offered, lo, hi)
        if o.security_debug or o.security_debug_verbose
        else None,
        credentials=credentials,
        extended_credentials=extended_credentials,
        psk=psk,
        psk_tls12=psk_tls12,
        srp=srp,
        resume=resume,
        dtls=o.protocol_flag in _DTLS_RANGES,
        ech=ech,
        grease=_grease(o, console),
    )
    return Settings(
        query_errors=providers.query_errors(o) if library else [],
        install_errors=install_errors,
        dane=dane,
        target=target,
        sni=sni,
        min_version=_dtls_wire(lo) if o.protocol_flag in _DTLS_RANGES else lo,
        max_version=_dtls_wire(hi) if o.protocol_flag in _DTLS_RANGES else hi,
        no_protocols=no_protocols,
        config=config,
        verify=verify_settings(o),
        keylog=keylog,
        msgfile=msgfile,
        proxy_password=o.proxy_password,
        trust_store=store,
        ct_logs=ct_logs,
    )


def _cert_compression(o: Options) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """RFC 8879, OpenSSL 3.2+'s way: ``-cert_comp`` (sclient's) or either of
    3.2's ``-no_rx_cert_comp`` / ``-no_tx_cert_comp`` asks for what OpenSSL
    3.2+ built with the codecs does (compress_certificate offered, the client
    certificate compressed on request), less the direction a ``-no_*``
    turns off: the algorithms to receive and to send with. Without any of
    them, OpenSSL 3.0's ClientHello."""
    if not (o.cert_comp or o.no_rx_cert_comp or o.no_tx_cert_comp):
        return (), ()
    from sclient.tls.certcomp import available

    algorithms = available()
    return (
        () if o.no_rx_cert_comp else algorithms,
        () if o.no_tx_cert_comp else algorithms,
    )
