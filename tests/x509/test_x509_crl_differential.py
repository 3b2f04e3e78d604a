"""Differential revocation tests: sclient and ``openssl s_client`` with the same
CRL options against the same ``openssl s_server`` must print the same callback
lines, the same ``Verify return code`` and exit alike.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import crl_cases as cc
import crls
import pki
import pytest
import x509_oracle as oracle
from crl_cases import NOW, Built

from support import procs
from support.peers import OpenSSLServer

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available"),
]

_LINE = re.compile(
    r"^(depth=.*|verify error:.*|verify return:.*|Unable to load CRL.*|[0-9A-F]{16}:error:1E.*)$"
)


def _lines(stderr: str) -> list[str]:
    out = []
    for ln in stderr.splitlines():
        if _LINE.match(ln):
            out.append(re.sub(r"^[0-9A-F]{16}:", "TID:", ln))
    return out


def _code(stdout: str) -> str | None:
    m = re.search(r"^Verify return code: .*$", stdout, re.M)
    return m.group(0) if m else None


def _server(d: Path) -> OpenSSLServer:
    return OpenSSLServer(
        None,
        ["-tls1_3"],
        cert_args=[
            "-cert",
            str(d / "leaf.pem"),
            "-key",
            str(d / "leaf.key"),
            "-cert_chain",
            str(d / "inter.pem"),
        ],
    )


def _both(d: Path, client_args: list[str]) -> tuple[procs.Result, procs.Result]:
    with _server(d) as srv:
        base = ["-connect", f"127.0.0.1:{srv.port}", *client_args]
        ref = procs.run_openssl_s_client(base)
        ours = procs.run_sclient(base)
    procs.assert_clean_stderr(ours.stderr)
    return ref, ours


def _assert_same(ref: procs.Result, ours: procs.Result) -> None:
    assert _lines(ours.stderr) == _lines(ref.stderr), (
        f"openssl:\n{ref.stderr}\nours:\n{ours.stderr}"
    )
    assert _code(ours.stdout) == _code(ref.stdout)
    assert ours.rc == ref.rc


@pytest.mark.parametrize("name", list(cc.CASES))
def test_crl_case_matches_openssl(name: str, tmp_path: Path) -> None:
    case = cc.CASES[name]
    b = case.build()
    args = cc.write(b, tmp_path) + list(case.args)
    ref, ours = _both(tmp_path, args)
    _assert_same(ref, ours)
    errs = [ln for ln in _lines(ours.stderr) if ln.startswith("verify error:")]
    assert len(errs) == len(case.expect)
    assert _code(ours.stdout) is not None and f"code: {case.final} (" in str(_code(ours.stdout))


@contextlib.contextmanager
def _http(files: dict[str, bytes]) -> Iterator[int]:
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            if body is None:
                self.send_error(404, "File not found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv.server_port
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.parametrize("served", ["revoking", "missing", "garbage"])
def test_crl_download_matches_openssl(served: str, tmp_path: Path) -> None:
    files: dict[str, bytes] = {}
    with _http(files) as port:
        p = pki.build(
            now=NOW,
            leaf=pki.Role(extra=[crls.crldp_ext(f"http://127.0.0.1:{port}/inter.crl")]),
            inter=pki.Role(extra=[crls.crldp_ext(f"http://127.0.0.1:{port}/root.crl")]),
        )
        if served == "revoking":
            files["/inter.crl"] = cc.inter_crl(p)
            files["/root.crl"] = crls.make_crl(p.root, [], now=NOW)
        elif served == "garbage":
            files["/inter.crl"] = b"not a CRL"
        args = [*cc.write(Built(p), tmp_path), "-crl_check_all", "-crl_download"]
        ref, ours = _both(tmp_path, args)
    _assert_same(ref, ours)
    if served == "revoking":
        assert "verify error:num=23:certificate revoked" in ours.stderr
    else:
        assert "Unable to load CRL via CDP" in ours.stderr
