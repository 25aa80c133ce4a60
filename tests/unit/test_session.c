/* test_session.c - the review session model, its journal and the atomic save. */
#include "helpers.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtpe/check.h"
#include "mtpe/journal.h"
#include "mtpe/save.h"
#include "mtpe/session.h"

/* BOM, CRLF, no final newline. */
static const char DOC[] = "\xEF\xBB\xBFHe recieve it.\r\nA goverment plan.\r\nThe recieve end";

static void add(mtpe_findings *fs, const char *doc, const char *rule, mtpe_category cat, const char *needle,
		int nth, const char *r1, const char *r2)
{
	mtpe_finding f = finding_at(doc, rule, cat, "msg", needle, nth, r1, r2);
	f.severity = MTPE_SEV_WARNING;
	f.line = 1;
	f.column = 1;
	assert_int_equal(mtpe_findings_push(fs, &f), 0);
}

/* hits in document order: 0 "He recieve" (STYLE_X), 1 recieve, 2 goverment, 3 recieve (2nd) */
static mtpe_session *make(void)
{
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "t.txt", DOC, sizeof(DOC) - 1, NULL, NULL), 0);
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	add(&fs, DOC, "STYLE_X", MTPE_CAT_STYLE, "He recieve", 0, "She receives", NULL);
	add(&fs, DOC, "SPELLING", MTPE_CAT_SPELLING, "recieve", 0, "receive", "relieve");
	add(&fs, DOC, "SPELLING", MTPE_CAT_SPELLING, "goverment", 0, "government", NULL);
	add(&fs, DOC, "SPELLING", MTPE_CAT_SPELLING, "recieve", 1, "receive", NULL);
	mtpe_findings_sort(&fs);
	mtpe_session *s = NULL;
	mtpe_session_options o = MTPE_SESSION_OPTIONS_INIT;
	assert_int_equal(mtpe_session_new(&s, d, NULL, &fs, &o, NULL), 0);
	assert_int_equal(mtpe_session_hit_count(s), 4);
	return s;
}

static long hit_with(mtpe_session *s, const char *rule, int nth)
{
	for (size_t i = 0; i < mtpe_session_hit_count(s); i++) {
		const mtpe_hit *h = mtpe_session_hit(s, i);
		if (!strcmp(h->f.rule, rule) && nth-- == 0)
			return (long)i;
	}
	fail_msg("no hit %s", rule);
	return -1;
}

static void assert_splice(mtpe_session *s, const char *want)
{
	char *out = NULL;
	size_t n = 0;
	assert_int_equal(mtpe_session_splice(s, &out, &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	free(out);
}

static void test_session__accept_undo_redo_keep_bytes(void **state)
{
	mtpe_session *s = make();
	long rec = hit_with(s, "SPELLING", 0), style = hit_with(s, "STYLE_X", 0), gov = hit_with(s, "SPELLING", 1);
	mtpe_session_counts c;
	assert_splice(s, DOC); /* zero decisions: output == input */
	assert_int_equal(mtpe_session_decide(s, (size_t)rec, MTPE_DECIDE_ACCEPT, 1, NULL, NULL), 0);
	assert_splice(s, "\xEF\xBB\xBFHe relieve it.\r\nA goverment plan.\r\nThe recieve end");
	/* the overlapping style hit can no longer apply */
	assert_int_equal(mtpe_session_hit_state(s, (size_t)style), MTPE_HIT_OBSOLETE);
	mtpe_error err;
	assert_true(mtpe_session_decide(s, (size_t)style, MTPE_DECIDE_ACCEPT, 0, NULL, &err) < 0);
	mtpe_session_counts_get(s, &c);
	assert_int_equal(c.total, 4);
	assert_int_equal(c.done, 2);
	assert_int_equal(c.pending, 2);
	assert_int_equal(c.changes, 1);
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_splice(s, DOC);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)style), MTPE_HIT_PENDING);
	assert_int_equal(mtpe_session_redo(s, NULL), 0);
	assert_splice(s, "\xEF\xBB\xBFHe relieve it.\r\nA goverment plan.\r\nThe recieve end");
	assert_int_equal(mtpe_session_decide(s, (size_t)gov, MTPE_DECIDE_CUSTOM, 0, "Government", NULL), 0);
	assert_splice(s, "\xEF\xBB\xBFHe relieve it.\r\nA Government plan.\r\nThe recieve end");
	/* re-deciding replaces; undo brings the accept back */
	assert_int_equal(mtpe_session_decide(s, (size_t)rec, MTPE_DECIDE_KEEP, 0, NULL, NULL), 0);
	assert_splice(s, "\xEF\xBB\xBFHe recieve it.\r\nA Government plan.\r\nThe recieve end");
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_splice(s, "\xEF\xBB\xBFHe relieve it.\r\nA Government plan.\r\nThe recieve end");
	/* a new decision drops the redo stack */
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	mtpe_session_counts_get(s, &c);
	assert_int_equal(c.redo, 2);
	assert_int_equal(mtpe_session_decide(s, (size_t)gov, MTPE_DECIDE_KEEP, 0, NULL, NULL), 0);
	mtpe_session_counts_get(s, &c);
	assert_int_equal(c.redo, 0);
	assert_true(mtpe_session_redo(s, &err) == MTPE_ENOTFOUND);
	/* round trip: undo everything, bytes are the input */
	while (mtpe_session_undo(s, NULL) == 0)
		;
	assert_splice(s, DOC);
	mtpe_session_counts_get(s, &c);
	assert_int_equal(c.pending, 4);
	mtpe_session_free(s);
}

