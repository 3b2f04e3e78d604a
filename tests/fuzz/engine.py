"""The TLS engine as a fuzz target: server bytes after a real ClientHello.

A client is built from one of :data:`FLIGHTS`' configurations with injected,
deterministic randomness and key shares, so its ClientHello is the same byte
for byte every time and a server flight recorded once from ``openssl
s_server`` (``corpus/flights/*.json``, written by ``tools/fuzz.py record``)
still completes the handshake when it is replayed. The key-log secrets of
that replay give the server's record keys, so a test can decrypt the
recorded flight into plaintext messages, mutate them, and protect them
again: the fuzzer gets past the record layer into every handshake state.

:func:`check_engine` is the oracle: whatever the bytes, ``receive`` returns
events only, a failure is one of the engine's own errors (never the
``internal_error`` a stray Python exception becomes), nothing comes after
it, and the work done is bounded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sclient.tls import events as ev
from sclient.tls.client import BUG, Client
from sclient.tls.config import ClientConfig
from sclient.tls.crypto import kex
from sclient.tls.crypto.keyschedule import next_application_traffic_secret, traffic_key_iv
from sclient.tls.crypto.prf import key_block, split_key_block
from sclient.tls.crypto.protection import CIPHER_PARAMS, Tls12Aead, Tls13Aead
from sclient.tls.errors import TLSError
from sclient.tls.registry import protocol as P
from sclient.tls.registry import suites
from sclient.tls.session import Session
from sclient.tls.sessionfile import from_pem

CORPUS = Path(__file__).parent / "corpus"
FLIGHT_DIR = CORPUS / "flights"
#: The sessions the ``*resume`` clients offer (written with their flights).
RESUME_DIR = CORPUS / "resume"

#: Seconds one input may take, plus this much per KiB of input. A real
#: handshake with RSA-2048 takes milliseconds; a loop that does not advance
#: would blow through it.
TIME_BASE = 2.0
TIME_PER_KIB = 0.05


def det_random(seed: bytes = b"sclient-fuzz") -> Callable[[int], bytes]:
    """Deterministic ``ClientConfig.random`` (a fresh sequence per client)."""
    counter = itertools.count()

    def random(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(seed + next(counter).to_bytes(8, "big")).digest()
        return out[:n]

    return random


def _scalar(group: int) -> bytes:
    return hashlib.sha256(b"sclient-fuzz-share-%d" % group).digest()


def det_key_share(group: int) -> object:
    """The same private key for each group every time (finite-field groups
    excepted: they are generated, and only matter when a server picks one)."""
    if group == kex.X25519:
        return kex.X25519KeyShare.from_private_bytes(_scalar(group))
    if group == kex.X448:
        return kex.X448KeyShare.from_private_bytes(_scalar(group) + _scalar(group)[:24])
    try:
        return kex.EcKeyShare.from_private_value(group, int.from_bytes(_scalar(group)[:16], "big"))
    except Exception:
        return kex.generate_key_share(group)


#: name -> ClientConfig overrides (the recorded flight depends on them: never
#: change one without recording its flights again).
FLIGHTS: dict[str, dict[str, Any]] = {
    "tls13": dict(server_name="localhost", alpn=(b"h2", b"http/1.1"), post_handshake_auth=True),
    "tls12": dict(max_version=P.TLS1_2, server_name="localhost", alpn=(b"h2", b"http/1.1")),
}
# The same clients offering a session for resumption (RESUME_DIR/<kind>.pem).
FLIGHTS["tls13resume"] = FLIGHTS["tls13"]
FLIGHTS["tls12resume"] = FLIGHTS["tls12"]

#: The injected clock: the sessions were made at this time, so ticket ages are 0.
NOW = 1_800_000_000.0


@cache
def resumed_session(kind: str) -> Session | None:
    path = RESUME_DIR / f"{kind}.pem"
    return from_pem(path.read_bytes(), int(NOW)) if path.exists() else None


def make_config(kind: str) -> ClientConfig:
    extra: dict[str, Any] = {}
    if kind.endswith("resume"):
        extra["resume"] = resumed_session(kind)
    return ClientConfig(
        random=det_random(),
        now=lambda: NOW,
        key_share_factory=det_key_share,
        **FLIGHTS[kind],
        **extra,
    )


# --- recorded flights --------------------------------------------------------------------


@dataclass(frozen=True)
class Flight:
    """A server's bytes, in the chunks they arrived in, for a client of ``kind``."""

    name: str
    kind: str
    chunks: tuple[bytes, ...]

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


