#!/usr/bin/env bash
# Crash trials (issue 9): SIGKILL yuimaru at random moments of first builds, incremental runs
# and purges, then check what a reader would find and that the next run completes.
#
#   scripts/crash_trials.sh [--docs N] [--seed S] [--bundled COPIES] [--yuimaru BIN] [--keep] TRIALS
#
# Trial i is a first build, an incremental run or a purge (i mod 3), killed after a random
# delay between 0 and the time of an unkilled run of that kind on this machine (measured here,
# so the kills spread over the whole run on a fast or a slow machine; a kill that lands after
# the end is a trial too). After each kill:
#   - xapian-check is clean on every shard of the generation CURRENT points to;
#   - the index serves exactly the last completed state or the new one, nothing in between:
#     its manifest (path, content hash, doc_id of every file), the ids that a search at 機密
#     returns and the document count all equal those of the previous completed run, or all equal
#     those of a clean full build of the new input (or there is no index, if there was none);
#   - the next run (index again; purge again, `purge --resume` or index for a purge) exits 0,
#     leaves no .tmp generation and no purge journal, and ends with the state of a clean full
#     build of the same input, xapian-check clean again.
# Nothing here is about how fast anything runs: the delays only choose where the kill lands.
#
# The corpus: --docs N generated documents (../shared/tools/make_corpus.py, default 2000), or
# with --bundled COPIES the repository's corpus/ copied COPIES times with new doc_ids (no
# outside data; what ctest runs). Needs python3 and xapian-check (scripts/setup.sh installs
# them) and a built yuimaru (default build/yuimaru). Prints one line per trial and exits 1 if any
# check failed; the work directory is kept then (and with --keep).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
docs=2000
seed=1
bundled=0
yuimaru="$repo/build/yuimaru"
keep=0
trials=""
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --bundled) bundled=$2; shift 2 ;;
    --yuimaru) yuimaru=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "crash_trials.sh: unknown option $1" >&2; exit 2 ;;
    *) trials=$1; shift ;;
  esac
done
if ! [[ "$trials" =~ ^[0-9]+$ ]] || [ "$trials" -lt 1 ]; then
  echo "usage: scripts/crash_trials.sh [--docs N] [--seed S] [--bundled COPIES] [--yuimaru BIN] [--keep] TRIALS" >&2
  exit 2
fi
if ! command -v python3 >/dev/null || ! command -v xapian-check >/dev/null; then
  bash "$repo/scripts/setup.sh" test
fi
[ -x "$yuimaru" ] || { echo "crash_trials.sh: no yuimaru binary at $yuimaru (build first)" >&2; exit 2; }
make_corpus="$repo/../shared/tools/make_corpus.py"
if [ "$bundled" = 0 ] && [ ! -f "$make_corpus" ]; then
  echo "crash_trials.sh: $make_corpus not found; use --bundled COPIES" >&2
  exit 2
fi

