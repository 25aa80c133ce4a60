/* prefilter.c - required-literal extraction and an Aho-Corasick scanner (see prefilter.h). */
#define _GNU_SOURCE /* memrchr */
#include "prefilter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "mtpe/common.h"

/* ---- literal extraction ------------------------------------------------ */

/*
 * A requirement: any == true means "no constraint"; else one of s[0..n) must
 * occur, s[i] starting at most p[i] characters after the start of the match
 * (UNB: no bound known; p NULL: pre for all). pre: the largest. width: at most
 * how many characters the parsed part matches. (Characters, not bytes: a class
 * or \p{L} is one character of 1 to 4 bytes, and in the text the reach is
 * walked back a character at a time - in English text, a byte.)
 */
#define UNB SIZE_MAX
struct req {
	bool any;
	char **s;
	size_t n;
	size_t pre;
	size_t width;
	size_t *p;
	char **x; /* x[i]: strlen(s[i]) bytes, each the byte the text must have there or 0 (any case); NULL: all 0 */
	bool measured; /* minlen is known (req_measure) */
	bool costed;   /* hits and cost are known (req_costed) */
	size_t minlen;
	double hits, cost;
	/*
	 * Bytes that cannot lie between the match start and a literal of s: from a
	 * literal in the text, the start is walked back only over other bytes
	 * ("(?=\p{L}[\p{L} ]{0,80}? was)": no punctuation). All 0: any byte may.
	 */
	uint64_t nospan[4];
	uint64_t nocons[4]; /* bytes the parsed part cannot match (all 0: it may match any) */
};

/* Bytes: (*set)[b >> 6] bit b & 63. */
static inline void bytes_drop(uint64_t set[4], unsigned char b)
{
	set[b >> 6] &= ~((uint64_t)1 << (b & 63));
}

static inline void bytes_and(uint64_t a[4], const uint64_t b[4])
{
	for (int i = 0; i < 4; i++)
		a[i] &= b[i];
}

static inline void bytes_all(uint64_t a[4])
{
	for (int i = 0; i < 4; i++)
		a[i] = ~(uint64_t)0;
}

/* A byte of a character the pattern may match is no longer "cannot match": both cases, and every non-ASCII byte for any non-ASCII character. */
void mtpe_bytes_may_hold(uint64_t nocons[4], const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b >= 0x80) {
			nocons[2] = nocons[3] = 0;
		} else {
			bytes_drop(nocons, b);
			if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')
				bytes_drop(nocons, b ^ 0x20); /* the other case */
		}
	}
}

/* Saturating width arithmetic: anything past 1 MiB counts as unbounded. */
static size_t w_add(size_t a, size_t b)
{
	return a == UNB || b == UNB || a + b > ((size_t)1 << 20) ? UNB : a + b;
}

static size_t w_mul(size_t a, size_t n)
{
	if (!a || !n)
		return 0;
	return a == UNB || n == UNB || a > ((size_t)1 << 20) / n ? UNB : a * n;
}

static void req_free(struct req *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->s[i]);
	for (size_t i = 0; r->x && i < r->n; i++)
		free(r->x[i]);
	free(r->s);
	free(r->p);
	free(r->x);
	r->s = NULL;
	r->p = NULL;
	r->x = NULL;
	r->n = 0;
}

static size_t req_pre(const struct req *r, size_t i)
{
	return r->p ? r->p[i] : r->pre;
}

/* The requirement moved c bytes further from the match start (c: UNB for a lookbehind's). */
static void req_add_pre(struct req *r, size_t c)
{
	r->pre = w_add(c, r->pre);
	r->measured = r->costed = false;
	if (c == UNB) {
		free(r->p);
		r->p = NULL;
	}
	for (size_t i = 0; r->p && i < r->n; i++)
		r->p[i] = w_add(c, r->p[i]);
}

static size_t req_minlen(const struct req *r)
{
	size_t m = SIZE_MAX;
	for (size_t i = 0; i < r->n; i++) {
		size_t l = strlen(r->s[i]);
		if (l < m)
			m = l;
	}
	return r->n ? m : 0;
}

/*
 * How often a lower-cased byte occurs in English news text (a rough table:
 * enough to tell "a," from ",a"). high: how many non-ASCII bytes came just
 * before; the first two after a first are nearly certain (the rest of a
 * character), the fourth starts another.
 */
static double byte_freq(unsigned char b, unsigned char prev, size_t high)
{
	switch (prev) { /* punctuation is mostly followed by a space */
	case ',': case '.': case ';': case ':': case '!': case '?': case ')':
		return b == ' ' ? .85 : .15 * byte_freq(b, 0, 0);
	default:
		break;
	}
	static const double letter[26] = { .065, .012, .023, .033, .10, .018, .016, .045, .06, .001, .006, .033, .02,
					   .057, .06, .016, .001, .05, .052, .07, .022, .008, .015, .0015, .014, .0007 };
	if (b >= 0x80)
		return high % 3 ? .9 : .01;
	if (b >= 'a' && b <= 'z')
		return letter[b - 'a'];
	if (b >= '0' && b <= '9')
		return prev >= '0' && prev <= '9' ? .3 : .004; /* digits come in numbers */
	switch (b) {
	case ' ': return .16;
	case ',': case '.': return .01;
	case '\n': return .005;
	case '"': case '\'': case '-': return .003;
	default: return .0005;
	}
}

/*
 * The commonest English words and their share of the words of news text
 * (about one word in six bytes): a literal that is one of them, maybe with
 * spaces around it, is found that often, far more than its letters suggest.
 */
static const struct {
	const char *w;
	double share;
} common_words[] = {
	{ "the", .06 },   { "of", .03 },     { "and", .028 },   { "to", .026 },   { "a", .022 },    { "in", .02 },
	{ "is", .01 },    { "that", .01 },   { "for", .009 },   { "on", .008 },   { "it", .008 },   { "was", .008 },
	{ "with", .007 }, { "he", .007 },    { "as", .007 },    { "be", .006 },   { "at", .005 },   { "by", .005 },
	{ "from", .005 }, { "his", .004 },   { "said", .004 },  { "have", .004 }, { "are", .004 }, { "this", .004 },
	{ "not", .004 },  { "but", .004 },   { "an", .004 },    { "has", .003 },  { "they", .003 }, { "we", .003 },
	{ "were", .003 }, { "will", .003 },  { "had", .003 },   { "been", .002 }, { "their", .002 }, { "which", .002 },
	{ "its", .002 },  { "who", .002 },   { "one", .002 },   { "after", .0015 }, { "about", .0015 }, { "also", .0015 },
	{ "year", .0015 }, { "new", .0015 }, { "more", .0015 }, { "two", .0015 }, { "would", .0015 }, { "there", .0015 },
	{ "or", .0015 },  { "all", .0015 },  { "she", .0015 },  { "her", .0015 },  { "than", .001 }, { "time", .001 },
	{ "people", .001 }, { "first", .001 }, { "last", .001 }, { "over", .001 }, { "into", .001 }, { "up", .001 },
};

/* Hits per byte of s if it is a common word with spaces around it, else 0. */
static double common_hits(const char *s)
{
	size_t n = strlen(s), a = 0, b = n;
	while (a < n && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	if (a == b)
		return 0;
	if (b - a > 6 || s[a] < 'a' || s[a] > 'z')
		return 0; /* longer than any of them, or not a lower-case word */
	for (size_t i = 0; i < sizeof(common_words) / sizeof(common_words[0]); i++)
		if (common_words[i].w[0] == s[a] && !strncmp(common_words[i].w, s + a, b - a) && !common_words[i].w[b - a])
			/* without a space after it, also the start of longer words ("the": "there", "them") */
			return common_words[i].share / 6 * (b == n ? 1.5 : 1);
	return 0;
}

/* How often one string is expected per byte of text. */
static double string_hits(const char *str)
{
	double common = common_hits(str);
	if (common > 0)
		return common;
	double p = 1;
	unsigned char prev = 0;
	size_t high = 0;
	for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
		p *= byte_freq(*c, prev, high);
		high = *c >= 0x80 ? high + 1 : 0;
		prev = *c;
	}
	return p > 1e-5 ? p : 1e-5; /* no word is that rare */
}

/*
 * Expected hits per byte of text of r's literals, and those times the bytes
 * each hit makes the regex run over (from where the match may start: a line
 * may be a paragraph), plus a call's worth.
 */
static void req_weigh(const struct req *r, double *hits, double *cost)
{
	*hits = *cost = 0;
	for (size_t i = 0; i < r->n; i++) {
		double h = string_hits(r->s[i]);
		size_t pre = req_pre(r, i), reach = pre == UNB || pre > 400 ? 400 : pre;
		*hits += h;
		*cost += h * (double)(reach + 40);
	}
}

/* One-byte literals are worth a prefilter only when they are punctuation that most lines lack. */
static bool rare_literals(const struct req *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->s[i]) == 1 && !strchr(":;!?()[]{}%$#@&*/+=<>|~^_\\", r->s[i][0]))
			return false;
	return true;
}

/*
 * Better = a literal nearer the match start (its ranges are a few bytes, not a
 * line) if it is not much shorter; then the longer shortest literal; then the
 * rarer by req_weigh (",a" over "a,"); then fewer literals. Single letters or
 * digits are no better than nothing: they are in every line.
 */
static void req_measure(struct req *r)
{
	if (r->measured || r->any)
		return;
	r->minlen = req_minlen(r);
	r->measured = true;
}

/* Only when two candidates are weighed (most patterns offer one): hits and cost, once. */
static void req_costed(struct req *r)
{
	if (r->costed || r->any)
		return;
	req_weigh(r, &r->hits, &r->cost);
	r->costed = true;
}

