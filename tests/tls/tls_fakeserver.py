"""Scripted TLS servers for hostile-input tests (sans-I/O, like the client).

:class:`Fake13` and :class:`Fake12` answer a ClientHello with a correct
handshake built from sclient's own codecs and crypto layer, and take hooks
that bend any message, record or byte on the way out. The same object serves
in-memory tests (:func:`converse` with :class:`sclient.tls.client.Client`) and,
through :func:`serve_socket`, the real ``openssl s_client`` used as the oracle
for alerts and error reasons.
"""

from __future__ import annotations

import os
import select
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sclient.base.structs import replace
from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.crypto.kex import DheKeyShare, generate_key_share
from sclient.tls.crypto.keyschedule import KeySchedule13, finished_verify_data, traffic_key_iv
from sclient.tls.crypto.prf import (
    extended_master_secret,
    key_block,
    master_secret,
    split_key_block,
    verify_data12,
)
from sclient.tls.crypto.protection import CIPHER_PARAMS, NullCipher, Tls12Aead, Tls13Aead
from sclient.tls.crypto.signatures import (
    sign_scheme,
    tls12_server_key_exchange_input,
    tls13_certificate_verify_input,
)
from sclient.tls.crypto.transcript import Transcript
from sclient.tls.grease import is_grease_alpn
from sclient.tls.registry import groups as G
from sclient.tls.registry import protocol as P
from sclient.tls.registry import suites
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import (
    Certificate12,
    Certificate13,
    CertificateEntry,
    CertificateVerify,
    ClientHello,
    EncryptedExtensions,
    Finished,
    HandshakeMessage,
    KeyUpdate,
    NewSessionTicket12,
    NewSessionTicket13,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchangeDhe,
    ServerKeyExchangeEcdhe,
    decode_message,
)

Hook = Callable[[Any], Any]


def _ident(x: Any) -> Any:
    return x


@dataclass
class Item:
    """One record of the server's flight before protection.

    ``epoch``: "plain" (no protection), "hs" (TLS 1.3 handshake keys),
    "app" (application keys / TLS 1.2 after CCS), "raw" (bytes as given,
    a whole record or garbage)."""

    ctype: int
    data: bytes
    epoch: str = "plain"


@dataclass
class Hooks:
    hrr: Hook = _ident
    server_hello: Hook = _ident
    encrypted_extensions: Hook = _ident
    certificate_request: Hook | None = None  # returns a CertificateRequest to send
    certificate: Hook = _ident
    certificate_verify: Hook = _ident
    server_key_exchange: Hook = _ident
    finished: Hook = _ident  # the Finished message (TLS 1.3 and 1.2)
    items: Hook = _ident  # list[Item] -> list[Item]
    wire: Hook = _ident  # bytes -> bytes, the flight on the wire
    after: Callable[[Any], list[Item]] | None = None  # post-handshake records


def _records(buf: bytearray) -> list[tuple[int, bytes, bytes]]:
    out = []
    while len(buf) >= 5:
        n = int.from_bytes(buf[3:5], "big")
        if len(buf) < 5 + n:
            break
        raw = bytes(buf[: 5 + n])
        del buf[: 5 + n]
        out.append((raw[0], raw[:5], raw[5:]))
    return out


@dataclass
class Key:
    der: bytes
    private: Any
    scheme: int

    @classmethod
    def load(cls, cert_pem: bytes, key_pem: bytes, scheme: int) -> Key:
        cert = x509.load_pem_x509_certificate(cert_pem)
        priv = serialization.load_pem_private_key(key_pem, None)
        return cls(cert.public_bytes(serialization.Encoding.DER), priv, scheme)


