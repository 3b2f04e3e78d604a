"""The command line (the top room): the option table (``options``, one row per
``s_client`` manual option, from which ``tools/gen_options.py`` generates the
typed ``optionsclass.Options``), the parser that turns argv into those options
with OpenSSL's messages (``parse``, ``numbers``, ``passwd``), ``-help``
(``help``), and ``main``, which hands the options to ``app``.

It may import every room; nothing imports it (``app`` names ``Options`` only
for type checking). A new option such as ``-msg`` or ``-ech_config_list`` is a
row in ``options``; what it does lives in ``app``, ``report`` or ``tls``.
"""
