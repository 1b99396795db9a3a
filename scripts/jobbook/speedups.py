"""Build-time speed-ups that matter for `mkdocs serve` (rebuild after every edit).

Material's search plugin segments every section's Chinese text with jieba on
every build. Within one process (``mkdocs serve``) most sections are unchanged
between rebuilds, so the segmentation of a given text is memoised.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

MAX_ENTRIES = 50_000
MAX_PAGES = 20_000


def memoise_search_segmentation() -> bool:
    """Wrap SearchIndex._segment_chinese with a bounded cache; idempotent."""
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return False
    original = getattr(SearchIndex, "_segment_chinese", None)
    if original is None or getattr(original, "_jobbook_memoised", False):
        return original is not None
    cache: OrderedDict[str, str] = OrderedDict()

    def segment(self: Any, data: str) -> str:
        result = cache.get(data)
        if result is None:
            result = original(self, data)
            cache[data] = result
            if len(cache) > MAX_ENTRIES:
                cache.popitem(last=False)
        else:
            cache.move_to_end(data)
        return result

    segment._jobbook_memoised = True  # type: ignore[attr-defined]
    SearchIndex._segment_chinese = segment  # type: ignore[method-assign]
    return True


class MemoryBytecodeCache(BytecodeCache):
    """Compiled Jinja templates kept in memory across rebuilds in one process.

    MkDocs creates a new theme environment for every build, so `mkdocs serve`
    would otherwise recompile every template after each edit. Entries are keyed
    by template name and source checksum, so an edited template is recompiled.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


def _toc_signature(toc: Any) -> tuple[Any, ...]:
    return tuple((item.id, item.url, _toc_signature(item.children)) for item in toc or ())


def memoise_search_entries() -> bool:
    """Reuse a page's search entries when its HTML, TOC and metadata are unchanged.

    The search plugin re-parses every page's HTML on every rebuild; in `mkdocs
    serve` an edit changes a few pages, so the others replay their entries.
    """
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return False
    original = getattr(SearchIndex, "add_entry_from_context", None)
    if original is None or getattr(original, "_jobbook_memoised", False):
        return original is not None
    cache: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()

    def add_entry_from_context(self: Any, page: Any) -> None:
        key = (
            page.url,
            str(page.title),
            repr(sorted(page.meta.items())),
            hashlib.sha256(page.content.encode()).digest(),
            _toc_signature(page.toc),
        )
        cached = cache.get(key)
        if cached is None:
            start = len(self.entries)
            original(self, page)
            cache[key] = copy.deepcopy(self.entries[start:])
            if len(cache) > MAX_PAGES:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
            self.entries.extend(copy.deepcopy(cached))

    add_entry_from_context._jobbook_memoised = True  # type: ignore[attr-defined]
    SearchIndex.add_entry_from_context = add_entry_from_context  # type: ignore[method-assign]
    return True
