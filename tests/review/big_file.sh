#!/bin/bash
# big_file.sh - a 2 MB file opens on a quick check of its start while the rest
# is checked in the background: decisions made meanwhile survive the merge,
# the final hit count equals `mtpe check`'s, and writing gives the right bytes.
source "$(dirname "$0")/lib.bash" "$@"
need_tmux
F=$TMP/big.txt
awk 'BEGIN { for (i = 1; i <= 8000; i++) printf "Line %d: the committee approved the budget and the minister did recieve the final report after a long debate in parliament.\n", i }' >"$F"
want=$("$MTPE" check "${REVIEW_OPTS[@]}" "$F" | tail -1 | awk '{print $1}')
[ "$want" -ge 8000 ] 2>/dev/null || fail "unexpected finding count '$want'"

start_review 80 24 big.txt
wait_for "hit 1/"
keys 1
wait_for "unsaved 1"
keys n
wait_for "done 2"
# the merge completes: the full count shows, the two decisions are still there
wait_for "hit 3/$want " 60
wait_for "done 2  left $((want - 2))"
keys x
rc=$(wait_exit 30)
[ "$rc" = 0 ] || fail "exit status $rc"
awk 'BEGIN { for (i = 1; i <= 8000; i++) printf "Line %d: the committee approved the budget and the minister did %s the final report after a long debate in parliament.\n", i, i == 1 ? "receive" : "recieve" }' >"$TMP/expect"
cmp "$F" "$TMP/expect" || fail "bytes differ after the progressive session"
echo "ok: big file"
