"""Let the browser skip content far below the first screen until the reader nears it.

On a phone the heavy pages (math chapters, notebooks: 5-10k elements, two thirds KaTeX)
spent most of their start-up restyling the whole document several times: Material's
no-js → js swap, the palette, fonts arriving (#17, BENCHMARKS.md). An element with
``content-visibility: auto`` is neither styled nor laid out while it is off screen, so
each of those passes only touches what is near the screen.

The build marks such elements with ``data-jb-defer`` and a placeholder height estimated
from their text, formulas, lines and plots (``contain-intrinsic-size: auto <h>px``: once
the element has rendered the browser keeps its real height). What is never deferred:

- the first screens (by that estimate), so nothing a reader sees at load moves (CLS 0);
- headings, and blocks containing one: Material's table of contents reads every heading's
  position whenever the page height changes, which would make the browser render them;
- blocks with tables, code, images, SVG or collapsed details: their sizing stays as it is.

``a11y.js`` makes sideways-scrolling blocks focusable only after measuring them, and it
does not measure inside a skipped element (that would render it at once). So the build
marks the blocks of deferred content that may scroll (display formulas, notebook code) as
focusable regions; ``a11y.js`` unmarks those that do not scroll when they render.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

ATTR = "data-jb-defer"
# The marks a11y.js gives a block that scrolls (overrides/src/a11y.js, LABELS).
FORMULA_MARK = ' tabindex="0" data-jobbook-scroll="" role="region" aria-label="公式（可左右滚动）"'
CODE_MARK = ' tabindex="0" data-jobbook-scroll="" role="region" aria-label="代码（可左右滚动）"'

# ---- Markdown pages (math chapters) ----

# Lighthouse's phone is 412 px wide: the text column holds about 23 CJK characters
# (16 px each) in lines of 25.6 px; Latin letters and TeX source take about half a
# character. A display formula is about 60 px, plus 26 px per extra row.
_LINE_PX, _CHARS_PER_LINE, _BLOCK_MARGIN_PX = 25.6, 23, 16
_FORMULA_PX, _FORMULA_ROW_PX, HEADING_PX = 60, 26, 56
_CLOSED_DETAILS_PX = 44
# Never deferred: the first 1500 px on a phone (1.8 screens of 823 px). At 1280-1350 px
# the same content is about 0.8 as tall (formulas do not shrink): still below a 940 px
# screen, so no element a reader sees at load is first drawn at its placeholder height.
FIRST_SCREENS_PX = 1500
_DEFERRABLE = {"p", "ul", "ol", "div"}  # not blockquote, dl: margins collapse through them
# Tables: Material wraps them in a scrolling box that a11y.js measures from outside.
_KEEP = re.compile(r"<(?:h[1-6]|table|pre|img|svg|iframe|input|script|details)\b", re.I)
_INLINE_DISPLAY = re.compile(r'(<span class="arithmatex")>(\s*\\\[)')
_DISPLAY = re.compile(r'<div class="arithmatex">\s*\\\[(.*?)\\\]\s*</div>', re.S)
_TAG = re.compile(r"<[^>]+>")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_ITEM = re.compile(r"<li\b")
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_FIRST_TAG = re.compile(r"<([a-zA-Z][\w-]*)")


class _TopLevel(HTMLParser):
    """(start, end, tag, end of the start tag) of each top-level element of a fragment."""

    def __init__(self, text: str, inside: bool = False) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.inside = inside  # the fragment is an element's content: its end tag ends it
        self.end: int | None = None
        self.lines = [0]
        for m in re.finditer("\n", text):
            self.lines.append(m.end())
        self.depth = 0
        self.start = 0
        self.head_end = 0
        self.blocks: list[tuple[int, int, str, int]] = []
        self.broken = False

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if self.end is not None:
            return
        if tag in _VOID:
            self.handle_startendtag(tag, attrs)
            return
        if self.depth == 0:
            self.start = self._offset()
            # the tag's own text: a ">" inside a quoted attribute does not end it
            self.head_end = self.start + len(self.get_starttag_text() or "")
        self.depth += 1

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        if self.depth == 0 and self.end is None:
            start = self._offset()
            end = start + len(self.get_starttag_text() or "")
            self.blocks.append((start, end, tag, end))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or self.end is not None:
            return
        self.depth -= 1
        if self.depth < 0 and self.inside:
            self.end = self._offset()
            self.depth = 0
        elif self.depth < 0:
            self.broken = True
            self.depth = 0
        elif self.depth == 0:
            end = self.text.index(">", self._offset()) + 1
            first = _FIRST_TAG.match(self.text, self.start)
            name = first[1].lower() if first else tag
            self.blocks.append((self.start, end, name, self.head_end))


def top_level_blocks(fragment: str, inside: bool = False) -> list[tuple[int, int, str, int]] | None:
    """Top-level elements of ``fragment``; None if its tags do not nest (then defer nothing).

    With ``inside``, ``fragment`` starts inside an element and ends at its end tag.
    """
    parser = _TopLevel(fragment, inside)
    parser.feed(fragment)
    parser.close()
    if parser.broken or (parser.depth and parser.end is None):
        return None
    return parser.blocks


def _text_units(html: str) -> float:
    text = _TAG.sub("", html)
    cjk = len(_CJK.findall(text))
    return cjk + 0.5 * (len(text.strip()) - cjk)


def block_height(html: str) -> int:
    """Estimated height in px of a Markdown block on a phone."""
    if html.startswith("<details") and " open" not in html[: html.index(">")]:
        return _CLOSED_DETAILS_PX  # only its summary shows
    formulas = _DISPLAY.findall(html)
    rows = sum(f.count("\\\\") for f in formulas)
    prose = _DISPLAY.sub("", html)
    items = len(_ITEM.findall(prose))
    lines = math.ceil(_text_units(prose) / _CHARS_PER_LINE) + items
    height = _BLOCK_MARGIN_PX + _LINE_PX * lines
    height += _FORMULA_PX * len(formulas) + _FORMULA_ROW_PX * rows
    return round(height)


def _defer_display(m: re.Match[str]) -> str:
    end = m.string.find("\\]", m.end())
    rows = m.string.count("\\\\", m.end(), end) if end > 0 else 0
    height = _FORMULA_PX + _FORMULA_ROW_PX * rows
    return f'{m[1]} {ATTR}="" style="contain-intrinsic-size:auto {height}px">{m[2]}'


def _mark_formulas(block: str) -> str:
    """Mark the display formulas of a deferred block as a11y.js would."""
    return block.replace('<div class="arithmatex">', f'<div class="arithmatex"{FORMULA_MARK}>')


def defer_blocks(fragment: str, keep_px: int = FIRST_SCREENS_PX, inside: bool = False) -> str:
    """Mark the top-level blocks of a page's content below the first screens as deferred.

    ``inside``: ``fragment`` is the rest of the page after an element's start tag; only
    that element's children are considered.
    """
    return _defer_blocks(fragment, keep_px, inside)[0]


def _defer_blocks(fragment: str, keep_px: float, inside: bool) -> tuple[str, float]:
    """:func:`defer_blocks`, and the estimated height of the blocks."""
    blocks = top_level_blocks(fragment, inside)
    if not blocks:
        return fragment, 0.0
    out: list[str] = []
    pos = 0
    seen = 0.0
    for start, end, tag, head_end in blocks:
        block = fragment[start:end]
        out.append(fragment[pos:start])
        pos = end
        if re.fullmatch(r"h[1-6]", tag):
            seen += HEADING_PX
            out.append(block)
            continue
        height = block_height(block)
        top, seen = seen, seen + height
        head = fragment[start : head_end - 1]  # without the closing ">"
        if top < keep_px or tag not in _DEFERRABLE or _KEEP.search(block) or head.endswith("/"):
            out.append(block)
            continue
        if tag == "p" and _INLINE_DISPLAY.search(block):
            # A display formula inside a paragraph (notebooks) is a block whose margins
            # collapse through the paragraph's, which containment would stop: the
            # formula itself is deferred instead (jobbook.css gives it those margins).
            out.append(_INLINE_DISPLAY.sub(_defer_display, block))
            continue
        attrs = f' {ATTR}="" style="contain-intrinsic-size:auto {height}px"'
        mark = FORMULA_MARK if head == '<div class="arithmatex"' else ""
        out.append(head + attrs + mark + _mark_formulas(block[len(head) :]))
    out.append(fragment[pos:])
    return "".join(out), seen


# ---- Notebook pages ----

# Where each cell starts: mkdocs-jupyter wraps a code cell in a second div without an id
# (the inner one has it); a Markdown cell is one div with an id.
_CELL_START = re.compile(
    r'<div class="(jp-Cell jp-CodeCell[^"]*)">|<div class="(jp-Cell jp-MarkdownCell[^"]*)" id='
)
_MARKDOWN_CONTENT = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>')
_CODE_INPUT = re.compile(r'<div class="(highlight-ipynb[^"]*)"><pre>(.*?)</pre>', re.S)
_TEXT_OUTPUT = re.compile(r'<div class="jp-RenderedText[^"]*"[^>]*>\s*<pre>(.*?)</pre>', re.S)
_IMG_SIZE = re.compile(r'<img\b[^>]*\swidth="(\d+)"\s+height="(\d+)"')
# Measured at 412 px on the built pages: code does not wrap (18 px a line), text output
# wraps a little (about 24 px a line), plots are drawn about 300 px wide.
_CODE_LINE_PX, _OUTPUT_LINE_PX, _CELL_PAD_PX, _PLOT_WIDTH_PX = 18, 24, 24, 300
_NOTEBOOK_TOP_PX = 200  # the title and the download / Colab / Binder links


def cell_height(cell_html: str) -> int:
    """A code cell's estimated height in px on a phone, from its lines and plots."""
    code = sum(m[2].count("\n") + 1 for m in _CODE_INPUT.finditer(cell_html))
    output = sum(m[1].count("\n") + 1 for m in _TEXT_OUTPUT.finditer(cell_html))
    plots = sum(
        round(int(h) * min(1.0, _PLOT_WIDTH_PX / max(int(w), 1)))
        for w, h in _IMG_SIZE.findall(cell_html)
    )
    return _CELL_PAD_PX + _CODE_LINE_PX * code + _OUTPUT_LINE_PX * output + plots


