"""The driver (level 5): connect, proxy, STARTTLS, the I/O loop, connected
commands (``Q``/``R``/``B``/``k``/``K``), ``-reconnect``, shutdown and the exit
status. It turns parsed options into a ``ClientConfig``, feeds socket bytes to
the engine and engine events to ``report``; it never folds events itself.

May import every room below it (``transport``, ``report``, ``x509``,
``starttls``, ``tls``, ``base``); only ``cli`` imports it. Loading files named
by options (keys, certificates, CRLs, session files) happens here; decoding
them is the lower rooms' job. DTLS adds its UDP timers and retransmission loop
here; ECH adds the option-to-config step here.
"""
