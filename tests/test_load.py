"""Loader: line numbers for every node, and hostile YAML refused cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobbook.core import load
from jobbook.core.load import LineDict, LineList, line_of, load_file


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


def test_a_date_that_does_not_exist_is_reported_on_its_line(tmp_path):
    loaded = _load(tmp_path, "a: 1\nreviewed: 2026-02-30\n")
    assert [str(i) for i in loaded.issues] == ["roadmap/x.yml:2: '2026-02-30' 不是有效的日期"]


def test_bom_and_crlf_are_accepted(tmp_path):
    loaded = _load(tmp_path, b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
    assert not loaded.issues
    assert loaded.data.key_lines == {"a": 1, "b": 2}


def test_non_utf8_is_reported_with_line(tmp_path):
    loaded = _load(tmp_path, b"a: 1\nb: \xff\xfe\n")
    assert [str(i) for i in loaded.issues] == ["roadmap/x.yml:2: 文件不是有效的 UTF-8 编码"]


def test_non_utf8_after_a_bom_is_reported_with_line(tmp_path):
    loaded = _load(tmp_path, b"\xef\xbb\xbf\n\n\xff\n")
    assert [str(i) for i in loaded.issues] == ["roadmap/x.yml:3: 文件不是有效的 UTF-8 编码"]


def test_alias_bomb_is_refused_before_anything_is_expanded(tmp_path, monkeypatch):
    """Counted, not timed: not one node is built (expanding it would build 9**9 of them)."""
    from jobbook.core import load

    built: list[object] = []
    real_build = load._Lines._build

    def build(self, node):
        built.append(node)
        if len(built) > 10_000:
            raise AssertionError("the aliases are being expanded")
        return real_build(self, node)

    monkeypatch.setattr(load._Lines, "_build", build)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    loaded = _load(tmp_path, bomb)
    assert built == []
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


# ---- libyaml fast path vs the pure-Python loader ----

ROADMAP = Path(__file__).resolve().parents[1] / "roadmap"
HOSTILE = [
    "a: 1\na: 2\n",
    "x: !!python/object/apply:os.system ['true']\n",
    "x: !custom 1\n",
    "? [a, b]\n: 1\n",
    "a: &x [1]\nb: *x\n",
    "a:\n" + "".join("  " * i + "- \n" for i in range(1, 60)),
    "a: [1, 2\n",
    "",
    "\ufeffa: 1\r\nb: [x, y]\r\n",
    "a:\n\t- 1\n",
    "a: 'x\x07y'\n",
    "t: 对偶\u2028问题\nt: 😀\n",
    "k: 1\n1: 2\nnull: 3\n",
    "a: {b: {c: [1, {d: 2}]}}\nb: 2021-01-01\nc: 1e3\n",
    "a: 1\n---\nb: 2\n",
    "%YAML 1.1\n---\na: [1, {b: c}]\n...\n",
    "- !!str 1\n- !!map {a: 1}\n- &anchor plain\n",
    "j: =\nk: <<\n",
    # where libyaml and PyYAML differ, or a constructor fails: the pure-Python loader words it
    "a: &x 1\nb: &x 2\n",
    "- &a [1]\n- &a {b: 2}\n",
    "a: !!map foo\nb: !!seq bar\n",
    "a: !!bool foo\n",
    "a: !!timestamp foo\n",
    "a: x\ty\n",
    "a: !\nb: ! 12\n",
    # a constructor refuses a plain scalar (twice: a refusal is never remembered)
    "a: 2026-02-30\nb: 2026-02-30\n",
    "a: 0b_\nb: 0b_\n",
    "\ufeff\ufeffa: 1\r\nb: [1,\r\n 2]\r\n",
    # line numbers after lone CRs and multi-line scalars (libyaml's own marks vs git's lines)
    "a: 1\rb: [x,\r y]\nc: 2\n",
    "a: |\n  one\n\n  two\nb: >\n  x\n  y\nc: 'multi\n\n  line'\nd:\n  - 1\n  -\n    e: 2\n",
]


# Clean input that must take the libyaml path (and still match the pure-Python loader).
CLEAN = [
    # every implicit scalar type the resolver knows, plain and quoted
    "a: yes\nb: .inf\nc: 0x1F\nd: ''\ne:\nf: ~\ng: -1.5e3\nh: '12'\ni: 2001-12-14t21:59:43.10-05:00\n"
    'l: [+1, 0o7, 1_000, Null, FALSE, "true", 190:20:30]\n',
    "a: |\n  one\n\n  two\nb: >\n  x\n  y\nc: 'multi\n\n  line'\nd:\n  - 1\n  -\n    e: 2\n",
    "a: 1\rb: [x,\r y]\nc: 2\n",
    "%YAML 1.1\n---\na: [1, {b: c}]\n...\n",
    "# only a comment\n",
    "---\n",
    "- 对偶\n- {k: [[1], {}], 'q': \"\\u00e9\"}\n",
    # a BOM without "\r" (libyaml reads the file's bytes, not the text)
    "\ufeffa: 1\nb: [对偶, 2026-12-02]\n",
    # plain scalars whose first character may start a type, seen twice (short ones are
    # remembered), and one too long to be remembered
    "t: true\nu: title\nv: 2026-12-02\nw: [true, title, 2026-12-02, 1_0, .5, ~]\n"
    "x: " + "1" * 41 + "\ny: " + "true " * 10 + "\n",
]


def _shape(value):
    """Data plus every line number, recursively."""
    if isinstance(value, LineDict):
        items = {k: _shape(v) for k, v in value.items()}
        return ("map", value.line, dict(value.key_lines), items)
    if isinstance(value, LineList):
        return ("seq", value.line, list(value.item_lines), [_shape(v) for v in value])
    return (type(value).__name__, value)


def _both(path: Path, root: Path):
    fast = load_file(path, root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(load, "FAST", False)
        slow = load_file(path, root)
    return fast, slow


@pytest.mark.skipif(not load.FAST, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", sorted(ROADMAP.rglob("*.yml")), ids=lambda p: p.name)
def test_fast_loader_matches_pure_python_on_the_roadmap(path):
    fast, slow = _both(path, ROADMAP.parent)
    assert fast.issues == slow.issues
    assert _shape(fast.data) == _shape(slow.data)


@pytest.mark.skipif(not load.FAST, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("text", HOSTILE)
def test_fast_loader_matches_pure_python_on_hostile_input(tmp_path, text):
    path = tmp_path / "roadmap" / "x.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    fast, slow = _both(path, tmp_path)
    assert [str(i) for i in fast.issues] == [str(i) for i in slow.issues]
    assert _shape(fast.data) == _shape(slow.data)


@pytest.mark.skipif(not load.FAST, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("text", CLEAN)
def test_clean_input_takes_the_fast_path_and_matches_pure_python(tmp_path, text):
    body = text.removeprefix("\ufeff")  # as load_bytes passes it on
    assert load._load_fast(body, "x.yml", body.encode()) is not None
    test_fast_loader_matches_pure_python_on_hostile_input(tmp_path, text)


@pytest.mark.skipif(not load.FAST, reason="PyYAML built without libyaml")
def test_clean_files_take_the_fast_path(tmp_path, monkeypatch):
    calls = []
    original = load._LineLoader.__init__
    monkeypatch.setattr(
        load._LineLoader, "__init__", lambda self, *a: calls.append(1) or original(self, *a)
    )
    _load(tmp_path, "a: 1\nb: [对偶, 😀]\n")
    assert calls == []
    _load(tmp_path, "a: &x 1\nb: *x\n")  # aliases are refused by the pure-Python loader
    assert calls == [1]


def _random_value(rng, depth: int = 0):
    import datetime

    kind = rng.randrange(10 if depth < 4 else 6)
    if kind == 0:
        return rng.choice([True, False, None, 0, -7, 3.25, float("inf"), 1e-3])
    if kind == 1:
        return datetime.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    if kind < 6:
        alphabet = "ab z:#-'\"[]{},&*!|>%@`$对偶\\\t\n"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
    if kind < 8:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = {f"k{rng.randrange(30)}" for _ in range(rng.randrange(5))}
    return {k: _random_value(rng, depth + 1) for k in sorted(keys)}


@pytest.mark.skipif(not load.FAST, reason="PyYAML built without libyaml")
def test_fast_and_pure_loaders_agree_on_generated_documents():
    """Documents dumped in random styles, some cut or with CRLF: both loaders agree
    on data, every line number and every issue (a differential check of the fast path)."""
    import random

    import yaml

    rng = random.Random(17)
    fast_path = 0
    for n in range(1500):
        text = yaml.safe_dump(
            {"root": _random_value(rng)},
            default_flow_style=rng.choice([None, False, True]),
            allow_unicode=rng.random() < 0.7,
            width=rng.choice([20, 80, 1000]),
            indent=rng.choice([2, 4]),
            explicit_start=rng.random() < 0.2,
        )
        if n % 5 == 0:  # cut mid-document: errors must be worded by the same loader
            text = text[: rng.randrange(len(text) + 1)]
        if n % 7 == 0:
            text = text.replace("\n", "\r\n")
        elif n % 11 == 0:
            text = text.replace("\n", "\r")  # lone CRs: lines counted from "\n" by both
        raw = text.encode("utf-8")
        fast = load.load_bytes(raw, "x.yml")
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(load, "FAST", False)
            slow = load.load_bytes(raw, "x.yml")
        assert [str(i) for i in fast.issues] == [str(i) for i in slow.issues], text
        assert _shape(fast.data) == _shape(slow.data), text
        fast_path += load._load_fast(text, "x.yml") is not None
    assert fast_path > 500  # most documents took the fast path, so it was compared
