"""The project's own promises: the README's quick start is what CI runs, and nox explains itself."""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import tokenize
from pathlib import Path
from typing import Any

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


def _pip_to_uv() -> Any:
    spec = importlib.util.spec_from_file_location("pip_to_uv", ROOT / "scripts" / "pip_to_uv.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PIP_CONFIG_LIST = """\
:env:.index-url='https://mirror.corp.example/simple'
global.index-url='https://ignored.example/simple'
global.extra-index-url='https://extra.corp.example/simple file:///opt/pypi/simple'
global.find-links='/opt/wheels /srv/wheels'
global.cert='/etc/corp/ca.pem'
install.trusted-host='mirror.corp.example extra.corp.example'
global.proxy='http://proxy.corp.example:3128'
global.no-index='false'
"""


def test_pip_configuration_is_handed_on_to_uv() -> None:
    """nox's uv backend ignores pip.conf: the noxfile passes pip's settings on as UV_* variables."""
    pip_to_uv = _pip_to_uv()
    settings = pip_to_uv.parse_config_list(PIP_CONFIG_LIST)
    assert settings["index-url"] == "https://mirror.corp.example/simple"  # PIP_* beats the file
    assert pip_to_uv.uv_environment(settings, {}) == {
        "UV_DEFAULT_INDEX": "https://mirror.corp.example/simple",
        "UV_INDEX": "https://extra.corp.example/simple file:///opt/pypi/simple",
        "UV_INDEX_STRATEGY": "unsafe-best-match",
        "UV_FIND_LINKS": "/opt/wheels,/srv/wheels",
        "SSL_CERT_FILE": "/etc/corp/ca.pem",
        "UV_INSECURE_HOST": "mirror.corp.example extra.corp.example",
        "HTTPS_PROXY": "http://proxy.corp.example:3128",
        "HTTP_PROXY": "http://proxy.corp.example:3128",
    }


def test_a_uv_variable_already_set_wins_over_pip() -> None:
    pip_to_uv = _pip_to_uv()
    settings = pip_to_uv.parse_config_list(PIP_CONFIG_LIST + "global.no-index='yes'\n")
    env = {"UV_DEFAULT_INDEX": "https://mine.example/simple", "SSL_CERT_FILE": "/mine.pem"}
    added = pip_to_uv.uv_environment(settings, env)
    assert "UV_DEFAULT_INDEX" not in added and "SSL_CERT_FILE" not in added
    assert added["UV_NO_INDEX"] == "1"
    assert pip_to_uv.uv_environment({}, {}) == {}


def test_the_noxfile_applies_pip_configuration_before_any_session() -> None:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    calls = [ast.unparse(node) for node in tree.body if isinstance(node, ast.Expr)]
    assert "pip_to_uv.apply()" in calls


def test_the_dev_tools_are_locked_and_sessions_install_the_locked_versions() -> None:
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    for tool in ("ruff", "mypy", "import-linter", "deptry", "schemathesis", "mkdocs-material"):
        assert f'\nname = "{tool}"\n' in lock, f"{tool} is not in uv.lock"
    assert "file://" not in lock, "uv.lock names a local index: lock against the public one"
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert "*_locked_versions()" in noxfile and '"lock", "--check"' in noxfile