static void test_session__bad_decisions_are_refused(void **state)
{
	mtpe_session *s = make();
	mtpe_error err;
	long style = hit_with(s, "STYLE_X", 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)style, MTPE_DECIDE_ACCEPT, 5, NULL, &err), MTPE_EINVAL);
	assert_int_equal(mtpe_session_decide(s, (size_t)style, MTPE_DECIDE_DICT_ADD, 0, NULL, &err), MTPE_EINVAL);
	assert_int_equal(mtpe_session_decide(s, (size_t)style, MTPE_DECIDE_CUSTOM, 0, "\xff", &err), MTPE_EINVAL);
	assert_int_equal(mtpe_session_decide(s, 99, MTPE_DECIDE_KEEP, 0, NULL, &err), MTPE_EINVAL);
	assert_int_equal(mtpe_session_undo(s, &err), MTPE_ENOTFOUND);
	mtpe_session_free(s);
}

static void test_session__ignore_filters_and_undo(void **state)
{
	mtpe_session *s = make();
	long r1 = hit_with(s, "SPELLING", 0), r2 = hit_with(s, "SPELLING", 2);
	mtpe_session_counts c;
	assert_int_equal(mtpe_session_filter_count(s, (size_t)r1, MTPE_DECIDE_IGNORE), 1);
	assert_int_equal(mtpe_session_filter_count(s, (size_t)r1, MTPE_DECIDE_IGNORE_RULE), 2);
	assert_int_equal(mtpe_session_decide(s, (size_t)r1, MTPE_DECIDE_IGNORE, 0, NULL, NULL), 0);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)r2), MTPE_HIT_FILTERED);
	mtpe_session_counts_get(s, &c);
	assert_int_equal(c.pending, 2);
	assert_int_equal(c.changes, 0);
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)r2), MTPE_HIT_PENDING);
	assert_int_equal(mtpe_session_decide(s, (size_t)r1, MTPE_DECIDE_IGNORE_RULE, 0, NULL, NULL), 0);
	mtpe_session_counts_get(s, &c);
	assert_int_equal(c.pending, 1); /* only the style hit is left */
	assert_splice(s, DOC);
	mtpe_session_free(s);
}