def load_flight(path: Path) -> Flight:
    doc = json.loads(path.read_text())
    return Flight(path.stem, doc["kind"], tuple(bytes.fromhex(c) for c in doc["chunks"]))


@cache
def flights() -> tuple[Flight, ...]:
    return tuple(load_flight(p) for p in sorted(FLIGHT_DIR.glob("*.json")))


def flights_of(kind: str) -> tuple[Flight, ...]:
    """The flights of clients of ``kind`` ("tls13": also "tls13resume")."""
    return tuple(f for f in flights() if f.kind.startswith(kind))


# --- the oracle --------------------------------------------------------------------------


class EngineBug(AssertionError):
    """The engine broke its contract on some input."""


@dataclass
class Outcome:
    events: list[ev.Event]
    client: Client

    @property
    def failure(self) -> ev.ConnectionFailed | None:
        f = [e for e in self.events if isinstance(e, ev.ConnectionFailed)]
        return f[0] if f else None


def check_engine(kind: str, chunks: Sequence[bytes], eof: bool = False) -> Outcome:
    """Start a client of ``kind``, feed it ``chunks``, check the contract."""
    client = Client(make_config(kind))
    events = list(client.start())
    client.data_to_send()
    total = sum(len(c) for c in chunks)
    budget = TIME_BASE + TIME_PER_KIB * total / 1024
    t0 = time.perf_counter()
    failed = False
    for chunk in chunks:
        try:
            out = client.receive(chunk)
        except Exception as e:  # the contract: receive never raises for input
            raise EngineBug(f"receive() raised {e!r}") from e
        if failed and out:
            raise EngineBug(f"events after ConnectionFailed: {out!r}")
        _check_events(out)
        events += out
        failed = failed or any(isinstance(e, ev.ConnectionFailed) for e in out)
        try:
            client.data_to_send()
        except Exception as e:
            raise EngineBug(f"data_to_send() raised {e!r}") from e
    if eof:
        try:
            out = client.receive_eof()
        except Exception as e:
            raise EngineBug(f"receive_eof() raised {e!r}") from e
        _check_events(out)
        events += out
    elapsed = time.perf_counter() - t0
    if elapsed > budget:
        raise EngineBug(f"{total} bytes took {elapsed:.2f}s (budget {budget:.2f}s)")
    return Outcome(events, client)


def _check_events(out: list[ev.Event]) -> None:
    for i, e in enumerate(out):
        if not isinstance(e, ev.Event):
            raise EngineBug(f"not an event: {e!r}")
        if isinstance(e, ev.ConnectionFailed):
            if i != len(out) - 1:
                raise EngineBug("ConnectionFailed is not the last event")
            err = e.error
            if not isinstance(err, TLSError):
                raise EngineBug(f"ConnectionFailed with {err!r}")
            if str(err.detail).startswith(BUG):
                cause = err.__context__ or err.__cause__
                raise EngineBug(f"internal error from a stray exception: {err.detail}") from cause


# --- keys of a recorded flight -------------------------------------------------------------


@dataclass(frozen=True)
class FlightKeys:
    """What it takes to protect server records as the recorded server did."""

    version: int
    cipher: str
    hash: str
    secrets: dict[str, bytes]  # TLS 1.3: "hs", "app" traffic secrets; TLS 1.2: "key", "iv"

    def cipher_for(self, epoch: str) -> Any:
        p = CIPHER_PARAMS[self.cipher]
        if self.version == P.TLS1_3:
            base, _, updates = epoch.partition("+")
            secret = self.secrets[base]
            for _ in range(int(updates or 0)):  # after the server's KeyUpdates
                secret = next_application_traffic_secret(self.hash, secret)
            key, iv = traffic_key_iv(self.hash, secret, p.key_len, p.iv_len)
            return Tls13Aead(self.cipher, key, iv)
        return Tls12Aead(self.cipher, self.secrets["key"], self.secrets["iv"])


