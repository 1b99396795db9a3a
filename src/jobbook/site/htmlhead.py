"""Insert elements at the top of a page's <head>, keeping <meta charset> first.

Browsers only honour a charset declaration within the first 1024 bytes, so a
long policy or preload list goes right after it, still before any script.
"""

from __future__ import annotations

import re

_HEAD_START = re.compile(r"<head\b[^>]*>(\s*<meta charset=[^>]*>)?", re.I)


def insert_at_head_start(html: str, element: str) -> str:
    return _HEAD_START.sub(lambda m: m[0] + element, html, count=1)
