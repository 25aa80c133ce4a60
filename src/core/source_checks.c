/*
 * source_checks.c - source-aware checks (see source_checks.h). They compare a
 * region's text with its source: numbers, untranslated text, placeholders and
 * inline tags, brackets and quotes, negation (Russian sources), glossary terms.
 * Patterns are PCRE2 (UTF + UCP), compiled once per context.
 */
#define _GNU_SOURCE /* memmem */
#include "source_checks.h"
#include "fmt_internal.h"
#include "mtpe/segment.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct gloss {
	char *src;          /* as written in the file */
	char *dst;          /* required target forms, '|'-separated, as written */
	pcre2_code *src_re;
	pcre2_code *dst_re;
};

struct mtpe_source_ctx {
	pcre2_code *neg_src, *neg_tgt, *printf_re, *brace_re, *tag_re;
	pcre2_match_data *md;
	struct gloss *gloss;
	size_t ngloss;
};

static pcre2_code *compile(const char *pat, uint32_t extra)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | extra, &ec, &eo, NULL);
	if (re)
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* ---- context ------------------------------------------------------------- */

static void put_words_pattern(mtpe_buf *b, const char *s, size_t n)
{
	/* words of a term; a trailing '*' on a word allows any ending (Russian inflection) */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '*')
			mtpe_buf_puts(b, "\\w*");
		else if (c == ' ')
			mtpe_buf_puts(b, "\\s+");
		else {
			if (strchr("\\^$.|?+()[]{}#-/", c))
				mtpe_buf_putc(b, '\\');
			mtpe_buf_putc(b, c);
		}
	}
}

static bool all_upper_ascii_or_cyr(const char *s)
{
	bool any = false;
	for (size_t i = 0; s[i];) {
		size_t l;
		uint32_t cp = mtpe_utf8_decode(s + i, strlen(s + i), &l);
		i += l;
		if (mtpe_is_letter(cp)) {
			any = true;
			if (!mtpe_is_upper(cp))
				return false;
		}
	}
	return any;
}

static int load_glossary(mtpe_source_ctx *c, const char *data_dir, mtpe_error *err)
{
	char path[PATH_MAX], line[2048];
	snprintf(path, sizeof(path), "%s/dicts/glossary-ru-en.tsv", data_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : mtpe_error_set(err, MTPE_EIO, "cannot open '%s': %s", path, strerror(errno));
	int lineno = 0;
	size_t cap = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab || !tab[1] || tab == line) {
			fclose(f);
			mtpe_error_set(err, MTPE_EPARSE, "expected 'source term<TAB>target term[|variant...]'");
			mtpe_error_at(err, path, lineno, 1);
			return MTPE_EPARSE;
		}
		*tab = '\0';
		char *dst = tab + 1;
		dst[strcspn(dst, "\t")] = '\0';
		if (c->ngloss == cap) {
			cap = cap ? cap * 2 : 64;
			struct gloss *ng = mtpe_realloc(c->gloss, cap * sizeof(*ng));
			if (!ng) {
				fclose(f);
				return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
			}
			c->gloss = ng;
		}
		struct gloss *g = &c->gloss[c->ngloss];
		memset(g, 0, sizeof(*g));
		mtpe_buf sb = MTPE_BUF_INIT, db = MTPE_BUF_INIT;
		/* abbreviations in capitals (МИД, ЕС) match in capitals only */
		bool cased = all_upper_ascii_or_cyr(line);
		mtpe_buf_puts(&sb, "(?<![\\w-])(?:");
		put_words_pattern(&sb, line, strlen(line));
		mtpe_buf_puts(&sb, ")(?![\\w-])");
		mtpe_buf_puts(&db, "(?<![\\w-])(?:");
		for (char *p = dst; *p;) {
			size_t l = strcspn(p, "|");
			put_words_pattern(&db, p, l);
			p += l;
			if (*p == '|') {
				mtpe_buf_putc(&db, '|');
				p++;
			}
		}
		mtpe_buf_puts(&db, ")(?![\\w])");
		g->src = mtpe_strdup(line);
		g->dst = mtpe_strdup(dst);
		g->src_re = sb.oom ? NULL : compile(sb.ptr, cased ? 0 : PCRE2_CASELESS);
		g->dst_re = db.oom ? NULL : compile(db.ptr, PCRE2_CASELESS);
		mtpe_buf_dispose(&sb);
		mtpe_buf_dispose(&db);
		c->ngloss++;
		if (!g->src || !g->dst || !g->src_re || !g->dst_re) {
			fclose(f);
			mtpe_error_set(err, MTPE_EPARSE, "glossary entry '%s' could not be compiled", line);
			mtpe_error_at(err, path, lineno, 1);
			return MTPE_EPARSE;
		}
	}
	fclose(f);
	return 0;
}

void mtpe_source_ctx_free(mtpe_source_ctx *c)
{
	if (!c)
		return;
	pcre2_code *res[] = { c->neg_src, c->neg_tgt, c->printf_re, c->brace_re, c->tag_re };
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++)
		if (res[i])
			pcre2_code_free(res[i]);
	if (c->md)
		pcre2_match_data_free(c->md);
	for (size_t i = 0; i < c->ngloss; i++) {
		free(c->gloss[i].src);
		free(c->gloss[i].dst);
		if (c->gloss[i].src_re)
			pcre2_code_free(c->gloss[i].src_re);
		if (c->gloss[i].dst_re)
			pcre2_code_free(c->gloss[i].dst_re);
	}
	free(c->gloss);
	free(c);
}

/* Russian negation words; exceptions are filtered in code (не только, что бы ни...). */
#define NEG_SRC "(?<!\\w)(?:не|нет|ни|нельзя|никто|никого|никому|никем|ничто|ничего|ничему|ничем|никогда|нигде|никуда|" \
		"ниоткуда|никак|никакой|никакого|никакому|никаким|никакая|никакую|никакие|никаких|никакими|ничей|ничья|ничьё|ничьи)(?!\\w)"

