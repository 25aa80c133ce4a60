/*
 * width.h - display width of UTF-8 text in terminal cells (wcwidth), by
 * cluster: a base character plus the combining marks, variation selectors,
 * emoji modifiers and ZWJ-joined characters that follow it. Needs a UTF-8
 * LC_CTYPE. Invalid bytes and control characters show as U+FFFD (1 cell).
 */
#ifndef MTPE_TUI_WIDTH_H
#define MTPE_TUI_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Cells of code point cp: 0 (combining, joiners), 1, 2; -1 for control characters. */
int tui_cp_width(uint32_t cp);
/*
 * Length in bytes of the cluster starting at s[i] (at least 1), and its width
 * in *width (1 or 2; a control byte or invalid sequence gives 1 and *bad = 1).
 */
size_t tui_cluster(const char *s, size_t n, size_t i, int *width, int *bad);
/* Width in cells of s[0..n) (tabs count as 1 cell here). */
size_t tui_str_width(const char *s, size_t n);

#endif
