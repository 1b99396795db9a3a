"""Content-Security-Policy ``<meta>`` for the built site.

The policy allows scripts from the site itself plus the exact inline scripts the
theme and the notebooks emit (by SHA-256), so an injected ``<script>``, an inline
event handler or a ``javascript:`` URL does not run, and nothing is loaded from
another origin. Instant navigation keeps the first page's policy for the whole
visit, so every page carries the same policy: the union of all inline scripts.

From ``file://`` Material's search runs in the iframe-worker shim, which writes
one inline script per worker URL into an iframe; those hashes are derived from
the vendored shim source and each page's configured worker URL.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import AnyStr

from jobbook.site.htmlhead import insert_at_head_start

# Bytes: the post-build pass reads every page twice, and decoding it was most of the cost.
# (ASCII case folding: Unicode folding read "<ſcript>" as a script, which no browser does;
# "<scriptä>" now counts as one, which only adds an unused hash.)
_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_LINE_BREAK = re.compile(rb"\r\n?")
_ATTR = re.compile(r"""\b(src|type|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_EXECUTABLE = {"", "text/javascript", "application/javascript", "module"}
_SHIM_DOC = re.compile(r"document\.write\(`(.*?)`\)", re.S)
_SHIM_SCRIPT = re.compile(r"<script>(.*?)<\\?/script>", re.S)
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")

DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' {hashes}",
    "style-src 'self' 'unsafe-inline'",  # KaTeX and notebook output use style attributes
    "img-src 'self' data:",  # Material's icons are data: SVGs in its CSS (mask-image)
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)


def sha256_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _attrs(raw: str) -> dict[str, str]:
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR.finditer(raw)}


def scan_page(html: str | bytes) -> tuple[set[str], set[str]]:
    """Hashes of the page's executable inline scripts, and its search worker URLs.

    ``html``: the page, or the bytes of its UTF-8 file.
    """
    data = html.encode("utf-8") if isinstance(html, str) else html
    hashes: set[str] = set()
    workers: set[str] = set()
    for match in _SCRIPT.finditer(data):
        attrs = _attrs(match[1].decode("utf-8", "replace"))
        if "src" in attrs:
            continue
        # Strict UTF-8 (reading pages as text did the same): a script the browser would read
        # with U+FFFD, and hash differently, stops the build instead of being blocked.
        if attrs.get("type", "").strip().lower() in _EXECUTABLE:
            # Hashed as the browser parses it (and as reading the file as text did): CR LF
            # and a lone CR are LF.
            hashes.add(sha256_source(_LINE_BREAK.sub(b"\n", match[2]).decode("utf-8")))
        elif attrs.get("id") == "__config":
            search = json.loads(match[2].decode("utf-8")).get("search")
            if isinstance(search, str):
                workers.add(search)
    return hashes, workers


def _function_source(js: str, name: str) -> str | None:
    start = js.find(f"function {name}(")
    if start < 0:
        return None
    depth = 0
    for i in range(js.index("{", start), len(js)):
        depth += {"{": 1, "}": -1}.get(js[i], 0)
        if depth == 0:
            return js[start : i + 1]
    return None


def shim_hashes(shim_js: str, worker_urls: Iterable[str]) -> set[str]:
    """Hashes of the inline script the iframe-worker shim writes for each worker URL."""
    document = _SHIM_DOC.search(shim_js)
    script = _SHIM_SCRIPT.search(document[1]) if document else None
    if script is None:
        raise ValueError("iframe-worker shim: inline script template not found")
    template = script[1].replace("\\/", "/").replace("\\`", "`")
    functions = {
        name: _function_source(shim_js, name) for name in set(_PLACEHOLDER.findall(template))
    }
    hashes = set()
    for url in worker_urls:
        text = _PLACEHOLDER.sub(lambda m, url=url: functions[m[1]] or url, template)
        hashes.add(sha256_source(text))
    return hashes


def policy(hashes: Iterable[str]) -> str:
    return "; ".join(DIRECTIVES).replace("{hashes}", " ".join(sorted(hashes)))


def add_meta(html: AnyStr, content: str) -> AnyStr:
    """Insert the policy as the first element of <head>, before any script."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    if isinstance(html, bytes):
        return insert_at_head_start(html, meta.encode("utf-8"))
    return insert_at_head_start(html, meta)


def apply_to_site(site_dir: Path, shim: Path | None) -> str:
    """Add the same policy to every HTML file under ``site_dir``; returns the policy.

    Two passes, one page in memory at a time: the policy needs every page's scripts
    before the first page can be written (a 4,000-page site is gigabytes of HTML).
    """
    pages = sorted(site_dir.rglob("*.html"))
    hashes: set[str] = set()
    workers: set[str] = set()
    for page in pages:
        page_hashes, page_workers = scan_page(page.read_bytes())
        hashes |= page_hashes
        workers |= page_workers
    if shim is not None and shim.is_file():
        hashes |= shim_hashes(shim.read_text(encoding="utf-8"), workers)
    content = policy(hashes)
    for page in pages:
        page.write_bytes(add_meta(page.read_bytes(), content))
    return content
