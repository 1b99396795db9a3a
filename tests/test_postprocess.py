"""Post-processing of mkdocs-jupyter HTML: no CDN scripts, working links, Unicode ids."""

from __future__ import annotations

import json

import pytest

from jobbook.site.notebooks import fix_doc_links, heading_slug, strip_cdn_scripts

from .helpers import ROOT

PAGE = """<head><!-- Load mathjax -->
<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js"> </script>
<!-- MathJax configuration --><script type="text/x-mathjax-config">init_mathjax()</script>
<!-- End of mathjax configuration --><script type="module">
  const mermaid = (await import("https://cdnjs.cloudflare.com/ajax/libs/mermaid/11.10.0/mermaid.esm.min.mjs")).default;
</script><script src="../assets/js/ours.js"></script></head>"""


def test_cdn_loaders_are_removed_and_our_scripts_kept():
    html = strip_cdn_scripts(PAGE)
    assert "cdnjs" not in html and "mathjax" not in html.lower()
    assert '<script src="../assets/js/ours.js"></script>' in html


def test_links_to_sources_point_to_built_pages_but_downloads_stay():
    html = fix_doc_links(
        '<a href="../math/kkt.md#kkt-conditions">k</a>'
        '<a href="pca-svd.ipynb">p</a>'
        '<a href="duality-kkt.ipynb" download>d</a>'
        '<a href="https://example.org/readme.md">e</a>'
        '<a href="#local">l</a>'
    )
    assert '<a href="../math/kkt.html#kkt-conditions">' in html
    assert '<a href="pca-svd.html">' in html
    assert '<a href="duality-kkt.ipynb" download>' in html
    assert '<a href="https://example.org/readme.md">' in html
    assert '<a href="#local">' in html


def test_heading_slug_keeps_chinese():
    assert heading_slug("梯度下降 vs 牛顿法") == "梯度下降-vs-牛顿法"
    assert heading_slug("KKT 条件") == "kkt-条件"


def test_cjk_soft_breaks_are_joined_outside_code():
    from jobbook.site.cjk import join_cjk_lines

    text = "第一行\n第二行，\n  继续\nEnglish\nline\n```\n代码\n注释\n```\n表格\n| a |\n"
    assert (
        join_cjk_lines(text)
        == "第一行第二行，继续\nEnglish\nline\n```\n代码\n注释\n```\n表格\n| a |\n"
    )


def test_search_dialog_gets_an_accessible_name():
    from jobbook.site.a11y import label_search_dialog

    html = '<div class="md-search" data-md-component="search" role="dialog"><label>'
    assert 'role="dialog" aria-label="站内搜索">' in label_search_dialog(html)
    assert label_search_dialog("<p>没有搜索框</p>") == "<p>没有搜索框</p>"


def test_changed_search_markup_stops_the_build():
    from jobbook.site.a11y import label_search_dialog
    from jobbook.site.patch import PatchTargetMissing

    changed = '<div data-md-component="search" class="md-search" role="dialog">'
    with pytest.raises(PatchTargetMissing, match=r"mkdocs-material .*搜索框"):
        label_search_dialog(changed)


@pytest.fixture
def search_index(monkeypatch):
    """Material's SearchIndex with counting spies in place of the two wrapped methods.

    The spies call the real methods; each test wraps them afresh (with an empty memo),
    so a pass-through wrapper, or one that never calls the original, is seen.
    """
    from material.plugins.search.plugin import SearchIndex

    from jobbook.site import speedups

    calls: dict[str, list[object]] = {"segment": [], "entries": []}
    segment = getattr(SearchIndex._segment_chinese, "__wrapped__", SearchIndex._segment_chinese)
    entries = getattr(
        SearchIndex.add_entry_from_context, "__wrapped__", SearchIndex.add_entry_from_context
    )

    def segment_spy(self, data):
        calls["segment"].append(data)
        return segment(self, data)

    def entries_spy(self, page):
        calls["entries"].append(page.content)
        return entries(self, page)

    monkeypatch.setattr(SearchIndex, "_segment_chinese", segment_spy)
    monkeypatch.setattr(SearchIndex, "add_entry_from_context", entries_spy)
    monkeypatch.setattr(speedups, "_SEGMENTS", speedups.OrderedDict())
    monkeypatch.setattr(speedups, "_USED", set())
    return SearchIndex, calls


