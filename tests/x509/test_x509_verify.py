"""The verifier and s_client's callback, without the openssl binary.

Every scenario's callback sequence is checked; the main error codes also have
their exact stderr lines spelled out.
"""

from __future__ import annotations

import os
import tempfile

import pytest
import scenarios
from scenarios import NOW, SCENARIOS, Scenario

from sclient.x509 import errors
from sclient.x509.callback import CallbackOptions, SClientVerifyCallback, outcome, render
from sclient.x509.store import TrustStore
from sclient.x509.verify import CallbackCall, VerifyParams, VerifyResult, verify_chain

ROOT = "C = US, O = Test Org, CN = Test Root CA"
INTER = "C = US, O = Test Org, CN = Test Intermediate CA"
LEAF = (
    'C = US, ST = California, L = San Francisco, O = "Example, Inc.", OU = Web, '
    "CN = server.example.com, emailAddress = admin@example.com"
)


def store_from_pems(pems: list[bytes]) -> TrustStore | None:
    if not pems:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pem", delete=False) as f:
        f.write(b"".join(pems))
    try:
        return TrustStore.load(cafile=f.name)
    finally:
        os.unlink(f.name)


def run(s: Scenario) -> VerifyResult:
    p, sent, ca = s.build()
    return verify_chain(
        [p.leaf.der] + [c.der for c in sent], store_from_pems(ca), now=NOW, params=s.params
    )


def signature(res: VerifyResult, opts: CallbackOptions) -> list[tuple[int, int, int]]:
    """(depth, reported error, ok) of each call the s_client callback sees."""
    out = []
    cb = SClientVerifyCallback(opts)
    for c in res.calls:
        out.append((c.depth, 0 if c.ok else c.error, int(c.ok)))
        if not cb(c):
            break
    return out


@pytest.mark.parametrize("s", SCENARIOS, ids=lambda s: s.name)
def test_scenario_callback_sequence(s: Scenario) -> None:
    if s.name.startswith(("root-reject", "root-trust", "inter-trust")) and not scenarios_openssl():
        pytest.skip("needs openssl to make TRUSTED CERTIFICATE files")
    res = run(s)
    assert signature(res, s.opts) == s.expect
    out = render(res, s.opts)
    assert out.verify_result == s.final


def scenarios_openssl() -> bool:
    import shutil

    return shutil.which("openssl") is not None


def lines(name: str, opts: CallbackOptions | None = None) -> list[str]:
    return render(run(scenarios._REGISTRY[name]), opts or scenarios._REGISTRY[name].opts).lines


def test_lines_trusted() -> None:
    assert lines("trusted") == [
        f"depth=2 {ROOT}", "verify return:1",
        f"depth=1 {INTER}", "verify return:1",
        f"depth=0 {LEAF}", "verify return:1",
    ]  # fmt: skip


def test_lines_20_unable_to_get_local_issuer() -> None:
    # the top untrusted certificate is not re-reported in the ok=1 pass
    assert lines("no-ca") == [
        f"depth=1 {INTER}",
        "verify error:num=20:unable to get local issuer certificate",
        "verify return:1",
        f"depth=0 {LEAF}",
        "verify return:1",
    ]


def test_lines_21_unable_to_verify_first() -> None:
    assert lines("leaf-only-no-ca") == [
        f"depth=0 {LEAF}", "verify error:num=20:unable to get local issuer certificate", "verify return:1",
        f"depth=0 {LEAF}", "verify error:num=21:unable to verify the first certificate", "verify return:1",
        f"depth=0 {LEAF}", "verify return:1",
    ]  # fmt: skip


def test_lines_2_unable_to_get_issuer_sticky_issuer_line() -> None:
    # error 2 stays set: the depth-0 ok=1 call prints its own issuer too
    assert lines("inter-in-store") == [
        f"depth=1 {INTER}",
        "verify error:num=2:unable to get issuer certificate",
        f"issuer= {ROOT}",
        "verify return:1",
        f"depth=0 {LEAF}",
        f"issuer= {INTER}",
        "verify return:1",
    ]


