"""Output (level 4): a pure collector folding engine events into one
``SessionReport``, and the renderers that print it: the text summary, ``-brief``,
JSON, and the streaming ``-msg``/``-state``/``-debug``/``-trace``/``-tlsextdebug``/
``-security_debug`` lines.

Nothing here touches a socket, reads a file or drives the engine; it reads
events and facts handed to it and returns text. May import ``base``, ``tls``
(events and registries for names) and ``x509`` (names, certificate facts);
never ``app`` or ``cli``. A new output option is a renderer here fed by
events from ``tls``; what it needs that no event carries is a new event in
``tls.events``, not a call into the engine.
"""
