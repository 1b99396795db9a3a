"""Adapt mkdocs-jupyter output to an offline, Chinese site.

- Heading ids: mkdocs-jupyter slugifies to ASCII, so Chinese headings get empty
  ids while its TOC uses another slugify; both are switched to the same
  Unicode slugify that the Markdown pages use.
- CDN scripts: the notebook template loads MathJax and Mermaid from CDNs; both
  blocks are removed (formulas are rendered by the vendored KaTeX instead).
- Reproducible output: a cell's stdout arrives as one or several stream outputs
  depending on when the kernel flushed; they are merged after execution.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html as html_lib
import json
import posixpath
import re
import struct
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pymdownx.slugs import slugify

from jobbook.core.write import write_file
from jobbook.site.patch import target

_slug = slugify(case="lower")

_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MODULES = re.compile(
    r'<script type="module">(?:(?!</script>).)*?cdnjs\.cloudflare\.com.*?</script>', re.S
)
_REQUIREJS = re.compile(
    r'<script[^>]+src="https://cdnjs\.cloudflare\.com/[^"]*require[^"]*"[^>]*>\s*</script>'
)


def heading_slug(text: str, separator: str = "-") -> str:
    return _slug(text, separator)


_DOC_LINK_END = re.compile(r'\.(?:md|ipynb)[#?"]')  # how every match of _DOC_LINK ends
_DOC_LINK = re.compile(
    r'(<a\b(?![^>]*\bdownload\b)[^>]*\bhref=")(?![a-z][a-z0-9+.-]*:|#|/)([^"#?]+)\.(?:md|ipynb)([#?][^"]*)?"'
)


def fix_doc_links(html: str) -> str:
    """Point relative links to .md/.ipynb sources at their built .html pages.

    MkDocs rewrites such links in Markdown pages; notebook HTML bypasses it.
    """
    if not _DOC_LINK_END.search(html):
        return html  # most pages: no target ends so (a quick scan; the full pattern is slow)
    return _DOC_LINK.sub(lambda m: f'{m[1]}{m[2]}.html{m[3] or ""}"', html)


def strip_cdn_scripts(html: str) -> str:
    """Remove the MathJax/Mermaid/require.js loaders that mkdocs-jupyter injects."""
    html = _MATHJAX.sub("", html)
    html = _MODULES.sub("", html)
    return _REQUIREJS.sub("", html)


# Bump when the patched conversion emits different HTML (keys mkdocs-jupyter's cache).
RENDER_VERSION = "jobbook-math-1"

# nbconvert's Markdown renderer leaves math as raw ``$ … $`` for MathJax in the browser;
# emitted like pymdownx.arithmatex (generic), the build typesets it (mathrender) as on
# the Markdown pages. Display math is a <span> too: ``$$ … $$`` can sit inside a <p>.
MATH_METHODS = {
    "block_math": ("self", "body"),
    "inline_math": ("self", "body"),
    "latex_environment": ("self", "name", "body"),
}


def _block_math(self: Any, body: str) -> str:
    return f'<span class="arithmatex">\\[{self.escape_html(body)}\\]</span>'


def _inline_math(self: Any, body: str) -> str:
    return f'<span class="arithmatex">\\({self.escape_html(body)}\\)</span>'


def _latex_environment(self: Any, name: str, body: str) -> str:
    env = f"\\begin{{{name}}}{body}\\end{{{name}}}"
    return f'<span class="arithmatex">\\[{self.escape_html(env)}\\]</span>'


_CELLS_MD = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>(.*?)</div>', re.S)
_NOT_PROSE = re.compile(r"<(code|pre|annotation)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_RAW_TEX = re.compile(r"\$[^$\n]+\$|\\[(\[].*?\\[)\]]|\\begin\{", re.S)


def raw_tex(html: str) -> list[str]:
    """TeX left raw in the Markdown cells' text after typesetting (code excluded)."""
    found = []
    for cell in _CELLS_MD.findall(html):
        text = html_lib.unescape(_TAG.sub("", _NOT_PROSE.sub("", cell)))
        found += [m[0][:60] for m in _RAW_TEX.finditer(text)]
    return found


