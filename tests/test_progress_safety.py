"""Learners never lose their progress (issue #15), in chromium, on the offline build from
file:// and on the same build served over http:

- an unreadable or newer stored record is kept (and backed up), nothing is written until
  the reader chooses; a failing setItem keeps the previous record; no storage at all
  still leaves the pages readable; the browser is asked to persist the data; a backup
  reminder appears after 7 days or 50 changes and can be dismissed;
- two pages in one context changing different things both persist;
- notes and own links: autosave, validation, progress-page counts, export/import (merge
  or replace), Markdown checklist;
- the progress link: round trip, merge without losing a tick, tampered and oversized
  fragments refused;
- axe-core on the progress page, a stage page with the notes open, the banner and the
  dialogs; screenshots at 1280 and 390 px.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .helpers import NO_STORAGE, ROOT, SHOTS

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

KEY = "ml-jobbook-progress"
META = "ml-jobbook-meta"
STAGE = "paths/fullstack-to-ai/fs-1-math.html"
OTHER_STAGE = "paths/fullstack-to-ai/fs-2-ml.html"
OVERVIEW = "paths/fullstack-to-ai/index.html"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DAY = 86_400_000
REVIEW = {"due": 1, "s": 2.5, "d": 5.1, "el": 0, "sd": 3, "ls": 0, "r": 1, "l": 0, "st": 2}


def stored(page) -> str | None:
    return page.evaluate(f"() => localStorage.getItem('{KEY}')")


def record(page) -> dict:
    return json.loads(stored(page))


def backups(page) -> list[str]:
    return page.evaluate(
        f"""() => Object.keys(localStorage).filter(k => k.startsWith('{KEY}.backup.'))
                   .map(k => localStorage.getItem(k))"""
    )


def put(page, value: object) -> None:
    text = value if isinstance(value, str) else json.dumps(value)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, text])


def v3(**fields) -> dict:
    base = {"version": 3, "items": {}, "topics": {}, "reviews": {}, "notes": {}, "links": {}}
    return {**base, **fields}


class Site:
    """Opens pages of the built site from file:// or over http."""

    def __init__(self, built_site, http_root, scheme: str) -> None:
        self.root = built_site.unzipped
        self.http = http_root
        self.scheme = scheme

    def url(self, rel: str) -> str:
        return (self.root / rel).as_uri() if self.scheme == "file" else f"{self.http}/{rel}"

    def view(self, offline, **kwargs):
        view = offline(**kwargs)
        if self.scheme == "http":
            view.allowed += ("http://127.0.0.1:",)
        return view

    def open(self, view, rel: str, page=None):
        page = page or view.page
        page.goto(self.url(rel))
        page.wait_for_load_state("load")
        return page


@pytest.fixture(params=["file", "http"])
def site(request, built_site, http_root):
    return Site(built_site, http_root, request.param)


@pytest.fixture
def file_site(built_site, http_root):
    return Site(built_site, http_root, "file")


def tab(view):
    """Another page (tab) in the same context, its errors recorded like the first one's."""
    page = view.context.new_page()
    page.on("console", lambda m: m.type == "error" and view.errors.append(m.text))
    page.on("pageerror", lambda e: view.errors.append(str(e)))
    return page


def first_box(page):
    return page.locator("input[data-jobbook-item]").first


def reload(page) -> None:
    page.reload()
    page.wait_for_load_state("load")


def open_notes(page, n: int = 0):
    box = page.locator("details[data-jobbook-notes]").nth(n)
    box.locator("summary").click()
    return box


def clean(view) -> None:
    assert view.blocked == [] and view.errors == []


