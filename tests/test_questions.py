"""The question bank: validation rules, content promises and the hand-coding solutions."""

from __future__ import annotations

import functools
import signal

import numpy as np
import pytest

from jobbook.core.model import AREAS, BankQuestion
from jobbook.core.validate import validate_dir

from .conftest import ROOT

QUESTION = """\
questions:
  - id: {qid}
    text: {text}
    area: {area}
    level: basic
    kind: {kind}
    topic: demo-topic
    answer: 这是一段足够长的答案，用来满足最少三十个字的要求，说明了题目的核心要点。
    refs:
      - title: 某教材第 3 章
    reviewed: 2026-12-02
"""
TOPIC = """\
topics:
  - id: demo-topic
    title: 演示专题
"""


@functools.cache
def bank() -> tuple[BankQuestion, ...]:
    roadmap = validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs")
    assert roadmap.ok, [str(i) for i in roadmap.issues[:20]]
    return tuple(q for sf in roadmap.files for q in sf.model.questions)


def write_bank(roadmap_dir, *entries: str) -> list[str]:
    roadmap_dir.write("topics.yml", TOPIC)
    roadmap_dir.write(
        "questions/demo.yml", "questions:\n" + "".join(e.split("\n", 1)[1] for e in entries)
    )
    return roadmap_dir.messages()


def entry(**kw: str) -> str:
    values = {
        "qid": "q-one",
        "text": "什么是偏差-方差分解？",
        "area": "classic-ml",
        "kind": "concept",
    }
    return QUESTION.format(**(values | kw))


def test_a_valid_question_passes(roadmap_dir):
    assert write_bank(roadmap_dir, entry()) == []


def test_duplicate_ids_name_the_first_place(roadmap_dir):
    messages = write_bank(roadmap_dir, entry(), entry(text="完全不同的另一道题目，讲梯度下降"))
    assert messages == [
        "roadmap/questions/demo.yml:12: 重复的题目 id 'q-one'（已在 roadmap/questions/demo.yml:2）"
    ]


def test_near_duplicate_texts_name_both_lines(roadmap_dir):
    messages = write_bank(
        roadmap_dir,
        entry(text="什么是偏差-方差分解？"),
        entry(qid="q-two", text="什么是偏差方差分解"),
    )
    assert messages == [
        "roadmap/questions/demo.yml:13: 题目与 roadmap/questions/demo.yml:3 几乎相同，请合并或改写其中一道"
    ]


def _near_duplicates_by_brute_force(texts, threshold):
    """Every pair, compared directly (the definition near_duplicates must agree with)."""
    from jobbook.core.questions import _COMMON_BIGRAM, _bigrams, _normalised

    grams = [_bigrams(_normalised(t)) for t in texts]
    df = {}
    for g in grams:
        for gram in g:
            df[gram] = df.get(gram, 0) + 1
    pairs = []
    for i in range(len(grams)):
        for j in range(i + 1, len(grams)):
            both, either = grams[i] & grams[j], grams[i] | grams[j]
            if len(both) / len(either) >= threshold and any(df[x] <= _COMMON_BIGRAM for x in both):
                pairs.append((i, j))
    return pairs


def test_near_duplicates_finds_every_pair_the_definition_finds():
    """The prefix-filtered search misses nothing a comparison of all pairs would find."""
    import random

    from jobbook.core.questions import near_duplicates

    rng = random.Random(17)
    for alphabet in ("ab", "偏差方差分解", "什么是梯度下降法学习率过大会怎样", "abcdefghij" * 3):
        texts = []
        for _ in range(200):  # over 200 texts: some bigrams are "common"
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
            texts.append(text)
            if rng.random() < 0.3:  # an edited copy
                chars = list(text)
                for _ in range(rng.randint(0, 2)):
                    if chars:
                        chars[rng.randrange(len(chars))] = rng.choice(alphabet)
                texts.append("".join(chars))
        for threshold in (0.8, 0.5, 1.0):
            expected = _near_duplicates_by_brute_force(texts, threshold)
            assert near_duplicates(texts, threshold) == expected


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("area", "astrology", "'area'"),
        ("kind", "trivia", "'kind'"),
    ],
)
def test_unknown_vocabulary_is_rejected(roadmap_dir, field, value, expected):
    messages = write_bank(roadmap_dir, entry(**{field: value}))
    assert len(messages) == 1 and expected in messages[0], messages
    line = {"area": 4, "kind": 6}[field]
    assert messages[0].startswith(f"roadmap/questions/demo.yml:{line}: "), messages


