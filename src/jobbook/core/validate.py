"""Validate the whole roadmap and collect every problem as ``file:line: message``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import ValidationError

from jobbook.core import heap
from jobbook.core.load import (
    Issue,
    LineDict,
    LineList,
    LoadedFile,
    line_of,
    load_file,
    roadmap_files,
)
from jobbook.core.model import FIELD_NAMES, ID_PATTERN, RoadmapFile
from jobbook.core.questions import check_bank, raw_questions
from jobbook.core.renames import alias_issues
from jobbook.core.walk import Kind, walk


@dataclass
class SourceFile:
    """A file that parsed and validated, with its raw (line-annotated) data."""

    rel: str
    raw: Any
    model: RoadmapFile


@dataclass
class Roadmap:
    files: list[SourceFile] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)  # controlled vocabulary: id → label

    @property
    def ok(self) -> bool:
        return not self.issues


_MESSAGES = {
    "missing": "缺少必填字段 '{field}'",
    "extra_forbidden": "未知字段 '{field}'",
    "string_type": "'{field}' 应该是文本",
    "bool_type": "'{field}' 应该是 true 或 false",
    "bool_parsing": "'{field}' 应该是 true 或 false",
    "list_type": "'{field}' 应该是列表（以 - 开头的若干项）",
    "model_type": "'{field}' 应该是键值映射",
    "model_attributes_type": "'{field}' 应该是键值映射",
    "dict_type": "'{field}' 应该是键值映射",
    "float_type": "'{field}' 应该是数字",
    "float_parsing": "'{field}' 应该是数字",
    "int_type": "'{field}' 应该是整数",
    "int_parsing": "'{field}' 应该是整数",
    "string_too_short": "'{field}' 不能为空",
    "too_short": "'{field}' 至少需要 {min_length} 项",
}


def _field_name(loc: tuple[Any, ...]) -> str:
    for part in reversed(loc):
        if isinstance(part, str) and part not in ("topic", "ref"):
            return part
    return "?"


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    name = _field_name(loc)
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, FIELD_NAMES, n=1, cutoff=0.75)
        hint = f"（你是不是想写 '{close[0]}'？）" if close else ""
        return f"未知字段 '{name}'{hint}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"'{name}' 的取值 {error.get('input')!r} 无效，可选：{expected}"
    if kind == "string_pattern_mismatch":
        return f"'{name}' 的取值 {error.get('input')!r} 格式不对：id 只能用小写字母、数字和连字符"
    if kind == "value_error":
        detail = error["ctx"]["error"]
        return str(detail) if name == "?" else f"'{name}': {detail}"
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(field=name, **error.get("ctx", {}))
    return f"'{name}': {error['msg']}"


def _model_issues(loaded: LoadedFile, exc: ValidationError) -> list[Issue]:
    errors = exc.errors(include_url=False)
    # A typo'd key shows up twice (unknown 'titel' + missing 'title'): keep only the typo.
    typos = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            for close in difflib.get_close_matches(loc[-1], FIELD_NAMES, n=1, cutoff=0.75):
                typos.add((*loc[:-1], close))
    issues = []
    seen = set()
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and loc in typos:
            continue
        line = line_of(loaded.data, loc)
        issue = Issue(loaded.rel, line, _message(error))
        if issue not in seen:
            seen.add(issue)
            issues.append(issue)
    return issues


def normalize_url(url: str) -> str:
    """Key under which two URLs count as the same resource."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, ""))


def _dicts(node: Any, key: str) -> list[LineDict]:
    value = node.get(key) if isinstance(node, LineDict) else None
    return [v for v in value if isinstance(v, LineDict)] if isinstance(value, LineList) else []


def _str(node: LineDict, key: str) -> str | None:
    value = node.get(key)
    return value if isinstance(value, str) else None


def _line(node: Any, key: str) -> int:
    if isinstance(node, LineDict):
        return node.key_lines.get(key, node.line)
    return getattr(node, "line", 1)


def _strings(node: Any, key: str) -> list[tuple[str, int]]:
    """String items of a list field with their lines."""
    value = node.get(key) if isinstance(node, LineDict) else None
    if not isinstance(value, LineList):
        return []
    return [(v, ln) for v, ln in zip(value, value.item_lines, strict=True) if isinstance(v, str)]


@dataclass
class _Node:
    rel: str
    kind: Kind  # path | stage | topic | shared
    raw: LineDict


