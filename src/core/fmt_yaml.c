/*
 * fmt_yaml.c - i18n YAML catalogs (Rails, Symfony, Hugo...): one region per
 * string scalar in value position, labelled with its key path (en.menu.open,
 * items[1]). Keys, aliases (*ref, <<: *base) and non-string plain scalars
 * (numbers, true/false, null) are not checked; an anchored scalar is checked
 * where it is written.
 *
 * libyaml parses (it is already our rule-file parser). Its marks count code
 * points after any BOM, so they are turned into byte offsets; then each
 * scalar's text is rebuilt from the original bytes (quotes, escapes, folded
 * lines, block indentation) with a byte map, and compared with libyaml's own
 * value. A scalar whose rebuilt text does not match exactly is not checked
 * rather than risk writing a fix to the wrong bytes.
 */
#include "fmt_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct frame {
	bool mapping;
	bool want_key;   /* mapping: next scalar is a key */
	size_t index;    /* sequence: next index */
	size_t path_len; /* path length at entry */
};

struct yp {
	mtpe_doc *doc;
	size_t *cpos;    /* code point index -> byte offset */
	size_t ncp;
	fmt_regions rs;
	mtpe_buf path;
	struct frame *st;
	size_t depth, cap;
	bool skip_value; /* a key starting with '@' or metadata: not used */
};

static size_t byte_at(const struct yp *p, size_t idx)
{
	return idx < p->ncp ? p->cpos[idx] : p->doc->len;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_break(char c)
{
	return c == '\n' || c == '\r';
}

/* Skips one line break at *i (LF, CRLF or CR); returns false if none. */
static bool skip_break(const char *s, size_t n, size_t *i)
{
	if (*i < n && s[*i] == '\r') {
		(*i)++;
		if (*i < n && s[*i] == '\n')
			(*i)++;
		return true;
	}
	if (*i < n && s[*i] == '\n') {
		(*i)++;
		return true;
	}
	return false;
}

/* Drops trailing blanks (emitted text) back to a mark. */
static void rb_trim_blanks(fmt_rb *b, size_t keep)
{
	size_t n = b->text.len;
	while (n > keep && is_space(b->text.ptr[n - 1]))
		n--;
	fmt_rb_truncate(b, n);
}

/*
 * Flow scalars (plain, 'single', "double"): content in [s, e); line breaks fold
 * to a space, or to n-1 newlines for n breaks in a row.
 */
static void flow_scalar(const char *d, size_t s, size_t e, int style, fmt_rb *b)
{
	size_t i = s;
	size_t line_keep = 0; /* text length where the current line's escaped content ends */
	while (i < e) {
		char c = d[i];
		if (is_break(c)) {
			size_t brk = i;
			rb_trim_blanks(b, line_keep);
			skip_break(d, e, &i);
			int breaks = 1;
			for (;;) {
				while (i < e && is_space(d[i]))
					i++;
				if (i < e && is_break(d[i])) {
					breaks++;
					skip_break(d, e, &i);
					continue;
				}
				break;
			}
			if (breaks == 1)
				fmt_rb_decoded(b, " ", 1, brk, i);
			else
				for (int k = 1; k < breaks; k++)
					fmt_rb_decoded(b, "\n", 1, brk, i);
			line_keep = b->text.len;
			continue;
		}
		if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE && c == '\'' && i + 1 < e && d[i + 1] == '\'') {
			fmt_rb_decoded(b, "'", 1, i, i + 2);
			i += 2;
			line_keep = b->text.len;
			continue;
		}
		if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && c == '\\' && i + 1 < e) {
			char x = d[i + 1];
			char out[8];
			size_t n = 1, used = 2;
			if (is_break(x)) {
				/* escaped line break: joins lines without a space */
				size_t j = i + 1;
				skip_break(d, e, &j);
				while (j < e && is_space(d[j]))
					j++;
				i = j;
				line_keep = b->text.len;
				continue;
			}
			switch (x) {
			case '0': out[0] = '\0'; break;
			case 'a': out[0] = '\a'; break;
			case 'b': out[0] = '\b'; break;
			case 't': case '\t': out[0] = '\t'; break;
			case 'n': out[0] = '\n'; break;
			case 'v': out[0] = '\v'; break;
			case 'f': out[0] = '\f'; break;
			case 'r': out[0] = '\r'; break;
			case 'e': out[0] = '\x1b'; break;
			case ' ': case '"': case '/': case '\\': out[0] = x; break;
			case 'N': n = mtpe_utf8_encode(0x85, out); break;
			case '_': n = mtpe_utf8_encode(0xA0, out); break;
			case 'L': n = mtpe_utf8_encode(0x2028, out); break;
			case 'P': n = mtpe_utf8_encode(0x2029, out); break;
			case 'x': case 'u': case 'U': {
				size_t digits = x == 'x' ? 2 : x == 'u' ? 4 : 8;
				unsigned long v = 0;
				if (i + 2 + digits > e)
					return;
				for (size_t k = 0; k < digits; k++) {
					int h = d[i + 2 + k];
					if (!isxdigit(h))
						return;
					v = v * 16 + (unsigned long)(isdigit(h) ? h - '0' : tolower(h) - 'a' + 10);
				}
				n = mtpe_utf8_encode((uint32_t)v, out);
				used = 2 + digits;
				break;
			}
			default:
				return; /* libyaml rejects it before we get here */
			}
			fmt_rb_decoded(b, out, n, i, i + used);
			i += used;
			line_keep = b->text.len;
			continue;
		}
		size_t l = mtpe_utf8_seqlen((const unsigned char *)d + i, e - i);
		if (!l)
			l = 1;
		fmt_rb_verbatim(b, d + i, l, i);
		i += l;
		if (!is_space(c))
			line_keep = b->text.len;
	}
}

