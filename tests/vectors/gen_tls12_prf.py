"""Regenerate tls12_prf.json with OpenSSL's own TLS1-PRF KDF.

Run from anywhere: ``python tests/vectors/gen_tls12_prf.py`` (needs the
``openssl`` 3.x command line tool). Every case stores the exact command lines
that produced it. The label goes in front of the seed, as in the PRF itself.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("tls12_prf.json")
DIGESTS = (("SHA256", "sha256"), ("SHA384", "sha384"), ("MD5-SHA1", "md5-sha1"))


def kdf(digest: str, secret: bytes, seed: bytes, n: int) -> tuple[bytes, str]:
    cmd = [
        "openssl",
        "kdf",
        "-keylen",
        str(n),
        "-kdfopt",
        f"digest:{digest}",
        "-kdfopt",
        f"hexsecret:{secret.hex()}",
        "-kdfopt",
        f"hexseed:{seed.hex()}",
        "TLS1-PRF",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    return bytes.fromhex(out.replace(":", "")), " ".join(cmd)


def main() -> None:
    cases: list[dict[str, Any]] = []
    secret = bytes(range(0x10, 0x40))
    seed = bytes(range(0xA0, 0xE0))
    label = b"test label"
    for digest, name in DIGESTS:
        out, cmd = kdf(digest, secret, label + seed, 100)
        cases.append(
            {
                "kind": "prf",
                "hash": name,
                "secret": secret.hex(),
                "label": label.hex(),
                "seed": seed.hex(),
                "length": 100,
                "output": out.hex(),
                "command": cmd,
            }
        )
    # Odd-length secret: the TLS 1.0 PRF halves then share one byte.
    odd = bytes(range(1, 48))
    out, cmd = kdf("MD5-SHA1", odd, label + seed, 64)
    cases.append(
        {
            "kind": "prf",
            "hash": "md5-sha1",
            "secret": odd.hex(),
            "label": label.hex(),
            "seed": seed.hex(),
            "length": 64,
            "output": out.hex(),
            "command": cmd,
        }
    )
    pms = bytes([3, 3]) + bytes(range(0x30, 0x5E))
    cr = bytes(range(0x00, 0x20))
    sr = bytes(range(0x80, 0xA0))
    ctx = b"context!"
    exporter_label = b"EXPORTER-test"
    for digest, name in DIGESTS:
        hash_len = {"sha256": 32, "sha384": 48, "md5-sha1": 36}[name]
        session_hash = bytes(range(0xC0, 0xC0 + hash_len))
        ms, cmd1 = kdf(digest, pms, b"master secret" + cr + sr, 48)
        ems, cmd2 = kdf(digest, pms, b"extended master secret" + session_hash, 48)
        kb, cmd3 = kdf(digest, ms, b"key expansion" + sr + cr, 136)
        vd, cmd4 = kdf(digest, ms, b"client finished" + session_hash, 12)
        ex, cmd5 = kdf(digest, ms, exporter_label + cr + sr + len(ctx).to_bytes(2, "big") + ctx, 40)
        ex0, cmd6 = kdf(digest, ms, exporter_label + cr + sr, 40)
        cases.append(
            {
                "kind": "derivations",
                "hash": name,
                "premaster": pms.hex(),
                "client_random": cr.hex(),
                "server_random": sr.hex(),
                "master_secret": ms.hex(),
                "session_hash": session_hash.hex(),
                "extended_master_secret": ems.hex(),
                "key_block": kb.hex(),
                "handshake_hash": session_hash.hex(),
                "client_verify_data": vd.hex(),
                "exporter_label": exporter_label.hex(),
                "exporter_context": ctx.hex(),
                "exporter_with_context": ex.hex(),
                "exporter_no_context": ex0.hex(),
                "commands": [cmd1, cmd2, cmd3, cmd4, cmd5, cmd6],
            }
        )
    doc = {
        "_source": (
            "Generated with OpenSSL 3.0 `openssl kdf ... TLS1-PRF` by gen_tls12_prf.py; each "
            "case records its command lines (the label is the leading bytes of hexseed). "
            "See tests/vectors/README.md."
        ),
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
