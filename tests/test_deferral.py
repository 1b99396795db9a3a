"""Content below the first screens is marked for the browser to skip (#17): which blocks,
with what placeholder height, and the focusable marks a11y.js relies on."""

from __future__ import annotations

import re

import pytest

from jobbook.site import mathrender
from jobbook.site.deferral import (
    ATTR,
    CODE_MARK,
    FORMULA_MARK,
    HEADING_PX,
    block_height,
    cell_height,
    defer_blocks,
    defer_cells,
    top_level_blocks,
)

from .helpers import ROOT

KATEX = ROOT / "overrides/assets/vendor/katex/katex.min.js"
PROSE = "<p>" + "梯度下降的每一步都沿负梯度方向前进。" * 6 + "</p>\n"
FORMULA = '<div class="arithmatex">\\[ f(x)=\\tfrac12 x^\\top A x - b^\\top x \\]</div>\n'


def _page(blocks: int) -> str:
    return '<h1 id="t">标题</h1>\n' + "".join(
        (f'<h2 id="s{i}">第 {i} 节</h2>\n' if i % 4 == 0 else "") + (FORMULA if i % 2 else PROSE)
        for i in range(blocks)
    )


def first_screen(html: str) -> str:
    """The part of a page before its first deferred element."""
    cut = html.find(f" {ATTR}=")
    return html if cut < 0 else html[:cut]


def _deferred(html: str) -> list[str]:
    return re.findall(rf"<(\w+)[^>]*\s{ATTR}=", html)


def test_top_level_blocks_are_found_with_their_offsets():
    html = '<p>a<br>b</p>\n<hr>\n<ul><li>x</li></ul><img src="a.png"/>'
    blocks = top_level_blocks(html)
    assert [(html[s:e], t) for s, e, t, _ in blocks] == [
        ("<p>a<br>b</p>", "p"),
        ("<hr>", "hr"),
        ("<ul><li>x</li></ul>", "ul"),
        ('<img src="a.png"/>', "img"),
    ]
    assert top_level_blocks("<div><p>x</div></p></div>") is None  # does not nest: no deferral


def test_blocks_after_the_first_screens_are_deferred_with_their_estimated_height():
    html = _page(40)
    out = defer_blocks(html, keep_px=1500)
    # nothing is lost or reordered: removing the marks gives the page back
    stripped = re.sub(rf' {ATTR}="" style="[^"]*"', "", out).replace(FORMULA_MARK, "")
    assert stripped == html
    kept = first_screen(out)
    blocks = re.findall(r"<p>.*?</p>|<div.*?</div>", kept)
    headings = len(re.findall(r"<h[1-6]", kept))
    assert sum(map(block_height, blocks)) + HEADING_PX * headings >= 1500
    assert ATTR not in kept and "<h1" in kept
    deferred = _deferred(out)
    assert deferred and set(deferred) == {"p", "div"}  # never a heading
    heights = [int(h) for h in re.findall(r"contain-intrinsic-size:auto (\d+)px", out)]
    assert heights and all(
        h == block_height(PROSE.strip()) or h == block_height(FORMULA.strip()) for h in heights
    )
    assert block_height(PROSE * 2) > block_height(PROSE) > block_height("<p>短</p>")
    assert block_height(FORMULA) > block_height("<p></p>")
    # a short page keeps everything
    assert ATTR not in defer_blocks(_page(3), keep_px=1500)


def test_deferred_formulas_are_focusable_until_measured():
    out = defer_blocks(_page(40), keep_px=1500)
    # a deferred display formula, on its own or inside a deferred list, carries the mark
    assert f'<div class="arithmatex" {ATTR}=""' in out
    inside = defer_blocks("<p>x</p>\n<ul><li>" + FORMULA + "</li></ul>", keep_px=1)
    assert f'<div class="arithmatex"{FORMULA_MARK}>' in inside
    assert inside.count(FORMULA_MARK) == 1
    # formulas of the first screens are left to a11y.js
    assert FORMULA_MARK not in first_screen(out)


def test_a_quoted_greater_than_sign_does_not_end_the_start_tag():
    out = defer_blocks('<p>x</p>\n<p title="a>b">y</p>', keep_px=1)
    assert (
        out == f'<p>x</p>\n<p title="a>b" {ATTR}="" style="contain-intrinsic-size:auto 42px">y</p>'
    )


@pytest.mark.parametrize(
    "block",
    [
        "<table><tr><td>1</td></tr></table>",
        '<div class="admonition"><h3 id="x">小标题</h3><p>x</p></div>',
        '<div class="highlight"><pre><code>x = 1</code></pre></div>',
        "<details><summary>证明</summary><p>x</p></details>",
        '<p><img src="a.png" alt="图"></p>',
        "<hr>",
    ],
)
def test_blocks_that_measure_or_scroll_themselves_are_never_deferred(block):
    out = defer_blocks(_page(40) + block, keep_px=1500)
    assert out.endswith(block)


