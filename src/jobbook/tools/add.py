"""``jobbook add``: append one resource to a topic without disturbing the YAML around it.

The file is edited with ruamel.yaml in round-trip mode, but only the lines of the new
entry are spliced into the original text, so everything ruamel would normalise on the
way (a comment before ``---``, ``key:  value`` spacing, trailing blanks, CRLF, a BOM …)
stays byte for byte.  The candidate text must mean exactly "old file + new entry" and must
not add any issue to ``jobbook check`` before it replaces the file atomically.
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.error import YAMLError as RuamelYAMLError
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from jobbook.core import paths
from jobbook.core.load import Issue, load_file, relative_name, roadmap_files
from jobbook.core.model import ID_PATTERN, HttpUrl, Lang, Level, ResourceType
from jobbook.core.validate import load_tags, normalize_url, validate_files
from jobbook.core.write import write_file

FIELD_ORDER = ("title", "url", "type", "lang", "free", "level", "tags", "authors", "note")
REQUIRED = ("title", "url", "type", "lang")
TYPES: tuple[str, ...] = get_args(ResourceType)
LANGS: tuple[str, ...] = get_args(Lang)
LEVELS: tuple[str, ...] = get_args(Level)

_FastLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_KEY_ONLY = re.compile(r"^( *)(- +)?[^\s#-][^#]*?:[ \t]*(#.*)?$")
_URL_CHECK = TypeAdapter(HttpUrl)


class AddError(Exception):
    """A user error; nothing was written.  ``lines`` are meant to be printed one per line."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        self.message = message
        self.details = list(details or [])
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        return [self.message, *self.details]


# --------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class _Topic:
    id: str
    file: Path
    rel: str
    keys: tuple[str | int, ...]  # where the topic mapping sits inside its file


@dataclass
class _Index:
    topics: dict[str, list[_Topic]] = field(default_factory=dict)
    other_ids: dict[str, str] = field(default_factory=dict)  # path/stage id → kind
    urls: dict[str, str] = field(default_factory=dict)  # normalized URL → where
    broken: list[str] = field(default_factory=list)


def _dict_items(value: Any) -> Iterator[tuple[int, dict]]:
    if isinstance(value, list):
        for n, item in enumerate(value):
            if isinstance(item, dict):
                yield n, item


def _walk_topics(data: Any) -> Iterator[tuple[tuple[str | int, ...], dict]]:
    """Inline topics under ``path.stages[].topics[]`` and shared ones under ``topics[]``."""
    if not isinstance(data, dict):
        return
    path = data.get("path")
    if isinstance(path, dict):
        for s, stage in _dict_items(path.get("stages")):
            for t, topic in _dict_items(stage.get("topics")):
                if "ref" not in topic:
                    yield ("path", "stages", s, "topics", t), topic
    for t, topic in _dict_items(data.get("topics")):
        yield ("topics", t), topic


