/*
 * session.c - the review session model: hits, decisions, undo/redo, re-check
 * after an accept, splice. See mtpe/session.h for the model.
 *
 * Invariants:
 * - decs[0..ndone) is the undo stack, decs[ndone..ndecs) the redo stack; ids
 *   increase along the array.
 * - hits[] only grows; order[] lists hit indices in document order (offset,
 *   length, index) and pos[] is its inverse.
 * - eff[] (rebuilt by refresh()) holds the indices of the effective accepted
 *   decisions sorted by start; their spans never overlap (an accept obsoletes
 *   the pending hits it overlaps, and a widened hit supersedes the decisions
 *   it covers).
 */
#include "mtpe/session.h"
#include "mtpe/check.h"
#include "mtpe/journal.h"
#include "mtpe/segment.h"
#include "mtpe/spell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)
#define WINDOW 2048 /* bytes either side of a hit searched for its sentence */

struct mtpe_session {
	mtpe_doc *doc;
	struct mtpe_checker *chk;
	bool recheck;
	char *personal;
	mtpe_hit *hits;
	size_t nhits, caphits;
	size_t *order, *pos;
	mtpe_decision *decs;
	size_t ndone, ndecs, capdecs;
	unsigned next_id;
	struct mtpe_journal *journal;
	char journal_err[512];
	bool journal_failed;
	size_t *eff;
	size_t neff;
	mtpe_session_counts counts;
	/* ignores carried over a save: kind + rule + text */
	struct carried_filter { mtpe_decision_kind kind; char *rule; char *text; } *cf;
	size_t ncf;
};

static bool is_accept(mtpe_decision_kind k)
{
	return k == MTPE_DECIDE_ACCEPT || k == MTPE_DECIDE_CUSTOM;
}

static bool is_filter(mtpe_decision_kind k)
{
	return k == MTPE_DECIDE_IGNORE || k == MTPE_DECIDE_IGNORE_RULE || k == MTPE_DECIDE_DICT_ADD;
}

static size_t hstart(const mtpe_session *s, size_t h)
{
	return s->hits[h].f.offset;
}

static size_t hend(const mtpe_session *s, size_t h)
{
	return s->hits[h].f.offset + s->hits[h].f.length;
}

/* ---- state ---------------------------------------------------------------- */

mtpe_hit_state mtpe_session_hit_state(const mtpe_session *s, size_t i)
{
	const mtpe_hit *h = &s->hits[i];
	if (!h->alive)
		return MTPE_HIT_DEAD;
	if (h->dec >= 0 || h->carried)
		return MTPE_HIT_DECIDED;
	if (h->obsoleted_by)
		return MTPE_HIT_OBSOLETE;
	if (h->filtered_by)
		return MTPE_HIT_FILTERED;
	return MTPE_HIT_PENDING;
}

static long dec_index(const mtpe_session *s, unsigned id)
{
	size_t lo = 0, hi = s->ndecs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->decs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ndecs && s->decs[lo].id == id ? (long)lo : -1;
}

static int cmp_eff_ctx(const mtpe_session *s, size_t a, size_t b)
{
	size_t ha = s->decs[a].hit, hb = s->decs[b].hit;
	if (hstart(s, ha) != hstart(s, hb))
		return hstart(s, ha) < hstart(s, hb) ? -1 : 1;
	if (hend(s, ha) != hend(s, hb))
		return hend(s, ha) < hend(s, hb) ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Rebuilds eff[] and the counts. */
static int refresh(mtpe_session *s)
{
	size_t n = 0;
	free(s->eff);
	s->eff = NULL;
	s->neff = 0;
	if (s->ndone) {
		s->eff = mtpe_malloc(s->ndone * sizeof(size_t));
		if (!s->eff)
			return MTPE_ENOMEM;
	}
	for (size_t i = 0; i < s->ndone; i++) {
		const mtpe_decision *d = &s->decs[i];
		if (!is_accept(d->kind) || d->hit == NONE)
			continue;
		const mtpe_hit *h = &s->hits[d->hit];
		if (h->alive && h->dec == (long)i)
			s->eff[n++] = i;
	}
	/* drop decisions covered by a later widened accept */
	bool *sup = n ? mtpe_calloc(s->ndecs, sizeof(bool)) : NULL;
	if (n && !sup)
		return MTPE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const mtpe_hit *h = &s->hits[s->decs[s->eff[i]].hit];
		for (size_t c = 0; c < h->ncovers; c++) {
			long di = dec_index(s, h->covers[c]);
			if (di >= 0)
				sup[di] = true;
		}
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!sup[s->eff[i]])
			s->eff[m++] = s->eff[i];
	free(sup);
	s->neff = m;
	/* insertion sort: few decisions, mostly sorted already */
	for (size_t i = 1; i < m; i++) {
		size_t v = s->eff[i], j = i;
		while (j > 0 && cmp_eff_ctx(s, s->eff[j - 1], v) > 0) {
			s->eff[j] = s->eff[j - 1];
			j--;
		}
		s->eff[j] = v;
	}
	mtpe_session_counts *c = &s->counts;
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < s->nhits; i++) {
		mtpe_hit_state st = mtpe_session_hit_state(s, i);
		if (st == MTPE_HIT_DEAD)
			continue;
		c->total++;
		if (st == MTPE_HIT_PENDING)
			c->pending++;
		else
			c->done++;
	}
	c->changes = m;
	c->decisions = s->ndone;
	c->redo = s->ndecs - s->ndone;
	return 0;
}

/* ---- hits and document order --------------------------------------------- */

