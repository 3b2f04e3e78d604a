"""sclient: OpenSSL's ``s_client`` rebuilt in Python.

The packages are rooms on levels; a room imports only rooms on its own level
or below, never up (``tests/test_layers.py`` enforces it; DESIGN.md):

* ``cli`` (6): the option table and argument parsing -> typed options;
* ``app`` (5): the driver that runs one invocation (sockets, loop, exit status);
* ``report`` and ``transport`` (4): the event collector and renderers; sockets;
* ``x509`` and ``starttls`` (3): certificate verification; STARTTLS dialogues;
* ``tls`` (2): the sans-I/O protocol engine;
* ``base`` (1): the record-class decorator, error-queue entry, DER and PEM.

Where new work goes: ``-msg``/``-trace`` renderers in ``report``, fed by
events the engine in ``tls`` emits; DTLS's record layer and state machine in
``tls``, its UDP socket in ``transport``; ECH's offer and extension codecs in
``tls``. ``demo`` (a local server for ``make demo``) sits beside ``app``.
"""

__version__ = "0.1.0"
