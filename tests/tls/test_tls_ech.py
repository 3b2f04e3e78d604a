"""Encrypted Client Hello in the engine (sclient.tls.ech, sclient.tls.crypto.hpke).

HPKE is checked against ``cryptography``'s own HPKE opener (an independent
implementation, RFC 9180) for every suite sclient offers; the outer
ClientHello is opened with the server's private key the way a server does
(RFC 9849 §7.2: AAD = the outer ClientHello with a zero payload, info =
"tls ech" 0 ECHConfig), and the ClientHelloInner rebuilt from the
EncodedClientHelloInner (outer_extensions expanded, the session id put back)
must be the inner ClientHello byte for byte.
"""

from __future__ import annotations

import base64
import struct

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.bindings._rust import openssl as rust_openssl
from cryptography.hazmat.primitives import hpke as pyca_hpke
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tls_peers import config

from sclient.base import structs
from sclient.tls import ech
from sclient.tls.crypto import hpke
from sclient.tls.errors import DecodeError
from sclient.tls.hello import build_client_hello
from sclient.tls.registry import protocol as P
from sclient.tls.wire import extensions as X
from sclient.tls.wire.buffer import Reader
from sclient.tls.wire.handshake import ClientHello

_KEMS = {0x0020: pyca_hpke.KEM.X25519, 0x0010: pyca_hpke.KEM.P256}
_KDFS = {1: pyca_hpke.KDF.HKDF_SHA256, 2: pyca_hpke.KDF.HKDF_SHA384, 3: pyca_hpke.KDF.HKDF_SHA512}
_AEADS = {
    1: pyca_hpke.AEAD.AES_128_GCM,
    2: pyca_hpke.AEAD.AES_256_GCM,
    3: pyca_hpke.AEAD.CHACHA20_POLY1305,
}


def _keypair(kem: int) -> tuple[object, bytes]:
    if kem == 0x0020:
        sk = x25519.X25519PrivateKey.generate()
        return sk, sk.public_key().public_bytes_raw()
    sk2 = ec.generate_private_key(ec.SECP256R1())
    return sk2, sk2.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def _open(
    kem: int, kdf: int, aead: int, sk: object, enc_ct: bytes, info: bytes, aad: bytes
) -> bytes:
    suite = pyca_hpke.Suite(_KEMS[kem], _KDFS[kdf], _AEADS[aead])
    return bytes(rust_openssl.hpke._decrypt_with_aad(suite, enc_ct, sk, info=info, aad=aad))


@pytest.mark.parametrize("kem", sorted(_KEMS))
@pytest.mark.parametrize("kdf", sorted(_KDFS))
@pytest.mark.parametrize("aead", sorted(_AEADS))
def test_hpke_seal_opens_with_cryptography(kem: int, kdf: int, aead: int) -> None:
    sk, pk = _keypair(kem)
    ctx = hpke.setup_base_sender(kem, kdf, aead, pk, b"tls ech\x00config")
    ct = ctx.seal(b"the aad", b"the plaintext")
    assert len(ctx.enc) == (32 if kem == 0x0020 else 65)
    assert (
        _open(kem, kdf, aead, sk, ctx.enc + ct, b"tls ech\x00config", b"the aad")
        == b"the plaintext"
    )
    with pytest.raises(InvalidTag):  # another AAD does not open
        _open(kem, kdf, aead, sk, ctx.enc + ct, b"tls ech\x00config", b"other aad")


def test_hpke_second_message_uses_the_next_nonce() -> None:
    _, pk = _keypair(0x0020)
    ctx = hpke.setup_base_sender(0x0020, 1, 1, pk, b"info")
    a, b = ctx.seal(b"", b"same"), ctx.seal(b"", b"same")
    assert a != b and len(a) == len(b) == 4 + 16


def test_hpke_refuses_unknown_suites_and_bad_keys() -> None:
    with pytest.raises(Exception, match="not supported"):
        hpke.setup_base_sender(0x0021, 1, 1, bytes(56), b"")  # X448
    with pytest.raises(Exception, match="wrong length"):
        hpke.setup_base_sender(0x0020, 1, 1, bytes(31), b"")


