"""Bulk application data (``ClientConfig.bulk_data``): TLS 1.3 records opened
in runs straight into one buffer, sealed straight into another.

- Against ``openssl s_server -WWW`` serving a 10 MiB file: the receive path
  allocates nothing in proportion to the data (``tracemalloc``): a record's
  payload is written once, by the decryption, into a buffer made once; the
  per-record path, measured the same way, allocates several times the
  transfer (so the measure can fail).
- The record layer on its own: runs stop before anything that is not plain
  application data (another inner type, a bad tag, an empty record, an
  incomplete one) and leave it to the per-record path, which then says what
  it is; padding is removed; sealed records open with the per-record path.
- The client: the same data and the same non-record events as the
  per-record path, for any split of the input, with a KeyUpdate and a
  ticket between the data.
"""

from __future__ import annotations

import os
import socket
import time
import tracemalloc
from pathlib import Path

import pytest
from tls_peers import OPENSSL, Pki, config, make_cert, openssl_server, python_server

from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.crypto.protection import Tls13Aead
from sclient.tls.errors import LocalError
from sclient.tls.records import BULK_READ, READ, WRITE, RecordLayer
from sclient.tls.registry import protocol as P

needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl binary not installed")

SIZE = 10 << 20
#: The first MiB warms up (the plaintext buffer is made on the first run).
WARM_UP = 1 << 20


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_cert(tmp_path_factory.mktemp("pki"), "ec")


def _handshake(port: int, bulk: bool) -> tuple[socket.socket, Client]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    c = Client(config(tls13_suites=(0x1301,), bulk_data=bulk))
    c.start()
    sock.sendall(c.data_to_send())
    while not c.handshake_complete:
        n = sock.recv_into(c.get_buffer(16384))
        assert n, "the server closed during the handshake"
        for e in c.buffer_updated(n):
            assert not isinstance(e, ev.ConnectionFailed), e
        out = c.data_to_send()
        if out:
            sock.sendall(out)
    return sock, c


def _fetch(port: int, bulk: bool) -> tuple[int, int, int]:
    """GET /big.bin to the end; returns (application data bytes, the most
    one receive call allocated beyond what it started with, and the sum of
    that over all calls after the warm-up), as ``tracemalloc`` sees them."""
    sock, c = _handshake(port, bulk)
    c.send(b"GET /big.bin HTTP/1.0\r\n\r\n")
    sock.sendall(c.data_to_send())
    got = most = total = 0
    closed = False
    tracemalloc.start()
    try:
        while not closed:
            n = sock.recv_into(c.get_buffer())
            if not n:
                break
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            events = c.buffer_updated(n)
            grew = tracemalloc.get_traced_memory()[1] - before
            if got >= WARM_UP:
                most = max(most, grew)
                total += grew
            for e in events:
                if isinstance(e, ev.ApplicationData):
                    got += len(e.data)
                closed = closed or isinstance(e, ev.ConnectionClosed)
                assert not isinstance(e, ev.ConnectionFailed), e
            del events
    finally:
        tracemalloc.stop()
        sock.close()
    return got, most, total


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> int:  # type: ignore[misc]
    d = tmp_path_factory.mktemp("www")
    (d / "big.bin").write_bytes(os.urandom(SIZE))
    cwd = Path.cwd()
    os.chdir(d)  # s_server -WWW serves its working directory
    try:
        with openssl_server(
            pki, "-WWW", "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"
        ) as srv:
            os.chdir(cwd)
            yield srv.port
    finally:
        os.chdir(cwd)


@needs_openssl
def test_bulk_receive_allocates_nothing_per_record(www: int) -> None:
    """10 MiB from s_server: no receive call allocates a record's worth, and
    all of them together (after the warm-up) less than a few read buffers:
    the payloads go from the input buffer to the plaintext buffer by the
    decryption and by nothing else."""
    got, most, total = _fetch(www, bulk=True)
    assert got > SIZE
    assert most < 4096, most
    assert total < 2 * BULK_READ, total


