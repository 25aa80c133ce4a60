/*
 * fmt_xliff.c - XLIFF 1.2 (<trans-unit>) and 2.0 (<unit>/<segment>): one
 * region per <target>, labelled with the unit id (and segment id), with the
 * unit's <source> as its source.
 *
 * libxml2 checks the file first: a file that is not well-formed XML, or whose
 * root is not <xliff>, is a parse error with libxml2's line and column. Then,
 * knowing the file is well-formed, a small scanner walks the original bytes
 * (libxml2's tree keeps no byte offsets) to build each target's text with a
 * byte map: text and CDATA are kept, character references decoded, inline
 * tags (<g>, <x/>, <ph>, <bpt>, <pc>, <mrk>, <sc/>, ...) kept out of the text
 * and the content of native-code elements (<ph>, <bpt>, <ept>, <it> in 1.2)
 * dropped. TM matches (<alt-trans>, <mtc:matches>) and translate="no" units
 * are not checked.
 *
 * The source is the inner XML of <source> as written (markup and entity
 * references included), so that source-aware checks can compare the inline
 * tags of source and target; mtpe_source_plain() gives its plain text.
 */
#include "fmt_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

static int validate(mtpe_doc *doc, mtpe_error *err)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return mtpe_error_set(err, MTPE_ENOMEM, "out of memory");
	xmlDocPtr x = xmlCtxtReadMemory(ctxt, doc->data, (int)doc->len, NULL, "UTF-8",
					XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	int error = 0;
	if (!x) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[300];
		snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "not well-formed XML");
		msg[strcspn(msg, "\n")] = '\0';
		int line = e ? e->line : 0, col = e ? e->int2 : 0;
		error = mtpe_error_set(err, MTPE_EPARSE, "invalid XLIFF: %s", msg);
		if (err) {
			err->line = line;
			err->col = col;
		}
	} else {
		xmlNodePtr root = xmlDocGetRootElement(x);
		if (!root || xmlStrcmp(root->name, (const xmlChar *)"xliff")) {
			error = mtpe_error_set(err, MTPE_EPARSE, "invalid XLIFF: the root element is <%s>, not <xliff>",
					       root ? (const char *)root->name : "?");
			if (err)
				err->line = root ? (int)xmlGetLineNo(root) : 1;
		}
		xmlFreeDoc(x);
	}
	xmlFreeParserCtxt(ctxt);
	return error;
}

/* ---- scanner over the validated bytes ------------------------------------ */

struct tag {
	size_t start, end;      /* [<, >] inclusive end+1 */
	char name[64];          /* local name */
	bool closing, empty;
	size_t attrs, attrs_end;
};

/* Parses the tag at s[i] == '<' (not a comment, PI, CDATA or doctype). */
static void read_tag(const char *s, size_t n, size_t i, struct tag *t)
{
	memset(t, 0, sizeof(*t));
	t->start = i;
	size_t p = i + 1;
	if (p < n && s[p] == '/') {
		t->closing = true;
		p++;
	}
	size_t ns = p;
	while (p < n && !isspace((unsigned char)s[p]) && s[p] != '>' && s[p] != '/')
		p++;
	const char *colon = memchr(s + ns, ':', p - ns);
	size_t ls = colon ? (size_t)(colon - s) + 1 : ns;
	size_t ll = p - ls < sizeof(t->name) - 1 ? p - ls : sizeof(t->name) - 1;
	memcpy(t->name, s + ls, ll);
	t->name[ll] = '\0';
	t->attrs = p;
	char q = 0;
	while (p < n) {
		if (q) {
			if (s[p] == q)
				q = 0;
		} else if (s[p] == '"' || s[p] == '\'') {
			q = s[p];
		} else if (s[p] == '>') {
			break;
		}
		p++;
	}
	t->attrs_end = p;
	t->empty = p > i && s[p - 1] == '/';
	t->end = p < n ? p + 1 : n;
}

/* Copies attribute `name` of t into out (entities not decoded; ids rarely have them). */
static bool attr(const char *s, const struct tag *t, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	size_t p = t->attrs;
	while (p < t->attrs_end) {
		while (p < t->attrs_end && isspace((unsigned char)s[p]))
			p++;
		size_t as = p;
		while (p < t->attrs_end && s[p] != '=' && !isspace((unsigned char)s[p]))
			p++;
		size_t al = p - as;
		while (p < t->attrs_end && (isspace((unsigned char)s[p]) || s[p] == '='))
			p++;
		if (p >= t->attrs_end || (s[p] != '"' && s[p] != '\''))
			return false;
		char q = s[p++];
		size_t vs = p;
		while (p < t->attrs_end && s[p] != q)
			p++;
		size_t vl = p - vs;
		p++;
		if (al == nl && !memcmp(s + as, name, nl)) {
			if (vl >= outsz)
				vl = outsz - 1;
			memcpy(out, s + vs, vl);
			out[vl] = '\0';
			return true;
		}
	}
	return false;
}

