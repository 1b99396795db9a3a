"""``jobbook add``: append a resource, keep every other byte, refuse anything check rejects."""

from __future__ import annotations

import argparse
import difflib
import io
import os
import sys
import tempfile
from pathlib import Path

import pytest

import jobbook.core.write
from jobbook.core.validate import validate_dir
from jobbook.tools.add import AddError, add_parser, add_resource

LEARN = """\
# yaml-language-server: $schema=./schema.json
# 演示路线：只用于测试 jobbook add
path:
  id: learn
  title: 演示路线  # 路线标题
  summary: 一条用来测试添加资源的小路线。
  stages:
    - id: basics
      title: 基础阶段
      topics:
        # 行内专题
        - id: linear-algebra
          title: 线性代数
          points:
            - SVD 与 PCA 的关系  # 要点
          resources:
            - title: Mathematics for Machine Learning
              url: https://mml-book.github.io/
              type: book
              lang: en
              free: true
              level: intermediate
              tags: [math, linear-algebra]  # 流式标签
              note: 免费的机器学习数学教材。

            # 第二条资源
            - title: 3Blue1Brown 线性代数的本质
              url: "https://www.3blue1brown.com/topics/linear-algebra"
              type: 'video'
              lang: multi  # 多语字幕

        - id: calculus
          title: 微积分
          points:
            - 链式法则
          pages:
            - math/chain-rule.md
        - ref: probability

    # 第二阶段
    - id: practice
      title: 实践阶段
      topics:
        - id: kaggle
          title: Kaggle 入门
"""

SHARED = """\
# yaml-language-server: $schema=../schema.json
topics:
  - id: probability
    title: 概率论  # 共享专题
    resources:
      - title: 一文搞懂极大似然估计
        url: https://zhuanlan.zhihu.com/p/26614750
        type: article
        lang: zh
        tags: [statistics, probability]
        note: 入门首选。  # 行尾注释

  # 还没有 resources 的专题
  - id: optimization
    title: 最优化
    summary: 梯度下降与凸优化。

# 文件末尾的注释
"""

NEW = {
    "title": "Deep Learning",
    "url": "https://www.deeplearningbook.org/",
    "type": "book",
    "lang": "en",
    "free": True,
    "level": "advanced",
    "tags": ["deep-learning", "math"],
    "authors": "Ian Goodfellow 等",
    "note": "经典教材，前几章是很好的数学复习。",
}

