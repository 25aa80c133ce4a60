/* view.c - renders the review state into a grid of cells (no curses). */
#include "view.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIP 8192 /* bytes of a long line shown either side of the hit */

static tui_cell *cell(tui_view *v, int y, int x)
{
	return &v->cells[(size_t)y * (size_t)v->w + (size_t)x];
}

const tui_cell *tui_view_cell(const tui_view *v, int y, int x)
{
	if (y < 0 || y >= v->h || x < 0 || x >= v->w)
		return NULL;
	return &v->cells[(size_t)y * (size_t)v->w + (size_t)x];
}

static void fill(tui_view *v, int y, uint8_t attr)
{
	if (y < 0 || y >= v->h)
		return;
	for (int x = 0; x < v->w; x++) {
		tui_cell *c = cell(v, y, x);
		c->ch[0] = '\0';
		c->width = 1;
		c->attr = attr;
	}
}

/* Puts one cluster at (y, x); returns the next x (x unchanged if it does not fit before maxx). */
static int put_cluster(tui_view *v, int y, int x, const char *s, size_t n, int cw, bool bad, uint8_t attr, int maxx)
{
	if (y < 0 || y >= v->h || x < 0 || x + cw > maxx || x + cw > v->w)
		return x;
	tui_cell *c = cell(v, y, x);
	if (bad || (n == 1 && ((unsigned char)s[0] < 0x20 || s[0] == 0x7f))) {
		memcpy(c->ch, "\xEF\xBF\xBD", 4);
	} else {
		size_t k = n < sizeof(c->ch) - 1 ? n : 0;
		if (!k) { /* an absurdly long cluster: keep its base character */
			k = mtpe_utf8_seqlen((const unsigned char *)s, n);
			if (!k || k >= sizeof(c->ch))
				k = 0;
		}
		memcpy(c->ch, s, k);
		c->ch[k] = '\0';
	}
	c->width = (uint8_t)cw;
	c->attr = attr;
	if (cw == 2) {
		tui_cell *r = cell(v, y, x + 1);
		r->ch[0] = '\0';
		r->width = 0;
		r->attr = attr;
	}
	return x + cw;
}

/* Puts text (newlines and tabs shown as spaces) from x up to maxx; returns the next x. */
static int put(tui_view *v, int y, int x, const char *s, size_t n, uint8_t attr, int maxx)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
			int nx = put_cluster(v, y, x, " ", 1, 1, false, attr, maxx);
			if (nx == x)
				return x;
			x = nx;
			i++;
			continue;
		}
		int cw, bad;
		size_t l = tui_cluster(s, n, i, &cw, &bad);
		int nx = put_cluster(v, y, x, s + i, l, cw, bad, attr, maxx);
		if (nx == x)
			return x;
		x = nx;
		i += l;
	}
	return x;
}

static int puts_(tui_view *v, int y, int x, const char *s, uint8_t attr, int maxx)
{
	return put(v, y, x, s, strlen(s), attr, maxx);
}

/* Writes s at the right end of row y (if it fits after minx). */
static void put_right(tui_view *v, int y, const char *s, uint8_t attr, int minx)
{
	int w = (int)tui_str_width(s, strlen(s));
	int x = v->w - w - 1;
	if (x > minx)
		puts_(v, y, x, s, attr, v->w);
}

/* Word-wraps s into at most maxrows rows from row y, column x; returns rows used. */
static int put_wrapped(tui_view *v, int y, int x, const char *s, uint8_t attr, int maxrows)
{
	size_t n = strlen(s), i = 0;
	int rows = 0;
	int width = v->w - x - 1;
	if (width < 4)
		return 0;
	while (i < n && rows < maxrows) {
		size_t j = i, last_space = 0;
		int col = 0;
		while (j < n) {
			int cw, bad;
			size_t l = tui_cluster(s, n, j, &cw, &bad);
			if (col + cw > width)
				break;
			if (s[j] == ' ')
				last_space = j;
			col += cw;
			j += l;
		}
		if (j < n && s[j] == ' ')
			; /* breaks at a space exactly */
		else if (j < n && last_space > i && rows < maxrows - 1)
			j = last_space + 1;
		if (j < n && rows == maxrows - 1) {
			/* last row: end with an ellipsis */
			put(v, y + rows, x, s + i, j - i, attr, v->w - 4);
			int ex = x + (int)tui_str_width(s + i, j - i);
			if (ex > v->w - 4)
				ex = v->w - 4;
			puts_(v, y + rows, ex, "...", attr, v->w);
			return rows + 1;
		}
		put(v, y + rows, x, s + i, j - i, attr, v->w);
		rows++;
		i = j;
		while (i < n && s[i] == ' ')
			i++;
	}
	return rows;
}

