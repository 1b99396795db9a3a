"""Build-time speed-ups that matter for `mkdocs serve` (rebuild after every edit).

Material's search plugin segments every section's Chinese text with jieba on
every build. Within one process (``mkdocs serve``) most sections are unchanged
between rebuilds, so the segmentation of a given text is memoised.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

MAX_ENTRIES = 50_000


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
