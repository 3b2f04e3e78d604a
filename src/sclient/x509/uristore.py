"""``-CAstore``/``-verifyCAstore``/``-chainCAstore``: OpenSSL 3.0's ``OSSL_STORE``
``file:`` loader as ``X509_STORE_load_store`` uses it.

Only the ``file`` scheme exists (as in the default provider): a plain path or a
``file:`` URI (``file:/abs``, ``file:///abs``, ``file://localhost/abs``). The
target must exist (else the error queue OpenSSL prints, then exit 1):

* a file: every certificate and CRL in it (PEM blocks of any order, or one DER
  certificate) is added; anything unreadable is skipped silently -- an empty or
  junk file simply adds nothing [obs 3.0.19];
* a directory: searched like a hashed CA directory when an issuer is looked up.

Opening follows ``OSSL_STORE_open_ex`` + the provider's ``file_open``: the
``file`` scheme is tried first with the URI as a path, then (for ``file:``
URIs) with the path part; a URI with another scheme is then tried with that
scheme, which no loader supports.
"""

from __future__ import annotations

import contextlib
import errno as _errno
import os

from sclient.base import der
from sclient.base.errorqueue import ErrorEntry
from sclient.base.pem import PemError, read_blocks
from sclient.x509.cert import Certificate, CertificateError, parse_trusted

_STORE = "STORE routines"
_PROV = "Provider routines"
_FILE_STORE = "../providers/implementations/storemgmt/file_store.c"


class StoreOpenError(Exception):
    def __init__(self, errors: list[ErrorEntry]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(e.reason for e in errors))


def unregistered_scheme(scheme: str) -> ErrorEntry:
    return ErrorEntry(
        0x16000069,
        _STORE,
        "ossl_store_get0_loader_int",
        "unregistered scheme",
        "../crypto/store/store_register.c",
        237,
        f"scheme={scheme}",
    )


def _unsupported(scheme: str) -> ErrorEntry:
    return ErrorEntry(
        0x1608010C,
        _STORE,
        "inner_loader_fetch",
        "unsupported",
        "../crypto/store/store_meth.c",
        381,
        "No store loader found. For standard store loaders you need at least one of the "
        "default or base providers available. Did you forget to load them? Info: Global "
        f"default library context, Scheme ({scheme} : 0), Properties (<null>)",
    )


def stat_error(path: str, err: OSError) -> ErrorEntry:
    en = err.errno or _errno.ENOENT
    return ErrorEntry(
        0x80000000 | en,
        "system library",
        "file_open",
        os.strerror(en),
        _FILE_STORE,
        266,
        f"calling stat({path})",
    )


def file_open_errors(path: str, err: OSError) -> list[ErrorEntry]:
    """What loading a local ``path`` through OSSL_STORE leaves when it cannot be
    opened (``Could not open file or uri for loading ...``)."""
    return [unregistered_scheme("file"), stat_error(path, err)]


def _file_open(uri: str, errors: list[ErrorEntry]) -> str | None:
    """The provider's ``file_open``: the path that exists, or None (errors appended)."""
    paths: list[tuple[str, bool]] = [(uri, False)]
    if uri[:5].lower() == "file:":
        p = uri[5:]
        if uri[5:7] == "//":
            paths.pop()
            if uri[7:17].lower() == "localhost/":
                p = uri[16:]
            elif uri[7:8] == "/":
                p = uri[7:]
            else:
                errors.append(
                    ErrorEntry(
                        0x1C8000DF,
                        _PROV,
                        "file_open",
                        "uri authority unsupported",
                        _FILE_STORE,
                        232,
                    )
                )
                return None
        paths.append((p, True))
    for path, absolute in paths:
        if absolute and not path.startswith("/"):
            errors.append(
                ErrorEntry(
                    0x1C8000DB,
                    _PROV,
                    "file_open",
                    "path must be absolute",
                    _FILE_STORE,
                    260,
                    f"Given path={path}",
                )
            )
            return None
        try:
            os.stat(path)
        except OSError as e:
            errors.append(stat_error(path, e))
            continue
        return path
    return None


def open_store(uri: str) -> str:
    """The local path ``uri`` names; raises :class:`StoreOpenError` as OpenSSL fails."""
    errors: list[ErrorEntry] = []
    schemes = ["file"]
    colon = uri.find(":")
    if 0 <= colon < 256:
        scheme = uri[:colon]
        if scheme.lower() != "file":
            if uri[colon + 1 : colon + 3] == "//":
                schemes.pop()
            schemes.append(scheme)
    for scheme in schemes:
        errors.append(unregistered_scheme(scheme))
        if scheme == "file":
            path = _file_open(uri, errors)
            if path is not None:
                return path
        else:
            errors.append(_unsupported(scheme))
    raise StoreOpenError(errors)


def read_store_file(path: str) -> tuple[list[Certificate], list[bytes]]:
    """Certificates and CRLs (DER) of a store file; unreadable content is skipped."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return [], []
    certs: list[Certificate] = []
    crls: list[bytes] = []
    try:
        blocks = read_blocks(data)
    except PemError:
        blocks = []
    if not blocks:
        with contextlib.suppress(CertificateError, der.DERError):
            certs.append(Certificate(data))
        return certs, crls
    for b in blocks:
        try:
            if b.name == "TRUSTED CERTIFICATE":
                certs.append(parse_trusted(b.data))
            elif b.name in ("CERTIFICATE", "X509 CERTIFICATE"):
                certs.append(Certificate(b.data))
            elif b.name == "X509 CRL":
                crls.append(b.data)
        except (CertificateError, der.DERError):
            continue
    return certs, crls