/* ---- context pane ---------------------------------------------------------- */

typedef struct row_span {
	size_t s, e;     /* bytes of the edited window */
	int lineno;      /* 0 = continuation row */
	bool edited;     /* the logical line holds an accepted edit */
} row_span;

typedef struct span { size_t s, e; uint8_t attr; } span;

static size_t utf8_fix_back(const char *d, size_t lo, size_t off)
{
	while (off > lo && ((unsigned char)d[off] & 0xC0) == 0x80)
		off--;
	return off;
}

static int digits(int n)
{
	int d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Splits a logical line [ls, le) of t into rows of at most tw cells. */
static int wrap_line(const char *t, size_t ls, size_t le, int tw, row_span **rows, size_t *nrows, size_t *cap,
		     int lineno, bool edited)
{
	size_t i = ls;
	bool first = true;
	do {
		size_t j = i, last_space = 0;
		int col = 0;
		while (j < le) {
			int cw, bad;
			size_t l;
			if (t[j] == '\t') {
				cw = 8 - col % 8;
				l = 1;
				if (col + cw > tw)
					cw = tw - col > 0 ? tw - col : 1;
			} else {
				l = tui_cluster(t, le, j, &cw, &bad);
			}
			if (col + cw > tw)
				break;
			if (t[j] == ' ')
				last_space = j;
			col += cw;
			j += l;
		}
		if (j < le && t[j] == ' ')
			j++; /* the space at the break stays at the end of the row */
		else if (j < le && last_space > i)
			j = last_space + 1;
		if (j == i && j < le) { /* a cluster wider than the row: take it anyway */
			int cw, bad;
			j += tui_cluster(t, le, j, &cw, &bad);
		}
		if (*nrows == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			row_span *r = realloc(*rows, nc * sizeof(*r));
			if (!r)
				return MTPE_ENOMEM;
			*rows = r;
			*cap = nc;
		}
		(*rows)[(*nrows)++] = (row_span){ i, j, first ? lineno : 0, edited };
		first = false;
		i = j;
	} while (i < le);
	return 0;
}

static uint8_t attr_at(const span *sp, size_t nsp, size_t off)
{
	uint8_t a = 0;
	for (size_t i = 0; i < nsp; i++)
		if (sp[i].s <= off && off < sp[i].e)
			a |= sp[i].attr;
	return a;
}

static int render_context(tui_view *v, const tui_app *a, int y0, int ph)
{
	tui_file *f = tui_app_file(a);
	const mtpe_session *s = f->s;
	const mtpe_doc *doc = mtpe_session_doc(s);
	long cur = f->cur;
	int error = 0;
	if (ph <= 0)
		return 0;
	int shown = ph + 2 * a->ctx_extra;
	if (shown < 1)
		shown = 1;
	if (shown > ph)
		shown = ph;
	int yoff = y0 + (ph - shown) / 2;
	ph = shown;
	size_t a0 = doc->bom, b0 = doc->bom;
	int line = 1;
	if (cur >= 0) {
		const mtpe_hit *h = mtpe_session_hit(s, (size_t)cur);
		a0 = h->f.offset;
		b0 = h->f.offset + h->f.length;
		line = h->f.line;
	}
	size_t ws, we, tmp;
	int first_line = line - ph > 1 ? line - ph : 1;
	mtpe_doc_line_span(doc, first_line, &ws, &tmp);
	mtpe_doc_line_span(doc, line + ph, &tmp, &we);
	if (we < b0)
		we = b0;
	bool lclip = false, rclip = false;
	if (a0 > ws + CLIP) {
		ws = a0 - CLIP;
		while (ws < a0 && ((unsigned char)doc->data[ws] & 0xC0) == 0x80)
			ws++;
		lclip = true;
	}
	if (we > b0 + CLIP) {
		we = utf8_fix_back(doc->data, b0, b0 + CLIP);
		rclip = true;
	}
	mtpe_buf e = MTPE_BUF_INIT;
	mtpe_piece *p = NULL;
	size_t np = 0, wws, wwe;
	row_span *rows = NULL;
	size_t nrows = 0, caprows = 0;
	span *sp = NULL;
	size_t nsp = 0;
	if ((error = mtpe_session_edited(s, ws, we, &e, &p, &np, &wws, &wwe)) < 0)
		goto done;
	const char *t = e.ptr ? e.ptr : "";
	/* highlights: the hit, other pending hits, accepted edits */
	size_t nh = mtpe_session_hit_count(s);
	size_t capsp = np + 8;
	sp = malloc(capsp * sizeof(*sp));
	if (!sp) {
		error = MTPE_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < np; i++)
		if (p[i].dec_id)
			sp[nsp++] = (span){ p[i].e_start, p[i].e_end, TUI_A_EDITED };
	size_t hs = 0, he = 0;
	if (cur >= 0) {
		hs = mtpe_piece_map(p, np, a0, false);
		he = mtpe_piece_map(p, np, b0, true);
		if (he <= hs) { /* an insertion point: mark the next character */
			int cw, bad;
			he = hs < e.len ? hs + tui_cluster(t, e.len, hs, &cw, &bad) : hs;
		}
	}
	for (size_t i = 0; i < nh; i++) {
		if ((long)i == cur || mtpe_session_hit_state(s, i) != MTPE_HIT_PENDING)
			continue;
		const mtpe_hit *h = mtpe_session_hit(s, i);
		if (h->f.offset + h->f.length <= wws || h->f.offset >= wwe || !h->f.length)
			continue;
		if (nsp + 2 > capsp) {
			capsp *= 2;
			span *n2 = realloc(sp, capsp * sizeof(*sp));
			if (!n2) {
				error = MTPE_ENOMEM;
				goto done;
			}
			sp = n2;
		}
		sp[nsp++] = (span){ mtpe_piece_map(p, np, h->f.offset, false),
				    mtpe_piece_map(p, np, h->f.offset + h->f.length, true), TUI_A_UNDERLINE };
	}
	if (cur >= 0)
		sp[nsp++] = (span){ hs, he, TUI_A_REVERSE | TUI_A_BOLD };
	/* gutter */
	int l0, c0;
	mtpe_doc_linecol(doc, wws, &l0, &c0);
	int maxline = l0 + ph * 2 + 2;
	int nd = digits(maxline);
	if (!v->compact && nd < 4)
		nd = 4;
	int gw = v->compact ? nd + 2 : nd + 4; /* " 41| " or "   41 | " */
	int tw = v->w - gw - 1;
	if (tw < 4) {
		gw = 0;
		tw = v->w;
	}
	/* logical lines -> rows */
	size_t i = 0;
	int ln = l0;
	size_t hitrow = 0;
	while (i <= e.len) {
		size_t j = i;
		while (j < e.len && t[j] != '\n' && t[j] != '\r')
			j++;
		bool edited = false;
		for (size_t k = 0; k < np; k++)
			if (p[k].dec_id && p[k].e_start <= j && p[k].e_end >= i)
				edited = true;
		size_t before = nrows;
		if ((error = wrap_line(t, i, j, tw, &rows, &nrows, &caprows, ln, edited)) < 0)
			goto done;
		for (size_t r = before; r < nrows; r++)
			if (rows[r].s <= hs && (hs < rows[r].e || (hs == rows[r].e && r + 1 == nrows)))
				hitrow = r;
		if (j >= e.len)
			break;
		if (t[j] == '\r' && j + 1 < e.len && t[j + 1] == '\n')
			j++;
		i = j + 1;
		ln++;
		if (rows[nrows - 1].s > he && nrows > hitrow + (size_t)ph * 2)
			break; /* enough below the hit */
	}
	long top = (long)hitrow - ph / 3 + a->scroll;
	if (top > (long)nrows - 1)
		top = (long)nrows - 1;
	if (top < 0)
		top = 0;
	for (int r = 0; r < ph && (size_t)(top + r) < nrows; r++) {
		const row_span *rs = &rows[top + r];
		int y = yoff + r;
		if (gw) {
			char g[32];
			if (rs->lineno) {
				char num[16];
				snprintf(num, sizeof(num), "%s%d", rs->edited ? "*" : "", rs->lineno);
				snprintf(g, sizeof(g), " %*s", nd, num);
			}
			else
				snprintf(g, sizeof(g), " %*s", nd, "");
			puts_(v, y, 0, g, rs->edited ? TUI_A_EDITED : TUI_A_DIM, v->w);
			const char *sep = v->compact ? "|" : " |";
			if (top + r == 0 && lclip)
				sep = v->compact ? "<" : " <";
			if ((size_t)(top + r) == nrows - 1 && rclip)
				sep = v->compact ? ">" : " >";
			puts_(v, y, nd + 1, sep, TUI_A_DIM, v->w);
		}
		int x = gw, col = 0;
		for (size_t k = rs->s; k < rs->e;) {
			uint8_t at = attr_at(sp, nsp, k);
			if (t[k] == '\t') {
				int cw = 8 - col % 8;
				for (int q = 0; q < cw; q++)
					x = put_cluster(v, y, x, " ", 1, 1, false, at, v->w);
				col += cw;
				k++;
				continue;
			}
			int cw, bad;
			size_t l = tui_cluster(t, rs->e, k, &cw, &bad);
			int nx = put_cluster(v, y, x, t + k, l, cw, bad, at, v->w);
			if (nx == x)
				break;
			x = nx;
			col += cw;
			k += l;
		}
		/* an insertion point at the end of the row */
		if (cur >= 0 && hs == he && hs == rs->e && x < v->w)
			put_cluster(v, y, x, " ", 1, 1, false, TUI_A_REVERSE, v->w);
	}
done:
	free(rows);
	free(sp);
	free(p);
	mtpe_buf_dispose(&e);
	return error;
}

/* ---- other panes ------------------------------------------------------------ */

/* The path if it fits in room cells, else its file name, else the name's tail (on a character boundary). */
static const char *fit_name(const char *path, int room)
{
	if ((int)tui_str_width(path, strlen(path)) <= room)
		return path;
	const char *base = strrchr(path, '/');
	const char *name = base && base[1] ? base + 1 : path;
	while (*name && (int)tui_str_width(name, strlen(name)) > room) {
		name++;
		while (((unsigned char)*name & 0xC0) == 0x80)
			name++;
	}
	return name;
}

static void render_status(tui_view *v, const tui_app *a)
{
	tui_file *f = tui_app_file(a);
	mtpe_session_counts c;
	mtpe_session_counts_get(f->s, &c);
	size_t rank = f->cur >= 0 ? mtpe_session_hit_rank(f->s, (size_t)f->cur) : 0;
	size_t unsaved = tui_app_unsaved(a);
	unsigned pct = c.total ? (unsigned)(c.done * 100 / c.total) : 100;
	char st[64], buf[1024];
	if (unsaved)
		snprintf(st, sizeof(st), "unsaved %zu", unsaved);
	else
		snprintf(st, sizeof(st), "saved");
	const char *name = f->path;
	fill(v, 0, TUI_A_REVERSE);
	if (v->compact) {
		snprintf(buf, sizeof(buf), " %zu/%zu%s %s", rank, c.total,
			 atomic_load(&f->bg_state) == TUI_BG_PENDING ? "+" : "", unsaved ? st : "saved");
		int rw = (int)tui_str_width(buf, strlen(buf));
		int room = v->w - rw - 2;
		name = fit_name(name, room);
		int x = puts_(v, 0, 0, " ", TUI_A_REVERSE, v->w);
		x = puts_(v, 0, x, name, TUI_A_REVERSE, v->w);
		puts_(v, 0, x, buf, TUI_A_REVERSE, v->w);
		return;
	}
	char files[32] = "";
	if (a->nfiles > 1)
		snprintf(files, sizeof(files), " (%zu/%zu)", a->cur + 1, a->nfiles);
	bool checking = atomic_load(&f->bg_state) == TUI_BG_PENDING;
	if (checking)
		snprintf(buf, sizeof(buf), "  hit %zu/%zu+  done %zu  checking...  %s", rank, c.total, c.done, st);
	else
		snprintf(buf, sizeof(buf), "  hit %zu/%zu %u%%  done %zu  left %zu  %s", rank, c.total, pct, c.done,
			 c.pending, st);
	int rw = (int)tui_str_width(buf, strlen(buf)) + (int)strlen(files) + 14;
	name = fit_name(name, v->w - rw);
	int x = puts_(v, 0, 0, " mtpe review  ", TUI_A_REVERSE | TUI_A_BOLD, v->w);
	x = puts_(v, 0, x, name, TUI_A_REVERSE | TUI_A_BOLD, v->w);
	x = puts_(v, 0, x, files, TUI_A_REVERSE, v->w);
	puts_(v, 0, x, buf, TUI_A_REVERSE, v->w);
}

static void separator(tui_view *v, int y)
{
	for (int x = 0; x < v->w; x++)
		put_cluster(v, y, x, "-", 1, 1, false, TUI_A_DIM, v->w);
}

/* The issue pane: 1-3 rows. Returns rows used. */
static int render_issue(tui_view *v, const tui_app *a, int y, int rows)
{
	tui_file *f = tui_app_file(a);
	if (f->cur < 0) {
		mtpe_session_counts c;
		mtpe_session_counts_get(f->s, &c);
		puts_(v, y, 1, c.total ? "no hit selected" : "no findings in this file", 0, v->w);
		return 1;
	}
	const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
	char head[512], was[400];
	tui_decision_label(f->s, (size_t)f->cur, was, sizeof(was));
	int x;
	(void)head;
	if (v->compact) {
		mtpe_buf m = MTPE_BUF_INIT;
		mtpe_buf_printf(&m, "%s %d:%d ", h->f.rule, h->f.line, h->f.column);
		if (was[0])
			mtpe_buf_printf(&m, "(%s) ", was);
		mtpe_buf_puts(&m, h->f.message ? h->f.message : "");
		int used = m.ptr ? put_wrapped(v, y, 1, m.ptr, 0, rows) : 0;
		mtpe_buf_dispose(&m);
		return used;
	}
	x = puts_(v, y, 1, tui_category_label(h->f.category), TUI_A_BOLD | TUI_A_REVERSE, v->w);
	if (strcmp(h->f.rule, tui_category_label(h->f.category)))
		snprintf(head, sizeof(head), "  %s  %d:%d", h->f.rule, h->f.line, h->f.column);
	else
		snprintf(head, sizeof(head), "  %d:%d", h->f.line, h->f.column);
	x = puts_(v, y, x, head, TUI_A_BOLD, v->w);
	if (h->unstable)
		x = puts_(v, y, x, "  (the fix raised this rule again)", TUI_A_ERROR, v->w);
	if (was[0]) {
		char w2[420];
		snprintf(w2, sizeof(w2), "  (%s)", was);
		puts_(v, y, x, w2, TUI_A_DIM, v->w);
	}
	int used = 1;
	if (rows > 1)
		used += put_wrapped(v, y + 1, 1, h->f.message ? h->f.message : "", 0, rows - 1);
	return used;
}

static const char *hit_repl(const mtpe_hit *h, int k)
{
	return k >= 0 && (size_t)k < h->f.nreplacements ? h->f.replacements[k] : NULL;
}

/* The "after:" preview row. */
static void render_after(tui_view *v, const tui_app *a, int y)
{
	tui_file *f = tui_app_file(a);
	if (f->cur < 0)
		return;
	const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
	bool editing = a->mode == TUI_MODE_EDIT && a->edit_kind == TUI_EDIT_REPLACE;
	const char *r = editing ? NULL : hit_repl(h, a->hl);
	mtpe_buf pv = MTPE_BUF_INIT;
	size_t hs = 0, he = 0;
	char *edit = NULL;
	if (editing)
		r = edit = mtpe_strndup(a->edit ? a->edit : "", a->edit_len);
	if (mtpe_session_preview(f->s, (size_t)f->cur, r, &pv, &hs, &he) < 0 || !pv.ptr) {
		free(edit);
		mtpe_buf_dispose(&pv);
		return;
	}
	free(edit);
	int x = puts_(v, y, 1, v->compact ? "" : "after: ", TUI_A_DIM, v->w);
	int room = v->w - x - 1;
	/* start so that the change sits about a third in */
	size_t start = 0;
	size_t pre = tui_str_width(pv.ptr, hs);
	size_t chg = tui_str_width(pv.ptr + hs, he - hs);
	bool cut = false;
	if ((int)(pre + chg) > room - 3) {
		size_t want = (size_t)(room / 3) > chg ? (size_t)room / 3 : 3;
		while (start < hs && tui_str_width(pv.ptr + start, hs - start) > want) {
			int cw, bad;
			start += tui_cluster(pv.ptr, hs, start, &cw, &bad);
		}
		cut = start > 0;
	}
	while (start < pv.len && (pv.ptr[start] == ' ' || pv.ptr[start] == '\n' || pv.ptr[start] == '\r'))
		start++;
	if (cut)
		x = puts_(v, y, x, "...", TUI_A_DIM, v->w);
	int endx = v->w - 4;
	x = put(v, y, x, pv.ptr + start, hs > start ? hs - start : 0, 0, endx);
	x = put(v, y, x, pv.ptr + hs, he - hs, TUI_A_BOLD | TUI_A_UNDERLINE, endx);
	int before = x;
	x = put(v, y, x, pv.ptr + he, pv.len - he, 0, endx);
	size_t restw = tui_str_width(pv.ptr + he, pv.len - he);
	if ((size_t)(x - before) < restw)
		puts_(v, y, x, "...", TUI_A_DIM, v->w);
	mtpe_buf_dispose(&pv);
}

/* Suggestions pane (full layout): returns rows used. */
static int render_suggestions(tui_view *v, const tui_app *a, int y, int maxitems)
{
	tui_file *f = tui_app_file(a);
	int used = 0;
	if (f->cur < 0)
		return 0;
	const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
	int nrep = (int)h->f.nreplacements;
	int first = a->page * 9;
	if (!nrep) {
		puts_(v, y + used++, 3, "(no suggestions)", TUI_A_DIM, v->w);
	}
	for (int k = first; k < nrep && k < first + 9 && used < maxitems; k++) {
		char num[16];
		bool hl = k == a->hl;
		snprintf(num, sizeof(num), " %s %d  ", hl ? ">" : " ", k - first + 1);
		int x = puts_(v, y + used, 0, num, hl ? TUI_A_BOLD : 0, v->w);
		put(v, y + used, x, h->f.replacements[k], strlen(h->f.replacements[k]), hl ? TUI_A_REVERSE : 0, v->w);
		used++;
	}
	char more[200];
	snprintf(more, sizeof(more), "   e  edit...    n  keep original%s%s", h->f.category == MTPE_CAT_SPELLING ? "    a  add to dictionary" : "",
		 nrep > first + 9 || a->page ? "    m  more" : "");
	puts_(v, y + used++, 0, more, TUI_A_DIM, v->w);
	return used;
}

/* One-line suggestions (compact layout). */
static void render_suggestions_line(tui_view *v, const tui_app *a, int y)
{
	tui_file *f = tui_app_file(a);
	if (f->cur < 0)
		return;
	const mtpe_hit *h = mtpe_session_hit(f->s, (size_t)f->cur);
	int nrep = (int)h->f.nreplacements;
	int x = 1;
	if (!nrep) {
		puts_(v, y, 1, "(no suggestions)", TUI_A_DIM, v->w);
		return;
	}
	for (int k = a->page * 9; k < nrep && k < a->page * 9 + 9; k++) {
		char num[16];
		snprintf(num, sizeof(num), "%s%d ", k > a->page * 9 ? " | " : "", k - a->page * 9 + 1);
		x = puts_(v, y, x, num, 0, v->w);
		x = puts_(v, y, x, h->f.replacements[k], k == a->hl ? TUI_A_REVERSE : 0, v->w);
		if (x >= v->w - 1)
			break;
	}
}

static void render_prompt(tui_view *v, const tui_app *a, int y)
{
	char buf[1024];
	const char *p = tui_app_prompt(a, buf, sizeof(buf));
	if (a->mode == TUI_MODE_EDIT) {
		int x = puts_(v, y, 1, p, TUI_A_BOLD, v->w);
		const char *hint = "  Enter ok  Esc cancel  ^U clear";
		int hw = (int)strlen(hint);
		int room = v->w - x - 1 - (v->w - x > hw + 20 ? hw : 0);
		/* scroll the text so the cursor is visible */
		size_t start = 0;
		while (start < a->edit_cur && (int)tui_str_width(a->edit + start, a->edit_cur - start) > room - 1) {
			int cw, bad;
			start += tui_cluster(a->edit, a->edit_len, start, &cw, &bad);
		}
		int cx = x + (int)tui_str_width(a->edit + start, a->edit_cur - start);
		put(v, y, x, a->edit + start, a->edit_len - start, 0, x + room);
		if (v->w - x > hw + 20)
			put_right(v, y, hint + 2, TUI_A_DIM, x + room);
		v->cursor_y = y;
		v->cursor_x = cx < v->w ? cx : v->w - 1;
		tui_cell *c = cell(v, y, v->cursor_x);
		c->attr |= TUI_A_CURSOR;
		return;
	}
	bool question = a->mode != TUI_MODE_NORMAL && a->mode != TUI_MODE_HELP;
	put_wrapped(v, y, 1, p, question ? TUI_A_BOLD : a->msg_error ? TUI_A_ERROR | TUI_A_BOLD : 0, 1);
}

static const char *const help_lines[] = {
	"Keys (one decision covers one hit; capitals ask first):",
	"  1-9        accept suggestion N       Enter, y   accept the highlighted one",
	"  Up/Down    move the highlight        m          more suggestions",
	"  e          edit the replacement      n, Space   keep the original",
	"  E          edit the whole sentence",
	"  i          ignore this match         I          ignore the rule (asks)",
	"  a          add word to dictionary    u / ^R     undo / redo",
	"  j / k      next / prev undecided     J / K      next / prev hit (any)",
	"  Left/Right prev / next hit           PgUp/PgDn  scroll the text",
	"  [ / ]      less / more context       > / <      next / previous file",
	"  R          this fix on all identical D          keep all remaining (asks)",
	"  v          rule details and examples g / /      go to hit N / search",
	"  w          write accepted fixes      x          write and quit",
	"  q          quit (asks if unsaved)    Q          quit without writing (asks)",
	"  ^L         redraw                    ?          this help",
	"",
	"Fixes are applied only when you write; the file is replaced atomically.",
	"Every decision is journaled: after a crash, reopen the file to resume.",
	"",
	"Press any key to go back.",
};

int tui_view_render(tui_view *v, const tui_app *a, int w, int h)
{
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	if (v->w != w || v->h != h || !v->cells) {
		tui_cell *c = realloc(v->cells, (size_t)w * (size_t)h * sizeof(*c));
		if (!c)
			return MTPE_ENOMEM;
		v->cells = c;
		v->w = w;
		v->h = h;
	}
	for (int y = 0; y < h; y++)
		fill(v, y, 0);
	v->cursor_y = v->cursor_x = -1;
	v->too_small = h < 5 || w < 20;
	v->compact = h < 12 || w < 60;
	if (!a->nfiles)
		return 0;
	if (v->too_small) {
		put_wrapped(v, 0, 0, "terminal too small - enlarge or press q", TUI_A_BOLD, h);
		return 0;
	}
	render_status(v, a);
	if (a->mode == TUI_MODE_HELP) {
		for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]) && (int)i + 1 < h; i++)
			puts_(v, (int)i + 1, 0, help_lines[i], i == 0 ? TUI_A_BOLD : 0, w);
		return 0;
	}
	if (a->mode == TUI_MODE_DETAILS) {
		mtpe_buf d = MTPE_BUF_INIT;
		if (tui_app_details(a, &d) == 0 && d.ptr) {
			int y = 1;
			char *line = d.ptr;
			while (line && y < h) {
				char *nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				y += *line ? put_wrapped(v, y, 1, line, y == 1 ? TUI_A_BOLD : 0, h - y) : 1;
				line = nl ? nl + 1 : NULL;
			}
		}
		mtpe_buf_dispose(&d);
		return 0;
	}
	tui_file *f = tui_app_file(a);
	const mtpe_hit *hit = f->cur >= 0 ? mtpe_session_hit(f->s, (size_t)f->cur) : NULL;
	int nrep = hit ? (int)hit->f.nreplacements : 0;
	int error = 0;
	if (v->compact) {
		/* status, context, issue (1-2), suggestions line, e/n line, hints, prompt */
		int fixed = 1 + 2 + 1 + 1 + 1 + 1;
		int issue_rows = 2, enl = 1, hints = 1;
		if (h - fixed < 1) { issue_rows = 1; fixed--; }
		if (h - fixed < 1) { enl = 0; fixed--; }
		if (h - fixed < 1) { hints = 0; fixed--; }
		int ch = h - fixed;
		if (ch < 1)
			ch = 1;
		error = render_context(v, a, 1, ch);
		int y = 1 + ch;
		y += render_issue(v, a, y, issue_rows) > 0 ? issue_rows : 0;
		if (y < h - 1)
			render_suggestions_line(v, a, y++);
		if (enl && y < h - 1) {
			puts_(v, y++, 1, nrep > 9 ? "e edit  n keep  m more" : "e edit  n keep  a add", TUI_A_DIM, w);
		}
		if (hints && y < h - 1)
			puts_(v, y++, 1, "1-9 n e i u j k q ?", TUI_A_DIM, w);
		render_prompt(v, a, h - 1);
		return error;
	}
	/* full layout */
	int items = nrep - a->page * 9;
	if (items > 9)
		items = 9;
	if (items < 1)
		items = 1;
	int issue_rows = 3;
	int sugg_rows = items + 1; /* items + e/n line */
	int fixed = 1 + issue_rows + sugg_rows + 1 /* after */ + 1 /* hints */ + 1 /* prompt */;
	int seps = 4;
	int ch = h - fixed - seps;
	if (ch < 3) {
		seps = 0;
		ch = h - fixed;
	}
	while (ch < 3 && items > 1) {
		items--;
		sugg_rows--;
		ch++;
	}
	if (ch < 3 && issue_rows > 2) {
		issue_rows--;
		ch++;
	}
	if (ch < 1)
		ch = 1;
	int y = 1;
	if (seps)
		separator(v, y++);
	error = render_context(v, a, y, ch);
	y += ch;
	if (seps)
		separator(v, y++);
	render_issue(v, a, y, issue_rows);
	y += issue_rows;
	if (seps)
		separator(v, y++);
	y += render_suggestions(v, a, y, items);
	if (y < h - 2)
		render_after(v, a, y++);
	if (seps && y < h - 2)
		separator(v, y++);
	if (h - 2 > 0)
		puts_(v, h - 2, 1, "1-9/Enter accept  n keep  e edit  i ignore  u undo  j/k next/prev  ? help",
		      TUI_A_DIM, w);
	render_prompt(v, a, h - 1);
	return error;
}

