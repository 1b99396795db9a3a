"""renamed_from / retired: the rename map the site ships and `jobbook check --against`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from jobbook.core import renames
from jobbook.core.load import load_file

from .helpers import run_module

PATH = """
path:
  id: demo
  title: 演示
  summary: 一条路线。
  stages:
    - id: basics
      title: 基础
      topics:
        - id: algebra
          title: 线性代数
          self_check:
            - id: svd
              text: 能解释 SVD
            - id: eig
              text: 能解释特征分解
          milestones:
            - id: pca
              title: 手写 PCA
        - ref: optim
      milestones:
        - id: titanic
          title: Titanic
"""
SHARED = """
topics:
  - id: optim
    title: 优化
    self_check:
      - id: kkt
        text: 能写出 KKT 条件
"""


def loaded(rd: object) -> list[tuple[str, object]]:
    files = sorted((rd.root / "roadmap").rglob("*.yml"))
    return [(f.rel, f.data) for f in (load_file(p, rd.root) for p in files)]


def write_base(rd: object) -> list[tuple[str, object]]:
    rd.write("demo.yml", PATH)
    rd.write("topics/shared.yml", SHARED)
    assert rd.messages() == []
    return loaded(rd)


def edit(rd: object, name: str, old: str, new: str) -> None:
    path = rd.root / "roadmap" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(rd: object, name: str, needle: str) -> int:
    lines = (rd.root / "roadmap" / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


# ---- the map ----------------------------------------------------------------------------


def test_map_follows_renames_of_every_kind(roadmap_dir):
    write_base(roadmap_dir)
    edit(
        roadmap_dir,
        "demo.yml",
        "id: algebra\n",
        "id: linalg\n          renamed_from: [algebra, la]\n",
    )
    edit(
        roadmap_dir,
        "demo.yml",
        "id: svd\n",
        "id: svd-geometry\n              renamed_from: [svd]\n",
    )
    edit(
        roadmap_dir, "demo.yml", "id: titanic\n", "id: kaggle\n          renamed_from: [titanic]\n"
    )
    edit(roadmap_dir, "demo.yml", "id: basics\n", "id: foundations\n      renamed_from: [basics]\n")
    # moved from the shared topic into linalg, under a new id
    edit(
        roadmap_dir,
        "demo.yml",
        "            - id: eig\n",
        "            - id: duality\n              renamed_from: [optim.kkt]\n"
        "              text: x\n            - id: eig\n",
    )
    edit(
        roadmap_dir,
        "topics/shared.yml",
        "    self_check:\n      - id: kkt\n",
        "    self_check:\n      - id: kkt2\n",
    )
    assert roadmap_dir.messages() == []
    got = renames.rename_map(loaded(roadmap_dir))
    assert got == {
        "ids": {"algebra": "linalg", "basics": "foundations", "la": "linalg"},
        "items": {
            "foundations.titanic": "foundations.kaggle",
            "linalg.svd": "linalg.svd-geometry",
            "optim.kkt": "linalg.duality",
        },
        "questions": {},
    }
    index = renames.index_of(loaded(roadmap_dir))
    # an old owner and an old child id together
    assert index.resolve("items", "algebra.svd") == "linalg.svd-geometry"
    assert index.resolve("items", "la.eig") == "linalg.eig"
    assert index.resolve("items", "basics.titanic") == "foundations.kaggle"
    assert index.resolve("ids", "nothing") == "nothing"


def test_data_file_is_an_event_script_that_cannot_close_a_script_tag(roadmap_dir):
    write_base(roadmap_dir)
    files = renames.data_files(loaded(roadmap_dir))
    [(name, text)] = files.items()
    assert name == "assets/data/renames.js"
    prefix = 'document.dispatchEvent(new CustomEvent("jobbook:renames",{detail:'
    assert text.startswith(prefix) and text.endswith("}));\n")
    assert json.loads(text[len(prefix) : -len("}));\n")]) == {
        "ids": {},
        "items": {},
        "questions": {},
    }
    assert "</" not in text


def test_alias_that_is_still_an_id_or_claimed_twice(roadmap_dir):
    write_base(roadmap_dir)
    edit(
        roadmap_dir, "demo.yml", "id: algebra\n", "id: algebra\n          renamed_from: [basics]\n"
    )
    edit(roadmap_dir, "topics/shared.yml", "id: optim\n", "id: optim\n    renamed_from: [old-x]\n")
    edit(roadmap_dir, "demo.yml", "id: eig\n", "id: eig\n              renamed_from: [svd]\n")
    edit(roadmap_dir, "demo.yml", "id: pca\n", "id: pca\n              renamed_from: [old-x]\n")
    msgs = roadmap_dir.messages()
    ln = line_of(roadmap_dir, "demo.yml", "renamed_from: [basics]")
    assert any(
        m.startswith(f"roadmap/demo.yml:{ln}: renamed_from 中的 'basics' 仍是现有的 id")
        for m in msgs
    ), msgs
    ln = line_of(roadmap_dir, "demo.yml", "renamed_from: [svd]")
    assert any(m.startswith(f"roadmap/demo.yml:{ln}: renamed_from 中的 'svd'") for m in msgs), msgs
    # item aliases live in the owner's namespace: "old-x" of an item is not the topic's alias
    assert not any("old-x" in m for m in msgs), msgs
    edit(roadmap_dir, "demo.yml", "renamed_from: [basics]", "renamed_from: [old-x]")
    msgs = roadmap_dir.messages()
    assert any("'old-x' 已经写在 roadmap/" in m for m in msgs), msgs


def test_retired_id_still_in_use(roadmap_dir):
    write_base(roadmap_dir)
    edit(
        roadmap_dir,
        "demo.yml",
        "          milestones:\n            - id: pca",
        "          retired:\n            - id: svd\n              reason: 拆成两条\n"
        "          milestones:\n            - id: pca",
    )
    ln = line_of(roadmap_dir, "demo.yml", "reason: 拆成两条") - 1
    assert roadmap_dir.messages() == [f"roadmap/demo.yml:{ln}: retired 中的 'svd' 仍然存在"]


def test_retired_needs_a_reason(roadmap_dir):
    write_base(roadmap_dir)
    edit(roadmap_dir, "topics/shared.yml", "topics:\n", "retired:\n  - id: gone\ntopics:\n")
    assert roadmap_dir.messages() == ["roadmap/topics/shared.yml:2: 缺少必填字段 'reason'"]


# ---- comparison -------------------------------------------------------------------------


def compare(rd: object, old) -> list[str]:
    return [str(i) for i in renames.compare(old, loaded(rd), "main")]


def test_unchanged_and_moved_ids_are_fine(roadmap_dir):
    old = write_base(roadmap_dir)
    assert compare(roadmap_dir, old) == []
    # the shared topic moves to another file: same id, nothing lost
    (roadmap_dir.root / "roadmap/topics/shared.yml").rename(
        roadmap_dir.root / "roadmap/topics/opt.yml"
    )
    assert compare(roadmap_dir, old) == []


def test_lost_checklist_item_points_at_its_topic(roadmap_dir):
    old = write_base(roadmap_dir)
    edit(roadmap_dir, "demo.yml", "id: svd\n", "id: svd-geometry\n")
    [msg] = compare(roadmap_dir, old)
    ln = line_of(roadmap_dir, "demo.yml", "self_check:")
    assert msg.startswith(
        f"roadmap/demo.yml:{ln}: 自测条目 'svd' 在 main 中存在（roadmap/demo.yml:12）"
    )
    assert "renamed_from: [svd]" in msg and "专题 'algebra' 的 retired:" in msg
    # with renamed_from: fine
    edit(
        roadmap_dir,
        "demo.yml",
        "id: svd-geometry\n",
        "id: svd-geometry\n              renamed_from: [svd]\n",
    )
    assert compare(roadmap_dir, old) == []


def test_retired_item_and_renamed_owner(roadmap_dir):
    old = write_base(roadmap_dir)
    edit(
        roadmap_dir, "demo.yml", "id: algebra\n", "id: linalg\n          renamed_from: [algebra]\n"
    )
    assert compare(roadmap_dir, old) == []  # its items follow the owner
    edit(roadmap_dir, "demo.yml", "            - id: eig\n              text: 能解释特征分解\n", "")
    [msg] = compare(roadmap_dir, old)
    assert "自测条目 'eig'" in msg and "专题 'linalg' 的 retired:" in msg
    edit(
        roadmap_dir,
        "demo.yml",
        "          milestones:\n            - id: pca",
        "          retired:\n            - id: eig\n              reason: 合并进 svd\n"
        "          milestones:\n            - id: pca",
    )
    assert roadmap_dir.messages() == []
    assert compare(roadmap_dir, old) == []


def test_lost_topic_points_at_its_stage_and_hides_its_items(roadmap_dir):
    old = write_base(roadmap_dir)
    edit(roadmap_dir, "demo.yml", "id: algebra\n", "id: linalg\n")
    [msg] = compare(roadmap_dir, old)  # one message, not one per item
    ln = line_of(roadmap_dir, "demo.yml", "topics:")
    assert msg.startswith(f"roadmap/demo.yml:{ln}: 专题 'algebra' 在 main 中存在")
    assert "阶段 'basics' 的 retired:" in msg


def test_lost_shared_topic_and_deleted_file(roadmap_dir):
    old = write_base(roadmap_dir)
    edit(roadmap_dir, "topics/shared.yml", "id: optim\n", "id: optimisation\n")
    [msg] = compare(roadmap_dir, old)
    assert msg.startswith("roadmap/topics/shared.yml:1: 专题 'optim' 在 main 中存在")
    assert "文件顶层的 retired:" in msg
    edit(
        roadmap_dir,
        "topics/shared.yml",
        "topics:\n",
        "retired:\n  - id: optim\n    reason: 改写成新专题\ntopics:\n",
    )
    assert compare(roadmap_dir, old) == []
    (roadmap_dir.root / "roadmap/demo.yml").unlink()
    msgs = compare(roadmap_dir, old)
    assert msgs == [msgs[0]] and msgs[0].startswith(
        "roadmap/demo.yml:1: 路线 'demo' 在 main 中存在"
    )


def test_dropping_a_former_id_loses_old_progress(roadmap_dir):
    write_base(roadmap_dir)
    edit(
        roadmap_dir, "demo.yml", "id: algebra\n", "id: linalg\n          renamed_from: [algebra]\n"
    )
    old = loaded(roadmap_dir)
    # renamed again, but the first former id is dropped: readers who never saw "linalg" lose it
    edit(
        roadmap_dir,
        "demo.yml",
        "id: linalg\n          renamed_from: [algebra]\n",
        "id: lin-alg\n          renamed_from: [linalg]\n",
    )
    [msg] = compare(roadmap_dir, old)
    assert "renamed_from 有 'algebra'" in msg and msg.startswith("roadmap/demo.yml:")
    edit(roadmap_dir, "demo.yml", "renamed_from: [linalg]", "renamed_from: [algebra, linalg]")
    assert compare(roadmap_dir, old) == []
    assert renames.index_of(loaded(roadmap_dir)).resolve("items", "algebra.svd") == "lin-alg.svd"


def test_lost_question_points_at_the_file(roadmap_dir):
    rd = roadmap_dir
    write_base(rd)
    q = (Path(__file__).parent / "fixtures/site/roadmap/questions/demo.yml").read_text(
        encoding="utf-8"
    )
    rd.write("questions/demo.yml", q.replace("topic: demo-trees", "topic: algebra"))
    old = loaded(rd)
    edit(rd, "questions/demo.yml", "id: demo-rf-gbdt\n", "id: rf-vs-gbdt\n")
    [msg] = compare(rd, old)
    assert msg.startswith("roadmap/questions/demo.yml:1: 题目 'demo-rf-gbdt' 在 main 中存在")
    edit(
        rd,
        "questions/demo.yml",
        "id: rf-vs-gbdt\n",
        "id: rf-vs-gbdt\n    renamed_from: [demo-rf-gbdt]\n",
    )
    assert compare(rd, old) == []
    assert renames.rename_map(loaded(rd))["questions"] == {"demo-rf-gbdt": "rf-vs-gbdt"}


# ---- the command ------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(roadmap_dir):
    write_base(roadmap_dir)
    (roadmap_dir.root / "mkdocs.yml").write_text("site_name: x\n")
    git(roadmap_dir.root, "init", "-q", "-b", "main")
    git(roadmap_dir.root, "add", ".")
    git(roadmap_dir.root, "commit", "-q", "-m", "base")
    return roadmap_dir


def test_check_against_names_file_and_line(repo):
    result = run_module("jobbook", "check", "--against", "main", cwd=repo.root)
    assert result.returncode == 0, result.stderr
    assert "与 main 相比没有丢失的 id" in result.stderr
    edit(repo, "demo.yml", "id: pca\n", "id: pca-numpy\n")
    result = run_module("jobbook", "check", "--against", "main", cwd=repo.root)
    assert result.returncode == 1
    ln = line_of(repo, "demo.yml", "milestones:")
    [line] = result.stdout.splitlines()
    assert line.startswith(f"roadmap/demo.yml:{ln}: 里程碑 'pca' 在 main 中存在")
    result = run_module(
        "jobbook", "check", "--against", "main", "--format", "github", cwd=repo.root
    )
    assert result.stdout.startswith(
        f"::error file=roadmap/demo.yml,line={ln},title=jobbook check::"
    )
    # plain check (no --against) does not know about git
    assert run_module("jobbook", "check", cwd=repo.root).returncode == 0
    edit(repo, "demo.yml", "id: pca-numpy\n", "id: pca-numpy\n              renamed_from: [pca]\n")
    assert run_module("jobbook", "check", "--against", "main", cwd=repo.root).returncode == 0


def test_check_against_an_unknown_ref(repo):
    result = run_module("jobbook", "check", "--against", "no-such-branch", cwd=repo.root)
    assert result.returncode == 2
    assert "找不到 git 引用 'no-such-branch'" in result.stderr
    result = run_module("jobbook", "check", "--against", "--output=x", cwd=repo.root)
    assert result.returncode == 2


def test_check_against_reads_the_ref_not_the_worktree(repo):
    (repo.root / "roadmap/topics/shared.yml").unlink()  # deleted, not committed
    edit(repo, "demo.yml", "        - ref: optim\n", "")
    result = run_module("jobbook", "check", "--against", "HEAD", cwd=repo.root)
    assert result.returncode == 1
    assert "专题 'optim' 在 HEAD 中存在（roadmap/topics/shared.yml:2）" in result.stdout
    assert result.stdout.startswith("roadmap/topics/shared.yml:1: ")
