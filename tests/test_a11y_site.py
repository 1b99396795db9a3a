"""axe-core on every page of the built site, light and dark: no serious or critical violation.

Every HTML page of the offline build (stage, topic, question pages with their numbered
parts, print pages, notebooks, math pages, 404.html) is served over http like the hosted
site (404.html uses root-absolute links that only resolve there) and checked in both
colour schemes. Material picks the palette from prefers-color-scheme on a first visit, so
the context's ``color_scheme`` decides it; the test asserts the body really carries
``data-md-color-scheme="slate"`` in dark mode.

Fast enough for ``make test`` on 2 cores: one browser, one context per scheme, a few pages
per context reused from page to page, axe injected by an init script (the site's CSP
refuses it, hence ``bypass_csp``; nothing else runs with it), only the WCAG A/AA rules,
pages checked concurrently by ``WORKERS`` coroutines (each renderer is its own process).
``JOBBOOK_A11Y_PAGES=math/*`` checks only the pages matching a glob (while fixing).
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
import time

import pytest

from .conftest import ARGS, CHROMIUM
from .helpers import ROOT

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}  # color_scheme → Material's palette scheme
# Light: every WCAG 2.x A/AA rule. Dark: the same DOM with other colours, so only the rules
# that look at colours (most of axe's time goes to color-contrast either way).
RULES = {
    "light": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "dark": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
}
WORKERS = 3  # concurrent pages; each waits on its renderer, so 3 keep 2 cores busy
# Wall-clock safety net, not a performance budget: about 4 min on 2 idle cores, far more
# when other jobs share them.
LIMIT = 20 * 60

# (rule id, CSS selector axe reports) → why it cannot be fixed from our side. Keep it exact:
# a new violation anywhere else still fails. Empty: everything found so far was fixed.
IGNORED: dict[tuple[str, str], str] = {}

# Material scrolls the primary sidebar so the current page's link is in view; the active
# section's title stays on top of it (`.md-nav--lifted > .md-nav__list > .md-nav__item--active
# > .md-nav__link`, position: sticky), over whichever links are scrolled under it, and axe's
# target-size then reports that title and the link beneath it (seen on math/*: 18 px links
# under the sticky "数学"). Scrolling is the reader's way past a sticky title, so the
# sidebars are scrolled back to the top first: every link is then measured uncovered.
RUN = """async (runOnly) => {
  document.querySelectorAll('.md-sidebar__scrollwrap').forEach(s => { s.scrollTop = 0; });
  const r = await axe.run(document, {
    runOnly,
    resultTypes: ['violations'],
  });
  return {
    scheme: document.body.getAttribute('data-md-color-scheme'),
    violations: r.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                            summary: (n.failureSummary || '').split('\\n')
                                              .map(s => s.trim()).filter(Boolean).slice(1, 2)
                                              .join(' ')}))})),
  };
}"""


def html_pages(site) -> list[str]:
    """Every page, largest first (the slow ones start early and the workers finish together)."""
    pages = [p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts]
    pages.sort(key=lambda p: (-p.stat().st_size, p.as_posix()))
    return [p.relative_to(site).as_posix() for p in pages]


async def sweep(root: str, pages: list[str], axe: str) -> tuple[list[tuple], list[str]]:
    """Violations as (page, scheme, rule, target, summary); pages in the wrong scheme."""
    from playwright.async_api import async_playwright

    problems: list[tuple] = []
    wrong_scheme: list[str] = []
    jobs: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for rel in pages:
        for scheme in SCHEMES:
            jobs.put_nowait((rel, scheme))

    async def only_the_site(route) -> None:  # checked as it is offline: nothing else fetched
        if route.request.url.startswith((root, "data:", "blob:", "about:")):
            await route.continue_()
        else:
            await route.abort()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        contexts = {}
        for scheme in SCHEMES:
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900},
                color_scheme=scheme,
                locale="zh-CN",
                bypass_csp=True,  # for axe only: the policy refuses injected scripts
            )
            await context.route("**/*", only_the_site)
            await context.add_init_script(script=axe)
            contexts[scheme] = context

        async def worker() -> None:
            tabs = {scheme: await context.new_page() for scheme, context in contexts.items()}
            while not jobs.empty():
                rel, scheme = jobs.get_nowait()
                page = tabs[scheme]
                await page.goto(f"{root}/{rel}", wait_until="load")
                await page.wait_for_function("() => document.fonts.status === 'loaded'")
                result = await page.evaluate(RUN, RULES[scheme])
                if result["scheme"] != SCHEMES[scheme]:
                    wrong_scheme.append(f"{rel} [{scheme}]: body scheme {result['scheme']!r}")
                for v in result["violations"]:
                    for node in v["nodes"]:
                        if (v["id"], node["target"]) in IGNORED:
                            continue
                        problems.append(
                            (
                                rel,
                                scheme,
                                f"{v['id']} ({v['impact']})",
                                node["target"],
                                node["summary"] or v["help"],
                            )
                        )

        await asyncio.gather(*(worker() for _ in range(WORKERS)))
        await browser.close()
    return problems, wrong_scheme


def report(problems: list[tuple], n_pages: int, limit: int = 60) -> str:
    """Per rule and scheme: how many nodes on which pages; then page, scheme, rule, target."""
    by_rule: dict[tuple[str, str], list[str]] = {}
    for rel, scheme, rule, _, _ in problems:
        by_rule.setdefault((rule, scheme), []).append(rel)
    lines = [f"{len(problems)} serious/critical axe violations on {n_pages} pages × 2 schemes:"]
    for (rule, scheme), rels in sorted(by_rule.items()):
        names = sorted(set(rels))
        more = f" … +{len(names) - 8}" if len(names) > 8 else ""
        lines.append(
            f"  {rule} [{scheme}]: {len(rels)} on {len(names)} pages: "
            + ", ".join(names[:8])
            + more
        )
    lines += [
        f"{rel} [{scheme}] {rule}: {target} — {why}"
        for rel, scheme, rule, target, why in sorted(problems)[:limit]
    ]
    if len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more")
    return "\n".join(lines)


def test_every_page_light_and_dark_has_no_serious_violations(
    built_site, http_root, record_property
):
    if not AXE.is_file():
        pytest.fail("axe-core missing: run `npm ci` (make test does)")
    pytest.importorskip("playwright.async_api")
    pages = html_pages(built_site.unzipped)
    assert len(pages) > 100 and "404.html" in pages
    if only := os.environ.get("JOBBOOK_A11Y_PAGES"):  # while fixing: a glob such as math/*
        pages = [rel for rel in pages if fnmatch.fnmatch(rel, only)]
    start = time.monotonic()
    problems, wrong_scheme = asyncio.run(sweep(http_root, pages, AXE.read_text(encoding="utf-8")))
    elapsed = time.monotonic() - start
    record_property("seconds", round(elapsed))
    assert wrong_scheme == [], "the colour scheme did not follow prefers-color-scheme"
    assert not problems, report(problems, len(pages))
    assert elapsed < LIMIT, f"{len(pages)} pages × 2 schemes took {elapsed:.0f} s"
