/*
 * opts.h - a small option scanner shared by all subcommands: long options as
 * "--name value" or "--name=value", short options "-x value", "--" ends options.
 */
#ifndef MTPE_CLI_OPTS_H
#define MTPE_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>

struct opt_iter {
	int argc;
	char **argv;
	int i;            /* index of the current argument */
	const char *cmd;  /* subcommand name for messages */
	bool done;        /* saw "--" */
};

struct cli_common;
/* Consumes a common option at it->i; 1 = consumed, 0 = not a common option, -1 = usage error (printed). */
int cli_common_opt(struct cli_common *c, struct opt_iter *it);
extern const char *cli_common_help;

/* True if argv[i] is --name or --name=VALUE or (when short_ != 0) -short_; sets *val (may be NULL = missing). */
bool opt_match2(struct opt_iter *it, const char *name, char short_, const char **val);
static inline bool opt_match(struct opt_iter *it, const char *name, const char **val)
{
	return opt_match2(it, name, 0, val);
}
/* True if argv[i] is the flag --name (or -short_). */
bool opt_flag2(struct opt_iter *it, const char *name, char short_);
static inline bool opt_flag(struct opt_iter *it, const char *name)
{
	return opt_flag2(it, name, 0);
}
/*
 * The start of every command's option loop: an operand (not an option, "-" for
 * stdin, or anything after "--") is appended to files[*nfiles] and "--" is
 * consumed; returns true when argv[it->i] was one of those.
 */
bool opt_operand(struct opt_iter *it, const char **files, size_t *nfiles);
/* Prints "option needs a value" and returns -1. */
int opt_missing(struct opt_iter *it);
/* Prints "unknown option" and returns -1. */
int opt_unknown(struct opt_iter *it);

#endif
