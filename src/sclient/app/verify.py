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
from sclient.tls.structs import field, struct

#: OpenSSL 3.0's default security level on Debian (OPENSSL_TLS_SECURITY_LEVEL=2).
DEFAULT_AUTH_LEVEL = 2


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
    peername: str | None = None  # "Verified peername:"
    dane_line: str | None = None  # "DANE TLSA … at depth N"

    def __call__(self, chain: Sequence[bytes]) -> int | None:
        from sclient.report.certs import nameopt_flags
        from sclient.x509.callback import CallbackOptions, SClientVerifyCallback, outcome
        from sclient.x509.cert import CertificateError
        from sclient.x509.errors import alert_for
        from sclient.x509.verify import VerifyParams, verify_chain

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
        try:
            params = None
            if self.dane is not None:
                hosts = (self.dane.domain,) if self.dane.domain else ()
                params = VerifyParams(auth_level=DEFAULT_AUTH_LEVEL, hosts=hosts, dane=self.dane)
            result = verify_chain(
                chain,
                self.store,
                now=self.now(),
                auth_level=DEFAULT_AUTH_LEVEL,
                params=params,
                callback=callback,
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
            return alert_for(done.verify_result)
        return None


def make_verifier(
    options: Any, console: Console, before: Callable[[], None], store: Any, now: Callable[[], float]
) -> Verifier:
    return Verifier(options, console, before, store, now)
