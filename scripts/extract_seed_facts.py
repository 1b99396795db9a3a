"""Extract the facts the content tests check from the seed documents (``../shared/seeds``).

The seeds are not part of the repository, so ``tests/test_content.py`` compares the
roadmap against ``tests/seed_facts.json``, written by this script:

- ``urls``: every link of the seeds (images and search pages left out);
- ``self_assessment_items``: the 自我考核 items of seed 000 (the ML roadmap);
- ``interview_questions``: the interview questions of seed 002 (the interview route's
  面试… sections and the TOP 10) and seed 004 (常见的面试问题示例), verbatim;
- ``fullstack_plan``: the numeric milestone targets, stage durations and weekly hours of
  the full-stack plan (seed 003);
- ``prose_window_hashes``: 48-bit BLAKE2b hashes of every 20-character run of seed prose,
  so the "our prose is our own" test runs without shipping the seed text.

Run ``python scripts/extract_seed_facts.py`` after the seeds change; ``tests/test_content.py``
fails when the committed file no longer matches the seeds beside the checkout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
OUT = ROOT / "tests" / "seed_facts.json"
WINDOW = 20

IMAGE = re.compile(
    r"\.(png|jpe?g|gif|svg|webp)(\?|$)|pic\d?\.zhimg\.com|user-images\.githubusercontent", re.I
)
SEARCH = re.compile(r"/search\?|zhida\.zhihu\.com/search|[?&](q|query|wd)=|baidu\.com/s\?", re.I)

# Targets of the full-stack plan (seed 003) that the roadmap's milestones must carry.
MILESTONE_NUMBERS = [
    "0.79", "1e-3", "0.13", "8%", "300MB", "94%", "0.6", "1%", "0.75", "3×", "1.8", "0.92",
    "40%", "0.9", "0.82", "0.85", "90%", "10min", "5min", "60%", "99.9%", "≥3", "5GB",
]  # fmt: skip
DURATIONS = ["3 天", "3 周", "4 周", "6 周", "8 周", "4 周"]
HOURS_PER_WEEK = 10


def seed(seeds: Path, name: str) -> str:
    [path] = seeds.glob(f"{name}_*.txt")
    return path.read_text(encoding="utf-8")


def urls(seeds: Path) -> list[str]:
    found = set()
    for path in sorted(seeds.glob("*.txt")):
        text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<img[^>]*>", "", text)
        for url in re.findall(r"https?://[^\s()<>\"'\[\]\u3000-\uffff]+", text):
            if not IMAGE.search(url) and not SEARCH.search(url):
                found.add(url)
    return sorted(found)


def self_assessment_items(text: str) -> list[str]:
    """自我考核 items: inline after a colon, or the nested bullets below."""
    items: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "自我考核" not in line:
            continue
        inline = re.split(r"自我考核[：:]", line, maxsplit=1)
        if len(inline) == 2 and inline[1].strip():
            items.append(inline[1].strip())
            continue
        indent = len(line) - len(line.lstrip())
        for follow in lines[i + 1 :]:
            if not follow.strip():
                continue
            if len(follow) - len(follow.lstrip()) <= indent:
                break
            if follow.lstrip().startswith(("-", "*")):
                items.append(follow.strip(" -*"))
    return items


_ITEM = re.compile(r"^\s*(?:-|\d+\.)\s+(\S.*?)\s*$", re.M)


def interview_questions(seeds: Path) -> list[dict[str, str]]:
    found = []
    for block in re.split(r"\n(?=#{2,3} )", seed(seeds, "002")):
        heading = block.splitlines()[0].lstrip("# ").strip()
        if re.search(r"面试|TOP 10", heading):
            found += [{"seed": "002", "section": heading, "text": q} for q in _ITEM.findall(block)]
    text = seed(seeds, "004")
    section = re.search(r"## 四、常见的面试问题示例.*?\n(.*?)\n---", text, re.S)
    if section is None:
        raise SystemExit("seed 004: section 四、常见的面试问题示例 not found")
    for line in section.group(1).splitlines():
        match = re.match(r"\s+\d+\.\s+(\S.*?)\s*$", line)
        if match:
            found.append({"seed": "004", "section": "常见的面试问题示例", "text": match[1]})
    return found


def prose_windows(text: str) -> set[str]:
    """Runs of ``WINDOW`` characters that are mostly Chinese prose (not lists of names)."""
    text = re.sub(r"\s+", "", text)
    runs = (text[i : i + WINDOW] for i in range(len(text) - WINDOW + 1))
    return {w for w in runs if len(re.findall(r"[\u4e00-\u9fff]", w)) >= WINDOW * 3 // 4}


def window_hash(window: str) -> str:
    return hashlib.blake2b(window.encode("utf-8"), digest_size=6).hexdigest()


def seed_prose_hashes(seeds: Path) -> list[str]:
    windows: set[str] = set()
    for path in seeds.glob("*.txt"):
        text = re.sub(r"https?://\S+|\[[^\]]*\]\([^)]*\)", " ", path.read_text(encoding="utf-8"))
        for chunk in re.split(r"[\n。！？]", text):
            if len(re.findall(r"[\u4e00-\u9fff]", chunk)) >= 10:
                windows |= prose_windows(chunk)
    return sorted({window_hash(w) for w in windows})


def facts(seeds: Path) -> dict[str, Any]:
    plan = re.sub(r"\s+", "", seed(seeds, "003"))
    missing = [n for n in [*MILESTONE_NUMBERS, *DURATIONS] if re.sub(r"\s+", "", n) not in plan]
    if missing:
        raise SystemExit(f"seed 003 no longer mentions {missing}")
    return {
        "source": "../shared/seeds (scripts/extract_seed_facts.py)",
        "urls": urls(seeds),
        "self_assessment_items": self_assessment_items(seed(seeds, "000")),
        "interview_questions": interview_questions(seeds),
        "fullstack_plan": {
            "milestone_numbers": MILESTONE_NUMBERS,
            "durations": DURATIONS,
            "hours_per_week": HOURS_PER_WEEK,
        },
        "prose_window_size": WINDOW,
        "prose_window_hashes": "".join(seed_prose_hashes(seeds)),
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"{args.seeds}: 没有种子文档目录", file=sys.stderr)
        return 2
    args.out.write_text(dumps(facts(args.seeds)), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
