"""Link health: ``jobbook links`` checks every resource URL of the roadmap.

Each URL is asked with ``HEAD`` (``GET`` when HEAD is refused), redirects are
followed by hand (at most :data:`MAX_REDIRECTS`) so the chain can be reported,
and the answer is classified:

``ok``        2xx at once
``redirect``  2xx after one or more redirects (the final URL is reported)
``broken``    4xx other than 429, 5xx after retries, or a host name that does not exist
``timeout``   still no answer within the timeout after retries
``error``     any other failure (connection refused, TLS, redirect loop, 429 after retries …)

Only ``broken`` makes the command fail; the others are warnings. Results are
kept in a JSON cache so that a second run within ``--max-age`` hours asks nobody.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import random
import socket
import ssl
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import quote, urljoin, urlsplit, urlunsplit
from urllib.request import HTTPErrorProcessor, HTTPSHandler, Request, build_opener

from jobbook.core import paths
from jobbook.core.load import LineDict
from jobbook.core.model import Topic
from jobbook.core.validate import Roadmap, SourceFile, validate_dir
from jobbook.core.write import write_file

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
}
MAX_REDIRECTS = 5
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
HEAD_REFUSED = frozenset({403, 405, 501})
"""HEAD answers that mean "ask me with GET" (any other 4xx is also confirmed with GET)."""
MAX_RETRY_AFTER = 30.0
CACHE_VERSION = 1

STATUSES = ("ok", "redirect", "broken", "timeout", "error")
SEVERITY = ("broken", "timeout", "error", "redirect", "ok")
"""Order of the report: what fails the check first."""
LABELS = {"ok": "正常", "redirect": "重定向", "broken": "失效", "timeout": "超时", "error": "出错"}
REUSABLE = frozenset({"ok", "redirect"})
"""Statuses taken from the cache; failures are always asked again."""

_DNS_MISSING = {
    code for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if code is not None
}


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Hop:
    """One request of a redirect chain and the status code it got."""

    url: str
    code: int


@dataclass
class LinkResult:
    url: str
    status: str
    code: int | None = None
    final_url: str | None = None
    chain: list[Hop] = field(default_factory=list)
    detail: str = ""
    checked_at: str = ""
    requests: int = 0
    cached: bool = False

    @property
    def label(self) -> str:
        return LABELS.get(self.status, self.status)

    def cache_entry(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "code": self.code,
            "final_url": self.final_url,
            "checked_at": self.checked_at,
            "chain": [[hop.code, hop.url] for hop in self.chain],
            "detail": self.detail,
        }

    @classmethod
    def from_cache(cls, url: str, entry: Any) -> LinkResult | None:
        if not isinstance(entry, dict) or entry.get("status") not in LABELS:
            return None
        try:
            chain = [Hop(str(u), int(c)) for c, u in entry.get("chain") or []]
            code = entry.get("code")
            return cls(
                url=url,
                status=entry["status"],
                code=int(code) if code is not None else None,
                final_url=entry.get("final_url"),
                chain=chain,
                detail=str(entry.get("detail") or ""),
                checked_at=str(entry.get("checked_at") or ""),
                cached=True,
            )
        except (TypeError, ValueError):
            return None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "code": self.code,
            "final_url": self.final_url,
            "chain": [{"url": hop.url, "code": hop.code} for hop in self.chain],
            "detail": self.detail,
            "checked_at": self.checked_at,
            "cached": self.cached,
            "requests": self.requests,
        }


# ---------------------------------------------------------------- collecting


def _topics(source: SourceFile) -> Iterator[tuple[Topic, Any]]:
    """Every inline and shared topic of a validated file, with its raw mapping."""
    model, raw = source.model, source.raw
    if model.path is not None:
        raw_stages = raw["path"].get("stages") or []
        for stage, raw_stage in zip(model.path.stages, raw_stages, strict=True):
            raw_topics = raw_stage.get("topics") or []
            for entry, raw_entry in zip(stage.topics, raw_topics, strict=True):
                if isinstance(entry, Topic):
                    yield entry, raw_entry
    yield from zip(model.topics, raw.get("topics") or [], strict=True)


def collect_urls(roadmap: Roadmap) -> dict[str, list[Location]]:
    """Resource URL → where it is written (``file:line`` of its ``url:`` key)."""
    found: dict[str, list[Location]] = {}
    for source in roadmap.files:
        for topic, raw_topic in _topics(source):
            raw_resources = raw_topic.get("resources") or []
            for resource, raw in zip(topic.resources, raw_resources, strict=True):
                if isinstance(raw, LineDict):
                    line = raw.key_lines.get("url", raw.line)
                else:
                    line = getattr(raw_resources, "line", 1)
                found.setdefault(resource.url, []).append(Location(source.rel, line))
    return found


# ------------------------------------------------------------------ checking


class _KeepStatus(HTTPErrorProcessor):
    """Return every response as is: no HTTPError, no automatic redirects."""

    def http_response(self, request: Request, response: Any) -> Any:
        return response

    https_response = http_response


class _Stop(Exception):
    def __init__(self, status: str, detail: str, code: int | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code


def host_key(url: str) -> str:
    """``host:port`` a URL talks to; the unit of the per-host limit."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()
    return f"{host}:{port or (443 if parts.scheme == 'https' else 80)}"


