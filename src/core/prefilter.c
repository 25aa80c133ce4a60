/* prefilter.c - required-literal extraction and an Aho-Corasick scanner (see prefilter.h). */
#include "prefilter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mtpe/common.h"

/* ---- literal extraction ------------------------------------------------ */

/*
 * A requirement: any == true means "no constraint"; else one of s[0..n) must
 * occur, starting at most pre bytes after the start of the match (UNB: no
 * bound known). width: at most how many bytes the parsed part matches.
 */
#define UNB SIZE_MAX
struct req {
	bool any;
	char **s;
	size_t n;
	size_t pre;
	size_t width;
};

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
	free(r->s);
	r->s = NULL;
	r->n = 0;
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
 * Better = a literal nearer the match start (its ranges are a few bytes, not a
 * line) if it is not much shorter; then the longer shortest literal, then
 * fewer literals.
 */
static bool req_better(const struct req *a, const struct req *b)
{
	if (a->any)
		return false;
	if (b->any)
		return true;
	size_t la = req_minlen(a), lb = req_minlen(b);
	if (a->pre != b->pre) { /* the nearer one (unbounded is farthest) */
		const struct req *nearer = a->pre < b->pre ? a : b;
		size_t lnearer = nearer == a ? la : lb, lother = nearer == a ? lb : la;
		if (lnearer >= 3 || lnearer >= lother)
			return nearer == a;
	}
	if (la != lb)
		return la > lb;
	return a->n < b->n;
}

struct parser {
	const char *p, *end;
	bool fail; /* syntax we do not understand: give up (no prefilter) */
	bool oom;
	size_t charw; /* bytes a literal character may match: 4 when case is ignored (K matches the Kelvin sign) */
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

struct seq {
	struct req best;
	char cur[256];
	size_t curlen;
	bool oom;
	size_t w;       /* at most how many bytes the sequence has matched so far */
	size_t run_pre; /* w where the current literal run started */
};

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
	if (S->curlen) {
		struct req r = { false, mtpe_malloc(sizeof(char *)), 1, S->run_pre, 0 };
		if (!r.s || !(r.s[0] = mtpe_strndup(S->cur, S->curlen))) {
			free(r.s);
			S->oom = true;
		} else {
			offer(S, &r);
		}
	}
	S->curlen = 0;
}

static void push_char(struct seq *S, const char *c, size_t n)
{
	if (S->curlen + n >= sizeof(S->cur)) {
		flush(S);
		return;
	}
	if (!S->curlen)
		S->run_pre = S->w;
	for (size_t i = 0; i < n; i++)
		S->cur[S->curlen++] = (char)tolower((unsigned char)c[i]);
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

/*
 * Classes right after a short literal: "," then \p{L} requires one of ",a"
 * ... ",z" or "," and a non-ASCII letter's first byte, where "," alone is
 * in nearly every line. The first bytes a class item can match go into set
 * (lower-cased, as the automaton folds case); false when unsure, or when the
 * class could match a line end (a hit marks the line it ends on).
 */
static void add_high(bool set[256])
{
	for (int b = 0xC2; b <= 0xF4; b++)
		set[b] = true; /* the first byte of any non-ASCII character */
}

static bool escape_bytes(char e, const char *arg, size_t arglen, bool set[256])
{
	if (e == 'd' || (e == 'p' && arglen && arg[0] == 'N')) {
		for (int b = '0'; b <= '9'; b++)
			set[b] = true;
		add_high(set);
		return true;
	}
	if (e == 'w' || (e == 'p' && arglen && arg[0] == 'L')) {
		for (int b = 'a'; b <= 'z'; b++)
			set[b] = true;
		if (e == 'w') {
			for (int b = '0'; b <= '9'; b++)
				set[b] = true;
			set['_'] = true;
		}
		add_high(set);
		return true;
	}
	return false;
}

/* The first bytes of a bracket class [p, end) (p at '['). */
static bool class_bytes(const char *p, const char *end, bool set[256])
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
				if (!escape_bytes(e, arg, al, set))
					return false;
			} else if (e == 'd' || e == 'w') {
				escape_bytes(e, NULL, 0, set);
			} else if (e == 't') {
				set['\t'] = true;
			} else if (ispunct((unsigned char)e)) {
				set[tolower((unsigned char)e)] = true;
			} else {
				return false; /* \s \n \x{..} ...: keep it simple */
			}
			continue;
		}
		if (c >= 0x80) {
			set[c] = true;
			size_t l = mtpe_utf8_seqlen((const unsigned char *)q, (size_t)(end - q));
			q += l ? l : 1;
			continue;
		}
		if (q + 2 < end && q[1] == '-' && q[2] != ']') {
			unsigned char hi = (unsigned char)q[2];
			if (hi >= 0x80 || hi == '\\' || hi < c || (c <= '\n' && '\n' <= hi))
				return false;
			for (unsigned x = c; x <= hi; x++)
				set[tolower((int)x)] = true;
			q += 3;
			continue;
		}
		set[tolower(c)] = true;
		q++;
	}
	return q < end;
}

