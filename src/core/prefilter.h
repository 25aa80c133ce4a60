/*
 * prefilter.h - run a rule's regex only where it can match.
 *
 * At load, mtpe_prefilter_literals() reads a (list-expanded) PCRE2 pattern and
 * derives a set of lower-cased literal strings one of which every match must
 * contain; when it cannot be sure it returns no set and the rule runs on the
 * whole text. At check time one Aho-Corasick automaton over all rules'
 * literals scans the lower-cased text once and yields, per rule, the lines
 * where one of its literals occurs; the rule's regex then runs on those lines
 * only. MTPE_NO_PREFILTER=1 turns it off (tests compare both ways).
 */
#ifndef MTPE_PREFILTER_H
#define MTPE_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Derives required literals from pattern. On success *out holds *n strings
 * (caller frees each and the array); *n == 0 means "no usable set".
 * Returns 0 or MTPE_ENOMEM.
 */
int mtpe_prefilter_literals(const char *pattern, char ***out, size_t *n, size_t *pre);

typedef struct mtpe_ac mtpe_ac;

/* Builds an automaton from literal lists: rule i has lits[i][0..nlits[i]). */
int mtpe_ac_build(mtpe_ac **out, char **const *lits, const size_t *nlits, const size_t *pre, size_t nrules);
void mtpe_ac_free(mtpe_ac *ac);

/* A span of lines [start, end) in bytes where a rule must run. */
typedef struct mtpe_ac_range {
	size_t start, end;
} mtpe_ac_range;

typedef struct mtpe_ac_hits {
	mtpe_ac_range **ranges; /* per rule */
	size_t *nranges;
	size_t *caps;
	size_t nrules;
} mtpe_ac_hits;

/* Scans text; fills per-rule line ranges (adjacent lines merged). */
int mtpe_ac_scan(const mtpe_ac *ac, const char *text, size_t len, mtpe_ac_hits *hits);
void mtpe_ac_hits_dispose(mtpe_ac_hits *hits);

#endif
