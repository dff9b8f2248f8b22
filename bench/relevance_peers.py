#!/usr/bin/python3
"""yuimaru against the retrieval peers of ../shared/tools/jsquad/peers on the bundled corpus.

Every engine sees the same text: the peers' documents are written from corpus/ with the title,
the body, the tags and the front-matter labels yuimaru indexes as text (core/schema.cc fields
with label_text = kIndexed, 離島 for ritou: true, the company ids) — see bench/peer_text.py. Every run
(yuimaru's `eval --run` included) is scored here by one function with graded judgments, the
formula of search/eval.cc: nDCG@10 with gain 2^grade - 1, MRR@10, R@10, R@100.

Usage: bench/relevance_peers.py [--yuimaru build/yuimaru] [--sets queries,queries-users]
                                [--work DIR] [--jsquad]
Prints one Markdown table per query set (and the JSQuAD dev figures of yuimaru with --jsquad).
Needs scripts/setup.sh bench (Groonga, MeCab, python3-xapian, python3-icu, sqlite3).
"""
import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from peer_text import peer_text, split_front_matter

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PEERS = SHARED / "tools" / "jsquad" / "peers"

# (label, script, variant): the rows of issue 17's table, and FTS5 as a further row.
PEER_ROWS = [
    ("Xapian + MeCab, kuromoji-style BM25", "xapian_mecab.py", "kuromoji"),
    ("Xapian + ICU words BM25", "xapian_icu.py", "words"),
    ("Xapian bigram OR BM25", "xapian_ngram.py", "or"),
    ("Groonga bigram OR", "groonga.py", "bigram-tfidf"),
    ("SQLite FTS5 trigram", "sqlite_fts5.py", "nfkc"),
]

def write_peer_folder(corpus, out, queries, qrels):
    docs = out / "docs"
    docs.mkdir(parents=True)
    n = 0
    for path in sorted(corpus.rglob("*.md")):
        if path.name.startswith("README"):
            continue
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        if "doc_id" not in meta:
            continue
        doc_id, title = str(meta["doc_id"]), str(meta.get("title", ""))
        (docs / f"{doc_id}.md").write_text(
            f"---\ndoc_id: {json.dumps(doc_id, ensure_ascii=False)}\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n---\n"
            + peer_text(meta, body), encoding="utf-8")
        n += 1
    shutil.copy(queries, out / "queries.tsv")
    shutil.copy(qrels, out / "qrels.tsv")
    return n


def read_qrels(path):
    judged = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        grade = int(cols[2]) if len(cols) > 2 else 1
        if grade > 0:
            q = judged.setdefault(cols[0], {})
            q[cols[1]] = max(q.get(cols[1], 0), grade)
    return judged


def read_run(path):
    rows = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line:
            continue
        cols = line.split("\t")
        rows.setdefault(cols[0], []).append((int(cols[2]), cols[1]))
    run = {}
    for qid, hits in rows.items():
        seen, ordered = set(), []
        for _, d in sorted(hits):
            if d not in seen:
                seen.add(d)
                ordered.append(d)
        run[qid] = ordered[:100]
    return run


def score(judged, run):
    """Means over the judged queries, as search/eval.cc computes them."""
    m = {"mrr": 0.0, "ndcg": 0.0, "r10": 0.0, "r100": 0.0}
    per_query = {}
    for qid, rel in judged.items():
        hits = run.get(qid, [])
        rr = dcg = 0.0
        for r, d in enumerate(hits[:10]):
            if d in rel:
                rr = rr or 1.0 / (r + 1)
                dcg += (2 ** rel[d] - 1) / math.log2(r + 2)
        ideal = sorted(rel.values(), reverse=True)[:10]
        idcg = sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
        nd = dcg / idcg if idcg else 0.0
        m["mrr"] += rr
        m["ndcg"] += nd
        m["r10"] += sum(1 for d in hits[:10] if d in rel) / len(rel)
        m["r100"] += sum(1 for d in hits[:100] if d in rel) / len(rel)
        per_query[qid] = nd
    n = len(judged)
    return {k: v / n for k, v in m.items()}, per_query


