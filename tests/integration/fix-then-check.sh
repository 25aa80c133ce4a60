#!/usr/bin/env bash
# `mtpe fix` then `mtpe check`: no finding that a safe fix addresses remains; the
# fixed file is exactly the original with the safe replacements spliced in (BOM, CRLF,
# missing final newline and every other byte kept); the mode is kept and the write is
# a rename; --diff writes nothing and its patch gives the same file; a file without a
# safe fix is not touched. Then the same on the annotated articles and a sample of the
# shared corpus with the shipped rules.
# usage: fix-then-check.sh <mtpe> <source-dir>
set -u
mtpe=$1; src=$2
command -v python3 >/dev/null || { echo "skipped: python3 is needed to read the JSON"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "FAIL $n - $*"; fail=1; }
mini=(--data-dir "$src/tests/fixtures/report-data" --source-lang none --no-spelling)

# remaining-safe FILE ARGS...: prints the findings of FILE that a safe fix addresses
cat > "$tmp/remaining.py" <<'PY'
import json, sys
sarif = json.load(open(sys.argv[1]))
run = sarif["runs"][0]
safe = {r["id"] for r in run["tool"]["driver"]["rules"] if r.get("properties", {}).get("safeFix")}
for res in run["results"]:
    if res["ruleId"] in safe and res.get("fixes"):
        loc = res["locations"][0]["physicalLocation"]
        print("%s:%d: %s %s" % (loc["artifactLocation"]["uri"], loc["region"]["startLine"], res["ruleId"],
                                loc["region"]["snippet"]["text"]))
PY
# splice.py ORIGINAL SARIF: the original bytes with the first fix of each safe finding
# applied (in order, skipping overlaps) - what one round of `mtpe fix` must write
cat > "$tmp/splice.py" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
run = json.load(open(sys.argv[2]))["runs"][0]
safe = {r["id"] for r in run["tool"]["driver"]["rules"] if r.get("properties", {}).get("safeFix")}
edits = []
for res in run["results"]:
    if res["ruleId"] in safe and res.get("fixes"):
        rep = res["fixes"][0]["artifactChanges"][0]["replacements"][0]
        edits.append((rep["deletedRegion"]["byteOffset"], rep["deletedRegion"]["byteLength"],
                      rep["insertedContent"]["text"].encode()))
edits.sort(key=lambda e: (e[0], e[1]))
out, pos = b"", 0
for off, ln, ins in edits:
    if off < pos:
        continue
    out += data[pos:off] + ins
    pos = off + ln
sys.stdout.buffer.write(out + data[pos:])
PY

# 1. the mini rules on a file with a BOM, CRLF, a lone LF, tabs, no final newline
doc="$tmp/doc.txt"
printf '\xef\xbb\xbfThe foreign Ministry said that in 1941-1945 the years\tthe city grew.\r\nTalks with \xd0\xa1hina resumed, it happens not rarely.\nM\xd0\xbescow and Kyiv, 100%% sure: the foreign Ministry again.\r\nNo final newline' > "$doc"
chmod 640 "$doc"
cp "$doc" "$tmp/orig.txt"
"$mtpe" check "${mini[@]}" -f sarif "$doc" > "$tmp/before.sarif"
python3 "$tmp/splice.py" "$doc" "$tmp/before.sarif" > "$tmp/expected.txt"
cmp -s "$tmp/expected.txt" "$doc" && bad "the test document has safe findings"
# --diff: nothing written, and the patch gives the fixed file
sum_before=$(sha256sum < "$doc")
"$mtpe" fix "${mini[@]}" --diff "$doc" > "$tmp/fix.diff"; rc=$?
[ "$(sha256sum < "$doc")" = "$sum_before" ] && [ $rc -le 1 ] && ok "fix --diff writes nothing (exit $rc)" || bad "fix --diff changed the file or failed ($rc)"
grep -q '^+.*The Foreign Ministry said' "$tmp/fix.diff" && ok "fix --diff shows the fix" || bad "fix --diff output: $(cat "$tmp/fix.diff")"
: > "$tmp/fix.err"; ino_before=$(stat -c %i "$doc"); files_before=$(ls -A "$tmp")
"$mtpe" fix "${mini[@]}" "$doc" 2> "$tmp/fix.err"; rc=$?
[ $rc -le 1 ] && ok "fix ran (exit $rc): $(cat "$tmp/fix.err")" || bad "fix failed: rc=$rc $(cat "$tmp/fix.err")"
cmp -s "$tmp/expected.txt" "$doc" && ok "fixed file = original with the safe replacements spliced in (BOM, CRLF, tabs, no final newline kept)" ||
  { bad "fixed bytes differ from the splice"; diff <(od -c "$tmp/expected.txt") <(od -c "$doc") | head; }
