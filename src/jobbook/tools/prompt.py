"""Line-by-line questions on the terminal, also when stdin is a pipe or a file (no TTY)."""

from __future__ import annotations

import sys
from collections.abc import Callable


class Aborted(Exception):
    """The input ended before every question was answered."""


def _input(prompt: str) -> str:
    try:
        answer = input(prompt)
    except EOFError:
        raise Aborted from None
    if not sys.stdin.isatty():
        print(answer)  # echo, so a piped session reads like a typed one
    return answer.strip()


def ask(
    label: str,
    *,
    choices: tuple[str, ...] = (),
    required: bool = False,
    check: Callable[[str], str | None] | None = None,
) -> str | None:
    """One answer, asked again until it is valid; None when skipped (not ``required``)."""
    hint = f"（{' / '.join(choices)}）" if choices else ""
    hint += "" if required else "，留空跳过" if hint else "（留空跳过）"
    while True:
        answer = _input(f"{label}{hint}: ")
        if not answer:
            if not required:
                return None
            print("  此项必填，请重新输入", file=sys.stderr)
            continue
        if choices and answer not in choices:
            print(f"  无效的取值 '{answer}'，可选：{' / '.join(choices)}", file=sys.stderr)
            continue
        problem = check(answer) if check else None
        if problem:
            print(f"  {problem}", file=sys.stderr)
            continue
        return answer


def ask_yes(label: str) -> bool:
    """A yes/no question; an empty answer is yes."""
    while True:
        answer = _input(f"{label}（Y/n）: ").lower()
        if answer in ("", "y", "yes", "是", "免费", "true"):
            return True
        if answer in ("n", "no", "否", "付费", "false"):
            return False
        print("  请输入 y 或 n", file=sys.stderr)
