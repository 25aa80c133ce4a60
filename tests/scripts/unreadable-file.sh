#!/usr/bin/env bash
# An unreadable file is exit 3 with a one-line message. Root reads everything, so
# as root the check runs as 'nobody' (setpriv); skipped when that is not possible.
set -u
mtpe=$1; src=$2
tmp=$(mktemp -d /tmp/mtpe-unreadable-XXXXXX); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
printf 'secret text\n' > "$tmp/locked.txt"; chmod 000 "$tmp/locked.txt"
run=("$mtpe")
if [ "$(id -u)" = 0 ]; then
  command -v setpriv > /dev/null || { echo "skipped: root without setpriv"; exit 77; }
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups "$mtpe")
  "${run[@]}" --version > /dev/null 2>&1 || { echo "skipped: nobody cannot run $mtpe"; exit 77; }
fi
err=$("${run[@]}" check --no-spelling "$tmp/locked.txt" 2>&1 >/dev/null); code=$?
[ $code = 3 ] || { echo "exit $code, expected 3: $err"; exit 1; }
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || { echo "expected one line: $err"; exit 1; }
echo "$err" | grep -q "locked.txt: cannot open: Permission denied" || { echo "unexpected message: $err"; exit 1; }
echo "ok: $err"
