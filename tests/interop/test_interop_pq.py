"""Post-quantum and hybrid key exchange against a real OpenSSL 3.5 (node 26)
and the OpenSSL 4.x that ``cryptography`` bundles (driven through its binding).

Each computable group is negotiated with data both ways; HelloRetryRequest
goes into a PQ group and out of one; OpenSSL 3.5's group-list syntax sends two
key shares; resumption sends a fresh share. MLKEM512 cannot be offered
(``cryptography`` has no ML-KEM-512).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.cryptopeer import BindingServer
from support.exchange import exchange
from support.jsondoc import sclient_json
from support.nodepeer import PQ_GROUPS, NodeServer
from support.peers import HOST
from support.pki import PKI, Chain
from support.procs import run_sclient

pytestmark = pytest.mark.interop

COMPUTABLE = tuple(g for g in PQ_GROUPS if g != "MLKEM512")


@pytest.fixture(scope="module")
def chain(pki: PKI) -> Chain:
    return pki["ecdsa"]


@pytest.fixture(scope="module")
def node_all(chain: Chain) -> Iterator[NodeServer]:
    with NodeServer(chain) as server:
        yield server


def _args(chain: Chain, *extra: str) -> list[str]:
    return ["-CAfile", str(chain.root), "-verify_return_error", *extra]


@pytest.mark.parametrize("group", COMPUTABLE)
def test_each_group_with_data_both_ways(node_all: NodeServer, chain: Chain, group: str) -> None:
    r = exchange(node_all, _args(chain, "-groups", group))
    assert r.rc == 0, r.stderr
    assert f"Negotiated TLS1.3 group: {group}\n" in r.stdout
    assert "Server Temp Key" not in r.stdout
    assert "Verify return code: 0 (ok)" in r.stdout
    brief = exchange(node_all, _args(chain, "-groups", group, "-brief"))
    assert f"Negotiated TLS1.3 group: {group}\n" in brief.stderr + brief.stdout


@pytest.mark.parametrize("group", ["X25519MLKEM768", "SecP384r1MLKEM1024", "MLKEM1024"])
def test_json_names_the_group(node_all: NodeServer, chain: Chain, group: str) -> None:
    conn = _json_conn(node_all, chain, "-groups", group)
    assert conn["group"] == group
    assert conn["server_temp_key"] is None
    assert conn["hello_retry_request"] is False


def _json_conn(server: NodeServer, chain: Chain, *args: str) -> dict[str, object]:
    """One -json run (the handshake's facts; stdin at EOF at once)."""
    r = run_sclient(["-connect", f"{HOST}:{server.port}", *_args(chain, *args), "-json"])
    assert r.rc == 0, r.stderr
    conn = sclient_json(r.stdout)["connections"][0]
    assert isinstance(conn, dict)
    return conn


def test_hello_retry_request_into_a_pq_group(chain: Chain) -> None:
    # The first ClientHello has an x25519 share only; the server wants the hybrid.
    with NodeServer(chain, ["SecP384r1MLKEM1024"]) as server:
        conn = _json_conn(server, chain, "-groups", "X25519:SecP384r1MLKEM1024")
        assert conn["hello_retry_request"] is True
        assert conn["group"] == "SecP384r1MLKEM1024"
        t = exchange(server, _args(chain, "-groups", "X25519:SecP384r1MLKEM1024", "-trace"))
        assert t.stdout.count("NamedGroup: SecP384r1MLKEM1024 (4589)") >= 2  # HRR, then the share


def test_hello_retry_request_out_of_a_pq_group(chain: Chain) -> None:
    with NodeServer(chain, ["X25519"]) as server:
        conn = _json_conn(server, chain, "-groups", "X25519MLKEM768:X25519")
        assert conn["hello_retry_request"] is True
        assert conn["group"] == "x25519"
        text = exchange(server, _args(chain, "-groups", "X25519MLKEM768:X25519"))
        assert "Server Temp Key: X25519, 253 bits" in text.stdout
        assert "Negotiated TLS1.3 group" not in text.stdout


def test_default_sends_two_key_shares_and_needs_no_retry(
    node_all: NodeServer, chain: Chain
) -> None:
    r = exchange(node_all, _args(chain, "-groups", "DEFAULT", "-trace"))
    assert r.rc == 0, r.stderr
    hello = r.stdout[: r.stdout.index("ServerHello")]
    assert "NamedGroup: X25519MLKEM768 (4588)" in hello
    assert "NamedGroup: ecdh_x25519 (29)" in hello
    assert "Negotiated TLS1.3 group: X25519MLKEM768" in r.stdout
    assert _json_conn(node_all, chain, "-groups", "DEFAULT")["hello_retry_request"] is False


def test_key_share_marker_picks_the_share(node_all: NodeServer, chain: Chain) -> None:
    # Without "*" the first group's share goes out (x25519, which this server
    # does not accept: a retry); "*MLKEM768" puts the share on MLKEM768.
    conn = _json_conn(node_all, chain, "-groups", "X25519:*MLKEM768")
    assert conn["group"] == "MLKEM768"
    assert conn["hello_retry_request"] is False


@pytest.mark.parametrize("group", ["X25519MLKEM768", "MLKEM1024"])
def test_resumption_with_a_fresh_kem_share(node_all: NodeServer, chain: Chain, group: str) -> None:
    # psk_dhe_ke: each resumed handshake carries a new share of the group.
    r = run_sclient(
        ["-connect", f"{HOST}:{node_all.port}", *_args(chain, "-groups", group, "-reconnect")]
    )
    assert r.rc == 0, r.stderr
    assert r.stdout.count("Reused, TLSv1.3") == 5, r.stdout
    assert f"Negotiated TLS1.3 group: {group}\n" in r.stdout


# --- a second OpenSSL: the one cryptography bundles (4.x), through its binding ---------


@pytest.mark.parametrize("group", COMPUTABLE)
def test_each_group_against_cryptographys_openssl(chain: Chain, group: str) -> None:
    with BindingServer(chain, PQ_GROUPS) as server:
        r = exchange(server, _args(chain, "-groups", group))
        assert r.rc == 0, r.stderr
        assert f"Negotiated TLS1.3 group: {group}\n" in r.stdout
        # The server's own account of the group (SSL_get0_group_name).
        assert server.negotiated() == [group]


def test_security_debug_names_kem_groups_as_openssl35(node_all: NodeServer, chain: Chain) -> None:
    # OpenSSL 3.5's callback gets NID_undef for an ML-KEM group: "UNDEF".
    r = exchange(
        node_all, _args(chain, "-groups", "*SecP384r1MLKEM1024:X25519", "-security_debug_verbose")
    )
    assert r.rc == 0, r.stderr
    lines = r.stdout + r.stderr
    assert "Security callback: Supported Curve=UNDEF, security bits=256: yes" in lines
    assert "Security callback: Supported Curve=X25519, security bits=128: yes" in lines


def test_retry_after_two_key_shares(chain: Chain) -> None:
    # -groups DEFAULT sends X25519MLKEM768 and X25519 shares; a P-256-only
    # server asks again, and the second ClientHello carries the P-256 share only.
    with NodeServer(chain, ["P-256"]) as server:
        r = exchange(server, _args(chain, "-groups", "DEFAULT", "-trace"))
        assert r.rc == 0, r.stderr
        second = r.stdout.split("ServerHello")[1]  # after the HelloRetryRequest
        hello2 = second[: second.index("ServerHello")] if "ServerHello" in second else second
        assert "NamedGroup: secp256r1 (P-256) (23)" in hello2
        assert "NamedGroup: X25519MLKEM768" not in hello2
        assert "NamedGroup: ecdh_x25519" not in hello2
        assert "Server Temp Key: ECDH, prime256v1, 256 bits" in r.stdout
        assert _json_conn(server, chain, "-groups", "DEFAULT")["hello_retry_request"] is True
