"""Chunked index pages in the browser, from file:// under the CSP: the fixture site built
with one row per page, so every other row comes from a <script src> data file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT, copy_fixture

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

BUILD = """
import sys
from jobbook.core import indexrows
indexrows.HEAD_ROWS.update(resources=1, questions=1)
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--strict"]
cli()
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_fixture(tmp_path_factory.mktemp("chunked"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "  name: material\n", f"  name: material\n  custom_dir: {ROOT / 'overrides'}\n", 1
    )
    text += "extra_css: [assets/css/jobbook.css]\nextra_javascript: [assets/js/jobbook.js]\n"
    config.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", BUILD],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def rows(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all(
        "els => els.filter(e => !e.hidden).map(e => e.textContent.trim().split(/\\s+/)[0])"
    )


def test_resources_come_in_pages_and_filters_see_every_row(site, offline):
    view = offline()
    page = view.open(site, "resources.html")
    table = "table[data-jobbook-resources] tbody tr"
    count = page.locator("[data-jobbook-count]")
    more = page.locator("button[data-jobbook-more]")
    assert count.inner_text() == "4"
    assert len(rows(page, table)) == 1
    assert more.inner_text() == "显示更多（还有 3 个资源）"
    more.click()
    expect(page.locator(table + ":not([hidden])")).to_have_count(2)
    assert more.inner_text() == "显示更多（还有 2 个资源）"
    # a filter loads every row: the count is over all of them, the page shows the first
    page.select_option("select[name=type]", "book")
    expect(count).to_have_text("2")
    assert "type=book" in page.url
    assert len(rows(page, table)) == 1
    assert more.inner_text() == "显示更多（还有 1 个资源）"
    more.click()
    assert rows(page, table) == ["Convex", "Mathematics"]  # in index order
    assert view.errors == [] and view.blocked == []


def test_a_shared_url_finds_a_row_from_a_data_file(site, offline):
    view = offline()
    page = view.page
    page.goto((site / "resources.html").as_uri() + "?q=lightgbm")
    expect(page.locator("[data-jobbook-count]")).to_have_text("1")
    assert rows(page, "table[data-jobbook-resources] tbody tr") == ["LightGBM"]
    link = page.locator("table[data-jobbook-resources] tbody tr:not([hidden]) td a").last
    assert link.get_attribute("href") == "paths/demo/demo-ml.html#demo-trees"
    assert (site / "paths/demo/demo-ml.html").is_file()
    page.click("button[type=reset]")
    expect(page.locator("[data-jobbook-count]")).to_have_text("4")
    assert rows(page, "table[data-jobbook-resources] tbody tr") == ["3Blue1Brown"]
    assert view.errors == [] and view.blocked == []


def test_question_counts_and_export_cover_rows_not_loaded(site, offline):
    view = offline()
    page = view.open(site, "questions/index.html")
    # the coding question is only in a data file: its area still counts it
    expect(page.locator('[data-jobbook-area-counts="coding"]')).to_contain_text("新 1 ")
    assert len(rows(page, "[data-jobbook-qlist] > li")) == 1
    with page.expect_download() as info:
        page.click("button[data-jobbook-qexport]")
    tsv = Path(info.value.path()).read_text(encoding="utf-8")
    ids = sorted(line.rsplit("\t", 1)[1] for line in tsv.splitlines() if not line.startswith("#"))
    assert ids == ["demo-cross-entropy", "demo-rf-gbdt", "demo-softmax"]
    assert view.errors == [] and view.blocked == []


def test_data_files_are_scripts_announcing_rows(site):
    data = sorted((site / "assets/data").glob("index-*.js"))
    assert [p.name for p in data] == [
        "index-questions-2.js",
        "index-questions-3.js",
        "index-questions-groups.js",
        "index-resources-2.js",
        "index-resources-3.js",
        "index-resources-4.js",
    ]
    text = data[0].read_text(encoding="utf-8")
    payload = text[text.index("detail:") + len("detail:") : text.rindex("}));")]
    assert json.loads(payload)["list"] == "questions"
