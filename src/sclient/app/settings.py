"""From :class:`Options` to the engine's :class:`ClientConfig` and the program's
own settings: target and SNI (options.md §2), protocol versions, ALPN, the
SSL_CONF lists, the key-log file.

Errors a user can cause end in :class:`Exit` after their stderr lines were
written, with the status OpenSSL gives.
"""

from __future__ import annotations

import os
import socket
from typing import IO, Any

from sclient.app.common import Exit, opt
from sclient.app.console import Console
from sclient.app.secretfile import open_secret_file
from sclient.base.structs import field, struct
from sclient.tls.registry.protocol import SSL3, TLS1_0, TLS1_1, TLS1_2, TLS1_3

DEFAULT_PORT = "4433"

#: What "before any version is known" prints as (``TLS_ANY_VERSION``).
ANY_VERSION = 0x10000


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


def resolve_target(o: Any) -> Target:
    """Where to connect (options.md §2), from the parser's resolved fields."""
    family = socket.AF_UNSPEC
    if opt(o, "ipv4", False):
        family = socket.AF_INET
    elif opt(o, "ipv6", False):
        family = socket.AF_INET6
    unix = opt(o, "unix")
    t = Target(
        host=None if unix is not None else opt(o, "host"),
        port=opt(o, "port"),
        unix=unix,
        family=family,
    )
    if t.port is not None:
        t.port = str(t.port)
    if opt(o, "proxy") is not None:
        t.proxy_host, t.proxy_port = opt(o, "proxy_host"), opt(o, "proxy_port")
    if opt(o, "bind") is not None:
        t.bind_host, t.bind_port = opt(o, "bind_host"), opt(o, "bind_port")
    return t


def server_name(o: Any, t: Target) -> str | None:
    """The SNI to send (options.md §2)."""
    if opt(o, "noservername", False):
        return None
    name = opt(o, "servername")
    if name is not None:
        return str(name)
    dane = opt(o, "dane_tlsa_domain")
    if dane is not None:
        return str(dane)
    if t.proxied:
        return t.host
    if t.unix is not None:
        return None  # s_client has no host name to send over a UNIX socket
    if t.host is None:
        return "localhost"
    return t.host if is_dns_name(t.host) else None


# ------------------------------------------------------------------- versions

_ORDER = (TLS1_3, TLS1_2, TLS1_1, TLS1_0, SSL3)
_FLAG = {TLS1_3: "tls1_3", TLS1_2: "tls1_2", TLS1_1: "tls1_1", TLS1_0: "tls1", SSL3: "ssl3"}


def _protocol_value(option: str, value: str) -> int | None:
    from sclient.tls import conf

    return conf.protocol_version(option, value)


def version_range(o: Any) -> tuple[int, int] | None:
    """(min, max) the ClientHello offers, by ``ssl_get_min_max_version``'s
    hole rule; None when nothing is left ("no protocols available")."""
    lo = hi = 0
    mn, mx = opt(o, "min_protocol"), opt(o, "max_protocol")
    if mn is not None:
        lo = _protocol_value("min_protocol", mn) or 0
    if mx is not None:
        hi = _protocol_value("max_protocol", mx) or 0
    for v in _ORDER:
        if opt(o, _FLAG[v], False):
            lo = hi = v
    disabled = {v for v in _ORDER if opt(o, "no_" + _FLAG[v], False)}
    disabled.add(SSL3)  # not built into OpenSSL 3.0's default provider set
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
    no_protocols: bool = False
    config_kwargs: dict[str, Any] = field(default_factory=dict)
    keylog: IO[bytes] | None = None
    proxy_password: str | None = None
    trust_store: Any = None
    dane: Any = None  # sclient.x509.dane.Dane with -dane_tlsa_domain
    #: The -cert/-key files as loaded (before the key is matched to the certificate).
    credential_files: Any = None
    #: ``-xcert`` set number -> the error entries printed when installing it fails.
    install_errors: dict[int, list[Any]] = field(default_factory=dict)


def _conf_error(console: Console, exc: Exception) -> Exit:
    from sclient.report.errors import thread_id

    lines = getattr(exc, "lines", None) or [str(exc)]
    tid = thread_id()
    console.err("".join(line.replace("{tid}", tid) + "\n" for line in lines))
    return Exit(1)


