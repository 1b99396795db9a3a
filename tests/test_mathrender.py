"""Build-time KaTeX: formulas become HTML + MathML, readers download no KaTeX JS."""

from __future__ import annotations

import json
import re

import pytest

from jobbook.site import mathrender
from jobbook.site.mathrender import add_stylesheet, render_math, render_tex

from .helpers import ROOT

KATEX = ROOT / "overrides/assets/vendor/katex/katex.min.js"
pytestmark = pytest.mark.skipif(not mathrender.available(), reason="mini-racer not installed")


def test_inline_and_display_math_with_escaped_tex():
    html = (
        '<p>若 <span class="arithmatex">\\(a &lt; b\\)</span>，则</p>\n'
        '<div class="arithmatex">\\[\n\\begin{aligned}\\sum_i x_i &amp;\\le 1\\end{aligned}\n\\]</div>'
    )
    out, errors = render_math(html, KATEX)
    assert errors == []
    assert "\\(" not in out and "\\[" not in out
    assert out.count('<span class="arithmatex"><span class="katex">') == 1
    assert '<div class="arithmatex"><span class="katex-display">' in out
    # the TeX was unescaped before rendering: MathML has the real operator
    assert "<mo>&lt;</mo>" in out and '<annotation encoding="application/x-tex">a &lt; b' in out
    assert "&amp;amp;" not in out


def test_rejected_formula_is_kept_and_reported():
    html = (
        '<span class="arithmatex">\\(\\frac{1}{\\)</span> <span class="arithmatex">\\(x\\)</span>'
    )
    out, errors = render_math(html, KATEX)
    assert len(errors) == 1 and "frac" in errors[0]
    assert '<span class="arithmatex">\\(\\frac{1}{\\)</span>' in out  # browser fallback
    assert out.count('class="katex"') == 1


def test_one_v8_call_per_page_and_memoised(monkeypatch):
    mathrender._MEMO.clear()
    v8 = mathrender._v8
    calls = []
    monkeypatch.setattr(mathrender, "_v8", lambda *a: calls.append(1) or v8(*a))
    html = "".join(f'<span class="arithmatex">\\(x_{i}\\)</span>' for i in range(5))
    first, _ = render_math(html, KATEX)
    assert len(calls) == 1 and first.count('class="katex"') == 5
    again, _ = render_math(html, KATEX)  # e.g. the next `mkdocs serve` rebuild
    assert again == first and len(calls) == 1
    mathrender._MEMO.clear()
    assert render_math(html, KATEX)[0] == first  # deterministic
    assert render_tex(KATEX, "x_0", False) in first


def test_typeset_formulas_are_kept_for_the_next_build(monkeypatch, tmp_path):
    """A rebuild typesets only what the last build did not; a stale file is ignored."""
    cache = tmp_path / "katex-formulas.json"
    html = "".join(f'<span class="arithmatex">\\(y_{i}\\)</span>' for i in range(3))
    mathrender._MEMO.clear()
    mathrender.load_cache(cache, KATEX)  # no file yet: a new build
    first, _ = render_math(html, KATEX)
    assert mathrender.save_cache(cache, KATEX) == 3
    mathrender._MEMO.clear()  # the next build is a new process
    v8 = mathrender._v8
    calls = []
    monkeypatch.setattr(mathrender, "_v8", lambda *a: calls.append(1) or v8(*a))
    assert mathrender.load_cache(cache, KATEX) == 3
    assert render_math(html, KATEX)[0] == first and calls == []
    render_math('<span class="arithmatex">\\(z\\)</span>', KATEX)
    assert calls == [1]  # only the new formula
    other = tmp_path / "katex.min.js"
    other.write_bytes(KATEX.read_bytes() + b"\n")  # another KaTeX
    mathrender._MEMO.clear()
    assert mathrender.load_cache(cache, other) == 0


