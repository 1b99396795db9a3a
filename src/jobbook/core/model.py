"""Pydantic schema of the roadmap YAML files.

One file holds either a learning ``path`` (stages → topics), a list of shared
``topics`` that paths reference with ``{ref: id}``, or both.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

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


class ChecklistItem(Strict):
    """A self-assessment item; ``id`` is its progress key within the parent."""

    id: Id
    text: Text


class Milestone(Strict):
    """A project with a measurable target, e.g. ``Titanic ≥ 0.79``."""

    id: Id
    title: ShortText
    target: ShortText | None = None
    details: Text | None = None


def _question_from_str(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class Question(Strict):
    text: Text
    answer: Text | None = None


QuestionEntry = Annotated[Question, BeforeValidator(_question_from_str)]


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


class RoadmapFile(Strict):
    """Top level of one ``roadmap/*.yml`` file."""

    path: Path | None = None
    topics: list[Topic] = []

    @model_validator(mode="after")
    def _not_empty(self) -> RoadmapFile:
        if self.path is None and not self.topics:
            raise ValueError("文件里至少要有 path 或 topics")
        return self


FIELD_NAMES: frozenset[str] = frozenset(
    name
    for model in (
        Resource,
        ChecklistItem,
        Milestone,
        Question,
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
