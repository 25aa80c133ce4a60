/* test_fix.c - the safe-fix applier (rounds, bytes kept) and the unified diff (applied back by a tiny patcher). */
#include "helpers.h"

#include "mtpe/check.h"
#include "mtpe/fix.h"

/* Applies a unified diff to a; returns the result (caller frees) or NULL if a hunk does not fit. */
static char *patch(const char *a, size_t alen, const char *diff, size_t *outlen)
{
	/* split a into lines with their terminators */
	size_t cap = 16, n = 0;
	const char **ls = malloc(cap * sizeof(*ls));
	size_t *ln = malloc(cap * sizeof(*ln));
	for (size_t s = 0, i = 0; i <= alen; i++)
		if (i == alen ? s < alen : a[i] == '\n') {
			if (n == cap) {
				cap *= 2;
				ls = realloc(ls, cap * sizeof(*ls));
				ln = realloc(ln, cap * sizeof(*ln));
			}
			size_t e = i == alen ? alen : i + 1;
			ls[n] = a + s;
			ln[n++] = e - s;
			s = e;
		}
	mtpe_buf out = MTPE_BUF_INIT;
	mtpe_buf_put(&out, "", 0);
	size_t at = 0; /* next line of a to copy */
	const char *p = diff;
	bool ok = true;
	/* skip the two header lines */
	for (int k = 0; k < 2 && p; k++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	while (ok && p && *p) {
		unsigned long as, ac, bs, bc;
		if (sscanf(p, "@@ -%lu,%lu +%lu,%lu @@", &as, &ac, &bs, &bc) != 4) {
			ok = false;
			break;
		}
		p = strchr(p, '\n') + 1;
		size_t start = ac ? as - 1 : as;
		while (at < start && at < n)
			mtpe_buf_put(&out, ls[at], ln[at]), at++;
		unsigned long seen_a = 0, seen_b = 0;
		while (*p && *p != '@') {
			const char *e = strchr(p, '\n');
			size_t l = e ? (size_t)(e - p) + 1 : strlen(p);
			const char *nx = p + l;
			bool no_nl = !strncmp(nx, "\\ No newline at end of file\n", 28);
			/* a line marked "No newline" carries a '\n' the diff added: drop it */
			if (*p == ' ' || *p == '-') {
				if (at >= n || ln[at] != (no_nl ? l - 2 : l - 1) || memcmp(ls[at], p + 1, ln[at])) {
					ok = false;
					break;
				}
				if (*p == ' ')
					mtpe_buf_put(&out, ls[at], ln[at]);
				at++;
				seen_a++;
				if (*p == ' ')
					seen_b++;
			} else if (*p == '+') {
				mtpe_buf_put(&out, p + 1, no_nl ? l - 2 : l - 1);
				seen_b++;
			} else {
				ok = false;
				break;
			}
			p = no_nl ? nx + 28 : nx;
		}
		if (seen_a != ac || seen_b != bc)
			ok = false;
	}
	while (ok && at < n)
		mtpe_buf_put(&out, ls[at], ln[at]), at++;
	free(ls);
	free(ln);
	if (!ok) {
		mtpe_buf_dispose(&out);
		return NULL;
	}
	*outlen = out.len;
	return mtpe_buf_detach(&out);
}

static void check_roundtrip(const char *a, size_t alen, const char *b, size_t blen)
{
	mtpe_buf d = MTPE_BUF_INIT;
	assert_int_equal(mtpe_unified_diff(&d, "f.txt", a, alen, b, blen), 0);
	if (alen == blen && !memcmp(a, b, alen)) {
		assert_int_equal(d.len, 0);
		mtpe_buf_dispose(&d);
		return;
	}
	size_t ol = 0;
	char *o = patch(a, alen, d.ptr, &ol);
	if (!o || ol != blen || memcmp(o, b, blen))
		fail_msg("diff does not patch a into b:\n%s", d.ptr);
	free(o);
	mtpe_buf_dispose(&d);
}

static void test_fix__diff_simple(void **state)
{
	const char *a = "one\ntwo\nthree\n", *b = "one\n2\nthree\n";
	mtpe_buf d = MTPE_BUF_INIT;
	assert_int_equal(mtpe_unified_diff(&d, "f.txt", a, strlen(a), b, strlen(b)), 0);
	assert_string_equal(d.ptr, "--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n");
	mtpe_buf_dispose(&d);
	/* no final newline on both sides, CRLF kept */
	a = "x\r\ny";
	b = "x\r\nz";
	assert_int_equal(mtpe_unified_diff(&d, "f.txt", a, strlen(a), b, strlen(b)), 0);
	assert_string_equal(d.ptr, "--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n x\r\n-y\n\\ No newline at end of file\n+z\n"
				   "\\ No newline at end of file\n");
	mtpe_buf_dispose(&d);
	check_roundtrip("", 0, "new\n", 4);
	check_roundtrip("old\n", 4, "", 0);
	check_roundtrip("a\nb\n", 4, "a\nb", 3);
}

static void test_fix__diff_random_roundtrip(void **state)
{
	srand(7);
	char a[4096], b[4096];
	for (int iter = 0; iter < 400; iter++) {
		size_t al = 0, bl = 0;
		int lines = rand() % 60;
		for (int i = 0; i < lines; i++) {
			char line[16];
			int w = snprintf(line, sizeof(line), "L%d%s", rand() % 6 ? i : rand() % 5, rand() % 9 ? "\n" : "\r\n");
			int r = rand() % 10;
			if (r != 0) /* keep in a */
				memcpy(a + al, line, (size_t)w), al += (size_t)w;
			if (r == 1) /* changed in b */
				line[0] = 'M';
			if (r != 2) /* deleted from b */
				memcpy(b + bl, line, (size_t)w), bl += (size_t)w;
			if (r == 3) /* inserted in b */
				memcpy(b + bl, "new\n", 4), bl += 4;
		}
		if (rand() % 4 == 0 && al) /* drop a final newline */
			al--;
		if (rand() % 4 == 0 && bl)
			bl--;
		check_roundtrip(a, al, b, bl);
	}
}

static mtpe_checker *mini_checker(void)
{
	mtpe_checker_options o = MTPE_CHECKER_OPTIONS_INIT;
	o.data_dir = MTPE_TEST_SOURCE_DIR "/tests/fixtures/report-data";
	o.source_lang = "none";
	o.no_spelling = true;
	mtpe_checker *c = NULL;
	mtpe_error err;
	mtpe_error_clear(&err);
	if (mtpe_checker_new(&c, &o, &err) < 0)
		fail_msg("%s", err.msg);
	return c;
}

static void test_fix__document_keeps_other_bytes(void **state)
{
	mtpe_checker *c = mini_checker();
	const char *t = "\xEF\xBB\xBFthe foreign Ministry,\r\nin 1941-1945 the years\tit happens not rarely";
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "t.txt", t, strlen(t), NULL, NULL), 0);
	mtpe_fix_result r;
	assert_int_equal(mtpe_fix_document(&r, c, d, NULL, NULL), 0);
	assert_string_equal(r.data, "\xEF\xBB\xBFthe Foreign Ministry,\r\nin 1941\xE2\x80\x93" "1945\tit happens not rarely");
	assert_int_equal(r.applied, 2);
	assert_int_equal(r.rounds, 1);
	assert_int_equal(r.remaining.len, 1); /* MINI_NOT_ONLY is not safe */
	assert_string_equal(r.remaining.items[0].rule, "MINI_NOT_ONLY");
	mtpe_fix_result_dispose(&r);
	/* --only */
	const char *only[] = { "MINI_YEARS_CALQUE" };
	mtpe_fix_options fo = MTPE_FIX_OPTIONS_INIT;
	fo.only = only;
	fo.nonly = 1;
	assert_int_equal(mtpe_fix_document(&r, c, d, &fo, NULL), 0);
	assert_non_null(strstr(r.data, "foreign Ministry"));
	assert_int_equal(r.applied, 1);
	mtpe_fix_result_dispose(&r);
	mtpe_doc_free(d);
	/* nothing to fix: same bytes, no round */
	assert_int_equal(mtpe_doc_from_buffer(&d, "t.txt", "fine\n", 5, NULL, NULL), 0);
	assert_int_equal(mtpe_fix_document(&r, c, d, NULL, NULL), 0);
	assert_int_equal(r.len, 5);
	assert_int_equal(r.rounds, 0);
	mtpe_fix_result_dispose(&r);
	mtpe_doc_free(d);
	mtpe_checker_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fix__diff_simple),
		cmocka_unit_test(test_fix__diff_random_roundtrip),
		cmocka_unit_test(test_fix__document_keeps_other_bytes),
	};
	return cmocka_run_group_tests_name("fix", tests, NULL, NULL);
}