def test_unknown_topic_tag_and_page(roadmap_dir):
    text = entry().replace("topic: demo-topic", "topic: no-such-topic")
    text = text.replace(
        "reviewed:", "tags: [no-such-tag]\n    pages: [math/none.md]\n    reviewed:"
    )
    roadmap_dir.write("tags.yml", "tags:\n  math: 数学\n")
    messages = write_bank(roadmap_dir, text)
    assert "roadmap/questions/demo.yml:7: topic 'no-such-topic' 不存在" in messages
    assert any(":11: 未知标签 'no-such-tag'" in m for m in messages)
    assert any(":12: 页面 'math/none.md' 在 docs/ 中不存在" in m for m in messages)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("太短了。", "answer 共 4 字，应在 30–1500 字之间"),
        ("价格是 $5，这个答案写得足够长足够长足够长足够长足够长足够长足够长。", "$ 没有成对"),
    ],
)
def test_answer_rules(roadmap_dir, answer, message):
    text = entry().replace(
        "answer: 这是一段足够长的答案，用来满足最少三十个字的要求，说明了题目的核心要点。",
        f"answer: {answer}",
    )
    messages = write_bank(roadmap_dir, text)
    assert len(messages) == 1 and message in messages[0], messages


def test_coding_questions_need_a_solution_and_checks(roadmap_dir):
    messages = write_bank(roadmap_dir, entry(kind="coding"))
    assert len(messages) == 1 and "必须有 solution" in messages[0]


def test_stage_references_must_exist(roadmap_dir):
    roadmap_dir.write(
        "p.yml",
        "path:\n  id: p\n  title: P\n  summary: S\n  stages:\n"
        "    - id: s\n      title: S\n      questions: [q-one, q-typo]\n",
    )
    messages = write_bank(roadmap_dir, entry())
    assert messages == ["roadmap/p.yml:8: 题库中没有 id 为 'q-typo' 的题目"]


# ---- content --------------------------------------------------------------------------


def test_every_area_meets_its_minimum():
    counts = {area: 0 for area in AREAS}
    for q in bank():
        counts[q.area] += 1
    short = {a: (n, AREAS[a][1]) for a, n in counts.items() if n < AREAS[a][1]}
    assert short == {}
    assert len({q.text for q in bank()}) >= 460


def test_every_question_names_a_reference_and_a_review_date():
    for q in bank():
        assert q.refs and all(r.title for r in q.refs), q.id
        assert q.reviewed.year >= 2026, q.id


CODING = [q for q in bank() if q.solution] if (ROOT / "roadmap" / "questions").is_dir() else []


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


@pytest.mark.parametrize("question", CODING, ids=[q.id for q in CODING])
def test_hand_coding_solution_passes_its_checks(question: BankQuestion):
    """Run the reference solution, then its checks, in a fresh namespace (10 s limit)."""
    namespace: dict[str, object] = {"__name__": f"solution_{question.id.replace('-', '_')}"}
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    try:
        exec(compile(question.solution, f"<{question.id}/solution>", "exec"), namespace)
        exec(compile(question.checks, f"<{question.id}/checks>", "exec"), namespace)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_wrong_solution_fails_its_checks():
    """The checks are real: a softmax without the max shift overflows on large logits."""
    softmax = next(q for q in bank() if q.id == "coding-stable-softmax-ce")
    broken = softmax.solution.replace("np.exp(x - x.max(axis=axis, keepdims=True))", "np.exp(x)")
    assert broken != softmax.solution
    namespace: dict[str, object] = {}
    exec(broken, namespace)
    with pytest.raises(AssertionError), np.errstate(over="ignore", invalid="ignore"):
        exec(softmax.checks, namespace)


def test_coding_area_covers_the_classics():
    ids = {q.id for q in bank() if q.area == "coding"}
    wanted = [
        "stable-softmax-ce",
        "masked-mha",
        "layernorm-batchnorm",
        "iou-nms",
        "kmeans-plusplus",
        "auc-rank",
        "logreg-gd",
        "topk-topp-sampling",
        "kv-cache-decoding",
    ]
    assert {f"coding-{w}" for w in wanted} <= ids
