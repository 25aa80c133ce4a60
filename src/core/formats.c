/*
 * formats.c - input format detection and dispatch, the region builder shared
 * by the parsers, escaping of fix text for the format it is written into, and
 * line-aligned source attachment for plain text (--source).
 *
 * Detection: the file extension decides; without a known extension (stdin,
 * unusual names) the content is sniffed conservatively (WEBVTT header, XLIFF
 * root, SRT cue timing, PO msgid, a JSON object); everything else is text.
 * Markdown and YAML are only chosen by extension or --input-format.
 */
#define _GNU_SOURCE /* memmem */
#include "fmt_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- region builder ------------------------------------------------------ */

static void rb_map_push(fmt_rb *b, size_t off, size_t end)
{
	if (b->nmap == b->capmap) {
		size_t nc = b->capmap ? b->capmap * 2 : 64;
		size_t *nm = mtpe_realloc(b->map, nc * sizeof(size_t));
		if (!nm) {
			b->oom = true;
			return;
		}
		b->map = nm;
		size_t *ne = mtpe_realloc(b->ends, nc * sizeof(size_t));
		if (!ne) {
			b->oom = true;
			return;
		}
		b->ends = ne;
		b->capmap = nc;
	}
	b->map[b->nmap] = off;
	b->ends[b->nmap] = end;
	b->nmap++;
}

void fmt_rb_verbatim(fmt_rb *b, const char *s, size_t n, size_t off)
{
	if (mtpe_buf_put(&b->text, s, n) < 0)
		b->oom = true;
	for (size_t i = 0; i < n && !b->oom; i++)
		rb_map_push(b, off + i, off + i + 1);
}

void fmt_rb_decoded(fmt_rb *b, const char *s, size_t n, size_t off, size_t end)
{
	if (mtpe_buf_put(&b->text, s, n) < 0)
		b->oom = true;
	for (size_t i = 0; i < n && !b->oom; i++)
		rb_map_push(b, off, end);
}

void fmt_rb_truncate(fmt_rb *b, size_t len)
{
	if (len < b->text.len) {
		b->text.len = len;
		b->text.ptr[len] = '\0';
	}
	if (len < b->nmap)
		b->nmap = len;
}

void fmt_rb_dispose(fmt_rb *b)
{
	mtpe_buf_dispose(&b->text);
	free(b->map);
	free(b->ends);
	memset(b, 0, sizeof(*b));
}

