"""The server side of each STARTTLS dialogue, as :mod:`scripted` scripts.

``SUCCESS[kw]`` accepts STARTTLS the usual way (the transcripts of starttls.md);
``REFUSAL[kw]`` does not offer it or refuses it. Both read exactly what the
client is expected to send, so the ClientHello is never consumed as plaintext.
"""

from __future__ import annotations

from starttls.scripted import Script, ServerIO

# --- building blocks ------------------------------------------------------------------

LDAP_OK = bytes.fromhex("300c02010178070a010004000400")
LDAP_53 = bytes.fromhex("300c02010178070a013504000400")

XMPP_HEADER = (
    b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    b"xmlns:stream='http://etherx.jabber.org/streams' id='1' from='chat.test' version='1.0'>"
)
XMPP_FEATURES_TLS = (
    b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
    b"</starttls></stream:features>"
)
XMPP_FEATURES_NONE = (
    b"<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
)


def mysql_greeting(caps: int = 0xFFFF, version: bytes = b"8.0.36") -> bytes:
    payload = (
        b"\x0a"
        + version
        + b"\x00"
        + (7).to_bytes(4, "little")
        + b"abcdefgh"
        + b"\x00"
        + caps.to_bytes(2, "little")
        + b"\x21"
        + b"\x02\x00"
        + b"\xff\xc3"
        + b"\x15"
        + bytes(10)
        + b"ijklmnopqrst\x00"
        + b"caching_sha2_password\x00"
    )
    return len(payload).to_bytes(3, "little") + b"\x00" + payload


def read_ldap_message(io: ServerIO) -> bytes:
    head = io.read_exact(2)
    return head + io.read_exact(head[1]) if len(head) == 2 else head


# --- success ----------------------------------------------------------------------


def smtp_ok(io: ServerIO, verb: bytes = b"EHLO") -> bool:
    io.send(b"220-mail.test ESMTP\r\n220 ready\r\n")
    if not io.read_line().startswith(verb):
        return False
    io.send(b"250-mail.test hello\r\n250-STARTTLS\r\n250 SIZE 1000\r\n")
    if io.read_line() != b"STARTTLS\r\n":
        return False
    io.send(b"220 Ready to start TLS\r\n")
    return True


def lmtp_ok(io: ServerIO) -> bool:
    return smtp_ok(io, b"LHLO")


def pop3_ok(io: ServerIO) -> bool:
    io.send(b"+OK POP3 ready\r\n")
    if io.read_line() != b"STLS\r\n":
        return False
    io.send(b"+OK Begin TLS\r\n")
    return True