/* Decodes the reference at s[i] == '&'; returns bytes used (0 if unknown) and the UTF-8 in out. */
static size_t entity(const char *s, size_t n, size_t i, char *out, size_t *outlen)
{
	size_t k = i + 1;
	while (k < n && k < i + 12 && s[k] != ';')
		k++;
	if (k >= n || s[k] != ';')
		return 0;
	const char *e = s + i + 1;
	size_t el = k - i - 1;
	static const struct { const char *n; char c; } named[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' }, { "apos", '\'' }
	};
	for (size_t j = 0; j < 5; j++)
		if (strlen(named[j].n) == el && !memcmp(named[j].n, e, el)) {
			out[0] = named[j].c;
			*outlen = 1;
			return k + 1 - i;
		}
	if (el >= 2 && e[0] == '#') {
		unsigned long v = strtoul(e[1] == 'x' || e[1] == 'X' ? e + 2 : e + 1, NULL, e[1] == 'x' || e[1] == 'X' ? 16 : 10);
		if (v == 0 || v > 0x10FFFF)
			return 0;
		*outlen = mtpe_utf8_encode((uint32_t)v, out);
		return k + 1 - i;
	}
	return 0;
}

static bool native_code(const char *name)
{
	return !strcmp(name, "ph") || !strcmp(name, "bpt") || !strcmp(name, "ept") || !strcmp(name, "it");
}

/* Inline codes: standalone ones (x, ph, cp) stand in the text as U+FFFC; the
 * begin/end halves of paired formatting (bpt, ept, bx, ex, it, sc, ec) vanish. */
static bool inline_code(const char *name)
{
	return native_code(name) || !strcmp(name, "x") || !strcmp(name, "bx") || !strcmp(name, "ex") ||
	       !strcmp(name, "sc") || !strcmp(name, "ec") || !strcmp(name, "cp");
}

static bool standalone(const char *name)
{
	return !strcmp(name, "x") || !strcmp(name, "ph") || !strcmp(name, "cp");
}

struct xs {
	mtpe_doc *doc;
	fmt_regions rs;
	char unit_id[128], seg_id[128];
	bool in_unit, skip_unit, v2;
	int skip_depth;          /* inside alt-trans / matches / notes */
	int depth;
	/* source */
	int source_depth;        /* depth of the open <source>, 0 if none */
	size_t source_inner;
	char *source;            /* inner XML of the last <source> */
	/* target */
	int target_depth;
	int native_depth;        /* inside <ph>... of the target */
	fmt_rb rb;
};

static void emit_target(struct xs *x, size_t end)
{
	char unit[300];
	if (x->seg_id[0])
		snprintf(unit, sizeof(unit), "unit %s, segment %s", x->unit_id[0] ? x->unit_id : "?", x->seg_id);
	else
		snprintf(unit, sizeof(unit), "unit %s", x->unit_id[0] ? x->unit_id : "?");
	fmt_regions_add(&x->rs, &x->rb, end, unit, x->source, false);
}

