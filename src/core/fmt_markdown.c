/*
 * fmt_markdown.c - Markdown (CommonMark): one region per paragraph, heading
 * and table cell, holding the prose only. Code blocks, inline code, raw HTML,
 * link destinations, autolinks, image descriptions and front matter (--- YAML
 * or +++ TOML at the top) are not checked.
 *
 * cmark (the CommonMark reference parser) builds the tree. Block nodes carry
 * reliable line spans; inline text literals are then aligned with the
 * original bytes of their block (backslash escapes and entity references
 * included) to give each text byte its file offset. A block whose text cannot
 * be aligned is not checked rather than risk a fix in the wrong place.
 * cmark has no tables (a GFM extension): a paragraph whose second line is a
 * delimiter row (|---|:--:|) is split into cells, each cell parsed on its own.
 */
#include "fmt_internal.h"

#include <cmark.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct md {
	mtpe_doc *doc;
	fmt_regions rs;
};

struct align {
	const char *raw;   /* doc->data */
	size_t cur, end;   /* cursor and end of the block's bytes */
	fmt_rb rb;
	bool failed;
};

static const struct { const char *name; const char *utf8; } md_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" }, { "nbsp", "\xC2\xA0" },
	{ "mdash", "\xE2\x80\x94" }, { "ndash", "\xE2\x80\x93" }, { "hellip", "\xE2\x80\xA6" }, { "laquo", "\xC2\xAB" },
	{ "raquo", "\xC2\xBB" }, { "copy", "\xC2\xA9" }, { "reg", "\xC2\xAE" }, { "trade", "\xE2\x84\xA2" },
	{ "ldquo", "\xE2\x80\x9C" }, { "rdquo", "\xE2\x80\x9D" }, { "lsquo", "\xE2\x80\x98" }, { "rsquo", "\xE2\x80\x99" },
	{ "euro", "\xE2\x82\xAC" }, { "deg", "\xC2\xB0" }, { "times", "\xC3\x97" }, { "shy", "\xC2\xAD" },
};

/* Decodes an entity reference at raw[q] == '&' into out; returns its length in raw, 0 if none. */
static size_t md_entity(const char *raw, size_t q, size_t end, char *out, size_t *ol)
{
	size_t k = q + 1;
	while (k < end && k < q + 34 && raw[k] != ';' && (isalnum((unsigned char)raw[k]) || raw[k] == '#'))
		k++;
	if (k >= end || raw[k] != ';' || k == q + 1)
		return 0;
	const char *e = raw + q + 1;
	size_t el = k - q - 1;
	if (e[0] == '#') {
		bool hex = el > 1 && (e[1] == 'x' || e[1] == 'X');
		unsigned long v = strtoul(e + (hex ? 2 : 1), NULL, hex ? 16 : 10);
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
			v = 0xFFFD;
		*ol = mtpe_utf8_encode((uint32_t)v, out);
		return k + 1 - q;
	}
	for (size_t j = 0; j < sizeof(md_entities) / sizeof(md_entities[0]); j++)
		if (strlen(md_entities[j].name) == el && !memcmp(md_entities[j].name, e, el)) {
			*ol = strlen(md_entities[j].utf8);
			memcpy(out, md_entities[j].utf8, *ol);
			return k + 1 - q;
		}
	return 0;
}

