"""Helpers shared by test modules (import them from here, never from another test module)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
SHOTS = ROOT / "test-results" / "screenshots"

# Markdown as MkDocs renders the generated pages (the subset the renderer relies on).
EXTENSIONS = [
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.escapeall",
    "pymdownx.arithmatex",
]
EXT_CONFIG = {
    "pymdownx.escapeall": {"hardbreak": False, "nbsp": False},
    "pymdownx.arithmatex": {"generic": True},
}


def run_module(module: str, *args: str, cwd: Path, timeout: int = 300):
    """Run ``python -m module args`` like a user would, with the package importable."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    return run_module("mkdocs", "build", "--strict", cwd=project)


def copy_fixture(base: Path) -> Path:
    """A copy of tests/fixtures/site under ``base``."""
    site = base / "proj"
    shutil.copytree(FIXTURE_SITE, site)
    return site
