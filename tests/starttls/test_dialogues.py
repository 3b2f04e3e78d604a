"""Every dialogue against scripted byte sequences, through the program's driver
(line reads with read-ahead, chunk reads, the transcript) on a fake socket."""

from __future__ import annotations

import pytest

from sclient.app.starttls import Chunk, Exchange, run_exchange
from sclient.starttls import PROTOCOLS, dialogue
from sclient.starttls.irc import numeric
from sclient.starttls.ldap import START_TLS_REQUEST, parse_extended_response
from sclient.starttls.mysql import SSL_REQUEST, check_handshake
from sclient.starttls.steps import END, OK, SHUT, Context

NOT_FOUND = b"Didn't find STARTTLS in server response, trying anyway...\n"


class FakeConn:
    """A socket whose ``recv`` returns the scripted chunks in order (cut to the
    size asked for), then EOF; an ``OSError`` in the script is raised."""

    def __init__(self, chunks: list[bytes | OSError], readable: bool = True) -> None:
        self.chunks = list(chunks)
        self.sent: list[bytes] = []
        self.recv_sizes: list[int] = []
        self.bytes_read = 0
        self.bytes_written = 0
        self._readable = readable

    def recv(self, n: int = 16384) -> bytes:
        self.recv_sizes.append(n)
        if not self.chunks:
            return b""
        item = self.chunks.pop(0)
        if isinstance(item, OSError):
            raise item
        if len(item) > n:
            self.chunks.insert(0, item[n:])
            item = item[:n]
        self.bytes_read += len(item)
        return item

    def sendall(self, data: bytes) -> None:
        self.sent.append(data)
        self.bytes_written += len(data)

    def readable(self, timeout: float | None) -> bool:
        return self._readable and bool(self.chunks)

    def fileno(self) -> int:
        return -1


def run(
    kw: str,
    chunks: list[bytes | OSError],
    protohost: str | None = None,
    host: str = "127.0.0.1",
    readable: bool = True,
) -> tuple[Exchange, FakeConn, bytes]:
    conn = FakeConn(chunks, readable)
    errs: list[bytes] = []
    ex = run_exchange(conn, kw, Context(protohost, host), errs.append)  # type: ignore[arg-type]
    return ex, conn, b"".join(errs)


def test_registry_has_the_14_keywords_in_openssl_order() -> None:
    assert (
        tuple(
            [
                "smtp",
                "pop3",
                "imap",
                "ftp",
                "xmpp",
                "xmpp-server",
                "telnet",
                "irc",
                "mysql",
                "postgres",
                "lmtp",
                "nntp",
                "sieve",
                "ldap",
            ]
        )
        == PROTOCOLS
    )
    for kw in PROTOCOLS:
        assert callable(dialogue(kw))
    with pytest.raises(KeyError):
        dialogue("SMTP")


# --- smtp / lmtp ------------------------------------------------------------------


def test_smtp_success_transcript_and_residue() -> None:
    ex, conn, err = run(
        "smtp",
        [
            b"220-mail.test ESMTP\r\n220 ready\r\n",
            b"250-mail.test hello\r\n250-STARTTLS\r\n250 SIZE 1000\r\n",
            b"220 Ready to start TLS\r\n",
        ],
    )
    assert conn.sent == [b"EHLO mail.example.com\r\n", b"STARTTLS\r\n"]
    assert ex.outcome.status == OK and ex.outcome.offered is True
    assert ex.outcome.residue == b"250 SIZE 1000\r\n"
    assert err == b""
    # line reads refill 4096 at a time, the STARTTLS reply is one 8192 read
    assert conn.recv_sizes == [4096, 4096, 8192]
    assert [c.direction for c in ex.transcript] == [
        "received",
        "sent",
        "received",
        "sent",
        "received",
    ]


def test_smtp_name_and_lmtp() -> None:
    _, conn, _ = run("smtp", [b"220 x\r\n", b"250 STARTTLS\r\n"], protohost="mx.example")
    assert conn.sent[0] == b"EHLO mx.example\r\n"
    _, conn, _ = run("lmtp", [b"220 x\r\n", b"250 STARTTLS\r\n"])
    assert conn.sent[0] == b"LHLO mail.example.com\r\n"


