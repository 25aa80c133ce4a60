/* cmd_fix.c - `mtpe fix FILE...`: apply the fixes rules mark safe, without asking. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "cliconf.h"
#include "mtpe/fix.h"
#include "mtpe/save.h"

static void help(void)
{
	printf("usage: mtpe fix [options] FILE... ('-' reads stdin, with --diff only)\n\n"
	       "Applies the first suggestion of every finding whose rule is marked safe\n"
	       "(see 'mtpe rules list'), re-checks and repeats until nothing changes. Only the\n"
	       "replaced spans change; the file is replaced atomically. Exit 1 when findings at\n"
	       "or above --fail-on remain after fixing.\n\n"
	       "  --diff                 print a unified diff of the fixes and write nothing\n"
	       "  --only RULE[,RULE]     apply only these rules (repeatable)\n"
	       "  --fail-on SEV          error, warning (default), info, none\n"
	       "  --input-format FMT     force the input format\n"
	       "%s",
	       cli_common_help);
}

static int add_only(const char ***only, size_t *n, const char *v)
{
	char *copy = strdup(v), *save = NULL;
	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		const char **nv = realloc(*only, (*n + 1) * sizeof(*nv));
		if (!nv || !(t = strdup(t))) {
			free(copy);
			return -1;
		}
		*only = nv;
		(*only)[(*n)++] = t;
	}
	free(copy);
	return 0;
}

int cmd_fix(int argc, char **argv)
{
	struct cli_common common;
	struct opt_iter it = { argc, argv, 1, "fix", false };
	const char *fail_on_s = NULL;
	const char **files = calloc((size_t)argc + 1, sizeof(char *)), **only = NULL;
	size_t nfiles = 0, nonly = 0;
	bool diff = false;
	int rc;

	cli_common_init(&common);
	for (; it.i < argc; it.i++) {
		const char *v;
		if (opt_operand(&it, files, &nfiles))
			continue;
		if (opt_flag2(&it, "help", 'h')) {
			help();
			free(files);
			return 0;
		}
		if (opt_flag(&it, "diff")) {
			diff = true;
			continue;
		}
		if (opt_match(&it, "only", &v)) {
			if (!v)
				goto usage_missing;
			if (add_only(&only, &nonly, v) < 0) {
				cli_error("out of memory");
				goto usage;
			}
			continue;
		}
		if (opt_match(&it, "fail-on", &v)) {
			if (!v)
				goto usage_missing;
			mtpe_severity s;
			if (mtpe_severity_from_name(v, &s) < 0) {
				cli_error("fix: --fail-on takes error, warning, info or none, not '%s'", v);
				goto usage;
			}
			fail_on_s = v;
			continue;
		}
		rc = cli_common_opt(&common, &it);
		if (rc < 0)
			goto usage;
		if (rc == 0) {
			opt_unknown(&it);
			goto usage;
		}
	}
	if (!nfiles) {
		cli_error("fix: no files given (see 'mtpe fix --help')");
		goto usage;
	}
	for (size_t i = 0; i < nfiles && !diff; i++)
		if (!strcmp(files[i], "-")) {
			cli_error("fix: cannot fix stdin in place; use 'mtpe fix --diff -' to see the fixes");
			goto usage;
		}

	struct cli_run run;
	if (cli_run_init(&run, &common) < 0) {
		free(files);
		free(only);
		return EXIT_RUNTIME;
	}
	bool runtime_error = false, failed = false;
	mtpe_buf out = MTPE_BUF_INIT;
	for (size_t i = 0; i < nfiles; i++) {
		mtpe_checker *chk;
		const mtpe_config *cfg;
		mtpe_error err;
		mtpe_doc *doc = NULL;
		mtpe_fix_result res;
		mtpe_error_clear(&err);
		memset(&res, 0, sizeof(res));
		int skip = cli_run_for(&run, files[i], &chk, &cfg);
		if (skip) {
			runtime_error |= skip < 0;
			continue;
		}
		/* --only names must be rules */
		for (size_t k = 0; k < nonly; k++)
			if (mtpe_checker_rule_find(chk, only[k]) < 0) {
				cli_error("fix: --only: unknown rule '%s' (see 'mtpe rules list')", only[k]);
				cli_run_dispose(&run);
				free(files);
				for (size_t j = 0; j < nonly; j++)
					free((void *)only[j]);
				free(only);
				return EXIT_USAGE;
			}
		mtpe_severity fail_on = cli_run_fail_on(cfg, fail_on_s);
		if (mtpe_doc_load(&doc, files[i], &common.dopts, &err) < 0) {
			cli_report_error(&err);
			runtime_error = true;
			continue;
		}
		/* the identity of the bytes read: the save is refused if the file changes meanwhile */
		mtpe_file_id id;
		if (!diff && mtpe_file_id_get(&id, files[i], doc->data, doc->len, &err) < 0) {
			cli_report_error(&err);
			runtime_error = true;
			mtpe_doc_free(doc);
			continue;
		}
		mtpe_fix_options fo = MTPE_FIX_OPTIONS_INIT;
		fo.only = only;
		fo.nonly = nonly;
		fo.doc_opts = &common.dopts;
		if (mtpe_fix_document(&res, chk, doc, &fo, &err) < 0) {
			if (!err.path[0])
				snprintf(err.path, sizeof(err.path), "%s", doc->path);
			cli_report_error(&err);
			runtime_error = true;
			mtpe_doc_free(doc);
			continue;
		}
		bool changed = res.len != doc->len || memcmp(res.data, doc->data, doc->len);
		if (diff) {
			out.len = 0;
			if (mtpe_unified_diff(&out, doc->path, doc->data, doc->len, res.data, res.len) < 0) {
				cli_error("out of memory");
				runtime_error = true;
			} else if (out.len) {
				fwrite(out.ptr, 1, out.len, stdout);
			}
		} else if (changed) {
			int se = mtpe_save_atomic(files[i], res.data, res.len, &id, NULL, &err);
			if (se < 0) {
				if (!err.path[0])
					snprintf(err.path, sizeof(err.path), "%s", doc->path);
				cli_report_error(&err);
				runtime_error = true;
			} else {
				fprintf(stderr, "mtpe: %s: applied %zu fix%s\n", doc->path, res.applied,
					res.applied == 1 ? "" : "es");
			}
		}
		for (size_t k = 0; k < res.remaining.len; k++)
			if (fail_on != MTPE_SEV_NONE && res.remaining.items[k].severity >= fail_on)
				failed = true;
		mtpe_fix_result_dispose(&res);
		mtpe_doc_free(doc);
	}
	fflush(stdout);
	mtpe_buf_dispose(&out);
	cli_run_dispose(&run);
	free(files);
	for (size_t k = 0; k < nonly; k++)
		free((void *)only[k]);
	free(only);
	if (runtime_error)
		return EXIT_RUNTIME;
	return failed ? EXIT_FINDINGS : EXIT_CLEAN;

usage_missing:
	opt_missing(&it);
usage:
	free(files);
	for (size_t j = 0; j < nonly; j++)
		free((void *)only[j]);
	free(only);
	return EXIT_USAGE;
}
