#!/usr/bin/env bash
# .mtpe.yaml: discovery (nearest wins, --config replaces it, stdin uses the current
# folder), precedence (the command line beats the file), every key, and every error
# (exit 3 with file:line:col). Uses the stable rule set in tests/fixtures/report-data.
# usage: config.sh <mtpe> <source-dir>
set -u
mtpe=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "FAIL $n - $*"; fail=1; }

# a private data dir: the mini rules plus a rule pack for source language "xx"
cp -r "$src/tests/fixtures/report-data" "$tmp/data"
mkdir -p "$tmp/data/rules/xx-en"
cat > "$tmp/data/rules/xx-en/pack.yaml" <<'Y'
# A pack enabled by source-lang xx
- id: XX_PACK_RULE
  category: style
  severity: warning
  message: "a rule from the xx pack"
  pattern: '\bpackword\b'
  examples:
    - bad: "a packword here"
    - good: "nothing here"
Y
base=(--data-dir "$tmp/data" --no-spelling)
text='The foreign Ministry said it happens not rarely; I am 100% sure. A packword too.'

# run DIR ARGS... : check in DIR, github format; sets out, err, rc
run() { local d=$1; shift; (cd "$d" && "$mtpe" "$@" > "$tmp/out" 2> "$tmp/err"); rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }
has() { grep -q "title=$1::" <<< "$out"; }
sev_of() { grep "title=$1::" <<< "$out" | head -n 1 | sed 's/^::\([a-z]*\) .*/\1/'; }

mkdir -p "$tmp/p/sub/deep" "$tmp/p/vendor/x" "$tmp/p/gen/a/b" "$tmp/noconf"
for f in p/top.txt p/sub/s.txt p/sub/deep/d.txt p/vendor/x/v.txt p/gen/a/b/g.txt p/notes.draft.txt noconf/n.txt; do
  printf '%s\n' "$text" > "$tmp/$f"
done
# keep discovery inside $tmp: nothing above it may have a .mtpe.yaml for these tests
[ -e /tmp/.mtpe.yaml ] || [ -e /.mtpe.yaml ] && { echo "skipped: a .mtpe.yaml above $tmp"; exit 77; }

### discovery
cat > "$tmp/p/.mtpe.yaml" <<'Y'
source-lang: none
disable: [MINI_NOT_ONLY]
Y
printf 'source-lang: none\nseverity: { MINI_PERCENT: error }\n' > "$tmp/p/sub/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github top.txt sub/s.txt sub/deep/d.txt
if ! grep "file=top.txt" <<< "$out" | grep -q MINI_NOT_ONLY && grep "file=sub/s.txt" <<< "$out" | grep -q "title=MINI_NOT_ONLY" &&
   grep "file=sub/deep/d.txt" <<< "$out" | grep -q "::error.*title=MINI_PERCENT"; then
  ok "discovery: the nearest .mtpe.yaml applies, found by walking up; no merging with the one above"
else bad "discovery: nearest wins ($out)"; fi
run "$tmp/noconf" check "${base[@]}" --source-lang none -f github n.txt
has MINI_NOT_ONLY && ok "discovery: no config file, defaults" || bad "discovery: no config ($out $err)"
run "$tmp/p/sub" check "${base[@]}" --config "$tmp/p/.mtpe.yaml" -f github s.txt
! has MINI_NOT_ONLY && [ "$(sev_of MINI_PERCENT)" = notice ] && ok "discovery: --config FILE replaces the nearest file" ||
  bad "--config replaces discovery ($out $err)"
(cd "$tmp/p" && printf '%s\n' "$text" | "$mtpe" check "${base[@]}" -f github - > "$tmp/out" 2> "$tmp/err"); out=$(cat "$tmp/out")
! has MINI_NOT_ONLY && has MINI_PERCENT && ok "discovery: stdin uses the config of the current folder" || bad "stdin discovery ($out)"
run "$tmp/p" check "${base[@]}" --config "$tmp/missing.yaml" top.txt
[ $rc = 3 ] && grep -q "missing.yaml" <<< "$err" && ok "a missing --config file is exit 3" || bad "missing --config: rc=$rc $err"

### precedence: the command line wins
printf 'source-lang: none\nfail-on: error\nseverity: { MINI_PERCENT: error }\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github --severity MINI_PERCENT=info top.txt
[ "$(sev_of MINI_PERCENT)" = notice ] && ok "precedence: --severity beats the file's severity" || bad "--severity precedence ($out)"
printf 'source-lang: none\nfail-on: error\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" --disable MINI_NOT_ONLY top.txt
[ $rc = 0 ] && ok "fail-on from the file (error; only warnings left): exit 0" || bad "fail-on from file: rc=$rc"
run "$tmp/p" check "${base[@]}" --disable MINI_NOT_ONLY --fail-on warning top.txt
[ $rc = 1 ] && ok "precedence: --fail-on beats the file's fail-on" || bad "--fail-on precedence: rc=$rc"
printf 'source-lang: xx\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github --source-lang none top.txt
! has XX_PACK_RULE && ok "precedence: --source-lang beats the file's source-lang" || bad "--source-lang precedence ($out)"

