"""TLS 1.3 early data (0-RTT, RFC 8446 §2.3, §4.2.10) as OpenSSL 3.0's client
sends it.

s_client offers early data only when the session it resumes (``-sess_in``)
or its ``-psk_session`` allows some (``max_early_data`` from the ticket's
early_data extension). The ClientHello then carries an empty early_data
extension; right after it come the middlebox-compatibility ChangeCipherSpec
(unless ``-no_middlebox``) and the data, under keys from the client early
traffic secret, in one record per 8192-byte piece (s_client reads the file
in ``BUFSIZZ`` pieces and gives each to SSL_write_early_data). A piece that
would take the total past ``max_early_data`` is refused ("too much early
data", internal_error). The server's EncryptedExtensions says whether it
accepted: then EndOfEarlyData goes out under the early keys after its
Finished. Data the server rejected is not sent again (s_client 3.0 does not).
"""

from __future__ import annotations

from sclient.base import structs
from sclient.base.structs import Struct
from sclient.tls import events as ev
from sclient.tls.crypto import hashes
from sclient.tls.crypto.keyschedule import KeySchedule13, traffic_key_iv
from sclient.tls.crypto.protection import CIPHER_PARAMS, NullCipher, RecordCipher, Tls13Aead
from sclient.tls.errors import LocalError
from sclient.tls.hello import EarlyPlan, early_plan
from sclient.tls.records import WRITE, RecordLayer
from sclient.tls.registry import alerts, suites
from sclient.tls.registry import protocol as P
from sclient.tls.states import Handshake, OsslState

__all__ = [
    "CHUNK",
    "EarlyPlan",
    "EarlySent",
    "abandon",
    "accept",
    "early_plan",
    "end_of_early_data",
    "send",
]

#: s_client's BUFSIZZ: the size of each SSL_write_early_data call.
CHUNK = 8192
#: Epoch number of the early write keys (between plaintext 0 and handshake 2).
EPOCH_EARLY = 1


class EarlySent(Struct, frozen=True, slots=True):
    """What went out as 0-RTT (kept on the handshake for EndOfEarlyData)."""

    plan: EarlyPlan
    cipher: RecordCipher
    length: int
    #: A HelloRetryRequest came: the data is rejected, the second ClientHello
    #: offers none (OpenSSL still passes "pending early data end").
    abandoned: bool = False


def _cipher(hs: Handshake, suite_code: int, secret: bytes) -> Tls13Aead:
    row = suites.BY_CODE[suite_code]
    name = row.cipher
    assert name is not None
    p = CIPHER_PARAMS[name]
    key, iv = traffic_key_iv(row.prf_hash, secret, p.key_len, p.iv_len)
    return Tls13Aead(name, key, iv, hs.config.record_padding)


def send(hs: Handshake, rl: RecordLayer, plan: EarlyPlan, data: bytes) -> None:
    """After the ClientHello (already written): [CCS], the early keys, the
    data in CHUNK pieces, with OpenSSL's info-callback states."""
    hs.facts.early_data = "rejected"  # SSL_EARLY_DATA_REJECTED until EE says otherwise
    rl.set_write_version(P.TLS1_2)
    if hs.config.middlebox_compat:
        hs.send_ccs()  # "write client hello", then the CCS
        hs.loop(OsslState.EARLY_DATA)  # "write change cipher spec"
    else:
        hs.loop(OsslState.EARLY_DATA)  # "write client hello"
    ks = KeySchedule13(plan.hash)
    ks.early(plan.key)
    th = hashes.digest(plan.hash, hs.ch.encode())
    hs.keylog("EARLY_EXPORTER_SECRET", ks.early_exporter_master_secret(th))
    secret = ks.client_early_traffic_secret(th)
    hs.keylog("CLIENT_EARLY_TRAFFIC_SECRET", secret)
    cipher = _cipher(hs, plan.suite, secret)
    rl.install(WRITE, cipher, EPOCH_EARLY)
    hs.early = EarlySent(plan, cipher, 0)
    sent = 0
    for off in range(0, len(data), CHUNK):
        piece = data[off : off + CHUNK]
        if sent + len(piece) > plan.max_early_data:
            # OpenSSL's alert about it goes out in the clear.
            rl.install(WRITE, NullCipher(P.TLS1_2), 0)
            rl.write_protected = False
            raise LocalError(alerts.INTERNAL_ERROR, "TOO_MUCH_EARLY_DATA")
        _write13(rl, piece, hs.events)
        sent += len(piece)
        hs.early = EarlySent(plan, cipher, sent)
    hs.loop()  # "TLSv1.3 early data"


def _write13(rl: RecordLayer, data: bytes, events: list[ev.Event]) -> None:
    """Application data under the early keys: TLS 1.3 records (the version is
    not negotiated yet, so the record layer does not know it protects them)."""
    cipher = rl.write_cipher
    step = rl.max_fragment
    for off in range(0, len(data), step):
        rec = cipher.encrypt(P.APPLICATION_DATA, data[off : off + step])
        rl.out += rec
        events.append(ev.RecordSent(rec[0], (rec[1] << 8) | rec[2], rec, P.APPLICATION_DATA))


def abandon(hs: Handshake, rl: RecordLayer) -> None:
    """A HelloRetryRequest: the early data is rejected and the second
    ClientHello goes out in the clear."""
    sent = hs.early
    if not isinstance(sent, EarlySent):
        return
    hs.early = structs.replace(sent, abandoned=True)
    rl.install(WRITE, NullCipher(P.TLS1_2), 0)
    rl.write_protected = False


def accept(hs: Handshake) -> None:
    """tls_parse_stoc_early_data in EncryptedExtensions: only early data we
    sent in this ClientHello, on a resumption (a PSK the server took)."""
    sent = hs.early
    if not isinstance(sent, EarlySent) or sent.abandoned or not hs.facts.psk_accepted:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_EXTENSION", "early_data: not sent")
    hs.facts.early_data = "accepted"


def end_of_early_data(hs: Handshake) -> None:
    """After the server's Finished: "pending early data end", and, when the
    server accepted, EndOfEarlyData under the early keys."""
    from sclient.tls.wire.handshake import EndOfEarlyData

    hs.loop(OsslState.PENDING_EARLY_DATA_END)  # "read finished"
    if hs.facts.early_data == "accepted":
        hs.queue(EndOfEarlyData(), OsslState.CW_END_OF_EARLY_DATA)
        hs.flush()
    hs.early = None
