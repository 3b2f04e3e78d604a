"""The Client API and state machine, in memory against the scripted servers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tls_fakeserver import Fake12, Fake13, Hooks, Item, converse
from tls_peers import config
from tls_scenarios import keys

import sclient.tls
from sclient.tls import events as ev
from sclient.tls import events_rare as evr
from sclient.tls.client import BUG, Client
from sclient.tls.config import Verdict
from sclient.tls.errors import PeerAlert, TLSError, UnexpectedEOF, UsageError
from sclient.tls.registry import protocol as P
from sclient.tls.states import CCS, EXPECTED, OsslState
from sclient.tls.wire.handshake import HelloRequest


def handshake13(**kw: object) -> tuple[Client, Fake13, list[ev.Event]]:
    server = Fake13(keys()["rsa"], tickets=2)
    c = Client(config(**kw))
    conv = converse(c, server)
    assert c.handshake_complete, conv.failure
    return c, server, conv.events


def handshake12(**kw: object) -> tuple[Client, Fake12, list[ev.Event]]:
    server = Fake12(keys()["rsa"])
    c = Client(config(max_version=0x0303, **kw))
    conv = converse(c, server)
    assert c.handshake_complete, conv.failure
    return c, server, conv.events


def states(events: list[ev.Event]) -> list[str]:
    return [e.state for e in events if isinstance(e, ev.StateChanged)]


# --- -state sequences (observed with openssl s_client -state 3.0.19) -----------------------

S = OsslState


def test_state_sequence_tls13() -> None:
    _, _, events = handshake13()
    assert states(events) == [
        S.BEFORE,
        S.CW_CLNT_HELLO,
        S.CW_CLNT_HELLO,
        S.CR_SRVR_HELLO,
        S.CR_ENCRYPTED_EXTENSIONS,
        S.CR_CERT,
        S.CR_CERT_VRFY,
        S.CR_FINISHED,
        S.CW_CHANGE,
        S.CW_FINISHED,
        S.OK,
        S.OK,
        S.CR_SESSION_TICKET,
        S.OK,
        S.OK,
        S.CR_SESSION_TICKET,
    ]


def test_state_sequence_tls13_hrr() -> None:
    c = Client(config())
    conv = converse(c, Fake13(keys()["rsa"], hrr_group=0x0017))
    assert states(conv.events) == [
        S.BEFORE,
        S.CW_CLNT_HELLO,
        S.CW_CLNT_HELLO,
        S.CR_SRVR_HELLO,
        S.CW_CHANGE,
        S.CW_CLNT_HELLO,
        S.CW_CLNT_HELLO,
        S.CR_SRVR_HELLO,
        S.CR_ENCRYPTED_EXTENSIONS,
        S.CR_CERT,
        S.CR_CERT_VRFY,
        S.CR_FINISHED,
        S.CW_FINISHED,
    ]


def test_state_sequence_tls12() -> None:
    c = Client(config(max_version=0x0303))
    conv = converse(c, Fake12(keys()["rsa"], ticket=b"t" * 40))
    assert states(conv.events) == [
        S.BEFORE,
        S.CW_CLNT_HELLO,
        S.CW_CLNT_HELLO,
        S.CR_SRVR_HELLO,
        S.CR_CERT,
        S.CR_KEY_EXCH,
        S.CR_SRVR_DONE,
        S.CW_KEY_EXCH,
        S.CW_CHANGE,
        S.CW_FINISHED,
        S.CW_FINISHED,
        S.CR_SESSION_TICKET,
        S.CR_CHANGE,
        S.CR_FINISHED,
    ]


# --- events and sessions --------------------------------------------------------------------


def test_tls13_events_and_sessions() -> None:
    c, _server, events = handshake13(server_name="localhost")
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("PeerCertificates") < kinds.index("HandshakeComplete")
    done = next(e for e in events if isinstance(e, ev.HandshakeComplete))
    assert done.session.cipher_suite == 0x1301 and done.session.version == P.TLS1_3
    tickets = [e for e in events if isinstance(e, ev.NewSessionTicket)]
    assert len(tickets) == 2
    s = tickets[-1].session
    assert c.session is s
    assert (
        s.ticket == b"ticket-1"
        and s.ticket_age_add == 0x01020305
        and s.ticket_lifetime_hint == 7200
    )
    assert len(s.session_id) == 32 and len(s.master_key) == 32
    assert s.peer_certificate == keys()["rsa"].der
    # Every handshake message in and out has its raw bytes.
    for e in events:
        if isinstance(e, ev.HandshakeSent | ev.HandshakeReceived):
            assert e.raw[0] == e.msg_type and e.message is not None


def test_partial_session_before_completion() -> None:
    c = Client(config())
    assert c.session is not None and c.session.cipher_suite is None
    assert c.version == 0x0304 and c.negotiated is None
    conv = converse(
        c,
        Fake13(
            keys()["rsa"],
            hooks=Hooks(certificate_verify=lambda cv: cv.__class__(cv.scheme, bytes(256))),
        ),
    )
    assert conv.failure is not None
    assert c.session is not None and c.session.cipher_suite is None
    neg = c.negotiated
    assert neg is not None and neg.cipher_suite == 0x1301 and neg.peer_signature_scheme == 0x0804
    assert c.version == 0x0304


def _kinds(events: list[ev.Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_callback_moments_tls13() -> None:
    """ServerHelloAccepted with the ServerHello, ServerExtensionsSettled right
    after the EncryptedExtensions, CertificateVerified right after the chain."""
    seen: list[tuple[bytes, ...]] = []

    def verifier(chain: object) -> Verdict:
        seen.append(tuple(chain))  # type: ignore[arg-type]
        return Verdict(detail="mine")

    _c, _server, events = handshake13(verify_certificates=verifier)
    kinds = _kinds(events)
    assert kinds.count("ServerExtensionsSettled") == 1
    assert kinds.count("ServerHelloAccepted") == 1
    i = kinds.index("ServerExtensionsSettled")
    got = events[i - 1]
    assert isinstance(got, ev.HandshakeReceived) and got.msg_type == P.ENCRYPTED_EXTENSIONS
    accepted = events[kinds.index("ServerHelloAccepted")]
    assert accepted == ev.ServerHelloAccepted(P.TLS1_3)
    j = kinds.index("CertificateVerified")
    assert kinds[j - 1] == "PeerCertificates"
    verified = events[j]
    assert isinstance(verified, ev.CertificateVerified)
    assert verified.verdict == Verdict(detail="mine") and verified.chain == seen[0]
    done = next(e for e in events if isinstance(e, ev.HandshakeComplete))
    assert done.resumed_session is None


def test_callback_moments_tls12() -> None:
    _c, _server, events = handshake12()
    kinds = _kinds(events)
    assert kinds.count("ServerExtensionsSettled") == 1
    got = events[kinds.index("ServerExtensionsSettled") - 1]
    assert isinstance(got, ev.HandshakeReceived) and got.msg_type == P.SERVER_HELLO
    assert ev.ServerHelloAccepted(P.TLS1_2) in events
    assert kinds.index("ServerExtensionsSettled") < kinds.index("PeerCertificates")


def test_verdict_alert_ends_the_handshake() -> None:
    c = Client(config(verify_certificates=lambda chain: Verdict(alert=48)))
    conv = converse(c, Fake13(keys()["rsa"]))
    kinds = _kinds(conv.events)
    i = kinds.index("CertificateVerified")
    assert kinds[i - 1] == "PeerCertificates" and kinds[i + 1 :] == [
        "RecordSent",
        "AlertSent",
        "ConnectionFailed",
    ]
    failed = conv.events[-1]
    assert isinstance(failed, ev.ConnectionFailed) and failed.error.alert == 48


def test_connection_failed_carries_what_was_settled() -> None:
    c = Client(config())
    conv = converse(
        c,
        Fake13(
            keys()["rsa"],
            hooks=Hooks(certificate_verify=lambda cv: cv.__class__(cv.scheme, bytes(256))),
        ),
    )
    failed = conv.events[-1]
    assert isinstance(failed, ev.ConnectionFailed)
    assert failed.version == P.TLS1_3 and failed.negotiated == c.negotiated
    assert failed.session is c.session and failed.ccs_sent is False
    assert failed.session is not None and failed.session.peer_certificate == keys()["rsa"].der


def test_abort_reports_what_was_settled_without_an_alert() -> None:
    c = Client(config())
    c.start()
    c.data_to_send()
    events = c.abort("reset")
    assert len(events) == 1 and isinstance(events[0], ev.ConnectionFailed)
    assert events[0].error.alert is None and events[0].version is None
    assert events[0].session is not None and c.data_to_send() == b""
    assert c.abort() == []


def test_tls12_session_with_ticket() -> None:
    server = Fake12(keys()["rsa"], ticket=b"T" * 64, extensions=None)
    from sclient.tls.wire import extensions as X

    server.extensions = (X.RenegotiationInfo(b""), X.SessionTicket(), X.ExtendedMasterSecret())
    c = Client(config())
    converse(c, server)
    s = c.session
    assert s is not None and c.handshake_complete
    assert s.ticket == b"T" * 64 and s.ticket_lifetime_hint == 7200
    assert s.master_key == server.master and s.extended_master_secret
    from sclient.tls.crypto.hashes import digest

    assert s.session_id == digest("sha256", b"T" * 64)


def test_application_data_and_fragmentation() -> None:
    c, server, _ = handshake13(max_send_fragment=1000)
    events = c.send(b"x" * 2500)
    records = [e for e in events if isinstance(e, ev.RecordSent)]
    assert len(records) == 3
    server.feed(c.data_to_send())
    got = [pt for t, pt in server.received if t == P.APPLICATION_DATA]
    assert got == [b"x" * 1000, b"x" * 1000, b"x" * 500]
    reply = server.ciphers["app"].encrypt(P.APPLICATION_DATA, b"pong")
    events = c.receive(reply)
    assert [e.data for e in events if isinstance(e, ev.ApplicationData)] == [b"pong"]


def test_key_update_from_server() -> None:
    c, server, _ = handshake13()
    events = c.receive(server.key_update(True))
    assert evr.KeyUpdateReceived(True) in events
    answer = c.data_to_send()
    server.feed(answer)
    assert server.received[-1] == (P.HANDSHAKE, b"\x18\x00\x00\x01\x00")
    # Both directions use the new keys.
    server.read_cipher = server._cipher(
        __import__(
            "sclient.tls.crypto.keyschedule", fromlist=["x"]
        ).next_application_traffic_secret(server.hash, server.client_app)
    )
    c.send(b"after")
    server.feed(c.data_to_send())
    assert server.received[-1] == (P.APPLICATION_DATA, b"after")
    events = c.receive(server.ciphers["app"].encrypt(P.APPLICATION_DATA, b"back"))
    assert [e.data for e in events if isinstance(e, ev.ApplicationData)] == [b"back"]


def test_key_update_needs_tls13() -> None:
    c, _, _ = handshake12()
    with pytest.raises(TLSError) as info:
        c.key_update(True)
    assert info.value.reason == "WRONG_SSL_VERSION"


def test_hello_request_refused_with_no_renegotiation() -> None:
    c, server, _ = handshake12(no_renegotiation=True)
    events = c.receive(server.ciphers["app"].encrypt(P.HANDSHAKE, HelloRequest().encode()))
    assert evr.HelloRequestReceived() in events
    assert ev.AlertSent(1, 100) in events
    assert not any(isinstance(e, ev.ConnectionFailed) for e in events)
    assert evr.RenegotiationRefused() in events
    server.feed(c.data_to_send())
    assert server.alerts[-1] == b"\x01\x64"


def test_close_notify_and_eof() -> None:
    c, server, _ = handshake13()
    events = c.receive(server.ciphers["app"].encrypt(P.ALERT, b"\x01\x00"))
    assert events[-1] == ev.ConnectionClosed()
    assert c.receive(b"anything") == []
    assert c.receive_eof() == []


def test_eof_without_close_notify() -> None:
    c, _, _ = handshake13()
    events = c.receive_eof()
    assert isinstance(events[-1], ev.ConnectionFailed)
    assert isinstance(events[-1].error, UnexpectedEOF)
    assert not events[-1].during_handshake
    assert ev.AlertSent(2, 50) in events  # OpenSSL 3.0 says decode_error on EOF


def test_fatal_alert_from_server() -> None:
    c, server, _ = handshake13()
    events = c.receive(server.ciphers["app"].encrypt(P.ALERT, b"\x02\x50"))
    err = events[-1].error  # type: ignore[attr-defined]
    assert isinstance(err, PeerAlert) and err.alert == 80
    assert c.data_to_send() == b""


def test_close_sends_close_notify_once() -> None:
    c, server, _ = handshake13()
    assert ev.AlertSent(1, 0) in c.close()
    assert c.close() == []
    server.feed(c.data_to_send())
    assert server.alerts == [b"\x01\x00"]
    with pytest.raises(UsageError):
        c.send(b"late")


def test_usage_errors() -> None:
    c = Client(config())
    with pytest.raises(UsageError):
        c.receive(b"x")
    c.start()
    with pytest.raises(UsageError):
        c.send(b"x")
    with pytest.raises(UsageError):
        c.export_keying_material(b"label", None, 16)
    with pytest.raises(UsageError):
        c.start()


def test_exporter_tls13_and_tls12_differ_by_context() -> None:
    for c, _, _ in (handshake13(), handshake12()):
        a = c.export_keying_material(b"EXPERIMENTAL-x", None, 32)
        b = c.export_keying_material(b"EXPERIMENTAL-x", b"", 32)
        assert len(a) == 32
        assert (a == b) == (c.version == P.TLS1_3)


def test_input_after_failure_is_ignored() -> None:
    c = Client(config())
    c.start()
    c.data_to_send()
    events = c.receive(b"HTTP/1.1 200 OK\r\n\r\n")
    assert isinstance(events[-1], ev.ConnectionFailed)
    assert c.data_to_send() == b""  # wrong version number: no alert
    assert c.receive(b"\x16\x03\x03\x00\x01\x00") == []


def test_ccs_after_handshake_is_unexpected() -> None:
    c, _server, _ = handshake13()
    events = c.receive(b"\x14\x03\x03\x00\x01\x01")
    assert events[-1].error.reason == "BAD_RECORD_TYPE"  # type: ignore[attr-defined]


def test_handshake_message_split_over_records() -> None:
    """A message may span records (but not a key change)."""

    def split(items: list[Item]) -> list[Item]:
        hs = items[-1].data
        return items[:-1] + [
            Item(P.HANDSHAKE, hs[i : i + 100], "hs") for i in range(0, len(hs), 100)
        ]

    c = Client(config())
    converse(c, Fake13(keys()["rsa"], Hooks(items=split)))
    assert c.handshake_complete


def test_several_messages_in_one_record_tls12() -> None:
    c = Client(config(max_version=0x0303))
    conv = converse(c, Fake12(keys()["rsa"]))
    records = [e for e in conv.events if isinstance(e, ev.RecordReceived)]
    assert records[0].raw[5] == P.SERVER_HELLO  # SH..SHD in one record
    assert c.handshake_complete


def test_client_flight_is_one_chunk() -> None:
    """TLS 1.3 with a CertificateRequest: CCS, then Certificate and Finished
    each in a record of its own (as OpenSSL writes them), all returned by one
    data_to_send()."""
    from sclient.tls.wire.extensions import SignatureAlgorithms
    from sclient.tls.wire.handshake import CertificateRequest13

    request = CertificateRequest13(b"\x07", (SignatureAlgorithms((0x0804,)),))
    server = Fake13(keys()["rsa"], Hooks(certificate_request=lambda _: request))
    c = Client(config())
    c.start()
    events = c.receive(server.feed(c.data_to_send()))
    flight = c.data_to_send()
    assert c.data_to_send() == b""
    sent = [e for e in events if isinstance(e, ev.RecordSent)]
    assert [r.content_type for r in sent] == [
        P.CHANGE_CIPHER_SPEC,
        P.APPLICATION_DATA,
        P.APPLICATION_DATA,
    ]
    assert flight == b"".join(r.raw for r in sent)
    msgs = [e for e in events if isinstance(e, ev.HandshakeSent)]
    assert [m.msg_type for m in msgs] == [P.CERTIFICATE, P.FINISHED]
    assert msgs[0].raw == b"\x0b\x00\x00\x05\x01\x07\x00\x00\x00"  # empty, context echoed
    server.feed(flight)
    assert server.done and c.handshake_complete


# --- the state table ------------------------------------------------------------------------


def test_expected_table_covers_states() -> None:
    from sclient.tls import hello, tls12, tls13  # noqa: F401 - registers the states

    names = {cls.__name__ for cls in EXPECTED}
    assert {
        "ExpectServerHello",
        "ExpectEncryptedExtensions",
        "ExpectCertificate12",
        "Connected13",
    } <= names
    known = set(P.HANDSHAKE_NAMES) | {CCS}
    for cls, accepted in EXPECTED.items():
        assert accepted and accepted <= known, cls


@pytest.mark.parametrize(
    "msg_type", sorted(set(P.HANDSHAKE_NAMES) - {P.SERVER_HELLO, P.HELLO_REQUEST})
)
def test_every_other_message_is_unexpected_first(msg_type: int) -> None:
    c = Client(config())
    c.start()
    events = c.receive(b"\x16\x03\x03\x00\x04" + bytes((msg_type, 0, 0, 0)))
    assert events[-1].error.reason == "UNEXPECTED_MESSAGE"  # type: ignore[attr-defined]
    assert c.data_to_send()[-2:] == b"\x02\x0a"


# --- robustness -----------------------------------------------------------------------------


@given(data=st.binary(max_size=300), chunk=st.integers(1, 50))
@settings(max_examples=300, deadline=None)
def test_random_input_never_raises(data: bytes, chunk: int) -> None:
    c = Client(config())
    c.start()
    events: list[ev.Event] = []
    for i in range(0, len(data), chunk):
        events += c.receive(data[i : i + chunk])
    events += c.receive_eof()
    assert isinstance(events[-1], ev.ConnectionFailed | ev.ConnectionClosed)
    assert not getattr(events[-1], "error", TLSError(None, "x")).detail.startswith(BUG)


_FLIGHTS: dict[str, tuple[bytes, bytes]] = {}


def _flight(version: str) -> tuple[bytes, bytes]:
    """(our ClientHello bytes, the server's first flight), deterministic per run."""
    if version not in _FLIGHTS:
        import os

        seed = os.urandom(32)
        shares = {}
        from sclient.tls.crypto.kex import X25519KeyShare

        shares[0x001D] = X25519KeyShare.from_private_bytes(seed)
        cfg = config(random=lambda n: bytes(n), key_share_factory=lambda g: shares[g])
        if version == "1.2":
            cfg = config(random=lambda n: bytes(n), max_version=0x0303)
        c = Client(cfg)
        c.start()
        ch = c.data_to_send()
        server = Fake13(keys()["rsa"]) if version == "1.3" else Fake12(keys()["rsa"])
        _FLIGHTS[version] = (ch, server.feed(ch))
        _FLIGHTS[version + "cfg"] = (b"", b"")
        _CFG[version] = cfg
    return _FLIGHTS[version]


_CFG: dict[str, object] = {}


@given(
    version=st.sampled_from(["1.3", "1.2"]),
    edits=st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 255)), max_size=4),
    cut=st.integers(0, 6000),
    chunk=st.integers(1, 700),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_server_flight_never_raises(
    version: str, edits: list[tuple[int, int]], cut: int, chunk: int
) -> None:
    _, flight = _flight(version)
    data = bytearray(flight)
    for pos, val in edits:
        if data:
            data[pos % len(data)] = val
    data = data[:cut] if cut < len(data) else data
    c = Client(_CFG[version])  # type: ignore[arg-type]
    events = c.start()
    for i in range(0, len(data), chunk):
        events += c.receive(bytes(data[i : i + chunk]))
    events += c.receive_eof()
    for e in events:
        if isinstance(e, ev.ConnectionFailed):
            assert not e.error.detail.startswith(BUG), e.error.detail