def _config(
    pk: bytes,
    config_id: int = 7,
    kem: int = 0x0020,
    suites=((1, 1), (1, 3)),
    name: bytes = b"public.example",
    max_name: int = 0,
    exts: bytes = b"",
) -> bytes:  # type: ignore[no-untyped-def]
    suites_b = b"".join(struct.pack(">HH", k, a) for k, a in suites)
    contents = (
        bytes((config_id,))
        + struct.pack(">H", kem)
        + struct.pack(">H", len(pk))
        + pk
        + struct.pack(">H", len(suites_b))
        + suites_b
        + bytes((max_name, len(name)))
        + name
        + struct.pack(">H", len(exts))
        + exts
    )
    return struct.pack(">HH", 0xFE0D, len(contents)) + contents


def _list(*configs: bytes) -> bytes:
    body = b"".join(configs)
    return struct.pack(">H", len(body)) + body


def test_config_list_decoding() -> None:
    _, pk = _keypair(0x0020)
    cfg = _config(pk)
    other_version = struct.pack(">HH", 0xFE0A, 3) + b"abc"
    configs, skipped = ech.decode_config_list(_list(other_version, cfg))
    assert skipped == 1 and len(configs) == 1
    c = configs[0]
    assert (c.config_id, c.kem_id, c.public_key, c.suites) == (7, 0x0020, pk, ((1, 1), (1, 3)))
    assert c.public_name == "public.example" and c.raw == cfg
    for bad in (b"", _list(), _list(cfg)[:-1], _list(cfg) + b"\x00"):
        with pytest.raises(DecodeError):
            ech.decode_config_list(bad)


def test_config_choice_skips_what_sclient_cannot_use() -> None:
    _, pk = _keypair(0x0020)
    mandatory = _config(pk, config_id=1, exts=struct.pack(">HH", 0x8001, 0))
    x448 = _config(bytes(56), config_id=2, kem=0x0021)
    export_only = _config(pk, config_id=3, suites=((1, 0xFFFF),))
    usable = _config(pk, config_id=4, suites=((9, 1), (2, 3)))
    chosen = ech.choose_config(_list(mandatory, x448, export_only, usable))
    assert chosen is not None
    cfg, kdf, aead = chosen
    assert (cfg.config_id, kdf, aead) == (4, 2, 3)
    assert ech.choose_config(_list(mandatory, x448)) is None


def test_base64_option_value() -> None:
    _, pk = _keypair(0x0020)
    raw = _list(_config(pk))
    assert ech.parse_config_list_b64(base64.b64encode(raw).decode()) == raw
    with pytest.raises(ValueError, match="base64"):
        ech.parse_config_list_b64("not base64!")
    with pytest.raises(ValueError, match="ECHConfigList"):
        ech.parse_config_list_b64(base64.b64encode(b"\x00\x01\x02").decode())


def _decode_inner(encoded: bytes, outer: ClientHello) -> ClientHello:
    """A server's reconstruction of ClientHelloInner (RFC 9849 §5.1)."""
    hello = ClientHello.decode(Reader(encoded_unpadded(encoded)))
    out: list[X.Extension] = []
    outer_by_type = {e.ext_type: e for e in outer.extensions}
    for e in hello.extensions:
        if e.ext_type == ech.ECH_OUTER_EXTENSIONS:
            data = e.encode_body()
            types = [struct.unpack(">H", data[1 + i : 3 + i])[0] for i in range(0, data[0], 2)]
            assert ech.ECH not in types
            out.extend(outer_by_type[t] for t in types)
        else:
            out.append(e)
    return structs.replace(hello, session_id=outer.session_id, extensions=tuple(out))


def encoded_unpadded(encoded: bytes) -> bytes:
    # ClientHello fields up to the extensions block, then the block's length.
    r = Reader(encoded)
    r.read(2 + 32)
    r.vec(1)
    r.vec(2)
    r.vec(1)
    n = r.u16()
    end = len(encoded) - r.remaining + n
    assert not any(encoded[end:]), "padding must be zeros"
    return encoded[:end]


