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

import re
from typing import Any

from pymdownx.slugs import slugify

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
    """Make notebook heading ids and TOC anchors agree, with Unicode slugs."""
    try:
        import markdown
        from markdown.extensions.toc import TocExtension
        from mkdocs_jupyter import convert, nbconvert2, plugin
        from mkdocs_jupyter.preprocessors import SubCell
        from nbconvert.preprocessors import CoalesceStreamsPreprocessor
    except ImportError:  # mkdocs-jupyter not installed: nothing to patch
        return

    class CoalescedSubCell(SubCell):  # type: ignore[misc]
        """mkdocs-jupyter's cell slicer, which runs after execution, also merges streams."""

        def preprocess(self, nb: Any, resources: Any) -> Any:
            nb, resources = super().preprocess(nb, resources)
            return CoalesceStreamsPreprocessor().preprocess(nb, resources)

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
