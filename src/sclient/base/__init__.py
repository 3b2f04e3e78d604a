"""What every layer shares; it imports nothing of sclient's above it.

- ``structs``: the record-class decorator every event, message and report uses
  (dataclass semantics without dataclasses' start-up cost);
- ``errorqueue``: one entry of OpenSSL's error queue, the way every layer
  reports a failure;
- ``der`` and ``pem``: the DER reader/writer and the PEM reader;
- ``pyca``: the one place that knows how ``cryptography`` announces what it
  deprecates, so that no Python warning ever reaches a user's screen.

``tls`` (the engine) and ``x509`` (the verifier) stand on it.
"""