def _ascii_url(url: str) -> str:
    """Percent-encode a URL with non-ASCII characters (IDNA for the host)."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii() and parts.hostname:
        host = parts.hostname.encode("idna").decode("ascii")
        netloc = f"{host}:{parts.port}" if parts.port else host
    safe = "!#$%&'()*+,/:;=?@[]~"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe),
            quote(parts.fragment, safe=safe),
        )
    )


def _header_text(value: str) -> str:
    """http.client decodes headers as Latin-1; most servers send UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _retry_after(value: str | None) -> float:
    if value and value.strip().isdigit():
        return min(float(value.strip()), MAX_RETRY_AFTER)
    return 0.0


def _failure(exc: BaseException, timeout: float) -> tuple[str, str, bool]:
    """``(status, detail, retry?)`` for an exception raised by one request."""
    if isinstance(exc, URLError):
        if not isinstance(exc.reason, BaseException):
            return "error", f"无法请求：{exc.reason}", False
        exc = exc.reason
    if isinstance(exc, TimeoutError):
        return "timeout", f"{timeout:g} 秒内没有响应", True
    if isinstance(exc, socket.gaierror):
        if exc.errno in _DNS_MISSING:
            return "broken", f"域名不存在（{exc.strerror}）", False
        return "error", f"域名解析失败（{exc.strerror}）", True
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "error", f"证书校验失败：{exc.verify_message}", False
    if isinstance(exc, ssl.SSLError):
        return "error", f"TLS 错误：{exc.reason or exc}", True
    if isinstance(exc, ConnectionError):
        return "error", f"连接失败：{exc.strerror or type(exc).__name__}", True
    if isinstance(exc, OSError):
        return "error", f"网络错误：{exc.strerror or exc}", True
    if isinstance(exc, http.client.HTTPException):
        return "error", f"无效的 HTTP 响应：{type(exc).__name__}", False
    return "error", f"{type(exc).__name__}: {exc}", False


