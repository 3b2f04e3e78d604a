#!/usr/bin/env python3
"""Write ``docs/compatibility.md`` from the option table (``src/sclient/cli/options.py``).

    python tools/gen_compat.py            # (re)write docs/compatibility.md
    python tools/gen_compat.py --check    # exit 1 if the file is not up to date

To document a deviation, either set ``status=DEVIATION`` and a ``note`` on the option's row
(option-specific), or append a line to ``EXTRA_DEVIATIONS`` below (behaviour not tied to one
option).  Then run this script; ``tests/cli`` checks that the file is current.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "compatibility.md"

try:
    from sclient.cli import options as _options
except ImportError:  # not installed: use the source tree
    sys.path.insert(0, str(ROOT / "src"))
    from sclient.cli import options as _options

# --------------------------------------------------------------------------------------
# EXTRA_DEVIATIONS: intended differences from `openssl s_client` 3.0.19 that are not tied
# to a single option row.  One Markdown string per item (no leading "- ").  Append yours.
# --------------------------------------------------------------------------------------
EXTRA_DEVIATIONS: list[str] = [
    "`-status`: an OCSP response that does not decode leaves on the error queue the "
    "`asn1 encoding routines` lines OpenSSL's template decoder gives for the malformations "
    "of the outer OCSPResponse seen in its tests (a bad header or tag, a missing field, a "
    "bad ENUMERATED, empty or incomplete responseBytes, no end-of-contents); for others only "
    "the outermost line, and for a BasicOCSPResponse that does not decode (printing stops, "
    "as in OpenSSL) its first line only for an empty body or SEQUENCE. In the printed "
    "response, the OCSP nonce is decoded as OpenSSL does; other response and single "
    "extensions are shown as their octets.",
    "A `SUITEB128`, `SUITEB128ONLY`, `SUITEB128C2` or `SUITEB192` cipher string selects "
    "the Suite B suites and turns on the Suite B chain checks, as in OpenSSL, but does not "
    "yet restrict the ClientHello's groups, signature algorithms, versions and point "
    "formats, nor check the server's choices, as OpenSSL does in that mode. "
    "(`-suiteB_128_only`, `-suiteB_128` and `-suiteB_192` do not change OpenSSL's "
    "ClientHello and are fully supported.)",
    "Options marked *not yet* are parsed and their values checked exactly as OpenSSL checks "
    "them (same error texts and exit status), but a command line that uses one then stops "
    "with `s_client: Option -X is not supported yet by sclient (sclient -help marks every such option)` "
    "and exit status 1, after all the checks OpenSSL makes while parsing.",
    "`-engine`, `-ssl_client_engine` and `-provider` are loaded while parsing, as OpenSSL "
    "loads them, and one that cannot be found is reported with OpenSSL's lines and exit "
    "status (for `-engine`, s_client then goes on, as OpenSSL's does). sclient cannot run "
    "OpenSSL's native modules: an engine file or a provider module file that exists and "
    "that sclient has no model of (an engine such as `afalg` or `padlock`, `fips.so`, a "
    "third party provider) ends s_client with one line naming the file and exit status 1, "
    "where OpenSSL would load it (or print the module's own initialisation errors). "
    "Providers are modelled as the algorithms they give: `default` (everything sclient "
    "uses), `base` and `null` (nothing TLS can use), `legacy` (only the SEED suites, which "
    "sclient's engine does not have: with `-provider legacy -provider default` a "
    "`-cipher` naming a SEED suite finds no match in sclient). Without `default` s_client "
    "stops with `library has no ciphers`, and without `default` or `base` a `-key`/`-cert` "
    "fails first for want of a store loader, as in OpenSSL (likewise `-cert_chain`, `-CRL` "
    "and `-xcert`).",
    "`-max_send_frag` outside 512..16384 is reported while parsing; OpenSSL reports it only "
    "after setting up its SSL_CTX, so when a command line also has a bad `-cipher`, "
    "`-groups`, … OpenSSL reports that one first.",
    "SIGINT and SIGTERM end sclient by the signal, as `openssl s_client`; with `-json` the "
    "document is printed first (`error.reason` `SIGNAL`).",
    "The pass-phrase prompt reads `/dev/tty` with echo off, as OpenSSL's console UI does; "
    "without a terminal, stdin (OpenSSL's stdio buffer may take more than the line from "
    "piped stdin, sclient's likewise).",
    "`-help` adds `(not yet in sclient)` to the line of every option not implemented yet.",
    "`-trace`: each certificate's text (`X509_print_ex`) decodes RSA, RSA-PSS, EC and EdDSA "
    "keys and the extensions servers usually carry (basic constraints, key identifiers, key "
    "usage, extended key usage, alternative names, CRL distribution points, authority "
    "information access, certificate policies without qualifiers); other extensions are "
    "shown as their raw bytes and other keys as `Unable to load Public Key`, where OpenSSL "
    "3.0 decodes them.",
    "A proxy that closes the connection before sending a status line: `openssl s_client` "
    "3.0.19 loops forever; sclient prints `s_client: HTTP CONNECT failed, connection closed "
    "by proxy` and exits 1.",
    "stdout is flushed before each stderr line, so the two streams keep their logical order "
    "even when piped (OpenSSL block-buffers stdout on a pipe).",
    "SSL 3.0 (`-ssl3`): OpenSSL 3.0.19 is built without it and rejects the option as unknown; "
    "sclient recognizes it (not listing it in `-help`, as openssl does not) and speaks SSL 3.0 "
    "as an OpenSSL 1.1.1 build with it did. Only `-ssl3` enables it (the default range and `-min_protocol SSLv3` start at "
    "TLS 1.0, as in the 3.0 build), and only at `@SECLEVEL=0` or `1` (at the default level 2: "
    "`no protocols available`). The ClientHello is 1.1.1's: SSL 3.0 record and version, no "
    "elliptic-curve suites or extensions, no signature_algorithms, but server_name, "
    "session_ticket, encrypt_then_mac and extended_master_secret; a server that agrees to the "
    "last two in SSL 3.0 gets neither (SSL 3.0's own master secret and MAC; `Extended master "
    "secret` still reports what the server sent). Without a client certificate to send, the "
    "no_certificate warning goes instead of a Certificate (`-msg` names alert 41 `???`, as "
    "OpenSSL 3.0 does). The SSLv2-compatible ClientHello is not sent; `-security_debug` shows "
    "no version check for SSL 3.0.",
    "DTLS `-msg` and `-trace` with an MTU that cuts one of our handshake messages (a client "
    "certificate chain with `-mtu`): OpenSSL 3.0 writes each later fragment's 12-byte header "
    "over the message in its buffer before the message callback sees it, so its dump shows "
    "those headers inside the body, and `-trace`'s certificate decoder may fail on the damaged "
    "certificate (ASN.1 errors, exit status 1) although the handshake went well; the bytes on "
    "the wire are right. sclient shows the message it sent.",
    "DTLS: a server that answers every ClientHello with a HelloVerifyRequest (a cookie "
    "loop): `openssl s_client` 3.0.19 resends its ClientHello for ever (tens of thousands a "
    "second); sclient accepts eight HelloVerifyRequests in a handshake and then fails with "
    "`unexpected_message` (`ossl_statem_client_read_transition:unexpected message`), exit 1.",
    "Renegotiation (TLS 1.0 to 1.2) works as in OpenSSL 3.0 (`R`: a full handshake offering no "
    "session; the server's HelloRequest: an abbreviated handshake offering the current "
    "session; RFC 5746 renegotiation_info checked both ways; `-no_renegotiation` refuses "
    "both); the one difference is where stdout is written: after a renegotiation the server "
    "asked for, `read R BLOCK` comes out at once, where OpenSSL's block-buffered stdout on a "
    "pipe lets application data received next overtake it. `-security_debug_verbose` shows "
    "the renegotiation ClientHello's checks as for a first ClientHello, where OpenSSL, its "
    "version fixed, checks the suites and signature algorithms more than once "
    "(`-security_debug` alone is the same).",
    "`-msg` and `-state` show every message and state as `openssl s_client` 3.0 does; where "
    "sclient reads more than OpenSSL (the TLS 1.3 tickets it waits for before a `-reconnect`), "
    "their lines are shown too. `-msg` and `-trace` with `-json` and no `-msgfile` print on "
    "stderr, "
    "stdout carrying only the document. `-msgfile` is created as soon as the options are read, "
    "as by OpenSSL (`Error writing file F`, exit 1, when it cannot be). A `-msgfile` that "
    "cannot be written to (a full disk) does not stop the handshake; then, as OpenSSL's, the "
    "queued write errors are printed and the run ends with exit 1. A socket that fails under "
    "the handshake (a reset) gives `-state`'s `SSL_connect:error in <state it was in>`, a "
    "failure that sends an alert `error in error`.",
    "A server KeyUpdate with `update_requested` is answered at once; OpenSSL sends its own "
    "KeyUpdate with its next write.",
    "TLS 1.2 AES-GCM records carry the sequence number as explicit nonce; OpenSSL counts up "
    "from a random start. Both are valid (RFC 5288); only the bytes on the wire differ.",
    "`connect:errno=N` after a failed name lookup: OpenSSL prints whatever errno the "
    "system resolver left behind (0 on most machines, sometimes 2); sclient prints 0.",
    "A TLS 1.2 ServerKeyExchange whose ECDH point is the point at infinity (the single byte "
    '`00`) is refused at once with `illegal_parameter` "bad ecpoint", as RFC 8422 section 5.11 '
    "(public key validation) requires; OpenSSL 3.0.19 accepts that ServerKeyExchange.",
    "A TLS 1.2 AES-GCM record too short to hold its explicit nonce and tag (for example a "
    "second, plaintext ChangeCipherSpec after the server's) is `bad_record_mac` \"decryption "
    'failed or bad record mac", as RFC 5246 section 6.2.3.3 requires for a record that does '
    'not decrypt; OpenSSL 3.0.19 answers `internal_error` "internal error".',
    "A TLS 1.2 AES-GCM record whose tag does not verify: OpenSSL 3.0 prints an error-queue "
    "line of its cipher provider (`Provider routines:ossl_gcm_stream_update:cipher operation "
    "failed`) before `decryption failed or bad record mac`; sclient prints the second line "
    "only. With encrypt-then-MAC, a MAC that does not verify is reported at "
    "`ssl3_record.c:553` by OpenSSL, at `:616` (the line of a failed decryption) by sclient.",
    "A wrong password for an encrypted key (`-pass`, `-key`): OpenSSL reports `bad decrypt`, "
    "except about one time in 256, when the wrong key happens to leave valid padding and "
    "OpenSSL fails later, decoding the garbage (`unsupported`, or a decoder's error); sclient "
    "always reports `bad decrypt`.",
    "Groups that `cryptography` cannot compute with are refused by `-groups` and `-curves` "
    "as OpenSSL refuses a group name it does not know (`Call to SSL_CONF_cmd(-groups, ...) "
    "failed` and `gid_cb:passed invalid argument:...:group 'sect283k1' cannot be set`, exit "
    "status 1), alone or anywhere in a list: the binary curves `sect163k1` to `sect571r1` "
    "(and their aliases `K-163`, `B-163`, ... `B-571`), `secp160k1`, `secp160r1`, "
    "`secp160r2`, `secp192k1` and `secp224k1`. OpenSSL 3.0 accepts them and offers them in a "
    "TLS 1.2 ClientHello; sclient could offer them but never finish a key exchange on one, so "
    "it stops where the user can still choose another group. The other prime curves "
    "(`secp192r1`, `secp224r1`, `secp256k1`, the brainpool curves) work in TLS 1.2 as in "
    "OpenSSL; the TLS 1.3 brainpool groups (`brainpoolP256r1tls13`, ...) are unknown to "
    "OpenSSL 3.0 and to sclient alike.",
    "TLS 1.2 DHE: a server prime that is not prime fails the handshake at once with "
    "`illegal_parameter` and `bad dh value` (cryptography, which does the arithmetic, "
    "refuses it); OpenSSL does not test the primality, goes on and fails at `Finished`. "
    "The server's DHE parameters are used only after their signature is checked, as in "
    "OpenSSL, and a prime above 10000 bits is refused as OpenSSL refuses it.",
    "SRP (`-srpuser`, TLS 1.2 suites of RFC 5054): `openssl s_client` 3.0.19 hands its SRP "
    "callbacks a pointer to the wrong object (the address of its argument's address), so once "
    "the server's ServerKeyExchange has come it prints `SRP parameters:` whether or not "
    "`-debug`, `-msg` or `-srp_moregroups` was given and then crashes (segmentation fault, "
    "after writing its ClientKeyExchange) when it asks for the password; with OpenSSL 3.0 no "
    "SRP handshake completes. sclient does what the code means (as 1.1.1 did): the group is "
    "printed only with those options, the password comes from `-srppass` or the terminal "
    "prompt `Enter pass phrase for SRP user:`, and the handshake and the data go on as with "
    "any suite; `SRP username:` in the session block and in `-sess_out` files names the user. "
    "Up to the ServerKeyExchange and for its checks (`-srp_strength` too small: "
    "`insufficient_security` alert, `srp_verify_server_param:insufficient security`) "
    "sclient is OpenSSL line for line. A wrong password is found by the server, which "
    "answers the client's Finished with `bad_record_mac` (OpenSSL's "
    "`sslv3 alert bad record mac` line, exit 1). `-trace` prints SRP's ServerKeyExchange and "
    "ClientKeyExchange as OpenSSL 3.0 does: the algorithm name, then `Message length parse "
    "error!` (its trace code has no SRP decoder). SRP runs over TLS 1.2 (TLS 1.0 and 1.1 are "
    "not yet supported by sclient); the SRP-DSS suites are offered as by OpenSSL and their "
    "DSA signature is checked (a scripted server's test; tlslite-ng has no SRP-DSS).",
]

# --------------------------------------------------------------------------------------
# RESOURCE_BOUNDS: what a server can make sclient hold or wait for (OpenSSL 3.0.19's limits,
# checked by tests/hostile).  One Markdown string per item.
# --------------------------------------------------------------------------------------
RESOURCE_BOUNDS: list[str] = [
    "Records: a header announcing more than 16,707 bytes (2^14 + 320 + 3, OpenSSL's read "
    'buffer) is `record_overflow` "packet length too long" as soon as the header arrives; '
    "more than 16,704 bytes before TLS 1.3 and 16,640 (2^14 + 256) in TLS 1.3 is "
    '"encrypted length too long"; content of more than 2^14 bytes after decryption (TLS 1.3 '
    'padding not counted) is "data length too long". A TLS 1.3 record whose inner '
    "plaintext passes 2^14 + 1 bytes only through padding is accepted, as by OpenSSL (RFC 8446 "
    "section 5.4 binds the sender).",
    "Handshake messages are checked against OpenSSL's per-type maximum when their 4-byte header "
    'arrives, before their body is awaited: `illegal_parameter` "excessive message size" '
    "above 20,000 bytes for ServerHello and EncryptedExtensions, 100 KiB (102,400 bytes, "
    "OpenSSL's default `max_cert_list` for Certificate) for Certificate, "
    "ServerKeyExchange and CertificateRequest, 16 KiB for CertificateVerify and "
    "CertificateStatus, 64 for Finished, 131,338 (TLS 1.3) or 65,541 (TLS 1.2) for "
    "NewSessionTicket, 1 for KeyUpdate, 0 for ServerHelloDone and HelloRequest. So the "
    "received data sclient holds at once is one read (16 KiB) and one incomplete record "
    "(at most 16,712 bytes), plus one message being reassembled (at most 131,342 bytes), "
    "however the server fragments it.",
    "The number of certificates is bounded only by the Certificate message's size: a chain of "
    "100 certificates under 100 KiB is read and verified like any other.",
    "Empty records (and TLS 1.3 compatibility ChangeCipherSpec records): 32 in a row are "
    'accepted, the 33rd is `unexpected_message` "record too small"; any record with content '
    "starts the count again. One-byte records are processed one by one (a 100 KiB message in "
    "102,404 records takes about a second).",
    'Warning alerts: the 5th in a row is `unexpected_message` "too many warn alerts".',
    "DTLS datagrams: each is cut into records at once; a record that fails its checks "
    "(version, epoch, a sequence number the 64-record replay window has seen, its MAC) is "
    "dropped without an alert, as OpenSSL drops it; up to 100 records of the next epoch "
    "wait for its keys. Handshake fragments are kept for the next message and the 10 after "
    "it; a fragment outside its message or a message over 100 KiB ends the handshake as "
    "OpenSSL's reassembly does (no alert, nothing queued, `write:errno=0`).",
    "DTLS time: our flight is sent again 1 s after it went unanswered, then after 2, 4, 8, 16, "
    "32 and 60 s (the timer doubles up to 60 s); the 13th timeout fails the handshake with "
    '"read timeout expired", as in OpenSSL. Nothing is printed at a retransmission (s_client '
    "prints nothing either).",
    "Time: like OpenSSL, sclient sets no handshake timeout; a server that sends slowly or not at "
    'all is waited for until it closes (then `decode_error` "unexpected eof while reading") or '
    "a signal ends sclient.",
]

_STATUS_TEXT = {
    _options.SUPPORTED: "supported",
    _options.DEVIATION: "deviation",
    _options.NOT_YET: "not yet",
}


# SECOND_OPINIONS: why cryptography's verifier may reject a chain OpenSSL accepts
# (tests/x509/test_x509_crosscheck.py checks that each reason it meets is listed here).
SECOND_OPINIONS: list[str] = [
    "cryptography refuses a critical cRLDistributionPoints or OCSP noCheck extension; "
    "OpenSSL 3.0.19 handles both and accepts the certificate",
    "RFC 5280 4.1.2.5 encoding rule; OpenSSL reads a GeneralizedTime before 2050",
    "the Web PKI profile allows RSA and P-256/384/521 keys only; OpenSSL takes "
    "Ed25519 and Ed448 (and RSA-PSS) keys",
    "trust settings of TRUSTED CERTIFICATE files (-addtrust/-addreject) have no "
    "equivalent in cryptography's store",
    "cryptography refuses critical directoryName name constraints it cannot evaluate; "
    "OpenSSL checks the subject DN against them",
]


# --------------------------------------------------------------------------------------
# NEWER_OPENSSL: options and behaviour of OpenSSL 3.2 - 4.x that sclient supports. They
# change nothing OpenSSL 3.0 accepts: each is reached only by input 3.0 rejects.
# --------------------------------------------------------------------------------------
NEWER_OPENSSL: list[str] = [
    "**Post-quantum key exchange (OpenSSL 3.5).** `-groups`/`-curves` take the ML-KEM groups "
    "under OpenSSL 3.5's names: `X25519MLKEM768` (0x11EC), `SecP256r1MLKEM768` (0x11EB), "
    "`SecP384r1MLKEM1024` (0x11ED), `MLKEM768` (0x0201) and `MLKEM1024` (0x0202), TLS 1.3 "
    "only, with HelloRetryRequest into and out of them. `MLKEM512` (0x0200) is refused as an "
    "unknown group (`?MLKEM512` skips it): `cryptography` has no ML-KEM-512. The shares and "
    "secrets follow draft-ietf-tls-mlkem and draft-ietf-tls-ecdhe-mlkem (ML-KEM half first "
    "for X25519MLKEM768, the ECDH half first for the NIST-curve hybrids); tests negotiate "
    "each against node 26.12.1 (OpenSSL 3.5.9) and against the OpenSSL 4.x that "
    "`cryptography` bundles.",
    "**OpenSSL 3.5's group-list language.** A `-groups` value that uses its syntax "
    "or names a post-quantum group is read as OpenSSL 3.5 reads it: `*name` sends a key "
    "share for the group (at most 4; without any `*`, the first group's, as before), "
    "`?name` skips a group this build cannot use, `-name` removes a group given earlier, "
    "`/` separates tuples (they steer a server's choice only, so a client offers the groups "
    "flat), names match case-insensitively and a repeated group is ignored. Every other "
    "list keeps OpenSSL 3.0's strict reading (case-sensitive, a duplicate is an error), so "
    "the default ClientHello and every list 3.0 accepts are unchanged. Errors print "
    "`Call to SSL_CONF_cmd(-groups, …) failed` and OpenSSL 3.5's error-queue line "
    "(`tls1_set_groups_list` `Syntax error in '…'` or too many key shares, `tuple_cb`/`gid_cb` "
    "`unsupported config value` for an empty element) with source line 0, its line in 3.5 "
    "not being known; an unknown name queues nothing, as in OpenSSL 3.5, and a group sclient "
    "cannot compute with (MLKEM512, the binary curves) gets the `gid_cb` `cannot be set` line.",
    "**OpenSSL 3.5's default group list: `-groups DEFAULT`.** OpenSSL 3.0 rejects "
    "`-groups DEFAULT` (`group 'DEFAULT' cannot be set`), so sclient gives it OpenSSL 3.5's "
    "meaning: `?*X25519MLKEM768 / ?*X25519:?secp256r1 / ?X448:?secp384r1:?secp521r1 / "
    "?ffdhe2048:?ffdhe3072`, two key shares (X25519MLKEM768 and X25519). It combines like "
    "any group (`DEFAULT:-X448`). Without `-groups` the ClientHello stays OpenSSL 3.0's.",
    "**Summary of a key-encapsulation group.** The client holds no server public key for "
    "these groups, so, as OpenSSL 3.5's `ssl_print_tmp_key` does, the full and `-brief` "
    "summaries print `Negotiated TLS1.3 group: X25519MLKEM768` where `Server Temp Key:` "
    "would be. `-json` gives the group's name in `group` and `server_temp_key` null; "
    "`-trace` names the groups as OpenSSL 3.5's trace does (`X25519MLKEM768 (4588)`); "
    "`-security_debug` lists them as OpenSSL 3.5's callback does, which finds no NID for "
    "them: `Supported Curve=UNDEF, security bits=192` (MLKEM512 128, the 768 groups 192, "
    "the 1024 groups 256).",
    "**A server key share that does not decapsulate** (a ciphertext of the wrong length, "
    "or a hybrid's ECDH half off the curve) ends the handshake with an internal_error alert "
    "and `ssl_decapsulate:internal error`, as OpenSSL 3.5 does (checked against node 26's "
    "client on the same scripted servers); a classical share of the wrong length is still "
    "illegal_parameter / `bad ecpoint`. A TLS 1.2 ServerKeyExchange naming an offered "
    "ML-KEM group fails with illegal_parameter / `bad ecpoint`, as in OpenSSL 3.5 (no "
    "ECPoint can hold such a key).",
]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    rows = _options.OPTIONS
    counts = {status: sum(1 for o in rows if o.status == status) for status in _STATUS_TEXT}
    out: list[str] = []
    w = out.append
    w("# Compatibility with `openssl s_client`")
    w("")
    w("<!-- Generated by tools/gen_compat.py from src/sclient/cli/options.py: do not edit. -->")
    w("")
    w(
        "sclient reimplements `openssl s_client` of OpenSSL 3.0.19: the same options, the same "
        "output and the same exit status. This page lists every option of `openssl s_client` "
        "3.0.19, in the sections and order of its `-help`, with its status in sclient. "
        "The tables also hold, in their sections, the options of the 1.1.1 manual that "
        "3.0.19 builds lack (rejected as unknown options, as `openssl` does) and sclient's "
        "own additions."
    )
    w("")
    w("- **supported**: behaves as in OpenSSL.")
    w("- **deviation**: supported, with a documented difference (see [Deviations](#deviations)).")
    w(
        "- **not yet**: parsed and checked like OpenSSL does, then refused with "
        "`s_client: Option -X is not supported yet by sclient (sclient -help marks every such option)` "
        "(exit status 1)."
    )
    w("")
    w(
        f"Totals: {counts[_options.SUPPORTED]} supported, {counts[_options.DEVIATION]} "
        f"deviation, {counts[_options.NOT_YET]} not yet ({len(rows)} options)."
    )
    for section in _options.SECTIONS:
        w("")
        w(f"## {section} options")
        w("")
        w("| Option | Status | Note |")
        w("|---|---|---|")
        for o in rows:
            if o.section != section:
                continue
            opt = o.name + (f" {o.valtype}" if o.valtype else "")
            w(f"| `{_cell(opt)}` | {_STATUS_TEXT[o.status]} | {_cell(o.note)} |")
    w("")
    w("## Deviations")
    w("")
    w("Intended differences from `openssl s_client` 3.0.19.")
    w("")
    for o in rows:
        if o.status == _options.DEVIATION:
            w(f"- `{o.name}`: {o.note}")
    added = [o for o in rows if o.added]
    for o in added:
        w(
            f"- `{o.name}` is an sclient addition: {o.help.rstrip()}. OpenSSL rejects it as "
            f"an unknown option. `-help` lists it in the {o.section} section; "
            + (
                "that line is the only difference from OpenSSL's help text."
                if len(added) == 1
                else "the additions' lines are the only differences from OpenSSL's help text."
            )
        )
    for item in EXTRA_DEVIATIONS:
        w(f"- {item}")
    w("")
    w("## Behaviour of newer OpenSSL")
    w("")
    w(
        "Options and behaviour of OpenSSL 3.2 to 4.x that sclient supports. Each is reached "
        "only by input OpenSSL 3.0.19 rejects, so nothing 3.0 accepts changes meaning."
    )
    w("")
    for item in NEWER_OPENSSL:
        w(f"- {item}")
    w("")
    w("## Resource bounds")
    w("")
    w(
        "What a server can make sclient hold or wait for; the limits are OpenSSL 3.0.19's, "
        "and `tests/hostile` runs each against both clients."
    )
    w("")
    for item in RESOURCE_BOUNDS:
        w(f"- {item}")
    w("")
    w("## Verification: second opinions")
    w("")
    w(
        "The tests run every chain of the verification battery through `openssl verify` "
        "(same store, options and time) and through `cryptography`'s verifier. sclient "
        "never reports `Verification: OK` where `openssl verify` rejects the chain. "
        "`cryptography` (the Web PKI profile of RFC 5280) rejects some chains that "
        "OpenSSL, and so sclient, accepts; these are the reasons it may give:"
    )
    w("")
    for item in SECOND_OPINIONS:
        w(f"- {item}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the file is current")
    ap.add_argument("--output", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run tools/gen_compat.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
