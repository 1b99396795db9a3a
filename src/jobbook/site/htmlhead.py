"""Insert elements at the top of a page's <head>, keeping <meta charset> first.

Browsers only honour a charset declaration within the first 1024 bytes, so a
long policy or preload list goes right after it, still before any script.
"""

from __future__ import annotations

import re
from typing import AnyStr

_HEAD_START = re.compile(r"<head\b[^>]*>(\s*<meta charset=[^>]*>)?", re.I)
_HEAD_START_BYTES = re.compile(_HEAD_START.pattern.encode("ascii"), re.I)


def insert_at_head_start(html: AnyStr, element: AnyStr) -> AnyStr:
    """The same for a page as text or as the bytes of its file (no decoding needed)."""
    pattern = _HEAD_START if isinstance(html, str) else _HEAD_START_BYTES
    return pattern.sub(lambda m: m[0] + element, html, count=1)  # type: ignore[arg-type]
