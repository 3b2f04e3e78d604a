"""BoringSSL's ``bssl server`` on loopback: the real peer for Encrypted Client
Hello (RFC 9849), which no OpenSSL of this machine serves.

The binary is built by ``.ci/build-bssl`` (pinned PyPI source package
``boringssl==1.0.0.post1``) into ``.peers/bssl/bssl``; ``SCLIENT_BSSL`` may
name another one. Without it, tests skip with the reason.

``bssl server`` binds the wildcard IPv6 address: the LD_PRELOAD shim of
:mod:`support.peers` rewrites that to ``[::1]``, so the server is reached at
``[::1]:PORT`` only. With ``-www`` it answers an HTTP GET with a page that says
``Client sent SNI: NAME`` and ``Encrypted ClientHello: yes|no``.

:class:`EchKeys` makes an ECH key pair with ``bssl generate-ech``: the config
list the client is given (base64) and the config and key the server loads.
"""

from __future__ import annotations

import base64
import datetime as _dt
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from support.peers import free_port, loopback_bind_shim, wait_listening
from support.pki import write_pair
from support.procs import Proc

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BSSL = REPO / ".peers" / "bssl" / "bssl"
HOST6 = "::1"
PUBLIC_NAME = "public.example"
SECRET_NAME = "secret.example"


def bssl_binary() -> str:
    path = Path(os.environ.get("SCLIENT_BSSL", str(DEFAULT_BSSL)))
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.skip(f"BoringSSL's bssl not built ({path}): run .ci/build-bssl to test ECH")
    return str(path)


def make_cert(
    directory: Path, names: Sequence[str] = ("localhost", PUBLIC_NAME, SECRET_NAME), stem: str = ""
) -> tuple[Path, Path]:
    """A self-signed P-256 certificate for ``names`` (by default localhost,
    the public and the secret name): (cert.pem, key.pem). It is also the
    trust anchor."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sclient ECH test")])
    now = _dt.datetime.now(_dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(days=1))
        .not_valid_after(now + _dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return write_pair(cert, key, directory / f"{stem}cert.pem", directory / f"{stem}key.pem")


class EchKeys:
    """``bssl generate-ech``: one ECH key pair and its files."""

    def __init__(self, directory: Path, config_id: int, public_name: str = PUBLIC_NAME) -> None:
        self.dir = directory
        self.config_list = directory / f"list{config_id}.bin"
        self.config = directory / f"config{config_id}.bin"
        self.key = directory / f"key{config_id}.bin"
        subprocess.run(
            [
                bssl_binary(),
                "generate-ech",
                "-out-ech-config-list",
                str(self.config_list),
                "-out-ech-config",
                str(self.config),
                "-out-private-key",
                str(self.key),
                "-public-name",
                public_name,
                "-config-id",
                str(config_id),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )

    @property
    def b64(self) -> str:
        """The ECHConfigList as ``-ech_config_list`` takes it."""
        return base64.b64encode(self.config_list.read_bytes()).decode()


class BsslServer:
    """``bssl server -www -loop`` with one ECH key, on ``[::1]``."""

    def __init__(
        self, keys: EchKeys | None, cert: Path, key: Path, args: Sequence[str] = ()
    ) -> None:
        self.binary = bssl_binary()
        self.shim = loopback_bind_shim()
        self.keys = keys
        self.cert, self.key = cert, key
        self.args = list(args)
        self.port = free_port(HOST6)
        self.proc: Proc | None = None

    def _cmd(self) -> list[str]:
        cmd = [
            self.binary,
            "server",
            "-accept",
            str(self.port),
            "-cert",
            str(self.cert),
            "-key",
            str(self.key),
            "-www",
            "-loop",
        ]
        if self.keys is not None:
            cmd += ["-ech-key", str(self.keys.key), "-ech-config", str(self.keys.config)]
        return cmd + self.args

    def start(self) -> BsslServer:
        env = dict(os.environ)
        env["LD_PRELOAD"] = str(self.shim)
        for attempt in range(3):
            self.proc = Proc(self._cmd(), env=env)
            try:
                wait_listening(self.port, host=HOST6, proc=self.proc)
                return self
            except RuntimeError:
                self.proc.kill()
                if attempt == 2:
                    raise
                self.port = free_port(HOST6)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()

    def __enter__(self) -> BsslServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def connect(self) -> str:
        return f"[{HOST6}]:{self.port}"


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sclient-ech-"))