def test_smtp_not_offered_warns_and_goes_on() -> None:
    ex, conn, err = run("smtp", [b"220 x\r\n", b"250-a\r\n250 starttls\r\n", b"502 no\r\n"])
    assert err == NOT_FOUND
    assert conn.sent[-1] == b"STARTTLS\r\n"
    assert ex.outcome.status == OK and ex.outcome.offered is False


def test_smtp_starttls_after_nul_is_not_seen() -> None:
    _, _, err = run("smtp", [b"220 x\r\n", b"250 X\0STARTTLS\r\n"])
    assert err == NOT_FOUND


def test_smtp_split_reads() -> None:
    ex, conn, err = run(
        "smtp",
        [b"22", b"0-a\r", b"\n220 b\r\n", b"250-STAR", b"TTLS\r\n250 ", b"OK\r\n", b"220 go\r\n"],
    )
    assert err == b""
    assert conn.sent == [b"EHLO mail.example.com\r\n", b"STARTTLS\r\n"]
    assert ex.outcome.residue == b"250 OK\r\n"


def test_smtp_read_ahead_is_discarded() -> None:
    # The EHLO reply and the STARTTLS reply arrive in one segment: the buffering
    # layer swallows the second and the chunk read then waits for more.
    ex, conn, _ = run("smtp", [b"220 x\r\n", b"250 STARTTLS\r\n220 go\r\n", b"later"])
    assert ex.transcript[-3:] == [
        Chunk("discarded", b"220 go\r\n"),
        Chunk("sent", b"STARTTLS\r\n"),
        Chunk("received", b"later"),
    ]
    assert conn.chunks == []


def test_smtp_eof_after_greeting_still_sends() -> None:
    ex, conn, err = run("smtp", [b"220 x\r\n"])
    assert conn.sent == [b"EHLO mail.example.com\r\n", b"STARTTLS\r\n"]
    assert err == NOT_FOUND
    assert ex.outcome.status == OK and ex.outcome.residue == b""


def test_long_line_is_cut_at_8191_bytes() -> None:
    ex, _, _ = run("smtp", [b"220 x\r\n", b"250-" + b"A" * 9000 + b"\r\n250 end\r\n"])
    # the cut line is 8191 bytes; its remainder "AAA...\r\n" ends the reply (4th byte is 'A')
    assert ex.outcome.residue == b"A" * (9004 - 8191) + b"\r\n"


# --- pop3 -------------------------------------------------------------------------


def test_pop3_residue_is_greeting_cut_to_reply_length() -> None:
    ex, conn, err = run("pop3", [b"+OK POP3 ready\r\n", b"+OK Begin TLS\r\n"])
    assert conn.sent == [b"STLS\r\n"]
    assert ex.outcome.residue == b"+OK POP3 ready\r"
    assert err == b"" and ex.outcome.offered is None


def test_pop3_residue_padded_when_reply_is_longer() -> None:
    ex, _, _ = run("pop3", [b"+OK\r\n", b"+OK go on with TLS\r\n"])
    assert ex.outcome.residue == b"+OK\r\n" + b"\0" * 15


def test_pop3_read_error_ends_without_summary() -> None:
    ex, _, err = run("pop3", [b"+OK\r\n", ConnectionResetError(104, "reset")])
    assert err == b"BIO_read failed\n"
    assert ex.outcome.status == END


def test_pop3_eof_is_not_an_error() -> None:
    ex, _, err = run("pop3", [])
    assert err == b"" and ex.outcome.status == OK and ex.outcome.residue == b""


# --- imap / ftp -------------------------------------------------------------------


