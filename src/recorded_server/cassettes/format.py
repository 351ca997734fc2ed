"""Cassettes: recorded HTTP exchanges in VCR.py's YAML format (version 1).

A cassette file is what VCR.py writes and reads::

    version: 1
    interactions:
    - request:
        method: POST
        uri: http://127.0.0.1:8080/api/v2/server-side-api/profile/
        body: '{"first_name": "Jane"}'          # null when the request had no body
        headers:
          authorization: [Api-Key REDACTED]
          content-type: [application/json]
      response:
        status: {code: 200, message: OK}
        headers:
          request-id: [758f01dfd9e74ccfbabb4934241c4966]
        body: {string: '{"data": {...}}'}

Bodies are text when they are valid UTF-8 and YAML ``!!binary`` otherwise. Header
values are lists (a header may repeat). This module reads and writes that format
(atomically and durably), and redacts secrets and chosen JSON fields before anything
is written.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import uuid
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

import yaml

from recorded_server.serving import limits

CASSETTE_FORMAT_VERSION = 1
REDACTED = "REDACTED"
CASSETTE_SUFFIXES = (".yaml", ".yml")

#: Headers that describe one connection, not the message (RFC 9110 section 7.6.1):
#: never forwarded by the proxy, never written to a cassette, never replayed.
HOP_BY_HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)

#: Headers whose value is a secret: always redacted before anything is written.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"}
)

#: Query parameters whose value is a credential: redacted in the URI, scrubbed everywhere else.
SECRET_QUERY_PARAMETERS = frozenset(
    {"api_key", "apikey", "api-key", "key", "token", "access_token", "auth", "authorization"}
)

#: Authorization schemes kept in front of the redacted credentials (the scheme is not secret).
_KNOWN_AUTH_SCHEMES = frozenset({"api-key", "basic", "bearer", "digest", "token"})

#: The shortest credential that is also scrubbed from the rest of an exchange (URI, bodies).
_MIN_SCRUBBED_SECRET = 6

_SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")

Headers = tuple[tuple[str, str], ...]


class CassetteError(Exception):
    """A file that is not a readable cassette, or a cassette that cannot be written."""


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it went to the upstream."""

    method: str
    uri: str
    headers: Headers = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)

    @property
    def path(self) -> str:
        """The URI's path (percent-encoding kept)."""
        return urlsplit(self.uri).path or "/"

    @property
    def query(self) -> list[tuple[str, str]]:
        """The URI's query parameters, sorted (their order carries no meaning)."""
        return sorted(parse_qsl(urlsplit(self.uri).query, keep_blank_values=True))


@dataclass(frozen=True)
class RecordedResponse:
    """One response as the upstream gave it (body decoded when it was compressed)."""

    status: int
    message: str = ""
    headers: Headers = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)

    def decoded_body(self) -> bytes:
        """The body without its Content-Encoding (gzip, deflate): what a client reads."""
        return decode_content(self.body, self.header("content-encoding")) or self.body


@dataclass(frozen=True)
class Interaction:
    """One request and the response it got."""

    request: RecordedRequest
    response: RecordedResponse


@dataclass(frozen=True)
class Cassette:
    """A cassette file and its interactions, in recorded order."""

    path: Path
    interactions: tuple[Interaction, ...]


def decode_content(body: bytes, encoding: str | None, limit: int | None = None) -> bytes | None:
    """``body`` without its Content-Encoding; None when the encoding is one we cannot undo, or
    when undoing it would pass ``limit`` bytes (``limits.MAX_CASSETTE_BODY`` by default: a
    3 MB gzip bomb is not inflated to 3 GiB)."""
    cap = limits.MAX_CASSETTE_BODY if limit is None else limit
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    try:
        for coding in reversed(codings):
            if coding == "identity":
                continue
            if coding in ("gzip", "x-gzip"):
                decoded = _inflate(body, 16 + zlib.MAX_WBITS, cap)
            elif coding == "deflate":
                try:
                    decoded = _inflate(body, zlib.MAX_WBITS, cap)
                except zlib.error:
                    decoded = _inflate(body, -zlib.MAX_WBITS, cap)
            else:
                return None
            if decoded is None:
                return None
            body = decoded
    except (OSError, EOFError, zlib.error):
        return None
    return body


