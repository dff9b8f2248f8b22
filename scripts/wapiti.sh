#!/usr/bin/env bash
# Scans a running yuimaru with Debian's wapiti (IPA「安全なウェブサイトの作り方」checks that a
# scanner can make: XSS, stored XSS, path traversal, command/SQL injection, CRLF/header injection,
# open redirect, CSRF, security headers, cookie flags, CSP, HTTP methods). Signed in as a 機密
# handler so every page is in scope; hostile documents (tests/data/hostile) are indexed too.
# Modules that call out to the internet (ssrf, xxe) are left out: the server has no way out.
# Report: var/wapiti/report.json and a summary on stdout (docs/security.md records the last one).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
if ! command -v wapiti >/dev/null; then
  ${SUDO:-$( [ "$(id -u)" -eq 0 ] || echo sudo )} apt-get install -y --no-install-recommends wapiti
fi
bash scripts/build.sh
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
./build/yuimaru index --db "$work/db" corpus tests/data/hostile >/dev/null || [ $? -eq 3 ]
password=$(./build/yuimaru user add --db "$work/db" --clearance 機密 --generate-password scanner | awk '{print $NF}')
port=${YUIMARU_PORT:-18443}
# --allow-anonymous: Debian's wapiti 3.0.4 cannot exclude URLs under Python 3.11 (-x crashes in
# wildcard_translate), so its crawler may post the logout form; the scan then goes on as an
# anonymous 公開 reader instead of stopping at the login page.
./build/yuimaru serve --db "$work/db" --port "$port" --allow-anonymous > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/login" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"
jar="$work/jar"
token=$(curl -s -c "$jar" "$base/login" | grep -o 'name="csrf" value="[0-9a-f.]*"' | cut -d'"' -f4)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode id=scanner \
     --data-urlencode "password=$password" --data-urlencode "csrf=$token" "$base/login"
session=$(awk '$6 == "yuimaru_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "wapiti.sh: login failed" >&2; exit 1; }
mkdir -p var/wapiti
# Wapiti 3.0.4's crawler stops after the first page here (it finds the links, see Page.links, but
# does not follow them), so the start list is every link of a few pages: facet filters, sort and
# page links, documents (hostile ones included), the API and the login form.
seeds=()
for page in "/" "/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99" "/search?q=script" "/dashboard"; do
  while read -r link; do seeds+=(-s "$base$link"); done < <(
    curl -s -b "yuimaru_session=$session" "$base$page" | grep -o 'href="/[^"]*"' | cut -d'"' -f2 |
      sed 's/&amp;/\&/g' | grep -v '^/static/' | sort -u | head -40)
done
seeds+=(-s "$base/api/search?q=DX&industry=%E8%A3%BD%E9%80%A0%E6%A5%AD" -s "$base/api/facets?q=DX"
        -s "$base/api/doc/CS-2024-001" -s "$base/api/related/CS-2024-001" -s "$base/login")
echo "wapiti: ${#seeds[@]} start arguments"
wapiti -u "$base/" --scope folder -H "Cookie: yuimaru_session=$session" "${seeds[@]}" \
       -m "xss,permanentxss,file,exec,sql,timesql,crlf,redirect,csrf,http_headers,cookieflags,csp,methods,htaccess,backup" \
       -d 3 --max-scan-time "${WAPITI_MAX_SECONDS:-900}" --flush-session \
       -f json -o var/wapiti/report.json -v 1 | tee var/wapiti/console.log | tail -40
python3 - <<'PY'
import json
r = json.load(open("var/wapiti/report.json"))
print("\n== wapiti summary ==")
for kind, items in r.get("vulnerabilities", {}).items():
    if items:
        print(f"vulnerability  {kind}: {len(items)}")
        for i in items[:5]: print("    ", i.get("method"), i.get("path"), "|", i.get("info", "")[:160])
for kind, items in r.get("anomalies", {}).items():
    if items:
        print(f"anomaly        {kind}: {len(items)}")
        for i in items[:5]: print("    ", i.get("method"), i.get("path"), "|", i.get("info", "")[:160])
for kind, items in r.get("additionals", {}).items():
    if items:
        print(f"additional     {kind}: {len(items)}")
        for i in items[:5]: print("    ", i.get("path"), "|", i.get("info", "")[:160])
print("crawled:", r.get("infos", {}).get("crawled_pages_nbr", "?"), "pages")
PY
grep -c '"status": 500\|HTTP/1.1" 500' "$work/serve.log" 2>/dev/null || true
