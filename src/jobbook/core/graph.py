"""Build-time SVG roadmap graph of one path: stages top to bottom, their topics
inside, branches marked, prerequisites as dashed curves. Colours come from CSS
and follow the reader's progress (``data-state`` set by jobbook-progress.js)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

from jobbook.core.model import Path, Topic, TopicRef
from jobbook.core.relpath import site_href

WIDTH = 480
MARGIN_LEFT = 26
MARGIN_RIGHT = 6
GAP = 8
PAD = 8
STAGE_FONT = 15
TOPIC_FONT = 13
SMALL_FONT = 11
LINE = 1.35


def text_width(text: str, size: float) -> float:
    """Approximate rendered width: wide (CJK) characters 1 em, others about 0.55 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.55 * size for ch in text)


def wrap(text: str, size: float, width: float, max_lines: int = 3) -> list[str]:
    """Greedy wrap; CJK may break anywhere, Latin words are kept whole when they fit."""
    tokens: list[str] = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if tokens and not wide and ch != " " and tokens[-1][-1:].isascii() and tokens[-1] != " ":
            tokens[-1] += ch
        else:
            tokens.append(ch)
    lines: list[str] = [""]
    for token in tokens:
        candidate = lines[-1] + token
        if text_width(candidate, size) <= width or not lines[-1]:
            lines[-1] = candidate
        else:
            lines.append(token.lstrip())
    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and text_width(lines[-1] + "…", size) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "…"
    return lines


@dataclass
class Box:
    key: str  # topic/stage id
    x: float
    y: float
    w: float
    h: float

    @property
    def left_mid(self) -> tuple[float, float]:
        return self.x, self.y + self.h / 2


def _text(lines: list[str], x: float, y: float, size: float, cls: str) -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + size + i * size * LINE:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="{cls}" font-size="{size}">{spans}</text>'


