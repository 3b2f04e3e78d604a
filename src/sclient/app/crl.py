"""CRLs as s_client gets them: ``-CRL file`` (``-CRLform``) and ``-crl_download``.

``load_crl_option`` is ``load_crl`` of ``apps/lib/apps.c`` for the ``-CRL``
file, with OpenSSL 3.0.19's messages and exit status 1. ``crl_lookup`` builds
the ``lookup_crls`` the verifier calls: the trust store's CRLs, or, with
``-crl_download``, ``crls_http_cb``: the CRL (and delta CRL) fetched from the
certificate's distribution point ``http://`` URL, replacing the store lookup
as OpenSSL's ``store_setup_crl_download`` does. A failed download prints
``Unable to load CRL via CDP`` and the error queue at that point of the
verify callback's output, and means "no CRL".
"""

from __future__ import annotations

import contextlib
import errno as _errno
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sclient.app.common import Exit
from sclient.app.console import Console

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options
    from sclient.x509.crl import Crl

#: Seconds to wait for a CRL download (OpenSSL waits without limit).
DOWNLOAD_TIMEOUT = 5.0
_MAX_CRL = 1 << 20


def _queue(lines: Sequence[str]) -> str:
    from sclient.report.errors import thread_id

    tid = thread_id()
    return "".join(f"{tid}:error:{line}\n" for line in lines)


def load_crl_option(o: Options, console: Console) -> Crl | None:
    """The ``-CRL`` file as a :class:`~sclient.x509.crl.Crl`, or None without ``-CRL``."""
    path = o.CRL
    if path is None:
        return None
    from sclient.base.pem import PemError, read_blocks
    from sclient.x509.crl import Crl, CrlError

    fmt = o.CRLform or "PEM"
    der_only = fmt[:1] in ("D", "d")
    try:
        os.stat(path)
    except OSError as e:
        from sclient.report.errors import thread_id
        from sclient.x509.uristore import file_open_errors

        tid = thread_id()
        console.err(
            f"Could not open file or uri for loading CRL from {path}\n"
            + "".join(x.line_text(tid) + "\n" for x in file_open_errors(path, e))
            + "Unable to load CRL\n"
        )
        raise Exit(1) from None
    data = b""
    if not os.path.isdir(path):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            data = b""
    # OSSL_STORE tries DER first, then (unless -CRLform DER) PEM; first CRL found wins
    candidates = [data]
    if not der_only:
        with contextlib.suppress(PemError):
            candidates += [b.data for b in read_blocks(data) if b.name == "X509 CRL"]
    for c in candidates:
        try:
            return Crl(_first_tlv(c))
        except (CrlError, ValueError):
            continue
    console.err(f"Could not read CRL from {path}\nUnable to load CRL\n")
    raise Exit(1)


def _first_tlv(data: bytes) -> bytes:
    from sclient.base import der

    tlv, _ = der.read(data, 0)  # trailing bytes after the CRL are ignored
    return tlv.raw


# --- -crl_download -------------------------------------------------------------------------


class DownloadError(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines)
        self.lines = lines


def http_get(url: str, timeout: float = DOWNLOAD_TIMEOUT) -> bytes:
    """GET ``url`` (plain ``http://``): the body of a 200 answer, else :class:`DownloadError`
    with OpenSSL's error-queue lines (without the thread prefix)."""
    import http.client

    u = urlsplit(url)
    host = u.hostname or ""
    port = u.port or 80
    server = f"http://{host}:{port}"
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    try:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Accept": "*/*", "Connection": "close"})
            r = conn.getresponse()
            if r.status != 200:
                raise DownloadError(
                    [
                        f"1E800069:HTTP routines:parse_http_line1:received error:"
                        f"../crypto/http/http_client.c:473:code={r.status}, reason={r.reason}",
                        "1E800067:HTTP routines:OSSL_HTTP_REQ_CTX_exchange:error receiving:"
                        f"../crypto/http/http_client.c:923:server={server}",
                    ]
                )
            return r.read(_MAX_CRL + 1)
        finally:
            conn.close()
    except (OSError, http.client.HTTPException) as e:
        en = getattr(e, "errno", None) or _errno.ECONNREFUSED
        raise DownloadError(
            [
                f"{0x80000000 | en:08X}:system library:BIO_connect:{os.strerror(en)}:"
                "../crypto/bio/bio_sock2.c:117:calling connect()",
                "10000067:BIO routines:BIO_connect:connect error:../crypto/bio/bio_sock2.c:119:",
            ]
        ) from None


def _load_crl_crldp(urls: list[str], note: Callable[[str], None], fetch: Any) -> Any:
    """``load_crl_crldp``: the first distribution point with an http URL decides."""
    from sclient.x509.crl import Crl, CrlError

    if not urls:
        return None
    url = urls[0]
    try:
        body = fetch(url)
        try:
            return Crl(_first_tlv(body)) if len(body) <= _MAX_CRL else None
        except (CrlError, ValueError):
            u = urlsplit(url)
            raise DownloadError(
                [
                    "1E80006E:HTTP routines:OSSL_HTTP_REQ_CTX_nbio:missing asn1 encoding:"
                    "../crypto/http/http_client.c:792:",
                    "1E800067:HTTP routines:OSSL_HTTP_REQ_CTX_exchange:error receiving:"
                    f"../crypto/http/http_client.c:923:server=http://{u.hostname}:{u.port or 80}",
                ]
            ) from None
    except DownloadError as e:
        note("Unable to load CRL via CDP\n" + _queue(e.lines))
        return None


def crl_lookup(
    store: Any,
    download: bool,
    note: Callable[[str], None],
    fetch: Callable[[str], bytes] = http_get,
) -> Any:
    """The verifier's ``lookup_crls(issuer_name, cert)``."""
    from sclient.x509 import cert as C
    from sclient.x509.crl import http_urls

    if download:

        def by_http(name: Any, x: Any) -> list[Any] | None:
            crl = _load_crl_crldp(http_urls(x), note, fetch)
            if crl is None:
                return None
            out = [crl]
            delta = _load_crl_crldp(http_urls(x, C.OID_FRESHEST_CRL), note, fetch)
            if delta is not None:
                out.append(delta)
            return out

        return by_http
    get = getattr(store, "get_crls", None)
    return get
