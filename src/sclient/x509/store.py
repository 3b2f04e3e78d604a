"""Trust stores: ``-CAfile``, ``-CApath`` and OpenSSL's default locations.

Behaviour follows ``X509_STORE`` with the ``file`` and ``hashed dir``
lookups (``crypto/x509/by_file.c``, ``by_dir.c``, ``x509_lu.c``):

* a CA file is read at load time (all ``CERTIFICATE``/``TRUSTED CERTIFICATE``
  blocks, ``X509 CRL`` blocks kept aside); any bad block fails the whole file
  and nothing is added; a file without certificate or CRL is an error;
* a CA directory is consulted only when the in-memory cache has no
  certificate with the wanted subject: files ``<hash>.0``, ``<hash>.1``, … are
  loaded (``hash`` = :meth:`Name.hash`, as made by ``openssl rehash``) until
  one is missing, and the cache is searched again;
* the defaults (``SSL_CERT_FILE`` or ``<OPENSSLDIR>/cert.pem``, ``SSL_CERT_DIR``
  or ``<OPENSSLDIR>/certs``) are used only when neither ``-CAfile`` nor
  ``-CApath`` (nor ``-CAstore``) is given, unless ``-no-CAfile``/``-no-CApath``;
  errors while loading them are ignored, and the default file is read lazily.

Load failures raise :class:`StoreLoadError` carrying the error-queue entries
OpenSSL 3.0.19 prints (then s_client exits 1).
"""

from __future__ import annotations

import contextlib
import errno as _errno
import os
from collections.abc import Iterable, Mapping
from typing import Any

from sclient.base import der
from sclient.base.errorqueue import ErrorEntry
from sclient.base.pem import PemError, read_blocks
from sclient.base.structs import Struct, field, struct
from sclient.x509.cert import Certificate, CertificateError, parse_trusted
from sclient.x509.names import Name

_X509 = "x509 certificate routines"
_PEM = "PEM routines"
_BIO = "BIO routines"
_SYS = "system library"
_ASN1 = "asn1 encoding routines"
_BY_FILE = "../crypto/x509/by_file.c"
_LOAD_CRL = "X509_load_cert_crl_file_ex"
_LOAD_CERT = "X509_load_cert_file_ex"

CERT_PEM_NAMES = ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE")
CRL_PEM_NAME = "X509 CRL"


class StoreLoadError(Exception):
    """A CA file/directory could not be loaded; ``errors`` is the error queue."""

    def __init__(self, errors: Iterable[ErrorEntry]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(e.reason for e in self.errors))


def bio_read_filename_errors(path: str, en: int) -> list[ErrorEntry]:
    """``BIO_read_filename``'s error queue when ``fopen(path, "r")`` fails with errno ``en``."""
    return [
        ErrorEntry(
            0x80000000 | en,
            _SYS,
            "file_ctrl",
            os.strerror(en),
            "../crypto/bio/bss_file.c",
            297,
            f"calling fopen({path}, r)",
        ),
        ErrorEntry(0x10080002, _BIO, "file_ctrl", "system lib", "../crypto/bio/bss_file.c", 300),
    ]


def bio_fopen_errors(path: str, en: int) -> list[ErrorEntry]:
    """``BIO_new_file``'s error queue when ``fopen(path, "r")`` fails with errno ``en``."""
    recs = [
        ErrorEntry(
            0x80000000 | en,
            _SYS,
            "BIO_new_file",
            os.strerror(en),
            "../crypto/bio/bss_file.c",
            67,
            f"calling fopen({path}, r)",
        )
    ]
    if en in (_errno.ENOENT, _errno.ENXIO):
        recs.append(
            ErrorEntry(
                0x10000080, _BIO, "BIO_new_file", "no such file", "../crypto/bio/bss_file.c", 75
            )
        )
    else:  # ERR_R_SYS_LIB
        recs.append(
            ErrorEntry(
                0x10080002, _BIO, "BIO_new_file", "system lib", "../crypto/bio/bss_file.c", 77
            )
        )
    return recs


