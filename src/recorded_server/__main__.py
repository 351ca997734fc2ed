"""``python -m recorded_server``: the same command line as ``recorded-server``."""

from __future__ import annotations

import sys

from recorded_server.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
