"""core.yamlinsert: a list item spliced into YAML text, every other byte kept."""

from __future__ import annotations

import pytest
import yaml

from jobbook.core.load import roadmap_files
from jobbook.core.walk import topics
from jobbook.core.yamlinsert import InsertError, append_item

from .helpers import ROOT

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ENTRY = {"title": "yes", "url": "https://x.example/a", "type": "book", "lang": "en"}


def appended(text: str, keys=("topics", 0)) -> tuple[str, int]:
    out, line = append_item(text, keys, "resources", ENTRY, before="pages")
    expected = yaml.load(text.removeprefix("\ufeff"), Loader=LOADER)
    node = expected
    for key in keys:
        node = node[key]
    node["resources"] = [*(node.get("resources") or []), ENTRY]
    assert yaml.load(out.removeprefix("\ufeff"), Loader=LOADER) == expected
    assert out.split("\n")[line - 1].lstrip().startswith("- title: 'yes'")
    return out, line


def test_topics_of_every_real_roadmap_file_take_a_resource():
    count = 0
    for file in roadmap_files(ROOT / "roadmap"):
        text = file.read_text(encoding="utf-8")
        found = list(topics(yaml.load(text, Loader=LOADER)))
        for node in {id(n): n for n in (found[:2] + found[-2:])}.values():  # first and last
            out, line = appended(text, node.keys)
            old, new = text.splitlines(), out.splitlines()
            added = len(new) - len(old)  # 4 lines, or 5 with a new `resources:` key
            start = line - 1 - (added - 4)
            assert added in (4, 5) and new[:start] + new[start + added :] == old
            count += 1
    assert count > 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "topics:\n  - id: t\n    resources: []  # none yet\n  - id: u\n",
            "topics:\n  - id: t\n    resources: # none yet\n      - title: 'yes'\n",
        ),
        ("topics:\n  - id: t\n    resources:\n\n  - id: u\n", "    resources:\n      - title"),
        ("topics:\r\n  - id: t\r\n    resources: ~\r\n", "    resources:\r\n      - title"),
        (
            "topics:\n  - id: t\n    resources:\n      - title: a\n        note: |\n"
            "          one\n          # not a comment\n\n    # trailing\n  - id: u\n",
            "          # not a comment\n      - title: 'yes'",
        ),
        (
            "topics:\n- id: t\n  resources:\n  - title: a\n    tags:\n    - m\n",
            "    - m\n  - title",
        ),
        ("topics:\n  - pages: [a.md]\n    id: t\n", "    id: t\n    resources:\n      - title"),
        ("topics:\n  - id: t\n    summary:\n", "    summary:\n    resources:\n      - title"),
    ],
    ids=[
        "empty-flow",
        "null",
        "tilde-crlf",
        "block-scalar",
        "block-tags",
        "pages-first",
        "null-last",
    ],
)
def test_edge_cases(text, expected):
    out, _ = appended(text)
    assert expected in out


def test_flow_list_is_refused():
    with pytest.raises(InsertError, match="flow"):
        append_item(
            "topics:\n  - id: t\n    resources: [{title: a}]\n", ("topics", 0), "resources", ENTRY
        )
