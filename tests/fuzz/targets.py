"""The fuzz targets: a hypothesis strategy and a check for each.

``TARGETS[name] = (strategy, check)``; ``check(value)`` raises on a broken
contract and returns otherwise. ``tools/fuzz.py run NAME`` drives one for
minutes; ``test_fuzz.py`` replays the corpus and runs a short budget of each.

- ``engine13`` / ``engine12``: server bytes after the ClientHello of a TLS
  1.3 / 1.2 client: raw bytes, records with valid headers, and mutations of
  recorded ``openssl s_server`` flights (handshake messages mutated inside
  valid, correctly protected records; messages dropped, repeated, swapped,
  moved to another record or key epoch).
- ``x509``: certificate DER (mutated test-PKI certificates, random DER trees)
  through :class:`sclient.x509.cert.Certificate`, every derived property, the
  ``-showcerts`` description and the chain verifier; PEM files through the
  ``-CAfile`` reader.
- ``session``: ``-sess_in`` files (mutated ``openssl s_client -sess_out``
  output, PEM and DER) through :mod:`sclient.tls.sessionfile`, then offered
  for resumption in a ClientHello.
"""

from __future__ import annotations

import base64
import itertools
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from fuzz.engine import (
    CORPUS,
    Flight,
    Item,
    check_engine,
    flight_items,
    flights_of,
    protect,
    split_messages,
)
from sclient.tls.registry import protocol as P

# --- byte mutations ------------------------------------------------------------------------

INTERESTING = (0x00, 0x01, 0x02, 0x03, 0x04, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0xFE, 0xFF)


