#!/usr/bin/env bash
# `mtpe check --format sarif` validates: against the SARIF 2.1.0 JSON schema with ajv,
# and with the SARIF Multitool's `validate` (npm @microsoft/sarif-multitool), which
# also applies the spec's rules beyond the schema. The npm packages are installed
# outside the repository, in $MTPE_NPM_DIR (default /tmp/mtpe-test-npm), once.
# usage: sarif-validate.sh <mtpe> <source-dir>; exit 77 = skipped (no node/npm, offline).
set -u
mtpe=$1; src=$2
command -v node >/dev/null && command -v npm >/dev/null || { echo "skipped: node and npm are needed"; exit 77; }
npmdir=${MTPE_NPM_DIR:-/tmp/mtpe-test-npm}
mkdir -p "$npmdir"
if [ ! -f "$npmdir/node_modules/ajv-formats/package.json" ] || [ ! -d "$npmdir/node_modules/@microsoft/sarif-multitool" ]; then
  (cd "$npmdir" && timeout 300 npm install --no-audit --no-fund --silent @microsoft/sarif-multitool ajv ajv-formats >/dev/null 2>&1) ||
    { echo "skipped: cannot install @microsoft/sarif-multitool, ajv (offline?)"; exit 77; }
fi
schema=$(ls "$npmdir"/node_modules/@microsoft/sarif-multitool-*/sarif-2.1.0.json 2>/dev/null | head -n 1)
[ -n "$schema" ] || { echo "skipped: the SARIF schema is not in the npm package"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0

cat > "$tmp/validate.js" <<'JS'
const Ajv = require('ajv'); const addFormats = require('ajv-formats'); const fs = require('fs');
const schema = JSON.parse(fs.readFileSync(process.argv[2])); delete schema.$schema;
const ajv = new Ajv({ strict: false, allErrors: true }); addFormats(ajv);
const validate = ajv.compile(schema);
const log = JSON.parse(fs.readFileSync(process.argv[3]));
if (!validate(log)) { console.log(JSON.stringify(validate.errors, null, 1)); process.exit(1); }
JS

# documents: the mini rule set (every kind of result: fixes, no fixes, several fixes),
# a document with no findings, and the shipped rules on the annotated articles
mini=(--data-dir "$src/tests/fixtures/report-data" --source-lang none --no-spelling)
printf 'The foreign Ministry said that in 1941-1945 the years the city grew.\nTalks with \xd0\xa1hina resumed; it happens not rarely. "Quotes" \\ back\\slash\n' > "$tmp/a b.txt"
printf 'Nothing to see here.\n' > "$tmp/clean.txt"
# a PO file: findings carry their unit (a logicalLocation)
printf 'msgid "a"\nmsgstr "The foreign Ministry said it, not rarely."\n' > "$tmp/u.po"
cases=("mini" "clean" "shipped")
for c in "${cases[@]}"; do
  case $c in
    mini) (cd "$tmp" && "$mtpe" check "${mini[@]}" -f sarif "a b.txt" clean.txt u.po > "$tmp/$c.sarif") ;;
    clean) (cd "$tmp" && "$mtpe" check "${mini[@]}" -f sarif clean.txt > "$tmp/$c.sarif") ;;
    shipped) ls "$src"/tests/annotated/*.txt >/dev/null 2>&1 || continue
             "$mtpe" check --no-spelling -f sarif "$src"/tests/annotated/*.txt > "$tmp/$c.sarif" ;;
  esac
  rc=$?
  [ $rc -le 1 ] || { echo "FAIL - $c: mtpe check exit $rc"; fail=1; continue; }
  if NODE_PATH="$npmdir/node_modules" node "$tmp/validate.js" "$schema" "$tmp/$c.sarif"; then
    echo "ok - $c: valid against the SARIF 2.1.0 schema"
  else
    echo "FAIL - $c: schema validation"; fail=1
  fi
done
# the Multitool (a self-contained .NET program)
mt=$(ls "$npmdir"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null)
if [ -n "$mt" ] && [ "$(uname -m)" = x86_64 ]; then
  chmod u+x "$mt"
  for c in "${cases[@]}"; do
    [ -f "$tmp/$c.sarif" ] || continue
    DOTNET_CLI_TELEMETRY_OPTOUT=1 timeout 120 "$mt" validate "$tmp/$c.sarif" -o "$tmp/$c.validation.sarif" > "$tmp/$c.mt.log" 2>&1
    rc=$?
    # the validation log's results at level error are spec violations
    errors=$(node -e 'const l=JSON.parse(require("fs").readFileSync(process.argv[1]));
      const r=(l.runs||[]).flatMap(x=>x.results||[]).filter(x=>(x.level||"warning")==="error");
      for (const x of r) console.error(x.ruleId, x.message && (x.message.text || JSON.stringify(x.message.arguments)));
      console.log(r.length)' "$tmp/$c.validation.sarif" 2>&1 | tail -n 1)
    if [ $rc = 0 ] && [ "$errors" = 0 ]; then
      echo "ok - $c: SARIF Multitool validate reports no errors"
    else
      echo "FAIL - $c: SARIF Multitool validate (exit $rc, $errors errors)"; head -n 30 "$tmp/$c.mt.log"; fail=1
    fi
  done
else
  echo "# SARIF Multitool not runnable here; schema validation only"
fi
exit $fail