@needs_openssl
def test_per_record_path_is_seen_copying(www: int) -> None:
    """The same measure on the per-record path (record events for -msg,
    -debug, ...) sees each payload allocated (decrypted, sliced) and each
    record copied: more than the transfer itself."""
    got, most, total = _fetch(www, bulk=False)
    assert got > SIZE
    assert most > 16384, most
    assert total > 2 * (SIZE - WARM_UP), total


# --- the record layer on its own ---------------------------------------------------


def _pair(pad: int = 0) -> tuple[Tls13Aead, RecordLayer]:
    key, iv = os.urandom(16), os.urandom(12)
    rl = RecordLayer()
    rl.negotiated(P.TLS1_3)
    rl.install(READ, Tls13Aead("AES-128-GCM", key, iv))
    return Tls13Aead("AES-128-GCM", key, iv, pad_to=pad), rl


def test_run_takes_application_data_and_stops_before_the_rest() -> None:
    server, rl = _pair()
    a, b = os.urandom(16384), os.urandom(100)
    ticket = bytes((P.NEW_SESSION_TICKET, 0, 0, 1, 0))
    wire = [server.encrypt(23, a), server.encrypt(23, b), server.encrypt(P.HANDSHAKE, ticket)]
    wire.append(server.encrypt(23, b"after"))
    rl.feed(b"".join(wire))
    run = rl.read_run()
    assert run is not None and bytes(run) == a + b
    assert rl.read_run() is None  # the handshake record is left for read()
    rec = rl.read()
    assert rec is not None and rec[0] == P.HANDSHAKE and rec[1] == ticket
    assert rec[2] == wire[2]
    run = rl.read_run()
    assert run is not None and bytes(run) == b"after"
    assert rl.consumed == sum(map(len, wire))
    assert rl.buffered == 0


def test_run_stops_before_an_incomplete_record_and_goes_on_after() -> None:
    server, rl = _pair()
    data = [os.urandom(1000 + i) for i in range(5)]
    wire = b"".join(server.encrypt(23, d) for d in data)
    got = b""
    for i in range(0, len(wire), 777):
        rl.feed(wire[i : i + 777])
        while (run := rl.read_run()) is not None:
            got += bytes(run)
        assert rl.read() is None
        rl.compact()
    assert got == b"".join(data)


def test_run_removes_padding() -> None:
    server, rl = _pair(pad=4096)
    data = [os.urandom(n) for n in (1, 4000, 16384)]
    rl.feed(b"".join(server.encrypt(23, d) for d in data))
    run = rl.read_run()
    assert run is not None and bytes(run) == b"".join(data)


def test_a_bad_tag_ends_the_run_and_read_reports_it() -> None:
    server, rl = _pair()
    good, bad = server.encrypt(23, b"good"), bytearray(server.encrypt(23, b"bad!"))
    bad[-1] ^= 1
    rl.feed(good + bytes(bad))
    run = rl.read_run()
    assert run is not None and bytes(run) == b"good"
    assert rl.read_run() is None
    with pytest.raises(LocalError) as err:
        rl.read()
    assert err.value.reason == "DECRYPTION_FAILED_OR_BAD_RECORD_MAC"


def test_an_empty_record_is_counted_by_read() -> None:
    server, rl = _pair()
    rl.feed(server.encrypt(23, b"") + server.encrypt(23, b"x"))
    assert rl.read_run() is None
    rec = rl.read()
    assert rec is not None and rec[1] == b""
    run = rl.read_run()
    assert run is not None and bytes(run) == b"x"


