#!/usr/bin/env bash
# The literal prefilter, the ASCII word fast path and the word lists compiled as
# tries must not change any finding: mtpe check with and without
# MTPE_NO_PREFILTER, and with MTPE_FLAT_LISTS (lists as flat alternations) too,
# gives byte-identical JSON on the WMT corpus (skipped when ../shared is absent)
# and on our annotated articles.
set -u
mtpe=$1; src=$2
shared="$src/../shared/corpus/wmt-ru-en"
files=("$src"/tests/annotated/*.txt "$src"/examples/*.txt)
# src.ru.txt too: Cyrillic text puts multi-byte characters where the prefilter cuts ranges
[ -d "$shared" ] && files+=("$shared"/ref.en.txt "$shared"/sys-*.en.txt "$shared"/src.ru.txt)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# one big file too, so the prefilter (long texts only) is exercised on every rule
cat "${files[@]}" > "$tmp/all.txt"
"$mtpe" check --format json "${files[@]}" "$tmp/all.txt" > "$tmp/with.json"; a=$?
MTPE_NO_PREFILTER=1 "$mtpe" check --format json "${files[@]}" "$tmp/all.txt" > "$tmp/without.json"; b=$?
[ "$a" = "$b" ] || { echo "exit codes differ: $a vs $b"; exit 1; }
if ! cmp -s "$tmp/with.json" "$tmp/without.json"; then
  echo "findings differ with the prefilter:"; diff "$tmp/without.json" "$tmp/with.json" | head -40; exit 1
fi
MTPE_FLAT_LISTS=1 MTPE_NO_PREFILTER=1 "$mtpe" check --format json "${files[@]}" "$tmp/all.txt" > "$tmp/flat.json"; c=$?
[ "$a" = "$c" ] || { echo "exit codes differ with flat lists: $a vs $c"; exit 1; }
if ! cmp -s "$tmp/with.json" "$tmp/flat.json"; then
  echo "findings differ with the lists as tries:"; diff "$tmp/flat.json" "$tmp/with.json" | head -40; exit 1
fi
n=$(grep -c '"rule":' "$tmp/with.json")
echo "identical: $n findings on ${#files[@]} files + their concatenation"