static bool req_better(struct req *a, struct req *b)
{
	req_measure(a);
	req_measure(b);
	bool ua = a->any || (a->minlen == 1 && !rare_literals(a));
	bool ub = b->any || (b->minlen == 1 && !rare_literals(b));
	if (ua || ub)
		return !ua && ub;
	req_costed(a);
	req_costed(b);
	double ca = a->cost, cb = b->cost;
	if (ca > 4 * cb || cb > 4 * ca) /* far apart: "the " at the start or " year" later on */
		return ca < cb;
	size_t la = a->minlen, lb = b->minlen;
	if (a->pre != b->pre) { /* the nearer one (unbounded is farthest) */
		const struct req *nearer = a->pre < b->pre ? a : b;
		size_t lnearer = nearer == a ? la : lb, lother = nearer == a ? lb : la;
		if (lnearer >= 3 || lnearer >= lother)
			return nearer == a;
	}
	if (la != lb)
		return la > lb;
	if (ca < cb * .8 || cb < ca * .8)
		return ca < cb;
	return a->n < b->n;
}

struct parser {
	const char *p, *end;
	bool fail; /* syntax we do not understand: give up (no prefilter) */
	bool oom;
	size_t charw; /* bytes a literal character may match: 4 when case is ignored (K matches the Kelvin sign): then a literal's letters are any case */
};

static struct req parse_alt(struct parser *P);

/* Caseless punctuation outside ASCII that may appear in literals: “ ” ‘ ’ « » – — … */
static size_t caseless_nonascii(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	if (end - p >= 3 && u[0] == 0xE2 && u[1] == 0x80)
		return 3;
	if (end - p >= 2 && u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB))
		return 2;
	return 0;
}

/* Skips a quantifier at P->p; returns min repetitions (0 or 1+), or -1 if none; *maxrep: at most (UNB). */
static int quantifier(struct parser *P, size_t *maxrep)
{
	const char *p = P->p;
	int min = -1;
	size_t mr = 1;
	if (maxrep)
		*maxrep = 1;
	if (p >= P->end)
		return -1;
	if (*p == '?' || *p == '*') {
		min = 0;
		mr = *p == '?' ? 1 : UNB;
		p++;
	} else if (*p == '+') {
		min = 1;
		mr = UNB;
		p++;
	} else if (*p == '{' && p + 1 < P->end && isdigit((unsigned char)p[1])) {
		const char *q = p + 1;
		long lo = strtol(q, (char **)&q, 10);
		mr = lo > 0 ? (size_t)lo : 0;
		if (*q == ',') {
			q++;
			mr = UNB;
			if (q < P->end && isdigit((unsigned char)*q))
				mr = (size_t)strtol(q, NULL, 10);
			while (q < P->end && isdigit((unsigned char)*q))
				q++;
		}
		if (*q != '}')
			return -1; /* a literal '{' */
		min = lo > 0 ? 1 : 0;
		p = q + 1;
	} else {
		return -1;
	}
	if (maxrep)
		*maxrep = mr;
	if (p < P->end && (*p == '?' || *p == '+'))
		p++; /* lazy / possessive */
	P->p = p;
	return min;
}

/*
 * A literal run is a set of strings one of which the text holds there: a
 * literal character adds itself to each, a class multiplies them by its
 * members ("," then [\d] gives ",0" ... ",9"). The automaton folds every
 * non-ASCII byte into one class (see mtpe_ac_build), so the byte 0x80 matches
 * any of them: "any non-ASCII character" is three members, 0x80 twice, three
 * and four times.
 */
#define RUN_ALTS 256
#define RUN_LEN 64
struct alt {
	char s[RUN_LEN];
	char x[RUN_LEN]; /* the bytes as written where case counts, else 0 */
	unsigned char len;
};

/* A member of a class: one character (UTF-8, ASCII lower-cased; x as written or 0s). */
struct member {
	char s[4];
	char x[4];
	unsigned char len;
};
#define MAX_MEMBERS 128

struct seq {
	struct req best;
	struct alt *run; /* the current literal run (at most RUN_ALTS strings) */
	struct alt *spare; /* the other buffer, where a class multiplies the run */
	size_t cap_run, cap_spare;
	size_t nrun;
	bool oom;
	size_t w;       /* at most how many bytes the sequence has matched so far */
	size_t run_pre; /* w where the current literal run started */
	/* the run's literal characters since its last class: offered too (a class may add short strings) */
	char tail[RUN_LEN], tailx[RUN_LEN];
	size_t tlen, tail_pre;
	int inl;        /* groups being read inline (no alternation, no quantifier) */
	/* lookaheads read inline: their text continues the run; after them the match goes on from where they stand */
	int look_inl[8];
	size_t look_w[8];
	uint64_t look_nocons[8][4];
	int nlook;
	uint64_t nocons[4]; /* bytes the sequence so far cannot have matched */
	bool exact;     /* the pattern never ignores case: literal characters must be there as written */
};

/* A copy of the n bytes x, or NULL if they are all 0 (any case). */
static char *exact_dup(const char *x, size_t n, bool *oom)
{
	bool any = false;
	for (size_t i = 0; i < n && !any; i++)
		any = x[i] != 0;
	if (!any)
		return NULL;
	char *d = mtpe_malloc(n ? n : 1);
	if (!d)
		*oom = true;
	else
		memcpy(d, x, n);
	return d;
}

static void offer(struct seq *S, struct req *r)
{
	if (req_better(r, &S->best)) {
		req_free(&S->best);
		S->best = *r;
	} else {
		req_free(r);
	}
}

static void flush(struct seq *S)
{
	if (S->nrun) {
		struct req r = { false, mtpe_calloc(S->nrun, sizeof(char *)), 0, S->run_pre, 0, NULL,
				 mtpe_calloc(S->nrun, sizeof(char *)), false, false, 0, 0, 0, { 0 }, { 0 } };
		if (!r.s || !r.x) {
			free(r.s);
			free(r.x);
			S->oom = true;
		} else {
			/* (the strings differ: members of a class differ, and so do their products) */
			for (size_t i = 0; i < S->nrun && !S->oom; i++) {
				const struct alt *a = &S->run[i];
				if (!(r.s[r.n] = mtpe_strndup(a->s, a->len)))
					S->oom = true;
				else
					r.x[r.n++] = exact_dup(a->x, a->len, &S->oom);
			}
			memcpy(r.nospan, S->nocons, sizeof(r.nospan));
			if (S->oom)
				req_free(&r);
			else
				offer(S, &r);
		}
		if (S->nrun > 1 && S->tlen && !S->oom) {
			struct req t = { false, mtpe_malloc(sizeof(char *)), 1, S->tail_pre, 0, NULL, mtpe_calloc(1, sizeof(char *)),
					 false, false, 0, 0, 0, { 0 }, { 0 } };
			if (!t.s || !t.x || !(t.s[0] = mtpe_strndup(S->tail, S->tlen))) {
				free(t.s);
				free(t.x);
				S->oom = true;
			} else {
				t.x[0] = exact_dup(S->tailx, S->tlen, &S->oom);
				memcpy(t.nospan, S->nocons, sizeof(t.nospan));
				offer(S, &t);
			}
		}
	}
	S->nrun = 0;
	S->tlen = 0;
}

/* Keeps the tail: a literal character goes on it, a class clears it. */
static void tail_add(struct seq *S, const struct member *m, size_t nm)
{
	if (nm != 1 || S->tlen + m[0].len >= RUN_LEN) {
		S->tlen = 0;
		return;
	}
	if (!S->tlen)
		S->tail_pre = S->w;
	memcpy(S->tail + S->tlen, m[0].s, m[0].len);
	memcpy(S->tailx + S->tlen, m[0].x, m[0].len);
	S->tlen += m[0].len;
}

/* Room for n strings in *a (most runs are one string: they start small). */
static bool alts_room(struct seq *S, struct alt **a, size_t *cap, size_t n)
{
	if (n <= *cap)
		return true;
	size_t nc = n < 4 ? 4 : n;
	struct alt *na = mtpe_realloc(*a, nc * sizeof(**a));
	if (!na) {
		S->oom = true;
		return false;
	}
	*a = na;
	*cap = nc;
	return true;
}

/* Starts a run with the members (run_pre = S->w). */
static void run_start(struct seq *S, const struct member *m, size_t nm)
{
	if (!nm || nm > RUN_ALTS || !alts_room(S, &S->run, &S->cap_run, nm))
		return;
	for (size_t i = 0; i < nm; i++) {
		memcpy(S->run[i].s, m[i].s, m[i].len);
		memcpy(S->run[i].x, m[i].x, m[i].len);
		S->run[i].len = m[i].len;
	}
	S->nrun = nm;
	S->run_pre = S->w;
	S->tlen = 0;
	tail_add(S, m, nm);
}

/*
 * The next character of the run is one of the members. A run already 3 bytes
 * long is not multiplied by a class (it is selective enough; its strings
 * would only grow in number): it ends, and a new one starts.
 */
static void run_add(struct seq *S, const struct member *m, size_t nm)
{
	if (!S->nrun) {
		run_start(S, m, nm);
		return;
	}
	size_t shortest = RUN_LEN, longest = 0;
	for (size_t i = 0; i < S->nrun; i++) {
		if (S->run[i].len < shortest)
			shortest = S->run[i].len;
		if (S->run[i].len > longest)
			longest = S->run[i].len;
	}
	if (S->nrun * nm > RUN_ALTS || longest + 4 >= RUN_LEN || (nm > 1 && shortest >= 3)) {
		/* the run ends; its tail of literal characters, if short, goes on with the members */
		char t[RUN_LEN], tx[RUN_LEN];
		size_t tl = S->tlen, tp = S->tail_pre;
		memcpy(t, S->tail, tl);
		memcpy(tx, S->tailx, tl);
		bool spread = tl && tl < 3 && S->nrun > 1 && nm <= RUN_ALTS;
		flush(S);
		if (!spread) {
			run_start(S, m, nm);
			return;
		}
		memcpy(S->run[0].s, t, tl);
		memcpy(S->run[0].x, tx, tl);
		S->run[0].len = (unsigned char)tl;
		S->nrun = 1;
		S->run_pre = tp;
		memcpy(S->tail, t, tl);
		memcpy(S->tailx, tx, tl);
		S->tlen = tl;
		S->tail_pre = tp;
		run_add(S, m, nm);
		return;
	}
	if (nm == 1) { /* a literal character: on the end of each, in place */
		for (size_t i = 0; i < S->nrun; i++) {
			struct alt *a = &S->run[i];
			memcpy(a->s + a->len, m[0].s, m[0].len);
			memcpy(a->x + a->len, m[0].x, m[0].len);
			a->len = (unsigned char)(a->len + m[0].len);
		}
		tail_add(S, m, nm);
		return;
	}
	if (!alts_room(S, &S->spare, &S->cap_spare, S->nrun * nm))
		return;
	struct alt *na = S->spare;
	size_t k = 0;
	for (size_t i = 0; i < S->nrun; i++)
		for (size_t j = 0; j < nm; j++) {
			na[k] = S->run[i];
			memcpy(na[k].s + na[k].len, m[j].s, m[j].len);
			memcpy(na[k].x + na[k].len, m[j].x, m[j].len);
			na[k].len = (unsigned char)(na[k].len + m[j].len);
			k++;
		}
	S->spare = S->run;
	S->run = na;
	size_t c = S->cap_spare;
	S->cap_spare = S->cap_run;
	S->cap_run = c;
	S->nrun = k;
	tail_add(S, m, nm);
}