/* Offers the literal run followed by one byte of set, when the run is short. */
static void extend_run(struct seq *S, const bool set[256])
{
	size_t n = 0;
	for (int b = 1; b < 256; b++)
		n += set[b];
	if (!S->curlen || S->curlen > 2 || !n || n > 128)
		return;
	struct req r = { false, mtpe_calloc(n, sizeof(char *)), 0, S->run_pre, 0 };
	if (!r.s) {
		S->oom = true;
		return;
	}
	for (int b = 1; b < 256; b++) {
		if (!set[b])
			continue;
		char *x = mtpe_malloc(S->curlen + 2);
		if (!x) {
			S->oom = true;
			req_free(&r);
			return;
		}
		memcpy(x, S->cur, S->curlen);
		x[S->curlen] = (char)b;
		x[S->curlen + 1] = '\0';
		r.s[r.n++] = x;
	}
	offer(S, &r);
}

static struct req parse_seq(struct parser *P)
{
	struct seq S;
	memset(&S, 0, sizeof(S));
	S.best.any = true;
	while (P->p < P->end && !P->fail) {
		char c = *P->p;
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
				inner.pre = behind ? UNB : w_add(S.w, inner.pre);
				offer(&S, &inner);
				continue;
			}
			flush(&S);
			int q = quantifier(P, &mr);
			size_t iw = inner.width;
			if (q == 0) {
				req_free(&inner);
			} else { /* the literal may be in a later repetition */
				inner.pre = w_add(w0, w_add(w_mul(iw, mr == UNB ? UNB : mr - 1), inner.pre));
				offer(&S, &inner);
			}
			S.w = w_add(w0, w_mul(iw, mr));
			continue;
		}
		if (c == '[') {
			const char *cs = P->p;
			skip_class(P);
			bool set[256] = { false };
			bool known = !P->fail && class_bytes(cs, P->p, set);
			size_t mr;
			if (quantifier(P, &mr) != 0 && known)
				extend_run(&S, set);
			flush(&S);
			S.w = w_add(S.w, w_mul(4, mr));
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
					bool set[256] = { false };
					bool known = e == 'p' && cl && *P->p == '{' &&
						     escape_bytes(e, P->p + 1, (size_t)(cl - P->p - 1), set);
					P->p = cl ? cl + 1 : P->end;
					if (quantifier(P, &mr) != 0 && known)
						extend_run(&S, set);
					flush(&S);
					S.w = e == 'g' || e == 'k' ? UNB : w_add(S.w, w_mul(4, mr)); /* \g{..} \k<..>: a back-reference */
					continue;
				} else if (e == 'x') {
					int k = 0;
					while (k < 2 && P->p < P->end && isxdigit((unsigned char)*P->p))
						P->p++, k++;
				} else if (e == 'p' || e == 'P') {
					P->p++;
				}
				quantifier(P, &mr);
				flush(&S);
				S.w = w_add(S.w, w_mul(4, mr));
				continue;
			}
			if (isalnum((unsigned char)e)) { /* \d \w \s \1 \Q ... : not a literal */
				if (e == 'Q') {
					P->fail = true;
					break;
				}
				if (e == 'd' || e == 'w') {
					bool set[256] = { false };
					escape_bytes(e, NULL, 0, set);
					if (quantifier(P, &mr) != 0)
						extend_run(&S, set);
					flush(&S);
					S.w = w_add(S.w, w_mul(4, mr));
					continue;
				}
				quantifier(P, &mr);
				flush(&S);
				/* a back-reference or a grapheme cluster: no bound; else one character */
				S.w = isdigit((unsigned char)e) || e == 'X' ? UNB : w_add(S.w, w_mul(4, mr));
				continue;
			}
			/* an escaped punctuation character is a literal */
			int q = quantifier(P, &mr);
			if (q == 0) {
				flush(&S);
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
			S.w = w_add(S.w, w_mul(4, mr));
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
			if (!k) { /* a letter whose case we cannot fold here */
				size_t l = mtpe_utf8_seqlen((const unsigned char *)P->p, (size_t)(P->end - P->p));
				P->p += l ? l : 1;
				size_t mr;
				quantifier(P, &mr);
				flush(&S);
				S.w = w_add(S.w, w_mul(4, mr));
				continue;
			}
		}
		const char *lit = P->p;
		P->p += k;
		size_t mr;
		int q = quantifier(P, &mr);
		size_t cw = w_mul(P->charw > k ? P->charw : k, mr);
		if (q == 0) {
			flush(&S);
			S.w = w_add(S.w, cw);
			continue;
		}
		push_char(&S, lit, k);
		if (q > 0)
			flush(&S);
		S.w = w_add(S.w, cw);
	}
	flush(&S);
	P->oom |= S.oom;
	S.best.width = S.w;
	return S.best;
}

