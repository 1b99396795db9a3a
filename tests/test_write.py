"""Atomic output: an interrupted `jobbook build --out` leaves the previous output intact."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jobbook.core.write import write_file, write_tree

from .helpers import ROOT

# Runs `jobbook build --out OUT` and delivers SIGNAL to itself after the third file is written.
_INTERRUPTED_BUILD = textwrap.dedent(
    """
    import os, pathlib, signal, sys
    from jobbook import cli

    sig = getattr(signal, sys.argv[2])
    original = pathlib.Path.write_text
    written = []

    def write_text(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        written.append(self)
        if len(written) == 3:
            os.kill(os.getpid(), sig)
        return result

    pathlib.Path.write_text = write_text
    sys.exit(cli.main(["build", "--out", sys.argv[1]]))
    """
)


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _interrupted_build(site: Path, out: Path, sig: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_BUILD, str(out), sig],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("sig", "code", "cleans_up"),
    [("SIGINT", 130, True), ("SIGTERM", 128 + signal.SIGTERM, True), ("SIGKILL", -9, False)],
)
def test_interrupted_build_keeps_previous_output(fixture_site, tmp_path, sig, code, cleans_up):
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.md").write_text("上一次的输出\n", encoding="utf-8")
    (out / "paths").mkdir()
    (out / "paths" / "old.md").write_text("old\n", encoding="utf-8")
    before = _snapshot(out)

    result = _interrupted_build(fixture_site, out, sig)

    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(out) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    if cleans_up:
        assert leftovers == []
        if sig == "SIGINT":
            assert "原有文件保持不变" in result.stderr
    else:
        # SIGKILL cannot be handled: a hidden temp folder may remain, the output is untouched.
        assert all(name.startswith(".out.") for name in leftovers)


def test_uninterrupted_build_replaces_output(fixture_site, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.md").write_text("x", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "jobbook", "build", "--out", str(out)],
        cwd=fixture_site,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not (out / "previous.md").exists()
    assert any(out.rglob("*.md"))


def test_written_files_are_world_readable_like_plain_writes(tmp_path):
    old = os.umask(0o022)
    try:
        write_tree(tmp_path / "tree", {"a/b.md": "x"})
        fresh = tmp_path / "new.txt"
        write_file(fresh, "y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "tree").stat().st_mode) == 0o755
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_replacing_a_file_keeps_its_mode(tmp_path):
    target = tmp_path / "roadmap.yml"
    target.write_text("a: 1\n", encoding="utf-8")
    target.chmod(0o664)
    write_file(target, "a: 2\n")
    assert target.read_text(encoding="utf-8") == "a: 2\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
