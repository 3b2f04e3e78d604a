"""``-status`` against scripted servers whose stapled response is not what
it should be: compared line for line with ``openssl s_client -status``
(stdout: ``OCSP response: response parse error`` and the dump, or the part
of ``OCSP_RESPONSE_print`` that OpenSSL gets to; stderr: d2i_OCSP_RESPONSE's
error queue before the SSL line)."""

from __future__ import annotations

import hostile_servers as h
import pytest

from golden.test_golden_msg_state import compare, run_client
from support import tlsforge as t
from support.peers import HOST, require
from support.pki import PKI
from support.procs import Result, sclient_cmd

pytestmark = pytest.mark.hostile

#: OCSPResponse encodings: each DER malformation d2i reports its own way, and
#: some that decode (a status without responseBytes, an unknown response type,
#: a basic response that does not decode, trailing bytes).
BODIES = {
    "not-a-header": "00",
    "wrong-tag": "0400",
    "empty-sequence": "3000",
    "status-not-enumerated": "3003020100",
    "status-empty": "30020a00",
    "status-padded": "30040a020001",
    "length-too-long": "300d0a0100a008300606012a0400",
    "indefinite-no-eoc": "3080",
    "bytes-not-explicit": "30050a01000500",
    "bytes-empty": "30050a0100a000",
    "bytes-no-type": "30070a0100a0023000",
    "bytes-no-response": "300a0a0100a005300306012a",
    "bytes-type-not-oid": "300a0a0100a005300304012a",
    "sigrequired": "30030a0105",
    "trailing-bytes": "30030a0100ff",
    "unknown-type": "300c0a0100a007300506012a0400",
    "basic-undecodable": "30140a0100a00f300d06092b0601050507300101040030",
}


def _run(prefix: list[str], pki: PKI, body: bytes) -> Result:
    srv = h.ScriptedServer(h._status12(b"\x01" + t.vec24(body)), pki).start()
    try:
        return run_client(prefix, ["-connect", f"{HOST}:{srv.port}", "-status"], stdin=b"")
    finally:
        srv.join(15)
        srv.stop()


@pytest.mark.parametrize("body", list(BODIES.values()), ids=list(BODIES))
def test_status_response(pki: PKI, body: str) -> None:
    require("openssl")
    data = bytes.fromhex(body)
    ref = _run(["openssl", "s_client"], pki, data)
    got = _run(sclient_cmd(), pki, data)
    compare(ref, got)
    assert got.rc == 1 and "OCSP response: " in got.stdout
