"""Property-based fuzzing of ``jobbook check``: valid and mutated roadmap documents.

Documents are built from strategies that mirror the pydantic model (``jobbook.core.model``),
then mutated structurally (wrong types, missing / extra keys, huge strings, weird
unicode, deep nesting) or textually (BOM, CRLF, tabs, control characters, non-UTF-8
bytes, duplicate keys, anchors / aliases, truncation, random bytes). Properties:

* ``validate_files`` returns normally (it never raises);
* every issue is one line ``roadmap/<file>.yml:<line>: <message>`` with a 1-based line
  no greater than the file's line count + 1;
* a valid-shaped document yields no issue, and every document that validates renders
  (``render_pages``) into Markdown whose HTML has no script, event handler or
  ``javascript:`` link;
* the real CLI (``python -m jobbook check``) never prints a traceback.

Profiles: ``HYPOTHESIS_PROFILE=ci`` (default, ~300 examples in all, well under a minute on
two cores) and ``HYPOTHESIS_PROFILE=nightly`` (~12,000 examples in all).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, get_args

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from jobbook.core.model import ResourceType
from jobbook.core.render import render_pages
from jobbook.core.validate import validate_dir, validate_files

from .helpers import EXT_CONFIG, EXTENSIONS

_COMMON = {
    "deadline": None,
    "database": None,  # nothing left in .hypothesis/; failures print a reproduction blob
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
}
# max_examples is the budget of the whole module; each test takes a share of it.
settings.register_profile("ci", max_examples=300, **_COMMON)
settings.register_profile("nightly", max_examples=12_000, **_COMMON)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
N = PROFILE.max_examples


def scaled(fraction: float, minimum: int) -> settings:
    """The selected profile with a share of its examples (ci: ~300 in all tests)."""
    return settings(PROFILE, max_examples=max(minimum, int(N * fraction)))


ISSUE = re.compile(r"^roadmap/[^:]+\.yml:\d+: .+$")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# ---------------------------------------------------------------------------
# Text strategies

WEIRD = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width (non-)joiner
    "\u2060",  # word joiner
    "\ufeff",  # BOM inside text
    "\U0001f469\u200d\U0001f4bb",  # emoji ZWJ sequence
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "e\u0301\u0301\u0301",  # stacked combining marks
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\x85",  # NEL
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\t",
    "\r\n",
    "\r",
    "\n",
    "  ",
    "\u3000",  # ideographic space
    "\ufffd",
    "\U0010fffd",
    "中文",
    "<script>alert(1)</script>",
    "{: onclick=x }",
    "[x](javascript:alert(1))",
    "$x$",
    "| a |",
    "&amp;",
    "\\",
    "'",
    '"',
    "#",
    "- ",
    ": ",
    "*a",
    "&a",
    "!!str",
    "%YAML",
    "---",
    "...",
    "~",
    "null",
    "true",
    "0x1F",
    "1e3",
    "2001-12-14",
    "=",
]
CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
PIECE = st.one_of(st.text(CHARS, min_size=1, max_size=12), st.sampled_from(WEIRD))


def text(max_len: int) -> st.SearchStrategy[str]:
    return (
        st.lists(PIECE, min_size=1, max_size=6).map("".join).map(lambda s: s[:max_len]).filter(bool)
    )


SHORT = text(300)
LONG = text(4000)
WORD = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
BASE_ID = st.lists(WORD, min_size=1, max_size=3).map("-".join)
RES_TYPES = list(get_args(ResourceType))
URL_PATH = st.text("abcxyz0123456789-_~%/é中", max_size=12).map(lambda s: s.rstrip("/"))
PAGE = st.from_regex(r"\A[A-Za-z0-9_./-]{1,20}\.(md|ipynb)\Z")


class Ids:
    """Fresh ids within one document (node ids are unique across the whole site)."""

    def __init__(self) -> None:
        self.used: list[str] = []

    def new(self, draw: st.DrawFn) -> str:
        value = f"{draw(BASE_ID)}-{len(self.used)}"[-80:].lstrip("-")
        self.used.append(value)
        return value


def maybe(draw: st.DrawFn, out: dict[str, Any], key: str, strategy: st.SearchStrategy) -> None:
    if draw(st.booleans()):
        out[key] = draw(strategy)


def children(draw: st.DrawFn, max_size: int, build) -> list[dict[str, Any]]:
    """Items with ids unique within their parent (self_check, milestones)."""
    items = []
    for n in range(draw(st.integers(0, max_size))):
        item = build()
        item["id"] = f"{draw(BASE_ID)}-{n}"
        items.append(item)
    return items


@st.composite
def resource(draw: st.DrawFn, n: int) -> dict[str, Any]:
    host = draw(st.sampled_from(["example.org", "www.example.com", "例子.example", "x.io:8080"]))
    query = draw(st.sampled_from(["", "?q=1", "?a=b&c=%20"]))
    res: dict[str, Any] = {
        "title": draw(SHORT),
        "url": f"{draw(st.sampled_from(['http', 'https']))}://r{n}.{host}/{draw(URL_PATH)}{query}",
        "type": draw(st.sampled_from(RES_TYPES)),
        "lang": draw(st.sampled_from(["zh", "en", "multi"])),
    }
    maybe(draw, res, "free", st.booleans())
    maybe(draw, res, "level", st.sampled_from(["beginner", "intermediate", "advanced"]))
    maybe(draw, res, "tags", st.lists(BASE_ID, max_size=3))
    maybe(draw, res, "authors", SHORT)
    maybe(draw, res, "note", LONG)
    return res


@st.composite
def table(draw: st.DrawFn) -> dict[str, Any]:
    columns = draw(st.lists(SHORT, min_size=1, max_size=3))
    rows = draw(
        st.lists(
            st.lists(LONG, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=3
        )
    )
    out: dict[str, Any] = {"columns": columns, "rows": rows}
    maybe(draw, out, "title", SHORT)
    return out


def milestone(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"title": draw(SHORT)}
    maybe(draw, out, "target", SHORT)
    maybe(draw, out, "details", LONG)
    return out


def topic(draw: st.DrawFn, ids: Ids, urls: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ids.new(draw), "title": draw(SHORT)}
    maybe(draw, out, "summary", LONG)
    maybe(draw, out, "branch", SHORT)
    maybe(draw, out, "points", st.lists(LONG, max_size=3))
    maybe(draw, out, "practice", st.lists(LONG, max_size=2))
    if draw(st.booleans()):
        out["self_check"] = children(draw, 3, lambda: {"text": draw(LONG)})
    if draw(st.booleans()):
        out["milestones"] = children(draw, 2, lambda: milestone(draw))
    maybe(draw, out, "tables", st.lists(table(), max_size=2))
    if draw(st.booleans()):
        out["resources"] = []
        for _ in range(draw(st.integers(0, 3))):
            urls.append(len(urls))
            out["resources"].append(draw(resource(len(urls))))
    maybe(draw, out, "pages", st.lists(PAGE, max_size=2))
    return out


POSITIVE = st.floats(min_value=0, max_value=100, exclude_min=True, allow_nan=False)


@st.composite
def document(draw: st.DrawFn) -> dict[str, Any]:
    """A valid-shaped roadmap file: a path, shared topics, or both."""
    ids = Ids()
    urls: list[int] = []
    doc: dict[str, Any] = {}
    shared = [topic(draw, ids, urls) for _ in range(draw(st.integers(0, 2)))]
    has_path = not shared or draw(st.booleans())
    if has_path:
        path: dict[str, Any] = {
            "id": ids.new(draw),
            "title": draw(SHORT),
            "summary": draw(LONG),
        }
        maybe(draw, path, "audience", LONG)
        maybe(draw, path, "duration", SHORT)
        maybe(draw, path, "hours_per_week", POSITIVE)
        maybe(draw, path, "order", st.integers(-(10**6), 10**6))
        maybe(draw, path, "intro", st.lists(LONG, max_size=2))
        maybe(
            draw,
            path,
            "timeline",
            st.lists(st.fixed_dictionaries({"when": SHORT, "what": LONG}), max_size=2),
        )
        stages = []
        for _ in range(draw(st.integers(1, 2))):
            stage: dict[str, Any] = {"id": ids.new(draw), "title": draw(SHORT)}
            maybe(draw, stage, "summary", LONG)
            maybe(draw, stage, "duration", SHORT)
            maybe(draw, stage, "weeks", st.floats(0, 520, exclude_min=True, allow_nan=False))
            maybe(draw, stage, "hours_per_week", POSITIVE)
            maybe(draw, stage, "goals", st.lists(LONG, max_size=2))
            entries: list[dict[str, Any]] = []
            for _ in range(draw(st.integers(0, 2))):
                if shared and draw(st.booleans()):
                    entries.append({"ref": draw(st.sampled_from(shared))["id"]})
                else:
                    entries.append(topic(draw, ids, urls))
            if entries or draw(st.booleans()):
                stage["topics"] = entries
            if draw(st.booleans()):
                stage["milestones"] = children(draw, 2, lambda: milestone(draw))
            stages.append(stage)
        path["stages"] = stages
        doc["path"] = path
    if shared or draw(st.booleans()):
        doc["topics"] = shared
    # prerequisites may point at any node id of the site
    for node in nodes(doc):
        if draw(st.integers(0, 3)) == 0:
            node["prerequisites"] = draw(st.lists(st.sampled_from(ids.used), max_size=2))
    return doc


def nodes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Stages and (inline or shared) topics: the nodes that take prerequisites."""
    found = list(doc.get("topics", []))
    for stage in doc.get("path", {}).get("stages", []):
        found.append(stage)
        found += [t for t in stage.get("topics", []) if "ref" not in t]
    return found