@pytest.mark.skipif(not mathrender.available(), reason="mini-racer not installed")
def test_typesetting_keeps_the_marks_of_a_deferred_formula():
    out = defer_blocks("<p>x</p>\n" + FORMULA, keep_px=1)
    html, errors = mathrender.render_math(out, KATEX)
    assert errors == []
    assert re.search(
        rf'<div class="arithmatex" {ATTR}="" style="[^"]+"{FORMULA_MARK}>'
        r'<span class="katex-display">',
        html,
    )


def test_a_closed_details_block_counts_as_its_summary():
    proof = "<details><summary>证明</summary>" + PROSE * 10 + "</details>"
    assert block_height(proof) < block_height(PROSE)
    assert block_height(proof.replace("<details>", "<details open>")) > block_height(PROSE * 9)


# ---- notebook pages ----


def _md_cell(n: int) -> str:
    return (
        f'<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="cell-id=nb-{n}">\n'
        '<div class="jp-Cell-inputWrapper"><div class="jp-InputArea">'
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">\n'
        f'<h2 id="s{n}">第 {n} 节</h2>\n{PROSE}</div>\n</div>\n</div>\n</div>\n'
    )


def _code_cell(n: int, lines: int, output: int = 0, plot: tuple[int, int] | None = None) -> str:
    code = "\n".join(f"x{i} = {i}" for i in range(lines))
    out = "\n".join("0.5" for _ in range(output))
    img = f'<img alt="图" src="nb/fig.png" width="{plot[0]}" height="{plot[1]}">' if plot else ""
    text = (
        f'<div class="jp-RenderedText jp-OutputArea-output" tabindex="0"><pre>{out}</pre></div>'
        if output
        else ""
    )
    return (
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell">\n'
        f'<div class="jp-Cell jp-CodeCell jp-Notebook-cell" id="cell-id=nb-{n}">'
        f'<div class="highlight-ipynb hl-python"><pre>{code}</pre></div>{text}{img}'
        "</div>\n</div>\n"
    )


def test_notebook_cells_below_the_first_screens_are_deferred():
    cells = [_md_cell(0), _code_cell(1, 3), _md_cell(2), _code_cell(3, 10, output=2)]
    cells += [_md_cell(4), _code_cell(5, 2, plot=(1200, 600))]
    html = "<main>" + "".join(cells) + "</main>"
    # the keep line falls just after the first code cell: the rest is deferred
    first = defer_cells("<main>" + "".join(cells[:2]) + "</main>", keep_px=10**6)
    keep = 200 + HEADING_PX + block_height(PROSE.strip()) + 24 + cell_height(cells[1]) + 1
    out = defer_cells(html, keep_px=keep)
    assert out.startswith(first.removesuffix("</main>"))
    assert ATTR not in first
    assert len(re.findall(rf'<div class="jp-Cell jp-CodeCell[^"]*" {ATTR}=', out)) == 2
    assert len(re.findall(rf"<p {ATTR}=", out)) == 2  # the prose of cells 2 and 4
    assert not re.search(rf"<h2[^>]*{ATTR}", out)  # headings never
    heights = re.findall(
        r'jp-CodeCell[^"]*" data-jb-defer="" style="contain-intrinsic-size:auto (\d+)px', out
    )
    assert [int(h) for h in heights] == [cell_height(cells[3]), cell_height(cells[5])]
    # the code of a deferred cell is focusable until the browser renders and measures it
    assert out.count(CODE_MARK) == 2
    stripped = re.sub(rf' {ATTR}="" style="[^"]*"', "", out).replace(CODE_MARK, "")
    assert stripped == html


def test_a_code_cell_is_as_tall_as_its_lines_outputs_and_plots():
    assert cell_height(_code_cell(0, 20)) > cell_height(_code_cell(0, 10))
    assert cell_height(_code_cell(0, 10, output=4)) > cell_height(_code_cell(0, 10))
    plot = cell_height(_code_cell(0, 2, plot=(1200, 600)))
    assert plot - cell_height(_code_cell(0, 2)) == 150  # drawn 300 px wide: 600 × 300/1200


def test_a_display_formula_inside_a_paragraph_is_deferred_itself():
    # notebooks write display math as a span inside the paragraph: its margins collapse
    # through the paragraph's, which containment on the paragraph would stop
    para = '<p>于是 <span class="arithmatex">\\[ x^2 \\\\ y \\]</span></p>'
    out = defer_blocks("<p>x</p>\n" + para + "\n" + PROSE, keep_px=1)
    assert f'<p>于是 <span class="arithmatex" {ATTR}="" style=' in out
    assert f"<p {ATTR}=" in out  # the prose after it is deferred as usual
    heights = re.findall(
        r'arithmatex" data-jb-defer="" style="contain-intrinsic-size:auto (\d+)px', out
    )
    assert [int(h) for h in heights] == [block_height(FORMULA.replace("f(x)", "x \\\\ y")) - 16]