/* Tries to match literal lit at raw position p; on success appends to rb and returns the end position. */
static bool match_at(struct align *a, const char *lit, size_t n, size_t p, size_t *endp, bool record)
{
	size_t i = 0, q = p;
	while (i < n) {
		if (q >= a->end)
			return false;
		char c = a->raw[q];
		if (c == '\\' && q + 1 < a->end && ispunct((unsigned char)a->raw[q + 1]) && a->raw[q + 1] == lit[i]) {
			if (record)
				fmt_rb_decoded(&a->rb, lit + i, 1, q, q + 2);
			i++;
			q += 2;
			continue;
		}
		if (c == '&') {
			char out[8];
			size_t ol = 0, used = md_entity(a->raw, q, a->end, out, &ol);
			if (used && ol <= n - i && !memcmp(out, lit + i, ol)) {
				if (record)
					fmt_rb_decoded(&a->rb, lit + i, ol, q, q + used);
				i += ol;
				q += used;
				continue;
			}
		}
		if (c == lit[i]) {
			size_t l = mtpe_utf8_seqlen((const unsigned char *)lit + i, n - i);
			if (!l)
				l = 1;
			if (q + l > a->end || memcmp(a->raw + q, lit + i, l))
				return false;
			if (record)
				fmt_rb_verbatim(&a->rb, lit + i, l, q);
			i += l;
			q += l;
			continue;
		}
		return false;
	}
	*endp = q;
	return true;
}

static void align_text(struct align *a, const char *lit)
{
	size_t n = strlen(lit), e;
	if (!n || a->failed)
		return;
	for (size_t p = a->cur; p < a->end; p++) {
		if (match_at(a, lit, n, p, &e, false)) {
			match_at(a, lit, n, p, &e, true);
			a->cur = e;
			return;
		}
	}
	a->failed = true;
}

/* Moves the cursor past raw text that equals lit verbatim (inline HTML). */
static void skip_verbatim(struct align *a, const char *lit)
{
	size_t n = strlen(lit);
	for (size_t p = a->cur; p + n <= a->end; p++)
		if (!memcmp(a->raw + p, lit, n)) {
			a->cur = p + n;
			return;
		}
}

/* U+FFFC OBJECT REPLACEMENT CHARACTER stands for inline code, images and autolinks in the text. */
#define OBJ "\xEF\xBF\xBC"

/* Moves the cursor past the next code span (a backtick run and its closing run). */
static void skip_code_span(struct align *a)
{
	size_t p = a->cur;
	while (p < a->end && a->raw[p] != '`')
		p++;
	size_t k = p;
	while (k < a->end && a->raw[k] == '`')
		k++;
	size_t run = k - p;
	while (k < a->end) {
		if (a->raw[k] == '`') {
			size_t r = k;
			while (r < a->end && a->raw[r] == '`')
				r++;
			if (r - k == run) {
				fmt_rb_decoded(&a->rb, OBJ, 3, p, r);
				a->cur = r;
				return;
			}
			k = r;
		} else {
			k++;
		}
	}
}

/* After a link's text: skip "](destination "title")" or "][label]". */
static void skip_link_tail(struct align *a)
{
	size_t p = a->cur;
	while (p < a->end && a->raw[p] != ']')
		p++;
	if (p >= a->end)
		return;
	p++;
	if (p < a->end && (a->raw[p] == '(' || a->raw[p] == '[')) {
		char open = a->raw[p], close = open == '(' ? ')' : ']';
		int depth = 0;
		for (; p < a->end; p++) {
			if (a->raw[p] == '\\') {
				p++;
				continue;
			}
			if (a->raw[p] == open)
				depth++;
			else if (a->raw[p] == close && --depth == 0) {
				p++;
				break;
			}
		}
	}
	a->cur = p;
}

static void newline(struct align *a)
{
	size_t p = a->cur;
	while (p < a->end && a->raw[p] != '\n' && a->raw[p] != '\r')
		p++;
	if (p >= a->end)
		return;
	fmt_rb_decoded(&a->rb, "\n", 1, p, p + 1);
	a->cur = p + 1;
	if (a->raw[p] == '\r' && p + 1 < a->end && a->raw[p + 1] == '\n')
		a->cur++;
}

