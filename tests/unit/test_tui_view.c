/* test_tui_view.c - the curses-free view model and key handling of `mtpe review`. */
#include "helpers.h"

#include <locale.h>

#include "app.h"
#include "view.h"
#include "width.h"

/* CJK, emoji with a skin tone, a combining accent, a tab; hits after all of them. */
static const char DOC[] =
	"\xE6\xBC\xA2\xE5\xAD\x97 \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD He recieve it.\n"
	"Cafe\xCC\x81\tand the goverment plan.\n"
	"Third line.\n";

static void add(mtpe_findings *fs, const char *rule, mtpe_category cat, const char *needle, const char *r1,
		const char *r2)
{
	mtpe_finding f = finding_at(DOC, rule, cat, "Possible misspelling: the word is not in the dictionary", needle, 0, r1, r2);
	assert_int_equal(mtpe_findings_push(fs, &f), 0);
}

static tui_app *make_app(void)
{
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "t.txt", DOC, sizeof(DOC) - 1, NULL, NULL), 0);
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	add(&fs, "SPELLING", MTPE_CAT_SPELLING, "recieve", "receive", "relieve");
	add(&fs, "SPELLING", MTPE_CAT_SPELLING, "goverment", "government", NULL);
	mtpe_findings_sort(&fs);
	for (size_t i = 0; i < fs.len; i++)
		mtpe_doc_linecol(d, fs.items[i].offset, &fs.items[i].line, &fs.items[i].column);
	tui_app *a = calloc(1, sizeof(*a));
	a->files = calloc(1, sizeof(tui_file));
	a->nfiles = 1;
	a->files[0].path = strdup("t.txt");
	a->files[0].resume_done = true;
	assert_int_equal(mtpe_session_new(&a->files[0].s, d, NULL, &fs, NULL, NULL), 0);
	a->files[0].cur = mtpe_session_first(a->files[0].s);
	tui_app_start(a);
	return a;
}

static void free_app(tui_app *a)
{
	tui_app_dispose(a);
	free(a);
}

/* Finds the row holding s; returns the row and the cell column of s's first character. */
static int find_text(const tui_view *v, const char *s, int *col)
{
	char buf[4096];
	for (int y = 0; y < v->h; y++) {
		tui_view_row(v, y, buf, sizeof(buf));
		char *p = strstr(buf, s);
		if (!p)
			continue;
		/* column = width of the row text before p */
		if (col)
			*col = (int)tui_str_width(buf, (size_t)(p - buf));
		return y;
	}
	return -1;
}

static void assert_rows_fit(const tui_view *v)
{
	for (int y = 0; y < v->h; y++) {
		int w = 0;
		for (int x = 0; x < v->w; x++) {
			const tui_cell *c = tui_view_cell(v, y, x);
			w += c->width == 0 ? 1 : c->width == 2 ? 1 : 1;
			if (c->width == 2) {
				assert_true(x + 1 < v->w);
				assert_int_equal(tui_view_cell(v, y, x + 1)->width, 0);
			}
		}
		assert_int_equal(w, v->w);
	}
}

static void test_tui_view__width_of_clusters(void **state)
{
	int w, bad;
	const char *cjk = "\xE6\xBC\xA2";
	assert_int_equal(tui_cluster(cjk, 3, 0, &w, &bad), 3);
	assert_int_equal(w, 2);
	const char *thumb = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBDx"; /* thumbs up + skin tone */
	assert_int_equal(tui_cluster(thumb, 9, 0, &w, &bad), 8);
	assert_int_equal(w, 2);
	const char *fam = "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"; /* woman ZWJ girl */
	assert_int_equal(tui_cluster(fam, 11, 0, &w, &bad), 11);
	assert_int_equal(w, 2);
	const char *acc = "e\xCC\x81z"; /* e + combining acute */
	assert_int_equal(tui_cluster(acc, 4, 0, &w, &bad), 3);
	assert_int_equal(w, 1);
	assert_int_equal(tui_cluster("\xff", 1, 0, &w, &bad), 1);
	assert_int_equal(bad, 1);
	assert_int_equal(tui_str_width("\xE6\xBC\xA2\xE5\xAD\x97 ab", 9), 7);
}

