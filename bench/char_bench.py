#!/usr/bin/python3
"""One-character queries against two-character ones, on an index bench.py built (issue 13:
a one-character query's p99 within 2× of a two-character query's).

The queries come from the generated short queries (queries_short.txt): of each query's first
word, its first character (the one-character set) and its first two (the two-character set),
so both sets draw on the same words. Each set runs twice through `yuimaru search --batch` (the
first pass warms the caches, the second is measured), top 10 and every facet count, exactly as
bench.py runs the short queries. Prints p50 / p99 / mean and the totals' median per set, the
machine and the commit.

Usage: bench/char_bench.py --work /tmp/bench100k --docs 100000 [--binary build/yuimaru]
       (after bench.py --docs 100000 --work /tmp/bench100k has built <work>/yuimaru-db)
"""
import argparse
import json
import statistics
import subprocess
from pathlib import Path

from bench import ROOT, machine, percentile


def run(binary, db, queries, path):
    path.write_text("\n".join(queries) + "\n", encoding="utf-8")
    cmd = [binary, "search", "--db", str(db), "--limit", "10", "--batch", str(path)]
    subprocess.run(cmd, capture_output=True, text=True, check=True)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()
    answers = [json.loads(line) for line in out if line.startswith('{"query"')]
    if len(answers) != len(queries):
        raise RuntimeError(f"{len(answers)} answers for {len(queries)} queries")
    return answers


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True)
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--binary", default=str(ROOT / "build" / "yuimaru"))
    args = ap.parse_args()
    work = Path(args.work)
    db = work / "yuimaru-db"
    short = (work / f"corpus-{args.docs}" / "queries_short.txt").read_text(encoding="utf-8").splitlines()
    words = [q.split()[0] for q in short if q.split() and len(q.split()[0]) >= 2]
    sets = {"1 character": [w[:1] for w in words], "2 characters": [w[:2] for w in words]}
    # A two-character run ending in ー (カー, キー) is also looked for where the long-vowel fold
    # dropped its ー (ロッカー is indexed as ロッカ): those candidates' texts are read.
    sets["2 characters, not ending in ー"] = [q for q in sets["2 characters"] if not q.endswith("ー")]
    print(f"\n{args.docs} documents, {machine()}\n")
    print("| query | queries | p50 ms | p99 ms | mean ms | median total | relaxed |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    p99 = {}
    for name, queries in sets.items():
        answers = run(args.binary, db, queries, work / f"char-{len(p99) + 1}.txt")
        times = [a["took_ms"] for a in answers]
        p99[name] = percentile(times, 99)
        relaxed = sum(a["interpretation"]["relaxed"] for a in answers)
        print(f"| {name} | {len(queries)} | {percentile(times, 50):.2f} | {p99[name]:.2f} | {statistics.mean(times):.2f} | "
              f"{statistics.median(a['total'] for a in answers):.0f} | {relaxed} |")
    for two in list(sets)[1:]:
        print(f"p99 of one character / p99 of {two}: {p99['1 character'] / p99[two]:.2f}")


if __name__ == "__main__":
    main()
