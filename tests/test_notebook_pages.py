"""Notebook pages stay light (#17): one shared stylesheet, plots as sized image files,
math typeset at build time like the Markdown pages.

The unit tests run without a build; the ``built_site`` ones check the real pages."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from html.parser import HTMLParser

import pytest

from jobbook.site.notebooks import (
    compact_code,
    extract_images,
    figure_titles,
    notebook_css,
    png_size,
    prune_css,
    raw_tex,
    split_styles,
    styled_tokens,
    stylesheet_name,
)

# Budgets for every notebook page. HTML: most of what is left is the build-time KaTeX
# (HTML + MathML, about half of the math-heavy pages) and the highlighted code; it was
# 0.75-1.36 MB with the inline CSS and base64 plots. Shared CSS: 595 KB before pruning.
MAX_PAGE_BYTES = 420_000
MAX_NOTEBOOK_CSS_BYTES = 80_000
MAX_STYLE_BLOCK = 2_000


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    idat = zlib.compress(raw)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _img(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return (
        '<img alt="No description has been provided for this image" class="" '
        f'src="data:image/png;base64,{encoded}"/>'
    )


# ---- unit tests ----


def test_styles_leave_the_body_and_the_python_list_repr_is_dropped():
    page = (
        "<html><head><style>.head{}</style></head><body><p>a</p>"
        '<style type="text/css">\n.jp-Cell{color:red}\n</style>\n<p>b</p>'
        "<style>\n  ['pre { line-height: 125%; }']\n</style></body></html>"
    )
    html, blocks = split_styles(page)
    assert blocks == [".jp-Cell{color:red}"]
    assert html == "<html><head><style>.head{}</style></head><body><p>a</p><p>b</p></body></html>"
    assert stylesheet_name(blocks) == stylesheet_name([".jp-Cell{color:red}"])
    assert stylesheet_name(blocks) != stylesheet_name([".jp-Cell{color:blue}"])
    assert re.fullmatch(r"assets/css/notebook-[0-9a-f]{10}\.css", stylesheet_name(blocks))


def test_pruning_keeps_what_can_match_and_drops_what_cannot():
    css = (
        '@charset "UTF-8";.jupyter-wrapper{--x:1}'
        ".jupyter-wrapper .bp3-alert,.jupyter-wrapper .jp-Cell{margin:0}"
        ".jupyter-wrapper .bp3-menu{color:red}"
        ".jupyter-wrapper :root{--y:2}"
        ".jp-Mermaid:not(.jp-mod-warning) pre{display:none}"
        ".jp-Cell:not(.jp-mod-absent){padding:1px}"
        "table{width:max-content}"
        "@media (max-width:760px){.jp-Cell{padding:0}.bp3-menu{padding:0}}"
        "@keyframes spin{to{transform:rotate(1turn)}}"
        ".md-typeset .unknown-class{color:blue}"
    )
    out = prune_css(css, {"jupyter-wrapper", "jp-Cell"})
    assert ".jupyter-wrapper{--x:1}" in out
    assert ".jupyter-wrapper .jp-Cell{margin:0}" in out and "bp3" not in out
    assert ":root" not in out and "Mermaid" not in out
    assert ".jp-Cell:not(.jp-mod-absent){padding:1px}" in out  # classes inside :not() may be absent
    assert "table{width:max-content}" in out
    assert "@media (max-width:760px){.jp-Cell{padding:0}}" in out
    assert "@keyframes spin" in out and ".md-typeset .unknown-class{color:blue}" in out
    assert "@charset" not in out
    full = notebook_css([css], {"jupyter-wrapper", "jp-Cell"})
    assert full.startswith('@charset "UTF-8";') and full.count("@charset") == 1


def test_pruned_notebook_css_is_kept_for_the_next_build(tmp_path, monkeypatch):
    from jobbook.site import notebooks

    css = ".jupyter-wrapper{--x:1}.jp-Cell{margin:0}.bp3-x{color:red}"
    cache = tmp_path / "notebook-css.json"
    calls = []
    real = notebooks.notebook_css
    monkeypatch.setattr(notebooks, "notebook_css", lambda *a: calls.append(1) or real(*a))
    first = notebooks.notebook_css_kept([css], {"jp-Cell"}, cache)
    assert first == real([css], {"jp-Cell"}) and len(calls) == 1
    assert notebooks.notebook_css_kept([css], {"jp-Cell"}, cache) == first and len(calls) == 1
    other = notebooks.notebook_css_kept([css], {"jp-Cell", "bp3-x"}, cache)  # a new class
    assert ".bp3-x" in other and len(calls) == 2
    cache.write_text("{", encoding="utf-8")  # a broken file is recomputed, not trusted
    assert notebooks.notebook_css_kept([css], {"jp-Cell"}, cache) == first and len(calls) == 3


def test_embedded_plots_become_sized_lazy_files_with_alt_text():
    first, second = _png(3, 2), _png(5, 4)
    page = (
        '<div id="cell-id=nb-01"><h2 id="x">数据<a class="anchor-link" href="#x">¶</a></h2>'
        f"{_img(first)}</div>"
        f'<div id="cell-id=nb-02">{_img(second)}</div>'
        f'<div id="cell-id=nb-03">{_img(first)}</div>'
    )
    sources = {"nb-02": 'ax.set_title(f"Loss at step {k}"); fig.suptitle("Two \\"panels\\"")'}
    html, files = extract_images(page, "nb", sources)
    assert "data:image" not in html
    assert sorted(files.values()) == sorted([first, second])  # one file per distinct plot
    imgs = re.findall(r"<img[^>]*>", html)
    assert len(imgs) == 3
    assert 'width="3" height="2"' in imgs[0] and 'width="5" height="4"' in imgs[1]
    assert all('loading="lazy"' in i for i in imgs)  # plots start below the first screen
    eager, _ = extract_images(page, "nb", sources, eager=1)
    assert eager.count('loading="lazy"') == 2
    assert all('decoding="async"' in i and not i.startswith("<img/") for i in imgs)
    assert 'alt="图：数据（第 1 幅）"' in imgs[0]
    assert 'alt="图：Loss at step …；Two \\&quot;panels\\&quot;"' in imgs[1]
    for name in re.findall(r'src="([^"]+)"', html):
        assert name.startswith("nb/fig-") and name in files
    assert png_size(second) == (5, 4)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))


def test_figure_titles_come_from_the_cell_source():
    src = "ax.set_title('A')\nplt.title(\"$\\\\tau$ = {tau}\")\nax.set_title(title)\n"
    assert figure_titles(src) == ["A", "\\tau = …"]


def test_math_of_markdown_cells_is_emitted_for_the_build_typesetter(tmp_path):
    """Through mkdocs-jupyter: Markdown cells' math becomes arithmatex spans, code keeps its $."""
    nbformat = pytest.importorskip("nbformat")
    from mkdocs_jupyter import nbconvert2

    from jobbook.site.notebooks import patch_mkdocs_jupyter

    patch_mkdocs_jupyter()
    md = nbformat.v4.new_markdown_cell(
        "# T\n\n价格 $a<b$ 与\n\n$$\n\\sum_i x_i\n$$\n\n\\begin{align}x&=1\\end{align}", id="m"
    )
    code = nbformat.v4.new_code_cell('print("$5 and $6")', id="c")
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[md, code]), path)
    html = nbconvert2.nb2html(str(path), execute=False)
    assert '<span class="arithmatex">\\(a&lt;b\\)</span>' in html
    assert '<span class="arithmatex">\\[\n\\sum_i x_i\n\\]</span>' in html
    assert '<span class="arithmatex">\\[\\begin{align}x&amp;=1\\end{align}\\]</span>' in html
    assert "$5 and $6" in html  # code cells are not Markdown: untouched
    # left as is, the check reports it (math=build turns these into KaTeX first)
    assert raw_tex(html) == [
        "\\(a<b\\)",
        "\\[\n\\sum_i x_i\n\\]",
        "\\[\\begin{align}x&=1\\end{align}\\]",
    ]


