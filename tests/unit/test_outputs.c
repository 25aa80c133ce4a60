/* test_outputs.c - escaping for XML/HTML, CSV and URIs; the MQM-style score; report rendering edge cases. */
#include "helpers.h"

#include <locale.h>
#include <math.h>
#include <unistd.h>

#include "mtpe/doc.h"
#include "mtpe/format.h"
#include "mtpe/report.h"
#include "oututil.h"

static void test_outputs__xml_escape(void **state)
{
	mtpe_buf b = MTPE_BUF_INIT;
	const char s[] = "<script>alert(\"1\")</script> & 'x'\x01\tok\xC3\xA9";
	mtpe__xml_escape(&b, s, sizeof(s) - 1);
	assert_string_equal(b.ptr, "&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#39;x&#39;\xEF\xBF\xBD\tok\xC3\xA9");
	mtpe_buf_dispose(&b);
}

static void test_outputs__csv_field(void **state)
{
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe__csv_field(&b, "plain", 5);
	mtpe_buf_putc(&b, '|');
	mtpe__csv_field(&b, "a,b", 3);
	mtpe_buf_putc(&b, '|');
	mtpe__csv_field(&b, "say \"hi\"", 8);
	mtpe_buf_putc(&b, '|');
	mtpe__csv_field(&b, "two\r\nlines", 10);
	mtpe_buf_putc(&b, '|');
	mtpe__csv_field(&b, " padded ", 8);
	assert_string_equal(b.ptr, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\r\nlines\"|\" padded \"");
	mtpe_buf_dispose(&b);
}

static void test_outputs__uri_and_display_path(void **state)
{
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	char abs[4200];
	snprintf(abs, sizeof(abs), "%s/dir//a b#1%%.txt", cwd);
	assert_string_equal(mtpe__display_path(abs), "dir//a b#1%.txt");
	assert_string_equal(mtpe__display_path("rel/x.txt"), "rel/x.txt");
	assert_string_equal(mtpe__display_path("/elsewhere/x"), strncmp(cwd, "/elsewhere", 10) ? "/elsewhere/x" : "x");
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe__uri(&b, "./docs/a b/\xC3\xA9t\xC3\xA9.txt");
	assert_string_equal(b.ptr, "docs/a%20b/%C3%A9t%C3%A9.txt");
	b.len = 0;
	mtpe__uri(&b, "/nonexistent-root/x?.txt");
	assert_string_equal(b.ptr, "file:///nonexistent-root/x%3F.txt");
	mtpe_buf_dispose(&b);
}

static void add(mtpe_findings *fs, const char *rule, mtpe_severity sev, size_t off, size_t len, const mtpe_doc *d)
{
	mtpe_finding f;
	memset(&f, 0, sizeof(f));
	f.rule = strdup(rule);
	f.message = strdup("a <message> & more");
	f.severity = sev;
	f.category = MTPE_CAT_STYLE;
	f.offset = off;
	f.length = len;
	f.text = strndup(d->data + off, len);
	mtpe_doc_linecol(d, off, &f.line, &f.column);
	mtpe_doc_linecol(d, off + len, &f.end_line, &f.end_column);
	mtpe_finding_add_replacement(&f, "=SUM(1)", 7);
	assert_int_equal(mtpe_findings_push(fs, &f), 0);
}

/* JSON's escapes, written out: before, on and after a 16-byte seam of the scan */
static void test_outputs__json_escape_bytes(void **state)
{
	const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "plain \xC3\xA9t\xC3\xA9", "plain \xC3\xA9t\xC3\xA9" },
		{ "\x01\x02\x1f\x7f\t\r\n", "\\u0001\\u0002\\u001f\x7f\\t\\r\\n" },
		{ "a \"q\" \\ b", "a \\\"q\\\" \\\\ b" },
		{ "0123456789abcde\"", "0123456789abcde\\\"" },
		{ "0123456789abcdef\"x", "0123456789abcdef\\\"x" },
		{ "0123456789abcdef0123456789abcdef\\", "0123456789abcdef0123456789abcdef\\\\" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mtpe_buf b = MTPE_BUF_INIT;
		mtpe_buf_puts(&b, "<");
		assert_int_equal(mtpe_json_escape(&b, cases[i].in, strlen(cases[i].in)), 0);
		assert_string_equal(b.ptr + 1, cases[i].out);
		mtpe_buf_dispose(&b);
	}
}

