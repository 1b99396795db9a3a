"""The one walk over a roadmap document: its path, the path's stages, their topics and
the file's shared topics, in file order.

It works on raw data (``dict``/``list``, e.g. :class:`~jobbook.core.load.LineDict` from
``load``, valid or not: non-mapping items are skipped) and on the validated models
(:class:`~jobbook.core.model.RoadmapFile`, :class:`~jobbook.core.model.Path`) alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from jobbook.core.model import TopicRef

Kind = Literal["path", "stage", "topic", "ref", "shared"]
"""``topic``: a topic written inside a stage; ``ref``: a stage's ``{ref: id}`` entry;
``shared``: a topic under the file's top-level ``topics:``."""

Keys = tuple[str | int, ...]


@dataclass(frozen=True)
class Node:
    kind: Kind
    node: Any  # the mapping or model itself
    keys: Keys  # where it sits in its file, e.g. ("path", "stages", 0, "topics", 2)
    path: Any = None  # the enclosing path (stages, topics and refs)
    stage: Any = None  # the enclosing stage (topics and refs)


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)


def _is_node(obj: Any) -> bool:
    return isinstance(obj, Mapping | BaseModel)


def _items(obj: Any, key: str) -> Iterator[tuple[int, Any]]:
    value = _get(obj, key)
    if isinstance(value, list):
        yield from ((n, item) for n, item in enumerate(value) if _is_node(item))


def _is_ref(entry: Any) -> bool:
    return "ref" in entry if isinstance(entry, Mapping) else isinstance(entry, TopicRef)


def walk_path(path: Any, keys: Keys = ("path",)) -> Iterator[Node]:
    """The path itself, then each stage followed by its topics and refs."""
    yield Node("path", path, keys)
    for s, stage in _items(path, "stages"):
        stage_keys = (*keys, "stages", s)
        yield Node("stage", stage, stage_keys, path)
        for t, entry in _items(stage, "topics"):
            kind: Kind = "ref" if _is_ref(entry) else "topic"
            yield Node(kind, entry, (*stage_keys, "topics", t), path, stage)


def walk(doc: Any) -> Iterator[Node]:
    """Every path, stage, topic, ref and shared topic of one roadmap file."""
    if not _is_node(doc):
        return
    path = _get(doc, "path")
    if _is_node(path):
        yield from walk_path(path)
    for t, topic in _items(doc, "topics"):
        yield Node("shared", topic, ("topics", t))


def topics(doc: Any) -> Iterator[Node]:
    """The topics of one file that carry content (inline and shared, not refs)."""
    return (n for n in walk(doc) if n.kind in ("topic", "shared"))
