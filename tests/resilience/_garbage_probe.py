"""``python _garbage_probe.py serve ...``: the recorded server, keeping its cyclic garbage.

The garbage collector saves what it would free (``gc.DEBUG_SAVEALL``); on SIGUSR1 the server
collects and writes to ``$GARBAGE_REPORT`` one JSON line, the number of objects found since the
last report and the most common types among them, then forgets them. Nothing on a request's
path should ever be found: ``serve()`` collects rarely, and cyclic garbage waits for it.
"""

from __future__ import annotations

import collections
import gc
import json
import os
import signal
import sys
from types import FrameType


def _report(signum: int, frame: FrameType | None) -> None:
    gc.collect()
    found = collections.Counter(type(obj).__name__ for obj in gc.garbage)
    line = {"objects": len(gc.garbage), "types": found.most_common(12)}
    with open(os.environ["GARBAGE_REPORT"], "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
    gc.garbage.clear()


if __name__ == "__main__":
    gc.set_debug(gc.DEBUG_SAVEALL)
    signal.signal(signal.SIGUSR1, _report)
    from recorded_server.cli.main import main

    sys.exit(main(sys.argv[1:]))
