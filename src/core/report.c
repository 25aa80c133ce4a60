/*
 * report.c - the report model (scores, totals, per-rule counts) and the
 * Markdown, JSON and CSV renderers; HTML lives in report_html.c.
 * Numbers are printed without the C locale's help (a decimal comma would
 * break JSON and CSV): see put_dec.
 */
#include "report_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mtpe/format.h"
#include "oututil.h"

void mtpe_report_score(mtpe_score *out, const mtpe_findings *fs, size_t words, const mtpe_report_settings *s)
{
	mtpe_report_settings d;
	if (!s) {
		mtpe_report_settings_init(&d);
		s = &d;
	}
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < fs->len; i++)
		if (fs->items[i].severity <= MTPE_SEV_ERROR)
			out->penalty += s->weights[fs->items[i].severity];
	out->per_kword = words ? out->penalty * 1000.0 / (double)words : (out->penalty > 0 ? 1000.0 : 0.0);
	out->score = 100.0 - out->per_kword / 10.0;
	if (out->score < 0)
		out->score = 0;
	/* compare at the printed precision so "95.0" never fails a threshold of 95 */
	out->pass = round(out->score * 10.0) >= round(s->threshold * 10.0);
}

/* Appends v with `dec` decimals, '.' as the separator whatever the locale. */
static void put_dec(mtpe_buf *b, double v, int dec)
{
	long long scale = dec == 2 ? 100 : dec == 1 ? 10 : 1;
	long long n = llround(fabs(v) * (double)scale);
	if (v < 0 && n)
		mtpe_buf_putc(b, '-');
	mtpe_buf_printf(b, "%lld", n / scale);
	if (dec)
		mtpe_buf_printf(b, ".%0*lld", dec, n % scale);
}

const mtpe_report_settings *mtpe_report__file_settings(const mtpe_report *r, const struct report_agg *a, size_t i)
{
	return r->files[i].settings ? r->files[i].settings : a->s;
}

static int rule_cmp(const void *x, const void *y)
{
	const struct report_rule *a = x, *b = y;
	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return strcmp(a->id, b->id);
}

int mtpe_report__aggregate(struct report_agg *a, const mtpe_report *r)
{
	memset(a, 0, sizeof(*a));
	mtpe_report_settings_init(&a->dflt);
	a->s = r->settings ? r->settings : &a->dflt;
	size_t cap = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		const mtpe_report_file *f = &r->files[i];
		a->words += f->words;
		for (size_t k = 0; k < f->findings->len; k++) {
			const mtpe_finding *x = &f->findings->items[k];
			a->findings++;
			if (x->severity <= MTPE_SEV_ERROR) {
				a->by_sev[x->severity]++;
				a->penalty += a->s->weights[x->severity];
			}
			if (x->category < MTPE_CAT__COUNT)
				a->by_cat[x->category]++;
			size_t j = 0;
			while (j < a->nrules && strcmp(a->rules[j].id, x->rule))
				j++;
			if (j == a->nrules) {
				if (a->nrules == cap) {
					cap = cap ? cap * 2 : 16;
					struct report_rule *nv = mtpe_realloc(a->rules, cap * sizeof(*nv));
					if (!nv)
						return MTPE_ENOMEM;
					a->rules = nv;
				}
				struct report_rule *rr = &a->rules[a->nrules++];
				memset(rr, 0, sizeof(*rr));
				rr->id = x->rule;
				rr->category = x->category;
				rr->severity = x->severity;
				rr->example = x;
				rr->example_doc = f->doc;
				long idx = r->checker ? mtpe_checker_rule_find(r->checker, x->rule) : -1;
				if (idx >= 0) {
					mtpe_rule_info info;
					mtpe_checker_rule(r->checker, (size_t)idx, &info);
					rr->description = info.message;
					rr->severity = info.severity; /* as graded now (config, --severity) */
				}
			}
			a->rules[j].count++;
		}
	}
	if (a->nrules)
		qsort(a->rules, a->nrules, sizeof(*a->rules), rule_cmp);
	mtpe_findings none = MTPE_FINDINGS_INIT;
	mtpe_report_score(&a->total, &none, a->words, a->s);
	a->total.penalty = a->penalty;
	a->total.per_kword = a->words ? a->penalty * 1000.0 / (double)a->words : (a->penalty > 0 ? 1000.0 : 0.0);
	a->total.score = 100.0 - a->total.per_kword / 10.0;
	if (a->total.score < 0)
		a->total.score = 0;
	a->total.pass = round(a->total.score * 10.0) >= round(a->s->threshold * 10.0);
	return 0;
}

