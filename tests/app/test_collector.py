"""The collector folds engine events into one report; the text summary and the
JSON document both render from it, so they cannot disagree."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from sclient.report.collector import Collector
from sclient.report.jsonout import Setup, build_report
from sclient.report.present import View, summary_data
from sclient.report.summary import render_summary
from sclient.tls import events as ev
from sclient.tls.config import Verdict
from sclient.tls.errors import LocalError
from sclient.tls.session import Session
from sclient.x509.verdict import ChainVerdict, DepthResult
from support.pki import PKI

TLS12, TLS13 = 0x0303, 0x0304
SETUP = Setup(host="127.0.0.1", port="4433", sni="localhost")


def _ders(pki: PKI) -> tuple[bytes, ...]:
    pems = pki["rsa"].chain.read_bytes()
    return tuple(c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(pems))


def _negotiated(version: int, **kw: object) -> ev.Negotiated:
    return ev.Negotiated(
        version=version,
        cipher_suite=0xC02F if version == TLS12 else 0x1302,
        client_random=b"c" * 32,
        server_random=b"s" * 32,
        session_id=b"\x01" * 32,
        group=0x001D,
        **kw,  # type: ignore[arg-type]
    )


def _collector(pre_tls_read: int = 0) -> Collector:
    col = Collector(t_start=0.0)
    c = col.new_connection(first_err_line=0)
    c.t_connect_start, c.t_connected = 0.0, 0.001
    c.client_hello_sent = True
    c.pre_tls_read = pre_tls_read
    return col


def _verified(chain: tuple[bytes, ...], code: int) -> ev.CertificateVerified:
    verdict = ChainVerdict(code=code, depths=(DepthResult(0, code, True),))
    return ev.CertificateVerified(chain, Verdict(detail=verdict))


def test_full_tls12_handshake_text_and_json_agree(pki: PKI) -> None:
    chain = _ders(pki)
    col = _collector(pre_tls_read=40)
    session = Session(version=TLS12, cipher_suite=0xC02F, session_id=b"\x01" * 32)
    col.transport(bytes_read=2000, bytes_written=300)
    for e in (
        ev.RecordReceived(22, TLS12, b"x" * 1500),
        ev.ServerHelloAccepted(TLS12),
        ev.PeerCertificates(chain),
        _verified(chain, 20),
        ev.ChangeCipherSpecSent(),
        ev.RecordReceived(22, TLS12, b"y" * 100),
        ev.HandshakeComplete(_negotiated(TLS12), session),
    ):
        col.fold(e, now=0.5)
    run = col.report
    c = run.current
    assert not c.in_init and c.ccs_sent and c.version == TLS12
    # What OpenSSL read by then: the bytes before TLS, then record by record.
    assert (c.handshake_read, c.handshake_written) == (40 + 1600, 300)
    # The session s_client keeps carries this connection's verify result.
    assert run.session is not None and run.session.verify_result == 20
    view = View(max_version=TLS13)
    text = render_summary(summary_data(run, view, full=True))
    assert "Verify return code: 20 (unable to get local issuer certificate)" in text
    assert "SSL handshake has read 1640 bytes and written 300 bytes" in text
    assert text.count("-----BEGIN CERTIFICATE-----") == 1  # the leaf, as print_stuff shows it
    doc = build_report(run, view, SETUP, err_log=[])
    assert doc["verification"]["code"] == 20 and doc["verification"]["source"] == "chain"
    assert doc["session"]["id"] == "01" * 32
    assert doc["bytes"]["handshake_read"] == 1640
    assert len(doc["certificate_chain"]) == len(chain)


def test_resumption_reports_the_sessions_verify_result() -> None:
    col = _collector()
    offered = Session(version=TLS13, cipher_suite=0x1302, verify_result=18)
    new = Session(version=TLS13, cipher_suite=0x1302)
    col.fold(ev.ServerHelloAccepted(TLS13), 0.1)
    col.fold(
        ev.HandshakeComplete(_negotiated(TLS13, resumed=True), new, resumed_session=offered), 0.2
    )
    run = col.report
    assert run.current.verify_code() == 18
    text = render_summary(summary_data(run, View(), full=True))
    assert "Verify return code: 18 (self-signed certificate)" in text
    assert "Reused, TLSv1.3" in text
    doc = build_report(run, View(), SETUP, err_log=[])
    assert doc["verification"] == {
        "performed": False,
        "source": "session",
        "code": 18,
        "text": "self-signed certificate",
        "peername": None,
        "depths": [],
    }


def test_failure_after_server_hello_shows_what_was_settled() -> None:
    """A TLS 1.2 handshake that fails after the ServerHello: the summary's
    session has the protocol and EMS flag, the cipher only once our CCS went out."""
    partial = Session(version=TLS12, cipher_suite=0xC02F, session_id=b"\x02" * 32)
    for ccs, cipher_line in ((False, "Cipher is (NONE)"), (True, "ECDHE-RSA-AES128-GCM-SHA256")):
        col = _collector()
        col.fold(ev.ServerHelloAccepted(TLS12), 0.1)
        col.fold(
            ev.ConnectionFailed(
                LocalError(40, "SSLV3_ALERT_HANDSHAKE_FAILURE"),
                bytes_read=77,
                version=TLS12,
                negotiated=_negotiated(TLS12, extended_master_secret=True),
                session=partial,
                ccs_sent=ccs,
            ),
            0.2,
        )
        c = col.report.current
        assert c.in_init and c.tls_read == 77 and c.ccs_sent is ccs
        text = render_summary(summary_data(col.report, View(), full=True))
        assert cipher_line in text
        assert "Protocol  : TLSv1.2" in text
        assert "Extended master secret: yes" in text


def test_events_after_the_handshake_do_not_replace_its_chain(pki: PKI) -> None:
    chain = _ders(pki)
    col = _collector()
    col.fold(ev.PeerCertificates(chain), 0.1)
    col.fold(ev.HandshakeComplete(_negotiated(TLS13), Session(TLS13, 0x1302)), 0.2)
    col.fold(ev.PeerCertificates(chain[:1]), 0.3)  # a later (renegotiation) chain
    assert col.report.current.peer_chain == chain


def test_tickets_keep_the_handshakes_verify_result_and_become_the_session() -> None:
    col = _collector()
    col.fold(_verified((), 10), 0.1)
    col.fold(ev.HandshakeComplete(_negotiated(TLS13), Session(TLS13, 0x1302)), 0.2)
    ticket = Session(TLS13, 0x1302, ticket=b"t" * 10)
    col.fold(ev.NewSessionTicket(ticket), 0.3)
    c = col.report.current
    assert c.tickets == [ticket]
    assert col.report.session == ticket
    assert c.ticket_session(ticket).verify_result == 10
    doc = build_report(col.report, View(), SETUP, err_log=[])
    assert doc["tickets"] == [{"lifetime_hint": 0, "age_add": 0, "length": 10, "max_early_data": 0}]


def test_each_reconnection_is_its_own_connection_in_json() -> None:
    col = _collector()
    col.fold(ev.HandshakeComplete(_negotiated(TLS13), Session(TLS13, 0x1302)), 0.2)
    col.report.current.t_end = 0.3
    second = col.new_connection(first_err_line=0)
    second.t_connect_start = 0.4
    doc = build_report(col.report, View(), SETUP, err_log=[])
    assert [c["handshake_complete"] for c in doc["connections"]] == [True, False]
    assert doc["handshake_complete"] is False  # the top level is the last connection's


def _event_classes() -> dict[str, type]:
    from sclient.tls import events_rare

    return {
        name: value
        for module in (ev, events_rare)
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, ev.Event)
    }


def test_handlers_named_by_class_name_name_event_classes() -> None:
    """The collector's table names its events (those of tls.events_rare among
    them, so that it need not import that module): each name must be an event
    class's, or its events would be silently dropped."""
    from sclient.report import collector

    classes = _event_classes()
    assert set(collector._HANDLERS) <= set(classes), set(collector._HANDLERS) - set(classes)
    assert "HeartbeatReceived" in collector._HANDLERS  # one of tls.events_rare's


def test_stream_table_names_event_classes() -> None:
    from sclient.report.stream import Stream, TextStream

    classes = _event_classes()
    text = TextStream.__new__(TextStream)  # the table only binds methods
    names = {k if isinstance(k, str) else k.__name__ for k in TextStream.table(text)}
    assert names <= set(classes), names - set(classes)
    seen: list[object] = []
    stream = Stream()
    stream.subscribe({"PskUnusable": seen.append, ev.HandshakeComplete: seen.append})
    from sclient.tls import events_rare

    unusable = events_rare.PskUnusable(True)
    stream.publish(unusable)
    stream.publish(ev.ApplicationData(b"x"))
    assert seen == [unusable]