#define NEG_TGT "(?<![\\w-])(?:not|no|never|none|nothing|nobody|neither|nor|without|cannot|nowhere|unable|" \
		"\\w+n[’']t|fail\\w*|refus\\w*|den(?:y|ies|ied|ial)|declin\\w*|lack\\w*|absen\\w*|avoid\\w*|prevent\\w*|" \
		"impossible|unlikely|unknown|unclear|unaware|unacceptable|unprecedented|unchanged|unnecessary|unsuccessful\\w*|" \
		"untrue|unfair|illegal|invalid|incorrect|insufficient|inadequate|inability|incapable|irrelevant|" \
		"hardly|barely|rarely|seldom|except|instead|yet\\s+to|far\\s+from|ignor\\w*|miss\\w*|disagre\\w*|" \
		"disapprov\\w*|dislik\\w*|\\w{3,}less|free\\s+of|\\w+-free|ban|banned|bans|forbid\\w*|prohibit\\w*|" \
		"rule[sd]?\\s+out|let\\s+alone|other\\s+than|no\\s+one|no-one|non-\\w+|anything|anyone|anybody|any|ever|" \
		"lost|lose|loses|losing|gone|end\\s+to|out\\s+of\\s+the\\s+question|stop\\w*|ceas\\w*|refrain\\w*|quit|" \
		"un\\w{4,}(?:ed|able|ible|ful)|unhurt|unscathed|intact|hat(?:e|es|ed|ing)|quarterfinal\\w*)(?![\\w-])"

/* printf conversions (C, POSIX positional, Python named); not after a digit ("5% of"). */
#define PRINTF_RE "(?<![\\d%\\w])%(?:\\d+\\$|\\([A-Za-z_]\\w*\\))?[-+#0]*(?:\\d+|\\*)?(?:\\.(?:\\d+|\\*))?" \
		  "(?:hh|h|ll|l|L|z|j|t|q)?[diouxXeEfFgGcsp@]"
/* {name} {0} {{name}} ${name} {count, plural, ...} (the name is the key) */
#define BRACE_RE "\\$?\\{\\{?\\s*[A-Za-z_0-9][\\w.-]*\\s*(?:\\}\\}?|,)"
/* <b> </b> <br/> <g id="1"> <x id="2"/> */
#define TAG_RE "</?[A-Za-z][\\w:.-]*(?:\\s+[\\w:.-]+\\s*=\\s*(?:\"[^\"]*\"|'[^']*'))*\\s*/?>"

int mtpe_source_ctx_new(mtpe_source_ctx **out, const char *data_dir, mtpe_error *err)
{
	*out = NULL;
	mtpe_source_ctx *c = mtpe_calloc(1, sizeof(*c));
	if (!c)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	c->neg_src = compile(NEG_SRC, PCRE2_CASELESS);
	c->neg_tgt = compile(NEG_TGT, PCRE2_CASELESS);
	c->printf_re = compile(PRINTF_RE, 0);
	c->brace_re = compile(BRACE_RE, 0);
	c->tag_re = compile(TAG_RE, 0);
	c->md = pcre2_match_data_create(16, NULL);
	if (!c->neg_src || !c->neg_tgt || !c->printf_re || !c->brace_re || !c->tag_re || !c->md) {
		mtpe_source_ctx_free(c);
		return mtpe_error_set(err, MTPE_ENOMEM, "cannot compile the source-check patterns");
	}
	int error = data_dir ? load_glossary(c, data_dir, err) : 0;
	if (error < 0) {
		mtpe_source_ctx_free(c);
		return error;
	}
	*out = c;
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

char *mtpe_source_plain(const mtpe_doc *doc, const mtpe_region *r)
{
	if (!r->source)
		return NULL;
	if (doc && doc->format && !strcmp(doc->format, "xliff"))
		return fmt_xml_plain(r->source, strlen(r->source));
	return mtpe_strdup(r->source);
}

/* Span of the region text without surrounding blanks (a finding about the whole unit). */
static void whole(const mtpe_region *r, size_t *s, size_t *e)
{
	size_t a = 0, b = r->text_len;
	while (a < b && isspace((unsigned char)r->text[a]))
		a++;
	while (b > a && isspace((unsigned char)r->text[b - 1]))
		b--;
	*s = a;
	*e = b;
}

static bool next_match(mtpe_source_ctx *c, pcre2_code *re, const char *s, size_t n, size_t *at, size_t *ms, size_t *me)
{
	if (*at > n)
		return false;
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, *at, 0, c->md, NULL);
	if (rc < 0)
		return false;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
	*ms = ov[0];
	*me = ov[1];
	*at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	return true;
}

static bool has_match(mtpe_source_ctx *c, pcre2_code *re, const char *s, size_t n)
{
	size_t at = 0, a, b;
	return next_match(c, re, s, n, &at, &a, &b);
}

/* Region text offset of a file offset (the first text byte at or after it). */
static size_t text_off_of_file(const mtpe_region *r, size_t off)
{
	for (size_t i = 0; i < r->text_len; i++)
		if (mtpe_region_to_file(r, i) >= off)
			return i;
	return r->text_len;
}

/* ---- numbers ------------------------------------------------------------- */

struct num {
	double v, alt[3];
	int nalt;
	size_t s, e;
	bool used;
	bool optional; /* need not appear in the target ("1/8 финала" = "round of 16") */
};

struct nums {
	struct num *v;
	size_t n, cap;
};

static void nums_push(struct nums *ns, const struct num *x)
{
	if (ns->n == ns->cap) {
		size_t nc = ns->cap ? ns->cap * 2 : 16;
		struct num *nv = mtpe_realloc(ns->v, nc * sizeof(*nv));
		if (!nv)
			return;
		ns->v = nv;
		ns->cap = nc;
	}
	ns->v[ns->n++] = *x;
}

static bool is_thin_space(const char *s, size_t n, size_t i, size_t *len)
{
	if (i < n && s[i] == ' ') {
		*len = 1;
		return true;
	}
	/* U+00A0, U+202F, U+2009 */
	if (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
		*len = 2;
		return true;
	}
	if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0xAF || (unsigned char)s[i + 2] == 0x89)) {
		*len = 3;
		return true;
	}
	return false;
}

static size_t digits(const char *s, size_t n, size_t i)
{
	size_t k = i;
	while (k < n && isdigit((unsigned char)s[k]))
		k++;
	return k - i;
}

static bool word_at(const char *s, size_t n, size_t i, const char *const *words, size_t *len)
{
	while (i < n && (s[i] == ' ' || (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0))) {
		i += s[i] == ' ' ? 1 : 2;
	}
	for (size_t w = 0; words[w]; w++) {
		size_t l = strlen(words[w]);
		if (i + l <= n && !strncasecmp(s + i, words[w], l)) {
			*len = l;
			return true;
		}
	}
	return false;
}

