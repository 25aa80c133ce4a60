/*
 * report.h - `mtpe report`: a QA report over checked documents, as one
 * self-contained HTML file, a Markdown summary (for a pull-request comment),
 * JSON or CSV (one row per finding).
 *
 * The MQM-style score of a file: every finding costs the penalty points of its
 * severity (settings.weights; defaults error 5, warning 1, info 0, matching
 * MQM major / minor / neutral), the points are normalised per 1000 words, and
 * score = max(0, 100 - points per 1000 words / 10). A file passes when its
 * score is at least settings.threshold (default 95, i.e. at most 50 points
 * per 1000 words). Each of our categories maps to an MQM category name
 * (settings.mqm) shown in the report.
 */
#ifndef MTPE_REPORT_H
#define MTPE_REPORT_H

#include "mtpe/check.h"
#include "mtpe/config.h"
#include "mtpe/doc.h"
#include "mtpe/finding.h"

typedef struct mtpe_report_file {
	const mtpe_doc *doc;                    /* borrowed */
	const mtpe_findings *findings;          /* borrowed; sorted by offset */
	size_t words;
	const mtpe_report_settings *settings;   /* borrowed; NULL = the report's */
} mtpe_report_file;

typedef struct mtpe_report {
	const mtpe_report_file *files;
	size_t nfiles;
	const mtpe_checker *checker;            /* rule metadata (may be NULL) */
	const mtpe_report_settings *settings;   /* for the totals; NULL = defaults */
	const char *title;                      /* NULL = "mtpe report" */
} mtpe_report;

typedef struct mtpe_score {
	double penalty;     /* penalty points */
	double per_kword;   /* penalty points per 1000 words */
	double score;       /* 0..100 */
	bool pass;
} mtpe_score;

/* Computes the score of findings over `words` words. */
void mtpe_report_score(mtpe_score *out, const mtpe_findings *fs, size_t words, const mtpe_report_settings *s);

/* Appends the report in format "html", "md", "json" or "csv" to out; MTPE_EINVAL for another name. */
int mtpe_report_render(mtpe_buf *out, const char *format, const mtpe_report *r, mtpe_error *err);
/* Comma-separated list of report formats (static). */
const char *mtpe_report_formats(void);

#endif
