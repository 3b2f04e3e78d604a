"""What one verification of the server's chain concluded, as s_client's verify
callback saw it: the result code, the callback's lines (``depth=…``,
``verify error:…``, ``verify return:…``) and the per-depth calls.

The verifier returns it and prints nothing; the engine hands it on in its
``CertificateVerified`` event, and the renderers print its ``text`` at that
point of the event stream (output.md §4, verify.md §4).
"""

from __future__ import annotations

from sclient.base.structs import Struct


class DepthResult(Struct, frozen=True, slots=True):
    """One call of the verify callback: the depth, the error it saw, its answer."""

    depth: int
    error: int
    ok: bool


class ChainVerdict(Struct, frozen=True, slots=True):
    """The verification of one chain as sent."""

    #: ``SSL_get_verify_result``: X509_V_OK or the error OpenSSL keeps.
    code: int = 0
    #: The verify callback's lines, as s_client prints them on stderr.
    text: str = ""
    #: ``SSL_get0_peername()``: the name that matched (``Verified peername:``).
    peername: str | None = None
    #: ``DANE TLSA … at depth N`` when a TLSA record authenticated the chain.
    dane_line: str | None = None
    depths: tuple[DepthResult, ...] = ()
    #: The failure ended the handshake (``-verify N``, ``-verify_return_error``):
    #: OpenSSL then never stores the result in the session.
    aborted: bool = False
    #: ``X509_STORE_CTX_get0_chain()`` as DER: the chain the verifier built.
    chain: tuple[bytes, ...] = ()
