/*
 * line.c - the line mode of `mtpe review`: one hit at a time as plain text,
 * one key per input line (an empty line is Enter), the same keys as the
 * screen. `e` reads the replacement from the next line (empty = the
 * pre-filled suggestion). End of input quits; the journal keeps decisions.
 * Modelled on aspell's dumb terminal mode and git's line prompts.
 */
#include "tui.h"
#include "view.h"
#include "width.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_line(FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, in);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* Prints s[0..n) with newlines and tabs as spaces. */
static void put_flat(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		fputc(c, out);
	}
}

/* Byte offset at most `cells` cells before/after pos, on a cluster boundary. */
static size_t back_cells(const char *s, size_t pos, size_t cells)
{
	size_t start = 0;
	while (start < pos && tui_str_width(s + start, pos - start) > cells) {
		int cw, bad;
		start += tui_cluster(s, pos, start, &cw, &bad);
	}
	return start;
}

static size_t fwd_cells(const char *s, size_t n, size_t pos, size_t cells)
{
	size_t w = 0, i = pos;
	while (i < n) {
		int cw, bad;
		size_t l = tui_cluster(s, n, i, &cw, &bad);
		if (w + (size_t)cw > cells)
			break;
		w += (size_t)cw;
		i += l;
	}
	return i;
}

static void print_hit(tui_app *a, FILE *out)
{
	tui_file *f = tui_app_file(a);
	mtpe_session_counts c;
	mtpe_session_counts_get(f->s, &c);
	if (f->cur < 0) {
		fprintf(out, "%s: no findings\n", f->path);
		return;
	}
	const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
	char was[400];
	tui_decision_label(f->s, (size_t)f->cur, was, sizeof(was));
	fprintf(out, "%s:%d:%d: %s: %s", f->path, h->f.line, h->f.column, h->f.rule, h->f.message ? h->f.message : "");
	if (h->unstable)
		fprintf(out, " (the fix raised this rule again)");
	if (was[0])
		fprintf(out, " (%s)", was);
	fputc('\n', out);
	mtpe_buf pv = MTPE_BUF_INIT;
	size_t hs = 0, he = 0;
	if (mtpe_session_preview(f->s, (size_t)f->cur, NULL, &pv, &hs, &he) == 0 && pv.ptr) {
		size_t s0 = back_cells(pv.ptr, hs, 30);
		size_t e0 = fwd_cells(pv.ptr, pv.len, he, 40);
		fputs("  ", out);
		if (s0)
			fputs("...", out);
		put_flat(out, pv.ptr + s0, hs - s0);
		fputc('*', out);
		put_flat(out, pv.ptr + hs, he - hs);
		fputc('*', out);
		put_flat(out, pv.ptr + he, e0 - he);
		if (e0 < pv.len)
			fputs("...", out);
		fputc('\n', out);
	}
	mtpe_buf_dispose(&pv);
	if (h->f.nreplacements) {
		fputs(" ", out);
		int first = a->page * 9;
		for (int k = first; k < (int)h->f.nreplacements && k < first + 9; k++) {
			fprintf(out, " %s%d) ", k == a->hl ? ">" : "", k - first + 1);
			put_flat(out, h->f.replacements[k], strlen(h->f.replacements[k]));
		}
		if ((int)h->f.nreplacements > first + 9)
			fputs("  m) more", out);
		fputc('\n', out);
	} else {
		fputs("  (no suggestions)\n", out);
	}
}

static void dump_out(const char *s, size_t n, void *data)
{
	fwrite(s, 1, n, (FILE *)data);
}

static int key_of_line(const char *line)
{
	if (!line[0])
		return '\n';
	if (!strcmp(line, "^R") || !strcmp(line, "redo"))
		return TUI_CTRL('r');
	if (!strcmp(line, "^L"))
		return TUI_CTRL('l');
	if (!strcmp(line, "^C"))
		return TUI_CTRL('c');
	if (!strcmp(line, "esc"))
		return TUI_KEY_ESC;
	if (!strcmp(line, "up"))
		return TUI_KEY_UP;
	if (!strcmp(line, "down") || !strcmp(line, "tab"))
		return TUI_KEY_DOWN;
	if (!strcmp(line, "left"))
		return TUI_KEY_LEFT;
	if (!strcmp(line, "right"))
		return TUI_KEY_RIGHT;
	if (!strcmp(line, "pgup"))
		return TUI_KEY_PGUP;
	if (!strcmp(line, "pgdn"))
		return TUI_KEY_PGDN;
	if (!strcmp(line, "space"))
		return ' ';
	size_t l;
	uint32_t cp = mtpe_utf8_seqlen((const unsigned char *)line, strlen(line))
			      ? mtpe_utf8_decode(line, strlen(line), &l) : (uint32_t)(unsigned char)line[0];
	return (int)cp;
}