class _Base:
    def __init__(self, key: Key, hooks: Hooks | None = None) -> None:
        self.key = key
        self.hooks = hooks or Hooks()
        self.inbuf = bytearray()
        self.transcript = Transcript()
        self.received: list[tuple[int, bytes]] = []  # (type, plaintext) from the client
        self.alerts: list[bytes] = []
        self.read_cipher: Any = NullCipher()
        self.done = False
        self.hsbuf = bytearray()

    def _emit(self, items: list[Item], ciphers: dict[str, Any], hooked: bool = True) -> bytes:
        if hooked:
            items = self.hooks.items(items)
        out = b""
        for it in items:
            if it.epoch == "raw":
                out += it.data
            elif it.epoch == "plain":
                out += bytes((it.ctype, 3, 3)) + len(it.data).to_bytes(2, "big") + it.data
            else:
                out += ciphers[it.epoch].encrypt(it.ctype, it.data)
        return self.hooks.wire(out) if hooked else out

    def feed(self, data: bytes) -> bytes:
        """Take the client's bytes, return the server's answer."""
        self.inbuf += data
        out = b""
        for ctype, hdr, frag in _records(self.inbuf):
            if ctype == P.CHANGE_CIPHER_SPEC and frag == b"\x01":
                self._on_ccs()
                continue
            if ctype == P.ALERT and len(frag) == 2:
                self.alerts.append(frag)  # in the clear
                continue
            try:
                t, pt = self.read_cipher.decrypt(hdr, frag)
            except Exception:
                self.received.append((-1, frag))
                continue
            if t == P.CHANGE_CIPHER_SPEC and pt == b"\x01":  # a renegotiation's
                self._on_ccs()
                continue
            if t == P.ALERT:
                self.alerts.append(pt)
                continue
            self.received.append((t, pt))
            if t != P.HANDSHAKE:
                continue
            self.hsbuf += pt
            while len(self.hsbuf) >= 4:
                n = int.from_bytes(self.hsbuf[1:4], "big")
                if len(self.hsbuf) < 4 + n:
                    break
                raw = bytes(self.hsbuf[: 4 + n])
                del self.hsbuf[: 4 + n]
                out += self.on_message(raw)
        return out

    def on_message(self, raw: bytes) -> bytes:
        raise NotImplementedError

    def _on_ccs(self) -> None:
        pass


