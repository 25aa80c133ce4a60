/*
 * report_html.c - the HTML report: one self-contained file (inline CSS and
 * SVG, no scripts, no fetches; a Content-Security-Policy of default-src
 * 'none' makes the browser enforce that). Every byte of user text (paths,
 * document text, messages, suggestions, rule ids) goes through
 * mtpe__xml_escape.
 *
 * Highlights: each finding is a <mark tabindex="0"> around its span with a
 * tooltip (rule, severity, message, suggestion) shown on hover and on
 * keyboard focus. Overlapping findings nest: findings are taken by offset,
 * longest first; one that starts inside an open mark and runs past its end is
 * clipped to that end (its tooltip still describes it in full). An empty
 * span is shown as a caret.
 */
#include "report_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oututil.h"

static void esc(mtpe_buf *b, const char *s)
{
	mtpe__xml_escape_str(b, s);
}

static void dec1(mtpe_buf *b, double v)
{
	long long n = llround(fabs(v) * 10.0);
	mtpe_buf_printf(b, "%s%lld.%lld", v < 0 && n ? "-" : "", n / 10, n % 10);
}

static const char *sev_class(mtpe_severity s)
{
	return s == MTPE_SEV_ERROR ? "e" : s == MTPE_SEV_WARNING ? "w" : "i";
}

static const char css[] =
	":root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9d9de;--bg:#fff;--e:#c62828;--w:#b26a00;--i:#1565c0;"
	"--eb:#fde0e0;--wb:#fff0c2;--ib:#e3efff}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:#f6f6f8}\n"
	"header{background:var(--bg);border-bottom:1px solid var(--line);padding:1rem 2rem}\n"
	"h1{margin:0;font-size:1.5rem}h2{font-size:1.2rem;margin:0 0 .75rem}h3{font-size:1rem;margin:0 0 .5rem;word-break:break-all}\n"
	"main{max-width:72rem;margin:0 auto;padding:1rem 2rem 4rem}\n"
	"section,article{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}\n"
	".verdict{font-weight:600;margin:.25rem 0 0}.pass{color:#1b7f3b}.fail{color:var(--e)}\n"
	".stats{display:flex;flex-wrap:wrap;gap:.5rem 2rem;margin:0 0 1rem;padding:0}\n"
	".stats div{min-width:6rem}.stats dt{color:var(--muted);font-size:.8rem}.stats dd{margin:0;font-size:1.3rem;font-weight:600}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"th{color:var(--muted);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".note{color:var(--muted);font-size:.85rem}\n"
	"code,.rule{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}\n"
	".sev{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.8em;font-weight:600}\n"
	".sev.e{background:var(--eb);color:var(--e)}.sev.w{background:var(--wb);color:var(--w)}.sev.i{background:var(--ib);color:var(--i)}\n"
	"pre.text{white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.7 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
	"background:#fbfbfc;border:1px solid var(--line);border-radius:6px;padding:1rem 1rem 1rem 4.5rem;margin:0}\n"
	".ln::before{content:attr(data-n);display:inline-block;width:3.2rem;margin-left:-4rem;margin-right:.8rem;"
	"text-align:right;color:#9a9aa0;background:#fbfbfc;box-shadow:none;user-select:none}\n"
	"mark.f{position:relative;color:inherit;border-radius:2px;padding:0 1px;cursor:help}\n"
	"mark.e{background:var(--eb);box-shadow:inset 0 -2px var(--e)}\n"
	"mark.w{background:var(--wb);box-shadow:inset 0 -2px var(--w)}\n"
	"mark.i{background:var(--ib);box-shadow:inset 0 -2px var(--i)}\n"
	"mark.f:focus{outline:2px solid #111;outline-offset:1px}\n"
	"mark .tip{display:none;position:absolute;left:0;top:1.9em;z-index:10;width:max-content;max-width:26rem;"
	"white-space:normal;font:13px/1.4 system-ui,sans-serif;color:#fff;background:#222;border-radius:6px;padding:.5rem .65rem;"
	"box-shadow:0 4px 14px rgba(0,0,0,.25)}\n"
	"mark.f:hover>.tip,mark.f:focus>.tip{display:block}\n"
	".tip b{font-family:ui-monospace,monospace}.tip q{color:#9fe3a9}\n"
	".legend{display:flex;gap:1rem;font-size:.85rem;color:var(--muted);margin:.25rem 0 .75rem}\n"
	"svg text{font:12px system-ui,sans-serif;fill:#333}\n"
	"@media print{mark .tip{display:none!important}body{background:#fff}}\n";

/* Horizontal stacked bars: findings by category, split by severity. */
static void chart(mtpe_buf *b, size_t cat_sev[MTPE_CAT__COUNT][3])
{
	size_t max = 1;
	for (int c = 0; c < MTPE_CAT__COUNT; c++) {
		size_t t = cat_sev[c][0] + cat_sev[c][1] + cat_sev[c][2];
		if (t > max)
			max = t;
	}
	const int label_w = 120, bar_w = 420, row_h = 22, h = MTPE_CAT__COUNT * row_h + 8;
	mtpe_buf_printf(b,
			"<figure style=\"margin:0\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
			"role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">Findings by category and severity</title>\n",
			label_w + bar_w + 60, h, label_w + bar_w + 60, h);
	static const char *const fill[3] = { "#1565c0", "#e0a100", "#c62828" };
	for (int c = 0; c < MTPE_CAT__COUNT; c++) {
		int y = 4 + c * row_h;
		size_t t = cat_sev[c][0] + cat_sev[c][1] + cat_sev[c][2];
		mtpe_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", label_w - 8, y + 15,
				mtpe_category_name((mtpe_category)c));
		double x = label_w;
		for (int s = MTPE_SEV_ERROR; s >= MTPE_SEV_INFO; s--) {
			if (!cat_sev[c][s])
				continue;
			double w = (double)bar_w * (double)cat_sev[c][s] / (double)max;
			mtpe_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"><title>%s: %zu %s</title></rect>",
					(int)lround(x), y + 3, (int)lround(w < 1 ? 1 : w), fill[s],
					mtpe_category_name((mtpe_category)c), cat_sev[c][s], mtpe_severity_name((mtpe_severity)s));
			x += w;
		}
		mtpe_buf_printf(b, "<text x=\"%d\" y=\"%d\">%zu</text>\n", (int)lround(x) + 6, y + 15, t);
	}
	mtpe_buf_puts(b, "</svg><figcaption class=\"legend\"><span><span class=\"sev e\">error</span></span>"
			 "<span><span class=\"sev w\">warning</span></span><span><span class=\"sev i\">info</span></span>"
			 "<span>findings by category</span></figcaption></figure>\n");
}

