/*
 * fmt_json.c - i18n JSON message catalogs (flat or nested; also Flutter ARB):
 * one region per string value, labelled with its key path (menu.file.open,
 * items[2].title). Keys starting with '@' hold metadata (ARB) and are skipped.
 *
 * A small recursive-descent parser (RFC 8259, depth-limited) rather than
 * json-c or jansson: those build a tree without source positions, and every
 * text byte must be mapped back to the bytes of the file (escapes such as
 * \u00e9 and \" included) so that fixes are written into the file in place.
 */
#include "fmt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256

struct jp {
	mtpe_doc *doc;
	const char *s;
	size_t n, i;
	fmt_regions rs;
	mtpe_buf path;
	mtpe_error *err;
};

static void ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int fail(struct jp *p, const char *what)
{
	if (p->i >= p->n)
		return fmt_parse_error(p->err, p->doc, p->n, "unexpected end of file: %s", what);
	return fmt_parse_error(p->err, p->doc, p->i, "%s", what);
}

/* Reads a string at p->i (a '"'); fills rb when given; p->i ends after the closing quote. */
static int string(struct jp *p, fmt_rb *rb, size_t *content_end)
{
	size_t i = p->i + 1;
	for (;;) {
		if (i >= p->n) {
			p->i = i;
			return fail(p, "unterminated string");
		}
		unsigned char c = (unsigned char)p->s[i];
		if (c == '"')
			break;
		if (c < 0x20) {
			p->i = i;
			return fail(p, "control character in a string (write it as an escape such as \\n)");
		}
		if (c != '\\') {
			size_t l = mtpe_utf8_seqlen((const unsigned char *)p->s + i, p->n - i);
			if (!l)
				l = 1;
			if (rb)
				fmt_rb_verbatim(rb, p->s + i, l, i);
			i += l;
			continue;
		}
		char e = i + 1 < p->n ? p->s[i + 1] : '\0';
		char out[8];
		size_t n = 1, used = 2;
		switch (e) {
		case '"': case '\\': case '/': out[0] = e; break;
		case 'b': out[0] = '\b'; break;
		case 'f': out[0] = '\f'; break;
		case 'n': out[0] = '\n'; break;
		case 'r': out[0] = '\r'; break;
		case 't': out[0] = '\t'; break;
		case 'u': {
			long v = i + 6 <= p->n ? fmt_hex4(p->s + i + 2) : -1;
			if (v < 0) {
				p->i = i;
				return fail(p, "'\\u' needs four hex digits");
			}
			used = 6;
			if (v >= 0xD800 && v < 0xDC00 && i + 12 <= p->n && p->s[i + 6] == '\\' && p->s[i + 7] == 'u') {
				long lo = fmt_hex4(p->s + i + 8);
				if (lo >= 0xDC00 && lo < 0xE000) {
					v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
					used = 12;
				}
			}
			if (v >= 0xD800 && v < 0xE000)
				v = 0xFFFD; /* a lone surrogate */
			n = mtpe_utf8_encode((uint32_t)v, out);
			break;
		}
		default:
			p->i = i;
			return fail(p, "unknown escape in a string (JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
		}
		if (rb)
			fmt_rb_decoded(rb, out, n, i, i + used);
		i += used;
	}
	if (content_end)
		*content_end = i;
	p->i = i + 1;
	return 0;
}

static int value(struct jp *p, int depth, bool skip);

static int object(struct jp *p, int depth, bool skip)
{
	p->i++; /* { */
	ws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return 0;
	}
	for (;;) {
		ws(p);
		if (p->i >= p->n || p->s[p->i] != '"')
			return fail(p, "expected a key in double quotes");
		fmt_rb key = FMT_RB_INIT;
		int error = string(p, &key, NULL);
		if (error < 0) {
			fmt_rb_dispose(&key);
			return error;
		}
		size_t saved = p->path.len;
		if (saved)
			mtpe_buf_putc(&p->path, '.');
		mtpe_buf_put(&p->path, key.text.ptr ? key.text.ptr : "", key.text.len);
		bool meta = key.text.len && key.text.ptr[0] == '@';
		fmt_rb_dispose(&key);
		ws(p);
		if (p->i >= p->n || p->s[p->i] != ':')
			return fail(p, "expected ':' after the key");
		p->i++;
		if ((error = value(p, depth + 1, skip || meta)) < 0)
			return error;
		p->path.len = saved;
		if (p->path.ptr)
			p->path.ptr[saved] = '\0';
		ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			return 0;
		}
		return fail(p, "expected ',' or '}' in an object");
	}
}

static int array(struct jp *p, int depth, bool skip)
{
	p->i++; /* [ */
	ws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return 0;
	}
	for (size_t k = 0;; k++) {
		size_t saved = p->path.len;
		mtpe_buf_printf(&p->path, "[%zu]", k);
		int error = value(p, depth + 1, skip);
		if (error < 0)
			return error;
		p->path.len = saved;
		if (p->path.ptr)
			p->path.ptr[saved] = '\0';
		ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			return 0;
		}
		return fail(p, "expected ',' or ']' in an array");
	}
}

static int literal(struct jp *p)
{
	static const char *const words[] = { "true", "false", "null" };
	for (int k = 0; k < 3; k++) {
		size_t l = strlen(words[k]);
		if (p->i + l <= p->n && !memcmp(p->s + p->i, words[k], l)) {
			p->i += l;
			return 0;
		}
	}
	/* number */
	size_t st = p->i;
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	size_t d = p->i;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	if (p->i == d) {
		p->i = st;
		return fail(p, "expected a value (string, number, object, array, true, false or null)");
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	return 0;
}

static int value(struct jp *p, int depth, bool skip)
{
	if (depth > MAX_DEPTH)
		return fail(p, "nested too deeply");
	ws(p);
	if (p->i >= p->n)
		return fail(p, "expected a value");
	switch (p->s[p->i]) {
	case '{': return object(p, depth, skip);
	case '[': return array(p, depth, skip);
	case '"': {
		fmt_rb rb = FMT_RB_INIT;
		size_t end;
		int error = string(p, skip ? NULL : &rb, &end);
		if (error < 0) {
			fmt_rb_dispose(&rb);
			return error;
		}
		if (!skip)
			fmt_regions_add(&p->rs, &rb, end, p->path.len ? p->path.ptr : "(root)", NULL, false);
		fmt_rb_dispose(&rb);
		return 0;
	}
	default:
		return literal(p);
	}
}

int fmt_parse_json(mtpe_doc *doc, mtpe_error *err)
{
	struct jp p;
	memset(&p, 0, sizeof(p));
	p.doc = doc;
	p.s = doc->data;
	p.n = doc->len;
	p.i = doc->bom;
	p.err = err;
	mtpe_buf_put(&p.path, "", 0);
	int error = value(&p, 0, false);
	if (!error) {
		ws(&p);
		if (p.i < p.n)
			error = fail(&p, "unexpected text after the JSON value");
	}
	if (!error && p.path.oom)
		error = mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	mtpe_buf_dispose(&p.path);
	if (error) {
		fmt_regions_dispose(&p.rs);
		return error;
	}
	return fmt_regions_finish(&p.rs, doc, err);
}
