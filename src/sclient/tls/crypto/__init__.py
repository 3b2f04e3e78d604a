"""Cryptographic adapter layer of the TLS engine.

Every primitive comes from ``cryptography``; the TLS constructions on top of
them (key schedule, PRF, record protection, key shares, signature schemes) are
here. Modules: :mod:`.hashes`, :mod:`.transcript`, :mod:`.keyschedule`,
:mod:`.prf`, :mod:`.protection`, :mod:`.kex` (with :mod:`.ffdhe`),
:mod:`.signatures`; exceptions in :mod:`.errors`.

Nothing here performs I/O, reads a clock or draws its own randomness where the
protocol needs random bytes (an ``rng`` callable is passed in; key generation
uses ``cryptography``'s generator). May import ``base`` and ``tls.registry``;
never the state machine. DTLS record protection (epochs, explicit sequence
numbers) and ECH's HPKE go here.
"""
