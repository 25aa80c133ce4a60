#!/bin/bash
# screen.sh - the curses screen in tmux: reverse video covers exactly the hit
# after CJK, emoji and a combining accent at widths 80, 46 and 20; resizing in
# the middle of an edit keeps the typed text; a too-small terminal says so;
# a file changed on disk is not overwritten (the journal keeps the work).
source "$(dirname "$0")/lib.bash" "$@"
need_tmux
F=$TMP/wide.txt
printf '\xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x98\x80 He recieve it.\nCafe\xcc\x81\tand the definately plan.\n' >"$F"

# the text inside reverse video on rows below the status bar
reverse_text() {
	T capture-pane -p -e -t t | tail -n +2 | sed $'s/\e\\[39m//g; s/\e\\[49m//g' |
		grep -o $'\e\\[[0-9;]*7m[^\e]*' | sed $'s/^\e\\[[0-9;]*m//'
}

for w in 80 46 20; do
	start_review "$w" 24 wide.txt
	wait_for "recieve"
	wait_for "keep"
	got=$(reverse_text | head -1)
	[ "$got" = "recieve" ] || fail "width $w: reverse video covers '$got', not the hit"
	keys q
	wait_exit >/dev/null
done

start_review 80 24 wide.txt
wait_for "> 1  receive"
keys e
wait_for 'Replace "recieve" with: receive'
keys C-u 'rec' $'\xc3\xa9' 'ive'
wait_for 'with: rec'$'\xc3\xa9''ive'
T resize-window -t t -x 40 -y 9
wait_for ' wide.txt 1/'
wait_for 'rec'$'\xc3\xa9''ive'
T resize-window -t t -x 19 -y 5
wait_for "terminal too small"
T resize-window -t t -x 80 -y 24
wait_for "mtpe review  wide.txt"
wait_for 'with: rec'$'\xc3\xa9''ive'
keys Enter
wait_for "unsaved 1"
keys n
wait_for "done 2"
# someone else edits the file: the save is refused, nothing is lost
printf 'edited elsewhere\n' >>"$F"
cp "$F" "$TMP/external"
keys w
wait_for "changed on disk since it was opened"
wait_for "unsaved 1"
cmp "$F" "$TMP/external" || fail "the external edit was overwritten"
# a second review of the same file is warned
printf 'Q\n' | "$MTPE" review "${REVIEW_OPTS[@]}" "$F" >"$TMP/second" 2>&1
grep -qF "another mtpe review (pid" "$TMP/second" || fail "no warning for a second instance: $(head -3 "$TMP/second")"
keys Q
wait_for "Quit without writing?"
keys y
wait_exit >/dev/null
ls "$XDG_STATE_HOME"/mtpe/journal/*.journal >/dev/null 2>&1 || fail "journal lost after a refused save"
echo "ok: screen"
