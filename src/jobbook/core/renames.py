"""Renamed and retired ids: the rename map the site ships, and the comparison of the
roadmap with an older version of itself (``jobbook check --against GIT_REF``).

Readers' progress is keyed by ids: topics (``topics``, notes, own links), ``owner.child``
for checklist items and milestones (``items``) and question ids (``reviews``). An entity
that changes its id lists its former ids in ``renamed_from``; an id removed on purpose
goes into the ``retired:`` list of its parent (or of the file) with a reason. The site
ships the map old → current as a ``<script src>`` file announced with a
``jobbook:renames`` DOM event; the store rewrites saved keys with it on load.

Everything here works on the raw, line-annotated data, so it runs on any version of the
files, valid or not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jobbook.core.load import Issue, LineDict, LineList

DATA_FILE = "assets/data/renames.js"
EVENT = "jobbook:renames"

IDS, ITEMS, QUESTIONS = "ids", "items", "questions"  # namespaces of progress keys
KINDS = {
    "path": "路线",
    "stage": "阶段",
    "topic": "专题",
    "self_check": "自测条目",
    "milestones": "里程碑",
    "question": "题目",
}


@dataclass
class Entity:
    """One id-bearing entity: where it is, its progress key and its former keys."""

    kind: str  # key of KINDS
    ns: str
    key: str  # progress key ("topic-id", "owner.child", "question-id")
    id: str
    rel: str
    line: int
    raw: LineDict
    parent: Entity | None  # None: the file itself
    list_key: str  # key of the parent's list that holds it ("stages", "self_check", ...)
    aliases: list[tuple[str, int]] = field(default_factory=list)  # former ids as written
    retired: list[tuple[str, int]] = field(default_factory=list)  # retired ids as written

    @property
    def owner(self) -> str:
        return self.key.split(".", 1)[0] if self.ns == ITEMS else ""


@dataclass
class FileScope:
    """A file's own entities and its top-level ``retired:`` list."""

    rel: str
    raw: LineDict
    retired: list[tuple[str, int]] = field(default_factory=list)


def _dicts(node: Any, key: str) -> list[LineDict]:
    value = node.get(key) if isinstance(node, LineDict) else None
    return [v for v in value if isinstance(v, LineDict)] if isinstance(value, LineList) else []


def _strings(node: LineDict, key: str) -> list[tuple[str, int]]:
    value = node.get(key)
    if not isinstance(value, LineList):
        return []
    return [(v, ln) for v, ln in zip(value, value.item_lines, strict=True) if isinstance(v, str)]


def _retired(node: LineDict) -> list[tuple[str, int]]:
    out = []
    for entry in _dicts(node, "retired"):
        value = entry.get("id")
        if isinstance(value, str):
            out.append((value, entry.key_lines.get("id", entry.line)))
    return out


def _entity(
    kind: str, ns: str, raw: LineDict, rel: str, parent: Entity | None, list_key: str
) -> Entity | None:
    value = raw.get("id")
    if not isinstance(value, str):
        return None
    key = f"{parent.id}.{value}" if ns == ITEMS and parent is not None else value
    return Entity(
        kind=kind,
        ns=ns,
        key=key,
        id=value,
        rel=rel,
        line=raw.key_lines.get("id", raw.line),
        raw=raw,
        parent=parent,
        list_key=list_key,
        aliases=_strings(raw, "renamed_from"),
        retired=_retired(raw),
    )


def _children(owner: Entity, rel: str) -> Iterator[Entity]:
    for list_key in ("self_check", "milestones"):
        for raw in _dicts(owner.raw, list_key):
            kind = "self_check" if list_key == "self_check" else "milestones"
            child = _entity(kind, ITEMS, raw, rel, owner, list_key)
            if child is not None:
                yield child


def _topic(raw: LineDict, rel: str, parent: Entity | None) -> Iterator[Entity]:
    topic = _entity("topic", IDS, raw, rel, parent, "topics")
    if topic is not None:
        yield topic
        yield from _children(topic, rel)


