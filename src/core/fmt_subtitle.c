/*
 * fmt_subtitle.c - SubRip (.srt) and WebVTT (.vtt) subtitles: one region per
 * cue, its text lines (joined by their own line breaks), labelled "cue N"
 * (the SRT number, the WebVTT identifier or ordinal). Formatting tags (<i>,
 * <b>, <font ...>, {\an8}, WebVTT <c.x>, <v Name>, timestamps) are kept out
 * of the text; WebVTT character references (&amp; &lt; &nbsp; ...) are decoded.
 *
 * Hand-written: there is no maintained C library in Debian for either format,
 * and both grammars are line-based and small (blocks separated by blank lines).
 */
#define _GNU_SOURCE /* memmem */
#include "fmt_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
	size_t start, end; /* without the terminator */
	size_t next;
};

static bool get_line(const mtpe_doc *doc, size_t at, struct line *l)
{
	if (at >= doc->len)
		return false;
	l->start = at;
	size_t e = at;
	while (e < doc->len && doc->data[e] != '\n' && doc->data[e] != '\r')
		e++;
	l->end = e;
	if (e < doc->len && doc->data[e] == '\r')
		e++;
	if (e < doc->len && doc->data[e] == '\n')
		e++;
	l->next = e;
	return true;
}

static bool blank_line(const mtpe_doc *doc, const struct line *l)
{
	for (size_t i = l->start; i < l->end; i++)
		if (doc->data[i] != ' ' && doc->data[i] != '\t')
			return false;
	return true;
}

/* [hh:]mm:ss(,|.)mmm; returns false if not a timestamp. */
static bool timestamp(const char *s, size_t n, size_t *i)
{
	size_t p = *i;
	int groups = 0;
	for (;;) {
		size_t d = p;
		while (p < n && isdigit((unsigned char)s[p]))
			p++;
		if (p - d < 2)
			return false;
		groups++;
		if (p < n && s[p] == ':' && groups < 3) {
			p++;
			continue;
		}
		break;
	}
	if (groups < 2 || p >= n || (s[p] != ',' && s[p] != '.'))
		return false;
	p++;
	size_t d = p;
	while (p < n && isdigit((unsigned char)s[p]))
		p++;
	if (p - d != 3)
		return false;
	*i = p;
	return true;
}

static bool timing_line(const mtpe_doc *doc, const struct line *l, size_t *bad)
{
	const char *s = doc->data;
	size_t i = l->start, n = l->end;
	if (!timestamp(s, n, &i)) {
		*bad = i;
		return false;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i + 3 > n || memcmp(s + i, "-->", 3)) {
		*bad = i;
		return false;
	}
	i += 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (!timestamp(s, n, &i)) {
		*bad = i;
		return false;
	}
	return true; /* cue settings may follow */
}

static const struct { const char *name; const char *utf8; } entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "nbsp", "\xC2\xA0" }, { "lrm", "\xE2\x80\x8E" },
	{ "rlm", "\xE2\x80\x8F" }, { "quot", "\"" }, { "apos", "'" },
};

/* Copies cue text lines [s, e) into rb, dropping tags; vtt decodes entities. */
static void cue_text(const mtpe_doc *doc, size_t s, size_t e, bool vtt, fmt_rb *rb)
{
	const char *d = doc->data;
	size_t i = s;
	while (i < e) {
		char c = d[i];
		if (c == '<') {
			size_t k = i + 1;
			while (k < e && d[k] != '>' && d[k] != '\n')
				k++;
			if (k < e && d[k] == '>' && k > i + 1 &&
			    (isalpha((unsigned char)d[i + 1]) || d[i + 1] == '/' || isdigit((unsigned char)d[i + 1]))) {
				i = k + 1;
				continue;
			}
		} else if (c == '{' && !vtt && i + 1 < e && d[i + 1] == '\\') {
			size_t k = i + 1;
			while (k < e && d[k] != '}' && d[k] != '\n')
				k++;
			if (k < e && d[k] == '}') {
				i = k + 1;
				continue;
			}
		} else if (c == '&' && vtt) {
			size_t k = i + 1;
			while (k < e && k < i + 10 && isalnum((unsigned char)d[k]))
				k++;
			if (k < e && d[k] == ';') {
				const char *rep = NULL;
				for (size_t j = 0; j < sizeof(entities) / sizeof(entities[0]); j++)
					if (strlen(entities[j].name) == k - i - 1 && !memcmp(entities[j].name, d + i + 1, k - i - 1))
						rep = entities[j].utf8;
				if (rep) {
					fmt_rb_decoded(rb, rep, strlen(rep), i, k + 1);
					i = k + 1;
					continue;
				}
			}
		}
		size_t l = mtpe_utf8_seqlen((const unsigned char *)d + i, e - i);
		if (!l)
			l = 1;
		fmt_rb_verbatim(rb, d + i, l, i);
		i += l;
	}
}

