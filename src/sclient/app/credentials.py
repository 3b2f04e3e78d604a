"""Client credentials: ``-cert``/``-key``/``-pass``, ``-cert_chain``,
``-build_chain`` with ``-chainCAfile``/``-chainCApath``, ``-requestCAfile``
(options.md §3), loaded the way ``openssl s_client`` 3.0 loads them and
failing with its messages and error-queue lines (exit status 1).

Keys: PEM (PKCS#8, encrypted PKCS#8, traditional RSA/EC, encrypted
traditional) and DER (PKCS#8, encrypted PKCS#8, traditional); RSA,
RSA-PSS, ECDSA, Ed25519, Ed448, DSA. Certificates: PEM or DER. The key
defaults to the certificate file. Everything is parsed by ``cryptography``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from sclient.base.pem import armoured
from sclient.base.pyca import allow, key_kind
from sclient.base.structs import Struct
from sclient.report.errors import ErrorEntry, thread_id
from sclient.x509 import oids

__all__ = [
    "CredentialError",
    "build_chain",
    "extended_credential",
    "load_ca_names",
    "load_extended",
    "load_files",
    "make_credential",
]

_STORE = "STORE routines"
_SYS = "system library"
_PROV = "Provider routines"
_PKCS12 = "PKCS12 routines"
_PEM = "PEM routines"
_UI = "UI routines"
_SSL = "SSL routines"
_X509 = "x509 certificate routines"
_BIO = "BIO routines"


class CredentialError(Exception):
    """A load failed: ``lines`` are printed to stderr (``{tid}`` = thread id)."""

    def __init__(self, text: str, entries: list[ErrorEntry] | None = None, tail: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.entries = list(entries or ())
        self.tail = tail

    def render(self) -> str:
        tid = thread_id()
        return self.text + "".join(e.line_text(tid) + "\n" for e in self.entries) + self.tail


class Loaded(Struct, frozen=True, slots=True):
    """What the files gave, before the key is matched to the certificate."""

    key: Any
    cert_der: bytes | None
    chain: tuple[bytes, ...]


# ------------------------------------------------------------------ error lines


def _cert_key(cert_der: bytes) -> tuple[bool, Any]:
    """(an RSA-PSS key?, the certificate's public key or None)."""
    from cryptography import x509

    with allow("dsa", "serial"):
        cert = x509.load_der_x509_certificate(cert_der)
        rsa_pss = cert.public_key_algorithm_oid.dotted_string == oids.OID_RSA_PSS
        try:
            return rsa_pss, cert.public_key()
        except Exception:
            return rsa_pss, None


def session_no_start_line() -> ErrorEntry:
    """The PEM error of a file with no ``SSL SESSION PARAMETERS`` block."""
    return ErrorEntry(
        0x0480006C,
        _PEM,
        "get_name",
        "no start line",
        "../crypto/pem/pem_lib.c",
        760,
        "Expecting: SSL SESSION PARAMETERS",
    )


def _open_errors(path: str, err: OSError) -> list[ErrorEntry]:
    from sclient.x509.uristore import file_open_errors

    return file_open_errors(path, err)


_KEY_VALUES_MISMATCH = ErrorEntry(
    0x05800074,
    _X509,
    "X509_check_private_key",
    "key values mismatch",
    "../crypto/x509/x509_cmp.c",
    403,
)
_UNSUPPORTED = ErrorEntry(
    0x1608010C,
    _STORE,
    "ossl_store_handle_load_result",
    "unsupported",
    "../crypto/store/store_result.c",
    149,
)
_BAD_DECRYPT = ErrorEntry(
    0x1C800064,
    _PROV,
    "ossl_cipher_unpadblock",
    "bad decrypt",
    "../providers/implementations/ciphers/ciphercommon_block.c",
    124,
)


def _pkcs12_final(why: str) -> ErrorEntry:
    return ErrorEntry(
        0x11800074,
        _PKCS12,
        "PKCS12_pbe_crypt_ex",
        "pkcs12 cipherfinal error",
        "../crypto/pkcs12/p12_decr.c",
        88,
        why,
    )


_PEM_BAD_DECRYPT = ErrorEntry(
    0x04800065, _PEM, "PEM_do_header", "bad decrypt", "../crypto/pem/pem_lib.c", 469
)
_UI_ERRORS = [
    ErrorEntry(
        0x1400006B,
        _UI,
        "UI_process",
        "processing error",
        "../crypto/ui/ui_lib.c",
        573,
        "while reading strings",
    ),
    ErrorEntry(
        0x07880028,
        "common libcrypto routines",
        "do_ui_passphrase",
        "UI lib",
        "../crypto/passphrase.c",
        187,
    ),
]
_EPKI_NO_PASS = ErrorEntry(
    0x1C80009F,
    _PROV,
    "epki2pki_decode",
    "unable to get passphrase",
    "../providers/implementations/encode_decode/decode_epki2pki.c",
    96,
)
_PEM_NO_PASS = ErrorEntry(
    0x04800068, _PEM, "PEM_do_header", "bad password read", "../crypto/pem/pem_lib.c", 442
)


# ------------------------------------------------------------------ files

_KEY_LABELS = {
    b"PRIVATE KEY",
    b"ENCRYPTED PRIVATE KEY",
    b"RSA PRIVATE KEY",
    b"EC PRIVATE KEY",
    b"DSA PRIVATE KEY",
}
_CERT_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"}


def _read(path: str, what: str, tail: str | None = None) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        if tail is None:
            tail = "Unable to load client certificate\n" if what == "client certificate" else ""
        raise CredentialError(
            f"Could not open file or uri for loading {what} from {path}\n",
            _open_errors(path, e),
            tail,
        ) from None


Prompt = Callable[[str], str | None]


def _stdin_prompt(path: str) -> str | None:
    """OpenSSL's console UI: ``Enter pass phrase for <file>:`` on the terminal,
    the answer read from it with echo off, then a newline.

    As OpenSSL does, the terminal is ``/dev/tty`` (so data piped to stdin is
    not taken for the pass phrase); without one, stdin and stderr. A line that
    ends at EOF without a newline is no answer (None), as is EOF.
    """
    try:
        tty: int | None = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        tty = None
    out = tty if tty is not None else 2
    try:
        sys.stderr.flush()
        os.write(out, f"Enter pass phrase for {path}:".encode("utf-8", "surrogateescape"))
        with _echo_off(tty):
            if tty is None:
                line = sys.stdin.buffer.readline()
            else:
                line = _read_line(tty)
        os.write(out, b"\n")
    except OSError:
        return None
    finally:
        if tty is not None:
            os.close(tty)
    if not line.endswith(b"\n"):
        return None
    return os.fsdecode(line.rstrip(b"\r\n"))


def console_prompt(what: str) -> str | None:
    """``Enter pass phrase for <what>:`` as for a key file (the SRP password)."""
    return _stdin_prompt(what)


def _read_line(fd: int) -> bytes:
    """One line from ``fd``, byte by byte (nothing after it is consumed)."""
    line = bytearray()
    while not line.endswith(b"\n"):
        b = os.read(fd, 1)
        if not b:
            break
        line += b
    return bytes(line)


@contextlib.contextmanager
def _echo_off(tty: int | None) -> Iterator[None]:
    """The terminal's echo off for the block (nothing to do without one)."""
    if tty is None or not os.isatty(tty):
        yield
        return
    import termios

    old = termios.tcgetattr(tty)
    new = termios.tcgetattr(tty)
    new[3] &= ~termios.ECHO
    termios.tcsetattr(tty, termios.TCSANOW, new)
    try:
        yield
    finally:
        termios.tcsetattr(tty, termios.TCSANOW, old)


def _load_key_bytes(
    data: bytes,
    path: str,
    password: str | None,
    prompt: Prompt,
    desc: str = "client certificate private key",
) -> Any:
    """A private key from PEM or DER ``data``; None when there is none."""
    from cryptography.hazmat.primitives import serialization as ser

    what = f"Could not read {desc} from {path}\n"
    pem = [(label, block) for label, block in armoured(data) if label in _KEY_LABELS]
    if pem:
        label, raw = pem[0]
        pkcs8 = label == b"ENCRYPTED PRIVATE KEY"
        encrypted = pkcs8 or b"Proc-Type: 4,ENCRYPTED" in raw

        def load(pw: bytes | None) -> Any:
            with allow("dsa"):
                return ser.load_pem_private_key(raw, pw)
    else:
        pkcs8 = True
        encrypted = False
        try:
            with allow("dsa"):
                return ser.load_der_private_key(data, None)
        except TypeError:
            encrypted = True
        except (ValueError, Exception):
            return None

        def load(pw: bytes | None) -> Any:
            with allow("dsa"):
                return ser.load_der_private_key(data, pw)

    if not encrypted:
        try:
            return load(None)
        except Exception:
            raise CredentialError(what, [_UNSUPPORTED] if pem else []) from None
    if password is None:
        # OpenSSL's store loader asks once per PEM decoder that tries an
        # encrypted PKCS#8 block: three times when nothing can be read.
        for _ in range(3 if pem and pkcs8 else 1):
            password = prompt(path)
            if password is not None:
                break
        if password is None:
            if pkcs8:
                lead = [_UNSUPPORTED] if pem else []
                raise CredentialError(what, [*lead, *_UI_ERRORS, _EPKI_NO_PASS])
            raise CredentialError(what, [*_UI_ERRORS, _PEM_NO_PASS])
    try:
        return load(os.fsencode(password))
    except Exception:
        if pkcs8:
            lead = [_UNSUPPORTED] if pem else []
            why = "empty password" if password == "" else "maybe wrong password"
            raise CredentialError(what, [*lead, _BAD_DECRYPT, _pkcs12_final(why)]) from None
        raise CredentialError(what, [_BAD_DECRYPT, _PEM_BAD_DECRYPT]) from None


def _load_certs(data: bytes) -> tuple[list[bytes], bool]:
    """DER certificates from PEM or DER ``data``; and whether other PEM objects were seen."""
    from cryptography import x509

    blocks = armoured(data)
    if blocks:
        out = []
        other = False
        for label, raw in blocks:
            if label in _CERT_LABELS:
                try:
                    with allow("serial"):
                        out.append(x509.load_pem_x509_certificate(raw).public_bytes(_der()))
                except ValueError:
                    continue
            else:
                other = True
        return out, other
    try:
        with allow("serial"):
            return [x509.load_der_x509_certificate(data).public_bytes(_der())], False
    except ValueError:
        return [], False


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def load_files(
    cert: str | None,
    key: str | None,
    password: str | None,
    chain: str | None,
    prompt: Prompt = _stdin_prompt,
) -> Loaded | None:
    """s_client's loading order: the key (from ``key`` or else ``cert``), the
    certificate, the chain file. None when no ``-cert`` and no ``-key``."""
    key_file = key if key is not None else cert
    if key_file is None:
        return None
    data = _read(key_file, "client certificate private key")
    pkey = _load_key_bytes(data, key_file, password, prompt)
    if pkey is None:
        raise CredentialError(f"Could not read client certificate private key from {key_file}\n")
    cert_der = None
    if cert is not None:
        data = _read(cert, "client certificate")
        certs, other = _load_certs(data)
        if not certs:
            raise CredentialError(
                f"Could not read client certificate from {cert}\n",
                [_UNSUPPORTED] if other else [],
                "Unable to load client certificate\n",
            )
        cert_der = certs[0]
    extra: tuple[bytes, ...] = ()
    if chain is not None:
        data = _read(chain, "certs of client certificate chain")
        certs, _ = _load_certs(data)
        if not certs:
            raise CredentialError(
                f"Could not read certs of client certificate chain from {chain}\n"
            )
        extra = tuple(certs)
    return Loaded(pkey, cert_der, extra)


# ------------------------------------------------------------------ -xcert sets

_SERVER_CERT = "Server Certificate"


def load_extended(excerts: list[Any], prompt: Prompt = _stdin_prompt) -> list[Loaded]:
    """``load_excert``: each ``-xcert`` set (given newest first) loads its
    certificate, its key (``-xkey``, else the certificate file; no password)
    and its ``-xchain``. Returned in command-line order."""
    if not excerts or (len(excerts) == 1 and excerts[0].certfile is None):
        return []
    out: list[Loaded] = []
    for exc in excerts:
        if exc.certfile is None:
            raise CredentialError("Missing filename\n")
        cert = str(exc.certfile)
        tail = f"Unable to load {_SERVER_CERT}\n"
        data = _read(cert, f"cert of {_SERVER_CERT}", tail)
        certs, other = _load_certs(data)
        if not certs:
            raise CredentialError(
                f"Could not read cert of {_SERVER_CERT} from {cert}\n",
                [_UNSUPPORTED] if other else [],
                tail,
            )
        key_file = str(exc.keyfile) if exc.keyfile is not None else cert
        data = _read(key_file, "server key")
        pkey = _load_key_bytes(data, key_file, None, prompt, "server key")
        if pkey is None:
            raise CredentialError(f"Could not read server key from {key_file}\n")
        chain: tuple[bytes, ...] = ()
        if exc.chainfile is not None:
            path = str(exc.chainfile)
            data = _read(path, "certs of server chain")
            extra, _ = _load_certs(data)
            if not extra:
                raise CredentialError(f"Could not read any cert of server chain from {path}\n")
            chain = tuple(extra)
        out.append(Loaded(pkey, certs[0], chain))
    return out[::-1]


_SIG_KEYS = {
    oids.OID_RSA_PSS: "rsa_pss",
    oids.OID_ED25519: "ed25519",
    oids.OID_ED448: "ed448",
}
_TLS_GROUPS = {
    "secp224r1": 21,
    "secp256k1": 22,
    "secp256r1": 23,
    "secp384r1": 24,
    "secp521r1": 25,
    "brainpoolP256r1": 26,
    "brainpoolP384r1": 27,
    "brainpoolP512r1": 28,
}


def cert_signature(der: bytes) -> tuple[str | None, str]:
    """(hash name or None, signing key kind) of a certificate's own signature."""
    from cryptography import x509

    try:
        with allow("serial"):
            cert = x509.load_der_x509_certificate(der)
        oid = cert.signature_algorithm_oid.dotted_string
    except Exception:
        return (None, "?")
    if oid in _SIG_KEYS:
        kind = _SIG_KEYS[oid]
    elif oid.startswith("1.2.840.113549.1.1."):
        kind = "rsa"
    elif oid.startswith("1.2.840.10045.4."):
        kind = "ecdsa"
    elif oid.startswith("2.16.840.1.101.3.4.3.") or oid == "1.2.840.10040.4.3":
        kind = "dsa"
    else:
        kind = "?"
    try:
        algo = cert.signature_hash_algorithm
    except Exception:
        algo = None
    return (algo.name if algo is not None else None, kind)


def _issued_by(issuers: list[Any]) -> Any:
    """``ssl_check_ca_name`` over certificates with these (canonical) issuers."""

    def issued_by(names: Any) -> bool:
        from sclient.x509.names import Name

        wanted = set()
        for n in names:
            try:
                wanted.add(Name.from_der(n).canonical())
            except Exception:
                continue
        return any(i in wanted for i in issuers)

    return issued_by


def chain_facts(leaf: bytes, own_chain: tuple[bytes, ...]) -> Any:
    """The engine's ChainFacts (what ``-strict`` checks) of a leaf and the
    chain set with its key (``-cert_chain``, a built chain; not the chain the
    stores add when the certificate is sent)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from sclient.base.spki import spki_of
    from sclient.tls.config import ChainFacts
    from sclient.x509.cert import Certificate

    certs = [Certificate(d) for d in (leaf, *own_chain)]
    _, key = _cert_key(leaf)
    ee_group = None
    compressed = False
    if isinstance(key, ec.EllipticCurvePublicKey):
        ee_group = _TLS_GROUPS.get(key.curve.name, 0)
        spki = spki_of(leaf)
        compressed = spki is not None and _point_form(spki) in (2, 3)
    return ChainFacts(
        tuple(cert_signature(d) for d in (leaf, *own_chain)),
        ee_group,
        _issued_by([c.issuer.canonical() for c in certs]),
        compressed,
    )


def _point_form(spki: bytes) -> int | None:
    """The first byte of the encoded point of an EC SubjectPublicKeyInfo."""
    from sclient.base import der

    try:
        top, _ = der.read(spki, 0)
        parts = top.children()
        bits = parts[1].content if len(parts) == 2 and parts[1].tag == 0x03 else b""
    except der.DERError:
        return None
    return bits[1] if len(bits) > 1 else None


_SLOTS = {"rsa": "rsa", "ec": "ecdsa", "ed25519": "ed25519", "ed448": "ed448", "dsa": "dsa"}


def extended_credential(loaded: Loaded, build: bool, store: Any) -> tuple[Any, list[ErrorEntry]]:
    """The engine's ExtendedCredential for one ``-xcert`` set, and the error
    entries OpenSSL reports when installing it fails at a request (a key of
    the certificate's type that is not its key; a chain that cannot be built)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from sclient.tls.config import ClientCredential, ExtendedCredential
    from sclient.x509.cert import Certificate

    assert loaded.cert_der is not None
    rsa_pss, cert_key = _cert_key(loaded.cert_der)
    ckind, kkind = _kind(cert_key), _kind(loaded.key)
    cert_slot = "rsa_pss_pss" if rsa_pss else _SLOTS.get(ckind or "", "?")
    key_slot = _SLOTS.get(kkind or "", "?")
    if rsa_pss and kkind == "rsa":
        key_slot = "rsa_pss_pss"
    failure: list[ErrorEntry] = []
    if cert_slot == key_slot and cert_key != loaded.key.public_key():
        failure = [_KEY_VALUES_MISMATCH]
    chain = (loaded.cert_der, *loaded.chain)
    has_chain = bool(loaded.chain)
    if not has_chain and not build and store is not None:
        chain = auto_chain(loaded.cert_der, store)
    if build:
        has_chain = True
        try:
            chain = build_chain(loaded.cert_der, store)
        except CredentialError as exc:
            failure = failure or exc.entries
    ee_group = None
    if isinstance(cert_key, ec.EllipticCurvePublicKey):
        ee_group = _TLS_GROUPS.get(cert_key.curve.name, 0)
    certs = [Certificate(d) for d in chain]
    issued_by = _issued_by([c.issuer.canonical() for c in certs])
    sigs = tuple(cert_signature(d) for d in chain)
    own = chain[1:] if has_chain else ()
    cred = ClientCredential(chain, loaded.key, rsa_pss, sigs[0], chain_facts(chain[0], own))
    return (
        ExtendedCredential(
            cred, sigs, ee_group, cert_slot, key_slot, issued_by, bool(failure), has_chain
        ),
        failure,
    )


# ------------------------------------------------------------------ matching


def _kind(key: Any) -> str | None:
    """The signing-key kind of ``key`` (None for a key that cannot sign)."""
    kind = key_kind(key)
    return kind if kind in _SIGNING_KINDS else None


_SIGNING_KINDS = frozenset({"rsa", "ec", "ed25519", "ed448", "dsa"})


def make_credential(loaded: Loaded) -> Any:
    """``set_cert_key_stuff``: the key must be a signing key matching the
    certificate. Returns the engine's ClientCredential."""

    from sclient.tls.config import ClientCredential

    key = loaded.key
    kind = _kind(key)
    if kind is None:
        raise CredentialError(
            "error setting private key\n",
            [
                ErrorEntry(
                    0x0A0000F7,
                    _SSL,
                    "ssl_set_pkey",
                    "unknown certificate type",
                    "../ssl/ssl_rsa.c",
                    123,
                )
            ],
        )
    assert loaded.cert_der is not None
    rsa_pss, cert_key = _cert_key(loaded.cert_der)
    cert_kind = _kind(cert_key)
    if cert_kind != kind:
        raise CredentialError("Private key does not match the certificate public key\n")
    if cert_key != key.public_key():
        raise CredentialError(
            "error setting private key\n",
            [_KEY_VALUES_MISMATCH],
        )
    return ClientCredential(
        (loaded.cert_der, *loaded.chain),
        key,
        rsa_pss,
        cert_signature(loaded.cert_der),
        chain_facts(loaded.cert_der, loaded.chain),
    )


def _chain_from_store(leaf: bytes, store: Any) -> Any:
    """``X509_verify_cert`` of ``leaf`` alone against ``store`` as the SSL
    library's chain building runs it (no purpose, no callback, so the first
    error stops it): the built chain and the verdict."""
    from sclient.transport import clock
    from sclient.x509.verify import verify_chain

    return verify_chain(
        [leaf], store, now=clock.wall(), purpose=None, callback=lambda call: call.ok
    )


def build_chain(
    leaf: bytes, store: Any, given: tuple[bytes, ...] | None = None
) -> tuple[bytes, ...]:
    """``SSL_CTX_build_cert_chain`` as s_client calls it: the leaf, then the chain
    ``X509_verify_cert`` builds, the root included.

    Without a chain file (``given`` None: flags 0) the chain comes from the chain
    store, else the CA store (``store``); certificates of the chain file are not
    used. With ``-cert_chain`` (``SSL_BUILD_CHAIN_FLAG_CHECK``) the store is the
    leaf and ``given`` alone, so the chain file must reach a self-signed root.
    A chain that does not verify fails with OpenSSL's error and its reason."""
    from sclient.x509.store import TrustStore

    if given is not None:
        store = TrustStore.from_certificates([leaf, *given])
    res = _chain_from_store(leaf, store)
    if not res.ok:
        raise CredentialError(
            "error building certificate chain\n",
            [
                ErrorEntry(
                    0x0A000086,
                    _SSL,
                    "ssl_build_cert_chain",
                    "certificate verify failed",
                    "../ssl/ssl_cert.c",
                    938,
                    f"Verify error:{res.error_string}",
                )
            ],
        )
    return (leaf, *(c.der for c in res.chain[1:]))


def auto_chain(leaf: bytes, store: Any) -> tuple[bytes, ...]:
    """``ssl_add_cert_chain`` for a certificate without a chain of its own: what
    ``X509_verify_cert`` builds from the chain store, else the CA store, sent
    whatever the verdict (the root too when the store has it)."""
    return tuple(c.der for c in _chain_from_store(leaf, store).chain) or (leaf,)


def load_ca_names(path: str) -> tuple[bytes, ...]:
    """``-requestCAfile`` (``SSL_add_file_cert_subjects_to_stack``): the subject
    names (DER) of the file's certificates, each once, read as
    ``PEM_read_bio_X509`` reads them until one fails: a certificate that does
    not decode ends the list, and a file with none gives none (no
    certificate_authorities extension). Only a file that cannot be opened is
    an error."""
    from cryptography import x509

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        en = e.errno or 0
        from sclient.x509.store import bio_read_filename_errors

        raise CredentialError(
            "Error loading CA names\n", bio_read_filename_errors(path, en)
        ) from None
    names: list[bytes] = []
    for label, raw in armoured(data):
        if label in _CERT_LABELS:
            try:
                with allow("serial"):
                    der = x509.load_pem_x509_certificate(raw).subject.public_bytes()
            except ValueError:
                break
            if der not in names:
                names.append(der)
    return tuple(names)


# ------------------------------------------------------------------ -psk_session


class PskSession(Struct, frozen=True, slots=True):
    """What ``-psk_session`` takes from an ``SSL SESSION PARAMETERS`` file."""

    version: int
    cipher_suite: int
    master_key: bytes
    max_early_data: int


def load_psk_session(path: str) -> PskSession:
    """``PEM_read_bio_SSL_SESSION`` as s_client uses it for ``-psk_session``
    (the session file reader of ``-sess_in``, :mod:`sclient.tls.sessionfile`)."""
    from sclient.tls.sessionfile import SessionFileError, from_pem

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        from sclient.x509.store import bio_fopen_errors

        entries = bio_fopen_errors(path, e.errno or 0)
        raise CredentialError(f"Can't open PSK session file {path}\n", entries) from None
    try:
        session = from_pem(data, 0)
    except SessionFileError as e:
        if str(e) == "no start line":
            raise CredentialError(
                f"Can't read PSK session file {path}\n", [session_no_start_line()]
            ) from None
        raise CredentialError(f"Can't read PSK session file {path}\n") from None
    return PskSession(
        session.version, session.cipher_suite or 0, session.master_key, session.max_early_data
    )