/* Extracts numbers; ru: "1 234,5" style (space thousands, comma decimal), else "1,234.5". */
static void extract_numbers(const char *s, size_t n, bool ru, struct nums *out)
{
	static const char *const k_ru[] = { "тыс", NULL }, *const m_ru[] = { "млн", "миллион", NULL },
			   *const b_ru[] = { "млрд", "миллиард", NULL }, *const t_ru[] = { "трлн", "триллион", NULL };
	static const char *const k_en[] = { "thousand", NULL }, *const m_en[] = { "million", "mln", NULL },
			   *const b_en[] = { "billion", "bln", "bn", NULL }, *const t_en[] = { "trillion", NULL };
	size_t i = 0;
	while (i < n) {
		if (!isdigit((unsigned char)s[i])) {
			i++;
			continue;
		}
		struct num x;
		memset(&x, 0, sizeof(x));
		x.s = i;
		size_t d = digits(s, n, i);
		/* a time of day: 15:30 */
		/* ':' or the Armenian full stop U+0589 that Armenian news uses in times */
		size_t cl = i + d < n && s[i + d] == ':' ? 1
			    : (i + d + 1 < n && (unsigned char)s[i + d] == 0xD6 && (unsigned char)s[i + d + 1] == 0x89) ? 2 : 0;
		size_t gap = (cl && !ru && i + d + cl < n && s[i + d + cl] == ' ') ? 1 : 0; /* MT's "5: 47" */
		if (d <= 2 && cl && i + d + cl + 2 + gap <= n && digits(s, n, i + d + cl + gap) == 2) {
			int h = atoi(s + i), m = atoi(s + i + d + cl + gap);
			x.v = h * 60 + m;
			if (h > 12)
				x.alt[x.nalt++] = (h - 12) * 60 + m;
			if (m == 0) {
				x.alt[x.nalt++] = h;
				if (h > 12)
					x.alt[x.nalt++] = h - 12;
			}
			x.e = i + d + cl + 2 + gap;
			nums_push(out, &x);
			i = x.e;
			continue;
		}
		/* a time in words: "17 часов 47 минут", MT's "17 hours and 47 minutes" */
		if (d <= 2) {
			const char *hw = ru ? "час" : "hour", *mw = ru ? "мин" : "minute";
			size_t hl = strlen(hw), ml = strlen(mw);
			size_t q = i + d;
			while (q < n && s[q] == ' ')
				q++;
			if (q + hl <= n && !memcmp(s + q, hw, hl)) {
				while (q < n && (isalpha((unsigned char)s[q]) || (unsigned char)s[q] >= 0x80))
					q++;
				while (q < n && s[q] == ' ')
					q++;
				if (!ru && q + 4 <= n && !memcmp(s + q, "and ", 4))
					q += 4;
				size_t md = digits(s, n, q);
				size_t r2 = q + md;
				while (r2 < n && s[r2] == ' ')
					r2++;
				if (md >= 1 && md <= 2 && r2 + ml <= n && !memcmp(s + r2, mw, ml)) {
					int h = atoi(s + i), m = atoi(s + q);
					x.v = h * 60 + m;
					if (h > 12)
						x.alt[x.nalt++] = (h - 12) * 60 + m;
					x.e = q + md;
					nums_push(out, &x);
					i = x.e;
					continue;
				}
			}
		}
		char buf[64];
		size_t bl = 0;
		for (size_t k = 0; k < d && bl < 40; k++)
			buf[bl++] = s[i + k];
		size_t p = i + d;
		size_t group = d;
		for (;;) {
			size_t sl;
			/* space-grouped thousands: Russian style, and MT output that kept it ("200 625") */
			if (group <= 3 && is_thin_space(s, n, p, &sl) && digits(s, n, p + sl) == 3 &&
			    !(p + sl + 3 < n && (s[p + sl + 3] == ',' || s[p + sl + 3] == '.') && digits(s, n, p + sl + 4) == 3)) {
				/* thousands group: but "в 2019 году 150 человек" must not join: only if the first group is short */
				if (bl >= 4 && group == bl)
					break;
				for (size_t k = 0; k < 3 && bl < 40; k++)
					buf[bl++] = s[p + sl + k];
				p += sl + 3;
				group = 3;
				continue;
			}
			if (!ru && s[p] == ',' && p + 1 < n && digits(s, n, p + 1) == 3 && bl <= 40) {
				for (size_t k = 0; k < 3 && bl < 40; k++)
					buf[bl++] = s[p + 1 + k];
				p += 4;
				continue;
			}
			break;
		}
		/* a decimal point; a decimal comma in Russian, and in English before 1-2 digits ("600,3") */
		if (p + 1 < n && (s[p] == '.' || (s[p] == ',' && (ru || (digits(s, n, p + 1) <= 2 && bl <= 3)))) &&
		    isdigit((unsigned char)s[p + 1])) {
			size_t fd = digits(s, n, p + 1);
			buf[bl++] = '.';
			for (size_t k = 0; k < fd && bl < 60; k++)
				buf[bl++] = s[p + 1 + k];
			p += 1 + fd;
		}
		buf[bl] = '\0';
		x.v = strtod(buf, NULL);
		x.e = p;
		/* "1/8 финала": the round of 16 */
		if (ru && p + 1 < n && s[p] == '/' && digits(s, n, p + 1) && digits(s, n, p + 1) <= 2) {
			size_t dd = digits(s, n, p + 1);
			size_t q = p + 1 + dd;
			while (q < n && s[q] == ' ')
				q++;
			if (q + 10 <= n && !memcmp(s + q, "финал", 10)) {
				x.optional = true;
				x.v = 2 * atof(s + p + 1);
				x.alt[x.nalt++] = atof(s + p + 1); /* MT's "1/8 finals" */
				x.e = p + 1 + dd;
				nums_push(out, &x);
				i = x.e;
				continue;
			}
		}
		size_t wl;
		double scale = 0;
		if (word_at(s, n, p, ru ? k_ru : k_en, &wl))
			scale = 1e3;
		else if (word_at(s, n, p, ru ? m_ru : m_en, &wl))
			scale = 1e6;
		else if (word_at(s, n, p, ru ? b_ru : b_en, &wl))
			scale = 1e9;
		else if (word_at(s, n, p, ru ? t_ru : t_en, &wl))
			scale = 1e12;
		if (scale)
			x.alt[x.nalt++] = x.v * scale;
		/* a value already in thousands/millions may be written out with its scale in the other text */
		nums_push(out, &x);
		i = p;
	}
}