/* "key": "..." as mtpe_json_escape writes the value */
static char *json_member(const char *key, const char *value)
{
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_buf_printf(&b, "\"%s\": \"", key);
	assert_int_equal(mtpe_json_escape(&b, value, strlen(value)), 0);
	mtpe_buf_putc(&b, '"');
	return mtpe_buf_detach(&b);
}

/*
 * check's JSON escapes every string as mtpe_json_escape does, wherever the
 * bytes to escape fall (the findings are written 16 bytes at a time).
 */
static void test_outputs__check_json_escapes_like_the_reference(void **state)
{
	const mtpe_formatter *fmt = mtpe_formatter_find("json");
	assert_non_null(fmt);
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "a \"b\"\\c.txt", "text", 4, NULL, NULL), 0);
	const char *tricky[] = {
		"", "plain", "0123456789abcdef", "0123456789abcde\"", "0123456789abcdef\"tail",
		"\x01\x02\x1f\x7f\t\r\n", "a long message with \"quotes\" and a \\backslash\\ past 16 bytes\x1e",
		"\xC3\xA9t\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xD0\xBA\xD0\xB8\xD1\x80\xD0\xB8\xD0\xBB\xD0\xBB\xD0\xB8\xD1\x86\xD0\xB0\"",
	};
	size_t nt = sizeof(tricky) / sizeof(tricky[0]);
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	for (size_t i = 0; i < nt; i++) {
		mtpe_finding f;
		memset(&f, 0, sizeof(f));
		f.rule = strdup(tricky[(i + 1) % nt]);
		f.message = strdup(tricky[i]);
		f.text = strdup(tricky[(i + 2) % nt]);
		f.unit = tricky[(i + 3) % nt];
		f.offset = i * 1000003;
		f.line = (int)i - 1;
		mtpe_finding_add_replacement(&f, tricky[(i + 4) % nt], strlen(tricky[(i + 4) % nt]));
		mtpe_finding_add_replacement(&f, tricky[i], strlen(tricky[i]));
		assert_int_equal(mtpe_findings_push(&fs, &f), 0);
	}
	mtpe_buf out = MTPE_BUF_INIT;
	mtpe_format_ctx ctx = { &out, false, true, NULL, NULL, NULL };
	assert_int_equal(fmt->begin(&ctx), 0);
	assert_int_equal(fmt->file(&ctx, d, &fs), 0);
	for (size_t i = 0; i < nt; i++) {
		const char *keys[] = { "message", "rule", "text", "unit" };
		const char *vals[] = { tricky[i], tricky[(i + 1) % nt], tricky[(i + 2) % nt], tricky[(i + 3) % nt] };
		for (size_t k = 0; k < 4; k++) {
			char *m = json_member(keys[k], vals[k]);
			assert_non_null(strstr(out.ptr, m));
			free(m);
		}
		char num[64];
		snprintf(num, sizeof(num), "\"offset\": %zu, \"length\": 0, \"line\": %d,", i * 1000003, (int)i - 1);
		assert_non_null(strstr(out.ptr, num));
	}
	/* the replacements, both of the last finding's, in order */
	mtpe_buf want = MTPE_BUF_INIT;
	mtpe_buf_puts(&want, "\"replacements\": [\"");
	mtpe_json_escape(&want, tricky[(nt - 1 + 4) % nt], strlen(tricky[(nt - 1 + 4) % nt]));
	mtpe_buf_puts(&want, "\", \"");
	mtpe_json_escape(&want, tricky[nt - 1], strlen(tricky[nt - 1]));
	mtpe_buf_puts(&want, "\"]");
	assert_non_null(strstr(out.ptr, want.ptr));
	/* no raw control byte anywhere but the layout's line ends */
	for (const char *p = out.ptr; *p; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
	mtpe_buf_dispose(&want);
	mtpe_buf_dispose(&out);
	for (size_t i = 0; i < fs.len; i++)
		fs.items[i].unit = NULL; /* borrowed */
	mtpe_findings_dispose(&fs);
	mtpe_doc_free(d);
}

