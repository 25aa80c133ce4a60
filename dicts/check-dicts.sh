#!/bin/sh
# check-dicts.sh - lint the data files in dicts/ (formats, duplicates, consistency).
#
# Usage: dicts/check-dicts.sh [DICTS_DIR]      (default: the folder of this script)
# Prints one "file:line: problem" per problem and exits 1 if there was any, else 0.
# Needs only POSIX sh, awk, sort and iconv.
set -u

dir=${1:-$(dirname "$0")}
if [ ! -d "$dir/lists" ] || [ ! -d "$dir/words" ]; then
    echo "check-dicts: $dir has no lists/ or words/ folder" >&2
    exit 2
fi
status=0
fail() { status=1; }

# Every file: valid UTF-8, LF line endings, ends with a newline.
for f in "$dir"/lists/*.txt "$dir"/words/*.txt "$dir"/glossary.tsv "$dir"/variants-us-gb.tsv; do
    [ -e "$f" ] || continue
    if ! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then
        echo "$f: not valid UTF-8"; fail
    fi
    if awk '/\r$/ { found = 1; exit } END { exit !found }' "$f"; then
        echo "$f: has CRLF line endings"; fail
    fi
    if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
        echo "$f: does not end with a newline"; fail
    fi
done

# lists/: names usable as {name}; entries trimmed, no tabs, no exact duplicates (entries
# that differ in case are allowed: `in-cased:` and patterns tell them apart).
for f in "$dir"/lists/*.txt; do
    name=$(basename "$f" .txt)
    case $name in
        *[!a-z0-9-]*|'') echo "$f: list name must be lower-case letters, digits and '-'"; fail ;;
    esac
    awk -v F="$f" '
        /^#/ || /^[ \t]*$/ { next }
        /\t/ { print F ":" NR ": entry contains a tab"; bad = 1 }
        /^ / || / $/ { print F ":" NR ": entry has leading or trailing spaces"; bad = 1 }
        { k = $0; if (k in seen) { print F ":" NR ": duplicate of line " seen[k] ": " $0; bad = 1 } else seen[k] = NR }
        END { exit bad }' "$f" || fail
done

# words/: one word per line, no spaces; no duplicates in or across the files.
awk '
    FNR == 1 { file = FILENAME }
    /^#/ || /^$/ { next }
    /[ \t]/ { print file ":" FNR ": a word list entry must be one word: " $0; bad = 1; next }
    { if ($0 in seen) { print file ":" FNR ": duplicate of " seen[$0] ": " $0; bad = 1 } else seen[$0] = file ":" FNR }
    END { exit bad }' "$dir"/words/*.txt || fail

# glossary.tsv: canonical<TAB>variant...; no empty fields; a variant is never a canonical
# form and appears only once.
if [ -e "$dir/glossary.tsv" ]; then
    awk -F '\t' -v F="$dir/glossary.tsv" '
        /^#/ || /^$/ { next }
        {
            if (NF < 2) { print F ":" NR ": needs canonical<TAB>variant"; bad = 1; next }
            for (i = 1; i <= NF; i++) if ($i == "" || $i ~ /^ | $/) { print F ":" NR ": empty field or stray space in field " i; bad = 1 }
            canon[$1] = NR
            for (i = 2; i <= NF; i++) {
                if ($i in var) { print F ":" NR ": variant \"" $i "\" already on line " var[$i]; bad = 1 }
                var[$i] = NR
                if ($i == $1) { print F ":" NR ": variant equals the canonical form"; bad = 1 }
            }
        }
        END {
            for (v in var) if (v in canon) { print F ":" var[v] ": variant \"" v "\" is the canonical form on line " canon[v]; bad = 1 }
            exit bad
        }' "$dir/glossary.tsv" || fail
else
    echo "$dir/glossary.tsv: missing"; fail
fi

# variants-us-gb.tsv: exactly us<TAB>gb, lower case, each form once, no form on both sides.
if [ -e "$dir/variants-us-gb.tsv" ]; then
    awk -F '\t' -v F="$dir/variants-us-gb.tsv" '
        /^#/ || /^$/ { next }
        {
            if (NF != 2) { print F ":" NR ": needs exactly us<TAB>gb"; bad = 1; next }
            if ($0 != tolower($0)) { print F ":" NR ": must be lower case"; bad = 1 }
            if ($1 == $2) { print F ":" NR ": both sides are the same"; bad = 1 }
            if ($1 in us) { print F ":" NR ": us form \"" $1 "\" already on line " us[$1]; bad = 1 }
            if ($2 in gb) { print F ":" NR ": gb form \"" $2 "\" already on line " gb[$2]; bad = 1 }
            us[$1] = NR; gb[$2] = NR
        }
        END {
            for (w in us) if (w in gb) { print F ":" us[w] ": \"" w "\" is both a us and a gb form"; bad = 1 }
            exit bad
        }' "$dir/variants-us-gb.tsv" || fail
else
    echo "$dir/variants-us-gb.tsv: missing"; fail
fi

# lists/institution-words.txt must be the words of lists/institutions.txt.
if [ -e "$dir/lists/institutions.txt" ] && [ -e "$dir/lists/institution-words.txt" ]; then
    want=$(grep -v '^#' "$dir/lists/institutions.txt" | tr ' ,' '\n\n' | grep -vx 'of\|the\|and\|for\|on\|' | sort -uf)
    have=$(grep -v '^#' "$dir/lists/institution-words.txt" | grep -v '^$' | sort -uf)
    if [ "$want" != "$have" ]; then
        echo "$dir/lists/institution-words.txt: out of date with institutions.txt (regenerate: see dicts/README.md)"
        fail
    fi
fi

[ $status -eq 0 ] && echo "check-dicts: all files OK"
exit $status
