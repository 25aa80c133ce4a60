#!/bin/bash
# line_mode.sh - `mtpe review` driven from a pipe (no TTY): the same keys one
# per line; writing gives the expected bytes; end of input quits without
# writing and keeps the journal; reopening offers to resume; q with unsaved
# changes asks; TERM=dumb also selects the line mode.
source "$(dirname "$0")/lib.bash" "$@"
F=$TMP/doc.txt
run() { "$MTPE" review "${REVIEW_OPTS[@]}" "$@"; }

make_fixture "$F"
printf 'e\nThe\n\nn\n1\nu\ny\ne\n\nw\nq\n' | run "$F" >"$TMP/out" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
printf '\xef\xbb\xbfThe government recieve the letter.\r\nIt was definitely late.\r\nNo final newline here weird' >"$TMP/expect"
cmp "$F" "$TMP/expect" || { cat "$TMP/out"; fail "bytes differ"; }
grep -qF "doc.txt:1:1: SPELLING:" "$TMP/out" || fail "no hit header in: $(head -5 "$TMP/out")"
grep -qF "*Teh*" "$TMP/out" || fail "hit not marked in the context line"
grep -qF "(1/5) Accept [1-9" "$TMP/out" || fail "no prompt"
grep -qF -- "-- wrote 1 file" "$TMP/out" || fail "no write message"
grep -qF "mtpe: wrote " "$TMP/err" || fail "no summary on stderr"

# end of input: nothing written, journal kept, resume offered next time
make_fixture "$F"
cp "$F" "$TMP/orig"
stat -c '%i %Y' "$F" >"$TMP/stat1"
printf 'n\n1\n' | run "$F" >"$TMP/out" 2>"$TMP/err"
cmp "$F" "$TMP/orig" || fail "end of input wrote the file"
stat -c '%i %Y' "$F" | cmp -s - "$TMP/stat1" || fail "end of input touched the file"
grep -qF "kept in the journal" "$TMP/err" || fail "no journal note: $(cat "$TMP/err")"
printf '\nx\n' | run "$F" >"$TMP/out" 2>&1
grep -qF "decisions recovered" "$TMP/out" || grep -qF "decision recovered" "$TMP/out" || fail "no resume offer: $(head "$TMP/out")"
cmp -s "$F" "$TMP/orig" && fail "resumed decision not written"
head -c 40 "$F" | grep -q "Teh government" || fail "unexpected content"

# after w the kept hits stay decided, also across a crash (journal K records)
printf 'Teh goverment recieve.\n' >"$TMP/c1.txt"
rm -rf "$XDG_STATE_HOME/mtpe"
printf 'n\n1\nw\n' | run "$TMP/c1.txt" >"$TMP/out" 2>&1
[ "$(cat "$TMP/c1.txt")" = "Teh government recieve." ] || fail "w: $(cat "$TMP/c1.txt")"
printf '\nQ\n' | run --dump-screen 80x24 "$TMP/c1.txt" >"$TMP/out" 2>&1
grep -qF "1 decision recovered" "$TMP/out" || fail "kept hit not journaled after the save"
grep -qF "hit 2/2 50%  done 1  left 1" "$TMP/out" || fail "kept hit not restored: $(grep 'hit ' "$TMP/out" | tail -1)"