def test_sealed_records_open_one_by_one() -> None:
    key, iv = os.urandom(16), os.urandom(12)
    rl = RecordLayer(max_fragment=5000)
    rl.negotiated(P.TLS1_3)
    rl.install(WRITE, Tls13Aead("AES-128-GCM", key, iv))
    data = os.urandom(12345)
    assert rl.write_run(data[:10000])
    assert rl.write_run(memoryview(data)[10000:])
    wire = bytes(rl.take_output())
    peer = RecordLayer()
    peer.negotiated(P.TLS1_3)
    peer.install(READ, Tls13Aead("AES-128-GCM", key, iv))
    peer.feed(wire)
    contents = []
    while (rec := peer.read()) is not None:
        assert rec[0] == P.APPLICATION_DATA
        contents.append(rec[1])
    assert b"".join(contents) == data
    assert [len(c) for c in contents] == [5000, 5000, 2345]


# --- the client: the same as the per-record path -----------------------------------


def _non_record(events: list[ev.Event]) -> list[object]:
    skip = (ev.RecordReceived, ev.RecordHeaderReceived, ev.RecordSent, ev.ApplicationData)
    return [type(e).__name__ for e in events if not isinstance(e, skip)]


@pytest.mark.parametrize("bulk", [False, True])
def test_echo_both_ways_through_python_ssl(pki: Pki, bulk: bool) -> None:
    """200 KB each way through Python's ssl server (echo): the same bytes."""
    payload = os.urandom(200_000)
    with python_server(pki) as srv:
        sock, c = _handshake(srv.port, bulk)
        try:
            c.send(payload)
            sock.sendall(c.data_to_send())
            got = bytearray()
            deadline = time.monotonic() + 10
            while len(got) < len(payload) and time.monotonic() < deadline:
                n = sock.recv_into(c.get_buffer())
                assert n
                for e in c.buffer_updated(n):
                    if isinstance(e, ev.ApplicationData):
                        got += e.data
        finally:
            sock.close()
    assert bytes(got) == payload


def _capture(srv: object, port: int, bulk: bool) -> tuple[Client, bytes]:
    """A handshake, then what s_server sends on its commands: data, a
    KeyUpdate (``k``), more data, as raw bytes not yet given to the client."""
    sock, c = _handshake(port, bulk)
    time.sleep(0.2)  # the tickets
    for line in (b"first " * 3000 + b"\n", b"k\n", b"second " * 3000 + b"\n"):
        srv.command(line)  # type: ignore[attr-defined]
        time.sleep(0.2)  # one read of s_server's each
    sock.settimeout(0.5)
    wire = bytearray()
    try:
        while chunk := sock.recv(1 << 16):
            wire += chunk
    except TimeoutError:
        pass
    finally:
        sock.close()
    return c, bytes(wire)


@needs_openssl
def test_key_update_padding_and_data_in_bulk_as_per_record(pki: Pki) -> None:
    """s_server (padding its records) sends tickets, data, a KeyUpdate, more
    data: the bulk client gets the same bytes and the same other events as
    the per-record client, whatever the split of its input."""
    with openssl_server(pki, "-tls1_3", "-record_padding", "512") as srv:
        ref, ref_wire = _capture(srv, srv.port, bulk=False)
        ref_events = ref.receive(ref_wire)
        ref_data = b"".join(bytes(e.data) for e in ref_events if isinstance(e, ev.ApplicationData))
        assert b"second" in ref_data and "KeyUpdateReceived" in _non_record(ref_events)
        for split in (1, 7, 16384, 1 << 20):
            c, wire = _capture(srv, srv.port, bulk=True)
            events: list[ev.Event] = []
            data = bytearray()
            for i in range(0, len(wire), split):
                piece = wire[i : i + split]
                c.get_buffer(len(piece))[:] = piece
                for e in c.buffer_updated(len(piece)):
                    events.append(e)
                    if isinstance(e, ev.ApplicationData):
                        data += e.data
            assert bytes(data) == ref_data, split
            assert _non_record(events) == _non_record(ref_events), split
            assert not any(
                isinstance(e, ev.RecordReceived) and e.inner_type == P.APPLICATION_DATA
                for e in events
            )