# ---- a record that cannot be read --------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ('{"version": 1, "items": {"fs-1-linalg.svd": tru', "保存的数据已经损坏"),
        (json.dumps(v3(items={"a.b": True}) | {"version": 9, "future": {}}), "格式版本 9"),
    ],
    ids=["corrupted-json", "newer-version"],
)
def test_unreadable_record_is_kept_until_the_reader_chooses(site, offline, raw, why):
    view = site.view(offline)
    page = site.open(view, STAGE)
    put(page, raw)
    reload(page)
    problem = page.locator('[data-notice="problem"]')
    assert problem.is_visible()
    text = problem.inner_text()
    assert "无法读取你保存的学习进度" in text and why in text and "另外已经备份了一份" in text
    assert problem.get_attribute("role") == "alert"
    assert stored(page) == raw and backups(page) == [raw]

    # nothing is written: a tick, a note and an own link are refused, visibly
    box = first_box(page)
    box.click()
    assert not box.is_checked()
    toast = page.locator("[data-jobbook-toast] [data-notice=save]")
    assert "无法保存：保存的进度无法读取" in toast.inner_text()
    notes = open_notes(page)
    notes.locator("textarea").fill("不会被保存")
    page.wait_for_timeout(800)
    assert "笔记没有保存" in notes.locator("[data-note-status]").inner_text()
    assert notes.locator("textarea").input_value() == "不会被保存"  # the text stays
    reload(page)
    assert stored(page) == raw and backups(page) == [raw]  # one backup, however often read

    # export the raw text, retry (still unreadable), then start fresh
    with page.expect_download() as info:
        page.click('[data-notice-action="export-raw"]')
    assert Path(info.value.path()).read_text(encoding="utf-8") == raw
    page.click('[data-notice-action="retry"]')
    assert problem.is_visible() and stored(page) == raw
    page.click('[data-notice-action="fresh"]')
    assert not problem.is_visible()
    assert record(page) == v3() and backups(page) == [raw]  # the old text survives
    first_box(page).click()
    assert len(record(page)["items"]) == 1
    clean(view)


def test_retry_picks_up_a_record_fixed_elsewhere(file_site, offline):
    view = file_site.view(offline)
    page = file_site.open(view, STAGE)
    put(page, '{"version": 3, "items": {')
    reload(page)
    assert page.locator('[data-notice="problem"]').is_visible()
    key = first_box(page).get_attribute("data-jobbook-item")
    put(page, v3(items={key: True}))  # e.g. another tab imported a backup
    page.click('[data-notice-action="retry"]')
    assert page.locator('[data-notice="problem"]').count() == 0
    assert first_box(page).is_checked()
    clean(view)


FAIL_WRITES = """
(() => {
  const real = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    if (window.__failWrites && k === 'ml-jobbook-progress') {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return real.call(this, k, v);
  };
})();
"""


def test_failed_setitem_leaves_the_previous_record(site, offline):
    view = site.view(offline)
    view.context.add_init_script(FAIL_WRITES)
    page = site.open(view, STAGE)
    boxes = page.locator("input[data-jobbook-item]")
    boxes.nth(0).click()
    before = stored(page)
    page.evaluate("() => { window.__failWrites = true }")
    boxes.nth(1).click()
    assert not boxes.nth(1).is_checked()
    toast = page.locator("[data-jobbook-toast]")
    assert "浏览器的存储空间已满，刚才的改动没有保存，之前的进度保持不变" in toast.inner_text()
    notes = open_notes(page)
    notes.locator("textarea").fill("笔记")
    page.wait_for_timeout(800)
    assert "笔记没有保存" in notes.locator("[data-note-status]").inner_text()
    assert stored(page) == before
    page.evaluate("() => { window.__failWrites = false }")
    boxes.nth(1).click()
    assert boxes.nth(1).is_checked() and toast.count() == 0  # a save that works clears it
    assert len(record(page)["items"]) == 2
    clean(view)


def test_pages_stay_readable_without_storage(site, offline):
    view = site.view(offline)
    view.context.add_init_script(NO_STORAGE)
    page = site.open(view, STAGE)
    assert page.locator("h1").first.is_visible()
    assert page.locator("[data-jobbook-notes]").count() > 0
    box = first_box(page)
    box.click()
    assert not box.is_checked()
    assert "浏览器禁用了本地存储" in page.locator("[data-jobbook-toast]").inner_text()
    page = site.open(view, "progress.html")
    assert "页面可以正常阅读" in page.locator('[data-notice="unavailable"]').inner_text()
    # Material's own palette storage also throws here; our code must not add errors
    assert [e for e in view.errors if "jobbook" in e] == []
    assert view.blocked == []


def test_the_browser_is_asked_to_keep_the_data(file_site, offline):
    view = file_site.view(offline)
    view.context.add_init_script(
        """(() => {
          window.__persist = [];
          const s = navigator.storage;
          s.persisted = () => { window.__persist.push('persisted'); return Promise.resolve(false); };
          s.persist = () => { window.__persist.push('persist'); return Promise.resolve(true); };
        })();"""
    )
    page = file_site.open(view, STAGE)
    assert page.evaluate("() => window.__persist") == []
    first_box(page).click()
    page.wait_for_function("() => window.__persist.length === 2")
    assert page.evaluate("() => window.__persist") == ["persisted", "persist"]
    clean(view)


