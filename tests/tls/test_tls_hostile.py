"""Hostile servers: sclient must fail exactly like ``openssl s_client`` 3.0.19
(same alert on the wire, same error reason) and never raise or hang.

Each scenario of tls_scenarios.py runs in memory against :class:`Client`; the
alert is read back from the client's own bytes by the scripted server. The
recorded OpenSSL answers are re-checked against the real binary when it is
installed (``test_openssl_still_agrees``).
"""

from __future__ import annotations

import pytest
from tls_fakeserver import converse
from tls_peers import OPENSSL, config
from tls_scenarios import EXPECTED, SCENARIOS, Scenario

from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.errors import PeerAlert
from sclient.tls.registry import alerts
from sclient.tls.registry.reasons import REASONS

IDS = [s.name for s in SCENARIOS]


def _reason_text(error: object) -> str:
    if isinstance(error, PeerAlert):
        return alerts.describe(error.alert or 0).reason
    return REASONS[error.reason].text  # type: ignore[attr-defined]


@pytest.mark.parametrize("scen", SCENARIOS, ids=IDS)
@pytest.mark.parametrize("chunk", [0, 7], ids=["whole", "split7"])
def test_like_openssl(scen: Scenario, chunk: int) -> None:
    want_alert, want_reason = EXPECTED[scen.name]
    server = scen.factory()
    conv = converse(Client(config(**scen.config)), server, chunk=chunk)
    failure = conv.failure
    if not want_reason:
        assert failure is None, failure
        assert conv.of(ev.HandshakeComplete)
        return
    assert failure is not None, f"expected {want_reason!r}"
    assert conv.events[-1] is failure
    assert _reason_text(failure.error) == want_reason
    fatal = [a[1] for a in server.alerts if a[0] == alerts.FATAL]
    assert (fatal[0] if fatal else None) == want_alert
    if want_alert is not None:
        assert failure.error.alert == want_alert
        assert conv.of(ev.AlertSent)[-1] == ev.AlertSent(alerts.FATAL, want_alert)


@pytest.mark.interop
@pytest.mark.skipif(OPENSSL is None, reason="openssl binary not installed")
@pytest.mark.parametrize("scen", SCENARIOS, ids=IDS)
def test_openssl_still_agrees(scen: Scenario) -> None:
    from tls_oracle import openssl_verdict

    verdict = openssl_verdict(scen.factory, *scen.openssl_args)
    assert (verdict.alert, verdict.reason) == EXPECTED[scen.name], verdict.output[-2000:]


# --- DHE parameters cryptography cannot use (found by tests/fuzz) -----------------------------

_FFDHE2048 = __import__("sclient.tls.crypto.ffdhe", fromlist=["x"]).FFDHE_GROUPS[0x0100]


def _dhe_server(p: int, *, signed: bool = True):  # type: ignore[no-untyped-def]
    from tls_fakeserver import Fake12, Hooks
    from tls_scenarios import keys, replace

    plen = (p.bit_length() + 7) // 8
    hooks = (
        Hooks() if signed else Hooks(server_key_exchange=lambda s: replace(s, signature=b"x" * 256))
    )
    return Fake12(
        keys()["rsa"],
        hooks,
        dhe=(_FFDHE2048, 2),
        dhe_wire=(p.to_bytes(plen, "big"), b"\x02", b"\x02\x00"),
    )


def test_dhe_composite_prime_is_bad_dh_value() -> None:
    # cryptography refuses a composite p with ValueError, which escaped as an
    # internal_error ("unexpected exception"). OpenSSL does not test primality
    # and only fails at Finished; sclient cannot compute with such a p and
    # answers illegal_parameter, bad dh value (docs/compatibility.md).
    conv = converse(Client(config(max_version=0x0303)), _dhe_server(_FFDHE2048 + 4))
    failure = conv.failure
    assert failure is not None and failure.error.reason == "BAD_DH_VALUE"
    assert failure.error.alert == alerts.ILLEGAL_PARAMETER
    assert not failure.error.detail.startswith("unexpected exception")


def test_dhe_parameters_used_only_after_the_signature() -> None:
    # An unsigned (here: badly signed) ServerKeyExchange must not make us run
    # cryptography's checks of p (minutes for a large prime): OpenSSL's order,
    # the signature first; so a composite p with a bad signature is a bad signature.
    conv = converse(Client(config(max_version=0x0303)), _dhe_server(_FFDHE2048 + 4, signed=False))
    failure = conv.failure
    assert failure is not None and failure.error.reason == "BAD_SIGNATURE", failure


def test_dhe_prime_above_10000_bits_refused_at_once() -> None:
    import time

    from sclient.tls.crypto.kex import MAX_DH_BITS

    p = (1 << MAX_DH_BITS) | 3  # 10001 bits
    t0 = time.perf_counter()
    conv = converse(Client(config(max_version=0x0303)), _dhe_server(p, signed=False))
    assert time.perf_counter() - t0 < 2.0
    failure = conv.failure
    assert failure is not None and failure.error.reason == "BAD_DH_VALUE"
    assert failure.error.alert == alerts.ILLEGAL_PARAMETER
