"""Every option of the cassette commands, also settable by an environment variable.

``--max-body`` of ``record`` is ``RECORDED_SERVER_RECORD_MAX_BODY``: the prefix, the command and
the option's name in capitals with ``_`` for ``-``. A value on the command line wins over the
variable; an empty variable counts as unset. A repeatable option (``--redact``) takes a
comma-separated list; a switch (``--append``) takes ``1``/``true``/``yes``/``on`` or
``0``/``false``/``no``/``off``. An invalid value is refused when that command runs, with an
error that names the variable.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["ENV_PREFIX", "bind_environment", "variable_name"]

ENV_PREFIX = "RECORDED_SERVER_"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def variable_name(command: str, option: str) -> str:
    """``RECORDED_SERVER_RECORD_MAX_BODY`` for ``record`` and ``--max-body``."""
    name = option.lstrip("-").replace("-", "_").upper()
    return f"{ENV_PREFIX}{command.upper()}_{name}"


class _FromEnvironment(str):
    """A default that came from an environment variable (argparse converts string defaults
    with the option's ``type``; this one says where it came from when that fails)."""

    variable: str

    def __new__(cls, value: str, variable: str) -> _FromEnvironment:
        made = super().__new__(cls, value)
        made.variable = variable
        return made


def _typed(convert: Callable[[str], Any] | None, choices: Any) -> Callable[[str], Any]:
    """``convert`` (argparse's ``type``), naming the variable when a value from one is bad."""

    def parse(text: str) -> Any:
        try:
            value = convert(text) if convert is not None else text
        except (argparse.ArgumentTypeError, ValueError, TypeError) as exc:
            if isinstance(text, _FromEnvironment):
                raise argparse.ArgumentTypeError(f"{text.variable}={str(text)!r}: {exc}") from None
            raise
        if isinstance(text, _FromEnvironment) and choices is not None and value not in choices:
            shown = ", ".join(map(str, choices))
            raise argparse.ArgumentTypeError(f"{text.variable}={str(text)!r}: not one of {shown}")
        return value

    parse.__name__ = getattr(convert, "__name__", "str")  # argparse names it in its errors
    return parse


class VariableError(ValueError):
    """A switch or list variable with a value that cannot be read (named in the message)."""


def _flag(variable: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise VariableError(f"{variable}={raw!r}: expected one of {', '.join(sorted(_TRUE | _FALSE))}")


def bind_environment(
    parser: argparse.ArgumentParser,
    command: str,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Let every option of ``parser`` (the ``command`` subparser) be set by its variable; add
    ``[env: VAR]`` to each option's help."""
    env = os.environ if environ is None else environ
    switches: dict[str, tuple[str, str, bool]] = {}
    converters: dict[str, Callable[[str], Any]] = {}
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        option = max(action.option_strings, key=len)
        variable = variable_name(command, option)
        action.help = f"{action.help or ''} [env: {variable}]".strip()
        raw = env.get(variable)
        if raw is None or raw == "":
            continue
        if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
            switches[action.dest] = (variable, raw, isinstance(action, argparse._StoreTrueAction))
            continue
        action.required = False
        if isinstance(action, argparse._AppendAction):
            # argparse adds command-line items to a list default: told apart by their type
            items = [item.strip() for item in raw.split(",") if item.strip()]
            switches[action.dest] = (variable, raw, False)
            converters[action.dest] = _typed(action.type, action.choices)  # type: ignore[arg-type]
            action.default = [_FromEnvironment(item, variable) for item in items]
            continue
        action.type = _typed(action.type, action.choices)  # type: ignore[arg-type]
        action.default = _FromEnvironment(raw, variable)
    if not switches:
        return
    run = parser.get_default("func")

    def run_with_environment(args: argparse.Namespace) -> int:
        try:
            for dest, (variable, raw, store_true) in switches.items():
                value = getattr(args, dest)
                if isinstance(value, list):  # a repeatable option
                    given = [v for v in value if not isinstance(v, _FromEnvironment)]
                    convert = converters[dest]
                    setattr(args, dest, given or [convert(v) for v in value])
                elif value is (not store_true):  # the switch was not on the command line
                    flag = _flag(variable, raw)
                    setattr(args, dest, flag if store_true else not flag)
        except (VariableError, argparse.ArgumentTypeError) as exc:
            parser.error(str(exc))
        result: int = run(args)
        return result

    parser.set_defaults(func=run_with_environment)
