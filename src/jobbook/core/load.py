"""Read roadmap YAML files, keeping the line of every mapping, key and list item."""

from __future__ import annotations

import bisect
import codecs
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000
_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)
# libyaml available (PyYAML wheels ship it); the resolver shortcut below assumes no path
# or wildcard resolvers, as in SafeLoader.
FAST = (
    _CSafeLoader is not None
    and not _CSafeLoader.yaml_path_resolvers
    and None not in _CSafeLoader.yaml_implicit_resolvers
)
# Files the pure-Python loader reads instead of libyaml, found in one scan of the text:
# - characters PyYAML's reader rejects or treats as line breaks (it words those);
# - where libyaml and PyYAML disagree: tabs, and a second BOM, which libyaml leaves out
#   of its offsets. (libyaml is the reference for the rest, e.g. a comment right after a
#   block scalar's "|", which PyYAML refuses.)
_PURE_PYTHON_ONLY = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff\t\ufeff]"
)
_STR = "tag:yaml.org,2002:str"
# Implicit scalar types by first character ("" for the empty scalar), as SafeLoader resolves.
_IMPLICIT: dict[str, list[tuple[str, Any]]] = (
    dict(_CSafeLoader.yaml_implicit_resolvers) if _CSafeLoader is not None else {}
)
_SCALAR_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp")
}
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


@dataclass(frozen=True)
class Issue:
    """One problem found in the roadmap, located at ``file:line``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {printable(self.message)}"


def printable(text: str) -> str:
    """One printable line: control characters, line separators and lone surrogates escaped."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class LineDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    """A sequence that remembers its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


@dataclass
class LoadedFile:
    path: Path
    rel: str
    data: Any = None
    issues: list[Issue] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Lines:
    """Builds LineDict/LineList from composed nodes; shared by both loaders below."""

    rel: str
    found: list[Issue]
    _newlines: list[int]

    def _setup(self, stream: str, rel: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", stream)]
        self.rel = rel
        self.found = []

    def line_at(self, mark: Any) -> int:
        """1-based line as git and editors count it (PyYAML also breaks at U+2028 etc.)."""
        return bisect.bisect_right(self._newlines, mark.index - 1) + 1

    def construct_document(self, node: Node) -> Any:
        return self._build(node)

    def _build(self, node: Node) -> Any:
        line = self.line_at(node.start_mark)
        tag = node.tag
        if tag not in _PLAIN_TAGS:  # also every local "!tag"
            raise _Refused(line, f"不支持的 YAML 标签 {tag}")
        kind = type(node)
        if kind is ScalarNode:
            if tag == _STR:  # most scalars: skip the constructor's per-node bookkeeping
                return node.value
            if tag in _SCALAR_TAGS:
                try:
                    return self.yaml_constructors[tag](self, node)  # type: ignore[attr-defined]
                except ValueError as exc:  # e.g. 2026-02-30: the date pattern, not a date
                    what = "日期" if tag.endswith(":timestamp") else "值"
                    raise _Refused(line, f"'{node.value}' 不是有效的{what}") from exc
            return self.construct_object(node, deep=True)  # type: ignore[attr-defined]
        if kind is MappingNode:
            result = LineDict()
            result.line = line
            result.key_lines = key_lines = {}
            for key_node, value_node in node.value:
                key_line = self.line_at(key_node.start_mark)
                if type(key_node) is not ScalarNode:
                    self.found.append(Issue(self.rel, key_line, "键必须是普通字符串"))
                    continue
                key = key_node.value
                if key_node.tag != _STR:
                    key = str(self.construct_object(key_node, deep=True))  # type: ignore[attr-defined]
                if key in result:
                    first = key_lines[key]
                    self.found.append(
                        Issue(self.rel, key_line, f"重复的键 '{key}'（第 {first} 行已经出现过）")
                    )
                    continue
                result[key] = self._build(value_node)
                key_lines[key] = key_line
            return result
        items = LineList(self._build(child) for child in node.value)
        items.line = line
        items.item_lines = [self.line_at(child.start_mark) for child in node.value]
        return items


class _Unusual(Exception):
    """Something the event builder leaves to the pure-Python loader."""


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_REMEMBERED_LEN = 40  # keys, dates, numbers; longer prose would only push them out


def _resolved(value: str) -> Any:
    """A plain scalar whose first character may start an implicit type: SafeLoader's value."""
    for tag, regexp in _IMPLICIT[value[:1]]:
        if regexp.match(value):
            if tag not in _PLAIN_TAGS:
                raise _Unusual  # "<<", "=": refused by the pure-Python loader
            # SafeConstructor's scalar constructors read only the node's value.
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value))
    return value