class _Checker:
    """Checks single URLs; shared by the worker threads of one run."""

    def __init__(self, *, per_host: int, timeout: float, retries: int, backoff: float) -> None:
        self.per_host = per_host
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        # One TLS context for the run: loading the CA store costs ~50 ms each time.
        tls = HTTPSHandler(context=ssl.create_default_context())
        self._opener = build_opener(_KeepStatus, tls)
        self._opener.addheaders = []
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._get_only: set[str] = set()
        self.reached = False
        """Whether any server answered during this run (else the network may be down)."""

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._slots.get(host)
            if slot is None:
                slot = self._slots[host] = threading.BoundedSemaphore(self.per_host)
            return slot

    def _send(self, url: str, method: str, jar: CookieJar) -> tuple[int, str | None, str | None]:
        """One request; the body is never read. Returns code, Location, Retry-After."""
        request = Request(url, method=method, headers=HEADERS)
        jar.add_cookie_header(request)
        with self._slot(host_key(url)):
            response = self._opener.open(request, timeout=self.timeout)
            try:
                self.reached = True
                jar.extract_cookies(response, request)
                headers = response.headers
                return response.status, headers.get("Location"), headers.get("Retry-After")
            finally:
                response.close()

    def _ask(
        self, url: str, jar: CookieJar, counter: list[int], *, final: bool
    ) -> tuple[int, str | None, str | None]:
        """HEAD, then GET when HEAD is refused (405/403/501).

        Any other 4xx (but 429) to HEAD, and a 5xx on the ``final`` attempt, are
        confirmed with GET too: some servers only mishandle HEAD, and a link must
        not be called broken on a HEAD answer alone.
        """
        host = host_key(url)
        method = "GET" if host in self._get_only else "HEAD"
        counter[0] += 1
        answer = self._send(url, method, jar)
        code = answer[0]
        if method == "HEAD" and (
            code in HEAD_REFUSED or (400 <= code < 500 and code != 429) or (final and code >= 500)
        ):
            counter[0] += 1
            answer = self._send(url, "GET", jar)
            if code in (405, 501) and answer[0] < 400:
                self._get_only.add(host)  # the server does not do HEAD at all
        return answer

    def _hop(self, url: str, jar: CookieJar, counter: list[int]) -> tuple[int, str | None]:
        """One URL of the chain, retried on timeouts, connection errors, 429 and 5xx."""
        for attempt in range(self.retries + 1):
            delay = self.backoff * 2**attempt * (1 + random.random() / 4)
            last = attempt == self.retries
            try:
                code, location, retry_after = self._ask(_ascii_url(url), jar, counter, final=last)
            except Exception as exc:
                status, detail, retry = _failure(exc, self.timeout)
                if not retry or last:
                    tries = f"（共尝试 {attempt + 1} 次）" if attempt else ""
                    raise _Stop(status, detail + tries) from None
                time.sleep(delay)
                continue
            if (code == 429 or code >= 500) and not last:
                time.sleep(max(delay, _retry_after(retry_after)))
                continue
            return code, location
        raise AssertionError("unreachable")

    def check(self, url: str) -> LinkResult:
        jar = CookieJar()
        counter = [0]
        chain: list[Hop] = []
        current = url
        try:
            while True:
                code, location = self._hop(current, jar, counter)
                chain.append(Hop(current, code))
                if code not in REDIRECT_CODES or not location:
                    break
                target = urljoin(current, _header_text(location).strip())
                if urlsplit(target).scheme not in ("http", "https"):
                    raise _Stop("error", f"重定向到了不支持的网址 {target}", code)
                if len(chain) > MAX_REDIRECTS:
                    seen = {hop.url for hop in chain}
                    why = "重定向循环" if target in seen else f"重定向超过 {MAX_REDIRECTS} 次"
                    raise _Stop("error", why, code)
                current = target
            result = _classify(url, chain)
        except _Stop as stop:
            result = LinkResult(
                url=url,
                status=stop.status,
                code=stop.code,
                final_url=current,
                chain=chain,
                detail=stop.detail,
            )
        result.requests = counter[0]
        result.checked_at = _now().isoformat(timespec="seconds")
        return result


def _classify(url: str, chain: list[Hop]) -> LinkResult:
    code = chain[-1].code
    result = LinkResult(url=url, status="error", code=code, final_url=chain[-1].url, chain=chain)
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    if 200 <= code < 300:
        result.status = "ok" if len(chain) == 1 else "redirect"
    elif code == 429:
        result.detail = "请求过于频繁（429），重试后仍被限流"
    elif 400 <= code < 600:
        result.status = "broken"
        result.detail = phrase
    elif 300 <= code < 400:
        result.detail = f"{code} 响应没有可跟随的 Location"
    else:
        result.detail = f"意外的状态码 {code} {phrase}".rstrip()
    return result


def _now() -> datetime:
    return datetime.now(UTC)


def _age_hours(result: LinkResult, now: datetime) -> float | None:
    try:
        checked = datetime.fromisoformat(result.checked_at)
    except ValueError:
        return None
    if checked.tzinfo is None:
        checked = checked.replace(tzinfo=UTC)
    return (now - checked).total_seconds() / 3600


