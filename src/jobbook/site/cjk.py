"""Chinese text in Markdown: a line break between two CJK characters is not a space."""

from __future__ import annotations

import re

_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
_BREAK = re.compile(rf"(?<={_CJK})\n[ \t]*(?={_CJK})")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def join_cjk_lines(markdown: str) -> str:
    """Join soft line breaks between CJK characters, leaving fenced code untouched."""
    out: list[str] = []
    block: list[str] = []
    in_fence = False
    for line in markdown.splitlines(keepends=True):
        if _FENCE.match(line):
            if not in_fence:
                out.append(_BREAK.sub("", "".join(block)))
                block = []
            in_fence = not in_fence
            out.append(line)
        elif in_fence:
            out.append(line)
        else:
            block.append(line)
    out.append(_BREAK.sub("", "".join(block)))
    return "".join(out)
