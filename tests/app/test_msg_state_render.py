"""The -msg and -state renderers' texts for what the golden tests cannot
make a real server send (output.md §11 and §13, which cite OpenSSL's
``msg_cb`` and ``SSL_alert_desc_string_long``)."""

from __future__ import annotations

from sclient.report.msg import MsgRenderer, hex_lines, message_text
from sclient.report.state import StateRenderer, alert_line
from sclient.tls import events as ev
from sclient.tls.registry import protocol as P


def test_hex_lines_sixteen_a_line() -> None:
    assert hex_lines(bytes(range(17))) == (
        "    00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n    10\n"
    )
    assert hex_lines(b"") == ""


def test_unknown_handshake_type_has_no_comma() -> None:
    assert message_text(False, P.TLS1_3, P.HANDSHAKE, b"\x63\x00\x00\x00").startswith(
        "<<< TLS 1.3, Handshake [length 0004]???\n"
    )


def test_alert_names() -> None:
    assert "], fatal ???\n" in message_text(True, P.TLS1_2, P.ALERT, b"\x02\x29")  # 41
    assert "], ??? unknown_ca\n" in message_text(True, P.TLS1_2, P.ALERT, b"\x03\x30")
    assert "[length 0003], ???\n" in message_text(True, P.TLS1_2, P.ALERT, b"\x02\x30\x00")
    assert "], warning certificate_required\n" in message_text(
        False, P.TLS1_3, P.ALERT, b"\x01\x74"
    )


def test_unknown_version_and_content_type() -> None:
    assert message_text(False, 0xFEFD, P.RECORD_HEADER, b"\x16\xfe\xfd\x00\x01").startswith(
        "<<< Not TLS data or unknown version (version=65277, content_type=256) [length 0005]\n"
    )
    assert message_text(False, P.TLS1_2, 24, b"\x01").startswith(
        "<<< TLS 1.2, Unknown (content_type=24) [length 0001]\n"
    )


def test_long_alert_texts() -> None:
    assert alert_line(True, 2, 70) == "SSL3 alert read:fatal:protocol version\n"
    assert alert_line(False, 1, 0) == "SSL3 alert write:warning:close notify\n"
    assert alert_line(True, 2, 86) == "SSL3 alert read:fatal:unknown\n"
    assert alert_line(True, 2, 116) == "SSL3 alert read:fatal:unknown\n"
    assert alert_line(True, 7, 48) == "SSL3 alert read:unknown:unknown CA\n"


def test_message_version_follows_the_server_hello() -> None:
    """Messages carry the highest version until the ServerHello is accepted,
    then the negotiated one; a new connection starts over."""
    out: list[str] = []
    r = MsgRenderer(out.append, lambda: None, P.TLS1_3)
    table = r.table()
    table[ev.HandshakeReceived](ev.HandshakeReceived(2, b"\x02\x00\x00\x00"))
    table[ev.ServerHelloAccepted](ev.ServerHelloAccepted(P.TLS1_2))
    table[ev.HandshakeReceived](ev.HandshakeReceived(14, b"\x0e\x00\x00\x00"))
    r.new_connection()
    table[ev.HandshakeSent](ev.HandshakeSent(1, b"\x01\x00\x00\x00"))
    assert [
        line.split(",")[0] for line in "".join(out).splitlines() if "<" in line or ">" in line
    ] == [
        "<<< TLS 1.3",
        "<<< TLS 1.2",
        ">>> TLS 1.3",
    ]


def test_state_failure_line_only_during_the_handshake() -> None:
    from sclient.tls.errors import UnexpectedEOF

    out: list[str] = []
    table = StateRenderer(out.append).table()
    table[ev.ConnectionFailed](ev.ConnectionFailed(UnexpectedEOF()))
    table[ev.ConnectionFailed](ev.ConnectionFailed(UnexpectedEOF(), during_handshake=False))
    assert out == ["SSL_connect:error in error\n"]