def test_lines_18_and_19() -> None:
    assert lines("self-signed-leaf") == [
        f"depth=0 {LEAF}", "verify error:num=18:self-signed certificate", "verify return:1",
        f"depth=0 {LEAF}", "verify return:1",
    ]  # fmt: skip
    assert lines("root-sent-untrusted")[:3] == [
        f"depth=2 {ROOT}",
        "verify error:num=19:self-signed certificate in certificate chain",
        "verify return:1",
    ]


def test_lines_9_and_10_with_times() -> None:
    p, _, _ = scenarios._REGISTRY["expired-leaf"].build()
    na = p.leaf.cert.not_valid_after_utc.strftime("%b %e %H:%M:%S %Y GMT")
    assert lines("expired-leaf")[4:] == [
        f"depth=0 {LEAF}", "verify error:num=10:certificate has expired", f"notAfter={na}", "verify return:1",
        f"depth=0 {LEAF}", f"notAfter={na}", "verify return:1",
    ]  # fmt: skip
    p, _, _ = scenarios._REGISTRY["not-yet-valid-inter"].build()
    nb = p.inter.cert.not_valid_before_utc.strftime("%b %e %H:%M:%S %Y GMT")
    ln = lines("not-yet-valid-inter")
    assert ln[2:6] == [
        f"depth=1 {INTER}",
        "verify error:num=9:certificate is not yet valid",
        f"notBefore={nb}",
        "verify return:1",
    ]
    # the sticky error 9 makes the later ok=1 calls print *their* notBefore
    leaf_nb = p.leaf.cert.not_valid_before_utc.strftime("%b %e %H:%M:%S %Y GMT")
    assert ln[-3:] == [f"depth=0 {LEAF}", f"notBefore={leaf_nb}", "verify return:1"]


def test_lines_7_signature_failure() -> None:
    assert lines("wrong-key-leaf")[4:7] == [
        f"depth=0 {LEAF}",
        "verify error:num=7:certificate signature failure",
        "verify return:1",
    ]


def test_lines_79_26_32_25_34() -> None:
    assert lines("inter-no-basic-constraints")[:3] == [
        f"depth=1 {INTER}",
        "verify error:num=79:invalid CA certificate",
        "verify return:1",
    ]
    assert lines("leaf-eku-clientauth")[:3] == [
        f"depth=0 {LEAF}",
        "verify error:num=26:unsuitable certificate purpose",
        "verify return:1",
    ]
    ku = lines("inter-ku-without-certsign")
    assert ku[-5:-2] == [
        f"depth=1 {INTER}",
        "verify error:num=32:key usage does not include certificate signing",
        "verify return:1",
    ]
    assert lines("root-pathlen-0")[:3] == [
        f"depth=2 {ROOT}",
        "verify error:num=25:path length constraint exceeded",
        "verify return:1",
    ]
    assert lines("leaf-critical-unknown")[:3] == [
        f"depth=0 {LEAF}",
        "verify error:num=34:unhandled critical extension",
        "verify return:1",
    ]


def test_lines_22_chain_too_long() -> None:
    assert lines("verify-depth-0") == [
        f"depth=1 {INTER}", "verify error:num=22:certificate chain too long", "verify return:1",
        f"depth=1 {INTER}", "verify error:num=20:unable to get local issuer certificate", "verify return:1",
        f"depth=0 {LEAF}", "verify return:1",
    ]  # fmt: skip


def test_lines_66_67_68() -> None:
    assert lines("rsa1024-leaf")[:2] == [
        f"depth=0 {LEAF}",
        "verify error:num=66:EE certificate key too weak",
    ]
    assert lines("rsa1024-inter")[:2] == [
        f"depth=1 {INTER}",
        "verify error:num=67:CA certificate key too weak",
    ]
    assert lines("sha1-inter")[:2] == [
        f"depth=1 {INTER}",
        "verify error:num=68:CA signature digest algorithm too weak",
    ]