/* The sequence may have matched one of the members (any character if !known). */
static void seq_matched(struct seq *S, const struct member *m, size_t nm, bool known)
{
	if (!known) {
		memset(S->nocons, 0, sizeof(S->nocons));
		return;
	}
	for (size_t i = 0; i < nm; i++)
		mtpe_bytes_may_hold(S->nocons, m[i].s, m[i].len);
}

static void push_char(struct seq *S, const char *c, size_t n)
{
	struct member m = { { 0 }, { 0 }, (unsigned char)n };
	for (size_t i = 0; i < n && i < sizeof(m.s); i++) {
		m.s[i] = (char)tolower((unsigned char)c[i]);
		m.x[i] = S->exact ? c[i] : 0;
	}
	run_add(S, &m, 1);
	mtpe_bytes_may_hold(S->nocons, c, n);
}

/*
 * A class item ([...], \d, \p{L}...) with quantifier {min, mr}: a character of
 * the run if it must occur; if it may repeat, the run ends after its first
 * repetition and a new one starts with its last (at most w0 + mr - 1
 * characters into the match, w0 being where the item starts).
 */
static void run_class(struct seq *S, const struct member *m, size_t nm, int min, size_t mr, size_t w0)
{
	if (min == 0 || !nm) { /* it may be absent (min is -1 without a quantifier) */
		flush(S);
		return;
	}
	run_add(S, m, nm);
	if (mr != 1) {
		flush(S);
		size_t w = S->w;
		S->w = w0 == UNB || mr == UNB ? UNB : w_add(w0, w_mul(1, mr - 1));
		run_start(S, m, nm);
		S->w = w;
	}
}

/* Skips a character class starting at '['. */
static void skip_class(struct parser *P)
{
	const char *p = P->p + 1;
	if (p < P->end && *p == '^')
		p++;
	if (p < P->end && *p == ']')
		p++;
	while (p < P->end && *p != ']') {
		if (*p == '\\' && p + 1 < P->end)
			p += 2;
		else if (*p == '[' && p + 1 < P->end && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			p = e ? e + 2 : p + 1;
		} else
			p++;
	}
	if (p >= P->end)
		P->fail = true;
	P->p = p < P->end ? p + 1 : p;
}

static bool add_member(struct member *m, size_t *nm, const char *s, size_t len)
{
	for (size_t i = 0; i < *nm; i++)
		if (m[i].len == len && !memcmp(m[i].s, s, len))
			return true;
	if (*nm >= MAX_MEMBERS || len > sizeof(m->s))
		return false;
	memcpy(m[*nm].s, s, len);
	memset(m[*nm].x, 0, sizeof(m->x));
	m[*nm].len = (unsigned char)len;
	(*nm)++;
	return true;
}

static bool add_byte(struct member *m, size_t *nm, int b)
{
	char c = (char)tolower(b);
	return add_member(m, nm, &c, 1);
}

/* Any non-ASCII character: 2, 3 or 4 non-ASCII bytes. */
static bool add_high(struct member *m, size_t *nm)
{
	static const char h[4] = { '\x80', '\x80', '\x80', '\x80' };
	return add_member(m, nm, h, 2) && add_member(m, nm, h, 3) && add_member(m, nm, h, 4);
}

/*
 * The members of an escape \d \w \h \p{L} \p{N}... (arg: the property name);
 * false when unsure, or when it could match a line end (a hit marks the line
 * it ends on).
 */
static bool escape_members(char e, const char *arg, size_t arglen, struct member *m, size_t *nm)
{
	bool ok = true;
	if (e == 'd' || e == 'w' || (e == 'p' && arglen && arg[0] == 'N'))
		for (int b = '0'; b <= '9'; b++)
			ok &= add_byte(m, nm, b);
	if (e == 'w' || (e == 'p' && arglen && arg[0] == 'L'))
		for (int b = 'a'; b <= 'z'; b++)
			ok &= add_byte(m, nm, b);
	if (e == 'w')
		ok &= add_byte(m, nm, '_');
	if (e == 'h')
		ok &= add_byte(m, nm, ' ') && add_byte(m, nm, '\t');
	if (e == 'd' || e == 'w' || e == 'h' || (e == 'p' && arglen && (arg[0] == 'N' || arg[0] == 'L')))
		return ok && add_high(m, nm);
	return false;
}

