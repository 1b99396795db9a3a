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


def add_stylesheet(html: str, href: str) -> str:
    """Link katex.min.css in <head> (before the theme's styles are fine: KaTeX scopes its own)."""
    link = f'<link rel="stylesheet" href="{html_lib.escape(href)}">'
    return html.replace("</head>", link + "</head>", 1)
