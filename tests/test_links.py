"""jobbook links: classification, limits, cache and reports against a local HTTP server."""

from __future__ import annotations

import argparse
import json
import socket
import textwrap
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jobbook.tools import links
from jobbook.tools.links import MAX_REDIRECTS, check_urls

TIMEOUT = 0.5
SLOW = 2.0  # seconds the slow route sleeps: well over TIMEOUT
BUSY = 0.05  # seconds the busy route holds a request, to make requests overlap


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: Counter[tuple[str, str]] = Counter()  # (method, path) → requests
        self.active: Counter[str] = Counter()  # Host header → busy requests in flight
        self.peak: Counter[str] = Counter()
        self.active_total = 0
        self.peak_total = 0

    def count(self, path: str, method: str | None = None) -> int:
        with self.lock:
            if method is not None:
                return self.hits[(method, path)]
            return self.hits[("HEAD", path)] + self.hits[("GET", path)]

    def reset_peaks(self) -> None:
        with self.lock:
            self.peak.clear()
            self.peak_total = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # do not wait for the sleeping slow route on shutdown
    request_queue_size = 128  # the default backlog (5) drops connections under load

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = _State()

    def handle_error(self, request, client_address) -> None:
        pass  # the client hung up on the slow route: expected


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_GET(self) -> None:
        self._serve("GET")

    def _serve(self, method: str) -> None:
        state = self.server.state
        path = urlsplit(self.path).path
        route = path.strip("/").split("/")[0]
        with state.lock:
            state.hits[(method, path)] += 1
            seen = state.hits[("HEAD", path)] + state.hits[("GET", path)]
        code, headers = self._route(route, method, seen)
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        body = b"hello\n"
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method == "GET":
            self.wfile.write(body)

    def _route(self, route: str, method: str, seen: int) -> tuple[int, dict[str, str]]:
        rest = self.path.split("/", 2)[2] if self.path.count("/") >= 2 else ""
        if route in ("ok", "fast"):
            return 200, {}
        if route == "moved":
            return 301, {"Location": f"/ok/moved/{rest}"}
        if route == "loop-a":
            return 302, {"Location": f"/loop-b/{rest}"}
        if route == "loop-b":
            return 302, {"Location": f"/loop-a/{rest}"}
        if route == "missing":
            return 404, {}
        if route == "error":
            return 500, {}
        if route == "flaky":
            return (503, {}) if seen == 1 else (200, {})
        if route == "limited":
            return (429, {"Retry-After": "0"}) if seen == 1 else (200, {})
        if route == "nohead":
            return (405, {"Allow": "GET"}) if method == "HEAD" else (200, {})
        if route == "slow":
            time.sleep(SLOW)
            return 200, {}
        if route == "busy":
            self._busy()
            return 200, {}
        return 404, {}

    def _busy(self) -> None:
        # Counted from the start of the handler until *before* the answer is sent, so
        # this window lies inside the client's hold on its per-host slot.
        state = self.server.state
        host = self.headers.get("Host", "")
        with state.lock:
            state.active[host] += 1
            state.active_total += 1
            state.peak[host] = max(state.peak[host], state.active[host])
            state.peak_total = max(state.peak_total, state.active_total)
        time.sleep(BUSY)
        with state.lock:
            state.active[host] -= 1
            state.active_total -= 1


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never send the local requests through a proxy from the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")