def entities(rel: str, data: Any) -> tuple[FileScope | None, list[Entity]]:
    """Every id-bearing entity of one file, parents before children."""
    if not isinstance(data, LineDict):
        return None, []
    scope = FileScope(rel, data, _retired(data))
    found: list[Entity] = []
    path_raw = data.get("path")
    if isinstance(path_raw, LineDict):
        path = _entity("path", IDS, path_raw, rel, None, "path")
        if path is not None:
            found.append(path)
            for stage_raw in _dicts(path_raw, "stages"):
                stage = _entity("stage", IDS, stage_raw, rel, path, "stages")
                if stage is None:
                    continue
                found.append(stage)
                for topic_raw in _dicts(stage_raw, "topics"):
                    if "ref" not in topic_raw:
                        found += _topic(topic_raw, rel, stage)
                found += (c for c in _children(stage, rel) if c.kind == "milestones")
    for topic_raw in _dicts(data, "topics"):
        found += _topic(topic_raw, rel, None)
    for q_raw in _dicts(data, "questions"):
        q = _entity("question", QUESTIONS, q_raw, rel, None, "questions")
        if q is not None:
            found.append(q)
    return scope, found


@dataclass
class Index:
    """Current keys, former keys (old → current) and retired keys of a roadmap."""

    keys: dict[str, dict[str, Entity]]
    renames: dict[str, dict[str, str]]
    retired: dict[str, set[str]]
    claimed: dict[str, dict[str, tuple[str, int]]]  # alias → where it is written

    def resolve(self, ns: str, key: str) -> str:
        """The current key for a saved key (unchanged when it was never renamed)."""
        if ns == ITEMS and "." in key:
            owner, child = key.split(".", 1)
            key = f"{self.renames[IDS].get(owner, owner)}.{child}"
        return self.renames[ns].get(key, key)

    def exists(self, ns: str, key: str) -> bool:
        return self.resolve(ns, key) in self.keys[ns]

    def is_retired(self, ns: str, key: str) -> bool:
        if key in self.retired[ns]:
            return True
        if ns == ITEMS and "." in key:
            owner = key.split(".", 1)[0]
            current = self.resolve(ITEMS, key)
            return current in self.retired[ITEMS] or self.is_retired(IDS, owner)
        return False


def _alias_key(entity: Entity, alias: str, id_renames: dict[str, str]) -> str:
    if entity.ns != ITEMS:
        return alias
    if "." in alias:  # moved from another owner: "old-owner.old-id"
        owner, child = alias.split(".", 1)
        return f"{id_renames.get(owner, owner)}.{child}"
    return f"{entity.owner}.{alias}"


def build_index(files: Iterable[tuple[FileScope | None, list[Entity]]]) -> Index:
    scopes: list[FileScope] = []
    all_entities: list[Entity] = []
    for scope, found in files:
        if scope is not None:
            scopes.append(scope)
        all_entities += found
    keys: dict[str, dict[str, Entity]] = {IDS: {}, ITEMS: {}, QUESTIONS: {}}
    for e in all_entities:
        keys[e.ns].setdefault(e.key, e)
    renames: dict[str, dict[str, str]] = {IDS: {}, ITEMS: {}, QUESTIONS: {}}
    claimed: dict[str, dict[str, tuple[str, int]]] = {IDS: {}, ITEMS: {}, QUESTIONS: {}}
    for ns in (IDS, QUESTIONS, ITEMS):  # owners first: item aliases resolve their owner
        for e in all_entities:
            if e.ns != ns:
                continue
            for alias, line in e.aliases:
                key = _alias_key(e, alias, renames[IDS])
                if key not in claimed[ns]:
                    claimed[ns][key] = (e.rel, line)
                    renames[ns][key] = e.key
    retired: dict[str, set[str]] = {IDS: set(), ITEMS: set(), QUESTIONS: set()}
    for scope in scopes:
        for value, _ in scope.retired:
            retired[IDS].add(value)
            retired[QUESTIONS].add(value)
            if "." in value:
                retired[ITEMS].add(value)
    for e in all_entities:
        for value, _ in e.retired:
            retired[IDS].add(value)
            retired[ITEMS].add(value if "." in value else f"{e.id}.{value}")
    return Index(keys, renames, retired, claimed)


def index_of(loaded: Iterable[tuple[str, Any]]) -> Index:
    return build_index(entities(rel, data) for rel, data in loaded)


# ---- checks of one version ------------------------------------------------------------


