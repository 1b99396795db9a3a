"""Shared fixtures: a repo root, the fixture site, and a tiny roadmap writer."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobbook.core.validate import Roadmap, validate_dir

# Re-exported for modules that still import them from here; new code imports tests/helpers.
from .helpers import (  # noqa: F401
    FIXTURE_SITE,
    ROOT,
    OfflinePage,
    copy_fixture,
    mkdocs_build,
    run_module,
)


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A fresh copy of the fixture project, to change and build."""
    return copy_fixture(tmp_path)


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project as it is, built once per session (``site/`` inside); read only."""
    project = copy_fixture(tmp_path_factory.mktemp("fixture-build"))
    result = mkdocs_build(project)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict of the fixture failed:\n{result.stderr[-3000:]}")
    project.joinpath("build.log").write_text(result.stderr, encoding="utf-8")
    return project


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


# Tests that run `mkdocs build` (directly or through these fixtures) carry the `build` marker,
# so `pytest -m "not browser and not build"` is a fast inner loop.
BUILD_FIXTURES = {"built_site", "fixture_build", "two_builds", "xss_build", "http_root"}
BUILD_MARKERS = {"site", "bench", "notebooks", "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        marks = {mark.name for mark in item.iter_markers()}
        if fixtures & BUILD_FIXTURES or marks & BUILD_MARKERS:
            item.add_marker(pytest.mark.build)


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
