"""The project's own promises: the README's quick start is what CI runs, and nox explains itself."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|shell|bash|console)\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, "the Quick start holds exactly one fenced shell block"
    return [line for line in blocks[0].splitlines() if line.strip() and not line.startswith("#")]


def test_quick_start_has_exactly_two_commands() -> None:
    lines = _quick_start_lines()
    assert len(lines) == 2, lines
    assert "nox -s contract" in lines[0], "the first line runs the main job, the contract checks"


def test_ci_runs_the_second_quick_start_line_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in ci.splitlines()
        if line.strip()
        and not line.lstrip().startswith("#")
        and not line.startswith(("set ", "cd ", "export "))
    ]
    assert commands == [_quick_start_lines()[1]]


def test_every_nox_session_explains_itself() -> None:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    sessions = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("session" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert len(sessions) >= 8
    for node in sessions:
        assert ast.get_docstring(node), f"nox session {node.name!r} has no docstring"


def _code_text(path: Path) -> str:
    """A file's text as code sees it: for Python, only its string literals (not comments)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".py":
        return text
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return "\n".join(tok.string for tok in tokens if tok.type == tokenize.STRING)


def test_nothing_reads_the_shared_folder() -> None:
    """The project stands on its own: no code or config names the steering folder beside it."""
    needle = "../" + "shared"
    skip = {".git", ".venv", ".nox", "node_modules", ".ci-venv"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if not skip.intersection(path.parts)
        and path.is_file()
        and (path.suffix in {".py", ".toml", ".yaml", ".yml", ".cfg", ".ini"} or path.name == "run")
        and needle in _code_text(path)
    ]
    assert offenders == []
