"""``scripts/bench.py`` (``make bench``): how rendering and the MkDocs build scale with the roadmap size.

For every scale k a synthetic project is generated from the real one (k copies
of every path and shared topic, ids suffixed ``-s{i}``, resource URLs made
unique with a ``jbs={i}`` query parameter) and measured:

- ``render_s``: validate + ``render_pages`` in this process (median of three renders,
  or of ``--repeat`` when given: it costs seconds where a build costs a minute, and one
  sample is noisy);
- ``build_s``: ``python -m mkdocs build --strict`` of the synthetic project with
  our hook (wall time, median of repeats) and the child's peak RSS (``os.wait4``);
- ``baseline_build_s``: the same rendered Markdown written into ``docs/`` and
  built by the same config without the hook (explicit nav);
- ``build_warm_s``: one more hook build keeping ``.cache/jobbook`` (search
  segmentations and KaTeX-typeset formulas kept between builds); ``build_s`` clears
  it before every run;
- ``pages``, ``resources``, ``site_mb`` and ``search_index_mb`` (MB = 2**20 bytes);
  ``max_page_kb`` / ``stage_page_kb``: the largest HTML page and the largest stage page.

Notebooks (``docs/**/*.ipynb``) are excluded at every scale, scale 1 included,
so that all scales are comparable: the mkdocs-jupyter plugin and the notebook
nav entries are removed from the bench config, links to notebooks point at
``notebooks/index.md`` instead. Copy 0 keeps the real ids, so scale 1 is the
real roadmap.

The last stdout line is one JSON object ``{"runs": [...]}``; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import copy as copy_module
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from jobbook.core import heap, paths
from jobbook.core.load import roadmap_files
from jobbook.core.walk import topics, walk

MB = 1024 * 1024
NOTEBOOK_INDEX = "notebooks/index.md"
_NOTEBOOK_LINK = re.compile(r"\]\(((?:[^()\s]*/)?)[^()/\s]+\.ipynb(?:#[^()\s]*)?\)")
_NAV_PLACEHOLDER = re.compile(r"""(['"])(@jobbook/[a-z]+)\1""")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- synthetic roadmap -------------------------------------------------------------------


def _suffix(copy: int) -> str:
    return "" if copy == 0 else f"-s{copy}"


def _title(title: str, copy: int) -> str:
    return title if copy == 0 else f"S{copy} · {title}"


def _unique_url(url: str, copy: int) -> str:
    """A URL that ``normalize_url`` keeps apart from the original (fragments are dropped)."""
    if copy == 0:
        return url
    parts = urlsplit(url)
    query = f"{parts.query}&jbs={copy}" if parts.query else f"jbs={copy}"
    return urlunsplit(parts._replace(query=query))


def _node_ids(files: list[Any]) -> set[str]:
    """Ids of every path, stage and topic (the namespace of refs and prerequisites)."""
    return {n.node["id"] for data in files for n in walk(data) if n.kind != "ref"}


def _notebook_free_pages(pages: list[str]) -> list[str]:
    mapped = [NOTEBOOK_INDEX if p.endswith(".ipynb") else p for p in pages]
    return list(dict.fromkeys(mapped))


def _question_ids(files: list[Any]) -> set[str]:
    return {q["id"] for data in files for q in data.get("questions", [])}


def _scrambled(text: str, copy: int) -> str:
    """Same length, other character order: copies are not near-duplicates of each other."""
    if copy == 0:
        return text
    chars = list(text)
    random.Random(f"{copy}:{text}").shuffle(chars)
    return "".join(chars).replace("$", "＄")


def _copy_question(q: dict[str, Any], copy: int, remap: Any) -> dict[str, Any]:
    return {
        **q,
        "id": remap(q["id"]),
        "topic": remap(q["topic"]),
        "text": _scrambled(q["text"], copy),
        "pages": _notebook_free_pages(q.get("pages", [])),
        "refs": [
            {**r, "page": _notebook_free_pages([r["page"]])[0]} if "page" in r else r
            for r in q["refs"]
        ],
    }


def _copy_topic(topic: dict[str, Any], copy: int, remap: Any) -> None:
    """Rename one topic of a copied file in place."""
    topic["id"] = remap(topic["id"])
    if "questions" in topic:
        topic["questions"] = [remap(q) if isinstance(q, str) else q for q in topic["questions"]]
    topic["title"] = _title(topic["title"], copy)
    if "prerequisites" in topic:
        topic["prerequisites"] = [remap(p) for p in topic["prerequisites"]]
    if "pages" in topic:
        topic["pages"] = _notebook_free_pages(topic["pages"])
    if "resources" in topic:
        topic["resources"] = [
            {**r, "title": _title(r["title"], copy), "url": _unique_url(r["url"], copy)}
            for r in topic["resources"]
        ]


def _copy_file(data: dict[str, Any], copy: int, ids: set[str]) -> dict[str, Any]:
    suffix = _suffix(copy)

    def remap(node_id: str) -> str:
        return node_id + suffix if node_id in ids else node_id

    out = copy_module.deepcopy(data)
    for n in walk(out):
        node = n.node
        if n.kind in ("topic", "shared"):
            _copy_topic(node, copy, remap)
        elif n.kind == "ref":
            node["ref"] = remap(node["ref"])
        else:  # path or stage
            node["id"] = remap(node["id"])
            node["title"] = _title(node["title"], copy)
        if n.kind == "stage":
            if "prerequisites" in node:
                node["prerequisites"] = [remap(p) for p in node["prerequisites"]]
            if "questions" in node:
                node["questions"] = [
                    remap(q) if isinstance(q, str) else q for q in node["questions"]
                ]
            node.setdefault("topics", [])
    if data.get("questions"):
        out["questions"] = [_copy_question(q, copy, remap) for q in data["questions"]]
    return out


def copy_docs(src: Path, dest: Path) -> None:
    """Hand-written pages without notebooks; links to a notebook point at the notebook index."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    for page in dest.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        fixed = _NOTEBOOK_LINK.sub(lambda m: f"]({m[1]}{Path(NOTEBOOK_INDEX).name})", text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def generate(root: Path, dest: Path, scale: int) -> None:
    """Write ``dest/roadmap`` (``scale`` copies of the real roadmap) and ``dest/docs``."""
    if scale < 1:
        raise ValueError("scale must be ≥ 1")
    src_dir = root / "roadmap"
    sources = roadmap_files(src_dir)
    datas = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sources]
    ids = _node_ids(datas) | _question_ids(datas)
    out_dir = dest / "roadmap"
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src_dir / "tags.yml", out_dir / "tags.yml")
    for source, data in zip(sources, datas, strict=True):
        rel = source.relative_to(src_dir)
        for copy in range(scale):
            target = out_dir / rel.with_name(f"{rel.stem}{_suffix(copy)}{rel.suffix}")
            target.parent.mkdir(parents=True, exist_ok=True)
            text = yaml.safe_dump(
                _copy_file(data, copy, ids), allow_unicode=True, sort_keys=False, width=10**6
            )
            target.write_text(text, encoding="utf-8")
    copy_docs(root / "docs", dest / "docs")


# ---- configs -----------------------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _drop_blocks(lines: list[str], starts: Any) -> list[str]:
    """Remove every line matching ``starts`` together with its more-indented continuation."""
    out: list[str] = []
    skip_from: int | None = None
    for line in lines:
        if skip_from is not None:
            if not line.strip() or _indent(line) > skip_from:
                continue
            skip_from = None
        if starts(line):
            skip_from = _indent(line)
            continue
        out.append(line)
    return out


def bench_config(root: Path, *, hook: bool, nav: dict[str, list[object]] | None = None) -> str:
    """The real mkdocs.yml without notebooks, with absolute paths; without the hook if asked."""
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    lines = _drop_blocks(lines, lambda s: re.match(r"\s*- mkdocs-jupyter\b", s) is not None)
    lines = [s for s in lines if not re.match(r"\s*-\s.*\.ipynb['\"]?\s*$", s)]
    if not hook:
        # ``watch`` only matters for ``mkdocs serve`` and points at the roadmap it has not.
        lines = _drop_blocks(lines, lambda s: s.startswith("watch:"))
        lines = _drop_blocks(lines, lambda s: re.match(r"\s*- jobbook\b", s) is not None)
    out = []
    block = ""
    for line in lines:
        if line and not line.startswith((" ", "#")):
            block = line.split(":", 1)[0]
        match = re.match(r"(\s*- )(\S+)\s*$", line)
        if block == "watch" and match and match[2] not in ("roadmap", "docs"):
            line = f"{match[1]}{(root / match[2]).resolve()}"
        match = re.match(r"(\s*custom_dir:\s*)(\S+)\s*$", line)
        if match:
            line = f"{match[1]}{(root / match[2]).resolve()}"
        if nav is not None:
            line = _NAV_PLACEHOLDER.sub(lambda m: json.dumps(nav[m[2]], ensure_ascii=False), line)
        out.append(line)
    return "\n".join(out) + "\n"


# ---- measurements ------------------------------------------------------------------------


def _tree_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def count_resources(roadmap: Any) -> int:
    return sum(len(n.node.resources) for sf in roadmap.files for n in topics(sf.model))


def render_once(project: Path) -> tuple[float, Any, list[Any]]:
    """Validate + render like the hook does (print pages as skeletons); (seconds, roadmap, pages)."""
    from jobbook.core.render import doc_titles, render_pages
    from jobbook.core.validate import validate_dir

    start = time.perf_counter()
    with heap.collector_paused():  # as the hook's on_config does
        roadmap = validate_dir(project / "roadmap", project, project / "docs")
        if roadmap.issues:
            raise RuntimeError("合成路线图校验失败：\n" + "\n".join(map(str, roadmap.issues[:20])))
        heap.freeze()
    try:
        pages = render_pages(roadmap, doc_titles(project / "docs"), print_skeletons=True)
        return time.perf_counter() - start, roadmap, pages
    finally:
        heap.thaw()  # as the hook's on_post_build does


def build_env(root: Path) -> dict[str, str]:
    pythonpath = os.pathsep.join(
        p for p in (str(root / "src"), os.environ.get("PYTHONPATH", "")) if p
    )
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "JOBBOOK_OFFLINE": "true",  # the default build is the offline one
        "PYTHONPATH": pythonpath,
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def timed_build(project: Path, env: dict[str, str]) -> tuple[float, float]:
    """``mkdocs build --strict`` in a child process: (wall seconds, peak RSS in MB).

    No ``-q``: it lowers the mkdocs logger to ERROR, so warnings are never counted and
    ``--strict`` would pass a broken site. The log goes to ``build.log`` instead.
    """
    log = project / "build.log"
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict"],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child only
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"mkdocs build 失败（{project}）：\n{tail}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def built_pages(site: Path) -> int:
    """HTML pages built from Markdown sources (not 404.html, not static assets)."""
    return sum(1 for f in site.rglob("*.html") if f.name != "404.html" and "assets" not in f.parts)


def run_scale(
    root: Path, work: Path, scale: int, repeat: int, render_repeat: int | None = None
) -> dict[str, Any]:
    from jobbook.core.write import write_tree

    env = build_env(root)
    project = work / f"scale-{scale}" / "hook"
    baseline = work / f"scale-{scale}" / "baseline"
    for folder in (project, baseline):
        shutil.rmtree(folder, ignore_errors=True)
    _log(f"[规模 {scale}] 生成合成路线图 → {project}")
    generate(root, project, scale)
    (project / "mkdocs.yml").write_text(bench_config(root, hook=True), encoding="utf-8")

    render_times = []
    for _ in range(render_repeat or repeat):
        seconds, roadmap, pages = render_once(project)
        render_times.append(seconds)
    resources = count_resources(roadmap)
    _log(f"[规模 {scale}] 资源 {resources} 条，生成 {len(pages)} 个页面")

    # Baseline: the Markdown `jobbook build --out` writes (complete print pages),
    # built by plain mkdocs-material without the hook.
    from jobbook.core.render import doc_titles, nav_for, render_pages

    pages = render_pages(roadmap, doc_titles(project / "docs"))
    generated = {p.path: p.content for p in pages}
    clashes = [rel for rel in generated if (project / "docs" / rel).exists()]
    if clashes:
        raise RuntimeError(f"docs/ 中的页面与生成的页面重名：{clashes}")
    write_tree(baseline / "docs", generated)  # what `jobbook build --out docs` writes
    shutil.copytree(project / "docs", baseline / "docs", dirs_exist_ok=True)
    nav = nav_for(pages, roadmap)
    (baseline / "mkdocs.yml").write_text(bench_config(root, hook=False, nav=nav), encoding="utf-8")

    builds, rss, base_builds = [], [], []
    segment_cache = project / ".cache" / "jobbook"
    for n in range(1, repeat + 1):
        _log(f"[规模 {scale}] 第 {n}/{repeat} 次构建（hook）…")
        shutil.rmtree(segment_cache, ignore_errors=True)  # cold: same work as the baseline
        seconds, peak = timed_build(project, env)
        builds.append(seconds)
        rss.append(peak)
        _log(f"[规模 {scale}]   {seconds:.2f} s，峰值 RSS {peak:.0f} MB；基线构建…")
        seconds, _ = timed_build(baseline, env)
        base_builds.append(seconds)
        _log(f"[规模 {scale}]   基线 {seconds:.2f} s")

    # Warm: what a rebuild of an unchanged site costs with the kept search segmentation.
    warm, _ = timed_build(project, env)
    _log(f"[规模 {scale}]   带缓存重建 {warm:.2f} s")

    site = project / "site"
    index = site / "search" / "search_index.json"
    base_pages = built_pages(baseline / "site")
    pages_built = built_pages(site)
    if base_pages != pages_built:
        _log(f"[规模 {scale}] 注意：基线构建了 {base_pages} 页，hook 构建了 {pages_built} 页")
    return {
        "scale": scale,
        "resources": resources,
        "pages": pages_built,
        "render_s": round(statistics.median(render_times), 3),
        "build_s": round(statistics.median(builds), 3),
        "baseline_build_s": round(statistics.median(base_builds), 3),
        "build_warm_s": round(warm, 3),
        "peak_rss_mb": round(max(rss), 3),
        "site_mb": round(_tree_bytes(site) / MB, 3),
        "search_index_mb": round(index.stat().st_size / MB if index.is_file() else 0.0, 3),
        **page_sizes(site),
    }


def page_sizes(site: Path) -> dict[str, Any]:
    """The largest HTML page and the largest stage page (KB = 1024 bytes), with their names."""
    pages = [p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts]
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in pages}
    biggest = max(sizes, key=lambda k: sizes[k])
    stages = {
        k: v
        for k, v in sizes.items()
        if k.startswith("paths/")
        and k.count("/") == 2
        and not k.endswith(("index.html", "print.html"))
    }
    stage = max(stages, key=lambda k: stages[k]) if stages else None
    return {
        "max_page_kb": round(sizes[biggest] / 1024, 1),
        "max_page": biggest,
        "stage_page_kb": round(stages[stage] / 1024, 1) if stage else 0.0,
        "stage_page": stage,
    }


# ---- output ------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "-"


def table(runs: list[dict[str, Any]]) -> str:
    headers = [
        "规模",
        "资源",
        "页面",
        "render_s",
        "build_s",
        "基线_s",
        "带缓存_s",
        "峰值RSS_MB",
        "site_MB",
        "索引_MB",
        "render/build",
        "build/基线",
        "s/页",
        "最大页_KB",
        "阶段页_KB",
    ]
    rows = [
        [
            str(r["scale"]),
            str(r["resources"]),
            str(r["pages"]),
            f"{r['render_s']:.3f}",
            f"{r['build_s']:.3f}",
            f"{r['baseline_build_s']:.3f}",
            f"{r.get('build_warm_s', 0):.3f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['site_mb']:.1f}",
            f"{r['search_index_mb']:.2f}",
            _ratio(r["render_s"], r["build_s"]),
            _ratio(r["build_s"], r["baseline_build_s"]),
            f"{r['build_s'] / r['pages']:.4f}" if r["pages"] else "-",
            f"{r.get('max_page_kb', 0):.0f}",
            f"{r.get('stage_page_kb', 0):.0f}",
        ]
        for r in runs
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    first = runs[0]
    for r in runs[1:]:
        growth = r["scale"] / first["scale"]
        lines.append(
            f"规模 {r['scale']} 相对规模 {first['scale']}（数据 ×{growth:g}）："
            f"build ×{_ratio(r['build_s'], first['build_s'])}，"
            f"render ×{_ratio(r['render_s'], first['render_s'])}，"
            f"峰值 RSS ×{_ratio(r['peak_rss_mb'], first['peak_rss_mb'])}"
        )
    lines.append("所有规模（含规模 1）都不含 Notebook（mkdocs-jupyter 已从 bench 配置中移除）。")
    return "\n".join(lines)


def _scales(text: str, full: bool) -> list[int]:
    try:
        scales = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--scales 应为逗号分隔的正整数：{text!r}") from None
    if not scales or min(scales) < 1:
        raise argparse.ArgumentTypeError(f"--scales 应为逗号分隔的正整数：{text!r}")
    if full and 100 not in scales:
        scales.append(100)
    return sorted(set(scales))


def _cmd_bench(args: argparse.Namespace) -> int:
    root = paths.repo_root(Path(__file__).resolve().parent)
    try:
        scales = _scales(args.scales, args.full)
    except argparse.ArgumentTypeError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.repeat is not None and args.repeat < 1:
        print("--repeat 至少为 1", file=sys.stderr)
        return 2
    if args.out:
        work = Path(args.out).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="jobbook-bench-"))
    runs = []
    try:
        for scale in scales:
            repeat = args.repeat or (3 if scale == 1 else 1)
            renders = args.repeat or 3
            runs.append(run_scale(root, work, scale, repeat, renders))
    finally:
        if args.out or args.keep:
            _log(f"工作目录已保留：{work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(table(runs))
    print(json.dumps({"runs": runs}, ensure_ascii=False, separators=(",", ":")))
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    bench = subparsers.add_parser(
        "bench",
        help="性能基准：按倍数放大路线图，测渲染、构建时间、峰值内存和站点体积",
        description="按倍数放大路线图（每条路线和共享专题复制 k 份），分别测量渲染、"
        "带 hook 的 MkDocs 构建、无 hook 的基线构建、峰值内存与站点体积。"
        "所有规模都不含 Notebook，便于互相比较。最后一行输出 JSON。",
    )
    bench.add_argument(
        "--scales", default="1,10", help="逗号分隔的放大倍数（默认 1,10）", metavar="1,10"
    )
    bench.add_argument("--full", action="store_true", help="额外测量 100 倍（较慢）")
    bench.add_argument(
        "--repeat",
        type=int,
        default=None,
        metavar="N",
        help="每个规模重复 N 次取中位数（默认：构建在 1 倍重复 3 次、10 倍及以上 1 次，渲染都重复 3 次）",
    )
    bench.add_argument("--out", help="工作目录（默认临时目录；指定时结束后保留）")
    bench.add_argument("--keep", action="store_true", help="结束后保留临时工作目录")
    bench.set_defaults(func=_cmd_bench)
    return bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.py")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["bench", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