def test_imap() -> None:
    ex, conn, err = run(
        "imap",
        [b"* OK ready\r\n", b"* CAPABILITY IMAP4rev1 STARTTLS\r\n. OK done\r\n", b". OK go\r\n"],
    )
    assert conn.sent == [b". CAPABILITY\r\n", b". STARTTLS\r\n"]
    assert ex.outcome.residue == b". OK done\r\n" and err == b""
    ex, _, err = run("imap", [b"* OK\r\n", b"* CAPABILITY IMAP4rev1\r\n. OK\r\n"])
    assert err == NOT_FOUND and ex.outcome.offered is False


def test_ftp_waits_for_three_digits_and_a_space() -> None:
    ex, conn, _ = run(
        "ftp", [b"220-Welcome\r\n220-x\r\nmore text\r\n220 FTP ready\r\n", b"234 ok\r\n"]
    )
    assert conn.sent == [b"AUTH TLS\r\n"]
    assert ex.outcome.residue == b"220 FTP ready\r\n"
    # "220\r\n" is longer than 3 bytes but not "ddd ": the loop reads on (EOF here)
    ex, _, _ = run("ftp", [b"220\r\n"])
    assert ex.outcome.residue == b""
    ex, _, _ = run("ftp", [b"22\n"])  # 3 bytes end the loop
    assert ex.outcome.residue == b"22\n"


# --- xmpp -------------------------------------------------------------------------

MARK = b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"


def test_xmpp_success_and_names() -> None:
    ex, conn, err = run("xmpp", [b"<stream:stream>", MARK, b"<proceed/>"])
    assert conn.sent[0] == (
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
        b"xmlns='jabber:client' to='127.0.0.1' version='1.0'>"
    )
    assert conn.sent[1] == b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
    assert ex.outcome.status == OK and ex.outcome.residue == b"" and err == b""
    _, conn, _ = run("xmpp-server", [MARK, b"<proceed/>"], protohost="chat.example")
    assert b"xmlns='jabber:server' to='chat.example'" in conn.sent[0]


def test_xmpp_double_quoted_marker() -> None:
    ex, _, _ = run("xmpp", [b'<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>', b"<proceed/>"])
    assert ex.outcome.status == OK


def test_xmpp_marker_split_across_reads_is_missed() -> None:
    ex, conn, err = run("xmpp", [MARK[:20], MARK[20:]])
    assert ex.outcome.status == SHUT and err == b"" and len(conn.sent) == 1


def test_xmpp_failures() -> None:
    ex, _, err = run("xmpp", [OSError(104, "reset")])
    assert (ex.outcome.status, err) == (END, b"BIO_read failed\n")
    ex, _, err = run("xmpp", [MARK, b"<failure/>"])
    assert (ex.outcome.status, err) == (SHUT, b"")
    ex, _, err = run("xmpp", [MARK, OSError(104, "reset")])
    assert (ex.outcome.status, err) == (SHUT, b"BIO_read failed\n")


# --- telnet / postgres / mysql ----------------------------------------------------


def test_telnet() -> None:
    ex, conn, _ = run("telnet", [b"\xff\xfd\x2e", b"\xff\xfa\x2e\x01\xff\xf0"])
    assert conn.sent == [b"\xff\xfb\x2e", b"\xff\xfa\x2e\x01\xff\xf0"]
    assert ex.outcome.status == OK
    assert run("telnet", [b"\xff\xfd\x2e\xff"])[0].outcome.status == SHUT
    assert run("telnet", [b"\xff\xfd\x2e", b"\xff\xfa\x2e\x01"])[0].outcome.status == SHUT


def test_postgres() -> None:
    ex, conn, err = run("postgres", [b"S"])
    assert conn.sent == [b"\x00\x00\x00\x08\x04\xd2\x16\x2f"] and ex.outcome.status == OK
    for reply in (b"N", b"SS", b""):
        ex, _, err = run("postgres", [reply])
        assert ex.outcome.status == SHUT and err == b""


def mysql_packet(payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "little") + b"\x00" + payload


GOOD_PAYLOAD = b"\x0a8.0\x00" + b"\x01\x00\x00\x00" + b"abcdefgh" + b"\x00" + b"\xff\xff" + b"x" * 8


