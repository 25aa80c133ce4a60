/* opts.c - option scanning (see opts.h). */
#include "opts.h"

#include <string.h>

#include "cmd.h"

static const char *cur(struct opt_iter *it)
{
	return it->argv[it->i];
}

bool opt_match2(struct opt_iter *it, const char *name, char short_, const char **val)
{
	const char *a = cur(it);
	size_t n = strlen(name);
	if (a[0] == '-' && a[1] == '-' && !strncmp(a + 2, name, n) && (a[2 + n] == '\0' || a[2 + n] == '=')) {
		if (a[2 + n] == '=') {
			*val = a + 3 + n;
		} else if (it->i + 1 < it->argc) {
			*val = it->argv[++it->i];
		} else {
			*val = NULL;
		}
		return true;
	}
	if (short_ && a[0] == '-' && a[1] == short_) {
		if (a[2]) {
			*val = a + 2;
		} else if (it->i + 1 < it->argc) {
			*val = it->argv[++it->i];
		} else {
			*val = NULL;
		}
		return true;
	}
	return false;
}

bool opt_flag2(struct opt_iter *it, const char *name, char short_)
{
	const char *a = cur(it);
	if (a[0] == '-' && a[1] == '-' && !strcmp(a + 2, name))
		return true;
	return short_ && a[0] == '-' && a[1] == short_ && !a[2];
}

bool opt_operand(struct opt_iter *it, const char **files, size_t *nfiles)
{
	const char *a = cur(it);
	if (it->done || a[0] != '-' || !strcmp(a, "-")) {
		files[(*nfiles)++] = a;
		return true;
	}
	if (!strcmp(a, "--")) {
		it->done = true;
		return true;
	}
	return false;
}

int opt_missing(struct opt_iter *it)
{
	cli_error("%s: option '%s' needs a value", it->cmd, cur(it));
	return -1;
}

int opt_unknown(struct opt_iter *it)
{
	cli_error("%s: unknown option '%s'; see 'mtpe %s --help'", it->cmd, cur(it), it->cmd);
	return -1;
}