static void test_session__bad_spans_are_dropped(void **state)
{
	const char *t = "caf\xC3\xA9 ok";
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "t.txt", t, strlen(t), NULL, NULL), 0);
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	size_t spans[][2] = { { 4, 1 }, { 0, 4 }, { 7, 9 }, { 99, 1 }, { 0, 5 } }; /* only the last is valid */
	for (size_t i = 0; i < 5; i++) {
		mtpe_finding f;
		memset(&f, 0, sizeof(f));
		f.rule = strdup("R");
		f.message = strdup("m");
		f.offset = spans[i][0];
		f.length = spans[i][1];
		assert_int_equal(mtpe_findings_push(&fs, &f), 0);
	}
	mtpe_session *s = NULL;
	mtpe_finding_add_replacement(&fs.items[4], "caf\xC3\xA9", 5); /* the original: never offered */
	mtpe_finding_add_replacement(&fs.items[4], "cafe", 4);
	assert_int_equal(mtpe_session_new(&s, d, NULL, &fs, NULL, NULL), 0);
	assert_int_equal(mtpe_session_hit_count(s), 1);
	assert_string_equal(mtpe_session_hit(s, 0)->f.text, "caf\xC3\xA9");
	assert_int_equal(mtpe_session_hit(s, 0)->f.nreplacements, 1);
	assert_string_equal(mtpe_session_hit(s, 0)->f.replacements[0], "cafe");
	mtpe_session_free(s);
}

static void test_session__merge_of_a_full_check(void **state)
{
	mtpe_session *s = make();
	long rec = hit_with(s, "SPELLING", 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)rec, MTPE_DECIDE_ACCEPT, 0, NULL, NULL), 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 1), MTPE_DECIDE_IGNORE_RULE, 0, NULL, NULL), 0);
	mtpe_findings full = MTPE_FINDINGS_INIT;
	add(&full, DOC, "SPELLING", MTPE_CAT_SPELLING, "recieve", 0, "receive", NULL);  /* already there */
	add(&full, DOC, "OTHER", MTPE_CAT_STYLE, "recieve it", 0, "get it", NULL);      /* overlaps the accept */
	add(&full, DOC, "OTHER", MTPE_CAT_STYLE, "plan", 0, "scheme", NULL);            /* new */
	add(&full, DOC, "SPELLING", MTPE_CAT_SPELLING, "end", 0, "and", NULL);          /* new, rule ignored */
	mtpe_findings_sort(&full);
	assert_int_equal(mtpe_session_merge(s, &full, NULL), 0);
	assert_int_equal(full.len, 0);
	assert_int_equal(mtpe_session_hit_count(s), 7);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)hit_with(s, "OTHER", 0)), MTPE_HIT_OBSOLETE);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)hit_with(s, "OTHER", 1)), MTPE_HIT_PENDING);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)hit_with(s, "SPELLING", 3)), MTPE_HIT_FILTERED);
	/* document order holds the new hits */
	long p = mtpe_session_first(s), last = -1;
	size_t seen = 0;
	for (long h = mtpe_session_next(s, (size_t)-1, 1, false); h >= 0; h = mtpe_session_next(s, (size_t)h, 1, false)) {
		if (last >= 0)
			assert_true(mtpe_session_hit(s, (size_t)last)->f.offset <= mtpe_session_hit(s, (size_t)h)->f.offset);
		last = h;
		seen++;
	}
	assert_int_equal(seen, 7);
	(void)p;
	/* undo of the accept frees the overlapping new hit */
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)hit_with(s, "OTHER", 0)), MTPE_HIT_PENDING);
	assert_splice(s, DOC);
	mtpe_session_free(s);
}

