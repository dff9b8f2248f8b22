#!/usr/bin/env python3
"""Load trial with live re-indexing (issue 9): CLIENTS signed-in readers query `yuimaru serve` for
SECONDS while the corpus under it is edited and re-indexed, and every answer is checked.

Run through scripts/load_trial.sh [SECONDS] [CLIENTS]. Standard library only.

Each client is a user of its own (公開, 内部 and 機密 in turn), signed in through the login form
one after the other, and keeps one keep-alive connection. It issues, at random: searches (JSON and
HTML) with short keyword queries or questions from make_corpus.py's query files and 0-2 facet
selections, facet counts, the document page and /api/doc of a document from its last results,
and the dashboard. Meanwhile one loop edits, adds and deletes corpus files and re-indexes:
incremental runs, one `index --full`, one `purge` (file deleted, then purged).

An error is: a 5xx or any status the request should not get, a connection error or time-out, a
malformed response (JSON that does not parse, a page that does not end in </html>, a body cut
short), a result or document page that names a document that no generation current during the
request had (or a 404 for a document that every such generation had), a failed re-index run, and
a server that still holds files of a superseded generation (or deleted files) after the run.
Any error: exit 1. Latency is reported, never judged.
"""
import argparse
import collections
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

FACETS = {
    "industry": ["製造業", "卸売業、小売業", "宿泊業、飲食サービス業", "建設業", "情報通信業", "医療、福祉"],
    "region": ["南部", "中部", "北部", "宮古", "八重山"],
    "doc_type": ["支援事例", "訪問メモ", "企業カルテ", "チーム会議議事録", "研修資料"],
    "issues": ["事業承継", "人材育成・採用", "販路開拓", "DX・IT活用", "資金繰り・財務", "生産性向上"],
    "phase": ["①現状把握", "②取組課題の提案", "④実行支援"],
    "fiscal_year": ["2023", "2024", "2025"],
}
# Client n signs in as user load-<n>, with the role and clearance of row n % 3.
ROLES = [("閲覧者", "公開"), ("コンサルタント", "内部"), ("事務局", "機密")]
DOC_LINK = re.compile(r'href="/doc/([^"?/]+)')
REGION_LINE = re.compile(r"^region: .*$", re.M)
DOC_ID_LINE = re.compile(r"^doc_id: .*$", re.M)


