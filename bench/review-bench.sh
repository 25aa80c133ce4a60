#!/bin/bash
# review-bench.sh - benchmark of `mtpe review` (not a timed test).
#   bench/review-bench.sh [BUILD_DIR]   (default: ./build)
# Generates a 5 MB text with about 20,000 findings, builds bench/review-bench.c
# against the build's static libraries, and prints the open time and the
# keystroke-to-redraw latencies (targets: open < 1 s, keystroke < 50 ms).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
[ -f "$BUILD/src/libmtpe_core.a" ] && [ -f "$BUILD/src/libmtpe_tui.a" ] ||
	{ echo "build mtpe first (cmake --build $BUILD)"; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP XDG_STATE_HOME=$TMP/state XDG_CONFIG_HOME=$TMP/config MTPE_DATA_DIR=$SRC

python3 - "$TMP/big.txt" <<'PY'
import random, sys
random.seed(1)
words = ('the committee approved budget after long debate minister said historic moment for country '
         'and she added that increase in funding would follow next year critics argued proposal lacked '
         'detail on dates how money will be spent').split()
out, size = [], 0
while size < 5 * 1024 * 1024:
    w = [random.choice(words) for _ in range(38)]
    w.insert(random.randrange(len(w)), 'recieve')   # one spelling finding per line
    s = ' '.join(w).capitalize() + '.\n'
    out.append(s)
    size += len(s)
open(sys.argv[1], 'w').write(''.join(out))
PY

# link like the mtpe executable does (its dependency list lives in the build)
LIBS=$(sed -e 's/.* -o [^ ]*//' "$BUILD/src/CMakeFiles/mtpe.dir/link.txt")
(cd "$BUILD/src" && cc -O2 -std=c17 -D_XOPEN_SOURCE=700 -I"$SRC/src/include" -I"$SRC/src/tui" \
	"$SRC/bench/review-bench.c" $LIBS -o "$TMP/review-bench")
echo "== mtpe review benchmark ($(nproc) cores) =="
${BENCH_WRAP:-} env BENCH_SOURCE_LANG=none "$TMP/review-bench" "$TMP/big.txt" "${KEYS:-2000}"
