"""Validation: every problem is reported once, as roadmap/file.yml:LINE: message."""

from __future__ import annotations

PATH_HEAD = """
path:
  id: p
  title: 路线
  summary: 简介
  stages:
    - id: s
      title: 阶段
      topics:
        - id: t
          title: 专题
          resources:
"""


def resources(body: str) -> str:
    lines = [" " * 12 + line if line else line for line in body.strip("\n").splitlines()]
    return PATH_HEAD + "\n".join(lines) + "\n"


def test_valid_roadmap_has_no_issues(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        resources("""
- title: A
  url: https://a.example.org/
  type: book
  lang: en
"""),
    )
    roadmap = roadmap_dir.check()
    assert roadmap.ok
    assert roadmap.files[0].model.path.stages[0].topics[0].resources[0].free is True


def test_contributor_mistakes_give_one_precise_line_each(roadmap_dir):
    """The acceptance case: typo'd key, missing url, javascript: URL, duplicate URL."""
    roadmap_dir.write(
        "a.yml",
        resources("""
- titel: A
  url: https://a.example.org/x
  type: book
  lang: en
- title: B
  type: book
  lang: en
- title: C
  url: javascript:alert(1)
  type: book
  lang: en
- title: D
  url: https://a.example.org/x
  type: book
  lang: en
"""),
    )
    assert roadmap_dir.messages() == [
        "roadmap/a.yml:12: 未知字段 'titel'（你是不是想写 'title'？）",
        "roadmap/a.yml:16: 缺少必填字段 'url'",
        "roadmap/a.yml:20: 'url': 只接受 http:// 或 https:// 开头的完整网址",
        "roadmap/a.yml:24: 重复的网址 https://a.example.org/x，已在 roadmap/a.yml:13 收录",
    ]


def test_duplicate_url_across_files_names_both_locations(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        resources("- {title: A, url: 'https://x.org/p/', type: book, lang: en}"),
    )
    roadmap_dir.write(
        "b.yml",
        """
        topics:
          - id: other
            title: 另一个
            resources:
              - {title: B, url: 'http://www.x.org/p', type: book, lang: en}
        """,
    )
    assert roadmap_dir.messages() == [
        "roadmap/b.yml:5: 重复的网址 http://www.x.org/p（与 https://x.org/p/ 实质相同），"
        "已在 roadmap/a.yml:12 收录"
    ]


def test_non_http_urls_are_rejected(roadmap_dir):
    bad = ["data:text/html,x", "/relative/path", "ftp://x.org/f", "https://", "vbscript:x"]
    body = "\n".join(
        f"- {{title: T{i}, url: '{u}', type: book, lang: en}}" for i, u in enumerate(bad)
    )
    roadmap_dir.write("a.yml", resources(body))
    messages = roadmap_dir.messages()
    assert len(messages) == len(bad)
    assert all("只接受 http:// 或 https://" in m for m in messages)
    assert [m.split(":")[1] for m in messages] == [str(12 + i) for i in range(len(bad))]


def test_wrong_types_and_enums(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        resources("""
- title: 123
  url: https://a.example.org/
  type: podcast
  lang: fr
  free: maybe
"""),
    )
    messages = roadmap_dir.messages()
    assert "roadmap/a.yml:12: 'title' 应该是文本" in messages
    assert any(m.startswith("roadmap/a.yml:14: 'type' 的取值 'podcast' 无效") for m in messages)
    assert any(m.startswith("roadmap/a.yml:15: 'lang' 的取值 'fr' 无效") for m in messages)
    assert "roadmap/a.yml:16: 'free' 应该是 true 或 false" in messages


def test_duplicate_ids_and_unknown_references(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        """
        path:
          id: p
          title: 路线
          summary: 简介
          stages:
            - id: s
              title: 阶段
              prerequisites: [nowhere]
              topics:
                - id: s
                  title: 同名专题
                - ref: missing-topic
        """,
    )
    assert roadmap_dir.messages() == [
        "roadmap/a.yml:8: 前置条件引用了不存在的 id 'nowhere'",
        "roadmap/a.yml:10: 重复的 id 's'（已在 roadmap/a.yml:6 定义）",
        "roadmap/a.yml:12: ref 'missing-topic' 无效：没有这个专题",
    ]


