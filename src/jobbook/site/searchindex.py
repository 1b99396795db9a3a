"""Post-process Material's search index after the build."""

from __future__ import annotations

import json
from pathlib import Path

from jobbook.core.write import write_file


def write_index_utf8(site_dir: Path) -> tuple[int, int] | None:
    """Rewrite ``search/search_index.json`` as UTF-8 instead of ``\\uXXXX`` escapes.

    Material dumps the index with ``ensure_ascii=True``: every CJK character and
    every U+200B separator inserted by jieba becomes six bytes. Returns the size
    before and after, or None when there is no index (search disabled).
    """
    path = site_dir / "search" / "search_index.json"
    if not path.is_file():
        return None
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_file(path, text)
    return len(raw.encode()), len(text.encode())
