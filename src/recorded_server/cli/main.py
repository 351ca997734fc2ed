"""The ``recorded-server`` command line (also ``python -m recorded_server``).

Subcommands: ``serve`` (here) and the cassette commands that
:func:`recorded_server.cli.cassettes.register` adds. Every subcommand sets
``func=callable(args) -> int`` with ``set_defaults``; :func:`main` calls it and exits with its
result.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from recorded_server.cli import cassettes as cassette_cli
from recorded_server.emulator.settings import (
    DEFAULT_API_KEY,
    DEFAULT_APP_ID,
    DEFAULT_DB,
    ENV_VARS,
    LOG_FORMATS,
    LOG_LEVELS,
    MEMORY_DB,
    SEED_FIXTURES,
    UNKNOWN_PRODUCT_ACCESS,
    Settings,
    SettingsError,
    parse_usd_rates,
)

DESCRIPTION = """\
A contract kit for Adapty's server-side profile API. `serve` runs the recorded server, an
emulator of POST/GET/PATCH/DELETE /api/v2/server-side-api/profile/ that stores profiles in SQLite.
"""

SERVE_DESCRIPTION = f"""\
Run the recorded server: Adapty's profile endpoint at /api/v2/server-side-api/profile/, plus an
inspection API under /_recorded/ for tests. With no options it listens on 127.0.0.1:8080, accepts
the development key {DEFAULT_API_KEY!r} and keeps its data in ./{DEFAULT_DB} (every write that
got a 2xx survives a crash). Each option can also be set by the environment variable shown;
an option on the command line wins over the variable.
"""


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, without breaking hyphenated words (keys, paths, option names)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(
            " ".join(text.split()),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )


HTTP_STACKS = ("auto", "httptools", "h11")
"""``--http``: the same as :data:`recorded_server.serving.http_protocol.HTTP_STACKS` (not
imported from there: that imports uvicorn, which the command line needs only to serve)."""
HTTP_VARIABLE = "RECORDED_SERVER_SERVE_HTTP"


def _help(text: str, setting: str) -> str:
    return f"{text} [env: {ENV_VARS[setting]}]"


def add_serve_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the recorded server (the profile endpoint emulator)",
        description=SERVE_DESCRIPTION,
        formatter_class=_Formatter,
    )
    parser.add_argument(
        "--host", metavar="HOST", help=_help("address to listen on (default: 127.0.0.1)", "host")
    )
    parser.add_argument(
        "--port",
        metavar="PORT",
        type=int,
        help=_help(
            "port to listen on; 0 picks a free one, shown in the banner (default: 8080)", "port"
        ),
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        help=_help(
            "the secret expected in 'Authorization: Api-Key <KEY>' "
            f"(default: the development key {DEFAULT_API_KEY!r})",
            "api_key",
        ),
    )
    parser.add_argument(
        "--app-id",
        metavar="UUID",
        help=_help(f"the app_id in every profile response (default: {DEFAULT_APP_ID})", "app_id"),
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=_help(
            f"SQLite database file, created if missing, or {MEMORY_DB!r} to keep nothing "
            f"(default: ./{DEFAULT_DB})",
            "db",
        ),
    )
    parser.add_argument(
        "--fixtures",
        metavar="FILE",
        type=Path,
        help=_help(
            "JSON fixtures to load on start (profiles with access levels, subscriptions, "
            f"non-subscriptions, revenue); {SEED_FIXTURES!r} loads the bundled one built from "
            "the seed's example response (default: none)",
            "fixtures",
        ),
    )
    parser.add_argument(
        "--max-body",
        metavar="BYTES",
        type=int,
        help=_help(
            "largest request body accepted; larger ones get 413 (default: 65536)", "max_body"
        ),
    )
    parser.add_argument(
        "--header-timeout",
        metavar="SECONDS",
        type=float,
        help=_help(
            "close a connection that has not sent a complete request head this many seconds "
            "after opening or after its previous answer (default: 10)",
            "header_timeout",
        ),
    )
    parser.add_argument(
        "--max-connections",
        metavar="N",
        type=int,
        help=_help(
            "most connections open at once; past it the oldest one still waiting for its "
            "request head is closed (default: 1000, lowered to fit ulimit -n)",
            "max_connections",
        ),
    )
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        help=_help(
            "'info' logs one line per request; 'warning' only problems (default: info)", "log_level"
        ),
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        help=_help("'text' lines, or 'json': one object per line (default: text)", "log_format"),
    )
    parser.add_argument(
        "--usd-rates",
        metavar="CODE=RATE,...",
        type=_usd_rates,
        help=_help(
            "exchange rates for set transaction's total_revenue_usd, US dollars per unit, over "
            "the built-in fixed table (e.g. 'EUR=1.08,SGD=0.74')",
            "usd_rates",
        ),
    )
    parser.add_argument(
        "--unknown-product-access",
        choices=UNKNOWN_PRODUCT_ACCESS,
        help=_help(
            "what a transaction of a product the catalogue lacks gives: no access level, or "
            "'premium' (Adapty's pages differ; default: none)",
            "unknown_product_access",
        ),
    )
    parser.add_argument(
        "--http",
        choices=HTTP_STACKS,
        help="the HTTP/1.1 implementation: 'httptools' (uvicorn's C parser, about twice the "
        "requests per second of h11), 'h11' (pure Python), or 'auto': httptools when it is "
        "installed, else h11. The answers are the same: a request httptools refuses (an unknown "
        "method, Content-Length with Transfer-Encoding...) is handed over to h11 "
        f"(default: auto) [env: {HTTP_VARIABLE}]",
    )
    parser.set_defaults(func=_run_serve)


def _http_stack(args: argparse.Namespace) -> str:
    """``--http``, else its variable, else ``auto``; a :class:`SettingsError` for a bad value."""
    if args.http is not None:
        return str(args.http)
    value = os.environ.get(HTTP_VARIABLE, "").strip().lower()
    if not value:
        return "auto"
    if value not in HTTP_STACKS:
        shown = ", ".join(HTTP_STACKS)
        raise SettingsError(f"{HTTP_VARIABLE}={value!r}: not one of {shown}")
    return value


def _usd_rates(text: str) -> tuple[tuple[str, float], ...]:
    try:
        return parse_usd_rates(text, "--usd-rates")
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _run_serve(args: argparse.Namespace) -> int:
    from recorded_server.emulator.serve import serve  # imports uvicorn: only when serving

    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            app_id=args.app_id,
            db=args.db,
            fixtures=args.fixtures,
            max_body=args.max_body,
            log_level=args.log_level,
            log_format=args.log_format,
            header_timeout=args.header_timeout,
            max_connections=args.max_connections,
            usd_rates=args.usd_rates,
            unknown_product_access=args.unknown_product_access,
        )
        http = _http_stack(args)
    except SettingsError as exc:
        print(f"recorded-server serve: error: {exc}", file=sys.stderr)
        return 2
    return serve(settings, http=http)


def _version_line() -> str:
    """``recorded-server 0.1.0 (adapty-profile-client 2.0.0, Python 3.11.7)``."""
    from importlib import metadata

    from recorded_server._version import __version__

    try:
        client = metadata.version("adapty-profile-client")
    except metadata.PackageNotFoundError:
        client = "not installed"
    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"%(prog)s {__version__} (adapty-profile-client {client}, Python {python})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recorded-server", description=DESCRIPTION, formatter_class=_Formatter
    )
    parser.add_argument(
        "--version",
        action="version",
        version=_version_line(),
        help="print the kit's and the client's versions and exit",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    add_serve_parser(subparsers)
    cassette_cli.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    result = func(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
