/*
 * format.c - the formatter table and the two base formats: text (compiler
 * style, with the line and the span underlined) and json (DESIGN.md contract).
 */
#include "mtpe/format.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static void json_str(mtpe_buf *b, const char *s)
{
	mtpe_buf_putc(b, '"');
	if (s)
		mtpe_json_escape(b, s, strlen(s));
	mtpe_buf_putc(b, '"');
}

/*
 * JSON is written straight into room made once (per finding, per string: 6
 * bytes an input byte at most, \u00XX), strings scanned 16 bytes at a time
 * for the bytes JSON escapes; mtpe_json_escape (the other formats) too.
 */
static char *put_lit(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}
#define PUT_LIT(o, s) put_lit(o, s, sizeof(s) - 1)

static char *put_escaped(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;
	while (i < n) {
#if defined(__SSE2__)
		const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
		while (i + 16 <= n) {
			__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
			__m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
						   _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl)); /* v <= 0x1F */
			int m = _mm_movemask_epi8(bad);
			if (m) {
				int k = __builtin_ctz((unsigned)m);
				memcpy(o, s + i, (size_t)k);
				o += k;
				i += (size_t)k;
				break;
			}
			_mm_storeu_si128((__m128i *)o, v);
			o += 16;
			i += 16;
		}
#endif
		while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
			*o++ = s[i++];
		if (i == n)
			break;
		unsigned char c = (unsigned char)s[i++];
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			o = PUT_LIT(o, "u00");
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	return o;
}

int mtpe_json_escape(mtpe_buf *b, const char *s, size_t n)
{
	if (n > SIZE_MAX / 6 || mtpe_buf_grow(b, 6 * n) < 0)
		return MTPE_ENOMEM;
	char *o = put_escaped(b->ptr + b->len, s, n);
	b->len = (size_t)(o - b->ptr);
	b->ptr[b->len] = '\0';
	return 0;
}

static char *put_str(char *o, const char *s, size_t n)
{
	*o++ = '"';
	o = put_escaped(o, s, n);
	*o++ = '"';
	return o;
}

static char *put_num(char *o, long long v)
{
	char t[24];
	size_t k = sizeof(t);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do
		t[--k] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		t[--k] = '-';
	return put_lit(o, t + k, sizeof(t) - k);
}

static int json_begin(mtpe_format_ctx *ctx)
{
	mtpe_buf_puts(ctx->out, "{\n  \"version\": 1,\n  \"files\": [");
	ctx->first_file = true;
	return 0;
}