static void inlines(struct align *a, cmark_node *parent)
{
	for (cmark_node *n = cmark_node_first_child(parent); n && !a->failed; n = cmark_node_next(n)) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
			align_text(a, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			newline(a);
			break;
		case CMARK_NODE_CODE:
			skip_code_span(a);
			break;
		case CMARK_NODE_HTML_INLINE:
			skip_verbatim(a, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_EMPH:
		case CMARK_NODE_STRONG:
			inlines(a, n);
			break;
		case CMARK_NODE_LINK: {
			cmark_node *c = cmark_node_first_child(n);
			const char *url = cmark_node_get_url(n);
			const char *lit = c && cmark_node_get_type(c) == CMARK_NODE_TEXT && !cmark_node_next(c)
						  ? cmark_node_get_literal(c) : NULL;
			bool autolink = lit && url &&
					(!strcmp(lit, url) || (!strncmp(url, "mailto:", 7) && !strcmp(url + 7, lit)));
			if (autolink) {
				/* <https://...>: skip to the closing '>' */
				size_t p = a->cur;
				while (p < a->end && a->raw[p] != '<')
					p++;
				size_t lt = p;
				while (p < a->end && a->raw[p] != '>')
					p++;
				if (p < a->end) {
					fmt_rb_decoded(&a->rb, OBJ, 3, lt, p + 1);
					a->cur = p + 1;
				}
			} else {
				inlines(a, n);
				skip_link_tail(a);
			}
			break;
		}
		case CMARK_NODE_IMAGE: {
			/* the description is not prose of the text: skip "![...](...)" */
			size_t p = a->cur;
			while (p + 1 < a->end && !(a->raw[p] == '!' && a->raw[p + 1] == '['))
				p++;
			size_t bang = p;
			a->cur = p + 2 <= a->end ? p + 2 : a->end;
			int depth = 1;
			while (a->cur < a->end && depth) {
				char c = a->raw[a->cur];
				if (c == '\\')
					a->cur++;
				else if (c == '[')
					depth++;
				else if (c == ']')
					depth--;
				if (depth)
					a->cur++;
			}
			skip_link_tail(a);
			if (bang + 1 < a->end)
				fmt_rb_decoded(&a->rb, OBJ, 3, bang, a->cur);
			break;
		}
		default:
			break;
		}
	}
}

static size_t line_start(const mtpe_doc *doc, int line)
{
	if (line < 1)
		line = 1;
	if ((size_t)line > doc->nlines)
		return doc->len;
	return line == 1 ? doc->bom : doc->line_starts[line - 1];
}

static size_t line_end(const mtpe_doc *doc, int line)
{
	size_t s, e;
	mtpe_doc_line_span(doc, line, &s, &e);
	return e;
}

static void emit_block(struct md *m, cmark_node *block, size_t start, size_t end)
{
	struct align a;
	memset(&a, 0, sizeof(a));
	a.raw = m->doc->data;
	a.cur = start;
	a.end = end;
	inlines(&a, block);
	if (a.failed || !a.rb.nmap) {
		fmt_rb_dispose(&a.rb);
		return;
	}
	size_t last = a.rb.map[a.rb.nmap - 1];
	size_t l = mtpe_utf8_seqlen((const unsigned char *)a.raw + last, end - last);
	/* the end is after the last source byte: a decoded escape ends where the cursor stopped */
	size_t fe = a.cur > last ? a.cur : last + (l ? l : 1);
	fmt_regions_add(&m->rs, &a.rb, fe, NULL, NULL, false);
}

static bool delimiter_row(const char *s, size_t n)
{
	bool dash = false, pipe = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '-')
			dash = true;
		else if (c == '|')
			pipe = true;
		else if (c != ':' && c != ' ' && c != '\t' && c != '\r')
			return false;
	}
	return dash && pipe;
}

