"""Check URLs over HTTP: is each one still there, and where does it lead?

Each URL is asked with ``HEAD`` (``GET`` when HEAD is refused); redirects are followed
here (at most :data:`MAX_REDIRECTS`) so the chain can be reported. urllib3 does the HTTP:
one connection pool per host holding at most ``per_host`` connections (a request waits
for a free one: that is the per-host limit, redirects to other hosts included), timeouts,
and retries with exponential backoff on timeouts, connection errors, 429 (honouring
``Retry-After``) and 5xx. The answer is classified:

``ok``        2xx at once
``redirect``  2xx after one or more redirects (the final URL is reported)
``broken``    4xx other than 429, 5xx after retries, or a host name that does not exist
``timeout``   still no answer within the timeout after retries
``error``     any other failure (connection refused, TLS, redirect loop, 429 after retries …)

Good results are kept in a JSON cache, so a second run within ``max_age_hours`` asks nobody.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.cookiejar import CookieJar
from itertools import chain as chained
from itertools import zip_longest
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.request import Request, getproxies, proxy_bypass

import urllib3
from urllib3.exceptions import MaxRetryError
from urllib3.util import Retry

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
RETRY_CODES = frozenset({429, *range(500, 600)})
MAX_RETRY_AFTER = 30
CACHE_VERSION = 1
STATUSES = ("ok", "redirect", "broken", "timeout", "error")
LABELS = {"ok": "正常", "redirect": "重定向", "broken": "失效", "timeout": "超时", "error": "出错"}
REUSABLE = frozenset({"ok", "redirect"})
"""Statuses taken from the cache; failures are always asked again."""
_DNS_MISSING = {c for c in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if c}


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
    cached: bool = False
    requests: int = 0

    @property
    def label(self) -> str:
        return LABELS.get(self.status, self.status)

    def cache_entry(self) -> dict[str, Any]:
        keys = ("status", "code", "final_url", "checked_at")
        entry: dict[str, Any] = {key: getattr(self, key) for key in keys}
        return entry | {"chain": [[h.code, h.url] for h in self.chain], "detail": self.detail}

    @classmethod
    def from_cache(cls, url: str, entry: Any) -> LinkResult | None:
        if not isinstance(entry, dict) or entry.get("status") not in LABELS:
            return None
        try:
            code = entry.get("code")
            return cls(
                url=url,
                status=entry["status"],
                code=int(code) if code is not None else None,
                final_url=entry.get("final_url"),
                chain=[Hop(str(u), int(c)) for c, u in entry.get("chain") or []],
                detail=str(entry.get("detail") or ""),
                checked_at=str(entry.get("checked_at") or ""),
                cached=True,
            )
        except (TypeError, ValueError):
            return None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class _Stop(Exception):
    def __init__(self, status: str, detail: str, code: int | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code


class _Retry(Retry):
    """urllib3's retries, except for failures another attempt cannot change."""

    def increment(self, *args: Any, **kwargs: Any) -> Retry:
        error = kwargs.get("error")
        if error is not None and not _failure(error, 0)[2]:
            raise error
        try:
            return super().increment(*args, **kwargs)
        except MaxRetryError as exc:
            exc.attempts = len(self.history) + 1  # type: ignore[attr-defined]
            raise


class _Cookies:
    """The response headers as http.cookiejar reads them."""

    def __init__(self, headers: Any) -> None:
        self.headers = headers

    def info(self) -> _Cookies:
        return self

    def get_all(self, name: str, default: Any = None) -> Any:
        return self.headers.getlist(name) or default


def host_key(url: str) -> str:
    """``host:port`` a URL talks to; the unit of the per-host limit."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()
    return f"{(parts.hostname or '').lower()}:{port or (443 if parts.scheme == 'https' else 80)}"


def _ascii_host(url: str) -> str:
    """IDNA for a non-ASCII host (urllib3 percent-encodes the rest of the URL)."""
    parts = urlsplit(url)
    if not parts.hostname or parts.hostname.isascii():
        return url
    host = parts.hostname.encode("idna").decode("ascii")
    return urlunsplit(parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host))


def _header_text(value: str) -> str:
    """http.client decodes headers as Latin-1; most servers send UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _root(exc: BaseException) -> BaseException:
    """The OS/TLS/HTTP error under urllib3's wrappers (MaxRetryError, NewConnectionError …)."""
    while True:
        inner = exc.reason if isinstance(exc, MaxRetryError) else exc.__cause__
        inner = inner or next((a for a in exc.args if isinstance(a, BaseException)), None)
        if not isinstance(inner, BaseException):
            return exc
        exc = inner