def path_graph(
    path: Path,
    shared: dict[str, Topic],
    page: str,
    stage_href: dict[str, str],
    topic_href: dict[str, str],
    items_of: dict[str, list[str]],
) -> Markup:
    """Inline SVG for ``path``; hrefs are relative to ``page`` (.md, rewritten at build).

    Links use ``href`` (crawlable; ``xlink:href`` is not to Lighthouse's SEO audit).
    Material's instant navigation re-assigns ``el.href`` on every ``[href]`` element of
    a page, which throws for SVG links: ``jobbook-head.js`` (before Material's bundle)
    makes that assignment a no-op.
    """
    inner_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    col_w = (inner_w - 2 * PAD - GAP) / 2
    parts: list[str] = []
    boxes: dict[str, Box] = {}
    titles: dict[str, str] = {}
    y = 4.0
    previous_bottom: float | None = None

    for n, stage in enumerate(path.stages, start=1):
        topics = [shared[t.ref] if isinstance(t, TopicRef) else t for t in stage.topics]
        label = stage.title + (f"（{stage.duration}）" if stage.duration else "")
        head_lines = wrap(label, STAGE_FONT, inner_w - 2 * PAD)
        head_h = PAD + len(head_lines) * STAGE_FONT * LINE + 2
        cells: list[tuple[Topic, list[str], list[str], float]] = []
        for topic in topics:
            lines = wrap(topic.title, TOPIC_FONT, col_w - 2 * PAD)
            extra = (
                wrap(f"支线：{topic.branch}", SMALL_FONT, col_w - 2 * PAD, 1)
                if topic.branch
                else []
            )
            h = 2 * PAD + len(lines) * TOPIC_FONT * LINE + len(extra) * SMALL_FONT * LINE
            cells.append((topic, lines, extra, h))
        rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
        body_h = sum(max(c[3] for c in row) for row in rows) + GAP * max(len(rows) - 1, 0)
        stage_h = head_h + (body_h + PAD if rows else 0) + PAD
        x0 = MARGIN_LEFT
        if previous_bottom is not None:
            mid = x0 + inner_w / 2
            parts.append(
                f'<path class="jb-edge" d="M{mid:.1f} {previous_bottom:.1f} V{y - 1:.1f}" '
                'marker-end="url(#jb-arrow)"/>'
            )
        stage_items = " ".join(k for t in topics for k in items_of.get(t.id, []))
        parts.append(
            f'<a href="{escape(site_href(stage_href[stage.id], page))}" class="jb-graph-stage">'
            f'<g data-jobbook-graph-node="{escape(stage.id)}" data-jobbook-items="{escape(stage_items)}" '
            f'data-state="todo"><title>{escape(f"阶段 {n}：{stage.title}")}</title>'
            f'<rect x="{x0}" y="{y:.1f}" width="{inner_w}" height="{stage_h:.1f}" rx="8"/>'
            + _text(head_lines, x0 + PAD, y + PAD / 2, STAGE_FONT, "jb-graph-stage-title")
            + "</g></a>"
        )
        boxes[stage.id] = Box(stage.id, x0, y, inner_w, head_h)
        titles[stage.id] = stage.title
        ty = y + head_h
        for row in rows:
            row_h = max(c[3] for c in row)
            for col, (topic, lines, extra, _h) in enumerate(row):
                tx = x0 + PAD + col * (col_w + GAP)
                branch = " jb-graph-branch" if topic.branch else ""
                keys = " ".join(items_of.get(topic.id, []))
                text = _text(lines, tx + PAD, ty + PAD - 2, TOPIC_FONT, "jb-graph-topic-title")
                if extra:
                    by = ty + PAD - 2 + len(lines) * TOPIC_FONT * LINE
                    text += _text(extra, tx + PAD, by, SMALL_FONT, "jb-graph-branch-label")
                parts.append(
                    f'<a href="{escape(site_href(topic_href[topic.id], page))}" class="jb-graph-topic{branch}">'
                    f'<g data-jobbook-graph-node="{escape(topic.id)}" data-jobbook-items="{escape(keys)}" '
                    f'data-state="todo"><title>{escape(topic.title)}</title>'
                    f'<rect x="{tx:.1f}" y="{ty:.1f}" width="{col_w:.1f}" height="{row_h:.1f}" rx="6"/>'
                    f"{text}</g></a>"
                )
                boxes.setdefault(topic.id, Box(topic.id, tx, ty, col_w, row_h))
                titles[topic.id] = topic.title
            ty += row_h + GAP
        y += stage_h
        previous_bottom = y
        y += 18

    # Prerequisites: dashed curves in the left margin, from prerequisite to dependant.
    for stage in path.stages:
        entries = [(stage.id, stage.prerequisites)]
        for t in stage.topics:
            topic = shared[t.ref] if isinstance(t, TopicRef) else t
            entries.append((topic.id, topic.prerequisites))
        for node_id, prereqs in entries:
            for pre in prereqs:
                if pre not in boxes or node_id not in boxes:
                    continue
                # Both ends sit on the left edge of the stage boxes, at the nodes' heights,
                # so the curve runs in the margin and never crosses a node.
                y1 = boxes[pre].left_mid[1]
                y2 = boxes[node_id].left_mid[1]
                x = MARGIN_LEFT
                bend = max(3.0, MARGIN_LEFT - 6 - min(abs(y2 - y1) / 30, MARGIN_LEFT - 10))
                parts.append(
                    f'<path class="jb-edge jb-edge-prereq" d="M{x} {y1:.1f} C{bend:.1f} {y1:.1f} '
                    f'{bend:.1f} {y2:.1f} {x} {y2:.1f}" marker-end="url(#jb-arrow)">'
                    f"<title>{escape(f'前置：{titles.get(pre, pre)} → {titles.get(node_id, node_id)}')}</title></path>"
                )

    height = y - 14
    defs = (
        '<defs><marker id="jb-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>'
    )
    title = escape(f"{path.title}：路线图")
    return Markup(
        f'<svg class="jb-graph" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" role="group" aria-label="{title}">{defs}{"".join(parts)}</svg>'
    )
