"""The question bank: cross-file checks (ids, topics, tags, pages, near-duplicates)."""

from __future__ import annotations

import itertools
import math
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jobbook.core.load import Issue, LineDict, LineList

# Two question texts sharing this share of their character bigrams are near-duplicates.
NEAR_DUPLICATE = 0.8
_COMMON_BIGRAM = 200  # a near-duplicate pair must share a bigram found in at most this many texts
_DROP = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class RawQuestion:
    rel: str
    raw: LineDict

    def line(self, key: str) -> int:
        return self.raw.key_lines.get(key, self.raw.line)

    def get(self, key: str) -> object:
        return self.raw.get(key)


def raw_questions(rel: str, data: object) -> Iterator[RawQuestion]:
    value = data.get("questions") if isinstance(data, LineDict) else None
    if isinstance(value, LineList):
        for item in value:
            if isinstance(item, LineDict):
                yield RawQuestion(rel, item)


def _normalised(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(map(operator.add, text, text[1:])) or frozenset([text])


def near_duplicates(texts: list[str], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int]]:
    """Index pairs (i < j) whose bigram Jaccard similarity is at least ``threshold``
    and that share at least one bigram found in at most ``_COMMON_BIGRAM`` texts.

    Prefix filtering (as in all-pairs similarity joins): with every text's bigrams sorted
    rarest first, two texts with Jaccard >= t share a bigram among the first
    ``n - ceil(t * n) + 1`` of either text's ``n`` bigrams. Only those prefixes are
    indexed, and they hold the rarest bigrams, so candidate lists stay short however
    large the bank grows (comparing every text with every text sharing any bigram was
    quadratic: 7 s for the 5,560 questions of the 10x benchmark).
    """
    grams = [_bigrams(_normalised(t)) for t in texts]
    df: Counter[str] = Counter(itertools.chain.from_iterable(grams))  # no generator frame
    index: dict[str, list[int]] = defaultdict(list)
    candidates: set[tuple[int, int]] = set()
    for j, g in enumerate(grams):
        ordered = sorted(sorted(g), key=df.__getitem__)  # rarest first, ties by bigram
        overlap = max(math.ceil(threshold * len(ordered) - 1e-9), 1)
        for gram in ordered[: len(ordered) - overlap + 1]:
            docs = index[gram]
            if docs:  # most prefix bigrams are rare: no earlier text has them
                candidates.update(zip(docs, itertools.repeat(j)))
            docs.append(j)
    pairs = []
    for i, j in candidates:
        a, b = grams[i], grams[j]
        union = len(a | b)
        if not union or len(a & b) / union < threshold:
            continue
        if any(df[gram] <= _COMMON_BIGRAM for gram in a & b):
            pairs.append((i, j))
    return sorted(pairs)


def check_bank(
    questions: Iterable[RawQuestion],
    topic_ids: set[str],
    tags: dict[str, str] | None,
    docs_dir: Path | None,
) -> tuple[list[Issue], dict[str, tuple[str, int]]]:
    """Problems of the bank as a whole, and id → (file, line) of every question."""
    issues: list[Issue] = []
    ids: dict[str, tuple[str, int]] = {}
    texts: list[tuple[str, RawQuestion]] = []
    for q in questions:
        qid = q.get("id")
        if isinstance(qid, str):
            if qid in ids:
                where = "{}:{}".format(*ids[qid])
                issues.append(Issue(q.rel, q.line("id"), f"重复的题目 id '{qid}'（已在 {where}）"))
            else:
                ids[qid] = (q.rel, q.line("id"))
        topic = q.get("topic")
        if isinstance(topic, str) and topic not in topic_ids:
            issues.append(Issue(q.rel, q.line("topic"), f"topic '{topic}' 不存在"))
        if tags is not None:
            for tag, line in _items(q.raw, "tags"):
                if tag not in tags:
                    issues.append(
                        Issue(q.rel, line, f"未知标签 '{tag}'，可用标签见 roadmap/tags.yml")
                    )
        if docs_dir is not None:
            pages = list(_items(q.raw, "pages"))
            refs = q.get("refs")
            if isinstance(refs, LineList):
                pages += [
                    (r["page"], r.key_lines.get("page", r.line))
                    for r in refs
                    if isinstance(r, LineDict) and isinstance(r.get("page"), str)
                ]
            for page, line in pages:
                if not (docs_dir / page.split("#", 1)[0]).is_file():
                    issues.append(Issue(q.rel, line, f"页面 '{page}' 在 docs/ 中不存在"))
        text = q.get("text")
        if isinstance(text, str):
            texts.append((text, q))
    for i, j in near_duplicates([t for t, _ in texts]):
        a, b = texts[i][1], texts[j][1]
        issues.append(
            Issue(
                b.rel,
                b.line("text"),
                f"题目与 {a.rel}:{a.line('text')} 几乎相同，请合并或改写其中一道",
            )
        )
    return issues, ids


def _items(raw: LineDict, key: str) -> Iterator[tuple[str, int]]:
    value = raw.get(key)
    if isinstance(value, LineList):
        for item, line in zip(value, value.item_lines, strict=True):
            if isinstance(item, str):
                yield item, line
