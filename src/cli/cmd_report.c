/* cmd_report.c - `mtpe report FILE... [-o OUT] [--format html|md|json|csv]`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "cliconf.h"
#include "mtpe/report.h"

static void help(void)
{
	printf("usage: mtpe report [options] FILE... ('-' reads stdin)\n\n"
	       "A QA report: counts by category and severity, an MQM-style score per file,\n"
	       "findings by rule and, in HTML, every document with its findings highlighted.\n\n"
	       "  -o, --output FILE      write the report to FILE (default: stdout)\n"
	       "  -f, --format FMT       %s (default html, or from the -o extension)\n"
	       "  --title TEXT           report title (default 'mtpe report')\n"
	       "  --fail-on SEV          exit 1 when a finding is at least SEV: error, warning (default), info, none\n"
	       "  --input-format FMT     force the input format\n"
	       "%s",
	       mtpe_report_formats(), cli_common_help);
}

static const char *format_from_ext(const char *out)
{
	const char *dot = out ? strrchr(out, '.') : NULL;
	if (!dot)
		return NULL;
	if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
		return "html";
	if (!strcmp(dot, ".md") || !strcmp(dot, ".markdown"))
		return "md";
	if (!strcmp(dot, ".json"))
		return "json";
	if (!strcmp(dot, ".csv"))
		return "csv";
	return NULL;
}

static int write_out(const char *path, const mtpe_buf *b)
{
	if (!path || !strcmp(path, "-")) {
		if (b->len && fwrite(b->ptr, 1, b->len, stdout) != b->len)
			return -1;
		return fflush(stdout);
	}
	FILE *f = fopen(path, "wb");
	if (!f) {
		cli_error("report: cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	bool bad = b->len && fwrite(b->ptr, 1, b->len, f) != b->len;
	if (fclose(f) != 0 || bad) {
		cli_error("report: cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct cli_common common;
	struct opt_iter it = { argc, argv, 1, "report", false };
	const char *format = NULL, *output = NULL, *title = NULL, *fail_on_s = NULL;
	const char **files = calloc((size_t)argc + 1, sizeof(char *));
	size_t nfiles = 0;
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
		if (opt_match2(&it, "format", 'f', &v)) {
			if (!v)
				goto usage_missing;
			format = v;
			continue;
		}
		if (opt_match2(&it, "output", 'o', &v)) {
			if (!v)
				goto usage_missing;
			output = v;
			continue;
		}
		if (opt_match(&it, "title", &v)) {
			if (!v)
				goto usage_missing;
			title = v;
			continue;
		}
		if (opt_match(&it, "fail-on", &v)) {
			if (!v)
				goto usage_missing;
			mtpe_severity s;
			if (mtpe_severity_from_name(v, &s) < 0) {
				cli_error("report: --fail-on takes error, warning, info or none, not '%s'", v);
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
	if (!format)
		format = format_from_ext(output);
	if (!format)
		format = "html";
	if (strcmp(format, "html") && strcmp(format, "md") && strcmp(format, "markdown") && strcmp(format, "json") &&
	    strcmp(format, "csv")) {
		cli_error("report: unknown --format '%s' (known: %s)", format, mtpe_report_formats());
		goto usage;
	}
	if (!nfiles) {
		cli_error("report: no files given; use '-' to read stdin (see 'mtpe report --help')");
		goto usage;
	}

	struct cli_run run;
	mtpe_checker *first = NULL;
	if (cli_run_init(&run, &common) < 0 || !(first = cli_run_checker(&run, files[0]))) {
		cli_run_dispose(&run);
		free(files);
		return EXIT_RUNTIME;
	}
	mtpe_doc **docs = calloc(nfiles, sizeof(*docs));
	mtpe_findings *fss = calloc(nfiles, sizeof(*fss));
	mtpe_report_file *rf = calloc(nfiles, sizeof(*rf));
	const mtpe_report_settings *settings = NULL;
	size_t n = 0;
	bool runtime_error = false, failed = false;
	if (!docs || !fss || !rf) {
		cli_error("out of memory");
		runtime_error = true;
		nfiles = 0;
	}
	for (size_t i = 0; i < nfiles; i++) {
		mtpe_checker *chk;
		const mtpe_config *cfg;
		mtpe_error err;
		mtpe_error_clear(&err);
		int skip = cli_run_for(&run, files[i], &chk, &cfg);
		if (skip) {
			runtime_error |= skip < 0;
			continue;
		}
		if (mtpe_doc_load(&docs[n], files[i], &common.dopts, &err) < 0) {
			cli_report_error(&err);
			runtime_error = true;
			continue;
		}
		mtpe_findings empty = MTPE_FINDINGS_INIT;
		fss[n] = empty;
		size_t words = 0;
		if (mtpe_checker_check(chk, docs[n], &fss[n], &words, &err) < 0) {
			if (!err.path[0])
				snprintf(err.path, sizeof(err.path), "%s", docs[n]->path);
			cli_report_error(&err);
			runtime_error = true;
			mtpe_findings_dispose(&fss[n]);
			mtpe_doc_free(docs[n]);
			docs[n] = NULL;
			continue;
		}
		mtpe_severity fail_on = cli_run_fail_on(cfg, fail_on_s);
		for (size_t k = 0; k < fss[n].len; k++)
			if (fail_on != MTPE_SEV_NONE && fss[n].items[k].severity >= fail_on)
				failed = true;
		rf[n].doc = docs[n];
		rf[n].findings = &fss[n];
		rf[n].words = words;
		rf[n].settings = cfg ? &cfg->report : NULL;
		if (!settings && cfg)
			settings = &cfg->report;
		n++;
	}
	if (!runtime_error || n) {
		mtpe_report rep = { rf, n, first, settings, title };
		mtpe_buf out = MTPE_BUF_INIT;
		mtpe_error err;
		mtpe_error_clear(&err);
		if (mtpe_report_render(&out, format, &rep, &err) < 0) {
			cli_report_error(&err);
			runtime_error = true;
		} else if (write_out(output, &out) < 0) {
			runtime_error = true;
		}
		mtpe_buf_dispose(&out);
	}
	for (size_t i = 0; i < n; i++) {
		mtpe_findings_dispose(&fss[i]);
		mtpe_doc_free(docs[i]);
	}
	free(docs);
	free(fss);
	free(rf);
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
