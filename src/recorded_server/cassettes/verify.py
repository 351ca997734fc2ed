"""Drift detection behind ``recorded-server verify``: recorded traffic checked against the spec.

For every interaction of every cassette:

- the response against the spec's response for its method, path and status: the
  status must be documented, the body must validate against that status's schema
  (or be empty when the spec documents no body), the ``Content-Type`` must be a
  documented media type, ``Request-Id`` must be present and every header the spec
  declares must validate;
- a request that got a 2xx against the operation: its header parameters and its
  body (the request schema).

Each mismatch is a :class:`Drift` naming the cassette, the interaction's index and
the JSON path of the offending value.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema.exceptions import ValidationError, best_match

from recorded_server.cassettes.format import Cassette, Interaction, parse_json
from recorded_server.spec import validator

_JSON_MEDIA = re.compile(r"^application/([a-z0-9.+-]+\+)?json$")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Drift:
    """One way a recorded interaction disagrees with the spec."""

    cassette: str
    index: int
    method: str
    path: str
    status: int
    where: str
    json_path: str
    message: str

    def __str__(self) -> str:
        location = f"{self.where} {self.json_path}" if self.json_path else self.where
        return (
            f"{self.cassette} interaction {self.index} "
            f"({self.method} {self.path} -> {self.status}): {location}: {self.message}"
        )


def _deref(spec: Mapping[str, Any], obj: Any) -> Any:
    """Follow local ``$ref``s (``#/components/...``) of non-schema objects."""
    seen: set[str] = set()
    while isinstance(obj, Mapping) and isinstance(obj.get("$ref"), str):
        ref: str = obj["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return obj
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or part not in target:
                return obj
            target = target[part]
        obj = target
    return obj


def _template_regex(template: str) -> re.Pattern[str]:
    pieces = re.split(r"(\{[^}/]+\})", template)
    return re.compile(
        "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in pieces)
    )


def _path_item(spec: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    candidates = [path]
    for server in spec.get("servers") or []:
        base = urlsplit(str(server.get("url", ""))).path.rstrip("/")
        if base and path.startswith(base + "/"):
            candidates.append(path[len(base) :])
    paths: Mapping[str, Any] = spec.get("paths") or {}
    for candidate in candidates:
        if candidate in paths:
            return _deref(spec, paths[candidate])  # type: ignore[no-any-return]
    for candidate in candidates:
        for template, item in paths.items():
            if _template_regex(template).fullmatch(candidate):
                return _deref(spec, item)  # type: ignore[no-any-return]
    return None


def _response_object(
    spec: Mapping[str, Any], operation: Mapping[str, Any], status: int
) -> Mapping[str, Any] | None:
    responses: Mapping[str, Any] = operation.get("responses") or {}
    for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
        if key in responses:
            return _deref(spec, responses[key])  # type: ignore[no-any-return]
    return None


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _pick_media(content: Mapping[str, Any], media: str | None) -> tuple[str | None, Any]:
    if media is not None:
        for key, value in content.items():
            if key.lower() == media:
                return key, value
        major = media.split("/", 1)[0]
        for key in (f"{major}/*", "*/*"):
            if key in content:
                return key, content[key]
        return None, None
    for key, value in content.items():  # no Content-Type: judge by the first JSON one
        if _JSON_MEDIA.match(key.lower()):
            return key, value
    return None, None


def _schema_errors(
    spec: Mapping[str, Any], schema: Mapping[str, Any], instance: Any
) -> Iterator[tuple[str, str]]:
    """``(json_path, message)`` for each way ``instance`` breaks ``schema``."""
    checker = validator(dict(schema), dict(spec))
    errors: list[ValidationError] = sorted(
        checker.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    for error in errors:
        message = _json_message(error)
        if error.context:
            deepest = best_match(error.context)
            if deepest is not None and deepest.json_path != error.json_path:
                yield deepest.json_path, f"{_json_message(deepest)} ({message})"
                continue
            branches = list(dict.fromkeys(_json_message(e) for e in error.context))
            message = f"{message}: {'; '.join(branches[:4])}"
        yield error.json_path, message


def _json_message(error: ValidationError) -> str:
    """jsonschema's message with the value shown as JSON (``null``, not ``None``)."""
    shown = repr(error.instance)
    if error.message.startswith(shown):
        try:
            as_json = json.dumps(error.instance, ensure_ascii=False)
        except (TypeError, ValueError):
            return error.message
        if len(as_json) > 80:
            as_json = as_json[:77] + "..."
        return as_json + error.message[len(shown) :]
    return error.message


class _Checker:
    def __init__(self, spec: Mapping[str, Any], cassette: str, index: int, it: Interaction) -> None:
        self.spec = spec
        self.cassette = cassette
        self.index = index
        self.interaction = it
        self.drifts: list[Drift] = []

    def drift(self, where: str, json_path: str, message: str) -> None:
        request, response = self.interaction.request, self.interaction.response
        self.drifts.append(
            Drift(
                cassette=self.cassette,
                index=self.index,
                method=request.method,
                path=request.path,
                status=response.status,
                where=where,
                json_path=json_path,
                message=message,
            )
        )

    def check(self) -> list[Drift]:
        request, response = self.interaction.request, self.interaction.response
        item = _path_item(self.spec, request.path)
        if item is None:
            self.drift("request", "", f"the path {request.path} is not in the spec")
            return self.drifts
        operation = _deref(self.spec, item.get(request.method.lower()))
        if request.method.lower() not in _HTTP_METHODS or not isinstance(operation, Mapping):
            self.drift("request", "", f"the spec has no {request.method} operation on this path")
            return self.drifts
        self.check_response(operation)
        if 200 <= response.status < 300:
            self.check_request(item, operation)
        return self.drifts

    def check_response(self, operation: Mapping[str, Any]) -> None:
        response = self.interaction.response
        documented = _response_object(self.spec, operation, response.status)
        if response.header("request-id") is None:
            self.drift("response header Request-Id", "", "missing")
        if documented is None:
            self.drift("response status", "", f"{response.status} is not documented")
            return
        for name, header in (documented.get("headers") or {}).items():
            self.check_header("response", name, _deref(self.spec, header), response.header(name))
        body = response.decoded_body()
        content: Mapping[str, Any] = documented.get("content") or {}
        if not content:
            if body:
                self.drift(
                    "response body", "", f"the spec documents no body, got {len(body)} bytes"
                )
            return
        self.check_body("response body", content, response.header("content-type"), body, True)

    def check_request(self, item: Mapping[str, Any], operation: Mapping[str, Any]) -> None:
        request = self.interaction.request
        parameters = {}
        for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
            parameter = _deref(self.spec, raw)
            if isinstance(parameter, Mapping) and parameter.get("in") == "header":
                parameters[str(parameter.get("name", "")).lower()] = parameter
        for name, parameter in parameters.items():
            self.check_header("request", name, parameter, request.header(name))
        request_body = _deref(self.spec, operation.get("requestBody"))
        if not isinstance(request_body, Mapping):
            return
        if not request.body:
            if request_body.get("required"):
                self.drift("request body", "", "the spec requires a body, the request had none")
            return
        content: Mapping[str, Any] = request_body.get("content") or {}
        self.check_body(
            "request body", content, request.header("content-type"), request.body, False
        )

    def check_header(
        self, side: str, name: str, header: Mapping[str, Any], value: str | None
    ) -> None:
        where = f"{side} header {name}"
        if value is None:
            if header.get("required") and name.lower() != "request-id":  # reported once above
                self.drift(where, "", "missing (the spec requires it)")
            return
        schema = header.get("schema")
        if isinstance(schema, Mapping):
            for json_path, message in _schema_errors(self.spec, schema, value):
                self.drift(where, "" if json_path == "$" else json_path, message)

    def check_body(
        self,
        where: str,
        content: Mapping[str, Any],
        content_type: str | None,
        body: bytes,
        check_media: bool,
    ) -> None:
        media = _media_type(content_type)
        key, media_object = _pick_media(content, media)
        if key is None:
            if check_media or media is not None:
                documented = ", ".join(content) or "none"
                self.drift(
                    f"{where.split()[0]} header Content-Type",
                    "",
                    f"{content_type!r} is not a documented media type ({documented})",
                )
            return
        schema = _deref(self.spec, media_object).get("schema") if media_object else None
        if not isinstance(schema, Mapping) or not _JSON_MEDIA.match(key.lower()):
            return
        ok, value = parse_json(body)
        if not ok:
            self.drift(where, "$", "not a JSON document")
            return
        for json_path, message in _schema_errors(self.spec, schema, value):
            self.drift(where, json_path, message)


def verify_interaction(
    spec: Mapping[str, Any], cassette: str, index: int, interaction: Interaction
) -> list[Drift]:
    """Every drift of one interaction."""
    return _Checker(spec, cassette, index, interaction).check()


@dataclass(frozen=True)
class Report:
    """The outcome of checking cassettes against a spec."""

    cassettes: int
    interactions: int
    drifts: tuple[Drift, ...]

    @property
    def clean(self) -> bool:
        """No drift at all."""
        return not self.drifts

    def lines(self, spec_name: str) -> list[str]:
        """The drift report: one line per drift, then a one-line summary."""
        if self.clean:
            return [
                f"verify: {self.interactions} interactions in {self.cassettes} cassettes "
                f"match {spec_name}: no drift"
            ]
        drifted = len({(d.cassette, d.index) for d in self.drifts})
        return [
            *(f"DRIFT {d}" for d in self.drifts),
            f"verify: {len(self.drifts)} mismatches in {drifted} of {self.interactions} "
            f"interactions ({self.cassettes} cassettes) against {spec_name}",
        ]


def verify_cassettes(
    spec: Mapping[str, Any], cassettes: list[Cassette], root: Path | None = None
) -> Report:
    """Check every interaction of ``cassettes`` against ``spec``."""
    drifts: list[Drift] = []
    total = 0
    for cassette in cassettes:
        name = cassette.path.name
        if root is not None and root.is_dir():
            with contextlib.suppress(ValueError):
                name = cassette.path.relative_to(root).as_posix()
        for index, interaction in enumerate(cassette.interactions):
            total += 1
            drifts.extend(verify_interaction(spec, name, index, interaction))
    return Report(cassettes=len(cassettes), interactions=total, drifts=tuple(drifts))
