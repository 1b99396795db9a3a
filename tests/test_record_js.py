"""The record module (overrides/src/record.js) and the progress-link codec, run in Node:
versioned migrations, validation, merge, renamed ids, and the link's size for a
realistic record."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .helpers import ROOT

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")
SRC = (ROOT / "overrides" / "src").as_uri()


def run(body: str, **inputs: object) -> object:
    """Run ``body`` as an async ES module with record.js as ``R`` and the codec as ``C``;
    ``inputs`` are available as ``I``; whatever it returns comes back as JSON."""
    script = (
        f'import * as R from "{SRC}/record.js";\n'
        f'import * as C from "{SRC}/linkcodec.js";\n'
        f"const I = {json.dumps(inputs)};\n"
        "const plain = (x) => JSON.parse(JSON.stringify(x));\n"
        "const out = await (async () => {\n" + body + "\n})();\n"
        "process.stdout.write(JSON.stringify(out === undefined ? null : out));\n"
    )
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


REVIEW = {"due": 1, "s": 2, "d": 3, "el": 0, "sd": 4, "ls": 0, "r": 1, "l": 0, "st": 2, "lr": 100}


def test_migrations_are_explicit_steps_up_to_the_current_version():
    got = run(
        """
        const v1 = {version: 1, items: {"a.b": true}, topics: {a: "skipped"}};
        const v2 = R.MIGRATIONS[1](v1);
        const v3 = R.MIGRATIONS[2](v2);
        return {
          version: R.VERSION, steps: Object.keys(R.MIGRATIONS),
          v2: [v2.version, Object.keys(v2)], v3: [v3.version, Object.keys(v3)],
          fromV1: plain(R.parse(JSON.stringify(v1))),
          fromV2: plain(R.parse(JSON.stringify({version: 2, items: {}, topics: {}, reviews: {q: I.review}}))),
        };
        """,
        review=REVIEW,
    )
    assert got["version"] == 3 and got["steps"] == ["1", "2"]
    assert got["v2"] == [2, ["version", "items", "topics", "reviews"]]
    assert got["v3"] == [3, ["version", "items", "topics", "reviews", "notes", "links"]]
    empty = {"reviews": {}, "notes": {}, "links": {}}
    assert got["fromV1"] == {
        "version": 3,
        "items": {"a.b": True},
        "topics": {"a": "skipped"},
        **empty,
    }
    assert got["fromV2"]["reviews"] == {"q": REVIEW}
    assert got["fromV2"]["notes"] == {} and got["fromV2"]["version"] == 3


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ('{"version": 4, "items": {}}', "newer", "更新版本的网站（格式版本 4）"),
        ('{"version": 99}', "newer", "格式版本 99"),
        ('{"version": 0, "items": {}}', "damaged", "不认识的进度文件版本"),
        ('{"version": 2.5, "items": {}}', "damaged", "不认识的进度文件版本"),
        ('{"version": 1, "items": {}, "notes": {}}', "damaged", "无法识别的字段：notes"),
        ('{"version": 3, "items": {}, "notes": {"a": ""}}', "damaged", "notes 中 a 的值无效"),
        ('{"version": 3, "items": {}, "notes": {"__proto__": "x"}}', "damaged", "无效的键"),
        (
            '{"version": 3, "items": {}, "links": {"a": [{"t": "x", "u": "javascript:alert(1)"}]}}',
            "damaged",
            "links 中 a 的值无效",
        ),
        (
            '{"version": 3, "items": {}, "links": {"a": [{"t": "x", "u": "https://a.b", "z": 1}]}}',
            "damaged",
            "值无效",
        ),
        ('{"version": 3, "items": {}, "links": {"a": {"t": "x"}}}', "damaged", "值无效"),
        ("{", "damaged", "不是有效的 JSON"),
    ],
)
def test_unreadable_records_say_why(text, kind, message):
    got = run(
        "try { R.parse(I.text); return 'parsed'; } catch (e) { return [e.kind, e.message]; }",
        text=text,
    )
    assert got[0] == kind and message in got[1], got


def test_note_and_link_limits():
    got = run(
        """
        const ok = (r) => { try { R.fromJSON(r); return true; } catch (e) { return false; } };
        const link = (u, t) => ({t: t || "标题", u: u});
        const base = {version: 3, items: {}};
        return {
          longNote: ok({...base, notes: {a: "x".repeat(R.NOTE_MAX)}}),
          tooLong: ok({...base, notes: {a: "x".repeat(R.NOTE_MAX + 1)}}),
          http: ok({...base, links: {a: [link("http://example.com/a?b=1#c")]}}),
          ftp: ok({...base, links: {a: [link("ftp://example.com/")]}}),
          data: ok({...base, links: {a: [link("data:text/html,<b>")]}}),
          spaces: ok({...base, links: {a: [link("https://exa mple.com/")]}}),
          noHost: ok({...base, links: {a: [link("https://")]}}),
          emptyTitle: ok({...base, links: {a: [link("https://a.b/", "  ")]}}),
          many: ok({...base, links: {a: Array.from({length: R.LINKS_MAX + 1}, (_, i) => link("https://a.b/" + i))}}),
          clean: [R.cleanUrl("  https://a.b/x  "), R.cleanUrl("javascript:alert(1)"), R.cleanTitle("  a \\n b ")],
        };
        """
    )
    assert got["longNote"] and not got["tooLong"]
    assert got["http"] and not got["ftp"] and not got["data"] and not got["spaces"]
    assert not got["noHost"] and not got["emptyTitle"] and not got["many"]
    assert got["clean"] == ["https://a.b/x", None, "a b"]


def test_merge_never_loses_anything_and_keeps_the_later_review():
    got = run(
        """
        const a = R.fromJSON({version: 3, items: {"t.a": true, "t.b": true}, topics: {x: "skipped"},
          reviews: {q1: {...I.review, lr: 100}, q2: {...I.review, lr: 500}},
          notes: {t: "本地笔记", u: "共同"}, links: {t: [{t: "A", u: "https://a.example/"}]}});
        const b = R.fromJSON({version: 3, items: {"t.b": true, "t.c": true}, topics: {y: "skipped"},
          reviews: {q1: {...I.review, lr: 200}, q2: {...I.review, lr: 400}, q3: I.review},
          notes: {t: "链接里的笔记", u: "共同", v: "新"},
          links: {t: [{t: "A again", u: "https://a.example/"}, {t: "B", u: "https://b.example/"}]}});
        const m = R.merge(a, b);
        return {m: plain(m.record), kept: m.kept, again: plain(R.merge(m.record, b).record)};
        """,
        review=REVIEW,
    )
    m = got["m"]
    assert m["items"] == {"t.a": True, "t.b": True, "t.c": True}
    assert m["topics"] == {"x": "skipped", "y": "skipped"}
    assert m["reviews"]["q1"]["lr"] == 200 and m["reviews"]["q2"]["lr"] == 500
    assert "q3" in m["reviews"]
    assert m["notes"] == {"t": "本地笔记\n\n链接里的笔记", "u": "共同", "v": "新"}
    assert [link["u"] for link in m["links"]["t"]] == ["https://a.example/", "https://b.example/"]
    assert m["links"]["t"][0]["t"] == "A"  # the local title stays
    assert got["kept"] == []
    assert got["again"] == m  # merging the same thing twice changes nothing


def test_renamed_ids_move_every_kind_of_key_once():
    got = run(
        """
        const map = R.cleanMap({
          ids: {old: "mid", mid: "new", stage0: "stage1", "__proto__": "x", bad: "UPPER"},
          items: {"new.i0": "new.i1"},
          questions: {q0: "q1"},
        });
        const r = R.fromJSON({version: 3, items: {"old.i0": true, "new.i2": true, "stage0.m": true},
          topics: {old: "skipped"}, reviews: {q0: I.review}, notes: {old: "旧笔记", new: "新笔记"},
          links: {mid: [{t: "L", u: "https://l.example/"}]}});
        const first = R.rename(r, map);
        const snapshot = plain(r);
        const second = R.rename(r, map);
        return {first, second, r: snapshot, same: JSON.stringify(plain(r)) === JSON.stringify(snapshot),
          proto: Object.keys(map.ids)};
        """,
        review=REVIEW,
    )
    assert got["first"] is True and got["second"] is False and got["same"]
    r = got["r"]
    # a chain old → mid → new, then the item's own rename new.i0 → new.i1
    assert r["items"] == {"new.i1": True, "new.i2": True, "stage1.m": True}
    assert r["topics"] == {"new": "skipped"}
    assert list(r["reviews"]) == ["q1"]
    assert r["notes"] == {"new": "新笔记\n\n旧笔记"}  # both notes kept
    assert list(r["links"]) == ["new"]
    assert got["proto"] == ["old", "mid", "stage0"]  # junk in the map is ignored


def test_link_round_trip_and_refusals():
    got = run(
        """
        const r = R.fromJSON({version: 3, items: {"t.a": true, "t.b": true, "solo": true}, topics: {x: "skipped"},
          reviews: {q: I.review}, notes: {t: "笔记 ✓\\n第二行"}, links: {t: [{t: "L", u: "https://l.example/"}]}});
        const frag = await C.encode(r);
        const back = plain(await C.decode(frag));
        const fail = async (f) => { try { await C.decode(f); return "decoded"; } catch (e) { return e.message; } };
        const body = frag.slice(C.PREFIX.length);
        const mid = Math.floor(body.length / 2);
        const flip = body.slice(0, mid) + (body[mid] === "A" ? "B" : "A") + body.slice(mid + 1);
        return {frag, back, want: plain(r),
          tampered: await fail(C.PREFIX + flip),
          truncated: await fail(frag.slice(0, frag.length - 6)),
          oversized: await fail(C.PREFIX + "A".repeat(C.MAX_FRAGMENT)),
          junk: await fail(C.PREFIX + "<script>"),
          other: await fail("jb9.AAAA")};
        """,
        review=REVIEW,
    )
    assert got["frag"].startswith("jb1.")
    assert got["back"] == got["want"]
    for name in ("tampered", "truncated"):
        assert "可能被截断或改动过" in got[name], (name, got[name])
    assert got["oversized"].startswith("链接太长")
    assert got["junk"] == "链接里有不该出现的字符"
    assert got["other"] == "不是本站的进度链接"


def test_hostile_link_payloads_are_refused_without_pollution():
    got = run(
        """
        const make = async (obj) => {
          const json = new TextEncoder().encode(typeof obj === "string" ? obj : JSON.stringify(obj));
          const z = new Uint8Array(await new Response(new Blob([json]).stream()
            .pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer());
          const out = new Uint8Array(4 + z.length);
          new DataView(out.buffer).setUint32(0, C.crc32(json));
          out.set(z, 4);
          let s = ""; out.forEach((b) => { s += String.fromCharCode(b); });
          return C.PREFIX + btoa(s).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
        };
        const cases = {
          protoOwner: '{"v":3,"i":{"__proto__":[""]}}',
          protoItem: '{"v":3,"i":{"t":["__proto__"]}}',
          protoTopic: {v: 3, t: ["__proto__"]},
          protoNote: '{"v":3,"n":{"__proto__":"x"}}',
          constructor: {v: 3, i: {constructor: ["prototype"]}, n: {constructor: "fine"}},
          hugeNote: {v: 3, n: {a: "x".repeat(R.NOTE_MAX + 1)}},
          deep: '{"v":3,"r":' + "[".repeat(5000) + "]".repeat(5000) + "}",
          badLink: {v: 3, l: {a: [{t: "x", u: "javascript:alert(1)"}]}},
          extra: {v: 3, x: 1},
          version: {v: 2},
          bomb: "[" + " ".repeat(2 * 1024 * 1024) + "]",
        };
        const out = {};
        for (const [name, obj] of Object.entries(cases)) {
          try { out[name] = ["ok", plain(await C.decode(await make(obj)))]; }
          catch (e) { out[name] = ["refused", e.message]; }
        }
        out.polluted = ({}).polluted !== undefined || Object.keys(Object.prototype).length !== 0;
        return out;
        """
    )
    assert got.pop("polluted") is False
    ok = got.pop("constructor")
    assert ok[0] == "ok" and ok[1]["items"] == {"constructor.prototype": True}
    for name, (status, message) in got.items():
        assert status == "refused", (name, message)
    assert "超过 1 MB" in got["bomb"][1]


def _realistic_record() -> dict:
    """Half of the roadmap's items ticked, a few topics skipped, notes on eight topics,
    five own links, twenty practice reviews."""
    from jobbook.core.render import build_site, path_items
    from jobbook.core.validate import validate_dir

    site = build_site(validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs"))
    keys = list(dict.fromkeys(k for p in site.paths for k in path_items(site, p)))
    topics = list(
        dict.fromkeys(t.id for p in site.paths for s in p.stages for t in site.topics_of(s))
    )
    notes = {
        t: f"第{n}个专题的笔记：复习了推导过程，重点看第 {n + 2} 章的例题，面试前再过一遍。"
        for n, t in enumerate(topics[:8])
    }
    links = {
        topics[n]: [{"t": f"我的参考 {n}", "u": f"https://example.com/notes/{n}"}] for n in range(5)
    }
    questions = list(site.questions)[:20]
    reviews = {  # FSRS keeps full-precision floats
        q: {
            **REVIEW,
            "due": 1767225600000 + n * 86_400_037,
            "lr": 1767139200000 + n * 3_600_011,
            "s": 2.3065 + n * 1.7318204918,
            "d": 4.9873 + n * 0.2137755102,
            "sd": n % 9,
            "r": 1 + n % 4,
        }
        for n, q in enumerate(questions)
    }
    return {
        "version": 3,
        "items": {k: True for k in keys[::2]},
        "topics": {t: "skipped" for t in topics[-3:]},
        "reviews": reviews,
        "notes": notes,
        "links": links,
    }


def test_a_realistic_record_fits_in_one_qr_code(capsys):
    record = _realistic_record()
    got = run(
        """
        const r = R.fromJSON(I.record);
        const noReviews = R.fromJSON({...I.record, reviews: {}});
        return {n: Object.keys(r.items).length, json: JSON.stringify(r).length,
          frag: (await C.encode(r)).length, fragNoReviews: (await C.encode(noReviews)).length};
        """,
        record=record,
    )
    prefix = len("https://ml-jobbook.github.io/ml-jobbook/progress.html#")
    with capsys.disabled():
        print(
            f"\nprogress link: {got['n']} items ticked, 8 notes, 5 links, 20 reviews: "
            f"JSON {got['json']} chars → fragment {got['frag']} chars "
            f"(without reviews {got['fragNoReviews']}); hosted link {prefix + got['frag']} chars"
        )
    assert got["n"] >= 60
    # QR version 40, error correction L, byte mode: 2953 bytes. The typical record (ticks,
    # notes, links) fits with room to spare; review state costs about 60 characters per
    # question, so the share dialog lets the reader leave it out of the link.
    assert prefix + got["fragNoReviews"] <= 2000
    assert got["frag"] - got["fragNoReviews"] <= 20 * 70