def _load_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        print(f"警告：忽略无法读取的缓存 {path}：{exc}", file=sys.stderr)
        return {}
    entries = data.get("entries") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def _save_cache(path: Path, entries: dict[str, Any]) -> None:
    data = {"version": CACHE_VERSION, "entries": dict(sorted(entries.items()))}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        print(f"警告：无法写入缓存 {path}：{exc}", file=sys.stderr)


def _run(
    checker: _Checker,
    urls: list[str],
    *,
    concurrency: int,
    per_host: int,
    progress: Callable[[int, int], None] | None,
) -> dict[str, LinkResult]:
    """Check ``urls`` on ``concurrency`` threads, never more than ``per_host`` per host.

    URLs are handed out per host in turn, so threads never sit waiting for a busy
    host while others have work; the per-request semaphores in :class:`_Checker`
    also cover redirects that lead to another host.
    """
    queues: dict[str, deque[str]] = {}
    for url in urls:
        queues.setdefault(host_key(url), deque()).append(url)
    busy: Counter[str] = Counter()
    running: dict[Future[LinkResult], tuple[str, str]] = {}
    results: dict[str, LinkResult] = {}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="links") as pool:
        while queues or running:
            handed = True
            while handed and len(running) < concurrency:
                handed = False
                for host in list(queues):
                    if len(running) >= concurrency:
                        break
                    if busy[host] >= per_host:
                        continue
                    url = queues[host].popleft()
                    if not queues[host]:
                        del queues[host]
                    busy[host] += 1
                    running[pool.submit(checker.check, url)] = (host, url)
                    handed = True
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                host, url = running.pop(future)
                busy[host] -= 1
                try:
                    results[url] = future.result()
                except Exception as exc:  # a bug must not lose the other results
                    results[url] = LinkResult(url=url, status="error", detail=f"内部错误：{exc!r}")
                if progress is not None:
                    progress(len(results), len(urls))
    return results


def _offline(results: dict[str, LinkResult]) -> None:
    """No server answered at all: a missing host name proves nothing then."""
    for result in results.values():
        if result.status == "broken" and result.code is None:
            result.status = "error"
            result.detail += "；本次没有连上任何服务器，可能是网络或 DNS 不可用，暂不算失效"


def check_urls(
    urls: list[str],
    *,
    concurrency: int = 16,
    per_host: int = 2,
    timeout: float = 10.0,
    retries: int = 2,
    cache_path: Path | str | None = None,
    max_age_hours: float = 24.0,
    backoff: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, LinkResult]:
    """Check every URL once; returns URL → result in the order given.

    ``cache_path`` (None: no cache) is read and updated; ``ok``/``redirect``
    results younger than ``max_age_hours`` are reused without any request.
    ``backoff`` is the first retry delay in seconds (doubled for each retry).
    """
    if concurrency < 1 or per_host < 1 or timeout <= 0 or retries < 0:
        raise ValueError("concurrency/per_host ≥ 1, timeout > 0, retries ≥ 0")
    unique = list(dict.fromkeys(urls))
    cache = _load_cache(Path(cache_path)) if cache_path is not None else {}
    now = _now()
    results: dict[str, LinkResult] = {}
    todo = []
    for url in unique:
        hit = LinkResult.from_cache(url, cache.get(url))
        age = _age_hours(hit, now) if hit is not None else None
        if (
            hit is not None
            and hit.status in REUSABLE
            and age is not None
            and 0 <= age < max_age_hours
        ):
            results[url] = hit
            continue
        todo.append(url)
    if todo:
        checker = _Checker(per_host=per_host, timeout=timeout, retries=retries, backoff=backoff)
        fresh = _run(checker, todo, concurrency=concurrency, per_host=per_host, progress=progress)
        if not checker.reached:
            _offline(fresh)
        results.update(fresh)
        if cache_path is not None:
            cache.update({url: result.cache_entry() for url, result in fresh.items()})
            _save_cache(Path(cache_path), cache)
    return {url: results[url] for url in unique}


# ------------------------------------------------------------------- reports


def summarize(results: dict[str, LinkResult]) -> dict[str, int]:
    counts = Counter(result.status for result in results.values())
    summary = {"total": len(results)}
    summary.update({status: counts.get(status, 0) for status in STATUSES})
    summary["cached"] = sum(1 for result in results.values() if result.cached)
    return summary


