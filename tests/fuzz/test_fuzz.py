"""A short budget of every fuzz target (``tools/fuzz.py run`` is the long one).

The corpus is replayed first: each recorded server flight must still complete
the handshake (else the engine's ClientHello changed and ``tools/fuzz.py
record`` must be run again), survive being decrypted and protected again
unchanged, and every seed certificate and session file must parse. Then each
target runs a few hundred derandomized examples; any exception outside the
engine's and parsers' own error types fails the run.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz import targets
from fuzz.engine import check_engine, flight_items, flights, protect
from sclient.tls import events as ev

#: Examples per target in the ordinary suite (seconds each).
SHORT_BUDGET = {"engine13": 300, "engine12": 300, "x509": 150, "session": 300}


def _kinds(events: list[ev.Event]) -> list[str]:
    return [type(e).__name__ for e in events if not isinstance(e, ev.RecordReceived)]


@pytest.mark.parametrize("flight", flights(), ids=lambda f: f.name)
def test_recorded_flight_completes(flight) -> None:  # type: ignore[no-untyped-def]
    whole = check_engine(flight.kind, flight.chunks)
    assert whole.failure is None and whole.client.handshake_complete
    # one byte at a time: the same events
    bytewise = check_engine(flight.kind, [bytes((b,)) for b in flight.data])
    assert _kinds(bytewise.events) == _kinds(whole.events)
    # decrypted and protected again: the same events (the mutations start from here)
    again = check_engine(flight.kind, [protect(flight, flight_items(flight))])
    assert _kinds(again.events) == _kinds(whole.events)


def test_corpus_seeds_parse() -> None:
    kinds = {f.kind for f in flights()}
    assert kinds == {"tls13", "tls12", "tls13resume", "tls12resume"}
    seeds = targets.cert_seeds()
    assert len(seeds) == 9
    for der in seeds.values():
        assert targets.check_certificate(der) is not None
    for kind in ("rsa", "ecdsa", "ed25519"):
        targets.check_chain((seeds[f"{kind}-leaf"], seeds[f"{kind}-int"]))
    targets.check_pem((targets.CORPUS / "certs" / "bundle.pem").read_bytes())
    assert len(targets.session_ders()) == 2
    for pem in targets.session_seeds():
        targets.check_session(("pem", pem))


@pytest.mark.parametrize("name", sorted(SHORT_BUDGET))
def test_short_fuzz(name: str) -> None:
    strategy, check = targets.TARGETS[name]

    @settings(
        max_examples=SHORT_BUDGET[name],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value: object) -> None:
        check(value)

    run()


def test_oracle_sees_a_stray_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine turns a stray exception into internal_error; the oracle must
    call that a bug (here: a certificate callback that raises)."""
    from fuzz import engine

    def broken(chain: object) -> None:
        raise IndexError("planted")

    monkeypatch.setitem(
        engine.FLIGHTS, "broken", dict(engine.FLIGHTS["tls13"], verify_certificates=broken)
    )
    flight = next(f for f in flights() if f.kind == "tls13")
    with pytest.raises(engine.EngineBug, match="planted"):
        check_engine("broken", flight.chunks)