def test_quiet_prints_only_errors_and_extra_lines() -> None:
    ln = lines("quiet-expired-root")
    assert ln[:3] == [f"depth=2 {ROOT}", "verify error:num=10:certificate has expired", ln[2]]
    assert ln[2].startswith("notAfter=")
    assert len(ln) == 6 and all(x.startswith("notAfter=") for x in ln[2:])
    assert not any("verify return" in x for x in ln)


def test_return_error_stops_at_first_error() -> None:
    s = scenarios._REGISTRY["return-error-no-ca"]
    out = render(run(s), s.opts)
    assert out.lines == [
        f"depth=1 {INTER}",
        "verify error:num=20:unable to get local issuer certificate",
    ]
    assert out.aborted and not out.ok
    assert out.verify_result == 20
    assert out.alert == errors.ALERT_UNKNOWN_CA
    assert out.verification_line == "Verification error: unable to get local issuer certificate"
    assert (
        out.verify_return_code_line
        == "Verify return code: 20 (unable to get local issuer certificate)"
    )


def test_verify_depth_limit_aborts_beyond_n() -> None:
    s = scenarios._REGISTRY["verify-1-root-at-depth-2"]
    out = render(run(s), s.opts)
    assert out.aborted
    assert out.verify_result == 19  # printed code stays the original error
    assert out.callback_error == errors.CERT_CHAIN_TOO_LONG  # s_client's own record
    assert out.lines[-1] == "verify error:num=19:self-signed certificate in certificate chain"


def test_live_callback_equals_replay() -> None:
    s = scenarios._REGISTRY["return-error-expired-root"]
    p, sent, ca = s.build()
    cb = SClientVerifyCallback(s.opts)
    res = verify_chain(
        [p.leaf.der] + [c.der for c in sent],
        store_from_pems(ca),
        now=NOW,
        params=s.params,
        callback=cb,
    )
    live = outcome(res, cb)
    replay = render(run(s), s.opts)
    assert live.text == replay.text
    assert live.verify_result == replay.verify_result == 10
    assert res.aborted and live.alert == errors.ALERT_CERTIFICATE_EXPIRED


def test_ok_result_and_chain() -> None:
    res = run(scenarios._REGISTRY["trusted"])
    assert res.ok and res.error == 0
    assert [c.subject.oneline() for c in res.chain] == [LEAF, INTER, ROOT]
    assert res.num_untrusted == 2
    out = render(res)
    assert out.verification_line == "Verification: OK"
    assert out.verify_return_code_line == "Verify return code: 0 (ok)"


def test_time_is_a_parameter() -> None:
    s = scenarios._REGISTRY["trusted"]
    p, sent, ca = s.build()
    chain = [p.leaf.der] + [c.der for c in sent]
    later = verify_chain(
        chain, store_from_pems(ca), now=NOW + 4000 * 86400, params=VerifyParams(auth_level=2)
    )
    assert later.error == errors.CERT_HAS_EXPIRED
    untimed = verify_chain(
        chain, store_from_pems(ca), now=NOW + 4000 * 86400, params=VerifyParams(no_check_time=True)
    )
    assert untimed.ok


def test_custom_callback_can_stop() -> None:
    seen: list[CallbackCall] = []

    def cb(call: CallbackCall) -> bool:
        seen.append(call)
        return call.ok

    s = scenarios._REGISTRY["expired-leaf"]
    p, sent, ca = s.build()
    res = verify_chain(
        [p.leaf.der] + [c.der for c in sent],
        store_from_pems(ca),
        now=NOW,
        params=s.params,
        callback=cb,
    )
    assert not res.ok and res.aborted and res.error == 10
    assert [(c.depth, c.ok) for c in seen] == [(2, True), (1, True), (0, False)]