def test_raw_tex_ignores_code_and_typeset_math():
    cell = (
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">'
        '<p>ok <code>$x$</code> <span class="katex"><annotation>$y$</annotation></span>'
        " but $z$ here</p></div>"
    )
    assert raw_tex(cell) == ["$z$"]


# ---- the built site ----


class _Imgs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.imgs.append(dict(attrs))


def _notebook_pages(site):
    return [p for p in sorted((site / "notebooks").glob("*.html")) if p.name != "index.html"]


def test_code_tokens_without_a_style_lose_their_span_and_neighbours_merge():
    css = ".highlight-ipynb .p{ color: red }\n.highlight-ipynb .o{ font-weight: bold }"
    styled = styled_tokens([css])
    assert styled == {"p", "o"}
    code = (
        '<div class="highlight-ipynb hl-python"><pre><span></span><span class="n">plt</span>'
        '<span class="o">.</span><span class="n">show</span><span class="p">(</span>'
        '<span class="p">)</span><span class="p">)</span> <span class="p">[</span></pre></div>'
    )
    out = compact_code(code, styled)
    assert out == (
        '<div class="highlight-ipynb hl-python"><pre><span></span>plt<span class="o">.</span>'
        'show<span class="p">())</span> <span class="p">[</span></pre></div>'
    )
    # outside notebook code nothing changes
    other = '<div class="highlight"><pre><span class="n">x</span></pre></div>'
    assert compact_code(other, styled) == other