# Texts as Material's search hands them over: kept tags, mixed scripts, punctuation, none.
SEGMENT_SAMPLES = [
    "互补松弛条件 KKT",
    "对偶问题",
    "<p>拉格朗日函数</p><ul><li>对偶间隙为零</li></ul>",
    "Slater 条件（强对偶）成立时，KKT 条件是最优性的充要条件。",
    "梯度下降法与牛顿法：收敛速度比较",
    "English only, no Han at all",
    "",
    "〇的写法与日本語のかな",
    "  前后有空格  ",
    "\u200b对偶\u200b问题\u200b",  # runs next to zero-width spaces already there (strip)
    "甲\u200b乙 丙",
]


def test_segmentation_is_materials_and_cuts_only_what_the_helper_did_not(search_index, monkeypatch):
    """Texts are put together from runs cut in the helper process: the same result as
    Material's own ``_segment_chinese``, and jieba in this process only for runs the helper
    never saw."""
    import jieba

    from jobbook.site import speedups

    SearchIndex, calls = search_index
    index = SearchIndex(lang=["zh"], separator=r"[\s\u200b]+")
    expected = [index._segment_chinese(text) for text in SEGMENT_SAMPLES]  # Material's code
    assert "对偶\u200b问题" in expected
    monkeypatch.setattr(speedups, "_RUNS", {})
    monkeypatch.setattr(speedups, "_PAGES", set())
    monkeypatch.setattr(speedups, "_PAGES_USED", set())
    monkeypatch.setattr(speedups, "_PENDING", [])
    monkeypatch.setattr(speedups, "_REQUESTED", set())
    monkeypatch.setenv("JOBBOOK_HELPER", "1")
    here: list[str] = []
    real_cut = jieba.cut
    monkeypatch.setattr(jieba, "cut", lambda text, *a, **k: here.append(text) or real_cut(text))
    assert speedups.memoise_search_segmentation() is True
    assert speedups.memoise_search_segmentation() is True  # idempotent: wrapped once
    calls["segment"].clear()

    # Page HTML as on_page_content sees it: tags Material drops join the text around them.
    page_html = "".join(f"<h2>{t}</h2>" for t in SEGMENT_SAMPLES[:5]) + "<p>拉格<em>朗日</em></p>"
    page_html += "".join(f"<p>{t}</p>" for t in SEGMENT_SAMPLES[5:])
    assert "拉格朗日" in speedups.han_runs(page_html)  # <em> is not one of Material's kept tags
    assert speedups.prefetch_segments(page_html, "页面标题") > 0
    assert [index._segment_chinese(t) for t in SEGMENT_SAMPLES] == expected
    assert here == []  # every run came from the helper
    assert calls["segment"] == []  # and Material's method was not needed

    assert index._segment_chinese("新的文字") == "新\u200b的\u200b文字"  # never prefetched
    assert len(here) == 1  # cut here, once
    assert index._segment_chinese("新的文字") == "新\u200b的\u200b文字" and len(here) == 1
    assert {"对偶问题", "新的文字"} <= set(speedups._SEGMENTS)
    assert {"对偶问题", "新的文字"} <= speedups._USED  # what save_segments keeps
    assert speedups.prefetch_segments("<p>新的一页</p>") == 1  # one new run
    assert speedups.prefetch_segments(page_html, "页面标题") == 0  # all cut or on their way


