"""The real-server harness, proven with the reference client, ``openssl s_client``.

For every ``-starttls`` keyword a private instance of a real server (postfix,
dovecot, slapd, PostgreSQL, MariaDB, prosody, InspIRCd, vsftpd, nnrpd; a
scripted peer for telnet) must complete the STARTTLS exchange and a verified
handshake over 127.0.0.1 and ::1. A recording relay keeps the bytes openssl
sends before its ClientHello; they must equal ``openssl_pre_tls.json`` (the
reference the sclient tests compare with). ``SCLIENT_UPDATE_PRETLS=1``
rewrites that file from this run instead of comparing.

Proxies: ``-proxy`` through squid and tinyproxy to an ``openssl s_server``,
with and without Basic authentication, with a wrong password, and towards a
port where nothing listens.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.peers import OpenSSLServer, refused_port
from support.pki import PKI
from support.procs import Result, run_openssl_s_client
from support.realpeers import (
    PROXY_PASS,
    PROXY_USER,
    SERVERS,
    STARTTLS_KEYWORDS,
    V4,
    V6,
    Instance,
    RealPeers,
    loopback_only_violations,
    session_pids,
)
from support.recorder import RecordingRelay
from support.starttls_ref import (
    OPENSSL_PRE_TLS_FILE,
    decode_bytes,
    encode_bytes,
    load_openssl_pre_tls,
    record_capture,
)

pytestmark = pytest.mark.realpeers

KEYWORDS = sorted(STARTTLS_KEYWORDS)
HOSTS = (V4, V6)
UPDATE = os.environ.get("SCLIENT_UPDATE_PRETLS") == "1"

LEAF = "O = sclient tests, CN = localhost"
INTERMEDIATE = "O = sclient tests, CN = sclient RSA Intermediate CA"


def _host_id(h: str) -> str:
    return "v6" if ":" in h else "v4"


def assert_verified_handshake(r: Result, version: str = "TLSv1.3") -> None:
    """Exit 0, a real cipher, the negotiated version, the full chain sent, verify 0."""
    where = f"\n--- stdout ---\n{r.stdout}\n--- stderr ---\n{r.stderr}"
    assert r.rc == 0, f"openssl s_client exited {r.rc}{where}"
    assert "Cipher is (NONE)" not in r.stdout, where
    assert re.search(r"^New, TLSv1\.[23], Cipher is \S+$", r.stdout, re.M), where
    if version == "TLSv1.3":
        assert re.search(r"^New, TLSv1\.3, Cipher is TLS_\w+$", r.stdout, re.M), where
    else:
        assert re.search(rf"^\s+Protocol\s+: {re.escape(version)}$", r.stdout, re.M), where
    assert re.search(r"^\s*Verify return code: 0 \(ok\)$", r.stdout, re.M), where
    # The server sent leaf + intermediate (verification against the root alone needs both).
    assert f" 0 s:{LEAF}\n" in r.stdout, where
    assert f" 1 s:{INTERMEDIATE}\n" in r.stdout, where


def _starttls(realpeers: RealPeers, keyword: str, host: str) -> tuple[str, tuple[str, ...]]:
    peer = realpeers.starttls(keyword)
    if host not in peer.hosts:
        pytest.skip(f"no IPv6 loopback on this machine ({peer.server} listens on 127.0.0.1 only)")
    return peer.connect_arg(host), peer.extra_args


# --- STARTTLS against real servers ---------------------------------------------------------


@pytest.mark.parametrize("host", HOSTS, ids=_host_id)
@pytest.mark.parametrize("keyword", KEYWORDS)
def test_starttls_verified_handshake(
    realpeers: RealPeers, pki: PKI, keyword: str, host: str
) -> None:
    target, extra = _starttls(realpeers, keyword, host)
    args = ["-starttls", keyword, "-connect", target, "-CAfile", str(pki["rsa"].root), *extra]
    r = run_openssl_s_client(args, timeout=30)
    assert_verified_handshake(r)


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_starttls_tls12(realpeers: RealPeers, pki: PKI, keyword: str) -> None:
    """The same servers also negotiate TLS 1.2 (what most sclient tests pin)."""
    target, extra = _starttls(realpeers, keyword, V4)
    args = ["-starttls", keyword, "-connect", target, "-CAfile", str(pki["rsa"].root), "-tls1_2"]
    r = run_openssl_s_client([*args, *extra], timeout=30)
    assert_verified_handshake(r, "TLSv1.2")


@pytest.fixture(scope="module")
def reference() -> Iterator[dict[str, dict[str, str]]]:
    ref = {} if UPDATE else load_openssl_pre_tls()
    captured: dict[str, dict[str, str]] = {}
    yield captured if UPDATE else ref
    if UPDATE and captured:
        merged = {**load_openssl_pre_tls(missing_ok=True), **captured}
        OPENSSL_PRE_TLS_FILE.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_starttls_pre_tls_bytes(
    realpeers: RealPeers, pki: PKI, keyword: str, reference: dict[str, dict[str, str]]
) -> None:
    """What openssl sends before its ClientHello, recorded by a relay in front of
    the real server, equals the stored reference byte for byte."""
    peer = realpeers.starttls(keyword)
    with RecordingRelay(peer.port, V4) as relay:
        args = ["-starttls", keyword, "-connect", f"{V4}:{relay.port}"]
        r = run_openssl_s_client(
            [*args, "-CAfile", str(pki["rsa"].root), *peer.extra_args], timeout=30
        )
        t = relay.last()
    assert_verified_handshake(r)
    assert t.saw_client_hello(), f"no ClientHello seen: {t.snapshot()!r}"
    sent = t.pre_tls_client()
    dialogue = t.pre_tls_dialogue()
    record_capture(keyword, peer.server, sent, dialogue)
    print(f"openssl -starttls {keyword} -> {peer.server}: {sent!r}")
    # The server answers the STARTTLS request before the ClientHello, except in
    # MySQL, where the SSLRequest has no answer (the server waits for the hello).
    last = "C" if keyword == "mysql" else "S"
    assert dialogue and dialogue[-1][0] == last, dialogue
    if UPDATE:
        reference[keyword] = {"server": peer.server, "client": encode_bytes(sent)}
        return
    if keyword not in reference:
        pytest.fail(f"{keyword}: no reference in {OPENSSL_PRE_TLS_FILE.name}; got {sent!r}")
    assert sent == decode_bytes(reference[keyword]["client"])


def test_telnet_peer_saw_start_tls(realpeers: RealPeers, pki: PKI) -> None:
    """The scripted telnet peer itself checks the RFC 2946 negotiation."""
    inst = realpeers.server("telnet")
    target, _ = _starttls(realpeers, "telnet", V4)
    before = len(inst.sessions)  # type: ignore[attr-defined]
    r = run_openssl_s_client(
        ["-starttls", "telnet", "-connect", target, "-CAfile", str(pki["rsa"].root)], timeout=30
    )
    assert_verified_handshake(r)
    deadline = time.monotonic() + 5
    sessions = inst.sessions  # type: ignore[attr-defined]
    while time.monotonic() < deadline:
        sessions = inst.sessions  # type: ignore[attr-defined]
        if len(sessions) > before and (sessions[-1]["version"] or sessions[-1]["error"]):
            break
        time.sleep(0.02)
    s = sessions[-1]
    assert s["pre_tls"] == b"\xff\xfb\x2e\xff\xfa\x2e\x01\xff\xf0", s
    assert s["version"] == "TLSv1.3", s


def test_xmpp_without_host_name_is_refused(realpeers: RealPeers, pki: PKI) -> None:
    """prosody serves only "localhost": a stream to 127.0.0.1 gets host-unknown and
    openssl gives up before TLS (exit 1) -- the peer really checks the exchange."""
    target, _ = _starttls(realpeers, "xmpp", V4)
    r = run_openssl_s_client(
        ["-starttls", "xmpp", "-connect", target, "-CAfile", str(pki["rsa"].root)], timeout=30
    )
    assert r.rc == 1, r
    assert "New, (NONE), Cipher is (NONE)" in r.stdout, r.stdout


# --- HTTP CONNECT proxies --------------------------------------------------------------------

PROXIES = ("squid", "tinyproxy")


@pytest.fixture(scope="module")
def tls_target(pki: PKI) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(pki["rsa"], ["-naccept", "1000"]) as srv:
        yield srv


def _proxy_run(
    realpeers: RealPeers,
    pki: PKI,
    name: str,
    host: str,
    *,
    auth: bool,
    creds: tuple[str, str] | None,
    target_port: int,
) -> Result:
    px = realpeers.proxy(name, auth=auth)
    if host not in px.hosts:
        pytest.skip("no IPv6 loopback on this machine")
    args = ["-proxy", px.proxy_arg(host), "-connect", f"{V4}:{target_port}"]
    if creds is not None:
        args += ["-proxy_user", creds[0], "-proxy_pass", f"pass:{creds[1]}"]
    return run_openssl_s_client([*args, "-CAfile", str(pki["rsa"].root)], timeout=30)


def assert_connect_failed(r: Result, reason: str) -> None:
    where = f"\n--- stdout ---\n{r.stdout}\n--- stderr ---\n{r.stderr}"
    assert r.rc == 1, where
    assert f"s_client: HTTP CONNECT failed, reason= {reason}\n" in r.stderr, where
    assert "New, (NONE), Cipher is (NONE)" in r.stdout, where


@pytest.mark.parametrize("host", HOSTS, ids=_host_id)
@pytest.mark.parametrize("name", PROXIES)
def test_proxy_open(
    realpeers: RealPeers, pki: PKI, tls_target: OpenSSLServer, name: str, host: str
) -> None:
    r = _proxy_run(realpeers, pki, name, host, auth=False, creds=None, target_port=tls_target.port)
    assert_verified_handshake(r)


@pytest.mark.parametrize("host", HOSTS, ids=_host_id)
@pytest.mark.parametrize("name", PROXIES)
def test_proxy_basic_auth(
    realpeers: RealPeers, pki: PKI, tls_target: OpenSSLServer, name: str, host: str
) -> None:
    r = _proxy_run(
        realpeers,
        pki,
        name,
        host,
        auth=True,
        creds=(PROXY_USER, PROXY_PASS),
        target_port=tls_target.port,
    )
    assert_verified_handshake(r)


@pytest.mark.parametrize("name", PROXIES)
def test_proxy_auth_missing(
    realpeers: RealPeers, pki: PKI, tls_target: OpenSSLServer, name: str
) -> None:
    r = _proxy_run(realpeers, pki, name, V4, auth=True, creds=None, target_port=tls_target.port)
    assert_connect_failed(r, "407 Proxy Authentication Required")


#: What each proxy answers a wrong password with.
WRONG_PASSWORD = {"squid": "407 Proxy Authentication Required", "tinyproxy": "401 Unauthorized"}
#: What each proxy answers when nothing listens at the target.
REFUSED = {"squid": "503 Service Unavailable", "tinyproxy": "500 Unable to connect"}


@pytest.mark.parametrize("name", PROXIES)
def test_proxy_wrong_password(
    realpeers: RealPeers, pki: PKI, tls_target: OpenSSLServer, name: str
) -> None:
    r = _proxy_run(
        realpeers,
        pki,
        name,
        V4,
        auth=True,
        creds=(PROXY_USER, "not-the-password"),
        target_port=tls_target.port,
    )
    assert_connect_failed(r, WRONG_PASSWORD[name])


@pytest.mark.parametrize("auth", [False, True], ids=["open", "auth"])
@pytest.mark.parametrize("name", PROXIES)
def test_proxy_refused_target(realpeers: RealPeers, pki: PKI, name: str, auth: bool) -> None:
    creds = (PROXY_USER, PROXY_PASS) if auth else None
    with refused_port() as closed:
        r = _proxy_run(realpeers, pki, name, V4, auth=auth, creds=creds, target_port=closed)
    assert_connect_failed(r, REFUSED[name])


@pytest.mark.parametrize("auth", [False, True], ids=["open", "auth"])
@pytest.mark.parametrize("name", PROXIES)
def test_proxy_pre_tls_bytes(
    realpeers: RealPeers,
    pki: PKI,
    tls_target: OpenSSLServer,
    name: str,
    auth: bool,
    reference: dict[str, dict[str, str]],
) -> None:
    """The CONNECT request openssl sends (target port written as {port})."""
    px = realpeers.proxy(name, auth=auth)
    with RecordingRelay(px.port, V4) as relay:
        args = ["-proxy", f"{V4}:{relay.port}", "-connect", f"{V4}:{tls_target.port}"]
        if auth:
            args += ["-proxy_user", PROXY_USER, "-proxy_pass", f"pass:{PROXY_PASS}"]
        r = run_openssl_s_client([*args, "-CAfile", str(pki["rsa"].root)], timeout=30)
        t = relay.last()
    assert_verified_handshake(r)
    sent = t.pre_tls_client()
    key = f"proxy-{'auth' if auth else 'open'}"
    record_capture(f"{key} ({name})", name, sent, t.pre_tls_dialogue())
    generic = sent.replace(f":{tls_target.port} ".encode(), b":{port} ")
    print(f"openssl -proxy -> {name}: {sent!r}")
    if UPDATE:
        reference[key] = {"server": "any HTTP proxy", "client": encode_bytes(generic)}
        return
    assert generic == decode_bytes(reference[key]["client"])


# --- the harness itself ----------------------------------------------------------------------


def test_every_server_listens_on_loopback_only(realpeers: RealPeers) -> None:
    """Every socket a started server holds (TCP listening or UDP) is on 127.0.0.1/::1."""
    started: list[Instance] = []
    for name in SERVERS:
        try:
            started.append(realpeers.server(name))
        except pytest.skip.Exception:
            continue
    with_procs = [i for i in started if i.procs]
    if not with_procs:
        pytest.skip("no real server installed")
    bad = loopback_only_violations(with_procs)
    assert not bad, "sockets outside loopback:\n" + "\n".join(bad)


@pytest.mark.parametrize("name", ["postfix", "dovecot", "squid"])
def test_stop_leaves_nothing(tmp_path: Path, pki: PKI, name: str) -> None:
    """A stopped instance leaves no process (children included) and no directory."""
    pool = RealPeers(tmp_path, pki)
    inst = pool.server(name)
    sessions = {p.pid for p in inst.procs}
    assert session_pids(sessions), "the server's processes were not found"
    d = inst.dir
    t0 = time.monotonic()
    pool.close()
    print(f"{name}: stopped in {time.monotonic() - t0:.2f}s")
    left = session_pids(sessions)
    assert not left, f"left running: {left}"
    assert not d.exists()
