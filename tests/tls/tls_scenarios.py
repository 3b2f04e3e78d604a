"""Hostile-server scenarios, each run against sclient's Client (in memory) and
against the real ``openssl s_client`` 3.0.19 (the oracle).

``EXPECTED`` records what OpenSSL 3.0.19 did in each scenario (alert sent,
error reason), observed with ``tests/tls/tls_oracle.py`` on the development
machine; ``test_hostile.py`` checks sclient against it and, when the binary is
present, re-checks the record against OpenSSL itself.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tls_fakeserver import Fake12, Fake13, Hooks, Item, Key
from tls_peers import make_cert

from sclient.base import structs
from sclient.tls.config import Verdict
from sclient.tls.registry import protocol as P
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import (
    Certificate13,
    CertificateEntry,
    CertificateRequest13,
    EncryptedExtensions,
    Finished,
    HelloRequest,
    KeyUpdate,
    ServerHello,
    ServerKeyExchangeEcdhe,
)


def replace(obj: Any, **changes: Any) -> Any:
    """A copy with ``changes``: the engine's records and the harness's dataclasses."""
    if dataclasses.is_dataclass(obj):
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    return structs.replace(obj, **changes)


@cache
def keys() -> dict[str, Key]:
    d = Path(tempfile.mkdtemp(prefix="sclient-scen-"))
    out = {}
    for kind, scheme in (("rsa", 0x0804), ("ec", 0x0403)):
        pki = make_cert(d, kind)
        out[kind] = Key.load(pki.cert.read_bytes(), pki.key.read_bytes(), scheme)
    return out


@dataclass
class Scenario:
    name: str
    factory: Callable[[], Any]
    config: dict[str, Any] = field(default_factory=dict)  # ClientConfig overrides
    openssl_args: tuple[str, ...] = ()


def _flip_last(items: list[Item], epoch: str = "hs") -> list[Item]:
    out = list(items)
    for i in range(len(out) - 1, -1, -1):
        if out[i].epoch == epoch:
            data = bytearray(out[i].data)
            data[-1] ^= 1
            out[i] = replace(out[i], data=bytes(data))
            break
    return out


def _sh_exts(
    sh: ServerHello, f: Callable[[tuple[X.Extension, ...]], tuple[X.Extension, ...]]
) -> ServerHello:
    return replace(sh, extensions=f(sh.extensions))


def _no_key_share(exts: tuple[X.Extension, ...]) -> tuple[X.Extension, ...]:
    return tuple(e for e in exts if not isinstance(e, X.KeyShareServer))


def _raw_wire(data: bytes) -> Callable[[bytes], bytes]:
    return lambda _: data


def _t13(**kw: Any) -> Callable[[], Fake13]:
    hooks = kw.pop("hooks", None) or Hooks()
    kind = kw.pop("kind", "rsa")
    return lambda: Fake13(keys()[kind], hooks, **kw)


def _t12(**kw: Any) -> Callable[[], Fake12]:
    hooks = kw.pop("hooks", None) or Hooks()
    kind = kw.pop("kind", "rsa")
    return lambda: Fake12(keys()[kind], hooks, **kw)


def _extra_item(item: Item, after: int) -> Callable[[list[Item]], list[Item]]:
    return lambda items: [*items[:after], item, *items[after:]]


def _replace_hs(items: list[Item], data: bytes) -> list[Item]:
    return [replace(it, data=data) if it.epoch == "hs" else it for it in items]


_DOWNGRADE = bytes(24) + P.DOWNGRADE_TLS12
#: RFC 2409 section 6.2, the 1024-bit MODP group (too small at security level 2).
_MODP1024 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
    16,
)
_FFDHE2048 = __import__("sclient.tls.crypto.ffdhe", fromlist=["x"]).FFDHE_GROUPS[0x0100]
_SV = X.SupportedVersionSelected(P.TLS1_3)
_HUGE_P = (1 << 10007) | 3  # odd, 10008 bits, divisible by 7

SCENARIOS: list[Scenario] = [
    # --- TLS 1.3 ---------------------------------------------------------------------
    Scenario("ok13", _t13()),
    Scenario("bad_finished", _t13(hooks=Hooks(finished=lambda f: Finished(bytes(32))))),
    Scenario("short_finished", _t13(hooks=Hooks(finished=lambda f: Finished(f.verify_data[:31])))),
    Scenario(
        "bad_cv_signature",
        _t13(
            hooks=Hooks(
                certificate_verify=lambda cv: replace(cv, signature=bytes(len(cv.signature)))
            )
        ),
    ),
    Scenario(
        "cv_pkcs1_scheme",
        _t13(hooks=Hooks(certificate_verify=lambda cv: replace(cv, scheme=0x0401))),
    ),
    Scenario(
        "cv_wrong_curve",
        _t13(kind="ec", hooks=Hooks(certificate_verify=lambda cv: replace(cv, scheme=0x0503))),
    ),
    Scenario(
        "ee_unsolicited_alpn",
        _t13(hooks=Hooks(encrypted_extensions=lambda ee: EncryptedExtensions((X.Alpn((b"h2",)),)))),
    ),
    Scenario(
        "ee_alpn_not_offered",
        _t13(hooks=Hooks(encrypted_extensions=lambda ee: EncryptedExtensions((X.Alpn((b"h3",)),)))),
        {"alpn": (b"h2",)},
        ("-alpn", "h2"),
    ),
    Scenario(
        "ee_alpn_two_names",
        _t13(
            hooks=Hooks(
                encrypted_extensions=lambda ee: EncryptedExtensions((X.Alpn((b"h2", b"h2")),))
            )
        ),
        {"alpn": (b"h2",)},
        ("-alpn", "h2"),
    ),
    Scenario(
        "ee_unsolicited_sni",
        _t13(
            hooks=Hooks(encrypted_extensions=lambda ee: EncryptedExtensions((X.ServerNameAck(),)))
        ),
    ),
    Scenario(
        "ee_duplicate",
        _t13(
            hooks=Hooks(
                encrypted_extensions=lambda ee: EncryptedExtensions(
                    (X.SupportedGroups((29,)), X.SupportedGroups((29,)))
                )
            )
        ),
    ),
    Scenario(
        "ee_key_share",
        _t13(
            hooks=Hooks(encrypted_extensions=lambda ee: EncryptedExtensions((X.KeyShareRetry(29),)))
        ),
    ),
    Scenario(
        "ee_unknown_ext",
        _t13(
            hooks=Hooks(
                encrypted_extensions=lambda ee: EncryptedExtensions((X.Unknown(0x1234, b"x"),))
            )
        ),
    ),
    Scenario(
        "sh_session_id",
        _t13(hooks=Hooks(server_hello=lambda sh: replace(sh, session_id=bytes(32)))),
    ),
    Scenario(
        "sh_cipher_not_offered",
        _t13(hooks=Hooks(server_hello=lambda sh: replace(sh, cipher_suite=0x1304))),
    ),
    Scenario(
        "sh_cipher_unknown",
        _t13(hooks=Hooks(server_hello=lambda sh: replace(sh, cipher_suite=0x00FF))),
    ),
    Scenario(
        "sh_cipher_tls12",
        _t13(hooks=Hooks(server_hello=lambda sh: replace(sh, cipher_suite=0xC02F))),
    ),
    Scenario(
        "sh_bad_version",
        _t13(
            hooks=Hooks(
                server_hello=lambda sh: _sh_exts(
                    sh, lambda e: (X.SupportedVersionSelected(773), *e[1:])
                )
            )
        ),
    ),
    Scenario(
        "sh_no_key_share", _t13(hooks=Hooks(server_hello=lambda sh: _sh_exts(sh, _no_key_share)))
    ),
    Scenario(
        "sh_key_share_group",
        _t13(
            hooks=Hooks(
                server_hello=lambda sh: _sh_exts(
                    sh,
                    lambda e: (
                        e[0],
                        X.KeyShareServer(X.KeyShareEntry(0x0017, e[1].entry.key_exchange)),
                    ),  # type: ignore[attr-defined]
                )
            )
        ),
    ),
    Scenario(
        "sh_key_share_short",
        _t13(
            hooks=Hooks(
                server_hello=lambda sh: _sh_exts(
                    sh, lambda e: (e[0], X.KeyShareServer(X.KeyShareEntry(29, bytes(31))))
                )
            )
        ),
    ),
    Scenario(
        "sh_compression",
        _t13(hooks=Hooks(server_hello=lambda sh: replace(sh, compression_method=1))),
    ),
    Scenario(
        "sh_alpn_in_sh13",
        _t13(hooks=Hooks(server_hello=lambda sh: _sh_exts(sh, lambda e: (*e, X.Alpn((b"h2",)))))),
        {"alpn": (b"h2",)},
        ("-alpn", "h2"),
    ),
    Scenario(
        "sh_ems_in_sh13",
        _t13(
            hooks=Hooks(
                server_hello=lambda sh: _sh_exts(sh, lambda e: (*e, X.ExtendedMasterSecret()))
            )
        ),
    ),
    Scenario(
        "cert_before_ee",
        _t13(hooks=Hooks(items=lambda items: _replace_hs(items, Certificate13(b"", ()).encode()))),
    ),
    Scenario(
        "sh_not_on_record_boundary",
        _t13(
            hooks=Hooks(
                items=lambda items: (
                    [
                        Item(P.HANDSHAKE, items[0].data + EncryptedExtensions(()).encode()),
                        *items[1:],
                    ]
                )
            )
        ),
    ),
    Scenario(
        "empty_certificate",
        _t13(hooks=Hooks(certificate=lambda c: Certificate13(b"", ()))),
    ),
    Scenario(
        "garbage_certificate",
        _t13(
            hooks=Hooks(
                certificate=lambda c: Certificate13(b"", (CertificateEntry(b"\x30\x03abc"),))
            )
        ),
    ),
    Scenario(
        "certificate_context",
        _t13(hooks=Hooks(certificate=lambda c: replace(c, context=b"\x01"))),
    ),
    Scenario("bad_record_mac", _t13(hooks=Hooks(wire=lambda w: w[:-1] + bytes((w[-1] ^ 1,))))),
    Scenario("bad_finished_record", _t13(hooks=Hooks(items=_flip_last))),
    Scenario(
        "bad_ccs",
        _t13(
            hooks=Hooks(
                items=lambda items: [items[0], Item(P.CHANGE_CIPHER_SPEC, b"\x02"), *items[2:]]
            )
        ),
    ),
    Scenario(
        "long_finished",
        _t13(hooks=Hooks(finished=lambda f: Finished(bytes(100)))),
    ),
    Scenario(
        "hello_request_in_13",
        _t13(hooks=Hooks(items=_extra_item(Item(P.HANDSHAKE, HelloRequest().encode(), "hs"), 2))),
    ),
    Scenario(
        "app_data_in_handshake",
        _t13(hooks=Hooks(items=_extra_item(Item(P.APPLICATION_DATA, b"hello", "hs"), 2))),
    ),
    Scenario(
        "certificate_request",
        _t13(
            hooks=Hooks(
                certificate_request=lambda _: CertificateRequest13(
                    b"", (X.SignatureAlgorithms((0x0804,)),)
                )
            )
        ),
    ),
    Scenario(
        "certificate_request_no_sigalgs",
        _t13(hooks=Hooks(certificate_request=lambda _: CertificateRequest13(b"", ()))),
    ),
    Scenario(
        "verify_failed13",
        _t13(),
        {"verify_certificates": lambda chain: Verdict(alert=48)},
        ("-verify_return_error",),
    ),
    Scenario("hrr_ok", _t13(hrr_group=0x0017)),
    Scenario("hrr_cookie", _t13(hrr_group=0x0017, cookie=b"cookie!")),
    Scenario("hrr_same_group", _t13(hrr_group=0x001D)),
    Scenario("hrr_group_not_offered", _t13(hrr_group=0x0016)),
    # Offered (the ClientHello also offers TLS 1.2) but not a TLS 1.3 group.
    Scenario(
        "hrr_group_tls12_only",
        _t13(hrr_group=0x001A),
        config={"groups": (0x001D, 0x001A)},
        openssl_args=("-groups", "X25519:brainpoolP256r1"),
    ),
    Scenario(
        "hrr_no_change",
        _t13(hrr_group=0x0017, hooks=Hooks(hrr=lambda h: replace(h, extensions=(_SV,)))),
    ),
    Scenario(
        "hrr_then_other_suite",
        _t13(
            hrr_group=0x0017, hooks=Hooks(server_hello=lambda sh: replace(sh, cipher_suite=0x1302))
        ),
    ),
    Scenario(
        "hrr_twice",
        _t13(
            hrr_group=0x0017, hooks=Hooks(server_hello=lambda sh: replace(sh, random=P.HRR_RANDOM))
        ),
    ),
    Scenario(
        "hrr_then_tls12",
        _t13(
            hrr_group=0x0017,
            hooks=Hooks(server_hello=lambda sh: _sh_exts(sh, lambda e: e[1:])),
        ),
    ),
    # --- record layer -------------------------------------------------------------------
    Scenario(
        "http_response", _t13(hooks=Hooks(wire=_raw_wire(b"HTTP/1.1 400 Bad Request\r\n\r\n")))
    ),
    Scenario("garbage", _t13(hooks=Hooks(wire=_raw_wire(bytes(range(0x30, 0x80)))))),
    Scenario(
        "oversized_header", _t13(hooks=Hooks(wire=_raw_wire(b"\x16\x03\x03\x41\x54" + bytes(64))))
    ),
    Scenario(
        "oversized_header_limit",
        _t13(hooks=Hooks(wire=_raw_wire(b"\x16\x03\x03\x41\x53" + bytes(64)))),
    ),
    Scenario(
        "unknown_content_type", _t13(hooks=Hooks(wire=_raw_wire(b"\x30\x03\x03\x00\x02\x01\x00")))
    ),
    Scenario(
        "plain_alert_after_server_hello",
        _t13(
            hooks=Hooks(
                items=lambda items: [*items[:2], Item(0, b"\x15\x03\x03\x00\x02\x02\x28", "raw")]
            )
        ),
    ),
    Scenario(
        "encrypted_alert_after_server_hello",
        _t13(hooks=Hooks(items=lambda items: [*items[:2], Item(P.ALERT, b"\x02\x28", "hs")])),
    ),
    Scenario(
        "encrypted_warning_alert_13",
        _t13(hooks=Hooks(items=lambda items: [*items[:2], Item(P.ALERT, b"\x01\x5a", "hs")])),
    ),
    Scenario(
        "plaintext_record_too_long",
        _t13(hooks=Hooks(wire=_raw_wire(b"\x16\x03\x03\x40\x01" + bytes(16385)))),
    ),
    Scenario(
        "finished_not_on_record_boundary",
        _t13(
            hooks=Hooks(
                items=lambda items: [
                    *items[:-1],
                    replace(items[-1], data=items[-1].data + KeyUpdate(0).encode()),
                ]
            )
        ),
    ),
    Scenario("alert_fatal", _t13(hooks=Hooks(wire=_raw_wire(b"\x15\x03\x03\x00\x02\x02\x28")))),
    Scenario(
        "alert_three_bytes", _t13(hooks=Hooks(wire=_raw_wire(b"\x15\x03\x03\x00\x03\x02\x28\x00")))
    ),
    Scenario(
        "alert_warning_unknown",
        _t13(hooks=Hooks(wire=_raw_wire(b"\x15\x03\x03\x00\x02\x01\x5a" * 6))),
    ),
    Scenario("truncated_record", _t13(hooks=Hooks(wire=lambda w: w[:60]))),
    Scenario(
        "tls13_record_too_long",
        _t13(
            hooks=Hooks(
                items=lambda items: (
                    [*items[:2], Item(0, b"\x17\x03\x03A\x01" + bytes(16641), "raw")]
                )
            )
        ),
    ),
    # --- TLS 1.2 ---------------------------------------------------------------------------
    Scenario("ok12", _t12(), {"max_version": 0x0303}, ("-tls1_2",)),
    Scenario("dhe_ok", _t12(dhe=(_FFDHE2048, 2))),
    Scenario(
        "verify_failed12",
        _t12(),
        {"verify_certificates": lambda chain: Verdict(alert=48)},
        ("-verify_return_error",),
    ),
    Scenario("dhe_1024", _t12(dhe=(_MODP1024, 2))),
    Scenario(
        "dhe_zero",
        _t12(
            dhe=(_FFDHE2048, 2), hooks=Hooks(server_key_exchange=lambda s: replace(s, ys=b"\x00"))
        ),
    ),
    # Signed DHE parameters above OpenSSL's OPENSSL_DH_MAX_MODULUS_BITS (10000):
    # refused before any arithmetic (cryptography's primality checks would take
    # minutes at this size).
    Scenario(
        "dhe_p_10008_bits",
        _t12(dhe=(_FFDHE2048, 2), dhe_wire=(_HUGE_P.to_bytes(1251, "big"), b"\x02", b"\x02\x00")),
    ),
    Scenario("downgrade_sentinel", _t12(random=_DOWNGRADE)),
    Scenario(
        "downgrade_sentinel_12only", _t12(random=_DOWNGRADE), {"max_version": 0x0303}, ("-tls1_2",)
    ),
    Scenario(
        "no_renegotiation_info", _t12(extensions=(X.EcPointFormats((0,)), X.ExtendedMasterSecret()))
    ),
    Scenario(
        "no_renegotiation_info_legacy",
        _t12(extensions=(X.EcPointFormats((0,)),)),
        {"legacy_server_connect": True},
        ("-legacy_server_connect",),
    ),
    Scenario(
        # SSL_OP_ALL no longer has SSL_OP_LEGACY_SERVER_CONNECT in 3.0
        "no_renegotiation_info_bugs",
        _t12(extensions=(X.EcPointFormats((0,)),)),
        {"tls_padding": True},
        ("-bugs",),
    ),
    Scenario(
        # SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION lets it in too (final_renegotiate)
        "no_renegotiation_info_legacy_renegotiation",
        _t12(extensions=(X.EcPointFormats((0,)),)),
        {"legacy_server_connect": True},
        ("-legacy_renegotiation",),
    ),
    Scenario("renegotiation_info_nonempty", _t12(extensions=(X.RenegotiationInfo(b"x" * 12),))),
    Scenario(
        "ec_point_formats_compressed_only",
        _t12(extensions=(X.RenegotiationInfo(b""), X.EcPointFormats((1,)))),
    ),
    Scenario(
        "session_ticket_nonempty",
        _t12(extensions=(X.RenegotiationInfo(b""), X.SessionTicket(b"x"))),
    ),
    Scenario(
        "sh12_key_share",
        _t12(
            extensions=(X.RenegotiationInfo(b""), X.KeyShareServer(X.KeyShareEntry(29, bytes(32))))
        ),
    ),
    Scenario(
        "sh12_unsolicited_alpn",
        _t12(extensions=(X.RenegotiationInfo(b""), X.Alpn((b"h2",)))),
    ),
    Scenario(
        "bad_ske_signature",
        _t12(
            hooks=Hooks(server_key_exchange=lambda s: replace(s, signature=bytes(len(s.signature))))
        ),
    ),
    Scenario(
        "ske_sha1_scheme",
        _t12(hooks=Hooks(server_key_exchange=lambda s: replace(s, scheme=0x0201))),
    ),
    Scenario(
        "ske_wrong_curve",
        _t12(
            hooks=Hooks(
                server_key_exchange=lambda s: ServerKeyExchangeEcdhe(
                    0x0016, s.public, s.scheme, s.signature
                )
            )
        ),
    ),
    Scenario(
        "sh12_compression",
        _t12(hooks=Hooks(server_hello=lambda sh: replace(sh, compression_method=1))),
    ),
    Scenario(
        "sh12_session_id_too_long",
        _t12(hooks=Hooks(server_hello=lambda sh: replace(sh, session_id=bytes(33)))),
    ),
    Scenario("bad_finished12", _t12(hooks=Hooks(finished=lambda f: Finished(bytes(12))))),
    Scenario(
        "tls11_server",
        _t12(hooks=Hooks(server_hello=lambda sh: replace(sh, legacy_version=0x0302))),
        {"min_version": 0x0303},
        ("-min_protocol", "TLSv1.2"),
    ),
    Scenario(
        "tls12_wrong_record_version",
        _t12(
            hooks=Hooks(
                items=lambda items: [
                    Item(P.HANDSHAKE, items[0].data[:-4]),
                    Item(0, b"\x16\x03\x01\x00\x04\x0e\x00\x00\x00", "raw"),
                ]
            )
        ),
    ),
    Scenario(
        "server_hello_done_with_body",
        _t12(
            hooks=Hooks(
                items=lambda items: [
                    Item(P.HANDSHAKE, items[0].data[:-4] + b"\x0e\x00\x00\x01\x00")
                ]
            )
        ),
    ),
    Scenario(
        "ticket12",
        _t12(ticket=b"T" * 100, extensions=(X.RenegotiationInfo(b""), X.SessionTicket())),
    ),
    Scenario(
        "unexpected_ticket12",
        _t12(ticket=b"T" * 100, extensions=(X.RenegotiationInfo(b""), X.EcPointFormats((0,)))),
    ),
]


#: OpenSSL 3.0.19's answers: scenario -> (alert it sent or None, first error
#: reason or ""), recorded with tests/tls/tls_compare.py.
EXPECTED: dict[str, tuple[int | None, str]] = {
    "plaintext_record_too_long": (22, "data length too long"),
    "finished_not_on_record_boundary": (10, "not on record boundary"),
    "dhe_ok": (None, ""),
    "plain_alert_after_server_hello": (10, "bad record type"),
    "encrypted_alert_after_server_hello": (None, "sslv3 alert handshake failure"),
    "encrypted_warning_alert_13": (50, "unexpected eof while reading"),
    "sh12_compression": (47, "compression disabled"),
    "sh12_session_id_too_long": (47, "ssl3 session id too long"),
    "verify_failed12": (48, "certificate verify failed"),
    "verify_failed13": (48, "certificate verify failed"),
    "dhe_1024": (40, "dh key too small"),
    "dhe_zero": (47, "bad dh value"),
    "dhe_p_10008_bits": (47, "bad dh value"),
    "ok13": (None, ""),
    "bad_finished": (51, "digest check failed"),
    "short_finished": (50, "bad digest length"),
    "bad_cv_signature": (51, "bad signature"),
    "cv_pkcs1_scheme": (47, "wrong signature type"),
    "cv_wrong_curve": (47, "wrong curve"),
    "ee_unsolicited_alpn": (110, "unsolicited extension"),
    "ee_alpn_not_offered": (50, "bad extension"),
    "ee_alpn_two_names": (50, "bad extension"),
    "ee_unsolicited_sni": (110, "unsolicited extension"),
    "ee_duplicate": (47, "bad extension"),
    "ee_key_share": (47, "bad extension"),
    "ee_unknown_ext": (None, ""),
    "sh_session_id": (47, "invalid session id"),
    "sh_cipher_not_offered": (47, "wrong cipher returned"),
    "sh_cipher_unknown": (47, "unknown cipher returned"),
    "sh_cipher_tls12": (47, "wrong cipher returned"),
    "sh_bad_version": (47, "bad protocol version number"),
    "sh_no_key_share": (109, "no suitable key share"),
    "sh_key_share_group": (47, "bad key share"),
    "sh_key_share_short": (47, "bad ecpoint"),
    "sh_compression": (47, "invalid compression algorithm"),
    "sh_alpn_in_sh13": (47, "bad extension"),
    "sh_ems_in_sh13": (47, "bad extension"),
    "cert_before_ee": (10, "unexpected message"),
    "sh_not_on_record_boundary": (10, "not on record boundary"),
    "empty_certificate": (50, "length mismatch"),
    "garbage_certificate": (42, "ASN1 lib"),
    "certificate_context": (50, "length mismatch"),
    "bad_record_mac": (20, "decryption failed or bad record mac"),
    "bad_finished_record": (51, "digest check failed"),
    "bad_ccs": (47, "invalid ccs message"),
    "long_finished": (47, "excessive message size"),
    "hello_request_in_13": (None, ""),
    "app_data_in_handshake": (10, "unexpected record"),
    "certificate_request": (None, ""),
    "certificate_request_no_sigalgs": (109, "missing sigalgs extension"),
    "hrr_ok": (None, ""),
    "hrr_cookie": (None, ""),
    "hrr_same_group": (47, "bad key share"),
    "hrr_group_not_offered": (47, "bad key share"),
    "hrr_group_tls12_only": (47, "bad key share"),
    "hrr_no_change": (47, "no change following hrr"),
    "hrr_then_other_suite": (47, "wrong cipher returned"),
    "hrr_twice": (10, "unexpected message"),
    "hrr_then_tls12": (70, "wrong ssl version"),
    "http_response": (None, "wrong version number"),
    "garbage": (None, "wrong version number"),
    "oversized_header": (22, "packet length too long"),
    "oversized_header_limit": (22, "packet length too long"),
    "unknown_content_type": (10, "unexpected message"),
    "alert_fatal": (None, "sslv3 alert handshake failure"),
    "alert_three_bytes": (10, "invalid alert"),
    "alert_warning_unknown": (10, "too many warn alerts"),
    "truncated_record": (50, "unexpected eof while reading"),
    "tls13_record_too_long": (22, "encrypted length too long"),
    "ok12": (None, ""),
    "downgrade_sentinel": (47, "inappropriate fallback"),
    "downgrade_sentinel_12only": (None, ""),
    "no_renegotiation_info": (40, "unsafe legacy renegotiation disabled"),
    "no_renegotiation_info_legacy": (None, ""),
    "no_renegotiation_info_bugs": (40, "unsafe legacy renegotiation disabled"),
    "no_renegotiation_info_legacy_renegotiation": (None, ""),
    "renegotiation_info_nonempty": (47, "renegotiation mismatch"),
    "ec_point_formats_compressed_only": (None, ""),
    "session_ticket_nonempty": (50, "bad extension"),
    "sh12_key_share": (47, "bad extension"),
    "sh12_unsolicited_alpn": (110, "unsolicited extension"),
    "bad_ske_signature": (51, "bad signature"),
    "ske_sha1_scheme": (40, "wrong signature type"),
    "ske_wrong_curve": (47, "wrong curve"),
    "bad_finished12": (51, "digest check failed"),
    "tls11_server": (70, "unsupported protocol"),
    "tls12_wrong_record_version": (70, "wrong version number"),
    "server_hello_done_with_body": (47, "excessive message size"),
    "ticket12": (None, ""),
    "unexpected_ticket12": (10, "unexpected message"),
}