### every key
run "$tmp/p" check "${base[@]}" -f github top.txt
has XX_PACK_RULE && ok "source-lang: xx enables rules/xx-en" || bad "source-lang ($out $err)"
printf 'source-lang: none\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github top.txt
! has XX_PACK_RULE && has MINI_NOT_ONLY && ok "source-lang: none loads the generic rules only" || bad "source-lang none ($out)"
mkdir -p "$tmp/p/house"
cat > "$tmp/p/house/house.yaml" <<'Y'
# house rules
- id: HOUSE_SURE
  category: style
  severity: warning
  message: "avoid 'sure' in news copy"
  pattern: '\bsure\b'
  examples:
    - bad: "I am sure."
    - good: "I am certain."
- id: HOUSE_SPELLING
  category: spelling
  severity: warning
  check: spelling
  message: "Possible misspelling"
  examples:
    - bad: "It was recieved."
    - good: "It was received."
Y
printf 'source-lang: none\nrules: [house/house.yaml]\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github top.txt
has HOUSE_SURE && ok "rules: an extra rule file, relative to the config folder" || bad "rules ($out $err)"
printf 'source-lang: none\nrules: house\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github top.txt
has HOUSE_SURE && ok "rules: a folder given as a single value" || bad "rules folder ($out $err)"
printf 'source-lang: none\ndisable: [MINI_NOT_ONLY, MINI_PERCENT]\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github top.txt
! has MINI_NOT_ONLY && ! has MINI_PERCENT && has MINI_FOREIGN_MINISTRY && ok "disable: rules turned off" || bad "disable ($out)"
printf 'source-lang: none\nseverity:\n  MINI_PERCENT: error\n  MINI_NOT_ONLY: info\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github top.txt
[ "$(sev_of MINI_PERCENT)" = error ] && [ "$(sev_of MINI_NOT_ONLY)" = notice ] && ok "severity: rules re-graded" || bad "severity ($out)"
if [ -f /usr/share/hunspell/en_US.dic ]; then
  printf 'It was recieved by Zorblatt.\n' > "$tmp/p/spell.txt"
  printf 'recieved\nZorblatt\n' > "$tmp/p/house-words.txt"
  printf 'source-lang: none\nrules: [house/house.yaml]\n' > "$tmp/p/.mtpe.yaml"
  run "$tmp/p" check --data-dir "$tmp/data" -f github spell.txt
  had=$(grep -c "title=HOUSE_SPELLING" <<< "$out")
  printf 'source-lang: none\nrules: [house/house.yaml]\ndictionaries: [house-words.txt]\n' > "$tmp/p/.mtpe.yaml"
  run "$tmp/p" check --data-dir "$tmp/data" -f github spell.txt
  [ "$had" -ge 1 ] && ! has HOUSE_SPELLING && ok "dictionaries: extra word lists accepted by the speller" || bad "dictionaries (before $had; $out $err)"
  printf 'source-lang: none\nrules: [house/house.yaml]\nspelling: false\n' > "$tmp/p/.mtpe.yaml"
  run "$tmp/p" check --data-dir "$tmp/data" -f github spell.txt
  ! has HOUSE_SPELLING && [ $rc -le 1 ] && ok "spelling: false turns the spelling check off" || bad "spelling: false ($out $err)"
else
  echo "# hunspell en_US missing: dictionaries/spelling keys not exercised"
fi
printf 'canonical\tvariant\n' > "$tmp/p/terms.tsv"
printf 'source-lang: none\nglossaries: [terms.tsv]\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" -f github top.txt
if [ $rc -le 1 ]; then ok "glossaries: accepted"
else bad "glossaries: rc=$rc $err"; fi
# a glossary entry from the config is applied (the built-in TERM_GLOSSARY rule, real data)
printf 'Acme Widgets\tAkme Widgets\n' > "$tmp/p/terms.tsv"
printf 'glossaries: [terms.tsv]\n' > "$tmp/p/.mtpe.yaml"
printf 'We bought Akme Widgets today.\n' > "$tmp/p/gl.txt"
run "$tmp/p" check --no-spelling -f github gl.txt
grep -q "title=TERM_GLOSSARY::Use the canonical form 'Acme Widgets'" <<< "$out" && ok "glossaries: a config glossary entry is applied" || bad "glossaries: not applied: rc=$rc $out $err"
rm -f "$tmp/p/gl.txt"
printf 'source-lang: none\nglossaries: [terms.tsv]\n' > "$tmp/p/.mtpe.yaml"
rm "$tmp/p/sub/.mtpe.yaml"
cat > "$tmp/p/.mtpe.yaml" <<'Y'
source-lang: none
ignore:
  - vendor/
  - "*.draft.txt"
  - "gen/**/g.txt"
  - sub/deep/d.txt