void mtpe_report__agg_dispose(struct report_agg *a)
{
	free(a->rules);
	a->rules = NULL;
}

/* ---- Markdown ------------------------------------------------------------- */

/* Text for a table cell: HTML-significant characters as entities, Markdown punctuation escaped, no newlines. */
static void md_cell(mtpe_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': mtpe_buf_puts(b, "&amp;"); break;
		case '<': mtpe_buf_puts(b, "&lt;"); break;
		case '>': mtpe_buf_puts(b, "&gt;"); break;
		case '\n': case '\r': case '\t': mtpe_buf_putc(b, ' '); break;
		case '|': case '\\': case '`': case '*': case '_': case '[': case ']': case '#': case '~': case '!':
			mtpe_buf_putc(b, '\\');
			mtpe_buf_putc(b, *s);
			break;
		default:
			if ((unsigned char)*s < 0x20)
				mtpe_buf_putc(b, ' ');
			else
				mtpe_buf_putc(b, *s);
		}
	}
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int render_md(mtpe_buf *b, const mtpe_report *r, const struct report_agg *a)
{
	mtpe_buf_puts(b, "## ");
	md_cell(b, r->title ? r->title : "mtpe report");
	mtpe_buf_printf(b, "\n\n%s **", a->total.pass ? ":white_check_mark:" : ":x:");
	put_dec(b, a->total.score, 1);
	mtpe_buf_printf(b, "** MQM-style score (%s; pass at ", a->total.pass ? "pass" : "fail");
	put_dec(b, a->s->threshold, 1);
	mtpe_buf_printf(b, ") - %zu %s, %zu words, %zu %s: %zu %s, %zu %s, %zu info\n\n", r->nfiles,
			plural(r->nfiles, "file", "files"), a->words, a->findings, plural(a->findings, "finding", "findings"),
			a->by_sev[MTPE_SEV_ERROR], plural(a->by_sev[MTPE_SEV_ERROR], "error", "errors"),
			a->by_sev[MTPE_SEV_WARNING], plural(a->by_sev[MTPE_SEV_WARNING], "warning", "warnings"),
			a->by_sev[MTPE_SEV_INFO]);
	mtpe_buf_puts(b, "| File | Words | Errors | Warnings | Info | Penalty per 1000 words | Score | Result |\n"
			 "|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < r->nfiles; i++) {
		const mtpe_report_file *f = &r->files[i];
		mtpe_score sc;
		size_t sev[3] = { 0, 0, 0 };
		const mtpe_report_settings *s = mtpe_report__file_settings(r, a, i);
		mtpe_report_score(&sc, f->findings, f->words, s);
		for (size_t k = 0; k < f->findings->len; k++)
			if (f->findings->items[k].severity <= MTPE_SEV_ERROR)
				sev[f->findings->items[k].severity]++;
		mtpe_buf_puts(b, "| ");
		md_cell(b, mtpe__display_path(f->doc->path));
		mtpe_buf_printf(b, " | %zu | %zu | %zu | %zu | ", f->words, sev[MTPE_SEV_ERROR], sev[MTPE_SEV_WARNING],
				sev[MTPE_SEV_INFO]);
		put_dec(b, sc.per_kword, 1);
		mtpe_buf_puts(b, " | ");
		put_dec(b, sc.score, 1);
		mtpe_buf_printf(b, " | %s |\n", sc.pass ? "pass" : "**fail**");
	}
	if (a->nrules) {
		mtpe_buf_printf(b, "\n<details><summary>Findings by rule (%zu %s)</summary>\n\n"
				   "| Rule | Category | Count | Example |\n|---|---|---:|---|\n",
				a->nrules, plural(a->nrules, "rule", "rules"));
		for (size_t i = 0; i < a->nrules; i++) {
			const struct report_rule *rr = &a->rules[i];
			mtpe_buf_puts(b, "| ");
			md_cell(b, rr->id);
			mtpe_buf_printf(b, " | %s | %zu | ", mtpe_category_name(rr->category), rr->count);
			mtpe_buf_puts(b, "\"");
			md_cell(b, rr->example->text);
			mtpe_buf_puts(b, "\"");
			if (rr->example->nreplacements) {
				mtpe_buf_puts(b, " &rarr; \"");
				md_cell(b, rr->example->replacements[0]);
				mtpe_buf_puts(b, "\"");
			}
			mtpe_buf_puts(b, " (");
			md_cell(b, mtpe__display_path(rr->example_doc->path));
			mtpe_buf_printf(b, ":%d) |\n", rr->example->line);
		}
		mtpe_buf_puts(b, "\n</details>\n");
	}
	return b->oom ? MTPE_ENOMEM : 0;
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_score(mtpe_buf *b, const mtpe_score *s)
{
	mtpe_buf_puts(b, "\"penalty\": ");
	put_dec(b, s->penalty, 2);
	mtpe_buf_puts(b, ", \"penalty_per_1000_words\": ");
	put_dec(b, s->per_kword, 2);
	mtpe_buf_puts(b, ", \"score\": ");
	put_dec(b, s->score, 2);
	mtpe_buf_printf(b, ", \"pass\": %s", s->pass ? "true" : "false");
}

static int render_json(mtpe_buf *b, const mtpe_report *r, const struct report_agg *a)
{
	mtpe_buf_puts(b, "{\n  \"version\": 1,\n  \"settings\": { \"threshold\": ");
	put_dec(b, a->s->threshold, 2);
	mtpe_buf_puts(b, ", \"weights\": { \"error\": ");
	put_dec(b, a->s->weights[MTPE_SEV_ERROR], 2);
	mtpe_buf_puts(b, ", \"warning\": ");
	put_dec(b, a->s->weights[MTPE_SEV_WARNING], 2);
	mtpe_buf_puts(b, ", \"info\": ");
	put_dec(b, a->s->weights[MTPE_SEV_INFO], 2);
	mtpe_buf_puts(b, " },\n    \"mqm\": {");
	for (int c = 0; c < MTPE_CAT__COUNT; c++) {
		mtpe_buf_printf(b, "%s\"%s\": ", c ? ", " : " ", mtpe_category_name((mtpe_category)c));
		mtpe__json_str(b, a->s->mqm[c]);
	}
	mtpe_buf_puts(b, " } },\n  \"files\": [");
	for (size_t i = 0; i < r->nfiles; i++) {
		const mtpe_report_file *f = &r->files[i];
		const mtpe_report_settings *s = mtpe_report__file_settings(r, a, i);
		mtpe_score sc;
		mtpe_report_score(&sc, f->findings, f->words, s);
		mtpe_buf_puts(b, i ? ",\n    { \"path\": " : "\n    { \"path\": ");
		mtpe__json_str(b, f->doc->path);
		mtpe_buf_printf(b, ", \"words\": %zu, \"findings\": %zu, ", f->words, f->findings->len);
		json_score(b, &sc);
		mtpe_buf_puts(b, ",\n      \"items\": [");
		for (size_t k = 0; k < f->findings->len; k++) {
			const mtpe_finding *x = &f->findings->items[k];
			mtpe_buf_puts(b, k ? ",\n        { \"rule\": " : "\n        { \"rule\": ");
			mtpe__json_str(b, x->rule);
			mtpe_buf_printf(b, ", \"category\": \"%s\", \"mqm\": ", mtpe_category_name(x->category));
			mtpe__json_str(b, x->category < MTPE_CAT__COUNT ? s->mqm[x->category] : NULL);
			mtpe_buf_printf(b, ", \"severity\": \"%s\", \"line\": %d, \"column\": %d, \"offset\": %zu, \"length\": %zu,\n"
					   "          \"message\": ",
					mtpe_severity_name(x->severity), x->line, x->column, x->offset, x->length);
			mtpe__json_str(b, x->message);
			mtpe_buf_puts(b, ", \"text\": ");
			mtpe__json_str(b, x->text ? x->text : "");
			mtpe_buf_puts(b, ", \"suggestion\": ");
			mtpe__json_str(b, x->nreplacements ? x->replacements[0] : NULL);
			mtpe_buf_puts(b, " }");
		}
		mtpe_buf_puts(b, f->findings->len ? " ] }" : "] }");
	}
	mtpe_buf_puts(b, r->nfiles ? "\n  ],\n  \"rules\": [" : "],\n  \"rules\": [");
	for (size_t i = 0; i < a->nrules; i++) {
		const struct report_rule *rr = &a->rules[i];
		mtpe_buf_puts(b, i ? ",\n    { \"id\": " : "\n    { \"id\": ");
		mtpe__json_str(b, rr->id);
		mtpe_buf_printf(b, ", \"category\": \"%s\", \"count\": %zu, \"example\": ", mtpe_category_name(rr->category),
				rr->count);
		mtpe__json_str(b, rr->example->text ? rr->example->text : "");
		mtpe_buf_puts(b, " }");
	}
	mtpe_buf_printf(b, "%s],\n  \"summary\": { \"files\": %zu, \"words\": %zu, \"findings\": %zu,\n"
			   "    \"by_severity\": { \"error\": %zu, \"warning\": %zu, \"info\": %zu },\n    \"by_category\": {",
			a->nrules ? "\n  " : "", r->nfiles, a->words, a->findings, a->by_sev[MTPE_SEV_ERROR],
			a->by_sev[MTPE_SEV_WARNING], a->by_sev[MTPE_SEV_INFO]);
	for (int c = 0; c < MTPE_CAT__COUNT; c++)
		mtpe_buf_printf(b, "%s\"%s\": %zu", c ? ", " : " ", mtpe_category_name((mtpe_category)c), a->by_cat[c]);
	mtpe_buf_puts(b, " },\n    ");
	json_score(b, &a->total);
	mtpe_buf_puts(b, " }\n}\n");
	return b->oom ? MTPE_ENOMEM : 0;
}

/* ---- CSV (RFC 4180) ---------------------------------------------------------- */

/* A text field; a leading = + - @ gets a ' so spreadsheets do not run it as a formula. */
static void csv_text(mtpe_buf *b, const char *s)
{
	if (!s)
		s = "";
	if (strchr("=+-@\t\r", s[0]) && s[0]) {
		mtpe_buf tmp = MTPE_BUF_INIT;
		mtpe_buf_putc(&tmp, '\'');
		mtpe_buf_puts(&tmp, s);
		if (!tmp.oom)
			mtpe__csv_field(b, tmp.ptr, tmp.len);
		else
			b->oom = true;
		mtpe_buf_dispose(&tmp);
		return;
	}
	mtpe__csv_field(b, s, strlen(s));
}

static int render_csv(mtpe_buf *b, const mtpe_report *r, const struct report_agg *a)
{
	mtpe_buf_puts(b, "file,line,column,end_line,end_column,offset,length,rule,category,mqm_category,severity,message,text,suggestion\r\n");
	for (size_t i = 0; i < r->nfiles; i++) {
		const mtpe_report_file *f = &r->files[i];
		const mtpe_report_settings *s = mtpe_report__file_settings(r, a, i);
		for (size_t k = 0; k < f->findings->len; k++) {
			const mtpe_finding *x = &f->findings->items[k];
			csv_text(b, mtpe__display_path(f->doc->path));
			mtpe_buf_printf(b, ",%d,%d,%d,%d,%zu,%zu,", x->line, x->column, x->end_line, x->end_column, x->offset,
					x->length);
			csv_text(b, x->rule);
			mtpe_buf_printf(b, ",%s,", mtpe_category_name(x->category));
			csv_text(b, x->category < MTPE_CAT__COUNT ? s->mqm[x->category] : "");
			mtpe_buf_printf(b, ",%s,", mtpe_severity_name(x->severity));
			csv_text(b, x->message);
			mtpe_buf_putc(b, ',');
			csv_text(b, x->text);
			mtpe_buf_putc(b, ',');
			csv_text(b, x->nreplacements ? x->replacements[0] : "");
			mtpe_buf_puts(b, "\r\n");
		}
	}
	return b->oom ? MTPE_ENOMEM : 0;
}

const char *mtpe_report_formats(void)
{
	return "html, md, json, csv";
}

int mtpe_report_render(mtpe_buf *out, const char *format, const mtpe_report *r, mtpe_error *err)
{
	struct report_agg a;
	int error;
	int (*fn)(mtpe_buf *, const mtpe_report *, const struct report_agg *);
	if (!strcmp(format, "html"))
		fn = mtpe_report__html;
	else if (!strcmp(format, "md") || !strcmp(format, "markdown"))
		fn = render_md;
	else if (!strcmp(format, "json"))
		fn = render_json;
	else if (!strcmp(format, "csv"))
		fn = render_csv;
	else
		return mtpe_error_set(err, MTPE_EINVAL, "unknown report format '%s' (known: %s)", format,
				      mtpe_report_formats());
	if ((error = mtpe_report__aggregate(&a, r)) < 0) {
		mtpe_report__agg_dispose(&a);
		return mtpe_error_set(err, error, "out of memory");
	}
	error = fn(out, r, &a);
	mtpe_report__agg_dispose(&a);
	if (error < 0)
		return mtpe_error_set(err, error, "out of memory");
	return 0;
}