def summary_line(summary: dict[str, int]) -> str:
    parts = " · ".join(f"{LABELS[s]} {summary[s]}" for s in STATUSES)
    cached = f"（{summary['cached']} 个来自缓存）" if summary["cached"] else ""
    return f"共 {summary['total']} 个网址：{parts}{cached}"


def _ordered(
    results: dict[str, LinkResult], locations: dict[str, list[Location]]
) -> list[LinkResult]:
    def key(result: LinkResult) -> tuple[int, str, int, str]:
        where = locations.get(result.url) or [Location("", 0)]
        return (SEVERITY.index(result.status), where[0].file, where[0].line, result.url)

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
    summary = summarize(results)
    lines = [
        "# 外链检查报告",
        "",
        f"生成时间：{generated_at}，耗时 {elapsed:.1f} 秒。",
        "",
        f"**{summary_line(summary)}**",
        "",
    ]
    problems = [r for r in _ordered(results, locations) if r.status != "ok"]
    if not problems:
        lines += ["所有链接都能正常访问。", ""]
        return "\n".join(lines)
    lines += [
        "只有“失效”会让检查失败；超时、出错和重定向仅作提醒，重定向建议改成最终网址。",
        "",
        "| 位置 | 网址 | 状态 | 最终网址 | 说明 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for result in problems:
        where = "<br>".join(str(loc) for loc in locations.get(result.url, [])) or "—"
        final = result.final_url if result.final_url and result.final_url != result.url else ""
        detail = result.detail + ("（缓存）" if result.cached else "")
        cells = [where, _cell(result.url), _status_cell(result), _cell(final), _cell(detail)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def report_json(
    results: dict[str, LinkResult],
    locations: dict[str, list[Location]],
    *,
    generated_at: str,
    elapsed: float,
) -> dict[str, Any]:
    entries = []
    for result in _ordered(results, locations):
        entry = result.to_json()
        entry["label"] = result.label
        entry["locations"] = [str(loc) for loc in locations.get(result.url, [])]
        entries.append(entry)
    return {
        "generated_at": generated_at,
        "elapsed_seconds": round(elapsed, 3),
        "summary": summarize(results),
        "results": entries,
    }


def write_reports(
    results: dict[str, LinkResult],
    locations: dict[str, list[Location]],
    *,
    md_path: Path,
    json_path: Path,
    elapsed: float,
) -> None:
    now = _now()
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


def _number(
    kind: type[int] | type[float], minimum: float, message: str, *, strict: bool = False
) -> Callable[[str], Any]:
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
    docs = root / "docs" if (root / "docs").is_dir() else None
    roadmap = validate_dir(target, root, docs)
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
        if result.status in ("ok", "redirect"):
            continue
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
    parser.add_argument("--roadmap", help="路线图目录（默认：仓库根目录下的 roadmap/）")
    parser.add_argument(
        "--concurrency",
        type=_number(int, 1, "至少为 1"),
        default=16,
        help="同时进行的请求总数上限（默认 16）",
    )
    parser.add_argument(
        "--per-host",
        type=_number(int, 1, "至少为 1"),
        default=2,
        help="对同一主机同时进行的请求上限（默认 2）",
    )
    parser.add_argument(
        "--timeout",
        type=_number(float, 0, "必须大于 0", strict=True),
        default=10.0,
        help="单次请求的超时秒数（默认 10）",
    )
    parser.add_argument(
        "--retries",
        type=_number(int, 0, "不能为负数"),
        default=2,
        help="超时、连接错误、429、5xx 时的重试次数（默认 2）",
    )
    parser.add_argument(
        "--max-age",
        type=_number(float, 0, "不能为负数"),
        default=24.0,
        help="缓存中正常结果的有效期，单位小时（默认 24；0 表示全部重新检查）",
    )
    parser.add_argument("--cache", help="缓存文件（默认：<仓库>/.cache/links.json）")
    parser.add_argument("--report-md", help="Markdown 报告路径（默认：<仓库>/dist/links.md）")
    parser.add_argument("--report-json", help="JSON 报告路径（默认：<仓库>/dist/links.json）")
    parser.set_defaults(func=cmd_links)