def dump(doc: Any, flow: bool = False, width: int = 80) -> str:
    return yaml.safe_dump(
        doc, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=width
    )


# ---------------------------------------------------------------------------
# Mutations


def slots(obj: Any) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) pair below ``obj``."""
    found: list[tuple[Any, Any]] = []
    stack = [obj]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            found.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return found


def dicts(obj: Any) -> list[dict[str, Any]]:
    return [obj] * isinstance(obj, dict) + [v for c, k in slots(obj) if isinstance(v := c[k], dict)]


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**40, max_value=10**60),
    st.floats(),
    st.text(CHARS, max_size=20),
    st.dates(),
    st.sampled_from(["", " ", "javascript:alert(1)", "data:text/html,x", "ftp://x.org/"]),
)
ANY = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(CHARS, max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
HUGE = st.sampled_from([301, 4001, 2001, 20_000, 100_000]).flatmap(
    lambda n: st.sampled_from(["x", "中", "\U0001f600", "<b>", "a "]).map(lambda c: (c * n)[:n])
)


def nested(depth: int, kind: str) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


@st.composite
def structural(draw: st.DrawFn, doc: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Change the data, then dump it to YAML."""
    kind = draw(
        st.sampled_from(
            ["wrong-type", "missing-key", "extra-key", "huge", "weird", "deep", "rename"]
        )
    )
    places = slots(doc)
    if kind == "wrong-type":
        parent, key = draw(st.sampled_from(places))
        parent[key] = draw(ANY)
    elif kind == "missing-key":
        target = draw(st.sampled_from(dicts(doc)))
        if target:
            del target[draw(st.sampled_from(sorted(target)))]
    elif kind == "extra-key":
        target = draw(st.sampled_from(dicts(doc)))
        target[draw(st.one_of(st.text(CHARS, max_size=12), st.sampled_from(["titel", "urls"])))] = (
            draw(ANY)
        )
    elif kind == "rename":
        target = draw(st.sampled_from(dicts(doc)))
        if target:
            old = draw(st.sampled_from(sorted(target)))
            target[old.upper() if draw(st.booleans()) else old + "s"] = target.pop(old)
    else:
        strings = [(p, k) for p, k in places if isinstance(p[k], str)] or places
        parent, key = draw(st.sampled_from(strings))
        if kind == "huge":
            parent[key] = draw(HUGE)
        elif kind == "weird":
            parent[key] = draw(
                st.lists(st.sampled_from(WEIRD), min_size=1, max_size=8).map("".join)
            )
        else:
            parent[key] = nested(draw(st.integers(30, 60)), draw(st.sampled_from(["list", "map"])))
    return kind, doc


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(9)
)


