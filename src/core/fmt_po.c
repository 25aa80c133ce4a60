/*
 * fmt_po.c - gettext PO files: one region per translated msgstr (msgstr[N]
 * for plural forms), with msgid (msgid_plural for N >= 1) as its source.
 *
 * Hand-written: libgettextpo parses PO but reports no byte positions of the
 * strings, and fixes must be written back into the exact bytes of the file.
 * The grammar is small: comments, keywords, quoted C strings continued on the
 * following lines. C escapes are decoded, each decoded byte mapped to its
 * escape; concatenated lines are joined, the map skipping the quotes.
 * The header entry (msgid "") and obsolete entries (#~) are not checked.
 */
#include "fmt_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct po_str {
	fmt_rb rb;        /* decoded text with map */
	size_t end;       /* offset after the last string's content */
	bool present;
};

struct po_entry {
	bool fuzzy;
	size_t line;      /* line of msgid */
	struct po_str ctxt, msgid, plural;
	struct po_str msgstr[10];
	bool any;
};

static void entry_reset(struct po_entry *e)
{
	fmt_rb_dispose(&e->ctxt.rb);
	fmt_rb_dispose(&e->msgid.rb);
	fmt_rb_dispose(&e->plural.rb);
	for (int i = 0; i < 10; i++)
		fmt_rb_dispose(&e->msgstr[i].rb);
	memset(e, 0, sizeof(*e));
}

/* Parses the quoted string at s[*i] (which is '"') into st; returns 0 or an error. */
static int read_string(const mtpe_doc *doc, size_t *i, struct po_str *st, mtpe_error *err)
{
	const char *s = doc->data;
	size_t p = *i + 1;
	for (;;) {
		if (p >= doc->len || s[p] == '\n' || s[p] == '\r')
			return fmt_parse_error(err, doc, *i, "unterminated string (a PO string ends with '\"' on the same line)");
		char c = s[p];
		if (c == '"')
			break;
		if (c != '\\') {
			size_t l = mtpe_utf8_seqlen((const unsigned char *)s + p, doc->len - p);
			if (!l)
				l = 1;
			fmt_rb_verbatim(&st->rb, s + p, l, p);
			p += l;
			continue;
		}
		char e = p + 1 < doc->len ? s[p + 1] : '\0';
		char out[4];
		size_t n = 1, used = 2;
		switch (e) {
		case 'n': out[0] = '\n'; break;
		case 't': out[0] = '\t'; break;
		case 'r': out[0] = '\r'; break;
		case 'a': out[0] = '\a'; break;
		case 'b': out[0] = '\b'; break;
		case 'f': out[0] = '\f'; break;
		case 'v': out[0] = '\v'; break;
		case '"': case '\\': case '\'': case '?': out[0] = e; break;
		case 'x': {
			unsigned v = 0;
			size_t k = p + 2;
			while (k < doc->len && isxdigit((unsigned char)s[k]) && k < p + 4) {
				v = v * 16 + (unsigned)(isdigit((unsigned char)s[k]) ? s[k] - '0' : (tolower((unsigned char)s[k]) - 'a' + 10));
				k++;
			}
			if (k == p + 2)
				return fmt_parse_error(err, doc, p, "'\\x' needs hex digits");
			out[0] = (char)v;
			used = k - p;
			break;
		}
		default:
			if (e >= '0' && e <= '7') {
				unsigned v = 0;
				size_t k = p + 1;
				while (k < doc->len && k < p + 4 && s[k] >= '0' && s[k] <= '7')
					v = v * 8 + (unsigned)(s[k++] - '0');
				out[0] = (char)v;
				used = k - p;
				break;
			}
			return fmt_parse_error(err, doc, p, "unknown escape '\\%c' in a PO string", e ? e : ' ');
		}
		fmt_rb_decoded(&st->rb, out, n, p, p + used);
		p += used;
	}
	st->end = p;
	st->present = true;
	*i = p + 1;
	return 0;
}

static char *rb_string(const fmt_rb *rb)
{
	return mtpe_strndup(rb->text.ptr ? rb->text.ptr : "", rb->text.len);
}

static void emit_entry(const mtpe_doc *doc, struct po_entry *e, bool skip_fuzzy, fmt_regions *rs)
{
	if (!e->any || !e->msgid.present)
		return;
	if (e->msgid.rb.text.len == 0)
		return; /* header entry: metadata, not translation */
	if (e->fuzzy && skip_fuzzy)
		return;
	char *src = rb_string(&e->msgid.rb);
	char *psrc = e->plural.present ? rb_string(&e->plural.rb) : NULL;
	if (!src || (e->plural.present && !psrc))
		rs->oom = true;
	for (int k = 0; k < 10 && !rs->oom; k++) {
		struct po_str *st = &e->msgstr[k];
		if (!st->present)
			continue;
		char unit[96];
		if (e->plural.present)
			snprintf(unit, sizeof(unit), "entry line %zu, msgstr[%d]%s", e->line, k, e->fuzzy ? ", fuzzy" : "");
		else
			snprintf(unit, sizeof(unit), "entry line %zu%s", e->line, e->fuzzy ? ", fuzzy" : "");
		fmt_regions_add(rs, &st->rb, st->end, unit, k > 0 && psrc ? psrc : src, false);
	}
	free(src);
	free(psrc);
}