def patch_mkdocs_jupyter() -> None:
    """Make notebook heading ids and TOC anchors agree, with Unicode slugs.

    Called when mkdocs-jupyter is configured; a missing target stops the build
    (:class:`~jobbook.site.patch.PatchTargetMissing`) before anything is patched.
    """
    import markdown
    from markdown.extensions.toc import TocExtension

    jupyter = "mkdocs-jupyter"
    target(jupyter, "mkdocs_jupyter.convert", "add_anchor_lower_id", ("html", "anchor_link_text"))
    target(jupyter, "mkdocs_jupyter.plugin", "_get_markdown_toc", ("markdown_source", "toc_depth"))
    target(jupyter, "mkdocs_jupyter.nbconvert2", "SubCell")  # replaced by a subclass of:
    SubCell = target(jupyter, "mkdocs_jupyter.preprocessors", "SubCell")
    Coalesce = target("nbconvert", "nbconvert.preprocessors", "CoalesceStreamsPreprocessor")
    target("nbconvert", "nbconvert.filters.strings", "html2text")
    Renderer = target("nbconvert", "nbconvert.filters.markdown_mistune", "IPythonRenderer")
    for method, params in MATH_METHODS.items():
        target(
            "nbconvert", "nbconvert.filters.markdown_mistune", f"IPythonRenderer.{method}", params
        )
    cache_key = target(
        jupyter, "mkdocs_jupyter.plugin", "_compute_cache_key", ("nb_path", "config", "exec_nb")
    )
    from mkdocs_jupyter import convert, nbconvert2, plugin

    class CoalescedSubCell(SubCell):  # type: ignore[misc]
        """mkdocs-jupyter's cell slicer, which runs after execution, also merges streams."""

        def preprocess(self, nb: Any, resources: Any) -> Any:
            nb, resources = super().preprocess(nb, resources)
            return Coalesce().preprocess(nb, resources)

    def get_markdown_toc(markdown_source: str, toc_depth: int) -> Any:
        md = markdown.Markdown(extensions=[TocExtension(toc_depth=toc_depth, slugify=heading_slug)])
        md.convert(markdown_source)
        return md.toc_tokens

    def add_anchor(html: str, anchor_link_text: str = "¶") -> str:
        from xml.etree.ElementTree import Element

        from defusedxml import ElementTree
        from nbconvert.filters.strings import html2text

        try:
            heading = ElementTree.fromstring(html)
        except Exception:  # not well-formed: leave it as mkdocs-jupyter would
            return html
        link = heading_slug(html2text(heading))
        heading.set("id", link)
        anchor = Element("a", {"class": "anchor-link", "href": "#" + link})
        anchor.text = anchor_link_text
        heading.append(anchor)
        return ElementTree.tostring(heading).decode("utf-8", "replace")

    def salted_cache_key(nb_path: Any, config: Any, exec_nb: Any) -> str:
        # mkdocs-jupyter caches the converted HTML by notebook and options only: a change
        # to what the patches emit must not be hidden by HTML cached before it.
        key = getattr(cache_key, "__wrapped__", cache_key)(nb_path, config, exec_nb)
        return hashlib.sha256(f"{key}:{RENDER_VERSION}".encode()).hexdigest()

    salted_cache_key.__wrapped__ = getattr(cache_key, "__wrapped__", cache_key)  # type: ignore[attr-defined]

    Renderer.block_math = _block_math
    Renderer.inline_math = _inline_math
    Renderer.latex_environment = _latex_environment
    plugin._compute_cache_key = salted_cache_key
    convert.add_anchor_lower_id = add_anchor
    nbconvert2.SubCell = CoalescedSubCell
    plugin._get_markdown_toc = get_markdown_toc


_H1_END = re.compile(r"</h1>", re.I)