def _build_index(root: Path, files: list[Path]) -> _Index:
    index = _Index()
    for file in files:
        rel = relative_name(file, root)
        try:
            data = yaml.load(file.read_text(encoding="utf-8-sig"), Loader=_FastLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            index.broken.append(rel)
            continue
        if isinstance(data, dict) and isinstance(data.get("path"), dict):
            path = data["path"]
            if isinstance(path.get("id"), str):
                index.other_ids[path["id"]] = "路线"
            for _, stage in _dict_items(path.get("stages")):
                if isinstance(stage.get("id"), str):
                    index.other_ids[stage["id"]] = "阶段"
        for keys, topic in _walk_topics(data):
            topic_id = topic.get("id")
            if isinstance(topic_id, str):
                index.topics.setdefault(topic_id, []).append(_Topic(topic_id, file, rel, keys))
            for _, res in _dict_items(topic.get("resources")):
                url = res.get("url")
                if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
                    index.urls.setdefault(normalize_url(url), f"{rel}（专题 {topic_id}）")
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
    if close:
        details.append("你是不是想找：" + "、".join(close))
    else:
        details.append("没有相近的专题 id")
    if index.broken:
        details.append("以下文件无法解析，没有在其中查找：" + "、".join(index.broken))
    raise AddError(f"找不到 id 为 '{topic_id}' 的专题", details)


# --------------------------------------------------------------------------- editing


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


def _scalar(value: Any) -> Any:
    # ruamel writes YAML 1.2, the checker (PyYAML) reads YAML 1.1: quote what 1.1 would
    # not read back as text, e.g. `on`, `yes`, `1:30`.
    if isinstance(value, str):
        tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
        if tag != _STR_TAG:
            return SingleQuotedScalarString(value)
    return value


def _commented(entry: dict[str, Any]) -> CommentedMap:
    item = CommentedMap()
    for key, value in entry.items():
        if isinstance(value, list):
            seq = CommentedSeq(_scalar(v) for v in value)
            if key == "tags":
                seq.fa.set_flow_style()
            value = seq
        item[key] = _scalar(value)
    return item


def _is_block(value: Any) -> bool:
    return (
        isinstance(value, CommentedMap | CommentedSeq)
        and len(value) > 0
        and not value.fa.flow_style()
    )


def _leaf(container: Any, key: Any) -> tuple[Any, Any]:
    """The innermost (container, key) written last for ``container[key]``."""
    while _is_block(container[key]):
        container = container[key]
        key = list(container)[-1] if isinstance(container, CommentedMap) else len(container) - 1
    return container, key


def _slot(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def _take_trailing(container: Any, key: Any) -> str | None:
    """Detach the lines (blank lines, comments) that follow ``container[key]``.

    ruamel attaches them to the last scalar before them, so a new sibling appended after
    that node would land *below* them; keep the end-of-line comment where it is.
    """
    container, key = _leaf(container, key)
    entry = container.ca.items.get(key)
    token = entry[_slot(container)] if entry and len(entry) > _slot(container) else None
    if not isinstance(token, CommentToken):
        return None
    value = token.value
    cut = value.find("\n")
    if cut < 0 or cut == len(value) - 1:
        return None
    token.value = value[: cut + 1]
    return value[cut + 1 :]


def _put_trailing(container: Any, key: Any, text: str | None) -> None:
    if not text:
        return
    container, key = _leaf(container, key)
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    entry[_slot(container)] = CommentToken("\n" + text, CommentMark(0))


def _append(topic: CommentedMap, item: CommentedMap, where: str) -> bool:
    """Add ``item`` to ``topic['resources']``; True if the key's own line may change."""
    seq = topic.get("resources")
    if isinstance(seq, CommentedSeq) and len(seq):
        if seq.fa.flow_style():
            raise AddError(
                f"{where} 的 resources 写成了行内列表 [...]，请先改成每项以 - 开头的块格式再添加"
            )
        trailing = _take_trailing(topic, "resources")
        seq.append(item)
        _put_trailing(topic, "resources", trailing)
        return False
    if "resources" in topic and seq is not None and not isinstance(seq, CommentedSeq):
        raise AddError(f"{where} 的 resources 应该是列表，请先用 jobbook check 修复")
    new = CommentedSeq([item])
    new.fa.set_block_style()
    if "resources" in topic:  # `resources:` (null) or `resources: []`
        trailing = _take_trailing(topic, "resources")
        topic["resources"] = new
        _put_trailing(topic, "resources", trailing)
        return True
    keys = list(topic)
    pos = keys.index("pages") if "pages" in keys[1:] else len(keys)
    trailing = _take_trailing(topic, keys[pos - 1]) if pos else None
    topic.insert(pos, "resources", new)
    _put_trailing(topic, "resources", trailing)
    return False


def _guess_indent(lines: list[str]) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ``YAML.indent()`` takes them, from the file itself."""
    maps: Counter[int] = Counter()
    seqs: Counter[tuple[int, int]] = Counter()
    key_col: int | None = None
    for line in lines:
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        col = len(line) - len(stripped)
        if key_col is not None:
            if stripped.startswith("- ") and col >= key_col:
                content = col + 2 + len(stripped[2:]) - len(stripped[2:].lstrip(" "))
                seqs[(content - key_col, col - key_col)] += 1
            elif col > key_col:
                maps[col - key_col] += 1
        match = _KEY_ONLY.match(line)
        key_col = len(match.group(1)) + len(match.group(2) or "") if match else None
    mapping = maps.most_common(1)[0][0] if maps else 2
    sequence, offset = seqs.most_common(1)[0][0] if seqs else (4, 2)
    if sequence < offset + 2:
        sequence, offset = 4, 2
    return mapping, sequence, offset


def _yaml(indent: tuple[int, int, int]) -> YAML:
    rt = YAML()  # round-trip
    rt.preserve_quotes = True
    rt.width = 1_000_000  # never fold long lines
    mapping, sequence, offset = indent
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    return rt


def _dump(rt: YAML, data: Any) -> list[str]:
    buf = io.StringIO()
    rt.dump(data, buf)
    return buf.getvalue().split("\n")


def _region(old: list[str], new: list[str]) -> tuple[int, int, int, int]:
    """The one differing stretch ``old[i1:i2]`` → ``new[j1:j2]`` (common prefix/suffix)."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, len(old) - tail, head, len(new) - tail


def _get(node: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        node = node[key]
    return node


def _node_line(text: str, keys: tuple[str | int, ...]) -> int:
    """1-based line of the last item of ``resources`` under the topic at ``keys``."""
    node = yaml.compose(text, Loader=_FastLoader)
    for key in (*keys, "resources"):
        if isinstance(key, int):
            node = node.value[key]
        else:
            node = next(v for k, v in node.value if k.value == key)
    return node.value[-1].start_mark.line + 1


def _render(raw: str, topic: _Topic, entry: dict[str, Any]) -> tuple[str, int]:
    """The new file text and the line of the new entry; nothing is written."""
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    original = raw.removeprefix("\ufeff").split("\n")
    crlf = sum(line.endswith("\r") for line in original) * 2 > len(original)
    eol = "\r" if crlf else ""
    final_newline = original[-1] == ""
    if not final_newline:
        original.append("")  # as ruamel writes it; dropped again unless we append at the end
    plain = [line.removesuffix("\r") for line in original]
    body = "\n".join(plain)
    where = f"{topic.rel} 中专题 '{topic.id}'"
    rt = _yaml(_guess_indent(plain))
    try:
        data = rt.load(body)
        replaced = _append(_get(data, topic.keys), _commented(entry), where)
        new = _dump(rt, data)
    except RuamelYAMLError as exc:
        raise AddError(f"{topic.rel}: ruamel.yaml 无法处理这个文件：{exc}") from None

    # Usually ruamel reproduces the file exactly and `new` differs from it by the new
    # lines only.  Otherwise locate the insertion in ruamel's own rendering of the
    # unchanged file and map that position back onto the original lines.
    i1, i2, j1, j2 = _region(plain, new)
    if i2 - i1 > int(replaced):
        before = _dump(rt, rt.load(body))
        i1, i2, j1, j2 = _region(before, new)
        if i2 - i1 > int(replaced):
            raise AddError(f"{topic.rel}: 无法确定插入位置（ruamel.yaml 改写了多处），请手动添加")
        same: dict[int, int] = {}
        matcher = difflib.SequenceMatcher(None, plain, before, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            same.update((b + n, a + n) for n in range(size))
        if i2 > i1:
            start = same.get(i1)
        elif i1 - 1 in same:
            start = same[i1 - 1] + 1
        else:
            start = same.get(i1, 0 if i1 == 0 else None)
        if start is None:
            raise AddError(f"{topic.rel}: 插入位置附近的格式无法保留，请手动添加")
        i1, i2 = start, start + (i2 - i1)
    lines = [*original[:i1], *(line + eol for line in new[j1:j2]), *original[i2:]]
    if not final_newline:
        if i1 == len(original) - 1 and i1 > 0:  # appended at the very end: keep ruamel's newline
            lines[i1 - 1] += "" if lines[i1 - 1].endswith("\r") else eol
        else:
            lines.pop()
    text = "\n".join(lines)

    # The result must mean exactly the old file plus the entry.
    expected = yaml.load(body, Loader=_FastLoader)
    target = _get(expected, topic.keys)
    if isinstance(target.get("resources"), list):
        target["resources"].append(entry)
    else:
        target["resources"] = [entry]
    try:
        ok = yaml.load(text, Loader=_FastLoader) == expected
    except yaml.YAMLError:
        ok = False
    if not ok:
        raise AddError(
            f"{topic.rel}: 写回后的内容与预期不符（格式无法安全保留），未写入，请手动添加"
        )
    return bom + text, _node_line(text, topic.keys)


# --------------------------------------------------------------------------- checking


def _issue_key(issue: Issue, target: str) -> tuple[str, int | None, str]:
    """Identity of an issue that survives the line shift caused by the insertion."""
    message = re.sub(rf"{re.escape(target)}:\d+", f"{target}:#", issue.message)
    if issue.file == target:
        return issue.file, None, re.sub(r"第 \d+ 行", "第 # 行", message)
    return issue.file, issue.line, message


def _new_issues(files: list[Path], root: Path, target: _Topic, text: str) -> list[Issue]:
    """Issues the candidate ``text`` adds, validating a temporary copy of the roadmap."""
    docs = root / "docs" if (root / "docs").is_dir() else None
    tags, _ = load_tags(root / "roadmap", root)
    with tempfile.TemporaryDirectory(prefix="jobbook-add-") as tmp:
        tmp_root = Path(tmp)
        copies = []
        for n, file in enumerate(files):
            rel = relative_name(file, root)
            copy = tmp_root / (f"_outside/{n}/{file.name}" if Path(rel).is_absolute() else rel)
            copy.parent.mkdir(parents=True, exist_ok=True)
            if file == target.file:
                copy.write_text(text, encoding="utf-8", newline="")
            else:
                shutil.copyfile(file, copy)
            copies.append(copy)
        after = validate_files(copies, tmp_root, docs, tags).issues
    if not after:
        return []
    before = validate_files(files, root, docs, tags).issues
    extra = Counter(_issue_key(i, target.rel) for i in after)
    extra.subtract(_issue_key(i, target.rel) for i in before)
    new = []
    for issue in after:
        key = _issue_key(issue, target.rel)
        if extra[key] > 0:
            extra[key] -= 1
            new.append(issue)
    return new


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
    issues = _new_issues(files, root, topic, text)
    if issues:
        raise AddError(
            "新资源会引入以下问题，未写入（行号按添加后的文件计算）：",
            [str(issue) for issue in issues],
        )
    write_file(topic.file, text)
    return topic.file, line


# --------------------------------------------------------------------------- command


class _Aborted(Exception):
    pass


def _input(prompt: str) -> str:
    """One answer; works the same when stdin is a pipe or a file (no TTY needed)."""
    try:
        answer = input(prompt)
    except EOFError:
        raise _Aborted from None
    if not sys.stdin.isatty():
        print(answer)  # echo, so a piped session reads like a typed one
    return answer.strip()


def _ask(
    label: str,
    *,
    choices: tuple[str, ...] = (),
    required: bool = False,
    check: Callable[[str], str | None] | None = None,
) -> str | None:
    hint = f"（{' / '.join(choices)}）" if choices else ""
    hint += "" if required else "，留空跳过" if hint else "（留空跳过）"
    while True:
        answer = _input(f"{label}{hint}: ")
        if not answer:
            if not required:
                return None
            print("  此项必填，请重新输入", file=sys.stderr)
            continue
        if choices and answer not in choices:
            print(f"  无效的取值 '{answer}'，可选：{' / '.join(choices)}", file=sys.stderr)
            continue
        problem = check(answer) if check else None
        if problem:
            print(f"  {problem}", file=sys.stderr)
            continue
        return answer


def _ask_free() -> bool:
    while True:
        answer = _input("是否免费（Y/n）: ").lower()
        if answer in ("", "y", "yes", "是", "免费", "true"):
            return True
        if answer in ("n", "no", "否", "付费", "false"):
            return False
        print("  请输入 y 或 n", file=sys.stderr)


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
        if len(index.topics.get(topic_id, [])) == 1:
            return None
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
    if not args.topic:
        args.topic = _ask("专题 id", required=True, check=_check_topic(index))
    if not args.title:
        args.title = _ask("标题", required=True)
    if not args.url:
        args.url = _ask("网址", required=True, check=_check_url(index))
    if not args.type:
        args.type = _ask("类型", choices=TYPES, required=True)
    if not args.lang:
        args.lang = _ask("语言", choices=LANGS, required=True)
    if args.free is None:
        args.free = _ask_free()
    if not args.level:
        args.level = _ask("难度", choices=LEVELS)
    if args.tags is None:
        answer = _ask("标签，用逗号或空格分隔", check=_check_tags)
        args.tags = [answer] if answer else []
    if not args.authors:
        args.authors = _ask("作者")
    if not args.note:
        args.note = _ask("一句话点评")


def _resource_from_args(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "title": args.title,
        "url": args.url,
        "type": args.type,
        "lang": args.lang,
        "free": args.free,
        "level": args.level,
        "tags": _split_tags(args.tags or []),
        "authors": args.authors,
        "note": args.note,
    }


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
    except _Aborted:
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
    parser.add_argument("--topic", metavar="ID", help="专题 id（路线里的行内专题或共享专题）")
    parser.add_argument("--title", help="资源标题（必填）")
    parser.add_argument("--url", help="网址，只接受 http:// 或 https://（必填）")
    parser.add_argument("--type", metavar="TYPE", help=f"类型（必填）：{' / '.join(TYPES)}")
    parser.add_argument("--lang", metavar="LANG", help=f"语言（必填）：{' / '.join(LANGS)}")
    free = parser.add_mutually_exclusive_group()
    free.add_argument(
        "--free", dest="free", action="store_true", default=None, help="免费（不写时默认免费）"
    )
    free.add_argument("--paid", dest="free", action="store_false", default=None, help="付费")
    parser.add_argument("--level", metavar="LEVEL", help=f"难度：{' / '.join(LEVELS)}")
    parser.add_argument(
        "--tag",
        dest="tags",
        action="append",
        metavar="TAG",
        help="标签，可重复使用，也可以用逗号分隔多个",
    )
    parser.add_argument("--authors", help="作者")
    parser.add_argument("--note", help="一句话点评")
    parser.add_argument(
        "-i", "--interactive", action="store_true", help="逐项提示输入命令行里没给的字段"
    )
    parser.set_defaults(func=_cmd_add)
