/*
 * cliconf.h - configuration for check, fix and report: finds the .mtpe.yaml
 * of each file (or uses --config FILE), merges it with the command line
 * (the command line wins) and keeps one checker per distinct configuration.
 */
#ifndef MTPE_CLI_CLICONF_H
#define MTPE_CLI_CLICONF_H

#include "cmd.h"
#include "mtpe/config.h"

struct cli_run_entry {
	char *cfg_path;       /* NULL = no config */
	mtpe_config *cfg;
	mtpe_checker *chk;    /* built on first use */
	bool failed;          /* loading or building failed (already reported) */
};

struct cli_run {
	struct cli_common *common;
	struct cli_run_entry *v;
	size_t n;
	char *forced_path;    /* --config, absolute or as given */
	bool quiet;           /* errors are not printed (another run over the same files prints them) */
};

/* Loads --config when given (printing any error); returns 0 or -1. */
int cli_run_init(struct cli_run *r, struct cli_common *c);
/*
 * Finds the configuration of file and the checker for it. *cfg (may be NULL)
 * receives the config or NULL. Returns 0, 1 when the config ignores the file
 * (no checker is built then), or -1 after printing an error.
 */
int cli_run_for(struct cli_run *r, const char *file, mtpe_checker **chk, const mtpe_config **cfg);
/* The checker for file whether or not the file is ignored (for rule metadata); NULL after printing an error. */
mtpe_checker *cli_run_checker(struct cli_run *r, const char *file);
/* The effective --fail-on: the option when given, else the config's, else warning. */
mtpe_severity cli_run_fail_on(const mtpe_config *cfg, const char *option);
void cli_run_dispose(struct cli_run *r);

#endif