# --- the sans-I/O boundary ------------------------------------------------------------------

FORBIDDEN = {"socket", "ssl", "select", "asyncio", "time", "selectors", "socketserver"}


def test_tls_package_does_no_io() -> None:
    root = Path(sclient.tls.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN
            ]
    assert not offenders


@given(
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 255)), min_size=1, max_size=3),
    cut=st.integers(0, 3000),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_encrypted_flight_never_raises(edits: list[tuple[int, int]], cut: int) -> None:
    """Mutate the TLS 1.3 server flight *before* protection, so the damaged
    messages reach the decoders and the state machine."""

    def mutate(items: list[Item]) -> list[Item]:
        out = []
        for it in items:
            if it.epoch == "hs":
                data = bytearray(it.data)
                for pos, val in edits:
                    data[pos % len(data)] = val
                it = Item(it.ctype, bytes(data[: max(cut, 1)]), "hs")
            out.append(it)
        return out

    c = Client(config())
    conv = converse(c, Fake13(keys()["ec"], Hooks(items=mutate)))
    for e in conv.events:
        if isinstance(e, ev.ConnectionFailed):
            assert not e.error.detail.startswith(BUG), e.error.detail


# --- a reply that is no TLS ----------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [b"220 mail.example.test ESMTP Postfix\r\n", b"HTTP/1.1 400 Bad Request\r\n\r\n", b"* OK"],
)
def test_first_bytes_of_a_reply_that_is_no_tls(reply: bytes) -> None:
    """The engine hands on what it refused (for -explain): the header event,
    then the bytes as they arrived, then the failure."""
    c = Client(config())
    c.start()
    c.data_to_send()
    events = c.receive(reply + b"\x00" * 600)
    kinds = [type(e).__name__ for e in events]
    i = kinds.index("ForeignBytesReceived")
    assert kinds[i - 1] == "RecordHeaderReceived" and kinds[-1] == "ConnectionFailed"
    foreign = events[i]
    assert isinstance(foreign, evr.ForeignBytesReceived)
    assert foreign.data == (reply + b"\x00" * 600)[:512]
    failed = events[-1]
    assert isinstance(failed, ev.ConnectionFailed)
    assert failed.error.reason == "WRONG_VERSION_NUMBER"


def test_a_bad_tls_record_is_not_foreign() -> None:
    """A record with a TLS header (version 3.x) that fails is not shown as foreign."""
    c = Client(config())
    c.start()
    c.data_to_send()
    events = c.receive(b"\x17\x03\x03\x00\x05hello")
    assert not any(isinstance(e, evr.ForeignBytesReceived) for e in events)
    assert isinstance(events[-1], ev.ConnectionFailed)
