"""``jobbook add``: append one resource to a topic without disturbing the YAML around it.

Only the lines of the new entry are spliced into the file (:mod:`jobbook.core.yamlinsert`),
so comments, quoting, spacing, CRLF and a BOM stay byte for byte. The candidate text must
mean exactly "old file + new entry" and must not add any issue to ``jobbook check`` before
it replaces the file atomically.
"""

from __future__ import annotations

import argparse
import difflib
import operator
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import TypeAdapter, ValidationError

from jobbook.core import paths
from jobbook.core.load import load_file, relative_name, roadmap_files
from jobbook.core.model import ID_PATTERN, HttpUrl, Lang, Level, ResourceType
from jobbook.core.recheck import issues_added
from jobbook.core.validate import normalize_url
from jobbook.core.walk import Keys, walk
from jobbook.core.write import write_file
from jobbook.core.yamlinsert import InsertError, append_item
from jobbook.tools.prompt import Aborted, ask, ask_yes

FIELD_ORDER = ("title", "url", "type", "lang", "free", "level", "tags", "authors", "note")
REQUIRED = ("title", "url", "type", "lang")
TYPES: tuple[str, ...] = get_args(ResourceType)
LANGS: tuple[str, ...] = get_args(Lang)
LEVELS: tuple[str, ...] = get_args(Level)

_FastLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_URL_CHECK = TypeAdapter(HttpUrl)
_KINDS = {"path": "路线", "stage": "阶段"}


class AddError(Exception):
    """A user error; nothing was written.  ``lines`` are meant to be printed one per line."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        self.message = message
        self.details = list(details or [])
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        return [self.message, *self.details]


@dataclass(frozen=True)
class _Topic:
    id: str
    file: Path
    rel: str
    keys: Keys  # where the topic mapping sits inside its file


@dataclass
class _Index:
    topics: dict[str, list[_Topic]] = field(default_factory=dict)
    other_ids: dict[str, str] = field(default_factory=dict)  # path/stage id → kind
    urls: dict[str, str] = field(default_factory=dict)  # normalized URL → where
    broken: list[str] = field(default_factory=list)


def _build_index(root: Path, files: list[Path]) -> _Index:
    index = _Index()
    for file in files:
        rel = relative_name(file, root)
        try:
            data = yaml.load(file.read_text(encoding="utf-8-sig"), Loader=_FastLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            index.broken.append(rel)
            continue
        for node in walk(data):
            node_id = node.node.get("id")
            if node.kind in _KINDS and isinstance(node_id, str):
                index.other_ids[node_id] = _KINDS[node.kind]
            if node.kind not in ("topic", "shared"):
                continue
            if isinstance(node_id, str):
                index.topics.setdefault(node_id, []).append(_Topic(node_id, file, rel, node.keys))
            resources = node.node.get("resources")
            for res in resources if isinstance(resources, list) else []:
                url = res.get("url") if isinstance(res, dict) else None
                if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
                    index.urls.setdefault(normalize_url(url), f"{rel}（专题 {node_id}）")
    return index


def _roadmap_files(root: Path) -> list[Path]:
    folder = root / "roadmap"
    files = roadmap_files(folder) if folder.is_dir() else []
    if not files:
        raise AddError(f"{folder} 中没有路线图 YAML 文件")
    return files


def _find_topic(index: _Index, topic_id: str) -> _Topic:
    found = index.topics.get(topic_id, [])
    if len(found) == 1:
        return found[0]
    if found:
        where = "、".join(t.rel for t in found)
        raise AddError(f"专题 id '{topic_id}' 在多处定义（{where}），请先用 jobbook check 修复")
    details = []
    kind = index.other_ids.get(topic_id)
    if kind:
        details.append(f"'{topic_id}' 是{kind}的 id，资源只能加到专题上")
    close = difflib.get_close_matches(topic_id, list(index.topics), n=5, cutoff=0.6)
    details.append("你是不是想找：" + "、".join(close) if close else "没有相近的专题 id")
    if index.broken:
        details.append("以下文件无法解析，没有在其中查找：" + "、".join(index.broken))
    raise AddError(f"找不到 id 为 '{topic_id}' 的专题", details)


def _entry(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resource in canonical key order, stripped, without absent optional fields."""
    if not isinstance(resource, Mapping):
        raise TypeError("resource must be a mapping")
    extra = [k for k in resource if k not in FIELD_ORDER]
    entry: dict[str, Any] = {}
    for key in (*FIELD_ORDER, *extra):
        if key not in resource or resource[key] is None:
            continue
        value = resource[key]
        if key == "tags":
            items = re.split(r"[,\s，]+", value) if isinstance(value, str) else list(value)
            value = [t.strip() if isinstance(t, str) else t for t in items]
            value = [t for t in value if t != ""]
        elif isinstance(value, str):
            value = value.strip()
        if key not in REQUIRED and value in ("", []):
            continue
        entry[key] = value
    return entry


