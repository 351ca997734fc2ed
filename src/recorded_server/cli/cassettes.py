"""The ``record``, ``replay``, ``verify`` and ``export`` subcommands of ``recorded-server``.

``register(subparsers)`` adds them to the ``recorded-server`` parser; each sets
``func`` (``Namespace -> int``, the exit status) as its parser default. Every option can also
be set by an environment variable (:mod:`recorded_server.cli.env`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from recorded_server.cassettes.matchers import DEFAULT_MATCH_ON, MATCHERS, parse_match_on
from recorded_server.cassettes.model import Cassette, CassetteError, valid_scenario_name
from recorded_server.cassettes.record_modes import (
    DEFAULT_RECORD_MODE,
    RECORD_MODE_NAMES,
    RecordMode,
    parse_record_mode,
)
from recorded_server.cassettes.redaction import Redactor
from recorded_server.cassettes.writer import DEFAULT_FSYNC_INTERVAL
from recorded_server.cassettes.yaml_io import load_cassettes
from recorded_server.cli.env import bind_environment
from recorded_server.serving import limits
from recorded_server.serving.log_output import LOG_FORMATS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_RECORD_PORT = 8081
DEFAULT_REPLAY_PORT = 8082


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return value


def _scenario(text: str) -> str:
    if not valid_scenario_name(text):
        raise argparse.ArgumentTypeError(
            f"{text!r}: a scenario is 1 to 100 letters, digits, '.', '_' or '-'"
        )
    return text


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _match_on(text: str) -> tuple[str, ...]:
    try:
        return parse_match_on(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _record_mode(text: str) -> RecordMode:
    try:
        return parse_record_mode(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _upstream(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text!r}")
    return text


def _serve(app: Any, host: str, port: int, what: str, log_format: str = "text") -> int:
    import uvicorn

    from recorded_server.serving.http_protocol import configured_protocol
    from recorded_server.serving.listen import bind_socket
    from recorded_server.serving.log_output import configure_logging

    handler = configure_logging("info", log_format=log_format)
    # httpx logs each upstream request's URL as sent (a key in it included): ours is redacted.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        sock = bind_socket(host, port)
    except OSError as exc:
        print(f"recorded-server: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        return 2
    bound = sock.getsockname()[1]  # the real port when --port 0
    shown = f"[{host}]" if ":" in host else host
    print(f"recorded-server {what}, listening on http://{shown}:{bound}", flush=True)
    config = uvicorn.Config(
        app,
        log_config=None,
        # uvicorn's access line prints the request line as sent (a key in a URL included);
        # the recorder and the replayer log their own, redacted, line per exchange.
        access_log=False,
        server_header=False,  # the answers are the upstream's (or the recording's), not ours
        date_header=False,
        lifespan="on",
        http=configured_protocol(),  # httptools when installed, else h11
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        handler.close()
    return 0


def _run_record(args: argparse.Namespace) -> int:
    from recorded_server.cassettes.recorder import RecorderConfig, create_recorder_app

    config = RecorderConfig(
        upstream=args.upstream,
        cassettes=Path(args.cassettes),
        scenario=args.scenario,
        redactor=Redactor.build(body_fields=args.redact, headers=args.redact_header),
        timeout=args.timeout,
        append=args.append,
        max_body=args.max_body,
        record_mode=args.record_mode,
        match_on=args.match_on,
        repeat=args.repeat,
        fsync_interval=args.fsync_interval,
    )
    app = create_recorder_app(config)
    return _serve(
        app,
        args.host,
        args.port,
        f"record ({config.record_mode.value}): {args.upstream} -> cassettes in {args.cassettes}",
        args.log_format,
    )


def _run_replay(args: argparse.Namespace) -> int:
    from recorded_server.cassettes.replay import create_replay_app

    _apply_cassette_limits(args)
    try:
        app = create_replay_app(
            Path(args.cassettes),
            redactor=Redactor.build(body_fields=args.redact),
            repeat=args.repeat,
            match_on=args.match_on,
        )
    except CassetteError as exc:
        print(f"recorded-server replay: {exc}", file=sys.stderr)
        return 2
    count = len(app.state.replayer.recordings)
    return _serve(
        app,
        args.host,
        args.port,
        f"replay: {count} recordings from {args.cassettes}",
        args.log_format,
    )


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _load(args: argparse.Namespace, command: str) -> list[Cassette] | None:
    """The cassettes in ``--cassettes``, read within the cassette limits; ``None`` (the reason
    on stderr) when one cannot be read."""
    _apply_cassette_limits(args)
    try:
        return load_cassettes(Path(args.cassettes))
    except CassetteError as exc:
        print(f"recorded-server {command}: {exc}", file=sys.stderr)
        return None


def _run_verify(args: argparse.Namespace) -> int:
    from recorded_server.cassettes.verify import verify_cassettes
    from recorded_server.spec import checkout_spec_path, load_spec

    directory = Path(args.cassettes)
    cassettes = _load(args, "verify")
    if cassettes is None:
        return 2
    if not cassettes:
        print(f"recorded-server verify: no cassettes in {directory}", file=sys.stderr)
        return 2
    spec_path = Path(args.spec) if args.spec else None
    spec = load_spec(spec_path)
    report = verify_cassettes(spec, cassettes, root=directory)
    if spec_path is None:
        checkout = checkout_spec_path()
        spec_name = _shown(checkout) if checkout.is_file() else "the spec bundled with the client"
    else:
        spec_name = str(spec_path)
    for line in report.lines(spec_name):
        if args.log_format == "json":
            level = "info" if report.clean else "warning"
            print(json.dumps({"level": level, "logger": "recorded_server.verify", "message": line}))
        else:
            print(line)
    return 0 if report.clean else 1


def _run_export(args: argparse.Namespace) -> int:
    from recorded_server.cassettes.har import cassettes_to_har

    directory = Path(args.cassettes)
    cassettes = _load(args, "export")
    if cassettes is None:
        return 2
    text = json.dumps(cassettes_to_har(cassettes, root=directory), ensure_ascii=False, indent=1)
    if args.har == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(args.har).write_text(text + "\n", encoding="utf-8")
    count = sum(len(c.interactions) for c in cassettes)
    message = f"exported {count} interactions from {len(cassettes)} cassettes to {args.har}"
    if args.log_format == "json":
        line = {"level": "info", "logger": "recorded_server.export", "message": message}
        print(json.dumps(line), file=sys.stderr)
    else:
        print(f"recorded-server export: {message}", file=sys.stderr)
    return 0


def _add_cassette_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-cassette-size",
        type=_positive_int,
        metavar="BYTES",
        help=f"largest cassette file read ({limits.MAX_CASSETTE_FILE})",
    )
    parser.add_argument(
        "--max-cassette-body",
        type=_positive_int,
        metavar="BYTES",
        help=f"largest body in a cassette, also after gunzip ({limits.MAX_CASSETTE_BODY})",
    )


def _apply_cassette_limits(args: argparse.Namespace) -> None:
    """The command's cassette limits, for this process (read by the loader at call time)."""
    if args.max_cassette_size is not None:
        limits.MAX_CASSETTE_FILE = args.max_cassette_size
    if args.max_cassette_body is not None:
        limits.MAX_CASSETTE_BODY = args.max_cassette_body


