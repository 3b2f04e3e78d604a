"""``-reconnect`` with ``-starttls smtp``: the dialogue runs again on every
one of the six connections, and the five reconnections resume (TLS 1.2 with
the scripted server's session cache), the same output as openssl s_client."""

from __future__ import annotations

import pytest

from starttls.scripted import ScriptedServer
from starttls.scripts import SUCCESS, smtp_ok
from starttls.test_differential import assert_same_output, serve  # noqa: F401
from support.procs import assert_clean_stderr, run_openssl_s_client, run_sclient

pytestmark = pytest.mark.golden


def test_reconnect_repeats_the_dialogue(serve) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server: ScriptedServer = serve(smtp_ok)
    args = ["-connect", f"127.0.0.1:{server.port}", "-starttls", "smtp", "-reconnect", "-tls1_2"]
    ref = run_openssl_s_client(args)
    server.wait_done(6)
    got = run_sclient(args)
    server.wait_done(12)
    assert_clean_stderr(got.stderr)
    assert len(server.records) == 12
    ours = server.records[6:]
    assert all(r.tls_ok for r in ours), [r.tls_error for r in ours]
    assert all(r.pre_tls == server.records[0].pre_tls for r in ours)
    assert b"EHLO" in ours[-1].pre_tls and b"STARTTLS" in ours[-1].pre_tls
    assert got.stdout.count("Reused, TLSv1.2") == 5
    assert got.stderr.count("250 SIZE 1000") == 6  # the residue, once per connection
    assert_same_output(ref, got)


@pytest.mark.parametrize("keyword", sorted(set(SUCCESS) - {"smtp"}))
def test_reconnect_repeats_every_dialogue(serve, keyword: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Every keyword's exchange runs on each of the six connections, byte for byte
    as on the first, and each reconnection resumes the session."""
    server: ScriptedServer = serve(SUCCESS[keyword])
    args = ["-connect", f"127.0.0.1:{server.port}", "-starttls", keyword, "-reconnect"]
    got = run_sclient([*args, "-tls1_2"])
    server.wait_done(6)
    assert_clean_stderr(got.stderr)
    assert got.rc == 0, got.stderr
    assert len(server.records) == 6
    assert all(r.tls_ok for r in server.records), [r.tls_error for r in server.records]
    assert all(r.pre_tls == server.records[0].pre_tls for r in server.records)
    assert server.records[0].pre_tls  # the exchange really happened
    assert got.stdout.count("Reused, TLSv1.2") == 5
