"""Hostile input end to end: a YAML alias bomb, and an XSS corpus in every rendered field."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml

from jobbook.cli import main as jobbook_main
from jobbook.core.render import render_pages
from jobbook.core.validate import validate_dir

from .helpers import EXT_CONFIG, EXTENSIONS, copy_fixture, mkdocs_build

# ---------------------------------------------------------------------------
# Alias bomb

LOL = 10  # 10 levels of 10 aliases each: 10**10 leaves once expanded


def billion_laughs() -> str:
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, LOL):
        refs = ", ".join([f"*lol{n - 1}"] * 10)
        lines.append(f"lol{n}: &lol{n} [{refs}]")
    return "\n".join(lines) + "\n"


# Runs `jobbook check` in a child whose address space is capped at what it uses after
# the imports + 100 MB, then reports its own peak RSS and how many YAML nodes the loader
# built (counted, not timed: expanding the bomb would build 10**10; it stops at 10**5).
DRIVER = textwrap.dedent(
    """
    import json, resource, sys, time
    import jobbook.core.load, jobbook.core.model, jobbook.core.validate, pydantic, yaml  # baseline
    from jobbook.cli import main

    built = [0]
    real_build = jobbook.core.load._Lines._build

    def build(self, node):
        built[0] += 1
        if built[0] > 100_000:
            raise SystemExit("the aliases are being expanded")
        return real_build(self, node)

    jobbook.core.load._Lines._build = build

    def vm_kb(field):
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    limit = (vm_kb("VmSize") + 100 * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    start = time.perf_counter()
    try:
        rc = main(["check", sys.argv[1]])
    finally:
        stats = {
            "seconds": time.perf_counter() - start,
            "built": built[0],
            "base_rss_kb": base_rss,
            "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
        with open(sys.argv[2], "w") as out:
            json.dump(stats, out)
    sys.exit(rc)
    """
)


def test_alias_bomb_is_refused_fast_and_small(tmp_path):
    bomb = billion_laughs()
    assert 700 <= len(bomb.encode()) <= 1300  # ~1 KB of YAML
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "roadmap").mkdir()
    (tmp_path / "roadmap" / "bomb.yml").write_text(bomb)
    stats_file = tmp_path / "stats.json"
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, "roadmap/bomb.yml", str(stats_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "MemoryError" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "roadmap/bomb.yml:2: 不支持 YAML 别名（*alias），请直接写出内容"
    ]
    stats = json.loads(stats_file.read_text())
    assert stats["built"] == 0, stats  # refused at the first alias, before building
    assert stats["peak_rss_kb"] - stats["base_rss_kb"] < 100 * 1024, stats


def test_javascript_and_data_urls_are_refused_by_check(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "roadmap").mkdir()
    target = tmp_path / "roadmap" / "x.yml"
    target.write_text(
        textwrap.dedent(
            """\
            topics:
              - id: t
                title: T
                resources:
                  - {title: a, url: "javascript:alert(1)", type: site, lang: en}
                  - {title: b, url: "data:text/html,<script>alert(1)</script>", type: site, lang: en}
                  - {title: c, url: "JAVASCRIPT://x.org/%0Aalert(1)", type: site, lang: en}
            """
        ),
        encoding="utf-8",
    )
    assert jobbook_main(["check", str(target)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"roadmap/x.yml:{line}: 'url': 只接受 http:// 或 https:// 开头的完整网址"
        for line in (5, 6, 7)
    ]


# ---------------------------------------------------------------------------
# XSS corpus

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    '" onmouseover="alert(1)',
    "&lt;script&gt;",
    '{: onclick="alert(1)" }',
    '<a href="data:text/html,x">',
    "$\\alpha$ \\(x\\)",
]


class Corpus:
    """Every rendered string field of a roadmap filled with payloads, in turn.

    Titles draw from their own cycle so that every payload is some page's title."""

    def __init__(self) -> None:
        self._titles = itertools.cycle(PAYLOADS)
        self._texts = itertools.cycle(PAYLOADS[3:] + PAYLOADS[:3])
        self.titles: list[str] = []

    def title(self) -> str:
        self.titles.append(next(self._titles))
        return self.titles[-1]

    def text(self) -> str:
        return next(self._texts)

    def milestone(self, mid: str) -> dict[str, object]:
        return {"id": mid, "title": self.title(), "target": self.text(), "details": self.text()}

    def questions(self) -> list[object]:
        """Stages and topics reference bank questions by id."""
        return [f"hostile-{n}" for n in range(1, 3)]

    def bank(self) -> list[dict[str, object]]:
        """One question per payload, the payload in every rendered field."""
        return [
            {
                "id": f"hostile-{n}",
                # distinct CJK prefixes keep two similar payloads from being near-duplicates
                "text": "".join(chr(0x4E00 + 97 * n + k) for k in range(4)) + payload,
                "area": "classic-ml",
                "level": "basic",
                "kind": "concept",
                "topic": "demo-trees",
                "answer": [f"{self.text()} 这一点之后是一段足够长的普通说明文字。", self.text()],
                "follow_ups": [{"q": self.text(), "a": self.text()}],
                "refs": [{"title": self.text(), "url": "https://example.org/ref"}],
                "reviewed": "2026-12-02",
            }
            for n, payload in enumerate(PAYLOADS, start=1)
        ]

    def topic(self, tid: str, urls: list[str], pages: list[str] | None = None) -> dict[str, object]:
        topic: dict[str, object] = {
            "id": tid,
            "title": self.title(),
            "summary": self.text(),
            "branch": self.text(),
            "points": [self.text(), self.text()],
            "practice": [self.text()],
            "self_check": [{"id": "c1", "text": self.text()}, {"id": "c2", "text": self.text()}],
            "milestones": [self.milestone("m1")],
            "questions": self.questions(),
            "tables": [
                {
                    "title": self.title(),
                    "columns": [self.text(), self.text()],
                    "rows": [[self.text(), self.text()], [self.text(), self.text()]],
                }
            ],
            "resources": [
                {
                    "title": self.title(),
                    "url": url,
                    "type": "book",
                    "lang": "en",
                    "level": "beginner",
                    "authors": self.text(),
                    "note": self.text(),
                }
                for url in urls
            ],
        }
        if pages:
            topic["pages"] = pages
        return topic

    def files(self) -> dict[str, dict[str, object]]:
        """roadmap/demo.yml and roadmap/topics/shared.yml with the fixture's ids."""
        stages = [
            {
                "id": "demo-basics",
                "title": self.title(),
                "summary": self.text(),
                "duration": self.text(),
                "weeks": 3,
                "goals": [self.text(), self.text()],
                "topics": [
                    self.topic(
                        "demo-linear-algebra",
                        [
                            "https://mml-book.github.io/",
                            'https://example.org/q?a="><script>alert(1)</script>&b=1',
                        ],
                        ["math/kkt.md"],
                    ),
                    {"ref": "demo-shared"},
                ],
                "milestones": [self.milestone("titanic")],
                "questions": self.questions(),
            },
            {
                "id": "demo-ml",
                "title": self.title(),
                "summary": self.text(),
                "duration": self.text(),
                "prerequisites": ["demo-basics"],
                "topics": [self.topic("demo-trees", ["https://lightgbm.readthedocs.io/"])],
            },
        ]
        # one more stage per payload: stage titles are reused the most (stage table, graph,
        # plan table, print page, nav), and once landed in an attribute (aria-label)
        stages += [
            {"id": f"demo-extra-{n}", "title": payload, "summary": self.text(), "weeks": 1}
            for n, payload in enumerate(PAYLOADS, start=1)
        ]
        self.titles += PAYLOADS
        path = {
            "id": "demo",
            "title": self.title(),
            "summary": self.text(),
            "audience": self.text(),
            "duration": self.text(),
            "hours_per_week": 10,
            "intro": [self.text(), self.text()],
            "timeline": [{"when": self.text(), "what": self.text()}],
            "stages": stages,
        }
        shared = self.topic("demo-shared", ["https://web.stanford.edu/~boyd/cvxbook/"])
        return {
            "roadmap/demo.yml": {"path": path},
            "roadmap/topics/shared.yml": {"topics": [shared]},
            "roadmap/questions/hostile.yml": {"questions": self.bank()},
        }


class ArticleScan(HTMLParser):
    """Elements and text inside <article> of one page."""

    BANNED = ("iframe", "object", "embed", "base", "meta", "link", "style", "frame")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.scripts: list[tuple[tuple[str, str | None], ...]] = []
        self.json_blocks: list[str] = []
        self.findings: list[tuple[str, dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: list[str] | None = None
        self._script_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(tuple(sorted(attrs, key=lambda a: (a[0], a[1] or ""))))
            self._script, self._script_attrs = [], attributes
        if tag in self.BANNED:
            self.findings.append((tag, attributes, "banned element"))
        for name, value in attrs:
            if not re.fullmatch(r"[a-z_:][-a-z0-9_:.]*", name):
                self.findings.append((tag, attributes, f"broken attribute name {name!r}"))
            if name.startswith("on"):
                self.findings.append((tag, attributes, f"event handler {name}"))
            if name in ("href", "src", "action", "formaction", "xlink:href", "data", "poster"):
                scheme = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.findings.append((tag, attributes, f"{name} scheme"))
        href, src = attributes.get("href") or "", attributes.get("src") or ""
        if tag == "img" and re.match(r"\s*(https?:)?//", src, re.I):
            self.findings.append((tag, attributes, "external image"))
        if tag == "a" and re.match(r"\s*(https?:)?//", href, re.I):
            rel = (attributes.get("rel") or "").split()
            if not {"noopener", "noreferrer"} <= set(rel):
                self.findings.append((tag, attributes, "external link without noopener noreferrer"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "article":
            self.depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if self._script_attrs.get("type") == "application/json":
                self.json_blocks.append("".join(self._script))
            self._script = None
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        elif self.depth:
            self.text.append(data)


def scan(html: str) -> ArticleScan:
    parser = ArticleScan()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def xss_build(tmp_path_factory, fixture_build):
    """(baseline site dir, hostile site dir, corpus): the fixture as built for the session,
    and a strict build of it with every rendered field replaced by payloads."""
    hostile = copy_fixture(tmp_path_factory.mktemp("hostile"))
    corpus = Corpus()
    for rel, doc in corpus.files().items():
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
        (hostile / rel).write_text(text, encoding="utf-8")
    roadmap = validate_dir(hostile / "roadmap", hostile, hostile / "docs")
    assert roadmap.ok, [str(i) for i in roadmap.issues]
    result = mkdocs_build(hostile)
    assert result.returncode == 0, result.stderr[-3000:]
    return fixture_build / "site", hostile / "site", corpus


def pages_of(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


def test_every_rendered_field_carries_a_payload(xss_build):
    _, hostile, corpus = xss_build
    assert set(corpus.titles) == set(PAYLOADS)
    demo = (hostile.parent / "roadmap" / "demo.yml").read_text(encoding="utf-8")
    for field in ("audience", "intro", "timeline", "goals", "branch", "practice", "self_check"):
        assert f"{field}:" in demo
    for field in ("columns", "rows", "authors", "note", "target", "details"):
        assert f"{field}:" in demo
    bank = (hostile.parent / "roadmap" / "questions" / "hostile.yml").read_text(encoding="utf-8")
    for field in ("text", "answer", "follow_ups", "refs"):
        assert f"{field}:" in bank


def test_practice_cards_carry_no_active_content(xss_build):
    """The practice data scripts hold card HTML: payloads in it stay text."""
    _, hostile_site, _ = xss_build
    chunks = sorted((hostile_site / "assets" / "data").glob("questions-*.js"))
    assert chunks
    problems = []
    for chunk in chunks:
        source = chunk.read_text(encoding="utf-8")
        match = re.fullmatch(
            r'document\.dispatchEvent\(new CustomEvent\("jobbook:(\w+)",\{detail:(.*)\}\)\);\n',
            source,
            re.S,
        )
        assert match, chunk.name  # one statement, nothing else executes
        detail = json.loads(match[2])
        for card in detail.get("cards", []):
            found = scan("<article>" + card["q"] + card["a"] + card["f"] + "</article>")
            problems += [(chunk.name, card["id"], *f) for f in found.findings]
            problems += [(chunk.name, card["id"], "script") for _ in found.scripts]
    assert problems == []


def test_no_active_content_in_any_article(xss_build):
    baseline_site, hostile_site, _ = xss_build
    baseline, hostile = pages_of(baseline_site), pages_of(hostile_site)
    assert set(baseline) <= set(hostile)
    problems = []
    for page, html in hostile.items():
        # the extra stages' pages have no twin in the baseline: any stage page will do
        found = scan(html)
        before = scan(baseline.get(page, baseline["paths/demo/demo-ml.html"]))
        assert found.depth == 0 and "".join(found.text).strip(), page  # article parsed
        if sorted(found.scripts) != sorted(before.scripts):
            problems.append((page, "script elements differ from the baseline", found.scripts))
        for block in found.json_blocks:
            try:
                json.loads(block)
            except ValueError:
                problems.append((page, "JSON data block broken", block[:200]))
        problems += [(page, *f) for f in found.findings]
    assert problems == []


def article_text(html: str) -> str:
    return " ".join("".join(scan(html).text).split())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_titles_are_shown_literally(xss_build, payload):
    _, hostile_site, _ = xss_build
    pages = pages_of(hostile_site)
    where = [page for page, html in pages.items() if payload in article_text(html)]
    assert where, f"{payload!r} is not visible as text on any page"


def test_page_titles_are_the_payloads(xss_build):
    """Path, stage and shared-topic titles are the <h1> of their own page, verbatim."""
    _, hostile_site, _ = xss_build
    docs = {
        rel: yaml.safe_load((hostile_site.parent / rel).read_text(encoding="utf-8"))
        for rel in ("roadmap/demo.yml", "roadmap/topics/shared.yml")
    }
    path = docs["roadmap/demo.yml"]["path"]
    expected = {"paths/demo/index.html": path["title"]}
    expected.update({f"paths/demo/{s['id']}.html": s["title"] for s in path["stages"]})
    shared = docs["roadmap/topics/shared.yml"]["topics"][0]
    expected[f"topics/{shared['id']}.html"] = shared["title"]
    for page, title in expected.items():
        html = (hostile_site / page).read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert h1, page
        heading = HTMLParser()
        texts: list[str] = []
        heading.handle_data = texts.append  # type: ignore[method-assign]
        heading.feed(h1.group(1))
        assert " ".join("".join(texts).split()) == title, page


# ---------------------------------------------------------------------------
# Regression: found by test_fuzz.py, fixed in the templates.


def test_stage_title_cannot_break_out_of_an_attribute(tmp_path):
    """The progress bar of each stage in the path page's "阶段一览" table carried
    ``aria-label="{{ stage.title }} 进度"``: HTML-escaped, but inside a Markdown table
    cell, so Markdown turned ``[x](url)`` into ``<a href="url">`` *inside the attribute*;
    with two links the second was a live ``javascript:`` link, and ``[a](onmouseover=…//)``
    gave the div an event handler (both ran in chromium)."""
    root = tmp_path
    (root / "roadmap").mkdir()
    (root / "roadmap" / "a.yml").write_text(
        "path:\n  id: p\n  title: t\n  summary: s\n  stages:\n"
        "    - id: s\n      title: '[a](x) [b](javascript:alert(1))'\n",
        encoding="utf-8",
    )
    roadmap = validate_dir(root / "roadmap", root)
    assert roadmap.ok
    [page] = [p for p in render_pages(roadmap) if p.path == "paths/p/index.md"]
    html = markdown.markdown(page.content, extensions=EXTENSIONS, extension_configs=EXT_CONFIG)
    found = scan(f"<article>{html}</article>")
    assert found.findings == []