static void test_tui_view__full_layout_80x24(void **state)
{
	tui_app *a = make_app();
	tui_view v;
	memset(&v, 0, sizeof(v));
	char row[4096];
	assert_int_equal(tui_view_render(&v, a, 80, 24), 0);
	assert_false(v.compact);
	assert_rows_fit(&v);
	tui_view_row(&v, 0, row, sizeof(row));
	assert_non_null(strstr(row, "t.txt"));
	assert_non_null(strstr(row, "hit 1/2 0%"));
	assert_non_null(strstr(row, "done 0  left 2"));
	assert_non_null(strstr(row, "saved"));
	assert_true(tui_view_cell(&v, 0, 0)->attr & TUI_A_REVERSE);
	/* the hit: reverse video over exactly its 7 cells, after CJK and emoji */
	int col = 0;
	int y = find_text(&v, "He recieve it.", &col);
	assert_true(y > 0);
	int hx = col + 3;
	for (int x = hx - 1; x <= hx + 7; x++) {
		bool rev = tui_view_cell(&v, y, x)->attr & TUI_A_REVERSE;
		assert_int_equal(rev, x >= hx && x < hx + 7);
	}
	/* CJK and emoji take two cells each; the skin-toned thumb is one cluster */
	char buf[4096];
	tui_view_row(&v, y, buf, sizeof(buf));
	assert_non_null(strstr(buf, "1 | \xE6\xBC\xA2\xE5\xAD\x97 \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD He"));
	int cx = 0;
	for (int x = 0; x < 80; x++)
		if (!strcmp(tui_view_cell(&v, y, x)->ch, "\xE6\xBC\xA2")) {
			cx = x;
			break;
		}
	assert_true(cx > 0);
	assert_int_equal(tui_view_cell(&v, y, cx)->width, 2);
	assert_int_equal(tui_view_cell(&v, y, cx + 1)->width, 0);
	assert_string_equal(tui_view_cell(&v, y, cx + 5)->ch, "\xF0\x9F\x98\x80");
	assert_string_equal(tui_view_cell(&v, y, cx + 7)->ch, "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD");
	/* the other pending hit is underlined; tab expanded; combining mark kept in its cell */
	int gy = find_text(&v, "goverment", &col);
	assert_int_equal(gy, y + 1);
	assert_true(tui_view_cell(&v, gy, col)->attr & TUI_A_UNDERLINE);
	tui_view_row(&v, gy, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Cafe\xCC\x81    and the"));
	/* issue pane, suggestions, preview, hints */
	assert_true(find_text(&v, "SPELLING  1:", NULL) > y);
	assert_true(find_text(&v, "Possible misspelling", NULL) > y);
	assert_true(find_text(&v, "> 1  receive", NULL) > 0);
	assert_true(find_text(&v, "2  relieve", NULL) > 0);
	assert_true(find_text(&v, "after: ", NULL) > 0);
	assert_true(find_text(&v, "He receive it.", NULL) > find_text(&v, "2  relieve", NULL));
	assert_int_equal(find_text(&v, "1-9/Enter accept", NULL), 22);

	/* Down moves the highlight; Enter accepts it; the edit shows with a gutter mark */
	tui_app_key(a, TUI_KEY_DOWN);
	tui_view_render(&v, a, 80, 24);
	assert_true(find_text(&v, "> 2  relieve", NULL) > 0);
	assert_true(find_text(&v, "He relieve it.", NULL) > 0);
	tui_app_key(a, '\n');
	tui_view_render(&v, a, 80, 24);
	tui_view_row(&v, 0, row, sizeof(row));
	assert_non_null(strstr(row, "hit 2/2 50%"));
	assert_non_null(strstr(row, "unsaved 1"));
	y = find_text(&v, "He relieve it.", &col);
	assert_true(y > 0);
	tui_view_row(&v, y, buf, sizeof(buf));
	assert_non_null(strstr(buf, "*1 |"));
	assert_true(tui_view_cell(&v, y, col + 3)->attr & TUI_A_EDITED);
	/* the hit sits about a third down the context pane */
	int hy = find_text(&v, "goverment", NULL);
	assert_true(hy >= 2 && hy <= 2 + 10);

	/* e opens the editor pre-filled; resize keeps the text; Esc cancels */
	tui_app_key(a, 'e');
	tui_view_render(&v, a, 80, 24);
	tui_view_row(&v, 23, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Replace \"goverment\" with: government"));
	assert_int_equal(v.cursor_y, 23);
	assert_int_equal(tui_app_key(a, TUI_KEY_RESIZE) & TUI_R_REDRAW, TUI_R_REDRAW);
	tui_app_key(a, 'X');
	tui_view_render(&v, a, 40, 9);
	tui_view_row(&v, 8, buf, sizeof(buf));
	assert_non_null(strstr(buf, "governmentX"));
	tui_app_key(a, TUI_KEY_ESC);
	assert_int_equal(a->mode, TUI_MODE_NORMAL);
	/* u undoes and goes back to the undone hit */
	tui_app_key(a, 'u');
	tui_view_render(&v, a, 80, 24);
	tui_view_row(&v, 0, row, sizeof(row));
	assert_non_null(strstr(row, "hit 1/2"));
	assert_null(strstr(row, "unsaved"));
	/* ? shows help, any key returns */
	tui_app_key(a, '?');
	tui_view_render(&v, a, 80, 24);
	assert_true(find_text(&v, "Keys (one decision", NULL) == 1);
	tui_app_key(a, ' ');
	assert_int_equal(a->mode, TUI_MODE_NORMAL);
	tui_view_dispose(&v);
	free_app(a);
}

