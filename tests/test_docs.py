"""The documentation's own promises, checked without building the site (``nox -s docs`` does
that, strictly): a short README whose links lead somewhere, every page of ``docs/`` in the site's
navigation, and a changelog in Keep a Changelog's shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README_MAX_LINES = 300
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _markdown_links(text: str) -> list[str]:
    """The targets of the Markdown links outside fenced code blocks."""
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return _LINK.findall(prose)


def _nav_pages(entries: list[Any]) -> Iterator[str]:
    for entry in entries:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            for value in entry.values():
                yield from _nav_pages(value) if isinstance(value, list) else [value]


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move material to docs/"
    )


def test_the_readmes_links_lead_somewhere() -> None:
    links = _markdown_links((ROOT / "README.md").read_text(encoding="utf-8"))
    local = [link.split("#", 1)[0] for link in links if "://" not in link]
    assert "docs/limitations.md" in local
    missing = [link for link in local if link and not (ROOT / link).exists()]
    assert missing == []


def test_every_page_is_in_the_sites_navigation_and_every_entry_is_a_page() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = list(_nav_pages(config["nav"]))
    pages = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
    assert sorted(nav) == pages
    assert nav[:2] == ["index.md", "limitations.md"], "the limitations come first"


def test_the_site_is_built_offline() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False, "no web fonts fetched by the pages"
    assert config["plugins"] == ["search"], "no plugin that fetches (social cards, privacy)"
    assert config["strict"] is True


def test_the_changelog_page_is_the_changelog() -> None:
    assert (DOCS / "changelog.md").read_text(encoding="utf-8").strip() == '--8<-- "CHANGELOG.md"'


def test_the_changelog_has_unreleased_on_top_then_dated_releases() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert versions[0] == "[Unreleased]"
    assert len(versions) >= 2
    for heading in versions[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", heading), heading