static int hit_cmp(const mtpe_session *s, size_t a, size_t b)
{
	const mtpe_finding *fa = &s->hits[a].f, *fb = &s->hits[b].f;
	if (fa->offset != fb->offset)
		return fa->offset < fb->offset ? -1 : 1;
	if (fa->length != fb->length)
		return fa->length < fb->length ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int grow_hits(mtpe_session *s, size_t extra)
{
	if (s->nhits + extra <= s->caphits)
		return 0;
	size_t cap = s->caphits ? s->caphits * 2 : 64;
	while (cap < s->nhits + extra)
		cap *= 2;
	mtpe_hit *h = mtpe_realloc(s->hits, cap * sizeof(*h));
	if (!h)
		return MTPE_ENOMEM;
	s->hits = h;
	size_t *o = mtpe_realloc(s->order, cap * sizeof(size_t));
	if (!o)
		return MTPE_ENOMEM;
	s->order = o;
	size_t *p = mtpe_realloc(s->pos, cap * sizeof(size_t));
	if (!p)
		return MTPE_ENOMEM;
	s->pos = p;
	s->caphits = cap;
	return 0;
}

/* Appends hit (takes its finding) and inserts it into document order. */
static int add_hit(mtpe_session *s, mtpe_hit *h)
{
	if (grow_hits(s, 1) < 0) {
		mtpe_finding_dispose(&h->f);
		free(h->covers);
		return MTPE_ENOMEM;
	}
	size_t idx = s->nhits++;
	s->hits[idx] = *h;
	size_t lo = 0, hi = idx;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (hit_cmp(s, s->order[mid], idx) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(s->order + lo + 1, s->order + lo, (idx - lo) * sizeof(size_t));
	s->order[lo] = idx;
	for (size_t p = lo; p <= idx; p++)
		s->pos[s->order[p]] = p;
	return 0;
}

static void free_hit(mtpe_hit *h)
{
	mtpe_finding_dispose(&h->f);
	free(h->covers);
}

/* A span must lie inside the buffer and on UTF-8 boundaries (never trusted blindly). */
static bool span_ok(const mtpe_doc *d, size_t off, size_t len)
{
	if (off > d->len || len > d->len - off)
		return false;
	if (off < d->len && ((unsigned char)d->data[off] & 0xC0) == 0x80)
		return false;
	size_t e = off + len;
	return e >= d->len || ((unsigned char)d->data[e] & 0xC0) != 0x80;
}

/* A suggestion list never offers the original text (RELIABILITY G11). */
static void drop_identity_replacements(mtpe_finding *f)
{
	size_t k = 0;
	for (size_t i = 0; i < f->nreplacements; i++) {
		if (f->text && !strcmp(f->replacements[i], f->text))
			free(f->replacements[i]);
		else
			f->replacements[k++] = f->replacements[i];
	}
	f->nreplacements = k;
}

static bool filter_matches(mtpe_decision_kind kind, const char *rule, const char *text, const mtpe_hit *h)
{
	switch (kind) {
	case MTPE_DECIDE_IGNORE:
		return !strcmp(rule, h->f.rule) && !strcmp(text, h->f.text ? h->f.text : "");
	case MTPE_DECIDE_IGNORE_RULE:
		return !strcmp(rule, h->f.rule);
	case MTPE_DECIDE_DICT_ADD:
		return h->f.category == MTPE_CAT_SPELLING && !strcmp(text, h->f.text ? h->f.text : "");
	default:
		return false;
	}
}

/* Applies the ignores in force (carried and on the undo stack) to new hit j. */
static void filter_new_hit(mtpe_session *s, size_t j)
{
	mtpe_hit *h = &s->hits[j];
	for (size_t c = 0; c < s->ncf && !h->carried; c++)
		if (filter_matches(s->cf[c].kind, s->cf[c].rule, s->cf[c].text, h))
			h->carried = s->cf[c].kind;
	for (size_t i = 0; i < s->ndone && !h->filtered_by; i++) {
		const mtpe_decision *d = &s->decs[i];
		if (!is_filter(d->kind) || d->hit == NONE)
			continue;
		const mtpe_hit *src = &s->hits[d->hit];
		if (filter_matches(d->kind, src->f.rule, src->f.text ? src->f.text : "", h))
			h->filtered_by = d->id;
	}
}

/* ---- constructor ---------------------------------------------------------- */

int mtpe_session_new(mtpe_session **out, mtpe_doc *doc, struct mtpe_checker *chk,
		     mtpe_findings *findings, const mtpe_session_options *opts, mtpe_error *err)
{
	mtpe_session_options dflt = MTPE_SESSION_OPTIONS_INIT;
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	int error = 0;
	*out = NULL;
	if (!opts)
		opts = &dflt;
	mtpe_session *s = mtpe_calloc(1, sizeof(*s));
	if (!s) {
		mtpe_doc_free(doc);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	s->doc = doc;
	s->chk = chk;
	s->recheck = opts->recheck && chk;
	s->next_id = 1;
	if (opts->personal_path && !(s->personal = mtpe_strdup(opts->personal_path))) {
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
		goto fail;
	}
	if (findings) {
		fs = *findings;
		findings->items = NULL;
		findings->len = findings->cap = 0;
	} else if (chk) {
		if ((error = mtpe_checker_check(chk, doc, &fs, NULL, err)) < 0)
			goto fail;
	}
	if ((error = grow_hits(s, fs.len ? fs.len : 1)) < 0) {
		mtpe_error_set(err, error, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < fs.len; i++) {
		mtpe_finding *f = &fs.items[i];
		if (!span_ok(doc, f->offset, f->length)) {
			mtpe_finding_dispose(f);
			continue; /* a span outside the buffer or inside a character is dropped */
		}
		mtpe_hit *h = &s->hits[s->nhits];
		memset(h, 0, sizeof(*h));
		h->f = *f;
		memset(f, 0, sizeof(*f));
		if (!h->f.text)
			h->f.text = mtpe_strndup(doc->data + h->f.offset, h->f.length);
		drop_identity_replacements(&h->f);
		h->alive = true;
		h->dec = -1;
		s->order[s->nhits] = s->nhits;
		s->nhits++;
	}
	free(fs.items);
	fs.items = NULL;
	/* findings come sorted by offset, length, rule; keep a stable document order */
	for (size_t i = 1; i < s->nhits; i++) {
		size_t v = s->order[i], j = i;
		while (j > 0 && hit_cmp(s, s->order[j - 1], v) > 0) {
			s->order[j] = s->order[j - 1];
			j--;
		}
		s->order[j] = v;
	}
	for (size_t i = 0; i < s->nhits; i++)
		s->pos[s->order[i]] = i;
	if ((error = refresh(s)) < 0) {
		mtpe_error_set(err, error, "out of memory");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	mtpe_findings_dispose(&fs);
	mtpe_session_free(s);
	return error;
}

void mtpe_session_free(mtpe_session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nhits; i++)
		free_hit(&s->hits[i]);
	for (size_t i = 0; i < s->ndecs; i++)
		free(s->decs[i].text);
	for (size_t i = 0; i < s->ncf; i++) {
		free(s->cf[i].rule);
		free(s->cf[i].text);
	}
	free(s->cf);
	free(s->hits);
	free(s->order);
	free(s->pos);
	free(s->decs);
	free(s->eff);
	free(s->personal);
	mtpe_doc_free(s->doc);
	free(s);
}

const mtpe_doc *mtpe_session_doc(const mtpe_session *s)
{
	return s->doc;
}

size_t mtpe_session_hit_count(const mtpe_session *s)
{
	return s->nhits;
}

const mtpe_hit *mtpe_session_hit(const mtpe_session *s, size_t i)
{
	return i < s->nhits ? &s->hits[i] : NULL;
}

const mtpe_decision *mtpe_session_hit_decision(const mtpe_session *s, size_t i)
{
	if (i >= s->nhits || s->hits[i].dec < 0)
		return NULL;
	return &s->decs[s->hits[i].dec];
}

const mtpe_decision *mtpe_session_decision(const mtpe_session *s, size_t i)
{
	return i < s->ndecs ? &s->decs[i] : NULL;
}

void mtpe_session_counts_get(const mtpe_session *s, mtpe_session_counts *out)
{
	*out = s->counts;
}

size_t mtpe_session_hit_rank(const mtpe_session *s, size_t i)
{
	if (i >= s->nhits || !s->hits[i].alive)
		return 0;
	size_t r = 0;
	for (size_t p = 0; p <= s->pos[i]; p++)
		if (s->hits[s->order[p]].alive)
			r++;
	return r;
}

void mtpe_session_set_journal(mtpe_session *s, struct mtpe_journal *j)
{
	s->journal = j;
}

const char *mtpe_session_journal_error(mtpe_session *s, bool clear)
{
	if (!s->journal_failed)
		return NULL;
	if (clear)
		s->journal_failed = false;
	return s->journal_err;
}

static void journal_note(mtpe_session *s, int error, const mtpe_error *e)
{
	if (error < 0) {
		s->journal_failed = true;
		snprintf(s->journal_err, sizeof(s->journal_err), "journal not written: %s",
			 e->msg[0] ? e->msg : "I/O error");
	}
}

/* ---- edited text ---------------------------------------------------------- */

static size_t utf8_back(const char *d, size_t lo, size_t off)
{
	while (off > lo && ((unsigned char)d[off] & 0xC0) == 0x80)
		off--;
	return off;
}

static size_t utf8_fwd(const char *d, size_t hi, size_t off)
{
	while (off < hi && ((unsigned char)d[off] & 0xC0) == 0x80)
		off++;
	return off;
}

int mtpe_session_edited(const mtpe_session *s, size_t start, size_t end, mtpe_buf *out,
			mtpe_piece **pieces, size_t *npieces, size_t *wstart, size_t *wend)
{
	const char *data = s->doc->data;
	if (end > s->doc->len)
		end = s->doc->len;
	if (start > end)
		start = end;
	/* widen over accepted spans cut by the window */
	for (size_t i = 0; i < s->neff; i++) {
		const mtpe_decision *d = &s->decs[s->eff[i]];
		size_t a = hstart(s, d->hit), b = hend(s, d->hit);
		if (a < end && b > start) {
			if (a < start)
				start = a;
			if (b > end)
				end = b;
		}
	}
	size_t cap = 2 * s->neff + 2, n = 0;
	mtpe_piece *p = pieces ? mtpe_malloc(cap * sizeof(*p)) : NULL;
	if (pieces && !p)
		return MTPE_ENOMEM;
	size_t pos = start;
	mtpe_buf_put(out, "", 0);
	size_t base = out->len;
	for (size_t i = 0; i < s->neff; i++) {
		const mtpe_decision *d = &s->decs[s->eff[i]];
		size_t a = hstart(s, d->hit), b = hend(s, d->hit);
		if (a < start || b > end || a < pos)
			continue;
		if (a > pos) {
			if (p)
				p[n++] = (mtpe_piece){ pos, a, out->len - base, out->len - base + (a - pos), 0 };
			mtpe_buf_put(out, data + pos, a - pos);
		}
		size_t tl = d->text ? strlen(d->text) : 0;
		if (p)
			p[n++] = (mtpe_piece){ a, b, out->len - base, out->len - base + tl, d->id };
		mtpe_buf_put(out, d->text ? d->text : "", tl);
		pos = b;
	}
	if (end > pos || !n) {
		if (p)
			p[n++] = (mtpe_piece){ pos, end, out->len - base, out->len - base + (end - pos), 0 };
		mtpe_buf_put(out, data + pos, end - pos);
	}
	if (out->oom) {
		free(p);
		return MTPE_ENOMEM;
	}
	if (pieces) {
		*pieces = p;
		*npieces = n;
	}
	if (wstart)
		*wstart = start;
	if (wend)
		*wend = end;
	return 0;
}

size_t mtpe_piece_map(const mtpe_piece *p, size_t n, size_t off, bool end)
{
	if (!n)
		return 0;
	if (!end) {
		for (size_t i = 0; i < n; i++) {
			if ((p[i].o_start <= off && off < p[i].o_end) ||
			    (p[i].o_start == p[i].o_end && off == p[i].o_start && p[i].dec_id))
				return p[i].dec_id ? p[i].e_start : p[i].e_start + (off - p[i].o_start);
		}
		return off < p[0].o_start ? p[0].e_start : p[n - 1].e_end;
	}
	for (size_t i = n; i-- > 0;) {
		if ((p[i].o_start < off && off <= p[i].o_end) ||
		    (p[i].o_start == p[i].o_end && off == p[i].o_start && p[i].dec_id))
			return p[i].dec_id ? p[i].e_end : p[i].e_start + (off - p[i].o_start);
	}
	return off <= p[0].o_start ? p[0].e_start : p[n - 1].e_end;
}

/* Sentence span (file offsets) around [a, b), within the hit's region. */
static void sentence_span(const mtpe_session *s, size_t a, size_t b, size_t *ss, size_t *se)
{
	const mtpe_doc *doc = s->doc;
	size_t lo = doc->bom, hi = doc->len;
	for (size_t i = 0; i < doc->nregions; i++) {
		const mtpe_region *r = &doc->regions[i];
		if (r->file_start <= a && b <= r->file_end) {
			lo = r->file_start;
			hi = r->file_end;
			break;
		}
	}
	size_t ws = a > lo + WINDOW ? a - WINDOW : lo;
	size_t we = b + WINDOW < hi ? b + WINDOW : hi;
	ws = utf8_fwd(doc->data, a, ws);
	we = utf8_back(doc->data, b, we);
	*ss = a;
	*se = b;
	mtpe_segments seg = MTPE_SEGMENTS_INIT;
	if (mtpe_segment(&seg, doc->data + ws, we - ws, NULL) < 0)
		return;
	for (size_t i = 0; i < seg.nsentences; i++) {
		size_t x = ws + seg.sentences[i].start, y = ws + seg.sentences[i].end;
		if (!((x < b && y > a) || (a == b && x <= a && a <= y)))
			continue;
		if (x < *ss)
			*ss = x;
		if (y > *se)
			*se = y;
	}
	while (*se > b && strchr(" \t\r\n", doc->data[*se - 1]))
		(*se)--;
	while (*ss < a && strchr(" \t\r\n", doc->data[*ss]))
		(*ss)++;
	mtpe_segments_dispose(&seg);
}

int mtpe_session_sentence(const mtpe_session *s, size_t i, size_t *start, size_t *end, mtpe_buf *text)
{
	size_t ss, se, ws, we;
	if (i >= s->nhits)
		return MTPE_EINVAL;
	sentence_span(s, hstart(s, i), hend(s, i), &ss, &se);
	mtpe_buf e = MTPE_BUF_INIT;
	int error = mtpe_session_edited(s, ss, se, &e, NULL, NULL, &ws, &we);
	if (error == 0 && text)
		mtpe_buf_put(text, e.ptr ? e.ptr : "", e.len);
	mtpe_buf_dispose(&e);
	*start = ws;
	*end = we;
	return error < 0 ? error : (text && text->oom ? MTPE_ENOMEM : 0);
}

long mtpe_session_add_manual(mtpe_session *s, size_t start, size_t end, mtpe_error *err)
{
	if (start > end || !span_ok(s->doc, start, end - start))
		return mtpe_error_set(err, MTPE_EINVAL, "not a span of the document");
	mtpe_buf e = MTPE_BUF_INIT;
	mtpe_piece *p = NULL;
	size_t n = 0, ws, we;
	int error = mtpe_session_edited(s, start, end, &e, &p, &n, &ws, &we);
	if (error < 0 || ws != start || we != end) {
		free(p);
		mtpe_buf_dispose(&e);
		return error < 0 ? mtpe_error_set(err, error, "out of memory")
				 : mtpe_error_set(err, MTPE_EINVAL, "the span cuts an accepted fix");
	}
	mtpe_hit h;
	memset(&h, 0, sizeof(h));
	h.f.rule = mtpe_strdup(MTPE_MANUAL_RULE);
	h.f.message = mtpe_strdup("Edited by hand");
	h.f.category = MTPE_CAT_STYLE;
	h.f.severity = MTPE_SEV_INFO;
	h.f.offset = start;
	h.f.length = end - start;
	h.f.text = mtpe_strndup(e.ptr ? e.ptr : "", e.len);
	mtpe_doc_linecol(s->doc, start, &h.f.line, &h.f.column);
	mtpe_doc_linecol(s->doc, end, &h.f.end_line, &h.f.end_column);
	h.origin = s->next_id; /* owned by the decision about to be made */
	h.alive = true;
	h.dec = -1;
	size_t nc = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i].dec_id)
			nc++;
	if (nc && (h.covers = mtpe_malloc(nc * sizeof(unsigned)))) {
		for (size_t i = 0; i < n; i++)
			if (p[i].dec_id)
				h.covers[h.ncovers++] = p[i].dec_id;
	}
	free(p);
	mtpe_buf_dispose(&e);
	if (!h.f.rule || !h.f.message || !h.f.text || (nc && !h.covers)) {
		free_hit(&h);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	/* an earlier hand-edit hit that never got its decision must not be revived with this id */
	for (size_t i = 0; i < s->nhits; i++)
		if (s->hits[i].origin == h.origin)
			s->hits[i].origin = 0, s->hits[i].alive = false;
	if ((error = add_hit(s, &h)) < 0)
		return mtpe_error_set(err, error, "out of memory");
	refresh(s);
	return (long)(s->nhits - 1);
}

int mtpe_session_preview(const mtpe_session *s, size_t i, const char *repl, mtpe_buf *out,
			 size_t *hl_start, size_t *hl_end)
{
	size_t ss, se, n = 0;
	mtpe_piece *p = NULL;
	mtpe_buf e = MTPE_BUF_INIT;
	if (i >= s->nhits)
		return MTPE_EINVAL;
	sentence_span(s, hstart(s, i), hend(s, i), &ss, &se);
	int error = mtpe_session_edited(s, ss, se, &e, &p, &n, NULL, NULL);
	if (error < 0) {
		mtpe_buf_dispose(&e);
		return error;
	}
	size_t ma = mtpe_piece_map(p, n, hstart(s, i), false);
	size_t mb = mtpe_piece_map(p, n, hend(s, i), true);
	if (mb < ma)
		mb = ma;
	size_t base = out->len;
	mtpe_buf_put(out, e.ptr, ma);
	if (repl) {
		mtpe_buf_puts(out, repl);
	} else {
		mtpe_buf_put(out, e.ptr + ma, mb - ma);
	}
	size_t he = out->len - base;
	mtpe_buf_put(out, e.ptr + mb, e.len - mb);
	if (hl_start)
		*hl_start = ma;
	if (hl_end)
		*hl_end = he;
	free(p);
	mtpe_buf_dispose(&e);
	return out->oom ? MTPE_ENOMEM : 0;
}

/* ---- re-check ------------------------------------------------------------- */

/* Original-coordinate mapping of an edited span [a, b); fills covers. */
static void unmap_span(const mtpe_piece *p, size_t n, size_t a, size_t b, size_t *A, size_t *B,
		       size_t *wa, size_t *wb, unsigned *covers, size_t *ncovers)
{
	*A = p[n - 1].o_end;
	*wa = a;
	for (size_t i = 0; i < n; i++) {
		if (p[i].e_start <= a && a < p[i].e_end) {
			if (p[i].dec_id) {
				*A = p[i].o_start;
				*wa = p[i].e_start;
			} else {
				*A = p[i].o_start + (a - p[i].e_start);
			}
			break;
		}
	}
	*B = p[n - 1].o_end;
	*wb = b;
	for (size_t i = 0; i < n; i++) {
		if (p[i].e_start < b && b <= p[i].e_end) {
			if (p[i].dec_id) {
				*B = p[i].o_end;
				*wb = p[i].e_end;
			} else {
				*B = p[i].o_start + (b - p[i].e_start);
			}
			break;
		}
	}
	if (a == b) { /* empty span: map like a start */
		*B = *A;
		*wb = *wa;
	}
	*ncovers = 0;
	for (size_t i = 0; i < n; i++) {
		if (!p[i].dec_id)
			continue;
		bool in = (p[i].e_start < *wb && p[i].e_end > *wa) ||
			  (p[i].e_start == p[i].e_end && *wa < p[i].e_start && p[i].e_start < *wb);
		if (in) {
			covers[(*ncovers)++] = p[i].dec_id;
			if (p[i].o_start < *A)
				*A = p[i].o_start;
			if (p[i].o_end > *B)
				*B = p[i].o_end;
		}
	}
}

static bool same_finding(const mtpe_findings *fs, const char *rule, size_t off, size_t len)
{
	for (size_t i = 0; i < fs->len; i++)
		if (fs->items[i].offset == off && fs->items[i].length == len && !strcmp(fs->items[i].rule, rule))
			return true;
	return false;
}

static bool hit_exists(const mtpe_session *s, const char *rule, size_t off, size_t len, const char *text,
		       bool pending_only)
{
	for (size_t i = 0; i < s->nhits; i++) {
		const mtpe_hit *h = &s->hits[i];
		if (!h->alive || h->f.offset != off || h->f.length != len || strcmp(h->f.rule, rule))
			continue;
		if (!pending_only)
			return true;
		if (h->dec < 0 && !strcmp(h->f.text ? h->f.text : "", text))
			return true;
	}
	return false;
}

/* Re-checks the sentence around decision idx; new findings become hits owned by it. */
static int recheck(mtpe_session *s, size_t idx)
{
	mtpe_decision *d = &s->decs[idx];
	mtpe_findings fo = MTPE_FINDINGS_INIT, fe = MTPE_FINDINGS_INIT;
	mtpe_buf e = MTPE_BUF_INIT;
	mtpe_piece *p = NULL;
	size_t n = 0, ss, se, ws, we;
	unsigned *covers = NULL;
	int error = 0;
	const mtpe_doc *doc = s->doc;
	size_t a0 = hstart(s, d->hit), b0 = hend(s, d->hit);
	for (size_t i = 0; i < doc->nregions; i++) {
		const mtpe_region *r = &doc->regions[i];
		if (r->file_start <= a0 && b0 <= r->file_end && r->map)
			return 0; /* region text is not a verbatim slice: no re-check */
	}
	sentence_span(s, a0, b0, &ss, &se);
	if ((error = mtpe_session_edited(s, ss, se, &e, &p, &n, &ws, &we)) < 0)
		goto done;
	if (!mtpe_utf8_valid(e.ptr, e.len, NULL))
		goto done;
	if ((error = mtpe_checker_check_text(s->chk, doc->data + ws, we - ws, &fo, NULL)) < 0)
		goto done;
	if ((error = mtpe_checker_check_text(s->chk, e.ptr, e.len, &fe, NULL)) < 0)
		goto done;
	covers = mtpe_calloc(n + 1, sizeof(unsigned));
	if (!covers) {
		error = MTPE_ENOMEM;
		goto done;
	}
	const char *parent_rule = s->hits[d->hit].f.rule;
	for (size_t i = 0; i < fe.len; i++) {
		mtpe_finding *g = &fe.items[i];
		size_t A, B, wa, wb, nc;
		if (g->offset > e.len || g->length > e.len - g->offset)
			continue;
		unmap_span(p, n, g->offset, g->offset + g->length, &A, &B, &wa, &wb, covers, &nc);
		if (!nc) {
			if (same_finding(&fo, g->rule, A - ws, B - A) || hit_exists(s, g->rule, A, B - A, NULL, false))
				continue;
		} else {
			char *t = mtpe_strndup(e.ptr + wa, wb - wa);
			bool dup = !t || hit_exists(s, g->rule, A, B - A, t, true);
			free(t);
			if (dup)
				continue;
		}
		mtpe_hit h;
		memset(&h, 0, sizeof(h));
		h.f.rule = g->rule;
		h.f.message = g->message;
		g->rule = g->message = NULL;
		h.f.category = g->category;
		h.f.severity = g->severity;
		h.f.safe = g->safe;
		h.f.offset = A;
		h.f.length = B - A;
		mtpe_doc_linecol(doc, A, &h.f.line, &h.f.column);
		mtpe_doc_linecol(doc, B, &h.f.end_line, &h.f.end_column);
		h.f.text = mtpe_strndup(e.ptr + wa, wb - wa);
		for (size_t r = 0; r < g->nreplacements && h.f.text; r++) {
			mtpe_buf rb = MTPE_BUF_INIT;
			mtpe_buf_put(&rb, e.ptr + wa, g->offset - wa);
			mtpe_buf_puts(&rb, g->replacements[r]);
			mtpe_buf_put(&rb, e.ptr + g->offset + g->length, wb - (g->offset + g->length));
			if (!rb.oom && rb.ptr && strcmp(rb.ptr, h.f.text))
				mtpe_finding_add_replacement(&h.f, rb.ptr, rb.len);
			mtpe_buf_dispose(&rb);
		}
		h.origin = d->id;
		h.alive = true;
		h.dec = -1;
		if (nc) {
			h.covers = mtpe_malloc(nc * sizeof(unsigned));
			if (h.covers) {
				memcpy(h.covers, covers, nc * sizeof(unsigned));
				h.ncovers = nc;
			}
			for (size_t c = 0; c < nc; c++)
				if (covers[c] == d->id && !strcmp(h.f.rule, parent_rule))
					h.unstable = true;
		}
		if (!h.f.text || !h.f.rule || (nc && !h.covers)) {
			free_hit(&h);
			error = MTPE_ENOMEM;
			goto done;
		}
		if ((error = add_hit(s, &h)) < 0)
			goto done;
		d = &s->decs[idx];
		filter_new_hit(s, s->nhits - 1);
	}
done:
	free(covers);
	free(p);
	mtpe_buf_dispose(&e);
	mtpe_findings_dispose(&fo);
	mtpe_findings_dispose(&fe);
	return error;
}

/* ---- decisions ------------------------------------------------------------ */

static bool overlaps(size_t a, size_t b, size_t x, size_t y)
{
	if (a == b || x == y)
		return a == x || (x < a && a < y) || (a < x && x < b);
	return a < y && x < b;
}

/* Hit-local effects of an accept: obsolete overlapping pending hits, children. */
static int local_on(mtpe_session *s, size_t idx)
{
	mtpe_decision *d = &s->decs[idx];
	size_t a = hstart(s, d->hit), b = hend(s, d->hit);
	for (size_t j = 0; j < s->nhits; j++) {
		if (j == d->hit || mtpe_session_hit_state(s, j) != MTPE_HIT_PENDING)
			continue;
		if (overlaps(a, b, hstart(s, j), hend(s, j)))
			s->hits[j].obsoleted_by = d->id;
	}
	int error = refresh(s);
	if (error < 0)
		return error;
	if (d->checked) {
		for (size_t j = 0; j < s->nhits; j++)
			if (s->hits[j].origin == d->id)
				s->hits[j].alive = true;
		return 0;
	}
	d->checked = true;
	if (!s->recheck)
		return 0;
	return recheck(s, idx);
}

static void local_off(mtpe_session *s, size_t idx)
{
	unsigned id = s->decs[idx].id;
	for (size_t j = 0; j < s->nhits; j++) {
		if (s->hits[j].origin == id)
			s->hits[j].alive = false;
		if (s->hits[j].obsoleted_by == id)
			s->hits[j].obsoleted_by = 0;
	}
}

static void filter_on(mtpe_session *s, size_t idx)
{
	const mtpe_decision *d = &s->decs[idx];
	const mtpe_hit *src = &s->hits[d->hit];
	for (size_t j = 0; j < s->nhits; j++) {
		if (j == d->hit || mtpe_session_hit_state(s, j) != MTPE_HIT_PENDING)
			continue;
		if (filter_matches(d->kind, src->f.rule, src->f.text ? src->f.text : "", &s->hits[j]))
			s->hits[j].filtered_by = d->id;
	}
}

static void filter_off(mtpe_session *s, size_t idx)
{
	unsigned id = s->decs[idx].id;
	for (size_t j = 0; j < s->nhits; j++)
		if (s->hits[j].filtered_by == id)
			s->hits[j].filtered_by = 0;
}

static int dict_on(mtpe_session *s, mtpe_decision *d, mtpe_error *err)
{
	struct mtpe_speller *sp = s->chk ? mtpe_checker_speller(s->chk) : NULL;
	if (s->personal) {
		int error = mtpe_personal_add(s->personal, d->text, err);
		if (error < 0)
			return error;
		d->dict_written = true;
	}
	if (sp)
		mtpe_speller_add_word(sp, d->text, strlen(d->text));
	return 0;
}

static void dict_off(mtpe_session *s, mtpe_decision *d)
{
	struct mtpe_speller *sp = s->chk ? mtpe_checker_speller(s->chk) : NULL;
	if (d->dict_written && s->personal)
		mtpe_personal_remove(s->personal, d->text, NULL);
	d->dict_written = false;
	if (sp)
		mtpe_speller_remove_word(sp, d->text, strlen(d->text));
}

/* Makes decision idx take effect (its hit's current decision must be d->prev). */
static int apply(mtpe_session *s, size_t idx, mtpe_error *err)
{
	mtpe_decision *d = &s->decs[idx];
	int error = 0;
	if (d->hit == NONE) {
		if (d->kind == MTPE_DECIDE_DICT_ADD && d->text)
			error = dict_on(s, d, err);
		return error;
	}
	if (d->kind == MTPE_DECIDE_DICT_ADD && (error = dict_on(s, d, err)) < 0)
		return error;
	mtpe_hit *h = &s->hits[d->hit];
	if (d->prev >= 0 && is_accept(s->decs[d->prev].kind))
		local_off(s, (size_t)d->prev);
	h->dec = (long)idx;
	if (is_accept(d->kind))
		error = local_on(s, idx);
	else if (is_filter(d->kind))
		filter_on(s, idx);
	if (error < 0)
		mtpe_error_set(err, error, "out of memory");
	return error;
}

static void unapply(mtpe_session *s, size_t idx)
{
	mtpe_decision *d = &s->decs[idx];
	if (d->hit == NONE) {
		if (d->kind == MTPE_DECIDE_DICT_ADD && d->text)
			dict_off(s, d);
		return;
	}
	if (is_accept(d->kind))
		local_off(s, idx);
	else if (is_filter(d->kind))
		filter_off(s, idx);
	if (d->kind == MTPE_DECIDE_DICT_ADD)
		dict_off(s, d);
	s->hits[d->hit].dec = d->prev;
	if (d->prev >= 0 && is_accept(s->decs[d->prev].kind)) {
		refresh(s);
		local_on(s, (size_t)d->prev);
	}
}

static int push_decision(mtpe_session *s, mtpe_decision *d)
{
	for (size_t i = s->ndone; i < s->ndecs; i++)
		free(s->decs[i].text);
	s->ndecs = s->ndone;
	if (s->ndecs == s->capdecs) {
		size_t cap = s->capdecs ? s->capdecs * 2 : 32;
		mtpe_decision *n = mtpe_realloc(s->decs, cap * sizeof(*n));
		if (!n)
			return MTPE_ENOMEM;
		s->decs = n;
		s->capdecs = cap;
	}
	d->id = s->next_id++;
	s->decs[s->ndecs++] = *d;
	return 0;
}

int mtpe_session_decide(mtpe_session *s, size_t i, mtpe_decision_kind kind, int k, const char *text,
			mtpe_error *err)
{
	int error;
	if (i >= s->nhits)
		return mtpe_error_set(err, MTPE_EINVAL, "no such hit");
	mtpe_hit *h = &s->hits[i];
	mtpe_hit_state st = mtpe_session_hit_state(s, i);
	if (st == MTPE_HIT_DEAD)
		return mtpe_error_set(err, MTPE_EINVAL, "this hit is gone (its fix was undone)");
	if (st == MTPE_HIT_OBSOLETE)
		return mtpe_error_set(err, MTPE_EINVAL, "this hit overlaps an accepted fix; undo that fix first");
	mtpe_decision d;
	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.hit = i;
	d.k = -1;
	d.prev = h->dec;
	switch (kind) {
	case MTPE_DECIDE_ACCEPT:
		if (k < 0 || (size_t)k >= h->f.nreplacements)
			return mtpe_error_set(err, MTPE_EINVAL, "no suggestion %d for this hit", k + 1);
		d.k = k;
		d.text = mtpe_strdup(h->f.replacements[k]);
		break;
	case MTPE_DECIDE_CUSTOM:
		if (!text)
			return mtpe_error_set(err, MTPE_EINVAL, "no replacement text");
		if (!mtpe_utf8_valid(text, strlen(text), NULL))
			return mtpe_error_set(err, MTPE_EINVAL, "the replacement is not valid UTF-8");
		d.text = mtpe_strdup(text);
		break;
	case MTPE_DECIDE_DICT_ADD:
		if (h->f.category != MTPE_CAT_SPELLING || !h->f.text || !*h->f.text || strchr(h->f.text, '\n'))
			return mtpe_error_set(err, MTPE_EINVAL, "only a misspelt word can be added to the dictionary");
		d.text = mtpe_strdup(h->f.text);
		break;
	case MTPE_DECIDE_KEEP:
	case MTPE_DECIDE_IGNORE:
	case MTPE_DECIDE_IGNORE_RULE:
		break;
	default:
		return mtpe_error_set(err, MTPE_EINVAL, "unknown decision");
	}
	if ((kind == MTPE_DECIDE_ACCEPT || kind == MTPE_DECIDE_CUSTOM || kind == MTPE_DECIDE_DICT_ADD) && !d.text)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	if (d.prev >= 0 && is_accept(s->decs[d.prev].kind)) {
		unsigned pid = s->decs[d.prev].id;
		for (size_t j = 0; j < s->nhits; j++)
			if (s->hits[j].origin == pid && s->hits[j].alive && s->hits[j].dec >= 0) {
				free(d.text);
				return mtpe_error_set(err, MTPE_EINVAL,
						      "later decisions depend on this fix; undo them first");
			}
	}
	if ((error = push_decision(s, &d)) < 0) {
		free(d.text);
		return mtpe_error_set(err, error, "out of memory");
	}
	size_t idx = s->ndecs - 1;
	s->ndone = s->ndecs; /* the decision is in force while its effects are computed */
	if ((error = apply(s, idx, err)) < 0) {
		s->hits[i].dec = s->decs[idx].prev;
		free(s->decs[idx].text);
		s->ndecs--;
		s->ndone = s->ndecs;
		refresh(s);
		return error;
	}
	if ((error = refresh(s)) < 0)
		return mtpe_error_set(err, error, "out of memory");
	if (s->journal) {
		mtpe_error je;
		mtpe_error_clear(&je);
		journal_note(s, mtpe_journal_record_decide(s->journal, s, &s->decs[idx], &je), &je);
	}
	return 0;
}

int mtpe_session_set_carried(mtpe_session *s, size_t i, mtpe_decision_kind kind)
{
	if (i >= s->nhits || kind == MTPE_DECIDE_NONE || !s->hits[i].alive)
		return MTPE_EINVAL;
	s->hits[i].carried = kind;
	return refresh(s);
}

int mtpe_session_push_placeholder(mtpe_session *s, mtpe_decision_kind kind, const char *text)
{
	mtpe_decision d;
	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.hit = NONE;
	d.k = -1;
	d.prev = -1;
	d.checked = true;
	/* a dictionary word already added needs nothing; keep it so undo removes it */
	if (kind == MTPE_DECIDE_DICT_ADD && text) {
		d.text = mtpe_strdup(text);
		d.dict_written = s->personal != NULL;
	}
	int error = push_decision(s, &d);
	if (error < 0) {
		free(d.text);
		return error;
	}
	s->ndone = s->ndecs;
	return refresh(s);
}

int mtpe_session_undo(mtpe_session *s, mtpe_error *err)
{
	if (!s->ndone)
		return mtpe_error_set(err, MTPE_ENOTFOUND, "nothing to undo");
	s->ndone--;
	unapply(s, s->ndone);
	int error = refresh(s);
	if (error < 0)
		return mtpe_error_set(err, error, "out of memory");
	if (s->journal) {
		mtpe_error je;
		mtpe_error_clear(&je);
		journal_note(s, mtpe_journal_record_undo(s->journal, &je), &je);
	}
	return 0;
}

int mtpe_session_redo(mtpe_session *s, mtpe_error *err)
{
	if (s->ndone == s->ndecs)
		return mtpe_error_set(err, MTPE_ENOTFOUND, "nothing to redo");
	s->ndone++;
	int error = apply(s, s->ndone - 1, err);
	if (error < 0) {
		s->ndone--;
		return error;
	}
	if ((error = refresh(s)) < 0)
		return mtpe_error_set(err, error, "out of memory");
	if (s->journal) {
		mtpe_error je;
		mtpe_error_clear(&je);
		journal_note(s, mtpe_journal_record_redo(s->journal, &je), &je);
	}
	return 0;
}

size_t mtpe_session_filter_count(const mtpe_session *s, size_t i, mtpe_decision_kind kind)
{
	if (i >= s->nhits)
		return 0;
	const mtpe_hit *src = &s->hits[i];
	size_t n = 0;
	for (size_t j = 0; j < s->nhits; j++)
		if (j != i && mtpe_session_hit_state(s, j) == MTPE_HIT_PENDING &&
		    filter_matches(kind, src->f.rule, src->f.text ? src->f.text : "", &s->hits[j]))
			n++;
	return n;
}

/* ---- navigation ----------------------------------------------------------- */

long mtpe_session_next(const mtpe_session *s, size_t from, int dir, bool undecided)
{
	size_t n = s->nhits;
	if (!n)
		return -1;
	long p;
	if (from == NONE || from >= n)
		p = dir > 0 ? -1 : (long)n;
	else
		p = (long)s->pos[from];
	for (size_t step = 0; step < n; step++) {
		p += dir > 0 ? 1 : -1;
		if (p < 0 || p >= (long)n) {
			if (!undecided)
				return -1;
			p = p < 0 ? (long)n - 1 : 0;
		}
		size_t h = s->order[p];
		if (h == from)
			return -1;
		mtpe_hit_state st = mtpe_session_hit_state(s, h);
		if (st == MTPE_HIT_DEAD)
			continue;
		if (undecided && st != MTPE_HIT_PENDING)
			continue;
		return (long)h;
	}
	return -1;
}

long mtpe_session_first(const mtpe_session *s)
{
	long first_alive = -1;
	for (size_t p = 0; p < s->nhits; p++) {
		size_t h = s->order[p];
		mtpe_hit_state st = mtpe_session_hit_state(s, h);
		if (st == MTPE_HIT_PENDING)
			return (long)h;
		if (st != MTPE_HIT_DEAD && first_alive < 0)
			first_alive = (long)h;
	}
	return first_alive;
}

long mtpe_session_find_hit(const mtpe_session *s, size_t offset, size_t length, unsigned origin,
			   const char *rule)
{
	for (size_t i = 0; i < s->nhits; i++) {
		const mtpe_hit *h = &s->hits[i];
		if (h->alive && h->f.offset == offset && h->f.length == length && h->origin == origin &&
		    !strcmp(h->f.rule, rule))
			return (long)i;
	}
	return -1;
}

/* ---- merge of a complete check ------------------------------------------- */

/* True if an initial hit among the first n in document order has f's identity. */
static bool has_initial(const mtpe_session *s, size_t n, const mtpe_finding *f)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->hits[s->order[mid]].f.offset < f->offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t p = lo; p < n && s->hits[s->order[p]].f.offset == f->offset; p++) {
		const mtpe_hit *h = &s->hits[s->order[p]];
		if (h->origin == 0 && h->f.length == f->length && !strcmp(h->f.rule, f->rule))
			return true;
	}
	return false;
}

int mtpe_session_merge(mtpe_session *s, mtpe_findings *fs, mtpe_error *err)
{
	size_t old = s->nhits;
	int error = grow_hits(s, fs->len + 1);
	if (error < 0) {
		mtpe_findings_dispose(fs);
		return mtpe_error_set(err, error, "out of memory");
	}
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_finding *f = &fs->items[i];
		if (!span_ok(s->doc, f->offset, f->length) || has_initial(s, old, f)) {
			mtpe_finding_dispose(f);
			continue;
		}
		mtpe_hit *h = &s->hits[s->nhits];
		memset(h, 0, sizeof(*h));
		h->f = *f;
		memset(f, 0, sizeof(*f));
		if (!h->f.text)
			h->f.text = mtpe_strndup(s->doc->data + h->f.offset, h->f.length);
		drop_identity_replacements(&h->f);
		h->alive = true;
		h->dec = -1;
		s->nhits++;
	}
	free(fs->items);
	fs->items = NULL;
	fs->len = fs->cap = 0;
	/* new hits: sort them (insertion sort on nearly sorted input), then merge the orders */
	size_t nn = s->nhits - old;
	size_t *neu = mtpe_malloc((nn + 1) * sizeof(size_t));
	size_t *merged = mtpe_malloc((s->nhits + 1) * sizeof(size_t));
	if (!neu || !merged) {
		free(neu);
		free(merged);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < nn; i++) {
		size_t v = old + i, j = i;
		while (j > 0 && hit_cmp(s, neu[j - 1], v) > 0) {
			neu[j] = neu[j - 1];
			j--;
		}
		neu[j] = v;
	}
	size_t a = 0, b = 0, k = 0;
	while (a < old || b < nn) {
		if (b >= nn || (a < old && hit_cmp(s, s->order[a], neu[b]) < 0))
			merged[k++] = s->order[a++];
		else
			merged[k++] = neu[b++];
	}
	memcpy(s->order, merged, s->nhits * sizeof(size_t));
	for (size_t p = 0; p < s->nhits; p++)
		s->pos[s->order[p]] = p;
	free(neu);
	free(merged);
	/* state of the new hits: accepted fixes they overlap, ignores in force */
	for (size_t i = old; i < s->nhits; i++) {
		for (size_t e = 0; e < s->neff; e++) {
			const mtpe_decision *d = &s->decs[s->eff[e]];
			if (overlaps(hstart(s, d->hit), hend(s, d->hit), hstart(s, i), hend(s, i))) {
				s->hits[i].obsoleted_by = d->id;
				break;
			}
		}
		filter_new_hit(s, i);
	}
	if ((error = refresh(s)) < 0)
		return mtpe_error_set(err, error, "out of memory");
	return 0;
}

