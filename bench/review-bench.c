/*
 * review-bench.c - timing of `mtpe review` on a large file (a benchmark, not a
 * test). Built and run by bench/review-bench.sh.
 *
 *   review-bench FILE [KEYS]
 *
 * Reports: checker start-up, loading, checking (the findings), building the
 * session, the first 80x24 render ("open" = all of these), then KEYS
 * keystrokes (navigation, keep, accept with its re-check, undo, redo, scroll,
 * edit) each followed by a full 80x24 render: mean, p99 and max
 * keystroke-to-redraw. Painting the 1920 cells with curses is not included
 * (no terminal); it is a few hundred microseconds.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "view.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: review-bench FILE [KEYS]\n");
		return 2;
	}
	setlocale(LC_ALL, "C.UTF-8");
	int nkeys = argc > 2 ? atoi(argv[2]) : 2000;
	mtpe_error err;
	mtpe_error_clear(&err);
	double t0 = now();
	mtpe_checker *chk = NULL;
	mtpe_checker_options co = MTPE_CHECKER_OPTIONS_INIT;
	co.source_lang = getenv("BENCH_SOURCE_LANG") ? getenv("BENCH_SOURCE_LANG") : "ru";
	co.personal = "/dev/null";
	if (mtpe_checker_new(&chk, &co, &err) < 0) {
		fprintf(stderr, "checker: %s\n", err.msg);
		return 3;
	}
	mtpe_checker *bg = NULL;
	if (!getenv("BENCH_SYNC") && mtpe_checker_new(&bg, &co, &err) < 0) {
		fprintf(stderr, "checker: %s\n", err.msg);
		return 3;
	}
	double t1 = now();
	tui_app a;
	tui_app_options o;
	memset(&o, 0, sizeof(o));
	o.chk = chk;
	o.bg_chk = bg;
	o.no_journal = true;
	const char *paths[1] = { argv[1] };
	if (tui_app_init(&a, &o, paths, 1, NULL, NULL, &err) < 0) {
		fprintf(stderr, "open: %s\n", err.msg);
		return 3;
	}
	double t2 = now();
	tui_app_start(&a);
	tui_view v;
	memset(&v, 0, sizeof(v));
	tui_view_render(&v, &a, 80, 24);
	double t3 = now();
	mtpe_session_counts c;
	mtpe_session_counts_get(a.files[0].s, &c);
	const mtpe_doc *doc = mtpe_session_doc(a.files[0].s);
	printf("file: %s, %zu bytes\n", argv[1], doc->len);
	printf("checker start-up (x%d):      %8.1f ms\n", bg ? 2 : 1, (t1 - t0) * 1e3);
	printf("load + %s check + session: %8.1f ms (%zu findings on the first screen)\n", bg ? "quick" : "full",
	       (t2 - t1) * 1e3, c.total);
	printf("first render (80x24):       %8.1f ms\n", (t3 - t2) * 1e3);
	printf("open (file to first screen): %7.1f ms  (without checker start-up)\n", (t3 - t1) * 1e3);
	if (bg) {
		/* keys while the worker checks the rest: the UI must stay responsive */
		double worst = 0, tot = 0;
		int n = 0;
		while (tui_app_busy(&a) && n < 100000) {
			int key = n % 2 ? 'J' : 'K';
			double k0 = now();
			tui_app_poll(&a);
			tui_app_key(&a, key);
			tui_view_render(&v, &a, 80, 24);
			double d = now() - k0;
			tot += d;
			if (d > worst)
				worst = d;
			n++;
			struct timespec ts = { 0, 20 * 1000 * 1000 }; /* a fast typist: 50 keys/s */
			nanosleep(&ts, NULL);
		}
		double tw0 = now();
		tui_app_wait(&a);
		tui_view_render(&v, &a, 80, 24);
		mtpe_session_counts_get(a.files[0].s, &c);
		printf("background check done:      %8.1f ms after open; %zu findings in all\n", (now() - t3) * 1e3, c.total);
		printf("keys during it: %d, mean %.2f ms, max %.2f ms (merge wait %.1f ms)\n", n, n ? tot / n * 1e3 : 0,
		       worst * 1e3, (now() - tw0) * 1e3);
	}

	/* a key mix: mostly navigation and decisions, as a translator works */
	static const int mix[] = { 'j', 'J', 'K', 'n', '1', 'j', 'u', TUI_CTRL('r'), TUI_KEY_PGDN, TUI_KEY_PGUP,
				   'k', TUI_KEY_DOWN, 'e', TUI_KEY_ESC, 'J', 'y', 'n', 'K', 'J', 'J' };
	double *lat = malloc((size_t)nkeys * sizeof(double));
	double sum = 0;
	for (int i = 0; i < nkeys; i++) {
		int key = mix[i % (int)(sizeof(mix) / sizeof(mix[0]))];
		double k0 = now();
		tui_app_key(&a, key);
		tui_view_render(&v, &a, 80, 24);
		lat[i] = now() - k0;
		sum += lat[i];
	}
	qsort(lat, (size_t)nkeys, sizeof(double), cmp_d);
	mtpe_session_counts_get(a.files[0].s, &c);
	printf("keystroke to redraw, %d keys: mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", nkeys,
	       sum / nkeys * 1e3, lat[nkeys / 2] * 1e3, lat[(int)(nkeys * 0.99)] * 1e3, lat[nkeys - 1] * 1e3);
	printf("after the run: %zu decisions on the stack, %zu changes, %zu hits\n", c.decisions, c.changes, c.total);
	double w0 = now();
	char *out = NULL;
	size_t outlen = 0;
	mtpe_session_splice(a.files[0].s, &out, &outlen);
	printf("splice of the whole file:   %8.1f ms\n", (now() - w0) * 1e3);
	free(out);
	free(lat);
	tui_view_dispose(&v);
	tui_app_dispose(&a);
	mtpe_checker_free(bg);
	mtpe_checker_free(chk);
	return 0;
}
