"""End to end: `mkdocs build --strict` of the fixture project with the jobbook plugin."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT, jieba_calls, mkdocs_build, run_module

pytestmark = pytest.mark.build


def test_strict_build_generates_pages_and_nav(fixture_build):
    assert "WARNING" not in (fixture_build / "build.log").read_text(encoding="utf-8")
    site = fixture_build / "site"
    for page in [
        "paths/index.html",
        "paths/demo/index.html",
        "paths/demo/demo-basics.html",
        "paths/demo/demo-ml.html",
        "topics/index.html",
        "topics/demo-shared.html",
        "resources.html",
    ]:
        assert (site / page).is_file(), page
    stage = (site / "paths/demo/demo-basics.html").read_text(encoding="utf-8")
    nav = stage[stage.index("md-nav--primary") : stage.index("md-sidebar--secondary")]
    assert re.search(r'href="demo-ml.html" class="md-nav__link', nav)
    assert re.search(r'href="\.\./\.\./topics/demo-shared.html" class="md-nav__link', nav)
    assert "演示路线" in nav and "机器学习阶段" in nav
    assert 'href="../../topics/demo-shared.html"' in stage
    assert 'data-jobbook-item="demo-linear-algebra.svd"' in stage
    # generated markdown links were resolved by MkDocs (.md → .html)
    assert 'href="../../math/kkt.html"' in stage


def test_edit_link_points_to_the_yaml_source(fixture_site):
    config = fixture_site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  font: false\n", "  font: false\n  features: [content.action.edit]\n"
        )
    )
    assert mkdocs_build(fixture_site).returncode == 0
    stage = (fixture_site / "site/paths/demo/demo-basics.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/repo/edit/main/roadmap/demo.yml"' in stage
    topic = (fixture_site / "site/topics/demo-shared.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/repo/edit/main/roadmap/topics/shared.yml"' in topic
    index = (fixture_site / "site/resources.html").read_text(encoding="utf-8")
    assert "/edit/main/" not in index  # generated index has no single source


def test_yaml_error_is_a_clean_mkdocs_error(fixture_site):
    demo = fixture_site / "roadmap" / "demo.yml"
    demo.write_text(demo.read_text().replace("title: 线性代数", "titel: 线性代数"))
    result = mkdocs_build(fixture_site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "roadmap/demo.yml:24: 未知字段 'titel'（你是不是想写 'title'？）" in result.stderr


def test_math_page_links_back_to_the_topics_that_cite_it(fixture_build):
    kkt = (fixture_build / "site/math/kkt.html").read_text(encoding="utf-8")
    assert 'id="in-roadmap"' in kkt
    assert 'href="../paths/demo/demo-basics.html#demo-linear-algebra"' in kkt


MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def test_plugin_reused_by_a_second_project(tmp_path: Path) -> None:
    """Another project: other roadmap and docs folders, default theme, math and CSP off."""
    project = tmp_path / "minimal"
    shutil.copytree(MINIMAL, project)
    result = run_module("mkdocs", "build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    stage = (site / "paths" / "tiny" / "tiny-one.html").read_text(encoding="utf-8")
    assert "A topic" in stage and "mml-book.github.io" in stage
    assert "Content-Security-Policy" not in stage  # csp: false
    assert not (site / "paths" / "tiny" / "print.html").exists()  # print_pages: false
    assert "katex" not in stage  # math: browser leaves the TeX for the browser
    # Edit link through MkDocs' own repo_url + relative edit_uri, pointing at the YAML.
    assert 'href="https://example.org/minimal/src/main/data/roadmap/tiny.yml"' in stage


# `mkdocs build` after an "upgrade" that removed the Material method jobbook wraps.
WITHOUT_SEGMENTER = """\
import runpy, sys
import material.plugins.search.plugin as search
del search.SearchIndex._segment_chinese
sys.argv = ["mkdocs", "build", "--strict"]
runpy.run_module("mkdocs", run_name="__main__")
"""


# A build script without an `if __name__ == "__main__"` guard (what spawn would re-run).
UNGUARDED_SCRIPT = """\
import pathlib
from mkdocs.commands.build import build
from mkdocs.config import load_config
with open("runs.txt", "a") as f:
    f.write("run\\n")
