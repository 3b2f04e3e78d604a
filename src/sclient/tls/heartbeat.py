"""RFC 6520 heartbeats (``-heartbeat`` and the ``B`` command).

OpenSSL 3.0 has no heartbeats; OpenSSL 1.1.x, built with heartbeats, sent
them over DTLS only, and what it did is followed here, over DTLS and over
TLS 1.2 and below (TLS 1.3 carries no heartbeat records here):

- a request's payload is 18 bytes, a 2-byte sequence number and 16 random
  bytes, followed by 16 random bytes of padding (37 bytes in all); one
  request at a time; the sequence number moves on with each matched
  response;
- over DTLS the request is retransmitted on the retransmission timer (1 s,
  doubled at each timeout); after as many timeouts as a handshake tolerates
  the connection fails as a handshake would;
- a request from the server is answered with its payload and 16 random
  bytes of padding, if our extension allowed it (it always says
  peer_allowed_to_send) and no handshake is under way;
- what RFC 6520 §4 says to discard is discarded silently: a message shorter
  than its payload length and 16 bytes of padding, one longer than 2^14
  bytes, an unknown type, and a response that is not the answer to our
  request (1.1.x compared the sequence number; the whole payload is
  compared here).

The engine keeps the state; the driver keeps the clock (``timer`` /
``on_timeout`` as for handshake flights).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sclient.tls import events as ev
from sclient.tls import events_rare as evr
from sclient.tls.errors import LocalError, TLSError
from sclient.tls.registry import protocol as P

__all__ = ["REQUEST", "RESPONSE", "Heartbeats"]

REQUEST = 1
RESPONSE = 2
#: What 1.1.x sent: an 18-byte payload (sequence number + 16 random bytes)
#: and 16 bytes of padding, RFC 6520's minimum.
PAYLOAD = 18
PADDING = 16
#: RFC 6520 §4: no HeartbeatMessage is longer than 2^14 bytes.
MAX_MESSAGE = 1 << 14
#: The DTLS timer: 1 s, doubled at each timeout up to 60 s; the 13th
#: timeout ends the connection (as a handshake flight's does).
INITIAL_TIMEOUT = 1.0
MAX_TIMEOUT = 60.0
MAX_TIMEOUTS = 12


class Heartbeats:
    """One connection's heartbeats: the request in flight and its timer."""

    __slots__ = ("generation", "interval", "pending", "random", "seq", "timeouts")

    def __init__(self, random: Callable[[int], bytes]) -> None:
        self.random = random
        #: The sequence number of the next request.
        self.seq = 0
        #: The request in flight (its whole message), or None.
        self.pending: bytes | None = None
        self.generation = 0
        self.interval = INITIAL_TIMEOUT
        self.timeouts = 0

    def request(self) -> bytes:
        """A new request (raises if one is still in flight)."""
        if self.pending is not None:
            raise TLSError(None, "TLS_HEARTBEAT_PENDING")
        payload = self.seq.to_bytes(2, "big") + self.random(PAYLOAD - 2)
        msg = bytes((REQUEST,)) + PAYLOAD.to_bytes(2, "big") + payload + self.random(PADDING)
        self.pending = msg
        self.generation += 1
        self.interval = INITIAL_TIMEOUT
        self.timeouts = 0
        return msg

    def timed_out(self) -> bytes:
        """The timer expired: the request again, the timer doubled."""
        assert self.pending is not None
        self.timeouts += 1
        if self.timeouts > MAX_TIMEOUTS:
            self.pending = None
            raise LocalError(None, "READ_TIMEOUT_EXPIRED", "heartbeat")
        self.interval = min(2 * self.interval, MAX_TIMEOUT)
        self.generation += 1
        return self.pending

    def received(self, msg: bytes, may_answer: bool) -> tuple[str, bytes | None]:
        """A heartbeat record's payload: what became of it, and the response
        to send (if it was a request we answer)."""
        if len(msg) > MAX_MESSAGE:
            return "discarded: longer than 2^14 bytes", None
        if len(msg) < 3:
            return "discarded: too short", None
        kind = msg[0]
        length = int.from_bytes(msg[1:3], "big")
        if 3 + length + PADDING > len(msg):
            return "discarded: payload length too large", None
        payload = msg[3 : 3 + length]
        if kind == REQUEST:
            if not may_answer:
                return "discarded: request during a handshake", None
            answer = bytes((RESPONSE,)) + msg[1:3] + payload + self.random(PADDING)
            if len(answer) > MAX_MESSAGE:
                return "discarded: response would be too long", None
            return "request answered", answer
        if kind == RESPONSE:
            if self.pending is None or payload != self.pending[3 : 3 + PAYLOAD]:
                return "discarded: not the payload of our request", None
            self.pending = None
            self.seq = (self.seq + 1) & 0xFFFF
            self.timeouts = 0
            self.interval = INITIAL_TIMEOUT
            return "response", None
        return "discarded: unknown message type", None


def send(rl: Any, msg: bytes, events: list[ev.Event], retransmission: bool = False) -> None:
    """One heartbeat message in its own record, and the event that shows it."""
    rl.write(P.HEARTBEAT, msg, events)  # its record first, as OpenSSL's callbacks show them
    events.append(evr.HeartbeatSent(msg, retransmission))


def refuse() -> TLSError:
    """``B`` when the server did not allow requests (no extension, or
    peer_not_allowed_to_send), or the version carries none."""
    return TLSError(None, "TLS_HEARTBEAT_PEER_DOESNT_ACCEPT")