static bool same_value(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static bool nums_match(const struct num *a, const struct num *b)
{
	double av[4] = { a->v, a->alt[0], a->alt[1], a->alt[2] }, bv[4] = { b->v, b->alt[0], b->alt[1], b->alt[2] };
	for (int i = 0; i <= a->nalt; i++)
		for (int j = 0; j <= b->nalt; j++)
			if (same_value(av[i], bv[j]))
				return true;
	return false;
}

/* English number words in the target: value present as a word. */
static bool en_word_for(const char *t, size_t n, double v)
{
	static const struct { const char *w; double v; } words[] = {
		{ "zero", 0 }, { "one", 1 }, { "a", 1 }, { "an", 1 }, { "single", 1 }, { "first", 1 }, { "once", 1 },
		{ "two", 2 }, { "second", 2 }, { "both", 2 }, { "twice", 2 }, { "double", 2 }, { "pair", 2 },
		{ "three", 3 }, { "third", 3 }, { "four", 4 }, { "fourth", 4 }, { "five", 5 }, { "fifth", 5 },
		{ "six", 6 }, { "sixth", 6 }, { "seven", 7 }, { "seventh", 7 }, { "eight", 8 }, { "eighth", 8 },
		{ "nine", 9 }, { "ninth", 9 }, { "ten", 10 }, { "tenth", 10 }, { "eleven", 11 }, { "twelve", 12 },
		{ "dozen", 12 }, { "thirteen", 13 }, { "fourteen", 14 }, { "fifteen", 15 }, { "sixteen", 16 },
		{ "seventeen", 17 }, { "eighteen", 18 }, { "nineteen", 19 }, { "twenty", 20 }, { "thirty", 30 },
		{ "forty", 40 }, { "fifty", 50 }, { "sixty", 60 }, { "seventy", 70 }, { "eighty", 80 }, { "ninety", 90 },
		{ "hundred", 100 }, { "thousand", 1000 }, { "million", 1e6 }, { "billion", 1e9 }, { "half", 0.5 },
		{ "quarter", 0.25 }, { "eleventh", 11 }, { "twelfth", 12 }, { "twentieth", 20 },
	};
	/* "forty-six" */
	static const char *const tens[] = { "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety" };
	static const char *const units[] = { "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" };
	if (v > 20 && v < 100 && v == (int)v && (int)v % 10) {
		char w[32];
		snprintf(w, sizeof(w), "%s-%s", tens[(int)v / 10 - 2], units[(int)v % 10 - 1]);
		size_t l = strlen(w);
		for (size_t i = 0; i + l <= n; i++)
			if (!strncasecmp(t + i, w, l))
				return true;
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		if (!same_value(words[k].v, v))
			continue;
		size_t l = strlen(words[k].w);
		for (size_t i = 0; i + l <= n; i++)
			if (!strncasecmp(t + i, words[k].w, l) && (i == 0 || !isalpha((unsigned char)t[i - 1])) &&
			    (i + l == n || !isalpha((unsigned char)t[i + l])))
				return true;
	}
	return false;
}

/* Russian number words and Roman numerals in the source that explain a target number. */
static bool ru_word_for(const char *s, size_t n, double v)
{
	static const struct { const char *stem; double v; } stems[] = {
		{ "один", 1 }, { "одна", 1 }, { "одно", 1 }, { "перв", 1 }, { "два", 2 }, { "две", 2 }, { "двух", 2 },
		{ "втор", 2 }, { "оба", 2 }, { "обе", 2 }, { "три", 3 }, { "трех", 3 }, { "трёх", 3 }, { "трет", 3 },
		{ "четыр", 4 }, { "четвёрт", 4 }, { "четверт", 4 }, { "пят", 5 }, { "шест", 6 }, { "сем", 7 },
		{ "седьм", 7 }, { "восем", 8 }, { "восьм", 8 }, { "девят", 9 }, { "десят", 10 }, { "одиннадцат", 11 },
		{ "двенадцат", 12 }, { "дюжин", 12 }, { "тринадцат", 13 }, { "четырнадцат", 14 }, { "пятнадцат", 15 },
		{ "шестнадцат", 16 }, { "семнадцат", 17 }, { "восемнадцат", 18 }, { "девятнадцат", 19 }, { "двадцат", 20 },
		{ "тридцат", 30 }, { "сорок", 40 }, { "пятьдесят", 50 }, { "пятидесят", 50 }, { "шестьдесят", 60 },
		{ "семьдесят", 70 }, { "восемьдесят", 80 }, { "девяносто", 90 }, { "сто", 100 }, { "сот", 100 },
		{ "тысяч", 1000 }, { "миллион", 1e6 }, { "миллиард", 1e9 }, { "полтор", 1.5 }, { "половин", 0.5 },
		{ "пол", 0.5 }, { "десятк", 10 }, { "сотн", 100 }, { "квартал", 3 }, { "сутк", 24 }, { "суток", 24 },
		{ "сутки", 24 }, { "недел", 7 }, { "полгода", 6 }, { "полугод", 6 }, { "год", 12 }, { "месяц", 30 },
	};
	/* 4000 for "четырех тысяч", 2.5 million for "двух с половиной миллионов" */
	static const struct { const char *stem; double scale; } scales[] = {
		{ "тысяч", 1e3 }, { "тыс", 1e3 }, { "миллион", 1e6 }, { "млн", 1e6 }, { "миллиард", 1e9 }, { "млрд", 1e9 },
	};
	for (size_t k = 0; k < sizeof(scales) / sizeof(scales[0]); k++)
		if (v >= scales[k].scale && fmod(v, scales[k].scale / 10) == 0 && strstr(s, scales[k].stem))
			return true;
	if (v == 1 || v == 0)
		return true; /* "до года" - "up to 1 year", "ни одного" - "0": too common to flag */
	for (size_t k = 0; k < sizeof(stems) / sizeof(stems[0]); k++) {
		if (!same_value(stems[k].v, v))
			continue;
		size_t l = strlen(stems[k].stem);
		for (size_t i = 0; i + l <= n; i++) {
			if (strncasecmp(s + i, stems[k].stem, l))
				continue;
			/* at a word start */
			if (i > 0) {
				size_t b = i - 1;
				while (b > 0 && ((unsigned char)s[b] & 0xC0) == 0x80)
					b--;
				size_t bl;
				if (mtpe_is_letter(mtpe_utf8_decode(s + b, n - b, &bl)))
					continue;
			}
			return true;
		}
	}
	/* Roman numerals: "XX век" */
	for (size_t i = 0; i < n;) {
		if (!strchr("IVXLC", s[i]) || (i > 0 && isalnum((unsigned char)s[i - 1]))) {
			i++;
			continue;
		}
		size_t k = i;
		while (k < n && strchr("IVXLC", s[k]))
			k++;
		if (k < n && (isalnum((unsigned char)s[k]) || ((unsigned char)s[k] >= 0x80 && mtpe_is_letter(mtpe_utf8_decode(s + k, n - k, &(size_t){ 0 }))))) {
			i = k;
			continue;
		}
		int val = 0, prev = 0;
		for (size_t j = k; j > i; j--) {
			int d = s[j - 1] == 'I' ? 1 : s[j - 1] == 'V' ? 5 : s[j - 1] == 'X' ? 10 : s[j - 1] == 'L' ? 50 : 100;
			val += d < prev ? -d : d;
			if (d > prev)
				prev = d;
		}
		if (same_value(val, v))
			return true;
		i = k;
	}
	return false;
}

static void fmt_value(char *out, size_t sz, const struct num *x, const char *text)
{
	snprintf(out, sz, "%.*s", (int)(x->e - x->s < 40 ? x->e - x->s : 40), text + x->s);
}

void mtpe_source_check_numbers(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
			       mtpe_source_emit emit, void *data)
{
	(void)ctx;
	char *src = mtpe_source_plain(doc, r);
	if (!src)
		return;
	size_t sn = strlen(src);
	struct nums S = { 0 }, T = { 0 };
	extract_numbers(src, sn, true, &S);
	extract_numbers(r->text, r->text_len, false, &T);
	for (size_t i = 0; i < S.n; i++)
		for (size_t j = 0; j < T.n; j++)
			if (!T.v[j].used && nums_match(&S.v[i], &T.v[j])) {
				S.v[i].used = T.v[j].used = true;
				break;
			}
	/* a source number written as an English word in the target */
	for (size_t i = 0; i < S.n; i++)
		if (!S.v[i].used && (S.v[i].optional || (S.v[i].v <= 1e9 && en_word_for(r->text, r->text_len, S.v[i].v))))
			S.v[i].used = true;
	/* a target number written as a Russian word or Roman numeral in the source */
	size_t lown = 0;
	char *low = mtpe_case_map(src, sn, 'l', &lown);
	for (size_t j = 0; j < T.n; j++)
		if (!T.v[j].used && (ru_word_for(low ? low : src, low ? lown : sn, T.v[j].v) || ru_word_for(src, sn, T.v[j].v)))
			T.v[j].used = true;
	free(low);
	size_t ms = 0, mt = 0, si = 0, ti = 0;
	for (size_t i = 0; i < S.n; i++)
		if (!S.v[i].used) {
			ms++;
			si = i;
		}
	for (size_t j = 0; j < T.n; j++)
		if (!T.v[j].used) {
			mt++;
			ti = j;
		}
	char a[48], b[48], msg[300];
	if (ms == 1 && mt == 1) {
		fmt_value(a, sizeof(a), &S.v[si], src);
		fmt_value(b, sizeof(b), &T.v[ti], r->text);
		snprintf(msg, sizeof(msg), "The translation has %s where the source has %s; check the number", b, a);
		emit(data, T.v[ti].s, T.v[ti].e, msg, NULL);
	} else {
		if (ms) {
			mtpe_buf list = MTPE_BUF_INIT;
			size_t shown = 0;
			for (size_t i = 0; i < S.n; i++)
				if (!S.v[i].used && shown < 5) {
					fmt_value(a, sizeof(a), &S.v[i], src);
					mtpe_buf_printf(&list, "%s%s", shown++ ? ", " : "", a);
				}
			snprintf(msg, sizeof(msg), "The source has %s %s that the translation does not have",
				 ms == 1 ? "the number" : "the numbers", list.ptr ? list.ptr : "");
			mtpe_buf_dispose(&list);
			size_t s, e;
			whole(r, &s, &e);
			if (e > s)
				emit(data, s, e, msg, NULL);
		}
		for (size_t j = 0; j < T.n; j++) {
			if (T.v[j].used)
				continue;
			fmt_value(b, sizeof(b), &T.v[j], r->text);
			snprintf(msg, sizeof(msg), "The number %s is not in the source", b);
			emit(data, T.v[j].s, T.v[j].e, msg, NULL);
		}
	}
	free(S.v);
	free(T.v);
	free(src);
}

/* ---- untranslated -------------------------------------------------------- */

static void trim(const char *s, size_t n, size_t *a, size_t *b)
{
	*a = 0;
	*b = n;
	while (*a < *b && isspace((unsigned char)s[*a]))
		(*a)++;
	while (*b > *a && isspace((unsigned char)s[*b - 1]))
		(*b)--;
}

/* The main non-Latin script of s ("Cyrl", "Grek"...), or NULL. */
static const char *main_script(const char *s, size_t n)
{
	const char *best = NULL;
	size_t count = 0, latin = 0;
	for (size_t i = 0; i < n;) {
		size_t l;
		uint32_t cp = mtpe_utf8_decode(s + i, n - i, &l);
		i += l;
		if (!mtpe_is_letter(cp))
			continue;
		const char *sc = mtpe_script_of(cp);
		if (!strcmp(sc, "Latn")) {
			latin++;
			continue;
		}
		if (!best || !strcmp(best, sc)) {
			best = sc;
			count++;
		}
	}
	return count > latin ? best : NULL;
}

void mtpe_source_check_untranslated(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				    mtpe_source_emit emit, void *data)
{
	(void)ctx;
	char *src = mtpe_source_plain(doc, r);
	if (!src)
		return;
	size_t sa, sb, ta, tb;
	trim(src, strlen(src), &sa, &sb);
	trim(r->text, r->text_len, &ta, &tb);
	size_t letters = 0, words = 0;
	bool in_word = false;
	for (size_t i = ta; i < tb;) {
		size_t l;
		uint32_t cp = mtpe_utf8_decode(r->text + i, tb - i, &l);
		bool let = mtpe_is_letter(cp);
		letters += let;
		if (let && !in_word)
			words++;
		in_word = let;
		i += l;
	}
	const char *script = main_script(src + sa, sb - sa);
	if (tb > ta && sb - sa == tb - ta && !memcmp(src + sa, r->text + ta, tb - ta) && letters >= 2 &&
	    (script || words >= 3)) {
		emit(data, ta, tb, "The translation is identical to the source: it was left untranslated", NULL);
	} else if (script && strcmp(script, "Cyrl") && strcmp(script, "Zyyy")) {
		/* runs of the source's script left in the target (Cyrillic has its own rule, UNTRANSLATED_CYRILLIC) */
		size_t i = ta;
		while (i < tb) {
			size_t l;
			uint32_t cp = mtpe_utf8_decode(r->text + i, tb - i, &l);
			if (!mtpe_is_letter(cp) || strcmp(mtpe_script_of(cp), script)) {
				i += l;
				continue;
			}
			size_t s = i, e = i + l;
			i += l;
			while (i < tb) {
				cp = mtpe_utf8_decode(r->text + i, tb - i, &l);
				if (mtpe_is_letter(cp) && strcmp(mtpe_script_of(cp), script))
					break;
				if (mtpe_is_letter(cp))
					e = i + l;
				else if (cp != ' ' && cp != '-')
					break;
				i += l;
			}
			char msg[200];
			snprintf(msg, sizeof(msg), "Text in the source's script (%s) left in the translation", script);
			emit(data, s, e, msg, NULL);
		}
	}
	free(src);
}

/* ---- placeholders and inline tags ----------------------------------------- */

enum ph_kind { PH_PRINTF, PH_BRACE, PH_TAG };

struct ph {
	enum ph_kind kind;
	char key[96];      /* identity: "%s", "%1$d", "{name}", "<b>", "</b>", "<g#1>" */
	char name[48];     /* tag name (lower case) */
	bool closing, empty, positional;
	size_t s, e;       /* in the scanned string */
	bool used;
};

struct phs {
	struct ph *v;
	size_t n, cap;
};

static void phs_push(struct phs *p, const struct ph *x)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 16;
		struct ph *nv = mtpe_realloc(p->v, nc * sizeof(*nv));
		if (!nv)
			return;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = *x;
}

