"""CPU-heavy build work in one helper process beside the MkDocs build.

KaTeX (V8 through mini-racer) and jieba's Chinese segmentation for the search index are
pure functions of their input. Run in this process they compete with Markdown
conversion for the GIL: mini-racer's event-loop thread wakes for every result and the
main thread loses its time slices (measured: 1.9 s of a 13 s cold build at 1×, with
every formula already memoised). In a second process they use the second core
instead. ``spawn`` rather than ``fork``: the builder has threads (the KaTeX queue), and
the helper only imports jieba and mini-racer, not MkDocs' state.

``run`` and ``submit`` fall back to running in this process when the helper cannot be
started or dies, so the build never depends on it; ``JOBBOOK_HELPER=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from typing import Any, TypeVar

log = logging.getLogger("mkdocs.plugins.jobbook")
T = TypeVar("T")
_POOL: ProcessPoolExecutor | None = None
_BROKEN = False
# The KaTeX thread (practice cards) and the main thread (pages) may start the helper at once.
_LOCK = threading.Lock()


def enabled() -> bool:
    if os.environ.get("JOBBOOK_HELPER", "1") == "0" or _BROKEN:
        return False
    return not multiprocessing.current_process().daemon  # a daemon may not have children


def _ignore_interrupt() -> None:
    """Ctrl-C (ending `mkdocs serve`) is the build's to handle, not the helper's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool() -> ProcessPoolExecutor:
    """The helper, started on first use (under ``_LOCK``)."""
    global _POOL
    if _POOL is None:
        with _main_hidden():  # spawn starts the process right here, on the first submit
            pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_interrupt,
            )
            pool.submit(int)  # spawns the process synchronously (not with fork)
        _POOL = pool
    return _POOL


def _broken(exc: BaseException) -> None:
    global _BROKEN
    with _LOCK:
        if not _BROKEN:
            log.info(f"jobbook：辅助进程不可用（{type(exc).__name__}），改在构建进程内计算")
        _BROKEN = True
        _stop(cancel=True)


def _stop(cancel: bool) -> None:
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=False, cancel_futures=cancel)
        _POOL = None


def shutdown(cancel: bool = False) -> None:
    """Let the helper exit now, while the build writes its last files (not at exit);
    ``cancel``: drop what is still queued (a failed build)."""
    with _LOCK:
        _stop(cancel)


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start the helper without re-running this process's main script in it.

    ``spawn`` imports the parent's ``__main__`` in the child; a build script without an
    ``if __name__ == "__main__"`` guard would then build the site a second time there.
    The helper needs nothing from it, so ``__main__`` looks like ``python -c`` meanwhile."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__spec__", "__file__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.update(saved)
        if "__spec__" not in saved:
            del main.__spec__


def submit(fn: Callable[..., T], *args: Any) -> Future[T]:
    """``fn(*args)`` in the helper (in this process if it is off or broken)."""
    if enabled():
        try:
            with _LOCK:
                pool = _pool()
            return pool.submit(fn, *args)
        except Exception as exc:  # could not start or has died: the build goes on without it
            _broken(exc)
    done: Future[T] = Future()
    try:
        done.set_result(fn(*args))
    except Exception as exc:  # delivered to whoever asks for the result
        done.set_exception(exc)
    return done


def result(future: Future[T], fn: Callable[..., T], *args: Any) -> T:
    """The result of ``submit(fn, *args)``; computed here if the helper died meanwhile."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        _broken(exc)
        return fn(*args)


def run(fn: Callable[..., T], *args: Any) -> T:
    return result(submit(fn, *args), fn, *args)


# ---- what runs in the helper ------------------------------------------------------------


@lru_cache(maxsize=2)
def _katex(katex_js: str) -> Any:
    from py_mini_racer import MiniRacer

    ctx = MiniRacer()
    with open(katex_js, encoding="utf-8") as f:
        ctx.eval(f.read())
    # One call per batch: crossing into V8 costs more than typesetting a formula.
    ctx.eval(
        "function jobbookRenderAll(items, options) {"
        " return JSON.stringify(items.map(function (it) {"
        "  try { return [true, katex.renderToString(it[0],"
        "   Object.assign({displayMode: it[1]}, options))]; }"
        "  catch (e) { return [false, String(e && e.message || e)]; } })); }"
    )
    return ctx


def typeset(
    katex_js: str, formulas: list[tuple[str, bool]], options: dict[str, Any]
) -> list[tuple[bool, str]]:
    """KaTeX HTML (or KaTeX's error message) for each ``(tex, display)``."""
    raw = _katex(katex_js).call("jobbookRenderAll", [list(f) for f in formulas], options)
    return [(bool(ok), str(text)) for ok, text in json.loads(raw)]


def cut(runs: list[str]) -> list[str]:
    """jieba's words of each run of Han characters, joined by U+200B (as Material joins them)."""
    import jieba

    return ["\u200b".join(jieba.cut(run)) for run in runs]
