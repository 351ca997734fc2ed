"""Pass pip's configuration on to uv, so ``nox`` installs from wherever ``pip`` installs.

nox creates its environments with uv, and uv does not read ``pip.conf`` nor ``PIP_*``
variables. On a machine whose package index, certificate or proxy is configured only for pip (a
corporate mirror, say), the quick start's ``pip install nox`` works and every nox session then
fails to reach an index. The noxfile calls :func:`apply` first: it reads pip's effective
configuration (``pip config list``, which merges the files and the ``PIP_*`` variables) and sets
the matching ``UV_*`` variables, never overriding one that is already set.

Run it to see what it would set: ``python scripts/pip_to_uv.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, MutableMapping

# pip's option -> (uv's variable, how a list is joined); None: a flag, set to "1" when true
_OPTIONS: dict[str, tuple[str, str | None]] = {
    "index-url": ("UV_DEFAULT_INDEX", " "),
    "extra-index-url": ("UV_INDEX", " "),
    "find-links": ("UV_FIND_LINKS", ","),
    "trusted-host": ("UV_INSECURE_HOST", " "),
    "constraint": ("UV_CONSTRAINT", " "),
    "cert": ("SSL_CERT_FILE", " "),
    "client-cert": ("SSL_CLIENT_CERT", " "),
    "timeout": ("UV_HTTP_TIMEOUT", " "),
    "default-timeout": ("UV_HTTP_TIMEOUT", " "),
    "proxy": ("HTTPS_PROXY", " "),
    "no-index": ("UV_NO_INDEX", None),
}
# a pip setting's section, most specific first: PIP_* variables, then [install], then [global]
_SECTIONS = (":env:", "install", "global")
_TRUE = {"1", "true", "yes", "on"}


def read_pip_config(python: str = sys.executable) -> dict[str, str]:
    """pip's settings for ``pip install``, one value per option (``{"index-url": "..."}``)."""
    try:
        listed = subprocess.run(
            [python, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return parse_config_list(listed)


def parse_config_list(listed: str) -> dict[str, str]:
    """``pip config list`` output (``global.index-url='https://...'``) as one value per option."""
    by_section: dict[str, dict[str, str]] = {}
    for line in listed.splitlines():
        name, sep, value = line.partition("=")
        section, dot, option = name.strip().rpartition(".")
        if not sep or not dot or section not in _SECTIONS:
            continue
        by_section.setdefault(section, {})[option] = value.strip().strip("'\"")
    settings: dict[str, str] = {}
    for section in reversed(_SECTIONS):  # the more specific section wins
        settings.update(by_section.get(section, {}))
    return settings


def uv_environment(pip_settings: Mapping[str, str], env: Mapping[str, str]) -> dict[str, str]:
    """The variables to add to ``env`` so uv uses pip's index, links, certificate and proxy."""
    added: dict[str, str] = {}
    for option, (variable, joiner) in _OPTIONS.items():
        value = pip_settings.get(option)
        if value is None or variable in env or variable in added:
            continue
        if joiner is None:
            if value.lower() in _TRUE:
                added[variable] = "1"
            continue
        added[variable] = joiner.join(value.split())
    if "UV_INDEX" in added and "UV_INDEX_STRATEGY" not in env:
        # pip takes the best version from all its indexes; uv's default stops at the first
        # index that has the package
        added["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    if "HTTPS_PROXY" in added and "HTTP_PROXY" not in env:
        added["HTTP_PROXY"] = added["HTTPS_PROXY"]
    return added


def apply(
    env: MutableMapping[str, str] = os.environ, python: str = sys.executable
) -> dict[str, str]:
    """Set the uv variables from pip's configuration in ``env``; returns what was set."""
    added = uv_environment(read_pip_config(python), env)
    env.update(added)
    return added


if __name__ == "__main__":
    for variable, value in sorted(uv_environment(read_pip_config(), os.environ).items()):
        print(f"{variable}={value}")
