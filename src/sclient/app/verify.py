"""The engine's ``verify_certificates`` callback: runs the X.509 verifier on the
chain as sent and prints s_client's per-depth callback lines on stderr at the
moment the certificate arrives (output.md §4, verify.md §1, §4).

In OpenSSL's default mode (``SSL_VERIFY_NONE``) the callback lines are printed
and the result recorded, but the handshake goes on whatever it says; with
``-verify N`` or ``-verify_return_error`` (``SSL_VERIFY_PEER``) a failed
verification aborts the handshake with the alert OpenSSL sends for the error.
The per-depth results are kept for ``-json``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sclient.app.console import Console
from sclient.base import structs
from sclient.base.structs import field, struct
from sclient.tls.config import Verdict
from sclient.x509.verify import VerifyParams

#: OpenSSL 3.0's default security level on Debian (OPENSSL_TLS_SECURITY_LEVEL=2).
DEFAULT_AUTH_LEVEL = 2


def verify_error_string(code: int) -> str:
    """``X509_verify_cert_error_string`` (3.0.19 wording)."""
    from sclient.x509.errors import error_string

    return error_string(code)


#: ``-verify_name`` tables (``x509_vpm.c default_table``): purpose, trust, depth
#: (None: the table leaves that field alone).
_VERIFY_NAMES: dict[str, tuple[str | None, str | None, int | None]] = {
    "default": (None, None, 100),
    "pkcs7": ("smimesign", "email", None),
    "smime_sign": ("smimesign", "email", None),
    "ssl_client": ("sslclient", "sslclient", None),
    "ssl_server": ("sslserver", "sslserver", None),
}


def _after(o: Any, first: str, then: str) -> bool:
    """``then`` was given (last) after the last ``first`` on the command line."""
    given = list(getattr(o, "given", None) or ())
    if then not in given:
        return False
    if first not in given:
        return True
    return len(given) - given[::-1].index(then) > len(given) - given[::-1].index(first)


#: -suiteB_* -> X509_V_FLAG_SUITEB_128_LOS_ONLY / _128_LOS / _192_LOS
_SUITEB_FLAGS = (("suiteB_128_only", 0x10000), ("suiteB_128", 0x30000), ("suiteB_192", 0x20000))


def cipher_suiteb_flags(cipher: str | None) -> int:
    """The Suite B mode a ``SUITEB128``/``SUITEB128ONLY``/``SUITEB128C2``/``SUITEB192``
    cipher string switches on (``tls1_suiteb``), as verification flags: the TLS
    handshake verifies the server's chain with them on top of the -suiteB_* ones."""
    if cipher is None:
        return 0
    from sclient.tls import conf

    try:
        mode = conf.cipher_selection(cipher).suiteb
    except conf.ConfError:
        return 0
    return {conf.SUITEB_128_ONLY: 0x10000, conf.SUITEB_128: 0x30000, conf.SUITEB_192: 0x20000}.get(
        mode or "", 0
    )


def _security_level(cipher: str | None) -> int:
    """The SSL security level, which is the default ``-auth_level``: OpenSSL's
    default, or what an ``@SECLEVEL=n`` in ``-cipher`` sets."""
    if cipher is None or "@SECLEVEL" not in cipher:
        return DEFAULT_AUTH_LEVEL
    from sclient.tls import conf

    try:
        return conf.cipher_selection(cipher).seclevel
    except conf.ConfError:  # reported (and fatal) where the ClientHello is built
        return DEFAULT_AUTH_LEVEL


