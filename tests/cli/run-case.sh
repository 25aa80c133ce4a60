#!/usr/bin/env bash
# Runs one CLI golden case: <mtpe> <case-dir>.
# The case holds `args` (one argument per line; @MTPE_INPUT@ = the case's input.* file,
# @CASE@ = the case folder, @SHARED@ = ../shared), an optional `stdin` file, `expect.exit`,
# and optional `expect.out` / `expect.err` (compared exactly) or `expect.err.grep` (a regex
# stderr must match). An optional `skip-if-missing` names a path that must exist.
# UPDATE_GOLDEN=1 rewrites expect.out (review the diff).
set -u
mtpe=$1; dir=$2
src=$(cd "$dir/../../../.." && pwd)
shared="$src/../shared"
if [ -f "$dir/skip-if-missing" ]; then
  need=$(sed "s#@SHARED@#$shared#g" "$dir/skip-if-missing")
  [ -e "$need" ] || { echo "skipped: $need is missing"; exit 77; }
fi
input=$(ls "$dir"/input.* 2>/dev/null | head -n 1)
args=()
if [ -f "$dir/args" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line//@MTPE_INPUT@/$input}
    line=${line//@CASE@/$dir}
    line=${line//@SHARED@/$shared}
    line=${line//@SRC@/$src}
    args+=("$line")
  done < "$dir/args"
fi
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
cd "$dir"
if [ -f "$dir/stdin" ]; then
  timeout 60 "$mtpe" "${args[@]}" < "$dir/stdin" > "$out" 2> "$err"; code=$?
else
  timeout 60 "$mtpe" "${args[@]}" < /dev/null > "$out" 2> "$err"; code=$?
fi
# paths in output are shown relative to the case folder
sed -i "s#$dir/##g; s#$src/##g" "$out" "$err"
fail=0
want=$(cat "$dir/expect.exit" 2>/dev/null || echo 0)
if [ "$code" != "$want" ]; then
  echo "exit code $code, expected $want"; fail=1
fi
if [ "${UPDATE_GOLDEN:-}" = 1 ] && [ -f "$dir/expect.out" ]; then cp "$out" "$dir/expect.out"; fi
if [ -f "$dir/expect.out" ] && ! diff -u "$dir/expect.out" "$out"; then fail=1; fi
if [ -f "$dir/expect.err" ] && ! diff -u "$dir/expect.err" "$err"; then fail=1; fi
if [ -f "$dir/expect.err.grep" ] && ! grep -qE -f "$dir/expect.err.grep" "$err"; then
  echo "stderr does not match $(cat "$dir/expect.err.grep"):"; cat "$err"; fail=1
fi
if [ $fail = 1 ]; then echo "--- stderr:"; cat "$err"; fi
exit $fail