[ "$(stat -c %a "$doc")" = 640 ] && ok "mode 640 kept" || bad "mode changed to $(stat -c %a "$doc")"
[ "$(stat -c %i "$doc")" != "$ino_before" ] && ok "written by rename (new inode)" || bad "file rewritten in place"
[ "$(ls -A "$tmp")" = "$files_before" ] && ok "no temporary file left" || bad "files left behind: $(ls -A "$tmp")"
cp "$tmp/orig.txt" "$tmp/patched.txt"
(cd "$tmp" && sed "s#^--- .*#--- patched.txt#; s#^+++ .*#+++ patched.txt#" fix.diff | patch -s -p0) &&
  cmp -s "$tmp/patched.txt" "$doc" && ok "the --diff patch gives the same bytes as fix" || bad "patch of --diff differs from fix"
"$mtpe" check "${mini[@]}" -f sarif "$doc" > "$tmp/after.sarif"
left=$(python3 "$tmp/remaining.py" "$tmp/after.sarif") || left="(unreadable SARIF)"
[ -z "$left" ] && ok "check after fix: no finding a safe fix addresses" || bad "left after fix: $left"
grep -q 'not rarely' "$doc" && ok "unsafe fixes are not applied" || bad "an unsafe fix was applied"
# a second fix changes nothing and does not touch the file
ino=$(stat -c %i "$doc"); mt=$(stat -c %Y.%y "$doc")
"$mtpe" fix "${mini[@]}" "$doc" 2>/dev/null
[ "$(stat -c %i "$doc")" = "$ino" ] && [ "$(stat -c %Y.%y "$doc")" = "$mt" ] && ok "nothing to fix: file untouched" || bad "file rewritten with nothing to fix"
# --only
cp "$tmp/orig.txt" "$tmp/only.txt"
"$mtpe" fix "${mini[@]}" --only MINI_MIXED_SCRIPT "$tmp/only.txt" 2>/dev/null
grep -q 'foreign Ministry' "$tmp/only.txt" && ! grep -q $'\xd0\xa1hina' "$tmp/only.txt" && ok "--only applies only the named rule" || bad "--only"
"$mtpe" fix "${mini[@]}" --only NO_SUCH_RULE "$tmp/only.txt" 2>/dev/null; rc=$?
[ $rc = 2 ] && ok "--only with an unknown rule is a usage error" || bad "--only unknown rule: rc=$rc"
"$mtpe" fix "${mini[@]}" "$tmp/missing.txt" 2>/dev/null; rc=$?
[ $rc = 3 ] && ok "a missing file is exit 3" || bad "missing file: rc=$rc"

# 2. the shipped rules: annotated articles (markup stripped) and a corpus sample
if "$mtpe" rules list >/dev/null 2>&1; then
  mkdir -p "$tmp/real"
  for f in "$src"/tests/annotated/*.txt; do
    [ -f "$f" ] || continue
    # [[text]]{tag} -> text
    sed -E 's/\[\[([^]]*)\]\]\{[^}]*\}/\1/g' "$f" > "$tmp/real/$(basename "$f")"
  done
  corpus="$src/../shared/corpus/wmt-ru-en"
  for f in "$corpus"/sys-*.en.txt; do
    [ -f "$f" ] || continue
    head -n 150 "$f" > "$tmp/real/$(basename "$f")"
  done
  if ls "$tmp"/real/*.txt >/dev/null 2>&1; then
    "$mtpe" fix --no-spelling "$tmp"/real/*.txt 2> "$tmp/real.err"; rc=$?
    [ $rc -le 1 ] || bad "fix on real text: rc=$rc $(head -3 "$tmp/real.err")"
    "$mtpe" check --no-spelling -f sarif "$tmp"/real/*.txt > "$tmp/real.sarif"; rc=$?
    [ $rc -le 1 ] || bad "check on real text: rc=$rc"
    left=$(python3 "$tmp/remaining.py" "$tmp/real.sarif") || left="(unreadable SARIF)"
    [ -z "$left" ] && ok "shipped rules on $(ls "$tmp"/real/*.txt | wc -l) files ($(grep -c applied "$tmp/real.err") fixed): no safe-fix finding remains" ||
      bad "safe-fix findings left on real text: $left"
  fi
fi
echo "1..$n"
exit $fail
