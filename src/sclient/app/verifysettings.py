"""How the server's chain is to be verified, decided from the command line
before connecting: the X509_VERIFY_PARAM (``-attime … -x509_strict``,
``-verify_name``, ``-auth_level`` and the cipher string's security level and
Suite B mode), s_client's verify callback options (``-verify``,
``-verify_return_error``, ``-verify_quiet``, ``-nameopt``), whether a failure
ends the handshake, and ``-crl_download`` (verify.md §1, §5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.base import structs
from sclient.base.structs import struct
from sclient.x509.callback import CallbackOptions
from sclient.x509.verify import VerifyParams

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options

__all__ = [
    "DEFAULT_AUTH_LEVEL",
    "VerifySettings",
    "callback_options",
    "cipher_suiteb_flags",
    "verify_params",
    "verify_settings",
]

#: OpenSSL 3.0's default security level on Debian (OPENSSL_TLS_SECURITY_LEVEL=2).
DEFAULT_AUTH_LEVEL = 2


#: ``-verify_name`` tables (``x509_vpm.c default_table``): purpose, trust, depth
#: (None: the table leaves that field alone).
_VERIFY_NAMES: dict[str, tuple[str | None, str | None, int | None]] = {
    "default": (None, None, 100),
    "pkcs7": ("smimesign", "email", None),
    "smime_sign": ("smimesign", "email", None),
    "ssl_client": ("sslclient", "sslclient", None),
    "ssl_server": ("sslserver", "sslserver", None),
}


def _after(o: Options, first: str, then: str) -> bool:
    """``then`` was given (last) after the last ``first`` on the command line."""
    given = o.given
    if then not in given:
        return False
    if first not in given:
        return True
    return len(given) - given[::-1].index(then) > len(given) - given[::-1].index(first)


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
    if not mode:
        return 0
    from sclient.x509 import suiteb  # only with Suite B: it loads the certificate layer

    return {
        conf.SUITEB_128_ONLY: suiteb.LOS_128_ONLY,
        conf.SUITEB_128: suiteb.LOS_128,
        conf.SUITEB_192: suiteb.LOS_192,
    }.get(mode, 0)


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


def _suiteb_option_flags(o: Options) -> int:
    """-suiteB_* -> X509_V_FLAG_SUITEB_128_LOS_ONLY / _128_LOS / _192_LOS;
    X509_VERIFY_PARAM_set_flags ORs the levels together."""
    if not (o.suiteB_128_only or o.suiteB_128 or o.suiteB_192):
        return 0
    from sclient.x509 import suiteb  # only with Suite B: it loads the certificate layer

    flags = 0
    if o.suiteB_128_only:
        flags |= suiteb.LOS_128_ONLY
    if o.suiteB_128:
        flags |= suiteb.LOS_128
    if o.suiteB_192:
        flags |= suiteb.LOS_192
    return flags


def verify_params(o: Options) -> VerifyParams:
    """The X509_VERIFY_PARAM s_client verifies the server with (verify.md §1, §5):
    the ``ssl_server`` defaults, then the ``-attime … -x509_strict`` options.

    ``-verify_name`` overwrites what its table sets (purpose/trust, or depth for
    ``default``) of the options given before it, as ``X509_VERIFY_PARAM_set1``.
    A negative ``-verify_depth``/``-auth_level`` is ignored.
    """
    purpose: str | None = "sslserver"
    trust = "sslserver"
    depth = 100
    auth_level = _security_level(o.cipher)
    name = o.verify_name
    table = _VERIFY_NAMES.get(name) if name is not None else None
    if table is not None:
        purpose, trust = table[0] or purpose, table[1] or trust
        depth = table[2] if table[2] is not None else depth
    if o.purpose is not None and (
        table is None or table[0] is None or _after(o, "-verify_name", "-purpose")
    ):
        purpose = o.purpose
    vd = o.verify_depth
    if (
        vd is not None
        and vd >= 0
        and (table is None or table[2] is None or _after(o, "-verify_name", "-verify_depth"))
    ):
        depth = vd
    al = o.auth_level
    if al is not None and al >= 0:
        auth_level = al
    host = o.verify_hostname
    ip = o.verify_ip
    policies: tuple[str, ...] = ()
    if o.policy:
        from sclient.x509.policy import txt2oid

        policies = tuple(p for p in map(txt2oid, o.policy) if p)
    explicit_policy, inhibit_any, inhibit_map = o.explicit_policy, o.inhibit_any, o.inhibit_map
    return VerifyParams(
        purpose=purpose,
        trust=trust,
        depth=depth,
        auth_level=auth_level,
        check_time=o.attime,
        no_check_time=o.no_check_time,
        partial_chain=o.partial_chain,
        check_ss_sig=o.check_ss_sig,
        ignore_critical=o.ignore_critical,
        x509_strict=o.x509_strict,
        allow_proxy_certs=o.allow_proxy_certs,
        hosts=(host,) if host else (),
        email=o.verify_email,
        ip=_parse_ip(ip) if ip is not None else None,
        # revocation
        crl_check=o.crl_check,
        crl_check_all=o.crl_check_all,
        use_deltas=o.use_deltas,
        extended_crl=o.extended_crl,
        # policies: any policy flag turns checking on; so does -policy
        policy_check=(
            o.policy_check or explicit_policy or inhibit_any or inhibit_map or bool(policies)
        ),
        explicit_policy=explicit_policy,
        inhibit_any=inhibit_any,
        inhibit_map=inhibit_map,
        notify_policy=o.policy_print,
        policies=policies,
        suiteb=_suiteb_option_flags(o),
    )


def callback_options(o: Options) -> CallbackOptions:
    """s_client's ``verify_args``: what its verify callback prints and returns."""
    from sclient.report.certs import nameopt_flags

    return CallbackOptions(
        verify_depth=o.verify,
        return_error=o.verify_return_error,
        quiet=o.effective_verify_quiet,
        nameopt=nameopt_flags(o.nameopt),
    )


@struct(frozen=True)
class VerifySettings:
    """How the server's chain is verified (``Settings.verify``)."""

    #: The X509_VERIFY_PARAM, with the cipher string's Suite B flags ORed in as
    #: ``ssl_verify_cert_chain`` does (``X509_STORE_CTX_set_flags(ctx, tls1_suiteb(s))``).
    params: VerifyParams
    #: What the per-depth callback prints and whether it stops at an error.
    callback: CallbackOptions
    #: SSL_VERIFY_PEER (``-verify``, ``-verify_return_error``): a failure ends the handshake.
    verify_peer: bool
    #: ``-crl_download``: CRLs come from the certificates' distribution points.
    crl_download: bool


def verify_settings(o: Options) -> VerifySettings:
    params = verify_params(o)
    tls_suiteb = cipher_suiteb_flags(o.cipher)
    if tls_suiteb:
        params = structs.replace(params, suiteb=params.suiteb | tls_suiteb)
    return VerifySettings(
        params=params,
        callback=callback_options(o),
        verify_peer=o.verify_peer,
        crl_download=o.crl_download,
    )


def _parse_ip(text: str) -> bytes | None:
    from sclient.x509.identity import parse_ip

    return parse_ip(text)