_LIST_OPTIONS = ("cipher", "ciphersuites", "curves", "groups", "sigalgs", "client_sigalgs")


def _ssl_conf(o: Any) -> list[tuple[str, str]]:
    """SSL_CONF list options in command-line order (as the parser recorded them)."""
    recorded = getattr(o, "ssl_conf", None)
    if recorded:
        return [(str(k).lstrip("-"), str(v)) for k, v in recorded]
    out = []
    for name in _LIST_OPTIONS:
        value = getattr(o, name, None)
        if value is not None:
            out.append((name, str(value)))
    return out


def _parse_lists(lists: list[tuple[str, str]]) -> dict[str, Any]:
    """Evaluate the SSL_CONF list options in command-line order (the first bad
    one fails, as ``SSL_CONF_cmd`` does); later ones of a kind replace earlier."""
    if not lists:
        return {}
    from sclient.tls import conf

    given: dict[str, Any] = {}
    for name, value in lists:
        if name == "cipher":
            given["cipher"] = (value, conf.cipher_selection(value))
        elif name == "ciphersuites":
            given["ciphersuites"] = conf.ciphersuites(value)
        elif name in ("curves", "groups"):
            given["groups"] = conf.group_list(value, option="-" + name)
        elif name == "sigalgs":
            given["sigalgs"] = conf.sigalg_list(value)
        elif name == "client_sigalgs":
            given["client_sigalgs"] = conf.sigalg_list(value, option="-client_sigalgs")
    return given


#: Smallest DHE prime accepted per security level (``ssl_security_default_callback``).
_DH_BITS = {0: 512, 1: 1024, 2: 2048, 3: 3072, 4: 7680, 5: 15360}


#: The lowest protocol version the security level leaves (``SSL_SECOP_VERSION``).
_SECLEVEL_MIN_VERSION = {3: TLS1_1, 4: TLS1_2, 5: TLS1_2}


def _offered_lists(given: dict[str, Any], lo: int, hi: int, psk: bool = False) -> dict[str, Any]:
    """What the ClientHello carries from the list options, filtered as OpenSSL
    filters them (security level from ``@SECLEVEL=n``, protocol range, the
    authentications the signature algorithms can serve)."""
    from sclient.tls import conf
    from sclient.tls.config import DEFAULT_TLS13_SUITES
    from sclient.tls.registry.groups import DEFAULT_GROUPS

    out: dict[str, Any] = {}
    seclevel = 2
    if "cipher" in given:
        seclevel = given["cipher"][1].seclevel
        out["min_dh_bits"] = _DH_BITS.get(seclevel, 2048)
        out["security_level"] = seclevel
        if seclevel >= 3:
            out["session_ticket"] = False  # SSL_SECOP_TICKET: no tickets from level 3
    sigalgs = given.get("sigalgs")
    if "cipher" in given or sigalgs is not None or psk:
        spec = given["cipher"][0] if "cipher" in given else "DEFAULT"
        out["tls12_suites"] = conf.cipher_list(
            spec, seclevel=seclevel, psk=psk, min_version=lo, max_version=hi, sigalgs=sigalgs
        )
    # The security level filters OpenSSL's default lists as well as given ones
    # (``@SECLEVEL=5`` leaves only SHA-512 schemes and P-521).
    if sigalgs is not None or "cipher" in given:
        out["signature_schemes"] = conf.offered_sigalgs(sigalgs, seclevel=seclevel, min_version=lo)
    if "ciphersuites" in given or "cipher" in given:
        out["tls13_suites"] = conf.offered_ciphersuites(
            given.get("ciphersuites", DEFAULT_TLS13_SUITES),
            seclevel=seclevel,
            min_version=lo,
            max_version=hi,
        )
    if "groups" in given or "cipher" in given:
        out["groups"] = conf.offered_groups(
            given.get("groups", DEFAULT_GROUPS),
            seclevel=seclevel,
            min_version=lo,
            max_version=hi,
        )
    return out


