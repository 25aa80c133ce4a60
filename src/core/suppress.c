/*
 * suppress.c - inline suppression directives (see mtpe/suppress.h).
 *
 * The file is scanned once for comments of the document's format; each
 * directive comment becomes a struct directive holding its byte span, its
 * kind and the rule ids it names (none = all rules). Findings are then walked
 * in offset order while range directives are replayed up to each finding's
 * offset; the state is "all rules off, except E" or "rules D off".
 */
#include "mtpe/suppress.h"

#include <stdlib.h>
#include <string.h>

enum kind { K_DISABLE, K_ENABLE, K_NEXT_LINE, K_LINE };

struct directive {
	enum kind kind;
	size_t start, end;  /* byte span of the whole comment */
	int first_line, last_line;
	int next_last;      /* K_NEXT_LINE covers lines last_line+1 .. next_last */
	char **rules;       /* owned; nrules == 0 means all rules */
	size_t nrules;
};

struct dirs {
	struct directive *v;
	size_t len, cap;
};

static void dirs_dispose(struct dirs *d)
{
	for (size_t i = 0; i < d->len; i++) {
		for (size_t k = 0; k < d->v[i].nrules; k++)
			free(d->v[i].rules[k]);
		free(d->v[i].rules);
	}
	free(d->v);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int fail(const mtpe_doc *doc, size_t off, mtpe_error *err, const char *what, size_t n, const char *hint)
{
	int line, col;
	mtpe_error_set(err, MTPE_EPARSE, "'%.*s' %s", (int)n, what, hint);
	mtpe_doc_linecol(doc, off, &line, &col);
	mtpe_error_at(err, doc->path, line, col);
	if (err)
		err->offset = (long long)off;
	return MTPE_EPARSE;
}

/*
 * Parses the comment body b[0..n) (file offset boff) of a comment spanning
 * [cstart, cend). Adds a directive when the body is one; returns <0 on a
 * malformed directive.
 */
static int parse_body(const mtpe_doc *doc, struct dirs *d, const char *b, size_t n, size_t boff, size_t cstart,
		      size_t cend, mtpe_error *err)
{
	size_t i = 0;
	while (i < n && is_space(b[i]))
		i++;
	if (n - i < 5 || memcmp(b + i, "mtpe-", 5))
		return 0;
	size_t ws = i;
	while (i < n && !is_space(b[i]))
		i++;
	const char *w = b + ws;
	size_t wl = i - ws;
	enum kind k;
	if (wl == 12 && !memcmp(w, "mtpe-disable", 12))
		k = K_DISABLE;
	else if (wl == 11 && !memcmp(w, "mtpe-enable", 11))
		k = K_ENABLE;
	else if (wl == 22 && !memcmp(w, "mtpe-disable-next-line", 22))
		k = K_NEXT_LINE;
	else if (wl == 17 && !memcmp(w, "mtpe-disable-line", 17))
		k = K_LINE;
	else
		return fail(doc, boff + ws, err, w, wl,
			    "is an unknown directive (known: mtpe-disable, mtpe-enable, mtpe-disable-next-line, mtpe-disable-line)");
	if (d->len == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct directive *nv = mtpe_realloc(d->v, cap * sizeof(*nv));
		if (!nv)
			return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		d->v = nv;
		d->cap = cap;
	}
	struct directive *dir = &d->v[d->len];
	memset(dir, 0, sizeof(*dir));
	dir->kind = k;
	dir->start = cstart;
	dir->end = cend;
	int col;
	mtpe_doc_linecol(doc, cstart, &dir->first_line, &col);
	mtpe_doc_linecol(doc, cend ? cend - 1 : 0, &dir->last_line, &col);
	dir->next_last = dir->last_line + 1;
	d->len++;
	while (i < n) {
		while (i < n && (is_space(b[i]) || b[i] == ','))
			i++;
		if (i >= n)
			break;
		if (n - i >= 2 && b[i] == '-' && b[i + 1] == '-' && (i + 2 == n || is_space(b[i + 2])))
			break; /* the rest is a reason */
		size_t s = i;
		while (i < n && !is_space(b[i]) && b[i] != ',')
			i++;
		for (size_t j = s; j < i; j++)
			if (!is_id_char(b[j]))
				return fail(doc, boff + s, err, b + s, i - s,
					    "is not a rule id in a mtpe-disable comment (rule ids are UPPER_SNAKE_CASE; put a reason after ' -- ')");
		char **nr = mtpe_realloc(dir->rules, (dir->nrules + 1) * sizeof(*nr));
		if (!nr)
			return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		dir->rules = nr;
		if (!(dir->rules[dir->nrules] = mtpe_strndup(b + s, i - s)))
			return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		dir->nrules++;
	}
	return 0;
}

static const char *find(const char *h, size_t n, const char *needle, size_t m)
{
	const char *end = h + n;
	while ((size_t)(end - h) >= m) {
		const char *p = memchr(h, needle[0], (size_t)(end - h) - m + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, needle, m))
			return p;
		h = p + 1;
	}
	return NULL;
}

/* <!-- ... --> comments anywhere in the file. */
static int scan_html_comments(const mtpe_doc *doc, struct dirs *d, mtpe_error *err)
{
	const char *s = doc->data;
	size_t n = doc->len, i = doc->bom;
	while (i + 4 <= n) {
		const char *p = find(s + i, n - i, "<!--", 4);
		if (!p)
			break;
		size_t cs = (size_t)(p - s), bs = cs + 4;
		const char *q = find(s + bs, n - bs, "-->", 3);
		if (!q)
			break; /* unterminated: not a comment */
		size_t be = (size_t)(q - s), ce = be + 3;
		int error = parse_body(doc, d, s + bs, be - bs, bs, cs, ce, err);
		if (error < 0)
			return error;
		i = ce;
	}
	return 0;
}

