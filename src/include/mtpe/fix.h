/*
 * fix.h - `mtpe fix`: apply the fixes rules mark safe, without asking, and
 * show them as a unified diff.
 */
#ifndef MTPE_FIX_H
#define MTPE_FIX_H

#include "mtpe/check.h"
#include "mtpe/doc.h"

typedef struct mtpe_fix_options {
	const char *const *only;  /* apply only these rule ids (NULL/0 = every safe rule) */
	size_t nonly;
	int max_rounds;           /* 0 = default (5): re-check and fix again until nothing changes */
	const mtpe_doc_options *doc_opts; /* to re-read the fixed text the same way (may be NULL) */
} mtpe_fix_options;
#define MTPE_FIX_OPTIONS_INIT { NULL, 0, 0, NULL }

typedef struct mtpe_fix_result {
	char *data;        /* the fixed bytes (caller frees); equal to the input when nothing applied */
	size_t len;
	size_t applied;    /* replacements applied over all rounds */
	int rounds;        /* rounds that changed something */
	mtpe_findings remaining; /* findings of the fixed text (caller disposes) */
	size_t words;      /* words in the fixed text */
} mtpe_fix_result;

/*
 * Applies, in offset order, the first replacement of every finding whose rule
 * is safe (and in `only` when given), skipping a finding that overlaps one
 * already applied; then checks the result again and repeats until a round
 * changes nothing, the text comes back to an earlier state, or max_rounds.
 * Every byte outside the replaced spans is kept. The input doc is not changed.
 */
int mtpe_fix_document(mtpe_fix_result *out, mtpe_checker *c, const mtpe_doc *doc, const mtpe_fix_options *opts,
		      mtpe_error *err);
void mtpe_fix_result_dispose(mtpe_fix_result *r);

/*
 * Appends a unified diff (3 lines of context) of a -> b to out, with
 * "--- a/<path>" / "+++ b/<path>" headers for a path relative to the current
 * folder (apply with patch -p1), "--- <path>" / "+++ <path>" for one outside
 * it (patch -p0); nothing when they are equal.
 * Line terminators are compared and printed as they are; a missing final
 * newline is marked "\ No newline at end of file".
 */
int mtpe_unified_diff(mtpe_buf *out, const char *path, const char *a, size_t alen, const char *b, size_t blen);

#endif