def test_ref_must_point_to_a_shared_topic(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        """
        path:
          id: p
          title: 路线
          summary: 简介
          stages:
            - id: s
              title: 阶段
              topics:
                - id: inline
                  title: 内联专题
                - ref: inline
        """,
    )
    [message] = roadmap_dir.messages()
    assert message.startswith("roadmap/a.yml:11: ref 'inline' 无效：它不是共享专题")


def test_duplicate_checklist_ids_within_a_topic(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        """
        topics:
          - id: t
            title: 专题
            self_check:
              - {id: one, text: 第一条}
              - {id: one, text: 第二条}
        """,
    )
    assert roadmap_dir.messages() == ["roadmap/a.yml:6: self_check 中重复的 id 'one'（第 5 行）"]


def test_bad_id_format_and_missing_pages(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        """
        topics:
          - id: Bad_ID
            title: 专题
            pages: [math/nope.md]
        """,
    )
    messages = roadmap_dir.messages()
    assert any(m.startswith("roadmap/a.yml:2: 'id' 的取值 'Bad_ID' 格式不对") for m in messages)
    assert "roadmap/a.yml:4: pages 里的 'math/nope.md' 在 docs/ 中不存在" in messages


def test_all_errors_of_all_files_are_collected(roadmap_dir):
    roadmap_dir.write("a.yml", "topics: [{id: a, title: A, unknown1: x}]\n")
    roadmap_dir.write("b.yml", "topics:\n  - id: b\n    title: B\n    unknown2: y\n")
    roadmap_dir.write("c.yml", "topics: [\n")
    messages = roadmap_dir.messages()
    assert [m.split(":")[0] for m in messages] == [
        "roadmap/a.yml",
        "roadmap/b.yml",
        "roadmap/c.yml",
    ]
    assert "roadmap/b.yml:4: 未知字段 'unknown2'" in messages
    assert messages[2].startswith("roadmap/c.yml:2: YAML 语法错误")


def test_empty_and_non_mapping_files(roadmap_dir):
    roadmap_dir.write("a.yml", "")
    roadmap_dir.write("b.yml", "- just\n- a list\n")
    roadmap_dir.write("c.yml", "other: 1\n")
    assert roadmap_dir.messages() == [
        "roadmap/a.yml:1: 文件是空的",
        "roadmap/b.yml:1: 文件顶层应该是键值映射（path: 或 topics:）",
        "roadmap/c.yml:1: 未知字段 'other'",
    ]
    roadmap_dir.write("c.yml", "{}\n")
    assert roadmap_dir.messages()[-1] == "roadmap/c.yml:1: 文件里至少要有 path、topics 或 questions"


def test_tags_must_come_from_the_vocabulary(roadmap_dir):
    roadmap_dir.write("tags.yml", "tags:\n  math: 数学\n  deep-learning: 深度学习\n")
    roadmap_dir.write(
        "a.yml",
        resources(
            "- {title: A, url: 'https://a.org/', type: book, lang: en, tags: [math, deep-learnin, xyz]}"
        ),
    )
    assert roadmap_dir.messages() == [
        "roadmap/a.yml:12: 未知标签 'deep-learnin'（你是不是想写 'deep-learning'？），可用标签见 roadmap/tags.yml",
        "roadmap/a.yml:12: 未知标签 'xyz'，可用标签见 roadmap/tags.yml",
    ]


def test_url_cleanup_hints(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        resources("""
- title: A
  url: https://www.bilibili.com/video/BV1xx?vd_source=abc&p=2
  type: video
  lang: zh
- title: B
  url: https://example.org/page。
  type: article
  lang: zh
"""),
    )
    assert roadmap_dir.messages() == [
        "roadmap/a.yml:13: 网址带有跟踪参数 vd_source，请删掉：https://www.bilibili.com/video/BV1xx?p=2",
        "roadmap/a.yml:17: 网址末尾多了标点，应为 https://example.org/page",
    ]


def test_near_duplicate_urls_http_www_and_trailing_slash(roadmap_dir):
    roadmap_dir.write(
        "a.yml",
        resources("""
- {title: A, url: 'https://www.example.org/docs/', type: docs, lang: en}
- {title: B, url: 'http://example.org/docs', type: docs, lang: en}
"""),
    )
    [message] = roadmap_dir.messages()
    assert message.startswith(
        "roadmap/a.yml:13: 重复的网址 http://example.org/docs（与 https://www.example.org/docs/ 实质相同）"
    )