def run_links(
    src_uri: str, repo_url: str | None, branch: str, docs_rel: str
) -> list[tuple[str, str]]:
    """(label, href) of the places a notebook can be run: Colab and Binder (GitHub only)."""
    if not repo_url or "github.com/" not in repo_url:
        return []
    slug = repo_url.rstrip("/").split("github.com/", 1)[1]
    path = posixpath.join(docs_rel, src_uri)
    return [
        (
            "在 Colab 中打开",
            f"https://colab.research.google.com/github/{slug}/blob/{branch}/{path}",
        ),
        ("在 Binder 中打开", f"https://mybinder.org/v2/gh/{slug}/{branch}?labpath={quote(path)}"),
    ]


def add_actions(html: str, src_uri: str, runs: list[tuple[str, str]], offline: bool) -> str:
    """Download / Colab / Binder links right below the notebook's title."""
    name = posixpath.basename(src_uri)
    note = '<span class="jb-nb-net">（需要联网）</span>' if offline else ""
    links = [f'<a class="md-button" href="{escape(name)}" download>下载 .ipynb</a>']
    links += [
        f'<a class="md-button" href="{escape(href)}" rel="noopener noreferrer">{label}</a>'
        for label, href in runs
    ]
    block = (
        '<p class="jb-nb-actions">'
        + " ".join(links)
        + (note if runs else "")
        + ' <span class="jb-nb-local">本地运行：<code>make lab</code></span></p>'
    )
    match = _H1_END.search(html)
    if match is None:
        return html
    return html[: match.end()] + block + html[match.end() :]


# ---- Page weight (#17): shared stylesheet, figures as files, alt text ----

_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)
_PY_LIST = re.compile(r"\s*\[\s*['\"]")


def split_styles(html: str) -> tuple[str, list[str]]:
    """Take the inline ``<style>`` blocks out of a notebook page's body.

    Returns the page without them and their CSS, in document order. mkdocs-jupyter also
    prints a Python list of the Pygments CSS (``['pre { … }']``) in a ``<style>``: that is
    not CSS (a browser drops it as one invalid rule) and duplicates the first block, so it
    is removed and not kept.
    """
    body = html.find("<body")
    if body < 0:
        return html, []
    blocks: list[str] = []

    def take(m: re.Match[str]) -> str:
        if not _PY_LIST.match(m[1]):
            blocks.append(m[1].strip())
        return ""

    return html[:body] + _STYLE.sub(take, html[body:]), blocks


def stylesheet_name(blocks: list[str]) -> str:
    """Site path of the shared stylesheet for these blocks (named by their content)."""
    digest = hashlib.sha256("\n".join(blocks).encode("utf-8")).hexdigest()[:10]
    return f"assets/css/notebook-{digest}.css"


def link_stylesheet(html: str, href: str) -> str:
    """Link the shared stylesheet last in <head>: after the theme's, like the inline blocks."""
    return html.replace("</head>", f'<link rel="stylesheet" href="{escape(href)}"></head>', 1)


# Class names JupyterLab's CSS is written for; a selector needing one that no notebook page
# contains cannot match (nothing adds them at runtime: widgets and Mermaid are not used).
_JUPYTER_CLASS = re.compile(r"^(?:jp-|lm-|p-|bp3-|CodeMirror|cm-)")
_SELECTOR_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
_LOGICAL = re.compile(r":(?:not|is|where|has|matches|-webkit-any|-moz-any)\(")
# ":root" below another element (".jupyter-wrapper :root") never matches.
_ROOT_INSIDE = re.compile(r"[^\s,(]\s*[\s>+~]\s*:root")
_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')


def classes_in(html: str) -> set[str]:
    return {word for value in _CLASS_ATTR.findall(html) for word in value.split()}


def _without_logical(selector: str) -> str:
    """The selector without :not(…)/:is(…)…: classes inside them may well be absent."""
    out, pos = [], 0
    while match := _LOGICAL.search(selector, pos):
        out.append(selector[pos : match.start()])
        depth, pos = 1, match.end()
        while pos < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[pos], 0)
            pos += 1
    out.append(selector[pos:])
    return "".join(out)