@pytest.mark.parametrize("max_name", [0, 64])
def test_the_outer_client_hello_opens_to_the_inner_one(max_name: int) -> None:
    sk, pk = _keypair(0x0020)
    cfg_raw = _config(pk, config_id=9, max_name=max_name)
    settings = ech.EchSettings(config_list=_list(cfg_raw))
    cfg = structs.replace(
        config(server_name="secret.example", alpn=(b"h2",), min_version=P.TLS1_3), ech=settings
    )
    ch = build_client_hello(cfg, cfg.random, {})
    outer, state = ech.wrap(cfg, ch, ())
    assert state.inner is not None and state.outer_sni == "public.example"
    sn = outer.ext(X.ServerName)
    assert sn is not None and sn.host_name == b"public.example"
    assert outer.random != state.inner.random and outer.session_id == state.inner.session_id
    ext = next(e for e in outer.extensions if e.ext_type == ech.ECH)
    body = ext.encode_body()
    r = Reader(body)
    assert r.u8() == 0 and (r.u16(), r.u16(), r.u8()) == (1, 1, 9)
    enc, payload = r.vec(2), r.vec(2)
    r.done()
    aad_ext = X.Unknown(ech.ECH, body[: len(body) - len(payload)] + bytes(len(payload)))
    aad = structs.replace(
        outer, extensions=tuple(aad_ext if e is ext else e for e in outer.extensions)
    ).encode()[4:]
    encoded = _open(0x0020, 1, 1, sk, enc + payload, b"tls ech\x00" + cfg_raw, aad)
    assert len(encoded) % 32 == 0
    inner = _decode_inner(encoded, outer)
    assert inner.encode() == state.inner.encode()
    # The inner marker, the real name; the compression saved the shared extensions.
    marker = next(e for e in inner.extensions if e.ext_type == ech.ECH)
    assert marker.encode_body() == b"\x01"
    assert len(encoded) < len(state.inner.encode())
    if max_name:
        # RFC 9849 §6.1.3: the name is padded to maximum_name_length first.
        assert len(encoded) >= len(encoded_unpadded(encoded)) + max_name - len(b"secret.example")


def test_grease_without_a_config() -> None:
    settings = ech.EchSettings(grease=True)
    cfg = structs.replace(config(server_name="secret.example"), ech=settings)
    ch = build_client_hello(cfg, cfg.random, {})
    outer, state = ech.wrap(cfg, ch, ())
    assert state.grease
    assert outer.ext(X.ServerName) == ch.ext(X.ServerName)  # the real name: GREASE hides nothing
    body = next(e for e in outer.extensions if e.ext_type == ech.ECH).encode_body()
    r = Reader(body)
    assert r.u8() == 0 and (r.u16(), r.u16()) == (1, 1)
    r.u8()
    assert len(r.vec(2)) == 32 and len(r.vec(2)) % 32 == 16
    assert [e.ext_type for e in outer.extensions if e.ext_type != ech.ECH] == [
        e.ext_type for e in ch.extensions
    ]


def test_hpke_rfc9180_a1_known_answer() -> None:
    """RFC 9180 Appendix A.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
    AES-128-GCM, base mode): the published ephemeral key gives the published
    enc and first ciphertext."""
    sk_e = bytes.fromhex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736")
    pk_r = bytes.fromhex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d")
    info = bytes.fromhex("4f6465206f6e2061204772656369616e2055726e")

    def ephemeral(kem: int) -> tuple[object, bytes]:
        sk = x25519.X25519PrivateKey.from_private_bytes(sk_e)
        return sk, sk.public_key().public_bytes_raw()

    ctx = hpke.setup_base_sender(0x0020, 1, 1, pk_r, info, ephemeral)
    assert ctx.enc.hex() == "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431"
    ct = ctx.seal(b"Count-0", b"Beauty is truth, truth beauty")
    assert ct.hex() == (
        "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"
    )