@st.composite
def mutate_bytes(draw: st.DrawFn, data: bytes, max_ops: int = 4) -> bytes:
    """A few random edits of ``data``: flips, interesting bytes, lengths, cuts, inserts."""
    b = bytearray(data)
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(("flip", "set", "len16", "len24", "cut", "insert", "dup", "del")))
        n = len(b)
        if op == "insert" or n == 0:
            pos = draw(st.integers(0, n))
            b[pos:pos] = draw(st.binary(min_size=1, max_size=16))
            continue
        pos = draw(index(n))  # uniform over the input
        if op == "flip":
            b[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            b[pos] = draw(st.sampled_from(INTERESTING) | st.integers(0, 255))
        elif op in ("len16", "len24"):
            width = 2 if op == "len16" else 3
            value = draw(
                st.sampled_from((0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0xFFFFFF))
                | st.integers(0, 1 << (8 * width) - 1)
            )
            value &= (1 << (8 * width)) - 1
            b[pos : pos + width] = value.to_bytes(width, "big")
        elif op == "cut":
            del b[draw(st.integers(0, n)) :]
        elif op == "dup":
            end = draw(st.integers(pos, min(n, pos + 64)))
            b[end:end] = b[pos:end]
        else:
            end = draw(st.integers(pos, min(n, pos + 32)))
            del b[pos:end]
    return bytes(b)


def index(n: int) -> st.SearchStrategy[int]:
    """An index below ``n``, spread evenly (hypothesis favours 0 otherwise)."""
    return st.integers(0, 1 << 32).map(lambda v: v % n)


def chunked(data: bytes) -> st.SearchStrategy[list[bytes]]:
    """``data`` split at random points (the engine must accept any split)."""
    if not data:
        return st.just([b""])
    return st.lists(st.integers(1, max(1, len(data) - 1)), max_size=6).map(
        lambda cuts: [data[i:j] for i, j in _pairs(sorted(set(cuts)), len(data))]
    )


def _pairs(cuts: list[int], n: int) -> list[tuple[int, int]]:
    edges = [0, *cuts, n]
    return [(a, b) for a, b in itertools.pairwise(edges) if b > a]


# --- the engine ------------------------------------------------------------------------------

HANDSHAKE_TYPES = (0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 24, 254)
CONTENT_TYPES = (20, 21, 22, 23, 24)


@st.composite
def _message(draw: st.DrawFn, pool: list[bytes]) -> bytes:
    """A handshake message: one from any recorded flight, mutated or not, or a made-up one."""
    if pool and draw(st.booleans()):
        msg = draw(st.sampled_from(pool))
        if draw(st.booleans()):
            return msg
        body = draw(mutate_bytes(msg[4:]))
        if draw(st.integers(0, 3)):  # keep the header honest most of the time
            return msg[:1] + len(body).to_bytes(3, "big") + body
        return draw(mutate_bytes(msg[:1] + len(body).to_bytes(3, "big") + body, 2))
    t = draw(st.sampled_from(HANDSHAKE_TYPES) | st.integers(0, 255))
    body = draw(st.binary(max_size=80))
    return bytes((t,)) + len(body).to_bytes(3, "big") + body


@cache
def _message_pool(kind: str) -> list[bytes]:
    pool = []
    for f in flights_of(kind):
        for it in flight_items(f):
            if it.ctype == P.HANDSHAKE:
                pool += split_messages(it.data)
    return pool


def _regroup(items: list[Item], draw: st.DrawFn) -> list[Item]:
    """Coalesce and re-split the handshake records of one epoch."""
    out: list[Item] = []
    for it in items:
        same = bool(out) and it.ctype == P.HANDSHAKE == out[-1].ctype and it.epoch == out[-1].epoch
        if same and draw(st.booleans()):
            out[-1] = Item(it.ctype, out[-1].data + it.data, it.epoch)
            continue
        if it.ctype == P.HANDSHAKE and len(it.data) > 1 and draw(st.integers(0, 4)) == 0:
            cut = draw(st.integers(1, len(it.data) - 1))
            out += [
                Item(it.ctype, it.data[:cut], it.epoch),
                Item(it.ctype, it.data[cut:], it.epoch),
            ]
            continue
        out.append(it)
    return out


@st.composite
def mutated_flight(draw: st.DrawFn, kind: str) -> tuple[str, list[bytes], bool]:
    flight: Flight = draw(st.sampled_from(flights_of(kind)))
    items = list(flight_items(flight))
    pool = _message_pool(kind)
    epochs = sorted({it.epoch for it in items})
    # Most inputs keep a prefix intact so that the mutation lands in a late state.
    for _ in range(draw(st.integers(1, 3))):
        if not items:
            break
        i = draw(index(len(items)))  # uniform: later states as often
        it = items[i]
        op = draw(
            st.sampled_from(
                (
                    "msg",
                    "msg",
                    "msg",
                    "bytes",
                    "drop",
                    "repeat",
                    "swap",
                    "insert",
                    "ctype",
                    "epoch",
                    "cut",
                )
            )
        )
        if op == "msg" and it.ctype == P.HANDSHAKE and it.data:
            msgs = split_messages(it.data)
            j = draw(index(len(msgs)))
            sub = draw(st.sampled_from(("mutate", "drop", "dup", "new", "move")))
            if sub == "mutate":
                msgs[j] = draw(_message(pool=[msgs[j]]))
            elif sub == "drop":
                del msgs[j]
            elif sub == "dup":
                msgs.insert(j, msgs[j])
            elif sub == "new":
                msgs.insert(draw(st.integers(0, len(msgs))), draw(_message(pool=pool)))
            else:
                m = msgs.pop(j)
                msgs.insert(draw(st.integers(0, len(msgs))), m)
            items[i] = Item(it.ctype, b"".join(msgs), it.epoch)
        elif op in ("msg", "bytes"):
            items[i] = Item(it.ctype, draw(mutate_bytes(it.data)), it.epoch)
        elif op == "drop":
            del items[i]
        elif op == "repeat":
            items.insert(i, it)
        elif op == "swap" and len(items) > 1:
            j = draw(st.integers(0, len(items) - 1))
            items[i], items[j] = items[j], items[i]
        elif op == "insert":
            ctype = draw(st.sampled_from(CONTENT_TYPES) | st.integers(0, 255))
            if ctype == P.HANDSHAKE:
                data = draw(_message(pool=pool))
            elif ctype == P.ALERT:
                data = draw(st.binary(min_size=2, max_size=2) | st.binary(max_size=4))
            elif ctype == P.CHANGE_CIPHER_SPEC:
                data = draw(st.sampled_from((b"\x01", b"", b"\x02", b"\x01\x01")))
            else:
                data = draw(st.binary(max_size=40))
            items.insert(i, Item(ctype, data, draw(st.sampled_from(epochs))))
        elif op == "ctype":
            items[i] = Item(
                draw(st.sampled_from(CONTENT_TYPES) | st.integers(0, 255)), it.data, it.epoch
            )
        elif op == "epoch":
            items[i] = Item(it.ctype, it.data, draw(st.sampled_from(epochs)))
        elif op == "cut":
            del items[i + 1 :]
    items = _regroup(items, draw)
    wire = protect(flight, items)
    if draw(st.integers(0, 9)) == 0:
        wire = draw(mutate_bytes(wire, 2))  # now and then, below the records too
    return flight.kind, draw(chunked(wire)), draw(st.booleans())


@st.composite
def raw_bytes(draw: st.DrawFn, kind: str) -> tuple[str, list[bytes], bool]:
    """Arbitrary bytes, after a valid prefix of a recorded flight (maybe empty)."""
    prefix = b""
    fl = flights_of(kind)
    if fl and draw(st.booleans()):
        f = draw(st.sampled_from(fl))
        kind = f.kind
        items = list(flight_items(f))
        prefix = protect(f, items[: draw(st.integers(0, len(items)))])
    data = prefix + draw(st.binary(max_size=600))
    return kind, draw(chunked(data)), draw(st.booleans())


@st.composite
def records(draw: st.DrawFn, kind: str) -> tuple[str, list[bytes], bool]:
    """Records with valid headers around arbitrary or message-shaped payloads."""
    pool = _message_pool(kind)
    out = b""
    for _ in range(draw(st.integers(1, 6))):
        ctype = draw(st.sampled_from(CONTENT_TYPES) | st.integers(0, 255))
        version = draw(
            st.sampled_from((0x0303, 0x0301, 0x0302, 0x0300, 0x0304)) | st.integers(0, 0xFFFF)
        )
        if ctype == P.HANDSHAKE and draw(st.booleans()):
            payload = draw(_message(pool=pool))
        else:
            payload = draw(st.binary(max_size=200))
        out += (
            bytes((ctype,)) + version.to_bytes(2, "big") + len(payload).to_bytes(2, "big") + payload
        )
    return kind, draw(chunked(out)), draw(st.booleans())


def engine_inputs(kind: str) -> st.SearchStrategy[tuple[str, list[bytes], bool]]:
    return st.one_of(*[mutated_flight(kind)] * 6, raw_bytes(kind), records(kind))


def check_engine_input(value: tuple[str, list[bytes], bool]) -> None:
    kind, chunks, eof = value
    check_engine(kind, chunks, eof)


# --- x509 ------------------------------------------------------------------------------------


@cache
def cert_seeds() -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted((CORPUS / "certs").glob("*.der"))}


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