static void tip(mtpe_buf *b, const mtpe_finding *f, const char *id)
{
	mtpe_buf_printf(b, "<span class=\"tip\" role=\"tooltip\" id=\"%s\"><b>", id);
	esc(b, f->rule);
	mtpe_buf_printf(b, "</b> &middot; %s &middot; %s<br>", mtpe_severity_name(f->severity), mtpe_category_name(f->category));
	esc(b, f->message);
	if (f->nreplacements) {
		mtpe_buf_puts(b, "<br>Suggestion: <q>");
		esc(b, f->replacements[0]);
		mtpe_buf_puts(b, "</q>");
		for (size_t k = 1; k < f->nreplacements && k < 4; k++) {
			mtpe_buf_puts(b, k == 1 ? " or <q>" : ", <q>");
			esc(b, f->replacements[k]);
			mtpe_buf_puts(b, "</q>");
		}
	}
	mtpe_buf_puts(b, "</span>");
}

struct open_mark {
	size_t end;
};

static int by_offset_longest(const void *x, const void *y)
{
	const mtpe_finding *a = *(const mtpe_finding *const *)x, *b = *(const mtpe_finding *const *)y;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->length != b->length)
		return a->length > b->length ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

/*
 * Escapes doc bytes [from, to) and starts each new line with a line-number
 * marker; the number is drawn by CSS from data-n, so it is not part of the
 * text (copying or reading the text gives the document's bytes).
 */