static void test_session__rebase_after_save(void **state)
{
	mtpe_session *s = make();
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 0), MTPE_DECIDE_CUSTOM, 0, "got", NULL), 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 1), MTPE_DECIDE_KEEP, 0, NULL, NULL), 0);
	char *want = NULL;
	size_t wn;
	assert_int_equal(mtpe_session_splice(s, &want, &wn), 0);
	assert_int_equal(mtpe_session_rebase(s, NULL), 0);
	const mtpe_doc *d = mtpe_session_doc(s);
	assert_int_equal(d->len, wn);
	assert_memory_equal(d->data, want, wn);
	mtpe_session_counts c;
	mtpe_session_counts_get(s, &c);
	assert_int_equal(c.total, 2);      /* the kept hit and the pending one */
	assert_int_equal(c.pending, 1);
	assert_int_equal(c.changes, 0);
	assert_int_equal(c.decisions, 0);  /* undo history starts over */
	for (size_t i = 0; i < mtpe_session_hit_count(s); i++) {
		const mtpe_hit *h = mtpe_session_hit(s, i);
		assert_memory_equal(d->data + h->f.offset, h->f.text, h->f.length);
		if (!strcmp(h->f.text, "goverment"))
			assert_int_equal(mtpe_session_hit_state(s, i), MTPE_HIT_DECIDED);
		else
			assert_int_equal(h->f.line, 3);
	}
	assert_splice(s, want);
	free(want);
	mtpe_session_free(s);

	/* a kept hit around an accepted fix moves with it and reads the new text */
	s = make();
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "STYLE_X", 0), MTPE_DECIDE_KEEP, 0, NULL, NULL), 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 0), MTPE_DECIDE_CUSTOM, 0, "got", NULL), 0);
	assert_int_equal(mtpe_session_rebase(s, NULL), 0);
	long st = hit_with(s, "STYLE_X", 0);
	assert_string_equal(mtpe_session_hit(s, (size_t)st)->f.text, "He got");
	assert_int_equal(mtpe_session_hit_state(s, (size_t)st), MTPE_HIT_DECIDED);
	mtpe_session_free(s);
}

static void test_session__hand_edit_of_a_sentence(void **state)
{
	mtpe_session *s = make();
	long rec = hit_with(s, "SPELLING", 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)rec, MTPE_DECIDE_ACCEPT, 0, NULL, NULL), 0);
	size_t st, en;
	mtpe_buf t = MTPE_BUF_INIT;
	assert_int_equal(mtpe_session_sentence(s, (size_t)rec, &st, &en, &t), 0);
	assert_string_equal(t.ptr, "He receive it.");
	mtpe_buf_dispose(&t);
	long m = mtpe_session_add_manual(s, st, en, NULL);
	assert_true(m >= 0);
	assert_string_equal(mtpe_session_hit(s, (size_t)m)->f.rule, MTPE_MANUAL_RULE);
	assert_int_equal(mtpe_session_decide(s, (size_t)m, MTPE_DECIDE_CUSTOM, 0, "She got it.", NULL), 0);
	assert_splice(s, "\xEF\xBB\xBFShe got it.\r\nA goverment plan.\r\nThe recieve end");
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)m), MTPE_HIT_DEAD);
	assert_splice(s, "\xEF\xBB\xBFHe receive it.\r\nA goverment plan.\r\nThe recieve end");
	assert_int_equal(mtpe_session_redo(s, NULL), 0);
	assert_splice(s, "\xEF\xBB\xBFShe got it.\r\nA goverment plan.\r\nThe recieve end");
	/* a span cutting an accepted fix is refused */
	mtpe_error err;
	assert_true(mtpe_session_add_manual(s, st + 4, en, &err) < 0);
	mtpe_session_free(s);
}

static void test_session__navigation(void **state)
{
	mtpe_session *s = make();
	long first = mtpe_session_first(s);
	assert_int_equal(first, hit_with(s, "STYLE_X", 0));
	long n1 = mtpe_session_next(s, (size_t)first, 1, false);
	assert_int_equal(n1, hit_with(s, "SPELLING", 0));
	long last = hit_with(s, "SPELLING", 2);
	assert_int_equal(mtpe_session_next(s, (size_t)last, 1, false), -1); /* J does not wrap */
	assert_int_equal(mtpe_session_next(s, (size_t)last, 1, true), first); /* j wraps */
	assert_int_equal(mtpe_session_decide(s, (size_t)first, MTPE_DECIDE_KEEP, 0, NULL, NULL), 0);
	assert_int_equal(mtpe_session_next(s, (size_t)last, 1, true), n1);
	assert_int_equal(mtpe_session_hit_rank(s, (size_t)last), 4);
	mtpe_session_free(s);
}

/* ---- re-check with the real checker ---------------------------------------- */