def verify_params(o: Any) -> VerifyParams:
    """The X509_VERIFY_PARAM s_client verifies the server with (verify.md §1, §5):
    the ``ssl_server`` defaults, then the ``-attime … -x509_strict`` options.

    ``-verify_name`` overwrites what its table sets (purpose/trust, or depth for
    ``default``) of the options given before it, as ``X509_VERIFY_PARAM_set1``.
    A negative ``-verify_depth``/``-auth_level`` is ignored.
    """
    from sclient.x509.identity import parse_ip

    def get(name: str, default: Any = None) -> Any:
        value = getattr(o, name, None)
        return default if value is None else value

    purpose: str | None = "sslserver"
    trust = "sslserver"
    depth = 100
    auth_level = _security_level(get("cipher"))
    name = get("verify_name")
    table = _VERIFY_NAMES.get(name) if name is not None else None
    if table is not None:
        purpose, trust = table[0] or purpose, table[1] or trust
        depth = table[2] if table[2] is not None else depth
    if get("purpose") is not None and (
        table is None or table[0] is None or _after(o, "-verify_name", "-purpose")
    ):
        purpose = get("purpose")
    vd = get("verify_depth")
    if (
        vd is not None
        and vd >= 0
        and (table is None or table[2] is None or _after(o, "-verify_name", "-verify_depth"))
    ):
        depth = vd
    al = get("auth_level")
    if al is not None and al >= 0:
        auth_level = al
    host = get("verify_hostname")
    ip = get("verify_ip")
    policies: tuple[str, ...] = ()
    if get("policy", ()):
        from sclient.x509.policy import txt2oid

        policies = tuple(p for p in map(txt2oid, get("policy", ())) if p)
    policy_flags = [bool(get(a, False)) for a in ("explicit_policy", "inhibit_any", "inhibit_map")]
    suiteb = 0  # X509_VERIFY_PARAM_set_flags ORs the levels together
    for opt, flag in _SUITEB_FLAGS:
        if get(opt, False):
            suiteb |= flag
    return VerifyParams(
        purpose=purpose,
        trust=trust,
        depth=depth,
        auth_level=auth_level,
        check_time=get("attime"),
        no_check_time=bool(get("no_check_time", False)),
        partial_chain=bool(get("partial_chain", False)),
        check_ss_sig=bool(get("check_ss_sig", False)),
        ignore_critical=bool(get("ignore_critical", False)),
        x509_strict=bool(get("x509_strict", False)),
        allow_proxy_certs=bool(get("allow_proxy_certs", False)),
        hosts=(host,) if host else (),
        email=get("verify_email"),
        ip=parse_ip(ip) if ip is not None else None,
        # revocation
        crl_check=bool(get("crl_check", False)),
        crl_check_all=bool(get("crl_check_all", False)),
        use_deltas=bool(get("use_deltas", False)),
        extended_crl=bool(get("extended_crl", False)),
        # policies: any policy flag turns checking on; so does -policy
        policy_check=bool(get("policy_check", False)) or any(policy_flags) or bool(policies),
        explicit_policy=policy_flags[0],
        inhibit_any=policy_flags[1],
        inhibit_map=policy_flags[2],
        notify_policy=bool(get("policy_print", False)),
        policies=policies,
        suiteb=suiteb,
    )


@struct
class DepthResult:
    depth: int
    error: int
    ok: bool


@struct
class Verifier:
    """Callable handed to the engine as ``ClientConfig.verify_certificates``."""

    options: Any
    console: Console
    before: Callable[[], None]
    store: Any  # sclient.x509.store.TrustStore from -CAfile/-CApath/defaults
    now: Callable[[], float]
    code: int = 0
    results: list[DepthResult] = field(default_factory=list)
    called: bool = False
    dane: Any = None  # sclient.x509.dane.Dane (-dane_tlsa_domain)
    peername: str | None = None  # SSL_get0_peername(): "Verified peername:"
    dane_line: str | None = None  # "DANE TLSA … at depth N"
    #: The failure ended the handshake (``-verify_return_error``, ``-verify N``):
    #: OpenSSL then never stores the result in the session.
    aborted: bool = False

    def __call__(self, chain: Sequence[bytes]) -> Verdict:
        from sclient.report.certs import nameopt_flags
        from sclient.x509.callback import CallbackOptions, SClientVerifyCallback, outcome
        from sclient.x509.cert import CertificateError
        from sclient.x509.errors import alert_for
        from sclient.x509.verify import verify_chain

        self.before()
        self.called = True
        o = self.options
        callback = SClientVerifyCallback(
            CallbackOptions(
                verify_depth=getattr(o, "verify", None),
                return_error=bool(getattr(o, "verify_return_error", False)),
                quiet=bool(getattr(o, "effective_verify_quiet", False)),
                nameopt=nameopt_flags(getattr(o, "nameopt", None)),
            )
        )
        params = verify_params(o)
        tls_suiteb = cipher_suiteb_flags(getattr(o, "cipher", None))
        if tls_suiteb:
            # ssl_verify_cert_chain: X509_STORE_CTX_set_flags(ctx, tls1_suiteb(s))
            params = structs.replace(params, suiteb=params.suiteb | tls_suiteb)
        lookup = None
        if params.crl_check or params.crl_check_all:
            from sclient.app.crl import crl_lookup

            lookup = crl_lookup(
                self.store, bool(getattr(o, "crl_download", False)), callback.out.append
            )
        if self.dane is not None:
            # SSL_dane_enable: the TLSA base domain replaces the -verify_hostname names
            hosts = (self.dane.domain,) if self.dane.domain else ()
            params = structs.replace(params, hosts=hosts, dane=self.dane)
        try:
            result = verify_chain(
                chain,
                self.store,
                now=self.now(),
                params=params,
                callback=callback,
                crl_lookup=lookup,
            )
        except CertificateError:
            # OpenSSL refuses to decode the certificate: a bad_certificate alert.
            from sclient.tls.registry import alerts

            return Verdict(alert=alerts.BAD_CERTIFICATE)
        done = outcome(result, callback)
        self.console.err(done.text)
        self.code = done.verify_result
        self.peername = result.peername
        self.dane_line = result.dane.authority_line if result.dane is not None else None
        self.results = [DepthResult(c.depth, c.error, c.ok) for c in result.calls]
        if getattr(o, "verify_peer", False) and not done.ok:
            self.aborted = True
            return Verdict(alert=alert_for(done.verify_result), detail=result)
        return Verdict(detail=result)


def make_verifier(
    options: Any, console: Console, before: Callable[[], None], store: Any, now: Callable[[], float]
) -> Verifier:
    return Verifier(options, console, before, store, now)