/* Block scalars: s is at the '|' or '>' indicator; content ends at e. */
static void block_scalar(const char *d, size_t s, size_t e, bool folded, fmt_rb *b)
{
	size_t i = s + 1;
	int explicit_indent = 0;
	while (i < e && !is_break(d[i])) {
		if (isdigit((unsigned char)d[i]))
			explicit_indent = d[i] - '0';
		if (d[i] == '#')
			break;
		i++;
	}
	while (i < e && !is_break(d[i]))
		i++;
	skip_break(d, e, &i);
	/* the parent's indentation is unknown here: take the first non-empty line's */
	size_t indent = 0;
	if (explicit_indent) {
		/* relative to the parent: find the key's indentation */
		size_t ls = s;
		while (ls > 0 && !is_break(d[ls - 1]))
			ls--;
		size_t k = ls;
		while (k < s && d[k] == ' ')
			k++;
		indent = (k - ls) + (size_t)explicit_indent;
	} else {
		for (size_t j = i; j < e;) {
			size_t k = j;
			while (k < e && d[k] == ' ')
				k++;
			if (k < e && !is_break(d[k])) {
				indent = k - j;
				break;
			}
			if (k >= e)
				break;
			skip_break(d, e, &k);
			j = k;
		}
	}
	bool prev_text = false, prev_more = false;
	size_t pending_break = (size_t)-1;
	int pending_empty = 0;
	while (i < e) {
		size_t ls = i, k = i;
		while (k < e && k - ls < indent && d[k] == ' ')
			k++;
		size_t le = k;
		while (le < e && !is_break(d[le]))
			le++;
		bool empty = true;
		for (size_t j = k; j < le; j++)
			if (!is_space(d[j]))
				empty = false;
		bool more = !empty && k < le && is_space(d[k]);
		if (empty) {
			if (!folded) {
				fmt_rb_decoded(b, "\n", 1, le < e ? le : e, le < e ? le + 1 : e);
			} else {
				pending_empty++;
			}
		} else {
			if (folded && pending_break != (size_t)-1) {
				if (pending_empty == 0 && prev_text && !prev_more && !more)
					fmt_rb_decoded(b, " ", 1, pending_break, pending_break + 1);
				else {
					int nl = pending_empty + ((prev_more || more) ? 1 : 0);
					for (int q = 0; q < nl; q++)
						fmt_rb_decoded(b, "\n", 1, pending_break, pending_break + 1);
				}
			} else if (folded && pending_empty) {
				for (int q = 0; q < pending_empty; q++)
					fmt_rb_decoded(b, "\n", 1, ls, ls);
			}
			pending_empty = 0;
			for (size_t j = k; j < le;) {
				size_t l = mtpe_utf8_seqlen((const unsigned char *)d + j, le - j);
				if (!l)
					l = 1;
				fmt_rb_verbatim(b, d + j, l, j);
				j += l;
			}
			prev_text = true;
			prev_more = more;
			if (!folded)
				fmt_rb_decoded(b, "\n", 1, le, le + 1);
			else
				pending_break = le;
		}
		i = le;
		if (!skip_break(d, e, &i))
			break;
	}
	if (folded && prev_text) {
		fmt_rb_decoded(b, "\n", 1, pending_break, pending_break + 1);
		for (int q = 0; q < pending_empty; q++)
			fmt_rb_decoded(b, "\n", 1, e, e);
	}
}