static void test_outputs__score(void **state)
{
	mtpe_report_settings s;
	mtpe_report_settings_init(&s);
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "x", "abcdefghij", 10, NULL, NULL), 0);
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	add(&fs, "E", MTPE_SEV_ERROR, 0, 1, d);
	add(&fs, "W", MTPE_SEV_WARNING, 1, 1, d);
	add(&fs, "I", MTPE_SEV_INFO, 2, 1, d);
	mtpe_score sc;
	mtpe_report_score(&sc, &fs, 1000, &s);
	assert_true(sc.penalty == 6);
	assert_true(sc.per_kword == 6);
	assert_true(fabs(sc.score - 99.4) < 1e-9);
	assert_true(sc.pass);
	mtpe_report_score(&sc, &fs, 100, &s); /* 60 per 1000 words -> 94.0 */
	assert_false(sc.pass);
	s.threshold = 94;
	mtpe_report_score(&sc, &fs, 100, &s);
	assert_true(sc.pass); /* exactly at the threshold passes */
	mtpe_report_score(&sc, &fs, 0, &s); /* no words: 0 */
	assert_true(sc.score == 0);
	mtpe_findings_dispose(&fs);
	mtpe_doc_free(d);
}

static char *render(const char *fmt, const mtpe_report *r)
{
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_error err;
	mtpe_error_clear(&err);
	assert_int_equal(mtpe_report_render(&b, fmt, r, &err), 0);
	return mtpe_buf_detach(&b);
}

static void test_outputs__report_formats(void **state)
{
	const char *t = "\xEF\xBB\xBF<b>x</b> & y\x01z, overlapping words here";
	mtpe_doc *d = NULL;
	assert_int_equal(mtpe_doc_from_buffer(&d, "<evil>.txt", t, strlen(t), NULL, NULL), 0);
	mtpe_findings fs = MTPE_FINDINGS_INIT;
	add(&fs, "OUTER", MTPE_SEV_WARNING, 3, 8, d);   /* <b>x</b> */
	add(&fs, "INNER", MTPE_SEV_ERROR, 6, 1, d);     /* x */
	add(&fs, "CROSS", MTPE_SEV_INFO, 9, 6, d);      /* b> & y : crosses OUTER's end */
	add(&fs, "EMPTY", MTPE_SEV_INFO, 20, 0, d);     /* zero length */
	mtpe_findings_sort(&fs);
	mtpe_report_file rf = { d, &fs, 9, NULL };
	mtpe_report r = { &rf, 1, NULL, NULL, "T <i>" };
	/* a decimal-comma locale must not change the numbers */
	setlocale(LC_NUMERIC, "de_DE.UTF-8");
	char *html = render("html", &r);
	assert_null(strstr(html, "<b>x"));
	assert_null(strstr(html, "<evil>"));
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "&lt;evil&gt;.txt"));
	assert_non_null(strstr(html, "<title>T &lt;i&gt;</title>"));
	assert_non_null(strstr(html, "\xEF\xBF\xBD")); /* the control character */
	/* every finding has a mark; marks balance */
	size_t opens = 0, closes = 0;
	for (const char *p = html; (p = strstr(p, "<mark class=\"f")); p++)
		opens++;
	for (const char *p = html; (p = strstr(p, "</mark>")); p++)
		closes++;
	assert_int_equal(opens, 4);
	assert_int_equal(closes, 4);
	assert_non_null(strstr(html, "default-src 'none'"));
	free(html);
	char *csv = render("csv", &r);
	assert_non_null(strstr(csv, ",'=SUM(1)\r\n")); /* formula guarded */
	free(csv);
	char *json = render("json", &r);
	assert_non_null(strstr(json, "\"penalty\": 6.00"));
	assert_null(strstr(json, "6,00"));
	free(json);
	char *md = render("md", &r);
	assert_non_null(strstr(md, "&lt;evil&gt;.txt"));
	assert_non_null(strstr(md, "## T &lt;i&gt;"));
	free(md);
	setlocale(LC_NUMERIC, "C");
	mtpe_buf b = MTPE_BUF_INIT;
	mtpe_error err;
	assert_int_equal(mtpe_report_render(&b, "pdf", &r, &err), MTPE_EINVAL);
	mtpe_buf_dispose(&b);
	mtpe_findings_dispose(&fs);
	mtpe_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs__xml_escape),
		cmocka_unit_test(test_outputs__csv_field),
		cmocka_unit_test(test_outputs__uri_and_display_path),
		cmocka_unit_test(test_outputs__json_escape_bytes),
		cmocka_unit_test(test_outputs__check_json_escapes_like_the_reference),
		cmocka_unit_test(test_outputs__score),
		cmocka_unit_test(test_outputs__report_formats),
	};
	return cmocka_run_group_tests_name("outputs", tests, NULL, NULL);
}
