#!/usr/bin/env python3
"""Records everything a user can see of yuimaru on the bundled corpus, so that a refactoring can
prove it changed nothing: `diff -r BEFORE AFTER` must be empty.

  scripts/snapshot.py --bin build/yuimaru --out /tmp/before [--jsquad]

Written to --out (timings and sizes on disk removed, everything else verbatim):
  cli/search-<clearance>-<n>.json   `search --json` for every query of corpus/queries.tsv, at each
                                    clearance, with and without synonyms, and with a facet filter
  cli/show-<clearance>-<id>.json    `show --json` and `related --json` for every document
  cli/stats-<clearance>.json        `stats --json`
  cli/eval-corpus.json              `eval --json` on corpus/queries.tsv + qrels.tsv
  cli/eval-jsquad.json              the same on ../shared/data/jsquad-valid (with --jsquad)
  web/<clearance>/...               pages and JSON API answers of a real server, signed in as a
                                    handler of each clearance (search, document, related,
                                    dashboard, API), status line and body
Standard library only; needs a built yuimaru.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEARANCES = ["公開", "内部", "機密"]
# Timings, and sizes on disk (Xapian's files differ by a few pages from run to run).
TIMING_KEYS = {"took_ms", "latency_ms", "index_bytes", "compacted_bytes"}


def strip_timings(value):
    if isinstance(value, dict):
        return {k: strip_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [strip_timings(v) for v in value]
    return value


def run(binary, args, allow_fail=False):
    p = subprocess.run([binary, *args], capture_output=True, text=True)
    if p.returncode != 0 and not allow_fail:
        sys.exit(f"snapshot: {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_json(path, text):
    try:
        value = strip_timings(json.loads(text))
    except json.JSONDecodeError:
        write(path, text)
        return
    write(path, json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def queries(tsv):
    out = []
    for line in Path(tsv).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            out.append(line.split("\t", 1)[1])
    return out


def doc_ids():
    ids = []
    for f in sorted((ROOT / "corpus").rglob("*.md")):
        m = re.search(r"^doc_id:\s*(\S+)", f.read_text(encoding="utf-8"), re.M)
        if m:
            ids.append(m.group(1).strip("\"'"))
    return sorted(set(ids))


def cli(binary, db, out, with_jsquad, tmp):
    qs = queries(ROOT / "corpus" / "queries.tsv")
    for c in CLEARANCES:
        write_json(out / f"cli/stats-{c}.json",
                   run(binary, ["stats", "--db", db, "--json", "--clearance", c]).stdout)
        for i, q in enumerate(qs):
            base = ["search", "--db", db, "--json", "--clearance", c]
            for tag, extra in (("", []), ("-nosyn", ["--no-synonyms"]),
                               ("-kind", ["--filter", "doc_type=支援事例"]),
                               ("-new", ["--sort", "newest", "--limit", "5", "--offset", "2"])):
                p = run(binary, base + extra + [q], allow_fail=True)
                write_json(out / f"cli/search-{c}-{i:02d}{tag}.json",
                           p.stdout + f"\n# exit {p.returncode}\n" if p.returncode else p.stdout)
    for c in CLEARANCES:
        for d in doc_ids():
            p = run(binary, ["show", "--db", db, "--json", "--clearance", c, d], allow_fail=True)
            write_json(out / f"cli/show-{c}-{d}.json", p.stdout or f"exit {p.returncode}\n")
            p = run(binary, ["related", "--db", db, "--json", "--clearance", c, d],
                    allow_fail=True)
            write_json(out / f"cli/related-{c}-{d}.json", p.stdout or f"exit {p.returncode}\n")
    write_json(out / "cli/eval-corpus.json",
               run(binary, ["eval", "--db", db, "--queries", str(ROOT / "corpus/queries.tsv"),
                            "--qrels", str(ROOT / "corpus/qrels.tsv"), "--json"]).stdout)
    if with_jsquad:
        jq = ROOT.parent / "shared" / "data" / "jsquad-valid"
        jdb = str(Path(tmp) / "jsquad-db")
        run(binary, ["index", "--db", jdb, str(jq / "docs")], allow_fail=True)
        write_json(out / "cli/eval-jsquad.json",
                   run(binary, ["eval", "--db", jdb, "--queries", str(jq / "queries.tsv"),
                                "--qrels", str(jq / "qrels.tsv"), "--json"]).stdout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, cookie=None, data=None, headers=None):
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    req = urllib.request.Request(url, data=data, headers=h)
    try:
        with OPENER.open(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def login(base, user, password):
    _, headers, page = fetch(base + "/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    login_cookie = headers.get("Set-Cookie", "").split(";")[0]
    form = urllib.parse.urlencode({"id": user, "password": password, "csrf": token,
                                   "next": "/"}).encode()
    status, headers, _ = fetch(base + "/login", cookie=login_cookie, data=form,
                               headers={"Origin": base,
                                        "Content-Type": "application/x-www-form-urlencoded"})
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    if status != 303 or not cookie.startswith("yuimaru_session"):
        sys.exit(f"snapshot: login as {user} failed ({status})")
    return cookie


def scrub(text):
    text = re.sub(r'<span class="took">[^<]*</span>', '<span class="took">…</span>', text)
    text = re.sub(r'name="csrf" value="[^"]+"', 'name="csrf" value="…"', text)
    text = re.sub(r'"took_ms":[0-9.e+-]+', '"took_ms":0', text)
    return text


def web(binary, db, out, tmp):
    users = str(Path(tmp) / "users.json")
    passwords = {}
    for c, role in zip(CLEARANCES, ["閲覧者", "コンサルタント", "事務局"]):
        user = "snap" + str(CLEARANCES.index(c))
        p = run(binary, ["user", "add", "--users", users, "--name", user, "--role", role,
                         "--clearance", c, "--generate-password", user])
        passwords[c] = (user, p.stdout.split()[-1])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port), "--users", users,
                               "--no-audit"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        qs = queries(ROOT / "corpus" / "queries.tsv")
        ids = doc_ids()
        for c in CLEARANCES:
            cookie = login(base, *passwords[c])
            paths = ["/", "/search", "/dashboard", "/api/stats", "/search?q=%E2%80%A6&page=99"]
            for q in qs:
                e = urllib.parse.quote(q)
                paths += [f"/search?q={e}", f"/api/search?q={e}",
                          f"/search?q={e}&doc_type=%E6%94%AF%E6%8F%B4%E4%BA%8B%E4%BE%8B",
                          f"/api/search?q={e}&sort=newest&page=2"]
            for d in ids:
                e = urllib.parse.quote(d)
                paths += [f"/doc/{e}", f"/api/doc?id={e}", f"/api/related?id={e}"]
            for i, path in enumerate(paths):
                status, headers, body = fetch(base + path, cookie=cookie)
                kind = headers.get("Content-Type", "")
                write(out / f"web/{c}/{i:04d}.txt",
                      f"{path}\n{status} {kind}\n\n{scrub(body)}")
    finally:
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "build" / "yuimaru"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--jsquad", action="store_true", help="also eval on jsquad-valid")
    args = ap.parse_args()
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    binary = os.path.abspath(args.bin)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "db")
        p = run(binary, ["index", "--db", db, str(ROOT / "corpus")], allow_fail=True)
        if p.returncode not in (0, 3):
            sys.exit(f"snapshot: index failed: {p.stderr}")
        write(out / "cli/index.txt", re.sub(r"[0-9.]+ ?(秒|ms|MB/s)", "…", p.stdout))
        cli(binary, db, out, args.jsquad, tmp)
        web(binary, db, out, tmp)
    n = sum(1 for _ in out.rglob("*") if _.is_file())
    print(f"snapshot: {n} files in {out}")


if __name__ == "__main__":
    main()