static bool non_string_plain(const char *v, size_t n)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "null", "~",
					     "True", "False", "TRUE", "FALSE", "Yes", "No", "Null", "NULL", "" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], v, n))
			return true;
	char *end;
	if (n && n < 64) {
		char tmp[64];
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		strtod(tmp, &end);
		if (*end == '\0')
			return true;
	}
	return false;
}

static void scalar_region(struct yp *p, const yaml_event_t *ev)
{
	const char *d = p->doc->data;
	const char *val = (const char *)ev->data.scalar.value;
	size_t vlen = ev->data.scalar.length;
	int style = ev->data.scalar.style;
	size_t s = byte_at(p, ev->start_mark.index), e = byte_at(p, ev->end_mark.index);
	if (style == YAML_PLAIN_SCALAR_STYLE && non_string_plain(val, vlen))
		return;
	fmt_rb b = FMT_RB_INIT;
	size_t end = e;
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		if (e - s < 2)
			return;
		flow_scalar(d, s + 1, e - 1, style, &b);
		end = e - 1;
	} else if (style == YAML_PLAIN_SCALAR_STYLE) {
		flow_scalar(d, s, e, style, &b);
	} else {
		block_scalar(d, s, e, style == YAML_FOLDED_SCALAR_STYLE, &b);
		/* chomping: libyaml's value decides how many final newlines remain */
		if (b.text.len > vlen && !b.oom && b.text.ptr && !memcmp(b.text.ptr, val, vlen))
			fmt_rb_truncate(&b, vlen);
		end = b.nmap ? b.map[b.nmap - 1] + 1 : e;
		if (vlen && b.nmap == vlen && b.text.ptr && b.text.ptr[vlen - 1] == '\n')
			end = b.map[vlen - 1];
	}
	if (b.oom || b.text.oom) {
		p->rs.oom = true;
		fmt_rb_dispose(&b);
		return;
	}
	if (b.text.len != vlen || (vlen && memcmp(b.text.ptr, val, vlen))) {
		fmt_rb_dispose(&b); /* could not map this scalar to its bytes: leave it alone */
		return;
	}
	/* a trailing newline of a block scalar maps past the text; trim it from the region */
	while (b.text.len && b.text.ptr[b.text.len - 1] == '\n') {
		end = b.map[b.text.len - 1];
		fmt_rb_truncate(&b, b.text.len - 1);
	}
	fmt_regions_add(&p->rs, &b, end, p->path.len ? p->path.ptr : "(root)", NULL, false);
}

static bool push(struct yp *p, bool mapping)
{
	if (p->depth == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 16;
		struct frame *ns = mtpe_realloc(p->st, nc * sizeof(*ns));
		if (!ns)
			return false;
		p->st = ns;
		p->cap = nc;
	}
	struct frame *f = &p->st[p->depth++];
	f->mapping = mapping;
	f->want_key = true;
	f->index = 0;
	f->path_len = p->path.len;
	return true;
}