/*
 * Whole-line '#' comments (PO, YAML; "#." too); a directive comment spans the
 * line. With entry_wide (PO), mtpe-disable-next-line covers the next entry.
 */
static int scan_hash_lines(const mtpe_doc *doc, struct dirs *d, bool entry_wide, mtpe_error *err)
{
	for (size_t l = 1; l <= doc->nlines; l++) {
		size_t ls, le;
		mtpe_doc_line_span(doc, (int)l, &ls, &le);
		size_t i = ls;
		while (i < le && (doc->data[i] == ' ' || doc->data[i] == '\t'))
			i++;
		if (i >= le || doc->data[i] != '#')
			continue;
		size_t b = i + 1;
		if (b < le && doc->data[b] == '.')
			b++; /* PO extracted comment "#." */
		size_t before = d->len;
		int error = parse_body(doc, d, doc->data + b, le - b, b, ls, le, err);
		if (error < 0)
			return error;
		if (d->len > before && entry_wide && d->v[d->len - 1].kind == K_NEXT_LINE) {
			/* in PO the next "line" is the whole next entry: up to the next blank line */
			size_t k = l + 1;
			while (k <= doc->nlines) {
				size_t ks, ke;
				mtpe_doc_line_span(doc, (int)k, &ks, &ke);
				bool blank = true;
				for (size_t j = ks; j < ke && blank; j++)
					blank = doc->data[j] == ' ' || doc->data[j] == '\t';
				if (blank)
					break;
				k++;
			}
			d->v[d->len - 1].next_last = (int)k - 1;
		}
	}
	return 0;
}

struct rset {
	const char **v;
	size_t len, cap;
};

static bool rset_has(const struct rset *r, const char *id)
{
	for (size_t i = 0; i < r->len; i++)
		if (!strcmp(r->v[i], id))
			return true;
	return false;
}

static void rset_del(struct rset *r, const char *id)
{
	for (size_t i = 0; i < r->len; i++)
		if (!strcmp(r->v[i], id)) {
			r->v[i] = r->v[--r->len];
			return;
		}
}

static int rset_add(struct rset *r, const char *id)
{
	if (rset_has(r, id))
		return 0;
	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		const char **nv = mtpe_realloc(r->v, cap * sizeof(*nv));
		if (!nv)
			return MTPE_ENOMEM;
		r->v = nv;
		r->cap = cap;
	}
	r->v[r->len++] = id;
	return 0;
}

static bool names(const struct directive *d, const char *rule)
{
	if (!d->nrules)
		return true;
	for (size_t i = 0; i < d->nrules; i++)
		if (!strcmp(d->rules[i], rule))
			return true;
	return false;
}

int mtpe_suppress_apply(const mtpe_doc *doc, mtpe_findings *fs, mtpe_error *err)
{
	struct dirs d = { NULL, 0, 0 };
	struct rset off = { NULL, 0, 0 }, except = { NULL, 0, 0 };
	bool all = false;
	int error = 0;
	const char *fmt = doc->format ? doc->format : "text";

	if (!strcmp(fmt, "po") || !strcmp(fmt, "yaml"))
		error = scan_hash_lines(doc, &d, !strcmp(fmt, "po"), err);
	else if (strcmp(fmt, "json") && strcmp(fmt, "srt") && strcmp(fmt, "vtt"))
		error = scan_html_comments(doc, &d, err);
	if (error < 0 || !d.len)
		goto done;

	size_t next = 0, keep = 0; /* next range directive to replay */
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_finding *f = &fs->items[i];
		bool drop = false;
		/* replay disable/enable directives that end at or before the finding */
		for (; next < d.len && d.v[next].end <= f->offset; next++) {
			const struct directive *x = &d.v[next];
			if (x->kind == K_DISABLE && !x->nrules) {
				all = true;
				except.len = 0;
			} else if (x->kind == K_ENABLE && !x->nrules) {
				all = false;
				off.len = 0;
				except.len = 0;
			} else if (x->kind == K_DISABLE || x->kind == K_ENABLE) {
				for (size_t k = 0; k < x->nrules && !error; k++) {
					bool dis = x->kind == K_DISABLE;
					if (all) {
						if (dis)
							rset_del(&except, x->rules[k]);
						else
							error = rset_add(&except, x->rules[k]);
					} else if (dis) {
						error = rset_add(&off, x->rules[k]);
					} else {
						rset_del(&off, x->rules[k]);
					}
				}
				if (error < 0) {
					mtpe_error_set(err, error, "out of memory");
					goto done;
				}
			}
		}
		drop = all ? !rset_has(&except, f->rule) : rset_has(&off, f->rule);
		for (size_t k = 0; k < d.len && !drop; k++) {
			const struct directive *x = &d.v[k];
			if (f->offset < x->end && f->offset + f->length > x->start)
				drop = true; /* inside the directive comment itself */
			else if (x->kind == K_NEXT_LINE && f->line > x->last_line && f->line <= x->next_last &&
				 names(x, f->rule))
				drop = true;
			else if (x->kind == K_LINE && f->line >= x->first_line && f->line <= x->last_line &&
				 names(x, f->rule))
				drop = true;
		}
		if (drop)
			mtpe_finding_dispose(f);
		else
			fs->items[keep++] = *f;
	}
	fs->len = keep;
done:
	free(off.v);
	free(except.v);
	dirs_dispose(&d);
	return error;
}
