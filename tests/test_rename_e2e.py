"""A rename end to end: build the fixture project with the site's scripts, tick, rename
the ids with renamed_from, rebuild, reload: still ticked (and the note and the skip follow);
a second rename chains; without renamed_from `jobbook check --against` names file and line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT, copy_fixture, mkdocs_build, run_module

pytestmark = pytest.mark.browser

KEY = "ml-jobbook-progress"
STAGE = "paths/demo/demo-basics.html"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The fixture project with this repository's theme overrides and scripts, in git."""
    site = copy_fixture(tmp_path)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "  font: false\n", f"  font: false\n  custom_dir: {ROOT / 'overrides'}\n"
    )
    text += "extra_css: [assets/css/jobbook.css]\nextra_javascript: [assets/js/jobbook.js]\n"
    config.write_text(text, encoding="utf-8")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "base")
    return site


def build(project: Path) -> Path:
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def edit(project: Path, old: str, new: str) -> None:
    path = project / "roadmap" / "demo.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def stored(page) -> str:
    return page.evaluate(f"() => localStorage.getItem('{KEY}')")


def reload_and_wait(page, key: str) -> None:
    page.reload()
    page.wait_for_load_state("load")
    # the rename map arrives as a <script src> after the first paint
    page.wait_for_function(
        'k => { const b = document.querySelector(`input[data-jobbook-item="${k}"]`);'
        " return b && b.checked; }",
        arg=key,
        timeout=10_000,
    )


def test_renamed_ids_keep_their_progress(project, offline):
    site = build(project)
    assert (site / "assets/data/renames.js").is_file()
    view = offline()
    page = view.open(site, STAGE)
    page.locator('input[data-jobbook-item="demo-linear-algebra.svd"]').check()
    page.locator('button[data-jobbook-skip="demo-linear-algebra"]').click()
    notes = page.locator('details[data-jobbook-notes="demo-linear-algebra"]')
    notes.locator("summary").click()
    notes.locator("textarea").fill("SVD 的几何意义")
    page.wait_for_timeout(800)
    before = json.loads(stored(page))
    assert before["items"] == {"demo-linear-algebra.svd": True}

    # rename the topic and its checklist item, with renamed_from
    edit(
        project,
        "        - id: demo-linear-algebra\n",
        "        - id: demo-linalg\n          renamed_from: [demo-linear-algebra]\n",
    )
    edit(
        project,
        "            - id: svd\n",
        "            - id: svd-geometry\n              renamed_from: [svd]\n",
    )
    edit(project, "prerequisites: [demo-linear-algebra]", "prerequisites: [demo-linalg]")
    result = run_module("jobbook", "check", "--against", "main", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    build(project)
    reload_and_wait(page, "demo-linalg.svd-geometry")
    after = json.loads(stored(page))
    assert after["items"] == {"demo-linalg.svd-geometry": True}
    assert after["topics"] == {"demo-linalg": "skipped"}
    assert after["notes"] == {"demo-linalg": "SVD 的几何意义"}
    assert page.locator('details[data-jobbook-notes="demo-linalg"] textarea').input_value() == (
        "SVD 的几何意义"
    )
    raw = stored(page)
    page.reload()
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert stored(page) == raw  # idempotent: nothing rewritten on the next load
    git(project, "commit", "-qam", "rename")

    # a second rename: saved keys from before the first one still arrive (chain)
    edit(
        project,
        "        - id: demo-linalg\n          renamed_from: [demo-linear-algebra]\n",
        "        - id: demo-la\n          renamed_from: [demo-linear-algebra, demo-linalg]\n",
    )
    edit(project, "prerequisites: [demo-linalg]", "prerequisites: [demo-la]")
    build(project)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(before)])
    reload_and_wait(page, "demo-la.svd-geometry")
    assert json.loads(stored(page))["items"] == {"demo-la.svd-geometry": True}
    assert json.loads(stored(page))["notes"] == {"demo-la": "SVD 的几何意义"}
    assert view.blocked == [] and view.errors == []


def test_a_lost_id_fails_check_against_with_file_and_line(project):
    edit(project, "            - id: svd\n", "            - id: svd-geometry\n")
    result = run_module("jobbook", "check", "--against", "main", cwd=project)
    assert result.returncode == 1
    lines = (project / "roadmap/demo.yml").read_text(encoding="utf-8").splitlines()
    parent = next(n for n, line in enumerate(lines, 1) if line.strip() == "self_check:")
    [line] = result.stdout.splitlines()
    assert line.startswith(f"roadmap/demo.yml:{parent}: 自测条目 'svd' 在 main 中存在"), line
    assert "renamed_from: [svd]" in line and "专题 'demo-linear-algebra' 的 retired:" in line