def test_mysql_success_sends_the_fixed_ssl_request() -> None:
    ex, conn, err = run("mysql", [mysql_packet(GOOD_PAYLOAD)])
    assert conn.sent == [SSL_REQUEST] and len(SSL_REQUEST) == 36
    assert ex.outcome.status == OK and err == b""


@pytest.mark.parametrize(
    ("packet", "message"),
    [
        (None, "BIO_read failed\n"),
        (b"short", "MySQL packet too short.\n"),
        (mysql_packet(GOOD_PAYLOAD) + b"x", "MySQL packet length does not match.\n"),
        (
            mysql_packet(b"\x09" + GOOD_PAYLOAD[1:]),
            "Only MySQL protocol version 10 is supported.\n",
        ),
        (mysql_packet(b"\x0a" + b"8" * 30), "Cannot confirm server version. "),
        (mysql_packet(b"\x0a8.0\x00" + b"x" * 14), "MySQL server handshake packet is broken.\n"),
        (
            mysql_packet(GOOD_PAYLOAD.replace(b"abcdefgh\x00", b"abcdefghX")),
            "MySQL packet is broken.\n",
        ),
        (
            mysql_packet(GOOD_PAYLOAD.replace(b"\xff\xff", b"\xff\xf7")),
            "MySQL server does not support SSL.\n",
        ),
    ],
)
def test_mysql_checks(packet: bytes | None, message: str) -> None:
    assert check_handshake(packet) == message
    ex, conn, err = run("mysql", [OSError(104, "x") if packet is None else packet])
    assert ex.outcome.status == SHUT and err == message.encode() and conn.sent == []


# --- irc --------------------------------------------------------------------------


def test_irc_numeric_parsing() -> None:
    assert numeric(b":irc.test 670 nick :ok\r\n") == 670
    assert numeric(b"  a   -5x") == -5
    assert numeric(b"a +7") == 7
    assert numeric(b":irc.test NOTICE * :hi\r\n") is None
    assert numeric(b"word") is None
    assert numeric(b"a 1\0 2") == 1
    assert numeric(b"a \0 2") is None


def test_irc_success_after_other_numerics() -> None:
    ex, conn, err = run("irc", [b":s 001 n :hi\r\n:s 670 n :STARTTLS successful\r\n"])
    assert conn.sent == [b"STARTTLS\r\n"]
    assert ex.outcome.status == OK and ex.outcome.residue == b":s 670 n :STARTTLS successful\r\n"
    assert err == b""


def test_irc_refusals() -> None:
    ex, _, err = run("irc", [b":irc.test 421 nick STARTTLS :Unknown command\r\n"])
    assert err == (
        b"STARTTLS not supported: :irc.test 421 nick STARTTLS :Unknown command\r\n"
        b"Server does not support STARTTLS.\n"
    )
    assert ex.outcome.status == SHUT
    _, _, err = run("irc", [b":s 691 n :failed\r\n"])
    assert err == b"STARTTLS negotiation failed: Server does not support STARTTLS.\n"
    _, _, err = run("irc", [b":irc.test NOTICE * :hello\r\n:s 670 n :ok\r\n"])
    assert err == b"Server does not support STARTTLS.\n"
    # 451 without the word STARTTLS: the loop goes on and waits for more
    _, _, err = run("irc", [b":s 451 n :You have not registered\r\n"])
    assert err == b"Timeout waiting for response (8 seconds).\nServer does not support STARTTLS.\n"


def test_irc_timeout() -> None:
    ex, _, err = run("irc", [], readable=False)
    assert err == b"Timeout waiting for response (8 seconds).\nServer does not support STARTTLS.\n"
    assert ex.outcome.status == SHUT


# --- nntp / sieve -----------------------------------------------------------------


def test_nntp() -> None:
    ex, conn, err = run(
        "nntp",
        [
            b"200 ready\r\n",
            b"101 Capability list:\r\nVERSION 2\r\nSTARTTLS\r\n.\r\n",
            b"382 go\r\n",
        ],
    )
    assert conn.sent == [b"CAPABILITIES\r\n", b"STARTTLS\r\n"]
    assert ex.outcome.status == OK and ex.outcome.residue == b"382 go\r\n" and err == b""


