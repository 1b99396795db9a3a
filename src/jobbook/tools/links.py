"""Link health: ``jobbook links`` checks every resource URL of the roadmap.

The URLs are collected with the line of their ``url:`` key and checked by
:mod:`jobbook.tools.urlcheck` (``HEAD``/``GET``, redirects, retries, per-host limits,
cache; the statuses ok / redirect / broken / timeout / error are explained there).
Only ``broken`` makes the command fail; the others are warnings. The report goes to
``dist/links.md`` and ``dist/links.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jobbook.core import paths
from jobbook.core.validate import Roadmap, validate_dir
from jobbook.core.walk import topics
from jobbook.core.write import write_file
from jobbook.tools.urlcheck import (  # noqa: F401  (re-exported: the API of `jobbook links`)
    LABELS,
    MAX_REDIRECTS,
    STATUSES,
    Hop,
    LinkResult,
    check_urls,
)

SEVERITY = ("broken", "timeout", "error", "redirect", "ok")
"""Order of the report: what fails the check first."""


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def collect_urls(roadmap: Roadmap) -> dict[str, list[Location]]:
    """Resource URL → where it is written (``file:line`` of its ``url:`` key)."""
    found: dict[str, list[Location]] = {}
    for source in roadmap.files:  # validated: every resource is a mapping with a url
        for topic in topics(source.raw):
            for res in topic.node.get("resources") or []:
                where = Location(source.rel, res.key_lines.get("url", res.line))
                found.setdefault(res["url"], []).append(where)
    return found


# ------------------------------------------------------------------- reports


def summarize(results: dict[str, LinkResult]) -> dict[str, int]:
    counts = Counter(result.status for result in results.values())
    summary = {"total": len(results)} | {status: counts.get(status, 0) for status in STATUSES}
    return summary | {"cached": sum(1 for result in results.values() if result.cached)}


def summary_line(summary: dict[str, int]) -> str:
    parts = " · ".join(f"{LABELS[s]} {summary[s]}" for s in STATUSES)
    cached = f"（{summary['cached']} 个来自缓存）" if summary["cached"] else ""
    return f"共 {summary['total']} 个网址：{parts}{cached}"


def _ordered(results: dict[str, LinkResult], where: dict[str, list[Location]]) -> list[LinkResult]:
    def key(r: LinkResult) -> tuple[int, str, int, str]:
        first = (where.get(r.url) or [Location("", 0)])[0]
        return SEVERITY.index(r.status), first.file, first.line, r.url

    return sorted(results.values(), key=key)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") or "—"


def _status_cell(result: LinkResult) -> str:
    if result.status == "redirect":
        return f"{result.label}（{' → '.join(str(hop.code) for hop in result.chain)}）"
    return f"{result.label}（{result.code}）" if result.code is not None else result.label


def render_markdown(
    results: dict[str, LinkResult],
    locations: dict[str, list[Location]],
    *,
    generated_at: str,
    elapsed: float,
) -> str:
    lines = ["# 外链检查报告", "", f"生成时间：{generated_at}，耗时 {elapsed:.1f} 秒。", ""]
    lines += [f"**{summary_line(summarize(results))}**", ""]
    problems = [r for r in _ordered(results, locations) if r.status != "ok"]
    if not problems:
        return "\n".join([*lines, "所有链接都能正常访问。", ""])
    lines += [
        "只有“失效”会让检查失败；超时、出错和重定向仅作提醒，重定向建议改成最终网址。",
        "",
        "| 位置 | 网址 | 状态 | 最终网址 | 说明 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in problems:
        where = "<br>".join(str(loc) for loc in locations.get(r.url, [])) or "—"
        final = r.final_url if r.final_url and r.final_url != r.url else ""
        detail = r.detail + ("（缓存）" if r.cached else "")
        cells = [where, _cell(r.url), _status_cell(r), _cell(final), _cell(detail)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, ""])


def report_json(
    results: dict[str, LinkResult],
    locations: dict[str, list[Location]],
    *,
    generated_at: str,
    elapsed: float,
) -> dict[str, Any]:
    entries = [
        r.to_json() | {"label": r.label, "locations": [str(x) for x in locations.get(r.url, [])]}
        for r in _ordered(results, locations)
    ]
    summary = summarize(results)
    times = {"generated_at": generated_at, "elapsed_seconds": round(elapsed, 3)}
    return times | {"summary": summary, "results": entries}


def write_reports(
    results: dict[str, LinkResult],
    locations: dict[str, list[Location]],
    *,
    md_path: Path,
    json_path: Path,
    elapsed: float,
) -> None:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S UTC")
    markdown = render_markdown(results, locations, generated_at=stamp, elapsed=elapsed)
    stamp = now.isoformat(timespec="seconds")
    data = report_json(results, locations, generated_at=stamp, elapsed=elapsed)
    for path, text in (
        (md_path, markdown),
        (json_path, json.dumps(data, ensure_ascii=False, indent=2) + "\n"),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, text)


# ----------------------------------------------------------------------- CLI


def _number(kind: type, minimum: float, message: str, strict: bool = False) -> Callable:
    """argparse type: a finite number ≥ ``minimum`` (> when ``strict``)."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} 不是有效的数字") from None
        if not math.isfinite(value) or value < minimum or (strict and value == minimum):
            raise argparse.ArgumentTypeError(message)
        return value

    return parse


