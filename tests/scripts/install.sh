#!/usr/bin/env bash
# `cmake --install` to a prefix gives an mtpe that finds its built-in rules and
# dictionaries with no flags (PREFIX/share/mtpe), even with the source tree out of reach.
set -u
mtpe=$1; src=$2
build=$(cd "$(dirname "$mtpe")" && pwd)
[ -f "$build/CMakeCache.txt" ] || { echo "skipped: $build is not a build tree"; exit 77; }
unset MTPE_DATA_DIR
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
bin="$tmp/prefix/bin/mtpe"
[ -x "$bin" ] || { echo "no $bin after install"; exit 1; }
where=$("$bin" rules show SPELLING | sed -n 's/^  defined: *//p')
case "$where" in
  "$tmp/prefix/share/mtpe/rules/"*) ;;
  *) echo "installed mtpe reads its rules from '$where', not from the prefix"; exit 1 ;;
esac
printf 'The minister met the delegation on may 31 in Moscow.\n' > "$tmp/a.txt"
out=$("$bin" check --color never "$tmp/a.txt"); code=$?
[ $code = 1 ] || { echo "installed mtpe check exited $code"; echo "$out"; exit 1; }
echo "$out" | grep -q "may" || { echo "no finding on 'may 31':"; echo "$out"; exit 1; }
# the build-tree binary works with no flags too
"$mtpe" check --color never "$tmp/a.txt" > /dev/null; [ $? = 1 ] || { echo "build-tree mtpe failed"; exit 1; }
echo "installed to $tmp/prefix: rules from $where"