static struct req parse_alt(struct parser *P)
{
	struct req all = { false, NULL, 0, 0, 0 };
	size_t width = 0, pre = 0;
	for (;;) {
		struct req b = parse_seq(P);
		if (b.width > width)
			width = b.width;
		if (!b.any && b.pre > pre)
			pre = b.pre;
		if (b.any || P->fail) {
			req_free(&b);
			req_free(&all);
			all.any = true;
		} else if (!all.any) {
			char **ns = mtpe_realloc(all.s, (all.n + b.n) * sizeof(char *));
			if (!ns) {
				req_free(&b);
				P->oom = true;
			} else {
				all.s = ns;
				memcpy(all.s + all.n, b.s, b.n * sizeof(char *));
				all.n += b.n;
				free(b.s);
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
	return all;
}

/* One-byte literals are worth a prefilter only when they are punctuation that most lines lack. */
static bool rare_literals(const struct req *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->s[i]) == 1 && !strchr(":;!?()[]{}%$#@&*/+=<>|~^_\\", r->s[i][0]))
			return false;
	return true;
}

/* Does the pattern ignore case anywhere ((?i), (?mi:...))? Then a letter may match more bytes than written. */
static bool ignores_case(const char *p)
{
	for (; (p = strstr(p, "(?")) != NULL; p += 2) {
		const char *q = p + 2;
		while (isalpha((unsigned char)*q) || *q == '^')
			if (*q++ == 'i')
				return true;
	}
	return false;
}

int mtpe_prefilter_literals(const char *pattern, char ***out, size_t *n, size_t *pre)
{
	struct parser P = { pattern, pattern + strlen(pattern), false, false, ignores_case(pattern) ? 4 : 1 };
	*out = NULL;
	*n = 0;
	*pre = UNB;
	/* extended mode changes what a space means: do not guess */
	if (strstr(pattern, "(?x") || strstr(pattern, "(*"))
		return 0;
	struct req r = parse_alt(&P);
	if (P.oom) {
		req_free(&r);
		return MTPE_ENOMEM;
	}
	if (P.fail || P.p != P.end || r.any || req_minlen(&r) < 1 || (req_minlen(&r) == 1 && !rare_literals(&r))) {
		req_free(&r);
		return 0;
	}
	*out = r.s;
	*n = r.n;
	/* \K moves the start of the match past text that may hold the literal */
	*pre = strstr(pattern, "\\K") ? UNB : r.pre;
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
	uint8_t *hasout;       /* state -> 1 if a literal ends there (itself or along its dictionary links) */
	size_t *pre;           /* rule -> how far before its literal a match may start (UNB: its line) */
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
	free(ac->hasout);
	free(ac->pre);
	free(ac);
}

int mtpe_ac_build(mtpe_ac **outp, char **const *lits, const size_t *nlits, const size_t *pre, size_t nrules)
{
	mtpe_ac *ac = mtpe_calloc(1, sizeof(*ac));
	if (!ac)
		return MTPE_ENOMEM;
	ac->nrules = nrules;
	ac->pre = mtpe_malloc((nrules ? nrules : 1) * sizeof(size_t));
	if (!ac->pre) {
		free(ac);
		return MTPE_ENOMEM;
	}
	for (size_t r = 0; r < nrules; r++)
		ac->pre[r] = pre ? pre[r] : UNB;
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
		if (b >= 0x80) { /* every non-ASCII byte is one class: a superset, and a table many times smaller */
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
	ac->delta = mtpe_calloc(total * (size_t)nc, sizeof(int32_t));
	ac->out = mtpe_malloc(total * sizeof(int32_t));
	ac->dict = mtpe_malloc(total * sizeof(int32_t));
	ac->out_rule = mtpe_malloc((nl ? nl : 1) * sizeof(int32_t));
	ac->out_next = mtpe_malloc((nl ? nl : 1) * sizeof(int32_t));
	int32_t *fail = mtpe_calloc(total, sizeof(int32_t));
	int32_t *queue = mtpe_malloc(total * sizeof(int32_t));
	ac->depth = mtpe_calloc(total, sizeof(uint16_t));
	if (!ac->delta || !ac->out || !ac->dict || !ac->out_rule || !ac->out_next || !fail || !queue || !ac->depth) {
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
				int32_t *t = &ac->delta[(size_t)s * nc + ac->cls[*c]];
				if (!*t) {
					ac->depth[ac->nstates] = (uint16_t)(ac->depth[s] < UINT16_MAX ? ac->depth[s] + 1 : UINT16_MAX);
					*t = ac->nstates++;
				}
				s = *t;
			}
			/* add rule r to s's outputs unless already there */
			bool dup = false;
			for (int32_t o = ac->out[s]; o >= 0 && !dup; o = ac->out_next[o])
				dup = ac->out_rule[o] == (int32_t)r;
			if (!dup) {
				ac->out_rule[ac->nout] = (int32_t)r;
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
	if (!(ac->hasout = mtpe_malloc((size_t)ac->nstates))) {
		mtpe_ac_free(ac);
		return MTPE_ENOMEM;
	}
	for (int32_t i = 0; i < ac->nstates; i++)
		ac->hasout[i] = ac->out[i] >= 0 || ac->dict[i] >= 0;
	if (ac->nstates <= UINT16_MAX && (ac->delta16 = mtpe_malloc(total * (size_t)nc * sizeof(uint16_t))) != NULL) {
		for (size_t i = 0; i < (size_t)ac->nstates * (size_t)nc; i++)
			ac->delta16[i] = (uint16_t)ac->delta[i];
		free(ac->delta);
		ac->delta = NULL;
	}
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

int mtpe_ac_scan(const mtpe_ac *ac, const char *text, size_t len, mtpe_ac_hits *h)
{
	memset(h, 0, sizeof(*h));
	h->nrules = ac->nrules;
	h->ranges = mtpe_calloc(ac->nrules ? ac->nrules : 1, sizeof(*h->ranges));
	h->nranges = mtpe_calloc(ac->nrules ? ac->nrules : 1, sizeof(size_t));
	h->caps = mtpe_calloc(ac->nrules ? ac->nrules : 1, sizeof(size_t));
	if (!h->ranges || !h->nranges || !h->caps) {
		mtpe_ac_hits_dispose(h);
		return MTPE_ENOMEM;
	}
	int nc = ac->nclass;
	const unsigned char *u = (const unsigned char *)text;
	/* a hit marks the line it ends on: a match containing the literal starts on that line */
	size_t ls = 0, le = 0;
	int32_t s = 0;
	const uint16_t *d16 = ac->delta16;
	const int32_t *d32 = ac->delta;
	const uint8_t *cls = ac->cls, *hasout = ac->hasout;
	for (size_t i = 0; i < len; i++) {
		if (i >= le) { /* entering a new line */
			ls = i;
			const char *nl = memchr(text + i, '\n', len - i);
			le = nl ? (size_t)(nl - text) + 1 : len;
		}
		size_t at = (size_t)s * nc + cls[u[i]];
		s = d16 ? d16[at] : d32[at];
		if (!hasout[s])
			continue;
		for (int32_t d = ac->out[s] >= 0 ? s : ac->dict[s]; d >= 0; d = ac->dict[d])
			for (int32_t o = ac->out[d]; o >= 0; o = ac->out_next[o]) {
				int32_t r = ac->out_rule[o];
				size_t pre = ac->pre[r], from = ls, to = le;
				if (pre != UNB) { /* the match starts at most pre bytes before the literal, on its line */
					size_t lit = i + 1 >= ac->depth[d] ? i + 1 - ac->depth[d] : 0;
					to = lit;
					from = lit >= ls + pre ? lit - pre : ls;
					while (from > ls && (u[from] & 0xC0) == 0x80)
						from--; /* a match starts on a character: never hand pcre2 the middle of one */
				}
				if (mark(h, r, from, to) < 0)
					return MTPE_ENOMEM;
			}
	}
	return 0;
}
