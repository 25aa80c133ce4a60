/*
 * fix.c - the safe-fix applier behind `mtpe fix` and a unified diff.
 *
 * Fixing is a splice of the original bytes (mtpe_formats_apply_fixes, which
 * escapes each replacement for the format at its place), so everything
 * outside the replaced spans - line endings, BOM, final newline - stays as it
 * was. Rounds repeat because one fix can reveal another (or two fixes of one
 * round overlapped); the loop stops when nothing applies, when the text
 * returns to a state seen before (hash of every state), or after max_rounds.
 *
 * The diff is Myers' O(ND) algorithm over lines (after trimming the common
 * head and tail), keeping each step's frontier to walk the path back.
 */
#include "mtpe/fix.h"

#include <stdlib.h>
#include <string.h>

#include "mtpe/formats.h"
#include "oututil.h"

static bool selected(const mtpe_finding *f, const mtpe_fix_options *o)
{
	if (!f->safe || !f->nreplacements)
		return false;
	if (!o->nonly)
		return true;
	for (size_t i = 0; i < o->nonly; i++)
		if (!strcmp(o->only[i], f->rule))
			return true;
	return false;
}

static unsigned long long hash(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h ^ n;
}

void mtpe_fix_result_dispose(mtpe_fix_result *r)
{
	free(r->data);
	mtpe_findings_dispose(&r->remaining);
	memset(r, 0, sizeof(*r));
}

int mtpe_fix_document(mtpe_fix_result *out, mtpe_checker *c, const mtpe_doc *doc, const mtpe_fix_options *opts,
		      mtpe_error *err)
{
	mtpe_fix_options dflt = MTPE_FIX_OPTIONS_INIT;
	int error = 0, max = 5;
	unsigned long long seen[17];
	size_t nseen = 0;
	mtpe_doc *cur = NULL; /* the fixed text as a document (NULL: still the input) */
	const mtpe_finding **sel = NULL;
	bool final = false;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &dflt;
	if (opts->max_rounds > 0)
		max = opts->max_rounds < 16 ? opts->max_rounds : 16;
	seen[nseen++] = hash(doc->data, doc->len);
	for (int round = 0;; round++) {
		const mtpe_doc *d = cur ? cur : doc;
		mtpe_findings fs = MTPE_FINDINGS_INIT;
		size_t words = 0;
		if ((error = mtpe_checker_check(c, d, &fs, &words, err)) < 0) {
			mtpe_findings_dispose(&fs);
			goto done;
		}
		size_t n = 0;
		free(sel);
		if (!(sel = mtpe_calloc(fs.len + 1, sizeof(*sel)))) {
			mtpe_findings_dispose(&fs);
			error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
			goto done;
		}
		size_t end = 0;
		for (size_t i = 0; i < fs.len; i++)
			if (selected(&fs.items[i], opts) && fs.items[i].offset >= end) {
				sel[n++] = &fs.items[i];
				end = fs.items[i].offset + fs.items[i].length;
			}
		if (!n || round >= max || final) {
			out->remaining = fs; /* now owned by the result */
			out->words = words;
			break;
		}
		size_t nl, skipped = 0;
		/* escaped for the format at each place (JSON, PO, XML...); a fix that cannot be written there is skipped */
		char *fixed = mtpe_formats_apply_fixes(d, sel, n, &nl, &skipped);
		mtpe_findings_dispose(&fs);
		if (!fixed) {
			error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
			goto done;
		}
		if (skipped >= n) { /* nothing could be written: this text is final */
			free(fixed);
			final = true;
			continue;
		}
		n -= skipped;
		unsigned long long h = hash(fixed, nl);
		bool cycle = false;
		for (size_t i = 0; i < nseen; i++)
			cycle |= seen[i] == h;
		mtpe_doc *next = NULL;
		error = mtpe_doc_from_buffer(&next, doc->path, fixed, nl, opts->doc_opts, err);
		free(fixed);
		if (error < 0)
			goto done;
		mtpe_doc_free(cur);
		cur = next;
		out->applied += n;
		out->rounds++;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = h;
		if (cycle)
			max = round + 1; /* one more check of this text, then stop */
	}
	const mtpe_doc *d = cur ? cur : doc;
	if (!(out->data = mtpe_malloc(d->len + 1))) {
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(out->data, d->data, d->len + 1);
	out->len = d->len;
done:
	free(sel);
	mtpe_doc_free(cur);
	if (error < 0)
		mtpe_fix_result_dispose(out);
	return error;
}

/* ---- unified diff -------------------------------------------------------- */

struct lines {
	const char **s;
	size_t *n;
	size_t len;
};

static int split(struct lines *l, const char *t, size_t len)
{
	size_t cnt = 0;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n')
			cnt++;
	cnt += 1;
	l->s = mtpe_calloc(cnt, sizeof(*l->s));
	l->n = mtpe_calloc(cnt, sizeof(*l->n));
	l->len = 0;
	if (!l->s || !l->n)
		return MTPE_ENOMEM;
	size_t start = 0;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n') {
			l->s[l->len] = t + start;
			l->n[l->len++] = i + 1 - start;
			start = i + 1;
		}
	if (start < len) {
		l->s[l->len] = t + start;
		l->n[l->len++] = len - start;
	}
	return 0;
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->n[i] == b->n[j] && !memcmp(a->s[i], b->s[j], a->n[i]);
}

