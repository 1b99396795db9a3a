"""Practice mode in chromium: from the offline zip, with a controlled clock, over http.

The clock is fixed with Playwright (Date.now is fake, timers keep running), so FSRS's
intervals can be checked: a new card rated 简单 is not due today but is after its
interval, 良好 follows the learning steps, 重来 comes back in the same session.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

pytestmark = pytest.mark.browser

KEY = "ml-jobbook-progress"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CARD = "[data-jobbook-card]:not([hidden])"


def visit(view, site, rel: str):
    """Open ``rel`` (which may carry a query string) from file:// like a reader would."""
    view.page.goto(site.as_uri() + "/" + rel)
    view.page.wait_for_load_state("load")
    return view.page


def current(page) -> str:
    page.wait_for_selector(CARD)
    return page.get_attribute("[data-jobbook-card]", "data-jobbook-card")


def reviews(page) -> dict:
    raw = page.evaluate(f"() => localStorage.getItem('{KEY}')")
    return json.loads(raw)["reviews"] if raw else {}


def reveal_and_rate(page, rating: str) -> str:
    card = current(page)
    page.keyboard.press("Space")
    page.wait_for_selector("[data-card-rate]:not([hidden])")
    assert page.locator("[data-card-answer]").inner_text().strip()  # the answer is shown
    page.keyboard.press(rating)
    page.wait_for_function(
        "id => document.querySelector('[data-jobbook-card]').getAttribute('data-jobbook-card') !== id",
        arg=card,
    )
    return card


def test_offline_practice_deals_reveals_rates_and_remembers(built_site, offline):
    """The acceptance path, from the unzipped offline build via file://, under the CSP."""
    view = offline()
    page = visit(view, built_site.unzipped, "practice.html?area=dl")
    first = current(page)
    assert page.locator("[data-card-answer]").is_hidden()
    rated = reveal_and_rate(page, "3")
    assert rated == first and current(page) != first
    assert rated in reviews(page)
    page.reload()
    page.wait_for_load_state("load")
    assert current(page) != first  # a rated card is not dealt first again
    assert view.blocked == []  # 0 external requests
    assert view.errors == []  # 0 CSP violations or script errors


@pytest.fixture
def clocked(built_site, offline):
    view = offline()
    view.page.clock.set_fixed_time(T0)
    page = visit(view, built_site.unzipped, "practice.html?area=cv")
    yield view, page
    assert view.errors == []


def test_easy_is_not_due_today_but_after_its_interval(clocked, built_site):
    view, page = clocked
    card = reveal_and_rate(page, "4")
    saved = reviews(page)[card]
    due = dt.datetime.fromtimestamp(saved["due"] / 1000, dt.UTC)
    assert saved["st"] == 2 and saved["sd"] >= 1  # straight to review, whole days
    assert due.date() > T0.date()
    # Today, "only due" has nothing to offer; on the due day the card is dealt.
    visit(view, built_site.unzipped, "practice.html?area=cv&due=1")
    page.wait_for_selector("[data-jobbook-practice-status]:has-text('没有要练的卡片')")
    page.clock.set_fixed_time(due + dt.timedelta(minutes=1))
    visit(view, built_site.unzipped, "practice.html?area=cv&due=1")
    assert current(page) == card


def test_good_follows_the_learning_steps(clocked):
    _, page = clocked
    card = reveal_and_rate(page, "3")
    saved = reviews(page)[card]
    assert saved["st"] == 1  # learning
    assert saved["due"] - int(T0.timestamp() * 1000) == 10 * 60 * 1000  # the 10 min step


def test_again_comes_back_in_the_same_session(clocked):
    _, page = clocked
    card = reveal_and_rate(page, "1")
    assert reviews(page)[card]["due"] - int(T0.timestamp() * 1000) == 60 * 1000
    page.clock.set_fixed_time(T0 + dt.timedelta(minutes=2))
    reveal_and_rate(page, "3")  # another card in between
    assert current(page) == card  # due again: ahead of the new cards


def test_rating_buttons_show_the_intervals(clocked):
    _, page = clocked
    page.keyboard.press("Space")
    labels = [page.locator(f'[data-rating="{r}"]').inner_text() for r in "1234"]
    assert "1 分钟" in labels[0] and "10 分钟" in labels[2] and "天" in labels[3]


def test_scope_lives_in_the_url_and_counts_follow(built_site, offline):
    view = offline()
    page = visit(view, built_site.unzipped, "practice.html?area=nlp&level=basic")
    assert page.locator("select[name=area]").input_value() == "nlp"
    assert page.locator("select[name=level]").input_value() == "basic"
    reveal_and_rate(page, "4")
    page = view.open(built_site.unzipped, "questions/nlp.html")
    # the line starts with a new reader's counts (its height is fixed from the first paint)
    counts = page.locator("[data-jobbook-qcounts]").first
    assert counts.inner_text().startswith("练习进度：新 ")
    page.wait_for_selector('[data-jobbook-qcounts]:has-text("学习中 1")')
    assert "已掌握 0" in counts.inner_text()
    page = view.open(built_site.unzipped, "questions/index.html")
    # the cell starts with the counts of a reader who has not practised (all new)
    page.wait_for_selector('[data-jobbook-area-counts="nlp"]:has-text("学习中 1")')


def test_question_filters_live_in_the_url(built_site, offline):
    view = offline()
    page = visit(view, built_site.unzipped, "questions/index.html?area=rag&level=advanced")
    shown = page.locator("[data-jobbook-qlist] > li:visible")
    assert shown.count() > 0
    areas = set(shown.evaluate_all("els => els.map(e => e.dataset.area + '/' + e.dataset.level)"))
    assert areas == {"rag/advanced"}
    page.select_option("select[name=kind]", "coding")
    assert "kind=coding" in page.url


def test_instant_navigation_keeps_the_review_state(built_site, http_root, offline):
    view = offline()
    view.allowed += ("http://127.0.0.1:",)
    page = view.page
    page.goto(f"{http_root}/practice.html?area=rag")
    card = reveal_and_rate(page, "3")
    page.click("a[href$='questions/index.html'], a[href='questions/index.html']")
    page.wait_for_url("**/questions/index.html")
    page.wait_for_selector('[data-jobbook-area-counts="rag"]:has-text("学习中 1")')
    page.go_back()
    page.wait_for_url("**/practice.html*")
    assert current(page) != card
    assert view.errors == []
