"""Render math at build time with the vendored KaTeX (run in V8 through mini-racer,
in the helper process of :mod:`jobbook.site.offload`).

``pymdownx.arithmatex`` (generic) leaves ``\\( … \\)`` in ``<span class="arithmatex">``
and ``\\[ … \\]`` in ``<div class="arithmatex">``. Rendering them here means readers
download no KaTeX JavaScript and see no layout shift; the page only needs
``katex.min.css`` and its fonts. Output is the same KaTeX HTML + MathML the
browser would produce, with the same version of KaTeX.

Without mini-racer the HTML is returned unchanged and ``jobbook-math.js`` renders
in the browser instead. A formula KaTeX rejects is left as is (the browser shows
KaTeX's error rendering) and reported to the caller.

Typeset formulas are memoised in the process (``mkdocs serve``) and, between builds,
kept in the plugin's ``cache_dir`` (``katex-formulas.json``, keyed by the KaTeX file's
hash and the options), so a rebuild only runs V8 for new or changed formulas.

Every V8 call goes through one worker thread, which keeps them in order and waits for the
helper process. ``prefetch`` hands it a page's formulas as soon as the page's Markdown is
converted, so KaTeX typesets on the second core while the build converts the next pages;
by the time a page is written its formulas are usually in the memo.
"""

from __future__ import annotations

import functools
import hashlib
import html as html_lib
import importlib.util
import itertools
import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jobbook.core.write import file_identity, write_file
from jobbook.site import offload
from jobbook.site.htmlhead import insert_at_head_start

# Attributes after the class are kept (jobbook.site.deferral marks some display formulas).
_MATH = re.compile(
    r'<(span|div) class="arithmatex"([^>]*)>\s*(\\\(|\\\[)(.*?)(\\\)|\\\])\s*</\1>', re.S
)
OPTIONS = {"throwOnError": True, "strict": "ignore", "output": "htmlAndMathml"}


class MathError(ValueError):
    pass


def _v8(katex_js: Path, formulas: list[tuple[str, bool]]) -> list[tuple[bool, str]]:
    """KaTeX in V8, in the helper process (see ``offload``): one call per batch."""
    return offload.run(offload.typeset, str(katex_js), formulas, OPTIONS)


@functools.cache
def available() -> bool:
    """mini-racer is installed (found, not imported: V8 runs in the helper process)."""
    return importlib.util.find_spec("py_mini_racer") is not None


# (tex, display) → (ok, KaTeX HTML or error message); kept across `mkdocs serve` rebuilds.
_MEMO: dict[tuple[str, bool], tuple[bool, str]] = {}
_USED: set[tuple[str, bool]] = set()  # formulas of the current build (what is kept on disk)
# cache file → the formulas it holds, as last read or written by this process: an
# unchanged set is not written again (11 MB of JSON for the real site).
_ON_DISK: dict[str, tuple[set[tuple[str, bool]], tuple[int, int]]] = {}
MAX_MEMO = 50_000


_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobbook-katex")


def _on_worker() -> bool:
    return threading.current_thread().name.startswith("jobbook-katex")


def _typeset(katex_js: Path, formulas: list[tuple[str, bool]]) -> list[tuple[bool, str]]:
    """Runs on the worker: V8 only for formulas not memoised yet (in order of requests)."""
    _USED.update(formulas)
    todo = list(dict.fromkeys(f for f in formulas if f not in _MEMO))
    if todo:
        if len(_MEMO) + len(todo) > MAX_MEMO:
            _MEMO.clear()
        for formula, done in zip(todo, _v8(katex_js, todo), strict=True):
            _MEMO[formula] = done
    return [_MEMO[f] for f in formulas]


