"""Files the question bank ships besides its pages: practice cards and Anki TSV.

Practice cards are ``<script src>`` files (a ``fetch()`` of a local file fails from
``file://``): each announces its cards with a ``jobbook:questions`` DOM event, so the
practice script needs no shared global. HTML fields carry arithmatex spans; the site
layer typesets them through ``typeset`` before they are serialised.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from markupsafe import (
    Markup,
    _escape_inner,  # markupsafe's C escape, as fastjinja uses it
)

from jobbook.core import richtext
from jobbook.core.model import BankQuestion

Typeset = Callable[[list[str]], list[str]]
DATA_DIR = "assets/data"
TSV_PAGE = "questions/ml-jobbook-questions.tsv"


INDEX_FILE = f"{DATA_DIR}/practice-index.js"
TOPIC_PAGES_FILE = f"{DATA_DIR}/topic-pages.js"


def chunk_path(area: str) -> str:
    return f"{DATA_DIR}/questions-{area}.js"


def _answer_html(q: BankQuestion) -> str:
    if isinstance(q.answer, str):
        body = f"<p>{richtext.to_html(q.answer)}</p>"
    else:
        body = "<ul>" + "".join(f"<li>{richtext.to_html(p)}</li>" for p in q.points) + "</ul>"
    if q.solution:
        body += f'<pre class="jb-solution"><code>{Markup.escape(q.solution)}</code></pre>'
    return body


def _follow_html(q: BankQuestion) -> str:
    if not q.follow_ups:
        return ""
    items = "".join(
        f"<li><strong>{richtext.to_html(f.q)}</strong> {richtext.to_html(f.a)}</li>"
        for f in q.follow_ups
    )
    return f'<p class="jb-q-followups-title"><strong>常见追问</strong></p><ul>{items}</ul>'


def event_script(event: str, detail: object) -> str:
    payload = json.dumps(detail, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    payload = payload.replace("</", "<\\/")  # never closes a <script> even if inlined
    return f'document.dispatchEvent(new CustomEvent("{event}",{{detail:{payload}}}));\n'


def practice_chunks(
    groups: list[tuple[str, list[BankQuestion]]], typeset: Typeset | None = None
) -> dict[str, str]:
    """One script per area: its cards with question, answer and follow-up HTML."""
    fields: list[str] = []
    for _, questions in groups:
        for q in questions:
            fields += [str(richtext.to_html(q.text)), _answer_html(q), _follow_html(q)]
    if typeset is not None:
        fields = typeset(fields)
    it = iter(fields)
    files: dict[str, str] = {}
    for area, questions in groups:
        cards = [{"id": q.id, "q": next(it), "a": next(it), "f": next(it)} for q in questions]
        files[chunk_path(area)] = event_script("jobbook:questions", {"area": area, "cards": cards})
    return files


def _tsv_field(text: str) -> str:
    return " ".join(text.split())  # split() also breaks at tabs and newlines


def _plain_html(text: str) -> str:
    """A field's text for Anki: math and code as plain text, HTML-escaped (as
    ``Markup.escape`` does, without its Markup: the row is a plain str)."""
    return _escape_inner(richtext.to_plain(text))


def anki_row(q: BankQuestion, area_label: str) -> str:
    """Front, back and tags for Anki's "Notes in Plain Text" import (HTML allowed)."""
    back = "<br>".join(map(_plain_html, q.points))
    if q.follow_ups:
        back += "<br><br>常见追问：" + "".join(
            f"<br>· {_plain_html(f.q)} {_plain_html(f.a)}" for f in q.follow_ups
        )
    tags = f"ml-jobbook area::{q.area} level::{q.level} kind::{q.kind}"
    return "\t".join(map(_tsv_field, (_plain_html(q.text), back, tags, area_label, q.id)))


TSV_HEADER = "#separator:tab\n#html:true\n#tags column:3\n#columns:问题\t答案\t标签\t领域\tid\n"


def anki_files(questions: list[BankQuestion], area_labels: dict[str, str]) -> dict[str, str]:
    """The whole bank as TSV, and every row by id for exporting a filtered selection."""
    rows = {q.id: anki_row(q, area_labels[q.area]) for q in questions}
    return {
        TSV_PAGE: TSV_HEADER + "".join(row + "\n" for row in rows.values()),
        f"{DATA_DIR}/questions-anki.js": event_script(
            "jobbook:anki", {"header": TSV_HEADER, "rows": rows}
        ),
    }