def _selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in prelude:
        depth += 1 if ch in "([" else -1 if ch in ")]" else 0
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _may_match(selector: str, present: set[str]) -> bool:
    if _ROOT_INSIDE.search(selector):
        return False
    needed = _SELECTOR_CLASS.findall(_without_logical(selector))
    return all(c in present or not _JUPYTER_CLASS.match(c) for c in needed)


def prune_css(css: str, present: set[str]) -> str:
    """Drop the selectors of JupyterLab's CSS that cannot match any notebook page.

    ``present``: every class on the notebook pages. Only selectors that need a JupyterLab
    class (``jp-``, ``lm-``, ``bp3-`` …) missing from all pages, or a nested ``:root``, go;
    everything else (element rules, variables, @keyframes, @font-face) stays in order.
    Without tinycss2 (installed with nbconvert) the CSS is returned whole.
    """
    try:
        import tinycss2
    except ImportError:  # pragma: no cover - nbconvert depends on it
        return css

    def rules(items: Any) -> list[str]:
        out = []
        for rule in items:
            if rule.type == "qualified-rule":
                kept = [
                    s
                    for s in _selectors(tinycss2.serialize(rule.prelude))
                    if _may_match(s, present)
                ]
                if kept:
                    out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content) + "}")
            elif rule.type == "at-rule" and rule.lower_at_keyword == "charset":
                continue  # one @charset at the top of the file
            elif (
                rule.type == "at-rule"
                and rule.lower_at_keyword in ("media", "supports")
                and rule.content is not None
            ):
                inner = rules(
                    tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                )
                if inner:
                    prelude = tinycss2.serialize(rule.prelude)
                    out.append(f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}")
            elif rule.type == "at-rule":
                out.append(tinycss2.serialize([rule]))
            # parse errors: a browser drops them as well
        return out

    parsed = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(rules(parsed))


_CODE_BLOCK = re.compile(r'(<div class="highlight-ipynb[^"]*"><pre>)(.*?)(</pre>)', re.S)
_TOKEN = re.compile(r'<span class="([\w-]+)">([^<]*)</span>')
_SAME_TOKEN = re.compile(r'(<span class="([\w-]+)">[^<]*)</span><span class="\2">')
_STYLED_TOKEN = re.compile(r"\.highlight-ipynb\s+\.([\w-]+)")


def styled_tokens(blocks: list[str]) -> set[str]:
    """Pygments token classes that the notebook CSS gives a style (colour, weight …)."""
    return {name for block in blocks for name in _STYLED_TOKEN.findall(block)}


def compact_code(html: str, styled: set[str]) -> str:
    """Fewer elements in the notebooks' highlighted code, drawn the same.

    A token span whose class no rule styles (names, ``n``, are most of them) becomes its
    text, and neighbouring spans of one class merge (``)``, ``]``, ``,`` in a row). A
    notebook page had ~2,900 token spans; every full style recalculation on a phone
    walks all of them.
    """

    def token(m: re.Match[str]) -> str:
        return m[0] if m[1] in styled else m[2]

    def block(m: re.Match[str]) -> str:
        code = _TOKEN.sub(token, m[2])
        merged = _SAME_TOKEN.sub(r"\1", code)
        while merged != code:
            code, merged = merged, _SAME_TOKEN.sub(r"\1", merged)
        return m[1] + code + m[3]

    return _CODE_BLOCK.sub(block, html)


def notebook_css(blocks: list[str], present: set[str]) -> str:
    body = "\n".join(prune_css(block, present) for block in blocks)
    return (
        '@charset "UTF-8";\n/* JupyterLab CSS of the notebook pages (mkdocs-jupyter), unused rules removed */\n'
        + body
        + "\n"
    )