def test_notebook_pages_are_light(built_site):
    pages = _notebook_pages(built_site.site)
    assert len(pages) >= 12
    sheets = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert len(html.encode()) <= MAX_PAGE_BYTES, (page.name, len(html.encode()))
        assert "data:image/" not in html, page.name
        blocks = re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S)
        assert all(len(b) <= MAX_STYLE_BLOCK for b in blocks), page.name
        links = re.findall(r'<link rel="stylesheet" href="\.\./(assets/css/notebook-[^"]+)">', html)
        assert len(links) == 1, page.name
        sheets.add(links[0])
        assert "katex.min.js" not in html
        assert '<span class="n">' not in html, page.name  # unstyled tokens are plain text
        assert html.count("data-jb-defer") >= 3, page.name  # code cells below the first screen
    assert len(sheets) == 1  # the Jupyter CSS is the same on every page: one shared file
    css = built_site.site / sheets.pop()
    assert css.stat().st_size <= MAX_NOTEBOOK_CSS_BYTES
    assert ".jupyter-wrapper .jp-RenderedImage img" in css.read_text(encoding="utf-8")


def test_notebook_plots_are_sized_files_in_the_site_and_the_zip(built_site):
    for page in _notebook_pages(built_site.site):
        parser = _Imgs()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.imgs, page.name
        for n, img in enumerate(parser.imgs):
            src = img.get("src") or ""
            assert not src.startswith("data:"), page.name
            for root in (built_site.site, built_site.unzipped):  # offline zip, from file://
                path = root / "notebooks" / src
                assert path.is_file(), (page.name, src)
            assert img.get("width") and img.get("height"), (page.name, src)  # no layout shift
            assert (int(img["width"]), int(img["height"])) == png_size(path.read_bytes())
            assert img.get("decoding") == "async"
            assert img.get("loading") == "lazy", (page.name, n)
            alt = img.get("alt") or ""
            assert alt and "No description" not in alt, (page.name, src)


def test_notebook_math_is_typeset_at_build_time(built_site):
    for page in _notebook_pages(built_site.site):
        html = page.read_text(encoding="utf-8")
        assert raw_tex(html) == [], page.name
        assert 'class="katex"' in html and "katex-error" not in html, page.name
        assert "katex.min.css" in html, page.name
    assert "Markdown 单元格中的公式没有排版" not in built_site.log
