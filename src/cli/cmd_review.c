/* cmd_review.c - `mtpe review FILE...`: accept or reject every fix, interactively. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
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
	{
		mtpe_checker *chk = cli_checker_new(&common);
		if (!chk) {
			free(files);
			return EXIT_RUNTIME;
		}
		char *personal = common.copts.personal ? strdup(common.copts.personal) : mtpe_personal_default_path();
		tui_app app;
		tui_app_options o;
		memset(&o, 0, sizeof(o));
		o.chk = chk;
		o.personal_path = personal;
		o.dopts = common.dopts;
		o.no_journal = no_journal;
		const char *term = getenv("TERM");
		bool line = no_curses || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term || !*term ||
			    !strcmp(term, "dumb");
		/* on screen, a big file opens on a quick check of its start while a second
		 * checker (checkers are not thread-safe) checks it all in the background */
		mtpe_checker *bg = NULL;
		if (!line && !getenv("MTPE_REVIEW_SYNC")) {
			for (size_t i = 0; i < nfiles && !bg; i++) {
				struct stat st;
				if (stat(files[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)(256 << 10))
					bg = cli_checker_new(&common);
			}
		}
		o.bg_chk = bg;
		mtpe_error err;
		mtpe_error_clear(&err);
		if (tui_app_init(&app, &o, files, nfiles, &err) < 0) {
			cli_report_error(&err);
			tui_app_dispose(&app);
			mtpe_checker_free(bg);
			mtpe_checker_free(chk);
			free(personal);
			free(files);
			return EXIT_RUNTIME;
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
		tui_app_dispose(&app);
		mtpe_checker_free(bg);
		mtpe_checker_free(chk);
		free(personal);
		free(files);
		return rc;
	}
#endif

usage:
	free(files);
	return EXIT_USAGE;
}
