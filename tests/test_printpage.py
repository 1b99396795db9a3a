"""Print pages assembled from rendered stage and topic pages (MkDocs hook path)."""

from __future__ import annotations

import pytest

from jobbook.core.render import render_pages
from jobbook.site.printpage import MissingPage, assemble, demote, prefix_ids, rebase_links

STAGE = (
    '<h1 id="s1">阶段一</h1>\n<p class="jb-facts">路线</p>\n'
    '<h2 id="own">自有专题<a class="headerlink" href="#own">¶</a></h2>\n'
    '<p>看 <a href="#own">这里</a> 和 <a href="s2.html">下一阶段</a></p>\n'
    '<h2 id="shared">共享专题</h2>\n<p class="jb-shared">摘要，完整内容见专题页</p>\n'
    '<h2 id="s1-milestones">阶段里程碑</h2>\n<label for="x"><input id="x"></label>\n'
)
TOPIC = (
    '<h1 id="shared">共享专题</h1>\n<p class="jb-facts">出现在：……</p>\n'
    '<h2 id="shared-points">知识要点</h2>\n<p><a href="../math/kkt.html#kkt">KKT</a> '
    '<a href="https://example.org/a">外链</a> <img src="../assets/x.png"></p>\n'
)
PAGES = {"paths/p/s1.md": STAGE, "topics/shared.md": TOPIC}
SKELETON = (
    '<h1>打印版</h1><h2 id="s1">阶段一</h2>'
    '<div data-jobbook-print-stage="paths/p/s1.md" data-jobbook-print-shared="shared"></div>'
)


def test_helpers():
    assert demote("<h1>a</h1><h5>b</h5><h6>c</h6>", 2) == "<h3>a</h3><h6>b</h6><h6>c</h6>"
    assert prefix_ids('<a id="a" href="#a"></a><b aria-labelledby="a b">', "s--") == (
        '<a id="s--a" href="#s--a"></a><b aria-labelledby="s--a s--b">'
    )
    html = '<a href="../math/x.html#y"></a><a href="https://e.org/"></a><a href="#k"></a>'
    assert rebase_links(html, "topics/t.md", "paths/p/print.md") == (
        '<a href="../../math/x.html#y"></a><a href="https://e.org/"></a><a href="#k"></a>'
    )


def test_stage_is_inlined_with_the_full_shared_topic():
    html = assemble(SKELETON, "paths/p/print.md", PAGES.get)
    assert html.count("<h1") == 1 and "阶段一</h1>" not in html  # the stage's own h1 is dropped
    assert '<h3 id="s1--own">' in html and 'href="#s1--own"' in html
    assert 'href="s2.html"' in html  # same folder: unchanged
    # the shared topic's summary is replaced by its topic page body, one level lower
    assert "摘要" not in html and "出现在" not in html
    assert '<h4 id="s1--shared-points">知识要点</h4>' in html
    assert 'href="../../math/kkt.html#kkt"' in html and 'src="../../assets/x.png"' in html
    assert 'href="https://example.org/a"' in html
    assert '<h3 id="s1--s1-milestones">' in html and '<label for="s1--x"><input id="s1--x">' in html


def test_missing_page_is_reported():
    with pytest.raises(MissingPage):
        assemble(SKELETON, "paths/p/print.md", {"paths/p/s1.md": STAGE}.get)


def test_jobbook_build_still_writes_the_full_print_markdown(roadmap_dir):
    roadmap_dir.write(
        "p.yml",
        """
        path:
          id: p
          title: 路线
          summary: 简介
          stages:
            - id: s1
              title: 阶段一
              topics:
                - id: own
                  title: 自有专题
                  points: [要点]
        """,
    )
    full = {p.path: p for p in render_pages(roadmap_dir.check())}
    hook = {p.path: p for p in render_pages(roadmap_dir.check(), print_skeletons=True)}
    page, skeleton = full["paths/p/print.md"], hook["paths/p/print.md"]
    assert "### 自有专题" in page.content and "data-jobbook-print-stage" not in page.content
    assert not page.assembled and skeleton.assembled
    assert "### 自有专题" not in skeleton.content
    assert 'data-jobbook-print-stage="paths/p/s1.md"' in skeleton.content
    assert [p for p in hook.values() if p.assembled] == [skeleton]
    assert all(hook[k].content == v.content for k, v in full.items() if k != page.path)