int fmt_parse_srt(mtpe_doc *doc, mtpe_error *err)
{
	fmt_regions rs = { 0 };
	struct line l;
	size_t at = doc->bom;
	int error = 0;
	while (!error && get_line(doc, at, &l)) {
		if (blank_line(doc, &l)) {
			at = l.next;
			continue;
		}
		/* cue number */
		size_t k = l.start;
		while (k < l.end && isdigit((unsigned char)doc->data[k]))
			k++;
		size_t ke = k;
		while (k < l.end && (doc->data[k] == ' ' || doc->data[k] == '\t'))
			k++;
		if (ke == l.start || k != l.end) {
			error = fmt_parse_error(err, doc, k, "expected a cue number (SRT cues start with a number line, then a timing line)");
			break;
		}
		char unit[48];
		snprintf(unit, sizeof(unit), "cue %.*s", (int)(ke - l.start < 20 ? ke - l.start : 20), doc->data + l.start);
		struct line t;
		size_t bad = 0;
		if (!get_line(doc, l.next, &t)) {
			error = fmt_parse_error(err, doc, doc->len, "cue %.*s has no timing line", (int)(ke - l.start), doc->data + l.start);
			break;
		}
		if (!timing_line(doc, &t, &bad)) {
			error = fmt_parse_error(err, doc, bad, "bad timing line (expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm')");
			break;
		}
		size_t ts = t.next, te = ts;
		at = t.next;
		struct line x;
		while (get_line(doc, at, &x) && !blank_line(doc, &x)) {
			te = x.end;
			at = x.next;
		}
		fmt_rb rb = FMT_RB_INIT;
		cue_text(doc, ts, te, false, &rb);
		fmt_regions_add(&rs, &rb, te, unit, NULL, false);
	}
	if (error) {
		fmt_regions_dispose(&rs);
		return error;
	}
	return fmt_regions_finish(&rs, doc, err);
}

int fmt_parse_vtt(mtpe_doc *doc, mtpe_error *err)
{
	fmt_regions rs = { 0 };
	struct line l;
	size_t at = doc->bom;
	if (!get_line(doc, at, &l) || l.end - l.start < 6 || memcmp(doc->data + l.start, "WEBVTT", 6) ||
	    (l.end - l.start > 6 && doc->data[l.start + 6] != ' ' && doc->data[l.start + 6] != '\t'))
		return fmt_parse_error(err, doc, at, "a WebVTT file starts with the line 'WEBVTT'");
	/* header: up to the first blank line */
	at = l.next;
	while (get_line(doc, at, &l) && !blank_line(doc, &l)) {
		if (memmem(doc->data + l.start, l.end - l.start, "-->", 3))
			return fmt_parse_error(err, doc, l.start, "a blank line must separate the WEBVTT header from the first cue");
		at = l.next;
	}
	int error = 0;
	size_t ordinal = 0;
	while (!error && get_line(doc, at, &l)) {
		if (blank_line(doc, &l)) {
			at = l.next;
			continue;
		}
		const char *s = doc->data + l.start;
		size_t n = l.end - l.start;
		bool timing_here = memmem(s, n, "-->", 3) != NULL;
		if (!timing_here && ((n >= 4 && !memcmp(s, "NOTE", 4) && (n == 4 || s[4] == ' ' || s[4] == '\t')) ||
				     (n >= 5 && !memcmp(s, "STYLE", 5)) || (n >= 6 && !memcmp(s, "REGION", 6)))) {
			/* a comment or style block: skip to the blank line */
			while (get_line(doc, at, &l) && !blank_line(doc, &l))
				at = l.next;
			continue;
		}
		ordinal++;
		char unit[96];
		struct line t = l;
		size_t ts0 = l.start;
		if (!timing_here && timestamp(doc->data, l.end, &ts0)) {
			/* a timing line with a broken arrow, not a cue identifier */
			error = fmt_parse_error(err, doc, ts0, "bad cue timing (expected 'MM:SS.mmm --> MM:SS.mmm' or 'HH:MM:SS.mmm --> ...')");
			break;
		}
		if (!timing_here) {
			snprintf(unit, sizeof(unit), "cue %.*s", (int)(n < 60 ? n : 60), s);
			if (!get_line(doc, l.next, &t)) {
				error = fmt_parse_error(err, doc, doc->len, "cue '%.*s' has no timing line", (int)(n < 60 ? n : 60), s);
				break;
			}
		} else {
			snprintf(unit, sizeof(unit), "cue %zu", ordinal);
		}
		size_t bad = 0;
		if (!timing_line(doc, &t, &bad)) {
			error = fmt_parse_error(err, doc, bad, "bad cue timing (expected 'MM:SS.mmm --> MM:SS.mmm' or 'HH:MM:SS.mmm --> ...')");
			break;
		}
		size_t ts = t.next, te = ts;
		at = t.next;
		struct line x;
		while (get_line(doc, at, &x) && !blank_line(doc, &x)) {
			te = x.end;
			at = x.next;
		}
		fmt_rb rb = FMT_RB_INIT;
		cue_text(doc, ts, te, true, &rb);
		fmt_regions_add(&rs, &rb, te, unit, NULL, false);
	}
	if (error) {
		fmt_regions_dispose(&rs);
		return error;
	}
	return fmt_regions_finish(&rs, doc, err);
}