def _failure(exc: BaseException, timeout: float) -> tuple[str, str, bool]:
    """``(status, detail, retry?)`` for an exception raised by one request."""
    exc = _root(exc)
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
        self.timeout = timeout
        pool: dict[str, Any] = {"num_pools": 10_000, "maxsize": per_host, "block": True}
        pool |= {"timeout": urllib3.Timeout(connect=timeout, read=timeout)}
        self._direct = urllib3.PoolManager(**pool)
        proxies = getproxies()  # the environment's proxies, as urllib honours them
        self._proxies = {
            s: urllib3.ProxyManager(proxies[s], **pool) for s in ("http", "https") if s in proxies
        }
        self._retry = _Retry(
            total=retries,
            status_forcelist=RETRY_CODES,
            backoff_factor=backoff,
            backoff_jitter=backoff / 4,
            raise_on_status=False,
            retry_after_max=MAX_RETRY_AFTER,
        )
        self._retry_head = self._retry.new(status_forcelist=RETRY_CODES - HEAD_REFUSED)
        self._get_only: set[str] = set()
        self.reached = False
        """Whether any server answered during this run (else the network may be down)."""

    def _send(self, url: str, method: str, jar: CookieJar, count: list[int], retries: Any):
        """One request (with urllib3's retries); the body is never read."""
        url = _ascii_host(url)
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        manager = proxy if proxy and not proxy_bypass(parts.hostname or "") else self._direct
        cookies = Request(url, method=method)
        jar.add_cookie_header(cookies)
        headers = HEADERS | cookies.unredirected_hdrs
        try:
            response = manager.urlopen(
                method, url, headers=headers, retries=retries, redirect=False,
                preload_content=False,
            )  # fmt: skip
        except MaxRetryError as exc:
            count[0] += getattr(exc, "attempts", 1)
            raise
        except Exception:
            count[0] += 1
            raise
        count[0] += 1 + len(response.retries.history if response.retries else ())
        self.reached = True
        jar.extract_cookies(_Cookies(response.headers), cookies)  # type: ignore[arg-type]
        if method == "GET":
            response.close()  # do not download the page
        response.drain_conn()
        response.release_conn()
        return response.status, response.headers.get("Location")

    def _ask(self, url: str, jar: CookieJar, count: list[int]) -> tuple[int, str | None]:
        """HEAD, then GET when HEAD is refused (405/403/501).

        Any other 4xx (but 429) to HEAD, and a 5xx after the retries, are confirmed with
        GET too: some servers only mishandle HEAD, and a link must not be called broken
        on a HEAD answer alone.
        """
        host = host_key(url)
        if host in self._get_only:
            return self._send(url, "GET", jar, count, self._retry)
        code, location = self._send(url, "HEAD", jar, count, self._retry_head)
        if code >= 500 and code not in HEAD_REFUSED:
            return self._send(url, "GET", jar, count, False)
        if code in HEAD_REFUSED or (400 <= code < 500 and code != 429):
            answer = self._send(url, "GET", jar, count, self._retry)
            if code in (405, 501) and answer[0] < 400:
                self._get_only.add(host)  # the server does not do HEAD at all
            return answer
        return code, location

    def check(self, url: str) -> LinkResult:
        jar, count, chain, current = CookieJar(), [0], list[Hop](), url
        try:
            while True:
                try:
                    code, location = self._ask(current, jar, count)
                except Exception as exc:
                    status, detail, _ = _failure(exc, self.timeout)
                    tries = getattr(exc, "attempts", 1)
                    tried = f"（共尝试 {tries} 次）" if tries > 1 else ""
                    raise _Stop(status, detail + tried) from None
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
            result = LinkResult(url, stop.status, stop.code, current, chain, stop.detail)
        result.requests = count[0]
        result.checked_at = _now().isoformat(timespec="seconds")
        return result


def _classify(url: str, chain: list[Hop]) -> LinkResult:
    code = chain[-1].code
    result = LinkResult(url=url, status="error", code=code, final_url=chain[-1].url, chain=chain)
    phrase = HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else ""
    if 200 <= code < 300:
        result.status = "ok" if len(chain) == 1 else "redirect"
    elif code == 429:
        result.detail = "请求过于频繁（429），重试后仍被限流"
    elif 400 <= code < 600:
        result.status, result.detail = "broken", phrase
    elif 300 <= code < 400:
        result.detail = f"{code} 响应没有可跟随的 Location"
    else:
        result.detail = f"意外的状态码 {code} {phrase}".rstrip()
    return result


def _now() -> datetime:
    return datetime.now(UTC)


def _fresh(result: LinkResult | None, now: datetime, max_age_hours: float) -> bool:
    if result is None or result.status not in REUSABLE:
        return False
    try:
        checked = datetime.fromisoformat(result.checked_at)
    except ValueError:
        return False
    age = (now - (checked if checked.tzinfo else checked.replace(tzinfo=UTC))).total_seconds()
    return 0 <= age / 3600 < max_age_hours


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


def _interleaved(urls: list[str]) -> list[str]:
    """One URL of each host in turn: workers rarely wait for a host's free connection."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(host_key(url), []).append(url)
    return [u for u in chained(*zip_longest(*by_host.values())) if u is not None]


def _run(
    checker: _Checker, urls: list[str], concurrency: int, progress: Callable | None
) -> dict[str, LinkResult]:
    """Check ``urls`` on ``concurrency`` threads (the pools cap each host)."""
    results: dict[str, LinkResult] = {}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="links") as pool:
        futures = {pool.submit(checker.check, url): url for url in _interleaved(urls)}
        for future in as_completed(futures):
            url = futures[future]
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
    ``backoff`` is urllib3's backoff factor: retries wait 0, 2×, 4× … that many seconds.
    """
    if concurrency < 1 or per_host < 1 or timeout <= 0 or retries < 0:
        raise ValueError("concurrency/per_host ≥ 1, timeout > 0, retries ≥ 0")
    unique = list(dict.fromkeys(urls))
    cache = _load_cache(Path(cache_path)) if cache_path is not None else {}
    now = _now()
    hits = {url: LinkResult.from_cache(url, cache.get(url)) for url in unique}
    results = {url: hit for url, hit in hits.items() if hit and _fresh(hit, now, max_age_hours)}
    todo = [url for url in unique if url not in results]
    if todo:
        checker = _Checker(per_host=per_host, timeout=timeout, retries=retries, backoff=backoff)
        fresh = _run(checker, todo, concurrency, progress)
        if not checker.reached:
            _offline(fresh)
        results.update(fresh)
        if cache_path is not None:
            cache.update({url: result.cache_entry() for url, result in fresh.items()})
            _save_cache(Path(cache_path), cache)
    return {url: results[url] for url in unique}