static mtpe_region *regions_next(fmt_regions *rs)
{
	if (rs->len == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 16;
		mtpe_region *ni = mtpe_realloc(rs->items, nc * sizeof(mtpe_region));
		if (!ni) {
			rs->oom = true;
			return NULL;
		}
		rs->items = ni;
		rs->cap = nc;
	}
	mtpe_region *r = &rs->items[rs->len];
	memset(r, 0, sizeof(*r));
	return r;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

static bool set_labels(mtpe_region *r, const char *unit, const char *source)
{
	r->unit = unit ? mtpe_strdup(unit) : NULL;
	r->source = source ? mtpe_strdup(source) : NULL;
	return (!unit || r->unit) && (!source || r->source);
}

void fmt_regions_add(fmt_regions *rs, fmt_rb *b, size_t end, const char *unit, const char *source, bool keep_blank)
{
	if (b->oom || b->text.oom) {
		rs->oom = true;
		fmt_rb_dispose(b);
		return;
	}
	if (!keep_blank && blank(b->text.ptr ? b->text.ptr : "", b->text.len)) {
		fmt_rb_dispose(b);
		return;
	}
	mtpe_region *r = regions_next(rs);
	if (!r) {
		fmt_rb_dispose(b);
		return;
	}
	size_t n = b->text.len;
	/* one block: map (n + 1 entries) then end_map (n + 1 entries) */
	size_t *m = mtpe_malloc(2 * (n + 1) * sizeof(size_t));
	if (!m) {
		rs->oom = true;
		fmt_rb_dispose(b);
		return;
	}
	memcpy(m, b->map, n * sizeof(size_t));
	m[n] = end;
	size_t *em = m + n + 1;
	em[0] = n ? m[0] : end;
	for (size_t i = 1; i <= n; i++)
		em[i] = b->ends[i - 1];
	r->text_len = n;
	mtpe_buf_put(&b->text, "", 0);
	r->text = mtpe_buf_detach(&b->text);
	r->owned = true;
	r->map = m;
	r->end_map = em;
	r->file_start = n ? m[0] : end;
	r->file_end = end;
	if (!r->text || !set_labels(r, unit, source)) {
		free(r->text);
		free(r->map);
		free(r->unit);
		free(r->source);
		rs->oom = true;
		fmt_rb_dispose(b);
		return;
	}
	rs->len++;
	fmt_rb_dispose(b);
}

void fmt_regions_add_slice(fmt_regions *rs, const mtpe_doc *doc, size_t start, size_t end, const char *unit,
			   const char *source)
{
	mtpe_region *r = regions_next(rs);
	if (!r)
		return;
	r->file_start = start;
	r->file_end = end;
	r->text = doc->data + start;
	r->text_len = end - start;
	if (!set_labels(r, unit, source)) {
		free(r->unit);
		free(r->source);
		rs->oom = true;
		return;
	}
	rs->len++;
}

void fmt_regions_dispose(fmt_regions *rs)
{
	for (size_t i = 0; i < rs->len; i++) {
		mtpe_region *r = &rs->items[i];
		if (r->owned)
			free(r->text);
		free(r->map);
		free(r->unit);
		free(r->source);
	}
	free(rs->items);
	memset(rs, 0, sizeof(*rs));
}

int fmt_regions_finish(fmt_regions *rs, mtpe_doc *doc, mtpe_error *err)
{
	if (rs->oom) {
		fmt_regions_dispose(rs);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	/* escapes (PO octal and \x) can decode to bytes that are not UTF-8 */
	for (size_t i = 0; i < rs->len; i++) {
		const mtpe_region *r = &rs->items[i];
		size_t bad;
		bool text_ok = mtpe_utf8_valid(r->text, r->text_len, &bad);
		if (!text_ok || (r->source && !mtpe_utf8_valid(r->source, strlen(r->source), &bad))) {
			size_t off = text_ok ? r->file_start : mtpe_region_to_file(r, bad);
			fmt_regions_dispose(rs);
			return fmt_parse_error(err, doc, off, "%s escapes decode to bytes that are not UTF-8",
					       text_ok ? "the source's" : "the string's");
		}
	}
	if (!rs->items) {
		/* a document with nothing to check still has a (zero-length) region list */
		rs->items = mtpe_calloc(1, sizeof(mtpe_region));
		if (!rs->items)
			return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	doc->regions = rs->items;
	doc->nregions = rs->len;
	memset(rs, 0, sizeof(*rs));
	return 0;
}

const char *fmt_display_name(const char *format)
{
	static const char *const names[][2] = {
		{ "json", "JSON" }, { "yaml", "YAML" }, { "po", "PO file" }, { "xliff", "XLIFF" }, { "srt", "SRT subtitles" },
		{ "vtt", "WebVTT subtitles" }, { "markdown", "Markdown" }, { "text", "text" },
	};
	for (size_t i = 0; format && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i][0], format))
			return names[i][1];
	return "input";
}

int fmt_parse_error(mtpe_error *err, const mtpe_doc *doc, size_t off, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int line, col;
	mtpe_doc_linecol(doc, off, &line, &col);
	mtpe_error_set(err, MTPE_EPARSE, "invalid %s: %s", fmt_display_name(doc->format), msg);
	if (err) {
		err->line = line;
		err->col = col;
		err->offset = (long long)off;
	}
	return MTPE_EPARSE;
}

long fmt_hex4(const char *s)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* ---- formats ------------------------------------------------------------- */

static int parse_text(mtpe_doc *doc, mtpe_error *err)
{
	fmt_regions rs = { 0 };
	fmt_regions_add_slice(&rs, doc, doc->bom, doc->len, NULL, NULL);
	return fmt_regions_finish(&rs, doc, err);
}

static int parse_po(mtpe_doc *doc, mtpe_error *err)
{
	return fmt_parse_po(doc, false, err);
}

static int parse_po_skip_fuzzy(mtpe_doc *doc, mtpe_error *err)
{
	return fmt_parse_po(doc, true, err);
}

struct input_format {
	const char *name;
	const char *doc_name; /* stored in doc->format */
	int (*parse)(mtpe_doc *doc, mtpe_error *err);
	const char *exts;     /* space-separated, with leading space and trailing space */
};

static const struct input_format formats[] = {
	{ "text", "text", parse_text, " txt text " },
	{ "markdown", "markdown", fmt_parse_markdown, " md markdown mdown mkd mkdn " },
	{ "po", "po", parse_po, " po pot " },
	{ "po:skip-fuzzy", "po", parse_po_skip_fuzzy, "" },
	{ "xliff", "xliff", fmt_parse_xliff, " xlf xliff xlf2 " },
	{ "json", "json", fmt_parse_json, " json arb " },
	{ "yaml", "yaml", fmt_parse_yaml, " yaml yml " },
	{ "srt", "srt", fmt_parse_srt, " srt " },
	{ "vtt", "vtt", fmt_parse_vtt, " vtt webvtt " },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static const struct input_format *format_named(const char *name)
{
	if (!strcmp(name, "md"))
		name = "markdown";
	else if (!strcmp(name, "xlf"))
		name = "xliff";
	else if (!strcmp(name, "yml"))
		name = "yaml";
	else if (!strcmp(name, "webvtt"))
		name = "vtt";
	else if (!strcmp(name, "plain") || !strcmp(name, "txt"))
		name = "text";
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

bool mtpe_formats_known(const char *name)
{
	return name && format_named(name) != NULL;
}

const char *mtpe_formats_names(void)
{
	return "text, markdown, po, po:skip-fuzzy, xliff, json, yaml, srt, vtt";
}

static const struct input_format *by_extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base || strlen(dot + 1) > 10)
		return NULL;
	char key[16];
	size_t n = 0;
	key[n++] = ' ';
	for (const char *p = dot + 1; *p && n < 13; p++)
		key[n++] = (char)tolower((unsigned char)*p);
	key[n++] = ' ';
	key[n] = '\0';
	for (size_t i = 0; i < NFORMATS; i++)
		if (*formats[i].exts && strstr(formats[i].exts, key))
			return &formats[i];
	return NULL;
}

static bool starts_line_with(const char *s, size_t n, const char *what)
{
	size_t wl = strlen(what);
	for (size_t i = 0; i + wl <= n; i++) {
		if ((i == 0 || s[i - 1] == '\n') && !memcmp(s + i, what, wl))
			return true;
	}
	return false;
}

static const struct input_format *by_content(const mtpe_doc *doc)
{
	const char *s = doc->data + doc->bom;
	size_t n = doc->len - doc->bom;
	size_t head = n < 4096 ? n : 4096;
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (n - i >= 6 && !memcmp(s + i, "WEBVTT", 6) && (n - i == 6 || isspace((unsigned char)s[i + 6])))
		return format_named("vtt");
	if (i < n && s[i] == '<') {
		const char *x = memmem(s, head, "<xliff", 6);
		if (x)
			return format_named("xliff");
	}
	if (i < n && isdigit((unsigned char)s[i])) {
		/* SRT: a cue number line, then a timing line with --> */
		size_t j = i;
		while (j < n && isdigit((unsigned char)s[j]))
			j++;
		while (j < n && (s[j] == ' ' || s[j] == '\r'))
			j++;
		if (j < n && s[j] == '\n') {
			size_t e = j + 1;
			while (e < n && s[e] != '\n')
				e++;
			if (memmem(s + j + 1, e - j - 1, "-->", 3))
				return format_named("srt");
		}
	}
	if (i < n && (s[i] == '#' || s[i] == 'm') && starts_line_with(s, head, "msgid \"") &&
	    starts_line_with(s, n < 65536 ? n : 65536, "msgstr"))
		return format_named("po");
	if (i < n && s[i] == '{') {
		size_t e = n;
		while (e > i && isspace((unsigned char)s[e - 1]))
			e--;
		if (e > i && s[e - 1] == '}')
			return format_named("json");
	}
	return NULL;
}

int mtpe_formats_parse(mtpe_doc *doc, const char *forced, mtpe_error *err)
{
	const struct input_format *f = NULL;
	if (forced) {
		f = format_named(forced);
		if (!f)
			return mtpe_error_set(err, MTPE_EINVAL, "unknown input format '%s' (known: %s)",
					      forced, mtpe_formats_names());
	} else {
		f = by_extension(doc->path);
		if (!f)
			f = by_content(doc);
		if (!f)
			f = &formats[0];
	}
	doc->format = mtpe_strdup(f->doc_name);
	if (!doc->format)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	return f->parse(doc, err);
}

size_t mtpe_region_end_to_file(const mtpe_region *r, size_t text_off)
{
	if (text_off > r->text_len)
		text_off = r->text_len;
	if (!r->end_map)
		return mtpe_region_to_file(r, text_off);
	return r->end_map[text_off];
}

/* ---- escaping fix text for the format ------------------------------------ */

static const mtpe_region *region_at(const mtpe_doc *doc, size_t off)
{
	for (size_t i = 0; i < doc->nregions; i++) {
		const mtpe_region *r = &doc->regions[i];
		if (off >= r->file_start && off <= r->file_end)
			return r;
	}
	return NULL;
}

static void escape_c_like(const char *t, mtpe_buf *out, bool json)
{
	for (const char *p = t; *p; p++) {
		unsigned char c = (unsigned char)*p;
		switch (c) {
		case '"': mtpe_buf_puts(out, "\\\""); break;
		case '\\': mtpe_buf_puts(out, "\\\\"); break;
		case '\n': mtpe_buf_puts(out, "\\n"); break;
		case '\t': mtpe_buf_puts(out, "\\t"); break;
		case '\r': mtpe_buf_puts(out, "\\r"); break;
		default:
			if (c < 0x20) {
				if (json)
					mtpe_buf_printf(out, "\\u%04x", c);
				else
					mtpe_buf_printf(out, "\\%03o", c);
			} else {
				mtpe_buf_putc(out, (char)c);
			}
		}
	}
}

static void escape_xml(const char *t, mtpe_buf *out)
{
	for (const char *p = t; *p; p++) {
		switch (*p) {
		case '&': mtpe_buf_puts(out, "&amp;"); break;
		case '<': mtpe_buf_puts(out, "&lt;"); break;
		case '>': mtpe_buf_puts(out, "&gt;"); break;
		default: mtpe_buf_putc(out, *p);
		}
	}
}

int mtpe_formats_escape(const mtpe_doc *doc, size_t file_offset, const char *text, mtpe_buf *out)
{
	const char *fmt = doc->format ? doc->format : "text";
	size_t before = out->len;
	if (!strcmp(fmt, "po")) {
		escape_c_like(text, out, false);
	} else if (!strcmp(fmt, "json")) {
		escape_c_like(text, out, true);
	} else if (!strcmp(fmt, "xliff")) {
		escape_xml(text, out);
	} else if (!strcmp(fmt, "vtt")) {
		if (strstr(text, "\n\n") || strstr(text, "-->"))
			return MTPE_EUNSUPPORTED;
		escape_xml(text, out);
	} else if (!strcmp(fmt, "srt")) {
		if (strstr(text, "\n\n") || strstr(text, "\r\n\r\n"))
			return MTPE_EUNSUPPORTED; /* a blank line would end the cue */
		mtpe_buf_puts(out, text);
	} else if (!strcmp(fmt, "markdown")) {
		for (const char *p = text; *p; p++) {
			if (strchr("\\`*_[]<>", *p))
				mtpe_buf_putc(out, '\\');
			mtpe_buf_putc(out, *p);
		}
	} else if (!strcmp(fmt, "yaml")) {
		const mtpe_region *r = region_at(doc, file_offset);
		char q = r && r->file_start > 0 ? doc->data[r->file_start - 1] : 0;
		if (r && r->file_start == r->file_end && r->file_start > 0 && doc->data[r->file_start] == q)
			q = doc->data[r->file_start - 1];
		if (q == '"') {
			escape_c_like(text, out, true);
		} else if (q == '\'') {
			if (strchr(text, '\n'))
				return MTPE_EUNSUPPORTED;
			for (const char *p = text; *p; p++) {
				if (*p == '\'')
					mtpe_buf_putc(out, '\'');
				mtpe_buf_putc(out, *p);
			}
		} else {
			/* plain or block scalar: text that would end or re-type the scalar cannot go in as is */
			if (strchr(text, '\n') || strstr(text, ": ") || strstr(text, " #"))
				return MTPE_EUNSUPPORTED;
			mtpe_buf_puts(out, text);
		}
	} else {
		mtpe_buf_puts(out, text);
	}
	if (out->oom) {
		out->len = before;
		return MTPE_ENOMEM;
	}
	return 0;
}

char *mtpe_formats_apply_fixes(const mtpe_doc *doc, const mtpe_finding *const *fs, size_t n, size_t *outlen,
			       size_t *skipped)
{
	mtpe_buf b = MTPE_BUF_INIT;
	size_t pos = 0, skip = 0;
	mtpe_buf_put(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		const mtpe_finding *f = fs[i];
		if (!f->nreplacements || f->offset < pos || f->offset + f->length > doc->len)
			continue; /* overlapping or out of range */
		size_t mark = b.len;
		mtpe_buf_put(&b, doc->data + pos, f->offset - pos);
		int rc = mtpe_formats_escape(doc, f->offset, f->replacements[0], &b);
		if (rc == MTPE_EUNSUPPORTED) {
			b.len = mark; /* leave this span as it was */
			if (b.ptr)
				b.ptr[b.len] = '\0';
			skip++;
			continue;
		}
		pos = f->offset + f->length;
	}
	mtpe_buf_put(&b, doc->data + pos, doc->len - pos);
	if (skipped)
		*skipped = skip;
	if (b.oom) {
		mtpe_buf_dispose(&b);
		return NULL;
	}
	if (outlen)
		*outlen = b.len;
	return mtpe_buf_detach(&b);
}

/* ---- --source: line-aligned plain-text source ----------------------------- */

/* Number of lines, not counting an empty last line after a final newline. */
static size_t content_lines(const mtpe_doc *d)
{
	size_t n = d->nlines;
	if (n > 1 && d->line_starts[n - 1] == d->len)
		n--;
	return n;
}

int mtpe_doc_attach_source(mtpe_doc *doc, const char *source_path, mtpe_error *err)
{
	if (doc->format && strcmp(doc->format, "text"))
		return mtpe_error_set(err, MTPE_EUNSUPPORTED,
				      "--source works with plain-text files; this %s file carries its own source text (or none)",
				      doc->format);
	mtpe_doc *src = NULL;
	mtpe_doc_options so = MTPE_DOC_OPTIONS_INIT;
	so.format = "text";
	mtpe_error serr;
	mtpe_error_clear(&serr);
	if (mtpe_doc_load(&src, source_path, &so, &serr) < 0) {
		int code = serr.code;
		mtpe_error_set(err, code, "source file %s: %s", source_path, serr.msg);
		if (err) {
			snprintf(err->path, sizeof(err->path), "%s", source_path);
			err->line = serr.line;
			err->col = serr.col;
			err->offset = serr.offset;
		}
		return code;
	}
	size_t nt = content_lines(doc), ns = content_lines(src);
	if (nt != ns) {
		mtpe_doc_free(src);
		return mtpe_error_set(err, MTPE_EINVAL,
				      "source file %s has %zu lines but %s has %zu; --source needs line-aligned files (one segment per line)",
				      source_path, ns, doc->path, nt);
	}
	fmt_regions rs = { 0 };
	for (size_t i = 0; i < nt; i++) {
		size_t ts, te, ss, se;
		mtpe_doc_line_span(doc, (int)i + 1, &ts, &te);
		mtpe_doc_line_span(src, (int)i + 1, &ss, &se);
		if (blank(doc->data + ts, te - ts))
			continue;
		char *s = mtpe_strndup(src->data + ss, se - ss);
		if (!s) {
			rs.oom = true;
			break;
		}
		fmt_regions_add_slice(&rs, doc, ts, te, NULL, s);
		free(s);
	}
	mtpe_doc_free(src);
	if (rs.oom) {
		fmt_regions_dispose(&rs);
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	}
	/* replace the single whole-file region */
	for (size_t i = 0; i < doc->nregions; i++) {
		mtpe_region *r = &doc->regions[i];
		if (r->owned)
			free(r->text);
		free(r->map);
		free(r->unit);
		free(r->source);
	}
	free(doc->regions);
	doc->regions = NULL;
	doc->nregions = 0;
	return fmt_regions_finish(&rs, doc, err);
}
