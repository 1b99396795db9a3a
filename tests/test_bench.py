"""`scripts/bench.py` (`make bench`): the synthetic roadmap generator and a fast scale-1 run."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from jobbook.core.load import roadmap_files
from jobbook.core.render import doc_titles, render_pages
from jobbook.core.validate import normalize_url, validate_dir

from .helpers import ROOT, jieba_calls

sys.path.insert(0, str(ROOT / "scripts"))  # the benchmark lives outside the runtime package
import bench

pytestmark = pytest.mark.bench

KEYS = {
    "scale",
    "resources",
    "pages",
    "render_s",
    "build_s",
    "baseline_build_s",
    "build_warm_s",
    "peak_rss_mb",
    "site_mb",
    "search_index_mb",
    "max_page_kb",
    "max_page",
    "stage_page_kb",
    "stage_page",
}


def _topics(data: dict) -> list[dict]:
    topics = list(data.get("topics") or [])
    for stage in (data.get("path") or {}).get("stages", []):
        topics += [t for t in stage.get("topics", []) if "ref" not in t]
    return topics


def _resource_count(roadmap_dir: Path) -> int:
    """Resource entries in the YAML, counted independently of the jobbook models."""
    return sum(
        len(topic.get("resources") or [])
        for path in roadmap_files(roadmap_dir)
        for topic in _topics(yaml.safe_load(path.read_text(encoding="utf-8")))
    )


def _expected_pages() -> int:
    """Generated pages + hand-written Markdown pages (notebooks are not built by the bench)."""
    roadmap = validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs")
    assert not roadmap.issues
    generated = render_pages(roadmap, doc_titles(ROOT / "docs"))
    pages = [p for p in generated if p.path.endswith(".md")]  # not the Anki TSV download
    return len(pages) + sum(1 for _ in (ROOT / "docs").rglob("*.md"))


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="jobbook")
    bench.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["bench", *argv])
    return args.func(args)


def test_generator_scale_3_validates(tmp_path: Path) -> None:
    bench.generate(ROOT, tmp_path, 3)
    roadmap = validate_dir(tmp_path / "roadmap", tmp_path, tmp_path / "docs")
    assert [str(issue) for issue in roadmap.issues] == []
    real = _resource_count(ROOT / "roadmap")
    assert bench.count_resources(roadmap) == 3 * real
    assert _resource_count(tmp_path / "roadmap") == 3 * real

    paths = sorted(sf.model.path.id for sf in roadmap.files if sf.model.path)
    real_paths = sorted(
        yaml.safe_load(p.read_text(encoding="utf-8"))["path"]["id"]
        for p in (ROOT / "roadmap").glob("*.yml")
        if p.name != "tags.yml"
    )
    assert paths == sorted(f"{p}{s}" for p in real_paths for s in ("", "-s1", "-s2"))
    urls = [
        normalize_url(r.url)
        for sf in roadmap.files
        for t in [*sf.model.topics, *(sf.model.path.stages if sf.model.path else [])]
        for r in getattr(t, "resources", [])
    ]
    assert len(urls) == len(set(urls))
    assert not list((tmp_path / "docs").rglob("*.ipynb"))
    assert ".ipynb)" not in "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "docs").rglob("*.md")
    )
    # The rendered copies link to each other consistently (no KeyError on a remapped ref).
    assert len(render_pages(roadmap, doc_titles(tmp_path / "docs"))) > 3 * 30


def test_bench_config_drops_notebooks_and_hook() -> None:
    with_hook = bench.bench_config(ROOT, hook=True)
    assert "mkdocs-jupyter" not in with_hook
    assert ".ipynb" not in with_hook
    assert re.search(r"^  - jobbook:$", with_hook, re.M)
    assert "offline" in with_hook and "lang: zh" in with_hook
    nav = {
        "@jobbook/paths": ["paths/index.md"],
        "@jobbook/topics": ["topics/index.md"],
        "@jobbook/questions": ["questions/index.md"],
    }
    baseline = bench.bench_config(ROOT, hook=False, nav=nav)
    assert "jobbook:" not in baseline and "@jobbook/" not in baseline
    assert '学习路线: ["paths/index.md"]' in baseline


def test_bench_scale_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["--scales", "1", "--repeat", "1", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    result = json.loads(out[-1])
    assert list(result) == ["runs"]
    (run,) = result["runs"]
    assert set(run) == KEYS
    assert run["scale"] == 1
    assert run["pages"] > 0 and run["resources"] > 0
    assert run["resources"] == _resource_count(ROOT / "roadmap")
    assert run["pages"] == _expected_pages()
    assert run["render_s"] > 0
    assert run["baseline_build_s"] > 0 and run["peak_rss_mb"] > 0
    assert run["build_warm_s"] > 0
    project = tmp_path / "scale-1" / "hook"
    # render_s times the hook's own work: print pages as skeletons, filled from stage pages
    assert any(page.assembled for page in bench.render_once(project)[2])
    # the cache the warm build used makes a rebuild segment nothing (existence is not reuse)
    assert jieba_calls(project, tmp_path) == 0
    assert run["site_mb"] > run["search_index_mb"] > 0
    assert run["max_page_kb"] >= run["stage_page_kb"] > 0
    assert run["stage_page"].startswith("paths/") and run["max_page"].endswith(".html")
    assert any(line.startswith("| 规模") for line in out)