/* \x{...} or \xhh at p (after "\x"): the character, or -1. *pp goes past it. */
static long hex_escape(const char **pp, const char *end)
{
	const char *p = *pp;
	long cp = -1;
	if (p < end && *p == '{') {
		const char *cl = memchr(p, '}', (size_t)(end - p));
		if (!cl)
			return -1;
		char *e;
		cp = strtol(p + 1, &e, 16);
		if (e != cl || cl == p + 1)
			return -1;
		*pp = cl + 1;
	} else {
		int k = 0;
		cp = 0;
		while (k < 2 && p < end && isxdigit((unsigned char)*p)) {
			cp = cp * 16 + (isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
			p++, k++;
		}
		if (!k)
			return -1;
		*pp = p;
	}
	return cp >= 0 && cp <= 0x10FFFF ? cp : -1;
}

static bool add_char(struct member *m, size_t *nm, long cp)
{
	if (cp == '\n' || cp == '\r' || cp <= 0)
		return false;
	if (cp < 0x80)
		return add_byte(m, nm, (int)cp);
	char buf[4];
	size_t l = mtpe_utf8_encode((uint32_t)cp, buf);
	return l && add_member(m, nm, buf, l);
}

/* The members of a bracket class [p, end) (p at '['); false when unsure or it can match a line end. */
static bool class_members(const char *p, const char *end, struct member *m, size_t *nm)
{
	const char *q = p + 1;
	if (q < end && *q == '^')
		return false;
	bool first = true;
	while (q < end && (*q != ']' || first)) {
		first = false;
		unsigned char c = (unsigned char)*q;
		if (c == '[' || c == '\n' || c == '\r')
			return false;
		if (c == '\\') {
			if (q + 1 >= end)
				return false;
			char e = q[1];
			q += 2;
			if (e == 'p') {
				const char *arg = q;
				size_t al = 1;
				if (q < end && *q == '{') {
					const char *cl = memchr(q, '}', (size_t)(end - q));
					if (!cl)
						return false;
					arg = q + 1;
					al = (size_t)(cl - arg);
					q = cl + 1;
				} else {
					q++;
				}
				if (!escape_members(e, arg, al, m, nm))
					return false;
			} else if (e == 'd' || e == 'w' || e == 'h') {
				if (!escape_members(e, NULL, 0, m, nm))
					return false;
			} else if (e == 't') {
				if (!add_byte(m, nm, '\t'))
					return false;
			} else if (e == 'x') {
				long cp = hex_escape(&q, end);
				if (cp < 0 || (q < end && *q == '-') || !add_char(m, nm, cp))
					return false;
			} else if (ispunct((unsigned char)e)) {
				if (!add_byte(m, nm, (unsigned char)e))
					return false;
			} else {
				return false; /* \s \n ...: keep it simple */
			}
			continue;
		}
		if (c >= 0x80) {
			size_t l = mtpe_utf8_seqlen((const unsigned char *)q, (size_t)(end - q));
			if (!l)
				return false;
			if (q + l < end && q[l] == '-' && q + l + 1 < end && q[l + 1] != ']') {
				/* a range of non-ASCII characters: any of them */
				const unsigned char *h = (const unsigned char *)q + l + 1;
				size_t hl = mtpe_utf8_seqlen(h, (size_t)((const unsigned char *)end - h));
				if (!hl || !add_high(m, nm))
					return false;
				q = (const char *)h + hl;
				continue;
			}
			if (!add_member(m, nm, q, l))
				return false;
			q += l;
			continue;
		}
		if (q + 2 < end && q[1] == '-' && q[2] != ']') {
			unsigned char hi = (unsigned char)q[2];
			if (hi >= 0x80 || hi == '\\' || hi < c || (c <= '\n' && '\n' <= hi) || (c <= '\r' && '\r' <= hi))
				return false;
			for (unsigned x = c; x <= hi; x++)
				if (!add_byte(m, nm, (int)x))
					return false;
			q += 3;
			continue;
		}
		if (!add_byte(m, nm, c))
			return false;
		q++;
	}
	return q < end && *nm > 0;
}

/*
 * A group taken inline: not a lookaround, no alternation at its top level, no
 * quantifier after it - its items are simply part of the sequence. g: after
 * "(" and any "?:", "?<name>"...; returns false if it is not such a group.
 */
static bool plain_group(const char *g, const char *end)
{
	int depth = 0;
	const char *p = g;
	while (p < end) {
		char c = *p;
		if (c == '\\') {
			p += 2;
			continue;
		}
		if (c == '[') {
			struct parser T = { p, end, false, false, 1 };
			skip_class(&T);
			if (T.fail)
				return false;
			p = T.p;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == '|' && !depth)
			return false;
		else if (c == ')') {
			if (!depth) {
				p++;
				return !(p < end && (*p == '?' || *p == '*' || *p == '+' || *p == '{'));
			}
			depth--;
		}
		p++;
	}
	return false;
}

static struct req parse_seq(struct parser *P)
{
	struct seq S;
	memset(&S, 0, sizeof(S));
	S.best.any = true;
	S.exact = P->charw == 1;
	bytes_all(S.nocons);
	while (P->p < P->end && !P->fail) {
		char c = *P->p;
		if (c == ')' && S.inl) { /* the end of a group read inline */
			if (S.nlook && S.look_inl[S.nlook - 1] == S.inl) { /* a lookahead's: back to where it stood */
				flush(&S);
				S.w = S.look_w[--S.nlook];
				memcpy(S.nocons, S.look_nocons[S.nlook], sizeof(S.nocons));
			}
			S.inl--;
			P->p++;
			continue;
		}
		if (c == '|' || c == ')')
			break;
		if (c == '(') {
			const char *g = P->p + 1;
			bool skip = false, positive_look = false, behind = false;
			size_t w0 = S.w, mr;
			if (*g == '*') { /* (*VERB) */
				const char *e = memchr(g, ')', (size_t)(P->end - g));
				if (!e) {
					P->fail = true;
					break;
				}
				P->p = e + 1;
				continue;
			}
			if (*g == '?') {
				g++;
				if (*g == '=' || *g == '!') {
					skip = *g == '!';
					positive_look = *g == '=';
					g++;
				} else if (*g == '<' && (g[1] == '=' || g[1] == '!')) {
					skip = g[1] == '!';
					positive_look = g[1] == '=';
					behind = true;
					g += 2;
				} else if (*g == ':' || *g == '|' || *g == '>') {
					g++;
				} else if (*g == '<' || *g == '\'' || (*g == 'P' && g[1] == '<')) {
					const char *e = strpbrk(g + 1, ">'");
					if (!e) {
						P->fail = true;
						break;
					}
					g = e + 1;
				} else if (*g == '#') {
					const char *e = memchr(g, ')', (size_t)(P->end - g));
					P->p = e ? e + 1 : P->end;
					continue;
				} else {
					/* inline flags: (?i) (?i:...) (?-i) */
					while (g < P->end && (isalpha((unsigned char)*g) || *g == '-' || *g == '^'))
						g++;
					if (*g == ')') { /* flags for the rest of the group: case is ignored anyway */
						P->p = g + 1;
						continue;
					}
					if (*g != ':') {
						P->fail = true;
						break;
					}
					g++;
				}
			}
			P->p = g;
			if (!skip && !positive_look && plain_group(g, P->end)) {
				S.inl++; /* "(\d{1,2})" after ",": its items go on the run */
				continue;
			}
			if (positive_look && !behind && S.nlook < 8 && plain_group(g, P->end)) {
				/* "an(?= [bcd...])": the text after the match so far is there too, "an " */
				S.look_w[S.nlook] = S.w;
				memcpy(S.look_nocons[S.nlook], S.nocons, sizeof(S.nocons));
				S.look_inl[S.nlook++] = ++S.inl;
				continue;
			}
			struct req inner = parse_alt(P);
			if (P->fail || P->p >= P->end || *P->p != ')') {
				req_free(&inner);
				P->fail = true;
				break;
			}
			P->p++;
			if (skip) { /* a negative lookaround requires nothing; the literal run goes on */
				req_free(&inner);
				quantifier(P, NULL);
				continue;
			}
			if (positive_look) { /* its text must be there, next to the match (same or adjacent line) */
				flush(&S);
				/* a lookahead's text starts where it stands; a lookbehind's before the match */
				req_add_pre(&inner, behind ? UNB : S.w);
				if (behind)
					memset(inner.nospan, 0, sizeof(inner.nospan));
				else /* before its literal: what the sequence matched up to it, then the lookahead's text */
					bytes_and(inner.nospan, S.nocons);
				offer(&S, &inner);
				continue;
			}
			flush(&S);
			int q = quantifier(P, &mr);
			size_t iw = inner.width;
			uint64_t group_nocons[4];
			memcpy(group_nocons, inner.nocons, sizeof(group_nocons));
			if (q == 0) {
				req_free(&inner);
			} else { /* the literal may be in a later repetition */
				req_add_pre(&inner, w_add(w0, w_mul(iw, mr == UNB ? UNB : mr - 1)));
				bytes_and(inner.nospan, S.nocons);
				bytes_and(inner.nospan, group_nocons);
				offer(&S, &inner);
			}
			bytes_and(S.nocons, group_nocons);
			S.w = w_add(w0, w_mul(iw, mr));
			continue;
		}
		if (c == '[') {
			const char *cs = P->p;
			skip_class(P);
			struct member m[MAX_MEMBERS];
			size_t nm = 0;
			bool known = !P->fail && class_members(cs, P->p, m, &nm);
			size_t mr, w0 = S.w;
			int q = quantifier(P, &mr);
			run_class(&S, m, known ? nm : 0, q, mr, w0);
			seq_matched(&S, m, nm, known);
			S.w = w_add(S.w, w_mul(1, mr));
			continue;
		}
		if (c == '\\') {
			if (P->p + 1 >= P->end) {
				P->fail = true;
				break;
			}
			char e = P->p[1];
			P->p += 2;
			if (strchr("bBAzZGK", e)) /* zero-width (\K: see mtpe_prefilter_literals) */
				continue;
			size_t mr;
			if (e == 'p' || e == 'P' || e == 'x' || e == 'o' || e == 'g' || e == 'k' || e == 'N') {
				if (P->p < P->end && (*P->p == '{' || *P->p == '<')) {
					const char *cl = strpbrk(P->p, "}>");
					struct member m[MAX_MEMBERS];
					size_t nm = 0, w0 = S.w;
					bool known = false;
					if (e == 'x') {
						const char *h = P->p;
						long cp = hex_escape(&h, P->end);
						known = cp >= 0 && add_char(m, &nm, cp);
					} else {
						known = e == 'p' && cl && *P->p == '{' &&
							escape_members(e, P->p + 1, (size_t)(cl - P->p - 1), m, &nm);
					}
					P->p = cl ? cl + 1 : P->end;
					int q = quantifier(P, &mr);
					run_class(&S, m, known ? nm : 0, q, mr, w0);
					seq_matched(&S, m, nm, known);
					S.w = e == 'g' || e == 'k' ? UNB : w_add(S.w, w_mul(1, mr)); /* \g{..} \k<..>: a back-reference */
					continue;
				} else if (e == 'x') {
					const char *h = P->p;
					long cp = hex_escape(&h, P->end);
					P->p = h > P->p ? h : P->p;
					struct member m[MAX_MEMBERS];
					size_t nm = 0, w0 = S.w;
					bool known = cp >= 0 && add_char(m, &nm, cp);
					int q = quantifier(P, &mr);
					run_class(&S, m, known ? nm : 0, q, mr, w0);
					seq_matched(&S, m, nm, known);
					S.w = w_add(S.w, w_mul(1, mr));
					continue;
				} else if (e == 'p' || e == 'P') {
					P->p++;
				}
				quantifier(P, &mr);
				flush(&S);
				seq_matched(&S, NULL, 0, false);
				S.w = w_add(S.w, w_mul(1, mr));
				continue;
			}
			if (isalnum((unsigned char)e)) { /* \d \w \s \1 \Q ... : not a literal */
				if (e == 'Q') {
					P->fail = true;
					break;
				}
				if (e == 'd' || e == 'w' || e == 'h') {
					struct member m[MAX_MEMBERS];
					size_t nm = 0, w0 = S.w;
					bool known = escape_members(e, NULL, 0, m, &nm);
					int q = quantifier(P, &mr);
					run_class(&S, m, known ? nm : 0, q, mr, w0);
					seq_matched(&S, m, nm, known);
					S.w = w_add(S.w, w_mul(1, mr));
					continue;
				}
				quantifier(P, &mr);
				flush(&S);
				if (e == 's') /* a space of a list entry ("\\s{1,8}"): ASCII blanks and line ends, or beyond ASCII */
					mtpe_bytes_may_hold(S.nocons, " \t\n\v\f\r\x80", 7);
				else
					seq_matched(&S, NULL, 0, false);
				/* a back-reference or a grapheme cluster: no bound; else one character */
				S.w = isdigit((unsigned char)e) || e == 'X' ? UNB : w_add(S.w, w_mul(1, mr));
				continue;
			}
			/* an escaped punctuation character is a literal */
			int q = quantifier(P, &mr);
			if (q == 0) {
				flush(&S);
				mtpe_bytes_may_hold(S.nocons, &e, 1);
				S.w = w_add(S.w, mr);
				continue;
			}
			push_char(&S, &e, 1);
			if (q > 0)
				flush(&S);
			S.w = w_add(S.w, w_mul(1, mr));
			continue;
		}
		if (c == '^' || c == '$') {
			P->p++;
			continue;
		}
		if (c == '.') {
			P->p++;
			size_t mr;
			quantifier(P, &mr);
			flush(&S);
			seq_matched(&S, NULL, 0, false);
			S.w = w_add(S.w, w_mul(1, mr));
			continue;
		}
		if (c == '*' || c == '+' || c == '?' || (c == '{' && P->p + 1 < P->end && isdigit((unsigned char)P->p[1]))) {
			P->fail = true; /* a quantifier we did not attach: be safe */
			break;
		}
		/* a literal character (possibly multi-byte) */
		size_t k = 1;
		if ((unsigned char)c >= 0x80) {
			k = caseless_nonascii(P->p, P->end);
			if (!k) {
				/*
				 * A letter: as written when case counts; else any non-ASCII
				 * character (its other case may be longer or shorter).
				 */
				size_t l = mtpe_utf8_seqlen((const unsigned char *)P->p, (size_t)(P->end - P->p));
				struct member m[MAX_MEMBERS];
				size_t nm = 0, mr, w0 = S.w;
				bool known = l && (P->charw > 1 ? add_high(m, &nm) : add_member(m, &nm, P->p, l));
				if (known && P->charw == 1)
					memcpy(m[0].x, P->p, l); /* case counts: as written */
				P->p += l ? l : 1;
				int q = quantifier(P, &mr);
				run_class(&S, m, known ? nm : 0, q, mr, w0);
				seq_matched(&S, m, nm, known);
				S.w = w_add(S.w, w_mul(1, mr));
				continue;
			}
		}
		const char *lit = P->p;
		P->p += k;
		size_t mr;
		int q = quantifier(P, &mr);
		size_t cw = w_mul(1, mr); /* one character, whatever its case and bytes */
		if (q == 0) {
			flush(&S);
			mtpe_bytes_may_hold(S.nocons, lit, k);
			S.w = w_add(S.w, cw);
			continue;
		}
		push_char(&S, lit, k);
		if (q > 0)
			flush(&S);
		S.w = w_add(S.w, cw);
	}
	flush(&S);
	free(S.run);
	free(S.spare);
	if (S.inl && !P->fail)
		P->fail = true; /* an inline group left open: be safe */
	P->oom |= S.oom;
	S.best.width = S.w;
	memcpy(S.best.nocons, S.nocons, sizeof(S.nocons));
	return S.best;
}

static struct req parse_alt(struct parser *P)
{
	struct req all = { false, NULL, 0, 0, 0, NULL, NULL, false, false, 0, 0, 0, { 0 }, { 0 } };
	size_t width = 0, pre = 0;
	uint64_t nospan[4], nocons[4]; /* over the alternatives */
	bytes_all(nospan);
	bytes_all(nocons);
	for (;;) {
		struct req b = parse_seq(P);
		bytes_and(nocons, b.nocons);
		if (!b.any)
			bytes_and(nospan, b.nospan);
		if (b.width > width)
			width = b.width;
		if (!b.any && b.pre > pre)
			pre = b.pre;
		if (b.any || P->fail) {
			req_free(&b);
			req_free(&all);
			all.any = true;
		} else if (!all.any) {
			/* each alternative's strings keep their own distance from the match start */
			char **ns = mtpe_realloc(all.s, (all.n + b.n ? all.n + b.n : 1) * sizeof(char *));
			if (ns)
				all.s = ns;
			size_t *np = ns ? mtpe_realloc(all.p, (all.n + b.n ? all.n + b.n : 1) * sizeof(size_t)) : NULL;
			if (np)
				all.p = np;
			char **nx = np ? mtpe_realloc(all.x, (all.n + b.n ? all.n + b.n : 1) * sizeof(char *)) : NULL;
			if (nx) {
				if (!all.x)
					memset(nx, 0, all.n * sizeof(char *));
				all.x = nx;
			}
			if (!ns || !np || !nx) {
				req_free(&b);
				P->oom = true;
			} else {
				memcpy(all.s + all.n, b.s, b.n * sizeof(char *));
				for (size_t i = 0; i < b.n; i++) {
					all.p[all.n + i] = req_pre(&b, i);
					all.x[all.n + i] = b.x ? b.x[i] : NULL;
				}
				all.n += b.n;
				free(b.s);
				free(b.p);
				free(b.x);
			}
		} else {
			req_free(&b);
		}
		if (P->p < P->end && *P->p == '|') {
			P->p++;
			continue;
		}
		break;
	}
	all.width = width;
	all.pre = pre;
	memcpy(all.nocons, nocons, sizeof(nocons));
	if (!all.any)
		memcpy(all.nospan, nospan, sizeof(nospan));
	return all;
}

/* Does the pattern ignore case anywhere ((?i), (?mi:...))? Then a letter may match more bytes than written. */
bool mtpe_pattern_ignores_case(const char *p)
{
	for (; (p = strstr(p, "(?")) != NULL; p += 2) {
		const char *q = p + 2;
		while (isalpha((unsigned char)*q) || *q == '^')
			if (*q++ == 'i')
				return true;
	}
	return false;
}

int mtpe_prefilter_literals(const char *pattern, char ***out, size_t *n, size_t *pre, size_t **pres, char ***exact,
			    uint64_t stop[4])
{
	if (stop)
		memset(stop, 0, 4 * sizeof(uint64_t));
	struct parser P = { pattern, pattern + strlen(pattern), false, false, mtpe_pattern_ignores_case(pattern) ? 4 : 1 };
	*out = NULL;
	*n = 0;
	*pre = UNB;
	*pres = NULL;
	*exact = NULL;
	/* extended mode changes what a space means: do not guess */
	if (strstr(pattern, "(?x") || strstr(pattern, "(*"))
		return 0;
	struct req r = parse_alt(&P);
	if (P.oom) {
		req_free(&r);
		return MTPE_ENOMEM;
	}
	/* literals found every hundred bytes or so ("a " ... "z ", "in", "on"...) would only add work */
	if (P.fail || P.p != P.end || r.any || req_minlen(&r) < 1 || (req_minlen(&r) == 1 && !rare_literals(&r)) ||
	    (req_costed(&r), r.hits > .02)) {
		req_free(&r);
		return 0;
	}
	/* \K moves the start of the match past text that may hold the literal */
	if (strstr(pattern, "\\K")) {
		req_add_pre(&r, UNB);
		memset(r.nospan, 0, sizeof(r.nospan));
	}
	size_t *p = mtpe_malloc(r.n * sizeof(size_t));
	if (!p) {
		req_free(&r);
		return MTPE_ENOMEM;
	}
	for (size_t i = 0; i < r.n; i++)
		p[i] = req_pre(&r, i);
	if (!r.x && !(r.x = mtpe_calloc(r.n, sizeof(char *)))) {
		free(p);
		req_free(&r);
		return MTPE_ENOMEM;
	}
	*out = r.s;
	*n = r.n;
	*pre = r.pre;
	*pres = p;
	*exact = r.x;
	if (stop)
		memcpy(stop, r.nospan, sizeof(r.nospan));
	free(r.p);
	return 0;
}

/* ---- Aho-Corasick --------------------------------------------------------- */

struct mtpe_ac {
	uint8_t cls[256];      /* byte (lower-cased) -> class; 0 = not in any literal */
	int nclass;
	int32_t *delta;        /* state * nclass + class -> state (built here) */
	uint16_t *delta16;     /* the same in 16 bits, when the states fit: half the memory */
	int32_t *out;          /* state -> first output index, -1 none */
	int32_t *dict;         /* state -> next state with output along fail links, -1 none */
	int32_t nstates;
	/* outputs: linked lists of rule ids */
	int32_t *out_rule, *out_next;
	size_t nout;
	size_t nrules;
	uint16_t *depth;       /* state -> length of the literal it ends */
	int32_t first_out;     /* states from here on have a literal ending there (themselves or along their links) */
	size_t *out_pre;       /* output -> how far before its literal a match may start (UNB: its line) */
	char **out_x;          /* output -> the bytes the text must have (0: any case), or NULL */
	uint64_t (*stop)[4];   /* rule -> bytes its matches cannot hold before their literal (mtpe_ac_set_stops), or NULL */
	bool *has_stop;
};

void mtpe_ac_free(mtpe_ac *ac)
{
	if (!ac)
		return;
	free(ac->delta);
	free(ac->delta16);
	free(ac->out);
	free(ac->dict);
	free(ac->out_rule);
	free(ac->out_next);
	free(ac->depth);
	for (size_t i = 0; ac->out_x && i < ac->nout; i++)
		free(ac->out_x[i]);
	free(ac->out_x);
	free(ac->out_pre);
	free(ac->stop);
	free(ac->has_stop);
	free(ac);
}

int mtpe_ac_set_stops(mtpe_ac *ac, size_t r, const uint64_t stop[4])
{
	if (r >= ac->nrules || !(stop[0] | stop[1] | stop[2] | stop[3]))
		return 0;
	if (!ac->stop) {
		ac->stop = mtpe_calloc(ac->nrules, sizeof(*ac->stop));
		ac->has_stop = mtpe_calloc(ac->nrules, sizeof(bool));
		if (!ac->stop || !ac->has_stop) {
			free(ac->stop);
			free(ac->has_stop);
			ac->stop = NULL;
			ac->has_stop = NULL;
			return MTPE_ENOMEM;
		}
	}
	memcpy(ac->stop[r], stop, sizeof(ac->stop[r]));
	ac->has_stop[r] = true;
	return 0;
}

int mtpe_ac_build(mtpe_ac **outp, char **const *lits, const size_t *nlits, const size_t *const *pre,
		  char **const *exact, size_t nrules)
{
	mtpe_ac *ac = mtpe_calloc(1, sizeof(*ac));
	if (!ac)
		return MTPE_ENOMEM;
	ac->nrules = nrules;
	size_t total = 1, nl = 0;
	bool seen[256] = { false };
	for (size_t r = 0; r < nrules; r++)
		for (size_t i = 0; i < nlits[r]; i++) {
			total += strlen(lits[r][i]);
			nl++;
			for (const char *c = lits[r][i]; *c; c++)
				seen[(unsigned char)*c] = true;
		}
	ac->nclass = 1;
	int high = 0;
	for (int b = 0; b < 256; b++) {
		if (!seen[b])
			continue;
		if (b >= 0x80) {
			/*
			 * Every non-ASCII byte is one class: a superset, and a table many
			 * times smaller. The extractor relies on it: its byte 0x80 stands
			 * for any non-ASCII character.
			 */
			if (!high)
				high = ac->nclass++;
			ac->cls[b] = (uint8_t)high;
		} else {
			ac->cls[b] = (uint8_t)ac->nclass++;
		}
	}
	for (int b = 0x80; high && b < 256; b++)
		ac->cls[b] = (uint8_t)high;
	/* upper-case ASCII maps to its lower-case class */
	for (int b = 'A'; b <= 'Z'; b++)
		ac->cls[b] = ac->cls[b + 32];
	int nc = ac->nclass;
	/* the trie shares prefixes: far fewer states than literal bytes (~8k of ~28k); the table grows with them */
	size_t rows = total < 1024 ? total : 1024;
	ac->delta = mtpe_calloc(rows * (size_t)nc, sizeof(int32_t));
	ac->out = mtpe_malloc(total * sizeof(int32_t));
	ac->dict = mtpe_malloc(total * sizeof(int32_t));
	ac->out_rule = mtpe_malloc((nl ? nl : 1) * sizeof(int32_t));
	ac->out_next = mtpe_malloc((nl ? nl : 1) * sizeof(int32_t));
	ac->out_pre = mtpe_malloc((nl ? nl : 1) * sizeof(size_t));
	ac->out_x = mtpe_calloc(nl ? nl : 1, sizeof(char *));
	int32_t *fail = mtpe_calloc(total, sizeof(int32_t));
	int32_t *queue = mtpe_malloc(total * sizeof(int32_t));
	ac->depth = mtpe_calloc(total, sizeof(uint16_t));
	if (!ac->delta || !ac->out || !ac->dict || !ac->out_rule || !ac->out_next || !ac->out_pre || !ac->out_x || !fail ||
	    !queue || !ac->depth) {
		free(fail);
		free(queue);
		mtpe_ac_free(ac);
		return MTPE_ENOMEM;
	}
	for (size_t i = 0; i < total; i++) {
		ac->out[i] = -1;
		ac->dict[i] = -1;
	}
	/* trie; 0 in delta means "no edge" during construction (state 0 is the root) */
	ac->nstates = 1;
	for (size_t r = 0; r < nrules; r++)
		for (size_t i = 0; i < nlits[r]; i++) {
			int32_t s = 0;
			for (const unsigned char *c = (const unsigned char *)lits[r][i]; *c; c++) {
				if ((size_t)ac->nstates == rows) { /* room for the state this byte may add */
					size_t nr = rows * 2 < total ? rows * 2 : total;
					int32_t *g = mtpe_realloc(ac->delta, nr * (size_t)nc * sizeof(int32_t));
					if (!g) {
						free(fail);
						free(queue);
						mtpe_ac_free(ac);
						return MTPE_ENOMEM;
					}
					memset(g + rows * (size_t)nc, 0, (nr - rows) * (size_t)nc * sizeof(int32_t));
					ac->delta = g;
					rows = nr;
				}
				int32_t *t = &ac->delta[(size_t)s * nc + ac->cls[*c]];
				if (!*t) {
					ac->depth[ac->nstates] = (uint16_t)(ac->depth[s] < UINT16_MAX ? ac->depth[s] + 1 : UINT16_MAX);
					*t = ac->nstates++;
				}
				s = *t;
			}
			/*
			 * add rule r to s's outputs unless already there (then with the
			 * farther reach, and any case if the two ask for different ones)
			 */
			size_t lp = pre && pre[r] ? pre[r][i] : UNB, len = strlen(lits[r][i]);
			const char *x = exact && exact[r] ? exact[r][i] : NULL;
			bool dup = false;
			for (int32_t o = ac->out[s]; o >= 0 && !dup; o = ac->out_next[o])
				if (ac->out_rule[o] == (int32_t)r) {
					dup = true;
					if (lp > ac->out_pre[o])
						ac->out_pre[o] = lp;
					if (ac->out_x[o] && (!x || memcmp(ac->out_x[o], x, len))) {
						free(ac->out_x[o]);
						ac->out_x[o] = NULL;
					}
				}
			if (!dup) {
				ac->out_rule[ac->nout] = (int32_t)r;
				ac->out_pre[ac->nout] = lp;
				if (x && (ac->out_x[ac->nout] = mtpe_malloc(len)) != NULL)
					memcpy(ac->out_x[ac->nout], x, len); /* no copy: any case, a superset */
				ac->out_next[ac->nout] = ac->out[s];
				ac->out[s] = (int32_t)ac->nout++;
			}
		}
	/* breadth-first: fail links, full transition table, dictionary links */
	size_t qh = 0, qt = 0;
	for (int c = 1; c < nc; c++) {
		int32_t t = ac->delta[c];
		if (t) {
			fail[t] = 0;
			queue[qt++] = t;
		}
	}
	while (qh < qt) {
		int32_t s = queue[qh++];
		ac->dict[s] = ac->out[fail[s]] >= 0 ? fail[s] : ac->dict[fail[s]];
		for (int c = 1; c < nc; c++) {
			int32_t *t = &ac->delta[(size_t)s * nc + c];
			if (*t) {
				fail[*t] = ac->delta[(size_t)fail[s] * nc + c];
				queue[qt++] = *t;
			} else {
				*t = ac->delta[(size_t)fail[s] * nc + c];
			}
		}
	}
	free(fail);
	free(queue);
	/*
	 * Renumber the states: those where a literal ends (themselves or along
	 * their dictionary links) last, so "is this a hit?" is a comparison, not
	 * a second load after each step.
	 */
	size_t ns = (size_t)ac->nstates;
	bool narrow = ns <= UINT16_MAX; /* 16-bit states: half the table */
	int32_t *perm = mtpe_malloc(ns * sizeof(int32_t));
	int32_t *nd = perm && !narrow ? mtpe_malloc(ns * (size_t)nc * sizeof(int32_t)) : NULL;
	uint16_t *nd16 = perm && narrow ? mtpe_malloc(ns * (size_t)nc * sizeof(uint16_t)) : NULL;
	int32_t *nout = nd || nd16 ? mtpe_malloc(ns * sizeof(int32_t)) : NULL;
	int32_t *ndict = nout ? mtpe_malloc(ns * sizeof(int32_t)) : NULL;
	uint16_t *ndepth = ndict ? mtpe_malloc(ns * sizeof(uint16_t)) : NULL;
	if (!ndepth) {
		free(perm);
		free(nd);
		free(nd16);
		free(nout);
		free(ndict);
		mtpe_ac_free(ac);
		return MTPE_ENOMEM;
	}
	int32_t k = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int32_t i = 0; i < ac->nstates; i++)
			if ((ac->out[i] >= 0 || ac->dict[i] >= 0) == (pass == 1))
				perm[i] = k++;
	for (int32_t i = 0; i < ac->nstates; i++)
		if (ac->out[i] < 0 && ac->dict[i] < 0)
			ac->first_out++;
	for (int32_t i = 0; i < ac->nstates; i++) {
		int32_t j = perm[i];
		const int32_t *row = &ac->delta[(size_t)i * nc];
		if (narrow)
			for (int c = 0; c < nc; c++)
				nd16[(size_t)j * nc + c] = (uint16_t)perm[row[c]];
		else
			for (int c = 0; c < nc; c++)
				nd[(size_t)j * nc + c] = perm[row[c]];
		nout[j] = ac->out[i];
		ndict[j] = ac->dict[i] >= 0 ? perm[ac->dict[i]] : -1;
		ndepth[j] = ac->depth[i];
	}
	free(perm);
	free(ac->delta);
	free(ac->out);
	free(ac->dict);
	free(ac->depth);
	ac->delta = nd; /* one of these two */
	ac->delta16 = nd16;
	ac->out = nout;
	ac->dict = ndict;
	ac->depth = ndepth;
	*outp = ac;
	return 0;
}