def test_a_run_never_sent_to_the_helper_does_not_wait_for_its_queue(monkeypatch):
    """Only runs still on their way are waited for; others are cut here at once."""
    import threading
    from concurrent.futures import Future

    from jobbook.site import speedups

    busy: Future[list[str]] = Future()  # the helper, still cutting another page's runs
    monkeypatch.setattr(speedups, "_RUNS", {})
    monkeypatch.setattr(speedups, "_PENDING", [(["别的页面"], busy)])
    monkeypatch.setattr(speedups, "_REQUESTED", {"别的页面"})
    out: list[str] = []
    worker = threading.Thread(
        target=lambda: out.append(speedups._from_runs("新的文字")), daemon=True
    )
    worker.start()
    worker.join(10)
    assert out == ["新\u200b的\u200b文字"]  # not blocked behind the busy helper
    assert [(["别的页面"], busy)] == speedups._PENDING  # still queued, not dropped
    busy.set_result(["别的\u200b页面"])
    assert speedups._from_runs("别的页面！") == "别的\u200b页面\u200b！"  # now collected
    assert speedups._PENDING == [] and not speedups._REQUESTED


def test_helper_that_dies_or_cannot_have_children_falls_back_to_this_process(monkeypatch):
    import os
    from types import SimpleNamespace

    from jobbook.site import offload

    monkeypatch.setenv("JOBBOOK_HELPER", "1")
    monkeypatch.setattr(offload, "_BROKEN", False)
    monkeypatch.setattr(offload, "_POOL", None)  # a helper of its own, killed below
    dying = offload.submit(os._exit, 1)  # the helper process exits mid-build
    assert offload.result(dying, offload.cut, ["对偶问题"]) == ["对偶\u200b问题"]
    assert offload._BROKEN and not offload.enabled() and offload._POOL is None
    future = offload.submit(offload.cut, ["问题"])  # no second helper: computed at once
    assert future.done() and future.result() == ["问题"]

    monkeypatch.setattr(offload, "_BROKEN", False)  # inside a daemonic process (a Pool worker)
    monkeypatch.setattr(
        offload.multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True)
    )
    assert not offload.enabled()
    assert offload.run(os.getpid) == os.getpid()


def test_search_entries_are_replayed_only_for_unchanged_pages(search_index, monkeypatch):
    from types import SimpleNamespace

    from jobbook.site import speedups
    from jobbook.site.speedups import memoise_search_entries

    monkeypatch.setattr(speedups, "_REPLAYED", [False])

    SearchIndex, calls = search_index

    def page(content: str, title: str = "页面") -> SimpleNamespace:
        toc = [SimpleNamespace(id="a", url="#a", children=[])]
        return SimpleNamespace(url="p.html", title=title, meta={}, content=content, toc=toc)

    def entries(p: SimpleNamespace) -> list[dict]:
        index = SearchIndex(lang=["zh"], separator=r"[\s\u200b]+")
        index.entries.append({"location": "other.html"})  # entries of earlier pages stay
        index.add_entry_from_context(p)
        assert index.entries[0] == {"location": "other.html"}
        return index.entries[1:]

    html = '<h1 id="a">互补松弛</h1><p>对偶问题</p>'
    plain = entries(page(html))
    assert memoise_search_entries() is True
    assert memoise_search_entries() is True  # idempotent
    calls["entries"].clear()
    first = entries(page(html))
    assert speedups._REPLAYED == [False]
    replay = entries(page(html))
    assert first == replay == plain
    # a replayed page's texts are not asked for: the segment cache must not claim the page
    assert speedups._REPLAYED == [True]
    assert calls["entries"] == [html]  # the second page was replayed, not parsed
    replay[0]["title"] = "changed"  # callers may mutate entries: the cache keeps its own copy
    assert entries(page(html)) == plain
    edited = entries(page(html.replace("对偶问题", "原始问题")))
    assert edited != plain and "原始" in edited[0]["text"]
    untitled = entries(page('<p id="b">无标题</p>', title="别的标题"))
    assert untitled[0]["title"].replace("\u200b", "") == "别的标题"
    assert len(calls["entries"]) == 3  # every changed page went through the original