def _inflate(body: bytes, wbits: int, cap: int) -> bytes | None:
    """zlib/gzip/raw deflate data inflated, or None past ``cap`` bytes (concatenated gzip
    members are all read, as :func:`gzip.decompress` does)."""
    out = bytearray()
    data = body
    while data:
        inflater = zlib.decompressobj(wbits)
        out += inflater.decompress(data, cap + 1 - len(out))
        if len(out) > cap or inflater.unconsumed_tail:
            return None
        if not inflater.eof:
            raise zlib.error("truncated compressed data")
        data = inflater.unused_data.lstrip(b"\0") if wbits > 16 else b""
    return bytes(out)


# --------------------------------------------------------------------------- reading


class _CassetteLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases (an alias bomb expands a small file to gigabytes)
    and with bounded nesting (deep nesting ended in a RecursionError)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in a cassette", mark
            )
        if self._depth >= limits.MAX_CASSETTE_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {limits.MAX_CASSETTE_DEPTH} levels", mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_HEADER_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f]")


def _check_header(name: str, value: str, where: str, path: Path | str) -> None:
    if not _TOKEN.fullmatch(name):
        raise _fail(path, f"{where}.headers: {name!r} is not a valid header name")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise _fail(
            path, f"{where}.headers[{name!r}]: the value is not Latin-1 (HTTP cannot carry it)"
        ) from None
    if _BAD_HEADER_VALUE.search(value):
        raise _fail(path, f"{where}.headers[{name!r}]: the value has control characters")


def _check_body_size(body: bytes, where: str, path: Path | str) -> bytes:
    if len(body) > limits.MAX_CASSETTE_BODY:
        raise _fail(
            path,
            f"{where}.body is {len(body)} bytes, over the {limits.MAX_CASSETTE_BODY}-byte limit "
            "(--max-cassette-body)",
        )
    return body


def _fail(path: Path | str, message: str) -> CassetteError:
    return CassetteError(f"{path}: {message}")


def _headers_from_yaml(value: object, where: str, path: Path | str) -> Headers:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise _fail(path, f"{where}.headers is not a mapping")
    pairs: list[tuple[str, str]] = []
    for name, values in value.items():
        items = values if isinstance(values, list) else [values]
        for item in items:
            if not isinstance(name, str) or not isinstance(item, str | int | float):
                raise _fail(path, f"{where}.headers[{name!r}] is not a string or a list of them")
            _check_header(name, str(item), where, path)
            pairs.append((name, str(item)))
    return tuple(pairs)


def _body_from_yaml(value: object, where: str, path: Path | str) -> bytes:
    if isinstance(value, Mapping) and "string" in value:  # the response's {string: ...}
        value = value["string"]
    if value is None:
        return b""
    if isinstance(value, bytes):
        return _check_body_size(value, where, path)
    if isinstance(value, str):
        try:
            return _check_body_size(value.encode("utf-8"), where, path)
        except UnicodeEncodeError:
            raise _fail(path, f"{where}.body has a lone surrogate (not UTF-8 text)") from None
    raise _fail(path, f"{where}.body is neither text nor !!binary")


def _interaction_from_yaml(item: object, index: int, path: Path | str) -> Interaction:
    where = f"interactions[{index}]"
    if not isinstance(item, Mapping):
        raise _fail(path, f"{where} is not a mapping")
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, Mapping) or not isinstance(response, Mapping):
        raise _fail(path, f"{where} needs a 'request' and a 'response' mapping")
    method, uri = request.get("method"), request.get("uri")
    if not isinstance(method, str) or not isinstance(uri, str):
        raise _fail(path, f"{where}.request needs a 'method' and a 'uri' string")
    status = response.get("status")
    code = status.get("code") if isinstance(status, Mapping) else status
    if not isinstance(code, int) or isinstance(code, bool):
        raise _fail(path, f"{where}.response.status.code is not an integer")
    if not 100 <= code <= 599:
        raise _fail(path, f"{where}.response.status.code {code} is not an HTTP status (100-599)")
    message = status.get("message") if isinstance(status, Mapping) else None
    return Interaction(
        request=RecordedRequest(
            method=method.upper(),
            uri=uri,
            headers=_headers_from_yaml(request.get("headers"), f"{where}.request", path),
            body=_body_from_yaml(request.get("body"), f"{where}.request", path),
        ),
        response=RecordedResponse(
            status=code,
            message=message if isinstance(message, str) else "",
            headers=_headers_from_yaml(response.get("headers"), f"{where}.response", path),
            body=_body_from_yaml(response.get("body"), f"{where}.response", path),
        ),
    )