work=$(mktemp -d /tmp/crash-trials.XXXXXX)
failures=0
cleanup() {
  if [ "$keep" = 1 ] || [ "$failures" -gt 0 ]; then
    echo "work directory kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# --- the inputs: C0 (first build), C1 (C0 with files changed, added, deleted), Cp (C0 without
# the purged files) and the ids to purge.
if [ "$bundled" = 0 ]; then
  python3 "$make_corpus" --docs "$docs" --seed "$seed" --queries 1 --out "$work/gen" >/dev/null
  mv "$work/gen/docs" "$work/c0"
else
  python3 - "$repo/corpus" "$work/c0" "$bundled" <<'EOF'
import pathlib, re, sys
src, out, copies = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
for f in sorted(src.rglob("*.md")):
    if f.name == "README.md":
        continue
    text = f.read_text(encoding="utf-8")
    for k in range(copies):
        copy = re.sub(r"^doc_id: (.*)$", lambda m: f"doc_id: {m.group(1)}-k{k}", text, count=1,
                      flags=re.M)
        dest = out / f"k{k}" / f.relative_to(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(copy, encoding="utf-8")
EOF
fi
python3 - "$work" "$seed" <<'EOF'
import pathlib, random, re, shutil, sys
work, seed = pathlib.Path(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
c0 = work / "c0"
shutil.copytree(c0, work / "c1")
shutil.copytree(c0, work / "cp")
files = sorted(p.relative_to(c0) for p in c0.rglob("*.md"))
n = len(files)
changed = rng.sample(files, max(1, n * 3 // 100) + max(1, n * 2 // 100) + max(2, n // 100))
modify = changed[: max(1, n * 3 // 100)]
delete = changed[len(modify): len(modify) + max(1, n * 2 // 100)]
purge = changed[len(modify) + len(delete):][:20]
for k, f in enumerate(modify):
    with open(work / "c1" / f, "a", encoding="utf-8") as out:
        out.write(f"\n追記 {k}: 試行のための変更。\n")
for f in delete:
    (work / "c1" / f).unlink()
for k, f in enumerate(rng.sample(files, max(1, n * 2 // 100))):
    text = (c0 / f).read_text(encoding="utf-8")
    text = re.sub(r"^doc_id: (.*)$", lambda m: f"doc_id: {m.group(1)}-new{k}", text, count=1,
                  flags=re.M)
    dest = work / "c1" / "added" / f"new{k}.md"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
ids = []
for f in purge:
    m = re.search(r"^doc_id: (.*)$", (c0 / f).read_text(encoding="utf-8"), flags=re.M)
    ids.append(m.group(1).strip().strip('"'))
    (work / "cp" / f).unlink()
(work / "purge-ids").write_text("\n".join(ids) + "\n")
print(f"corpus: {n} files; incremental: {len(modify)} changed, {max(1, n * 2 // 100)} added, "
      f"{len(delete)} deleted; purge: {len(ids)} ids")
EOF
mapfile -t purge_ids <"$work/purge-ids"

corpus="$work/corpus"  # manifests key files by path: every run reads the corpus from here
use_corpus() { rm -rf "$corpus"; cp -a "$work/$1" "$corpus"; }

# The state a reader finds: "none" without a generation, else a digest of the manifest's
# (path, hash, doc_id) entries; "inconsistent: …" if the served ids or the count disagree with
# the manifest.
state() {
  local db=$1
  [ -e "$db/CURRENT" ] || { echo none; return; }
  python3 - "$db" "$yuimaru" <<'EOF'
import hashlib, json, pathlib, subprocess, sys
db, yuimaru = pathlib.Path(sys.argv[1]), sys.argv[2]
files = json.loads((db / "CURRENT" / "manifest.json").read_text())["files"]
entries = sorted(json.dumps([k] + v, ensure_ascii=False) for k, v in files.items())
manifest_ids = sorted(v[2] for v in files.values())
served, offset = [], 0
while True:
    r = subprocess.run([yuimaru, "search", "--db", str(db), "--json", "--clearance", "機密",
                        "--limit", "1000", "--offset", str(offset), ""],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("inconsistent: search exit", r.returncode, r.stderr.strip()[:200]); sys.exit()
    hits = json.loads(r.stdout)["hits"]
    served += [h["id"] for h in hits]
    offset += 1000
    if len(hits) < 1000:
        break
stats = subprocess.run([yuimaru, "stats", "--db", str(db), "--json"], capture_output=True,
                       text=True)
count = json.loads(stats.stdout)["documents"] if stats.returncode == 0 else -1
if sorted(served) != manifest_ids or count != len(manifest_ids):
    print(f"inconsistent: manifest {len(manifest_ids)}, served {len(served)}, stats {count}")
else:
    print(hashlib.sha256("\n".join(entries).encode()).hexdigest()[:16])
EOF
}

# xapian-check on every shard of the current generation: "clean", or what failed.
check_shards() {
  local db=$1 out=clean
  [ -e "$db/CURRENT" ] || { echo clean; return; }
  for shard in "$db/CURRENT"/s*; do
    if ! xapian-check "$shard" >"$work/xapian-check.log" 2>&1 ||
       ! grep -q "No errors found" "$work/xapian-check.log"; then
      out="xapian-check failed on $(basename "$shard")"
    fi
  done
  echo "$out"
}

seconds_since() { python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.2f}')" "$1"; }
now() { python3 -c 'import time; print(time.time())'; }

run_ok() {  # run_ok LOG CMD...: runs the command, returns its exit status, output in LOG
  local log=$1; shift
  "$@" >"$log" 2>&1
}

# --- reference runs, unkilled: their states are the complete states, their times bound the
# kill delays.
use_corpus c0
t0=$(now)
run_ok "$work/ref0.log" "$yuimaru" index --db "$work/ref0" "$corpus" || {
  echo "reference build failed:"; cat "$work/ref0.log"; failures=1; exit 1; }
t_first=$(seconds_since "$t0")
s0=$(state "$work/ref0")

use_corpus c1
cp -a "$work/ref0" "$work/probe-incr"
t0=$(now)
run_ok "$work/probe-incr.log" "$yuimaru" index --db "$work/probe-incr" "$corpus" || {
  echo "reference incremental run failed:"; cat "$work/probe-incr.log"; failures=1; exit 1; }
t_incr=$(seconds_since "$t0")
run_ok "$work/ref1.log" "$yuimaru" index --full --db "$work/ref1" "$corpus" || {
  echo "reference build failed:"; cat "$work/ref1.log"; failures=1; exit 1; }
s1=$(state "$work/ref1")
if [ "$(state "$work/probe-incr")" != "$s1" ]; then
  echo "FAIL: an unkilled incremental run differs from a full build of the same input"
  failures=1; exit 1
fi

use_corpus cp
cp -a "$work/ref0" "$work/probe-purge"
t0=$(now)
run_ok "$work/probe-purge.log" "$yuimaru" purge --db "$work/probe-purge" "${purge_ids[@]}" || {
  echo "reference purge failed:"; cat "$work/probe-purge.log"; failures=1; exit 1; }
t_purge=$(seconds_since "$t0")
run_ok "$work/refp.log" "$yuimaru" index --db "$work/refp" "$corpus" || {
  echo "reference build failed:"; cat "$work/refp.log"; failures=1; exit 1; }
sp=$(state "$work/refp")
if [ "$(state "$work/probe-purge")" != "$sp" ]; then
  echo "FAIL: an unkilled purge differs from a full build without the purged files"
  failures=1; exit 1
fi
echo "unkilled runs: first build ${t_first} s, incremental ${t_incr} s, purge ${t_purge} s"
echo

kinds=(first incremental purge)
printf '%-5s  %-11s  %8s  %-8s  %-22s  %s\n' trial kind "kill ms" landed "state found" check
declare -A landed_count
for ((i = 1; i <= trials; i++)); do
  kind=${kinds[$(((i - 1) % 3))]}
  case $kind in
    first) limit=$t_first; corpus_name=c0; before=none; after=$s0 ;;
    incremental) limit=$t_incr; corpus_name=c1; before=$s0; after=$s1 ;;
    purge) limit=$t_purge; corpus_name=cp; before=$s0; after=$sp ;;
  esac
  delay_ms=$(python3 -c "import random,sys; print(int(random.Random(int(sys.argv[1])*100003+int(sys.argv[2])).uniform(0, 1000*float(sys.argv[3]))))" "$seed" "$i" "$limit")
  db="$work/db"
  rm -rf "$db"
  use_corpus "$corpus_name"
  [ "$kind" = first ] || cp -a "$work/ref0" "$db"
  if [ "$kind" = purge ]; then
    "$yuimaru" purge --db "$db" "${purge_ids[@]}" >"$work/killed.log" 2>&1 &
  else
    "$yuimaru" index --db "$db" "$corpus" >"$work/killed.log" 2>&1 &
  fi
  pid=$!
  sleep "$(python3 -c "import sys; print(int(sys.argv[1]) / 1000)" "$delay_ms")"
  landed=killed
  kill -KILL "$pid" 2>/dev/null || landed=finished
  rc=0
  { wait "$pid"; } 2>/dev/null || rc=$?  # quiet: bash would report the kill
  problems=()
  if [ "$landed" = finished ] && [ "$rc" -ne 0 ]; then problems+=("unkilled run exited $rc"); fi
  if [ "$landed" = killed ] && [ "$rc" -ne 137 ]; then landed=finished; fi  # ended before the kill

  found=$(state "$db")
  if [ "$found" = "$before" ]; then
    found_name=$([ "$before" = none ] && echo "none (no index yet)" || echo "previous")
  elif [ "$found" = "$after" ]; then
    found_name=new
  else
    found_name="IN BETWEEN"
    problems+=("state $found is neither the previous nor the new one")
  fi
  pending=""
  [ -e "$db/purge-journal.json" ] && pending=" +journal"
  shard_check=$(check_shards "$db")
  [ "$shard_check" = clean ] || problems+=("after the kill: $shard_check")

  # The next run completes and ends where a clean full build of the same input ends.
  if [ "$kind" = purge ]; then
    if [ "$found_name" = new ] && [ $((i % 2)) = 0 ]; then
      next=(purge --db "$db" --resume)
    elif [ "$found_name" = new ]; then
      next=(index --db "$db" "$corpus")
    else
      next=(purge --db "$db" "${purge_ids[@]}")
    fi
  else
    next=(index --db "$db" "$corpus")
  fi
  next_rc=0
  "$yuimaru" "${next[@]}" >"$work/next.log" 2>&1 || next_rc=$?
  [ "$next_rc" = 0 ] || problems+=("next run (${next[0]}) exited $next_rc: $(head -c 300 "$work/next.log")")
  if [ -n "$pending" ] && [ "$found_name" = new ] &&
     ! grep -q "中断からの完了" "$work/next.log"; then
    problems+=("the next run did not certify the interrupted purge")
  fi
  [ "$(state "$db")" = "$after" ] || problems+=("after the next run: not the state of a full build")
  shard_check=$(check_shards "$db")
  [ "$shard_check" = clean ] || problems+=("after the next run: $shard_check")
  [ ! -e "$db/purge-journal.json" ] || problems+=("purge journal left after the next run")
  if compgen -G "$db/*.tmp" >/dev/null; then problems+=(".tmp generation left after the next run"); fi

  if [ ${#problems[@]} -eq 0 ]; then
    result=clean
  else
    result="FAIL: $(IFS=';'; echo "${problems[*]}")"
    failures=$((failures + 1))
    cp -a "$db" "$work/failed-trial-$i"
    cp "$work/killed.log" "$work/failed-trial-$i.killed.log"
    cp "$work/next.log" "$work/failed-trial-$i.next.log"
  fi
  key="$kind/$landed/$found_name"
  landed_count[$key]=$((${landed_count[$key]:-0} + 1))
  printf '%-5s  %-11s  %8s  %-8s  %-22s  %s\n' "$i" "$kind" "$delay_ms" "$landed" \
    "$found_name$pending" "$result"
done

echo
echo "summary (kind / kill landed / state found: trials):"
while IFS= read -r key; do
  echo "  $key: ${landed_count[$key]}"
done < <(printf '%s\n' "${!landed_count[@]}" | sort)
if [ "$failures" -gt 0 ]; then
  echo "$failures of $trials trials FAILED"
  exit 1
fi
echo "all $trials trials clean"