int fmt_parse_po(mtpe_doc *doc, bool skip_fuzzy, mtpe_error *err)
{
	const char *s = doc->data;
	size_t i = doc->bom;
	fmt_regions rs = { 0 };
	struct po_entry e;
	memset(&e, 0, sizeof(e));
	struct po_str *cur = NULL; /* string being continued */
	int error = 0;
	bool saw_msgstr = false;
	while (i < doc->len && !error) {
		size_t ls = i, le = i;
		while (le < doc->len && s[le] != '\n')
			le++;
		size_t next = le < doc->len ? le + 1 : le;
		size_t p = ls;
		while (p < le && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r'))
			p++;
		if (p == le) { /* blank line ends an entry */
			cur = NULL;
			i = next;
			continue;
		}
		if (s[p] == '#') {
			cur = NULL;
			if (p + 1 < le && s[p + 1] == ',') {
				/* flags start a new entry when the previous one is complete */
				if (saw_msgstr) {
					emit_entry(doc, &e, skip_fuzzy, &rs);
					entry_reset(&e);
					saw_msgstr = false;
				}
				for (size_t k = p + 2; k + 5 <= le; k++)
					if (!memcmp(s + k, "fuzzy", 5) && (k + 5 == le || !isalnum((unsigned char)s[k + 5])))
						e.fuzzy = true;
			} else if (saw_msgstr && !(p + 1 < le && s[p + 1] == '~')) {
				emit_entry(doc, &e, skip_fuzzy, &rs);
				entry_reset(&e);
				saw_msgstr = false;
			}
			i = next;
			continue;
		}
		if (s[p] == '"') {
			if (!cur) {
				error = fmt_parse_error(err, doc, p, "string without a keyword before it (msgid, msgstr...)");
				break;
			}
			if ((error = read_string(doc, &p, cur, err)) < 0)
				break;
		} else {
			size_t k = p;
			while (k < le && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '[' || s[k] == ']'))
				k++;
			size_t kl = k - p;
			const char *kw = s + p;
			struct po_str *target = NULL;
			if (kl == 7 && !memcmp(kw, "msgctxt", 7)) {
				if (saw_msgstr) {
					emit_entry(doc, &e, skip_fuzzy, &rs);
					entry_reset(&e);
					saw_msgstr = false;
				}
				if (e.ctxt.present || e.msgid.present) {
					error = fmt_parse_error(err, doc, p, "msgctxt must come before msgid, once per entry");
					break;
				}
				target = &e.ctxt;
			} else if (kl == 5 && !memcmp(kw, "msgid", 5)) {
				if (saw_msgstr) {
					emit_entry(doc, &e, skip_fuzzy, &rs);
					entry_reset(&e);
					saw_msgstr = false;
				}
				if (e.msgid.present) {
					error = fmt_parse_error(err, doc, p, "second msgid in one entry (missing msgstr?)");
					break;
				}
				int line, col;
				mtpe_doc_linecol(doc, p, &line, &col);
				e.line = (size_t)line;
				e.any = true;
				target = &e.msgid;
			} else if (kl == 12 && !memcmp(kw, "msgid_plural", 12)) {
				if (!e.msgid.present) {
					error = fmt_parse_error(err, doc, p, "msgid_plural without msgid");
					break;
				}
				target = &e.plural;
			} else if (kl >= 6 && !memcmp(kw, "msgstr", 6)) {
				if (!e.msgid.present) {
					error = fmt_parse_error(err, doc, p, "msgstr without msgid");
					break;
				}
				int idx = 0;
				if (kl > 6) {
					if (kl != 9 || kw[6] != '[' || !isdigit((unsigned char)kw[7]) || kw[8] != ']') {
						error = fmt_parse_error(err, doc, p, "bad plural index '%.*s' (msgstr[0] to msgstr[9])", (int)kl, kw);
						break;
					}
					idx = kw[7] - '0';
				}
				if (e.msgstr[idx].present) {
					error = fmt_parse_error(err, doc, p, "second msgstr[%d] in one entry", idx);
					break;
				}
				target = &e.msgstr[idx];
				saw_msgstr = true;
			} else {
				error = fmt_parse_error(err, doc, p, "unknown keyword '%.*s' (msgctxt, msgid, msgid_plural, msgstr)",
							(int)(kl ? kl : 1), kw);
				break;
			}
			while (k < le && (s[k] == ' ' || s[k] == '\t'))
				k++;
			if (k >= le || s[k] != '"') {
				error = fmt_parse_error(err, doc, k, "expected a quoted string after '%.*s'", (int)kl, kw);
				break;
			}
			p = k;
			cur = target;
			if ((error = read_string(doc, &p, cur, err)) < 0)
				break;
		}
		while (p < le && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r'))
			p++;
		if (p < le && s[p] != '#') {
			error = fmt_parse_error(err, doc, p, "unexpected text after a string");
			break;
		}
		i = next;
	}
	if (!error) {
		if (e.msgid.present && !saw_msgstr)
			error = fmt_parse_error(err, doc, doc->len, "entry at line %zu has a msgid but no msgstr", e.line);
		else
			emit_entry(doc, &e, skip_fuzzy, &rs);
	}
	entry_reset(&e);
	if (error) {
		fmt_regions_dispose(&rs);
		return error;
	}
	return fmt_regions_finish(&rs, doc, err);
}
