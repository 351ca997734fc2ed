"""What a live run will do, in words: printed at its start, and alone by ``--live-plan``."""

from __future__ import annotations

from collections.abc import Sequence

from contract_tests.identities import SEED_ENV, RunIds
from contract_tests.live_budget import MIN_SHARE
from contract_tests.live_settings import LiveSettings

__all__ = ["plan_lines"]

PROFILE = "/api/v2/server-side-api/profile/"


def plan_lines(
    settings: LiveSettings, ids: RunIds, *, parts: Sequence[str] = (), brief: bool = False
) -> list[str]:
    key = "the development key" if settings.key_is_default else "CONTRACT_API_KEY (never printed)"
    lines = [
        f"target: {settings.base_url}, with {key}",
        f"limits: {settings.describe_limits()}; a 429 is waited out (Retry-After honoured)",
        f"identities: customer user ids {ids.prefix}<n>, profile ids fresh UUIDs of run "
        f"{ids.run_id}; no request carries an identity the run did not create (except values "
        "the server must reject first: an empty or over-long customer user id, a profile id "
        "that is no UUID)",
        "cleanup: every profile the run creates is deleted when the run ends (after failures "
        "and Ctrl-C too); the summary lists any that could not be, with a command that "
        "deletes it",
    ]
    if brief:
        return lines
    lines += [
        "operations:",
        f"  POST, GET, PATCH, DELETE {PROFILE} (the profile endpoint; bodies valid and invalid)",
        f"  PUT, OPTIONS, TRACE, QUERY... {PROFILE} and GET of unknown paths (expecting 405 / 404)",
        "  GET /_recorded/health once: only if it answers 200 (a recorded server), also "
        "GET /_recorded/profiles/<own id> and POST /_recorded/fixtures (own ids only); never a "
        "reset or faults",
    ]
    if parts:
        budget = settings.max_requests
        share = (
            "no request budget"
            if budget is None
            else f"about {max(MIN_SHARE, budget // len(parts))} requests each to begin with"
        )
        lines.append(f"parts sharing the budget ({len(parts)}; {share}):")
        lines += [f"  {part}" for part in parts]
    if settings.seed is None:
        lines.append(f"reproducible: no; set {SEED_ENV}=N to send the same requests on every run")
    else:
        lines.append(
            f"reproducible: {SEED_ENV}={settings.seed}: the same requests in the same order on "
            "every run (record them once, replay them in CI)"
        )
    return lines