static mtpe_checker *checker(void)
{
	mtpe_checker *c = NULL;
	mtpe_checker_options o = MTPE_CHECKER_OPTIONS_INIT;
	mtpe_error err;
	mtpe_error_clear(&err);
	o.data_dir = MTPE_TEST_SOURCE_DIR;
	o.personal = "/dev/null";
	if (mtpe_checker_new(&c, &o, &err) < 0) {
		print_message("checker unavailable (%s); re-check test skipped\n", err.msg);
		return NULL;
	}
	return c;
}

static void test_session__recheck_shows_new_and_unstable_hits(void **state)
{
	mtpe_checker *chk = checker();
	if (!chk) {
		skip();
		return;
	}
	const char *t = "We recieve letters every day.\nThe second line stays.\n";
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "t.txt", t, strlen(t), NULL, NULL), 0);
	mtpe_session *s = NULL;
	assert_int_equal(mtpe_session_new(&s, d, chk, NULL, NULL, NULL), 0);
	long h = -1;
	for (size_t i = 0; i < mtpe_session_hit_count(s); i++)
		if (!strcmp(mtpe_session_hit(s, i)->f.rule, "SPELLING"))
			h = (long)i;
	assert_true(h >= 0);
	size_t before = mtpe_session_hit_count(s);
	/* a typed fix that is misspelt again: shown as a new hit on the fixed text */
	assert_int_equal(mtpe_session_decide(s, (size_t)h, MTPE_DECIDE_CUSTOM, 0, "recieeve", NULL), 0);
	assert_true(mtpe_session_hit_count(s) > before);
	long child = -1;
	for (size_t i = before; i < mtpe_session_hit_count(s); i++)
		if (!strcmp(mtpe_session_hit(s, i)->f.rule, "SPELLING"))
			child = (long)i;
	assert_true(child >= 0);
	const mtpe_hit *ch = mtpe_session_hit(s, (size_t)child);
	assert_true(ch->unstable);
	assert_string_equal(ch->f.text, "recieeve");
	assert_int_equal(ch->f.offset, 3);
	assert_int_equal(ch->f.length, 7); /* original span of "recieve" */
	assert_int_equal(mtpe_session_hit_state(s, (size_t)child), MTPE_HIT_PENDING);
	assert_int_equal(mtpe_session_next(s, (size_t)h, 1, true), child);
	/* accepting the new hit supersedes the typed fix */
	assert_int_equal(mtpe_session_decide(s, (size_t)child, MTPE_DECIDE_CUSTOM, 0, "receive", NULL), 0);
	assert_splice(s, "We receive letters every day.\nThe second line stays.\n");
	/* the typed fix cannot be replaced while the new hit depends on it */
	mtpe_error err;
	assert_int_equal(mtpe_session_decide(s, (size_t)h, MTPE_DECIDE_KEEP, 0, NULL, &err), MTPE_EINVAL);
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_splice(s, "We recieeve letters every day.\nThe second line stays.\n");
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)child), MTPE_HIT_DEAD);
	assert_splice(s, t);
	assert_int_equal(mtpe_session_redo(s, NULL), 0);
	assert_int_equal(mtpe_session_hit_state(s, (size_t)child), MTPE_HIT_PENDING);
	/* preview of a suggestion in its sentence */
	mtpe_buf pv = MTPE_BUF_INIT;
	size_t a, b;
	assert_int_equal(mtpe_session_preview(s, (size_t)child, "receive", &pv, &a, &b), 0);
	assert_string_equal(pv.ptr, "We receive letters every day.");
	assert_int_equal(a, 3);
	assert_int_equal(b, 10);
	mtpe_buf_dispose(&pv);
	mtpe_session_free(s);
	mtpe_checker_free(chk);
}

/* ---- journal ------------------------------------------------------------------ */

static char state_dir[64];

static int setup_state(void **state)
{
	snprintf(state_dir, sizeof(state_dir), "/tmp/mtpe-state-XXXXXX");
	assert_non_null(mkdtemp(state_dir));
	return 0;
}

