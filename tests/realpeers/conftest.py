"""Prints, at the end of the run, how long each real server took to start and
the bytes openssl sent before its ClientHello to each of them."""

from __future__ import annotations

import pytest

from support.realpeers import STARTUP_TIMES
from support.starttls_ref import CAPTURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not STARTUP_TIMES and not CAPTURES:
        return
    tr = terminalreporter
    tr.section("real servers")
    for name, secs in sorted(STARTUP_TIMES.items()):
        tr.write_line(f"{name:<10} started in {secs:.2f}s")
    if CAPTURES:
        tr.section("bytes openssl s_client sent before its ClientHello")
        for key, (server, sent, _dialogue) in sorted(CAPTURES.items()):
            tr.write_line(f"{key:<22} {server:<10} {sent!r}")