static void path_truncate(struct yp *p, size_t len)
{
	p->path.len = len;
	if (p->path.ptr)
		p->path.ptr[len] = '\0';
}

/* Before a node in value position: extend the path for sequences. */
static void begin_node(struct yp *p)
{
	if (!p->depth)
		return;
	struct frame *f = &p->st[p->depth - 1];
	if (!f->mapping) {
		path_truncate(p, f->path_len);
		mtpe_buf_printf(&p->path, "[%zu]", f->index++);
	}
}

/* After a node in value position: a mapping wants its next key. */
static void end_node(struct yp *p)
{
	if (!p->depth)
		return;
	struct frame *f = &p->st[p->depth - 1];
	if (f->mapping) {
		f->want_key = true;
		path_truncate(p, f->path_len);
	}
}

int fmt_parse_yaml(mtpe_doc *doc, mtpe_error *err)
{
	struct yp p;
	memset(&p, 0, sizeof(p));
	p.doc = doc;
	int error = 0;
	/* code point index -> byte offset, counted after the BOM as libyaml does */
	size_t n = 0;
	for (size_t i = doc->bom; i < doc->len; i++)
		if (((unsigned char)doc->data[i] & 0xC0) != 0x80)
			n++;
	p.cpos = mtpe_malloc((n + 1) * sizeof(size_t));
	if (!p.cpos)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	size_t k = 0;
	for (size_t i = doc->bom; i < doc->len; i++)
		if (((unsigned char)doc->data[i] & 0xC0) != 0x80)
			p.cpos[k++] = i;
	p.cpos[k] = doc->len;
	p.ncp = k + 1;
	mtpe_buf_put(&p.path, "", 0);

	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		free(p.cpos);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)doc->data, doc->len);
	bool done = false;
	while (!done && !error) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			size_t off = byte_at(&p, parser.problem_mark.index);
			error = fmt_parse_error(err, doc, off, "%s%s%s", parser.problem ? parser.problem : "syntax error",
						parser.context ? " " : "", parser.context ? parser.context : "");
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			p.depth = 0;
			path_truncate(&p, 0);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			struct frame *f = p.depth ? &p.st[p.depth - 1] : NULL;
			if (f && f->mapping && f->want_key) {
				/* a complex key: its content is not translatable text */
				path_truncate(&p, f->path_len);
				mtpe_buf_puts(&p.path, f->path_len ? ".?" : "?");
				f->want_key = false;
			} else {
				begin_node(&p);
			}
			if (!push(&p, ev.type == YAML_MAPPING_START_EVENT))
				p.rs.oom = true;
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (p.depth) {
				path_truncate(&p, p.st[p.depth - 1].path_len);
				p.depth--;
			}
			end_node(&p);
			break;
		case YAML_ALIAS_EVENT:
		case YAML_SCALAR_EVENT: {
			struct frame *f = p.depth ? &p.st[p.depth - 1] : NULL;
			if (f && f->mapping && f->want_key) {
				path_truncate(&p, f->path_len);
				if (f->path_len)
					mtpe_buf_putc(&p.path, '.');
				if (ev.type == YAML_SCALAR_EVENT)
					mtpe_buf_put(&p.path, (const char *)ev.data.scalar.value, ev.data.scalar.length);
				else
					mtpe_buf_puts(&p.path, "<<");
				f->want_key = false;
				break;
			}
			begin_node(&p);
			if (ev.type == YAML_SCALAR_EVENT)
				scalar_region(&p, &ev);
			end_node(&p);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(p.cpos);
	free(p.st);
	if (!error && p.path.oom)
		p.rs.oom = true;
	mtpe_buf_dispose(&p.path);
	if (error) {
		fmt_regions_dispose(&p.rs);
		return error;
	}
	return fmt_regions_finish(&p.rs, doc, err);
}