void tui_view_dispose(tui_view *v)
{
	free(v->cells);
	memset(v, 0, sizeof(*v));
}

char *tui_view_row(const tui_view *v, int y, char *buf, size_t n)
{
	size_t o = 0, last = 0;
	buf[0] = '\0';
	if (y < 0 || y >= v->h || !n)
		return buf;
	for (int x = 0; x < v->w; x++) {
		const tui_cell *c = &v->cells[(size_t)y * (size_t)v->w + (size_t)x];
		if (c->width == 0)
			continue;
		const char *s = c->ch[0] ? c->ch : " ";
		size_t l = strlen(s);
		if (o + l + 1 > n)
			break;
		memcpy(buf + o, s, l);
		o += l;
		if (c->ch[0] && c->ch[0] != ' ')
			last = o;
	}
	buf[last] = '\0';
	return buf;
}

void tui_view_dump(const tui_view *v, void (*out)(const char *s, size_t n, void *data), void *data)
{
	size_t cap = (size_t)v->w * 28 + 2;
	char *buf = malloc(cap);
	if (!buf)
		return;
	for (int y = 0; y < v->h; y++) {
		tui_view_row(v, y, buf, cap);
		size_t l = strlen(buf);
		buf[l++] = '\n';
		out(buf, l, data);
	}
	free(buf);
}
