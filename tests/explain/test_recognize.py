"""``report.explain.recognize``: the plaintext protocol a server's first bytes
belong to (the greetings below are those of the real servers: postfix,
vsftpd, ProFTPD, dovecot, INN, MariaDB, OpenSSH), and the ``-starttls`` to use."""

from __future__ import annotations

import pytest

from sclient.report.explain import recognize


@pytest.mark.parametrize(
    ("data", "want"),
    [
        (b"220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n", ("SMTP", "smtp")),
        (b"220 (vsFTPd 3.0.3)\r\n", ("FTP", "ftp")),
        (b"220 ProFTPD Server (Debian) [::ffff:127.0.0.1]\r\n", ("FTP", "ftp")),
        (b"* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot (Debian) ready.\r\n", ("IMAP", "imap")),
        (b"+OK Dovecot (Debian) ready.\r\n", ("POP3", "pop3")),
        (b"200 news.example.test InterNetNews NNRP server INN 2.7.1 ready\r\n", ("NNTP", "nntp")),
        (b'"IMPLEMENTATION" "Dovecot Pigeonhole"\r\n', ("ManageSieve", "sieve")),
        (b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", ("SSH", None)),
        (b"HTTP/1.0 400 Bad Request\r\n", ("HTTP", None)),
        (b"N\x00\x00\x01\x0a11.4.5-MariaDB\x00", None),  # sequence 1: not a greeting
        (b"\x59\x00\x00\x00\x0a11.4.5-MariaDB-deb12\x00\x08\x00\x00\x00", ("MySQL", "mysql")),
        (b"\x00\x01\x02garbage", None),
    ],
)
def test_recognize(data: bytes, want: tuple[str, str | None] | None) -> None:
    assert recognize(data) == want
