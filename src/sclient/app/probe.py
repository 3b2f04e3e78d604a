"""``-explain_probe``: ``-explain`` allowed to make extra connections.

When the handshake failed on a version or cipher mismatch, the run (after its
own connection, before its output ends) opens one more connection per
protocol version, TLS 1.3 down to TLS 1.0, each offering that version alone
with every suite the engine knows at security level 0, and stops each at the
server's ServerHello (or its refusal). What the server chose goes to
``RunReport.probes``; ``report.explain`` shows it. Nothing is probed through
a proxy, after STARTTLS, over DTLS or when the failure was something else.
"""

from __future__ import annotations

from typing import Any

from sclient.app.program import Program
from sclient.report.explain import ProbeResult
from sclient.tls.registry.protocol import TLS1_0, TLS1_1, TLS1_2, TLS1_3

#: The versions probed, newest first.
VERSIONS = (TLS1_3, TLS1_2, TLS1_1, TLS1_0)
#: TLS_AES_128_CCM_SHA256, TLS_AES_128_CCM_8_SHA256: not in OpenSSL's default list.
_CCM = (0x1304, 0x1305)
#: Seconds each probe waits for the server.
WAIT = 5.0


class ProbingProgram(Program):
    """The run, with the probe connections before its output ends."""

    def finish(self) -> int:
        import os

        try:
            if wanted(self):
                self.report.probes = [probe(self, v) for v in VERSIONS]
        except Exception:  # the probes never change the run's own outcome
            if os.environ.get("SCLIENT_DEBUG"):
                raise
        return super().finish()


def wanted(program: Program) -> bool:
    from sclient.app.jsonsetup import json_setup
    from sclient.report.explain import explain

    s = program.s
    c = program.current
    if not program.status or c.t_connected is None or not c.in_init:
        return False
    if s.target.proxied or s.target.unix is not None or s.config.dtls or program.o.starttls:
        return False
    found = explain(program.report, program.view, json_setup(program.o), program.c.err_log)
    return any(e.code == "version_or_cipher_mismatch" for e in found)


def _config(program: Program, version: int) -> Any:
    from sclient.base import structs
    from sclient.tls import conf_ciph
    from sclient.tls.config import DEFAULT_TLS13_SUITES

    every12 = conf_ciph.select("ALL:COMPLEMENTOFALL:@SECLEVEL=0", seclevel=0).suites
    return structs.replace(
        program.s.config,
        min_version=version,
        max_version=version,
        tls12_suites=every12,
        tls13_suites=(*DEFAULT_TLS13_SUITES, *(x for x in _CCM if x not in DEFAULT_TLS13_SUITES)),
        security_level=0,
        resume=None,
        early_data=None,
    )


def probe(program: Program, version: int) -> ProbeResult:
    """One connection offering ``version`` only: what the server answered."""
    from sclient.tls import events as ev
    from sclient.tls.client import Client
    from sclient.tls.errors import TLSError
    from sclient.transport import tcp

    t = program.s.target
    try:
        conn = tcp.connect(t.host, t.port, family=t.family)
    except tcp.ConnectError:
        return ProbeResult(version, error="connect failed")
    suite: int | None = None
    try:
        conn.sock.settimeout(WAIT)
        client = Client(_config(program, version))
        events: list[Any] = list(client.start() or [])
        while True:
            data = client.data_to_send()
            if data:
                conn.sendall(data)
            for e in events:
                if isinstance(e, ev.HandshakeReceived) and e.msg_type == 2:
                    suite = getattr(e.message, "cipher_suite", None)
                if isinstance(e, ev.ServerHelloAccepted):
                    return ProbeResult(version, chosen=e.version, suite=suite)
                if isinstance(e, ev.ConnectionFailed | ev.ConnectionClosed):
                    err = getattr(e, "error", None)
                    return ProbeResult(
                        version,
                        alert=getattr(err, "alert", None) if _peer(err) else None,
                        error=getattr(err, "reason", None) or "closed",
                    )
            chunk = conn.recv()
            events = list((client.receive(chunk) if chunk else client.receive_eof()) or [])
    except (OSError, TLSError) as exc:  # a timeout is an OSError
        return ProbeResult(version, error=type(exc).__name__)
    finally:
        conn.close()


def _peer(err: object) -> bool:
    from sclient.tls.errors import PeerAlert

    return isinstance(err, PeerAlert)
