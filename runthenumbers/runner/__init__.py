"""Running the book safely: executing notebooks and scenarios, and guarding what a run writes.

- ``notebooks``: pairing each ``.md`` with its executed ``.ipynb`` (``make execute``);
- ``freshness``: what each executed notebook records of its inputs, and the check ``make book`` runs;
- ``scenarios``: the papermill runner behind ``runthenumbers run``;
- ``outputs``: the guard every command that writes goes through;
- ``interrupts``: Ctrl-C, SIGTERM and SIGHUP;
- ``safeyaml``: YAML without aliases or repeated keys.

A chapter author never needs this folder: it imports the chapters' code, never the reverse.
"""
