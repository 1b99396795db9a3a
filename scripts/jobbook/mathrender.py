"""Render math at build time with the vendored KaTeX (run in V8 through mini-racer).

``pymdownx.arithmatex`` (generic) leaves ``\\( … \\)`` in ``<span class="arithmatex">``
and ``\\[ … \\]`` in ``<div class="arithmatex">``. Rendering them here means readers
download no KaTeX JavaScript and see no layout shift; the page only needs
``katex.min.css`` and its fonts. Output is the same KaTeX HTML + MathML the
browser would produce, with the same version of KaTeX.

Without mini-racer the HTML is returned unchanged and ``jobbook-math.js`` renders
in the browser instead. A formula KaTeX rejects is left as is (the browser shows
KaTeX's error rendering) and reported to the caller.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

_MATH = re.compile(r'<(span|div) class="arithmatex">\s*(\\\(|\\\[)(.*?)(\\\)|\\\])\s*</\1>', re.S)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
OPTIONS = {"throwOnError": True, "strict": "ignore", "output": "htmlAndMathml"}


class MathError(ValueError):
    pass


@lru_cache(maxsize=2)
def _engine(katex_js: Path) -> Any:
    from py_mini_racer import MiniRacer

    ctx = MiniRacer()
    ctx.eval(katex_js.read_text(encoding="utf-8"))
    ctx.eval(
        "function jobbookRender(tex, display, options) {"
        " return katex.renderToString(tex, Object.assign({displayMode: display}, options)); }"
    )
    return ctx


def available() -> bool:
    try:
        import py_mini_racer  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=20_000)
def render_tex(katex_js: Path, tex: str, display: bool) -> str:
    """KaTeX HTML for one formula (memoised: `mkdocs serve` rebuilds reuse it)."""
    from py_mini_racer import JSEvalException

    try:
        return str(_engine(katex_js).call("jobbookRender", tex, display, OPTIONS))
    except JSEvalException as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "KaTeX error"
        raise MathError(message) from None


def render_math(html: str, katex_js: Path) -> tuple[str, list[str]]:
    """Replace arithmatex elements with KaTeX output; returns (html, errors)."""
    errors: list[str] = []

    def replace(m: re.Match[str]) -> str:
        tag, tex = m[1], html_lib.unescape(m[3])
        display = m[2] == "\\["
        try:
            rendered = render_tex(katex_js, tex, display)
        except MathError as exc:
            errors.append(f"{tex.strip()[:60]!r}: {exc}")
            return m[0]
        return f'<{tag} class="arithmatex">{rendered}</{tag}>'

    return _MATH.sub(replace, html), errors


# KaTeX class names → the font files they use (katex.min.css). Preloading the fonts a
# page needs lets them arrive with the stylesheet instead of after the first layout,
# which would otherwise shift the text when they swap in.
_FONT_CLASSES = [
    (re.compile(r'class="katex"'), "KaTeX_Main-Regular"),
    (re.compile(r"\bmathnormal\b"), "KaTeX_Math-Italic"),
    (re.compile(r"\bboldsymbol\b"), "KaTeX_Math-BoldItalic"),
    (re.compile(r"\b(?:mathbf|textbf)\b"), "KaTeX_Main-Bold"),
    (re.compile(r"\b(?:mathit|textit)\b"), "KaTeX_Main-Italic"),
    (re.compile(r"\b(?:amsrm|mathbb|textbb)\b"), "KaTeX_AMS-Regular"),
    (re.compile(r"\bmathcal\b"), "KaTeX_Caligraphic-Regular"),
    (re.compile(r"\b(?:mathfrak|textfrak)\b"), "KaTeX_Fraktur-Regular"),
    (re.compile(r"\b(?:mathsf|textsf)\b"), "KaTeX_SansSerif-Regular"),
    (re.compile(r"\bmathscr\b"), "KaTeX_Script-Regular"),
    (re.compile(r"\b(?:mathtt|texttt)\b"), "KaTeX_Typewriter-Regular"),
    (re.compile(r"small-op|delimsizing size1|delim-size1"), "KaTeX_Size1-Regular"),
    (re.compile(r"large-op|delimsizing size2"), "KaTeX_Size2-Regular"),
    (re.compile(r"delimsizing size3"), "KaTeX_Size3-Regular"),
    (re.compile(r"delimsizing size4|delim-size4"), "KaTeX_Size4-Regular"),
]


def fonts_used(html: str) -> list[str]:
    """KaTeX font files (without extension) the rendered formulas in ``html`` need."""
    return [font for pattern, font in _FONT_CLASSES if pattern.search(html)]


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
        html = _HEAD.sub(lambda m: m[0] + meta, html, count=1)
    return html