def test_an_unchanged_formula_cache_is_not_written_again(monkeypatch, tmp_path):
    """A warm build that typesets nothing new leaves the (large) file alone."""
    cache = tmp_path / "katex-formulas.json"
    writes = []
    write_file = mathrender.write_file
    monkeypatch.setattr(mathrender, "write_file", lambda *a: writes.append(1) or write_file(*a))
    monkeypatch.setattr(mathrender, "_ON_DISK", {})

    def build(html: str) -> None:  # a new process: load, typeset, save
        mathrender._MEMO.clear()
        mathrender.load_cache(cache, KATEX)
        render_math(html, KATEX)
        mathrender.save_cache(cache, KATEX)

    page = '<span class="arithmatex">\\(a+b\\)</span>'
    build(page)
    assert len(writes) == 1
    build(page)
    assert len(writes) == 1
    build(page + '<span class="arithmatex">\\(c\\)</span>')  # a new formula
    assert len(writes) == 2
    build(page)  # one formula fewer: the file shrinks
    assert len(writes) == 3
    assert len(json.loads(cache.read_text(encoding="utf-8"))["formulas"]) == 1
    cache.unlink()
    mathrender.save_cache(cache, KATEX)
    assert len(writes) == 4 and cache.is_file()
    cache.write_text(cache.read_text(encoding="utf-8") + " ", encoding="utf-8")  # another process
    mathrender.save_cache(cache, KATEX)  # e.g. the next `mkdocs serve` rebuild: written again
    assert len(writes) == 5


def test_prefetch_typesets_on_the_worker_while_the_caller_goes_on(monkeypatch):
    """A page's formulas go to the KaTeX thread at once; writing the page finds them ready."""
    import threading

    mathrender._MEMO.clear()
    v8 = mathrender._v8
    threads: list[str] = []
    release = threading.Event()

    def slow_v8(*args):
        threads.append(threading.current_thread().name)
        release.wait(10)  # V8 busy with a long page
        return v8(*args)

    monkeypatch.setattr(mathrender, "_v8", slow_v8)
    html = "".join(f'<span class="arithmatex">\\(w_{i}\\)</span>' for i in range(4))
    mathrender.prefetch(KATEX, html)
    assert release.wait(0.2) is False  # prefetch returned while the worker still works
    release.set()
    out, errors = render_math(html, KATEX)
    assert errors == [] and out.count('class="katex"') == 4
    assert len(threads) == 1 and threads[0].startswith("jobbook-katex")  # one V8 call, there
    mathrender._MEMO.clear()
    assert render_math(html, KATEX)[0] == out  # the same HTML as without prefetch


def test_v8_runs_in_the_helper_process_or_here_when_it_is_off(monkeypatch):
    """Typesetting leaves this process's GIL alone; without the helper the HTML is the same."""
    import os

    from jobbook.site import offload

    assert offload.enabled()
    pid = offload.run(os.getpid)
    assert pid != os.getpid()  # a second process (the second core)
    formulas = [("\\frac{a}{b}", True), ("x^2", False)]
    there = mathrender._v8(KATEX, formulas)
    monkeypatch.setenv("JOBBOOK_HELPER", "0")
    assert offload.run(os.getpid) == os.getpid()
    assert mathrender._v8(KATEX, formulas) == there and there[0][0] is True


def test_stylesheet_goes_into_head():
    out = add_stylesheet("<html><head><title>x</title></head><body></body></html>", "../k.css")
    assert out.index('<link rel="stylesheet" href="../k.css">') < out.index("</head>")


@pytest.mark.site
def test_built_math_pages_need_no_katex_javascript(built_site):
    for page in sorted((built_site.site / "math").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert re.search(r'class="arithmatex">\s*\\[(\[]', html) is None, page.name
        if 'class="arithmatex"' in html:
            assert 'class="katex"' in html
            assert '<link rel="stylesheet" href="../assets/vendor/katex/katex.min.css">' in html
        assert "katex.min.js" not in html


def test_fonts_come_from_the_formulas_of_the_page():
    """The fonts to preload are those of the page's formulas, the same as scanning the page."""
    mathrender._MEMO.clear()
    html = (
        '<p class="mathbf">不是公式</p>'  # a class name outside KaTeX's HTML needs no font
        '<span class="arithmatex">\\(\\mathbf{x}+\\mathcal{L}\\)</span>'
        '<div class="arithmatex">\\[\\sum_{i=1}^n x_i\\]</div>'
    )
    out, errors, fonts = mathrender.typeset_page(html, KATEX)
    assert not errors
    formulas_only = out.replace('<p class="mathbf">不是公式</p>', "")
    assert fonts == mathrender.fonts_used(formulas_only)
    assert {"KaTeX_Main-Bold", "KaTeX_Caligraphic-Regular", "KaTeX_Size2-Regular"} <= set(fonts)
    again = mathrender.typeset_page(html, KATEX)  # the per-formula lookup is remembered
    assert again == (out, errors, fonts)
    assert mathrender.typeset_page("<p>无公式</p>", KATEX) == ("<p>无公式</p>", [], [])
