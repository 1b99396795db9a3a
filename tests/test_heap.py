"""The roadmap stays out of the cyclic collector's walks during a build, and only then."""

from __future__ import annotations

from tests.helpers import copy_fixture, run_recording

# `mkdocs build --strict` recording gc.get_freeze_count() while pages convert and at exit.
RECORD_FREEZE = """\
import atexit, gc, runpy, sys
from jobbook.site.plugin import JobbookPlugin
seen = []
real = JobbookPlugin.on_page_content

def on_page_content(self, html, **kwargs):
    seen.append(gc.get_freeze_count())
    return real(self, html, **kwargs)

JobbookPlugin.on_page_content = on_page_content
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(f"{min(seen or [0])} {gc.get_freeze_count()}"))
sys.argv = ["mkdocs", "build", "--strict"]
runpy.run_module("mkdocs", run_name="__main__")
"""


def _build(project, tmp_path):
    out = tmp_path / "freeze.txt"
    result = run_recording(RECORD_FREEZE, project, out)
    during, after = map(int, out.read_text().split())
    return result, during, after


def test_the_roadmap_is_frozen_while_pages_convert_and_thawed_after(tmp_path):
    result, during, after = _build(copy_fixture(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    # the parsed YAML and the models: many thousands of objects the collector skips
    assert during > 10_000
    assert after == 0  # thawed by on_post_build: later garbage cycles are collected


def test_a_failed_build_thaws_too(tmp_path):
    project = copy_fixture(tmp_path)
    clash = project / "docs" / "paths" / "index.md"  # a generated page's name: on_files fails
    clash.parent.mkdir(parents=True, exist_ok=True)
    clash.write_text("# 冲突\n", encoding="utf-8")
    result, _, after = _build(project, tmp_path)
    assert result.returncode != 0 and "重名" in result.stderr, result.stderr[-3000:]
    assert after == 0
