/*
 * template.c - replacement templates: $N ${N} ${name} $$, and case transforms
 * \u \l (next character), \U \L \T ... \E (a stretch), \\ (a backslash).
 */
#include <strings.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "mtpe/segment.h"

static const char *const small_words[] = {
	"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into",
	"nor", "of", "on", "or", "the", "to", "with", NULL
};

static bool is_small(const char *w, size_t n)
{
	for (int i = 0; small_words[i]; i++)
		if (strlen(small_words[i]) == n && strncasecmp(small_words[i], w, n) == 0)
			return true;
	return false;
}

static void put_mapped(mtpe_buf *b, const char *s, size_t n, char mode)
{
	size_t on;
	char *m = mtpe_case_map(s, n, mode, &on);
	if (m) {
		mtpe_buf_put(b, m, on);
		free(m);
	} else {
		mtpe_buf_put(b, s, n);
	}
}

static void put_title(mtpe_buf *b, const char *s, size_t n)
{
	size_t i = 0, k = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (j > i) {
			if (k > 0 && is_small(s + i, j - i))
				put_mapped(b, s + i, j - i, 'l');
			else
				put_mapped(b, s + i, j - i, 't');
			k++;
		}
		while (j < n && s[j] == ' ')
			mtpe_buf_putc(b, s[j++]);
		i = j;
	}
}

struct tstate {
	mtpe_buf *out;
	mtpe_buf stretch;
	char mode;    /* 0, 'U', 'L', 'T' */
	char oneshot; /* 0, 'u', 'l' */
};

static void emit(struct tstate *t, const char *s, size_t n)
{
	if (!n)
		return;
	mtpe_buf *dst = t->mode ? &t->stretch : t->out;
	if (t->oneshot) {
		size_t k;
		mtpe_utf8_decode(s, n, &k);
		put_mapped(dst, s, k, t->oneshot == 'u' ? 't' : 'l');
		t->oneshot = 0;
		s += k;
		n -= k;
	}
	mtpe_buf_put(dst, s, n);
}

static void end_stretch(struct tstate *t)
{
	if (!t->mode)
		return;
	const char *s = t->stretch.ptr ? t->stretch.ptr : "";
	if (t->mode == 'U')
		put_mapped(t->out, s, t->stretch.len, 'u');
	else if (t->mode == 'L')
		put_mapped(t->out, s, t->stretch.len, 'l');
	else
		put_title(t->out, s, t->stretch.len);
	t->stretch.len = 0;
	t->mode = 0;
}

/* Resolves a group reference at *p (after '$'); returns group number or -1. */
static int parse_ref(const char **pp, const pcre2_code *re)
{
	const char *p = *pp;
	if (isdigit((unsigned char)*p)) {
		int g = 0;
		/* single digit, like sed; use ${12} for more */
		g = *p - '0';
		*pp = p + 1;
		return g;
	}
	if (*p == '{') {
		const char *e = strchr(p, '}');
		if (!e)
			return -1;
		char name[64];
		size_t n = (size_t)(e - p - 1);
		if (n == 0 || n >= sizeof(name))
			return -1;
		memcpy(name, p + 1, n);
		name[n] = '\0';
		*pp = e + 1;
		bool num = true;
		for (size_t i = 0; i < n; i++)
			if (!isdigit((unsigned char)name[i]))
				num = false;
		if (num)
			return atoi(name);
		return re ? pcre2_substring_number_from_name(re, (PCRE2_SPTR)name) : -1;
	}
	return -1;
}

char *mtpe_template_expand(const char *tmpl, const char *subject, const PCRE2_SIZE *ov,
			   uint32_t npairs, const pcre2_code *re, size_t *outlen)
{
	mtpe_buf out = MTPE_BUF_INIT;
	struct tstate t = { &out, MTPE_BUF_INIT, 0, 0 };
	const char *p = tmpl;
	mtpe_buf_put(&out, "", 0);
	while (*p) {
		if (*p == '$') {
			if (p[1] == '$') {
				emit(&t, "$", 1);
				p += 2;
				continue;
			}
			const char *q = p + 1;
			int g = parse_ref(&q, re);
			if (g >= 0) {
				if ((uint32_t)g < npairs && ov[2 * g] != PCRE2_UNSET)
					emit(&t, subject + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
				p = q;
				continue;
			}
			emit(&t, p, 1);
			p++;
			continue;
		}
		if (*p == '\\' && p[1]) {
			switch (p[1]) {
			case 'u': case 'l': t.oneshot = p[1]; p += 2; continue;
			case 'U': case 'L': case 'T': end_stretch(&t); t.mode = p[1]; p += 2; continue;
			case 'E': end_stretch(&t); p += 2; continue;
			case '\\': emit(&t, "\\", 1); p += 2; continue;
			case 'n': emit(&t, "\n", 1); p += 2; continue;
			default: break;
			}
		}
		size_t k;
		mtpe_utf8_decode(p, strlen(p), &k);
		emit(&t, p, k);
		p += k;
	}
	end_stretch(&t);
	mtpe_buf_dispose(&t.stretch);
	if (out.oom) {
		mtpe_buf_dispose(&out);
		return NULL;
	}
	if (outlen)
		*outlen = out.len;
	return mtpe_buf_detach(&out);
}

int mtpe_template_validate(const char *tmpl, const pcre2_code *re, char *why, size_t whylen)
{
	uint32_t ncap = 0;
	if (re)
		pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	for (const char *p = tmpl; *p; p++) {
		if (*p == '\\' && p[1]) {
			if (!strchr("ulULTE\\n", p[1])) {
				snprintf(why, whylen, "unknown escape '\\%c' in replacement (use \\\\ for a backslash)", p[1]);
				return -1;
			}
			p++;
			continue;
		}
		if (*p != '$')
			continue;
		if (p[1] == '$') {
			p++;
			continue;
		}
		const char *q = p + 1;
		if (!isdigit((unsigned char)*q) && *q != '{')
			continue;
		int g = parse_ref(&q, re);
		if (g < 0 || (uint32_t)g > ncap) {
			snprintf(why, whylen, "replacement refers to group '%.*s' that the pattern does not have",
				 (int)(q - p), p);
			return -1;
		}
		p = q - 1;
	}
	return 0;
}