# Short values are remembered: keys such as "title", "type" or "topic" (a "t" may start
# "true") and dates recur on every item of every file, and every result (str, bool, int,
# float, None, date, datetime) is immutable. A value refused raises, and is not kept.
_resolved_short = functools.lru_cache(maxsize=4096)(_resolved)


_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END, _DOC_END = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentEndEvent


def _from_events(text: str, utf8: bytes | None = None) -> Any:
    """LineDict/LineList straight from libyaml's events, in one pass and without recursion.

    Only clean input is built here: an alias, an explicit tag, a non-string or repeated
    key, too deep or too many nodes, or a YAML error raise ``_Unusual`` or YAMLError, and
    the pure-Python loader then decides and words the issue. Without "\\r" libyaml's own
    line numbers are git's (U+2028 and friends never get here); with it, lines are
    counted from the character offsets. The loop sees every node of every file, so the
    open collection lives in locals, not on the stack.
    """
    marks_are_lines = "\r" not in text
    newlines = [] if marks_are_lines else [m.start() for m in re.finditer("\n", text)]
    # ``utf8`` (the file's bytes without their BOM) spares libyaml's reader encoding the
    # text again; its marks count characters either way.
    parser = _CSafeLoader(text if utf8 is None else utf8)
    scalar, map_end, seq_end, implicit = _SCALAR, _MAP_END, _SEQ_END, _IMPLICIT
    resolved, short, remembered = _resolved, _resolved_short, _REMEMBERED_LEN
    try:
        get = parser.get_event
        get()  # StreamStartEvent
        if type(get()) is yaml.StreamEndEvent:
            return None  # an empty file
        root: Any = None
        # The open collection, its key_lines (a map) or item_lines (a list), its kind and
        # a key awaiting its value; ``outer`` holds the same for the collections around it.
        container: Any = None
        lines: Any = None
        is_map = False
        key: str | None = None
        outer: list[tuple[Any, Any, bool, str | None]] = []
        nodes = 0
        while True:
            event = get()
            kind = type(event)
            if kind is scalar:  # most events: handled first and completely
                nodes += 1
                if event.anchor is not None or event.tag is not None or nodes > MAX_NODES:
                    raise _Unusual  # anchors, explicit tags (even "!"), limits: pure Python
                value = event.value
                if event.implicit[0] and value[:1] in implicit:  # plain: implicit types
                    value = short(value) if len(value) <= remembered else resolved(value)
                if marks_are_lines:
                    line = event.start_mark.line + 1
                else:
                    line = bisect.bisect_right(newlines, event.start_mark.index - 1) + 1
                # Placed as a collection is placed below, written out twice so that the
                # scalar path (most events) needs no call and no second test of its kind.
                if is_map:
                    if key is None:
                        if type(value) is not str or value in container:
                            raise _Unusual  # a non-string or repeated key
                        key = value
                        lines[value] = line
                    else:
                        container[key] = value
                        key = None
                elif container is not None:
                    container.append(value)
                    lines.append(line)
                else:
                    root = value
                continue
            if kind is map_end or kind is seq_end:
                container, lines, is_map, key = outer.pop()
                continue
            if kind is not _MAP_START and kind is not _SEQ_START:
                if kind is _DOC_END:
                    if type(get()) is not yaml.StreamEndEvent:
                        raise _Unusual  # a second document: the pure-Python loader refuses it
                    return root
                raise _Unusual  # an alias
            nodes += 1
            if event.anchor is not None or event.tag is not None or nodes > MAX_NODES:
                raise _Unusual
            if (is_map and key is None) or len(outer) + 1 >= MAX_DEPTH:
                raise _Unusual  # a collection as a key, or too deep
            mark = event.start_mark
            if marks_are_lines:
                line = mark.line + 1
            else:
                line = bisect.bisect_right(newlines, mark.index - 1) + 1
            if kind is _MAP_START:
                value = LineDict()
                value.key_lines = child_lines = {}
            else:
                value = LineList()
                value.item_lines = child_lines = []
            value.line = line
            if is_map:
                container[key] = value
                key = None
            elif container is not None:
                container.append(value)
                lines.append(line)
            else:
                root = value
            outer.append((container, lines, is_map, key))
            container, lines, is_map, key = value, child_lines, kind is _MAP_START, None
    finally:
        parser.dispose()