def alias_issues(loaded: Iterable[tuple[str, Any]]) -> list[Issue]:
    """``renamed_from`` that names a current id or is claimed twice; retired ids in use."""
    files = [entities(rel, data) for rel, data in loaded]
    index = build_index(files)
    issues: list[Issue] = []
    seen: dict[str, dict[str, tuple[str, int]]] = {IDS: {}, ITEMS: {}, QUESTIONS: {}}
    for _, found in files:
        for e in found:
            for alias, line in e.aliases:
                key = _alias_key(e, alias, index.renames[IDS])
                if key in index.keys[e.ns]:
                    other = index.keys[e.ns][key]
                    issues.append(
                        Issue(
                            e.rel,
                            line,
                            f"renamed_from 中的 '{alias}' 仍是现有的 id"
                            f"（{other.rel}:{other.line}），旧 id 不能同时存在",
                        )
                    )
                elif key in seen[e.ns]:
                    where = "{}:{}".format(*seen[e.ns][key])
                    issues.append(
                        Issue(e.rel, line, f"'{alias}' 已经写在 {where} 的 renamed_from 中")
                    )
                else:
                    seen[e.ns][key] = (e.rel, line)
            for value, line in e.retired:
                child = value if "." in value else f"{e.id}.{value}"
                in_use = child in index.keys[ITEMS] or any(
                    t.id == value and t.parent is e for t in index.keys[IDS].values()
                )
                if in_use:
                    issues.append(Issue(e.rel, line, f"retired 中的 '{value}' 仍然存在"))
    return issues


# ---- the map the site ships -------------------------------------------------------------


def rename_map(loaded: Iterable[tuple[str, Any]]) -> dict[str, dict[str, str]]:
    """Former key → current key, per namespace; every chain already followed."""
    index = index_of(loaded)
    return {ns: dict(sorted(index.renames[ns].items())) for ns in (IDS, ITEMS, QUESTIONS)}


def data_files(loaded: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """The rename map as a ``<script src>`` file (always written: pages load it)."""
    payload = json.dumps(rename_map(loaded), ensure_ascii=True, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")
    script = f'document.dispatchEvent(new CustomEvent("{EVENT}",{{detail:{payload}}}));\n'
    return {DATA_FILE: script}


# ---- comparison with an older version ---------------------------------------------------


def compare(
    old: Iterable[tuple[str, Any]], new: Iterable[tuple[str, Any]], ref: str
) -> list[Issue]:
    """Ids (and former ids) of ``old`` that ``new`` lost without renamed_from or retired."""
    new_files = [entities(rel, data) for rel, data in new]
    index = build_index(new_files)
    scopes = {s.rel: s for s, _ in new_files if s is not None}
    old_files = [entities(rel, data) for rel, data in old]
    old_index = build_index(old_files)
    issues: list[Issue] = []
    missing: set[int] = set()

    def covered(ns: str, key: str) -> bool:
        return index.exists(ns, key) or index.is_retired(ns, key)

    for _, found in old_files:
        for e in found:
            if e.parent is not None and id(e.parent) in missing:
                missing.add(id(e))  # its parent is reported already
                continue
            kind = KINDS[e.kind]
            if not covered(e.ns, e.key):
                missing.add(id(e))
                rel, line, parent = _parent_location(e, index, scopes)
                issues.append(
                    Issue(
                        rel,
                        line,
                        f"{kind} '{e.id}' 在 {ref} 中存在（{e.rel}:{e.line}），现在不见了："
                        f"改了 id 就在新的{kind}上写 renamed_from: [{e.id}]；有意删除就在"
                        f"{_retired_home(parent)}的 retired: 里写上 id: {e.id} 和 reason",
                    )
                )
                continue
            for alias, _ in e.aliases:
                key = _alias_key(e, alias, old_index.renames[IDS])
                if not covered(e.ns, key):
                    current = index.keys[e.ns].get(index.resolve(e.ns, e.key))
                    rel, line = (current.rel, current.line) if current else (e.rel, e.line)
                    issues.append(
                        Issue(
                            rel,
                            line,
                            f"{kind} '{e.id}' 在 {ref} 中的 renamed_from 有 '{alias}'，"
                            "现在去掉了：保存着旧 id 的读者会丢失进度，请保留它",
                        )
                    )
    return sorted(set(issues), key=lambda i: (i.file, i.line, i.message))


def _retired_home(parent: Entity | FileScope | None) -> str:
    if isinstance(parent, Entity):
        return f"{KINDS[parent.kind]} '{parent.id}' "
    return "文件顶层" if parent is not None else "任一路线图文件顶层"


def _parent_location(
    e: Entity, index: Index, scopes: dict[str, FileScope]
) -> tuple[str, int, Entity | FileScope | None]:
    """Where to report a lost entity: its parent in the current files, at the list."""
    if e.parent is not None:
        current = index.keys[e.parent.ns].get(index.resolve(e.parent.ns, e.parent.key))
        if current is not None:
            line = current.raw.key_lines.get(e.list_key, current.line)
            return current.rel, line, current
    scope = scopes.get(e.rel)
    if scope is None:
        return e.rel, 1, None  # the whole file is gone
    return scope.rel, scope.raw.key_lines.get(e.list_key, 1), scope
