"""MkDocs hook: add the pages rendered from roadmap/*.yml to the build.

Listed under ``hooks:`` in mkdocs.yml. It only adapts ``jobbook`` to MkDocs:
validation, rendering and nav building live in the package.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from jobbook import mathrender
from jobbook.a11y import label_search_dialog
from jobbook.cjk import join_cjk_lines
from jobbook.csp import apply_to_site as apply_csp
from jobbook.notebooks import fix_doc_links, patch_mkdocs_jupyter, strip_cdn_scripts
from jobbook.printpage import MissingPage
from jobbook.printpage import assemble as assemble_print_page
from jobbook.render import Page, backlinks, backlinks_markdown, doc_titles, nav_for, render_pages
from jobbook.searchindex import write_index_utf8
from jobbook.speedups import (
    TEMPLATE_CACHE,
    load_segments,
    memoise_search_entries,
    memoise_search_segmentation,
    save_segments,
)
from jobbook.validate import validate_dir

log = logging.getLogger("mkdocs.plugins.jobbook")
_pages: list[Page] = []
_sources: dict[str, str] = {}
_backlinks: dict[str, list[tuple[str, str]]] = {}
_command = ["build"]
_assembled: set[str] = set()
_files: list[Files | None] = [None]
_segments_file: list[Path] = [Path(".cache/jobbook/search-segments.json")]


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


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if "mkdocs-jupyter" in config.plugins:
        patch_mkdocs_jupyter()
    memoise_search_segmentation()
    if _command[0] == "serve":  # replaying entries only pays off across rebuilds
        memoise_search_entries()
    root = Path(config.config_file_path).parent
    _segments_file[0] = root / ".cache" / "jobbook" / "search-segments.json"
    load_segments(_segments_file[0])
    docs_dir = Path(config.docs_dir)
    roadmap = validate_dir(root / "roadmap", root, docs_dir)
    if roadmap.issues:
        lines = "\n".join(str(issue) for issue in roadmap.issues)
        raise PluginError(f"路线图数据有 {len(roadmap.issues)} 个问题：\n{lines}")
    pages = render_pages(roadmap, doc_titles(docs_dir), print_skeletons=True)
    _pages[:] = pages
    _backlinks.clear()
    _backlinks.update(backlinks(roadmap))
    _sources.clear()
    _sources.update({p.path: p.source for p in pages if p.source})
    if config.nav:
        config.nav = _expand(config.nav, nav_for(pages, roadmap))
    return config


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.bytecode_cache = TEMPLATE_CACHE  # `mkdocs serve`: don't recompile the theme per edit
    return env


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for page in _pages:
        if files.get_file_from_path(page.path) is not None:
            raise PluginError(f"docs/{page.path} 与自动生成的页面重名，请改名")
        files.append(File.generated(config, page.path, content=page.content))
    _assembled.clear()
    _assembled.update(p.path for p in _pages if p.assembled)
    _files[0] = files
    return files


def on_page_context(
    context: dict[str, Any], page: MkPage, config: MkDocsConfig, nav: Any
) -> dict[str, Any]:
    source = _sources.get(page.file.src_uri)
    if source and config.edit_uri:
        docs_rel = posixpath.relpath(config.docs_dir, Path(config.config_file_path).parent)
        page.edit_url = urljoin(config.edit_uri, posixpath.relpath(source, docs_rel))
    return context


def on_page_markdown(markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    links = _backlinks.get(page.file.src_uri)
    if links:
        markdown += backlinks_markdown(page.file.src_uri, links)
    return join_cjk_lines(markdown)


def _rendered(uri: str) -> str | None:
    file = _files[0].get_file_from_path(uri) if _files[0] is not None else None
    return file.page.content if file is not None and file.page is not None else None


def on_post_page(output: str, page: MkPage, config: MkDocsConfig) -> str:
    if page.file.src_uri in _assembled:
        # All pages were converted before any is written, so the stages are ready.
        try:
            output = assemble_print_page(output, page.file.src_uri, _rendered)
        except MissingPage as exc:
            raise PluginError(f"{page.file.src_uri}: 缺少页面内容 {exc}") from exc
    if page.file.src_uri.endswith(".ipynb"):
        output = strip_cdn_scripts(output)
    if 'class="arithmatex"' in output and mathrender.available():
        output = _prerender_math(output, page, config)
    # Raw-HTML links (notebooks, the roadmap graph) are not rewritten by MkDocs.
    return label_search_dialog(fix_doc_links(output))


def _prerender_math(output: str, page: MkPage, config: MkDocsConfig) -> str:
    katex_js = Path(config.theme.custom_dir or "") / "assets/vendor/katex/katex.min.js"
    if not config.theme.custom_dir or not katex_js.is_file():
        return output  # no vendored KaTeX in this theme: the browser renders
    output, errors = mathrender.render_math(output, katex_js)
    for error in errors:
        log.warning(f"{page.file.src_uri}: KaTeX 无法渲染公式 {error}")
    css = posixpath.relpath(
        "assets/vendor/katex/katex.min.css", posixpath.dirname(page.file.dest_uri) or "."
    )
    return mathrender.add_stylesheet(output, css, mathrender.fonts_used(output))


def on_startup(command: str, dirty: bool) -> None:
    _command[0] = command


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    # After the search plugin wrote the index, before the offline plugin (priority -100)
    # inlines it into search_index.js.
    write_index_utf8(site_dir)
    save_segments(_segments_file[0])
    # `mkdocs serve` injects an inline live-reload script, which the policy would block.
    if _command[0] != "serve":
        shim = next((p for p in config.extra.get("polyfills", []) if "iframe-worker" in p), None)
        apply_csp(site_dir, site_dir / shim if shim else None)
