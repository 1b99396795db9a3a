"""Assemble a path's print page from its already rendered stage and topic pages.

A print page repeats every stage page (plus the full shared topics) of a path.
Converting that Markdown a second time is the most expensive page of the build,
so under MkDocs the print page is a skeleton (title, stage headings and one
placeholder per stage) and the placeholders are filled with the stages' HTML:
their ``<h1>`` dropped, headings one level lower, shared-topic summaries replaced
by the topic page's body, ids prefixed with the stage id so they stay unique, and
links of topic pages re-based to the print page's folder. ``jobbook build --out``
still writes the full Markdown print page.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

_PLACEHOLDER = re.compile(
    r'<div data-jobbook-print-stage="([^"]+)" data-jobbook-print-shared="([^"]*)"></div>'
)
_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>\s*", re.S)
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_FACTS = re.compile(r'^\s*<p class="jb-facts">.*?</p>\s*', re.S)
_ID_ATTR = re.compile(r'\b(id|for|aria-labelledby|aria-describedby|aria-controls)="([^"]+)"')
_LOCAL_HREF = re.compile(r'\bhref="#([^"]+)"')
_URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", re.I)


class MissingPage(LookupError):
    pass


def demote(html: str, levels: int) -> str:
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + levels, 6)}", html)


def prefix_ids(html: str, prefix: str) -> str:
    def ids(m: re.Match[str]) -> str:
        return f'{m[1]}="{" ".join(prefix + v for v in m[2].split())}"'

    html = _ID_ATTR.sub(ids, html)
    return _LOCAL_HREF.sub(lambda m: f'href="#{prefix}{m[1]}"', html)


def rebase_links(html: str, from_uri: str, to_uri: str) -> str:
    """Relative href/src written for page ``from_uri`` → the same targets from ``to_uri``."""
    source, target = posixpath.dirname(from_uri), posixpath.dirname(to_uri)
    if source == target:
        return html

    def rebase(m: re.Match[str]) -> str:
        url = m[2]
        if not url or _EXTERNAL.match(url):
            return m[0]
        absolute = posixpath.normpath(posixpath.join(source, url))
        return f'{m[1]}="{posixpath.relpath(absolute, target or ".")}"'

    return _URL_ATTR.sub(rebase, html)


def _section_end(html: str, start: int) -> int:
    nxt = html.find("<h2", start)
    return len(html) if nxt < 0 else nxt


def _with_shared_topics(stage_html: str, shared: list[str], body_of: Callable[[str], str]) -> str:
    for topic_id in shared:
        heading = re.search(rf'<h2 id="{re.escape(topic_id)}"[^>]*>.*?</h2>\s*', stage_html, re.S)
        if heading is None:
            raise MissingPage(f"shared topic heading #{topic_id}")
        end = _section_end(stage_html, heading.end())
        stage_html = stage_html[: heading.end()] + body_of(topic_id) + stage_html[end:]
    return stage_html


def assemble(html: str, print_uri: str, rendered: Callable[[str], str | None]) -> str:
    """Fill every stage placeholder of ``html``; ``rendered(uri)`` is a page's content HTML."""

    def content(uri: str) -> str:
        text = rendered(uri)
        if text is None:
            raise MissingPage(uri)
        return text

    def topic_body(topic_id: str) -> str:
        uri = f"topics/{topic_id}.md"
        body = _FACTS.sub("", _H1.sub("", content(uri), count=1), count=1)
        return demote(rebase_links(body, uri, print_uri), 1)

    def stage(m: re.Match[str]) -> str:
        uri, shared = m[1], m[2].split()
        stage_id = posixpath.splitext(posixpath.basename(uri))[0]
        body = _H1.sub("", content(uri), count=1)
        body = _with_shared_topics(body, shared, topic_body)
        body = rebase_links(body, uri, print_uri)
        return prefix_ids(demote(body, 1), f"{stage_id}--")

    return _PLACEHOLDER.sub(stage, html)
