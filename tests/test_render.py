"""Renderer: golden files, escaping of hostile text, deterministic output."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from jobbook.core.render import doc_titles, md_rich, md_text, md_url, render_pages
from jobbook.core.validate import validate_dir

from .helpers import EXT_CONFIG, EXTENSIONS, FIXTURE_SITE, ROOT

GOLDEN = ROOT / "tests" / "golden"


def fixture_pages():
    roadmap = validate_dir(FIXTURE_SITE / "roadmap", FIXTURE_SITE, FIXTURE_SITE / "docs")
    assert roadmap.ok, roadmap.issues
    return render_pages(roadmap, doc_titles(FIXTURE_SITE / "docs"))


def test_golden_files(update_golden):
    pages = {p.path: p.content for p in fixture_pages()}
    if update_golden:
        for rel, text in pages.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert set(pages) == expected, "run pytest --update-golden and review the diff"
    for rel, text in pages.items():
        assert text == (GOLDEN / rel).read_text(encoding="utf-8"), rel


def test_no_state_leaks_from_one_render_into_the_next(tmp_path):
    """Rendering the fixture after another roadmap (same ids, other titles, one more path)
    gives the golden pages: nothing is kept between ``render_pages`` calls (template
    globals, site indexes, occurrences…). Same bytes across processes and hash seeds:
    tests/test_deterministic.py."""
    import shutil

    other = tmp_path / "other"
    shutil.copytree(FIXTURE_SITE, other)
    demo = other / "roadmap" / "demo.yml"
    demo.write_text(demo.read_text(encoding="utf-8").replace("线性代数", "别的标题"), "utf-8")
    extra = demo.read_text(encoding="utf-8").replace("id: demo\n", "id: demo-two\n", 1)
    extra = extra.replace("https://", "https://two.")
    for old_id in ("demo-basics", "demo-ml", "demo-linear-algebra", "demo-trees"):
        extra = extra.replace(f"id: {old_id}\n", f"id: {old_id}-2\n")
    (other / "roadmap" / "demo2.yml").write_text(extra, encoding="utf-8")
    roadmap = validate_dir(other / "roadmap", other, other / "docs")
    assert roadmap.ok, [str(i) for i in roadmap.issues]
    assert {p.path for p in render_pages(roadmap)} > {p.path for p in fixture_pages()}
    for page in fixture_pages():
        assert page.content == (GOLDEN / page.path).read_text(encoding="utf-8"), page.path


def test_pages_and_sources():
    pages = {p.path: p for p in fixture_pages()}
    assert pages["paths/demo/demo-basics.md"].source == "roadmap/demo.yml"
    assert pages["topics/demo-shared.md"].source == "roadmap/topics/shared.yml"
    assert pages["resources.md"].source is None
    stage = pages["paths/demo/demo-basics.md"].content
    assert 'data-jobbook-item="demo-linear-algebra.svd"' in stage
    assert 'data-jobbook-item="demo-basics.titanic"' in stage
    assert "[共享专题：优化](../../topics/demo-shared.md)" in stage
    assert "- [KKT 条件](../../math/kkt.md)" in stage  # title read from docs/math/kkt.md


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "<svg onload=alert(1)>",
    "&lt;script&gt;",
    '" onmouseover="alert(1)',
    "$\\alpha$ \\(x\\) \\[y\\]",
    "*em* __strong__ `code` {#id .cls}",
    "| cell | break |",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_md_text_shows_hostile_text_literally(payload):
    html = markdown.markdown(
        f"- {md_text(payload)}", extensions=EXTENSIONS, extension_configs=EXT_CONFIG
    )
    body = re.fullmatch(r"<ul>\n<li>(.*)</li>\n</ul>", html, re.S)
    assert body, html
    text = body.group(1)
    assert "<" not in text and ">" not in text, text  # no tag of any kind survives
    import html as html_lib

    assert html_lib.unescape(text) == payload


def test_less_than_in_math_keeps_the_raw_html_after_it():
    # `$n-c<k$` once read as a tag `<k$` inside a markdown HTML block: the solution's
    # <pre> after it was rendered as Markdown (broken code, paragraphs inside <pre>).
    src = (
        '<details class="jb-q-answer" markdown>\n<summary>s</summary>\n\n'
        f"- {md_rich('当 $n-c<k$ 时返回 1，$$a<b$$')}\n\n"
        '<pre class="jb-solution"><code>import math\n\n\nclass A:\n'
        "    x = 1\n\n    def f(self):\n        return 2</code></pre>\n\n</details>\n"
    )
    html = markdown.markdown(src, extensions=EXTENSIONS, extension_configs=EXT_CONFIG)
    assert "<p><pre" not in html and "class A:\n    x = 1\n\n    def f" in html, html
    assert "n-c\\lt k" in html and "\\displaystyle a\\lt b" in html


def test_md_url_cannot_break_out_of_a_link():
    url = "https://x.org/a b)(<script>\"'"
    rendered = markdown.markdown(f"[t]({md_url(url)})", extensions=EXTENSIONS)
    assert rendered.count("<a ") == 1 and "<script" not in rendered
    assert 'href="https://x.org/a%20b%29%28%3Cscript%3E%22%27"' in rendered


def test_doc_titles_reads_markdown_and_notebooks(tmp_path: Path):
    (tmp_path / "a.md").write_text("intro\n\n# 标题 A\n", encoding="utf-8")
    (tmp_path / "b.ipynb").write_text(
        '{"cells": [{"cell_type": "markdown", "source": ["# 笔记本 B\\n", "x"]}]}', encoding="utf-8"
    )
    assert doc_titles(tmp_path) == {"a.md": "标题 A", "b.ipynb": "笔记本 B"}


def test_site_relpath_agrees_with_posixpath():
    import itertools
    import posixpath

    from jobbook.core.render import site_relpath

    segments = ["", ".", "..", "a", "b", "paths", "q.md"]
    paths = ["/".join(p) for n in range(4) for p in itertools.product(segments, repeat=n)]
    paths += ["/a/b", "//x", "a//b/", "./a/./b"]
    for target, start in itertools.product(paths, paths[:200]):
        if not target:
            continue  # posixpath refuses an empty target too
        assert site_relpath(target, start) == posixpath.relpath(target, start or "."), (
            target,
            start,
        )
