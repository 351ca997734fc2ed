"""What the run did: cases per operation and per check, boundaries reached, failures with curl.

Every test records here (``SUMMARY``); ``conftest.py`` prints it at the end of the run through
pytest's ``pytest_terminal_summary`` hook. Hypothesis replays a failing example many times
while it shrinks; only the last (minimal) failure of each test and check is kept.
"""

from __future__ import annotations

import itertools
import shlex
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

SECRET_PLACEHOLDER: Final = "$CONTRACT_API_KEY"
MAIN_OPERATIONS: Final = ("POST profile", "GET profile", "PATCH profile", "DELETE profile")


@dataclass
class Failure:
    test: str
    operation: str
    check: str
    message: str
    curl: str


@dataclass
class Summary:
    generated: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)
    cases: Counter[tuple[str, str]] = field(default_factory=Counter)
    failed: Counter[tuple[str, str]] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    failures: dict[tuple[str, str, str], Failure] = field(default_factory=dict)
    current_test: str = ""

    def example(self, family: str) -> None:
        """One generated case (one Hypothesis example) of a family of tests."""
        self.generated[family] += 1

    def request(self, operation: str) -> None:
        self.requests[operation] += 1

    def case(self, operation: str, check: str) -> None:
        self.cases[(operation, check)] += 1

    def label(self, *labels: str) -> None:
        self.labels.update(labels)

    def fail(self, operation: str, check: str, message: str, curl: str) -> None:
        self.failed[(operation, check)] += 1
        key = (self.current_test, operation, check)
        self.failures[key] = Failure(self.current_test, operation, check, message, curl)

    @contextmanager
    def checking(self, operation: str, check: str, curl: str) -> Iterator[None]:
        """Count one case of ``check``; record an ``AssertionError`` inside as its failure."""
        self.case(operation, check)
        try:
            yield
        except AssertionError as error:
            self.fail(operation, check, str(error).splitlines()[0] if str(error) else "", curl)
            raise

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for pytest-xdist: each worker sends its summary to the controller)."""
        return {
            "generated": dict(self.generated),
            "requests": dict(self.requests),
            "cases": [[*key, count] for key, count in self.cases.items()],
            "failed": [[*key, count] for key, count in self.failed.items()],
            "labels": dict(self.labels),
            "failures": [vars(failure) for failure in self.failures.values()],
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.generated.update(data["generated"])
        self.requests.update(data["requests"])
        self.cases.update({(op, check): n for op, check, n in data["cases"]})
        self.failed.update({(op, check): n for op, check, n in data["failed"]})
        self.labels.update(data["labels"])
        for item in data["failures"]:
            failure = Failure(**item)
            self.failures[(failure.test, failure.operation, failure.check)] = failure

    def _check_matrix(self) -> list[str]:
        """Checks (rows) by operation (columns): how many cases each check judged."""
        columns = [*MAIN_OPERATIONS, "other"]

        def column_of(operation: str) -> str:
            return operation if operation in MAIN_OPERATIONS else "other"

        counts: Counter[tuple[str, str]] = Counter()
        failed: Counter[tuple[str, str]] = Counter()
        for (operation, check), count in self.cases.items():
            counts[(check, column_of(operation))] += count
        for (operation, check), count in self.failed.items():
            failed[(check, column_of(operation))] += count
        checks = sorted({check for check, _ in counts})
        name_width = max([len(check) for check in checks] + [5])
        header = "check".ljust(name_width) + "".join(
            f"{column.split()[0]:>9}" for column in columns
        )
        out = ["cases per check and operation (! = failed cases):", "  " + header]
        for check in checks:
            row = check.ljust(name_width)
            for column in columns:
                count = counts[(check, column)]
                mark = f"{failed[(check, column)]}!" if failed[(check, column)] else ""
                row += f"{(str(count) + mark) if count else '-':>9}"
            out.append("  " + row)
        return out

    def lines(self, *, width: int = 100) -> list[str]:
        out: list[str] = []
        total = sum(self.generated.values())
        out.append(f"generated cases: {total} in all")
        for family, count in sorted(self.generated.items()):
            out.append(f"  {count:>7}  {family}")
        out.append("")
        out.append(f"requests per operation: {sum(self.requests.values())} in all")
        for operation, count in sorted(self.requests.items()):
            out.append(f"  {count:>7}  {operation}")
        out.append("")
        out.extend(self._check_matrix())
        if self.labels:
            out.append("")
            out.append(f"boundaries reached by generated bodies ({len(self.labels)} kinds):")
            cells = [
                f"{count:>6}  {text}"
                for text, count in sorted(self.labels.items(), key=lambda item: (-item[1], item[0]))
            ]
            column = max(len(cell) for cell in cells) + 2
            if column * 2 > width:
                out.extend(cell[:width] for cell in cells)
            else:
                half = (len(cells) + 1) // 2
                for left, right in itertools.zip_longest(cells[:half], cells[half:], fillvalue=""):
                    out.append(f"{left:<{column}}{right}".rstrip())
        if self.failures:
            out.append("")
            out.append(f"failures ({len(self.failures)}), each with a reproducing command:")
            for failure in self.failures.values():
                out.append(f"- {failure.operation} / {failure.check}  [{failure.test}]")
                out.append(f"  {failure.message}"[: width * 3])
                out.extend(f"    {line}" for line in failure.curl.splitlines())
        return out


SUMMARY: Final = Summary()


def curl_command(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    secret: str | None = None,
) -> str:
    """A shell command that sends the same request (the API key as ``$CONTRACT_API_KEY``
    when ``secret`` is given, so a real key never lands in a log)."""
    parts = ["curl", "-sS", "-i", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        if secret is not None and secret in value:
            shown = value.replace(secret, SECRET_PLACEHOLDER)
            parts += ["-H", '"' + f"{name}: {shown}".replace('"', '\\"') + '"']
        else:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body is None:
        return " ".join(parts)
    try:
        text = body.decode("utf-8")
        printable = all(char.isprintable() or char in "\n\t" for char in text)
    except UnicodeDecodeError:
        printable = False
    if printable:
        return " ".join([*parts, "--data-binary", shlex.quote(text)])
    escaped = "".join(f"\\x{byte:02x}" for byte in body)
    return f"printf '{escaped}' | " + " ".join([*parts, "--data-binary", "@-"])