def _progress(done: int, total: int) -> None:
    end = "\n" if done == total else ""
    print(f"\r已检查 {done}/{total}", end=end, file=sys.stderr, flush=True)


def cmd_links(args: argparse.Namespace) -> int:
    """``jobbook links``: exit 1 when a link is broken, 2 when the roadmap is missing."""
    target = Path(args.roadmap) if args.roadmap else paths.repo_root() / "roadmap"
    if not target.is_dir():
        print(f"{target}: 没有这个目录", file=sys.stderr)
        return 2
    root = paths.repo_root(target)
    roadmap = validate_dir(target, root, root / "docs" if (root / "docs").is_dir() else None)
    if roadmap.issues:
        print(
            f"警告：路线图有 {len(roadmap.issues)} 个校验问题（运行 jobbook check 查看），"
            "只检查通过校验的文件",
            file=sys.stderr,
        )
    locations = collect_urls(roadmap)
    started = time.monotonic()
    results = check_urls(
        list(locations),
        concurrency=args.concurrency,
        per_host=args.per_host,
        timeout=args.timeout,
        retries=args.retries,
        cache_path=Path(args.cache) if args.cache else root / ".cache" / "links.json",
        max_age_hours=args.max_age,
        progress=_progress if sys.stderr.isatty() and locations else None,
    )
    elapsed = time.monotonic() - started
    md_path = Path(args.report_md) if args.report_md else root / "dist" / "links.md"
    json_path = Path(args.report_json) if args.report_json else root / "dist" / "links.json"
    write_reports(results, locations, md_path=md_path, json_path=json_path, elapsed=elapsed)
    for result in _ordered(results, locations):
        if result.status not in ("ok", "redirect"):
            code = f" {result.code}" if result.code is not None else ""
            detail = f"（{result.detail}）" if result.detail else ""
            for loc in locations[result.url]:
                print(f"{loc}: {result.label}{code} {result.url}{detail}")
    summary = summarize(results)
    print(summary_line(summary), file=sys.stderr)
    print(f"报告：{md_path}、{json_path}（耗时 {elapsed:.1f} 秒）", file=sys.stderr)
    return 1 if summary["broken"] else 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``links`` on the ``jobbook`` sub-command parser."""
    parser = subparsers.add_parser(
        "links",
        help="检查路线图中所有资源外链是否还能访问，生成报告",
        description=(
            "检查 roadmap/ 中每个资源的网址：先 HEAD（被拒绝时改用 GET），手动跟随重定向，"
            "超时、连接错误、429 和 5xx 会退避重试。只有确认失效（4xx、重试后仍 5xx、域名不存在）"
            "时退出码为 1；超时、出错和重定向只提醒。"
        ),
    )
    add = parser.add_argument
    add("--roadmap", help="路线图目录（默认：仓库根目录下的 roadmap/）")
    at_least_1 = _number(int, 1, "至少为 1")
    add("--concurrency", type=at_least_1, default=16, help="同时进行的请求总数上限（默认 16）")
    add("--per-host", type=at_least_1, default=2, help="对同一主机同时进行的请求上限（默认 2）")
    positive = _number(float, 0, "必须大于 0", strict=True)
    add("--timeout", type=positive, default=10.0, help="单次请求的超时秒数（默认 10）")
    not_negative = _number(int, 0, "不能为负数")
    add(
        "--retries",
        type=not_negative,
        default=2,
        help="超时、连接错误、429、5xx 时的重试次数（默认 2）",
    )
    add(
        "--max-age",
        type=_number(float, 0, "不能为负数"),
        default=24.0,
        help="缓存中正常结果的有效期，单位小时（默认 24；0 表示全部重新检查）",
    )
    add("--cache", help="缓存文件（默认：<仓库>/.cache/links.json）")
    add("--report-md", help="Markdown 报告路径（默认：<仓库>/dist/links.md）")
    add("--report-json", help="JSON 报告路径（默认：<仓库>/dist/links.json）")
    parser.set_defaults(func=cmd_links)
