"""The small markup allowed in question answers: text, ``$math$``, ``$$display$$``, ``code``.

Everything else is escaped. Math is emitted the way ``pymdownx.arithmatex`` (generic)
emits it, so the site typesets it with the same build-time KaTeX as the math pages.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

# $$…$$ first, then $…$ (no newline, not empty), then `code`.
TOKEN = re.compile(r"\$\$(?P<display>.+?)\$\$|\$(?P<inline>[^$\n]+?)\$|`(?P<code>[^`\n]+)`", re.S)


def has_unpaired_dollar(text: str) -> bool:
    """True when a ``$`` is left over after the math spans are taken out."""
    return "$" in text and "$" in TOKEN.sub("", text)  # most text has no math at all


def to_html(text: str) -> Markup:
    """HTML for one answer point: escaped text with math spans and inline code."""
    out: list[str] = []
    pos = 0
    for m in TOKEN.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        if m["display"] is not None:
            out.append(f'<span class="arithmatex">\\[{html.escape(m["display"].strip())}\\]</span>')
        elif m["inline"] is not None:
            out.append(f'<span class="arithmatex">\\({html.escape(m["inline"])}\\)</span>')
        else:
            out.append(f"<code>{html.escape(m['code'])}</code>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return Markup("".join(out).replace("\n", "<br>"))


def to_plain(text: str) -> str:
    """Text for flash-card apps (Anki): math as ``\\(…\\)`` / ``\\[…\\]``, code unquoted."""
    if "$" not in text and "`" not in text:
        return text  # most answer points: nothing to rewrite

    def repl(m: re.Match[str]) -> str:
        if m["display"] is not None:
            return f"\\[{m['display'].strip()}\\]"
        if m["inline"] is not None:
            return f"\\({m['inline']}\\)"
        return m["code"]

    return TOKEN.sub(repl, text)
