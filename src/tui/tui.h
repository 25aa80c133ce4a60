/*
 * tui.h - front ends of `mtpe review`: the curses screen (tui.c, the only
 * file that includes curses) and the line mode (line.c) used when stdin or
 * stdout is not a terminal, TERM=dumb, or --no-curses. Both drive a tui_app.
 */
#ifndef MTPE_TUI_TUI_H
#define MTPE_TUI_TUI_H

#include <stdio.h>

#include "app.h"

/* Returned by tui_run_curses when the terminal cannot be used (then use the line mode). */
#define TUI_NO_TERMINAL (-1)
/* Runs the curses UI until quit; returns the exit code or TUI_NO_TERMINAL. */
int tui_run_curses(tui_app *a);

typedef struct tui_line_options {
	int dump_w, dump_h; /* > 0: print the rendered screen (view model) after every key */
} tui_line_options;

/* Runs the line-mode UI on in/out until quit or end of input; returns the exit code. */
int tui_run_line(tui_app *a, FILE *in, FILE *out, const tui_line_options *o);

#endif
