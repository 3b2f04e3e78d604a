"""sclient against the real servers, side by side with ``openssl s_client``.

For every ``-starttls`` keyword (a private postfix, dovecot, slapd, PostgreSQL,
MariaDB, prosody, InspIRCd, vsftpd or nnrpd; the scripted peer for telnet):
sclient completes a verified handshake over 127.0.0.1 and ::1, and the bytes it
sends before its ClientHello equal, byte for byte, what openssl sends to the
same server (recorded by a relay in front of it, in the same test). For smtp,
pop3, nntp and sieve the whole output, the STARTTLS residue on stderr and the
``SSL handshake has read N bytes and written M bytes`` counts included, equals
openssl's after masking what is random. Proxies: through squid and tinyproxy,
with and without Basic auth, a wrong password and a refused target, sclient's
output and exit status equal openssl's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from test_realpeers_openssl import (
    HOSTS,
    KEYWORDS,
    PROXIES,
    _host_id,
    _starttls,
    assert_verified_handshake,
)

from support.masking import mask
from support.peers import OpenSSLServer, refused_port
from support.pki import PKI
from support.procs import Result, run_openssl_s_client, run_sclient
from support.realpeers import PROXY_PASS, PROXY_USER, V4, RealPeers
from support.recorder import RecordingRelay
from support.starttls_ref import decode_bytes, load_openssl_pre_tls

pytestmark = pytest.mark.realpeers

READ = (re.compile(r"(SSL handshake has read )\d+( bytes)"), r"\1<R>\2")

#: Keywords whose whole output (residue and byte counts included) must equal openssl's.
WHOLE_OUTPUT = ("smtp", "pop3", "nntp", "sieve")


@pytest.mark.parametrize("host", HOSTS, ids=_host_id)
@pytest.mark.parametrize("keyword", KEYWORDS)
def test_sclient_starttls_verified_handshake(
    realpeers: RealPeers, pki: PKI, keyword: str, host: str
) -> None:
    target, extra = _starttls(realpeers, keyword, host)
    args = ["-starttls", keyword, "-connect", target, "-CAfile", str(pki["rsa"].root), *extra]
    assert_verified_handshake(run_sclient(args, timeout=30))


def _pre_tls(run: object, keyword: str, port: int, args: list[str]) -> tuple[Result, bytes]:
    with RecordingRelay(port, V4) as relay:
        r = run(["-starttls", keyword, "-connect", f"{V4}:{relay.port}", *args], timeout=30)  # type: ignore[operator]
        t = relay.last()
    assert t.saw_client_hello(), f"no ClientHello seen: {t.snapshot()!r}"
    return r, t.pre_tls_client()


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_sclient_sends_what_openssl_sends(realpeers: RealPeers, pki: PKI, keyword: str) -> None:
    peer = realpeers.starttls(keyword)
    args = ["-CAfile", str(pki["rsa"].root), *peer.extra_args]
    ours, sent = _pre_tls(run_sclient, keyword, peer.port, args)
    theirs, reference = _pre_tls(run_openssl_s_client, keyword, peer.port, args)
    assert_verified_handshake(ours)
    assert_verified_handshake(theirs)
    assert sent == reference
    stored = load_openssl_pre_tls().get(keyword)
    if stored is not None:
        assert sent == decode_bytes(stored["client"])


def _summary(stdout: str) -> str:
    """stdout up to the end of the summary block: what the server sends after the
    handshake (dovecot's post-TLS capabilities, ...) races the end of stdin."""
    end = stdout.rfind("\n---\n")
    return stdout if end < 0 else stdout[: end + 5]


def _same_output(ours: Result, theirs: Result, *extra: tuple[re.Pattern[str], str]) -> None:
    assert ours.rc == theirs.rc
    assert mask(_summary(ours.stdout), *extra) == mask(_summary(theirs.stdout), *extra)
    assert mask(ours.stderr, *extra) == mask(theirs.stderr, *extra)


@pytest.mark.parametrize("keyword", WHOLE_OUTPUT)
def test_sclient_output_equals_openssl(realpeers: RealPeers, pki: PKI, keyword: str) -> None:
    """stdout, stderr (the STARTTLS residue included) and the byte counts, TLS 1.2 (its
    handshake ends with the server's Finished: nothing arrives after it to count)."""
    target, extra = _starttls(realpeers, keyword, V4)
    args = ["-starttls", keyword, "-connect", target, "-CAfile", str(pki["rsa"].root)]
    args += [*extra, "-tls1_2", "-no_ticket"]
    for _ in range(3):
        ours, theirs = run_sclient(args, timeout=30), run_openssl_s_client(args, timeout=30)
        # nnrpd now and then drops a connection right after its greeting (both clients
        # then say "Didn't find STARTTLS"): a server hiccup, not a difference; run again.
        if "Didn't find STARTTLS" not in ours.stderr + theirs.stderr:
            break
    assert_verified_handshake(theirs, "TLSv1.2")
    counts = re.compile(r"^SSL handshake has read \d+ bytes and written \d+ bytes$", re.M)
    assert counts.findall(ours.stdout) == counts.findall(theirs.stdout)
    _same_output(ours, theirs)


# --- HTTP CONNECT proxies --------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_target(pki: PKI) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(pki["rsa"], ["-naccept", "1000", "-tls1_2", "-no_ticket"]) as srv:
        yield srv


def _both(
    realpeers: RealPeers, pki: PKI, name: str, host: str, *, auth: bool, creds: object, port: int
) -> tuple[Result, Result]:
    px = realpeers.proxy(name, auth=auth)
    if host not in px.hosts:
        pytest.skip("no IPv6 loopback on this machine")
    args = ["-proxy", px.proxy_arg(host), "-connect", f"{V4}:{port}"]
    if creds is not None:
        user, password = creds  # type: ignore[misc]
        args += ["-proxy_user", user, "-proxy_pass", f"pass:{password}"]
    args += ["-CAfile", str(pki["rsa"].root)]
    return run_sclient(args, timeout=30), run_openssl_s_client(args, timeout=30)


@pytest.mark.parametrize("host", HOSTS, ids=_host_id)
@pytest.mark.parametrize("auth", [False, True], ids=["open", "auth"])
@pytest.mark.parametrize("name", PROXIES)
def test_sclient_through_proxy(
    realpeers: RealPeers,
    pki: PKI,
    tls_target: OpenSSLServer,
    name: str,
    auth: bool,
    host: str,
) -> None:
    creds = (PROXY_USER, PROXY_PASS) if auth else None
    ours, theirs = _both(realpeers, pki, name, host, auth=auth, creds=creds, port=tls_target.port)
    assert_verified_handshake(theirs, "TLSv1.2")
    assert_verified_handshake(ours, "TLSv1.2")
    _same_output(ours, theirs)


@pytest.mark.parametrize(
    "case", ["no-credentials", "wrong-password", "refused-target", "refused-target-auth"]
)
@pytest.mark.parametrize("name", PROXIES)
def test_sclient_proxy_refusals(
    realpeers: RealPeers, pki: PKI, tls_target: OpenSSLServer, name: str, case: str
) -> None:
    auth = case != "refused-target"
    creds = {
        "no-credentials": None,
        "wrong-password": (PROXY_USER, "not-the-password"),
        "refused-target": None,
        "refused-target-auth": (PROXY_USER, PROXY_PASS),
    }[case]
    with refused_port() as closed:
        port = closed if case.startswith("refused") else tls_target.port
        ours, theirs = _both(realpeers, pki, name, V4, auth=auth, creds=creds, port=port)
    assert theirs.rc == 1 and "s_client: HTTP CONNECT failed, reason=" in theirs.stderr
    # The bytes read: the proxy writes its status line and its error page apart, and
    # how much of the page the one read gets is a matter of timing.
    _same_output(ours, theirs, READ)