def _raw_nodes(rel: str, raw: LineDict) -> Iterator[_Node]:
    """Paths, stages and topics of one file, from the raw data (valid or not)."""
    for node in walk(raw):
        if node.kind != "ref":  # refs are checked with their stage
            yield _Node(rel, node.kind, node.node)


TRAILING = ".,;:!?)]}>'\"，。；：！？）】》、"
TRACKING = re.compile(
    r"^(utm_\w+|spm|spm_id_from|vd_source|share_source|share_medium|share_from|fbclid|gclid"
    r"|mpshare|srcid|sharer_\w+|clicktime|enterid|exportkey|pass_ticket|wx_header)$"
)


def url_hints(url: str) -> list[str]:
    """Clean-up suggestions for a URL a contributor pasted."""
    hints = []
    if url.rstrip(TRAILING) != url:
        hints.append(f"网址末尾多了标点，应为 {url.rstrip(TRAILING)}")
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    tracked = [k for k, _ in query if TRACKING.match(k)]
    if tracked:
        clean = urlunsplit(
            parts._replace(query=urlencode([(k, v) for k, v in query if k not in tracked]))
        )
        hints.append(f"网址带有跟踪参数 {'、'.join(tracked)}，请删掉：{clean}")
    return hints


def load_tags(roadmap_dir: Path, root: Path) -> tuple[dict[str, str] | None, list[Issue]]:
    """The controlled tag vocabulary from roadmap/tags.yml (None when the file is absent)."""
    path = roadmap_dir / "tags.yml"
    if not path.is_file():
        return None, []
    loaded = load_file(path, root)
    if loaded.issues:
        return None, loaded.issues
    data = loaded.data
    tags = data.get("tags") if isinstance(data, LineDict) else None
    if not isinstance(tags, LineDict):
        return None, [Issue(loaded.rel, 1, "tags.yml 顶层应该是 tags: 映射（标签: 中文名）")]
    issues = []
    for key, label in tags.items():
        line = tags.key_lines.get(key, 1)
        if not isinstance(key, str) or not re.fullmatch(ID_PATTERN, key):
            issues.append(Issue(loaded.rel, line, f"标签 {key!r} 只能用小写字母、数字和连字符"))
        elif not isinstance(label, str) or not label.strip():
            issues.append(Issue(loaded.rel, line, f"标签 '{key}' 缺少中文名"))
    return {str(k): str(v) for k, v in tags.items()}, issues


def _cross_checks(
    loaded: list[LoadedFile], docs_dir: Path | None, tags: dict[str, str] | None = None
) -> list[Issue]:
    """Checks that span nodes and files: ids, references, duplicate URLs, tags, pages."""
    issues: list[Issue] = []
    nodes = [
        n for lf in loaded if isinstance(lf.data, LineDict) for n in _raw_nodes(lf.rel, lf.data)
    ]
    ids: dict[str, tuple[str, int]] = {}
    shared: set[str] = set()
    for node in nodes:
        node_id = _str(node.raw, "id")
        if node_id is None:
            continue
        line = _line(node.raw, "id")
        if node_id in ids:
            where = "{}:{}".format(*ids[node_id])
            issues.append(Issue(node.rel, line, f"重复的 id '{node_id}'（已在 {where} 定义）"))
        else:
            ids[node_id] = (node.rel, line)
        if node.kind == "shared":
            shared.add(node_id)

    topic_ids = {
        i for n in nodes if n.kind in ("topic", "shared") and (i := _str(n.raw, "id")) is not None
    }
    bank = (q for lf in loaded for q in raw_questions(lf.rel, lf.data))
    bank_issues, bank_ids = check_bank(bank, topic_ids, tags, docs_dir)
    issues += bank_issues

    urls: dict[str, tuple[str, int, str]] = {}
    for node in nodes:
        for qid, line in _strings(node.raw, "questions"):
            if qid not in bank_ids:
                close = difflib.get_close_matches(qid, bank_ids, n=1, cutoff=0.7)
                hint = f"（你是不是想写 '{close[0]}'？）" if close else ""
                issues.append(Issue(node.rel, line, f"题库中没有 id 为 '{qid}' 的题目{hint}"))
        for pre, line in _strings(node.raw, "prerequisites"):
            if pre not in ids:
                issues.append(Issue(node.rel, line, f"前置条件引用了不存在的 id '{pre}'"))
        issues += _unique_children(node.rel, node.raw, "milestones")
        if node.kind == "stage":
            for entry in _dicts(node.raw, "topics"):
                ref = _str(entry, "ref")
                if ref is not None and ref not in shared:
                    hint = (
                        "它不是共享专题（要写在某个文件顶层的 topics: 下）"
                        if ref in ids
                        else "没有这个专题"
                    )
                    issues.append(Issue(node.rel, _line(entry, "ref"), f"ref '{ref}' 无效：{hint}"))
            continue
        if node.kind not in ("topic", "shared"):
            continue
        issues += _unique_children(node.rel, node.raw, "self_check")
        for res in _dicts(node.raw, "resources"):
            if tags is not None:
                for tag, line in _strings(res, "tags"):
                    if tag not in tags:
                        close = difflib.get_close_matches(tag, tags, n=1, cutoff=0.6)
                        hint = f"（你是不是想写 '{close[0]}'？）" if close else ""
                        issues.append(
                            Issue(
                                node.rel,
                                line,
                                f"未知标签 '{tag}'{hint}，可用标签见 roadmap/tags.yml",
                            )
                        )
            url = _str(res, "url")
            if url is None or not url.lower().startswith(("http://", "https://")):
                continue
            key = normalize_url(url)
            url_line = _line(res, "url")
            issues += [Issue(node.rel, url_line, hint) for hint in url_hints(url)]
            if key in urls:
                o_file, o_line, o_url = urls[key]
                same = "" if o_url == url else f"（与 {o_url} 实质相同）"
                issues.append(
                    Issue(
                        node.rel, url_line, f"重复的网址 {url}{same}，已在 {o_file}:{o_line} 收录"
                    )
                )
            else:
                urls[key] = (node.rel, url_line, url)
        if docs_dir is not None:
            for page, line in _strings(node.raw, "pages"):
                if not (docs_dir / page).is_file():
                    issues.append(Issue(node.rel, line, f"pages 里的 '{page}' 在 docs/ 中不存在"))
    return issues