/* A GFM table parsed as a paragraph: each cell is its own region. */
static bool table(struct md *m, int sl, int el)
{
	const mtpe_doc *doc = m->doc;
	if (el - sl < 1)
		return false;
	size_t h0 = line_start(doc, sl), h1 = line_end(doc, sl);
	size_t d0 = line_start(doc, sl + 1), d1 = line_end(doc, sl + 1);
	if (!memchr(doc->data + h0, '|', h1 - h0) || !delimiter_row(doc->data + d0, d1 - d0))
		return false;
	for (int line = sl; line <= el; line++) {
		if (line == sl + 1)
			continue;
		size_t s = line_start(doc, line), e = line_end(doc, line);
		/* skip a block-quote or indentation prefix and the leading pipe */
		while (s < e && (doc->data[s] == ' ' || doc->data[s] == '>'))
			s++;
		if (s < e && doc->data[s] == '|')
			s++;
		size_t cs = s;
		bool code = false;
		for (size_t i = s; i <= e; i++) {
			char c = i < e ? doc->data[i] : '|';
			if (i < e && c == '\\') {
				i++;
				continue;
			}
			if (c == '`')
				code = !code;
			if (c != '|' || (code && i < e))
				continue;
			/* the cell [cs, i) */
			size_t a = cs, b = i;
			while (a < b && (doc->data[a] == ' ' || doc->data[a] == '\t'))
				a++;
			while (b > a && (doc->data[b - 1] == ' ' || doc->data[b - 1] == '\t' || doc->data[b - 1] == '\r'))
				b--;
			if (b > a) {
				cmark_node *cell = cmark_parse_document(doc->data + a, b - a, CMARK_OPT_DEFAULT);
				if (cell) {
					cmark_node *para = cmark_node_first_child(cell);
					if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH)
						emit_block(m, para, a, b);
					cmark_node_free(cell);
				}
			}
			cs = i + 1;
		}
	}
	return true;
}

/* Blanks a front-matter block (--- ... --- or +++ ... +++ at the top), keeping line breaks. */
static void blank_front_matter(char *buf, size_t n)
{
	const char *fence = NULL;
	if (n >= 4 && !memcmp(buf, "---", 3) && (buf[3] == '\n' || buf[3] == '\r'))
		fence = "---";
	else if (n >= 4 && !memcmp(buf, "+++", 3) && (buf[3] == '\n' || buf[3] == '\r'))
		fence = "+++";
	if (!fence)
		return;
	size_t i = 3;
	while (i < n) {
		while (i < n && buf[i] != '\n')
			i++;
		if (i >= n)
			return; /* no closing fence: not front matter */
		i++;
		if (i + 3 <= n && (!memcmp(buf + i, fence, 3) || (fence[0] == '-' && !memcmp(buf + i, "...", 3))) &&
		    (i + 3 == n || buf[i + 3] == '\n' || buf[i + 3] == '\r')) {
			size_t end = i + 3;
			for (size_t k = 0; k < end; k++)
				if (buf[k] != '\n' && buf[k] != '\r')
					buf[k] = ' ';
			return;
		}
	}
}

int fmt_parse_markdown(mtpe_doc *doc, mtpe_error *err)
{
	struct md m;
	memset(&m, 0, sizeof(m));
	m.doc = doc;
	size_t n = doc->len - doc->bom;
	char *buf = mtpe_malloc(n + 1);
	if (!buf)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	memcpy(buf, doc->data + doc->bom, n);
	buf[n] = '\0';
	blank_front_matter(buf, n);
	cmark_node *root = cmark_parse_document(buf, n, CMARK_OPT_DEFAULT);
	free(buf);
	if (!root)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (t != CMARK_NODE_PARAGRAPH && t != CMARK_NODE_HEADING)
			continue;
		int sl = cmark_node_get_start_line(node), el = cmark_node_get_end_line(node);
		if (t == CMARK_NODE_PARAGRAPH && table(&m, sl, el))
			continue;
		emit_block(&m, node, line_start(doc, sl), line_end(doc, el));
	}
	cmark_iter_free(it);
	cmark_node_free(root);
	return fmt_regions_finish(&m.rs, doc, err);
}
