#!/bin/bash
# crash.sh - kill -9 after five decisions, reopen, resume, write: the bytes must
# equal those of an uninterrupted session (driven through the line mode).
# Also: SIGTERM restores the terminal (stty settings identical) and keeps the
# journal; the journal is mode 0600 and is removed after the save.
source "$(dirname "$0")/lib.bash" "$@"
need_tmux
F=$TMP/doc.txt
make_fixture "$F"

# the uninterrupted reference session
make_fixture "$TMP/ref.txt"
printf 'e\nThe\n\nn\n1\nn\nx\n' | "$MTPE" review "${REVIEW_OPTS[@]}" --no-curses "$TMP/ref.txt" >"$TMP/ref.log" 2>&1 ||
	fail "reference session failed: $(cat "$TMP/ref.log")"
cmp -s "$TMP/ref.txt" "$F" && fail "reference session changed nothing"
rm -rf "$XDG_STATE_HOME/mtpe"

start_review 80 24 doc.txt
wait_for "SPELLING  1:1"
keys e
wait_for 'Replace "Teh" with:'
keys C-u The Enter
wait_for "SPELLING  1:5"
keys Enter
wait_for "SPELLING  1:15"
keys n
wait_for "SPELLING  2:8"
keys 1
wait_for "SPELLING  3:23"
keys n
wait_for "done 5  left 0"
pid=$(review_pid)
[ -n "$pid" ] || fail "no review process"
kill -9 "$pid"
wait_exit >/dev/null
J=$(ls "$XDG_STATE_HOME"/mtpe/journal/*.journal 2>/dev/null | head -1)
[ -n "$J" ] || fail "no journal after kill -9"
[ "$(stat -c %a "$J")" = 600 ] || fail "journal mode is $(stat -c %a "$J")"
[ "$(grep -c '^D ' "$J")" = 5 ] || fail "journal holds $(grep -c '^D ' "$J") decisions, not 5"
grep -q "letter" "$J" && fail "journal holds surrounding text"

start_review 80 24 doc.txt
wait_for "5 decisions recovered for doc.txt, resume? [Y/n]"
keys y
wait_for "resumed 5 decisions"
wait_for "done 5  left 0"
wait_for "unsaved 3"
keys x
rc=$(wait_exit)
[ "$rc" = 0 ] || fail "exit status $rc"
cmp "$F" "$TMP/ref.txt" || fail "resumed session differs from the uninterrupted one"
[ -z "$(ls -A "$XDG_STATE_HOME/mtpe/journal" 2>/dev/null)" ] || fail "journal left after the save"

# SIGTERM: the terminal is restored, the journal keeps the decision
make_fixture "$F"
T kill-session -t t
rm -f "$TMP/exit"
T new-session -d -s t -x 80 -y 24 "cd '$TMP'; stty -a > stty.before; TERM=xterm-256color '$MTPE' review ${REVIEW_OPTS[*]} doc.txt; echo \$? > exit; stty -a > stty.after; sleep 600"
wait_for "SPELLING  1:1"
keys n
wait_for "SPELLING  1:5"
kill -TERM "$(review_pid)"
rc=$(wait_exit)
[ "$rc" != 0 ] || fail "SIGTERM gave exit status 0"
for i in $(seq 100); do [ -s "$TMP/stty.after" ] && break; sleep 0.05; done
cmp "$TMP/stty.before" "$TMP/stty.after" || fail "terminal settings not restored after SIGTERM"
J=$(ls "$XDG_STATE_HOME"/mtpe/journal/*.journal | head -1)
[ "$(grep -c '^D ' "$J")" = 1 ] || fail "journal lost the decision made before SIGTERM"
echo "ok: crash"