static int json_file(mtpe_format_ctx *ctx, const mtpe_doc *doc, const mtpe_findings *fs)
{
	mtpe_buf *b = ctx->out;
	mtpe_buf_puts(b, ctx->first_file ? "\n    " : ",\n    ");
	ctx->first_file = false;
	mtpe_buf_puts(b, "{ \"path\": ");
	json_str(b, doc->path);
	mtpe_buf_puts(b, ",\n      \"findings\": [");
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_format_maybe_flush(ctx);
		const mtpe_finding *f = &fs->items[i];
		const char *cat = mtpe_category_name(f->category), *sev = mtpe_severity_name(f->severity);
		const char *rule = f->rule ? f->rule : "", *msg = f->message ? f->message : "", *text = f->text ? f->text : "";
		size_t lr = strlen(rule), lc = strlen(cat), ls = strlen(sev), lm = strlen(msg), lt = strlen(text);
		size_t lu = f->unit ? strlen(f->unit) : 0, strs = lr + lc + ls + lm + lt + lu;
		for (size_t k = 0; k < f->nreplacements; k++)
			strs += (f->replacements[k] ? strlen(f->replacements[k]) : 0) + 4;
		/* the strings escaped (6x at most), six numbers, the keys and punctuation */
		if (mtpe_buf_grow(b, 6 * strs + 6 * 24 + 320) < 0)
			return MTPE_ENOMEM;
		char *o = b->ptr + b->len;
		o = i ? PUT_LIT(o, ",\n        ") : PUT_LIT(o, "\n        ");
		o = PUT_LIT(o, "{ \"rule\": ");
		o = put_str(o, rule, lr);
		o = PUT_LIT(o, ", \"category\": ");
		o = put_str(o, cat, lc);
		o = PUT_LIT(o, ", \"severity\": ");
		o = put_str(o, sev, ls);
		o = PUT_LIT(o, ",\n          \"message\": ");
		o = put_str(o, msg, lm);
		o = PUT_LIT(o, ",\n          \"offset\": ");
		o = put_num(o, (long long)f->offset);
		o = PUT_LIT(o, ", \"length\": ");
		o = put_num(o, (long long)f->length);
		o = PUT_LIT(o, ", \"line\": ");
		o = put_num(o, f->line);
		o = PUT_LIT(o, ", \"column\": ");
		o = put_num(o, f->column);
		o = PUT_LIT(o, ", \"end_line\": ");
		o = put_num(o, f->end_line);
		o = PUT_LIT(o, ", \"end_column\": ");
		o = put_num(o, f->end_column);
		o = PUT_LIT(o, ",\n          \"text\": ");
		o = put_str(o, text, lt);
		o = PUT_LIT(o, ", \"replacements\": [");
		for (size_t k = 0; k < f->nreplacements; k++) {
			if (k)
				o = PUT_LIT(o, ", ");
			const char *r = f->replacements[k] ? f->replacements[k] : "";
			o = put_str(o, r, strlen(r));
		}
		*o++ = ']';
		if (f->unit) {
			o = PUT_LIT(o, ", \"unit\": ");
			o = put_str(o, f->unit, lu);
		}
		o = PUT_LIT(o, " }");
		b->len = (size_t)(o - b->ptr);
		b->ptr[b->len] = '\0';
	}
	mtpe_buf_puts(b, fs->len ? " ] }" : "] }");
	return b->oom ? MTPE_ENOMEM : 0;
}

static int json_end(mtpe_format_ctx *ctx, const mtpe_summary *s)
{
	mtpe_buf_printf(ctx->out,
			"%s],\n  \"summary\": { \"files\": %zu, \"words\": %zu, \"findings\": %zu,\n"
			"               \"by_severity\": { \"error\": %zu, \"warning\": %zu, \"info\": %zu } }\n}\n",
			ctx->first_file ? "" : "\n  ", s->files, s->words, s->findings,
			s->by_severity[MTPE_SEV_ERROR], s->by_severity[MTPE_SEV_WARNING], s->by_severity[MTPE_SEV_INFO]);
	return ctx->out->oom ? MTPE_ENOMEM : 0;
}

/* ---- text ---- */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"

static size_t cp_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* Byte offset after skipping k code points from s. */
static size_t cp_skip(const char *s, size_t n, size_t k)
{
	size_t i = 0;
	while (i < n && k) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		k--;
	}
	return i;
}

static void put_visible(mtpe_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mtpe_buf_putc(b, s[i] == '\t' ? ' ' : s[i]);
}