/* ---- splice and rebase ---------------------------------------------------- */

int mtpe_session_splice(const mtpe_session *s, char **out, size_t *outlen)
{
	mtpe_buf b = MTPE_BUF_INIT;
	int error = mtpe_session_edited(s, 0, s->doc->len, &b, NULL, NULL, NULL, NULL);
	if (error < 0) {
		mtpe_buf_dispose(&b);
		return error;
	}
	*outlen = b.len;
	*out = mtpe_buf_detach(&b);
	return *out ? 0 : MTPE_ENOMEM;
}

int mtpe_session_rebase(mtpe_session *s, mtpe_error *err)
{
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_piece *p = NULL;
	size_t n = 0;
	mtpe_doc *nd = NULL;
	mtpe_hit *nh = NULL;
	size_t nnh = 0;
	int error = mtpe_session_edited(s, 0, s->doc->len, &b, &p, &n, NULL, NULL);
	if (error < 0)
		goto oom;
	mtpe_doc_options dopts = MTPE_DOC_OPTIONS_INIT;
	dopts.max_size = b.len + 1;
	dopts.format = s->doc->format;
	if ((error = mtpe_doc_from_buffer(&nd, s->doc->path, b.ptr ? b.ptr : "", b.len, &dopts, err)) < 0)
		goto fail;
	/* carried ignores: the filters on the undo stack */
	size_t nf = 0;
	for (size_t i = 0; i < s->ndone; i++)
		if (is_filter(s->decs[i].kind) && s->decs[i].hit != NONE)
			nf++;
	struct carried_filter *cf = mtpe_realloc(s->cf, (s->ncf + nf + 1) * sizeof(*cf));
	if (!cf)
		goto oom;
	s->cf = cf;
	for (size_t i = 0; i < s->ndone; i++) {
		const mtpe_decision *d = &s->decs[i];
		if (!is_filter(d->kind) || d->hit == NONE)
			continue;
		const mtpe_hit *src = &s->hits[d->hit];
		struct carried_filter c = { d->kind, mtpe_strdup(src->f.rule), mtpe_strdup(src->f.text ? src->f.text : "") };
		if (!c.rule || !c.text) {
			free(c.rule);
			free(c.text);
			goto oom;
		}
		s->cf[s->ncf++] = c;
	}
	nh = mtpe_calloc(s->nhits + 1, sizeof(*nh));
	if (!nh)
		goto oom;
	for (size_t pi = 0; pi < s->nhits; pi++) {
		size_t i = s->order[pi];
		mtpe_hit *h = &s->hits[i];
		mtpe_hit_state st = mtpe_session_hit_state(s, i);
		const mtpe_decision *d = h->dec >= 0 ? &s->decs[h->dec] : NULL;
		if (st == MTPE_HIT_DEAD || st == MTPE_HIT_OBSOLETE || (d && is_accept(d->kind)))
			continue;
		/* a kept hit that an accepted fix cut into has no span in the new text */
		bool cut = false;
		for (size_t e = 0; e < s->neff && !cut; e++) {
			size_t x = hstart(s, s->decs[s->eff[e]].hit), y = hend(s, s->decs[s->eff[e]].hit);
			if (overlaps(hstart(s, i), hend(s, i), x, y) && !(hstart(s, i) <= x && y <= hend(s, i)))
				cut = true;
		}
		if (cut)
			continue;
		mtpe_hit *o = &nh[nnh++];
		o->f = h->f;
		memset(&h->f, 0, sizeof(h->f));
		size_t a = mtpe_piece_map(p, n, o->f.offset, false);
		size_t z = mtpe_piece_map(p, n, o->f.offset + o->f.length, true);
		if (z < a)
			z = a;
		o->f.offset = a;
		o->f.length = z - a;
		if (o->f.text && (strlen(o->f.text) != z - a || memcmp(o->f.text, nd->data + a, z - a))) {
			/* a kept hit around an accepted fix: its text is what the file now says */
			char *t = mtpe_strndup(nd->data + a, z - a);
			if (t) {
				free(o->f.text);
				o->f.text = t;
			}
		}
		mtpe_doc_linecol(nd, a, &o->f.line, &o->f.column);
		mtpe_doc_linecol(nd, z, &o->f.end_line, &o->f.end_column);
		o->alive = true;
		o->dec = -1;
		if (d)
			o->carried = d->kind;
		else if (h->carried)
			o->carried = h->carried;
		else if (st == MTPE_HIT_FILTERED) {
			long fi = dec_index(s, h->filtered_by);
			o->carried = fi >= 0 ? s->decs[fi].kind : MTPE_DECIDE_IGNORE;
		}
	}
	/* commit */
	for (size_t i = 0; i < s->nhits; i++)
		free_hit(&s->hits[i]);
	for (size_t i = 0; i < s->ndecs; i++)
		free(s->decs[i].text);
	s->ndecs = s->ndone = 0;
	free(s->hits);
	s->hits = nh;
	s->nhits = nnh;
	s->caphits = s->nhits + 1;
	free(s->order);
	free(s->pos);
	s->order = mtpe_malloc(s->caphits * sizeof(size_t));
	s->pos = mtpe_malloc(s->caphits * sizeof(size_t));
	if (!s->order || !s->pos) {
		mtpe_doc_free(s->doc);
		s->doc = nd;
		free(p);
		mtpe_buf_dispose(&b);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < s->nhits; i++)
		s->order[i] = s->pos[i] = i;
	mtpe_doc_free(s->doc);
	s->doc = nd;
	free(p);
	mtpe_buf_dispose(&b);
	return refresh(s);
oom:
	error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
fail:
	free(nh);
	mtpe_doc_free(nd);
	free(p);
	mtpe_buf_dispose(&b);
	return error;
}