def parse_cassette(text: str | bytes, path: Path | str = "<cassette>") -> tuple[Interaction, ...]:
    """The interactions of a cassette document (VCR.py YAML, version 1)."""
    try:
        data = yaml.load(text, Loader=_CassetteLoader)
    except yaml.YAMLError as exc:
        raise _fail(path, f"not YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise _fail(path, "not a VCR cassette (no top-level mapping)")
    if data.get("version") != CASSETTE_FORMAT_VERSION:
        raise _fail(path, f"cassette version {data.get('version')!r}, expected 1")
    items = data.get("interactions")
    if not isinstance(items, list):
        raise _fail(path, "'interactions' is not a list")
    return tuple(_interaction_from_yaml(item, i, path) for i, item in enumerate(items))


def load_cassette(path: Path) -> Cassette:
    """Read one cassette file."""
    try:
        size = path.stat().st_size
        if size > limits.MAX_CASSETTE_FILE:
            raise _fail(
                path,
                f"is {size} bytes, over the {limits.MAX_CASSETTE_FILE}-byte cassette limit "
                "(--max-cassette-size)",
            )
        text = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot be read: {exc.strerror}") from exc
    return Cassette(path=path, interactions=parse_cassette(text, path))


def find_cassettes(directory: Path) -> list[Path]:
    """The cassette files (``*.yaml``, ``*.yml``) under ``directory``, sorted; dot-files skipped."""
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise CassetteError(f"{directory}: no such directory")
    found = [
        p
        for p in directory.rglob("*")
        if p.is_file()
        and p.suffix in CASSETTE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(directory).as_posix())


def load_cassettes(directory: Path) -> list[Cassette]:
    """Every cassette under ``directory``, in file-name order."""
    return [load_cassette(path) for path in find_cassettes(directory)]


# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Safe YAML, with multi-line text (a pretty-printed body) as a literal block when possible."""


#: Characters that YAML reads as line breaks and folds unless the string is double-quoted.
_YAML_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if _YAML_BREAKS.search(data):  # escaped (\r, \N, \L, \P): read back exactly
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    if "\n" in data:  # the emitter falls back to a quoted style when a block cannot hold it
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_str(data)


_Dumper.add_representer(str, _represent_str)


def _text_or_bytes(body: bytes) -> str | bytes:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body  # written as !!binary, which VCR.py reads back as bytes


def _headers_to_yaml(headers: Headers) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    first_spelling: dict[str, str] = {}
    for name, value in headers:
        key = first_spelling.setdefault(name.lower(), name)
        grouped.setdefault(key, []).append(value)
    return grouped


def interaction_to_yaml(interaction: Interaction) -> dict[str, Any]:
    """One interaction as VCR.py's cassette format holds it."""
    request, response = interaction.request, interaction.response
    return {
        "request": {
            "method": request.method,
            "uri": request.uri,
            "body": _text_or_bytes(request.body) if request.body else None,
            "headers": _headers_to_yaml(request.headers),
        },
        "response": {
            "status": {"code": response.status, "message": response.message},
            "headers": _headers_to_yaml(response.headers),
            "body": {"string": _text_or_bytes(response.body)},
        },
    }


def dump_cassette(interactions: Iterable[Interaction]) -> str:
    """A cassette document (VCR.py YAML, version 1) holding ``interactions``."""
    document = {
        "version": CASSETTE_FORMAT_VERSION,
        "interactions": [interaction_to_yaml(i) for i in interactions],
    }
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=120,
    )


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_UMASK_LOCK = threading.Lock()


def _file_mode(path: Path) -> int:
    """The mode a new cassette gets: the old file's, else what ``open()`` would give."""
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o777
    with _UMASK_LOCK:
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def write_cassette(path: Path, interactions: Iterable[Interaction]) -> None:
    """Write a cassette atomically and durably: a reader sees the old file or the new one."""
    text = dump_cassette(interactions)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # mkstemp makes it 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(path.parent)


def valid_scenario_name(name: str) -> bool:
    """A scenario name is a safe file name: letters, digits, ``.``, ``_``, ``-`` (max 100)."""
    return _SCENARIO_NAME.fullmatch(name) is not None and ".." not in name


