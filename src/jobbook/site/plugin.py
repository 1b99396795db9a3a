"""The ``jobbook`` MkDocs plugin: pages rendered from the roadmap YAML, and the
HTML post-processing of the whole site (math, notebooks, print pages, CSP).

Registered as the ``mkdocs.plugins`` entry point ``jobbook``. Validation,
rendering and nav building live in :mod:`jobbook.core`; this module adapts them
to MkDocs. State lives on the instance: because the class defines
``on_startup``, MkDocs keeps one instance across ``mkdocs serve`` rebuilds.
"""

from __future__ import annotations

import json
import logging
import posixpath
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jinja2 import Environment
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from jobbook.core import bankdata, heap, renames
from jobbook.core.render import (
    Page,
    backlinks,
    backlinks_markdown,
    build_site,
    doc_titles,
    nav_for,
    practice_index,
    questions_by_area,
    render_pages,
    stage_page,
    topic_pages,
)
from jobbook.core.templatecache import TEMPLATE_CACHE
from jobbook.core.validate import Roadmap, validate_dir
from jobbook.site import mathrender, offload
from jobbook.site.a11y import label_search_dialog
from jobbook.site.cjk import join_cjk_lines
from jobbook.site.csp import apply_to_site as apply_csp
from jobbook.site.deferral import defer_blocks, defer_cells
from jobbook.site.navprune import prune as prune_nav
from jobbook.site.navprune import squeeze as squeeze_chrome
from jobbook.site.notebooks import (
    add_actions,
    cell_sources,
    classes_in,
    compact_code,
    extract_images,
    fix_doc_links,
    link_stylesheet,
    notebook_css_kept,
    patch_mkdocs_jupyter,
    raw_tex,
    run_links,
    split_styles,
    strip_cdn_scripts,
    styled_tokens,
    stylesheet_name,
)
from jobbook.site.printpage import MissingPage
from jobbook.site.printpage import assemble as assemble_print_page
from jobbook.site.searchindex import write_index_utf8
from jobbook.site.speedups import (
    forget_pending,
    load_segments,
    memoise_search_entries,
    memoise_search_segmentation,
    prefetch_segments,
    save_segments,
)

log = logging.getLogger("mkdocs.plugins.jobbook")
# Long hand-written math chapters: their blocks below the first screens render when the
# reader nears them (jobbook.site.deferral).
DEFERRED_SECTIONS = ("math/",)


def _drop_toc_levels(items: Any, deeper_than: int) -> None:
    """Remove table-of-contents entries of headings below level ``deeper_than``."""
    for item in items:
        item.children = [c for c in item.children if c.level <= deeper_than]
        _drop_toc_levels(item.children, deeper_than)


class JobbookConfig(base.Config):
    roadmap_dir = c.Type(str, default="roadmap")
    """Folder of the roadmap YAML, relative to mkdocs.yml."""
    cache_dir = c.Type(str, default=".cache/jobbook")
    """Where build caches (jieba segmentations) are kept between builds."""
    math = c.Choice(("build", "browser"), default="build")
    """``build``: typeset formulas with the theme's vendored KaTeX at build time."""
    csp = c.Type(bool, default=True)
    """Add a Content-Security-Policy meta to every page (not under ``mkdocs serve``)."""
    print_pages = c.Type(bool, default=True)
    """One printable page per path (``paths/<id>/print.html``)."""
    branch = c.Type(str, default="main")
    """Branch of ``repo_url`` that Colab and Binder open notebooks from."""
    issues = c.Type(bool, default=True)
    """"报告错误" links on questions (needs a GitHub ``repo_url``)."""


def _expand(nav: Any, fragments: dict[str, list[object]]) -> Any:
    """Replace ``"@jobbook/..."`` placeholders in the configured nav."""
    if isinstance(nav, list):
        return [_expand(item, fragments) for item in nav]
    if isinstance(nav, dict):
        return {key: _expand(value, fragments) for key, value in nav.items()}
    if isinstance(nav, str) and nav.startswith("@jobbook/"):
        if nav not in fragments:
            raise PluginError(f"mkdocs.yml: 未知的导航占位符 {nav}")
        return fragments[nav]
    return nav


