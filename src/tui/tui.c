/*
 * tui.c - the curses front end: the ONLY file that includes curses. It maps
 * curses keys to app keys, paints the view model, handles KEY_RESIZE,
 * Ctrl-Z, and restores the terminal on exit and on SIGTERM/SIGHUP (the
 * journal is already on disk: it is fsync'd after every decision).
 */
#include "tui.h"
#include "view.h"

#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static volatile sig_atomic_t curses_on;

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
}

static void on_fatal_signal(int sig)
{
	/* decisions are already journaled; restore the terminal and go */
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

static int map_key(int r, wint_t wc)
{
	if (r == KEY_CODE_YES) {
		switch (wc) {
		case KEY_UP: return TUI_KEY_UP;
		case KEY_DOWN: return TUI_KEY_DOWN;
		case KEY_LEFT: return TUI_KEY_LEFT;
		case KEY_RIGHT: return TUI_KEY_RIGHT;
		case KEY_PPAGE: return TUI_KEY_PGUP;
		case KEY_NPAGE: return TUI_KEY_PGDN;
		case KEY_HOME: return TUI_KEY_HOME;
		case KEY_END: return TUI_KEY_END;
		case KEY_BACKSPACE: return TUI_KEY_BACKSPACE;
		case KEY_DC: return TUI_KEY_DELETE;
		case KEY_ENTER: return TUI_KEY_ENTER;
		case KEY_BTAB: return TUI_KEY_BTAB;
		case KEY_RESIZE: return TUI_KEY_RESIZE;
		default: return -1;
		}
	}
	if (wc == '\r')
		return '\n';
	if (wc == 127 || wc == 8)
		return TUI_KEY_BACKSPACE;
	return (int)wc;
}

static attr_t attrs_of(uint8_t a, short *pair)
{
	attr_t r = A_NORMAL;
	*pair = 0;
	if (a & TUI_A_REVERSE)
		r |= A_REVERSE;
	if (a & TUI_A_BOLD)
		r |= A_BOLD;
	if (a & TUI_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TUI_A_DIM)
		r |= A_DIM;
	if (a & TUI_A_EDITED) {
		if (has_colors())
			*pair = 1;
		else
			r |= A_BOLD;
	}
	if (a & TUI_A_ERROR) {
		if (has_colors())
			*pair = 2;
		r |= A_BOLD;
	}
	return r;
}

static void paint(const tui_view *v)
{
	for (int y = 0; y < v->h; y++) {
		for (int x = 0; x < v->w; x++) {
			const tui_cell *c = tui_view_cell(v, y, x);
			if (c->width == 0)
				continue;
			wchar_t wcs[CCHARW_MAX + 1];
			size_t k = 0;
			const char *s = c->ch[0] ? c->ch : " ";
			size_t n = strlen(s);
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			for (size_t i = 0; i < n && k < CCHARW_MAX;) {
				wchar_t w;
				size_t l = mbrtowc(&w, s + i, n - i, &st);
				if (l == (size_t)-1 || l == (size_t)-2 || l == 0)
					break;
				/* only the base and its non-spacing followers fit in one cchar */
				if (k > 0 && wcwidth(w) != 0)
					break;
				wcs[k++] = w;
				i += l;
			}
			if (!k)
				wcs[k++] = L'?';
			wcs[k] = L'\0';
			short pair;
			attr_t at = attrs_of(c->attr, &pair);
			cchar_t cc;
			if (setcchar(&cc, wcs, at, pair, NULL) == ERR) {
				wcs[1] = L'\0';
				setcchar(&cc, wcs, at, pair, NULL);
			}
			mvadd_wch(y, x, &cc);
		}
	}
	if (v->cursor_y >= 0) {
		curs_set(1);
		move(v->cursor_y, v->cursor_x);
	} else {
		curs_set(0);
		move(v->h - 1, 0);
	}
}

static void suspend(void)
{
	def_prog_mode();
	endwin();
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);
	/* continued */
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
}

static tui_view *notify_view;

/* Draws the screen at once (the app is about to block). */
static void notify_now(tui_app *a)
{
	int h, w;
	getmaxyx(stdscr, h, w);
	if (notify_view && tui_view_render(notify_view, a, w, h) == 0) {
		paint(notify_view);
		refresh();
	}
}

int tui_run_curses(tui_app *a)
{
	const char *cs = nl_langinfo(CODESET);
	bool utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	/* newterm, unlike initscr, reports an unusable terminal instead of exiting */
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return TUI_NO_TERMINAL;
	set_term(scr);
	curses_on = 1;
	atexit(restore_terminal);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_RED, -1);
	}
	tui_app_start(a);
	if (!utf8 && a->mode == TUI_MODE_NORMAL) {
		snprintf(a->msg, sizeof(a->msg), "the locale is not UTF-8 (%s): some text may show as '?'", cs ? cs : "?");
		a->msg_error = true;
	}
	tui_view v;
	memset(&v, 0, sizeof(v));
	notify_view = &v;
	a->notify = notify_now;
	int rc = 0;
	bool draw = true;
	for (;;) {
		if (draw) {
			int h, w;
			getmaxyx(stdscr, h, w);
			tui_view_render(&v, a, w, h);
			paint(&v);
			refresh();
		}
		draw = true;
		if (a->quit)
			break;
		wint_t wc;
		/* while a background check runs, wake up to merge its results */
		bool busy = tui_app_busy(a) || a->worker_started;
		timeout(busy ? 100 : -1);
		int r = get_wch(&wc);
		if (busy && tui_app_poll(a))
			draw = true;
		else if (r == ERR)
			draw = false;
		if (r == ERR)
			continue;
		if (r == OK && wc == TUI_CTRL('z')) {
			suspend();
			continue;
		}
		int key = map_key(r, wc);
		if (key < 0)
			continue;
		int res = tui_app_key(a, key);
		if (res & TUI_R_FULL)
			clearok(curscr, TRUE);
		if (res & TUI_R_QUIT)
			break;
	}
	rc = a->exit_code;
	a->notify = NULL;
	notify_view = NULL;
	tui_view_dispose(&v);
	restore_terminal();
	delscreen(scr);
	return rc;
}
