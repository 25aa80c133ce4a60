/* cmd_check.c - `mtpe check FILE...`: compiler-style diagnostics for CI. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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
	       "  -j, --jobs N           N threads (default: one per core): files in parallel, or one long file in\n"
	       "                         parts (2 MiB and more); output and its order are the same as with -j 1\n"
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

static void flush_out(mtpe_buf *b);
static void flush_ctx(mtpe_format_ctx *ctx)
{
	flush_out(ctx->out);
}

static void flush_out(mtpe_buf *b)
{
	if (b->len)
		fwrite(b->ptr, 1, b->len, stdout);
	b->len = 0;
}

/*
 * Parallel checking (-j): files are claimed from a shared counter by worker
 * threads and by the main thread; each thread has its own configuration run
 * and checkers (a checker is not thread-safe). Results wait in `res` until the
 * main thread prints them in the files' order, so output equals a serial run.
 */
struct check_result {
	int status;            /* 0 checked, 1 ignored by the config, -1 error */
	bool done;
	mtpe_doc *doc;
	mtpe_findings fs;
	size_t words;
	mtpe_severity fail_on;
	mtpe_error err;        /* printed by the main thread, in order */
};

struct check_jobs;
/*
 * A large file is read, and the checkers of the other threads are made, while
 * this thread makes its own checker: on two cores that is half the wait.
 */
struct bg_load {
	const char *file;
	const mtpe_doc_options *opts;
	mtpe_doc *doc;
	mtpe_error err;
	int rc;
	pthread_t th;
};

static void *bg_load_doc(void *arg)
{
	struct bg_load *L = arg;
	mtpe_heap_advise();
	L->rc = mtpe_doc_load(&L->doc, L->file, L->opts, &L->err);
	return NULL;
}

struct bg_extra {
	struct check_jobs *J;
	const char *file;
	mtpe_checker *x[256];
	size_t n;
	pthread_t th;
};

struct check_jobs {
	struct cli_common *common;
	const char **files;
	size_t n, next;
	const char *fail_on_s;
	struct check_result *res;
	struct cli_run *extra;  /* one file, several threads: the other threads' configuration runs */
	size_t nextra;
	pthread_mutex_t lock;
	pthread_cond_t done;
	/* one large file: read, and the other checkers made, from the start (run_one of file 0 takes them) */
	struct bg_load pre_load;
	struct bg_extra pre_extra;
	bool pre_loading, pre_making;
};

static void *bg_make_extras(void *arg)
{
	struct bg_extra *E = arg;
	mtpe_heap_advise();
	for (size_t e = 0; e < E->J->nextra && E->n < 256; e++) {
		mtpe_checker *x = NULL;
		if (cli_run_for(&E->J->extra[e], E->file, &x, NULL) == 0 && x)
			E->x[E->n++] = x;
	}
	return NULL;
}

/* Starts reading file 0 and making the other threads' checkers (J->extra set up). */
static void prefetch(struct check_jobs *J)
{
	memset(&J->pre_load, 0, sizeof(J->pre_load));
	J->pre_load.file = J->files[0];
	J->pre_load.opts = &J->common->dopts;
	J->pre_extra.J = J;
	J->pre_extra.file = J->files[0];
	J->pre_extra.n = 0;
	J->pre_loading = pthread_create(&J->pre_load.th, NULL, bg_load_doc, &J->pre_load) == 0;
	J->pre_making = J->nextra && pthread_create(&J->pre_extra.th, NULL, bg_make_extras, &J->pre_extra) == 0;
}

/* Waits for the prefetch; the document is dropped unless keep. */
static void prefetch_join(struct check_jobs *J, bool keep)
{
	if (J->pre_loading)
		pthread_join(J->pre_load.th, NULL);
	if (J->pre_making)
		pthread_join(J->pre_extra.th, NULL);
	if (!keep) {
		mtpe_doc_free(J->pre_load.doc);
		J->pre_load.doc = NULL;
		J->pre_loading = J->pre_making = false;
	}
}

static size_t claim(struct check_jobs *J)
{
	pthread_mutex_lock(&J->lock);
	size_t k = J->next < J->n ? J->next++ : J->n;
	pthread_mutex_unlock(&J->lock);
	return k;
}

static bool take_done(struct check_jobs *J, size_t i)
{
	pthread_mutex_lock(&J->lock);
	bool d = J->res[i].done;
	pthread_mutex_unlock(&J->lock);
	return d;
}

static void wait_done(struct check_jobs *J, size_t i)
{
	pthread_mutex_lock(&J->lock);
	while (!J->res[i].done)
		pthread_cond_wait(&J->done, &J->lock);
	pthread_mutex_unlock(&J->lock);
}

