"""s_client's verify callback (``apps/lib/s_cb.c verify_callback``) as pure code.

For each :class:`~sclient.x509.verify.CallbackCall`::

    depth=<d> <subject>             unless quiet, or always when ok == 0
    verify error:num=<n>:<string>   when ok == 0
    <extra line>                    by the (sticky) error code: 2 -> "issuer= <name>",
                                    9/13 -> "notBefore=<time>", 10/14 -> "notAfter=<time>"
    verify return:1                 when the resulting ok is non-zero and not quiet

An ``ok == 0`` call is turned into ``ok = 1`` unless ``-verify_return_error``
was given, or a ``-verify N`` limit is set and the depth exceeds N; then
verification stops there (the callback returns 0) and, with a verify mode of
"peer", the handshake fails with :attr:`CallbackOutcome.alert`.

Use :func:`render` on a finished :class:`~sclient.x509.verify.VerifyResult`
(verification run with the default "continue" callback), or pass a
:class:`SClientVerifyCallback` as the verifier's ``callback``; both give the
same :class:`CallbackOutcome`.
"""

from __future__ import annotations

from sclient.base.structs import field, struct
from sclient.x509 import errors
from sclient.x509.names import DEFAULT_NAMEOPT, print_ex
from sclient.x509.verify import CallbackCall, VerifyResult


@struct(frozen=True)
class CallbackOptions:
    """``verify_args`` of s_client."""

    verify_depth: int | None = None  # -verify N (None: no limit; "-1" in OpenSSL)
    return_error: bool = False  # -verify_return_error
    quiet: bool = False  # -verify_quiet / -brief
    nameopt: int = DEFAULT_NAMEOPT  # -nameopt flags (default oneline)


@struct(frozen=True)
class CallbackOutcome:
    text: str  # everything the callback wrote to stderr (each line ends with "\n")
    ok: bool  # X509_verify_cert() > 0
    aborted: bool  # the callback returned 0 and stopped verification
    verify_result: int  # SSL_get_verify_result(): "Verify return code", "Verification error"
    callback_error: int  # verify_args.error (s_client records it but never prints it)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def alert(self) -> int:
        """Alert sent when verification fails the handshake (``ssl_x509err2alert``)."""
        return errors.alert_for(self.verify_result)

    @property
    def verification_line(self) -> str:
        """``Verification: OK`` or ``Verification error: <string>`` (summary block)."""
        if self.verify_result == errors.OK:
            return "Verification: OK"
        return f"Verification error: {errors.error_string(self.verify_result)}"

    @property
    def verify_return_code_line(self) -> str:
        """``Verify return code: N (<string>)`` (without indentation)."""
        return (
            f"Verify return code: {self.verify_result} ({errors.error_string(self.verify_result)})"
        )


@struct
class SClientVerifyCallback:
    """A live verify callback: pass it to ``verify_chain(callback=...)``."""

    options: CallbackOptions = field(default_factory=CallbackOptions)
    out: list[str] = field(default_factory=list)
    error: int = errors.OK  # verify_args.error
    stopped_at: CallbackCall | None = None

    def __call__(self, call: CallbackCall) -> bool:
        o = self.options
        ok = call.ok
        err = call.error
        w = self.out.append
        if not o.quiet or not ok:
            if call.cert is not None:
                w(f"depth={call.depth} {print_ex(call.cert.subject, o.nameopt)}\n")
            else:
                w(f"depth={call.depth} <no cert>\n")
        if not ok:
            w(f"verify error:num={err}:{errors.error_string(err)}\n")
            if o.verify_depth is None or o.verify_depth >= call.depth:
                if not o.return_error:
                    ok = True
                self.error = err
            else:
                self.error = errors.CERT_CHAIN_TOO_LONG
        cert = call.cert
        if err == errors.UNABLE_TO_GET_ISSUER_CERT and cert is not None:
            w(f"issuer= {print_ex(cert.issuer, o.nameopt)}\n")
        elif (
            err in (errors.CERT_NOT_YET_VALID, errors.ERROR_IN_CERT_NOT_BEFORE_FIELD)
            and cert is not None
        ):
            w(f"notBefore={cert.not_before.print()}\n")
        elif (
            err in (errors.CERT_HAS_EXPIRED, errors.ERROR_IN_CERT_NOT_AFTER_FIELD)
            and cert is not None
        ):
            w(f"notAfter={cert.not_after.print()}\n")
        elif err == errors.NO_EXPLICIT_POLICY and not o.quiet and call.policies is not None:
            w(call.policies)
        if err == errors.OK and call.notify and not o.quiet and call.policies is not None:
            w(call.policies)
        if ok and not o.quiet:
            w(f"verify return:{2 if call.notify else 1}\n")
        if not ok:
            self.stopped_at = call
        return ok

    @property
    def text(self) -> str:
        return "".join(self.out)


def render(result: VerifyResult, options: CallbackOptions | None = None) -> CallbackOutcome:
    """Replay ``result.calls`` through s_client's callback.

    ``result`` must come from a run whose callback continued on every error
    (the default): if s_client's callback stops at some call, later calls
    never happen, and the outcome reflects that.
    """
    cb = SClientVerifyCallback(options or CallbackOptions())
    for call in result.calls:
        if not cb(call):
            return CallbackOutcome(cb.text, False, True, call.error, cb.error)
    return CallbackOutcome(cb.text, result.ok, result.aborted, result.error, cb.error)


def outcome(result: VerifyResult, cb: SClientVerifyCallback) -> CallbackOutcome:
    """The outcome of a run that used ``cb`` live as its callback."""
    return CallbackOutcome(cb.text, result.ok, result.aborted, result.error, cb.error)