class Fake13(_Base):
    """A TLS 1.3 server: answers the first ClientHello with HRR (if
    ``hrr_group`` is set) or ServerHello + flight."""

    def __init__(
        self,
        key: Key,
        hooks: Hooks | None = None,
        suite: int = 0x1301,
        hrr_group: int | None = None,
        cookie: bytes | None = None,
        middlebox: bool = True,
        tickets: int = 0,
        random: bytes | None = None,
    ) -> None:
        super().__init__(key, hooks)
        self.suite = suites.BY_CODE[suite]
        self.hash = self.suite.prf_hash
        self.hrr_group = hrr_group
        self.cookie = cookie
        self.middlebox = middlebox
        self.tickets = tickets
        self.random = random or os.urandom(32)
        self.hrr_sent = False
        self.state = "hello"
        self.ciphers: dict[str, Any] = {}
        self.client_hs = b""
        self.client_app = b""
        self.server_app = b""
        self.client_chain: tuple[bytes, ...] = ()
        self.client_verified_scheme: int | None = None
        self.pha_finished = False

    def _cipher(self, secret: bytes) -> Tls13Aead:
        name = self.suite.cipher
        assert name is not None
        p = CIPHER_PARAMS[name]
        k, iv = traffic_key_iv(self.hash, secret, p.key_len, p.iv_len)
        return Tls13Aead(name, k, iv)

    def on_message(self, raw: bytes) -> bytes:
        msg = decode_message(raw)
        if isinstance(msg, ClientHello):
            return self._on_client_hello(msg)
        if isinstance(msg, Finished | Certificate13 | CertificateVerify):
            return self._on_client_finished(msg)
        return b""

    def _on_client_hello(self, ch: ClientHello) -> bytes:
        ks = ch.ext(X.KeyShareClient)
        assert ks is not None
        items: list[Item] = []
        if self.hrr_group is not None and not self.hrr_sent:
            self.hrr_sent = True
            exts: list[X.Extension] = [X.SupportedVersionSelected(P.TLS1_3)]
            exts.append(X.KeyShareRetry(self.hrr_group))
            if self.cookie:
                exts.append(X.Cookie(self.cookie))
            hrr = ServerHello(0x0303, P.HRR_RANDOM, ch.session_id, self.suite.code, 0, tuple(exts))
            hrr = self.hooks.hrr(hrr)
            self.transcript.update(ch.raw)
            self.transcript.rewrite_for_hrr(self.hash)
            hrr_raw = hrr.encode()
            self.transcript.update(hrr_raw)
            items.append(Item(P.HANDSHAKE, hrr_raw))
            if self.middlebox:
                items.append(Item(P.CHANGE_CIPHER_SPEC, b"\x01"))
            return self._emit(items, {})
        if self.hrr_sent:
            echoed = ch.ext(X.Cookie)
            assert (echoed.cookie if echoed else None) == self.cookie, "cookie not echoed"
            assert ks.entries[0].group == self.hrr_group, "wrong key share after HRR"
            self.client_hello2 = ch
        # The first share of a group we know (a GREASE share is skipped, RFC 8701).
        entry = next(e for e in ks.entries if e.group in G.BY_CODE)
        share = generate_key_share(entry.group)
        shared = share.exchange(entry.key_exchange)
        sh = ServerHello(
            0x0303,
            self.random,
            ch.session_id,
            self.suite.code,
            0,
            (
                X.SupportedVersionSelected(P.TLS1_3),
                X.KeyShareServer(X.KeyShareEntry(entry.group, share.public_bytes())),
            ),
        )
        sh = self.hooks.server_hello(sh)
        if not self.hrr_sent:
            self.transcript.update(ch.raw)
        else:
            self.transcript.update(ch.raw)
        self.transcript.set_hash(self.hash)
        sh_raw = sh.encode()
        self.transcript.update(sh_raw)
        sched = KeySchedule13(self.hash)
        sched.early()
        sched.handshake(shared)
        th = self.transcript.digest()
        self.server_hs = sched.server_handshake_traffic_secret(th)
        self.client_hs = sched.client_handshake_traffic_secret(th)
        self.ciphers["hs"] = self._cipher(self.server_hs)
        self.read_cipher = self._cipher(self.client_hs)
        items.append(Item(P.HANDSHAKE, sh_raw))
        if self.middlebox and not self.hrr_sent:
            items.append(Item(P.CHANGE_CIPHER_SPEC, b"\x01"))
        alpn = ch.ext(X.Alpn)
        # The client's first protocol, a GREASE one skipped (RFC 8701).
        protos = [p for p in alpn.protocols if not is_grease_alpn(p)] if alpn else []
        ee_exts: tuple[X.Extension, ...] = (X.Alpn((protos[0],)),) if protos else ()
        flight: list[HandshakeMessage] = [
            self.hooks.encrypted_extensions(EncryptedExtensions(ee_exts))
        ]
        if self.hooks.certificate_request is not None:
            flight.append(self.hooks.certificate_request(None))
        cert = Certificate13(b"", (CertificateEntry(self.key.der),))
        flight.append(self.hooks.certificate(cert))
        hs_msgs = b""
        for m in flight:
            raw = m.encode()
            self.transcript.update(raw)
            hs_msgs += raw
        content = tls13_certificate_verify_input(self.transcript.digest(), server=True)
        sig = sign_scheme(self.key.scheme, self.key.private, content, tls13=True)
        cv = self.hooks.certificate_verify(CertificateVerify(self.key.scheme, sig))
        raw = cv.encode()
        self.transcript.update(raw)
        hs_msgs += raw
        vd = finished_verify_data(self.hash, self.server_hs, self.transcript.digest())
        fin = self.hooks.finished(Finished(vd))
        raw = fin.encode()
        self.transcript.update(raw)
        hs_msgs += raw
        items.append(Item(P.HANDSHAKE, hs_msgs, "hs"))
        sched.master()
        th = self.transcript.digest()
        self.server_app = sched.server_application_traffic_secret_0(th)
        self.client_app = sched.client_application_traffic_secret_0(th)
        self.sched = sched
        self.ciphers["app"] = self._cipher(self.server_app)
        return self._emit(items, self.ciphers)

    def _on_client_finished(self, msg: HandshakeMessage) -> bytes:
        if isinstance(msg, Certificate13):
            self.transcript.update(msg.raw)
            self.client_chain = msg.chain
            return b""
        if isinstance(msg, CertificateVerify):
            from cryptography import x509

            from sclient.tls.crypto.signatures import verify_scheme

            public = x509.load_der_x509_certificate(self.client_chain[0]).public_key()
            content = tls13_certificate_verify_input(self.transcript.digest(), server=False)
            verify_scheme(msg.scheme, public, content, msg.signature, tls13=True)  # type: ignore[arg-type]
            self.client_verified_scheme = msg.scheme
            self.transcript.update(msg.raw)
            return b""
        if self.done:  # post-handshake authentication: keyed by the application secret
            expected = finished_verify_data(self.hash, self.client_app, self.transcript.digest())
            assert msg.verify_data == expected, "client PHA Finished wrong"  # type: ignore[attr-defined]
            self.pha_finished = True
            return b""
        expected = finished_verify_data(self.hash, self.client_hs, self.transcript.digest())
        assert msg.verify_data == expected, "client Finished wrong"  # type: ignore[attr-defined]
        self.transcript.update(msg.raw)
        self.read_cipher = self._cipher(self.client_app)
        self.done = True
        items = []
        rms = self.sched.resumption_master_secret(self.transcript.digest())
        self.resumption = rms
        for i in range(self.tickets):
            nst = NewSessionTicket13(7200, 0x01020304 + i, bytes((i,)), b"ticket-%d" % i)
            items.append(Item(P.HANDSHAKE, nst.encode(), "app"))
        if self.hooks.after is not None:
            items += self.hooks.after(self)
        return self._emit(items, self.ciphers, hooked=False)

    def key_update(self, request: bool) -> bytes:
        from sclient.tls.crypto.keyschedule import next_application_traffic_secret

        out = self.ciphers["app"].encrypt(P.HANDSHAKE, KeyUpdate(int(request)).encode())
        self.server_app = next_application_traffic_secret(self.hash, self.server_app)
        self.ciphers["app"] = self._cipher(self.server_app)
        return out