static void text_out(mtpe_buf *b, const mtpe_doc *doc, size_t from, size_t to, int *line)
{
	size_t run = from;
	for (size_t i = from; i < to; i++) {
		bool nl = doc->data[i] == '\n' || (doc->data[i] == '\r' && (i + 1 >= doc->len || doc->data[i + 1] != '\n'));
		if (!nl)
			continue;
		mtpe__xml_escape(b, doc->data + run, i + 1 - run);
		run = i + 1;
		if (i + 1 < doc->len)
			mtpe_buf_printf(b, "<span class=\"ln\" data-n=\"%d\"></span>", ++*line);
	}
	mtpe__xml_escape(b, doc->data + run, to - run);
}

/* The document text with every finding highlighted. */
static int doc_text(mtpe_buf *b, const mtpe_doc *doc, const mtpe_findings *fs, size_t fileno)
{
	const mtpe_finding **order = mtpe_calloc(fs->len + 1, sizeof(*order));
	size_t *stack = mtpe_calloc(fs->len + 1, sizeof(*stack));
	if (!order || !stack) {
		free(order);
		free(stack);
		return MTPE_ENOMEM;
	}
	for (size_t i = 0; i < fs->len; i++)
		order[i] = &fs->items[i];
	qsort(order, fs->len, sizeof(*order), by_offset_longest);
	size_t depth = 0, pos = doc->bom;
	int line = 1;
	mtpe_buf_puts(b, "<pre class=\"text\"><span class=\"ln\" data-n=\"1\"></span>");
	for (size_t i = 0; i <= fs->len; i++) {
		const mtpe_finding *f = i < fs->len ? order[i] : NULL;
		size_t start = f ? f->offset : doc->len;
		if (start < pos)
			start = pos;
		if (start > doc->len)
			start = doc->len;
		/* close marks that end before this finding starts */
		while (depth && stack[depth - 1] <= start) {
			size_t e = stack[depth - 1];
			if (e > pos) {
				text_out(b, doc, pos, e, &line);
				pos = e;
			}
			mtpe_buf_puts(b, "</mark>");
			depth--;
		}
		if (start > pos) {
			text_out(b, doc, pos, start, &line);
			pos = start;
		}
		if (!f)
			break;
		size_t end = f->offset + f->length;
		if (end > doc->len)
			end = doc->len;
		if (end < start)
			end = start;
		if (depth && end > stack[depth - 1])
			end = stack[depth - 1]; /* clip to the enclosing mark */
		char id[48];
		snprintf(id, sizeof(id), "t%zu-%zu", fileno, i);
		mtpe_buf_printf(b, "<mark class=\"f %s%s\" tabindex=\"0\" aria-describedby=\"%s\" data-rule=\"",
				sev_class(f->severity), end == start ? " ins" : "", id);
		esc(b, f->rule);
		mtpe_buf_puts(b, "\">");
		if (end == start) {
			mtpe_buf_puts(b, "&#x2038;");
			tip(b, f, id);
			mtpe_buf_puts(b, "</mark>");
			continue;
		}
		tip(b, f, id);
		stack[depth++] = end;
	}
	while (depth--)
		mtpe_buf_puts(b, "</mark>");
	if (pos < doc->len)
		text_out(b, doc, pos, doc->len, &line);
	mtpe_buf_puts(b, "</pre>\n");
	free(order);
	free(stack);
	return b->oom ? MTPE_ENOMEM : 0;
}

static void stat_item(mtpe_buf *b, const char *label, const char *value)
{
	mtpe_buf_printf(b, "<div><dt>%s</dt><dd>%s</dd></div>", label, value);
}

