"""Content completeness against the seed documents in ../shared/seeds (issue: content)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from pydantic import BaseModel

from jobbook.core.model import Path as RoadmapPath
from jobbook.core.model import BankQuestion, Topic
from jobbook.core.validate import normalize_url, validate_dir

from .conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not beside the checkout")

TRACKING = re.compile(
    r"^(utm_|spm|vd_source|share|from$|scene$|chksm$|seid$|source$|mpshare|srcid|sharer_|clicktime"
    r"|enterid|ascene|devicetype|version|nettype|lang$|countrycode|fontScale|exportkey|pass_ticket"
    r"|wx_header|isappinstalled)"
)
IMAGE = re.compile(
    r"\.(png|jpe?g|gif|svg|webp)(\?|$)|pic\d?\.zhimg\.com|user-images\.githubusercontent", re.I
)
SEARCH = re.compile(r"/search\?|zhida\.zhihu\.com/search|[?&](q|query|wd)=|baidu\.com/s\?", re.I)


def seed(name: str) -> str:
    [path] = SEEDS.glob(f"{name}_*.txt")
    return path.read_text(encoding="utf-8")


def roadmap():
    result = validate_dir(ROOT / "roadmap", ROOT)
    assert result.ok, result.issues
    return result


def paths() -> dict[str, RoadmapPath]:
    return {f.model.path.id: f.model.path for f in roadmap().files if f.model.path}


def all_topics() -> list[Topic]:
    topics: list[Topic] = []
    for sf in roadmap().files:
        topics += sf.model.topics
        if sf.model.path:
            for stage in sf.model.path.stages:
                topics += [t for t in stage.topics if isinstance(t, Topic)]
    return topics


def canonical(url: str) -> str:
    """Compare URLs without tracking parameters, redirect wrappers and cosmetic differences."""
    url = url.rstrip(".,;:!?)]}>'\"，。；：！？）】")
    parts = urlsplit(url)
    if parts.hostname == "link.zhihu.com":  # zhihu's outbound redirect wraps the real address
        return canonical(dict(parse_qsl(parts.query)).get("target", url))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k)])
    return normalize_url(parts._replace(query=query, fragment="").geturl())


def seed_urls() -> set[str]:
    urls = set()
    for path in sorted(SEEDS.glob("*.txt")):
        text = re.sub(
            r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S
        )  # shell snippets
        text = re.sub(r"<img[^>]*>", "", text)
        for url in re.findall(r"https?://[^\s()<>\"'\[\]\u3000-\uffff]+", text):
            if not IMAGE.search(url) and not SEARCH.search(url):
                urls.add(canonical(url))
    return urls


def test_at_least_95_percent_of_seed_urls_are_on_the_site():
    ours = {canonical(r.url) for t in all_topics() for r in t.resources}
    wanted = seed_urls()
    missing = sorted(wanted - ours)
    coverage = 1 - len(missing) / len(wanted)
    assert len(wanted) > 150
    assert coverage >= 0.95, f"{coverage:.1%} covered; missing:\n" + "\n".join(missing)


def _self_assessment_items(text: str) -> list[str]:
    """自我考核 items of seed 000: inline after a colon, or the nested bullets below."""
    items: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "自我考核" not in line:
            continue
        inline = re.split(r"自我考核[：:]", line, maxsplit=1)
        if len(inline) == 2 and inline[1].strip():
            items.append(inline[1].strip())
            continue
        indent = len(line) - len(line.lstrip())
        for follow in lines[i + 1 :]:
            if not follow.strip():
                continue
            if len(follow) - len(follow.lstrip()) <= indent:
                break
            if follow.lstrip().startswith(("-", "*")):
                items.append(follow.strip(" -*"))
    return items


def test_every_self_assessment_item_of_the_ml_roadmap_is_a_checklist_entry():
    expected = _self_assessment_items(seed("000"))
    path = paths()["ml-roadmap"]
    ours = [i for s in path.stages for t in s.topics if isinstance(t, Topic) for i in t.self_check]
    assert len(expected) >= 35
    assert len(ours) >= len(expected)


def test_every_interview_question_of_the_interview_route_is_present():
    text = seed("002")
    count = 0
    for block in re.split(r"\n(?=#{2,3} )", text):
        heading = block.splitlines()[0]
        if re.search(r"面试|TOP 10", heading):
            count += len(re.findall(r"^\s*(?:-|\d+\.)\s+\S", block, re.M))
    from jobbook.core.render import build_site

    site = build_site(validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs"))
    questions = [q for q, on in site.question_paths.items() if "interview-route" in on]
    assert count >= 20
    assert len(questions) >= count
    top10 = re.search(r"TOP 10(.*?)---", text, re.S).group(1)
    assert len(re.findall(r"^\d+\.", top10, re.M)) == 10


MILESTONE_NUMBERS = [
    "0.79", "1e-3", "0.13", "8%", "300MB", "94%", "0.6", "1%", "0.75", "3×", "1.8", "0.92",
    "40%", "0.9", "0.82", "0.85", "90%", "10min", "5min", "60%", "99.9%", "≥3", "5GB",
]  # fmt: skip


def test_every_milestone_target_of_the_fullstack_plan_is_present():
    path = paths()["fullstack-to-ai"]
    texts = []
    for stage in path.stages:
        for m in stage.milestones:
            texts.append(f"{m.title} {m.target or ''} {m.details or ''}")
        for topic in stage.topics:
            if isinstance(topic, Topic):
                texts += [f"{m.title} {m.target or ''} {m.details or ''}" for m in topic.milestones]
    blob = re.sub(r"\s+", "", " ".join(texts))
    missing = [n for n in MILESTONE_NUMBERS if n not in blob]
    assert missing == []
    durations = [s.duration for s in path.stages]
    assert durations[:6] == ["3 天", "3 周", "4 周", "6 周", "8 周", "4 周"]
    assert path.hours_per_week == 10


PROSE_SKIP = {
    "title",
    "url",
    "id",
    "ref",
    "target",
    "tags",
    "authors",
    "pages",
    "columns",
    "rows",
    "when",
}


def _prose(value: object) -> list[str]:
    """Free text we wrote: every string except titles, URLs, ids and targets."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _prose(v)]
    if isinstance(value, BaseModel):
        skip = set(PROSE_SKIP)
        if isinstance(value, BankQuestion):
            # interview questions are facts that carry over; answers are ours; code is code
            skip |= {"text", "solution", "checks", "reviewed"}
        return [
            s for k in type(value).model_fields if k not in skip for s in _prose(getattr(value, k))
        ]
    return []


def _windows(text: str, size: int) -> set[str]:
    """Runs of ``size`` characters that are mostly Chinese prose (not lists of tool names)."""
    text = re.sub(r"\s+", "", text)
    runs = (text[i : i + size] for i in range(len(text) - size + 1))
    return {w for w in runs if len(re.findall(r"[\u4e00-\u9fff]", w)) >= size * 3 // 4}


def test_prose_is_our_own():
    """No run of 20 characters of seed prose appears in our text (facts are short)."""
    size = 20
    seed_windows: set[str] = set()
    for path in SEEDS.glob("*.txt"):
        text = re.sub(r"https?://\S+|\[[^\]]*\]\([^)]*\)", " ", path.read_text(encoding="utf-8"))
        for chunk in re.split(r"[\n。！？]", text):
            if len(re.findall(r"[\u4e00-\u9fff]", chunk)) >= 10:
                seed_windows |= _windows(chunk, size)
    ours = [s for sf in roadmap().files for s in _prose(sf.model)]
    ours += [p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md")]
    copied = sorted({w for text in ours for w in _windows(text, size) & seed_windows})
    assert copied == [], copied[:20]
