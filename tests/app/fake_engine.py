"""A stand-in for ``sclient.tls.client.Client`` built on Python's ``ssl`` (MemoryBIO).

It lets the program layer's driver be tested end to end (connect, summary,
interactive loop, close, EOF, proxy) independently of sclient's own engine:
it emits the contract's events (HandshakeComplete, PeerCertificates,
ApplicationData, ConnectionClosed, ConnectionFailed) but no record-level ones.
"""

from __future__ import annotations

import contextlib
import ssl
from typing import Any

from sclient.tls import events as ev
from sclient.tls.errors import PeerAlert, TLSError, UnexpectedEOF
from sclient.tls.registry import suites
from sclient.tls.session import Session

_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
_ALERTS = {
    "TLSV1_ALERT_PROTOCOL_VERSION": 70,
    "SSLV3_ALERT_HANDSHAKE_FAILURE": 40,
    "TLSV1_ALERT_INTERNAL_ERROR": 80,
    "TLSV1_ALERT_NO_APPLICATION_PROTOCOL": 120,
}


class Client:
    def __init__(self, config: Any) -> None:
        self.config = config
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion(config.min_version)
        ctx.maximum_version = ssl.TLSVersion(config.max_version)
        if config.alpn:
            ctx.set_alpn_protocols([p.decode() for p in config.alpn])
        self._in = ssl.MemoryBIO()
        self._out = ssl.MemoryBIO()
        self._obj = ctx.wrap_bio(self._in, self._out, server_hostname=config.server_name)
        self.handshake_complete = False
        self.version: int | None = None
        self.negotiated: Any = None
        self.session: Any = None

    def start(self) -> None:
        self._step()

    def data_to_send(self) -> bytes:
        return self._out.read()

    def _step(self) -> list[Any]:
        out: list[Any] = []
        if not self.handshake_complete:
            try:
                self._obj.do_handshake()
            except ssl.SSLWantReadError:
                return out
            except ssl.SSLError as exc:
                alert = _ALERTS.get(exc.reason or "")
                if alert is not None:
                    raise PeerAlert(alert) from None
                raise TLSError(None, "INTERNAL_ERROR", str(exc)) from None
            chain = tuple(
                c.public_bytes(ssl._ssl.ENCODING_DER)  # type: ignore[attr-defined]
                for c in (self._obj._sslobj.get_unverified_chain() or [])  # type: ignore[attr-defined]
            )
            out.append(ev.PeerCertificates(chain))
            self.config.verify_certificates(chain)
            name, proto, _bits = self._obj.cipher()  # type: ignore[misc]
            version = _VERSIONS[proto]
            suite = suites.BY_OPENSSL_NAME[name].code
            alpn = self._obj.selected_alpn_protocol()
            self.version = version
            self.negotiated = ev.Negotiated(
                version=version,
                cipher_suite=suite,
                client_random=b"",
                server_random=b"",
                session_id=b"",
                alpn=alpn.encode() if alpn else None,
                secure_renegotiation=version == 0x0303,
                peer_chain=chain,
            )
            self.session = Session(version=version, cipher_suite=suite, start_time=1, timeout=7200)
            self.handshake_complete = True
            out.append(ev.HandshakeComplete(self.negotiated, self.session))
        while True:
            try:
                data = self._obj.read(65536)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                out.append(ev.ConnectionClosed())
                break
            except ssl.SSLError as exc:
                if "EOF" in str(exc) or "eof" in str(exc):
                    raise UnexpectedEOF() from None
                raise TLSError(None, "INTERNAL_ERROR", str(exc)) from None
            if not data:  # CPython returns b"" for a received close_notify
                out.append(ev.ConnectionClosed())
                break
            out.append(ev.ApplicationData(data))
        return out

    def receive(self, data: bytes) -> list[Any]:
        self._in.write(data)
        return self._step()

    def get_buffer(self, size: int = 1 << 18) -> memoryview:
        self._room = bytearray(size)
        return memoryview(self._room)

    def buffer_updated(self, n: int) -> list[Any]:
        return self.receive(bytes(self._room[:n]))

    def receive_eof(self) -> list[Any]:
        self._in.write_eof()
        try:
            return self._step()
        except UnexpectedEOF as exc:
            return [ev.ConnectionFailed(exc, during_handshake=not self.handshake_complete)]

    def abort(self, detail: str = "") -> list[Any]:
        return []

    def send(self, data: bytes) -> None:
        self._obj.write(data)

    def close(self) -> None:
        with contextlib.suppress(ssl.SSLError):
            self._obj.unwrap()

    def key_update(self, request: bool) -> None:
        pass
