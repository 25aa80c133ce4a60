#!/usr/bin/env bash
# `mtpe check -j N` gives the same output, in the same order, and the same exit
# code as a serial run: JSON and text, with a missing file in the middle; and one
# long file split among threads gives the same findings.
set -u
mtpe=$1; src=$2
shared="$src/../shared/corpus/wmt-ru-en"
files=("$src"/tests/annotated/*.txt)
[ -d "$shared" ] && files+=("$shared"/ref.en.txt "$shared"/sys-*.en.txt)
mid=$(( ${#files[@]} / 2 ))
files=("${files[@]:0:$mid}" /nonexistent/missing.txt "${files[@]:$mid}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for fmt in json text; do
  "$mtpe" check -j 1 --color never --format $fmt "${files[@]}" > "$tmp/serial.$fmt" 2> "$tmp/serial.err"; a=$?
  for j in 2 4; do
    "$mtpe" check -j $j --color never --format $fmt "${files[@]}" > "$tmp/par.$fmt" 2> "$tmp/par.err"; b=$?
    [ "$a" = "$b" ] || { echo "-j $j $fmt: exit $b, serial $a"; fail=1; }
    cmp -s "$tmp/serial.$fmt" "$tmp/par.$fmt" || { echo "-j $j $fmt: output differs"; diff "$tmp/serial.$fmt" "$tmp/par.$fmt" | head; fail=1; }
    cmp -s "$tmp/serial.err" "$tmp/par.err" || { echo "-j $j $fmt: stderr differs"; fail=1; }
  done
done
# one long file (13 MB) is split into pieces (regions of 2 MiB and more, pieces of 2 MiB) that the
# threads share with the document-level rules: same findings as -j 1
for i in $(seq 300); do cat "$src"/tests/annotated/*.txt; done > "$tmp/long.txt"
[ -d "$shared" ] && cat "$shared"/ref.en.txt "$shared"/sys-*.en.txt >> "$tmp/long.txt"
"$mtpe" check -j 1 --format json "$tmp/long.txt" > "$tmp/long1.json"
for j in 2 3; do
  "$mtpe" check -j $j --format json "$tmp/long.txt" > "$tmp/longj.json"
  cmp -s "$tmp/long1.json" "$tmp/longj.json" || { echo "one long file, -j $j: findings differ"; diff "$tmp/long1.json" "$tmp/longj.json" | head; fail=1; }
done
# the document-level rules are gathered piece by piece: whole file as one piece
# (MTPE_PIECE_SIZE=0) = 2 MiB pieces (above) = tiny pieces, a seam every few lines
MTPE_PIECE_SIZE=0 "$mtpe" check -j 1 --format json "$tmp/long.txt" > "$tmp/whole.json"
cmp -s "$tmp/long1.json" "$tmp/whole.json" || { echo "one long file: 2 MiB pieces differ from one piece"; diff "$tmp/whole.json" "$tmp/long1.json" | head; fail=1; }
head -c 3000000 "$tmp/long.txt" > "$tmp/short.txt"
MTPE_PIECE_SIZE=0 "$mtpe" check -j 1 --format json "$tmp/short.txt" > "$tmp/short0.json"
for ps in 2000 65536; do
  MTPE_PIECE_SIZE=$ps "$mtpe" check -j 2 --format json "$tmp/short.txt" > "$tmp/shortp.json"
  cmp -s "$tmp/short0.json" "$tmp/shortp.json" || { echo "pieces of $ps bytes: findings differ"; diff "$tmp/short0.json" "$tmp/shortp.json" | head; fail=1; }
done
[ "$a" = 3 ] || { echo "expected exit 3 for the missing file, got $a"; fail=1; }
grep -q "missing.txt: cannot open" "$tmp/serial.err" || { echo "no message for the missing file"; fail=1; }
[ $fail = 0 ] && echo "same output with -j 1, 2, 4 on ${#files[@]} files"
exit $fail
