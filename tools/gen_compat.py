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
    "document is printed first (`error.reason` `SIGNAL`). The shell then reports 128 + the "
    "signal number, which is also the document's `exit_status`; curl too dies by the signal.",
    "`-connect_timeout` and `-max_time` (sclient additions) take curl's meaning: "
    "`-connect_timeout` bounds each connection until its handshake is complete (name lookup, "
    "TCP connect, the proxy's CONNECT or SOCKS5 exchange, STARTTLS, the TLS or DTLS "
    "handshake), as curl's `--connect-timeout` counts the name lookup and every protocol "
    "handshake and negotiation up to the established connection; `-max_time` bounds "
    "the whole run, the session included. On expiry: one error-queue line, "
    "`BIO_do_connect_retry:connect timeout` (`-connect_timeout`) or `BIO_wait:transfer timed "
    "out` (`-max_time`), OpenSSL's reasons for its own connect and transfer timeouts, whose "
    "data names the phase (`phase handshake (TLS handshake) not done within -connect_timeout "
    "5 s`), no summary, exit 1 (curl gives 28); `-json` prints its document with "
    "`error.reason` `TIMEOUT` and `error.timeout` (`phase`, `limit`, `seconds`).",
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
    "**GREASE (RFC 8701; OpenSSL 4.1's `SSL_OP_GREASE`, which has no s_client or SSL_CONF "
    "name).** sclient's `-grease` puts one reserved value, random per connection, in each "
    "field of the ClientHello that has a list: first in the cipher suites, "
    "supported_groups, signature_algorithms, supported_versions, psk_key_exchange_modes "
    "(one of 0x0B, 0x2A, ... 0xE4) and ALPN (a two-byte protocol); a key share of the "
    "supported_groups GREASE group holding one byte, first; an empty GREASE extension "
    "first and a one-byte one last (before pre_shared_key), of two different types (where "
    "BoringSSL and OpenSSL 4.1 put them; OpenSSL 4.1 puts both extensions last and does "
    "not GREASE signature algorithms, PSK modes or ALPN). `-grease_fields "
    "cipher,ext,group,sigalg,version,pskmode,alpn` chooses the fields. A second "
    "ClientHello after a HelloRetryRequest repeats every value; its key_share holds the "
    "asked-for group alone (BoringSSL drops the GREASE share there too). GREASE values are "
    "never negotiated: a server that selects one (suite, version, key share group, "
    "HelloRetryRequest group, ALPN protocol, CertificateVerify scheme) is refused by the "
    "checks OpenSSL 3.0 applies to any unknown value (illegal_parameter `unknown cipher "
    "returned`, `bad protocol version number`, `bad key share`; checked against "
    "openssl s_client 3.0 on the same scripted servers), and a GREASE extension in a "
    "ServerHello, HelloRetryRequest, EncryptedExtensions or Certificate is refused "
    "(RFC 8701 §3.1) with unsupported_extension, `unsolicited extension`, as OpenSSL 4.1 "
    "refuses one in a ServerHello (OpenSSL 4.1 lets one in EncryptedExtensions pass; "
    "without `-grease` sclient, like OpenSSL 3.0, ignores all of them). GREASE in a "
    "NewSessionTicket (bssl server sends one in each) or a CertificateRequest is ignored. "
    "`-trace` shows the values as OpenSSL 3.0 shows unknown ones (`{0x7A, 0x7A} UNKNOWN`, "
    "`UNKNOWN (31354)`, `extension_type=UNKNOWN(14906)`; the same text as s_server 3.0's "
    "trace of the ClientHello), `-json` lists them by field in `grease`. Tested against "
    "openssl s_server 3.0, gnutls-serv, node 26, tlslite-ng and bssl server.",
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
    "**Raw public keys (RFC 7250; OpenSSL 3.2's `-enable_server_rpk`, `-enable_client_rpk`).** "
    "Each option sends its extension (client_certificate_type, server_certificate_type; "
    "where 3.2 puts them, after post_handshake_auth) with the list 3.2's s_client sends: "
    "RawPublicKey, then X.509. The server's choice is read from the TLS 1.2 ServerHello or "
    "the TLS 1.3 EncryptedExtensions with 3.2's checks (one byte, an offered type: else "
    "decode_error `bad extension` / `bad value`; an answer to an extension not sent: "
    "unsupported_extension). A negotiated raw public key is read from the Certificate "
    "(TLS 1.3: one entry; TLS 1.2: the SubjectPublicKeyInfo alone) with 3.2's "
    "`tls_process_rpk` errors, and it checks the CertificateVerify or ServerKeyExchange. "
    "The summary prints 3.2's lines: `no peer certificate available`, "
    "`Client-to-server raw public key negotiated`, `Server-to-client raw public key "
    "negotiated`, and with `-enable_server_rpk` `Server raw public key` and the key as "
    "`EVP_PKEY_print_public` prints it at indent 2 (or `no peer rpk available`); no "
    "`Server public key is` line. Verification is 3.2's: s_client's callback runs once as "
    "`depth=0 <no cert>`; without DANE the key is `verify error:num=95:Raw public key "
    "untrusted, no trusted keys configured`; a DANE-EE(3) SPKI(1) record "
    '(`-dane_tlsa_rrdata "3 1 1 <SHA-256 of the key>"`) or sclient\'s `-expected_rpk '
    "FILE` (what `SSL_add_expected_rpk` does, which s_client has no option for) verifies "
    "it (`DANE TLSA 3 1 … matched EE certificate at depth 0`), else error 65; "
    "`-verify_return_error` makes a failure fatal (`tls_post_process_server_rpk:certificate "
    "verify failed`). With `-enable_client_rpk` and a `-cert`, a server that chose "
    "RawPublicKey for the client gets the certificate's key (an empty list without "
    "`-cert`). `-trace` names the extensions (`server_cert_type(20)`) and prints a raw "
    "public key as 3.2's `ssl_print_raw_public_key` does (`raw_public_key, length=91` and "
    "the key); `-json` has `certificate_types` and `server_raw_public_key` (algorithm, "
    "bits, curve, SHA-256 of the SubjectPublicKeyInfo, PEM). Tested against gnutls-serv "
    "(ECDSA, RSA, Ed25519; TLS 1.3 and 1.2; the client's key checked in gnutls-serv's own "
    "report) and scripted servers. The session keeps the server's key as 3.2's does "
    "(`peer_rpk`, written by `-sess_out` as the session's [20]): a resumed connection "
    "(`-reconnect`, `-sess_in`) prints it and `-json` has it. Not done: "
    "3.2's security-level check of the key's size (`EE_KEY_TOO_SMALL`) is not made for a "
    "raw public key; the reason codes of 3.2's new errors (`empty raw public key`, "
    "`bad certificate`, `wrong rpk type`) come from its headers as read, not observed.",
    "**Encrypted Client Hello (OpenSSL 4.0, RFC 9849).** `-ech_config_list` takes a base64 "
    "ECHConfigList; the first config of version 0xfe0d with DHKEM(X25519) or DHKEM(P-256), "
    "HKDF-SHA256/384/512 and AES-128-GCM, AES-256-GCM or ChaCha20-Poly1305 is used (HPKE "
    "base mode, built on `cryptography`'s primitives and checked against RFC 9180's vector "
    "and `cryptography`'s HPKE opener; its own HPKE cannot give `enc` before "
    "sealing nor seal twice). The ClientHello sclient would send becomes the encrypted inner "
    "one; the outer one carries the config's public name (`-ech_outer_sni NAME` replaces "
    "it, `-ech_no_outer_sni` leaves it out), `-ech_outer_alpn` an outer ALPN list, the same "
    "key shares and other extensions (compressed in the inner one with "
    "`ech_outer_extensions`), no PSK; the inner one is padded as RFC 9849 §6.1.3 "
    "recommends. With a config, both ClientHellos offer TLS 1.3 only. The ServerHello's "
    "(and a HelloRetryRequest's) acceptance confirmation decides: accepted, the inner "
    "ClientHello is the transcript and the summary prints `ECH: success: outer SNI: '…', "
    "inner SNI: '…'` after `Verify return code`; rejected, the handshake goes on with the "
    "outer one until the server's Finished is checked, then ends with the `ech_required` "
    "alert (the server being authenticated for the public name: with `-verify_hostname`, "
    "that name is checked, RFC 9849 §6.1.7) "
    "and `…:error:0A0001A8:SSL routines:tls_process_initial_server_flight:ech "
    "required:…` (exit status 1), the summary printing `ECH: tried, failed and got ECH in "
    "return` and the server's retry_configs (`xx:` bytes, 16 a line), or `ECH: tried but "
    "failed`. `-ech_grease` sends a GREASE ECH extension (random config id, X25519 enc "
    "and payload; `ECH: only greasing`). `-json` has an `ech` object (status, config, "
    "SNIs, HPKE suite, retry_configs in base64). `-ech_retry` (an sclient switch; OpenSSL "
    "has none) connects once more with the retry_configs a rejecting server sent (`ECH: "
    "retrying with the server's retry_configs` on stderr; `-json` prints one document "
    "whose `connections` hold both attempts). `-trace` shows the ECH extension as a hex dump, as for the extensions "
    "OpenSSL's trace has no printer for. The printed lines follow the ECH code OpenSSL 4.0 "
    "took from the DEfO project's s_client; the OpenSSL 4.x source was not available to "
    "compare line by line. Not supported: `-ech_grease_suite`, `-ech_grease_type`, "
    "`-ech_select`, `-ech_ignore_cid` (refused as unknown options), `-early_data` with a "
    "config (refused). Tests: tests/interop/test_interop_ech.py against BoringSSL's "
    "`bssl server` (`.ci/build-bssl`), tests/tls/test_tls_ech.py.",
    "**Certificate compression (RFC 8879, OpenSSL 3.2).** OpenSSL 3.2+ built with zlib, "
    "brotli and zstd offers compress_certificate in every TLS 1.3 ClientHello; OpenSSL 3.0 "
    "has none, and without the options below sclient's ClientHello stays 3.0's. "
    "`-cert_comp` (sclient's switch: `openssl s_client` has none, its `s_server -cert_comp` "
    "pre-compresses a server's certificate) turns on what those builds do: the ClientHello "
    "lists `brotli`, `zlib`, `zstd` (OpenSSL's default order; zlib is Python's own, brotli and "
    "zstd need the `brotli` and `zstandard` packages, the `certcomp` extra, and an algorithm "
    "whose package is missing is not offered), after key_share as OpenSSL places it; a "
    "CompressedCertificate is expanded and checked as `tls13_process_compressed_certificate` "
    "does; and when a CertificateRequest carries compress_certificate, a client certificate "
    "goes as a CompressedCertificate with the first algorithm the request lists that we have "
    "(OpenSSL's choice; no certificate: an empty plain Certificate). OpenSSL 3.2's "
    "`-no_rx_cert_comp` and `-no_tx_cert_comp` (not in 3.0's build; sclient's `-help` lists "
    "them with 3.2's text) turn one direction off as SSL_OP_NO_RX/TX_CERTIFICATE_COMPRESSION do: "
    "given alone, each asks for the 3.2+ behaviour less that direction (`-no_rx_cert_comp`: "
    "no compress_certificate in the ClientHello, a requested client certificate still "
    "compressed). They are command-line options only (an `-ssl_config` section keeps OpenSSL "
    "3.0's options). A server's compress_certificate outside a CertificateRequest is "
    "`illegal_parameter` / `bad extension` when ours was sent and ignored, as 3.0 ignores "
    "it, when not; a CompressedCertificate when we did not offer compression is "
    "`unexpected_message`.",
    "**A CompressedCertificate that does not hold what it says** is refused with OpenSSL "
    "3.2+'s alert and reason (`tls13_process_compressed_certificate`, line 0): an algorithm "
    "we did not offer, `illegal_parameter` / `bad compression algorithm`; a compressed "
    "length that is not the rest of the message (or 0), `decode_error` / `bad decompression`; "
    "a corrupt stream or one that does not expand to exactly `uncompressed_length` bytes, "
    "`bad_certificate` / `bad decompression`; an expansion that is no Certificate, that "
    "message's own `decode_error`. Each alert is the one OpenSSL 3.5's client (node 26) sends "
    "to the same scripted server. The expansion never grows past the declared length plus "
    "one byte (at most 16 MiB, the 24-bit field's limit; OpenSSL allocates the declared "
    "length up front, sclient only what the stream really yields): a kilobyte of zlib that "
    "claims 16 MiB costs the megabyte it holds, and a few dozen bytes of brotli that expand "
    "to 64 MiB are stopped at the declared size. The message itself is held to "
    "`max_cert_list` (100 KiB) as a Certificate is.",
    "**Showing certificate compression.** `-trace` prints the extension "
    "(`extension_type=compress_certificate(27)`, one `zlib (1)` line per algorithm) and the "
    "message as OpenSSL 3.2+'s `SSL_trace` does in a build with the three codecs: "
    "`Compression type=zstd (0x0003)`, `Uncompressed length=N`, `Compressed length=M, "
    "Ratio=R:1` (R the C float quotient, `%f`), a hex dump of the compressed bytes, then the "
    "certificates it expands to as a Certificate's trace shows them; `-msg` names it "
    "`CompressedCertificate` as OpenSSL 3.2+'s callback does (also one a server sends "
    "unasked, which OpenSSL 3.0's `-msg` shows as `???` and its `-trace` as `UNKNOWN` with a "
    "hex dump; the compress_certificate extension likewise), `-state` shows `TLSv1.3 read "
    "server compressed certificate` and `TLSv1.3 write client compressed certificate`. The "
    "summary prints nothing more: OpenSSL's `print_stuff` (3.2 to master) has no line for it. `-json` "
    "gives `certificate_compression` (`received`/`sent`: algorithm, compressed and "
    "uncompressed lengths). `-tlsextdebug` names the extension `unknown`, as 3.0's table "
    "does (3.2+ says `compress certificate`).",
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
        # "(sclient)" ends the help text of sclient's own options; the others
        # are options of a newer OpenSSL, with its help text.
        ours = o.help.rstrip().endswith("(sclient)")
        w(
            f"- `{o.name}` is "
            + ("an sclient addition" if ours else "an option of a newer OpenSSL")
            + f": {o.help.rstrip()}. OpenSSL 3.0.19 rejects it as "
            f"an unknown option. `-help` lists it in the {o.section} section; "
            + (
                "that line is the only difference from OpenSSL 3.0's help text."
                if len(added) == 1
                else "the added options' lines are the only differences from OpenSSL 3.0's "
                "help text."
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
