"""The bundled front-end script is built from overrides/src/ and up to date."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .helpers import ROOT

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
BUNDLE = ROOT / "overrides" / "assets" / "js" / "jobbook.js"


def _flags() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("ESBUILD_FLAGS :="))
    return line.split(":=", 1)[1].split()


def test_bundle_matches_the_sources(tmp_path: Path) -> None:
    out = tmp_path / "jobbook.js"
    subprocess.run(
        [str(ESBUILD), "overrides/src/main.js", *_flags(), f"--outfile={out}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == BUNDLE.read_bytes(), "run `make js` and commit the bundle"


def test_no_shared_globals_between_scripts() -> None:
    """Modules talk through imports and DOM events, not window.jobbook* globals."""
    for source in (ROOT / "overrides" / "src").glob("*.js"):
        assert "window.jobbook" not in source.read_text(encoding="utf-8"), source.name
    assert "window.jobbook" not in BUNDLE.read_text(encoding="utf-8")