void mtpe_ac_hits_dispose(mtpe_ac_hits *h)
{
	for (size_t i = 0; h->ranges && i < h->nrules; i++)
		free(h->ranges[i]);
	free(h->ranges);
	free(h->nranges);
	free(h->caps);
	free(h->pend);
	memset(h, 0, sizeof(*h));
}

/*
 * Adds [ls, le] to rule r's ranges, kept sorted and disjoint. Ranges come in
 * the order of their literals' ends, so a range may start before the last
 * ones (a longer literal, a longer reach back): it is merged or inserted there.
 */
static int mark(mtpe_ac_hits *h, int32_t r, size_t ls, size_t le)
{
	size_t n = h->nranges[r];
	mtpe_ac_range *a = h->ranges[r];
	if (n && a[n - 1].start <= ls && a[n - 1].end >= ls) { /* the usual case: within or just after the last */
		if (le > a[n - 1].end)
			a[n - 1].end = le;
		return 0;
	}
	size_t k = n;
	while (k > 0 && a[k - 1].start > le)
		k--;
	if (k > 0 && a[k - 1].end >= ls) { /* overlaps a[k - 1]: merge, then with the ones before it reaches */
		if (ls < a[k - 1].start)
			a[k - 1].start = ls;
		if (le > a[k - 1].end)
			a[k - 1].end = le;
		size_t j = k - 1;
		while (j > 0 && a[j - 1].end >= a[j].start) {
			if (a[j].start < a[j - 1].start)
				a[j - 1].start = a[j].start;
			if (a[j].end > a[j - 1].end)
				a[j - 1].end = a[j].end;
			memmove(a + j, a + j + 1, (n - j - 1) * sizeof(*a));
			n--;
			j--;
		}
		h->nranges[r] = n;
		return 0;
	}
	if (n == h->caps[r]) {
		size_t cap = h->caps[r] ? h->caps[r] * 2 : 8;
		mtpe_ac_range *nr = mtpe_realloc(h->ranges[r], cap * sizeof(*nr));
		if (!nr)
			return MTPE_ENOMEM;
		h->ranges[r] = a = nr;
		h->caps[r] = cap;
	}
	if (k < n)
		memmove(a + k + 1, a + k, (n - k) * sizeof(*a));
	a[k].start = ls;
	a[k].end = le;
	h->nranges[r] = n + 1;
	return 0;
}

