"""The question bank: cross-file checks (ids, topics, tags, pages, near-duplicates)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jobbook.core.load import Issue, LineDict, LineList

# Two question texts sharing this share of their character bigrams are near-duplicates.
NEAR_DUPLICATE = 0.8
_COMMON_BIGRAM = 200  # bigrams in more texts than this don't nominate candidates
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
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset([text])


def near_duplicates(texts: list[str], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int]]:
    """Index pairs (i < j) whose bigram Jaccard similarity is at least ``threshold``.

    Candidates come from an inverted index of the bigrams, so a bank of thousands of
    questions is not compared pair by pair.
    """
    grams = [_bigrams(_normalised(t)) for t in texts]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(grams):
        for gram in g:
            postings[gram].append(i)
    pairs = []
    for i, g in enumerate(grams):
        shared: Counter[int] = Counter()
        for gram in g:
            docs = postings[gram]
            if len(docs) <= _COMMON_BIGRAM:
                shared.update(j for j in docs if j > i)
        for j, _ in shared.items():
            union = len(g | grams[j])
            if union and len(g & grams[j]) / union >= threshold:
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
