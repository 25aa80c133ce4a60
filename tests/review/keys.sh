#!/bin/bash
# keys.sh - drives `mtpe review` in tmux at 80x24: edit, accept, keep, accept by
# number, undo, accept again, edit pre-filled, write; the file's bytes must
# equal the expected bytes (CRLF, BOM and the missing final newline kept).
source "$(dirname "$0")/lib.bash" "$@"
need_tmux
F=$TMP/doc.txt
make_fixture "$F"
ino_before=$(stat -c %i "$F")

start_review 80 24 doc.txt
wait_for "hit 1/5 0%"
wait_for "SPELLING  1:1"
wait_for "(no suggestions)"
keys e
wait_for 'Replace "Teh" with: Teh'
keys C-u The Enter
wait_for "SPELLING  1:5"
wait_for "> 1  government"
wait_for "unsaved 1"
keys Enter
wait_for "SPELLING  1:15"
keys n
wait_for "SPELLING  2:8"
keys 1
wait_for "SPELLING  3:23"
wait_for "unsaved 3"
keys u
wait_for "undone: fix at 2:8"
wait_for "SPELLING  2:8"
wait_for "unsaved 2"
keys y
wait_for "SPELLING  3:23"
keys e
wait_for 'Replace "wierd" with: weird'
keys Enter
wait_for "unsaved 4"
wait_for "done 5  left 0"
# the screen shows the accepted edits in their new form, marked in the gutter
screen | grep -qF "*1 | The government recieve the letter." || fail "edited line not shown"
keys w
wait_for "wrote 1 file"
wait_for "  saved"
keys q
rc=$(wait_exit)
[ "$rc" = 0 ] || fail "exit status $rc"

printf '\xef\xbb\xbfThe government recieve the letter.\r\nIt was definitely late.\r\nNo final newline here weird' >"$TMP/expect"
cmp "$F" "$TMP/expect" || { od -c "$F" | head; fail "bytes differ"; }
[ "$(stat -c %i "$F")" != "$ino_before" ] || fail "not replaced by rename (same inode)"
# after w the journal starts over: it only remembers the hit kept before the save
J=$(ls "$XDG_STATE_HOME"/mtpe/journal/*.journal 2>/dev/null)
[ "$(echo "$J" | wc -w)" -le 1 ] || fail "more than one journal"
[ -z "$J" ] || [ "$(grep -c '^[DUR]' "$J")" = 0 ] || fail "decisions left in the journal after the save"
[ -z "$J" ] || ! grep -q "letter" "$J" || fail "the journal holds document text"
ls -A "$TMP" | grep -q '\.mtpe-' && fail "temporary file left"

# quitting at once writes nothing: same inode, mtime and bytes
cp "$F" "$TMP/before"
stat -c '%i %Y' "$F" >"$TMP/stat1"
start_review 80 24 doc.txt
wait_for "1 decision recovered for doc.txt, resume? [Y/n]"
keys y
wait_for "resumed 1 decision"
wait_for "done 1  left 0"
keys q
rc=$(wait_exit)
[ "$rc" = 0 ] || fail "exit status $rc on quit"
stat -c '%i %Y' "$F" | cmp -s - "$TMP/stat1" || fail "file touched by a quit without changes"
cmp "$F" "$TMP/before" || fail "bytes changed by a quit"
echo "ok: keys"
