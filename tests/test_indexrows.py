"""Index pages in chunks: the page's first rows plus <script src> data files (indexrows.py)."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import Markup

from jobbook.core import indexrows
from jobbook.core.indexrows import Index, Row
from jobbook.core.render import doc_titles, render_pages
from jobbook.core.validate import validate_dir

from .helpers import FIXTURE_SITE

_EVENT = re.compile(
    r'^document\.dispatchEvent\(new CustomEvent\("jobbook:rows",\{detail:(.*)\}\)\);\n$'
)


def detail(script: str) -> dict:
    match = _EVENT.match(script)
    assert match, script[:200]
    return json.loads(match.group(1))


def rows(n: int) -> list[Row]:
    return [
        Row((("id", f"r{i}"), ("text", f"<row {i}>")), Markup(f"<td>{i}</td>")) for i in range(n)
    ]


def test_a_short_index_is_all_in_the_page():
    index = Index("things", rows(3), per_page=3)
    assert not index.chunked and index.files() == {} and index.list_attrs("a/b.md") == ""
    assert list(index.head) == list(index.rows)


def test_a_long_index_ships_the_rest_in_chunks_of_the_page_size():
    index = Index("things", rows(7), per_page=3, groups={"g": {"x": ["r0"]}})
    assert len(index.head) == 3
    files = index.files()
    assert list(files) == [
        "assets/data/index-things-2.js",
        "assets/data/index-things-3.js",
        "assets/data/index-things-groups.js",
    ]
    first, second = (detail(files[p]) for p in list(files)[:2])
    assert first["start"] == 3 and second["start"] == 6
    assert first["fields"] == ["id", "text"]
    assert first["rows"][0] == ["r3", "<row 3>", "<td>3</td>"]  # raw values, cells last
    assert [r[0] for r in second["rows"]] == ["r6"]
    assert detail(files["assets/data/index-things-groups.js"]) == {
        "list": "things",
        "groups": {"g": {"x": ["r0"]}},
    }
    attrs = index.list_attrs("questions/index.md")
    assert 'data-jobbook-rows="things" data-total="7"' in attrs
    assert (
        'data-chunks="../assets/data/index-things-2.js ../assets/data/index-things-3.js"' in attrs
    )
    assert 'data-groups="../assets/data/index-things-groups.js"' in attrs
    assert rows(1)[0].attr_html() == ' data-id="r0" data-text="&lt;row 0&gt;"'


def _fixture(monkeypatch: pytest.MonkeyPatch, **head: int) -> dict[str, str]:
    for name, size in head.items():
        monkeypatch.setitem(indexrows.HEAD_ROWS, name, size)
    roadmap = validate_dir(FIXTURE_SITE / "roadmap", FIXTURE_SITE, FIXTURE_SITE / "docs")
    return {p.path: p.content for p in render_pages(roadmap, doc_titles(FIXTURE_SITE / "docs"))}


@pytest.mark.parametrize(
    ("page", "name", "tag", "size"),
    [("resources.md", "resources", "tr", 1), ("questions/index.md", "questions", "li", 2)],
)
def test_data_rows_are_the_rows_the_page_would_hold(monkeypatch, page, name, tag, size):
    """Rows from the data files, as the browser builds them, equal the full page's rows."""
    full = _fixture(monkeypatch, **{name: 10_000})
    chunked = _fixture(monkeypatch, **{name: size})
    row = re.compile(rf"^<{tag} data-.*?</{tag}>$", re.M | re.S)
    expected = row.findall(full[page])
    assert len(expected) > size
    got = row.findall(chunked[page])
    assert got == expected[:size]
    for path in sorted(p for p in chunked if p.startswith(f"assets/data/index-{name}-")):
        if path.endswith("-groups.js"):
            continue
        d = detail(chunked[path])
        for values in d["rows"]:
            attrs = "".join(
                f' data-{f}="{Markup.escape(v)}"' for f, v in zip(d["fields"], values, strict=False)
            )
            sep = "\n" if tag == "tr" else ""
            got.append(f"<{tag}{attrs}>{sep}{values[-1]}{sep}</{tag}>")
    assert got == expected
    assert f'data-jobbook-rows="{name}"' in chunked[page]
    assert f'data-jobbook-rows="{name}"' not in full[page]
    assert "<noscript>" in chunked[page] and "<noscript>" not in full[page]
