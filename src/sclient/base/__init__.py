"""What every layer shares (level 1): it imports nothing of sclient's outside
``base`` and holds no protocol or X.509 logic.

- ``structs``: the record-class decorator every event, message and report uses
  (dataclass semantics without dataclasses' start-up cost);
- ``errorqueue``: one entry of OpenSSL's error queue, the way every layer
  reports a failure;
- ``der``: the one DER reader and writer (bounds-checked, one error type,
  ``DERError``); certificates, names, CRLs and session files all go through it;
- ``pem``: the one PEM reader and writer (``-----BEGIN`` armour, base64 in
  64-column lines); nothing else in sclient builds or parses armour;
- ``pyca``: the one place that knows how ``cryptography`` announces what it
  deprecates, so that no Python warning ever reaches a user's screen.

A new encoding shared by two rooms belongs here; anything that knows TLS or
X.509 semantics does not.
"""