enum { OP_EQ, OP_DEL, OP_ADD };

static void put_line(mtpe_buf *o, char tag, const char *s, size_t n)
{
	mtpe_buf_putc(o, tag);
	mtpe_buf_put(o, s, n);
	if (!n || s[n - 1] != '\n')
		mtpe_buf_puts(o, "\n\\ No newline at end of file\n");
}

int mtpe_unified_diff(mtpe_buf *out, const char *path, const char *a, size_t alen, const char *b, size_t blen)
{
	struct lines A = { 0 }, B = { 0 };
	int error = 0;
	long *trace = NULL;
	unsigned char *ops = NULL;
	if (alen == blen && !memcmp(a, b, alen))
		return 0;
	if (split(&A, a, alen) < 0 || split(&B, b, blen) < 0) {
		error = MTPE_ENOMEM;
		goto done;
	}
	/* common head and tail */
	size_t pre = 0;
	while (pre < A.len && pre < B.len && same(&A, pre, &B, pre))
		pre++;
	size_t suf = 0;
	while (suf < A.len - pre && suf < B.len - pre && same(&A, A.len - 1 - suf, &B, B.len - 1 - suf))
		suf++;
	long N = (long)(A.len - pre - suf), M = (long)(B.len - pre - suf);
	long maxd = N + M;
	/* Myers: trace holds, for each d, V[k] for k = -d..d (offset d) */
	size_t cap = 0;
	long D = -1;
	long *V = mtpe_calloc((size_t)(2 * maxd + 3), sizeof(long));
	if (!V) {
		error = MTPE_ENOMEM;
		goto done;
	}
	long off = maxd + 1;
	for (long d = 0; d <= maxd && D < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (k == -d || (k != d && V[off + k - 1] < V[off + k + 1]))
				x = V[off + k + 1];
			else
				x = V[off + k - 1] + 1;
			long y = x - k;
			while (x < N && y < M && same(&A, pre + (size_t)x, &B, pre + (size_t)y))
				x++, y++;
			V[off + k] = x;
			if (x >= N && y >= M)
				D = d;
		}
		/* save V[-d..d] */
		size_t need = cap + (size_t)(2 * d + 1);
		long *nt = mtpe_realloc(trace, need * sizeof(long));
		if (!nt) {
			free(V);
			error = MTPE_ENOMEM;
			goto done;
		}
		trace = nt;
		memcpy(trace + cap, V + off - d, (size_t)(2 * d + 1) * sizeof(long));
		cap = need;
	}
	free(V);
	/* walk back: ops in reverse order */
	size_t nops = (size_t)(N + M) + 1, op_i = nops;
	if (!(ops = mtpe_malloc(nops))) {
		error = MTPE_ENOMEM;
		goto done;
	}
	long x = N, y = M;
	for (long d = D; d > 0; d--) {
		const long *Vp = trace + (size_t)((d - 1) * (d - 1)) + (d - 1); /* Vp[k], k = -(d-1)..d-1 */
		long k = x - y, pk;
		if (k == -d || (k != d && Vp[k - 1] < Vp[k + 1]))
			pk = k + 1; /* came down: a line of B inserted */
		else
			pk = k - 1; /* came right: a line of A deleted */
		long px = Vp[pk], py = px - pk;
		long sx = pk == k + 1 ? px : px + 1; /* where the snake after the move starts */
		while (x > sx) {
			ops[--op_i] = OP_EQ;
			x--, y--;
		}
		ops[--op_i] = pk == k + 1 ? OP_ADD : OP_DEL;
		x = px, y = py;
	}
	while (x > 0 && y > 0) {
		ops[--op_i] = OP_EQ;
		x--, y--;
	}
	/* emit hunks over [pre-ctx, ...] with the full op list: head EQ + ops + tail EQ */
	size_t total = pre + (nops - op_i) + suf;
	unsigned char *all = mtpe_malloc(total + 1);
	if (!all) {
		error = MTPE_ENOMEM;
		goto done;
	}
	memset(all, OP_EQ, pre);
	memcpy(all + pre, ops + op_i, nops - op_i);
	memset(all + pre + (nops - op_i), OP_EQ, suf);
	const char *shown = mtpe__display_path(path);
	if (shown[0] == '/')
		mtpe_buf_printf(out, "--- %s\n+++ %s\n", shown, shown); /* absolute: patch -p0 */
	else
		mtpe_buf_printf(out, "--- a/%s\n+++ b/%s\n", shown, shown); /* relative: patch -p1 */
	const size_t ctx = 3;
	size_t i = 0, ai = 0, bi = 0; /* position in all, A, B */
	while (i < total) {
		if (all[i] == OP_EQ) {
			i++, ai++, bi++;
			continue;
		}
		/* a hunk starts ctx lines before i and runs until ctx*2 equal lines follow a change */
		size_t back = ai < ctx ? ai : ctx;
		if (bi < back)
			back = bi;
		size_t hs = i - back, has = ai - back, hbs = bi - back;
		size_t he = i, eq = 0;
		for (size_t j = i; j < total; j++) {
			if (all[j] == OP_EQ) {
				if (++eq > 2 * ctx)
					break;
			} else {
				eq = 0;
				he = j + 1;
			}
		}
		size_t tail = 0;
		while (he + tail < total && tail < ctx && all[he + tail] == OP_EQ)
			tail++;
		he += tail;
		size_t na = 0, nb = 0;
		for (size_t j = hs; j < he; j++) {
			if (all[j] != OP_ADD)
				na++;
			if (all[j] != OP_DEL)
				nb++;
		}
		mtpe_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", na ? has + 1 : has, na, nb ? hbs + 1 : hbs, nb);
		size_t pa = has, pb = hbs;
		for (size_t j = hs; j < he; j++) {
			if (all[j] == OP_EQ) {
				put_line(out, ' ', A.s[pa], A.n[pa]);
				pa++, pb++;
			} else if (all[j] == OP_DEL) {
				put_line(out, '-', A.s[pa], A.n[pa]);
				pa++;
			} else {
				put_line(out, '+', B.s[pb], B.n[pb]);
				pb++;
			}
		}
		i = he, ai = pa, bi = pb;
	}
	free(all);
	if (out->oom)
		error = MTPE_ENOMEM;
done:
	free(trace);
	free(ops);
	free(A.s);
	free(A.n);
	free(B.s);
	free(B.n);
	return error;
}
