#!/usr/bin/env bash
# Installs, from Debian 12 packages, whatever yuimaru needs and the machine lacks. Idempotent:
# nothing is downloaded when everything is present. Run as root, or as a user with sudo.
#   scripts/setup.sh build      compilers and libraries
#   scripts/setup.sh export     + the outside tools of `yuimaru export` (pandoc: Word; chromium: PDF)
#   scripts/setup.sh test       + what the tests use (formatting check)
#   scripts/setup.sh bench      + the peers of the benchmarks (Groonga, SQLite, MeCab, wrk, …)
#   scripts/setup.sh fuzz       + clang and libFuzzer with its sanitizers (scripts/fuzz.sh)
#   scripts/setup.sh load       + what scripts/load_trial.sh runs on (python3)
set -euo pipefail

build=(cmake g++ make pkg-config libxapian-dev xapian-tools libicu-dev libcmark-dev libyaml-cpp-dev
       nlohmann-json3-dev libssl-dev libcpp-httplib-dev libsodium-dev zlib1g-dev catch2
       libxlsxwriter-dev)
# Browser tests: Debian's chromium (no browser download), a Japanese font (else every character is
# a box in the screenshots), node + npm for playwright-core.
# `yuimaru export`: pandoc (Markdown → .docx), chromium (HTML → PDF with a text layer), Japanese
# fonts for both.
export_tools=(pandoc chromium fonts-ipafont-gothic fonts-ipafont-mincho)
# The export's tests read its outputs back: pdftotext, python3-docx, python3-openpyxl. The
# regions' protected link (docs/regions.md) is tested with stunnel4 and certificates from openssl.
test=(clang-format python3 openssl chromium fonts-ipafont-gothic nodejs npm "${export_tools[@]}"
      poppler-utils python3-docx python3-openpyxl stunnel4)
bench=(groonga-bin groonga-tokenizer-mecab mecab-ipadic-utf8 python3-mecab python3-xapian python3-icu
       sqlite3 wrk hyperfine time)
fuzz=(clang-14 libclang-rt-14-dev)
load=(python3)

wanted=()
for group in "${@:-build}"; do
  case "$group" in
    build) wanted+=("${build[@]}") ;;
    export) wanted+=("${build[@]}" "${export_tools[@]}") ;;
    test) wanted+=("${build[@]}" "${test[@]}") ;;
    bench) wanted+=("${build[@]}" "${bench[@]}") ;;
    fuzz) wanted+=("${build[@]}" "${fuzz[@]}") ;;
    load) wanted+=("${build[@]}" "${load[@]}") ;;
    *) echo "setup.sh: unknown group '$group' (build, export, test, bench, fuzz, load)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  # A node (and npm) from elsewhere, e.g. NodeSource's nodejs package that bundles npm, will do.
  if [ "$pkg" = npm ] && command -v npm >/dev/null; then continue; fi
  if [ "$pkg" = nodejs ] && command -v node >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup.sh: installing ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