def test_backup_reminder_after_seven_days_or_fifty_changes(file_site, offline):
    view = file_site.view(offline)
    page = file_site.open(view, STAGE)
    reminder = page.locator('[data-notice="reminder"]')
    boxes = page.locator("input[data-jobbook-item]")
    boxes.nth(0).click()
    boxes.nth(1).click()
    meta = page.evaluate(f"() => JSON.parse(localStorage.getItem('{META}'))")
    assert meta["changes"] == 2 and meta["exported"] == 0 and meta["since"] > 0
    assert reminder.count() == 0

    now = int(time.time() * 1000)
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, JSON.stringify(v))",
        [META, {"exported": now - 9 * DAY, "changes": 3, "since": now - 8 * DAY}],
    )
    reload(page)
    assert "距离上次导出备份已经过了 8 天" in reminder.inner_text()
    page.click('[data-notice-action="dismiss"]')
    assert reminder.count() == 0
    reload(page)
    assert reminder.count() == 0  # dismissed for another 7 days / 50 changes

    page.evaluate(
        "([k, v]) => localStorage.setItem(k, JSON.stringify(v))",
        [META, {"exported": 0, "changes": 49, "since": now}],
    )
    reload(page)
    assert reminder.count() == 0
    boxes.nth(2).click()
    assert "自从开始记录进度已经有 50 次改动" in reminder.inner_text()
    with page.expect_download() as info:
        page.click('[data-notice-action="export"]')
    assert json.loads(Path(info.value.path()).read_text(encoding="utf-8")) == record(page)
    assert reminder.count() == 0
    meta = page.evaluate(f"() => JSON.parse(localStorage.getItem('{META}'))")
    assert meta["changes"] == 0 and meta["exported"] >= now

    # a note typed with pauses autosaves several times but counts as one change
    area = open_notes(page).locator("textarea")
    for text in ("第一句", "第一句，第二句", "第一句，第二句，第三句"):
        area.fill(text)
        page.wait_for_function(
            f"t => (Object.values(JSON.parse(localStorage.getItem('{KEY}')).notes)[0] || '') === t",
            arg=text,
        )
    meta = page.evaluate(f"() => JSON.parse(localStorage.getItem('{META}'))")
    assert meta["changes"] == 1
    clean(view)


# ---- two tabs ----------------------------------------------------------------------------


def test_two_pages_changing_different_things_both_persist(site, offline):
    view = site.view(offline)
    a = site.open(view, STAGE)
    b = site.open(view, STAGE, tab(view))
    c = site.open(view, "practice.html", tab(view))
    boxes_a = a.locator("input[data-jobbook-item]")
    boxes_b = b.locator("input[data-jobbook-item]")
    key_a = boxes_a.nth(0).get_attribute("data-jobbook-item")
    key_b = boxes_b.nth(1).get_attribute("data-jobbook-item")

    boxes_a.nth(0).click()
    boxes_b.nth(1).click()  # b never reloaded: its write must keep a's tick
    expect_checked = 'k => document.querySelector(`input[data-jobbook-item="${k}"]`).checked'
    a.wait_for_function(expect_checked, arg=key_b)  # the storage event updated tab a
    b.wait_for_function(expect_checked, arg=key_a)

    open_notes(b).locator("textarea").fill("在 B 页写的笔记")
    notes_a = open_notes(a, 1)
    topic_a = notes_a.get_attribute("data-jobbook-notes")
    notes_a.locator("input[name=title]").fill("A 页的链接")
    notes_a.locator("input[name=url]").fill("https://example.org/a")
    notes_a.locator("button[type=submit]").click()
    b.wait_for_timeout(800)  # the note's autosave

    c.locator("[data-card-reveal]").click()
    c.locator('[data-rating="3"]').click()

    got = record(a)
    topic_b = b.locator("details[data-jobbook-notes]").first.get_attribute("data-jobbook-notes")
    assert got["items"] == {key_a: True, key_b: True}
    assert got["notes"] == {topic_b: "在 B 页写的笔记"}
    assert got["links"] == {topic_a: [{"t": "A 页的链接", "u": "https://example.org/a"}]}
    assert len(got["reviews"]) == 1
    # the note typed in b shows up in a (not focused there) without a reload
    a.wait_for_function(
        "() => document.querySelector('textarea[data-jobbook-note]').value === '在 B 页写的笔记'"
    )
    for page in (a, b):
        reload(page)
        assert page.locator(f'input[data-jobbook-item="{key_a}"]').first.is_checked()
        assert page.locator(f'input[data-jobbook-item="{key_b}"]').first.is_checked()
    clean(view)


