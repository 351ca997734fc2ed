"""Record modes, named and behaving as in VCR.py, for one proxy that replays what its cassettes
hold and records what they lack.

=================  ==========================================  ==============================
mode               a request its cassette has a recording for  a request it has none for
=================  ==========================================  ==============================
``all``            forwarded and recorded again (not played)   forwarded and recorded
``new_episodes``   played from the cassette                    forwarded, appended to it
``once``           played from the cassette                    recorded only if the cassette
                                                               did not exist; else 404
``none``           played from the cassette                    404 ``no_recording_matches``
=================  ==========================================  ==============================

``replay`` is another name for ``none``. Only what was in a cassette when the session first
used it is played: exchanges recorded in this session are not (as in VCR.py).
"""

from __future__ import annotations

import enum

__all__ = ["DEFAULT_RECORD_MODE", "RECORD_MODE_NAMES", "RecordMode", "parse_record_mode"]


class RecordMode(enum.StrEnum):
    """VCR.py's ``record_mode``."""

    ALL = "all"
    NEW_EPISODES = "new_episodes"
    ONCE = "once"
    NONE = "none"

    @property
    def plays(self) -> bool:
        """Whether recordings already in a cassette answer the requests that match them."""
        return self is not RecordMode.ALL

    def records(self, cassette_existed: bool) -> bool:
        """Whether a request without a recording is forwarded and recorded."""
        if self is RecordMode.ONCE:
            return not cassette_existed
        return self in (RecordMode.ALL, RecordMode.NEW_EPISODES)


DEFAULT_RECORD_MODE = RecordMode.ALL
"""What ``record`` always did: forward and record everything, never play back."""

_ALIASES = {"replay": RecordMode.NONE}
RECORD_MODE_NAMES = (*(m.value for m in RecordMode), *_ALIASES)


def parse_record_mode(text: str) -> RecordMode:
    """A mode by name (``replay`` is ``none``); ValueError names the choices."""
    name = text.strip().lower().replace("-", "_")
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return RecordMode(name)
    except ValueError:
        raise ValueError(
            f"unknown record mode {text!r}; one of: {', '.join(RECORD_MODE_NAMES)}"
        ) from None
