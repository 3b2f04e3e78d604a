"""The engine's ``verify_certificates`` callback: runs the X.509 layer's chain
verification and prints s_client's per-depth callback lines on stderr at the
moment the certificate arrives (output.md §4, verify.md §1, §4).

The per-depth results are kept for ``-json``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sclient.app.console import Console


def verify_error_string(code: int) -> str:
    """``X509_verify_cert_error_string`` (3.0.19 wording)."""
    try:
        from sclient.x509 import errors
    except ImportError:
        errors = None  # type: ignore[assignment]
    if errors is not None:
        for name in ("error_string", "verify_error_string", "describe"):
            fn = getattr(errors, name, None)
            if callable(fn):
                return str(fn(code))
    return "ok" if code == 0 else "unknown certificate verification error"


@dataclass
class DepthResult:
    depth: int
    error: int
    ok: bool


@dataclass
class Verifier:
    """Callable handed to the engine as ``ClientConfig.verify_certificates``."""

    options: Any
    console: Console
    before: Callable[[], None]
    store: Any = None  # sclient.x509.store.TrustStore from -CAfile/-CApath/defaults
    code: int = 0
    results: list[DepthResult] = field(default_factory=list)
    called: bool = False

    def __call__(self, chain: Sequence[bytes]) -> int | None:
        self.before()
        self.called = True
        import importlib

        try:
            x509_verify = importlib.import_module("sclient.x509.verify")
        except ImportError:
            return None
        run = getattr(x509_verify, "verify_for_client", None)
        if run is None:
            return None
        outcome = run(chain, self.store, self.options)
        self.console.err("".join(outcome.lines))
        self.code = int(outcome.code)
        self.results = [DepthResult(r.depth, r.error, r.ok) for r in outcome.results]
        alert = outcome.alert
        return None if alert is None else int(alert)


def make_verifier(
    options: Any, console: Console, before: Callable[[], None], store: Any = None
) -> Verifier:
    return Verifier(options, console, before, store)
