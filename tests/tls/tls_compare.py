"""Developer tool: run every scenario through sclient and openssl s_client and
print both outcomes side by side (``python tests/tls/tls_compare.py [name...]``).
Paste the result into scenarios.EXPECTED when OpenSSL's answer changes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from tls_fakeserver import converse
from tls_oracle import openssl_verdict
from tls_peers import config
from tls_scenarios import SCENARIOS

from sclient.tls.client import Client


def ours(scen):  # type: ignore[no-untyped-def]
    srv = scen.factory()
    conv = converse(Client(config(**scen.config)), srv)
    f = conv.failure
    fatal = [a[1] for a in srv.alerts if a[0] == 2]
    return (
        (fatal[0] if fatal else None),
        (f.error.reason if f else ""),
        (f.error.detail if f else ""),
    )


def main() -> None:
    names = set(sys.argv[1:])
    for scen in SCENARIOS:
        if names and scen.name not in names:
            continue
        a1, r1, d1 = ours(scen)
        v = openssl_verdict(scen.factory, *scen.openssl_args)
        mark = "  " if (a1 == v.alert) else "!!"
        print(f"{mark} {scen.name:32s} ours=({a1}, {r1}) openssl=({v.alert}, {v.errors})  {d1}")


if __name__ == "__main__":
    main()