def _fopen_errors(path: str, err: OSError, func: str) -> list[ErrorEntry]:
    recs = bio_fopen_errors(path, err.errno or 0)
    recs.append(
        ErrorEntry(0x05880002, _X509, func, "system lib", _BY_FILE, 229 if func == _LOAD_CRL else 0)
    )
    return recs


def _asn1_errors(type_name: str = "X509") -> list[ErrorEntry]:
    return [
        ErrorEntry(
            0x0688010A,
            _ASN1,
            "asn1_item_embed_d2i",
            "nested asn1 error",
            "../crypto/asn1/tasn_dec.c",
            375,
            f"Type={type_name}",
        ),
        ErrorEntry(
            0x0488000D,
            _PEM,
            "PEM_X509_INFO_read_bio_ex",
            "ASN1 lib",
            "../crypto/pem/pem_info.c",
            170,
        ),
    ]


def _pem_lib(func: str) -> ErrorEntry:
    return ErrorEntry(0x05880009, _X509, func, "PEM lib", _BY_FILE, 235 if func == _LOAD_CRL else 0)


def read_cert_crl_file(path: str) -> tuple[list[Certificate], list[bytes]]:
    """``X509_load_cert_crl_file_ex`` (PEM): all certificates and CRLs of a CA file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        data = b""
    except OSError as e:
        raise StoreLoadError(_fopen_errors(path, e, _LOAD_CRL)) from None
    certs: list[Certificate] = []
    crls: list[bytes] = []
    try:
        blocks = read_blocks(data)
    except PemError as e:
        code = {"bad base64 decode": 0x04800064, "bad end line": 0x04800066}.get(
            e.reason, 0x04800000
        )
        raise StoreLoadError(
            [
                ErrorEntry(code, _PEM, e.func, e.reason, "../crypto/pem/pem_lib.c", e.line),
                _pem_lib(_LOAD_CRL),
            ]
        ) from None
    for b in blocks:
        if b.name in CERT_PEM_NAMES:
            try:
                if b.name == "TRUSTED CERTIFICATE":
                    certs.append(parse_trusted(b.data))
                else:
                    first, _ = der.read(b.data, 0)  # trailing garbage is ignored
                    certs.append(Certificate(first.raw))
            except (CertificateError, der.DERError):
                raise StoreLoadError([*_asn1_errors(), _pem_lib(_LOAD_CRL)]) from None
        elif b.name == CRL_PEM_NAME:
            from sclient.x509.crl import CrlError, load_der

            try:
                load_der(b.data)  # PEM_X509_INFO_read_bio_ex decodes it: a bad one fails the file
            except (CrlError, der.DERError):
                raise StoreLoadError([*_asn1_errors("X509_CRL"), _pem_lib(_LOAD_CRL)]) from None
            crls.append(b.data)
    if not certs and not crls:
        raise StoreLoadError(
            [ErrorEntry(0x05800088, _X509, _LOAD_CRL, "no certificate or crl found", _BY_FILE, 252)]
        )
    return certs, crls


def read_cert_file(path: str) -> list[Certificate]:
    """``X509_load_cert_file_ex`` (PEM), as the hashed-directory lookup uses it:
    certificates up to the first bad block; nothing at all is an error."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise StoreLoadError(_fopen_errors(path, e, _LOAD_CERT)) from None
    out: list[Certificate] = []
    try:
        blocks = read_blocks(data)
    except PemError:
        blocks = []
    for b in blocks:
        if b.name not in CERT_PEM_NAMES:
            continue
        try:
            if b.name == "TRUSTED CERTIFICATE":
                out.append(parse_trusted(b.data))
            else:
                first, _ = der.read(b.data, 0)
                out.append(Certificate(first.raw))
        except (CertificateError, der.DERError):
            break
    if not out:
        raise StoreLoadError(
            [ErrorEntry(0x05800087, _X509, _LOAD_CERT, "no certificate found", _BY_FILE, 0)]
        )
    return out