class Fake12(_Base):
    """A TLS 1.2 server: ECDHE (x25519) with the key's scheme, AES-128-GCM by
    default; the client must finish before it sends CCS + Finished."""

    def __init__(
        self,
        key: Key,
        hooks: Hooks | None = None,
        suite: int = 0xC02F,
        extensions: tuple[X.Extension, ...] | None = None,
        random: bytes | None = None,
        ticket: bytes | None = None,
        dhe: tuple[int, int] | None = None,
        dhe_wire: tuple[bytes, bytes, bytes] | None = None,
    ) -> None:
        super().__init__(key, hooks)
        self.dhe = dhe
        #: (p, g, Ys) to send, signed, instead of our own DHE share's (parameters
        #: a server could not compute with; the handshake cannot finish).
        self.dhe_wire = dhe_wire
        if dhe is not None and suite == 0xC02F:
            suite = 0x009E  # DHE-RSA-AES128-GCM-SHA256
        self.suite = suites.BY_CODE[suite]
        self.hash = self.suite.prf_hash
        self.random = random or os.urandom(32)
        self.extensions = extensions
        self.ticket = ticket
        self.ciphers: dict[str, Any] = {}
        self.ccs_seen = False
        #: The last handshake's verify_data (RFC 5746), once there was one.
        self.client_verify = b""
        self.server_verify = b""
        #: A renegotiation's renegotiation_info to send instead of the right one.
        self.reneg_info: bytes | None = None
        self.renegotiating = False

    def on_message(self, raw: bytes) -> bytes:
        msg = decode_message(raw, tls13=False, kx="DH" if self.dhe else "ECDH")
        if isinstance(msg, ClientHello):
            return self._on_client_hello(msg)
        if msg.msg_type == P.CLIENT_KEY_EXCHANGE:
            self._on_cke(raw)
        elif isinstance(msg, Finished):
            return self._on_finished(msg)
        elif isinstance(msg, Certificate12):
            self.transcript.update(raw)
        return b""

    def hello_request(self) -> bytes:
        """A HelloRequest under the current keys."""
        return self.ciphers["app"].encrypt(P.HANDSHAKE, b"\x00\x00\x00\x00")

    def _on_client_hello(self, ch: ClientHello) -> bytes:
        self.ch = ch
        self.renegotiating = self.done
        binding = b""
        if self.done:  # a renegotiation: under the current keys, bound to the last
            self.done = False
            self.transcript = Transcript()
            ri = ch.ext(X.RenegotiationInfo)
            assert ri is not None and ri.renegotiated_connection == self.client_verify
            binding = self.client_verify + self.server_verify
            if self.reneg_info is not None:
                binding = self.reneg_info
        ems = ch.ext(X.ExtendedMasterSecret) is not None
        exts = self.extensions
        if exts is None:
            exts = (X.RenegotiationInfo(binding), X.EcPointFormats((0,)))
            if self.ticket is not None:
                exts += (X.SessionTicket(),)
            if ems:
                exts += (X.ExtendedMasterSecret(),)
        self.ems = any(isinstance(e, X.ExtendedMasterSecret) for e in exts)
        sh = ServerHello(0x0303, self.random, os.urandom(32), self.suite.code, 0, exts)
        sh = self.hooks.server_hello(sh)
        self.server_random = sh.random
        self.transcript.set_hash(self.hash)
        self.transcript.update(ch.raw)
        msgs: list[HandshakeMessage] = [sh, self.hooks.certificate(Certificate12((self.key.der,)))]
        ske: Any
        if self.dhe is not None:
            p, g = self.dhe
            self.share = DheKeyShare(p, g, min_bits=0)
            plen = (p.bit_length() + 7) // 8
            ske = ServerKeyExchangeDhe(
                p.to_bytes(plen, "big"),
                bytes((g,)),
                self.share.public_bytes(),
                self.key.scheme,
                b"",
            )
            if self.dhe_wire is not None:
                wp, wg, wys = self.dhe_wire
                ske = ServerKeyExchangeDhe(wp, wg, wys, self.key.scheme, b"")
        else:
            self.share = generate_key_share(0x001D)
            ske = ServerKeyExchangeEcdhe(0x001D, self.share.public_bytes(), self.key.scheme, b"")
        data = tls12_server_key_exchange_input(ch.random, self.server_random, ske.params)
        ske = replace(ske, signature=sign_scheme(self.key.scheme, self.key.private, data))
        msgs.append(self.hooks.server_key_exchange(ske))
        if self.hooks.certificate_request is not None:
            msgs.append(self.hooks.certificate_request(None))
        msgs.append(ServerHelloDone())
        body = b""
        for m in msgs:
            raw = m.encode()
            self.transcript.update(raw)
            body += raw
        if self.renegotiating:
            return self._emit([Item(P.HANDSHAKE, body, "app")], self.ciphers)
        return self._emit([Item(P.HANDSHAKE, body)], {})

    def _on_cke(self, raw: bytes) -> None:
        self.transcript.update(raw)
        pub = raw[6:] if self.dhe is not None else raw[5:]
        pms = self.share.exchange(pub)
        if self.ems:
            self.master = extended_master_secret(self.hash, pms, self.transcript.digest())
        else:
            self.master = master_secret(self.hash, pms, self.ch.random, self.server_random)
        name = self.suite.cipher
        assert name is not None
        p = CIPHER_PARAMS[name]
        kb = split_key_block(
            key_block(
                self.hash, self.master, self.server_random, self.ch.random, 2 * (p.key_len + 4)
            ),
            0,
            p.key_len,
            4,
        )
        self.pending_read = Tls12Aead(name, kb.client_key, kb.client_iv)
        if self.renegotiating:  # the old keys until our ChangeCipherSpec
            self.ciphers["old"] = self.ciphers["app"]
        self.ciphers["app"] = Tls12Aead(name, kb.server_key, kb.server_iv)

    def _on_ccs(self) -> None:
        self.read_cipher = self.pending_read

    def _on_finished(self, fin: Finished) -> bytes:
        expected = verify_data12(
            self.hash, self.master, b"client finished", self.transcript.digest()
        )
        assert fin.verify_data == expected, "client Finished wrong"
        self.transcript.update(fin.raw)
        self.client_verify = fin.verify_data
        before = "old" if self.renegotiating else "plain"
        items = []
        if self.ticket is not None:
            nst = NewSessionTicket12(7200, self.ticket).encode()
            self.transcript.update(nst)
            items.append(Item(P.HANDSHAKE, nst, before))
        items.append(Item(P.CHANGE_CIPHER_SPEC, b"\x01", before))
        vd = verify_data12(self.hash, self.master, b"server finished", self.transcript.digest())
        self.server_verify = vd
        sfin = self.hooks.finished(Finished(vd))
        self.transcript.update(sfin.encode())
        items.append(Item(P.HANDSHAKE, sfin.encode(), "app"))
        self.done = True
        if self.hooks.after is not None:
            items += self.hooks.after(self)
        return self._emit(items, self.ciphers)