/* Files up to this size get mtpe_heap_large (see cmd_check). */
#define HEAP_LARGE_MAX ((size_t)32 << 20)

/* The size of a regular file (0 for stdin, anything else, or an error). */
static size_t file_size(const char *file)
{
	struct stat st;
	return strcmp(file, "-") && stat(file, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
}

static void run_one(struct check_jobs *J, struct cli_run *run, size_t i)
{
	struct check_result *res = &J->res[i];
	const char *file = J->files[i];
	mtpe_checker *chk = NULL;
	const mtpe_config *cfg = NULL;
	mtpe_error_clear(&res->err);
	/* file 0 of a one-file run may have been started on already (prefetch) */
	bool pre = i == 0 && (J->pre_loading || J->pre_making);
	int skip = cli_run_for(run, file, &chk, &cfg);
	struct bg_load L;
	struct bg_extra E;
	memset(&L, 0, sizeof(L));
	E.n = 0;
	bool loading = false, making = false;
	if (pre) {
		prefetch_join(J, true);
		L = J->pre_load;
		E = J->pre_extra;
		loading = J->pre_loading;
		making = J->pre_making;
		J->pre_loading = J->pre_making = false;
	}
	if (skip) {
		mtpe_doc_free(L.doc);
		res->status = skip < 0 ? -1 : 1; /* errors were printed by cli_run_for */
		goto done;
	}
	res->fail_on = cli_run_fail_on(cfg, J->fail_on_s);
	if (!loading)
		L.rc = mtpe_doc_load(&L.doc, file, &J->common->dopts, &L.err);
	res->doc = L.doc;
	if (L.rc < 0) {
		res->err = L.err;
		res->status = -1;
		goto done;
	}
	if (J->common->source_path && mtpe_doc_attach_source(res->doc, J->common->source_path, &res->err) < 0) {
		if (!res->err.path[0])
			snprintf(res->err.path, sizeof(res->err.path), "%s", res->doc->path);
		res->status = -1;
		goto done;
	}
	/* a single file is split among the threads instead (same findings as one thread) */
	mtpe_checker *cs[257];
	size_t ncs = 1;
	cs[0] = chk;
	for (size_t e = 0; making && e < E.n; e++)
		cs[ncs++] = E.x[e];
	for (size_t e = 0; !making && res->doc->len >= MTPE_PARALLEL_MIN_TEXT && e < J->nextra && ncs < 257; e++) {
		mtpe_checker *x = NULL;
		if (cli_run_for(&J->extra[e], file, &x, NULL) == 0 && x)
			cs[ncs++] = x;
	}
	if (mtpe_checker_check_parallel(cs, ncs, res->doc, &res->fs, &res->words, &res->err) < 0) {
		if (!res->err.path[0])
			snprintf(res->err.path, sizeof(res->err.path), "%s", res->doc->path);
		res->status = -1;
		goto done;
	}
	res->status = 0;
done:
	pthread_mutex_lock(&J->lock);
	res->done = true;
	pthread_cond_broadcast(&J->done);
	pthread_mutex_unlock(&J->lock);
}

static void *check_worker(void *arg)
{
	struct check_jobs *J = arg;
	struct cli_run run;
	if (cli_run_init(&run, J->common) < 0)
		return NULL;
	for (size_t k; (k = claim(J)) < J->n;)
		run_one(J, &run, k);
	cli_run_dispose(&run);
	return NULL;
}

int cmd_check(int argc, char **argv)
{
	struct cli_common common;
	struct opt_iter it = { argc, argv, 1, "check", false };
	const char *format = "text", *color = "auto", *fail_on_s = NULL; /* NULL: from .mtpe.yaml */
	const char **files = calloc((size_t)argc + 1, sizeof(char *));
	size_t nfiles = 0;
	int rc, jobs = 0; /* 0: one per core */

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
		if (opt_match2(&it, "jobs", 'j', &v)) {
			if (!v)
				goto usage_missing;
			char *end;
			long j = strtol(v, &end, 10);
			if (*end || j < 1 || j > 256) {
				cli_error("check: -j takes a number of jobs from 1 to 256, not '%s'", v);
				goto usage;
			}
			jobs = (int)j;
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

	int jobs_given = jobs;
	if (!jobs) {
		long nc = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = nc > 0 ? (int)nc : 1;
	}
	if ((size_t)jobs > nfiles)
		jobs = (int)nfiles;

	struct check_jobs J;
	memset(&J, 0, sizeof(J));
	J.common = &common;
	J.files = files;
	J.n = nfiles;
	J.fail_on_s = fail_on_s;
	J.res = calloc(nfiles, sizeof(struct check_result));
	struct cli_run run; /* the main thread's: per-file .mtpe.yaml, one checker per config */
	mtpe_checker *chk = NULL;
	if (!J.res || cli_run_init(&run, &common) < 0) {
		if (J.res)
			cli_run_dispose(&run);
		free(J.res);
		free(files);
		return EXIT_RUNTIME;
	}
	if (nfiles == 1 && jobs == 1) {
		long nc = sysconf(_SC_NPROCESSORS_ONLN);
		size_t want = jobs_given ? (size_t)jobs_given : (nc > 0 ? (size_t)nc : 1);
		if (want > 1 && (J.extra = calloc(want - 1, sizeof(struct cli_run))))
			for (size_t e = 0; e + 1 < want; e++)
				if (cli_run_init(&J.extra[J.nextra], &common) == 0)
					J.extra[J.nextra++].quiet = true; /* the main run reports the errors */
		size_t size0 = file_size(files[0]);
		if (size0 >= MTPE_PARALLEL_MIN_TEXT) {
			/*
			 * Huge pages and a heap that keeps what it is given back cost
			 * memory (peak +20 MiB on a 100 MB file, close to its limit of
			 * 64 MiB + 2x the input; 171 MiB of 182 at 59 MiB) for ~15% of the
			 * time: up to 32 MiB only.
			 */
			if (size0 <= HEAP_LARGE_MAX)
				mtpe_heap_large();
			prefetch(&J); /* while the first checker is made */
		}
	}
	if (!(chk = cli_run_checker(&run, files[0]))) {
		prefetch_join(&J, false);
		for (size_t e = 0; e < J.nextra; e++)
			cli_run_dispose(&J.extra[e]);
		free(J.extra);
		cli_run_dispose(&run);
		free(J.res);
		free(files);
		return EXIT_RUNTIME;
	}
	pthread_mutex_init(&J.lock, NULL);
	pthread_cond_init(&J.done, NULL);
	pthread_t *threads = calloc((size_t)jobs, sizeof(pthread_t));
	int nthreads = 0;
	if (jobs > 1 && threads)
		for (int t = 0; t < jobs - 1; t++) /* the main thread works too */
			if (pthread_create(&threads[nthreads], NULL, check_worker, &J) == 0)
				nthreads++;

	mtpe_buf out = MTPE_BUF_INIT;
	mtpe_format_ctx ctx = { &out, want_color(color), true, chk, NULL, flush_ctx };
	mtpe_summary sum;
	memset(&sum, 0, sizeof(sum));
	bool runtime_error = false, failed = false;
	if (fmt->begin)
		fmt->begin(&ctx);
	for (size_t i = 0; i < nfiles; i++) {
		struct check_result *res = &J.res[i];
		/* help with the queue until file i is done, then print it: output keeps the files' order */
		while (!take_done(&J, i)) {
			size_t k = claim(&J);
			if (k < nfiles)
				run_one(&J, &run, k);
			else
				wait_done(&J, i);
		}
		if (res->status < 0) {
			if (res->err.msg[0])
				cli_report_error(&res->err);
			runtime_error = true;
		} else if (res->status == 0) {
			sum.files++;
			sum.words += res->words;
			sum.findings += res->fs.len;
			for (size_t k = 0; k < res->fs.len; k++) {
				sum.by_severity[res->fs.items[k].severity]++;
				sum.by_category[res->fs.items[k].category]++;
				if (res->fail_on != MTPE_SEV_NONE && res->fs.items[k].severity >= res->fail_on)
					failed = true;
			}
			fmt->file(&ctx, res->doc, &res->fs);
			flush_out(&out);
		}
		mtpe_findings_dispose(&res->fs);
		mtpe_doc_free(res->doc);
		res->doc = NULL;
	}
	for (int t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);
	free(threads);
	if (fmt->end)
		fmt->end(&ctx, &sum);
	flush_out(&out);
	fflush(stdout);
	mtpe_buf_dispose(&out);
	/*
	 * The checkers hold millions of small blocks (rules, word caches, hunspell):
	 * freeing them one by one at exit takes longer than the exit. Sanitizer
	 * builds (and MTPE_FREE_AT_EXIT=1, for valgrind) free them, so leaks
	 * still show; so does MTPE_RULE_TIMES=1 (a checker prints its times when
	 * freed).
	 */
#ifndef MTPE_FREE_AT_EXIT
	if (getenv("MTPE_FREE_AT_EXIT") || getenv("MTPE_RULE_TIMES"))
#endif
	{
		cli_run_dispose(&run);
		for (size_t e = 0; e < J.nextra; e++)
			cli_run_dispose(&J.extra[e]);
		free(J.extra);
	}
	pthread_mutex_destroy(&J.lock);
	pthread_cond_destroy(&J.done);
	free(J.res);
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
