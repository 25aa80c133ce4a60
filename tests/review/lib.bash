# lib.bash - helpers for the review tests (sourced; not a test itself).
# Usage in a test: source "$(dirname "$0")/lib.bash" "$@"
# Gives: $MTPE, $SRC, $TMP (removed on exit) with HOME/XDG dirs inside it,
# tmux helpers that poll capture-pane (never fixed sleeps).
set -u
MTPE=${1:?usage: $0 <path-to-mtpe> <source-dir>}
SRC=${2:?usage: $0 <path-to-mtpe> <source-dir>}
TMP=$(mktemp -d /tmp/mtpe-review-test.XXXXXX)
export HOME=$TMP/home XDG_STATE_HOME=$TMP/state XDG_CONFIG_HOME=$TMP/config
mkdir -p "$HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
SOCK=$TMP/tmux.sock
REVIEW_OPTS=(--data-dir "$SRC" --source-lang none)

cleanup() {
	tmux -S "$SOCK" kill-server >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if [ -S "$SOCK" ]; then
		echo "--- screen ---" >&2
		tmux -S "$SOCK" capture-pane -p -t t >&2 2>/dev/null
		echo "--------------" >&2
	fi
	exit 1
}

need_tmux() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "SKIP: tmux is not installed"
		exit 77
	fi
}

T() { tmux -S "$SOCK" "$@"; }

# start_review W H ARGS... : runs mtpe review in a fresh tmux session "t".
start_review() {
	local w=$1 h=$2
	shift 2
	rm -f "$TMP/exit"
	T kill-session -t t >/dev/null 2>&1
	local cmd="cd '$TMP' && TERM=xterm-256color '$MTPE' review ${REVIEW_OPTS[*]} $*; echo \$? > '$TMP/exit'; sleep 600"
	T new-session -d -s t -x "$w" -y "$h" "$cmd" || fail "tmux new-session"
}

screen() { T capture-pane -p -J -t t; }

# wait_for TEXT [SECONDS]: polls the screen every 50 ms until TEXT shows.
wait_for() {
	local want=$1 limit=${2:-10} i=0
	local n=$((limit * 20))
	while [ $i -lt $n ]; do
		if screen 2>/dev/null | grep -qF -- "$want"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "timed out waiting for '$want'"
}

# wait_exit [SECONDS]: waits until the review process has exited; prints its status.
wait_exit() {
	local limit=${1:-10} i=0
	while [ $i -lt $((limit * 20)) ]; do
		if [ -s "$TMP/exit" ]; then
			cat "$TMP/exit"
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "review did not exit"
}

keys() { T send-keys -t t "$@"; }

# review_pid: pid of the mtpe process in the pane.
review_pid() {
	local shpid
	shpid=$(T display-message -p -t t '#{pane_pid}')
	pgrep -P "$shpid" -f "review" | head -1
}

# The CRLF + BOM + no-final-newline fixture used by several tests.
make_fixture() {
	printf '\xef\xbb\xbfTeh goverment recieve the letter.\r\nIt was definately late.\r\nNo final newline here wierd' >"$1"
}
