"""The field trees of ``tls.wire.describe``: the JSON form (``fields_json``)
names each field and carries its value, and it says the same as the
``-trace`` text drawn from the same tree (``report.trace.render``)."""

from __future__ import annotations

import json

from sclient.report.trace import render
from sclient.tls.wire.describe import (
    Context,
    Field,
    describe_alert,
    describe_handshake,
    fields_json,
)


def _server_hello() -> bytes:
    exts = bytes.fromhex("002b00020304") + bytes.fromhex("003300240" + "01d0020") + bytes(32)
    body = (
        b"\x03\x03"
        + bytes(range(32))
        + b"\x20"
        + bytes(32)
        + b"\x13\x01"
        + b"\x00"
        + len(exts).to_bytes(2, "big")
        + exts
    )
    return b"\x02" + len(body).to_bytes(3, "big") + body


def _walk(node: dict[str, object]) -> list[dict[str, object]]:
    out = [node]
    for child in node.get("fields", []):  # type: ignore[attr-defined]
        out.extend(_walk(child))
    return out


def test_fields_json_of_a_server_hello() -> None:
    tree = describe_handshake(_server_hello(), Context(from_server=True))
    doc = fields_json(tree)
    json.dumps(doc)  # JSON-ready
    assert doc["name"] == "ServerHello"
    assert doc["value"] == 2
    nodes = {n["name"]: n for n in _walk(doc)}
    assert nodes["server_version"]["value"] == 0x0303
    assert nodes["random_bytes"]["value"] == bytes(range(4, 32)).hex().upper()
    assert nodes["cipher_suite"]["value"] == 0x1301
    assert nodes["cipher_suite"]["text"].endswith("TLS_AES_128_GCM_SHA256")
    assert nodes["selected_version"]["value"] == 0x0304
    assert nodes["group"]["value"] == 29
    assert nodes["key_exchange"]["value"] == "00" * 32


def test_json_and_trace_say_the_same() -> None:
    """Every line of the trace text is the text of one field of the JSON, in order."""
    tree = describe_handshake(_server_hello(), Context(from_server=True))
    lines = [line.strip() for line in render(tree).splitlines()]
    texts = [str(n["text"]).strip() for n in _walk(fields_json(tree)) if "text" in n]
    assert lines == texts


def test_unknown_values_and_parse_errors() -> None:
    # an unknown suite and an unknown extension (hex dump), then a truncated message
    body = (
        b"\x03\x03"
        + bytes(32)
        + b"\x00"
        + b"\x0a\x0a"
        + b"\x00"
        + bytes.fromhex("0006 1234 0002 abcd")
    )
    raw = b"\x02" + len(body).to_bytes(3, "big") + body
    text = render(describe_handshake(raw, Context(from_server=True)))
    assert "cipher_suite {0x0A, 0x0A} UNKNOWN\n" in text
    assert "extension_type=UNKNOWN(4660), length=2\n" in text
    assert "0000 - ab cd" in text
    short = raw[:-3]
    short = b"\x02" + (len(short) - 4).to_bytes(3, "big") + short[4:]
    assert render(describe_handshake(short, Context(from_server=True))).endswith(
        "Message length parse error!\n"
    )


def test_alert_json() -> None:
    doc = fields_json(describe_alert(2, 40))
    assert doc["text"] == "Level=fatal(2), description=handshake failure(40)"
    assert [f["value"] for f in doc["fields"]] == [2, 40]
    assert isinstance(describe_alert(1, 0), Field)


def test_names_beyond_what_openssl_implements() -> None:
    """Values OpenSSL 3.0's trace tables name though it cannot use them (the
    two suites as ``openssl s_client -trace`` printed them against scripted
    servers sending them)."""
    from sclient.tls.wire.describe import group_name, sigalg_name, suite_name

    assert suite_name(0x0005) == "TLS_RSA_WITH_RC4_128_SHA"
    assert suite_name(0xFEFE) == "SSL_RSA_FIPS_WITH_DES_CBC_SHA"
    assert suite_name(0x0A0A) == "UNKNOWN"
    assert group_name(1) == "sect163k1 (K-163)"
    assert group_name(0x0A0A) == "UNKNOWN"
    assert sigalg_name(0xEDED) == "gost2001_gost94"
