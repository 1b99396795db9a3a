"""Command line: ``jobbook check | build | schema``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from jobbook.core import paths
from jobbook.core.validate import validate_dir


def _github(issue: object) -> str:
    """A GitHub Actions workflow command that annotates the file and line."""
    message = str(issue.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    file = str(issue.file).replace(",", "%2C").replace(":", "%3A")
    return f"::error file={file},line={issue.line},title=jobbook check::{message}"


def _cmd_check(args: argparse.Namespace) -> int:
    target = Path(args.path) if args.path else paths.repo_root() / "roadmap"
    root = paths.repo_root(target if target.is_dir() else target.parent)
    docs = root / "docs" if (root / "docs").is_dir() else None
    if target.is_file():
        from jobbook.core.validate import load_tags, validate_files

        tags, _ = load_tags(root / "roadmap", root)
        roadmap = validate_files([target], root, docs, tags)
    elif target.is_dir():
        roadmap = validate_dir(target, root, docs)
    else:
        print(f"{target}: 没有这个文件或目录", file=sys.stderr)
        return 2
    issues = list(roadmap.issues)
    if args.against:
        if not target.is_dir():
            print("--against 只能检查整个 roadmap/ 目录", file=sys.stderr)
            return 2
        from jobbook.core.renames import compare
        from jobbook.tools.against import GitError, current_files, files_at

        try:
            old = files_at(args.against, target, root)
        except GitError as exc:
            print(f"--against {args.against}: {exc}", file=sys.stderr)
            return 2
        issues += compare(old, current_files(target, root), args.against)
    for issue in issues:
        print(_github(issue) if args.format == "github" else issue)
    if issues:
        print(f"发现 {len(issues)} 个问题", file=sys.stderr)
        return 1
    count = sum(1 for _ in roadmap.files)
    against = f"，与 {args.against} 相比没有丢失的 id" if args.against else ""
    print(f"OK：{count} 个文件通过检查{against}", file=sys.stderr)
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from jobbook.core.render import doc_titles, render_pages
    from jobbook.core.write import write_tree

    root = paths.repo_root()
    roadmap = validate_dir(root / "roadmap", root, root / "docs")
    for issue in roadmap.issues:
        print(issue)
    if roadmap.issues:
        print(f"发现 {len(roadmap.issues)} 个问题，未写入任何文件", file=sys.stderr)
        return 1
    pages = render_pages(roadmap, doc_titles(root / "docs"))
    out = Path(args.out)
    write_tree(out, {page.path: page.content for page in pages})
    print(f"已生成 {len(pages)} 个页面 → {out}", file=sys.stderr)
    return 0


def _cmd_package(args: argparse.Namespace) -> int:
    from jobbook.tools.package import pack_site

    try:
        count = pack_site(Path(args.site), Path(args.out))
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"已打包 {count} 个文件 → {args.out}", file=sys.stderr)
    return 0


def schema_text() -> str:
    from jobbook.core.model import RoadmapFile

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    schema.update(RoadmapFile.model_json_schema())
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _cmd_schema(args: argparse.Namespace) -> int:
    if args.write:
        from jobbook.core.write import write_file

        target = paths.repo_root() / "roadmap" / "schema.json"
        write_file(target, schema_text())
        print(f"已更新 {target}", file=sys.stderr)
    else:
        sys.stdout.write(schema_text())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobbook", description="ML Jobbook 路线图工具")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="校验 roadmap/ 下的 YAML，逐条输出 文件:行号: 问题")
    check.add_argument("path", nargs="?", help="要检查的文件或目录（默认 roadmap/）")
    check.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="github：输出 GitHub Actions 注释，在 PR 的对应行上显示问题",
    )
    check.add_argument(
        "--against",
        metavar="GIT_REF",
        help="与这个 git 引用（如 origin/main）比较：消失的 id 必须有 renamed_from 或 retired",
    )
    check.set_defaults(func=_cmd_check)
    build = sub.add_parser("build", help="把路线图渲染成 Markdown（不依赖 MkDocs）")
    build.add_argument("--out", required=True, help="输出目录（整体替换）")
    build.set_defaults(func=_cmd_build)
    package = sub.add_parser("package", help="把构建好的网站打包成离线 zip")
    package.add_argument("--site", default="site", help="构建输出目录（默认 site）")
    package.add_argument("--out", default="dist/ml-jobbook-offline.zip", help="zip 路径")
    package.set_defaults(func=_cmd_package)
    from jobbook.tools import add, links

    add.add_parser(sub)
    links.add_parser(sub)
    schema = sub.add_parser("schema", help="输出路线图 YAML 的 JSON Schema")
    schema.add_argument(
        "--write", action="store_true", help="写入 roadmap/schema.json（编辑器补全用）"
    )
    schema.set_defaults(func=_cmd_schema)
    return parser


def _terminate(signum: int, frame: object) -> None:
    # Turn SIGTERM into an exception so temporary files are cleaned up on the way out.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("已中断：没有写入半成品，原有文件保持不变", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
