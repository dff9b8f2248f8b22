#!/usr/bin/python3
"""yuimaru against Groonga, SQLite FTS5 and Xapian's own n-gram indexer, on the same generated
corpus, in the same run. Prints a Markdown table and writes the figures as JSON.

Corpus: ../shared/tools/make_corpus.py (real Japanese sentences, corpus-format front matter).
For each engine: indexing time (docs/s, MB/s of Markdown), index size, and per-query latency
(p50/p99, warm, one query at a time) for top-10 + facet counts, over two query sets:
  questions  natural-language questions (JSQuAD dev set): OR of the question's terms
  short      1-3 keywords: every keyword must match (AND)
Facets: yuimaru counts all of its 18 facet fields; Groonga and SQLite count 3
(industry, region, doc_type), as the issue's reference figures did.

Usage: bench/bench.py --docs 100000 [--work bench/work] [--engines yuimaru,groonga,fts5,xapian-ngram]
Needs: scripts/setup.sh bench (groonga-bin, sqlite3, python3-xapian), build/yuimaru.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FACETS = ["industry", "region", "doc_type"]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))
    return values[k]


def dir_bytes(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            fp = os.path.join(dirpath, f)
            if not os.path.islink(fp):
                total += os.path.getsize(fp)
    return total


def read_docs(corpus):
    """(doc_id, title, body, {industry, region, doc_type}) of every generated document."""
    for path in sorted((corpus / "docs").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        end = text.index("\n---\n", 4)
        meta = {}
        for line in text[4:end].splitlines():
            key, _, value = line.partition(":")
            value = value.strip()
            if value.startswith('"'):
                value = json.loads(value)
            meta[key.strip()] = value
        body = re.sub(r"<!--.*?-->", "", text[end + 5:])
        yield meta["doc_id"], meta["title"], body, {k: meta.get(k, "") for k in FACETS}


def ensure_corpus(work, docs, seed):
    corpus = work / f"corpus-{docs}"
    if not (corpus / "corpus_stats.json").exists():
        log(f"generating {docs} documents in {corpus}")
        subprocess.run([sys.executable, str(SHARED / "tools" / "make_corpus.py"), "--docs", str(docs),
                        "--seed", str(seed), "--out", str(corpus)], check=True, stdout=subprocess.DEVNULL)
    stats = json.loads((corpus / "corpus_stats.json").read_text())
    questions = (corpus / "queries_questions.txt").read_text(encoding="utf-8").splitlines()
    short = (corpus / "queries_short.txt").read_text(encoding="utf-8").splitlines()
    return corpus, stats, {"questions": questions, "short": short}


# ---- yuimaru ----------------------------------------------------------------------------------

def run_yuimaru(corpus, work, queries, binary):
    db = work / "yuimaru-db"
    shutil.rmtree(db, ignore_errors=True)
    t0 = time.perf_counter()
    out = subprocess.run([binary, "index", "--db", str(db), "--json", str(corpus / "docs")],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if out.returncode not in (0, 3):
        raise RuntimeError(out.stderr)
    report = json.loads(out.stdout)
    stats = json.loads(subprocess.run([binary, "stats", "--db", str(db), "--json"],
                                      capture_output=True, text=True, check=True).stdout)
    result = {"index_seconds": seconds, "documents": report["documents"], "phases": report.get("phases"),
              "index_bytes": stats["index_bytes"], "latency": {}, "hits": {}}
    for name, qs in queries.items():
        qfile = work / f"yuimaru-{name}.txt"
        # Questions: the default query, exactly as typed. Short keyword queries: as typed too
        # (yuimaru requires every word and falls back to any word itself).
        qfile.write_text("\n".join(qs) + "\n", encoding="utf-8")
        # A warm-up pass, then the measured one (same process: page cache and Xapian caches warm).
        cmd = [binary, "search", "--db", str(db), "--limit", "10", "--batch", str(qfile)]
        subprocess.run(cmd, capture_output=True, text=True)
        lines = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()
        times = [json.loads(l)["took_ms"] for l in lines if l.startswith('{"query"')]
        totals = [json.loads(l)["total"] for l in lines if l.startswith('{"query"')]
        result["latency"][name] = {"p50": percentile(times, 50), "p99": percentile(times, 99),
                                   "mean": statistics.mean(times), "n": len(times)}
        result["hits"][name] = sum(1 for t in totals if t > 0) / max(1, len(totals))
    return result


# ---- Groonga ----------------------------------------------------------------------------------

def groonga_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Groonga:
    def __init__(self, db, create):
        args = ["groonga", "--log-level", "error"] + (["-n"] if create else []) + [str(db)]
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  encoding="utf-8", bufsize=1)

    def command(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline()

    def load(self, table, rows):
        self.p.stdin.write(f"load --table {table}\n")
        self.p.stdin.write(json.dumps(rows, ensure_ascii=False) + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline()

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def run_groonga(corpus, work, queries):
    d = work / "groonga"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    t0 = time.perf_counter()
    g = Groonga(d / "db", create=True)
    for f in FACETS:
        g.command(f"table_create {f.capitalize()}s TABLE_HASH_KEY ShortText")
    g.command("table_create Docs TABLE_HASH_KEY ShortText")
    g.command("column_create Docs title COLUMN_SCALAR ShortText")
    g.command("column_create Docs body COLUMN_SCALAR LongText")
    for f in FACETS:
        g.command(f"column_create Docs {f} COLUMN_SCALAR {f.capitalize()}s")
    g.command("table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram "
              "--normalizer NormalizerNFKC150")
    batch, n = [], 0
    for doc_id, title, body, facets in read_docs(corpus):
        batch.append(dict({"_key": doc_id, "title": title, "body": body}, **facets))
        n += 1
        if len(batch) == 2000:
            g.load("Docs", batch)
            batch = []
    if batch:
        g.load("Docs", batch)
    # Index columns after loading (offline indexing, the fast path).
    g.command("column_create Terms docs_title COLUMN_INDEX|WITH_POSITION Docs title")
    g.command("column_create Terms docs_body COLUMN_INDEX|WITH_POSITION Docs body")
    g.close()
    seconds = time.perf_counter() - t0
    result = {"index_seconds": seconds, "documents": n, "index_bytes": dir_bytes(d), "latency": {}, "hits": {}}

    g = Groonga(d / "db", create=False)
    drill = " ".join(f"--drilldowns[{f}].keys {f} --drilldowns[{f}].limit 20" for f in FACETS)
    for name, qs in queries.items():
        commands = []
        for q in qs:
            if name == "questions":
                # As in PEERS.md: the question's bigram tokens, ORed.
                toks = json.loads(g.command(f"tokenize TokenBigram {groonga_quote(q)} NormalizerNFKC150"))[1]
                terms = sorted({t["value"] for t in toks if t["value"].strip()})
                gq = " OR ".join(groonga_quote(t) for t in terms) or groonga_quote(q)
            else:
                gq = " ".join(groonga_quote(w) for w in q.split())
            commands.append(f"select Docs --match_columns 'title * 2 || body' --query {groonga_quote(gq)} "
                            f"--output_columns _key,_score --sort_keys -_score --limit 10 {drill}")
        for c in commands[:50]:
            g.command(c)  # warm-up
        times, found = [], 0
        for c in commands:
            t = time.perf_counter()
            out = g.command(c)
            times.append((time.perf_counter() - t) * 1000)
            try:
                found += json.loads(out)[1][0][0][0] > 0
            except (ValueError, IndexError, TypeError):
                pass
        result["latency"][name] = {"p50": percentile(times, 50), "p99": percentile(times, 99),
                                   "mean": statistics.mean(times), "n": len(times)}
        result["hits"][name] = found / max(1, len(commands))
    g.close()
    return result


# ---- SQLite FTS5 (trigram) --------------------------------------------------------------------

def run_fts5(corpus, work, queries):
    path = work / "fts5.sqlite"
    if path.exists():
        path.unlink()
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, industry UNINDEXED, "
                "region UNINDEXED, doc_type UNINDEXED, tokenize='trigram')")
    n = 0
    with con:
        for doc_id, title, body, f in read_docs(corpus):
            con.execute("INSERT INTO docs VALUES (?,?,?,?,?,?)",
                        (doc_id, unicodedata.normalize("NFKC", title), unicodedata.normalize("NFKC", body),
                         f["industry"], f["region"], f["doc_type"]))
            n += 1
    con.execute("INSERT INTO docs(docs) VALUES('optimize')")
    con.commit()
    seconds = time.perf_counter() - t0
    result = {"index_seconds": seconds, "documents": n, "index_bytes": path.stat().st_size, "latency": {}, "hits": {}}
    for name, qs in queries.items():
        times, found = [], 0
        for q in qs:
            q = unicodedata.normalize("NFKC", q)
            if name == "questions":
                grams = {q[i:i + 3] for i in range(len(q) - 2) if q[i:i + 3].strip() and not re.fullmatch(r"\W+", q[i:i + 3])}
                match = " OR ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))
            else:
                words = [w for w in q.split() if len(w) >= 3]  # trigram cannot match shorter words
                match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
            t = time.perf_counter()
            if match:
                rows = con.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (match,)).fetchall()
                for f in FACETS:
                    con.execute(f"SELECT {f}, count(*) FROM docs WHERE docs MATCH ? GROUP BY {f}", (match,)).fetchall()
            else:
                rows = []
            times.append((time.perf_counter() - t) * 1000)
            found += bool(rows)
        result["latency"][name] = {"p50": percentile(times, 50), "p99": percentile(times, 99),
                                   "mean": statistics.mean(times), "n": len(times)}
        result["hits"][name] = found / max(1, len(qs))
    con.close()
    return result


# ---- Xapian's own CJK n-gram indexer (indexing only) ------------------------------------------

def run_xapian_ngram(corpus, work):
    try:
        import xapian  # python3-xapian
    except ImportError:  # a python3 other than Debian's (pyenv): use Debian's module
        sys.path.append("/usr/lib/python3/dist-packages")
        import xapian
    path = work / "xapian-ngram"
    shutil.rmtree(path, ignore_errors=True)
    t0 = time.perf_counter()
    db = xapian.WritableDatabase(str(path), xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_flags(2048)  # FLAG_CJK_NGRAM
    n = 0
    for doc_id, title, body, f in read_docs(corpus):
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(unicodedata.normalize("NFKC", title))
        tg.increase_termpos()
        tg.index_text(unicodedata.normalize("NFKC", body))
        for k, v in f.items():
            doc.add_boolean_term("X" + k.upper() + ":" + v)
        doc.add_boolean_term("Q" + doc_id)
        db.add_document(doc)
        n += 1
    db.commit()
    db.close()
    seconds = time.perf_counter() - t0
    return {"index_seconds": seconds, "documents": n, "index_bytes": dir_bytes(path), "latency": {}, "hits": {}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=str(ROOT / "bench" / "work"))
    ap.add_argument("--engines", default="yuimaru,groonga,fts5,xapian-ngram")
    ap.add_argument("--binary", default=str(ROOT / "build" / "yuimaru"))
    ap.add_argument("--out", help="write the figures as JSON here")
    args = ap.parse_args()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus, stats, queries = ensure_corpus(work, args.docs, args.seed)
    md_mb = stats["markdown_mb"]
    results = {}
    for engine in args.engines.split(","):
        log(f"== {engine} on {args.docs} documents")
        if engine == "yuimaru":
            results[engine] = run_yuimaru(corpus, work, queries, args.binary)
        elif engine == "groonga":
            results[engine] = run_groonga(corpus, work, queries)
        elif engine == "fts5":
            results[engine] = run_fts5(corpus, work, queries)
        elif engine == "xapian-ngram":
            results[engine] = run_xapian_ngram(corpus, work)
        log(json.dumps(results[engine], ensure_ascii=False))
    print(f"\n{args.docs} documents, {md_mb} MB of Markdown ({stats['text_mb']} MB of text), "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| engine | index s | docs/s | MB/s | index MB | questions p50 / p99 ms | short p50 / p99 ms | short with hits |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for engine, r in results.items():
        lat = r["latency"]
        q = lat.get("questions")
        s = lat.get("short")
        print(f"| {engine} | {r['index_seconds']:.1f} | {r['documents'] / r['index_seconds']:.0f} | "
              f"{md_mb / r['index_seconds']:.2f} | {r['index_bytes'] / 1e6:.0f} | "
              + (f"{q['p50']:.2f} / {q['p99']:.2f}" if q else "–") + " | "
              + (f"{s['p50']:.2f} / {s['p99']:.2f}" if s else "–") + " | "
              + (f"{r['hits'].get('short', 0):.0%}" if s else "–") + " |")
    if args.out:
        Path(args.out).write_text(json.dumps({"docs": args.docs, "corpus": stats, "results": results},
                                             ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