def submit(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run ``fn`` on the KaTeX worker, after everything handed to it before."""
    return _WORKER.submit(fn, *args)


def render_all(katex_js: Path, formulas: list[tuple[str, bool]]) -> list[tuple[bool, str]]:
    """Typeset formulas (memoised); each result is (True, html) or (False, error)."""
    if _on_worker():
        return _typeset(katex_js, formulas)
    return _WORKER.submit(_typeset, katex_js, formulas).result()


def formulas_in(html: str) -> list[tuple[str, bool]]:
    return [(html_lib.unescape(m[4]), m[3] == "\\[") for m in _MATH.finditer(html)]


def prefetch(katex_js: Path, html: str) -> None:
    """Start typesetting the formulas of ``html`` on the worker and return at once.

    A failure is not reported here: ``render_math`` meets the same formula again."""
    formulas = formulas_in(html)
    if formulas:
        _WORKER.submit(_typeset, katex_js, formulas)


def _fingerprint(katex_js: Path) -> str:
    """Kept formulas are only valid for the same KaTeX file and the same options."""
    digest = hashlib.sha256(katex_js.read_bytes()).hexdigest()
    return f"{digest} {json.dumps(OPTIONS, sort_keys=True)}"


def load_cache(path: Path, katex_js: Path) -> int:
    """Fill the memo from formulas kept by an earlier build; a stale file is ignored."""
    return _WORKER.submit(_load_cache, path, katex_js).result()


def _load_cache(path: Path, katex_js: Path) -> int:
    _USED.clear()
    _ON_DISK.pop(str(path), None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(data, dict) or data.get("fingerprint") != _fingerprint(katex_js):
        return 0
    kept = data.get("formulas")
    if not isinstance(kept, list) or len(_MEMO) + len(kept) > MAX_MEMO:
        return 0
    on_disk = set()
    for item in kept:
        if isinstance(item, list) and len(item) == 4:
            tex, display, ok, text = item
            if isinstance(tex, str) and isinstance(text, str):
                key = (tex, bool(display))
                _MEMO.setdefault(key, (bool(ok), text))
                on_disk.add(key)
    if len(on_disk) == len(kept):  # a file with broken entries is written anew
        _ON_DISK[str(path)] = (on_disk, file_identity(path))
    return len(on_disk)


def save_cache(path: Path, katex_js: Path) -> int:
    """Keep the formulas this build typeset (others are dropped), atomically."""
    return _WORKER.submit(_save_cache, path, katex_js).result()


def _save_cache(path: Path, katex_js: Path) -> int:
    used = sorted(f for f in _USED if f in _MEMO)
    if not used:
        return 0
    if _ON_DISK.get(str(path)) == (set(used), file_identity(path)):
        return len(used)  # the file already holds exactly these formulas
    formulas = [[tex, display, *_MEMO[(tex, display)]] for tex, display in used]
    payload = {"fingerprint": _fingerprint(katex_js), "formulas": formulas}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    _ON_DISK[str(path)] = (set(used), file_identity(path))
    return len(used)


def render_tex(katex_js: Path, tex: str, display: bool) -> str:
    """KaTeX HTML for one formula; MathError if KaTeX rejects it."""
    ((ok, text),) = render_all(katex_js, [(tex, display)])
    if not ok:
        raise MathError(text)
    return text


def render_math(html: str, katex_js: Path) -> tuple[str, list[str]]:
    """Replace arithmatex elements with KaTeX output; returns (html, errors)."""
    html, errors, _ = typeset_page(html, katex_js)
    return html, errors


def typeset_page(html: str, katex_js: Path) -> tuple[str, list[str], list[str]]:
    """:func:`render_math`, plus the KaTeX fonts its formulas use (:func:`fonts_used`).

    The fonts come from each formula's own HTML, looked up once per formula, instead of
    from every class attribute of the whole page (only KaTeX's CSS, scoped to
    ``.katex``, refers to these fonts).
    """
    formulas = formulas_in(html)
    if not formulas:
        return html, [], []
    results = iter(render_all(katex_js, formulas))
    errors: list[str] = []
    fonts: set[str] = set()

    def replace(m: re.Match[str]) -> str:
        tex = html_lib.unescape(m[4])
        ok, text = next(results)
        if not ok:
            errors.append(f"{tex.strip()[:60]!r}: {text}")
            return m[0]
        found = _FONTS_OF.get(text)
        if found is None:
            if len(_FONTS_OF) >= MAX_MEMO:
                _FONTS_OF.clear()
            found = _FONTS_OF[text] = frozenset(fonts_used(text))
        fonts.update(found)
        return f'<{m[1]} class="arithmatex"{m[2]}>{text}</{m[1]}>'

    html = _MATH.sub(replace, html)
    return html, errors, [font for _, font in _FONT_CLASSES if font in fonts]


_FONTS_OF: dict[str, frozenset[str]] = {}  # a formula's KaTeX HTML → the fonts it needs


# KaTeX class names → the font files they use (katex.min.css). Preloading the fonts a
# page needs lets them arrive with the stylesheet instead of after the first layout,
# which would otherwise shift the text when they swap in.
_FONT_CLASSES = [
    ({"katex"}, "KaTeX_Main-Regular"),
    ({"mathnormal"}, "KaTeX_Math-Italic"),
    ({"boldsymbol"}, "KaTeX_Math-BoldItalic"),
    ({"mathbf", "textbf"}, "KaTeX_Main-Bold"),
    ({"mathit", "textit"}, "KaTeX_Main-Italic"),
    ({"amsrm", "mathbb", "textbb"}, "KaTeX_AMS-Regular"),
    ({"mathcal"}, "KaTeX_Caligraphic-Regular"),
    ({"mathfrak", "textfrak"}, "KaTeX_Fraktur-Regular"),
    ({"mathsf", "textsf"}, "KaTeX_SansSerif-Regular"),
    ({"mathscr"}, "KaTeX_Script-Regular"),
    ({"mathtt", "texttt"}, "KaTeX_Typewriter-Regular"),
    ({"small-op", "delimsizing size1", "delim-size1"}, "KaTeX_Size1-Regular"),
    ({"large-op", "delimsizing size2"}, "KaTeX_Size2-Regular"),
    ({"delimsizing size3"}, "KaTeX_Size3-Regular"),
    ({"delimsizing size4", "delim-size4"}, "KaTeX_Size4-Regular"),
]
_CLASS_ATTR = re.compile(r'class="([^"]*)"')


def fonts_used(html: str) -> list[str]:
    """KaTeX font files (without extension) the rendered formulas in ``html`` need."""
    classes = set(_CLASS_ATTR.findall(html))
    words = {word for value in classes for word in value.split()}
    pairs = {" ".join(p) for v in classes for p in itertools.pairwise(v.split())}
    found = words | pairs
    return [font for names, font in _FONT_CLASSES if names & found]


def add_stylesheet(html: str, href: str, fonts: list[str] | None = None) -> str:
    """Link katex.min.css in <head>, and name the fonts to preload (woff2, next to it).

    The fonts are listed in a ``<meta>`` at the top of <head>; ``jobbook-head.js``
    turns them into ``<link rel="preload" crossorigin>`` when the page is served
    over http(s) (from file:// a CORS preload fails, and the fonts are local anyway).
    """
    base = href.rsplit("/", 1)[0] + "/fonts/" if "/" in href else "fonts/"
    link = f'<link rel="stylesheet" href="{html_lib.escape(href)}">'
    html = html.replace("</head>", link + "</head>", 1)
    if fonts:
        urls = " ".join(html_lib.escape(f"{base}{font}.woff2") for font in fonts)
        meta = f'<meta name="jobbook-preload-fonts" content="{urls}">'
        html = insert_at_head_start(html, meta)
    return html
