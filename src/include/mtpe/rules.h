/*
 * rules.h - rule sets loaded from YAML rule files (see rules/README.md for the
 * grammar). A rule is a PCRE2 pattern (UTF, UCP, JIT) with word lists from
 * dicts/lists expanded into it, conditions on captured groups, replacement
 * templates with case transforms, or a built-in document-level check; every
 * rule carries examples.
 */
#ifndef MTPE_RULES_H
#define MTPE_RULES_H

#include "mtpe/common.h"
#include "mtpe/finding.h"

typedef struct mtpe_ruleset mtpe_ruleset;

typedef enum mtpe_example_kind { MTPE_EXAMPLE_BAD, MTPE_EXAMPLE_GOOD } mtpe_example_kind;

typedef struct mtpe_example {
	mtpe_example_kind kind;
	char *text;
	char *fix;  /* expected text after applying the first replacement (bad only; may be NULL) */
	int line;   /* in the rule file */
} mtpe_example;

/* Read-only view of a rule. */
typedef struct mtpe_rule_info {
	const char *id;
	mtpe_category category;
	mtpe_severity severity;
	const char *message;
	const char *pattern;   /* as written (NULL for built-in checks) */
	const char *check;     /* built-in check name, or NULL */
	const char *description;
	const char *file;
	int line;
	bool safe;
	bool enabled;
	const mtpe_example *examples;
	size_t nexamples;
	const char *const *replacements; /* templates */
	size_t nreplacements;
} mtpe_rule_info;

#endif