static int text_file(mtpe_format_ctx *ctx, const mtpe_doc *doc, const mtpe_findings *fs)
{
	mtpe_buf *b = ctx->out;
	bool col = ctx->color;
	for (size_t i = 0; i < fs->len; i++) {
		mtpe_format_maybe_flush(ctx);
		const mtpe_finding *f = &fs->items[i];
		const char *sc = f->severity == MTPE_SEV_ERROR ? C_RED : f->severity == MTPE_SEV_WARNING ? C_MAGENTA : C_CYAN;
		if (col)
			mtpe_buf_puts(b, C_BOLD);
		mtpe_buf_printf(b, "%s:%d:%d:", doc->path, f->line, f->column);
		if (col)
			mtpe_buf_puts(b, C_RESET);
		mtpe_buf_printf(b, " %s%s:%s %s [%s]", col ? sc : "", mtpe_severity_name(f->severity), col ? C_RESET : "",
				f->message, f->rule);
		if (f->unit)
			mtpe_buf_printf(b, " (in %s)", f->unit);
		mtpe_buf_putc(b, '\n');
		/* the line, windowed around the span when long */
		size_t ls, le;
		mtpe_doc_line_span(doc, f->line, &ls, &le);
		size_t span_end = f->offset + f->length;
		size_t span_e = span_end < le ? span_end : le;
		size_t before = cp_count(doc->data + ls, f->offset - ls);
		size_t ws = ls, pad = before;
		bool cut_left = false, cut_right = false;
		if (before > 60) {
			ws = ls + cp_skip(doc->data + ls, f->offset - ls, before - 50);
			pad = 50;
			cut_left = true;
		}
		size_t we = le;
		if (cp_count(doc->data + span_e, le - span_e) > 60) {
			we = span_e + cp_skip(doc->data + span_e, le - span_e, 50);
			cut_right = true;
		}
		mtpe_buf_printf(b, "%5d | %s", f->line, cut_left ? "..." : "");
		put_visible(b, doc->data + ws, f->offset - ws);
		if (col)
			mtpe_buf_puts(b, sc);
		put_visible(b, doc->data + f->offset, span_e - f->offset);
		if (col)
			mtpe_buf_puts(b, C_RESET);
		put_visible(b, doc->data + span_e, we - span_e);
		mtpe_buf_printf(b, "%s\n      | %s", cut_right ? "..." : "", cut_left ? "   " : "");
		for (size_t k = 0; k < pad; k++)
			mtpe_buf_putc(b, ' ');
		if (col)
			mtpe_buf_puts(b, C_GREEN);
		size_t w = cp_count(doc->data + f->offset, span_e - f->offset);
		mtpe_buf_putc(b, '^');
		for (size_t k = 1; k < w; k++)
			mtpe_buf_putc(b, '~');
		if (col)
			mtpe_buf_puts(b, C_RESET);
		mtpe_buf_putc(b, '\n');
		if (f->nreplacements) {
			mtpe_buf_printf(b, "      | %s", cut_left ? "   " : "");
			for (size_t k = 0; k < pad; k++)
				mtpe_buf_putc(b, ' ');
			if (col)
				mtpe_buf_puts(b, C_GREEN);
			mtpe_buf_puts(b, f->replacements[0]);
			if (col)
				mtpe_buf_puts(b, C_RESET);
			mtpe_buf_putc(b, '\n');
		}
	}
	return b->oom ? MTPE_ENOMEM : 0;
}

static int text_end(mtpe_format_ctx *ctx, const mtpe_summary *s)
{
	if (s->findings)
		mtpe_buf_printf(ctx->out, "%zu finding%s (%zu error%s, %zu warning%s, %zu info) in %zu file%s, %zu words\n",
				s->findings, s->findings == 1 ? "" : "s", s->by_severity[MTPE_SEV_ERROR],
				s->by_severity[MTPE_SEV_ERROR] == 1 ? "" : "s", s->by_severity[MTPE_SEV_WARNING],
				s->by_severity[MTPE_SEV_WARNING] == 1 ? "" : "s", s->by_severity[MTPE_SEV_INFO], s->files,
				s->files == 1 ? "" : "s", s->words);
	return 0;
}

static const mtpe_formatter fmt_text = { "text", NULL, text_file, text_end };
static const mtpe_formatter fmt_json = { "json", json_begin, json_file, json_end };

extern const mtpe_formatter mtpe_format_sarif, mtpe_format_github, mtpe_format_checkstyle;

static const mtpe_formatter *const formatters[] = { &fmt_text, &fmt_json, &mtpe_format_sarif, &mtpe_format_github,
						    &mtpe_format_checkstyle };

const mtpe_formatter *mtpe_formatter_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formatters) / sizeof(formatters[0]); i++)
		if (!strcmp(formatters[i]->name, name))
			return formatters[i];
	return NULL;
}

const char *mtpe_formatter_names(void)
{
	return "text, json, sarif, github, checkstyle";
}
