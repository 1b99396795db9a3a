"""Render a validated roadmap into Markdown pages (engine-agnostic, deterministic)."""

from __future__ import annotations

import json
import math
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from jobbook.core import bankdata, richtext
from jobbook.core.fastjinja import FastContext, FastTemplate, markup
from jobbook.core.indexrows import HEAD_ROWS, Index, Row
from jobbook.core.model import (
    AREAS,
    BankQuestion,
    Milestone,
    Path,
    Resource,
    Stage,
    Topic,
    TopicRef,
)
from jobbook.core.relpath import site_href, site_relpath
from jobbook.core.templatecache import TEMPLATE_CACHE
from jobbook.core.validate import Roadmap
from jobbook.core.walk import walk_path

TEMPLATES = FsPath(__file__).parent / "templates"

TYPE_LABELS = {
    "course": "课程",
    "book": "书籍",
    "paper": "论文",
    "article": "文章",
    "video": "视频",
    "repo": "代码库",
    "tool": "工具",
    "docs": "文档",
    "notebook": "Notebook",
    "site": "网站",
    "collection": "合集",
    "competition": "竞赛",
    "dataset": "数据集",
}
LANG_LABELS = {"zh": "中文", "en": "英文", "multi": "多语言"}
LEVEL_LABELS = {"beginner": "入门", "intermediate": "进阶", "advanced": "高级"}
Q_LEVEL_LABELS = {"basic": "基础", "intermediate": "进阶", "advanced": "高级"}
KIND_LABELS = {
    "concept": "概念",
    "derivation": "推导",
    "coding": "手撕代码",
    "design": "系统设计",
    "scenario": "场景题",
    "behavioural": "项目与行为",
}
AREA_LABELS = {key: label for key, (label, _) in AREAS.items()}

# Characters that would start Markdown, HTML, math or table syntax.
_ENTITY_CHARS = set("&<>[]|\\$`")
_BACKSLASH_CHARS = set("!\"#%'*+,-./:;=?@^_{}~")


_MD_ESCAPES = {ord(ch): f"&#{ord(ch)};" for ch in _ENTITY_CHARS} | {
    ord(ch): "\\" + ch for ch in _BACKSLASH_CHARS
}


def md_text(value: object) -> Markup:
    """Escape plain text so that Markdown + pymdownx.escapeall shows it literally."""
    return markup(_md_escaped(str(value)))


_MD_ESCAPED = {chr(code): escaped for code, escaped in _MD_ESCAPES.items()}
_MD_SPECIAL = re.compile("[" + re.escape("".join(_MD_ESCAPED)) + "]")


def _md_escaped(value: str) -> str:
    # A regex finds the few special characters ~3x faster than str.translate, which
    # looks every character of the (mostly Chinese) text up in the table.
    return _MD_SPECIAL.sub(lambda m: _MD_ESCAPED[m.group()], " ".join(value.split()))


_URL_SAFE = "/:?#=&%~+,;@!$*-._"


def _math_lt(tex: str) -> str:
    """``<`` in math as ``\\lt``: inside a ``markdown`` HTML block, Python-Markdown's HTML
    parser reads ``$n-c<k$`` as the start of a tag ``<k$`` and stops treating the raw
    ``<pre>`` that follows as HTML (the solution code was rendered as Markdown)."""
    return tex.replace("<", "\\lt ")


def md_rich(value: str) -> Markup:
    """Answer markup for a Markdown context: escaped text, ``$math$`` left to arithmatex.

    Display math inside a point becomes inline ``\\displaystyle`` math (arithmatex only
    takes ``$$`` blocks on their own lines); inline code stays inline code.
    """
    out: list[str] = []
    pos = 0

    def text(piece: str) -> str:
        if not piece.strip():
            return " " if piece else ""
        lead = " " if piece[0].isspace() else ""
        trail = " " if piece[-1].isspace() else ""
        return lead + _md_escaped(piece) + trail  # str, not Markup: no escaping on "+"

    for m in richtext.TOKEN.finditer(value):
        out.append(text(value[pos : m.start()]))
        if m["display"] is not None:
            out.append("$\\displaystyle " + _math_lt(" ".join(m["display"].split())) + "$")
        elif m["inline"] is not None:
            out.append(f"${_math_lt(m['inline'])}$")
        else:
            out.append(f"`{m['code']}`")
        pos = m.end()
    out.append(text(value[pos:]))
    return markup("".join(out).strip())


