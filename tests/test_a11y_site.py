"""axe-core on every page of the built site, light and dark: no serious or critical issue.

Served over http like the hosted site (404.html uses root-absolute links that only
resolve there). axe is injected into a context with bypass_csp (the policy refuses it).
"""

from __future__ import annotations

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _pages(site) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "assets" not in p.relative_to(site).parts
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_has_no_serious_violations(built_site, http_root, offline, scheme):
    view = offline(scheme=scheme, bypass_csp=True)
    view.allowed += ("http://127.0.0.1:",)
    page = view.page
    pages = _pages(built_site.unzipped)
    assert len(pages) > 60
    problems = []
    for rel in pages:
        page.goto(f"{http_root}/{rel}")
        page.wait_for_load_state("load")
        page.wait_for_function("() => document.fonts.status === 'loaded'")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        problems += [
            f"{rel}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes'][:2]]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert problems == []
