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
 * (lower-cased; caller frees each and the array), *pres how far before each a
 * match may start, in characters (SIZE_MAX: anywhere on its line; caller frees), *pre the
 * farthest, and *exact for each NULL or strlen bytes: the byte the text must
 * have there (the pattern's case counts), or 0 for any case (caller frees each
 * and the array). *n == 0 means "no usable set". stop (may be NULL): the bytes
 * (bit b & 63 of stop[b >> 6]) that cannot lie between a match's start and
 * its literal ("(?=\p{L}[\p{L} ]{0,80}? was)": all but letters and spaces),
 * however far the reach; all 0 when any may, or when a literal may lie before
 * the match (a lookbehind's, or before a \K). Returns 0 or MTPE_ENOMEM.
 */
int mtpe_prefilter_literals(const char *pattern, char ***out, size_t *n, size_t *pre, size_t **pres, char ***exact,
			    uint64_t stop[4]);
/*
 * Clears from the byte set stop (bit b & 63 of stop[b >> 6]) the bytes of
 * s[0, n), in both cases, and every non-ASCII byte if s has one: a match may
 * hold them (stops for mtpe_ac_set_stops are built this way).
 */
void mtpe_bytes_may_hold(uint64_t stop[4], const char *s, size_t n);
/* Does the pattern ignore case anywhere ((?i), (?mi:...))? */
bool mtpe_pattern_ignores_case(const char *pattern);

typedef struct mtpe_ac mtpe_ac;

/*
 * Builds an automaton from literal lists: rule i has lits[i][0..nlits[i]), a
 * match starting at most pre[i][k] characters before lits[i][k] (SIZE_MAX, or pre
 * or pre[i] NULL: anywhere on its line), and the text there having the bytes
 * of exact[i][k] where they are not 0 (exact, exact[i] or exact[i][k] NULL:
 * any case).
 */
int mtpe_ac_build(mtpe_ac **out, char **const *lits, const size_t *nlits, const size_t *const *pre,
		  char **const *exact, size_t nrules);
/*
 * Rule r's matches cannot hold the bytes of stop (as from
 * mtpe_prefilter_literals) before their literal: where its reach is bounded,
 * a range then starts after the last such byte before the literal.
 */
int mtpe_ac_set_stops(mtpe_ac *ac, size_t r, const uint64_t stop[4]);
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
	void *pend;             /* the scan's own buffer (hits of the text's second half), kept for the next scan */
	size_t cappend;
} mtpe_ac_hits;

/* Scans text; fills per-rule line ranges (adjacent lines merged). */
int mtpe_ac_scan(const mtpe_ac *ac, const char *text, size_t len, mtpe_ac_hits *hits);
/* The same into hits from an earlier scan (or zeroed): its arrays are emptied and reused. */
int mtpe_ac_scan_again(const mtpe_ac *ac, const char *text, size_t len, mtpe_ac_hits *hits);
void mtpe_ac_hits_dispose(mtpe_ac_hits *hits);

/*
 * Built-in scans for patterns whose literals cannot narrow them (a rule's
 * `prefilter:` key). Each marks a superset of the positions where a match of
 * such a pattern can start; the pattern still decides.
 *  - repeated-word: the same letters on both sides of one space ("the the"):
 *    a match starts at a run of lower-case or non-ASCII letters that a space
 *    follows and the same bytes (ASCII case ignored) follow that.
 *  - glued-capital: an ASCII capital right after a lower-case ASCII or any
 *    non-ASCII character ("registeredHe"): a match starts in the run of such
 *    characters before it.
 *  - after-stop: a lower-case ASCII letter or a non-ASCII character where a
 *    sentence may start ("said. the"): after '.', '!', '?', a line end or the
 *    text's start, and at most 6 bytes of spaces, line ends, '"', ')' and
 *    curly quotes; a match starts there.
 */
typedef enum mtpe_hint {
	MTPE_HINT_NONE = 0,
	MTPE_HINT_REPEATED_WORD,
	MTPE_HINT_GLUED_CAPITAL,
	MTPE_HINT_AFTER_STOP
} mtpe_hint;
/* The hint called name, or MTPE_HINT_NONE if there is none. */
mtpe_hint mtpe_hint_from_name(const char *name);
/*
 * Appends to *r (*nr ranges, room for *cap) the ranges of match starts in
 * [ws, we] on t[from, n) (from <= ws <= we <= n), sorted and disjoint.
 * Returns 0 or MTPE_ENOMEM.
 */
int mtpe_hint_scan(mtpe_hint h, const char *t, size_t from, size_t n, size_t ws, size_t we, mtpe_ac_range **r,
		   size_t *nr, size_t *cap);

#endif