# --- drivers ----------------------------------------------------------------------------


@dataclass
class Conversation:
    events: list[ev.Event] = field(default_factory=list)
    to_server: list[bytes] = field(default_factory=list)

    def of(self, cls: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, cls)]

    @property
    def failure(self) -> ev.ConnectionFailed | None:
        f = self.of(ev.ConnectionFailed)
        return f[0] if f else None

    @property
    def last_sent(self) -> bytes:
        return self.to_server[-1] if self.to_server else b""


def converse(
    client: Client, server: Fake13 | Fake12, chunk: int = 0, rounds: int = 6
) -> Conversation:
    """Run client and server against each other in memory. ``chunk`` > 0 feeds
    the client's input ``chunk`` bytes at a time."""
    conv = Conversation()
    conv.events += client.start()
    for _ in range(rounds):
        out = client.data_to_send()
        if out:
            conv.to_server.append(out)
        reply = server.feed(out) if out else b""
        if conv.failure or not reply:
            break
        if chunk:
            for i in range(0, len(reply), chunk):
                conv.events += client.receive(reply[i : i + chunk])
        else:
            conv.events += client.receive(reply)
    if not conv.failure and not client.handshake_complete:
        conv.events += client.receive_eof()  # the server has nothing more to say
        out = client.data_to_send()
        if out:
            conv.to_server.append(out)
            server.feed(out)
    return conv


def serve_socket(
    server_factory: Callable[[], Fake13 | Fake12],
) -> tuple[int, threading.Thread, list[Any]]:
    """Serve one connection on a loopback port; returns (port, thread, log).
    ``log`` receives the server object when the connection ends."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    log: list[Any] = []

    def run() -> None:
        conn, _ = lsock.accept()
        srv = server_factory()
        half_closed = False
        try:
            while True:
                # A client that stays silent after our last flight is waiting for
                # bytes that will never come: end our side so it sees EOF, and
                # keep reading what it says about that.
                ready, _, _ = select.select([conn], [], [], 5.0 if half_closed else 0.7)
                if not ready:
                    if half_closed:
                        break
                    conn.shutdown(socket.SHUT_WR)
                    half_closed = True
                    continue
                data = conn.recv(65536)
                if not data:
                    break
                out = srv.feed(data)
                if out and not half_closed:
                    conn.sendall(out)
        except OSError:
            pass
        finally:
            log.append(srv)
            conn.close()
            lsock.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return port, t, log


__all__ = [
    "Conversation",
    "Fake12",
    "Fake13",
    "Hooks",
    "Item",
    "Key",
    "converse",
    "serve_socket",
]