def _segments_with_default_jieba(config: MkDocsConfig) -> bool:
    """Material's search segments Chinese here with jieba's own dictionary.

    A custom dictionary is loaded into this process's jieba only, so then the helper
    process must not cut runs ahead."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is None or not type(search).__module__.startswith("material.plugins.search"):
        return False  # MkDocs' own search does not segment Chinese
    if not search.config.get("enabled", True):
        return False
    if search.config.get("jieba_dict") or search.config.get("jieba_dict_user"):
        return False
    try:
        import jieba  # noqa: F401
    except ImportError:
        return False
    return True


class JobbookPlugin(BasePlugin[JobbookConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.pages: list[Page] = []
        self.backlinks: dict[str, list[tuple[str, str]]] = {}
        self.assembled: set[str] = set()
        self.stage_pages: set[str] = set()
        self.files: Files | None = None
        self.data_files: dict[str, str] = {}
        self.segments_file = Path(".cache/jobbook/search-segments.json")
        self.math_cache = Path(".cache/jobbook/katex-formulas.json")
        # Notebook pages: their shared stylesheet(s) and the classes they use (for pruning).
        self.notebook_css: dict[str, list[str]] = {}
        self._chunks: Future[dict[str, str]] | None = None
        self.segment_ahead = False
        self.notebook_classes: set[str] = set()
        self._katex_lookup: tuple[str | None, Path | None] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.notebook_css = {}
        self.notebook_classes = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._katex_lookup = None  # `mkdocs serve`: the theme folder may have changed
        if "mkdocs-jupyter" in config.plugins:
            patch_mkdocs_jupyter()
        memoise_search_segmentation()
        self.segment_ahead = _segments_with_default_jieba(config)
        if self.command == "serve":  # replaying entries only pays off across rebuilds
            memoise_search_entries()
        root = Path(config.config_file_path).parent
        self.segments_file = root / self.config.cache_dir / "search-segments.json"
        load_segments(self.segments_file)
        self.math_cache = root / self.config.cache_dir / "katex-formulas.json"
        katex_js = self._katex_js(config)
        if self.config.math == "build" and katex_js is not None:
            mathrender.load_cache(self.math_cache, katex_js)  # formulas of the last build
        docs_dir = Path(config.docs_dir)
        with heap.collector_paused():
            roadmap = validate_dir(root / self.config.roadmap_dir, root, docs_dir)
            # It lives until the build ends: the collector skips it. Not in `mkdocs serve`,
            # where the previous build's cyclic garbage could be frozen again, build after build.
            if not roadmap.issues and self.command != "serve":
                heap.freeze()
        if roadmap.issues:
            lines = "\n".join(str(issue) for issue in roadmap.issues)
            raise PluginError(f"路线图数据有 {len(roadmap.issues)} 个问题：\n{lines}")
        try:
            return self._render(config, roadmap, docs_dir)
        except BaseException:
            heap.thaw()
            raise

    def _render(self, config: MkDocsConfig, roadmap: Roadmap, docs_dir: Path) -> MkDocsConfig:
        repo = config.repo_url if self.config.issues else None
        site = build_site(roadmap)  # one resolved view for the pages, the data and the nav
        pages = render_pages(
            roadmap,
            doc_titles(docs_dir),
            print_skeletons=True,
            print_pages=self.config.print_pages,
            repo_url=repo if repo and "github.com" in repo else None,
            site=site,
        )
        self.pages = pages
        self.data_files = renames.data_files((f.rel, f.raw) for f in roadmap.files)
        # Data that grows with the roadmap ships as <script src> files, not inline JSON.
        self.data_files[bankdata.TOPIC_PAGES_FILE] = bankdata.event_script(
            "jobbook:topic-pages", topic_pages(site, "progress.md")
        )
        if site.questions:
            self.data_files[bankdata.INDEX_FILE] = bankdata.event_script(
                "jobbook:practice-index", practice_index(site)
            )
            groups = questions_by_area(site)
            typeset = self._typesetter(config)
            if typeset is None:
                self.data_files |= bankdata.practice_chunks(groups)
            else:
                # The cards' math typesets on the KaTeX worker while the pages convert;
                # the files get their content in on_env.
                self._chunks = mathrender.submit(bankdata.practice_chunks, groups, typeset)
                self.data_files |= {bankdata.chunk_path(area): "" for area, _ in groups}
        self.backlinks = backlinks(roadmap, site)
        self.stage_pages = {stage_page(p, s) for p in site.paths for s in p.stages}
        if config.nav:
            config.nav = _expand(config.nav, nav_for(pages, roadmap, site))
        return config

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env.bytecode_cache = TEMPLATE_CACHE  # `mkdocs serve`: don't recompile the theme per edit
        if self._chunks is not None:  # every page is converted; files are copied next
            for path, content in self._chunks.result().items():
                self.data_files[path] = content
                file = files.get_file_from_path(path)
                if file is not None:
                    file.content_string = content
            self._chunks = None
        return env

    def on_page_content(
        self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        if page.file.src_uri.startswith(DEFERRED_SECTIONS):
            html = defer_blocks(html)
        if self.segment_ahead and not (page.meta.get("search") or {}).get("exclude"):
            prefetch_segments(html, str(page.title or ""))  # cut on the helper meanwhile
        katex_js = self._katex_js(config)
        if self.config.math == "build" and katex_js is not None and mathrender.available():
            mathrender.prefetch(katex_js, html)  # typeset beside the next pages' Markdown
        return html

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        docs_rel = posixpath.relpath(config.docs_dir, Path(config.config_file_path).parent)
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"docs/{page.path} 与自动生成的页面重名，请改名")
            file = File.generated(config, page.path, content=page.content)
            if page.source:
                # "Edit this page" opens the YAML the page comes from (relative to docs/).
                file.edit_uri = posixpath.relpath(page.source, docs_rel)
            files.append(file)
        for path, content in self.data_files.items():
            if path.endswith(".js"):
                files.append(File.generated(config, path, content=content))
        self.assembled = {p.path for p in self.pages if p.assembled}
        self.files = files
        return files

    def on_page_context(
        self, context: dict[str, Any], *, page: MkPage, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any]:
        # A generated page's edit_uri climbs out of docs/ ("../roadmap/x.yml"); MkDocs keeps
        # the dot segments when edit_uri is absolute, so resolve them here.
        if page.edit_url and "/../" in page.edit_url:
            parts = urlsplit(page.edit_url)
            page.edit_url = urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))
        # Long path/topic sections list only the reader's own entry (see navprune.py).
        context["nav"] = prune_nav(nav)
        if page.file.src_uri in self.stage_pages:
            # A stage's table of contents lists its topics: each topic's four subsections
            # (知识要点, 学习资源, 自我检测, 面试题) are the same words 20 times over on a long
            # stage, and Material writes the TOC twice (drawer and sidebar): 94 → 25 entries
            # and 146 → ~125 KB for the largest stage page.
            _drop_toc_levels(page.toc, deeper_than=2)
        return context

    def on_page_markdown(
        self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        links = self.backlinks.get(page.file.src_uri)
        if links:
            markdown += backlinks_markdown(page.file.src_uri, links)
        return join_cjk_lines(markdown)

    def _rendered(self, uri: str) -> str | None:
        file = self.files.get_file_from_path(uri) if self.files is not None else None
        return file.page.content if file is not None and file.page is not None else None

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str:
        if page.file.src_uri in self.assembled:
            # All pages were converted before any is written, so the stages are ready.
            try:
                output = assemble_print_page(output, page.file.src_uri, self._rendered)
            except MissingPage as exc:
                raise PluginError(f"{page.file.src_uri}: 缺少页面内容 {exc}") from exc
        if page.file.src_uri.endswith(".ipynb"):
            output = strip_cdn_scripts(output)
            docs_rel = posixpath.relpath(config.docs_dir, Path(config.config_file_path).parent)
            runs = run_links(page.file.src_uri, config.repo_url, self.config.branch, docs_rel)
            offline = config.plugins.get("offline")
            is_offline = bool(offline and getattr(offline, "config", {}).get("enabled", False))
            output = add_actions(output, page.file.src_uri, runs, is_offline)
            output = self._lighten_notebook(output, page, config)
        # The practice page shows cards typeset at build time: it needs KaTeX's stylesheet.
        needs_math = 'class="arithmatex"' in output or page.file.src_uri == "practice.md"
        if self.config.math == "build" and needs_math and mathrender.available():
            output = self._prerender_math(output, page, config)
            if page.file.src_uri.endswith(".ipynb"):
                for tex in raw_tex(output):
                    log.warning(f"{page.file.src_uri}: Markdown 单元格中的公式没有排版：{tex!r}")
        # Raw-HTML links (notebooks, the roadmap graph) are not rewritten by MkDocs.
        return squeeze_chrome(label_search_dialog(fix_doc_links(output)))

    def on_build_error(self, *, error: Exception) -> None:
        heap.thaw()
        forget_pending()  # nothing of a failed build is waited for
        if self.command != "serve":
            offload.shutdown(cancel=True)  # nor at exit

    def _lighten_notebook(self, output: str, page: MkPage, config: MkDocsConfig) -> str:
        """Inline Jupyter CSS → one shared stylesheet; embedded plots → files next to the page."""
        here = posixpath.dirname(page.file.dest_uri) or "."
        output, blocks = split_styles(output)
        output = compact_code(output, styled_tokens(blocks))
        if blocks:
            name = stylesheet_name(blocks)
            self.notebook_css.setdefault(name, blocks)
            output = link_stylesheet(output, posixpath.relpath(name, here))
        stem = posixpath.splitext(posixpath.basename(page.file.dest_uri))[0]
        source = Path(page.file.abs_src_path or "")
        sources = cell_sources(json.loads(source.read_bytes())) if source.is_file() else {}
        output, images = extract_images(output, stem, sources)
        for rel, data in images.items():
            path = Path(config.site_dir, here, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        output = defer_cells(output)
        self.notebook_classes |= classes_in(output)
        return output

    def _katex_js(self, config: MkDocsConfig) -> Path | None:
        """The vendored KaTeX script, looked up once per build (asked for on every page)."""
        custom_dir = config.theme.custom_dir
        if self._katex_lookup is None or self._katex_lookup[0] != custom_dir:
            katex_js = Path(custom_dir) / "assets/vendor/katex/katex.min.js" if custom_dir else None
            self._katex_lookup = (custom_dir, katex_js if katex_js and katex_js.is_file() else None)
        return self._katex_lookup[1]

    def _typesetter(self, config: MkDocsConfig) -> bankdata.Typeset | None:
        """Typeset the practice cards' math like the pages' (one V8 call for all cards)."""
        katex_js = self._katex_js(config)
        if self.config.math != "build" or katex_js is None or not mathrender.available():
            return None

        def typeset(fields: list[str]) -> list[str]:
            html, errors = mathrender.render_math("\x00".join(fields), katex_js)
            for error in errors:
                log.warning(f"题库：KaTeX 无法渲染公式 {error}")
            return html.split("\x00")

        return typeset

    def _prerender_math(self, output: str, page: MkPage, config: MkDocsConfig) -> str:
        katex_js = self._katex_js(config)
        if katex_js is None:
            return output  # no vendored KaTeX in this theme: the browser renders
        output, errors, fonts = mathrender.typeset_page(output, katex_js)
        for error in errors:
            log.warning(f"{page.file.src_uri}: KaTeX 无法渲染公式 {error}")
        css = posixpath.relpath(
            "assets/vendor/katex/katex.min.css", posixpath.dirname(page.file.dest_uri) or "."
        )
        return mathrender.add_stylesheet(output, css, fonts)

    # After the search plugin wrote its index (priority 0), before the offline plugin
    # (priority -100) inlines it into search_index.js.
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        for name, blocks in sorted(self.notebook_css.items()):
            css = site_dir / name
            css.parent.mkdir(parents=True, exist_ok=True)
            kept = self.segments_file.parent / f"notebook-{posixpath.basename(name)}.json"
            css.write_text(notebook_css_kept(blocks, self.notebook_classes, kept), encoding="utf-8")
        write_index_utf8(site_dir)
        save_segments(self.segments_file)
        katex_js = self._katex_js(config)
        if self.config.math == "build" and katex_js is not None:
            mathrender.save_cache(self.math_cache, katex_js)
        if self.command != "serve":  # `mkdocs serve` keeps it for the next rebuild
            offload.shutdown()
        # `mkdocs serve` injects an inline live-reload script, which the policy would block.
        if self.config.csp and self.command != "serve":
            polyfills = config.extra.get("polyfills", [])
            shim = next((p for p in polyfills if "iframe-worker" in p), None)
            apply_csp(site_dir, site_dir / shim if shim else None)
        heap.thaw()  # the build's objects are ordinary garbage from now on
