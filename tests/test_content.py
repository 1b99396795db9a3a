"""Content completeness against the seed documents (issue: content).

The seeds live beside the checkout (``../shared/seeds``), not in the repository; the
facts these tests need are extracted once into ``tests/seed_facts.json`` by
``scripts/extract_seed_facts.py``, so the tests run for anyone who clones the repository.
Where the seeds are present, ``test_facts_file_matches_the_seeds`` keeps the file honest.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from pydantic import BaseModel

from jobbook.core.model import BankQuestion, Topic
from jobbook.core.model import Path as RoadmapPath
from jobbook.core.validate import Roadmap, normalize_url, validate_dir
from jobbook.core.walk import topics

from .helpers import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
FACTS = json.loads((ROOT / "tests" / "seed_facts.json").read_text(encoding="utf-8"))

TRACKING = re.compile(
    r"^(utm_|spm|vd_source|share|from$|scene$|chksm$|seid$|source$|mpshare|srcid|sharer_|clicktime"
    r"|enterid|ascene|devicetype|version|nettype|lang$|countrycode|fontScale|exportkey|pass_ticket"
    r"|wx_header|isappinstalled)"
)


@cache
def roadmap() -> Roadmap:
    result = validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs")
    assert result.ok, result.issues
    return result


def paths() -> dict[str, RoadmapPath]:
    return {f.model.path.id: f.model.path for f in roadmap().files if f.model.path}


def all_topics() -> list[Topic]:
    return [n.node for sf in roadmap().files for n in topics(sf.model)]


def canonical(url: str) -> str:
    """Compare URLs without tracking parameters, redirect wrappers and cosmetic differences."""
    url = url.rstrip(".,;:!?)]}>'\"，。；：！？）】")
    parts = urlsplit(url)
    if parts.hostname == "link.zhihu.com":  # zhihu's outbound redirect wraps the real address
        return canonical(dict(parse_qsl(parts.query)).get("target", url))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k)])
    return normalize_url(parts._replace(query=query, fragment="").geturl())


def test_at_least_95_percent_of_seed_urls_are_on_the_site():
    ours = {canonical(r.url) for t in all_topics() for r in t.resources}
    wanted = {canonical(url) for url in FACTS["urls"]}
    missing = sorted(wanted - ours)
    coverage = 1 - len(missing) / len(wanted)
    assert len(wanted) > 150
    assert coverage >= 0.95, f"{coverage:.1%} covered; missing:\n" + "\n".join(missing)


def test_every_self_assessment_item_of_the_ml_roadmap_is_a_checklist_entry():
    expected = FACTS["self_assessment_items"]
    path = paths()["ml-roadmap"]
    ours = [i for s in path.stages for t in s.topics if isinstance(t, Topic) for i in t.self_check]
    assert len(expected) >= 35
    assert len(ours) >= len(expected)


SEED_MAP = json.loads((ROOT / "tests" / "seed_question_map.json").read_text(encoding="utf-8"))[
    "map"
]


@pytest.mark.parametrize(
    "question", FACTS["interview_questions"], ids=lambda q: f"{q['seed']}-{q['text'][:12]}"
)
def test_every_seed_interview_question_is_in_the_bank(question):
    """Each seed question is carried by one bank question (in our wording, reviewed by hand)."""
    from jobbook.core.questions import _bigrams, _normalised

    qid = SEED_MAP.get(question["text"])
    assert qid is not None, "add the seed question to tests/seed_question_map.json"
    bank = {q.id: q for sf in roadmap().files for q in sf.model.questions}
    assert qid in bank, qid
    seed, ours = (_bigrams(_normalised(t)) for t in (question["text"], bank[qid].text))
    assert seed & ours, (question["text"], bank[qid].text)  # the map is not arbitrary


def test_seed_questions_map_to_distinct_bank_questions_except_known_duplicates():
    """The seeds ask four questions twice (same topic, two documents): those share one id."""
    ids = list(SEED_MAP.values())
    repeated = {i for i in ids if ids.count(i) > 1}
    assert len(repeated) == 3 and len(ids) - len(set(ids)) == 3


def test_seed_interview_questions_cover_the_route_and_the_top_10():
    questions = FACTS["interview_questions"]
    top10 = [q for q in questions if "TOP 10" in q["section"]]
    assert len(top10) == 10 and len([q for q in questions if q["seed"] == "002"]) >= 20
    from jobbook.core.render import build_site

    on_route = build_site(roadmap()).question_paths
    for q in top10:  # the route's own appendix: its questions are on the route
        assert "interview-route" in on_route.get(SEED_MAP[q["text"]], []), q


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
    plan = FACTS["fullstack_plan"]
    missing = [n for n in plan["milestone_numbers"] if n not in blob]
    assert missing == []
    durations = [s.duration for s in path.stages]
    assert durations[: len(plan["durations"])] == plan["durations"]
    assert path.hours_per_week == plan["hours_per_week"]


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


def test_prose_is_our_own():
    """No run of 20 characters of seed prose appears in our text (facts are short).

    The seed runs are compared by hash (``prose_window_hashes``), so no seed text is kept."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from extract_seed_facts import prose_windows, window_hash

    hashes = FACTS["prose_window_hashes"]
    seed = {hashes[i : i + 12] for i in range(0, len(hashes), 12)}
    ours = [s for sf in roadmap().files for s in _prose(sf.model)]
    ours += [p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md")]
    copied = sorted({w for text in ours for w in prose_windows(text) if window_hash(w) in seed})
    assert copied == [], copied[:20]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not beside the checkout")
def test_facts_file_matches_the_seeds():
    sys.path.insert(0, str(ROOT / "scripts"))
    from extract_seed_facts import dumps, facts

    committed = (ROOT / "tests" / "seed_facts.json").read_text(encoding="utf-8")
    assert committed == dumps(facts(SEEDS)), "run python scripts/extract_seed_facts.py"
