"""Build-time speed-ups: Chinese search segmentation off the main thread, and for `mkdocs serve`.

Material's search plugin segments every section's Chinese text with jieba, run by run of
Han characters (``_segment_chinese``), on the main thread: a third of a cold build. Here
each page's runs are cut in the helper process (:mod:`jobbook.site.offload`) as soon as
the page's HTML exists, while MkDocs converts the next pages; when the search plugin later
asks for a section, its text is put together from those runs exactly as Material does.
A run the helper did not see is cut here with the same jieba call, so the index is the same.

Segmented texts, and which pages they cover, are kept in ``.cache/jobbook/`` between builds
(like mkdocs-jupyter's cache): an unchanged site neither starts the helper nor loads jieba's
dictionary, and ``mkdocs serve`` keeps them in memory between rebuilds.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import html as html_lib
import json
import re
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from backrefs import bre  # the regex module Material's search uses for \p{script: Han}

from jobbook.core.write import file_identity, write_file
from jobbook.site import offload
from jobbook.site.patch import target

MAX_ENTRIES = 50_000
MAX_PAGES = 20_000
_SEGMENTS: OrderedDict[str, str] = OrderedDict()  # whole text → segmented (kept on disk)
_USED: set[str] = set()
_RUNS: dict[str, str] = {}  # run of Han characters → jieba's words joined by U+200B
# Pages (digest of their HTML) whose every text the kept memo holds: nothing to cut ahead.
_PAGES: set[str] = set()
_PAGES_USED: set[str] = set()
# cache file → (texts, pages) it holds, as last read or written by this process: an
# unchanged file is not written again.
_ON_DISK: dict[str, tuple[set[str], list[str], tuple[int, int]]] = {}
# Texts evicted from the memo this build: then no page can be claimed as covered.
_EVICTED = [False]
# `mkdocs serve` replayed a page's search entries: its texts were not asked for this
# build (not in _USED) but are still in the memo, so the whole memo is what covers pages.
_REPLAYED = [False]
_PENDING: list[tuple[list[str], Future[list[str]]]] = []
_REQUESTED: set[str] = set()
# Material's expression (SearchIndex._segment_chinese); test_postprocess compares the two.
_HAN = bre.compile(r"(\p{script: Han}+)", bre.UNICODE)
# Material's search parser keeps these tags in a section's text and starts a section at
# a heading; other tags vanish, so the text on both sides of them runs together.
_SEPARATING_TAGS = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"} | {
    f"h{i}" for i in range(1, 7)
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<!--.*?-->", re.S)


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
        wrapped.__wrapped__ = original
        setattr(SearchIndex, name, wrapped)
    return True


def memoise_search_segmentation() -> bool:
    """Wrap SearchIndex._segment_chinese with the run cache and a bounded memo; idempotent."""
    return _wrap_search_index("_segment_chinese", ("self", "data"), _memoised_segmentation)


def han_runs(html: str) -> set[str]:
    """The runs of Han characters Material's search will meet in this HTML's text."""
    text = _TAG.sub(lambda m: " " if m[2] and m[2].lower() in _SEPARATING_TAGS else "", html)
    return set(_HAN.findall(html_lib.unescape(text)))


def prefetch_segments(html: str, title: str = "") -> int:
    """Send the runs of a page (its HTML and title) not cut yet to the helper; how many."""
    digest = hashlib.blake2b(f"{title}\0{html}".encode(), digest_size=16).hexdigest()
    _PAGES_USED.add(digest)
    if digest in _PAGES or not offload.enabled():
        return 0  # an unchanged page (the last build kept its texts), or no helper to ask
    runs = han_runs(html) | han_runs(title)
    todo = sorted(r for r in runs if r not in _RUNS and r not in _REQUESTED)
    if todo:
        _REQUESTED.update(todo)
        _PENDING.append((todo, offload.submit(offload.cut, todo)))
    return len(todo)


def _collect(waiting_for: set[str] | None = None) -> None:
    """Move the helper's results into ``_RUNS``: those finished, and, in the order they were
    asked for, those still on their way while a run of ``waiting_for`` is (None: all)."""
    keep = []
    for runs, future in _PENDING:
        needed = waiting_for is None or not waiting_for.isdisjoint(_REQUESTED)
        if not future.done() and not needed:
            keep.append((runs, future))
            continue
        with contextlib.suppress(Exception):  # _from_runs cuts what is missing itself
            _RUNS.update(zip(runs, offload.result(future, offload.cut, runs), strict=True))
        _REQUESTED.difference_update(runs)
    _PENDING[:] = keep


def forget_pending() -> None:
    """A failed build: what is still queued for the helper is not waited for."""
    _PENDING.clear()
    _REQUESTED.clear()


def _from_runs(data: str) -> str:
    """Material's segmentation of ``data``, put together from cut runs.

    Runs the helper has not cut (or could not) are cut here, with the same jieba call; only
    a run still on its way to the helper is waited for."""
    runs = _HAN.findall(data)
    missing = {run for run in runs if run not in _RUNS}
    if missing:
        _collect(waiting_for=missing)
        left = sorted(run for run in missing if run not in _RUNS)
        if left:
            _RUNS.update(zip(left, offload.cut(left), strict=True))
    return _HAN.sub(lambda m: "\u200b" + _RUNS[m[0]] + "\u200b", data).strip("\u200b")


def _memoised_segmentation(original: Any) -> Any:
    cache = _SEGMENTS

    def segment(self: Any, data: str) -> str:
        _USED.add(data)
        result = cache.get(data)
        if result is None:
            result = _from_runs(data)
            cache[data] = result
            if len(cache) > MAX_ENTRIES:
                cache.popitem(last=False)
                _EVICTED[0] = True
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
    """Fill the memo from ``path``; a missing or stale file is ignored."""
    _USED.clear()
    _PAGES_USED.clear()
    _EVICTED[0] = _REPLAYED[0] = False
    if _SEGMENTS:
        return 0  # already warm in this process (mkdocs serve)
    _ON_DISK.pop(str(path), None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(data, dict) or data.get("fingerprint") != _fingerprint():
        return 0
    segments, pages = data.get("segments"), data.get("pages")
    if not isinstance(segments, dict) or not isinstance(pages, list):
        return 0
    texts = {k for k, v in segments.items() if isinstance(v, str)}
    _SEGMENTS.update((k, segments[k]) for k in texts)
    kept_pages = [p for p in pages if isinstance(p, str)]
    _PAGES.update(kept_pages)
    if len(texts) == len(segments) and len(kept_pages) == len(pages):
        _ON_DISK[str(path)] = (texts, sorted(kept_pages), file_identity(path))
    return len(_SEGMENTS)


def save_segments(path: Path) -> int:
    """Keep the texts and pages this build used (others are dropped), atomically.

    A page is claimed as covered (not cut ahead next time) only when every text it had
    is kept: not after an eviction; after a `mkdocs serve` rebuild the whole memo is kept."""
    _collect()  # nothing of this build left running in the helper
    texts = _SEGMENTS if _REPLAYED[0] and not _EVICTED[0] else _USED
    used = {text: _SEGMENTS[text] for text in sorted(texts) if text in _SEGMENTS}
    pages = [] if _EVICTED[0] else sorted(_PAGES_USED)
    _PAGES.clear()
    _PAGES.update(pages)
    if not used:
        return 0
    if _ON_DISK.get(str(path)) == (set(used), pages, file_identity(path)):
        return len(used)  # the file already holds exactly these texts and pages
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"fingerprint": _fingerprint(), "segments": used, "pages": pages}
    write_file(path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    _ON_DISK[str(path)] = (set(used), pages, file_identity(path))
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
            _REPLAYED[0] = True  # this page's texts were not asked for, so not in _USED
            self.entries.extend(copy.deepcopy(cached))

    return add_entry_from_context