def imap_ok(io: ServerIO) -> bool:
    io.send(b"* OK IMAP4rev1 ready\r\n")
    if io.read_line() != b". CAPABILITY\r\n":
        return False
    io.send(b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n. OK CAPABILITY completed\r\n")
    if io.read_line() != b". STARTTLS\r\n":
        return False
    io.send(b". OK Begin TLS\r\n")
    return True


def ftp_ok(io: ServerIO) -> bool:
    io.send(b"220-Welcome\r\n220-second line\r\n220 FTP ready\r\n")
    if io.read_line() != b"AUTH TLS\r\n":
        return False
    io.send(b"234 AUTH TLS OK\r\n")
    return True


def xmpp_ok(io: ServerIO) -> bool:
    io.read_until(b"version='1.0'>")
    io.send(XMPP_HEADER + XMPP_FEATURES_TLS)
    if io.read_until(b"/>") != b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>":
        return False
    io.send(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    return True


def telnet_ok(io: ServerIO) -> bool:
    io.send(b"\xff\xfd\x2e")
    if io.read_exact(9) != b"\xff\xfb\x2e\xff\xfa\x2e\x01\xff\xf0":
        return False
    io.send(b"\xff\xfa\x2e\x01\xff\xf0")
    return True


def irc_ok(io: ServerIO) -> bool:
    if io.read_line() != b"STARTTLS\r\n":
        return False
    io.send(b":irc.test 670 nick :STARTTLS successful, go ahead\r\n")
    return True


def mysql_ok(io: ServerIO) -> bool:
    io.send(mysql_greeting())
    return len(io.read_exact(36)) == 36


def postgres_ok(io: ServerIO) -> bool:
    if io.read_exact(8) != b"\x00\x00\x00\x08\x04\xd2\x16\x2f":
        return False
    io.send(b"S")
    return True


def nntp_ok(io: ServerIO) -> bool:
    io.send(b"200 NNTP ready\r\n")
    if io.read_line() != b"CAPABILITIES\r\n":
        return False
    io.send(b"101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n")
    if io.read_line() != b"STARTTLS\r\n":
        return False
    io.send(b"382 Continue with TLS negotiation\r\n")
    return True


def sieve_ok(io: ServerIO) -> bool:
    io.send(b'"IMPLEMENTATION" "Scripted"\r\n"SASL" ""\r\n"STARTTLS"\r\n"VERSION" "1.0"\r\nOK\r\n')
    if io.read_line() != b"STARTTLS\r\n":
        return False
    io.send(b'OK "Begin TLS"\r\n')
    return True


def ldap_ok(io: ServerIO) -> bool:
    if len(read_ldap_message(io)) != 31:
        return False
    io.send(LDAP_OK)
    return True


SUCCESS: dict[str, Script] = {
    "smtp": smtp_ok,
    "pop3": pop3_ok,
    "imap": imap_ok,
    "ftp": ftp_ok,
    "xmpp": xmpp_ok,
    "xmpp-server": xmpp_ok,
    "telnet": telnet_ok,
    "irc": irc_ok,
    "mysql": mysql_ok,
    "postgres": postgres_ok,
    "lmtp": lmtp_ok,
    "nntp": nntp_ok,
    "sieve": sieve_ok,
    "ldap": ldap_ok,
}

# --- refusal ----------------------------------------------------------------------


def smtp_no(io: ServerIO, verb: bytes = b"EHLO") -> bool:
    io.send(b"220 mail.test ESMTP\r\n")
    io.read_line()
    io.send(b"250-mail.test hello\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
    io.read_line()
    io.send(b"502 5.5.1 Unrecognized command\r\n")
    return False


def lmtp_no(io: ServerIO) -> bool:
    return smtp_no(io, b"LHLO")


def pop3_no(io: ServerIO) -> bool:
    io.send(b"+OK POP3 ready\r\n")
    io.read_line()
    io.send(b"-ERR unknown command\r\n")
    return False


def imap_no(io: ServerIO) -> bool:
    io.send(b"* OK IMAP4rev1 ready\r\n")
    io.read_line()
    io.send(b"* CAPABILITY IMAP4rev1\r\n. OK CAPABILITY completed\r\n")
    io.read_line()
    io.send(b". BAD unknown command\r\n")
    return False


def ftp_no(io: ServerIO) -> bool:
    io.send(b"220 FTP ready\r\n")
    io.read_line()
    io.send(b"500 Unknown command\r\n")
    return False


def xmpp_no(io: ServerIO) -> bool:
    io.read_until(b"version='1.0'>")
    io.send(XMPP_HEADER + XMPP_FEATURES_NONE)
    return False


def xmpp_server_no(io: ServerIO) -> bool:
    io.read_until(b"version='1.0'>")
    io.send(XMPP_HEADER + XMPP_FEATURES_TLS)
    io.read_until(b"/>")
    io.send(b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    return False


def telnet_no(io: ServerIO) -> bool:
    io.send(b"\xff\xfc\x2e")  # IAC WONT START_TLS
    return False


def irc_no(io: ServerIO) -> bool:
    io.read_line()
    io.send(b":irc.test 421 nick STARTTLS :Unknown command\r\n")
    return False


def mysql_no(io: ServerIO) -> bool:
    io.send(mysql_greeting(caps=0xF7FF))
    return False


def postgres_no(io: ServerIO) -> bool:
    io.read_exact(8)
    io.send(b"N")
    return False


def nntp_no(io: ServerIO) -> bool:
    io.send(b"200 NNTP ready\r\n")
    io.read_line()
    io.send(b"480 Authentication required\r\n")
    io.read_line()
    io.send(b"502 Command unavailable\r\n")
    return False


def sieve_no(io: ServerIO) -> bool:
    io.send(b'"IMPLEMENTATION" "Scripted"\r\n"SASL" "PLAIN"\r\nOK\r\n')
    io.read_line()
    io.send(b'NO "STARTTLS not available"\r\n')
    return False


def ldap_no(io: ServerIO) -> bool:
    read_ldap_message(io)
    io.send(LDAP_53)
    return False


REFUSAL: dict[str, Script] = {
    "smtp": smtp_no,
    "pop3": pop3_no,
    "imap": imap_no,
    "ftp": ftp_no,
    "xmpp": xmpp_no,
    "xmpp-server": xmpp_server_no,
    "telnet": telnet_no,
    "irc": irc_no,
    "mysql": mysql_no,
    "postgres": postgres_no,
    "lmtp": lmtp_no,
    "nntp": nntp_no,
    "sieve": sieve_no,
    "ldap": ldap_no,
}
