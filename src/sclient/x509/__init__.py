"""The X.509 layer: OpenSSL 3.0's certificate verification and printing, as pure code.

Modules (none does I/O except loading trust-store files; none reads the clock):

* :mod:`~sclient.x509.errors`   X509_V_ERR codes, strings, alerts
* :mod:`~sclient.x509.names`    name parsing, comparison, hash, ``-nameopt`` rendering
* :mod:`~sclient.x509.cert`     a certificate as the verifier sees it
* :mod:`~sclient.x509.store`    ``-CAfile``/``-CApath``/default trust stores
* :mod:`~sclient.x509.verify`   ``X509_verify_cert`` producing callback calls
* :mod:`~sclient.x509.callback` s_client's verify callback (stderr lines, decision)
* :mod:`~sclient.x509.describe` summary lines (``a:``/``v:``, key bits, PEM)

``cryptography`` is imported only when a key or signature is needed.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Certificate": "cert",
    "CertificateError": "cert",
    "Name": "names",
    "TrustStore": "store",
    "StoreLoadError": "store",
    "ErrorEntry": "store",
    "verify_chain": "verify",
    "VerifyParams": "verify",
    "VerifyResult": "verify",
    "CallbackCall": "verify",
    "CallbackOptions": "callback",
    "CallbackOutcome": "callback",
    "SClientVerifyCallback": "callback",
    "render": "callback",
    "error_string": "errors",
    "alert_for": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"sclient.x509.{mod}"), name)
