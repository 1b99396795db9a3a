"""Learner tools in the browser: progress, graph, filters, study plan, checklist, a11y."""

from __future__ import annotations

import functools
import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from jobbook.core.render import build_site, path_items, topic_items
from jobbook.core.validate import validate_dir

from .helpers import ROOT, SHOTS

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
STAGE = "paths/fullstack-to-ai/fs-1-math.html"
OVERVIEW = "paths/fullstack-to-ai/index.html"


@functools.cache
def site_model():
    roadmap = validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs")
    return roadmap, build_site(roadmap)


def _goto(view, built_site, http_root, rel, scheme):
    if scheme == "file":
        return view.open(built_site.unzipped, rel)
    view.page.goto(f"{http_root}/{rel}")
    return view.page


def _allow_localhost(view):
    view.allowed += ("http://127.0.0.1:",)


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_checked_item_survives_reload_and_moves_the_stage_bar(
    built_site, http_root, offline, scheme
):
    view = offline()
    if scheme == "http":
        _allow_localhost(view)
    page = _goto(view, built_site, http_root, STAGE, scheme)
    bar = page.locator('[data-jobbook-progress="fs-1-math"]').first
    assert bar.get_attribute("aria-valuenow") == "0"
    box = page.locator("input[data-jobbook-item]").first
    key = box.get_attribute("data-jobbook-item")
    box.focus()
    page.keyboard.press("Space")  # keyboard-operable
    assert box.is_checked()
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator(f'input[data-jobbook-item="{key}"]').first.is_checked()
    now = int(
        page.locator('[data-jobbook-progress="fs-1-math"]').first.get_attribute("aria-valuenow")
    )
    assert now > 0
    label = page.locator(
        '[data-jobbook-progress="fs-1-math"] .jb-progress__label'
    ).first.inner_text()
    assert label.startswith("1 / ")
    assert view.blocked == [] and view.errors == []


def test_graph_nodes_link_to_pages_and_change_colour_with_progress(built_site, offline):
    _, site = site_model()
    view = offline()
    page = view.open(built_site.unzipped, OVERVIEW)
    nodes = page.locator("svg.jb-graph a")
    assert nodes.count() > 20
    # plain href (crawlable); instant navigation to this page is tested over http below
    for href in nodes.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        target = (built_site.unzipped / "paths/fullstack-to-ai" / href.split("#")[0]).resolve()
        assert target.is_file(), href
        assert target.suffix == ".html"
    topic = next(t for s in site.paths[2].stages for t in site.topics_of(s) if topic_items(t))
    node = page.locator(f'svg.jb-graph g[data-jobbook-graph-node="{topic.id}"]')
    fill = lambda: node.locator("rect").evaluate("r => getComputedStyle(r).fill")  # noqa: E731
    before = fill()
    progress = {"version": 1, "items": {k: True for k in topic_items(topic)}, "topics": {}}
    page.evaluate("p => localStorage.setItem('ml-jobbook-progress', JSON.stringify(p))", progress)
    page.reload()
    page.wait_for_load_state("load")
    assert node.get_attribute("data-state") == "done"
    assert fill() != before
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, scheme in [(1280, "light"), (375, "light"), (375, "dark"), (1280, "dark")]:
        shot = offline(width=width, scheme=scheme)
        p = shot.open(built_site.unzipped, OVERVIEW)
        p.evaluate("p => localStorage.setItem('ml-jobbook-progress', JSON.stringify(p))", progress)
        p.reload()
        p.locator("#graph").scroll_into_view_if_needed()
        p.screenshot(path=str(SHOTS / f"overview-graph-{width}-{scheme}.png"))
        assert shot.errors == []


def _rows():
    _, site = site_model()
    from jobbook.core.render import _resource_rows

    return _resource_rows(site)