static int ph_cmp(const void *a, const void *b)
{
	const struct ph *x = a, *y = b;
	return x->s < y->s ? -1 : x->s > y->s;
}

static void tag_key(const char *s, size_t n, struct ph *x)
{
	size_t i = 1;
	x->closing = i < n && s[i] == '/';
	if (x->closing)
		i++;
	size_t ns = i;
	while (i < n && (isalnum((unsigned char)s[i]) || strchr(":._-", s[i])))
		i++;
	const char *colon = memchr(s + ns, ':', i - ns);
	size_t ls = colon ? (size_t)(colon - s) + 1 : ns;
	size_t ll = i - ls < sizeof(x->name) - 1 ? i - ls : sizeof(x->name) - 1;
	for (size_t k = 0; k < ll; k++)
		x->name[k] = (char)tolower((unsigned char)s[ls + k]);
	x->name[ll] = '\0';
	x->empty = n >= 2 && s[n - 2] == '/';
	/* the id attribute identifies XLIFF inline codes */
	char id[40] = "";
	const char *p = s;
	while ((p = memmem(p, n - (size_t)(p - s), "id=", 3))) {
		if (p > s && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n')) {
			char q = p[3];
			const char *v = p + 4, *ve = memchr(v, q, n - (size_t)(v - s));
			if ((q == '"' || q == '\'') && ve) {
				snprintf(id, sizeof(id), "%.*s", (int)(ve - v), v);
				break;
			}
		}
		p += 3;
	}
	snprintf(x->key, sizeof(x->key), "<%s%s%s%s%s>", x->closing ? "/" : "", x->name, id[0] ? "#" : "", id,
		 x->empty ? "/" : "");
}