@st.composite
def textual(draw: st.DrawFn, source: str) -> tuple[str, bytes]:
    """Change the YAML text or bytes of a (valid) document."""
    kind = draw(
        st.sampled_from(
            [
                "bom",
                "crlf",
                "cr",
                "tabs",
                "control",
                "non-utf8",
                "duplicate-line",
                "duplicate-top",
                "anchor",
                "alias",
                "bomb",
                "truncate",
                "flip",
                "insert-bytes",
                "flow",
                "indent",
            ]
        )
    )
    data = source.encode("utf-8")
    lines = source.split("\n")
    if kind == "bom":
        data = b"\xef\xbb\xbf" + data
    elif kind == "crlf":
        data = source.replace("\n", "\r\n").encode("utf-8")
    elif kind == "cr":
        data = source.replace("\n", "\r").encode("utf-8")
    elif kind == "tabs":
        data = re.sub(r"(?m)^( +)", lambda m: "\t" * (len(m.group(1)) // 2), source).encode()
    elif kind == "control":
        char = draw(st.sampled_from(["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x9f"]))
        at = draw(st.integers(0, len(source)))
        data = (source[:at] + char + source[at:]).encode("utf-8")
    elif kind == "non-utf8":
        junk = draw(st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\x80abc"]))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    elif kind == "duplicate-line":
        at = draw(st.integers(0, len(lines) - 1))
        data = "\n".join([*lines[: at + 1], *lines[at:]]).encode("utf-8")
    elif kind == "duplicate-top":
        data = (source + draw(st.sampled_from(["path: {}\n", "topics: []\n"]))).encode()
    elif kind in ("anchor", "alias"):
        keyed = [n for n, line in enumerate(lines) if re.match(r"^ *(- )?[a-z_]+: \S", line)]
        if keyed:
            at = draw(st.sampled_from(keyed))
            lines[at] = re.sub(r"^( *(?:- )?[a-z_]+: )", r"\1&anchor ", lines[at], count=1)
            if kind == "alias":
                later = [n for n in keyed if n > at] or [at]
                to = draw(st.sampled_from(later))
                lines[to] = re.sub(r"^( *(?:- )?[a-z_]+: ).*", r"\1*anchor", lines[to], count=1)
        data = "\n".join(lines).encode("utf-8")
    elif kind == "bomb":
        data = BILLION_LAUGHS.encode() + data
    elif kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "flip":
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    elif kind == "insert-bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif kind == "flow":
        data = source.encode("utf-8")  # replaced below by a flow-style dump
    elif kind == "indent":
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = " " * draw(st.integers(1, 3)) + lines[at]
        data = "\n".join(lines).encode("utf-8")
    return kind, data


# ---------------------------------------------------------------------------
# Properties


def line_count(data: bytes) -> int:
    """Lines as git and GitHub count them (lone CR also counts: PyYAML agrees)."""
    return len(data.splitlines())


def check_issues(roadmap, files: dict[str, bytes]) -> None:
    for issue in roadmap.issues:
        shown = str(issue)
        assert issue.file in files, shown
        assert ISSUE.fullmatch(shown), shown
        assert len(shown.splitlines()) == 1, shown
        shown.encode("utf-8")  # printable by the CLI
        data = files[issue.file]
        limit = line_count(data) + 1  # as git counts: U+0085/U+2028/U+2029 break no line
        assert 1 <= issue.line <= limit, (shown, limit)


def validate_bytes(files: dict[str, bytes]):
    """Write ``roadmap/<name>`` files into a fresh temp dir and validate them."""
    with tempfile.TemporaryDirectory(prefix="jobbook-fuzz-") as tmp:
        root = Path(tmp)
        paths = []
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            paths.append(path)
        roadmap = validate_files(paths, root)
    check_issues(roadmap, files)
    return roadmap


class _HtmlCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # The templates' own elements are fine: inline SVG graphs and JSON data blocks
        # (<script type="application/json">, never executed). Anything else is not.
        if tag == "script" and dict(attrs).get("type") != "application/json":
            self.bad.append("<script>")
        if tag in ("iframe", "object", "embed", "img", "style", "base", "meta"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if not re.fullmatch(r"[a-z_:][-a-z0-9_:.]*", name):
                self.bad.append(f"{tag} broken attribute {name!r}")  # attribute breakout
            if name.startswith("on"):
                self.bad.append(f"{tag} {name}")
            if name in ("href", "src") and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.I
            ):
                self.bad.append(f"{tag} {name}={value}")


def check_renders(roadmap) -> None:
    """Rendering never raises, and the Markdown turns into HTML without active content."""
    pages = render_pages(roadmap)
    assert pages
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXT_CONFIG)
    for page in pages:
        html = md.reset().convert(page.content)
        checker = _HtmlCheck()
        checker.feed(html)
        assert not checker.bad, (page.path, checker.bad)


def named(data: bytes) -> dict[str, bytes]:
    return {"roadmap/doc.yml": data}


# ---------------------------------------------------------------------------
# Tests


@scaled(0.3, 10)
@given(doc=document(), variant=st.sampled_from(["block", "flow", "bom", "crlf", "narrow"]))
def test_valid_documents_have_no_issues_and_render(doc, variant):
    text = dump(doc, flow=variant == "flow", width=20 if variant == "narrow" else 80)
    data = text.encode("utf-8")
    if variant == "bom":
        data = b"\xef\xbb\xbf" + data
    elif variant == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    note(data.decode("utf-8-sig"))
    roadmap = validate_bytes(named(data))
    assert roadmap is not None and roadmap.issues == [], [str(i) for i in roadmap.issues]
    check_renders(roadmap)


@scaled(0.4, 15)
@given(doc=document(), data=st.data())
@example(doc={"path": {"id": "p", "title": "t", "summary": "s", "stages": []}}, data=None)
def test_mutated_documents_give_clean_issues(doc, data):
    if data is None:  # explicit example: the smallest invalid path
        kind, raw = "explicit", dump(doc).encode()
    elif data.draw(st.booleans()):
        kind, doc = data.draw(structural(doc))
        raw = dump(doc, flow=data.draw(st.booleans())).encode("utf-8")
    else:
        kind, raw = data.draw(textual(dump(doc)))
        if kind == "flow":
            raw = dump(doc, flow=True).encode("utf-8")
    note(f"{kind}: {raw[:3000]!r}")
    roadmap = validate_bytes(named(raw))
    if roadmap is not None and roadmap.ok and roadmap.files:
        check_renders(roadmap)


HOSTILE_FILES = [
    b"",
    b"\xef\xbb\xbf",
    b"\n\n\n",
    b"~\n",
    b"- a\n- b\n",
    b"just text\n",
    b"path:\n",
    b"topics: {}\n",
    b"%YAML 1.1\n---\ntopics: []\n",
    b"--- !!python/object/apply:os.system ['true']\n",
    b"a: !!binary aGVsbG8=\n",
    b"a: !custom x\n",
    b"<<: {a: 1}\n",
    b"? [a, b]\n: c\n",
    b"a: 1\n---\nb: 2\n",
    b"a: " + b"[" * 100 + b"]" * 100 + b"\n",
    b"a: " + b"{k: " * 60 + b"1" + b"}" * 60 + b"\n",
    b"order: 1" + b"0" * 5000 + b"\n",
    b"path:\n  id: p\n  title: 2001-13-45\n",
    b"a: 1\na: 2\n",
    b"\t- x\n",
    b"a: \xff\n",
    b"a: 'unterminated\n",
    b"a: |\n  block\n b\n",
    BILLION_LAUGHS.encode(),
    ("topics:\n  - id: a\n    title: t\u2028x\n    titel: y\n").encode(),
    b"topics:\r  - id: a\r    titel: t\r",
    b"x" * 100_000,
    b"a:\n" + b"  - b\n" * 5000,
]


@scaled(0.15, 10)
@given(
    raw=st.one_of(
        st.binary(max_size=400),
        st.text(CHARS, max_size=400).map(lambda s: s.encode("utf-8")),
        st.lists(
            st.sampled_from(
                ["a:", " ", "- ", "\n", "[", "]", "{", "}", ",", "&x ", "*x", "'", '"']
            ),
            max_size=60,
        ).map(lambda s: "".join(s).encode()),
    )
)
@example(raw=b"\x00\x01\x02")
def test_random_bytes(raw):
    validate_bytes(named(raw))


@pytest.mark.parametrize("raw", HOSTILE_FILES, ids=range(len(HOSTILE_FILES)))
def test_hostile_files(raw):
    validate_bytes(named(raw))


@scaled(0.1, 8)
@given(docs=st.lists(document(), min_size=2, max_size=3), data=st.data())
def test_several_files_together(docs, data):
    """Cross-file checks (duplicate ids / URLs, refs) with one possibly-mutated file."""
    files = {f"roadmap/f{n}.yml": dump(doc).encode("utf-8") for n, doc in enumerate(docs)}
    if data.draw(st.booleans()):
        files["roadmap/f0.yml"] = data.draw(textual(dump(docs[0])))[1]
    with tempfile.TemporaryDirectory(prefix="jobbook-fuzz-") as tmp:
        root = Path(tmp)
        for rel, raw in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(raw)
        roadmap = validate_dir(root / "roadmap", root)
    check_issues(roadmap, files)
    if roadmap.ok:
        check_renders(roadmap)


@scaled(0.03, 4)
@given(doc=document(), data=st.data(), github=st.booleans())
@example(doc={"topics": [{"id": "a", "title": "t"}]}, data=None, github=False)
def test_cli_never_prints_a_traceback(doc, data, github):
    if data is None:
        raw = BILLION_LAUGHS.encode()
    elif data.draw(st.booleans()):
        raw = dump(data.draw(structural(doc))[1]).encode("utf-8")
    else:
        raw = data.draw(textual(dump(doc)))[1]
    with tempfile.TemporaryDirectory(prefix="jobbook-fuzz-") as tmp:
        root = Path(tmp)
        (root / "mkdocs.yml").write_text("site_name: x\n")
        (root / "roadmap").mkdir()
        (root / "roadmap" / "doc.yml").write_bytes(raw)
        args = [sys.executable, "-m", "jobbook", "check", "roadmap/doc.yml"]
        result = subprocess.run(
            args + (["--format", "github"] if github else []),
            cwd=root,
            capture_output=True,
            timeout=60,
        )
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert result.returncode in (0, 1), stderr
    # one issue per "\n"-terminated line: that is how CI and `grep` read the output
    lines = result.stdout.decode("utf-8").split("\n")[:-1]
    assert (result.returncode == 1) == bool(lines)
    if github:
        for line in lines:
            assert re.fullmatch(
                r"::error file=roadmap/doc\.yml,line=\d+,title=jobbook check::.+", line
            )
    else:
        assert all(ISSUE.fullmatch(line) for line in lines), lines


# ---------------------------------------------------------------------------
# Regressions found by this module.


def _strict_issues(data: bytes) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="jobbook-fuzz-") as tmp:
        root = Path(tmp)
        (root / "roadmap").mkdir()
        (root / "roadmap" / "doc.yml").write_bytes(data)
        roadmap = validate_files([root / "roadmap" / "doc.yml"], root)
    shown = [str(i) for i in roadmap.issues]
    for line, issue in zip(shown, roadmap.issues, strict=True):
        assert ISSUE.fullmatch(line) and len(line.splitlines()) == 1, line
        line.encode("utf-8")
        assert issue.line <= line_count(data) + 1, line
    return shown


def test_control_character_is_an_issue_not_a_crash():
    """PyYAML's reader raised ReaderError from the loader's constructor, outside the try."""
    [issue] = _strict_issues(b"topics:\n  - id: a\n    title: x\x01y\n")
    assert issue.startswith("roadmap/doc.yml:3: ")


@pytest.mark.parametrize(
    "data",
    [
        b'topics:\n  - id: a\n    title: t\n    "x\\ny": 1\n',
        b'topics:\n  - id: a\n    title: t\n    "k\\udc00": 1\n    "k\\udc00": 1\n',
        b"path:\n  id: p\n  title: t\n  summary: s\n  stages:\n    - id: s\n      title: t\n"
        b'      topics:\n        - ref: "a\\nb"\n',
    ],
    ids=["newline-key", "surrogate-key", "newline-ref"],
)
def test_issue_messages_are_one_printable_line(data):
    """Raw keys / ids quoted in messages gave multi-line issues or a lone surrogate."""
    assert _strict_issues(data)


def test_line_numbers_match_git_lines_despite_unicode_line_separators():
    data = "topics:\n  - id: a\n    title: t\u2028x\u2028y\n    titel: z\n".encode()
    # PyYAML itself splits the plain scalar at U+2028, so this is a syntax error; it must
    # point at line 3 as git and editors count lines (PyYAML's own count says 5).
    [issue] = _strict_issues(data)
    assert issue.startswith("roadmap/doc.yml:3: YAML 语法错误")