def _add_listening(parser: argparse.ArgumentParser, default_port: int) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"listen address ({DEFAULT_HOST})")
    parser.add_argument(
        "--port",
        type=_port,
        default=default_port,
        help=f"0 picks a free one, shown in the banner ({default_port})",
    )


def _add_repeatable(parser: argparse.ArgumentParser, flag: str, metavar: str, help: str) -> None:
    parser.add_argument(flag, action="append", default=[], metavar=metavar, help=help)


def _add_matching(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--match-on",
        type=_match_on,
        default=DEFAULT_MATCH_ON,
        metavar="MATCHERS",
        help="what must be equal for a recording to answer a request, comma-separated: "
        f"{', '.join(MATCHERS)} (default {','.join(DEFAULT_MATCH_ON)})",
    )
    parser.add_argument(
        "--repeat",
        action="store_true",
        help="VCR.py's allow_playback_repeats: once every recording of a request is played, "
        "play the last one again",
    )


def _add_log_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default="text",
        help="'text' lines, or 'json': one object per line, for CI log collectors (text)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the cassette subcommands to the ``recorded-server`` parser."""
    record = subparsers.add_parser(
        "record",
        help="a reverse proxy that records every exchange with an upstream into cassettes",
        description=(
            "Forward every request to UPSTREAM unchanged, return its response unchanged, and "
            "write each exchange to a VCR.py cassette (YAML) in DIR, with Authorization redacted. "
            "A request header X-Recorded-Server-Scenario: NAME (not forwarded) puts that "
            "exchange in DIR/NAME.yaml."
        ),
    )
    record.add_argument(
        "--upstream", required=True, type=_upstream, help="e.g. https://api.adapty.io"
    )
    record.add_argument("--cassettes", required=True, metavar="DIR", help="where cassettes go")
    _add_listening(record, DEFAULT_RECORD_PORT)
    record.add_argument(
        "--scenario",
        type=_scenario,
        help="cassette name for this session (default: session-<UTC time>-<random>)",
    )
    _add_repeatable(
        record,
        "--redact",
        "FIELD",
        "redact this JSON field (any depth, request and response bodies); repeatable",
    )
    _add_repeatable(
        record,
        "--redact-header",
        "NAME",
        "redact this header too (Authorization always is); repeatable",
    )
    record.add_argument(
        "--timeout",
        type=_positive_float,
        default=30.0,
        metavar="SECONDS",
        help="upstream timeout; past it the caller gets 504 upstream_timeout (30)",
    )
    record.add_argument(
        "--max-body",
        type=_positive_int,
        default=limits.MAX_RECORD_BODY,
        metavar="BYTES",
        help=f"largest request body forwarded; larger ones get 413 ({limits.MAX_RECORD_BODY})",
    )
    record.add_argument(
        "--append",
        action="store_true",
        help="add to existing cassettes; without it an existing cassette is never written to "
        "in record mode 'all'",
    )
    record.add_argument(
        "--record-mode",
        type=_record_mode,
        default=DEFAULT_RECORD_MODE,
        metavar="MODE",
        help="as in VCR.py: 'all' forwards and records everything; 'new_episodes' plays what "
        "the cassette has and records what it lacks; 'once' plays an existing cassette and "
        "records only a new one; 'none' (or 'replay') only plays "
        f"({'|'.join(RECORD_MODE_NAMES)}; default {DEFAULT_RECORD_MODE.value})",
    )
    _add_matching(record)
    record.add_argument(
        "--fsync-interval",
        type=_non_negative_float,
        default=DEFAULT_FSYNC_INTERVAL,
        metavar="SECONDS",
        help="cassettes are written off the response path and fsynced at most this often; "
        f"0 after every write ({DEFAULT_FSYNC_INTERVAL:g})",
    )
    _add_log_format(record)
    record.set_defaults(func=_run_record)
    bind_environment(record, "record")

    replay = subparsers.add_parser(
        "replay",
        help="serve recorded responses from cassettes",
        description=(
            "Answer each request with the next unplayed recording that matches its method, path, "
            "query, identity headers and JSON body; 404 no_recording_matches otherwise."
        ),
    )
    replay.add_argument("--cassettes", required=True, metavar="DIR", help="cassettes to serve")
    _add_listening(replay, DEFAULT_REPLAY_PORT)
    _add_repeatable(
        replay,
        "--redact",
        "FIELD",
        "the fields redacted when recording: redacted in requests too before matching",
    )
    _add_matching(replay)
    _add_cassette_limits(replay)
    _add_log_format(replay)
    replay.set_defaults(func=_run_replay)
    bind_environment(replay, "replay")

    verify = subparsers.add_parser(
        "verify",
        help="check recorded exchanges against the OpenAPI spec (drift report)",
        description=(
            "Check every response against the spec's schema for its status (and Request-Id), and "
            "every request that got a 2xx against the request schema. Exit 1 on drift."
        ),
    )
    verify.add_argument("--cassettes", required=True, metavar="DIR", help="cassettes to check")
    verify.add_argument(
        "--spec", metavar="PATH", help="OpenAPI document (default: the bundled one)"
    )
    _add_cassette_limits(verify)
    _add_log_format(verify)
    verify.set_defaults(func=_run_verify)
    bind_environment(verify, "verify")

    export = subparsers.add_parser(
        "export",
        help="write cassettes as HAR 1.2 for browser tools and other HTTP tooling",
        description="Write every interaction of the cassettes in DIR as one HAR 1.2 file.",
    )
    export.add_argument("--cassettes", required=True, metavar="DIR", help="cassettes to export")
    export.add_argument(
        "--har", required=True, metavar="FILE", help="the HAR file to write ('-': stdout)"
    )
    _add_cassette_limits(export)
    _add_log_format(export)
    export.set_defaults(func=_run_export)
    bind_environment(export, "export")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one cassette subcommand on its own (``python -m recorded_server.cli.cassettes``)."""
    parser = argparse.ArgumentParser(prog="recorded-server")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
