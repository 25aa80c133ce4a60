/* cmd_check.c - `mtpe check FILE...`: compiler-style diagnostics for CI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "opts.h"
#include "cliconf.h"
#include "mtpe/format.h"
#include "mtpe/formats.h"

static void help(void)
{
	printf("usage: mtpe check [options] FILE... ('-' reads stdin)\n\n"
	       "  -f, --format FMT       output format: %s (default text)\n"
	       "  --fail-on SEV          exit 1 when a finding is at least SEV: error, warning (default), info, none\n"
	       "  --color WHEN           auto (default), always, never\n"
	       "  --input-format FMT     force the input format\n"
	       "%s",
	       mtpe_formatter_names(), cli_common_help);
}

static bool want_color(const char *when)
{
	if (!strcmp(when, "always"))
		return true;
	if (!strcmp(when, "never"))
		return false;
	const char *term = getenv("TERM");
	return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && strcmp(term, "dumb");
}

static void flush_out(mtpe_buf *b)
{
	if (b->len)
		fwrite(b->ptr, 1, b->len, stdout);
	b->len = 0;
}

int cmd_check(int argc, char **argv)
{
	struct cli_common common;
	struct opt_iter it = { argc, argv, 1, "check", false };
	const char *format = "text", *color = "auto", *fail_on_s = NULL; /* NULL: from .mtpe.yaml */
	const char **files = calloc((size_t)argc + 1, sizeof(char *));
	size_t nfiles = 0;
	int rc;

	cli_common_init(&common);
	for (; it.i < argc; it.i++) {
		const char *a = argv[it.i], *v;
		if (it.done || a[0] != '-' || !strcmp(a, "-")) {
			files[nfiles++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			it.done = true;
			continue;
		}
		if (opt_flag2(&it, "help", 'h')) {
			help();
			free(files);
			return 0;
		}
		if (opt_match2(&it, "format", 'f', &v)) {
			if (!v)
				goto usage_missing;
			format = v;
			continue;
		}
		if (opt_match(&it, "fail-on", &v)) {
			if (!v)
				goto usage_missing;
			fail_on_s = v;
			continue;
		}
		if (opt_match(&it, "color", &v) || opt_match(&it, "colour", &v)) {
			if (!v)
				goto usage_missing;
			if (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never")) {
				cli_error("check: --color takes auto, always or never, not '%s'", v);
				goto usage;
			}
			color = v;
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
	const mtpe_formatter *fmt = mtpe_formatter_find(format);
	if (!fmt) {
		cli_error("check: unknown --format '%s' (known: %s)", format, mtpe_formatter_names());
		goto usage;
	}
	mtpe_severity fail_on;
	if (fail_on_s && mtpe_severity_from_name(fail_on_s, &fail_on) < 0) {
		cli_error("check: --fail-on takes error, warning, info or none, not '%s'", fail_on_s);
		goto usage;
	}
	if (!nfiles) {
		cli_error("check: no files given; use '-' to read stdin (see 'mtpe check --help')");
		goto usage;
	}

	struct cli_run run; /* per-file .mtpe.yaml and one checker per config */
	mtpe_checker *chk = NULL;
	if (cli_run_init(&run, &common) < 0 || !(chk = cli_run_checker(&run, files[0]))) {
		cli_run_dispose(&run);
		free(files);
		return EXIT_RUNTIME;
	}
	mtpe_buf out = MTPE_BUF_INIT;
	mtpe_format_ctx ctx = { &out, want_color(color), true, chk, NULL };
	mtpe_summary sum;
	memset(&sum, 0, sizeof(sum));
	bool runtime_error = false, failed = false;
	if (fmt->begin)
		fmt->begin(&ctx);
	for (size_t i = 0; i < nfiles; i++) {
		mtpe_error err;
		mtpe_doc *doc = NULL;
		mtpe_error_clear(&err);
		const mtpe_config *cfg = NULL;
		int skip = cli_run_for(&run, files[i], &chk, &cfg);
		if (skip) {
			runtime_error |= skip < 0; /* 1: ignored by the config */
			continue;
		}
		fail_on = cli_run_fail_on(cfg, fail_on_s);
		if (mtpe_doc_load(&doc, files[i], &common.dopts, &err) < 0) {
			cli_report_error(&err);
			runtime_error = true;
			continue;
		}
		if (common.source_path && mtpe_doc_attach_source(doc, common.source_path, &err) < 0) {
			if (!err.path[0])
				snprintf(err.path, sizeof(err.path), "%s", doc->path);
			cli_report_error(&err);
			mtpe_doc_free(doc);
			runtime_error = true;
			continue;
		}
		mtpe_findings fs = MTPE_FINDINGS_INIT;
		size_t words = 0;
		if (mtpe_checker_check(chk, doc, &fs, &words, &err) < 0) {
			if (!err.path[0])
				snprintf(err.path, sizeof(err.path), "%s", doc->path);
			cli_report_error(&err);
			runtime_error = true;
		} else {
			sum.files++;
			sum.words += words;
			sum.findings += fs.len;
			for (size_t k = 0; k < fs.len; k++) {
				sum.by_severity[fs.items[k].severity]++;
				sum.by_category[fs.items[k].category]++;
				if (fail_on != MTPE_SEV_NONE && fs.items[k].severity >= fail_on)
					failed = true;
			}
			fmt->file(&ctx, doc, &fs);
			flush_out(&out);
		}
		mtpe_findings_dispose(&fs);
		mtpe_doc_free(doc);
	}
	if (fmt->end)
		fmt->end(&ctx, &sum);
	flush_out(&out);
	fflush(stdout);
	mtpe_buf_dispose(&out);
	cli_run_dispose(&run);
	free(files);
	if (runtime_error)
		return EXIT_RUNTIME;
	return failed ? EXIT_FINDINGS : EXIT_CLEAN;

usage_missing:
	opt_missing(&it);
usage:
	free(files);
	return EXIT_USAGE;
}