int mtpe_report__html(mtpe_buf *b, const mtpe_report *r, const struct report_agg *a)
{
	const char *title = r->title ? r->title : "mtpe report";
	size_t cat_sev[MTPE_CAT__COUNT][3];
	memset(cat_sev, 0, sizeof(cat_sev));
	for (size_t i = 0; i < r->nfiles; i++)
		for (size_t k = 0; k < r->files[i].findings->len; k++) {
			const mtpe_finding *f = &r->files[i].findings->items[k];
			if (f->category < MTPE_CAT__COUNT && f->severity <= MTPE_SEV_ERROR)
				cat_sev[f->category][f->severity]++;
		}

	mtpe_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	mtpe_buf_printf(b, "<meta name=\"generator\" content=\"mtpe %s\">\n<title>", MTPE_VERSION);
	esc(b, title);
	mtpe_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>", css);
	esc(b, title);
	mtpe_buf_printf(b, "</h1><p class=\"verdict %s\">MQM-style score ", a->total.pass ? "pass" : "fail");
	dec1(b, a->total.score);
	mtpe_buf_printf(b, " &mdash; %s (pass at ", a->total.pass ? "pass" : "fail");
	dec1(b, a->s->threshold);
	mtpe_buf_puts(b, ")</p></header>\n<main>\n");

	/* summary */
	mtpe_buf num = MTPE_BUF_INIT;
	mtpe_buf_puts(b, "<section id=\"summary\" aria-labelledby=\"h-summary\"><h2 id=\"h-summary\">Summary</h2>\n<dl class=\"stats\">");
#define STAT(label, ...)                                \
	do {                                            \
		num.len = 0;                            \
		mtpe_buf_printf(&num, __VA_ARGS__);     \
		stat_item(b, label, num.oom ? "" : num.ptr); \
	} while (0)
	STAT("Files", "%zu", r->nfiles);
	STAT("Words", "%zu", a->words);
	STAT("Findings", "%zu", a->findings);
	STAT("Errors", "%zu", a->by_sev[MTPE_SEV_ERROR]);
	STAT("Warnings", "%zu", a->by_sev[MTPE_SEV_WARNING]);
	STAT("Info", "%zu", a->by_sev[MTPE_SEV_INFO]);
#undef STAT
	num.len = 0;
	dec1(&num, a->total.per_kword);
	stat_item(b, "Penalty per 1000 words", num.oom ? "" : num.ptr);
	num.len = 0;
	dec1(&num, a->total.score);
	stat_item(b, "Score", num.oom ? "" : num.ptr);
	mtpe_buf_dispose(&num);
	mtpe_buf_puts(b, "</dl>\n");
	chart(b, cat_sev);
	mtpe_buf_puts(b, "</section>\n");

	/* scores */
	mtpe_buf_puts(b, "<section id=\"scores\" aria-labelledby=\"h-scores\"><h2 id=\"h-scores\">Quality score per file</h2>\n"
			 "<table><thead><tr><th>File</th><th class=\"n\">Words</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th>"
			 "<th class=\"n\">Info</th><th class=\"n\">Penalty points</th><th class=\"n\">Per 1000 words</th>"
			 "<th class=\"n\">Score</th><th>Result</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->nfiles; i++) {
		const mtpe_report_file *f = &r->files[i];
		const mtpe_report_settings *s = mtpe_report__file_settings(r, a, i);
		mtpe_score sc;
		size_t sev[3] = { 0, 0, 0 };
		mtpe_report_score(&sc, f->findings, f->words, s);
		for (size_t k = 0; k < f->findings->len; k++)
			if (f->findings->items[k].severity <= MTPE_SEV_ERROR)
				sev[f->findings->items[k].severity]++;
		mtpe_buf_printf(b, "<tr><td><a href=\"#doc-%zu\">", i + 1);
		esc(b, mtpe__display_path(f->doc->path));
		mtpe_buf_printf(b, "</a></td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">",
				f->words, sev[MTPE_SEV_ERROR], sev[MTPE_SEV_WARNING], sev[MTPE_SEV_INFO]);
		dec1(b, sc.penalty);
		mtpe_buf_puts(b, "</td><td class=\"n\">");
		dec1(b, sc.per_kword);
		mtpe_buf_puts(b, "</td><td class=\"n\">");
		dec1(b, sc.score);
		mtpe_buf_printf(b, "</td><td class=\"%s\">%s</td></tr>\n", sc.pass ? "pass" : "fail", sc.pass ? "pass" : "fail");
	}
	mtpe_buf_puts(b, "</tbody></table>\n<p class=\"note\">Each finding costs penalty points by severity (error ");
	dec1(b, a->s->weights[MTPE_SEV_ERROR]);
	mtpe_buf_puts(b, " &asymp; MQM major, warning ");
	dec1(b, a->s->weights[MTPE_SEV_WARNING]);
	mtpe_buf_puts(b, " &asymp; minor, info ");
	dec1(b, a->s->weights[MTPE_SEV_INFO]);
	mtpe_buf_puts(b, " &asymp; neutral). Score = 100 &minus; (penalty points per 1000 words) / 10; a file passes at ");
	dec1(b, a->s->threshold);
	mtpe_buf_puts(b, " or more. Weights, threshold and the category mapping are set under <code>report:</code> in "
			 "<code>.mtpe.yaml</code>.</p>\n<details><summary>Categories and their MQM categories</summary>\n"
			 "<table><thead><tr><th>Category</th><th>MQM category</th><th class=\"n\">Findings</th></tr></thead><tbody>\n");
	for (int c = 0; c < MTPE_CAT__COUNT; c++) {
		mtpe_buf_printf(b, "<tr><td>%s</td><td>", mtpe_category_name((mtpe_category)c));
		esc(b, a->s->mqm[c]);
		mtpe_buf_printf(b, "</td><td class=\"n\">%zu</td></tr>\n", a->by_cat[c]);
	}
	mtpe_buf_puts(b, "</tbody></table></details>\n</section>\n");

	/* rules */
	mtpe_buf_puts(b, "<section id=\"rules\" aria-labelledby=\"h-rules\"><h2 id=\"h-rules\">Findings by rule</h2>\n");
	if (!a->nrules) {
		mtpe_buf_puts(b, "<p>No findings.</p>\n");
	} else {
		mtpe_buf_puts(b, "<table><thead><tr><th>Rule</th><th>Category</th><th>Severity</th><th class=\"n\">Count</th>"
				 "<th>Example</th></tr></thead><tbody>\n");
		for (size_t i = 0; i < a->nrules; i++) {
			const struct report_rule *rr = &a->rules[i];
			mtpe_buf_puts(b, "<tr><td><span class=\"rule\">");
			esc(b, rr->id);
			mtpe_buf_puts(b, "</span>");
			if (rr->description) {
				mtpe_buf_puts(b, "<br><span class=\"note\">");
				esc(b, rr->description);
				mtpe_buf_puts(b, "</span>");
			}
			mtpe_buf_printf(b, "</td><td>%s</td><td><span class=\"sev %s\">%s</span></td><td class=\"n\">%zu</td><td>&ldquo;",
					mtpe_category_name(rr->category), sev_class(rr->severity), mtpe_severity_name(rr->severity),
					rr->count);
			esc(b, rr->example->text);
			mtpe_buf_puts(b, "&rdquo;");
			if (rr->example->nreplacements) {
				mtpe_buf_puts(b, " &rarr; &ldquo;");
				esc(b, rr->example->replacements[0]);
				mtpe_buf_puts(b, "&rdquo;");
			}
			mtpe_buf_puts(b, " <span class=\"note\">(");
			esc(b, mtpe__display_path(rr->example_doc->path));
			mtpe_buf_printf(b, ":%d)</span></td></tr>\n", rr->example->line);
		}
		mtpe_buf_puts(b, "</tbody></table>\n");
	}
	mtpe_buf_puts(b, "</section>\n");

	/* documents */
	for (size_t i = 0; i < r->nfiles; i++) {
		const mtpe_report_file *f = &r->files[i];
		mtpe_buf_printf(b, "<article id=\"doc-%zu\" aria-labelledby=\"h-doc-%zu\"><h3 id=\"h-doc-%zu\">", i + 1, i + 1, i + 1);
		esc(b, mtpe__display_path(f->doc->path));
		mtpe_buf_printf(b, "</h3>\n<p class=\"legend\"><span>%zu words, %zu finding%s</span>"
				   "<span>Hover over or tab to a highlight to see the finding.</span></p>\n",
				f->words, f->findings->len, f->findings->len == 1 ? "" : "s");
		int error = doc_text(b, f->doc, f->findings, i + 1);
		if (error < 0)
			return error;
		mtpe_buf_puts(b, "</article>\n");
	}
	mtpe_buf_puts(b, "</main>\n</body>\n</html>\n");
	return b->oom ? MTPE_ENOMEM : 0;
}
