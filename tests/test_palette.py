"""The light/dark toggle (overrides/src/palette.js, in place of Material's component, #17).

It must behave as Material's did (stored as Material's ``__palette`` so Material's inline
script applies it on the next page, a first visit follows prefers-color-scheme, Enter
switches) without restyling the page on load: no ``data-md-color-switching`` mark unless
the colours really change.
"""

from __future__ import annotations

import json
import re

import pytest

from .helpers import NO_STORAGE, ROOT

pytestmark = pytest.mark.browser

PAGE = "notebooks/duality-kkt.html"
# Attribute changes on <body> and <meta> from the first byte on (Material's inline script
# at the top of <body> included).
RECORD = """(() => {
  window.__changes = [];
  new MutationObserver(list => list.forEach(m => window.__changes.push(
    m.target.tagName + ' ' + m.attributeName + '=' + m.target.getAttribute(m.attributeName)
  ))).observe(document, {attributes: true, subtree: true,
    attributeFilter: ['data-md-color-switching', 'data-md-color-scheme', 'content']});
})();"""
STATE = """() => ({
  scheme: document.body.getAttribute('data-md-color-scheme'),
  shown: [...document.querySelectorAll('form[data-jobbook-palette] label')].map(l => !l.hidden),
  colorScheme: document.querySelector('meta[name=color-scheme]')?.content ?? null,
  themeColor: document.querySelector('meta[name=theme-color]')?.content ?? null,
  stored: Object.entries(localStorage).filter(([k]) => k.endsWith('.__palette')).map(([, v]) => v),
  changes: window.__changes,
})"""


def _state(page) -> dict:
    page.wait_for_function("() => document.querySelector('meta[name=theme-color]')")
    state = page.evaluate(STATE)
    state["stored"] = [json.loads(v) for v in state["stored"]]
    return state


def _view(offline, scheme: str):
    view = offline(scheme=scheme)
    view.context.add_init_script(RECORD)
    return view


def test_materials_palette_component_is_not_mounted(built_site):
    html = (built_site.unzipped / PAGE).read_text(encoding="utf-8")
    assert 'data-md-component="palette"' not in html
    assert '<form class="md-header__option" data-jobbook-palette>' in html


def test_toggle_switches_stores_and_the_next_page_keeps_it(built_site, offline):
    view = _view(offline, "light")
    page = view.open(built_site.unzipped, PAGE)
    first = _state(page)
    assert first["scheme"] == "default" and first["shown"] == [True, False]
    assert first["themeColor"] == "#4051b5"  # the indigo header
    assert first["colorScheme"] is None  # a light page needs no root scheme
    # stored in Material's own format: its inline script reads it on the next page
    assert first["stored"] == [
        {
            "index": 0,
            "color": {
                "media": "(prefers-color-scheme: light)",
                "scheme": "default",
                "primary": "indigo",
                "accent": "indigo",
            },
        }
    ]
    # nothing restyled the page while it loaded
    assert not any("switching" in c for c in first["changes"]), first["changes"]

    page.locator("form[data-jobbook-palette] label:not([hidden])").click()
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    dark = _state(page)
    assert dark["shown"] == [False, True] and dark["colorScheme"] == "dark"
    assert dark["stored"][0]["index"] == 1 and dark["stored"][0]["color"]["scheme"] == "slate"
    # transitions were off during the switch, and back on afterwards
    assert "BODY data-md-color-switching=" in dark["changes"]
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")

    page = view.open(built_site.unzipped, "math/kkt.html")
    kept = _state(page)
    assert kept["scheme"] == "slate" and kept["shown"] == [False, True]
    assert kept["colorScheme"] == "dark"
    # Material's inline script applied it during parsing; this page only added the meta
    assert not any("switching" in c for c in kept["changes"]), kept["changes"]
    assert view.errors == [] and view.blocked == []


def test_enter_on_the_focused_toggle_switches(built_site, offline):
    view = _view(offline, "light")
    page = view.open(built_site.unzipped, PAGE)
    _state(page)
    page.focus("#__palette_0")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    assert page.evaluate("document.activeElement.id") == "__palette_1"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'")
    assert view.errors == []


def test_a_first_visit_follows_a_dark_system(built_site, offline):
    view = _view(offline, "dark")
    page = view.open(built_site.unzipped, PAGE)
    state = _state(page)
    assert state["scheme"] == "slate" and state["shown"] == [False, True]
    assert state["colorScheme"] == "dark"
    assert state["stored"][0]["index"] == 1
    assert view.errors == []


def test_the_partial_is_materials_without_its_component():
    """Material's palette markup, kept in step with the installed Material (pyproject
    allows any 9.x): only the form's component attribute differs."""
    import material

    ours = (ROOT / "overrides" / "partials" / "palette.html").read_text(encoding="utf-8")
    theirs_path = material.__path__[0] + "/templates/partials/palette.html"
    with open(theirs_path, encoding="utf-8") as f:
        theirs = f.read()
    comment = re.compile(r"\{#-.*?-#\}\n", re.S)
    expected = comment.sub("", theirs).replace(
        'data-md-component="palette"', "data-jobbook-palette"
    )
    assert comment.sub("", ours) == expected


def test_a_switch_runs_no_colour_transition(built_site, offline):
    """Material's mark turns transitions off until a frame has been drawn with the new colours."""
    view = _view(offline, "light")
    page = view.open(built_site.unzipped, "paths/fullstack-to-ai/fs-1-math.html")
    _state(page)
    for scheme in ["slate", "default"]:
        page.evaluate(
            """() => {
              window.__transitions = 0;
              document.addEventListener('transitionrun', () => window.__transitions++);
              document.querySelector('form[data-jobbook-palette] label:not([hidden])').click();
            }"""
        )
        page.wait_for_function(f"() => document.body.dataset.mdColorScheme === '{scheme}'")
        page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")
        page.wait_for_timeout(300)  # a transition would have started by now
        assert page.evaluate("window.__transitions") == 0
    assert view.errors == []


def test_a_second_init_does_not_bind_the_toggle_twice(http_root, offline):
    """Instant navigation re-runs every module's init (Material's document$ emits the new
    page; over http, where document$ works); the header, and its toggle, stay."""
    view = _view(offline, "light")
    view.allowed += ("http://127.0.0.1:",)
    view.page.goto(f"{http_root}/{PAGE}")
    page = view.page
    _state(page)
    page.evaluate(
        """() => {
          window.__sets = 0;
          const set = window.__md_set;
          window.__md_set = (...args) => { window.__sets++; return set(...args); };
          window.document$.next(document);
        }"""
    )
    page.focus("#__palette_0")
    page.keyboard.press("Enter")  # twice bound, two handlers would switch there and back
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    page.wait_for_timeout(200)
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert page.evaluate("window.__sets") == 1  # one switch, stored once
    assert view.errors == [] and view.blocked == []


def test_without_storage_the_toggle_and_the_other_modules_still_work(built_site, offline):
    view = offline(scheme="light")
    view.context.add_init_script(NO_STORAGE)
    page = view.open(built_site.unzipped, "practice.html")
    # the modules after the palette started (practice mode marks its root ready)
    page.wait_for_function("() => document.querySelector('[data-jobbook-practice]').dataset.ready")
    page.wait_for_function("() => document.querySelector('meta[name=theme-color]')")
    page.locator("form[data-jobbook-palette] label:not([hidden])").click()
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    # One error: Material's inline palette script at the top of <body> reads storage
    # unguarded. Anything more (the same message again) comes from our scripts.
    assert view.errors == ["The operation is insecure."]
