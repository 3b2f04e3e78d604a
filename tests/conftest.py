"""Shared pytest set-up.

- ``pki``: the session's test PKI (RSA, ECDSA P-256, Ed25519 chains).
- A header naming the client under test and the peers found on this machine.
- A per-test alarm so that no test can hang the run.
- The session fails (exit 5) when no test actually ran, e.g. everything
  skipped: a green run must have tested something.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.pki import PKI
from support.procs import sclient_cmd

# Real servers (postfix, dovecot, slapd, ...) for every test directory: one pool per
# session, each server started on first use (see support/realpeers.py).
from support.realpeers import (  # noqa: F401
    dovecot_peer,
    inspircd_peer,
    mariadb_peer,
    nnrpd_peer,
    postfix_peer,
    postgres_peer,
    prosody_peer,
    realpeers,
    slapd_peer,
    squid_proxy,
    telnet_peer,
    tinyproxy_proxy,
    vsftpd_peer,
)

#: Hard ceiling for one test (seconds); ``SCLIENT_TEST_TIMEOUT`` overrides.
TEST_TIMEOUT = int(os.environ.get("SCLIENT_TEST_TIMEOUT", "180"))

_ran = 0


def pytest_configure(config: pytest.Config) -> None:
    # A run started in the background of a script inherits SIGINT ignored, and
    # every client a test starts would inherit it too; the tests of Ctrl-C
    # need the disposition a terminal user has.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGTERM) == signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for line in (
        "interop: talks to a real TLS peer started on loopback",
        "golden: compares sclient with openssl s_client",
        "hostile: a scripted malicious or broken server",
        "realpeers: talks to a private instance of a real packaged server (postfix, slapd, ...)",
    ):
        config.addinivalue_line("markers", line)


def _version(cmd: list[str]) -> str:
    exe = shutil.which(cmd[0])
    if exe is None:
        return "not installed"
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=10, text=True)
    except (OSError, subprocess.TimeoutExpired) as e:  # pragma: no cover
        return f"error: {e}"
    return (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr).strip() else "?"


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"client under test: {shlex.join(sclient_cmd())}"
        + ("  (SCLIENT_CMD override)" if os.environ.get("SCLIENT_CMD") else ""),
        f"openssl: {_version(['openssl', 'version'])}; gnutls-serv: {_version(['gnutls-serv', '--version'])}",
    ]


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return PKI(Path(tmp_path_factory.mktemp("pki")))


class HangTimeout(Exception):
    pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Backstop: fail a test that runs longer than TEST_TIMEOUT seconds."""

    def on_alarm(signum: int, frame: object) -> None:
        raise HangTimeout(f"test exceeded {TEST_TIMEOUT}s (SCLIENT_TEST_TIMEOUT)")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _ran
    if report.when == "call" and not report.skipped:
        _ran += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.option.collectonly or hasattr(session.config, "workerinput"):
        return  # a worker's share may be all skipped: the controller counts every report
    if _ran == 0 and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line(
                "ERROR: no test ran (all skipped or none collected); failing the run", red=True
            )
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