@pytest.mark.parametrize("name", ["_segment_chinese", "add_entry_from_context"])
@pytest.mark.parametrize("change", ["removed", "renamed-parameter"])
def test_missing_search_internals_stop_the_build_naming_the_version(monkeypatch, name, change):
    from importlib.metadata import version

    from material.plugins.search.plugin import SearchIndex
    from mkdocs.exceptions import PluginError

    from jobbook.site import speedups

    if change == "removed":
        monkeypatch.delattr(SearchIndex, name)
    else:
        monkeypatch.setattr(SearchIndex, name, lambda self, other: None)
    before = dict(vars(SearchIndex))
    memoise = {
        "_segment_chinese": speedups.memoise_search_segmentation,
        "add_entry_from_context": speedups.memoise_search_entries,
    }[name]
    with pytest.raises(PluginError) as err:
        memoise()
    message = str(err.value)
    assert f"mkdocs-material {version('mkdocs-material')}" in message
    assert f"SearchIndex.{name}" in message
    assert dict(vars(SearchIndex)) == before  # nothing was patched


@pytest.mark.parametrize(
    ("module", "attr", "package"),
    [
        ("mkdocs_jupyter.plugin", "_get_markdown_toc", "mkdocs-jupyter"),
        ("mkdocs_jupyter.convert", "add_anchor_lower_id", "mkdocs-jupyter"),
        ("mkdocs_jupyter.nbconvert2", "SubCell", "mkdocs-jupyter"),
        ("nbconvert.preprocessors", "CoalesceStreamsPreprocessor", "nbconvert"),
    ],
)
def test_missing_notebook_internals_stop_the_build_naming_the_version(
    monkeypatch, module, attr, package
):
    import importlib
    from importlib.metadata import version

    pytest.importorskip("mkdocs_jupyter")
    from mkdocs.exceptions import PluginError
    from mkdocs_jupyter import convert, nbconvert2, plugin

    from jobbook.site.notebooks import patch_mkdocs_jupyter

    monkeypatch.delattr(importlib.import_module(module), attr)
    targets = [convert.__dict__.get("add_anchor_lower_id"), nbconvert2.__dict__.get("SubCell")]
    targets.append(plugin.__dict__.get("_get_markdown_toc"))
    with pytest.raises(PluginError) as err:
        patch_mkdocs_jupyter()
    assert f"{package} {version(package)}" in str(err.value) and attr in str(err.value)
    after = [convert.__dict__.get("add_anchor_lower_id"), nbconvert2.__dict__.get("SubCell")]
    assert [*after, plugin.__dict__.get("_get_markdown_toc")] == targets  # none patched


def test_notebook_headings_get_unicode_ids_through_mkdocs_jupyter(tmp_path):
    """mkdocs-jupyter's own code paths call the replacements (heading ids and TOC agree)."""
    nbformat = pytest.importorskip("nbformat")
    from mkdocs_jupyter import nbconvert2, plugin

    from jobbook.site.notebooks import patch_mkdocs_jupyter

    patch_mkdocs_jupyter()
    patch_mkdocs_jupyter()  # mkdocs serve: once per rebuild
    path = tmp_path / "nb.ipynb"
    cell = nbformat.v4.new_markdown_cell("# 标题\n\n## 梯度下降 vs 牛顿法", id="m")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    html = nbconvert2.nb2html(str(path), execute=False)
    assert 'id="梯度下降-vs-牛顿法"' in html
    toc, title = plugin.get_nb_toc(str(path), 3)
    assert title == "标题"
    assert [c.id for c in next(iter(toc)).children] == ["梯度下降-vs-牛顿法"]