def _render(raw: str, topic: _Topic, entry: dict[str, Any]) -> tuple[str, int]:
    """The new file text and the line of the new entry; nothing is written."""
    where = f"{topic.rel} 中专题 '{topic.id}'"
    try:
        text, line = append_item(raw, topic.keys, "resources", entry, before="pages")
    except InsertError as exc:
        raise AddError(
            {
                "flow": f"{where} 的 resources 写成了行内列表 [...]，"
                "请先改成每项以 - 开头的块格式再添加",
                "type": f"{where} 的 resources 应该是列表，请先用 jobbook check 修复",
            }.get(str(exc), f"{topic.rel}: 插入位置附近的格式无法保留，请手动添加")
        ) from None
    except yaml.YAMLError as exc:
        raise AddError(f"{topic.rel}: YAML 无法解析：{exc}") from None
    # The result must mean exactly the old file plus the entry.
    expected = yaml.load(raw.removeprefix("\ufeff"), Loader=_FastLoader)
    target = reduce(operator.getitem, topic.keys, expected)
    target["resources"] = [*(target.get("resources") or []), entry]
    try:
        ok = yaml.load(text.removeprefix("\ufeff"), Loader=_FastLoader) == expected
    except yaml.YAMLError:
        ok = False
    if not ok:
        raise AddError(
            f"{topic.rel}: 写回后的内容与预期不符（格式无法安全保留），未写入，请手动添加"
        )
    return text, line


def add_resource(root: Path, topic_id: str, resource: dict) -> tuple[Path, int]:
    """Append ``resource`` to the topic ``topic_id`` under ``root/roadmap``.

    Returns the file and the 1-based line of the new entry.  Raises :class:`AddError`
    (nothing written) for an unknown topic or when the result would add any issue that
    ``jobbook check`` reports; the file is replaced atomically otherwise.
    """
    root = Path(root)
    entry = _entry(resource)
    files = _roadmap_files(root)
    topic = _find_topic(_build_index(root, files), topic_id)
    loaded = load_file(topic.file, root)
    if loaded.issues:
        raise AddError(
            f"{topic.rel} 本身有问题，请先修复（jobbook check）再添加：",
            [str(issue) for issue in loaded.issues],
        )
    raw = topic.file.read_bytes().decode("utf-8")
    text, line = _render(raw, topic, entry)
    issues = issues_added(files, root, topic.file, text)
    if issues:
        raise AddError(
            "新资源会引入以下问题，未写入（行号按添加后的文件计算）：",
            [str(issue) for issue in issues],
        )
    write_file(topic.file, text)
    return topic.file, line


def _split_tags(values: list[str]) -> list[str]:
    return [t for v in values for t in re.split(r"[,\s，]+", v) if t]


def _check_url(index: _Index) -> Callable[[str], str | None]:
    def check(url: str) -> str | None:
        try:
            _URL_CHECK.validate_python(url)
        except ValidationError as exc:
            error = exc.errors()[0]
            return str(error.get("ctx", {}).get("error") or error["msg"])
        where = index.urls.get(normalize_url(url))
        return f"这个网址已经收录在 {where}，请换一个" if where else None

    return check


def _check_topic(index: _Index) -> Callable[[str], str | None]:
    def check(topic_id: str) -> str | None:
        try:
            _find_topic(index, topic_id)
        except AddError as exc:
            return "；".join(exc.lines)
        return None

    return check


