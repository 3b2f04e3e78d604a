"""The X.509 layer (level 3): OpenSSL 3.0's certificate verification and printing, as pure code.

Imports only ``base`` (``tls`` is allowed, below it); never ``report``,
``app`` or ``cli``. It returns verdicts and strings; it never
prints and never reads the clock (the time is a parameter).

Modules (none does I/O except loading trust-store files):

* :mod:`~sclient.x509.errors`   X509_V_ERR codes, strings, alerts
* :mod:`~sclient.x509.oids`     OpenSSL's object table: every OID <-> short/long name
* :mod:`~sclient.x509.names`    name parsing, comparison, hash, ``-nameopt`` rendering
* :mod:`~sclient.x509.cert`     a certificate as the verifier sees it
* :mod:`~sclient.x509.store`    ``-CAfile``/``-CApath``/default trust stores
* :mod:`~sclient.x509.verify`   ``X509_verify_cert`` producing callback calls
* :mod:`~sclient.x509.callback` s_client's verify callback (stderr lines, decision)
* :mod:`~sclient.x509.describe` summary lines (``a:``/``v:``, key bits, PEM)
* :mod:`~sclient.x509.text`     a certificate as ``X509_print_ex`` prints it (``-trace``)
* CRLs (:mod:`.crl`), policies (:mod:`.policy`), name constraints, DANE, Suite B

``cryptography`` is imported only when a key or signature is needed.
"""

from __future__ import annotations

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
    # __import__, not importlib.import_module: importing ``importlib`` itself
    # costs a connection some 0.6 M instructions
    return getattr(__import__(f"sclient.x509.{mod}", fromlist=[name]), name)