static void collect(mtpe_source_ctx *c, const char *s, size_t n, struct phs *out)
{
	pcre2_code *res[3] = { c->printf_re, c->brace_re, c->tag_re };
	for (int k = 0; k < 3; k++) {
		size_t at = 0, ms, me;
		while (next_match(c, res[k], s, n, &at, &ms, &me)) {
			struct ph x;
			memset(&x, 0, sizeof(x));
			x.kind = (enum ph_kind)k;
			x.s = ms;
			x.e = me;
			if (k == PH_TAG) {
				tag_key(s + ms, me - ms, &x);
			} else if (k == PH_BRACE) {
				/* key: the name without spaces, doubled braces or the ICU ", plural" tail */
				size_t a = ms, b = me;
				if (s[a] == '$')
					a++;
				while (a < b && (s[a] == '{' || isspace((unsigned char)s[a])))
					a++;
				while (b > a && (s[b - 1] == '}' || s[b - 1] == ',' || isspace((unsigned char)s[b - 1])))
					b--;
				snprintf(x.key, sizeof(x.key), "%s{%.*s}", s[ms] == '$' ? "$" : "", (int)(b - a), s + a);
			} else {
				snprintf(x.key, sizeof(x.key), "%.*s", (int)(me - ms < 90 ? me - ms : 90), s + ms);
				x.positional = memchr(s + ms, '$', me - ms) || memchr(s + ms, '(', me - ms);
			}
			phs_push(out, &x);
		}
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(out->v[0]), ph_cmp);
}