# ---- notes and own links -----------------------------------------------------------------


def add_link(box, title: str, url: str) -> str:
    box.locator("input[name=title]").fill(title)
    box.locator("input[name=url]").fill(url)
    box.locator("button[type=submit]").click()
    return box.locator("[data-link-error]").inner_text()


def test_own_links_are_validated_and_shown_as_text(file_site, offline):
    view = file_site.view(offline)
    page = file_site.open(view, STAGE)
    box = open_notes(page)
    for url in ["javascript:alert(1)", "ftp://example.com/", "example.com", "https://a b.com/"]:
        assert add_link(box, "标题", url).startswith("网址要以 http:// 或 https:// 开头"), url
    assert add_link(box, "   ", "https://example.com/").startswith("请填写标题")
    assert stored(page) is None  # nothing saved by a refused link
    title = '<img src=x onerror="window.__pwned=1">'
    assert add_link(box, title, "https://example.com/x?a=1&b=<2>") == ""
    link = box.locator("[data-jobbook-mylinks] a")
    assert (
        link.inner_text() == title and link.get_attribute("rel") == "noopener noreferrer nofollow"
    )
    assert link.get_attribute("href") == "https://example.com/x?a=1&b=<2>"
    assert box.locator("img").count() == 0 and page.evaluate("() => window.__pwned") is None
    assert add_link(box, "again", "https://example.com/x?a=1&b=<2>") == "这个专题已经有这个链接了。"
    assert "1 个链接" in box.locator("summary").inner_text()
    box.locator("button[data-remove-link]").click()
    assert record(page)["links"] == {}
    clean(view)


def import_file(page, data: bytes, choose: str | None) -> str:
    message = page.locator("[data-jobbook-message]")
    page.evaluate("() => { document.querySelector('[data-jobbook-message]').textContent = '' }")
    page.set_input_files(
        "input[data-jobbook-import]",
        files=[{"name": "p.json", "mimeType": "application/json", "buffer": data}],
    )
    if choose:
        page.locator(f'dialog.jb-dialog button[data-value="{choose}"]').click()
        page.wait_for_function(
            "() => !/请选择/.test(document.querySelector('[data-jobbook-message]').textContent)"
        )
    else:
        page.wait_for_function("() => document.querySelector('[data-jobbook-message]').textContent")
    return message.inner_text()


def test_notes_and_links_round_trip_through_export_and_import(site, offline):
    view = site.view(offline)
    page = site.open(view, STAGE)
    first_box(page).click()
    box = open_notes(page)
    topic = box.get_attribute("data-jobbook-notes")
    note = "第一行：SVD = UΣVᵀ\n<script>alert(1)</script>\n  缩进保留"
    box.locator("textarea").fill(note)
    add_link(box, "我的 SVD 笔记", "https://example.com/svd")
    page.wait_for_function(
        f"() => (JSON.parse(localStorage.getItem('{KEY}')).notes || {{}})['{topic}']"
    )
    assert "有笔记 · 1 个链接" in box.locator("summary").inner_text()
    saved = record(page)
    assert saved["notes"] == {topic: note}

    page = site.open(view, "progress.html")
    summary = page.locator("[data-jobbook-notes-summary]")
    assert summary.locator('[data-count="notes"]').inner_text() == "1"
    assert summary.locator('[data-count="links"]').inner_text() == "1"
    item = page.locator("[data-jobbook-notes-list] li")
    expect(item.locator("a")).to_have_count(1)  # titles and links come from a data file
    assert "线性代数" in item.inner_text()
    href = item.locator("a").get_attribute("href")
    assert href == f"paths/fullstack-to-ai/fs-1-math.html#{topic}"

    with page.expect_download() as info:
        page.click("button[data-jobbook-export]")
    exported = Path(info.value.path()).read_bytes()
    assert json.loads(exported) == saved
    page.once("dialog", lambda d: d.accept())
    page.click("button[data-jobbook-reset]")
    assert record(page) == v3() and summary.locator('[data-count="notes"]').inner_text() == "0"

    # an import into other progress: merge keeps both sides
    put(page, v3(items={"other.item": True}, notes={topic: "本机的笔记"}))
    reload(page)
    text = import_file(page, exported, "merge")
    assert text == "已合并导入，现在共有 2 个已完成条目", text
    merged = record(page)
    assert merged["items"] == {**saved["items"], "other.item": True}
    assert merged["notes"] == {topic: "本机的笔记\n\n" + note}
    assert merged["links"] == saved["links"]
    # replace: exactly the file
    text = import_file(page, exported, "replace")
    assert text == "已导入 1 个已完成条目" and record(page) == saved
    # cancel: nothing changes
    before = stored(page)
    assert import_file(page, json.dumps(v3()).encode(), "close") == "已取消导入，当前进度未改变"
    assert stored(page) == before

    page = site.open(view, OVERVIEW)
    with page.expect_download() as info:
        page.click("button[data-jobbook-download-md]")
    md = Path(info.value.path()).read_text(encoding="utf-8")
    section = md[md.index("### 线性代数") :]
    section = section[: section.index("\n### ", 5)]
    assert (
        "> **我的笔记**\n>\n> 第一行：SVD = UΣVᵀ\n> <script>alert(1)</script>\n>   缩进保留"
        in section
    )
    assert "- [我的 SVD 笔记](https://example.com/svd)（我添加的链接）" in section
    assert section.count("- [x] ") == 1
    clean(view)


