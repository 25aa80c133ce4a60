#!/usr/bin/env bash
# The HTML report in headless Chromium (Debian package `chromium`): every finding is
# highlighted and keyboard-focusable, focus shows the message and suggestion, user
# text such as <script>alert(1)</script> shows literally, nothing is fetched or run.
# usage: report-html-chromium.sh <mtpe> <source-dir>; exit 77 = skipped.
set -u
mtpe=$1; src=$2
command -v chromium >/dev/null || { echo "skipped: chromium is not installed (apt-get install chromium)"; exit 77; }
command -v node >/dev/null || { echo "skipped: node is not installed"; exit 77; }
node --experimental-websocket -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null ||
  { echo "skipped: this node has no WebSocket (need node >= 20)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
mini=(--data-dir "$src/tests/fixtures/report-data" --source-lang none --no-spelling)

printf '%s\n' \
  'The foreign Ministry said that in 1941-1945 the years the city grew. <script>alert(1)</script>' \
  'Attribute breakers: "><img src=x onerror=alert(2)> & &amp; '"'"'single'"'"' </pre></mark>' \
  'Talks with Сhina resumed, and it happens not rarely; I am 100% sure.' > "$tmp/doc.txt"

run() { # name, expected literal, mtpe args...
  local name=$1 literal=$2; shift 2
  "$mtpe" report "$@" -f json "$tmp/doc.txt" > "$tmp/$name.json"; rc=$?
  [ $rc -le 1 ] || { echo "FAIL - mtpe report -f json exit $rc"; fail=1; return; }
  n=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(r.files.reduce((a,f)=>a+f.items.length,0))' "$tmp/$name.json")
  "$mtpe" report "$@" -o "$tmp/$name.html" "$tmp/doc.txt"; rc=$?
  [ $rc -le 1 ] || { echo "FAIL - mtpe report exit $rc"; fail=1; return; }
  echo "# $name: $n findings"
  [ "$n" -gt 0 ] || { echo "FAIL - expected findings in $name"; fail=1; }
  node --experimental-websocket "$src/tests/integration/report_cdp.js" chromium "$tmp/$name.html" "$n" "$literal" "$tmp/doc.txt" || fail=1
}
run mini '<script>alert(1)</script>' "${mini[@]}"
run mini-attr '"><img src=x onerror=alert(2)> & &amp; '"'"'single'"'"' </pre></mark>' "${mini[@]}"
# the shipped rules too, when they load
if "$mtpe" rules list >/dev/null 2>&1; then
  run shipped '<script>alert(1)</script>' --no-spelling
fi
exit $fail