build(load_config("mkdocs.yml"))
"""


def test_an_unguarded_build_script_builds_once(fixture_site):
    """The helper process must not run the caller's script (and build the site) again."""
    config = fixture_site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("plugins:\n", "plugins:\n  - search:\n      lang: zh\n")
    )
    (fixture_site / "build_site.py").write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "build_site.py"],
        cwd=fixture_site,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "PYTHONPATH": str(ROOT / "src"),
            "JOBBOOK_HELPER": "1",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (fixture_site / "runs.txt").read_text() == "run\n"
    index = (fixture_site / "site/search/search_index.json").read_text(encoding="utf-8")
    assert "\u200b" in index or "\\u200b" in index  # segmented (by the helper)


# `mkdocs build` with Material's own _segment_chinese (jobbook's wrapper left out).
MATERIAL_SEGMENTS = """\
import runpy, sys
import jobbook.site.plugin as plugin
plugin.memoise_search_segmentation = lambda: True
sys.argv = ["mkdocs", "build", "--strict"]
runpy.run_module("mkdocs", run_name="__main__")
"""


def test_missing_patch_target_stops_the_build_with_a_clear_message(fixture_site):
    import os
    import sys
    from importlib.metadata import version

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_SEGMENTER],
        cwd=fixture_site,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "ERROR   -  jobbook 需要修补 mkdocs-material 的内部接口" in result.stderr
    assert f"mkdocs-material {version('mkdocs-material')}" in result.stderr
    assert "SearchIndex._segment_chinese" in result.stderr
    assert not (fixture_site / "site").exists()


def test_search_segmentation_is_reused_by_the_next_build(fixture_site, tmp_path):
    """Existence of the cache file is not reuse: count what reaches jieba."""
    config = fixture_site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("plugins:\n", "plugins:\n  - search:\n      lang: zh\n")
    )
    cache = fixture_site / ".cache" / "jobbook" / "search-segments.json"
    cold = jieba_calls(fixture_site, tmp_path)
    index = (fixture_site / "site" / "search" / "search_index.json").read_bytes()
    assert cold > 10 and cache.is_file()
    assert jieba_calls(fixture_site, tmp_path) == 0  # warm: every text from the kept memo
    assert (fixture_site / "site" / "search" / "search_index.json").read_bytes() == index
    cache.unlink()
    assert jieba_calls(fixture_site, tmp_path) == cold  # and without it, all again


def test_the_helper_process_changes_nothing_in_the_built_site(fixture_site, monkeypatch):
    """Texts put together from runs cut in the helper process: the same search index (and
    site) as Material's own segmentation in this process gives."""
    import os
    import sys

    config = fixture_site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("plugins:\n", "plugins:\n  - search:\n      lang: zh\n")
    )

    def build(*command: str) -> dict[str, bytes]:
        shutil.rmtree(fixture_site / ".cache", ignore_errors=True)  # cold: everything cut
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
        result = subprocess.run(
            [sys.executable, *command], cwd=fixture_site, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        site = fixture_site / "site"
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.*")}

    monkeypatch.setenv("JOBBOOK_HELPER", "1")
    with_helper = build("-m", "mkdocs", "build", "--strict")
    materials = build("-c", MATERIAL_SEGMENTS)
    monkeypatch.setenv("JOBBOOK_HELPER", "0")
    without = build("-m", "mkdocs", "build", "--strict")
    index = with_helper["search/search_index.json"].decode("utf-8")
    assert "\u200b" in index or "\\u200b" in index  # Chinese was segmented
    assert with_helper == materials
    assert with_helper == without
