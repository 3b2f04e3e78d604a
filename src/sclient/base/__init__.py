"""What every layer shares and nothing above it may be imported by.

``base`` sits under ``tls`` and ``x509``: it imports nothing of sclient's.
``pyca`` is the one place that knows how ``cryptography`` announces what it
deprecates, so that no Python warning ever reaches a user's screen.
"""