# ---- the progress link ---------------------------------------------------------------------


def share_link(page) -> str:
    page.click("button[data-jobbook-share]")
    dialog = page.locator("dialog.jb-share")
    dialog.locator("svg.jb-qr").wait_for()
    link = dialog.locator("[data-share-link]").input_value()
    assert dialog.locator("[data-share-length]").inner_text() == f"{len(link)} 个字符"
    return link


def test_progress_link_round_trip_and_merge(site, offline):
    view = site.view(offline)
    page = site.open(view, "progress.html")
    source = v3(
        items={"fs-1-linalg.svd": True, "fs-1-optim.gd": True, "gone-topic.old": True},
        topics={"fs-2-trees": "skipped"},
        reviews={"q-one": {**REVIEW, "lr": 1000}, "q-two": {**REVIEW, "lr": 5000}},
        notes={"fs-1-linalg": "链接里的笔记 ✓"},
        links={"fs-1-linalg": [{"t": "我的链接", "u": "https://example.com/l"}]},
    )
    put(page, source)
    reload(page)
    link = share_link(page)
    assert link.startswith(site.url("progress.html") + "#jb1.")
    dialog = page.locator("dialog.jb-share")
    assert "已完成条目 3 个" in dialog.inner_text() and "刷题记录 2 题" in dialog.inner_text()
    dialog.locator("input[data-share-reviews]").uncheck()  # shorter link without reviews
    page.wait_for_function(
        "n => document.querySelector('[data-share-link]').value.length < n", arg=len(link)
    )
    assert "刷题记录 0 题" in dialog.inner_text()
    dialog.locator('button[data-value="close"]').click()

    # another device: empty → replace gives exactly the record, and the fragment goes away
    other = site.view(offline)
    page2 = other.page
    page2.goto(link)
    incoming = page2.locator("dialog.jb-dialog [data-dialog-incoming]")
    assert incoming.inner_text() == (
        "已完成条目 3 个 · 跳过的专题 1 个 · 笔记 1 条 · 自己的链接 1 个 · 刷题记录 2 题"
    )
    page2.locator('dialog.jb-dialog button[data-value="replace"]').click()
    page2.wait_for_function("() => !location.hash")
    assert record(page2) == source
    assert page2.locator("[data-jobbook-message]").inner_text() == "已导入 3 个已完成条目"

    # a device with its own progress: merge keeps every tick; the later review wins
    third = site.view(offline)
    page3 = third.page
    site.open(third, "progress.html")
    mine = v3(
        items={"fs-1-linalg.svd": True, "mine.only": True},
        reviews={"q-one": {**REVIEW, "lr": 3000}, "q-two": {**REVIEW, "lr": 2000}},
        notes={"fs-1-linalg": "本机笔记"},
    )
    put(page3, mine)
    page3 = tab(third)  # links open in a new tab (a same-page fragment change would too)
    page3.goto(link)
    page3.locator('dialog.jb-dialog button[data-value="merge"]').click()
    page3.wait_for_function("() => !location.hash")
    got = record(page3)
    assert got["items"] == {**source["items"], "mine.only": True}
    assert got["reviews"]["q-one"]["lr"] == 3000 and got["reviews"]["q-two"]["lr"] == 5000
    assert got["notes"] == {"fs-1-linalg": "本机笔记\n\n链接里的笔记 ✓"}
    assert got["topics"] == source["topics"] and got["links"] == source["links"]
    msg = page3.locator("[data-jobbook-message]").inner_text()
    assert msg == "已合并进度链接，现在共有 4 个已完成条目"
    for v in (view, other, third):
        clean(v)