def md_url(value: str) -> Markup:
    """Percent-encode characters that could break out of a Markdown link target."""
    return markup(quote(value, safe=_URL_SAFE))


_ATTR_SAFE = re.compile(r"[A-Za-z0-9._-]+")


def attr(value: object) -> Markup:
    """Value for an HTML attribute, id-like only."""
    text = str(value)
    if not _ATTR_SAFE.fullmatch(text):
        raise ValueError(f"unsafe attribute value: {text!r}")
    return markup(text)


@dataclass(frozen=True)
class Page:
    """One generated Markdown page."""

    path: str  # relative to docs/, posix
    title: str
    source: str | None  # roadmap file it comes from (for "edit this page")
    content: str
    # Print pages rendered as a skeleton for the MkDocs hook, to be assembled from
    # the already rendered stage/topic pages (see printpage.py).
    assembled: bool = False


@dataclass
class Occurrence:
    path: Path
    stage: Stage


@dataclass
class Site:
    """Resolved view of the roadmap used by the templates."""

    paths: list[Path]
    shared: dict[str, Topic]
    source_of: dict[str, str]  # id → roadmap file
    occurrences: dict[str, list[Occurrence]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    pages_of: dict[str, str] = field(default_factory=dict)  # id → page path (+ anchor)
    questions: dict[str, BankQuestion] = field(default_factory=dict)  # bank order
    question_pages: dict[str, str] = field(default_factory=dict)  # question → area page part
    question_paths: dict[str, list[str]] = field(default_factory=dict)  # question → path ids
    questions_of: dict[str, list[BankQuestion]] = field(default_factory=dict)  # topic → its own
    area_parts: dict[str, list[list[BankQuestion]]] = field(default_factory=dict)  # area → pages
    print_parts: dict[str, list[list[BankQuestion]]] = field(default_factory=dict)  # → print

    def topics_of(self, stage: Stage) -> list[Topic]:
        return [self.shared[t.ref] if isinstance(t, TopicRef) else t for t in stage.topics]


def path_page(path: Path) -> str:
    return f"paths/{path.id}/index.md"


def stage_page(path: Path, stage: Stage) -> str:
    return f"paths/{path.id}/{stage.id}.md"


def print_page(path: Path) -> str:
    return f"paths/{path.id}/print.md"


def topic_page(topic_id: str) -> str:
    return f"topics/{topic_id}.md"


# An area's questions are cut into pages by estimated weight, not by count: an answer
# typeset with KaTeX costs ~2 KB of HTML per formula, so 20 math questions made a 700 KB
# page and 20 system-design ones 120 KB. Budgets are estimated HTML bytes of the article
# (the theme adds ~30 KB); a question heavier than the budget gets a page of its own.
AREA_PAGE_BYTES = 180_000
PRINT_PAGE_BYTES = 700_000
QUESTIONS_PER_PAGE = 20  # at most, so a page stays easy to scan


def question_weight(q: BankQuestion) -> int:
    """Estimated bytes of a question's built HTML (measured on the bank: ±25 %)."""
    text = q.text + "".join(q.points) + "".join(f.q + f.a for f in q.follow_ups)
    text += q.solution or ""
    return 2_000 + 2 * len(text.encode()) + 1_900 * (text.count("$") // 2)


def weighted_parts(
    questions: list[BankQuestion], budget: int, most: int, weights: list[int] | None = None
) -> list[list[BankQuestion]]:
    """As few parts as the budget allows, of about equal weight (no one-question runt).

    ``weights``: each question's ``question_weight``, when the caller already has them.
    """
    if weights is None:
        weights = [question_weight(q) for q in questions]
    count = max(math.ceil(sum(weights) / budget), math.ceil(len(questions) / most), 1)
    target = sum(weights) / count
    parts: list[list[BankQuestion]] = []
    done = 0
    for q, w in zip(questions, weights, strict=True):
        cut = len(parts) < count and done + w / 2 > target * len(parts)
        if not parts or cut or len(parts[-1]) >= most:
            parts.append([])
        parts[-1].append(q)
        done += w
    return parts


def area_page(area: str, part: int = 1) -> str:
    return f"questions/{area}.md" if part == 1 else f"questions/{area}-{part}.md"


def print_area_page(area: str, part: int = 1) -> str:
    return f"questions/print-{area}.md" if part == 1 else f"questions/print-{area}-{part}.md"


def area_parts(
    questions: list[BankQuestion], weights: list[int] | None = None
) -> list[list[BankQuestion]]:
    return weighted_parts(questions, AREA_PAGE_BYTES, QUESTIONS_PER_PAGE, weights)


def print_parts(
    questions: list[BankQuestion], weights: list[int] | None = None
) -> list[list[BankQuestion]]:
    return weighted_parts(questions, PRINT_PAGE_BYTES, len(questions), weights)


def question_page(q: BankQuestion, site: Site) -> str:
    return f"{site.question_pages[q.id]}#{q.id}"


def build_site(roadmap: Roadmap) -> Site:
    paths: list[Path] = []
    shared: dict[str, Topic] = {}
    source_of: dict[str, str] = {}
    for sf in roadmap.files:
        if sf.model.path is not None:
            paths.append(sf.model.path)
            source_of[sf.model.path.id] = sf.rel
        for topic in sf.model.topics:
            shared[topic.id] = topic
            source_of[topic.id] = sf.rel
    paths.sort(key=lambda p: (p.order, p.id))
    site = Site(paths=paths, shared=shared, source_of=source_of)
    for topic in shared.values():
        site.titles[topic.id] = topic.title
        site.pages_of[topic.id] = topic_page(topic.id)
    for path in paths:
        for n in walk_path(path):
            if n.kind == "ref":
                site.occurrences.setdefault(n.node.ref, []).append(Occurrence(path, n.stage))
                continue
            site.titles[n.node.id] = n.node.title
            if n.kind == "path":
                site.pages_of[path.id] = path_page(path)
            elif n.kind == "stage":
                site.pages_of[n.node.id] = stage_page(path, n.node)
            else:
                site.pages_of[n.node.id] = f"{stage_page(path, n.stage)}#{n.node.id}"
    for sf in roadmap.files:
        for q in sf.model.questions:
            site.questions[q.id] = q
            source_of[q.id] = sf.rel
    for q in site.questions.values():
        site.questions_of.setdefault(q.topic, []).append(q)
    for area, questions in questions_by_area(site):
        weights = [question_weight(q) for q in questions]
        site.area_parts[area] = area_parts(questions, weights)
        site.print_parts[area] = print_parts(questions, weights)
        for number, part in enumerate(site.area_parts[area], start=1):
            site.question_pages.update({q.id: area_page(area, number) for q in part})
    topic_paths: dict[str, list[str]] = {}
    for path in paths:
        for n in walk_path(path):
            node = site.shared[n.node.ref] if n.kind == "ref" else n.node
            if n.kind in ("topic", "ref"):
                topic_paths.setdefault(node.id, []).append(path.id)
            for qid in getattr(node, "questions", ()):
                if isinstance(qid, str):
                    site.question_paths.setdefault(qid, []).append(path.id)
    for q in site.questions.values():
        found = site.question_paths.get(q.id, []) + topic_paths.get(q.topic, [])
        site.question_paths[q.id] = list(dict.fromkeys(found))
    return site


def practice_index(site: Site) -> dict[str, list[object]]:
    """id → [area, level, kind, paths]: the practice page's scope filter (a data file)."""
    return {
        q.id: [q.area, q.level, q.kind, site.question_paths.get(q.id, [])]
        for q in site.questions.values()
    }


def _issue_link(repo_url: str) -> Callable[[BankQuestion], str]:
    base = repo_url.rstrip("/") + "/issues/new?"

    def link(q: BankQuestion) -> str:
        title = f"题库纠错：{q.id}"
        body = f"题目 id：{q.id}\n题目：{q.text}\n\n哪里有问题（请附参考资料）：\n"
        return base + urlencode({"title": title, "body": body, "labels": "question-bank"})

    return link


def topic_questions(site: Site, topic: Topic) -> list[BankQuestion]:
    """Questions that belong to a topic, then those it references explicitly."""
    own = list(site.questions_of.get(topic.id, ()))  # was a scan of the bank per topic
    refs = [i for i in topic.questions if isinstance(i, str)]
    extra = [site.questions[i] for i in refs if site.questions[i] not in own]
    return own + extra


def questions_by_area(site: Site) -> list[tuple[str, list[BankQuestion]]]:
    groups: dict[str, list[BankQuestion]] = {}
    for q in site.questions.values():
        groups.setdefault(q.area, []).append(q)
    return [(area, groups[area]) for area in AREAS if area in groups]


def topic_items(topic: Topic) -> list[str]:
    """Progress keys of a topic: its self-check items and milestones."""
    return [f"{topic.id}.{i.id}" for i in (*topic.self_check, *topic.milestones)]


def stage_items(site: Site, stage: Stage) -> list[str]:
    keys = [key for topic in site.topics_of(stage) for key in topic_items(topic)]
    return keys + [f"{stage.id}.{m.id}" for m in stage.milestones]


def path_items(site: Site, path: Path) -> list[str]:
    keys = [key for stage in path.stages for key in stage_items(site, stage)]
    return list(dict.fromkeys(keys))  # a shared topic may appear in two stages


def path_topics(site: Site, path: Path) -> dict[str, list[str]]:
    return {t.id: topic_items(t) for stage in path.stages for t in site.topics_of(stage)}


def graph_for(site: Site, path: Path, page: str) -> Markup:
    from jobbook.core.graph import path_graph

    topics = {t.id: t for s in path.stages for t in site.topics_of(s)}
    return path_graph(
        path,
        site.shared,
        page,
        stage_href={s.id: stage_page(path, s) for s in path.stages},
        topic_href={tid: site.pages_of[tid] for tid in topics},
        items_of={tid: topic_items(t) for tid, t in topics.items()},
    )


def _group_resources(resources: Iterable[Resource]) -> list[tuple[str, list[Resource]]]:
    groups: dict[str, list[Resource]] = {}
    for res in resources:
        groups.setdefault(res.type, []).append(res)
    order = list(TYPE_LABELS)
    return [(TYPE_LABELS[t], groups[t]) for t in sorted(groups, key=order.index)]


def _environment(site: Site, roadmap_tags: dict[str, str] | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.do"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=TEMPLATE_CACHE,
        auto_reload=False,  # one environment per render: no stat of the template per page
    )
    env.template_class = FastTemplate
    env.context_class = FastContext
    # Question texts and answers recur on area, print, stage and topic pages: convert each
    # string once per render (the memo lives and dies with this environment).
    rich_memo: dict[str, Markup] = {}

    def rich(value: str) -> Markup:
        out = rich_memo.get(value)
        if out is None:
            out = rich_memo[value] = md_rich(value)
        return out

    # A block whose output depends only on its key, rendered the first time the key is seen:
    # ``{% call once(key...) %}...{% endcall %}``; the key must name all it depends on.
    once_memo: dict[tuple[object, ...], Markup] = {}

    def once(*key: object, caller: Callable[[], str]) -> Markup:
        out = once_memo.get(key)
        if out is None:
            out = caller()  # Markup from a FastMacro; anything else goes through Markup
            out = once_memo[key] = out if type(out) is Markup else Markup(out)
        return out

    env.filters["md"] = md_text
    env.filters["rich"] = rich
    env.filters["html"] = richtext.to_html
    env.filters["mdurl"] = md_url
    env.filters["attr"] = attr
    env.filters["grouped"] = _group_resources
    env.filters["question"] = lambda qid: site.questions[qid]

    rel_memo: dict[tuple[str, str], str] = {}

    def rel(target: str, page: str) -> str:
        key = (target, posixpath.dirname(page))
        out = rel_memo.get(key)
        if out is None:
            out = rel_memo[key] = site_relpath(*key)
        return out

    links_memo: dict[tuple[object, ...], list[str]] = {}

    def page_links(
        target: Callable[[str, int], str], area: str, parts: int, page: str
    ) -> list[str]:
        """Links to the pages of one area from a page (its pager), the same for its folder."""
        key = (target, area, parts, posixpath.dirname(page))
        out = links_memo.get(key)
        if out is None:
            out = links_memo[key] = [
                rel(target(area, n), page).replace(".md", ".html") for n in range(1, parts + 1)
            ]
        return out

    def link(target_id: str, page: str) -> Markup:
        target = site.pages_of[target_id]
        file, _, anchor = target.partition("#")
        href = rel(file, page)
        if anchor:
            href += "#" + anchor
        return markup(f"[{md_text(site.titles[target_id])}]({href})")

    env.globals.update(
        site=site,
        link=link,
        once=once,
        page_links=page_links,
        rel=rel,
        TYPE_LABELS=TYPE_LABELS,
        LANG_LABELS=LANG_LABELS,
        LEVEL_LABELS=LEVEL_LABELS,
        path_page=path_page,
        print_page=print_page,
        stage_page=stage_page,
        topic_page=topic_page,
        is_ref=lambda t: isinstance(t, TopicRef),
        topic_items=topic_items,
        stage_items=lambda stage: stage_items(site, stage),
        path_items=lambda path: path_items(site, path),
        path_topics=lambda path: path_topics(site, path),
        graph=lambda path, page: graph_for(site, path, page),
        checklist=lambda path: checklist_lines(site, path),
        tag_labels=roadmap_tags or {},
        is_milestone=lambda m: isinstance(m, Milestone),
        AREA_LABELS=AREA_LABELS,
        Q_LEVEL_LABELS=Q_LEVEL_LABELS,
        KIND_LABELS=KIND_LABELS,
        area_page=area_page,
        print_area_page=print_area_page,
        question_href=lambda q, page: rel(site.question_pages[q.id], page) + "#" + q.id,
        topic_questions=lambda topic: topic_questions(site, topic),
        questions_by_area=lambda: questions_by_area(site),
        question=lambda qid: site.questions[qid],
    )
    return env


def _resource_rows(site: Site) -> list[dict[str, object]]:
    """Every resource with its topic, the page (and anchor) of that topic and its paths."""
    rows: list[dict[str, object]] = []
    for path in site.paths:
        for n in walk_path(path):
            if n.kind == "topic":
                rows += [{"res": r, "topic": n.node, "paths": [path]} for r in n.node.resources]
    for topic in site.shared.values():
        paths = list({o.path.id: o.path for o in site.occurrences.get(topic.id, [])}.values())
        rows += [{"res": r, "topic": topic, "paths": paths} for r in topic.resources]
    rows.sort(key=lambda r: (r["res"].title.lower(), r["res"].url))  # type: ignore[attr-defined]
    return rows


def _search_text(parts: Iterable[str], tags: Iterable[str], labels: dict[str, str]) -> str:
    """What the keyword filter matches: lowercase text, then every tag's label."""
    return " ".join(parts).lower() + " " + "".join(labels.get(t, t).lower() + " " for t in tags)


def resource_index(
    env: Environment, resources: list[dict[str, object]], labels: dict[str, str]
) -> Index:
    """The resource index's rows (see indexrows.py), links relative to resources.md."""
    cells = env.get_template("_index.md.j2").module.resource_cells  # type: ignore[attr-defined]
    rows = []
    for row in resources:
        res: Resource = row["res"]  # type: ignore[assignment]
        topic: Topic = row["topic"]  # type: ignore[assignment]
        text = [res.title, res.authors or "", res.note or "", topic.title]
        attrs = (
            ("type", res.type),
            ("lang", res.lang),
            ("free", "1" if res.free else "0"),
            ("level", res.level or ""),
            ("tags", " ".join(res.tags)),
            ("paths", " ".join(p.id for p in row["paths"])),  # type: ignore[attr-defined]
            ("text", _search_text(text, res.tags, labels)),
        )
        rows.append(Row(attrs, cells(row, "resources.md")))
    return Index("resources", rows, HEAD_ROWS["resources"])


def question_index(env: Environment, site: Site, labels: dict[str, str]) -> Index:
    """The question bank index's rows, links relative to questions/index.md."""
    cells = env.get_template("_index.md.j2").module.question_cells  # type: ignore[attr-defined]
    rows = []
    for q in site.questions.values():
        attrs = (
            ("jobbook-question", str(attr(q.id))),
            ("area", q.area),
            ("level", q.level),
            ("kind", q.kind),
            ("tags", " ".join(q.tags)),
            ("paths", " ".join(site.question_paths.get(q.id, []))),
            ("text", _search_text([q.text], q.tags, labels)),
        )
        rows.append(Row(attrs, cells(q, "questions/index.md")))
    areas = {area: [q.id for q in questions] for area, questions in questions_by_area(site)}
    return Index("questions", rows, HEAD_ROWS["questions"], groups={"area": areas})


def _md_plain(text: str) -> str:
    """Escape text for a downloadable Markdown file (readable, backslash escapes)."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))


def checklist_lines(site: Site, path: Path) -> list[dict[str, str]]:
    """A path as Markdown lines; checkbox lines carry the progress id (ticked in the browser)."""
    lines: list[dict[str, str]] = [{"t": f"# {_md_plain(path.title)}"}, {"t": ""}]

    def items(owner: str, entries: Iterable[object]) -> None:
        for item in entries:
            label = getattr(item, "text", None) or getattr(item, "title", "")
            target = getattr(item, "target", None)
            text = _md_plain(label) + (f"（目标：{_md_plain(target)}）" if target else "")
            lines.append({"t": text, "id": f"{owner}.{item.id}"})  # type: ignore[attr-defined]

    for stage in path.stages:
        heading = stage.title + (f"（{stage.duration}）" if stage.duration else "")
        lines += [{"t": f"## {_md_plain(heading)}"}, {"t": ""}]
        for topic in site.topics_of(stage):
            # "topic"/"end" mark where the reader's note and own links go (added in the browser)
            lines += [{"t": f"### {_md_plain(topic.title)}", "topic": topic.id}, {"t": ""}]
            items(topic.id, [*topic.self_check, *topic.milestones])
            for res in topic.resources:
                lines.append({"t": f"- [{_md_plain(res.title)}]({quote(res.url, safe=_URL_SAFE)})"})
            lines.append({"t": "", "end": topic.id})
        if stage.milestones:
            lines += [{"t": "### 阶段里程碑"}, {"t": ""}]
            items(stage.id, stage.milestones)
            lines.append({"t": ""})
    return lines


def topic_pages(site: Site, page: str) -> dict[str, list[str]]:
    """Topic id → [title, link from ``page``] for the progress page's list of notes."""
    out: dict[str, list[str]] = {}
    for topic_id, target in site.pages_of.items():
        if topic_id in site.shared or (target.startswith("paths/") and "#" in target):
            file, _, anchor = target.partition("#")
            href = site_relpath(file, posixpath.dirname(page)).removesuffix(".md") + ".html"
            out[topic_id] = [site.titles[topic_id], href + (f"#{anchor}" if anchor else "")]
    return out


def doc_titles(docs_dir: FsPath | None) -> dict[str, str]:
    """First ``# heading`` of every hand-written page (Markdown or notebook)."""
    titles: dict[str, str] = {}
    if docs_dir is None or not docs_dir.is_dir():
        return titles
    for file in sorted([*docs_dir.rglob("*.md"), *docs_dir.rglob("*.ipynb")]):
        text = file.read_text(encoding="utf-8", errors="replace")
        if file.suffix == ".ipynb":
            try:
                cells = json.loads(text).get("cells", [])
            except ValueError:
                continue
            text = "\n".join(
                "".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown"
            )
        match = re.search(r"^# +(.+?)\s*$", text, re.MULTILINE)
        if match:
            titles[file.relative_to(docs_dir).as_posix()] = match.group(1)
    return titles


def render_pages(
    roadmap: Roadmap,
    page_titles: dict[str, str] | None = None,
    print_skeletons: bool = False,
    print_pages: bool = True,
    repo_url: str | None = None,
    site: Site | None = None,
) -> list[Page]:
    """All generated pages, in a stable order.

    ``print_skeletons``: print pages as placeholders per stage (the MkDocs plugin fills
    them from the rendered stage pages); otherwise complete Markdown.
    ``print_pages``: False leaves out the print pages and the links to them.
    ``repo_url``: a GitHub repository; questions then get a "报告错误" issue link.
    ``site``: ``build_site(roadmap)``, when the caller has it already.
    """
    site = site or build_site(roadmap)
    env = _environment(site, roadmap.tags)
    env.globals["page_titles"] = page_titles or {}
    env.globals["print_pages"] = print_pages
    env.globals["issue_url"] = _issue_link(repo_url) if repo_url else None
    pages: list[Page] = []

    def add(page: str, title: str, source: str | None, template: str, **ctx: object) -> None:
        skeleton = bool(ctx.pop("print", False)) and print_skeletons
        content = env.get_template(template).render(page=page, skeleton=skeleton, **ctx)
        pages.append(Page(page, title, source, content, skeleton))

    add("paths/index.md", "学习路线", None, "paths_index.md.j2")
    for path in site.paths:
        src = site.source_of[path.id]
        add(path_page(path), path.title, src, "path.md.j2", path=path)
        for stage in path.stages:
            add(stage_page(path, stage), stage.title, src, "stage.md.j2", path=path, stage=stage)
        if print_pages:
            add(
                print_page(path),
                f"{path.title}（打印版）",
                src,
                "print.md.j2",
                path=path,
                print=True,
            )
    add("topics/index.md", "专题", None, "topics_index.md.j2")
    for topic in site.shared.values():
        src = site.source_of[topic.id]
        add(topic_page(topic.id), topic.title, src, "topic.md.j2", topic=topic)
    rows = _resource_rows(site)
    resources = resource_index(env, rows, env.globals["tag_labels"])
    add("resources.md", "资源索引", None, "resources.md.j2", rows=rows, index=resources)
    data_files = resources.files()
    if site.questions:
        qindex = question_index(env, site, env.globals["tag_labels"])
        add("questions/index.md", "面试题库", None, "questions_index.md.j2", index=qindex)
        data_files |= qindex.files()
        for area, questions in questions_by_area(site):
            src = site.source_of[questions[0].id]
            parts = site.area_parts[area]
            for number, part in enumerate(parts, start=1):
                title = AREA_LABELS[area] + (f"（{number}/{len(parts)}）" if number > 1 else "")
                add(
                    area_page(area, number),
                    title,
                    src,
                    "questions_area.md.j2",
                    area=area,
                    questions=part,
                    total=len(questions),
                    part=number,
                    parts=len(parts),
                )
            if print_pages:
                parts = site.print_parts[area]
                first = 1
                for number, part in enumerate(parts, start=1):
                    title = f"{AREA_LABELS[area]}（打印版" + (
                        f" {number}/{len(parts)}）" if len(parts) > 1 else "）"
                    )
                    add(
                        print_area_page(area, number),
                        title,
                        src,
                        "questions_print.md.j2",
                        area=area,
                        questions=part,
                        total=len(questions),
                        first=first,
                        part=number,
                        parts=len(parts),
                    )
                    first += len(part)
        add("practice.md", "刷题练习", None, "practice.md.j2")
        anki = bankdata.anki_files(list(site.questions.values()), AREA_LABELS)
        tsv = bankdata.TSV_PAGE
        pages.append(Page(tsv, "Anki TSV", None, anki.pop(tsv)))
        data_files |= anki  # the rows by id, for exporting a filtered selection
    add("progress.md", "我的进度", None, "progress.md.j2")
    pages += [Page(path, path, None, script) for path, script in data_files.items()]
    return pages


def backlinks(roadmap: Roadmap, site: Site | None = None) -> dict[str, list[tuple[str, str]]]:
    """Hand-written page → (topic title, page#anchor of the topic) for every topic citing it."""
    site = site or build_site(roadmap)
    topics = list(site.shared.values())
    topics += [n.node for p in site.paths for n in walk_path(p) if n.kind == "topic"]
    links: dict[str, list[tuple[str, str]]] = {}
    for topic in topics:
        target = site.pages_of[topic.id]
        for page in topic.pages:
            links.setdefault(page, []).append((topic.title, target))
    return links


def backlinks_markdown(page: str, links: list[tuple[str, str]]) -> str:
    """A "在路线图中" section for a hand-written page, linking back to its topics."""
    items = []
    for title, target in links:
        items.append(f"- [{md_text(title)}]({site_href(target, page)})")
    return "\n\n## 在路线图中 { #in-roadmap }\n\n本页被以下专题引用：\n\n" + "\n".join(items) + "\n"


def nav_for(
    pages: list[Page], roadmap: Roadmap, site: Site | None = None
) -> dict[str, list[object]]:
    """Nav fragments for the generated pages, keyed by the placeholders in mkdocs.yml."""
    site = site or build_site(roadmap)
    path_nav: list[object] = ["paths/index.md"]
    for path in site.paths:
        items: list[object] = [path_page(path)]
        items += [{s.title: stage_page(path, s)} for s in path.stages]
        path_nav.append({path.title: items})
    topic_nav: list[object] = ["topics/index.md"]
    topic_nav += [{t.title: topic_page(t.id)} for t in site.shared.values()]
    question_nav: list[object] = []
    if site.questions:
        question_nav = ["questions/index.md", "practice.md"]
        question_nav += [{AREA_LABELS[a]: area_page(a)} for a, _ in questions_by_area(site)]
        # later parts of an area and the print pages are reached from the area pages
    return {
        "@jobbook/paths": path_nav,
        "@jobbook/topics": topic_nav,
        "@jobbook/questions": question_nav,
    }