def _base(server: _Server, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{server.server_address[1]}"


def _token() -> str:
    return uuid.uuid4().hex[:10]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two made-up host names: one that does not exist, one whose resolver is down."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "no-such-host.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if host == "flaky-dns.invalid":
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_each_kind_of_answer_is_classified(server, fake_dns):
    state = server.state
    t = _token()
    base = _base(server)
    urls = {
        "ok": f"{base}/ok/{t}",
        "moved": f"{base}/moved/{t}",
        "loop": f"{base}/loop-a/{t}",
        "missing": f"{base}/missing/{t}",
        "error": f"{base}/error/{t}",
        "flaky": f"{base}/flaky/{t}",
        "limited": f"{base}/limited/{t}",
        "slow": f"{base}/slow/{t}",
        # another host name for the same server: its HEAD refusal must not change
        # how the other routes are asked
        "nohead": f"{_base(server, 'localhost')}/nohead/{t}",
        "nodns": f"http://no-such-host.invalid/{t}",
        "dnsdown": f"http://flaky-dns.invalid/{t}",
        "refused": f"http://127.0.0.1:{_free_port()}/{t}",
    }
    started = time.monotonic()
    results = check_urls(
        list(urls.values()),
        concurrency=16,
        per_host=16,
        timeout=TIMEOUT,
        retries=2,
        cache_path=None,
        max_age_hours=24,
        backoff=0.05,
    )
    elapsed = time.monotonic() - started
    assert list(results) == list(urls.values())
    r = {name: results[url] for name, url in urls.items()}

    assert (r["ok"].status, r["ok"].code, r["ok"].final_url) == ("ok", 200, urls["ok"])
    assert r["ok"].requests == 1
    assert state.count(f"/ok/{t}", "HEAD") == 1  # HEAD first, no GET needed

    assert (r["moved"].status, r["moved"].code) == ("redirect", 200)
    assert r["moved"].final_url == f"{base}/ok/moved/{t}"
    assert [hop.code for hop in r["moved"].chain] == [301, 200]

    assert r["loop"].status == "error"
    assert "重定向循环" in r["loop"].detail
    assert r["loop"].code == 302
    assert len(r["loop"].chain) == MAX_REDIRECTS + 1  # the first request + 5 redirects

    assert (r["missing"].status, r["missing"].code) == ("broken", 404)
    assert state.count(f"/missing/{t}", "HEAD") == 1
    assert state.count(f"/missing/{t}", "GET") == 1  # confirmed with GET, not retried

    assert (r["error"].status, r["error"].code) == ("broken", 500)
    assert state.count(f"/error/{t}") == 4  # 3 HEAD attempts, the last one confirmed by GET

    assert (r["flaky"].status, r["flaky"].code) == ("ok", 200)
    assert state.count(f"/flaky/{t}") == 2  # 503, then the retry succeeds
    assert (r["limited"].status, r["limited"].code) == ("ok", 200)
    assert state.count(f"/limited/{t}") == 2

    assert (r["slow"].status, r["slow"].code) == ("timeout", None)
    assert "共尝试 3 次" in r["slow"].detail

    assert (r["nohead"].status, r["nohead"].code) == ("ok", 200)
    assert state.count(f"/nohead/{t}", "HEAD") == 1
    assert state.count(f"/nohead/{t}", "GET") == 1

    assert r["nodns"].status == "broken"
    assert "域名不存在" in r["nodns"].detail
    assert r["dnsdown"].status == "error"  # a resolver outage is not a dead link
    assert r["refused"].status == "error"
    assert "连接失败" in r["refused"].detail

    for result in results.values():
        assert result.checked_at
        assert not result.cached
    # checked in parallel: about one slow retry sequence, not the sum of all routes
    assert elapsed < 3 * (TIMEOUT + 0.5) + 2


def test_missing_host_is_not_broken_when_no_server_answers_at_all(fake_dns):
    url = f"http://no-such-host.invalid/{_token()}"
    result = check_urls([url], concurrency=1, per_host=1, timeout=1, retries=0, cache_path=None)
    assert result[url].status == "error"
    assert "网络" in result[url].detail


def test_host_that_refuses_head_is_asked_with_get_afterwards(server):
    t = _token()
    base = _base(server, "localhost")
    results = check_urls(
        [f"{base}/nohead/{t}", f"{base}/ok/{t}"],
        concurrency=1,
        per_host=1,
        timeout=2,
        retries=0,
        cache_path=None,
    )
    assert [r.status for r in results.values()] == ["ok", "ok"]
    assert server.state.count(f"/ok/{t}", "HEAD") == 0
    assert server.state.count(f"/ok/{t}", "GET") == 1


def test_per_host_limit_is_respected_and_hosts_run_in_parallel(server):
    state = server.state
    t = _token()
    urls = [
        f"{_base(server, host)}/busy/{t}/{i}"
        for i in range(12)
        for host in ("127.0.0.1", "localhost")
    ]
    state.reset_peaks()
    results = check_urls(
        urls, concurrency=16, per_host=2, timeout=5, retries=0, cache_path=None, backoff=0.05
    )
    assert {r.status for r in results.values()} == {"ok"}
    port = server.server_address[1]
    peaks = {host: state.peak[f"{host}:{port}"] for host in ("127.0.0.1", "localhost")}
    assert peaks == {"127.0.0.1": 2, "localhost": 2}, peaks  # ≤ 2, and the 2 were used
    assert state.peak_total > 2  # the two hosts were served at the same time


def test_cache_reuses_good_results_and_rechecks_failures(server, tmp_path):
    state = server.state
    t = _token()
    good = f"{_base(server)}/ok/{t}"
    bad = f"{_base(server)}/missing/{t}"
    cache = tmp_path / "cache" / "links.json"
    options = {"concurrency": 4, "per_host": 2, "timeout": 2, "retries": 0, "cache_path": cache}

    first = check_urls([good, bad], max_age_hours=24, **options)
    assert first[good].status == "ok" and not first[good].cached
    assert state.count(f"/ok/{t}") == 1
    entry = json.loads(cache.read_text(encoding="utf-8"))["entries"][good]
    assert entry["status"] == "ok" and entry["code"] == 200 and entry["final_url"] == good
    assert datetime.fromisoformat(entry["checked_at"]).tzinfo is not None

    second = check_urls([good, bad], max_age_hours=24, **options)
    assert second[good].status == "ok" and second[good].cached
    assert state.count(f"/ok/{t}") == 1  # no second request
    assert second[bad].status == "broken" and not second[bad].cached
    assert state.count(f"/missing/{t}") == 4  # a failure is always confirmed again

    check_urls([good], max_age_hours=0, **options)  # --max-age 0: ask again
    assert state.count(f"/ok/{t}") == 2

    data = json.loads(cache.read_text(encoding="utf-8"))
    data["entries"][good]["checked_at"] = (datetime.now(UTC) - timedelta(hours=25)).isoformat()
    cache.write_text(json.dumps(data), encoding="utf-8")
    stale = check_urls([good], max_age_hours=24, **options)
    assert not stale[good].cached
    assert state.count(f"/ok/{t}") == 3

    cache.write_text("{not json", encoding="utf-8")  # a damaged cache is ignored
    assert check_urls([good], max_age_hours=24, **options)[good].status == "ok"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobbook")
    links.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(text).lstrip("\n")
    path.write_text(text, encoding="utf-8")
    return text


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


SHARED = """
topics:
  - id: shared
    title: 共享专题
    resources:
      - title: 正常
        url: {ok}
        type: docs
        lang: zh
      - title: 搬家了
        url: {moved}
        type: docs
        lang: zh
"""

PATH = """
path:
  id: p
  title: 路线
  summary: 简介
  stages:
    - id: s
      title: 阶段
      topics:
        - ref: shared
        - id: inline
          title: 内联专题
          resources:
            - title: 第三个
              url: {third}
              type: article
              lang: en
"""


def test_links_command_reports_and_fails_only_on_broken(server, tmp_path, capsys):
    t = _token()
    base = _base(server)
    ok, moved = f"{base}/ok/{t}", f"{base}/moved/{t}"
    missing, slow = f"{base}/missing/{t}", f"{base}/slow/{t}"
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    roadmap = tmp_path / "roadmap"
    shared = _write(roadmap / "topics" / "shared.yml", SHARED.format(ok=ok, moved=moved))
    path_text = _write(roadmap / "route.yml", PATH.format(third=missing))
    md, js, cache = (
        tmp_path / "out" / "links.md",
        tmp_path / "out" / "links.json",
        tmp_path / "c.json",
    )
    argv = ["links", "--roadmap", str(roadmap), "--cache", str(cache)]
    argv += ["--report-md", str(md), "--report-json", str(js)]
    argv += ["--timeout", str(TIMEOUT), "--retries", "0", "--concurrency", "4", "--per-host", "2"]

    args = _parser().parse_args(argv)
    assert args.func(args) == 1
    out = capsys.readouterr()
    where_missing = f"roadmap/route.yml:{_line(path_text, missing)}"
    assert out.out.splitlines() == [f"{where_missing}: 失效 404 {missing}（Not Found）"]
    assert "共 3 个网址：正常 1 · 重定向 1 · 失效 1 · 超时 0 · 出错 0" in out.err

    report = md.read_text(encoding="utf-8")
    assert report.startswith("# 外链检查报告")
    assert "共 3 个网址：正常 1 · 重定向 1 · 失效 1 · 超时 0 · 出错 0" in report
    assert "| 位置 | 网址 | 状态 | 最终网址 | 说明 |" in report
    assert f"| {where_missing} | {missing} | 失效（404） |" in report
    where_moved = f"roadmap/topics/shared.yml:{_line(shared, moved)}"
    assert f"| {where_moved} | {moved} | 重定向（301 → 200） | {base}/ok/moved/{t} |" in report
    assert f"{ok} |" not in report  # ok links are not listed
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["summary"] == {
        "total": 3,
        "ok": 1,
        "redirect": 1,
        "broken": 1,
        "timeout": 0,
        "error": 0,
        "cached": 0,
    }
    by_url = {entry["url"]: entry for entry in data["results"]}
    assert by_url[missing]["locations"] == [where_missing]
    assert by_url[moved]["final_url"] == f"{base}/ok/moved/{t}"
    assert by_url[ok]["locations"] == [f"roadmap/topics/shared.yml:{_line(shared, ok)}"]

    # The broken link replaced by one that times out: only a warning now.
    path_text = _write(roadmap / "route.yml", PATH.format(third=slow))
    args = _parser().parse_args(argv)
    assert args.func(args) == 0
    out = capsys.readouterr()
    where_slow = f"roadmap/route.yml:{_line(path_text, slow)}"
    assert out.out.startswith(f"{where_slow}: 超时 {slow}")
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["summary"]["timeout"] == 1
    assert data["summary"]["cached"] == 2  # ok and moved came from the cache
    assert f"| {where_slow} | {slow} | 超时 |" in md.read_text(encoding="utf-8")


def test_links_command_bad_arguments(tmp_path, capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args(["links", "--per-host", "0"])
    with pytest.raises(SystemExit):
        _parser().parse_args(["links", "--timeout", "nan"])
    args = _parser().parse_args(["links", "--roadmap", str(tmp_path / "nope")])
    assert args.func(args) == 2
    assert "没有这个目录" in capsys.readouterr().err


def test_a_thousand_urls(server, tmp_path):
    t = _token()
    base = _base(server)
    urls = [f"{base}/fast/{t}/{i}" for i in range(1000)]
    started = time.perf_counter()
    results = check_urls(
        urls, concurrency=16, per_host=16, timeout=5, retries=2, cache_path=None, backoff=0.05
    )
    elapsed = time.perf_counter() - started
    print(f"\n1000 URLs checked in {elapsed:.2f} s (concurrency 16, per host 16)")
    links.write_reports(
        results, {}, md_path=tmp_path / "l.md", json_path=tmp_path / "l.json", elapsed=elapsed
    )
    assert json.loads((tmp_path / "l.json").read_text())["elapsed_seconds"] == round(elapsed, 3)
    assert len(results) == 1000
    assert Counter(r.status for r in results.values()) == {"ok": 1000}
    assert elapsed < 60