def session_name() -> str:
    """A fresh, sortable cassette name for one record session."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"session-{stamp}-{uuid.uuid4().hex[:8]}"


class CassetteWriter:
    """Appends interactions to the cassettes of one record session.

    Thread-safe: each append rewrites its cassette atomically (temporary file, fsync,
    rename) under a lock, so concurrent exchanges are all kept and a crash never
    leaves half a file. The first append to a cassette in a session starts it afresh,
    unless ``append`` is set, in which case the interactions already in the file are kept.
    """

    def __init__(self, directory: Path, *, append: bool = False) -> None:
        self.directory = directory
        self.append_to_existing = append
        self._lock = threading.Lock()
        self._interactions: dict[str, list[Interaction]] = {}

    def path_for(self, name: str) -> Path:
        """Where the cassette called ``name`` lives."""
        if not valid_scenario_name(name):
            raise CassetteError(f"invalid cassette name {name!r}")
        return self.directory / f"{name}.yaml"

    def refusal(self, name: str) -> str | None:
        """Why an exchange may not be written to cassette ``name``, or None: a file this session
        did not start is never overwritten (only added to, with ``append``)."""
        with self._lock:
            if name in self._interactions or self.append_to_existing:
                return None
        if self.path_for(name).exists():
            return (
                f"Cassette {name!r} already exists and this record session did not start it: "
                "pick another scenario name, delete the file, or run record with --append."
            )
        return None

    def append(self, name: str, interaction: Interaction) -> Path:
        """Add ``interaction`` to cassette ``name`` and write the file; returns its path.

        Raises :class:`CassetteError` for an existing file this session did not start, unless
        ``append`` is set (see :meth:`refusal`).
        """
        path = self.path_for(name)
        with self._lock:
            kept = self._interactions.get(name)
            if kept is None:
                kept = []
                if not self.append_to_existing and path.exists():
                    raise CassetteError(f"{path}: exists; not overwritten (use --append)")
                if self.append_to_existing and path.exists():
                    kept.extend(load_cassette(path).interactions)
                self._interactions[name] = kept
            kept.append(interaction)
            write_cassette(path, kept)
        return path

    def written(self) -> dict[str, int]:
        """How many interactions each cassette of this session holds."""
        with self._lock:
            return {name: len(items) for name, items in self._interactions.items()}


# --------------------------------------------------------------------------- redaction


def _redact_value(value: object) -> object:
    """A placeholder of the same JSON type, so a redacted cassette still has the right shape."""
    if value is None:
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return 0
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return REDACTED


def _redact_json(value: object, fields: frozenset[str]) -> tuple[object, bool]:
    if isinstance(value, dict):
        changed = False
        out: dict[str, object] = {}
        for key, item in value.items():
            if key in fields:
                out[key] = _redact_value(item)
                changed = changed or out[key] != item or type(out[key]) is not type(item)
            else:
                out[key], sub = _redact_json(item, fields)
                changed = changed or sub
        return out, changed
    if isinstance(value, list):
        results = [_redact_json(item, fields) for item in value]
        return [r for r, _ in results], any(c for _, c in results)
    return value, False


def _reject_constant(token: str) -> object:
    raise ValueError(f"{token} is not JSON")


def parse_json(body: bytes) -> tuple[bool, object]:
    """``(True, value)`` when ``body`` is one strict JSON document (UTF-8), else ``(False, None)``.

    Strict: ``NaN`` and ``Infinity`` are not JSON.
    """
    if not body.strip():
        return False, None
    try:
        return True, json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False, None


def redact_json_fields(body: bytes, fields: frozenset[str]) -> bytes:
    """``body`` with every object member named in ``fields`` replaced, at any depth.

    A string becomes ``"REDACTED"``, a number 0, a boolean false, an array ``[]``, an
    object ``{}``; null stays null. A body that is not JSON, or has none of the
    fields, is returned byte for byte.
    """
    if not fields:
        return body
    ok, value = parse_json(body)
    if not ok:
        return body
    redacted, changed = _redact_json(value, fields)
    if not changed:
        return body
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _redact_header_value(value: str) -> str:
    scheme, _, credentials = value.strip().partition(" ")
    if credentials and scheme.lower() in _KNOWN_AUTH_SCHEMES:
        return f"{scheme} {REDACTED}"
    return REDACTED


def _secrets(value: str) -> list[str]:
    """The strings to scrub elsewhere: each word of the value that is not the scheme."""
    words = [w for w in value.split() if w.lower() not in _KNOWN_AUTH_SCHEMES]
    return [w for w in words if len(w) >= _MIN_SCRUBBED_SECRET and w != REDACTED]


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _scrub_bytes(body: bytes, secrets: Sequence[str]) -> bytes:
    for secret in secrets:
        body = body.replace(secret.encode("utf-8"), REDACTED.encode("ascii"))
    return body


def _secret_query_values(uri: str) -> list[tuple[str, str]]:
    query = urlsplit(uri).query
    return [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name.lower() in SECRET_QUERY_PARAMETERS and value
    ]


def _redact_query(uri: str) -> str:
    """``uri`` with the values of its secret query parameters replaced (the rest as it was)."""
    parts = urlsplit(uri)
    if not parts.query:
        return uri
    pieces = []
    for piece in parts.query.split("&"):
        name, eq, value = piece.partition("=")
        if eq and value and unquote_plus(name).lower() in SECRET_QUERY_PARAMETERS:
            piece = f"{name}={REDACTED}"
        pieces.append(piece)
    return urlunsplit(parts._replace(query="&".join(pieces)))


@dataclass(frozen=True)
class Redactor:
    """What is removed from an exchange before it is written.

    - ``headers``: header names (case-insensitive) whose values are replaced, in the
      request and the response. Authorization is always among them; its scheme
      (``Api-Key``, ``Bearer``, ...) is kept, its credentials become ``REDACTED``.
      The credentials are also scrubbed from the URI, every other header and both
      bodies, wherever they appear.
    - ``body_fields``: JSON member names redacted at any depth in both bodies.
    """

    body_fields: frozenset[str] = frozenset()
    headers: frozenset[str] = field(default=SECRET_HEADERS)

    @classmethod
    def build(cls, body_fields: Iterable[str] = (), headers: Iterable[str] = ()) -> Redactor:
        """A redactor for these body fields and these headers (on top of Authorization)."""
        return cls(
            body_fields=frozenset(body_fields),
            headers=SECRET_HEADERS | {h.lower() for h in headers},
        )

    def _headers(self, headers: Headers, secrets: list[str]) -> Headers:
        out: list[tuple[str, str]] = []
        for name, value in headers:
            if name.lower() in self.headers:
                secrets.extend(_secrets(value))
                if name.lower() == "cookie":  # each cookie's value is a secret of its own
                    cookies = (part.partition("=")[2].strip() for part in value.split(";"))
                    secrets.extend(c for c in cookies if len(c) >= _MIN_SCRUBBED_SECRET)
                out.append((name, _redact_header_value(value)))
            else:
                out.append((name, value))
        return tuple(out)

    def redact_request(self, request: RecordedRequest) -> RecordedRequest:
        """``request`` redacted the way it would be written (used by replay to match)."""
        return self.redact(Interaction(request, RecordedResponse(status=0))).request

    def secrets_of(self, request: RecordedRequest) -> list[str]:
        """The credentials ``request`` carries (secret headers, secret query parameters)."""
        secrets: list[str] = []
        self._headers(request.headers, secrets)
        secrets += [v for _, v in _secret_query_values(request.uri)]
        return [v for v in secrets if len(v) >= _MIN_SCRUBBED_SECRET]

    def redact(self, interaction: Interaction) -> Interaction:
        """``interaction`` with its secrets and the chosen fields redacted."""
        secrets: list[str] = [
            v
            for _, v in _secret_query_values(interaction.request.uri)
            if len(v) >= _MIN_SCRUBBED_SECRET
        ]
        request_headers = self._headers(interaction.request.headers, secrets)
        response_headers = self._headers(interaction.response.headers, secrets)
        secrets.sort(key=len, reverse=True)  # the longest first: a word before a part of it
        redacted_names = self.headers

        def scrub_headers(headers: Headers) -> Headers:
            return tuple(
                (n, v if n.lower() in redacted_names else _scrub(v, secrets)) for n, v in headers
            )

        request = replace(
            interaction.request,
            uri=_scrub(_redact_query(interaction.request.uri), secrets),
            headers=scrub_headers(request_headers),
            body=_scrub_bytes(
                redact_json_fields(interaction.request.body, self.body_fields), secrets
            ),
        )
        response = replace(
            interaction.response,
            headers=scrub_headers(response_headers),
            body=_scrub_bytes(
                redact_json_fields(interaction.response.body, self.body_fields), secrets
            ),
        )
        return Interaction(request=request, response=response)