def _load_fast(text: str, rel: str, utf8: bytes | None = None) -> tuple[Any, list[Issue]] | None:
    """Data via libyaml, or None to let the pure-Python loader decide.

    Anything unusual (an error, an alias, a limit, a tag, a repeated key) goes to the
    pure-Python loader, which reports it with the exact messages and lines.
    """
    if not FAST or _PURE_PYTHON_ONLY.search(text):
        return None
    try:
        return _from_events(text, utf8), []
    except (_Unusual, yaml.YAMLError, ValueError, TypeError, OverflowError, LookupError):
        return None
    except AttributeError:  # e.g. "!!timestamp foo" in PyYAML's constructor
        return None


class _LineLoader(_Lines, yaml.SafeLoader):
    """SafeLoader building LineDict/LineList, refusing aliases and duplicate keys."""

    def __init__(self, stream: str, rel: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._setup(stream, rel)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # Aliases enable "billion laughs" expansions and are never needed in a roadmap.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                self.line_at(event.start_mark), "不支持 YAML 别名（*alias），请直接写出内容"
            )
        depth = getattr(self, "_depth", 0) + 1
        if depth > MAX_DEPTH:
            raise _Refused(self.line_at(self.peek_event().start_mark), "嵌套层级过深")
        self._depth = depth
        self._count = getattr(self, "_count", 0) + 1
        if self._count > MAX_NODES:
            raise _Refused(self.line_at(self.peek_event().start_mark), "文件节点过多")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1


def line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def relative_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_file(path: Path, root: Path) -> LoadedFile:
    """Parse one YAML file; problems become issues, never exceptions."""
    rel = relative_name(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        loaded = LoadedFile(path=path, rel=rel)
        loaded.issues.append(Issue(rel, 1, f"无法读取文件：{exc.strerror or exc}"))
        return loaded
    return load_bytes(raw, rel, path)


def load_bytes(raw: bytes, rel: str, path: Path | None = None) -> LoadedFile:
    """Parse YAML given as bytes (e.g. from ``git show``), reported as file ``rel``."""
    loaded = LoadedFile(path=path or Path(rel), rel=rel)
    if len(raw) > MAX_FILE_BYTES:
        loaded.issues.append(Issue(rel, 1, f"文件过大（超过 {MAX_FILE_BYTES // 1_000_000} MB）"))
        return loaded
    try:
        # One leading BOM dropped, as "utf-8-sig" does, without that codec's Python wrapper
        # (and with error offsets counted from the first byte of the file).
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        loaded.issues.append(Issue(rel, line, "文件不是有效的 UTF-8 编码"))
        return loaded
    fast = _load_fast(text, rel, raw.removeprefix(codecs.BOM_UTF8))
    if fast is not None:
        loaded.data, found = fast
        loaded.issues.extend(found)
        return loaded
    try:
        loader = _LineLoader(text, rel)
    except yaml.reader.ReaderError as exc:  # the reader rejects control characters up front
        line = text[: exc.position].count("\n") + 1
        loaded.issues.append(Issue(rel, line, f"文件含有不允许的控制字符 U+{exc.character:04X}"))
        return loaded
    try:
        data = loader.get_single_data()
    except _Refused as exc:
        loaded.issues.append(Issue(rel, exc.line, exc.message))
        return loaded
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_at(text, mark.index) if mark else 1
        loaded.issues.append(Issue(rel, line, f"YAML 语法错误：{exc.problem or exc.context}"))
        return loaded
    except (LookupError, AttributeError):  # PyYAML's constructors on e.g. "!!bool foo"
        loaded.issues.append(Issue(rel, 1, "YAML 无法解析：值与它的类型标签（!!…）不符"))
        return loaded
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        loaded.issues.append(Issue(rel, 1, f"YAML 无法解析：{exc}"))
        return loaded
    finally:
        loader.dispose()
    loaded.data = data
    loaded.issues.extend(loader.found)
    return loaded


def roadmap_files(roadmap_dir: Path) -> list[Path]:
    """All roadmap YAML files, sorted for a stable order."""
    files = [*roadmap_dir.rglob("*.yml"), *roadmap_dir.rglob("*.yaml")]
    return sorted(p for p in files if p.name != "tags.yml")


def line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """Best line for a pydantic error location: the deepest node that exists."""
    node = data
    line = getattr(data, "line", 1) or 1
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        elif isinstance(node, LineList | LineDict) and isinstance(part, str):
            continue  # union tags such as "topic"/"ref" are not in the data
        else:
            break
    return line
