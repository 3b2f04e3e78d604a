"""The engine's ``verify_certificates`` callback: runs the X.509 verifier on the
chain as sent and returns a :class:`~sclient.tls.config.Verdict` whose detail is
the :class:`~sclient.x509.verdict.ChainVerdict` (output.md §4, verify.md §1, §4).
It prints nothing: the engine emits ``CertificateVerified`` at the moment
OpenSSL's callback runs and the renderers print the ``depth=`` lines there.

In OpenSSL's default mode (``SSL_VERIFY_NONE``) the result is recorded but the
handshake goes on whatever it says; with ``-verify N`` or
``-verify_return_error`` (``SSL_VERIFY_PEER``) a failed verification aborts the
handshake with the alert OpenSSL sends for the error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sclient.base import structs
from sclient.tls.config import Verdict
from sclient.x509.callback import CallbackOptions
from sclient.x509.verify import VerifyParams


class Verifier:
    """The engine's ``verify_certificates``: verifies the chain as sent with
    s_client's callback and returns the verdict (it prints nothing: the
    renderers print the callback's lines from the ``CertificateVerified``
    event). With ``SSL_VERIFY_PEER`` (``-verify N``, ``-verify_return_error``)
    a failure asks the engine for the alert OpenSSL sends."""

    def __init__(
        self,
        params: VerifyParams,
        callback: CallbackOptions,
        store: Any,
        now: Callable[[], float],
        *,
        verify_peer: bool = False,
        crl_download: bool = False,
        dane: Any = None,
    ) -> None:
        self.params = params
        self.callback = callback
        self.store = store  # sclient.x509.store.TrustStore from -CAfile/-CApath/defaults
        self.now = now
        self.verify_peer = verify_peer
        self.crl_download = crl_download
        self.dane = dane  # sclient.x509.dane.Dane (-dane_tlsa_domain)
        #: (the chain as sent, the chain built) of the last verification
        self.chains: tuple[tuple[bytes, ...], tuple[bytes, ...]] = ((), ())

    def for_name(self, name: str) -> Verifier:
        """The same verification with ``name`` for the host check of
        ``-verify_hostname``: a server that rejected Encrypted Client Hello
        is authenticated for the ECHConfig's public name (RFC 9849 §6.1.7),
        the name its outer ClientHello carried. Without a host to check,
        nothing changes."""
        if not self.params.hosts:
            return self
        import copy

        from sclient.base import structs

        other = copy.copy(self)
        other.params = structs.replace(self.params, hosts=(name,))
        return other

    def __call__(self, chain: Sequence[bytes]) -> Verdict:
        # Imported here, not with the module: a run that never sees a chain
        # (a refused handshake, a PSK) does not load the verifier.
        from sclient.x509.callback import SClientVerifyCallback, outcome
        from sclient.x509.cert import CertificateError
        from sclient.x509.errors import alert_for
        from sclient.x509.verdict import ChainVerdict, DepthResult
        from sclient.x509.verify import verify_chain

        callback = SClientVerifyCallback(self.callback)
        params = self.params
        lookup = None
        if params.crl_check or params.crl_check_all:
            from sclient.app.crl import crl_lookup

            lookup = crl_lookup(self.store, self.crl_download, callback.out.append)
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

            return Verdict(alert=alerts.BAD_CERTIFICATE, detail=ChainVerdict())
        done = outcome(result, callback)
        self.chains = (tuple(chain), tuple(c.der for c in result.chain))
        aborted = self.verify_peer and not done.ok
        verdict = ChainVerdict(
            code=done.verify_result,
            text=done.text,
            peername=result.peername,
            dane_line=result.dane.authority_line if result.dane is not None else None,
            depths=tuple(DepthResult(c.depth, c.error, c.ok) for c in result.calls),
            aborted=aborted,
            chain=self.chains[1],
        )
        return Verdict(alert=alert_for(done.verify_result) if aborted else None, detail=verdict)

    def verify_rpk(self, spki: bytes) -> Verdict:
        """The engine's ``verify_rpk``: a raw public key (RFC 7250) judged as
        OpenSSL 3.2+ judges it (:mod:`sclient.x509.rpk`)."""
        from sclient.x509.errors import alert_for
        from sclient.x509.rpk import verify_rpk

        verdict = verify_rpk(spki, self.dane, self.callback, self.verify_peer)
        return Verdict(alert=alert_for(verdict.code) if verdict.aborted else None, detail=verdict)


class StatusChecker:
    """The engine's ``check_status`` (``-status``): s_client's status callback
    fails (bad_certificate_status_response) when ``d2i_OCSP_RESPONSE`` cannot
    decode the response. The verdict's detail is an
    :class:`~sclient.x509.ocsp.StatusVerdict`; with ``validate`` (``-json``)
    it also judges the response against the chain the verifier saw."""

    def __init__(self, verifier: Verifier, now: Callable[[], float], validate: bool) -> None:
        self.verifier = verifier
        self.now = now
        self.validate = validate

    def __call__(self, response: bytes | None) -> Verdict:
        from sclient.x509 import ocsp

        if response is None:
            return Verdict(detail=ocsp.StatusVerdict())
        errors = ocsp.decode_errors(response)
        if errors:
            from sclient.tls.registry import alerts

            detail = ocsp.StatusVerdict(errors=tuple(errors))
            return Verdict(alert=alerts.BAD_CERTIFICATE_STATUS_RESPONSE, detail=detail)
        parsed = ocsp.parse_response(response)
        validation = None
        sent, built = self.verifier.chains
        if self.validate and parsed is not None and sent:
            issuer = built[1] if len(built) > 1 else (sent[1] if len(sent) > 1 else None)
            validation = ocsp.validate(parsed, sent[0], issuer, self.now())
        left = tuple(ocsp.basic_errors(parsed)) if parsed is not None else ()
        return Verdict(detail=ocsp.StatusVerdict(parsed, left, validation))


def engine_callbacks(settings: Any, json_mode: bool, now: Callable[[], float]) -> dict[str, Any]:
    """The engine's callbacks for one connection: ``verify_certificates``
    and, under ``-status``, ``check_status``."""
    v = settings.verify
    verifier = Verifier(
        v.params,
        v.callback,
        settings.trust_store,
        now,
        verify_peer=v.verify_peer,
        crl_download=v.crl_download,
        dane=settings.dane,
    )
    out: dict[str, Any] = {"verify_certificates": verifier}
    if settings.config.server_cert_types:
        out["verify_rpk"] = verifier.verify_rpk
    if settings.config.status_request:
        out["check_status"] = StatusChecker(verifier, now, json_mode)
    return out