@st.composite
def der_tree(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A random, well-framed DER element (SEQUENCEs, SETs, context tags, primitives)."""
    if depth < 4 and draw(st.integers(0, 2)):
        tag = draw(st.sampled_from((0x30, 0x31, 0xA0, 0xA1, 0xA3, 0xA4, 0x24)))
        content = b"".join(draw(st.lists(der_tree(depth + 1), max_size=5)))
    else:
        tag = draw(
            st.sampled_from(
                (
                    0x01,
                    0x02,
                    0x03,
                    0x04,
                    0x05,
                    0x06,
                    0x0C,
                    0x13,
                    0x16,
                    0x17,
                    0x18,
                    0x1E,
                    0x80,
                    0x81,
                    0x82,
                    0x87,
                )
            )
            | st.integers(0, 255)
        )
        content = draw(st.binary(max_size=24))
    return bytes((tag,)) + _der_len(len(content)) + content


def _tlv_spans(
    data: bytes, start: int = 0, end: int | None = None, depth: int = 0
) -> list[tuple[int, int, int]]:
    """(offset, header length, content length) of every element of well-framed DER."""
    end = len(data) if end is None else end
    out = []
    pos = start
    while pos + 2 <= end and depth < 12:
        tag, first = data[pos], data[pos + 1]
        hl = 2
        if first < 0x80:
            n = first
        else:
            k = first & 0x7F
            if k == 0 or k > 4 or pos + 2 + k > end:
                break
            n = int.from_bytes(data[pos + 2 : pos + 2 + k], "big")
            hl += k
        if pos + hl + n > end:
            break
        out.append((pos, hl, n))
        if tag & 0x20:
            out += _tlv_spans(data, pos + hl, pos + hl + n, depth + 1)
        pos += hl + n
    return out


def _rebuild(data: bytes, pos: int, hl: int, n: int, new_content: bytes) -> bytes:
    """Replace one element's content and fix its length (outer lengths are left wrong)."""
    return (
        data[:pos]
        + data[pos : pos + 1]
        + _der_len(len(new_content))
        + new_content
        + data[pos + hl + n :]
    )


@st.composite
def mutated_der(draw: st.DrawFn, seed: bytes) -> bytes:
    spans = _tlv_spans(seed)
    if not spans or draw(st.integers(0, 3)) == 0:
        return draw(mutate_bytes(seed))
    pos, hl, n = draw(st.sampled_from(spans))
    content = seed[pos + hl : pos + hl + n]
    op = draw(st.sampled_from(("content", "tree", "tag", "empty")))
    if op == "content":
        new = draw(mutate_bytes(content))
    elif op == "tree":
        new = draw(der_tree(2))
    elif op == "empty":
        new = b""
    else:
        tag = draw(st.integers(0, 255))
        return seed[:pos] + bytes((tag,)) + seed[pos + 1 :]
    out = _rebuild(seed, pos, hl, n, new)
    # Fix the lengths of the enclosing elements so the change is seen inside.
    delta = len(out) - len(seed)
    for p2, hl2, n2 in sorted(spans, reverse=True):
        if p2 < pos and pos < p2 + hl2 + n2 and delta:
            content2 = out[p2 + hl2 : p2 + hl2 + n2 + delta]
            before = len(out)
            out = _rebuild(out, p2, hl2, n2 + delta, content2)
            delta += len(out) - before
    return out


@cache
def crl_seeds() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in sorted((CORPUS / "certs").glob("*.crl")))


