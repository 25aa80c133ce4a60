/*
 * check.h - the checker: rules + word lists + speller, applied to documents.
 * One checker is built per run and may check many documents; a checker is
 * not thread-safe, build one per thread (they are cheap after the first).
 */
#ifndef MTPE_CHECK_H
#define MTPE_CHECK_H

#include "mtpe/common.h"
#include "mtpe/doc.h"
#include "mtpe/finding.h"
#include "mtpe/rules.h"

typedef struct mtpe_checker mtpe_checker;

typedef struct mtpe_rule_override {
	const char *id;       /* rule id */
	bool disable;
	bool has_severity;
	mtpe_severity severity;
} mtpe_rule_override;

typedef struct mtpe_checker_options {
	const char *data_dir;          /* folder with rules/ and dicts/; NULL = found automatically */
	const char *source_lang;       /* "ru" (default) enables rules/ru-en; "" or "none": rules/en only */
	const char *const *rule_paths; /* extra rule files or folders */
	size_t nrule_paths;
	const char *const *dict_paths; /* extra word lists (spelling) */
	size_t ndict_paths;
	const char *const *glossary_paths; /* extra glossaries (canonical<TAB>variant...), read before the built-in one */
	size_t nglossary_paths;
	const char *personal;          /* personal dictionary; NULL = default path if it exists */
	const char *hunspell_aff;      /* NULL = system en_US */
	const char *hunspell_dic;
	bool no_spelling;
	bool full_suggest;             /* hunspell's full suggest (slow; for review); default: words one edit away */
	const mtpe_rule_override *overrides;
	size_t noverrides;
} mtpe_checker_options;
#define MTPE_CHECKER_OPTIONS_INIT { 0 }
#define MTPE_CHECKER_HAS_GLOSSARIES 1

int mtpe_checker_new(mtpe_checker **out, const mtpe_checker_options *opts, mtpe_error *err);
void mtpe_checker_free(mtpe_checker *c);

/*
 * Checks every region of doc and appends findings (file offsets, line/col
 * filled, sorted, de-duplicated, inline suppressions applied) to *out.
 * *words (may be NULL) receives the number of words checked.
 */
int mtpe_checker_check(mtpe_checker *c, const mtpe_doc *doc, mtpe_findings *out,
		       size_t *words, mtpe_error *err);
/*
 * Like mtpe_checker_check with n checkers built from the same options: long
 * plain-text regions are split at line ends and checked in n threads (one
 * checker each); the findings are the same as with one checker.
 */
/* Regions shorter than this are checked by one thread: each thread costs a checker (~20 MB). */
#define MTPE_PARALLEL_MIN_TEXT ((size_t)2 << 20)
int mtpe_checker_check_parallel(mtpe_checker *const *cs, size_t n, const mtpe_doc *doc, mtpe_findings *out,
				size_t *words, mtpe_error *err);
/* Checks a bare UTF-8 string (offsets relative to it; line/col computed on it). */
int mtpe_checker_check_text(mtpe_checker *c, const char *text, size_t len,
			    mtpe_findings *out, mtpe_error *err);

size_t mtpe_checker_rule_count(const mtpe_checker *c);
/* Borrowed view of rule i, valid while the checker lives. */
void mtpe_checker_rule(const mtpe_checker *c, size_t i, mtpe_rule_info *out);
/* Index of rule id, or -1. */
long mtpe_checker_rule_find(const mtpe_checker *c, const char *id);
/* The speller (borrowed; NULL when spelling is off). */
struct mtpe_speller *mtpe_checker_speller(mtpe_checker *c);
/* Data folder in use (borrowed). */
const char *mtpe_checker_data_dir(const mtpe_checker *c);

/* Result of one rule example run by mtpe_checker_test_rules. */
typedef struct mtpe_rule_test_result {
	const char *rule;
	const mtpe_example *example;
	bool ok;
	char msg[512];
} mtpe_rule_test_result;
typedef void (*mtpe_rule_test_cb)(const mtpe_rule_test_result *r, void *data);
/*
 * Runs every rule's examples (or only rule `only`): a bad example must raise
 * the rule, its first replacement applied must give `fix`, and the fixed text
 * must not raise the rule again; a good example must raise no finding of
 * severity warning or error from any rule. Returns the number of failures.
 */
int mtpe_checker_test_rules(mtpe_checker *c, const char *only, mtpe_rule_test_cb cb, void *data);

/* Applies replacement `which` of each selected finding to text; returns new text (caller frees). */
char *mtpe_apply_fixes(const char *text, size_t len, const mtpe_finding *const *fs, size_t n, size_t *outlen);

#endif