/* Where the scan is in the text's lines (for marking hits). */
struct lines {
	const char *text;
	size_t len, ls, le; /* the line [ls, le) of the last hit */
};

/* Marks the outputs of state s, reached at byte i (after the hits before i). */
/* Where k characters before byte i start, not before ls (i on a character start). */
static size_t chars_back(const unsigned char *u, size_t ls, size_t i, size_t k)
{
	size_t f = i - ls > k ? i - k : ls;
	bool ascii = true; /* the usual case: k bytes back, if they are all ASCII */
	size_t j = f;
	for (uint64_t v; ascii && j + 8 <= i; j += 8) {
		memcpy(&v, u + j, 8);
		ascii = !(v & 0x8080808080808080ull);
	}
	for (; ascii && j < i; j++)
		ascii = u[j] < 0x80;
	if (ascii)
		return f;
	for (f = i; k && f > ls; k--)
		do
			f--;
		while (f > ls && (u[f] & 0xC0) == 0x80);
	return f;
}

static inline bool is_stop(const uint64_t st[4], unsigned char b)
{
	return st[b >> 6] >> (b & 63) & 1;
}

static int emit(const mtpe_ac *ac, struct lines *L, size_t i, int32_t s, mtpe_ac_hits *h)
{
	const unsigned char *u = (const unsigned char *)L->text;
	if (i >= L->le) { /* a later line: its start is after the last '\n' before i */
		const char *nl = memrchr(L->text + L->le, '\n', i - L->le);
		L->ls = nl ? (size_t)(nl - L->text) + 1 : L->le;
		nl = memchr(L->text + i, '\n', L->len - i);
		L->le = nl ? (size_t)(nl - L->text) + 1 : L->len;
	}
	size_t ls = L->ls, le = L->le;
	for (int32_t d = ac->out[s] >= 0 ? s : ac->dict[s]; d >= 0; d = ac->dict[d])
		for (int32_t o = ac->out[d]; o >= 0; o = ac->out_next[o]) {
			int32_t r = ac->out_rule[o];
			size_t pre = ac->out_pre[o], from = ls, to = le;
			size_t lit = i + 1 >= ac->depth[d] ? i + 1 - ac->depth[d] : 0;
			if (ac->out_x[o]) { /* where case counts, the literal as written */
				const char *x = ac->out_x[o];
				size_t k = 0;
				while (k < ac->depth[d] && (!x[k] || (char)u[lit + k] == x[k]))
					k++;
				if (k < ac->depth[d])
					continue;
			}
			if (ac->has_stop && ac->has_stop[r]) {
				/*
				 * The match starts at most pre characters before the literal,
				 * on its line, and after the last byte it cannot hold before
				 * it. Stops are known only where every literal of the rule is
				 * in its match (none from a lookbehind or before a \K): the
				 * match starts by the literal, however far before it. pre
				 * characters are at least pre bytes: the walk goes that far
				 * first, and counts characters only if it met no stop.
				 */
				const uint64_t *st = ac->stop[r];
				size_t f = lit, lim = pre == UNB || lit - ls <= pre ? ls : lit - pre;
				to = lit;
				while (f > lim && !is_stop(st, u[f - 1]))
					f--;
				if (f == lim && lim > ls) { /* pre bytes back and no stop: on to pre characters back */
					size_t cb = chars_back(u, ls, lit, pre);
					while (f > cb && !is_stop(st, u[f - 1]))
						f--;
				}
				while (f < lit && (u[f] & 0xC0) == 0x80)
					f++; /* on a character's start */
				from = f;
			} else if (pre != UNB) { /* the match starts at most pre characters before the literal, on its line */
				to = lit;
				from = chars_back(u, ls, lit, pre);
			}
			if (mark(h, r, from, to) < 0)
				return MTPE_ENOMEM;
		}
	return 0;
}

