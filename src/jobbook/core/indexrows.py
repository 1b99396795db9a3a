"""Long index pages (resources, questions) delivered in chunks that work from ``file://``.

The page's HTML holds the first :data:`HEAD_ROWS` rows, so it shows content without
JavaScript and stays small however large the roadmap grows. The remaining rows ship
as ``<script src>`` files of the same size (a ``fetch()`` of a local file fails from
``file://``); each announces its rows with a ``jobbook:rows`` DOM event. The filter
script (``overrides/src/indexrows.js``) loads them when a filter is set or the reader
asks for more rows. Rows are rendered once, here: a data row is its ``data-*``
attributes plus the cells' HTML, exactly what the page itself contains.

An index whose rows all fit in the page gets no data files and no extra attributes.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

DATA_DIR = "assets/data"
# Rows in the page itself, per index: a first screenful and more for readers without
# JavaScript (every row is also on its stage, topic or area page). With all 288
# resources / 556 questions in the page, Lighthouse's mobile profile spent 430–460 ms
# blocking the main thread on the 3,400–4,500-element DOM (score 87–89).
HEAD_ROWS = {"resources": 100, "questions": 100}


@dataclass(frozen=True)
class Row:
    """One row: its ``data-*`` attributes (name without ``data-``, value) and cells."""

    attrs: tuple[tuple[str, str], ...]
    cells: Markup

    def attr_html(self) -> Markup:
        return Markup("".join(f' data-{name}="{escape(value)}"' for name, value in self.attrs))


def event_script(detail: object) -> str:
    """A data file: one ``jobbook:rows`` event (a file of its own, never inlined)."""
    payload = json.dumps(detail, ensure_ascii=False, separators=(",", ":"))
    return f'document.dispatchEvent(new CustomEvent("jobbook:rows",{{detail:{payload}}}));\n'


@dataclass
class Index:
    """The rows of one index page, split into the page's head and data chunks.

    ``groups``: field → value → ids (for example area → question ids), shipped as one
    more data file when the index is chunked, for counts that need every row's group
    without loading every row.
    """

    name: str
    rows: Sequence[Row]
    per_page: int
    groups: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def head(self) -> Sequence[Row]:
        return self.rows[: self.per_page]

    @property
    def chunked(self) -> bool:
        return len(self.rows) > self.per_page

    def chunk_paths(self) -> list[str]:
        count = -(-(len(self.rows) - self.per_page) // self.per_page) if self.chunked else 0
        return [f"{DATA_DIR}/index-{self.name}-{n}.js" for n in range(2, count + 2)]

    def groups_path(self) -> str:
        return f"{DATA_DIR}/index-{self.name}-groups.js"

    def list_attrs(self, page: str) -> Markup:
        """Attributes of the list element: where the remaining rows are (none if complete)."""
        if not self.chunked:
            return Markup("")
        here = posixpath.dirname(page)
        chunks = " ".join(posixpath.relpath(p, here) for p in self.chunk_paths())
        out = f' data-jobbook-rows="{self.name}" data-total="{len(self.rows)}"'
        out += f' data-chunks="{escape(chunks)}"'
        if self.groups:
            out += f' data-groups="{escape(posixpath.relpath(self.groups_path(), here))}"'
        return Markup(out)

    def files(self) -> dict[str, str]:
        """Data files: path under docs/ → script."""
        if not self.chunked:
            return {}
        fields = [name for name, _ in self.rows[0].attrs]
        files: dict[str, str] = {}
        for n, path in enumerate(self.chunk_paths(), start=1):
            start = n * self.per_page
            rows = [
                [*(value for _, value in row.attrs), str(row.cells)]
                for row in self.rows[start : start + self.per_page]
            ]
            detail = {"list": self.name, "start": start, "fields": fields, "rows": rows}
            files[path] = event_script(detail)
        if self.groups:
            files[self.groups_path()] = event_script({"list": self.name, "groups": self.groups})
        return files
