#!/usr/bin/env python3
"""HTTP benchmark: wrk against `yuimaru serve` and against `groonga -s` on the same corpus, the
same 1,000 queries (the generator's short queries), each asking for the first 10 hits and the
facet counts of 業種, 地域 and 文書種別 (yuimaru counts every facet field), in the same run.

Usage: bench/http_bench.py [--docs 100000] [--work bench/work] [--connections 16] [--seconds 20]
                           [--threads N] [--text-cache-mb MB]
Each server's resident memory is read from /proc after its measured run (RSS now, and its peak).
Needs: bench/bench.py run first for the same --docs (it builds both indexes), wrk.
yuimaru runs as a signed-in 機密 handler (the cookie goes with every request) and without the
audit trail (--no-audit: an fsync per search measures the disk, not the search); both figures
are printed when --with-audit is given.

Before wrk replays them, every URL is fetched once per server and the totals compared, as in
bench/bench.py: yuimaru's strict total ("total" unless interpretation.relaxed, else 0) against
Groonga's. The "agree" column is the share of equal totals; requests/s and latencies count only
where it is at least 99%. The disagreeing queries go to <work>/disagreements-http-groonga-short.tsv.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the corpus and index helpers)

ROOT = bench.ROOT


def memory_mb(pid):
    """(resident MB, peak resident MB) of a running process, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def login(base, user, password):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    page = urllib.request.urlopen(base + "/login")
    token = re.search(r'name="csrf" value="([0-9a-f.]+)"', page.read().decode()).group(1)
    form = urllib.parse.urlencode({"id": user, "password": password, "csrf": token, "next": "/"})
    req = urllib.request.Request(base + "/login", data=form.encode(),
                                 headers={"Cookie": f"yuimaru_login={token}",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    try:
        opener.open(req)
    except urllib.error.HTTPError as e:
        cookie = e.headers.get("Set-Cookie", "")
        if e.code == 303 and cookie.startswith("yuimaru_session="):
            return cookie.split(";")[0]
        raise
    raise SystemExit("login failed")


def wrk(base, urls_file, connections, seconds, headers=()):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(ROOT / "bench" / "urls.lua")]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [base], env=dict(os.environ, URLS=str(urls_file)),
                         capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def fetch_totals(base, urls_file, total_of, headers=()):
    """The total of each URL's answer, fetched once, in order."""
    totals = []
    for path in urls_file.read_text().splitlines():
        req = urllib.request.Request(base + path, headers=dict(h.split(": ", 1) for h in headers))
        with urllib.request.urlopen(req, timeout=60) as r:
            totals.append(total_of(json.loads(r.read().decode("utf-8"))))
    return totals


def yuimaru_strict_total(answer):
    return 0 if answer["interpretation"]["relaxed"] else answer["total"]


def groonga_total(answer):
    return answer[1][0][0][0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=str(ROOT / "bench" / "work"))
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--threads", type=int, default=0, help="yuimaru serve --threads (0: default)")
    ap.add_argument("--text-cache-mb", type=int, help="yuimaru serve --text-cache-mb (default: its own)")
    ap.add_argument("--with-audit", action="store_true")
    ap.add_argument("--binary", default=str(ROOT / "build" / "yuimaru"))
    args = ap.parse_args()
    work = Path(args.work).resolve()
    corpus, stats, queries = bench.ensure_corpus(work, args.docs, args.seed)
    ydb, gdb = work / "yuimaru-db", work / "groonga" / "db"
    if not ydb.exists() or not gdb.exists():
        raise SystemExit(f"run bench/bench.py --docs {args.docs} --engines yuimaru,groonga first")
    short = queries["short"][:1000]

    # Same queries both sides: the words ANDed, top 10 by score, three facet counts.
    yurls, gurls = work / "http-yuimaru.txt", work / "http-groonga.txt"
    yurls.write_text("".join(f"/api/search?q={urllib.parse.quote(q)}&per=10\n" for q in short))
    drill = urllib.parse.quote(",".join(bench.FACETS))
    gurls.write_text("".join(
        "/d/select?table=Docs&match_columns=" + urllib.parse.quote("title * 2 || body") +
        "&query=" + urllib.parse.quote(bench.groonga_and(q)) +
        "&output_columns=_key,_score&sort_keys=-_score&limit=10&drilldown=" + drill +
        "&drilldown_limit=20\n" for q in short))

    results, totals = {}, {}
    users = ydb / "users.json"
    password = None
    out = subprocess.run([args.binary, "user", "passwd" if users.exists() and "bench" in users.read_text()
                          else "add", "--db", str(ydb), "--clearance", "機密", "--generate-password", "bench"]
                         if not (users.exists() and "bench" in users.read_text()) else
                         [args.binary, "user", "passwd", "--db", str(ydb), "--generate-password", "bench"],
                         capture_output=True, text=True, check=True).stdout
    password = out.strip().split()[-1]
    modes = [("yuimaru", ["--no-audit"])] + ([("yuimaru + audit", ["--audit", str(work / "audit.jsonl")])]
                                            if args.with_audit else [])
    for name, extra in modes:
        port = free_port()
        cmd = [args.binary, "serve", "--db", str(ydb), "--port", str(port)] + extra
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        if args.text_cache_mb is not None:
            cmd += ["--text-cache-mb", str(args.text_cache_mb)]
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_http(base + "/login")
            cookie = login(base, "bench", password)
            if "yuimaru" not in totals:
                totals["yuimaru"] = fetch_totals(base, yurls, yuimaru_strict_total, [f"Cookie: {cookie}"])
            wrk(base, yurls, args.connections, 3, [f"Cookie: {cookie}"])  # warm-up
            # The warm-up's connections end when wrk exits, but the server frees their places
            # (64 per address) only once it has served what they had sent: without a pause the
            # measured run's first connections can find the address full and be closed.
            time.sleep(3)
            results[name] = wrk(base, yurls, args.connections, args.seconds, [f"Cookie: {cookie}"])
            results[name]["rss_mb"], results[name]["peak_mb"] = memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait()
        bench.log(name, results[name])

    port = free_port()
    server = subprocess.Popen(["groonga", "-s", "--protocol", "http", "--port", str(port), str(gdb)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/d/status")
        totals["groonga"] = fetch_totals(base, gurls, groonga_total)
        wrk(base, gurls, args.connections, 3)
        time.sleep(3)  # as for yuimaru
        results["groonga -s"] = wrk(base, gurls, args.connections, args.seconds)
        results["groonga -s"]["rss_mb"], results["groonga -s"]["peak_mb"] = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait()
    bench.log("groonga", results["groonga -s"])

    agree = bench.agreement("http-groonga", "short", short, totals["groonga"], totals["yuimaru"], work)
    print(f"\n{args.docs} documents, {len(short):,} short queries with facet counts, wrk -t2 -c{args.connections} "
          f"-d{args.seconds}s, {bench.machine()}, {time.strftime('%Y-%m-%d')}"
          + (f", yuimaru --text-cache-mb {args.text_cache_mb}" if args.text_cache_mb is not None else "")
          + (f", --threads {args.threads}" if args.threads else "") + "\n")
    print("| server | requests/s | p50 ms | p99 ms | errors | non-2xx | RSS MB (peak) | agree |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']:.0f} | "
              f"{r['non2xx']:.0f} | {r['rss_mb']:.0f} ({r['peak_mb']:.0f}) | {agree:.1%} |")
    print("\n\"agree\": the share of queries whose total equals between the two servers (yuimaru's strict "
          "total: the any-word fallback counted as 0)." + ("" if agree >= 0.99 else
          " Below 99%: these figures do not count as a comparison."))


if __name__ == "__main__":
    main()