int tui_run_line(tui_app *a, FILE *in, FILE *out, const tui_line_options *o)
{
	tui_app_start(a);
	long shown_hit = -2;
	size_t shown_file = (size_t)-1;
	bool dump = o && o->dump_w > 0 && o->dump_h > 0;
	bool echo = !isatty(fileno(in));
	tui_view v;
	memset(&v, 0, sizeof(v));
	while (!a->quit) {
		char buf[1024];
		tui_file *f = tui_app_file(a);
		if (a->msg[0]) {
			fprintf(out, "-- %s\n", a->msg);
			a->msg[0] = '\0';
		}
		if (dump) {
			tui_view_render(&v, a, o->dump_w, o->dump_h);
			fprintf(out, "--- screen %dx%d ---\n", o->dump_w, o->dump_h);
			tui_view_dump(&v, dump_out, out);
			fprintf(out, "--- end ---\n");
		}
		switch (a->mode) {
		case TUI_MODE_RESUME:
		case TUI_MODE_CONFIRM:
		case TUI_MODE_QUITASK:
			fprintf(out, "%s ", tui_app_prompt(a, buf, sizeof(buf)));
			break;
		case TUI_MODE_EDIT: {
			if (a->edit_kind == TUI_EDIT_SENTENCE) {
				fputs("Edit the sentence [", out);
				put_flat(out, a->edit ? a->edit : "", a->edit_len);
				fputs("]: ", out);
				break;
			}
			if (a->edit_kind != TUI_EDIT_REPLACE) {
				fprintf(out, "%s", tui_app_prompt(a, buf, sizeof(buf)));
				break;
			}
			const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
			fprintf(out, "Replace \"%s\" with [%.*s]: ", h->f.text ? h->f.text : "", (int)a->edit_len,
				a->edit ? a->edit : "");
			break;
		}
		case TUI_MODE_DETAILS: {
			mtpe_buf d = MTPE_BUF_INIT;
			if (tui_app_details(a, &d) == 0 && d.ptr)
				fprintf(out, "%s\n", d.ptr);
			mtpe_buf_dispose(&d);
			tui_app_key(a, ' ');
			continue;
		}
		case TUI_MODE_HELP:
			fputs("Keys: 1-9 accept N; Enter/y accept the highlighted (>) one; n or space keep; e edit\n"
			      "(next line is the text, empty = as shown); i ignore this match; I ignore the rule;\n"
			      "E edit the sentence (next line); a add to dictionary; R this fix on all identical\n"
			      "hits; D keep all remaining; v rule\n"
			      "details; g go to hit N; / search; u undo; ^R redo; j/k next/prev undecided;\n"
			      "J/K next/prev hit;\n"
			      "up/down move the highlight; m more; >/< next/prev file; w write; x write and quit;\n"
			      "q quit (asks if unsaved); Q quit without writing; ? help. End of input quits.\n", out);
			tui_app_key(a, ' ');
			continue;
		default:
			if (!dump && (f->cur != shown_hit || a->cur != shown_file)) {
				print_hit(a, out);
				shown_hit = f->cur;
				shown_file = a->cur;
			}
			if (f->cur >= 0) {
				mtpe_session_counts c;
				mtpe_session_counts_get(f->s, &c);
				fprintf(out, "(%zu/%zu) Accept [1-9,y,n,e,E,i,I,a,R,D,v,g,/,u,^R,j,k,J,K,w,x,q,Q,?]? ",
					mtpe_session_hit_rank(f->s, (size_t)f->cur), c.total);
			} else {
				fputs("[w,x,q,Q,>,<,?]? ", out);
			}
			break;
		}
		fflush(out);
		char *line = read_line(in);
		if (line && echo)
			fprintf(out, "%s\n", line); /* keep transcripts readable */
		if (!line) {
			fputc('\n', out);
			if (a->mode == TUI_MODE_EDIT)
				tui_app_key(a, TUI_KEY_ESC);
			tui_app_key(a, TUI_KEY_EOF);
			break;
		}
		if (a->mode == TUI_MODE_EDIT) {
			if (line[0]) {
				tui_app_key(a, TUI_CTRL('u'));
				const char *p = line;
				size_t n = strlen(line);
				while (*p) {
					size_t l = mtpe_utf8_seqlen((const unsigned char *)p, n - (size_t)(p - line));
					if (!l) {
						p++;
						continue;
					}
					size_t dl;
					tui_app_key(a, (int)mtpe_utf8_decode(p, l, &dl));
					p += l;
				}
			}
			tui_app_key(a, '\n');
		} else if (a->mode != TUI_MODE_NORMAL && !line[0]) {
			/* an empty answer takes the default: resume yes, the others no */
			tui_app_key(a, a->mode == TUI_MODE_RESUME ? 'y' : 'n');
		} else {
			int key = key_of_line(line);
			long before = f->cur;
			tui_app_key(a, key);
			if (a->mode == TUI_MODE_NORMAL && (key == 'u' || key == TUI_CTRL('r')))
				shown_hit = -2; /* show the hit again after undo/redo */
			(void)before;
		}
		free(line);
	}
	if (a->msg[0]) {
		fprintf(out, "-- %s\n", a->msg);
		a->msg[0] = '\0';
	}
	fflush(out);
	tui_view_dispose(&v);
	return a->exit_code;
}