int fmt_parse_xliff(mtpe_doc *doc, mtpe_error *err)
{
	int error = validate(doc, err);
	if (error < 0)
		return error;
	struct xs x;
	memset(&x, 0, sizeof(x));
	x.doc = doc;
	const char *s = doc->data;
	size_t n = doc->len, i = doc->bom;
	while (i < n) {
		if (s[i] == '<') {
			if (i + 4 <= n && !memcmp(s + i, "<!--", 4)) {
				const char *e = strstr(s + i + 4, "-->");
				i = e ? (size_t)(e - s) + 3 : n;
				continue;
			}
			if (i + 9 <= n && !memcmp(s + i, "<![CDATA[", 9)) {
				const char *e = strstr(s + i + 9, "]]>");
				size_t ce = e ? (size_t)(e - s) : n;
				if (x.target_depth && !x.native_depth && !x.skip_depth)
					fmt_rb_verbatim(&x.rb, s + i + 9, ce - i - 9, i + 9);
				i = e ? ce + 3 : n;
				continue;
			}
			if (i + 2 <= n && (s[i + 1] == '?' || s[i + 1] == '!')) {
				/* processing instruction or doctype (with an optional internal subset) */
				int br = 0;
				size_t k = i + 2;
				while (k < n && !(s[k] == '>' && br == 0)) {
					if (s[k] == '[')
						br++;
					else if (s[k] == ']')
						br--;
					k++;
				}
				i = k < n ? k + 1 : n;
				continue;
			}
			struct tag t;
			read_tag(s, n, i, &t);
			if (!t.closing) {
				x.depth++;
				if (x.skip_depth) {
					if (!t.empty)
						x.skip_depth++;
				} else if (!strcmp(t.name, "alt-trans") || !strcmp(t.name, "matches") || !strcmp(t.name, "notes") ||
					   !strcmp(t.name, "note")) {
					if (!t.empty)
						x.skip_depth = 1;
				} else if (!strcmp(t.name, "xliff")) {
					char v[16];
					x.v2 = attr(s, &t, "version", v, sizeof(v)) && v[0] == '2';
				} else if (!strcmp(t.name, "trans-unit") || !strcmp(t.name, "unit")) {
					char tr[8];
					x.in_unit = true;
					x.skip_unit = attr(s, &t, "translate", tr, sizeof(tr)) && !strcmp(tr, "no");
					if (!attr(s, &t, "id", x.unit_id, sizeof(x.unit_id)))
						x.unit_id[0] = '\0';
					x.seg_id[0] = '\0';
					free(x.source);
					x.source = NULL;
				} else if (!strcmp(t.name, "segment")) {
					if (!attr(s, &t, "id", x.seg_id, sizeof(x.seg_id)))
						x.seg_id[0] = '\0';
					free(x.source);
					x.source = NULL;
				} else if (x.in_unit && !x.source_depth && !x.target_depth && !strcmp(t.name, "source")) {
					free(x.source);
					x.source = NULL;
					if (t.empty)
						x.source = mtpe_strdup("");
					else {
						x.source_depth = x.depth;
						x.source_inner = t.end;
					}
				} else if (x.in_unit && !x.skip_unit && !x.source_depth && !x.target_depth &&
					   !strcmp(t.name, "target")) {
					if (!t.empty) {
						x.target_depth = x.depth;
						x.native_depth = 0;
						fmt_rb_dispose(&x.rb);
					}
				} else if (x.target_depth && !x.native_depth && inline_code(t.name)) {
					if (standalone(t.name))
						fmt_rb_decoded(&x.rb, "\xEF\xBF\xBC", 3, t.start, t.end);
					if (native_code(t.name) && !t.empty)
						x.native_depth = x.depth;
				}
				if (t.empty)
					x.depth--;
			} else {
				if (x.skip_depth)
					x.skip_depth--;
				else if (x.source_depth == x.depth) {
					x.source = mtpe_strndup(s + x.source_inner, t.start - x.source_inner);
					if (!x.source)
						x.rs.oom = true;
					x.source_depth = 0;
				} else if (x.target_depth == x.depth) {
					emit_target(&x, t.start);
					x.target_depth = 0;
				} else if (x.native_depth == x.depth) {
					x.native_depth = 0;
				} else if (!strcmp(t.name, "trans-unit") || !strcmp(t.name, "unit")) {
					x.in_unit = false;
					x.skip_unit = false;
				}
				x.depth--;
			}
			i = t.end;
			continue;
		}
		if (x.target_depth && !x.native_depth && !x.skip_depth) {
			if (s[i] == '&') {
				char out[8];
				size_t ol = 0;
				size_t used = entity(s, n, i, out, &ol);
				if (used) {
					fmt_rb_decoded(&x.rb, out, ol, i, i + used);
					i += used;
					continue;
				}
			}
			size_t l = mtpe_utf8_seqlen((const unsigned char *)s + i, n - i);
			if (!l)
				l = 1;
			fmt_rb_verbatim(&x.rb, s + i, l, i);
			i += l;
		} else {
			i++;
		}
	}
	fmt_rb_dispose(&x.rb);
	free(x.source);
	return fmt_regions_finish(&x.rs, doc, err);
}

/* Plain text of XLIFF inline XML: tags dropped, references decoded (caller frees). */
char *fmt_xml_plain(const char *s, size_t n)
{
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_buf_put(&b, "", 0);
	int native = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] == '<') {
			if (i + 9 <= n && !memcmp(s + i, "<![CDATA[", 9)) {
				const char *e = memchr(s + i, ']', n - i);
				size_t k = i + 9;
				while (k + 3 <= n && memcmp(s + k, "]]>", 3))
					k++;
				(void)e;
				if (!native)
					mtpe_buf_put(&b, s + i + 9, (k < n ? k : n) - i - 9);
				i = k + 3 <= n ? k + 3 : n;
				continue;
			}
			struct tag t;
			read_tag(s, n, i, &t);
			if (native_code(t.name) && !t.empty)
				native += t.closing ? -1 : 1;
			i = t.end;
			continue;
		}
		if (native) {
			i++;
			continue;
		}
		if (s[i] == '&') {
			char out[8];
			size_t ol = 0, used = entity(s, n, i, out, &ol);
			if (used) {
				mtpe_buf_put(&b, out, ol);
				i += used;
				continue;
			}
		}
		mtpe_buf_putc(&b, s[i]);
		i++;
	}
	if (b.oom) {
		mtpe_buf_dispose(&b);
		return NULL;
	}
	return mtpe_buf_detach(&b);
}
