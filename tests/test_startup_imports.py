"""Start-up guard: what a run imports decides how fast ``sclient`` starts.

One connection with verification (``-CAfile``, TLS 1.3 and TLS 1.2, RSA and
ECDSA) runs under ``python -X importtime`` against a local ``openssl s_server``;
the test fails if a module known to be heavy, or one the run has no use for,
was imported.  ``-help`` imports nothing but the entry point and its text.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from tests.support.jsondoc import sclient_json
from tests.support.peers import OpenSSLServer
from tests.support.pki import PKI

#: Never on a plain connection's path: cryptography's certificate layer (and the
#: ``dataclasses``/``inspect``/``email`` machinery it pulls), its OpenSSL
#: backend object (its bindings and ``threading``: ``ec.ECDSA`` and
#: ``X25519PrivateKey.generate`` load it only for a capability check, see
#: ``sclient.base.pyca``), stdlib modules sclient has light substitutes for,
#: and sclient's own rooms for options the run does not use (OpenSSL's whole
#: object table included: the names ordinary certificates use are in
#: ``sclient.x509.oids._COMMON``) and the option table (the parser reads
#: ``sclient.cli.parsetable``, generated from it).
HEAVY = (
    "cryptography.x509",
    "cryptography.hazmat.backends",
    "cryptography.hazmat.bindings.openssl",
    "threading",
    "cryptography.hazmat.asn1",
    "cryptography.hazmat.primitives.serialization",
    "dataclasses",
    "inspect",
    "asyncio",
    "email",
    "urllib",
    "calendar",
    "locale",
    "ipaddress",
    "base64",
    "json",
    "sclient.x509._objects",
    "sclient.cli.options",
    "sclient.app.crl",
    "sclient.app.dane",
    "sclient.app.credentials",
    "sclient.app.sessions",
    "sclient.x509.crl",
    "sclient.x509.dane",
    "sclient.x509.identity",
    "sclient.x509.policy",
    "sclient.tls.conf",
    "sclient.tls.conf_ciph",
    "sclient.tls.rpk",
    "sclient.tls.events_rare",
    "sclient.app.ech",
    "sclient.cli.passwd",
    "sclient.starttls.steps",
    "sclient.report.jsonout",
    "sclient.report.msg",
    "sclient.report.trace",
    "sclient.report.state",
    "sclient.report.debugdump",
    "sclient.report.tlsextdebug",
    "sclient.report.secdebug",
    "sclient.transport.proxy",
    "sclient.transport.socketio",
)


def _heavy(module: str, allowed: tuple[str, ...] = ()) -> bool:
    for name in HEAVY:
        if (module == name or module.startswith(name + ".")) and name not in allowed:
            return True
    return False


def _run(args: list[str]) -> tuple[list[str], bytes]:
    """(the modules imported, stdout) of ``sclient args`` under ``-X importtime``."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sclient", *args],
        input=b"",
        capture_output=True,
        timeout=60,
    )
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, f"exit status {r.returncode}\n{err[-3000:]}"
    modules = [
        line.split("|")[-1].strip()
        for line in err.splitlines()
        if line.startswith("import time:") and "|" in line and "self [us]" not in line
    ]
    assert modules, "no -X importtime output"
    return modules, r.stdout


def _imported(args: list[str]) -> list[str]:
    return _run(args)[0]


@pytest.fixture(scope="module", params=["rsa", "ecdsa"])
def server(request: pytest.FixtureRequest, pki: PKI) -> Iterator[tuple[OpenSSLServer, str]]:
    kind = str(request.param)
    with OpenSSLServer(pki[kind]) as srv:
        yield srv, str(pki[kind].root)


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_connection_imports_nothing_heavy(server: tuple[OpenSSLServer, str], version: str) -> None:
    srv, root = server
    modules = _imported(
        ["-connect", f"127.0.0.1:{srv.port}", "-CAfile", root, "-verify_return_error", version]
    )
    assert "sclient.tls.client" in modules, "the run never reached the engine"
    assert "sclient.x509.verify" in modules, "the run never verified the chain"
    heavy = [m for m in modules if _heavy(m)]
    assert not heavy, f"a plain connection imported: {heavy}"


