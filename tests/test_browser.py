"""Browser tests: the unzipped offline build in Debian chromium, from file://, no network."""

from __future__ import annotations

import re

import pytest

from .helpers import SHOTS

pytestmark = pytest.mark.browser


CJK_FONT = re.compile(r"CJK|WenQuanYi|Source Han|Droid Sans Fallback|Hei|Song|Ming", re.I)


def platform_fonts(page, selector: str) -> tuple[str, list[dict]]:
    """The text of ``selector``'s own text nodes, and the fonts Chromium drew it with
    (DevTools ``CSS.getPlatformFontsForNode``: family name and glyph count)."""
    text = page.locator(selector).first.evaluate(
        "e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')"
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return text, fonts


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize(
    ("rel", "name"),
    [
        ("index.html", "home"),
        ("paths/fullstack-to-ai/fs-1-math.html", "stage"),
        ("math/kkt.html", "kkt"),
        ("notebooks/duality-kkt.html", "notebook"),
    ],
)
def test_pages_render_offline_without_any_network_request(built_site, offline, rel, name):
    view = offline()
    page = view.open(built_site.unzipped, rel)
    view.settle()  # nothing in flight for 500 ms: the page asked for all it needs
    assert page.locator("h1").first.is_visible()
    _shot(page, f"offline-{name}")
    assert view.blocked == []
    assert view.errors == []


@pytest.mark.parametrize(
    "rel",
    # kkt-examples: a later part of a split chapter (issue #17)
    ["math/duality.html", "math/kkt.html", "math/kkt-examples.html", "notebooks/duality-kkt.html"],
)
def test_math_is_rendered_by_katex(built_site, offline, rel):
    view = offline()
    scripts: list[str] = []
    fonts: set[str] = set()
    view.page.on("request", lambda r: r.url.endswith(".js") and scripts.append(r.url))
    view.page.on("requestfinished", lambda r: r.url.endswith(".woff2") and fonts.add(r.url))
    page = view.open(built_site.unzipped, rel)
    page.wait_for_selector(".katex", timeout=10_000)
    view.settle()
    assert page.locator(".katex").count() > 5
    assert page.locator(".katex-error").count() == 0
    # no raw TeX delimiters left in the visible text of the article
    text = page.locator("article").inner_text()
    assert "$$" not in text and "\\(" not in text and "\\[" not in text
    # KaTeX's own fonts are applied (stylesheet loaded), formulas have real size
    font = page.locator(".katex").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "KaTeX_Main" in font
    box = page.locator(".katex-display").first.bounding_box()
    assert box and box["height"] > 20
    # math is rendered at build time, notebook Markdown cells included: no KaTeX JS
    assert not any(u.endswith("katex.min.js") for u in scripts)
    # the build names every font the formulas use, for preloading
    named = page.evaluate(
        """() => document.querySelector('meta[name="jobbook-preload-fonts"]').content
             .split(/\\s+/).map(h => new URL(h, location.href).href)"""
    )
    assert fonts and fonts <= set(named)
    # …but from file:// a CORS preload would fail: none is added
    assert page.locator("link[rel=preload]").count() == 0
    assert view.blocked == [] and view.errors == []


def test_stage_page_shows_badges_and_checklist(built_site, offline):
    view = offline()
    page = view.open(built_site.unzipped, "paths/fullstack-to-ai/fs-1-math.html")
    assert page.locator(".jb-badge.jb-type").count() > 0
    assert page.locator("input[data-jobbook-item]").count() > 0
    # CJK glyphs render with a CJK font, not as tofu boxes (which have a width too): ask
    # the renderer which fonts drew the heading's glyphs and how many each drew
    heading, fonts = platform_fonts(page, "article h1")
    cjk = len(re.findall(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]", heading))
    assert cjk >= 2, heading
    drawn = sum(f["glyphCount"] for f in fonts if CJK_FONT.search(f["familyName"]))
    assert drawn >= cjk, (heading, fonts)
    page.locator("input[data-jobbook-item]").first.scroll_into_view_if_needed()
    _shot(page, "stage-checklist")


@pytest.mark.parametrize(
    ("query", "expect"),
    # the second is the title of the KKT chapter's part on it (math pages are split, issue #17)
    [("恢复", "从对偶解恢复原始解"), ("松弛", "KKT 条件（三）：互补松弛的解读")],
)
def test_search_finds_a_word_from_the_middle_of_a_heading(built_site, offline, query, expect):
    view = offline()
    page = view.open(built_site.unzipped, "index.html")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=50)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert results.count() > 0
    # headings are segmented with zero-width spaces at build time; readers don't see them
    shown = page.locator(".md-search-result__item h1, .md-search-result__item h2").all_inner_texts()
    assert expect in [t.replace("\u200b", "").strip() for t in shown]
    _shot(page, f"search-{query}")
    assert view.blocked == [] and view.errors == []


def test_printable_path_page(built_site, offline):
    view = offline()
    page = view.open(built_site.unzipped, "paths/fullstack-to-ai/print.html")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    link = page.locator('article a[href^="https://"]').first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert link.get_attribute("href") in after  # URL printed after the link text
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 10
    (SHOTS / "print-fullstack-to-ai.pdf").write_bytes(pdf)
    assert view.blocked == [] and view.errors == []


# ---- deferred notebook code cells (#17) ----

DEFERRED_NB = "notebooks/duality-kkt.html"
_DEFERRED_BLOCKS = """() => [...document.querySelectorAll('[data-jb-defer] .highlight-ipynb')].map(h => ({
  marked: h.hasAttribute('data-jobbook-scroll') && h.getAttribute('tabindex') === '0',
  scrolls: h.scrollWidth > h.clientWidth + 1,
}))"""


def _skipped(page, index: int) -> bool:
    """Whether the browser skips (does not render) the ``index``-th deferred code cell."""
    return page.evaluate(
        "i => !document.querySelectorAll('.jp-Cell[data-jb-defer]')[i].firstElementChild"
        ".checkVisibility({contentVisibilityAuto: true})",
        index,
    )


def test_deferred_code_cells_are_measured_only_once_rendered(built_site, offline, http_root):
    """A code cell below the first screen is skipped by the browser; a11y.js leaves it alone
    (measuring it would render it at once) and measures it when it renders: a code block
    that does not scroll then loses the focusable mark the build gave it."""
    html = (built_site.unzipped / DEFERRED_NB).read_text(encoding="utf-8")
    cells = [m.start() for m in re.finditer(r'<div class="jp-Cell[^"]*" data-jb-defer=', html)]
    assert len(cells) >= 5
    # the last deferred cell gets a one-line program: nothing to scroll
    start = html.index("<pre>", cells[-1])
    short = html[:start] + "<pre>x = 1</pre>" + html[html.index("</pre>", start) + 6 :]
    view = offline(width=1280)
    view.allowed += (http_root,)
    url = f"{http_root}/{DEFERRED_NB}"
    view.page.route(url, lambda route: route.fulfill(body=short, content_type="text/html"))
    page = view.page
    page.goto(url)
    view.settle()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    last = len(cells) - 1
    assert _skipped(page, last)
    blocks = page.evaluate(_DEFERRED_BLOCKS)
    assert blocks[-1]["marked"], "a11y.js measured a cell the browser skips"
    page.locator(".jp-Cell[data-jb-defer]").nth(last).scroll_into_view_if_needed()
    page.wait_for_function(
        "i => !document.querySelectorAll('[data-jb-defer] .highlight-ipynb')[i]"
        ".hasAttribute('data-jobbook-scroll')",
        arg=last,
        timeout=5_000,
    )
    assert not _skipped(page, last)
    blocks = page.evaluate(_DEFERRED_BLOCKS)
    assert blocks[-1] == {"marked": False, "scrolls": False}
    tabindex = page.evaluate(
        "i => document.querySelectorAll('[data-jb-defer] .highlight-ipynb')[i]"
        ".getAttribute('tabindex')",
        last,
    )
    assert tabindex is None
    assert view.errors == []


def test_keyboard_reaches_every_scrolling_code_block_of_a_notebook(built_site, offline):
    """Tabbing from the top of a notebook page focuses every code block that scrolls, in
    page order, including those of cells the browser had not rendered yet."""
    view = offline(width=390)
    page = view.open(built_site.unzipped, DEFERRED_NB)
    view.settle()
    total = page.locator("[data-jb-defer] .highlight-ipynb").count()
    assert total >= 5
    page.locator("h1").first.click()  # start below the header and sidebars
    seen: list[int] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        index = page.evaluate(
            "() => [...document.querySelectorAll('[data-jb-defer] .highlight-ipynb')]"
            ".indexOf(document.activeElement)"
        )
        if index >= 0 and index not in seen:
            seen.append(index)
        if page.evaluate("() => !!document.activeElement.closest('.md-footer')"):
            break
    blocks = page.evaluate(_DEFERRED_BLOCKS)
    scrolling = [i for i, b in enumerate(blocks) if b["scrolls"]]
    assert scrolling, "no code block scrolls at 390 px: the test checks nothing"
    assert seen == scrolling
    assert all(b["marked"] == b["scrolls"] for b in blocks)
    assert view.errors == []


@pytest.mark.parametrize(("width", "height"), [(412, 823), (1350, 940)])
def test_nothing_on_the_first_screen_is_deferred(built_site, offline, width, height):
    """A deferred element is first drawn at its estimated height, so one on the first screen
    would move what a reader sees (Lighthouse measured CLS 0.175 with nothing kept). The
    viewports are Lighthouse's phone and desktop."""
    view = offline(width=width)
    page = view.page
    page.set_viewport_size({"width": width, "height": height})
    pages = sorted(built_site.unzipped.glob("math/*.html"))
    pages += sorted(built_site.unzipped.glob("notebooks/*.html"))
    tops = {}
    for path in pages:
        page.goto(path.as_uri())
        top = page.evaluate(
            "() => { const e = document.querySelector('[data-jb-defer]');"
            " return e ? e.getBoundingClientRect().top + scrollY : null; }"
        )
        if top is not None:
            tops[path.name] = top
    assert len(tops) >= 20, "hardly any page defers anything: the test checks nothing"
    low = {name: top for name, top in tops.items() if top < height * 1.1}
    assert low == {}, f"deferred content within the first {height} px: {low}"


def test_deferring_moves_nothing_once_rendered(built_site, offline):
    """A rendered deferred element keeps layout containment: if a child's margin used to
    collapse through it (a display formula inside a notebook paragraph did), the page grows.
    Every heading and deferred element sits where it would without containment."""
    view = offline(width=412)
    page = view.page
    where = (
        "() => [...document.querySelectorAll('article :is(h1,h2,h3,h4), [data-jb-defer]')]"
        ".map(e => Math.round(e.getBoundingClientRect().top + scrollY))"
    )
    moved = {}
    paths = sorted(built_site.unzipped.glob("math/*.html"))
    paths += sorted(built_site.unzipped.glob("notebooks/*.html"))
    for path in paths:
        page.goto(path.as_uri())
        # rendered with the containment content-visibility: auto keeps, then without it
        page.add_style_tag(
            content="[data-jb-defer]{content-visibility:visible!important;"
            "contain:layout style paint!important}"
        )
        page.evaluate("() => document.fonts.ready")  # fonts of what was skipped
        contained = page.evaluate(where)
        page.add_style_tag(content="[data-jb-defer]{contain:none!important}")
        page.evaluate("() => document.fonts.ready")
        free = page.evaluate(where)
        if contained != free:
            moved[path.name] = [(a, b) for a, b in zip(contained, free, strict=True) if a != b]
    assert moved == {}