struct pending {
	size_t i;
	int32_t s;
};

/*
 * The automaton's step is a load that depends on the last: the text is
 * scanned as two halves at once (cut at a line start: no literal holds a line
 * end), so two loads are in flight. The first half's hits are marked as they
 * come, the second's after, in text order.
 */
int mtpe_ac_scan(const mtpe_ac *ac, const char *text, size_t len, mtpe_ac_hits *h)
{
	memset(h, 0, sizeof(*h));
	return mtpe_ac_scan_again(ac, text, len, h);
}

int mtpe_ac_scan_again(const mtpe_ac *ac, const char *text, size_t len, mtpe_ac_hits *h)
{
	if (h->ranges && h->nrules == ac->nrules) { /* the last scan's arrays, emptied: their memory is already ours */
		memset(h->nranges, 0, ac->nrules * sizeof(size_t));
	} else {
		mtpe_ac_hits_dispose(h);
		h->nrules = ac->nrules;
		h->ranges = mtpe_calloc(ac->nrules ? ac->nrules : 1, sizeof(*h->ranges));
		h->nranges = mtpe_calloc(ac->nrules ? ac->nrules : 1, sizeof(size_t));
		h->caps = mtpe_calloc(ac->nrules ? ac->nrules : 1, sizeof(size_t));
	}
	if (!h->ranges || !h->nranges || !h->caps) {
		mtpe_ac_hits_dispose(h);
		return MTPE_ENOMEM;
	}
	const size_t nc = (size_t)ac->nclass;
	const unsigned char *u = (const unsigned char *)text;
	const uint16_t *d16 = ac->delta16;
	const int32_t *d32 = ac->delta;
	const uint8_t *cls = ac->cls;
	const int32_t hit = ac->first_out;
	/* a hit marks the line it ends on: a match containing the literal starts on that line */
	struct lines L1 = { text, len, 0, 0 };
	size_t mid = len;
	if (len >= 4096) {
		const char *nl = memchr(text + len / 2, '\n', len - len / 2);
		mid = nl ? (size_t)(nl - text) + 1 : len;
	}
	struct lines L2 = { text, len, mid, mid };
	struct pending *pend = h->pend;
	size_t npend = 0, cappend = h->cappend;
	int error = 0;
	int32_t s1 = 0, s2 = 0;
	size_t i1 = 0, i2 = mid;
	for (; i1 < mid && i2 < len && !error; i1++, i2++) {
		size_t a1 = (size_t)s1 * nc + cls[u[i1]], a2 = (size_t)s2 * nc + cls[u[i2]];
		s1 = d16 ? d16[a1] : d32[a1];
		s2 = d16 ? d16[a2] : d32[a2];
		if (s1 < hit && s2 < hit)
			continue;
		if (s1 >= hit)
			error = emit(ac, &L1, i1, s1, h);
		if (s2 >= hit) {
			if (npend == cappend) {
				size_t nc2 = cappend ? cappend * 2 : 1024;
				struct pending *np = mtpe_realloc(pend, nc2 * sizeof(*np));
				if (!np) {
					error = MTPE_ENOMEM;
					break;
				}
				pend = np;
				cappend = nc2;
			}
			pend[npend].i = i2;
			pend[npend++].s = s2;
		}
	}
	for (; i1 < mid && !error; i1++) {
		size_t a1 = (size_t)s1 * nc + cls[u[i1]];
		s1 = d16 ? d16[a1] : d32[a1];
		if (s1 >= hit)
			error = emit(ac, &L1, i1, s1, h);
	}
	for (size_t k = 0; k < npend && !error; k++)
		error = emit(ac, &L2, pend[k].i, pend[k].s, h);
	for (; i2 < len && !error; i2++) {
		size_t a2 = (size_t)s2 * nc + cls[u[i2]];
		s2 = d16 ? d16[a2] : d32[a2];
		if (s2 >= hit)
			error = emit(ac, &L2, i2, s2, h);
	}
	h->pend = pend;
	h->cappend = cappend;
	if (error)
		mtpe_ac_hits_dispose(h);
	return error;
}

/* ---- built-in scans (prefilter: in a rule) ------------------------------- */

mtpe_hint mtpe_hint_from_name(const char *name)
{
	if (!strcmp(name, "repeated-word"))
		return MTPE_HINT_REPEATED_WORD;
	if (!strcmp(name, "glued-capital"))
		return MTPE_HINT_GLUED_CAPITAL;
	if (!strcmp(name, "after-stop"))
		return MTPE_HINT_AFTER_STOP;
	return MTPE_HINT_NONE;
}

/* A byte of a lower-case ASCII letter or of any non-ASCII character. */
static inline bool lowish(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || c >= 0x80;
}

static int add_range(mtpe_ac_range **r, size_t *nr, size_t *cap, size_t a, size_t b)
{
	if (*nr && (*r)[*nr - 1].end + 1 >= a) { /* touching the last one */
		if (b > (*r)[*nr - 1].end)
			(*r)[*nr - 1].end = b;
		return 0;
	}
	if (*nr == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		mtpe_ac_range *x = mtpe_realloc(*r, nc * sizeof(*x));
		if (!x)
			return MTPE_ENOMEM;
		*r = x;
		*cap = nc;
	}
	(*r)[*nr].start = a;
	(*r)[(*nr)++].end = b;
	return 0;
}

static inline unsigned fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32u : c;
}

/* Equal but for ASCII case, any two non-ASCII bytes counting as equal (a superset of a caseless \1). */
static inline bool same_letters(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i] && !(a[i] >= 0x80 && b[i] >= 0x80) && fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* The high bit of each byte of x that is c (exact, no borrow between bytes). */
static inline uint64_t bytes_eq(uint64_t x, unsigned char c)
{
	const uint64_t lo7 = 0x7F7F7F7F7F7F7F7FULL;
	uint64_t v = x ^ (0x0101010101010101ULL * c);
	return ~(((v & lo7) + lo7) | v | lo7);
}

/* The high bit of each byte of x in 'A'..'Z'. */
static inline uint64_t bytes_upper(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, lo7 = ones * 127;
	uint64_t y = x & lo7;
	/* y + (127 - 'Z') has the high bit from 'Z' + 1 up; y + (127 - 'A' + 1) from 'A' up */
	uint64_t ge_a = y + ones * (127 - 'A' + 1), gt_z = y + ones * (127 - 'Z');
	return ge_a & ~gt_z & ~x & (ones * 128);
}

static inline __attribute__((always_inline)) int hint_from(mtpe_hint h, const unsigned char *u, size_t n, size_t ws,
								   size_t we, size_t i, size_t s, size_t gmax, mtpe_ac_range **r,
								   size_t *nr, size_t *cap, bool *stop);

