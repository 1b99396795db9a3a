"""The jobbook command: exit codes, output format, build and schema."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .helpers import FIXTURE_SITE, ROOT, run_module


def jobbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_module("jobbook", *args, cwd=cwd, timeout=120)


def test_check_ok_exits_zero(fixture_site):
    result = jobbook("check", cwd=fixture_site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "OK" in result.stderr


def test_check_errors_exit_one_with_one_line_each_and_no_traceback(fixture_site):
    bad = fixture_site / "roadmap" / "bad.yml"
    bad.write_text(
        "topics:\n"
        "  - id: bad\n"
        "    title: 坏专题\n"
        "    resources:\n"
        "      - {titel: x, url: 'https://mml-book.github.io', type: book, lang: en}\n"
        "      - {title: y, url: 'javascript:alert(1)', type: book, lang: en}\n",
        encoding="utf-8",
    )
    result = jobbook("check", cwd=fixture_site)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "roadmap/bad.yml:5: 未知字段 'titel'（你是不是想写 'title'？）",
        "roadmap/bad.yml:6: 'url': 只接受 http:// 或 https:// 开头的完整网址",
        "roadmap/demo.yml:35: 重复的网址 https://mml-book.github.io/（与 https://mml-book.github.io 实质相同），"
        "已在 roadmap/bad.yml:5 收录",
    ]


def test_check_single_file_and_missing_path(fixture_site):
    assert jobbook("check", "roadmap/demo.yml", cwd=fixture_site).returncode == 1  # ref unresolved
    result = jobbook("check", "roadmap/nope.yml", cwd=fixture_site)
    assert result.returncode == 2
    assert "没有这个文件或目录" in result.stderr


def test_build_writes_the_rendered_markdown(fixture_site, tmp_path):
    out = tmp_path / "out"
    (out / "stale").mkdir(parents=True)
    result = jobbook("build", "--out", str(out), cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    golden = sorted(
        p.relative_to(ROOT / "tests/golden").as_posix()
        for p in (ROOT / "tests/golden").rglob("*.md")
    )
    assert written == golden
    assert not (out / "stale").exists()
    for rel in written:
        assert (out / rel).read_text(encoding="utf-8") == (ROOT / "tests/golden" / rel).read_text(
            encoding="utf-8"
        )


def test_build_refuses_invalid_roadmap_and_keeps_previous_output(fixture_site, tmp_path):
    out = tmp_path / "out"
    assert jobbook("build", "--out", str(out), cwd=fixture_site).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (fixture_site / "roadmap" / "demo.yml").write_text("path: [\n", encoding="utf-8")
    result = jobbook("build", "--out", str(out), cwd=fixture_site)
    assert result.returncode == 1
    assert result.stdout.startswith("roadmap/demo.yml:2: YAML 语法错误")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_schema_is_json_schema_of_the_model():
    result = jobbook("schema", cwd=FIXTURE_SITE)
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "RoadmapFile"
    assert schema["$schema"].endswith("2020-12/schema")
    resource = schema["$defs"]["Resource"]
    assert set(resource["required"]) == {"title", "url", "type", "lang"}
    assert resource["additionalProperties"] is False


def test_committed_schema_json_is_up_to_date():
    """roadmap/schema.json drives editor autocompletion; regenerate with `jobbook schema --write`."""
    from jobbook.cli import schema_text

    committed = (ROOT / "roadmap" / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: .venv/bin/jobbook schema --write"


def test_every_roadmap_file_has_the_schema_modeline():
    for path in sorted((ROOT / "roadmap").rglob("*.yml")):
        if path.name == "tags.yml":
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = first.split("$schema=", 1)[1].strip()
        assert (path.parent / target).resolve() == (ROOT / "roadmap" / "schema.json").resolve(), (
            path
        )


def test_check_github_format_annotates_file_and_line(fixture_site):
    (fixture_site / "roadmap" / "bad.yml").write_text(
        "topics:\n  - id: bad\n    titel: x\n", encoding="utf-8"
    )
    result = jobbook("check", "--format", "github", cwd=fixture_site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=roadmap/bad.yml,line=3,title=jobbook check::未知字段 'titel'（你是不是想写 'title'？）",
    ]
