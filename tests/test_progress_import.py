"""Progress import / export on progress.html of the unzipped offline build, in chromium.

Hostile or broken progress files must be refused with a Chinese error, leave the stored
progress byte-for-byte unchanged and never touch ``Object.prototype``; a valid file
offers merge or replace (replace tested here, merge in test_progress_safety.py);
export → reset → import restores the same state."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

KEY = "ml-jobbook-progress"
STAGE = "paths/fullstack-to-ai/fs-1-math.html"
CJK = re.compile(r"[\u4e00-\u9fff]")


def stored(page) -> str | None:
    return page.evaluate(f"() => localStorage.getItem('{KEY}')")


def message(page) -> tuple[str, list[str]]:
    return page.evaluate(
        """() => {
          const el = document.querySelector('[data-jobbook-message]');
          return [el.textContent, Array.from(el.classList), el.children.length];
        }"""
    )


def import_file(
    page, data: bytes, name: str = "progress.json", choose: str | None = None
) -> tuple[str, list[str], int]:
    """Choose ``data`` in the import file input (then ``choose`` in the merge / replace
    dialog) and wait for the reader-facing message."""
    page.evaluate("() => { document.querySelector('[data-jobbook-message]').textContent = '' }")
    page.set_input_files(
        "input[data-jobbook-import]",
        files=[{"name": name, "mimeType": "application/json", "buffer": data}],
    )
    if choose:
        page.locator(f'dialog.jb-dialog button[data-value="{choose}"]').click()
    page.wait_for_function(
        """() => { const t = document.querySelector('[data-jobbook-message]').textContent;
                   return t !== '' && !t.startsWith('请选择'); }""",
        timeout=10_000,
    )
    return message(page)


def polluted(page) -> bool:
    return page.evaluate(
        """() => ({}).polluted !== undefined || Object.prototype.polluted !== undefined
               || ({}).constructor !== Object || typeof ({}).toString !== 'function'
               || Object.keys(Object.prototype).length !== 0"""
    )


@pytest.fixture(scope="module")
def _session(built_site, browser):
    """One browser page for the module: tick a box on a stage page and skip a topic."""
    from .helpers import OfflinePage

    view = OfflinePage(browser)
    page = view.open(built_site.unzipped, STAGE)
    box = page.locator("input[data-jobbook-item]").first
    box.check()
    skip = page.locator("button[data-jobbook-skip]").first
    skip.click()
    ticked = box.get_attribute("data-jobbook-item")
    skipped = skip.get_attribute("data-jobbook-skip")
    page = view.open(built_site.unzipped, "progress.html")
    baseline = stored(page)
    assert json.loads(baseline) == current(items={ticked: True}, topics={skipped: "skipped"})
    yield view, baseline, ticked, skipped
    view.close()


@pytest.fixture
def progress_page(_session):
    """progress.html, freshly loaded, with the progress set up by ``_session``."""
    view, baseline, ticked, skipped = _session
    page = view.page
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, baseline])
    page.reload()
    page.wait_for_load_state("load")
    yield view, page, ticked, skipped
    assert view.blocked == []
    assert view.errors == []


def doc(**fields) -> bytes:
    return json.dumps({"version": 1, **fields}).encode()


def current(**fields) -> dict:
    """A record as stored now (version 3): files of older versions are migrated."""
    empty = {"items": {}, "topics": {}, "reviews": {}, "notes": {}, "links": {}}
    return {"version": 3, **empty, **fields}


def doc3(**fields) -> bytes:
    return json.dumps({"version": 3, "items": {}, **fields}).encode()


INVALID = {
    "malformed-json": b'{"version": 1, "items": {',
    "empty-file": b"",
    "not-json": b"\x89PNG\r\n\x1a\n\x00\x00",
    "json-array": b'[{"version": 1, "items": {}}]',
    "json-string": b'"version"',
    "json-null": b"null",
    "wrong-version": doc(items={}).replace(b'"version": 1', b'"version": 7'),
    "version-as-string": b'{"version": "1", "items": {}}',
    "no-version": b'{"items": {"a.b": true}}',
    "items-array": doc(items=["a.b"]),
    "items-null": doc(items=None),
    "value-number": doc(items={"a.b": 1}),
    "value-string": doc(items={"a.b": "true"}),
    "value-false": doc(items={"a.b": False}),
    "value-object": doc(items={"a.b": {"polluted": True}}),
    "topic-state-done": doc(topics={"a": "done"}),
    "proto-in-items": b'{"version": 1, "items": {"__proto__": {"polluted": true}}}',
    "proto-in-topics": b'{"version": 1, "topics": {"__proto__": "skipped"}}',
    "proto-as-items": b'{"version": 1, "items": {"a.b": true}, "topics": {"__proto__": {"polluted": "yes"}}}',
    "constructor-prototype": b'{"version": 1, "items": {"constructor": {"prototype": {"polluted": true}}}}',
    "dotted-path": doc(items={"a.b.c": True}),
    "script-key": doc(items={"<script>alert(1)</script>": True}),
    "img-key": doc(items={"<img src=x onerror=alert(1)>": True}),
    "uppercase-key": doc(items={"A.b": True}),
    "empty-key": doc(items={"": True}),
    "deep-nesting": b"[" * 300_000 + b"]" * 300_000,
    "unknown-field": doc(itmes={"a.b": True}),
    "proto-top-level": b'{"version": 1, "items": {}, "__proto__": {"polluted": true}}',
    "version-only": doc(),
    "long-key-bad-value": doc(items={"a" * 5000: 1}),
    "long-bad-key": doc(items={"A" * 5000: True}),
    "two-megabytes": doc(items={f"t{n}.i": True for n in range(120_000)}),
    # version 3: notes and own links
    "v1-with-notes": doc(items={}, notes={"a": "x"}),
    "note-proto": b'{"version": 3, "items": {}, "notes": {"__proto__": "x"}}',
    "note-constructor-object": doc3(notes={"constructor": {"prototype": {"polluted": 1}}}),
    "note-empty": doc3(notes={"a": ""}),
    "note-number": doc3(notes={"a": 1}),
    "note-huge": doc3(notes={"a": "笔" * 20_001}),
    "links-proto": b'{"version": 3, "items": {}, "links": {"__proto__": [{"t": "x", "u": "https://a.b/"}]}}',
    "link-javascript": doc3(links={"a": [{"t": "x", "u": "javascript:alert(1)"}]}),
    "link-data": doc3(links={"a": [{"t": "x", "u": "data:text/html,<script>alert(1)</script>"}]}),
    "link-relative": doc3(links={"a": [{"t": "x", "u": "/etc/passwd"}]}),
    "link-extra-field": doc3(links={"a": [{"t": "x", "u": "https://a.b/", "onclick": "x"}]}),
    "link-title-too-long": doc3(links={"a": [{"t": "<b>" * 100, "u": "https://a.b/"}]}),
    "link-not-a-list": doc3(links={"a": {"t": "x", "u": "https://a.b/"}}),
    "links-too-many": doc3(links={"a": [{"t": "x", "u": f"https://a.b/{n}"} for n in range(31)]}),
    "link-deep": b'{"version": 3, "items": {}, "links": {"a": '
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}}",
    "review-junk": doc3(reviews={"q": {"due": "soon"}}),
    "newer-with-notes": json.dumps({"version": 4, "items": {}, "notes": {"a": "x"}}).encode(),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_import_changes_nothing(progress_page, name):
    _, page, _, _ = progress_page
    data = INVALID[name]
    if name == "two-megabytes":
        assert len(data) > 2_000_000
    before = stored(page)
    bars = "els => els.map(e => e.getAttribute('aria-valuenow') + e.textContent)"
    bars_before = page.locator("[data-jobbook-progress]").evaluate_all(bars)
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        text, classes, children = import_file(page, data)
    finally:
        page.remove_listener("dialog", on_dialog)
    assert text.startswith("导入失败"), text
    assert CJK.search(text) and "当前进度未改变" in text, text
    assert "jb-error" in classes
    assert children == 0  # shown as text, never as markup
    assert len(text) < 200, text
    assert stored(page) == before  # byte-identical
    assert not polluted(page)
    assert page.locator("[data-jobbook-progress]").evaluate_all(bars) == bars_before
    assert dialogs == []


def test_error_message_is_cleared_by_a_later_success(progress_page):
    _, page, ticked, _ = progress_page
    _, classes, _ = import_file(page, b"[]")
    assert "jb-error" in classes
    text, classes, _ = import_file(page, doc(items={ticked: True}), choose="replace")
    assert "jb-error" not in classes and text.startswith("已导入"), text


def test_constructor_is_only_an_id(progress_page):
    """ "constructor" is a well-formed id: kept as plain data, nothing else happens."""
    _, page, _, _ = progress_page
    text, classes, _ = import_file(
        page,
        doc3(items={"constructor": True}, topics={"valueof": "skipped"}, notes={"tostring": "x"}),
        choose="replace",
    )
    assert "jb-error" not in classes, text
    assert json.loads(stored(page)) == current(
        items={"constructor": True}, topics={"valueof": "skipped"}, notes={"tostring": "x"}
    )
    assert not polluted(page)


def test_valid_import_replaces_the_progress(progress_page):
    _, page, ticked, skipped = progress_page
    other = page.locator("[data-jobbook-progress]").first.get_attribute("data-jobbook-items")
    keys = [k for k in other.split() if k != ticked][:2]
    new = {
        "version": 1,
        "items": {**dict.fromkeys(keys, True), "gone-topic.old-item": True},
        "topics": {},
    }
    text, classes, _ = import_file(
        page, b"\xef\xbb\xbf" + json.dumps(new).encode(), choose="replace"
    )
    assert "jb-error" not in classes
    assert text == f"已导入 {len(keys) + 1} 个已完成条目"
    # replaced, not merged: ticked/skipped are gone; the version 1 file is migrated
    assert json.loads(stored(page)) == current(items=new["items"])
    assert ticked not in stored(page) and skipped not in stored(page)
    bar = page.locator("[data-jobbook-progress]").first
    assert bar.get_attribute("aria-valuenow") != "0"


def export(page) -> dict:
    with page.expect_download() as info:
        page.click("button[data-jobbook-export]")
    assert info.value.suggested_filename == "ml-jobbook-progress.json"
    return json.loads(Path(info.value.path()).read_text(encoding="utf-8"))


def test_export_reset_import_round_trip(progress_page):
    _, page, ticked, skipped = progress_page
    # ids that no longer exist on the site must survive too
    text, _, _ = import_file(
        page,
        doc(
            items={ticked: True, "removed-topic.item-1": True, "constructor": True},
            topics={skipped: "skipped", "removed-topic": "skipped"},
        ),
        choose="replace",
    )
    assert text.startswith("已导入")
    before = json.loads(stored(page))
    exported = export(page)
    assert exported == before
    assert "removed-topic.item-1" in exported["items"]
    assert exported["topics"]["removed-topic"] == "skipped"
    assert message(page)[0] == "已导出 3 个已完成条目"

    page.once("dialog", lambda d: d.accept())
    page.click("button[data-jobbook-reset]")
    assert json.loads(stored(page)) == current()
    assert message(page)[0] == "进度已清空"

    text, classes, _ = import_file(
        page, json.dumps(exported, indent=2).encode(), "backup.json", choose="replace"
    )
    assert "jb-error" not in classes, text
    assert json.loads(stored(page)) == before
    assert export(page) == before


def test_reset_can_be_cancelled(progress_page):
    _, page, _, _ = progress_page
    before = stored(page)
    page.once("dialog", lambda d: d.dismiss())
    page.click("button[data-jobbook-reset]")
    assert stored(page) == before