static void test_tui_view__small_40x9_and_too_small(void **state)
{
	tui_app *a = make_app();
	tui_view v;
	memset(&v, 0, sizeof(v));
	char buf[4096];
	assert_int_equal(tui_view_render(&v, a, 40, 9), 0);
	assert_true(v.compact);
	assert_rows_fit(&v);
	tui_view_row(&v, 0, buf, sizeof(buf));
	assert_string_equal(buf, " t.txt 1/2 saved");
	int col;
	int y = find_text(&v, "recieve", &col);
	assert_true(y >= 1 && y <= 2);
	for (int x = col; x < col + 7; x++)
		assert_true(tui_view_cell(&v, y, x)->attr & TUI_A_REVERSE);
	assert_true(find_text(&v, "SPELLING 1:", NULL) > y);
	assert_true(find_text(&v, "1 receive | 2 relieve", NULL) > 0);
	assert_int_equal(find_text(&v, "1-9 n e i u j k q ?", NULL), 7);
	/* a hit far right on a narrow screen wraps rather than vanishing */
	tui_app_key(a, 'j');
	tui_view_render(&v, a, 24, 6);
	assert_rows_fit(&v);
	assert_true(find_text(&v, "goverment", NULL) >= 1);
	tui_view_render(&v, a, 19, 5);
	assert_true(v.too_small);
	assert_true(find_text(&v, "terminal too small", NULL) == 0);
	tui_view_render(&v, a, 80, 4);
	assert_true(v.too_small);
	tui_view_dispose(&v);
	free_app(a);
}

static void test_tui_view__quit_asks_when_unsaved(void **state)
{
	tui_app *a = make_app();
	char buf[1024];
	assert_int_equal(tui_app_key(a, '1') & TUI_R_QUIT, 0);
	assert_int_equal(tui_app_key(a, 'q') & TUI_R_QUIT, 0);
	assert_int_equal(a->mode, TUI_MODE_QUITASK);
	assert_non_null(strstr(tui_app_prompt(a, buf, sizeof(buf)), "[w]rite / [d]iscard"));
	tui_app_key(a, 'c');
	assert_int_equal(a->mode, TUI_MODE_NORMAL);
	assert_false(a->quit);
	tui_app_key(a, 'Q');
	assert_int_equal(a->mode, TUI_MODE_CONFIRM);
	tui_app_key(a, 'n');
	assert_false(a->quit);
	tui_app_key(a, 'I');
	assert_non_null(strstr(tui_app_prompt(a, buf, sizeof(buf)), "Ignore rule SPELLING"));
	tui_app_key(a, 'y');
	mtpe_session_counts c;
	mtpe_session_counts_get(a->files[0].s, &c);
	assert_int_equal(c.pending, 0);
	assert_int_equal(tui_app_key(a, 'Q'), TUI_R_REDRAW);
	assert_int_equal(tui_app_key(a, 'y') & TUI_R_QUIT, TUI_R_QUIT);
	free_app(a);
}

int main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8")) {
		printf("no UTF-8 locale; skipped\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tui_view__width_of_clusters),
		cmocka_unit_test(test_tui_view__full_layout_80x24),
		cmocka_unit_test(test_tui_view__small_40x9_and_too_small),
		cmocka_unit_test(test_tui_view__quit_asks_when_unsaved),
	};
	return cmocka_run_group_tests_name("tui_view", tests, NULL, NULL);
}
