"""Content-Security-Policy: every page carries it, the site runs under it, injections don't."""

from __future__ import annotations

import re

import pytest

from jobbook.site.csp import add_meta, policy, scan_page, sha256_source, shim_hashes

from .helpers import ROOT

SHIM = ROOT / "overrides/assets/vendor/iframe-worker/shim.js"
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')

# Records violations before any page script runs.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  [e.violatedDirective, e.blockedURI, (e.sample || '').slice(0, 80)]), true);
"""


def test_scan_hashes_executable_inline_scripts_only():
    html = (
        '<script>var a=1</script><script src="x.js"></script>'
        '<script type="application/json" id="__config">{"search": "w/search.js"}</script>'
        '<script type="module">import "./m.js"</script>'
    )
    hashes, workers = scan_page(html)
    assert hashes == {sha256_source("var a=1"), sha256_source('import "./m.js"')}
    assert workers == {"w/search.js"}
    # the well-known hash of an empty script, as browsers compute it
    assert sha256_source("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_scan_reads_file_bytes_and_hashes_scripts_as_the_browser_parses_them(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes("<head><script>a()\r\nb('中')\rc()</script></head>".encode())
    hashes, _ = scan_page(page.read_bytes())
    assert hashes == {sha256_source("a()\nb('中')\nc()")}  # CR LF and CR are LF in the DOM
    text = page.read_bytes().decode("utf-8")
    assert add_meta(page.read_bytes(), "p") == add_meta(text, "p").encode("utf-8")


def test_the_site_pass_hashes_scripts_as_text_and_refuses_a_script_that_is_not_utf8(tmp_path):
    from jobbook.site.csp import apply_to_site

    (tmp_path / "a.html").write_bytes(b"<head><script>a()\r\nb()</script></head>\r\n")
    content = apply_to_site(tmp_path, None)
    assert sha256_source("a()\nb()") in content
    assert (tmp_path / "a.html").read_bytes().startswith(b"<head><meta http-equiv=")
    (tmp_path / "b.html").write_bytes(b"<head><script>h('\xff')</script></head>")
    with pytest.raises(UnicodeDecodeError):  # the browser would hash U+FFFD instead
        apply_to_site(tmp_path, None)


def test_shim_hashes_follow_the_worker_url():
    shim = SHIM.read_text(encoding="utf-8")
    one, two = shim_hashes(shim, ["a.js"]), shim_hashes(shim, ["../a.js"])
    assert len(one) == len(two) == 1 and one != two
    with pytest.raises(ValueError):
        shim_hashes("console.log(1)", ["a.js"])


def test_meta_goes_before_scripts_and_after_the_charset():
    html = add_meta('<html><head lang="zh"><script>x()</script></head></html>', policy(["'h'"]))
    assert html.startswith('<html><head lang="zh"><meta http-equiv="Content-Security-Policy"')
    content = _META.search(html)[1]
    assert "script-src 'self' 'h'" in content
    assert "'unsafe-inline'" not in content.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in content and "base-uri 'none'" in content
    # a <meta charset> only counts within the first 1024 bytes: it stays first
    html = add_meta('<head>\n  <meta charset="utf-8">\n  <script></script>', "x")
    assert html.startswith(
        '<head>\n  <meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="x">'
    )


@pytest.mark.site
def test_every_page_has_the_same_policy_covering_its_inline_scripts(built_site):
    policies = set()
    for page in built_site.html_pages():
        html = page.read_text(encoding="utf-8")
        found = _META.findall(html)
        assert len(found) == 1, page
        assert html.index(found[0]) < html.index("<script"), page  # before any script
        assert html.encode().index(b"<meta charset=") < 1024, page  # browsers look that far
        policies.add(found[0])
        hashes, _ = scan_page(html)
        assert all(h in found[0] for h in hashes), page
    assert len(policies) == 1


def _tour(view, open_page):
    """Visit pages the way a reader does and exercise every script-driven feature."""
    page = open_page("index.html")
    page.context.add_init_script(LISTEN)
    page.reload()
    page.wait_for_load_state("load")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("松弛", delay=50)  # search worker (iframe shim from file://)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    page.keyboard.press("Escape")
    violations = page.evaluate("window.__csp")

    stage = open_page("paths/fullstack-to-ai/fs-1-math.html")
    stage.locator("input[data-jobbook-item]").first.check()  # progress (localStorage)
    stage.locator("label.md-header__button[for^='__palette']").first.click()  # palette
    # instant navigation to a math page keeps the first page's policy
    stage.locator(".md-tabs__link", has_text="数学").click()
    stage.wait_for_url("**/math/index.html")
    stage.locator("a[href$='kkt.html']").first.click()
    stage.wait_for_url("**/math/kkt.html")
    stage.wait_for_selector(".katex", timeout=10_000)
    violations += stage.evaluate("window.__csp")

    for rel in ["resources.html", "paths/fullstack-to-ai/index.html", "notebooks/pca-svd.html"]:
        other = open_page(rel)
        view.settle()
        violations += other.evaluate("window.__csp")

    errors = list(view.errors)  # the probe below logs its own, expected, refusals
    # an injected inline handler and script (what an XSS would try) are refused
    probe = open_page("index.html")
    ran = probe.evaluate(
        """async () => {
          window.__ran = [];
          const img = document.createElement('div');
          img.innerHTML = '<img src="x.png" onerror="window.__ran.push(1)">';
          document.body.append(img);
          const s = document.createElement('script');
          s.textContent = 'window.__ran.push(2)';
          document.body.append(s);
          const a = document.createElement('a');
          a.href = 'javascript:window.__ran.push(3)';
          document.body.append(a); a.click();
          // no fixed sleep: wait until both refusals are reported (a handler that ran
          // would have run by then), for at most 10 s (the assertions then tell why)
          const start = performance.now();
          await new Promise(done => (function poll() {
            const seen = new Set(window.__csp.map(v => v[0]));
            const both = seen.has('script-src-attr') && seen.has('script-src-elem');
            if (both || performance.now() - start > 10000) done(); else setTimeout(poll, 20);
          })());
          return window.__ran;
        }"""
    )
    refused = probe.evaluate("window.__csp")
    return violations, errors, ran, refused


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_site_runs_under_the_policy_and_injections_are_blocked(
    built_site, offline, http_root, scheme
):
    view = offline()
    view.context.add_init_script(LISTEN)
    if scheme == "http":
        view.allowed += ("http://127.0.0.1:",)

    def open_page(rel):
        page = view.page
        if scheme == "file":
            page.goto((built_site.unzipped / rel).as_uri())
        else:
            page.goto(f"{http_root}/{rel}")
        page.wait_for_load_state("load")
        return page

    violations, errors, ran, refused = _tour(view, open_page)
    assert violations == [] and errors == []
    assert ran == []
    assert {v[0] for v in refused} >= {"script-src-attr", "script-src-elem"}
    assert view.blocked == []