static bool void_html(const char *name)
{
	static const char *const v[] = { "br", "hr", "img", "input", "meta", "link", "wbr", "x", "ph", "bx", "ex",
					 "sc", "ec", "cp", "sm", "em", "it", NULL };
	for (int i = 0; v[i]; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

void mtpe_source_check_placeholders(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				    mtpe_source_emit emit, void *data)
{
	if (!r->source)
		return;
	bool xliff = doc && doc->format && !strcmp(doc->format, "xliff");
	/* XLIFF: tags live in the file bytes of the target, not in its text */
	const char *t = xliff ? doc->data + r->file_start : r->text;
	size_t tn = xliff ? r->file_end - r->file_start : r->text_len;
	struct phs S = { 0 }, T = { 0 };
	collect(ctx, r->source, strlen(r->source), &S);
	collect(ctx, t, tn, &T);
	char msg[300];
	/* match by key */
	for (size_t i = 0; i < S.n; i++)
		for (size_t j = 0; j < T.n; j++)
			if (!T.v[j].used && !strcmp(S.v[i].key, T.v[j].key)) {
				S.v[i].used = T.v[j].used = true;
				break;
			}
#define TSPAN(p, a, b)                                                                          \
	do {                                                                                    \
		a = xliff ? text_off_of_file(r, r->file_start + (p)->s) : (p)->s;               \
		b = xliff ? text_off_of_file(r, r->file_start + (p)->e) : (p)->e;               \
		if (b <= a) {                                                                   \
			whole(r, &a, &b);                                                       \
		}                                                                               \
	} while (0)
	size_t a, b;
	for (size_t j = 0; j < T.n; j++) {
		if (T.v[j].used)
			continue;
		snprintf(msg, sizeof(msg), "%s '%.*s' is not in the source", T.v[j].kind == PH_TAG ? "The tag" : "The placeholder",
			 (int)(T.v[j].e - T.v[j].s < 60 ? T.v[j].e - T.v[j].s : 60), t + T.v[j].s);
		TSPAN(&T.v[j], a, b);
		if (b > a)
			emit(data, a, b, msg, NULL);
	}
	size_t missing = 0;
	mtpe_buf list = MTPE_BUF_INIT;
	for (size_t i = 0; i < S.n; i++)
		if (!S.v[i].used && missing++ < 5)
			mtpe_buf_printf(&list, "%s'%.*s'", missing > 1 ? ", " : "",
					(int)(S.v[i].e - S.v[i].s < 60 ? S.v[i].e - S.v[i].s : 60), r->source + S.v[i].s);
	if (missing) {
		snprintf(msg, sizeof(msg), "%s %s from the source %s missing in the translation",
			 missing == 1 ? "The placeholder or tag" : "The placeholders or tags", list.ptr ? list.ptr : "",
			 missing == 1 ? "is" : "are");
		whole(r, &a, &b);
		if (b > a)
			emit(data, a, b, msg, NULL);
	}
	mtpe_buf_dispose(&list);
	/* order: non-positional printf conversions must keep the source's order */
	size_t si = 0, ti = 0;
	for (;;) {
		while (si < S.n && (S.v[si].kind != PH_PRINTF || S.v[si].positional || !S.v[si].used))
			si++;
		while (ti < T.n && (T.v[ti].kind != PH_PRINTF || T.v[ti].positional || !T.v[ti].used))
			ti++;
		if (si >= S.n || ti >= T.n)
			break;
		if (strcmp(S.v[si].key, T.v[ti].key)) {
			snprintf(msg, sizeof(msg),
				 "The placeholders are in a different order than in the source ('%s' where the source has '%s'); use positional ones such as %%1$s",
				 T.v[ti].key, S.v[si].key);
			TSPAN(&T.v[ti], a, b);
			if (b > a)
				emit(data, a, b, msg, NULL);
			break;
		}
		si++;
		ti++;
	}
	/* nesting: paired tags must open and close in order */
	size_t stack[64], depth = 0;
	for (size_t j = 0; j < T.n; j++) {
		const struct ph *p = &T.v[j];
		if (p->kind != PH_TAG || p->empty || void_html(p->name))
			continue;
		if (!p->closing) {
			if (depth < 64)
				stack[depth++] = j;
			continue;
		}
		if (depth && !strcmp(T.v[stack[depth - 1]].name, p->name)) {
			depth--;
			continue;
		}
		snprintf(msg, sizeof(msg), "The tag '%.*s' does not close the last open tag; inline tags must nest as in the source",
			 (int)(p->e - p->s < 60 ? p->e - p->s : 60), t + p->s);
		TSPAN(p, a, b);
		if (b > a)
			emit(data, a, b, msg, NULL);
		break;
	}
#undef TSPAN
	free(S.v);
	free(T.v);
}

/* ---- brackets and quotes -------------------------------------------------- */

struct pairdef {
	const char *open, *close, *what;
};

static size_t count(const char *s, size_t n, const char *what)
{
	size_t c = 0, l = strlen(what);
	for (size_t i = 0; i + l <= n; i++)
		if (!memcmp(s + i, what, l))
			c++;
	return c;
}

/* Position of the first unmatched opener or closer of a pair in s, or n if balanced. */
static size_t unmatched(const char *s, size_t n, const char *open, const char *close, size_t *len)
{
	size_t ol = strlen(open), cl = strlen(close);
	size_t stack[128], depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + ol <= n && !memcmp(s + i, open, ol)) {
			if (depth < 128)
				stack[depth++] = i;
			continue;
		}
		if (i + cl <= n && !memcmp(s + i, close, cl)) {
			if (!depth) {
				*len = cl;
				return i;
			}
			depth--;
		}
	}
	if (depth) {
		*len = ol;
		return stack[depth - 1];
	}
	return n;
}

void mtpe_source_check_brackets(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				mtpe_source_emit emit, void *data)
{
	(void)ctx;
	char *src = mtpe_source_plain(doc, r);
	if (!src)
		return;
	size_t sn = strlen(src);
	static const struct pairdef pairs[] = {
		{ "(", ")", "parentheses" }, { "[", "]", "square brackets" }, { "{", "}", "braces" },
		{ "\xE2\x80\x9C", "\xE2\x80\x9D", "quotation marks" }, { "\xC2\xAB", "\xC2\xBB", "quotation marks" },
	};
	char msg[300];
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		const struct pairdef *p = &pairs[k];
		size_t l;
		/* the source must be balanced in its own conventions: for “ ” also „ “ (Russian), « » */
		bool src_bal;
		if (k == 3 || k == 4) {
			/* only when the source has quotes, all of them paired (straight ones even) */
			size_t any = count(src, sn, "\"") + count(src, sn, "\xC2\xAB") + count(src, sn, "\xE2\x80\x9E") +
				     count(src, sn, "\xE2\x80\x9C");
			if (!any || count(src, sn, "\"") % 2)
				continue;
			/* balanced if guillemets pair up and „“ pair up */
			src_bal = count(src, sn, "\xC2\xAB") == count(src, sn, "\xC2\xBB") &&
				  (count(src, sn, "\xE2\x80\x9E") ? count(src, sn, "\xE2\x80\x9E") == count(src, sn, "\xE2\x80\x9C")
								   : count(src, sn, "\xE2\x80\x9C") == count(src, sn, "\xE2\x80\x9D"));
		} else {
			src_bal = unmatched(src, sn, p->open, p->close, &l) == sn;
		}
		if (!src_bal)
			continue;
		size_t at = unmatched(r->text, r->text_len, p->open, p->close, &l);
		if (at == r->text_len)
			continue;
		snprintf(msg, sizeof(msg), "Unbalanced %s: '%.*s' has no partner here, while the source's %s are balanced",
			 p->what, (int)l, r->text + at, p->what);
		emit(data, at, at + l, msg, NULL);
	}
	/* straight double quotes: an odd count when the source's quotes pair up */
	size_t sq = count(src, sn, "\""), tq = count(r->text, r->text_len, "\"");
	size_t src_quotes = sq + count(src, sn, "\xC2\xAB") + count(src, sn, "\xE2\x80\x9E");
	if (sq % 2 == 0 && tq % 2 == 1 && src_quotes > 0 && count(src, sn, "\xC2\xAB") == count(src, sn, "\xC2\xBB")) {
		const char *last = NULL;
		for (size_t i = 0; i < r->text_len; i++)
			if (r->text[i] == '"')
				last = r->text + i;
		if (last) {
			snprintf(msg, sizeof(msg), "Unbalanced quotation marks: an odd number of '\"', while the source's quotes are balanced");
			emit(data, (size_t)(last - r->text), (size_t)(last - r->text) + 1, msg, NULL);
		}
	}
	free(src);
}

