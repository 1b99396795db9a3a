"""Build-time speed-ups that matter for `mkdocs serve` (rebuild after every edit).

Material's search plugin segments every section's Chinese text with jieba on
every build. Within one process (``mkdocs serve``) most sections are unchanged
between rebuilds, so the segmentation of a given text is memoised; between
builds the memo is kept in ``.cache/jobbook/`` (like mkdocs-jupyter's cache), so
an unchanged site does not even load jieba's dictionary.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jobbook.core.write import write_file
from jobbook.site.patch import target

MAX_ENTRIES = 50_000
MAX_PAGES = 20_000
_SEGMENTS: OrderedDict[str, str] = OrderedDict()
_USED: set[str] = set()


def _wrap_search_index(name: str, params: tuple[str, ...], wrap: Callable[[Any], Any]) -> bool:
    """Replace ``SearchIndex.<name>`` by ``wrap(original)`` once.

    Raises :class:`~jobbook.site.patch.PatchTargetMissing` (the build stops) when the
    installed Material has no such method or it takes other parameters.
    """
    SearchIndex = target("mkdocs-material", "material.plugins.search.plugin", "SearchIndex")
    original = target(
        "mkdocs-material", "material.plugins.search.plugin", f"SearchIndex.{name}", params
    )
    if not getattr(original, "_jobbook_memoised", False):
        wrapped = wrap(original)
        wrapped._jobbook_memoised = True
        setattr(SearchIndex, name, wrapped)
    return True


def memoise_search_segmentation() -> bool:
    """Wrap SearchIndex._segment_chinese with a bounded cache; idempotent."""
    return _wrap_search_index("_segment_chinese", ("self", "data"), _memoised_segmentation)


def _memoised_segmentation(original: Any) -> Any:
    cache = _SEGMENTS

    def segment(self: Any, data: str) -> str:
        _USED.add(data)
        result = cache.get(data)
        if result is None:
            result = original(self, data)
            cache[data] = result
            if len(cache) > MAX_ENTRIES:
                cache.popitem(last=False)
        else:
            cache.move_to_end(data)
        return result

    return segment


def _fingerprint() -> str:
    """Segmentations are only valid for the same jieba and Material versions."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("jieba", "mkdocs-material"):
        try:
            parts.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}==?")
    return " ".join(parts)


def load_segments(path: Path) -> int:
    """Fill the segmentation memo from ``path``; a missing or stale file is ignored."""
    _USED.clear()
    if _SEGMENTS:
        return 0  # already warm in this process (mkdocs serve)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(data, dict) or data.get("fingerprint") != _fingerprint():
        return 0
    segments = data.get("segments")
    if not isinstance(segments, dict):
        return 0
    _SEGMENTS.update((k, v) for k, v in segments.items() if isinstance(v, str))
    return len(_SEGMENTS)


def save_segments(path: Path) -> int:
    """Keep the segmentations this build used (others are dropped), atomically."""
    used = {text: _SEGMENTS[text] for text in sorted(_USED) if text in _SEGMENTS}
    if not used:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"fingerprint": _fingerprint(), "segments": used}
    write_file(path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    return len(used)


def _toc_signature(toc: Any) -> tuple[Any, ...]:
    return tuple((item.id, item.url, _toc_signature(item.children)) for item in toc or ())


def memoise_search_entries() -> bool:
    """Reuse a page's search entries when its HTML, TOC and metadata are unchanged.

    The search plugin re-parses every page's HTML on every rebuild; in `mkdocs
    serve` an edit changes a few pages, so the others replay their entries.
    """
    return _wrap_search_index("add_entry_from_context", ("self", "page"), _memoised_entries)


def _memoised_entries(original: Any) -> Any:
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

    return add_entry_from_context
