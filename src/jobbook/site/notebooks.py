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

import posixpath
import re
from html import escape
from typing import Any
from urllib.parse import quote

from pymdownx.slugs import slugify

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


_DOC_LINK = re.compile(
    r'(<a\b(?![^>]*\bdownload\b)[^>]*\bhref=")(?![a-z][a-z0-9+.-]*:|#|/)([^"#?]+)\.(?:md|ipynb)([#?][^"]*)?"'
)


def fix_doc_links(html: str) -> str:
    """Point relative links to .md/.ipynb sources at their built .html pages.

    MkDocs rewrites such links in Markdown pages; notebook HTML bypasses it.
    """
    return _DOC_LINK.sub(lambda m: f'{m[1]}{m[2]}.html{m[3] or ""}"', html)


def strip_cdn_scripts(html: str) -> str:
    """Remove the MathJax/Mermaid/require.js loaders that mkdocs-jupyter injects."""
    html = _MATHJAX.sub("", html)
    html = _MODULES.sub("", html)
    return _REQUIREJS.sub("", html)


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
