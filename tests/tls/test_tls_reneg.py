"""TLS 1.2 renegotiation (RFC 5746) in memory against the scripted server:
the renegotiation ClientHello as OpenSSL 3.0 builds it, renegotiation_info
checked, the new keys taking over, the -state moves, the refusals."""

from __future__ import annotations

import pytest
from tls_fakeserver import Fake12, converse
from tls_peers import config
from tls_scenarios import keys

from sclient.tls import events as ev
from sclient.tls import events_rare as evr
from sclient.tls.client import Client
from sclient.tls.errors import TLSError
from sclient.tls.registry import protocol as P
from sclient.tls.registry import suites
from sclient.tls.states import OsslState
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import ClientHello

S = OsslState


def connected(**kw: object) -> tuple[Client, Fake12]:
    server = Fake12(keys()["rsa"], ticket=b"T" * 48)
    c = Client(config(max_version=P.TLS1_2, **kw))
    conv = converse(c, server)
    assert c.handshake_complete, conv.failure
    return c, server


def run(c: Client, server: Fake12, first: list[ev.Event], rounds: int = 4) -> list[ev.Event]:
    """Exchange flights until neither side has more to say."""
    events = list(first)
    for _ in range(rounds):
        out = c.data_to_send()
        reply = server.feed(bytes(out)) if out else b""
        if not reply:
            break
        events += c.receive(reply)
    return events


def hello(server: Fake12) -> ClientHello:
    return server.ch


def states(events: list[ev.Event]) -> list[str]:
    return [e.state for e in events if isinstance(e, ev.StateChanged)]


def test_client_renegotiation_full_handshake() -> None:
    c, server = connected()
    first_verify = server.client_verify
    events = run(c, server, c.renegotiate())
    assert events[0] == evr.RenegotiationStarted(False)
    done = [e for e in events if isinstance(e, ev.RenegotiationComplete)]
    assert len(done) == 1 and done[0].resumed_session is None and not done[0].by_server
    assert not any(isinstance(e, ev.HandshakeComplete | ev.ConnectionFailed) for e in events)
    assert any(isinstance(e, ev.CertificateVerified) for e in events)
    ch = hello(server)
    # OpenSSL's renegotiation ClientHello: no SCSV, renegotiation_info first with
    # our last verify_data, no session offered (SSL_renegotiate's new_session).
    assert suites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV not in ch.cipher_suites
    assert isinstance(ch.extensions[0], X.RenegotiationInfo)
    assert ch.extensions[0].renegotiated_connection == first_verify
    assert ch.session_id == b""
    ticket = ch.ext(X.SessionTicket)
    assert ticket is not None and ticket.ticket == b""
    assert ch.ext(X.SupportedVersions) is None
    assert states(events)[:3] == [S.OK, S.CW_CLNT_HELLO, S.CW_CLNT_HELLO]
    # The new keys, both ways.
    c.send(b"after")
    server.feed(bytes(c.data_to_send()))
    assert server.received[-1] == (P.APPLICATION_DATA, b"after")
    got = c.receive(server.ciphers["app"].encrypt(P.APPLICATION_DATA, b"back"))
    assert [e.data for e in got if isinstance(e, ev.ApplicationData)] == [b"back"]
    assert c.handshake_complete


def test_hello_request_abbreviated_offer() -> None:
    """A HelloRequest: SSL_renegotiate_abbreviated, the session offered."""
    c, server = connected()
    session = c.session
    assert session is not None
    events = run(c, server, c.receive(server.hello_request()))
    assert evr.HelloRequestReceived() in events
    assert evr.RenegotiationStarted(True) in events
    assert any(isinstance(e, ev.RenegotiationComplete) and e.by_server for e in events)
    ch = hello(server)
    ticket = ch.ext(X.SessionTicket)
    assert ticket is not None and ticket.ticket == session.ticket
    assert ch.session_id == session.session_id
    assert states(events)[:5] == [S.OK, S.OK, S.CR_HELLO_REQ, S.CW_CLNT_HELLO, S.CW_CLNT_HELLO]


def test_renegotiation_twice_chains_the_binding() -> None:
    c, server = connected()
    run(c, server, c.renegotiate())
    second = server.client_verify
    events = run(c, server, c.receive(server.hello_request()))
    assert any(isinstance(e, ev.RenegotiationComplete) for e in events)
    ri = hello(server).ext(X.RenegotiationInfo)
    assert ri is not None and ri.renegotiated_connection == second


def test_renegotiation_info_mismatch() -> None:
    c, server = connected()
    server.reneg_info = bytes(24)
    events = run(c, server, c.renegotiate())
    failed = [e for e in events if isinstance(e, ev.ConnectionFailed)]
    assert failed and failed[0].error.reason == "RENEGOTIATION_MISMATCH"
    assert failed[0].during_handshake
    assert ev.AlertSent(2, 47) in events


def test_renegotiation_info_missing() -> None:
    c, server = connected()
    server.extensions = (X.EcPointFormats((0,)),)
    events = run(c, server, c.renegotiate())
    failed = [e for e in events if isinstance(e, ev.ConnectionFailed)]
    assert failed and failed[0].error.reason == "UNSAFE_LEGACY_RENEGOTIATION_DISABLED"


def test_server_refuses() -> None:
    """A no_renegotiation warning in answer to our ClientHello: handshake_failure."""
    c, server = connected()
    c.renegotiate()
    c.data_to_send()
    events = c.receive(server.ciphers["app"].encrypt(P.ALERT, b"\x01\x64"))
    failed = [e for e in events if isinstance(e, ev.ConnectionFailed)]
    assert failed and failed[0].error.reason == "NO_RENEGOTIATION"
    assert ev.AlertSent(2, 40) in events


def test_application_data_during_renegotiation() -> None:
    c, server = connected()
    c.renegotiate()
    events = c.receive(server.ciphers["app"].encrypt(P.APPLICATION_DATA, b"early"))
    assert [e.data for e in events if isinstance(e, ev.ApplicationData)] == [b"early"]


def test_no_renegotiation_refuses_r() -> None:
    c, _ = connected(no_renegotiation=True)
    with pytest.raises(TLSError) as info:
        c.renegotiate()
    assert info.value.reason == "RENEGOTIATION_DISABLED"


def test_bulk_mode_hello_request() -> None:
    """With the bulk data path on, a HelloRequest among application data
    records still starts the renegotiation."""
    c, server = connected(bulk_data=True)
    app = server.ciphers["app"]
    wire = app.encrypt(P.APPLICATION_DATA, b"one") + server.hello_request()
    events = run(c, server, c.receive(wire))
    assert b"".join(bytes(e.data) for e in events if isinstance(e, ev.ApplicationData)) == b"one"
    assert any(isinstance(e, ev.RenegotiationComplete) for e in events)
    got = c.receive(server.ciphers["app"].encrypt(P.APPLICATION_DATA, b"two"))
    assert b"".join(bytes(e.data) for e in got if isinstance(e, ev.ApplicationData)) == b"two"


def test_tls13_has_no_renegotiation() -> None:
    from tls_fakeserver import Fake13

    c = Client(config())
    conv = converse(c, Fake13(keys()["rsa"]))
    assert c.handshake_complete, conv.failure
    with pytest.raises(TLSError) as info:
        c.renegotiate()
    assert info.value.reason == "WRONG_SSL_VERSION"


def test_renegotiate_while_renegotiating() -> None:
    c, server = connected()
    first = c.renegotiate()
    assert c.renegotiate() == []
    events = run(c, server, first)
    assert len([e for e in events if isinstance(e, ev.RenegotiationComplete)]) == 1