def test_split_stdout_of_a_cell_is_rendered_as_one_block(tmp_path):
    """Whether the kernel flushed once or twice must not change the page."""
    nbformat = pytest.importorskip("nbformat")
    from mkdocs_jupyter import nbconvert2

    from jobbook.site.notebooks import patch_mkdocs_jupyter

    patch_mkdocs_jupyter()

    def page(chunks: list[str]) -> str:
        cell = nbformat.v4.new_code_cell("print('a'); print('b')", id="cell-1")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in chunks]
        path = tmp_path / f"nb{len(chunks)}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
        return nbconvert2.nb2html(str(path), execute=False)

    one, two = page(["a\nb\n"]), page(["a\n", "b\n"])
    assert one == two
    assert one.count('class="jp-RenderedText jp-OutputArea-output"') == 1


def test_compiled_templates_are_reused_but_edits_recompile(tmp_path):
    from jinja2 import Environment, FileSystemLoader

    from jobbook.core.templatecache import MemoryBytecodeCache

    cache = MemoryBytecodeCache()
    (tmp_path / "t.j2").write_text("旧 {{ x }}", encoding="utf-8")

    def render() -> str:  # a new environment per build, as MkDocs does
        env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
        return env.get_template("t.j2").render(x=1)

    assert render() == "旧 1" and len(cache._store) == 1
    assert render() == "旧 1" and len(cache._store) == 1
    (tmp_path / "t.j2").write_text("新 {{ x }}", encoding="utf-8")
    assert render() == "新 1" and len(cache._store) == 1  # same key, checksum mismatch


def test_segment_cache_round_trip_and_stale_or_broken_files_are_ignored(tmp_path, monkeypatch):
    from jobbook.site import speedups

    monkeypatch.setattr(speedups, "_SEGMENTS", speedups.OrderedDict())
    monkeypatch.setattr(speedups, "_USED", set())
    monkeypatch.setattr(speedups, "_PAGES", set())
    monkeypatch.setattr(speedups, "_PAGES_USED", set())
    monkeypatch.setattr(speedups, "_PENDING", [])
    monkeypatch.setattr(speedups, "_REQUESTED", set())
    monkeypatch.setattr(speedups, "_RUNS", {})
    monkeypatch.setattr(speedups, "_EVICTED", [False])
    monkeypatch.setattr(speedups, "_REPLAYED", [False])
    monkeypatch.setattr(speedups, "_ON_DISK", {})
    monkeypatch.setenv("JOBBOOK_HELPER", "1")
    cache = tmp_path / "segments.json"
    page = "<h1>对偶问题</h1>"
    assert speedups.prefetch_segments(page) == 1
    speedups._SEGMENTS.update({"对偶问题": "对偶\u200b问题", "没用上": "没\u200b用上"})
    speedups._USED.add("对偶问题")
    assert speedups.save_segments(cache) == 1  # only what this build used is kept

    speedups._SEGMENTS.clear()
    speedups._PAGES.clear()
    speedups._RUNS.clear()
    assert speedups.load_segments(cache) == 1
    assert speedups._SEGMENTS == {"对偶问题": "对偶\u200b问题"}
    assert speedups.prefetch_segments(page) == 0  # an unchanged page: nothing to cut
    assert speedups.prefetch_segments("<h1>对偶问题！</h1>") == 1  # a changed one is cut
    speedups._USED.add("对偶问题")
    speedups._SEGMENTS["旧页面的文字"] = "旧\u200b页面\u200b的\u200b文字"  # not asked for
    speedups._REPLAYED[0] = True  # serve replayed a page: the whole memo covers the pages
    assert speedups.save_segments(cache) == 2
    assert len(json.loads(cache.read_text(encoding="utf-8"))["pages"]) == 2
    assert speedups.prefetch_segments(page) == 0  # still claimed in this process
    speedups._EVICTED[0] = True  # a text of some page is gone: claim no page
    assert speedups.save_segments(cache) == 1
    assert json.loads(cache.read_text(encoding="utf-8"))["pages"] == []
    assert not speedups._PAGES  # nor in this process

    speedups._SEGMENTS.clear()
    data = json.loads(cache.read_text(encoding="utf-8"))
    cache.write_text(json.dumps({**data, "fingerprint": "jieba==0"}), encoding="utf-8")
    assert speedups.load_segments(cache) == 0  # other jieba/Material version: ignored
    for broken in ["{", "[]", '{"fingerprint": 1}', json.dumps({**data, "pages": {}})]:
        cache.write_text(broken, encoding="utf-8")
        assert speedups.load_segments(cache) == 0
    assert speedups.load_segments(tmp_path / "missing.json") == 0
    assert not speedups._SEGMENTS


