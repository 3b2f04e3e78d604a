"""One table per IANA registry, each row carrying the IANA name, the OpenSSL
name and what codecs and renderers need: :mod:`.protocol` (versions, content
and handshake types), :mod:`.suites`, :mod:`.extensions`, :mod:`.groups`,
:mod:`.sigschemes`, :mod:`.alerts`, :mod:`.reasons` (OpenSSL's SSL reason
codes).

Pure data with lookup functions; imports nothing of sclient's. Every other
room reads versions, code points and their names from here and lists them
nowhere else (a new code point, such as ECH's extension or a DTLS version, is
one row here).
"""
