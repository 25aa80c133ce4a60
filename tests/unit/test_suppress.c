/* test_suppress.c - inline mtpe-disable / -enable / -disable-next-line / -disable-line comments. */
#include "helpers.h"

#include "mtpe/doc.h"
#include "mtpe/formats.h"
#include "mtpe/suppress.h"

/* Adds a finding of `rule` on the nth occurrence of `at`, from byte skip of it, len bytes (0 = all). */
static void add2(mtpe_findings *fs, const mtpe_doc *d, const char *rule, const char *at, int nth, size_t skip,
		 size_t len)
{
	const char *p = d->data;
	for (int i = 0; i <= nth; i++) {
		p = strstr(i ? p + 1 : p, at);
		assert_non_null(p);
	}
	mtpe_finding f;
	memset(&f, 0, sizeof(f));
	f.rule = strdup(rule);
	f.message = strdup("m");
	f.offset = (size_t)(p - d->data) + skip;
	f.length = len ? len : strlen(at) - skip;
	f.text = strndup(p, f.length);
	mtpe_doc_linecol(d, f.offset, &f.line, &f.column);
	mtpe_doc_linecol(d, f.offset + f.length, &f.end_line, &f.end_column);
	assert_int_equal(mtpe_findings_push(fs, &f), 0);
}

static void add(mtpe_findings *fs, const mtpe_doc *d, const char *rule, const char *at, int nth)
{
	add2(fs, d, rule, at, nth, 0, 0);
}

static mtpe_doc *doc(const char *text, const char *format)
{
	mtpe_doc *d = NULL;
	mtpe_doc_options o = MTPE_DOC_OPTIONS_INIT;
	o.format = format;
	mtpe_error err;
	mtpe_error_clear(&err);
	if (mtpe_doc_from_buffer(&d, "t", text, strlen(text), &o, &err) < 0)
		fail_msg("%s", err.msg);
	return d;
}

/* The rules (and lines) of the findings left, as "RULE@line RULE@line". */
static void left(const mtpe_findings *fs, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < fs->len; i++) {
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%s@%d", i ? " " : "", fs->items[i].rule, fs->items[i].line);
	}
}

static void test_suppress__ranges_lines_and_all(void **state)
{
	const char *t = "x A B\n"                                    /* 1 */
			"<!-- mtpe-disable A -- reason here -->\n"   /* 2 */
			"x A B\n"                                    /* 3 */
			"<!-- mtpe-disable-next-line B -->\n"        /* 4 */
			"x A B\n"                                    /* 5 */
			"<!-- mtpe-enable A -->\n"                   /* 6 */
			"x A B <!-- mtpe-disable-line A,B -->\n"     /* 7 */
			"<!-- mtpe-disable -->\n"                    /* 8 */
			"x A B\n"                                    /* 9 */
			"<!-- mtpe-enable B -->\n"                   /* 10 */
			"x A B\n"                                    /* 11 */
			"<!-- mtpe-enable -->\n"                     /* 12 */
			"x A B\n";                                   /* 13 */
	mtpe_doc *d = doc(t, "text");
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	for (int i = 0; i < 7; i++) {
		add2(&fs, d, "A", "x A B", i, 2, 1);
		add2(&fs, d, "B", "x A B", i, 4, 1);
	}
	mtpe_findings_sort(&fs);
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_suppress_apply(d, &fs, &err), 0);
	char got[512];
	left(&fs, got, sizeof(got));
	assert_string_equal(got, "A@1 B@1 B@3 B@11 A@13 B@13");
	mtpe_findings_dispose(&fs);
	mtpe_doc_free(d);
}

static void test_suppress__hash_lines_are_text_in_plain_text(void **state)
{
	mtpe_doc *d = doc("# mtpe-disable A\nx A\n", "text");
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	add(&fs, d, "A", "A\n", 0);
	assert_int_equal(mtpe_suppress_apply(d, &fs, NULL), 0);
	assert_int_equal(fs.len, 1);
	mtpe_findings_dispose(&fs);
	mtpe_doc_free(d);
}

static void test_suppress__findings_inside_the_comment_dropped(void **state)
{
	mtpe_doc *d = doc("text <!-- mtpe-disable-next-line SPELLING -->\nmore\n", "text");
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	add(&fs, d, "SPELLING", "mtpe", 0); /* the word "mtpe" in the directive */
	add(&fs, d, "OTHER", "text", 0);
	assert_int_equal(mtpe_suppress_apply(d, &fs, NULL), 0);
	assert_int_equal(fs.len, 1);
	assert_string_equal(fs.items[0].rule, "OTHER");
	mtpe_findings_dispose(&fs);
	mtpe_doc_free(d);
}

static void test_suppress__bad_directives(void **state)
{
	const char *bad[] = { "a\n<!-- mtpe-disabel A -->\n", "a\n<!--mtpe-disable foo-bar-->\n",
			      "a\n<!-- mtpe-enable A, b -->\n" };
	const int col[] = { 6, 18, 21 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mtpe_doc *d = doc(bad[i], "text");
		mtpe_findings fs = MTPE_FINDINGS_INIT;
		mtpe_error err;
		mtpe_error_clear(&err);
		assert_int_equal(mtpe_suppress_apply(d, &fs, &err), MTPE_EPARSE);
		assert_int_equal(err.line, 2);
		if (err.col != col[i])
			fail_msg("%s: col %d (%s)", bad[i], err.col, err.msg);
		assert_string_equal(err.path, "t");
		mtpe_doc_free(d);
	}
	/* an unterminated comment and a comment that is not a directive are text */
	mtpe_doc *d = doc("<!-- just a note -->\n<!-- mtpe-disable A", "text");
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	assert_int_equal(mtpe_suppress_apply(d, &fs, NULL), 0);
	mtpe_doc_free(d);
}

static void test_suppress__po_next_line_is_the_next_entry(void **state)
{
	if (!mtpe_formats_known("po"))
		skip();
	const char *t = "# mtpe-disable-next-line A\nmsgid \"a\"\nmsgstr \"x A\"\n\nmsgid \"b\"\nmsgstr \"x A\"\n";
	mtpe_doc *d = doc(t, "po");
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	add(&fs, d, "A", "A\"", 0);
	add(&fs, d, "A", "A\"", 1);
	assert_int_equal(mtpe_suppress_apply(d, &fs, NULL), 0);
	assert_int_equal(fs.len, 1);
	assert_int_equal(fs.items[0].line, 6);
	mtpe_findings_dispose(&fs);
	mtpe_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suppress__ranges_lines_and_all),
		cmocka_unit_test(test_suppress__hash_lines_are_text_in_plain_text),
		cmocka_unit_test(test_suppress__findings_inside_the_comment_dropped),
		cmocka_unit_test(test_suppress__bad_directives),
		cmocka_unit_test(test_suppress__po_next_line_is_the_next_entry),
	};
	return cmocka_run_group_tests_name("suppress", tests, NULL, NULL);
}
