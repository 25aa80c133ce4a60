/*
 * cmd.h - the subcommand table and shared CLI helpers. Each subcommand lives in
 * cmd_<name>.c as int cmd_<name>(int argc, char **argv) and returns an exit code.
 */
#ifndef MTPE_CLI_CMD_H
#define MTPE_CLI_CMD_H

#include <stdbool.h>
#include <stdio.h>
#include "mtpe/check.h"
#include "mtpe/doc.h"

enum {
	EXIT_CLEAN = 0,    /* ran, nothing at or above --fail-on */
	EXIT_FINDINGS = 1, /* ran, findings at or above --fail-on */
	EXIT_USAGE = 2,    /* bad option or argument */
	EXIT_RUNTIME = 3   /* unreadable file, invalid UTF-8, bad rule file, missing dictionary */
};

int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Reporters: prefixed with "mtpe: ", to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an mtpe_error as "mtpe: path:line:col: message" (location parts when known). */
void cli_report_error(const mtpe_error *err);

/*
 * Options shared by check, fix, review and report (the checker and documents).
 * cli_common_opt() consumes one option (returns 1 consumed, 0 not ours, -1 usage error).
 */
struct cli_common {
	mtpe_checker_options copts;
	const char *rule_paths[64]; size_t nrule_paths;
	const char *dict_paths[64]; size_t ndict_paths;
	mtpe_rule_override overrides[256]; size_t noverrides;
	mtpe_doc_options dopts;
	char hunspell_aff[4096], hunspell_dic[4096]; /* --hunspell-dict PATH.aff / PATH.dic */
	const char *config_path;
	const char *input_format;
	const char *source_path;
};
void cli_common_init(struct cli_common *c);
/* Builds the checker from the common options; prints the error and returns NULL on failure. */
mtpe_checker *cli_checker_new(struct cli_common *c);

#endif
