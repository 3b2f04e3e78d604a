"""A pool of long-lived peers for the interop matrix: one server per
(peer, certificate kind, variant), started on first use, stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.peers import OP_NO_ENCRYPT_THEN_MAC, GnuTLSServer, OpenSSLServer, PyTLSServer
from support.pki import PKI

#: gnutls-serv's NORMAL lacks DHE-RSA and RSA key exchange; add them.
GNUTLS_PRIORITY = "NORMAL:+DHE-RSA:+RSA:+SHA256:+SHA384"

#: Server settings per variant, per peer.
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {"openssl": [], "gnutls": GNUTLS_PRIORITY, "python": {}},
    "no_etm": {
        "openssl": ["-no_etm"],
        "gnutls": GNUTLS_PRIORITY + ":%NO_ETM",
        "python": {"options": OP_NO_ENCRYPT_THEN_MAC},
    },
    # Only P-256 for key exchange: a client offering an X25519 share first gets a HelloRetryRequest.
    "p256only": {
        "openssl": ["-groups", "P-256"],
        "gnutls": "NORMAL:-GROUP-ALL:+GROUP-SECP256R1",
        "python": {"ecdh_curve": "prime256v1"},
    },
    "frag512": {"openssl": ["-max_send_frag", "512"]},
    "alpn": {
        "openssl": ["-alpn", "h2,http/1.1"],
        "gnutls": GNUTLS_PRIORITY,
        "python": {"alpn": ["h2", "http/1.1"]},
    },
}


class PeerPool:
    def __init__(self, pki: PKI) -> None:
        self.pki = pki
        self.servers: dict[tuple[str, str, str], Any] = {}

    def get(self, peer: str, kind: str, variant: str = "default") -> Any:
        key = (peer, kind, variant)
        if key in self.servers:
            return self.servers[key]
        chain = self.pki[kind]
        conf = VARIANTS[variant][peer]
        srv: Any
        if peer == "openssl":
            srv = OpenSSLServer(chain, conf)
        elif peer == "gnutls":
            extra = ["--alpn=h2", "--alpn=http/1.1"] if variant == "alpn" else []
            srv = GnuTLSServer(chain, extra, priority=conf)
        elif peer == "python":
            conf = dict(conf)
            curve = conf.pop("ecdh_curve", None)
            srv = PyTLSServer(chain, ciphers="ALL", dh_params=self.pki.ffdhe2048, **conf)
            if curve:
                srv.ctx.set_ecdh_curve(curve)
        else:  # pragma: no cover
            raise ValueError(peer)
        srv.start()
        self.servers[key] = srv
        return srv

    def close(self) -> None:
        for srv in self.servers.values():
            srv.stop()
        self.servers.clear()


@pytest.fixture(scope="session")
def peers(pki: PKI) -> Iterator[PeerPool]:
    pool = PeerPool(pki)
    try:
        yield pool
    finally:
        pool.close()
