/* cmd_review.c - `mtpe review FILE...`: accept or reject every fix, interactively. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "cliconf.h"
#include "opts.h"
#include "mtpe/spell.h"

#ifdef MTPE_HAVE_TUI
#include "tui.h"
#endif

static void help(void)
{
	printf("usage: mtpe review [options] FILE...\n\n"
	       "Walks through every finding in context; one key accepts a fix, picks another\n"
	       "suggestion, edits it, keeps the original, or undoes. Fixes are written only on\n"
	       "w or x, atomically; every decision is journaled so a crash loses nothing.\n\n"
	       "  --no-curses            line mode: one hit per prompt, one key per line (also used\n"
	       "                         when stdin or stdout is not a terminal, or TERM=dumb)\n"
	       "  --dump-screen WxH      line mode that prints the rendered WxH screen after each key\n"
	       "  --no-journal           do not keep a crash journal\n"
	       "  --input-format FMT     force the input format\n"
	       "%s\n"
	       "Keys: 1-9 accept N, Enter/y accept highlighted, n/Space keep, e edit, i ignore match,\n"
	       "I ignore rule, a add to dictionary, u undo, ^R redo, j/k next/prev undecided, J/K any,\n"
	       "w write, x write and quit, q quit, Q quit without writing, ? help.\n"
	       "Journal: $XDG_STATE_HOME/mtpe/journal (default ~/.local/state/mtpe/journal).\n"
	       "Exit codes: 0 done, 2 usage error, 3 runtime error (unreadable file, failed save).\n",
	       cli_common_help);
}

#ifdef MTPE_HAVE_TUI
/* Checker options come from the command line merged with each file's .mtpe.yaml (as for check). */
static int run_review(struct cli_common *common, const char **files, size_t nfiles, bool no_curses, bool no_journal,
		      int dump_w, int dump_h)
{
	struct cli_run run, run_bg;
	bool have_bg = false;
	int rc = EXIT_RUNTIME;
	const char *term = getenv("TERM");
	bool line = no_curses || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term || !*term ||
		    !strcmp(term, "dumb");
	mtpe_checker **chks = calloc(nfiles + 1, sizeof(*chks));
	mtpe_checker **bgs = calloc(nfiles + 1, sizeof(*bgs));
	const char **keep = calloc(nfiles + 1, sizeof(*keep));
	char *personal = common->copts.personal ? strdup(common->copts.personal) : mtpe_personal_default_path();
	size_t n = 0;
	tui_app app;
	memset(&app, 0, sizeof(app));
	if (!chks || !bgs || !keep || cli_run_init(&run, common) < 0) {
		free(chks);
		free(bgs);
		free(keep);
		free(personal);
		free(files);
		return EXIT_RUNTIME;
	}
	/* on screen, a big file opens on a quick check of its start while a second
	 * checker (checkers are not thread-safe) checks it all in the background */
	if (!line && !getenv("MTPE_REVIEW_SYNC")) {
		for (size_t i = 0; i < nfiles && !have_bg; i++) {
			struct stat st;
			if (stat(files[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)(256 << 10))
				have_bg = cli_run_init(&run_bg, common) == 0;
		}
	}
	for (size_t i = 0; i < nfiles; i++) {
		mtpe_checker *chk = NULL;
		int r = cli_run_for(&run, files[i], &chk, NULL);
		if (r < 0)
			goto out; /* reported */
		if (r > 0) {
			cli_warn("review: '%s' is ignored by its .mtpe.yaml; skipped", files[i]);
			continue;
		}
		keep[n] = files[i];
		chks[n] = chk;
		if (have_bg) {
			struct stat st;
			if (stat(files[i], &st) == 0 && st.st_size > (off_t)(256 << 10))
				bgs[n] = cli_run_checker(&run_bg, files[i]);
		}
		n++;
	}
	if (!n) {
		cli_error("review: nothing to review");
		rc = EXIT_USAGE;
		goto out;
	}
	tui_app_options o;
	memset(&o, 0, sizeof(o));
	o.chk = chks[0];
	o.personal_path = personal;
	o.dopts = common->dopts;
	o.no_journal = no_journal;
	mtpe_error err;
	mtpe_error_clear(&err);
	if (tui_app_init(&app, &o, keep, n, chks, bgs, &err) < 0) {
		cli_report_error(&err);
		goto out;
	}
	if (line) {
		tui_line_options lo = { dump_w, dump_h };
		rc = tui_run_line(&app, stdin, stdout, &lo);
	} else {
		rc = tui_run_curses(&app);
		if (rc == TUI_NO_TERMINAL) {
			cli_warn("review: cannot use terminal type '%s'; using the line mode", term);
			tui_line_options lo = { 0, 0 };
			rc = tui_run_line(&app, stdin, stdout, &lo);
		}
	}
	for (size_t i = 0; i < app.nfiles; i++)
		if (app.files[i].saved)
			fprintf(stderr, "mtpe: wrote %s\n", app.files[i].path);
	size_t unsaved = tui_app_unsaved(&app);
	if (unsaved)
		fprintf(stderr, "mtpe: %zu unsaved change%s kept in the journal; run 'mtpe review' on the same "
				"file%s to resume\n", unsaved, unsaved == 1 ? "" : "s", app.nfiles > 1 ? "s" : "");
	if (tui_app_busy(&app) || app.worker_started) {
		/* quitting while the background check runs: everything that matters is
		 * saved or journaled (fsync'd), so leave without waiting for it */
		tui_app_release_locks(&app);
		fflush(NULL);
		_exit(rc);
	}
out:
	tui_app_dispose(&app);
	cli_run_dispose(&run);
	if (have_bg)
		cli_run_dispose(&run_bg);
	free(chks);
	free(bgs);
	free(keep);
	free(personal);
	free(files);
	return rc;
}
#endif

int cmd_review(int argc, char **argv)
{
	struct cli_common common;
	struct opt_iter it = { argc, argv, 1, "review", false };
	const char **files = calloc((size_t)argc + 1, sizeof(char *));
	size_t nfiles = 0;
	bool no_curses = false, no_journal = false;
	int dump_w = 0, dump_h = 0;
	int rc;

	if (!files)
		return EXIT_RUNTIME;
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
		if (opt_flag(&it, "no-curses")) {
			no_curses = true;
			continue;
		}
		if (opt_flag(&it, "no-journal")) {
			no_journal = true;
			continue;
		}
		if (opt_match(&it, "dump-screen", &v)) {
			if (!v) {
				opt_missing(&it);
				goto usage;
			}
			if (sscanf(v, "%dx%d", &dump_w, &dump_h) != 2 || dump_w < 1 || dump_h < 1 || dump_w > 1000 ||
			    dump_h > 1000) {
				cli_error("review: --dump-screen takes WIDTHxHEIGHT like 80x24, not '%s'", v);
				goto usage;
			}
			no_curses = true;
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
		cli_error("review: no files given (see 'mtpe review --help')");
		goto usage;
	}
#ifndef MTPE_HAVE_TUI
	cli_error("review: this mtpe was built without the review UI (BUILD_TUI=OFF)");
	free(files);
	return EXIT_RUNTIME;
#else
	return run_review(&common, files, nfiles, no_curses, no_journal, dump_w, dump_h);
#endif

usage:
	free(files);
	return EXIT_USAGE;
}