NEW_LINES = [
    "- title: Deep Learning",
    "  url: https://www.deeplearningbook.org/",
    "  type: book",
    "  lang: en",
    "  free: true",
    "  level: advanced",
    "  tags: [deep-learning, math]",
    "  authors: Ian Goodfellow 等",
    "  note: 经典教材，前几章是很好的数学复习。",
]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny repo (cwd) with a path file and a shared-topics file; system temp inside it."""
    root = tmp_path / "repo"
    (root / "roadmap" / "topics").mkdir(parents=True)
    (root / "docs" / "math").mkdir(parents=True)
    (root / "docs" / "math" / "chain-rule.md").write_text("# 链式法则\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    (root / "roadmap" / "learn.yml").write_text(LEARN, encoding="utf-8")
    (root / "roadmap" / "topics" / "shared.yml").write_text(SHARED, encoding="utf-8")
    systmp = tmp_path / "systmp"
    systmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systmp))
    monkeypatch.chdir(root)
    assert validate_dir(root / "roadmap", root, root / "docs").ok
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "roadmap").rglob("*"))
        if p.is_file()
    }


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="jobbook")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["add", *argv])
    return args.func(args)


def cli_args(resource: dict, topic: str = "linear-algebra") -> list[str]:
    argv = ["--topic", topic]
    for key in ("title", "url", "type", "lang", "level", "authors", "note"):
        if resource.get(key) is not None:
            argv += [f"--{key}", resource[key]]
    if resource.get("free") is not None:
        argv.append("--free" if resource["free"] else "--paid")
    for tag in resource.get("tags", []):
        argv += ["--tag", tag]
    return argv


def inserted(before: str, after: str) -> tuple[int, list[str]]:
    """Assert ``after`` is ``before`` plus one block of lines; return (index, block)."""
    old, new = before.splitlines(), after.splitlines()
    ops = [op for op in difflib.SequenceMatcher(None, old, new).get_opcodes() if op[0] != "equal"]
    assert len(ops) == 1, ops
    tag, _, _, j1, j2 = ops[0]
    assert tag == "insert"
    assert new[:j1] + new[j2:] == old  # every other line unchanged, in order
    return j1, new[j1:j2]


def dedent(block: list[str], width: int) -> list[str]:
    assert all(line.startswith(" " * width) for line in block), block
    return [line[width:] for line in block]


def test_add_to_inline_topic_inserts_only_the_new_lines(root, capsys):
    path = root / "roadmap" / "learn.yml"
    assert run(*cli_args(NEW)) == 0
    after = path.read_text(encoding="utf-8")
    start, block = inserted(LEARN, after)
    assert dedent(block, 12) == NEW_LINES
    # Right after the last entry (and its end-of-line comment), before the blank line.
    assert LEARN.splitlines()[start - 1] == "              lang: multi  # 多语字幕"
    assert after.splitlines()[start + len(block)] == ""
    assert capsys.readouterr().out == f"已添加到 roadmap/learn.yml:{start + 1}\n"
    assert after.startswith("# yaml-language-server: $schema=./schema.json\n")
    assert (root / "roadmap" / "topics" / "shared.yml").read_text(encoding="utf-8") == SHARED
    assert validate_dir(root / "roadmap", root, root / "docs").ok


def test_api_adds_to_shared_topic_and_returns_line(root):
    path, line = add_resource(root, "probability", NEW)
    assert path == root / "roadmap" / "topics" / "shared.yml"
    after = path.read_text(encoding="utf-8")
    start, block = inserted(SHARED, after)
    assert line == start + 1
    assert dedent(block, 6) == NEW_LINES
    assert after.splitlines()[start - 1] == "        note: 入门首选。  # 行尾注释"
    roadmap = validate_dir(root / "roadmap", root, root / "docs")
    assert roadmap.ok
    [shared] = [f for f in roadmap.files if f.rel == "roadmap/topics/shared.yml"]
    assert shared.raw["topics"][0]["resources"].item_lines[-1] == line


def test_absent_optional_fields_are_omitted(root):
    path, _ = add_resource(
        root,
        "probability",
        {
            "title": "Seeing Theory",
            "url": "https://seeing-theory.brown.edu/",
            "type": "site",
            "lang": "en",
            "level": None,
            "tags": [],
            "note": "",
        },
    )
    _, block = inserted(SHARED, path.read_text(encoding="utf-8"))
    assert dedent(block, 6) == [
        "- title: Seeing Theory",
        "  url: https://seeing-theory.brown.edu/",
        "  type: site",
        "  lang: en",
    ]


def test_topic_without_resources_gets_the_key_last(root):
    path, line = add_resource(root, "optimization", NEW)
    after = path.read_text(encoding="utf-8")
    start, block = inserted(SHARED, after)
    assert dedent(block, 4) == ["resources:", *("  " + x for x in NEW_LINES)]
    assert line == start + 2
    assert after.splitlines()[start - 1] == "    summary: 梯度下降与凸优化。"
    assert after.endswith("\n\n# 文件末尾的注释\n")
    assert validate_dir(root / "roadmap", root, root / "docs").ok


def test_topic_without_resources_gets_the_key_before_pages(root):
    path, _ = add_resource(root, "calculus", NEW)
    after = path.read_text(encoding="utf-8")
    start, block = inserted(LEARN, after)
    assert dedent(block, 10) == ["resources:", *("  " + x for x in NEW_LINES)]
    assert after.splitlines()[start + len(block)] == "          pages:"
    assert validate_dir(root / "roadmap", root, root / "docs").ok


def test_text_yaml_1_1_would_misread_is_quoted(root):
    resource = {
        "title": "yes",
        "url": "https://example.org/on",
        "type": "site",
        "lang": "en",
        "tags": ["on", "ml"],
        "note": "a: b # c",
    }
    path, _ = add_resource(root, "probability", resource)
    _, block = inserted(SHARED, path.read_text(encoding="utf-8"))
    assert dedent(block, 6) == [
        "- title: 'yes'",
        "  url: https://example.org/on",
        "  type: site",
        "  lang: en",
        "  tags: ['on', ml]",
        "  note: 'a: b # c'",
    ]
    assert validate_dir(root / "roadmap", root, root / "docs").ok


@pytest.mark.parametrize(
    "text",
    [
        # ruamel would drop a comment before `---` and normalise `key:   value`, `[ a,b ]`
        # and trailing blanks; only the new lines may differ.
        "# c\n---\ntopics:   \n  - id: t\n    title:   专题  # x\n    points: [ a,b ]\n",
        "\ufefftopics:\r\n  - id: t\r\n    title: 专题\r\n\r\n  - id: u\r\n    title: 另一个\r\n",
        "topics:\n- id: t\n  title: 专题\n  resources:\n  - title: A\n    url: https://a.org/\n"
        "    type: book\n    lang: en\n- id: u\n  title: 另一个",
        "topics:\r\n  - id: u\r\n    title: 另一个\r\n  - id: t\r\n    title: 专题",
    ],
    ids=[
        "normalisable-formatting",
        "bom-crlf",
        "unindented-sequences-no-final-newline",
        "crlf-append-at-end-without-final-newline",
    ],
)
def test_formatting_ruamel_would_change_is_kept(root, text):
    path = root / "roadmap" / "topics" / "odd.yml"
    path.write_bytes(text.encode("utf-8"))
    resource = {"title": "B", "url": "https://b.org/", "type": "book", "lang": "en"}
    add_resource(root, "t", resource)
    after = path.read_bytes().decode("utf-8")
    inserted(text, after)
    if "\r\n" in text:
        assert "\n" not in after.replace("\r\n", "") and "\r" not in after.replace("\r\n", "")
    assert validate_dir(root / "roadmap", root, root / "docs").ok


@pytest.mark.parametrize(
    ("url", "topic", "existing"),
    [
        ("http://zhuanlan.zhihu.com/p/26614750", "linear-algebra", "roadmap/topics/shared.yml:7"),
        ("https://mml-book.github.io", "linear-algebra", "roadmap/learn.yml:18"),
        ("https://3blue1brown.com/topics/linear-algebra/", "probability", "roadmap/learn.yml:28"),
    ],
    ids=["http-vs-https", "trailing-slash", "www-and-slash"],
)
def test_duplicate_url_is_refused_naming_both_places(root, capsys, url, topic, existing):
    before = snapshot(root)
    rc = run(*cli_args({**NEW, "url": url}, topic))
    err = capsys.readouterr().err
    assert rc == 1
    assert "重复的网址" in err
    # Where the new entry's url would have gone: two lines below the last entry's end.
    file, last = (
        ("roadmap/learn.yml", "              lang: multi  # 多语字幕")
        if topic == "linear-algebra"
        else ("roadmap/topics/shared.yml", "        note: 入门首选。  # 行尾注释")
    )
    text = LEARN if file == "roadmap/learn.yml" else SHARED
    new_url_line = text.splitlines().index(last) + 3
    assert f"{file}:{new_url_line}" in err
    assert existing in err
    assert "Traceback" not in err
    assert snapshot(root) == before
    assert not os.listdir(tempfile.gettempdir())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"url": "javascript:alert(1)"}, "'url': 只接受 http:// 或 https:// 开头的完整网址"),
        ({"type": "blog"}, "'type' 的取值 'blog' 无效"),
        ({"tags": ["Bad_Tag"]}, "'Bad_Tag' 格式不对"),
    ],
    ids=["javascript-url", "unknown-type", "bad-tag"],
)
def test_invalid_field_is_refused_and_nothing_changes(root, capsys, change, message):
    before = snapshot(root)
    assert run(*cli_args({**NEW, **change})) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "roadmap/learn.yml:" in err
    assert "Traceback" not in err
    assert snapshot(root) == before
    with pytest.raises(AddError, match="未写入"):
        add_resource(root, "linear-algebra", {**NEW, **change})
    assert snapshot(root) == before


def test_unknown_topic_suggests_the_closest_id(root, capsys):
    before = snapshot(root)
    assert run(*cli_args(NEW, topic="linear-algebr")) == 1
    err = capsys.readouterr().err
    assert "找不到 id 为 'linear-algebr' 的专题" in err
    assert "你是不是想找：linear-algebra" in err
    with pytest.raises(AddError, match="是阶段的 id"):
        add_resource(root, "basics", NEW)
    assert snapshot(root) == before


def test_missing_required_options_without_interactive(root, capsys):
    assert run("--topic", "calculus", "--title", "x") == 2
    assert "--url --type --lang" in capsys.readouterr().err


def test_interactive_prompts_and_reprompts_from_piped_stdin(root, capsys, monkeypatch):
    answers = [
        "linear-algebr",  # unknown topic → asked again
        "linear-algebra",
        "",  # title is required → asked again
        "Deep Learning",
        "ftp://example.org/",  # not http(s) → asked again
        "https://mml-book.github.io",  # already in the roadmap → asked again
        "https://www.deeplearningbook.org/",
        "blog",  # not a type → asked again
        "book",
        "en",
        "",  # free: default yes
        "expert",  # not a level → asked again
        "advanced",
        "deep-learning, Math",  # bad tag → asked again
        "deep-learning, math",
        "Ian Goodfellow 等",
        "经典教材，前几章是很好的数学复习。",
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(answers) + "\n"))
    assert run("-i") == 0
    out, err = capsys.readouterr()
    assert "已添加到 roadmap/learn.yml:" in out
    assert "book / paper" in out  # allowed values are shown in the prompt
    for problem in (
        "你是不是想找：linear-algebra",
        "此项必填",
        "只接受 http:// 或 https://",
        "已经收录在 roadmap/learn.yml",
        "无效的取值 'blog'",
        "无效的取值 'expert'",
        "标签 Math 格式不对",
    ):
        assert problem in err
    _, block = inserted(LEARN, (root / "roadmap" / "learn.yml").read_text(encoding="utf-8"))
    assert dedent(block, 12) == NEW_LINES


def test_interactive_asks_only_for_missing_fields(root, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("zh\nn\n\n\n\n\n"))
    argv = ["-i", "--topic", "optimization", "--title", "凸优化", "--url", "https://cvx.org/"]
    assert run(*argv, "--type", "book") == 0
    out = capsys.readouterr().out
    assert "标题" not in out and "类型" not in out
    _, block = inserted(SHARED, (root / "roadmap" / "topics" / "shared.yml").read_text("utf-8"))
    assert dedent(block, 4)[1:] == [
        "  - title: 凸优化",
        "    url: https://cvx.org/",
        "    type: book",
        "    lang: zh",
        "    free: false",
    ]


def test_interactive_end_of_input_changes_nothing(root, capsys, monkeypatch):
    before = snapshot(root)
    monkeypatch.setattr(sys, "stdin", io.StringIO("linear-algebra\nOnly a title\n"))
    assert run("--interactive") == 1
    assert "输入已结束" in capsys.readouterr().err
    assert snapshot(root) == before


def _fail_on_replace(monkeypatch):
    def replace(src, dst):
        raise OSError(5, "simulated crash before rename")

    monkeypatch.setattr(jobbook.core.write.os, "replace", replace)


def _fail_half_written(monkeypatch):
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        jobbook.core.write.os, "fdopen", lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k))
    )


@pytest.mark.parametrize("fail", [_fail_on_replace, _fail_half_written], ids=["rename", "write"])
def test_failed_write_leaves_original_and_no_temp_files(root, capsys, monkeypatch, fail):
    before = snapshot(root)
    fail(monkeypatch)
    with pytest.raises(OSError):
        add_resource(root, "linear-algebra", NEW)
    assert snapshot(root) == before
    assert run(*cli_args(NEW)) == 1
    err = capsys.readouterr().err
    assert "原文件未改动" in err and "Traceback" not in err
    assert snapshot(root) == before  # same files, same bytes: no .learn.yml.* left over
    assert not os.listdir(tempfile.gettempdir())  # validation copy cleaned up too