@st.composite
def crl_list(draw: st.DrawFn) -> tuple[bytes, ...]:
    out = []
    for seed in crl_seeds():
        if draw(st.booleans()):
            out.append(draw(mutated_der(seed)) if draw(st.booleans()) else seed)
    return tuple(out)


@st.composite
def cert_chain(draw: st.DrawFn) -> tuple[bytes, ...]:
    seeds = cert_seeds()
    kind = draw(st.sampled_from(("rsa", "ecdsa", "ed25519")))
    chain = [seeds[f"{kind}-leaf"], seeds[f"{kind}-int"]]
    if draw(st.booleans()):
        chain.append(seeds[f"{kind}-root"])
    for _ in range(draw(st.integers(1, 2))):
        i = draw(st.integers(0, len(chain) - 1))
        if draw(st.integers(0, 9)) == 0:
            chain[i] = draw(der_tree())
        else:
            chain[i] = draw(mutated_der(chain[i]))
    return tuple(chain)


@cache
def _trust_store() -> Any:
    from sclient.x509.cert import Certificate
    from sclient.x509.store import TrustStore

    seeds = cert_seeds()
    return TrustStore.from_certificates(
        [Certificate(seeds[f"{k}-root"]) for k in ("rsa", "ecdsa", "ed25519")]
    )


def _now() -> float:
    from sclient.x509.cert import Certificate

    nb = Certificate(cert_seeds()["rsa-leaf"]).not_before.posix_strict()
    assert nb is not None
    return float(nb + 86400)


def check_certificate(der_bytes: bytes) -> Any:
    """Parse one certificate and read everything sclient ever reads from it."""
    from sclient.report.certs import describe
    from sclient.x509 import names
    from sclient.x509.cert import Certificate, CertificateError

    try:
        cert = Certificate(der_bytes)
    except CertificateError:
        return None
    for attr in (
        "fingerprint_sha1",
        "public_key",
        "ex_flags",
        "valid_extensions",
        "ex_pathlen",
        "ex_pcpathlen",
        "ex_kusage",
        "ex_xkusage",
        "ex_nscert",
        "skid",
        "akid",
        "altnames",
        "name_constraints",
        "self_issued",
        "self_signed",
        "ec_explicit_params",
        "key_family",
    ):
        getattr(cert, attr)
    cert.x509_self_signed()
    repr(cert)
    for flags in (None, "RFC2253", "oneline", "multiline", "utf8"):
        describe(der_bytes, flags)
    names.print_ex(cert.subject, 0)
    cert.not_before.print()
    cert.not_after.posix_strict()
    cert.not_before.compare(cert.not_after)
    return cert


def check_chain(chain: tuple[bytes, ...], crls: tuple[bytes, ...] = ()) -> None:
    from sclient.x509.callback import CallbackOptions, SClientVerifyCallback, outcome
    from sclient.x509.cert import CertificateError
    from sclient.x509.crl import CrlError, dist_points, http_urls, load_der
    from sclient.x509.verify import VerifyParams, verify_chain

    for c in chain:
        cert = check_certificate(c)
        if cert is not None:
            dist_points(cert)
            http_urls(cert)
    parsed = []
    for c in crls:
        try:
            crl = load_der(c)
        except CrlError:
            continue
        repr(crl)
        parsed.append(crl)
    for params in (
        VerifyParams(hosts=("localhost",), ip=b"\x7f\x00\x00\x01", email="a@localhost"),
        VerifyParams(
            x509_strict=True,
            policy_check=True,
            explicit_policy=True,
            check_ss_sig=True,
            partial_chain=True,
            auth_level=2,
        ),
        VerifyParams(crl_check=True, crl_check_all=True, use_deltas=True, extended_crl=True),
    ):
        callback = SClientVerifyCallback(
            CallbackOptions(verify_depth=None, return_error=False, quiet=False, nameopt=0)
        )
        try:
            result = verify_chain(
                chain,
                _trust_store(),
                now=_now(),
                params=params,
                callback=callback,
                crl_lookup=lambda name, cert: list(parsed),
            )
        except CertificateError:
            continue
        outcome(result, callback)