#: sclient run with ``compile`` wrapped: it writes at exit what was compiled,
#: modules' own files (when their bytecode is not cached) aside.
_COUNT_COMPILES = """
import builtins, runpy, sys
seen = []
real = builtins.compile
def compile(source, filename, *args, **kwargs):
    if not str(filename).endswith(".py"):
        seen.append((str(filename), str(source)[:60]))
    return real(source, filename, *args, **kwargs)
builtins.compile = compile
sys.argv = ["sclient", *sys.argv[1:]]
try:
    runpy.run_module("sclient", run_name="__main__", alter_sys=True)
finally:
    sys.stderr.write(f"compiled: {seen!r}\\n")
"""


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_connection_compiles_nothing(server: tuple[OpenSSLServer, str], version: str) -> None:
    """A run's first ``compile()`` costs some 10 M instructions (it sets up the
    ``ast`` module's types, to see whether it was given a tree), more than a
    tenth of sclient's own start-up: a plain connection calls it for nothing
    (``typing.NamedTuple``'s class form compiles each of its annotations,
    strings under ``from __future__ import annotations``; ``exec`` and ``eval``
    of a string do not pay it)."""
    srv, root = server
    args = ["-connect", f"127.0.0.1:{srv.port}", "-CAfile", root, "-verify_return_error", version]
    r = subprocess.run(
        [sys.executable, "-c", _COUNT_COMPILES, *args],
        input=b"",
        capture_output=True,
        timeout=60,
    )
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, f"exit status {r.returncode}\n{err[-3000:]}"
    assert b"Verify return code: 0 (ok)" in r.stdout, "the run never verified the chain"
    assert "compiled: []" in err, err[-3000:]


#: What only an RSA key needs: RSA's key and padding modules (``random`` with
#: them) and the key types' union that names every kind of key.
RSA_ONLY = (
    "cryptography.hazmat.primitives.asymmetric.rsa",
    "cryptography.hazmat.primitives.asymmetric.padding",
    "cryptography.hazmat.primitives.asymmetric.types",
    "random",
)


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_ecdsa_connection_imports_nothing_of_rsa(pki: PKI, version: str) -> None:
    with OpenSSLServer(pki["ecdsa"]) as srv:
        root = str(pki["ecdsa"].root)
        modules = _imported(
            ["-connect", f"127.0.0.1:{srv.port}", "-CAfile", root, "-verify_return_error", version]
        )
    assert "sclient.x509.verify" in modules, "the run never verified the chain"
    assert "cryptography.hazmat.primitives.asymmetric.ec" in modules
    rsa = [m for m in modules if m in RSA_ONLY]
    assert not rsa, f"a connection to an ECDSA server imported: {rsa}"


def test_rsa_connection_imports_rsa(pki: PKI) -> None:
    """The same guard on an RSA server sees RSA's modules: it can fail."""
    with OpenSSLServer(pki["rsa"]) as srv:
        modules = _imported(["-connect", f"127.0.0.1:{srv.port}", "-CAfile", str(pki["rsa"].root)])
    missing = [m for m in RSA_ONLY[:2] if m not in modules]
    assert not missing, f"an RSA connection did not import {missing}"


def test_json_imports_json_only_when_asked(server: tuple[OpenSSLServer, str]) -> None:
    srv, root = server
    modules, out = _run(["-connect", f"127.0.0.1:{srv.port}", "-CAfile", root, "-json"])
    assert sclient_json(out)["connections"], "no connection in the document"
    assert "json" in modules and "sclient.report.jsonout" in modules
    # ipaddress: the test certificates name ::1, printed in its compressed form.
    # _objects: the document names every extension, whatever its OID.
    allowed = ("json", "sclient.report.jsonout", "ipaddress", "sclient.x509._objects")
    heavy = [m for m in modules if _heavy(m, allowed=allowed)]
    assert not heavy, f"-json imported: {heavy}"


def test_guard_sees_a_heavy_import(server: tuple[OpenSSLServer, str]) -> None:
    """The same run with ``-msg``: the guard names the renderer it then needs."""
    srv, root = server
    modules = _imported(["-connect", f"127.0.0.1:{srv.port}", "-CAfile", root, "-msg"])
    assert [m for m in modules if _heavy(m)] == ["sclient.report.msg"]


def test_help_imports_only_its_text() -> None:
    modules = _imported(["-help"])
    ours = sorted(m for m in modules if m.split(".")[0] == "sclient")
    assert ours == ["sclient", "sclient.cli", "sclient.cli.helptext", "sclient.cli.main"], ours
    assert "typing" not in modules and "re" not in modules, "-help imported typing or re"