def defer_cells(html: str, keep_px: int = FIRST_SCREENS_PX) -> str:
    """Mark what of a notebook page lies below the first screens (estimated) as deferred.

    A code cell is deferred whole, its code block marked focusable until ``a11y.js``
    measures it. A Markdown cell carries headings: its blocks are deferred one by one
    (:func:`defer_blocks`), its headings never.
    """
    starts = list(_CELL_START.finditer(html))
    if not starts:
        return html
    out: list[str] = [html[: starts[0].start()]]
    seen = float(_NOTEBOOK_TOP_PX)
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(html)
        cell = html[m.start() : end]
        if m[1] is not None:
            height = cell_height(cell)
            if seen >= keep_px:
                head = (
                    f'<div class="{m[1]}" {ATTR}="" style="contain-intrinsic-size:auto {height}px">'
                )
                body = _CODE_INPUT.sub(
                    lambda c: f'<div class="{c[1]}"{CODE_MARK}><pre>{c[2]}</pre>',
                    html[m.end() : end],
                )
                cell = head + body
            seen += height
        elif (content := _MARKDOWN_CONTENT.search(cell)) is not None:
            rest, height = _defer_blocks(cell[content.end() :], keep_px - seen, inside=True)
            cell = cell[: content.end()] + rest
            seen += height + _CELL_PAD_PX
        out.append(cell)
    return "".join(out)
