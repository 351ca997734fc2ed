"""The benchmark's result rows, its final table (plain text or Markdown) and its progress lines."""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the final table: a measure, its baseline from the same run, and a verdict."""

    section: str
    measure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""
    """PASS, MISS, or empty when the row has no target."""


HEADERS = ("part", "measure", "measured", "baseline (same run)", "ratio", "target", "result")


def progress(message: str) -> None:
    """A progress line on stderr, so that stdout keeps only the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _cells(row: Row) -> tuple[str, ...]:
    return (
        row.section,
        row.measure,
        row.value,
        row.baseline,
        row.ratio,
        row.target,
        row.verdict,
    )


def text_table(rows: list[Row]) -> str:
    """An aligned plain-text table."""
    table = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(rows: list[Row]) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""

    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(esc(c) for c in _cells(r)) + " |" for r in rows]
    return "\n".join(out)


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}/s"


def fmt_ms(value: float) -> str:
    return f"{value:.2f} ms"


def fmt_us(value: float) -> str:
    return f"{value:.1f} µs"


def fmt_ratio(value: float, suffix: str = "") -> str:
    return f"{value:.2f}{suffix}"