/* One candidate position i of hint h; *stop when the scan is past we. */
static int hint_at(mtpe_hint h, const unsigned char *u, size_t from, size_t n, size_t ws, size_t we, size_t i,
		   mtpe_ac_range **r, size_t *nr, size_t *cap, bool *stop)
{
	size_t s = i;
	while (s > from && lowish(u[s - 1]))
		s--;
	return hint_from(h, u, n, ws, we, i, s, SIZE_MAX, r, nr, cap, stop);
}

/* The same, s being where the run of lower-case (or non-ASCII) bytes before i starts. */
static inline __attribute__((always_inline)) int hint_from(mtpe_hint h, const unsigned char *u, size_t n, size_t ws,
								   size_t we, size_t i, size_t s, size_t gmax, mtpe_ac_range **r,
								   size_t *nr, size_t *cap, bool *stop)
{
	if (s > we) {
		*stop = true;
		return 0;
	}
	if (s == i)
		return 0;
	if (h == MTPE_HINT_GLUED_CAPITAL)
		return add_range(r, nr, cap, s < ws ? ws : s, i - 1 > we ? we : i - 1);
	/* the group is a suffix of the run, at least 3 bytes, and follows the space again */
	if (i + 1 >= n)
		return 0;
	unsigned c1 = fold(u[i + 1]);
	bool h1 = u[i + 1] >= 0x80;
	/*
	 * gmax: the letters (and non-ASCII bytes) after the space, when known. A
	 * group's bytes are such (the run's are lower-case or non-ASCII, and
	 * same_letters wants a letter of either case or a non-ASCII byte for each):
	 * after "of", "a", "to"... no group of 3 can follow.
	 */
	for (size_t g = 3; g <= i - s && g <= gmax && i + 1 + g <= n; g++)
		if ((fold(u[i - g]) == c1 || (h1 && u[i - g] >= 0x80)) && same_letters(u + i - g, u + i + 1, g)) {
			size_t a = s < ws ? ws : s, b = i - 3 > we ? we : i - 3;
			return a <= b ? add_range(r, nr, cap, a, b) : 0;
		}
	return 0;
}

/* The bytes after a stop a sentence's first letter may follow: blanks, line ends, quotes, ')'. */
static size_t opener_len(const unsigned char *u, size_t i, size_t n)
{
	if (u[i] == ' ' || u[i] == '\n' || u[i] == '\r' || u[i] == '"' || u[i] == ')')
		return 1;
	if (i + 2 < n && u[i] == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0x9C || u[i + 2] == 0x9D || u[i + 2] == 0x99))
		return 3; /* “ ” ’ */
	return 0;
}

/* after-stop: the letter after the stop (or the text's start) at i - 1, if any, marked when in [ws, we]. */
static int after_stop(const unsigned char *u, size_t n, size_t ws, size_t we, size_t i, mtpe_ac_range **r, size_t *nr,
		      size_t *cap)
{
	size_t m = i, l;
	while (m < n && m - i <= 6 && (l = opener_len(u, m, n)) > 0)
		m += l;
	if (m >= n || m < ws || m > we || m - i > 6 || !((u[m] >= 'a' && u[m] <= 'z') || u[m] >= 0x80))
		return 0;
	return add_range(r, nr, cap, m, m);
}

static int scan_after_stop(const unsigned char *u, size_t from, size_t n, size_t ws, size_t we, mtpe_ac_range **r,
			   size_t *nr, size_t *cap)
{
	if (ws <= 7 && after_stop(u, n, ws, we, 0, r, nr, cap) < 0) /* the text's start, if it can reach the window */
		return MTPE_ENOMEM;
	/* a stop up to 7 bytes before the window may start a sentence in it */
	size_t i = ws > from + 7 ? ws - 7 : from, end = we + 1 < n ? we + 1 : n;
	for (; i + 8 <= end; i += 8) {
		uint64_t x;
		memcpy(&x, u + i, 8);
		uint64_t m = bytes_eq(x, '.') | bytes_eq(x, '!') | bytes_eq(x, '?') | bytes_eq(x, '\n');
		for (; m; m &= m - 1)
			if (after_stop(u, n, ws, we, i + (size_t)(__builtin_ctzll(m) >> 3) + 1, r, nr, cap) < 0)
				return MTPE_ENOMEM;
	}
	for (; i < end; i++)
		if ((u[i] == '.' || u[i] == '!' || u[i] == '?' || u[i] == '\n') && after_stop(u, n, ws, we, i + 1, r, nr, cap) < 0)
			return MTPE_ENOMEM;
	return 0;
}

int mtpe_hint_scan(mtpe_hint h, const char *t, size_t from, size_t n, size_t ws, size_t we, mtpe_ac_range **r,
		   size_t *nr, size_t *cap)
{
	const unsigned char *u = (const unsigned char *)t;
	bool stop = false;
	if (h == MTPE_HINT_AFTER_STOP)
		return scan_after_stop(u, from, n, ws, we, r, nr, cap);
	/*
	 * The candidates (a space, a capital) found 8 bytes at a time. A match
	 * starting by we may reach its space or capital after we: go on while
	 * the run began by we.
	 */
	size_t i = ws;
#if defined(__SSE2__)
	/*
	 * repeated-word, 64 bytes at a time: the spaces and the lower-case (or
	 * non-ASCII) bytes as bit masks, so the run before each space is found
	 * from the bits, not walked back byte by byte.
	 */
	const __m128i sp = _mm_set1_epi8(' '), a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1), zero = _mm_setzero_si128(),
		      case20 = _mm_set1_epi8(0x20);
	for (; h == MTPE_HINT_REPEATED_WORD && i + 64 <= n && !stop; i += 64) {
		uint64_t msp = 0, mlow = 0, malpha = 0;
		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 16 * k));
			__m128i high = _mm_cmplt_epi8(v, zero), vl = _mm_or_si128(v, case20);
			__m128i lo = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmplt_epi8(v, z1)), high);
			__m128i al = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(vl, a1), _mm_cmplt_epi8(vl, z1)), high);
			msp |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)) << (16 * k);
			mlow |= (uint64_t)(uint16_t)_mm_movemask_epi8(lo) << (16 * k);
			malpha |= (uint64_t)(uint16_t)_mm_movemask_epi8(al) << (16 * k);
		}
		/*
		 * A group of g <= 15 bytes is the same (but for case; two non-ASCII
		 * bytes count as the same) g + 1 bytes on: so are its last three, the
		 * three before the space. Bit j of near: u[j - 2..j] each equals the
		 * byte d on, for some d in 4..16. Only spaces with it (or within the
		 * block's first 3 bytes, or with 16+ letters on both sides) are
		 * looked at; the others cannot start a group.
		 */
		uint64_t look = msp;
		if (i + 64 + 16 <= n) {
			__m128i x[4];
			for (int k = 0; k < 4; k++) {
				__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 16 * k));
				x[k] = _mm_or_si128(_mm_or_si128(v, case20), _mm_cmplt_epi8(v, zero));
			}
			uint64_t near = 0;
			for (int d = 4; d <= 16; d++) {
				uint64_t e = 0;
				for (int k = 0; k < 4; k++) {
					__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 16 * k + d));
					__m128i y = _mm_or_si128(_mm_or_si128(v, case20), _mm_cmplt_epi8(v, zero));
					e |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x[k], y)) << (16 * k);
				}
				near |= e & (e << 1) & (e << 2);
			}
			/* 16 run bytes before (or a run from the block's start), 16 letters after (or to its end) */
			uint64_t lb = mlow, la = malpha;
			lb &= lb << 1, lb &= lb << 2, lb &= lb << 4, lb &= lb << 8;
			la &= la >> 1, la &= la >> 2, la &= la >> 4, la &= la >> 8;
			uint64_t pre = ~mlow ? (1ull << __builtin_ctzll(~mlow)) - 1 : ~0ull, suf = ~0ull;
			if (~malpha) {
				int hz = 63 - __builtin_clzll(~malpha); /* the last byte that is no letter */
				suf = hz == 63 ? 0 : ~0ull << (hz + 1);
			}
			uint64_t longer = (((lb | pre) << 1) | 1) & (((la | suf) >> 1) | (1ull << 63));
			look = msp & ((near << 1) | 7 | longer);
		}
		bool past = i > we; /* past the window: only the first space's run may have begun in it */
		if (past)
			look = msp & (~msp + 1);
		for (; look && !stop; look &= look - 1) {
			unsigned p = (unsigned)__builtin_ctzll(look);
			uint64_t other = ~mlow & ((1ull << p) - 1); /* the bytes before the space in this block that end a run */
			/* the letters after the space, if they end in this block */
			uint64_t after = p < 63 ? ~malpha >> (p + 1) : 0;
			size_t gmax = after ? (size_t)__builtin_ctzll(after) : SIZE_MAX;
			int e = other ? hint_from(h, u, n, ws, we, i + p, i + 64 - (size_t)__builtin_clzll(other), gmax, r, nr,
						  cap, &stop)
				      : hint_at(h, u, from, n, ws, we, i + p, r, nr, cap, &stop);
			if (e < 0)
				return MTPE_ENOMEM;
		}
		if (past && msp)
			stop = true;
	}
#endif
	for (; i + 8 <= n && !stop; i += 8) {
		uint64_t x;
		memcpy(&x, u + i, 8);
		uint64_t m = h == MTPE_HINT_REPEATED_WORD ? bytes_eq(x, ' ') : bytes_upper(x);
		for (; m && !stop; m &= m - 1) {
			size_t at = i + (size_t)(__builtin_ctzll(m) >> 3);
			if (hint_at(h, u, from, n, ws, we, at, r, nr, cap, &stop) < 0)
				return MTPE_ENOMEM;
		}
	}
	for (; i < n && !stop; i++) {
		bool cand = h == MTPE_HINT_REPEATED_WORD ? u[i] == ' ' : (u[i] >= 'A' && u[i] <= 'Z');
		if (cand && hint_at(h, u, from, n, ws, we, i, r, nr, cap, &stop) < 0)
			return MTPE_ENOMEM;
	}
	return 0;
}
