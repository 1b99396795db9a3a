"""Helpers shared by test modules (import them from here, never from another test module)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
SHOTS = ROOT / "test-results" / "screenshots"

# Markdown as MkDocs renders the generated pages (the subset the renderer relies on).
EXTENSIONS = [
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.escapeall",
    "pymdownx.arithmatex",
]
EXT_CONFIG = {
    "pymdownx.escapeall": {"hardbreak": False, "nbsp": False},
    "pymdownx.arithmatex": {"generic": True},
}


def run_module(module: str, *args: str, cwd: Path, timeout: int = 300):
    """Run ``python -m module args`` like a user would, with the package importable."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    return run_module("mkdocs", "build", "--strict", cwd=project)


def copy_fixture(base: Path) -> Path:
    """A copy of tests/fixtures/site under ``base``."""
    site = base / "proj"
    shutil.copytree(FIXTURE_SITE, site)
    return site


class OfflinePage:
    """A page whose every non-file:// request is blocked and recorded."""

    def __init__(
        self, browser, width: int = 1280, scheme: str = "light", bypass_csp: bool = False
    ) -> None:
        # bypass_csp: only for test tooling injected into the page (axe-core)
        self.context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
            locale="zh-CN",
            bypass_csp=bypass_csp,
        )
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.allowed: tuple[str, ...] = ("file://", "data:", "blob:", "about:")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # requests in flight, for settle() (Playwright's "networkidle" never comes on pages
        # whose search worker runs in an iframe shim, although every request has finished)
        self.pending: dict[object, str] = {}
        self.last_event = time.monotonic()
        self.page.on("request", self._started)
        self.page.on("requestfinished", self._ended)
        self.page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.last_event = time.monotonic()
        if not request.url.startswith(("data:", "blob:", "about:")):
            self.pending[request] = request.url

    def _ended(self, request) -> None:
        self.last_event = time.monotonic()
        self.pending.pop(request, None)

    def settle(self, quiet: float = 0.5, timeout: float = 30.0) -> None:
        """Return once no request is in flight and none started for ``quiet`` seconds:
        what the page loads by itself has been asked for, so "nothing was blocked, nothing
        logged an error" can be asserted. Polls; fails after ``timeout`` seconds."""
        start = time.monotonic()
        while self.pending or time.monotonic() - self.last_event < quiet:
            if time.monotonic() - start > timeout:
                raise AssertionError(f"page still loading after {timeout} s: {self.pending}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the events

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, site: Path, rel: str):
        self.page.goto((site / rel).as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def close(self):
        self.context.close()


# `mkdocs build --strict` with Material's jieba.cut counted; the count goes to argv[1].
COUNT_JIEBA = """\
import atexit, runpy, sys
import jieba
from jobbook.site import offload
calls = [0]
real_cut = jieba.cut
real_submit = offload.submit

def cut(*args, **kwargs):
    calls[0] += 1
    return real_cut(*args, **kwargs)

def submit(fn, *args):
    if fn is offload.cut:  # runs of Han characters for the helper process's jieba
        calls[0] += len(args[0])
    return real_submit(fn, *args)

jieba.cut = cut
offload.submit = submit
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(str(calls[0])))
sys.argv = ["mkdocs", "build", "--strict"]
runpy.run_module("mkdocs", run_name="__main__")
"""


def run_recording(script: str, project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run a build ``script`` (``python -c``) in ``project``; it records into ``out`` (argv[1])."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def jieba_calls(project: Path, tmp: Path) -> int:
    """Build ``project``; how many runs of Han characters reached jieba (here or in the helper)."""
    out = tmp / f"jieba-{len(list(tmp.glob('jieba-*')))}.txt"
    result = run_recording(COUNT_JIEBA, project, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return int(out.read_text())


# An init script: the browser refuses storage (private mode, a policy).
NO_STORAGE = """
Object.defineProperty(window, 'localStorage', {
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
});
"""
