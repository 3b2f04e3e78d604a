"""sclient: OpenSSL's ``s_client`` rebuilt in Python."""

__version__ = "0.1.0"
