#!/usr/bin/python3
"""yuimaru against Groonga, SQLite FTS5 and Xapian's own n-gram indexer, on the same generated
corpus, in the same run. Prints a Markdown table and writes the figures as JSON.

Same searchable text: every peer indexes the title and what yuimaru indexes besides it — the
body, the tags and the metadata labels (bench/peer_text.py). The peers' documents are read and
parsed once before any clock starts, so their index times exclude reading the Markdown files;
yuimaru's include it.
Same answers: for each query the total of yuimaru's strict match (every word; `total` when
`interpretation.relaxed` is false, else 0 — the any-word fallback is not counted, and needs no
flag of its own) is compared with the peer's total. The "agree" columns give the share of
queries where they are equal; latencies count only where it is at least 99%. The disagreeing
queries go to <work>/disagreements-<engine>-<set>.tsv.

Corpus: ../shared/tools/make_corpus.py (real Japanese sentences, corpus-format front matter).
For each engine: indexing time (docs/s, MB/s of Markdown), index size, and per-query latency
(p50/p99, warm, one query at a time) for top-10 + facet counts, over two query sets:
  questions  natural-language questions (JSQuAD dev set): OR of the question's terms
  short      1-3 keywords: every keyword must match (AND)
Facets: yuimaru counts all of its 18 facet fields; Groonga and SQLite count 3
(industry, region, doc_type), as the issue's reference figures did.

Before and after in one run: --before PATH[=LABEL] adds a row for another yuimaru binary (an
older commit built elsewhere), indexed and queried on the same corpus in the same run, right
after the current one; its agreement is with Groonga's totals, as the yuimaru row's is.

Usage: bench/bench.py --docs 100000 [--work bench/work] [--engines yuimaru,groonga,fts5,xapian-ngram]
                      [--before /tmp/old/build/yuimaru=ee8a07f]
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
from pathlib import Path

from peer_text import fold_document_like_yuimaru, fold_like_yuimaru, peer_text, split_front_matter

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
    """[(doc_id, title, searchable text besides the title, {industry, region, doc_type})] of every
    generated document; the text is peer_text's (body, tags, metadata labels, company ids), and
    title and text are spelled as yuimaru's normalizer spells them (fold_document_like_yuimaru)."""
    docs = []
    for path in sorted((corpus / "docs").rglob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        body = re.sub(r"<!--.*?-->", "", body)  # the private markers are syntax, not text
        docs.append((str(meta["doc_id"]), fold_document_like_yuimaru(str(meta["title"])),
                     fold_document_like_yuimaru(peer_text(meta, body)), {k: str(meta.get(k, "")) for k in FACETS}))
    return docs


def machine():
    """Cores, CPU model and the commit of this tree, for the header of every printed table."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({model}), commit {commit}{' + local changes' if dirty else ''}"


def agreement(engine, name, queries, theirs, ours, work, ours_name="yuimaru"):
    """Share of queries whose totals are equal; writes the disagreeing ones (query, ours, theirs)
    to work/disagreements-<engine>-<name>.tsv (…-<ours_name>-<engine>-<name>.tsv for an older
    yuimaru) and logs the first 20."""
    diff = [(q, a, b) for q, a, b in zip(queries, ours, theirs) if a != b]
    prefix = "" if ours_name == "yuimaru" else f"{ours_name}-"
    path = work / f"disagreements-{prefix}{engine}-{name}.tsv"
    path.write_text(f"query\t{ours_name}_strict\t" + engine + "\n"
                    + "".join(f"{q}\t{a}\t{b}\n" for q, a, b in diff), encoding="utf-8")
    if diff:
        log(f"{engine} {name}: {len(diff)} of {len(queries)} totals differ from {ours_name}'s strict "
            f"ones ({path}); the first 20 (query, {ours_name} strict, {engine}):")
        for q, a, b in diff[:20]:
            log(f"  {q}\t{a}\t{b}")
    return 1 - len(diff) / max(1, len(queries))


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

def run_yuimaru(corpus, work, queries, binary, db_name="yuimaru-db"):
    db = work / db_name
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
              "index_bytes": stats["index_bytes"], "latency": {}, "hits": {}, "totals": {},
              "relaxed": {}, "estimated": {}, "synonyms": {}}
    for name, qs in queries.items():
        qfile = work / f"yuimaru-{name}.txt"
        # Questions: the default query, exactly as typed. Short keyword queries: as typed too
        # (yuimaru requires every word and falls back to any word itself).
        qfile.write_text("\n".join(qs) + "\n", encoding="utf-8")
        # A warm-up pass, then the measured one (same process: page cache and Xapian caches warm).
        cmd = [binary, "search", "--db", str(db), "--limit", "10", "--batch", str(qfile)]
        subprocess.run(cmd, capture_output=True, text=True)
        lines = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()
        answers = [json.loads(l) for l in lines if l.startswith('{"query"')]
        times = [a["took_ms"] for a in answers]
        totals = [a["total"] for a in answers]
        result["latency"][name] = {"p50": percentile(times, 50), "p99": percentile(times, 99),
                                   "mean": statistics.mean(times), "n": len(times)}
        result["hits"][name] = sum(1 for t in totals if t > 0) / max(1, len(totals))
        # The strict answer: every word matched. A relaxed answer (no document has every word,
        # so any word counts) has no strict documents.
        result["totals"][name] = [0 if a["interpretation"]["relaxed"] else a["total"] for a in answers]
        result["relaxed"][name] = sum(a["interpretation"]["relaxed"] for a in answers) / max(1, len(answers))
        result["estimated"][name] = sum(not a.get("total_exact", True) for a in answers)
        result["synonyms"][name] = sum(bool(a["interpretation"].get("synonyms")) for a in answers)
    return result


# ---- Groonga ----------------------------------------------------------------------------------

def groonga_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def groonga_and(q):
    """Groonga query syntax for "every word of q": each word, spelled as yuimaru normalizes it, a
    quoted phrase (so that OR, -, (, * and the like are text, not operators), joined by spaces,
    which the syntax reads as AND."""
    return " ".join(groonga_quote(w) for w in fold_like_yuimaru(q).split())


# Bigrams over every character class: TokenBigram keeps a run of Latin letters or digits as one
# token, so 19 would not find 1962 nor PC find PCT, where yuimaru (and a substring) does; it also
# splits at 々 (人々). This tokenizer gives substring semantics, as yuimaru's bigrams do.
GROONGA_TOKENIZER = "TokenBigramSplitSymbolAlphaDigit"


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


def run_groonga(docs, work, queries):
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
    g.command(f"table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer {GROONGA_TOKENIZER} "
              "--normalizer NormalizerNFKC150")
    batch, n = [], 0
    for doc_id, title, body, facets in docs:
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
    result = {"index_seconds": seconds, "documents": n, "index_bytes": dir_bytes(d), "latency": {}, "hits": {},
              "totals": {}}

    g = Groonga(d / "db", create=False)
    drill = " ".join(f"--drilldowns[{f}].keys {f} --drilldowns[{f}].limit 20" for f in FACETS)
    for name, qs in queries.items():
        commands = []
        for q in qs:
            if name == "questions":
                # As in PEERS.md: the question's bigram tokens, ORed (with the tokenizer above).
                toks = json.loads(g.command(f"tokenize {GROONGA_TOKENIZER} {groonga_quote(fold_like_yuimaru(q))} "
                                            "NormalizerNFKC150"))[1]
                terms = sorted({t["value"] for t in toks if t["value"].strip()})
                gq = " OR ".join(groonga_quote(t) for t in terms) or groonga_quote(q)
            else:
                gq = groonga_and(q)
            commands.append(f"select Docs --match_columns 'title * 2 || body' --query {groonga_quote(gq)} "
                            f"--output_columns _key,_score --sort_keys -_score --limit 10 {drill}")
        for c in commands[:50]:
            g.command(c)  # warm-up
        times, totals = [], []
        for c in commands:
            t = time.perf_counter()
            out = g.command(c)
            times.append((time.perf_counter() - t) * 1000)
            try:
                totals.append(json.loads(out)[1][0][0][0])
            except (ValueError, IndexError, TypeError):
                totals.append(-1)  # an error answer: never equal to a yuimaru total
        result["latency"][name] = {"p50": percentile(times, 50), "p99": percentile(times, 99),
                                   "mean": statistics.mean(times), "n": len(times)}
        result["hits"][name] = sum(1 for t in totals if t > 0) / max(1, len(commands))
        result["totals"][name] = totals
    g.close()
    return result


# ---- SQLite FTS5 (trigram) --------------------------------------------------------------------

def run_fts5(docs, work, queries):
    path = work / "fts5.sqlite"
    if path.exists():
        path.unlink()
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, industry UNINDEXED, "
                "region UNINDEXED, doc_type UNINDEXED, tokenize='trigram')")
    n = 0
    with con:
        for doc_id, title, body, f in docs:
            con.execute("INSERT INTO docs VALUES (?,?,?,?,?,?)",
                        (doc_id, title, body,
                         f["industry"], f["region"], f["doc_type"]))
            n += 1
    con.execute("INSERT INTO docs(docs) VALUES('optimize')")
    con.commit()
    seconds = time.perf_counter() - t0
    result = {"index_seconds": seconds, "documents": n, "index_bytes": path.stat().st_size, "latency": {}, "hits": {},
              "totals": {}, "expressible": {}}
    for name, qs in queries.items():
        times, found, totals, expressible = [], 0, [], []
        for q in qs:
            q = fold_like_yuimaru(q)
            if name == "questions":
                grams = {q[i:i + 3] for i in range(len(q) - 2) if q[i:i + 3].strip() and not re.fullmatch(r"\W+", q[i:i + 3])}
                match = " OR ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))
            else:
                words = [w for w in q.split() if len(w) >= 3]  # trigram cannot match shorter words
                expressible.append(len(words) == len(q.split()))
                match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
            t = time.perf_counter()
            total = 0
            if match:
                rows = con.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (match,)).fetchall()
                for f in FACETS:
                    counts = con.execute(f"SELECT {f}, count(*) FROM docs WHERE docs MATCH ? GROUP BY {f}",
                                         (match,)).fetchall()
                total = sum(c for _, c in counts)
            else:
                rows = []
            times.append((time.perf_counter() - t) * 1000)
            found += bool(rows)
            totals.append(total)
        result["latency"][name] = {"p50": percentile(times, 50), "p99": percentile(times, 99),
                                   "mean": statistics.mean(times), "n": len(times)}
        result["hits"][name] = found / max(1, len(qs))
        result["totals"][name] = totals
        result["expressible"][name] = expressible
    con.close()
    return result


# ---- Xapian's own CJK n-gram indexer (indexing only) ------------------------------------------

def run_xapian_ngram(docs, work):
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
    for doc_id, title, body, f in docs:
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(title)
        tg.increase_termpos()
        tg.index_text(body)
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
    ap.add_argument("--before", metavar="PATH[=LABEL]",
                    help="also measure this yuimaru binary (an older build), in the same run")
    ap.add_argument("--out", help="write the figures as JSON here")
    args = ap.parse_args()
    before = None
    if args.before:
        path, _, label = args.before.partition("=")
        before = (str(Path(path).resolve()), f"yuimaru {label or 'before'}")
        if not os.access(before[0], os.X_OK):
            ap.error(f"--before: {before[0]} is not an executable")
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus, stats, queries = ensure_corpus(work, args.docs, args.seed)
    engines = args.engines.split(",")
    docs = read_docs(corpus) if set(engines) - {"yuimaru"} else []
    results = {}
    for engine in engines:
        log(f"== {engine} on {args.docs} documents")
        if engine == "yuimaru":
            results[engine] = run_yuimaru(corpus, work, queries, args.binary)
            if before:
                log(f"== {before[1]} ({before[0]}) on {args.docs} documents")
                results[before[1]] = run_yuimaru(corpus, work, queries, before[0], "yuimaru-before-db")
        elif engine == "groonga":
            results[engine] = run_groonga(docs, work, queries)
        elif engine == "fts5":
            results[engine] = run_fts5(docs, work, queries)
        elif engine == "xapian-ngram":
            results[engine] = run_xapian_ngram(docs, work)
        log(json.dumps({k: v for k, v in results[engine].items() if k not in ("totals", "expressible")},
                       ensure_ascii=False))
    agree = compare(results, queries, work)
    print_table(args, stats, results, agree)
    if args.out:
        Path(args.out).write_text(json.dumps({"docs": args.docs, "corpus": stats, "machine": machine(),
                                              "agreement": agree, "results": results},
                                             ensure_ascii=False, indent=1) + "\n")


def compare(results, queries, work):
    """{engine: {set: share of queries whose total equals yuimaru's strict total}}. The yuimaru
    row carries Groonga's figure (the reference peer). FTS5 also gets the share over the short
    queries it can express (every word of 3 characters or more) as "<set>/expressible"."""
    ours = results.get("yuimaru", {}).get("totals", {})
    agree = {}
    for engine, r in results.items():
        if engine.startswith("yuimaru"):
            continue
        for name, theirs in r.get("totals", {}).items():
            if name not in ours:
                continue
            agree.setdefault(engine, {})[name] = agreement(engine, name, queries[name], theirs, ours[name], work)
            mask = r.get("expressible", {}).get(name)
            if mask:
                sub = [(a, b) for a, b, m in zip(ours[name], theirs, mask) if m]
                agree[engine][name + "/expressible"] = (sum(a == b for a, b in sub) / max(1, len(sub)), len(sub))
    if "groonga" in agree:
        agree["yuimaru"] = dict(agree["groonga"])
        # An older yuimaru is held to the same reference: its strict totals against Groonga's.
        for engine, r in results.items():
            if engine.startswith("yuimaru ") and "groonga" in results:
                agree[engine] = {name: agreement("groonga", name, queries[name],
                                                 results["groonga"]["totals"][name], totals, work,
                                                 ours_name=engine.replace(" ", "-"))
                                 for name, totals in r["totals"].items()
                                 if name in results["groonga"].get("totals", {})}
    return agree


def print_table(args, stats, results, agree):
    md_mb = stats["markdown_mb"]
    print(f"\n{args.docs} documents, {md_mb} MB of Markdown ({stats['text_mb']} MB of text), "
          f"{machine()}, {time.strftime('%Y-%m-%d')}\n")
    print("| engine | index s | docs/s | MB/s | index MB | questions p50 / p99 ms | short p50 / p99 ms | "
          "short with hits | short agree |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")

    def latency(engine, name):
        lat = results[engine]["latency"].get(name)
        if not lat:
            return "–"
        figure = f"{lat['p50']:.2f} / {lat['p99']:.2f}"
        share = agree.get(engine, {}).get(name)
        # A latency counts only when the engine gave the same totals: otherwise it did other work.
        return figure if share is not None and share >= 0.99 else f"({figure})"

    for engine, r in results.items():
        share = agree.get(engine, {}).get("short")
        expressible = agree.get(engine, {}).get("short/expressible")
        cell = "–" if share is None else f"{share:.1%}"
        if expressible:
            cell += f" ({expressible[0]:.1%} of the {expressible[1]} it can express)"
        print(f"| {engine} | {r['index_seconds']:.1f} | {r['documents'] / r['index_seconds']:.0f} | "
              f"{md_mb / r['index_seconds']:.2f} | {r['index_bytes'] / 1e6:.0f} | "
              f"{latency(engine, 'questions')} | {latency(engine, 'short')} | "
              + (f"{r['hits']['short']:.0%}" if "short" in r["hits"] else "–") + f" | {cell} |")
    print("\n\"short agree\": the share of short queries whose total equals yuimaru's strict total "
          "(every word; the any-word fallback counted as 0); the yuimaru row gives Groonga's.")
    print("Latencies in parentheses do not count: that engine's totals agree on fewer than 99% of the set. "
          "Questions never count: yuimaru requires every word and falls back to any word, Groonga "
          "and FTS5 OR their n-grams, so the totals answer different questions.")
    y = results.get("yuimaru")
    if y:
        for name in y["relaxed"]:
            print(f"yuimaru {name}: {y['relaxed'][name]:.0%} relaxed to any word, "
                  f"{y['estimated'][name]} estimated totals, {y['synonyms'][name]} with synonyms.")
        if "questions" in agree.get("groonga", {}):
            print(f"Questions: totals equal to Groonga's for {agree['groonga']['questions']:.1%} "
                  "(different queries, see above; not a measure of agreement).")


if __name__ == "__main__":
    main()
