"""The real site: strict build, generated pages, zero external loads, links, zip."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from jobbook.core.model import Topic
from jobbook.core.validate import validate_dir

from .helpers import ROOT

pytestmark = pytest.mark.site


def test_real_roadmap_is_valid():
    roadmap = validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs")
    assert roadmap.issues == []
    assert len([f for f in roadmap.files if f.model.path]) >= 3


def test_strict_build_has_no_warnings(built_site):
    assert not re.search(r"^WARNING\s+-", built_site.log, re.M)  # MkDocs warnings
    assert "Traceback" not in built_site.log


def test_every_path_stage_and_shared_topic_has_a_page(built_site):
    roadmap = validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs")
    for sf in roadmap.files:
        if sf.model.path:
            path = sf.model.path
            assert (built_site.site / f"paths/{path.id}/index.html").is_file()
            for stage in path.stages:
                page = built_site.site / f"paths/{path.id}/{stage.id}.html"
                html = page.read_text(encoding="utf-8")
                for topic in stage.topics:
                    if isinstance(topic, Topic):
                        assert f'id="{topic.id}"' in html, (page, topic.id)
        for topic in sf.model.topics:
            assert (built_site.site / f"topics/{topic.id}.html").is_file()


class _Loads(HTMLParser):
    """Collect every URL a page would fetch by itself (not plain <a href> links)."""

    ATTRS: ClassVar[dict[str, str]] = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "audio": "src",
        "video": "src",
        "embed": "src",
        "object": "data",
        "track": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.ATTRS and a.get(self.ATTRS[tag]):
            self.urls.append(a[self.ATTRS[tag]])
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if rel not in ("prev", "next", "canonical", "alternate", "author", "license"):
                self.urls.append(a["href"])
        for key in ("srcset", "poster"):
            if a.get(key):
                self.urls.append(a[key])
        if a.get("style"):
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", a["style"])


def _external(url: str) -> bool:
    return bool(re.match(r"\s*(https?:)?//", url, re.I))


def test_no_page_loads_anything_from_the_network(built_site):
    offenders = {}
    for page in built_site.html_pages():
        text = page.read_text(encoding="utf-8")
        parser = _Loads()
        parser.feed(text)
        bad = [u for u in parser.urls if _external(u)]
        bad += [u for u in re.findall(r"url\(\s*['\"]?(https?://[^'\")]+)", text)]
        bad += re.findall(r"import\(\s*['\"](https?://[^'\"]+)", text)
        if bad:
            offenders[page.relative_to(built_site.site).as_posix()] = bad
    assert offenders == {}
    assert len(built_site.html_pages()) > 30


def test_our_css_and_js_reference_no_remote_files(built_site):
    for asset in [
        *built_site.site.glob("assets/css/*.css"),
        *built_site.site.glob("assets/js/*.js"),
    ]:
        # a URL with a host; the SVG namespace is a name, never fetched
        text = asset.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
        assert not re.search(r"https?://[\w-]+\.[\w.-]+", text), asset
    katex_css = (built_site.site / "assets/vendor/katex/katex.min.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\(([^)]+)\)", katex_css)
    assert fonts and all(f.endswith(".woff2") for f in fonts)
    for font in fonts:
        assert (built_site.site / "assets/vendor/katex" / font).is_file(), font


def test_search_index_is_inlined_for_file_urls_and_segmented(built_site):
    index = (built_site.site / "search/search_index.js").read_text(encoding="utf-8")
    assert index.startswith("var __index = ")
    docs = json.loads(index.removeprefix("var __index = "))["docs"]
    kkt = next(d for d in docs if d["location"] == "math/kkt.html")
    # jieba splits Chinese text into words at build time, joined by zero-width spaces
    words = re.split(r"[\u200b\s]+", re.sub(r"<[^>]+>", " ", kkt["text"]))
    assert "对偶" in words and "约束" in words


def test_search_index_is_plain_utf8_without_the_resource_index(built_site):
    raw = (built_site.site / "search/search_index.json").read_bytes()
    text = raw.decode("utf-8")
    docs = text[text.index('"docs":') :]  # the config holds the separator regex with \\u200b
    # written as UTF-8, not as 6-byte \\uXXXX escapes per CJK character / U+200B
    assert "\\u200b" not in docs and "\\u5bf9" not in docs
    assert "对偶" in docs and "\u200b" in docs
    inlined = (built_site.site / "search/search_index.js").read_text(encoding="utf-8")
    assert inlined == "var __index = " + text
    locations = {d["location"].split("#")[0] for d in json.loads(text)["docs"]}
    # resources already appear on their topic pages; the 300 KB index page is not searched
    assert "resources.html" not in locations and "math/kkt.html" in locations


# Issue #17: formulas are typeset at build time (about 2 KB of HTML each), so a whole chapter
# on one page was 0.9-1.5 MB and scored 54-68 on Lighthouse mobile; ~140 KB of article scores 96.
MATH_PAGE_MAX_BYTES = 200 * 1024


def test_every_math_page_fits_the_mobile_size_budget(built_site):
    pages = sorted((built_site.site / "math").glob("*.html"))
    names = {p.name for p in pages}
    chapters = ["convex", "duality", "kkt", "gradient-methods", "estimation"]
    assert {f"{c}.html" for c in chapters} <= names
    assert len(pages) > 2 * len(chapters)  # the chapters are split into parts
    for page in pages:
        if page.name != "index.html":  # every part still carries build-time KaTeX
            assert 'class="katex' in page.read_text(encoding="utf-8"), page.name
    sizes = {p.name: p.stat().st_size for p in pages}
    too_big = {name: size for name, size in sizes.items() if size > MATH_PAGE_MAX_BYTES}
    assert too_big == {}, f"split these pages at an h2 (bytes, budget 200 KB): {too_big}"


def test_a_stage_table_of_contents_lists_its_topics_not_their_subsections(built_site):
    html = (built_site.site / "paths/ml-roadmap/ml-engineering.html").read_text(encoding="utf-8")
    h2 = re.findall(r'<h2 id="([^"]+)"', html)
    h3 = re.findall(r'<h3 id="([^"]+)"', html)
    assert len(h2) > 20 and len(h3) > 60  # the page still has every subsection
    sidebar = html[html.index('class="md-nav md-nav--secondary"') :]
    sidebar = sidebar[: sidebar.index("</nav>")]  # a nested list would close here first
    targets = re.findall(r'<a href="#([^"]+)" class="md-nav__link">', sidebar)
    assert targets == h2  # one entry a topic (and the stage's goals), in page order
    # other pages keep their deeper headings in the TOC
    kkt = (built_site.site / "math/kkt.html").read_text(encoding="utf-8")
    kkt_h3 = re.findall(r'<h3 id="([^"]+)"', kkt)
    assert kkt_h3 and f'href="#{kkt_h3[0]}"' in kkt


def test_notebook_pages_have_outputs_and_no_cdn(built_site):
    pages = sorted((built_site.site / "notebooks").glob("*.html"))
    notebooks = [p for p in pages if p.name != "index.html"]
    assert len(notebooks) >= 4
    for page in notebooks:
        html = page.read_text(encoding="utf-8")
        assert 'class="jp-RenderedImage' in html and "<img" in html, page.name  # plots shown
        assert "cdnjs" not in html and "mathjax" not in html.lower(), page.name
        assert not re.search(r'<h[1-6] id="">', html), page.name  # Chinese headings get ids
        assert (built_site.site / "notebooks" / page.name.replace(".html", ".ipynb")).is_file()


def test_internal_links_and_anchors_are_valid(built_site, tmp_path):
    config = tmp_path / "linkcheckerrc"
    # Print pages repeat the stage pages' links, and the question bank's pages carry ~1,000
    # anchors; linkchecker re-parses a page per anchor, so it skips them and the in-process
    # test_every_internal_link_and_anchor_exists_including_print_pages covers them.
    config.write_text(
        "[filtering]\ncheckextern=0\nignore=\n  print\\.html\n  print-[a-z-]+\\.html\n"
        "  /questions/\n[AnchorCheck]\n[output]\nstatus=0\n"
    )
    config.chmod(0o644)
    tmp_path.chmod(0o755)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "linkchecker"),
            f"--config={config}",
            "--no-status",
            str(built_site.site / "index.html"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,  # a wall-clock safety net on a loaded 2-core runner, not a budget
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert re.search(r"\b0 errors found", result.stdout)
    assert re.search(r"\b0 warnings found", result.stdout)


def test_offline_zip_has_one_top_folder_with_index(built_site):
    with zipfile.ZipFile(built_site.zip) as zf:
        names = zf.namelist()
    assert {n.split("/")[0] for n in names} == {"ml-jobbook-offline"}
    assert "ml-jobbook-offline/index.html" in names
    assert (built_site.unzipped / "index.html").is_file()


def test_print_page_per_path_has_every_item_and_is_not_searched(built_site):
    from jobbook.core.render import build_site, path_items

    roadmap = validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs")
    site = build_site(roadmap)
    index = (built_site.site / "search/search_index.json").read_text(encoding="utf-8")
    for path in site.paths:
        html = (built_site.site / f"paths/{path.id}/print.html").read_text(encoding="utf-8")
        items = set(re.findall(r'data-jobbook-item="([^"]+)"', html))
        assert items == set(path_items(site, path))
        assert f"paths/{path.id}/print.html" not in index
        overview = (built_site.site / f"paths/{path.id}/index.html").read_text(encoding="utf-8")
        assert 'href="print.html"' in overview


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        href = a.get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def test_every_internal_link_and_anchor_exists_including_print_pages(built_site):
    """A fast in-process check over every page (linkchecker above is the reference tool)."""
    from urllib.parse import unquote, urldefrag

    parsed = {}
    for page in built_site.html_pages():
        if page.name == "404.html":  # served for missing URLs, so its links are root-absolute
            continue
        parser = _Anchors()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page.resolve()] = parser
    broken = []
    for page, parser in parsed.items():
        for href in parser.hrefs:
            if re.match(r"[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith("//"):
                continue
            target, fragment = urldefrag(href)
            target = target.split("?", 1)[0]  # practice.html?area=… is the same page
            file = (page.parent / unquote(target)).resolve() if target else page
            if not file.exists() or (
                fragment and file.suffix == ".html" and unquote(fragment) not in parsed[file].ids
            ):
                broken.append(f"{page.name}: {href}")
    assert broken == []