def test_nntp_without_101_does_not_read_a_list() -> None:
    ex, _, err = run("nntp", [b"200 ready\r\n", b"480 auth\r\nSTARTTLS\r\n", b"502 no\r\n"])
    assert err == NOT_FOUND + b"STARTTLS failed: 502 no\r\n"
    assert ex.outcome.status == SHUT
    ex, _, err = run("nntp", [b"200\r\n", b"101 x\r\n.\r\n", OSError(104, "x")])
    assert err == NOT_FOUND + b"BIO_read failed\n" and ex.outcome.status == END


def test_sieve() -> None:
    ex, conn, err = run("sieve", [b'"IMPLEMENTATION" "x"\r\n"starttls"\r\nOK\r\n', b'ok "go"\r\n'])
    assert conn.sent == [b"STARTTLS\r\n"]
    assert err == b"" and ex.outcome.status == OK and ex.outcome.residue == b'ok "go"\r\n'
    ex, _, err = run("sieve", [b'"SASL" ""\r\nOK\r\n', b'NO "no"\r\n'])
    assert err == NOT_FOUND + b'STARTTLS not supported: NO "no"\r\n'
    assert ex.outcome.status == SHUT
    ex, _, err = run("sieve", [b'"STARTTLS"\r\nOK\r\n', b"O"])
    assert err == b"STARTTLS failed: O" and ex.outcome.status == SHUT


# --- ldap -------------------------------------------------------------------------


def test_ldap_request_bytes() -> None:
    assert (
        bytes.fromhex("301d02010177188016312e332e362e312e342e312e313436362e3230303337")
        == START_TLS_REQUEST
    )


@pytest.mark.parametrize(
    ("reply", "result", "message"),
    [
        ("300c02010178070a010004000400", 0, None),
        ("300c02010178070a013504000400", 53, None),
        ("", -1, "Unexpected LDAP response\n"),
        ("310c02010178070a010004000400", -1, "Unexpected LDAP response\n"),
        ("300d02010178070a010004000400", -1, "Unexpected LDAP response\n"),
        ("30800201017807", -1, "Unexpected LDAP response\n"),
        ("300c04010178070a010004000400", -1, "No MessageID\n"),
        ("300c02010177070a010004000400", -1, "Not ExtendedResponse\n"),
        ("300c02010178070400000004000400", -1, "Not LDAPResult\n"),
        ("300702010178020a00", -1, "Not LDAPResult\n"),
        ("300f020101780a0a048000000004000400", -(2**31), None),
    ],
)
def test_ldap_response_parse(reply: str, result: int, message: str | None) -> None:
    assert parse_extended_response(bytes.fromhex(reply)) == (result, message)


def test_ldap_dialogue_messages() -> None:
    ex, conn, err = run("ldap", [bytes.fromhex("300c02010178070a010004000400")])
    assert conn.sent == [START_TLS_REQUEST] and ex.outcome.status == OK and err == b""
    ex, _, err = run("ldap", [bytes.fromhex("300c02010178070a013504000400")])
    assert err == b"STARTTLS failed, LDAP Result Code: 53\n" and ex.outcome.status == SHUT
    ex, _, err = run("ldap", [b"garbage"])
    assert err == b"Unexpected LDAP response\nldap_ExtendedResponse_parse failed\n"
    ex, _, err = run("ldap", [bytes.fromhex("300f020101780a0a048000000004000400")])
    assert err == b"ldap_ExtendedResponse_parse failed\n" and ex.outcome.status == SHUT
    ex, _, err = run("ldap", [OSError(104, "x")])
    assert err == b"BIO_read failed\n" and ex.outcome.status == END


def test_write_errors_are_ignored() -> None:
    class Broken(FakeConn):
        def sendall(self, data: bytes) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    conn = Broken([b"220 x\r\n"])
    ex = run_exchange(conn, "smtp", Context(None, "h"), lambda b: None)  # type: ignore[arg-type]
    assert ex.outcome.status == OK
    assert all(c.direction != "sent" for c in ex.transcript)