@pytest.mark.parametrize(
    ("mangle", "why"),
    [
        (
            lambda link: link[:-40] + ("A" if link[-40] != "A" else "B") + link[-39:],
            "可能被截断或改动过",
        ),
        (lambda link: link[:-12], "可能被截断或改动过"),
        (lambda link: link.split("#")[0] + "#jb1." + "A" * 250_000, "链接太长"),
        (lambda link: link.split("#")[0] + "#jb1.<img src=x onerror=alert(1)>", "不该出现的字符"),
    ],
    ids=["tampered", "truncated", "oversized", "markup"],
)
def test_bad_progress_links_are_refused_with_a_clear_message(site, offline, mangle, why):
    view = site.view(offline)
    page = site.open(view, "progress.html")
    put(page, v3(items={"fs-1-linalg.svd": True}, notes={"fs-1-linalg": "x" * 300}))
    reload(page)
    link = share_link(page)
    page.locator('dialog.jb-share button[data-value="close"]').click()
    mine = v3(items={"keep.me": True})
    put(page, mine)
    page = tab(view)
    page.goto(mangle(link))
    error = page.locator("dialog.jb-dialog [data-share-error]")
    text = error.inner_text()
    assert text.startswith("进度链接无效：") and why in text and "当前进度未改变" in text, text
    assert page.locator("dialog.jb-dialog img").count() == 0
    assert record(page) == mine
    page.locator('dialog.jb-dialog button[data-value="close"]').click()
    page.wait_for_function("() => location.hash === ''")  # the link is not read again
    clean(view)


# ---- accessibility and screenshots ----------------------------------------------------------


def axe(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail("axe-core missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


FULL = v3(
    items={"fs-1-linalg.svd": True},
    notes={"fs-1-linalg": "复习 SVD 的几何意义\n第二遍：看 3Blue1Brown"},
    links={"fs-1-linalg": [{"t": "我整理的 SVD 笔记", "u": "https://example.com/svd"}]},
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(file_site, offline, scheme):
    view = file_site.view(offline, scheme=scheme, bypass_csp=True)  # axe is an inline script
    page = file_site.open(view, STAGE)
    put(page, FULL)
    reload(page)
    open_notes(page)
    page.locator("details[data-jobbook-notes] [data-link-error]").first.evaluate(
        "el => { el.textContent = '网址要以 http:// 或 https:// 开头。' }"
    )
    assert axe(page) == [], "stage page with the notes open"
    page = file_site.open(view, "progress.html")
    assert axe(page) == [], "progress page"
    page.click("button[data-jobbook-share]")
    page.locator("svg.jb-qr").wait_for()
    assert axe(page) == [], "progress link dialog"
    page.keyboard.press("Escape")
    put(page, '{"version": 3, "items": {')
    page = file_site.open(view, STAGE)
    first_box(page).click()
    assert axe(page) == [], "banner and toast"
    now = int(time.time() * 1000)
    put(page, FULL)
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, JSON.stringify(v))",
        [META, {"exported": 0, "changes": 60, "since": now}],
    )
    reload(page)
    assert page.locator('[data-notice="reminder"]').is_visible()
    assert axe(page) == [], "backup reminder"


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_banner_notes_and_dialogs(file_site, offline, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    view = file_site.view(offline, width=width)
    page = file_site.open(view, STAGE)
    put(page, FULL)
    reload(page)
    box = open_notes(page)
    box.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -120)")
    page.screenshot(path=str(SHOTS / f"notes-{width}.png"))

    page = file_site.open(view, "progress.html")
    page.click("button[data-jobbook-share]")
    page.locator("svg.jb-qr").wait_for()
    page.screenshot(path=str(SHOTS / f"progress-link-{width}.png"))
    link = page.locator("[data-share-link]").input_value()
    page.keyboard.press("Escape")

    other = file_site.view(offline, width=width)
    other.page.goto(link)
    other.page.locator("dialog.jb-dialog [data-dialog-incoming]").wait_for()
    other.page.screenshot(path=str(SHOTS / f"progress-link-open-{width}.png"))

    put(page, '{"version": 3, "items": {')
    page = file_site.open(view, STAGE)
    first_box(page).click()
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"banner-{width}.png"))
    for v in (view, other):
        clean(v)
