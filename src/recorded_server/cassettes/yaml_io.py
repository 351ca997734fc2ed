"""Reading and writing cassette files: VCR.py's YAML (version 1), with PyYAML's C loader and
emitter (``CSafeLoader``, ``CSafeDumper``) when PyYAML was built with libyaml, the pure-Python
ones otherwise.

Reading is guarded against hostile files: no aliases (an alias bomb), bounded nesting, bounded
sizes. The C loader's document is checked for both before it is built; anything odd is read
again with the pure-Python loader, whose errors name the place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from recorded_server.cassettes.model import (
    CASSETTE_FORMAT_VERSION,
    CASSETTE_SUFFIXES,
    Cassette,
    CassetteError,
    Headers,
    Interaction,
    RecordedRequest,
    RecordedResponse,
)
from recorded_server.serving import limits

__all__ = [
    "C_YAML",
    "dump_cassette",
    "dump_interactions",
    "find_cassettes",
    "interaction_to_yaml",
    "load_cassette",
    "load_cassettes",
    "parse_cassette",
    "write_cassette",
]

#: Whether PyYAML's libyaml bindings are there (the fast path for reading and writing).
C_YAML: bool = bool(getattr(yaml, "__with_libyaml__", False))
_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None) if C_YAML else None
_BaseDumper: Any = yaml.CSafeDumper if C_YAML else yaml.SafeDumper
_log = logging.getLogger("recorded_server.cassettes")


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


def _node_is_plain(root: yaml.Node) -> bool:
    """True when the composed document has no shared node (an alias) and is no deeper than
    ``limits.MAX_CASSETTE_DEPTH``: safe to build. Iterative, so deep input cannot recurse."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or depth > limits.MAX_CASSETTE_DEPTH:
            return False
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
    return True


_ANCHOR_PATTERN = r"(?:^|[\s\[{,:?-])&[^\s\[\]{},]"
_ANCHOR_TEXT = re.compile(_ANCHOR_PATTERN, re.MULTILINE)
_ANCHOR_BYTES = re.compile(_ANCHOR_PATTERN.encode(), re.MULTILINE)


def _may_have_anchor(text: str | bytes) -> bool:
    """Whether ``text`` may hold a YAML anchor (``&name``); false positives are fine."""
    if isinstance(text, bytes):
        return _ANCHOR_BYTES.search(text) is not None
    return _ANCHOR_TEXT.search(text) is not None


if _CSafeLoader is not None:

    class _CLoader(_CSafeLoader):  # type: ignore[misc]
        """libyaml's loader, remembering how each plain scalar resolved (a cassette repeats the
        same header names and values thousands of times)."""

        def __init__(self, stream: str | bytes) -> None:
            super().__init__(stream)
            self._resolved: dict[str, str] = {}

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is yaml.ScalarNode and implicit[0] and len(value) < 200:
                tag = self._resolved.get(value)
                if tag is None:
                    tag = self._resolved[value] = super().resolve(kind, value, implicit)
                return tag
            return super().resolve(kind, value, implicit)


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SIMPLE_TAGS = frozenset(
    {
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:binary",
    }
)


class _NotSimple(Exception):
    """A node the fast builder leaves to PyYAML's constructor (merge keys, timestamps, ...)."""


def _build(root: yaml.Node, loader: Any) -> Any:
    """The value of a composed document of plain mappings, sequences and scalars, built without
    PyYAML's per-node generator machinery; raises :class:`_NotSimple` for anything else."""
    scalars: dict[tuple[str, str], Any] = {}

    def scalar(node: yaml.ScalarNode) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        if node.tag not in _SIMPLE_TAGS:
            raise _NotSimple
        key = (node.tag, node.value)
        if key not in scalars:
            scalars[key] = loader.construct_object(node)
        return scalars[key]

    def value_of(node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return scalar(node)
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _NotSimple
                key = scalar(key_node)
                if key_node.tag == "tag:yaml.org,2002:merge" or key in out:
                    raise _NotSimple
                out[key] = value_of(value_node)
            return out
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return [value_of(child) for child in node.value]
        raise _NotSimple

    return value_of(root)


def _load_yaml(text: str | bytes) -> Any:
    """The YAML document in ``text``: through libyaml when it is plain, else the guarded
    pure-Python loader (which also gives the error for a hostile document)."""
    if _CSafeLoader is not None:
        loader = _CLoader(text)
        try:
            node = loader.get_single_node()
            # Without an anchor there can be no alias (an undefined one is a parser error), and
            # libyaml bounds nesting itself: the walk is only for a text that may have one.
            if node is not None and (not _may_have_anchor(text) or _node_is_plain(node)):
                try:
                    return _build(node, loader)
                except (_NotSimple, RecursionError):
                    return loader.construct_document(node)
        except yaml.YAMLError:
            pass  # read again below, for the guarded loader's error
        finally:
            loader.dispose()
    return yaml.load(text, Loader=_CassetteLoader)


_APPEND_HEADER = f"version: {CASSETTE_FORMAT_VERSION}\ninteractions:\n"
_ITEM = "\n- request:"


def _without_cut_tail(text: str | bytes) -> str | None:
    """A cassette in the recorder's append layout whose last item was cut short (``kill -9``
    in the middle of a write), without that item; None for anything else."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not text.startswith(_APPEND_HEADER):
        return None
    cut = text.rfind(_ITEM)
    if cut <= len(_APPEND_HEADER) - 1:
        return None
    return text[: cut + 1]


def parse_cassette(text: str | bytes, path: Path | str = "<cassette>") -> tuple[Interaction, ...]:
    """The interactions of a cassette document (VCR.py YAML, version 1).

    Tolerant of one thing: a recording cut short by ``kill -9`` mid-write (the recorder's
    layout, its last item incomplete) is read without that item, with a warning."""
    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        shorter = _without_cut_tail(text)
        try:
            data = _load_yaml(shorter) if shorter is not None else None
        except yaml.YAMLError:
            data = None
        if data is None:
            raise _fail(path, f"not YAML: {exc}") from exc
        _log.warning("%s: its last interaction was cut short (not read): %s", path, exc)
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


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """Safe YAML (libyaml's emitter when there), with multi-line text (a pretty-printed body)
    as a literal block when possible."""


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


def _dump(document: object) -> str:
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=120,
    )
    return text


def dump_interactions(interactions: Iterable[Interaction]) -> str:
    """``interactions`` as the items of a top-level block sequence (``- request: ...``): the
    text an append-only writer adds after a cassette's last line (see ``writer``)."""
    items = [interaction_to_yaml(i) for i in interactions]
    return _dump(items) if items else ""


def dump_cassette(interactions: Iterable[Interaction]) -> str:
    """A cassette document (VCR.py YAML, version 1) holding ``interactions``."""
    document = {
        "version": CASSETTE_FORMAT_VERSION,
        "interactions": [interaction_to_yaml(i) for i in interactions],
    }
    return _dump(document)


def fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_UMASK_LOCK = threading.Lock()


def file_mode(path: Path) -> int:
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
    mode = file_mode(path)
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
    fsync_directory(path.parent)
