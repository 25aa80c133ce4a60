/*
 * view.h - the curses-free view model: the whole screen as a grid of cells
 * (a UTF-8 cluster, its width and attributes), rendered from the app state.
 * tui.c only paints the grid; tests inspect it.
 *
 * Layout (REVIEW-UI.md): status bar; context pane (hit about a third down,
 * pending hits underlined, accepted edits shown in their new form with `*` in
 * the gutter, long lines wrapped, far text elided with `<`/`>`); issue pane;
 * numbered suggestions with an "after:" preview; key hints; prompt row.
 * Below 12 rows or 60 columns a compact layout is used; below 5 rows or 20
 * columns only "terminal too small - enlarge or press q".
 */
#ifndef MTPE_TUI_VIEW_H
#define MTPE_TUI_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"

enum {
	TUI_A_REVERSE = 1,
	TUI_A_BOLD = 2,
	TUI_A_UNDERLINE = 4,
	TUI_A_DIM = 8,
	TUI_A_EDITED = 16, /* text of an accepted, unsaved fix */
	TUI_A_ERROR = 32,
	TUI_A_CURSOR = 64  /* where the terminal cursor goes (edit prompt) */
};

typedef struct tui_cell {
	char ch[28];    /* UTF-8 of the cluster; "" = blank */
	uint8_t width;  /* 1 or 2; 0 = right half of a wide cluster */
	uint8_t attr;
} tui_cell;

typedef struct tui_view {
	int w, h;
	tui_cell *cells; /* h rows of w cells */
	int cursor_y, cursor_x; /* -1 = hidden */
	bool compact, too_small;
} tui_view;

/* Renders the app into v at w x h (reallocates the grid). Returns 0 or MTPE_ENOMEM. */
int tui_view_render(tui_view *v, const tui_app *a, int w, int h);
void tui_view_dispose(tui_view *v);
/* Row y as UTF-8 text (trailing blanks trimmed) into buf; returns buf. */
char *tui_view_row(const tui_view *v, int y, char *buf, size_t n);
/* Cell at (y, x). */
const tui_cell *tui_view_cell(const tui_view *v, int y, int x);
/* Writes the whole screen as text, one row per line (for --dump-screen and tests). */
void tui_view_dump(const tui_view *v, void (*out)(const char *s, size_t n, void *data), void *data);

#endif