def _unique_children(rel: str, raw: LineDict, key: str) -> list[Issue]:
    issues = []
    seen: dict[str, int] = {}
    for item in _dicts(raw, key):
        child_id = _str(item, "id")
        if child_id is None:
            continue
        line = _line(item, "id")
        if child_id in seen:
            issues.append(
                Issue(rel, line, f"{key} 中重复的 id '{child_id}'（第 {seen[child_id]} 行）")
            )
        else:
            seen[child_id] = line
    return issues


def validate_files(
    paths: list[Path],
    root: Path,
    docs_dir: Path | None = None,
    tags: dict[str, str] | None = None,
) -> Roadmap:
    """Load and validate files; all problems are collected, none raised."""
    with heap.collector_paused():
        return _validate_files(paths, root, docs_dir, tags)


def _validate_files(
    paths: list[Path],
    root: Path,
    docs_dir: Path | None,
    tags: dict[str, str] | None,
) -> Roadmap:
    roadmap = Roadmap()
    parsed: list[LoadedFile] = []
    for path in paths:
        loaded = load_file(path, root)
        roadmap.issues.extend(loaded.issues)
        if loaded.data is None and not loaded.issues:
            roadmap.issues.append(Issue(loaded.rel, 1, "文件是空的"))
            continue
        if loaded.issues:
            continue
        if not isinstance(loaded.data, LineDict):
            roadmap.issues.append(
                Issue(loaded.rel, 1, "文件顶层应该是键值映射（path: 或 topics:）")
            )
            continue
        parsed.append(loaded)
        try:
            model = RoadmapFile.model_validate(loaded.data)
        except ValidationError as exc:
            roadmap.issues.extend(_model_issues(loaded, exc))
            continue
        roadmap.files.append(SourceFile(loaded.rel, loaded.data, model))
    roadmap.issues.extend(_cross_checks(parsed, docs_dir, tags))
    roadmap.issues.extend(alias_issues((lf.rel, lf.data) for lf in parsed))
    roadmap.issues.sort(key=lambda i: (i.file, i.line))
    return roadmap


def validate_dir(roadmap_dir: Path, root: Path, docs_dir: Path | None = None) -> Roadmap:
    files = roadmap_files(roadmap_dir)
    tags, tag_issues = load_tags(roadmap_dir, root)
    roadmap = validate_files(files, root, docs_dir, tags)
    roadmap.issues[:0] = tag_issues
    roadmap.tags = tags or {}
    if not files:
        rel = roadmap_dir.as_posix()
        roadmap.issues.append(Issue(rel, 1, "目录中没有 .yml 文件"))
    return roadmap