def log(*parts):
    print("load_trial:", *parts, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def now():
    return time.monotonic()


# ---------------------------------------------------------------------------------------------
# Generations: which documents each published generation holds, and when it may have been current.

class Timeline:
    """Generation k became current at some moment in [start_k, end_k] (its run's start and end),
    and stayed current until some moment in [start_k+1, end_k+1]. A request answered between t0
    and t1 was served from one generation current at some moment of [t0, t1]: a Searcher reads
    CURRENT when the request takes it (web/server.cc, Acquire)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.gens = []  # (name, start, end, frozenset of doc ids)

    def add(self, name, start, end, ids):
        with self.lock:
            self.gens.append((name, start, end, frozenset(ids)))

    def candidates(self, t0, t1):
        out = []
        for i, (name, start, _end, ids) in enumerate(self.gens):
            ended_before = i + 1 < len(self.gens) and self.gens[i + 1][2] < t0
            if start <= t1 and not ended_before:
                out.append((name, ids))
        return out


def generation_ids(db):
    """The name of the generation CURRENT points to and the doc ids of its manifest."""
    gen = os.readlink(db / "CURRENT")
    manifest = json.loads((db / gen / "manifest.json").read_text(encoding="utf-8"))
    return gen, {entry[2] for entry in manifest["files"].values()}


# ---------------------------------------------------------------------------------------------
# The server's resources, from /proc.

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fds(pid, db):
    """Open descriptors of `pid`: the number, the files of superseded generations (removed or
    not), other deleted files."""
    root = str(db.resolve())
    current = str((db / os.readlink(db / "CURRENT")).resolve()) + "/"
    total, superseded, deleted = 0, [], []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        total += 1
        path = target.removesuffix(" (deleted)")
        if path.startswith(root + "/gen-") and not path.startswith(current):
            superseded.append(target)
        elif path != target:
            deleted.append(target)
    return total, superseded, deleted


class Sampler(threading.Thread):
    """The server's peak RSS and peak number of open descriptors, every 100 ms."""

    def __init__(self, pid, db):
        super().__init__(daemon=True)
        self.pid, self.db, self.stop = pid, db, threading.Event()
        self.peak_rss = self.peak_fds = 0

    def run(self):
        while not self.stop.is_set():
            try:
                self.peak_rss = max(self.peak_rss, rss_kib(self.pid))
                self.peak_fds = max(self.peak_fds, fds(self.pid, self.db)[0])
            except OSError:
                return  # the server is gone: main() reports it
            self.stop.wait(0.1)


# ---------------------------------------------------------------------------------------------
# Clients.

class Observation:
    __slots__ = ("kind", "t0", "t1", "status", "ids", "doc", "error")

    def __init__(self, kind, t0, t1, status=0, ids=(), doc=None, error=None):
        self.kind, self.t0, self.t1, self.status = kind, t0, t1, status
        self.ids, self.doc, self.error = ids, doc, error


class Client(threading.Thread):
    def __init__(self, n, port, user, password, queries, deadline, seed):
        super().__init__(daemon=True)
        self.n, self.port, self.user, self.password = n, port, user, password
        self.queries, self.deadline = queries, deadline
        self.rng = random.Random(seed)
        self.observations = []
        self.recent = collections.deque(maxlen=40)
        self.conn = None
        self.cookie = ""
        self.ready = threading.Event()
        self.go = threading.Event()
        self.login_error = None

    def connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def fetch(self, method, path, body=None, headers=None):
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            data = res.read()
            if res.will_close:
                conn.close()
                self.conn = None
            return res, data
        except (OSError, http.client.HTTPException):
            conn.close()
            self.conn = None
            raise

    def login(self):
        res, page = self.fetch("GET", "/login")
        cookie = res.getheader("Set-Cookie", "").split(";")[0]
        token = re.search(r'name="csrf" value="([0-9a-f.]+)"', page.decode()).group(1)
        form = urllib.parse.urlencode({"id": self.user, "password": self.password, "csrf": token,
                                       "next": "/"})
        res, _ = self.fetch("POST", "/login", form, {
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        session = res.getheader("Set-Cookie", "").split(";")[0]
        if res.status != 303 or not session.startswith("yuimaru_session="):
            raise RuntimeError(f"login of {self.user}: status {res.status}")
        self.cookie = session

    def query(self):
        kind = "short" if self.rng.random() < 0.7 else "questions"
        params = [("q", self.rng.choice(self.queries[kind]))]
        for field in self.rng.sample(sorted(FACETS), self.rng.choice([0, 0, 1, 1, 2])):
            params.append((field, self.rng.choice(FACETS[field])))
        return urllib.parse.urlencode(params)

    def step(self):
        r = self.rng.random()
        doc = self.rng.choice(self.recent) if self.recent else None
        if r < 0.30:
            return "api-search", f"/api/search?{self.query()}&per=10", None
        if r < 0.55:
            return "search", f"/search?{self.query()}", None
        if r < 0.62:
            field = self.rng.choice(sorted(FACETS))
            return "api-facets", "/api/facets?" + urllib.parse.urlencode(
                [(field, self.rng.choice(FACETS[field]))]), None
        if r < 0.64:
            return "dashboard", "/dashboard", None
        if doc is None:
            return "api-search", f"/api/search?{self.query()}&per=10", None
        if r < 0.85:
            return "doc", f"/doc/{doc}?back=" + urllib.parse.quote("/search?q=x"), doc
        return "api-doc", f"/api/doc/{doc}", doc

    def check(self, kind, res, data, doc):
        """The doc ids an answer names, or raises ValueError when it is malformed."""
        ctype = res.getheader("Content-Type", "")
        if kind.startswith("api"):
            if not ctype.startswith("application/json"):
                raise ValueError(f"Content-Type {ctype}")
            j = json.loads(data.decode("utf-8"))
            if res.status != 200:
                return ()
            if kind == "api-doc":
                if j.get("id") != doc:
                    raise ValueError(f"document {j.get('id')} for {doc}")
                return tuple([doc] + [r["id"] for r in j.get("related", [])])
            if "total" not in j or "facets" not in j:
                raise ValueError("no total or facets")
            return tuple(h["id"] for h in j["hits"])
        if not ctype.startswith("text/html"):
            raise ValueError(f"Content-Type {ctype}")
        html = data.decode("utf-8")
        if not html.rstrip().endswith("</html>"):
            raise ValueError("page does not end in </html>")
        if res.status != 200:
            return ()
        ids = [urllib.parse.unquote(m) for m in DOC_LINK.findall(html)]
        return tuple(ids)

    def run(self):
        try:
            self.login()
        except Exception as e:  # noqa: BLE001 (reported as the trial's error)
            self.login_error = f"{self.user}: {e!r}"
        self.ready.set()
        self.go.wait()
        if self.login_error:
            return
        while now() < self.deadline:
            kind, path, doc = self.step()
            t0 = now()
            try:
                res, data = self.fetch("GET", path, headers={"Cookie": self.cookie})
            except (OSError, http.client.HTTPException) as e:
                self.observations.append(Observation(kind, t0, now(), error=f"connection: {e!r}"))
                continue
            t1 = now()
            try:
                ids = self.check(kind, res, data, doc)
            except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
                self.observations.append(
                    Observation(kind, t0, t1, res.status, error=f"malformed: {e} ({path})"))
                continue
            self.observations.append(Observation(kind, t0, t1, res.status, ids, doc))
            if kind in ("api-search", "search") and ids:
                self.recent.extend(ids[:5])
        if self.conn:
            self.conn.close()


def judge(o, timeline):
    """None if the observation is right, else why not."""
    if o.error:
        return o.error
    cands = timeline.candidates(o.t0, o.t1)
    if not cands:
        return f"{o.kind}: no generation current during the request"
    if o.kind in ("doc", "api-doc"):
        if o.status == 404:
            if all(o.doc in ids for _, ids in cands):
                return f"{o.kind} {o.doc}: 404, but every current generation has it"
            return None
        if o.status != 200:
            return f"{o.kind} {o.doc}: status {o.status}"
    elif o.status != 200:
        return f"{o.kind}: status {o.status}"
    if o.ids and not any(set(o.ids) <= ids for _, ids in cands):
        missing = sorted(set(o.ids) - set().union(*(ids for _, ids in cands)))
        return (f"{o.kind}: names {missing[:3] or sorted(o.ids)[:3]} that no current generation "
                f"({', '.join(n for n, _ in cands)}) has together")
    return None


# ---------------------------------------------------------------------------------------------
# The re-index loop.

class Reindexer(threading.Thread):
    """Changes the corpus, then publishes a generation, until the deadline: the runs of `plan` in
    order, then its last one again and again. The run under way at the deadline is finished."""

    def __init__(self, binary, db, corpus, timeline, deadline, seed, changes, plan):
        super().__init__(daemon=True)
        self.binary, self.db, self.corpus, self.plan = binary, db, corpus, plan
        self.timeline, self.deadline, self.changes = timeline, deadline, changes
        self.rng = random.Random(seed)
        self.runs = collections.Counter()
        self.errors = []
        self.durations = collections.defaultdict(list)
        self.next_id = 9000001

    def files(self):
        return sorted(self.corpus.rglob("*.md"))

    def mutate(self):
        files = self.files()
        for path in self.rng.sample(files, min(self.changes, len(files))):
            text = path.read_text(encoding="utf-8")
            text += f"\n負荷試験の追記 {self.rng.randrange(10**6)} 回目の改訂。\n"
            if self.rng.random() < 0.3:
                text = REGION_LINE.sub(
                    "region: " + self.rng.choice(FACETS["region"]), text, count=1)
            path.write_text(text, encoding="utf-8")
        new_dir = self.corpus / "added"
        new_dir.mkdir(exist_ok=True)
        for source in self.rng.sample(files, min(self.changes // 2, len(files))):
            doc_id = f"BENCH-{self.next_id:07d}"
            self.next_id += 1
            text = DOC_ID_LINE.sub(f"doc_id: {doc_id}", source.read_text(encoding="utf-8"), count=1)
            (new_dir / f"{doc_id}.md").write_text(text, encoding="utf-8")
        for path in self.rng.sample(files, min(self.changes // 2, len(files))):
            path.unlink()

    def run_one(self, kind, args):
        start = now()
        r = subprocess.run([self.binary] + args, capture_output=True, text=True)
        end = now()
        if r.returncode != 0:
            self.errors.append(f"{kind}: exit {r.returncode}: {r.stderr.strip()[:300]}")
            return
        name, ids = generation_ids(self.db)
        self.timeline.add(name, start, end, ids)
        self.runs[kind] += 1
        self.durations[kind].append(end - start)

    def purge(self):
        victims = self.rng.sample(self.files(), 2)
        ids = []
        for path in victims:
            ids.append(DOC_ID_LINE.search(path.read_text(encoding="utf-8")).group(0).split()[1])
            path.unlink()
        self.run_one("purge", ["purge", "--db", str(self.db)] + ids)

    def run(self):
        n = 0
        while now() < self.deadline:
            kind = self.plan[min(n, len(self.plan) - 1)]
            n += 1
            if kind == "purge":
                self.purge()
                continue
            self.mutate()
            args = ["index", "--db", str(self.db)] + (["--full"] if kind == "full" else [])
            self.run_one(kind, args + [str(self.corpus)])


# ---------------------------------------------------------------------------------------------

def run_cmd(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"load_trial: {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def wait_ready(port, proc, seconds=120):
    deadline = now() + seconds
    while now() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"load_trial: yuimaru serve exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("load_trial: the server did not start")


def settle(pid, db, seconds=30):
    """Descriptors once the server had time to let go (its watcher polls CURRENT every 250 ms):
    polls until no superseded or deleted file is open, within a bound that only stops a hang."""
    deadline = now() + seconds
    while True:
        total, superseded, deleted = fds(pid, db)
        if (not superseded and not deleted) or now() > deadline:
            return total, superseded, deleted
        time.sleep(0.2)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--changes", type=int, default=20, help="files edited per incremental run "
                    "(half as many added and deleted)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plan", default="incremental,purge,incremental,full,incremental",
                    help="re-index runs in order (incremental, full, purge); the last repeats")
    ap.add_argument("--binary", required=True)
    ap.add_argument("--make-corpus", required=True)
    ap.add_argument("--work", help="working directory (default: a temporary one, removed)")
    args = ap.parse_args()

    work = Path(args.work or tempfile.mkdtemp(prefix="yuimaru-load-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    server = None
    passed = False
    try:
        gen = work / "generated"
        log(f"{args.docs} documents in {gen}")
        run_cmd([sys.executable, args.make_corpus, "--docs", str(args.docs), "--seed",
                 str(args.seed), "--out", str(gen)])
        corpus, db = work / "corpus", work / "db"
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(db, ignore_errors=True)
        shutil.copytree(gen / "docs", corpus)
        queries = {k: (gen / f"queries_{k}.txt").read_text(encoding="utf-8").split("\n")[:-1]
                   for k in ("short", "questions")}
        t = now()
        run_cmd([args.binary, "index", "--db", str(db), str(corpus)])
        log(f"indexed in {now() - t:.1f} s")
        timeline = Timeline()
        name, ids = generation_ids(db)
        timeline.add(name, float("-inf"), float("-inf"), ids)
        plan = args.plan.split(",")
        if not plan or set(plan) - {"incremental", "full", "purge"}:
            raise SystemExit(f"load_trial: --plan {args.plan}: incremental, full or purge")
        passwords = {}
        for n in range(args.clients):
            role, clearance = ROLES[n % len(ROLES)]
            out = run_cmd([args.binary, "user", "add", "--db", str(db), "--role", role,
                           "--clearance", clearance, "--generate-password", f"load-{n}"])
            passwords[f"load-{n}"] = out.strip().split()[-1]

        port = free_port()
        server = subprocess.Popen([args.binary, "serve", "--db", str(db), "--bind", "127.0.0.1",
                                   "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=open(work / "serve.log", "w"))
        wait_ready(port, server)
        pid = server.pid

        clients = [Client(n, port, f"load-{n}", passwords[f"load-{n}"], queries, 0,
                          args.seed * 1000 + n) for n in range(args.clients)]
        for c in clients:  # one login at a time, as people arrive (not a burst of guesses)
            c.start()
            c.ready.wait()
        login_errors = [c.login_error for c in clients if c.login_error]
        # Before: signed in, no load yet (the login connections are closed).
        for c in clients:
            if c.conn:
                c.conn.close()
                c.conn = None
        time.sleep(0.5)
        rss_before = rss_kib(pid)
        fds_before, _, _ = fds(pid, db)

        load = os.getloadavg()[0]
        sampler = Sampler(pid, db)
        sampler.start()
        start = now()
        deadline = start + args.seconds
        for c in clients:
            c.deadline = deadline
        reindexer = Reindexer(args.binary, db, corpus, timeline, deadline, args.seed, args.changes,
                              plan)
        reindexer.start()
        for c in clients:
            c.go.set()
        for c in clients:
            c.join()
        elapsed = now() - start
        reindexer.join()
        overrun = now() - start - elapsed
        sampler.stop.set()
        sampler.join()

        if server.poll() is not None:
            raise SystemExit(f"load_trial: yuimaru serve died (exit {server.returncode}); "
                             f"see {work / 'serve.log'}")
        fds_after, superseded, deleted = settle(pid, db)
        rss_after = rss_kib(pid)

        observations = [o for c in clients for o in c.observations]
        errors = list(login_errors) + list(reindexer.errors)
        for o in observations:
            why = judge(o, timeline)
            if why:
                errors.append(why)
        if superseded:
            errors.append(f"{len(superseded)} files of superseded generations still open, "
                          f"e.g. {superseded[0]}")
        if deleted:
            errors.append(f"{len(deleted)} deleted files still open, e.g. {deleted[0]}")
        latencies = [(o.t1 - o.t0) * 1000 for o in observations if not o.error]
        by_kind = collections.Counter(o.kind for o in observations)
        statuses = collections.Counter(o.status for o in observations if not o.error)

        for e in errors[:20]:
            log("ERROR", e)
        if len(errors) > 20:
            log(f"... {len(errors) - 20} more errors")
        cores = os.cpu_count()
        runs = ", ".join(f"{k} {v}" for k, v in sorted(reindexer.runs.items()))
        mean = {k: statistics.mean(v) for k, v in reindexer.durations.items()}
        rate = len(observations) / elapsed
        print(f"\n`scripts/load_trial.sh {args.seconds:g} {args.clients}`: {args.docs} generated "
              f"documents, {args.clients} clients for {elapsed:.0f} s ({rate:.0f} requests/s; the "
              f"last run ended {overrun:.0f} s later), {cores} cores, load average {load:.1f} at "
              f"the start, {time.strftime('%Y-%m-%d')}\n")
        print("| requests | errors | p50 ms | p99 ms | re-index runs | RSS MiB before / peak / after "
              "| open fds before / peak / after | superseded fds after |")
        print("|---:|---:|---:|---:|---|---|---|---:|")
        p50 = percentile(latencies, 50) if latencies else 0
        p99 = percentile(latencies, 99) if latencies else 0
        print(f"| {len(observations)} | {len(errors)} | {p50:.1f} | {p99:.1f} | "
              f"{sum(reindexer.runs.values())} ({runs}) | {rss_before / 1024:.0f} / "
              f"{sampler.peak_rss / 1024:.0f} / {rss_after / 1024:.0f} | {fds_before} / "
              f"{sampler.peak_fds} / {fds_after} | "
              f"{len(superseded)} |")
        print(f"\nrequests by kind: {dict(sorted(by_kind.items()))}; statuses: "
              f"{dict(sorted(statuses.items()))}; mean run time: "
              + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(mean.items())))
        passed = not errors
        return 0 if passed else 1
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait()
        if not args.work and passed:
            shutil.rmtree(work, ignore_errors=True)
        elif not passed:
            log(f"kept {work} (serve.log: the server's messages)")


if __name__ == "__main__":
    sys.exit(main())
