"""Pydantic schema of the roadmap YAML files.

One file holds either a learning ``path`` (stages → topics), a list of shared
``topics`` that paths reference with ``{ref: id}``, or both.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from jobbook.core.richtext import has_unpaired_dollar

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# A former id of a checklist item or milestone: "old-id", or "owner.old-id" when it moved
# from another topic or stage.
CHILD_ALIAS_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?$"

ResourceType = Literal[
    "course",
    "book",
    "paper",
    "article",
    "video",
    "repo",
    "tool",
    "docs",
    "notebook",
    "site",
    "collection",
    "competition",
    "dataset",
]
Lang = Literal["zh", "en", "multi"]
Level = Literal["beginner", "intermediate", "advanced"]


def _check_http_url(value: str) -> str:
    """Accept only absolute http(s) URLs with a host and no whitespace."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("只接受 http:// 或 https:// 开头的完整网址")
    if re.search(r"\s", value):
        raise ValueError("网址中不能包含空白字符")
    return value


Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
ChildAlias = Annotated[str, Field(pattern=CHILD_ALIAS_PATTERN, max_length=161)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
HttpUrl = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_check_http_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Resource(Strict):
    """A curated link: course, book, paper, repo …"""

    title: ShortText
    url: HttpUrl
    type: ResourceType
    lang: Lang
    free: bool = True
    level: Level | None = None
    tags: list[Annotated[str, Field(pattern=ID_PATTERN)]] = []
    authors: ShortText | None = None
    note: Text | None = None


class Retired(Strict):
    """An id removed on purpose: readers' progress on it is no longer shown."""

    id: ChildAlias
    reason: ShortText


class ChecklistItem(Strict):
    """A self-assessment item; ``id`` is its progress key within the parent."""

    id: Id
    text: Text
    renamed_from: list[ChildAlias] = []


class Milestone(Strict):
    """A project with a measurable target, e.g. ``Titanic ≥ 0.79``."""

    id: Id
    title: ShortText
    target: ShortText | None = None
    details: Text | None = None
    renamed_from: list[ChildAlias] = []


# A stage or topic lists bank question ids (``questions: [id, …]``).
QuestionEntry = Id


# ---- question bank (roadmap/questions/*.yml) ---------------------------------------------

# Area id → (label, minimum number of questions the bank promises; tests hold it).
AREAS: dict[str, tuple[str, int]] = {
    "math": ("数学、概率与优化", 25),
    "classic-ml": ("经典机器学习", 30),
    "trees": ("决策树与集成学习", 20),
    "metrics": ("评估指标、校准与 A/B 实验", 30),
    "data": ("特征与数据", 20),
    "dl": ("深度学习基础", 40),
    "cv": ("视觉、多模态与扩散", 30),
    "nlp": ("Transformer 与 NLP", 30),
    "llm-training": ("大模型训练、对齐与微调", 40),
    "llm-inference": ("大模型推理与量化", 35),
    "rag": ("RAG、Agent 与大模型评测", 20),
    "recsys": ("推荐、搜索与广告", 45),
    "distributed": ("分布式训练与 GPU", 30),
    "mlops": ("部署、MLOps 与监控", 15),
    "coding": ("手撕代码", 25),
    "design": ("系统设计与项目面", 25),
}
Area = Literal[
    "math",
    "classic-ml",
    "trees",
    "metrics",
    "data",
    "dl",
    "cv",
    "nlp",
    "llm-training",
    "llm-inference",
    "rag",
    "recsys",
    "distributed",
    "mlops",
    "coding",
    "design",
]
QuestionLevel = Literal["basic", "intermediate", "advanced"]
QuestionKind = Literal["concept", "derivation", "coding", "design", "scenario", "behavioural"]
ANSWER_MIN, ANSWER_MAX = 30, 1500  # characters, all points together
PagePath = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]+\.(md|ipynb)(#[A-Za-z0-9_-]+)?$")]
AnswerText = Annotated[str, Field(min_length=1, max_length=ANSWER_MAX)]


class QuestionRef(Strict):
    """Where the answer can be checked: a paper, a book section, official docs or a site page."""

    title: ShortText
    url: HttpUrl | None = None
    page: PagePath | None = None

    @model_validator(mode="after")
    def _one_target(self) -> QuestionRef:
        if self.url is not None and self.page is not None:
            raise ValueError("参考资料只能写 url 或 page 之一")
        return self


class FollowUp(Strict):
    """常见追问: a short question and its short answer."""

    q: ShortText
    a: Annotated[str, Field(min_length=2, max_length=600)]


class BankQuestion(Strict):
    """One interview question of the bank; stages and topics reference it by id."""

    id: Id
    text: Annotated[str, Field(min_length=4, max_length=400)]
    area: Area
    level: QuestionLevel
    kind: QuestionKind
    topic: Id
    tags: list[Annotated[str, Field(pattern=ID_PATTERN)]] = []
    answer: AnswerText | Annotated[list[AnswerText], Field(min_length=1, max_length=12)]
    follow_ups: list[FollowUp] = Field(default=[], max_length=3)
    refs: list[QuestionRef] = Field(min_length=1)
    pages: list[PagePath] = []
    reviewed: dt.date
    solution: Annotated[str, Field(min_length=10, max_length=10000)] | None = None
    checks: Annotated[str, Field(min_length=10, max_length=10000)] | None = None
    renamed_from: list[Id] = []

    @property
    def points(self) -> list[str]:
        return [self.answer] if isinstance(self.answer, str) else list(self.answer)

    @model_validator(mode="after")
    def _consistent(self) -> BankQuestion:
        size = sum(len(p) for p in self.points)
        if not ANSWER_MIN <= size <= ANSWER_MAX:
            raise ValueError(f"answer 共 {size} 字，应在 {ANSWER_MIN}–{ANSWER_MAX} 字之间")
        if (self.kind == "coding") != (self.solution is not None):
            raise ValueError("kind: coding 的题目必须有 solution，其他题目不能有")
        if (self.solution is None) != (self.checks is None):
            raise ValueError("solution 和 checks 要一起写（checks 是可执行的断言）")
        texts = [self.text, *self.points, *(t for f in self.follow_ups for t in (f.q, f.a))]
        if any(has_unpaired_dollar(t) for t in texts):
            raise ValueError("数学公式的 $ 没有成对（金额请写“美元”“元”）")
        return self


class Table(Strict):
    """A small table (e.g. tech stack: module → must-have → alternatives)."""

    title: ShortText | None = None
    columns: list[ShortText] = Field(min_length=1)
    rows: list[list[Text]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_match_columns(self) -> Table:
        for n, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(f"第 {n} 行有 {len(row)} 格，表头有 {len(self.columns)} 列")
        return self


class Topic(Strict):
    id: Id
    title: ShortText
    summary: Text | None = None
    branch: ShortText | None = None
    prerequisites: list[Id] = []
    points: list[Text] = []
    practice: list[Text] = []
    self_check: list[ChecklistItem] = []
    milestones: list[Milestone] = []
    questions: list[QuestionEntry] = []
    tables: list[Table] = []
    resources: list[Resource] = []
    pages: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]+\.(md|ipynb)$")]] = []
    renamed_from: list[Id] = []
    retired: list[Retired] = []


class TopicRef(Strict):
    """Reference to a shared topic defined under a file's ``topics:``."""

    ref: Id


def _topic_kind(value: Any) -> str:
    if isinstance(value, dict) and "ref" in value:
        return "ref"
    return "topic"


TopicEntry = Annotated[
    Annotated[Topic, Tag("topic")] | Annotated[TopicRef, Tag("ref")],
    Discriminator(_topic_kind),
]


class Stage(Strict):
    id: Id
    title: ShortText
    summary: Text | None = None
    duration: ShortText | None = None
    weeks: float | None = Field(default=None, gt=0, le=520)
    hours_per_week: float | None = Field(default=None, gt=0, le=100)
    prerequisites: list[Id] = []
    goals: list[Text] = []
    topics: list[TopicEntry] = []
    milestones: list[Milestone] = []
    questions: list[QuestionEntry] = []
    renamed_from: list[Id] = []
    retired: list[Retired] = []


class TimelineEntry(Strict):
    when: ShortText
    what: Text


class Path(Strict):
    id: Id
    title: ShortText
    summary: Text
    audience: Text | None = None
    duration: ShortText | None = None
    hours_per_week: float | None = Field(default=None, gt=0, le=100)
    order: int = 100
    intro: list[Text] = []
    timeline: list[TimelineEntry] = []
    stages: list[Stage] = Field(min_length=1)
    renamed_from: list[Id] = []
    retired: list[Retired] = []


class RoadmapFile(Strict):
    """Top level of one ``roadmap/*.yml`` file."""

    path: Path | None = None
    topics: list[Topic] = []
    questions: list[BankQuestion] = []
    retired: list[Retired] = []  # paths, shared topics and questions removed on purpose

    @model_validator(mode="after")
    def _not_empty(self) -> RoadmapFile:
        if self.path is None and not self.topics and not self.questions:
            raise ValueError("文件里至少要有 path、topics 或 questions")
        return self


FIELD_NAMES: frozenset[str] = frozenset(
    name
    for model in (
        Resource,
        Retired,
        ChecklistItem,
        Milestone,
        QuestionRef,
        FollowUp,
        BankQuestion,
        Table,
        Topic,
        TopicRef,
        Stage,
        TimelineEntry,
        Path,
        RoadmapFile,
    )
    for name in model.model_fields
)
