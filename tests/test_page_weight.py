"""Pages stay small (issue #17): question areas and their print pages are cut by
estimated weight, and no page of the built site is over 1 MB."""

from __future__ import annotations

from pathlib import Path

from jobbook.core.model import BankQuestion
from jobbook.core.render import (
    AREA_PAGE_BYTES,
    QUESTIONS_PER_PAGE,
    question_weight,
    weighted_parts,
)

MAX_PAGE = 1024 * 1024
QUESTION_PAGE = 320 * 1024  # an area page: the budget is an estimate (±25 %) plus the theme


def question(qid: str, formulas: int, words: int = 40) -> BankQuestion:
    answer = "答案要点" * words + " $x^2$" * formulas
    # only the fields the weight reads (a 400-formula answer would not validate)
    return BankQuestion.model_construct(
        id=qid, text=f"问题 {qid} 是什么？", answer=answer, follow_ups=[], solution=None
    )


def test_math_heavy_questions_get_fewer_per_page():
    light = [question(f"light-{i}", 0) for i in range(40)]
    heavy = [question(f"heavy-{i}", 25) for i in range(40)]
    light_parts = weighted_parts(light, AREA_PAGE_BYTES, QUESTIONS_PER_PAGE)
    heavy_parts = weighted_parts(heavy, AREA_PAGE_BYTES, QUESTIONS_PER_PAGE)
    assert [len(p) for p in light_parts] == [20, 20]  # the count limit
    assert len(heavy_parts) > len(light_parts)
    for parts, qs in ((light_parts, light), (heavy_parts, heavy)):
        assert [q for p in parts for q in p] == qs  # every question once, in order
    weights = [sum(map(question_weight, p)) for p in heavy_parts]
    assert max(weights) <= AREA_PAGE_BYTES * 1.2
    assert min(weights) >= max(weights) / 2  # balanced: no one-question runt at the end


def test_a_question_over_budget_gets_its_own_page():
    qs = [question("a", 1), question("huge", 400), question("b", 1)]
    parts = weighted_parts(qs, AREA_PAGE_BYTES, QUESTIONS_PER_PAGE)
    assert [q.id for p in parts for q in p] == ["a", "huge", "b"]
    assert any([q.id for q in p] == ["huge"] for p in parts)


def test_no_built_page_is_over_a_megabyte(built_site):
    sizes = {p: p.stat().st_size for p in Path(built_site.site).rglob("*.html")}
    over = sorted(
        f"{p.relative_to(built_site.site)}: {s // 1024} KB"
        for p, s in sizes.items()
        if s > MAX_PAGE
    )
    assert not over, over
    questions = {
        p: s for p, s in sizes.items() if p.parent.name == "questions" and p.name != "index.html"
    }
    areas = [p for p in questions if not p.name.startswith("print-")]
    assert len(areas) > 16  # the heavy areas really are split
    heavy = sorted(
        f"{p.name}: {questions[p] // 1024} KB" for p in areas if questions[p] > QUESTION_PAGE
    )
    assert not heavy, heavy
