"""``-explain`` diagnoses no loopback server can produce, from the facts a run
would have collected: a TCP connect that times out or finds no route (on
loopback a connect is refused at once, and the tests may reach nothing else)
and a silent server on a well-known port (the real servers of the other tests
listen on free ports)."""

from __future__ import annotations

import errno

import pytest

from sclient.report.collector import Collector, RunReport
from sclient.report.explain import explain
from sclient.report.present import View
from sclient.report.runsetup import Setup
from sclient.tls.errors import UnexpectedEOF


def _connect_failed(code: int) -> tuple[RunReport, list[str]]:
    col = Collector(0.0)
    col.new_connection(0)
    err_log = [f"connect:errno={code}\n"]
    return col.report, err_log


@pytest.mark.parametrize(
    ("code", "want", "words"),
    [
        (errno.ETIMEDOUT, "tcp_timeout", "did not answer"),
        (errno.EHOSTUNREACH, "tcp_unreachable", "no route"),
        (errno.ENETUNREACH, "tcp_unreachable", "no route"),
        (errno.ECONNREFUSED, "tcp_refused", "Nothing listens"),
    ],
)
def test_connect_failures(code: int, want: str, words: str) -> None:
    run, err_log = _connect_failed(code)
    found = explain(run, View(), Setup(host="192.0.2.1", port="443"), err_log)
    assert [e.code for e in found] == [want]
    assert words in found[0].finding and "192.0.2.1:443" in found[0].finding
    assert f"connect:errno={code} ({errno.errorcode[code]})" in found[0].evidence


@pytest.mark.parametrize(("port", "keyword"), [("5432", "postgres"), ("389", "ldap")])
def test_silent_server_on_a_well_known_port(port: str, keyword: str) -> None:
    col = Collector(0.0)
    c = col.new_connection(0)
    c.t_connected = 0.1
    c.error = UnexpectedEOF()
    c.tls_read = 0
    found = explain(col.report, View(), Setup(host="db.example.test", port=port), [])
    assert [e.code for e in found] == ["closed_without_alert"]
    assert f"-starttls {keyword}" in found[0].fix


def test_silent_server_elsewhere_names_no_protocol() -> None:
    col = Collector(0.0)
    c = col.new_connection(0)
    c.t_connected = 0.1
    c.error = UnexpectedEOF()
    c.tls_read = 0
    found = explain(col.report, View(), Setup(host="db.example.test", port="8443"), [])
    assert "-starttls" not in found[0].fix
