"""``python -m runthenumbers``: the same command as ``runthenumbers``."""

from .cli import main

if __name__ == "__main__":
    main()
