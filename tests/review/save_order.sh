#!/bin/bash
# save_order.sh - the save's system calls come in the durable order:
# temp file created O_EXCL 0600 next to the target, fsync(temp), rename over
# the target, fsync(folder) (RELIABILITY G1 (c)). Needs strace.
source "$(dirname "$0")/lib.bash" "$@"
if ! command -v strace >/dev/null 2>&1; then
	echo "SKIP: strace is not installed"
	exit 77
fi
F=$TMP/doc.txt
make_fixture "$F"
chmod 640 "$F"
if ! printf 'e\nThe\nx\n' | strace -f -e trace=openat,fsync,rename -o "$TMP/trace" \
	"$MTPE" review "${REVIEW_OPTS[@]}" "$F" >"$TMP/out" 2>&1; then
	grep -q "Operation not permitted\|ptrace" "$TMP/out" "$TMP/trace" 2>/dev/null && { echo "SKIP: ptrace not permitted"; exit 77; }
	fail "review failed: $(cat "$TMP/out")"
fi
awk -v dir="$TMP" '
	/openat\(.*\/\.doc\.txt\.mtpe-.*O_EXCL.*0600\) = [0-9]+/ { tmpfd = $NF; step = 1; next }
	step == 1 && $0 ~ "fsync\\(" tmpfd "\\)" { step = 2; next }
	step == 2 && /rename\(.*\.doc\.txt\.mtpe-.*doc\.txt"\) = 0/ { step = 3; next }
	step == 3 && /O_DIRECTORY/ && index($0, "\"" dir "\"") { dirfd = $NF; next }
	step == 3 && dirfd != "" && $0 ~ "fsync\\(" dirfd "\\)" { step = 4 }
	END { exit step == 4 ? 0 : 1 }
' "$TMP/trace" || { grep -E "mtpe-|fsync|rename|O_DIRECTORY" "$TMP/trace" >&2; fail "save order is not temp, fsync, rename, fsync(folder)"; }
[ "$(stat -c %a "$F")" = 640 ] || fail "mode not kept: $(stat -c %a "$F")"
head -c 10 "$F" | grep -q "The" || fail "not saved"
echo "ok: save order"
