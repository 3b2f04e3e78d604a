"""DTLS 1.0 and 1.2 (RFC 4347, RFC 6347) behind the same
:class:`~sclient.tls.client.Client`.

The handshake states are TLS's: inside the engine a DTLS connection speaks
the TLS version it is built on (DTLS 1.0 is TLS 1.1, DTLS 1.2 is TLS 1.2),
and the modules here translate at the edges:

* :mod:`.records` — the DTLS record layer: the 13-byte header (epoch,
  48-bit sequence number), one record per datagram, the replay window,
  records of the next epoch kept until its keys arrive, records that fail
  their checks dropped in silence; handshake messages cut into fragments
  that fit the MTU; the flight kept for retransmission and the timer.
* :mod:`.reassembly` — incoming handshake fragments joined into messages
  by message_seq and fragment_offset (out of order, overlapping,
  duplicated), the 12-byte handshake header kept, as DTLS hashes it.
* :mod:`.handshake` — the wire versions, message_seq for what we send,
  the ClientHello's cookie and the HelloVerifyRequest, and the versions of
  the events the engine reports.
"""