static int teardown_state(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state_dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void test_session__journal_replay(void **state)
{
	unsigned char sha[32];
	mtpe_sha256(DOC, sizeof(DOC) - 1, sha);
	mtpe_journal *j = NULL;
	assert_int_equal(mtpe_journal_open(&j, "/x/t.txt", sha, state_dir, NULL), 0);
	assert_int_equal(mtpe_journal_recoverable(j), 0);
	mtpe_session *s = make();
	mtpe_session_set_journal(s, j);
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 0), MTPE_DECIDE_ACCEPT, 0, NULL, NULL), 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 1), MTPE_DECIDE_CUSTOM, 0, "Gov\xC3\xA9rnment", NULL), 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 2), MTPE_DECIDE_CUSTOM, 0, "", NULL), 0);
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	assert_int_equal(mtpe_session_decide(s, (size_t)hit_with(s, "SPELLING", 2), MTPE_DECIDE_KEEP, 0, NULL, NULL), 0);
	assert_null(mtpe_session_journal_error(s, false));
	char *want = NULL;
	size_t wn;
	assert_int_equal(mtpe_session_splice(s, &want, &wn), 0);
	struct stat st;
	assert_int_equal(stat(mtpe_journal_path(j), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a crash mid-write leaves a torn line: ignored */
	FILE *f = fopen(mtpe_journal_path(j), "a");
	fputs("D 1 0 9", f);
	fclose(f);
	mtpe_session_free(s);
	mtpe_journal_free(j);

	assert_int_equal(mtpe_journal_open(&j, "/x/t.txt", sha, state_dir, NULL), 0);
	assert_int_equal(mtpe_journal_recoverable(j), 3);
	s = make();
	mtpe_session_set_journal(s, j);
	size_t applied, skipped;
	assert_int_equal(mtpe_journal_replay(j, s, &applied, &skipped, NULL), 0);
	assert_int_equal(applied, 3);
	assert_int_equal(skipped, 0);
	assert_splice(s, want);
	/* appending continues after the replay; a second replay gives the same */
	assert_int_equal(mtpe_session_undo(s, NULL), 0);
	mtpe_session_free(s);
	mtpe_journal_free(j);
	assert_int_equal(mtpe_journal_open(&j, "/x/t.txt", sha, state_dir, NULL), 0);
	assert_int_equal(mtpe_journal_recoverable(j), 2);
	/* another file's bytes do not match this journal */
	mtpe_journal *other = NULL;
	unsigned char sha2[32];
	mtpe_sha256("x", 1, sha2);
	assert_int_equal(mtpe_journal_open(&other, "/x/t.txt", sha2, state_dir, NULL), 0);
	assert_int_equal(mtpe_journal_recoverable(other), 0);
	mtpe_journal_free(other);
	assert_int_equal(mtpe_journal_discard(j), 0);
	assert_true(stat(mtpe_journal_path(j), &st) < 0 && errno == ENOENT);
	mtpe_journal_free(j);
	free(want);
}

/* ---- save ------------------------------------------------------------------- */

static char dir[64];

static int setup_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/mtpe-save-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void put_file(const char *path, const char *data, mode_t mode)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	chmod(path, mode);
}

static int count_entries(const char *d)
{
	DIR *dd = opendir(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dd)))
		if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
			n++;
	closedir(dd);
	return n;
}