# q with unsaved changes asks; c cancels; d discards (journal kept)
make_fixture "$F"
rm -rf "$XDG_STATE_HOME/mtpe"
printf 'n\n1\nq\nc\nq\nd\n' | TERM=dumb run "$F" >"$TMP/out" 2>&1
grep -qF "[w]rite / [d]iscard (journal kept) / [c]ancel" "$TMP/out" || fail "q did not ask"
cmp "$F" "$TMP/orig" || fail "discard wrote the file"
ls "$XDG_STATE_HOME"/mtpe/journal/*.journal >/dev/null 2>&1 || fail "discard removed the journal"

# the screen dump: the view model rendered at 40x9 after each key
rm -rf "$XDG_STATE_HOME/mtpe"
printf 'Q\n' | run --dump-screen 40x9 "$F" >"$TMP/out" 2>&1
grep -qF -- "--- screen 40x9 ---" "$TMP/out" || fail "no screen dump"
grep -qF "doc.txt 1/5 saved" "$TMP/out" || fail "compact status missing: $(head -12 "$TMP/out")"

# a adds to the personal dictionary (and hides the same word); u removes it again;
# > and < move between files; x writes every file with changes
printf 'Teh goverment and Teh.\n' >"$TMP/m1.txt"
printf 'Second fiel recieve.\n' >"$TMP/m2.txt"
printf 'a\n' | run "$TMP/m1.txt" >"$TMP/out" 2>&1
grep -qx "Teh" "$XDG_CONFIG_HOME/mtpe/words" || fail "word not added to the personal dictionary"
rm -rf "$XDG_STATE_HOME/mtpe" "$XDG_CONFIG_HOME/mtpe"
printf 'a\nu\n>\n1\n<\nj\n1\nx\n' | run "$TMP/m1.txt" "$TMP/m2.txt" >"$TMP/out" 2>&1
grep -q "Teh" "$XDG_CONFIG_HOME/mtpe/words" && fail "undo did not remove the word"
grep -qF -- "-- file 2/2: " "$TMP/out" || fail "> did not switch files"
[ "$(cat "$TMP/m1.txt")" = "Teh government and Teh." ] || fail "m1: $(cat "$TMP/m1.txt")"
[ "$(cat "$TMP/m2.txt")" = "Second file recieve." ] || fail "m2: $(cat "$TMP/m2.txt")"
grep -qF -- "-- wrote 2 files" "$TMP/out" || fail "x did not write both files"

# R applies the fix to every identical hit (each undoable), D keeps the rest, v explains the rule
printf 'I recieve. You recieve. They recieve. We goverment it. A goverment. The end wierd.\n' >"$TMP/r.txt"
printf 'R\ny\nv\nD\ny\nu\nx\n' | run "$TMP/r.txt" >"$TMP/out" 2>&1
grep -qF 'Replace "recieve" -> "receive" here and in 2 more hits? [y/N]' "$TMP/out" || fail "R did not ask with a count"
grep -qF "Keep the original for 3 remaining hits in this file? [y/N]" "$TMP/out" || fail "D did not ask with a count"
grep -qF "bad:  " "$TMP/out" || fail "v showed no rule examples"
[ "$(cat "$TMP/r.txt")" = "I receive. You receive. They receive. We goverment it. A goverment. The end wierd." ] ||
	fail "R/D: $(cat "$TMP/r.txt")"

# g goes to a hit number, / searches text or rule ids (Enter repeats)
printf 'I recieve. You goverment. They recieve. The wierd end.\n' >"$TMP/s.txt"
printf 'g\n3\n/\nrecieve\n/\n\nQ\n' | run "$TMP/s.txt" >"$TMP/out" 2>&1
grep -qF -- '-- found "recieve" at 1:3 ' "$TMP/out" || fail "search did not wrap to the first match"
grep -qF -- '-- found "recieve" at 1:32 ' "$TMP/out" || fail "search did not repeat"
grep -c "s.txt:1:32: SPELLING" "$TMP/out" | grep -qx 2 || fail "g 3 did not go to the third hit"

# each file's .mtpe.yaml applies as for check: disabled rules, ignored files
mkdir -p "$TMP/proj"
printf 'He recieve the goverment letter.\n' >"$TMP/proj/a.txt"
cp "$TMP/proj/a.txt" "$TMP/proj/b.draft.txt"
printf 'disable: [SPELLING]\nignore: ["*.draft.txt"]\n' >"$TMP/proj/.mtpe.yaml"
printf 'q\n' | run "$TMP/proj/a.txt" "$TMP/proj/b.draft.txt" >"$TMP/out" 2>&1
grep -qF "b.draft.txt' is ignored by its .mtpe.yaml; skipped" "$TMP/out" || fail "ignore glob not applied"
grep -q "SPELLING" "$TMP/out" && fail "disabled rule still reported: $(cat "$TMP/out")"

# a fix that would break the file's format (a bare quote in a PO string) is not written
printf 'msgid "He recieve"\nmsgstr "He recieve \\"it\\""\n' >"$TMP/p.po"
cp "$TMP/p.po" "$TMP/p.orig"
printf 'e\nre"ceive\nx\nQ\ny\n' | run "$TMP/p.po" >"$TMP/out" 2>&1
grep -qF "would no longer be valid po" "$TMP/out" || fail "broken PO not refused: $(grep -- '^--' "$TMP/out")"
cmp "$TMP/p.po" "$TMP/p.orig" || fail "broken PO written"

# E rewrites the whole sentence (covering an accepted fix); u undoes it; it survives a resume
printf 'First one is fine. He recieve the goverment letter yesterday. Last.\r\n' >"$TMP/e.txt"
rm -rf "$XDG_STATE_HOME/mtpe"
printf '1\nE\nHe got the government letter yesterday.\nu\nE\nHe got the letter.\n' | run "$TMP/e.txt" >"$TMP/out" 2>&1
grep -qF "Edit the sentence [He receive the goverment letter yesterday.]: " "$TMP/out" || fail "E not pre-filled with the edited sentence"
printf '\nx\n' | run "$TMP/e.txt" >"$TMP/out" 2>&1
grep -qF -- "-- resumed 2 decisions" "$TMP/out" || fail "hand edit not resumed: $(grep -- '^--' "$TMP/out")"
printf 'First one is fine. He got the letter. Last.\r\n' | cmp - "$TMP/e.txt" || fail "E: $(cat "$TMP/e.txt")"

# bad input is refused with a clear message
mkdir "$TMP/dir"
run "$TMP/dir" </dev/null >"$TMP/out" 2>&1 && fail "a directory was accepted"
grep -q "mtpe: " "$TMP/out" || fail "no error message for a directory"
run </dev/null >/dev/null 2>&1; [ $? = 2 ] || fail "no files: expected exit 2"
echo "ok: line mode"
