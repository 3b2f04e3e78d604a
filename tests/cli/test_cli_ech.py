"""The ECH options' refusals: one line on stderr, exit status 1, no connection."""

from __future__ import annotations

import base64

import pytest

from support.procs import run_sclient

# An ECHConfig of version 0xfe0d with an X448 key (KEM 0x0021), which sclient cannot use.
_X448 = bytes.fromhex("fe0d") + (1 + 2 + 2 + 56 + 2 + 4 + 1 + 1 + 1 + 2).to_bytes(2, "big")
_X448 += b"\x01\x00\x21\x00\x38" + bytes(56) + b"\x00\x04\x00\x01\x00\x01" + b"\x00\x01p\x00\x00"
_X448_LIST = len(_X448).to_bytes(2, "big") + _X448


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["-ech_config_list", "%%%"],
            "s_client: Invalid -ech_config_list value: not valid base64\n",
        ),
        (
            ["-ech_config_list", base64.b64encode(b"\x00\x02ab").decode()],
            "s_client: Invalid -ech_config_list value: not a valid ECHConfigList",
        ),
        (
            ["-ech_config_list", base64.b64encode(_X448_LIST).decode()],
            "s_client: No usable ECHConfig in the ECHConfigList",
        ),
        (
            ["-ech_outer_sni", "x.example"],
            "s_client: ECH options need -ech_config_list or -ech_grease\n",
        ),
        (["-ech_grease", "-tls1_2"], "s_client: ECH needs TLSv1.3\n"),
        (["-ech_retry"], "s_client: ECH options need -ech_config_list or -ech_grease\n"),
    ],
)
def test_refused(args: list[str], line: str) -> None:
    # Port 9 on loopback: nothing is contacted before the refusal.
    r = run_sclient(["-connect", "127.0.0.1:9", *args])
    assert r.rc == 1
    assert r.stderr.startswith(line), r.stderr
    assert "CONNECTED" not in r.stdout
    assert "Traceback" not in r.stderr