def test_an_unchanged_segment_cache_is_not_written_again(tmp_path, monkeypatch):
    from jobbook.site import speedups

    monkeypatch.setattr(speedups, "_SEGMENTS", speedups.OrderedDict())
    for name in ("_USED", "_PAGES", "_PAGES_USED"):
        monkeypatch.setattr(speedups, name, set())
    monkeypatch.setattr(speedups, "_EVICTED", [False])
    monkeypatch.setattr(speedups, "_REPLAYED", [False])
    monkeypatch.setattr(speedups, "_ON_DISK", {})
    monkeypatch.setattr(speedups, "_PENDING", [])
    writes = []
    write_file = speedups.write_file
    monkeypatch.setattr(speedups, "write_file", lambda *a: writes.append(1) or write_file(*a))
    cache = tmp_path / "segments.json"

    def build(texts: dict[str, str]) -> None:  # a new process: load, use the texts, save
        speedups._SEGMENTS.clear()
        speedups.load_segments(cache)
        speedups._SEGMENTS.update(texts)
        speedups._USED.update(texts)
        speedups._PAGES_USED.add("digest-of-the-page")
        speedups.save_segments(cache)

    build({"对偶问题": "对偶\u200b问题"})
    assert len(writes) == 1
    build({"对偶问题": "对偶\u200b问题"})  # a warm build with the same texts
    assert len(writes) == 1
    build({"对偶问题": "对偶\u200b问题", "新的文字": "新的\u200b文字"})
    assert len(writes) == 2
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert set(data["segments"]) == {"对偶问题", "新的文字"}
    cache.unlink()  # someone cleared the cache: written again
    speedups.save_segments(cache)
    assert len(writes) == 3 and cache.is_file()
    cache.write_text(cache.read_text(encoding="utf-8") + " ", encoding="utf-8")  # another process
    speedups.save_segments(cache)
    assert len(writes) == 4


def test_notebook_pages_offer_download_colab_and_binder():
    from jobbook.site.notebooks import add_actions, run_links

    runs = run_links("notebooks/pca-svd.ipynb", "https://github.com/o/r", "main", "docs")
    assert runs == [
        (
            "在 Colab 中打开",
            "https://colab.research.google.com/github/o/r/blob/main/docs/notebooks/pca-svd.ipynb",
        ),
        (
            "在 Binder 中打开",
            "https://mybinder.org/v2/gh/o/r/main?labpath=docs/notebooks/pca-svd.ipynb",
        ),
    ]
    html = add_actions("<h1>PCA</h1><p>x</p>", "notebooks/pca-svd.ipynb", runs, offline=True)
    assert html.startswith('<h1>PCA</h1><p class="jb-nb-actions">')
    assert '<a class="md-button" href="pca-svd.ipynb" download>下载 .ipynb</a>' in html
    assert "（需要联网）" in html and 'rel="noopener noreferrer"' in html
    online = add_actions("<h1>PCA</h1>", "notebooks/pca-svd.ipynb", runs, offline=False)
    assert "需要联网" not in online
    assert run_links("notebooks/a.ipynb", "https://gitlab.com/o/r", "main", "docs") == []


def test_binder_requirements_match_the_lock():
    """Binder installs binder/requirements.txt: same versions as the lock the site builds with."""
    import re

    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([a-z0-9-]+)==([^\s\\]+)", lock, re.M))
    binder = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    wanted = dict(re.findall(r"^([a-z0-9-]+)==(\S+)$", binder, re.M))
    assert set(wanted) == {"numpy", "scipy", "scikit-learn", "matplotlib"}
    assert {name: pins[name] for name in wanted} == wanted