def test_filters_match_the_yaml_and_live_in_the_url(built_site, offline):
    rows = _rows()
    view = offline()
    page = view.open(built_site.unzipped, "resources.html")
    count = page.locator("[data-jobbook-count]")
    # the rows after the first 100 arrive from a data file: the count shows "…" until then
    expect(count).to_have_text(str(len(rows)))
    page.select_option("select[name=type]", "book")
    page.select_option("select[name=lang]", "zh")
    expected = sum(1 for r in rows if r["res"].type == "book" and r["res"].lang == "zh")
    expect(count).to_have_text(str(expected))
    assert page.locator("table[data-jobbook-resources] tbody tr:visible").count() == expected
    assert "type=book" in page.url and "lang=zh" in page.url
    # a shared URL restores the same filter
    path_id = "interview-route"
    shared = view.open(built_site.unzipped, "resources.html")
    shared.goto(shared.url.split("?")[0] + f"?free=1&path={path_id}")
    expected = sum(1 for r in rows if r["res"].free and path_id in [p.id for p in r["paths"]])
    expect(shared.locator("[data-jobbook-count]")).to_have_text(str(expected))
    shared.fill("input[name=q]", "pytorch")
    want = sum(
        1
        for r in rows
        if r["res"].free
        and path_id in [p.id for p in r["paths"]]
        and "pytorch"
        in " ".join(
            [
                r["res"].title,
                r["res"].authors or "",
                r["res"].note or "",
                r["topic"].title,
                *r["res"].tags,
            ]
        ).lower()
    )
    expect(shared.locator("[data-jobbook-count]")).to_have_text(str(want))
    assert view.errors == []


def test_study_plan_dates_for_a_known_input(built_site, offline):
    _, site = site_model()
    path = next(p for p in site.paths if p.id == "fullstack-to-ai")
    view = offline()
    page = view.open(built_site.unzipped, OVERVIEW)
    page.fill("[data-jobbook-plan] input[name=hours]", "5")
    page.fill("[data-jobbook-plan] input[name=start]", "2025-01-06")
    rows = page.locator("[data-jobbook-plan] tbody tr")
    day, start = 0, date(2025, 1, 6)
    for n, stage in enumerate(path.stages):
        weeks_cell = rows.nth(n).locator("[data-plan-weeks]").inner_text()
        dates_cell = rows.nth(n).locator("[data-plan-dates]").inner_text()
        if not stage.weeks:
            assert weeks_cell == "持续"
            continue
        hours = stage.hours_per_week or path.hours_per_week
        days = max(1, round(stage.weeks * hours * 7 / 5))
        first, last = day // 7 + 1, (day + days - 1) // 7 + 1
        assert weeks_cell == (f"第 {first} 周" if first == last else f"第 {first}–{last} 周")
        begin, end = start + timedelta(days=day), start + timedelta(days=day + days - 1)
        assert dates_cell == f"{begin.isoformat()} ~ {end.isoformat()}"
        day += days
    total = page.locator("[data-plan-total]").inner_text()
    assert f"共约 {math.ceil(day / 7)} 周" in total
    # fs-0-env: 0.5 week at 10 h/week = 7 days at 5 h/week
    assert rows.nth(0).locator("[data-plan-dates]").inner_text() == "2025-01-06 ~ 2025-01-12"


def test_markdown_checklist_download_includes_the_readers_ticks(built_site, offline):
    _, site = site_model()
    path = next(p for p in site.paths if p.id == "fullstack-to-ai")
    keys = path_items(site, path)
    view = offline()
    page = view.open(built_site.unzipped, OVERVIEW)
    page.evaluate(
        "k => localStorage.setItem('ml-jobbook-progress', JSON.stringify({version: 1, items: {[k]: true}, topics: {}}))",
        keys[0],
    )
    page.reload()
    with page.expect_download() as info:
        page.click("button[data-jobbook-download-md]")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# {path.title}")
    assert text.count("- [x] ") == 1
    assert text.count("- [ ] ") == len(keys) - 1
    assert "](https://" in text  # resources as Markdown links
    assert info.value.suggested_filename == "fullstack-to-ai-checklist.md"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", ["index.html", STAGE, "resources.html", "math/kkt.html", OVERVIEW])
