"""Generate the typed client in generated/ from openapi/profile.yaml.

    python scripts/generate_client.py           # regenerate generated/ (commit the result)
    python scripts/generate_client.py --check   # regenerate into a temporary folder and
                                                # fail, naming every file, on any difference

The pipeline, every step deterministic:

1. Read openapi/profile.yaml with the generator's own YAML loader.
2. Replace every schema that carries ``x-client-schema`` by that value (keeping its
   description). The spec's ``DateTime`` is an ``anyOf`` that validators need (RFC 3339,
   or an offset without a colon); the generator would turn it into a loose union, so it
   reads ``{type: string, format: date-time}`` instead and parses both forms into
   ``datetime`` with ``datetime.fromisoformat``.
3. Run openapi-python-client (pinned in pyproject) with openapi/generator.yaml and the
   custom templates of openapi/templates/, into a temporary folder. Its post-hooks run
   ruff (from this interpreter's environment) over the generated project.
4. Copy the spec, byte for byte, into the package (``adapty_profile_client/profile.yaml``):
   the client carries the contract it was generated from, ``recorded_server.spec.schemas`` loads
   it when running from a wheel, and ``--check`` fails on any change of the spec.
5. Replace generated/ with the result, or (``--check``) compare the two trees.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "profile.yaml"
CONFIG = ROOT / "openapi" / "generator.yaml"
TEMPLATES = ROOT / "openapi" / "templates"
OUTPUT = ROOT / "generated"
PACKAGE = "adapty_profile_client"
SPEC_COPY = Path(PACKAGE) / "profile.yaml"
CLIENT_SCHEMA_KEY = "x-client-schema"
# The generated project's pyproject/README/.gitignore, as PDM-style metadata: the
# folder installs on its own with ``pip install ./generated``.
META = "pdm"
# Files that tools leave in generated/ and that git ignores: never compared or kept.
IGNORED_NAMES = {
    "__pycache__",
    ".pdm-build",  # pdm-backend's editable install (pip install -e ./generated) writes it here
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "build",
    "dist",
}
IGNORED_SUFFIXES = (".pyc", ".egg-info")


def _client_view(node: Any) -> Any:
    """The spec as the generator should read it: ``x-client-schema`` applied."""
    if isinstance(node, dict):
        if CLIENT_SCHEMA_KEY in node:
            replacement = dict(node[CLIENT_SCHEMA_KEY])
            if "description" in node:
                replacement.setdefault("description", node["description"])
            return _client_view(replacement)
        return {key: _client_view(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_client_view(value) for value in node]
    return node


def _generator_env() -> dict[str, str]:
    """PATH with this interpreter's scripts first, so the post-hooks find its ruff."""
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([scripts, env.get("PATH", "")])
    return env


def generate_into(project_dir: Path) -> None:
    """Generate the client project into ``project_dir`` (which must not exist)."""
    if shutil.which("ruff", path=_generator_env()["PATH"]) is None:
        raise SystemExit("ruff is not installed: the generator's post-hooks need it")
    document = YAML(typ="safe").load(SPEC.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="adapty-openapi-") as work:
        source = Path(work) / "profile.json"
        source.write_text(json.dumps(_client_view(document), indent=2), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(source),
            "--config",
            str(CONFIG),
            "--meta",
            META,
            "--output-path",
            str(project_dir),
            "--fail-on-warning",
        ]
        if TEMPLATES.is_dir():
            command += ["--custom-template-path", str(TEMPLATES)]
        result = subprocess.run(
            command, cwd=work, env=_generator_env(), capture_output=True, text=True, check=False
        )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"openapi-python-client failed with exit code {result.returncode}")
    shutil.copyfile(SPEC, project_dir / SPEC_COPY)


def _tool_versions() -> str:
    """The generator's and ruff's versions: both shape the output, so both are pinned."""

    ruff = subprocess.run(
        ["ruff", "--version"], env=_generator_env(), capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"openapi-python-client {version('openapi-python-client')}, {ruff or 'no ruff'}"


def _ignored(path: Path) -> bool:
    return any(part in IGNORED_NAMES or part.endswith(IGNORED_SUFFIXES) for part in path.parts)


def _files(tree: Path) -> set[Path]:
    if not tree.is_dir():
        return set()
    return {
        path.relative_to(tree)
        for path in tree.rglob("*")
        if path.is_file() and not _ignored(path.relative_to(tree))
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Every file that differs between two trees, as ``generated/<path>: <why>``."""
    expected_files, actual_files = _files(expected), _files(actual)
    problems = []
    for path in sorted(expected_files | actual_files):
        name = f"generated/{path.as_posix()}"
        if path not in actual_files:
            problems.append(f"{name}: missing (the spec generates it)")
        elif path not in expected_files:
            problems.append(f"{name}: not generated from the spec (remove it)")
        elif not filecmp.cmp(expected / path, actual / path, shallow=False):
            problems.append(f"{name}: differs from what the spec generates")
    return problems


def _replace_output(fresh: Path) -> None:
    """Make generated/ hold exactly the fresh tree (ignored tool caches aside)."""
    OUTPUT.mkdir(exist_ok=True)
    for path in sorted(_files(OUTPUT) - _files(fresh), reverse=True):
        (OUTPUT / path).unlink()
    for path in sorted(_files(fresh)):
        target = OUTPUT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or not filecmp.cmp(fresh / path, target, shallow=False):
            shutil.copyfile(fresh / path, target)
    for directory in sorted(OUTPUT.rglob("*"), reverse=True):
        if directory.is_dir() and not _ignored(directory) and not any(directory.iterdir()):
            directory.rmdir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary folder and fail, naming the files, on any difference",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="adapty-client-") as tmp:
        fresh = Path(tmp) / "generated"
        generate_into(fresh)
        if args.check:
            problems = differences(fresh, OUTPUT)
            if problems:
                print("generated/ is not what openapi/profile.yaml generates:", file=sys.stderr)
                for problem in problems:
                    print(f"  {problem}", file=sys.stderr)
                print(f"(regenerated with {_tool_versions()})", file=sys.stderr)
                print("Run `nox -s generate` (or this script) and commit.", file=sys.stderr)
                return 1
            print(f"generated/ is up to date ({len(_files(fresh))} files).")
            return 0
        _replace_output(fresh)
        print(f"generated/ written from {SPEC.relative_to(ROOT)} ({len(_files(fresh))} files).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