def run_peer(script, variant, folder, work):
    run = work / f"{script}-{variant}.run"
    subprocess.run(["/usr/bin/python3", str(PEERS / script), str(folder), "--variant", variant,
                    "--run", str(run), "--work", str(work / f"idx-{script}-{variant}")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return run


def run_yuimaru(binary, db, queries, qrels, work, name, extra=()):
    run = work / f"yuimaru-{name}.run"
    subprocess.run([str(binary), "eval", "--db", str(db), "--queries", str(queries), "--qrels",
                    str(qrels), "--run", str(run), *extra], check=True,
                   stdout=subprocess.DEVNULL)
    return run


def commit():
    r = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--yuimaru", default=str(ROOT / "build" / "yuimaru"))
    ap.add_argument("--sets", default="queries,queries-users")
    ap.add_argument("--work", help="work folder (default: a new temporary one, removed)")
    ap.add_argument("--jsquad", action="store_true", help="also yuimaru on the JSQuAD dev set")
    ap.add_argument("--per-query", help="write per-query nDCG@10 of every engine as TSV here")
    args = ap.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="relevance-peers-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        db = work / "yuimaru-db"
        if db.exists():
            shutil.rmtree(db)
        subprocess.run([args.yuimaru, "index", "--db", str(db), str(ROOT / "corpus")],
                       check=True, stdout=subprocess.DEVNULL)
        per_query_rows = []
        for name in args.sets.split(","):
            queries = ROOT / "corpus" / f"{name}.tsv"
            qrels = ROOT / "corpus" / f"{name.replace('queries', 'qrels')}.tsv"
            judged = read_qrels(qrels)
            folder = work / f"peer-{name}"
            if folder.exists():
                shutil.rmtree(folder)
            ndocs = write_peer_folder(ROOT / "corpus", folder, queries, qrels)
            rows = [(f"yuimaru ({commit()})",
                     run_yuimaru(args.yuimaru, db, queries, qrels, work, name))]
            for label, script, variant in PEER_ROWS:
                rows.append((label, run_peer(script, variant, folder, work)))
            print(f"\n### corpus/{name}.tsv ({len(judged)} queries, {ndocs} documents)\n")
            print("| engine | nDCG@10 | MRR@10 | R@10 | R@100 |")
            print("|---|---:|---:|---:|---:|")
            best_peer = 0.0
            for i, (label, run) in enumerate(rows):
                m, pq = score(judged, read_run(run))
                if i > 0:
                    best_peer = max(best_peer, m["ndcg"])
                print(f"| {label} | {m['ndcg']:.3f} | {m['mrr']:.3f} | {m['r10']:.3f} | "
                      f"{m['r100']:.3f} |")
                for qid, v in pq.items():
                    per_query_rows.append(f"{name}\t{label}\t{qid}\t{v:.4f}")
            m, _ = score(judged, read_run(rows[0][1]))
            print(f"\nyuimaru − best peer, nDCG@10: {m['ndcg'] - best_peer:+.3f}")
        if args.per_query:
            Path(args.per_query).write_text("\n".join(per_query_rows) + "\n", encoding="utf-8")
        if args.jsquad:
            j = SHARED / "data" / "jsquad-valid"
            jdb = work / "yuimaru-jsquad"
            if jdb.exists():
                shutil.rmtree(jdb)
            subprocess.run([args.yuimaru, "index", "--db", str(jdb), str(j / "docs")], check=True,
                           stdout=subprocess.DEVNULL)
            out = subprocess.run([args.yuimaru, "eval", "--db", str(jdb), "--queries",
                                  str(j / "queries.tsv"), "--qrels", str(j / "qrels.tsv"),
                                  "--json"], check=True, capture_output=True, text=True).stdout
            mj = json.loads(out)
            print(f"\nJSQuAD dev (yuimaru): MRR@10 {mj['mrr@10']:.4f}, R@100 "
                  f"{mj['recall@100']:.4f} (hold: ≥ 0.951, ≥ 0.992)")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