def load_trust_stores(o: Any, console: Console) -> tuple[Any, Any, Any]:
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

    verify_store = chain_store = None
    try:
        for prefix in ("verify", "chain"):
            f, p, s = (opt(o, f"{prefix}CA{k}") for k in ("file", "path", "store"))
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
    try:
        main = TrustStore.load(
            cafile=opt(o, "CAfile"),
            capath=opt(o, "CApath"),
            no_cafile=bool(opt(o, "no_CAfile", False)),
            no_capath=bool(opt(o, "no_CApath", False)),
            castore=opt(o, "CAstore"),
            no_castore=bool(opt(o, "no_CAstore", False)),
        )
    except StoreLoadError as exc:
        raise fail(exc) from None
    return (verify_store if verify_store is not None else main), chain_store, main


def _excerts_in_order(o: Any) -> list[Any]:
    return list(reversed(opt(o, "excerts", None) or []))


def build_settings(o: Any, console: Console) -> Settings:
    """Everything up to (not including) the connect, in OpenSSL's order."""
    target = resolve_target(o)
    proxy_password = opt(o, "proxy_password")
    from sclient.app.crl import load_crl_option

    crl = load_crl_option(o, console)  # -CRL: loaded before the SSL_CTX is made

    kwargs: dict[str, Any] = {}
    from sclient.app import credentials as cred

    try:
        loaded = cred.load_files(
            opt(o, "cert"),
            opt(o, "key"),
            opt(o, "key_password"),
            opt(o, "cert_chain"),
        )
    except cred.CredentialError as exc:
        console.err(exc.render())
        raise Exit(1) from None
    try:
        extended = cred.load_extended(list(opt(o, "excerts", None) or []))
    except cred.CredentialError as exc:
        console.err(exc.render())
        raise Exit(1) from None

    lists = _ssl_conf(o)
    from sclient.tls.conf_error import ConfError

    try:
        given = _parse_lists(lists)
        rng = version_range(o)
    except ConfError as exc:
        raise _conf_error(console, exc) from None
    no_protocols = rng is None
    lo, hi = rng if rng is not None else (TLS1_3, TLS1_3)
    if not no_protocols and hi < TLS1_2:
        console.err("s_client: TLS 1.0 and 1.1 are not supported yet by sclient\n")
        raise Exit(1)
    if "cipher" in given and not no_protocols:
        # The security callback refuses TLS 1.0 from level 3, TLS 1.1 from level 4.
        lo = max(lo, _SECLEVEL_MIN_VERSION.get(given["cipher"][1].seclevel, lo))
    psk_hex = opt(o, "psk")
    if given or psk_hex is not None:
        kwargs.update(_offered_lists(given, lo, hi, psk_hex is not None))
    from sclient.tls.config import ExternalPsk

    identity = os.fsencode(opt(o, "psk_identity", "Client_identity"))
    if psk_hex is not None:
        # OPENSSL_hexstr2buf fails on an odd or empty string; the callbacks take
        # at most 512 bytes (PSK_MAX_PSK_LEN, and an SSL_SESSION's master key).
        usable = 0 < len(psk_hex) <= 1024 and len(psk_hex) % 2 == 0
        key = bytes.fromhex(psk_hex) if usable else b""
        kwargs["psk"] = kwargs["psk_tls12"] = ExternalPsk(identity, key, unusable=not usable)
    psk_session = opt(o, "psk_session")
    if psk_session is not None:
        try:
            ps = cred.load_psk_session(str(psk_session))
        except cred.CredentialError as exc:
            console.err(exc.render())
            raise Exit(1) from None
        from sclient.tls.registry import suites as suite_table

        row = suite_table.BY_CODE.get(ps.cipher_suite)
        kwargs["psk"] = ExternalPsk(
            identity,
            ps.master_key,
            row.prf_hash if row is not None else "sha256",
            ps.cipher_suite,
            ps.max_early_data,
        )
    kwargs["min_version"], kwargs["max_version"] = lo, hi
    if no_protocols:
        # An empty range: the engine reports "no protocols available" itself.
        kwargs["min_version"], kwargs["max_version"] = TLS1_3, TLS1_2

    if opt(o, "no_ticket", False):
        kwargs["session_ticket"] = False
    if opt(o, "no_middlebox", False):
        kwargs["middlebox_compat"] = False
    if opt(o, "no_etm", False):
        kwargs["encrypt_then_mac"] = False
    if opt(o, "legacy_server_connect", False):
        kwargs["legacy_server_connect"] = True
    if opt(o, "no_legacy_server_connect", False):
        kwargs["legacy_server_connect"] = False
    mfl = opt(o, "maxfraglen")
    if mfl is not None:
        kwargs["max_fragment_length"] = {512: 1, 1024: 2, 2048: 3, 4096: 4}.get(int(mfl))
    msf = opt(o, "max_send_frag")
    if msf is not None:
        kwargs["max_send_fragment"] = int(msf)
    pad = opt(o, "record_padding")
    if pad is not None:
        kwargs["record_padding"] = int(pad)
    if opt(o, "fallback_scsv", False):
        kwargs["fallback_scsv"] = True

    alpn = opt(o, "alpn")
    if alpn is not None:
        from sclient.tls.conf import parse_protocol_list

        protos = parse_protocol_list(str(alpn))
        if protos is None:
            console.err("Error parsing -alpn argument\n")
            raise Exit(1)
        kwargs["alpn"] = tuple(protos)

    try:
        request_ca = opt(o, "requestCAfile")
        if request_ca is not None:
            kwargs["certificate_authorities"] = cred.load_ca_names(str(request_ca))
    except cred.CredentialError as exc:
        console.err(exc.render())
        raise Exit(1) from None
    if opt(o, "enable_pha", False):
        kwargs["post_handshake_auth"] = True
    if "client_sigalgs" in given:
        kwargs["client_signature_schemes"] = given["client_sigalgs"]

    store, chain_store, ca_store = load_trust_stores(o, console)
    build_store = chain_store if chain_store is not None else ca_store
    if crl is not None and store is not None:
        store.add_crl(crl)
    if loaded is not None and loaded.cert_der is not None:
        try:
            from sclient.base import structs

            credential = cred.make_credential(loaded)
            chain_file = loaded.chain if opt(o, "cert_chain") is not None else None
            if opt(o, "build_chain", False):
                chain = cred.build_chain(loaded.cert_der, build_store, chain_file)
                credential = structs.replace(credential, chain=chain)
            elif chain_file is None:
                chain = cred.auto_chain(loaded.cert_der, build_store)
                credential = structs.replace(credential, chain=chain)
        except cred.CredentialError as exc:
            console.err(exc.render())
            raise Exit(1) from None
        kwargs["credentials"] = (credential,)
    install_errors: dict[int, list[Any]] = {}
    if extended:
        sets = []
        for index, (loaded_x, exc_x) in enumerate(
            zip(extended, _excerts_in_order(o), strict=True), 1
        ):
            xc, failure = cred.extended_credential(loaded_x, exc_x.build_chain, build_store)
            sets.append(xc)
            install_errors[index] = failure
        kwargs["extended_credentials"] = tuple(sets)

    keylog = None
    path = opt(o, "keylogfile")
    if path is not None:
        try:
            keylog = open_secret_file(path, append=True)
            if keylog.seekable() and keylog.tell() == 0:
                keylog.write(b"# SSL/TLS secrets log file, generated by OpenSSL\n")
                keylog.flush()
        except OSError:
            console.err(f"Error writing keylog file {path}\n")
            raise Exit(1) from None

    sess_in = opt(o, "sess_in")
    if sess_in is not None:
        from sclient.app.sessions import load_session
        from sclient.transport import clock

        try:
            kwargs["resume"] = load_session(str(sess_in), int(clock.wall()))
        except cred.CredentialError as exc:
            console.err(exc.render())
            raise Exit(1) from None

    sni = server_name(o, target)
    kwargs["server_name"] = sni
    from sclient.app.dane import load_dane

    dane = load_dane(o, console)
    return Settings(
        install_errors=install_errors,
        dane=dane,
        target=target,
        sni=sni,
        min_version=lo,
        max_version=hi,
        no_protocols=no_protocols,
        config_kwargs=kwargs,
        keylog=keylog,
        proxy_password=proxy_password,
        trust_store=store,
    )
