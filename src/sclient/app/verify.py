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
from typing import TYPE_CHECKING, Any

from sclient.app.console import Console
from sclient.app.verifysettings import cipher_suiteb_flags, verify_params
from sclient.base import structs
from sclient.base.structs import field, struct

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options


def verify_error_string(code: int) -> str:
    """``X509_verify_cert_error_string`` (3.0.19 wording)."""
    from sclient.x509.errors import error_string

    return error_string(code)


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

    def __call__(self, chain: Sequence[bytes]) -> int | None:
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

            return alerts.BAD_CERTIFICATE
        done = outcome(result, callback)
        self.console.err(done.text)
        self.code = done.verify_result
        self.peername = result.peername
        self.dane_line = result.dane.authority_line if result.dane is not None else None
        self.results = [DepthResult(c.depth, c.error, c.ok) for c in result.calls]
        if getattr(o, "verify_peer", False) and not done.ok:
            self.aborted = True
            return alert_for(done.verify_result)
        return None


def make_verifier(
    options: Options,
    console: Console,
    before: Callable[[], None],
    store: Any,
    now: Callable[[], float],
) -> Verifier:
    return Verifier(options, console, before, store, now)