def check_pem(data: bytes) -> None:
    from sclient.x509.store import StoreLoadError, read_cert_crl_file, read_cert_file

    path = _scratch()
    path.write_bytes(data)
    for reader in (read_cert_crl_file, read_cert_file):
        try:
            got = reader(str(path))
        except StoreLoadError:
            continue
        certs = got[0] if isinstance(got, tuple) else got
        for c in certs:
            check_certificate(c.der)


@cache
def _scratch() -> Path:
    d = Path(tempfile.mkdtemp(prefix="sclient-fuzz-"))
    return d / "input.pem"


def _pem_of(blocks: list[tuple[str, bytes]]) -> bytes:
    out = b""
    for name, data in blocks:
        b64 = base64.encodebytes(data)
        out += b"-----BEGIN %s-----\n%s-----END %s-----\n" % (name.encode(), b64, name.encode())
    return out


@st.composite
def pem_input(draw: st.DrawFn) -> bytes:
    seeds = cert_seeds()
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(
            st.sampled_from(
                ("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE", "X509 CRL", "OTHER")
            )
        )
        der_bytes = draw(st.sampled_from(sorted(seeds.values()) + list(crl_seeds())))
        if draw(st.booleans()):
            der_bytes = draw(mutated_der(der_bytes))
        if name == "TRUSTED CERTIFICATE" and draw(st.booleans()):
            der_bytes += draw(der_tree())
        blocks.append((name, der_bytes))
    text = _pem_of(blocks)
    if draw(st.booleans()):
        text = draw(mutate_bytes(text))
    return text


def x509_inputs() -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of(
        st.tuples(cert_chain(), crl_list()).map(lambda c: ("chain", c)),
        st.tuples(cert_chain(), crl_list()).map(lambda c: ("chain", c)),
        pem_input().map(lambda p: ("pem", p)),
        st.binary(max_size=300).map(lambda b: ("chain", ((b,), ()))),
    )


def check_x509(value: tuple[str, Any]) -> None:
    what, data = value
    if what == "pem":
        check_pem(data)
    else:
        check_chain(*data)


# --- session files ---------------------------------------------------------------------------


@cache
def session_seeds() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in sorted((CORPUS / "sessions").glob("*.pem")))


@cache
def session_ders() -> tuple[bytes, ...]:
    from sclient.base.pem import read_blocks

    return tuple(read_blocks(s)[0].data for s in session_seeds())


@st.composite
def session_input(draw: st.DrawFn) -> tuple[str, bytes]:
    der_bytes = draw(st.sampled_from(session_ders()))
    how = draw(st.sampled_from(("der", "der", "pem", "raw")))
    if how == "raw":
        return "pem", draw(mutate_bytes(draw(st.sampled_from(session_seeds()))))
    der_bytes = draw(mutated_der(der_bytes)) if draw(st.integers(0, 3)) else draw(der_tree())
    if how == "pem":
        return "pem", _pem_of([("SSL SESSION PARAMETERS", der_bytes)])
    return "der", der_bytes


def check_session(value: tuple[str, bytes]) -> None:
    from sclient.tls.client import Client
    from sclient.tls.config import ClientConfig
    from sclient.tls.sessionfile import SessionFileError, decode, from_pem, to_pem

    form, data = value
    try:
        session = from_pem(data, 1_800_000_000) if form == "pem" else decode(data, 1_800_000_000)
    except SessionFileError:
        return
    to_pem(session)
    from fuzz.engine import det_key_share, det_random

    for max_version in (P.TLS1_3, P.TLS1_2):
        config = ClientConfig(
            random=det_random(),
            now=lambda: 1_800_000_000.0,
            key_share_factory=det_key_share,
            max_version=max_version,
            resume=session,
        )
        client = Client(config)
        client.start()
        client.data_to_send()


# --- the table -------------------------------------------------------------------------------

TARGETS: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]] = {
    "engine13": (engine_inputs("tls13"), check_engine_input),
    "engine12": (engine_inputs("tls12"), check_engine_input),
    "x509": (x509_inputs(), check_x509),
    "session": (session_input(), check_session),
}


def seed_for(test: Callable[[], None], seed: int | None, round_: int) -> Callable[[], None]:
    """A different seed each round of a long run (so rounds do not repeat)."""
    value = seed if seed is not None else int.from_bytes(os.urandom(8), "big")
    return hypothesis_seed(value + round_)(test)  # type: ignore[no-any-return]