@functools.cache
def _pruner_version() -> str:
    """This module and tinycss2: a change to either prunes the stylesheet again."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        parser = version("tinycss2")
    except PackageNotFoundError:
        parser = "none"
    source = Path(__file__).read_bytes()
    return f"{hashlib.sha256(source).hexdigest()} tinycss2=={parser}"


def notebook_css_kept(blocks: list[str], present: set[str], cache: Path) -> str:
    """:func:`notebook_css`, kept in ``cache`` for the same stylesheet and classes.

    Parsing JupyterLab's stylesheet to prune it is a quarter of a second, every build;
    a warm build of unchanged notebooks reads the result back instead.
    """
    key = hashlib.sha256(
        json.dumps([_pruner_version(), blocks, sorted(present)]).encode()
    ).hexdigest()
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = None
    if isinstance(kept, dict) and kept.get("key") == key and isinstance(kept.get("css"), str):
        return kept["css"]
    css = notebook_css(blocks, present)
    cache.parent.mkdir(parents=True, exist_ok=True)
    write_file(cache, json.dumps({"key": key, "css": css}, ensure_ascii=False))
    return css


_DATA_IMG = re.compile(r'<img\b([^>]*?)\ssrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"([^>]*)>')
_CELL_ID = re.compile(r'\bid="cell-id=([^"]+)"')
_ALT = re.compile(r'\salt="[^"]*"')
_NO_ALT = "No description has been provided for this image"
_TITLE_CALL = re.compile(
    r"""(?:set_title|suptitle|plt\.title)\(\s*f?(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)"""
)
_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; ValueError if it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def figure_titles(source: str) -> list[str]:
    """Titles a code cell gives its plots (``set_title`` / ``suptitle`` / ``plt.title``)."""
    titles = []
    for m in _TITLE_CALL.finditer(source):
        text = m["text"].replace("\\\\", "\\").replace("$", "")
        text = _FORMAT_FIELD.sub("…", text).strip()
        if text and text != "…":
            titles.append(text)
    return titles


def cell_sources(notebook: dict[str, Any]) -> dict[str, str]:
    """Cell id → source, of a notebook's JSON."""
    out = {}
    for cell in notebook.get("cells", []):
        source = cell.get("source", "")
        out[str(cell.get("id", ""))] = "".join(source) if isinstance(source, list) else source
    return out


def extract_images(
    html: str, folder: str, sources: dict[str, str], eager: int = 0
) -> tuple[str, dict[str, bytes]]:
    """Write embedded PNG plots as files: returns (html, {path relative to page: bytes}).

    Files are named by content (``folder/fig-<sha256[:12]>.png``) so builds stay
    reproducible; every ``<img>`` gets its PNG's width/height (no layout shift),
    ``decoding="async"``, ``loading="lazy"`` after the first ``eager`` ones (none: a plot
    comes after the introduction and a code cell, below the first screen), and, instead
    of nbconvert's "No description" alt, one naming the plot titles of its cell.
    """
    files: dict[str, bytes] = {}
    count = 0

    def replace(m: re.Match[str]) -> str:
        nonlocal count
        data = base64.b64decode("".join(m[2].split()))
        width, height = png_size(data)
        name = f"{folder}/fig-{hashlib.sha256(data).hexdigest()[:12]}.png"
        files[name] = data
        count += 1
        attrs = m[1] + m[3].rstrip().removesuffix("/")
        alt_match = _ALT.search(attrs)
        alt = html_lib.unescape(alt_match[0].split('"')[1]) if alt_match else ""
        if not alt or alt == _NO_ALT:
            cells = _CELL_ID.findall(html, 0, m.start())
            titles = figure_titles(sources.get(cells[-1], "")) if cells else []
            headings = _HEADING.findall(html, 0, m.start())
            section = html_lib.unescape(_TAG.sub("", headings[-1][1])).strip() if headings else ""
            if titles:
                alt = "图：" + "；".join(titles)
            elif section.removesuffix("¶").strip():
                alt = f"图：{section.removesuffix('¶').strip()}（第 {count} 幅）"
            else:
                alt = f"Notebook 输出的第 {count} 幅图"
        attrs = _ALT.sub("", attrs).replace(' class=""', "")
        lazy = ' loading="lazy"' if count > eager else ""
        return (
            f'<img{attrs} alt="{escape(alt)}" src="{escape(name)}" width="{width}"'
            f' height="{height}" decoding="async"{lazy}>'
        )

    return _DATA_IMG.sub(replace, html), files