def _check_tags(answer: str) -> str | None:
    bad = [t for t in _split_tags([answer]) if not re.match(ID_PATTERN, t)]
    return f"标签 {'、'.join(bad)} 格式不对：只能用小写字母、数字和连字符" if bad else None


def _prompt_missing(args: argparse.Namespace, root: Path) -> None:
    """Ask for every field not given on the command line (stdin may be a pipe)."""
    index = _build_index(root, _roadmap_files(root))
    questions: list[tuple[str, str, dict[str, Any]]] = [
        ("topic", "专题 id", {"required": True, "check": _check_topic(index)}),
        ("title", "标题", {"required": True}),
        ("url", "网址", {"required": True, "check": _check_url(index)}),
        ("type", "类型", {"choices": TYPES, "required": True}),
        ("lang", "语言", {"choices": LANGS, "required": True}),
        ("free", "是否免费", {}),
        ("level", "难度", {"choices": LEVELS}),
        ("tags", "标签，用逗号或空格分隔", {"check": _check_tags}),
        ("authors", "作者", {}),
        ("note", "一句话点评", {}),
    ]
    for name, label, options in questions:
        if name == "free" and args.free is None:
            args.free = ask_yes(label)
        elif name == "tags" and args.tags is None:
            answer = ask(label, **options)
            args.tags = [answer] if answer else []
        elif name not in ("free", "tags") and not getattr(args, name):
            setattr(args, name, ask(label, **options))


def _resource_from_args(args: argparse.Namespace) -> dict[str, Any]:
    resource = {name: getattr(args, name) for name in FIELD_ORDER}
    return resource | {"tags": _split_tags(args.tags or [])}


def _cmd_add(args: argparse.Namespace) -> int:
    root = paths.repo_root()
    try:
        if args.interactive:
            _prompt_missing(args, root)
        missing = [f"--{name}" for name in ("topic", *REQUIRED) if not getattr(args, name)]
        if missing:
            print(f"缺少必填参数 {' '.join(missing)}（或用 -i 逐项输入）", file=sys.stderr)
            return 2
        file, line = add_resource(root, args.topic, _resource_from_args(args))
    except AddError as exc:
        for text in exc.lines:
            print(text, file=sys.stderr)
        return 1
    except Aborted:
        print("\n输入已结束，未添加任何资源", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n已取消，未修改任何文件", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"读写文件失败，原文件未改动：{exc}", file=sys.stderr)
        return 1
    print(f"已添加到 {relative_name(file, root)}:{line}")
    return 0


def add_parser(subparsers: Any) -> None:
    """Register ``jobbook add`` on an ``ArgumentParser.add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "add",
        help="向某个专题追加一条学习资源（校验通过才写回，保留原有注释和格式）",
        description="向 roadmap/ 中某个专题的 resources 末尾追加一条资源。"
        "写入前会对整个路线图做 jobbook check 同样的校验（网址重复、取值无效等），"
        "有问题就不改动任何文件。",
    )
    add = parser.add_argument
    add("--topic", metavar="ID", help="专题 id（路线里的行内专题或共享专题）")
    add("--title", help="资源标题（必填）")
    add("--url", help="网址，只接受 http:// 或 https://（必填）")
    add("--type", metavar="TYPE", help=f"类型（必填）：{' / '.join(TYPES)}")
    add("--lang", metavar="LANG", help=f"语言（必填）：{' / '.join(LANGS)}")
    free = parser.add_mutually_exclusive_group()
    free.add_argument("--free", action="store_true", default=None, help="免费（不写时默认免费）")
    free.add_argument("--paid", dest="free", action="store_false", default=None, help="付费")
    add("--level", metavar="LEVEL", help=f"难度：{' / '.join(LEVELS)}")
    add(
        "--tag",
        dest="tags",
        action="append",
        metavar="TAG",
        help="标签，可重复使用，也可以用逗号分隔多个",
    )
    add("--authors", help="作者")
    add("--note", help="一句话点评")
    add("-i", "--interactive", action="store_true", help="逐项提示输入命令行里没给的字段")
    parser.set_defaults(func=_cmd_add)
