"""Theme navigation that stays small however many paths and topics there are.

Material's ``navigation.prune`` renders every entry of the active tab: on a stage page
the "学习路线" tab lists every path, so each page carried a nav linear in the number
of paths (291 KB stage pages at 100× the roadmap). A long generated section (more
than :data:`MAX_LISTED` entries after its index page) therefore shows, on the pages
inside it, only its index page (which lists everything) and the entry the reader is
in. Sections up to that length render exactly as before.

:func:`squeeze` drops the indentation of the theme's templates around the article
(the nav and the table of contents, twice: drawer and sidebar), a third of a stage
page's bytes; a browser renders the page the same.
"""

from __future__ import annotations

import re
from copy import copy
from typing import Any

# Index pages of the generated sections that grow with the roadmap.
SECTION_INDEXES = ("paths/index.md", "topics/index.md")
MAX_LISTED = 20


def _index_uri(item: Any) -> str | None:
    file = getattr(item, "file", None)
    return getattr(file, "src_uri", None)


def _pruned(items: list[Any], indexes: tuple[str, ...], limit: int) -> list[Any] | None:
    """A copy of ``items`` with the long sections on the active trail cut, or None."""
    out = list(items)
    changed = False
    for n, item in enumerate(items):
        children = getattr(item, "children", None) or []
        if not getattr(item, "active", False) or not children:
            continue
        section = copy(item)
        if len(children) > limit + 1 and _index_uri(children[0]) in indexes:
            section.children = [children[0], *[c for c in children[1:] if c.active]]
        else:
            inner = _pruned(children, indexes, limit)
            if inner is None:
                continue
            section.children = inner
        out[n] = section
        changed = True
    return out if changed else None


def prune(nav: Any, indexes: tuple[str, ...] = SECTION_INDEXES, limit: int = MAX_LISTED) -> Any:
    """``nav`` for the page being rendered (MkDocs marks its ancestors ``active``).

    Returns ``nav`` itself when nothing is cut, otherwise a shallow copy: the shared
    navigation is never modified.
    """
    items = _pruned(list(nav.items), indexes, limit)
    if items is None:
        return nav
    pruned = copy(nav)
    pruned.items = items
    return pruned


# Whitespace is significant in these; ASCII whitespace only (never U+00A0 or U+3000).
_KEEP = re.compile(r"<(script|style|pre|textarea)\b.*?</\1\s*>", re.S | re.I)
_RUN = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")


def _squeeze_part(html: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _KEEP.finditer(html):
        out += [_RUN.sub("\n", html[pos : m.start()]), m[0]]
        pos = m.end()
    out.append(_RUN.sub("\n", html[pos:]))
    return "".join(out)


def squeeze(html: str) -> str:
    """Every whitespace run with a line break becomes one line break, outside the article
    and outside ``<script>``/``<style>``/``<pre>``/``<textarea>`` (rendered the same:
    such a run collapses to one space anyway)."""
    start = html.find("<article")
    end = html.find("</article>", start)
    if start < 0 or end < 0:
        return _squeeze_part(html)
    return _squeeze_part(html[:start]) + html[start:end] + _squeeze_part(html[end:])
