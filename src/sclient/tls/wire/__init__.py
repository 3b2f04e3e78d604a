"""Pure codecs: bytes <-> frozen record classes (``sclient.base.structs``), no crypto, no state.

:mod:`~sclient.tls.wire.buffer` (bounds-checked reader/writer),
:mod:`~sclient.tls.wire.extensions` (extension bodies, the (type, context)
codec table and OpenSSL's allowed contexts), :mod:`~sclient.tls.wire.handshake`
(handshake messages). Untrusted bytes raise only
:class:`~sclient.tls.errors.DecodeError`. :mod:`~sclient.tls.wire.describe`
turns a message's or record header's bytes into a tree of named fields (names
from ``registry``): what ``-trace`` draws and JSON carries.

May import ``base`` and ``tls.registry``. A new message or extension (ECH's
``encrypted_client_hello``, DTLS's ``HelloVerifyRequest``) gets its codec
here; its number and names go in ``registry``.
"""
