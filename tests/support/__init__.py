"""Shared test support: a PKI factory, real TLS peers on loopback, process runners."""
