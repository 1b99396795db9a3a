"""Loader: line numbers for every node, and hostile YAML refused cleanly."""

from __future__ import annotations

import time

from jobbook.load import LineDict, LineList, line_of, load_file


def _load(tmp_path, text: str | bytes):
    path = tmp_path / "roadmap" / "x.yml"
    path.parent.mkdir(exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return load_file(path, tmp_path)


def test_lines_of_keys_and_items(tmp_path):
    loaded = _load(tmp_path, "a: 1\nlist:\n  - x\n  - y: 2\n    z: 3\n")
    data = loaded.data
    assert isinstance(data, LineDict) and isinstance(data["list"], LineList)
    assert data.key_lines == {"a": 1, "list": 2}
    assert data["list"].item_lines == [3, 4]
    assert data["list"][1].key_lines == {"y": 4, "z": 5}
    assert line_of(data, ("list", 1, "z")) == 5
    assert line_of(data, ("list", 1, "missing")) == 4
    assert line_of(data, ("list", 1, "topic", "z")) == 5  # union tags are skipped


def test_relative_path_in_issues(tmp_path):
    loaded = _load(tmp_path, "a: [1\n")
    [issue] = loaded.issues
    assert issue.file == "roadmap/x.yml"
    assert str(issue).startswith("roadmap/x.yml:2: YAML 语法错误")


def test_duplicate_keys_are_reported_with_both_lines(tmp_path):
    loaded = _load(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert [str(i) for i in loaded.issues] == ["roadmap/x.yml:3: 重复的键 'a'（第 1 行已经出现过）"]


def test_bom_and_crlf_are_accepted(tmp_path):
    loaded = _load(tmp_path, b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
    assert not loaded.issues
    assert loaded.data.key_lines == {"a": 1, "b": 2}


def test_non_utf8_is_reported_with_line(tmp_path):
    loaded = _load(tmp_path, b"a: 1\nb: \xff\xfe\n")
    assert [str(i) for i in loaded.issues] == ["roadmap/x.yml:2: 文件不是有效的 UTF-8 编码"]


def test_alias_bomb_is_refused_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    start = time.perf_counter()
    loaded = _load(tmp_path, bomb)
    assert time.perf_counter() - start < 1
    assert loaded.data is None
    assert [str(i) for i in loaded.issues] == [
        "roadmap/x.yml:2: 不支持 YAML 别名（*alias），请直接写出内容"
    ]


def test_deep_nesting_is_refused(tmp_path):
    loaded = _load(tmp_path, "a: " + "[" * 500 + "]" * 500 + "\n")
    assert loaded.data is None
    assert "嵌套层级过深" in str(loaded.issues[0])


def test_python_tags_are_not_executed(tmp_path):
    loaded = _load(tmp_path, "a: !!python/object/apply:os.system ['echo hi']\n")
    assert loaded.data is None
    assert [str(i) for i in loaded.issues] == [
        "roadmap/x.yml:1: 不支持的 YAML 标签 tag:yaml.org,2002:python/object/apply:os.system"
    ]
