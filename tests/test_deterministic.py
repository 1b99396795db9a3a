"""Reproducible output: the same sources give the same bytes, wherever and whenever built.

Two copies of the fixture project in different folders are built with different
``PYTHONHASHSEED`` values (so set / dict-of-hash ordering cannot hide) and the same
``SOURCE_DATE_EPOCH`` (MkDocs uses it for the sitemap dates and the gzip header)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobbook.tools.package import pack_site

from .helpers import ROOT, copy_fixture

EPOCH = "1700000000"


def run(args: list[str], cwd: Path, seed: str) -> None:
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(ROOT / "src"),
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONHASHSEED": seed,
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    projects = []
    for n, seed in enumerate(["1", "2"]):
        project = copy_fixture(tmp_path_factory.mktemp(f"build{n}"))
        run(["-m", "mkdocs", "build", "--strict"], project, seed)
        projects.append(project)
    return projects[0], projects[1]


def test_mkdocs_site_is_byte_identical(two_builds):
    first, second = (digests(p / "site") for p in two_builds)
    assert len(first) > 20 and "sitemap.xml.gz" in first
    assert differing(first, second) == []


def test_sitemap_gzip_header_uses_source_date_epoch(two_builds):
    """The only time-dependent byte MkDocs writes: the gzip mtime of sitemap.xml.gz
    (the build date, day precision). The fixture has no site_url, so the sitemap
    itself lists no page and has no <lastmod>."""
    import gzip

    site = two_builds[0] / "site"
    with gzip.open(site / "sitemap.xml.gz") as gz:
        assert gz.read() == (site / "sitemap.xml").read_bytes()
    header = (site / "sitemap.xml.gz").read_bytes()[:10]
    assert int.from_bytes(header[4:8], "little") == int(EPOCH) // 86400 * 86400


def test_jobbook_build_out_is_byte_identical(two_builds):
    outs = []
    for project, seed in zip(two_builds, ["3", "4"], strict=True):
        for n in range(2):
            out = project / f"out{n}"
            run(["-m", "jobbook", "build", "--out", str(out)], project, seed)
            outs.append(digests(out))
    assert outs[0], "jobbook build wrote nothing"
    for other in outs[1:]:
        assert differing(outs[0], other) == []


def test_offline_zip_is_byte_identical(two_builds, tmp_path):
    zips = []
    for n, project in enumerate([*two_builds, two_builds[0]]):
        target = tmp_path / f"site{n}.zip"
        count = pack_site(project / "site", target)
        assert count == len(digests(project / "site"))
        zips.append(target.read_bytes())
    assert zips[0] == zips[1] == zips[2]