class DefaultPaths(Struct, frozen=True, slots=True):
    """OpenSSL's compiled-in default locations (``X509_get_default_cert_*``)."""

    cert_file: str
    cert_dir: str
    cert_file_env: str = "SSL_CERT_FILE"
    cert_dir_env: str = "SSL_CERT_DIR"

    @classmethod
    def from_openssldir(cls, openssldir: str) -> DefaultPaths:
        return cls(openssldir.rstrip("/") + "/cert.pem", openssldir.rstrip("/") + "/certs")

    @classmethod
    def system(cls) -> DefaultPaths:
        """The locations of the OpenSSL Python is linked with (``ssl`` module's
        ``get_default_verify_paths``, read from ``_ssl`` for its lighter import)."""
        import _ssl

        cafile_env, cafile, capath_env, capath = _ssl.get_default_verify_paths()
        return cls(
            cafile or "/usr/lib/ssl/cert.pem",
            capath or "/usr/lib/ssl/certs",
            cafile_env or "SSL_CERT_FILE",
            capath_env or "SSL_CERT_DIR",
        )


@struct
class TrustStore:
    """An ``X509_STORE``: certificates in load order, plus hashed directories."""

    _certs: list[Certificate] = field(default_factory=list)
    _by_name: dict[bytes, list[Certificate]] = field(default_factory=dict)
    crls: list[bytes] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)
    _crl_objs: list[Any] = field(default_factory=list)  # decoded sclient.x509.crl.Crl
    _pending_default_file: str | None = None

    # --- construction ---------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        cafile: str | None = None,
        capath: str | None = None,
        no_cafile: bool = False,
        no_capath: bool = False,
        *,
        castore: str | None = None,
        no_castore: bool = True,
        env: Mapping[str, str] | None = None,
        defaults: DefaultPaths | None = None,
    ) -> TrustStore:
        """``ctx_set_verify_locations`` as s_client calls it.

        With none of ``cafile``/``capath``/``castore`` the defaults are used
        (environment first) unless disabled; otherwise only what was given.
        """
        store = cls()
        if cafile is None and capath is None and castore is None:
            env = os.environ if env is None else env
            defaults = DefaultPaths.system() if defaults is None else defaults
            if not no_cafile:
                store._pending_default_file = env.get(defaults.cert_file_env) or defaults.cert_file
            if not no_capath:
                store.add_dir(env.get(defaults.cert_dir_env) or defaults.cert_dir)
            if not no_castore:  # the default store URI is the default directory
                with contextlib.suppress(StoreLoadError, OSError):
                    store.add_store(env.get(defaults.cert_dir_env) or defaults.cert_dir)
            return store
        if cafile is not None:
            store.add_file(cafile)
        if capath is not None:
            store.add_dir(capath)
        if castore is not None:
            store.add_store(castore)
        return store

    @classmethod
    def from_certificates(cls, certs: Iterable[Certificate | bytes]) -> TrustStore:
        store = cls()
        for c in certs:
            store.add_cert(c if isinstance(c, Certificate) else Certificate(c))
        return store

    def add_cert(self, cert: Certificate) -> bool:
        """``X509_STORE_add_cert``: ignore an identical certificate already present."""
        key = cert.subject.canonical()
        same = self._by_name.setdefault(key, [])
        if any(c == cert for c in same):
            return False
        same.append(cert)
        self._certs.append(cert)
        return True

    def add_file(self, path: str) -> int:
        """Load a PEM CA file (``X509_LOOKUP_load_file``); raises :class:`StoreLoadError`."""
        certs, crls = read_cert_crl_file(path)
        for c in certs:
            self.add_cert(c)
        self.crls.extend(crls)
        return len(certs) + len(crls)

    def add_store(self, uri: str) -> None:
        """``-CAstore`` (``X509_STORE_load_store``): a ``file:`` URI or path
        (:mod:`sclient.x509.uristore`); a directory is searched by hashed names
        (like a CA directory), a file's certificates and CRLs are added. Raises
        :class:`StoreLoadError` with OSSL_STORE's error queue when it cannot be opened."""
        from sclient.x509.uristore import StoreOpenError, open_store, read_store_file

        try:
            path = open_store(uri)
        except StoreOpenError as e:
            raise StoreLoadError(e.errors) from None
        if os.path.isdir(path):
            self.add_dir(path)
            return
        certs, crls = read_store_file(path)
        for c in certs:
            self.add_cert(c)
        self.crls.extend(crls)

    def add_dir(self, path: str) -> None:
        """``X509_LOOKUP_add_dir``: ``:``-separated directories, searched in order."""
        for d in path.split(":"):
            if d and d not in self.dirs:
                self.dirs.append(d)

    # --- lookups ----------------------------------------------------------------------------
    def _load_defaults(self) -> None:
        path, self._pending_default_file = self._pending_default_file, None
        if path is None:
            return
        with contextlib.suppress(StoreLoadError):  # SSL_CTX_set_default_verify_file ignores errors
            self.add_file(path)

    def _cached(self, name: Name) -> list[Certificate]:
        return list(self._by_name.get(name.canonical(), ()))

    def _lookup_dirs(self, name: Name) -> None:
        h = name.hash()
        for d in self.dirs:
            k = 0
            while True:
                path = f"{d}/{h:08x}.{k}"
                if not os.path.exists(path):
                    break
                try:
                    certs = read_cert_file(path)
                except StoreLoadError:
                    break
                for c in certs:
                    self.add_cert(c)
                k += 1
            if self._cached(name):
                return

    def get_by_subject(self, name: Name) -> list[Certificate]:
        """Certificates whose subject is ``name``, in store order.

        As ``X509_STORE_CTX_get_by_subject``: the cache first; the directories
        only when the cache has no match.
        """
        self._load_defaults()
        found = self._cached(name)
        if found:
            return found
        self._lookup_dirs(name)
        return self._cached(name)

    def find_issuers(self, cert: Certificate) -> list[Certificate]:
        """Store certificates whose subject matches ``cert``'s issuer name."""
        return self.get_by_subject(cert.issuer)

    @property
    def certificates(self) -> list[Certificate]:
        """Everything loaded so far (the default file is loaded on first use)."""
        self._load_defaults()
        return list(self._certs)

    def __len__(self) -> int:
        return len(self.certificates)

    # --- CRLs (X509_LU_CRL) -----------------------------------------------------------------
    def add_crl(self, crl: Any) -> bool:
        """``X509_STORE_add_crl``: ignore a CRL identical to one already present."""
        if any(c.der == crl.der for c in self._crl_objs):
            return False
        self._crl_objs.append(crl)
        return True

    def get_crls(self, name: Name, cert: Certificate | None = None) -> list[Any]:
        """``X509_STORE_CTX_get1_crls``: the directories (``<hash>.r<n>``) are always
        searched, then every CRL of issuer ``name`` in the store, in load order."""
        from sclient.x509.crl import Crl, CrlError

        self._load_defaults()
        known = {c.der for c in self._crl_objs}
        for data in self.crls:
            if data not in known:
                with contextlib.suppress(CrlError):
                    self._crl_objs.append(Crl(data))
                known.add(data)
        h = name.hash()
        for d in self.dirs:
            k = 0
            while os.path.exists(path := f"{d}/{h:08x}.r{k}"):
                try:
                    with open(path, "rb") as f:
                        blocks = [b for b in read_blocks(f.read()) if b.name == CRL_PEM_NAME]
                    found = [Crl(b.data) for b in blocks]
                except (OSError, PemError, CrlError):
                    break
                if not found:
                    break
                for c in found:
                    self.add_crl(c)
                k += 1
        return [c for c in self._crl_objs if c.issuer == name]
