"""Shared fixtures: a repo root, the fixture site, and a tiny roadmap writer."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobbook.core.validate import Roadmap, validate_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"


def run_module(module: str, *args: str, cwd: Path, timeout: int = 300):
    """Run ``python -m module args`` like a user would, with the package importable."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def copy_fixture(base: Path) -> Path:
    """A copy of tests/fixtures/site under ``base``."""
    site = base / "proj"
    shutil.copytree(FIXTURE_SITE, site)
    return site


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


class RoadmapDir:
    """Write YAML files into ``tmp/roadmap`` and validate them like ``jobbook check``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "roadmap").mkdir(parents=True)
        (root / "docs").mkdir()

    def write(self, name: str, text: str) -> Path:
        path = self.root / "roadmap" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def check(self) -> Roadmap:
        return validate_dir(self.root / "roadmap", self.root, self.root / "docs")

    def messages(self) -> list[str]:
        return [str(issue) for issue in self.check().issues]


@pytest.fixture
def roadmap_dir(tmp_path: Path) -> RoadmapDir:
    return RoadmapDir(tmp_path)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current renderer (review the diff!)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


class BuiltSite:
    """The real project built once per test session, plus its offline zip unpacked."""

    def __init__(self, base: Path, log: str) -> None:
        self.base = base
        self.site = base / "site"
        self.zip = base / "ml-jobbook-offline.zip"
        self.unzipped = base / "unzipped" / "ml-jobbook-offline"
        self.log = log

    def html_pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))


@pytest.fixture(scope="session")
def built_site() -> Iterator[BuiltSite]:
    import os
    import subprocess
    import sys
    import tempfile
    import zipfile

    from jobbook.tools.package import pack_site

    # World-readable: linkchecker drops root privileges to "nobody".
    base = Path(tempfile.mkdtemp(prefix="jobbook-site-"))
    base.chmod(0o755)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(base / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr[-5000:]}")
    built = BuiltSite(base, result.stderr)
    pack_site(built.site, built.zip)
    with zipfile.ZipFile(built.zip) as zf:
        zf.extractall(base / "unzipped")
    for folder, dirs, files in os.walk(base):
        for name in dirs:
            Path(folder, name).chmod(0o755)
        for name in files:
            Path(folder, name).chmod(0o644)
    yield built
    shutil.rmtree(base, ignore_errors=True)


# ---- browser fixtures (Playwright driving Debian chromium) ----

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium not installed: run `make browser`")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


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


@pytest.fixture(scope="module")
def http_root(built_site):
    """The same build served over http://127.0.0.1 (the hosted case)."""

    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(built_site.unzipped))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def offline(browser):
    pages: list[OfflinePage] = []

    def make(**kwargs) -> OfflinePage:
        pages.append(OfflinePage(browser, **kwargs))
        return pages[-1]

    yield make
    for page in pages:
        page.close()
