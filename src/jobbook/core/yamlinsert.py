"""Append an item to a list in YAML text, changing no other byte of the file.

The document is composed with PyYAML only to learn where things are (start and end of
each node); the new lines are then spliced into the original text, indented like their
neighbours. Comments, blank lines, quoting, ``key:  value`` spacing, CRLF and a BOM all
stay as they were. Callers check that the result means "old data + the item".
"""

from __future__ import annotations

import bisect
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class InsertError(ValueError):
    """The item cannot be added without rewriting other lines."""


def item_lines(entry: dict[str, Any]) -> list[str]:
    """``key: value`` lines of a mapping, scalars as YAML 1.1 reads them back, lists inline."""
    lines: list[str] = []
    for key, value in entry.items():
        flow = None if isinstance(value, list) else False  # None: only the list inline
        text = yaml.safe_dump(
            {key: value}, allow_unicode=True, default_flow_style=flow, sort_keys=False, width=1e9
        )
        lines += text.removesuffix("\n").removesuffix("\n...").split("\n")
    return lines


class _Text:
    def __init__(self, body: str) -> None:
        self.body = body
        self.lines = body.split("\n")
        self._starts = [0] + [i + 1 for i, ch in enumerate(body) if ch == "\n"]

    def line(self, index: int) -> int:
        """0-based line of a character index."""
        return bisect.bisect_right(self._starts, index) - 1

    def column_of(self, index: int) -> int:
        return index - self._starts[self.line(index)]

    def column(self, node: Node) -> int:
        return self.column_of(node.start_mark.index)

    def end_line(self, node: Node) -> int:
        """Last line holding text of ``node`` (not the blank lines or comments after it)."""
        while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
            node = node.value[-1] if isinstance(node, SequenceNode) else node.value[-1][1]
        end = node.end_mark.index
        line = self.line(end)
        if not self.body[self._starts[line] : end].strip():  # ended at the next line's indent
            line -= 1
        while line > 0 and not self.lines[line].strip():
            line -= 1
        return line


def _child(node: Node, key: str | int) -> tuple[Node | None, Node]:
    """(key node, value node) of ``node[key]``."""
    if isinstance(key, int) and isinstance(node, SequenceNode):
        return None, node.value[key]
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    raise KeyError(key)


def append_item(
    text: str, keys: tuple[str | int, ...], field: str, entry: dict[str, Any], before: str = ""
) -> tuple[str, int]:
    """``text`` with ``entry`` appended to the list ``field`` of the mapping at ``keys``
    (an item of a block list, e.g. ``("topics", 0)``).

    Without that list, ``field:`` is added to the mapping, before the key ``before`` when it
    is not the mapping's first key, else last. Returns the new text and the 1-based line
    of the new item. Raises :class:`InsertError` ("flow", "type", "multiline").
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    doc = _Text(text.removeprefix("\ufeff"))
    lines = doc.lines
    owner: Node | None = None  # the key of the list holding the mapping
    parent, mapping = None, yaml.compose(doc.body, Loader=_Loader)
    for key in keys:
        key_node, value = _child(mapping, key)
        owner = key_node or owner
        parent, mapping = mapping, value
    if not isinstance(mapping, MappingNode) or not isinstance(parent, SequenceNode) or not owner:
        raise InsertError("type")
    # A new list is indented like the list holding the mapping: "- " at the same offset
    # from its key, the item's keys at the same offset from the "-".
    key_col = doc.column(mapping)
    dash = key_col + doc.column(parent) - doc.column(owner)
    col = dash + key_col - doc.column(parent)
    head: list[str] = []
    try:
        key_node, seq = _child(mapping, field)
    except KeyError:
        names = [k.value for k, _ in mapping.value]
        at = names.index(before) if before in names[1:] else len(names)
        after = doc.end_line(mapping.value[at - 1][1])
        head = [" " * key_col + f"{field}:"]
    else:
        if isinstance(seq, SequenceNode) and seq.value and not seq.flow_style:
            after = doc.end_line(seq)
            dash, col = doc.column(seq), doc.column(seq.value[-1])
        elif isinstance(seq, SequenceNode) and seq.value:
            raise InsertError("flow")
        elif isinstance(seq, SequenceNode) or seq.tag.endswith(":null"):
            after = doc.line(key_node.start_mark.index)  # `field:`, `field: []`, `field: ~`
            if doc.line(seq.end_mark.index) != after:
                raise InsertError("multiline")
            start, end = (doc.column_of(m.index) for m in (seq.start_mark, seq.end_mark))
            old = lines[after]
            kept = (old[:start].rstrip() + " " + old[end:].lstrip()).rstrip()
            lines[after] = kept + "\r" * (old.endswith("\r") and not kept.endswith("\r"))
        else:
            raise InsertError("type")
    body = item_lines(entry)
    new = [*head, " " * dash + "- " + " " * (col - dash - 2) + body[0]]
    new += [" " * col + line for line in body[1:]]
    eol = "\r" if sum(line.endswith("\r") for line in lines) * 2 > len(lines) else ""
    block = [line + eol for line in new]
    if after == len(lines) - 1:  # after the last line, which has no newline: keep it so
        lines[after] += eol * (not lines[after].endswith(eol))
        block[-1] = new[-1]
    out = [*lines[: after + 1], *block, *lines[after + 1 :]]
    return bom + "\n".join(out), after + 2 + len(head)
