/*
 * report_impl.h - what the report renderers share: the aggregate of a report
 * (totals, counts by severity and category, per-rule counts with a first
 * example) and the per-format renderers. Rules are ordered by count
 * (descending), then id, so output is deterministic.
 */
#ifndef MTPE_REPORT_IMPL_H
#define MTPE_REPORT_IMPL_H

#include "mtpe/report.h"

struct report_rule {
	const char *id;
	mtpe_category category;
	mtpe_severity severity;      /* the rule's (the first finding's when the rule is unknown) */
	size_t count;
	const mtpe_finding *example; /* first finding of the rule */
	const mtpe_doc *example_doc;
	const char *description;     /* rule message from the checker (may be NULL) */
};

struct report_agg {
	const mtpe_report_settings *s; /* settings for the totals */
	mtpe_report_settings dflt;
	size_t words, findings;
	size_t by_sev[3], by_cat[MTPE_CAT__COUNT];
	double penalty;
	mtpe_score total;
	struct report_rule *rules;
	size_t nrules;
};

int mtpe_report__aggregate(struct report_agg *a, const mtpe_report *r);
void mtpe_report__agg_dispose(struct report_agg *a);
const mtpe_report_settings *mtpe_report__file_settings(const mtpe_report *r, const struct report_agg *a, size_t i);

int mtpe_report__html(mtpe_buf *b, const mtpe_report *r, const struct report_agg *a);

#endif
