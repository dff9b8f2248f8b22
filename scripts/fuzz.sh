#!/usr/bin/env bash
# Runs one libFuzzer target of fuzz/ for a while (docs/reliability.md, "Fuzzing").
#   scripts/fuzz.sh list                 the targets
#   scripts/fuzz.sh TARGET SECONDS       build build-fuzz/ with clang (ASan, UBSan, libFuzzer)
#                                        and fuzz TARGET for SECONDS over a scratch copy of
#                                        fuzz/corpus/TARGET (plus fuzz/dict/TARGET.dict if any)
# The regression corpus is never written to: new interesting inputs stay in the scratch copy
# (printed at the end). A crash leaves its input in build-fuzz/crashes/TARGET/ and prints how to
# reproduce and minimize it; add the input to fuzz/corpus/TARGET/ once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=$(sed -nE 's/^set\(YUIMARU_FUZZ_TARGETS (.*)\)$/\1/p' fuzz/CMakeLists.txt)

usage() { echo "usage: scripts/fuzz.sh list | TARGET SECONDS   (targets: $targets)" >&2; exit 2; }
[ $# -ge 1 ] || usage
if [ "$1" = list ]; then
  tr ' ' '\n' <<<"$targets"
  exit 0
fi
[ $# -eq 2 ] || usage
target=$1 seconds=$2
grep -qw -- "$target" <<<"$targets" || { echo "fuzz.sh: unknown target '$target'" >&2; usage; }
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

bash scripts/setup.sh fuzz
dir=${YUIMARU_FUZZ_BUILD_DIR:-build-fuzz}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DYUIMARU_FUZZ=ON -DBUILD_TESTING=OFF "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "fuzz_$target"

binary=$dir/fuzz/fuzz_$target
scratch=$dir/corpus/$target
crashes=$dir/crashes/$target
mkdir -p "$scratch" "$crashes"
cp -n fuzz/corpus/"$target"/* "$scratch"/ 2>/dev/null || true
dict=()
[ -f fuzz/dict/"$target".dict ] && dict=(-dict=fuzz/dict/"$target".dict)

# One job: the machine is shared. -max_len: documents are tens of kilobytes, queries short.
status=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$binary" "$scratch" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$crashes/" 2>&1 |
  tee "$dir/fuzz-$target.log" || status=$?
echo "fuzz.sh: corpus now $(ls "$scratch" | wc -l) inputs in $scratch"
if [ "$status" -ne 0 ]; then
  if ! grep -q 'Test unit written to' "$dir/fuzz-$target.log"; then
    echo "fuzz.sh: $target stopped without a crash input (status $status): see $dir/fuzz-$target.log" >&2
    exit 1
  fi
  sed -nE 's/.*Test unit written to (.*)$/fuzz.sh: crash input: \1/p' "$dir/fuzz-$target.log"
  echo "fuzz.sh: reproduce:  $binary FILE"
  echo "fuzz.sh: minimize:   $binary -minimize_crash=1 -runs=100000 FILE"
  echo "fuzz.sh: after the fix, copy FILE to fuzz/corpus/$target/ (ctest replays it: \"fuzz replay: $target\")"
  exit 1
fi