@cache
def flight_keys(flight: Flight) -> FlightKeys:
    """Replay ``flight`` and read the server's keys from the key log."""
    out = check_engine(flight.kind, flight.chunks)
    done = [e for e in out.events if isinstance(e, ev.HandshakeComplete)]
    if not done:
        raise AssertionError(
            f"{flight.name}: the recorded flight no longer completes: {out.failure}"
        )
    neg = done[0].negotiated
    suite = suites.BY_CODE[neg.cipher_suite]
    assert suite.cipher is not None
    logs = {e.label: e.secret for e in out.events if isinstance(e, ev.KeylogSecret)}
    if neg.version == P.TLS1_3:
        secrets = {
            "hs": logs["SERVER_HANDSHAKE_TRAFFIC_SECRET"],
            "app": logs["SERVER_TRAFFIC_SECRET_0"],
        }
    else:
        p = CIPHER_PARAMS[suite.cipher]
        fixed = p.fixed_iv_len
        kb = split_key_block(
            key_block(
                suite.prf_hash,
                logs["CLIENT_RANDOM"],
                neg.server_random,
                neg.client_random,
                2 * (p.key_len + fixed),
            ),
            0,
            p.key_len,
            fixed,
        )
        secrets = {"key": kb.server_key, "iv": kb.server_iv}
    return FlightKeys(neg.version, suite.cipher, suite.prf_hash, secrets)


# --- records and messages ------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One server record before protection: ``epoch`` is "plain", "hs" (TLS
    1.3 handshake keys) or "app" (TLS 1.3 application keys, TLS 1.2 after CCS)."""

    ctype: int
    data: bytes
    epoch: str = "plain"


def split_records(data: bytes) -> tuple[list[tuple[int, bytes, bytes]], bytes]:
    """Whole records (type, header, fragment) and what is left over."""
    out = []
    pos = 0
    while len(data) - pos >= 5:
        n = int.from_bytes(data[pos + 3 : pos + 5], "big")
        if len(data) - pos < 5 + n:
            break
        out.append((data[pos], data[pos : pos + 5], data[pos + 5 : pos + 5 + n]))
        pos += 5 + n
    return out, data[pos:]


@cache
def flight_items(flight: Flight) -> tuple[Item, ...]:
    """The recorded flight as plaintext records with their epochs."""
    keys = flight_keys(flight)
    records, _rest = split_records(flight.data)
    items: list[Item] = []
    tls13 = keys.version == P.TLS1_3
    epoch = "plain"
    ciphers: dict[str, Any] = {}
    for ctype, hdr, frag in records:
        if tls13 and ctype == P.APPLICATION_DATA:
            if epoch == "plain":
                epoch = "hs"
            c = ciphers.setdefault(epoch, keys.cipher_for(epoch))
            inner, pt = c.decrypt(hdr, frag)
            items.append(Item(inner, pt, epoch))
            if epoch == "hs" and inner == P.HANDSHAKE and P.FINISHED in _types(pt):
                epoch = "app"
            elif epoch.startswith("app") and inner == P.HANDSHAKE:
                n = _types(pt).count(P.KEY_UPDATE)
                if n:
                    epoch = f"app+{int(epoch.partition('+')[2] or 0) + n}"
            continue
        if not tls13 and epoch == "app":
            c = ciphers.setdefault("app", keys.cipher_for("app"))
            inner, pt = c.decrypt(hdr, frag)
            items.append(Item(inner, pt, "app"))
            continue
        items.append(Item(ctype, frag, "plain"))
        if not tls13 and ctype == P.CHANGE_CIPHER_SPEC:
            epoch = "app"
    return tuple(items)


def _types(pt: bytes) -> list[int]:
    return [m[0] for m in split_messages(pt)]


def protect(flight: Flight, items: Sequence[Item]) -> bytes:
    """Items to wire bytes, with fresh ciphers (sequence numbers from 0)."""
    keys = flight_keys(flight)
    ciphers: dict[str, Any] = {}
    out = bytearray()
    for it in items:
        if it.epoch == "plain":
            data = it.data[:0xFFFF]
            out += bytes((it.ctype, 3, 3)) + len(data).to_bytes(2, "big") + data
            continue
        c = ciphers.setdefault(it.epoch, keys.cipher_for(it.epoch))
        data = it.data[: 1 << 14]
        out += c.encrypt(it.ctype or P.HANDSHAKE, data)
    return bytes(out)


def split_messages(data: bytes) -> list[bytes]:
    """Handshake messages (header included) of a handshake stream; a torn
    tail is kept as the last element."""
    out = []
    pos = 0
    while len(data) - pos >= 4:
        n = int.from_bytes(data[pos + 1 : pos + 4], "big")
        out.append(data[pos : pos + 4 + n])
        pos += 4 + n
    if pos < len(data):
        out.append(data[pos:])
    return out
