/*
 * finding.h - a finding is data: rule id, category, severity, message, a byte
 * span of the file (plus line/column for humans) and replacements, best first.
 * mtpe_findings is a growable vector that owns its findings; it is kept sorted
 * by (offset, length, rule) and de-duplicated after mtpe_findings_sort().
 */
#ifndef MTPE_FINDING_H
#define MTPE_FINDING_H

#include "mtpe/common.h"

typedef enum mtpe_severity {
	MTPE_SEV_INFO = 0,
	MTPE_SEV_WARNING = 1,
	MTPE_SEV_ERROR = 2,
	MTPE_SEV_NONE = 3 /* only for --fail-on none */
} mtpe_severity;

typedef enum mtpe_category {
	MTPE_CAT_SPELLING,
	MTPE_CAT_CAPITALIZATION,
	MTPE_CAT_CALQUE,
	MTPE_CAT_NEGATION,
	MTPE_CAT_GRAMMAR,
	MTPE_CAT_PUNCTUATION,
	MTPE_CAT_LOCALE,
	MTPE_CAT_TERMINOLOGY,
	MTPE_CAT_CONSISTENCY,
	MTPE_CAT_UNTRANSLATED,
	MTPE_CAT_STYLE,
	MTPE_CAT__COUNT
} mtpe_category;

typedef struct mtpe_finding {
	char *rule;            /* owned */
	mtpe_category category;
	mtpe_severity severity;
	char *message;         /* owned */
	size_t offset, length; /* bytes of the file */
	int line, column, end_line, end_column; /* 1-based; columns in code points */
	char *text;            /* owned copy of the span */
	char **replacements;   /* owned array of owned strings */
	size_t nreplacements;
	bool safe;             /* the rule marks its first replacement safe for `mtpe fix` */
	const char *unit;      /* borrowed from the region (may be NULL) */
} mtpe_finding;

typedef struct mtpe_findings {
	mtpe_finding *items;
	size_t len, cap;
} mtpe_findings;
#define MTPE_FINDINGS_INIT { NULL, 0, 0 }

const char *mtpe_category_name(mtpe_category c);
int mtpe_category_from_name(const char *name, mtpe_category *out);
const char *mtpe_severity_name(mtpe_severity s);
int mtpe_severity_from_name(const char *name, mtpe_severity *out);

/* Appends a finding; takes ownership of its owned fields on success and failure. */
int mtpe_findings_push(mtpe_findings *fs, mtpe_finding *f);
/* Adds a replacement string (copied) to f. */
int mtpe_finding_add_replacement(mtpe_finding *f, const char *s, size_t len);
void mtpe_finding_dispose(mtpe_finding *f);
/* Sorts by offset, then length, then rule id, and drops exact duplicates. */
void mtpe_findings_sort(mtpe_findings *fs);
void mtpe_findings_dispose(mtpe_findings *fs);

#endif