/* ---- negation ------------------------------------------------------------- */

/* The word before [s) and after e (lower-case ASCII-insensitive compare in UTF-8). */
static bool next_word_is(const char *s, size_t n, size_t e, const char *const *words)
{
	while (e < n && (s[e] == ' ' || s[e] == ','))
		e++;
	for (int i = 0; words[i]; i++) {
		size_t l = strlen(words[i]);
		if (e + l <= n && !memcmp(s + e, words[i], l)) {
			size_t k = e + l, kl;
			if (k >= n || !mtpe_is_letter(mtpe_utf8_decode(s + k, n - k, &kl)))
				return true;
		}
	}
	return false;
}

static bool prev_word_is(const char *s, size_t st, const char *const *words)
{
	size_t e = st;
	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == ','))
		e--;
	for (int i = 0; words[i]; i++) {
		size_t l = strlen(words[i]);
		if (e >= l && !memcmp(s + e - l, words[i], l)) {
			size_t b = e - l;
			if (b == 0)
				return true;
			size_t k = b - 1;
			while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
				k--;
			size_t kl;
			if (!mtpe_is_letter(mtpe_utf8_decode(s + k, st - k, &kl)))
				return true;
		}
	}
	return false;
}

void mtpe_source_check_negation(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				mtpe_source_emit emit, void *data)
{
	char *src = mtpe_source_plain(doc, r);
	if (!src)
		return;
	size_t sn = strlen(src);
	/* "не" in fixed phrases that are not negations in English */
	static const char *const not_after_ne[] = {
		"только", "менее", "более", "раз", "позднее", "позже", "ранее", "раньше", "меньше", "больше",
		"исключено", "исключает", "случайно", "считая", "говоря", "так ли", "то", "смотря", "зря", "сразу",
		"Только", NULL
	};
	static const char *const not_before_ni[] = { "бы", "б", "как", "что", "кто", "где", "куда", "сколько", "когда",
						     "чтобы", "какой", "каким", "какие", "чем", NULL };
	static const char *const not_before_ne[] = { "чуть", "едва", "почти", NULL };
	size_t at = 0, ms, me;
	const char *found = NULL;
	size_t fl = 0;
	while (next_match(ctx, ctx->neg_src, src, sn, &at, &ms, &me)) {
		size_t l = me - ms;
		bool ne = l == 4 && (!memcmp(src + ms, "не", 4) || !memcmp(src + ms, "Не", 4));
		bool ni = l == 4 && (!memcmp(src + ms, "ни", 4) || !memcmp(src + ms, "Ни", 4));
		if (ne && (next_word_is(src, sn, me, not_after_ne) || prev_word_is(src, ms, not_before_ne)))
			continue;
		if (ne && next_word_is(src, sn, me, (const char *const[]){ "ли", NULL }))
			continue;
		/* "не ... ли" rhetorical questions: "не пора ли" */
		if (ne) {
			size_t k = me;
			while (k < sn && src[k] == ' ')
				k++;
			while (k < sn && src[k] != ' ' && src[k] != ',' && src[k] != '.')
				k++;
			if (next_word_is(src, sn, k, (const char *const[]){ "ли", NULL }))
				continue;
		}
		if (ni && prev_word_is(src, ms, not_before_ni))
			continue;
		if (!ne && !ni && prev_word_is(src, ms, (const char *const[]){ "во", NULL }))
			continue; /* "во что бы то ни стало" handled above; "во ничто" never */
		found = src + ms;
		fl = l;
		break;
	}
	if (found && !has_match(ctx, ctx->neg_tgt, r->text, r->text_len)) {
		char msg[300];
		snprintf(msg, sizeof(msg), "The source has a negation ('%.*s') but the translation has none; check the meaning",
			 (int)fl, found);
		size_t a, b;
		whole(r, &a, &b);
		if (b > a)
			emit(data, a, b, msg, NULL);
	}
	free(src);
}

/* ---- glossary ------------------------------------------------------------- */

void mtpe_source_check_glossary(mtpe_source_ctx *ctx, const mtpe_doc *doc, const mtpe_region *r,
				mtpe_source_emit emit, void *data)
{
	if (!ctx->ngloss)
		return;
	char *src = mtpe_source_plain(doc, r);
	if (!src)
		return;
	size_t sn = strlen(src);
	for (size_t i = 0; i < ctx->ngloss; i++) {
		const struct gloss *g = &ctx->gloss[i];
		size_t at = 0, ms, me;
		if (!next_match(ctx, g->src_re, src, sn, &at, &ms, &me))
			continue;
		if (has_match(ctx, g->dst_re, r->text, r->text_len))
			continue;
		char msg[400], first[128];
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(g->dst, "|"), g->dst);
		snprintf(msg, sizeof(msg), "The glossary translates '%.*s' as '%s'; the translation does not use it",
			 (int)(me - ms), src + ms, first);
		size_t a, b;
		whole(r, &a, &b);
		if (b > a)
			emit(data, a, b, msg, NULL);
	}
	free(src);
}