static void test_save__sha256_vectors(void **state)
{
	unsigned char h[32];
	char hex[65];
	mtpe_sha256("abc", 3, h);
	mtpe_hex(h, 32, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	mtpe_sha256("", 0, h);
	mtpe_hex(h, 32, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	mtpe_sha256(m, strlen(m), h);
	mtpe_hex(h, 32, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_save__mode_kept_and_symlink_stays(void **state)
{
	char path[128], link[128];
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	snprintf(link, sizeof(link), "%s/link.txt", dir);
	put_file(path, "old\r\n", 0640);
	assert_int_equal(symlink("a.txt", link), 0);
	mtpe_file_id id, nid;
	assert_int_equal(mtpe_file_id_get(&id, link, "old\r\n", 5, NULL), 0);
	assert_int_equal(mtpe_save_atomic(link, "new\r\n", 5, &id, &nid, NULL), 0);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	size_t n;
	char *b = read_all_file(path, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(b, "new\r\n", 5);
	free(b);
	assert_int_equal(count_entries(dir), 2); /* no temp file left */
	/* the identity after the save allows the next save */
	assert_int_equal(mtpe_save_atomic(path, "newer", 5, &nid, NULL, NULL), 0);
}

static void test_save__changed_on_disk_is_refused(void **state)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/b.txt", dir);
	put_file(path, "one", 0644);
	mtpe_file_id id;
	assert_int_equal(mtpe_file_id_get(&id, path, NULL, 0, NULL), 0);
	put_file(path, "two", 0644); /* an external edit, same size */
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_save_atomic(path, "mine", 4, &id, NULL, &err), MTPE_ECHANGED);
	assert_non_null(strstr(err.msg, "changed on disk"));
	char *b = read_all_file(path, NULL);
	assert_string_equal(b, "two");
	free(b);
	/* a hard-linked file is refused with an explanation */
	char l2[128];
	snprintf(l2, sizeof(l2), "%s/hard.txt", dir);
	assert_int_equal(link(path, l2), 0);
	assert_int_equal(mtpe_save_atomic(path, "mine", 4, NULL, NULL, &err), MTPE_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "hard links"));
}

static void test_save__failure_at_each_step_leaves_original(void **state)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/c.txt", dir);
	put_file(path, "original", 0600);
	for (int step = 0; step < 8; step++) {
		mtpe_save_fail_at(step);
		mtpe_error err;
		mtpe_error_clear(&err);
		int rc = mtpe_save_atomic(path, "replaced", 8, NULL, NULL, &err);
		mtpe_save_fail_at(-1);
		char *b = read_all_file(path, NULL);
		if (rc < 0 && step < 6) {
			/* failed before the rename: old bytes, no temp file */
			assert_string_equal(b, "original");
			assert_int_equal(count_entries(dir), 1);
		} else {
			/* the rename happened (only the folder fsync may have failed) */
			assert_string_equal(b, "replaced");
			put_file(path, "original", 0600);
		}
		free(b);
	}
}

/* G1 (b): saves killed at random moments leave the old or the new bytes, never a mix. */
static void test_save__killed_saves_leave_old_or_new(void **state)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/big.txt", dir);
	size_t n = (size_t)4 << 20;
	char *a = malloc(n), *b = malloc(n);
	memset(a, 'a', n);
	memset(b, 'b', n);
	unsigned char ha[32], hb[32];
	mtpe_sha256(a, n, ha);
	mtpe_sha256(b, n, hb);
	FILE *f = fopen(path, "wb");
	fwrite(a, 1, n, f);
	fclose(f);
	srand(42);
	for (int round = 0; round < 12; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			for (int i = 0;; i++)
				mtpe_save_atomic(path, i % 2 ? a : b, n, NULL, NULL, NULL);
		}
		struct timespec ts = { 0, (long)(rand() % 40 + 1) * 1000 * 1000 };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		size_t len = 0;
		char *got = read_all_file(path, &len);
		assert_non_null(got);
		unsigned char hg[32];
		mtpe_sha256(got, len, hg);
		assert_true(memcmp(hg, ha, 32) == 0 || memcmp(hg, hb, 32) == 0);
		free(got);
	}
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session__accept_undo_redo_keep_bytes),
		cmocka_unit_test(test_session__bad_decisions_are_refused),
		cmocka_unit_test(test_session__ignore_filters_and_undo),
		cmocka_unit_test(test_session__bad_spans_are_dropped),
		cmocka_unit_test(test_session__merge_of_a_full_check),
		cmocka_unit_test(test_session__rebase_after_save),
		cmocka_unit_test(test_session__hand_edit_of_a_sentence),
		cmocka_unit_test(test_session__navigation),
		cmocka_unit_test(test_session__recheck_shows_new_and_unstable_hits),
		cmocka_unit_test_setup_teardown(test_session__journal_replay, setup_state, teardown_state),
		cmocka_unit_test(test_save__sha256_vectors),
		cmocka_unit_test_setup_teardown(test_save__mode_kept_and_symlink_stays, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_save__changed_on_disk_is_refused, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_save__failure_at_each_step_leaves_original, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_save__killed_saves_leave_old_or_new, setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