def test_no_serious_accessibility_violations(built_site, offline, rel, scheme):
    if not AXE.is_file():
        pytest.fail("axe-core missing: run `npm ci` (make test does)")
    view = offline(scheme=scheme, bypass_csp=True)  # the policy would refuse axe's inline script
    page = view.open(built_site.unzipped, rel)
    view.settle()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


@pytest.mark.parametrize("keyboard", [False, True])
def test_hosted_search_index_loads_only_when_search_is_opened(
    built_site, http_root, offline, keyboard
):
    view = offline()
    _allow_localhost(view)
    requested: list[str] = []
    view.page.on(
        "request", lambda r: "search_index" in r.url and requested.append(r.url.split("/")[-1])
    )
    page = _goto(view, built_site, http_root, STAGE, "http")
    view.settle()  # nothing in flight for 500 ms: the page asked for all it needs
    assert requested == []  # the page is complete without the index

    if keyboard:
        page.keyboard.press("/")  # Material's shortcut focuses the search field
    else:
        page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("松弛", delay=50)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    shown = page.locator(".md-search-result__item h1, .md-search-result__item h2").all_inner_texts()
    # the KKT chapter's part on complementary slackness (math pages are split, issue #17)
    assert "KKT 条件（三）：互补松弛的解读" in [t.replace("\u200b", "").strip() for t in shown]
    assert requested == ["search_index.json"]
    assert view.blocked == [] and view.errors == []


def test_graph_page_over_http_sets_up_material_and_its_links_work(built_site, http_root, offline):
    # Over http Material makes every [href] absolute with el.href = el.href when it
    # sets up; on an SVG link that throws unless jobbook-head.js made it a no-op.
    view = offline()
    _allow_localhost(view)
    page = _goto(view, built_site, http_root, STAGE, "http")
    page.locator(".md-content a[href$='index.html']", has_text="全栈").first.click()
    page.wait_for_url("**/" + OVERVIEW)
    page.locator("svg.jb-graph").wait_for()
    stage = page.locator("svg.jb-graph a.jb-graph-stage").nth(1)
    target = stage.get_attribute("href")
    stage.click()
    page.wait_for_url(f"**/paths/fullstack-to-ai/{target}")
    page.locator("article h1").wait_for()
    assert view.blocked == [] and view.errors == []


def test_instant_navigation_to_a_math_page_loads_katex_styles(built_site, http_root, offline):
    view = offline()
    _allow_localhost(view)
    requested: list[str] = []
    view.page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
    page = _goto(view, built_site, http_root, STAGE, "http")  # a page without math
    page.locator(".md-tabs__link", has_text="数学").click()
    page.wait_for_url("**/math/index.html")
    page.locator("article a[href$='kkt.html']").first.click()
    page.wait_for_url("**/math/kkt.html")
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.katex')).fontFamily.includes('KaTeX')"
    )
    assert "katex.min.css" in requested and "katex.min.js" not in requested
    assert view.blocked == [] and view.errors == []


def test_hosted_math_page_preloads_the_fonts_it_uses(built_site, http_root, offline):
    view = offline()
    _allow_localhost(view)
    fonts: set[str] = set()
    view.page.on("requestfinished", lambda r: r.url.endswith(".woff2") and fonts.add(r.url))
    page = _goto(view, built_site, http_root, "math/kkt.html", "http")
    page.wait_for_load_state("networkidle")
    preloaded = page.eval_on_selector_all(
        "link[rel=preload][as=font][crossorigin]", "links => links.map(l => l.href)"
    )
    assert len(preloaded) >= 3 and fonts == set(preloaded)  # all used, none missing
    assert view.blocked == [] and view.errors == []
