"""GREASE (RFC 8701) in the engine: the values, where they go in the
ClientHello, what a second ClientHello keeps, and the server's answers that
are ignored (NewSessionTicket, CertificateRequest) or refused (a GREASE value
selected, a GREASE extension in ServerHello, HelloRetryRequest,
EncryptedExtensions or Certificate)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from tls_fakeserver import Fake13, Hooks, Item, converse
from tls_peers import config
from tls_scenarios import keys

from sclient.base.structs import replace
from sclient.tls import events as ev
from sclient.tls import grease
from sclient.tls.client import Client
from sclient.tls.hello import Offer, build_client_hello, second_client_hello
from sclient.tls.registry import alerts
from sclient.tls.registry import extensions as ext
from sclient.tls.registry import protocol as P
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import (
    CertificateRequest13,
    ClientHello,
    NewSessionTicket13,
    ServerHello,
    decode_message,
)

ALL = grease.ALL_FIELDS
#: RFC 8701 §2, written out: 0x0A0A, 0x1A1A, ... 0xFAFA.
RFC_VALUES = {int(f"{n:X}A{n:X}A", 16) for n in range(16)}
RFC_PSK_MODES = {0x0B, 0x2A, 0x49, 0x68, 0x87, 0xA6, 0xC5, 0xE4}


def counter_random() -> Callable[[int], bytes]:
    """Entropy that differs call to call (so two connections differ)."""
    state = {"n": 0}

    def rnd(n: int) -> bytes:
        state["n"] += 1
        return bytes((state["n"] * 37 + i * 101) & 0xFF for i in range(n))

    return rnd


def hello(fields: frozenset[str] = ALL, **kw: Any) -> ClientHello:
    kw.setdefault("alpn", (b"h2", b"http/1.1"))
    return build_client_hello(config(grease=fields, **kw), kw.get("random", os.urandom), {})


def test_the_reserved_values_are_the_rfcs() -> None:
    assert set(grease.VALUES) == RFC_VALUES
    assert set(grease.PSK_MODES) == RFC_PSK_MODES
    assert all(grease.is_grease(v) for v in RFC_VALUES)
    assert not any(grease.is_grease(v) for v in (0x0A0B, 0x1A2A, 0x001D, 0x0304, 0xAAAB))


def test_every_field_gets_one_value_in_openssl_and_boringssl_places() -> None:
    ch = hello()
    f = grease.fields_of(ch)
    assert list(f) == [
        "cipher",
        "ext",
        "group",
        "key_share",
        "sigalg",
        "version",
        "pskmode",
        "alpn",
    ]
    assert ch.cipher_suites[0] in RFC_VALUES and ch.cipher_suites[1] == 0x1302
    first, last = ch.extensions[0], ch.extensions[-1]
    assert isinstance(first, X.Unknown) and first.data == b"" and first.type in RFC_VALUES
    assert isinstance(last, X.Unknown) and last.data == b"\x00" and last.type in RFC_VALUES
    assert first.type != last.type  # two extensions of one type are not allowed
    sg, ks = ch.ext(X.SupportedGroups), ch.ext(X.KeyShareClient)
    assert sg is not None and ks is not None
    assert sg.groups[0] == ks.entries[0].group in RFC_VALUES
    assert ks.entries[0].key_exchange == b"\x00"  # a one-byte share
    assert ks.entries[1].group == 0x001D and len(ks.entries[1].key_exchange) == 32
    sa, sv = ch.ext(X.SignatureAlgorithms), ch.ext(X.SupportedVersions)
    pm, al = ch.ext(X.PskKeyExchangeModes), ch.ext(X.Alpn)
    assert sa is not None and sa.schemes[0] in RFC_VALUES and sa.schemes[1] == 0x0403
    assert sv is not None and sv.versions[0] in RFC_VALUES and sv.versions[1] == P.TLS1_3
    assert pm is not None and pm.modes[0] in RFC_PSK_MODES and pm.modes[1:] == (1,)
    assert al is not None and al.protocols[1:] == (b"h2", b"http/1.1")
    assert int.from_bytes(al.protocols[0], "big") in RFC_VALUES
    # The whole message still decodes as a ClientHello, GREASE and all.
    again = decode_message(ch.encode())
    assert isinstance(again, ClientHello) and again.cipher_suites == ch.cipher_suites
    assert grease.fields_of(again) == f


def ungreased(ch: ClientHello) -> bytes:
    """``ch`` without its GREASE values, key shares zeroed (they are fresh keys)."""
    exts: list[X.Extension] = []
    for e in ch.extensions:
        if grease.is_grease(e.ext_type):
            continue
        if isinstance(e, X.SupportedGroups):
            e = X.SupportedGroups(grease.strip_values(e.groups))
        elif isinstance(e, X.KeyShareClient):
            e = X.KeyShareClient(
                tuple(
                    X.KeyShareEntry(k.group, bytes(len(k.key_exchange)))
                    for k in e.entries
                    if not grease.is_grease(k.group)
                )
            )
        elif isinstance(e, X.SignatureAlgorithms):
            e = X.SignatureAlgorithms(grease.strip_values(e.schemes))
        elif isinstance(e, X.SupportedVersions):
            e = X.SupportedVersions(grease.strip_values(e.versions))
        elif isinstance(e, X.PskKeyExchangeModes):
            e = X.PskKeyExchangeModes(tuple(m for m in e.modes if m not in RFC_PSK_MODES))
        elif isinstance(e, X.Alpn):
            e = X.Alpn(tuple(p for p in e.protocols if not grease.is_grease_alpn(p)))
        exts.append(e)
    suites = grease.strip_values(ch.cipher_suites)
    return replace(ch, cipher_suites=suites, extensions=tuple(exts)).encode()


@pytest.mark.parametrize("field", grease.FIELDS)
def test_each_field_alone(field: str) -> None:
    plain = hello(frozenset(), random=lambda n: bytes(n))
    ch = hello(frozenset({field}), random=lambda n: bytes(n))
    got = set(grease.fields_of(ch))
    assert got == ({"group", "key_share"} if field == "group" else {field})
    # Everything else is OpenSSL 3.0's ClientHello, byte for byte.
    assert len(ch.encode()) > len(plain.encode())
    assert ungreased(ch) == ungreased(plain)


def test_no_grease_is_openssl_30s_hello() -> None:
    ch = hello(frozenset(), random=lambda n: bytes(n))
    assert grease.fields_of(ch) == {}
    assert not any(grease.is_grease(e.ext_type) for e in ch.extensions)


def test_values_are_drawn_per_connection() -> None:
    rnd = counter_random()
    seen = {
        tuple(v for vs in grease.fields_of(hello(random=rnd)).values() for v in vs)
        for _ in range(12)
    }
    assert len(seen) > 6


def test_the_two_extensions_always_differ() -> None:
    # Every seed byte pair that would pick the same value twice.
    for b in range(16):
        seed = bytes((0, 0, b << 4, b << 4, 0, 0, 0, 0))
        ch = hello(random=lambda n, s=seed: s if n == 8 else bytes(n))
        types = [e.ext_type for e in ch.extensions if grease.is_grease(e.ext_type)]
        assert len(types) == 2 and types[0] != types[1] and set(types) <= RFC_VALUES


def test_only_lists_the_hello_has_are_greased() -> None:
    # TLS 1.2 only: no supported_versions, key_share or psk_key_exchange_modes to grease.
    ch = hello(max_version=P.TLS1_2, alpn=())
    assert set(grease.fields_of(ch)) == {"cipher", "ext", "group", "sigalg"}


def test_pre_shared_key_stays_last_and_padding_after_the_second_extension() -> None:
    ch = hello(tls_padding=True, alpn=())
    types = [e.ext_type for e in ch.extensions]
    if ext.PADDING in types:
        assert grease.is_grease(types[types.index(ext.PADDING) - 1])


def test_offer_leaves_grease_out() -> None:
    ch = hello()
    offer = Offer.of(ch)
    assert offer.grease
    assert not any(grease.is_grease(v) for v in offer.suites + offer.groups + offer.schemes)
    assert offer.versions == (P.TLS1_3, P.TLS1_2, P.TLS1_1, P.TLS1_0)
    assert offer.max_version == P.TLS1_3
    assert offer.alpn == (b"h2", b"http/1.1")
    assert not any(grease.is_grease(t) for t in offer.ext_types)
    assert not Offer.of(hello(frozenset())).grease


def test_second_client_hello_keeps_the_values_and_drops_the_grease_share() -> None:
    from sclient.tls.crypto.kex import generate_key_share

    ch1 = hello()
    shares: dict[int, Any] = {}
    ch2 = second_client_hello(ch1, shares, generate_key_share(0x0017), None)
    assert grease.fields_of(ch2) == {
        k: v for k, v in grease.fields_of(ch1).items() if k != "key_share"
    }
    ks = ch2.ext(X.KeyShareClient)
    assert ks is not None and [e.group for e in ks.entries] == [0x0017]
    # A HelloRetryRequest with a cookie only: the key shares, GREASE one included, stay.
    ch3 = second_client_hello(ch1, {}, None, b"cookie")
    assert grease.fields_of(ch3) == grease.fields_of(ch1)


def test_parse_fields() -> None:
    assert grease.parse_fields("cipher,ext") == {"cipher", "ext"}
    assert grease.parse_fields("all") == ALL
    assert grease.parse_fields("group, alpn") == {"group", "alpn"}
    for bad in ("", "ciphers", "cipher,,ext", "key_share"):
        assert grease.parse_fields(bad) is None


# --- against a scripted server ---------------------------------------------------------


def run13(hooks: Hooks | None = None, **kw: Any) -> tuple[Client, Fake13, Any]:
    server = Fake13(
        keys()["rsa"], hooks, tickets=kw.pop("tickets", 0), hrr_group=kw.pop("hrr", None)
    )
    kw.setdefault("grease", ALL)
    c = Client(config(**kw))
    return c, server, converse(c, server)


def test_handshake_with_every_field_greased() -> None:
    c, _server, conv = run13(alpn=(b"h2",))
    assert c.handshake_complete, conv.failure
    assert conv.of(ev.HandshakeComplete)[0].negotiated.alpn == b"h2"


def test_hello_retry_request_keeps_the_values() -> None:
    c, server, conv = run13(hrr=0x0017)
    assert c.handshake_complete, conv.failure
    ch2 = server.client_hello2
    ks = ch2.ext(X.KeyShareClient)
    assert ks is not None and [e.group for e in ks.entries] == [0x0017]
    sent = [e for e in conv.of(ev.HandshakeSent) if e.msg_type == P.CLIENT_HELLO]
    first = grease.fields_of(sent[0].message)
    second = grease.fields_of(sent[1].message)
    assert second == {k: v for k, v in first.items() if k != "key_share"}


def _ticket_with(*exts: X.Extension) -> Callable[[Any], list[Item]]:
    def after(server: Any) -> list[Item]:
        nst = NewSessionTicket13(7200, 1, b"\x01", b"ticket-grease", exts)
        return [Item(P.HANDSHAKE, nst.encode(), "app")]

    return after


@pytest.mark.parametrize("fields", [ALL, frozenset()], ids=["grease", "plain"])
def test_grease_in_new_session_ticket_is_ignored(fields: frozenset[str]) -> None:
    hooks = Hooks(after=_ticket_with(X.Unknown(0x3A3A, b""), X.Unknown(0xDADA, b"\x01\x02")))
    c, _server, conv = run13(hooks, grease=fields)
    assert c.handshake_complete and conv.failure is None
    conv.events += c.receive(b"")
    tickets = conv.of(ev.NewSessionTicket)
    assert [t.session.ticket for t in tickets] == [b"ticket-grease"]


def test_grease_in_certificate_request_is_ignored() -> None:
    def cr(_: Any) -> CertificateRequest13:
        return CertificateRequest13(
            b"",
            (
                X.Unknown(0x4A4A, b""),
                X.SignatureAlgorithms((0x5A5A, 0x0804, 0x0403)),
                X.Unknown(0x6A6A, b"\x00\x01"),
            ),
        )

    c, _server, conv = run13(Hooks(certificate_request=cr))
    assert c.handshake_complete, conv.failure
    asked = conv.of(ev.CertificateRequested)
    assert asked and 0x5A5A in asked[0].signature_schemes  # seen, as OpenSSL keeps the list


def _failure(conv: Any) -> tuple[int | None, str]:
    f = conv.failure
    assert f is not None, "the handshake should have failed"
    return f.error.alert, f.error.reason


class Recording(Fake13):
    """Fake13 that keeps the first ClientHello it saw (to echo its GREASE values)."""

    def _on_client_hello(self, ch: ClientHello) -> bytes:
        if not hasattr(self, "first_hello"):
            self.first_hello = ch
        return super()._on_client_hello(ch)


def run_hooked(make_hooks: Callable[[Recording], Hooks], **kw: Any) -> Any:
    server = Recording(keys()["rsa"], hrr_group=kw.pop("hrr", None))
    server.hooks = make_hooks(server)
    kw.setdefault("grease", ALL)
    c = Client(config(**kw))
    return converse(c, server)


def _greased(server: Recording, name: str) -> int:
    return grease.fields_of(server.first_hello)[name][0]


def test_a_selected_grease_cipher_is_refused() -> None:
    conv = run_hooked(
        lambda s: Hooks(server_hello=lambda sh: replace(sh, cipher_suite=_greased(s, "cipher")))
    )
    assert _failure(conv) == (alerts.ILLEGAL_PARAMETER, "UNKNOWN_CIPHER_RETURNED")


def test_a_selected_grease_version_is_refused() -> None:
    def sh(s: Recording, m: ServerHello) -> ServerHello:
        exts = tuple(
            X.SupportedVersionSelected(_greased(s, "version"))
            if isinstance(e, X.SupportedVersionSelected)
            else e
            for e in m.extensions
        )
        return replace(m, extensions=exts)

    conv = run_hooked(lambda s: Hooks(server_hello=lambda m: sh(s, m)))
    assert _failure(conv) == (alerts.ILLEGAL_PARAMETER, "BAD_PROTOCOL_VERSION_NUMBER")


def test_a_grease_group_asked_for_by_hello_retry_request_is_refused() -> None:
    def hrr(s: Recording, m: ServerHello) -> ServerHello:
        exts = tuple(
            X.KeyShareRetry(_greased(s, "group")) if isinstance(e, X.KeyShareRetry) else e
            for e in m.extensions
        )
        return replace(m, extensions=exts)

    conv = run_hooked(lambda s: Hooks(hrr=lambda m: hrr(s, m)), hrr=0x0017)
    assert _failure(conv) == (alerts.ILLEGAL_PARAMETER, "BAD_KEY_SHARE")


def test_a_grease_group_in_the_server_share_is_refused() -> None:
    def sh(s: Recording, m: ServerHello) -> ServerHello:
        exts = tuple(
            X.KeyShareServer(X.KeyShareEntry(_greased(s, "group"), b"\x00"))
            if isinstance(e, X.KeyShareServer)
            else e
            for e in m.extensions
        )
        return replace(m, extensions=exts)

    conv = run_hooked(lambda s: Hooks(server_hello=lambda m: sh(s, m)))
    assert _failure(conv) == (alerts.ILLEGAL_PARAMETER, "BAD_KEY_SHARE")


def test_a_selected_grease_alpn_protocol_is_refused() -> None:
    def ee(s: Recording, m: Any) -> Any:
        proto = _greased(s, "alpn").to_bytes(2, "big")
        return replace(m, extensions=(X.Alpn((proto,)),))

    conv = run_hooked(lambda s: Hooks(encrypted_extensions=lambda m: ee(s, m)), alpn=(b"h2",))
    # OpenSSL 3.0's answer to a protocol it did not offer (tls_parse_stoc_alpn).
    assert _failure(conv) == (alerts.DECODE_ERROR, "BAD_EXTENSION")


def test_a_grease_signature_scheme_in_certificate_verify_is_refused() -> None:
    conv = run_hooked(
        lambda s: Hooks(certificate_verify=lambda cv: replace(cv, scheme=_greased(s, "sigalg")))
    )
    alert, reason = _failure(conv)
    assert alert == alerts.ILLEGAL_PARAMETER and reason == "WRONG_SIGNATURE_TYPE"


def _with_ext(m: Any, e: X.Extension) -> Any:
    return replace(m, extensions=(*m.extensions, e))


@pytest.mark.parametrize(
    "where",
    ["server_hello", "hrr", "encrypted_extensions", "certificate"],
)
def test_a_grease_extension_where_rfc_8701_refuses_it(where: str) -> None:
    g = X.Unknown(0x2A2A, b"")

    def hooks(s: Recording) -> Hooks:
        if where == "certificate":
            return Hooks(
                certificate=lambda m: replace(
                    m, entries=tuple(replace(en, extensions=(g,)) for en in m.entries)
                )
            )
        return Hooks(**{where: lambda m: _with_ext(m, g)})

    conv = run_hooked(hooks, hrr=0x0017 if where == "hrr" else None)
    assert _failure(conv) == (alerts.UNSUPPORTED_EXTENSION, "UNSOLICITED_EXTENSION")
    # Without GREASE of our own, OpenSSL 3.0's answer: an unknown type is ignored.
    plain = run_hooked(hooks, grease=frozenset(), hrr=0x0017 if where == "hrr" else None)
    assert plain.failure is None, plain.failure


def test_a_serverinfo_type_of_grease_shape_is_no_grease() -> None:
    # -serverinfo 2570: the user's own extension (0x0A0A), which a TLS 1.2
    # server may answer, as OpenSSL 3.0 lets it.
    ch = hello(frozenset(), serverinfo_types=(0x0A0A,))
    assert grease.fields_of(ch) == {}
    offer = Offer.of(ch)
    assert not offer.grease and 0x0A0A in offer.ext_types