Y
run "$tmp/p" check "${base[@]}" -f github top.txt vendor/x/v.txt notes.draft.txt gen/a/b/g.txt sub/s.txt sub/deep/d.txt
files=$(grep -o 'file=[^,]*' <<< "$out" | sort -u | tr '\n' ' ')
[ "$files" = "file=sub/s.txt file=top.txt " ] && ok "ignore: folder, basename glob, ** glob and exact path" ||
  bad "ignore: got $files"
run "$tmp/p/vendor/x" check "${base[@]}" v.txt
[ $rc = 0 ] && [ -z "$out" ] && ok "ignore: applies relative to the config folder from any cwd" || bad "ignore from cwd: rc=$rc $out"
printf 'source-lang: none\nfail-on: none\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" top.txt
[ $rc = 0 ] && [ -n "$out" ] && ok "fail-on: none reports findings and exits 0" || bad "fail-on none: rc=$rc"
printf 'source-lang: none\nfail-on: info\ndisable: [MINI_FOREIGN_MINISTRY, MINI_NOT_ONLY, MINI_YEARS_CALQUE]\n' > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" top.txt
[ $rc = 1 ] && ok "fail-on: info fails on an info finding" || bad "fail-on info: rc=$rc"
cat > "$tmp/p/.mtpe.yaml" <<'Y'
source-lang: none
report:
  threshold: 10
  weights: { error: 2, warning: 0.5, info: 0.25 }
  mqm:
    negation: "Accuracy/Omission"
Y
run "$tmp/p" report "${base[@]}" -f json top.txt
if grep -q '"threshold": 10.00, "weights": { "error": 2.00, "warning": 0.50, "info": 0.25 }' <<< "$out" &&
   grep -q '"negation": "Accuracy/Omission"' <<< "$out" && grep -q '"pass": true' <<< "$out"; then
  ok "report: threshold, weights and the MQM mapping"
else bad "report settings ($out $err)"; fi
# penalty = 1 error (2) + 1 warning (0.5) + 1 info (0.25) = 2.75 over 15 words
grep -q '"penalty": 2.75' <<< "$out" && ok "report: the penalty uses the weights" || bad "report penalty ($out)"

### every error: exit 3 and file:line:col
err_case() { # name, expected line:col, yaml (printf format)
  local name=$1 loc=$2; shift 2
  printf "$@" > "$tmp/p/.mtpe.yaml"
  run "$tmp/p" check "${base[@]}" top.txt
  if [ $rc = 3 ] && grep -qE "^mtpe: \.mtpe\.yaml:$loc: " <<< "$err"; then ok "error: $name -> ${err#mtpe: }"
  else bad "error: $name: rc=$rc, stderr: $err"; fi
}
err_case "unknown key" 2:1 'source-lang: none\ncolour: red\n'
err_case "unknown report key" 3:3 'source-lang: none\nreport:\n  treshold: 90\n'
err_case "duplicate key" 2:1 'disable: [A]\ndisable: [B]\n'
err_case "not a mapping" 1:1 '[a, b]\n'
err_case "list expected" 1:10 'disable: {A: B}\n'
err_case "bad rule id" 1:11 'disable: [not-a-rule]\n'
err_case "unknown rule id" 2:26 'source-lang: none\ndisable: [MINI_NOT_ONLY, NO_SUCH_RULE]\n'
err_case "unknown rule id in severity" 3:3 'source-lang: none\nseverity:\n  NO_SUCH_RULE: error\n'
err_case "bad severity" 2:17 'severity:\n  MINI_PERCENT: fatal\n'
err_case "bad fail-on" 1:10 'fail-on: sometimes\n'
err_case "bad source-lang" 1:14 'source-lang: Russian\n'
err_case "unknown source-lang pack" 1:14 'source-lang: qq\n'
err_case "missing rule file" 1:9 'rules: [nothere.yaml]\n'
err_case "missing dictionary" 1:16 'dictionaries: [nothere.txt]\n'
err_case "bad spelling value" 1:11 'spelling: maybe\n'
err_case "threshold not a number" 2:14 'report:\n  threshold: high\n'
err_case "threshold out of range" 2:14 'report:\n  threshold: 120\n'
err_case "negative weight" 2:20 'report:\n  weights: {error: -1}\n'
err_case "unknown weight severity" 2:13 'report:\n  weights: {fatal: 1}\n'
err_case "unknown MQM category" 3:5 'report:\n  mqm:\n    tone: Style\n'
err_case "YAML syntax" '[0-9]+:[0-9]+' 'disable: [A\n'
err_case "invalid UTF-8" 2:14 '# ok\nsource-lang: \xff\n'
err_case "empty value" 1:14 'source-lang: ""\n'
# an empty file is a valid, empty configuration
: > "$tmp/p/.mtpe.yaml"
run "$tmp/p" check "${base[@]}" --source-lang none top.txt
[ $rc = 1 ] && ok "an empty .mtpe.yaml is valid" || bad "empty config: rc=$rc $err"
echo "1..$n"
exit $fail
